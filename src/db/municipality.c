/*
 * municipality.c: the directory's records: search and paged lists, load,
 * save with optimistic locking, delete, and all-or-nothing import.
 *
 * Every write here asks auth_allowed() first, validates with
 * muni_validate(), writes, and appends its audit row (before and after as
 * JSON built by SQLite's json_object) in the same transaction.  Values are
 * always bound; the only SQL text assembled at run time is made of the fixed
 * fragments below (sort orders), never of anything a person typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "db/db.h"
#include "db/internal.h"
#include "i18n.h"
#include "text.h"
#include "util.h"

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

/* --- search ------------------------------------------------------------------ */

/* 1 if the word holds a character the FTS tokenizer keeps (L* N* Co M*). */
static int has_token_char(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);

        if (n <= 0) {
            i++;
            continue;
        }
        i += (size_t)n;
        switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
        case UTF8PROC_CATEGORY_CO:
            return 1;
        default:
            break;
        }
    }
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * The FTS5 query for what a person typed: NFC, split into words, each word
 * a quoted prefix term ("word"*), all ANDed; quotes inside a word doubled.
 * NULL when nothing in it can match a token (no filter).
 */
char *db_fts_query(const char *search)
{
    struct buf b = {0};
    char *s;
    const char *p;

    if (search == NULL || *search == '\0')
        return NULL;
    s = text_nfc(search);
    p = s;
    while (*p != '\0') {
        const char *start;

        while (is_space(*p))
            p++;
        start = p;
        while (*p != '\0' && !is_space(*p))
            p++;
        if (p == start || !has_token_char(start, (size_t)(p - start)))
            continue;
        if (b.len > 0)
            buf_adds(&b, " AND ");
        buf_addc(&b, '"');
        for (const char *q = start; q < p; q++) {
            if (*q == '"')
                buf_addc(&b, '"');
            buf_addc(&b, *q);
        }
        buf_adds(&b, "\"*");
    }
    free(s);
    if (b.len == 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

/* The filters a list query uses: bit 0 search, 1 division, 2 district. */
enum { LIST_SEARCH = 1, LIST_DIVISION = 2, LIST_DISTRICT = 4 };

#define LIST_MATCH "m.id IN (SELECT rowid FROM muni_fts WHERE muni_fts MATCH ?1)"

static const char *order_by(enum muni_sort sort, int bn)
{
    static const char *const en[MUNI_SORT_COUNT] = {
        [MUNI_SORT_NAME] = "m.name_en COLLATE NOCASE, m.id",
        [MUNI_SORT_DISTRICT] = "d.name_en COLLATE NOCASE, m.name_en COLLATE NOCASE, m.id",
        [MUNI_SORT_DIVISION] = "v.name_en COLLATE NOCASE, d.name_en COLLATE NOCASE,"
                               " m.name_en COLLATE NOCASE, m.id",
        [MUNI_SORT_KIND_CLASS] = "m.kind, m.class IS NULL, m.class,"
                                 " m.name_en COLLATE NOCASE, m.id",
        [MUNI_SORT_ESTABLISHED] = "m.established IS NULL, m.established,"
                                  " m.name_en COLLATE NOCASE, m.id",
    };
    static const char *const bn_[MUNI_SORT_COUNT] = {
        [MUNI_SORT_NAME] = "m.name_bn, m.id",
        [MUNI_SORT_DISTRICT] = "d.name_bn, m.name_bn, m.id",
        [MUNI_SORT_DIVISION] = "v.name_bn, d.name_bn, m.name_bn, m.id",
        [MUNI_SORT_KIND_CLASS] = "m.kind, m.class IS NULL, m.class, m.name_bn, m.id",
        [MUNI_SORT_ESTABLISHED] = "m.established IS NULL, m.established, m.name_bn, m.id",
    };

    if ((int)sort < 0 || sort >= MUNI_SORT_COUNT)
        sort = MUNI_SORT_NAME;
    return bn ? bn_[sort] : en[sort];
}

static sqlite3_stmt *prepare(struct db *db, const char *sql, char **err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);

    if (rc != SQLITE_OK) {
        db_fail(db, rc, err);
        return NULL;
    }
    return st;
}

/*
 * WHERE clause for the filters in use: only what is needed, so that the
 * planner can use the plain indexes (a count without filters is a count of
 * one table).  The parameters are ?1 search, ?2 division, ?3 district.
 */
static void list_where(struct buf *b, int filters)
{
    const char *sep = " WHERE ";

    if (filters & LIST_DISTRICT) {
        buf_printf(b, "%sm.district_id = ?3", sep);
        sep = " AND ";
    }
    if (filters & LIST_DIVISION) {
        buf_printf(b, "%sd.division_id = ?2", sep);
        sep = " AND ";
    }
    if (filters & LIST_SEARCH)
        buf_printf(b, "%s" LIST_MATCH, sep);
}

static char *count_sql(int filters)
{
    struct buf b = {0};

    if (filters == LIST_SEARCH)
        return xstrdup("SELECT count(*) FROM muni_fts WHERE muni_fts MATCH ?1");
    buf_adds(&b, "SELECT count(*) FROM municipality m");
    if (filters & LIST_DIVISION)
        buf_adds(&b, " JOIN district d ON d.id = m.district_id");
    list_where(&b, filters);
    return buf_take(&b);
}

/*
 * The page is chosen on ids alone (joining only what the filters and the
 * sort need, so the name indexes serve the common case), then the 'limit'
 * rows found get their district and division names.
 */
static char *page_sql(int filters, enum muni_sort sort, int bn)
{
    struct buf b = {0};
    const char *order = order_by(sort, bn);
    int need_d =
        (filters & LIST_DIVISION) || sort == MUNI_SORT_DISTRICT || sort == MUNI_SORT_DIVISION;

    buf_adds(&b, "SELECT m.id, m.kind, m.class, m.name_en, m.name_bn, d.name_en, d.name_bn,"
                 " v.name_en, v.name_bn FROM (SELECT m.id AS id FROM municipality m");
    if (need_d)
        buf_adds(&b, " JOIN district d ON d.id = m.district_id");
    if (sort == MUNI_SORT_DIVISION)
        buf_adds(&b, " JOIN division v ON v.id = d.division_id");
    list_where(&b, filters);
    buf_printf(&b,
               " ORDER BY %s LIMIT ?4 OFFSET ?5) AS p"
               " JOIN municipality m ON m.id = p.id JOIN district d ON d.id = m.district_id"
               " JOIN division v ON v.id = d.division_id ORDER BY %s",
               order, order);
    return buf_take(&b);
}

/* Prepared once per handle and kind of query: the per-keystroke path. */
static sqlite3_stmt *list_stmt(struct db *db, int counting, int filters, enum muni_sort sort,
                               int bn, char **err)
{
    sqlite3_stmt **slot;
    char *sql;

    if ((int)sort < 0 || sort >= MUNI_SORT_COUNT)
        sort = MUNI_SORT_NAME;
    bn = bn != 0;
    slot = counting ? &db->count_stmt[filters] : &db->page_stmt[filters][sort][bn];
    if (*slot == NULL) {
        sql = counting ? count_sql(filters) : page_sql(filters, sort, bn);
        *slot = prepare(db, sql, err);
        free(sql);
        if (*slot == NULL)
            return NULL;
    } else {
        sqlite3_reset(*slot);
        sqlite3_clear_bindings(*slot);
    }
    return *slot;
}

static sqlite3_stmt *bind_list(struct db *db, const struct muni_query *q, int counting, char **err)
{
    static const struct muni_query none;
    char *fts;
    sqlite3_stmt *st;
    int filters;

    if (q == NULL)
        q = &none;
    fts = db_fts_query(q->search);
    filters = (fts != NULL ? LIST_SEARCH : 0) | (q->division_id != 0 ? LIST_DIVISION : 0) |
              (q->district_id != 0 ? LIST_DISTRICT : 0);
    st = list_stmt(db, counting, filters, q->sort, q->lang_bn, err);
    if (st != NULL) {
        /* Parameters a variant does not use are left alone. */
        if (filters & LIST_SEARCH)
            sqlite3_bind_text(st, 1, fts, -1, SQLITE_TRANSIENT);
        if (filters & LIST_DIVISION)
            sqlite3_bind_int64(st, 2, q->division_id);
        if (filters & LIST_DISTRICT)
            sqlite3_bind_int64(st, 3, q->district_id);
    }
    free(fts);
    return st;
}

int db_muni_count(struct db *db, const struct muni_query *q, int *n, char **err)
{
    sqlite3_stmt *st = bind_list(db, q, 1, err);
    int rc;

    *n = 0;
    if (st == NULL)
        return DB_ERROR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int(st, 0);
    db_done(st);
    return rc == SQLITE_ROW ? DB_OK : db_fail(db, rc, err);
}

static int kind_value(const char *s)
{
    return s != NULL && strcmp(s, "city_corporation") == 0 ? MUNI_CITY_CORPORATION
                                                           : MUNI_PAURASHAVA;
}

int db_muni_page(struct db *db, const struct muni_query *q, int offset, int limit,
                 struct muni_row **rows, int *n, char **err)
{
    sqlite3_stmt *st;
    struct muni_row *v = NULL;
    int cnt = 0, cap = 0, rc;

    *rows = NULL;
    *n = 0;
    if (limit <= 0)
        return DB_OK;
    if ((st = bind_list(db, q, 0, err)) == NULL)
        return DB_ERROR;
    sqlite3_bind_int(st, 4, limit);
    sqlite3_bind_int(st, 5, offset > 0 ? offset : 0);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *cls = sqlite3_column_text(st, 2);

        if (cnt == cap) {
            cap = cap ? cap * 2 : (limit < 64 ? limit : 64);
            v = xreallocarray(v, (size_t)cap, sizeof *v);
        }
        v[cnt].id = sqlite3_column_int64(st, 0);
        v[cnt].kind = kind_value((const char *)sqlite3_column_text(st, 1));
        v[cnt].cls[0] = cls != NULL ? (char)cls[0] : '\0';
        v[cnt].cls[1] = '\0';
        v[cnt].name_en = db_col_str(st, 3);
        v[cnt].name_bn = db_col_str(st, 4);
        v[cnt].district_en = db_col_str(st, 5);
        v[cnt].district_bn = db_col_str(st, 6);
        v[cnt].division_en = db_col_str(st, 7);
        v[cnt].division_bn = db_col_str(st, 8);
        cnt++;
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        muni_rows_free(v, cnt);
        return db_fail(db, rc, err);
    }
    *rows = v;
    *n = cnt;
    return DB_OK;
}

