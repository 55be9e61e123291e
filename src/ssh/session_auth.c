/*
 * session_auth.c: authentication in an SSH session process: "none" for the
 * kiosk only, passwords and public keys against the users table, and every
 * other method refused and counted.
 *
 * Must never: give an identity before libssh has verified a signature or
 * the password matched; carry anything from one authentication attempt to
 * the next.  No curses, and no db/ beyond the user look-up.
 */
#include "ssh/session.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "db/user.h"
#include "ssh/cred.h"

static void set_identity(struct sess *s, const struct user *u)
{
    memset(&s->ident, 0, sizeof s->ident);
    snprintf(s->ident.user, sizeof s->ident.user, "%s", u->name);
    s->ident.role = u->role;
    s->ident.municipality_id = u->role == ROLE_MUNICIPAL ? u->municipality_id : 0;
    s->authed = 1;
}

/* What a failed attempt was.  Only a guess at a secret (a password, a
 * signature) is throttled; a key offered without a signature, a key nobody
 * registered or a method not offered here is answered at once, so a client
 * with several keys loaded reaches its right one. */
enum failure { FAIL_GUESS, FAIL_OTHER };

/* A failed attempt: tell the listener, count it (every failed method
 * counts, as OpenSSH's MaxAuthTries), and past the limit have the loop
 * disconnect. */
static void auth_failed(struct sess *s, const char *user, enum failure kind)
{
    struct report r = {.type = REPORT_FAILED, .guess = kind == FAIL_GUESS};
    char name[65];

    session_log_name(user, name, sizeof name);
    snprintf(r.user, sizeof r.user, "%s", name);
    session_report(s, &r);
    s->failures++;
    s->guesses += kind == FAIL_GUESS;
    if (s->failures >= s->cfg->max_auth_tries) {
        syslog(LOG_NOTICE,
               "Disconnecting authenticating user %s %s: Too many authentication "
               "failures",
               name, peer_text(s->peer));
        ssh_session_set_disconnect_message(s->ss, "Too many authentication failures");
        s->kill = 1;
    }
}

/* The listener's answer to "a guess for name is to be checked": seconds
 * to wait for its turn.  Without an answer, this connection's own count
 * of failed guesses, in seconds. */
static double ask_listener(struct sess *s, const char *name)
{
    struct report r = {.type = REPORT_ASK, .seq = ++s->asks};
    struct report_answer a;
    double until = session_now() + 2;

    snprintf(r.user, sizeof r.user, "%s", name);
    session_report(s, &r);
    while (s->report_fd >= 0 && session_now() < until) {
        struct pollfd p = {s->report_fd, POLLIN, 0};

        if (poll(&p, 1, (int)((until - session_now()) * 1000) + 1) != 1)
            continue;
        if (recv(s->report_fd, &a, sizeof a, 0) != (ssize_t)sizeof a)
            break;
        if (a.seq == r.seq)
            return a.wait_ms / 1000.0;
    }
    return s->guesses;
}

/* Wait for the turn of a guess for name (throttle.c, in the listener).
 * 0: check it now; -1: its turn comes after the login grace, so it is not
 * checked at all. */
static int wait_turn(struct sess *s, const char *name)
{
    double wait = ask_listener(s, name);
    double left = (double)s->auth_deadline.tv_sec - session_now();
    struct timespec ts;

    if (wait <= 0)
        return 0;
    if (wait >= left - 0.5)
        return -1;
    ts.tv_sec = (time_t)wait;
    ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    return 0;
}

static int refuse_more(struct sess *s)
{
    return s->kill || s->authed || s->failures >= s->cfg->max_auth_tries;
}

static int on_auth_none(ssh_session ss, const char *user, void *ud)
{
    struct sess *s = ud;
    struct user kiosk = {0};

    if (refuse_more(s))
        return SSH_AUTH_DENIED;
    if (strcmp(user, USER_KIOSK_NAME) != 0) {
        /* The probe every client sends first is no failure; another is. */
        if (s->nones++ > 0)
            auth_failed(s, user, FAIL_OTHER);
        return SSH_AUTH_DENIED;
    }
    kiosk.name = (char *)USER_KIOSK_NAME;
    kiosk.role = ROLE_KIOSK;
    set_identity(s, &kiosk);
    syslog(LOG_INFO, "Accepted none for %s from %s ssh2", USER_KIOSK_NAME, peer_text(s->peer));
    return SSH_AUTH_SUCCESS;
}

