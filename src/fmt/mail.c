/*
 * mail.c: one RFC 5322 message with a MIME text/plain part in UTF-8 (see
 * mail.h).  Header phrases are sanitised first (text_sanitize(): no
 * control character survives, invalid UTF-8 becomes U+FFFD), then written
 * as plain words or as RFC 2047 B encoded-words; addresses and URLs are
 * checked, never escaped, so nothing from a database can end a header
 * line or start another.  Lines end in CRLF everywhere.
 */
#include "fmt/mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

enum {
    LINE_MAX_ = 78, /* header lines, folded (RFC 5322 2.1.1 "SHOULD") */
    WORD_MAX = 75,  /* one encoded-word (RFC 2047 2) */
    QP_MAX = 76,    /* one quoted-printable line (RFC 2045 6.7) */
};

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int ascii_printable(unsigned char c)
{
    return c >= 0x20 && c < 0x7f;
}

int mail_addr_ok(const char *addr)
{
    const char *at = strchr(addr, '@');
    size_t n = strlen(addr);

    if (n < 3 || n > 254 || at == NULL || at == addr || at[1] == '\0' || strchr(at + 1, '@'))
        return 0;
    for (const char *p = addr; *p != '\0'; p++)
        if (!ascii_printable((unsigned char)*p) || strchr(" \"<>()[],;:\\", *p) != NULL)
            return 0;
    return strchr(at + 1, '.') != NULL && at[1] != '.' && addr[n - 1] != '.';
}

