/*
 * test_config.c: mabdesk.conf (src/config.c): defaults, the order of the
 * sources, every kind of error naming the file, the line and the key, and
 * "mabdesk config check|show" with exit status 78 from the real binary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "fixtures.h"
#include "testutil.h"
#include "util.h"

/* Write text to a new file in the temporary directory; its path. */
static char *conf_file(const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", tu_tmpdir(), name);

    assert_int_equal(tu_write_file(path, text), 0);
    return path;
}

/* config_check_file() on text must fail with exactly want. */
static void expect_error(const char *text, int line, const char *key, const char *problem)
{
    char *path = conf_file("bad.conf", text), *err = NULL;
    char *want = xasprintf("%s:%d: %s: ", path, line, key);

    assert_int_equal(config_check_file(path, &err), CONFIG_BAD);
    assert_non_null(err);
    if (strncmp(err, want, strlen(want)) != 0 || strstr(err, problem) == NULL)
        fail_msg("want \"%s...%s\", got \"%s\"", want, problem, err);
    free(err);
    free(want);
    free(path);
}

static void test_defaults(void **state)
{
    struct config c;

    (void)state;
    config_defaults(&c);
    assert_string_equal(config_str(&c, CK_LISTEN), "127.0.0.1:2222 [::1]:2222");
    assert_int_equal(config_int(&c, CK_KIOSK), 1);
    assert_int_equal(config_int(&c, CK_IDLE_TIMEOUT), 900);
    assert_int_equal(config_int(&c, CK_MAX_SESSIONS), 200);
    assert_string_equal(config_str(&c, CK_TIMEZONE), "Asia/Dhaka");
    assert_null(config_str(&c, CK_LANGUAGE));
    assert_int_equal(c.from[CK_KIOSK].src, CONFIG_DEFAULT);
    config_free(&c);
}

static void test_errors_name_file_line_key(void **state)
{
    (void)state;
    expect_error("kiosk = no\n; a comment\nfrobnicate = 1\n", 3, "frobnicate", "unknown key");
    expect_error("\n\nmax_sessions = 0\n", 3, "max_sessions", "from 1 to 100000");
    expect_error("idle_timeout = soon\n", 1, "idle_timeout", "soon");
    expect_error("kiosk = maybe\n", 1, "kiosk", "yes or no");
    expect_error("language = fr\n", 1, "language", "bn or en");
    expect_error("database = relative.db\n", 1, "database", "absolute path");
    expect_error("state_dir = \n", 1, "state_dir", "absolute path");
    expect_error("listen = 127.0.0.1\n", 1, "listen", "ADDR:PORT");
    expect_error("listen = 127.0.0.1:2222 [::1]:99999\n", 1, "listen", "ADDR:PORT");
    expect_error("listen = example.org:22\n", 1, "listen", "ADDR:PORT");
    expect_error("timezone = Mars/Olympus\n", 1, "timezone", "time zone");
    expect_error("kiosk = yes\n  kiosk = no\n", 2, "kiosk", "line 1");
    expect_error("[serve]\nkiosk = no\n", 2, "kiosk", "sections");
    /* The last line without a newline still has its number. */
    expect_error("kiosk = no\npenalty = -1", 2, "penalty", "from 0 to 86400");
}

/* The mail's keys: checked on load, the token where {token} says. */
static void test_mail_keys(void **state)
{
    char *path, *err = NULL, *url;
    struct config c;

    (void)state;
    expect_error("mail_from = MAB <digest@mab>\n", 1, "mail_from", "Name <address@domain>");
    expect_error("mail_from = MAB digest@mab.org.bd\n", 1, "mail_from", "Name <address@domain>");
    expect_error("confirm_url = https://mab.org.bd/confirm\n", 1, "confirm_url", "{token}");
    expect_error("unsubscribe_url = https://mab.org.bd/u/{token}/{token}\n", 1, "unsubscribe_url",
                 "{token} once");
    expect_error("\nconfirm_url = mailto:x@y.z?t={token}\n", 2, "confirm_url", "https://");
    expect_error("confirm_url = https://mab.org.bd/c?t={token}&n=a b\n", 1, "confirm_url",
                 "no spaces");
    expect_error("list_id = <digest>\n", 1, "list_id", "digest.mab.org.bd");
    path = conf_file("mail.conf", "mail_from = Municipal Association of Bangladesh "
                                  "<digest@mab.org.bd>\n"
                                  "confirm_url = https://mab.org.bd/confirm?t={token}\n"
                                  "unsubscribe_url = https://mab.org.bd/u/{token}/\n"
                                  "list_id = digest.mab.org.bd\n");
    assert_int_equal(config_load(&c, path, &err), CONFIG_OK);
    url = config_url(config_str(&c, CK_UNSUBSCRIBE_URL), "abc");
    assert_string_equal(url, "https://mab.org.bd/u/abc/");
    free(url);
    assert_string_equal(config_str(&c, CK_LIST_ID), "digest.mab.org.bd");
    config_free(&c);
    /* Unset by default: the commands refuse rather than guess. */
    config_defaults(&c);
    assert_null(config_str(&c, CK_MAIL_FROM));
    assert_null(config_str(&c, CK_CONFIRM_URL));
    config_free(&c);
    free(path);
}

/* The calendar's first weekday: Saturday unless told Sunday. */
static void test_week_start(void **state)
{
    char *path, *err = NULL;
    struct config c;

    (void)state;
    config_defaults(&c);
    assert_string_equal(config_str(&c, CK_WEEK_START), "saturday");
    assert_int_equal(config_int(&c, CK_WEEK_START), 6);
    config_free(&c);
    expect_error("week_start = monday\n", 1, "week_start", "saturday or sunday");
    path = conf_file("week.conf", "week_start = sunday\n");
    assert_int_equal(config_load(&c, path, &err), CONFIG_OK);
    assert_int_equal(config_int(&c, CK_WEEK_START), 0);
    config_free(&c);
    free(path);
}

