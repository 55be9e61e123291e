/*
 * ui.c: colour roles, the one text-drawing function, the terminal cursor
 * and small formatting helpers shared by widgets and screens.
 *
 * Must never hand a string to curses without text_fit() first: that is what
 * turns control characters and escape sequences in stored text into
 * harmless visible marks.
 */
#include "ui/ui.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

/* Colour roles with their monochrome fallback (as ncdu's UI_COLORS). */
struct role_def {
    short fg, bg;  /* -1: the terminal's default */
    attr_t colour; /* added to the pair on colour terminals */
    attr_t mono;   /* used alone on monochrome terminals and with NO_COLOR */
    attr_t lean;   /* lean mode: no colour, no reverse bars */
};

static const struct role_def role_table[UI_ROLE_COUNT] = {
    [UI_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL, A_NORMAL},
    [UI_TITLE] = {COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE, A_BOLD},
    [UI_KEY] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE, A_BOLD},
    [UI_KEYLABEL] = {-1, -1, A_NORMAL, A_NORMAL, A_NORMAL},
    [UI_STATUS] = {COLOR_GREEN, -1, A_BOLD, A_BOLD, A_BOLD},
    [UI_ERROR] = {COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE, A_BOLD},
    [UI_HEADER] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE, A_BOLD},
    [UI_SELECTED] = {-1, -1, A_REVERSE, A_REVERSE, A_NORMAL},
    [UI_LABEL] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL, A_NORMAL},
    [UI_FIELD] = {-1, -1, A_UNDERLINE, A_UNDERLINE, A_UNDERLINE},
    [UI_FIELD_CUR] = {COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE, A_REVERSE},
    [UI_DIALOG] = {-1, -1, A_NORMAL, A_NORMAL, A_NORMAL},
    [UI_HEADING] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD, A_BOLD},
    [UI_DIM] = {-1, -1, A_DIM, A_DIM, A_NORMAL},
};

static int use_colour;
/* With colour: what each role adds to its pair (ui_colours_init()). */
static attr_t colour_attr[UI_ROLE_COUNT];
static int ascii_mode;
static int lean_mode;
static struct {
    int wanted;
    int y, x;
} cursor;

/* The attributes terminfo's ncv says cannot be combined with colour (PuTTY:
 * underline, reverse, dim; the Linux console: underline, dim): ncurses drops
 * them from anything drawn with a colour pair. */
static attr_t no_colour_video(void)
{
    static const attr_t bits[] = {A_STANDOUT, A_UNDERLINE, A_REVERSE, A_BLINK,     A_DIM,
                                  A_BOLD,     A_INVIS,     A_PROTECT, A_ALTCHARSET};
    int ncv = tigetnum("ncv");
    attr_t out = 0;

    for (size_t i = 0; ncv > 0 && i < nitems(bits); i++) {
        if (ncv & (1 << i))
            out |= bits[i];
    }
    return out;
}

/*
 * A role in the terminal's default colours takes no pair (pair 0), so
 * that its attribute survives ncv: the selection stays reverse on PuTTY.
 * A coloured role whose attribute ncv would drop is drawn as on a
 * monochrome terminal instead: visible beats coloured.
 */
static void role_attrs(void)
{
    attr_t ncv = no_colour_video();

    for (int r = 1; r < UI_ROLE_COUNT; r++) {
        const struct role_def *d = &role_table[r];

        if (d->fg == -1 && d->bg == -1)
            colour_attr[r] = d->colour;
        else if (d->colour & ncv)
            colour_attr[r] = d->mono;
        else
            colour_attr[r] = d->colour | COLOR_PAIR(r);
    }
}

void ui_colours_init(void)
{
    const char *nc = getenv("NO_COLOR");

    use_colour = 0;
    if ((nc != NULL && *nc != '\0') || !has_colors() || lean_mode)
        return;
    if (start_color() == ERR)
        return;
    use_default_colors();
    for (int r = 1; r < UI_ROLE_COUNT; r++) {
        if (r >= COLOR_PAIRS)
            return;
        init_pair((short)r, role_table[r].fg, role_table[r].bg);
    }
    role_attrs();
    use_colour = 1;
}

attr_t ui_attr(enum ui_role r)
{
    if (lean_mode)
        return role_table[r].lean;
    if (!use_colour)
        return role_table[r].mono;
    if (r == UI_NORMAL)
        return A_NORMAL;
    return colour_attr[r];
}

void ui_set_ascii(int on)
{
    ascii_mode = on;
    text_set_ascii(on);
}

