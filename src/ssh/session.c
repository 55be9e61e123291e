/*
 * session.c: one SSH connection, in its own process (forked by the
 * listener): key exchange, authentication (session_auth.c) against the
 * users table, then one session channel whose pty-req + shell has the UI
 * template fork the application on a pty (ui_spawn.c), and the byte pump
 * between the channel and the pty master.
 *
 * Must never: let the UI process see the socket, the host key or anything
 * the client sent other than keys, TERM, the window size, LANG and LC_*;
 * block on a stalled client with unbounded memory.  No curses here.
 */
#include "ssh/session.h"

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>

#include "auth.h"
#include "db/db.h"
#include "i18n.h"
#include "ssh/ptyreq.h"
#include "util.h"

enum { CLOSE_GRACE_MS = 3000 };

const char *peer_text(const struct peer *p)
{
    static char buf[96];

    snprintf(buf, sizeof buf, "%s port %d", p->addr, p->port);
    return buf;
}

double session_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void session_log_name(const char *in, char *out, size_t n)
{
    size_t j = 0;

    for (size_t i = 0; in[i] != '\0' && j + 1 < n && i < 64; i++) {
        unsigned char c = (unsigned char)in[i];

        out[j++] = c >= 0x21 && c < 0x7f ? (char)c : '?';
    }
    out[j] = '\0';
}

void session_report(struct sess *s, const struct report *r)
{
    if (s->report_fd < 0)
        return;
    if (send(s->report_fd, r, sizeof *r, MSG_NOSIGNAL) != (ssize_t)sizeof *r)
        syslog(LOG_ERR, "report to the listener: %s", strerror(errno));
}

/* --- messages no callback handles --------------------------------------- */

/* Everything the callbacks do not handle arrives here; returning 1 makes
 * libssh send its default reply, which refuses. */
static int on_message(ssh_session ss, ssh_message msg, void *ud)
{
    struct sess *s = ud;
    int type = ssh_message_type(msg), sub = ssh_message_subtype(msg);
    const char *who = s->authed ? s->ident.user : "-";

    switch (type) {
    case SSH_REQUEST_AUTH:
        session_auth_other(s, msg);
        break;
    case SSH_REQUEST_CHANNEL_OPEN:
        syslog(LOG_NOTICE, "refused %s channel for %s from %s",
               sub == SSH_CHANNEL_DIRECT_TCPIP      ? "port forwarding (direct-tcpip)"
               : sub == SSH_CHANNEL_FORWARDED_TCPIP ? "port forwarding (forwarded-tcpip)"
               : sub == SSH_CHANNEL_X11             ? "X11"
               : sub == SSH_CHANNEL_AUTH_AGENT      ? "agent"
                                                    : "an extra session",
               who, peer_text(s->peer));
        break;
    case SSH_REQUEST_CHANNEL:
        syslog(LOG_NOTICE, "refused %s request for %s from %s",
               sub == SSH_CHANNEL_REQUEST_X11 ? "X11 forwarding" : "a channel", who,
               peer_text(s->peer));
        break;
    case SSH_REQUEST_GLOBAL:
        if (sub == SSH_GLOBAL_REQUEST_TCPIP_FORWARD)
            syslog(LOG_NOTICE, "refused remote port forwarding for %s from %s", who,
                   peer_text(s->peer));
        break;
    default:
        break;
    }
    return 1;
}

/* --- channel requests -------------------------------------------------- */

static void set_winsize(struct sess *s)
{
    struct winsize ws = {0};

    ws.ws_col = (unsigned short)s->cols;
    ws.ws_row = (unsigned short)s->rows;
    if (s->master >= 0)
        ioctl(s->master, TIOCSWINSZ, &ws);
}

static int on_pty_request(ssh_session ss, ssh_channel ch, const char *term, int cols, int rows,
                          int px, int py, void *ud)
{
    struct sess *s = ud;
    struct ptyreq_pty p;

    if (ptyreq_pty(s->pty, s->pending != PEND_NONE, term, cols, rows, &p) != 0)
        return -1;
    s->pty = 1;
    snprintf(s->term, sizeof s->term, "%s", p.term);
    s->cols = p.cols;
    s->rows = p.rows;
    return 0;
}

