/* The key table with mutt-like defaults, and key names for help and the man page. */
#include "ui/keys.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static const struct action_info {
	const char *name;
	const char *note;
} actions[ACT_COUNT] = {
	[ACT_DOWN] = { "down", "Move to the next entry" },
	[ACT_UP] = { "up", "Move to the previous entry" },
	[ACT_PAGE_DOWN] = { "page-down", "Move down one page" },
	[ACT_PAGE_UP] = { "page-up", "Move up one page" },
	[ACT_FIRST] = { "first", "Go to the first entry" },
	[ACT_LAST] = { "last", "Go to the last entry" },
	[ACT_OPEN] = { "open", "Open the entry under the cursor" },
	[ACT_BACK] = { "back", "Go back to the previous screen" },
	[ACT_QUIT] = { "quit", "Quit skua" },
	[ACT_HELP] = { "help", "Show the keys of this screen" },
	[ACT_FOLDERS] = { "change-folder", "Go to the folder list" },
	[ACT_NEXT_UNREAD] = { "next-unread", "Go to the next unread message" },
	[ACT_NEXT_MESSAGE] = { "next-message", "Show the next message" },
	[ACT_PREV_MESSAGE] = { "previous-message", "Show the previous message" },
	[ACT_DELETE] = { "delete", "Move to Trash (in Trash: delete for good)" },
	[ACT_FLAG] = { "flag", "Flag or unflag the message" },
	[ACT_TOGGLE_NEW] = { "toggle-new", "Mark the message unread, or read" },
	[ACT_REFRESH] = { "refresh", "Load it again from the server" },
	[ACT_CANCEL] = { "cancel", "Cancel the running network operation" },
	[ACT_REDRAW] = { "redraw", "Redraw the screen" },
	[ACT_STATS] = { "stats", "Show the network statistics" },
	[ACT_UNDO] = { "undo", "Undo the last move or delete" },
	[ACT_SAVE_ATTACHMENTS] = { "save-attachments", "Save attachments (asks which, and where)" },
	[ACT_LIMIT] = { "limit", "Show only messages matching a pattern" },
	[ACT_SAVE_MESSAGE] = { "save-message", "Move the message to another folder" },
	[ACT_COPY_MESSAGE] = { "copy-message", "Copy the message to another folder" },
	[ACT_SEARCH] = { "search-server", "Show only what a server search finds" },
	[ACT_SORT] = { "sort-mailbox", "Sort by date, from, subject, size, thread" },
	[ACT_SORT_REVERSE] = { "sort-reverse", "Sort in reverse order" },
	[ACT_COMPOSE] = { "mail", "Write a new message" },
	[ACT_REPLY] = { "reply", "Reply to the sender" },
	[ACT_GROUP_REPLY] = { "group-reply", "Reply to the sender and all recipients" },
	[ACT_FORWARD] = { "forward", "Forward the message inline" },
	[ACT_FORWARD_ATTACHED] = { "forward-attached", "Forward the message as an attachment" },
	[ACT_RECALL] = { "recall", "Resume a postponed message from Drafts" },
	[ACT_EDIT_TO] = { "edit-to", "Edit the To addresses (Tab completes)" },
	[ACT_EDIT_CC] = { "edit-cc", "Edit the Cc addresses (Tab completes)" },
	[ACT_EDIT_BCC] = { "edit-bcc", "Edit the Bcc addresses (Tab completes)" },
	[ACT_EDIT_SUBJECT] = { "edit-subject", "Edit the subject" },
	[ACT_EDIT_BODY] = { "edit-message", "Edit the message text" },
	[ACT_ATTACH] = { "attach-file", "Attach a file (Tab completes the path)" },
	[ACT_DETACH] = { "detach-file", "Remove the selected attachment" },
	[ACT_SEND] = { "send", "Send the message" },
	[ACT_POSTPONE] = { "postpone", "Keep the message in Drafts for later" },
	[ACT_OPEN_ATTACHMENT] = { "open-attachment", "Open an attachment through mailcap" },
	[ACT_NEXT_FIELD] = { "next-field", "Go to the next field" },
	[ACT_PREV_FIELD] = { "previous-field", "Go to the previous field" },
	[ACT_SUBMIT] = { "submit", "Next field; on the last one, log in" },
	[ACT_LOG_IN] = { "log-in", "Test the login now, then save the account" },
	[ACT_SWITCH_ACCOUNT] = { "switch-account", "Switch to another account (Tab completes)" },
	[ACT_LOG_OUT] = { "log-out", "Log out, then the login screen (asks)" },
};

