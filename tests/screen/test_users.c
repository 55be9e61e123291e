/*
 * test_users.c: the Users screen through the real binary at 80x24.
 *
 * An admin adds an account with a password and a pasted key; the database
 * then holds it with the right role, the key's fingerprint as ssh-keygen
 * prints it, and a yescrypt hash that the typed password (and no other)
 * matches.  A failed save keeps what was typed and adds nothing; the
 * password is never on the screen.  Disabling asks first and sticks; keys
 * are added and removed, and a password set, on the account's own screen;
 * a municipal account gets its municipality from the picker.  Viewers and
 * editors never see Users on the home screen.
 *
 * The keys and fingerprints below were made by ssh-keygen (-t ed25519) and
 * printed by "ssh-keygen -l": an oracle other than our own code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "testutil.h"
#include "vt.h"

#include "db/db.h"
#include "db/user.h"
#include "ssh/cred.h"
#include "util.h"

#define KEY1                                                                                       \
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK8ivHr2DXoMB1x+Y+JAo451UbWPPyfIMHpRcHGmFOuZ "            \
    "rahima@laptop"
/* "user list" ends with the kiosk account, on by default (mabdesk.conf). */
#define KIOSK_LINE "kiosk\tkiosk\t-\tenabled\tno-credentials\t0 keys\n"
#define FP1 "SHA256:QFrZ6H64NGP3LQ7SKnO/tHyzPrEwJk4HpWdoCr3btVw"
#define KEY2                                                                                       \
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBFlEREuQppOvCoXzDgZX770bW7AHi2MLqoQZmfjJkmB "            \
    "second key"
#define FP2 "SHA256:ih6Im/MqwDIcSOd9TPfY6XwmdYvzsJzFo9EQrSZ3wf0"

/* 1 if password is the account's password (its stored yescrypt hash). */
static int password_is(const char *name, const char *password)
{
    struct db *h = tu_db_open(tu_test_db(), ROLE_ADMIN, 0);
    struct user u;
    char *err = NULL;
    int ok;

    if (db_user_auth_get(h, name, &u, &err) != DB_OK)
        fail_msg("db_user_auth_get %s: %s", name, err);
    assert_non_null(u.password_hash);
    assert_memory_equal(u.password_hash, "$y$", 3);
    ok = cred_password_check(password, u.password_hash);
    user_free(&u);
    db_close(h);
    return ok;
}

/* The account's key fingerprints, "," between them (malloc'd). */
static char *fingerprints(const char *name)
{
    struct db *h = tu_db_open(tu_test_db(), ROLE_ADMIN, 0);
    struct user_key *keys;
    char *err = NULL, *s = strdup("");
    int n;

    if (db_user_keys(h, name, &keys, &n, &err) != DB_OK)
        fail_msg("db_user_keys %s: %s", name, err);
    for (int i = 0; i < n; i++) {
        char *t = xasprintf("%s%s%s", s, i > 0 ? "," : "", keys[i].fingerprint);

        free(s);
        s = t;
    }
    user_keys_free(keys, n);
    db_close(h);
    return s;
}

/* Home -> entry: down the menu until it is the selected row, then open it
 * and wait for text that screen shows. */
static void open_menu(struct vt *vt, const char *entry, const char *shown)
{
    int y;

    VT_EXPECT_TEXT(vt, entry);
    assert_true(vt_find(vt, entry, &y, NULL));
    for (int i = 0; i < 12 && !vt_row_reverse(vt, y); i++) {
        vt_key(vt, VT_KEY_DOWN);
        vt_settle(vt, 25, vt_timeout());
    }
    VT_EXPECT_REVERSE(vt, y);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, shown);
}

static void open_users(struct vt *vt)
{
    open_menu(vt, "Users", "Accounts:");
}

