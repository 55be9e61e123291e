/*
 * test_db_open.c: opening the database (src/db/db.c, src/db/seed.c): the
 * default path, creation of the file and its directory, migrations, the
 * seed data, re-opening without re-seeding, read-only sessions on a new
 * file, busy and newer-schema errors, waiting for a busy database through
 * a callback, divisions, districts and pages.  Files that are not fine:
 * test_db_files.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "testutil.h"

#include "db/db.h"
#include "db/internal.h"
#include "text.h"
#include "util.h"

static void test_default_path(void **state)
{
    char *p;

    (void)state;
    setenv("MABDESK_DB", "/somewhere/else.db", 1);
    p = db_default_path();
    assert_string_equal(p, "/somewhere/else.db");
    free(p);
    unsetenv("MABDESK_DB");
    setenv("XDG_DATA_HOME", "/xdg/data", 1);
    p = db_default_path();
    assert_string_equal(p, "/xdg/data/mabdesk/mabdesk.db");
    free(p);
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/someone", 1);
    p = db_default_path();
    assert_string_equal(p, "/home/someone/.local/share/mabdesk/mabdesk.db");
    free(p);
}

static void test_create_migrate_seed(void **state)
{
    char *path = xasprintf("%s/new/nested/dir/mabdesk.db", tu_tmpdir());
    struct stat st;
    struct db *db;

    (void)state;
    assert_int_not_equal(stat(path, &st), 0);
    db = tu_db_open(path, ROLE_ADMIN, 0);
    assert_int_equal(stat(path, &st), 0);
    assert_true(db_schema_version(db) >= 1);
    assert_int_equal(db_schema_version(db), tu_db_int(db, "PRAGMA user_version"));
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM division"), 8);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM district"), 64);
    assert_int_equal(
        tu_db_int(db, "SELECT count(*) FROM municipality WHERE kind='city_corporation'"), 12);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM municipality WHERE kind='paurashava'"),
                     330);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM pages WHERE key='about'"), 2);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM muni_fts"), 342);
    /* Seeding is not an edit: no audit rows, but every row has its source. */
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM audit"), 0);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM municipality WHERE source IS NULL"), 0);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM district WHERE source IS NULL"), 0);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM division WHERE source IS NULL"), 0);
    /* Settings of the connection. */
    assert_int_equal(tu_db_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(tu_db_int(db, "PRAGMA busy_timeout"), 5000);
    assert_int_equal(tu_db_int(db, "PRAGMA synchronous"), 1);
    {
        char *mode = tu_db_text(db, "PRAGMA journal_mode");

        assert_string_equal(mode, "wal");
        free(mode);
    }
    /* The SSH users' tables exist as user.c expects them. */
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM pragma_table_info('users') WHERE name IN"
                                   " ('id','name','role','municipality_id','password_hash',"
                                   "'disabled','created_at','updated_at','version')"),
                     9);
    assert_int_equal(tu_db_int(db,
                               "SELECT count(*) FROM pragma_table_info('user_keys') WHERE name IN"
                               " ('id','user_id','algo','key_b64','fingerprint','comment',"
                               "'created_at')"),
                     7);
    db_close(db);
    free(path);
}

