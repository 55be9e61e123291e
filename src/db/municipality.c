/*
 * municipality.c: the directory's records: search and paged lists, load,
 * save with optimistic locking, delete, and all-or-nothing import.
 *
 * Every write here asks auth_allowed() first, validates with
 * muni_validate(), writes, and appends its audit row (before and after as
 * JSON built by SQLite's json_object) in the same transaction.  Values are
 * always bound; the only SQL text assembled at run time is made of the fixed
 * fragments below (sort orders) and, for an import, the page cache size
 * read back from SQLite itself, never of anything a person typed.
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
    long long v;
    int rc = db_one(db, bind_list(db, q, 1, err), &v, NULL, err);

    *n = (int)v;
    /* A count always yields its row. */
    return rc == DB_NOTFOUND ? db_fail(db, SQLITE_DONE, err) : rc;
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

/* The audit log's picture of a record: the same keys, in the same order,
 * for one record and for the records a many-row import INSERT added (m is
 * the table alias with its dot, district the district's name). */
#define RECORD_JSON(m, district)                                                                   \
    "json_object('id', " m "id, 'kind', " m "kind, 'name_en', " m "name_en, 'name_bn', " m         \
    "name_bn, 'class', " m "class, 'district', " district ", 'established', " m                    \
    "established, 'wards', " m "wards, 'population', " m "population, 'area', " m                  \
    "area, 'mayor_en', " m "mayor_en, 'mayor_bn', " m "mayor_bn, 'phone', " m "phone, 'email', " m \
    "email, 'website', " m "website, 'address', " m "address, 'notes', " m "notes, 'source', " m   \
    "source, 'version', " m "version, 'updated_at', " m "updated_at, 'updated_by', " m             \
    "updated_by)"

static const char sql_json[] = "SELECT " RECORD_JSON(
    "m.", "d.name_en") " FROM municipality m"
                       " JOIN district d ON d.id = m.district_id WHERE m.id = ?1";

/* The record as JSON; DB_NOTFOUND (no message) when there is none. */
static int record_json(struct db *db, long long id, char **json, char **err)
{
    return db_one_id(db, sql_json, id, NULL, json, err);
}

#define INSERT_INTO                                                                                \
    "INSERT INTO municipality(kind, name_en, name_bn, class, district_id, established, wards,"     \
    " population, area, mayor_en, mayor_bn, phone, email, website, address, notes, source,"        \
    " version, updated_at, updated_by) VALUES "

static const char sql_insert[] =
    INSERT_INTO "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, 1,"
                " " NOW_SQL ", ?18)";

static const char sql_update[] =
    "UPDATE municipality SET kind = ?1, name_en = ?2, name_bn = ?3, class = ?4,"
    " district_id = ?5, established = ?6, wards = ?7, population = ?8, area = ?9,"
    " mayor_en = ?10, mayor_bn = ?11, phone = ?12, email = ?13, website = ?14, address = ?15,"
    " notes = ?16, version = version + 1, updated_at = " NOW_SQL ", updated_by = ?18"
    " WHERE id = ?19 AND version = ?20";

static const char sql_delete[] = "DELETE FROM municipality WHERE id = ?1 AND version = ?2";
static const char sql_version[] = "SELECT version FROM municipality WHERE id = ?1";
static const char sql_max_id[] = "SELECT coalesce(max(id), 0) FROM municipality";
/* The records an import's many-row INSERT added: every id above the
 * largest before it (new ids count up from there), in the order added. */
static const char sql_added_json[] = "SELECT m.id, " RECORD_JSON(
    "m.", "d.name_en") " FROM municipality m"
                       " JOIN district d ON d.id = m.district_id WHERE m.id > ?1 ORDER BY m.id";
/* Their audit rows in one statement: the row db_audit_add() appends
 * (when: now, UTC; who: the session's user; no before; after: the record
 * as stored), one per record, in the order they were added. */
static const char sql_added_audit[] =
    "INSERT INTO audit(at, user, action, record_kind, record_id, before, after)"
    " SELECT " NOW_SQL ", ?2, 'import', 'municipality', m.id, NULL, " RECORD_JSON(
        "m.", "d.name_en") " FROM municipality m JOIN district d ON d.id = m.district_id"
                           " WHERE m.id > ?1 ORDER BY m.id";
static const char sql_added_ids[] = "SELECT id FROM municipality WHERE id > ?1 ORDER BY id";

/* Field values as columns: "" is NULL (unknown), numbers as numbers.
 * Parameters base + 1 .. base + MF_COUNT are the fields, base + 18 the user
 * (base is not 0 for the later rows of a many-row INSERT).  Text is bound
 * without a copy (SQLITE_STATIC): c and the session outlive the step. */
