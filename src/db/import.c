/*
 * import.c: all-or-nothing import of any kind of record.
 *
 * An import is one transaction that takes its rows a part at a time
 * (db_import_begin / db_import_rows / db_import_end), so that a file of a
 * million rows is never held whole.  Each part runs two passes: the first
 * checks every row (fields, the kind's own check, references, id and
 * version) and writes nothing; only while no row anywhere had a problem
 * does the second write the part, with one audit row each.  After the
 * first problem, parts are only checked, so that every problem is still
 * reported, and the end rolls everything back; the search index is built
 * once, at the end, in one statement.  The checks of the first pass are
 * the database's own rules (record_check_field() mirrors the tables' CHECK
 * constraints, the reference and version checks their foreign keys and
 * the optimistic lock), and anything the writes still refuse is reported
 * by the second pass, row by row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/internal.h"
#include "db/kindsql.h"
#include "db/records.h"
#include "i18n.h"
#include "util.h"

struct errlist {
    struct row_error *v;
    int n, cap;
};

/* Reference texts already resolved in this import (files repeat them). */
struct ref_memo {
    int *field;
    char **text;
    long long *id; /* 0: names nothing (or more than one) */
    char **why;
    int n, cap;
};

/*
 * The version each record updated by an earlier row of this import will
 * have once that row is written (every update adds 1), so that a later row
 * for the same record is checked against what it will find.  Open
 * addressing on the id (never 0); cap is 0 or a power of two.
 */
struct version_memo {
    long long *id;
    long long *version;
    size_t n, cap;
};

/* A row after the first pass: cleaned, its references found, its version
 * that of the record it updates. */
struct checked_row {
    struct record c;
    long long *refs;
};

static void errlist_add(struct errlist *l, int row, int field, char *msg)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xreallocarray(l->v, (size_t)l->cap, sizeof *l->v);
    }
    l->v[l->n].row = row;
    l->v[l->n].field = field;
    l->v[l->n].msg = msg;
    l->n++;
}

/* The id field f's text names: DB_OK, or DB_NOTFOUND with *why. */
static int memo_ref(struct db *db, struct ref_memo *m, const struct field_def *d, int f,
                    const char *text, long long *id, char **why, char **err)
{
    char *msg = NULL;
    int rc;

    for (int i = 0; i < m->n; i++) {
        if (m->field[i] == f && strcmp(m->text[i], text) == 0) {
            *id = m->id[i];
            if (*id == 0)
                *why = xstrdup(m->why[i]);
            return *id != 0 ? DB_OK : DB_NOTFOUND;
        }
    }
    rc = db_ref_find(db, d, text, id, &msg);
    if (rc != DB_OK && rc != DB_NOTFOUND && rc != DB_INVALID) {
        if (err != NULL)
            *err = msg;
        else
            free(msg);
        return rc;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 32;
        m->field = xreallocarray(m->field, (size_t)m->cap, sizeof *m->field);
        m->text = xreallocarray(m->text, (size_t)m->cap, sizeof *m->text);
        m->id = xreallocarray(m->id, (size_t)m->cap, sizeof *m->id);
        m->why = xreallocarray(m->why, (size_t)m->cap, sizeof *m->why);
    }
    m->field[m->n] = f;
    m->text[m->n] = xstrdup(text);
    m->id[m->n] = rc == DB_OK ? *id : 0;
    m->why[m->n] = msg;
    m->n++;
    if (rc == DB_OK)
        return DB_OK;
    *id = 0;
    *why = xstrdup(msg != NULL ? msg : "?");
    return DB_NOTFOUND;
}

static void memo_free(struct ref_memo *m)
{
    for (int i = 0; i < m->n; i++) {
        free(m->text[i]);
        free(m->why[i]);
    }
    free(m->field);
    free(m->text);
    free(m->id);
    free(m->why);
}

static size_t vm_slot(const struct version_memo *vm, long long id)
{
    size_t mask = vm->cap - 1;
    size_t i = (size_t)(((unsigned long long)id * 0x9E3779B97F4A7C15ULL) >> 32) & mask;

    while (vm->id[i] != 0 && vm->id[i] != id)
        i = (i + 1) & mask;
    return i;
}

