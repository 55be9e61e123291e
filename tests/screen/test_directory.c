/*
 * test_directory.c: the directory's filters, sort orders, adding and
 * deleting through the real binary at 80x24: a division or a district
 * filter shows exactly the bodies the database holds for it, "x" clears
 * them, "s" cycles the orders with the first row the database puts first,
 * "n" adds a body through the form (and a failed save keeps what was
 * typed), "d" deletes only after "y" and only for an admin.
 *
 * Each test has its own database in its own temporary directory; every
 * expected count and order is computed from that database with SQL, and
 * every write is checked there afterwards.
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

/* The first and the last row of the list at 80x24 (rows 22 and 23 are the
 * status line and the key bar). */
#define LIST_TOP 4
#define LIST_LAST 21

/* "N of TOTAL" into out. */
static void count_text(char *out, size_t outsz, long long n, const char *total)
{
    snprintf(out, outsz, "%lld of %s", n, total);
}

/* 1 if row y, trailing blanks removed, ends with s. */
static int row_ends_with(struct vt *vt, int y, const char *s)
{
    const char *row = vt_row(vt, y);
    size_t n = strlen(row), k = strlen(s);

    return n >= k && strcmp(row + n - k, s) == 0;
}

/* Every list row on the screen (as many as min(expected, the rows there
 * are)) ends with division and holds need (may be NULL); rows after them
 * are empty. */
static void check_rows(struct vt *vt, long long expected, const char *division, const char *need)
{
    int y, shown = 0;

    for (y = LIST_TOP; y <= LIST_LAST && vt_row(vt, y)[0] != '\0'; y++) {
        VT_ASSERT(vt, row_ends_with(vt, y, division));
        if (need != NULL)
            VT_ASSERT(vt, strstr(vt_row(vt, y), need) != NULL);
        shown++;
    }
    VT_ASSERT(vt,
              shown == (expected < LIST_LAST - LIST_TOP + 1 ? expected : LIST_LAST - LIST_TOP + 1));
}

/* Pick label in the open picker titled title: type it, Enter. */
static void pick(struct vt *vt, const char *title, const char *label)
{
    char want[256];

    VT_EXPECT_TEXT(vt, title);
    vt_send(vt, label);
    snprintf(want, sizeof want, "Type to narrow: %s", label);
    VT_EXPECT_TEXT(vt, want);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_GONE(vt, title);
}

