#!/bin/sh
# Deleting inside Trash in the full-screen client, against the real servers:
# d asks first; n keeps the message; y removes exactly that message for good
# (STORE \Deleted + UID EXPUNGE of its UID), and the others stay, also one
# that another client had marked \Deleted without expunging.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=dave@example.org
cfg="$T/dave.conf"
write_config "$cfg" "$user"
dove() { $MAILSYS_DOVEADM "$@"; }

# dave is this test's own user: start from an empty Trash.
dove expunge -u "$user" mailbox Trash all >/dev/null 2>&1
for i in 1 2 3; do
	printf 'From: sender%d@example.net\nTo: %s\nSubject: Trashed number %d\nDate: Wed, 3 Apr 2024 0%d:00:00 +0200\n\nBody %d.\n' \
		"$i" "$user" "$i" "$i" "$i" | dove save -u "$user" -m Trash
done
# Marked \Deleted by another client: a bare EXPUNGE would take it too.
dove flags add -u "$user" '\Deleted' mailbox Trash subject "Trashed number 3"
count() { dove search -u "$user" mailbox Trash all | wc -l; }
check "Trash starts with three messages" test "$(count)" -eq 3

tui_start 80 24
check "the folder list shows Trash" wait_for "Trash"
keys G Enter
check "Trash opens" wait_for "Trash | 3 messages"
keys g
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
keys g Enter
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
