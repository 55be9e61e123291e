/*
 * ptyreq.h: what a client may ask of the session channel before and
 * during the UI (pty-req, window-change, env), checked as values alone:
 * no libssh, no files, no state beyond what the caller hands in.  The
 * callbacks in session.c are thin calls into these; tests/fuzz/
 * fuzz_sshreq.c and tests/unit/test_ptyreq.c drive them directly.
 *
 * Must never: let a byte the client chose reach the UI's environment or
 * terminal type unless it is in the plain sets below; give a size the pty
 * or curses cannot take.
 */
#ifndef MABDESK_SSH_PTYREQ_H
#define MABDESK_SSH_PTYREQ_H

#include <stddef.h>

enum {
    PTYREQ_TERM_MAX = 60,  /* characters of a terminal type */
    PTYREQ_COLS_MAX = 500, /* a bigger size is cut to these */
    PTYREQ_ROWS_MAX = 200,
    PTYREQ_COLS_DEFAULT = 80, /* for a size of 0 (or one over 2^31) */
    PTYREQ_ROWS_DEFAULT = 24,
    PTYREQ_NAME_MAX = 31,  /* characters of an environment variable's name ... */
    PTYREQ_VALUE_MAX = 63, /* ... and of its value */
};

/* 1 if term can be a terminfo name: 1 to PTYREQ_TERM_MAX of
 * "A-Za-z0-9.+-_".  Whether the entry exists is the session's to find. */
int ptyreq_term_plain(const char *term);

/* A size in cells as pty-req or window-change sent it (a uint32 the
 * caller holds as int): 0 or "negative" gives the default, more than the
 * maximum the maximum.  Pixel sizes are never asked for: the UI draws in
 * cells. */
void ptyreq_size(int cols, int rows, int *cols_out, int *rows_out);

/* What a granted pty-req leaves the session with. */
struct ptyreq_pty {
    char term[PTYREQ_TERM_MAX + 4]; /* a plain name, or "": the server picks one */
    int cols, rows;
};

/*
 * pty-req on a channel that has_pty already (1/0) and on which a shell or
 * command was asked for (asked, 1/0): 0 with *out filled, or -1 refused
 * (one pty per channel, and none once the shell is asked for).  term may
 * be NULL.
 */
int ptyreq_pty(int has_pty, int asked, const char *term, int cols, int rows,
               struct ptyreq_pty *out);

/* window-change: 0 with the new size, or -1 refused (no pty yet). */
int ptyreq_window(int has_pty, int cols, int rows, int *cols_out, int *rows_out);

/* 1 if an env request for name=value may reach the UI: LANG or LC_*
 * (not LC_ALL) with a plain locale name ("A-Za-z0-9._-@", at most
 * PTYREQ_VALUE_MAX). */
int ptyreq_env_ok(const char *name, const char *value);

/*
 * env: add "name=value" to env (nenv entries of at most max, malloc'd
 * strings), or replace the entry of the same name, as setenv() would: 0,
 * or -1 refused (not ptyreq_env_ok(), or env full).
 */
int ptyreq_env(char **env, int *nenv, int max, const char *name, const char *value);

#endif
