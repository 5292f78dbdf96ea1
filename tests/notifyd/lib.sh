# Helpers for the skua-notifyd tests: a daemon on a free port with its output
# in files, bounded waits, ok/not ok lines, and no process left behind.
set -u

NOTIFYD=${SKUA_TOP_BUILDDIR:?}/skua-notifyd
TOOL=$SKUA_TOP_BUILDDIR/tests/notifyd/notify_tool
T=$(mktemp -d "${TMPDIR:-/tmp}/skua-notifyd-test.XXXXXX")
DPID=
# PIDs of our own helpers to end on exit (background clients, left commands).
OWN_PIDS=
failures=0
checks=0

# alive PID: the process exists and is not a zombie waiting for wait.
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$state" ] && [ "$state" != Z ]
}

cleanup() {
	for p in $DPID $OWN_PIDS; do
		alive "$p" && kill -KILL "$p" 2>/dev/null
	done
	cd /
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ok() { checks=$((checks + 1)); echo "ok $checks - $1"; }
not_ok() { checks=$((checks + 1)); failures=$((failures + 1)); echo "not ok $checks - $1"; }
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
finish() {
	echo "$((checks - failures)) passed, $failures failed"
	[ "$failures" -eq 0 ]
	exit $?
}
show() { sed "s/^/  $1: /" "$2" | head -"${3:-20}"; }

# wait_for FILE ERE [SECONDS]: true once a line of FILE matches (at most 5 s).
wait_for() {
	i=0
	max=$((${3:-5} * 20))
	while [ "$i" -lt "$max" ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# wait_count FILE N [SECONDS]: true once FILE has at least N lines.
wait_count() {
	i=0
	max=$((${3:-5} * 20))
	while [ "$i" -lt "$max" ]; do
		[ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# wait_matches FILE ERE N [SECONDS]: true once N lines of FILE match (at most 5 s).
wait_matches() {
	i=0
	max=$((${4:-5} * 20))
	while [ "$i" -lt "$max" ]; do
		[ "$(grep -Ec -- "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# wait_exit PID [SECONDS]: true once PID has ended (at most 10 s).
wait_exit() {
	i=0
	max=$((${2:-10} * 20))
	while alive "$1" && [ "$i" -lt "$max" ]; do
		sleep 0.05
		i=$((i + 1))
	done
	! alive "$1"
}

# start_daemon [OPTIONS...]: skua-notifyd -p 0 OPTIONS in $T (its working
# directory), stdout in $T/out, stderr in $T/err; sets DPID and PORT.
start_daemon() {
	: > "$T/out"
	: > "$T/err"
	(cd "$T" && exec "$NOTIFYD" -p 0 "$@" > "$T/out" 2> "$T/err") &
	DPID=$!
	if ! wait_for "$T/err" 'listening on .* port [0-9]+$'; then
		echo "skua-notifyd did not start:"
		show stderr "$T/err"
		exit 1
	fi
	PORT=$(sed -n 's/^skua-notifyd: listening on .* port \([0-9]*\)$/\1/p' "$T/err" | head -1)
}

# stop_daemon [SIGNAL]: sends SIGNAL (TERM) and waits; sets DRC to the exit status
# (or 124 when it had to be killed).
stop_daemon() {
	kill -"${1:-TERM}" "$DPID"
	if wait_exit "$DPID" 10; then
		wait "$DPID"
		DRC=$?
	else
		kill -KILL "$DPID"
		wait "$DPID"
		DRC=124
	fi
	DPID=
}

# send_raw: standard input to the daemon, byte for byte.
send_raw() { "$TOOL" raw 127.0.0.1 "$PORT"; }
