/*
 * test_user_kind.c: user accounts as a kind of record (src/kinds/user.c):
 * the kind's rules, the audit log's picture of an account (the same as
 * before the move onto the record machinery, so old and new entries read
 * alike), the stamp the generic save leaves, and an account with its keys
 * and password landing all or nothing with one audit row.
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
#include "db/records.h"
#include "db/user.h"
#include "util.h"

static int validate(const char *name, const char *role, const char *muni, const char *disabled)
{
    struct record r;
    char msg[256];
    int f;

    record_init(&r, &kind_user);
    record_set(&r, AF_NAME, name);
    record_set(&r, AF_ROLE, role);
    record_set(&r, AF_MUNICIPALITY, muni);
    record_set(&r, AF_DISABLED, disabled);
    f = record_validate(&r, msg, sizeof msg);
    record_free(&r);
    return f;
}

static void test_kind_rules(void **state)
{
    (void)state;
    assert_int_equal(validate("alice", "editor", "", "0"), -1);
    assert_int_equal(validate("rahim.k-2", "municipal", "5", "1"), -1);
    /* The rules of user_name_problem(). */
    assert_int_equal(validate("", "editor", "", "0"), AF_NAME);
    assert_int_equal(validate("Bad Name", "editor", "", "0"), AF_NAME);
    assert_int_equal(validate("-x", "editor", "", "0"), AF_NAME);
    assert_int_equal(validate("kiosk", "viewer", "", "0"), AF_NAME);
    assert_int_equal(validate("a23456789012345678901234567890123", "viewer", "", "0"), AF_NAME);
    /* Kiosk is no role an account may have. */
    assert_int_equal(validate("dave", "kiosk", "", "0"), AF_ROLE);
    assert_int_equal(validate("dave", "", "", "0"), AF_ROLE);
    /* A municipality exactly when the role is municipal. */
    assert_int_equal(validate("dave", "municipal", "", "0"), AF_MUNICIPALITY);
    assert_int_equal(validate("dave", "editor", "1", "0"), AF_MUNICIPALITY);
    assert_int_equal(validate("dave", "editor", "", "2"), AF_DISABLED);
    /* Every verb needs AUTH_MANAGE_USERS. */
    for (int v = VERB_READ; v < VERB_COUNT; v++)
        assert_int_equal(kind_user.auth[v], AUTH_MANAGE_USERS);
    /* Not a command-line kind (no CSV of accounts), but the audit log's. */
    assert_null(kind_by_name("user"));
    assert_ptr_equal(kind_audited("user"), &kind_user);
    assert_ptr_equal(kind_audited("municipality"), &kind_municipality);
}

static char *last_after(struct db *db)
{
    return tu_db_text(db, "SELECT after FROM audit WHERE record_kind = 'user' ORDER BY id DESC "
                          "LIMIT 1");
}

/* The picture 0.1.0 wrote (db/user.c's hand-made JSON), key for key. */
static void test_audit_picture_unchanged(void **state)
{
    char *path = tu_db_path();
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    struct user_key key = {0,
                           (char *)"ssh-ed25519",
                           (char *)"AAAAC3NzaC1lZDI1NTE5AAAAIKey",
                           (char *)"SHA256:bbb",
                           (char *)"",
                           NULL};
    char *err = NULL, *s;

    assert_int_equal(db_user_add(db, "alice", ROLE_EDITOR, 0, "$y$hash", NULL, 0, NULL, &err),
                     DB_OK);
    s = last_after(db);
    assert_string_equal(s, "{\"name\":\"alice\",\"role\":\"editor\",\"municipality_id\":null,"
                           "\"disabled\":false,\"password\":true,\"keys\":[]}");
    free(s);
    assert_int_equal(db_user_add(db, "rahim", ROLE_MUNICIPAL, 5, NULL, &key, 1, NULL, &err), DB_OK);
    s = last_after(db);
    assert_string_equal(s, "{\"name\":\"rahim\",\"role\":\"municipal\",\"municipality_id\":5,"
                           "\"disabled\":false,\"password\":false,\"keys\":[\"SHA256:bbb\"]}");
    free(s);
    assert_int_equal(
        db_user_key_add(db, "rahim", "ssh-ed25519", "AAAAother", "SHA256:aaa", "", &err), DB_OK);
    assert_int_equal(db_user_set_disabled(db, "rahim", 1, &err), DB_OK);
    s = last_after(db);
    assert_string_equal(s, "{\"name\":\"rahim\",\"role\":\"municipal\",\"municipality_id\":5,"
                           "\"disabled\":true,\"password\":false,"
                           "\"keys\":[\"SHA256:aaa\",\"SHA256:bbb\"]}");
    free(s);
    /* The hash never lands in the audit log. */
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM audit WHERE after LIKE '%$y$%'"), 0);
    /* One audit row per change; the generic save's stamp, version and lock. */
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM audit WHERE record_kind = 'user'"), 4);
    s = tu_db_text(db, "SELECT updated_by FROM users WHERE name = 'rahim'");
    assert_string_equal(s, "test-admin");
    free(s);
    assert_int_equal(tu_db_int(db, "SELECT version FROM users WHERE name = 'rahim'"), 3);
    db_close(db);
    free(path);
}

/* A key another account holds: the new account, its password and its
 * audit row roll back together. */
static void test_add_all_or_nothing(void **state)
{
    char *path = tu_db_path();
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    struct user_key key = {
        0, (char *)"ssh-ed25519", (char *)"AAAAkey", (char *)"SHA256:k", (char *)"", NULL};
    char *err = NULL;

    assert_int_equal(db_user_add(db, "frank", ROLE_EDITOR, 0, NULL, &key, 1, NULL, &err), DB_OK);
    assert_int_equal(db_user_add(db, "gina", ROLE_VIEWER, 0, "$y$hash", &key, 1, NULL, &err),
                     DB_INVALID);
    assert_non_null(strstr(err, "frank"));
    free(err);
    err = NULL;
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM users WHERE name = 'gina'"), 0);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM audit WHERE record_kind = 'user'"), 1);
    /* A key removal that finds nothing keeps its own message and status. */
    assert_int_equal(db_user_key_remove(db, "frank", "SHA256:none", &err), DB_NOTFOUND);
    assert_non_null(strstr(err, "SHA256:none"));
    free(err);
    assert_int_equal(tu_db_int(db, "SELECT version FROM users WHERE name = 'frank'"), 1);
    db_close(db);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_rules),
        cmocka_unit_test(test_audit_picture_unchanged),
        cmocka_unit_test(test_add_all_or_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
