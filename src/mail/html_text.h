/* A plain-text rendering of HTML for when a message has no text/plain part. */
#ifndef SKUA_MAIL_HTML_TEXT_H
#define SKUA_MAIL_HTML_TEXT_H

#include <stddef.h>

/* UTF-8 in, UTF-8 out: drops script/style/head, turns block elements into line
 * breaks, lists into "* ", links into "text <url>", decodes entities, collapses
 * white space. Caller frees. */
char *html_to_text(const char *html, size_t len);

#endif
