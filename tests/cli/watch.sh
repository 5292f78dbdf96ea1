#!/bin/sh
# skua watch: mail delivered by another client to INBOX and to a subscribed
# folder is reported within 2 s with NOTIFY, INBOX within 2 s with IDLE alone,
# both within the poll interval when polling; skua-notifyd shows the arrival;
# an unsubscribed folder stays quiet; a server that goes away (a relay in
# front of Dovecot, killed and restarted) is reported and reconnected to, and
# mail delivered afterwards still shows; SIGINT and SIGTERM end it with 0.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
need_mailsys
command -v python3 > /dev/null || { echo "SKIP: python3 is needed for the relay"; exit 77; }

user=bob@example.org
folder="Watch$$"
quiet="Quiet$$"
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2> /dev/null && wait "$p" 2> /dev/null
	done
	$MAILSYS_DOVEADM mailbox delete -u "$user" "$folder" "$quiet" > /dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

$MAILSYS_DOVEADM mailbox create -s -u "$user" "$folder" || echo "# cannot create $folder"
$MAILSYS_DOVEADM mailbox create -u "$user" "$quiet" || echo "# cannot create $quiet"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# config FILE ["key = value"...]: bob's account with [general] keys added.
config() {
	file=$1
	shift
	write_config "$file" "$user"
	for line in "$@"; do
		sed -i "s/^\[general\]$/[general]\n$line/" "$file"
	done
}

# start_watch NAME CONFIG [ARGS]: skua watch in the background, output in
# $T/NAME.out and $T/NAME.err; waits (bounded) until it watches. Sets wpid.
start_watch() {
	sw_name=$1 sw_cfg=$2
	shift 2
	"$SKUA" -F "$sw_cfg" watch "$@" > "$T/$sw_name.out" 2> "$T/$sw_name.err" &
	wpid=$!
	pids="$pids $wpid"
	wait_file "$T/$sw_name.err" 'watching|polling' 100
}