int ui_ascii(void)
{
    return ascii_mode;
}

void ui_set_lean(int on)
{
    lean_mode = on != 0;
}

int ui_lean(void)
{
    return lean_mode;
}

void ui_cursor(int y, int x)
{
    cursor.wanted = 1;
    cursor.y = y;
    cursor.x = x;
}

void ui_cursor_clear(void)
{
    cursor.wanted = 0;
}

int ui_cursor_wanted(int *y, int *x)
{
    *y = cursor.y;
    *x = cursor.x;
    return cursor.wanted;
}

int ui_key_printable(const struct ui_key *k)
{
    if (k->code & UI_FN)
        return 0;
    return k->code >= 0x20 && k->code != 0x7f && !(k->code >= 0x80 && k->code < 0xa0) &&
           k->code <= 0x10ffff && !(k->code >= 0xd800 && k->code <= 0xdfff);
}

int ui_key_utf8(const struct ui_key *k, char *out)
{
    unsigned c = (unsigned)k->code;

    if (c < 0x80) {
        out[0] = (char)c;
        out[1] = '\0';
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        out[2] = '\0';
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        out[3] = '\0';
        return 3;
    }
    out[0] = (char)(0xf0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    out[3] = (char)(0x80 | (c & 0x3f));
    out[4] = '\0';
    return 4;
}

/* Decode valid UTF-8 (text_fit() output) into a new wide string. */
static wchar_t *to_wide(const char *s)
{
    size_t n = strlen(s), o = 0;
    wchar_t *w = xreallocarray(NULL, n + 1, sizeof *w);
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        unsigned c = *p++;
        int more = 0;

        if (c >= 0xf0) {
            c &= 0x07;
            more = 3;
        } else if (c >= 0xe0) {
            c &= 0x0f;
            more = 2;
        } else if (c >= 0xc0) {
            c &= 0x1f;
            more = 1;
        } else if (c >= 0x80) {
            c = '?';
        }
        while (more-- > 0 && (*p & 0xc0) == 0x80)
            c = (c << 6) | (*p++ & 0x3f);
        w[o++] = (wchar_t)c;
    }
    w[o] = L'\0';
    return w;
}

int ui_put(WINDOW *win, int y, int x, int cols, const char *utf8, attr_t attr)
{
    char *fit;
    wchar_t *w;
    int used = 0;

    if (utf8 == NULL || cols <= 0 || *utf8 == '\0')
        return 0;
    if (ascii_mode) {
        /* Fitted after the conversion: a transliteration has widths of
         * its own ("..." for one column's ellipsis). */
        char *shown = ui_charset_text(utf8);

        fit = text_fit(shown, cols, 1, &used);
        free(shown);
    } else {
        fit = text_fit(utf8, cols, 1, &used);
    }
    w = to_wide(fit);
    wattrset(win, attr);
    mvwaddnwstr(win, y, x, w, -1);
    wattrset(win, A_NORMAL);
    free(w);
    free(fit);
    return used;
}

void ui_fill(WINDOW *win, int y, int x, int cols, attr_t attr)
{
    if (cols <= 0)
        return;
    wattrset(win, attr);
    mvwhline(win, y, x, ' ', cols);
    wattrset(win, A_NORMAL);
}

void ui_put_pad(WINDOW *win, int y, int x, int cols, const char *utf8, attr_t attr)
{
    int used = ui_put(win, y, x, cols, utf8, attr);

    ui_fill(win, y, x + used, cols - used, attr);
}

void ui_put_right(WINDOW *win, int y, int x, int cols, const char *utf8, attr_t attr)
{
    int w = text_width(utf8);

    if (w > cols)
        w = cols;
    ui_put(win, y, x + cols - w, w, utf8, attr);
}

void ui_put_centre(WINDOW *win, int y, int x, int cols, const char *utf8, attr_t attr)
{
    int w = text_width(utf8);

    if (w > cols)
        w = cols;
    ui_put(win, y, x + (cols - w) / 2, w, utf8, attr);
}

/* One line-drawing character as a wide character (UI_LINES_UNICODE). */
static void put_line_char(WINDOW *win, int y, int x, wchar_t c, attr_t attr, int n, int vertical)
{
    cchar_t cc;
    wchar_t s[2] = {c, L'\0'};

    setcchar(&cc, s, attr, 0, NULL);
    if (n == 1)
        mvwadd_wch(win, y, x, &cc);
    else if (vertical)
        mvwvline_set(win, y, x, &cc, n);
    else
        mvwhline_set(win, y, x, &cc, n);
}

