/*
 * i18n.c: gettext set-up, the session's language (Bengali or English) and
 * the few things that change with it: digits, today's date, which of a
 * record's two names to show.
 *
 * The language must be switchable while the program runs, whatever locale
 * the process was started in (a kiosk or an SSH session often has only C or
 * C.UTF-8): LC_CTYPE is made UTF-8, LC_MESSAGES is kept away from "C" (glibc
 * ignores LANGUAGE there), LANGUAGE picks the catalogue and the gettext
 * cache is invalidated on every switch.  Nothing here may cache a
 * translated string.
 */
#include "i18n.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

#define DOMAIN "mabdesk"

/* glibc's catalogue generation counter: bumping it drops cached lookups. */
extern int _nl_msg_cat_cntr;

static char cur_lang[3] = "en";
static char orig_charset[64];
static int initialised;

static int is_utf8_ctype(void)
{
    const char *cs = nl_langinfo(CODESET);

    return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static int has_catalogue(const char *dir)
{
    char *p = xasprintf("%s/bn/LC_MESSAGES/%s.mo", dir, DOMAIN);
    int ok = access(p, R_OK) == 0;

    free(p);
    return ok;
}

/* $MABDESK_LOCALEDIR, else LOCALEDIR when installed there, else next to the
 * binary (./mabdesk at the top of the tree: build/locale). */
static char *find_locale_dir(void)
{
    const char *env = getenv("MABDESK_LOCALEDIR");
    char exe[PATH_MAX];
    ssize_t n;

    if (env != NULL && *env != '\0')
        return xstrdup(env);
    if (has_catalogue(LOCALEDIR))
        return xstrdup(LOCALEDIR);
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        char *slash, *dir;

        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            dir = xasprintf("%s/build/locale", exe);
            if (has_catalogue(dir))
                return dir;
            free(dir);
            dir = xasprintf("%s/locale", exe);
            if (has_catalogue(dir))
                return dir;
            free(dir);
        }
    }
    return xstrdup(LOCALEDIR);
}

/* Make LC_CTYPE UTF-8 (gettext converts to it, wcwidth needs it) and keep
 * LC_MESSAGES away from "C"/"POSIX", where glibc ignores LANGUAGE. */
static void setup_locale(void)
{
    const char *cs, *msg;
    char *utf8 = NULL;

    if (setlocale(LC_CTYPE, NULL) == NULL || strcmp(setlocale(LC_CTYPE, NULL), "C") == 0)
        setlocale(LC_CTYPE, "");
    cs = nl_langinfo(CODESET);
    snprintf(orig_charset, sizeof orig_charset, "%s", cs != NULL ? cs : "");
    if (!is_utf8_ctype()) {
        static const char *const tries[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", "en_GB.UTF-8"};

        for (size_t i = 0; i < nitems(tries); i++) {
            if (setlocale(LC_CTYPE, tries[i]) != NULL && is_utf8_ctype())
                break;
        }
    }
    if (is_utf8_ctype())
        utf8 = xstrdup(setlocale(LC_CTYPE, NULL));
    msg = setlocale(LC_MESSAGES, NULL);
    if (msg == NULL || strcmp(msg, "C") == 0 || strcmp(msg, "POSIX") == 0) {
        if (setlocale(LC_MESSAGES, "") == NULL || strcmp(setlocale(LC_MESSAGES, NULL), "C") == 0 ||
            strcmp(setlocale(LC_MESSAGES, NULL), "POSIX") == 0) {
            if (utf8 == NULL || setlocale(LC_MESSAGES, utf8) == NULL)
                setlocale(LC_MESSAGES, "C.UTF-8");
        }
    }
    free(utf8);
}

static const char *env_lang(void)
{
    static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};

    for (size_t i = 0; i < nitems(vars); i++) {
        const char *v = getenv(vars[i]);

        if (v != NULL && *v != '\0')
            return strncmp(v, "bn", 2) == 0 ? "bn" : "en";
    }
    return "en";
}

void i18n_init(const char *lang)
{
    if (!initialised) {
        char *dir;

        setup_locale();
        dir = find_locale_dir();
        bindtextdomain(DOMAIN, dir); /* gettext keeps its own copy */
        free(dir);
        bind_textdomain_codeset(DOMAIN, "UTF-8");
        textdomain(DOMAIN);
        initialised = 1;
    }
    i18n_set_lang(lang != NULL ? lang : env_lang());
}

