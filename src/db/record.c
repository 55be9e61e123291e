/*
 * record.c: one record of any kind: load, save with optimistic locking
 * and its audit row, delete, the records a reference names, and paged
 * lists with search.
 *
 * Every write asks auth_allowed() with the kind's permission for the
 * verb, on the record's owning municipality (before and after a change of
 * owner), validates with record_validate(), resolves references, writes,
 * and appends its audit row (before and after as JSON built by SQLite's
 * json_object) in the same transaction.  Values are always bound; the SQL
 * text comes from the descriptors (kindsql.c), never from a person.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/internal.h"
#include "db/kindsql.h"
#include "db/records.h"
#include "evtime.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "text.h"
#include "util.h"

static char *field_from_col(sqlite3_stmt *st, int col)
{
    char tmp[64];

    switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
        return xstrdup("");
    case SQLITE_FLOAT:
        snprintf(tmp, sizeof tmp, "%.15g", sqlite3_column_double(st, col));
        return xstrdup(tmp);
    default:
        return db_col_str(st, col);
    }
}

/* The record of the current row of a get or all statement. */
static void record_from_row(sqlite3_stmt *st, const struct kind *k, struct record *r)
{
    int c = 2;

    memset(r, 0, sizeof *r);
    r->kind = k;
    r->id = sqlite3_column_int64(st, 0);
    r->version = sqlite3_column_int64(st, 1);
    r->f = xcalloc((size_t)k->nfields + 1, sizeof *r->f);
    r->x = xcalloc((size_t)k->nextras + 1, sizeof *r->x);
    for (int i = 0; i < k->nfields; i++)
        r->f[i] = field_from_col(st, c++);
    for (int i = 0; i < k->nextras; i++)
        r->x[i] = field_from_col(st, c++);
    r->updated_at = db_col_str(st, c++);
    r->updated_by = db_col_str(st, c);
}

int db_record_load(struct db *db, const struct kind *k, long long id, struct record *out,
                   char **err)
{
    sqlite3_stmt *st = db_stmt(db, kind_sql(k)->get, err);
    struct record r;
    int rc;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        db_done(st);
        if (rc == SQLITE_DONE)
            return db_err(err, DB_NOTFOUND, _("no %s with id %lld"), _(k->msgs.noun), id);
        return db_fail(db, rc, err);
    }
    record_from_row(st, k, &r);
    db_done(st);
    record_free(out);
    *out = r;
    return DB_OK;
}

int db_record_get(struct db *db, const struct kind *k, long long id, struct record *out, char **err)
{
    struct record r;
    int rc;

    record_init(&r, k);
    rc = db_record_load(db, k, id, &r, err);
    if (rc == DB_OK && !auth_allowed(&db->s, k->auth[VERB_READ], record_owner(&r)))
        rc = db_err(err, DB_DENIED, "%s", _(k->msgs.may_not[VERB_READ]));
    if (rc == DB_OK) {
        record_free(out);
        *out = r;
    } else {
        record_free(&r);
    }
    return rc;
}

int db_record_each_stmt(struct db *db, const struct kind *k, sqlite3_stmt *st,
                        int (*fn)(const struct record *, void *), void *arg, char **err)
{
    int rc = SQLITE_DONE, status = DB_OK;

    while (status == DB_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct record r;

        record_from_row(st, k, &r);
        status = fn(&r, arg);
        record_free(&r);
    }
    db_done(st);
    if (status == DB_OK && rc != SQLITE_DONE)
        return db_fail(db, rc, err);
    return status;
}

int db_record_each(struct db *db, const struct kind *k, int (*fn)(const struct record *, void *),
                   void *arg, char **err)
{
    sqlite3_stmt *st;

    if (!auth_allowed(&db->s, k->auth[VERB_READ], 0))
        return db_err(err, DB_DENIED, "%s", _(k->msgs.may_not[VERB_READ]));
    if ((st = db_stmt(db, kind_sql(k)->all, err)) == NULL)
        return DB_ERROR;
    return db_record_each_stmt(db, k, st, fn, arg, err);
}

