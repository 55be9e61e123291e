/*
 * app.h: the full-screen application: screen stack, key loop, resize, idle
 * timeout, status line and key bar.  The same code runs locally and, under
 * "mabdesk ui", inside an SSH session's pty.
 */
#ifndef MABDESK_APP_H
#define MABDESK_APP_H

struct db;

struct app_options {
    const char *lang; /* "bn", "en" or NULL (environment) */
    int kiosk;        /* kiosk mode: no quit key, idle returns home, ^C ^Z ^\ ignored */
    int idle_timeout; /* seconds; 0 = none */
    int idle_exit;    /* 1: idle ends the program (SSH); 0: returns to home (local kiosk) */
    int max_session;  /* seconds; 0 = none */
};

/* Run the TUI on db until the user quits.  Returns 0, or non-zero with *err
 * set (e.g. no terminal). */
int app_run(struct db *, const struct app_options *, char **err);

#endif
