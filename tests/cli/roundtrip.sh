#!/bin/sh
# Send -> receive through the real SMTP server into Dovecot: a 10 MB attachment
# arrives byte-identical, a copy is in Sent (\Seen), Bcc is delivered but never
# written into a header; list, read and save (twice: "name (1).ext"); a full
# disk while saving leaves no file.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
need_mailsys
alice="$T/alice.conf" bob="$T/bob.conf"
write_config "$alice" alice@example.org
write_config "$bob" bob@example.org

# Random bytes look like some other type to libmagic about once in 75 files
# (a DOS executable, zlib, audio): a fixed start keeps this one plain data.
{
	printf 'skua test data\001\002\003\004'
	head -c $((10485760 - 18)) /dev/urandom
} > "$T/report data.bin"
printf 'Meeting notes\n' > "$T/notes.txt"
subject="Grüße aus Köln — 日本語 $$"
feed "$(printf 'Hello Bob,\n\nthe figures are attached. Ünïcödé body.\n-- \nAlice')"
expect_ok "send with a 10 MB attachment" "$SKUA" -F "$alice" send --to "Bob <bob@example.org>" \
		--bcc alice@example.org --subject "$subject" --attach "$T/report data.bin" --attach "$T/notes.txt"
check "send reports the Sent copy" grep -q "copy in Sent" "$T/out"

# Delivery goes through Postfix and LMTP: wait for it, bounded.
uid=
for _ in $(seq 1 60); do
	"$SKUA" -F "$bob" list INBOX > "$T/list" 2> "$T/err" || true
	uid=$(grep -F "$subject" "$T/list" | cut -f1 | tail -1)
	[ -n "$uid" ] && break
	sleep 0.5
done
check "message arrives in bob's INBOX with its decoded subject" test -n "$uid"
[ -n "$uid" ] || finish
check "list marks it new and with an attachment" sh -c "grep -F '$subject' '$T/list' | cut -f3,5 | grep -q '^N---	@$'"
check "list shows the sender's name" sh -c "grep -F '$subject' '$T/list' | cut -f6 | grep -q '^Test alice$'"

expect_ok "read the message" "$SKUA" -F "$bob" read INBOX "$uid"
check "read shows the decoded subject" grep -qF "Subject: $subject" "$T/out"
check "read shows the body" grep -q "Ünïcödé body" "$T/out"
check "read lists the attachments" grep -Eq '\[1\] report data.bin  application/octet-stream  10485760 bytes' "$T/out"
check "read lists the text attachment" grep -Eq '\[2\] notes.txt  text/plain' "$T/out"
check "read leaves the message unseen" sh -c "'$SKUA' -F '$bob' list INBOX | grep -F '$subject' | cut -f3 | grep -q '^N'"

mkdir "$T/save"
expect_ok "save the attachments" "$SKUA" -F "$bob" save INBOX "$uid" "$T/save"
expect_ok "save them again" "$SKUA" -F "$bob" save "$uid" "$T/save"
check "second save did not overwrite: report data (1).bin" test -f "$T/save/report data (1).bin"
check "second save: notes (1).txt" test -f "$T/save/notes (1).txt"
check "saved attachment is byte-identical" cmp -s "$T/report data.bin" "$T/save/report data.bin"
check "second copy is byte-identical" cmp -s "$T/report data.bin" "$T/save/report data (1).bin"
check "exactly four files saved" test "$(ls "$T/save" | wc -l)" -eq 4

# The Bcc recipient got it; no stored copy carries a Bcc header.
check "Bcc recipient received it" sh -c "'$SKUA' -F '$alice' list INBOX | grep -qF '$subject'"
for box in "bob@example.org INBOX" "alice@example.org INBOX" "alice@example.org Sent"; do
	set -- $box
	$MAILSYS_DOVEADM fetch -u "$1" hdr mailbox "$2" header subject "$$" > "$T/hdr" 2>&1
	check "$1 $2 copy exists" grep -qi '^Message-ID:' "$T/hdr"
	check "$1 $2 copy has no Bcc header" sh -c "! grep -qi '^Bcc:' '$T/hdr'"
done
check "Sent copy is marked seen" sh -c "'$SKUA' -F '$alice' list Sent | grep -F '$subject' | cut -f3 | grep -q '^-'"

# A full disk while saving: a clear error and no file, not even a partial one.
mkdir "$T/full"
if mount -t tmpfs -o size=1m tmpfs "$T/full" 2>/dev/null; then
	expect_fail "saving onto a full disk fails cleanly" 8 "(disk full|No space)" "$SKUA" -F "$bob" save INBOX "$uid" "$T/full"
	check "no partial file is left on the full disk" test -z "$(ls -A "$T/full" | grep -v '^notes')"
	umount "$T/full"
else
	echo "# cannot mount a tmpfs here: full-disk check not run"
fi
finish
