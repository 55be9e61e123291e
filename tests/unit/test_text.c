/*
 * test_text.c: NFC normalisation, sanitising, widths, grapheme-safe cuts
 * and wrapping (src/text.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "testutil.h"
#include "text.h"
#include "util.h"

/* Bengali letters used below, spelled out so the tests do not depend on how
 * an editor stores them. */
#define KA "\xe0\xa6\x95"       /* U+0995 */
#define YA "\xe0\xa6\xaf"       /* U+09AF */
#define NUKTA "\xe0\xa6\xbc"    /* U+09BC */
#define YYA "\xe0\xa7\x9f"      /* U+09DF, decomposes to YA NUKTA */
#define SIGN_AA "\xe0\xa6\xbe"  /* U+09BE */
#define SIGN_I "\xe0\xa6\xbf"   /* U+09BF */
#define SIGN_U "\xe0\xa7\x81"   /* U+09C1 */
#define SIGN_E "\xe0\xa7\x87"   /* U+09C7 */
#define SIGN_O "\xe0\xa7\x8b"   /* U+09CB = SIGN_E SIGN_AA */
#define VIRAMA "\xe0\xa7\x8d"   /* U+09CD */
#define LA "\xe0\xa6\xb2"       /* U+09B2 */
#define MA "\xe0\xa6\xae"       /* U+09AE */
#define BA "\xe0\xa6\xac"       /* U+09AC */
#define DA "\xe0\xa6\xa6"       /* U+09A6 */
#define SHA "\xe0\xa6\xb6"      /* U+09B6 */
#define ANUSVARA "\xe0\xa6\x82" /* U+0982 */

/* কুমিল্লা: ka u ma i la virama la aa */
#define CUMILLA KA SIGN_U MA SIGN_I LA VIRAMA LA SIGN_AA
/* বাংলাদেশ */
#define BANGLADESH BA SIGN_AA ANUSVARA LA SIGN_AA DA SIGN_E SHA