static void test_division_filter_and_clear(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;
    long long n;
    char want[64];

    tu_create_db(db);
    n = tu_sql_int(db, "SELECT count(*) FROM municipality m JOIN district d ON d.id = m.district_id"
                       " JOIN division v ON v.id = d.division_id WHERE v.name_en = 'Sylhet'");
    assert_true(n > 0 && n < 342);

    vt = tu_start(NULL);
    tu_open_directory(vt);
    VT_EXPECT_TEXT(vt, "Division: all   District: all");
    vt_send(vt, "v");
    pick(vt, "Show one division", "Sylhet");
    VT_EXPECT_TEXT(vt, "Division: Sylhet   District: all");
    count_text(want, sizeof want, n, TU_SEED_TOTAL);
    VT_EXPECT_TEXT(vt, want);
    check_rows(vt, n, "Sylhet", NULL);
    /* A body of another division is not in the list. */
    VT_EXPECT_ABSENT(vt, "Amtali");

    /* x clears the filter: the whole list again. */
    vt_send(vt, "x");
    VT_EXPECT_TEXT(vt, TU_SEED_TOTAL " of " TU_SEED_TOTAL);
    VT_EXPECT_TEXT(vt, "Division: all   District: all");
    VT_EXPECT_TEXT(vt, "Amtali");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

static void test_district_filter_and_clear(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;
    long long n;
    char want[64];

    tu_create_db(db);
    n = tu_sql_int(db, "SELECT count(*) FROM municipality m JOIN district d ON d.id = m.district_id"
                       " WHERE d.name_en = 'Moulvibazar'");
    assert_true(n > 0 && n < 342);

    vt = tu_start(NULL);
    tu_open_directory(vt);
    vt_send(vt, "t");
    pick(vt, "Show one district", "Moulvibazar");
    /* The district's division is chosen with it. */
    VT_EXPECT_TEXT(vt, "Division: Sylhet   District: Moulvibazar");
    count_text(want, sizeof want, n, TU_SEED_TOTAL);
    VT_EXPECT_TEXT(vt, want);
    check_rows(vt, n, "Sylhet", "Moulvibazar");

    /* A search and the filter together, then x clears both. */
    vt_send(vt, "/");
    VT_EXPECT_TEXT(vt, "Search:");
    vt_send(vt, "Kulaura");
    VT_EXPECT_TEXT(vt, "Search: Kulaura");
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    vt_key(vt, VT_KEY_TAB);
    VT_EXPECT_ROW(vt, 23, "Edit");
    vt_send(vt, "x");
    VT_EXPECT_TEXT(vt, TU_SEED_TOTAL " of " TU_SEED_TOTAL);
    VT_EXPECT_TEXT(vt, "Division: all   District: all");
    VT_EXPECT_ABSENT(vt, "Search: Kulaura");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

/* The first row is the body (name, district) the database puts first in
 * this order; "s" was pressed and the status says sorted by label. */
static void expect_first(struct vt *vt, const char *label, const char *order)
{
    const char *db = tu_test_db();
    char sql[1024], status[128], line[128], *name, *district;
    char head[300];

    snprintf(status, sizeof status, "Sorted by %s.", label);
    snprintf(line, sizeof line, "Sorted by %s", label);
    snprintf(sql, sizeof sql,
             "SELECT m.name_en FROM municipality m JOIN district d ON d.id = m.district_id"
             " JOIN division v ON v.id = d.division_id ORDER BY %s LIMIT 1",
             order);
    name = tu_sql_text(db, sql);
    snprintf(sql, sizeof sql,
             "SELECT d.name_en FROM municipality m JOIN district d ON d.id = m.district_id"
             " JOIN division v ON v.id = d.division_id ORDER BY %s LIMIT 1",
             order);
    district = tu_sql_text(db, sql);
    assert_non_null(name);
    assert_non_null(district);
    VT_EXPECT_TEXT(vt, status);
    VT_EXPECT_TEXT(vt, line);
    snprintf(head, sizeof head, " %s ", name);
    VT_EXPECT_ROW(vt, LIST_TOP, head);
    VT_ASSERT(vt, strncmp(vt_row(vt, LIST_TOP), head, strlen(head)) == 0);
    VT_ASSERT(vt, strstr(vt_row(vt, LIST_TOP), district) != NULL);
    VT_ASSERT(vt, vt_row_reverse(vt, LIST_TOP));
    free(name);
    free(district);
}

static void test_sort_cycles(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;
    char *first_name, *first_district, *first_division, head[300];

    tu_create_db(db);
    first_name = tu_sql_text(db, "SELECT name_en FROM municipality"
                                 " ORDER BY name_en COLLATE NOCASE, id LIMIT 1");
    first_district = tu_sql_text(db, "SELECT name_en FROM district ORDER BY name_en COLLATE NOCASE"
                                     " LIMIT 1");
    first_division = tu_sql_text(db, "SELECT name_en FROM division ORDER BY name_en COLLATE NOCASE"
                                     " LIMIT 1");
    assert_non_null(first_name);
    assert_non_null(first_district);
    assert_non_null(first_division);

    vt = tu_start(NULL);
    tu_open_directory(vt);
    VT_EXPECT_TEXT(vt, "Sorted by name");
    snprintf(head, sizeof head, " %s ", first_name);
    VT_ASSERT(vt, strncmp(vt_row(vt, LIST_TOP), head, strlen(head)) == 0);

    vt_send(vt, "s");
    expect_first(vt, "district", "d.name_en COLLATE NOCASE, m.name_en COLLATE NOCASE, m.id");
    /* By district: the first row's district is the first of all districts
     * in the alphabet. */
    VT_ASSERT(vt, strstr(vt_row(vt, LIST_TOP), first_district) != NULL);

    vt_send(vt, "s");
    expect_first(vt, "division",
                 "v.name_en COLLATE NOCASE, d.name_en COLLATE NOCASE,"
                 " m.name_en COLLATE NOCASE, m.id");
    VT_ASSERT(vt, row_ends_with(vt, LIST_TOP, first_division));

    vt_send(vt, "s");
    expect_first(vt, "kind and class",
                 "m.kind, m.class IS NULL, m.class, m.name_en COLLATE NOCASE, m.id");
    /* City corporations come before paurashavas. */
    VT_ASSERT(vt, strstr(vt_row(vt, LIST_TOP), "City corp.") != NULL);

    vt_send(vt, "s");
    expect_first(vt, "year established",
                 "m.established IS NULL, m.established, m.name_en COLLATE NOCASE, m.id");

    /* The fifth "s" is back at the name order and its first row. */
    vt_send(vt, "s");
    expect_first(vt, "name", "m.name_en COLLATE NOCASE, m.id");
    VT_ASSERT(vt, strncmp(vt_row(vt, LIST_TOP), head, strlen(head)) == 0);
    VT_EXPECT_TEXT(vt, TU_SEED_TOTAL " of " TU_SEED_TOTAL);
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    free(first_name);
    free(first_district);
    free(first_division);
}

/* The row of the screen that holds text, or -1. */
static int row_of(struct vt *vt, const char *text)
{
    int y;

    return vt_find(vt, text, &y, NULL) ? y : -1;
}

static void test_add_municipality(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;
    char *v;
    long long id;

    tu_create_db(db);
    vt = tu_start(NULL);
    tu_open_directory(vt);
    vt_send(vt, "n");
    VT_EXPECT_TEXT(vt, "New municipality");
    VT_EXPECT_TEXT(vt, "A new municipality. Fields marked * are required.");
    /* A new form is not wrong before anything is typed. */
    VT_ASSERT(vt, row_of(vt, "Name (English)") >= 0 &&
                      strstr(vt_row(vt, row_of(vt, "Name (English)")), "required") == NULL);
    tu_go_to_field(vt, "Name (English)");
    tu_replace_field(vt, "Testpur");
    tu_go_to_field(vt, "Name (Bengali)");
    tu_replace_field(vt, "টেস্টপুর পৌরসভা");
    tu_go_to_field(vt, "Class");
    vt_send(vt, " "); /* unknown -> A */
    VT_EXPECT_TEXT(vt, "‹ A ›");
    tu_go_to_field(vt, "Year established");
    tu_replace_field(vt, "1999");
    tu_go_to_field(vt, "Wards");
    tu_replace_field(vt, "9");
    tu_go_to_field(vt, "Mayor (English)");
    tu_replace_field(vt, "Nadia Testwoman");
    tu_go_to_field(vt, "District");
    tu_replace_field(vt, "Sylhet");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Saved Testpur.");
    VT_EXPECT_GONE(vt, "New municipality");
    /* Back on the directory, which counts the new body. */
    VT_EXPECT_TEXT(vt, "343 of 343");

    /* It is found and opens with the values typed. */
    vt_send(vt, "/Testpur");
    VT_EXPECT_TEXT(vt, "1 of 343");
    VT_ASSERT(vt, strncmp(vt_row(vt, LIST_TOP), " Testpur ", 9) == 0);
    VT_ASSERT(vt, row_ends_with(vt, LIST_TOP, "Sylhet"));
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Name (English)");
    VT_EXPECT_TEXT(vt, "টেস্টপুর পৌরসভা");
    VT_EXPECT_TEXT(vt, "Nadia Testwoman");
    VT_EXPECT_TEXT(vt, "Sylhet (সিলেট)");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);

    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM municipality"), 343);
    v = tu_sql_text(db, "SELECT m.kind || '|' || m.name_en || '|' || m.name_bn || '|' || m.class"
                        " || '|' || d.name_en || '|' || m.established || '|' || m.wards || '|' ||"
                        " m.mayor_en || '|' || m.version FROM municipality m"
                        " JOIN district d ON d.id = m.district_id WHERE m.name_en = 'Testpur'");
    assert_non_null(v);
    assert_string_equal(v, "paurashava|Testpur|টেস্টপুর পৌরসভা|A|Sylhet|1999|9|Nadia Testwoman|1");
    free(v);
    id = tu_sql_int(db, "SELECT id FROM municipality WHERE name_en = 'Testpur'");
    v = tu_sql_text(db, "SELECT group_concat(action || ':' || record_kind || ':' || record_id)"
                        " FROM audit");
    assert_non_null(v);
    {
        char want[128];

        snprintf(want, sizeof want, "create:municipality:%lld", id);
        assert_string_equal(v, want);
    }
    free(v);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit WHERE action = 'create'"
                                    " AND before IS NULL AND after LIKE '%Testpur%'"),
                     1);
}

