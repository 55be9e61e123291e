/*
 * test_db_files.c: db_open() on database files that are not fine: a new
 * one is private (0600, its -wal and -shm too, new directories 0700); an
 * existing one that is empty, an empty SQLite database, another program's,
 * cut short or from a newer release is refused and left byte for byte as
 * it was; one this process cannot write (the file, or its directory) is
 * read, and writes to it fail with what is wrong rather than as a
 * permission of the session.
 *
 * The unwritable cases run in a child process as a user whom permission
 * bits bind (unpriv.h): as root, "nobody".  Such a child checks with
 * CHILD_CHECK (cmocka's asserts cannot leave a child) and exits non-zero
 * on the first failure, saying which.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"
#include "testutil.h"
#include "unpriv.h"

#include "db/db.h"
#include "db/internal.h"
#include "util.h"

/* The whole file (it may hold NULs), and its size in *n. */
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

/* Asserts path still holds exactly n bytes of data, and has no -wal. */
static void assert_untouched(const char *path, const char *data, long n)
{
    long m;
    char *now = slurp(path, &m), *wal = xasprintf("%s-wal", path);

    assert_int_equal(m, n);
    assert_memory_equal(now, data, (size_t)n);
    assert_false(tu_exists(wal));
    free(wal);
    free(now);
}

/* db_open() of path as role must fail with status and a message naming
 * the file and holding want; returns nothing, frees everything. */
static void assert_refused(const char *path, enum role r, int status, const char *want)
{
    struct session s = tu_session(r, 0);
    struct db *db = NULL;
    char *err = NULL;

    assert_int_equal(db_open(&db, path, &s, &err), status);
    assert_null(db);
    assert_non_null(err);
    if (strstr(err, path) == NULL || strstr(err, want) == NULL)
        fail_msg("message \"%s\" should name %s and say \"%s\"", err, path, want);
    free(err);
}

static void test_new_file_private(void **state)
{
    mode_t old = umask(0);
    char *dir = xasprintf("%s/made/here", tu_tmpdir());
    char *path = xasprintf("%s/mabdesk.db", dir);
    char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
    char *made = xasprintf("%s/made", tu_tmpdir());
    struct dirent *e;
    struct db *db;
    DIR *d;

    (void)state;
    /* Even with a umask that lets everyone read what is created. */
    db = tu_db_open(path, ROLE_ADMIN, 0);
    umask(old);
    assert_int_equal(tu_mode(path), 0600);
    /* SQLite creates these as the open connection reads and writes. */
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM municipality"), 342);
    assert_int_equal(tu_mode(wal), 0600);
    assert_int_equal(tu_mode(shm), 0600);
    assert_int_equal(tu_mode(made), 0700);
    assert_int_equal(tu_mode(dir), 0700);
    db_close(db);
    /* Nothing of the making is left beside it. */
    d = opendir(dir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        assert_true(e->d_name[0] == '.' || strcmp(e->d_name, "mabdesk.db") == 0);
    closedir(d);
    free(made);
    free(wal);
    free(shm);
    free(path);
    free(dir);
}

static void test_empty_file_refused(void **state)
{
    char *path = tu_db_path(), *shm = xasprintf("%s-shm", path);
    enum role roles[] = {ROLE_ADMIN, ROLE_VIEWER};

    (void)state;
    assert_int_equal(tu_write_file(path, ""), 0);
    for (size_t i = 0; i < nitems(roles); i++) {
        assert_refused(path, roles[i], DB_ERROR, "is empty");
        assert_refused(path, roles[i], DB_ERROR, "restore it from a backup copy");
        assert_untouched(path, "", 0);
        assert_false(tu_exists(shm));
    }
    free(shm);
    free(path);
}

/* A SQLite file made with sql through a plain connection. */
static void make_sqlite(const char *path, const char *sql)
{
    sqlite3 *h;

    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(h), SQLITE_OK);
}