#define TEXT_SCREENS ((1u << SCREEN_PAGER) | (1u << SCREEN_HELP))
#define STATS_SCREEN (1u << SCREEN_STATS)

/* Where an action means something more precise on some screens. */
static const struct screen_note {
	enum ui_action action;
	unsigned screens;
	const char *note;
} screen_notes[] = {
	{ ACT_DOWN, TEXT_SCREENS, "Scroll down one line" },
	{ ACT_UP, TEXT_SCREENS, "Scroll up one line" },
	{ ACT_PAGE_DOWN, 1u << SCREEN_PAGER, "Next page; at the end, the next message" },
	{ ACT_PAGE_DOWN, 1u << SCREEN_HELP, "Scroll down one page" },
	{ ACT_PAGE_UP, TEXT_SCREENS, "Scroll up one page" },
	{ ACT_FIRST, TEXT_SCREENS, "Go to the top" },
	{ ACT_LAST, TEXT_SCREENS, "Go to the end" },
	{ ACT_OPEN, 1u << SCREEN_FOLDERS, "Open the folder under the cursor" },
	{ ACT_OPEN, 1u << SCREEN_INDEX, "Read the message under the cursor" },
	{ ACT_BACK, 1u << SCREEN_INDEX, "Go back to the folder list" },
	{ ACT_BACK, 1u << SCREEN_PAGER, "Go back to the index" },
	{ ACT_BACK, 1u << SCREEN_HELP, "Leave help" },
	{ ACT_REFRESH, 1u << SCREEN_FOLDERS, "Fetch the folders and counts again" },
	{ ACT_REFRESH, 1u << SCREEN_INDEX, "Load the folder again" },
	{ ACT_REFRESH, STATS_SCREEN, "Read the metrics log again" },
	{ ACT_DOWN, STATS_SCREEN, "Select the next operation" },
	{ ACT_UP, STATS_SCREEN, "Select the previous operation" },
	{ ACT_FIRST, STATS_SCREEN, "Select the first operation" },
	{ ACT_LAST, STATS_SCREEN, "Select the last operation" },
	{ ACT_BACK, STATS_SCREEN, "Leave the statistics" },
	{ ACT_STATS, STATS_SCREEN, "Leave the statistics" },
	{ ACT_DOWN, 1u << SCREEN_COMPOSE, "Select the next attachment" },
	{ ACT_UP, 1u << SCREEN_COMPOSE, "Select the previous attachment" },
	{ ACT_BACK, 1u << SCREEN_COMPOSE, "Discard the message (asks first)" },
	{ ACT_RECALL, 1u << SCREEN_FOLDERS, "Open Drafts to resume a postponed message" },
	{ ACT_QUIT, 1u << SCREEN_LOGIN, "Quit skua (asks first)" },
	{ ACT_CANCEL, 1u << SCREEN_LOGIN, "Stop testing the login" },
};

static const char *const screen_names[SCREEN_COUNT] = { "folders", "index", "pager", "help",
							 "stats", "compose", "login" };

#define ON_F (1u << SCREEN_FOLDERS)
#define ON_I (1u << SCREEN_INDEX)
#define ON_P (1u << SCREEN_PAGER)
#define ON_H (1u << SCREEN_HELP)
#define ON_S (1u << SCREEN_STATS)
#define ON_C (1u << SCREEN_COMPOSE)
/* The first-run form: printable keys are the fields' text, so it has its
 * own bindings and is not in ON_ALL. */
