/*
 * test_search.c: the directory through the real binary at 80x24: search as
 * you type in English and in Bengali narrows the list on every key, Enter
 * opens the detail view, --lang bn shows Bengali titles.
 *
 * Each test starts mabdesk on a database of its own (created and seeded by
 * the program itself) in a temporary directory of its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "testutil.h"
#include "vt.h"

static struct vt *start(const char *lang)
{
    struct vt *vt;

    if (lang != NULL)
        vt = tu_start("--lang", lang, NULL);
    else
        vt = tu_start(NULL);
    return vt;
}

/* From the home screen into the directory, with the whole list shown. */
static void open_directory(struct vt *vt)
{
    tu_open_directory(vt);
    VT_EXPECT_ROW(vt, 3, "Kind, class");
}

/* The number before " of " on the directory's count line (row 1), or -1. */
static int shown_count(struct vt *vt)
{
    const char *row = vt_row(vt, 1), *of = strstr(row, " of ");
    const char *p;

    if (of == NULL)
        return -1;
    p = of;
    while (p > row && p[-1] >= '0' && p[-1] <= '9')
        p--;
    return p == of ? -1 : atoi(p);
}

/* Type s one code point at a time, waiting for each prefix to show in the
 * search line, and check that the count never grows. */
static void type_narrowing(struct vt *vt, const char *s)
{
    size_t n = 0, len = strlen(s);
    int last = shown_count(vt);

    while (n < len) {
        size_t k = 1;
        char want[300];
        int now;

        while (n + k < len && ((unsigned char)s[n + k] & 0xC0) == 0x80)
            k++;
        vt_send_len(vt, s + n, k);
        n += k;
        snprintf(want, sizeof want, "Search: %.*s", (int)n, s);
        VT_EXPECT_TEXT(vt, want);
        /* The count is drawn in the same refresh as the search text. */
        vt_settle(vt, 30, vt_timeout());
        now = shown_count(vt);
        VT_ASSERT(vt, now >= 0);
        VT_ASSERT(vt, last < 0 || now <= last);
        last = now;
    }
}

/* The name at the start of list row y (trailing blanks dropped) into out. */
static void row_name(struct vt *vt, int y, char *out, size_t outsz)
{
    const char *row = vt_row(vt, y);
    size_t n;

    snprintf(out, outsz, "%.24s", row[0] != '\0' ? row + 1 : row);
    n = strlen(out);
    while (n > 0 && out[n - 1] == ' ')
        out[--n] = '\0';
}

static void test_search_english(void **state)
{
    struct vt *vt = start(NULL);
    char first[128];

    open_directory(vt);
    /* The first entry of the whole list, to see it go away. */
    row_name(vt, 4, first, sizeof first);
    VT_ASSERT(vt, first[0] != '\0' && strstr(first, "Kotalipara") == NULL);
    VT_ASSERT(vt, vt_row_reverse(vt, 4));

    vt_send(vt, "/");
    VT_EXPECT_TEXT(vt, "Search:");
    type_narrowing(vt, "Kotalipara");
    VT_EXPECT_TEXT(vt, "Search: Kotalipara");
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    VT_EXPECT_TEXT(vt, "Kotalipara");
    VT_EXPECT_ABSENT(vt, first);
    /* The only row is the selected one, with its district and division. */
    VT_ASSERT(vt, strncmp(vt_row(vt, 4), " Kotalipara ", 12) == 0);
    VT_ASSERT(vt, vt_row_reverse(vt, 4));
    VT_ASSERT(vt, strstr(vt_row(vt, 4), "Gopalganj") != NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, 4), "Dhaka") != NULL);
    VT_ASSERT(vt, vt_row(vt, 5)[0] == '\0');

    /* Backspace widens the list again, Esc clears the search. */
    vt_keys(vt, VT_KEY_BACKSPACE, 6);
    VT_EXPECT_TEXT(vt, "Search: Kota ");
    VT_ASSERT(vt, shown_count(vt) >= 1);
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, TU_SEED_TOTAL " of " TU_SEED_TOTAL);
    VT_EXPECT_TEXT(vt, first);

    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

static void test_search_bengali(void **state)
{
    struct vt *vt = start(NULL);
    char first[128];

    open_directory(vt);
    row_name(vt, 4, first, sizeof first);
    vt_send(vt, "/");
    VT_EXPECT_TEXT(vt, "Search:");
    /* লালমোহন: Lalmohon paurashava (Bhola).  A whole Bengali word. */
    type_narrowing(vt, "লালমোহন");
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    VT_EXPECT_TEXT(vt, "Lalmohon");
    VT_EXPECT_ABSENT(vt, first);
    VT_ASSERT(vt, strstr(vt_row(vt, 4), "Lalmohon") != NULL && vt_row_reverse(vt, 4));
    VT_ASSERT(vt, strstr(vt_row(vt, 4), "Bhola") != NULL);

    /* A district in Bengali: every body of Bhola district (5), no other. */
    vt_send(vt, "\x15"); /* Ctrl-U empties the search */
    VT_EXPECT_TEXT(vt, TU_SEED_TOTAL " of " TU_SEED_TOTAL);
    vt_send(vt, "ভোলা");
    VT_EXPECT_TEXT(vt, "5 of " TU_SEED_TOTAL);
    VT_EXPECT_TEXT(vt, "Burhanuddin");
    VT_EXPECT_TEXT(vt, "Char Fasson");
    VT_ASSERT(vt, vt_count_rows(vt, "Bhola") == 5);
    vt_close(vt);
}

