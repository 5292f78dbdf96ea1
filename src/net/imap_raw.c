/* Building blocks for IMAP commands libetpan has no (working) call for: raw
 * command lines, IMAP strings, compact UID sets, and "is that folder missing". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/imap_internal.h"
#include "util/xalloc.h"

/* Whether libetpan's code means the transport or the protocol position is lost. */
static int imap_is_fatal(int r)
{
	return r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE ||
	       r == MAILIMAP_ERROR_FATAL || r == MAILIMAP_ERROR_MEMORY;
}

int imap_raw_send(struct imap_session *s, int tagged, const char *line, size_t len, int secret)
{
	mailstream *st = s->imap->imap_stream;
	int r = MAILIMAP_NO_ERROR;

	if (secret)
		mailstream_set_privacy(st, 0);
	if (tagged)
		r = mailimap_send_current_tag(s->imap);
	if (r == MAILIMAP_NO_ERROR &&
	    (mailstream_write(st, line, len) < 0 || mailstream_write(st, "\r\n", 2) < 0 ||
	     mailstream_flush(st) < 0))
		r = MAILIMAP_ERROR_STREAM;
	if (secret)
		mailstream_set_privacy(st, 1);
	return r;
}

int imap_raw_reply(struct imap_session *s, int *cond)
{
	struct mailimap_response *resp = NULL;
	int r = mailimap_parse_response(s->imap, &resp);

	if (r != MAILIMAP_NO_ERROR)
		return r;   /* BAD comes back as MAILIMAP_ERROR_PROTOCOL */
	*cond = resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type;
	mailimap_response_free(resp);
	return MAILIMAP_NO_ERROR;
}

int imap_raw_command(struct imap_session *s, const char *cmd, size_t len, int secret,
		     int *cond)
{
	int r = imap_raw_send(s, 1, cmd, len, secret);

	if (r != MAILIMAP_NO_ERROR)
		return r;
	if (!mailimap_read_line(s->imap))
		return MAILIMAP_ERROR_STREAM;
	return imap_raw_reply(s, cond);
}

int imap_append_astring(struct imap_session *s, struct strbuf *b, const char *str, size_t len)
{
	int plain = 1;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)str[i];
		if (c == 0)
			return -1;
		if (c == '\r' || c == '\n' || c >= 0x80)
			plain = 0;
	}
	if (!plain && imap_cap(s, "LITERAL+")) {
		strbuf_printf(b, "{%zu+}\r\n", len);
		strbuf_append(b, str, len);
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		if (str[i] == '\r' || str[i] == '\n')
			return -1;
	/* Without LITERAL+ an 8-bit quoted string is a protocol stretch most
	 * servers accept; a synchronizing literal would need a round trip. */
	strbuf_appendc(b, '"');
	for (size_t i = 0; i < len; i++) {
		if (str[i] == '"' || str[i] == '\\')
			strbuf_appendc(b, '\\');
		strbuf_appendc(b, str[i]);
	}
	strbuf_appendc(b, '"');
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

void imap_uid_ranges_build(struct imap_uid_ranges *rg, const uint32_t *uids, size_t n)
{
	uint32_t *v;

	rg->r = NULL;
	rg->n = 0;
	if (n == 0)
		return;
	v = xreallocarray(NULL, n, sizeof *v);
	memcpy(v, uids, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_u32);
	rg->r = xreallocarray(NULL, n, sizeof *rg->r);
	for (size_t i = 0; i < n; i++) {
		if (v[i] == 0)
			continue;   /* not a UID */
		if (rg->n && (v[i] == rg->r[rg->n - 1][1] || v[i] == rg->r[rg->n - 1][1] + 1)) {
			rg->r[rg->n - 1][1] = v[i];
			continue;
		}
		rg->r[rg->n][0] = rg->r[rg->n][1] = v[i];
		rg->n++;
	}
	free(v);
	if (rg->n == 0) {
		free(rg->r);
		rg->r = NULL;
	}
}

void imap_uid_ranges_free(struct imap_uid_ranges *rg)
{
	free(rg->r);
	rg->r = NULL;
	rg->n = 0;
}

struct mailimap_set *imap_uid_ranges_set(const struct imap_uid_ranges *rg, size_t from,
					 size_t count)
{
	struct mailimap_set *set = mailimap_set_new_empty();

	if (!set)
		return NULL;
	for (size_t i = from; i < from + count && i < rg->n; i++) {
		if (mailimap_set_add_interval(set, rg->r[i][0], rg->r[i][1]) != MAILIMAP_NO_ERROR) {
			mailimap_set_free(set);
			return NULL;
		}
	}
	return set;
}

const char *imap_folder_shown(const char *folder, char *buf, size_t size)
{
	char *u = imap_mutf7_to_utf8(folder);

	imap_sanitize(u, buf, size);
	free(u);
	return buf;
}

const char *imap_what(char *buf, size_t size, const char *doing, const char *folder)
{
	char shown[200];

	snprintf(buf, size, "%s %s", doing, imap_folder_shown(folder, shown, sizeof shown));
	return buf;
}

/* "no folder named X" with X shown as UTF-8. */
static int imap_err_nofolder(struct err *e, const char *folder)
{
	char shown[200];

	return err_set(e, ERR_NOTFOUND, "no folder named %s",
		       imap_folder_shown(folder, shown, sizeof shown));
}

/* Whether a failed command's folder is missing: a [NONEXISTENT] or [TRYCREATE]
 * code, or (probe) a LIST that does not find it. */
static int imap_folder_missing(struct imap_session *s, const char *folder, int probe)
{
	const char *code = imap_resp_code(s);
	clist *list = NULL;
	int found = 0;

	if (code && strcasecmp(code, "NONEXISTENT") == 0)
		return 1;
	if (s->imap->imap_response_info && s->imap->imap_response_info->rsp_trycreate)
		return 1;
	if (!probe || s->broken || !s->imap->imap_stream)
		return 0;
	/* Servers without RFC 5530 codes just say NO; ask whether the name
	 * exists. Wildcards in it could match others, so compare exactly. */
	int r = mailimap_list(s->imap, "", folder, &list);
	if (r != MAILIMAP_NO_ERROR) {
		if (imap_is_fatal(r))
			imap_break(s);
		return 0;
	}
	for (clistiter *it = clist_begin(list); it; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);
		if (mb && mb->mb_name &&
		    (strcmp(mb->mb_name, folder) == 0 ||
		     (strcasecmp(folder, "INBOX") == 0 && strcasecmp(mb->mb_name, "INBOX") == 0)))
			found = 1;
	}
	mailimap_list_result_free(list);
	return !found;
}

int imap_folder_fail(struct imap_session *s, int r, const char *what, const char *folder,
		     struct err *e)
{
	char text[256];

	if (imap_is_fatal(r))
		return imap_fail(s, r, what, e);
	imap_server_text(s, text, sizeof text);
	if (imap_folder_missing(s, folder, 1))
		return imap_err_nofolder(e, folder);
	if (s->broken)   /* the probe found the connection dead */
		return imap_fail(s, MAILIMAP_ERROR_STREAM, what, e);
	return err_set(e, ERR_PROTOCOL, "%s failed: server said: %s", what, text);
}
