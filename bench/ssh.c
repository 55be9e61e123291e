/*
 * ssh.c: what SSH costs a person at a remote terminal, for bench/run.sh.
 * The real OpenSSH client runs in a pseudo-terminal (tests/lib/vt.c,
 * libvterm) at 80x24 against a server on 127.0.0.1 (`mabdesk serve`, or
 * OpenSSH's sshd running mabdesk); bytes on the wire are counted by a small
 * TCP proxy on 127.0.0.1 between the client and the server.
 *
 *   ssh port
 *       print a free TCP port of 127.0.0.1.
 *   ssh wire PORT USER KEY RUNS MOVES TEXT PREFIX ; WORD...
 *       through the proxy: one warm-up connection (client log with the
 *       negotiated algorithms in PREFIX-client.log), then RUNS connections
 *       to the first full screen (TEXT on it, then quiet): TCP payload bytes
 *       each way and the time from the TCP connection to the last byte of
 *       the screen.  The last of them goes on: <Enter> (the directory),
 *       MOVES x <Down>, "/" and each WORD typed one code point at a time
 *       (Ctrl-U between words): bytes each way per move and per key.
 *   ssh idle PORT USER KEY SESSIONS BATCH PACE TEXT SERVER_PID [TYPING HOLD SAMPLE]
 *       open SESSIONS sessions (BATCH at a time, at most BATCH new
 *       connections per PACE seconds; PACE 0: no pacing), leave them idle,
 *       then sum PSS, RSS and private memory of every descendant of
 *       SERVER_PID (/proc/PID/smaps_rollup).  With TYPING and HOLD: keep
 *       them open HOLD seconds more while TYPING of them press Down / Up
 *       about twice a second each (p50 / p99 from a key to the end of its
 *       redraw), the server's memory sampled every SAMPLE seconds (0:
 *       never); then how many sessions are still there.  Close them all.
 *
 * $SSH_BENCH_KEX, if set, is given to ssh as KexAlgorithms.
 * Output: "name<TAB>value" lines (and "proc<TAB>..." lines) on stdout.
 * Must never: connect anywhere but 127.0.0.1, leave an ssh client running
 * (SIGINT / SIGTERM close them too), or decide what is good enough.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "common.h"
#include "vt.h"

#define ROWS 24
#define COLS 80
#define KEY_QUIET_MS 60
#define SCREEN_QUIET_MS 150
#define MAX_CLIENTS 1024

/* --- ssh clients, and closing them on a signal ------------------------------- */

static volatile sig_atomic_t client_pids[MAX_CLIENTS];

static void on_signal(int sig)
{
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (client_pids[i] > 0) {
            kill(-client_pids[i], SIGTERM);
            kill(client_pids[i], SIGTERM);
        }
    _exit(128 + sig);
}

static void remember_pid(int pid, int add)
{
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (add ? client_pids[i] == 0 : client_pids[i] == pid) {
            client_pids[i] = add ? pid : 0;
            return;
        }
}

static struct vt *client_start(int port, const char *user, const char *key, const char *log)
{
    const char *kex = getenv("SSH_BENCH_KEX");
    char port_s[16], kex_opt[256];
    const char *argv[40];
    int n = 0;
    struct vt *vt;

    snprintf(port_s, sizeof port_s, "%d", port);
    snprintf(kex_opt, sizeof kex_opt, "KexAlgorithms=%s", kex != NULL ? kex : "");
    argv[n++] = "/usr/bin/ssh";
    argv[n++] = "-F";
    argv[n++] = "/dev/null";
    argv[n++] = "-o";
    argv[n++] = "StrictHostKeyChecking=no";
    argv[n++] = "-o";
    argv[n++] = "UserKnownHostsFile=/dev/null";
    argv[n++] = "-o";
    argv[n++] = "IdentitiesOnly=yes";
    argv[n++] = "-o";
    argv[n++] = "BatchMode=yes";
    argv[n++] = "-o";
    argv[n++] = "ConnectTimeout=30";
    if (kex != NULL && *kex != '\0') {
        argv[n++] = "-o";
        argv[n++] = kex_opt;
    }
    /* SSH_BENCH_COMPRESS=1: ssh -C (zlib@openssh.com where offered). */
    if (getenv("SSH_BENCH_COMPRESS") != NULL && strcmp(getenv("SSH_BENCH_COMPRESS"), "1") == 0)
        argv[n++] = "-C";
    if (log != NULL) {
        argv[n++] = "-v";
        argv[n++] = "-E";
        argv[n++] = log;
    } else {
        argv[n++] = "-o";
        argv[n++] = "LogLevel=ERROR";
    }
    argv[n++] = "-i";
    argv[n++] = key;
    argv[n++] = "-tt";
    argv[n++] = "-p";
    argv[n++] = port_s;
    argv[n++] = "-l";
    argv[n++] = user;
    argv[n++] = "127.0.0.1";
    argv[n] = NULL;
    vt = vt_spawn(argv, ROWS, COLS, NULL);
    remember_pid(vt_pid(vt), 1);
    return vt;
}

