/*
 * test_db_readonly.c: the TUI on a database the user cannot write.  A
 * viewer browses it as usual, even when its directory is read-only (where
 * SQLite cannot make its -wal and -shm files).  An administrator is told
 * at once that changes cannot be saved and why; a save then fails with
 * that reason -- not as a permission of the session -- and the form keeps
 * what was typed.
 *
 * The binary runs as a user whom permission bits bind (unpriv.h: as root,
 * "nobody" through setpriv).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fixtures.h"
#include "testutil.h"
#include "unpriv.h"
#include "vt.h"

#include "util.h"

/* A seeded database in a directory of its own that the unprivileged user
 * owns; the directory in *dir (malloc'd). */
static char *unpriv_db(const char *name, char **dir)
{
    char *path;

    *dir = xasprintf("%s/%s", tu_unpriv_dir(), name);
    assert_int_equal(mkdir(*dir, 0755), 0);
    tu_unpriv_give(*dir);
    path = xasprintf("%s/mabdesk.db", *dir);
    tu_create_db(path);
    tu_unpriv_give(path);
    return path;
}

/* "mabdesk --db db [role...]" in a 24x80 terminal, as the unprivileged
 * user; skips the test (saying why) if it cannot switch. */
static struct vt *start(const char *db, const char *role)
{
    const char *argv[8] = {tu_unpriv_bin(), "--db", db, NULL, NULL, NULL};
    const char *full[16];

    if (role != NULL) {
        argv[3] = "--role";
        argv[4] = role;
    }
    if (tu_unpriv_argv(full, (int)nitems(full), argv) < 0) {
        fprintf(stderr, "skipped: running as root, and without /usr/bin/setpriv to run as "
                        "\"nobody\" and test permissions that root would ignore\n");
        skip();
    }
    return vt_spawn(full, 24, 80, NULL);
}

static void test_viewer_reads_in_read_only_directory(void **state)
{
    char *dir, *db = unpriv_db("rodir", &dir);
    struct vt *vt;

    (void)state;
    assert_int_equal(chmod(dir, 0555), 0);
    vt = start(db, "viewer");
    tu_open_directory(vt);
    vt_send(vt, "/Amtali");
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_int_equal(chmod(dir, 0755), 0);
    free(db);
    free(dir);
}

static void test_admin_told_and_typing_kept(void **state)
{
    char *dir, *db = unpriv_db("rofile", &dir);
    struct vt *vt;

    (void)state;
    assert_int_equal(chmod(db, 0444), 0);
    vt = start(db, NULL);
    VT_EXPECT_ROW(vt, 22, "Changes cannot be saved: the database file /");
    tu_edit_record(vt, "Amtali");
    tu_go_to_field(vt, "Mayor (English)");
    tu_replace_field(vt, "Not Saved Anywhere");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_ROW(vt, 22, "Nothing was saved: the database file /");
    VT_EXPECT_ABSENT(vt, "may not");
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
    VT_EXPECT_TEXT(vt, "Not Saved Anywhere");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_TEXT(vt, "Quit anyway?");
    vt_send(vt, "y");
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    free(db);
    free(dir);
}

static int teardown(void **state)
{
    tu_unpriv_cleanup();
    return tu_screen_teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_viewer_reads_in_read_only_directory, tu_screen_setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_admin_told_and_typing_kept, tu_screen_setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
