#!/bin/sh
# bind and color lines of the config in the full-screen client, against the
# real servers: a bound key works on the screens named and shows in help, a
# removed key is gone from both, a colour given to a role reaches the screen
# (tmux's capture shows the escape), NO_COLOR still wins, and a wrong line
# stops skua with the config error naming file and line.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
user=frank@example.org
box=zz-keys
cfg="$T/frank.conf"
dove() { $MAILSYS_DOVEADM "$@"; }

# A folder of this test's own, sorted last in the folder list.
dove mailbox create -u "$user" "$box" >/dev/null 2>&1
dove expunge -u "$user" mailbox "$box" all >/dev/null 2>&1
{
	printf 'From: ann@example.net\nTo: %s\nSubject: Bound keys\nDate: Wed, 3 Apr 2024 08:00:00 +0200\n\n' "$user"
	printf 'Hello.\n> a quoted line\nThe end.\n'
} | dove save -u "$user" -m "$box"

write_config "$cfg" "$user"
{
	printf 'bind index,pager X flag\n'
	printf 'bind index F noop\n'
	printf 'bind pager "#" back\n'
	printf 'color status white blue\n'
	printf 'color quote1 color208 default\n'
	cat "$cfg"
} > "$cfg.new" && mv "$cfg.new" "$cfg"
chmod 600 "$cfg"

tui_start 80 24
check "the folder list shows the test folder" wait_for "$box"
check "the status bar has the chosen colours (white on blue)" \
	sh -c "tmux -S '$sock' capture-pane -p -e | grep 'frank |' | grep -Eq '\\[(37;44|44;37)m|\\[37m.*\\[44m|\\[44m.*\\[37m'"
keys G Enter
check "the folder opens" wait_for "Bound keys"
keys F
sleep 0.5
check "F, bound to noop, no longer flags" sh -c "! tmux -S '$sock' capture-pane -p | grep 'Bound keys' | grep -q '!'"
keys X
check "X, bound to flag, flags the message" sh -c "for i in \$(seq 1 50); do tmux -S '$sock' capture-pane -p | grep 'Bound keys' | grep -q '!' && exit 0; sleep 0.1; done; exit 1"
check "the server has the flag" sh -c "for i in \$(seq 1 50); do $MAILSYS_DOVEADM search -u $user mailbox $box flagged | grep -q . && exit 0; sleep 0.1; done; exit 1"
keys '?'
check "help of the index opens" wait_for "Flag or unflag"
help_row=$(row_of "Flag or unflag")
check "help lists X for flag, and not F" sh -c "echo '$help_row' | grep -Eq '^ +X +flag '"
keys q Enter
check "the pager shows the message" wait_for "a quoted line"
check "the first quote level has colour 208" \
	sh -c "tmux -S '$sock' capture-pane -p -e | grep 'a quoted line' | grep -q '38;5;208m'"
keys '#'
check "# (bound to back in the pager) goes back to the index" wait_gone "a quoted line"
keys Q
check "skua quits" wait_for "EXITED=0"

# NO_COLOR wins over the file.
tmux -S "$sock" kill-server 2>/dev/null
sock="$T/tmux-nocolor.sock"
tui_start 80 24 NO_COLOR=1
wait_for "$box" >/dev/null
check "NO_COLOR: no colour on the screen" sh -c "! tmux -S '$sock' capture-pane -p -e | grep -Eq '\\[(3[0-7]|4[0-7]|9[0-7]|38;|48;)'"
keys Q
wait_for "EXITED=0" >/dev/null

# A wrong line: skua stops before the screen starts, with the config status.
for bad in "bind index X flg|unknown action 'flg'" "color statusbar red|unknown colour role 'statusbar'" \
	"bind inbox X flag|unknown screen 'inbox'" "color status purple|unknown colour 'purple'"; do
	tmux -S "$sock" kill-server 2>/dev/null
	# A socket of its own each time: a new server on the one just killed
	# can race with its end.
	n=$((${n:-0} + 1))
	sock="$T/tmux-bad$n.sock"
	{ printf '# first line\n%s\n' "${bad%%|*}"; sed 1,5d "$cfg"; } > "$T/bad.conf"
	chmod 600 "$T/bad.conf"
	cfg_good=$cfg cfg="$T/bad.conf"
	tui_start 200 10
	cfg=$cfg_good
	check "'${bad%%|*}' exits with the config status (2)" wait_for "EXITED=2"
	check "and says $T/bad.conf:2: ${bad#*|}" wait_for "skua: $T/bad.conf:2: ${bad#*|}"
done
finish