int db_record_find_key(struct db *db, const struct kind *k, const char *value, long long *id,
                       char **err)
{
    sqlite3_stmt *st = db_stmt(db, k->key_find, err);

    if (st != NULL)
        sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
    return db_one(db, st, id, NULL, err);
}

/* --- references ---------------------------------------------------------------- */

int db_ref_find(struct db *db, const struct field_def *d, const char *text, long long *id,
                char **err)
{
    sqlite3_stmt *st;
    long long n = 0;
    int rc;

    *id = 0;
    if (d->ref->ambiguous != NULL) {
        st = db_stmt(db, d->ref->ambiguous, err);
        if (st != NULL)
            sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
        if ((rc = db_one(db, st, &n, NULL, err)) != DB_OK)
            return rc;
        if (n > 1)
            return db_err(err, DB_INVALID, _("\"%s\" names %lld records: give the %s's id"), text,
                          n, _(d->ref->what));
    }
    st = db_stmt(db, d->ref->find, err);
    if (st != NULL)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    rc = db_one(db, st, id, NULL, err);
    if (rc == DB_NOTFOUND)
        return db_err(err, DB_NOTFOUND, _("no %s called \"%s\""), _(d->ref->what), text);
    return rc;
}

int db_ref_label(struct db *db, const struct field_def *d, const char *value, char **en, char **bn,
                 char **err)
{
    sqlite3_stmt *st;

    *en = *bn = NULL;
    if (d->ref->label == NULL || (st = db_stmt(db, d->ref->label, err)) == NULL)
        return DB_NOTFOUND;
    sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
    return db_two(db, st, en, bn, err);
}

int db_ref_choices(struct db *db, const struct field_def *d, struct ref_choice **items, int *n,
                   char **err)
{
    sqlite3_stmt *st = db_stmt(db, d->ref->choices, err);
    struct ref_choice *v = NULL;
    int cnt = 0, rc;

    *items = NULL;
    *n = 0;
    if (st == NULL)
        return DB_ERROR;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        v = xreallocarray(v, (size_t)cnt + 1, sizeof *v);
        v[cnt].id = sqlite3_column_int64(st, 0);
        v[cnt].name_en = db_col_str(st, 1);
        v[cnt].name_bn = db_col_str(st, 2);
        cnt++;
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        ref_choices_free(v, cnt);
        return db_fail(db, rc, err);
    }
    *items = v;
    *n = cnt;
    return DB_OK;
}

void ref_choices_free(struct ref_choice *items, int n)
{
    for (int i = 0; i < n; i++) {
        free(items[i].name_en);
        free(items[i].name_bn);
    }
    free(items);
}

/* --- writing one record ---------------------------------------------------------- */

/* Field values as parameters base + 1 ..: "" is NULL (unknown), numbers as
 * numbers, references as the ids in refs[]; then the stored extras and the
 * user.  Text is bound without a copy: r and the session outlive the step. */
/* A local time (FT_DATETIME, valid: record_validate() ran) as stored, in
 * UTC; see evtime.h and the SQL function local_time() (open.c), which
 * reads it back. */
static void bind_utc(sqlite3_stmt *st, int p, const char *local)
{
    char utc[EVTIME_LEN];

    if (evtime_to_utc(local, evtime_zone(), utc) != 0)
        fatal("db_record_bind: '%s' is not a valid time", local);
    sqlite3_bind_text(st, p, utc, -1, SQLITE_TRANSIENT);
}

