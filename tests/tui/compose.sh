#!/bin/sh
# Writing mail in the full-screen client, against the real servers: a new
# message with the address completed from one read before, a subject, text
# typed in the built-in editor and an attachment found with Tab, sent, and
# found in the recipient's INBOX and in Sent; a reply (In-Reply-To, the quote,
# the original marked answered); a forward; a message postponed to Drafts and
# resumed from there; a discarded one; the external editor ($EDITOR); a sender
# whose name holds escape sequences; and quitting with a message unsent,
# which is kept in dead.letter.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=erin@example.org
peer=kate@example.org
cfg="$T/erin.conf"
write_config "$T/kate.conf" "$peer"
write_config "$cfg" erin@example.org   # sets user again
dove() { $MAILSYS_DOVEADM "$@"; }

# erin and kate are this test's own users: start from empty folders.
for u in "$user" "$peer"; do
	for f in INBOX Sent Drafts Trash; do
		dove expunge -u "$u" mailbox "$f" all >/dev/null 2>&1
	done
done
printf 'From: Kate Example <%s>\nTo: %s\nSubject: Lunch plans\nMessage-ID: <lunch-1@example.org>\nDate: Wed, 3 Apr 2024 07:00:00 +0200\n\nShall we meet at noon?\n' \
	"$peer" "$user" | dove save -u "$user" -m INBOX
esc=$(printf '\033')
printf 'From: Evil%s[31mRed <mallory@example.net>\nTo: %s\nSubject: Colours%s[2J%s]0;pwned%s\\ here\nDate: Wed, 3 Apr 2024 06:00:00 +0200\n\nHostile.\n' \
	"$esc" "$user" "$esc" "$esc" "$esc" | dove save -u "$user" -m INBOX
printf 'A report.\n' > "$T/report.txt"

