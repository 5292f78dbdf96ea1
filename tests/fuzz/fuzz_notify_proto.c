/* Fuzz target: a line a notification client sends to skua-notifyd, parsed
 * with and without a required token. */
#include <stdlib.h>

#include "notify/notify_proto.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct notify_msg msg;
	struct err e = {0};
	struct strbuf out = STRBUF_INIT;

	notify_parse((const char *)data, size, NULL, &msg, &e);
	if (notify_parse((const char *)data, size, "0123456789abcdef0123", &msg, &e) == 0) {
		char *text = fuzz_cstr((const uint8_t *)msg.text, msg.text_len);

		notify_sanitize_text(text, 200, &out);
		strbuf_free(&out);
		free(text);
	}
	return 0;
}