static int on_window_change(ssh_session ss, ssh_channel ch, int cols, int rows, int px, int py,
                            void *ud)
{
    struct sess *s = ud;

    if (ptyreq_window(s->pty, cols, rows, &s->cols, &s->rows) != 0)
        return -1;
    set_winsize(s);
    return 0;
}

static int on_shell(ssh_session ss, ssh_channel ch, void *ud)
{
    struct sess *s = ud;

    if (s->pending != PEND_NONE)
        return 1;
    s->pending = PEND_SHELL;
    return 0;
}

static int on_exec(ssh_session ss, ssh_channel ch, const char *command, void *ud)
{
    struct sess *s = ud;

    if (s->pending != PEND_NONE)
        return 1;
    syslog(LOG_NOTICE, "refused exec request for %s from %s", s->ident.user, peer_text(s->peer));
    s->pending = PEND_EXEC;
    return 0;
}

static int on_subsystem(ssh_session ss, ssh_channel ch, const char *subsystem, void *ud)
{
    struct sess *s = ud;
    const char *why = _("mabdesk: file transfer and other subsystems are not available here\r\n");
    char name[80];

    session_log_name(subsystem != NULL ? subsystem : "", name, sizeof name);
    syslog(LOG_NOTICE, "refused subsystem %s for %s from %s", name, s->ident.user,
           peer_text(s->peer));
    ssh_channel_write_stderr(ch, why, (uint32_t)strlen(why));
    return 1;
}

/* libssh sends no reply to auth-agent-req (OpenSSH asks for none): it is
 * refused by never opening an agent channel.  Logged here. */
static void on_agent_request(ssh_session ss, ssh_channel ch, void *ud)
{
    struct sess *s = ud;

    syslog(LOG_NOTICE, "refused agent forwarding for %s from %s", s->ident.user,
           peer_text(s->peer));
}

/* LANG and LC_* with a plain locale name (ptyreq.h); everything else is
 * refused. */
static int on_env(ssh_session ss, ssh_channel ch, const char *name, const char *value, void *ud)
{
    struct sess *s = ud;
    char shown[80];

    if (ptyreq_env(s->env, &s->nenv, ENV_MAX, name, value) == 0)
        return 0;
    session_log_name(name != NULL ? name : "", shown, sizeof shown);
    syslog(LOG_INFO, "refused environment variable %s for %s from %s", shown, s->ident.user,
           peer_text(s->peer));
    return 1;
}

static int on_data(ssh_session ss, ssh_channel ch, void *data, uint32_t len, int is_stderr,
                   void *ud)
{
    struct sess *s = ud;
    size_t room, take;

    if (s->master < 0 || s->master_eof)
        return (int)len; /* nobody to read it */
    room = IN_MAX - s->inlen;
    take = len < room ? len : room;
    memcpy(s->in + s->inlen, data, take);
    s->inlen += take;
    s->bytes_in += take;
    /* What did not fit stays with libssh, which then holds back the
     * client's window. */
    return (int)take;
}

static void on_eof(ssh_session ss, ssh_channel ch, void *ud)
{
    /* EOF on a terminal session's input changes nothing: the UI decides
     * when it ends. */
}

static void on_close(ssh_session ss, ssh_channel ch, void *ud)
{
    struct sess *s = ud;

    s->client_closed = 1;
}

static ssh_channel on_channel_open(ssh_session ss, void *ud)
{
    struct sess *s = ud;

    if (s->ch != NULL)
        return NULL; /* one session channel per connection */
    s->ch = ssh_channel_new(ss);
    if (s->ch == NULL)
        return NULL;
    ssh_callbacks_init(&s->ccb);
    s->ccb.userdata = s;
    s->ccb.channel_data_function = on_data;
    s->ccb.channel_eof_function = on_eof;
    s->ccb.channel_close_function = on_close;
    s->ccb.channel_pty_request_function = on_pty_request;
    s->ccb.channel_shell_request_function = on_shell;
    s->ccb.channel_pty_window_change_function = on_window_change;
    s->ccb.channel_exec_request_function = on_exec;
    s->ccb.channel_env_request_function = on_env;
    s->ccb.channel_subsystem_request_function = on_subsystem;
    s->ccb.channel_auth_agent_req_function = on_agent_request;
    /* No X11 callback on purpose: libssh would answer it with success.
     * Without one, x11-req reaches on_message and is refused. */
    ssh_set_channel_callbacks(s->ch, &s->ccb);
    return s->ch;
}

