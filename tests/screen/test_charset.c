/*
 * test_charset.c: terminals whose character set is not UTF-8 (issue
 * "Every terminal, every link"): with LANG=C and LANG=en_US.ISO-8859-1
 * every byte the program writes is one of that set (no UTF-8 sequences;
 * Latin-1 text as Latin-1 bytes), a Bengali-only field shows its English
 * twin, and a dialog still has a frame; with CP437 and KOI8-R (8-bit sets
 * with letters and line drawing above 0x80) text comes in the set's own
 * bytes, never as UTF-8.
 *
 * The 8-bit locales are compiled by the test into its own directory
 * (localedef, LOCPATH), so nothing is installed for it; the test is
 * skipped, saying why, only where localedef cannot make it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixtures.h"
#include "testutil.h"
#include "util.h"
#include "vt.h"

/* Directory -> Amtali's detail view -> its edit form with a change ->
 * Esc, which asks in a framed dialog. */
static void walk(struct vt *vt)
{
    int y;

    tu_open_directory(vt);
    vt_send(vt, "/Amtali");
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    vt_key(vt, VT_KEY_TAB);
    VT_EXPECT_ROW(vt, 23, "Edit");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Name (Bengali)");
    /* The Bengali name falls back to its English twin. */
    assert_true(vt_find(vt, "Name (Bengali)", &y, NULL));
    VT_ASSERT(vt, strstr(vt_row(vt, y), "Amtali") != NULL);
    vt_send(vt, "e");
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
    VT_EXPECT_TEXT(vt, "Area (km");
    tu_go_to_field(vt, "Wards");
    tu_replace_field(vt, "11");
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, "Throw away");
    vt_settle(vt, 100, vt_timeout());
}

static struct vt *start(const char *lang, const char *locpath)
{
    const char *env[] = {"TERM=xterm", lang, locpath, NULL};
    const char *argv[] = {tu_bin(), "--db", tu_test_db(), NULL};
    struct vt *vt;

    tu_create_db(tu_test_db());
    vt = vt_spawn(argv, 24, 80, env);
    vt_raw_keep(vt);
    return vt;
}

static void test_ascii_terminal(void **state)
{
    struct vt *vt = start("LANG=C", NULL);
    const unsigned char *raw;
    size_t n;

    walk(vt);
    raw = vt_raw(vt, &n);
    assert_true(n > 1000);
    for (size_t i = 0; i < n; i++) {
        if (raw[i] >= 0x80) {
            fprintf(stderr, "byte %zu of %zu is 0x%02x\n", i, n, raw[i]);
            VT_ASSERT(vt, raw[i] < 0x80);
        }
    }
    vt_close(vt);
}

/* The test's own locale NAME (such as en_US.ISO-8859-1) from the source
 * locale src and the charmap: a LOCPATH entry (malloc'd), NULL if
 * localedef cannot make it. */
static char *own_locale(const char *src, const char *charmap, const char *name)
{
    char *dir = xasprintf("%s/locale", tu_tmpdir());
    char *cmd = xasprintf("mkdir -p '%s' && localedef -i %s -f %s '%s/%s' >/dev/null 2>&1", dir,
                          src, charmap, dir, name);
    int rc = system(cmd);
    char *entry = NULL;

    free(cmd);
    /* localedef warns (exit 1) but makes the locale; check the result. */
    cmd = xasprintf("%s/%s/LC_CTYPE", dir, name);
    if (rc != -1 && access(cmd, R_OK) == 0)
        entry = xasprintf("LOCPATH=%s:/usr/lib/locale", dir);
    free(cmd);
    free(dir);
    return entry;
}

static char *latin1_locale(void)
{
    return own_locale("en_US", "ISO-8859-1", "en_US.ISO-8859-1");
}

static void test_latin1_terminal(void **state)
{
    char *locpath = latin1_locale();
    struct vt *vt;
    const unsigned char *raw;
    size_t n;

    if (locpath == NULL) {
        fprintf(stderr, "test_latin1_terminal: skipped: localedef could not make "
                        "en_US.ISO-8859-1 (is the locales package installed?)\n");
        skip();
    }
    vt = start("LANG=en_US.ISO-8859-1", locpath);
    vt_set_utf8(vt, 0);
    walk(vt);
    raw = vt_raw(vt, &n);
    assert_true(n > 1000);
    for (size_t i = 0; i < n; i++) {
        /* Latin-1 text, 7-bit controls: never a C1 byte, and so never a
         * UTF-8 sequence (whose continuation bytes start at 0x80). */
        int bad = raw[i] >= 0x80 && raw[i] < 0xa0;

        if (raw[i] >= 0xc2 && raw[i] <= 0xf4 && i + 1 < n && raw[i + 1] >= 0x80 &&
            raw[i + 1] < 0xc0)
            bad = 1;
        if (bad) {
            fprintf(stderr, "byte %zu of %zu is 0x%02x\n", i, n, raw[i]);
            VT_ASSERT(vt, !bad);
        }
    }
    /* The superscript two is the terminal's own byte 0xb2. */
    VT_ASSERT(vt, memmem(raw, n, "(km\xb2)", 5) != NULL);
    vt_close(vt);
    free(locpath);
}

/*
 * 8-bit sets whose upper half is letters and line drawing (every byte is
 * "valid" there): the test is that what the program prints comes in that
 * set's own bytes -- the superscript two of km² as the set has it -- and
 * never as UTF-8 (which such a terminal shows as two or three wrong
 * letters): no UTF-8 sequence of ², …, or a box-drawing line.
 */
static void eight_bit_terminal(const char *src, const char *charmap, const char *name,
                               const char *km2)
{
    static const char *const utf8[] = {"\xc2\xb2", "\xe2\x80\xa6", "\xe2\x94\x80", "\xe2\x94\x82",
                                       "\xe0\xa6"};
    char *locpath = own_locale(src, charmap, name), *lang;
    struct vt *vt;
    const unsigned char *raw;
    size_t n;

    if (locpath == NULL) {
        fprintf(stderr,
                "%s: skipped: localedef could not make it (is the locales package "
                "installed?)\n",
                name);
        skip();
    }
    lang = xasprintf("LANG=%s", name);
    vt = start(lang, locpath);
    vt_set_utf8(vt, 0);
    walk(vt);
    raw = vt_raw(vt, &n);
    assert_true(n > 1000);
    for (size_t i = 0; i < nitems(utf8); i++) {
        if (memmem(raw, n, utf8[i], strlen(utf8[i])) != NULL) {
            fprintf(stderr, "%s: the output holds UTF-8 %s\n", name, utf8[i]);
            VT_ASSERT(vt, 0);
        }
    }
    VT_ASSERT(vt, memmem(raw, n, km2, strlen(km2)) != NULL);
    vt_close(vt);
    free(lang);
    free(locpath);
}

/* DOS code page 437 (what an old PC's console and PuTTY's "CP437" show):
 * superscript two is 0xfd. */
static void test_cp437_terminal(void **state)
{
    eight_bit_terminal("en_US", "IBM437", "en_US.IBM437", "(km\xfd)");
}

/* KOI8-R, the Cyrillic 8-bit set: superscript two is 0x9d. */
static void test_koi8_terminal(void **state)
{
    eight_bit_terminal("ru_RU", "KOI8-R", "ru_RU.KOI8-R", "(km\x9d)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_ascii_terminal),
        TU_SCREEN_TEST(test_latin1_terminal),
        TU_SCREEN_TEST(test_cp437_terminal),
        TU_SCREEN_TEST(test_koi8_terminal),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
