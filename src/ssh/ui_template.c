/*
 * ui_template.c: the UI template's loop.  "mabdesk ui", started by the
 * listener (ui_spawn.c), has loaded the libraries, the catalogue and
 * SQLite once; for each request a session process sends on TEMPLATE_FD it
 * forks, and the child returns to ui_entry.c to become that session's UI.
 * The children share the template's pages copy-on-write, which is the
 * point: a UI costs what it changes, not a whole start-up.
 *
 * The template reaps its children and tells each session, on the socket
 * that came with its request, the UI's pid (with a pidfd, so that the
 * session can signal it without racing pid reuse) and later its exit
 * status.
 *
 * Must never: read a request's text (only its child does, after the
 * fork), hold an SQLite connection or the terminal of a session across a
 * fork, or let a child keep the request socket or another session's
 * socket: a UI that could send requests could choose its own identity.
 */
#include "ssh/serve_internal.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "util.h"

/* A UI still running, and its session's socket. */
struct kid {
    pid_t pid;
    int fd;
};

static struct kid *kids;
static int nkids;
static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
    stopping = 1;
}

static void on_child(int sig)
{
    /* Only there to interrupt ppoll(); reaping happens in the loop. */
}

/* One answer on a session's socket; fd, when >= 0, goes along. */
static void reply(int sock, int type, int value, int fd)
{
    struct ui_reply r = {type, value};
    struct iovec iov = {&r, sizeof r};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } c;
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};

    if (fd >= 0) {
        memset(&c, 0, sizeof c);
        m.msg_control = c.buf;
        m.msg_controllen = sizeof c.buf;
        c.h.cmsg_level = SOL_SOCKET;
        c.h.cmsg_type = SCM_RIGHTS;
        c.h.cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(&c.h), &fd, sizeof fd);
    }
    /* A session that is gone no longer needs to know. */
    sendmsg(sock, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void reap(void)
{
    pid_t pid;
    int st;

    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        for (int i = 0; i < nkids; i++) {
            if (kids[i].pid != pid)
                continue;
            reply(kids[i].fd, UI_ENDED, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), -1);
            close(kids[i].fd);
            kids[i] = kids[--nkids];
            break;
        }
    }
}

/* The descriptors of a request: its terminal and its answer socket, in
 * that order.  2, or how many came (all closed) when not exactly two. */
static int take_fds(struct msghdr *m, int *fds)
{
    int n = 0;

    for (struct cmsghdr *h = CMSG_FIRSTHDR(m); h != NULL; h = CMSG_NXTHDR(m, h)) {
        if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
            continue;
        for (size_t i = 0; i < (h->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
            int fd;

            memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof fd);
            if (n < 2)
                fds[n] = fd;
            else
                close(fd);
            n++;
        }
    }
    if (n == 2 && !(m->msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
        return 2;
    for (int i = 0; i < n && i < 2; i++)
        close(fds[i]);
    return n;
}

/* In the new child: drop what belongs to the template and the other
 * sessions, and hand the request over. */
static void become_child(int req_fd, int *fds, const char *text, size_t len, struct ui_request *out)
{
    close(req_fd);
    close(fds[1]);
    for (int i = 0; i < nkids; i++)
        close(kids[i].fd);
    free(kids);
    kids = NULL;
    nkids = 0;
    out->tty = fds[0];
    out->text = xmalloc(len + 1);
    memcpy(out->text, text, len);
    out->text[len] = '\0';
    out->len = len;
}

/* Read one request and fork its UI: 1 in the child (*out filled), else 0. */
static int take_request(int req_fd, struct ui_request *out)
{
    static char text[UI_REQUEST_MAX];
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(2 * sizeof(int))];
    } c;
    struct iovec iov = {text, sizeof text};
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof c.buf};
    int fds[2], pidfd, e;
    ssize_t n = recvmsg(req_fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    pid_t pid;

    if (n <= 0 || take_fds(&m, fds) != 2)
        return 0;
    fflush(NULL); /* nothing buffered may be written twice */
    pid = fork();
    if (pid == 0) {
        become_child(req_fd, fds, text, (size_t)n, out);
        return 1;
    }
    pidfd = pid > 0 ? pidfd_open(pid, 0) : -1;
    e = errno;
    /* The next session's UI is not to find this one's identity. */
    explicit_bzero(text, (size_t)n);
    close(fds[0]);
    /* Without pidfds (a kernel before 5.3, or valgrind) the session
     * makes do with the pid. */
    if (pid < 0 || (pidfd < 0 && e != ENOSYS)) {
        syslog(LOG_ERR, "cannot start a UI: %s: %s", pid < 0 ? "fork" : "pidfd_open", strerror(e));
        reply(fds[1], UI_FAILED, e, -1);
        close(fds[1]);
        if (pid > 0)
            kill(pid, SIGKILL); /* reaped below, unannounced */
        return 0;
    }
    reply(fds[1], UI_STARTED, pid, pidfd);
    if (pidfd >= 0)
        close(pidfd);
    kids = xreallocarray(kids, (size_t)nkids + 1, sizeof *kids);
    kids[nkids++] = (struct kid){pid, fds[1]};
    return 0;
}

int ui_template_run(int req_fd, struct ui_request *out)
{
    struct sigaction sa = {0};
    sigset_t block, old;
    int child = 0;

    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &old);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_child;
    sa.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN); /* the listener's reload is not for us */
    while (!stopping && !child) {
        struct pollfd p = {req_fd, POLLIN, 0};
        /* The signals arrive only while waiting here: none is lost
         * between reaping and waiting. */
        int n = ppoll(&p, 1, NULL, &old);

        reap();
        if (n > 0 && (p.revents & POLLIN))
            child = take_request(req_fd, out);
        else if (n > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
            break; /* no session can reach us any more */
    }
    for (int i = 0; !child && i < nkids; i++)
        close(kids[i].fd);
    free(kids);
    kids = NULL;
    nkids = 0;
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return child;
}
