#!/bin/sh
# skua-notifyd drops every kind of garbage with a logged reason, resumes at
# the next line, enforces its per-connection limits and its options.
. "${SKUA_TOP_SRCDIR:?}/tests/notifyd/lib.sh"

start_daemon --idle-timeout 1 --max-clients 3

# One connection: garbage of every kind between valid lines. The over-long
# line (2 kB) must not swallow the valid line after it.
# It is made of valid-looking pieces: only discarding up to its LF keeps the
# part after the first 1024 bytes out of the output.
long=$(i=0; while [ $i -lt 64 ]; do printf 'SKUA1 info GARBAGE-TAIL-0123456 '; i=$((i + 1)); done)
{
	printf 'SKUA1 sent first\n'
	printf 'SKUA1 bogus unknown type\n'
	printf 'SKUA1 info esc \033[2J here\n'
	printf 'SKUA1 info nul \000 here\n'
	printf 'SKUA1 info bad \303\050 utf8\n'
	printf 'SKUA1 info c1 \302\233 here\n'
	printf 'HELLO world\n'
	printf 'SKUA1 info %s\n' "$long"
	printf 'SKUA1 received after the long line\r\n'
	printf 'SKUA1 newmail Grüße 日本\n'
} | send_raw
check "valid lines around garbage are printed" wait_count "$T/out" 3
expected='first
after the long line
Grüße 日本'
got=$(sed -n 's/^\[NOTIFICATION\] [0-9T:+-]* [a-z]*: //p' "$T/out" | head -3)
if [ "$got" = "$expected" ]; then ok "texts printed as sent"; else
	not_ok "texts printed as sent"
	show stdout "$T/out"
fi
check "the output format" grep -Eq \
	'^\[NOTIFICATION\] [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2} sent: first$' \
	"$T/out"
check "the type is printed" grep -q ' newmail: Grüße' "$T/out"
check "no garbage printed" test "$(wc -l < "$T/out")" -eq 3
for reason in 'line 2 refused: unknown type' 'line 3 refused: control character U\+001B' \
	'line 4 refused: NUL byte' 'line 5 refused: invalid UTF-8' \
	'line 6 refused: control character U\+009B' 'line 7 refused: not a SKUA1 line' \
	'line 8 refused: line longer than 1024 bytes'; do
	check "logged: $reason" grep -Eq "^skua-notifyd: 127\.0\.0\.1:[0-9]+: $reason" "$T/err"
done
check "no control character in stdout" sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$T/out'"
check "no control character in stderr" sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$T/err'"

# Half a line, then the client closes: dropped and logged.
printf 'SKUA1 sent half a line' | send_raw
check "half line logged" wait_for "$T/err" 'closed in the middle of line 1: dropped'
# Binary without a newline.
head -c 3000 /dev/urandom | tr '\n' x | send_raw
check "binary logged as over-long" wait_for "$T/err" 'line 1 refused: line longer than 1024'
check "half lines and binary print nothing" test "$(wc -l < "$T/out")" -eq 3

# 150 lines on one connection: 100 are served, then the connection closes.
: > "$T/out"
i=0
while [ $i -lt 150 ]; do printf 'SKUA1 info n%d\n' $i; i=$((i + 1)); done | send_raw
check "line limit logged" wait_for "$T/err" '100 lines on one connection, connection closed'
sleep 0.2
check "exactly 100 lines printed" test "$(wc -l < "$T/out")" -eq 100
check "the 100th is n99" test "$(tail -1 "$T/out" | sed 's/.*: //')" = n99

# Ten refused lines close the connection: a valid eleventh is not read.
: > "$T/out"
{
	i=0
	while [ $i -lt 10 ]; do printf 'junk\n'; i=$((i + 1)); done
	printf 'SKUA1 info after junk\n'
} | send_raw
check "refused-line limit logged" wait_for "$T/err" '10 lines refused, connection closed'
sleep 0.2
check "nothing after the refused-line limit" test ! -s "$T/out"

