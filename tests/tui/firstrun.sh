#!/bin/sh
# The first-run screen against the real servers: skua with no config shows
# the account form; a server that never answers leaves the screen live (help
# opens, ^G stops the test at once); a port where nothing listens, a wrong
# password and a CA that does not sign the server's certificate give clear
# errors with every field kept;
# the right values log in, the password stays out of the file (the default),
# and the folder list follows without a restart. The file is mode 0600 and
# the next start goes straight to the folder list. With -F naming a missing
# file that file is created, with the password when asked. The form's keys
# are in skua(1).
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=gina@example.org
pass=$MAILSYS_PASS_gina
conf="$XDG_CONFIG_HOME/skua/config"
export XDG_CACHE_HOME="$T/home/.cache"

# skua_start [ARGS]: skua without -F (tui_start always gives one).
skua_start() {
	tmux -u -S "$sock" new-session -d -x 80 -y 24 \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$SKUA' $*; echo EXITED=\$?; sleep 60"
}
# the row of the form's field LABEL
field() { screen | grep -E "^[> ] $1 " | head -1; }
stars() { field Password | sed 's/^. Password *//; s/ *$//'; }

# A server that takes the connection and never says a word.
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
time.sleep(120)
' > "$T/silent.port" &
silent_pid=$!
trap 'kill $silent_pid 2>/dev/null; tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 1 50); do [ -s "$T/silent.port" ] && break; sleep 0.1; done
silent=$(cat "$T/silent.port")

skua_start
check "no config: the first-run form" wait_for "Welcome to skua"
check "it names the default config file" wait_for "Config file: $conf"
check "the provider defaults to other" sh -c "tmux -S '$sock' capture-pane -p | grep -q 'Provider .* \\[other\\]'"
check "the IMAP port defaults to 993" test "$(field 'IMAP port' | awk '{print $NF}')" = 993
check "the SMTP port defaults to 465" test "$(field 'SMTP port' | awk '{print $NF}')" = 465
check "the title line shows the form's keys" wait_for "Tab:next-field"

# Account name left empty; then name, address, a wrong password; the IMAP
# server is the silent one.
keys Tab 'Gina Test' Tab "$user" Tab 'wrong pass' Tab Tab 127.0.0.1 Tab C-u "$silent" Tab Tab \
	localhost Tab C-u "$MAILSYS_SMTPS_PORT" Tab Tab "$MAILSYS_CA"
wait_for "$MAILSYS_CA" >/dev/null
check "the password is not shown" test "$(stars)" = "**********"
check "the password is nowhere on the screen" sh -c "! tmux -S '$sock' capture-pane -p | grep -q 'wrong pass'"
keys Enter
check "Enter on the last field tests the login" wait_for "Testing the login: IMAP 127.0.0.1:$silent"
keys F1
check "while it runs, help opens" wait_for "Keys of the login screen"
keys q
check "and closes" wait_for "Welcome to skua"
keys C-g
check "^G stops the test at once" wait_for "The test was stopped."
check "the server field kept its text" test "$(field 'IMAP server' | awk '{print $NF}')" = 127.0.0.1

# A port where nothing listens.
keys Up Up Up Up Up Up C-u localhost Down C-u 1 C-x
check "a server that cannot be reached is said so" wait_for "cannot connect to localhost port 1"
check "the cursor stays on the port" sh -c "tmux -S '$sock' capture-pane -p | grep -q '^> IMAP port'"

# The right server, the wrong password.
keys C-u "$MAILSYS_IMAPS_PORT" C-x
check "a wrong password is refused clearly" wait_for "login as $user refused"
check "the cursor is on the password" sh -c "tmux -S '$sock' capture-pane -p | grep -q '^> Password'"
check "the name is kept" test "$(field 'Your name' | sed 's/^. Your name *//; s/ *$//')" = "Gina Test"
check "the address is kept" test "$(field Address | awk '{print $NF}')" = "$user"
check "the password is kept" test "$(stars)" = "**********"
check "the IMAP port is kept" test "$(field 'IMAP port' | awk '{print $NF}')" = "$MAILSYS_IMAPS_PORT"
check "the SMTP port is kept" test "$(field 'SMTP port' | awk '{print $NF}')" = "$MAILSYS_SMTPS_PORT"
check "the CA file is kept" test "$(field 'CA file' | awk '{print $NF}')" = "$MAILSYS_CA"
check "nothing was written" test ! -e "$conf"

# The right password, a CA that did not sign the server's certificate.
keys C-u "$pass" Down Down Down Down Down Down Down Down C-u "$MAILSYS_OTHER_CA" C-x
check "a refused certificate is said so" wait_for "certificate"
check "the cursor is on the CA file" sh -c "tmux -S '$sock' capture-pane -p | grep -q '^> CA file'"
check "still nothing written" test ! -e "$conf"

