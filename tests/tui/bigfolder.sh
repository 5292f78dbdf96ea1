#!/bin/sh
# Opening a big folder in the full-screen client: the index fills while the
# messages arrive, the message line shows the progress, ^G cancels and leaves
# what arrived (marked incomplete) usable, $ loads it all again, and the
# keyboard works throughout.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=carol@example.org
folder=Big
count=10000
cfg="$T/carol.conf"
write_config "$cfg" "$user"
$MAILSYS_DOVEADM mailbox delete -u "$user" "$folder" >/dev/null 2>&1
python3 "$SKUA_TOP_SRCDIR/contrib/fill-folder.py" --env "$SKUA_MAILSYS_DIR/env" --user "$user" \
	--folder "$folder" --count "$count" > "$T/fill.log" 2>&1
check "the big folder was filled" grep -q "messages=$count" "$T/fill.log"

tui_start 100 30
check "the folder list shows the big folder's count" wait_for "$count"
# The folder sorts last: after INBOX and the special folders.
keys G Enter
check "loading shows its progress" wait_for "Loading $folder: "
check "the progress names the cancel key" wait_for "^G cancels"
# Messages on screen and the load still running, in one capture.
filling() {
	for _ in $(seq 1 50); do
		screen > "$T/s"
		grep -q "Loading $folder" "$T/s" && sed -n 2p "$T/s" | grep -Eq ' [0-9]{4}-[0-9]{2}-[0-9]{2} ' &&
			return 0
		sleep 0.05
	done
	return 1
}
check "the index fills while it loads" filling
keys '?'
check "keys work while it loads: help" wait_for "Keys of the index screen"
keys q
check "and back" wait_for "Loading $folder"
keys C-g
check "^G cancels the load" wait_for "Loading was cancelled"
check "the index says it is incomplete" wait_for "(incomplete)"
shown=$(screen | sed -n 's/.*| \([0-9]*\) messages.*/\1/p')
check "what arrived stays: some but not all ($shown)" sh -c "[ '${shown:-0}' -gt 0 ] && [ '${shown:-0}' -lt $count ]"
keys Enter
check "a message of the partial list opens" wait_for "Subject: "
keys q
keys '$'
check "\$ loads the whole folder again" wait_for "$folder | $count messages"
check "no longer incomplete" wait_gone "(incomplete)"
keys G Enter
check "G goes to the last message" wait_for "| $count/$count"
keys q = Enter
check "= goes to the first" wait_for "| 1/$count"
keys q
keys q q
check "quits with status 0" wait_for "EXITED=0"
$MAILSYS_DOVEADM mailbox delete -u "$user" "$folder" >/dev/null 2>&1
finish