/* --- the pump --------------------------------------------------------- */

/* Hand the client's keys to the UI, as far as the pty takes them now. */
static void pump_in(struct sess *s)
{
    ssize_t n;

    if (s->master < 0 || s->master_eof || s->inlen == 0)
        return;
    n = write(s->master, s->in, s->inlen);
    if (n > 0) {
        memmove(s->in, s->in + n, s->inlen - (size_t)n);
        s->inlen -= (size_t)n;
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        s->inlen = 0;
    }
}

/* The pty master is writable (keys waiting) or readable (output). */
static int on_master(socket_t fd, int revents, void *ud)
{
    struct sess *s = ud;

    if (revents & POLLOUT)
        pump_in(s);
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        size_t room = OUT_MAX - s->outlen;

        if (room > 0) {
            ssize_t n = read(s->master, s->out + s->outlen, room);

            if (n > 0)
                s->outlen += (size_t)n;
            else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                s->master_eof = 1; /* EIO: the UI closed the terminal */
        }
    }
    return 0;
}

/* Send what the client's window allows. */
static void flush_out(struct sess *s)
{
    while (s->outlen > 0 && s->ch != NULL && ssh_channel_is_open(s->ch)) {
        uint32_t win = ssh_channel_window_size(s->ch);
        size_t n = s->outlen < win ? s->outlen : win;
        int w;

        if (n == 0)
            break;
        if (n > 32768)
            n = 32768;
        w = ssh_channel_write(s->ch, s->out, (uint32_t)n);
        if (w <= 0)
            break;
        memmove(s->out, s->out + w, s->outlen - (size_t)w);
        s->outlen -= (size_t)w;
        s->bytes_out += (unsigned long long)w;
    }
}

/* Watch the master for what the buffers have room for. */
static void update_master(struct sess *s)
{
    short want = 0;

    if (s->master < 0)
        return;
    if (!s->master_eof && s->outlen < OUT_MAX)
        want |= POLLIN;
    if (!s->master_eof && s->inlen > 0)
        want |= POLLOUT;
    if (want == s->master_events)
        return;
    if (s->master_events != 0)
        ssh_event_remove_fd(s->ev, s->master);
    s->master_events = want;
    if (want != 0)
        ssh_event_add_fd(s->ev, s->master, want, on_master, s);
}

/* Tell a client without a terminal (or asking for a command) why not. */
static void refuse_channel(struct sess *s, const char *why)
{
    ssh_channel_write_stderr(s->ch, why, (uint32_t)strlen(why));
    ssh_channel_request_send_exit_status(s->ch, 1);
    ssh_channel_send_eof(s->ch);
    ssh_channel_close(s->ch);
    s->closing_since = session_now();
}

static void handle_pending(struct sess *s)
{
    enum pending p = s->pending;

    if (p == PEND_NONE || p == PEND_DONE)
        return;
    s->pending = PEND_DONE;
    if (p == PEND_EXEC) {
        refuse_channel(s, _("mabdesk: commands are not available here; connect with "
                            "\"ssh -t\" for the application\r\n"));
        return;
    }
    if (!s->pty) {
        syslog(LOG_NOTICE, "refused a session without a terminal for %s from %s", s->ident.user,
               peer_text(s->peer));
        refuse_channel(s, _("mabdesk: this service needs a terminal; use \"ssh -t\"\r\n"));
        return;
    }
    if (ui_start(s) != 0)
        refuse_channel(s, _("mabdesk: the application could not be started\r\n"));
}

/* End the UI: SIGHUP, as when the terminal goes, then SIGKILL. */
static void stop_ui(struct sess *s)
{
    if (s->child > 0) {
        ui_kill(s, SIGHUP);
        if (!ui_wait(s, 2000)) {
            ui_kill(s, SIGKILL);
            ui_wait(s, 2000);
        }
    }
}

