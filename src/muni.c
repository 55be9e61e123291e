/*
 * muni.c: the municipality record, the table of its fields and the rules
 * each field's value must follow.
 *
 * Every path that lets a value in (the edit form, CSV import, the seed)
 * checks it here, so the rules live in one place.  Nothing here touches the
 * database or the terminal; whether a district exists is db/'s question.
 */
#include "muni.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

static const char *const kind_choices[] = {"paurashava", "city_corporation", NULL};
static const char *const kind_labels[] = {N_("Paurashava"), N_("City corporation"), NULL};
static const char *const class_choices[] = {"A", "B", "C", "", NULL};
static const char *const class_labels[] = {N_("A"), N_("B"), N_("C"), N_("unknown"), NULL};

const struct field_def muni_fields[MF_COUNT] = {
    [MF_KIND] = {"kind", N_("Kind"), FT_CHOICE, 1, 32, kind_choices, kind_labels},
    [MF_NAME_EN] = {"name_en", N_("Name (English)"), FT_TEXT, 1, 200, NULL, NULL},
    [MF_NAME_BN] = {"name_bn", N_("Name (Bengali)"), FT_TEXT, 1, 400, NULL, NULL},
    [MF_CLASS] = {"class", N_("Class"), FT_CHOICE, 0, 1, class_choices, class_labels},
    [MF_DISTRICT] = {"district", N_("District"), FT_DISTRICT, 1, 100, NULL, NULL},
    [MF_ESTABLISHED] = {"established", N_("Year established"), FT_YEAR, 0, 4, NULL, NULL},
    [MF_WARDS] = {"wards", N_("Wards"), FT_INT, 0, 6, NULL, NULL},
    [MF_POPULATION] = {"population", N_("Population"), FT_INT, 0, 12, NULL, NULL},
    [MF_AREA] = {"area", N_("Area (km²)"), FT_REAL, 0, 12, NULL, NULL},
    [MF_MAYOR_EN] = {"mayor_en", N_("Mayor (English)"), FT_TEXT, 0, 200, NULL, NULL},
    [MF_MAYOR_BN] = {"mayor_bn", N_("Mayor (Bengali)"), FT_TEXT, 0, 400, NULL, NULL},
    [MF_PHONE] = {"phone", N_("Phone"), FT_PHONE, 0, 40, NULL, NULL},
    [MF_EMAIL] = {"email", N_("Email"), FT_EMAIL, 0, 254, NULL, NULL},
    [MF_WEBSITE] = {"website", N_("Website"), FT_URL, 0, 300, NULL, NULL},
    [MF_ADDRESS] = {"address", N_("Address"), FT_LONGTEXT, 0, 1000, NULL, NULL},
    [MF_NOTES] = {"notes", N_("Notes"), FT_LONGTEXT, 0, 4000, NULL, NULL},
};

void muni_init(struct municipality *m)
{
    memset(m, 0, sizeof *m);
    for (int i = 0; i < MF_COUNT; i++)
        m->f[i] = xstrdup("");
}

void muni_free(struct municipality *m)
{
    for (int i = 0; i < MF_COUNT; i++)
        free(m->f[i]);
    free(m->district_bn);
    free(m->division_en);
    free(m->division_bn);
    free(m->updated_at);
    free(m->updated_by);
    free(m->source);
    memset(m, 0, sizeof *m);
}

static char *dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

void muni_copy(struct municipality *dst, const struct municipality *src)
{
    struct municipality tmp;

    /* Built aside first, so muni_copy(m, m) cannot read freed memory. */
    memset(&tmp, 0, sizeof tmp);
    tmp.id = src->id;
    tmp.version = src->version;
    for (int i = 0; i < MF_COUNT; i++)
        tmp.f[i] = xstrdup(src->f[i] != NULL ? src->f[i] : "");
    tmp.district_bn = dup_or_null(src->district_bn);
    tmp.division_en = dup_or_null(src->division_en);
    tmp.division_bn = dup_or_null(src->division_bn);
    tmp.updated_at = dup_or_null(src->updated_at);
    tmp.updated_by = dup_or_null(src->updated_by);
    tmp.source = dup_or_null(src->source);
    muni_free(dst);
    *dst = tmp;
}

