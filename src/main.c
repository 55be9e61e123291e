/*
 * main.c: the command line.  Parses options, opens the database for the
 * right session and hands over to the TUI or to a command; the commands
 * that move records in and out are in datacmd.c, what they share in
 * cli.c.  Exit codes are chosen here and there only (cli.h).
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "auth.h"
#include "cli.h"
#include "config.h"
#include "db/db.h"
#include "eventcmd.h"
#include "i18n.h"
#include "impexp.h"
#include "screens.h"
#include "ssh/serve.h"
#include "usercmd.h"
#include "util.h"

static int lean_option; /* --lean, set by getopt_long() */

static void usage(FILE *f)
{
    fprintf(f, "%s",
            _("usage: mabdesk [--config FILE] [--db PATH] [--lang bn|en] [--role ROLE] [--kiosk]\n"
              "               [COMMAND]\n"
              "\n"
              "Commands:\n"
              "  run                      the full-screen application (the default)\n"
              "  find QUERY               print matching directory entries, tab-separated\n"
              "  export municipalities|contacts|subscribers|events [--format csv|vcf] [-o FILE]\n"
              "  import municipalities|contacts|subscribers|events FILE.csv\n"
              "                           [--encoding E] [--dry-run]\n"
              "  export events [--from DATE] [--to DATE] [--municipality ID] [-o FILE]\n"
              "  import events FILE.ics [--municipality ID] [--dry-run]   (iCalendar)\n"
              "  agenda [--from DATE] [--days N] [--municipality ID]\n"
              "                           the events of the next days, tab-separated\n"
              "  subscribers confirm|unsubscribe TOKEN\n"
              "                           a subscriber's confirmation link or unsubscribe link\n"
              "  subscribers send-confirmations [--maildir DIR|--sendmail PATH] [--dry-run]\n"
              "                           mail each new subscriber the confirmation link\n"
              "  digest [--days N] [--maildir DIR|--sendmail PATH] [--dry-run]\n"
              "                           the Municipality Digest to every active subscriber\n"
              "  serve [--listen ADDR:PORT]... [--state-dir DIR] [--fingerprints]\n"
              "                           the SSH server (see mabdesk serve --help)\n"
              "  user add|list|disable|enable|key|passwd ...\n"
              "                           accounts for SSH users (see mabdesk user --help)\n"
              "  backup FILE              a consistent copy of the database, made while it is "
              "in use\n"
              "  restore FILE             put a backup in place of the database (kept beside it)\n"
              "  check                    the database's integrity and schema version\n"
              "  config check [FILE]|show the configuration: check it, or show the settings\n"
              "\n"
              "Every command answers --help.\n"
              "\n"
              "Options:\n"
              "  --config FILE  read this configuration file too (see mabdesk.conf(5))\n"
              "  --db PATH      database file (default: $MABDESK_DB, else the configuration's\n"
              "                 database, else $XDG_DATA_HOME/mabdesk/mabdesk.db)\n"
              "  --lang bn|en   language of the session\n"
              "  --role ROLE    admin (default), editor, municipal, viewer\n"
              "  --kiosk        read-only public kiosk mode\n"
              "  --municipality ID  the own municipality of the municipal role\n"
              "  -h, --help     this text\n"
              "  -V, --version  the version\n"));
    fprintf(f, "%s", _("  --lean         fewest bytes on the line: no colour, no boxes\n"));
}

static int cmd_run(struct globals *g, int argc, char **argv)
{
    struct app_options o = {0};
    struct db *db;
    char *err = NULL;
    int code = 0, rc;

    if (asks_help(argc, argv, _("usage: mabdesk [OPTIONS] run")))
        return EX_OK_;
    if (argc > 1)
        return usage_error(_("unexpected argument '%s'"), argv[1]);
    db = open_db(g, &code);
    if (db == NULL)
        return code;
    o.lang = g->lang;
    o.kiosk = g->kiosk;
    o.lean = lean_option || config_int(&g->conf, CK_LEAN);
    o.idle_timeout = g->kiosk ? config_int(&g->conf, CK_KIOSK_IDLE_TIMEOUT) : 0;
    o.root = screen_home_new;
    o.help = screen_help_new;
    rc = app_run(db, &o, &err);
    db_close(db);
    if (rc != 0) {
        fprintf(stderr, "mabdesk: %s\n", err != NULL ? err : "?");
        free(err);
        return EX_UNAVAILABLE_;
    }
    return EX_OK_;
}

