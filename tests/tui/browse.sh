#!/bin/sh
# A person reading mail in the full-screen client, against the real servers:
# folders with counts, INBOX, a multipart ISO-8859-1 message with an RFC 2047
# subject in the pager (quote colours, scrolling, attachment list), the next
# message, help, wide (CJK) text aligned, a subject full of escape sequences
# shown harmlessly, delete to Trash, resize, quit; and again under NO_COLOR.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=carol@example.org
cfg="$T/carol.conf"
write_config "$cfg" "$user"
dove() { $MAILSYS_DOVEADM "$@"; }

# carol is this test's own user: start from empty folders.
dove mailbox create -u "$user" INBOX >/dev/null 2>&1
for box in INBOX "Deleted Items"; do
	dove expunge -u "$user" mailbox "$box" all >/dev/null 2>&1
done

{
	printf 'From: =?ISO-8859-1?Q?Fran=E7ois_Gr=FCn?= <francois@example.fr>\n'
	printf 'To: carol@example.org\nSubject: =?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=\n'
	printf 'Date: Wed, 3 Apr 2024 08:00:00 +0200\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n'
	printf 'Content-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n'
	printf 'Gr=FC=DFe aus K=F6ln!\n> Zitat erste Ebene\n>> Zitat zweite Ebene\n'
	for i in $(seq 1 60); do printf 'Zeile %d\n' "$i"; done
	printf 'Ende der Nachricht.\n--b1\nContent-Type: text/csv\n'
	printf "Content-Disposition: attachment; filename*=iso-8859-1''Z%%E4hler.csv\n"
	printf 'Content-Transfer-Encoding: base64\n\nYTtiCjE7Mgo=\n--b1--\n'
} > "$T/m1.eml"
printf 'From: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <yamada@example.jp>\nTo: carol@example.org\nSubject: Zweite Nachricht\nDate: Wed, 3 Apr 2024 09:00:00 +0200\n\nDer zweite Text.\n' > "$T/m2.eml"
long=$(python3 -c 'import base64; print(base64.b64encode("日本語の件名がとても長いのでこの行は画面の幅を超えてしまいますがきちんと切られるべきです".encode()).decode())')
printf 'From: taro@example.jp\nTo: carol@example.org\nSubject: =?UTF-8?B?%s?=\nDate: Wed, 3 Apr 2024 10:00:00 +0200\n\nLang.\n' "$long" > "$T/m3.eml"
for m in "$T/m1.eml" "$T/m2.eml" "$T/m3.eml" "$SKUA_TOP_SRCDIR/tests/data/mail/hostile.eml"; do
	dove save -u "$user" -m INBOX < "$m"
done

tui_start 80 24
check "the folder list shows INBOX with 4 new of 4" wait_for "INBOX"
check "INBOX counts" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq '^ +INBOX +4 +4 *$'"
check "a Trash folder without SPECIAL-USE is recognised by its name" wait_for "Deleted Items (Trash)"
check "the status bar names the account and the last operation" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq 'carol \\| [0-9]+ folders +imap_'"
title=$(pane '#{pane_title}')

keys Enter
check "INBOX opens with the RFC 2047 ISO-8859-1 subject decoded" wait_for "Grüße aus Köln"
check "the sender's name is decoded" wait_for "François Grün"
check "the status bar counts the messages" wait_for "INBOX | 4 messages, 4 new"
check "the attachment mark" sh -c "tmux -S '$sock' capture-pane -p | grep 'Köln' | grep -q ' @ '"

r1=$(row_of "Grüße aus Köln") r2=$(row_of "Zweite Nachricht") r3=$(row_of "日本語の件名")
check "a wide (CJK) sender keeps the columns aligned" \
	test "$(column_of "$r1" "Grüße")" -eq "$(column_of "$r2" "Zweite")"
check "the CJK sender is shown" sh -c "echo '$r2' | grep -q '山田太郎'"
check "a long CJK subject is cut at the screen's edge" \
	test "$(python3 -c 'import sys,unicodedata; print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in sys.argv[1]))' "$r3")" -le 80
check "the row after it is intact" sh -c "tmux -S '$sock' capture-pane -p | grep -A1 '日本語の件名' | tail -1 | grep -q Invoice"

# The hostile message: escape sequences in the From name, the subject and the body.
hostile=$(screen_escapes | grep Invoice)
check "the hostile subject is shown" test -n "$hostile"
check "its escape sequences left no colour behind" sh -c "! printf '%s' '$hostile' | grep -q '31m'"
check "nor any other text of them" sh -c "! tmux -S '$sock' capture-pane -p | grep -Eq '\\[2J|\\]0;|\\[31m|title'"
check "the window title is untouched" test "$(pane '#{pane_title}')" = "$title"

keys = Enter
check "the pager shows the decoded subject" wait_for "Subject: Grüße aus Köln"
check "the pager shows the decoded body" wait_for "Grüße aus Köln!"
check "the first quote level has its colour" sh -c "tmux -S '$sock' capture-pane -p -e | grep 'Zitat erste' | grep -q '36m'"
check "the second quote level has another" sh -c "tmux -S '$sock' capture-pane -p -e | grep 'Zitat zweite' | grep -q '32m'"
keys Space
check "Space scrolls a page" wait_for "Zeile 25"
check "the headers scrolled away" wait_gone "Subject: Grüße"
check "the page starts where it should" test "$(screen | sed -n 2p)" = "Zeile 12"
keys Up
check "Up scrolls back one line" wait_for "Zeile 11"
check "by exactly one line" test "$(screen | sed -n 2p)" = "Zeile 11"
keys G
check "G goes to the end: the attachment list" wait_for "[1] Zähler.csv  text/csv"
check "reading marked the message as read" wait_for "4 messages, 3 new"

