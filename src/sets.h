/*
 * sets.h: sets for a million members: strings in one block of text (each
 * costs its bytes and a word, not an allocation), and 64-bit values
 * (hashes, ids).  Both by open addressing; a zeroed set is empty.
 */
#ifndef MABDESK_SETS_H
#define MABDESK_SETS_H

#include <stddef.h>
#include <stdint.h>

struct strset {
    char *text; /* the keys, each NUL-terminated */
    size_t used, size;
    size_t *slot; /* 1 + the key's offset in text; 0: empty */
    size_t n, cap;
};
/* 1 if key was in the set, else 0 and it is now (copied). */
int strset_add(struct strset *, const char *key);
void strset_free(struct strset *);
/* FNV-1a of s: the hash the set uses, and a key's 64-bit name. */
size_t strset_hash(const char *s);

/* 0 is stored as 1. */
struct hashset {
    uint64_t *v;
    size_t n, cap;
};
int hashset_has(const struct hashset *, uint64_t x);
/* 1 if x was in the set, else 0 and it is now. */
int hashset_add(struct hashset *, uint64_t x);

#endif
