#!/bin/sh
# Stops the test mail system and checks that none of its processes is left.
dir=${SKUA_MAILSYS_DIR:?}
[ -f "$dir/env" ] || { echo "SKIP: the mail system was not started"; exit 77; }
bash "$SKUA_TOP_SRCDIR/contrib/mailsys.sh" stop "$dir" || exit 1
touch "$dir/stopped"
left=$(ps -eo pid=,args= | grep -F "$dir" | grep -v -e grep -e mailsys-stop || true)
if [ -n "$left" ]; then
	echo "FAIL: processes of the mail system are still running:"
	echo "$left"
	exit 1
fi
echo "mail system stopped, no process left"