void db_record_bind(struct db *db, sqlite3_stmt *st, int base, const struct record *r,
                    const long long *refs, int inserting)
{
    const struct kind *k = r->kind;
    int p = base;

    for (int i = 0; i < k->nfields; i++) {
        const char *v = r->f[i];

        p++;
        if (k->fields[i].type == FT_REF && *v != '\0')
            sqlite3_bind_int64(st, p, refs[i]);
        else if (*v == '\0')
            sqlite3_bind_null(st, p);
        else if (k->fields[i].type == FT_INT || k->fields[i].type == FT_YEAR)
            sqlite3_bind_int64(st, p, strtoll(v, NULL, 10));
        else if (k->fields[i].type == FT_REAL)
            sqlite3_bind_double(st, p, strtod(v, NULL));
        else if (k->fields[i].type == FT_DATETIME)
            bind_utc(st, p, v);
        else
            sqlite3_bind_text(st, p, v, -1, SQLITE_STATIC);
    }
    for (int i = 0; inserting && i < k->nextras; i++) {
        if (!(k->extras[i].flags & XF_STORED))
            continue;
        p++;
        if (*r->x[i] != '\0')
            sqlite3_bind_text(st, p, r->x[i], -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(st, base + kind_sql(k)->nparams, db->s.user, -1, SQLITE_STATIC);
}

/* The record as JSON; DB_NOTFOUND (no message) when there is none. */
static int record_json(struct db *db, const struct kind *k, long long id, char **json, char **err)
{
    return db_one_id(db, kind_sql(k)->get_json, id, NULL, json, err);
}

int db_record_write(struct db *db, const struct record *c, const long long *refs,
                    const struct record_also *also, const char *action, long long *id, char **err)
{
    const struct kind *k = c->kind;
    struct kind_sql *q = kind_sql(k);
    sqlite3_stmt *st;
    char *before = NULL, *after = NULL;
    int rc;

    if (c->id != 0 && (rc = record_json(db, k, c->id, &before, err)) != DB_OK)
        return rc;
    if ((st = db_stmt(db, c->id == 0 ? q->insert : q->update, err)) == NULL) {
        free(before);
        return DB_ERROR;
    }
    db_record_bind(db, st, 0, c, refs, c->id == 0);
    if (c->id != 0) {
        sqlite3_bind_int64(st, q->nparams + 1, c->id);
        sqlite3_bind_int64(st, q->nparams + 2, c->version);
    }
    rc = sqlite3_step(st);
    db_done(st);
    if (rc != SQLITE_DONE) {
        free(before);
        return db_fail(db, rc, err);
    }
    if (c->id != 0 && sqlite3_changes(db->h) == 0) {
        free(before);
        return DB_CONFLICT;
    }
    *id = c->id != 0 ? c->id : sqlite3_last_insert_rowid(db->h);
    if (also != NULL && (rc = also->fn(db, *id, also->arg, err)) != DB_OK) {
        free(before);
        return rc;
    }
    rc = record_json(db, k, *id, &after, err);
    if (rc == DB_OK)
        rc = db_audit_add(db, action, k->name, *id, before, after, err);
    else if (rc == DB_NOTFOUND)
        rc = db_err(err, DB_ERROR, "%s", _("the record vanished while it was being saved"));
    free(before);
    free(after);
    return rc;
}

void db_record_clean(struct record *dst, const struct record *src)
{
    const struct kind *k = src->kind;

    record_init(dst, k);
    dst->id = src->id;
    dst->version = src->version;
    for (int i = 0; i < k->nfields; i++) {
        const struct field_def *d = &k->fields[i];

        record_set(dst, i, src->f[i]);
        if (d->type == FT_CHOICE)
            str_set(&dst->f[i], field_choice_value(d, dst->f[i]));
    }
    for (int i = 0; i < k->nextras; i++)
        if (k->extras[i].flags & XF_STORED)
            str_set(&dst->x[i], src->x[i]);
}

/* The stored owner of record id (0: none), for the permission to change it. */
static int stored_owner(struct db *db, const struct kind *k, long long id, long long *owner,
                        char **err)
{
    int rc;

    *owner = id;
    if (k->owner_field < 0)
        return DB_OK;
    rc = db_one_id(db, kind_sql(k)->owner, id, owner, NULL, err);
    return rc == DB_NOTFOUND ? DB_OK : rc;
}

/* May the session write c (owner resolved in refs) as verb? */
static int may_write(struct db *db, const struct record *c, const long long *refs, char **err)
{
    const struct kind *k = c->kind;
    enum verb v = c->id == 0 ? VERB_CREATE : VERB_EDIT;
    long long owner = k->owner_field >= 0 ? refs[k->owner_field] : c->id, before = owner;
    int rc = DB_OK;

    if (c->id != 0 && k->owner_field >= 0)
        rc = stored_owner(db, k, c->id, &before, err);
    if (rc != DB_OK)
        return rc;
    if (!auth_allowed(&db->s, k->auth[v], owner) || !auth_allowed(&db->s, k->auth[v], before))
        return db_err(err, DB_DENIED, "%s", _(k->msgs.may_not[v]));
    return DB_OK;
}

/* Validate c and find what its references name; *bad on DB_INVALID. */
int db_record_resolve(struct db *db, const struct record *c, long long *refs, int *bad, char **err)
{
    const struct kind *k = c->kind;
    char msg[256];
    int f = record_validate(c, msg, sizeof msg), rc;

    if (f != -1) {
        *bad = f;
        if (f < 0)
            return db_err(err, DB_INVALID, "%s", msg);
        return db_err(err, DB_INVALID, "%s: %s", _(k->fields[f].label), msg);
    }
    for (int i = 0; i < k->nfields; i++) {
        char *why = NULL;

        refs[i] = 0;
        if (k->fields[i].type != FT_REF || *c->f[i] == '\0')
            continue;
        rc = db_ref_find(db, &k->fields[i], c->f[i], &refs[i], &why);
        if (rc == DB_NOTFOUND || rc == DB_INVALID) {
            *bad = i;
            rc = db_err(err, DB_INVALID, "%s: %s", _(k->fields[i].label), why);
        } else if (rc != DB_OK && err != NULL) {
            *err = why;
            why = NULL;
        }
        free(why);
        if (rc != DB_OK)
            return rc;
    }
    return DB_OK;
}

int db_record_rules(struct db *db, struct record *c, int *bad, char *msg, size_t msgsz, char **err)
{
    const struct kind *k = c->kind;
    struct record stored;
    int rc, found = 0;

    *bad = -1;
    if (k->change == NULL)
        return DB_OK;
    record_init(&stored, k);
    if (c->id != 0) {
        rc = db_record_load(db, k, c->id, &stored, NULL);
        /* Gone meanwhile: the write says so. */
        if (rc != DB_OK && rc != DB_NOTFOUND) {
            record_free(&stored);
            return db_fail(db, SQLITE_ERROR, err);
        }
        found = rc == DB_OK;
    }
    if (c->id == 0 || found)
        *bad = k->change(found ? &stored : NULL, c, &db->s, msg, msgsz);
    record_free(&stored);
    return DB_OK;
}

/* After a conflict: theirs gets the record as it is now. */
static int conflict(struct db *db, const struct record *m, struct record *theirs, char **err)
{
    const struct kind *k = m->kind;
    struct record now;
    int rc;

    record_init(&now, k);
    if (db_record_load(db, k, m->id, &now, NULL) != DB_OK) {
        record_free(&now);
        return db_err(err, DB_NOTFOUND, "%s", _(k->msgs.deleted));
    }
    rc = db_err(err, DB_CONFLICT, _("someone else saved this %s first (by %s at %s)"),
                _(k->msgs.noun), now.updated_by, now.updated_at);
    if (theirs != NULL) {
        record_free(theirs);
        *theirs = now;
    } else {
        record_free(&now);
    }
    return rc;
}

int db_record_save(struct db *db, struct record *m, struct record *theirs, int *bad, char **err)
{
    return db_record_save_also(db, m, NULL, theirs, bad, err);
}

int db_record_save_also(struct db *db, struct record *m, const struct record_also *also,
                        struct record *theirs, int *bad, char **err)
{
    const struct kind *k = m->kind;
    struct record c, now;
    long long *refs = xcalloc((size_t)k->nfields, sizeof *refs), id = 0;
    char *why = NULL; /* the write's: its own conflicts come without one */
    int rc, f = 0;

    char msg[256];

    db_record_clean(&c, m);
    rc = db_record_rules(db, &c, &f, msg, sizeof msg, err);
    if (rc == DB_OK && f != -1)
        rc = f >= 0 ? db_err(err, DB_INVALID, "%s: %s", _(k->fields[f].label), msg)
                    : db_err(err, DB_INVALID, "%s", msg);
    if (rc == DB_OK)
        rc = db_record_resolve(db, &c, refs, &f, err);
    if (rc == DB_INVALID && bad != NULL)
        *bad = f;
    /* Asked before the transaction: a read-only session never starts one.
     * An owner changed meanwhile also changed the version: a conflict. */
    if (rc == DB_OK)
        rc = may_write(db, &c, refs, err);
    if (rc == DB_OK && (rc = db_begin(db, err)) == DB_OK) {
        rc = db_record_write(db, &c, refs, also, c.id == 0 ? "create" : "update", &id, &why);
        if (rc == DB_OK)
            rc = db_commit(db, err);
        else
            db_rollback(db);
    }
    record_free(&c);
    free(refs);
    if (why == NULL && (rc == DB_CONFLICT || (rc == DB_NOTFOUND && m->id != 0)))
        return conflict(db, m, theirs, err);
    if (err != NULL && why != NULL)
        *err = why;
    else
        free(why);
    if (rc != DB_OK)
        return rc;
    /* Hand back the record as stored: id, version, normalised values. */
    record_init(&now, k);
    if (db_record_load(db, k, id, &now, NULL) == DB_OK) {
        record_free(m);
        *m = now;
    } else {
        record_free(&now);
        m->id = id;
    }
    return DB_OK;
}

int db_record_delete(struct db *db, const struct kind *k, long long id, long long version,
                     char **err)
{
    struct kind_sql *q = kind_sql(k);
    sqlite3_stmt *st;
    long long owner = id;
    char *before = NULL;
    int rc;

    if ((rc = stored_owner(db, k, id, &owner, err)) != DB_OK)
        return rc;
    if (!auth_allowed(&db->s, k->auth[VERB_DELETE], owner))
        return db_err(err, DB_DENIED, "%s", _(k->msgs.may_not[VERB_DELETE]));
    if ((rc = db_begin(db, err)) != DB_OK)
        return rc;
    if ((rc = record_json(db, k, id, &before, err)) == DB_NOTFOUND)
        rc = db_err(err, DB_NOTFOUND, _("no %s with id %lld"), _(k->msgs.noun), id);
    if (rc == DB_OK && (st = db_stmt(db, q->delete_, err)) == NULL)
        rc = DB_ERROR;
    if (rc == DB_OK) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, version);
        rc = sqlite3_step(st);
        db_done(st);
        if (rc != SQLITE_DONE)
            rc = db_fail(db, rc, err);
        else if (sqlite3_changes(db->h) == 0)
            rc = db_err(err, DB_CONFLICT, "%s", _(k->msgs.changed));
        else
            rc = db_audit_add(db, "delete", k->name, id, before, NULL, err);
    }
    free(before);
    if (rc == DB_OK)
        return db_commit(db, err);
    db_rollback(db);
    return rc;
}

