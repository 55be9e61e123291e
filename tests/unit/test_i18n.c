/*
 * test_i18n.c: switching between Bengali and English at run time with the
 * built catalogue ($MABDESK_LOCALEDIR), even from the C locale; Bengali
 * digits; dates in Asia/Dhaka; picking a record's name (src/i18n.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "testutil.h"
#include "text.h"
#include "util.h"

/* From locale/bn.po (a message of src/fmt/csv.c). */
#define MSG_EN "standard input"
#define MSG_BN "স্ট্যান্ডার্ড ইনপুট"

static void test_switch_language(void **state)
{
    (void)state;
    i18n_set_lang("en");
    assert_string_equal(i18n_lang(), "en");
    assert_false(i18n_is_bn());
    assert_string_equal(_(MSG_EN), MSG_EN);

    i18n_set_lang("bn");
    assert_string_equal(i18n_lang(), "bn");
    assert_true(i18n_is_bn());
    assert_string_equal(_(MSG_EN), MSG_BN);

    /* And back, and again: nothing is cached across switches. */
    i18n_set_lang("en");
    assert_string_equal(_(MSG_EN), MSG_EN);
    i18n_set_lang("bn");
    assert_string_equal(_(MSG_EN), MSG_BN);
    /* Anything but "bn" is English. */
    i18n_set_lang("fr");
    assert_string_equal(i18n_lang(), "en");
    assert_string_equal(_(MSG_EN), MSG_EN);
}

static void test_locale_made_usable(void **state)
{
    const char *ctype = setlocale(LC_CTYPE, NULL);
    const char *msgs = setlocale(LC_MESSAGES, NULL);

    (void)state;
    /* Started in "C", but LC_CTYPE is UTF-8 now and LC_MESSAGES is not "C"
     * (where glibc would ignore LANGUAGE). */
    assert_non_null(ctype);
    assert_non_null(strstr(ctype, "UTF-8") != NULL ? ctype : strstr(ctype, "utf8"));
    assert_string_not_equal(msgs, "C");
    assert_string_not_equal(msgs, "POSIX");
    assert_string_equal(i18n_locale_charset(), "ANSI_X3.4-1968");
}

static void test_lang_from_environment(void **state)
{
    (void)state;
    setenv("LANGUAGE", "bn_BD:en", 1);
    i18n_init(NULL);
    assert_true(i18n_is_bn());
    setenv("LANGUAGE", "en_GB", 1);
    i18n_init(NULL);
    assert_false(i18n_is_bn());
    unsetenv("LANGUAGE");
    setenv("LANG", "bn_BD.UTF-8", 1);
    i18n_init(NULL);
    assert_true(i18n_is_bn());
    assert_string_equal(_(MSG_EN), MSG_BN);
    setenv("LANG", "C", 1);
    i18n_set_lang("en");
}

static void test_digits(void **state)
{
    char *s;

    (void)state;
    i18n_set_lang("bn");
    s = i18n_digits("2026-11-27, 0123456789");
    assert_string_equal(s, "২০২৬-১১-২৭, ০১২৩৪৫৬৭৮৯");
    free(s);
    i18n_set_lang("en");
    s = i18n_digits("2026-11-27");
    assert_string_equal(s, "2026-11-27");
    free(s);
    s = i18n_digits(NULL);
    assert_string_equal(s, "");
    free(s);
}

static void test_dates(void **state)
{
    /* 2026-11-27 20:00 UTC is already Saturday the 28th in Dhaka. */
    const time_t late_friday = 1795809600;
    const time_t mid_january = 1768478400;
    char *s, *n;

    (void)state;
    unsetenv("MABDESK_TZ");
    i18n_set_lang("en");
    s = i18n_format_date(late_friday);
    assert_string_equal(s, "Saturday, 28 November 2026");
    free(s);
    i18n_set_lang("bn");
    s = i18n_format_date(late_friday);
    assert_string_equal(s, "শনিবার, ২৮ নভেম্বর ২০২৬");
    free(s);
    /* Month names are stored NFC, like every other text. */
    s = i18n_format_date(mid_january);
    n = text_nfc(s);
    assert_string_equal(s, n);
    assert_non_null(strstr(s, "জানুয়ারি"));
    free(n);
    free(s);

    setenv("MABDESK_TZ", "UTC", 1);
    i18n_set_lang("en");
    s = i18n_format_date(late_friday);
    assert_string_equal(s, "Friday, 27 November 2026");
    free(s);
    unsetenv("MABDESK_TZ");
    /* The zone change is not left behind for the rest of the program. */
    assert_null(getenv("TZ"));

    s = i18n_today();
    assert_true(strlen(s) > 10);
    assert_non_null(strstr(s, ", "));
    free(s);
}