static void vm_put(struct version_memo *vm, long long id, long long version)
{
    size_t i;

    if ((vm->n + 1) * 2 > vm->cap) {
        struct version_memo big = {0};

        big.cap = vm->cap ? vm->cap * 2 : 64;
        big.id = xcalloc(big.cap, sizeof *big.id);
        big.version = xcalloc(big.cap, sizeof *big.version);
        for (size_t k = 0; k < vm->cap; k++) {
            if (vm->id[k] != 0) {
                i = vm_slot(&big, vm->id[k]);
                big.id[i] = vm->id[k];
                big.version[i] = vm->version[k];
                big.n++;
            }
        }
        free(vm->id);
        free(vm->version);
        *vm = big;
    }
    i = vm_slot(vm, id);
    if (vm->id[i] == 0)
        vm->n++;
    vm->id[i] = id;
    vm->version[i] = version;
}

static int vm_get(const struct version_memo *vm, long long id, long long *version)
{
    size_t i;

    if (vm->cap == 0)
        return 0;
    i = vm_slot(vm, id);
    if (vm->id[i] == 0)
        return 0;
    *version = vm->version[i];
    return 1;
}

struct pass {
    struct errlist l;
    struct ref_memo refs;
    struct version_memo vm;
};

/* The fields, the kind's own check and the references of one row. */
static int check_values(struct db *db, struct pass *p, int i, struct checked_row *out, int *ok,
                        char **err)
{
    const struct kind *k = out->c.kind;
    char msg[256];
    int rc = DB_OK, bad;

    for (int f = 0; f < k->nfields; f++) {
        if (record_check_field(k, f, out->c.f[f], msg, sizeof msg) != NULL) {
            errlist_add(&p->l, i, f, xstrdup(msg));
            *ok = 0;
        }
    }
    if (*ok && k->check != NULL && (bad = k->check(&out->c, msg, sizeof msg)) != -1) {
        errlist_add(&p->l, i, bad >= 0 ? bad : -1, xstrdup(msg));
        *ok = 0;
    }
    for (int f = 0; f < k->nfields && rc == DB_OK; f++) {
        char *why = NULL;

        if (k->fields[f].type != FT_REF || *out->c.f[f] == '\0')
            continue;
        rc = memo_ref(db, &p->refs, &k->fields[f], f, out->c.f[f], &out->refs[f], &why, err);
        if (rc == DB_NOTFOUND) {
            errlist_add(&p->l, i, f, why);
            *ok = 0;
            rc = DB_OK;
        }
    }
    return rc;
}

/*
 * First pass, one row: clean it into out and check it.  Problems a person
 * can fix go to the list; the return value is not DB_OK only for failures
 * that end the whole import (busy database, I/O).
 */
static int check_row(struct db *db, const struct record *row, int i, struct checked_row *out,
                     struct pass *p, char **err)
{
    const struct kind *k = row->kind;
    struct record *c = &out->c;
    long long current = 0;
    int ok = 1, rc;

    char msg[256];
    int bad;

    db_record_clean(c, row);
    out->refs = xcalloc((size_t)k->nfields, sizeof *out->refs);
    rc = db_record_rules(db, c, &bad, msg, sizeof msg, err);
    if (rc == DB_OK && bad != -1) {
        errlist_add(&p->l, i, bad >= 0 ? bad : -1, xstrdup(msg));
        ok = 0;
    }
    if (rc == DB_OK)
        rc = check_values(db, p, i, out, &ok, err);
    if (rc == DB_OK && c->id != 0) {
        if (!vm_get(&p->vm, c->id, &current)) {
            rc = db_one_id(db, kind_sql(k)->version, c->id, &current, NULL, err);
            if (rc == DB_NOTFOUND)
                rc = DB_OK;
        }
        if (rc == DB_OK && current == 0) {
            errlist_add(&p->l, i, -1, xasprintf(_("no %s with id %lld"), _(k->msgs.noun), c->id));
            ok = 0;
        } else if (rc == DB_OK && c->version != 0 && c->version != current) {
            errlist_add(&p->l, i, -1,
                        xasprintf(_("record %lld was changed since it was exported "
                                    "(version %lld, now %lld)"),
                                  c->id, c->version, current));
            ok = 0;
        }
        c->version = current;
        if (rc == DB_OK && ok)
            vm_put(&p->vm, c->id, current + 1);
    }
    return rc;
}

