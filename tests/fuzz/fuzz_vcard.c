/*
 * fuzz_vcard.c: libFuzzer target for the vCard writer (src/fmt/vcard.c).
 *
 * The input, split on NUL bytes, fills a municipality's fields.  The card
 * must always be well formed: CRLF lines of at most 75 octets, each valid
 * UTF-8, no control characters; BEGIN/END exactly once; and after
 * unfolding and unescaping, the English FN gives back the name (when it
 * holds no control characters, which the writer drops).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/vcard.h"
#include "kinds/kinds.h"
#include "text.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int has_controls(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static void check_card(const char *card)
{
    const char *p = card;
    int begins = 0, ends = 0;

    while (*p != '\0') {
        const char *crlf = strstr(p, "\r\n");
        size_t len;

        if (crlf == NULL)
            abort();
        len = (size_t)(crlf - p);
        if (len > 75 || !text_valid_utf8(p, len))
            abort();
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
                abort();
        begins += len == 11 && memcmp(p, "BEGIN:VCARD", 11) == 0;
        ends += len == 9 && memcmp(p, "END:VCARD", 9) == 0;
        p = crlf + 2;
    }
    if (begins != 1 || ends != 1)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = xmalloc(size + 1), *card, *unf, *save = NULL, *line;
    struct record m;
    size_t pos = 0;
    int field = 0, checked = 0;

    memcpy(copy, data, size);
    copy[size] = '\0';
    record_init(&m, &kind_municipality);
    m.id = 1;
    /* Fields separated by NUL bytes, in enum muni_field order. */
    while (pos <= size && field < MF_COUNT) {
        record_set(&m, (enum muni_field)field++, copy + pos);
        pos += strlen(copy + pos) + 1;
    }
    str_set(&m.x[MX_DISTRICT_BN], pos <= size ? copy + pos : "");
    card = vcard_muni(&m);
    check_card(card);

    unf = vcard_unfold(card);
    for (line = strtok_r(unf, "\r\n", &save); line != NULL; line = strtok_r(NULL, "\r\n", &save)) {
        char *name, *params, *value;

        if (vcard_split_line(line, &name, &params, &value) != 0)
            abort();
        if (strcmp(name, "FN") == 0 && strstr(params, "LANGUAGE=en") != NULL) {
            char *u = vcard_unescape(value);

            if (!has_controls(m.f[MF_NAME_EN]) && strcmp(u, m.f[MF_NAME_EN]) != 0)
                abort();
            checked = 1;
            free(u);
        }
        free(name);
        free(params);
        free(value);
    }
    if (!checked && !str_blank(m.f[MF_NAME_EN]))
        abort();
    free(unf);
    free(card);
    record_free(&m);
    free(copy);
    return 0;
}