/* --- lists ------------------------------------------------------------------------ */

/*
 * The list as the session may read it: where reading depends on the
 * municipality (auth.c: a municipal user and the subscribers) the query is
 * held to the session's own one; DB_DENIED when it may read none.
 */
static int read_scope(struct db *db, const struct kind *k, const struct record_query *q,
                      struct record_query *out, char **err)
{
    static const struct record_query none;
    long long own = db->s.municipality_id;

    *out = q != NULL ? *q : none;
    if (auth_allowed(&db->s, k->auth[VERB_READ], 0))
        return DB_OK;
    if (k->owner_filter >= 0 && own != 0 && auth_allowed(&db->s, k->auth[VERB_READ], own)) {
        out->filter[k->owner_filter] = own;
        return DB_OK;
    }
    return db_err(err, DB_DENIED, "%s", _(k->msgs.may_not[VERB_READ]));
}

/* 1 when search fts has more matches than DB_SEARCH_SORT_MAX. */
static int found_many(struct db *db, const struct kind *k, const char *fts)
{
    sqlite3_stmt *st = db_stmt(db, kind_sql_found_many(kind_sql(k)), NULL);
    long long many = 0;

    if (st == NULL)
        return 0;
    sqlite3_bind_text(st, 1, fts, -1, SQLITE_TRANSIENT);
    return db_one(db, st, &many, NULL, NULL) == DB_OK && many != 0;
}

