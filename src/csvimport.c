/*
 * csvimport.c: the all-or-nothing CSV import of any kind of record.
 *
 * Reads the file (in the character set asked for, as UTF-8), maps the
 * header to the kind's fields, checks every value of every row against the
 * kind's rules and reports every problem as "FILE:LINE: field: problem",
 * handing the rows to db/ a part at a time (db_import_rows()), which
 * writes all of them in one transaction or none.  Nothing here may write
 * to the database except through those calls, and no problem may be
 * swallowed: anything wrong means DB_INVALID and nothing changed.
 */
#include "csvimport.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db/db.h"
#include "fmt/csv.h"
#include "i18n.h"
#include "sets.h"
#include "text.h"
#include "util.h"

/* Rows handed to the database at a time: the file's rows are never all
 * held at once. */
#define IMPORT_CHUNK 4096

/* Problems printed by an import; the rest are counted. */
#define MAX_REPORTED 50

enum col_kind { COL_FIELD, COL_ID, COL_VERSION, COL_IGNORED };

struct column {
    enum col_kind kind;
    int field; /* COL_FIELD: the kind's field */
};

struct problem {
    long line;
    long seq; /* keeps the order of problems on the same line */
    char *text;
};

struct import {
    const struct kind *kind;
    struct db *db;
    struct db_import *di; /* the database's side of it */
    const struct csv_import_opts *opts;
    const char *name; /* the file's name in messages */
    struct problem *p;
    size_t np, capp;
    struct column *cols;
    size_t ncols;
    int *present; /* per field: a column names it */
    int have_id, have_version;
    struct import_opts hook; /* for the kind's import_row */
    int unchanged;           /* rows identical to their record */
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

/* A column an export writes beside the fields, which an import ignores. */
static int readonly_column(const struct kind *k, const char *key)
{
    return kind_extra_by_key(k, key) >= 0 || strcmp(key, "updated_at") == 0 ||
           strcmp(key, "updated_by") == 0;
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
        } else if ((f = kind_field_by_key(im->kind, key)) >= 0 &&
                   !(im->kind->fields[f].flags & FF_NOEXPORT)) {
            if (im->present[f])
                problem(im, line, key, "%s", _("column appears twice"));
            im->cols[i].kind = COL_FIELD;
            im->cols[i].field = f;
            im->present[f] = 1;
        } else if (!readonly_column(im->kind, key)) {
            note_unknown(&u, key, i + 1);
        }
        free(key);
    }
    report_unknown(im, &u, line);
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

/* A kind with a key: the record a row without an id names by its key
 * column, in *id (0: a new one); -1 on a database failure. */
static int match_key(struct import *im, struct db *db, char **fields, long long *id, int *rcp,
                     char **err)
{
    int f = im->kind->key_field;
    char *v, *kerr = NULL;
    int rc;

    if (im->kind->key_find == NULL || !im->present[f])
        return 0;
    for (size_t i = 0; i < im->ncols; i++) {
        if (im->cols[i].kind != COL_FIELD || im->cols[i].field != f)
            continue;
        v = text_clean(csv_unguard(fields[i]));
        rc = db_record_find_key(db, im->kind, v, id, &kerr);
        free(v);
        if (rc == DB_NOTFOUND) {
            *id = 0;
            rc = DB_OK;
        }
        if (rc != DB_OK) {
            *rcp = rc;
            *err = kerr;
            return -1;
        }
        free(kerr);
    }
    return 0;
}

/* The row's id and version columns (0 when empty); problems recorded. */
static void read_id_version(struct import *im, char **fields, long line, long long *id,
                            long long *version)
{
    for (size_t i = 0; i < im->ncols; i++) {
        const char *raw = fields[i];
        char *v;

        if ((im->cols[i].kind != COL_ID && im->cols[i].kind != COL_VERSION) || str_blank(raw))
            continue;
        v = text_clean(raw);
        if (im->cols[i].kind == COL_ID && (str_whole(v, id) != 0 || *id <= 0))
            problem(im, line, "id", "%s", _("must be a whole number above 0 (or empty)"));
        else if (im->cols[i].kind == COL_VERSION && str_whole(v, version) != 0)
            problem(im, line, "version", "%s", _("must be a whole number (or empty)"));
        free(v);
    }
}

/* The stored record the row updates, into cur (and m): DB_OK, DB_NOTFOUND
 * (recorded), or a failure with *err. */
