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

# frank logs in with a password command; gina has no password source.
write_config "$cfg" frank@example.org
write_config "$T/gina" gina@example.org
sed -n '/^\[account/,$p' "$T/gina" | grep -v '^password_command' >> "$cfg"
dove mailbox create -u gina@example.org INBOX >/dev/null 2>&1
dove expunge -u gina@example.org mailbox INBOX all >/dev/null 2>&1
printf 'From: a@example.org\nTo: gina@example.org\nSubject: Only for gina\n\nHi.\n' |
	dove save -u gina@example.org -m INBOX

tui_start 80 24
check "the default account starts" wait_for "Account frank <frank@example.org>"
wait_for "INBOX" >/dev/null
check "frank's worker and watcher are connected" wait_sessions frank@example.org 2

keys X
check "X asks for the account" wait_for "Switch to account:"
keys Tab
check "Tab offers the first name" wait_for "Switch to account: frank"
keys Tab
check "Tab again the next" wait_for "Switch to account: gina"
keys Enter
check "an account without a password asks for it" wait_for "Password for gina@example.org:"
keys Enter
check "an empty password switches nothing" wait_for "Not switched."
check "frank still runs" sh -c "tmux -S '$sock' capture-pane -p | grep -q 'Account frank'"
check "with his connections" wait_sessions frank@example.org 2

keys X g Tab Enter
wait_for "Password for gina@example.org:" >/dev/null
keys "$MAILSYS_PASS_gina"
check "the password is not shown" sh -c "! tmux -S '$sock' capture-pane -p | grep -qF '$MAILSYS_PASS_gina'"
keys Enter
check "the new account's folder list" wait_for "Account gina <gina@example.org>"
check "with its mail" sh -c "for i in \$(seq 1 100); do tmux -S '$sock' capture-pane -p | grep -Eq '^ +INBOX +1 +1 *\$' && exit 0; sleep 0.1; done; exit 1"
check "the status bar names it" wait_for "gina | "
check "frank's connections were closed" wait_sessions frank@example.org 0
check "gina's worker and watcher are connected" wait_sessions gina@example.org 2
keys Enter
check "its INBOX opens" wait_for "Only for gina"
keys c

keys X x y z Enter
check "an unknown account is named, with the others" wait_for "no account named xyz (accounts: frank, gina)"
keys X g i n a Enter
check "the same account is said so" wait_for "Already on account gina."
check "gina still runs" wait_sessions gina@example.org 2

# Back to frank: his password command runs; no question.
keys X f r a n k Enter
check "back to the first account" wait_for "Account frank <frank@example.org>"
check "gina's connections were closed" wait_sessions gina@example.org 0
check "frank is connected again" wait_sessions frank@example.org 2
keys '?'
check "help lists the key" sh -c "for i in \$(seq 1 50); do tmux -S '$sock' capture-pane -p | grep -Eq '^ +X +switch-account +Switch to another account' && exit 0; sleep 0.1; done; exit 1"
keys q

# Z logs out: the connections close and the login screen offers the file's
# accounts; one without a password source asks for it there.
keys Z
check "Z asks first" wait_for "Log out of frank? (y/n)"
keys n
check "n stays" wait_for "Not done."
check "connected still" wait_sessions frank@example.org 2
keys Z y
check "y logs out to the login screen" wait_for "Logged out. Log in to an account of the config file."
check "the connections were closed" wait_sessions frank@example.org 0
check "the account logged out of is chosen" sh -c "tmux -S '$sock' capture-pane -p | grep -q 'Account name *\[frank\]  *gina'"
check "a password command needs no password field" sh -c "! tmux -S '$sock' capture-pane -p | grep -q Password"
keys Right
check "Right chooses the next account" sh -c "for i in \$(seq 1 50); do tmux -S '$sock' capture-pane -p | grep -q 'Account name *frank  *\[gina\]' && exit 0; sleep 0.1; done; exit 1"
check "whose password is asked" wait_for "Password"
keys Enter Enter
check "an empty password is refused here" wait_for "the password is missing"
keys "$MAILSYS_PASS_gina" Enter
check "the login works and the client follows" wait_for "Account gina <gina@example.org>" 300
check "gina is connected" wait_sessions gina@example.org 2
keys Z y
wait_for "Logged out." >/dev/null
check "logged out of gina" wait_sessions gina@example.org 0
keys Escape
check "Esc asks before quitting" wait_for "Quit skua? (y/n)"
keys y
check "and quits with status 0" wait_for "EXITED=0"
check "no connection of gina is left" wait_sessions gina@example.org 0
check "nor of frank" wait_sessions frank@example.org 0
finish