void muni_rows_free(struct muni_row *rows, int n)
{
    for (int i = 0; i < n; i++) {
        free(rows[i].name_en);
        free(rows[i].name_bn);
        free(rows[i].district_en);
        free(rows[i].district_bn);
        free(rows[i].division_en);
        free(rows[i].division_bn);
    }
    free(rows);
}

/* --- one record ---------------------------------------------------------------- */

/* Columns 2 .. 2 + MF_COUNT - 1 are the fields in enum muni_field order. */
static const char sql_get[] =
    "SELECT m.id, m.version, m.kind, m.name_en, m.name_bn, m.class, d.name_en, m.established,"
    " m.wards, m.population, m.area, m.mayor_en, m.mayor_bn, m.phone, m.email, m.website,"
    " m.address, m.notes, d.name_bn, v.name_en, v.name_bn, m.updated_at, m.updated_by, m.source"
    " FROM municipality m JOIN district d ON d.id = m.district_id"
    " JOIN division v ON v.id = d.division_id WHERE m.id = ?1";

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

int db_muni_get(struct db *db, long long id, struct municipality *out, char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql_get, err);
    struct municipality m;
    int rc;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        db_done(st);
        if (rc == SQLITE_DONE)
            return db_err(err, DB_NOTFOUND, _("no municipality with id %lld"), id);
        return db_fail(db, rc, err);
    }
    memset(&m, 0, sizeof m);
    m.id = sqlite3_column_int64(st, 0);
    m.version = sqlite3_column_int64(st, 1);
    for (int i = 0; i < MF_COUNT; i++)
        m.f[i] = field_from_col(st, 2 + i);
    m.district_bn = db_col_str(st, 2 + MF_COUNT);
    m.division_en = db_col_str(st, 3 + MF_COUNT);
    m.division_bn = db_col_str(st, 4 + MF_COUNT);
    m.updated_at = db_col_str(st, 5 + MF_COUNT);
    m.updated_by = db_col_str(st, 6 + MF_COUNT);
    m.source = db_col_str(st, 7 + MF_COUNT);
    db_done(st);
    muni_free(out);
    *out = m;
    return DB_OK;
}

