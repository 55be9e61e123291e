/*
 * test_muni.c: the municipality record (src/muni.c): the field table, the
 * record's memory handling and every validation rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

#include "kinds/kinds.h"
#include "util.h"

static int ok(int f, const char *v)
{
    char msg[256];

    return record_check_field(&kind_municipality, f, v, msg, sizeof msg) == NULL;
}

static void test_field_table(void **state)
{
    (void)state;
    for (int i = 0; i < MF_COUNT; i++) {
        assert_non_null(kind_municipality.fields[i].key);
        assert_non_null(kind_municipality.fields[i].label);
        assert_true(kind_municipality.fields[i].max_len > 0);
        assert_int_equal(kind_field_by_key(&kind_municipality, kind_municipality.fields[i].key), i);
        if (kind_municipality.fields[i].type == FT_CHOICE) {
            assert_non_null(kind_municipality.fields[i].choices);
            assert_non_null(kind_municipality.fields[i].choice_labels);
        }
    }
    assert_int_equal(kind_field_by_key(&kind_municipality, "name_bn"), MF_NAME_BN);
    assert_int_equal(kind_field_by_key(&kind_municipality, "district"), MF_DISTRICT);
    assert_int_equal(kind_field_by_key(&kind_municipality, "nope"), -1);
    assert_int_equal(kind_field_by_key(&kind_municipality, NULL), -1);
    assert_string_equal(kind_municipality.fields[MF_KIND].choices[0], "paurashava");
    assert_string_equal(kind_municipality.fields[MF_KIND].choices[1], "city_corporation");
    assert_null(kind_municipality.fields[MF_KIND].choices[2]);
    assert_string_equal(kind_municipality.fields[MF_CLASS].choices[3], "");
    assert_true(kind_municipality.fields[MF_NAME_EN].required);
    assert_true(kind_municipality.fields[MF_NAME_BN].required);
    assert_true(kind_municipality.fields[MF_DISTRICT].required);
    assert_false(kind_municipality.fields[MF_CLASS].required);
}

static void test_init_set_copy(void **state)
{
    struct record a, b;

    (void)state;
    record_init(&a, &kind_municipality);
    for (int i = 0; i < MF_COUNT; i++)
        assert_string_equal(a.f[i], "");
    /* Trimmed and NFC: U+09C7 U+09BE becomes U+09CB. */
    record_set(&a, MF_NAME_BN, "  \xe0\xa6\xac\xe0\xa7\x87\xe0\xa6\xbe  ");
    assert_string_equal(a.f[MF_NAME_BN], "\xe0\xa6\xac\xe0\xa7\x8b");
    record_set(&a, MF_NAME_EN, NULL);
    assert_string_equal(a.f[MF_NAME_EN], "");
    record_set(&a, MF_NAME_EN, "Savar");
    a.id = 7;
    a.version = 3;
    str_set(&a.x[MX_SOURCE], "somewhere");
    record_init(&b, &kind_municipality);
    record_copy(&b, &a);
    assert_int_equal(b.id, 7);
    assert_int_equal(b.version, 3);
    assert_string_equal(b.f[MF_NAME_EN], "Savar");
    assert_string_equal(b.x[MX_SOURCE], "somewhere");
    assert_ptr_not_equal(b.f[MF_NAME_EN], a.f[MF_NAME_EN]);
    record_copy(&b, &b); /* self-copy must be safe */
    assert_string_equal(b.f[MF_NAME_EN], "Savar");
    record_free(&a);
    record_free(&b);
}

static void test_required_and_choices(void **state)
{
    (void)state;
    assert_false(ok(MF_NAME_EN, ""));
    assert_false(ok(MF_NAME_EN, "   "));
    assert_true(ok(MF_NAME_EN, "Savar"));
    assert_false(ok(MF_NAME_BN, ""));
    assert_false(ok(MF_DISTRICT, ""));
    assert_true(ok(MF_KIND, "paurashava"));
    assert_true(ok(MF_KIND, "city_corporation"));
    assert_false(ok(MF_KIND, ""));
    assert_false(ok(MF_KIND, "village"));
    assert_true(ok(MF_CLASS, "A"));
    assert_true(ok(MF_CLASS, "B"));
    assert_true(ok(MF_CLASS, "C"));
    assert_true(ok(MF_CLASS, ""));
    assert_false(ok(MF_CLASS, "D"));
    assert_false(ok(MF_CLASS, "a"));
    assert_false(ok(MF_CLASS, "AB"));
    assert_true(ok(MF_MAYOR_EN, ""));
}