/* --- the second pass --------------------------------------------------------------- */

/* Write one row that passed the first, audit it and note it for the
 * search index. */
static int write_row(struct db *db, const struct checked_row *r, int i, struct errlist *l,
                     char **err)
{
    char *why = NULL;
    long long id = 0;
    int rc;

    rc = db_record_write(db, &r->c, r->refs, NULL, "import", &id, &why);
    if (rc == DB_OK)
        rc = db_search_note(db, r->c.kind, id, &why);
    if (rc == DB_INVALID || rc == DB_DENIED || rc == DB_CONFLICT) {
        errlist_add(l, i, -1,
                    why != NULL ? why : xstrdup(_("the record changed while it was imported")));
        why = NULL;
        rc = DB_OK;
    } else if (rc != DB_OK && err != NULL) {
        *err = why;
        why = NULL;
    }
    free(why);
    return rc;
}

/*
 * New records are added IMPORT_BATCH at a time with one many-row INSERT:
 * one statement instead of one per record is where most of an INSERT's
 * cost goes (the statement journal, the triggers' set-up), and the rows do
 * exactly what the single insert does.  Their audit rows and search-index
 * notes follow, one per record, in file order.  Should such an INSERT be
 * refused, nothing of it stays and its rows are written one by one, so
 * that each refusal is reported against its own row.
 */
struct batch {
    const struct kind *kind;
    int rows[IMPORT_BATCH]; /* indexes into the checked rows */
    int n;
};

/* One audit row and one search-index note per record the batch added. */
static int batch_audit(struct db *db, const struct batch *bt, long long above, struct errlist *l,
                       char **err)
{
    sqlite3_stmt *st = db_stmt(db, kind_sql(bt->kind)->added_json, err);
    int got = 0, rc;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, above);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && got < bt->n) {
        long long id = sqlite3_column_int64(st, 0);
        const char *after = (const char *)sqlite3_column_text(st, 1);
        char *why = NULL;
        int w = db_audit_add(db, "import", bt->kind->name, id, NULL, after, &why);

        if (w == DB_OK)
            w = db_search_note(db, bt->kind, id, &why);
        if (w == DB_INVALID || w == DB_DENIED || w == DB_CONFLICT) {
            errlist_add(l, bt->rows[got], -1,
                        why != NULL ? why : xstrdup(_("the record changed while it was imported")));
            why = NULL;
        } else if (w != DB_OK) {
            db_done(st);
            if (err != NULL)
                *err = why;
            else
                free(why);
            return w;
        }
        free(why);
        got++;
    }
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(db, rc, err);
    if (got != bt->n)
        return db_err(err, DB_ERROR, "%s", _("the record vanished while it was being saved"));
    return DB_OK;
}

/* The search-index notes of the records above `above`. */
static int batch_pending(struct db *db, const struct batch *bt, long long above, char **err)
{
    sqlite3_stmt *st = db_stmt(db, kind_sql(bt->kind)->added_ids, err);
    int rc = DB_OK, status = SQLITE_DONE, got = 0;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, above);
    while (rc == DB_OK && (status = sqlite3_step(st)) == SQLITE_ROW) {
        rc = db_search_note(db, bt->kind, sqlite3_column_int64(st, 0), err);
        got++;
    }
    db_done(st);
    if (rc == DB_OK && status != SQLITE_DONE)
        rc = db_fail(db, status, err);
    if (rc == DB_OK && got != bt->n)
        rc = db_err(err, DB_ERROR, "%s", _("the record vanished while it was being saved"));
    return rc;
}

/*
 * The usual case: all the batch's audit rows with one statement, then its
 * search-index notes.  Should the audit statement be refused (it undoes
 * itself), batch_audit() goes record by record to say which.
 */