static void client_close(struct vt *vt)
{
    remember_pid(vt_pid(vt), 0);
    vt_close(vt);
}

/* --- small helpers --------------------------------------------------------- */

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static double now_s(void)
{
    return (double)vt_now_ns() / 1e9;
}

static void write_screen(struct vt *vt, const char *prefix, const char *what)
{
    char *path = xasprintf("%s-screen-%s.txt", prefix, what), *dump = vt_screen_dump(vt);
    FILE *f = fopen(path, "w");

    if (f != NULL) {
        fputs(dump, f);
        fclose(f);
    }
    free(dump);
    free(path);
}

/* At most `max` new connections within `window` seconds (window 0: any). */
struct pace {
    int max;
    double window;
    double *t; /* ring of the last max connection times */
    int n, next;
};

static void pace_init(struct pace *p, int max, double window)
{
    memset(p, 0, sizeof *p);
    p->max = max > 0 ? max : 1;
    p->window = window;
    p->t = xcalloc((size_t)p->max, sizeof *p->t);
}

/* Seconds to wait before the next connection may start. */
static double pace_due(const struct pace *p)
{
    double left;

    if (p->window <= 0 || p->n < p->max)
        return 0;
    /* A little margin over the server's sliding window. */
    left = p->t[p->next] + p->window + 0.3 - now_s();
    return left > 0 ? left : 0;
}

static void pace_note(struct pace *p)
{
    p->t[p->next] = now_s();
    p->next = (p->next + 1) % p->max;
    if (p->n < p->max)
        p->n++;
}

/* --- the counting proxy ------------------------------------------------------ */

/* One connection at a time, relayed between a client and 127.0.0.1:target;
 * counts TCP payload bytes each way and notes when each connection came. */
struct proxy {
    int lfd, port, target;
    int wake[2];
    pthread_t thread;
    atomic_ullong up, down; /* client -> server, server -> client */
    atomic_llong accept_ns; /* the last connection's accept() */
    atomic_int conns, busy;
};

static int listen_local(int *port)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        fatal("socket: %s", strerror(errno));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        fatal("proxy: %s", strerror(errno));
    *port = ntohs(a.sin_port);
    return fd;
}

static int connect_local(int port)
{
    struct sockaddr_in a = {0};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)port);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

struct flow {
    int from, to;
    char buf[65536];
    size_t len, off;
    atomic_ullong *count;
};

