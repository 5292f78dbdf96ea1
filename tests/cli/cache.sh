#!/bin/sh
# The header cache of skua list: a warm list equals what the server says
# (skua list --no-cache) after another client expunged messages, changed
# flags and delivered new mail, on the QRESYNC, CONDSTORE-only and full
# resync paths (forced by the resync setting); on a server that rebuilt its
# index and counts modseqs anew under the same UIDVALIDITY; after the folder
# was deleted and created again (new UIDVALIDITY); with a cache file of
# garbage; and
# after a kill -9 in the middle of a resync; and a message read twice is
# downloaded once.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
need_mailsys
user=bob@example.org
folder=CacheTest
cfg="$T/bob.conf"
cache="$HOME/.cache/skua/bob.db"
log="$XDG_STATE_HOME/skua/metrics.log"

deliver() {
	printf 'From: Sender %s <sender@example.org>\r\nTo: %s\r\nSubject: message %s\r\nMessage-ID: <%s.%s@example.org>\r\n\r\nbody\r\n' \
		"$1" "$user" "$1" "$1" "$$" | $MAILSYS_DOVEADM save -u "$user" -m "$folder"
}
fill() {
	for i in $(seq "$1" "$2"); do deliver "$i"; done
}
fresh_folder() {
	$MAILSYS_DOVEADM mailbox delete -u "$user" "$folder" >/dev/null 2>&1
	$MAILSYS_DOVEADM mailbox create -u "$user" "$folder"
}
# same NAME: the cached list and the server's own agree, line for line.
same() {
	if "$SKUA" -F "$cfg" list "$folder" > "$T/warm" 2> "$T/warm.err" &&
		"$SKUA" -F "$cfg" list --no-cache "$folder" > "$T/cold" 2> "$T/cold.err" &&
		cmp -s "$T/warm" "$T/cold" && [ -s "$T/cold" ]; then
		ok "$1"
	else
		not_ok "$1"
		diff "$T/warm" "$T/cold" | head -10 | sed 's/^/  /'
		sed 's/^/  stderr: /' "$T/warm.err" | head -5
	fi
}
# ops_since LINE: metric operation names logged after line LINE of the log.
ops_since() { tail -n +"$(($1 + 1))" "$log" | cut -f2 | sort -u | tr '\n' ' '; }
lines() { wc -l < "$log" 2> /dev/null || echo 0; }
# changes: another client expunges two messages, flags two, delivers two.
changes() {
	$MAILSYS_DOVEADM flags add -u "$user" '\Seen' mailbox "$folder" uid 3
	$MAILSYS_DOVEADM flags add -u "$user" '\Flagged \Answered' mailbox "$folder" uid 7
	$MAILSYS_DOVEADM expunge -u "$user" mailbox "$folder" uid 5
	$MAILSYS_DOVEADM expunge -u "$user" mailbox "$folder" uid 9
	deliver "new-$1-a"
	deliver "new-$1-b"
}

for mode in qresync condstore full; do
	write_config "$cfg" "$user"
	sed "s/^\[general\]\$/[general]\nresync = $mode/" "$cfg" > "$T/c" && cat "$T/c" > "$cfg"
	rm -f "$cache" "$cache-wal" "$cache-shm"
	fresh_folder
	fill 1 12
	expect_ok "$mode: a first list fills the cache" "$SKUA" -F "$cfg" list "$folder"
	check "$mode: it lists the 12 messages" test "$(wc -l < "$T/out")" -eq 12
	check "$mode: the cache file exists" test -s "$cache"
	changes "$mode"
	before=$(lines)
	same "$mode: after expunges, flag changes and new mail the warm list is the server's"
	ops=$(ops_since "$before")
	echo "# $mode: operations of the warm list and the check: $ops"
	check "$mode: message 3 is read, 7 flagged and replied" \
		grep -Eq '^3	.*	-(---)	' "$T/warm"
	check "$mode: 7 flagged and replied" grep -Eq '^7	.*	Nr!-	' "$T/warm"
	check "$mode: 5 and 9 are gone" sh -c "! grep -Eq '^(5|9)	' '$T/warm'"
	check "$mode: the new ones are there" grep -q "message new-$mode-b" "$T/warm"
	case $mode in
	qresync) check "qresync: QRESYNC was enabled" sh -c "echo '$ops' | grep -q imap_enable" ;;
	condstore) check "condstore: no QRESYNC, a UID SEARCH for expunges" \
		sh -c "echo '$ops' | grep -q imap_search && ! echo '$ops' | grep -q imap_enable" ;;
	full) check "full: the flags were fetched, no QRESYNC or SEARCH" \
		sh -c "echo '$ops' | grep -q imap_resync_flags && ! echo '$ops' | grep -Eq 'imap_enable|imap_search'" ;;
	esac
	same "$mode: a second warm list with nothing changed agrees too"
