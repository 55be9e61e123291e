/*
 * test_cli_db.c: the real binary on database files that are not fine, as
 * a person at the command line meets them: exit codes (74 for the file,
 * 75 for a newer release), one line on stderr that names the file and
 * says what to do, the file left as it was, and a new database private to
 * its owner.
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
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"
#include "testutil.h"

#include "util.h"

static int mode_of(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        fail_msg("stat %s failed", path);
    return (int)(st.st_mode & 07777);
}

static int lines(const char *s)
{
    int n = 0;

    for (; s != NULL && *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

/* stderr must be one line naming path and saying each of the words. */
static void assert_says(const char *err, const char *path, const char *w1, const char *w2)
{
    if (err == NULL || lines(err) != 1 || strstr(err, path) == NULL || strstr(err, w1) == NULL ||
        (w2 != NULL && strstr(err, w2) == NULL))
        fail_msg("stderr should be one line naming %s and saying \"%s\" and \"%s\":\n%s", path, w1,
                 w2 != NULL ? w2 : "", err != NULL ? err : "(none)");
}

/* The whole file (NULs allowed), its size in *n. */
static char *slurp(const char *path, long *n)
{
    FILE *f = fopen(path, "rb");
    char *data;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = ftell(f);
    rewind(f);
    data = xmalloc((size_t)*n + 1);
    assert_int_equal(fread(data, 1, (size_t)*n, f), (size_t)*n);
    fclose(f);
    return data;
}

static void test_new_database_private(void **state)
{
    char *dir = xasprintf("%s/fresh/data", tu_tmpdir()), *path = xasprintf("%s/m.db", dir);
    char *top = xasprintf("%s/fresh", tu_tmpdir());
    mode_t old = umask(0); /* the binary inherits it */

    (void)state;
    tu_create_db(path);
    umask(old);
    assert_int_equal(mode_of(path), 0600);
    assert_int_equal(mode_of(dir), 0700);
    assert_int_equal(mode_of(top), 0700);
    free(top);
    free(path);
    free(dir);
}

static void test_empty_file_refused(void **state)
{
    char *path = tu_db_path(), *out, *err;
    const char *cmds[][2] = {{"find", "Amtali"}, {"user", "list"}};

    (void)state;
    assert_int_equal(tu_write_file(path, ""), 0);
    for (size_t i = 0; i < nitems(cmds); i++) {
        assert_int_equal(tu_mabdesk_status(path, &out, &err, cmds[i][0], cmds[i][1], NULL), 74);
        assert_says(err, path, "is empty", "restore it from a backup copy");
        assert_string_equal(out, "");
        free(out);
        free(err);
    }
    /* Not seeded: still nothing at all. */
    out = tu_read_file(path);
    assert_string_equal(out, "");
    free(out);
    free(path);
}

static void test_not_a_database_refused(void **state)
{
    char *path = tu_db_path(), *out, *err, *before, *after;

    (void)state;
    assert_int_equal(tu_write_file(path, "kind,name_en\npaurashava,Amtali\n"), 0);
    before = tu_read_file(path);
    assert_int_equal(tu_mabdesk_status(path, &out, &err, "find", "Amtali", NULL), 74);
    assert_says(err, path, "not a mabdesk database", "move it aside");
    free(out);
    free(err);
    after = tu_read_file(path);
    assert_string_equal(after, before);
    free(before);
    free(after);
    free(path);
}

static void test_newer_release_refused(void **state)
{
    char *path = tu_db_path(), *out, *err, *before, *after;
    sqlite3 *h;
    long n, m;

    (void)state;
    tu_create_db(path);
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(h), SQLITE_OK);
    before = slurp(path, &n);
    assert_int_equal(tu_mabdesk_status(path, &out, &err, "find", "Amtali", NULL), 75);
    assert_says(err, path, "newer release", "left as it is");
    free(out);
    free(err);
    assert_int_equal(
        tu_mabdesk_status(path, &out, &err, "--role", "viewer", "export", "municipalities", NULL),
        75);
    free(out);
    free(err);
    after = slurp(path, &m);
    assert_int_equal(m, n);
    assert_memory_equal(after, before, (size_t)n);
    free(before);
    free(after);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_database_private),
        cmocka_unit_test(test_empty_file_refused),
        cmocka_unit_test(test_not_a_database_refused),
        cmocka_unit_test(test_newer_release_refused),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
