#!/bin/sh
# Runs one test with the mail system's settings in its environment, when the
# mail system is running (tests that need it exit 77, skipped, otherwise).
if [ -n "${SKUA_MAILSYS_DIR:-}" ] && [ -f "$SKUA_MAILSYS_DIR/env" ] && [ ! -f "$SKUA_MAILSYS_DIR/stopped" ]; then
	set -a
	. "$SKUA_MAILSYS_DIR/env"
	set +a
fi
case "$1" in
*.sh) exec /bin/sh "$@" ;;
*) exec "$@" ;;
esac
