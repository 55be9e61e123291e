/*
 * test_cli_db.c: the real binary on database files that are not fine, as
 * a person at the command line meets them: exit codes (74 for the file,
 * 75 for a newer release, 77 only for a session's role), one line on
 * stderr that names the file and says what to do, the file left as it
 * was, a new database private to its owner, a read-only database still
 * read, and "serve" logging what is wrong.
 *
 * Tests of files the user cannot write run the binary as a user whom
 * permission bits bind (unpriv.h: "nobody" when the tests run as root).
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
#include "unpriv.h"

#include "util.h"

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
    assert_int_equal(tu_mode(path), 0600);
    assert_int_equal(tu_mode(dir), 0700);
    assert_int_equal(tu_mode(top), 0700);
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

/* --- a database the user cannot write ----------------------------------- */

/* Run the binary as the unprivileged user on db; exit status; output in
 * *out and *err.  Skips the test (saying why) if it cannot switch. */
static int run_unpriv(const char *db, char **out, char **err, const char *const args[])
{
    const char *argv[32];
    int n = 0, rc;

    argv[n++] = tu_unpriv_bin();
    argv[n++] = "--db";
    argv[n++] = db;
    for (int i = 0; args[i] != NULL; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    rc = tu_unpriv_run((char *const *)argv, NULL, out, err);
    if (rc < 0 || (tu_unpriv_switches() && rc == 127)) {
        fprintf(stderr,
                "skipped: running as root, and cannot run as \"nobody\" (no %s?) to "
                "test permissions that root would ignore\n",
                "/usr/bin/setpriv");
        skip();
    }
    return rc;
}

/* A seeded database, its directory owned by the unprivileged user. */
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

/* A CSV that renames the body that "find Amtali" finds first. */
static char *rename_csv(const char *db, const char *dir)
{
    char *line = tu_mabdesk(db, "find", "Amtali", NULL);
    char *csv = xasprintf("%s/rename.csv", dir), *text;

    text = xasprintf("id,name_en\n%lld,Amtali Renamed\n", atoll(line));
    assert_int_equal(tu_write_file(csv, text), 0);
    tu_unpriv_give(csv);
    free(text);
    free(line);
    return csv;
}

/* Reading works; a write fails with 74 and want, not as a permission of
 * the session; a viewer's write is still the role's (77). */
static void check_read_only(const char *db, const char *csv, const char *want)
{
    const char *find[] = {"find", "Amtali", NULL};
    const char *viewer_find[] = {"--role", "viewer", "find", "Amtali", NULL};
    const char *export[] = {"export", "municipalities", NULL};
    const char *import[] = {"import", "municipalities", csv, NULL};
    const char *viewer_import[] = {"--role", "viewer", "import", "municipalities", csv, NULL};
    char *out, *err;

    assert_int_equal(run_unpriv(db, &out, &err, find), 0);
    assert_non_null(strstr(out, "\tAmtali\t"));
    free(out);
    free(err);
    assert_int_equal(run_unpriv(db, &out, &err, viewer_find), 0);
    assert_non_null(strstr(out, "\tAmtali\t"));
    free(out);
    free(err);
    assert_int_equal(run_unpriv(db, &out, &err, export), 0);
    assert_int_equal(lines(out), 343); /* header and 342 bodies */
    free(out);
    free(err);
    assert_int_equal(run_unpriv(db, &out, &err, import), 74);
    assert_non_null(strstr(err, want));
    assert_null(strstr(err, "may not"));
    free(out);
    free(err);
    assert_int_equal(run_unpriv(db, &out, &err, viewer_import), 77);
    free(out);
    free(err);
}

/* Writable again: the import works. */
static void check_writable(const char *db, const char *csv)
{
    const char *import[] = {"import", "municipalities", csv, NULL};
    char *out, *err;

    assert_int_equal(run_unpriv(db, &out, &err, import), 0);
    free(out);
    free(err);
    out = tu_mabdesk(db, "find", "Amtali Renamed", NULL);
    assert_non_null(strstr(out, "Amtali Renamed"));
    free(out);
}

static void test_read_only_file(void **state)
{
    char *dir, *db = unpriv_db("rofile", &dir), *csv = rename_csv(db, dir), *want, *side;

    (void)state;
    assert_int_equal(chmod(db, 0444), 0);
    want = xasprintf("the database file %s is not writable", db);
    check_read_only(db, csv, want);
    /* Reading left no -wal or -shm behind (SQLite would have made them
     * with the file's read-only mode, keeping it read-only when made
     * writable again). */
    side = xasprintf("%s-shm", db);
    assert_false(tu_exists(side));
    free(side);
    assert_int_equal(chmod(db, 0644), 0);
    check_writable(db, csv);
    free(want);
    free(csv);
    free(db);
    free(dir);
}

static void test_read_only_directory(void **state)
{
    char *dir, *db = unpriv_db("rodir", &dir), *csv = rename_csv(db, tu_unpriv_dir()), *want;

    (void)state;
    assert_int_equal(chmod(dir, 0555), 0);
    want = xasprintf("the directory %s is not writable", dir);
    check_read_only(db, csv, want);
    assert_int_equal(chmod(dir, 0755), 0);
    check_writable(db, csv);
    free(want);
    free(csv);
    free(db);
    free(dir);
}

/* "serve" logs (to stderr with --log-stderr, as "mabdesk[PID]: ...") what
 * is wrong with its database.  192.0.2.1 (TEST-NET-1) is no address of
 * this machine: the server stops right after opening the database, when
 * it cannot listen there. */
static void test_serve_logs_database_trouble(void **state)
{
    char *dir, *db = unpriv_db("serve", &dir), *empty = xasprintf("%s/empty.db", dir);
    char *state_dir = xasprintf("%s/state", dir), *out, *err, *want;
    const char *serve[] = {"serve",        "--listen", "192.0.2.1:2222", "--state-dir", state_dir,
                           "--log-stderr", NULL};

    (void)state;
    assert_int_equal(tu_write_file(empty, ""), 0);
    tu_unpriv_give(empty);
    assert_int_equal(run_unpriv(empty, &out, &err, serve), 74);
    want = xasprintf("]: %s is empty", empty);
    if (strstr(err, want) == NULL)
        fail_msg("the log should say \"%s\":\n%s", want, err);
    free(want);
    free(out);
    free(err);
    assert_int_equal(chmod(dir, 0555), 0);
    assert_int_equal(run_unpriv(db, &out, &err, serve), 74);
    want = xasprintf("]: changes cannot be saved: the directory %s is not writable", dir);
    if (strstr(err, want) == NULL)
        fail_msg("the log should say \"%s\":\n%s", want, err);
    assert_non_null(strstr(err, "192.0.2.1"));
    assert_int_equal(chmod(dir, 0755), 0);
    free(want);
    free(out);
    free(err);
    free(state_dir);
    free(empty);
    free(db);
    free(dir);
}

static int teardown(void **state)
{
    (void)state;
    tu_unpriv_cleanup();
    tu_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_database_private),
        cmocka_unit_test(test_empty_file_refused),
        cmocka_unit_test(test_not_a_database_refused),
        cmocka_unit_test(test_newer_release_refused),
        cmocka_unit_test(test_read_only_file),
        cmocka_unit_test(test_read_only_directory),
        cmocka_unit_test(test_serve_logs_database_trouble),
    };

    return cmocka_run_group_tests(tests, NULL, teardown);
}