void muni_set(struct municipality *m, enum muni_field f, const char *value)
{
    char *v;

    if ((int)f < 0 || f >= MF_COUNT)
        fatal("muni_set: bad field %d", (int)f);
    v = text_clean(value != NULL ? value : "");
    free(m->f[f]);
    m->f[f] = v;
}

int muni_field_by_key(const char *name)
{
    if (name == NULL)
        return -1;
    for (int i = 0; i < MF_COUNT; i++)
        if (strcmp(muni_fields[i].key, name) == 0)
            return i;
    return -1;
}

static int current_year(void)
{
    time_t now = time(NULL);
    struct tm tm;

    if (localtime_r(&now, &tm) == NULL)
        return 2100;
    return tm.tm_year + 1900;
}

/* Whole decimal number made of ASCII digits only; 0 and *out on success. */
static int parse_whole(const char *s, long long *out)
{
    char *end;
    long long v;

    if (*s == '\0')
        return -1;
    for (const char *p = s; *p != '\0'; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* Decimal like "12", "12.5" or ".5": digits with at most one point. */
static int parse_decimal(const char *s, double *out)
{
    int digits = 0, points = 0;
    char *end;
    double v;

    for (const char *p = s; *p != '\0'; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (*p == '.')
            points++;
        else
            return -1;
    }
    if (digits == 0 || points > 1)
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int host_label_char(unsigned char c)
{
    /* Non-ASCII bytes are allowed: internationalised domain names. */
    return isalnum(c) || c == '-' || c >= 0x80;
}

/*
 * A host name with at least two labels and a top-level label of two or
 * more letters: "example.gov.bd".  Stops at end (exclusive).
 */
static int valid_host(const char *s, const char *end)
{
    const char *label = s, *last = NULL;
    int labels = 0;

    if (s == end)
        return 0;
    for (const char *p = s;; p++) {
        if (p == end || *p == '.') {
            if (p == label || *label == '-' || p[-1] == '-')
                return 0;
            labels++;
            last = label;
            if (p == end)
                break;
            label = p + 1;
            continue;
        }
        if (!host_label_char((unsigned char)*p))
            return 0;
    }
    if (labels < 2 || end - last < 2)
        return 0;
    for (const char *p = last; p < end; p++)
        if (!isalpha((unsigned char)*p) && (unsigned char)*p < 0x80)
            return 0;
    return 1;
}

static int valid_email(const char *s)
{
    const char *at = strchr(s, '@');

    if (at == NULL || at == s || strchr(at + 1, '@') != NULL)
        return 0;
    for (const char *p = s; p < at; p++) {
        unsigned char c = (unsigned char)*p;

        if (c <= ' ' || c == 0x7f || strchr("()<>,;:\\\"[]", c) != NULL)
            return 0;
    }
    if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
        return 0;
    return valid_host(at + 1, at + 1 + strlen(at + 1));
}

static int valid_url(const char *s)
{
    const char *host = s, *end;

    if (strncasecmp(s, "https://", 8) == 0)
        host = s + 8;
    else if (strncasecmp(s, "http://", 7) == 0)
        host = s + 7;
    else if (strstr(s, "://") != NULL)
        return 0;
    for (const char *p = s; *p != '\0'; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return 0;
    end = host + strcspn(host, ":/?#");
    if (!valid_host(host, end))
        return 0;
    if (*end == ':') {
        const char *port = end + 1;
        size_t n = strspn(port, "0123456789");

        if (n == 0 || n > 5 || (port[n] != '\0' && strchr("/?#", port[n]) == NULL))
            return 0;
    }
    return 1;
}

/* 0: fine; 1: a character that is not allowed; 2: wrong number of digits. */
static int check_phone(const char *s)
{
    int digits = 0;

    for (const char *p = s; *p != '\0'; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (strchr(" +-()", *p) == NULL)
            return 1;
    }
    return digits < 6 || digits > 20 ? 2 : 0;
}

static const char *say(char *msg, size_t msgsz, const char *fmt, ...) MAB_PRINTF(3, 4);

static const char *say(char *msg, size_t msgsz, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, msgsz, fmt, ap);
    va_end(ap);
    return msg;
}

const char *muni_check_field(enum muni_field f, const char *value, char *msg, size_t msgsz)
{
    const struct field_def *d;
    long long n;
    double x;
    int year;
    char *bad;

    if ((int)f < 0 || f >= MF_COUNT)
        fatal("muni_check_field: bad field %d", (int)f);
    d = &muni_fields[f];
    if (value == NULL)
        value = "";
    if ((bad = text_forbidden_problem(value, d->type == FT_LONGTEXT)) != NULL) {
        say(msg, msgsz, "%s", bad);
        free(bad);
        return msg;
    }
    if (str_blank(value)) {
        if (d->required)
            return say(msg, msgsz, "%s", _("required"));
        if (d->type != FT_CHOICE)
            return NULL;
    }
    if (strlen(value) > d->max_len)
        return say(msg, msgsz, _("too long (at most %zu bytes)"), d->max_len);

    switch (d->type) {
    case FT_CHOICE:
        for (int i = 0; d->choices[i] != NULL; i++)
            if (strcmp(value, d->choices[i]) == 0)
                return NULL;
        if (f == MF_CLASS)
            return say(msg, msgsz, "%s", _("must be A, B or C (or empty)"));
        return say(msg, msgsz, "%s", _("must be paurashava or city_corporation"));
    case FT_YEAR:
        year = current_year();
        if (parse_whole(value, &n) != 0 || n < 1850 || n > year)
            return say(msg, msgsz, _("must be a year from 1850 to %d"), year);
        return NULL;
    case FT_INT:
        if (f == MF_WARDS) {
            if (parse_whole(value, &n) != 0 || n < 1)
                return say(msg, msgsz, "%s", _("must be a whole number, 1 or more"));
        } else if (parse_whole(value, &n) != 0) {
            return say(msg, msgsz, "%s", _("must be a whole number, 0 or more"));
        }
        return NULL;
    case FT_REAL:
        if (parse_decimal(value, &x) != 0 || !(x > 0))
            return say(msg, msgsz, "%s", _("must be a number greater than 0, like 12.5"));
        return NULL;
    case FT_PHONE:
        switch (check_phone(value)) {
        case 1:
            return say(msg, msgsz, "%s", _("only digits, spaces and + - ( ) are allowed"));
        case 2:
            return say(msg, msgsz, "%s", _("must have 6 to 20 digits"));
        default:
            return NULL;
        }
    case FT_EMAIL:
        if (!valid_email(value))
            return say(msg, msgsz, "%s", _("must be an email address like name@example.org"));
        return NULL;
    case FT_URL:
        if (!valid_url(value))
            return say(msg, msgsz, "%s", _("must be a web address like www.example.gov.bd"));
        return NULL;
    case FT_TEXT:
    case FT_LONGTEXT:
    case FT_DISTRICT:
    case FT_SECRET:
        return NULL;
    }
    return NULL;
}

int muni_validate(const struct municipality *m, enum muni_field *bad, char *msg, size_t msgsz)
{
    for (int i = 0; i < MF_COUNT; i++) {
        if (muni_check_field((enum muni_field)i, m->f[i], msg, msgsz) != NULL) {
            if (bad != NULL)
                *bad = (enum muni_field)i;
            return -1;
        }
    }
    return 0;
}
