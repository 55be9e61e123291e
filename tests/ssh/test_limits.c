/*
 * test_limits.c: the decisions "mabdesk serve" takes at accept(), before
 * any cryptography: per-source rate, MaxStartups-style early drop, the
 * total session cap, and making room by evicting a connection stalled
 * before its key exchange.  Time and the random number are passed in, so every
 * case is exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ssh/serve_internal.h"

static struct serve_config config(void)
{
    struct serve_config c;

    memset(&c, 0, sizeof c);
    c.max_sessions = 50;
    c.startups_begin = 10;
    c.startups_rate = 30;
    c.startups_full = 100;
    c.per_source_max = 10;
    c.per_source_window = 10;
    return c;
}

/* limits_check() when no connection is still before its key exchange:
 * NULL if accepted, else the reason. */
static const char *check(struct limits *l, const char *src, double now, int unauth, int total,
                         int rnd)
{
    struct limits_load load = {total, unauth, 0};
    const char *why = NULL;
    enum limits_verdict v = limits_check(l, src, now, &load, rnd, &why);

    assert_int_not_equal(v, LIMITS_EVICT);
    assert_true((v == LIMITS_REFUSE) == (why != NULL));
    return why;
}

static enum limits_verdict verdict(struct limits *l, const char *src, int total, int unauth,
                                   int prekex, int rnd, const char **why)
{
    struct limits_load load = {total, unauth, prekex};

    return limits_check(l, src, 1.0, &load, rnd, why);
}

static void test_per_source_window(void **state)
{
    struct serve_config c = config();
    struct limits *l = limits_new(&c);

    /* Ten in a burst pass, the eleventh is refused. */
    for (int i = 0; i < 10; i++)
        assert_null(check(l, "192.0.2.1", 100.0 + i * 0.01, 0, 0, 99));
    assert_non_null(check(l, "192.0.2.1", 100.2, 0, 0, 99));
    /* Another source is not affected. */
    assert_null(check(l, "192.0.2.2", 100.2, 0, 0, 99));
    /* Once the oldest is more than the window ago, one more passes. */
    assert_non_null(check(l, "192.0.2.1", 109.9, 0, 0, 99));
    assert_null(check(l, "192.0.2.1", 110.005, 0, 0, 99));
    /* ... and the next oldest (100.01) is not yet out of the window. */
    assert_non_null(check(l, "192.0.2.1", 110.006, 0, 0, 99));
    limits_free(l);
}

static void test_max_startups(void **state)
{
    struct serve_config c = config();
    struct limits *l;
    char src[32];
    int n = 0;

    c.max_sessions = 200;
    l = limits_new(&c);
    /* Below begin: never dropped, whatever the dice say. */
    assert_null(check(l, "198.51.100.1", 1, 9, 9, 0));
    /* At begin: dropped with probability rate% (dice below 30). */
    assert_non_null(check(l, "198.51.100.2", 1, 10, 10, 29));
    assert_null(check(l, "198.51.100.3", 1, 10, 10, 30));
    /* Half-way between begin and full: 30 + 70 * 45 / 90 = 65%. */
    assert_non_null(check(l, "198.51.100.4", 1, 55, 55, 64));
    assert_null(check(l, "198.51.100.5", 1, 55, 55, 65));
    /* At full: always. */
    assert_non_null(check(l, "198.51.100.6", 1, 100, 10, 99));
    /* Total cap. */
    assert_non_null(check(l, "198.51.100.7", 1, 0, 200, 99));
    assert_null(check(l, "198.51.100.8", 1, 0, 199, 99));
    /* Many sources: the table does not grow without bound and still works. */
    for (int i = 0; i < 3000; i++) {
        snprintf(src, sizeof src, "10.%d.%d.%d", i / 65536, (i / 256) % 256, i % 256);
        n += check(l, src, 2 + i * 0.001, 0, 0, 99) == NULL;
    }
    assert_int_equal(n, 3000);
    limits_free(l);
}

/* When the slots are full, a connection still before its key exchange
 * makes room (the oldest: the listener picks it); such connections never
 * make the server drop a newcomer early. */
static void test_evict_before_kex(void **state)
{
    struct serve_config c = config();
    struct limits *l;
    const char *why;

    c.max_sessions = 200;
    l = limits_new(&c);
    /* MaxStartups full, every one of them stalled before the key exchange:
     * the newcomer is let in whatever the dice say. */
    assert_int_equal(verdict(l, "203.0.113.1", 100, 100, 100, 0, &why), LIMITS_EVICT);
    assert_null(why);
    assert_int_equal(verdict(l, "203.0.113.2", 150, 100, 1, 0, &why), LIMITS_EVICT);
    /* Full of connections past their key exchange: refused, as before. */
    assert_int_equal(verdict(l, "203.0.113.3", 100, 100, 0, 99, &why), LIMITS_REFUSE);
    assert_non_null(strstr(why, "too many connections are logging in"));
    /* The total cap: the same. */
    assert_int_equal(verdict(l, "203.0.113.4", 200, 5, 1, 0, &why), LIMITS_EVICT);
    assert_int_equal(verdict(l, "203.0.113.5", 200, 5, 0, 99, &why), LIMITS_REFUSE);
    assert_non_null(strstr(why, "server is full"));
    /* Below full, stalled connections do not count towards early drop ... */
    assert_int_equal(verdict(l, "203.0.113.6", 99, 99, 99, 0, &why), LIMITS_ACCEPT);
    /* ... those past the key exchange do: 49 of them, 30 + 70 * 39 / 90 = 60%. */
    assert_int_equal(verdict(l, "203.0.113.7", 99, 99, 50, 59, &why), LIMITS_REFUSE);
    assert_int_equal(verdict(l, "203.0.113.8", 99, 99, 50, 60, &why), LIMITS_ACCEPT);
    /* A source over its rate is refused even when room could be made, and
     * nobody is evicted for it. */
    for (int i = 0; i < 10; i++)
        assert_int_equal(verdict(l, "203.0.113.9", 0, 0, 0, 99, &why), LIMITS_ACCEPT);
    assert_int_equal(verdict(l, "203.0.113.9", 100, 100, 100, 99, &why), LIMITS_REFUSE);
    assert_non_null(strstr(why, "from your address"));
    limits_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_source_window),
        cmocka_unit_test(test_max_startups),
        cmocka_unit_test(test_evict_before_kex),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