static void test_numbers(void **state)
{
    char year[16];
    time_t now = time(NULL);
    struct tm tm;

    (void)state;
    localtime_r(&now, &tm);
    assert_true(ok(MF_ESTABLISHED, ""));
    assert_true(ok(MF_ESTABLISHED, "1850"));
    assert_true(ok(MF_ESTABLISHED, "1869"));
    snprintf(year, sizeof year, "%d", tm.tm_year + 1900);
    assert_true(ok(MF_ESTABLISHED, year));
    snprintf(year, sizeof year, "%d", tm.tm_year + 1901);
    assert_false(ok(MF_ESTABLISHED, year));
    assert_false(ok(MF_ESTABLISHED, "1849"));
    assert_false(ok(MF_ESTABLISHED, "19x9"));
    assert_false(ok(MF_ESTABLISHED, "-1900"));

    assert_true(ok(MF_WARDS, "1"));
    assert_true(ok(MF_WARDS, "54"));
    assert_false(ok(MF_WARDS, "0"));
    assert_false(ok(MF_WARDS, "-3"));
    assert_false(ok(MF_WARDS, "2.5"));
    assert_false(ok(MF_WARDS, "nine"));

    assert_true(ok(MF_POPULATION, "0"));
    assert_true(ok(MF_POPULATION, "1234567"));
    assert_false(ok(MF_POPULATION, "-1"));
    assert_false(ok(MF_POPULATION, "1,234"));
    assert_false(ok(MF_POPULATION, "99999999999999999999999")); /* too long / overflow */

    assert_true(ok(MF_AREA, "12.5"));
    assert_true(ok(MF_AREA, "0.25"));
    assert_true(ok(MF_AREA, "306"));
    assert_false(ok(MF_AREA, "0"));
    assert_false(ok(MF_AREA, "0.0"));
    assert_false(ok(MF_AREA, "-4"));
    assert_false(ok(MF_AREA, "1.2.3"));
    assert_false(ok(MF_AREA, "12 km"));
    assert_false(ok(MF_AREA, "."));
    assert_false(ok(MF_AREA, "inf"));
}

static void test_contacts(void **state)
{
    (void)state;
    assert_true(ok(MF_EMAIL, "mayor@savar.gov.bd"));
    assert_true(ok(MF_EMAIL, "first.last+tag@example.org"));
    assert_false(ok(MF_EMAIL, "mayor"));
    assert_false(ok(MF_EMAIL, "mayor@"));
    assert_false(ok(MF_EMAIL, "@savar.gov.bd"));
    assert_false(ok(MF_EMAIL, "mayor@localhost"));
    assert_false(ok(MF_EMAIL, "a@b@c.org"));
    assert_false(ok(MF_EMAIL, "two words@example.org"));
    assert_false(ok(MF_EMAIL, "mayor@example.o"));
    assert_false(ok(MF_EMAIL, "mayor@-bad.org"));

    assert_true(ok(MF_PHONE, "+880 2-7791234"));
    assert_true(ok(MF_PHONE, "(02) 779 1234"));
    assert_true(ok(MF_PHONE, "123456"));
    assert_false(ok(MF_PHONE, "12345"));                 /* 5 digits */
    assert_false(ok(MF_PHONE, "123456789012345678901")); /* 21 digits */
    assert_false(ok(MF_PHONE, "02-779-1234 ext. 5"));    /* letters */
    assert_false(ok(MF_PHONE, "02/7791234"));

    assert_true(ok(MF_WEBSITE, "www.savar.gov.bd"));
    assert_true(ok(MF_WEBSITE, "savarpourashava.gov.bd"));
    assert_true(ok(MF_WEBSITE, "http://example.org"));
    assert_true(ok(MF_WEBSITE, "https://example.org/a/b?c=d#e"));
    assert_true(ok(MF_WEBSITE, "HTTPS://Example.org:8080/x"));
    assert_false(ok(MF_WEBSITE, "ftp://example.org"));
    assert_false(ok(MF_WEBSITE, "javascript:alert(1)"));
    assert_false(ok(MF_WEBSITE, "example"));
    assert_false(ok(MF_WEBSITE, "http://"));
    assert_false(ok(MF_WEBSITE, "exa mple.org"));
    assert_false(ok(MF_WEBSITE, "example.org:port"));
}

