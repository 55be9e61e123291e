/*
 * test_help.c: every command and subcommand of the real binary answers
 * --help and -h with its own usage on stdout and exit status 0, without
 * doing anything ("find --help" does not search); and the options each
 * usage lists are the options of its section of packaging/mabdesk.1, and
 * the other way round.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "testutil.h"
#include "util.h"

static char *db_path, *man;

/* The options named in text ("--name" or "-x", not the "-" inside a word),
 * one per line, each once.  roff: text is roff (\- and font escapes). */
static char *options_in(const char *text, int roff)
{
    struct buf plain = {0}, set = {0};
    char *p, *s;

    for (const char *t = text; *t != '\0'; t++) {
        if (roff && t[0] == '\\' && t[1] == '-')
            t++;
        else if (roff && t[0] == '\\' && t[1] == 'f' && t[2] != '\0') {
            t += 2;
            continue;
        }
        buf_addc(&plain, *t);
    }
    s = buf_take(&plain);
    buf_addc(&set, '\n');
    for (p = s; *p != '\0'; p++) {
        size_t n;
        char *opt;

        if (*p != '-' || (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '-')))
            continue;
        if (p[1] == '-' && isalpha((unsigned char)p[2]))
            n = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
        else if (isalpha((unsigned char)p[1]) && !isalnum((unsigned char)p[2]) && p[2] != '-')
            n = 2;
        else
            continue;
        opt = xasprintf("\n%.*s\n", (int)n, p);
        if (strstr(set.data, opt) == NULL)
            buf_adds(&set, opt + 1);
        free(opt);
        p += n - 1;
    }
    free(s);
    return buf_take(&set);
}

/* The text of section name of the man page: from ".SS name" (or ".SH") to
 * the next heading. */
static char *man_section(const char *macro, const char *name)
{
    char *head = xasprintf("\n%s %s\n", macro, name), *from = strstr(man, head), *to;
    char *r;

    if (from == NULL)
        fail_msg("packaging/mabdesk.1 has no \"%s %s\"", macro, name);
    from += strlen(head);
    to = from;
    while ((to = strstr(to, "\n.S")) != NULL && to[3] != 'H' && to[3] != 'S')
        to++;
    r = xstrndup(from, to != NULL ? (size_t)(to - from) : strlen(from));
    free(head);
    return r;
}

/* Every option of set a (one per line) is in set b. */
static void all_in(const char *a, const char *b, const char *what)
{
    for (const char *p = a + 1; *p != '\0'; p = strchr(p, '\n') + 1) {
        char *opt = xasprintf("\n%.*s\n", (int)strcspn(p, "\n"), p);

        if (strstr(b, opt) == NULL)
            fail_msg("%s: %.*s is missing", what, (int)strlen(opt) - 2, opt + 1);
        free(opt);
    }
}

/* args --help and args -h: exit 0, the same usage on stdout, nothing on
 * stderr; returns the usage. */
static char *help_of(const char *const *args)
{
    const char *flags[] = {"--help", "-h"};
    char *first = NULL;

    for (int f = 0; f < 2; f++) {
        char *out, *err;
        int n = 0, rc;
        const char *a[8] = {NULL};

        while (args[n] != NULL)
            a[n] = args[n], n++;
        a[n] = flags[f];
        rc = tu_mabdesk_status(db_path, &out, &err, a[0], a[1], a[2], a[3], a[4], NULL);
        if (rc != 0 || strncmp(out, "usage: mabdesk", 14) != 0 || *err != '\0')
            fail_msg("mabdesk %s %s: exit %d\n%s%s", args[0], flags[f], rc, out, err);
        if (first != NULL)
            assert_string_equal(out, first);
        free(err);
        if (first == NULL)
            first = out;
        else
            free(out);
    }
    return first;
}

static void test_commands(void **state)
{
    static const char *const commands[] = {"run",  "find",        "export",  "import", "serve",
                                           "user", "backup",      "restore", "check",  "config",
                                           "ui",   "subscribers", "digest"};

    (void)state;
    for (size_t i = 0; i < nitems(commands); i++) {
        const char *args[] = {commands[i], NULL};
        char *usage = help_of(args), *section = man_section(".SS", commands[i]);
        char *in_help = options_in(usage, 0), *in_man = options_in(section, 1);
        char *what = xasprintf("%s --help against its section of mabdesk.1", commands[i]);

        all_in(in_help, in_man, what);
        all_in(in_man, in_help, what);
        free(what);
        free(in_help);
        free(in_man);
        free(section);
        free(usage);
    }
    /* Nothing was done: find did not search, so no database was made. */
    assert_false(tu_exists(db_path));
}

static void test_subcommands(void **state)
{
    static const char *const subs[][4] = {
        {"user", "add", NULL},
        {"user", "list", NULL},
        {"user", "disable", NULL},
        {"user", "enable", NULL},
        {"user", "key", NULL},
        {"user", "key", "add"},
        {"user", "key", "remove"},
        {"user", "passwd", NULL},
        {"config", "check", NULL},
        {"config", "show", NULL},
        {"subscribers", "confirm", NULL},
        {"subscribers", "unsubscribe", NULL},
        {"subscribers", "send-confirmations", NULL},
        {"import", "subscribers", NULL},
        {"import", "municipalities", NULL},
        {"export", "contacts", NULL},
    };
    char *section = man_section(".SS", "user"), *in_man = options_in(section, 1);

    (void)state;
    for (size_t i = 0; i < nitems(subs); i++) {
        char *usage = help_of(subs[i]), *in_help = options_in(usage, 0);

        assert_non_null(strstr(usage, subs[i][1]));
        if (strcmp(subs[i][0], "user") == 0)
            all_in(in_help, in_man, "user subcommand --help against mabdesk.1");
        free(in_help);
        free(usage);
    }
    free(in_man);
    free(section);
    assert_false(tu_exists(db_path));
}

static void test_global(void **state)
{
    const char *none[] = {NULL};
    char *usage, *in_help, *options = man_section(".SH", "OPTIONS"), *in_options;
    char *in_page = options_in(man, 1);

    (void)state;
    usage = help_of(none);
    in_help = options_in(usage, 0);
    in_options = options_in(options, 1);
    all_in(in_help, in_page, "mabdesk --help against mabdesk.1");
    all_in(in_options, in_help, "OPTIONS of mabdesk.1 against mabdesk --help");
    free(usage);
    free(in_help);
    free(in_options);
    free(in_page);
    free(options);
}

static void test_usage_errors_exit_64(void **state)
{
    char *out, *err;

    (void)state;
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "config", "frobnicate", NULL), 64);
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "serve", "--frobnicate", NULL), 64);
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "user", "passwd", NULL), 64);
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_subcommands),
        cmocka_unit_test(test_global),
        cmocka_unit_test(test_usage_errors_exit_64),
    };
    const char *top = getenv("MABDESK_TOP");
    char *path = xasprintf("%s/packaging/mabdesk.1", top != NULL ? top : ".");
    int rc;

    man = tu_read_file(path);
    if (man == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    db_path = tu_db_path();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(db_path);
    free(man);
    free(path);
    tu_cleanup();
    return rc;
}
