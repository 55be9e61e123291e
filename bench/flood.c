/*
 * flood.c: a real login while a flood of stalled connections is held, or
 * right after a flood of connections that come and go, for bench/ssh.sh
 * (OpenSSH's MaxStartups weakness: connections that never start the key
 * exchange fill every slot for logging in).
 *
 *   flood PORT USER KEY N TEXT
 *       first a login with nothing else going on; then N TCP connections
 *       to 127.0.0.1:PORT, the i-th from 127.0.0.(2+i), that send nothing;
 *       once the server has answered each (its banner, a refusal, or
 *       closing it), the same login LOGINS times, one after the other,
 *       while they are held.  A login is the real OpenSSH client in a
 *       pseudo-terminal (tests/lib/vt.c) as USER with KEY, until TEXT is on
 *       its screen (30 s at most).
 *
 *   flood churn PORT USER KEY N TEXT
 *       a login with nothing else going on; then N connection attempts one
 *       after the other, the i-th from 127.0.0.(2 + i % 250), half closed
 *       at once and half after a line of garbage; then the same login
 *       right away (tests/ssh/test_faults.c does this with fewer).
 *
 * Output: "name<TAB>value" lines: login_ms (without the flood), then
 * flood_open (connections the server kept open, half a second after the
 * last was answered), flood_refused (answered with a line of refusal),
 * flood_closed (closed without one), flood_logins (tried), flood_logins_in
 * (got in), flood_login_ms (the median of those), flood_still_open (after
 * them).  With churn: churn_connections (tried), churn_connected,
 * churn_s (how long they took), churn_login_ms (the login after them, -1
 * if it did not get in).
 * Must never: connect anywhere but 127.0.0.1, hold more than N + 1
 * connections (churn: 2), or run for more than FLOOD_LIMIT_S seconds (it
 * stops by itself, closing its client and its sockets).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"
#include "vt.h"

enum {
    FLOOD_MAX = 250,
    CHURN_MAX = 100000,
    FLOOD_LIMIT_S = 300,
    LOGIN_LIMIT_MS = 30000,
    LOGINS = 5
};

static volatile sig_atomic_t client_pid;

static void on_signal(int sig)
{
    if (client_pid > 0) {
        kill(-client_pid, SIGTERM);
        kill(client_pid, SIGTERM);
    }
    _exit(128 + sig);
}

/* A TCP connection to 127.0.0.1:port from 127.0.0.<host>, or -1. */
static int connect_from(int port, int host)
{
    struct sockaddr_in a = {0}, from = {0};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    from.sin_family = AF_INET;
    from.sin_addr.s_addr = htonl(INADDR_LOOPBACK - 1 + (unsigned)host);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)port);
    if (bind(fd, (struct sockaddr *)&from, sizeof from) != 0 ||
        connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* What the server said first: 'b' its banner, 'r' a refusal, 'c' closed. */
static char first_answer(int fd)
{
    char buf[256];
    size_t len = 0;

    while (len < sizeof buf) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t n;

        if (poll(&p, 1, 20000) != 1)
            return 'c';
        n = read(fd, buf + len, 1);
        if (n <= 0)
            return len > 0 && strncmp(buf, "SSH-", 4) != 0 ? 'r' : 'c';
        if (buf[len++] == '\n')
            break;
    }
    return strncmp(buf, "SSH-", 4) == 0 ? 'b' : 'r';
}

/* 1 if the server has closed fd (EOF), without waiting. */
static int closed(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    char c;

    if (poll(&p, 1, 0) != 1)
        return 0;
    return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0 || (p.revents & (POLLHUP | POLLERR));
}

/* One login to TEXT on the screen: its time in ms, or -1. */
static double login(int port, const char *user, const char *key, const char *text)
{
    char port_s[16];
    const char *argv[] = {"/usr/bin/ssh",
                          "-F",
                          "/dev/null",
                          "-o",
                          "StrictHostKeyChecking=no",
                          "-o",
                          "UserKnownHostsFile=/dev/null",
                          "-o",
                          "IdentitiesOnly=yes",
                          "-o",
                          "BatchMode=yes",
                          "-o",
                          "ConnectTimeout=30",
                          "-o",
                          "LogLevel=ERROR",
                          "-i",
                          key,
                          "-tt",
                          "-p",
                          port_s,
                          "-l",
                          user,
                          "127.0.0.1",
                          NULL};
    long long t0;
    struct vt *vt;
    double ms = -1;

    snprintf(port_s, sizeof port_s, "%d", port);
    t0 = vt_now_ns();
    vt = vt_spawn(argv, 24, 80, NULL);
    client_pid = vt_pid(vt);
    if (vt_wait_text(vt, text, LOGIN_LIMIT_MS))
        ms = (double)(vt_now_ns() - t0) / 1e6;
    else
        vt_print_screen(vt, "flood: the login did not get through");
    client_pid = 0;
    vt_close(vt);
    return ms;
}

