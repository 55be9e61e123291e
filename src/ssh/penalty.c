/*
 * penalty.c: network blocks whose connections fail to authenticate are
 * refused for a while, as with OpenSSH's PerSourcePenalties.  Each
 * connection that ends without authenticating after a failed attempt adds
 * `penalty` seconds to its block's score, which drains one second per
 * second; when the score reaches `penalty_min`, new connections from the
 * block are refused for penalty_min seconds, twice as long at each further
 * block, up to penalty_max.  A block penalty_max seconds past its last
 * refusal starts again from penalty_min.
 *
 * Pure bookkeeping: no I/O, no clock of its own (time is passed in), so it
 * can be tested exactly.  The table is bounded; when it is full, the entry
 * that matters least (not refusing, least recently touched) is reused.
 */
#include "ssh/serve_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { PENALTY_BLOCKS = 4096 };

struct pen {
    char block[64];
    double score; /* seconds, as of `at` */
    double at;
    double until; /* refused until then */
    int strikes;  /* refusals so far, for the next one's length */
    int used;
};

struct penalty {
    const struct serve_config *cfg;
    struct pen *p;
};

struct penalty *penalty_new(const struct serve_config *cfg)
{
    struct penalty *t = xcalloc(1, sizeof *t);

    t->cfg = cfg;
    t->p = xcalloc(PENALTY_BLOCKS, sizeof *t->p);
    return t;
}

void penalty_free(struct penalty *t)
{
    if (t == NULL)
        return;
    free(t->p);
    free(t);
}

/* How much an entry is still worth keeping at now: a refusal under way
 * first, then by when it was last touched. */
static double worth(const struct pen *e, double now)
{
    if (!e->used)
        return -1e18;
    if (e->until > now)
        return 1e12 + e->until;
    return e->at > e->until ? e->at : e->until;
}

static struct pen *find(struct penalty *t, const char *block, double now, int create)
{
    struct pen *least = NULL;

    for (int i = 0; i < PENALTY_BLOCKS; i++) {
        struct pen *e = &t->p[i];

        if (e->used && strcmp(e->block, block) == 0)
            return e;
        if (least == NULL || worth(e, now) < worth(least, now))
            least = e;
    }
    if (!create)
        return NULL;
    memset(least, 0, sizeof *least);
    least->used = 1;
    least->at = now;
    snprintf(least->block, sizeof least->block, "%s", block);
    return least;
}

double penalty_left(struct penalty *t, const char *block, double now)
{
    struct pen *e;

    if (t->cfg->penalty <= 0)
        return 0;
    e = find(t, block, now, 0);
    return e != NULL && e->until > now ? e->until - now : 0;
}

double penalty_authfail(struct penalty *t, const char *block, double now)
{
    const struct serve_config *c = t->cfg;
    struct pen *e;
    double len;

    if (c->penalty <= 0)
        return 0;
    e = find(t, block, now, 1);
    e->score = e->score > now - e->at ? e->score - (now - e->at) : 0;
    e->score += c->penalty;
    e->at = now;
    if (e->score < c->penalty_min || e->until > now)
        return 0;
    if (e->until > 0 && now - e->until > c->penalty_max)
        e->strikes = 0;
    len = c->penalty_min;
    for (int i = 0; i < e->strikes && len < c->penalty_max; i++)
        len *= 2;
    if (len > c->penalty_max)
        len = c->penalty_max;
    e->strikes++;
    e->score = 0;
    e->until = now + len;
    return len;
}
