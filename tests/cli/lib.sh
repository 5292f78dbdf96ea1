# Helpers for the scenario tests: a private HOME and config per test, the skua
# binary, and assertions that say what was expected.
set -u

SKUA=${SKUA_TOP_BUILDDIR:?}/skua
T=$(mktemp -d "${TMPDIR:-/tmp}/skua-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_STATE_HOME="$T/home/.local/state"
mkdir -p "$HOME"
# Only the test's own mailcap, never the machine's /etc/mailcap.
export MAILCAPS="$HOME/.mailcap"
unset VISUAL EDITOR
failures=0
checks=0

need_mailsys() {
	if [ -z "${MAILSYS_IMAPS_PORT:-}" ]; then
		echo "SKIP: the test mail system is not running"
		exit 77
	fi
}

# write_config FILE USER ["key = value"...]: an account for USER on the test
# servers over implicit TLS with the throwaway CA; each "key = value" replaces
# the default of that key in the account section.
write_config() {
	file=$1 user=$2
	shift 2
	pass=$(eval echo "\${MAILSYS_PASS_${user%%@*}}")
	mkdir -p "$(dirname "$file")"
	{
		echo "[general]"
		echo "metrics_log = yes"
		echo "[account ${user%%@*}]"
		echo "name = Test ${user%%@*}"
		echo "address = $user"
		echo "imap_host = $MAILSYS_HOST"
		echo "imap_port = $MAILSYS_IMAPS_PORT"
		echo "imap_tls = implicit"
		echo "smtp_host = $MAILSYS_HOST"
		echo "smtp_port = $MAILSYS_SMTPS_PORT"
		echo "smtp_tls = implicit"
		echo "password_command = echo $pass"
		echo "ca_file = $MAILSYS_CA"
		echo "timeout = 20"
	} > "$file"
	for line in "$@"; do
		grep -v "^${line%% =*} = " "$file" > "$file.new"
		echo "$line" >> "$file.new"
		mv "$file.new" "$file"
	done
	chmod 600 "$file"
}

# feed TEXT: the next expect_ok/expect_fail gives TEXT (plus a newline) to the
# command's standard input. A pipe into those functions would run them in a
# subshell and lose their counts, so input goes through a file instead.
feed() { printf '%s\n' "$1" > "$T/stdin"; }
stdin_file() {
	if [ -f "$T/stdin" ]; then
		mv "$T/stdin" "$T/stdin.used"
		echo "$T/stdin.used"
	else
		echo /dev/null
	fi
}

ok() { checks=$((checks + 1)); echo "ok $checks - $1"; }
not_ok() { checks=$((checks + 1)); failures=$((failures + 1)); echo "not ok $checks - $1"; }

# expect_ok NAME CMD...: CMD must exit 0; its output goes to $T/out and $T/err.
expect_ok() {
	name=$1
	shift
	if "$@" < "$(stdin_file)" > "$T/out" 2> "$T/err"; then
		ok "$name"
	else
		not_ok "$name (exit $?)"
		sed 's/^/  stdout: /' "$T/out" | head -20
		sed 's/^/  stderr: /' "$T/err" | head -20
	fi
}

# expect_fail NAME CODE PATTERN CMD...: CMD must exit with CODE and print one
# line on stderr matching the extended regular expression PATTERN.
expect_fail() {
	name=$1 code=$2 pattern=$3
	shift 3
	"$@" < "$(stdin_file)" > "$T/out" 2> "$T/err"
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		not_ok "$name: exit $rc, expected $code"
		sed 's/^/  stderr: /' "$T/err" | head -5
	elif ! grep -Eq -- "$pattern" "$T/err"; then
		not_ok "$name: stderr does not match /$pattern/"
		sed 's/^/  stderr: /' "$T/err" | head -5
	elif [ "$(grep -vc '^skua: warning' "$T/err")" -ne 1 ]; then
		not_ok "$name: expected exactly one error line"
		sed 's/^/  stderr: /' "$T/err" | head -5
	else
		ok "$name"
	fi
}

# check NAME CONDITION...: a test(1)-style or command condition.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

finish() {
	echo "$((checks - failures)) passed, $failures failed"
	[ "$failures" -eq 0 ]
	exit $?
}