static int flood(int port, const char *user, const char *key, int n, const char *text)
{
    int fds[FLOOD_MAX], open = 0, refused = 0, shut, still = 0, nin = 0;
    char answer[FLOOD_MAX];
    long long in[LOGINS];

    printf("login_ms\t%.1f\n", login(port, user, key, text));
    for (int i = 0; i < n; i++)
        fds[i] = connect_from(port, 2 + i);
    for (int i = 0; i < n; i++) {
        answer[i] = fds[i] >= 0 ? first_answer(fds[i]) : 'c';
        refused += answer[i] == 'r';
    }
    /* Let the server finish what it does to them (evicted ones close). */
    usleep(500 * 1000);
    for (int i = 0; i < n; i++)
        open += answer[i] == 'b' && !closed(fds[i]);
    shut = n - refused - open;
    printf("flood_connections\t%d\n", n);
    printf("flood_open\t%d\n", open);
    printf("flood_refused\t%d\n", refused);
    printf("flood_closed\t%d\n", shut);
    for (int i = 0; i < LOGINS; i++) {
        double ms = login(port, user, key, text);

        if (ms >= 0)
            in[nin++] = (long long)(ms * 1000);
    }
    printf("flood_logins\t%d\n", LOGINS);
    printf("flood_logins_in\t%d\n", nin);
    if (nin > 0)
        printf("flood_login_ms\t%.1f\n", (double)bench_pct(in, nin, 50) / 1000);
    for (int i = 0; i < n; i++) {
        still += fds[i] >= 0 && !closed(fds[i]);
        if (fds[i] >= 0)
            close(fds[i]);
    }
    printf("flood_still_open\t%d\n", still);
    return nin > 0 ? 0 : 1;
}

/* One connection attempt from 127.0.0.<host>, closed at once or after a
 * line of garbage: 1 if it connected. */
static int poke(int port, int host, int garbage)
{
    static const char junk[] = "GET / HTTP/1.0\r\n\r\n";
    int fd = connect_from(port, host);

    if (fd < 0)
        return 0;
    if (garbage)
        (void)send(fd, junk, sizeof junk - 1, MSG_NOSIGNAL);
    close(fd);
    return 1;
}

static int churn(int port, const char *user, const char *key, int n, const char *text)
{
    long long t0;
    int connected = 0;
    double ms;

    printf("login_ms\t%.1f\n", login(port, user, key, text));
    t0 = vt_now_ns();
    for (int i = 0; i < n; i++)
        connected += poke(port, 2 + i % 250, i % 2);
    printf("churn_connections\t%d\n", n);
    printf("churn_connected\t%d\n", connected);
    printf("churn_s\t%.1f\n", (double)(vt_now_ns() - t0) / 1e9);
    ms = login(port, user, key, text);
    printf("churn_login_ms\t%.1f\n", ms);
    return ms >= 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct sigaction sa = {0};
    struct rlimit rl;
    int n, is_churn = argc == 7 && strcmp(argv[1], "churn") == 0;

    argv += is_churn;
    argc -= is_churn;
    if (argc != 6 || (n = atoi(argv[4])) < 1 || (n > FLOOD_MAX && !is_churn) || n > CHURN_MAX) {
        fprintf(stderr,
                "usage: flood PORT USER KEY N TEXT  (N at most %d)\n"
                "       flood churn PORT USER KEY N TEXT  (N at most %d)\n",
                FLOOD_MAX, CHURN_MAX);
        return 64;
    }
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    alarm(FLOOD_LIMIT_S);
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)n + 64 ? rl.rlim_max : (rlim_t)n + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (is_churn)
        return churn(atoi(argv[1]), argv[2], argv[3], n, argv[5]);
    return flood(atoi(argv[1]), argv[2], argv[3], n, argv[5]);
}
