/* A lenient Date header parser. Our own rather than libetpan's, which
 * rejects asctime and ISO forms and reads the zone "UT" as +0001. */
#include "mail/mail_date.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/clock.h"

struct zone_name {
	const char *name;
	int minutes;
};

static const struct zone_name zones[] = {
	{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
	{ "EST", -300 }, { "EDT", -240 }, { "CST", -360 }, { "CDT", -300 },
	{ "MST", -420 }, { "MDT", -360 }, { "PST", -480 }, { "PDT", -420 },
	{ "CET", 60 }, { "CEST", 120 }, { "BST", 60 },
};

static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec" };

static long long to_epoch(int y, int mo, int d, int h, int mi, int s, int zone_min)
{
	if (y < 100)
		y += y < 50 ? 2000 : 1900;
	else if (y < 1000)
		y += 1900;
	if (y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || s < 0 || s > 60)
		return 0;
	return clock_utc_to_epoch(y, mo, d, h, mi, s) - zone_min * 60LL;
}

static long long parse_iso(const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return 0;
	s += n;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		n = 0;
		if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &n) == 2) {
			s += 1 + n;
			if (*s == ':' && sscanf(s + 1, "%2d%n", &sec, &n) == 1)
				s += 1 + n;
			while (*s == '.' || isdigit((unsigned char)*s))
				s++;
		}
	}
	int zone = 0;
	if (*s == '+' || *s == '-') {
		int zh = 0, zm = 0;
		if (sscanf(s + 1, "%2d:%2d", &zh, &zm) == 2 || sscanf(s + 1, "%2d%2d", &zh, &zm) >= 1)
			zone = (zh * 60 + zm) * (*s == '-' ? -1 : 1);
	}
	return to_epoch(y, mo, d, h, mi, sec, zone);
}

long long mail_date_parse(const char *s)
{
	int day = -1, month = -1, year = -1, h = -1, mi = 0, sec = 0, zone = 0;
	char tok[64];

	if (s == NULL)
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) && s[4] == '-')
		return parse_iso(s);

	while (*s) {
		if (*s == '(') {
			/* comments may nest */
			int depth = 0;
			do {
				if (*s == '\\' && s[1])
					s++;
				else if (*s == '(')
					depth++;
				else if (*s == ')')
					depth--;
				s++;
			} while (*s && depth > 0);
			continue;
		}
		if (isspace((unsigned char)*s) || *s == ',') {
			s++;
			continue;
		}
		size_t n = 0;
		while (*s && !isspace((unsigned char)*s) && *s != ',' && *s != '(') {
			if (n < sizeof tok - 1)
				tok[n++] = *s;
			s++;
		}
		tok[n] = '\0';

		int a, b, c;
		if (strchr(tok, ':')) {
			c = 0;
			if (sscanf(tok, "%d:%d:%d", &a, &b, &c) >= 2 && h < 0) {
				h = a;
				mi = b;
				sec = c;
			}
		} else if ((tok[0] == '+' || tok[0] == '-') && n == 5 &&
			   strspn(tok + 1, "0123456789") == 4) {
			int v = (tok[1] - '0') * 1000 + (tok[2] - '0') * 100 + (tok[3] - '0') * 10 +
				(tok[4] - '0');
			if (v % 100 < 60 && v / 100 <= 23)
				zone = (v / 100 * 60 + v % 100) * (tok[0] == '-' ? -1 : 1);
		} else if (isdigit((unsigned char)tok[0]) && strspn(tok, "0123456789") == n) {
			int v = (int)strtol(tok, NULL, 10);
			if (n > 4)
				continue;
			if (n >= 3)
				year = v;
			else if (day < 0)
				day = v;
			else if (year < 0)
				year = v;
		} else if (isalpha((unsigned char)tok[0])) {
			int found = 0;
			for (int i = 0; i < 12 && n >= 3; i++) {
				if (strncasecmp(tok, months[i], 3) == 0) {
					month = i + 1;
					found = 1;
				}
			}
			for (size_t i = 0; !found && i < sizeof zones / sizeof zones[0]; i++)
				if (strcasecmp(tok, zones[i].name) == 0)
					zone = zones[i].minutes;
		}
	}
	if (day < 0 || month < 0 || year < 0)
		return 0;
	if (h < 0)
		h = 0;
	return to_epoch(year, month, day, h, mi, sec, zone);
}