static void test_not_ours_refused(void **state)
{
    char *empty = tu_db_path(), *other = tu_db_path(), *data;
    long n;

    (void)state;
    /* user_version 0 and no tables, but not 0 bytes. */
    make_sqlite(empty, "CREATE TABLE t(x); DROP TABLE t; VACUUM");
    data = slurp(empty, &n);
    assert_true(n > 0);
    assert_refused(empty, ROLE_ADMIN, DB_ERROR, "empty SQLite database");
    assert_refused(empty, ROLE_ADMIN, DB_ERROR, "backup copy");
    assert_untouched(empty, data, n);
    free(data);
    /* Another program's database: never given mabdesk's tables. */
    make_sqlite(other, "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);"
                       "INSERT INTO notes(body) VALUES ('keep me')");
    data = slurp(other, &n);
    assert_refused(other, ROLE_ADMIN, DB_ERROR, "not a mabdesk database");
    assert_refused(other, ROLE_KIOSK, DB_ERROR, "--db");
    assert_untouched(other, data, n);
    free(data);
    free(empty);
    free(other);
}

static void test_damaged_refused(void **state)
{
    char *cut = tu_db_path(), *junk = tu_db_path(), *data;
    struct db *db = tu_db_open(cut, ROLE_ADMIN, 0);
    long n;

    (void)state;
    db_close(db);
    /* Cut short, as by a full disk or an interrupted copy. */
    assert_int_equal(truncate(cut, 64 * 1024), 0);
    data = slurp(cut, &n);
    assert_refused(cut, ROLE_ADMIN, DB_ERROR, "is damaged");
    assert_refused(cut, ROLE_VIEWER, DB_ERROR, "restore it from a backup copy");
    assert_untouched(cut, data, n);
    free(data);
    /* Not a SQLite file at all. */
    assert_int_equal(tu_write_file(junk, "id,name_en\n1,Amtali\n"), 0);
    assert_refused(junk, ROLE_ADMIN, DB_ERROR, "not a mabdesk database");
    assert_refused(junk, ROLE_ADMIN, DB_ERROR, "move it aside");
    data = slurp(junk, &n);
    assert_untouched(junk, data, n);
    free(data);
    free(cut);
    free(junk);
}

static void test_newer_left_untouched(void **state)
{
    char *path = tu_db_path(), *sql, *data;
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    enum role roles[] = {ROLE_ADMIN, ROLE_VIEWER};
    long n;

    (void)state;
    db_close(db);
    /* A newer release might have left the file out of WAL mode: even
     * switching it back would change it. */
    sql = xasprintf("PRAGMA journal_mode=DELETE; PRAGMA user_version=%d", db_nmigrations + 1);
    make_sqlite(path, sql);
    free(sql);
    data = slurp(path, &n);
    for (size_t i = 0; i < nitems(roles); i++) {
        assert_refused(path, roles[i], DB_NEWER, "newer release");
        assert_untouched(path, data, n);
    }
    free(data);
    free(path);
}

/* --- files this process cannot write ------------------------------------ */

#define CHILD_CHECK(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: in the child: %s\n", __FILE__, __LINE__, #cond);               \
            _exit(1);                                                                              \
        }                                                                                          \
    } while (0)

enum { CHILD_CANNOT_SWITCH = 77 };

/* Run fn(arg) in a child as the unprivileged user; fails the test if the
 * child does, skips it (saying why) if the child cannot switch users. */
static void as_unprivileged(void (*fn)(const char *), const char *arg)
{
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (tu_unpriv_become() != 0)
            _exit(CHILD_CANNOT_SWITCH);
        fn(arg);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_CANNOT_SWITCH) {
        fprintf(stderr, "skipped: running as root, and cannot become \"nobody\" to test "
                        "permissions that root would ignore\n");
        skip();
    }
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* A seeded database in a directory of its own that the unprivileged user
 * owns; path in *path (malloc'd), the directory returned (malloc'd). */
static char *unpriv_db(const char *name, char **path)
{
    char *dir = xasprintf("%s/%s", tu_unpriv_dir(), name);
    struct db *db;

    assert_int_equal(mkdir(dir, 0755), 0);
    tu_unpriv_give(dir);
    *path = xasprintf("%s/mabdesk.db", dir);
    db = tu_db_open(*path, ROLE_ADMIN, 0);
    db_close(db);
    tu_unpriv_give(*path);
    return dir;
}

/* Open path as role; reading works.  The handle. */
static struct db *child_open(const char *path, enum role r)
{
    struct session s = tu_session(r, 0);
    struct db *db = NULL;
    struct record_query q = {0};
    char *err = NULL;
    int n = 0;

