#!/bin/sh
# Sorting the index in tmux against the real servers: o asks with one key
# (d, f, s, z, u), O the same reversed; the rows follow, the status bar names
# the order, the cursor stays on its message, a key that is no answer leaves
# the order as it was, and a limit keeps the order.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
# erin is this test's own user: it empties and fills her INBOX.
user=erin@example.org
cfg="$T/erin.conf"
write_config "$cfg" "$user"
dove() { $MAILSYS_DOVEADM "$@"; }

dove expunge -u "$user" mailbox INBOX all >/dev/null 2>&1
msg() { # msg FROM SUBJECT BODY-BYTES
	{
		printf 'From: %s\nTo: %s\nSubject: %s\nDate: Wed, 3 Apr 2024 08:00:00 +0200\n\nBody of %s.\n' \
			"$1" "$user" "$2" "$2"
		head -c "$3" /dev/zero | tr '\0' 'x' | fold -w 70
		echo
	} | dove save -u "$user" -m INBOX
}
# Saved in this order, so the date order is this one (equal arrival times
# keep the order of arrival).
msg 'Zed <zed@example.org>' 'Re: apple' 500
msg 'Amy <amy@example.org>' 'delta' 6000
msg 'mike <mike@example.org>' 'Banana' 2000
msg 'Bob <bob@example.org>' 'cherry' 10
# The subjects from top to bottom, as "a,b,c,d".
order() { screen | grep -oE 'Re: apple|delta|Banana|cherry' | paste -sd, -; }
is_order() { # is_order EXPECTED
	for _ in $(seq 50); do
		[ "$(order)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "# order is $(order), not $1" >&2
	return 1
}

tui_start 100 30
check "the folder list shows INBOX" wait_for "INBOX"
keys Enter
check "INBOX opens with four messages" wait_for "INBOX | 4 messages"
check "in date order at first" is_order "Re: apple,delta,Banana,cherry"
keys '?'
check "help lists the sort" wait_for "Sort by date, from, subject, size"
check "and the reverse sort" wait_for "Sort in reverse order"
keys q
wait_for "INBOX | 4 messages" >/dev/null

keys g j j
keys o
check "o asks with one-letter answers" wait_for "Sort (d)ate/(f)rom/(s)ubject/si(z)e/(u)nsorted?"
keys f
check "by sender, case folded" is_order "delta,cherry,Banana,Re: apple"
check "the status bar names the order" wait_for "sorted by from"
keys o s
check "by subject, without Re:" is_order "Re: apple,Banana,cherry,delta"
check "the status bar follows" wait_for "sorted by subject"
keys o z
check "by size" is_order "cherry,Re: apple,Banana,delta"
keys O
check "O asks for the reverse order" wait_for "Reverse sort (d)ate/"
keys d
check "reversed date" is_order "cherry,Banana,delta,Re: apple"
check "the status bar says reversed" wait_for "sorted by reverse date"
keys Enter
check "the cursor stayed on its message through every sort" wait_for "Body of Banana."
keys i
wait_for "sorted by reverse date" >/dev/null
keys o x
check "a key that is no answer says so" wait_for "x is none of d, f, s, z or u"
check "and keeps the order" is_order "cherry,Banana,delta,Re: apple"
keys o C-g
check "^G gives up" wait_for "Not done."

# The index shows senders by name: Amy and mike have an m.
keys l "~f m" Enter
check "a limit keeps the order" is_order "Banana,delta"
keys l C-u all Enter
keys o f
check "the order of all again after the limit" is_order "delta,cherry,Banana,Re: apple"
keys o d
check "date order again" is_order "Re: apple,delta,Banana,cherry"
check "and the status bar says nothing of it" wait_gone "sorted by"
keys Q
check "Q quits" wait_for "EXITED=0"
finish
