# Helpers for the tmux-driven tests of the full-screen client, sourced after
# tests/cli/lib.sh: start skua in a detached tmux, read the screen, press keys,
# wait for text (bounded), and find where a text sits in terminal columns.
command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed"; exit 77; }
sock="$T/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$T"' EXIT

# tui_start COLS ROWS [VAR=value...]: skua -F "$cfg" in a UTF-8 terminal; when
# it ends, the pane shows EXITED=<status>.
tui_start() {
	cols=$1 rows=$2
	shift 2
	tmux -u -S "$sock" new-session -d -x "$cols" -y "$rows" \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color $* '$SKUA' -F '$cfg'; echo EXITED=\$?; sleep 60"
}
screen() { tmux -S "$sock" capture-pane -p; }
screen_escapes() { tmux -S "$sock" capture-pane -p -e; }
keys() { tmux -S "$sock" send-keys "$@"; }
pane() { tmux -S "$sock" display -p "$1"; }
# wait_for TEXT [TENTHS]: TEXT (fixed string) appears on the screen.
wait_for() {
	for _ in $(seq 1 "${2:-100}"); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "# waited for '$1'; the screen:" >&2
	screen | sed 's/^/#   /' >&2
	return 1
}
# wait_gone TEXT: TEXT disappears from the screen.
wait_gone() {
	for _ in $(seq 1 100); do
		screen | grep -qF -- "$1" || return 0
		sleep 0.1
	done
	echo "# waited for '$1' to go; the screen:" >&2
	screen | sed 's/^/#   /' >&2
	return 1
}
# row_of TEXT: the first screen line holding TEXT.
row_of() { screen | grep -F -- "$1" | head -1; }
# column_of LINE TEXT: the terminal column where TEXT starts in LINE,
# counting East Asian wide characters as two columns.
column_of() {
	python3 -c '
import sys, unicodedata
line, text = sys.argv[1], sys.argv[2]
i = line.find(text)
print(-1 if i < 0 else sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:i]))
' "$1" "$2"
}