/*
 * The same word typed with other key sequences: ো as its two parts
 * (U+09C7 U+09BE) and ড় as ড + nukta (U+09A1 U+09BC), where the seed
 * data holds the precomposed letters.  Search compares NFC forms.
 */
static void test_search_bengali_other_keys(void **state)
{
    struct vt *vt = start(NULL);

    open_directory(vt);
    vt_send(vt, "/");
    VT_EXPECT_TEXT(vt, "Search:");
    vt_send(vt, "\xe0\xa6\x95"             /* ক */
                "\xe0\xa7\x87\xe0\xa6\xbe" /* ে া (two parts of ো) */
                "\xe0\xa6\x9f\xe0\xa6\xbe" /* টা */
                "\xe0\xa6\xb2\xe0\xa7\x80" /* লী */
                "\xe0\xa6\xaa\xe0\xa6\xbe" /* পা */
                "\xe0\xa6\xa1\xe0\xa6\xbc" /* ড + nukta */
                "\xe0\xa6\xbe");           /* া */
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    VT_EXPECT_TEXT(vt, "Kotalipara");
    vt_close(vt);
}

static void test_open_record(void **state)
{
    struct vt *vt = start(NULL);

    open_directory(vt);
    vt_send(vt, "/");
    vt_send(vt, "Amtali");
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    vt_key(vt, VT_KEY_ENTER);
    /* The detail view: title, both names, district with its Bengali name,
     * division. */
    VT_EXPECT_TEXT(vt, "Municipality");
    VT_EXPECT_TEXT(vt, "আমতলী পৌরসভা");
    VT_EXPECT_TEXT(vt, "Barguna (বরগুনা)");
    VT_EXPECT_TEXT(vt, "Name (English)");
    VT_EXPECT_TEXT(vt, "Paurashava");
    VT_EXPECT_GONE(vt, TU_SEED_TOTAL);
    /* Esc goes back to the list, search kept. */
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    VT_EXPECT_TEXT(vt, "Amtali");
    vt_close(vt);
}

/* 1 if s holds a letter of the Bengali block (U+0980..U+09FF). */
static int has_bengali(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)s[0] == 0xE0 &&
            ((unsigned char)s[1] == 0xA6 || (unsigned char)s[1] == 0xA7))
            return 1;
    return 0;
}

static void test_lang_bn(void **state)
{
    struct vt *vt = start("bn");
    char title[512];

    /* Home: title line, the association's name, the menu and the key bar
     * in Bengali; none of the English left. */
    VT_EXPECT_ROW(vt, 23, "F1");
    VT_ASSERT(vt, has_bengali(vt_row(vt, 0)));
    VT_ASSERT(vt, has_bengali(vt_row(vt, 2)));
    VT_ASSERT(vt, has_bengali(vt_row(vt, 6)));
    VT_ASSERT(vt, has_bengali(vt_row(vt, 23)));
    VT_EXPECT_ABSENT(vt, "Home");
    VT_EXPECT_ABSENT(vt, "Directory");
    VT_EXPECT_ABSENT(vt, "About");
    VT_EXPECT_ABSENT(vt, "Municipal Association of Bangladesh");
    VT_EXPECT_ABSENT(vt, "Help");
    VT_EXPECT_ABSENT(vt, "Quit");
    snprintf(title, sizeof title, "%s", vt_row(vt, 0));

    /* The directory: its own Bengali title, names in Bengali, numbers in
     * Bengali digits. */
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "আমতলী পৌরসভা");
    VT_EXPECT_TEXT(vt, "৩৪২");
    VT_ASSERT(vt, has_bengali(vt_row(vt, 0)) && strcmp(vt_row(vt, 0), title) != 0);
    VT_EXPECT_ABSENT(vt, "Directory");
    VT_EXPECT_ABSENT(vt, "Amtali");
    VT_EXPECT_ABSENT(vt, "342");
    VT_EXPECT_ABSENT(vt, "Search");
    VT_EXPECT_ABSENT(vt, "District");

    /* F9 switches the running session to English. */
    vt_key(vt, VT_KEY_F9);
    VT_EXPECT_TEXT(vt, TU_SEED_TOTAL " of " TU_SEED_TOTAL);
    VT_EXPECT_TEXT(vt, "Amtali");
    VT_EXPECT_TEXT(vt, "Directory");
    vt_close(vt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_search_english),
        TU_SCREEN_TEST(test_search_bengali),
        TU_SCREEN_TEST(test_search_bengali_other_keys),
        TU_SCREEN_TEST(test_open_record),
        TU_SCREEN_TEST(test_lang_bn),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
