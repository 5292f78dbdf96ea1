#!/bin/sh
# The full-screen client with a server that is not there: it starts, names the
# account, shows the connection error in the status area instead of hanging,
# shows help, survives a resize, and quits cleanly with q, SIGTERM or ^C;
# a missing config opens the first-run form (tests/tui/firstrun.sh has the
# rest), and no terminal ends with one clear line.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
cfg="$T/config"
# Nothing listens on port 1 of this host: the connection is refused at once.
printf '[general]\nmetrics_log = no\n[account demo]\nname = Demo\naddress = demo@example.org\nimap_host = localhost\nimap_port = 1\nsmtp_host = localhost\npassword_command = echo x\n' > "$cfg"
chmod 600 "$cfg"

tui_start 80 24
check "the screen names the account" wait_for "Account demo <demo@example.org>"
check "the title line shows the quit key" wait_for "q:quit"
check "the connection error is shown" wait_for "cannot connect to localhost port 1"
check "the status bar names the failed operation" wait_for "tcp_connect failed"
check "the folder list says why it is empty" wait_for "not connected"
keys '?'
check "help lists the keys of the folder list" wait_for "Keys of the folders screen"
check "help shows q as quit there" sh -c "tmux -S '$sock' capture-pane -p | grep -Eq '^ +q, Q +quit +Quit skua'"
keys q
check "q leaves help" wait_for "not connected"
keys x
check "an unbound key is named" wait_for "x is not bound here"
keys '$'
check "\$ tries again and fails the same way" wait_for "cannot connect to localhost port 1"
tmux -S "$sock" resize-window -x 60 -y 15
check "redrawn after a resize" wait_for "Account demo"
check "the status bar moved to the new bottom" sh -c "tmux -S '$sock' capture-pane -p | sed -n 14p | grep -q 'demo | 0 folders'"
keys q
check "q quits with status 0" wait_for "EXITED=0"
check "the terminal left the alternate screen" test "$(pane '#{alternate_on}')" = 0
tmux -S "$sock" kill-server

sock="$T/tmux-term.sock"
tui_start 80 24
wait_for "not connected" >/dev/null
pid=$(ps -o pid= --ppid "$(pane '#{pane_pid}')" | head -1)
check "the client runs as a child of the pane" test -n "$pid"
kill -TERM $pid
check "SIGTERM ends it cleanly" wait_for "EXITED=0"
check "and restores the terminal" test "$(pane '#{alternate_on}')" = 0
tmux -S "$sock" kill-server

sock="$T/tmux-int.sock"
tui_start 80 24
wait_for "not connected" >/dev/null
keys C-c
check "^C with nothing running quits" wait_for "EXITED=0"
tmux -S "$sock" kill-server

sock="$T/tmux-noconf.sock"
cfg="$T/missing.conf"
tui_start 80 24
check "a missing config opens the first-run form" wait_for "Config file: $cfg"
keys Escape y
check "which Esc y leaves with status 0" wait_for "EXITED=0"
check "writing nothing" test ! -e "$cfg"
expect_fail "without a terminal it says so" 1 "needs a terminal" "$SKUA" -F "$T/config"
finish
