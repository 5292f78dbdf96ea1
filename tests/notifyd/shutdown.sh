#!/bin/sh
# skua-notifyd shuts down cleanly on SIGTERM and SIGINT: listeners and
# connections closed, running commands waited for (up to 5 s), exit 0.
. "${SKUA_TOP_SRCDIR:?}/tests/notifyd/lib.sh"

# SIGTERM with open connections: one silent, one in the middle of a line.
start_daemon
"$TOOL" send 127.0.0.1 "$PORT" info "before the end" > /dev/null
check "a notification before the signal" wait_for "$T/out" 'info: before the end$'
"$TOOL" hold 127.0.0.1 "$PORT" 5000 > "$T/hold" &
OWN_PIDS="$OWN_PIDS $!"
wait_for "$T/hold" connected
start=$(date +%s%N)
stop_daemon TERM
took=$((($(date +%s%N) - start) / 1000000))
check "SIGTERM: exit 0" test "$DRC" -eq 0
check "SIGTERM: quick ($took ms)" test "$took" -lt 2000
check "SIGTERM: logged" grep -q 'Terminated: shutting down (1 connections closed)' "$T/err"
wait_for "$T/hold" 'closed by the daemon'
check "the open connection was closed" grep -q 'closed by the daemon' "$T/hold"
check "nothing listens any more" sh -c "! '$TOOL' send 127.0.0.1 $PORT info late 2>/dev/null"
check "one line printed in all" test "$(wc -l < "$T/out")" -eq 1

start_daemon
stop_daemon INT
check "SIGINT: exit 0" test "$DRC" -eq 0
check "SIGINT: logged" grep -q 'Interrupt: shutting down' "$T/err"

# A running command is waited for: it finishes, then the daemon exits 0.
cat > "$T/hook" <<EOF
#!/bin/sh
echo \$\$ > "$T/hook.pid"
sleep 1
echo "\$2" > "$T/hook.done"
EOF
chmod 755 "$T/hook"
start_daemon --exec "$T/hook"
"$TOOL" send 127.0.0.1 "$PORT" sent "finish me" > /dev/null
wait_for "$T/hook.pid" '[0-9]'
OWN_PIDS="$OWN_PIDS $(cat "$T/hook.pid")"
stop_daemon TERM
check "waited for the command: exit 0" test "$DRC" -eq 0
check "the command finished" grep -qx 'finish me' "$T/hook.done"

# A command that does not finish is left after 5 s; a second signal ends the
# wait at once.
cat > "$T/stuck" <<EOF
#!/bin/sh
echo \$\$ > "$T/stuck.pid"
exec sleep 20
EOF
chmod 755 "$T/stuck"
start_daemon --exec "$T/stuck"
"$TOOL" send 127.0.0.1 "$PORT" sent "stuck" > /dev/null
wait_for "$T/stuck.pid" '[0-9]'
stuck=$(cat "$T/stuck.pid")
OWN_PIDS="$OWN_PIDS $stuck"
start=$(date +%s%N)
stop_daemon TERM
took=$((($(date +%s%N) - start) / 1000000))
check "a stuck command: exit 0" test "$DRC" -eq 0
check "... after the 5 s grace ($took ms)" test "$took" -ge 4500 -a "$took" -lt 8000
check "... saying so" grep -q '1 commands still running: leaving them' "$T/err"
check "... and the command goes on" alive "$stuck"
kill "$stuck"

rm -f "$T/stuck.pid"
start_daemon --exec "$T/stuck"
"$TOOL" send 127.0.0.1 "$PORT" sent "stuck" > /dev/null
wait_for "$T/stuck.pid" '[0-9]'
stuck=$(cat "$T/stuck.pid")
OWN_PIDS="$OWN_PIDS $stuck"
kill -TERM "$DPID"
sleep 0.3
start=$(date +%s%N)
stop_daemon TERM
took=$((($(date +%s%N) - start) / 1000000))
check "a second SIGTERM: exit 0" test "$DRC" -eq 0
check "... at once ($took ms)" test "$took" -lt 1000
check "... saying so" grep -q 'Terminated again: leaving at once' "$T/err"
kill "$stuck"
finish