static const char sql_district_find[] =
    "SELECT id FROM district WHERE name_en = ?1 COLLATE NOCASE OR alt_name_en = ?1 COLLATE NOCASE"
    " OR name_bn = ?1 ORDER BY name_en = ?1 COLLATE NOCASE DESC, id LIMIT 1";

/* District by English name, alternative spelling or Bengali name (NFC,
 * case-insensitive for Latin letters). */
static int find_district(struct db *db, const char *name, long long *id, char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql_district_find, err);
    int rc;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    db_done(st);
    if (rc == SQLITE_ROW)
        return DB_OK;
    if (rc == SQLITE_DONE)
        return DB_NOTFOUND;
    return db_fail(db, rc, err);
}

int db_district_lookup(struct db *db, const char *name, long long *id, char **err)
{
    char *clean = text_clean(name != NULL ? name : "");
    int rc;

    *id = 0;
    rc = find_district(db, clean, id, err);
    if (rc == DB_NOTFOUND)
        rc = db_err(err, DB_NOTFOUND, _("no district called \"%s\""), clean);
    free(clean);
    return rc;
}

static const char sql_json[] =
    "SELECT json_object('id', m.id, 'kind', m.kind, 'name_en', m.name_en, 'name_bn', m.name_bn,"
    " 'class', m.class, 'district', d.name_en, 'established', m.established, 'wards', m.wards,"
    " 'population', m.population, 'area', m.area, 'mayor_en', m.mayor_en, 'mayor_bn',"
    " m.mayor_bn, 'phone', m.phone, 'email', m.email, 'website', m.website, 'address',"
    " m.address, 'notes', m.notes, 'source', m.source, 'version', m.version, 'updated_at',"
    " m.updated_at, 'updated_by', m.updated_by)"
    " FROM municipality m JOIN district d ON d.id = m.district_id WHERE m.id = ?1";

