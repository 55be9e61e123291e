/*
 * test_charset.c: terminals whose character set is not UTF-8 (issue
 * "Every terminal, every link"): with LANG=C and LANG=en_US.ISO-8859-1
 * every byte the program writes is one of that set (no UTF-8 sequences;
 * Latin-1 text as Latin-1 bytes), a Bengali-only field shows its English
 * twin, and a dialog still has a frame.
 *
 * The ISO-8859-1 locale is compiled by the test into its own directory
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

/* The test's own en_US.ISO-8859-1: a LOCPATH entry (malloc'd), NULL if
 * localedef cannot make it. */
static char *latin1_locale(void)
{
    char *dir = xasprintf("%s/locale", tu_tmpdir());
    char *cmd = xasprintf("mkdir -p '%s' && localedef -i en_US -f ISO-8859-1 '%s/en_US.ISO-8859-1' "
                          ">/dev/null 2>&1",
                          dir, dir);
    int rc = system(cmd);
    char *entry = NULL;

    free(cmd);
    /* localedef warns (exit 1) but makes the locale; check the result. */
    cmd = xasprintf("%s/en_US.ISO-8859-1/LC_CTYPE", dir);
    if (rc != -1 && access(cmd, R_OK) == 0)
        entry = xasprintf("LOCPATH=%s:/usr/lib/locale", dir);
    free(cmd);
    free(dir);
    return entry;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_ascii_terminal),
        TU_SCREEN_TEST(test_latin1_terminal),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
