/*
 * test_people.c: the people of each municipality through the real binary
 * at 80x24: a municipality's page lists them, 'p' opens their list, a
 * municipal user adds one to its own body through the generic form (the
 * municipality filled in), finds it by its Bengali name, and is offered
 * no edit for another body's people.
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

/* The id of the body called name (seeded by the program itself). */
static long long body(const char *name)
{
    char *sql = xasprintf("SELECT id FROM municipality WHERE name_en = '%s'", name);
    long long id = tu_sql_int(tu_test_db(), sql);

    free(sql);
    return id;
}

/* Directory -> the one body name finds -> its page. */
static void open_body(struct vt *vt, const char *name)
{
    char search[128];

    snprintf(search, sizeof search, "/%s", name);
    tu_open_directory(vt);
    vt_send(vt, search);
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Municipality");
}

static void test_municipal_adds_own_person(void **state)
{
    char *out, *arg;
    struct vt *vt;
    long long amtali;

    tu_create_db(tu_test_db());
    amtali = body("Amtali");
    arg = xasprintf("%lld", amtali);
    vt = tu_start("--role", "municipal", "--municipality", arg, NULL);
    open_body(vt, "Amtali");
    vt_key(vt, VT_KEY_END); /* the people are below the facts */
    VT_EXPECT_TEXT(vt, "People");
    VT_EXPECT_TEXT(vt, "Nobody yet.");
    vt_send(vt, "p");
    VT_EXPECT_ROW(vt, 0, "People");
    VT_EXPECT_TEXT(vt, "Amtali (Barguna)");
    VT_EXPECT_TEXT(vt, "0 of 0");
    vt_send(vt, "n");
    VT_EXPECT_ROW(vt, 0, "New person");
    VT_EXPECT_TEXT(vt, "Amtali (Barguna)"); /* the body, by name */
    tu_go_to_field(vt, "Name (Bengali)");
    tu_replace_field(vt, "রহিম উদ্দিন");
    tu_go_to_field(vt, "Phone(s)");
    tu_replace_field(vt, "01711 000001, 01811 000002");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Saved রহিম উদ্দিন.");
    VT_EXPECT_TEXT(vt, "1 of 1");
    VT_EXPECT_TEXT(vt, "Mayor");
    /* Search in Bengali finds it. */
    vt_send(vt, "/রহিম");
    VT_EXPECT_TEXT(vt, "1 of 1");
    vt_key(vt, VT_KEY_ESC);
    vt_key(vt, VT_KEY_ESC);
    /* The body's page lists the person now. */
    VT_EXPECT_ROW(vt, 0, "Municipality");
    vt_key(vt, VT_KEY_END);
    VT_EXPECT_TEXT(vt, "রহিম উদ্দিন");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    free(arg);
    assert_int_equal(tu_sql_int(tu_test_db(), "SELECT count(*) FROM contact WHERE name_bn ="
                                              " 'রহিম উদ্দিন' AND position = 'mayor'"),
                     1);
    out = xasprintf("SELECT municipality_id FROM contact WHERE name_bn = 'রহিম উদ্দিন'");
    assert_int_equal(tu_sql_int(tu_test_db(), out), amtali);
    free(out);
}

static void test_other_body_read_only(void **state)
{
    struct vt *vt;
    char *arg, *csv, *path, *out;
    long long amtali;

    tu_create_db(tu_test_db());
    amtali = body("Amtali");
    path = xasprintf("%s/people.csv", tu_tmpdir());
    csv = xasprintf("name_en,position,municipality\nBarguna Secretary,secretary,Barguna\n");
    assert_int_equal(tu_write_file(path, csv), 0);
    out = tu_mabdesk(tu_test_db(), "import", "contacts", path, NULL);
    free(out);
    arg = xasprintf("%lld", amtali);
    vt = tu_start("--role", "municipal", "--municipality", arg, NULL);
    /* Home -> People, the third entry. */
    VT_EXPECT_TEXT(vt, "Officials and contacts");
    vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "People");
    VT_EXPECT_TEXT(vt, "Barguna Secretary");
    VT_EXPECT_TEXT(vt, "1 of 1");
    VT_EXPECT_ROW(vt, 23, "Open");
    VT_EXPECT_ABSENT(vt, "e Edit");
    VT_EXPECT_ABSENT(vt, "n New");
    VT_EXPECT_ABSENT(vt, "d Delete");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Person");
    VT_EXPECT_TEXT(vt, "Secretary");
    VT_EXPECT_ABSENT(vt, "e Edit");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    free(arg);
    free(csv);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_municipal_adds_own_person),
        TU_SCREEN_TEST(test_other_body_read_only),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