void i18n_reset(const char *lang)
{
    setlocale(LC_ALL, "");
    setup_locale();
    i18n_set_lang(lang != NULL ? lang : env_lang());
}

void i18n_set_lang(const char *lang)
{
    if (!initialised) {
        i18n_init(lang);
        return;
    }
    snprintf(cur_lang, sizeof cur_lang, "%s",
             lang != NULL && strcmp(lang, "bn") == 0 ? "bn" : "en");
    setenv("LANGUAGE", cur_lang, 1);
    ++_nl_msg_cat_cntr;
}

const char *i18n_lang(void)
{
    return cur_lang;
}

int i18n_is_bn(void)
{
    return strcmp(cur_lang, "bn") == 0;
}

const char *i18n_locale_charset(void)
{
    return orig_charset;
}

char *i18n_digits(const char *s)
{
    struct buf b = {0};

    if (s == NULL)
        return xstrdup("");
    if (!i18n_is_bn())
        return xstrdup(s);
    buf_adds(&b, "");
    for (; *s != '\0'; s++) {
        if (*s >= '0' && *s <= '9') {
            /* U+09E6 BENGALI DIGIT ZERO .. U+09EF */
            char d[3] = {'\xe0', '\xa7', (char)(0xa6 + (*s - '0'))};

            buf_add(&b, d, 3);
        } else {
            buf_addc(&b, *s);
        }
    }
    return buf_take(&b);
}

static const char *const day_en[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};
static const char *const month_en[12] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
/* Gregorian day and month names as written in Bangladesh (NFC). */
static const char *const day_bn[7] = {"রবিবার",    "সোমবার", "মঙ্গলবার", "বুধবার",
                                      "বৃহস্পতিবার", "শুক্রবার", "শনিবার"};
static const char *const month_bn[12] = {"জানুয়ারি",  "ফেব্রুয়ারি", "মার্চ",   "এপ্রিল",
                                         "মে",       "জুন",       "জুলাই",   "আগস্ট",
                                         "সেপ্টেম্বর", "অক্টোবর",   "নভেম্বর", "ডিসেম্বর"};

/* Break t down in the zone tz (an Olson name).  Asia/Dhaka has been UTC+6
 * without daylight saving since 2009: use that when tzdata is missing. */
static void local_tm(time_t t, const char *tz, struct tm *out)
{
    const char *old = getenv("TZ");
    char *saved = old != NULL ? xstrdup(old) : NULL;
    char *zfile = xasprintf("/usr/share/zoneinfo/%s", tz);

    if (strcmp(tz, "Asia/Dhaka") == 0 && access(zfile, R_OK) != 0 && getenv("TZDIR") == NULL)
        setenv("TZ", "<+06>-6", 1);
    else
        setenv("TZ", tz, 1);
    tzset();
    localtime_r(&t, out);
    if (saved != NULL) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
    free(zfile);
}

char *i18n_format_date(time_t t)
{
    const char *tz = getenv("MABDESK_TZ");
    struct tm tm;
    char *num, *r;

    if (tz == NULL || *tz == '\0')
        tz = "Asia/Dhaka";
    local_tm(t, tz, &tm);
    if (!i18n_is_bn())
        return xasprintf("%s, %d %s %d", day_en[tm.tm_wday], tm.tm_mday, month_en[tm.tm_mon],
                         tm.tm_year + 1900);
    num = xasprintf("%s, %d %s %d", day_bn[tm.tm_wday], tm.tm_mday, month_bn[tm.tm_mon],
                    tm.tm_year + 1900);
    r = i18n_digits(num);
    free(num);
    return r;
}

/*
 * The Bangla calendar as Bangladesh uses it since the 2019 revision: the
 * year starts on 14 April; Boishakh to Ashwin have 31 days, Kartik to Magh
 * and Choitro 30, Falgun 29 (30 when February has 29 days).  So 21
 * February is 8 Falgun and 16 December is 1 Poush, every year.
 */
static const char *const bmonth_en[12] = {"Boishakh", "Joishtho", "Asharh", "Srabon",
                                          "Bhadro",   "Ashwin",   "Kartik", "Agrahayan",
                                          "Poush",    "Magh",     "Falgun", "Choitro"};