static void assert_str(char *got, const char *want)
{
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_nfc_vowel_sign_o(void **state)
{
    (void)state;
    /* The two-part vowel sign O becomes the precomposed one. */
    assert_str(text_nfc(KA SIGN_E SIGN_AA), KA SIGN_O);
    assert_str(text_nfc(KA SIGN_O), KA SIGN_O);
    assert_str(text_nfc("plain ascii"), "plain ascii");
}

static void test_nfc_yya_forms(void **state)
{
    char *a, *b;

    (void)state;
    /* U+09DF is a composition exclusion: NFC is YA + NUKTA, and both
     * spellings end up the same. */
    a = text_nfc(YYA);
    b = text_nfc(YA NUKTA);
    assert_string_equal(a, b);
    assert_string_equal(a, YA NUKTA);
    free(a);
    free(b);
}

static void test_nfc_invalid_utf8(void **state)
{
    (void)state;
    assert_str(text_nfc("a\xff"
                        "b"),
               "a\xef\xbf\xbd"
               "b");
    assert_str(text_nfc(NULL), "");
}

static void test_clean_trims(void **state)
{
    (void)state;
    assert_str(text_clean("  \t Dhaka \r\n"), "Dhaka");
    /* No-break space and ideographic space are white space too. */
    assert_str(text_clean("\xc2\xa0" KA SIGN_E SIGN_AA "\xe3\x80\x80"), KA SIGN_O);
    assert_str(text_clean("   "), "");
    assert_str(text_clean("a  b"), "a  b");
}

static void test_fold(void **state)
{
    (void)state;
    assert_str(text_fold("DHAKA North"), "dhaka north");
    assert_str(text_fold(KA SIGN_E SIGN_AA), KA SIGN_O);
}

static void test_sanitize_controls(void **state)
{
    char *s;

    (void)state;
    /* ESC becomes U+241B, BEL U+2407, DEL U+2421. */
    assert_str(text_sanitize("a\x1b[31mb"), "a\xe2\x90\x9b[31mb");
    assert_str(text_sanitize("\x07"), "\xe2\x90\x87");
    assert_str(text_sanitize("\x7f"), "\xe2\x90\xa1");
    /* A C1 control (CSI, U+009B) and invalid UTF-8 become U+FFFD. */
    assert_str(text_sanitize("x\xc2\x9by"), "x\xef\xbf\xbdy");
    assert_str(text_sanitize("\xff\xfe"), "\xef\xbf\xbd\xef\xbf\xbd");
    /* One-line contexts show tab and newline. */
    assert_str(text_sanitize("a\tb\nc"), "a\xe2\x90\x89"
                                         "b\xe2\x90\x8a"
                                         "c");
    /* Multi-line keeps the newline, drops the CR of CRLF. */
    assert_str(text_sanitize_ml("a\r\nb\x1b"), "a\nb\xe2\x90\x9b");
    /* Bidi overrides could reorder the line on some terminals. */
    assert_str(text_sanitize("a\xe2\x80\xae"
                             "b"),
               "a\xef\xbf\xbd"
               "b");
    /* Harmless text is untouched. */
    assert_str(text_sanitize(CUMILLA " 1"), CUMILLA " 1");

    s = text_sanitize(NULL);
    assert_string_equal(s, "");
    free(s);
}

static void test_sanitize_all_bytes(void **state)
{
    char in[256];
    char *out;

    (void)state;
    /* Every byte value: the result is valid UTF-8 with no control byte. */
    for (int i = 1; i < 256; i++)
        in[i - 1] = (char)i;
    in[255] = '\0';
    out = text_sanitize(in);
    assert_true(text_valid_utf8(out, strlen(out)));
    for (const unsigned char *p = (const unsigned char *)out; *p != '\0'; p++)
        assert_true(*p >= 0x20 && *p != 0x7f);
    assert_null(strstr(out, "\xc2\x9b"));
    free(out);
}

static void test_ascii_mode(void **state)
{
    char *s;

    (void)state;
    text_set_ascii(1);
    assert_str(text_sanitize("a\x1b"
                             "b"),
               "a?b");
    s = text_fit("abcdef", 4, 1, NULL);
    assert_string_equal(s, "abc~");
    free(s);
    text_set_ascii(0);
}

static void test_widths(void **state)
{
    (void)state;
    assert_int_equal(text_width("abc"), 3);
    assert_int_equal(text_width(""), 0);
    assert_int_equal(text_width(NULL), 0);
    /* CJK is two columns per character. */
    assert_int_equal(text_width("\xe4\xb8\xad\xe6\x96\x87"), 4);
    /* A consonant with virama or with a non-spacing vowel sign takes the
     * consonant's one column. */
    assert_int_equal(text_width(KA), 1);
    assert_int_equal(text_width(KA VIRAMA), 1);
    assert_int_equal(text_width(KA SIGN_U), 1);
    /* ESC is drawn as one visible column. */
    assert_int_equal(text_width("\x1b"), 1);
    assert_true(text_width(BANGLADESH) >= 5);
}

/* 1 if cutting s at byte pos would separate a letter from a mark. */
static int splits_cluster(const char *s, size_t pos)
{
    utf8proc_int32_t cp;

    if (s[pos] == '\0' || pos == 0)
        return 0;
    utf8proc_iterate((const utf8proc_uint8_t *)s + pos, -1, &cp);
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return 1;
    default:
        return 0;
    }
}

static int starts_with_mark(const char *s)
{
    utf8proc_int32_t cp;

    if (*s == '\0')
        return 0;
    utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_MN ||
           utf8proc_category(cp) == UTF8PROC_CATEGORY_MC;
}

