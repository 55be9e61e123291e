/*
 * test_sizes.c: every size a user may bring, from a phone to a large
 * monitor.  The home menu, the directory list, a municipality's detail
 * view, its edit form, the delete confirmation and the subscribers list
 * are opened at 40x15, 60x20, 80x23, 80x24, 132x43 and 200x60, in English
 * and in Bengali, and so are About, People, Help, Users, an account's
 * keys, the audit log and one of its entries; each is drawn, not refused,
 * with its key text and the key bar, and nothing runs past the right
 * edge.  A kiosk's home and its subscription form too, typed into and
 * resized.  A conflict on a phone still explains itself.  Below 40x15 the
 * program says what size it needs and what it has, and comes back when
 * the window grows.  Resizing in a list, a form, a confirmation and a
 * pick list keeps what was typed, and the typing still saves.
 *
 * Drawing past the edge cannot be seen in the emulated cells directly
 * (the terminal wraps, as ncurses does before it), but it lands at the
 * start of the row below: every row but the key bar leaves its first
 * column blank, so text there is text that ran over.
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
#include "util.h"
#include "vt.h"

static const struct {
    int rows, cols;
} sizes[] = {{15, 40}, {20, 60}, {23, 80}, {24, 80}, {43, 132}, {60, 200}};

/* What each screen must show, in the language it runs in. */
struct words {
    const char *lang;
    const char *title;      /* the title bar begins with it */
    const char *help;       /* in the key bar, always */
    const char *too_small;  /* the message below 40x15 */
    const char *needed;     /* "40x15" in the session's digits */
    const char *home;       /* the first entry of the home menu */
    const char *name;       /* Amtali in the list, the view and the dialog */
    const char *found;      /* the count line when the search finds it alone */
    const char *edit;       /* the detail view's key bar */
    const char *save;       /* the form's key bar */
    const char *yes;        /* the confirmation's answer */
    const char *subscriber; /* a row of the subscribers list */
};

static const struct words en = {
    "en",   " MAB ", "Help", "Make the window larger", "40x15", "Directory", "Amtali", "1 of ",
    "Edit", "Save",  "Yes",  "salma@example.org",
};
static const struct words bn = {
    "bn",    " ম্যাব ",  "সাহায্য",  "উইন্ডোটি বড় করুন", "৪০x১৫", "নির্দেশিকা",
    "আমতলী", "১ (মোট ", "সম্পাদনা", "সংরক্ষণ",         "হ্যাঁ",   "salma@example.org",
};

/* A fresh database with a subscriber to list. */
static void seed(void)
{
    char *path, *out;

    tu_create_db(tu_test_db());
    path = xasprintf("%s/subscribers.csv", tu_tmpdir());
    assert_int_equal(tu_write_file(path, "email,name,lang,municipality\n"
                                         "salma@example.org,Salma Begum,en,Amtali\n"),
                     0);
    out = tu_mabdesk(tu_test_db(), "import", "subscribers", path, NULL);
    free(out);
    free(path);
}

static struct vt *start(int rows, int cols, const struct words *w)
{
    const char *argv[] = {tu_bin(), "--db", tu_test_db(), "--lang", w->lang, NULL};

    return vt_spawn(argv, rows, cols, NULL);
}

/* The screen showing now is laid out for the terminal's size: not
 * refused, the title bar on top, the key bar (with bar) at the bottom,
 * and no text run over from a row above into a first column. */
static void check_fits_bar(struct vt *vt, const struct words *w, const char *what, const char *bar)
{
    int rows = vt_rows(vt);

    vt_settle(vt, 50, vt_timeout());
    if (strstr(vt_screen(vt), w->too_small) != NULL ||
        strncmp(vt_row(vt, 0), w->title, strlen(w->title)) != 0 ||
        strstr(vt_row(vt, rows - 1), bar) == NULL) {
        fprintf(stderr, "%s at %dx%d (%s): refused, or no title or key bar\n", what, vt_cols(vt),
                rows, w->lang);
        vt_print_screen(vt, "screen");
        fail();
    }
    for (int y = 0; y < rows - 1; y++) {
        const char *c = vt_cell_at(vt, y, 0).text;

        if (*c != '\0' && strcmp(c, " ") != 0) {
            fprintf(stderr, "%s at %dx%d (%s): row %d begins with '%s': text ran over\n", what,
                    vt_cols(vt), rows, w->lang, y, c);
            vt_print_screen(vt, "screen");
            fail();
        }
    }
}

