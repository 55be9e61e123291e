/*
 * keys.c: what follows an Esc that ncurses returned alone.  Reads only the
 * terminal's input (curses), decides nothing about what a key does.
 */
#include <curses.h>
#include <string.h>

#include "ui/ui.h"
#include "util.h"

/*
 * After an Esc: a lone Esc is Back; Esc then a digit is F1..F10 (0: F10),
 * as in mc, for keyboards and terminals without function keys; and a
 * sequence terminfo does not name (F2 as Esc O Q on TERM=ansi, a VT52
 * keypad key as Esc ? letter) is read whole, taken for the key it stands
 * for when it is a common one, and otherwise ignored: never a lone Esc,
 * which would leave a form.
 */
enum { ESC_DIGIT_MS = 300, ESC_SEQ_MS = 15 };

/* The next byte within ms: the byte, -1 for none, -2 when a function key
 * ncurses decoded came instead (put back, to be read as itself). */
static int next_byte(int ms)
{
    wint_t wc;
    int r;

    timeout(ms);
    r = wget_wch(stdscr, &wc);
    if (r == ERR)
        return -1;
    if (r == KEY_CODE_YES) {
        ungetch((int)wc);
        return -2;
    }
    return (int)wc;
}

/* The key of "ESC [ body", "ESC O body" or (a VT52's keypad) "ESC ? body"
 * (body: parameters and the final byte), or 0 when it is not a common one. */
static int sequence_key(char intro, const char *body)
{
    static const struct {
        char intro;
        const char *body;
        int key;
    } known[] = {
        {'O', "P", KEY_F(1)},   {'O', "Q", KEY_F(2)},    {'O', "R", KEY_F(3)},
        {'O', "S", KEY_F(4)},   {'[', "11~", KEY_F(1)},  {'[', "12~", KEY_F(2)},
        {'[', "13~", KEY_F(3)}, {'[', "14~", KEY_F(4)},  {'[', "15~", KEY_F(5)},
        {'[', "17~", KEY_F(6)}, {'[', "18~", KEY_F(7)},  {'[', "19~", KEY_F(8)},
        {'[', "20~", KEY_F(9)}, {'[', "21~", KEY_F(10)}, {'[', "[A", KEY_F(1)},
        {'[', "[B", KEY_F(2)},  {'[', "[C", KEY_F(3)},   {'[', "[D", KEY_F(4)},
        {'[', "[E", KEY_F(5)},  {'[', "A", KEY_UP},      {'[', "B", KEY_DOWN},
        {'[', "C", KEY_RIGHT},  {'[', "D", KEY_LEFT},    {'O', "A", KEY_UP},
        {'O', "B", KEY_DOWN},   {'O', "C", KEY_RIGHT},   {'O', "D", KEY_LEFT},
        {'[', "H", KEY_HOME},   {'[', "F", KEY_END},     {'[', "1~", KEY_HOME},
        {'[', "4~", KEY_END},   {'[', "5~", KEY_PPAGE},  {'[', "6~", KEY_NPAGE},
        {'[', "2~", KEY_IC},    {'[', "3~", KEY_DC},     {'O', "M", KEY_ENTER},
        {'?', "M", KEY_ENTER},
    };

    for (size_t i = 0; i < nitems(known); i++)
        if (known[i].intro == intro && strcmp(known[i].body, body) == 0)
            return known[i].key;
    return 0;
}

/* Read the rest of an escape sequence after its introducer. */
static int read_sequence(char intro)
{
    char body[16];
    size_t n = 0;
    int c;

    while ((c = next_byte(ESC_SEQ_MS)) >= 0) {
        if (n + 1 < sizeof body)
            body[n++] = (char)c;
        /* 'O' and '?' take one byte; '[' ends at a final byte (a '[' after
         * "[" is the Linux console's F1-F5). */
        if (intro != '[' || (c >= 0x40 && c <= 0x7e && !(n == 1 && c == '[')))
            break;
    }
    body[n] = '\0';
    return sequence_key(intro, body);
}

/* k holds an Esc: what it and what follows it stand for (code 0: nothing).
 * What came with the Esc (a burst) is part of it; a key typed after it is
 * put back, and the Esc stays a lone Esc. */
void ui_escape_key(struct ui_key *k)
{
    int c = next_byte(0), burst = c >= 0, key;

    if (c == -1)
        c = next_byte(ESC_DIGIT_MS);
    if (c < 0)
        return; /* a lone Esc (and any function key after it stays queued) */
    if (c >= '0' && c <= '9') {
        k->code = UI_FN | KEY_F(c == '0' ? 10 : c - '0');
    } else if (c == 27 || !burst) {
        unget_wch((wchar_t)c); /* Esc Esc: two Backs */
    } else if (c == '[' || c == 'O' || c == '?') {
        key = read_sequence((char)c);
        k->code = key != 0 ? UI_FN | key : 0;
    } else {
        /* Alt and a key: not for us, and above all not a lone Esc. */
        k->code = 0;
    }
}
