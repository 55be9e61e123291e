/*
 * charset.c: imported text to UTF-8, and exported text from it, with iconv.
 *
 * "auto" trusts only what a file says of itself (a byte-order mark) and
 * otherwise insists on valid UTF-8: guessing a legacy character set would
 * turn a file silently into the wrong letters.  When the bytes are not
 * UTF-8 the message says what the file looks like (UTF-16 without a mark,
 * Windows-1252) and which --encoding reads it.  Never returns anything but
 * valid UTF-8.
 */
#include "fmt/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

static int is_utf8(const char *encoding)
{
    return strcasecmp(encoding, "utf-8") == 0 || strcasecmp(encoding, "utf8") == 0;
}

int charset_known(const char *encoding)
{
    iconv_t cd;

    if (strcmp(encoding, "auto") == 0 || is_utf8(encoding))
        return 1;
    cd = iconv_open("UTF-8", encoding);
    if (cd == (iconv_t)-1)
        return 0;
    iconv_close(cd);
    return 1;
}

/* The line (1-based) on which byte off of s lies, and in *col its column
 * in bytes (1-based). */
static long line_of(const char *s, size_t off, size_t *col)
{
    size_t start = 0;
    long line = 1;

    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n') {
            line++;
            start = i + 1;
        }
    if (col != NULL)
        *col = off - start + 1;
    return line;
}

/* UTF-16 without a byte-order mark: nearly every zero byte of the first
 * few KiB at odd offsets (little-endian ASCII) or at even ones. */
static const char *guess_utf16(const char *data, size_t len)
{
    size_t n = len < 4096 ? len : 4096, even = 0, odd = 0;

    for (size_t i = 0; i < n; i++)
        if (data[i] == '\0') {
            if (i & 1)
                odd++;
            else
                even++;
        }
    if (odd > n / 4 && even <= odd / 8)
        return "utf-16le";
    if (even > n / 4 && odd <= even / 8)
        return "utf-16be";
    return NULL;
}

/* iconv from `from` to `to` (one of them UTF-8): the text, or NULL with
 * *err naming the line of the text being read; quiet leaves *err alone
 * (a trial conversion). */
static char *convert(const char *name, const char *data, size_t len, const char *from,
                     const char *to, size_t *outlen, int quiet, char **err)
{
    iconv_t cd = iconv_open(to, from);
    int writing = !is_utf8(to);
    char *in = (char *)data, *out, *o;
    size_t inleft = len, cap = len + len / 2 + 64, used = 0, oleft;

    if (cd == (iconv_t)-1) {
        if (!quiet)
            *err = xasprintf(_("%s: unknown character set '%s'"), name, writing ? to : from);
        return NULL;
    }
    out = xmalloc(cap);
    for (;;) {
        size_t r;

        o = out + used;
        oleft = cap - used - 1;
        r = inleft > 0 ? iconv(cd, &in, &inleft, &o, &oleft) : iconv(cd, NULL, NULL, &o, &oleft);
        used = (size_t)(o - out);
        if (r != (size_t)-1 && inleft == 0)
            break;
        if (r == (size_t)-1 && errno == E2BIG) {
            cap *= 2;
            out = xrealloc(out, cap);
            continue;
        }
        if (!quiet && writing)
            *err = xasprintf(_("%s:%ld: a character here cannot be written in %s; use "
                               "--encoding utf-8 or utf-16"),
                             name, line_of(data, (size_t)(in - data), NULL), to);
        else if (!quiet && errno == EILSEQ)
            *err = xasprintf(_("%s:%ld: not valid %s (byte 0x%02X)"), name,
                             line_of(out, used, NULL), from, (unsigned char)*in);
        else if (!quiet)
            *err = xasprintf(_("%s:%ld: the file ends in the middle of a character (not "
                               "valid %s)"),
                             name, line_of(out, used, NULL), from);
        free(out);
        iconv_close(cd);
        return NULL;
    }
    iconv_close(cd);
    out[used] = '\0';
    if (!writing && used >= 3 && memcmp(out, "\xef\xbb\xbf", 3) == 0) {
        memmove(out, out + 3, used - 3 + 1);
        used -= 3;
    }
    *outlen = used;
    return out;
}

