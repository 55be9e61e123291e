/*
 * test_limits.c: the decisions "mabdesk serve" takes at accept(), before
 * any cryptography: per-source rate by network block, MaxStartups-style
 * early drop, the total session cap, making room by evicting a connection
 * stalled before its key exchange, penalties of network blocks whose
 * connections fail to authenticate; and the per-account throttle of
 * password and signature checks.  Time and the random number are passed in, so every
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

static void test_netblocks(void **state)
{
    char a[64], b[64];

    assert_int_equal(limits_netblock("192.0.2.1", a, sizeof a), 0);
    assert_string_equal(a, "192.0.2.1/32");
    /* An IPv4-mapped IPv6 address is its IPv4 address. */
    assert_int_equal(limits_netblock("::ffff:192.0.2.1", b, sizeof b), 0);
    assert_string_equal(a, b);
    assert_int_equal(limits_netblock("192.0.2.2", b, sizeof b), 0);
    assert_string_not_equal(a, b);
    /* IPv6 by /64, however the address is written. */
    assert_int_equal(limits_netblock("2001:db8:1:2:3:4:5:6", a, sizeof a), 0);
    assert_string_equal(a, "2001:db8:1:2::/64");
    assert_int_equal(limits_netblock("2001:0db8:0001:0002::ffff", b, sizeof b), 0);
    assert_string_equal(a, b);
    assert_int_equal(limits_netblock("2001:db8:1:3::1", b, sizeof b), 0);
    assert_string_equal(b, "2001:db8:1:3::/64");
    assert_int_equal(limits_netblock("not an address", b, sizeof b), -1);
    assert_string_equal(b, "not an address");
}

/* The per-source rate counts a /64 as one source. */
static void test_rate_per_netblock(void **state)
{
    struct serve_config c = config();
    struct limits *l = limits_new(&c);
    char addr[64], block[64];

    for (int i = 0; i < 10; i++) {
        snprintf(addr, sizeof addr, "2001:db8:5:6::%x", i + 1);
        limits_netblock(addr, block, sizeof block);
        assert_null(check(l, block, 100.0, 0, 0, 99));
    }
    limits_netblock("2001:db8:5:6:ffff::1", block, sizeof block);
    assert_non_null(check(l, block, 100.5, 0, 0, 99));
    limits_netblock("2001:db8:5:7::1", block, sizeof block);
    assert_null(check(l, block, 100.5, 0, 0, 99));
    limits_free(l);
}

static struct serve_config penalty_config(void)
{
    struct serve_config c = config();

    c.penalty = 5;
    c.penalty_min = 15;
    c.penalty_max = 600;
    return c;
}

static void test_penalty_grows(void **state)
{
    struct serve_config c = penalty_config();
    struct penalty *p = penalty_new(&c);
    const char *b = "198.51.100.7/32", *other = "198.51.100.8/32";
    double t = 1000;

    /* Failing connections a second apart: 5, 9, 13, 17 s of penalty, so
     * the fourth has the block refused for 15 s. */
    assert_true(penalty_authfail(p, b, t) == 0);
    assert_true(penalty_authfail(p, b, t + 1) == 0);
    assert_true(penalty_authfail(p, b, t + 2) == 0);
    assert_true(penalty_authfail(p, b, t + 3) == 15);
    assert_true(penalty_left(p, b, t + 3.5) == 14.5);
    assert_true(penalty_left(p, other, t + 3.5) == 0);
    assert_true(penalty_left(p, b, t + 18) == 0);
    /* Again: twice as long each time, up to penalty_max. */
    t += 20;
    for (double want = 30; want <= 600; want = want * 2 < 600 ? want * 2 : 600) {
        double len = 0;

        for (int i = 0; i < 3 && len == 0; i++)
            len = penalty_authfail(p, b, t);
        assert_true(len == want);
        assert_true(penalty_left(p, b, t + 2) > 0);
        t += len + 3;
        if (want == 600)
            break;
    }
    /* Forgiven after penalty_max seconds without a refusal. */
    t += 601;
    penalty_authfail(p, b, t);
    penalty_authfail(p, b, t);
    assert_true(penalty_authfail(p, b, t) == 15);
    /* Failures spread out drain away and never add up to a refusal. */
    for (int i = 0; i < 50; i++)
        assert_true(penalty_authfail(p, other, t + i * 6.0) == 0);
    assert_true(penalty_left(p, other, t + 300) == 0);
    penalty_free(p);
}

