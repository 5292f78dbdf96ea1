/* The full-screen client's state, shared by its screens: the account and its
 * worker, the folder list, the open folder's messages, the message in the
 * pager, and the status line. Only the UI thread touches it. */
#ifndef SKUA_UI_UI_INTERNAL_H
#define SKUA_UI_UI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "app/addrbook.h"
#include "app/app.h"
#include "app/outgoing.h"
#include "app/watch_thread.h"
#include "app/msglist.h"
#include "app/msgview.h"
#include "app/worker.h"
#include "mail/message.h"
#include "net/metrics.h"
#include "ui/keys.h"
#include "ui/lineedit.h"
#include "ui/textedit.h"

struct ui_folder {
	char *name;          /* server name, for requests */
	char *display;       /* terminal-safe */
	unsigned flags;      /* IMAP_FOLDER_* */
	uint32_t messages, unseen;
	int counted;         /* 1 once STATUS answered, -1 when it was refused */
};

/* A line of the pager: a piece of the sanitized text and how to show it. */
struct pager_line {
	size_t off, len;     /* into ui.pager_text */
	unsigned short role; /* enum draw_role */
	unsigned short name_len;   /* header lines: bytes of "Name:" drawn as a header */
};

/* A request in flight and what its replies are for. */
struct ui_pending {
	uint64_t id;
	enum worker_req_kind kind;
	uint32_t uid;        /* FETCH, FLAGS, MOVE: the message */
	unsigned flags;      /* FLAGS: what changed */
	int add;
	int undo;            /* MOVE: it takes the last move back */
	char *folder;        /* the folder it was made in */
};

/* The last move, for undo: the message's folder before and after, and its
 * UID after (from COPYUID). */
struct ui_last_move {
	char *from, *to;     /* server names; NULL when there is nothing to undo */
	uint32_t uid;        /* in to; 0 when the server did not say */
};

/* The message being written on the compose screen. */
struct ui_compose {
	struct app_outgoing *out;
	enum ui_screen from;         /* the screen it returns to */
	size_t att_cursor;
	int editing;                 /* the built-in editor has the keys */
	struct textedit te;
	int flow;                    /* the questions still to ask at the start */
	char **asking;               /* the address field a question is open for */
	uint64_t busy_id;            /* SEND or POSTPONE in flight, 0 if none */
	enum worker_req_kind busy_kind;
	size_t sent, total;          /* bytes of the message submitted so far */
	char busy_text[128];
};

struct ui;

/* What a prompt does with its answer. */
struct ui_prompt_spec {
	/* Text prompts: the answer typed (NULL when aborted with ^G or Esc). */
	void (*done)(struct ui *u, const char *answer, void *ctx);
	/* Yes/no prompts: called on y; any other key answers no. */
	void (*yes)(struct ui *u, void *ctx);
	/* One-key prompts (ui_prompt_choice): called with the key pressed;
	 * ^G and Esc close the prompt without a call. */
	void (*key)(struct ui *u, int key, void *ctx);
	/* Tab completion of the word after the last complete_sep (0: the whole
	 * line); NULL: none. */
	lineedit_candidate_fn complete;
	char complete_sep;
	int secret;             /* a password: drawn as '*', wiped after the answer */
	void *ctx;              /* borrowed; must live until the answer */
};

/* The question open on the message line, if any. */
struct ui_prompt {
	int active;
	int yesno;              /* one key answers it: y/n, or spec.key */
	char question[256];     /* terminal-safe */
	struct lineedit line;
	struct ui_prompt_spec spec;
};

struct ui {
	struct app *app;
	struct worker *worker;
	char *account_label;         /* "name <address>", terminal-safe */
	char *account_name;          /* terminal-safe */
	enum ui_screen screen;
	enum ui_screen help_from;    /* the screen help returns to */
	int quit;
	int dirty;                   /* redraw before the next wait */
	int64_t now;                 /* wall clock of this loop turn, seconds */

	/* Requests in flight. */
	struct ui_pending *pending;
	size_t npending;

	/* Connection and folder list. */
	uint64_t connect_id;         /* 0 when no CONNECT runs */
	int connected;               /* a CONNECT succeeded */
	struct ui_folder *folders;
	size_t nfolders;
	size_t folder_cursor, folder_top;

