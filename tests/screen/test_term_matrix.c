/*
 * test_term_matrix.c: the home, directory, detail and edit screens on every
 * terminal type of the issue "Every terminal, every link" (TERM=dumb's
 * refusal is in test_terms.c).
 *
 * For each TERM the real binary walks home -> directory (search "Amtali")
 * -> its detail -> its edit form -> a changed field (an escape sequence no
 * terminal names, typed in the middle, does nothing) -> Esc (the "throw
 * away" dialog, answered no, the typing kept) -> saved with the keys that
 * terminal has (F2 as its terminfo sends it, else Ctrl-S; then Esc 2) ->
 * the database changed -> quit with F10 as it sends it, else Esc 0.  On
 * every screen: the expected text, the selected row visible (reverse video
 * where the terminal has `rev`, else the marker column), every Fn named is
 * one the terminal has; the dialog's frame and the form's fields visible;
 * on TERM=ansi (am without xenl) the last column unused.
 * Over everything written: nothing the terminal cannot interpret (colour
 * only where it has colour, 256-colour SGR only where it has 256, only
 * escape sequences its description can send, no CSI at all to a VT52,
 * valid UTF-8 and no CP437 line drawing on a UTF-8 terminal).  VT52 output
 * is read by tests/lib/vt52.c, as libvterm knows no VT52 mode.  Keys are
 * sent as the terminal's terminfo says it sends them, never as xterm's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curses.h>
#include <term.h>

#include "fixtures.h"
#include "testutil.h"
#include "util.h"
#include "vt.h"
#include "vt52.h"

struct term_case {
    const char *term;
    const char *more; /* another environment entry, or NULL */
    int colours;      /* the SGR colours allowed: 0 none, 8, 256 */
    int vt52;         /* VT52 mode: read by vt52.c, no CSI allowed */
    int marker;       /* no `rev`: the selection is a '>' before the row */
    int gpm;          /* ncurses loads libgpm (see gpm_env) */
    const char *name; /* the test's name, when not term */
};

static const struct term_case cases[] = {
    {"vt100", NULL, 0, 0, 0, 0, NULL},
    {"vt220", NULL, 0, 0, 0, 0, NULL},
    {"vt52", "LANG=C", 0, 1, 1, 0, NULL}, /* a 7-bit terminal: ASCII */
    {"ansi", NULL, 8, 0, 0, 0, NULL},
    {"linux", NULL, 8, 0, 0, 1, NULL},
    {"xterm", NULL, 8, 0, 0, 0, NULL},
    {"xterm-256color", NULL, 256, 0, 0, 0, NULL},
    {"xterm-mono", NULL, 0, 0, 0, 0, NULL},
    {"screen", NULL, 8, 0, 0, 0, NULL},
    {"tmux-256color", NULL, 256, 0, 0, 0, NULL},
    {"putty", NULL, 8, 0, 0, 0, NULL},
    {"xterm-256color", "NO_COLOR=1", 0, 0, 0, 0, "xterm-256color NO_COLOR=1"},
};

/* One walk: the terminal, how its screen is read, the keys it sends. */
struct walk {
    const struct term_case *tc;
    struct vt *vt;
    struct vt52 *v52;
    size_t fed;
    char kf2[32], kf10[32];
    int has_f[13]; /* has_f[n]: terminfo names Fn (kfn) */
    int margin;    /* am without xenl: the last column must stay unused */
    /* What the description can send: ESC and a byte, and CSI with and
     * without a '?' by its final byte. */
    unsigned char esc_ok[128], csi_ok[2][128];
};

/* Capability cap of terminal type term ("" when it has none). */
static void terminfo_str(const char *term, const char *cap, char *out, size_t size)
{
    TERMINAL *saved = cur_term, *mine;
    const char *s;
    int err = 0;

    out[0] = '\0';
    cur_term = NULL;
    assert_int_equal(setupterm((char *)(uintptr_t)term, STDERR_FILENO, &err), OK);
    mine = cur_term;
    s = tigetstr((char *)(uintptr_t)cap);
    if (s != NULL && s != (char *)-1)
        snprintf(out, size, "%s", s);
    del_curterm(mine);
    cur_term = saved;
}