#define ON_L (1u << SCREEN_LOGIN)
#define ON_ALL (ON_F | ON_I | ON_P | ON_H | ON_S)
#define FN(k) (KEY_FN | (k))

struct binding {
	unsigned screens;
	int key;
	enum ui_action action;
};

static const struct binding defaults[] = {
	{ ON_F | ON_I | ON_H | ON_S, 'j', ACT_DOWN },
	{ ON_ALL, FN(KEY_DOWN), ACT_DOWN },
	{ ON_P, '\n', ACT_DOWN },
	{ ON_F | ON_I | ON_H | ON_S, 'k', ACT_UP },
	{ ON_ALL, FN(KEY_UP), ACT_UP },
	{ ON_P, FN(KEY_BACKSPACE), ACT_UP },
	{ ON_ALL, ' ', ACT_PAGE_DOWN },
	{ ON_ALL, FN(KEY_NPAGE), ACT_PAGE_DOWN },
	{ ON_ALL, '-', ACT_PAGE_UP },
	{ ON_ALL, FN(KEY_PPAGE), ACT_PAGE_UP },
	{ ON_F | ON_H | ON_S, 'g', ACT_FIRST },
	{ ON_I | ON_P, '=', ACT_FIRST },
	{ ON_ALL, FN(KEY_HOME), ACT_FIRST },
	{ ON_ALL, 'G', ACT_LAST },
	{ ON_ALL, FN(KEY_END), ACT_LAST },
	{ ON_F | ON_I, '\n', ACT_OPEN },
	{ ON_F | ON_I, FN(KEY_RIGHT), ACT_OPEN },
	{ ON_I | ON_P | ON_H | ON_S, 'q', ACT_BACK },
	{ ON_P, 'i', ACT_BACK },
	{ ON_I | ON_P, FN(KEY_LEFT), ACT_BACK },
	{ ON_H, '?', ACT_BACK },
	{ ON_F, 'q', ACT_QUIT },
	{ ON_ALL, 'Q', ACT_QUIT },
	{ ON_F | ON_I | ON_P | ON_S, '?', ACT_HELP },
	{ ON_I | ON_P, 'c', ACT_FOLDERS },
	{ ON_I | ON_P, 'y', ACT_FOLDERS },
	{ ON_I | ON_P, '\t', ACT_NEXT_UNREAD },
	{ ON_P, 'j', ACT_NEXT_MESSAGE },
	{ ON_P, 'k', ACT_PREV_MESSAGE },
	{ ON_I | ON_P, 'd', ACT_DELETE },
	{ ON_I | ON_P, 'F', ACT_FLAG },
	{ ON_I | ON_P, 'N', ACT_TOGGLE_NEW },
	{ ON_P, 'v', ACT_SAVE_ATTACHMENTS },
	{ ON_P, 'o', ACT_OPEN_ATTACHMENT },
	{ ON_I | ON_P, 'u', ACT_UNDO },
	{ ON_F | ON_I | ON_S, '$', ACT_REFRESH },
	{ ON_F | ON_I | ON_P, KEY_CTRL('G'), ACT_CANCEL },
	{ ON_ALL, KEY_CTRL('L'), ACT_REDRAW },
	{ ON_ALL, 'S', ACT_STATS },
	{ ON_I, 'l', ACT_LIMIT },
	{ ON_I | ON_P, 's', ACT_SAVE_MESSAGE },
	{ ON_I | ON_P, 'C', ACT_COPY_MESSAGE },
	{ ON_I, '/', ACT_SEARCH },
	{ ON_I, 'o', ACT_SORT },
	{ ON_I, 'O', ACT_SORT_REVERSE },
	{ ON_F | ON_I | ON_P, 'm', ACT_COMPOSE },
	{ ON_I | ON_P, 'r', ACT_REPLY },
	{ ON_I | ON_P, 'g', ACT_GROUP_REPLY },
	{ ON_I | ON_P, 'f', ACT_FORWARD },
	{ ON_I | ON_P, 'A', ACT_FORWARD_ATTACHED },
	{ ON_F | ON_I, 'R', ACT_RECALL },
	{ ON_C, 'j', ACT_DOWN },
	{ ON_C, FN(KEY_DOWN), ACT_DOWN },
	{ ON_C, 'k', ACT_UP },
	{ ON_C, FN(KEY_UP), ACT_UP },
	{ ON_C, 't', ACT_EDIT_TO },
	{ ON_C, 'c', ACT_EDIT_CC },
	{ ON_C, 'b', ACT_EDIT_BCC },
	{ ON_C, 's', ACT_EDIT_SUBJECT },
	{ ON_C, 'e', ACT_EDIT_BODY },
	{ ON_C, 'a', ACT_ATTACH },
	{ ON_C, 'D', ACT_DETACH },
	{ ON_C, 'y', ACT_SEND },
	{ ON_C, 'P', ACT_POSTPONE },
	{ ON_C, 'q', ACT_BACK },
	{ ON_C, '?', ACT_HELP },
	{ ON_C, 'S', ACT_STATS },
	{ ON_C, KEY_CTRL('L'), ACT_REDRAW },
	{ ON_C, 'Q', ACT_QUIT },
	{ ON_C, KEY_CTRL('G'), ACT_CANCEL },
	{ ON_F | ON_I | ON_P, 'X', ACT_SWITCH_ACCOUNT },
	{ ON_F | ON_I | ON_P, 'Z', ACT_LOG_OUT },
	{ ON_L, '\t', ACT_NEXT_FIELD },
	{ ON_L, FN(KEY_DOWN), ACT_NEXT_FIELD },
	{ ON_L, FN(KEY_BTAB), ACT_PREV_FIELD },
	{ ON_L, FN(KEY_UP), ACT_PREV_FIELD },
	{ ON_L, '\n', ACT_SUBMIT },
	{ ON_L, KEY_CTRL('X'), ACT_LOG_IN },
	{ ON_L, KEY_CTRL('G'), ACT_CANCEL },
	{ ON_L, 27, ACT_QUIT },
	{ ON_L, FN(KEY_F(1)), ACT_HELP },
	{ ON_L, KEY_CTRL('L'), ACT_REDRAW },
};

