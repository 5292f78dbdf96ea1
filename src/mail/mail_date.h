/* Dates of messages: RFC 5322 Date headers (and the common broken forms) to
 * seconds since the epoch. */
#ifndef SKUA_MAIL_MAIL_DATE_H
#define SKUA_MAIL_MAIL_DATE_H

/* Parses "Mon, 1 Jan 2024 10:00:00 +0530" and variants: no weekday, no
 * seconds, two-digit years, obsolete zone names (GMT, EST ...), comments,
 * asctime order and ISO 8601. Returns 0 if no date can be read. */
long long mail_date_parse(const char *s);

#endif
