/*
 * seed.c: the data compiled into the binary (data/, see src/seed.h) loaded
 * into a new database, inside the transaction of the migration that
 * created the tables: 8 divisions, 64 districts, 12 city corporations,
 * 330 paurashavas and the About pages.
 *
 * Every value is normalised to NFC on the way in (the files hold both
 * precomposed and decomposed Bengali).  Each row keeps its sources.  A seed
 * row that cannot be placed (unknown district, malformed file) is a bug in
 * data/, not something a person can cause, so it is fatal().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/internal.h"
#include "fmt/csv.h"
#include "i18n.h"
#include "seed.h"
#include "text.h"
#include "util.h"

/*
 * Older English spellings of districts that the seed files themselves use
 * (city_corporations.csv: "Chittagong City Corporation", "Comilla City
 * Corporation", "Barishal City Corporation"; divisions.csv alt_name_en), so
 * that imports written with them find their district.
 */
static const struct {
    const char *name_en;
    const char *alt_name_en;
} district_alts[] = {
    {"Chattogram", "Chittagong"},
    {"Cumilla", "Comilla"},
    {"Barisal", "Barishal"},
};

/* One seed CSV file with its header, read record by record. */
struct table {
    const char *file;
    struct csv_reader *r;
    char **head;
    size_t nhead;
    char **f;
    size_t nf;
    long line;
};

static void table_open(struct table *t, const char *file, const char *data)
{
    char *err = NULL;
    char **f;
    size_t nf;
    long line;

    memset(t, 0, sizeof *t);
    t->file = file;
    t->r = csv_reader_mem(file, data, strlen(data));
    if (csv_reader_next(t->r, &f, &nf, &line, &err) != 1)
        fatal("seed %s: no header (%s)", file, err != NULL ? err : "empty");
    t->head = xcalloc(nf, sizeof *t->head);
    for (size_t i = 0; i < nf; i++)
        t->head[i] = xstrdup(f[i]);
    t->nhead = nf;
}

static int table_next(struct table *t)
{
    char *err = NULL;
    int rc = csv_reader_next(t->r, &t->f, &t->nf, &t->line, &err);

    if (rc < 0)
        fatal("seed: %s", err != NULL ? err : t->file);
    return rc;
}

/* The named column of the current record, as stored (NFC, trimmed);
 * malloc'd.  A missing column is a bug in data/. */
static char *get(const struct table *t, const char *name)
{
    for (size_t i = 0; i < t->nhead; i++) {
        if (strcmp(t->head[i], name) == 0) {
            if (i >= t->nf)
                fatal("seed %s:%ld: no field %s", t->file, t->line, name);
            return text_clean(t->f[i]);
        }
    }
    fatal("seed %s: no column %s", t->file, name);
}

static void table_close(struct table *t)
{
    for (size_t i = 0; i < t->nhead; i++)
        free(t->head[i]);
    free(t->head);
    csv_reader_free(t->r);
}

static sqlite3_stmt *prep(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st;

    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
        fatal("seed: %s: %s", sqlite3_errmsg(h), sql);
    return st;
}

/* Bind a string, "" as NULL; takes ownership of s. */
static void bind_own(sqlite3_stmt *st, int i, char *s)
{
    if (s == NULL || *s == '\0')
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    free(s);
}

/* Step an INSERT; a failure here is reported, not fatal (disk full...). */
static int step(sqlite3 *h, sqlite3_stmt *st, const struct table *t, char **err)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc == SQLITE_DONE)
        return DB_OK;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        fatal("seed %s:%ld: %s", t != NULL ? t->file : "?", t != NULL ? t->line : 0L,
              sqlite3_errmsg(h));
    return db_err(err, DB_ERROR, _("loading the seed data: %s"), sqlite3_errmsg(h));
}

