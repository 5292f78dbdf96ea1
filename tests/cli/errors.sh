#!/bin/sh
# Bad input gives one clear line on stderr and the documented exit code.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"

cfg="$T/config"
printf '[general]\nmetrics_log = no\n[account a]\naddress = a@example.org\nimap_host = localhost\nsmtp_host = localhost\npasword = x\n' > "$cfg"
expect_fail "unknown key names file and line" 2 "config:7: unknown key 'pasword'.*password" "$SKUA" -F "$cfg" list
printf '[account a]\naddress = a@example.org\nimap_host = localhost\nsmtp_host = localhost\nimap_tls = maybe\n' > "$cfg"
expect_fail "bad value names file and line" 2 "config:5: .*maybe" "$SKUA" -F "$cfg" folders
expect_fail "missing config file" 2 "no config file" "$SKUA" -F "$T/nonexistent" list
expect_fail "unknown command" 1 "unknown command 'frobnicate'" "$SKUA" frobnicate
expect_fail "bad option" 1 "unknown option -Z" "$SKUA" -Z list

# A closed port on loopback: connection refused, reported quickly.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '[general]\nmetrics_log = no\n[account a]\naddress = a@example.org\nimap_host = 127.0.0.1\nimap_port = %s\nsmtp_host = 127.0.0.1\nsmtp_port = %s\npassword_command = echo x\n' "$port" "$port" > "$cfg"
expect_fail "unreachable host" 3 "127.0.0.1.*$port|refused" "$SKUA" -F "$cfg" list
expect_fail "unknown account" 7 "no account named 'nosuch'|no account named nosuch" "$SKUA" -F "$cfg" -a nosuch list
expect_fail "UID that is not a number" 1 "not a message UID" "$SKUA" -F "$cfg" read INBOX 12abc
expect_fail "send without recipient" 1 "no recipient" "$SKUA" -F "$cfg" send --subject x

need_mailsys
write_config "$cfg" alice@example.org
expect_fail "missing folder" 7 "no folder named 'NoSuchFolder'" "$SKUA" -F "$cfg" list NoSuchFolder
expect_fail "missing message" 7 "UID 999999|no message" "$SKUA" -F "$cfg" read INBOX 999999
expect_fail "save into a missing directory" 8 "$T/nodir" "$SKUA" -F "$cfg" save INBOX 1 "$T/nodir"
write_config "$cfg" alice@example.org "password_command = false"
expect_fail "failing password command" 5 "password_command|exit" "$SKUA" -F "$cfg" list
finish
