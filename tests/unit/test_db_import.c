/*
 * test_db_import.c: all-or-nothing import (db_muni_import): every problem
 * in every row is reported and nothing changes; a dry run changes nothing;
 * a good import adds and updates records with one audit row each; updates
 * carrying a version are refused when the record changed since export.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fixtures.h"
#include "testutil.h"

#include "db/db.h"
#include "db/internal.h"
#include "util.h"

/* A fingerprint of the whole table, to prove nothing changed. */
static long long table_sum(struct db *db)
{
    return tu_db_int(db, "SELECT count(*) * 1000003 + sum(version) * 101 + sum(length(name_en))"
                         " + sum(coalesce(wards, 0)) FROM municipality");
}

static void row(struct record *m, const char *name_en, const char *district)
{
    record_init(m, &kind_municipality);
    record_set(m, MF_KIND, "paurashava");
    record_set(m, MF_NAME_EN, name_en);
    record_set(m, MF_NAME_BN, "নতুন পৌরসভা");
    record_set(m, MF_DISTRICT, district);
}

static void rows_free(struct record *rows, int n)
{
    for (int i = 0; i < n; i++)
        record_free(&rows[i]);
}

static int has_error(const struct row_error *e, int n, int row_i, int field)
{
    for (int i = 0; i < n; i++)
        if (e[i].row == row_i && e[i].field == field && e[i].msg != NULL && *e[i].msg != '\0')
            return 1;
    return 0;
}

static void test_good_import(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *ed = tu_db_open(path, ROLE_EDITOR, 0), *admin = tu_db_open(path, ROLE_ADMIN, 0);
    struct record rows[3], now;
    struct row_error *errs;
    struct audit_query aq = {0};
    struct audit_row *audit;
    long long savar = tu_db_int(ed, "SELECT id FROM municipality WHERE name_en = 'Savar'");
    int nerrs, n;

    (void)state;
    row(&rows[0], "Importville", "Comilla");
    row(&rows[1], "Second Town", "সিলেট");
    record_init(&rows[2], &kind_municipality);
    record_init(&now, &kind_municipality);
    assert_int_equal(db_record_get(ed, &kind_municipality, savar, &rows[2], &err), DB_OK);
    record_set(&rows[2], MF_POPULATION, "296851");
    assert_int_equal(db_record_import(ed, &kind_municipality, rows, 3, 0, &errs, &nerrs, &err),
                     DB_OK);
    assert_int_equal(nerrs, 0);
    row_errors_free(errs, nerrs);
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM municipality"), 344);
    assert_int_equal(tu_db_int(ed, "SELECT population FROM municipality WHERE name_en = 'Savar'"),
                     296851);
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM municipality m JOIN district d"
                                   " ON d.id = m.district_id WHERE m.name_en = 'Importville'"
                                   " AND d.name_en = 'Cumilla'"),
                     1);
    assert_int_equal(db_record_get(ed, &kind_municipality, savar, &now, &err), DB_OK);
    assert_int_equal(now.version, 2);
    /* One audit row per record, action "import". */
    aq.record_kind = "municipality";
    assert_int_equal(db_audit_page(admin, &aq, 0, 10, &audit, &n, &err), DB_OK);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++) {
        assert_string_equal(audit[i].action, "import");
        assert_string_equal(audit[i].user, "test-editor");
        assert_non_null(audit[i].after);
    }
    assert_int_equal(audit[0].record_id, savar); /* newest first */
    assert_non_null(audit[0].before);
    assert_null(audit[2].before);
    audit_rows_free(audit, n);
    /* The new records are searchable. */
    {
        struct record_query q = {0};

        q.search = "importville";
        assert_int_equal(db_record_count(ed, &kind_municipality, &q, &n, &err), DB_OK);
        assert_int_equal(n, 1);
    }
    rows_free(rows, 3);
    record_free(&now);
    db_close(ed);
    db_close(admin);
    free(path);
}

