/*
 * serve.h: "mabdesk serve" (the SSH listener and its session processes)
 * and "mabdesk ui" (the application inside an SSH session's pty).
 *
 * Both return an enum db_status-like value for main.c to turn into an exit
 * code, or SERVE_USAGE after printing a usage message; nothing here exits
 * the listener's process except through that return.
 */
#ifndef MABDESK_SSH_SERVE_H
#define MABDESK_SSH_SERVE_H

enum { SERVE_USAGE = -1 };

/*
 * mabdesk serve [--listen ADDR:PORT]... [--state-dir DIR] [--fingerprints]
 *               [--max-sessions N] [--idle-timeout SECS]
 *               [--max-session-time SECS] [--log-stderr]
 *               [--auth-delay SECS] [--auth-delay-max SECS]
 *               [--penalty SECS] [--penalty-min SECS] [--penalty-max SECS]
 * db_path: the database (main.c resolves --db / MABDESK_DB / the default).
 * Runs until SIGTERM / SIGINT.  *err set on failure.
 */
int serve_main(const char *db_path, int argc, char **argv, char **err);

/*
 * mabdesk ui: run by an SSH session process on a pty slave.  The identity
 * (user, role, municipality) and the session limits come from the pipe the
 * session process left on file descriptor 3 — never from the environment
 * or the command line, which a client could influence.  lang: --lang.
 */
int serve_ui_main(const char *db_path, const char *lang, int argc, char **argv, char **err);

#endif
