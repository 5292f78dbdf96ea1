#!/bin/sh
# Moving and copying messages to another folder in tmux against the real
# servers: s asks for the folder with Tab completion of the names, the
# message leaves the index and lands in the folder on the server, the folder
# list counts follow, u takes it back; C copies and leaves the original; from
# the pager too; a folder that does not exist and ^G are refused.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
# lena is this test's own user: it empties and fills her folders.
user=lena@example.org
cfg="$T/lena.conf"
write_config "$cfg" "$user"
dove() { $MAILSYS_DOVEADM "$@"; }

for f in Projects Private; do
	dove mailbox create -u "$user" "$f" >/dev/null 2>&1
	dove expunge -u "$user" mailbox "$f" all >/dev/null 2>&1
done
dove expunge -u "$user" mailbox INBOX all >/dev/null 2>&1
msg() { # msg HOUR SUBJECT
	printf 'From: Sender <s@example.org>\nTo: %s\nSubject: %s\nDate: Wed, 3 Apr 2024 %s:00:00 +0200\n\nBody of %s.\n' \
		"$user" "$2" "$1" "$2" | dove save -u "$user" -m INBOX
}
msg 08 'Alpha plan'
msg 09 'Beta notes'
msg 10 'Gamma list'
msg 11 'Delta list'
in_folder() { # in_folder FOLDER SUBJECT: the server has it there
	dove search -u "$user" mailbox "$1" subject "$2" | grep -q .
}
count() { dove search -u "$user" mailbox "$1" all | wc -l; }

tui_start 100 30
check "the folder list shows Projects" wait_for "Projects"
keys Enter
check "INBOX opens with four messages" wait_for "INBOX | 4 messages"
keys '?'
check "help lists save-message" wait_for "Move the message to another folder"
check "help lists copy-message" wait_for "Copy the message to another folder"
keys q
wait_for "INBOX | 4 messages" >/dev/null

keys Home s
check "s asks for the folder" wait_for "Move to folder:"
keys "Pro" Tab
check "Tab completes the folder name" wait_for "Move to folder: Projects"
keys Enter
check "the move is reported with its undo key" sh -c "for i in \$(seq 100); do tmux -S '$sock' capture-pane -p | grep -Eq 'Moved to Projects\\. u undoes it\\.|New mail in Projects' && exit 0; sleep 0.1; done; exit 1"
check "the index lost the message" wait_gone "Alpha plan"
check "the status bar counts three" wait_for "INBOX | 3 messages"
check "Projects holds it on the server" in_folder Projects "Alpha plan"
check "INBOX no more" sh -c "! $MAILSYS_DOVEADM search -u $user mailbox INBOX subject 'Alpha plan' | grep -q ."
keys c
check "back in the folder list" wait_for "Private"
# Unread and total: the message was unread.
check "the folder list counts Projects one" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq '^ +Projects +1 +1 *\$'"
check "and INBOX three" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq '^ +INBOX +[0-9]+ +3 *\$'"
keys Enter
wait_for "INBOX | 3 messages" >/dev/null
keys u
# The watcher may see it arrive and say so over the undo's own note.
check "u moves it back" sh -c "for i in \$(seq 100); do tmux -S '$sock' capture-pane -p | grep -Eq 'Moved back to INBOX\\.|New mail in INBOX' && exit 0; sleep 0.1; done; exit 1"
check "the index shows it again" wait_for "Alpha plan"
check "INBOX holds it again" in_folder INBOX "Alpha plan"
check "Projects is empty again" test "$(count Projects)" -eq 0

# Copy: the original stays. Alpha came back under a new UID, so where it
# sorts depends on the second each message arrived in: the limit picks.
wait_for "INBOX | 4 messages" >/dev/null
keys l "Beta" Enter
wait_for "limit: Beta, 1 shown" >/dev/null
keys Home C
check "C asks where to copy" wait_for "Copy to folder:"
keys "Private" Enter
# The watcher may see the copy arrive in Private and say so over the note.
check "the copy is reported" sh -c "for i in \$(seq 100); do tmux -S '$sock' capture-pane -p | grep -Eq 'Copied to Private\\.|New mail in Private' && exit 0; sleep 0.1; done; exit 1"
check "the original is still shown" wait_for "Beta notes"
check "INBOX still counts four" wait_for "INBOX | 4 messages"
check "Private holds the copy" in_folder Private "Beta notes"
check "INBOX still holds the original" in_folder INBOX "Beta notes"
keys l C-u "list" Enter
wait_for "limit: list, 2 shown" >/dev/null

# Refusals.
keys s "Nowhere" Enter
check "a folder that does not exist is refused" wait_for "No folder named Nowhere"
check "nothing moved" wait_for "INBOX | 4 messages"
keys s "Proj" C-g
check "^G gives up" wait_for "Not done."
keys s "INBOX" Enter
check "the open folder is refused" wait_for "The message is already in that folder."

# From the pager, the name in another case: the next message is shown.
keys Home Enter
check "the pager shows Gamma" wait_for "Body of Gamma list."
keys s "projects" Enter
check "the move from the pager is reported" sh -c "for i in \$(seq 100); do tmux -S '$sock' capture-pane -p | grep -Eq 'Moved to Projects\\.|New mail in Projects' && exit 0; sleep 0.1; done; exit 1"
check "the pager goes on to the next message" wait_for "Body of Delta list."
check "Projects holds Gamma on the server" in_folder Projects "Gamma list"
keys i
check "the index counts three" wait_for "INBOX | 3 messages"
check "the limit shows one" wait_for "limit: list, 1 shown"
check "Gamma is gone from it" sh -c "! tmux -S '$sock' capture-pane -p | grep -q 'Gamma list'"
keys Q
check "Q quits" wait_for "EXITED=0"
finish
