/* Notifications to skua-notifyd, measured like every network operation. */
#include "app/notify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify/notify_client.h"

void app_notify(struct app *a, enum notify_type type, const char *fmt, ...)
{
	const struct config *c = &a->config;
	struct notify_metrics m;
	struct metric_record r;
	struct err e;
	char text[NOTIFY_LINE_MAX];
	va_list ap;

	if (!c->notify)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	notify_send(c->notify_host, c->notify_port, NULL, type, text, 0, &m, &e);

	memset(&r, 0, sizeof r);
	snprintf(r.op, sizeof r.op, "notify_send");
	snprintf(r.account, sizeof r.account, "%s", a->account ? a->account->name : "");
	snprintf(r.host, sizeof r.host, "%s", c->notify_host);
	r.port = c->notify_port;
	r.tls = TLS_MODE_NONE;
	r.start_wall_us = m.start_wall_us;
	r.latency_us = m.latency_us;
	r.bytes_out = m.bytes_out;
	r.bytes_in = m.bytes_in;
	r.segs_out = m.segs_out;
	r.segs_in = m.segs_in;
	r.ok = m.ok;
	snprintf(r.result, sizeof r.result, "%s", m.ok ? "ok" : err_code_name(m.result));
	metrics_sink_add(a->metrics, &r);
}