static int load_current(struct import *im, struct db *db, long long id, long line,
                        struct record *cur, struct record *m, char **err)
{
    char *gerr = NULL;
    int rc = db_record_get(db, im->kind, id, cur, &gerr);

    if (rc == DB_NOTFOUND)
        problem(im, line, "id", _("no %s with id %lld"), _(im->kind->msgs.noun), id);
    if (rc == DB_OK)
        record_copy(m, cur);
    if (rc != DB_OK && rc != DB_NOTFOUND && err != NULL) {
        *err = gerr;
        gerr = NULL;
    }
    free(gerr);
    return rc;
}

/* The row's field columns into m, cleaned, choices by their stored value. */
static void take_fields(struct import *im, char **fields, struct record *m)
{
    for (size_t i = 0; i < im->ncols; i++) {
        const struct field_def *d;
        int f = im->cols[i].field;
        char *v;

        if (im->cols[i].kind != COL_FIELD)
            continue;
        d = &im->kind->fields[f];
        v = text_clean(csv_unguard(fields[i]));
        if (d->type == FT_CHOICE)
            str_set(&v, field_choice_value(d, v));
        free(m->f[f]);
        m->f[f] = v;
    }
}

/* Check m's values (a new record: every field; an update: what changed),
 * recording problems and their fields in *bad. */
static void check_fields(struct import *im, const struct record *m, const struct record *cur,
                         long line, uint64_t *bad)
{
    char msg[256];

    for (int f = 0; f < im->kind->nfields; f++) {
        /* A value the record already holds is not checked again: an
         * export must always import back unchanged.  A new record needs
         * every required field, columns or not. */
        if (cur != NULL && (!im->present[f] || strcmp(m->f[f], cur->f[f]) == 0))
            continue;
        if (record_check_field(im->kind, f, m->f[f], msg, sizeof msg) != NULL) {
            problem(im, line, im->kind->fields[f].key, "%s", msg);
            *bad |= (uint64_t)1 << f;
        }
    }
}

/*
 * Turn one data row into *m.  Returns 1 when the row is to be written, 0
 * when it changes nothing or cannot be read (problems recorded), 2 when
 * some values are bad (recorded, their fields set in *bad) but the row can
 * still be shown to the database for its own checks, -1 with *err on a
 * database failure.
 */
static int read_row(struct import *im, struct db *db, char **fields, size_t n, long line,
                    struct record *m, long long *idp, uint64_t *bad, int *rcp, char **err)
{
    struct record cur;
    long long id = 0, version = 0;
    size_t before = im->np;
    int rc = DB_OK, is_update;

    *idp = 0;
    if (n != im->ncols) {
        problem(im, line, NULL, _("the row has %zu fields but the header has %zu"), n, im->ncols);
        return 0;
    }
    read_id_version(im, fields, line, &id, &version);
    if (im->np > before)
        return 0;
    if (id == 0 && match_key(im, db, fields, &id, rcp, err) < 0)
        return -1;
    memset(&cur, 0, sizeof cur);
    is_update = id > 0;
    if (is_update && (rc = load_current(im, db, id, line, &cur, m, err)) != DB_OK) {
        record_free(&cur);
        if (rc == DB_NOTFOUND)
            return 0;
        *rcp = rc;
        return -1;
    }
    *idp = id;
    m->id = id;
    m->version = is_update ? version : 0;
    take_fields(im, fields, m);
    if (im->kind->import_row != NULL)
        im->kind->import_row(is_update ? &cur : NULL, m, &im->hook);
    check_fields(im, m, is_update ? &cur : NULL, line, bad);
    rc = im->np > before ? 2 : !(is_update && record_same_fields(m, &cur));
    im->unchanged += rc == 0;
    record_free(&cur);
    return rc;
}

static void reader_problem(struct import *im, struct csv_reader *r);
struct rows;
static int db_pass(struct import *im, struct rows *rs, char **err);

/*
 * What the file named so far, to tell a key seen before (a kind with a
 * key): the keys of the rows not yet handed to the database, exactly; a
 * hash of every key and every id a row named, for the rest -- a key whose
 * hash comes again is looked up, and it repeats an earlier row when it
 * names a record that row wrote or named.  A million addresses cost 16
 * bytes each, not their text.
 */
struct seen {
    struct strset part; /* the rows of the current part */
    struct hashset keys, ids;
    int duplicates;
};

