/*
 * ui_spawn.c: how an SSH session gets its UI.  The listener starts the UI
 * template ("mabdesk ui", ui_template.c) by fork and exec, and again when
 * it ends; a session process opens the pty and asks the template for a UI
 * on it, sending the identity it authenticated, and the template forks one
 * (serve_internal.h describes the request).  Afterwards the session
 * signals the UI through a pidfd (its pid where the kernel, or valgrind,
 * has none) and learns its exit status from the template.
 *
 * Must never: let anything the client sent other than keys, TERM (when a
 * terminfo entry of that name exists), the window size, LANG and LC_*
 * reach the UI; give the template a host key, a client's socket or
 * anything the listener holds but the request socket.
 */
#include "ssh/session.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "auth.h"
#include "util.h"

/* How long a session waits for the template's answer: a template that has
 * just ended is started again within a second or so. */
enum { UI_START_MS = 10000 };

/* Server-side variables the UI may inherit: set by whoever started the
 * server, never by a client. */
static const char *const keep_env[] = {
    "MABDESK_LOCALEDIR", "MABDESK_TZ",   "MABDESK_WEEK_START", "TZ",           "TERMINFO",
    "TERMINFO_DIRS",     "ASAN_OPTIONS", "UBSAN_OPTIONS",      "LSAN_OPTIONS", "TMPDIR",
};

/* PATH and the server-side variables, for the template's exec or a
 * session's request: malloc'd strings into *n of env (room for
 * nitems(keep_env) + 1 more). */
static void server_env(char **env, int *n)
{
    env[(*n)++] = xstrdup("PATH=/usr/local/bin:/usr/bin:/bin");
    for (size_t i = 0; i < nitems(keep_env); i++) {
        const char *v = getenv(keep_env[i]);

        if (v != NULL)
            env[(*n)++] = xasprintf("%s=%s", keep_env[i], v);
    }
}

