/*
 * termcs.c: the terminal's character set and line drawing.
 *
 * Inside, text is UTF-8 and LC_CTYPE is UTF-8 (i18n.c).  A terminal whose
 * locale says otherwise (LANG=C, ISO-8859-1, KOI8-R, CP437) gets its own
 * set: before curses starts, LC_CTYPE goes back to the user's locale, so
 * that ncursesw turns wide characters into that set's bytes (wcrtomb) and
 * reads typed ones from it; and every string on its way to curses is first
 * converted with iconv into that set (//TRANSLIT, else '?') and back, so
 * that only characters the terminal has reach a cell, and widths are
 * counted on what is actually shown.
 *
 * Must never let a character through that the terminal's set lacks: that
 * is what would put an invalid byte on the line.
 */
#include "ui/ui.h"

#include <errno.h>
#include <iconv.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

static iconv_t to_term = (iconv_t)-1, from_term = (iconv_t)-1;
static enum ui_lines lines = UI_LINES_ACS;
static int right_margin;

static int is_utf8(const char *cs)
{
    return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* Sets whose 8-bit bytes are the PC line-drawing characters, so that a
 * terminfo acsc written for them (TERM=ansi) is right there. */
static int is_pc_set(const char *cs)
{
    static const char *const pc[] = {"IBM437", "CP437", "IBM850", "CP850", "IBM866", "CP866"};

    for (size_t i = 0; i < nitems(pc); i++) {
        if (strcmp(cs, pc[i]) == 0)
            return 1;
    }
    return 0;
}

int ui_charset_setup(void)
{
    const char *cs = i18n_locale_charset();
    char *target;

    if (is_utf8(cs))
        return 0;
    /* The user's own LC_CTYPE; one that cannot be loaded is plain ASCII. */
    if (setlocale(LC_CTYPE, "") == NULL || is_utf8(nl_langinfo(CODESET)))
        setlocale(LC_CTYPE, "C");
    cs = nl_langinfo(CODESET);
    target = xasprintf("%s//TRANSLIT", cs);
    to_term = iconv_open(target, "UTF-8");
    from_term = iconv_open("UTF-8", cs);
    free(target);
    if (to_term == (iconv_t)-1 || from_term == (iconv_t)-1) {
        /* A set iconv does not know: ASCII, which every one contains. */
        if (to_term != (iconv_t)-1)
            iconv_close(to_term);
        if (from_term != (iconv_t)-1)
            iconv_close(from_term);
        setlocale(LC_CTYPE, "C");
        to_term = iconv_open("ASCII//TRANSLIT", "UTF-8");
        from_term = iconv_open("UTF-8", "ASCII");
        if (to_term == (iconv_t)-1 || from_term == (iconv_t)-1)
            fatal("iconv: no conversion to ASCII");
    }
    ui_set_ascii(1);
    return 1;
}

/* Run cd over in; unconvertible input becomes '?' (one code point). */
static char *convert(iconv_t cd, const char *in, int utf8_in)
{
    size_t left = strlen(in), cap = left * 4 + 16, room = cap;
    char *out = xmalloc(cap + 1), *o = out, *p = (char *)(uintptr_t)in;

    iconv(cd, NULL, NULL, NULL, NULL);
    while (left > 0) {
        if (iconv(cd, &p, &left, &o, &room) != (size_t)-1)
            break;
        if (errno == E2BIG) {
            size_t used = (size_t)(o - out);

            cap *= 2;
            out = xrealloc(out, cap + 1);
            o = out + used;
            room = cap - used;
            continue;
        }
        /* EILSEQ / EINVAL: a character the other side lacks. */
        if (room < 1) {
            errno = E2BIG;
            continue;
        }
        *o++ = '?';
        room--;
        p++;
        left--;
        while (utf8_in && left > 0 && ((unsigned char)*p & 0xc0) == 0x80) {
            p++;
            left--;
        }
    }
    *o = '\0';
    return out;
}

char *ui_charset_text(const char *utf8)
{
    char *safe, *term, *back;

    if (to_term == (iconv_t)-1)
        return xstrdup(utf8);
    safe = text_sanitize(utf8);
    term = convert(to_term, safe, 1);
    back = convert(from_term, term, 0);
    free(term);
    free(safe);
    return back;
}

/*
 * Line drawing: terminfo's ACS unless its acsc is 8-bit PC bytes (TERM=ansi)
 * on a terminal that is not a PC set: then Unicode lines on a UTF-8 one,
 * ASCII on another.
 *
 * And the right margin.  A description that says the terminal wraps as soon
 * as a row's last column is written (am without xenl: TERM=ansi) is often
 * used on one that waits for the next character, as xterm, PuTTY and the
 * Windows console do.  The two disagree about where the cursor is after
 * that column, and ncurses, writing for the first, puts the rest of the
 * screen one column off on the second.  Nothing drawn in that column means
 * nothing ever wraps, whichever the terminal does.
 */
void ui_lines_setup(void)
{
    const char *acsc = tigetstr("acsc");
    int eight_bit = 0;

    if (acsc != NULL && acsc != (char *)-1) {
        for (const char *a = acsc; *a != '\0'; a++)
            eight_bit |= (unsigned char)*a >= 0x80;
    }
    lines = UI_LINES_ACS;
    if (eight_bit && !is_pc_set(nl_langinfo(CODESET)))
        lines = is_utf8(nl_langinfo(CODESET)) ? UI_LINES_UNICODE : UI_LINES_ASCII;
    right_margin = tigetflag("am") == 1 && tigetflag("xenl") != 1;
}

int ui_right_margin(void)
{
    return right_margin;
}

enum ui_lines ui_lines(void)
{
    return ui_lean() ? UI_LINES_NONE : lines;
}