static void bind_fields(struct db *db, sqlite3_stmt *st, int base, const struct municipality *c,
                        long long district_id)
{
    for (int i = 0; i < MF_COUNT; i++) {
        const char *v = c->f[i];
        int p = base + i + 1;

        if (i == MF_DISTRICT) {
            sqlite3_bind_int64(st, p, district_id);
            continue;
        }
        if (*v == '\0') {
            sqlite3_bind_null(st, p);
            continue;
        }
        switch (muni_fields[i].type) {
        case FT_YEAR:
        case FT_INT:
            sqlite3_bind_int64(st, p, strtoll(v, NULL, 10));
            break;
        case FT_REAL:
            sqlite3_bind_double(st, p, strtod(v, NULL));
            break;
        default:
            sqlite3_bind_text(st, p, v, -1, SQLITE_STATIC);
            break;
        }
    }
    sqlite3_bind_text(st, base + 18, db->s.user, -1, SQLITE_STATIC);
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
    bind_fields(db, st, 0, c, district_id);
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
    memset(dst, 0, sizeof *dst);
    dst->id = src->id;
    dst->version = src->version;
    for (int i = 0; i < MF_COUNT; i++)
        dst->f[i] = text_clean(src->f[i] != NULL ? src->f[i] : "");
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

/*
 * An import runs in two passes inside its one transaction.  The first
 * checks every row (fields, district, id and version) and writes nothing;
 * only when no row has a problem does the second write them all, with one
 * audit row each, and index them for search in one statement at the end.
 * A file with a mistake on its first line is therefore rejected without a
 * single write, and every problem in it is still reported: the checks of
 * the first pass are the database's own rules (muni_check_field() mirrors
 * the table's CHECK constraints, the district and version checks its
 * foreign key and optimistic lock), and anything the writes still refuse
 * is reported by the second pass, row by row.
 */

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

/* A row after the first pass: cleaned, its district found, its version
 * that of the record it updates. */
struct checked_row {
    struct municipality c;
    long long district_id;
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
    int rc = db_one_id(db, sql_version, id, version, NULL, err);

    return rc == DB_NOTFOUND ? DB_OK : rc;
}

/*
 * First pass, one row: clean it into out and check it.  Problems a person
 * can fix go to l; the return value is not DB_OK only for failures that
 * end the whole import (busy database, I/O).
 */
static int check_row(struct db *db, const struct municipality *row, int i, struct checked_row *out,
                     struct errlist *l, struct district_memo *memo, struct version_memo *vm,
                     char **err)
{
    struct municipality *c = &out->c;
    char msg[256];
    long long current = 0;
    int ok = 1, rc = DB_OK;

    clean_copy(c, row);
    out->district_id = 0;
    for (int f = 0; f < MF_COUNT; f++) {
        if (muni_check_field((enum muni_field)f, c->f[f], msg, sizeof msg) != NULL) {
            errlist_add(l, i, f, xstrdup(msg));
            ok = 0;
        }
    }
    if (*c->f[MF_DISTRICT] != '\0') {
        rc = memo_district(db, memo, c->f[MF_DISTRICT], &out->district_id, err);
        if (rc == DB_NOTFOUND) {
            errlist_add(l, i, MF_DISTRICT,
                        xasprintf(_("no district called \"%s\""), c->f[MF_DISTRICT]));
            ok = 0;
            rc = DB_OK;
        }
    }
    if (rc == DB_OK && c->id != 0) {
        if (!vm_get(vm, c->id, &current))
            rc = current_version(db, c->id, &current, err);
        if (rc == DB_OK && current == 0) {
            errlist_add(l, i, -1, xasprintf(_("no municipality with id %lld"), c->id));
            ok = 0;
        } else if (rc == DB_OK && c->version != 0 && c->version != current) {
            errlist_add(l, i, -1,
                        xasprintf(_("record %lld was changed since it was exported "
                                    "(version %lld, now %lld)"),
                                  c->id, c->version, current));
            ok = 0;
        }
        c->version = current;
        if (rc == DB_OK && ok)
            vm_put(vm, c->id, current + 1);
    }
    return rc;
}

/* Second pass, one row that passed the first: write it, audit it and note
 * it for the search index. */
static int write_row(struct db *db, const struct checked_row *r, int i, struct errlist *l,
                     char **err)
{
    char *why = NULL;
    long long id = 0;
    int rc;

    rc = write_one(db, &r->c, r->district_id, "import", &id, &why);
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
    return rc;
}

/*
 * The page cache for the length of an import: every page the transaction
 * dirties (records, audit rows, indexes, the search index) then stays in
 * memory until the commit writes it once, instead of being spilled to the
 * WAL and read back again and again (SQLite's default is 2 MiB, a few
 * thousand rows' worth).  Only the pages used are allocated.  *old gets the
 * setting to restore (0: leave it).
 */
#define IMPORT_CACHE_KIB 65536
#define IMPORT_CACHE_SQL "PRAGMA cache_size = -65536" /* -IMPORT_CACHE_KIB */

static void cache_widen(struct db *db, int *old)
{
    sqlite3_stmt *st;

    *old = 0;
    if (sqlite3_prepare_v2(db->h, "PRAGMA cache_size", -1, &st, NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(st) == SQLITE_ROW)
        *old = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    /* Negative: KiB; positive: pages.  Only ever made larger. */
    if (*old == 0 || (*old < 0 && -*old >= IMPORT_CACHE_KIB) || (*old > 0 && *old >= 16384)) {
        *old = 0;
        return;
    }
    if (sqlite3_exec(db->h, IMPORT_CACHE_SQL, NULL, NULL, NULL) != SQLITE_OK)
        *old = 0;
}

static void cache_restore(struct db *db, int old)
{
    char sql[64];

    if (old == 0)
        return;
    /* A number read back from SQLite above, not text from a person. */
    snprintf(sql, sizeof sql, "PRAGMA cache_size = %d", old);
    sqlite3_exec(db->h, sql, NULL, NULL, NULL);
}

/*
 * New records are added IMPORT_BATCH at a time with one many-row INSERT
 * (parameters IMPORT_PARAMS per row, in sql_insert's order): one statement
 * instead of one per record is where most of an INSERT's cost goes (the
 * statement journal, the triggers' set-up), and the rows do exactly what
 * sql_insert does.  Their audit rows and search-index notes follow, one
 * per record, in file order.  Should such an INSERT be refused, nothing of
 * it stays and its rows are written one by one, so that each refusal is
 * reported against its own row.
 */
#define IMPORT_BATCH 64
#define IMPORT_PARAMS 18

struct batch {
    sqlite3_stmt *by_size[IMPORT_BATCH + 1]; /* prepared on first use */
    int rows[IMPORT_BATCH];                  /* indexes into the checked rows */
    int n;
};

static sqlite3_stmt *batch_stmt(struct db *db, struct batch *bt, int k, char **err)
{
    struct buf b = {0};

    if (bt->by_size[k] != NULL)
        return bt->by_size[k];
    buf_adds(&b, INSERT_INTO);
    for (int r = 0; r < k; r++) {
        int p = r * IMPORT_PARAMS;

        buf_adds(&b, r > 0 ? ", (" : "(");
        for (int i = 1; i < IMPORT_PARAMS; i++)
            buf_printf(&b, "?%d, ", p + i);
        buf_adds(&b, "1, " NOW_SQL ", ");
        buf_printf(&b, "?%d)", p + IMPORT_PARAMS);
    }
    bt->by_size[k] = prepare(db, b.data, err);
    buf_free(&b);
    return bt->by_size[k];
}

static void batch_free(struct batch *bt)
{
    for (int k = 0; k <= IMPORT_BATCH; k++)
        sqlite3_finalize(bt->by_size[k]);
}

static int max_id(struct db *db, long long *id, char **err)
{
    int rc = db_one(db, db_stmt(db, sql_max_id, err), id, NULL, err);

    /* max() always yields its row. */
    return rc == DB_NOTFOUND ? db_fail(db, SQLITE_DONE, err) : rc;
}

/* One audit row and one search-index note per record the batch added. */
static int batch_audit(struct db *db, const struct batch *bt, long long above, struct errlist *l,
                       char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql_added_json, err);
    int got = 0, rc;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, above);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && got < bt->n) {
        long long id = sqlite3_column_int64(st, 0);
        const char *after = (const char *)sqlite3_column_text(st, 1);
        char *why = NULL;
        int w = db_audit_add(db, "import", "municipality", id, NULL, after, &why);

        if (w == DB_OK)
            w = db_search_pending(db, id, &why);
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

/*
 * The usual case: all the batch's audit rows with one statement, then its
 * search-index notes.  Should the audit statement be refused (it undoes
 * itself), batch_audit() goes record by record to say which.
 */
static int batch_audit_all(struct db *db, const struct batch *bt, long long above,
                           struct errlist *l, char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql_added_audit, err);
    char *why = NULL;
    int rc, status, got = 0;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, above);
    sqlite3_bind_text(st, 2, db->s.user, -1, SQLITE_TRANSIENT);
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
    if ((st = db_stmt(db, sql_added_ids, err)) == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, above);
    rc = DB_OK;
    while (rc == DB_OK && (status = sqlite3_step(st)) == SQLITE_ROW) {
        rc = db_search_pending(db, sqlite3_column_int64(st, 0), err);
        got++;
    }
    db_done(st);
    if (rc == DB_OK && status != SQLITE_DONE)
        rc = db_fail(db, status, err);
    if (rc == DB_OK && got != bt->n)
        rc = db_err(err, DB_ERROR, "%s", _("the record vanished while it was being saved"));
    return rc;
}