static void box_unicode(WINDOW *win, const struct ui_rect *r, attr_t attr)
{
    int b = r->y + r->h - 1, e = r->x + r->w - 1;

    put_line_char(win, r->y, r->x + 1, L'\x2500', attr, r->w - 2, 0);
    put_line_char(win, b, r->x + 1, L'\x2500', attr, r->w - 2, 0);
    put_line_char(win, r->y + 1, r->x, L'\x2502', attr, r->h - 2, 1);
    put_line_char(win, r->y + 1, e, L'\x2502', attr, r->h - 2, 1);
    put_line_char(win, r->y, r->x, L'\x250c', attr, 1, 0);
    put_line_char(win, r->y, e, L'\x2510', attr, 1, 0);
    put_line_char(win, b, r->x, L'\x2514', attr, 1, 0);
    put_line_char(win, b, e, L'\x2518', attr, 1, 0);
}

void ui_box(WINDOW *win, const struct ui_rect *r, attr_t attr)
{
    enum ui_lines how = ui_lines();
    chtype h = ACS_HLINE, v = ACS_VLINE,
           c[4] = {ACS_ULCORNER, ACS_URCORNER, ACS_LLCORNER, ACS_LRCORNER};

    if (r->h < 2 || r->w < 2 || how == UI_LINES_NONE)
        return;
    if (how == UI_LINES_UNICODE) {
        box_unicode(win, r, attr);
        return;
    }
    if (how == UI_LINES_ASCII) {
        h = '-';
        v = '|';
        c[0] = c[1] = c[2] = c[3] = '+';
    }
    wattrset(win, attr);
    mvwhline(win, r->y, r->x + 1, h, r->w - 2);
    mvwhline(win, r->y + r->h - 1, r->x + 1, h, r->w - 2);
    mvwvline(win, r->y + 1, r->x, v, r->h - 2);
    mvwvline(win, r->y + 1, r->x + r->w - 1, v, r->h - 2);
    mvwaddch(win, r->y, r->x, c[0]);
    mvwaddch(win, r->y, r->x + r->w - 1, c[1]);
    mvwaddch(win, r->y + r->h - 1, r->x, c[2]);
    mvwaddch(win, r->y + r->h - 1, r->x + r->w - 1, c[3]);
    wattrset(win, A_NORMAL);
}

char *ui_number(long long n)
{
    char tmp[32];

    snprintf(tmp, sizeof tmp, "%lld", n);
    return i18n_digits(tmp);
}

/* Make localtime() use the configured zone.  The UI process shows every
 * time in that zone, so it sets TZ for itself once. */
static void use_zone(void)
{
    static int done;
    const char *zone = getenv("MABDESK_TZ");
    char *path;

    if (done)
        return;
    done = 1;
    if (zone == NULL || *zone == '\0')
        zone = "Asia/Dhaka";
    path = xasprintf("/usr/share/zoneinfo/%s", zone);
    /* Without tzdata, Dhaka is a fixed UTC+6 (no daylight saving since 2009). */
    if (access(path, R_OK) != 0 && strcmp(zone, "Asia/Dhaka") == 0)
        zone = "<+06>-6";
    free(path);
    setenv("TZ", zone, 1);
    tzset();
}

char *ui_local_time(const char *utc)
{
    struct tm tm, lt;
    time_t t;
    char out[64];
    int n = 0;

    if (utc == NULL)
        return xstrdup("");
    memset(&tm, 0, sizeof tm);
    if (sscanf(utc, "%4d-%2d-%2d%*1[T ]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) < 6 ||
        n == 0)
        return xstrdup(utc);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    t = timegm(&tm);
    use_zone();
    if (localtime_r(&t, &lt) == NULL)
        return xstrdup(utc);
    strftime(out, sizeof out, "%Y-%m-%d %H:%M", &lt);
    return i18n_digits(out);
}

/* A full-screen program needs cursor addressing (TERM=dumb has none):
 * without it, a clear refusal instead of an empty screen. */
int ui_can_address(void)
{
    const char *cup = tigetstr("cup");

    return cup != NULL && cup != (char *)-1 && *cup != '\0';
}

/* Ctrl-S and Ctrl-Q are keys here (Ctrl-S saves), not the terminal's
 * XOFF/XON: raw() turns flow control off, cbreak() does not. */
void ui_no_flow_control(void)
{
    struct termios t;

    if (tcgetattr(STDIN_FILENO, &t) == 0) {
        t.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
        tcsetattr(STDIN_FILENO, TCSANOW, &t);
        def_prog_mode();
    }
}
