/*
 * app.h: the full-screen application: screen stack, key loop, resize, idle
 * timeout, status line and key bar.  The same code runs locally and, under
 * "mabdesk ui", inside an SSH session's pty.
 *
 * Screens (screens/) call the services below.  Widgets (src/ui/) never do:
 * they return what happened, and the screen that owns them calls the app.
 */
#ifndef MABDESK_APP_H
#define MABDESK_APP_H

#include "actions.h"
#include "util.h"

struct db;
struct screen;
struct session;

struct app_options {
    const char *lang; /* "bn", "en" or NULL (environment) */
    int kiosk;        /* kiosk mode: no quit key, idle returns home, ^C ^Z ^\ ignored */
    int idle_timeout; /* seconds; 0 = none */
    int idle_exit;    /* 1: idle ends the program (SSH); 0: returns to home (local kiosk) */
    int max_session;  /* seconds; 0 = none */
    int remote;       /* an SSH session (app_remote()) */
    int lean;         /* lean mode (ui_set_lean()); also on by itself at 9600 baud or less */
    /* The screens the app itself opens, handed in so that it never names
     * one (screens.h): the first screen, which app_home() and a kiosk's
     * idle timeout return to, and the help for the top screen (? or F1).
     * Both required. */
    struct screen *(*root)(void);
    struct screen *(*help)(const struct screen *from);
};

/* Run the TUI on db until the user quits.  Returns 0, or non-zero with *err
 * set (e.g. no terminal). */
int app_run(struct db *, const struct app_options *, char **err);

/* The stack.  app_pop() takes effect at once, but the
 * screen that is removed is freed only after the current key is handled,
 * so a screen may pop itself from its key function. */
void app_push(struct screen *);
void app_pop(void);
/* Pop everything above the first screen (home). */
void app_home(void);

/* A one-line message in the status line until the next key. */
void app_status(const char *fmt, ...) MAB_PRINTF(1, 2);
void app_error(const char *fmt, ...) MAB_PRINTF(1, 2);
struct db *app_db(void);
const struct session *app_session(void);
int app_kiosk(void);
/* 1 in an SSH session, 0 at the local terminal. */
int app_remote(void);
/* action_allowed() for this session. */
int app_allowed(enum action_id, long long record);
/* The key the key bar names for an action on this terminal: its function
 * key ("F1"), or where terminfo has none, the first other key that does
 * it ("^G").  Static storage, valid until the next call. */
const char *app_key_name(enum action_id);

#endif
