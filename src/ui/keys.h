/* The key table: every binding of every screen with its action, and each
 * action's name and one-line note. The help screen and skua(1) follow it;
 * the live table can be changed (keys_bind), so bindings from the config
 * need nothing else. */
#ifndef SKUA_UI_KEYS_H
#define SKUA_UI_KEYS_H

#include <stddef.h>

enum ui_screen {
	SCREEN_FOLDERS,
	SCREEN_INDEX,
	SCREEN_PAGER,
	SCREEN_HELP,
	SCREEN_STATS,
	SCREEN_COMPOSE,
	SCREEN_LOGIN,    /* the first-run screen: a form, so letters are text */
	SCREEN_COUNT,
};

enum ui_action {
	ACT_NONE = 0,
	ACT_DOWN,
	ACT_UP,
	ACT_PAGE_DOWN,
	ACT_PAGE_UP,
	ACT_FIRST,
	ACT_LAST,
	ACT_OPEN,
	ACT_BACK,
	ACT_QUIT,
	ACT_HELP,
	ACT_FOLDERS,
	ACT_NEXT_UNREAD,
	ACT_NEXT_MESSAGE,
	ACT_PREV_MESSAGE,
	ACT_DELETE,
	ACT_FLAG,
	ACT_TOGGLE_NEW,
	ACT_REFRESH,
	ACT_CANCEL,
	ACT_REDRAW,
	ACT_STATS,
	ACT_SAVE_ATTACHMENTS,
	ACT_UNDO,
	ACT_LIMIT,
	ACT_SAVE_MESSAGE,
	ACT_COPY_MESSAGE,
	ACT_SEARCH,
	ACT_SORT,
	ACT_SORT_REVERSE,
	ACT_COMPOSE,
	ACT_REPLY,
	ACT_GROUP_REPLY,
	ACT_FORWARD,
	ACT_FORWARD_ATTACHED,
	ACT_RECALL,
	ACT_EDIT_TO,
	ACT_EDIT_CC,
	ACT_EDIT_BCC,
	ACT_EDIT_SUBJECT,
	ACT_EDIT_BODY,
	ACT_ATTACH,
	ACT_DETACH,
	ACT_SEND,
	ACT_POSTPONE,
	ACT_OPEN_ATTACHMENT,
	ACT_NEXT_FIELD,
	ACT_PREV_FIELD,
	ACT_SUBMIT,
	ACT_LOG_IN,
	ACT_SWITCH_ACCOUNT,
	ACT_LOG_OUT,
	ACT_COUNT,
};

/* Keys are Unicode code points, or curses KEY_* codes with KEY_FN set, so
 * the two never collide. Enter is '\n' and Backspace is KEY_FN|KEY_BACKSPACE
 * whatever the terminal sends. */
#define KEY_FN 0x40000000
#define KEY_CTRL(c) ((c) & 0x1f)

/* "down", "open" ...; NULL for ACT_NONE. */
const char *keys_action_name(enum ui_action a);
/* One line saying what a does on screen s; NULL for ACT_NONE. */
const char *keys_action_note(enum ui_action a, enum ui_screen s);
/* ACT_NONE if name is no action. */
enum ui_action keys_action_by_name(const char *name);
/* "folders", "index", "pager", "help", "stats", "compose", "login". */
const char *keys_screen_name(enum ui_screen s);

/* The action bound to key on screen, ACT_NONE if none. */
enum ui_action keys_lookup(enum ui_screen s, int key);
/* Binds key on screen to a (ACT_NONE unbinds it); later bindings win. */
void keys_bind(enum ui_screen s, int key, enum ui_action a);
/* Restores the default table (for tests; the program starts with it). */
void keys_reset(void);

/* A key's name as help and skua(1) show it: "j", "Down", "Enter", "^G",
 * "Space", "PgDn". Writes into buf (at least 16 bytes) and returns it. */
const char *keys_name(int key, char *buf, size_t size);
/* The key named name, or -1. */
int keys_parse(const char *name);

/* Bindings of screen s in table order, one per action: fills up to max keys
 * bound to a into keys and returns their count. */
size_t keys_of_action(enum ui_screen s, enum ui_action a, int *keys, size_t max);
/* The actions bound on screen s, in the table's order of actions, for help. */
size_t keys_actions_of_screen(enum ui_screen s, enum ui_action *out, size_t max);

#endif
