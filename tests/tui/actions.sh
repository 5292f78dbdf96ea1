#!/bin/sh
# Message operations in the full-screen client, against the real servers:
# saving attachments from the pager (one, twice: the second is "name (1).ext",
# all of a message, directory completion, a folder that does not exist);
# delete to Trash and undo;
# deleting inside Trash: d asks first; n keeps the message; y removes exactly
# that message for good (STORE \Deleted + UID EXPUNGE of its UID), and the
# others stay, also one that another client had marked \Deleted.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=dave@example.org
cfg="$T/dave.conf"
mkdir -p "$T/saved/inner" "$T/saved/other"
write_config "$cfg" "$user"
sed -i "s|^\[general\]\$|[general]\nsave_dir = $T/saved|" "$cfg"
dove() { $MAILSYS_DOVEADM "$@"; }

# dave is this test's own user: start from an empty Trash.
dove expunge -u "$user" mailbox Trash all >/dev/null 2>&1
dove expunge -u "$user" mailbox INBOX all >/dev/null 2>&1
# One attachment with a name that tries to leave the folder, and a message
# with two.
head -c 3000 /dev/urandom > "$T/blob.bin"
b64=$(base64 -w 76 "$T/blob.bin")
{
	printf 'From: a@example.net\nTo: %s\nSubject: One attachment\nDate: Wed, 3 Apr 2024 07:00:00 +0200\n' "$user"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
	printf 'Content-Type: text/plain\n\nSee the file.\n--b\n'
	printf 'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="../../report.bin"\n'
	printf 'Content-Transfer-Encoding: base64\n\n%s\n--b--\n' "$b64"
} | dove save -u "$user" -m INBOX
{
	printf 'From: b@example.net\nTo: %s\nSubject: Two attachments\nDate: Wed, 3 Apr 2024 08:00:00 +0200\n' "$user"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
	printf 'Content-Type: text/plain\n\nTwo files.\n--b\n'
	printf 'Content-Type: text/plain; name="first.txt"\nContent-Disposition: attachment; filename="first.txt"\n\nfirst file\n--b\n'
	printf 'Content-Type: text/plain; name="second.txt"\nContent-Disposition: attachment; filename="second.txt"\n\nsecond file\n--b--\n'
} | dove save -u "$user" -m INBOX
for i in 1 2 3; do
	printf 'From: sender%d@example.net\nTo: %s\nSubject: Trashed number %d\nDate: Wed, 3 Apr 2024 0%d:00:00 +0200\n\nBody %d.\n' \
		"$i" "$user" "$i" "$i" "$i" | dove save -u "$user" -m Trash
done
# Marked \Deleted by another client: a bare EXPUNGE would take it too.
dove flags add -u "$user" '\Deleted' mailbox Trash subject "Trashed number 3"
count() { dove search -u "$user" mailbox Trash all | wc -l; }
check "Trash starts with three messages" test "$(count)" -eq 3

