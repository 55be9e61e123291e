/*
 * test_backup.c: the database's safety copies (src/db/backup.c) and their
 * commands: a backup taken while the real binary imports into the same
 * file is a sound database holding either none or all of the import; it
 * is private (0600) and never the database itself; a check reads a file
 * as it is, without migrating it; a restore refuses while another process
 * has the database open, refuses a damaged or newer copy untouched, and
 * keeps the database it replaces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"
#include "testutil.h"

#include "db/db.h"
#include "util.h"

#define SEED 342
#define ADDED 3000

/* Municipalities in the file at path, read with a connection of its own. */
static long long bodies(const char *path)
{
    return tu_sql_int(path, "SELECT count(*) FROM municipality");
}

static char *integrity_of(const char *path)
{
    return tu_sql_text(path, "PRAGMA integrity_check");
}

/* A CSV of n new bodies. */
static char *big_csv(int n)
{
    char *path = xasprintf("%s/many.csv", tu_tmpdir());
    struct buf b = {0};

    buf_adds(&b, "kind,name_en,name_bn,district\n");
    for (int i = 0; i < n; i++)
        buf_printf(&b, "paurashava,Backup Town %d,\xe0\xa6\x85 %d,Bogura\n", i, i);
    assert_int_equal(tu_write_file(path, b.data), 0);
    buf_free(&b);
    return path;
}

static void test_backup_while_importing(void **state)
{
    char *path = tu_db_path(), *csv = big_csv(ADDED), *err = NULL;
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    int copies = 0, status;
    pid_t pid;

    (void)state;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(tu_bin(), tu_bin(), "--db", path, "import", "municipalities", csv, (char *)NULL);
        _exit(127);
    }
    /* Copies while the import runs, and one after: each is sound and
     * holds the import whole or not at all. */
    for (int done = 0; !done; copies++) {
        char *copy = xasprintf("%s/copy-%d.db", tu_tmpdir(), copies), *ok;
        long long n;

        done = waitpid(pid, &status, WNOHANG) == pid;
        assert_int_equal(db_backup(db, copy, &err), DB_OK);
        assert_int_equal(tu_mode(copy), 0600);
        ok = integrity_of(copy);
        assert_string_equal(ok, "ok");
        n = bodies(copy);
        assert_true(n == SEED || n == SEED + ADDED);
        if (done)
            assert_int_equal(n, SEED + ADDED);
        free(ok);
        free(copy);
    }
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* Never over the database itself; only an administrator. */
    assert_int_equal(db_backup(db, path, &err), DB_INVALID);
    free(err);
    err = NULL;
    db_close(db);
    db = tu_db_open(path, ROLE_EDITOR, 0);
    assert_int_equal(db_backup(db, "x.db", &err), DB_DENIED);
    free(err);
    db_close(db);
    free(csv);
    free(path);
}