/* data itself, when its bytes are valid UTF-8 without NUL bytes. */
static char *check_utf8(const char *name, const char *data, size_t len, size_t *outlen, char **err)
{
    const char *nul = memchr(data, '\0', len);
    size_t ok, col, n;
    const char *u16;
    char *trial;
    long line;

    if (nul != NULL) {
        if ((u16 = guess_utf16(data, len)) != NULL)
            *err = xasprintf(_("%s:1: the file looks like UTF-16 without a byte-order mark: "
                               "read it with --encoding %s"),
                             name, u16);
        else
            *err = xasprintf(_("%s:%ld: contains a NUL byte (not a text file?)"), name,
                             line_of(data, (size_t)(nul - data), NULL));
        return NULL;
    }
    ok = text_utf8_prefix(data, len);
    if (ok == len) {
        *outlen = len;
        return (char *)data;
    }
    line = line_of(data, ok, &col);
    trial = convert(name, data, len, "WINDOWS-1252", "UTF-8", &n, 1, NULL);
    if (trial != NULL)
        *err = xasprintf(_("%s:%ld: not valid UTF-8 (byte 0x%02X at column %zu): the file "
                           "looks like Windows-1252 (as Excel saves CSV): read it with "
                           "--encoding windows-1252"),
                         name, line, (unsigned char)data[ok], col);
    else
        *err = xasprintf(_("%s:%ld: not valid UTF-8 (byte 0x%02X at column %zu): save the "
                           "file as UTF-8, or name its character set with --encoding"),
                         name, line, (unsigned char)data[ok], col);
    free(trial);
    return NULL;
}

char *charset_to_utf8(const char *name, const char *data, size_t len, const char *encoding,
                      size_t *outlen, char **err)
{
    int has_bom8 = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0;

    if (strcmp(encoding, "auto") == 0) {
        if (len >= 2 && memcmp(data, "\xff\xfe", 2) == 0)
            return convert(name, data + 2, len - 2, "UTF-16LE", "UTF-8", outlen, 0, err);
        if (len >= 2 && memcmp(data, "\xfe\xff", 2) == 0)
            return convert(name, data + 2, len - 2, "UTF-16BE", "UTF-8", outlen, 0, err);
    } else if (!is_utf8(encoding)) {
        return convert(name, data, len, encoding, "UTF-8", outlen, 0, err);
    }
    if (has_bom8)
        data += 3, len -= 3;
    return check_utf8(name, data, len, outlen, err) != NULL ? xstrndup(data, len) : NULL;
}

int charset_reads_as_utf8(const char *data, size_t len, const char *encoding)
{
    int utf16 = len >= 2 && (memcmp(data, "\xff\xfe", 2) == 0 || memcmp(data, "\xfe\xff", 2) == 0);

    return (strcmp(encoding, "auto") == 0 && !utf16) || is_utf8(encoding);
}

char *charset_to_utf8_take(const char *name, char *data, size_t len, const char *encoding,
                           size_t *outlen, char **err)
{
    size_t skip = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    char *text;

    if (charset_reads_as_utf8(data, len, encoding)) {
        if (check_utf8(name, data + skip, len - skip, outlen, err) == NULL) {
            free(data);
            return NULL;
        }
        memmove(data, data + skip, len - skip);
        data[len - skip] = '\0';
        return data;
    }
    text = charset_to_utf8(name, data, len, encoding, outlen, err);
    free(data);
    return text;
}

/* A Unicode encoding: one that can carry a byte-order mark. */
static int is_unicode(const char *encoding)
{
    return strncasecmp(encoding, "utf", 3) == 0 || strncasecmp(encoding, "ucs", 3) == 0;
}

char *charset_from_utf8(const char *name, const char *text, size_t len, const char *encoding,
                        int bom, size_t *outlen, char **err)
{
    /* glibc's "UTF-16" and "UTF-32" write their own mark. */
    int own_mark = strcasecmp(encoding, "utf-16") == 0 || strcasecmp(encoding, "utf-32") == 0;
    char *marked = NULL, *out;

    if (bom && !is_unicode(encoding)) {
        *err = xasprintf(_("%s: --bom needs a Unicode encoding (utf-8, utf-16, ...), not '%s'"),
                         name, encoding);
        return NULL;
    }
    if (bom && !own_mark) {
        marked = xasprintf("\xef\xbb\xbf%.*s", (int)len, text);
        text = marked;
        len += 3;
    }
    if (is_utf8(encoding)) {
        out = xstrndup(text, len);
        *outlen = len;
    } else {
        out = convert(name, text, len, "UTF-8", encoding, outlen, 0, err);
    }
    free(marked);
    return out;
}