	/* The open folder. */
	char *folder;                /* server name, NULL if none */
	char *folder_display;        /* terminal-safe */
	struct msglist *msgs;
	struct msgview *view;         /* what the index shows of msgs (the limit) */
	uint64_t open_id;            /* 0 when loading ended */
	size_t load_done, load_total;
	int load_partial;            /* loading was cancelled or failed: the list is incomplete */
	int user_moved;              /* the cursor was moved during loading */
	size_t cursor, top;          /* positions in view */
	uint32_t cursor_uid;

	/* The pager. */
	uint32_t pager_uid;          /* 0 if no message is shown */
	uint64_t fetch_id;           /* 0 when no fetch runs */
	uint32_t fetch_uid;
	enum ui_action fetch_for;    /* ACT_NONE: for the pager; else the reply,
				      * forward or recall it starts */
	size_t fetch_done, fetch_total;
	struct mail_message *message;
	char *pager_text;            /* sanitized lines the pager_line entries point into */
	struct pager_line *lines;
	size_t nlines;
	int lines_width;             /* the width the lines were wrapped for */
	size_t pager_top;
	/* An attachment's text from a copiousoutput mailcap entry, shown in
	 * place of the message until back; NULL when the message is shown. */
	char *pager_view;
	char *pager_view_title;      /* "Attachment: [2] name (type)", not yet sanitized */

	/* Help. */
	size_t help_top;

	/* Statistics: records of earlier runs from the metrics log (this run's
	 * come from the sink), and the selected row. */
	enum ui_screen stats_from;   /* the screen stats returns to */
	uint64_t run_start_wall_us;  /* records before this are earlier runs' */
	struct metric_record *stats_log;
	size_t nstats_log;
	int stats_log_loaded;
	size_t stats_cursor, stats_top;

	/* New mail: the watcher's thread, the request loading new messages into
	 * the open folder, and the status bar's mark. */
	struct watch_thread *watch;
	enum watch_state watch_state;
	uint64_t newer_id;           /* 0 when none runs */
	int newer_again;             /* more arrived while loading: load again after */
	char new_mail[160];          /* terminal-safe; "" when no mark */
	uint64_t new_mail_us;        /* when the mark was set (monotonic) */

	/* A question on the message line takes every key while it is open. */
	struct ui_prompt prompt;
	uint32_t confirm_uid;        /* the message a yes/no question is about */
	uint32_t move_uid;           /* the message a "Move to folder" question is about */
	int move_copy;               /* ... and whether it copies instead */
	uint64_t search_id;          /* the server search running, 0 if none */
	char *search_text;           /* what it searches for, as typed */
	struct ui_last_move last_move;
	size_t save_which;           /* the attachment being saved, or all */

	/* Writing: the message on the compose screen, the addresses known. */
	struct ui_compose *compose;  /* NULL when none is being written */
	struct addrbook *addrbook;
	/* Switching accounts (account_switch.c): the next account's app, opened
	 * while this one runs; once its secret is had, switch_ready ends the
	 * loop and ui_main starts the client again on it. */
	struct app *next_app;
	int switch_ready;
	/* Logging out: the config file and account the login screen offers
	 * once this account's connections are closed; ui_main frees them. */
	char *login_path, *login_account;

	/* The message line under the status bar. */
	char note[512];              /* terminal-safe */
	int note_error;
	uint64_t note_until_us;      /* 0: until replaced */
	uint64_t note_set_us;        /* when it was written (monotonic) */
	char op[160];                /* what the worker is doing, terminal-safe */
};

/* Content rows between the title line and the status bar. */
int ui_body_rows(void);

/* ui.c */
/* Takes the terminal for the full-screen client (curses modes, colours, the
 * signal pipe); once it has, calling it again only sets the modes again. */