/* The record as JSON; DB_NOTFOUND (no message) when there is none. */
static int record_json(struct db *db, long long id, char **json, char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql_json, err);
    int rc;

    *json = NULL;
    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *json = db_col_str(st, 0);
    db_done(st);
    if (rc == SQLITE_ROW)
        return DB_OK;
    return rc == SQLITE_DONE ? DB_NOTFOUND : db_fail(db, rc, err);
}

static const char sql_insert[] =
    "INSERT INTO municipality(kind, name_en, name_bn, class, district_id, established, wards,"
    " population, area, mayor_en, mayor_bn, phone, email, website, address, notes, source,"
    " version, updated_at, updated_by)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, 1,"
    " " NOW_SQL ", ?18)";

static const char sql_update[] =
    "UPDATE municipality SET kind = ?1, name_en = ?2, name_bn = ?3, class = ?4,"
    " district_id = ?5, established = ?6, wards = ?7, population = ?8, area = ?9,"
    " mayor_en = ?10, mayor_bn = ?11, phone = ?12, email = ?13, website = ?14, address = ?15,"
    " notes = ?16, version = version + 1, updated_at = " NOW_SQL ", updated_by = ?18"
    " WHERE id = ?19 AND version = ?20";

static const char sql_delete[] = "DELETE FROM municipality WHERE id = ?1 AND version = ?2";
static const char sql_version[] = "SELECT version FROM municipality WHERE id = ?1";

