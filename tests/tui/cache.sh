#!/bin/sh
# A folder opened again in the full-screen client comes from the header
# cache and is brought up to date: a message another client expunged goes,
# one it flagged shows the flag, a new one appears, also after the server
# rebuilt its index (modseqs counted anew); and with a cache file of garbage
# the folder still opens, with a note that the cache is rebuilt.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=bob@example.org
folder=zzcache   # sorts last in the folder list
cfg="$T/bob.conf"
write_config "$cfg" "$user"
dove() { $MAILSYS_DOVEADM "$@"; }
save() { printf 'From: Cache Tester <tester@example.org>\r\nSubject: %s\r\n\r\nx\r\n' "$1" | dove save -u "$user" -m "$folder"; }
dove mailbox delete -u "$user" "$folder" >/dev/null 2>&1
dove mailbox create -u "$user" "$folder"
save "cache one"
save "cache two"
save "cache three"

# open_folder: start the client (a tmux of its own each time) and open the
# last folder.
run=0
open_folder() {
	tmux -S "$sock" kill-server 2>/dev/null
	run=$((run + 1))
	sock="$T/tmux-$run.sock"
	tui_start 100 30
	wait_for "$folder" > /dev/null
	keys G Enter
}
open_folder
check "the first open lists the folder" wait_for "cache three"
keys q q
check "and quits" wait_for "EXITED=0"
check "the cache file was written" test -s "$HOME/.cache/skua/bob.db"

dove expunge -u "$user" mailbox "$folder" uid 1
dove flags add -u "$user" '\Flagged' mailbox "$folder" uid 2
save "cache four"
# The other client's changes must be so on the server, or the checks below
# would blame skua for a change that was never made.
uids() { dove fetch -u "$user" uid mailbox "$folder" "$@" | sed -n 's/^uid: //p' | tr '\n' ' '; }
check "another client expunged one, flagged one and delivered one" \
	test "$(uids all)/$(uids flagged)" = "2 3 4 /2 "
open_folder
check "the second open shows the new message" wait_for "cache four"
check "the expunged one is gone" wait_gone "cache one"
check "the one flagged elsewhere shows the flag" \
	sh -c "tmux -S '$sock' capture-pane -p | grep -F 'cache two' | grep -q '!'"
check "cache three is still there" wait_for "cache three"
keys q q
check "and quits" wait_for "EXITED=0"

# A server that rebuilt its index keeps a maildir's UIDs and UIDVALIDITY but
# counts modseqs anew, below the cached HIGHESTMODSEQ: its QRESYNC answer
# holds no change, and a warm open that trusted it showed the new message
# with the expunged one and the old flags still there.
dove expunge -u "$user" mailbox "$folder" uid 2
dove flags add -u "$user" '\Flagged' mailbox "$folder" uid 3
save "cache five"
rm -f "$MAILSYS_DIR/mail/${user#*@}/${user%@*}/.$folder/dovecot.index"*
check "another client changed it again and the server rebuilt its index" \
	test "$(uids all)/$(uids flagged)" = "3 4 5 /3 "
open_folder
check "after the rebuild the new message shows" wait_for "cache five"
check "the one expunged before the rebuild is gone" wait_gone "cache two"
check "the one flagged before the rebuild shows the flag" \
	sh -c "tmux -S '$sock' capture-pane -p | grep -F 'cache three' | grep -q '!'"
keys q q
check "and quits" wait_for "EXITED=0"

head -c 10000 /dev/urandom > "$HOME/.cache/skua/bob.db"
rm -f "$HOME/.cache/skua/bob.db-wal" "$HOME/.cache/skua/bob.db-shm"
open_folder
check "with a garbage cache file the folder opens" wait_for "cache four"
check "and the note says the cache is rebuilt" wait_for "header cache rebuilt"
keys q q
check "and quits cleanly" wait_for "EXITED=0"

tmux -S "$sock" kill-server 2>/dev/null
dove mailbox delete -u "$user" "$folder" >/dev/null 2>&1
finish
