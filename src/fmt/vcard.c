/*
 * vcard.c: vCard 4.0 (RFC 6350) cards for the directory's municipalities.
 *
 * Each body becomes one KIND:org card with its names in both scripts (FN
 * and ORG as ALTID pairs with LANGUAGE=en / LANGUAGE=bn), its address,
 * phone, email, website and a note with the facts a card has no property
 * for.  The writer must never emit a raw control character, an unescaped
 * delimiter or a line longer than 75 octets, and must never split a UTF-8
 * sequence when folding.
 */
#include "fmt/vcard.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "kinds/kinds.h"
#include "text.h"
#include "util.h"

#define FOLD_AT 75

char *vcard_escape(const char *in, int component)
{
    struct buf b = {0};
    char *valid;
    const char *s;

    buf_adds(&b, "");
    if (in == NULL)
        return buf_take(&b);
    /* Valid UTF-8 (NFC) whatever the record holds: folding relies on it. */
    valid = text_nfc(in);
    for (s = valid; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '\\')
            buf_adds(&b, "\\\\");
        else if (c == ',')
            buf_adds(&b, "\\,");
        else if (c == ';' && component)
            buf_adds(&b, "\\;");
        else if (c == '\r') {
            buf_adds(&b, "\\n");
            if (s[1] == '\n')
                s++;
        } else if (c == '\n')
            buf_adds(&b, "\\n");
        else if (c == '\t')
            buf_addc(&b, ' ');
        else if (c < 0x20 || c == 0x7f)
            continue; /* not allowed in a vCard value */
        else
            buf_addc(&b, (char)c);
    }
    free(valid);
    return buf_take(&b);
}

char *vcard_unescape(const char *s)
{
    struct buf b = {0};

    buf_adds(&b, "");
    if (s == NULL)
        return buf_take(&b);
    for (; *s != '\0'; s++) {
        if (*s != '\\' || s[1] == '\0') {
            buf_addc(&b, *s);
            continue;
        }
        s++;
        if (*s == 'n' || *s == 'N')
            buf_addc(&b, '\n');
        else
            buf_addc(&b, *s);
    }
    return buf_take(&b);
}

char *vcard_fold(const char *line)
{
    struct buf b = {0};
    size_t len = strlen(line), pos = 0, room = FOLD_AT;

    buf_adds(&b, "");
    while (len - pos > room) {
        size_t cut = pos + room;

        /* Back up to the first byte of a UTF-8 sequence. */
        while (cut > pos && ((unsigned char)line[cut] & 0xC0) == 0x80)
            cut--;
        if (cut == pos)
            cut = pos + room; /* not UTF-8 at all: cannot do better */
        buf_add(&b, line + pos, cut - pos);
        buf_adds(&b, "\r\n ");
        pos = cut;
        room = FOLD_AT - 1; /* the leading space counts */
    }
    buf_add(&b, line + pos, len - pos);
    buf_adds(&b, "\r\n");
    return buf_take(&b);
}

char *vcard_unfold(const char *text)
{
    struct buf b = {0};

    buf_adds(&b, "");
    for (const char *p = text; *p != '\0'; p++) {
        if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
            p += 2;
            continue;
        }
        if (p[0] == '\n' && (p[1] == ' ' || p[1] == '\t')) {
            p += 1;
            continue;
        }
        buf_addc(&b, *p);
    }
    return buf_take(&b);
}

int vcard_split_line(const char *line, char **name, char **params, char **value)
{
    const char *colon = NULL, *semi, *dot, *start = line;
    int quoted = 0;
    size_t nlen;
    char *n;

    /* The value starts at the first ':' outside a quoted parameter value. */
    for (const char *p = line; *p != '\0'; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ':' && !quoted) {
            colon = p;
            break;
        }
    }
    if (colon == NULL)
        return -1;
    semi = memchr(line, ';', (size_t)(colon - line));
    nlen = (size_t)((semi != NULL ? semi : colon) - line);
    dot = memchr(line, '.', nlen);
    if (dot != NULL) {
        nlen -= (size_t)(dot + 1 - line);
        start = dot + 1;
    }
    if (nlen == 0)
        return -1;
    n = xstrndup(start, nlen);
    for (char *p = n; *p != '\0'; p++)
        *p = (char)toupper((unsigned char)*p);
    *name = n;
    *params = semi != NULL ? xstrndup(semi + 1, (size_t)(colon - semi - 1)) : xstrdup("");
    *value = xstrdup(colon + 1);
    return 0;
}