static void free_strv(char **v)
{
    for (int i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

/* --- the template (in the listener) --------------------------------------- */

pid_t ui_template_start(const struct serve_config *cfg, int fd)
{
    char *argv[] = {cfg->exe,
                    (char *)"--db",
                    (char *)cfg->db_path,
                    (char *)"ui",
                    cfg->log_stderr ? (char *)"--log-stderr" : NULL,
                    NULL};
    char **env = xcalloc(nitems(keep_env) + 3, sizeof *env);
    pid_t parent = getpid(), pid;
    int n = 0;

    server_env(env, &n);
    env[n++] = xstrdup("LANG=C.UTF-8");
    pid = fork();
    if (pid < 0)
        syslog(LOG_ERR, "cannot start the UI template: fork: %s", strerror(errno));
    if (pid == 0) {
        int t = fcntl(fd, F_DUPFD, TEMPLATE_FD + 1), nul = open("/dev/null", O_RDWR);
        sigset_t none;

        /* It ends with the listener, whatever ends the listener. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent || t < 0 || nul < 0)
            _exit(127);
        dup2(nul, 0);
        dup2(nul, 1);
        dup2(t, TEMPLATE_FD);
        /* The listening sockets, the sessions' report sockets: none go along. */
        close_range(TEMPLATE_FD + 1, ~0U, 0);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int sig = 1; sig < NSIG; sig++)
            signal(sig, SIG_DFL);
        execve(cfg->exe, argv, env);
        _exit(127);
    }
    free_strv(env);
    return pid;
}

/* --- the request (in the session process) ------------------------------- */

/* 1 if a terminfo entry for term exists where ncurses looks. */
static int terminfo_exists(const char *term)
{
    const char *dirs[8];
    char path[512];
    const char *env;
    int n = 0;

    if (term[0] == '\0' || strlen(term) > 60 ||
        strspn(term, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.+-_") !=
            strlen(term))
        return 0;
    if ((env = getenv("TERMINFO")) != NULL && *env == '/')
        dirs[n++] = env;
    dirs[n++] = "/etc/terminfo";
    dirs[n++] = "/lib/terminfo";
    dirs[n++] = "/usr/share/terminfo";
    for (int i = 0; i < n; i++) {
        struct stat st;

        snprintf(path, sizeof path, "%s/%c/%s", dirs[i], term[0], term);
        if (stat(path, &st) == 0)
            return 1;
        snprintf(path, sizeof path, "%s/%02x/%s", dirs[i], (unsigned char)term[0], term);
        if (stat(path, &st) == 0)
            return 1;
    }
    return 0;
}

static const char *pick_term(const char *wanted)
{
    if (terminfo_exists(wanted))
        return wanted;
    if (terminfo_exists("xterm"))
        return "xterm";
    return "vt100";
}

/* The request's text (serve_internal.h); NULL when it is too long. */
static char *request_text(struct sess *s, const char *term, size_t *len)
{
    char **env = xcalloc(nitems(keep_env) + ENV_MAX + 4, sizeof *env);
    struct buf b = {0};
    int n = 0, have_lang = 0;

    buf_printf(&b, "user=%s\nrole=%s\nmunicipality=%lld\nidle=%d\nmax=%d\n", s->ident.user,
               auth_role_name(s->ident.role), s->ident.municipality_id,
               s->ident.role == ROLE_KIOSK ? s->cfg->kiosk_idle : s->cfg->idle_timeout,
               s->cfg->max_session);
    buf_addc(&b, '\0');
    buf_adds(&b, s->cfg->lang != NULL ? s->cfg->lang : "");
    buf_addc(&b, '\0');
    env[n++] = xasprintf("TERM=%s", term);
    server_env(env, &n);
    for (int i = 0; i < s->nenv; i++) {
        env[n++] = xstrdup(s->env[i]);
        have_lang |= strncmp(s->env[i], "LANG=", 5) == 0;
    }
    if (!have_lang)
        env[n++] = xstrdup("LANG=C.UTF-8");
    for (int i = 0; i < n; i++) {
        buf_adds(&b, env[i]);
        buf_addc(&b, '\0');
    }
    free_strv(env);
    *len = b.len;
    if (b.len > UI_REQUEST_MAX) {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

/* Send the request with the pty slave and the answer socket's far end. */
static int send_request(int sock, const char *text, size_t len, int slave, int answer)
{
    int fds[2] = {slave, answer};
    struct iovec iov = {(void *)text, len};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof fds)];
    } c;
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof c.buf};

    memset(&c, 0, sizeof c);
    c.h.cmsg_level = SOL_SOCKET;
    c.h.cmsg_type = SCM_RIGHTS;
    c.h.cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(&c.h), fds, sizeof fds);
    return sendmsg(sock, &m, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* The template's first answer: the UI's pid and a pidfd of it. */
static int await_started(struct sess *s)
{
    struct ui_reply r;
    struct iovec iov = {&r, sizeof r};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } c;
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof c.buf};
    struct pollfd p = {s->child_fd, POLLIN, 0};
    struct cmsghdr *h;
    int pidfd = -1;

    if (poll(&p, 1, UI_START_MS) != 1 ||
        recvmsg(s->child_fd, &m, MSG_CMSG_CLOEXEC) != (ssize_t)sizeof r) {
        syslog(LOG_ERR, "no answer from the UI template");
        return -1;
    }
    h = CMSG_FIRSTHDR(&m);
    if (h != NULL && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
        h->cmsg_len == CMSG_LEN(sizeof(int)))
        memcpy(&pidfd, CMSG_DATA(h), sizeof pidfd);
    if (r.type != UI_STARTED || r.value <= 0) {
        syslog(LOG_ERR, "the UI template could not start a UI: %s",
               r.type == UI_FAILED ? strerror(r.value) : "bad answer");
        if (pidfd >= 0)
            close(pidfd);
        return -1;
    }
    s->child = r.value;
    s->child_pidfd = pidfd;
    return 0;
}

