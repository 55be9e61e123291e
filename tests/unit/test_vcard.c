/*
 * test_vcard.c: vCard 4.0 writing: escaping, folding at 75 octets that
 * never splits a UTF-8 sequence, and a card that reads back (unfolded and
 * unescaped) to the record it was made from (src/fmt/vcard.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fmt/vcard.h"
#include "kinds/kinds.h"
#include "testutil.h"
#include "text.h"
#include "util.h"

#define KA "\xe0\xa6\x95"

static void test_escape(void **state)
{
    char *s;

    (void)state;
    s = vcard_escape("a,b;c\\d\ne", 0);
    assert_string_equal(s, "a\\,b;c\\\\d\\ne");
    free(s);
    s = vcard_escape("a,b;c\\d\ne", 1);
    assert_string_equal(s, "a\\,b\\;c\\\\d\\ne");
    free(s);
    /* CRLF and a lone CR are one line break each; other controls go. */
    s = vcard_escape("x\r\ny\rz\x1b\x07!", 0);
    assert_string_equal(s, "x\\ny\\nz!");
    free(s);
    s = vcard_unescape("a\\,b\\;c\\\\d\\ne\\Nf");
    assert_string_equal(s, "a,b;c\\d\ne\nf");
    free(s);
}

static void test_escape_round_trip(void **state)
{
    const char *v[] = {"",       "plain",    "semi;colon",    "back\\slash\\",
                       "co,mma", "nl\nnl\n", KA "," KA ";" KA};

    (void)state;
    for (size_t i = 0; i < nitems(v); i++) {
        for (int comp = 0; comp <= 1; comp++) {
            char *e = vcard_escape(v[i], comp);
            char *u = vcard_unescape(e);

            assert_null(strchr(e, '\n'));
            assert_string_equal(u, v[i]);
            free(e);
            free(u);
        }
    }
}

/* Every physical line: at most 75 octets, valid UTF-8 on its own, CRLF. */
static void check_physical_lines(const char *text)
{
    const char *p = text;

    while (*p != '\0') {
        const char *crlf = strstr(p, "\r\n");
        size_t len;

        assert_non_null(crlf);
        len = (size_t)(crlf - p);
        assert_true(len <= 75);
        assert_null(memchr(p, '\n', len));
        assert_true(text_valid_utf8(p, len));
        p = crlf + 2;
    }
}

static void test_fold(void **state)
{
    struct buf line = {0};
    char *f, *u;

    (void)state;
    /* 75 octets fit on one line, 76 do not. */
    for (int i = 0; i < 75; i++)
        buf_addc(&line, 'x');
    f = vcard_fold(line.data);
    assert_int_equal(strlen(f), 77);
    free(f);
    buf_addc(&line, 'y');
    f = vcard_fold(line.data);
    assert_int_equal(strlen(f), 75 + 2 + 1 + 1 + 2);
    assert_memory_equal(f + 75, "\r\n y\r\n", 6);
    free(f);
    buf_free(&line);

    /* Three-octet Bengali letters, at every offset against the fold. */
    for (int lead = 0; lead < 3; lead++) {
        buf_adds(&line, "NOTE:");
        for (int i = 0; i < lead; i++)
            buf_addc(&line, 'a');
        for (int i = 0; i < 120; i++)
            buf_adds(&line, KA);
        f = vcard_fold(line.data);
        check_physical_lines(f);
        u = vcard_unfold(f);
        assert_int_equal(strlen(u), line.len + 2);
        assert_memory_equal(u, line.data, line.len);
        assert_string_equal(u + line.len, "\r\n");
        free(u);
        free(f);
        buf_free(&line);
    }
}

static void fill(struct record *m)
{
    record_init(m, &kind_municipality);
    m->id = 42;
    m->version = 3;
    record_set(m, MF_KIND, "paurashava");
    record_set(m, MF_NAME_EN, "Rampur, North; \"Old\" Town\\Bazar");
    record_set(m, MF_NAME_BN,
               "\xe0\xa6\xb0\xe0\xa6\xbe\xe0\xa6\xae\xe0\xa6\xaa\xe0\xa7\x81"
               "\xe0\xa6\xb0 \xe0\xa6\xaa\xe0\xa7\x8c\xe0\xa6\xb0\xe0\xa6\xb8"
               "\xe0\xa6\xad\xe0\xa6\xbe");
    record_set(m, MF_CLASS, "B");
    record_set(m, MF_DISTRICT, "Bogura");
    record_set(m, MF_ESTABLISHED, "1901");
    record_set(m, MF_WARDS, "9");
    record_set(m, MF_POPULATION, "123456");
    record_set(m, MF_PHONE, "051-66123");
    record_set(m, MF_EMAIL, "mayor@rampur.example.org");
    record_set(m, MF_WEBSITE, "rampur.example.org");
    record_set(m, MF_ADDRESS, "Pourashava Bhaban, Station Road; Rampur");
    record_set(m, MF_NOTES,
               "Line one, with comma.\nLine two; semicolon.\n"
               "A long line of Bengali: " KA KA KA KA KA KA KA KA KA KA KA KA KA KA KA KA KA KA KA
                   KA KA KA KA KA KA KA KA KA KA KA KA KA KA KA KA KA);
    str_set(&m->x[MX_DISTRICT_BN], "\xe0\xa6\xac\xe0\xa6\x97\xe0\xa7\x81\xe0\xa6\xa1\xe0\xa6\xbc"
                                   "\xe0\xa6\xbe");
    str_set(&m->x[MX_DIVISION_EN], "Rajshahi");
    str_set(&m->updated_at, "2026-11-27T09:37:05Z");
}

