/*
 * test_mail.c: one RFC 5322 message as src/fmt/mail.c builds it: RFC 2047
 * encoded-words (length, whole characters, folding), quoted-printable
 * edge cases (long Bengali lines, '=', trailing white space, a line of
 * exactly 76), 7bit for short ASCII, and that nothing from a value can
 * inject a header.  The decoders below are the tests' own, written from
 * the RFCs, so a wrong encoder cannot agree with itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/mail.h"
#include "i18n.h"
#include "testutil.h"
#include "text.h"
#include "util.h"

/* "পৌরসভা" (municipality) and a long Bengali sentence. */
#define PAURASHAVA "\xe0\xa6\xaa\xe0\xa7\x8c\xe0\xa6\xb0\xe0\xa6\xb8\xe0\xa6\xad\xe0\xa6\xbe"
#define SENTENCE                                                                                   \
    "\xe0\xa6\xac\xe0\xa6\xbe\xe0\xa6\x82\xe0\xa6\xb2\xe0\xa6\xbe\xe0\xa6\xa6\xe0\xa7\x87\xe0\xa6" \
    "\xb6 \xe0\xa6\xaa\xe0\xa7\x8c\xe0\xa6\xb0\xe0\xa6\xb8\xe0\xa6\xad\xe0\xa6\xbe \xe0\xa6\xb8"   \
    "\xe0\xa6\xae\xe0\xa6\xbf\xe0\xa6\xa4\xe0\xa6\xbf"

static int unhex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Quoted-printable decoded (RFC 2045 6.7); fails on a bad escape. */
static char *qp_decode(const char *s)
{
    struct buf b = {0};

    while (*s != '\0') {
        if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
            s += 3;
        } else if (s[0] == '=') {
            assert_true(unhex(s[1]) >= 0 && unhex(s[2]) >= 0);
            buf_addc(&b, (char)(unhex(s[1]) * 16 + unhex(s[2])));
            s += 3;
        } else if (s[0] == '\r' && s[1] == '\n') {
            buf_addc(&b, '\n');
            s += 2;
        } else {
            buf_addc(&b, *s++);
        }
    }
    return buf_take(&b);
}

/* Every physical line of s (CRLF-separated): at most max characters, no
 * trailing white space, no bare CR or LF; with qp, the bytes of each line
 * decode on their own to valid UTF-8 (no character split by a soft
 * break). */
static void check_lines(const char *s, size_t max, int qp)
{
    const char *p = s;

    while (*p != '\0') {
        const char *e = strstr(p, "\r\n");
        size_t n;

        assert_non_null(e);
        n = (size_t)(e - p);
        for (size_t i = 0; i < n; i++)
            assert_true(p[i] != '\r' && p[i] != '\n');
        if (n > max)
            fail_msg("line of %zu > %zu: %.*s", n, max, (int)n, p);
        if (n > 0)
            assert_true(p[n - 1] != ' ' && p[n - 1] != '\t');
        if (qp) {
            char *line = xstrndup(p, n), *dec;

            if (n > 0 && line[n - 1] == '=')
                line[n - 1] = '\0';
            dec = qp_decode(line);
            assert_true(text_valid_utf8(dec, strlen(dec)));
            free(dec);
            free(line);
        }
        p = e + 2;
    }
}

static char *qp_of(const char *body)
{
    struct buf b = {0};

    mail_qp(&b, body);
    return buf_take(&b);
}

static void assert_qp_round_trip(const char *body)
{
    char *enc = qp_of(body), *dec;

    check_lines(enc, 76, 1);
    dec = qp_decode(enc);
    assert_string_equal(dec, body);
    free(dec);
    free(enc);
}

static void test_qp_long_bengali_line(void **state)
{
    struct buf b = {0};
    char *body;

    (void)state;
    for (int i = 0; i < 12; i++)
        buf_adds(&b, SENTENCE " ");
    buf_adds(&b, "\n" SENTENCE "\n");
    body = buf_take(&b);
    assert_int_equal(mail_body_needs_qp(body), 1);
    assert_qp_round_trip(body);
    free(body);
}

static void test_qp_equals_and_trailing_space(void **state)
{
    char *enc;

    (void)state;
    assert_qp_round_trip("a=b == c\nends in a space \nand a tab\t\n \n");
    enc = qp_of("x = 1 \n");
    assert_string_equal(enc, "x =3D 1=20\r\n");
    free(enc);
    /* Trailing white space alone makes ASCII quoted-printable. */
    assert_int_equal(mail_body_needs_qp("fine\nnot fine \n"), 1);
}