/* Relay until either side closes (0) or the proxy is told to stop (1). */
static int relay(struct proxy *p, int c, int s)
{
    static struct flow f[2]; /* only the proxy thread uses them */

    f[0] = (struct flow){.from = c, .to = s, .count = &p->up};
    f[1] = (struct flow){.from = s, .to = c, .count = &p->down};
    fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK);
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
    for (;;) {
        struct pollfd pf[3] = {{.fd = c}, {.fd = s}, {.fd = p->wake[0], .events = POLLIN}};

        /* pf[0] is c: flow 0 reads it, flow 1 writes it; pf[1] the reverse. */
        for (int i = 0; i < 2; i++) {
            if (f[i].len == 0)
                pf[i].events |= POLLIN;
            else
                pf[1 - i].events |= POLLOUT;
        }
        if (poll(pf, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        if (pf[2].revents != 0)
            return 1;
        for (int i = 0; i < 2; i++) {
            struct flow *w = &f[i];

            if (w->len == 0 && (pf[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                ssize_t n = read(w->from, w->buf, sizeof w->buf);

                if (n > 0) {
                    w->len = (size_t)n;
                    w->off = 0;
                    atomic_fetch_add(w->count, (unsigned long long)n);
                } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                    return 0;
                }
            }
            if (w->len > 0) {
                ssize_t n = write(w->to, w->buf + w->off, w->len - w->off);

                if (n > 0) {
                    w->off += (size_t)n;
                    if (w->off == w->len)
                        w->len = 0;
                } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                    return 0;
                }
            }
        }
    }
}

static void *proxy_main(void *arg)
{
    struct proxy *p = arg;

    for (;;) {
        struct pollfd pf[2] = {{.fd = p->lfd, .events = POLLIN},
                               {.fd = p->wake[0], .events = POLLIN}};
        long long t;
        int c, s, stop;

        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pf[1].revents != 0)
            break;
        c = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            continue;
        t = vt_now_ns();
        s = connect_local(p->target);
        if (s < 0) {
            close(c);
            continue;
        }
        atomic_store(&p->busy, 1);
        atomic_store(&p->accept_ns, t);
        atomic_fetch_add(&p->conns, 1);
        stop = relay(p, c, s);
        close(c);
        close(s);
        atomic_store(&p->busy, 0);
        if (stop)
            break;
    }
    return NULL;
}

static void proxy_start(struct proxy *p, int target)
{
    memset(p, 0, sizeof *p);
    p->target = target;
    p->lfd = listen_local(&p->port);
    if (pipe2(p->wake, O_CLOEXEC) != 0)
        fatal("pipe: %s", strerror(errno));
    if (pthread_create(&p->thread, NULL, proxy_main, p) != 0)
        fatal("pthread_create failed");
}

static void proxy_stop(struct proxy *p)
{
    if (write(p->wake[1], "x", 1) != 1)
        fatal("proxy: cannot wake the relay");
    pthread_join(p->thread, NULL);
    close(p->lfd);
    close(p->wake[0]);
    close(p->wake[1]);
}

/* Wait until the previous connection is gone, so the next one is accepted
 * the moment it arrives. */
static void proxy_wait_idle(struct proxy *p)
{
    for (int t = 0; t < 5000 && atomic_load(&p->busy); t += 10)
        sleep_ms(10);
}

/* --- wire: bytes and time to the first screen, per move, per key ------------ */

/* A client through the proxy that reached the first full screen, or NULL
 * (reported) after three refused or failed attempts. */
static struct vt *first_screen(struct proxy *p, struct pace *pc, const char *user, const char *key,
                               const char *text, const char *log, unsigned long long *up0,
                               unsigned long long *down0, long long *first_ns)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        int conns;
        struct vt *vt;
        double due = pace_due(pc);

        if (due > 0)
            sleep_ms((int)(due * 1000));
        proxy_wait_idle(p);
        conns = atomic_load(&p->conns);
        *up0 = atomic_load(&p->up);
        *down0 = atomic_load(&p->down);
        pace_note(pc);
        vt = client_start(p->port, user, key, log);
        /* The first byte on the terminal: the handshake is over. */
        {
            long long deadline = vt_now_ns() + (long long)vt_timeout() * 1000000;

            while (vt_bytes_out(vt) == 0 && vt_now_ns() < deadline)
                if (vt_pump(vt, 5) < 0)
                    break;
            *first_ns = vt_last_output_ns(vt);
        }
        if (vt_wait_text(vt, text, vt_timeout()) && atomic_load(&p->conns) > conns) {
            vt_settle(vt, SCREEN_QUIET_MS, vt_timeout());
            return vt;
        }
        fprintf(stderr, "ssh: \"%s\" did not appear (attempt %d)\n", text, attempt + 1);
        vt_print_screen(vt, "client screen");
        client_close(vt);
        sleep_ms(3000);
    }
    return NULL;
}

struct counts {
    unsigned long long up, down, term;
};

static struct counts snap(struct proxy *p, struct vt *vt)
{
    struct counts c = {atomic_load(&p->up), atomic_load(&p->down), vt_bytes_out(vt)};

    return c;
}

/* Keys typed one at a time, each waited for; the bytes and times add to
 * the totals. */
struct keystats {
    int keys, silent, timed, cap;
    long long *ns; /* key sent -> last byte of its redraw, per answered key */
    unsigned long long up, down, term;
};

