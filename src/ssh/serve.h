/*
 * serve.h: "mabdesk serve" (the SSH listener and its session processes)
 * and "mabdesk ui" (the UI template, which forks the application inside
 * each SSH session's pty).
 *
 * Both return an enum db_status-like value for main.c to turn into an exit
 * code, or SERVE_USAGE after printing a usage message; nothing here exits
 * the listener's process except through that return.
 */
#ifndef MABDESK_SSH_SERVE_H
#define MABDESK_SSH_SERVE_H

struct config;

enum { SERVE_USAGE = -1 };

/*
 * mabdesk serve [--listen ADDR:PORT]... [--state-dir DIR] [--fingerprints]
 *               [--max-sessions N] [--idle-timeout SECS]
 *               [--max-session-time SECS] [--log-stderr]
 *               [--auth-delay SECS] [--auth-delay-max SECS]
 *               [--penalty SECS] [--penalty-min SECS] [--penalty-max SECS]
 * conf: the settings main.c loaded (config.h); the options above are added
 * to it as command-line overrides, kept when SIGHUP re-reads the files.
 * Runs until SIGTERM / SIGINT.  *err set on failure.
 */
int serve_main(struct config *conf, int argc, char **argv, char **err);

/*
 * mabdesk ui [--log-stderr]: the UI template, started by "mabdesk serve"
 * with its socket on file descriptor 3 (refused otherwise).  It forks the
 * application for each SSH session on that session's pty and returns
 * here in each child, and in itself when told to stop.  A UI's identity
 * (user, role, municipality), its session limits and its language come
 * from the session process's request — never from the environment or the
 * command line, which a client could influence.
 */
int serve_ui_main(const char *db_path, int argc, char **argv, char **err);

#endif
