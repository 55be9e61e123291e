/*
 * util.h: memory, strings and fatal errors shared by every module.
 *
 * Impossible states (out of memory, a broken invariant) go to fatal();
 * xmalloc() and friends never return NULL.  Failures a person can cause are
 * never reported through here: they are returned as a status and a message.
 */
#ifndef MABDESK_UTIL_H
#define MABDESK_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define MAB_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define MAB_NORETURN __attribute__((noreturn))
#else
#define MAB_PRINTF(a, b)
#define MAB_NORETURN
#endif

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

void fatal(const char *fmt, ...) MAB_PRINTF(1, 2) MAB_NORETURN;
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
char *xasprintf(const char *fmt, ...) MAB_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list);

/* Replace *dst with a copy of src (NULL allowed), freeing the old value. */
void str_set(char **dst, const char *src);
/* 1 if s is NULL or holds only white space. */
int str_blank(const char *s);
/* A whole number of ASCII digits only (no sign, no spaces): 0 and *out,
 * or -1. */
int str_whole(const char *s, long long *out);
/* Copy of s without leading and trailing ASCII white space. */
char *str_trim(const char *s);

/* n random bytes from the kernel (getrandom); dies if it has none. */
void random_bytes(void *buf, size_t n);
/* The same as 2n lowercase hex digits and a NUL, into out. */
void random_hex(char *out, size_t n);

/* A growing byte buffer; always NUL-terminated after the first append. */
struct buf {
    char *data;
    size_t len;
    size_t cap;
};
void buf_add(struct buf *, const void *, size_t);
void buf_adds(struct buf *, const char *);
void buf_addc(struct buf *, char);
void buf_printf(struct buf *, const char *fmt, ...) MAB_PRINTF(2, 3);
/* Hand over the string (never NULL) and reset the buffer. */
char *buf_take(struct buf *);
void buf_free(struct buf *);

#endif
