/*
 * test_db_write.c: saving and deleting municipalities (src/db/municipality.c):
 * optimistic locking between two handles, the audit row of every write,
 * permission refusals per role, read-only connections that refuse raw SQL
 * writes, validation and district resolution, and the search index
 * following every change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "testutil.h"

#include "db/db.h"
#include "db/internal.h"
#include "util.h"

static long long id_of(struct db *db, const char *name_en)
{
    char *sql = xasprintf("SELECT id FROM municipality WHERE name_en = '%s'", name_en);
    long long id = tu_db_int(db, sql);

    free(sql);
    assert_true(id > 0);
    return id;
}

static int audit_count(struct db *admin, long long record_id)
{
    struct audit_query q = {0};
    char *err = NULL;
    int n = -1;

    q.record_kind = "municipality";
    q.record_id = record_id;
    if (db_audit_count(admin, &q, &n, &err) != DB_OK)
        fail_msg("audit: %s", err);
    return n;
}

/* The newest audit row for a record (caller frees with audit_rows_free). */
static struct audit_row *last_audit(struct db *admin, long long record_id)
{
    struct audit_query q = {0};
    struct audit_row *rows;
    char *err = NULL;
    int n;

    q.record_id = record_id;
    if (db_audit_page(admin, &q, 0, 1, &rows, &n, &err) != DB_OK)
        fail_msg("audit: %s", err);
    assert_int_equal(n, 1);
    return rows;
}

static void new_record(struct record *m)
{
    record_init(m, &kind_municipality);
    record_set(m, MF_KIND, "paurashava");
    record_set(m, MF_NAME_EN, "Newtown");
    record_set(m, MF_NAME_BN, "নতুনশহর পৌরসভা");
    record_set(m, MF_DISTRICT, "Dhaka");
}

static void test_create_and_update_audited(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *ed = tu_db_open(path, ROLE_EDITOR, 0), *admin = tu_db_open(path, ROLE_ADMIN, 0);
    struct record m;
    struct audit_row *a;
    long long id;

    (void)state;
    new_record(&m);
    record_set(&m, MF_CLASS, "B");
    record_set(&m, MF_ESTABLISHED, "2001");
    record_set(&m, MF_WARDS, "9");
    record_set(&m, MF_POPULATION, "45000");
    record_set(&m, MF_AREA, "12.5");
    record_set(&m, MF_MAYOR_EN, "Rahima Khatun");
    record_set(&m, MF_MAYOR_BN, "রহিমা খাতুন");
    record_set(&m, MF_EMAIL, "mayor@newtown.gov.bd");
    record_set(&m, MF_WEBSITE, "newtown.gov.bd");
    record_set(&m, MF_PHONE, "+880 2 7791234");
    assert_int_equal(db_record_save(ed, &m, NULL, NULL, &err), DB_OK);
    id = m.id;
    assert_true(id > 0);
    assert_int_equal(m.version, 1);
    assert_string_equal(m.updated_by, "test-editor");
    assert_int_equal(strlen(m.updated_at), 20); /* 2026-11-27T09:00:00Z */
    assert_int_equal(m.updated_at[19], 'Z');
    assert_string_equal(m.x[MX_DIVISION_EN], "Dhaka");
    assert_string_equal(m.x[MX_DISTRICT_BN], "ঢাকা");
    assert_string_equal(m.f[MF_AREA], "12.5");
    assert_string_equal(m.f[MF_WARDS], "9");
    /* Numbers stored as numbers, unknown as NULL. */
    assert_int_equal(tu_db_int(ed, "SELECT typeof(area) = 'real' AND typeof(wards) = 'integer'"
                                   " AND typeof(address) = 'null' FROM municipality"
                                   " WHERE name_en = 'Newtown'"),
                     1);
    /* Searchable at once, by name and mayor in both scripts. */
    assert_int_equal(tu_muni_count(ed, "newtown"), 1);
    assert_int_equal(tu_muni_count(ed, "rahima"), 1);
    assert_int_equal(tu_muni_count(ed, "খাতুন"), 1);

    a = last_audit(admin, id);
    assert_string_equal(a->action, "create");
    assert_string_equal(a->user, "test-editor");
    assert_string_equal(a->record_kind, "municipality");
    assert_int_equal(a->record_id, id);
    assert_null(a->before);
    assert_non_null(strstr(a->after, "\"name_en\":\"Newtown\""));
    assert_non_null(strstr(a->after, "\"area\":12.5"));
    assert_non_null(strstr(a->after, "\"district\":\"Dhaka\""));
    assert_int_equal(strlen(a->at), 20);
    audit_rows_free(a, 1);

    record_set(&m, MF_NAME_EN, "Oldtown");
    record_set(&m, MF_DISTRICT, "গাজীপুর"); /* a district by its Bengali name */
    assert_int_equal(db_record_save(ed, &m, NULL, NULL, &err), DB_OK);
    assert_int_equal(m.version, 2);
    assert_string_equal(m.f[MF_DISTRICT], "Gazipur");
    a = last_audit(admin, id);
    assert_string_equal(a->action, "update");
    assert_non_null(strstr(a->before, "\"name_en\":\"Newtown\""));
    assert_non_null(strstr(a->before, "\"version\":1"));
    assert_non_null(strstr(a->after, "\"name_en\":\"Oldtown\""));
    assert_non_null(strstr(a->after, "\"district\":\"Gazipur\""));
    audit_rows_free(a, 1);
    assert_int_equal(audit_count(admin, id), 2);
    /* The index follows the change. */
    assert_int_equal(tu_muni_count(ed, "newtown"), 0);
    assert_int_equal(tu_muni_count(ed, "oldtown"), 1);
    assert_int_equal(tu_muni_count(ed, "oldtown gazipur"), 1);

    record_free(&m);
    db_close(ed);
    db_close(admin);
    free(path);
}