    if (db_open(&db, path, &s, &err) != DB_OK) {
        fprintf(stderr, "db_open %s: %s\n", path, err);
        _exit(1);
    }
    q.search = "Amtali";
    CHILD_CHECK(db_record_count(db, &kind_municipality, &q, &n, &err) == DB_OK && n == 1);
    return db;
}

/* Change Amtali's wards: the status and *err of the save. */
static int child_save(struct db *db, char **err)
{
    struct record m;
    struct record_query q = {0};
    struct record_row *rows = NULL;
    int n = 0, rc;

    q.search = "Amtali";
    CHILD_CHECK(db_record_page(db, &kind_municipality, &q, 0, 1, &rows, &n, err) == DB_OK &&
                n == 1);
    record_init(&m, &kind_municipality);
    CHILD_CHECK(db_record_get(db, &kind_municipality, rows[0].id, &m, err) == DB_OK);
    record_rows_free(&kind_municipality, rows, n);
    record_set(&m, MF_WARDS, "11");
    rc = db_record_save(db, &m, NULL, NULL, err);
    record_free(&m);
    return rc;
}

/* Reading works for every session; a session that may write is told, on
 * opening and on saving, what is wrong (want), as DB_ERROR; one that may
 * not is refused as before; and no -wal or -shm is left behind. */
static void child_read_only(const char *want)
{
    const char *path = getenv("TEST_DB");
    char *err = NULL, *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
    struct db *db = child_open(path, ROLE_ADMIN);

    CHILD_CHECK(db_read_only_reason(db) != NULL);
    CHILD_CHECK(strstr(db_read_only_reason(db), want) != NULL);
    CHILD_CHECK(child_save(db, &err) == DB_ERROR);
    CHILD_CHECK(strcmp(err, db_read_only_reason(db)) == 0);
    free(err);
    err = NULL;
    db_close(db);
    db = child_open(path, ROLE_VIEWER);
    CHILD_CHECK(child_save(db, &err) == DB_DENIED);
    free(err);
    db_close(db);
    CHILD_CHECK(access(wal, F_OK) != 0 && access(shm, F_OK) != 0);
    free(wal);
    free(shm);
}

/* Writable: saving works. */
static void child_writable(const char *unused)
{
    struct db *db = child_open(getenv("TEST_DB"), ROLE_ADMIN);
    char *err = NULL;

    (void)unused;
    CHILD_CHECK(db_read_only_reason(db) == NULL);
    CHILD_CHECK(child_save(db, &err) == DB_OK);
    db_close(db);
}

static void test_read_only_file(void **state)
{
    char *path, *dir = unpriv_db("rofile", &path), *want;

    (void)state;
    setenv("TEST_DB", path, 1);
    assert_int_equal(chmod(path, 0444), 0);
    want = xasprintf("the database file %s is not writable", path);
    as_unprivileged(child_read_only, want);
    free(want);
    /* Made writable again, it is writable: reading it left no read-only
     * -shm behind that would keep it read-only. */
    assert_int_equal(chmod(path, 0644), 0);
    as_unprivileged(child_writable, NULL);
    unsetenv("TEST_DB");
    free(path);
    free(dir);
}

static void test_read_only_directory(void **state)
{
    char *path, *dir = unpriv_db("rodir", &path), *want;

    (void)state;
    setenv("TEST_DB", path, 1);
    assert_int_equal(chmod(dir, 0555), 0);
    want = xasprintf("the directory %s is not writable", dir);
    as_unprivileged(child_read_only, want);
    free(want);
    assert_int_equal(chmod(dir, 0755), 0);
    as_unprivileged(child_writable, NULL);
    unsetenv("TEST_DB");
    free(path);
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
        cmocka_unit_test(test_new_file_private),     cmocka_unit_test(test_empty_file_refused),
        cmocka_unit_test(test_not_ours_refused),     cmocka_unit_test(test_damaged_refused),
        cmocka_unit_test(test_newer_left_untouched), cmocka_unit_test(test_read_only_file),
        cmocka_unit_test(test_read_only_directory),
    };

    return cmocka_run_group_tests(tests, NULL, teardown);
}