static void seen_free(struct seen *sn)
{
    strset_free(&sn->part);
    free(sn->keys.v);
    free(sn->ids.v);
}

/* A key met again (its hash was): 1 when it names a record an earlier
 * row wrote or named, 0 when only the hashes were alike, -1 on a
 * database failure (*rcp, *err). */
static int seen_before(struct import *im, struct seen *sn, const char *key, int *rcp, char **err)
{
    long long id = 0;
    char *ferr = NULL;
    int rc = db_record_find_key(im->db, im->kind, key, &id, &ferr);

    if (rc == DB_NOTFOUND)
        rc = DB_OK, id = 0;
    if (rc != DB_OK) {
        *rcp = rc;
        *err = ferr;
        return -1;
    }
    free(ferr);
    if (id == 0)
        return 0;
    if (id > db_import_start_id(im->di))
        return 1;
    return hashset_has(&sn->ids, (uint64_t)id);
}

/* 1 when the row repeats the key of an earlier row of the file (counted,
 * and left out: the first wins); -1 on a database failure. */
static int repeated_key(struct import *im, struct seen *sn, char **fields, size_t n, int *rcp,
                        char **err)
{
    for (size_t i = 0; im->kind->key_find != NULL && i < n && i < im->ncols; i++) {
        char *key;
        int again;

        if (im->cols[i].kind != COL_FIELD || im->cols[i].field != im->kind->key_field)
            continue;
        key = text_clean(csv_unguard(fields[i]));
        for (char *p = key; *p != '\0'; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        again = 0;
        if (*key != '\0' && strset_add(&sn->part, key))
            again = 1;
        else if (*key != '\0' && hashset_add(&sn->keys, strset_hash(key)))
            again = seen_before(im, sn, key, rcp, err);
        free(key);
        sn->duplicates += again == 1;
        return again;
    }
    return 0;
}

/* The rows read, to be handed to the database. */
struct rows {
    struct record *v;
    long *lines;
    uint64_t *bads; /* per row: fields already reported */
    size_t n, cap;
    struct id_line *ids; /* every id named, for repeats */
    size_t nids, capids;
    int added, updated; /* rows handed to the database so far */
};

static void rows_add_id(struct rows *rs, long long id, long line)
{
    if (rs->nids == rs->capids) {
        rs->capids = rs->capids ? rs->capids * 2 : 64;
        rs->ids = xreallocarray(rs->ids, rs->capids, sizeof *rs->ids);
    }
    rs->ids[rs->nids].id = id;
    rs->ids[rs->nids++].line = line;
}

static void rows_add(struct rows *rs, const struct record *m, uint64_t bad, long line)
{
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 64;
        rs->v = xreallocarray(rs->v, rs->cap, sizeof *rs->v);
        rs->lines = xreallocarray(rs->lines, rs->cap, sizeof *rs->lines);
        rs->bads = xreallocarray(rs->bads, rs->cap, sizeof *rs->bads);
    }
    rs->v[rs->n] = *m;
    rs->bads[rs->n] = bad;
    rs->lines[rs->n++] = line;
}

static void rows_free(struct rows *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        record_free(&rs->v[i]);
    free(rs->v);
    free(rs->lines);
    free(rs->bads);
    free(rs->ids);
}

/*
 * Every record of the file into rs: the header first, then each row.
 * Returns the reader's last answer (0 at the end, -1 on a malformed file,
 * both with their problems recorded), or -2 with *status and *err on a
 * database failure.
 */
static void tell_progress(const struct import *im, const struct csv_reader *r)
{
    size_t done, total;

    if (im->opts->progress == NULL)
        return;
    csv_reader_progress(r, &done, &total);
    /* All read is said once, when the rest is done but the writing. */
    if (done >= total && total > 0)
        done = total - 1;
    im->opts->progress(im->opts->progress_arg, done, total);
}

