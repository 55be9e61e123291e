/*
 * datacmd.c: the commands that move records in and out -- export, import
 * (CSV of any kind, with its progress bar), the subscribers' links, and
 * the Digest's mail (mailcmd.c does the work).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvimport.h"
#include "db/db.h"
#include "db/subscriber.h"
#include "eventcmd.h"
#include "fmt/charset.h"
#include "i18n.h"
#include "impexp.h"
#include "kinds/kinds.h"
#include "mailcmd.h"
#include "progress.h"

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

int cmd_export(struct globals *g, int argc, char **argv)
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

int cmd_import(struct globals *g, int argc, char **argv)
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
int cmd_mail(struct globals *g, int argc, char **argv)
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

int cmd_subscribers(struct globals *g, int argc, char **argv)
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