/* Note the escape sequences in s (an expanded capability) as allowed. */
static void allow_sequences(struct walk *w, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        const unsigned char *q;

        if (p[0] != 27 || p[1] == '\0' || p[1] >= 128)
            continue;
        w->esc_ok[p[1]] = 1;
        if (p[1] != '[')
            continue;
        for (q = p + 2; *q >= 0x20 && *q <= 0x3f; q++)
            ;
        if (*q >= 0x40 && *q < 0x7f)
            w->csi_ok[p[2] == '?'][*q] = 1;
    }
}

/*
 * Every escape sequence the description of term can send, from each of its
 * string capabilities (extended ones such as xterm's XM too) expanded with
 * every parameter 1.  Capabilities taking a string parameter are left out.
 */
static void allowed_sequences(struct walk *w, const char *term)
{
    TERMINAL *saved = cur_term, *mine;
    const TERMTYPE *tt;
    int err = 0;

    memset(w->esc_ok, 0, sizeof w->esc_ok);
    memset(w->csi_ok, 0, sizeof w->csi_ok);
    cur_term = NULL;
    assert_int_equal(setupterm((char *)(uintptr_t)term, STDERR_FILENO, &err), OK);
    mine = cur_term;
    tt = (const TERMTYPE *)mine;
    for (unsigned i = 0; i < tt->num_Strings; i++) {
        const char *cap = tt->Strings[i], *out;

        if (cap == NULL || cap == (char *)-1 || strstr(cap, "%s") != NULL ||
            strstr(cap, "%l") != NULL)
            continue;
        out = strchr(cap, '%') != NULL ? tiparm(cap, 1, 1, 1, 1, 1, 1, 1, 1, 1) : cap;
        if (out != NULL)
            allow_sequences(w, out);
    }
    del_curterm(mine);
    cur_term = saved;
}

/* The first escape sequence in b that the description cannot send, as
 * printable text into out; 0 if there is none. */
static int foreign_sequence(const struct walk *w, const unsigned char *b, size_t len, char *out,
                            size_t size)
{
    for (size_t i = 0; i + 1 < len; i++) {
        size_t j = i + 2;
        int ok;

        if (b[i] != 27)
            continue;
        if (b[i + 1] != '[') {
            ok = b[i + 1] < 128 && w->esc_ok[b[i + 1]];
        } else {
            while (j < len && b[j] >= 0x20 && b[j] <= 0x3f)
                j++;
            ok = j < len && b[j] < 128 && w->csi_ok[j > i + 2 && b[i + 2] == '?'][b[j]];
        }
        if (!ok) {
            size_t n = j + 1 - i < 16 ? j + 1 - i : 16, o = 0;

            for (size_t k = 0; k < n && i + k < len && o + 5 < size; k++)
                o += (size_t)snprintf(out + o, size - o, b[i + k] == 27 ? "ESC" : "%c",
                                      b[i + k] == 27 ? 0 : b[i + k]);
            return 1;
        }
    }
    return 0;
}

/* 1 if terminal type term has the boolean capability cap. */
static int terminfo_flag(const char *term, const char *cap)
{
    TERMINAL *saved = cur_term, *mine;
    int err = 0, on;

    cur_term = NULL;
    assert_int_equal(setupterm((char *)(uintptr_t)term, STDERR_FILENO, &err), OK);
    mine = cur_term;
    on = tigetflag((char *)(uintptr_t)cap) == 1;
    del_curterm(mine);
    cur_term = saved;
    return on;
}