static void test_add_validation_keeps_typing(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;
    int y;
    char *v;

    tu_create_db(db);
    vt = tu_start(NULL);
    tu_open_directory(vt);
    vt_send(vt, "n");
    VT_EXPECT_TEXT(vt, "A new municipality. Fields marked * are required.");
    tu_go_to_field(vt, "Name (Bengali)");
    tu_replace_field(vt, "যাচাইপুর");
    tu_go_to_field(vt, "Wards");
    tu_replace_field(vt, "7");
    tu_go_to_field(vt, "District");
    tu_replace_field(vt, "Habiganj");

    /* F2 with the English name empty: nothing saved, the message beside
     * the field, the cursor on it. */
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Nothing was saved");
    VT_EXPECT_TEXT(vt, "Name (English): required");
    y = row_of(vt, "Name (English)");
    VT_ASSERT(vt, y >= 0);
    VT_ASSERT(vt, strstr(vt_row(vt, y), "required") != NULL);
    {
        int cy, cx;

        vt_cursor(vt, &cy, &cx);
        VT_ASSERT(vt, cy == y);
    }
    /* The other required fields that were filled in carry no message. */
    y = row_of(vt, "Name (Bengali)");
    VT_ASSERT(vt, y >= 0 && strstr(vt_row(vt, y), "required") == NULL);
    /* What was typed is still there. */
    VT_EXPECT_TEXT(vt, "New municipality");
    VT_EXPECT_TEXT(vt, "যাচাইপুর");
    VT_EXPECT_TEXT(vt, "Habiganj");
    y = row_of(vt, "Wards");
    VT_ASSERT(vt, y >= 0 && strstr(vt_row(vt, y), "7") != NULL);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM municipality"), 342);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit"), 0);

    /* Type the name where the cursor already is, and save again: the kept
     * values are saved with it. */
    vt_send(vt, "Jachaipur");
    VT_EXPECT_TEXT(vt, "Jachaipur");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Saved Jachaipur.");
    VT_EXPECT_TEXT(vt, "343 of 343");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);

    v = tu_sql_text(db, "SELECT m.name_bn || '|' || m.wards || '|' || d.name_en"
                        " FROM municipality m JOIN district d ON d.id = m.district_id"
                        " WHERE m.name_en = 'Jachaipur'");
    assert_non_null(v);
    assert_string_equal(v, "যাচাইপুর|7|Habiganj");
    free(v);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit WHERE action = 'create'"), 1);
}

