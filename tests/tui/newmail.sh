#!/bin/sh
# New mail in a running full-screen client, against the real servers: a
# message delivered to INBOX while it is open appears in the index and marks
# the status bar within 3 s; one delivered to another subscribed folder
# changes that folder's counts in the folder list; with bell_on_new_mail the
# terminal bell rings; quitting stops the watcher at once.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=alice@example.org
other=Awatch
cfg="$T/alice.conf"
write_config "$cfg" "$user"
sed 's/^\[general\]$/[general]\nbell_on_new_mail = yes/' "$cfg" > "$T/c" && cat "$T/c" > "$cfg"
dove() { $MAILSYS_DOVEADM "$@"; }
dove mailbox create -s -u "$user" "$other" >/dev/null 2>&1
dove mailbox subscribe -u "$user" "$other" >/dev/null 2>&1
mail() { printf 'From: bob@example.org\nTo: %s\nSubject: %s\nMessage-ID: <%s@example.org>\n\nHello.\n' "$user" "$1" "$1"; }
tag=live$$

tui_start 120 40
tmux -S "$sock" set -g bell-action any >/dev/null
tmux -S "$sock" set -g monitor-bell on >/dev/null
tmux -S "$sock" set-hook -g alert-bell "run-shell 'touch $T/bell'" >/dev/null
check "the folder list shows the other folder" wait_for "$other"
keys Enter
check "INBOX opens" wait_for "| INBOX |"
wait_gone "Loading" >/dev/null
# The watcher logs in on its own connection; give it a moment to be set up.
sleep 2
start=$(date +%s%N)
mail "$tag-inbox" | dove save -u "$user" -m INBOX
check "a message delivered to INBOX appears in the index within 3 s" wait_for "$tag-inbox" 30
echo "# shown after $(( ($(date +%s%N) - start) / 1000000 )) ms"
check "the status bar says so" wait_for "New mail in INBOX" 10
check "the message line names the sender and subject" wait_for "from bob@example.org: $tag-inbox" 10
check "the bell rang" sh -c "for i in \$(seq 1 20); do [ -e '$T/bell' ] && exit 0; sleep 0.1; done; exit 1"
check "the new message is counted in the status bar" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq 'INBOX \\| [0-9]+ messages?, [1-9][0-9]* new'"

keys q
# "Enter:open" is in the index's hints too: "q:quit" only in the folder list's.
check "back on the folder list" wait_for "q:quit"
before=$(screen | awk -v f="$other" '$1 == f { print $NF }')
check "the other folder has a count" test -n "$before"
mail "$tag-other" | dove save -u "$user" -m "$other"
after=$((before + 1))
check "its count goes up within 3 s" sh -c "for i in \$(seq 1 30); do tmux -S '$sock' capture-pane -p | grep -Eq '^ +$other +[0-9]+ +$after *\$' && exit 0; sleep 0.1; done; exit 1"
check "the status bar names it" wait_for "New mail in $other" 10

t0=$(date +%s)
keys Q
check "Q quits with status 0" wait_for "EXITED=0" 50
check "quitting took under 3 s" test $(( $(date +%s) - t0 )) -le 3
finish
