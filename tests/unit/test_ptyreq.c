/*
 * test_ptyreq.c: the session channel's requests as values
 * (src/ssh/ptyreq.c): terminal types, sizes and environment variables a
 * client may send, and what of them reaches the UI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssh/ptyreq.h"

static void test_term_names(void **state)
{
    char name[80];

    (void)state;
    assert_true(ptyreq_term_plain("xterm-256color"));
    assert_true(ptyreq_term_plain("screen.xterm-256color"));
    assert_true(ptyreq_term_plain("linux"));
    assert_true(ptyreq_term_plain("rxvt+unicode_x"));
    assert_false(ptyreq_term_plain(NULL));
    assert_false(ptyreq_term_plain(""));
    /* Control characters, spaces, paths and the like. */
    assert_false(ptyreq_term_plain("xterm\x1b]0;owned\x07"));
    assert_false(ptyreq_term_plain("xterm\n"));
    assert_false(ptyreq_term_plain("xterm 256"));
    assert_false(ptyreq_term_plain("../../tmp/evil"));
    assert_false(ptyreq_term_plain("x/term"));
    assert_false(ptyreq_term_plain("\xc3\xa9term"));
    /* 60 characters at most. */
    memset(name, 'x', sizeof name);
    name[60] = '\0';
    assert_true(ptyreq_term_plain(name));
    name[60] = 'x';
    name[61] = '\0';
    assert_false(ptyreq_term_plain(name));
}

static void test_pty_request(void **state)
{
    struct ptyreq_pty p;
    char longname[200];

    (void)state;
    assert_int_equal(ptyreq_pty(0, 0, "xterm-256color", 132, 43, &p), 0);
    assert_string_equal(p.term, "xterm-256color");
    assert_int_equal(p.cols, 132);
    assert_int_equal(p.rows, 43);
    /* A name that is no terminfo name is granted a pty, with the
     * server's choice of terminal: "" here. */
    assert_int_equal(ptyreq_pty(0, 0, "vt100\x1b[2J", 80, 24, &p), 0);
    assert_string_equal(p.term, "");
    assert_int_equal(ptyreq_pty(0, 0, NULL, 80, 24, &p), 0);
    assert_string_equal(p.term, "");
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(ptyreq_pty(0, 0, longname, 80, 24, &p), 0);
    assert_string_equal(p.term, "");
    /* A plain name without a terminfo entry is the session's to judge. */
    assert_int_equal(ptyreq_pty(0, 0, "no-such-terminal", 80, 24, &p), 0);
    assert_string_equal(p.term, "no-such-terminal");
    /* One pty per channel, none after the shell or command. */
    assert_int_equal(ptyreq_pty(1, 0, "xterm", 80, 24, &p), -1);
    assert_int_equal(ptyreq_pty(0, 1, "xterm", 80, 24, &p), -1);
}

static void test_sizes(void **state)
{
    int c = 0, r = 0;

    (void)state;
    ptyreq_size(80, 24, &c, &r);
    assert_int_equal(c, 80);
    assert_int_equal(r, 24);
    ptyreq_size(1, 1, &c, &r);
    assert_int_equal(c, 1);
    assert_int_equal(r, 1);
    /* 0: the client did not say. */
    ptyreq_size(0, 0, &c, &r);
    assert_int_equal(c, 80);
    assert_int_equal(r, 24);
    /* The limits hold, and beyond them the limits. */
    ptyreq_size(500, 200, &c, &r);
    assert_int_equal(c, 500);
    assert_int_equal(r, 200);
    ptyreq_size(501, 201, &c, &r);
    assert_int_equal(c, 500);
    assert_int_equal(r, 200);
    ptyreq_size(65535, 65535, &c, &r);
    assert_int_equal(c, 500);
    assert_int_equal(r, 200);
    ptyreq_size(INT_MAX, INT_MAX, &c, &r);
    assert_int_equal(c, 500);
    assert_int_equal(r, 200);
    /* A uint32 over 2^31 arrives negative. */
    ptyreq_size(-1, INT_MIN, &c, &r);
    assert_int_equal(c, 80);
    assert_int_equal(r, 24);
}

static void test_window_change(void **state)
{
    int c = -7, r = -7;

    (void)state;
    assert_int_equal(ptyreq_window(0, 100, 30, &c, &r), -1);
    assert_int_equal(c, -7);
    assert_int_equal(r, -7);
    assert_int_equal(ptyreq_window(1, 100, 30, &c, &r), 0);
    assert_int_equal(c, 100);
    assert_int_equal(r, 30);
    assert_int_equal(ptyreq_window(1, 70000, -5, &c, &r), 0);
    assert_int_equal(c, 500);
    assert_int_equal(r, 24);
}

