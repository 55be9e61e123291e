/*
 * limits.c: the decisions taken at accept(), before any cryptography:
 * a cap on open connections, OpenSSH-style MaxStartups (random early drop
 * of unauthenticated connections from begin to full), and new connections
 * per network block within a sliding window.  When the slots are full
 * and a connection has not finished its key exchange, the oldest such
 * connection makes room rather than the new one being refused, so a flood
 * of stalled connections cannot keep a real user out.  Pure bookkeeping:
 * no I/O, no clock of its own, so it can be tested exactly.
 */
#include "ssh/serve_internal.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

int limits_netblock(const char *addr, char *out, size_t n)
{
    struct in_addr v4;
    struct in6_addr v6;
    char text[INET6_ADDRSTRLEN];

    if (inet_pton(AF_INET6, addr, &v6) == 1 && !IN6_IS_ADDR_V4MAPPED(&v6)) {
        memset(&v6.s6_addr[8], 0, 8);
        inet_ntop(AF_INET6, &v6, text, sizeof text);
        snprintf(out, n, "%s/64", text);
        return 0;
    }
    if (inet_pton(AF_INET6, addr, &v6) == 1)
        memcpy(&v4, &v6.s6_addr[12], sizeof v4);
    else if (inet_pton(AF_INET, addr, &v4) != 1) {
        snprintf(out, n, "%s", addr);
        return -1;
    }
    inet_ntop(AF_INET, &v4, text, sizeof text);
    snprintf(out, n, "%s/32", text);
    return 0;
}

/* Remembered sources; an old entry is reused when full. */
enum { LIMITS_SOURCES = 1024 };

struct source {
    char addr[64];
    double *times; /* ring of the last per_source_max accepted connections */
    int next;
    int count;
};

struct limits {
    const struct serve_config *cfg;
    struct source *src;
    int nsrc;
};

struct limits *limits_new(const struct serve_config *cfg)
{
    struct limits *l = xcalloc(1, sizeof *l);

    l->cfg = cfg;
    l->src = xcalloc(LIMITS_SOURCES, sizeof *l->src);
    return l;
}

void limits_free(struct limits *l)
{
    if (l == NULL)
        return;
    for (int i = 0; i < l->nsrc; i++)
        free(l->src[i].times);
    free(l->src);
    free(l);
}

/* The entry for addr; a new one, or the stalest, when not known. */
static struct source *find_source(struct limits *l, const char *addr)
{
    int max = l->cfg->per_source_max > 0 ? l->cfg->per_source_max : 1;
    struct source *s;
    int stalest = 0;
    double oldest = 0;

    for (int i = 0; i < l->nsrc; i++) {
        s = &l->src[i];
        if (strcmp(s->addr, addr) == 0)
            return s;
        {
            double last = s->count > 0 ? s->times[(s->next + max - 1) % max] : 0;

            if (i == 0 || last < oldest) {
                oldest = last;
                stalest = i;
            }
        }
    }
    if (l->nsrc < LIMITS_SOURCES)
        s = &l->src[l->nsrc++];
    else
        s = &l->src[stalest];
    free(s->times);
    memset(s, 0, sizeof *s);
    snprintf(s->addr, sizeof s->addr, "%s", addr);
    s->times = xcalloc((size_t)max, sizeof *s->times);
    return s;
}

/* The slots are full: the total cap, or MaxStartups' "full". */
static const char *slots_full(const struct serve_config *c, const struct limits_load *load)
{
    if (c->max_sessions > 0 && load->total >= c->max_sessions)
        return _("mabdesk: the server is full; try again later\r\n");
    if (load->unauth >= c->startups_full)
        return _("mabdesk: too many connections are logging in; try again later\r\n");
    return NULL;
}

enum limits_verdict limits_check(struct limits *l, const char *source, double now,
                                 const struct limits_load *load, int rnd, const char **why)
{
    const struct serve_config *c = l->cfg;
    struct source *s;
    int max = c->per_source_max > 0 ? c->per_source_max : 1;
    int kexed = load->unauth - load->prekex;
    const char *full = slots_full(c, load);

    *why = NULL;
    if (full != NULL && load->prekex == 0) {
        *why = full;
        return LIMITS_REFUSE;
    }
    /* Random early drop counts only connections past the key exchange:
     * connections that never start it cost an attacker nothing and are
     * evicted when the slots are full, so they must not turn real users
     * away before that. */
    if (full == NULL && kexed >= c->startups_begin) {
        /* Drop with probability rate% at begin, rising linearly to 100% at full. */
        int span = c->startups_full - c->startups_begin;
        int p = c->startups_rate +
                (span > 0 ? (100 - c->startups_rate) * (kexed - c->startups_begin) / span : 100);

        if (rnd < p) {
            *why = _("mabdesk: too many connections are logging in; try again later\r\n");
            return LIMITS_REFUSE;
        }
    }
    s = find_source(l, source);
    if (s->count >= max && now - s->times[s->next] < c->per_source_window) {
        *why = _("mabdesk: too many new connections from your address; wait a few seconds\r\n");
        return LIMITS_REFUSE;
    }
    s->times[s->next] = now;
    s->next = (s->next + 1) % max;
    if (s->count < max)
        s->count++;
    return full != NULL ? LIMITS_EVICT : LIMITS_ACCEPT;
}