static void test_conflict(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *a = tu_db_open(path, ROLE_EDITOR, 0), *b = tu_db_open(path, ROLE_EDITOR, 0);
    struct db *admin = tu_db_open(path, ROLE_ADMIN, 0);
    struct record ma, mb, theirs, now;
    long long id = id_of(a, "Savar");

    (void)state;
    record_init(&ma, &kind_municipality);
    record_init(&mb, &kind_municipality);
    record_init(&theirs, &kind_municipality);
    record_init(&now, &kind_municipality);
    assert_int_equal(db_record_get(a, &kind_municipality, id, &ma, &err), DB_OK);
    assert_int_equal(db_record_get(b, &kind_municipality, id, &mb, &err), DB_OK);
    assert_int_equal(ma.version, mb.version);
    record_set(&ma, MF_WARDS, "18");
    record_set(&mb, MF_WARDS, "20");
    assert_int_equal(db_record_save(a, &ma, NULL, NULL, &err), DB_OK);
    /* b saved on top of an old version: refused, told what is there now. */
    assert_int_equal(db_record_save(b, &mb, &theirs, NULL, &err), DB_CONFLICT);
    assert_non_null(err);
    free(err);
    err = NULL;
    assert_string_equal(theirs.f[MF_WARDS], "18");
    assert_int_equal(theirs.version, ma.version);
    assert_string_equal(mb.f[MF_WARDS], "20"); /* b's typing is kept */
    assert_int_equal(db_record_get(admin, &kind_municipality, id, &now, &err), DB_OK);
    assert_string_equal(now.f[MF_WARDS], "18"); /* nothing overwritten */
    assert_int_equal(audit_count(admin, id), 1);
    /* b chooses to keep its value on top of theirs. */
    mb.version = theirs.version;
    assert_int_equal(db_record_save(b, &mb, NULL, NULL, &err), DB_OK);
    assert_int_equal(db_record_get(admin, &kind_municipality, id, &now, &err), DB_OK);
    assert_string_equal(now.f[MF_WARDS], "20");
    assert_int_equal(audit_count(admin, id), 2);
    /* Delete with a stale version: conflict; then the record is gone and
     * saving it says so. */
    assert_int_equal(db_record_delete(admin, &kind_municipality, id, ma.version, &err),
                     DB_CONFLICT);
    free(err);
    err = NULL;
    assert_int_equal(db_record_delete(admin, &kind_municipality, id, now.version, &err), DB_OK);
    assert_int_equal(db_record_save(a, &ma, &theirs, NULL, &err), DB_NOTFOUND);
    free(err);
    err = NULL;
    assert_int_equal(db_record_get(a, &kind_municipality, id, &now, &err), DB_NOTFOUND);
    free(err);
    record_free(&ma);
    record_free(&mb);
    record_free(&theirs);
    record_free(&now);
    db_close(a);
    db_close(b);
    db_close(admin);
    free(path);
}

