#!/bin/sh
# Runs the attachment saving tests against a really full file system: a 64 KiB
# tmpfs in a private mount namespace (needs root; skipped otherwise).
bin=./tests/unit/test_attach_save
[ -x "$bin" ] || { echo "missing $bin"; exit 99; }
[ "$(id -u)" = 0 ] || { echo "skipped: a tmpfs mount needs root"; exit 77; }
unshare -m true 2>/dev/null || { echo "skipped: no mount namespace"; exit 77; }
dir=$(mktemp -d) || exit 99
trap 'rmdir "$dir"' EXIT
# the tmpfs and everything in it vanish with the namespace
unshare -m sh -c '
	mount -t tmpfs -o size=64k tmpfs "$1" || exit 77
	SKUA_TEST_FULL_DIR="$1" "$2"
' sh "$dir" "$bin"