/* Bring the VT52 screen up to what the program has written. */
static void sync52(struct walk *w)
{
    size_t len;
    const unsigned char *raw = vt_raw(w->vt, &len);

    if (w->v52 != NULL && len > w->fed) {
        vt52_feed(w->v52, raw + w->fed, len - w->fed);
        w->fed = len;
    }
}

static const char *row_of(struct walk *w, int y)
{
    sync52(w);
    return w->v52 != NULL ? vt52_row(w->v52, y) : vt_row(w->vt, y);
}

static int find(struct walk *w, const char *text, int *y, int *x)
{
    sync52(w);
    return w->v52 != NULL ? vt52_find(w->v52, text, y, x) : vt_find(w->vt, text, y, x);
}

static void cursor_of(struct walk *w, int *y, int *x)
{
    sync52(w);
    if (w->v52 != NULL)
        vt52_cursor(w->v52, y, x);
    else
        vt_cursor(w->vt, y, x);
}

static void show(struct walk *w, const char *why, int line)
{
    fprintf(stderr, "%s:%d: TERM=%s%s%s: %s\n", __FILE__, line, w->tc->term,
            w->tc->more != NULL ? " " : "", w->tc->more != NULL ? w->tc->more : "", why);
    if (w->v52 != NULL) {
        char *d = vt52_dump(w->v52);

        fprintf(stderr, "%s", d);
        free(d);
    } else {
        vt_print_screen(w->vt, "screen");
    }
}

#define WALK_ASSERT(w, cond)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            show((w), #cond, __LINE__);                                                            \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* Wait until text is on the screen, then until the redraw is complete. */
static int wait_text(struct walk *w, const char *text)
{
    long long end = vt_now_ns() + (long long)vt_timeout() * 1000000;

    while (!find(w, text, NULL, NULL)) {
        if (vt_now_ns() > end || vt_pump(w->vt, 50) < 0)
            return find(w, text, NULL, NULL);
    }
    vt_settle(w->vt, 25, vt_timeout());
    return 1;
}

static void expect_text(struct walk *w, const char *text, int line)
{
    if (!wait_text(w, text)) {
        char *why = xasprintf("never showed \"%s\"", text);

        show(w, why, line);
        free(why);
        fail();
    }
}

#define WALK_TEXT(w, text) expect_text((w), (text), __LINE__)

/* Row y is the selection, as this terminal can show one: reverse video,
 * or a marker in the first column of the list (rows leave it blank). */
static int selected(struct walk *w, int y)
{
    if (w->tc->marker)
        return row_of(w, y)[strspn(row_of(w, y), " ")] == '>';
    return vt_row_reverse(w->vt, y);
}

/* The row holding text is the selected one, and no other row is. */
static void expect_selected(struct walk *w, const char *text, int line)
{
    int y = -1, others = 0;

    if (!find(w, text, &y, NULL) || !selected(w, y)) {
        show(w, "the row is not shown selected", line);
        fail();
    }
    for (int r = 1; r < vt_rows(w->vt) - 2; r++)
        others += r != y && selected(w, r);
    if (others != 0) {
        show(w, "another row is shown selected too", line);
        fail();
    }
}

/*
 * Every function key the screen names as a key ("F2 Save" in the key bar,
 * "F1 shows every key" in a hint) is one this terminal has: a user of
 * TERM=ansi, which has none, must be told the key that works.
 */
static void expect_keys_named(struct walk *w, int line)
{
    for (int y = 0; y < vt_rows(w->vt); y++) {
        const char *row = row_of(w, y);

        for (const char *p = strchr(row, 'F'); p != NULL; p = strchr(p + 1, 'F')) {
            char *end;
            long f;

            if ((p != row && p[-1] != ' ') || p[1] < '1' || p[1] > '9')
                continue;
            f = strtol(p + 1, &end, 10);
            if (*end != ' ' || f > 12 || w->has_f[f])
                continue;
            fprintf(stderr, "F%ld is named, and TERM=%s has no kf%ld\n", f, w->tc->term, f);
            show(w, "a function key the terminal lacks is named", line);
            fail();
        }
    }
}