static void key_measure(struct proxy *p, struct vt *vt, struct keystats *ks, const char *bytes,
                        size_t len, int named)
{
    struct counts a = snap(p, vt), b;
    long long t0 = vt_now_ns();

    if (named)
        vt_key(vt, VT_KEY_DOWN);
    else
        vt_send_len(vt, bytes, len);
    if (!bench_await_redraw(vt, a.term, KEY_QUIET_MS)) {
        ks->silent++;
    } else if (ks->timed < ks->cap) {
        ks->ns[ks->timed++] = vt_last_output_ns(vt) - t0;
    }
    b = snap(p, vt);
    ks->up += b.up - a.up;
    ks->down += b.down - a.down;
    ks->term += b.term - a.term;
    ks->keys++;
}

static void key_report(const char *name, struct keystats *ks)
{
    double k = ks->keys > 0 ? (double)ks->keys : 1;

    printf("%s_keys\t%d\n", name, ks->keys);
    printf("%s_silent\t%d\n", name, ks->silent);
    printf("%s_up_bytes\t%.1f\n", name, (double)ks->up / k);
    printf("%s_down_bytes\t%.1f\n", name, (double)ks->down / k);
    printf("%s_term_bytes\t%.1f\n", name, (double)ks->term / k);
    printf("%s_median_ms\t%.2f\n", name, (double)bench_pct(ks->ns, ks->timed, 50) / 1e6);
}

static int wire(int port, const char *user, const char *key, int runs, int moves, const char *text,
                const char *prefix, char **words, int nwords)
{
    struct proxy p;
    struct pace pc;
    long long first = 0, *t1 = xcalloc((size_t)runs, sizeof *t1),
              *t = xcalloc((size_t)runs, sizeof *t), *up = xcalloc((size_t)runs, sizeof *up),
              *down = xcalloc((size_t)runs, sizeof *down),
              *term = xcalloc((size_t)runs, sizeof *term);
    char *log = xasprintf("%s-client.log", prefix);
    struct keystats mv = {0}, sk = {0};
    struct counts a = {0};
    struct vt *vt = NULL;
    int rc = 1, cap = 0;

    proxy_start(&p, port);
    /* mabdesk serve takes 10 new connections per source in 10 s. */
    pace_init(&pc, 10, 10);
    remove(log);
    /* Warm-up, not counted: caches, and the client's log of what was
     * negotiated. */
    vt = first_screen(&p, &pc, user, key, text, log, &a.up, &a.down, &first);
    if (vt == NULL)
        goto out;
    write_screen(vt, prefix, "first");
    client_close(vt);
    vt = NULL;
    for (int r = 0; r < runs; r++) {
        vt = first_screen(&p, &pc, user, key, text, NULL, &a.up, &a.down, &first);
        if (vt == NULL)
            goto out;
        t[r] = vt_last_output_ns(vt) - atomic_load(&p.accept_ns);
        t1[r] = first - atomic_load(&p.accept_ns);
        up[r] = (long long)(atomic_load(&p.up) - a.up);
        down[r] = (long long)(atomic_load(&p.down) - a.down);
        term[r] = (long long)vt_bytes_out(vt);
        if (r < runs - 1) {
            client_close(vt);
            vt = NULL;
        }
    }
    printf("runs\t%d\n", runs);
    printf("connect_median_ms\t%.1f\n", (double)bench_pct(t, runs, 50) / 1e6);
    printf("connect_min_ms\t%.1f\n", (double)bench_pct(t, runs, 0) / 1e6);
    printf("connect_max_ms\t%.1f\n", (double)bench_pct(t, runs, 100) / 1e6);
    printf("connect_first_byte_median_ms\t%.1f\n", (double)bench_pct(t1, runs, 50) / 1e6);
    printf("first_up_bytes\t%lld\n", bench_pct(up, runs, 50));
    printf("first_down_bytes\t%lld\n", bench_pct(down, runs, 50));
    printf("first_term_bytes\t%lld\n", bench_pct(term, runs, 50));

    /* The last connection goes on into the directory. */
    {
        unsigned long long before = vt_bytes_out(vt);

        vt_key(vt, VT_KEY_ENTER);
        bench_await_redraw(vt, before, KEY_QUIET_MS);
        vt_settle(vt, SCREEN_QUIET_MS, vt_timeout());
    }
    mv.cap = moves;
    mv.ns = xcalloc((size_t)moves + 1, sizeof *mv.ns);
    for (int i = 0; i < moves; i++)
        key_measure(&p, vt, &mv, NULL, 0, 1);
    write_screen(vt, prefix, "moves");
    key_report("move", &mv);

    for (int w = 0; w < nwords; w++)
        cap += (int)strlen(words[w]);
    sk.cap = cap;
    sk.ns = xcalloc((size_t)cap + 1, sizeof *sk.ns);
    {
        unsigned long long before = vt_bytes_out(vt);

        vt_send(vt, "/");
        bench_await_redraw(vt, before, KEY_QUIET_MS);
    }
    for (int w = 0; w < nwords; w++) {
        const char *c = words[w];

        while (*c != '\0') {
            size_t len = 1;

            while (((unsigned char)c[len] & 0xC0) == 0x80)
                len++;
            key_measure(&p, vt, &sk, c, len, 0);
            c += len;
        }
        if (!vt_find(vt, words[w], NULL, NULL))
            fprintf(stderr, "ssh: the typed word \"%s\" is not on the screen\n", words[w]);
        if (w == nwords - 1)
            write_screen(vt, prefix, "search");
        {
            unsigned long long before = vt_bytes_out(vt);

            vt_send(vt, "\x15"); /* Ctrl-U: empty the search field */
            bench_await_redraw(vt, before, KEY_QUIET_MS);
        }
    }
    key_report("search", &sk);
    rc = 0;
out:
    if (vt != NULL)
        client_close(vt);
    proxy_stop(&p);
    free(mv.ns);
    free(sk.ns);
    free(pc.t);
    free(t);
    free(t1);
    free(up);
    free(down);
    free(term);
    free(log);
    return rc;
}

