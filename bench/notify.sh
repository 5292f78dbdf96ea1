#!/bin/sh
# What the notifier costs skua: wall time of skua list, send and read with
# skua-notifyd listening, with nothing listening, with a notifier address
# that never answers, and with notifications off; and the notify_send
# latency skua records in each case. Prints figures; never fails on timing.
#
# usage: bench/notify.sh [-n RUNS] [BUILDDIR]     (as root; BUILDDIR holds skua)
set -eu

runs=20
if [ "${1:-}" = "-n" ]; then
	runs=${2:?usage: $0 [-n RUNS] [BUILDDIR]}
	shift 2
fi
case $runs in '' | *[!0-9]* | 0)
	echo "notify.sh: -n wants a number of runs above 0" >&2
	exit 2
	;;
esac
builddir=$(cd "${1:-.}" && pwd)
srcdir=$(cd "$(dirname "$0")/.." && pwd)
skua=$builddir/skua
notifyd=$builddir/skua-notifyd
for prog in "$skua" "$notifyd"; do
	if [ ! -x "$prog" ]; then
		echo "notify.sh: $prog is missing: build skua first, and name its build directory" >&2
		exit 2
	fi
done
if [ "$(id -u)" != 0 ]; then
	echo "notify.sh: the mail system needs root (Postfix and Dovecot run as their own users)" >&2
	exit 2
fi
python=/usr/bin/python3
[ -x "$python" ] || python=python3

work=$(mktemp -d /tmp/skua-bench.XXXXXX)
# The mail daemons run as their own users and must reach $work/mail.
chmod 711 "$work"
daemon= blackhole=
cleanup() {
	set +e
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null
	[ -n "$blackhole" ] && kill "$blackhole" 2>/dev/null
	bash "$srcdir/contrib/mailsys.sh" stop "$work/mail" > /dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "starting the mail system..."
bash "$srcdir/contrib/mailsys.sh" start "$work/mail" > "$work/mailsys.out" 2>&1 || {
	cat "$work/mailsys.out" >&2
	exit 1
}
set -a
. "$work/mail/env"
set +a

port_of() {
	for _ in $(seq 1 50); do
		p=$(sed -n 's/.*listening on .* port \([0-9][0-9]*\).*/\1/p' "$1" | head -1)
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}
# The notifier, on a free port.
"$notifyd" -l 127.0.0.1 -p 0 > "$work/notifications" 2> "$work/notifyd.err" &
daemon=$!
on_port=$(port_of "$work/notifyd.err") || on_port=
# A port where nothing listens: a second daemon's, after it exits (refused
# at once, as on a machine where skua-notifyd is not running).
"$notifyd" -l 127.0.0.1 -p 0 > /dev/null 2> "$work/probe.err" &
probe=$!
absent_port=$(port_of "$work/probe.err") || absent_port=
kill "$probe"
wait "$probe" 2>/dev/null || true
# A port that never answers: a listener whose accept queue is full drops
# SYNs like a dead host, so every notification waits for skua's bound.
"$python" -c '
import socket, sys, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(0)
port = l.getsockname()[1]
held = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(("127.0.0.1", port))
    held.append(c)
time.sleep(0.3)
print(port, flush=True)
time.sleep(86400)
' > "$work/blackhole.port" &
blackhole=$!
for _ in $(seq 1 50); do
	[ -s "$work/blackhole.port" ] && break
	sleep 0.1
done
hole_port=$(cat "$work/blackhole.port")
if [ -z "$on_port" ] || [ -z "$absent_port" ] || [ -z "$hole_port" ]; then
	echo "notify.sh: could not set up the notifier ports" >&2
	exit 1
fi

cases="running absent silent off"
case_note() {
	case $1 in
	running) echo "notify = yes, skua-notifyd listening" ;;
	absent) echo "notify = yes, nothing listening (refused)" ;;
	silent) echo "notify = yes, address that never answers" ;;
	off) echo "notify = no" ;;
	esac
}
for c in $cases; do
	home=$work/$c
	mkdir -p "$home/state"
	case $c in
	running) notify="yes" port=$on_port ;;
	absent) notify="yes" port=$absent_port ;;
	silent) notify="yes" port=$hole_port ;;
	off) notify="no" port=$on_port ;;
	esac
	cat > "$home/config" <<-EOF
		[general]
		metrics_log = yes
		notify = $notify
		notify_host = 127.0.0.1
		notify_port = $port
		[account alice]
		name = Alice
		address = alice@example.org
		imap_host = $MAILSYS_HOST
		imap_port = $MAILSYS_IMAPS_PORT
		imap_tls = implicit
		smtp_host = $MAILSYS_HOST
		smtp_port = $MAILSYS_SMTPS_PORT
		smtp_tls = implicit
		password_command = echo $MAILSYS_PASS_alice
		ca_file = $MAILSYS_CA
		timeout = 20
	EOF
	chmod 600 "$home/config"
