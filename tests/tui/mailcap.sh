#!/bin/sh
# mailcap in the full-screen client, against the real servers: an HTML-only
# message rendered through a copiousoutput text/html entry written into the
# test's HOME; attachments opened with o (which one asked for), one through a
# copiousoutput entry shown in the pager, one through a program that gets the
# terminal, one without an entry; a hostile charset parameter running
# nothing; no temporary file left behind; and skua read with and without
# the entry.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=gina@example.org
box=zz-mailcap
cfg="$T/gina.conf"
write_config "$cfg" "$user"
dove() { $MAILSYS_DOVEADM "$@"; }
mkdir -p "$T/tmp"

# The programs: sed marks the HTML it renders; tr reads the attachment on
# standard input (no %s); cp, run on the terminal, keeps a copy to compare.
cat > "$HOME/.mailcap" <<EOF2
# a comment, and an entry that is not copiousoutput, which the HTML skips
text/html; false %s
text/html; sed -e 's/<[^>]*>//g' -e 's/^/MAILCAP:/' %s; copiousoutput
text/x-report; tr a-z A-Z; copiousoutput
application/x-skua-term; cp %s $T/copied; \\
	needsterminal
EOF2

dove mailbox create -u "$user" "$box" >/dev/null 2>&1
dove expunge -u "$user" mailbox "$box" all >/dev/null 2>&1
{
	printf 'From: web@example.net\nTo: %s\nSubject: HTML only\nDate: Wed, 3 Apr 2024 08:00:00 +0200\n' "$user"
	printf 'MIME-Version: 1.0\n'
	printf "Content-Type: text/html; charset=\"utf-8'; touch $T/pwned; '\"\n\n"
	printf '<html><body><p>Hello <b>from</b> HTML</p>\n'
	# Escape sequences the program passes on untouched.
	printf '<p>\033[31mpainted\033[0m \033]0;hijacked\007end</p></body></html>\n'
} | dove save -u "$user" -m "$box"
{
	printf 'From: files@example.net\nTo: %s\nSubject: Three files\nDate: Wed, 3 Apr 2024 09:00:00 +0200\n' "$user"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
	printf 'Content-Type: text/plain\n\nThe files.\n--b\n'
	printf 'Content-Type: text/x-report\nContent-Disposition: attachment; filename="report.txt"\n\nquarterly figures\n--b\n'
	printf 'Content-Type: application/x-skua-term\nContent-Disposition: attachment; filename="../../data.bin"\n\nterminal data\n--b\n'
	printf 'Content-Type: application/pdf\nContent-Disposition: attachment; filename="paper.pdf"\n\n%%PDF-1.4\n--b--\n'
} | dove save -u "$user" -m "$box"

tui_start 80 24 TMPDIR="$T/tmp" MAILCAPS="$HOME/.mailcap"
check "the folder list shows the test folder" wait_for "$box"
keys G Enter
check "the folder opens" wait_for "HTML only"
keys = Enter
check "the HTML message is rendered through the mailcap entry" wait_for "MAILCAP:Hello from HTML"
check "not by the built-in conversion" sh -c "! tmux -S '$sock' capture-pane -p | grep -q '^Hello from HTML'"
check "the sender's charset parameter ran nothing" test ! -e "$T/pwned"
check "the program's output is sanitized like any body" wait_for "MAILCAP:painted"
check "its escape sequences left no colour" \
	sh -c "! tmux -S '$sock' capture-pane -p -e | grep painted | grep -q '31m'"
check "nor changed the window title" sh -c "[ \"\$(tmux -S '$sock' display -p '#{pane_title}')\" != hijacked ]"

keys j
check "the next message has its attachments" wait_for "[3] paper.pdf"
keys o
check "o asks which attachment" wait_for "Open which attachment (1-3)?"
keys 1 Enter
check "a copiousoutput entry's text is shown in the pager" wait_for "QUARTERLY FIGURES"
check "under a title naming the attachment" wait_for "Attachment [1] report.txt (text/x-report)"
keys q
check "q goes back to the message" wait_for "The files."
check "not to the index" sh -c "! tmux -S '$sock' capture-pane -p | grep -q 'HTML only'"

keys o 2 Enter
check "a program that needs the terminal ran on the attachment" \
	sh -c "for i in \$(seq 1 50); do [ -f '$T/copied' ] && exit 0; sleep 0.1; done; exit 1"
check "with its bytes" sh -c "printf 'terminal data' | cmp -s - '$T/copied'"
check "and the screen came back" wait_for "The files."
check "the pager is drawn again" wait_for "[2] ../../data.bin"

keys o 3 Enter
check "without an entry, a note suggests saving" \
	wait_for "No mailcap entry opens application/pdf; save it with v instead."
keys o 9 Enter
check "a number out of range is refused" wait_for "There is no attachment 9: 1 to 3."
check "no temporary file or folder is left" test -z "$(ls -A "$T/tmp")"
keys Q
check "skua quits" wait_for "EXITED=0"

# skua read renders it the same way; without the entry, skua's own text.
uid=$(dove search -u "$user" mailbox "$box" subject "HTML only" | awk '{ print $2 }')
export TMPDIR="$T/tmp"
expect_ok "skua read shows the HTML message" "$SKUA" -F "$cfg" read "$box" "$uid"
check "skua read renders it through the mailcap entry" grep -qx "MAILCAP:Hello from HTML" "$T/out"
MAILCAPS="$T/none" expect_ok "skua read without a mailcap" "$SKUA" -F "$cfg" read "$box" "$uid"
check "skua read then uses the built-in conversion" grep -qx "Hello from HTML" "$T/out"
check "no temporary file or folder is left by skua read" test -z "$(ls -A "$T/tmp")"
finish
