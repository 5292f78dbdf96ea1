#!/bin/sh
# skua-notifyd --token-file: lines without the right token are refused and
# logged without the secret; the loopback rule and bad token files.
. "${SKUA_TOP_SRCDIR:?}/tests/notifyd/lib.sh"

secret=k3y-0123456789-abcdefXYZ
printf '%s\n' "$secret" > "$T/token"
chmod 600 "$T/token"
start_daemon --token-file "$T/token"
check "no warning for a private token file" sh -c "! grep -q warning '$T/err'"

"$TOOL" send 127.0.0.1 "$PORT" sent "with the token" "$secret" > /dev/null
check "a line with the token is printed" wait_for "$T/out" 'sent: with the token$'
printf 'SKUA1 sent without a token\n' | send_raw
check "a line without a token is refused" wait_for "$T/err" 'line 1 refused: no token'
printf 'SKUA1 token=%sX sent wrong token\n' "$secret" | send_raw
check "a wrong token is refused" wait_for "$T/err" 'line 1 refused: wrong token'
printf 'SKUA1 token=%s sent prefix\n' "$(echo "$secret" | cut -c1-20)" | send_raw
check "a prefix of the token is refused" wait_matches "$T/err" 'refused: wrong token' 2
"$TOOL" send 127.0.0.1 "$PORT" sent "api with a wrong token" "0000000000000000000000" \
	> /dev/null
check "notify_send with a wrong token is refused" wait_matches "$T/err" 'refused: wrong token' 3
# Token and no token mixed on one connection: only the good line gets through.
{
	printf 'SKUA1 info one\n'
	printf 'SKUA1 token=%s info two\n' "$secret"
	printf 'SKUA1 info token=%s three\n' "$secret"
} | send_raw
check "the good line of a mixed connection is printed" wait_for "$T/out" 'info: two$'
sleep 0.2
check "only the lines with the token were printed" test "$(wc -l < "$T/out")" -eq 2
check "refused lines never printed" sh -c "! grep -Eq 'without|wrong|one|three' '$T/out'"
check "the secret never appears in the log" sh -c "! grep -qF '$(echo "$secret" | cut -c1-12)' '$T/err'"
stop_daemon
check "exit status 0" test "$DRC" -eq 0

# A token file others can read: a warning, but it works.
chmod 644 "$T/token"
start_daemon --token-file "$T/token"
check "a readable token file is warned about" grep -q 'warning: other users can read' "$T/err"
stop_daemon

# With a token the daemon may listen beyond loopback.
start_daemon -l 0.0.0.0 --token-file "$T/token"
check "a token allows 0.0.0.0" grep -q 'listening on 0.0.0.0 port' "$T/err"
stop_daemon

# Bad token files: exit 2 with one line naming the file.
printf 'short\n' > "$T/short"
"$NOTIFYD" -p 0 --token-file "$T/short" > "$T/o" 2> "$T/e"
check "a short token: exit 2" test $? -eq 2
check "... naming the file" grep -q "$T/short: the notification token has 5 bytes" "$T/e"
"$NOTIFYD" -p 0 --token-file "$T/missing" > "$T/o" 2> "$T/e"
check "a missing token file: exit 2" test $? -eq 2
check "... one line" test "$(wc -l < "$T/e")" -eq 1
finish
