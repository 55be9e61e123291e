/*
 * test_upgrade.c: a database made by release 0.1.0 opens through db_open()
 * with nothing lost (DESIGN.md: "a database from any earlier release opens
 * and upgrades with nothing lost").
 *
 * tests/data/mabdesk-0.1.0.db was made with the 0.1.0 binary: created and
 * seeded by "find"; users rahim (municipal of body 5, a key and a password)
 * and nila (editor, a key, a password set by "user passwd", disabled);
 * an import that changed Bogura and added "Fixture Town"; Amtali's mayor
 * and phone edited in the TUI; Savar deleted in the TUI; then VACUUM.  Its
 * audit log holds those 8 changes.
 *
 * Each of 0.1.0's own tables (not SQLite's, not the search index, which
 * is derived) is read from a pristine copy and compared with the same
 * table after db_open() upgraded a second copy: the row count and a hash
 * of every value of 0.1.0's columns, rows in a fixed order.  A later
 * migration may add tables and columns, but these values must all stay.
 *
 * The same comparison for a database at schema 4 (the release before
 * migration 5) holding subscribers and their history: made here by
 * running migrations 1 to 4 as db_open() does, then opened and upgraded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "testutil.h"

#include "db/db.h"
#include "db/internal.h"
#include "db/mailing.h"
#include "db/subscriber.h"
#include "db/user.h"
#include "ssh/cred.h"
#include "util.h"

#define FIXTURE "tests/data/mabdesk-0.1.0.db"

/* One table of 0.1.0: the query over its columns, and what it held. */
struct table_digest {
    char *name;
    char *sql;
    long long rows;
    uint64_t hash;
};

