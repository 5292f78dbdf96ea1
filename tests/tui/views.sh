#!/bin/sh
# Views of the index in tmux against the real servers: limit by sender (the
# status bar shows it, the cursor stays on its message), ~N and plain text,
# a pattern that does not parse, clearing it with "all" and with an empty
# pattern, and the limit kept when the folder is loaded again.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=carol@example.org
cfg="$T/carol.conf"
write_config "$cfg" "$user"
dove() { $MAILSYS_DOVEADM "$@"; }

dove mailbox create -u "$user" INBOX >/dev/null 2>&1
dove expunge -u "$user" mailbox INBOX all >/dev/null 2>&1
msg() { # msg HOUR FROM SUBJECT BODY
	printf 'From: %s\nTo: carol@example.org\nSubject: %s\nDate: Wed, 3 Apr 2024 %s:00:00 +0200\nContent-Type: text/plain; charset=UTF-8\n\n%s\n' \
		"$2" "$3" "$1" "$4" | dove save -u "$user" -m INBOX
}
msg 08 'Alice Example <alice@example.org>' 'Lunch on Friday' 'See you.'
msg 09 'Bob Builder <bob@example.org>' 'Budget report' 'Numbers attached.'
msg 10 'Jürgen Groß <jg@example.de>' 'Grüße aus München' 'Servus.'
msg 11 'Alice Example <alice@example.org>' 'Re: Budget report' 'Fine by me.'

tui_start 100 40
check "the folder list shows INBOX" wait_for "INBOX"
keys Enter
check "INBOX opens with four messages" wait_for "INBOX | 4 messages"
keys '?'
check "the help lists the limit action" wait_for "Show only messages matching a pattern"
keys q
wait_for "INBOX | 4 messages" >/dev/null

# The cursor on Bob's message, the second: a limit it matches keeps it there.
keys = j l "budget" Enter
check "plain text matches sender or subject" wait_for "limit: budget, 2 shown"
check "both budget messages are shown" sh -c "tmux -S '$sock' capture-pane -p | grep -c 'Budget report' | grep -qx 2"
check "the others are not" sh -c "! tmux -S '$sock' capture-pane -p | grep -q 'Lunch on Friday'"
keys Enter
check "the cursor stayed on Bob's message" wait_for "From: Bob Builder"
keys i
wait_for "limit: budget" >/dev/null

keys l
check "l asks again, with the limit in force" wait_for "Limit to messages matching: budget"
keys C-u "~f BOB" Enter
check "~f limits to the sender, case folded" wait_for "limit: ~f BOB, 1 shown"
check "Bob's message is shown" sh -c "tmux -S '$sock' capture-pane -p | grep -q 'Bob Builder'"
check "Alice's are not" sh -c "! tmux -S '$sock' capture-pane -p | grep -q 'Alice Example'"

keys l C-u "grüße" Enter
check "UTF-8 text matches as typed" wait_for "limit: grüße, 1 shown"
check "the German message is shown" sh -c "tmux -S '$sock' capture-pane -p | grep -q 'Grüße aus München'"

keys l C-u "~x what" Enter
check "a bad pattern is refused with a message" wait_for "unknown pattern"
check "and the limit stays" wait_for "limit: grüße, 1 shown"

keys l C-u "nobody-like-this" Enter
check "no match says so" wait_for "No message matches nobody-like-this."
check "and shows none" wait_for "limit: nobody-like-this, 0 shown"

keys l C-u "all" Enter
check "all shows every message again" wait_for "INBOX | 4 messages"
check "the limit is gone from the status bar" wait_gone "limit:"
check "Alice's message is back" wait_for "Lunch on Friday"

keys l C-u "~f alice" Enter
wait_for "limit: ~f alice, 2 shown" >/dev/null
keys l C-u Enter
check "an empty pattern clears the limit" wait_gone "limit:"
check "every message is back" wait_for "Budget report"

keys l C-u "~f alice" Enter
wait_for "limit: ~f alice, 2 shown" >/dev/null
keys '$'
check "loading the folder again keeps the limit" wait_for "limit: ~f alice, 2 shown"
check "and applies it to what is loaded" sh -c "! tmux -S '$sock' capture-pane -p | grep -q 'Bob Builder'"
check "Alice's messages are loaded again" wait_for "Lunch on Friday"
keys Q
check "Q quits" wait_for "EXITED=0"
finish