static struct binding *table;
static size_t ntable;

void keys_reset(void)
{
	free(table);
	ntable = sizeof defaults / sizeof defaults[0];
	table = xreallocarray(NULL, ntable, sizeof *table);
	memcpy(table, defaults, sizeof defaults);
}

static void ensure_table(void)
{
	if (table == NULL)
		keys_reset();
}

const char *keys_action_name(enum ui_action a)
{
	return a > ACT_NONE && a < ACT_COUNT ? actions[a].name : NULL;
}

const char *keys_action_note(enum ui_action a, enum ui_screen s)
{
	for (size_t i = 0; i < sizeof screen_notes / sizeof screen_notes[0]; i++)
		if (screen_notes[i].action == a && (screen_notes[i].screens & (1u << s)))
			return screen_notes[i].note;
	return a > ACT_NONE && a < ACT_COUNT ? actions[a].note : NULL;
}

enum ui_action keys_action_by_name(const char *name)
{
	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++)
		if (strcmp(actions[a].name, name) == 0)
			return (enum ui_action)a;
	return ACT_NONE;
}

const char *keys_screen_name(enum ui_screen s)
{
	return s < SCREEN_COUNT ? screen_names[s] : "?";
}

/* The first row for key on s wins; later ones with the same key are shadowed. */
static const struct binding *find(enum ui_screen s, int key)
{
	ensure_table();
	for (size_t i = 0; i < ntable; i++)
		if ((table[i].screens & (1u << s)) && table[i].key == key)
			return &table[i];
	return NULL;
}