static void test_syntax_error_names_line(void **state)
{
    char *path = conf_file("syntax.conf", "kiosk = no\nthis is no setting\n"), *err = NULL;
    char *want = xasprintf("%s:2: ", path);

    (void)state;
    assert_int_equal(config_check_file(path, &err), CONFIG_BAD);
    assert_int_equal(strncmp(err, want, strlen(want)), 0);
    free(err);
    free(want);
    free(path);
}

/* defaults < system < user < --config < environment < command line. */
static void test_order(void **state)
{
    char *sys = conf_file("sys.conf", "kiosk = no\nmax_sessions = 7\nidle_timeout = 60\n"
                                      "database = /srv/sys.db\nlanguage = bn\n");
    char *xdg = xasprintf("%s/xdg", tu_tmpdir()), *dir = xasprintf("%s/mabdesk", xdg);
    char *user = xasprintf("%s/mabdesk.conf", dir), *mine, *err = NULL;
    struct config c, again;

    (void)state;
    tu_remove_tree(xdg);
    assert_int_equal(mkdir(xdg, 0700), 0);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(tu_write_file(user, "max_sessions = 8\nidle_timeout = 61\n"), 0);
    mine = conf_file("mine.conf", "idle_timeout = 62\n");
    setenv("MABDESK_SYSCONF", sys, 1);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    setenv("MABDESK_DB", "/srv/env.db", 1);
    assert_int_equal(config_load(&c, mine, &err), CONFIG_OK);
    assert_int_equal(config_int(&c, CK_KIOSK), 0);
    assert_int_equal(c.from[CK_KIOSK].line, 1);
    assert_string_equal(c.from[CK_KIOSK].file, sys);
    assert_int_equal(config_int(&c, CK_MAX_SESSIONS), 8);
    assert_string_equal(c.from[CK_MAX_SESSIONS].file, user);
    assert_int_equal(config_int(&c, CK_IDLE_TIMEOUT), 62);
    assert_string_equal(config_str(&c, CK_DATABASE), "/srv/env.db");
    assert_int_equal(c.from[CK_DATABASE].src, CONFIG_ENV);
    assert_int_equal(config_override(&c, "--max-sessions", CK_MAX_SESSIONS, "9", &err), CONFIG_OK);
    assert_int_equal(config_override(&c, "--max-sessions", CK_MAX_SESSIONS, "x", &err), CONFIG_BAD);
    assert_non_null(strstr(err, "--max-sessions: "));
    free(err);
    assert_int_equal(config_int(&c, CK_MAX_SESSIONS), 9);

    /* A reload reads the files again and keeps the command line on top. */
    assert_int_equal(tu_write_file(sys, "kiosk = yes\n"), 0);
    assert_int_equal(config_reload(&c, &again, &err), CONFIG_OK);
    assert_int_equal(config_int(&again, CK_KIOSK), 1);
    assert_int_equal(config_int(&again, CK_MAX_SESSIONS), 9);
    assert_int_equal(again.from[CK_MAX_SESSIONS].src, CONFIG_CMDLINE);
    config_free(&again);
    assert_int_equal(tu_write_file(sys, "kiosk = sometimes\n"), 0);
    assert_int_equal(config_reload(&c, &again, &err), CONFIG_BAD);
    assert_non_null(strstr(err, ":1: kiosk: "));
    free(err);
    config_free(&c);

    unsetenv("MABDESK_DB");
    unsetenv("XDG_CONFIG_HOME");
    setenv("MABDESK_SYSCONF", "/nonexistent/mabdesk.conf", 1);
    assert_int_equal(config_load(&c, "/nonexistent/mine.conf", &err), CONFIG_MISSING);
    free(err);
    config_free(&c);
    free(sys);
    free(xdg);
    free(dir);
    free(user);
    free(mine);
}

/* The binary: config check exits 78 naming the place, show says where
 * each value came from, every command reads the system file. */
static void test_binary(void **state)
{
    char *db = xasprintf("%s/cli.db", tu_tmpdir());
    char *bad = conf_file("cli-bad.conf", "kiosk = no\nmax_sessions = lots\n");
    char *good = conf_file("cli-good.conf", "kiosk = no\n");
    char *out, *err, *want = xasprintf("mabdesk: %s:2: max_sessions: ", bad);

    (void)state;
    assert_int_equal(tu_mabdesk_status(db, &out, &err, "config", "check", bad, NULL), 78);
    assert_int_equal(strncmp(err, want, strlen(want)), 0);
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(db, &out, &err, "--config", bad, "find", "x", NULL), 78);
    assert_int_equal(strncmp(err, want, strlen(want)), 0);
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(db, &out, &err, "config", "check", good, NULL), 0);
    free(out);
    free(err);
    out = tu_mabdesk(db, "--config", good, "config", "show", NULL);
    free(want);
    want = xasprintf("kiosk = no\t; %s:1\n", good);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "max_sessions = 200\t; built-in default\n"));
    free(out);
    /* The kiosk account in "user list", as the configuration has it. */
    out = tu_mabdesk(db, "--config", good, "user", "list", NULL);
    assert_string_equal(out, "kiosk\tkiosk\t-\tdisabled\tno-credentials\t0 keys\n");
    free(out);
    free(want);
    free(bad);
    free(good);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_errors_name_file_line_key),
        cmocka_unit_test(test_mail_keys),
        cmocka_unit_test(test_week_start),
        cmocka_unit_test(test_syntax_error_names_line),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_binary),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    tu_cleanup();
    return rc;
}
