/*
 * test_cli.c: the real binary's command line (tu_bin()) on a database in a
 * temporary directory: help, version, usage errors, find in both scripts,
 * export to files and an import that is refused as a whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "testutil.h"
#include "util.h"

#define SEED_BODIES 342
/* বগুড়া, with the nukta written as a separate mark. */
#define BOGURA_BN "\xe0\xa6\xac\xe0\xa6\x97\xe0\xa7\x81\xe0\xa6\xa1\xe0\xa6\xbc\xe0\xa6\xbe"

static char *db_path;

static int count(const char *s, const char *what)
{
    int n = 0;

    for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

static void test_help_version(void **state)
{
    char *out, *err;

    (void)state;
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "--help", NULL), 0);
    assert_non_null(strstr(out, "mabdesk"));
    assert_non_null(strstr(out, "import municipalities"));
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "--version", NULL), 0);
    assert_int_equal(strncmp(out, "mabdesk ", 8), 0);
    free(out);
    free(err);
}

static void test_usage_errors(void **state)
{
    char *out, *err;

    (void)state;
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "--no-such-option", NULL), 64);
    assert_true(strlen(err) > 0);
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "frobnicate", NULL), 64);
    assert_non_null(strstr(err, "frobnicate"));
    free(out);
    free(err);
    assert_int_equal(
        tu_mabdesk_status(db_path, &out, &err, "export", "municipalities", "--format", "xls", NULL),
        64);
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "import", NULL), 64);
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "find", NULL), 64);
    free(out);
    free(err);
}

static void test_find_both_scripts(void **state)
{
    char *out, *err;
    int tabs = 0;

    (void)state;
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "find", "Bogura", NULL), 0);
    assert_non_null(strstr(out, "\tBogura\t"));
    for (const char *p = out; *p != '\0' && *p != '\n'; p++)
        tabs += *p == '\t';
    assert_int_equal(tabs, 6);
    free(out);
    free(err);

    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "find", BOGURA_BN, NULL), 0);
    assert_non_null(strstr(out, "Bogura"));
    free(out);
    free(err);

    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "find", "Qqqxxzz", NULL), 0);
    assert_string_equal(out, "");
    free(out);
    free(err);
}

static void test_export_files(void **state)
{
    char *csv = xasprintf("%s/out.csv", tu_tmpdir());
    char *vcf = xasprintf("%s/out.vcf", tu_tmpdir());
    char *out, *err, *text;

    (void)state;
    assert_int_equal(
        tu_mabdesk_status(db_path, &out, &err, "export", "municipalities", "-o", csv, NULL), 0);
    free(out);
    free(err);
    text = tu_read_file(csv);
    assert_non_null(text);
    assert_int_equal(strncmp(text, "id,version,kind,name_en,name_bn,", 32), 0);
    assert_int_equal(count(text, "\r\n"), SEED_BODIES + 1);
    free(text);

    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "export", "municipalities", "--format",
                                       "vcf", "-o", vcf, NULL),
                     0);
    free(out);
    free(err);
    text = tu_read_file(vcf);
    assert_non_null(text);
    assert_int_equal(count(text, "BEGIN:VCARD\r\n"), SEED_BODIES);
    free(text);

    /* To standard output as well. */
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "export", "municipalities", NULL), 0);
    assert_int_equal(count(out, "\r\n"), SEED_BODIES + 1);
    free(out);
    free(err);
    free(csv);
    free(vcf);
}

/* The first tab-separated line find prints for q (malloc'd). */
static char *find_line(const char *q)
{
    char *out, *err, *nl;

    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "find", q, NULL), 0);
    free(err);
    nl = strchr(out, '\n');
    assert_non_null(nl);
    *nl = '\0';
    return out;
}

static void test_import(void **state)
{
    char *bad = xasprintf("%s/bad.csv", tu_tmpdir());
    char *good = xasprintf("%s/good.csv", tu_tmpdir());
    char *line = find_line("Bogura"), *after, *out, *err, *want, *csv;
    long long id = atoll(line);

    (void)state;
    assert_true(id > 0);
    /* Row 2 is fine, row 3 is not: nothing at all may land. */
    csv = xasprintf("id,name_en,class\n%lld,Renamed Bogura,A\n%lld,Also,Q\n", id, id);
    assert_int_equal(tu_write_file(bad, csv), 0);
    free(csv);
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "import", "municipalities", bad, NULL),
                     65);
    want = xasprintf("%s:3: class: ", bad);
    assert_non_null(strstr(err, want));
    free(want);
    want = xasprintf("%s:3: id: ", bad);
    assert_non_null(strstr(err, want));
    free(want);
    free(out);
    free(err);
    after = find_line("Bogura");
    assert_string_equal(after, line);
    free(after);

    /* A dry run of a good file changes nothing either. */
    csv = xasprintf("id,name_en\n%lld,Renamed Bogura\n", id);
    assert_int_equal(tu_write_file(good, csv), 0);
    free(csv);
    assert_int_equal(
        tu_mabdesk_status(db_path, &out, &err, "import", "municipalities", good, "--dry-run", NULL),
        0);
    assert_non_null(strstr(out, "1"));
    free(out);
    free(err);
    after = find_line("Bogura");
    assert_string_equal(after, line);
    free(after);

    /* For real. */
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "import", "municipalities", good, NULL),
                     0);
    free(out);
    free(err);
    after = find_line("Renamed");
    assert_int_equal(atoll(after), id);
    assert_non_null(strstr(after, "\tRenamed Bogura\t"));
    free(after);

    /* A file that is not there. */
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "import", "municipalities",
                                       "/nonexistent/x.csv", NULL),
                     66);
    free(out);
    free(err);

    free(line);
    free(bad);
    free(good);
}

static void test_bengali_messages(void **state)
{
    char *out, *err;

    (void)state;
    /* The built catalogue turns the usage error Bengali. */
    assert_int_equal(tu_mabdesk_status(db_path, &out, &err, "--lang", "bn", "frobnicate", NULL),
                     64);
    assert_non_null(strstr(err, "frobnicate"));
    assert_non_null(strstr(err, "\xe0\xa6")); /* Bengali block */
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_version),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_find_both_scripts),
        cmocka_unit_test(test_export_files),
        cmocka_unit_test(test_import),
        cmocka_unit_test(test_bengali_messages),
    };
    int rc;

    db_path = tu_db_path();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(db_path);
    tu_cleanup();
    return rc;
}