/*
 * The dialog's frame is line drawing the terminal has: on the libvterm
 * terminals the corners as box-drawing characters (from the DEC special
 * graphics or from Unicode), never TERM=ansi's CP437 bytes read as
 * Latin-1 ("\xc3\x9a\xc3\x84" for its top-left corner and line); on the
 * VT52 the frame of the ACS its description maps, or ASCII.
 */
static void expect_box(struct walk *w)
{
    int y, x;

    if (w->v52 != NULL) {
        /* vt52's acsc maps the line (q to its graphics p), not the corners
         * or the sides: those are ncurses' ASCII '+' and '|'. */
        WALK_ASSERT(w, find(w, "+p", &y, &x));
        WALK_ASSERT(w, vt52_graphics_at(w->v52, y, x + 1) && !vt52_graphics_at(w->v52, y, x));
        WALK_ASSERT(w, row_of(w, y + 1)[x] == '|');
        return;
    }
    WALK_ASSERT(w, find(w, "\xe2\x94\x8c", NULL, NULL)); /* top-left corner */
    WALK_ASSERT(w, find(w, "\xe2\x94\x98", NULL, NULL)); /* bottom-right */
    WALK_ASSERT(w, !find(w, "\xc3\x9a", NULL, NULL) && !find(w, "\xc3\x84", NULL, NULL));
}

/*
 * The form shows where its fields are: another field underlined, the one
 * being edited (Wards) in reverse video or a colour of its own.  Not on
 * the VT52, which has neither: there the cursor shows the field.
 */
static void expect_fields(struct walk *w)
{
    const char *label = "Name (English)", *row;
    int ny, py, wy, x;
    struct vt_cell other, cur;

    if (w->v52 != NULL)
        return;
    WALK_ASSERT(w, find(w, label, &ny, NULL) && find(w, "Population", &py, NULL) &&
                       find(w, "Wards", &wy, NULL));
    row = row_of(w, ny);
    x = (int)(strstr(strstr(row, label) + strlen(label), "Amtali") - row);
    other = vt_cell_at(w->vt, py, x);
    cur = vt_cell_at(w->vt, wy, x);
    WALK_ASSERT(w, other.underline && !other.reverse);
    WALK_ASSERT(w, cur.reverse || cur.bg != -1);
}

/*
 * TERM=ansi says its terminal wraps as soon as a row's last column is
 * written (am without xenl); libvterm, like xterm, PuTTY and the Windows
 * console on which "ansi" is often used, waits for the next character.
 * The program leaves that column unused there, so that nothing wraps
 * either way: on every row it is blank, in no colour and not reverse.
 */
static void expect_margin(struct walk *w, int line)
{
    int last = vt_cols(w->vt) - 1;

    if (!w->margin)
        return;
    for (int y = 0; y < vt_rows(w->vt); y++) {
        struct vt_cell c = vt_cell_at(w->vt, y, last);

        if ((c.text[0] != '\0' && strcmp(c.text, " ") != 0) || c.reverse || c.bg != -1) {
            show(w, "the last column of a terminal without xenl was written", line);
            fail();
        }
    }
}

/* Tab until the cursor is on the row of label (forward only: not every
 * terminal has a Back-Tab key). */
static void go_to_field(struct walk *w, const char *label)
{
    int fy, cy, cx;

    WALK_TEXT(w, label);
    find(w, label, &fy, NULL);
    for (int i = 0; i < 20; i++) {
        cursor_of(w, &cy, &cx);
        if (cy == fy)
            return;
        vt_send(w->vt, "\t");
        vt_settle(w->vt, 25, vt_timeout());
    }
    show(w, "the cursor never reached the field", __LINE__);
    fail();
}

