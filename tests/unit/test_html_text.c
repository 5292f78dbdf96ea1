/* Unit tests of src/mail/html_text: HTML rendered as plain text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mail/charset.h"
#include "mail/html_text.h"

static void check(const char *html, const char *want)
{
	char *s = html_to_text(html, strlen(html));
	assert_string_equal(s, want);
	free(s);
}

static void test_blocks_and_breaks(void **state)
{
	(void)state;
	check("<p>one</p><p>two</p>", "one\n\ntwo\n");
	check("<div>a</div><div>b</div>", "a\nb\n");
	check("a<br>b<br/>c<BR />d", "a\nb\nc\nd\n");
	check("a<br><br><br><br>b", "a\n\nb\n");
	check("<h1>Title</h1>text", "Title\n\ntext\n");
	check("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc\n");
	check("", "");
	check("   ", "");
	check("<p></p><p></p>", "");
}

static void test_whitespace(void **state)
{
	(void)state;
	check("  lots   of\n\n  space\t here  ", "lots of space here\n");
	check("<pre>  keep   this\n    indented</pre>after", "  keep   this\n    indented\n\nafter\n");
	check("a&nbsp;&nbsp;&nbsp;b", "a   b\n");
	check("<p>x</p>\n\n\n<p>y</p>\n\n<p>z</p>", "x\n\ny\n\nz\n");
}

static void test_dropped_elements(void **state)
{
	(void)state;
	check("<html><head><title>T</title><style>p{color:red}</style>"
	      "<meta charset=utf-8></head><body>shown</body></html>",
	      "shown\n");
	check("a<script>document.write('<p>no</p>')</script>b", "ab\n");
	check("a<SCRIPT type=x>if (a < b) x();</SCRIPT >b", "ab\n");
	check("a<style>never closed", "a\n");
	check("a<!-- <p>comment</p> -->b", "ab\n");
	check("a<!-- unterminated", "a\n");
	check("<!DOCTYPE html><?xml version=1?>x", "x\n");
	/* a head that is never closed ends at the first body element */
	check("<head><title>t</title><p>body text", "body text\n");
}

static void test_lists_quotes(void **state)
{
	(void)state;
	check("<ul><li>one</li><li>two</li></ul>", "* one\n* two\n");
	check("<ul><li>a<ul><li>b</li></ul></li><li>c</ul>", "* a\n  * b\n* c\n");
	check("<ol><li>first<li>second</ol>", "* first\n* second\n");
	check("before<blockquote>quoted<br>two</blockquote>after",
	      "before\n\n> quoted\n> two\n\nafter\n");
	check("<blockquote><p>a</p><p>b</p></blockquote>", "> a\n>\n> b\n");
	check("<blockquote>a<blockquote>b</blockquote></blockquote>", "> a\n>\n> > b\n");
}

static void test_links(void **state)
{
	(void)state;
	check("see <a href=\"https://example.com/x\">the post</a>.",
	      "see the post <https://example.com/x>.\n");
	check("<a href=\"https://example.com/\">https://example.com</a>", "https://example.com\n");
	check("<a href='http://example.com'>example.com</a>", "example.com\n");
	check("<a href=\"mailto:bob@example.org\">bob@example.org</a>", "bob@example.org\n");
	check("<a href=\"#top\">top</a>", "top\n");
	check("<a href=\"javascript:evil()\">click</a>", "click\n");
	check("<a href=x?a=1&amp;b=2>q</a>", "q <x?a=1&b=2>\n");
	check("<a href=\"https://e.org/\"><img src=x alt=\"Logo\"></a>", "Logo <https://e.org/>\n");
	check("<a href=\"https://e.org/\"></a>", "<https://e.org/>\n");
	check("<li><a href=\"u\">u</a></li>", "* u\n");
	/* an unterminated attribute value ends at the end of the text */
	check("<a href=\"never", "<never>\n");
}

static void test_entities(void **state)
{
	(void)state;
	check("&amp; &lt;b&gt; &quot;q&quot; &apos;", "& <b> \"q\" '\n");
	check("caf&eacute; &euro;5 &mdash; &hellip; &copy; &trade;", "café €5 — … © ™\n");
	check("&#233; &#xE9; &#X1F600; &#8212;", "é é 😀 —\n");
	check("&#150; &#128;", "– €\n");
	check("&#0; &#xD800; &#99999999999;", "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd\n");
	check("&unknown; &amp &copy x", "&unknown; & © x\n");
	check("AT&T & co; a&b", "AT&T & co; a&b\n");
	check("&#; &#x; &", "&#; &#x; &\n");
}

static void test_tag_soup(void **state)
{
	(void)state;
	check("a < b and c > d", "a < b and c > d\n");
	check("<p>unclosed <b>bold <i>both</p>next", "unclosed bold both\n\nnext\n");
	check("x<", "x<\n");
	check("x</", "x</\n");
	check("<p", "");
	check("<verylongtagnamethatgoesonandon>t</verylongtagnamethatgoesonandon>", "t\n");
	check("<p class=a id='b' data-x=\"<>\">t</p>", "t\n");
}

static void test_hostile_inputs(void **state)
{
	(void)state;
	/* deep nesting must not blow up the output or the stack */
	size_t n = 200000;
	char *deep = malloc(n * 12 + 8);
	deep[0] = '\0';
	char *p = deep;
	for (size_t i = 0; i < n; i++)
		p = stpcpy(p, "<blockquote>");
	strcpy(p, "x");
	char *s = html_to_text(deep, strlen(deep));
	assert_true(strlen(s) < 100);
	free(s);
	p = deep;
	for (size_t i = 0; i < n; i++)
		p = stpcpy(p, "<ul><li>");
	strcpy(p, "y");
	s = html_to_text(deep, strlen(deep));
	assert_true(strlen(s) < 100);
	free(s);
	free(deep);

	/* NUL bytes and invalid UTF-8 in the middle */
	const char nul[] = "a\0b<p\0>c";
	s = html_to_text(nul, sizeof nul - 1);
	assert_non_null(s);
	free(s);
	s = html_to_text(NULL, 0);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_and_breaks),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_dropped_elements),
		cmocka_unit_test(test_lists_quotes),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_tag_soup),
		cmocka_unit_test(test_hostile_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
