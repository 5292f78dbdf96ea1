#!/bin/sh
# Every operation leaves a metric record with bytes and segments; skua stats
# summarises the log.
. "${SKUA_TOP_SRCDIR:?}/tests/cli/lib.sh"
need_mailsys
cfg="$T/config"
write_config "$cfg" alice@example.org
expect_ok "folders" "$SKUA" -F "$cfg" folders
feed "metrics body"
expect_ok "send" "$SKUA" -F "$cfg" send --to bob@example.org --subject "metrics $$"
log="$XDG_STATE_HOME/skua/metrics.log"
check "the metrics log exists" test -s "$log"
check "the log starts with its column header" sh -c "head -1 '$log' | grep -q '^# time'"
check "a tcp_connect record: segments both ways (SYN, SYN-ACK), no payload" \
	awk -F '\t' '$2 == "tcp_connect" && $8 == 0 && $9 == 0 && $10 > 0 && $11 > 0 && $13 == "ok" { found = 1 } END { exit !found }' "$log"
for op in tls_handshake imap_login imap_list smtp_auth smtp_send imap_append; do
	check "a $op record with bytes and segments in both directions" \
		awk -F '\t' -v op="$op" '$2 == op && $8 > 0 && $9 > 0 && $10 > 0 && $11 > 0 && $13 == "ok" { found = 1 } END { exit !found }' "$log"
done
check "latencies are positive" awk -F '\t' '!/^#/ && $7 <= 0 { bad = 1 } END { exit bad }' "$log"
expect_ok "skua stats" "$SKUA" stats
check "stats has a row for smtp_send" grep -q '^smtp_send ' "$T/out"
check "stats names its source" grep -q "records from" "$T/out"
expect_ok "skua stats --report" "$SKUA" stats --report
check "report has the original columns" grep -q "Operation.*Time (ms).*Packets.*Bytes.*Throughput" "$T/out"
finish
