/*
 * field.c: the rules a value of each field type must follow, and how a
 * value reads for a person.  Every path that lets a value in (a form, an
 * import, the seed, a command) checks it here through
 * record_check_field(), so the rules live in one place for every kind.
 * Nothing here touches the database or the terminal.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "evtime.h"
#include "i18n.h"
#include "record.h"
#include "text.h"
#include "util.h"

static int current_year(void)
{
    time_t now = time(NULL);
    struct tm tm;

    if (localtime_r(&now, &tm) == NULL)
        return 2100;
    return tm.tm_year + 1900;
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

/* A date YYYY-MM-DD that exists. */
static int valid_date(const char *s)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, n = 0, leap;

    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
        return 0;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return 0;
    if (y < 1800 || m < 1 || m > 12 || d < 1)
        return 0;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
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

/* One phone number in [s, end): 0 fine; 1 a character that is not
 * allowed; 2 wrong number of digits. */
static int check_phone(const char *s, const char *end)
{
    int digits = 0;

    for (const char *p = s; p < end; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (strchr(" +-()", *p) == NULL)
            return 1;
    }
    return digits < 6 || digits > 20 ? 2 : 0;
}

/* Every number of a list separated by ',' or ';' (multi), else one. */
static int check_phones(const char *s, int multi)
{
    const char *p = s;

    for (;;) {
        const char *end = multi ? p + strcspn(p, ",;") : p + strlen(p);
        int r = check_phone(p, end);

        if (r != 0)
            return r;
        if (*end == '\0')
            return 0;
        p = end + 1;
    }
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

/* "must be A, B or C (or empty)": every choice but the empty one. */
static const char *say_choices(const struct field_def *d, char *msg, size_t msgsz)
{
    struct buf b = {0};
    int n = 0, empty = 0, k = 0;

    for (int i = 0; d->choices[i] != NULL; i++) {
        if (*d->choices[i] == '\0')
            empty = 1;
        else
            n++;
    }
    for (int i = 0; d->choices[i] != NULL; i++) {
        if (*d->choices[i] == '\0')
            continue;
        if (k > 0)
            buf_adds(&b, k == n - 1 ? _(" or ") : ", ");
        buf_adds(&b, d->choices[i]);
        k++;
    }
    if (empty)
        say(msg, msgsz, _("must be %s (or empty)"), b.data != NULL ? b.data : "");
    else
        say(msg, msgsz, _("must be %s"), b.data != NULL ? b.data : "");
    buf_free(&b);
    return msg;
}

/* The rules of the field's type, for a value that is not empty. */
static const char *check_type(const struct field_def *d, const char *value, char *msg, size_t msgsz)
{
    long long n;
    double x;
    int year;

    switch (d->type) {
    case FT_CHOICE:
        for (int i = 0; d->choices[i] != NULL; i++)
            if (strcmp(value, d->choices[i]) == 0)
                return NULL;
        return say_choices(d, msg, msgsz);
    case FT_YEAR:
        year = current_year();
        if (str_whole(value, &n) != 0 || n < d->min || n > year)
            return say(msg, msgsz, _("must be a year from %lld to %d"), d->min, year);
        return NULL;
    case FT_INT:
        if (str_whole(value, &n) == 0 && n >= d->min && (d->max == 0 || n <= d->max))
            return NULL;
        if (d->max != 0)
            return say(msg, msgsz, _("must be a whole number from %lld to %lld"), d->min, d->max);
        return say(msg, msgsz, _("must be a whole number, %lld or more"), d->min);
    case FT_REAL:
        if (parse_decimal(value, &x) != 0 || !(x > 0))
            return say(msg, msgsz, "%s", _("must be a number greater than 0, like 12.5"));
        return NULL;
    case FT_DATE:
        if (!valid_date(value))
            return say(msg, msgsz, "%s", _("must be a date that exists, like 2024-04-14"));
        return NULL;
    case FT_DATETIME:
        if (!evtime_valid_local(value))
            return say(msg, msgsz,
                       _("must be a date and time that exist, like 2026-12-01 10:30, or a date, "
                         "from %d to %d"),
                       EVTIME_FIRST_YEAR, EVTIME_LAST_YEAR);
        return NULL;
    case FT_PHONE:
        switch (check_phones(value, (d->flags & FF_MULTI) != 0)) {
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
    case FT_REF:
    case FT_SECRET:
        return NULL;
    }
    return NULL;
}

const char *record_check_field(const struct kind *k, int f, const char *value, char *msg,
                               size_t msgsz)
{
    const struct field_def *d;
    char *bad;

    if (f < 0 || f >= k->nfields)
        fatal("record_check_field: %s has no field %d", k->name, f);
    d = &k->fields[f];
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
    return check_type(d, value, msg, msgsz);
}

const char *field_readable(const struct field_def *d, const char *value)
{
    if (d->type == FT_CHOICE && d->choice_labels != NULL) {
        for (int i = 0; d->choices[i] != NULL; i++)
            if (strcmp(d->choices[i], value) == 0)
                return _(d->choice_labels[i]);
    }
    return value;
}

const char *field_choice_value(const struct field_def *d, const char *value)
{
    for (size_t i = 0; d->choices != NULL && d->choices[i] != NULL; i++) {
        const char *label = d->choice_labels != NULL ? d->choice_labels[i] : NULL;

        if (strcasecmp(value, d->choices[i]) == 0)
            return d->choices[i];
        if (label != NULL && *value != '\0' &&
            (strcasecmp(value, label) == 0 || strcasecmp(value, _(label)) == 0))
            return d->choices[i];
    }
    return value;
}
