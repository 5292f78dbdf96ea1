#!/bin/sh
# The statistics screen of the full-screen client, against the real servers:
# after a folder was opened, S shows per-operation rows with their figures,
# the TLS handshake's share of the time to log in, and a chart of the
# selected operation's latencies (block characters, '#' without UTF-8);
# the cursor selects the operation; S and q go back; help lists its keys and
# skua(1) documents each of them.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=carol@example.org
# A folder of this test's own, sorting before the other tests' folders.
folder=Astats
cfg="$T/carol.conf"
write_config "$cfg" "$user"
$MAILSYS_DOVEADM mailbox create -u "$user" "$folder" >/dev/null 2>&1
$MAILSYS_DOVEADM expunge -u "$user" mailbox "$folder" all >/dev/null 2>&1
printf 'From: dora@example.org\nTo: %s\nSubject: Figures\nDate: Wed, 3 Apr 2024 08:00:00 +0200\n\nSome text.\n' \
	"$user" | $MAILSYS_DOVEADM save -u "$user" -m "$folder"

# An earlier run, as the metrics log has it.
"$SKUA" -F "$cfg" list "$folder" > /dev/null 2>&1

tui_start 100 40
check "the folder list shows the folder" wait_for "$folder"
check "the title names the stats key" wait_for "S:stats"
# Down to the folder (INBOX and the special folders come first): the
# cursor's row is drawn in reverse video.
for _ in $(seq 1 20); do
	tmux -S "$sock" capture-pane -p -e | grep "$folder" | grep -q '\[7m' && break
	keys j
	sleep 0.1
done
keys Enter
check "the folder opens" wait_for "Figures"
keys S
check "S shows the statistics" wait_for "Network statistics:"
check "earlier runs are counted from the metrics log" sh -c "screen_line=\$(tmux -S '$sock' capture-pane -p | grep 'Network statistics'); echo \"\$screen_line\" | grep -Eq ', [1-9][0-9]* from earlier runs'"
check "the account has its header" wait_for "Account carol"
row() { tmux -S "$sock" capture-pane -p | grep -E "^ +$1 " | head -1; }
for op in imap_login imap_select imap_fetch_headers tls_handshake tcp_connect; do
	check "a row for $op" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq '^ +$op +[0-9]+ +[0-9.]+m?s'"
done
# Columns: op count median p95 in out segs-in/out rate
for op in imap_select imap_fetch_headers; do
	r=$(row "$op")
	check "$op has non-zero bytes in and out" sh -c "echo '$r' | awk '{ exit !(\$5 != \"0\" && \$6 != \"0\") }'"
	check "$op has segments both ways" sh -c "echo '$r' | awk '{ split(\$7, s, \"/\"); exit !(s[1] > 0 && s[2] > 0) }'"
	check "$op has a throughput" sh -c "echo '$r' | grep -Eq '[0-9.]+[KMG]?/s *\$'"
done
check "imap_login ran twice or more (this run and the earlier one)" sh -c "echo '$(row imap_login)' | awk '{ exit !(\$2 >= 2) }'"
check "the TLS line gives the handshake's share" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq '^ TLS \\(carol\\): handshake [0-9.]+m?s of [0-9.]+m?s to log in \\([0-9]+%\\)'"
check "and the segments it added" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq 'TLS added [1-9][0-9]* segs out, [1-9][0-9]* in'"
check "a chart of the selected operation" wait_for "Latency of "
check "drawn with block characters" sh -c "tmux -S '$sock' capture-pane -p | grep -q '│.*[▁▂▃▄▅▆▇█]'"
sel1=$(tmux -S "$sock" capture-pane -p | grep -o 'Latency of [a-z_]*')
keys j
check "Down selects the next operation" sh -c "sleep 0.3; ! tmux -S '$sock' capture-pane -p | grep -q '$sel1 '"
keys G
check "G selects the last one: its chart" wait_for "Latency of tls_handshake (carol)"
keys k k k
check "Up selects earlier ones" wait_gone "Latency of tls_handshake"
keys '?'
check "help lists the stats screen's keys" wait_for "Keys of the stats screen"
screen > "$T/help-stats"
keys q
check "q leaves help for the statistics" wait_for "Network statistics:"
keys S
check "S goes back where it came from" wait_for "Figures"
keys S q
check "q leaves the statistics too" wait_for "Figures"
keys q
check "the folder list" wait_for "S:stats"
keys S
check "S works on the folder list" wait_for "Network statistics:"
keys q q
check "q quits" wait_for "EXITED=0"

# Every key the stats help lists is in skua(1)'s SCREENS AND KEYS.
man1="$SKUA_TOP_SRCDIR/man/skua.1"
awk -F '  +' 'NR > 2 && NF >= 4 { print $2 "|" $3 }' "$T/help-stats" > "$T/keys-stats"
check "help of stats lists keys" test "$(wc -l < "$T/keys-stats")" -ge 8
sed -n '/^\.SS "stats/,/^\.S[SH]/p' "$man1" > "$T/man-stats"
while IFS='|' read -r k act; do
	k=$(printf '%s' "$k" | sed 's/-/\\-/g')
	check "skua(1) documents $k ($act) on the stats screen" grep -qxF ".BR \"$k\" \" ($act)\"" "$T/man-stats"
done < "$T/keys-stats"
for s in folders index pager help; do
	check "skua(1) documents S on the $s screen" sh -c "sed -n '/^\\.SS \"$s/,/^\\.S[SH]/p' '$man1' | grep -qxF '.BR \"S\" \" (stats)\"'"
done

# Without UTF-8 the chart is ASCII.
tmux -S "$sock" kill-server 2>/dev/null
sock="$T/tmux-ascii.sock"
tmux -S "$sock" new-session -d -x 100 -y 40 \
	"env LANG=C LC_ALL=C TERM=xterm-256color '$SKUA' -F '$cfg'; echo EXITED=\$?; sleep 60"
wait_for "INBOX" >/dev/null
keys S
check "C locale: the statistics show" wait_for "Latency of "
check "C locale: the chart is ASCII" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq '\\|.*[#.]'"
check "C locale: no block characters" sh -c "! tmux -S '$sock' capture-pane -p | grep -q '[▁▂▃▄▅▆▇█]'"
keys Q
check "Q quits from the statistics" wait_for "EXITED=0"
finish
