#!/bin/sh
# Starts the throwaway mail system for the server tests; skipped (77) when this
# machine cannot run it (not root, or the server packages are missing).
dir=${SKUA_MAILSYS_DIR:?}
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the test mail system needs root (Postfix and Dovecot run as their own users)"
	exit 77
fi
for prog in dovecot postfix openssl python3; do
	command -v "$prog" >/dev/null 2>&1 || [ -x "/usr/sbin/$prog" ] || {
		echo "SKIP: $prog is not installed (contrib/install-deps.sh installs it)"
		exit 77
	}
done
rm -f "$dir/stopped"
exec bash "$SKUA_TOP_SRCDIR/contrib/mailsys.sh" start "$dir"