static void test_qp_line_of_exactly_76(void **state)
{
    char line[78], *enc;

    (void)state;
    memset(line, 'a', 76);
    line[76] = '\n';
    line[77] = '\0';
    enc = qp_of(line);
    /* 76 fit as they are: no soft break. */
    assert_int_equal(strlen(enc), 78);
    assert_null(strchr(enc, '='));
    free(enc);
    assert_int_equal(mail_body_needs_qp(line), 0);
    line[76] = 'a';
    line[77] = '\0'; /* 77 without a newline */
    assert_int_equal(mail_body_needs_qp(line), 1);
    enc = qp_of(line);
    check_lines(enc, 76, 1);
    assert_non_null(strstr(enc, "=\r\n"));
    free(enc);
    /* 75 characters then '=': its escape does not fit, it moves down. */
    memset(line, 'a', 75);
    line[75] = '=';
    line[76] = '\n';
    line[77] = '\0';
    assert_qp_round_trip(line);
}

/* The value of header name in msg, unfolded (CRLF SP -> SP); malloc'd. */
static char *header_of(const char *msg, const char *name)
{
    size_t n = strlen(name);
    const char *p = msg;
    struct buf b = {0};

    while (strncmp(p, name, n) != 0 || p[n] != ':') {
        p = strstr(p, "\r\n");
        if (p == NULL || p[2] == '\r')
            return NULL;
        p += 2;
    }
    p += n + 1;
    for (;;) {
        const char *e = strstr(p, "\r\n");

        buf_add(&b, p, (size_t)(e - p));
        if (e[2] != ' ' && e[2] != '\t')
            break;
        p = e + 2;
    }
    return buf_take(&b);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_decode(struct buf *out, const char *s, size_t n)
{
    unsigned v = 0;
    int bits = 0;

    for (size_t i = 0; i < n && s[i] != '='; i++) {
        const char *c = strchr(b64, s[i]);

        assert_non_null(c);
        v = v << 6 | (unsigned)(c - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf_addc(out, (char)(v >> bits & 255));
        }
    }
}

/* The encoded-words of an unfolded value decoded and joined; each at most
 * 75 characters and whole UTF-8 on its own. */
static char *words_decode(const char *v)
{
    struct buf all = {0};
    const char *p = v;

    while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
        const char *e = strstr(p + 10, "?=");
        struct buf one = {0};
        char *s;

        assert_non_null(e);
        assert_true(e + 2 - p <= 75);
        b64_decode(&one, p + 10, (size_t)(e - p - 10));
        s = buf_take(&one);
        assert_true(text_valid_utf8(s, strlen(s)));
        buf_adds(&all, s);
        free(s);
        p = e + 2;
    }
    return buf_take(&all);
}

static void test_encoded_words(void **state)
{
    struct buf b = {0};
    char *h, *v, *dec, *subject = xasprintf("%s %s %s %s", SENTENCE, SENTENCE, SENTENCE, SENTENCE);

    (void)state;
    mail_header(&b, "Subject", subject, NULL);
    h = buf_take(&b);
    check_lines(h, 78, 0);
    assert_non_null(strstr(h, "\r\n ")); /* long enough to be folded */
    v = header_of(h, "Subject");
    dec = words_decode(v);
    assert_string_equal(dec, subject);
    free(dec);
    free(v);
    free(h);
    /* A Bengali display name before its address. */
    mail_header(&b, "To", PAURASHAVA, "<a@example.org>");
    h = buf_take(&b);
    check_lines(h, 78, 0);
    v = header_of(h, "To");
    dec = words_decode(v);
    assert_string_equal(dec, PAURASHAVA);
    assert_non_null(strstr(v, "?= <a@example.org>"));
    free(dec);
    free(v);
    free(h);
    free(subject);
}

static void test_plain_and_quoted_words(void **state)
{
    struct buf b = {0};
    char *h;

    (void)state;
    mail_header(&b, "Subject", "Municipality Digest", NULL);
    mail_header(&b, "To", "Rahman, A. \"Babu\"", "<r@example.org>");
    h = buf_take(&b);
    assert_string_equal(h, "Subject: Municipality Digest\r\n"
                           "To: \"Rahman, A. \\\"Babu\\\"\" <r@example.org>\r\n");
    free(h);
    /* A long ASCII subject folds between words. */
    mail_header(&b, "Subject",
                "What changed in the directory of the Municipal Association of Bangladesh "
                "in the last fourteen days",
                NULL);
    h = buf_take(&b);
    check_lines(h, 78, 0);
    assert_null(strstr(h, "=?"));
    free(h);
}