static void end_ui(struct sess *s, int status_known)
{
    stop_ui(s);
    syslog(LOG_INFO,
           "session closed for %s from %s: duration %lds, bytes in %llu out %llu, exit status %d",
           s->ident.user, peer_text(s->peer), (long)(time(NULL) - s->started), s->bytes_in,
           s->bytes_out, status_known ? s->exit_status : -1);
}

/* --- the connection ---------------------------------------------------- */

static int open_db(struct sess *s)
{
    struct session reader;
    char *err = NULL;

    /* Read-only: the session process only looks users up. */
    memset(&reader, 0, sizeof reader);
    snprintf(reader.user, sizeof reader.user, "%s", "mabdesk-serve");
    reader.role = ROLE_VIEWER;
    if (db_open(&s->db, s->cfg->db_path, &reader, &err) != DB_OK) {
        syslog(LOG_ERR, "%s", err != NULL ? err : "?"); /* names the file */
        free(err);
        return -1;
    }
    return 0;
}

/* The client is done with the session: exit status, EOF, close, then give
 * the client a moment to read it all. */
static void finish_channel(struct sess *s)
{
    if (s->ch != NULL && ssh_channel_is_open(s->ch)) {
        /* Unknown when the UI template ended before the UI did. */
        if (s->exit_status >= 0)
            ssh_channel_request_send_exit_status(s->ch, s->exit_status);
        ssh_channel_send_eof(s->ch);
        ssh_channel_close(s->ch);
    }
}

/* SIGTERM from the listener: the server is going down. */
static volatile sig_atomic_t going_down;

static void on_going_down(int sig)
{
    going_down = 1;
}

/* End the UI, pass on what it still wrote (curses leaving the screen),
 * tell the user why, and close the channel cleanly. */
static void go_down(struct sess *s)
{
    static const char *bye = N_("mabdesk: the server is going down");
    ssize_t n;

    syslog(LOG_INFO, "the server is going down: ending the session from %s", peer_text(s->peer));
    if (!s->authed || s->ch == NULL) {
        ssh_session_set_disconnect_message(s->ss, _(bye));
        return;
    }
    stop_ui(s);
    while (s->master >= 0 && s->outlen < OUT_MAX &&
           (n = read(s->master, s->out + s->outlen, OUT_MAX - s->outlen)) > 0)
        s->outlen += (size_t)n;
    n = snprintf((char *)s->out + s->outlen, OUT_MAX - s->outlen, "\r\n%s\r\n", _(bye));
    if (n > 0 && (size_t)n < OUT_MAX - s->outlen)
        s->outlen += (size_t)n;
    flush_out(s);
    finish_channel(s);
}

static void run_loop(struct sess *s)
{
    int ui_ended = 0;

    for (;;) {
        int rc = ssh_event_dopoll(s->ev, 200);
        double now;

        if (rc == SSH_ERROR || !ssh_is_connected(s->ss))
            break;
        if (s->kill)
            break;
        if (going_down) {
            go_down(s);
            break;
        }
        now = session_now();
        if (!s->authed) {
            session_auth_flush(s);
            if (s->kill)
                break;
            if (now >= (double)s->auth_deadline.tv_sec) {
                syslog(LOG_NOTICE, "Timeout before authentication for %s", peer_text(s->peer));
                ssh_session_set_disconnect_message(s->ss, "Login grace time exceeded");
                break;
            }
            continue;
        }
        if (s->report_fd >= 0) {
            /* Tell the listener: no longer an unauthenticated connection. */
            struct report r = {.type = REPORT_AUTHED};

            snprintf(r.user, sizeof r.user, "%s", s->ident.user);
            session_report(s, &r);
            close(s->report_fd);
            s->report_fd = -1;
            session_auth_unwatch(s);
            alarm(0);
            ssh_set_blocking(s->ss, 0);
            s->authed_at = now;
            /* The users table is all it was open for: an idle session
             * holds no schema or page cache of its own, and gives the
             * pages back. */
            db_close(s->db);
            s->db = NULL;
            malloc_trim(0);
        }
        handle_pending(s);
        pump_in(s);
        flush_out(s);
        update_master(s);
        if (s->child > 0 && s->master_eof && s->outlen == 0 && !ui_ended && ui_wait(s, 1000)) {
            ui_ended = 1;
            finish_channel(s);
            s->closing_since = now;
        }
        if (s->client_closed)
            break;
        if (s->closing_since != 0 && now - s->closing_since > CLOSE_GRACE_MS / 1000.0)
            break;
        /* Authenticated but never asked for a session (ssh -N): not for long. */
        if (s->pending == PEND_NONE && now - s->authed_at > s->cfg->login_grace) {
            syslog(LOG_NOTICE, "no session requested by %s from %s", s->ident.user,
                   peer_text(s->peer));
            ssh_session_set_disconnect_message(s->ss, "No session requested");
            break;
        }
    }
    if (s->started != 0)
        end_ui(s, ui_ended);
}