static int batch_audit_all(struct db *db, const struct batch *bt, long long above,
                           struct errlist *l, char **err)
{
    sqlite3_stmt *st = db_stmt(db, kind_sql(bt->kind)->added_audit, err);
    char *why = NULL;
    int rc, status;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, above);
    sqlite3_bind_text(st, 2, db->s.user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, bt->kind->name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    status = rc == SQLITE_DONE ? DB_OK : db_fail(db, rc, &why);
    db_done(st);
    if (status == DB_INVALID || status == DB_DENIED) {
        free(why);
        return batch_audit(db, bt, above, l, err);
    }
    if (status != DB_OK) {
        if (err != NULL)
            *err = why;
        else
            free(why);
        return status;
    }
    if (sqlite3_changes(db->h) != bt->n)
        return db_err(err, DB_ERROR, "%s", _("the record vanished while it was being saved"));
    return batch_pending(db, bt, above, err);
}

/* Add the new records of k rows gathered in bt with one INSERT. */
static int batch_insert(struct db *db, struct batch *bt, const struct checked_row *checked,
                        struct errlist *l, char **err)
{
    struct kind_sql *q = kind_sql(bt->kind);
    sqlite3_stmt *st;
    long long above = 0;
    char *why = NULL;
    int k = bt->n, rc, status;

    if ((rc = db_one(db, db_stmt(db, q->max_id, err), &above, NULL, err)) != DB_OK)
        return rc == DB_NOTFOUND ? db_fail(db, SQLITE_DONE, err) : rc;
    /* Kept with the handle: preparing 1,000 numbered parameters costs more
     * than the insert. */
    if ((st = db_stmt(db, kind_sql_batch(q, k), err)) == NULL)
        return DB_ERROR;
    for (int r = 0; r < k; r++) {
        const struct checked_row *c = &checked[bt->rows[r]];

        db_record_bind(db, st, r * q->nparams, &c->c, c->refs, 1);
    }
    rc = sqlite3_step(st);
    status = rc == SQLITE_DONE ? DB_OK : db_fail(db, rc, &why);
    db_done(st);
    if (status == DB_OK) {
        rc = batch_audit_all(db, bt, above, l, err);
    } else if (status == DB_INVALID || status == DB_DENIED) {
        /* The statement undid itself: each row alone says which failed. */
        rc = DB_OK;
        for (int r = 0; r < k && rc == DB_OK; r++)
            rc = write_row(db, &checked[bt->rows[r]], bt->rows[r], l, err);
    } else {
        rc = status;
        if (err != NULL) {
            *err = why;
            why = NULL;
        }
    }
    free(why);
    return rc;
}

/* Add the new records gathered in bt (then empty). */
static int batch_flush(struct db *db, struct batch *bt, const struct checked_row *checked,
                       struct errlist *l, char **err)
{
    int rc = DB_OK;

    if (bt->n == 1)
        rc = write_row(db, &checked[bt->rows[0]], bt->rows[0], l, err);
    else if (bt->n > 1)
        rc = batch_insert(db, bt, checked, l, err);
    bt->n = 0;
    return rc;
}

/* Second pass: every row, in file order; new records in batches (as many
 * rows as SQLite's limit on parameters allows, at most IMPORT_BATCH). */
static int write_rows(struct db *db, const struct kind *k, const struct checked_row *checked, int n,
                      struct errlist *l, char **err)
{
    struct batch bt;
    int rc = DB_OK,
        most = sqlite3_limit(db->h, SQLITE_LIMIT_VARIABLE_NUMBER, -1) / kind_sql(k)->nparams;

    if (most > IMPORT_BATCH)
        most = IMPORT_BATCH;
    if (most < 1)
        most = 1;
    memset(&bt, 0, sizeof bt);
    bt.kind = k;
    for (int i = 0; i < n && rc == DB_OK; i++) {
        if (checked[i].c.id != 0) {
            rc = batch_flush(db, &bt, checked, l, err);
            if (rc == DB_OK)
                rc = write_row(db, &checked[i], i, l, err);
            continue;
        }
        bt.rows[bt.n++] = i;
        if (bt.n == most)
            rc = batch_flush(db, &bt, checked, l, err);
    }
    if (rc == DB_OK)
        rc = batch_flush(db, &bt, checked, l, err);
    return rc;
}