static void test_seed_values(void **state)
{
    char *path = tu_db_path();
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    sqlite3_stmt *st;
    char *s;
    int n = 0;

    (void)state;
    /* Class and year where the data gives them; numbers stored as numbers. */
    assert_int_equal(tu_db_int(db, "SELECT established FROM municipality WHERE name_en='Faridpur'"),
                     1869);
    s = tu_db_text(db, "SELECT class FROM municipality WHERE name_en='Faridpur'");
    assert_string_equal(s, "A");
    free(s);
    s = tu_db_text(db, "SELECT typeof(established) FROM municipality WHERE name_en='Faridpur'");
    assert_string_equal(s, "integer");
    free(s);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM municipality WHERE class IS NOT NULL"), 6);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM municipality WHERE kind='paurashava'"
                                   " AND established IS NOT NULL"),
                     17);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM municipality WHERE"
                                   " kind='city_corporation' AND established IS NOT NULL"),
                     7);
    assert_int_equal(tu_db_int(db, "SELECT established FROM municipality"
                                   " WHERE name_en='Chittagong City Corporation'"),
                     1989);
    /* City corporations' districts resolved despite spelling differences. */
    s = tu_db_text(db, "SELECT d.name_en FROM municipality m JOIN district d ON d.id=m.district_id"
                       " WHERE m.name_en='Comilla City Corporation'");
    assert_string_equal(s, "Cumilla");
    free(s);
    s = tu_db_text(db, "SELECT d.name_en FROM municipality m JOIN district d ON d.id=m.district_id"
                       " WHERE m.name_en='Barishal City Corporation'");
    assert_string_equal(s, "Barisal");
    free(s);
    /* Provenance kept: alternative names in the notes, sources per row. */
    s = tu_db_text(db, "SELECT notes FROM municipality WHERE name_en='Comilla City Corporation'");
    assert_non_null(strstr(s, "Cumilla City Corporation"));
    free(s);
    s = tu_db_text(db, "SELECT source FROM municipality WHERE name_en='Gazipur City Corporation'");
    assert_non_null(strstr(s, "en.wikipedia.org/wiki/Gazipur_City_Corporation"));
    free(s);
    /* Every stored text is NFC, though the files mix both forms. */
    assert_int_equal(sqlite3_prepare_v2(db->h,
                                        "SELECT name_bn FROM municipality UNION ALL"
                                        " SELECT name_bn FROM district UNION ALL"
                                        " SELECT name_bn FROM division UNION ALL"
                                        " SELECT body FROM pages",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        char *nfc = text_nfc(v);

        assert_string_equal(nfc, v);
        free(nfc);
        n++;
    }
    sqlite3_finalize(st);
    assert_int_equal(n, 342 + 64 + 8 + 2);
    db_close(db);
    free(path);
}

static void test_reopen_does_not_reseed(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    long long id = tu_db_int(db, "SELECT id FROM municipality WHERE name_en='Savar'");
    long long version = tu_db_int(db, "SELECT version FROM municipality WHERE name_en='Savar'");
    int schema = db_schema_version(db);

    (void)state;
    assert_int_equal(db_record_delete(db, &kind_municipality, id, version, &err), DB_OK);
    db_close(db);
    db = tu_db_open(path, ROLE_ADMIN, 0);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM municipality"), 341);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM division"), 8);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM pages"), 2);
    assert_int_equal(db_schema_version(db), schema);
    db_close(db);
    /* A read-only session on an existing file sees the same. */
    db = tu_db_open(path, ROLE_VIEWER, 0);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM municipality"), 341);
    db_close(db);
    free(path);
}

