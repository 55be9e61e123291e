/*
 * text.c: UTF-8 on the way in (NFC, trimming, folding) and on the way out
 * (sanitising, display widths, cuts on grapheme boundaries, wrapping).
 *
 * Unicode tables come from utf8proc (normalisation, categories, grapheme
 * breaks) and from wcwidth() (widths, as ncurses and the terminal count
 * them); none are written here.  Nothing in this file may ever let a
 * control character, ESC or invalid UTF-8 through text_sanitize(),
 * text_fit() or text_wrap(): their output goes straight to a terminal.
 */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <wchar.h>

#include "util.h"

#define REPLACEMENT 0xFFFD

static int ascii_mode;

void text_set_ascii(int on)
{
    ascii_mode = on != 0;
}

/* Decode one code point at s (len bytes left, len > 0).  Returns the bytes
 * used (at least 1); *cp is -1 for an invalid sequence (one byte used). */
static size_t decode(const char *s, size_t len, int32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t n;

    n = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)(len > 4 ? 4 : len), &c);
    if (n <= 0) {
        *cp = -1;
        return 1;
    }
    *cp = c;
    return (size_t)n;
}

static void add_cp(struct buf *b, int32_t cp)
{
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);

    buf_add(b, tmp, (size_t)n);
}

int text_valid_utf8(const char *s, size_t len)
{
    size_t i = 0;
    int32_t cp;

    if (s == NULL)
        return 1;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        i += decode(s + i, len - i, &cp);
        if (cp < 0)
            return 0;
    }
    return 1;
}

/* Copy of s with every invalid sequence replaced by U+FFFD. */
static char *make_valid(const char *s)
{
    struct buf b = {0};
    size_t len = strlen(s), i = 0;
    int32_t cp;

    while (i < len) {
        size_t n = decode(s + i, len - i, &cp);

        if (cp < 0)
            add_cp(&b, REPLACEMENT);
        else
            buf_add(&b, s + i, n);
        i += n;
    }
    return buf_take(&b);
}

static char *map(const char *s, int options)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n;
    char *valid;
    char *r;

    if (s == NULL)
        return xstrdup("");
    if (!(options & UTF8PROC_CASEFOLD)) {
        /* ASCII is its own NFC: the common case of imports and typing. */
        const unsigned char *p = (const unsigned char *)s;

        while (*p != '\0' && *p < 0x80)
            p++;
        if (*p == '\0')
            return xstrdup(s);
    }
    valid = make_valid(s);
    n = utf8proc_map((const utf8proc_uint8_t *)valid, 0, &out,
                     (utf8proc_option_t)(UTF8PROC_NULLTERM | UTF8PROC_STABLE | options));
    if (n < 0) {
        /* Only out of memory is possible on valid input. */
        fatal("utf8proc_map: %s", utf8proc_errmsg(n));
    }
    free(valid);
    r = xstrdup((const char *)out);
    free(out);
    return r;
}

char *text_nfc(const char *s)
{
    return map(s, UTF8PROC_COMPOSE);
}

char *text_fold(const char *s)
{
    return map(s, UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

/* White space that is trimmed from both ends of every stored value. */
static int is_trim_space(int32_t cp)
{
    if (cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 || cp == 0xFEFF || cp == 0x200B)
        return 1;
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS ||
           utf8proc_category(cp) == UTF8PROC_CATEGORY_ZL ||
           utf8proc_category(cp) == UTF8PROC_CATEGORY_ZP;
}

char *text_clean(const char *s)
{
    char *n = text_nfc(s);
    size_t len = strlen(n), start = 0, end = 0, i = 0;
    int32_t cp;
    int seen = 0;
    char *r;

    while (i < len) {
        size_t k = decode(n + i, len - i, &cp);

        if (!is_trim_space(cp)) {
            if (!seen)
                start = i;
            seen = 1;
            end = i + k;
        }
        i += k;
    }
    r = seen ? xstrndup(n + start, end - start) : xstrdup("");
    free(n);
    return r;
}

/*
 * The sanitising rule for one code point: what is drawn instead of it.
 * Returns cp itself when it is harmless.  ml: keep '\n'.
 */
static int32_t safe_cp(int32_t cp, int ml)
{
    if (cp < 0)
        return ascii_mode ? '?' : REPLACEMENT;
    if (cp < 0x20) {
        if (ml && cp == '\n')
            return cp;
        if (ml && cp == '\t')
            return ' ';
        return ascii_mode ? '?' : 0x2400 + cp;
    }
    if (cp == 0x7F)
        return ascii_mode ? '?' : 0x2421;
    if (cp >= 0x80 && cp <= 0x9F)
        return ascii_mode ? '?' : REPLACEMENT;
    /* Line and paragraph separators and the bidirectional embeddings,
     * overrides and isolates can move or reorder what follows on some
     * terminals. */
    if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0xD800 && cp <= 0xDFFF))
        return ascii_mode ? '?' : REPLACEMENT;
    return cp;
}

static char *sanitize(const char *s, int ml)
{
    struct buf b = {0};
    size_t len, i = 0;
    int32_t cp;

    if (s == NULL)
        return xstrdup("");
    len = strlen(s);
    buf_adds(&b, "");
    while (i < len) {
        size_t n = decode(s + i, len - i, &cp);
        int32_t r;

        if (ml && cp == '\r' && i + 1 < len && s[i + 1] == '\n') {
            i++;
            continue;
        }
        r = safe_cp(cp, ml);
        if (r == cp)
            buf_add(&b, s + i, n);
        else
            add_cp(&b, r);
        i += n;
    }
    return buf_take(&b);
}

