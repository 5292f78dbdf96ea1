#!/bin/sh
# Every TLS mode for IMAP and SMTP, and the refusals: wrong name, unknown CA,
# no STARTTLS, wrong password, plain text without explicit permission.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
need_mailsys
cfg="$T/config"

write_config "$cfg" alice@example.org
expect_ok "IMAPS (implicit TLS) login and LIST" "$SKUA" -F "$cfg" folders
check "folders shows INBOX and the special folders" grep -q "inbox.*INBOX" "$T/out"
for role in Sent Trash Drafts Junk; do
	check "folders marks $role" grep -Eq "$(echo "$role" | cut -c1-4).* $role\$" "$T/out"
done

write_config "$cfg" alice@example.org "imap_port = $MAILSYS_IMAP_PORT" "imap_tls = starttls"
expect_ok "IMAP with STARTTLS" "$SKUA" -F "$cfg" folders

subject="tls-smtps-$$"
feed "over SMTPS"
expect_ok "SMTPS (implicit TLS) send" "$SKUA" -F "$cfg" send --to bob@example.org --subject "$subject"
write_config "$cfg" alice@example.org "smtp_port = $MAILSYS_SUBMISSION_PORT" "smtp_tls = starttls"
feed "over submission"
expect_ok "submission with STARTTLS send" "$SKUA" -F "$cfg" send --to bob@example.org --subject "$subject-587"

write_config "$cfg" alice@example.org "imap_host = 127.0.0.2" "smtp_host = 127.0.0.2"
expect_fail "certificate for another name is refused" 4 "127.0.0.2.*(mismatch|not valid)|(mismatch|not valid).*127.0.0.2" "$SKUA" -F "$cfg" folders

write_config "$cfg" alice@example.org "ca_file = $MAILSYS_OTHER_CA"
expect_fail "certificate from an unknown CA is refused" 4 "issuer|unknown|untrusted" "$SKUA" -F "$cfg" folders

write_config "$cfg" alice@example.org "smtp_port = $MAILSYS_SMTP_NOTLS_PORT" "smtp_tls = starttls"
feed "body"
expect_fail "SMTP server without STARTTLS is refused" 4 "STARTTLS" "$SKUA" -F "$cfg" send --to bob@example.org --subject x

write_config "$cfg" alice@example.org "password_command = echo wrong-password"
expect_fail "wrong IMAP password" 5 "(login|authentication|password).*" "$SKUA" -F "$cfg" folders
feed "body"
expect_fail "wrong SMTP password" 5 "(login|authentication|password|535)" "$SKUA" -F "$cfg" send --to bob@example.org --subject x

write_config "$cfg" alice@example.org "imap_port = $MAILSYS_IMAP_PORT" "imap_tls = none"
expect_fail "plain-text IMAP needs allow_plaintext" 2 "allow_plaintext" "$SKUA" -F "$cfg" folders
finish