enum ui_action keys_lookup(enum ui_screen s, int key)
{
	const struct binding *b = find(s, key);

	return b != NULL ? b->action : ACT_NONE;
}

void keys_bind(enum ui_screen s, int key, enum ui_action a)
{
	ensure_table();
	table = xreallocarray(table, ntable + 1, sizeof *table);
	memmove(&table[1], &table[0], ntable * sizeof *table);
	table[0] = (struct binding){ 1u << s, key, a };
	ntable++;
}

size_t keys_of_action(enum ui_screen s, enum ui_action a, int *keys, size_t max)
{
	size_t n = 0;

	ensure_table();
	for (size_t i = 0; i < ntable && n < max; i++) {
		if (!(table[i].screens & (1u << s)) || table[i].action != a)
			continue;
		if (find(s, table[i].key) != &table[i])
			continue;
		keys[n++] = table[i].key;
	}
	return n;
}

size_t keys_actions_of_screen(enum ui_screen s, enum ui_action *out, size_t max)
{
	size_t n = 0;
	int k;

	for (int a = ACT_NONE + 1; a < ACT_COUNT && n < max; a++)
		if (keys_of_action(s, (enum ui_action)a, &k, 1) > 0)
			out[n++] = (enum ui_action)a;
	return n;
}

static const struct named_key {
	int key;
	const char *name;
} named[] = {
	{ '\n', "Enter" },
	{ ' ', "Space" },
	{ '\t', "Tab" },
	{ 27, "Esc" },
	{ FN(KEY_DOWN), "Down" },
	{ FN(KEY_UP), "Up" },
	{ FN(KEY_LEFT), "Left" },
	{ FN(KEY_RIGHT), "Right" },
	{ FN(KEY_NPAGE), "PgDn" },
	{ FN(KEY_PPAGE), "PgUp" },
	{ FN(KEY_HOME), "Home" },
	{ FN(KEY_END), "End" },
	{ FN(KEY_BACKSPACE), "Backspace" },
	{ FN(KEY_DC), "Delete" },
	{ FN(KEY_IC), "Insert" },
	{ FN(KEY_BTAB), "BackTab" },
};

const char *keys_name(int key, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (named[i].key == key) {
			snprintf(buf, size, "%s", named[i].name);
			return buf;
		}
	if (key & KEY_FN) {
		int code = key & ~KEY_FN;
		if (code >= KEY_F(1) && code <= KEY_F(24))
			snprintf(buf, size, "F%d", code - KEY_F0);
		else
			snprintf(buf, size, "<%d>", code);
	} else if (key >= 0 && key < 32) {
		snprintf(buf, size, "^%c", key + '@');
	} else if (key == 127) {
		snprintf(buf, size, "^?");
	} else if (key > 32 && key < 127) {
		snprintf(buf, size, "%c", key);
	} else {
		struct strbuf b = STRBUF_INIT;
		utf8_put(&b, (uint32_t)key);
		snprintf(buf, size, "%s", b.s);
		strbuf_free(&b);
	}
	return buf;
}

int keys_parse(const char *name)
{
	uint32_t cp;
	size_t len = strlen(name);

	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strcasecmp(named[i].name, name) == 0)
			return named[i].key;
	if (len == 2 && name[0] == '^' && name[1] >= '@' && name[1] <= '_')
		return name[1] - '@';
	if (len == 2 && name[0] == '^' && name[1] >= 'a' && name[1] <= 'z')
		return name[1] - 'a' + 1;
	if ((len == 2 || len == 3) && (name[0] == 'F' || name[0] == 'f')) {
		int n = atoi(name + 1);
		if (n >= 1 && n <= 24)
			return FN(KEY_F(n));
	}
	if (len > 0 && utf8_decode((const unsigned char *)name, len, &cp) == len && cp > 32 &&
	    cp != 127)
		return (int)cp;
	return -1;
}