/* Field values as columns: "" is NULL (unknown), numbers as numbers. */
static void bind_fields(struct db *db, sqlite3_stmt *st, const struct municipality *c,
                        long long district_id)
{
    for (int i = 0; i < MF_COUNT; i++) {
        const char *v = c->f[i];

        if (i == MF_DISTRICT) {
            sqlite3_bind_int64(st, i + 1, district_id);
            continue;
        }
        if (*v == '\0') {
            sqlite3_bind_null(st, i + 1);
            continue;
        }
        switch (muni_fields[i].type) {
        case FT_YEAR:
        case FT_INT:
            sqlite3_bind_int64(st, i + 1, strtoll(v, NULL, 10));
            break;
        case FT_REAL:
            sqlite3_bind_double(st, i + 1, strtod(v, NULL));
            break;
        default:
            sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT);
            break;
        }
    }
    sqlite3_bind_text(st, 18, db->s.user, -1, SQLITE_TRANSIENT);
}

/*
 * Insert (c->id == 0) or update (WHERE id AND version = c->version) one
 * cleaned, validated record and append its audit row.  Inside a
 * transaction.  DB_NOTFOUND / DB_CONFLICT come back without a message.
 */
static int write_one(struct db *db, const struct municipality *c, long long district_id,
                     const char *action, long long *id, char **err)
{
    sqlite3_stmt *st;
    char *before = NULL, *after = NULL;
    int rc;

    if (c->id != 0 && (rc = record_json(db, c->id, &before, err)) != DB_OK)
        return rc;
    st = db_stmt(db, c->id == 0 ? sql_insert : sql_update, err);
    if (st == NULL) {
        free(before);
        return DB_ERROR;
    }
    bind_fields(db, st, c, district_id);
    if (c->id == 0) {
        if (c->source != NULL && *c->source != '\0')
            sqlite3_bind_text(st, 17, c->source, -1, SQLITE_TRANSIENT);
    } else {
        sqlite3_bind_int64(st, 19, c->id);
        sqlite3_bind_int64(st, 20, c->version);
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
    rc = record_json(db, *id, &after, err);
    if (rc == DB_OK)
        rc = db_audit_add(db, action, "municipality", *id, before, after, err);
    else if (rc == DB_NOTFOUND)
        rc = db_err(err, DB_ERROR, "%s", _("the record vanished while it was being saved"));
    free(before);
    free(after);
    return rc;
}

/* A copy with every field NFC and trimmed, as every input path stores. */
static void clean_copy(struct municipality *dst, const struct municipality *src)
{
    muni_init(dst);
    dst->id = src->id;
    dst->version = src->version;
    for (int i = 0; i < MF_COUNT; i++) {
        free(dst->f[i]);
        dst->f[i] = text_clean(src->f[i] != NULL ? src->f[i] : "");
    }
    if (src->source != NULL)
        dst->source = text_clean(src->source);
}

int db_muni_save(struct db *db, struct municipality *m, struct municipality *theirs,
                 enum muni_field *bad, char **err)
{
    struct municipality c, now;
    char msg[256];
    enum muni_field f;
    long long district_id = 0, id = 0;
    int creating = m->id == 0, rc;

    if (creating && !auth_allowed(&db->s, AUTH_CREATE_MUNICIPALITY, 0))
        return db_err(err, DB_DENIED, "%s", _("you may not add municipalities"));
    if (!creating && !auth_allowed(&db->s, AUTH_EDIT_MUNICIPALITY, m->id))
        return db_err(err, DB_DENIED, "%s", _("you may not edit this municipality"));
    clean_copy(&c, m);
    if (muni_validate(&c, &f, msg, sizeof msg) != 0) {
        if (bad != NULL)
            *bad = f;
        muni_free(&c);
        return db_err(err, DB_INVALID, "%s: %s", _(muni_fields[f].label), msg);
    }
    rc = find_district(db, c.f[MF_DISTRICT], &district_id, err);
    if (rc == DB_NOTFOUND) {
        if (bad != NULL)
            *bad = MF_DISTRICT;
        rc = db_err(err, DB_INVALID, _("%s: no district called \"%s\""),
                    _(muni_fields[MF_DISTRICT].label), c.f[MF_DISTRICT]);
    }
    if (rc == DB_OK)
        rc = db_begin(db, err);
    if (rc != DB_OK) {
        muni_free(&c);
        return rc;
    }
    rc = write_one(db, &c, district_id, creating ? "create" : "update", &id, err);
    muni_free(&c);
    if (rc == DB_OK)
        rc = db_commit(db, err);
    else
        db_rollback(db);
    if (rc == DB_CONFLICT || rc == DB_NOTFOUND) {
        muni_init(&now);
        if (db_muni_get(db, m->id, &now, NULL) != DB_OK) {
            muni_free(&now);
            return db_err(err, DB_NOTFOUND, "%s",
                          _("someone else deleted this municipality in the meantime"));
        }
        rc = db_err(err, DB_CONFLICT, _("someone else saved this municipality first (by %s at %s)"),
                    now.updated_by, now.updated_at);
        if (theirs != NULL) {
            muni_free(theirs);
            *theirs = now;
        } else {
            muni_free(&now);
        }
        return rc;
    }
    if (rc != DB_OK)
        return rc;
    /* Hand back the record as stored: id, version, normalised values. */
    muni_init(&now);
    if (db_muni_get(db, id, &now, NULL) == DB_OK) {
        muni_free(m);
        *m = now;
    } else {
        muni_free(&now);
        m->id = id;
    }
    return DB_OK;
}

int db_muni_delete(struct db *db, long long id, long long version, char **err)
{
    sqlite3_stmt *st;
    char *before = NULL;
    int rc;

    if (!auth_allowed(&db->s, AUTH_DELETE_MUNICIPALITY, id))
        return db_err(err, DB_DENIED, "%s", _("only an administrator may delete a municipality"));
    if ((rc = db_begin(db, err)) != DB_OK)
        return rc;
    rc = record_json(db, id, &before, err);
    if (rc == DB_NOTFOUND)
        rc = db_err(err, DB_NOTFOUND, _("no municipality with id %lld"), id);
    if (rc == DB_OK) {
        if ((st = db_stmt(db, sql_delete, err)) == NULL) {
            rc = DB_ERROR;
        } else {
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_int64(st, 2, version);
            rc = sqlite3_step(st);
            db_done(st);
            if (rc != SQLITE_DONE)
                rc = db_fail(db, rc, err);
            else if (sqlite3_changes(db->h) == 0)
                rc = db_err(err, DB_CONFLICT, "%s",
                            _("someone else changed this municipality; look at it again "
                              "before deleting"));
            else
                rc = db_audit_add(db, "delete", "municipality", id, before, NULL, err);
        }
    }
    free(before);
    if (rc == DB_OK)
        return db_commit(db, err);
    db_rollback(db);
    return rc;
}

/* --- import ---------------------------------------------------------------------- */

struct errlist {
    struct row_error *v;
    int n, cap;
};

/* District names already resolved in this import (files repeat them). */
struct district_memo {
    char **name;
    long long *id; /* 0: no such district */
    int n, cap;
};

static int memo_district(struct db *db, struct district_memo *memo, const char *name, long long *id,
                         char **err)
{
    int rc;

    for (int i = 0; i < memo->n; i++) {
        if (strcmp(memo->name[i], name) == 0) {
            *id = memo->id[i];
            return *id != 0 ? DB_OK : DB_NOTFOUND;
        }
    }
    *id = 0;
    rc = find_district(db, name, id, err);
    if (rc != DB_OK && rc != DB_NOTFOUND)
        return rc;
    if (memo->n == memo->cap) {
        memo->cap = memo->cap ? memo->cap * 2 : 32;
        memo->name = xreallocarray(memo->name, (size_t)memo->cap, sizeof *memo->name);
        memo->id = xreallocarray(memo->id, (size_t)memo->cap, sizeof *memo->id);
    }
    memo->name[memo->n] = xstrdup(name);
    memo->id[memo->n] = rc == DB_OK ? *id : 0;
    memo->n++;
    return rc;
}

static void memo_free(struct district_memo *memo)
{
    for (int i = 0; i < memo->n; i++)
        free(memo->name[i]);
    free(memo->name);
    free(memo->id);
}

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

/* The current version of a record, 0 when there is none. */
static int current_version(struct db *db, long long id, long long *version, char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql_version, err);
    int rc;

    *version = 0;
    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int64(st, 0);
    db_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK : db_fail(db, rc, err);
}