static int on_auth_password(ssh_session ss, const char *user, const char *password, void *ud)
{
    struct sess *s = ud;
    struct user u;
    char name[65];
    int found, ok;

    if (refuse_more(s))
        return SSH_AUTH_DENIED;
    session_log_name(user, name, sizeof name);
    /* Known user or not, the same turn and the same hash. */
    if (wait_turn(s, name) != 0) {
        syslog(LOG_NOTICE,
               "Failed password for %s from %s ssh2: not checked, too many recent failures", name,
               peer_text(s->peer));
        auth_failed(s, user, FAIL_OTHER);
        return SSH_AUTH_DENIED;
    }
    found = strcmp(user, USER_KIOSK_NAME) != 0 && db_user_auth_get(s->db, user, &u, NULL) == DB_OK;
    ok = cred_password_check(password, found ? u.password_hash : NULL);
    if (found && ok) {
        set_identity(s, &u);
        user_free(&u);
        syslog(LOG_INFO, "Accepted password for %s from %s ssh2", name, peer_text(s->peer));
        return SSH_AUTH_SUCCESS;
    }
    if (found)
        user_free(&u);
    syslog(LOG_NOTICE, "Failed password for %s%s from %s ssh2", found ? "" : "invalid user ", name,
           peer_text(s->peer));
    auth_failed(s, user, FAIL_GUESS);
    return SSH_AUTH_DENIED;
}

static int on_auth_pubkey(ssh_session ss, const char *user, struct ssh_key_struct *key, char state,
                          void *ud)
{
    struct sess *s = ud;
    struct user_key k;
    struct user u;
    char name[65], *fp;
    const char *type = ssh_key_type_to_char(ssh_key_type(key));
    int match = 0;

    if (refuse_more(s))
        return SSH_AUTH_DENIED;
    fp = cred_key_fingerprint(key);
    if (fp != NULL && strcmp(user, USER_KIOSK_NAME) != 0 &&
        db_user_auth_key(s->db, user, fp, &k, NULL) == DB_OK) {
        match = cred_key_equals(key, k.algo, k.key_b64);
        user_key_free(&k);
    }
    session_log_name(user, name, sizeof name);
    if (match && state == SSH_PUBLICKEY_STATE_NONE) {
        /* Offered, not signed: "acceptable" and nothing more. */
        syslog(LOG_INFO, "Postponed publickey for %s from %s ssh2: %s %s", name, peer_text(s->peer),
               type != NULL ? type : "?", fp);
        free(fp);
        return SSH_AUTH_SUCCESS;
    }
    if (match && state == SSH_PUBLICKEY_STATE_VALID &&
        db_user_auth_get(s->db, user, &u, NULL) == DB_OK) {
        set_identity(s, &u);
        user_free(&u);
        syslog(LOG_INFO, "Accepted publickey for %s from %s ssh2: %s %s", name, peer_text(s->peer),
               type != NULL ? type : "?", fp);
        free(fp);
        return SSH_AUTH_SUCCESS;
    }
    syslog(LOG_NOTICE, "Failed publickey for %s from %s ssh2: %s %s", name, peer_text(s->peer),
           type != NULL ? type : "?", fp != NULL ? fp : "?");
    free(fp);
    /* A key that is not registered fails whether signed or not: nothing
     * secret was guessed.  Only a signature that does not verify is. */
    auth_failed(s, user,
                state == SSH_PUBLICKEY_STATE_NONE || state == SSH_PUBLICKEY_STATE_VALID
                    ? FAIL_OTHER
                    : FAIL_GUESS);
    return SSH_AUTH_DENIED;
}

void session_auth_other(struct sess *s, ssh_message msg)
{
    int sub = ssh_message_subtype(msg);

    if (sub != SSH_AUTH_METHOD_NONE && !refuse_more(s)) {
        char name[65];

        session_log_name(ssh_message_auth_user(msg) ? ssh_message_auth_user(msg) : "", name,
                         sizeof name);
        syslog(LOG_NOTICE, "Failed %s for %s from %s ssh2",
               sub == SSH_AUTH_METHOD_INTERACTIVE ? "keyboard-interactive" : "method", name,
               peer_text(s->peer));
        auth_failed(s, name, FAIL_OTHER);
    }
}

void session_auth_callbacks(struct sess *s, struct ssh_server_callbacks_struct *cb)
{
    cb->auth_none_function = on_auth_none;
    cb->auth_password_function = on_auth_password;
    cb->auth_pubkey_function = on_auth_pubkey;
}