static void test_env_names(void **state)
{
    char name[40];

    (void)state;
    assert_true(ptyreq_env_ok("LANG", "bn_BD.UTF-8"));
    assert_true(ptyreq_env_ok("LC_MESSAGES", "bn_BD.UTF-8"));
    assert_true(ptyreq_env_ok("LC_TIME", "en_GB.UTF-8"));
    assert_true(ptyreq_env_ok("LC_PAPER", "C"));
    /* LC_ALL would override the session's language. */
    assert_false(ptyreq_env_ok("LC_ALL", "C"));
    assert_false(ptyreq_env_ok("LANGUAGE", "bn"));
    assert_false(ptyreq_env_ok("PATH", "/tmp"));
    assert_false(ptyreq_env_ok("LD_PRELOAD", "/tmp/x.so"));
    assert_false(ptyreq_env_ok("TERM", "xterm"));
    assert_false(ptyreq_env_ok("MABDESK_DB", "/tmp/other.db"));
    assert_false(ptyreq_env_ok("LC_time", "C"));
    assert_false(ptyreq_env_ok("LC_TIME=", "C"));
    assert_false(ptyreq_env_ok("lang", "C"));
    assert_false(ptyreq_env_ok("LA", "C"));
    assert_false(ptyreq_env_ok("", "C"));
    assert_false(ptyreq_env_ok(NULL, "C"));
    /* 31 characters at most. */
    snprintf(name, sizeof name, "LC_%s", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_int_equal(strlen(name), 31);
    assert_true(ptyreq_env_ok(name, "C"));
    strcat(name, "A");
    assert_false(ptyreq_env_ok(name, "C"));
}

static void test_env_values(void **state)
{
    char value[80];

    (void)state;
    assert_true(ptyreq_env_ok("LANG", "C.UTF-8"));
    assert_true(ptyreq_env_ok("LANG", "sr_RS.UTF-8@latin"));
    assert_true(ptyreq_env_ok("LANG", ""));
    assert_false(ptyreq_env_ok("LANG", NULL));
    assert_false(ptyreq_env_ok("LANG", "C.UTF-8\x1b[2J"));
    assert_false(ptyreq_env_ok("LANG", "C.UTF-8\n"));
    assert_false(ptyreq_env_ok("LANG", "/tmp/locale"));
    assert_false(ptyreq_env_ok("LANG", "C;id"));
    assert_false(ptyreq_env_ok("LANG", "bn BD"));
    assert_false(ptyreq_env_ok("LANG", "\xe0\xa6\xac\xe0\xa6\xbe"));
    /* 63 characters at most. */
    memset(value, 'a', 63);
    value[63] = '\0';
    assert_true(ptyreq_env_ok("LANG", value));
    value[63] = 'a';
    value[64] = '\0';
    assert_false(ptyreq_env_ok("LANG", value));
}

static void free_env(char **env, int n)
{
    for (int i = 0; i < n; i++)
        free(env[i]);
}

static void test_env_kept(void **state)
{
    char *env[4];
    int n = 0;

    (void)state;
    assert_int_equal(ptyreq_env(env, &n, 4, "LANG", "C.UTF-8"), 0);
    assert_int_equal(ptyreq_env(env, &n, 4, "PATH", "/tmp"), -1);
    assert_int_equal(ptyreq_env(env, &n, 4, "LC_TIME", "en_GB.UTF-8"), 0);
    assert_int_equal(n, 2);
    assert_string_equal(env[0], "LANG=C.UTF-8");
    assert_string_equal(env[1], "LC_TIME=en_GB.UTF-8");
    /* Sent again, a name replaces its value: the last one wins, as with
     * sshd (regression: both were kept, and the first one won). */
    assert_int_equal(ptyreq_env(env, &n, 4, "LANG", "bn_BD.UTF-8"), 0);
    assert_int_equal(n, 2);
    assert_string_equal(env[0], "LANG=bn_BD.UTF-8");
    /* "LC_" is not a prefix of "LC_TIME" here: a name of its own. */
    assert_int_equal(ptyreq_env(env, &n, 4, "LC_", "C"), 0);
    assert_int_equal(ptyreq_env(env, &n, 4, "LC_NAME", "C"), 0);
    assert_int_equal(n, 4);
    assert_string_equal(env[1], "LC_TIME=en_GB.UTF-8");
    /* Full: a new name is refused, a known one still replaced. */
    assert_int_equal(ptyreq_env(env, &n, 4, "LC_PAPER", "C"), -1);
    assert_int_equal(ptyreq_env(env, &n, 4, "LC_NAME", "bn_BD.UTF-8"), 0);
    assert_int_equal(n, 4);
    assert_string_equal(env[3], "LC_NAME=bn_BD.UTF-8");
    /* A refused value leaves the old one. */
    assert_int_equal(ptyreq_env(env, &n, 4, "LANG", "C\x1b"), -1);
    assert_string_equal(env[0], "LANG=bn_BD.UTF-8");
    free_env(env, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_term_names), cmocka_unit_test(test_pty_request),
        cmocka_unit_test(test_sizes),      cmocka_unit_test(test_window_change),
        cmocka_unit_test(test_env_names),  cmocka_unit_test(test_env_values),
        cmocka_unit_test(test_env_kept),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
