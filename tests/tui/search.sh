#!/bin/sh
# The server search in tmux against the real servers: / asks for a text, the
# server's UID SEARCH TEXT finds words that are only in bodies, UTF-8 too; the
# index shows only what it found and the status bar says so; a text built to
# read as IMAP syntax finds nothing; a limit of all ends the search; the
# screen answers keys while a search runs on a big folder, and ^G cancels it.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
# mona is this test's own user: it empties and fills her folders.
user=mona@example.org
cfg="$T/mona.conf"
write_config "$cfg" "$user"
dove() { $MAILSYS_DOVEADM "$@"; }

dove expunge -u "$user" mailbox INBOX all >/dev/null 2>&1
msg() { # msg HOUR SUBJECT BODY
	printf 'From: Sender <s@example.org>\nTo: %s\nSubject: %s\nDate: Wed, 3 Apr 2024 %s:00:00 +0200\nContent-Type: text/plain; charset=UTF-8\n\n%s\n' \
		"$user" "$2" "$1" "$3" | dove save -u "$user" -m INBOX
}
msg 08 'First note' 'The kumquat tree is in bloom.'
msg 09 'Second note' 'Nothing about fruit.'
msg 10 'Third note' 'Another KUMQUAT, and Grüße from Köln.'
msg 11 'Fourth note' 'He wrote "quoted words" here.'
# A folder big enough that Dovecot takes a while to search its bodies.
if ! dove mailbox status -u "$user" messages Big 2>/dev/null | grep -qx 'messages=10000'; then
	dove mailbox delete -u "$user" Big >/dev/null 2>&1
	python3 "$SKUA_TOP_SRCDIR/contrib/fill-folder.py" --env "$SKUA_MAILSYS_DIR/env" --user "$user" \
		--folder Big --count 10000 --seed 3 >/dev/null
fi

tui_start 100 30
check "the folder list shows INBOX" wait_for "INBOX"
keys Enter
check "INBOX opens with four messages" wait_for "INBOX | 4 messages"
keys '?'
check "help lists the server search" wait_for "Show only what a server search finds"
keys q
wait_for "INBOX | 4 messages" >/dev/null

keys / 
check "/ asks for the text" wait_for "Search the server for:"
keys "kumquat" Enter
check "the search reports what it found and how to end it" wait_for "The server found 2 messages with kumquat; l all shows all again."
check "the status bar shows the search" wait_for "search: kumquat, 2 shown"
check "a word found only in a body, any case" wait_for "Third note"
check "the first one too" wait_for "First note"
check "the others are hidden" sh -c "! tmux -S '$sock' capture-pane -p | grep -Eq 'Second note|Fourth note'"

keys / C-u "grüße" Enter
check "UTF-8 text is found" wait_for "search: grüße, 1 shown"
check "in the message that has it" wait_for "Third note"
check "and only there" sh -c "! tmux -S '$sock' capture-pane -p | grep -q 'First note'"

keys / C-u '"quoted words"' Enter
check "quotes are text to search for" wait_for "search: \"quoted words\", 1 shown"
check "and find it" wait_for "Fourth note"

# Unquoted this would be TEXT "" OR ALL TEXT "": every message.
keys / C-u '" OR ALL TEXT "' Enter
check "IMAP syntax in the text finds nothing" wait_for "The server found no message with"
check "and shows nothing" wait_for "search: \" OR ALL TEXT \", 0 shown"

keys l C-u "all" Enter
check "a limit of all ends the search" wait_gone "search:"
check "every message is back" wait_for "Second note"

keys / C-u "kumquat" Enter
wait_for "search: kumquat, 2 shown" >/dev/null
keys / C-u Enter
check "an empty search ends it too" wait_for "The search is over"
check "and every message is back" wait_for "Fourth note"

# The big folder: the screen answers while the server searches.
# Special folders come first: Big, mona's only other one, is the last.
keys q
wait_for "Big" >/dev/null
keys G Enter
check "Big opens" wait_for "Big | 10000 messages"
wait_gone "Loading" >/dev/null
keys / "nosuchwordanywhere" Enter
check "the message line says a search runs and how to cancel it" wait_for "Searching Big on the server for nosuchwordanywhere... ^G cancels"
keys '?'
check "keys work while it runs" wait_for "Keys of the index screen"
keys q
check "it ends" wait_for "The server found no message with nosuchwordanywhere"
check "with nothing shown" wait_for "search: nosuchwordanywhere, 0 shown"
keys l C-u all Enter
wait_gone "search:" >/dev/null
# A search and ^G at once: the search never lands.
keys / C-u "anotherword" Enter C-g
check "^G cancels the search" wait_for "The search was cancelled."
sleep 1
check "nothing is hidden" sh -c "! tmux -S '$sock' capture-pane -p | grep -q 'search:'"
check "the index shows the folder's messages" sh -c "! tmux -S '$sock' capture-pane -p | grep -q 'No messages in this folder'"
keys Q
check "Q quits" wait_for "EXITED=0"
finish