done

# skua CASE ARGS...: one run in the case's own state directory (its own log).
skua_in() {
	c=$1
	shift
	XDG_STATE_HOME=$work/$c/state "$skua" -F "$work/$c/config" "$@"
}
now_us() { date +%s%6N; }

# A message in INBOX for skua read.
echo "to be read" | skua_in off send --to alice@example.org --subject "bench read" > /dev/null
uid=
for _ in $(seq 1 50); do
	uid=$(skua_in off list | cut -f1 | tail -1)
	[ -n "$uid" ] && break
	sleep 0.2
done
if [ -z "$uid" ]; then
	echo "notify.sh: the message to read never arrived" >&2
	exit 1
fi
for c in $cases; do
	rm -f "$work/$c/state/skua/metrics.log"
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
echo "timing $runs runs of each command in each case, the cases interleaved..."
for i in $(seq 1 "$runs"); do
	for c in $cases; do
		for cmd in list send read; do
			t0=$(now_us)
			rc=0
			case $cmd in
			list) skua_in "$c" list > /dev/null 2>> "$work/$c/errors" || rc=$? ;;
			send) echo "bench $i" | skua_in "$c" send --to bob@example.org \
				--subject "bench $c $i" > /dev/null 2>> "$work/$c/errors" || rc=$? ;;
			read) skua_in "$c" read "$uid" > /dev/null 2>> "$work/$c/errors" || rc=$? ;;
			esac
			t1=$(now_us)
			if [ "$rc" -eq 0 ]; then
				echo $((t1 - t0)) >> "$work/$c/$cmd.us"
			else
				echo "$cmd" >> "$work/$c/failed"
			fi
		done
	done
done

# Numbers on stdin (one a line, microseconds) -> "median min max" in ms with
# $1 decimals (default 1).
summary() {
	sort -n | awk -v d="${1:-1}" '{ v[NR] = $1 }
		END {
			if (NR == 0) { print "-"; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			f = "%8." d "f %8." d "f %8." d "f"
			printf f, m / 1000, v[1] / 1000, v[NR] / 1000
		}'
}

echo
echo "load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")" \
	"($(nproc 2>/dev/null || echo "?") CPUs)"
echo "skua wall time per command, $runs runs each (ms; process start to exit):"
printf "%-44s %-5s %8s %8s %8s\n" "case" "cmd" "median" "min" "max"
for c in $cases; do
	for cmd in list send read; do
		touch "$work/$c/$cmd.us"
		failed=$(grep -cx "$cmd" "$work/$c/failed" 2>/dev/null || true)
		printf "%-44s %-5s %s%s\n" "$(case_note "$c")" "$cmd" "$(summary < "$work/$c/$cmd.us")" \
			"$([ "${failed:-0}" -gt 0 ] && echo "  ($failed runs failed, not counted)")"
	done
done
for c in $cases; do
	if [ -s "$work/$c/errors" ]; then
		echo "errors in case $c:"
		sort "$work/$c/errors" | uniq -c | head -5
	fi
done

echo
echo "notify_send as skua records it (ms; from each case's metrics log):"
printf "%-44s %6s %8s %8s %8s  %s\n" "case" "count" "median" "min" "max" "results"
for c in $cases; do
	log=$work/$c/state/skua/metrics.log
	n=0
	[ -f "$log" ] && n=$(awk -F '\t' '$2 == "notify_send"' "$log" | wc -l)
	if [ "$n" -eq 0 ]; then
		printf "%-44s %6d %8s %8s %8s  %s\n" "$(case_note "$c")" 0 - - - "(no notifications)"
		continue
	fi
	lat=$(awk -F '\t' '$2 == "notify_send" { print $7 * 1000 }' "$log" | summary 3)
	results=$(awk -F '\t' '$2 == "notify_send" { r[$13]++ } END { for (k in r) { printf "%s%s %d", sep, k, r[k]; sep = ", " } }' "$log")
	printf "%-44s %6d %s  %s\n" "$(case_note "$c")" "$n" "$lat" "$results"
done
echo
echo "skua-notifyd printed $(grep -c NOTIFICATION "$work/notifications" || true) notifications" \
	"(the running case sends one per send and per read: $((2 * runs)))"
