/*
 * i18n.h: gettext and the per-session language (Bengali or English).
 *
 * The language can change while the program runs (a key switches it), so
 * never cache a translated string across a language switch: call _() when
 * drawing.
 */
#ifndef MABDESK_I18N_H
#define MABDESK_I18N_H

#include <libintl.h>
#include <time.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Bind the text domain; lang is "bn", "en" or NULL (from the environment:
 * LANGUAGE / LC_ALL / LC_MESSAGES / LANG starting with "bn" means Bengali). */
void i18n_init(const char *lang);
/* After i18n_init(), the environment changed (an SSH session's UI forked
 * from the UI template): the locale again from it, then the language as
 * i18n_init() picks it.  The catalogue stays bound and loaded. */
void i18n_reset(const char *lang);
/* Switch the running session's language: "bn" or "en". */
void i18n_set_lang(const char *lang);
const char *i18n_lang(void);
int i18n_is_bn(void);
/* s with ASCII digits as Bengali digits when the language is Bengali;
 * otherwise a plain copy.  Malloc'd. */
char *i18n_digits(const char *s);
/* Today's date in the session's language and time zone (default
 * Asia/Dhaka, or $MABDESK_TZ), e.g. "Friday, 27 November 2026" /
 * "শুক্রবার, ২৭ নভেম্বর ২০২৬".  Malloc'd. */
char *i18n_today(void);
/* The same for any moment t. */
char *i18n_format_date(time_t t);
/* The Bangla calendar date of the Gregorian y-m-d (m 0-11): year, month
 * (0 = Boishakh .. 11 = Choitro) and day, as revised in 2019. */
void i18n_bangla(int y, int m, int d, int *by, int *bm, int *bd);
/* The Bangla date of moment t in the session's zone and language, e.g.
 * "12 Agrahayan 1433" / "১২ অগ্রহায়ণ ১৪৩৩".  Malloc'd. */
char *i18n_format_bangla_date(time_t t);
/* The Bangla date of the Gregorian y-m-d (m 0-11) in the session's
 * language: "15 Agrahayan 1433" / "১৫ অগ্রহায়ণ ১৪৩৩".  Malloc'd. */
char *i18n_format_bangla_ymd(int y, int m, int d);
/* The Gregorian y-m-d (m 0-11) for a person: "1 December 2026" /
 * "১ ডিসেম্বর ২০২৬".  Malloc'd. */
char *i18n_format_ymd(int y, int m, int d);
/* The Gregorian month m (0-11) of year y: "December 2026" /
 * "ডিসেম্বর ২০২৬".  Malloc'd. */
char *i18n_format_month(int y, int m);
/* The Bangla month(s) days d1 to d2 of Gregorian y-m (m 0-11) fall in:
 * "Agrahayan-Poush 1433" / "অগ্রহায়ণ-পৌষ ১৪৩৩".  Malloc'd. */
char *i18n_format_bangla_months(int y, int m, int d1, int d2);
/* A weekday's short name (0 Sunday): "Sat" / "শনি". */
const char *i18n_weekday_short(int wd);
/* Pick the field for the session's language, falling back to the other
 * when empty. */
const char *i18n_pick(const char *en, const char *bn);
/* The character set of the user's locale as it was before i18n_init()
 * made LC_CTYPE UTF-8 ("UTF-8", "ANSI_X3.4-1968", ...): what the terminal
 * is likely to speak. */
const char *i18n_locale_charset(void);

#endif
