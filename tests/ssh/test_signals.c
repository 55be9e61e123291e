/*
 * test_signals.c: "mabdesk serve" and its signals, with the real OpenSSH
 * client: SIGHUP re-reads mabdesk.conf (the kiosk account turned off)
 * while an open session goes on; SIGTERM tells the connected user the
 * server is going down, ends the session cleanly and exits 0.
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

#include "fixtures.h"
#include "sshtest.h"
#include "testutil.h"
#include "vt.h"

#include "util.h"

#define KIOSK_OPTS                                                                                 \
    "-o", "PubkeyAuthentication=no", "-o", "PasswordAuthentication=no", "-o",                      \
        "KbdInteractiveAuthentication=no", "-o", "BatchMode=yes"

/* The kiosk account logged in, in the terminal emulator. */
static struct vt *kiosk_vt(void)
{
    const char *argv[] = {"/usr/bin/ssh", SSH_OPTS, KIOSK_OPTS, "-t", "kiosk@127.0.0.1", NULL};
    struct vt *vt = vt_spawn(argv, 24, 80, NULL);

    VT_EXPECT_TEXT(vt, "Public information kiosk");
    return vt;
}

/* The server's system configuration: a file of the test's own. */
static char *use_config(const char *text)
{
    char *path = xasprintf("%s/mabdesk.conf", st_tmp);

    assert_int_equal(tu_write_file(path, text), 0);
    setenv("MABDESK_SYSCONF", path, 1);
    return path;
}

static void test_sighup_reloads_and_keeps_sessions(void **state)
{
    const char *login[] = {"/usr/bin/ssh", SSH_OPTS, KIOSK_OPTS, "-T", "kiosk@127.0.0.1", NULL};
    char *conf = use_config("kiosk = yes\nmax_sessions = 50\n"), *out = NULL, *err = NULL;
    struct vt *vt;

    (void)state;
    st_start_server();
    vt = kiosk_vt();
    assert_int_equal(tu_write_file(conf, "kiosk = no\nmax_sessions = 40\n"), 0);
    kill(st_srv.pid, SIGHUP);
    assert_true(st_wait_log("configuration reloaded: kiosk off", 10000));
    assert_true(st_wait_log("max sessions 40", 1000));
    /* The open session goes on ... */
    tu_open_directory(vt);
    VT_ASSERT(vt, vt_alive(vt));
    /* ... and a new kiosk login is refused like an unknown user. */
    assert_int_equal(st_run(login, NULL, &out, &err), 255);
    assert_non_null(strstr(err, "Permission denied"));
    free(out);
    free(err);
    /* A bad file is logged and the settings in force stay. */
    assert_int_equal(tu_write_file(conf, "kiosk = perhaps\n"), 0);
    kill(st_srv.pid, SIGHUP);
    assert_true(st_wait_log(":1: kiosk: ", 10000));
    assert_true(st_wait_log("configuration not reloaded", 1000));
    vt_close(vt);
    unsetenv("MABDESK_SYSCONF");
    free(conf);
}

static void test_sigterm_tells_users(void **state)
{
    struct vt *vt;
    int st = 0;

    (void)state;
    unsetenv("MABDESK_SYSCONF");
    st_start_server();
    vt = kiosk_vt();
    kill(st_srv.pid, SIGTERM);
    VT_EXPECT_TEXT(vt, "mabdesk: the server is going down");
    assert_int_equal(waitpid(st_srv.pid, &st, 0), st_srv.pid);
    st_srv.pid = 0;
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_true(st_wait_log("session closed for kiosk", 1000));
    vt_close(vt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sighup_reloads_and_keeps_sessions, st_setup,
                                        st_teardown),
        cmocka_unit_test_setup_teardown(test_sigterm_tells_users, st_setup, st_teardown),
    };

    return cmocka_run_group_tests(tests, st_group_setup, st_group_teardown);
}