/* Wait until the row of label shows value after it. */
static int wait_field(struct walk *w, const char *label, const char *value)
{
    long long end = vt_now_ns() + (long long)vt_timeout() * 1000000;
    int y;

    for (;;) {
        const char *row, *at;

        if (find(w, label, &y, NULL)) {
            row = row_of(w, y);
            at = strstr(row, label);
            if (strstr(at + strlen(label), value) != NULL)
                break;
        }
        if (vt_now_ns() > end || vt_pump(w->vt, 50) < 0)
            return 0;
    }
    vt_settle(w->vt, 25, vt_timeout());
    return 1;
}

/* Wait until text is gone from the screen. */
static int wait_gone(struct walk *w, const char *text)
{
    long long end = vt_now_ns() + (long long)vt_timeout() * 1000000;

    while (find(w, text, NULL, NULL)) {
        if (vt_now_ns() > end || vt_pump(w->vt, 50) < 0)
            return !find(w, text, NULL, NULL);
    }
    vt_settle(w->vt, 25, vt_timeout());
    return 1;
}

/*
 * Empty the Wards field (Ctrl-A, Ctrl-K: no Home or End key needed) and
 * type value, with an escape sequence no terminal names in the middle of
 * it: it must do nothing -- above all not act as a lone Esc, which would
 * ask to throw the changes away and take the rest of the typing.
 */
static void replace_wards(struct walk *w, const char *value)
{
    vt_send(w->vt, "\x01\x0b");
    vt_send_len(w->vt, value, 1);
    vt_send(w->vt, "\x1b[99~");
    if (w->tc->vt52)
        vt_send(w->vt, "\x1b?z"); /* as a VT52 keypad would, unnamed */
    vt_send(w->vt, value + 1);
    WALK_ASSERT(w, wait_field(w, "Wards", value));
    WALK_ASSERT(w, !find(w, "Throw away", NULL, NULL));
}

static long long wards(void)
{
    return tu_sql_int(tu_test_db(), "SELECT wards FROM municipality WHERE name_en = 'Amtali'");
}

/* --- what went on the line ------------------------------------------------ */

/* Is SGR parameter p a colour (a set colour or its reset), and one beyond
 * the eight of setaf/setab? */
static int colour_param(long p)
{
    return (p >= 30 && p <= 49) || (p >= 90 && p <= 107);
}

static int beyond_eight(long p)
{
    return p == 38 || p == 48 || (p >= 90 && p <= 107);
}

/* Every SGR (ESC [ ... m) sent: the first colour the terminal cannot show,
 * or 0 for none. */
static long bad_sgr(const unsigned char *b, size_t len, int colours)
{
    for (size_t i = 0; i + 1 < len; i++) {
        size_t j = i + 2;
        long p = 0;

        if (b[i] != 27 || b[i + 1] != '[')
            continue;
        while (j < len && b[j] >= 0x30 && b[j] <= 0x3f)
            j++;
        if (j >= len || b[j] != 'm')
            continue;
        for (size_t k = i + 2; k <= j; k++) {
            if (b[k] >= '0' && b[k] <= '9') {
                p = p * 10 + (b[k] - '0');
                continue;
            }
            if ((colours == 0 && colour_param(p)) || (colours == 8 && beyond_eight(p)))
                return p;
            p = 0;
        }
    }
    return 0;
}

/* Offset of the first byte that is not valid UTF-8, or -1. */
static long bad_utf8(const unsigned char *b, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t n = b[i] < 0x80                   ? 1
                   : b[i] >= 0xc2 && b[i] < 0xe0 ? 2
                   : b[i] >= 0xe0 && b[i] < 0xf0 ? 3
                   : b[i] >= 0xf0 && b[i] < 0xf5 ? 4
                                                 : 0;

        if (n == 0 || i + n > len)
            return (long)i;
        for (size_t k = 1; k < n; k++) {
            if ((b[i + k] & 0xc0) != 0x80)
                return (long)i;
        }
        i += n;
    }
    return -1;
}

