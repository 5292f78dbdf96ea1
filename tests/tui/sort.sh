#!/bin/sh
# Sorting the index in tmux against the real servers: o asks with one key
# (d, f, s, z, t, u), O the same reversed; the rows follow, the status bar
# names the order, the cursor stays on its message, a key that is no answer
# leaves the order as it was, and a limit keeps the order. Threads: replies
# under their parents (References, In-Reply-To) with mutt's tree, also after
# a restart that reads the index from the header cache.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
. "$SKUA_TOP_SRCDIR/tests/tui/tmux.sh"
need_mailsys
# nora is this test's own user: it empties and fills her INBOX.
user=nora@example.org
cfg="$T/nora.conf"
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

# Threads, in a folder of their own: nora's only one besides the special
# folders, so the last of the list.
dove mailbox create -u "$user" Threads >/dev/null 2>&1
dove expunge -u "$user" mailbox Threads all >/dev/null 2>&1
tmsg() { # tmsg ID SUBJECT [REFERENCES]
	{
		printf 'From: Someone <s@example.org>\nTo: %s\nSubject: %s\nMessage-ID: <%s@example.org>\n' \
			"$user" "$2" "$1"
		[ -n "${3:-}" ] && printf 'References: %s\nIn-Reply-To: %s\n' "$3" "${3##* }"
		printf 'Date: Wed, 3 Apr 2024 08:00:00 +0200\n\nBody of %s.\n' "$2"
	} | dove save -u "$user" -m Threads
}
tmsg t1 'Trip plan'
tmsg t2 'Re: Trip plan' '<t1@example.org>'
tmsg o1 'Unrelated'
tmsg t3 'Re: Re: Trip plan' '<t1@example.org> <t2@example.org>'
tmsg t4 'Re: Trip plan (dates)' '<t1@example.org>'

tui_start 100 30
check "the folder list shows INBOX" wait_for "INBOX"
keys Enter
check "INBOX opens with four messages" wait_for "INBOX | 4 messages"
check "in date order at first" is_order "Re: apple,delta,Banana,cherry"
keys '?'
check "help lists the sort" wait_for "Sort by date, from, subject, size, thread"
check "and the reverse sort" wait_for "Sort in reverse order"
keys q
wait_for "INBOX | 4 messages" >/dev/null

keys Home j j
keys o
check "o asks with one-letter answers" wait_for "Sort (d)ate/(f)rom/(s)ubject/si(z)e/(t)hreads/(u)nsorted?"
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
check "a key that is no answer says so" wait_for "x is none of d, f, s, z, t or u"
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

keys q
wait_for "Threads" >/dev/null
keys G Enter
check "Threads opens" wait_for "Threads | 5 messages"
keys o t
check "o t sorts by thread" wait_for "sorted by threads"
threaded() { # the tree the index shows
	screen | grep -oE '[│├└─> ]*(Trip plan|Re: Trip plan|Re: Re: Trip plan|Re: Trip plan \(dates\)|Unrelated)$' |
		sed 's/ *$//' | paste -sd '|' -
}
expect_tree='   Trip plan|   ├─>Re: Trip plan|   │ └─>Re: Re: Trip plan|   └─>Re: Trip plan (dates)|   Unrelated'
is_tree() {
	for _ in $(seq 50); do
		[ "$(threaded)" = "$expect_tree" ] && return 0
		sleep 0.1
	done
	echo "# the tree is: $(threaded)" >&2
	return 1
}
check "replies hang under their parents with mutt's tree" is_tree
keys Q
check "Q quits" wait_for "EXITED=0"

# Again from the header cache: the threading hashes were kept.
tmux -S "$sock" kill-server 2>/dev/null
sock="$T/tmux-warm.sock"
tui_start 100 30
wait_for "Threads" >/dev/null
keys G Enter
check "Threads opens again" wait_for "Threads | 5 messages"
check "in date order: the order is the session's" wait_gone "sorted by"
keys o t
check "the cached index threads the same" is_tree
keys Q
check "Q quits again" wait_for "EXITED=0"
finish