static void test_bad_rows_change_nothing(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *ed = tu_db_open(path, ROLE_EDITOR, 0);
    struct record rows[6];
    struct row_error *errs;
    long long before = table_sum(ed);
    long long savar = tu_db_int(ed, "SELECT id FROM municipality WHERE name_en = 'Savar'");
    int nerrs;

    (void)state;
    row(&rows[0], "Fine Town", "Dhaka");
    row(&rows[1], "Bad Email", "Dhaka");
    record_set(&rows[1], MF_EMAIL, "nobody");
    row(&rows[2], "Bad Class And Year", "Dhaka");
    record_set(&rows[2], MF_CLASS, "Z");
    record_set(&rows[2], MF_ESTABLISHED, "1700");
    row(&rows[3], "Nowhere", "Atlantis");
    row(&rows[4], "Ghost", "Dhaka");
    rows[4].id = 999999; /* no such record */
    record_init(&rows[5], &kind_municipality);
    assert_int_equal(db_record_get(ed, &kind_municipality, savar, &rows[5], &err), DB_OK);
    record_set(&rows[5], MF_WARDS, "12");

    assert_int_equal(db_record_import(ed, &kind_municipality, rows, 6, 0, &errs, &nerrs, &err),
                     DB_INVALID);
    assert_non_null(err);
    assert_non_null(strstr(err, "nothing was imported"));
    free(err);
    err = NULL;
    assert_int_equal(nerrs, 5);
    assert_true(has_error(errs, nerrs, 1, MF_EMAIL));
    assert_true(has_error(errs, nerrs, 2, MF_CLASS));
    assert_true(has_error(errs, nerrs, 2, MF_ESTABLISHED));
    assert_true(has_error(errs, nerrs, 3, MF_DISTRICT));
    assert_true(has_error(errs, nerrs, 4, -1));
    row_errors_free(errs, nerrs);
    /* The good rows (0 and 5) were not kept either. */
    assert_int_equal(table_sum(ed), before);
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM municipality WHERE name_en = 'Fine Town'"),
                     0);
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM audit"), 0);
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM muni_fts WHERE muni_fts MATCH 'fine'"), 0);
    rows_free(rows, 6);
    db_close(ed);
    free(path);
}

static void test_version_changed_since_export(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *ed = tu_db_open(path, ROLE_EDITOR, 0);
    struct record exported, other;
    struct row_error *errs;
    long long savar = tu_db_int(ed, "SELECT id FROM municipality WHERE name_en = 'Savar'");
    int nerrs;

    (void)state;
    record_init(&exported, &kind_municipality);
    record_init(&other, &kind_municipality);
    assert_int_equal(db_record_get(ed, &kind_municipality, savar, &exported, &err), DB_OK);
    /* Someone edits the record after the export. */
    assert_int_equal(db_record_get(ed, &kind_municipality, savar, &other, &err), DB_OK);
    record_set(&other, MF_WARDS, "7");
    assert_int_equal(db_record_save(ed, &other, NULL, NULL, &err), DB_OK);
    /* The exported copy comes back with its old version: refused. */
    record_set(&exported, MF_WARDS, "30");
    assert_int_equal(db_record_import(ed, &kind_municipality, &exported, 1, 0, &errs, &nerrs, &err),
                     DB_INVALID);
    free(err);
    err = NULL;
    assert_int_equal(nerrs, 1);
    assert_int_equal(errs[0].field, -1);
    assert_non_null(strstr(errs[0].msg, "changed since it was exported"));
    row_errors_free(errs, nerrs);
    assert_int_equal(tu_db_int(ed, "SELECT wards FROM municipality WHERE name_en = 'Savar'"), 7);
    /* Version 0 means "update whatever is there". */
    exported.version = 0;
    assert_int_equal(db_record_import(ed, &kind_municipality, &exported, 1, 0, &errs, &nerrs, &err),
                     DB_OK);
    row_errors_free(errs, nerrs);
    assert_int_equal(tu_db_int(ed, "SELECT wards FROM municipality WHERE name_en = 'Savar'"), 30);
    record_free(&exported);
    record_free(&other);
    db_close(ed);
    free(path);
}

static void test_dry_run(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *ed = tu_db_open(path, ROLE_EDITOR, 0);
    struct record rows[2];
    struct row_error *errs;
    long long before = table_sum(ed);
    int nerrs;

    (void)state;
    row(&rows[0], "Dry One", "Dhaka");
    row(&rows[1], "Dry Two", "Khulna");
    assert_int_equal(db_record_import(ed, &kind_municipality, rows, 2, 1, &errs, &nerrs, &err),
                     DB_OK);
    assert_int_equal(nerrs, 0);
    row_errors_free(errs, nerrs);
    assert_int_equal(table_sum(ed), before);
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM audit"), 0);
    /* A dry run still reports problems. */
    record_set(&rows[1], MF_WARDS, "0");
    assert_int_equal(db_record_import(ed, &kind_municipality, rows, 2, 1, &errs, &nerrs, &err),
                     DB_INVALID);
    free(err);
    assert_int_equal(nerrs, 1);
    assert_int_equal(errs[0].row, 1);
    assert_int_equal(errs[0].field, MF_WARDS);
    row_errors_free(errs, nerrs);
    assert_int_equal(table_sum(ed), before);
    rows_free(rows, 2);
    db_close(ed);
    free(path);
}

