#!/bin/sh
# Opening a big folder: skua, the bare protocol exchange (bench/floor) and
# NeoMutt, on folders of 1000, 10000 and 100000 messages of a private Dovecot
# over IMAPS on loopback. Cold and warm open times (median, min, max), the
# ratio to the floor, peak RSS and bytes received. Prints figures; never
# fails on timing.
#
# usage: bench/open.sh [-n RUNS] [-b BUILDDIR] [-k] [SIZE...]   (as root)
#   -n RUNS      timed runs of each client and case (default 5)
#   -b BUILDDIR  where skua and bench/floor were built (default .)
#   -k           then run bench/keys.sh on the largest folder
#   SIZE...      folder sizes in messages (default 1000 10000 100000)
set -eu

runs=5 builddir=. keys=no
while getopts n:b:k opt; do
	case $opt in
	n) runs=$OPTARG ;;
	b) builddir=$OPTARG ;;
	k) keys=yes ;;
	*) echo "usage: $0 [-n RUNS] [-b BUILDDIR] [-k] [SIZE...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
sizes=${*:-1000 10000 100000}
for v in "$runs" $sizes; do
	case $v in '' | *[!0-9]* | 0*)
		echo "open.sh: runs and sizes are numbers above 0, not '$v'" >&2
		exit 2
		;;
	esac
done
builddir=$(cd "$builddir" && pwd)
srcdir=$(cd "$(dirname "$0")/.." && pwd)
skua=$builddir/skua
floor=$builddir/bench/floor
measure=$srcdir/bench/measure.py
for prog in "$skua" "$floor"; do
	if [ ! -x "$prog" ]; then
		echo "open.sh: $prog is missing: run make (or make bench) and name the build directory" >&2
		exit 2
	fi
done
if [ "$(id -u)" != 0 ]; then
	echo "open.sh: the mail system needs root (Postfix and Dovecot run as their own users)" >&2
	exit 2
fi
python=/usr/bin/python3
[ -x "$python" ] || python=python3

# NeoMutt, installed when missing and the package manager can.
neomutt=$(command -v neomutt || true)
if [ -z "$neomutt" ] && command -v apt-get > /dev/null; then
	echo "installing NeoMutt for the comparison..."
	if DEBIAN_FRONTEND=noninteractive apt-get install -y neomutt > /tmp/skua-bench-apt.log 2>&1; then
		neomutt=$(command -v neomutt || true)
	else
		echo "open.sh: apt-get install neomutt failed (see /tmp/skua-bench-apt.log); going on without it"
	fi
fi