static void check_line(struct walk *w)
{
    char what[64];
    size_t len;
    const unsigned char *raw = vt_raw(w->vt, &len);

    WALK_ASSERT(w, len > 0);
    if (w->tc->vt52) {
        sync52(w);
        if (vt52_unknown(w->v52) != 0)
            fprintf(stderr, "first unknown to a VT52: %s\n", vt52_first_unknown(w->v52));
        WALK_ASSERT(w, vt52_csi(w->v52) == 0);
        WALK_ASSERT(w, vt52_unknown(w->v52) == 0);
        WALK_ASSERT(w, vt52_eight_bit(w->v52) == 0);
        return;
    }
    if (bad_sgr(raw, len, w->tc->colours) != 0)
        fprintf(stderr, "SGR colour %ld sent\n", bad_sgr(raw, len, w->tc->colours));
    WALK_ASSERT(w, bad_sgr(raw, len, w->tc->colours) == 0);
    allowed_sequences(w, w->tc->term);
    if (foreign_sequence(w, raw, len, what, sizeof what))
        fprintf(stderr, "sent, and not in the terminal's description: %s\n", what);
    WALK_ASSERT(w, !foreign_sequence(w, raw, len, what, sizeof what));
    if (bad_utf8(raw, len) >= 0)
        fprintf(stderr, "invalid UTF-8 at byte %ld of %zu\n", bad_utf8(raw, len), len);
    WALK_ASSERT(w, bad_utf8(raw, len) < 0);
}

/* --- the walk ---------------------------------------------------------------- */

/*
 * On TERM=linux, ncurses' mousemask() dlopen()s libgpm, whose Gpm_Open()
 * keeps 10 bytes for good and which is unloaded again: LeakSanitizer then
 * reports frames without a name unless malloc stacks are unwound fully,
 * and tests/lsan.supp can name mousemask.  Not mabdesk's memory.
 */
static void gpm_env(const char **env, char *asan, char *lsan, size_t size)
{
    const char *top = getenv("MABDESK_TOP");

    snprintf(asan, size, "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0");
    snprintf(lsan, size, "LSAN_OPTIONS=suppressions=%s/tests/lsan.supp:print_suppressions=0",
             top != NULL ? top : ".");
    env[0] = asan;
    env[1] = lsan;
}

static void start(struct walk *w, const struct term_case *tc)
{
    char term[64], asan[256], lsan[512];
    const char *env[6] = {term, tc->more};
    const char *argv[] = {tu_bin(), "--db", tu_test_db(), NULL};
    int n = tc->more != NULL ? 2 : 1;

    memset(w, 0, sizeof *w);
    w->tc = tc;
    if (tc->gpm) {
        gpm_env(env + n, asan, lsan, sizeof asan);
        n += 2;
    }
    for (int f = 1; f <= 12; f++) {
        char cap[16], value[32];

        snprintf(cap, sizeof cap, "kf%d", f);
        terminfo_str(tc->term, cap, value, sizeof value);
        w->has_f[f] = value[0] != '\0';
    }
    w->margin = terminfo_flag(tc->term, "am") && !terminfo_flag(tc->term, "xenl");
    terminfo_str(tc->term, "kf2", w->kf2, sizeof w->kf2);
    terminfo_str(tc->term, "kf10", w->kf10, sizeof w->kf10);
    snprintf(term, sizeof term, "TERM=%s", tc->term);
    tu_create_db(tu_test_db());
    w->vt = vt_spawn(argv, 24, 80, env);
    vt_raw_keep(w->vt);
    if (tc->vt52)
        w->v52 = vt52_new(24, 80);
}

/* The key bar names the key this terminal has for saving. */
static void expect_save_key(struct walk *w)
{
    const char *want = w->kf2[0] != '\0' ? "F2 Save" : "^S Save";

    WALK_TEXT(w, "Save");
    if (strstr(row_of(w, 23), want) == NULL) {
        show(w, want, __LINE__);
        fail();
    }
}

