/*
 * ui.h: what every widget and screen shares: the colour roles, the key as
 * the application sees it, rectangles, and the one function that draws text.
 *
 * Text reaches the terminal only through ui_put() (and the helpers built on
 * it): it fits the text with text_fit(), which sanitises it, and converts it
 * to wide characters at the curses boundary.  Never call waddstr() & co.
 * with text that came from the database or from a translation.
 */
#ifndef MABDESK_UI_H
#define MABDESK_UI_H

#include <curses.h>

/* Colour roles.  Each has a colour pair and a monochrome attribute
 * (ui.c: role_table); code names the role, never a colour. */
enum ui_role {
    UI_NORMAL,
    UI_TITLE,     /* top line */
    UI_KEY,       /* key name in the key bar */
    UI_KEYLABEL,  /* what the key does */
    UI_STATUS,    /* status line message */
    UI_ERROR,     /* status line error, invalid field message */
    UI_HEADER,    /* column headings */
    UI_SELECTED,  /* the cursor row of a list: A_REVERSE, but a marker in lean mode */
    UI_LABEL,     /* field labels */
    UI_FIELD,     /* an input field */
    UI_FIELD_CUR, /* the input field being edited */
    UI_DIALOG,    /* dialog box body */
    UI_HEADING,   /* headings in text views */
    UI_DIM,       /* hints */
    UI_ROLE_COUNT
};

/* Set up colours (honours NO_COLOR and terminals without colour). */
void ui_colours_init(void);
/* The attribute (colour pair included) for a role. */
attr_t ui_attr(enum ui_role);

/* 1 when the terminal's charset is not UTF-8: ASCII stand-ins are used
 * for marks such as the ellipsis, and Bengali is not offered. */
void ui_set_ascii(int on);
int ui_ascii(void);

/*
 * Before curses starts: a terminal whose locale's charset is not UTF-8
 * gets LC_CTYPE back to that locale (ncursesw then writes that set) and
 * ASCII mode; 1 if so.  ui_put() then passes text through
 * ui_charset_text(): sanitised, converted with iconv into the terminal's
 * set (a transliteration or '?' for what it lacks) and back to UTF-8.
 */
int ui_charset_setup(void);
/* utf8 as the terminal can show it (a copy of it on UTF-8 terminals). */
char *ui_charset_text(const char *utf8);

/* How boxes are drawn: decided once curses has started
 * (ui_lines_setup()), and none in lean mode. */
enum ui_lines { UI_LINES_ACS, UI_LINES_UNICODE, UI_LINES_ASCII, UI_LINES_NONE };
void ui_lines_setup(void);
enum ui_lines ui_lines(void);
/* Columns to leave unused at the right (also set by ui_lines_setup()): 1 on
 * a terminal that may wrap either way after its last column (TERM=ansi:
 * am without xenl), else 0. */
int ui_right_margin(void);

/* Lean mode, for slow lines: no colour, no reverse-video bars, the list
 * selection as a marker, no box drawing, and the cursor left where the
 * last change was instead of parked. */
void ui_set_lean(int on);
int ui_lean(void);

/* The terminal cursor.  While drawing, whatever takes typing (a form
 * field, a search line) puts it where the typing goes; the last call of a
 * redraw wins.  The application clears it before each redraw and, after,
 * shows it there or hides it when no one asked. */
void ui_cursor(int y, int x);
void ui_cursor_clear(void);
/* 1 and the position if ui_cursor() was called since ui_cursor_clear(). */
int ui_cursor_wanted(int *y, int *x);

/*
 * A key: a character (its code point) or, with UI_FN set, a curses KEY_*
 * code.  UI_FN is a flag rather than a function so that key tables can be
 * static initialisers.
 */
#define UI_FN 0x40000000
/*
 * k holds an Esc that ncurses returned alone: read what came with it.  A
 * lone Esc stays Esc (27); Esc then a digit becomes F1..F10 (0: F10), as
 * in mc; an escape sequence terminfo does not name is read whole and
 * becomes the common key it stands for, or code 0 (ignore it): never a
 * lone Esc.  A key typed after a lone Esc is put back.
 */
struct ui_key;
void ui_escape_key(struct ui_key *k);
/* 1 if the terminal can move the cursor (TERM=dumb cannot). */
int ui_can_address(void);
/* Ctrl-S and Ctrl-Q as keys, not the terminal's XOFF/XON (cbreak() keeps
 * flow control; raw() does not). */
void ui_no_flow_control(void);

struct ui_key {
    int code;
    int mouse_y, mouse_x; /* code == UI_FN | KEY_MOUSE */
    unsigned long mouse_bstate;
};
/* 1 if k is a character that can be typed into a field. */
int ui_key_printable(const struct ui_key *k);
/* UTF-8 of a typed character into out (at least 5 bytes); length. */
int ui_key_utf8(const struct ui_key *k, char *out);

struct ui_rect {
    int y, x, h, w;
};

/*
 * Draw utf8 at (y, x) in at most cols columns with attr, sanitised and cut
 * on a grapheme boundary (an ellipsis marks a cut).  Returns the columns
 * used.  NULL draws nothing.
 */
int ui_put(WINDOW *, int y, int x, int cols, const char *utf8, attr_t attr);
/* As ui_put() but fills the rest of cols with spaces in attr. */
void ui_put_pad(WINDOW *, int y, int x, int cols, const char *utf8, attr_t attr);
/* As ui_put() right-aligned so that the text ends at column x + cols. */
void ui_put_right(WINDOW *, int y, int x, int cols, const char *utf8, attr_t attr);
/* Centred within cols starting at x. */
void ui_put_centre(WINDOW *, int y, int x, int cols, const char *utf8, attr_t attr);
/* Fill cols cells with spaces in attr. */
void ui_fill(WINDOW *, int y, int x, int cols, attr_t attr);
/* A box of line-drawing characters (ASCII on terminals without them). */
void ui_box(WINDOW *, const struct ui_rect *, attr_t attr);

/* "1234" in the session's digits; malloc'd. */
char *ui_number(long long n);
/* A stored UTC time ("2026-11-27T08:15:00Z", "2026-11-27 08:15:00") shown
 * in the configured zone ($MABDESK_TZ, default Asia/Dhaka) as
 * "2026-11-27 14:15", in the session's digits.  Malloc'd; the input itself
 * when it cannot be read. */
char *ui_local_time(const char *utc);

#endif
