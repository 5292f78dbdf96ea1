#!/bin/sh
# skua-notifyd --exec: the command gets the type and the text as two
# arguments, never through a shell, whatever the text holds; its output stays
# off stdout; at most 4 run at once and the queue is bounded.
. "${SKUA_TOP_SRCDIR:?}/tests/notifyd/lib.sh"

mkdir "$T/calls" "$T/running"
# The hook writes its arguments, each between < and >, to one file per call.
cat > "$T/hook" <<EOF
#!/bin/sh
f="$T/calls/\$\$"
{ printf 'argc=%s\n' "\$#"; for a in "\$@"; do printf '<%s>\n' "\$a"; done; } > "\$f.tmp"
mv "\$f.tmp" "\$f"
echo "HOOK-STDOUT \$\$"
case "\$2" in fail*) exit 3 ;; esac
exit 0
EOF
chmod 755 "$T/hook"

start_daemon --exec "$T/hook"
text='He said "hi" '\''there'\'' $(touch PWNED1) ; touch PWNED2 `touch PWNED3` && touch PWNED4 | cat > PWNED5 $HOME * \ end'
"$TOOL" send 127.0.0.1 "$PORT" sent "$text" > /dev/null
check "the hook ran" wait_matches "$T/err" 'HOOK-STDOUT' 1
call=$(ls "$T/calls" | head -1)
printf 'argc=2\n<sent>\n<%s>\n' "$text" > "$T/expected"
if cmp -s "$T/expected" "$T/calls/$call"; then ok "the text is one argument, byte for byte"; else
	not_ok "the text is one argument, byte for byte"
	show expected "$T/expected"
	show got "$T/calls/$call"
fi
check "nothing in the text was executed" sh -c "! ls '$T' | grep -q PWNED"
check "the text is printed too" grep -qF "sent: $text" "$T/out"
check "the hook's stdout goes to stderr, not stdout" sh -c "! grep -q HOOK '$T/out'"

# An option-like text, UTF-8, and an empty text stay one argument each.
rm -f "$T"/calls/*
for t in '--help -rf /' 'Grüße 日本 😀' ''; do
	"$TOOL" send 127.0.0.1 "$PORT" info "$t" > /dev/null
done
i=0
while [ "$(ls "$T/calls" | wc -l)" -lt 3 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "three more calls" test "$(ls "$T/calls" | wc -l)" -eq 3
for t in '--help -rf /' 'Grüße 日本 😀' ''; do
	printf 'argc=2\n<info>\n<%s>\n' "$t" > "$T/expected"
	found=no
	for f in "$T"/calls/*; do cmp -s "$T/expected" "$f" && found=yes; done
	check "argument '$t' arrives whole" test "$found" = yes
done

# A failing command is logged with its status.
"$TOOL" send 127.0.0.1 "$PORT" error "fail on purpose" > /dev/null
check "a failing command is logged" wait_for "$T/err" 'hook \(pid [0-9]+\) exited with status 3'
stop_daemon
check "exit status 0" test "$DRC" -eq 0

# At most 4 commands at once; 4 running + 32 queued, the rest dropped.
cat > "$T/slow" <<EOF
#!/bin/sh
touch "$T/running/\$\$"
ls "$T/running" | wc -l >> "$T/concurrency"
sleep 0.5
rm -f "$T/running/\$\$"
echo "\$2" >> "$T/done"
EOF
chmod 755 "$T/slow"
start_daemon --exec "$T/slow"
i=0
while [ $i -lt 40 ]; do printf 'SKUA1 info burst %d\n' $i; i=$((i + 1)); done | send_raw
check "all 40 printed at once" wait_count "$T/out" 40 2
check "4 dropped and logged" wait_matches "$T/err" 'notification not passed to .*slow' 4
check "36 commands ran" wait_count "$T/done" 36 15
sleep 0.7
check "... and no more" test "$(wc -l < "$T/done")" -eq 36
max=$(sort -n "$T/concurrency" | tail -1)
check "at most 4 at once (saw $max)" test "$max" -le 4 -a "$max" -ge 2
check "the first 36 ran, in order" sh -c "sort -t' ' -k2 -n '$T/done' | \
	awk '{ if (\$2 != NR - 1) exit 1 }'"
stop_daemon
check "exit status 0" test "$DRC" -eq 0

# A command that cannot be run fails at start-up.
"$NOTIFYD" -p 0 --exec no-such-command-for-skua > "$T/o" 2> "$T/e"
check "unknown command: exit 1" test $? -eq 1
check "... saying so" grep -q 'cannot run no-such-command-for-skua: not found in PATH' "$T/e"
"$NOTIFYD" -p 0 --exec "$T/calls" > "$T/o" 2> "$T/e"
check "a directory: exit 1" test $? -eq 1
finish