work=$(mktemp -d /tmp/skua-bench.XXXXXX)
# The mail daemons run as their own users and must reach $work/mail.
chmod 711 "$work"
cleanup() {
	set +e
	bash "$srcdir/contrib/mailsys.sh" stop "$work/mail" > /dev/null 2>&1
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
user=alice@example.org
pass=$MAILSYS_PASS_alice
dlog=$MAILSYS_DOVECOT_LOG

# skua: its own config, state (metrics log) and cache directories.
mkdir -p "$work/skua/state" "$work/skua/cache"
cat > "$work/skua/config" <<EOF
[general]
metrics_log = yes
[account alice]
name = Alice
address = $user
imap_host = $MAILSYS_HOST
imap_port = $MAILSYS_IMAPS_PORT
imap_tls = implicit
smtp_host = $MAILSYS_HOST
smtp_port = $MAILSYS_SMTPS_PORT
smtp_tls = implicit
password_command = echo $pass
ca_file = $MAILSYS_CA
timeout = 60
EOF
chmod 600 "$work/skua/config"

# NeoMutt: the same server and CA; mark_old=no so that reading changes
# nothing; no pause after its informational messages (sleep_time, 1 s by
# default, would be charged to every open); a status line that says when
# the index is drawn and with how many messages.
if [ -n "$neomutt" ]; then
	mkdir -p "$work/neomutt/home"
	cat > "$work/neomutt/muttrc" <<EOF
set imap_user = "$user"
set imap_pass = "$pass"
set folder = "imaps://$MAILSYS_HOST:$MAILSYS_IMAPS_PORT/"
set ssl_ca_certificates_file = "$MAILSYS_CA"
set certificate_file = "$work/neomutt/certificates"
set ssl_force_tls = yes
set header_cache = "$work/neomutt/hcache/"
set mark_old = no
set sleep_time = 0
set imap_check_subscribed = no
set mail_check_stats = no
set sort = date
set move = no
set quit = yes
set status_format = "SKUABENCH %m messages"
EOF
	chmod 600 "$work/neomutt/muttrc"
fi

echo "filling the folders (and letting Dovecot index them)..."
for n in $sizes; do
	"$python" "$srcdir/contrib/fill-folder.py" --env "$work/mail/env" --user "$user" \
		--folder "Bench$n" --count "$n"
done

# Bytes the server sent in the sessions that began after log offset $1:
# the out= of each imap session's logout line (IMAP bytes, before TLS; the
# same count for every client). Waits up to 3 s for the sessions to end.
server_out() {
	for _ in $(seq 1 30); do
		tail -c +"$(($1 + 1))" "$dlog" > "$work/log.part"
		logins=$(grep -c 'imap-login: Info: Login:' "$work/log.part" || true)
		ends=$(grep -c 'imap(.*Disconnected.* out=' "$work/log.part" || true)
		[ "$ends" -ge "$logins" ] && break
		sleep 0.1
	done
	sed -n 's/.*imap(.*Disconnected.* out=\([0-9]*\).*/\1/p' "$work/log.part" |
		awk '{ s += $1 } END { print s + 0 }'
}
logsize() { stat -c %s "$dlog"; }
value() { sed -n "s/.* $1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" | head -1; }

# One run of CLIENT KIND (cold or warm) on folder Bench$n; appends
# "ms rss_kb server_bytes wire_bytes" to $work/res/$n.CLIENT.CASE, or the
# reason to $work/res/$n.CLIENT.CASE.failed.
one() {
	client=$1 kind=$2 folder=Bench$n res=$work/res/$n.$1.$2
	off=$(logsize)
	wire=-
	case $client in
	floor)
		r=$(echo "$pass" | "$python" "$measure" run --out "$work/floor.out" -- \
			"$floor" -c "$MAILSYS_CA" -u "$user" -f "$folder" "$MAILSYS_HOST" "$MAILSYS_IMAPS_PORT")
		ms=$(echo "$r" | value wall_ms)
		got=$(sed -n 's/^messages\t//p' "$work/floor.out")
		wire=$(sed -n 's/^wire_bytes_in\t//p' "$work/floor.out")
		sed -n 's/^fetch_ms\t//p' "$work/floor.out" >> "$work/res/$n.floor.fetch"
		;;
	skua)
		[ "$kind" = cold ] && rm -rf "$work/skua/cache/skua"
		rm -f "$work/skua/state/skua/metrics.log"
		r=$(env XDG_STATE_HOME="$work/skua/state" XDG_CACHE_HOME="$work/skua/cache" \
			HOME="$work/skua" "$python" "$measure" run --out "$work/skua.out" -- \
			"$skua" -F "$work/skua/config" list "$folder" 2> "$work/skua.err")
		ms=$(echo "$r" | value wall_ms)
		got=$(wc -l < "$work/skua.out")
		wire=$(awk -F '\t' '!/^#/ { s += $9 } END { print s + 0 }' "$work/skua/state/skua/metrics.log" 2>/dev/null || echo -)
		;;
	neomutt)
		[ "$kind" = cold ] && rm -rf "$work/neomutt/hcache" && mkdir -p "$work/neomutt/hcache"
		r=$(env HOME="$work/neomutt/home" TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
			"$python" "$measure" pty --marker "SKUABENCH $n messages" --timeout 600 \
			--quit q -- "$neomutt" -n -F "$work/neomutt/muttrc" -f "=$folder")
		ms=$(echo "$r" | value drawn_ms)
		got=$n
		[ "$ms" = - ] && got=0
		;;
	esac
	rss=$(echo "$r" | value maxrss_kb)
	rc=$(echo "$r" | value rc)
	bytes=$(server_out "$off")
	if [ "$rc" != 0 ] || [ "$got" != "$n" ] || [ -z "$ms" ] || [ "$ms" = - ]; then
		why=
		[ "$client" = skua ] && why=$(head -1 "$work/skua.err")
		echo "exit $rc, $got of $n messages${why:+: $why}" >> "$res.failed"
		return 0
	fi
	echo "$ms $rss $bytes $wire" >> "$res"
}