static int write_row(struct db *db, const struct checked_row *r, int i, struct errlist *l,
                     char **err);

/* Add the new records gathered in bt (then empty). */
static int batch_flush(struct db *db, struct batch *bt, const struct checked_row *checked,
                       struct errlist *l, char **err)
{
    sqlite3_stmt *st;
    long long above = 0;
    char *why = NULL;
    int k = bt->n, rc, status;

    if (k == 0)
        return DB_OK;
    if (k == 1) {
        bt->n = 0;
        return write_row(db, &checked[bt->rows[0]], bt->rows[0], l, err);
    }
    if ((st = batch_stmt(db, bt, k, err)) == NULL || (rc = max_id(db, &above, err)) != DB_OK) {
        bt->n = 0;
        return st == NULL ? DB_ERROR : rc;
    }
    for (int r = 0; r < k; r++) {
        const struct checked_row *c = &checked[bt->rows[r]];

        bind_fields(db, st, r * IMPORT_PARAMS, &c->c, c->district_id);
        if (c->c.source != NULL && *c->c.source != '\0')
            sqlite3_bind_text(st, r * IMPORT_PARAMS + 17, c->c.source, -1, SQLITE_TRANSIENT);
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
    bt->n = 0;
    return rc;
}

/* Second pass: every row, in file order; new records in batches (as many
 * rows as SQLite's limit on parameters allows, at most IMPORT_BATCH). */
static int write_rows(struct db *db, const struct checked_row *checked, int n, struct errlist *l,
                      char **err)
{
    struct batch bt;
    int rc = DB_OK, most = sqlite3_limit(db->h, SQLITE_LIMIT_VARIABLE_NUMBER, -1) / IMPORT_PARAMS;

    if (most > IMPORT_BATCH)
        most = IMPORT_BATCH;
    if (most < 1)
        most = 1;
    memset(&bt, 0, sizeof bt);
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
    batch_free(&bt);
    return rc;
}

int db_muni_import(struct db *db, struct municipality *rows, int n, int dry_run,
                   struct row_error **errs, int *nerrs, char **err)
{
    struct errlist l = {0};
    struct district_memo memo = {0};
    struct version_memo vm = {0};
    struct checked_row *checked;
    int rc, done = 0, old_cache = 0;