# wait_file FILE ERE TENTHS: 0 once a line of FILE matches, 1 after TENTHS/10 s.
wait_file() {
	i=0
	while [ "$i" -lt "$3" ]; do
		grep -Eq -- "$2" "$1" 2> /dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# deliver FOLDER SUBJECT: a message from another client, as doveadm saves it.
deliver() {
	printf 'From: Test Sender <sender@example.org>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s.%s@example.org>\r\n\r\nbody\r\n' \
		"$user" "$2" "$$" "$(now_ms)" | $MAILSYS_DOVEADM save -u "$user" -m "$1"
}

# arrives NAME FOLDER SUBJECT LIMIT_MS: delivers and checks that the line
# "new FOLDER UID FROM SUBJECT" shows within LIMIT_MS of the delivery.
arrives() {
	a_name=$1 box=$2 subj=$3 limit=$4
	deliver "$box" "$subj"
	t0=$(now_ms)
	pattern="^new	$box	[0-9]+	Test Sender <sender@example.org>	$subj\$"
	if wait_file "$T/$a_name.out" "$pattern" $(((limit + 3000) / 100)); then
		ms=$(($(now_ms) - t0))
		echo "# $a_name: $box reported ${ms} ms after delivery"
		check "$a_name: $box reported within $limit ms (took $ms)" test "$ms" -le "$limit"
	else
		not_ok "$a_name: $box not reported"
		sed 's/^/  stderr: /' "$T/$a_name.err" | tail -5
	fi
}

# stop_watch NAME SIGNAL: the watcher ends with 0, bounded.
stop_watch() {
	kill -"$2" "$wpid"
	i=0
	while kill -0 "$wpid" 2> /dev/null && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$wpid" 2> /dev/null; then
		not_ok "$1: still running 5 s after SIG$2"
		kill -KILL "$wpid"
		wait "$wpid"
		return
	fi
	wait "$wpid"
	rc=$?
	check "$1: SIG$2 ends it with exit 0 (got $rc)" test "$rc" -eq 0
	check "$1: says it stopped" grep -q '^skua watch: stopped$' "$T/$1.err"
}

# The notifier, to see the arrivals there too.
"$SKUA_TOP_BUILDDIR/skua-notifyd" -l 127.0.0.1 -p 0 > "$T/notifications" 2> "$T/notifyd.err" &
pids="$pids $!"
wait_file "$T/notifyd.err" 'listening on .* port [0-9]+' 50
nport=$(sed -n 's/.*listening on .* port \([0-9][0-9]*\).*/\1/p' "$T/notifyd.err" | head -1)
check "skua-notifyd started" test -n "$nport"

# NOTIFY: INBOX and a subscribed folder, pushed.
config "$T/notify.conf" "new_mail_watch = notify" "notify = yes" "notify_host = 127.0.0.1" "notify_port = ${nport:-9}"
check "notify: the watcher starts" start_watch notify "$T/notify.conf"
check "notify: it uses NOTIFY" grep -q '^skua watch: watching [0-9]* folders with NOTIFY$' "$T/notify.err"
arrives notify INBOX "pushed to inbox $$" 2000
arrives notify "$folder" "pushed to folder $$" 2000
check "notify: skua-notifyd shows the INBOX arrival" wait_file "$T/notifications" \
	"newmail: New mail in INBOX from Test Sender <sender@example.org>: pushed to inbox $$" 30
check "notify: skua-notifyd shows the folder arrival" wait_file "$T/notifications" \
	"newmail: New mail in $folder from Test Sender <sender@example.org>: pushed to folder $$" 30
deliver "$quiet" "not subscribed $$"
arrives notify INBOX "after the quiet one $$" 2000
check "notify: an unsubscribed folder is not reported" sh -c "! grep -q 'not subscribed $$' '$T/notify.out'"
# What a message says is escaped before it reaches the terminal.
evil_name=$(printf '\033]0;owned\007' | base64)
printf 'From: =?UTF-8?B?%s?= <evil@example.org>\r\nSubject: =?UTF-8?Q?esc_=1B[2J_here_%s?=\r\n\r\nx\r\n' \
	"$evil_name" "$$" | $MAILSYS_DOVEADM save -u "$user" -m INBOX
no_controls() { ! grep -q "$(printf '\033')" "$1" && ! grep -q "$(printf '\007')" "$1"; }
check "notify: a hostile sender and subject are reported" wait_file "$T/notify.out" "evil@example.org.*esc .*here $$" 30
check "notify: without control characters" no_controls "$T/notify.out"
check "notify: one line per message, five fields" \
	awk -F '\t' '$1 == "new" && NF != 5 { bad = 1 } END { exit bad }' "$T/notify.out"
stop_watch notify TERM

# IDLE alone: INBOX only.
config "$T/idle.conf" "new_mail_watch = idle"
check "idle: the watcher starts" start_watch idle "$T/idle.conf"
check "idle: it uses IDLE on INBOX" grep -q '^skua watch: watching INBOX with IDLE$' "$T/idle.err"
arrives idle INBOX "idle inbox $$" 2000
arrives idle INBOX "idle inbox again $$" 2000
stop_watch idle INT

# Polling every 2 s: the next poll finds it.
config "$T/poll.conf" "new_mail_watch = poll" "poll_interval = 2"
check "poll: the watcher starts" start_watch poll "$T/poll.conf"
check "poll: it polls" grep -q '^skua watch: polling [0-9]* folders every 2 s$' "$T/poll.err"
arrives poll INBOX "polled inbox $$" 2500
arrives poll "$folder" "polled folder $$" 2500
stop_watch poll TERM

# --once: ends by itself after the first arrival. On a user of its own: other
# tests deliver to bob's INBOX at any time, and any arrival ends it.
user=otto@example.org
config "$T/once.conf"
"$SKUA" -F "$T/once.conf" watch --once > "$T/once.out" 2> "$T/once.err" &
wpid=$!
pids="$pids $wpid"
wait_file "$T/once.err" 'watching|polling' 100
deliver INBOX "once $$"
i=0
while kill -0 "$wpid" 2> /dev/null && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$wpid" 2> /dev/null; then
	not_ok "--once: still running 10 s after the delivery"
else
	wait "$wpid"
	rc=$?
	check "--once: exit 0 after the first arrival (got $rc)" test "$rc" -eq 0
	check "--once: printed it" grep -q "once $$" "$T/once.out"
fi
expect_fail "watch refuses an unknown option" 1 'usage: skua watch' "$SKUA" -F "$T/once.conf" watch --bogus
user=bob@example.org

# The server goes away and comes back: a relay in front of Dovecot's IMAPS
# port, killed and started again on the same port.
rport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
relay_pid=
start_relay() {
	rm -f "$T/relay.pid"
	python3 "$SKUA_TOP_SRCDIR/contrib/mailsys/relay.py" --dir "$T" --pidfile "$T/relay.pid" \
		--upstream "127.0.0.1:$MAILSYS_IMAPS_PORT" --source 127.0.0.1 \
		--listen "127.0.0.1:$rport" 2>> "$T/relay.err" &
	relay_pid=$!
	pids="$pids $relay_pid"
	wait_file "$T/relay.pid" '[0-9]' 50
}
stop_relay() {
	kill "$relay_pid"
	wait "$relay_pid" 2> /dev/null
}
start_relay
check "relay: started" test -s "$T/relay.pid"
config "$T/relay.conf" "new_mail_watch = notify"
sed -i "s/^imap_host = .*/imap_host = 127.0.0.1/; s/^imap_port = .*/imap_port = $rport/" "$T/relay.conf"
check "relay: the watcher starts through it" start_watch relay "$T/relay.conf"
arrives relay INBOX "before the drop $$" 2000
stop_relay
check "relay: the loss is reported with the next attempt" wait_file "$T/relay.err" \
	'^skua watch: connection lost: .*; reconnecting in [0-9]+ s$' 50
deliver "$folder" "while away $$"
sleep 2
start_relay
# The backoff is at most 4 s by now; give it a margin, bounded.
check "relay: it reconnects" sh -c "i=0; while [ \$i -lt 150 ]; do [ \$(grep -c 'watching' '$T/relay.err') -ge 2 ] && exit 0; sleep 0.1; i=\$((i + 1)); done; exit 1"
check "relay: failed attempts in between back off" grep -Eq '^skua watch: cannot connect: .*; reconnecting in [0-9]+ s$' "$T/relay.err"
check "relay: mail that came while away is reported after the reconnect" wait_file "$T/relay.out" "while away $$" 30
arrives relay INBOX "after the restart $$" 2000
stop_watch relay INT
stop_relay
sed 's/^/# /' "$T/relay.err"
finish