# in_mailbox USER FOLDER SUBJECT: a message with SUBJECT arrives there (delivery
# through LMTP takes a moment).
in_mailbox() {
	for _ in $(seq 1 100); do
		[ -n "$(dove search -u "$1" mailbox "$2" subject "$3" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	return 1
}
uid_of() { dove search -u "$1" mailbox "$2" subject "$3" | head -1 | cut -d' ' -f2; }

tui_start 100 30
check "the folder list shows INBOX" wait_for "INBOX"
keys Enter
check "INBOX opens" wait_for "Lunch plans"
# Reading Frank's message (the first saved) puts his address in the
# address book.
keys = Enter
check "the message is read" wait_for "Shall we meet at noon?"
keys i

keys m
check "m asks for the recipients" wait_for "To:"
keys "Kat" Tab
check "Tab completes an address seen before" wait_for "To: Kate Example <$peer>"
keys Enter
check "then the subject" wait_for "Subject:"
keys "Hello from skua" Enter
check "then the built-in editor takes the text" wait_for "Editing the text: ^X ends"
keys "First line" Enter "Second line, ünïcödé"
check "the typed text shows" wait_for "Second line, ünïcödé"
keys C-x
check "^X ends editing: the compose screen" wait_for "Subject:  Hello from skua"
check "with the recipient" wait_for "To:       Kate Example <$peer>"
check "and the text" wait_for "First line"
keys '?'
check "help lists the compose screen's keys" wait_for "Keys of the compose screen"
screen > "$T/help-compose"
keys q
check "and goes back to it" wait_for "Subject:  Hello from skua"
keys a
check "a asks for a file" wait_for "Attach file:"
keys "$T/rep" Tab
check "Tab completes the path" wait_for "Attach file: $T/report.txt"
keys Enter
check "the attachment is listed" wait_for "report.txt"
check "with its type" wait_for "report.txt  text/plain"
check "with its count" wait_for "Attachments: 1"
keys y
check "y sends" wait_for "Sent; copy in Sent."
check "the message reaches kate's INBOX" in_mailbox "$peer" INBOX "Hello from skua"
check "and its copy is in Sent" in_mailbox "$user" Sent "Hello from skua"
"$SKUA" -F "$T/kate.conf" read INBOX "$(uid_of "$peer" INBOX "Hello from skua")" > "$T/read" 2>&1
check "the text arrives intact" grep -q "^Second line, ünïcödé$" "$T/read"
check "with the attachment" grep -q "report.txt" "$T/read"
check "the index is back" wait_for "Lunch plans"

# Reply: the quote in the editor, the user's text above it.
keys q
wait_for "INBOX" >/dev/null
keys Enter
wait_for "Lunch plans" >/dev/null
keys = r
check "r opens the editor with the quote" wait_for "> Shall we meet at noon?"
keys "Noon is fine." Enter Enter C-x
check "the reply's subject" wait_for "Subject:  Re: Lunch plans"
check "goes to the sender" wait_for "To:       Kate Example <$peer>"
keys y
check "the reply is sent" wait_for "Sent; copy in Sent."
check "it reaches kate" in_mailbox "$peer" INBOX "Re: Lunch plans"
"$SKUA" -F "$T/kate.conf" read INBOX "$(uid_of "$peer" INBOX "Re: Lunch plans")" > "$T/reply" 2>&1
check "with the text above the quote" grep -q "^Noon is fine.$" "$T/reply"
check "and the quote" grep -q "^> Shall we meet at noon?$" "$T/reply"
dove fetch -u "$peer" hdr mailbox INBOX subject "Re: Lunch plans" > "$T/hdr"
check "In-Reply-To names the original" grep -qi "^In-Reply-To: <lunch-1@example.org>" "$T/hdr"
check "the original is marked answered on the server" \
	sh -c "$MAILSYS_DOVEADM search -u $user mailbox INBOX ANSWERED subject 'Lunch plans' | grep -q ."

# Forward: asks the recipient first.
keys f
check "f asks where to forward" wait_for "Forward to:"
keys "$peer" Enter
check "the forwarded text is in the editor" wait_for "Shall we meet at noon?"
keys C-x
check "with a Fwd: subject" wait_for "Subject:  Fwd: Lunch plans"
keys y
check "the forward is sent" wait_for "Sent; copy in Sent."
check "it reaches kate" in_mailbox "$peer" INBOX "Fwd: Lunch plans"

# Postpone, then resume from Drafts and send.
keys m
wait_for "To:" >/dev/null
keys "$peer" Enter
wait_for "Subject:" >/dev/null
keys "To finish later" Enter
wait_for "Editing the text" >/dev/null
keys "Half a thought" C-x
check "the compose screen again" wait_for "Subject:  To finish later"
keys P
check "P postpones to Drafts" wait_for "Postponed to Drafts"
check "the draft is on the server" in_mailbox "$user" Drafts "To finish later"
check "flagged as a draft" \
	sh -c "$MAILSYS_DOVEADM search -u $user mailbox Drafts DRAFT subject 'To finish later' | grep -q ."
keys R
check "R opens Drafts" wait_for "choose one and press R"
check "which lists the draft" wait_for "To finish later"
keys R
check "R on the draft resumes it" wait_for "Subject:  To finish later"
check "with its recipient" wait_for "To:       $peer"
check "and its text" wait_for "Half a thought"
keys y
check "the resumed draft is sent" wait_for "Sent; copy in Sent."
check "it reaches kate" in_mailbox "$peer" INBOX "To finish later"
check "and leaves Drafts" sh -c "[ -z \"\$($MAILSYS_DOVEADM search -u $user mailbox Drafts all)\" ]"

# Discard asks first.
keys m
wait_for "To:" >/dev/null
keys "nobody@example.org" Enter
wait_for "Subject:" >/dev/null
keys "Never sent" Enter
wait_for "Editing the text" >/dev/null
keys C-x
wait_for "Subject:  Never sent" >/dev/null
keys q
check "q asks before discarding" wait_for "Discard this message? (y/n)"
keys y
check "y discards it" wait_for "Message discarded."
check "back where it started" wait_for "| Drafts |"

# A reply to a sender whose name and subject hold escape sequences.
keys c
wait_for "INBOX" >/dev/null
keys g Enter
wait_for "Lunch plans" >/dev/null
keys G
keys r
wait_for "Editing the text" >/dev/null
keys C-x
check "the reply to the hostile sender shows its subject" wait_for "Subject:  Re: Colours"
check "no escape sequence reached the screen, nor its text" \
	sh -c "! tmux -S '$sock' capture-pane -p | grep -Eq '\\[31m|\\[2J|\\]0;pwned'"
check "the window title is untouched" sh -c "! tmux -S '$sock' display -p '#{pane_title}' | grep -q pwned"

# Quitting with a message written asks, and keeps it in dead.letter.
keys Q
check "Q asks before quitting with a message" wait_for "quit anyway"
keys y
check "skua ends" wait_for "EXITED=0"
check "the message is kept in dead.letter" grep -q "Subject: Re: Colours" "$XDG_STATE_HOME/skua/dead.letter"
tmux -S "$sock" kill-server 2>/dev/null

# The external editor: $EDITOR gets the file, what it saves is the text.
cat > "$T/editor.sh" <<'EOF'
#!/bin/sh
printf 'Written by the editor.\n' >> "$1"
EOF
chmod +x "$T/editor.sh"
sock="$T/tmux-2.sock"
tui_start 100 30 "EDITOR='$T/editor.sh'"
wait_for "INBOX" >/dev/null
keys m
wait_for "To:" >/dev/null
keys "$peer" Enter
wait_for "Subject:" >/dev/null
keys "Via the editor" Enter
check "the external editor's text is taken" wait_for "Written by the editor."
keys y
check "and sent" wait_for "Sent; copy in Sent."
check "it reaches kate" in_mailbox "$peer" INBOX "Via the editor"
keys Q
check "skua ends cleanly" wait_for "EXITED=0"

tmux -S "$sock" kill-server 2>/dev/null

# Every key the compose screen's help lists is in skua(1).
awk -F '  +' 'NR > 2 && NF >= 4 { print $2 "|" $3 }' "$T/help-compose" > "$T/keys"
check "help of compose lists keys" test "$(wc -l < "$T/keys")" -ge 15
sed -n '/^\.SS "compose/,/^\.S[SH]/p' "$SKUA_TOP_SRCDIR/man/skua.1" > "$T/man"
while IFS='|' read -r k act; do
	k=$(printf '%s' "$k" | sed 's/-/\\-/g')
	check "skua(1) documents $k ($act) on the compose screen" grep -qxF ".BR \"$k\" \" ($act)\"" "$T/man"
done < "$T/keys"
finish
