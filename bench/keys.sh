#!/bin/sh
# How fast the full-screen client answers a key in the index of a big folder:
# skua runs in tmux with SKUA_TRACE_KEYS, which logs the time from reading
# each key to the end of the redraw it caused; the keys are typed one at a
# time (each after the previous one's redraw). Prints median, p95 and max per
# key, and the memory the loaded folder costs per message. Never fails on
# timing.
#
# usage: bench/keys.sh [-b BUILDDIR] [-r REPEAT] [-e ENVFILE -f FOLDER] [COUNT]
#   -b BUILDDIR  where skua was built (default .)
#   -r REPEAT    presses of each scrolling key (default 200; paging and jumps fewer)
#   -e ENVFILE   a running test mail system (contrib/mailsys.sh's DIR/env) whose
#   -f FOLDER    folder of alice@example.org holds COUNT messages and sorts last;
#                without them a mail system is started (as root) and filled
#   COUNT        messages (default 100000)
set -eu

builddir=. repeat=200 envfile= folder=
while getopts b:r:e:f: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	r) repeat=$OPTARG ;;
	e) envfile=$OPTARG ;;
	f) folder=$OPTARG ;;
	*) echo "usage: $0 [-b BUILDDIR] [-r REPEAT] [-e ENVFILE -f FOLDER] [COUNT]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
count=${1:-100000}
for v in "$repeat" "$count"; do
	case $v in '' | *[!0-9]* | 0*)
		echo "keys.sh: REPEAT and COUNT are numbers above 0, not '$v'" >&2
		exit 2
		;;
	esac
done
if [ -n "$envfile" ] && [ -z "$folder" ]; then
	echo "keys.sh: -e needs -f FOLDER" >&2
	exit 2
fi
builddir=$(cd "$builddir" && pwd)
srcdir=$(cd "$(dirname "$0")/.." && pwd)
skua=$builddir/skua
if [ ! -x "$skua" ]; then
	echo "keys.sh: $skua is missing: build skua first, and name its build directory" >&2
	exit 2
fi
command -v tmux > /dev/null || { echo "keys.sh: needs tmux" >&2; exit 2; }
python=/usr/bin/python3
[ -x "$python" ] || python=python3

work=$(mktemp -d /tmp/skua-keys.XXXXXX)
chmod 711 "$work"
sock=$work/tmux.sock
own_mail=no
cleanup() {
	set +e
	tmux -S "$sock" kill-server 2> /dev/null
	[ "$own_mail" = yes ] && bash "$srcdir/contrib/mailsys.sh" stop "$work/mail" > /dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "$envfile" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "keys.sh: the mail system needs root; or name a running one with -e and -f" >&2
		exit 2
	fi
	echo "starting the mail system..."
	own_mail=yes
	bash "$srcdir/contrib/mailsys.sh" start "$work/mail" > "$work/mailsys.out" 2>&1 || {
		cat "$work/mailsys.out" >&2
		exit 1
	}
	envfile=$work/mail/env
	folder=Bench$count
	echo "filling $folder..."
	"$python" "$srcdir/contrib/fill-folder.py" --env "$envfile" --user alice@example.org \
		--folder "$folder" --count "$count"
fi
set -a
. "$envfile"
set +a

mkdir -p "$work/home" "$work/state" "$work/cache"
cat > "$work/config" <<EOF
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
timeout = 60
EOF
chmod 600 "$work/config"
trace=$work/trace
: > "$trace"

screen() { tmux -S "$sock" capture-pane -p; }
keys() { tmux -S "$sock" send-keys "$@"; }
# wait_for TEXT TENTHS: TEXT appears on the screen within TENTHS/10 s.
wait_for() {
	for _ in $(seq 1 "$2"); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "keys.sh: waited for '$1'; the screen:" >&2
	screen | sed 's/^/  /' >&2
	return 1
}
rss_kb() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$pid/status"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

tmux -u -S "$sock" new-session -d -x 120 -y 40 \
	"exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color SKUA_TRACE_KEYS='$trace' \
	HOME='$work/home' XDG_STATE_HOME='$work/state' XDG_CACHE_HOME='$work/cache' \
	'$skua' -F '$work/config'"
pid=$(tmux -S "$sock" display -p '#{pane_pid}')
wait_for "$folder" 300
sleep 1
rss0=$(rss_kb VmRSS)

# The folder sorts last in the folder list.
echo "opening $folder ($count messages) in the full-screen client..."
t0=$(now_ms)
keys G Enter
wait_for "$folder | $count messages" 6000
for _ in $(seq 1 600); do
	screen | grep -qF "Loading $folder" || break
	sleep 0.1
done
t1=$(now_ms)
sleep 1
rss1=$(rss_kb VmRSS)
hwm=$(rss_kb VmHWM)

# press NAME N KEY...: types the keys in turn, N presses in all, each after
# the previous one's traced redraw; the latencies go to $work/k.NAME.
press() {
	name=$1 n=$2
	shift 2
	i=0
	while [ "$i" -lt "$n" ]; do
		for k in "$@"; do
			[ "$i" -ge "$n" ] && break
			before=$(wc -l < "$trace")
			keys "$k"
			j=0
			while [ "$(wc -l < "$trace")" -le "$before" ]; do
				j=$((j + 1))
				if [ "$j" -gt 2000 ]; then
					echo "keys.sh: no redraw traced for $k within 10 s" >&2
					return 1
				fi
				sleep 0.005
			done
			tail -1 "$trace" | cut -f2 >> "$work/k.$name"
			i=$((i + 1))
		done
	done
}

echo "typing..."
pages=$((repeat / 2))
jumps=$((repeat / 10 > 0 ? repeat / 10 : 1))
press first 1 =
rm -f "$work/k.first"
press down "$repeat" j
press up "$repeat" k
press page-down "$pages" Space
press page-up "$pages" -
press last "$jumps" G =
mv "$work/k.last" "$work/k.last-first"

# Limiting by sender, where this build has it: its key from the help screen.
keys '?'
wait_for "Keys of the index screen" 50
limit_key=$(screen | awk 'substr($0, 20, 5) == "limit" { k = substr($0, 3, 16); sub(/[ ,].*/, "", k); print k; exit }')
case $limit_key in
^?) limit_key=C-$(printf '%s' "${limit_key#^}" | tr '[:upper:]' '[:lower:]') ;;
esac
keys q
wait_for "$folder | $count messages" 50
limit_note=
if [ -n "$limit_key" ]; then
	# Mutt's way: the key, a pattern, Enter; an empty pattern shows all again.
	for _ in $(seq 1 $((jumps > 5 ? 5 : jumps))); do
		press limit-prompt 1 "$limit_key"
		for c in A l i c e; do press limit-typing 1 "$c"; done
		press limit-apply 1 Enter
		# The status bar: "limit: PATTERN, N shown".
		shown=$(screen | sed -n 's/.*| limit: .*, \([0-9]*\) shown.*/\1/p')
		press limit-prompt 1 "$limit_key"
		press limit-typing 1 C-u
		press limit-clear 1 Enter
		if [ -z "$shown" ] || [ "$shown" -ge "$count" ]; then
			limit_note="limit: the '$limit_key' prompt did not limit the index as expected; not measured"
			rm -f "$work"/k.limit-*
			break
		fi
	done
