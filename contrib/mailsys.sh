#!/bin/bash
# Runs a throwaway mail system on loopback for skua's tests and demo: a private
# Dovecot (IMAP, IMAPS, LMTP, SASL) and a private Postfix (submission with
# STARTTLS, SMTPS, and a port without TLS), all state in one directory.
#
# usage: mailsys.sh start|stop|status DIR
#
# start writes DIR/env (shell-sourceable, also printed) naming ports, CA files
# and users.  Several instances may run at once in different directories.
#
# Lists of pids, ports and addresses are split on spaces on purpose:
# shellcheck disable=SC2086
set -euo pipefail
# Daemons running as postfix, dovecot and skuamail read what this script writes,
# whatever umask the caller has; private keys are restricted explicitly.
umask 022

here=$(cd "$(dirname "$0")" && pwd -P)
tpl=$here/mailsys
# Debian's interpreter: a python3 found first on PATH may be a slow shim.
python=/usr/bin/python3
[ -x "$python" ] || python=python3
helper="$python $tpl/helper.py"
marker=.skua-mailsys
# Dovecot will not give mail access to uid 0, so all mail users map to this
# unprivileged system account (created once, on first start).
mail_user=skuamail
users="alice bob"
nonstd_user=carol
# Users of their own for tests that change whole folders (Trash, Drafts) and
# run in parallel with the others.
spare_users="dave erin frank gina hank ivy jack kate lena mona nora otto"
domain=example.org
# Clients reaching 127.0.0.2 get a certificate that names only localhost,
# 127.0.0.1 and ::1: the name-mismatch address.
mismatch_ip=127.0.0.2
# Source address of the relay in front of Dovecot's STARTTLS port.
relay_source=127.0.0.3
wait_secs=30

