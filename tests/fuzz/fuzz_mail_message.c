/* Fuzz target: a whole message as a server could send it, its attachments'
 * data, and every string the parser returns made safe for the terminal. */
#include <stdlib.h>

#include "mail/message.h"
#include "mail/safe_text.h"
#include "fuzz.h"

static void show(const char *s)
{
	free(safe_text_terminal(s, 1));
	free(safe_text_terminal(s, 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = {0};
	struct mail_message *m = mail_message_parse((const char *)data, size, &e);

	if (!m)
		return 0;
	show(m->subject);
	show(m->from);
	show(m->to);
	show(m->cc);
	show(m->reply_to);
	show(m->date);
	show(m->message_id);
	show(m->in_reply_to);
	show(m->references);
	show(m->body);
	for (size_t i = 0; i < m->natts; i++) {
		char *att = NULL;
		size_t len = 0;

		show(m->atts[i].filename);
		show(m->atts[i].content_type);
		free(safe_text_filename(m->atts[i].filename));
		if (mail_message_attachment_data(m, i, &att, &len, &e) == 0)
			free(att);
	}
	mail_message_free(m);
	return 0;
}