/*
 * An import under way: its transaction, the memos its rows share and
 * whether anything was wrong yet (from then on rows are only checked, so
 * that every problem is still reported, and the end rolls back).
 */
struct db_import {
    struct db *db;
    const struct kind *k;
    struct pass p;
    int problems;
    int dry_run;
    int old_cache;
    long long start_id; /* the kind's largest id before the import */
};

int db_import_begin(struct db *db, const struct kind *k, int dry_run, struct db_import **out,
                    char **err)
{
    struct db_import *im;
    int rc;

    *out = NULL;
    if (!auth_allowed(&db->s, k->auth[VERB_IMPORT], 0))
        return db_err(err, DB_DENIED, "%s", _(k->msgs.may_not[VERB_IMPORT]));
    if ((rc = db_begin(db, err)) != DB_OK)
        return rc;
    im = xcalloc(1, sizeof *im);
    im->db = db;
    im->k = k;
    im->dry_run = dry_run;
    db_cache_widen(db, &im->old_cache);
    rc = db_one(db, db_stmt(db, kind_sql(k)->max_id, err), &im->start_id, NULL, err);
    if (rc == DB_OK)
        rc = db_search_defer(db, k, err);
    if (rc != DB_OK) {
        db_cache_restore(db, im->old_cache);
        db_rollback(db);
        free(im);
        return rc;
    }
    *out = im;
    return DB_OK;
}

long long db_import_start_id(const struct db_import *im)
{
    return im->start_id;
}

int db_import_rows(struct db_import *im, struct record *rows, int n, int check_only,
                   struct row_error **errs, int *nerrs, char **err)
{
    struct checked_row *checked = xcalloc(n > 0 ? (size_t)n : 1, sizeof *checked);
    struct errlist *l = &im->p.l;
    int rc = DB_OK, done = 0;

    for (; done < n && rc == DB_OK; done++)
        rc = check_row(im->db, &rows[done], done, &checked[done], &im->p, err);
    if (check_only || l->n > 0)
        im->problems = 1;
    if (rc == DB_OK && !im->problems)
        rc = write_rows(im->db, im->k, checked, n, l, err);
    if (rc != DB_OK || l->n > 0)
        im->problems = 1;
    for (int i = 0; i < done; i++) {
        record_free(&checked[i].c);
        free(checked[i].refs);
    }
    free(checked);
    *errs = l->v;
    *nerrs = l->n;
    memset(l, 0, sizeof *l);
    return rc;
}

int db_import_end(struct db_import *im, int commit, char **err)
{
    struct db *db = im->db;
    int rc = DB_OK;

    /* Indexed even for a dry run: a problem there must show now too. */
    if (!im->problems)
        rc = db_search_sync(db, im->k, err);
    db_cache_restore(db, im->old_cache);
    if (rc == DB_OK && commit && !im->problems && !im->dry_run)
        rc = db_commit(db, err);
    else
        db_rollback(db);
    memo_free(&im->p.refs);
    free(im->p.vm.id);
    free(im->p.vm.version);
    free(im);
    return rc;
}

int db_record_import(struct db *db, const struct kind *k, struct record *rows, int n, int dry_run,
                     struct row_error **errs, int *nerrs, char **err)
{
    struct db_import *im;
    int rc, end;

    *errs = NULL;
    *nerrs = 0;
    if ((rc = db_import_begin(db, k, dry_run, &im, err)) != DB_OK)
        return rc;
    rc = db_import_rows(im, rows, n, 0, errs, nerrs, err);
    if (rc == DB_OK && *nerrs > 0)
        rc = db_err(err, DB_INVALID,
                    ngettext("%d problem found; nothing was imported",
                             "%d problems found; nothing was imported", (unsigned long)*nerrs),
                    *nerrs);
    end = db_import_end(im, rc == DB_OK, rc == DB_OK ? err : NULL);
    return rc != DB_OK ? rc : end;
}

void row_errors_free(struct row_error *errs, int n)
{
    for (int i = 0; i < n; i++)
        free(errs[i].msg);
    free(errs);
}
