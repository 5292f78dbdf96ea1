#!/bin/sh
# Reply and forward through the real servers: alice writes to bob, bob replies
# (alice gets Re: once, In-Reply-To and References naming her message, her
# text quoted) and forwards it as an attachment (a 7bit message/rfc822 part
# arrives) and inline.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
need_mailsys
alice="$T/alice.conf" bob="$T/bob.conf"
write_config "$alice" alice@example.org
write_config "$bob" bob@example.org

# wait_for CONF FOLDER TEXT: the UID of the newest message whose list line has TEXT
wait_for() {
	uid=
	for _ in $(seq 1 60); do
		"$SKUA" -F "$1" list "$2" > "$T/list" 2> "$T/err" || true
		uid=$(grep -F "$3" "$T/list" | cut -f1 | tail -1)
		[ -n "$uid" ] && return 0
		sleep 0.5
	done
	return 1
}

subject="RE: Plans, $$"
feed "$(printf 'Shall we meet?\n> an old quote\n')"
expect_ok "alice sends to bob" "$SKUA" -F "$alice" send --to "Bob <bob@example.org>" --subject "$subject"
orig_id=$(sed -n 's/^sent \(<[^>]*>\) .*/\1/p' "$T/out")
check "send printed the Message-ID" test -n "$orig_id"
check "bob receives it" wait_for "$bob" INBOX "$subject"
[ -n "$uid" ] || finish

feed "Tuesday suits me."
expect_ok "bob replies" "$SKUA" -F "$bob" reply INBOX "$uid"
reply_id=$(sed -n 's/^sent \(<[^>]*>\) .*/\1/p' "$T/out")
check "the reply is copied to Sent" grep -q "copy in Sent" "$T/out"
check "alice receives the reply with one Re:" wait_for "$alice" INBOX "Re: Plans, $$"
check "no Re: Re:" sh -c "! grep -qF 'Re: RE:' '$T/list'"
$MAILSYS_DOVEADM fetch -u alice@example.org hdr mailbox INBOX header message-id "$reply_id" > "$T/hdr" 2>&1
check "the reply's In-Reply-To is the original Message-ID" grep -qiF "In-Reply-To: $orig_id" "$T/hdr"
check "the reply's References is the original Message-ID" grep -qiF "References: $orig_id" "$T/hdr"
check "the reply goes to alice" grep -qi "^To: .*alice@example.org" "$T/hdr"
expect_ok "alice reads the reply" "$SKUA" -F "$alice" read INBOX "$uid"
check "the reply has bob's text" grep -q "^Tuesday suits me.$" "$T/out"
check "the reply has an attribution line" grep -q "^On .*, Test alice wrote:$" "$T/out"
check "the reply quotes the original" grep -q "^> Shall we meet?$" "$T/out"
check "the reply quotes the quote" grep -q "^> > an old quote$" "$T/out"

# reply to the reply: References grows, In-Reply-To follows
feed "See you."
expect_ok "alice replies to the reply" "$SKUA" -F "$alice" reply INBOX "$uid"
second_id=$(sed -n 's/^sent \(<[^>]*>\) .*/\1/p' "$T/out")
check "bob receives the second reply" wait_for "$bob" INBOX "Re: Plans, $$"
$MAILSYS_DOVEADM fetch -u bob@example.org hdr mailbox INBOX header message-id "$second_id" > "$T/hdr" 2>&1
check "second reply: In-Reply-To is the first reply" grep -qiF "In-Reply-To: $reply_id" "$T/hdr"
check "second reply: References lists both" sh -c "tr -d '\r\n' < '$T/hdr' | grep -qiF 'References: $orig_id $reply_id'"

# forward as attachment
wait_for "$bob" INBOX "$subject"
ouid=$(grep -F "$subject" "$T/list" | grep -vF "Re: Plans" | cut -f1 | head -1)
feed "FYI"
expect_ok "bob forwards as attachment" "$SKUA" -F "$bob" forward INBOX "$ouid" --to alice@example.org --attach-original
fwd_id=$(sed -n 's/^sent \(<[^>]*>\) .*/\1/p' "$T/out")
check "alice receives Fwd:" wait_for "$alice" INBOX "Fwd: RE: Plans, $$"
$MAILSYS_DOVEADM fetch -u alice@example.org text mailbox INBOX header message-id "$fwd_id" > "$T/raw" 2>&1
check "the forward has a message/rfc822 part" grep -qi "^Content-Type: message/rfc822" "$T/raw"
check "the rfc822 part is 7bit, not base64" sh -c "grep -A4 -i '^Content-Type: message/rfc822' '$T/raw' | grep -qi 'Content-Transfer-Encoding: 7bit'"
check "the part is named after the subject" grep -qF "RE_ Plans, $$.eml" "$T/raw"
check "the original's Message-ID travels inside" grep -qiF "Message-ID: $orig_id" "$T/raw"
expect_ok "alice reads the forward" "$SKUA" -F "$alice" read INBOX "$uid"
check "the forward shows bob's text" grep -q "^FYI$" "$T/out"
check "the forward shows the original body" grep -q "^Shall we meet?$" "$T/out"

# forward inline
feed ""
expect_ok "bob forwards inline" "$SKUA" -F "$bob" forward "$ouid" --to alice@example.org
check "alice receives the inline forward" wait_for "$alice" INBOX "Fwd: RE: Plans, $$"
expect_ok "alice reads the inline forward" "$SKUA" -F "$alice" read INBOX "$uid"
check "inline forward has the forwarded block" grep -q "^---------- Forwarded message ----------$" "$T/out"
check "inline forward names the original sender" grep -q "^From: Test alice <alice@example.org>$" "$T/out"

expect_fail "forward without --to is a usage error" 1 "no recipient" "$SKUA" -F "$bob" forward "$ouid"
finish