static char *fixture_copy(const char *name)
{
    const char *top = getenv("MABDESK_TOP");
    char *src = xasprintf("%s/%s", top != NULL && *top != '\0' ? top : ".", FIXTURE);
    char *dst = xasprintf("%s/%s", tu_tmpdir(), name);
    char *data;
    FILE *in = fopen(src, "rb"), *out;
    size_t n;
    char chunk[65536];

    if (in == NULL)
        fail_msg("cannot read the fixture %s", src);
    out = fopen(dst, "wb");
    assert_non_null(out);
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
        assert_int_equal(fwrite(chunk, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
    data = tu_read_file(dst);
    assert_non_null(data);
    assert_int_equal(strncmp(data, "SQLite format 3", 15), 0);
    free(data);
    free(src);
    return dst;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Rows and hash of every value (its type, then its bytes) of sql. */
static void digest(sqlite3 *h, struct table_digest *t)
{
    sqlite3_stmt *st;
    int rc;

    t->rows = 0;
    t->hash = 14695981039346656037ULL;
    if (sqlite3_prepare_v2(h, t->sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", t->sql, sqlite3_errmsg(h));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            unsigned char type = (unsigned char)sqlite3_column_type(st, c);
            const void *v = type == SQLITE_BLOB ? sqlite3_column_blob(st, c)
                                                : (const void *)sqlite3_column_text(st, c);
            int n = sqlite3_column_bytes(st, c);

            t->hash = fnv(t->hash, &type, 1);
            t->hash = fnv(t->hash, &n, sizeof n);
            if (v != NULL)
                t->hash = fnv(t->hash, v, (size_t)n);
        }
        t->rows++;
    }
    assert_int_equal(rc, SQLITE_DONE);
    sqlite3_finalize(st);
}

/* "SELECT "a", "b" FROM "t" ORDER BY 1, 2" over table's columns in h. */
static char *table_query(sqlite3 *h, const char *table)
{
    struct buf cols = {0}, order = {0};
    sqlite3_stmt *st;
    char *sql, *quoted = sqlite3_mprintf("%w", table);
    int n = 0;

    assert_int_equal(
        sqlite3_prepare_v2(h, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char *col = sqlite3_mprintf("%w", (const char *)sqlite3_column_text(st, 0));

        buf_printf(&cols, "%s\"%s\"", n > 0 ? ", " : "", col);
        buf_printf(&order, "%s%d", n > 0 ? ", " : "", n + 1);
        sqlite3_free(col);
        n++;
    }
    sqlite3_finalize(st);
    assert_true(n > 0);
    sql = xasprintf("SELECT %s FROM \"%s\" ORDER BY %s", cols.data, quoted, order.data);
    sqlite3_free(quoted);
    buf_free(&cols);
    buf_free(&order);
    return sql;
}

/* 0.1.0's tables in the pristine copy at path, each with its digest. */
static struct table_digest *read_tables(const char *path, int *n)
{
    static const char list[] =
        "SELECT t.name FROM sqlite_schema t WHERE t.type = 'table'"
        " AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        " AND t.sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
        " AND NOT EXISTS (SELECT 1 FROM sqlite_schema v WHERE v.type = 'table'"
        "  AND v.sql LIKE 'CREATE VIRTUAL TABLE%' AND t.name LIKE v.name || '\\_%' ESCAPE '\\')"
        " ORDER BY t.name";
    char *uri = xasprintf("file:%s?immutable=1", path);
    struct table_digest *v = NULL;
    sqlite3_stmt *st;
    sqlite3 *h;
    int cnt = 0;

    assert_int_equal(sqlite3_open_v2(uri, &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, list, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        v = xreallocarray(v, (size_t)cnt + 1, sizeof *v);
        v[cnt].name = xstrdup((const char *)sqlite3_column_text(st, 0));
        v[cnt].sql = table_query(h, v[cnt].name);
        digest(h, &v[cnt]);
        cnt++;
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    free(uri);
    *n = cnt;
    return v;
}

static long long rows_of(const struct table_digest *t, int n, const char *name)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(t[i].name, name) == 0)
            return t[i].rows;
    }
    fail_msg("the fixture has no table %s", name);
    return -1;
}

/* The fixture holds what the header says: else the comparison below
 * would prove little. */
static void check_fixture(const struct table_digest *t, int n)
{
    static const struct {
        const char *table;
        long long rows;
    } want[] = {
        {"division", 8}, {"district", 64}, {"municipality", 342}, {"audit", 8},
        {"users", 2},    {"user_keys", 2}, {"pages", 2},          {"search_defer", 0},
    };

    assert_int_equal(n, (int)nitems(want));
    for (size_t i = 0; i < nitems(want); i++)
        assert_int_equal(rows_of(t, n, want[i].table), want[i].rows);
}

/* Migration 3: accounts carry who saved them last, as the generic save
 * writes; 0.1.0's accounts are saved, audited and still log in. */
static void check_migration_3(struct db *db)
{
    struct user u = {0};
    char *s, *err = NULL;

    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM pragma_table_info('users')"
                                   " WHERE name = 'updated_by' AND \"notnull\" = 1"),
                     1);
    assert_int_equal(db_user_set_disabled(db, "nila", 0, &err), DB_OK);
    assert_int_equal(db_user_auth_get(db, "nila", &u, &err), DB_OK);
    assert_non_null(u.password_hash);
    user_free(&u);
    s = tu_db_text(db, "SELECT updated_by FROM users WHERE name = 'nila'");
    assert_string_equal(s, "test-admin");
    free(s);
    /* The picture of nila before that change is, byte for byte, the one
     * 0.1.0 wrote after her last change: old and new entries read alike. */
    assert_int_equal(tu_db_int(db,
                               "SELECT count(*) FROM audit a, audit b"
                               " WHERE a.record_kind = 'user' AND a.record_id = b.record_id"
                               " AND b.record_kind = 'user' AND a.id = 4"
                               " AND b.id = (SELECT max(id) FROM audit) AND b.before = a.after"),
                     1);
    assert_int_equal(db_user_auth_get(db, "rahim", &u, &err), DB_OK);
    assert_int_equal(cred_password_check("S3cret-pass-1", u.password_hash), 1);
    user_free(&u);
}

/* Migration 7: the events' tables, empty, and an event of one of 0.1.0's
 * bodies saved and found by its title. */
static void check_migration_7(struct db *db)
{
    struct record e;
    struct record_query q = {0};
    char *err = NULL;
    int found = 0;

    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM event"), 0);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM event_exception"), 0);
    record_init(&e, &kind_event);
    record_set(&e, EF_TITLE_EN, "Upgraded workshop");
    record_set(&e, EF_CATEGORY, "workshop");
    record_set(&e, EF_MUNICIPALITY, "Fixture Town");
    record_set(&e, EF_START, "2027-03-01 10:00");
    record_set(&e, EF_END, "2027-03-01 12:00");
    assert_int_equal(db_record_save(db, &e, NULL, NULL, &err), DB_OK);
    q.search = "upgraded";
    assert_int_equal(db_record_count(db, &kind_event, &q, &found, &err), DB_OK);
    assert_int_equal(found, 1);
    record_free(&e);
}

