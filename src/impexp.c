/*
 * impexp.c: the directory from the command line: find, export (CSV and
 * vCard) and the all-or-nothing CSV import.
 *
 * Import reads the whole file, checks every value of every row against the
 * field table (muni.h) and reports every problem as "FILE:LINE: field:
 * problem", then hands the rows to db_muni_import(), which writes all of
 * them in one transaction or none.  Nothing here may write to the database
 * except through that call, and no problem may be swallowed: anything
 * wrong means DB_INVALID and nothing changed.
 */
#include "impexp.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "auth.h"
#include "db/db.h"
#include "fmt/csv.h"
#include "fmt/vcard.h"
#include "i18n.h"
#include "muni.h"
#include "text.h"
#include "util.h"

#define PAGE 256
/* Problems printed by an import; the rest are counted. */
#define MAX_REPORTED 50

/* Columns an export writes after the editable fields; an import accepts
 * and ignores them. */
static const char *const readonly_cols[] = {"district_bn", "division_en", "division_bn",
                                            "updated_at",  "updated_by",  "source"};

static const char *kind_value(int kind)
{
    return kind == MUNI_CITY_CORPORATION ? "city_corporation" : "paurashava";
}

/* s made safe for one tab-separated field: tabs, line ends and other
 * control characters become spaces, invalid UTF-8 becomes U+FFFD. */
static void put_tsv_field(FILE *out, const char *s)
{
    char *n = text_nfc(s != NULL ? s : "");

    for (unsigned char *p = (unsigned char *)n; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f)
            *p = ' ';
        else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            /* C1 control: U+0080..U+009F. */
            p[0] = ' ';
            p[1] = ' ';
            p++;
        }
    }
    fputs(n, out);
    free(n);
}

/* What each_muni() does with one row of the list; DB_OK to go on. */
typedef int (*muni_row_fn)(struct db *, const struct muni_row *, FILE *out, const void *arg,
                           char **err);

/*
 * Every municipality q selects, a page at a time, through fn (arg passed
 * on); the first status other than DB_OK ends it.  Then a write error on
 * out is reported.
 */
static int each_muni(struct db *db, const struct muni_query *q, FILE *out, muni_row_fn fn,
                     const void *arg, char **err)
{
    int offset = 0;

    for (;;) {
        struct muni_row *rows = NULL;
        int n = 0, rc;

        rc = db_muni_page(db, q, offset, PAGE, &rows, &n, err);
        if (rc != DB_OK)
            return rc;
        for (int i = 0; i < n && rc == DB_OK; i++)
            rc = fn(db, &rows[i], out, arg, err);
        muni_rows_free(rows, n);
        if (rc != DB_OK)
            return rc;
        if (n < PAGE)
            break;
        offset += n;
    }
    if (ferror(out)) {
        if (err != NULL)
            *err = xasprintf(_("write error: %s"), strerror(errno));
        return DB_ERROR;
    }
    return DB_OK;
}

/* One line of impexp_find(). */
static int find_row(struct db *db, const struct muni_row *r, FILE *out, const void *arg, char **err)
{
    fprintf(out, "%lld\t", r->id);
    put_tsv_field(out, r->name_en);
    fputc('\t', out);
    put_tsv_field(out, r->name_bn);
    fprintf(out, "\t%s\t", kind_value(r->kind));
    put_tsv_field(out, r->cls);
    fputc('\t', out);
    put_tsv_field(out, r->district_en);
    fputc('\t', out);
    put_tsv_field(out, r->division_en);
    fputc('\n', out);
    return DB_OK;
}

int impexp_find(struct db *db, const char *query, FILE *out, char **err)
{
    struct muni_query q = {0};

    q.search = query;
    q.sort = MUNI_SORT_NAME;
    return each_muni(db, &q, out, find_row, NULL, err);
}

static void write_csv_header(FILE *out)
{
    const char *h[2 + MF_COUNT + nitems(readonly_cols)];
    size_t n = 0;

    h[n++] = "id";
    h[n++] = "version";
    for (int i = 0; i < MF_COUNT; i++)
        h[n++] = muni_fields[i].key;
    /* "source" is kept with the data but not exported. */
    for (size_t i = 0; i + 1 < nitems(readonly_cols); i++)
        h[n++] = readonly_cols[i];
    csv_write_record(out, h, n);
}

