#!/bin/sh
# Sets everything up and shows skua against a throwaway local mail system:
# installs the packages, builds skua, starts Dovecot and Postfix on loopback
# with their own CA, fills Alice's INBOX with sample mail, runs the batch
# commands, sends Bob a message, prints the metrics summary, and on a terminal
# opens the full-screen client. The mail system is stopped at the end.
# Run as root from anywhere: sh contrib/demo.sh
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build="$top/build-demo"
mail=${TMPDIR:-/tmp}/skua-demo-mail
home="$top/build-demo/home"

sh contrib/install-deps.sh
if [ ! -x "$build/skua" ]; then
	autoreconf -fi
	mkdir -p "$build"
	(cd "$build" && "$top/configure" -q)
fi
make -C "$build" -s -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
skua="$build/skua"

bash contrib/mailsys.sh stop "$mail" >/dev/null 2>&1 || true
bash contrib/mailsys.sh start "$mail" >/dev/null
trap 'bash "$top/contrib/mailsys.sh" stop "$mail" >/dev/null 2>&1 || true' EXIT INT TERM
. "$mail/env"
python3 contrib/fill-folder.py --env "$mail/env" --user alice@example.org --sample >/dev/null

# A demo home so nothing of the caller's own config is read or changed.
rm -rf "$home"
mkdir -p "$home/.config/skua"
export HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_STATE_HOME="$home/.local/state"
cat > "$home/.config/skua/config" <<CONF
[general]
default_account = alice
metrics_log = yes

[account alice]
name = Alice Example
address = alice@example.org
imap_host = localhost
imap_port = $MAILSYS_IMAPS_PORT
imap_tls = implicit
smtp_host = localhost
smtp_port = $MAILSYS_SUBMISSION_PORT
smtp_tls = starttls
password_command = echo $MAILSYS_PASS_alice
ca_file = $MAILSYS_CA

[account bob]
name = Bob Example
address = bob@example.org
imap_host = localhost
imap_port = $MAILSYS_IMAP_PORT
imap_tls = starttls
smtp_host = localhost
smtp_port = $MAILSYS_SMTPS_PORT
password_command = echo $MAILSYS_PASS_bob
ca_file = $MAILSYS_CA
CONF
chmod 600 "$home/.config/skua/config"

show() {
	printf '\n\033[1m$ %s\033[0m\n' "$*"
	"$@"
}
show "$skua" folders
show "$skua" list
first=$("$skua" list | grep -F '@' | head -1 | cut -f1)
[ -n "$first" ] || first=$("$skua" list | head -1 | cut -f1)
show "$skua" read "$first"
mkdir -p "$home/saved"
show "$skua" save "$first" "$home/saved" || true
echo "Hello Bob, this came through Postfix and Dovecot on loopback." |
	show "$skua" send --to "Bob Example <bob@example.org>" --subject "Hello from the skua demo"
sleep 1
show "$skua" -a bob list
show "$skua" stats
if [ -t 0 ] && [ -t 1 ]; then
	printf '\nPress Enter to open the full-screen client (q quits it)... '
	read -r _
	"$skua"
fi
echo
echo "The demo config is $home/.config/skua/config; the mail system stops now."