/* Append one content line NAME[;params]:value, folded. */
static void add_line(struct buf *card, const char *name, const char *params, const char *value)
{
    char *line = xasprintf("%s%s%s:%s", name, params != NULL && *params ? ";" : "",
                           params != NULL ? params : "", value);
    char *folded = vcard_fold(line);

    buf_adds(card, folded);
    free(folded);
    free(line);
}

static void add_text(struct buf *card, const char *name, const char *params, const char *text)
{
    char *v = vcard_escape(text, 0);

    add_line(card, name, params, v);
    free(v);
}

/* A structured value from n components, each escaped. */
static char *structured(const char *const *parts, size_t n)
{
    struct buf b = {0};

    buf_adds(&b, "");
    for (size_t i = 0; i < n; i++) {
        char *e = vcard_escape(parts[i] != NULL ? parts[i] : "", 1);

        if (i > 0)
            buf_addc(&b, ';');
        buf_adds(&b, e);
        free(e);
    }
    return buf_take(&b);
}

/* A tel: URI (RFC 3966) for an international number ("+880 2 ...") or a
 * Bangladeshi one written with its national prefix ("02-...", "01711
 * ..."), else NULL (then the number is written as text).  Separators
 * between groups of digits become '-'. */
static char *tel_uri(const char *phone)
{
    struct buf b = {0};
    const char *p = phone;
    int digits = 0, gap = 0;

    while (*p == ' ')
        p++;
    if (*p == '+') {
        buf_adds(&b, "tel:+");
        p++;
    } else if (p[0] == '0' && isdigit((unsigned char)p[1])) {
        buf_adds(&b, "tel:+880-");
        p++;
    } else {
        return NULL;
    }
    for (; *p != '\0'; p++) {
        if (isdigit((unsigned char)*p)) {
            if (gap && digits > 0)
                buf_addc(&b, '-');
            gap = 0;
            buf_addc(&b, *p);
            digits++;
        } else if (strchr(" -().", *p) != NULL) {
            gap = 1;
        } else {
            buf_free(&b);
            return NULL;
        }
    }
    if (digits < 4) {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

/* "2026-11-27T09:37:00Z" or "2026-11-27 09:37:00" -> "20261127T093700Z". */
static char *rev_stamp(const char *at)
{
    char out[17];
    size_t k = 0;

    if (at == NULL)
        return NULL;
    for (const char *p = at; *p != '\0' && k < 15; p++) {
        if (isdigit((unsigned char)*p))
            out[k++] = *p;
        if (k == 8 && (p[1] == 'T' || p[1] == ' '))
            out[k++] = 'T';
    }
    if (k != 15 || out[8] != 'T')
        return NULL;
    out[15] = 'Z';
    out[16] = '\0';
    return xstrdup(out);
}

static int blank(const char *s)
{
    return str_blank(s);
}

/* A choice's English label (cards are read by address books in any
 * language; the names carry the Bengali). */
static const char *position_label(const struct field_def *d, const char *v)
{
    for (int i = 0; d->choices[i] != NULL; i++)
        if (strcmp(d->choices[i], v) == 0)
            return d->choice_labels[i];
    return v;
}

/* FN in both scripts (one per language, tied by ALTID), or an empty one. */
static void add_names(struct buf *card, const char *en, const char *bn)
{
    if (!blank(en))
        add_text(card, "FN", blank(bn) ? "LANGUAGE=en" : "ALTID=1;LANGUAGE=en", en);
    if (!blank(bn))
        add_text(card, "FN", blank(en) ? "LANGUAGE=bn" : "ALTID=1;LANGUAGE=bn", bn);
    if (blank(en) && blank(bn))
        add_line(card, "FN", NULL, "");
}

/* ORG in both scripts, tied by ALTID. */
static void add_org(struct buf *card, const char *en, const char *bn)
{
    const char *names[] = {en, bn};
    const char *params[] = {"ALTID=2;LANGUAGE=en", "ALTID=2;LANGUAGE=bn"};

    for (int i = 0; i < 2; i++) {
        char *s;

        if (blank(names[i]))
            continue;
        s = structured(&names[i], 1);
        add_line(card, "ORG", params[i], s);
        free(s);
    }
}

/* TEL for each number of phone (several separated by ',' or ';'). */
static void add_phones(struct buf *card, const char *phone, const char *type)
{
    char *copy = xstrdup(phone), *save = NULL;

    for (char *p = strtok_r(copy, ",;", &save); p != NULL; p = strtok_r(NULL, ",;", &save)) {
        char *one = str_trim(p), *uri = tel_uri(one), *params;

        if (*one != '\0') {
            params = xasprintf("%sTYPE=%s", uri != NULL ? "VALUE=uri;" : "", type);
            if (uri != NULL)
                add_line(card, "TEL", params, uri);
            else
                add_text(card, "TEL", params, one);
            free(params);
        }
        free(uri);
        free(one);
    }
    free(copy);
}

static void add_uid(struct buf *card, const struct record *r)
{
    char *s;

    if (r->id > 0) {
        s = xasprintf("urn:x-mabdesk:%s:%lld", r->kind->name, r->id);
        add_line(card, "UID", NULL, s);
        free(s);
    }
}

/* REV and the end of the card. */
static char *finish(struct buf *card, const struct record *r)
{
    char *s = rev_stamp(r->updated_at);

    if (s != NULL)
        add_line(card, "REV", NULL, s);
    free(s);
    buf_adds(card, "END:VCARD\r\n");
    return buf_take(card);
}

/* ADR: post office box; extended address; street; locality; region;
 * postal code; country, in both scripts. */
static void add_muni_adr(struct buf *card, const struct record *m)
{
    const char *const *f = (const char *const *)m->f;
    const char *en[] = {"", "", f[MF_ADDRESS], f[MF_NAME_EN], f[MF_DISTRICT], "", "Bangladesh"};
    const char *bn[] = {"", "", "", f[MF_NAME_BN], m->x[MX_DISTRICT_BN], "", "বাংলাদেশ"};
    char *s = structured(en, nitems(en));

    add_line(card, "ADR", "ALTID=3;LANGUAGE=en;TYPE=work", s);
    free(s);
    s = structured(bn, nitems(bn));
    add_line(card, "ADR", "ALTID=3;LANGUAGE=bn;TYPE=work", s);
    free(s);
}

static void add_url(struct buf *card, const char *url)
{
    char *s, *t;

    if (blank(url))
        return;
    t = strstr(url, "://") != NULL ? xstrdup(url) : xasprintf("http://%s", url);
    s = vcard_escape(t, 0);
    add_line(card, "URL", "TYPE=work", s);
    free(s);
    free(t);
}

/* Facts a card has no property for, in one note. */
static char *muni_note(const struct record *m, int city)
{
    const char *const *f = (const char *const *)m->f;
    struct buf note = {0};

    buf_adds(&note, city ? "City corporation" : "Paurashava");
    if (!blank(f[MF_CLASS]))
        buf_printf(&note, ", class %s", f[MF_CLASS]);
    if (!blank(f[MF_DISTRICT]))
        buf_printf(&note, "\nDistrict: %s", f[MF_DISTRICT]);
    if (!blank(m->x[MX_DIVISION_EN]))
        buf_printf(&note, "\nDivision: %s", m->x[MX_DIVISION_EN]);
    if (!blank(f[MF_ESTABLISHED]))
        buf_printf(&note, "\nEstablished: %s", f[MF_ESTABLISHED]);
    if (!blank(f[MF_WARDS]))
        buf_printf(&note, "\nWards: %s", f[MF_WARDS]);
    if (!blank(f[MF_POPULATION]))
        buf_printf(&note, "\nPopulation: %s", f[MF_POPULATION]);
    if (!blank(f[MF_AREA]))
        buf_printf(&note, "\nArea: %s km2", f[MF_AREA]);
    if (!blank(f[MF_MAYOR_EN]) || !blank(f[MF_MAYOR_BN])) {
        buf_adds(&note, "\nMayor: ");
        buf_adds(&note, !blank(f[MF_MAYOR_EN]) ? f[MF_MAYOR_EN] : f[MF_MAYOR_BN]);
        if (!blank(f[MF_MAYOR_EN]) && !blank(f[MF_MAYOR_BN]))
            buf_printf(&note, " (%s)", f[MF_MAYOR_BN]);
    }
    if (!blank(f[MF_NOTES]))
        buf_printf(&note, "\n\n%s", f[MF_NOTES]);
    return buf_take(&note);
}

char *vcard_muni(const struct record *m)
{
    const char *const *f = (const char *const *)m->f;
    int city = strcmp(f[MF_KIND], "city_corporation") == 0;
    struct buf card = {0};
    char *s;

    buf_adds(&card, "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\n");
    add_uid(&card, m);
    add_names(&card, f[MF_NAME_EN], f[MF_NAME_BN]);
    add_org(&card, f[MF_NAME_EN], f[MF_NAME_BN]);
    add_muni_adr(&card, m);
    if (!blank(f[MF_PHONE]))
        add_phones(&card, f[MF_PHONE], "work,voice");
    if (!blank(f[MF_EMAIL]))
        add_text(&card, "EMAIL", "TYPE=work", f[MF_EMAIL]);
    add_url(&card, f[MF_WEBSITE]);
    add_text(&card, "CATEGORIES", NULL, city ? "City corporation" : "Paurashava");
    s = muni_note(m, city);
    add_text(&card, "NOTE", NULL, s);
    free(s);
    return finish(&card, m);
}

/*
 * A person of a municipality: KIND:individual, the names in both scripts,
 * the position as TITLE, the municipality as ORG, phones, email, and the
 * time in office with the notes as NOTE.
 */
char *vcard_contact(const struct record *c)
{
    const char *const *f = (const char *const *)c->f;
    const struct field_def *pos = &c->kind->fields[CF_POSITION];
    struct buf card = {0}, note = {0};
    char *s;

    buf_adds(&card, "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:individual\r\n");
    add_uid(&card, c);
    add_names(&card, f[CF_NAME_EN], f[CF_NAME_BN]);
    add_text(&card, "TITLE", NULL,
             strcmp(f[CF_POSITION], "other") == 0 ? f[CF_POSITION_OTHER]
                                                  : position_label(pos, f[CF_POSITION]));
    add_org(&card, c->x[CX_MUNICIPALITY_EN], c->x[CX_MUNICIPALITY_BN]);
    if (!blank(f[CF_PHONE]))
        add_phones(&card, f[CF_PHONE], "work,voice");
    if (!blank(f[CF_EMAIL]))
        add_text(&card, "EMAIL", "TYPE=work", f[CF_EMAIL]);
    if (!blank(f[CF_FROM]) || !blank(f[CF_TO]))
        buf_printf(&note, "In office: %s to %s", blank(f[CF_FROM]) ? "?" : f[CF_FROM],
                   blank(f[CF_TO]) ? "today" : f[CF_TO]);
    if (!blank(f[CF_NOTES]))
        buf_printf(&note, "%s%s", note.len > 0 ? "\n\n" : "", f[CF_NOTES]);
    if (note.len > 0) {
        s = buf_take(&note);
        add_text(&card, "NOTE", NULL, s);
        free(s);
    }
    return finish(&card, c);
}
