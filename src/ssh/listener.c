/*
 * listener.c: "mabdesk serve": binds the listening sockets, makes sure the
 * host keys and the database exist, then accepts connections, applies the
 * limits (before any cryptography) and forks one session process per
 * connection.  The listener itself never speaks SSH, never authenticates
 * and never opens a pty: a bug in a session cannot take the service down.
 */
#include "ssh/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "db/db.h"
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
    struct peer peer;
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    stop_requested = 1;
}

static void on_child(int sig)
{
    /* Only there to interrupt poll(); reaping happens in the loop. */
}

static char *default_state_dir(void)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

    if (geteuid() == 0)
        return xstrdup("/var/lib/mabdesk");
    if (xdg != NULL && *xdg == '/')
        return xasprintf("%s/mabdesk", xdg);
    if (home != NULL && *home != '\0')
        return xasprintf("%s/.local/state/mabdesk", home);
    return xstrdup("mabdesk-state");
}

static int parse_int(const char *s, int min, int max, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

/* "ADDR:PORT" or "[V6ADDR]:PORT" into host and port strings. */
static int split_listen(const char *spec, char *host, size_t hn, char *port, size_t pn)
{
    const char *colon;

    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');

        if (close == NULL || close[1] != ':')
            return -1;
        snprintf(host, hn, "%.*s", (int)(close - spec - 1), spec + 1);
        colon = close + 1;
    } else {
        colon = strrchr(spec, ':');
        if (colon == NULL)
            return -1;
        snprintf(host, hn, "%.*s", (int)(colon - spec), spec);
    }
    snprintf(port, pn, "%s", colon + 1);
    return *host != '\0' && *port != '\0' ? 0 : -1;
}

/* Bind one listening socket; its fd, or -1 with *err. */
static int listen_on(const char *spec, char **err)
{
    struct addrinfo hints = {0}, *res = NULL;
    char host[128], port[16];
    int fd, one = 1, rc;

    if (split_listen(spec, host, sizeof host, port, sizeof port) != 0) {
        *err = xasprintf(_("bad --listen '%s' (ADDR:PORT or [ADDR]:PORT)"), spec);
        return -1;
    }
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        *err = xasprintf(_("bad --listen '%s': %s"), spec, gai_strerror(rc));
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *err = xasprintf("%s: %s", spec, strerror(errno));
        freeaddrinfo(res);
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (res->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 128) != 0) {
        *err = xasprintf("%s: %s", spec, strerror(errno));
        close(fd);
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    return fd;
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

struct server {
    struct serve_config cfg;
    int *lfd;
    int nlfd;
    struct child *kids;
    int nkids;
    struct limits *lim;
    ssh_bind bind;
};

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

static void reap(struct server *sv)
{
    pid_t pid;
    int st;

    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        for (int i = 0; i < sv->nkids; i++) {
            if (sv->kids[i].pid != pid)
                continue;
            close_reports(&sv->kids[i]);
            sv->kids[i] = sv->kids[--sv->nkids];
            break;
        }
    }
}

static void spawn_session(struct server *sv, int fd, const struct peer *peer, double now)
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
        for (int i = 0; i < sv->nlfd; i++)
            close(sv->lfd[i]);
        for (int i = 0; i < sv->nkids; i++)
            close_reports(&sv->kids[i]);
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        session_run(sv->bind, fd, peer, &sv->cfg, ap[1]);
        _exit(0);
    }
    close(ap[1]);
    close(fd);
    fcntl(ap[0], F_SETFL, fcntl(ap[0], F_GETFL) | O_NONBLOCK);
    sv->kids = xreallocarray(sv->kids, (size_t)sv->nkids + 1, sizeof *sv->kids);
    sv->kids[sv->nkids] = (struct child){pid, ap[0], CHILD_PREKEX, now, *peer};
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
    close_reports(old);
}

/* Read what a session process reported. */
static void read_reports(struct child *k)
{
    struct report r;
    ssize_t n;

    while ((n = recv(k->fd, &r, sizeof r, MSG_DONTWAIT)) > 0) {
        if (n != (ssize_t)sizeof r)
            continue;
        r.user[sizeof r.user - 1] = '\0';
        if (r.type == REPORT_KEX && k->state == CHILD_PREKEX)
            k->state = CHILD_KEXED;
        else if (r.type == REPORT_AUTHED)
            k->state = CHILD_AUTHED;
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        /* Closed: authenticated, or the session is ending. */
        close_reports(k);
        if (k->state != CHILD_AUTHED)
            k->state = CHILD_ENDING;
    }
}