/*
 * Check and write one import row.  Problems a person can fix go to l; the
 * return value is not DB_OK only for failures that end the whole import
 * (busy database, I/O).
 */
static int import_row(struct db *db, const struct municipality *row, int i, struct errlist *l,
                      struct district_memo *memo, char **err)
{
    struct municipality c;
    char msg[256];
    long long district_id = 0, current = 0, id;
    int ok = 1, rc = DB_OK;

    clean_copy(&c, row);
    for (int f = 0; f < MF_COUNT; f++) {
        if (muni_check_field((enum muni_field)f, c.f[f], msg, sizeof msg) != NULL) {
            errlist_add(l, i, f, xstrdup(msg));
            ok = 0;
        }
    }
    if (*c.f[MF_DISTRICT] != '\0') {
        rc = memo_district(db, memo, c.f[MF_DISTRICT], &district_id, err);
        if (rc == DB_NOTFOUND) {
            errlist_add(l, i, MF_DISTRICT,
                        xasprintf(_("no district called \"%s\""), c.f[MF_DISTRICT]));
            ok = 0;
            rc = DB_OK;
        }
    }
    if (rc == DB_OK && c.id != 0) {
        rc = current_version(db, c.id, &current, err);
        if (rc == DB_OK && current == 0) {
            errlist_add(l, i, -1, xasprintf(_("no municipality with id %lld"), c.id));
            ok = 0;
        } else if (rc == DB_OK && c.version != 0 && c.version != current) {
            errlist_add(l, i, -1,
                        xasprintf(_("record %lld was changed since it was exported "
                                    "(version %lld, now %lld)"),
                                  c.id, c.version, current));
            ok = 0;
        }
        c.version = current;
    }
    if (rc == DB_OK && ok) {
        char *why = NULL;

        rc = write_one(db, &c, district_id, "import", &id, &why);
        if (rc == DB_OK)
            rc = db_search_pending(db, id, &why);
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
    }
    muni_free(&c);
    return rc;
}

