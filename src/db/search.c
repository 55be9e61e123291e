/*
 * search.c: what a person types into a search line, as an FTS5 query
 * every kind's search index understands.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "db/internal.h"
#include "text.h"
#include "util.h"

/* 1 if the word holds a character the FTS tokenizer keeps (L* N* Co M*). */
static int has_token_char(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);

        if (n <= 0) {
            i++;
            continue;
        }
        i += (size_t)n;
        switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
        case UTF8PROC_CATEGORY_CO:
            return 1;
        default:
            break;
        }
    }
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * The FTS5 query for what a person typed: NFC, split into words, each word
 * a quoted prefix term ("word"*), all ANDed; quotes inside a word doubled.
 * NULL when nothing in it can match a token (no filter).
 */
char *db_fts_query(const char *search)
{
    struct buf b = {0};
    char *s;
    const char *p;

    if (search == NULL || *search == '\0')
        return NULL;
    s = text_nfc(search);
    p = s;
    while (*p != '\0') {
        const char *start;

        while (is_space(*p))
            p++;
        start = p;
        while (*p != '\0' && !is_space(*p))
            p++;
        if (p == start || !has_token_char(start, (size_t)(p - start)))
            continue;
        if (b.len > 0)
            buf_adds(&b, " AND ");
        buf_addc(&b, '"');
        for (const char *q = start; q < p; q++) {
            if (*q == '"')
                buf_addc(&b, '"');
            buf_addc(&b, *q);
        }
        buf_adds(&b, "\"*");
    }
    free(s);
    if (b.len == 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}