static void check_fits(struct vt *vt, const struct words *w, const char *what)
{
    check_fits_bar(vt, w, what, w->help);
}

/* Home, the directory found down to Amtali, its delete confirmation, its
 * detail view, its edit form and the subscribers list, at one size. */
static void walk(int rows, int cols, const struct words *w)
{
    struct vt *vt = start(rows, cols, w);

    VT_EXPECT_TEXT(vt, w->home);
    check_fits(vt, w, "home");

    vt_key(vt, VT_KEY_ENTER);
    vt_send(vt, "/Amtali");
    VT_EXPECT_TEXT(vt, w->found);
    VT_EXPECT_TEXT(vt, w->name);
    vt_key(vt, VT_KEY_TAB);
    check_fits(vt, w, "directory");

    vt_send(vt, "d");
    VT_EXPECT_TEXT(vt, w->yes);
    VT_EXPECT_TEXT(vt, w->name);
    check_fits(vt, w, "confirm dialog");
    vt_send(vt, "n");
    VT_EXPECT_GONE(vt, w->yes);

    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, rows - 1, w->edit);
    VT_EXPECT_TEXT(vt, w->name);
    check_fits(vt, w, "detail");

    vt_send(vt, "e");
    VT_EXPECT_ROW(vt, rows - 1, w->save);
    VT_EXPECT_TEXT(vt, "Amtali"); /* the English name field, in both languages */
    check_fits(vt, w, "edit form");

    /* Nothing was changed: Esc goes back at once, then to the list and home. */
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_ROW(vt, rows - 1, w->edit);
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, w->found);
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, w->home);
    for (int i = 0; i < 4; i++)
        vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, w->subscriber);
    check_fits(vt, w, "subscribers");

    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

/* The screens of the home menu beside the records: About, People,
 * Events, Help, Users with an account's keys, the audit log and one entry
 * of it. */
struct more_words {
    const char *about, *people, *person, *help_title, *users, *audit, *entries, *entry, *events;
};
static const struct more_words more_en = {
    "About",     "People",   "Abdul Karim", "Help",   "Users",
    "Audit log", "Entries:", "Audit entry", "Events",
};
static const struct more_words more_bn = {
    "পরিচিতি", "লোকজন",  "আবদুল করিম",  "সাহায্য", "ব্যবহারকারী",
    "অডিট লগ", "এন্ট্রি:", "অডিট এন্ট্রি", "অনুষ্ঠান",
};

/* Home entry n (from 0), whose screen's title is title. */
static void open_entry(struct vt *vt, const struct words *w, int n, const char *title)
{
    VT_EXPECT_TEXT(vt, w->home);
    vt_key(vt, VT_KEY_HOME);
    for (int i = 0; i < n; i++)
        vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, title);
}

static void walk_more(int rows, int cols, const struct words *w, const struct more_words *m)
{
    struct vt *vt = start(rows, cols, w);
    int y;

    open_entry(vt, w, 1, m->about);
    check_fits(vt, w, "about");
    vt_key(vt, VT_KEY_ESC);
    open_entry(vt, w, 2, m->people);
    VT_EXPECT_TEXT(vt, m->person);
    check_fits(vt, w, "people");
    vt_key(vt, VT_KEY_ESC);
    open_entry(vt, w, 5, m->events);
    check_fits(vt, w, "events");
    vt_key(vt, VT_KEY_ESC);
    open_entry(vt, w, 6, m->help_title);
    check_fits_bar(vt, w, "help", "F10"); /* the help screen offers no help */
    vt_key(vt, VT_KEY_ESC);

    open_entry(vt, w, 7, m->users);
    VT_EXPECT_TEXT(vt, "rahima");
    check_fits(vt, w, "users");
    /* The list's first row is row 3, where the cursor starts. */
    assert_true(vt_find(vt, "rahima", &y, NULL));
    vt_keys(vt, VT_KEY_DOWN, y - 3);
    VT_EXPECT_REVERSE(vt, y);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "SHA256:");
    check_fits(vt, w, "account");
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_GONE(vt, "SHA256:");
    vt_key(vt, VT_KEY_ESC);

    open_entry(vt, w, 8, m->audit);
    VT_EXPECT_TEXT(vt, m->entries);
    check_fits(vt, w, "audit log");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, m->entry);
    check_fits(vt, w, "audit entry");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

