/*
 * listener.c: the accept loop of "mabdesk serve".  Accepts connections,
 * applies the limits (before any cryptography), forks one session process
 * per connection, and keeps in memory what every connection must see: how
 * far each one got (to make room when the slots are full), the penalties
 * of network blocks whose connections fail to authenticate, and the
 * throttle of each account's password and signature checks.  The session
 * processes report to it over a socket pair each (struct report).
 *
 * It also keeps the UI template running (ui_spawn.c), which forks every
 * session's UI, and starts it again when it ends.
 *
 * The listener itself never speaks SSH, never authenticates, never opens a
 * pty or the database: a bug in a session cannot take the service down.
 */
#include "ssh/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "ssh/serve_internal.h"
#include "util.h"

/* Where a connection is, as its session process reported it. */
enum child_state {
    CHILD_PREKEX, /* forked; the key exchange is not done */
    CHILD_KEXED,  /* key exchange done, not yet authenticated */
    CHILD_AUTHED,
    CHILD_ENDING /* evicted, or closed its reports unauthenticated */
};

struct child {
    pid_t pid;
    int fd; /* the listener's end of the report socket; -1 once closed */
    enum child_state state;
    double since; /* accepted, monotonic seconds */
    int failed;   /* an authentication attempt failed */
    int ended;    /* its end has been accounted for (penalty) */
    struct peer peer;
    char block[64]; /* its network block */
};

struct server {
    struct serve_config *cfg;
    const int *lfd;
    int nlfd;
    ssh_bind bind;
    struct child *kids;
    int nkids;
    struct limits *lim;
    struct penalty *pen;
    struct throttle *thr;
    /* The UI template (ui_spawn.c): its socket pair, kept across its
     * restarts so that a request waiting in it reaches the next one
     * ([0] the sessions' end, [1] the template's); its pid, 0 while none
     * runs; when it may be started again. */
    int tfd[2];
    pid_t tpid;
    double tnext;
    /* poll()'s array, here rather than serve_loop()'s own so that a
     * session process (forked from inside that loop) still reaches it. */
    struct pollfd *pfd;
};

static volatile sig_atomic_t stop_requested, reload_requested;

static void on_stop(int sig)
{
    stop_requested = 1;
}

static void on_reload(int sig)
{
    reload_requested = 1;
}

static void on_child(int sig)
{
    /* Only there to interrupt poll(); reaping happens in the loop. */
}

static void peer_from(const struct sockaddr_storage *sa, struct peer *p)
{
    memset(p, 0, sizeof *p);
    if (sa->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

        inet_ntop(AF_INET, &in->sin_addr, p->addr, sizeof p->addr);
        p->port = ntohs(in->sin_port);
    } else if (sa->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

        inet_ntop(AF_INET6, &in6->sin6_addr, p->addr, sizeof p->addr);
        p->port = ntohs(in6->sin6_port);
        /* An IPv4 client on a dual-stack socket counts as its IPv4 address. */
        if (strncmp(p->addr, "::ffff:", 7) == 0 && strchr(p->addr + 7, ':') == NULL)
            memmove(p->addr, p->addr + 7, strlen(p->addr + 7) + 1);
    } else {
        snprintf(p->addr, sizeof p->addr, "?");
    }
}

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct limits_load count_load(const struct server *sv)
{
    struct limits_load load = {sv->nkids, 0, 0};

    for (int i = 0; i < sv->nkids; i++) {
        load.unauth += sv->kids[i].state == CHILD_PREKEX || sv->kids[i].state == CHILD_KEXED;
        load.prekex += sv->kids[i].state == CHILD_PREKEX;
    }
    return load;
}

static void close_reports(struct child *k)
{
    if (k->fd >= 0)
        close(k->fd);
    k->fd = -1;
}

/* The connection is over, or will be: a connection that failed to
 * authenticate counts against its network block. */
static void child_ended(struct server *sv, struct child *k)
{
    double len;

    close_reports(k);
    if (k->ended)
        return;
    k->ended = 1;
    if (k->state == CHILD_AUTHED || !k->failed)
        return;
    len = penalty_authfail(sv->pen, k->block, now_seconds());
    if (len > 0)
        syslog(LOG_NOTICE,
               "penalty for %s: its connections fail to authenticate, the last from %s; "
               "new connections refused for %.0f s",
               k->block, peer_text(&k->peer), len);
}

/* Start the UI template when none runs, at most once a second. */
static void keep_template(struct server *sv)
{
    double now = now_seconds();

    if (sv->tpid > 0 || now < sv->tnext)
        return;
    sv->tnext = now + 1;
    sv->tpid = ui_template_start(sv->cfg, sv->tfd[1]);
    if (sv->tpid < 0)
        sv->tpid = 0;
}

static void template_ended(struct server *sv, int st)
{
    if (!stop_requested) {
        if (WIFSIGNALED(st))
            syslog(LOG_ERR, "the UI template (pid %ld) ended by signal %d; starting another",
                   (long)sv->tpid, WTERMSIG(st));
        else
            syslog(LOG_ERR, "the UI template (pid %ld) ended with status %d; starting another",
                   (long)sv->tpid, WEXITSTATUS(st));
    }
    sv->tpid = 0;
}

