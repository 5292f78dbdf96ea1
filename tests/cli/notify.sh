#!/bin/sh
# skua as skua-notifyd's client: a send and a read show up in the daemon's
# output; with no daemon listening the commands still succeed and the failed
# attempt is a notify_send metric record.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
need_mailsys
notifyd="$SKUA_TOP_BUILDDIR/skua-notifyd"
"$notifyd" -l 127.0.0.1 -p 0 > "$T/notifications" 2> "$T/notifyd.err" &
daemon=$!
trap 'kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null; rm -rf "$T"' EXIT
port=
for _ in $(seq 1 50); do
	port=$(sed -n 's/.*listening on .* port \([0-9][0-9]*\).*/\1/p' "$T/notifyd.err" | head -1)
	[ -n "$port" ] && break
	sleep 0.1
done
check "skua-notifyd started" test -n "$port"

cfg="$T/config"
write_config "$cfg" alice@example.org
sed -i "s/^metrics_log = yes/metrics_log = yes\nnotify = yes\nnotify_host = 127.0.0.1\nnotify_port = $port/" "$cfg"
subject="notified $$"
feed "hello"
expect_ok "send with the notifier on" "$SKUA" -F "$cfg" send --to bob@example.org --subject "$subject"
wait_line() {
	for _ in $(seq 1 50); do
		grep -qF -- "$1" "$T/notifications" && return 0
		sleep 0.1
	done
	return 1
}
check "the daemon shows the send" wait_line "sent: Email sent successfully: bob@example.org, $subject"
uid=$("$SKUA" -F "$cfg" list Sent | grep -F "$subject" | cut -f1 | tail -1)
expect_ok "read with the notifier on" "$SKUA" -F "$cfg" read Sent "$uid"
check "the daemon shows the read" wait_line "received: Email read: Test alice <alice@example.org>, $subject"
check "a notify_send record says ok" awk -F '\t' '$2 == "notify_send" && $13 == "ok" && $8 > 0 { f = 1 } END { exit !f }' \
	"$XDG_STATE_HOME/skua/metrics.log"

kill "$daemon"
wait "$daemon" 2>/dev/null
feed "hello"
expect_ok "send with no notifier listening still works" "$SKUA" -F "$cfg" send --to bob@example.org --subject "$subject 2"
check "the failed attempt is a notify_send record" awk -F '\t' '$2 == "notify_send" && $13 == "network" { f = 1 } END { exit !f }' \
	"$XDG_STATE_HOME/skua/metrics.log"
finish