static void test_permissions(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *admin = tu_db_open(path, ROLE_ADMIN, 0);
    long long savar = id_of(admin, "Savar"), faridpur = id_of(admin, "Faridpur");
    struct db *viewer = tu_db_open(path, ROLE_VIEWER, 0), *kiosk = tu_db_open(path, ROLE_KIOSK, 0);
    struct db *muni = tu_db_open(path, ROLE_MUNICIPAL, savar),
              *ed = tu_db_open(path, ROLE_EDITOR, 0);
    struct db *ro[] = {viewer, kiosk};
    struct record m, fresh;
    struct audit_query aq = {0};
    struct audit_row *rows;
    struct row_error *rerrs;
    int n;

    (void)state;
    record_init(&m, &kind_municipality);
    new_record(&fresh);
    for (size_t i = 0; i < nitems(ro); i++) {
        assert_int_equal(db_record_get(ro[i], &kind_municipality, savar, &m, &err),
                         DB_OK); /* reading is fine */
        record_set(&m, MF_WARDS, "3");
        assert_int_equal(db_record_save(ro[i], &m, NULL, NULL, &err), DB_DENIED);
        assert_non_null(err);
        free(err);
        err = NULL;
        assert_int_equal(db_record_save(ro[i], &fresh, NULL, NULL, &err), DB_DENIED);
        free(err);
        err = NULL;
        assert_int_equal(db_record_delete(ro[i], &kind_municipality, savar, m.version, &err),
                         DB_DENIED);
        free(err);
        err = NULL;
        assert_int_equal(
            db_record_import(ro[i], &kind_municipality, &fresh, 1, 0, &rerrs, &n, &err), DB_DENIED);
        row_errors_free(rerrs, n);
        free(err);
        err = NULL;
        /* The audit log is for administrators. */
        assert_int_equal(db_audit_count(ro[i], &aq, &n, &err), DB_DENIED);
        free(err);
        err = NULL;
        /* And the connection itself refuses writes, whatever a bug tries. */
        assert_int_not_equal(
            sqlite3_exec(ro[i]->h, "UPDATE municipality SET wards = 3", NULL, NULL, NULL),
            SQLITE_OK);
        assert_int_not_equal(sqlite3_exec(ro[i]->h, "DELETE FROM municipality", NULL, NULL, NULL),
                             SQLITE_OK);
        assert_int_not_equal(sqlite3_exec(ro[i]->h,
                                          "INSERT INTO audit(at, user, action, record_kind,"
                                          " record_id) VALUES ('x', 'x', 'x', 'x', 1)",
                                          NULL, NULL, NULL),
                             SQLITE_OK);
        assert_int_not_equal(sqlite3_exec(ro[i]->h, "DROP TABLE pages", NULL, NULL, NULL),
                             SQLITE_OK);
        assert_int_not_equal(sqlite3_exec(ro[i]->h, "PRAGMA query_only = 0", NULL, NULL, NULL),
                             SQLITE_OK);
        assert_int_not_equal(sqlite3_exec(ro[i]->h, "ATTACH ':memory:' AS x", NULL, NULL, NULL),
                             SQLITE_OK);
    }
    /* Municipal: its own municipality yes, another or a new one no. */
    assert_int_equal(db_record_get(muni, &kind_municipality, savar, &m, &err), DB_OK);
    record_set(&m, MF_WARDS, "9");
    assert_int_equal(db_record_save(muni, &m, NULL, NULL, &err), DB_OK);
    assert_int_equal(db_record_get(muni, &kind_municipality, faridpur, &m, &err), DB_OK);
    record_set(&m, MF_WARDS, "9");
    assert_int_equal(db_record_save(muni, &m, NULL, NULL, &err), DB_DENIED);
    free(err);
    err = NULL;
    assert_int_equal(db_record_save(muni, &fresh, NULL, NULL, &err), DB_DENIED);
    free(err);
    err = NULL;
    assert_int_equal(db_record_delete(muni, &kind_municipality, savar, 2, &err), DB_DENIED);
    free(err);
    err = NULL;
    /* Editor edits anything but may not delete; admin may. */
    assert_int_equal(db_record_save(ed, &m, NULL, NULL, &err), DB_OK);
    assert_int_equal(db_record_delete(ed, &kind_municipality, faridpur, m.version, &err),
                     DB_DENIED);
    assert_string_equal(err, "only an administrator may delete a municipality");
    free(err);
    err = NULL;
    assert_int_equal(tu_db_int(admin, "SELECT count(*) FROM municipality"), 342);
    n = tu_muni_count(admin, "faridpur"); /* the paurashava and others in its district */
    assert_int_equal(db_record_delete(admin, &kind_municipality, faridpur, m.version, &err), DB_OK);
    assert_int_equal(tu_db_int(admin, "SELECT count(*) FROM municipality"), 341);
    assert_int_equal(tu_muni_count(admin, "faridpur"), n - 1);
    /* Exactly the allowed writes left audit rows. */
    aq.record_kind = "municipality";
    assert_int_equal(db_audit_count(admin, &aq, &n, &err), DB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(db_audit_page(admin, &aq, 0, 10, &rows, &n, &err), DB_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].action, "delete"); /* newest first */
    assert_string_equal(rows[0].user, "test-admin");
    assert_non_null(rows[0].before);
    assert_null(rows[0].after);
    assert_string_equal(rows[1].user, "test-editor");
    assert_string_equal(rows[2].user, "test-municipal");
    assert_int_equal(rows[2].record_id, savar);
    assert_true(rows[0].id > rows[1].id && rows[1].id > rows[2].id);
    audit_rows_free(rows, n);
    aq.user = "test-municipal";
    assert_int_equal(db_audit_count(admin, &aq, &n, &err), DB_OK);
    assert_int_equal(n, 1);
    aq.user = NULL;
    aq.record_id = faridpur;
    assert_int_equal(db_audit_count(admin, &aq, &n, &err), DB_OK);
    assert_int_equal(n, 2);
    aq.record_kind = "event";
    assert_int_equal(db_audit_count(admin, &aq, &n, &err), DB_OK);
    assert_int_equal(n, 0);

    record_free(&m);
    record_free(&fresh);
    db_close(admin);
    db_close(viewer);
    db_close(kiosk);
    db_close(muni);
    db_close(ed);
    free(path);
}