/* tty: out is a terminal, where stored text is shown as on screen. */
static void write_csv_row(FILE *out, const struct municipality *m, int tty)
{
    const char *v[2 + MF_COUNT + nitems(readonly_cols)];
    char *safe[nitems(v)];
    char id[32], version[32];
    size_t n = 0;

    snprintf(id, sizeof id, "%lld", m->id);
    snprintf(version, sizeof version, "%lld", m->version);
    v[n++] = id;
    v[n++] = version;
    for (int i = 0; i < MF_COUNT; i++)
        v[n++] = m->f[i];
    v[n++] = m->district_bn;
    v[n++] = m->division_en;
    v[n++] = m->division_bn;
    v[n++] = m->updated_at;
    v[n++] = m->updated_by;
    if (!tty) {
        csv_write_record(out, v, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        safe[i] = text_sanitize_ml(v[i]);
    csv_write_record(out, (const char *const *)safe, n);
    for (size_t i = 0; i < n; i++)
        free(safe[i]);
}

struct export_to {
    enum export_format fmt;
    int tty; /* the output is a terminal */
};

/* One record of impexp_export_municipalities(); arg is a struct export_to. */
static int export_row(struct db *db, const struct muni_row *r, FILE *out, const void *arg,
                      char **err)
{
    const struct export_to *to = arg;
    struct municipality m;
    int rc;

    muni_init(&m);
    rc = db_muni_get(db, r->id, &m, err);
    if (rc == DB_OK) {
        if (to->fmt == EXPORT_CSV)
            write_csv_row(out, &m, to->tty);
        else
            vcard_write_muni(out, &m);
    }
    muni_free(&m);
    return rc;
}

int impexp_export_municipalities(struct db *db, enum export_format fmt, FILE *out, char **err)
{
    struct muni_query q = {0};
    struct export_to to;

    if (!auth_allowed(db_session(db), AUTH_EXPORT_MUNICIPALITIES, 0)) {
        if (err != NULL)
            *err = xstrdup(_("this session may not export the directory"));
        return DB_DENIED;
    }
    to.fmt = fmt;
    to.tty = isatty(fileno(out));
    q.sort = MUNI_SORT_NAME;
    if (fmt == EXPORT_CSV)
        write_csv_header(out);
    return each_muni(db, &q, out, export_row, &to, err);
}

/* --- import ---------------------------------------------------------------- */

enum col_kind { COL_FIELD, COL_ID, COL_VERSION, COL_IGNORED };

struct column {
    enum col_kind kind;
    int field; /* COL_FIELD: enum muni_field */
};

struct problem {
    long line;
    long seq; /* keeps the order of problems on the same line */
    char *text;
};

struct import {
    const char *name; /* the file's name in messages */
    struct problem *p;
    size_t np, capp;
    struct column *cols;
    size_t ncols;
    int present[MF_COUNT];
    int have_id, have_version;
};

static void problem(struct import *im, long line, const char *field, const char *fmt, ...)
    MAB_PRINTF(4, 5);

static void problem(struct import *im, long line, const char *field, const char *fmt, ...)
{
    va_list ap;
    char *what, *text;

    va_start(ap, fmt);
    what = xvasprintf(fmt, ap);
    va_end(ap);
    if (im->np == im->capp) {
        im->capp = im->capp ? im->capp * 2 : 16;
        im->p = xreallocarray(im->p, im->capp, sizeof *im->p);
    }
    im->p[im->np].line = line;
    im->p[im->np].seq = (long)im->np;
    if (field != NULL)
        text = xasprintf("%s:%ld: %s: %s", im->name, line, field, what);
    else
        text = xasprintf("%s:%ld: %s", im->name, line, what);
    /* Column names and values come from the file: one line each, and
     * nothing that could drive the terminal. */
    im->p[im->np].text = text_sanitize(text);
    im->np++;
    free(text);
    free(what);
}

static int problem_cmp(const void *a, const void *b)
{
    const struct problem *x = a, *y = b;

    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Unknown and unnamed columns are reported once each, however many. */
struct unknown_cols {
    struct buf names; /* the first few, comma-separated */
    size_t n, unnamed, first_unnamed;
};

static void note_unknown(struct unknown_cols *u, const char *key, size_t col)
{
    if (*key == '\0') {
        if (u->unnamed++ == 0)
            u->first_unnamed = col;
        return;
    }
    if (u->n++ < 5) {
        if (u->names.len > 0)
            buf_adds(&u->names, ", ");
        buf_adds(&u->names, key);
    }
}

static void report_unknown(struct import *im, struct unknown_cols *u, long line)
{
    if (u->n == 1)
        problem(im, line, u->names.data, "%s", _("unknown column"));
    else if (u->n > 1 && u->n <= 5)
        problem(im, line, NULL, _("unknown columns: %s"), u->names.data);
    else if (u->n > 5)
        problem(im, line, NULL, _("unknown columns: %s and %zu more"), u->names.data, u->n - 5);
    if (u->unnamed == 1)
        problem(im, line, NULL, _("column %zu has no name"), u->first_unnamed);
    else if (u->unnamed > 1)
        problem(im, line, NULL, _("%zu columns have no name (the first is column %zu)"), u->unnamed,
                u->first_unnamed);
    buf_free(&u->names);
}

/* Read the header row: every column must be known. */
static void read_header(struct import *im, char **fields, size_t n, long line)
{
    struct unknown_cols u = {0};

    im->cols = xcalloc(n, sizeof *im->cols);
    im->ncols = n;
    for (size_t i = 0; i < n; i++) {
        char *key = text_clean(fields[i]);
        int f;

        for (char *p = key; *p != '\0'; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        im->cols[i].kind = COL_IGNORED;
        im->cols[i].field = -1;
        if (strcmp(key, "id") == 0) {
            if (im->have_id)
                problem(im, line, key, "%s", _("column appears twice"));
            im->cols[i].kind = COL_ID;
            im->have_id = 1;
        } else if (strcmp(key, "version") == 0) {
            if (im->have_version)
                problem(im, line, key, "%s", _("column appears twice"));
            im->cols[i].kind = COL_VERSION;
            im->have_version = 1;
        } else if ((f = muni_field_by_key(key)) >= 0) {
            if (im->present[f])
                problem(im, line, key, "%s", _("column appears twice"));
            im->cols[i].kind = COL_FIELD;
            im->cols[i].field = f;
            im->present[f] = 1;
        } else {
            size_t k;

            for (k = 0; k < nitems(readonly_cols); k++)
                if (strcmp(key, readonly_cols[k]) == 0)
                    break;
            if (k == nitems(readonly_cols))
                note_unknown(&u, key, i + 1);
        }
        free(key);
    }
    report_unknown(im, &u, line);
}

/* A whole number made of ASCII digits only (no sign, no spaces). */
static int parse_id(const char *s, long long *out)
{
    char *end;
    long long v;

    if (*s < '0' || *s > '9')
        return -1;
    for (const char *p = s; *p != '\0'; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* Accept a choice by its stored value, its English label or its label in
 * the session's language, in any case; *v is replaced by the stored value. */
static void normalise_choice(const struct field_def *d, char **v)
{
    for (size_t i = 0; d->choices != NULL && d->choices[i] != NULL; i++) {
        const char *label = d->choice_labels != NULL ? d->choice_labels[i] : NULL;
        int match = strcasecmp(*v, d->choices[i]) == 0;

        if (!match && label != NULL && **v != '\0')
            match = strcasecmp(*v, label) == 0 || strcasecmp(*v, _(label)) == 0;
        if (match) {
            str_set(v, d->choices[i]);
            return;
        }
    }
}

/* At most MAX_REPORTED lines, in file order, then how many more there are. */
static void report_problems(struct import *im, FILE *report)
{
    size_t shown = im->np < MAX_REPORTED ? im->np : MAX_REPORTED;

    qsort(im->p, im->np, sizeof *im->p, problem_cmp);
    for (size_t i = 0; i < shown; i++)
        fprintf(report, "%s\n", im->p[i].text);
    if (im->np > shown)
        fprintf(report,
                ngettext("%s: ... and %zu more problem\n", "%s: ... and %zu more problems\n",
                         (unsigned long)(im->np - shown)),
                im->name, im->np - shown);
}

struct id_line {
    long long id;
    long line;
};

static int id_line_cmp(const void *a, const void *b)
{
    const struct id_line *x = a, *y = b;

    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int same_fields(const struct municipality *a, const struct municipality *b)
{
    for (int i = 0; i < MF_COUNT; i++)
        if (strcmp(a->f[i], b->f[i]) != 0)
            return 0;
    return 1;
}

/*
 * Turn one data row into *m.  Returns 1 when the row is to be written, 0
 * when it changes nothing or cannot be read (problems recorded), 2 when
 * some values are bad (recorded, their fields set in *bad) but the row can
 * still be shown to the database for its own checks, -1 with *err on a
 * database failure.
 */
static int read_row(struct import *im, struct db *db, char **fields, size_t n, long line,
                    struct municipality *m, long long *idp, uint32_t *bad, int *rcp, char **err)
{
    struct municipality cur;
    long long id = 0, version = 0;
    size_t before = im->np;
    int rc, is_update;
    char msg[256];

    *idp = 0;
    if (n != im->ncols) {
        problem(im, line, NULL, _("the row has %zu fields but the header has %zu"), n, im->ncols);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const char *raw = fields[i];

        if (im->cols[i].kind == COL_ID && !str_blank(raw)) {
            char *v = text_clean(raw);

            if (parse_id(v, &id) != 0 || id <= 0)
                problem(im, line, "id", "%s", _("must be a whole number above 0 (or empty)"));
            free(v);
        } else if (im->cols[i].kind == COL_VERSION && !str_blank(raw)) {
            char *v = text_clean(raw);

            if (parse_id(v, &version) != 0)
                problem(im, line, "version", "%s", _("must be a whole number (or empty)"));
            free(v);
        }
    }
    if (im->np > before)
        return 0;
    /* Zeroed, not muni_init(): a new record's fields are filled below
     * without first allocating an empty string for each. */
    memset(&cur, 0, sizeof cur);
    is_update = id > 0;
    if (is_update) {
        char *gerr = NULL;

        rc = db_muni_get(db, id, &cur, &gerr);
        if (rc == DB_NOTFOUND) {
            problem(im, line, "id", _("no municipality has the id %lld"), id);
            free(gerr);
            muni_free(&cur);
            return 0;
        }
        if (rc != DB_OK) {
            *rcp = rc;
            *err = gerr;
            muni_free(&cur);
            return -1;
        }
        free(gerr);
        *idp = id;
        muni_copy(m, &cur);
    }
    m->id = id;
    m->version = is_update ? version : 0;
    for (size_t i = 0; i < n; i++) {
        const struct field_def *d;
        int f = im->cols[i].field;
        char *v;

        if (im->cols[i].kind != COL_FIELD)
            continue;
        d = &muni_fields[f];
        v = text_clean(csv_unguard(fields[i]));
        if (d->type == FT_CHOICE)
            normalise_choice(d, &v);
        free(m->f[f]);
        m->f[f] = v;
        /* A value the record already holds is not checked again: an
         * export must always import back unchanged. */
        if (is_update && strcmp(v, cur.f[f]) == 0)
            continue;
        if (muni_check_field((enum muni_field)f, v, msg, sizeof msg) != NULL) {
            problem(im, line, d->key, "%s", msg);
            *bad |= 1u << f;
        }
    }
    if (!is_update) {
        /* A new record needs every required field, columns or not. */
        for (int f = 0; f < MF_COUNT; f++) {
            if (m->f[f] == NULL)
                m->f[f] = xstrdup("");
            if (im->present[f])
                continue;
            if (muni_check_field((enum muni_field)f, m->f[f], msg, sizeof msg) != NULL) {
                problem(im, line, muni_fields[f].key, "%s", msg);
                *bad |= 1u << f;
            }
        }
    }
    if (im->np > before)
        rc = 2;
    else
        rc = !(is_update && same_fields(m, &cur));
    muni_free(&cur);
    return rc;
}

int impexp_import_municipalities(struct db *db, const char *path, const char *encoding, int dry_run,
                                 FILE *report, int *count, char **err)
{
    struct import im = {0};
    struct csv_reader *r;
    struct municipality *rows = NULL;
    long *lines = NULL;
    uint32_t *bads = NULL; /* per row: fields already reported */
    struct id_line *ids = NULL;
    size_t nrows = 0, caprows = 0, nids = 0, capids = 0;
    struct row_error *errs = NULL;
    int nerrs = 0, status = DB_OK, header_seen = 0;
    char **fields, *oerr = NULL;
    size_t nf;
    long line;
    int got;

    *count = 0;
    if (!auth_allowed(db_session(db), AUTH_IMPORT_MUNICIPALITIES, 0)) {
        if (err != NULL)
            *err = xstrdup(_("this session may not import into the directory"));
        return DB_DENIED;
    }
    switch (csv_reader_open(&r, path, encoding, &oerr)) {
    case 0:
        break;
    case CSV_EBADTEXT: {
        /* One line that says what the file is and how to read it. */
        char *said = text_sanitize(oerr);

        fprintf(report, "%s\n", said);
        free(said);
        free(oerr);
        return DB_INVALID;
    }
    default:
        if (err != NULL)
            *err = oerr;
        else
            free(oerr);
        return DB_NOTFOUND;
    }
    im.name = csv_reader_name(r);

    while ((got = csv_reader_next(r, &fields, &nf, &line, NULL)) == 1) {
        struct municipality m;
        long long id;
        uint32_t bad = 0;
        int w, rc = DB_OK;

        if (!header_seen) {
            read_header(&im, fields, nf, line);
            header_seen = 1;
            if (im.np > 0)
                break; /* rows cannot be read against a bad header */
            continue;
        }
        memset(&m, 0, sizeof m); /* read_row() fills every field */
        w = read_row(&im, db, fields, nf, line, &m, &id, &bad, &rc, err);
        if (w < 0) {
            muni_free(&m);
            status = rc;
            goto out;
        }
        if (id > 0) {
            if (nids == capids) {
                capids = capids ? capids * 2 : 64;
                ids = xreallocarray(ids, capids, sizeof *ids);
            }
            ids[nids].id = id;
            ids[nids++].line = line;
        }
        if (w == 0) {
            muni_free(&m);
            continue;
        }
        if (nrows == caprows) {
            caprows = caprows ? caprows * 2 : 64;
            rows = xreallocarray(rows, caprows, sizeof *rows);
            lines = xreallocarray(lines, caprows, sizeof *lines);
            bads = xreallocarray(bads, caprows, sizeof *bads);
        }
        rows[nrows] = m;
        bads[nrows] = bad;
        lines[nrows++] = line;
    }
    if (got < 0) {
        char *cerr = NULL;

        csv_reader_next(r, &fields, &nf, &line, &cerr);
        /* The reader's message already reads "FILE:LINE: problem". */
        if (im.np == im.capp) {
            im.capp = im.capp ? im.capp * 2 : 16;
            im.p = xreallocarray(im.p, im.capp, sizeof *im.p);
        }
        im.p[im.np].line = LONG_MAX;
        im.p[im.np].seq = (long)im.np;
        im.p[im.np++].text = text_sanitize(cerr != NULL ? cerr : im.name);
        free(cerr);
    }
    if (!header_seen && got == 0)
        problem(&im, 1, NULL, "%s", _("the file is empty (a header row is needed)"));

    /* The same record twice in one file is a mistake, whichever wins. */
    if (nids > 1) {
        qsort(ids, nids, sizeof *ids, id_line_cmp);
        for (size_t i = 1; i < nids; i++)
            if (ids[i].id == ids[i - 1].id) {
                size_t first = i - 1;

                while (first > 0 && ids[first - 1].id == ids[i].id)
                    first--;
                problem(&im, ids[i].line, "id", _("%lld appears again (first on line %ld)"),
                        ids[i].id, ids[first].line);
            }
    }

    /* The database checks what only it can (districts, versions).  With
     * problems already found it only checks, every row that can be read,
     * so that all of them are reported at once; otherwise it gets the rows
     * that change something. */
    if (nrows > 0 && got >= 0) {
        int checking = im.np > 0 || dry_run;
        char *derr = NULL;
        int rc;

        rc = db_muni_import(db, rows, (int)nrows, checking, &errs, &nerrs, &derr);
        for (int i = 0; i < nerrs; i++) {
            int row = errs[i].row, f = errs[i].field;
            long at = row >= 0 && (size_t)row < nrows ? lines[row] : 0;
            const char *key = f >= 0 && f < MF_COUNT ? muni_fields[f].key : NULL;

            /* Already said, in the import's own words. */
            if (row >= 0 && (size_t)row < nrows && f >= 0 && f < MF_COUNT && (bads[row] & 1u << f))
                continue;
            problem(&im, at, key, "%s", errs[i].msg != NULL ? errs[i].msg : "?");
        }
        if (rc != DB_OK && rc != DB_INVALID && rc != DB_CONFLICT) {
            status = rc;
            if (err != NULL) {
                *err = derr;
                derr = NULL;
            }
        } else if (rc != DB_OK && nerrs == 0) {
            problem(&im, lines[0], NULL, "%s", derr != NULL ? derr : "?");
        }
        free(derr);
    }

    if (im.np > 0) {
        report_problems(&im, report);
        if (status == DB_OK) {
            status = DB_INVALID;
            if (err != NULL)
                *err = xasprintf(ngettext("%s: %zu problem found", "%s: %zu problems found",
                                          (unsigned long)im.np),
                                 im.name, im.np);
        }
    } else if (status == DB_OK) {
        *count = (int)nrows;
    }

out:
    for (size_t i = 0; i < nrows; i++)
        muni_free(&rows[i]);
    free(rows);
    free(lines);
    free(bads);
    free(ids);
    row_errors_free(errs, nerrs);
    for (size_t i = 0; i < im.np; i++)
        free(im.p[i].text);
    free(im.p);
    free(im.cols);
    csv_reader_free(r);
    return status;
}