keys j
check "j shows the next message" wait_for "Subject: Zweite Nachricht"
check "with its CJK sender" wait_for "From: 山田太郎 <yamada@example.jp>"
check "the status bar shows the position" wait_for "| 2/4"

keys '?'
check "help lists the pager's keys" wait_for "Keys of the pager screen"
check "help shows next-message on j" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq '^ +j +next-message'"
screen > "$T/help-pager"
keys G
check "help scrolls to the pager's last keys" wait_for "Redraw the screen"
screen | tail -n +3 >> "$T/help-pager"
keys q
check "q leaves help" wait_for "Subject: Zweite Nachricht"
keys q
check "q goes back to the index" wait_for "Enter:open"
wait_cmd() {
	for _ in $(seq 1 50); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
flagged_on_server() {
	test "$($MAILSYS_DOVEADM search -u $user mailbox INBOX FLAGGED | wc -l)" -eq "$1"
}
keys = F
check "F flags the message in the index" wait_cmd sh -c "tmux -S '$sock' capture-pane -p | grep 'Köln' | grep -q '!'"
check "the flag reaches the server" wait_cmd flagged_on_server 1
keys F
check "F again clears it on the server" wait_cmd flagged_on_server 0
check "two messages have been read in the pager" wait_for "INBOX | 4 messages, 2 new"
keys N
check "N marks it new again" wait_for "INBOX | 4 messages, 3 new"
keys N
check "N again marks it read" wait_for "INBOX | 4 messages, 2 new"
keys '?'
check "help lists the index's keys" wait_for "Keys of the index screen"
screen > "$T/help-index"
# The index has more keys than 24 rows show: the end of the list too.
keys G
check "help scrolls to the index's last keys" wait_for "sort-reverse"
screen | tail -n +3 >> "$T/help-index"
keys q

keys G d
check "d moves the message to Trash" wait_for "Moved to Deleted Items."
check "the index lost it" wait_gone "Invoice"
check "Deleted Items holds it on the server" sh -c "$MAILSYS_DOVEADM search -u $user mailbox 'Deleted Items' all | wc -l | grep -qx 1"
check "INBOX holds three" sh -c "$MAILSYS_DOVEADM search -u $user mailbox INBOX all | wc -l | grep -qx 3"
check "skua list Trash shows it, made harmless" sh -c "'$SKUA' -F '$cfg' list Trash | grep -q 'Invoice' && ! '$SKUA' -F '$cfg' list Trash | grep -q \"\$(printf '\\033')\""

tmux -S "$sock" resize-window -x 60 -y 15
check "a resize redraws the index" wait_for "Grüße aus Köln"
check "nothing wider than the new size" test "$(screen | python3 -c 'import sys,unicodedata; print(max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n")) for l in sys.stdin))')" -le 60
check "the status bar is on the new last-but-one line" sh -c "tmux -S '$sock' capture-pane -p | sed -n 14p | grep -q 'carol | INBOX'"
tmux -S "$sock" resize-window -x 80 -y 24
keys q
check "the folder list counts what was read and moved" wait_for "INBOX"
check "INBOX: 1 new of 3" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq '^ +INBOX +1 +3 *$'"
check "Trash: 1" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq 'Deleted Items \\(Trash\\) +1 +1 *$'"
keys '?'
check "help lists the folder list's keys" wait_for "Keys of the folders screen"
screen > "$T/help-folders"
keys q q
check "q quits with status 0" wait_for "EXITED=0"
check "the terminal left the alternate screen" test "$(pane '#{alternate_on}')" = 0

# Every key the help screens list is in skua(1)'s SCREENS AND KEYS.
man1="$SKUA_TOP_SRCDIR/man/skua.1"
for s in folders index pager; do
	# Help rows are "  KEYS  ACTION  NOTE" in columns two or more blanks apart.
	awk -F '  +' 'NR > 2 && NF >= 4 { print $2 "|" $3 }' "$T/help-$s" > "$T/keys-$s"
	check "help of $s lists keys" test "$(wc -l < "$T/keys-$s")" -ge 10
	sed -n "/^\\.SS \"$s/,/^\\.S[SH]/p" "$man1" > "$T/man-$s"
	while IFS='|' read -r k act; do
		k=$(printf '%s' "$k" | sed 's/-/\\-/g')
		check "skua(1) documents $k ($act) on the $s screen" grep -qxF ".BR \"$k\" \" ($act)\"" "$T/man-$s"
	done < "$T/keys-$s"
done

# NO_COLOR: the same pager without any colour.
tmux -S "$sock" kill-server 2>/dev/null
sock="$T/tmux-nocolor.sock"
tui_start 80 24 NO_COLOR=1
wait_for "INBOX" >/dev/null
keys Enter
wait_for "Grüße aus Köln" >/dev/null
keys = Enter
check "NO_COLOR: the pager opens" wait_for "Zitat erste"
check "NO_COLOR: no colour on the screen" sh -c "! tmux -S '$sock' capture-pane -p -e | grep -Eq '\\[(3[0-7]|9[0-7]|38;)'"
keys Q
check "Q quits from the pager" wait_for "EXITED=0"
finish