static int read_rows(struct import *im, struct csv_reader *r, struct rows *rs, struct seen *sn,
                     int *status, char **err)
{
    char **fields;
    size_t nf;
    long line;
    int got, header_seen = 0;

    while ((got = csv_reader_next(r, &fields, &nf, &line, NULL)) == 1) {
        struct record m;
        long long id;
        uint64_t bad = 0;
        int w;

        if (!header_seen) {
            read_header(im, fields, nf, line);
            header_seen = 1;
            if (im->np > 0)
                return 0; /* rows cannot be read against a bad header */
            continue;
        }
        w = nf == im->ncols ? repeated_key(im, sn, fields, nf, status, err) : 0;
        if (w < 0)
            return -2;
        if (w > 0)
            continue;
        record_init(&m, im->kind);
        w = read_row(im, im->db, fields, nf, line, &m, &id, &bad, status, err);
        if (w < 0) {
            record_free(&m);
            return -2;
        }
        if (id > 0) {
            rows_add_id(rs, id, line);
            hashset_add(&sn->ids, (uint64_t)id);
        }
        if (w == 0)
            record_free(&m);
        else
            rows_add(rs, &m, bad, line);
        if (rs->n == IMPORT_CHUNK) {
            if ((*status = db_pass(im, rs, err)) != DB_OK)
                return -2;
            tell_progress(im, r);
            strset_free(&sn->part);
            memset(&sn->part, 0, sizeof sn->part);
        }
    }
    if (got < 0)
        reader_problem(im, r);
    if (!header_seen && got == 0)
        problem(im, 1, NULL, "%s", _("the file is empty (a header row is needed)"));
    return got;
}

/* The reader's message, which already reads "FILE:LINE: problem", last. */
static void reader_problem(struct import *im, struct csv_reader *r)
{
    char **fields, *cerr = NULL;
    size_t nf;
    long line;

    csv_reader_next(r, &fields, &nf, &line, &cerr);
    if (im->np == im->capp) {
        im->capp = im->capp ? im->capp * 2 : 16;
        im->p = xreallocarray(im->p, im->capp, sizeof *im->p);
    }
    im->p[im->np].line = LONG_MAX;
    im->p[im->np].seq = (long)im->np;
    im->p[im->np++].text = text_sanitize(cerr != NULL ? cerr : im->name);
    free(cerr);
}

/* The same record twice in one file is a mistake, whichever wins. */
static void repeated_ids(struct import *im, struct rows *rs)
{
    if (rs->nids < 2)
        return;
    qsort(rs->ids, rs->nids, sizeof *rs->ids, id_line_cmp);
    for (size_t i = 1; i < rs->nids; i++) {
        size_t first = i - 1;

        if (rs->ids[i].id != rs->ids[i - 1].id)
            continue;
        while (first > 0 && rs->ids[first - 1].id == rs->ids[i].id)
            first--;
        problem(im, rs->ids[i].line, "id", _("%lld appears again (first on line %ld)"),
                rs->ids[i].id, rs->ids[first].line);
    }
}

/*
 * The database checks what only it can (references, versions) of the rows
 * read so far, and writes them while neither it nor the file had a
 * problem; afterwards it only checks, every row that can be read, so that
 * all of them are reported at once.  The rows are then let go (their
 * ids stay, for repeats) and counted.  DB_OK, or a failure that ends the
 * import (*err).
 */
static int db_pass(struct import *im, struct rows *rs, char **err)
{
    const struct kind *k = im->kind;
    struct row_error *errs = NULL;
    int nerrs = 0, status = DB_OK, rc;
    char *derr = NULL;

    if (rs->n == 0)
        return DB_OK;
    rc = db_import_rows(im->di, rs->v, (int)rs->n, im->np > 0, &errs, &nerrs, &derr);
    for (int i = 0; i < nerrs; i++) {
        int row = errs[i].row, f = errs[i].field;
        int known = row >= 0 && (size_t)row < rs->n;
        const char *key = f >= 0 && f < k->nfields ? k->fields[f].key : NULL;

        /* Already said, in the import's own words. */
        if (known && key != NULL && (rs->bads[row] & (uint64_t)1 << f))
            continue;
        problem(im, known ? rs->lines[row] : 0, key, "%s", errs[i].msg != NULL ? errs[i].msg : "?");
    }
    if (rc != DB_OK && rc != DB_INVALID && rc != DB_CONFLICT) {
        status = rc;
        if (err != NULL) {
            *err = derr;
            derr = NULL;
        }
    } else if (rc != DB_OK && nerrs == 0) {
        problem(im, rs->lines[0], NULL, "%s", derr != NULL ? derr : "?");
    }
    free(derr);
    row_errors_free(errs, nerrs);
    for (size_t i = 0; i < rs->n; i++) {
        if (rs->v[i].id == 0)
            rs->added++;
        else
            rs->updated++;
        record_free(&rs->v[i]);
    }
    rs->n = 0;
    return status;
}