/* The session processes, the template, and the UIs the template left
 * behind when it ended (the listener is their subreaper). */
static void reap(struct server *sv)
{
    pid_t pid;
    int st;

    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        if (pid == sv->tpid) {
            template_ended(sv, st);
            continue;
        }
        for (int i = 0; i < sv->nkids; i++) {
            if (sv->kids[i].pid != pid)
                continue;
            child_ended(sv, &sv->kids[i]);
            sv->kids[i] = sv->kids[--sv->nkids];
            break;
        }
    }
}

static void spawn_session(struct server *sv, int fd, const struct child *proto)
{
    int ap[2];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ap) != 0) {
        syslog(LOG_ERR, "socketpair: %s", strerror(errno));
        close(fd);
        return;
    }
    pid = fork();
    if (pid < 0) {
        syslog(LOG_ERR, "fork: %s", strerror(errno));
        close(ap[0]);
        close(ap[1]);
        close(fd);
        return;
    }
    if (pid == 0) {
        close(ap[0]);
        /* Only the template may read the requests. */
        close(sv->tfd[1]);
        for (int i = 0; i < sv->nlfd; i++)
            close(sv->lfd[i]);
        for (int i = 0; i < sv->nkids; i++)
            close_reports(&sv->kids[i]);
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        session_run(sv->bind, fd, &proto->peer, sv->cfg, ap[1], sv->tfd[0]);
        _exit(0);
    }
    close(ap[1]);
    close(fd);
    fcntl(ap[0], F_SETFL, fcntl(ap[0], F_GETFL) | O_NONBLOCK);
    sv->kids = xreallocarray(sv->kids, (size_t)sv->nkids + 1, sizeof *sv->kids);
    sv->kids[sv->nkids] = *proto;
    sv->kids[sv->nkids].pid = pid;
    sv->kids[sv->nkids].fd = ap[0];
    sv->nkids++;
}

/* Make room: end the oldest connection that has not finished its key
 * exchange (a stalled one, most likely). */
static void evict_oldest(struct server *sv, double now, const struct limits_load *load)
{
    struct child *old = NULL;

    for (int i = 0; i < sv->nkids; i++)
        if (sv->kids[i].state == CHILD_PREKEX && (old == NULL || sv->kids[i].since < old->since))
            old = &sv->kids[i];
    if (old == NULL)
        return;
    kill(old->pid, SIGKILL);
    syslog(LOG_NOTICE,
           "evicted %s: no key exchange after %.1f s, to make room (%d of %d connections "
           "not authenticated)",
           peer_text(&old->peer), now - old->since, load->unauth, load->total);
    old->state = CHILD_ENDING;
    child_ended(sv, old);
}

/* A guess for user failed: throttle the account, saying so when its
 * checks are now further apart. */
static void guess_failed(struct server *sv, const char *user)
{
    double before = 0, after;
    int fails = throttle_failed(sv->thr, user, now_seconds(), &after);

    if (fails > 1)
        before = throttle_delay(sv->cfg, fails - 1);
    if (after > before)
        syslog(LOG_NOTICE,
               "throttling %s: %d recent failed passwords or signatures, checks from one "
               "network block now %.0f s apart",
               user, fails, after);
}

static void take_report(struct server *sv, struct child *k, const struct report *r)
{
    switch (r->type) {
    case REPORT_KEX:
        if (k->state == CHILD_PREKEX)
            k->state = CHILD_KEXED;
        break;
    case REPORT_ASK: {
        double wait = throttle_ask(sv->thr, r->user, k->block, now_seconds());
        struct report_answer a = {r->seq, (unsigned int)(wait * 1000 + 0.5)};

        /* The session waits for this; its socket buffer is empty. */
        if (send(k->fd, &a, sizeof a, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof a)
            syslog(LOG_ERR, "answer to %s: %s", peer_text(&k->peer), strerror(errno));
        break;
    }
    case REPORT_FAILED:
        k->failed = 1;
        if (r->guess)
            guess_failed(sv, r->user);
        break;
    case REPORT_AUTHED:
        k->state = CHILD_AUTHED;
        throttle_succeeded(sv->thr, r->user, k->block);
        break;
    default:
        break;
    }
}

/* Read what a session process reported. */
static void read_reports(struct server *sv, struct child *k)
{
    struct report r;
    ssize_t n = -1;

    while (k->fd >= 0 && (n = recv(k->fd, &r, sizeof r, MSG_DONTWAIT)) > 0) {
        if (n != (ssize_t)sizeof r)
            continue;
        r.user[sizeof r.user - 1] = '\0';
        take_report(sv, k, &r);
    }
    if (k->fd >= 0 && (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))) {
        /* Closed: authenticated, or the session is ending. */
        if (k->state != CHILD_AUTHED) {
            k->state = CHILD_ENDING;
            child_ended(sv, k);
        }
        close_reports(k);
    }
}

