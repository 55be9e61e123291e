/*
 * test_hostkey.c: the SSH server's host keys (src/ssh/hostkey.c) are
 * private: made 0600 in a state directory made 0700, whatever the umask,
 * and a key that others can read is refused rather than used.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixtures.h"
#include "testutil.h"

#include "ssh/serve_internal.h"
#include "util.h"

static int mode_of(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        fail_msg("stat %s failed", path);
    return (int)(st.st_mode & 07777);
}

static void test_keys_private_whatever_the_umask(void **state)
{
    char *dir = xasprintf("%s/state/mabdesk", tu_tmpdir()), *err = NULL;
    mode_t old = umask(0);
    char **paths;
    int n;

    (void)state;
    assert_int_equal(hostkey_ensure(dir, &err), 0);
    umask(old);
    assert_int_equal(mode_of(dir), 0700);
    hostkey_paths(dir, &paths, &n);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        assert_int_equal(mode_of(paths[i]), 0600);
        free(paths[i]);
    }
    free(paths);
    free(dir);
}

static void test_readable_key_refused(void **state)
{
    char *dir = xasprintf("%s/state2", tu_tmpdir()), *err = NULL;
    char **paths;
    int n;

    (void)state;
    assert_int_equal(hostkey_ensure(dir, &err), 0);
    hostkey_paths(dir, &paths, &n);
    assert_int_equal(chmod(paths[0], 0644), 0);
    assert_int_equal(hostkey_ensure(dir, &err), -1);
    assert_non_null(strstr(err, paths[0]));
    assert_non_null(strstr(err, "chmod 600"));
    free(err);
    for (int i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_private_whatever_the_umask),
        cmocka_unit_test(test_readable_key_refused),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
