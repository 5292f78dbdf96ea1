#!/bin/sh
# SKUA_TRACE_KEYS, the latency benchmark's probe: each key typed gives one
# line (its name, the microseconds to the end of the redraw, the keys read in
# that turn); a trace file that cannot be opened changes nothing.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=bob@example.org
cfg="$T/bob.conf"
write_config "$cfg" "$user"
trace="$T/trace"

tui_start 100 30 "SKUA_TRACE_KEYS='$trace'"
check "the folder list is shown" wait_for "INBOX"
# One key at a time, each after the previous one's line, as bench/keys.sh types.
typed() {
	for _ in $(seq 1 100); do
		[ "$(wc -l < "$trace" 2>/dev/null || echo 0)" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}
n=0
for k in j k '?' q; do
	keys "$k"
	n=$((n + 1))
	check "key $n ($k) traced" typed "$n"
done
check "help was shown and left" wait_for "INBOX"
check "one line per key, the key's name first" \
	test "$(cut -f1 "$trace" | tr '\n' ' ')" = "j k ? q "
check "the latency is a whole number of microseconds" \
	test "$(cut -f2 "$trace" | grep -cE '^[0-9]+$')" -eq 4
check "each turn read one key" test "$(cut -f3 "$trace" | grep -cx 1)" -eq 4
check "three columns, tab-separated" test "$(awk -F '\t' 'NF != 3' "$trace" | wc -l)" -eq 0
keys Q
check "quits with status 0" wait_for "EXITED=0"
tmux -S "$sock" kill-server 2>/dev/null

# A trace path that cannot be written (a directory): skua runs as ever. A
# tmux server of its own: a new one on the socket just killed may fail.
sock="$T/tmux2.sock"
tui_start 100 30 "SKUA_TRACE_KEYS='$T'"
check "with an unwritable trace the folder list is shown" wait_for "INBOX"
keys j '?'
check "and keys work" wait_for "Keys of the folders screen"
keys q Q
check "and it quits with status 0" wait_for "EXITED=0"
finish
