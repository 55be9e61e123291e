/*
 * sets.c: see sets.h.
 */
#include "sets.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

size_t strset_hash(const char *s)
{
    size_t h = 14695981039346656037ULL;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void strset_grow(struct strset *ks)
{
    size_t cap = ks->cap ? ks->cap * 2 : 256, *slot = xcalloc(cap, sizeof *slot);

    for (size_t j = 0; j < ks->cap; j++) {
        size_t i;

        if (ks->slot[j] == 0)
            continue;
        for (i = strset_hash(ks->text + ks->slot[j] - 1) & (cap - 1); slot[i] != 0;
             i = (i + 1) & (cap - 1))
            ;
        slot[i] = ks->slot[j];
    }
    free(ks->slot);
    ks->slot = slot;
    ks->cap = cap;
}

/* 1 if key was in the set, else 0 and it is now. */
int strset_add(struct strset *ks, const char *key)
{
    size_t i, len = strlen(key) + 1;

    if ((ks->n + 1) * 2 > ks->cap)
        strset_grow(ks);
    for (i = strset_hash(key) & (ks->cap - 1); ks->slot[i] != 0; i = (i + 1) & (ks->cap - 1))
        if (strcmp(ks->text + ks->slot[i] - 1, key) == 0)
            return 1;
    if (ks->used + len > ks->size) {
        ks->size = (ks->used + len) * 2;
        ks->text = xrealloc(ks->text, ks->size);
    }
    memcpy(ks->text + ks->used, key, len);
    ks->slot[i] = ks->used + 1;
    ks->used += len;
    ks->n++;
    return 0;
}

void strset_free(struct strset *ks)
{
    free(ks->text);
    free(ks->slot);
}

static size_t hashset_slot(const struct hashset *h, uint64_t x)
{
    size_t mask = h->cap - 1, i = (size_t)((x * 0x9E3779B97F4A7C15ULL) >> 17) & mask;

    while (h->v[i] != 0 && h->v[i] != x)
        i = (i + 1) & mask;
    return i;
}

int hashset_has(const struct hashset *h, uint64_t x)
{
    x += x == 0;
    return h->cap > 0 && h->v[hashset_slot(h, x)] == x;
}

/* 1 if x was in the set, else 0 and it is now. */
int hashset_add(struct hashset *h, uint64_t x)
{
    size_t i;

    x += x == 0;
    if ((h->n + 1) * 2 > h->cap) {
        struct hashset big = {NULL, 0, h->cap ? h->cap * 2 : 256};

        big.v = xcalloc(big.cap, sizeof *big.v);
        for (size_t j = 0; j < h->cap; j++)
            if (h->v[j] != 0)
                big.v[hashset_slot(&big, h->v[j])] = h->v[j];
        big.n = h->n;
        free(h->v);
        *h = big;
    }
    i = hashset_slot(h, x);
    if (h->v[i] == x)
        return 1;
    h->v[i] = x;
    h->n++;
    return 0;
}
