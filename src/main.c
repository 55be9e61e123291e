/*
 * main.c: the command line.  Parses options, opens the database for the
 * right session and hands over to the TUI or to a command.  The only file
 * that chooses exit codes (sysexits): 64 usage, 65 bad data, 66 no input,
 * 69 unavailable, 74 I/O, 75 busy, 77 permission, 78 config.
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
#include "config.h"
#include "db/db.h"
#include "db/subscriber.h"
#include "eventcmd.h"
#include "fmt/charset.h"
#include "i18n.h"
#include "csvimport.h"
#include "impexp.h"
#include "kinds/kinds.h"
#include "mailcmd.h"
#include "screens.h"
#include "ssh/serve.h"
#include "progress.h"
#include "usercmd.h"
#include "util.h"

enum {
    EX_OK_ = 0,
    EX_USAGE_ = 64,
    EX_DATAERR_ = 65,
    EX_NOINPUT_ = 66,
    EX_UNAVAILABLE_ = 69,
    EX_IOERR_ = 74,
    EX_TEMPFAIL_ = 75,
    EX_NOPERM_ = 77,
    EX_CONFIG_ = 78
};

struct globals {
    struct config conf; /* db path, language, the server's settings */
    const char *db_path;
    const char *lang;
    enum role role;
    long long municipality_id;
    int kiosk;
};

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

static int usage_error(const char *fmt, ...) MAB_PRINTF(1, 2);

static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("mabdesk: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fprintf(stderr, "%s\n", _("Try 'mabdesk --help'."));
    return EX_USAGE_;
}

/* "--help" or "-h" as a command's only argument, or after its noun
 * ("import subscribers --help"): its usage, exit 0. */
static int asks_help(int argc, char **argv, const char *text)
{
    const char *last = argv[argc - 1];

    if ((argc == 2 || argc == 3) && (strcmp(last, "--help") == 0 || strcmp(last, "-h") == 0)) {
        printf("%s\n", text);
        return 1;
    }
    return 0;
}

static int exit_code(int status)
{
    switch (status) {
    case DB_OK:
        return EX_OK_;
    case DB_NOTFOUND:
        return EX_NOINPUT_;
    case DB_INVALID:
    case DB_CONFLICT:
        return EX_DATAERR_;
    case DB_DENIED:
        return EX_NOPERM_;
    case DB_BUSY:
    case DB_NEWER: /* try again with a newer release */
        return EX_TEMPFAIL_;
    default:
        return EX_IOERR_;
    }
}

/* Open the database for the session the global options describe; on failure
 * print the reason and return NULL with *code set. */
static struct db *open_db(struct globals *g, int *code)
{
    struct session s;
    struct db *db = NULL;
    char *path, *err = NULL;
    int rc;

    auth_session_local(&s, g->kiosk ? ROLE_KIOSK : g->role);
    if (g->kiosk)
        snprintf(s.user, sizeof s.user, "%s", "kiosk");
    /* Only a municipal user has one of its own (auth.h), as over SSH. */
    s.municipality_id = s.role == ROLE_MUNICIPAL ? g->municipality_id : 0;
    path = xstrdup(config_str(&g->conf, CK_DATABASE));
    rc = db_open(&db, path, &s, &err);
    if (rc != DB_OK) {
        /* db_open()'s messages name the file. */
        fprintf(stderr, "mabdesk: %s\n", err != NULL ? err : "?");
        *code = exit_code(rc);
        free(err);
        free(path);
        return NULL;
    }
    free(path);
    return db;
}

/* Open the database, run fn (a command parsed elsewhere) on it and say
 * what went wrong: the exit code. */
