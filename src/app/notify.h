/* Notifications to skua-notifyd after a user-visible event (sent, read,
 * received, new mail), when the config turns them on. */
#ifndef SKUA_APP_NOTIFY_H
#define SKUA_APP_NOTIFY_H

#include "app/app.h"
#include "notify/notify_proto.h"

/* Sends one notification if [general] notify is on; a missing notifier costs
 * at most the short notify timeout and is never an error for the caller. The
 * attempt becomes a "notify_send" metric record like any other operation. */
void app_notify(struct app *a, enum notify_type type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
