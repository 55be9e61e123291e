/*
 * test_db_search.c: directory search and paged lists (db_muni_count,
 * db_muni_page) on the real seed data: English prefixes in any case,
 * Bengali words matched whole (vowel signs and virama belong to the word),
 * NFC in queries and in stored text, filters, sort orders and paging.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixtures.h"
#include "testutil.h"

#include "db/db.h"
#include "db/internal.h"
#include "util.h"

/* বোয়ালখালী (Boalkhali) typed two ways: ো as U+09C7 U+09BE and য় as the
 * single code point U+09DF; or ো as U+09CB and য় as U+09AF U+09BC. */
#define BOALKHALI_A                                                                                \
    "\xe0\xa6\xac\xe0\xa7\x87\xe0\xa6\xbe\xe0\xa7\x9f\xe0\xa6\xbe\xe0\xa6\xb2\xe0\xa6\x96\xe0\xa6" \
    "\xbe\xe0\xa6\xb2\xe0\xa7\x80"
#define BOALKHALI_B                                                                                \
    "\xe0\xa6\xac\xe0\xa7\x8b\xe0\xa6\xaf\xe0\xa6\xbc\xe0\xa6\xbe\xe0\xa6\xb2\xe0\xa6\x96\xe0\xa6" \
    "\xbe\xe0\xa6\xb2\xe0\xa7\x80"

static struct db *shared;
static char *shared_path;

