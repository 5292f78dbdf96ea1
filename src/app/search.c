/* Server search: quoting the user's text, then EXAMINE and UID SEARCH. */
#include "app/search.h"

int app_search_criteria(const char *text, struct strbuf *out, struct err *e)
{
	const unsigned char *p = (const unsigned char *)text;

	if (text == NULL || *text == '\0')
		return err_set(e, ERR_USAGE, "nothing to search for");
	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return err_set(e, ERR_USAGE, "a search text cannot hold control characters");
	strbuf_appends(out, "TEXT \"");
	for (p = (const unsigned char *)text; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_appendc(out, '\\');
		strbuf_appendc(out, (char)*p);
	}
	strbuf_appendc(out, '"');
	return 0;
}

int app_search_text(struct imap_session *s, const char *folder, const char *text, uint32_t **uids,
		    size_t *n, struct err *e)
{
	struct strbuf crit = STRBUF_INIT;
	struct imap_select_info info;
	int rc;

	*uids = NULL;
	*n = 0;
	if (app_search_criteria(text, &crit, e) != 0)
		return -1;
	rc = imap_select(s, folder, 1, &info, e);
	if (rc == 0)
		rc = imap_search(s, crit.s, uids, n, e);
	strbuf_free(&crit);
	return rc;
}
