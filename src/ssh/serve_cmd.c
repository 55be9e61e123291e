/*
 * serve_cmd.c: "mabdesk serve" from its command line to a running
 * listener: the options, the host keys, the database (created and migrated
 * here, once, so that session processes open it read-only), the listening
 * sockets and the SSH bind; then listener.c takes over until it is told to
 * stop.
 */
#include "ssh/serve.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/socket.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "auth.h"
#include "db/db.h"
#include "i18n.h"
#include "ssh/serve_internal.h"
#include "util.h"

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

/* The options that take a number, in the order of their entries at the
 * end of opts[] (getopt_long() returns OPT_NUM + index for them). */
enum { OPT_NUM = 1000 };

static const struct num_opt {
    const char *name;
    int min, max;
    size_t off; /* in struct serve_config */
} num_opts[] = {
    {"max-sessions", 1, 100000, offsetof(struct serve_config, max_sessions)},
    {"idle-timeout", 0, 7 * 86400, offsetof(struct serve_config, idle_timeout)},
    {"max-session-time", 0, 30 * 86400, offsetof(struct serve_config, max_session)},
    {"auth-delay", 0, 3600, offsetof(struct serve_config, auth_delay)},
    {"auth-delay-max", 0, 3600, offsetof(struct serve_config, auth_delay_max)},
    {"penalty", 0, 86400, offsetof(struct serve_config, penalty)},
    {"penalty-min", 1, 86400, offsetof(struct serve_config, penalty_min)},
    {"penalty-max", 1, 30 * 86400, offsetof(struct serve_config, penalty_max)},
};

static const struct option opts[] = {
    {"listen", required_argument, NULL, 'l'},
    {"db", required_argument, NULL, 'd'},
    {"state-dir", required_argument, NULL, 's'},
    {"fingerprints", no_argument, NULL, 'f'},
    {"log-stderr", no_argument, NULL, 'e'},
    {"help", no_argument, NULL, 'h'},
    {"max-sessions", required_argument, NULL, OPT_NUM + 0},
    {"idle-timeout", required_argument, NULL, OPT_NUM + 1},
    {"max-session-time", required_argument, NULL, OPT_NUM + 2},
    {"auth-delay", required_argument, NULL, OPT_NUM + 3},
    {"auth-delay-max", required_argument, NULL, OPT_NUM + 4},
    {"penalty", required_argument, NULL, OPT_NUM + 5},
    {"penalty-min", required_argument, NULL, OPT_NUM + 6},
    {"penalty-max", required_argument, NULL, OPT_NUM + 7},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f, "%s",
            _("usage: mabdesk serve [--listen ADDR:PORT]... [--db PATH] [--state-dir DIR]\n"
              "                     [--fingerprints] [--max-sessions N] [--idle-timeout SECS]\n"
              "                     [--max-session-time SECS] [--log-stderr]\n"));
    fprintf(f, "%s",
            _("                     [--auth-delay SECS] [--auth-delay-max SECS]\n"
              "                     [--penalty SECS] [--penalty-min SECS] [--penalty-max SECS]\n"));
}

/* What the command line asks for besides the configuration. */
struct cmdline {
    const char *db_path;
    const char **listen;
    int nlisten;
    int fingerprints;
    int help;
};

static void defaults(struct serve_config *c)
{
    memset(c, 0, sizeof *c);
    c->login_grace = 30;
    c->max_auth_tries = 6;
    c->idle_timeout = 15 * 60;
    c->kiosk_idle = 3 * 60;
    c->max_sessions = 200;
    c->startups_begin = 10;
    c->startups_rate = 30;
    c->startups_full = 100;
    c->per_source_max = 10;
    c->per_source_window = 10;
    c->auth_delay = 1;
    c->auth_delay_max = 10;
    c->penalty = 5;
    c->penalty_min = 15;
    c->penalty_max = 600;
}

/* One option of getopt_long(); 0, or -1 (with a message) on bad usage. */
static int take_option(int c, struct serve_config *cfg, struct cmdline *cl)
{
    char host[128], port[16];
    int pn;

    if (c >= OPT_NUM && c < OPT_NUM + (int)nitems(num_opts)) {
        const struct num_opt *o = &num_opts[c - OPT_NUM];

        if (parse_int(optarg, o->min, o->max, (int *)((char *)cfg + o->off)) == 0)
            return 0;
        fprintf(stderr, _("mabdesk: --%s wants a number from %d to %d\n"), o->name, o->min, o->max);
        return -1;
    }
    switch (c) {
    case 'h':
        cl->help = 1;
        return 0;
    case 'l':
        if (split_listen(optarg, host, sizeof host, port, sizeof port) != 0 ||
            parse_int(port, 1, 65535, &pn) != 0) {
            fprintf(stderr, _("mabdesk: bad --listen '%s' (ADDR:PORT or [ADDR]:PORT)\n"), optarg);
            return -1;
        }
        cl->listen = xreallocarray(cl->listen, (size_t)cl->nlisten + 1, sizeof *cl->listen);
        cl->listen[cl->nlisten++] = optarg;
        return 0;
    case 'd':
        cl->db_path = optarg;
        return 0;
    case 's':
        free(cfg->state_dir);
        cfg->state_dir = xstrdup(optarg);
        return 0;
    case 'f':
        cl->fingerprints = 1;
        return 0;
    case 'e':
        cfg->log_stderr = 1;
        return 0;
    default:
        return -1;
    }
}

