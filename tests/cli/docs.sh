#!/bin/sh
# The man pages follow the command table: every command skua -h lists is
# documented in skua(1), and the pages are free of mandoc errors.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
man1="$SKUA_TOP_SRCDIR/man/skua.1"
"$SKUA" -h > "$T/help"
commands=$(sed -n 's/^  \([a-z][a-z]*\) .*/\1/p; s/^  \([a-z][a-z]*\)$/\1/p' "$T/help")
check "skua -h lists commands" test -n "$commands"
for c in $commands; do
	check "skua(1) documents '$c'" grep -Eq "^\.(B|BR|TP) \"?$c\b|^\.BR? $c( |$)" "$man1"
done
if command -v mandoc >/dev/null 2>&1; then
	for page in "$SKUA_TOP_SRCDIR"/man/*.[1-8]; do
		check "mandoc -T lint $(basename "$page") has no warnings" \
			sh -c "! mandoc -T lint -W warning '$page' 2>&1 | grep -q ."
	done
fi
finish