tui_start 80 24
check "the folder list shows INBOX" wait_for "INBOX"
keys Enter
check "INBOX opens" wait_for "One attachment"
keys = Enter
check "the pager shows the message" wait_for "See the file."
keys v
check "v asks where, offering save_dir" wait_for "Save ../../report.bin in: $T/saved/"
keys Enter
check "the attachment is saved, inside the folder" wait_for "Saved $T/saved/_.._report.bin"
check "with the same bytes" cmp "$T/blob.bin" "$T/saved/_.._report.bin"
check "nothing was written outside the folder" test ! -e "$T/report.bin"
keys v Enter
check "saved again under a new name" wait_for "Saved $T/saved/_.._report (1).bin"
check "the first file is untouched" cmp "$T/blob.bin" "$T/saved/_.._report.bin"
check "the second has the same bytes" cmp "$T/blob.bin" "$T/saved/_.._report (1).bin"
keys v C-u
keys -l "$T/nowhere"
keys Enter
check "a folder that does not exist is refused" wait_for "no such folder"
check "and nothing is written" test ! -e "$T/nowhere"
keys v C-u
keys -l "$T/saved/in"
keys Tab
check "Tab completes a folder name" wait_for "in: $T/saved/inner/"
keys Enter
check "saved into the completed folder" wait_for "Saved $T/saved/inner/_.._report.bin"
keys j
check "the next message" wait_for "Two files."
keys v
check "with two attachments v asks which" wait_for "Save which attachment (1-2, * for all)? *"
keys C-u 7 Enter
check "a number out of range is refused" wait_for "There is no attachment 7"
keys v C-u 2 Enter
check "then where, naming the attachment" wait_for "Save second.txt in:"
keys Enter
check "the chosen one is saved" wait_for "Saved $T/saved/second.txt"
check "and only it" test ! -e "$T/saved/first.txt"
keys v Enter
check "* asks for all" wait_for "Save all attachments in:"
keys C-u
keys -l "$T/saved/other"
keys Enter
check "all are saved" wait_for "Saved 2 attachments in $T/saved/other"
check "the first" grep -qx "first file" "$T/saved/other/first.txt"
check "the second" grep -qx "second file" "$T/saved/other/second.txt"
keys v C-g
check "^G gives up" wait_for "Not saved."
keys i
check "back in the index" wait_for "INBOX | 2 messages"
keys u
check "u with nothing moved says so" wait_for "Nothing to undo."
keys = d
check "d moves to Trash and offers undo" wait_for "Moved to Trash. u undoes it."
check "the index lost it" wait_for "INBOX | 1 message,"
check "Trash holds it on the server" sh -c "$MAILSYS_DOVEADM search -u $user mailbox Trash subject 'One attachment' | grep -q ."
keys u
# The watcher may see it arrive and say so over the undo's own note.
check "u moves it back" sh -c "for i in \$(seq 100); do tmux -S '$sock' capture-pane -p | grep -Eq 'Moved back to INBOX\\.|New mail in INBOX' && exit 0; sleep 0.1; done; exit 1"
check "the index shows it again" wait_for "INBOX | 2 messages"
check "with its subject" wait_for "One attachment"
check "INBOX holds it on the server" sh -c "$MAILSYS_DOVEADM search -u $user mailbox INBOX subject 'One attachment' | grep -q ."
check "and Trash no more" sh -c "! $MAILSYS_DOVEADM search -u $user mailbox Trash subject 'One attachment' | grep -q ."
keys u
check "a second u has nothing left to undo" wait_for "Nothing to undo."
keys q
check "back in the folder list" wait_for "Trash"
keys G Enter
check "Trash opens" wait_for "Trash | 3 messages"
keys =
check "the first message is under the cursor" wait_for "Trashed number 1"
keys d
check "d in Trash asks before deleting for good" wait_for "from Trash for good? (y/n)"
check "the question names the message" wait_for 'Delete "Trashed number 1"'
keys n
check "n answers no" wait_for "Not done."
check "the message is still shown" wait_for "Trashed number 1"
check "and still on the server" test "$(count)" -eq 3
keys d
check "d asks again" wait_for "for good? (y/n)"
keys y
check "y deletes it" wait_for "Deleted for good."
check "the index lost it" wait_gone "Trashed number 1"
check "the status bar counts two" wait_for "Trash | 2 messages"
check "the server has two left" test "$(count)" -eq 2
check "exactly that one is gone" sh -c "! $MAILSYS_DOVEADM search -u $user mailbox Trash subject 'Trashed number 1' | grep -q ."
check "the message another client marked deleted is still there" \
	sh -c "$MAILSYS_DOVEADM search -u $user mailbox Trash subject 'Trashed number 3' | grep -q ."

# From the pager: the question, then back to the index.
keys = Enter
check "the pager shows the next message" wait_for "Body 2."
keys d
check "d in the pager asks too" wait_for "for good? (y/n)"
keys y
check "y deletes it and goes back to the index" wait_for "Trash | 1 message,"
check "the server has one left" test "$(count)" -eq 1
keys q
check "back in the folder list" wait_for "INBOX"
keys q
check "q quits" wait_for "EXITED=0"
finish
