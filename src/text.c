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

#include "i18n.h"
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

size_t text_utf8_prefix(const char *s, size_t len)
{
    size_t i = 0;
    int32_t cp;

    while (i < len) {
        size_t n;

        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        n = decode(s + i, len - i, &cp);
        if (cp < 0)
            return i;
        i += n;
    }
    return len;
}

int text_valid_utf8(const char *s, size_t len)
{
    return s == NULL || text_utf8_prefix(s, len) == len;
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

/*
 * The NFC quick check.  Normalising means decomposing, reordering and
 * composing again (utf8proc_map()), a few thousand instructions and three
 * allocations for a short Bengali name, and nearly every value that comes
 * in (typed, imported, exported and imported back) is NFC already.
 * nfc_quick() follows what utf8proc does to a string, one code point at a
 * time, and says yes only when that leaves it unchanged:
 *   - a code point with a canonical decomposition must start with a
 *     starter (combining class 0) and compose back to itself;
 *   - marks must already be in canonical order (after the last code point
 *     of a decomposition, classes never go down);
 *   - no code point may compose with the starter before it where
 *     composition can reach (right after it, or a mark not blocked by an
 *     earlier mark of the same or a higher class).
 * Decompositions and classes are utf8proc's; whether code points compose
 * is asked of utf8proc too (utf8proc_normalize_utf32()) and remembered,
 * since text repeats its pairs (a consonant and a vowel sign).  Anything
 * else, or any doubt, takes the full path.
 */

/* One code point of valid UTF-8 at s (NUL-terminated), as strictly as
 * utf8proc_iterate() judges it: bytes used, or 0 when not valid. */
static size_t decode_strict(const unsigned char *s, int32_t *cp)
{
    unsigned c = s[0];

    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    if (c < 0xC2 || c > 0xF4 || (s[1] & 0xC0) != 0x80)
        return 0;
    if (c < 0xE0) {
        *cp = (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3Fu));
        return 2;
    }
    if ((s[2] & 0xC0) != 0x80)
        return 0;
    if (c < 0xF0) {
        *cp = (int32_t)(((c & 0x0F) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu));
        return *cp >= 0x800 && (*cp < 0xD800 || *cp > 0xDFFF) ? 3 : 0;
    }
    if ((s[3] & 0xC0) != 0x80)
        return 0;
    *cp = (int32_t)(((c & 0x07) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
                    (s[3] & 0x3Fu));
    return *cp >= 0x10000 && *cp <= 0x10FFFF ? 4 : 0;
}

/* Answers remembered per thread: r is 0 in an empty slot, 1 yes, -1 no. */
struct nfc_memo {
    int32_t a, b;
    int r;
};

static _Thread_local struct nfc_memo compose_memo[512];

/* 1 if the n code points at cps (a starter first) are changed by
 * composition; b is the second of a pair, or -1 for a decomposition
 * (cps[0..n) of the code point a), which must compose back to a. */
static int changed_by_compose(int32_t a, int32_t b, const utf8proc_int32_t *cps, int n)
{
    unsigned h = ((uint32_t)a * 2654435761u ^ (uint32_t)b) & 511u;
    struct nfc_memo *m = &compose_memo[h];
    utf8proc_int32_t buf[4];
    utf8proc_ssize_t len;
    int changed;

    if (m->r != 0 && m->a == a && m->b == b)
        return m->r > 0;
    memcpy(buf, cps, (size_t)n * sizeof *buf);
    len = utf8proc_normalize_utf32(buf, n, (utf8proc_option_t)(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
    if (b < 0)
        changed = !(len == 1 && buf[0] == a);
    else
        changed = !(len == 2 && buf[0] == a && buf[1] == b);
    m->a = a;
    m->b = b;
    m->r = changed ? 1 : -1;
    return changed;
}

static int composes(int32_t starter, int32_t next)
{
    utf8proc_int32_t pair[2];

    pair[0] = starter;
    pair[1] = next;
    return changed_by_compose(starter, next, pair, 2);
}

/* The combining class of cp when it has no canonical decomposition, -1
 * when it has one; remembered per thread (0 in cp is an empty slot). */
static int plain_class(int32_t cp)
{
    static _Thread_local struct {
        int32_t cp;
        int cc;
    } memo[256];
    unsigned h = (uint32_t)cp & 255u;
    utf8proc_int32_t dec[4];
    utf8proc_ssize_t k;
    int bound = 0;

    if (memo[h].cp != cp) {
        k = utf8proc_decompose_char(cp, dec, 4, UTF8PROC_DECOMPOSE, &bound);
        memo[h].cp = cp;
        memo[h].cc = k == 1 && dec[0] == cp ? utf8proc_get_property(cp)->combining_class : -1;
    }
    return memo[h].cc;
}

/* 1 if s is valid UTF-8 that NFC leaves as it is (see above); 0: not
 * known, normalise. */
static int nfc_quick(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int32_t starter = -1, cp;
    int max_cc = -1; /* highest class since the starter that did not compose */
    int prev_cc = 0; /* class of the last code point, decomposed */

    while (*p != '\0') {
        utf8proc_int32_t dec[4];
        utf8proc_ssize_t k;
        int cc, bound = 0;
        size_t n;

        if (*p < 0x80) {
            /* Class 0, no decomposition, never the second of a pair. */
            starter = *p++;
            max_cc = -1;
            prev_cc = 0;
            continue;
        }
        if ((n = decode_strict(p, &cp)) == 0)
            return 0;
        p += n;
        if ((cc = plain_class(cp)) >= 0) {
            k = 1; /* no decomposition: the usual case */
            dec[0] = cp;
        } else {
            k = utf8proc_decompose_char(cp, dec, 4, UTF8PROC_DECOMPOSE, &bound);
            if (k < 1 || k > 4 || (k == 1 && dec[0] != cp))
                return 0; /* (a singleton: always replaced) */
            cc = utf8proc_get_property(dec[0])->combining_class;
        }
        if (cc != 0 && prev_cc > cc)
            return 0;
        if (starter >= 0 && cc > max_cc && composes(starter, dec[0]))
            return 0;
        if (k == 1) {
            if (cc == 0) {
                starter = cp;
                max_cc = -1;
            } else if (cc > max_cc) {
                max_cc = cc;
            }
            prev_cc = cc;
            continue;
        }
        /* Precomposed: it must come back as itself, from a starter. */
        if (cc != 0 || changed_by_compose(cp, -1, dec, (int)k))
            return 0;
        starter = cp;
        max_cc = -1;
        prev_cc = utf8proc_get_property(dec[k - 1])->combining_class;
    }
    return 1;
}

static char *map(const char *s, int options)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n;
    char *valid = NULL;

    if (s == NULL)
        return xstrdup("");
    if (!(options & UTF8PROC_CASEFOLD)) {
        /* ASCII is its own NFC: the common case of imports and typing. */
        const unsigned char *p = (const unsigned char *)s;

        while (*p != '\0' && *p < 0x80)
            p++;
        if (*p == '\0' || ((options & UTF8PROC_COMPOSE) && nfc_quick(s)))
            return xstrdup(s);
    }
    /* Only invalid input needs a repaired copy first. */
    if (!text_valid_utf8(s, strlen(s)))
        valid = make_valid(s);
    n = utf8proc_map((const utf8proc_uint8_t *)(valid != NULL ? valid : s), 0, &out,
                     (utf8proc_option_t)(UTF8PROC_NULLTERM | UTF8PROC_STABLE | options));
    if (n < 0) {
        /* Only out of memory is possible on valid input. */
        fatal("utf8proc_map: %s", utf8proc_errmsg(n));
    }
    free(valid);
    /* utf8proc allocates with malloc(): the caller's free() is right. */
    return (char *)out;
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
    utf8proc_category_t cat;

    /* In ASCII only these; the one ASCII Zs is the space. */
    if (cp < 0x80)
        return cp == ' ' || (cp >= '\t' && cp <= '\r');
    if (cp == 0x85 || cp == 0xFEFF || cp == 0x200B)
        return 1;
    cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP;
}

/*
 * Only the ends are looked at: the first code point that is not white space
 * from the front, the last from the back.  n (from text_nfc()) is valid
 * UTF-8, so a code point starts at the last byte before end that is not a
 * continuation byte.  Trimmed in place: one allocation per value.
 */
char *text_clean(const char *s)
{
    char *n = text_nfc(s);
    size_t len = strlen(n), start = 0, end = len;
    int32_t cp;

    while (start < len) {
        size_t k = decode(n + start, len - start, &cp);

        if (!is_trim_space(cp))
            break;
        start += k;
    }
    while (end > start) {
        size_t b = end - 1;

        while (b > start && ((unsigned char)n[b] & 0xC0) == 0x80)
            b--;
        decode(n + b, end - b, &cp);
        if (!is_trim_space(cp))
            break;
        end = b;
    }
    if (start == 0 && end == len)
        return n;
    memmove(n, n + start, end - start);
    n[end - start] = '\0';
    return n;
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

long text_forbidden(const char *s, int multiline, int32_t *cp)
{
    size_t len = strlen(s), i = 0;

    while (i < len) {
        int32_t c;
        size_t n;

        /* Printable ASCII, the bulk of most text, needs no decoding. */
        if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
            i++;
            continue;
        }
        if ((n = decode_strict((const unsigned char *)s + i, &c)) == 0) {
            c = -1; /* invalid UTF-8 */
            n = 1;
        }
        if (multiline && c == '\r' && s[i + 1] == '\n')
            n = 2;
        else if (safe_cp(c, multiline) != c) {
            if (cp != NULL)
                *cp = c;
            return (long)i;
        }
        i += n;
    }
    return -1;
}

char *text_forbidden_problem(const char *s, int multiline)
{
    int32_t cp;

    if (text_forbidden(s, multiline, &cp) < 0)
        return NULL;
    if (cp < 0)
        return xstrdup(_("not valid UTF-8"));
    return xasprintf(_("control character U+%04X"), (unsigned)cp);
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