/* Open path as CSV: 0, or the status with the problem said (a file that
 * is not text in its character set: one line on report). */
static int open_csv(struct csv_reader **r, const char *path, const char *encoding, FILE *report,
                    char **err)
{
    char *oerr = NULL, *said;

    switch (csv_reader_open(r, path, encoding, &oerr)) {
    case 0:
        return DB_OK;
    case CSV_EBADTEXT:
        /* One line that says what the file is and how to read it. */
        said = text_sanitize(oerr);
        fprintf(report, "%s\n", said);
        free(said);
        free(oerr);
        return DB_INVALID;
    default:
        if (err != NULL)
            *err = oerr;
        else
            free(oerr);
        return DB_NOTFOUND;
    }
}

/* The lines with a problem, each once. */
static int rejected_lines(const struct import *im)
{
    int n = 0;

    for (size_t i = 0; i < im->np; i++)
        n += i == 0 || im->p[i].line != im->p[i - 1].line;
    return n;
}

int csv_import(struct db *db, const struct kind *kind, const char *path, const char *encoding,
               int dry_run, FILE *report, int *count, char **err)
{
    struct csv_import_opts o = {encoding, dry_run, NULL, NULL, NULL};
    struct csv_import_stats st;
    int rc = csv_import_with(db, kind, path, &o, report, &st, err);

    *count = st.added + st.updated;
    return rc;
}

/* The file read into the import di: the problems and counts in im, rs
 * and ks; the reader's last answer as read_rows() says. */
static int read_file(struct import *im, struct csv_reader *r, struct rows *rs, struct seen *sn,
                     int *status, char **err)
{
    int got = read_rows(im, r, rs, sn, status, err);

    if (got == -2)
        return got;
    if (got >= 0 && (*status = db_pass(im, rs, err)) != DB_OK)
        return -2;
    if (im->opts->progress != NULL)
        im->opts->progress(im->opts->progress_arg, 1, 1);
    repeated_ids(im, rs);
    return got;
}

int csv_import_with(struct db *db, const struct kind *kind, const char *path,
                    const struct csv_import_opts *o, FILE *report, struct csv_import_stats *st,
                    char **err)
{
    struct import im = {0};
    struct rows rs = {0};
    struct seen sn = {0};
    struct csv_reader *r;
    struct db_import *di;
    int status = DB_OK, got, end;

    memset(st, 0, sizeof *st);
    if (!auth_allowed(db_session(db), kind->auth[VERB_IMPORT], 0)) {
        if (err != NULL)
            *err = xstrdup(_(kind->msgs.may_not[VERB_IMPORT]));
        return DB_DENIED;
    }
    if ((status = open_csv(&r, path, o->encoding, report, err)) != DB_OK)
        return status;
    if ((status = db_import_begin(db, kind, o->dry_run, &di, err)) != DB_OK) {
        csv_reader_free(r);
        return status;
    }
    im.kind = kind;
    im.db = db;
    im.di = di;
    im.opts = o;
    im.name = csv_reader_name(r);
    im.present = xcalloc((size_t)kind->nfields, sizeof *im.present);
    im.hook.source = im.name;
    im.hook.consent_note = o->consent_note;
    im.hook.present = im.present;
    got = read_file(&im, r, &rs, &sn, &status, err);
    end = db_import_end(di, got >= 0 && im.np == 0, status == DB_OK ? err : NULL);
    if (o->progress != NULL)
        o->progress(o->progress_arg, 0, 0);
    if (status == DB_OK && im.np == 0)
        status = end;
    if (im.np > 0 && got != -2) {
        report_problems(&im, report);
        st->rejected = rejected_lines(&im);
        if (status == DB_OK) {
            status = DB_INVALID;
            if (err != NULL)
                *err = xasprintf(ngettext("%s: %zu problem found", "%s: %zu problems found",
                                          (unsigned long)im.np),
                                 im.name, im.np);
        }
    } else if (status == DB_OK) {
        st->added = rs.added;
        st->updated = rs.updated;
        st->unchanged = im.unchanged;
        st->duplicates = sn.duplicates;
    }
    seen_free(&sn);
    rows_free(&rs);
    for (size_t i = 0; i < im.np; i++)
        free(im.p[i].text);
    free(im.p);
    free(im.cols);
    free(im.present);
    csv_reader_free(r);
    return status;
}
