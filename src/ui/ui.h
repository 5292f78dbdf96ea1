/* The full-screen client's entry point. */
#ifndef SKUA_UI_UI_H
#define SKUA_UI_UI_H

/* Runs the TUI until the user quits; returns the process exit code. */
int ui_main(const char *config_path, const char *account);

#endif