static int setup(void **state)
{
    (void)state;
    shared_path = tu_db_path();
    shared = tu_db_open(shared_path, ROLE_VIEWER, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(shared);
    free(shared_path);
    tu_cleanup();
    return 0;
}

/* The English names found, in list order, joined with '|'. */
static char *names(struct db *db, const struct record_query *q, int offset, int limit)
{
    struct record_row *rows;
    struct buf b = {0};
    char *err = NULL;
    int n;

    if (db_record_page(db, &kind_municipality, q, offset, limit, &rows, &n, &err) != DB_OK)
        fail_msg("page: %s", err);
    for (int i = 0; i < n; i++) {
        if (i > 0)
            buf_addc(&b, '|');
        buf_adds(&b, rows[i].v[ML_NAME_EN]);
    }
    record_rows_free(&kind_municipality, rows, n);
    return buf_take(&b);
}

static char *search_names(struct db *db, const char *search)
{
    struct record_query q = {0};

    q.search = search;
    return names(db, &q, 0, 1000);
}

/* search_names() must find exactly want. */
static void expect_names(struct db *db, const char *search, const char *want)
{
    char *s = search_names(db, search);

    assert_string_equal(s, want);
    free(s);
}

static void test_all_and_empty(void **state)
{
    (void)state;
    assert_int_equal(tu_muni_count(shared, NULL), 342);
    assert_int_equal(tu_muni_count(shared, ""), 342);
    assert_int_equal(tu_muni_count(shared, "   "), 342);
    /* Only punctuation: nothing that could match a word, so no filter. */
    assert_int_equal(tu_muni_count(shared, "-- ,,, ()"), 342);
    assert_int_equal(tu_muni_count(shared, "\"\""), 342);
}

static void test_english(void **state)
{
    char *s;

    (void)state;
    expect_names(shared, "sava", "Savar");
    assert_int_equal(tu_muni_count(shared, "SAVAR"), 1);
    assert_int_equal(tu_muni_count(shared, "SaVaR"), 1);
    /* Every word must match (AND), each as a prefix. */
    expect_names(shared, "dhaka nor", "Dhaka North City Corporation");
    s = search_names(shared, "city corp");
    assert_int_equal(tu_muni_count(shared, "city corp"), 12);
    free(s);
    /* District and division names are searched too, with alternative
     * spellings ("Chittagong" for the Chattogram district). */
    {
        struct record_query q = {0};
        char *err = NULL;
        int n;

        assert_int_equal(
            db_district_lookup(shared, "Chattogram", &q.filter[MUNI_FILTER_DISTRICT], &err), DB_OK);
        assert_int_equal(db_record_count(shared, &kind_municipality, &q, &n, &err), DB_OK);
        assert_true(n > 10);
        assert_int_equal(tu_muni_count(shared, "Chittagong"), n);
    }
    assert_true(tu_muni_count(shared, "Sylhet") >= 21);
    assert_int_equal(tu_muni_count(shared, "Rangpur"), 32);
    /* Nothing matches: zero, not an error. */
    assert_int_equal(tu_muni_count(shared, "zzzzqqq"), 0);
    /* Quotes and FTS syntax inside words are literal text, not syntax. */
    assert_int_equal(tu_muni_count(shared, "\"savar"), 1);
    assert_int_equal(tu_muni_count(shared, "savar\""), 1);
    assert_int_equal(tu_muni_count(shared, "NOT"), 0);
    assert_int_equal(tu_muni_count(shared, "savar OR"), 0);
    assert_int_equal(tu_muni_count(shared, "sav*"), 1);
    assert_int_equal(tu_muni_count(shared, "name_en:savar"), 0);
}

static void test_bengali(void **state)
{
    (void)state;
    expect_names(shared, "সাভার", "Savar");
    /* A prefix in Bengali. */
    expect_names(shared, "সাভা", "Savar");
    /*
     * কালী (Kali-, long ii) and কালি (Kali-, short i) share the consonants
     * ক and ল with each other and with কালাই (Kalai), কালকিনি (Kalkini) and
     * কালাহাতি (Kalihati).  A tokenizer that splits at vowel signs would find
     * all of them; the word must match whole.
     */
    expect_names(shared, "কালী", "Kaliganj|Kaliganj");
    expect_names(shared, "কালি", "Kalia|Kaliakoir");
    expect_names(shared, "কালিয়া", "Kalia|Kaliakoir");
    expect_names(shared, "কালা", "Kalai|Kalihati");
    /* The whole word with its virama-joined conjunct. */
    expect_names(shared, "কালীগঞ্জ গাজীপুর", "Kaliganj");
    /* Division and district names in Bengali. */
    assert_int_equal(tu_muni_count(shared, "রংপুর"), 32);
    /* Scripts mixed in one query. */
    assert_int_equal(tu_muni_count(shared, "Kaliganj গাজীপুর"), 1);
}

static void test_nfc_queries(void **state)
{
    (void)state;
    expect_names(shared, BOALKHALI_A, "Boalkhali");
    expect_names(shared, BOALKHALI_B, "Boalkhali");
    /* A prefix that ends on the decomposed vowel sign. */
    assert_int_equal(tu_muni_count(shared, "\xe0\xa6\xac\xe0\xa7\x87\xe0\xa6\xbe\xe0\xa7\x9f"),
                     tu_muni_count(shared, "\xe0\xa6\xac\xe0\xa7\x8b\xe0\xa6\xaf\xe0\xa6\xbc"));
}

static void test_nfc_stored(void **state)
{
    char *path = tu_db_path(), *err = NULL;
    struct db *db = tu_db_open(path, ROLE_EDITOR, 0);
    struct record m;

    (void)state;
    /* Saved with the decomposed forms, found with the composed ones. */
    record_init(&m, &kind_municipality);
    record_set(&m, MF_KIND, "paurashava");
    record_set(&m, MF_NAME_EN, "Testpur");
    m.f[MF_NAME_BN] = (free(m.f[MF_NAME_BN]), xstrdup(BOALKHALI_A " নতুন"));
    record_set(&m, MF_DISTRICT, "Dhaka");
    assert_int_equal(db_record_save(db, &m, NULL, NULL, &err), DB_OK);
    expect_names(db, BOALKHALI_B " নতু", "Testpur");
    expect_names(db, BOALKHALI_A " নতু", "Testpur");
    /* What is stored is NFC. */
    assert_memory_equal(m.f[MF_NAME_BN], BOALKHALI_B, strlen(BOALKHALI_B));
    record_free(&m);
    db_close(db);
    free(path);
}

static long long division_id(const char *name)
{
    struct geo_item *items;
    char *err = NULL;
    long long id = 0;
    int n;

    assert_int_equal(db_divisions(shared, &items, &n, &err), DB_OK);
    for (int i = 0; i < n; i++)
        if (strcmp(items[i].name_en, name) == 0)
            id = items[i].id;
    geo_items_free(items, n);
    return id;
}

static void test_filters(void **state)
{
    struct record_query q = {0};
    char *err = NULL, *s;
    int n;
    long long gazipur = 0;

    (void)state;
    q.filter[MUNI_FILTER_DIVISION] = division_id("Dhaka");
    assert_int_equal(db_record_count(shared, &kind_municipality, &q, &n, &err), DB_OK);
    assert_int_equal(n, 67);
    q.filter[MUNI_FILTER_DIVISION] = division_id("Sylhet");
    assert_int_equal(db_record_count(shared, &kind_municipality, &q, &n, &err), DB_OK);
    assert_int_equal(n, 21);
    assert_int_equal(db_district_lookup(shared, "Gazipur", &gazipur, &err), DB_OK);
    q.filter[MUNI_FILTER_DIVISION] = division_id("Dhaka");
    q.filter[MUNI_FILTER_DISTRICT] = gazipur;
    q.search = "kali";
    s = names(shared, &q, 0, 100);
    assert_string_equal(s, "Kaliakoir|Kaliganj");
    free(s);
    assert_int_equal(db_record_count(shared, &kind_municipality, &q, &n, &err), DB_OK);
    assert_int_equal(n, 2);
    /* A district outside the division: nothing. */
    q.filter[MUNI_FILTER_DIVISION] = division_id("Sylhet");
    assert_int_equal(db_record_count(shared, &kind_municipality, &q, &n, &err), DB_OK);
    assert_int_equal(n, 0);
}

static void test_sort_and_paging(void **state)
{
    struct record_query q = {0};
    struct record_row *all, *page;
    char *err = NULL;
    int nall, n, got = 0;

    (void)state;
    for (int sort = 0; sort < MUNI_SORT_COUNT; sort++) {
        for (int bn = 0; bn < 2; bn++) {
            q.sort = (enum muni_sort)sort;
            q.lang_bn = bn;
            assert_int_equal(
                db_record_page(shared, &kind_municipality, &q, 0, 1000, &all, &nall, &err), DB_OK);
            assert_int_equal(nall, 342);
            /* Pages of 25 put together give the same list: stable order. */
            got = 0;
            for (int off = 0; off < nall; off += 25) {
                assert_int_equal(
                    db_record_page(shared, &kind_municipality, &q, off, 25, &page, &n, &err),
                    DB_OK);
                assert_true(n <= 25);
                for (int i = 0; i < n; i++)
                    assert_int_equal(page[i].id, all[off + i].id);
                got += n;
                record_rows_free(&kind_municipality, page, n);
            }
            assert_int_equal(got, nall);
            for (int i = 1; i < nall; i++) {
                const struct record_row *a = &all[i - 1], *b = &all[i];

                switch (q.sort) {
                case MUNI_SORT_NAME:
                    if (bn)
                        assert_true(strcmp(a->v[ML_NAME_BN], b->v[ML_NAME_BN]) <= 0);
                    else
                        assert_true(strcasecmp(a->v[ML_NAME_EN], b->v[ML_NAME_EN]) <= 0);
                    break;
                case MUNI_SORT_DISTRICT:
                    if (bn)
                        assert_true(strcmp(a->v[ML_DISTRICT_BN], b->v[ML_DISTRICT_BN]) <= 0);
                    else
                        assert_true(strcasecmp(a->v[ML_DISTRICT_EN], b->v[ML_DISTRICT_EN]) <= 0);
                    break;
                case MUNI_SORT_DIVISION:
                    if (bn)
                        assert_true(strcmp(a->v[ML_DIVISION_BN], b->v[ML_DIVISION_BN]) <= 0);
                    else
                        assert_true(strcasecmp(a->v[ML_DIVISION_EN], b->v[ML_DIVISION_EN]) <= 0);
                    break;
                case MUNI_SORT_KIND_CLASS:
                    /* City corporations first, then classes A, B, C, unknown. */
                    assert_true(strcmp(a->v[ML_KIND], b->v[ML_KIND]) <= 0);
                    if (strcmp(a->v[ML_KIND], b->v[ML_KIND]) == 0 && a->v[ML_CLASS][0] != '\0' &&
                        b->v[ML_CLASS][0] != '\0')
                        assert_true(a->v[ML_CLASS][0] <= b->v[ML_CLASS][0]);
                    if (strcmp(a->v[ML_KIND], b->v[ML_KIND]) == 0 && a->v[ML_CLASS][0] == '\0')
                        assert_true(b->v[ML_CLASS][0] == '\0');
                    break;
                default:
                    break;
                }
            }
            if (q.sort == MUNI_SORT_KIND_CLASS) {
                assert_string_equal(all[0].v[ML_KIND], "city_corporation");
                assert_string_equal(all[11].v[ML_KIND], "city_corporation");
                assert_string_equal(all[12].v[ML_KIND], "paurashava");
                assert_string_equal(all[12].v[ML_CLASS], "A");
            }
            if (q.sort == MUNI_SORT_ESTABLISHED)
                assert_string_equal(all[0].v[ML_NAME_EN], "Faridpur"); /* 1869 */
            record_rows_free(&kind_municipality, all, nall);
        }
    }
    /* Past the end: an empty page. */
    q.sort = MUNI_SORT_NAME;
    assert_int_equal(db_record_page(shared, &kind_municipality, &q, 342, 10, &page, &n, &err),
                     DB_OK);
    assert_int_equal(n, 0);
    record_rows_free(&kind_municipality, page, n);
}

static void test_row_contents(void **state)
{
    struct record_query q = {0};
    struct record_row *rows;
    char *err = NULL;
    int n;

    (void)state;
    /* Faridpur is sorted first by year (1869) among the Faridpur matches. */
    q.search = "Faridpur";
    q.sort = MUNI_SORT_ESTABLISHED;
    assert_int_equal(db_record_page(shared, &kind_municipality, &q, 0, 1, &rows, &n, &err), DB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].v[ML_NAME_EN], "Faridpur");
    assert_string_equal(rows[0].v[ML_NAME_BN], "ফরিদপুর পৌরসভা");
    assert_string_equal(rows[0].v[ML_CLASS], "A");
    assert_string_equal(rows[0].v[ML_KIND], "paurashava");
    assert_string_equal(rows[0].v[ML_DISTRICT_EN], "Faridpur");
    assert_string_equal(rows[0].v[ML_DISTRICT_BN], "ফরিদপুর");
    assert_string_equal(rows[0].v[ML_DIVISION_EN], "Dhaka");
    assert_string_equal(rows[0].v[ML_DIVISION_BN], "ঢাকা");
    record_rows_free(&kind_municipality, rows, n);
}

static void test_fts_query_text(void **state)
{
    char *q;

    (void)state;
    q = db_fts_query("  Dhaka  nor ");
    assert_string_equal(q, "\"Dhaka\"* AND \"nor\"*");
    free(q);
    q = db_fts_query("a\"b");
    assert_string_equal(q, "\"a\"\"b\"*");
    free(q);
    q = db_fts_query("- !! ...");
    assert_null(q);
    assert_null(db_fts_query(NULL));
    assert_null(db_fts_query(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_and_empty),   cmocka_unit_test(test_english),
        cmocka_unit_test(test_bengali),         cmocka_unit_test(test_nfc_queries),
        cmocka_unit_test(test_nfc_stored),      cmocka_unit_test(test_filters),
        cmocka_unit_test(test_sort_and_paging), cmocka_unit_test(test_row_contents),
        cmocka_unit_test(test_fts_query_text),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