/* Send a refused connection its reason, best effort: the socket is
 * non-blocking and this is all it gets. */
static void refuse(int fd, const char *why)
{
    ssize_t sent = write(fd, why, strlen(why));

    (void)sent;
    close(fd);
}

static void accept_one(struct server *sv, int lfd)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    struct child k = {0};
    struct limits_load load;
    enum limits_verdict verdict;
    const char *why;
    double left;
    int fd = accept4(lfd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0)
        return;
    peer_from(&sa, &k.peer);
    limits_netblock(k.peer.addr, k.block, sizeof k.block);
    k.since = now_seconds();
    k.state = CHILD_PREKEX;
    left = penalty_left(sv->pen, k.block, k.since);
    if (left > 0) {
        syslog(LOG_NOTICE, "refused connection from %s: penalty for failed logins, %.0f s left",
               peer_text(&k.peer), left);
        refuse(fd, _("mabdesk: too many failed logins from your address; try again later\r\n"));
        return;
    }
    load = count_load(sv);
    verdict = limits_check(sv->lim, k.block, k.since, &load, (int)(random() % 100), &why);
    if (verdict == LIMITS_REFUSE) {
        syslog(LOG_NOTICE, "refused connection from %s: %.*s", peer_text(&k.peer),
               (int)strcspn(why, "\r\n"), why);
        refuse(fd, why);
        return;
    }
    /* Interactive traffic: each keystroke and redraw goes out at once
     * rather than waiting on Nagle for the previous segment's ACK. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
    if (verdict == LIMITS_EVICT)
        evict_oldest(sv, k.since, &load);
    spawn_session(sv, fd, &k);
}

static void serve_loop(struct server *sv)
{
    while (!stop_requested) {
        struct pollfd *pfd;
        int n = 0;

        if (reload_requested) {
            reload_requested = 0;
            serve_reload(sv->cfg);
        }
        reap(sv);
        keep_template(sv);
        pfd = sv->pfd = xreallocarray(sv->pfd, (size_t)(sv->nlfd + sv->nkids), sizeof *pfd);
        for (int i = 0; i < sv->nlfd; i++)
            pfd[n++] = (struct pollfd){.fd = sv->lfd[i], .events = POLLIN};
        /* A closed report socket has fd -1, which poll() skips. */
        for (int i = 0; i < sv->nkids; i++)
            pfd[n++] = (struct pollfd){.fd = sv->kids[i].fd, .events = POLLIN};
        if (poll(pfd, (nfds_t)n, 1000) <= 0)
            continue;
        for (int i = 0; i < sv->nkids; i++)
            if (pfd[sv->nlfd + i].revents != 0)
                read_reports(sv, &sv->kids[i]);
        for (int i = 0; i < sv->nlfd; i++)
            if (pfd[i].revents & POLLIN)
                accept_one(sv, sv->lfd[i]);
    }
}

/* End every session: SIGTERM (each tells its user the server is going
 * down and closes cleanly), five seconds, then SIGKILL. */
static void stop_all(struct server *sv)
{
    sd_notify(0, "STOPPING=1");
    syslog(LOG_INFO, "stopping: ending %d sessions", sv->nkids);
    for (int i = 0; i < sv->nkids; i++)
        kill(sv->kids[i].pid, SIGTERM);
    for (int tries = 0; sv->nkids > 0 && tries < 50; tries++) {
        usleep(100 * 1000);
        reap(sv);
    }
    for (int i = 0; i < sv->nkids; i++)
        kill(sv->kids[i].pid, SIGKILL);
    reap(sv);
    /* Last, the template: the sessions ended their UIs. */
    if (sv->tpid > 0)
        kill(sv->tpid, SIGTERM);
    for (int tries = 0; sv->tpid > 0 && tries < 50; tries++) {
        usleep(100 * 1000);
        reap(sv);
    }
    if (sv->tpid > 0) {
        kill(sv->tpid, SIGKILL);
        waitpid(sv->tpid, NULL, 0);
    }
}

void listener_run(struct serve_config *cfg, const int *lfd, int nlfd, ssh_bind bind)
{
    struct server sv = {cfg, lfd, nlfd, bind, NULL, 0, NULL, NULL, NULL, {-1, -1}, 0, 0, NULL};
    struct sigaction sa = {0};

    sv.lim = limits_new(cfg);
    sv.pen = penalty_new(cfg);
    sv.thr = throttle_new(cfg);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_reload;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_child;
    sa.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    srandom((unsigned int)(time(NULL) ^ getpid()));
    /* UIs whose template ended become the listener's to reap. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv.tfd) != 0)
        fatal("socketpair: %s", strerror(errno));
    keep_template(&sv);
    serve_loop(&sv);
    stop_all(&sv);
    close(sv.tfd[0]);
    close(sv.tfd[1]);
    for (int i = 0; i < sv.nkids; i++)
        close_reports(&sv.kids[i]);
    free(sv.kids);
    free(sv.pfd);
    limits_free(sv.lim);
    penalty_free(sv.pen);
    throttle_free(sv.thr);
}
