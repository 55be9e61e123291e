/*
 * config.c: mabdesk.conf (see config.h).  One table of keys drives the
 * parsing, the checks, the defaults and "mabdesk config show"; a key is
 * only here once the feature it sets exists.  inih reads the files; the
 * line numbers come from our own reader, which counts the lines it hands
 * over, so every message names the file, the line and the key.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmt/mail.h"
#include "i18n.h"
#include "util.h"

enum config_type {
    CT_PATH,
    CT_INT,
    CT_BOOL,
    CT_LANG,
    CT_LISTEN,
    CT_ZONE,
    CT_MAILBOX,
    CT_URL_TEMPLATE,
    CT_LIST_ID,
    CT_WEEK_START
};

static const struct key_def {
    const char *name;
    enum config_type type;
    int min, max;
    const char *def; /* NULL: computed (paths) or none (language) */
} keys[CK_COUNT] = {
    [CK_DATABASE] = {"database", CT_PATH, 0, 0, NULL},
    [CK_STATE_DIR] = {"state_dir", CT_PATH, 0, 0, NULL},
    [CK_LISTEN] = {"listen", CT_LISTEN, 0, 0, "127.0.0.1:2222 [::1]:2222"},
    [CK_KIOSK] = {"kiosk", CT_BOOL, 0, 1, "yes"},
    [CK_LANGUAGE] = {"language", CT_LANG, 0, 0, NULL},
    [CK_TIMEZONE] = {"timezone", CT_ZONE, 0, 0, "Asia/Dhaka"},
    [CK_IDLE_TIMEOUT] = {"idle_timeout", CT_INT, 0, 7 * 86400, "900"},
    [CK_KIOSK_IDLE_TIMEOUT] = {"kiosk_idle_timeout", CT_INT, 0, 7 * 86400, "180"},
    [CK_MAX_SESSION_TIME] = {"max_session_time", CT_INT, 0, 30 * 86400, "0"},
    [CK_MAX_SESSIONS] = {"max_sessions", CT_INT, 1, 100000, "200"},
    [CK_PER_SOURCE_MAX] = {"per_source_max", CT_INT, 1, 100000, "10"},
    [CK_PER_SOURCE_WINDOW] = {"per_source_window", CT_INT, 1, 86400, "10"},
    [CK_AUTH_DELAY] = {"auth_delay", CT_INT, 0, 3600, "1"},
    [CK_AUTH_DELAY_MAX] = {"auth_delay_max", CT_INT, 0, 3600, "10"},
    [CK_PENALTY] = {"penalty", CT_INT, 0, 86400, "5"},
    [CK_PENALTY_MIN] = {"penalty_min", CT_INT, 1, 86400, "15"},
    [CK_PENALTY_MAX] = {"penalty_max", CT_INT, 1, 30 * 86400, "600"},
    [CK_LEAN] = {"lean", CT_BOOL, 0, 1, "no"},
    [CK_COMPRESSION] = {"compression", CT_BOOL, 0, 1, "no"},
    /* The mail (send-confirmations, digest): no defaults, an address or
     * a link made up here would be worse than the command refusing. */
    [CK_MAIL_FROM] = {"mail_from", CT_MAILBOX, 0, 0, NULL},
    [CK_CONFIRM_URL] = {"confirm_url", CT_URL_TEMPLATE, 0, 0, NULL},
    [CK_UNSUBSCRIBE_URL] = {"unsubscribe_url", CT_URL_TEMPLATE, 0, 0, NULL},
    [CK_LIST_ID] = {"list_id", CT_LIST_ID, 0, 0, NULL},
    /* Saturday, as Bangladesh's week; the number is the weekday, 0 Sunday. */
    [CK_WEEK_START] = {"week_start", CT_WEEK_START, 0, 0, "saturday"},
};

#define TOKEN_MARK "{token}"

const char *config_key_name(enum config_key k)
{
    return keys[k].name;
}

int config_key_by_name(const char *name)
{
    for (int i = 0; i < CK_COUNT; i++)
        if (strcmp(keys[i].name, name) == 0)
            return i;
    return -1;
}

const char *config_str(const struct config *c, enum config_key k)
{
    return c->str[k];
}

int config_int(const struct config *c, enum config_key k)
{
    return c->num[k];
}

int config_split_listen(const char *spec, char *host, size_t hn, char *port, size_t pn)
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