static void check_fits(const char *s)
{
    int total = text_width(s);

    for (int cols = 0; cols <= total + 1; cols++) {
        for (int ell = 0; ell <= 1; ell++) {
            int w = -1;
            char *f = text_fit(s, cols, ell, &w);
            size_t len = strlen(f);

            assert_true(w >= 0 && w <= cols);
            assert_int_equal(text_width(f), w);
            if (total <= cols) {
                assert_string_equal(f, s);
            } else if (ell && cols > 0) {
                /* prefix + "…" */
                assert_true(len >= 3);
                assert_memory_equal(f + len - 3, "\xe2\x80\xa6", 3);
                assert_memory_equal(f, s, len - 3);
                assert_false(splits_cluster(s, len - 3));
            } else {
                assert_memory_equal(f, s, len);
                assert_false(splits_cluster(s, len));
            }
            free(f);
        }
    }
}

static void test_fit_graphemes(void **state)
{
    (void)state;
    check_fits(CUMILLA);
    check_fits(BANGLADESH " " CUMILLA);
    check_fits(KA SIGN_O KA VIRAMA KA SIGN_I "abc");
    check_fits("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97");
    check_fits("plain text");
}

static void test_fit_specific(void **state)
{
    int w;
    char *f;

    (void)state;
    /* A wide character that does not fit is left out entirely. */
    f = text_fit("\xe4\xb8\xad\xe6\x96\x87", 3, 0, &w);
    assert_string_equal(f, "\xe4\xb8\xad");
    assert_int_equal(w, 2);
    free(f);
    /* ka + virama stays together: cutting "ক্ক" to one column gives "ক্". */
    f = text_fit(KA VIRAMA KA, 1, 0, &w);
    assert_string_equal(f, KA VIRAMA);
    free(f);
    /* Escape sequences are neutralised before fitting. */
    f = text_fit("\x1b]0;evil\x07", 40, 1, &w);
    assert_null(strchr(f, '\x1b'));
    assert_null(strchr(f, '\x07'));
    free(f);
    f = text_fit("abcdef", 0, 1, &w);
    assert_string_equal(f, "");
    assert_int_equal(w, 0);
    free(f);
}

static void test_grapheme_steps(void **state)
{
    const char *s = KA SIGN_I KA VIRAMA "a";

    (void)state;
    assert_int_equal(text_next_grapheme(s, 0), 6);
    assert_int_equal(text_next_grapheme(s, 6), 12);
    assert_int_equal(text_next_grapheme(s, 12), 13);
    assert_int_equal(text_next_grapheme(s, 13), 13);
    assert_int_equal(text_prev_grapheme(s, 13), 12);
    assert_int_equal(text_prev_grapheme(s, 12), 6);
    assert_int_equal(text_prev_grapheme(s, 6), 0);
    assert_int_equal(text_prev_grapheme(s, 0), 0);
}