char *text_sanitize(const char *s)
{
    return sanitize(s, 0);
}

char *text_sanitize_ml(const char *s)
{
    return sanitize(s, 1);
}

/* Columns of one (already safe) code point. */
static int cp_width(int32_t cp)
{
    int w;

    if (cp < 0x80)
        return cp >= 0x20 && cp != 0x7F ? 1 : 0;
    w = wcwidth((wchar_t)cp);
    if (w >= 0)
        return w;
    /* Not a UTF-8 locale, or a code point the C library does not know:
     * fall back on utf8proc's idea, which agrees for assigned ones. */
    return utf8proc_charwidth(cp);
}

int text_width(const char *s)
{
    size_t len, i = 0;
    int32_t cp;
    int w = 0;

    if (s == NULL)
        return 0;
    len = strlen(s);
    while (i < len) {
        i += decode(s + i, len - i, &cp);
        w += cp_width(safe_cp(cp, 0));
    }
    return w;
}

/* Grapheme cluster boundary after pos in a valid string. */
static size_t next_boundary(const char *s, size_t len, size_t pos)
{
    utf8proc_int32_t state = 0;
    int32_t prev, cp;
    size_t i;

    if (pos >= len)
        return len;
    i = pos + decode(s + pos, len - pos, &prev);
    if (prev < 0)
        return i;
    while (i < len) {
        size_t n = decode(s + i, len - i, &cp);

        if (cp < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state))
            break;
        prev = cp;
        i += n;
    }
    return i;
}

size_t text_next_grapheme(const char *s, size_t pos)
{
    if (s == NULL)
        return 0;
    return next_boundary(s, strlen(s), pos);
}

size_t text_prev_grapheme(const char *s, size_t pos)
{
    size_t len, i = 0, last = 0;

    if (s == NULL || pos == 0)
        return 0;
    len = strlen(s);
    if (pos > len)
        pos = len;
    while (i < pos) {
        last = i;
        i = next_boundary(s, len, i);
    }
    return last;
}

/* Width of the grapheme s[a..b) of a sanitised string. */
static int span_width(const char *s, size_t a, size_t b)
{
    int32_t cp;
    int w = 0;

    while (a < b) {
        a += decode(s + a, b - a, &cp);
        w += cp_width(cp);
    }
    return w;
}

char *text_fit(const char *s, int cols, int ellipsis, int *width)
{
    char *safe = text_sanitize(s);
    size_t len = strlen(safe), i = 0, cut = 0;
    int w = 0, total = 0, cutw = 0, budget;
    const char *ell = ascii_mode ? "~" : "\xe2\x80\xa6";
    char *r;

    if (cols <= 0) {
        free(safe);
        if (width != NULL)
            *width = 0;
        return xstrdup("");
    }
    /* Whole string first: if it fits there is nothing to cut. */
    total = text_width(safe);
    if (total <= cols) {
        if (width != NULL)
            *width = total;
        return safe;
    }
    budget = ellipsis ? cols - 1 : cols;
    while (i < len) {
        size_t j = next_boundary(safe, len, i);
        int gw = span_width(safe, i, j);

        if (w + gw > budget)
            break;
        w += gw;
        i = j;
        cut = i;
        cutw = w;
    }
    r = xstrndup(safe, cut);
    if (ellipsis) {
        char *t = xasprintf("%s%s", r, ell);

        free(r);
        r = t;
        cutw += 1;
    }
    free(safe);
    if (width != NULL)
        *width = cutw;
    return r;
}

struct lines {
    char **v;
    int n, cap;
};

static void lines_add(struct lines *l, const char *s, size_t len)
{
    /* Lines never end in spaces: they are where the line was broken. */
    while (len > 0 && s[len - 1] == ' ')
        len--;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xreallocarray(l->v, (size_t)l->cap, sizeof *l->v);
    }
    l->v[l->n++] = xstrndup(s, len);
}

/* Wrap one paragraph (no '\n') of a sanitised string. */
static void wrap_para(struct lines *l, const char *p, size_t len, int cols)
{
    size_t start = 0;

    if (len == 0) {
        lines_add(l, "", 0);
        return;
    }
    while (start < len) {
        size_t i = start, space = 0;
        int w = 0, have_space = 0;

        for (;;) {
            size_t j;
            int gw;

            if (i >= len) {
                lines_add(l, p + start, len - start);
                return;
            }
            j = next_boundary(p, len, i);
            gw = span_width(p, i, j);
            if (p[i] == ' ' && i > start) {
                space = i;
                have_space = 1;
            }
            if (w + gw > cols)
                break;
            w += gw;
            i = j;
        }
        if (p[i] == ' ') {
            lines_add(l, p + start, i - start);
            start = i;
        } else if (have_space) {
            lines_add(l, p + start, space - start);
            start = space;
        } else {
            /* One word longer than the line: cut it on a grapheme
             * boundary, at least one grapheme per line. */
            if (i == start)
                i = next_boundary(p, len, start);
            lines_add(l, p + start, i - start);
            start = i;
        }
        while (start < len && p[start] == ' ')
            start++;
    }
}

char **text_wrap(const char *s, int cols, int *n)
{
    char *safe = text_sanitize_ml(s);
    struct lines l = {0};
    const char *p = safe;

    if (cols < 1)
        cols = 1;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

        wrap_para(&l, p, len, cols);
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    free(safe);
    *n = l.n;
    return l.v;
}

void text_lines_free(char **lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}