int ui_start_screen(struct err *e);
void ui_note(struct ui *u, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Posts req and remembers it; returns its id. */
uint64_t ui_post(struct ui *u, struct worker_req *req, uint32_t uid);
void ui_cancel_all(struct ui *u);
void ui_connect(struct ui *u);
void ui_open_folder(struct ui *u, const char *name, const char *display);
void ui_show_help(struct ui *u);
/* The folder named name in the folder list, or NULL. */
struct ui_folder *ui_folder_find(struct ui *u, const char *name);
/* Keeps the folder list's counts of the open folder in step with the index. */
void ui_update_folder_counts(struct ui *u);
/* The message under the index cursor, or NULL. */
struct msg_summary *ui_current(struct ui *u);
/* Sets flags of the message (add or remove) locally and on the server. */
void ui_change_flags(struct ui *u, struct msg_summary *m, unsigned flags, int add);
/* Flips one flag of the message (ignores NULL), as the flag and new keys do. */
void ui_toggle_flag(struct ui *u, struct msg_summary *m, unsigned flag);

/* move.c: moves, copies and their replies. */
/* Moves the last moved message back where it was. */
void ui_undo(struct ui *u);
void ui_last_move_clear(struct ui *u);
/* Moves the message to Trash and returns 1; inside Trash it asks whether to
 * delete the message for good instead and returns 0, as it does when the
 * message has a request running already. */
int ui_delete(struct ui *u, struct msg_summary *m);
/* Asks for a folder (Tab completes the names) and moves the message there,
 * or copies it when copy is 1; a move can be undone. */
void ui_move_ask(struct ui *u, struct msg_summary *m, int copy);
/* The final reply to a FLAGS, MOVE, COPY or EXPUNGE request p. */
void ui_change_reply(struct ui *u, const struct ui_pending *p, struct worker_reply *r);

/* search.c: the server search of the open folder. */
/* Asks for a text and searches the open folder on the server for it. */
void ui_search_ask(struct ui *u);
/* A reply to the running search. */
void ui_search_reply(struct ui *u, struct worker_reply *r);
/* Ends the search (and cancels one running): every message shows again. */
void ui_search_clear(struct ui *u);
/* The message line while a search runs; 0 when none does. */
int ui_search_progress(struct ui *u, char *buf, size_t size);

/* sort.c: asks for the index's order with one key (reversed if reverse). */
void ui_sort_ask(struct ui *u, int reverse);

/* Screens: draw the body rows, and handle an action (1 if handled). */
void screen_folders_draw(struct ui *u);
int screen_folders_action(struct ui *u, enum ui_action a);
/* A reply to the CONNECT request: the folder list, its counts, the outcome. */
void screen_folders_connect_reply(struct ui *u, struct worker_reply *r);
void screen_index_draw(struct ui *u);
int screen_index_action(struct ui *u, enum ui_action a);
/* Keeps the cursor on cursor_uid after the list changed. */
void screen_index_follow(struct ui *u);
/* A prompt for the limit pattern, then the index shows only what matches. */
void screen_index_limit(struct ui *u);
/* Moves the index cursor to pos (clamped). */
void screen_index_set_cursor(struct ui *u, size_t pos);
void screen_pager_draw(struct ui *u);
int screen_pager_action(struct ui *u, enum ui_action a);
/* Shows the message at the index cursor: fetches it. */
void screen_pager_open(struct ui *u);
/* A fetched message arrived for uid; the pager owns m now. */
void screen_pager_show(struct ui *u, uint32_t uid, struct mail_message *m);
void screen_pager_clear(struct ui *u);
/* Shows text (owned now, not yet sanitized) under title in place of the
 * message; back returns to the message. */
void screen_pager_show_view(struct ui *u, char *title, char *text);
void screen_help_draw(struct ui *u);
int screen_help_action(struct ui *u, enum ui_action a);
/* Shows the statistics, reading the metrics log of earlier runs once. */
void screen_stats_open(struct ui *u);
void screen_stats_draw(struct ui *u);
int screen_stats_action(struct ui *u, enum ui_action a);
void screen_stats_free(struct ui *u);

/* newmail.c: the watcher's thread and what its notes change. */
void ui_newmail_start(struct ui *u);
/* Takes every note the watcher queued. */
void ui_newmail_take(struct ui *u);
/* Loads the open folder's messages newer than the index holds. */
void ui_newmail_load(struct ui *u);
/* A reply to the request ui_newmail_load made. */
void ui_newmail_reply(struct ui *u, struct worker_reply *r);
/* Stops the watcher; -1 if its thread is stuck in a connect (see
 * watch_thread_stop), when the app must not be freed. */
int ui_newmail_stop(struct ui *u);

/* save_attachments.c: asks which attachment of the shown message and where
 * to, then saves it. */
void ui_save_attachments(struct ui *u);
/* 1 when the pager shows a message with attachments; else notes why not. */
int ui_attachments_shown(struct ui *u);
/* The attachment an answer names (1 to natts of the shown message) in *i,
 * and 1; else a note naming the choices (others: more of them) and 0. */
int ui_attachment_number(struct ui *u, const char *answer, const char *others, size_t *i);

/* open_attachment.c: asks which attachment of the shown message (when
 * several) and opens it through its mailcap entry. */
void ui_open_attachment(struct ui *u);
/* account_switch.c: asks which account, opens it and gets its password;
 * then the loop ends and ui_main runs the client on it. */
void ui_account_switch(struct ui *u);
/* Asks, then ends the loop: ui_main closes the account's connections and
 * shows the login screen (ui_log_in_after). */
void ui_account_log_out(struct ui *u);
/* After a log-out (ui_main): the login screen over path, then *next is the
 * app logged in to (NULL when the user quit). Frees path and account.
 * Returns 0, or -1 with e set. */
int ui_log_in_after(struct app **next, char *path, char *account, struct err *e);

/* prompt.c: questions on the message line. A new prompt replaces an open
 * one. */
void ui_prompt_text(struct ui *u, const struct ui_prompt_spec *spec, const char *initial,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ui_prompt_yesno(struct ui *u, void (*yes)(struct ui *u, void *ctx), void *ctx, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));
/* One key answers: spec->key gets it. */
void ui_prompt_choice(struct ui *u, const struct ui_prompt_spec *spec, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ui_prompt_close(struct ui *u);
/* Gives key to the open prompt; 0 if none is open. */
int ui_prompt_key(struct ui *u, int key);
/* Draws the open prompt over the message line and puts the cursor in it. */
void ui_prompt_draw(struct ui *u);

/* compose.c: writing a message. Starts a new message (ACT_COMPOSE), a
 * reply, group reply, forward or forward-attached of the message at the
 * cursor or in the pager, or resumes a draft (ACT_RECALL). */
void ui_compose_start(struct ui *u, enum ui_action how);
/* The message a FETCH brought for how (ui.fetch_for); takes m. */
void ui_compose_fetched(struct ui *u, enum ui_action how, uint32_t uid, struct mail_message *m);
/* A reply to a SEND or POSTPONE: progress, then the final one. */
void ui_compose_reply(struct ui *u, struct worker_reply *r);
/* The built-in editor takes every key while it is open: 1 if it took key. */
int ui_compose_key(struct ui *u, int key);
/* Quitting with a message being written asks first; 1 when it asked. */
int ui_compose_quit(struct ui *u);
/* What the message line says while a SEND or POSTPONE runs, or NULL. */
const char *ui_compose_busy(struct ui *u);
/* At exit: a message still being written is kept in dead.letter under the
 * state folder, and its path returned (caller frees), or NULL. */
char *ui_compose_save_dead(struct ui *u);
void ui_compose_close(struct ui *u);
/* The compose screen's keys: a question for a header field or the text,
 * sending, postponing. */
void ui_compose_edit_field(struct ui *u, enum ui_action a);
void ui_compose_send(struct ui *u);
void ui_compose_postpone(struct ui *u);
void screen_compose_draw(struct ui *u);
int screen_compose_action(struct ui *u, enum ui_action a);
/* The addresses of a message shown or answered go to the address book. */
void ui_addrbook_seen(struct ui *u, const struct mail_message *m);
/* The address book's completion, for prompts of addresses. */
char *ui_complete_address(const char *word, size_t nth, void *ctx);
/* complete_path.c: the nth path completing word (folders end in "/"). */
char *ui_complete_path(const char *word, size_t nth, int dirs_only);

/* status.c: the title line, the status bar and the message line. */
void status_draw(struct ui *u);
/* "q:quit  ?:help ..." for the screen, from the live key table. */
void status_hints(enum ui_screen s, char *buf, size_t size);

#endif