done

# UIDVALIDITY: the folder deleted and created again with other messages.
fresh_folder
fill 100 104
"$SKUA" -F "$cfg" list "$folder" > "$T/warm" 2> "$T/warm.err"
check "a recreated folder is noticed" grep -q "new UIDVALIDITY" "$T/warm.err"
check "and listed as it is now" sh -c "grep -c 'message 10[0-4]' '$T/warm' | grep -qx 5 && test \$(wc -l < '$T/warm') -eq 5"
same "after the UIDVALIDITY change the cache agrees with the server"

# A cache file of garbage is rebuilt with a message, never a crash.
head -c 20000 /dev/urandom > "$cache"
rm -f "$cache-wal" "$cache-shm"
"$SKUA" -F "$cfg" list "$folder" > "$T/warm" 2> "$T/warm.err"
check "a garbage cache file: skua list still succeeds" test "$(wc -l < "$T/warm")" -eq 5
check "and says the cache is rebuilt" grep -q "rebuilt" "$T/warm.err"
same "the rebuilt cache agrees with the server"

# kill -9 in the middle of a resync: many new messages make it last.
write_config "$cfg" "$user"
python3 "$SKUA_TOP_SRCDIR/contrib/fill-folder.py" --env "$SKUA_MAILSYS_DIR/env" --user "$user" \
	--folder "$folder" --count 6000 > "$T/fill.log" 2>&1
$MAILSYS_DOVEADM flags add -u "$user" '\Flagged' mailbox "$folder" uid 2
$MAILSYS_DOVEADM expunge -u "$user" mailbox "$folder" uid 3
before=$(lines)
"$SKUA" -F "$cfg" list "$folder" > /dev/null 2>&1 &
pid=$!
# Killed once the fetch of the new messages has begun.
i=0
while [ "$i" -lt 200 ] && ! tail -n +"$((before + 1))" "$log" 2> /dev/null | grep -q imap_fetch_headers; do
	sleep 0.02
	i=$((i + 1))
done
if kill -9 "$pid" 2> /dev/null; then
	ok "skua list was killed in the middle of its resync"
else
	not_ok "skua list was killed in the middle of its resync (it had already ended)"
fi
wait "$pid" 2> /dev/null
same "after the kill the next list is correct"
check "it holds all the messages" test "$(wc -l < "$T/cold")" -eq 6004

# Bodies: a message read twice is downloaded once; the cached one reads the same.
before=$(lines)
expect_ok "a first read" "$SKUA" -F "$cfg" read "$folder" 1
cp "$T/out" "$T/read1"
check "the first read downloads the message" sh -c "tail -n +$((before + 1)) '$log' | cut -f2 | grep -qx imap_fetch_body"
before=$(lines)
expect_ok "a second read" "$SKUA" -F "$cfg" read "$folder" 1
check "the second read comes from the cache" sh -c "! tail -n +$((before + 1)) '$log' | cut -f2 | grep -qx imap_fetch_body"
check "and prints the same" cmp -s "$T/out" "$T/read1"

# A server that rebuilt its index: Dovecot keeps a maildir's UIDs and
# UIDVALIDITY (dovecot-uidlist) but counts modseqs anew, so HIGHESTMODSEQ
# falls below the cached one and QRESYNC or CHANGEDSINCE alone would report
# nothing: the expunges and flags were lost while the new mail showed.
box="$MAILSYS_DIR/mail/${user#*@}/${user%@*}/.$folder"
for mode in qresync condstore; do
	write_config "$cfg" "$user"
	sed "s/^\[general\]\$/[general]\nresync = $mode/" "$cfg" > "$T/c" && cat "$T/c" > "$cfg"
	rm -f "$cache" "$cache-wal" "$cache-shm"
	fresh_folder
	fill 1 12
	expect_ok "$mode, index rebuilt: a first list fills the cache" "$SKUA" -F "$cfg" list "$folder"
	changes "rebuilt-$mode"
	check "$mode, index rebuilt: the folder's maildir is where the test looks" test -d "$box"
	rm -f "$box"/dovecot.index*
	same "$mode, index rebuilt: the warm list is still the server's"
	check "$mode, index rebuilt: 5 and 9 are gone" sh -c "! grep -Eq '^(5|9)	' '$T/warm'"
	check "$mode, index rebuilt: 7 flagged and replied" grep -Eq '^7	.*	Nr!-	' "$T/warm"
	check "$mode, index rebuilt: the new ones are there" grep -q "message new-rebuilt-$mode-b" "$T/warm"
done

$MAILSYS_DOVEADM mailbox delete -u "$user" "$folder" >/dev/null 2>&1
finish
