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

#define _(s) gettext(s)
#define N_(s) (s)

/* Bind the text domain; lang is "bn", "en" or NULL (from the environment:
 * LANGUAGE / LC_ALL / LC_MESSAGES / LANG starting with "bn" means Bengali). */
void i18n_init(const char *lang);
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
/* Pick the field for the session's language, falling back to the other
 * when empty. */
const char *i18n_pick(const char *en, const char *bn);

#endif