static void test_valid_utf8(void **state)
{
    (void)state;
    assert_true(text_valid_utf8(CUMILLA, strlen(CUMILLA)));
    assert_false(text_valid_utf8("\xc0\xaf", 2));         /* overlong */
    assert_false(text_valid_utf8("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(text_valid_utf8("\xe0\xa6", 2));         /* truncated */
    assert_false(text_valid_utf8("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
}

/* What no stored value may hold (issue: control characters through import). */
static void test_forbidden(void **state)
{
    int32_t cp = 0;
    char *msg;

    (void)state;
    assert_int_equal(text_forbidden("plain \xe0\xa6\x95\xe0\xa7\x8d\xe2\x80\x8c", 0, &cp), -1);
    /* ZWJ and ZWNJ shape Bengali: allowed. */
    assert_int_equal(text_forbidden("\xe0\xa6\x95\xe2\x80\x8d\xe0\xa6\xb7", 0, NULL), -1);
    assert_int_equal(text_forbidden("ab\x1b]0;x\x07", 0, &cp), 2);
    assert_int_equal(cp, 0x1b);
    assert_int_equal(text_forbidden("bell\x07", 0, &cp), 4);
    assert_int_equal(cp, 7);
    assert_int_equal(text_forbidden("c1 \xc2\x9b", 0, &cp), 3);
    assert_int_equal(cp, 0x9b);
    assert_int_equal(text_forbidden("del\x7f", 0, &cp), 3);
    assert_int_equal(text_forbidden("rlo \xe2\x80\xae", 0, &cp), 4);
    assert_int_equal(cp, 0x202e);
    assert_int_equal(text_forbidden("lri \xe2\x81\xa6", 0, &cp), 4);
    assert_int_equal(cp, 0x2066);
    assert_int_equal(text_forbidden("bad \xff", 0, &cp), 4);
    assert_int_equal(cp, -1);
    /* Line breaks only where a field has several lines; never a tab. */
    assert_int_equal(text_forbidden("one\ntwo", 0, &cp), 3);
    assert_int_equal(text_forbidden("one\ntwo\r\nthree", 1, &cp), -1);
    assert_int_equal(text_forbidden("one\rtwo", 1, &cp), 3);
    assert_int_equal(text_forbidden("a\tb", 1, &cp), 1);
    msg = text_forbidden_problem("x\x1b", 0);
    assert_string_equal(msg, "control character U+001B");
    free(msg);
    msg = text_forbidden_problem("x\xe2\x80\xae", 0);
    assert_string_equal(msg, "control character U+202E");
    free(msg);
    assert_null(text_forbidden_problem("fine", 0));
}

static void test_wrap(void **state)
{
    char **l;
    int n;

    (void)state;
    l = text_wrap("the quick brown fox jumps", 10, &n);
    assert_int_equal(n, 3);
    assert_string_equal(l[0], "the quick");
    assert_string_equal(l[1], "brown fox");
    assert_string_equal(l[2], "jumps");
    text_lines_free(l, n);

    /* Paragraphs are kept; an empty line stays an empty line. */
    l = text_wrap("one\n\ntwo", 20, &n);
    assert_int_equal(n, 3);
    assert_string_equal(l[0], "one");
    assert_string_equal(l[1], "");
    assert_string_equal(l[2], "two");
    text_lines_free(l, n);

    /* A word longer than the line is cut on grapheme boundaries. */
    l = text_wrap("abcdefgh", 3, &n);
    assert_int_equal(n, 3);
    assert_string_equal(l[0], "abc");
    assert_string_equal(l[2], "gh");
    text_lines_free(l, n);

    /* Control characters never survive wrapping. */
    l = text_wrap("a\x1b[2Jb", 80, &n);
    assert_int_equal(n, 1);
    assert_null(strchr(l[0], '\x1b'));
    text_lines_free(l, n);
}

static void test_wrap_bengali(void **state)
{
    const char *s = BANGLADESH " " CUMILLA " " BANGLADESH " " CUMILLA;
    struct buf joined = {0};
    char **l;
    int n;

    (void)state;
    for (int cols = 1; cols <= 12; cols++) {
        l = text_wrap(s, cols, &n);
        assert_true(n >= 1);
        for (int i = 0; i < n; i++) {
            size_t len = strlen(l[i]);

            assert_true(text_width(l[i]) <= cols || text_next_grapheme(l[i], 0) == len);
            /* A line never starts with a mark cut off its letter. */
            assert_false(starts_with_mark(l[i]));
        }
        if (cols >= 8) {
            /* Words fit: joining the lines with spaces gives the text. */
            for (int i = 0; i < n; i++) {
                if (i > 0)
                    buf_addc(&joined, ' ');
                buf_adds(&joined, l[i]);
            }
            assert_string_equal(joined.data, s);
            buf_free(&joined);
        }
        text_lines_free(l, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nfc_vowel_sign_o),
        cmocka_unit_test(test_nfc_yya_forms),
        cmocka_unit_test(test_nfc_invalid_utf8),
        cmocka_unit_test(test_clean_trims),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_sanitize_controls),
        cmocka_unit_test(test_sanitize_all_bytes),
        cmocka_unit_test(test_ascii_mode),
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_fit_graphemes),
        cmocka_unit_test(test_fit_specific),
        cmocka_unit_test(test_grapheme_steps),
        cmocka_unit_test(test_valid_utf8),
        cmocka_unit_test(test_forbidden),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_wrap_bengali),
    };
    int rc;

    /* Widths are the C library's: they need a UTF-8 LC_CTYPE. */
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
        setlocale(LC_CTYPE, "");
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