keys C-u "$MAILSYS_CA" Enter
check "the right values log in and ask about the password" wait_for "Keep the password in the config file? (y/N)"
keys Enter
check "then the folder list, without a restart" wait_for "Account gina <$user>"
check "with the account's folders" wait_for "INBOX"
check "the status bar names the account" wait_for "gina | "
keys q
check "q quits with status 0" wait_for "EXITED=0"
tmux -S "$sock" kill-server

check "the config file was written" test -f "$conf"
check "with mode 0600" test "$(stat -c %a "$conf")" = 600
check "its directory with mode 0700" test "$(stat -c %a "$(dirname "$conf")")" = 700
check "without the password (answered no)" sh -c "! grep -qF -e password -e '$pass' '$conf'"
check "the account is the default" grep -qx 'default_account = gina' "$conf"
check "with the name, address and servers typed" sh -c "grep -qx 'name = Gina Test' '$conf' &&
	grep -qx 'address = $user' '$conf' && grep -qx 'imap_port = $MAILSYS_IMAPS_PORT' '$conf' &&
	grep -qx 'smtp_port = $MAILSYS_SMTPS_PORT' '$conf' && grep -qx 'ca_file = $MAILSYS_CA' '$conf'"

# The next start: the password is asked on the terminal, then the folder list.
sock="$T/tmux-second.sock"
skua_start
check "the second start asks for the password" wait_for "Password for $user:"
keys "$pass" Enter
check "then goes straight to the folder list" wait_for "Account gina <$user>"
check "not to the form" sh -c "! tmux -S '$sock' capture-pane -p | grep -q 'Welcome to skua'"
keys q
check "and quits" wait_for "EXITED=0"
tmux -S "$sock" kill-server

# -F naming a missing file: that file is offered and written, the password
# in it when asked (y).
sock="$T/tmux-F.sock"
other="$T/elsewhere/skua.conf"
skua_start -F "'$other'" -a inbox2
check "-F with a missing file offers to create it" wait_for "Config file: $other"
check "-a names the account" test "$(field 'Account name' | awk '{print $NF}')" = inbox2
keys Tab "$user" Tab "$pass" Tab Tab localhost Tab C-u "$MAILSYS_IMAPS_PORT" Tab Tab localhost \
	Tab C-u "$MAILSYS_SMTPS_PORT" Tab Tab "$MAILSYS_CA" C-x
check "it logs in" wait_for "Keep the password in the config file? (y/N)"
keys y
check "the folder list follows" wait_for "Account inbox2 <$user>"
keys '?'
check "help there is the folder list's" wait_for "Keys of the folders screen"
keys q q
check "quits" wait_for "EXITED=0"
tmux -S "$sock" kill-server
check "that file was written, mode 0600" test "$(stat -c %a "$other")" = 600
check "with the password, as asked" grep -qxF "password = $pass" "$other"
check "the default file was left alone" sh -c "! grep -q inbox2 '$conf'"
sock="$T/tmux-F2.sock"
skua_start -F "'$other'"
check "a stored password: straight to the folder list" wait_for "Account inbox2 <$user>"
keys q
wait_for "EXITED=0" >/dev/null
tmux -S "$sock" kill-server

# Esc asks before leaving; y leaves without writing anything.
sock="$T/tmux-esc.sock"
skua_start -F "'$T/never.conf'"
wait_for "Welcome to skua" >/dev/null
keys F1
check "help lists the form's keys" wait_for "Keys of the login screen"
screen > "$T/help-login"
keys q Escape
check "Esc asks first" wait_for "Quit without saving an account? (y/n)"
keys n
check "n keeps the form" wait_for "Welcome to skua"
keys Escape y
check "Esc y quits with status 0" wait_for "EXITED=0"
check "and writes nothing" test ! -e "$T/never.conf"

# Every key the form's help lists is in skua(1)'s login section.
man1="$SKUA_TOP_SRCDIR/man/skua.1"
awk -F '  +' 'NR > 2 && NF >= 4 { print $2 "|" $3 }' "$T/help-login" > "$T/keys-login"
check "help of the form lists its keys" test "$(wc -l < "$T/keys-login")" -ge 8
sed -n '/^\.SS "login/,/^\.S[SH]/p' "$man1" > "$T/man-login"
while IFS='|' read -r k act; do
	k=$(printf '%s' "$k" | sed 's/-/\\-/g')
	check "skua(1) documents $k ($act) on the login screen" grep -qxF ".BR \"$k\" \" ($act)\"" "$T/man-login"
done < "$T/keys-login"
finish