/* A kiosk: its home and the public subscription form, typed into and
 * resized to the next size, the typing kept. */
static void walk_kiosk(int i, const struct words *w, const char *subscribe)
{
    const char *argv[] = {tu_bin(), "--db", tu_test_db(), "--kiosk", "--lang", w->lang, NULL};
    int next = (i + 1) % (int)nitems(sizes);
    struct vt *vt = vt_spawn(argv, sizes[i].rows, sizes[i].cols, NULL);

    VT_EXPECT_TEXT(vt, w->home);
    check_fits(vt, w, "kiosk home");
    vt_keys(vt, VT_KEY_DOWN, 3);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, subscribe);
    vt_send(vt, "reader@example.org");
    VT_EXPECT_TEXT(vt, "reader@example.org");
    check_fits(vt, w, "kiosk subscribe form");
    vt_resize(vt, sizes[next].rows, sizes[next].cols);
    VT_EXPECT_ROW(vt, sizes[next].rows - 1, w->help);
    VT_EXPECT_TEXT(vt, "reader@example.org");
    check_fits(vt, w, "kiosk subscribe form, resized");
    vt_close(vt);
}

static void test_kiosk_sizes(void **state)
{
    tu_create_db(tu_test_db());
    for (int i = 0; i < (int)nitems(sizes); i++) {
        walk_kiosk(i, &en, "Subscribe to the");
        walk_kiosk(i, &bn, "মিউনিসিপ্যালিটি");
    }
}

/* A person, and an account with a key, for the screens walk_more() opens. */
static void seed_more(void)
{
    char *path = xasprintf("%s/more.csv", tu_tmpdir());

    assert_int_equal(tu_write_file(path, "name_en,name_bn,position,municipality,phone\n"
                                         "Abdul Karim Chowdhury,আবদুল করিম,mayor,Amtali,"
                                         "+880 1711-000000\n"),
                     0);
    free(tu_mabdesk(tu_test_db(), "import", "contacts", path, NULL));
    free(path);
    path = xasprintf("%s/rahima.pub", tu_tmpdir());
    assert_int_equal(tu_write_file(path, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK8ivHr2DXoMB1x+Y+"
                                         "JAo451UbWPPyfIMHpRcHGmFOuZ rahima@laptop\n"),
                     0);
    free(
        tu_mabdesk(tu_test_db(), "user", "add", "rahima", "--role", "viewer", "--key", path, NULL));
    free(path);
}

static void walk_more_all(const struct words *w, const struct more_words *m)
{
    tu_create_db(tu_test_db());
    seed_more();
    for (size_t i = 0; i < nitems(sizes); i++)
        walk_more(sizes[i].rows, sizes[i].cols, w, m);
}

static void test_more_screens_english(void **state)
{
    walk_more_all(&en, &more_en);
}

static void test_more_screens_bengali(void **state)
{
    walk_more_all(&bn, &more_bn);
}

static void walk_all(const struct words *w)
{
    seed();
    for (size_t i = 0; i < nitems(sizes); i++)
        walk(sizes[i].rows, sizes[i].cols, w);
}

static void test_sizes_english(void **state)
{
    walk_all(&en);
}

static void test_sizes_bengali(void **state)
{
    walk_all(&bn);
}

/* One column or one row short: the message, with both sizes; the home
 * screen once the window is large enough. */