int mail_url_ok(const char *url)
{
    size_t n = strlen(url);

    if (n > 900 || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
        return 0;
    for (const char *p = url; *p != '\0'; p++)
        if (!ascii_printable((unsigned char)*p) || strchr(" \"<>\\^`{|}", *p) != NULL)
            return 0;
    /* A host after the scheme. */
    return strchr(url, ':')[3] != '\0' && strchr(url, ':')[3] != '/';
}

int mail_list_id_ok(const char *id)
{
    size_t n = strlen(id);

    return n > 0 && n <= 200 && strchr(id, '.') != NULL && id[0] != '.' && id[n - 1] != '.' &&
           strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_") == n;
}

int mail_parse_mailbox(const char *s, char **name, char **addr)
{
    char *t = str_trim(s), *lt = strrchr(t, '<'), *n, *a;
    size_t len = strlen(t);

    if (lt == NULL) {
        a = t;
        n = xstrdup("");
    } else if (len < 2 || t[len - 1] != '>') {
        free(t);
        return -1;
    } else {
        t[len - 1] = '\0';
        a = xstrdup(lt + 1);
        *lt = '\0';
        n = str_trim(t);
        free(t);
        /* "Name" in quotes: the quotes are syntax, not the name. */
        len = strlen(n);
        if (len >= 2 && n[0] == '"' && n[len - 1] == '"') {
            memmove(n, n + 1, len - 2);
            n[len - 2] = '\0';
        }
    }
    if (!mail_addr_ok(a) || text_forbidden(n, 0, NULL) >= 0) {
        free(a);
        free(n);
        return -1;
    }
    *name = n;
    *addr = a;
    return 0;
}

/* --- headers ----------------------------------------------------------- */

/* The header being written: its buffer and the column of its last line. */
struct hdr {
    struct buf *out;
    size_t col;
};

static void hdr_put(struct hdr *h, const char *s, size_t n)
{
    buf_add(h->out, s, n);
    h->col += n;
}

/* A space before the next n characters, or a fold (CRLF, space) when they
 * would take the line past LINE_MAX_. */
static void hdr_space(struct hdr *h, size_t n)
{
    if (h->col + 1 + n > LINE_MAX_) {
        buf_adds(h->out, "\r\n");
        h->col = 0;
    }
    hdr_put(h, " ", 1);
}

/* Length of the UTF-8 sequence that starts with byte c (1 for a stray
 * byte: the text is valid UTF-8 once sanitised). */
static size_t seq_len(unsigned char c)
{
    return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

static void b64_chunk(struct buf *out, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;

        v |= i + 1 < n ? (unsigned)p[i + 1] << 8 : 0;
        v |= i + 2 < n ? p[i + 2] : 0;
        buf_addc(out, b64[(v >> 18) & 63]);
        buf_addc(out, b64[(v >> 12) & 63]);
        buf_addc(out, i + 1 < n ? b64[(v >> 6) & 63] : '=');
        buf_addc(out, i + 2 < n ? b64[v & 63] : '=');
    }
}

/* Encoded-words for s: each holds whole characters and is at most
 * WORD_MAX long, and each starts a new line when it would not fit. */
static void hdr_encoded(struct hdr *h, const char *s)
{
    static const char pre[] = "=?UTF-8?B?";
    size_t len = strlen(s), i = 0;

    while (i < len) {
        /* As many whole characters as fit on this line, or on a new one. */
        size_t room = h->col + 1 + 12 + 4 <= LINE_MAX_ ? LINE_MAX_ - h->col - 1 : LINE_MAX_ - 1;
        size_t max_bytes, n = 0;

        if (room > WORD_MAX)
            room = WORD_MAX;
        max_bytes = (room - 12) / 4 * 3;
        while (i + n < len && n + seq_len((unsigned char)s[i + n]) <= max_bytes)
            n += seq_len((unsigned char)s[i + n]);
        if (n == 0) /* cannot happen: 45 bytes hold any character */
            n = seq_len((unsigned char)s[i]);
        hdr_space(h, 12 + (n + 2) / 3 * 4);
        buf_adds(h->out, pre);
        b64_chunk(h->out, (const unsigned char *)s + i, n);
        buf_adds(h->out, "?=");
        h->col += 12 + (n + 2) / 3 * 4;
        i += n;
    }
}

/* Plain words will do: printable ASCII, no word too long for a line, and
 * nothing a decoder would take for an encoded-word. */
static int plain_ok(const char *s)
{
    size_t word = 0;

    if (strstr(s, "=?") != NULL)
        return 0;
    for (const char *p = s; *p != '\0'; p++) {
        if (!ascii_printable((unsigned char)*p))
            return 0;
        word = *p == ' ' ? 0 : word + 1;
        if (word > LINE_MAX_ - 20)
            return 0;
    }
    return 1;
}

/* A display name with RFC 5322 specials goes in quotes; only these may
 * then need a backslash. */
static int has_specials(const char *s)
{
    return strpbrk(s, "()<>[]:;@\\,.\"") != NULL;
}

static void hdr_plain(struct hdr *h, const char *s, int quote)
{
    const char *p = s;

    if (quote) {
        struct buf q = {0};

        buf_addc(&q, '"');
        for (; *p != '\0'; p++) {
            if (*p == '"' || *p == '\\')
                buf_addc(&q, '\\');
            buf_addc(&q, *p);
        }
        buf_addc(&q, '"');
        /* A quoted name that does not fit one line is encoded instead. */
        if (h->col + 1 + q.len <= LINE_MAX_) {
            hdr_space(h, q.len);
            hdr_put(h, q.data, q.len);
        } else {
            hdr_encoded(h, s);
        }
        buf_free(&q);
        return;
    }
    while (*p != '\0') {
        size_t n;

        p += strspn(p, " ");
        n = strcspn(p, " ");
        if (n > 0) {
            hdr_space(h, n);
            hdr_put(h, p, n);
        }
        p += n;
    }
}

void mail_header(struct buf *out, const char *name, const char *value, const char *tail)
{
    struct hdr h = {out, 0};
    char *v = text_sanitize(value != NULL ? value : "");
    char *t = str_trim(v);

    buf_adds(out, name);
    buf_addc(out, ':');
    h.col = strlen(name) + 1;
    if (*t != '\0' && plain_ok(t))
        hdr_plain(&h, t, tail != NULL && has_specials(t));
    else if (*t != '\0')
        hdr_encoded(&h, t);
    if (tail != NULL) {
        hdr_space(&h, strlen(tail));
        hdr_put(&h, tail, strlen(tail));
    }
    buf_adds(out, "\r\n");
    free(t);
    free(v);
}

/* An address or URL, checked by the caller, in angle brackets. */
static void header_angle(struct buf *out, const char *name, const char *value)
{
    size_t need = strlen(name) + 2 + strlen(value) + 2;

    buf_printf(out, "%s:%s<%s>\r\n", name, need > LINE_MAX_ ? "\r\n " : " ", value);
}

void mail_date(time_t t, char *out, size_t n)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(out, n, "%s, %d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* <128 random bits in hex . seconds @ the sender's domain>. */
static void message_id(struct buf *out, const char *from_addr, time_t t)
{
    char hex[33];

    random_hex(hex, 16);
    buf_printf(out, "Message-ID: <%s.%lld@%s>\r\n", hex, (long long)t, strchr(from_addr, '@') + 1);
}

/* --- the body ------------------------------------------------------------ */

int mail_body_needs_qp(const char *body)
{
    size_t col = 0;

    for (const unsigned char *p = (const unsigned char *)body; *p != '\0'; p++) {
        if (*p == '\n') {
            if (col > 0 && (p[-1] == ' ' || p[-1] == '\t'))
                return 1;
            col = 0;
            continue;
        }
        if (*p >= 0x7f || (*p < 0x20 && *p != '\t') || ++col > QP_MAX)
            return 1;
    }
    return col > 0 && (body[strlen(body) - 1] == ' ' || body[strlen(body) - 1] == '\t');
}

/* The encoded form of the character at p (a whole UTF-8 sequence, or one
 * byte) into unit; its length in bytes of input. */
static size_t qp_unit(const unsigned char *p, int last, char *unit)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = *p >= 0x80 ? seq_len(*p) : 1, k = 0;

    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\0') { /* a truncated sequence: what there is */
            n = i;
            break;
        }
    }
    if (n == 1 && ((*p > 0x20 && *p < 0x7f && *p != '=') || ((*p == ' ' || *p == '\t') && !last))) {
        unit[k++] = (char)*p;
    } else {
        for (size_t i = 0; i < n; i++) {
            unit[k++] = '=';
            unit[k++] = hex[p[i] >> 4];
            unit[k++] = hex[p[i] & 15];
        }
    }
    unit[k] = '\0';
    return n;
}

