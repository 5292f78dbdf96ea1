#!/bin/sh
# Installs what skua needs, builds it, and runs every test: the normal build,
# the same suite under AddressSanitizer and UndefinedBehaviorSanitizer, and
# make distcheck. Run from anywhere as root (the test mail system needs it).
# Prints "N passed, N failed, N skipped" last; exits non-zero if anything failed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

sh contrib/install-deps.sh
autoreconf -fi

total_pass=0 total_fail=0 total_skip=0
status=0

# Adds up automake's summary of one suite from its test-suite.log.
count_suite() {
	log=$1
	p=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
	x=$(sed -n 's/^# ERROR: *//p' "$log" | head -1)
	xp=$(sed -n 's/^# XPASS: *//p' "$log" | head -1)
	s=$(sed -n 's/^# SKIP: *//p' "$log" | head -1)
	total_pass=$((total_pass + ${p:-0}))
	total_fail=$((total_fail + ${f:-0} + ${x:-0} + ${xp:-0}))
	total_skip=$((total_skip + ${s:-0}))
}

run_suite() {
	name=$1
	shift
	dir="$top/build-$name"
	echo "== $name: configure $*"
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" --enable-werror "$@" >configure.out) || {
		cat "$dir/configure.out" "$dir/config.log" | tail -40
		status=1
		return
	}
	echo "== $name: make"
	if ! make -C "$dir" -j"$jobs" >"$dir/make.out" 2>&1; then
		tail -60 "$dir/make.out"
		status=1
		return
	fi
	echo "== $name: make check"
	if ! make -C "$dir" -j"$jobs" check; then
		status=1
		for log in $(grep -l -E '^:test-result: (FAIL|ERROR)' $(find "$dir/tests" -name '*.trs') 2>/dev/null | sed 's/\.trs$/.log/'); do
			echo "---- $log"
			tail -50 "$log"
		done
	fi
	[ -f "$dir/test-suite.log" ] && count_suite "$dir/test-suite.log"
	return 0
}

run_suite plain
# Allocations that third-party libraries keep for the process are listed in
# tests/lsan.supp; our own code is not.
ASAN_OPTIONS=detect_leaks=1
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
run_suite sanitizers --enable-sanitizers
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

if [ "${SKUA_SKIP_DISTCHECK:-0}" != 1 ]; then
	echo "== distcheck"
	if make -C "$top/build-plain" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror >"$top/build-plain/distcheck.out" 2>&1; then
		total_pass=$((total_pass + 1))
		echo "distcheck passed"
	else
		tail -80 "$top/build-plain/distcheck.out"
		total_fail=$((total_fail + 1))
		status=1
	fi
fi

echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$status" -eq 0 ] && [ "$total_fail" -eq 0 ]