int db_muni_import(struct db *db, struct municipality *rows, int n, int dry_run,
                   struct row_error **errs, int *nerrs, char **err)
{
    struct errlist l = {0};
    struct district_memo memo = {0};
    int rc;

    *errs = NULL;
    *nerrs = 0;
    if (!auth_allowed(&db->s, AUTH_IMPORT_MUNICIPALITIES, 0))
        return db_err(err, DB_DENIED, "%s", _("you may not import municipalities"));
    if ((rc = db_begin(db, err)) != DB_OK)
        return rc;
    rc = db_search_defer(db, err);
    for (int i = 0; i < n && rc == DB_OK; i++)
        rc = import_row(db, &rows[i], i, &l, &memo, err);
    memo_free(&memo);
    /* Indexed even for a dry run: a problem there must show now too. */
    if (rc == DB_OK && l.n == 0)
        rc = db_search_sync(db, err);
    if (rc == DB_OK && l.n > 0)
        rc = db_err(err, DB_INVALID,
                    ngettext("%d problem found; nothing was imported",
                             "%d problems found; nothing was imported", (unsigned long)l.n),
                    l.n);
    if (rc == DB_OK && !dry_run)
        rc = db_commit(db, err);
    else
        db_rollback(db);
    *errs = l.v;
    *nerrs = l.n;
    return rc;
}

void row_errors_free(struct row_error *errs, int n)
{
    for (int i = 0; i < n; i++)
        free(errs[i].msg);
    free(errs);
}