# "median min max" of column $1 of a results file, with $2 decimals.
stats() {
	awk -v c="$1" '$c != "-" { print $c }' "$3" | sort -g | awk -v d="$2" '{ v[NR] = $1 }
		END {
			if (NR == 0) { print "- - -"; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			f = "%." d "f %." d "f %." d "f\n"
			printf f, m, v[1], v[NR]
		}'
}

clients="floor skua"
[ -n "$neomutt" ] && clients="$clients neomutt"
mkdir -p "$work/res"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for n in $sizes; do
	echo "Bench$n: one warm-up run of each client (so that Dovecot's cache holds what each asks for), then $runs timed runs..."
	rm -f "$work/res/$n".*
	for c in $clients; do
		one "$c" cold
	done
	rm -f "$work/res/$n".*
	for i in $(seq 1 "$runs"); do
		one floor cold
		one skua cold
		one skua warm
		if [ -n "$neomutt" ]; then
			one neomutt cold
			one neomutt warm
		fi
	done
done

echo
echo "load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
echo "$(uname -sr), $(dovecot --version 2>/dev/null | cut -d' ' -f1 | sed 's/^/Dovecot /'), IMAPS on loopback; $runs timed runs per row"
echo "floor fetches: UID FETCH 1:* ($(sed -n 's/^items\t//p' "$work/floor.out")), as skua's index does"
[ -n "$neomutt" ] && echo "NeoMutt: $("$neomutt" -v 2>/dev/null | head -1), header cache $("$neomutt" -v 2>/dev/null | sed -n 's/^storage: //p')"
echo
echo "open time in ms (floor and skua list: start to exit; NeoMutt: start to its drawn index);"
echo "x floor = median / the floor's median; RSS = peak resident set, max of the runs;"
echo "IMAP bytes = what Dovecot sent (its logout line); TLS bytes = received on the socket (the client's count)"
printf "%8s  %-8s %-5s %9s %9s %9s %8s %8s %12s %12s\n" \
	messages client open median min max "x floor" "RSS MB" "IMAP bytes" "TLS bytes"
for n in $sizes; do
	floor_med=$(stats 1 1 "$work/res/$n.floor.cold" | cut -d' ' -f1)
	for c in $clients; do
		for k in cold warm; do
			[ "$c" = floor ] && [ "$k" = warm ] && continue
			f=$work/res/$n.$c.$k
			touch "$f"
			set -- $(stats 1 1 "$f")
			med=$1 min=$2 max=$3
			ratio=$(awk -v a="$med" -v b="$floor_med" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }')
			rss=$(sort -n -k2 "$f" | tail -1 | awk '{ printf "%.1f", $2 / 1024 }')
			bytes=$(stats 3 0 "$f" | cut -d' ' -f1)
			wire=$(stats 4 0 "$f" | cut -d' ' -f1)
			[ "$c" = floor ] && k=-
			printf "%8s  %-8s %-5s %9s %9s %9s %8s %8s %12s %12s\n" \
				"$n" "$c" "$k" "$med" "$min" "$max" "$ratio" "${rss:--}" "$bytes" "$wire"
			if [ -s "$f.failed" ]; then
				echo "          ($(wc -l < "$f.failed") runs failed, not counted: $(head -1 "$f.failed"))"
			fi
		done
	done
	touch "$work/res/$n.floor.fetch"
	set -- $(stats 1 1 "$work/res/$n.floor.fetch")
	echo "          floor's UID FETCH alone (command to tagged OK): median $1, min $2, max $3 ms"
done

if [ "$keys" = yes ]; then
	largest=$(for n in $sizes; do echo "$n"; done | sort -n | tail -1)
	echo
	sh "$srcdir/bench/keys.sh" -b "$builddir" -e "$work/mail/env" -f "Bench$largest" "$largest"
fi