log() { printf 'mailsys: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

usage() {
	echo "usage: $0 start|stop|status DIR" >&2
	exit 2
}

need_root() {
	[ "$(id -u)" = 0 ] || die "must run as root (Postfix and Dovecot switch users)"
}

# Prints DIR as an absolute path after checking that the servers' config
# syntax and the 108-byte limit on unix socket paths can cope with it.
abs_dir() {
	local d
	d=$(realpath -m -- "$1")
	case $d in
	*[!A-Za-z0-9._/+-]*) die "$d: use only letters, digits and . _ / + - in DIR" ;;
	esac
	# The longest socket is DIR/run/token-login/imap-urlauth (DIR + 29).
	[ ${#d} -le 76 ] || die "$d: path too long for unix sockets (max 76 characters)"
	printf '%s\n' "$d"
}

pid_from() {
	local p
	[ -r "$1" ] || return 1
	p=$(head -n 1 "$1" | tr -d ' \t')
	case $p in '' | *[!0-9]*) return 1 ;; esac
	printf '%s\n' "$p"
}

# "dovecot postfix relay" for each part of the instance in $1 whose pid file
# names one of the instance's live processes.
running_parts() {
	local d=$1 procs part pidfile pid out=""
	procs=$($helper procs "$d" | cut -d' ' -f1)
	for part in dovecot:run/master.pid postfix:pq/pid/master.pid relay:relay.pid; do
		pidfile=$d/${part#*:}
		pid=$(pid_from "$pidfile") || continue
		if printf '%s\n' "$procs" | grep -qx "$pid"; then
			out="$out ${part%%:*}"
		fi
	done
	printf '%s\n' "${out# }"
}

# Stops every process of the instance in $1: the masters first so they can
# end their children cleanly, then whatever is left.
kill_instance() {
	local d=$1 pidfile pid pids i
	for pidfile in "$d/run/master.pid" "$d/pq/pid/master.pid" "$d/relay.pid"; do
		pid=$(pid_from "$pidfile") || continue
		if $helper procs "$d" | cut -d' ' -f1 | grep -qx "$pid"; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
	done
	for i in $(seq 50); do
		pids=$($helper procs "$d" | cut -d' ' -f1)
		[ -z "$pids" ] && return 0
		# Masters get 5 s to stop their children; then everyone is asked.
		if [ "$i" = 25 ]; then
			kill -TERM $pids 2>/dev/null || true
		fi
		sleep 0.2
	done
	pids=$($helper procs "$d" | cut -d' ' -f1)
	if [ -n "$pids" ]; then
		log "killing leftover processes:" $pids
		kill -KILL $pids 2>/dev/null || true
		sleep 0.5
	fi
	pids=$($helper procs "$d" | cut -d' ' -f1)
	[ -z "$pids" ] || die "processes of $d remain: $pids"
}

# Serialises start and stop on one directory.  The wait is bounded because a
# daemon that inherited the lock by mistake would otherwise block every stop.
lock_dir() {
	exec 9<"$1"
	flock -w 20 9 || log "$1 stays locked; going on without the lock"
}

ensure_mail_user() {
	local i
	for i in 1 2 3 4 5; do
		getent passwd "$mail_user" >/dev/null && return 0
		# Unavoidable system change: one entry in /etc/passwd and /etc/group.
		# Parallel starts may race here; the loser just sees the user appear.
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin --comment "skua test mail system" \
			"$mail_user" 2>/dev/null || sleep 1
	done
	getent passwd "$mail_user" >/dev/null || die "cannot create user $mail_user"
}

make_tls() {
	local d=$1 tls=$1/tls cnf=$tpl/openssl-ca.cnf tag errlog=$1/tls/openssl.log
	mkdir -p "$tls/newcerts"
	: >"$tls/index.txt"
	echo 1000 >"$tls/serial"
	export MAILSYS_TLS=$tls
	# Distinct CA names per instance keep certificate caches and error
	# messages of parallel runs apart.
	tag=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>>"$errlog"; }
	{
		key "$d/ca.key" &&
			openssl req -config "$cnf" -x509 -new -key "$d/ca.key" -days 365 \
				-subj "/O=skua tests/CN=skua test CA $tag" -extensions ca_ext -out "$d/ca.pem" &&
			key "$d/other-ca.key" &&
			openssl req -config "$cnf" -x509 -new -key "$d/other-ca.key" -days 365 \
				-subj "/O=elsewhere/CN=unrelated test CA $tag" -extensions ca_ext -out "$d/other-ca.pem" &&
			key "$tls/server.key" &&
			openssl req -config "$cnf" -new -key "$tls/server.key" -subj "/CN=localhost" \
				-out "$tls/server.csr" &&
			openssl ca -config "$cnf" -batch -notext -cert "$d/ca.pem" -keyfile "$d/ca.key" \
				-extensions server_ext -days 365 -in "$tls/server.csr" -out "$tls/server.pem" &&
			key "$d/expired.key" &&
			openssl req -config "$cnf" -new -key "$d/expired.key" -subj "/CN=localhost" \
				-out "$tls/expired.csr" &&
			openssl ca -config "$cnf" -batch -notext -cert "$d/ca.pem" -keyfile "$d/ca.key" \
				-extensions server_ext -startdate "$(date -u -d '-30 days' +%Y%m%d%H%M%SZ)" \
				-enddate "$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)" \
				-in "$tls/expired.csr" -out "$d/expired.pem"
	} >>"$errlog" 2>&1 || {
		cat "$errlog" >&2
		die "making certificates failed"
	}
	chmod 600 "$d/ca.key" "$d/other-ca.key" "$tls/server.key"
	# Tests run openssl s_server with the expired pair, maybe unprivileged.
	chmod 644 "$d/expired.key" "$d/ca.pem" "$d/other-ca.pem" "$d/expired.pem" "$tls/server.pem"
}

write_accounts() {
	local d=$1 uid gid u extra
	uid=$(id -u "$mail_user")
	gid=$(id -g "$mail_user")
	: >"$d/users"
	: >"$d/postfix/vmailbox"
	for u in $users $nonstd_user $spare_users; do
		extra=""
		# Swaps the SPECIAL-USE folders for the non-standard names.
		if [ "$u" = "$nonstd_user" ]; then
			extra="userdb_namespace/inbox/disabled=yes userdb_namespace/nonstd/disabled=no"
		fi
		printf '%s@%s:{PLAIN}%s-pw:%s:%s::%s/home/%s/%s::%s\n' "$u" "$domain" "$u" \
			"$uid" "$gid" "$d" "$domain" "$u" "$extra" >>"$d/users"
		printf '%s@%s OK\n' "$u" "$domain" >>"$d/postfix/vmailbox"
	done
	# The auth process reads the password file as user dovecot.
	chown root:dovecot "$d/users"
	chmod 640 "$d/users"
}

subst() {
	sed -e "s|@DIR@|$d|g" -e "s|@LISTEN@|$listen|g" -e "s|@UID@|$(id -u $mail_user)|g" \
		-e "s|@GID@|$(id -g $mail_user)|g" -e "s|@MAILUSER@|$mail_user|g" \
		-e "s|@IMAP_DIRECT_PORT@|$p_imap_direct|g" -e "s|@IMAPS_PORT@|$p_imaps|g" \
		-e "s|@INET_PROTOCOLS@|$inet_protocols|g" "$1"
}

write_configs() {
	local a
	subst "$tpl/dovecot.conf.in" >"$d/dovecot.conf"
	subst "$tpl/main.cf.in" >"$d/postfix/main.cf"
	subst "$tpl/master.cf.in" >"$d/postfix/master.cf"
	for a in $pf_addrs; do
		cat >>"$d/postfix/master.cf" <<EOF
$a:$p_submission inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
$a:$p_smtps inet n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
$a:$p_notls inet n - n - - smtpd
  -o syslog_name=postfix/notls
  -o smtpd_tls_security_level=none
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
EOF
	done
}

write_env() {
	local u names all=""
	for u in $users; do
		all="$all $u@$domain"
	done
	{
		echo "# Test mail system started by contrib/mailsys.sh; source this file."
		echo "MAILSYS_DIR=\"$d\""
		echo "MAILSYS_CA=\"$d/ca.pem\""
		echo "MAILSYS_OTHER_CA=\"$d/other-ca.pem\""
		echo "MAILSYS_EXPIRED_CERT=\"$d/expired.pem\""
		echo "MAILSYS_EXPIRED_KEY=\"$d/expired.key\""
		echo "MAILSYS_HOST=\"localhost\""
		echo "MAILSYS_MISMATCH_HOST=\"$mismatch_ip\""
		echo "MAILSYS_IMAP_PORT=\"$p_imap\""
		echo "MAILSYS_IMAPS_PORT=\"$p_imaps\""
		echo "MAILSYS_SUBMISSION_PORT=\"$p_submission\""
		echo "MAILSYS_SMTPS_PORT=\"$p_smtps\""
		echo "MAILSYS_SMTP_NOTLS_PORT=\"$p_notls\""
		echo "MAILSYS_IMAP_DIRECT_PORT=\"$p_imap_direct\""
		echo "MAILSYS_USERS=\"${all# }\""
		for u in $users $nonstd_user $spare_users; do
			echo "MAILSYS_PASS_$u=\"$u-pw\""
		done
		echo "MAILSYS_SPARE_USERS=\"$(for u in $spare_users; do printf '%s@%s ' "$u" "$domain"; done | sed 's/ $//')\""
		echo "MAILSYS_NONSTD_USER=\"$nonstd_user@$domain\""
		echo "MAILSYS_DOVEADM=\"doveadm -c $d/dovecot.conf\""
		echo "MAILSYS_DOVECOT_CONF=\"$d/dovecot.conf\""
		echo "MAILSYS_POSTFIX_CONFIG=\"$d/postfix\""
		echo "MAILSYS_DOVECOT_LOG=\"$d/dovecot.log\""
		echo "MAILSYS_POSTFIX_LOG=\"$d/postfix.log\""
	} >"$d/env.tmp"
	names=$(sed -n 's/^\(MAILSYS_[A-Za-z_]*\)=.*/\1/p' "$d/env.tmp" | tr '\n' ' ')
	echo "export ${names% }" >>"$d/env.tmp"
	mv "$d/env.tmp" "$d/env"
	chmod 644 "$d/env"
}

show_tails() {
	local f
	for f in "$d/postfix.start.log" "$d/postfix.log" "$d/dovecot.start.log" "$d/dovecot.log" "$d/relay.log"; do
		[ -s "$f" ] || continue
		echo "---- tail of $f" >&2
		tail -n 25 "$f" >&2
	done
}

# One attempt at starting the servers on fresh ports; non-zero if any fails.
start_servers() {
	local ports a specs=""
	ports=$($helper ports 6 $bind_addrs)
	set -- $ports
	p_imap=$1 p_imap_direct=$2 p_imaps=$3 p_submission=$4 p_smtps=$5 p_notls=$6
	write_configs

	# Postfix first: its check creates the queue's private/ directory, where
	# Dovecot puts the LMTP and auth sockets.
	# 9<&-: the daemons must not inherit (and so hold forever) the DIR lock.
	postfix -c "$d/postfix" start </dev/null >>"$d/postfix.start.log" 2>&1 9<&- || return 1
	dovecot -c "$d/dovecot.conf" </dev/null >>"$d/dovecot.start.log" 2>&1 9<&- || return 1
	local relay_args="" i
	for a in $bind_addrs; do
		relay_args="$relay_args --listen [$a]:$p_imap"
	done
	setsid -f "$python" "$tpl/relay.py" --dir "$d" --pidfile "$d/relay.pid" \
		--upstream "127.0.0.1:$p_imap_direct" --source "$relay_source" $relay_args \
		</dev/null >>"$d/relay.log" 2>&1 9<&-
	for i in $(seq 50); do
		[ -e "$d/relay.pid" ] && break
		grep -q 'cannot' "$d/relay.log" 2>/dev/null && return 1
		sleep 0.1
	done
	[ -e "$d/relay.pid" ] || return 1

	specs="imap,127.0.0.1,$p_imap_direct lmtp,$d/pq/private/dovecot-lmtp unix,$d/pq/private/auth"
	for a in $bind_addrs; do
		specs="$specs imap,$a,$p_imap imaps,$a,$p_imaps smtp,$a,$p_submission smtps,$a,$p_smtps smtp,$a,$p_notls"
	done
	$helper wait --timeout "$wait_secs" --ca "$d/ca.pem" $specs
}

cmd_start() {
	local u attempt
	need_root
	d=$(abs_dir "$1")
	mkdir -p "$d"
	lock_dir "$d"
	if [ -e "$d/$marker" ]; then
		if [ "$(running_parts "$d")" = "dovecot postfix relay" ] && [ -s "$d/env" ]; then
			log "already running in $d"
			cat "$d/env"
			return 0
		fi
		log "cleaning up stale $d"
		kill_instance "$d"
		find "$d" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
	elif [ -n "$(ls -A "$d")" ]; then
		die "$d is not empty and was not made by mailsys.sh; refusing to use it"
	fi
	touch "$d/$marker"
	chmod 755 "$d"

	ensure_mail_user
	# Mail is read as $mail_user and Postfix daemons run as postfix; both
	# must be able to reach DIR.
	runuser -u "$mail_user" -- test -x "$d" ||
		die "$mail_user cannot reach $d: every parent directory needs o+x"
	runuser -u postfix -- test -x "$d" ||
		die "postfix cannot reach $d: every parent directory needs o+x"

	mkdir -p "$d/postfix" "$d/pq" "$d/pdata" "$d/run" "$d/state" "$d/mail" "$d/home"
	chown postfix:postfix "$d/pdata"
	# Homes that exist make Dovecot's imap processes work in DIR, which is how
	# stop recognises them even after their master died.
	for u in $users $nonstd_user $spare_users; do
		mkdir -p "$d/home/$domain/$u"
	done
	chown -R "$mail_user:$mail_user" "$d/mail" "$d/home"
	chmod 700 "$d/mail" "$d/home" "$d/pdata"
	make_tls "$d"
	write_accounts "$d"

	bind_addrs="127.0.0.1 $mismatch_ip"
	pf_addrs="127.0.0.1 $mismatch_ip"
	inet_protocols=ipv4
	if $helper has-ipv6; then
		bind_addrs="$bind_addrs ::1"
		pf_addrs="$pf_addrs [::1]"
		inet_protocols=all
	fi
	listen=${bind_addrs// /, }

	for attempt in 1 2 3; do
		if start_servers; then
			write_env
			log "running in $d"
			cat "$d/env"
			return 0
		fi
		if [ "$attempt" != 3 ] && grep -qis 'address already in use' \
			"$d/dovecot.log" "$d/dovecot.start.log" "$d/postfix.log" "$d/postfix.start.log" "$d/relay.log"; then
			log "a port was taken meanwhile; retrying with new ports"
			kill_instance "$d"
			rm -f "$d/relay.pid" "$d"/*.log
			continue
		fi
		break
	done
	log "start failed"
	show_tails
	kill_instance "$d"
	exit 1
}

cmd_stop() {
	need_root
	d=$(abs_dir "$1")
	if [ ! -e "$d/$marker" ]; then
		log "$d is not a mail system directory; nothing to stop"
		return 0
	fi
	lock_dir "$d"
	kill_instance "$d"
	rm -f "$d/relay.pid"
	log "stopped $d"
}

cmd_status() {
	local parts
	d=$(abs_dir "$1")
	if [ ! -e "$d/$marker" ]; then
		echo "stopped"
		return 3
	fi
	parts=$(running_parts "$d")
	case $parts in
	"dovecot postfix relay")
		echo "running"
		cat "$d/env"
		return 0
		;;
	"")
		if [ -n "$($helper procs "$d")" ]; then
			echo "stopped, but leftover processes remain; run stop to end them"
			return 1
		fi
		echo "stopped"
		return 3
		;;
	*)
		echo "partly running ($parts); run stop or start to clean up"
		return 1
		;;
	esac
}

[ $# = 2 ] || usage
case $1 in
start) cmd_start "$2" ;;
stop) cmd_stop "$2" ;;
status) cmd_status "$2" ;;
*) usage ;;
esac