static void test_audit_append_only(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *admin = tu_db_open(path, ROLE_ADMIN, 0);
    struct record m;

    (void)state;
    new_record(&m);
    assert_int_equal(db_record_save(admin, &m, NULL, NULL, &err), DB_OK);
    assert_int_equal(tu_db_int(admin, "SELECT count(*) FROM audit"), 1);
    /* Not even a writable connection can change or remove audit rows. */
    assert_int_not_equal(
        sqlite3_exec(admin->h, "UPDATE audit SET user = 'someone-else'", NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(admin->h, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(tu_db_int(admin, "SELECT count(*) FROM audit WHERE user = 'test-admin'"), 1);
    record_free(&m);
    db_close(admin);
    free(path);
}

static void test_validation(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *ed = tu_db_open(path, ROLE_EDITOR, 0);
    struct record m;
    int bad = MF_COUNT;

    (void)state;
    new_record(&m);
    record_set(&m, MF_EMAIL, "mayor at newtown");
    assert_int_equal(db_record_save(ed, &m, NULL, &bad, &err), DB_INVALID);
    assert_int_equal(bad, MF_EMAIL);
    assert_non_null(strstr(err, "Email"));
    free(err);
    err = NULL;
    record_set(&m, MF_EMAIL, "");
    record_set(&m, MF_DISTRICT, "Gotham");
    assert_int_equal(db_record_save(ed, &m, NULL, &bad, &err), DB_INVALID);
    assert_int_equal(bad, MF_DISTRICT);
    assert_non_null(strstr(err, "Gotham"));
    free(err);
    err = NULL;
    record_set(&m, MF_DISTRICT, "Dhaka");
    record_set(&m, MF_NAME_BN, "   ");
    assert_int_equal(db_record_save(ed, &m, NULL, &bad, &err), DB_INVALID);
    assert_int_equal(bad, MF_NAME_BN);
    free(err);
    err = NULL;
    /* Values set directly (not through muni_set) are cleaned on save. */
    free(m.f[MF_NAME_BN]);
    m.f[MF_NAME_BN] = xstrdup("  নতুনশহর পৌরসভা \t");
    record_set(&m, MF_DISTRICT, "DHAKA");
    assert_int_equal(db_record_save(ed, &m, NULL, &bad, &err), DB_OK);
    assert_string_equal(m.f[MF_NAME_BN], "নতুনশহর পৌরসভা");
    assert_string_equal(m.f[MF_DISTRICT], "Dhaka");
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM municipality"), 343);
    assert_int_equal(tu_db_int(ed, "SELECT count(*) FROM audit"), 1);
    record_free(&m);
    db_close(ed);
    free(path);
}

static void test_delete_in_use(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *admin = tu_db_open(path, ROLE_ADMIN, 0);
    long long savar = id_of(admin, "Savar");
    char *sql = xasprintf("INSERT INTO users(name, role, municipality_id)"
                          " VALUES ('savar-office', 'municipal', %lld)",
                          savar);

    (void)state;
    assert_int_equal(sqlite3_exec(admin->h, sql, NULL, NULL, NULL), SQLITE_OK);
    free(sql);
    /* A user account still points at it: refused with a message, nothing
     * deleted, no audit row. */
    assert_int_equal(db_record_delete(admin, &kind_municipality, savar, 1, &err), DB_INVALID);
    assert_string_equal(err, "the record is still in use by other records");
    free(err);
    assert_int_equal(tu_db_int(admin, "SELECT count(*) FROM municipality"), 342);
    assert_int_equal(tu_db_int(admin, "SELECT count(*) FROM audit"), 0);
    db_close(admin);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_and_update_audited),
        cmocka_unit_test(test_conflict),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_audit_append_only),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_delete_in_use),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
