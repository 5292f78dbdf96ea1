#!/bin/sh
# The full-screen client as a person starts it: in tmux, read the screen,
# resize, press q. Today's screen is a placeholder; this checks that it starts
# with the account, survives a resize, quits cleanly and restores the terminal.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed"; exit 77; }
cfg="$T/config"
printf '[general]\nmetrics_log = no\n[account demo]\nname = Demo\naddress = demo@example.org\nimap_host = localhost\nsmtp_host = localhost\npassword_command = echo x\n' > "$cfg"
chmod 600 "$cfg"
sock="$T/tmux.sock"
tmux -S "$sock" new-session -d -x 80 -y 24 "TERM=xterm-256color '$SKUA' -F '$cfg'; echo EXITED=\$?; sleep 30"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$T"' EXIT

screen() { tmux -S "$sock" capture-pane -p; }
wait_for() {
	for _ in $(seq 1 50); do
		screen | grep -q -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
check "the screen names the account" wait_for "Account demo <demo@example.org>"
check "the status line shows the quit key" wait_for "q:quit"
tmux -S "$sock" resize-window -x 60 -y 15 2>/dev/null || tmux -S "$sock" resize-pane -x 60 -y 15
check "redrawn after a resize" wait_for "Account demo"
tmux -S "$sock" send-keys q
check "q quits with status 0" wait_for "EXITED=0"
finish
