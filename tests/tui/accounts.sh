#!/bin/sh
# Switching accounts in the full-screen client against the real servers:
# X asks for an account (Tab completes), one without a password source asks
# for it on the message line, one with a password command runs it; the old
# account's connections (worker and watcher) are closed on the server before
# the new account's folder list shows; an unknown name, the same account or
# an empty password leave the current account running. Z logs out to the
# login screen, which logs in to an account of the file again.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
cfg="$T/config"
export XDG_CACHE_HOME="$T/home/.cache"
dove() { $MAILSYS_DOVEADM "$@"; }
# sessions USER: how many IMAP connections USER has open on the server
sessions() { dove who "$1" 2>/dev/null | awk -v u="$1" '$1 == u { n += $2 } END { print n + 0 }'; }
# wait_sessions USER N: USER has N connections, within 10 s
wait_sessions() {
	for _ in $(seq 1 100); do
		[ "$(sessions "$1")" -eq "$2" ] && return 0
		sleep 0.1
	done
	echo "# $1 has $(sessions "$1") connections, expected $2" >&2
	return 1
}

# hank logs in with a password command; ivy has no password source.
write_config "$cfg" hank@example.org
write_config "$T/ivy" ivy@example.org
sed -n '/^\[account/,$p' "$T/ivy" | grep -v '^password_command' >> "$cfg"
dove mailbox create -u ivy@example.org INBOX >/dev/null 2>&1
dove expunge -u ivy@example.org mailbox INBOX all >/dev/null 2>&1
printf 'From: a@example.org\nTo: ivy@example.org\nSubject: Only for ivy\n\nHi.\n' |
	dove save -u ivy@example.org -m INBOX

tui_start 80 24
check "the default account starts" wait_for "Account hank <hank@example.org>"
wait_for "INBOX" >/dev/null
check "hank's worker and watcher are connected" wait_sessions hank@example.org 2

keys X
check "X asks for the account" wait_for "Switch to account:"
keys Tab
check "Tab offers the first name" wait_for "Switch to account: hank"
keys Tab
check "Tab again the next" wait_for "Switch to account: ivy"
keys Enter
check "an account without a password asks for it" wait_for "Password for ivy@example.org:"
keys Enter
check "an empty password switches nothing" wait_for "Not switched."
check "hank still runs" sh -c "tmux -S '$sock' capture-pane -p | grep -q 'Account hank'"
check "with his connections" wait_sessions hank@example.org 2

keys X i Tab Enter
wait_for "Password for ivy@example.org:" >/dev/null
keys "$MAILSYS_PASS_ivy"
check "the password is not shown" sh -c "! tmux -S '$sock' capture-pane -p | grep -qF '$MAILSYS_PASS_ivy'"
keys Enter
check "the new account's folder list" wait_for "Account ivy <ivy@example.org>"
check "with its mail" sh -c "for i in \$(seq 1 100); do tmux -S '$sock' capture-pane -p | grep -Eq '^ +INBOX +1 +1 *\$' && exit 0; sleep 0.1; done; exit 1"
check "the status bar names it" wait_for "ivy | "
check "hank's connections were closed" wait_sessions hank@example.org 0
check "ivy's worker and watcher are connected" wait_sessions ivy@example.org 2
keys Enter
check "its INBOX opens" wait_for "Only for ivy"
keys c

keys X x y z Enter
check "an unknown account is named, with the others" wait_for "no account named xyz (accounts: hank, ivy)"
keys X i v y Enter
check "the same account is said so" wait_for "Already on account ivy."
check "ivy still runs" wait_sessions ivy@example.org 2

# Back to hank: his password command runs; no question.
keys X h a n k Enter
check "back to the first account" wait_for "Account hank <hank@example.org>"
check "ivy's connections were closed" wait_sessions ivy@example.org 0
check "hank is connected again" wait_sessions hank@example.org 2
keys '?'
check "help lists the key" sh -c "for i in \$(seq 1 50); do tmux -S '$sock' capture-pane -p | grep -Eq '^ +X +switch-account +Switch to another account' && exit 0; sleep 0.1; done; exit 1"
keys q

# Z logs out: the connections close and the login screen offers the file's
# accounts; one without a password source asks for it there.
keys Z
check "Z asks first" wait_for "Log out of hank? (y/n)"
keys n
check "n stays" wait_for "Not done."
check "connected still" wait_sessions hank@example.org 2
keys Z y
check "y logs out to the login screen" wait_for "Logged out. Log in to an account of the config file."
check "the connections were closed" wait_sessions hank@example.org 0
check "the account logged out of is chosen" sh -c "tmux -S '$sock' capture-pane -p | grep -q 'Account name *\[hank\]  *ivy'"
check "a password command needs no password field" sh -c "! tmux -S '$sock' capture-pane -p | grep -q Password"
keys Right
check "Right chooses the next account" sh -c "for i in \$(seq 1 50); do tmux -S '$sock' capture-pane -p | grep -q 'Account name *hank  *\[ivy\]' && exit 0; sleep 0.1; done; exit 1"
check "whose password is asked" wait_for "Password"
keys Enter Enter
check "an empty password is refused here" wait_for "the password is missing"
keys "$MAILSYS_PASS_ivy" Enter
check "the login works and the client follows" wait_for "Account ivy <ivy@example.org>" 300
check "ivy is connected" wait_sessions ivy@example.org 2
keys Z y
wait_for "Logged out." >/dev/null
check "logged out of ivy" wait_sessions ivy@example.org 0
keys Escape
check "Esc asks before quitting" wait_for "Quit skua? (y/n)"
keys y
check "and quits with status 0" wait_for "EXITED=0"
check "no connection of ivy is left" wait_sessions ivy@example.org 0
check "nor of hank" wait_sessions hank@example.org 0
finish