static void quit(struct vt *vt)
{
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

static void test_admin_adds_account(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;
    char *out, *fps;
    int y;

    tu_create_db(db);
    vt = tu_start("--role", "admin", NULL);
    open_users(vt);
    VT_EXPECT_TEXT(vt, "No account yet. Press n to add one.");

    vt_send(vt, "n");
    VT_EXPECT_TEXT(vt, "A new account.");
    vt_send(vt, "rahima");
    VT_EXPECT_TEXT(vt, "rahima");
    /* Role: viewer, then admin, then editor. */
    vt_key(vt, VT_KEY_TAB);
    VT_EXPECT_TEXT(vt, "viewer");
    vt_keys(vt, VT_KEY_RIGHT, 2);
    VT_EXPECT_TEXT(vt, "editor");
    vt_keys(vt, VT_KEY_TAB, 2);
    VT_EXPECT_TEXT(vt, "Typed twice, shown as *.");
    vt_send(vt, "s3cret pw");
    VT_EXPECT_TEXT(vt, "*********");
    vt_key(vt, VT_KEY_TAB);
    vt_send(vt, "s3cret px");
    VT_EXPECT_TEXT(vt, "the two passwords differ");
    vt_key(vt, VT_KEY_TAB);
    VT_EXPECT_TEXT(vt, "Paste the public key as one line");
    vt_send(vt, KEY1);
    VT_EXPECT_TEXT(vt, "Fingerprint: " FP1);
    /* The password is never drawn. */
    VT_EXPECT_ABSENT(vt, "s3cret");

    /* The passwords differ: nothing saved, everything typed still there. */
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Nothing was saved");
    VT_EXPECT_TEXT(vt, "A new account.");
    VT_EXPECT_TEXT(vt, "rahima");
    VT_EXPECT_TEXT(vt, "editor");
    VT_EXPECT_TEXT(vt, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI");
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM users"), 0);

    /* The cursor went to the wrong field: correct its last letter. */
    vt_key(vt, VT_KEY_BACKSPACE);
    vt_send(vt, "w");
    VT_EXPECT_GONE(vt, "the two passwords differ");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Added the account rahima.");
    VT_EXPECT_GONE(vt, "A new account.");
    VT_EXPECT_TEXT(vt, "Accounts: 1");
    assert_true(vt_find(vt, "rahima", &y, NULL));
    VT_ASSERT(vt, strstr(vt_row(vt, y), "editor") != NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, y), "active") != NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, y), "1 key") != NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, y), "set") != NULL);

    /* In the database: role, key, password, audit. */
    out = tu_mabdesk(db, "user", "list", NULL);
    assert_string_equal(out, "rahima\teditor\t-\tenabled\tpassword\t1 key\n" KIOSK_LINE);
    free(out);
    fps = fingerprints("rahima");
    assert_string_equal(fps, FP1);
    free(fps);
    assert_true(password_is("rahima", "s3cret pw"));
    assert_false(password_is("rahima", "s3cret px"));
    assert_int_equal(
        tu_sql_int(db, "SELECT count(*) FROM audit WHERE record_kind = 'user' AND action = "
                       "'create' AND after LIKE '%" FP1 "%'"),
        1);

    /* Disable: asked first, then shown and stored. */
    vt_send(vt, "D");
    VT_EXPECT_TEXT(vt, "Disable the account rahima?");
    vt_send(vt, "y");
    VT_EXPECT_TEXT(vt, "The account rahima is disabled.");
    assert_true(vt_find(vt, "rahima", &y, NULL));
    VT_ASSERT(vt, strstr(vt_row(vt, y), "disabled") != NULL);
    out = tu_mabdesk(db, "user", "list", NULL);
    assert_string_equal(out, "rahima\teditor\t-\tdisabled\tpassword\t1 key\n" KIOSK_LINE);
    free(out);

    /* Enabling asks too; "n" changes nothing. */
    vt_send(vt, "D");
    VT_EXPECT_TEXT(vt, "Enable the account rahima again?");
    vt_send(vt, "n");
    VT_EXPECT_GONE(vt, "Enable the account rahima again?");
    assert_int_equal(tu_sql_int(db, "SELECT disabled FROM users WHERE name = 'rahima'"), 1);

    /* The audit log reads an account change in words, not raw JSON keys. */
    vt_key(vt, VT_KEY_ESC);
    open_menu(vt, "Audit log", "newest first");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Audit entry");
    VT_EXPECT_TEXT(vt, "User account");
    VT_EXPECT_TEXT(vt, "Disabled");
    VT_EXPECT_TEXT(vt, "no → yes");
    VT_EXPECT_ABSENT(vt, "true");
    quit(vt);
}