static int find_exec(struct db *db, void *query, char **err)
{
    return impexp_find(db, query, stdout, err);
}

static int cmd_find(struct globals *g, int argc, char **argv)
{
    if (asks_help(argc, argv, _("usage: mabdesk find QUERY")))
        return EX_OK_;
    if (argc != 2)
        return usage_error("%s", _("usage: mabdesk find QUERY"));
    return with_db(g, find_exec, argv[1]);
}

static int user_exec(struct db *db, void *uc, char **err)
{
    return usercmd_exec(db, uc, stdin, stdout, err);
}

static int cmd_user(struct globals *g, int argc, char **argv)
{
    struct usercmd uc;
    int rc = usercmd_parse(argc, argv, &uc);

    if (rc != 0)
        return rc > 0 ? EX_OK_ : EX_USAGE_;
    uc.kiosk = config_int(&g->conf, CK_KIOSK);
    rc = with_db(g, user_exec, &uc);
    usercmd_free(&uc);
    return rc;
}

/* agenda (and the iCalendar commands: eventcmd.h). */
static int cmd_events(struct globals *g, int argc, char **argv)
{
    struct eventcmd ec;
    int rc = eventcmd_parse(argc, argv, &ec);

    if (rc != 0)
        return rc > 0 ? EX_OK_ : EX_USAGE_;
    return with_db(g, eventcmd_exec, &ec);
}

/* serve and ui: SERVE_USAGE or an enum db_status, message in err. */
static int serve_result(int rc, char *err)
{
    if (rc == SERVE_USAGE)
        return EX_USAGE_;
    if (rc != DB_OK)
        fprintf(stderr, "mabdesk: %s\n", err != NULL ? err : "?");
    free(err);
    return exit_code(rc);
}

static int cmd_serve(struct globals *g, int argc, char **argv)
{
    char *err = NULL;
    /* serve adds its own options to the settings, and re-reads them on SIGHUP. */
    int rc = serve_main(&g->conf, argc, argv, &err);

    return serve_result(rc, err);
}

static int cmd_ui(struct globals *g, int argc, char **argv)
{
    char *path = xstrdup(config_str(&g->conf, CK_DATABASE)), *err = NULL;
    int rc;

    if (asks_help(argc, argv, _("usage: mabdesk ui (run by mabdesk serve in each SSH session)"))) {
        free(path);
        return EX_OK_;
    }
    rc = serve_ui_main(path, argc, argv, &err);
    free(path);
    return serve_result(rc, err);
}

/* The files config_load() read, one per line. */
static void print_files_read(const struct config *c)
{
    for (size_t i = 0; i < nitems(c->files); i++)
        if (c->files[i] != NULL && access(c->files[i], F_OK) == 0)
            printf(_("%s: read\n"), c->files[i]);
}

static int config_status(int rc)
{
    return rc == CONFIG_OK ? EX_OK_ : rc == CONFIG_MISSING ? EX_NOINPUT_ : EX_CONFIG_;
}

static int cmd_config(struct globals *g, int argc, char **argv)
{
    const char *usage_text = _("usage: mabdesk config check [FILE]\n"
                               "       mabdesk config show");
    char *err = NULL;
    int rc;

    if (asks_help(argc, argv, usage_text))
        return EX_OK_;
    if (argc == 2 && strcmp(argv[1], "show") == 0) {
        config_show(&g->conf, stdout);
        return EX_OK_;
    }
    if (argc == 2 && strcmp(argv[1], "check") == 0) {
        /* main() has read and checked them all already. */
        print_files_read(&g->conf);
        printf("%s\n", _("configuration ok"));
        return EX_OK_;
    }
    if (argc == 3 && strcmp(argv[1], "check") == 0) {
        rc = config_check_file(argv[2], &err);
        if (rc != CONFIG_OK) {
            fprintf(stderr, "mabdesk: %s\n", err);
            free(err);
            return config_status(rc);
        }
        printf(_("%s: configuration ok\n"), argv[2]);
        return EX_OK_;
    }
    return usage_error("%s", usage_text);
}

