/*
 * serve_internal.h: what the files of src/ssh/ share: the server's
 * configuration, host keys, connection limits and the session process.
 * Nothing outside src/ssh/ includes this.  No curses, and no db/ beyond the
 * user look-up (db/user.h).
 */
#ifndef MABDESK_SSH_SERVE_INTERNAL_H
#define MABDESK_SSH_SERVE_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

struct config;

struct serve_config {
    struct config *conf; /* where these come from; re-read on SIGHUP */
    const char *db_path;
    char *state_dir;
    char *exe;          /* this program, for exec "mabdesk ui" (the UI template) */
    int login_grace;    /* seconds to authenticate */
    int max_auth_tries; /* failed attempts of any method per connection */
    int idle_timeout;   /* seconds; kiosk_idle for the kiosk */
    int kiosk_idle;
    int max_session;    /* seconds, 0: none */
    int max_sessions;   /* total connections at once */
    int startups_begin; /* MaxStartups begin:rate:full */
    int startups_rate;
    int startups_full;
    int per_source_max;    /* new connections per network block ... */
    int per_source_window; /* ... within this many seconds */
    int auth_delay;        /* seconds between checks after an account's first failure ... */
    int auth_delay_max;    /* ... doubling after each, up to this */
    int penalty;           /* seconds of penalty per connection failing to authenticate */
    int penalty_min;       /* a network block is refused from this much ... */
    int penalty_max;       /* ... for growing times, up to this */
    int log_stderr;
    int kiosk;        /* the kiosk account logs in without credentials */
    const char *lang; /* the sessions' language; NULL: the locale's */
    int compression;  /* offer zlib@openssh.com (after authentication) */
};

/* Read the configuration again (SIGHUP) and apply what can change while
 * running; logs what it did.  The old settings stay on an error. */
void serve_reload(struct serve_config *);

/* --- the UI processes (ui_spawn.c, ui_template.c, ui_entry.c) -------------- */

/*
 * "mabdesk ui" is the UI template: the listener starts it (fork + exec, so
 * it never holds a host key or a client's socket) with its end of a
 * SOCK_SEQPACKET socket pair on TEMPLATE_FD; every session process holds
 * the other end.  A request is one message: its text and two descriptors
 * (SCM_RIGHTS), the pty slave and the session's end of a new socket pair
 * on which the template answers (struct ui_reply).  The text is
 * NUL-separated: the identity ("key=value" lines: user, role,
 * municipality, idle, max), the language ("" for the locale's), then the
 * UI's environment, one "NAME=value" each.
 */
enum { TEMPLATE_FD = 3, UI_REQUEST_MAX = 16384 };

enum ui_reply_type {
    UI_STARTED = 's', /* value: the UI's pid; a pidfd of it goes along, if any */
    UI_ENDED = 'x',   /* value: its exit status, 128 + the signal that ended it */
    UI_FAILED = 'f'   /* value: errno of the fork */
};

struct ui_reply {
    int type;
    int value;
};

/* The listener: start the template with fd (the template's end) on
 * TEMPLATE_FD.  Its pid, or -1 (logged). */
pid_t ui_template_start(const struct serve_config *, int fd);

/* A request, in the UI's process: the pty slave and the text, malloc'd. */
struct ui_request {
    int tty;
    char *text;
    size_t len;
};

/* The template's loop, on req_fd until SIGTERM: 0 there; 1 in each forked
 * child, with *out to become the UI of (ui_entry.c). */
int ui_template_run(int req_fd, struct ui_request *out);

/* --- host keys (hostkey.c) ------------------------------------------------ */

/* Paths of the host keys in the state directory, in the order offered. */
int hostkey_paths(const char *state_dir, char ***paths, int *n);
/* Create the state directory (0700) and any missing host key (0600); refuse
 * a key file readable by others.  0, or -1 with *err. */
int hostkey_ensure(const char *state_dir, char **err);
/* Print "TYPE SHA256:... PATH" per host key.  0, or -1 with *err. */
int hostkey_print_fingerprints(const char *state_dir, char **err);
/* Apply the algorithm lists, RSA minimum, no system config, and the host
 * keys to bind.  0, or -1 with *err. */
int hostkey_configure_bind(ssh_bind bind, const char *state_dir, char **err);
/* The accepted public key types on a session (the bind's other lists
 * reach it in ssh_bind_accept_fd()), and compression: with compress,
 * zlib@openssh.com (delayed until after authentication, so nothing
 * unauthenticated reaches zlib) for clients that ask for it (ssh -C),
 * else none.  Call before ssh_bind_accept_fd(), which fixes what the bind
 * does not set from these. */
void hostkey_configure_session(ssh_session s, int compress);