# A silent connection is closed after the idle timeout (1 s here).
"$TOOL" hold 127.0.0.1 "$PORT" 5000 > "$T/hold"
check "silent connection closed by the daemon" grep -q 'closed by the daemon' "$T/hold"
ms=$(sed -n 's/.* after \([0-9]*\) ms/\1/p' "$T/hold")
check "after about 1 s ($ms ms)" test "${ms:-0}" -ge 900 -a "${ms:-0}" -lt 3000
check "idle close logged" grep -q 'silent for 1000 ms, connection closed' "$T/err"

# --max-clients 3: with three silent connections the fourth waits for a slot.
: > "$T/out"
# No slot can free before the holders have been silent for 1 s.
start=$(date +%s%N)
for n in 1 2 3; do
	"$TOOL" hold 127.0.0.1 "$PORT" 5000 > "$T/hold$n" &
	OWN_PIDS="$OWN_PIDS $!"
done
for n in 1 2 3; do wait_for "$T/hold$n" connected; done
sleep 0.2
printf 'SKUA1 info waited for a slot\n' | send_raw
wait_for "$T/out" 'waited for a slot' 5
took=$((($(date +%s%N) - start) / 1000000))
check "the fourth client is served once a slot frees" grep -q 'waited for a slot' "$T/out"
check "... not before ($took ms)" test "$took" -ge 950
check "full slots logged" grep -q '3 connections open: new ones wait' "$T/err"
for p in $OWN_PIDS; do wait "$p"; done
OWN_PIDS=

check "still alive" alive "$DPID"
stop_daemon
check "exit status 0" test "$DRC" -eq 0

# IPv6 loopback, when the system has it.
if grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
	start_daemon -l ::1
	check "listens on ::1" grep -q 'listening on ::1 port' "$T/err"
	"$TOOL" send ::1 "$PORT" info "over IPv6" > /dev/null
	check "IPv6 notification printed" wait_for "$T/out" 'info: over IPv6$'
	"$TOOL" send '[::1]' "$PORT" info "bracketed" > /dev/null
	check "[::1] notification printed" wait_for "$T/out" 'info: bracketed$'
	stop_daemon
else
	echo "# no IPv6 loopback: IPv6 checks skipped"
fi

# Options.
"$NOTIFYD" -h > "$T/help" 2>&1
check "-h exits 0 with usage" grep -q '^usage: skua-notifyd' "$T/help"
"$NOTIFYD" -V > "$T/version" 2>&1
check "-V prints the version" grep -Eq '^skua-notifyd [0-9]+\.[0-9]+' "$T/version"
"$NOTIFYD" --bogus > "$T/o" 2> "$T/e"
rc=$?
check "unknown option: exit 1" test "$rc" -eq 1
check "unknown option: one line" test "$(wc -l < "$T/e")" -eq 1
"$NOTIFYD" -p 70000 > "$T/o" 2> "$T/e"
check "bad port: exit 1" test $? -eq 1
"$NOTIFYD" -l 0.0.0.0 -p 0 > "$T/o" 2> "$T/e"
check "0.0.0.0 without token: exit 1" test $? -eq 1
check "... saying why" grep -q 'not a loopback address, without --token-file' "$T/e"
"$NOTIFYD" -l 127.0.0.1 -l :: -p 0 > "$T/o" 2> "$T/e"
check ":: without token: exit 1" test $? -eq 1
"$NOTIFYD" -l no.such.host.invalid -p 0 > "$T/o" 2> "$T/e"
check "unresolvable address: exit 1" test $? -eq 1
# A port in use.
start_daemon
"$NOTIFYD" -p "$PORT" > "$T/o" 2> "$T/e"
check "port in use: exit 3" test $? -eq 3
check "... saying so" grep -q 'cannot listen on 127.0.0.1: Address already in use' "$T/e"
stop_daemon
# --insecure-no-token lets it listen beyond loopback.
start_daemon -l 0.0.0.0 --insecure-no-token
check "--insecure-no-token listens on 0.0.0.0" grep -q 'listening on 0.0.0.0 port' "$T/err"
"$TOOL" send 127.0.0.1 "$PORT" info "via the wildcard" > /dev/null
check "served on the wildcard address" wait_for "$T/out" 'via the wildcard$'
stop_daemon
finish