static const char *const bmonth_bn[12] = {"বৈশাখ",  "জ্যৈষ্ঠ",   "আষাঢ়", "শ্রাবণ", "ভাদ্র",  "আশ্বিন",
                                          "কার্তিক", "অগ্রহায়ণ", "পৌষ",  "মাঘ",   "ফাল্গুন", "চৈত্র"};

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Day of the Gregorian year (0-based) of month m (0-11), day d. */
static int yday(int y, int m, int d)
{
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

    return before[m] + d - 1 + (m > 1 && leap(y));
}

void i18n_bangla(int y, int m, int d, int *by, int *bm, int *bd)
{
    int start, days, len;

    /* Days since the last 14 April. */
    start = yday(y, 3, 14);
    days = yday(y, m, d) - start;
    if (days < 0) {
        y--;
        days += 365 + leap(y + 1);
    }
    *by = y - 593;
    for (int i = 0; i < 12; i++) {
        if (i < 6)
            len = 31;
        else if (i == 10)
            len = 29 + leap(y + 1);
        else
            len = 30;
        if (days < len) {
            *bm = i;
            *bd = days + 1;
            return;
        }
        days -= len;
    }
    /* Unreachable: the months add up to the year. */
    *bm = 11;
    *bd = 30;
}

char *i18n_format_bangla_ymd(int y, int m, int d)
{
    int by, bm, bd;
    char *num, *r;

    i18n_bangla(y, m, d, &by, &bm, &bd);
    if (!i18n_is_bn())
        return xasprintf("%d %s %d", bd, bmonth_en[bm], by);
    num = xasprintf("%d %s %d", bd, bmonth_bn[bm], by);
    r = i18n_digits(num);
    free(num);
    return r;
}

char *i18n_format_bangla_date(time_t t)
{
    const char *tz = getenv("MABDESK_TZ");
    struct tm tm;

    if (tz == NULL || *tz == '\0')
        tz = "Asia/Dhaka";
    local_tm(t, tz, &tm);
    return i18n_format_bangla_ymd(tm.tm_year + 1900, tm.tm_mon, tm.tm_mday);
}

char *i18n_format_ymd(int y, int m, int d)
{
    char *num, *r;

    if (!i18n_is_bn())
        return xasprintf("%d %s %d", d, month_en[m], y);
    num = xasprintf("%d %s %d", d, month_bn[m], y);
    r = i18n_digits(num);
    free(num);
    return r;
}

char *i18n_today(void)
{
    return i18n_format_date(time(NULL));
}

const char *i18n_pick(const char *en, const char *bn)
{
    const char *first = i18n_is_bn() ? bn : en;
    const char *second = i18n_is_bn() ? en : bn;

    if (!str_blank(first))
        return first;
    if (!str_blank(second))
        return second;
    return first != NULL ? first : second != NULL ? second : "";
}

char *i18n_format_month(int y, int m)
{
    char *num, *r;

    if (!i18n_is_bn())
        return xasprintf("%s %d", month_en[m], y);
    num = xasprintf("%s %d", month_bn[m], y);
    r = i18n_digits(num);
    free(num);
    return r;
}

char *i18n_format_bangla_months(int y, int m, int d1, int d2)
{
    int by1, bm1, bd1, by2, bm2, bd2;
    const char *const *names = i18n_is_bn() ? bmonth_bn : bmonth_en;
    char *plain, *r;

    i18n_bangla(y, m, d1, &by1, &bm1, &bd1);
    i18n_bangla(y, m, d2, &by2, &bm2, &bd2);
    if (bm1 == bm2)
        plain = xasprintf("%s %d", names[bm1], by1);
    else if (by1 == by2)
        plain = xasprintf("%s-%s %d", names[bm1], names[bm2], by1);
    else
        plain = xasprintf("%s %d-%s %d", names[bm1], by1, names[bm2], by2);
    r = i18n_digits(plain);
    free(plain);
    return r;
}

const char *i18n_weekday_short(int wd)
{
    static const char *const en[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const bn[7] = {"রবি", "সোম", "মঙ্গল", "বুধ", "বৃহঃ", "শুক্র", "শনি"};

    return i18n_is_bn() ? bn[wd % 7] : en[wd % 7];
}