/* --- limits at accept (limits.c) ------------------------------------------ */

/*
 * The network block an address counts in for per-source limits, penalties
 * and throttling, as text: IPv4 addresses each on their own ("192.0.2.1/32",
 * IPv4-mapped IPv6 addresses too), IPv6 by /64 ("2001:db8:1:2::/64"), as
 * OpenSSH's PerSourceNetBlockSize 32:64.  0, or -1 with addr copied when it
 * is no address.
 */
int limits_netblock(const char *addr, char *out, size_t n);

struct limits;
struct limits *limits_new(const struct serve_config *);
void limits_free(struct limits *);

/* The connections open when a new one arrives. */
struct limits_load {
    int total;  /* open connections */
    int unauth; /* of which not yet authenticated */
    int prekex; /* of which not even through the key exchange */
};

enum limits_verdict {
    LIMITS_ACCEPT,
    LIMITS_EVICT, /* accept, after ending the oldest connection still before
                   * its key exchange */
    LIMITS_REFUSE
};

/*
 * A new TCP connection from source (a network block) at time now (monotonic
 * seconds).  rnd: a number in 0..99 (the MaxStartups drop decision).  On
 * LIMITS_REFUSE, *why is the reason, a static line to send before closing.
 * An accepted connection counts towards its source's rate.
 */
enum limits_verdict limits_check(struct limits *, const char *source, double now,
                                 const struct limits_load *, int rnd, const char **why);

/* --- penalties per network block (penalty.c) -------------------------------- */

struct penalty;
struct penalty *penalty_new(const struct serve_config *);
void penalty_free(struct penalty *);
/* Seconds new connections from block are still refused at now; 0: none. */
double penalty_left(struct penalty *, const char *block, double now);
/* A connection from block ended without authenticating after a failed
 * attempt.  The length of the refusal this starts (seconds), or 0. */
double penalty_authfail(struct penalty *, const char *block, double now);

/* --- throttling per account (throttle.c) ------------------------------------ */

struct throttle;
struct throttle *throttle_new(const struct serve_config *);
void throttle_free(struct throttle *);
/* The spacing of checks after `fails` recent failed guesses (seconds). */
double throttle_delay(const struct serve_config *, int fails);
/* A password or signature of account name is about to be checked for a
 * connection from block: the seconds to wait first (its turn is booked). */
double throttle_ask(struct throttle *, const char *name, const char *block, double now);
/* That check failed: the account's recent failures; *delay the spacing of
 * checks now in force. */
int throttle_failed(struct throttle *, const char *name, double now, double *delay);
/* Authenticated: checks from block need no more waiting. */
void throttle_succeeded(struct throttle *, const char *name, const char *block);

/* --- the session process (session.c) -------------------------------------- */

struct peer {
    char addr[64];
    int port;
};

/*
 * What a session process tells the listener: one datagram per report on a
 * SOCK_SEQPACKET socket pair.  The listener keeps in memory what every
 * connection must see (the slots and, per source and per account, how
 * authentication went) and believes a session only about its own
 * connection.
 */
enum report_type {
    REPORT_KEX = 'k',    /* the key exchange is done */
    REPORT_ASK = 'q',    /* a guess for user is to be checked: how long to wait? */
    REPORT_FAILED = 'f', /* an attempt for user failed; guess: 1 if it was a guess */
    REPORT_AUTHED = 'a', /* authenticated as user; nothing follows */
};

struct report {
    char type;
    char guess;       /* REPORT_FAILED: a password or a signature, not another method */
    char user[65];    /* NUL-terminated, as a log line shows it */
    unsigned int seq; /* REPORT_ASK: repeated in the answer */
};

/* The listener's answer to REPORT_ASK. */
struct report_answer {
    unsigned int seq;
    unsigned int wait_ms;
};

/* --- the listener (listener.c) ----------------------------------------------- */

/* Accept on the listening sockets and run every connection until SIGTERM
 * or SIGINT; then end every session, each telling its user why.  SIGHUP:
 * serve_reload(), and the sessions go on. */
void listener_run(struct serve_config *, const int *lfd, int nlfd, ssh_bind bind);

/*
 * Run one connection in this (forked) process: key exchange, authentication,
 * the channel and the UI.  report_fd: the session's end of the socket pair
 * to the listener (reports above), closed once authenticated; template_fd:
 * the sessions' end of the UI template's socket pair, closed once the UI
 * is asked for.  Returns when the connection is over.
 */
void session_run(ssh_bind bind, int fd, const struct peer *, const struct serve_config *,
                 int report_fd, int template_fd);

/* Format a peer for log lines: "ADDR port PORT". */
const char *peer_text(const struct peer *);

#endif