/* One line (without its '\n') encoded, soft breaks between characters. */
static void qp_line(struct buf *out, const char *s, size_t len)
{
    size_t i = 0, col = 0;

    while (i < len) {
        char unit[13];
        size_t n, w;
        int last;

        n = (unsigned char)s[i] >= 0x80 ? seq_len((unsigned char)s[i]) : 1;
        last = i + n >= len;
        n = qp_unit((const unsigned char *)s + i, last, unit);
        if (n == 0)
            break;
        w = strlen(unit);
        /* Room for a soft break's '=' unless this ends the line. */
        if (col + w > (last ? QP_MAX : QP_MAX - 1)) {
            buf_adds(out, "=\r\n");
            col = 0;
        }
        buf_adds(out, unit);
        col += w;
        i += n;
    }
    buf_adds(out, "\r\n");
}

void mail_qp(struct buf *out, const char *body)
{
    const char *p = body;

    while (*p != '\0') {
        size_t n = strcspn(p, "\n");

        qp_line(out, p, n);
        p += n;
        if (*p == '\n')
            p++;
    }
}

static void body_7bit(struct buf *out, const char *body)
{
    const char *p = body;

    while (*p != '\0') {
        size_t n = strcspn(p, "\n");

        buf_add(out, p, n);
        buf_adds(out, "\r\n");
        p += n;
        if (*p == '\n')
            p++;
    }
}

int mail_build(const struct mail *m, struct buf *out, char **err)
{
    char date[64], tail[260];
    char *body;
    int qp;

    if (!mail_addr_ok(m->from_addr)) {
        *err = xasprintf(_("'%s' is not an address mail can be sent from"), m->from_addr);
        return -1;
    }
    if (!mail_addr_ok(m->to_addr)) {
        *err = xasprintf(_("'%s' is not an address mabdesk can write into a message (plain "
                           "ASCII, one '@')"),
                         m->to_addr);
        return -1;
    }
    if (m->list_id != NULL && *m->list_id != '\0' && !mail_list_id_ok(m->list_id)) {
        *err = xasprintf(_("'%s' is not a list identifier (like digest.mab.org.bd)"), m->list_id);
        return -1;
    }
    if (m->list_unsubscribe != NULL && !mail_url_ok(m->list_unsubscribe)) {
        *err = xasprintf(_("'%s' is not an http or https URL"), m->list_unsubscribe);
        return -1;
    }
    snprintf(tail, sizeof tail, "<%s>", m->from_addr);
    mail_header(out, "From", m->from_name, tail);
    snprintf(tail, sizeof tail, "<%s>", m->to_addr);
    mail_header(out, "To", m->to_name, tail);
    mail_header(out, "Subject", m->subject, NULL);
    mail_date(m->date, date, sizeof date);
    buf_printf(out, "Date: %s\r\n", date);
    message_id(out, m->from_addr, m->date);
    if (m->list_id != NULL && *m->list_id != '\0')
        header_angle(out, "List-Id", m->list_id);
    if (m->list_unsubscribe != NULL) {
        header_angle(out, "List-Unsubscribe", m->list_unsubscribe);
        buf_adds(out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
    }
    /* Text from the database has no controls here either. */
    body = text_sanitize_ml(m->body);
    qp = mail_body_needs_qp(body);
    buf_printf(out,
               "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
               "Content-Transfer-Encoding: %s\r\n\r\n",
               qp ? "quoted-printable" : "7bit");
    if (qp)
        mail_qp(out, body);
    else
        body_7bit(out, body);
    free(body);
    return 0;
}