static void too_small(const struct words *w, int rows, int cols, const char *now)
{
    struct vt *vt = start(rows, cols, w);

    VT_EXPECT_TEXT(vt, w->too_small);
    VT_EXPECT_TEXT(vt, w->needed);
    VT_EXPECT_TEXT(vt, now);
    VT_EXPECT_ABSENT(vt, w->help);
    vt_resize(vt, 15, 40);
    VT_EXPECT_TEXT(vt, w->home);
    VT_EXPECT_ABSENT(vt, w->too_small);
    check_fits(vt, w, "home after growing");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

static void test_too_small(void **state)
{
    tu_create_db(tu_test_db());
    too_small(&en, 15, 39, "now 39x15");
    too_small(&en, 14, 40, "now 40x14");
    too_small(&bn, 15, 39, "৩৯x১৫");
    too_small(&bn, 14, 40, "৪০x১৪");
}

/* Typing in a form survives 80x24 -> 40x15 -> 80x24 and then saves. */
static void test_resize_form_saves(void **state)
{
    struct vt *vt;
    char *name;

    tu_create_db(tu_test_db());
    vt = tu_start(NULL);
    tu_edit_record(vt, "Amtali");
    vt_key(vt, VT_KEY_TAB); /* the English name, the cursor at its end */
    vt_send(vt, " Typed");
    VT_EXPECT_TEXT(vt, "Amtali Typed");

    vt_resize(vt, 15, 40);
    VT_EXPECT_ROW(vt, 14, "F2");
    VT_EXPECT_TEXT(vt, "Amtali Typed");
    check_fits(vt, &en, "edit form after shrinking");
    vt_send(vt, "X");
    VT_EXPECT_TEXT(vt, "Amtali TypedX");

    vt_resize(vt, 24, 80);
    VT_EXPECT_ROW(vt, 23, "F2");
    VT_EXPECT_TEXT(vt, "Amtali TypedX");
    vt_send(vt, "Y");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Saved Amtali TypedXY.");
    name =
        tu_sql_text(tu_test_db(), "SELECT name_en FROM municipality WHERE name_en LIKE 'Amtali%'");
    assert_string_equal(name, "Amtali TypedXY");
    free(name);
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

/* A search being typed and an open dialog survive resizes too. */
static void test_resize_search_and_dialog(void **state)
{
    struct vt *vt;

    tu_create_db(tu_test_db());
    vt = tu_start(NULL);
    tu_open_directory(vt);
    vt_send(vt, "/Amta");
    VT_EXPECT_TEXT(vt, "Search: Amta");
    vt_resize(vt, 15, 40);
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    VT_EXPECT_TEXT(vt, "Amta");
    vt_send(vt, "li");
    VT_EXPECT_TEXT(vt, "Amtali");
    vt_key(vt, VT_KEY_TAB);
    VT_EXPECT_ROW(vt, 14, "Help");

    vt_send(vt, "d");
    VT_EXPECT_TEXT(vt, "Yes");
    vt_resize(vt, 60, 200);
    VT_EXPECT_ROW(vt, 59, "Yes");
    VT_EXPECT_TEXT(vt, "Delete Amtali from the directory?");
    check_fits(vt, &en, "dialog after growing");
    vt_resize(vt, 15, 40);
    VT_EXPECT_ROW(vt, 14, "Yes");
    check_fits(vt, &en, "dialog after shrinking");
    vt_send(vt, "n");
    VT_EXPECT_GONE(vt, "Yes");
    VT_EXPECT_TEXT(vt, "Amtali");
    assert_int_equal(
        tu_sql_int(tu_test_db(), "SELECT count(*) FROM municipality WHERE name_en = 'Amtali'"), 1);

    /* A pick list being narrowed by typing: the typing stays, and the
     * choice made after the resizes is the one typed for. */
    vt_send(vt, "v");
    VT_EXPECT_TEXT(vt, "Type to narrow:");
    vt_send(vt, "Dhak");
    VT_EXPECT_TEXT(vt, "Type to narrow: Dhak");
    vt_resize(vt, 43, 132);
    VT_EXPECT_ROW(vt, 42, "Help");
    VT_EXPECT_TEXT(vt, "Type to narrow: Dhak");
    vt_resize(vt, 15, 40);
    VT_EXPECT_ROW(vt, 14, "Help");
    VT_EXPECT_TEXT(vt, "Type to narrow: Dhak");
    check_fits(vt, &en, "pick list after resizes");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Division: Dhaka");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

/* What a narrow screen gives up and what it keeps: the directory's less
 * important columns go (District, Division) and come back when there is
 * room; the form's labels are whole, above their fields. */
static void test_narrow_layout(void **state)
{
    const char *argv[] = {tu_bin(), "--db", tu_test_db(), NULL};
    struct vt *vt;

    tu_create_db(tu_test_db());
    vt = vt_spawn(argv, 15, 40, NULL);
    tu_open_directory(vt);
    VT_EXPECT_ROW(vt, 3, "Kind, class");
    VT_ASSERT(vt, strstr(vt_row(vt, 3), "Name") != NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, 3), "District") == NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, 4), "Akhaura") != NULL);
    vt_resize(vt, 20, 60);
    VT_EXPECT_ROW(vt, 3, "Division");
    VT_ASSERT(vt, strstr(vt_row(vt, 3), "District") != NULL);
    vt_resize(vt, 15, 40);
    VT_EXPECT_ROW(vt, 14, "Help"); /* a list row at 60x20: redrawn at 40x15 */
    VT_ASSERT(vt, strstr(vt_row(vt, 3), "District") == NULL);
    vt_key(vt, VT_KEY_ENTER);
    vt_send(vt, "e");
    VT_EXPECT_TEXT(vt, "* Name (English)");
    VT_EXPECT_TEXT(vt, "* Name (Bengali)");
    VT_EXPECT_TEXT(vt, "Editing Akhaura.");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