else
	limit_note="limit by sender: no 'limit' action on the index screen of this build; not measured"
fi
# Sorting, where this build has it: o, then the order's letter; the answer's
# redraw is the sort. Back to the date order after each.
keys '?'
wait_for "Keys of the index screen" 50
sort_key=$(screen | awk 'substr($0, 20, 12) == "sort-mailbox" { k = substr($0, 3, 16); sub(/[ ,].*/, "", k); print k; exit }')
keys q
wait_for "$folder | $count messages" 50
sort_note=
if [ -n "$sort_key" ]; then
	for _ in $(seq 1 $((jumps > 5 ? 5 : jumps))); do
		for order in f s z t; do
			keys "$sort_key"
			sleep 0.2
			press "sort-$order" 1 "$order"
			keys "$sort_key"
			sleep 0.2
			press sort-date 1 d
		done
	done
else
	sort_note="sort: no 'sort-mailbox' action on the index screen of this build; not measured"
fi
keys Q

# The warm open: the same folder again in a new client, its header cache
# written by the first open. The screen is read as fast as tmux answers
# (a few ms a capture), to the index drawn from the cache, then to the end
# of the resync with the server.
for _ in $(seq 1 100); do
	tmux -S "$sock" has-session 2>/dev/null || break
	sleep 0.1
done
tmux -u -S "$sock" new-session -d -x 120 -y 40 \
	"exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color \
	HOME='$work/home' XDG_STATE_HOME='$work/state' XDG_CACHE_HOME='$work/cache' \
	'$skua' -F '$work/config'"
wait_for "$folder" 300
sleep 1
keys G
sleep 0.5
w0=$(now_ms)
keys Enter
until screen | grep -qF "$folder | $count messages"; do
	[ $(($(now_ms) - w0)) -gt 60000 ] && break
done
w1=$(now_ms)
while screen | grep -qF "Loading $folder" || screen | grep -qF "Opening $folder"; do
	[ $(($(now_ms) - w0)) -gt 60000 ] && break
done
w2=$(now_ms)
keys Q

echo
echo "keypress to redraw in the index of $folder ($count messages), 120x40 terminal,"
echo "from reading the key to the end of the redraw (SKUA_TRACE_KEYS), in ms:"
printf "%-14s %6s %9s %9s %9s\n" key presses median p95 max
for name in down up page-down page-up last-first limit-prompt limit-typing limit-apply limit-clear \
	sort-f sort-s sort-z sort-t sort-date; do
	f=$work/k.$name
	[ -s "$f" ] || continue
	sort -n "$f" | awk -v name="$name" '{ v[NR] = $1 / 1000 }
		END {
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			p = int(NR * 0.95 + 0.999999); if (p < 1) p = 1; if (p > NR) p = NR
			printf "%-14s %6d %9.3f %9.3f %9.3f\n", name, NR, m, v[p], v[NR]
		}'
done
[ -n "$limit_note" ] && echo "$limit_note"
[ -n "$sort_note" ] && echo "$sort_note"
echo
echo "opening the folder in the full-screen client: $((t1 - t0)) ms to the complete index (screen polled every 0.1 s)"
echo "opening it again (warm, header cache): $((w1 - w0)) ms to the index drawn from the cache," \
	"$((w2 - w0)) ms to the end of the resync (screen polled continuously)"
awk -v a="$rss0" -v b="$rss1" -v h="$hwm" -v n="$count" 'BEGIN {
	printf "memory: RSS %.1f MB at the folder list, %.1f MB with the folder loaded (peak %.1f MB):\n", a / 1024, b / 1024, h / 1024
	printf "        %.0f bytes per message (the RSS difference / %d)\n", (b - a) * 1024 / n, n
}'