static void test_read_only_on_new_file(void **state)
{
    enum role roles[] = {ROLE_VIEWER, ROLE_KIOSK};

    (void)state;
    for (size_t i = 0; i < nitems(roles); i++) {
        char *path = tu_db_path();
        struct db *db = tu_db_open(path, roles[i], 0);
        char *msg = NULL;

        /* Created, migrated and seeded on a short-lived writable handle... */
        assert_int_equal(tu_db_int(db, "SELECT count(*) FROM municipality"), 342);
        assert_true(db_schema_version(db) >= 1);
        /* ...but this connection refuses every write at the SQLite level. */
        assert_int_not_equal(
            sqlite3_exec(db->h, "UPDATE municipality SET name_en='x'", NULL, NULL, &msg),
            SQLITE_OK);
        sqlite3_free(msg);
        assert_int_not_equal(sqlite3_exec(db->h, "PRAGMA query_only=0", NULL, NULL, NULL),
                             SQLITE_OK);
        assert_int_not_equal(sqlite3_exec(db->h, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(tu_db_int(db, "PRAGMA query_only"), 1);
        db_close(db);
        free(path);
    }
}

static void test_newer_schema_refused(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    struct session s = tu_session(ROLE_ADMIN, 0);

    (void)state;
    assert_int_equal(sqlite3_exec(db->h, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
    db_close(db);
    db = NULL;
    assert_int_equal(db_open(&db, path, &s, &err), DB_NEWER);
    assert_null(db);
    assert_non_null(err);
    assert_non_null(strstr(err, "newer"));
    free(err);
    free(path);
}

static void test_not_a_database(void **state)
{
    char *path = xasprintf("%s/garbage.db", tu_tmpdir()), *err = NULL;
    struct session s = tu_session(ROLE_ADMIN, 0);
    struct db *db = NULL;
    char junk[4096];

    (void)state;
    memset(junk, 'x', sizeof junk - 1);
    junk[sizeof junk - 1] = '\0';
    assert_int_equal(tu_write_file(path, junk), 0);
    assert_int_equal(db_open(&db, path, &s, &err), DB_ERROR);
    assert_non_null(err);
    assert_non_null(strstr(err, "not a mabdesk database"));
    free(err);
    free(path);
}

static void test_busy(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *a = tu_db_open(path, ROLE_ADMIN, 0), *b = tu_db_open(path, ROLE_ADMIN, 0);
    struct record m;
    long long id = tu_db_int(a, "SELECT id FROM municipality WHERE name_en='Savar'");

    (void)state;
    record_init(&m, &kind_municipality);
    assert_int_equal(db_record_get(b, &kind_municipality, id, &m, &err), DB_OK);
    sqlite3_busy_timeout(b->h, 20); /* do not wait 5 s in a test */
    assert_int_equal(sqlite3_exec(a->h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    record_set(&m, MF_WARDS, "9");
    assert_int_equal(db_record_save(b, &m, NULL, NULL, &err), DB_BUSY);
    assert_string_equal(err, "the database is busy, try again");
    free(err);
    err = NULL;
    assert_int_equal(sqlite3_exec(a->h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(db_record_save(b, &m, NULL, NULL, &err), DB_OK);
    record_free(&m);
    db_close(a);
    db_close(b);
    free(path);
}

struct waiting {
    int calls;
    long last_ms;
    int backwards;
    int give_up_after;
};

static int wait_cb(void *ctx, long waited_ms)
{
    struct waiting *w = ctx;

    if (w->calls > 0 && waited_ms < w->last_ms)
        w->backwards = 1;
    w->last_ms = waited_ms;
    return ++w->calls < w->give_up_after;
}

static void test_busy_wait_callback(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *a = tu_db_open(path, ROLE_ADMIN, 0), *b = tu_db_open(path, ROLE_ADMIN, 0);
    long long id = tu_db_int(a, "SELECT id FROM municipality WHERE name_en='Savar'");
    struct waiting w = {0};
    struct record m;
    struct timespec t0, t1;
    double took;

    (void)state;
    record_init(&m, &kind_municipality);
    assert_int_equal(db_record_get(b, &kind_municipality, id, &m, &err), DB_OK);
    record_set(&m, MF_WARDS, "9");
    db_set_busy_wait(b, wait_cb, &w);
    assert_int_equal(tu_db_int(b, "PRAGMA busy_timeout"), 0); /* the callback decides */
    assert_int_equal(sqlite3_exec(a->h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    /* Asked every step, with the time waited; giving up fails at once. */
    w.give_up_after = 6;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(db_record_save(b, &m, NULL, NULL, &err), DB_BUSY);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_int_equal(w.calls, 6);
    assert_false(w.backwards);
    assert_true(w.last_ms >= 5 * DB_BUSY_STEP_MS - 10);
    assert_true(took < 4.0); /* not the 5 s of the default */
    assert_string_equal(err, "the database is busy, try again");
    free(err);
    err = NULL;
    /* A new wait starts counting from 0 again. */
    w = (struct waiting){.give_up_after = 2};
    assert_int_equal(db_record_save(b, &m, NULL, NULL, &err), DB_BUSY);
    assert_int_equal(w.calls, 2);
    assert_true(w.last_ms < 5 * DB_BUSY_STEP_MS);
    free(err);
    err = NULL;
    assert_int_equal(sqlite3_exec(a->h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    w = (struct waiting){.give_up_after = 1000};
    assert_int_equal(db_record_save(b, &m, NULL, NULL, &err), DB_OK);
    assert_int_equal(w.calls, 0); /* not busy: never asked */
    /* NULL: the default again. */
    db_set_busy_wait(b, NULL, NULL);
    assert_int_equal(tu_db_int(b, "PRAGMA busy_timeout"), 5000);
    record_free(&m);
    db_close(a);
    db_close(b);
    free(path);
}

/* db_seed_district(en, bn) on a read-only connection to path, in a child
 * process (it may end in fatal()); the child's wait status. */
static int seed_district_in_child(const char *path, const char *en, const char *bn)
{
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sqlite3 *h;

        if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
            _exit(3);
        db_seed_district(h, en, bn, "test");
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void test_seed_district_resolution(void **state)
{
    char *path = tu_db_path();
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    long long cumilla = tu_db_int(db, "SELECT id FROM district WHERE name_en='Cumilla'");
    long long mymensingh = tu_db_int(db, "SELECT id FROM district WHERE name_en='Mymensingh'");
    int status;

    (void)state;
    assert_true(cumilla > 0);
    assert_int_equal(db_seed_district(db->h, "Cumilla", "", "test"), cumilla);
    assert_int_equal(db_seed_district(db->h, "comilla", "", "test"), cumilla); /* alt spelling */
    assert_int_equal(db_seed_district(db->h, "", "কুমিল্লা", "test"), cumilla);
    /* Bengali in either form: য় as one code point (U+09DF) or two. */
    assert_int_equal(db_seed_district(db->h, "",
                                      "\xe0\xa6\xae\xe0\xa7\x9f\xe0\xa6\xae\xe0\xa6\xa8"
                                      "\xe0\xa6\xb8\xe0\xa6\xbf\xe0\xa6\x82\xe0\xa6\xb9",
                                      "test"),
                     mymensingh);
    assert_int_equal(db_seed_district(db->h, "",
                                      "\xe0\xa6\xae\xe0\xa6\xaf\xe0\xa6\xbc\xe0\xa6\xae"
                                      "\xe0\xa6\xa8\xe0\xa6\xb8\xe0\xa6\xbf\xe0\xa6\x82"
                                      "\xe0\xa6\xb9",
                                      "test"),
                     mymensingh);
    /* A seed row naming no known district is a bug: fatal(). */
    status = seed_district_in_child(path, "Atlantis", "");
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    /* Names of two different districts in one row: also a bug. */
    status = seed_district_in_child(path, "Cumilla", "ঢাকা");
    assert_true(WIFSIGNALED(status));
    db_close(db);
    free(path);
}

static void test_geo_and_pages(void **state)
{
    char *path = tu_db_path(), *err = NULL, *text = NULL;
    struct db *db = tu_db_open(path, ROLE_KIOSK, 0);
    struct geo_item *items;
    long long dhaka_div = 0, id = 0;
    int n;

    (void)state;
    assert_int_equal(db_divisions(db, &items, &n, &err), DB_OK);
    assert_int_equal(n, 8);
    for (int i = 0; i < n; i++) {
        assert_int_equal(items[i].parent_id, 0);
        if (strcmp(items[i].name_en, "Dhaka") == 0) {
            dhaka_div = items[i].id;
            assert_string_equal(items[i].name_bn, "ঢাকা");
        }
    }
    geo_items_free(items, n);
    assert_true(dhaka_div > 0);
    assert_int_equal(db_districts(db, 0, &items, &n, &err), DB_OK);
    assert_int_equal(n, 64);
    geo_items_free(items, n);
    assert_int_equal(db_districts(db, dhaka_div, &items, &n, &err), DB_OK);
    assert_int_equal(n, 13);
    for (int i = 0; i < n; i++)
        assert_int_equal(items[i].parent_id, dhaka_div);
    geo_items_free(items, n);

    assert_int_equal(db_district_lookup(db, "chittagong", &id, &err), DB_OK);
    assert_int_equal(id, tu_db_int(db, "SELECT id FROM district WHERE name_en='Chattogram'"));
    assert_int_equal(db_district_lookup(db, " গাজীপুর ", &id, &err), DB_OK);
    assert_int_equal(id, tu_db_int(db, "SELECT id FROM district WHERE name_en='Gazipur'"));
    assert_int_equal(db_district_lookup(db, "Gotham", &id, &err), DB_NOTFOUND);
    assert_non_null(strstr(err, "Gotham"));
    free(err);
    err = NULL;

    assert_int_equal(db_page_get(db, "about", "en", &text, &err), DB_OK);
    assert_non_null(strstr(text, "Municipal Association of Bangladesh"));
    free(text);
    assert_int_equal(db_page_get(db, "about", "bn", &text, &err), DB_OK);
    assert_true(strlen(text) > 100);
    assert_non_null(strstr(text, "\xe0\xa6")); /* Bengali script */
    free(text);
    assert_int_equal(db_page_get(db, "about", "fr", &text, &err), DB_NOTFOUND);
    assert_null(text);
    free(err);
    db_close(db);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_create_migrate_seed),
        cmocka_unit_test(test_seed_values),
        cmocka_unit_test(test_reopen_does_not_reseed),
        cmocka_unit_test(test_read_only_on_new_file),
        cmocka_unit_test(test_newer_schema_refused),
        cmocka_unit_test(test_not_a_database),
        cmocka_unit_test(test_busy),
        cmocka_unit_test(test_busy_wait_callback),
        cmocka_unit_test(test_seed_district_resolution),
        cmocka_unit_test(test_geo_and_pages),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