/* Home, then the directory searched for Amtali, its row selected. */
static void walk_to_amtali(struct walk *w)
{
    WALK_TEXT(w, "Municipal Association of Bangladesh");
    WALK_TEXT(w, "Every city corporation and paurashava");
    expect_selected(w, "Every city corporation and paurashava", __LINE__);
    expect_keys_named(w, __LINE__);
    expect_margin(w, __LINE__);
    vt_send(w->vt, "\r");
    WALK_TEXT(w, TU_SEED_TOTAL " of " TU_SEED_TOTAL);
    vt_send(w->vt, "/Amtali");
    WALK_TEXT(w, "1 of " TU_SEED_TOTAL);
    vt_send(w->vt, "\t"); /* out of the search line, to the list */
    WALK_TEXT(w, "Edit");
    expect_selected(w, "Barguna", __LINE__); /* Amtali's row */
    expect_keys_named(w, __LINE__);
    expect_margin(w, __LINE__);
}

/* In the edit form: set the wards, Esc asks (answered no: the form and
 * what was typed stay), then save with keys; the database has it. */
static void change_and_save(struct walk *w, const char *value, const char *keys)
{
    go_to_field(w, "Wards");
    replace_wards(w, value);
    expect_fields(w);
    vt_send(w->vt, "\x1b");
    WALK_TEXT(w, "Throw away");
    expect_box(w);
    vt_send(w->vt, "n");
    WALK_ASSERT(w, wait_gone(w, "Throw away"));
    WALK_ASSERT(w, wait_field(w, "Wards", value)); /* the typing kept */
    vt_send(w->vt, keys);
    WALK_TEXT(w, "Saved Amtali.");
    WALK_ASSERT(w, wards() == atoll(value));
}

/* The walk of the running test: the teardown frees it, also after a
 * failure half-way. */
static struct walk the_walk;

static int walk_teardown(void **state)
{
    vt52_free(the_walk.v52);
    memset(&the_walk, 0, sizeof the_walk);
    return tu_screen_teardown(state);
}

static void test_walk(void **state)
{
    const struct term_case *tc = *state;
    struct walk *w = &the_walk;

    start(w, tc);
    walk_to_amtali(w);
    vt_send(w->vt, "\r"); /* the detail */
    WALK_TEXT(w, "Name (English)");
    WALK_TEXT(w, "Amtali");
    expect_keys_named(w, __LINE__);
    expect_margin(w, __LINE__);
    vt_send(w->vt, "e");
    WALK_TEXT(w, "Editing Amtali.");
    expect_save_key(w);
    expect_keys_named(w, __LINE__);
    expect_margin(w, __LINE__);
    change_and_save(w, "17", w->kf2[0] != '\0' ? w->kf2 : "\x13");
    vt_send(w->vt, "e");
    WALK_TEXT(w, "Editing Amtali.");
    change_and_save(w, "18",
                    "\x1b"
                    "2");
    /* F10 as the terminal sends it; where it has none, Esc 0 (as mc). */
    vt_send(w->vt, w->kf10[0] != '\0' ? w->kf10
                                      : "\x1b"
                                        "0");
    if (!vt_check_exit(w->vt, 0, vt_timeout(), __FILE__, __LINE__)) {
        show(w, "did not quit", __LINE__);
        fail();
    }
    check_line(w);
    vt_close(w->vt);
}

int main(void)
{
    struct CMUnitTest tests[nitems(cases)];

    for (size_t i = 0; i < nitems(cases); i++) {
        tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate_setup_teardown(
            test_walk, tu_screen_setup, walk_teardown, (void *)(uintptr_t)&cases[i]);
        tests[i].name = cases[i].name != NULL ? cases[i].name : cases[i].term;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
