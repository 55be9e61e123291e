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
    syslog(LOG_WARNING, "no answer from the listener about %s; waiting %d s", name, s->guesses);
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

/* A key's type as sshd names it in its log lines ("ED25519", "RSA"). */
static const char *key_type_name(ssh_key key)
{
    switch (ssh_key_type(key)) {
    case SSH_KEYTYPE_ED25519:
        return "ED25519";
    case SSH_KEYTYPE_RSA:
        return "RSA";
    case SSH_KEYTYPE_ECDSA_P256:
    case SSH_KEYTYPE_ECDSA_P384:
    case SSH_KEYTYPE_ECDSA_P521:
        return "ECDSA";
    default: {
        const char *t = ssh_key_type_to_char(ssh_key_type(key));

        return t != NULL ? t : "?";
    }
    }
}

static void answer_all_dropped(struct sess *s);

static int refuse_more(struct sess *s)
{
    return s->kill || s->authed || s->failures >= s->cfg->max_auth_tries;
}

static int on_auth_none(ssh_session ss, const char *user, void *ud)
{
    struct sess *s = ud;
    struct user kiosk = {0};

    answer_all_dropped(s);
    if (refuse_more(s))
        return SSH_AUTH_DENIED;
    /* With the kiosk off (configuration), "kiosk" is an unknown user. */
    if (strcmp(user, USER_KIOSK_NAME) != 0 || !s->cfg->kiosk) {
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

    answer_all_dropped(s);
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
    const char *type = key_type_name(key);
    int match = 0;

    /* Requests libssh dropped before this one are answered first. */
    answer_all_dropped(s);
    s->pk_pending = 0; /* this one reached us */
    if (refuse_more(s))
        return SSH_AUTH_DENIED;
    fp = cred_key_fingerprint(key);
    if (fp != NULL && strcmp(user, USER_KIOSK_NAME) != 0 &&
        db_user_auth_key(s->db, user, fp, &k, NULL) == DB_OK) {
        match = cred_key_equals(key, k.algo, k.key_b64);
        user_key_free(&k);
    }
    session_log_name(user, name, sizeof name);
    if (state == SSH_PUBLICKEY_STATE_NONE) {
        /* What a signature that fails to verify is most likely made for. */
        snprintf(s->offer_user, sizeof s->offer_user, "%s", name);
        snprintf(s->offer_key, sizeof s->offer_key, "%s %s", type, fp != NULL ? fp : "?");
    }
    if (match && state == SSH_PUBLICKEY_STATE_NONE) {
        /* Offered, not signed: "acceptable" and nothing more. */
        syslog(LOG_INFO, "Postponed publickey for %s from %s ssh2: %s %s", name, peer_text(s->peer),
               type, fp);
        free(fp);
        return SSH_AUTH_SUCCESS;
    }
    if (match && state == SSH_PUBLICKEY_STATE_VALID &&
        db_user_auth_get(s->db, user, &u, NULL) == DB_OK) {
        set_identity(s, &u);
        user_free(&u);
        syslog(LOG_INFO, "Accepted publickey for %s from %s ssh2: %s %s", name, peer_text(s->peer),
               type, fp);
        free(fp);
        return SSH_AUTH_SUCCESS;
    }
    syslog(LOG_NOTICE, "Failed publickey for %s from %s ssh2: %s %s", name, peer_text(s->peer),
           type, fp != NULL ? fp : "?");
    free(fp);
    /* A key that is not registered fails whether signed or not: nothing
     * secret was guessed.  Only a signature that does not verify is. */
    auth_failed(s, user,
                state == SSH_PUBLICKEY_STATE_NONE || state == SSH_PUBLICKEY_STATE_VALID
                    ? FAIL_OTHER
                    : FAIL_GUESS);
    return SSH_AUTH_DENIED;
}

/* --- publickey requests libssh drops ------------------------------------- */

/*
 * libssh 0.10 frees a publickey request whose signature does not verify
 * without any reply (messages.c, ssh_packet_userauth_request), and tells
 * no callback: the client waits until the login grace runs out, and the
 * attempt is neither counted nor logged.  What libssh does say is in its
 * log at SSH_LOG_PACKET: "Auth request for service ..., method publickey
 * for user 'NAME'" as each request arrives, then, for a bad signature,
 * "Received an invalid signature from peer" (or "Invalid signature packet
 * from peer", "Failed to get digest").  A publickey request that reached
 * on_auth_pubkey() was not dropped; any other was, and is answered here
 * as a failed guess, in order: before the next request is answered, or
 * once libssh has processed what it read.
 */

/* Watch libssh's log from before the key exchange until authenticated. */
static void on_libssh_log(int priority, const char *function, const char *line, void *ud)
{
    struct sess *s = ud;
    const char *msg = line, *m, *u, *end;
    size_t flen = strlen(function);

    if (s == NULL || s->authed || strcmp(function, "ssh_packet_userauth_request") != 0)
        return;
    if (strncmp(line, function, flen) == 0 && strncmp(line + flen, ": ", 2) == 0)
        msg = line + flen + 2;
    if (strncmp(msg, "Auth request for service ", 25) == 0) {
        if (s->pk_pending) {
            /* The one before was dropped. */
            s->dropped++;
            s->dropped_bad |= s->pk_bad;
            snprintf(s->dropped_user, sizeof s->dropped_user, "%s", s->pk_user);
        }
        m = strstr(msg, ", method ");
        u = strstr(msg, " for user '");
        end = strrchr(msg, '\'');
        s->pk_pending = m != NULL && strncmp(m + 9, "publickey for user", 18) == 0;
        s->pk_bad = 0;
        s->pk_user[0] = '\0';
        if (s->pk_pending && u != NULL && end > u + 11) {
            char raw[80];

            snprintf(raw, sizeof raw, "%.*s", (int)(end - u - 11), u + 11);
            session_log_name(raw, s->pk_user, sizeof s->pk_user);
        }
    } else if (strcmp(msg, "Received an invalid signature from peer") == 0 ||
               strcmp(msg, "Invalid signature packet from peer") == 0 ||
               strcmp(msg, "Failed to get digest") == 0) {
        s->pk_bad = 1;
    }
}

void session_auth_watch(struct sess *s)
{
    ssh_set_log_userdata(s);
    ssh_set_log_callback(on_libssh_log);
    ssh_set_log_level(SSH_LOG_PACKET);
}

void session_auth_unwatch(struct sess *s)
{
    ssh_set_log_level(SSH_LOG_NOLOG);
    ssh_set_log_userdata(NULL);
}

/*
 * Send SSH_MSG_USERAUTH_FAILURE for a request libssh dropped.  libssh's
 * API answers an auth request only through that request's ssh_message,
 * which it has freed; ssh_message_reply_default() reads no more of a
 * message than its session and its type, the first two members of struct
 * ssh_message_struct from libssh 0.4 to 0.11.  With another libssh, the
 * client is disconnected instead of left waiting.
 */
struct auth_message_head {
    ssh_session session;
    int type;
};

static void reply_failure(struct sess *s)
{
#if LIBSSH_VERSION_INT >= SSH_VERSION_INT(0, 9, 0) && LIBSSH_VERSION_INT < SSH_VERSION_INT(0, 12, 0)
    struct auth_message_head head = {s->ss, SSH_REQUEST_AUTH};

    if (ssh_message_reply_default((ssh_message)(void *)&head) == SSH_OK)
        return;
#endif
    ssh_session_set_disconnect_message(s->ss, "Authentication failed");
    s->kill = 1;
}

/* Answer one dropped publickey request as the failure it is. */
static void answer_dropped(struct sess *s, const char *name, int bad)
{
    int same = strcmp(name, s->offer_user) == 0 && s->offer_key[0] != '\0';

    /* A bad signature is a failed guess: it waits its turn like one (and
     * is answered after the login grace no later than at once). */
    if (bad)
        (void)wait_turn(s, name);
    /* The signed request's key is not told by libssh: the key this
     * connection last offered for the same user is the one signed for,
     * unless the client lies, and then the signature is bad anyway. */
    syslog(LOG_NOTICE, "Failed publickey for %s from %s ssh2: %s%s", name, peer_text(s->peer),
           same ? s->offer_key : "key not offered before", bad ? "" : ", malformed request");
    if (!s->kill)
        reply_failure(s);
    auth_failed(s, name, bad ? FAIL_GUESS : FAIL_OTHER);
}

/* Answer the requests known to be dropped (called first by every
 * authentication callback, so the answers keep the requests' order). */
static void answer_all_dropped(struct sess *s)
{
    while (s->dropped > 0 && !s->authed) {
        s->dropped--;
        answer_dropped(s, s->dropped_user, s->dropped_bad);
    }
    s->dropped = 0;
    s->dropped_bad = 0;
}

void session_auth_flush(struct sess *s)
{
    /* libssh has processed everything it read: a publickey request still
     * pending was neither handed to a callback nor followed by another
     * request, so it was dropped. */
    if (s->pk_pending) {
        s->dropped++;
        s->dropped_bad |= s->pk_bad;
        snprintf(s->dropped_user, sizeof s->dropped_user, "%s", s->pk_user);
        s->pk_pending = 0;
    }
    answer_all_dropped(s);
}

void session_auth_other(struct sess *s, ssh_message msg)
{
    int sub = ssh_message_subtype(msg);

    answer_all_dropped(s);
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
