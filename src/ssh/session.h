/*
 * session.h: the state of one SSH connection, shared by the files of its
 * session process: session.c (the connection, the channel and the pump),
 * session_auth.c (authentication) and ui_spawn.c (its UI).  Nothing outside
 * src/ssh/ includes this.  No curses.
 */
#ifndef MABDESK_SSH_SESSION_H
#define MABDESK_SSH_SESSION_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "auth.h"
#include "ssh/serve_internal.h"

enum {
    OUT_MAX = 64 * 1024, /* pty output waiting for the client's window */
    IN_MAX = 16 * 1024,  /* client input waiting for the UI to read */
    ENV_MAX = 16
};

enum pending { PEND_NONE, PEND_SHELL, PEND_EXEC, PEND_DONE };

struct sess {
    const struct serve_config *cfg;
    const struct peer *peer;
    ssh_session ss;
    ssh_event ev;
    ssh_channel ch;
    struct ssh_server_callbacks_struct scb;
    struct ssh_channel_callbacks_struct ccb;
    struct db *db;
    int report_fd; /* to the listener; -1 once authenticated */

    /* Authentication: ident is only written on success. */
    int authed;
    int failures;      /* failed attempts of every method */
    int guesses;       /* of which failed passwords and signatures */
    int nones;         /* "none" requests */
    unsigned int asks; /* REPORT_ASKs sent */
    /* Publickey requests libssh drops (session_auth.c): the one being
     * processed, those found dropped and not yet answered, and the key
     * last offered without a signature. */
    int pk_pending, pk_bad;
    char pk_user[65];
    int dropped, dropped_bad;
    char dropped_user[65];
    char offer_user[65];
    char offer_key[128]; /* "ED25519 SHA256:..." */
    int kill;            /* disconnect at the next turn of the loop */
    struct session ident;
    struct timespec auth_deadline;

    /* The session channel's requests. */
    int pty;
    char term[64];
    int cols, rows;
    enum pending pending;
    char *env[ENV_MAX];
    int nenv;

    /* The UI (ui_spawn.c): the socket to the UI template until the UI is
     * asked for; then the UI's pid while it runs, a pidfd to signal and
     * watch it with, and the socket on which the template tells how it
     * ended (-1 once the template is gone). */
    int template_fd;
    pid_t child;
    int child_pidfd;
    int child_fd;

    /* The pump. */
    int master;
    short master_events; /* what the event loop watches on master; 0: not added */
    int master_eof;
    int exit_status;
    int client_closed;
    unsigned char out[OUT_MAX];
    size_t outlen;
    unsigned char in[IN_MAX];
    size_t inlen;
    unsigned long long bytes_in, bytes_out;
    time_t started;
    double authed_at;     /* monotonic */
    double closing_since; /* monotonic; 0 while the channel is open */
};

/* Monotonic seconds. */
double session_now(void);
/* A name as the client sent it, safe for one log line: at most 64
 * characters, anything but printable ASCII shown as '?'. */
void session_log_name(const char *in, char *out, size_t n);

/* Tell the listener (struct report); nothing once authenticated. */
void session_report(struct sess *, const struct report *);

/* --- ui_spawn.c ------------------------------------------------------------ */

/* Open the pty (s->master) and have the UI template fork the session's UI
 * on it: 0, or -1 (logged). */
int ui_start(struct sess *);
/* Wait up to block_ms for the UI to end: 1 once it has (s->child 0,
 * s->exit_status its status, or -1 when that is unknown), else 0. */
int ui_wait(struct sess *, int block_ms);
/* Send sig to the UI while it runs. */
void ui_kill(struct sess *, int sig);
/* Close what is left of the UI's descriptors. */
void ui_release(struct sess *);

/* --- session_auth.c ------------------------------------------------------ */

/* Set the authentication callbacks (none, password, publickey) in cb. */
void session_auth_callbacks(struct sess *, struct ssh_server_callbacks_struct *cb);
/* From before the key exchange until authenticated, follow libssh's log
 * for the publickey requests it drops without a word; then stop. */
void session_auth_watch(struct sess *);
void session_auth_unwatch(struct sess *);
/* After libssh has processed what it read: answer the requests it
 * dropped. */
void session_auth_flush(struct sess *);
/* An authentication request no callback handles (keyboard-interactive,
 * hostbased, ...), seen by the message callback: refused and counted. */
void session_auth_other(struct sess *, ssh_message);

#endif