void session_run(ssh_bind bind, int fd, const struct peer *peer, const struct serve_config *cfg,
                 int report_fd, int template_fd)
{
    struct sess *s = xcalloc(1, sizeof *s);
    long timeout = cfg->login_grace;

    s->cfg = cfg;
    s->peer = peer;
    s->master = -1;
    s->report_fd = report_fd;
    s->template_fd = template_fd;
    s->child_pidfd = -1;
    s->child_fd = -1;
    clock_gettime(CLOCK_MONOTONIC, &s->auth_deadline);
    s->auth_deadline.tv_sec += cfg->login_grace;
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    sigaction(SIGTERM, &(struct sigaction){.sa_handler = on_going_down}, NULL);
    /* A last resort for a client stuck inside the key exchange. */
    signal(SIGALRM, SIG_DFL);
    alarm((unsigned int)cfg->login_grace + 5);

    s->ss = ssh_new();
    if (s->ss == NULL)
        goto out;
    /* Before accepting: libssh fixes the session's algorithm lists there,
     * and takes what the bind does not set (compression) from here. */
    hostkey_configure_session(s->ss, s->cfg->compression);
    if (ssh_bind_accept_fd(bind, s->ss, fd) != SSH_OK) {
        syslog(LOG_ERR, "accept from %s: %s", peer_text(peer), ssh_get_error(bind));
        goto out;
    }
    fd = -1; /* the session owns it now */
    ssh_options_set(s->ss, SSH_OPTIONS_TIMEOUT, &timeout);
    ssh_callbacks_init(&s->scb);
    s->scb.userdata = s;
    session_auth_callbacks(s, &s->scb);
    s->scb.channel_open_request_session_function = on_channel_open;
    ssh_set_server_callbacks(s->ss, &s->scb);
    ssh_set_message_callback(s->ss, on_message, s);
    ssh_set_auth_methods(s->ss, SSH_AUTH_METHOD_PUBLICKEY | SSH_AUTH_METHOD_PASSWORD);
    session_auth_watch(s);
    if (ssh_handle_key_exchange(s->ss) != SSH_OK) {
        syslog(LOG_INFO, "key exchange with %s failed: %s", peer_text(peer), ssh_get_error(s->ss));
        goto out;
    }
    /* Only now: opening the database parses its whole schema, the most a
     * connection cost before this, and a flood of connections that close
     * or send garbage never gets here. */
    if (open_db(s) != 0)
        goto out;
    /* From now on the listener will not end this connection to make room. */
    session_report(s, &(struct report){.type = REPORT_KEX});
    s->ev = ssh_event_new();
    if (s->ev == NULL || ssh_event_add_session(s->ev, s->ss) != SSH_OK)
        goto out;
    run_loop(s);
out:
    session_auth_unwatch(s);
    if (s->ev != NULL) {
        if (s->master_events != 0)
            ssh_event_remove_fd(s->ev, s->master);
        if (s->ss != NULL)
            ssh_event_remove_session(s->ev, s->ss);
        ssh_event_free(s->ev);
    }
    if (s->master >= 0)
        close(s->master);
    if (s->ss != NULL) {
        if (ssh_is_connected(s->ss)) {
            ssh_blocking_flush(s->ss, 2000);
            ssh_disconnect(s->ss);
        }
        ssh_free(s->ss);
    }
    if (fd >= 0)
        close(fd);
    if (s->report_fd >= 0)
        close(s->report_fd);
    if (s->template_fd >= 0)
        close(s->template_fd);
    ui_release(s);
    for (int i = 0; i < s->nenv; i++)
        free(s->env[i]);
    if (s->db != NULL)
        db_close(s->db);
    free(s);
}