int db_record_search_sorted(struct db *db, const struct kind *k, const struct record_query *q)
{
    char *fts = k->fts_table != NULL && q != NULL ? db_fts_query(q->search) : NULL;
    int sorted = fts == NULL || !found_many(db, k, fts);

    free(fts);
    return sorted;
}

static sqlite3_stmt *bind_list(struct db *db, const struct kind *k, const struct record_query *q,
                               int counting, char **err)
{
    static const struct record_query none;
    struct kind_sql *ks = kind_sql(k);
    unsigned used;
    sqlite3_stmt *st;
    char *fts;
    int sort;

    if (q == NULL)
        q = &none;
    fts = k->fts_table != NULL ? db_fts_query(q->search) : NULL;
    used = fts != NULL ? 1u : 0u;
    for (int i = 0; i < k->nfilters; i++)
        if (q->filter[i] != 0)
            used |= 2u << i;
    sort = q->sort >= 0 && q->sort < k->nsorts ? q->sort : 0;
    if (counting)
        st = db_stmt(db, kind_sql_count(ks, used), err);
    else if (fts != NULL && (q->many > 0 || (q->many == 0 && found_many(db, k, fts))))
        st = db_stmt(db, kind_sql_found(ks, used), err);
    else
        st = db_stmt(db, kind_sql_page(ks, used, sort, q->lang_bn != 0), err);
    if (st != NULL) {
        /* Parameters a variant does not use are left alone. */
        if (fts != NULL)
            sqlite3_bind_text(st, 1, fts, -1, SQLITE_TRANSIENT);
        for (int i = 0; i < k->nfilters; i++)
            if (q->filter[i] != 0)
                sqlite3_bind_int64(st, i + 2, q->filter[i]);
    }
    free(fts);
    return st;
}