/* Ask the template for the UI on slave: 0, or -1 (logged). */
static int request_ui(struct sess *s, const char *term, int slave)
{
    size_t len;
    char *text = request_text(s, term, &len);
    int sp[2], rc = -1;

    if (text == NULL) {
        syslog(LOG_ERR, "the UI's request is too long (%zu bytes)", len);
        return -1;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0) {
        syslog(LOG_ERR, "socketpair: %s", strerror(errno));
        free(text);
        return -1;
    }
    s->child_fd = sp[0];
    if (send_request(s->template_fd, text, len, slave, sp[1]) != 0)
        syslog(LOG_ERR, "cannot reach the UI template: %s", strerror(errno));
    else
        rc = 0;
    close(sp[1]);
    free(text);
    return rc == 0 ? await_started(s) : -1;
}

int ui_start(struct sess *s)
{
    const char *term = pick_term(s->term);
    struct winsize ws = {0};
    int slave, rc;

    ws.ws_col = (unsigned short)s->cols;
    ws.ws_row = (unsigned short)s->rows;
    if (openpty(&s->master, &slave, NULL, NULL, &ws) != 0) {
        syslog(LOG_ERR, "openpty: %s", strerror(errno));
        s->master = -1;
        return -1;
    }
    rc = request_ui(s, term, slave);
    close(slave);
    /* One UI per connection: nothing more to ask for. */
    close(s->template_fd);
    s->template_fd = -1;
    if (rc != 0) {
        ui_release(s);
        return -1;
    }
    fcntl(s->master, F_SETFL, fcntl(s->master, F_GETFL) | O_NONBLOCK);
    fcntl(s->master, F_SETFD, FD_CLOEXEC);
    s->started = time(NULL);
    syslog(LOG_INFO, "session opened for %s (%s) from %s, TERM %s, %dx%d", s->ident.user,
           auth_role_name(s->ident.role), peer_text(s->peer), term, s->cols, s->rows);
    return 0;
}

/* --- the UI's end ------------------------------------------------------ */

/* What the template said so far: 1 once it told how the UI ended.  Its
 * socket is closed when the template is gone. */
static int read_answers(struct sess *s)
{
    struct ui_reply r;
    ssize_t n;

    while ((n = recv(s->child_fd, &r, sizeof r, MSG_DONTWAIT)) == (ssize_t)sizeof r) {
        if (r.type == UI_ENDED) {
            s->exit_status = r.value;
            return 1;
        }
    }
    if (n >= 0 || (errno != EAGAIN && errno != EINTR)) {
        close(s->child_fd);
        s->child_fd = -1;
    }
    return 0;
}

/* The UI has ended (its pidfd is readable; without one, its pid is gone):
 * the template can no longer say how, when it is gone. */
static int ui_ended(const struct sess *s, int ms)
{
    struct pollfd p = {s->child_pidfd, POLLIN, 0};

    if (s->child_pidfd >= 0)
        return poll(&p, 1, ms) == 1;
    if (kill(s->child, 0) != 0 && errno == ESRCH)
        return 1;
    poll(NULL, 0, ms < 50 ? ms : 50);
    return 0;
}

int ui_wait(struct sess *s, int block_ms)
{
    double until = session_now() + block_ms / 1000.0;

    if (s->child <= 0)
        return 1;
    for (;;) {
        int left = (int)((until - session_now()) * 1000);

        if (s->child_fd >= 0 && read_answers(s))
            break;
        if (s->child_fd < 0 && ui_ended(s, left > 0 ? left : 0)) {
            s->exit_status = -1;
            break;
        }
        if (left <= 0)
            return 0;
        if (s->child_fd >= 0)
            poll(&(struct pollfd){s->child_fd, POLLIN, 0}, 1, left);
    }
    s->child = 0;
    ui_release(s);
    return 1;
}

void ui_kill(struct sess *s, int sig)
{
    if (s->child > 0 && s->child_pidfd >= 0)
        pidfd_send_signal(s->child_pidfd, sig, NULL, 0);
    else if (s->child > 0)
        kill(s->child, sig); /* no pidfd: see ui_template.c */
}

void ui_release(struct sess *s)
{
    if (s->child_pidfd >= 0)
        close(s->child_pidfd);
    if (s->child_fd >= 0)
        close(s->child_fd);
    s->child_pidfd = -1;
    s->child_fd = -1;
}