static void test_0_1_0_upgrades_with_nothing_lost(void **state)
{
    char *pristine = fixture_copy("pristine.db"), *path = fixture_copy("upgraded.db");
    struct table_digest *t;
    struct db *db;
    struct user u = {0};
    char *s, *err = NULL;
    int n;

    (void)state;
    t = read_tables(pristine, &n);
    check_fixture(t, n);
    db = tu_db_open(path, ROLE_ADMIN, 0);
    assert_true(db_nmigrations >= 1);
    assert_int_equal(db_schema_version(db), db_nmigrations);
    /* The upgrade kept a private copy of the database as it was. */
    {
        char *copy = xasprintf("%s.before-upgrade-from-schema-1", path);

        assert_int_equal(tu_mode(copy), 0600);
        assert_int_equal(tu_sql_int(copy, "PRAGMA user_version"), 1);
        assert_int_equal(tu_sql_int(copy, "SELECT count(*) FROM audit"), 8);
        free(copy);
    }
    for (int i = 0; i < n; i++) {
        struct table_digest now = t[i];

        digest(db->h, &now);
        if (now.rows != t[i].rows || now.hash != t[i].hash)
            fail_msg("table %s: %lld rows, hash %016llx after the upgrade; %lld, %016llx before",
                     t[i].name, now.rows, (unsigned long long)now.hash, t[i].rows,
                     (unsigned long long)t[i].hash);
    }
    s = tu_db_text(db, "PRAGMA integrity_check");
    assert_string_equal(s, "ok");
    free(s);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    /* Migration 4: the subscribers' tables, empty, email unique without
     * regard to case. */
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM subscriber"), 0);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM subscriber_history"), 0);
    assert_int_equal(tu_db_int(db, "SELECT \"unique\" FROM pragma_index_list('subscriber')"
                                   " WHERE name = 'subscriber_email_key'"),
                     1);
    check_migration_7(db);
    /* What 0.1.0's edits left is still found, searched and usable. */
    assert_int_equal(tu_muni_count(db, "Fixture Town"), 1);
    assert_int_equal(tu_muni_count(db, "ফিক্সচার"), 1);
    assert_int_equal(tu_muni_count(db, "Savar"), 0);
    assert_int_equal(tu_muni_count(db, "Abdul Karim"), 1); /* Amtali's mayor, edited */
    assert_int_equal(tu_muni_count(db, "রেজাউল"), 1);      /* Bogura's, imported */
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM muni_fts"), 342);
    assert_int_equal(db_user_auth_get(db, "rahim", &u, &err), DB_OK);
    assert_int_equal(cred_password_check("S3cret-pass-1", u.password_hash), 1);
    assert_int_equal(u.nkeys, 1);
    user_free(&u);
    assert_int_equal(db_user_auth_get(db, "nila", &u, &err), DB_NOTFOUND); /* disabled */
    free(err);
    err = NULL;
    check_migration_3(db);
    /* What migration 2 added works on 0.1.0's bodies: a person of one,
     * found by a word of the body's name, which the index follows. */
    {
        struct record c;
        struct record_query q = {0};
        int found = 0;

        record_init(&c, &kind_contact);
        record_set(&c, CF_NAME_EN, "Upgraded Person");
        record_set(&c, CF_POSITION, "secretary");
        record_set(&c, CF_MUNICIPALITY, "Fixture Town");
        assert_int_equal(db_record_save(db, &c, NULL, NULL, &err), DB_OK);
        q.search = "fixture secretary";
        assert_int_equal(db_record_count(db, &kind_contact, &q, &found, &err), DB_OK);
        assert_int_equal(found, 1);
        record_free(&c);
    }
    db_close(db);
    for (int i = 0; i < n; i++) {
        free(t[i].name);
        free(t[i].sql);
    }
    free(t);
    free(pristine);
    free(path);
}