static int with_db(struct globals *g, int (*fn)(struct db *, void *, char **), void *arg)
{
    struct db *db;
    char *err = NULL;
    int code = 0, rc;

    if ((db = open_db(g, &code)) == NULL)
        return code;
    rc = fn(db, arg, &err);
    if (rc != DB_OK)
        fprintf(stderr, "mabdesk: %s\n", err != NULL ? err : "?");
    free(err);
    db_close(db);
    return fflush(stdout) != 0 ? EX_IOERR_ : exit_code(rc);
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

static const char *const export_filters[] = {"status", "municipality", "lang"};

/* The filters given (vals[i] for export_filters[i], NULL: none) as
 * conditions on kind's fields: their number, or -1 after a usage error. */
static int export_where(const struct kind *kind, const char *const *vals,
                        struct export_where *where)
{
    int n = 0;

    for (size_t i = 0; i < nitems(export_filters); i++) {
        int f;

        if (vals[i] == NULL)
            continue;
        if ((f = kind_field_by_key(kind, export_filters[i])) < 0) {
            usage_error(_("--%s: %s have no such field"), export_filters[i], kind->plural);
            return -1;
        }
        where[n].field = f;
        where[n++].value = field_choice_value(&kind->fields[f], vals[i]);
    }
    return n;
}

/* Write what kind's export (with where) gives to outpath (NULL or "-":
 * standard output); the exit status. */
struct export_opts {
    enum export_format fmt;
    const char *outpath;  /* NULL or "-": standard output */
    const char *encoding; /* NULL: UTF-8 as written */
    int bom;
};

static int export_to(struct globals *g, const struct kind *kind, const struct export_opts *o,
                     const struct export_where *where, int nwhere)
{
    int recode = o->encoding != NULL || o->bom;
    FILE *out = stdout, *to;
    struct db *db;
    char *err = NULL, *mem = NULL;
    size_t memlen = 0;
    int code = 0, rc;

    if ((db = open_db(g, &code)) == NULL)
        return code;
    if (o->outpath != NULL && strcmp(o->outpath, "-") != 0 &&
        (out = fopen(o->outpath, "w")) == NULL) {
        fprintf(stderr, "mabdesk: %s: %s\n", o->outpath, strerror(errno));
        db_close(db);
        return EX_IOERR_;
    }
    /* Another encoding: all of it in UTF-8 first, converted once. */
    to = recode ? open_memstream(&mem, &memlen) : out;
    rc = impexp_export_where(db, kind, o->fmt, where, nwhere, to, &err);
    if (rc != DB_OK)
        fprintf(stderr, "mabdesk: %s\n", err != NULL ? err : "?");
    free(err);
    db_close(db);
    if (recode && fclose(to) != 0 && rc == DB_OK) {
        fprintf(stderr, "mabdesk: %s\n", strerror(errno));
        rc = DB_ERROR;
    } else if (recode && rc == DB_OK &&
               impexp_write_encoded(o->outpath != NULL ? o->outpath : "stdout", o->encoding, o->bom,
                                    mem, memlen, out, &err) != 0) {
        fprintf(stderr, "mabdesk: %s\n", err);
        free(err);
        rc = DB_INVALID;
    }
    free(mem);
    if (out != stdout ? fclose(out) != 0 : fflush(out) != 0) {
        fprintf(stderr, "mabdesk: %s: %s\n", o->outpath ? o->outpath : "stdout", strerror(errno));
        return EX_IOERR_;
    }
    return exit_code(rc);
}

static int cmd_export(struct globals *g, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"status", required_argument, NULL, 's'}, {"municipality", required_argument, NULL, 'm'},
        {"lang", required_argument, NULL, 'l'},   {"encoding", required_argument, NULL, 'e'},
        {"bom", no_argument, NULL, 'b'},          {NULL, 0, NULL, 0},
    };
    const char *usage_text =
        _("usage: mabdesk export municipalities|contacts|subscribers [--format csv|vcf]\n"
          "         [--encoding E] [--bom] [-o FILE]\n"
          "       mabdesk export subscribers [--status S] [--municipality ID] [--lang bn|en] "
          "...");
    const char *vals[nitems(export_filters)] = {NULL, NULL, NULL};
    struct export_where where[nitems(export_filters)];
    struct export_opts o = {EXPORT_CSV, NULL, NULL, 0};
    const struct kind *kind;
    int c, nwhere;

    if (asks_help(argc, argv, usage_text))
        return EX_OK_;
    optind = 0; /* 0, not 1: glibc then forgets the "+" of the first scan */
    while ((c = getopt_long(argc, argv, "f:o:", opts, NULL)) != -1) {
        if (c == 'f' && strcmp(optarg, "csv") == 0)
            o.fmt = EXPORT_CSV;
        else if (c == 'f' && (strcmp(optarg, "vcf") == 0 || strcmp(optarg, "vcard") == 0))
            o.fmt = EXPORT_VCF;
        else if (c == 'f')
            return usage_error(_("unknown export format '%s' (csv or vcf)"), optarg);
        else if (c == 'o')
            o.outpath = optarg;
        else if (c == 'e' && (strcmp(optarg, "auto") == 0 || !charset_known(optarg)))
            return usage_error(_("unknown character set '%s'"), optarg);
        else if (c == 'e')
            o.encoding = optarg;
        else if (c == 'b')
            o.bom = 1;
        else if (c == 's' || c == 'm' || c == 'l')
            vals[c == 's' ? 0 : c == 'm' ? 1 : 2] = optarg;
        else
            return usage_error("%s", usage_text);
    }
    if (optind != argc - 1 || (kind = kind_by_name(argv[optind])) == NULL)
        return usage_error("%s", usage_text);
    if ((nwhere = export_where(kind, vals, where)) < 0)
        return EX_USAGE_;
    return export_to(g, kind, &o, where, nwhere);
}