/* --- idle: memory per session ------------------------------------------------- */

struct proc {
    int pid, ppid, mark;
};

static int read_ppid(int pid)
{
    char path[64], buf[1024], *close_paren;
    FILE *f;
    size_t n;
    int ppid = -1;

    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    close_paren = strrchr(buf, ')');
    if (close_paren == NULL || sscanf(close_paren + 1, " %*c %d", &ppid) != 1)
        return -1;
    return ppid;
}

/* Every process below root (not root itself); count in *n. */
static int *descendants(int root, int *n)
{
    struct proc *all = NULL;
    int nall = 0, *out = NULL, changed = 1;
    DIR *d = opendir("/proc");
    struct dirent *e;

    *n = 0;
    if (d == NULL)
        return NULL;
    while ((e = readdir(d)) != NULL) {
        int pid, ppid;

        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        pid = atoi(e->d_name);
        ppid = read_ppid(pid);
        if (ppid < 0)
            continue;
        all = xreallocarray(all, (size_t)nall + 1, sizeof *all);
        all[nall++] = (struct proc){pid, ppid, 0};
    }
    closedir(d);
    while (changed) {
        changed = 0;
        for (int i = 0; i < nall; i++) {
            if (all[i].mark)
                continue;
            if (all[i].ppid == root)
                all[i].mark = changed = 1;
            for (int j = 0; !all[i].mark && j < nall; j++)
                if (all[j].mark && all[j].pid == all[i].ppid)
                    all[i].mark = changed = 1;
        }
    }
    for (int i = 0; i < nall; i++)
        if (all[i].mark) {
            out = xreallocarray(out, (size_t)*n + 1, sizeof *out);
            out[(*n)++] = all[i].pid;
        }
    free(all);
    return out;
}

struct mem {
    long long pss, rss, priv; /* KiB */
};

static int read_mem(int pid, struct mem *m)
{
    char path[64], line[256];
    FILE *f;

    memset(m, 0, sizeof *m);
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        long long v;

        if (sscanf(line, "Rss: %lld", &v) == 1)
            m->rss = v;
        else if (sscanf(line, "Pss: %lld", &v) == 1)
            m->pss = v;
        else if (sscanf(line, "Private_Clean: %lld", &v) == 1 ||
                 sscanf(line, "Private_Dirty: %lld", &v) == 1)
            m->priv += v;
    }
    fclose(f);
    return 0;
}

/* What kind of process: "mabdesk ui", "sshd: root@pts/N", ...  server:
 * the listener, whose "mabdesk ui" child is the UI template (the
 * template's children are the sessions' UIs). */