static void test_lengths_and_messages(void **state)
{
    char msg[256];
    char *long_name = xmalloc(502);

    (void)state;
    memset(long_name, 'a', 501);
    long_name[501] = '\0';
    assert_non_null(record_check_field(&kind_municipality, MF_NAME_EN, long_name, msg, sizeof msg));
    assert_non_null(strstr(msg, "too long"));
    free(long_name);
    assert_non_null(record_check_field(&kind_municipality, MF_NAME_EN, "", msg, sizeof msg));
    assert_string_equal(msg, "required");
    assert_non_null(record_check_field(&kind_municipality, MF_CLASS, "D", msg, sizeof msg));
    assert_non_null(strstr(msg, "A, B or C"));
    assert_non_null(
        record_check_field(&kind_municipality, MF_ESTABLISHED, "1700", msg, sizeof msg));
    assert_non_null(strstr(msg, "1850"));
}

/* Every way in refuses control characters and bidi overrides; only the
 * multi-line fields take line breaks. */
static void test_control_characters(void **state)
{
    char msg[256];

    (void)state;
    assert_non_null(
        record_check_field(&kind_municipality, MF_NAME_EN, "Bad\x1b]0;pwned\x07", msg, sizeof msg));
    assert_string_equal(msg, "control character U+001B");
    assert_non_null(record_check_field(&kind_municipality, MF_MAYOR_BN, "\xe2\x80\xae\xe0\xa6\x95",
                                       msg, sizeof msg));
    assert_string_equal(msg, "control character U+202E");
    assert_non_null(record_check_field(&kind_municipality, MF_ADDRESS,
                                       "Road 1\xc2\x9b"
                                       "2J",
                                       msg, sizeof msg));
    assert_string_equal(msg, "control character U+009B");
    assert_non_null(
        record_check_field(&kind_municipality, MF_NAME_EN, "two\nlines", msg, sizeof msg));
    assert_string_equal(msg, "control character U+000A");
    assert_non_null(
        record_check_field(&kind_municipality, MF_PHONE, "123456\x1b", msg, sizeof msg));
    assert_string_equal(msg, "control character U+001B");
    assert_null(record_check_field(&kind_municipality, MF_ADDRESS, "Road 1\nWard 2\r\nAmtali", msg,
                                   sizeof msg));
    assert_null(record_check_field(&kind_municipality, MF_NOTES, "a\nb", msg, sizeof msg));
    assert_non_null(record_check_field(&kind_municipality, MF_NOTES, "a\tb", msg, sizeof msg));
}

static void test_validate(void **state)
{
    struct record m;
    int bad = MF_COUNT;
    char msg[256];

    (void)state;
    record_init(&m, &kind_municipality);
    assert_int_not_equal(bad = record_validate(&m, msg, sizeof msg), -1);
    assert_int_equal(bad, MF_KIND);
    record_set(&m, MF_KIND, "paurashava");
    record_set(&m, MF_NAME_EN, "Savar");
    record_set(&m, MF_NAME_BN, "সাভার পৌরসভা");
    record_set(&m, MF_DISTRICT, "Dhaka");
    assert_int_equal(record_validate(&m, msg, sizeof msg), -1);
    record_set(&m, MF_EMAIL, "not-an-email");
    assert_int_not_equal(bad = record_validate(&m, msg, sizeof msg), -1);
    assert_int_equal(bad, MF_EMAIL);
    record_set(&m, MF_EMAIL, "");
    record_set(&m, MF_WARDS, "0");
    record_set(&m, MF_PHONE, "x");
    assert_int_not_equal(bad = record_validate(&m, msg, sizeof msg), -1);
    assert_int_equal(bad, MF_WARDS); /* the first bad one */
    record_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_table),
        cmocka_unit_test(test_init_set_copy),
        cmocka_unit_test(test_required_and_choices),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_contacts),
        cmocka_unit_test(test_lengths_and_messages),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_validate),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