    *errs = NULL;
    *nerrs = 0;
    if (!auth_allowed(&db->s, AUTH_IMPORT_MUNICIPALITIES, 0))
        return db_err(err, DB_DENIED, "%s", _("you may not import municipalities"));
    if ((rc = db_begin(db, err)) != DB_OK)
        return rc;
    checked = xcalloc(n > 0 ? (size_t)n : 1, sizeof *checked);
    for (; done < n && rc == DB_OK; done++)
        rc = check_row(db, &rows[done], done, &checked[done], &l, &memo, &vm, err);
    memo_free(&memo);
    free(vm.id);
    free(vm.version);
    if (rc == DB_OK && l.n == 0) {
        cache_widen(db, &old_cache);
        rc = db_search_defer(db, err);
        if (rc == DB_OK)
            rc = write_rows(db, checked, n, &l, err);
        /* Indexed even for a dry run: a problem there must show now too. */
        if (rc == DB_OK && l.n == 0)
            rc = db_search_sync(db, err);
    }
    for (int i = 0; i < done; i++)
        muni_free(&checked[i].c);
    free(checked);
    if (rc == DB_OK && l.n > 0)
        rc = db_err(err, DB_INVALID,
                    ngettext("%d problem found; nothing was imported",
                             "%d problems found; nothing was imported", (unsigned long)l.n),
                    l.n);
    if (rc == DB_OK && !dry_run)
        rc = db_commit(db, err);
    else
        db_rollback(db);
    cache_restore(db, old_cache);
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