static char *proc_label(int pid, int server)
{
    char path[64], buf[512];
    FILE *f;
    size_t n;
    struct buf out = {0};
    int is_mabdesk, ui = 0, serve = 0;

    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    f = fopen(path, "r");
    if (f == NULL)
        return xstrdup("?");
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    is_mabdesk = strstr(buf, "mabdesk") != NULL && strncmp(buf, "sshd", 4) != 0;
    for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
        ui |= strcmp(buf + i, "ui") == 0;
        serve |= strcmp(buf + i, "serve") == 0;
    }
    if (is_mabdesk && ui && read_ppid(pid) == server)
        return xstrdup("mabdesk ui (the UI template)");
    if (is_mabdesk)
        return xstrdup(ui      ? "mabdesk ui (the application)"
                       : serve ? "mabdesk serve (session process)"
                               : "mabdesk (local editor session)");
    /* sshd's own title, numbers made generic. */
    for (const char *c = buf; *c != '\0' && out.len < 60; c++) {
        if (isdigit((unsigned char)*c)) {
            while (isdigit((unsigned char)c[1]))
                c++;
            buf_addc(&out, 'N');
        } else {
            buf_addc(&out, *c);
        }
    }
    return out.len > 0 ? buf_take(&out) : xstrdup("?");
}

static void pump_all(struct vt **v, int n)
{
    for (int i = 0; i < n; i++)
        if (v[i] != NULL)
            vt_pump(v[i], 0);
}

/* --- typing: keystroke to screen update, with many sessions open ------------- */

/* Memory of the listener and of everything below it, summed (KiB). */
static void server_mem(int server, struct mem *listener, struct mem *all)
{
    int n, *pids = descendants(server, &n);

    read_mem(server, listener);
    *all = *listener;
    for (int i = 0; i < n; i++) {
        struct mem m;

        if (read_mem(pids[i], &m) == 0) {
            all->pss += m.pss;
            all->rss += m.rss;
            all->priv += m.priv;
        }
    }
    free(pids);
}

/* One typing session: its key in flight (sent_ns 0: none) and when the next
 * is due. */
struct typist {
    long long sent_ns, due_ns;
    unsigned long long since;
    int down;
};

/*
 * For `hold` seconds, the first `typing` sessions each press Down or Up (in
 * turn) about twice a second, one key in flight at a time; a key's time is
 * from sending it to the last byte of its redraw (KEY_QUIET_MS of quiet
 * after it).  Every `sample` seconds, the server's memory.  At the end, how
 * many sessions are still there.
 */