static int cmd_backup(struct globals *g, int argc, char **argv)
{
    const char *usage_text = _("usage: mabdesk backup FILE");
    struct db *db;
    char *err = NULL;
    int code = 0, rc;

    if (asks_help(argc, argv, usage_text))
        return EX_OK_;
    if (argc != 2)
        return usage_error("%s", usage_text);
    if ((db = open_db(g, &code)) == NULL)
        return code;
    rc = db_backup(db, argv[1], &err);
    db_close(db);
    if (rc != DB_OK) {
        fprintf(stderr, "mabdesk: %s\n", err != NULL ? err : "?");
        free(err);
        return exit_code(rc);
    }
    printf(_("%s: a copy of the database, taken now\n"), argv[1]);
    return EX_OK_;
}

static int cmd_check(struct globals *g, int argc, char **argv)
{
    const char *usage_text = _("usage: mabdesk check");
    struct db_health h;
    char *err = NULL, *path;
    int rc, sound;

    if (asks_help(argc, argv, usage_text))
        return EX_OK_;
    if (argc != 1)
        return usage_error("%s", usage_text);
    path = xstrdup(config_str(&g->conf, CK_DATABASE));
    rc = db_health(path, &h, &err);
    free(path);
    if (rc != DB_OK) {
        fprintf(stderr, "mabdesk: %s\n", err != NULL ? err : "?");
        free(err);
        db_health_free(&h);
        return exit_code(rc);
    }
    printf(_("schema version: %d (this release: %d)\n"), h.version, h.latest);
    printf(_("integrity: %s\n"), h.integrity);
    printf(_("foreign key problems: %d\n"), h.fk_problems);
    sound = strcmp(h.integrity, "ok") == 0 && h.fk_problems == 0;
    db_health_free(&h);
    return sound ? EX_OK_ : EX_DATAERR_;
}

static int cmd_restore(struct globals *g, int argc, char **argv)
{
    const char *usage_text = _("usage: mabdesk restore FILE");
    char *path, *kept = NULL, *err = NULL;
    int rc;

    if (asks_help(argc, argv, usage_text))
        return EX_OK_;
    if (argc != 2)
        return usage_error("%s", usage_text);
    /* Not opened first: that would hold it, and migrate it. */
    path = xstrdup(config_str(&g->conf, CK_DATABASE));
    rc = db_restore(path, argv[1], &kept, &err);
    if (rc != DB_OK)
        fprintf(stderr, "mabdesk: %s\n", err != NULL ? err : "?");
    else if (kept != NULL)
        printf(_("%s restored from %s; the database it replaced is %s\n"), path, argv[1], kept);
    else
        printf(_("%s restored from %s\n"), path, argv[1]);
    free(err);
    free(kept);
    free(path);
    return exit_code(rc);
}

struct command {
    const char *name;
    int (*fn)(struct globals *, int, char **);
};

static const struct command commands[] = {
    {"run", cmd_run},       {"find", cmd_find},     {"export", cmd_export},
    {"import", cmd_import}, {"user", cmd_user},     {"serve", cmd_serve},
    {"ui", cmd_ui},         {"backup", cmd_backup}, {"restore", cmd_restore},
    {"check", cmd_check},   {"config", cmd_config}, {"subscribers", cmd_subscribers},
    {"digest", cmd_mail},
};

/*
 * The settings: the configuration files (not for "ui", which the server
 * hands everything it needs), then --db and --lang over them.  0, or the
 * exit status after saying what is wrong.
 */
