/*
 * fuzz_text.c: libFuzzer target for the text code every screen draws with
 * (src/text.c): sanitising, display width, fitting, wrapping, graphemes.
 *
 * The first byte picks a width (1..64) and whether to use ASCII stand-ins;
 * the rest is any bytes.  What is drawn must be valid UTF-8 without a
 * control character, never wider than asked (a wrapped line only when it
 * is one character wider than the room); grapheme steps must move
 * forward and back within the string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drawable(const char *s)
{
    if (!text_valid_utf8(s, strlen(s)) || text_forbidden(s, 0, NULL) != -1)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s, *safe, *fit, **lines;
    int cols, width = -1, n = 0;
    size_t len;

    if (size < 1)
        return 0;
    cols = 1 + data[0] % 64;
    text_set_ascii(data[0] & 0x80);
    s = xstrndup((const char *)data + 1, size - 1);
    len = strlen(s);
    safe = text_sanitize(s);
    drawable(safe);
    if (text_width(s) < 0 || text_width(s) != text_width(safe))
        abort();
    fit = text_fit(s, cols, data[0] & 0x40, &width);
    drawable(fit);
    if (width > cols || text_width(fit) > cols)
        abort();
    lines = text_wrap(s, cols, &n);
    for (int i = 0; i < n; i++) {
        drawable(lines[i]);
        /* Wider only when one character is wider than the room (a CJK
         * letter in one column): it cannot be split. */
        if (text_width(lines[i]) > cols && text_next_grapheme(lines[i], 0) != strlen(lines[i]))
            abort();
    }
    text_lines_free(lines, n);
    if (text_valid_utf8(s, len)) {
        for (size_t pos = 0; pos < len;) {
            size_t next = text_next_grapheme(s, pos);

            if (next <= pos || next > len || text_prev_grapheme(s, next) > pos)
                abort();
            pos = next;
        }
    }
    free(text_clean(s));
    free(text_fold(s));
    free(fit);
    free(safe);
    free(s);
    text_set_ascii(0);
    return 0;
}