static void type_and_hold(struct vt **v, int open, int typing, int hold, int sample, int server)
{
    struct typist *t = xcalloc((size_t)typing, sizeof *t);
    long long *lat = NULL, start = vt_now_ns(), end = start + (long long)hold * 1000000000LL,
              next_sample = start, gap = 500LL * 1000000;
    int nlat = 0, cap = 0, lost = 0, missed = 0, alive = 0;
    struct mem first_l = {0}, last_l = {0}, first_a = {0}, last_a = {0};

    for (int i = 0; i < typing; i++)
        t[i].due_ns = start + gap * i / typing; /* spread over the first half second */
    while (vt_now_ns() < end) {
        long long now = vt_now_ns();

        if (sample > 0 && now >= next_sample) {
            server_mem(server, &last_l, &last_a);
            if (next_sample == start) {
                first_l = last_l;
                first_a = last_a;
            }
            printf("mem_sample\t%.0f\t%lld\t%lld\t%lld\n", (double)(now - start) / 1e9, last_l.rss,
                   last_l.pss, last_a.pss);
            next_sample += (long long)sample * 1000000000LL;
        }
        for (int i = 0; i < open; i++)
            vt_pump(v[i], 0);
        now = vt_now_ns();
        for (int i = 0; i < typing; i++) {
            struct typist *p = &t[i];

            if (p->sent_ns == 0 && now >= p->due_ns) {
                p->since = vt_bytes_out(v[i]);
                vt_key(v[i], p->down ? VT_KEY_UP : VT_KEY_DOWN);
                p->down = !p->down;
                p->sent_ns = vt_now_ns();
            } else if (p->sent_ns != 0 && vt_bytes_out(v[i]) != p->since &&
                       now - vt_last_output_ns(v[i]) >= KEY_QUIET_MS * 1000000LL) {
                if (nlat == cap)
                    lat = xreallocarray(lat, (size_t)(cap = cap ? cap * 2 : 1024), sizeof *lat);
                lat[nlat++] = (vt_last_output_ns(v[i]) - p->sent_ns) / 1000;
                p->sent_ns = 0;
                p->due_ns = now + gap;
            } else if (p->sent_ns != 0 && now - p->sent_ns > 5000LL * 1000000) {
                missed++; /* no redraw within 5 s */
                p->sent_ns = 0;
                p->due_ns = now + gap;
            }
        }
        sleep_ms(2);
    }
    for (int i = 0; i < open; i++)
        alive += vt_alive(v[i]) && !vt_find(v[i], "Connection", NULL, NULL);
    lost = open - alive;
    if (sample > 0) {
        server_mem(server, &last_l, &last_a);
        printf("mem_sample\t%d\t%lld\t%lld\t%lld\n", hold, last_l.rss, last_l.pss, last_a.pss);
        printf("listener_rss_first_kb\t%lld\n", first_l.rss);
        printf("listener_rss_last_kb\t%lld\n", last_l.rss);
        printf("server_pss_first_kb\t%lld\n", first_a.pss);
        printf("server_pss_last_kb\t%lld\n", last_a.pss);
    }
    printf("hold_seconds\t%d\n", hold);
    printf("typing_sessions\t%d\n", typing);
    printf("keys_measured\t%d\n", nlat);
    printf("keys_without_redraw\t%d\n", missed);
    printf("sessions_lost\t%d\n", lost);
    if (nlat > 0) {
        long long p50 = bench_pct(lat, nlat, 50), p99 = bench_pct(lat, nlat, 99);

        printf("key_p50_ms\t%.1f\n", (double)p50 / 1000);
        printf("key_p99_ms\t%.1f\n", (double)p99 / 1000);
    }
    free(lat);
    free(t);
}