static long long lookup_id(sqlite3 *h, const char *sql, const char *value)
{
    sqlite3_stmt *st = prep(h, sql);
    long long id = 0;

    sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

long long db_seed_district(sqlite3 *h, const char *name_en, const char *name_bn, const char *where)
{
    char *en = text_clean(name_en != NULL ? name_en : "");
    char *bn = text_clean(name_bn != NULL ? name_bn : "");
    long long by_en = 0, by_bn = 0;

    if (*en != '\0')
        by_en = lookup_id(h,
                          "SELECT id FROM district WHERE name_en = ?1 COLLATE NOCASE"
                          " OR alt_name_en = ?1 COLLATE NOCASE"
                          " ORDER BY name_en = ?1 COLLATE NOCASE DESC LIMIT 1",
                          en);
    if (*bn != '\0')
        by_bn = lookup_id(h, "SELECT id FROM district WHERE name_bn = ?1 LIMIT 1", bn);
    if ((by_en == 0 && by_bn == 0) || (by_en != 0 && by_bn != 0 && by_en != by_bn))
        fatal("seed %s: cannot place district \"%s\" / \"%s\"", where, en, bn);
    free(en);
    free(bn);
    return by_en != 0 ? by_en : by_bn;
}

static int load_divisions(sqlite3 *h, char **err)
{
    struct table t;
    sqlite3_stmt *st = prep(h, "INSERT INTO division(id, name_en, name_bn, alt_name_en, website,"
                               " source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    int rc = DB_OK;

    table_open(&t, "divisions.csv", seed_divisions_csv);
    while (rc == DB_OK && table_next(&t) == 1) {
        char *id = get(&t, "division_id");

        sqlite3_bind_int64(st, 1, strtoll(id, NULL, 10));
        free(id);
        bind_own(st, 2, get(&t, "name_en"));
        bind_own(st, 3, get(&t, "name_bn"));
        bind_own(st, 4, get(&t, "alt_name_en"));
        bind_own(st, 5, get(&t, "website"));
        bind_own(st, 6, get(&t, "source"));
        rc = step(h, st, &t, err);
    }
    table_close(&t);
    sqlite3_finalize(st);
    return rc;
}

static int load_districts(sqlite3 *h, char **err)
{
    struct table t;
    sqlite3_stmt *st =
        prep(h, "INSERT INTO district(id, division_id, name_en, name_bn, alt_name_en, lat, lon,"
                " website, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    int rc = DB_OK;

    table_open(&t, "districts.csv", seed_districts_csv);
    while (rc == DB_OK && table_next(&t) == 1) {
        char *id = get(&t, "district_id"), *div = get(&t, "division_id");
        char *name = get(&t, "name_en"), *lat = get(&t, "lat"), *lon = get(&t, "lon");
        char *alt = NULL, *source = get(&t, "source");

        sqlite3_bind_int64(st, 1, strtoll(id, NULL, 10));
        sqlite3_bind_int64(st, 2, strtoll(div, NULL, 10));
        for (size_t i = 0; i < nitems(district_alts); i++) {
            if (strcmp(district_alts[i].name_en, name) == 0) {
                alt = xstrdup(district_alts[i].alt_name_en);
                char *more = xasprintf("%s ; alt_name_en: spelling used in mabdesk's "
                                       "city_corporations.csv / divisions.csv",
                                       source);

                free(source);
                source = more;
            }
        }
        bind_own(st, 3, name);
        bind_own(st, 4, get(&t, "name_bn"));
        bind_own(st, 5, alt);
        if (*lat != '\0')
            sqlite3_bind_double(st, 6, strtod(lat, NULL));
        if (*lon != '\0')
            sqlite3_bind_double(st, 7, strtod(lon, NULL));
        bind_own(st, 8, get(&t, "website"));
        bind_own(st, 9, source);
        rc = step(h, st, &t, err);
        free(id);
        free(div);
        free(lat);
        free(lon);
    }
    table_close(&t);
    sqlite3_finalize(st);
    return rc;
}

static const char sql_muni[] =
    "INSERT INTO municipality(kind, name_en, name_bn, class, district_id, established, notes,"
    " source, version, updated_at, updated_by)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, strftime('%Y-%m-%dT%H:%M:%SZ','now'), 'seed')";

/* Append "label: value." to notes when value is not empty. */
static void note(struct buf *b, const char *label, const char *value)
{
    if (*value == '\0')
        return;
    if (b->len > 0)
        buf_addc(b, ' ');
    if (label != NULL)
        buf_printf(b, "%s: %s", label, value);
    else
        buf_adds(b, value);
    if (b->data[b->len - 1] != '.')
        buf_addc(b, '.');
}

/* A seed value must pass the same rules as typed ones. */
static void check(const struct table *t, enum muni_field f, const char *value)
{
    char msg[256];

    if (record_check_field(&kind_municipality, f, value, msg, sizeof msg) != NULL)
        fatal("seed %s:%ld: %s \"%s\": %s", t->file, t->line, kind_municipality.fields[f].key,
              value, msg);
}

static void bind_year(sqlite3_stmt *st, int i, const struct table *t, const char *value)
{
    char year[5];

    if (*value == '\0')
        return;
    snprintf(year, sizeof year, "%s", value); /* "2011-07-10" -> "2011" */
    check(t, MF_ESTABLISHED, year);
    sqlite3_bind_int64(st, i, strtoll(year, NULL, 10));
}

static int load_city_corporations(sqlite3 *h, char **err)
{
    struct table t;
    sqlite3_stmt *st = prep(h, sql_muni);
    int rc = DB_OK;

    table_open(&t, "city_corporations.csv", seed_city_corporations_csv);
    while (rc == DB_OK && table_next(&t) == 1) {
        char *name_en = get(&t, "name_en"), *name_bn = get(&t, "name_bn");
        char *d_en = get(&t, "district_en"), *d_bn = get(&t, "district_bn");
        char *est = get(&t, "established"), *est_src = get(&t, "established_source");
        char *abbr = get(&t, "abbreviation"), *city = get(&t, "city");
        char *alt_en = get(&t, "alt_name_en"), *alt_bn = get(&t, "alt_name_bn");
        char *source = get(&t, "source"), *where;
        struct buf notes = {0}, src = {0};

        check(&t, MF_NAME_EN, name_en);
        check(&t, MF_NAME_BN, name_bn);
        where = xasprintf("city_corporations.csv:%ld", t.line);
        sqlite3_bind_text(st, 1, "city_corporation", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, db_seed_district(h, d_en, d_bn, where));
        free(where);
        bind_own(st, 2, name_en);
        bind_own(st, 3, name_bn);
        bind_year(st, 6, &t, est);
        note(&notes, "Abbreviation", abbr);
        note(&notes, "City", city);
        note(&notes, "Also known as", alt_en);
        note(&notes, "Bengali name also spelled", alt_bn);
        if (strlen(est) > 4)
            note(&notes, "Established", est);
        buf_adds(&src, source);
        if (*est_src != '\0')
            buf_printf(&src, " | established: %s", est_src);
        bind_own(st, 7, buf_take(&notes));
        bind_own(st, 8, buf_take(&src));
        rc = step(h, st, &t, err);
        free(d_en);
        free(d_bn);
        free(est);
        free(est_src);
        free(abbr);
        free(city);
        free(alt_en);
        free(alt_bn);
        free(source);
    }
    table_close(&t);
    sqlite3_finalize(st);
    return rc;
}

static int load_paurashavas(sqlite3 *h, char **err)
{
    struct table t;
    sqlite3_stmt *st = prep(h, sql_muni);
    int rc = DB_OK;

    table_open(&t, "paurashavas.csv", seed_paurashavas_csv);
    while (rc == DB_OK && table_next(&t) == 1) {
        char *name_en = get(&t, "name_en"), *name_bn = get(&t, "name_bn");
        char *d_en = get(&t, "district_en"), *d_bn = get(&t, "district_bn");
        char *cls = get(&t, "class"), *year = get(&t, "year_established");
        char *alt = get(&t, "name_en_alt"), *stated = get(&t, "class_as_stated");
        char *notes_src = get(&t, "notes"), *where;
        struct buf notes = {0};

        check(&t, MF_NAME_EN, name_en);
        check(&t, MF_NAME_BN, name_bn);
        check(&t, MF_CLASS, cls);
        where = xasprintf("paurashavas.csv:%ld", t.line);
        sqlite3_bind_text(st, 1, "paurashava", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, db_seed_district(h, d_en, d_bn, where));
        free(where);
        bind_own(st, 2, name_en);
        bind_own(st, 3, name_bn);
        bind_own(st, 4, cls);
        bind_year(st, 6, &t, year);
        note(&notes, NULL, notes_src);
        note(&notes, "Also spelled", alt);
        note(&notes, "Class as the source states it", stated);
        bind_own(st, 7, buf_take(&notes));
        bind_own(st, 8, get(&t, "source"));
        rc = step(h, st, &t, err);
        free(d_en);
        free(d_bn);
        free(year);
        free(alt);
        free(stated);
        free(notes_src);
    }
    table_close(&t);
    sqlite3_finalize(st);
    return rc;
}

static int load_pages(sqlite3 *h, char **err)
{
    static const struct {
        const char *lang;
        const char *body;
    } pages[] = {{"en", seed_about_en_md}, {"bn", seed_about_bn_md}};
    sqlite3_stmt *st = prep(h, "INSERT INTO pages(key, lang, body, updated_by)"
                               " VALUES ('about', ?1, ?2, 'seed')");
    int rc = DB_OK;

    for (size_t i = 0; i < nitems(pages) && rc == DB_OK; i++) {
        sqlite3_bind_text(st, 1, pages[i].lang, -1, SQLITE_STATIC);
        bind_own(st, 2, text_nfc(pages[i].body));
        rc = step(h, st, NULL, err);
    }
    sqlite3_finalize(st);
    return rc;
}

static int exec(sqlite3 *h, const char *sql, char **err)
{
    if (sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK)
        return DB_OK;
    return db_err(err, DB_ERROR, _("loading the seed data: %s"), sqlite3_errmsg(h));
}

int db_seed_load(sqlite3 *h, char **err)
{
    /* The search index is built once at the end (see search_defer). */
    int rc = exec(h, "INSERT INTO search_defer VALUES (1)", err);

    if (rc == DB_OK)
        rc = load_divisions(h, err);
    if (rc == DB_OK)
        rc = load_districts(h, err);
    if (rc == DB_OK)
        rc = load_city_corporations(h, err);
    if (rc == DB_OK)
        rc = load_paurashavas(h, err);
    if (rc == DB_OK)
        rc = load_pages(h, err);
    if (rc == DB_OK)
        rc = exec(h,
                  "INSERT INTO muni_fts(" FTS_COLUMNS ") SELECT " FTS_VALUES(
                      "m") " FROM municipality m JOIN district d ON d.id = m.district_id"
                           " JOIN division v ON v.id = d.division_id; DELETE FROM search_defer",
                  err);
    return rc;
}