/* Create and migrate the database once, here, so that the session
 * processes can open it read-only. */
static int prepare_db(const char *db_path, char **err)
{
    struct session admin;
    struct db *db = NULL;
    int rc;

    memset(&admin, 0, sizeof admin);
    snprintf(admin.user, sizeof admin.user, "%s", "mabdesk-serve");
    admin.role = ROLE_ADMIN;
    rc = db_open(&db, db_path, &admin, err);
    if (rc != DB_OK) {
        syslog(LOG_ERR, "%s", *err);
        return rc;
    }
    if (db_read_only_reason(db) != NULL)
        syslog(LOG_WARNING, "changes cannot be saved: %s", db_read_only_reason(db));
    db_close(db);
    return rc;
}

/* Bind every --listen address (or the defaults); 0, or -1 with *err. */
static int listen_all(struct cmdline *cl, int **lfd, int *nlfd, char **err)
{
    static const char *defaults_v[] = {"0.0.0.0:2222", "[::]:2222"};
    int user_listen = cl->nlisten > 0, n = user_listen ? cl->nlisten : 2;
    char *e = NULL;

    *lfd = xcalloc((size_t)n, sizeof **lfd);
    *nlfd = 0;
    for (int i = 0; i < n; i++) {
        const char *spec = user_listen ? cl->listen[i] : defaults_v[i];
        int fd = listen_on(spec, &e);

        if (fd < 0) {
            /* A default address the machine lacks (no IPv6) is not fatal. */
            if (user_listen || (i == n - 1 && *nlfd == 0)) {
                *err = e;
                return -1;
            }
            syslog(LOG_WARNING, "not listening on %s: %s", spec, e);
            free(e);
            e = NULL;
            continue;
        }
        (*lfd)[(*nlfd)++] = fd;
        syslog(LOG_INFO, "listening on %s", spec);
    }
    return 0;
}

/* From the host keys to the end of the listener; a db_status. */
static int run(struct serve_config *cfg, struct cmdline *cl, char **err)
{
    char exe[PATH_MAX];
    int *lfd = NULL, nlfd = 0, rc;
    ssh_bind bind = NULL;
    ssize_t n;

    if (hostkey_ensure(cfg->state_dir, err) != 0)
        return DB_ERROR;
    if (cl->fingerprints)
        return hostkey_print_fingerprints(cfg->state_dir, err) == 0 ? DB_OK : DB_ERROR;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        *err = xasprintf("/proc/self/exe: %s", strerror(errno));
        return DB_ERROR;
    }
    exe[n] = '\0';
    cfg->exe = xstrdup(exe);
    rc = prepare_db(cfg->db_path, err);
    if (rc == DB_OK && listen_all(cl, &lfd, &nlfd, err) != 0)
        rc = DB_ERROR;
    if (rc == DB_OK) {
        bind = ssh_bind_new();
        if (bind == NULL || hostkey_configure_bind(bind, cfg->state_dir, err) != 0) {
            if (bind == NULL)
                *err = xstrdup(_("cannot start the SSH server"));
            rc = DB_ERROR;
        }
    }
    if (rc == DB_OK) {
        /* Listening: "systemctl start" (Type=notify) returns now.  Without
         * $NOTIFY_SOCKET, outside systemd, this does nothing. */
        sd_notify(0, "READY=1");
        listener_run(cfg, lfd, nlfd, bind);
    }
    for (int i = 0; i < nlfd; i++)
        close(lfd[i]);
    free(lfd);
    if (bind != NULL)
        ssh_bind_free(bind);
    return rc;
}

int serve_main(const char *db_path, int argc, char **argv, char **err)
{
    struct serve_config cfg;
    struct cmdline cl = {db_path, NULL, 0, 0, 0};
    int c, rc;

    defaults(&cfg);
    optind = 0; /* 0: a full restart of GNU getopt after main.c's own parse */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
        if (take_option(c, &cfg, &cl) != 0)
            break;
    if (c != -1 || optind != argc) {
        usage(stderr);
        free(cl.listen);
        free(cfg.state_dir);
        return SERVE_USAGE;
    }
    if (cl.help) {
        usage(stdout);
        free(cl.listen);
        free(cfg.state_dir);
        return DB_OK;
    }
    if (cfg.state_dir == NULL)
        cfg.state_dir = default_state_dir();
    cfg.db_path = cl.db_path;
    openlog("mabdesk", LOG_PID | LOG_NDELAY | (cfg.log_stderr ? LOG_PERROR : 0), LOG_AUTH);
    ssh_init();
    rc = run(&cfg, &cl, err);
    ssh_finalize();
    free(cl.listen);
    free(cfg.state_dir);
    free(cfg.exe);
    closelog();
    return rc;
}