static void test_no_header_injection(void **state)
{
    struct mail m = {"MAB",
                     "digest@mab.org.bd",
                     "Evil\r\nBcc: victim@example.org",
                     "to@example.org",
                     "Hi\nX-Injected: 1",
                     "Body\n",
                     NULL,
                     NULL,
                     0};
    struct buf b = {0};
    char *msg, *err = NULL, *head;

    (void)state;
    assert_int_equal(mail_build(&m, &b, &err), 0);
    msg = buf_take(&b);
    head = xstrndup(msg, (size_t)(strstr(msg, "\r\n\r\n") - msg) + 2);
    check_lines(head, 78, 0);
    assert_null(strstr(head, "\r\nBcc:"));
    assert_null(strstr(head, "\r\nX-Injected:"));
    assert_null(strstr(head, "\nBcc:"));
    free(head);
    free(msg);
    /* An address with a line break, or a URL, is refused outright. */
    m.to_addr = "to@example.org\r\nBcc: victim@example.org";
    assert_int_equal(mail_build(&m, &b, &err), -1);
    assert_non_null(err);
    free(err);
    err = NULL;
    m.to_addr = "to@example.org";
    m.list_unsubscribe = "https://mab.org.bd/u?t=1\r\nBcc: v@example.org";
    assert_int_equal(mail_build(&m, &b, &err), -1);
    free(err);
    buf_free(&b);
}

static void test_whole_message(void **state)
{
    struct mail m = {"Municipal Association of Bangladesh",
                     "digest@mab.org.bd",
                     PAURASHAVA,
                     "reader@example.org",
                     "Digest",
                     "Hello\n" SENTENCE "\n",
                     "digest.mab.org.bd",
                     "https://mab.org.bd/unsubscribe?t=0123456789abcdef0123456789abcdef",
                     1796083200};
    struct buf b = {0};
    char *msg, *err = NULL, *v;

    (void)state;
    assert_int_equal(mail_build(&m, &b, &err), 0);
    msg = buf_take(&b);
    check_lines(msg, 78, 0);
    v = header_of(msg, "Date");
    assert_string_equal(v, " Tue, 1 Dec 2026 00:00:00 +0000");
    free(v);
    v = header_of(msg, "Message-ID");
    assert_non_null(strstr(v, "@mab.org.bd>"));
    free(v);
    v = header_of(msg, "List-Unsubscribe");
    assert_string_equal(v, " <https://mab.org.bd/unsubscribe?t=0123456789abcdef0123456789abcdef>");
    free(v);
    v = header_of(msg, "List-Unsubscribe-Post");
    assert_string_equal(v, " List-Unsubscribe=One-Click");
    free(v);
    v = header_of(msg, "List-Id");
    assert_string_equal(v, " <digest.mab.org.bd>");
    free(v);
    v = header_of(msg, "Content-Transfer-Encoding");
    assert_string_equal(v, " quoted-printable");
    free(v);
    free(msg);
    /* Short ASCII goes as it is. */
    m.body = "Hello\nThe digest.\n";
    assert_int_equal(mail_build(&m, &b, &err), 0);
    msg = buf_take(&b);
    v = header_of(msg, "Content-Transfer-Encoding");
    assert_string_equal(v, " 7bit");
    assert_non_null(strstr(msg, "\r\n\r\nHello\r\nThe digest.\r\n"));
    free(v);
    free(msg);
}

static void test_mailbox_and_url_checks(void **state)
{
    char *n, *a;

    (void)state;
    assert_int_equal(
        mail_parse_mailbox("Municipal Association of Bangladesh <digest@mab.org.bd>", &n, &a), 0);
    assert_string_equal(n, "Municipal Association of Bangladesh");
    assert_string_equal(a, "digest@mab.org.bd");
    free(n);
    free(a);
    assert_int_equal(mail_parse_mailbox("digest@mab.org.bd", &n, &a), 0);
    assert_string_equal(n, "");
    free(n);
    free(a);
    assert_int_equal(mail_parse_mailbox("MAB <digest@mab.org.bd", &n, &a), -1);
    assert_int_equal(mail_parse_mailbox("MAB <not an address>", &n, &a), -1);
    assert_int_equal(mail_addr_ok("a@b"), 0);
    assert_int_equal(mail_addr_ok("a b@c.d"), 0);
    assert_int_equal(mail_addr_ok("a@b.c"), 1);
    assert_int_equal(mail_url_ok("https://mab.org.bd/u"), 1);
    assert_int_equal(mail_url_ok("ftp://mab.org.bd/u"), 0);
    assert_int_equal(mail_url_ok("https:///u"), 0);
    assert_int_equal(mail_url_ok("https://mab.org.bd/u v"), 0);
    assert_int_equal(mail_list_id_ok("digest.mab.org.bd"), 1);
    assert_int_equal(mail_list_id_ok("digest>"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qp_long_bengali_line),
        cmocka_unit_test(test_qp_equals_and_trailing_space),
        cmocka_unit_test(test_qp_line_of_exactly_76),
        cmocka_unit_test(test_encoded_words),
        cmocka_unit_test(test_plain_and_quoted_words),
        cmocka_unit_test(test_no_header_injection),
        cmocka_unit_test(test_whole_message),
        cmocka_unit_test(test_mailbox_and_url_checks),
    };

    i18n_init("en");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