/* What an import did (or, with --dry-run, would do). */
static void import_said(const struct kind *kind, const char *file, int dry,
                        const struct csv_import_stats *st)
{
    if (kind->key_find != NULL)
        printf(_("%s: %d added, %d updated, %d unchanged, %d repeated in the file (skipped), "
                 "%d rejected%s\n"),
               file, st->added, st->updated, st->unchanged, st->duplicates, st->rejected,
               dry ? _("; nothing was changed (dry run)") : "");
    else if (dry)
        printf(_("%s: %d rows are valid; nothing was changed (dry run)\n"), file,
               st->added + st->updated);
    else
        printf(_("%s: %d rows imported\n"), file, st->added + st->updated);
}

/* The import's progress, as a bar on a terminal's stderr. */
static void import_progress(void *arg, unsigned long long done, unsigned long long total)
{
    progress_show(arg, done, total);
}

static int cmd_import(struct globals *g, int argc, char **argv)
{
    static const struct option opts[] = {
        {"dry-run", no_argument, NULL, 'n'},
        {"encoding", required_argument, NULL, 'e'},
        {"consent-note", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0},
    };
    const char *usage_text = _("usage: mabdesk import municipalities|contacts|subscribers FILE.csv "
                               "[--encoding auto|utf-8|utf-16|windows-1252|...] [--dry-run]\n"
                               "       mabdesk import subscribers FILE.csv [--encoding E] "
                               "[--consent-note TEXT] [--dry-run]");
    struct csv_import_opts o = {"auto", 0, NULL, import_progress, NULL};
    struct csv_import_stats st;
    struct progress bar;
    char *label;
    const struct kind *kind;
    struct db *db;
    char *err = NULL;
    int c, code = 0, rc;

    if (asks_help(argc, argv, usage_text))
        return EX_OK_;
    optind = 0; /* 0, not 1: glibc then forgets the "+" of the first scan */
    while ((c = getopt_long(argc, argv, "ne:", opts, NULL)) != -1) {
        if (c == 'n') {
            o.dry_run = 1;
        } else if (c == 'c') {
            o.consent_note = optarg;
        } else if (c == 'e') {
            if (!charset_known(optarg))
                return usage_error(_("unknown character set '%s' (auto, utf-8, utf-16, "
                                     "windows-1252, or any name iconv -l lists)"),
                                   optarg);
            o.encoding = optarg;
        } else {
            return usage_error("%s", usage_text);
        }
    }
    if (optind != argc - 2 || (kind = kind_by_name(argv[optind])) == NULL)
        return usage_error("%s", usage_text);
    if (o.consent_note != NULL && kind->import_row == NULL)
        return usage_error(_("--consent-note is for importing subscribers"));
    db = open_db(g, &code);
    if (db == NULL)
        return code;
    label = xasprintf(_("Importing %s"), argv[optind + 1]);
    progress_init(&bar, stderr, label);
    free(label);
    o.progress_arg = &bar;
    rc = csv_import_with(db, kind, argv[optind + 1], &o, stderr, &st, &err);
    progress_end(&bar);
    if (rc == DB_OK) {
        import_said(kind, argv[optind + 1], o.dry_run, &st);
    } else {
        if (err != NULL)
            fprintf(stderr, "mabdesk: %s\n", err);
        fprintf(stderr, _("mabdesk: %s: nothing was imported\n"), argv[optind + 1]);
    }
    free(err);
    db_close(db);
    return exit_code(rc);
}