/* The unescaped value of the first content line whose name is name and whose
 * parameters contain param (NULL: any).  Malloc'd, NULL if none. */
static char *find_prop(char **lines, int n, const char *name, const char *param)
{
    for (int i = 0; i < n; i++) {
        char *nm, *pa, *va, *r = NULL;

        if (vcard_split_line(lines[i], &nm, &pa, &va) != 0)
            continue;
        if (strcmp(nm, name) == 0 && (param == NULL || strstr(pa, param) != NULL))
            r = xstrdup(va);
        free(nm);
        free(pa);
        free(va);
        if (r != NULL)
            return r;
    }
    return NULL;
}

static char **content_lines(const char *card, int *n)
{
    char *u = vcard_unfold(card), *save = NULL, *tok;
    char **v = NULL;

    *n = 0;
    for (tok = strtok_r(u, "\r\n", &save); tok != NULL; tok = strtok_r(NULL, "\r\n", &save)) {
        v = xreallocarray(v, (size_t)*n + 1, sizeof *v);
        v[(*n)++] = xstrdup(tok);
    }
    free(u);
    return v;
}

static void test_card(void **state)
{
    struct record m;
    char *card, *v, *u;
    char **lines;
    int n;

    (void)state;
    fill(&m);
    card = vcard_muni(&m);
    assert_memory_equal(card, "BEGIN:VCARD\r\nVERSION:4.0\r\n", 26);
    assert_true(strlen(card) > 12);
    assert_string_equal(card + strlen(card) - 11, "END:VCARD\r\n");
    check_physical_lines(card);
    lines = content_lines(card, &n);

    assert_string_equal(lines[0], "BEGIN:VCARD");
    assert_string_equal(lines[1], "VERSION:4.0");
    v = find_prop(lines, n, "KIND", NULL);
    assert_string_equal(v, "org");
    free(v);

    /* Both names, each marked with its language, tied by ALTID. */
    v = find_prop(lines, n, "FN", "LANGUAGE=en");
    assert_non_null(v);
    assert_string_equal(v, "Rampur\\, North; \"Old\" Town\\\\Bazar");
    u = vcard_unescape(v);
    assert_string_equal(u, m.f[MF_NAME_EN]);
    free(u);
    free(v);
    v = find_prop(lines, n, "FN", "LANGUAGE=bn");
    assert_non_null(v);
    assert_string_equal(v, m.f[MF_NAME_BN]);
    free(v);
    v = find_prop(lines, n, "FN", "ALTID=1");
    assert_non_null(v);
    free(v);

    /* ORG is structured: its ';' is escaped. */
    v = find_prop(lines, n, "ORG", "LANGUAGE=en");
    assert_non_null(strstr(v, "North\\; "));
    free(v);

    v = find_prop(lines, n, "ADR", "LANGUAGE=en");
    assert_non_null(v);
    assert_non_null(strstr(v, "Station Road\\; Rampur;"));
    assert_non_null(strstr(v, ";Bogura;;Bangladesh"));
    free(v);

    v = find_prop(lines, n, "TEL", NULL);
    assert_string_equal(v, "tel:+880-51-66123");
    free(v);
    v = find_prop(lines, n, "EMAIL", NULL);
    assert_string_equal(v, "mayor@rampur.example.org");
    free(v);
    v = find_prop(lines, n, "URL", NULL);
    assert_string_equal(v, "http://rampur.example.org");
    free(v);
    v = find_prop(lines, n, "REV", NULL);
    assert_string_equal(v, "20261127T093705Z");
    free(v);

    /* The note carries the facts and the notes, line breaks included. */
    v = find_prop(lines, n, "NOTE", NULL);
    u = vcard_unescape(v);
    assert_non_null(strstr(u, "Paurashava, class B"));
    assert_non_null(strstr(u, "Wards: 9"));
    assert_non_null(strstr(u, m.f[MF_NOTES]));
    free(u);
    free(v);

    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    free(card);
    record_free(&m);
}

static void test_card_hostile_text(void **state)
{
    struct record m;
    char *card;

    (void)state;
    fill(&m);
    record_set(&m, MF_NAME_EN, "Evil\x1b]0;title\x07\r\nEND:VCARD\r\nBEGIN:VCARD");
    card = vcard_muni(&m);
    check_physical_lines(card);
    /* The injected END:VCARD is inside an escaped value, not a line. */
    assert_null(strstr(card, "\r\nEND:VCARD\r\nBEGIN"));
    assert_null(strchr(card, '\x1b'));
    assert_null(strchr(card, '\x07'));
    free(card);
    record_free(&m);
}

static void test_split_line(void **state)
{
    char *n, *p, *v;

    (void)state;
    assert_int_equal(vcard_split_line("item1.fn;LANGUAGE=bn;X=\"a:b\":va:lue", &n, &p, &v), 0);
    assert_string_equal(n, "FN");
    assert_string_equal(p, "LANGUAGE=bn;X=\"a:b\"");
    assert_string_equal(v, "va:lue");
    free(n);
    free(p);
    free(v);
    assert_int_equal(vcard_split_line("no colon", &n, &p, &v), -1);
    assert_int_equal(vcard_split_line(":value", &n, &p, &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_escape_round_trip),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_card),
        cmocka_unit_test(test_card_hostile_text),
        cmocka_unit_test(test_split_line),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    tu_cleanup();
    return rc;
}