static void accept_one(struct server *sv, int lfd)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    struct peer peer;
    struct limits_load load;
    enum limits_verdict verdict;
    const char *why;
    double now;
    int fd = accept4(lfd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0)
        return;
    peer_from(&sa, &peer);
    now = now_seconds();
    load = count_load(sv);
    verdict = limits_check(sv->lim, peer.addr, now, &load, (int)(random() % 100), &why);
    if (verdict == LIMITS_REFUSE) {
        /* Best effort: the socket is non-blocking and this is all it gets. */
        ssize_t sent = write(fd, why, strlen(why));

        (void)sent;
        syslog(LOG_NOTICE, "refused connection from %s: %.*s", peer_text(&peer),
               (int)strcspn(why, "\r\n"), why);
        close(fd);
        return;
    }
    /* Interactive traffic: each keystroke and redraw goes out at once
     * rather than waiting on Nagle for the previous segment's ACK. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
    if (verdict == LIMITS_EVICT)
        evict_oldest(sv, now, &load);
    spawn_session(sv, fd, &peer, now);
}

static void serve_loop(struct server *sv)
{
    struct pollfd *pfd = NULL;

    while (!stop_requested) {
        int n = 0;

        reap(sv);
        pfd = xreallocarray(pfd, (size_t)(sv->nlfd + sv->nkids), sizeof *pfd);
        for (int i = 0; i < sv->nlfd; i++)
            pfd[n++] = (struct pollfd){.fd = sv->lfd[i], .events = POLLIN};
        /* A closed report socket has fd -1, which poll() skips. */
        for (int i = 0; i < sv->nkids; i++)
            pfd[n++] = (struct pollfd){.fd = sv->kids[i].fd, .events = POLLIN};
        if (poll(pfd, (nfds_t)n, 1000) <= 0)
            continue;
        for (int i = 0; i < sv->nkids; i++)
            if (pfd[sv->nlfd + i].revents != 0 && sv->kids[i].fd >= 0)
                read_reports(&sv->kids[i]);
        for (int i = 0; i < sv->nlfd; i++)
            if (pfd[i].revents & POLLIN)
                accept_one(sv, sv->lfd[i]);
    }
    free(pfd);
}

static void usage(FILE *f)
{
    fprintf(f, "%s",
            _("usage: mabdesk serve [--listen ADDR:PORT]... [--db PATH] [--state-dir DIR]\n"
              "                     [--fingerprints] [--max-sessions N] [--idle-timeout SECS]\n"
              "                     [--max-session-time SECS] [--log-stderr]\n"));
}

