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
#include <sys/socket.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "db/db.h"
#include "i18n.h"
#include "ssh/serve_internal.h"
#include "util.h"

/* Bind one listening socket; its fd, or -1 with *err. */
static int listen_on(const char *spec, char **err)
{
    struct addrinfo hints = {0}, *res = NULL;
    char host[128], port[16];
    int fd, one = 1, rc;

    if (config_split_listen(spec, host, sizeof host, port, sizeof port) != 0) {
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

/* The options that set a key of the configuration, in the order of their
 * entries at the end of opts[] (getopt_long() returns OPT_KEY + index). */
enum { OPT_KEY = 1000 };

static const struct key_opt {
    const char *option;
    enum config_key key;
} key_opts[] = {
    {"--max-sessions", CK_MAX_SESSIONS},
    {"--idle-timeout", CK_IDLE_TIMEOUT},
    {"--max-session-time", CK_MAX_SESSION_TIME},
    {"--auth-delay", CK_AUTH_DELAY},
    {"--auth-delay-max", CK_AUTH_DELAY_MAX},
    {"--penalty", CK_PENALTY},
    {"--penalty-min", CK_PENALTY_MIN},
    {"--penalty-max", CK_PENALTY_MAX},
    {"--state-dir", CK_STATE_DIR},
    {"--db", CK_DATABASE},
    {"--compression", CK_COMPRESSION},
};

static const struct option opts[] = {
    {"listen", required_argument, NULL, 'l'},
    {"fingerprints", no_argument, NULL, 'f'},
    {"log-stderr", no_argument, NULL, 'e'},
    {"help", no_argument, NULL, 'h'},
    {"max-sessions", required_argument, NULL, OPT_KEY + 0},
    {"idle-timeout", required_argument, NULL, OPT_KEY + 1},
    {"max-session-time", required_argument, NULL, OPT_KEY + 2},
    {"auth-delay", required_argument, NULL, OPT_KEY + 3},
    {"auth-delay-max", required_argument, NULL, OPT_KEY + 4},
    {"penalty", required_argument, NULL, OPT_KEY + 5},
    {"penalty-min", required_argument, NULL, OPT_KEY + 6},
    {"penalty-max", required_argument, NULL, OPT_KEY + 7},
    {"state-dir", required_argument, NULL, OPT_KEY + 8},
    {"db", required_argument, NULL, OPT_KEY + 9},
    {"compression", required_argument, NULL, OPT_KEY + 10},
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
    fprintf(f, "%s", _("                     [--compression yes|no]\n"));
}

/* What the command line asks for besides the configuration. */
struct cmdline {
    struct buf listen; /* --listen, space-separated */
    int fingerprints;
    int help;
    int log_stderr;
};

/* The settings a running server follows, from the configuration: at the
 * start and again on SIGHUP. */
static void apply_config(struct serve_config *c, const struct config *conf)
{
    c->kiosk = config_int(conf, CK_KIOSK);
    c->lang = config_str(conf, CK_LANGUAGE);
    c->idle_timeout = config_int(conf, CK_IDLE_TIMEOUT);
    c->kiosk_idle = config_int(conf, CK_KIOSK_IDLE_TIMEOUT);
    c->max_session = config_int(conf, CK_MAX_SESSION_TIME);
    c->max_sessions = config_int(conf, CK_MAX_SESSIONS);
    c->per_source_max = config_int(conf, CK_PER_SOURCE_MAX);
    c->per_source_window = config_int(conf, CK_PER_SOURCE_WINDOW);
    c->auth_delay = config_int(conf, CK_AUTH_DELAY);
    c->auth_delay_max = config_int(conf, CK_AUTH_DELAY_MAX);
    c->penalty = config_int(conf, CK_PENALTY);
    c->penalty_min = config_int(conf, CK_PENALTY_MIN);
    c->penalty_max = config_int(conf, CK_PENALTY_MAX);
    c->compression = config_int(conf, CK_COMPRESSION);
}

static void defaults(struct serve_config *c, struct config *conf)
{
    memset(c, 0, sizeof *c);
    c->conf = conf;
    c->login_grace = 30;
    c->max_auth_tries = 6;
    c->startups_begin = 10;
    c->startups_rate = 30;
    c->startups_full = 100;
    apply_config(c, conf);
}

/* One option of getopt_long(); 0, or -1 (with a message) on bad usage. */
static int take_option(int c, struct config *conf, struct cmdline *cl)
{
    char *err = NULL;

    if (c >= OPT_KEY && c < OPT_KEY + (int)nitems(key_opts)) {
        const struct key_opt *o = &key_opts[c - OPT_KEY];

        if (config_override(conf, o->option, o->key, optarg, &err) == CONFIG_OK)
            return 0;
        fprintf(stderr, "mabdesk: %s\n", err);
        free(err);
        return -1;
    }
    switch (c) {
    case 'h':
        cl->help = 1;
        return 0;
    case 'l':
        if (strchr(optarg, ' ') != NULL || strchr(optarg, ',') != NULL) {
            fprintf(stderr, _("mabdesk: bad --listen '%s' (ADDR:PORT or [ADDR]:PORT)\n"), optarg);
            return -1;
        }
        if (cl->listen.len > 0)
            buf_addc(&cl->listen, ' ');
        buf_adds(&cl->listen, optarg);
        return 0;
    case 'f':
        cl->fingerprints = 1;
        return 0;
    case 'e':
        cl->log_stderr = 1;
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

/* Bind every listen address (--listen, else the configuration's); 0, or
 * -1 with *err.  An address of the built-in default that the machine lacks
 * (no IPv6) is not fatal while another one works. */
static int listen_all(const struct config *conf, int **lfd, int *nlfd, char **err)
{
    char *list = xstrdup(config_str(conf, CK_LISTEN)), *save = NULL, *e = NULL;
    int is_default = conf->from[CK_LISTEN].src == CONFIG_DEFAULT, rc = 0;

    *lfd = NULL;
    *nlfd = 0;
    for (char *spec = strtok_r(list, " \t,", &save); spec != NULL && rc == 0;
         spec = strtok_r(NULL, " \t,", &save)) {
        int fd = listen_on(spec, &e);

        if (fd < 0 && !is_default) {
            *err = e;
            rc = -1;
        } else if (fd < 0) {
            syslog(LOG_WARNING, "not listening on %s: %s", spec, e);
            free(*err);
            *err = e; /* kept in case none works */
        } else {
            *lfd = xreallocarray(*lfd, (size_t)*nlfd + 1, sizeof **lfd);
            (*lfd)[(*nlfd)++] = fd;
            syslog(LOG_INFO, "listening on %s", spec);
        }
        e = NULL;
    }
    free(list);
    if (rc == 0 && *nlfd == 0)
        return -1;
    if (rc == 0) {
        free(*err);
        *err = NULL;
    }
    return rc;
}

/* SIGHUP (listener.c): read the configuration again and follow what a
 * running server can change; sessions go on.  The listen addresses, the
 * database and the state directory need a restart. */
void serve_reload(struct serve_config *c)
{
    struct config fresh;
    char *err = NULL;

    if (config_reload(c->conf, &fresh, &err) != CONFIG_OK) {
        syslog(LOG_ERR, "configuration not reloaded, the old one stays: %s", err);
        free(err);
        return;
    }
    for (int k = CK_DATABASE; k <= CK_LISTEN; k++)
        if (strcmp(config_str(&fresh, k), config_str(c->conf, k)) != 0)
            syslog(LOG_WARNING, "configuration reloaded: %s changes at the next start",
                   config_key_name(k));
    config_free(c->conf);
    *c->conf = fresh;
    apply_config(c, c->conf);
    setenv("MABDESK_TZ", config_str(c->conf, CK_TIMEZONE), 1);
    setenv("MABDESK_WEEK_START", config_str(c->conf, CK_WEEK_START), 1);
    syslog(LOG_INFO,
           "configuration reloaded: kiosk %s, idle timeout %d s, max session time %d s, "
           "max sessions %d, per source %d in %d s",
           c->kiosk ? "on" : "off", c->idle_timeout, c->max_session, c->max_sessions,
           c->per_source_max, c->per_source_window);
}

/* From the host keys to the end of the listener; a db_status. */
static int run(struct serve_config *cfg, const struct cmdline *cl, char **err)
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
    if (rc == DB_OK && listen_all(cfg->conf, &lfd, &nlfd, err) != 0)
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

int serve_main(struct config *conf, int argc, char **argv, char **err)
{
    struct serve_config cfg;
    struct cmdline cl = {{NULL, 0, 0}, 0, 0, 0};
    char *listen = NULL, *db_path;
    int c, rc = DB_OK;

    optind = 0; /* 0: a full restart of GNU getopt after main.c's own parse */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
        if (take_option(c, conf, &cl) != 0)
            break;
    listen = buf_take(&cl.listen);
    if (c == -1 && optind == argc && *listen != '\0' &&
        config_override(conf, "--listen", CK_LISTEN, listen, err) != CONFIG_OK) {
        fprintf(stderr, "mabdesk: %s\n", *err);
        free(*err);
        *err = NULL;
        c = '?';
    }
    free(listen);
    if (c != -1 || optind != argc || cl.help) {
        usage(cl.help ? stdout : stderr);
        return cl.help ? DB_OK : SERVE_USAGE;
    }
    defaults(&cfg, conf);
    cfg.state_dir = xstrdup(config_str(conf, CK_STATE_DIR));
    /* A copy: a reload replaces the configuration's strings. */
    db_path = xstrdup(config_str(conf, CK_DATABASE));
    cfg.db_path = db_path;
    cfg.log_stderr = cl.log_stderr;
    openlog("mabdesk", LOG_PID | LOG_NDELAY | (cfg.log_stderr ? LOG_PERROR : 0), LOG_AUTH);
    ssh_init();
    rc = run(&cfg, &cl, err);
    ssh_finalize();
    free(cfg.state_dir);
    free(cfg.exe);
    free(db_path);
    closelog();
    return rc;
}