static void test_bangla_calendar(void **state)
{
    /* Gregorian date -> Bangla year, month (0 = Boishakh), day. */
    static const int cases[][6] = {
        {2026, 3, 14, 1433, 0, 1},   /* Pohela Boishakh */
        {2026, 3, 13, 1432, 11, 30}, /* last of Choitro */
        {2024, 1, 21, 1430, 10, 8},  /* Ekushey: 8 Falgun, leap year */
        {2025, 1, 21, 1431, 10, 8},  /* and in a common year */
        {2024, 2, 14, 1430, 10, 30}, /* Falgun has 30 days in a leap year */
        {2025, 2, 14, 1431, 10, 29}, /* and 29 otherwise */
        {2025, 2, 15, 1431, 11, 1},  /* Choitro always starts on 15 March */
        {2025, 2, 26, 1431, 11, 12}, /* Independence Day: 12 Choitro */
        {2025, 11, 16, 1432, 8, 1},  /* Victory Day: 1 Poush */
        {2026, 10, 27, 1433, 7, 12}, {2024, 3, 13, 1430, 11, 30}, /* the year's end and start in a
                                                                     leap year */
        {2024, 3, 14, 1431, 0, 1},   {2024, 1, 13, 1430, 9, 30},  /* last of Magh, then Falgun */
        {2024, 1, 14, 1430, 10, 1},  {2024, 1, 29, 1430, 10, 16}, /* the leap day is in Falgun */
        {2024, 2, 1, 1430, 10, 17},  {2025, 2, 1, 1431, 10, 16},  /* a day earlier in Falgun without
                                                                     it */
        {2024, 11, 31, 1431, 8, 16}, /* the Gregorian year's end and start */
        {2025, 0, 1, 1431, 8, 17},   {2025, 11, 31, 1432, 8, 16}, {2026, 0, 1, 1432, 8, 17},
        {2026, 3, 13, 1432, 11, 30},
    };
    char *s;

    (void)state;
    for (size_t i = 0; i < nitems(cases); i++) {
        int by, bm, bd;

        i18n_bangla(cases[i][0], cases[i][1], cases[i][2], &by, &bm, &bd);
        assert_int_equal(by, cases[i][3]);
        assert_int_equal(bm, cases[i][4]);
        assert_int_equal(bd, cases[i][5]);
    }
    unsetenv("MABDESK_TZ");
    i18n_set_lang("en");
    s = i18n_format_bangla_date(1795809600); /* 28 November 2026 in Dhaka */
    assert_string_equal(s, "13 Agrahayan 1433");
    free(s);
    i18n_set_lang("bn");
    s = i18n_format_bangla_date(1795809600);
    assert_string_equal(s, "১৩ অগ্রহায়ণ ১৪৩৩");
    free(s);
    s = i18n_format_bangla_ymd(2026, 10, 30);
    assert_string_equal(s, "১৫ অগ্রহায়ণ ১৪৩৩");
    free(s);
    s = i18n_format_ymd(2026, 11, 31);
    assert_string_equal(s, "৩১ ডিসেম্বর ২০২৬");
    free(s);
    i18n_set_lang("en");
    s = i18n_format_bangla_ymd(2025, 2, 14);
    assert_string_equal(s, "29 Falgun 1431");
    free(s);
    s = i18n_format_ymd(2026, 0, 1);
    assert_string_equal(s, "1 January 2026");
    free(s);
}

static void test_pick(void **state)
{
    (void)state;
    i18n_set_lang("bn");
    assert_string_equal(i18n_pick("Dhaka", "ঢাকা"), "ঢাকা");
    assert_string_equal(i18n_pick("Dhaka", ""), "Dhaka");
    assert_string_equal(i18n_pick("Dhaka", NULL), "Dhaka");
    i18n_set_lang("en");
    assert_string_equal(i18n_pick("Dhaka", "ঢাকা"), "Dhaka");
    assert_string_equal(i18n_pick("  ", "ঢাকা"), "ঢাকা");
    assert_string_equal(i18n_pick(NULL, NULL), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_switch_language),
        cmocka_unit_test(test_locale_made_usable),
        cmocka_unit_test(test_lang_from_environment),
        cmocka_unit_test(test_digits),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_bangla_calendar),
        cmocka_unit_test(test_pick),
    };
    int rc;

    /* The harshest start: the C locale, no language anywhere. */
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("TZ");
    setenv("LANG", "C", 1);
    setlocale(LC_ALL, "C");
    if (getenv("MABDESK_LOCALEDIR") == NULL)
        setenv("MABDESK_LOCALEDIR", "build/asan/locale", 1);
    i18n_init("en");
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