static void test_account_keys_and_password(void **state)
{
    const char *db = tu_test_db();
    char *path = xasprintf("%s/rahima.pub", tu_tmpdir()), *out, *fps;
    struct vt *vt;
    int y;

    tu_create_db(db);
    assert_int_equal(tu_write_file(path, KEY1 "\n"), 0);
    free(tu_mabdesk(db, "user", "add", "rahima", "--role", "viewer", "--key", path, NULL));
    free(path);

    vt = tu_start("--role", "admin", NULL);
    open_users(vt);
    VT_EXPECT_TEXT(vt, "rahima");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Key fingerprint");
    VT_EXPECT_TEXT(vt, FP1);
    VT_EXPECT_TEXT(vt, "rahima@laptop");
    VT_EXPECT_TEXT(vt, "Password: none");

    /* A second key, pasted. */
    vt_send(vt, "a");
    VT_EXPECT_TEXT(vt, "A new public key for rahima.");
    vt_send(vt, KEY2);
    VT_EXPECT_TEXT(vt, "Fingerprint: " FP2);
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Key " FP2 " added to rahima.");
    VT_EXPECT_TEXT(vt, "second key");
    VT_EXPECT_TEXT(vt, FP1);

    /* Remove the first (the selected row), after the question. */
    assert_true(vt_find(vt, FP1, &y, NULL));
    VT_EXPECT_REVERSE(vt, y);
    vt_send(vt, "x");
    VT_EXPECT_TEXT(vt, "Remove key");
    vt_send(vt, "y");
    VT_EXPECT_TEXT(vt, "removed from rahima.");
    VT_EXPECT_GONE(vt, "rahima@laptop");
    VT_EXPECT_TEXT(vt, FP2);

    /* A password, typed twice (Enter goes to the second field). */
    vt_send(vt, "p");
    VT_EXPECT_TEXT(vt, "A new password for rahima.");
    vt_send(vt, "Tiger-77 moon");
    vt_key(vt, VT_KEY_ENTER);
    vt_send(vt, "Tiger-77 moon");
    VT_EXPECT_TEXT(vt, "*************");
    VT_EXPECT_ABSENT(vt, "Tiger");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "The password of rahima is changed.");
    VT_EXPECT_TEXT(vt, "Password: set");
    quit(vt);

    fps = fingerprints("rahima");
    assert_string_equal(fps, FP2);
    free(fps);
    assert_true(password_is("rahima", "Tiger-77 moon"));
    out = tu_mabdesk(db, "user", "list", NULL);
    assert_string_equal(out, "rahima\tviewer\t-\tenabled\tpassword\t1 key\n" KIOSK_LINE);
    free(out);
}

static void test_municipal_account(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;
    char *out;

    tu_create_db(db);
    vt = tu_start("--role", "admin", NULL);
    open_users(vt);
    vt_send(vt, "n");
    VT_EXPECT_TEXT(vt, "A new account.");
    vt_send(vt, "amtali.office");
    vt_key(vt, VT_KEY_TAB);
    /* viewer, then municipal. */
    vt_key(vt, VT_KEY_LEFT);
    VT_EXPECT_TEXT(vt, "municipal");
    vt_key(vt, VT_KEY_TAB);
    VT_EXPECT_TEXT(vt, "then press Enter to pick it.");
    /* Saving without a municipality is refused, beside the field. */
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "needed for the municipal role");
    VT_EXPECT_TEXT(vt, "Nothing was saved");
    vt_send(vt, "Amtal");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Amtali (Barguna)");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_GONE(vt, "Amtali (Barguna)");
    VT_EXPECT_TEXT(vt, "Amtali");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Added amtali.office. It has no key or password yet");
    VT_EXPECT_TEXT(vt, "municipal");
    quit(vt);

    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM users u JOIN municipality m ON m.id = "
                                    "u.municipality_id WHERE u.name = 'amtali.office' AND u.role = "
                                    "'municipal' AND m.name_en = 'Amtali'"),
                     1);
    out = tu_mabdesk(db, "user", "list", NULL);
    assert_non_null(strstr(out, "amtali.office\tmunicipal\t"));
    assert_non_null(strstr(out, "\tenabled\tno-password\t0 keys\n"));
    free(out);
}

/* Only admins see Users; the other roles never do. */
static void test_only_admin_sees_users(void **state)
{
    const char *db = tu_test_db();
    static const char *const roles[] = {"viewer", "editor"};
    struct vt *vt;

    tu_create_db(db);
    for (size_t i = 0; i < 2; i++) {
        vt = tu_start("--role", roles[i], NULL);
        VT_EXPECT_TEXT(vt, "Directory");
        VT_EXPECT_TEXT(vt, "Help");
        VT_EXPECT_ABSENT(vt, "Users");
        /* The account keys do nothing here either. */
        vt_send(vt, "n");
        vt_send(vt, "D");
        vt_key(vt, VT_KEY_F1);
        VT_EXPECT_TEXT(vt, "Keys on every screen");
        VT_EXPECT_ABSENT(vt, "Add an account");
        quit(vt);
    }
    /* The same check sees Users where it is. */
    vt = tu_start("--role", "admin", NULL);
    VT_EXPECT_TEXT(vt, "Users");
    quit(vt);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM users"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_admin_adds_account),
        TU_SCREEN_TEST(test_account_keys_and_password),
        TU_SCREEN_TEST(test_municipal_account),
        TU_SCREEN_TEST(test_only_admin_sees_users),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