static void test_many_rows(void **state)
{
    enum { N = 2000 };
    char *path = tu_db_path(), *err = NULL;
    struct db *ed = tu_db_open(path, ROLE_EDITOR, 0);
    struct record *rows = xcalloc(N, sizeof *rows);
    struct row_error *errs;
    int nerrs;

    (void)state;
    for (int i = 0; i < N; i++) {
        char name[64];

        snprintf(name, sizeof name, "Generated %d", i);
        row(&rows[i], name, i % 2 ? "Dhaka" : "Rangpur");
        record_set(&rows[i], MF_WARDS, "9");
    }
    assert_int_equal(db_record_import(ed, &kind_municipality, rows, N, 0, &errs, &nerrs, &err),
                     DB_OK);
    row_errors_free(errs, nerrs);
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM municipality"), 342 + N);
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM audit WHERE action = 'import'"), N);
    assert_int_equal(
        tu_db_int(ed, "SELECT count(*) FROM muni_fts WHERE muni_fts MATCH 'generated'"), N);
    rows_free(rows, N);
    free(rows);
    db_close(ed);
    free(path);
}

static void test_index_follows_import(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *ed = tu_db_open(path, ROLE_EDITOR, 0);
    struct record m;
    struct row_error *errs;
    struct record_query q = {0};
    long long id = tu_db_int(ed, "SELECT id FROM municipality WHERE name_en = 'Faridpur'");
    int nerrs, n;

    (void)state;
    record_init(&m, &kind_municipality);
    assert_int_equal(db_record_get(ed, &kind_municipality, id, &m, &err), DB_OK);
    record_set(&m, MF_MAYOR_EN, "Zebunnesa Begum");
    record_set(&m, MF_NAME_EN, "Faridpur Sadar");
    assert_int_equal(db_record_import(ed, &kind_municipality, &m, 1, 0, &errs, &nerrs, &err),
                     DB_OK);
    row_errors_free(errs, nerrs);
    q.search = "zebun";
    assert_int_equal(db_record_count(ed, &kind_municipality, &q, &n, &err), DB_OK);
    assert_int_equal(n, 1);
    q.search = "sadar";
    assert_int_equal(db_record_count(ed, &kind_municipality, &q, &n, &err), DB_OK);
    assert_int_equal(n, 1);
    /* The index holds one row per record: the old entry was replaced. */
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM muni_fts"), 342);
    /* After the import the triggers index single saves again. */
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM search_defer"), 0);
    assert_int_equal(db_record_get(ed, &kind_municipality, id, &m, &err), DB_OK);
    record_set(&m, MF_MAYOR_EN, "Yasmin Akter");
    assert_int_equal(db_record_save(ed, &m, NULL, NULL, &err), DB_OK);
    q.search = "zebun";
    assert_int_equal(db_record_count(ed, &kind_municipality, &q, &n, &err), DB_OK);
    assert_int_equal(n, 0);
    q.search = "yasmin";
    assert_int_equal(db_record_count(ed, &kind_municipality, &q, &n, &err), DB_OK);
    assert_int_equal(n, 1);
    record_free(&m);
    db_close(ed);
    free(path);
}

/*
 * A refusal only the database itself finds (here a trigger standing in for
 * a future constraint that has no field check) must still be reported
 * against its own row, and the whole import must still change nothing:
 * the batched insert falls back to row by row to say which row it was.
 */
static void test_refused_by_database(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *ed = tu_db_open(path, ROLE_EDITOR, 0);
    struct record rows[3];
    struct row_error *errs = NULL;
    sqlite3 *raw;
    long long before;
    int nerrs = 0, rc;

    (void)state;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw,
                                  "CREATE TRIGGER refuse_test BEFORE INSERT ON municipality"
                                  " WHEN NEW.name_en = 'Refused Town'"
                                  " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    before = table_sum(ed);
    row(&rows[0], "First Town", "Comilla");
    row(&rows[1], "Refused Town", "Comilla");
    row(&rows[2], "Third Town", "Comilla");
    rc = db_record_import(ed, &kind_municipality, rows, 3, 0, &errs, &nerrs, &err);
    assert_int_not_equal(rc, DB_OK);
    assert_int_equal(nerrs, 1);
    assert_int_equal(errs[0].row, 1);
    assert_non_null(errs[0].msg);
    assert_non_null(strstr(errs[0].msg, "refused by the test"));
    assert_int_equal(table_sum(ed), before);
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM audit"), 0);
    assert_int_equal(tu_muni_count(ed, "First"), 0);
    row_errors_free(errs, nerrs);
    free(err);
    rows_free(rows, 3);
    db_close(ed);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_import),
        cmocka_unit_test(test_bad_rows_change_nothing),
        cmocka_unit_test(test_version_changed_since_export),
        cmocka_unit_test(test_dry_run),
        cmocka_unit_test(test_many_rows),
        cmocka_unit_test(test_index_follows_import),
        cmocka_unit_test(test_refused_by_database),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