int db_record_count(struct db *db, const struct kind *k, const struct record_query *q, int *n,
                    char **err)
{
    struct record_query scoped;
    long long v = 0;
    int rc = read_scope(db, k, q, &scoped, err);

    if (rc != DB_OK)
        return rc;
    rc = db_one(db, bind_list(db, k, &scoped, 1, err), &v, NULL, err);
    *n = (int)v;
    /* A count always yields its row. */
    return rc == DB_NOTFOUND ? db_fail(db, SQLITE_DONE, err) : rc;
}

int db_record_page(struct db *db, const struct kind *k, const struct record_query *q, int offset,
                   int limit, struct record_row **rows, int *n, char **err)
{
    sqlite3_stmt *st;
    struct record_row *v = NULL;
    struct record_query scoped;
    int cnt = 0, cap = 0, rc;

    *rows = NULL;
    *n = 0;
    if (limit <= 0)
        return DB_OK;
    if ((rc = read_scope(db, k, q, &scoped, err)) != DB_OK)
        return rc;
    if ((st = bind_list(db, k, &scoped, 0, err)) == NULL)
        return DB_ERROR;
    sqlite3_bind_int(st, k->nfilters + 2, limit);
    sqlite3_bind_int(st, k->nfilters + 3, offset > 0 ? offset : 0);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? cap * 2 : (limit < 64 ? limit : 64);
            v = xreallocarray(v, (size_t)cap, sizeof *v);
        }
        v[cnt].id = sqlite3_column_int64(st, 0);
        v[cnt].v = xcalloc((size_t)k->nlist_values + 1, sizeof *v[cnt].v);
        for (int i = 0; i < k->nlist_values; i++)
            v[cnt].v[i] = db_col_str(st, i + 1);
        cnt++;
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        record_rows_free(k, v, cnt);
        return db_fail(db, rc, err);
    }
    *rows = v;
    *n = cnt;
    return DB_OK;
}

void record_rows_free(const struct kind *k, struct record_row *rows, int n)
{
    for (int i = 0; i < n; i++) {
        for (int c = 0; c < k->nlist_values; c++)
            free(rows[i].v[c]);
        free(rows[i].v);
    }
    free(rows);
}

int db_district_lookup(struct db *db, const char *name, long long *id, char **err)
{
    char *clean = text_clean(name != NULL ? name : "");
    int rc = db_ref_find(db, &kind_municipality.fields[MF_DISTRICT], clean, id, err);

    free(clean);
    return rc;
}
