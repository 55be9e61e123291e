/*
 * test_sets.c: the sets an import keeps of a million rows (src/sets.c):
 * every string and value added is found again, nothing else is, across
 * many growths; 0 is a value like any other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "sets.h"

#define MANY 200000

static void test_strings(void **state)
{
    struct strset s = {0};
    char key[64];

    (void)state;
    for (int i = 0; i < MANY; i++) {
        snprintf(key, sizeof key, "reader%06d@example.org", i);
        assert_int_equal(strset_add(&s, key), 0);
    }
    assert_int_equal(s.n, MANY);
    for (int i = 0; i < MANY; i += 997) {
        snprintf(key, sizeof key, "reader%06d@example.org", i);
        assert_int_equal(strset_add(&s, key), 1);
    }
    assert_int_equal(strset_add(&s, "reader000001@example.or"), 0);
    assert_int_equal(strset_add(&s, ""), 0);
    assert_int_equal(strset_add(&s, ""), 1);
    assert_int_equal(s.n, MANY + 2);
    strset_free(&s);
}

static void test_values(void **state)
{
    struct hashset h = {0};

    (void)state;
    assert_int_equal(hashset_has(&h, 0), 0);
    for (uint64_t i = 0; i < MANY; i++)
        assert_int_equal(hashset_add(&h, i * 0x10001ULL), 0);
    assert_int_equal(h.n, MANY);
    for (uint64_t i = 0; i < MANY; i += 991) {
        assert_int_equal(hashset_has(&h, i * 0x10001ULL), 1);
        assert_int_equal(hashset_add(&h, i * 0x10001ULL), 1);
    }
    assert_int_equal(hashset_has(&h, 3), 0);
    /* 0 is kept as 1: both read as present once either is. */
    assert_int_equal(hashset_has(&h, 1), 1);
    free(h.v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_values),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
