/*
 * fuzz_field.c: libFuzzer target for form and import field validation
 * (record_check_field() over every field of every kind, src/field.c).
 *
 * The first byte picks a kind and the second a field; the rest is the
 * value as a person might type or paste it.  A value that is accepted
 * must hold no character text_forbidden() refuses (a control character
 * stored is one drawn later); a refusal must say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kinds/kinds.h"
#include "record.h"
#include "text.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct kind *kinds[16];
    const struct kind *k;
    char msg[256], *value, *clean;
    const char *why;
    int nk = 0, f;

    if (size < 2)
        return 0;
    for (int i = 0; kinds_all[i] != NULL && nk < 14; i++)
        kinds[nk++] = kinds_all[i];
    kinds[nk++] = &kind_user;
    kinds[nk++] = &kind_subscription;
    k = kinds[data[0] % nk];
    f = data[1] % k->nfields;
    value = xstrndup((const char *)data + 2, size - 2);
    /* What every input path stores: NFC, trimmed. */
    clean = text_clean(value);
    msg[0] = '\0';
    why = record_check_field(k, f, clean, msg, sizeof msg);
    if (why == NULL) {
        int multiline = k->fields[f].type == FT_LONGTEXT;

        if (text_forbidden(clean, multiline, NULL) != -1)
            abort();
    } else if (*why == '\0') {
        abort();
    }
    free(clean);
    free(value);
    return 0;
}
