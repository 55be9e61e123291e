/*
 * throttle.c: how long a check of an account's password or signature must
 * wait.  Each account counts its recent failed guesses, from every
 * connection and every source (one is forgotten per THROTTLE_FORGET
 * seconds).  After n of them, checks of that account from one network
 * block are at least delay(n) = auth_delay * 2^(n-1) seconds apart, at
 * most auth_delay_max; a check waits for its turn before it is made, so
 * an attacker gains nothing by not waiting for the answer.
 *
 * Never a lockout: the turns are kept per network block, so the first
 * check from a block that has not been guessing waits for nothing, however
 * many guesses came from elsewhere, and the right password works at once.
 * Guessing from one block only slows that block.
 *
 * Pure bookkeeping: no I/O, no clock of its own (time is passed in), so it
 * can be tested exactly.  The tables are bounded; when one is full, the
 * entry that matters least is reused.
 */
#include "ssh/serve_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { THROTTLE_ACCOUNTS = 1024, THROTTLE_TURNS = 2048, THROTTLE_FORGET = 60 };

struct account {
    char name[65];
    int fails; /* recent failed guesses, as of at */
    double at;
};

/* When the next check of an account from a network block may be made. */
struct turn {
    char name[65];
    char block[64];
    double next;
};

struct throttle {
    const struct serve_config *cfg;
    struct account *acc;
    struct turn *turn;
};

struct throttle *throttle_new(const struct serve_config *cfg)
{
    struct throttle *t = xcalloc(1, sizeof *t);

    t->cfg = cfg;
    t->acc = xcalloc(THROTTLE_ACCOUNTS, sizeof *t->acc);
    t->turn = xcalloc(THROTTLE_TURNS, sizeof *t->turn);
    return t;
}

void throttle_free(struct throttle *t)
{
    if (t == NULL)
        return;
    free(t->acc);
    free(t->turn);
    free(t);
}

double throttle_delay(const struct serve_config *c, int fails)
{
    double d = c->auth_delay;

    if (fails <= 0 || c->auth_delay <= 0)
        return 0;
    for (int i = 1; i < fails && d < c->auth_delay_max; i++)
        d *= 2;
    return d < c->auth_delay_max ? d : c->auth_delay_max;
}

/* Forget one failure per THROTTLE_FORGET seconds. */
static void forget(struct account *a, double now)
{
    int gone = (int)((now - a->at) / THROTTLE_FORGET);

    if (gone <= 0)
        return;
    a->fails = a->fails > gone ? a->fails - gone : 0;
    a->at += (double)gone * THROTTLE_FORGET;
}

static struct account *account(struct throttle *t, const char *name, double now)
{
    struct account *least = NULL;

    for (int i = 0; i < THROTTLE_ACCOUNTS; i++) {
        struct account *a = &t->acc[i];

        if (a->name[0] != '\0')
            forget(a, now);
        if (strcmp(a->name, name) == 0)
            return a;
        if (least == NULL || a->fails < least->fails ||
            (a->fails == least->fails && a->at < least->at))
            least = a;
    }
    memset(least, 0, sizeof *least);
    snprintf(least->name, sizeof least->name, "%s", name);
    least->at = now;
    return least;
}

static struct turn *turn(struct throttle *t, const char *name, const char *block, int create)
{
    struct turn *least = NULL;

    for (int i = 0; i < THROTTLE_TURNS; i++) {
        struct turn *u = &t->turn[i];

        if (strcmp(u->name, name) == 0 && strcmp(u->block, block) == 0)
            return u;
        if (least == NULL || u->next < least->next)
            least = u;
    }
    if (!create)
        return NULL;
    memset(least, 0, sizeof *least);
    snprintf(least->name, sizeof least->name, "%s", name);
    snprintf(least->block, sizeof least->block, "%s", block);
    return least;
}

double throttle_ask(struct throttle *t, const char *name, const char *block, double now)
{
    struct account *a;
    struct turn *u;
    double at;

    if (t->cfg->auth_delay <= 0)
        return 0;
    a = account(t, name, now);
    u = turn(t, name, block, 1);
    at = u->next > now ? u->next : now;
    /* Book the turn after this one as if this check fails; a booking
     * beyond the login grace is not made (that check will not be). */
    if (at - now < t->cfg->login_grace)
        u->next = at + throttle_delay(t->cfg, a->fails + 1);
    return at - now;
}

int throttle_failed(struct throttle *t, const char *name, double now, double *delay)
{
    struct account *a = account(t, name, now);

    /* Counting beyond the longest delay would only make forgetting slower. */
    if (throttle_delay(t->cfg, a->fails) < t->cfg->auth_delay_max)
        a->fails++;
    a->at = a->fails == 1 ? now : a->at;
    *delay = throttle_delay(t->cfg, a->fails);
    return a->fails;
}

void throttle_succeeded(struct throttle *t, const char *name, const char *block)
{
    struct turn *u = turn(t, name, block, 0);

    if (u != NULL)
        memset(u, 0, sizeof *u);
}