static int idle(int port, const char *user, const char *key, int sessions, int batch, double window,
                const char *text, int server, int typing, int hold, int sample)
{
    struct vt **v = xcalloc((size_t)sessions, sizeof *v);
    struct pace pc;
    int open = 0, failed = 0, attempts = 0, *pids, npids;
    double t0 = now_s(), opened_in;
    struct {
        char *label;
        int count;
        struct mem sum;
    } kinds[16];
    int nkinds = 0;
    struct mem total = {0}, lm;

    pace_init(&pc, batch, window);
    while (open < sessions && attempts < sessions * 2) {
        int first = open, n = sessions - open < batch ? sessions - open : batch;
        long long deadline;
        int pending;

        for (int i = 0; i < n; i++) {
            double due;

            while ((due = pace_due(&pc)) > 0) {
                pump_all(v, open);
                sleep_ms(due > 0.05 ? 50 : (int)(due * 1000) + 1);
            }
            pace_note(&pc);
            v[first + i] = client_start(port, user, key, NULL);
            attempts++;
        }
        /* Wait for every screen of the batch. */
        deadline = vt_now_ns() + (long long)vt_timeout() * 3 * 1000000;
        do {
            pending = 0;
            for (int i = first; i < first + n; i++) {
                if (v[i] == NULL)
                    continue;
                vt_pump(v[i], 0);
                if (vt_find(v[i], text, NULL, NULL))
                    continue;
                if (!vt_alive(v[i])) {
                    vt_pump(v[i], 0);
                    fprintf(stderr, "ssh: session %d ended before its screen: %s\n", i + 1,
                            vt_row(v[i], 0));
                    client_close(v[i]);
                    v[i] = NULL;
                    failed++;
                    continue;
                }
                pending++;
            }
            if (pending > 0)
                sleep_ms(5);
        } while (pending > 0 && vt_now_ns() < deadline);
        /* Keep the sessions that made it, packed at the front. */
        for (int i = first; i < first + n; i++) {
            if (v[i] == NULL)
                continue;
            if (!vt_find(v[i], text, NULL, NULL)) {
                fprintf(stderr, "ssh: session %d never showed \"%s\"\n", i + 1, text);
                client_close(v[i]);
                v[i] = NULL;
                failed++;
                continue;
            }
            v[open++] = v[i];
            if (i != open - 1)
                v[i] = NULL;
        }
        if (open < first + n)
            sleep_ms(2000); /* refused: give the server's window time */
    }
    opened_in = now_s() - t0;
    /* Idle: let every screen finish, then measure. */
    for (int i = 0; i < 20; i++) {
        pump_all(v, open);
        sleep_ms(50);
    }
    pids = descendants(server, &npids);
    for (int i = 0; i < npids; i++) {
        struct mem m;
        char *label;
        int k;

        if (read_mem(pids[i], &m) != 0)
            continue;
        label = proc_label(pids[i], server);
        for (k = 0; k < nkinds; k++)
            if (strcmp(kinds[k].label, label) == 0)
                break;
        if (k == nkinds && nkinds < (int)nitems(kinds)) {
            kinds[k].label = label;
            kinds[k].count = 0;
            memset(&kinds[k].sum, 0, sizeof kinds[k].sum);
            nkinds++;
            label = NULL;
        }
        free(label);
        if (k < nkinds) {
            kinds[k].count++;
            kinds[k].sum.pss += m.pss;
            kinds[k].sum.rss += m.rss;
            kinds[k].sum.priv += m.priv;
        }
        total.pss += m.pss;
        total.rss += m.rss;
        total.priv += m.priv;
    }
    printf("sessions_asked\t%d\n", sessions);
    printf("sessions_open\t%d\n", open);
    printf("sessions_failed\t%d\n", failed);
    printf("open_seconds\t%.1f\n", opened_in);
    printf("procs\t%d\n", npids);
    printf("pss_kb\t%lld\n", total.pss);
    printf("rss_kb\t%lld\n", total.rss);
    printf("priv_kb\t%lld\n", total.priv);
    if (read_mem(server, &lm) == 0)
        printf("listener_pss_kb\t%lld\n", lm.pss);
    for (int k = 0; k < nkinds; k++) {
        printf("proc\t%s\t%d\t%lld\t%lld\t%lld\n", kinds[k].label, kinds[k].count,
               kinds[k].sum.pss / kinds[k].count, kinds[k].sum.rss / kinds[k].count,
               kinds[k].sum.priv / kinds[k].count);
        free(kinds[k].label);
    }
    free(pids);
    if (typing > 0 && hold > 0)
        type_and_hold(v, open, typing < open ? typing : open, hold, sample, server);
    for (int i = 0; i < open; i++)
        client_close(v[i]);
    free(v);
    free(pc.t);
    return open > 0 ? 0 : 1;
}

/* --- main ---------------------------------------------------------------------- */

static int usage(void)
{
    fprintf(stderr, "usage: ssh port\n"
                    "       ssh wire PORT USER KEY RUNS MOVES TEXT PREFIX ; WORD...\n"
                    "       ssh idle PORT USER KEY SESSIONS BATCH PACE TEXT SERVER_PID\n"
                    "            [TYPING HOLD SAMPLE]\n");
    return 64;
}

int main(int argc, char **argv)
{
    struct sigaction sa = {0};

    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 2 && strcmp(argv[1], "port") == 0) {
        int port, fd = listen_local(&port);

        close(fd);
        printf("%d\n", port);
        return 0;
    }
    if (argc >= 11 && strcmp(argv[1], "wire") == 0 && strcmp(argv[9], ";") == 0) {
        int runs = atoi(argv[5]), moves = atoi(argv[6]);

        if (runs < 1 || moves < 1)
            return usage();
        return wire(atoi(argv[2]), argv[3], argv[4], runs, moves, argv[7], argv[8], argv + 10,
                    argc - 10);
    }
    if ((argc == 10 || argc == 13) && strcmp(argv[1], "idle") == 0) {
        int sessions = atoi(argv[5]), batch = atoi(argv[6]);
        int typing = argc == 13 ? atoi(argv[10]) : 0, hold = argc == 13 ? atoi(argv[11]) : 0,
            sample = argc == 13 ? atoi(argv[12]) : 0;

        if (sessions < 1 || sessions > MAX_CLIENTS - 8 || batch < 1 || typing < 0 || hold < 0)
            return usage();
        return idle(atoi(argv[2]), argv[3], argv[4], sessions, batch, atof(argv[7]), argv[8],
                    atoi(argv[9]), typing, hold, sample);
    }
    return usage();
}