/* Someone else saved first: the dialog on a phone still says what
 * happened and shows both values; after growing back, keeping mine saves
 * the value typed before the resizes. */
static void test_conflict_small(void **state)
{
    struct vt *a, *b;
    char *mayor;

    tu_create_db(tu_test_db());
    a = tu_start(NULL);
    b = tu_start(NULL);
    tu_edit_record(a, "Amtali");
    tu_edit_record(b, "Amtali");
    tu_go_to_field(a, "Mayor (English)");
    tu_go_to_field(b, "Mayor (English)");
    tu_replace_field(a, "Karim");
    tu_replace_field(b, "Rahim");
    vt_key(a, VT_KEY_F2);
    VT_EXPECT_TEXT(a, "Saved Amtali.");

    vt_resize(b, 15, 40);
    VT_EXPECT_ROW(b, 14, "F2");
    vt_key(b, VT_KEY_F2);
    VT_EXPECT_TEXT(b, "Someone else saved");
    VT_EXPECT_TEXT(b, "Choose what to keep:");
    VT_EXPECT_TEXT(b, "Rahim");
    VT_EXPECT_TEXT(b, "Karim");
    check_fits(b, &en, "conflict dialog");
    vt_resize(b, 24, 80);
    VT_EXPECT_ROW(b, 23, "Keep mine");
    VT_EXPECT_TEXT(b, "Rahim");
    vt_send(b, "m");
    VT_EXPECT_TEXT(b, "Saved Amtali.");
    mayor = tu_sql_text(tu_test_db(), "SELECT mayor_en FROM municipality WHERE name_en = 'Amtali'");
    assert_string_equal(mayor, "Rahim");
    free(mayor);
    vt_key(a, VT_KEY_F10);
    vt_key(b, VT_KEY_F10);
    VT_EXPECT_EXIT(a, 0);
    VT_EXPECT_EXIT(b, 0);
    vt_close(a);
    vt_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_sizes_english),        TU_SCREEN_TEST(test_sizes_bengali),
        TU_SCREEN_TEST(test_more_screens_english), TU_SCREEN_TEST(test_more_screens_bengali),
        TU_SCREEN_TEST(test_kiosk_sizes),          TU_SCREEN_TEST(test_too_small),
        TU_SCREEN_TEST(test_resize_form_saves),    TU_SCREEN_TEST(test_resize_search_and_dialog),
        TU_SCREEN_TEST(test_narrow_layout),        TU_SCREEN_TEST(test_conflict_small),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
