/* The full-screen client's part of the config: bind and color lines. */
#ifndef SKUA_UI_UI_CONFIG_H
#define SKUA_UI_UI_CONFIG_H

#include "conf/config.h"
#include "util/err.h"

/* Checks every bind and color line of c and applies it to the key table and
 * the colour roles (before draw_init), in file order so later lines win.
 * An unknown screen, key, action, role or colour is ERR_CONFIG
 * "FILE:LINE: ..."; the lines before it stay applied. */
int ui_config_apply(const struct config *c, struct err *e);

#endif