/* A process of its own that holds path open until it is killed. */
static pid_t hold_open(const char *path)
{
    int ready[2];
    char c;
    pid_t pid;

    assert_int_equal(pipe(ready), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sqlite3 *h = NULL;

        close(ready[0]);
        if (sqlite3_open(path, &h) != SQLITE_OK ||
            sqlite3_exec(h, "PRAGMA journal_mode = WAL; SELECT count(*) FROM municipality", NULL,
                         NULL, NULL) != SQLITE_OK)
            _exit(1);
        if (write(ready[1], "r", 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    close(ready[1]);
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    return pid;
}

static void test_restore(void **state)
{
    char *path = tu_db_path(), *copy = xasprintf("%s/good.db", tu_tmpdir());
    char *kept = NULL, *err = NULL, *v;
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    pid_t holder;

    (void)state;
    assert_int_equal(db_backup(db, copy, &err), DB_OK);
    assert_true(tu_db_int(db, "UPDATE municipality SET wards = 77 WHERE name_en = 'Amtali' "
                              "RETURNING id") > 0);
    db_close(db);
    /* Refused, untouched, while another process has it open. */
    holder = hold_open(path);
    assert_int_equal(db_restore(path, copy, &kept, &err), DB_BUSY);
    assert_non_null(strstr(err, "in use"));
    free(err);
    err = NULL;
    assert_null(kept);
    assert_int_equal(tu_sql_int(path, "SELECT wards FROM municipality WHERE name_en = 'Amtali'"),
                     77);
    kill(holder, SIGTERM);
    waitpid(holder, NULL, 0);
    /* Then put in place; the replaced database is kept beside it. */
    assert_int_equal(db_restore(path, copy, &kept, &err), DB_OK);
    assert_non_null(kept);
    assert_int_equal(tu_mode(path), 0600);
    v = tu_sql_text(path, "SELECT coalesce(wards, 'none') FROM municipality"
                          " WHERE name_en = 'Amtali'");
    assert_string_equal(v, "none");
    free(v);
    assert_int_equal(tu_sql_int(kept, "SELECT wards FROM municipality WHERE name_en = 'Amtali'"),
                     77);
    free(kept);
    free(copy);
    free(path);
}

static void test_restore_refuses_bad_copies(void **state)
{
    char *path = tu_db_path(), *bad = xasprintf("%s/bad.db", tu_tmpdir());
    char *newer = xasprintf("%s/newer.db", tu_tmpdir()), *kept = NULL, *err = NULL;
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    sqlite3 *h;

    (void)state;
    assert_int_equal(db_backup(db, newer, &err), DB_OK);
    db_close(db);
    assert_int_equal(sqlite3_open(newer, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(tu_write_file(bad, "not a database at all, but long enough to look"), 0);
    assert_int_equal(db_restore(path, bad, &kept, &err), DB_ERROR);
    assert_non_null(strstr(err, "damaged or is not a mabdesk database"));
    free(err);
    err = NULL;
    assert_int_equal(db_restore(path, newer, &kept, &err), DB_NEWER);
    free(err);
    err = NULL;
    assert_int_equal(db_restore(path, "/nonexistent/x.db", &kept, &err), DB_NOTFOUND);
    free(err);
    assert_null(kept);
    assert_int_equal(bodies(path), SEED);
    free(bad);
    free(newer);
    free(path);
}

/* check reads a file as it is: an old one is not migrated by looking. */
static void test_check_reads_as_it_is(void **state)
{
    const char *top = getenv("MABDESK_TOP");
    char *fixture = xasprintf("%s/tests/data/mabdesk-0.1.0.db", top != NULL ? top : ".");
    char *copy = xasprintf("%s/old.db", tu_tmpdir()), *data, *out = NULL, *errout = NULL;
    struct db_health h;
    char *err = NULL;

    (void)state;
    data = tu_read_file(fixture);
    assert_non_null(data);
    free(data);
    {
        char *argv[] = {(char *)"/bin/cp", fixture, copy, NULL};

        assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
    }
    assert_int_equal(db_health(copy, &h, &err), DB_OK);
    assert_int_equal(h.version, 1);
    assert_true(h.latest >= 2);
    assert_string_equal(h.integrity, "ok");
    assert_int_equal(h.fk_problems, 0);
    db_health_free(&h);
    assert_int_equal(tu_sql_int(copy, "PRAGMA user_version"), 1);
    /* The command says the same, and every new command answers --help. */
    assert_int_equal(tu_mabdesk_status(copy, &out, &errout, "check", NULL), 0);
    assert_non_null(strstr(out, "integrity: ok"));
    free(out);
    free(errout);
    assert_int_equal(tu_mabdesk_status(copy, &out, &errout, "restore", "--help", NULL), 0);
    assert_non_null(strstr(out, "usage: mabdesk restore FILE"));
    free(out);
    free(errout);
    free(copy);
    free(fixture);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backup_while_importing),
        cmocka_unit_test(test_restore),
        cmocka_unit_test(test_restore_refuses_bad_copies),
        cmocka_unit_test(test_check_reads_as_it_is),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