static void exec_ok(sqlite3 *h, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

/* A schema-4 database at path with two subscribers, one with history. */
static void make_schema_4(const char *path)
{
    sqlite3 *h;
    char *err = NULL;

    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    exec_ok(h, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; BEGIN");
    for (int i = 0; i < 4; i++) {
        exec_ok(h, db_migrations[i].sql);
        if (db_migrations[i].hook != NULL && db_migrations[i].hook(h, &err) != DB_OK)
            fail_msg("migration %d: %s", i + 1, err);
    }
    exec_ok(h, "INSERT INTO subscriber (email, name, municipality_id, lang, status, consent_how,"
               " consent_by, confirm_token, unsubscribe_token, updated_by) VALUES"
               " ('rahim@example.org', 'Rahim', 13, 'bn', 'pending', 'kiosk', 'kiosk',"
               " '0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210', 'kiosk'),"
               " ('Ana@Example.org', 'Ana', NULL, 'en', 'pending', 'staff', 'nila',"
               " '00000000000000000000000000000001', '00000000000000000000000000000002', 'nila');"
               "UPDATE subscriber SET status = 'active', status_reason = 'on paper'"
               " WHERE email = 'Ana@Example.org';"
               "PRAGMA user_version = 4; COMMIT");
    sqlite3_close(h);
}

static void test_schema_4_upgrades_with_nothing_lost(void **state)
{
    char *path = xasprintf("%s/schema4.db", tu_tmpdir()), *err = NULL;
    char token[SUBSCRIBER_TOKEN_LEN + 1];
    struct table_digest *t;
    struct db *db;
    int n;

    (void)state;
    make_schema_4(path);
    /* read_tables() reads a file as it is: the WAL was checkpointed on close. */
    t = read_tables(path, &n);
    assert_int_equal(rows_of(t, n, "subscriber"), 2);
    assert_int_equal(rows_of(t, n, "subscriber_history"), 3);
    db = tu_db_open(path, ROLE_ADMIN, 0);
    assert_int_equal(db_schema_version(db), db_nmigrations);
    for (int i = 0; i < n; i++) {
        struct table_digest now = t[i];

        digest(db->h, &now);
        if (now.rows != t[i].rows || now.hash != t[i].hash)
            fail_msg("table %s changed in the upgrade from schema 4", t[i].name);
        free(t[i].name);
        free(t[i].sql);
    }
    free(t);
    /* Migration 5: nobody has been mailed yet; a stamp is cleared by a new
     * token, so the new link is mailed too. */
    assert_int_equal(
        tu_db_int(db, "SELECT count(*) FROM subscriber WHERE confirm_mailed_at IS NULL"), 2);
    assert_int_equal(db_mailee_confirm_mailed(db, 1, "0123456789abcdef0123456789abcdef", &err),
                     DB_OK);
    assert_int_equal(
        tu_db_int(db, "SELECT count(*) FROM subscriber WHERE confirm_mailed_at IS NULL"), 1);
    assert_int_equal(db_subscriber_reissue(db, 1, token, &err), DB_OK);
    assert_int_equal(
        tu_db_int(db, "SELECT count(*) FROM subscriber WHERE confirm_mailed_at IS NULL"), 2);
    db_close(db);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_0_1_0_upgrades_with_nothing_lost),
        cmocka_unit_test(test_schema_4_upgrades_with_nothing_lost),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