/* One listen address: numeric host, port 1..65535. */
static int listen_ok(const char *spec)
{
    struct addrinfo hints = {0}, *res = NULL;
    char host[128], port[16];
    int pn;

    if (config_split_listen(spec, host, sizeof host, port, sizeof port) != 0 ||
        parse_int(port, 1, 65535, &pn) != 0)
        return 0;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return 0;
    freeaddrinfo(res);
    return 1;
}

/* A space- or comma-separated list of listen addresses, at least one. */
static int listen_list_ok(const char *v)
{
    char *copy = xstrdup(v), *save = NULL;
    int n = 0, ok = 1;

    for (char *t = strtok_r(copy, " \t,", &save); t != NULL; t = strtok_r(NULL, " \t,", &save)) {
        n++;
        ok = ok && listen_ok(t);
    }
    free(copy);
    return ok && n > 0;
}

static int zone_ok(const char *z)
{
    const char *dir = getenv("TZDIR");
    struct stat st;
    char *path;
    int ok;

    if (*z == '\0' || *z == '/' || strstr(z, "..") != NULL || strlen(z) > 64 ||
        strspn(z, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") !=
            strlen(z))
        return 0;
    /* i18n.c carries Asia/Dhaka itself; others need the zone files. */
    if (strcmp(z, "Asia/Dhaka") == 0 || strcmp(z, "UTC") == 0)
        return 1;
    path = xasprintf("%s/%s", dir != NULL && *dir == '/' ? dir : "/usr/share/zoneinfo", z);
    ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    free(path);
    return ok;
}

char *config_url(const char *t, const char *token)
{
    const char *at = strstr(t, TOKEN_MARK);

    if (at == NULL)
        return xstrdup(t);
    return xasprintf("%.*s%s%s", (int)(at - t), t, token, at + strlen(TOKEN_MARK));
}

/* A confirm_url or unsubscribe_url: NULL, or the problem (malloc'd). */
static char *url_template_problem(const char *v)
{
    const char *at = strstr(v, TOKEN_MARK);
    char *url;
    int ok;

    if (at == NULL || strstr(at + 1, TOKEN_MARK) != NULL)
        return xasprintf(_("'%s' must hold {token} once, where the subscriber's token goes"), v);
    url = config_url(v, "0123456789abcdef0123456789abcdef");
    ok = mail_url_ok(url);
    free(url);
    if (!ok)
        return xasprintf(_("'%s' is not an http:// or https:// URL (no spaces, quotes or <>)"), v);
    return NULL;
}

static int bool_value(const char *v)
{
    static const char *yes[] = {"yes", "true", "on", "1"}, *no[] = {"no", "false", "off", "0"};

    for (size_t i = 0; i < nitems(yes); i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
        if (strcasecmp(v, no[i]) == 0)
            return 0;
    }
    return -1;
}

/* Check v for key k and store it; NULL, or the problem (malloc'd).
 * strict: from a file, where a relative path would be a guess. */
static char *set_value(struct config *c, enum config_key k, const char *v, int strict)
{
    const struct key_def *d = &keys[k];
    int n = 0;

    switch (d->type) {
    case CT_PATH:
        if (*v == '\0' || (strict && *v != '/'))
            return xasprintf(_("an absolute path is wanted, not '%s'"), v);
        break;
    case CT_INT:
        if (parse_int(v, d->min, d->max, &n) != 0)
            return xasprintf(_("a number from %d to %d is wanted, not '%s'"), d->min, d->max, v);
        break;
    case CT_BOOL:
        if ((n = bool_value(v)) < 0)
            return xasprintf(_("yes or no is wanted, not '%s'"), v);
        break;
    case CT_LANG:
        if (strcmp(v, "bn") != 0 && strcmp(v, "en") != 0)
            return xasprintf(_("bn or en is wanted, not '%s'"), v);
        break;
    case CT_LISTEN:
        if (!listen_list_ok(v))
            return xasprintf(_("addresses as ADDR:PORT or [ADDR]:PORT are wanted, not '%s'"), v);
        break;
    case CT_ZONE:
        if (!zone_ok(v))
            return xasprintf(_("no such time zone '%s'"), v);
        break;
    case CT_MAILBOX: {
        char *name, *addr;

        if (mail_parse_mailbox(v, &name, &addr) != 0)
            return xasprintf(_("'Name <address@domain>' or an address is wanted, not '%s'"), v);
        free(name);
        free(addr);
        break;
    }
    case CT_URL_TEMPLATE: {
        char *problem = url_template_problem(v);

        if (problem != NULL)
            return problem;
        break;
    }
    case CT_LIST_ID:
        if (!mail_list_id_ok(v))
            return xasprintf(_("a list identifier like digest.mab.org.bd is wanted, not '%s'"), v);
        break;
    case CT_WEEK_START:
        if (strcmp(v, "saturday") == 0)
            n = 6;
        else if (strcmp(v, "sunday") != 0)
            return xasprintf(_("saturday or sunday is wanted, not '%s'"), v);
        break;
    }
    str_set(&c->str[k], v);
    c->num[k] = n;
    return NULL;
}

static void set_origin(struct config *c, enum config_key k, enum config_source src,
                       const char *file, int line)
{
    free(c->from[k].file);
    c->from[k].src = src;
    c->from[k].file = file != NULL ? xstrdup(file) : NULL;
    c->from[k].line = line;
}

static char *data_home_db(void)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

    if (xdg != NULL && *xdg == '/')
        return xasprintf("%s/mabdesk/mabdesk.db", xdg);
    return xasprintf("%s/.local/share/mabdesk/mabdesk.db",
                     home != NULL && *home != '\0' ? home : ".");
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

void config_defaults(struct config *c)
{
    memset(c, 0, sizeof *c);
    for (int k = 0; k < CK_COUNT; k++) {
        char *problem = keys[k].def != NULL ? set_value(c, k, keys[k].def, 1) : NULL;

        if (problem != NULL)
            fatal("built-in default of %s: %s", keys[k].name, problem);
    }
    c->str[CK_DATABASE] = data_home_db();
    c->str[CK_STATE_DIR] = default_state_dir();
}

void config_free(struct config *c)
{
    for (int k = 0; k < CK_COUNT; k++) {
        free(c->str[k]);
        free(c->from[k].file);
    }
    for (size_t i = 0; i < nitems(c->files); i++)
        free(c->files[i]);
    for (int i = 0; i < c->nover; i++)
        free(c->over[i].value);
    free(c->over);
    memset(c, 0, sizeof *c);
}

/* --- reading a file -------------------------------------------------------- */

struct parse {
    struct config *c;
    const char *file;
    FILE *f;
    int line;           /* the line inih is working on */
    int seen[CK_COUNT]; /* the line that set each key in this file */
    char *err;          /* the first problem */
};

static char *reader(char *str, int num, void *stream)
{
    struct parse *p = stream;
    char *got = fgets(str, num, p->f);

    if (got != NULL && strchr(got, '\n') != NULL)
        p->line++;
    return got;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    int line = p->line + (feof(p->f) ? 1 : 0), k = config_key_by_name(name);
    char *problem = NULL;

    if (p->err != NULL)
        return 0;
    if (*section != '\0')
        problem = xasprintf(_("sections are not used in this file ([%s])"), section);
    else if (k < 0)
        problem = xstrdup(_("unknown key"));
    else if (p->seen[k] != 0)
        problem = xasprintf(_("set twice (also on line %d)"), p->seen[k]);
    else
        problem = set_value(p->c, k, value, 1);
    if (problem != NULL) {
        p->err = xasprintf("%s:%d: %s: %s", p->file, line, name, problem);
        free(problem);
        return 0;
    }
    p->seen[k] = line;
    set_origin(p->c, k, CONFIG_FILE, p->file, line);
    return 1;
}

/* Read path into c.  must: a missing file is CONFIG_MISSING, not nothing. */
static int read_file(struct config *c, const char *path, int must, char **err)
{
    struct parse p = {c, path, NULL, 0, {0}, NULL};
    int rc;

    p.f = fopen(path, "r");
    if (p.f == NULL) {
        int e = errno;
        struct stat st;

        /* An optional file this user cannot even see (a directory on the
         * way is closed to them) is as good as missing. */
        if (!must && (e == ENOENT || stat(path, &st) != 0))
            return CONFIG_OK;
        errno = e;
        *err = xasprintf("%s: %s", path, strerror(errno));
        return errno == ENOENT ? CONFIG_MISSING : CONFIG_BAD;
    }
    /* Debian's inih makes these run-time settings: an indented line is a
     * key of its own, not the previous value continued; stop at the first
     * problem, which is the one reported. */
    ini_allow_multiline = false;
    ini_stop_on_first_error = true;
    rc = ini_parse_stream(reader, &p, handler, &p);
    fclose(p.f);
    if (p.err != NULL) {
        *err = p.err;
        return CONFIG_BAD;
    }
    if (rc != 0) {
        *err = rc > 0 ? xasprintf(_("%s:%d: not a 'key = value' line"), path, rc)
                      : xasprintf("%s: %s", path, strerror(ENOMEM));
        return CONFIG_BAD;
    }
    return CONFIG_OK;
}

static char *user_file(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

    if (xdg != NULL && *xdg == '/')
        return xasprintf("%s/mabdesk/mabdesk.conf", xdg);
    if (home != NULL && *home != '\0')
        return xasprintf("%s/.config/mabdesk/mabdesk.conf", home);
    return NULL;
}

static void take_env(struct config *c, enum config_key k, const char *var)
{
    const char *v = getenv(var);

    if (v == NULL || *v == '\0')
        return;
    str_set(&c->str[k], v);
    set_origin(c, k, CONFIG_ENV, var, 0);
}

/* Defaults, c->files in order, then the environment. */
static int load_files(struct config *c, char **err)
{
    int rc = CONFIG_OK;

    for (size_t i = 0; i < nitems(c->files) && rc == CONFIG_OK; i++)
        if (c->files[i] != NULL)
            rc = read_file(c, c->files[i], i == 2, err);
    take_env(c, CK_DATABASE, "MABDESK_DB");
    take_env(c, CK_TIMEZONE, "MABDESK_TZ");
    return rc;
}

int config_load(struct config *c, const char *explicit_file, char **err)
{
    const char *sys = getenv("MABDESK_SYSCONF");

    config_defaults(c);
    c->files[0] = xstrdup(sys != NULL && *sys != '\0' ? sys : CONFIG_SYSTEM_FILE);
    c->files[1] = user_file();
    c->files[2] = explicit_file != NULL ? xstrdup(explicit_file) : NULL;
    return load_files(c, err);
}

int config_check_file(const char *path, char **err)
{
    struct config c;
    int rc;

    config_defaults(&c);
    rc = read_file(&c, path, 1, err);
    config_free(&c);
    return rc;
}

int config_override(struct config *c, const char *option, enum config_key k, const char *value,
                    char **err)
{
    char *problem = set_value(c, k, value, 0);

    if (problem != NULL) {
        *err = xasprintf("%s: %s", option, problem);
        free(problem);
        return CONFIG_BAD;
    }
    set_origin(c, k, CONFIG_CMDLINE, option, 0);
    c->over = xreallocarray(c->over, (size_t)c->nover + 1, sizeof *c->over);
    c->over[c->nover].key = k;
    c->over[c->nover].value = xstrdup(value);
    c->nover++;
    return CONFIG_OK;
}

int config_reload(const struct config *old, struct config *fresh, char **err)
{
    struct config c;
    int rc;

    config_defaults(&c);
    for (size_t i = 0; i < nitems(c.files); i++)
        c.files[i] = old->files[i] != NULL ? xstrdup(old->files[i]) : NULL;
    rc = load_files(&c, err);
    for (int i = 0; i < old->nover && rc == CONFIG_OK; i++) {
        const char *opt = old->from[old->over[i].key].file;

        rc =
            config_override(&c, opt != NULL ? opt : "?", old->over[i].key, old->over[i].value, err);
    }
    if (rc != CONFIG_OK) {
        config_free(&c);
        return rc;
    }
    *fresh = c;
    return CONFIG_OK;
}

void config_show(const struct config *c, FILE *f)
{
    for (int k = 0; k < CK_COUNT; k++) {
        const struct config_origin *o = &c->from[k];
        char *where;

        if (o->src == CONFIG_FILE)
            where = xasprintf("%s:%d", o->file, o->line);
        else if (o->src == CONFIG_ENV)
            where = xasprintf(_("environment %s"), o->file);
        else if (o->src == CONFIG_CMDLINE)
            where = xasprintf(_("command line %s"), o->file);
        else
            where = xstrdup(_("built-in default"));
        if (c->str[k] != NULL)
            fprintf(f, "%s = %s\t; %s\n", keys[k].name, c->str[k], where);
        else
            fprintf(f, ";%s =\t; %s: %s\n", keys[k].name, where, _("not set"));
        free(where);
    }
}