/* subscribers send-confirmations, digest (mailcmd.c). */
static int cmd_mail(struct globals *g, int argc, char **argv)
{
    struct mailcmd mc;
    struct db *db;
    char *err = NULL;
    int code = 0, rc = mailcmd_parse(argc, argv, &mc);

    if (rc != 0)
        return rc > 0 ? EX_OK_ : EX_USAGE_;
    if ((rc = mailcmd_config(&mc, &g->conf, &err)) == DB_OK) {
        if ((db = open_db(g, &code)) == NULL)
            return code;
        rc = mailcmd_exec(db, &mc, stdout, &err);
        db_close(db);
    }
    if (rc != DB_OK)
        fprintf(stderr, "mabdesk: %s\n", err != NULL ? err : "?");
    free(err);
    if (fflush(stdout) != 0)
        return EX_IOERR_;
    return rc == MAILCMD_CONFIG     ? EX_CONFIG_
           : rc == MAILCMD_DELIVERY ? EX_UNAVAILABLE_
           : rc == MAILCMD_IO       ? EX_IOERR_
                                    : exit_code(rc);
}

static int cmd_subscribers(struct globals *g, int argc, char **argv)
{
    const char *usage_text = _("usage: mabdesk subscribers confirm TOKEN\n"
                               "       mabdesk subscribers unsubscribe TOKEN\n"
                               "       mabdesk subscribers send-confirmations [--maildir DIR | "
                               "--sendmail PATH] [--dry-run]");
    const char *confirm_usage = _("usage: mabdesk subscribers confirm TOKEN");
    const char *unsub_usage = _("usage: mabdesk subscribers unsubscribe TOKEN");
    enum sub_result res;
    struct db *db;
    char *err = NULL;
    int code = 0, rc, confirm;

    if (argc == 2 && asks_help(argc, argv, usage_text))
        return EX_OK_;
    if (argc >= 2 && strcmp(argv[1], "send-confirmations") == 0)
        return cmd_mail(g, argc - 1, argv + 1);
    if (argc < 2 || (strcmp(argv[1], "confirm") != 0 && strcmp(argv[1], "unsubscribe") != 0))
        return usage_error("%s", usage_text);
    confirm = strcmp(argv[1], "confirm") == 0;
    if (asks_help(argc - 1, argv + 1, confirm ? confirm_usage : unsub_usage))
        return EX_OK_;
    if (argc != 3)
        return usage_error("%s", confirm ? confirm_usage : unsub_usage);
    if ((db = open_db(g, &code)) == NULL)
        return code;
    rc = confirm ? db_subscriber_confirm(db, argv[2], &res, &err)
                 : db_subscriber_unsubscribe(db, argv[2], &res, &err);
    db_close(db);
    if (rc != DB_OK) {
        fprintf(stderr, "mabdesk: %s\n", err != NULL ? err : "?");
        free(err);
        /* A link that names nothing or has expired is bad data. */
        return rc == DB_NOTFOUND ? EX_DATAERR_ : exit_code(rc);
    }
    if (res == SUB_ALREADY)
        printf("%s\n", confirm ? _("already confirmed: nothing changed")
                               : _("already unsubscribed: nothing changed"));
    else
        printf("%s\n", confirm ? _("confirmed: the address is subscribed")
                               : _("unsubscribed: no more digests will be sent"));
    return EX_OK_;
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
    rc = serve_ui_main(path, g->lang, argc, argv, &err);
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