/* Directory -> search "Amtali" -> one match, the list's keys. */
static void find_amtali(struct vt *vt)
{
    tu_open_directory(vt);
    vt_send(vt, "/Amtali");
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    vt_key(vt, VT_KEY_TAB);
    VT_EXPECT_ROW(vt, 23, "Edit");
}

static void test_delete_asks_first(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;
    long long id;
    char *v, want[128];

    tu_create_db(db);
    id = tu_sql_int(db, "SELECT id FROM municipality WHERE name_en = 'Amtali'");
    vt = tu_start(NULL);
    find_amtali(vt);
    VT_ASSERT(vt, strstr(vt_row(vt, 23), "Delete") != NULL);

    /* d asks; n keeps the record. */
    vt_send(vt, "d");
    VT_EXPECT_TEXT(vt, "Delete municipality");
    VT_EXPECT_TEXT(vt, "Delete Amtali from the directory?");
    vt_send(vt, "n");
    VT_EXPECT_GONE(vt, "Delete municipality");
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    VT_ASSERT(vt, strncmp(vt_row(vt, LIST_TOP), " Amtali ", 8) == 0);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM municipality"), 342);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit"), 0);

    /* d again, y: deleted. */
    vt_send(vt, "d");
    VT_EXPECT_TEXT(vt, "Delete municipality");
    vt_send(vt, "y");
    VT_EXPECT_GONE(vt, "Delete municipality");
    VT_EXPECT_TEXT(vt, "Deleted Amtali.");
    VT_EXPECT_TEXT(vt, "0 of 341");
    VT_EXPECT_TEXT(vt, "No municipality matches.");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);

    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM municipality"), 341);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM municipality WHERE name_en = 'Amtali'"),
                     0);
    v = tu_sql_text(db, "SELECT group_concat(action || ':' || record_kind || ':' || record_id)"
                        " FROM audit");
    assert_non_null(v);
    snprintf(want, sizeof want, "delete:municipality:%lld", id);
    assert_string_equal(v, want);
    free(v);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit WHERE action = 'delete'"
                                    " AND before LIKE '%Amtali%' AND after IS NULL"),
                     1);
}

static void test_editor_cannot_delete(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;

    tu_create_db(db);
    vt = tu_start("--role", "editor", NULL);
    find_amtali(vt);
    /* The editor may edit and add, not delete: no d in the key bar. */
    VT_ASSERT(vt, strstr(vt_row(vt, 23), "Edit") != NULL);
    VT_EXPECT_ABSENT(vt, "Delete");
    /* d does nothing: no dialog, and the next key acts on the list (a
     * dialog would have swallowed it). */
    vt_send(vt, "d");
    vt_send(vt, "s");
    VT_EXPECT_TEXT(vt, "Sorted by district.");
    VT_EXPECT_ABSENT(vt, "Delete municipality");
    VT_EXPECT_ABSENT(vt, "Delete Amtali");
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    VT_ASSERT(vt, strncmp(vt_row(vt, LIST_TOP), " Amtali ", 8) == 0);
    /* Help does not offer it either. */
    vt_key(vt, VT_KEY_F1);
    VT_EXPECT_TEXT(vt, "Keys on this screen (Directory)");
    VT_EXPECT_TEXT(vt, "Edit the selected municipality");
    VT_EXPECT_ABSENT(vt, "Delete the selected municipality");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);

    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM municipality"), 342);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_division_filter_and_clear),
        TU_SCREEN_TEST(test_district_filter_and_clear),
        TU_SCREEN_TEST(test_sort_cycles),
        TU_SCREEN_TEST(test_add_municipality),
        TU_SCREEN_TEST(test_add_validation_keeps_typing),
        TU_SCREEN_TEST(test_delete_asks_first),
        TU_SCREEN_TEST(test_editor_cannot_delete),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