static int load_settings(struct globals *g, const char *config_file, const char *cmd)
{
    char *err = NULL;
    int rc;

    if (cmd != NULL && strcmp(cmd, "ui") == 0)
        config_defaults(&g->conf);
    else if ((rc = config_load(&g->conf, config_file, &err)) != CONFIG_OK) {
        fprintf(stderr, "mabdesk: %s\n", err);
        free(err);
        return config_status(rc);
    }
    if (g->db_path != NULL &&
        config_override(&g->conf, "--db", CK_DATABASE, g->db_path, &err) != CONFIG_OK) {
        rc = usage_error("%s", err);
        free(err);
        return rc;
    }
    if (g->lang != NULL)
        config_override(&g->conf, "--lang", CK_LANGUAGE, g->lang, &err);
    else if (config_str(&g->conf, CK_LANGUAGE) != NULL)
        i18n_set_lang(config_str(&g->conf, CK_LANGUAGE));
    /* i18n.c and the UI read the zone from there; sessions inherit it. */
    setenv("MABDESK_TZ", config_str(&g->conf, CK_TIMEZONE), 1);
    setenv("MABDESK_WEEK_START", config_str(&g->conf, CK_WEEK_START), 1);
    return 0;
}

static int run_command(struct globals *g, int argc, char **argv)
{
    if (argc == 0)
        return cmd_run(g, 1, (char *[]){(char *)"run", NULL});
    if (eventcmd_is(argc, argv))
        return cmd_events(g, argc, argv);
    for (size_t i = 0; i < nitems(commands); i++) {
        if (strcmp(argv[0], commands[i].name) == 0)
            return commands[i].fn(g, argc, argv);
    }
    return usage_error(_("unknown command '%s'"), argv[0]);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"db", required_argument, NULL, 'd'},
        {"lang", required_argument, NULL, 'l'},
        {"role", required_argument, NULL, 'r'},
        {"kiosk", no_argument, NULL, 'k'},
        {"lean", no_argument, &lean_option, 1},
        {"municipality", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct globals g = {0};
    const char *config_file = NULL;
    int c, code;

    setlocale(LC_ALL, "");
    g.role = ROLE_ADMIN;
    /* getopt's own messages would name the binary by its path: ours say
     * "mabdesk: " whatever it is called. */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config_file = optarg;
            break;
        case 'd':
            g.db_path = optarg;
            break;
        case 'l':
            if (strcmp(optarg, "bn") != 0 && strcmp(optarg, "en") != 0)
                return usage_error(_("unknown language '%s' (bn or en)"), optarg);
            g.lang = optarg;
            break;
        case 'r':
            if (auth_role_parse(optarg, &g.role) != 0 || g.role == ROLE_KIOSK)
                return usage_error(_("unknown role '%s' (admin, editor, municipal, viewer)"),
                                   optarg);
            break;
        case 'k':
            g.kiosk = 1;
            break;
        case 0: /* a flag option: --lean */
            break;
        case 'm': {
            char *end;

            errno = 0;
            g.municipality_id = strtoll(optarg, &end, 10);
            if (errno != 0 || *end != '\0' || g.municipality_id <= 0)
                return usage_error(_("bad municipality id '%s' (a number)"), optarg);
            break;
        }
        case 'h':
            i18n_init(g.lang);
            usage(stdout);
            return EX_OK_;
        case 'V':
            printf("mabdesk %s\n", MABDESK_VERSION);
            return EX_OK_;
        case ':':
            i18n_init(g.lang);
            return usage_error(_("the option '%s' needs a value"), argv[optind - 1]);
        default:
            i18n_init(g.lang);
            return usage_error(_("unknown option '%s'"), argv[optind - 1]);
        }
    }
    i18n_init(g.lang);
    if (g.role == ROLE_MUNICIPAL && g.municipality_id == 0)
        return usage_error("%s", _("--role municipal needs --municipality ID"));
    code = load_settings(&g, config_file, optind < argc ? argv[optind] : NULL);
    if (code == 0)
        code = run_command(&g, argc - optind, argv + optind);
    config_free(&g.conf);
    return code;
}
