/*
 * test_import_kill.c: an import killed with SIGKILL at any moment -- while
 * it reads, while it writes its parts, while it builds the search index or
 * commits -- leaves the database whole (integrity_check "ok") and holding
 * either none of the file's rows or all of them, never a part; the next
 * import then brings them all in.  The real binary on a real file, killed
 * at several moments across the import's length.
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
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "testutil.h"
#include "util.h"

#define ROWS 20000

static char *big_file(void)
{
    char *path = xasprintf("%s/many.csv", tu_tmpdir());
    struct buf b = {0};

    buf_adds(&b, "email,name,lang\n");
    for (int i = 0; i < ROWS; i++)
        buf_printf(&b, "killed%06d@example.org,Reader %d,%s\n", i, i, i % 2 ? "bn" : "en");
    assert_int_equal(tu_write_file(path, b.data), 0);
    buf_free(&b);
    return path;
}

/* Run the import and kill it after ms milliseconds (if it still runs):
 * 1 if it was killed, 0 if it had finished. */
static int import_killed_after(const char *db, const char *csv, int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    int status = 0;
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);

        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(tu_bin(), tu_bin(), "--db", db, "import", "subscribers", csv, (char *)NULL);
        _exit(127);
    }
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static void test_killed_import_all_or_nothing(void **state)
{
    const char *db = tu_test_db();
    char *csv = big_file(), *ok;
    int killed = 0;
    long long n;

    (void)state;
    tu_create_db(db);
    /* From the first instant to past the end of a whole import. */
    for (int ms = 50; ms <= 6400; ms *= 2) {
        killed += import_killed_after(db, csv, ms);
        ok = tu_sql_text(db, "PRAGMA integrity_check");
        assert_string_equal(ok, "ok");
        free(ok);
        n = tu_sql_int(db, "SELECT count(*) FROM subscriber");
        if (n != 0 && n != ROWS)
            fail_msg("killed after %d ms: %lld of %d rows", ms, n, ROWS);
        assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit"
                                        " WHERE record_kind = 'subscriber'"),
                         n);
        if (n == ROWS)
            break;
    }
    assert_true(killed >= 1);
    /* Whatever the kills left, an import now brings the whole file. */
    free(tu_mabdesk(db, "import", "subscribers", csv, NULL));
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM subscriber"), ROWS);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM subscriber_fts"
                                    " WHERE subscriber_fts MATCH 'killed019999'"),
                     1);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_killed_import_all_or_nothing, tu_screen_setup,
                                        tu_screen_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
