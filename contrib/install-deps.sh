#!/bin/sh
# Installs the Debian 12 packages skua needs to build, test and run its demo.
# Idempotent: packages already present are left alone. Run as root.
set -eu

PACKAGES="build-essential autoconf automake libtool pkg-config
libetpan-dev libncurses-dev libssl-dev libmagic-dev libsqlite3-dev libcmocka-dev
dovecot-core dovecot-imapd dovecot-lmtpd dovecot-submissiond postfix
openssl ca-certificates tmux mandoc python3 procps iproute2 file tshark"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing; run this script as root" >&2
	exit 1
fi

# The test mail system runs private server instances; the packaged system
# services must not start (or ask questions) during installation.
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
# tshark (the capture test) would ask whether ordinary users may capture.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
policy=/usr/sbin/policy-rc.d
made_policy=no
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
	made_policy=yes
fi
trap '[ "$made_policy" = yes ] && rm -f "$policy"' EXIT

apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
echo "install-deps: installed$missing"