static void test_penalty_off_and_many_sources(void **state)
{
    struct serve_config c = penalty_config();
    struct penalty *p;
    char b[64];
    int refused = 0;

    c.penalty = 0;
    p = penalty_new(&c);
    for (int i = 0; i < 10; i++)
        assert_true(penalty_authfail(p, "192.0.2.9/32", i) == 0);
    assert_true(penalty_left(p, "192.0.2.9/32", 10) == 0);
    penalty_free(p);
    /* More sources than the table holds: those being refused are kept. */
    c.penalty = 5;
    p = penalty_new(&c);
    penalty_authfail(p, "192.0.2.10/32", 0);
    penalty_authfail(p, "192.0.2.10/32", 0);
    assert_true(penalty_authfail(p, "192.0.2.10/32", 0) == 15);
    for (int i = 0; i < 5000; i++) {
        snprintf(b, sizeof b, "10.%d.%d.%d/32", i / 65536, (i / 256) % 256, i % 256);
        penalty_authfail(p, b, 1);
    }
    refused += penalty_left(p, "192.0.2.10/32", 2) > 0;
    assert_int_equal(refused, 1);
    penalty_free(p);
}

static struct serve_config throttle_config(void)
{
    struct serve_config c = config();

    c.login_grace = 30;
    c.auth_delay = 1;
    c.auth_delay_max = 4;
    return c;
}

static void test_throttle_grows_per_account(void **state)
{
    struct serve_config c = throttle_config();
    struct throttle *t = throttle_new(&c);
    const char *a = "192.0.2.1/32", *b = "192.0.2.2/32";
    double now = 500, d;

    /* From one block: checks 0, 1, 2, 4 and 4 s apart. */
    assert_true(throttle_ask(t, "pat", a, now) == 0);
    assert_int_equal(throttle_failed(t, "pat", now, &d), 1);
    assert_true(d == 1);
    assert_true(throttle_ask(t, "pat", a, now + 0.25) == 0.75);
    throttle_failed(t, "pat", now + 1, &d);
    assert_true(d == 2);
    assert_true(throttle_ask(t, "pat", a, now + 1.5) == 1.5);
    throttle_failed(t, "pat", now + 3, &d);
    assert_true(d == 4);
    assert_true(throttle_ask(t, "pat", a, now + 3) == 4);
    throttle_failed(t, "pat", now + 7, &d);
    assert_true(d == 4);
    assert_true(throttle_ask(t, "pat", a, now + 7) == 4);
    /* Another block: its first check waits for nothing (no lockout), its
     * next one for the account's delay. */
    assert_true(throttle_ask(t, "pat", b, now + 8) == 0);
    assert_true(throttle_ask(t, "pat", b, now + 8) == 4);
    /* Another account is not affected: its second check waits only as
     * long as after a first failure. */
    assert_true(throttle_ask(t, "ed", a, now + 8) == 0);
    assert_true(throttle_ask(t, "ed", a, now + 8) == 1);
    /* Logging in clears the block's turn, not the account's failures. */
    throttle_succeeded(t, "pat", a);
    assert_true(throttle_ask(t, "pat", a, now + 20) == 0);
    assert_true(throttle_ask(t, "pat", a, now + 20) == 4);
    /* One failure is forgotten per minute. */
    assert_true(throttle_ask(t, "pat", "192.0.2.3/32", now + 7 + 3 * 60) == 0);
    assert_true(throttle_ask(t, "pat", "192.0.2.3/32", now + 7 + 3 * 60) == 1);
    throttle_free(t);
}

static void test_throttle_bounds(void **state)
{
    struct serve_config c = throttle_config();
    struct throttle *t;
    char name[32];
    double d;

    /* Turns are not booked beyond the login grace. */
    c.auth_delay_max = 20;
    t = throttle_new(&c);
    for (int i = 0; i < 5; i++)
        throttle_failed(t, "pat", 0, &d);
    assert_true(d == 16);
    assert_true(throttle_ask(t, "pat", "b", 0) == 0);
    assert_true(throttle_ask(t, "pat", "b", 0) == 20);
    assert_true(throttle_ask(t, "pat", "b", 0) == 40);
    assert_true(throttle_ask(t, "pat", "b", 0) == 40);
    /* Many accounts and blocks: bounded tables that keep working. */
    for (int i = 0; i < 5000; i++) {
        snprintf(name, sizeof name, "user%d", i);
        assert_true(throttle_ask(t, name, "c", 1) == 0);
        throttle_failed(t, name, 1, &d);
        assert_true(d == 1);
    }
    throttle_free(t);
    /* Off. */
    c.auth_delay = 0;
    t = throttle_new(&c);
    for (int i = 0; i < 5; i++) {
        assert_true(throttle_ask(t, "pat", "b", 0) == 0);
        throttle_failed(t, "pat", 0, &d);
        assert_true(d == 0);
    }
    throttle_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_source_window),
        cmocka_unit_test(test_max_startups),
        cmocka_unit_test(test_evict_before_kex),
        cmocka_unit_test(test_netblocks),
        cmocka_unit_test(test_rate_per_netblock),
        cmocka_unit_test(test_penalty_grows),
        cmocka_unit_test(test_penalty_off_and_many_sources),
        cmocka_unit_test(test_throttle_grows_per_account),
        cmocka_unit_test(test_throttle_bounds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