int serve_main(const char *db_path, int argc, char **argv, char **err)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"db", required_argument, NULL, 'd'},
        {"state-dir", required_argument, NULL, 's'},
        {"fingerprints", no_argument, NULL, 'f'},
        {"max-sessions", required_argument, NULL, 'm'},
        {"idle-timeout", required_argument, NULL, 'i'},
        {"max-session-time", required_argument, NULL, 't'},
        {"log-stderr", no_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct server sv = {0};
    const char **listen_specs = NULL;
    int nlisten = 0, fingerprints = 0, c, rc = DB_OK, user_listen;
    char exe[PATH_MAX], *e = NULL;
    ssize_t n;

    sv.cfg.login_grace = 30;
    sv.cfg.max_auth_tries = 6;
    sv.cfg.idle_timeout = 15 * 60;
    sv.cfg.kiosk_idle = 3 * 60;
    sv.cfg.max_sessions = 200;
    sv.cfg.startups_begin = 10;
    sv.cfg.startups_rate = 30;
    sv.cfg.startups_full = 100;
    sv.cfg.per_source_max = 10;
    sv.cfg.per_source_window = 10;
    optind = 0; /* 0: a full restart of GNU getopt after main.c's own parse */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            free(listen_specs);
            return DB_OK;
        case 'l': {
            char host[128], port[16];
            int pn;

            if (split_listen(optarg, host, sizeof host, port, sizeof port) != 0 ||
                parse_int(port, 1, 65535, &pn) != 0) {
                fprintf(stderr, _("mabdesk: bad --listen '%s' (ADDR:PORT or [ADDR]:PORT)\n"),
                        optarg);
                goto bad_usage;
            }
            listen_specs = xreallocarray(listen_specs, (size_t)nlisten + 1, sizeof *listen_specs);
            listen_specs[nlisten++] = optarg;
            break;
        }
        case 'd':
            db_path = optarg;
            break;
        case 's':
            free(sv.cfg.state_dir);
            sv.cfg.state_dir = xstrdup(optarg);
            break;
        case 'f':
            fingerprints = 1;
            break;
        case 'm':
            if (parse_int(optarg, 1, 100000, &sv.cfg.max_sessions) != 0)
                goto bad_usage;
            break;
        case 'i':
            if (parse_int(optarg, 0, 7 * 86400, &sv.cfg.idle_timeout) != 0)
                goto bad_usage;
            break;
        case 't':
            if (parse_int(optarg, 0, 30 * 86400, &sv.cfg.max_session) != 0)
                goto bad_usage;
            break;
        case 'e':
            sv.cfg.log_stderr = 1;
            break;
        default:
            goto bad_usage;
        }
    }
    if (optind != argc)
        goto bad_usage;
    if (sv.cfg.state_dir == NULL)
        sv.cfg.state_dir = default_state_dir();
    sv.cfg.db_path = db_path;
    openlog("mabdesk", LOG_PID | LOG_NDELAY | (sv.cfg.log_stderr ? LOG_PERROR : 0), LOG_AUTH);
    ssh_init();
    if (hostkey_ensure(sv.cfg.state_dir, err) != 0) {
        rc = DB_ERROR;
        goto out;
    }
    if (fingerprints) {
        rc = hostkey_print_fingerprints(sv.cfg.state_dir, err) == 0 ? DB_OK : DB_ERROR;
        goto out;
    }
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        *err = xasprintf("/proc/self/exe: %s", strerror(errno));
        rc = DB_ERROR;
        goto out;
    }
    exe[n] = '\0';
    sv.cfg.exe = xstrdup(exe);
    {
        /* Create and migrate the database once, here, so that the session
         * processes can open it read-only. */
        struct session admin;
        struct db *db = NULL;

        memset(&admin, 0, sizeof admin);
        snprintf(admin.user, sizeof admin.user, "%s", "mabdesk-serve");
        admin.role = ROLE_ADMIN;
        rc = db_open(&db, db_path, &admin, err);
        if (rc != DB_OK)
            goto out;
        db_close(db);
    }
    user_listen = nlisten > 0;
    if (!user_listen) {
        static const char *defaults[] = {"0.0.0.0:2222", "[::]:2222"};

        listen_specs = xcalloc(2, sizeof *listen_specs);
        listen_specs[0] = defaults[0];
        listen_specs[1] = defaults[1];
        nlisten = 2;
    }
    sv.lfd = xcalloc((size_t)nlisten, sizeof *sv.lfd);
    for (int i = 0; i < nlisten; i++) {
        int fd = listen_on(listen_specs[i], &e);

        if (fd < 0) {
            /* A default address the machine lacks (no IPv6) is not fatal. */
            if (user_listen || (i == nlisten - 1 && sv.nlfd == 0)) {
                *err = e;
                rc = DB_ERROR;
                goto out;
            }
            syslog(LOG_WARNING, "not listening on %s: %s", listen_specs[i], e);
            free(e);
            e = NULL;
            continue;
        }
        sv.lfd[sv.nlfd++] = fd;
        syslog(LOG_INFO, "listening on %s", listen_specs[i]);
    }
    sv.bind = ssh_bind_new();
    if (sv.bind == NULL || hostkey_configure_bind(sv.bind, sv.cfg.state_dir, err) != 0) {
        if (sv.bind == NULL)
            *err = xstrdup(_("cannot start the SSH server"));
        rc = DB_ERROR;
        goto out;
    }
    sv.lim = limits_new(&sv.cfg);
    {
        struct sigaction sa = {0};

        sa.sa_handler = on_stop;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        sa.sa_handler = on_child;
        sa.sa_flags = SA_NOCLDSTOP;
        sigaction(SIGCHLD, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
    }
    srandom((unsigned int)(time(NULL) ^ getpid()));
    serve_loop(&sv);
    syslog(LOG_INFO, "stopping: ending %d sessions", sv.nkids);
    for (int i = 0; i < sv.nkids; i++)
        kill(sv.kids[i].pid, SIGTERM);
    for (int tries = 0; sv.nkids > 0 && tries < 50; tries++) {
        usleep(100 * 1000);
        reap(&sv);
    }
    for (int i = 0; i < sv.nkids; i++)
        kill(sv.kids[i].pid, SIGKILL);
    reap(&sv);
out:
    for (int i = 0; i < sv.nlfd; i++)
        close(sv.lfd[i]);
    for (int i = 0; i < sv.nkids; i++)
        close_reports(&sv.kids[i]);
    free(sv.kids);
    free(sv.lfd);
    limits_free(sv.lim);
    if (sv.bind != NULL)
        ssh_bind_free(sv.bind);
    ssh_finalize();
    free(listen_specs);
    free(sv.cfg.state_dir);
    free(sv.cfg.exe);
    closelog();
    return rc;
bad_usage:
    usage(stderr);
    free(listen_specs);
    free(sv.cfg.state_dir);
    return SERVE_USAGE;
}
