/*
 * vt.h: run a real program in a pseudo-terminal and read its screen.
 *
 * The program runs on the slave side of a pty (forkpty) of a given size;
 * everything it writes is fed into libvterm, which keeps the screen as an
 * xterm would.  Tests send keys, poll the screen for text with a timeout
 * (never a fixed sleep), look at cell attributes, resize, and read the exit
 * status.  Terminal queries the program sends (device attributes, cursor
 * position) are answered by libvterm through the pty.
 *
 * This file must never depend on cmocka (bench/ links it too) and never
 * decide a test's outcome itself: it reports, the VT_EXPECT_* macros below
 * fail the calling test with the screen printed.
 */
#ifndef MABDESK_VT_H
#define MABDESK_VT_H

#include <stddef.h>

struct vt;

/* Named keys: sent as libvterm encodes them (xterm; application cursor keys
 * when the program asked for them). */
enum vt_key {
    VT_KEY_ENTER = 1,
    VT_KEY_TAB,
    VT_KEY_BACKTAB, /* Shift-Tab */
    VT_KEY_BACKSPACE,
    VT_KEY_ESC,
    VT_KEY_UP,
    VT_KEY_DOWN,
    VT_KEY_LEFT,
    VT_KEY_RIGHT,
    VT_KEY_INS,
    VT_KEY_DEL,
    VT_KEY_HOME,
    VT_KEY_END,
    VT_KEY_PGUP,
    VT_KEY_PGDN,
    VT_KEY_F1 = 101, /* VT_KEY_F1 + n - 1 is Fn, up to F12 */
    VT_KEY_F2,
    VT_KEY_F3,
    VT_KEY_F4,
    VT_KEY_F5,
    VT_KEY_F6,
    VT_KEY_F7,
    VT_KEY_F8,
    VT_KEY_F9,
    VT_KEY_F10,
    VT_KEY_F11,
    VT_KEY_F12
};

/* What one cell looks like. */
struct vt_cell {
    char text[32]; /* UTF-8; "" for the right half of a wide character */
    int width;     /* 1 or 2 */
    int bold, underline, italic, blink, reverse;
    int fg, bg; /* palette index 0..255, -1 for the default colour, else
                   0x1000000 | 0xRRGGBB */
};

/* The factor for every time limit of the test library: $MABDESK_TEST_SLOW
 * (1 to 1000), else 1.  Under valgrind (make valgrind) programs run some
 * 20 to 50 times slower; the limits grow with it, not each test's own. */
int vt_slow(void);
/* Default timeout for the waits, in milliseconds: $MABDESK_VT_TIMEOUT_MS,
 * else 10000 (sanitizer builds start slowly) times vt_slow(). */
int vt_timeout(void);

/*
 * Start argv[0] (a path) with argv in a rows x cols pty.  The environment is
 * built afresh: PATH, HOME, TMPDIR, USER, LOGNAME, the sanitizer options and
 * every MABDESK_* variable of ours are passed through; TERM=xterm-256color
 * and LANG=C.UTF-8 are set; LINES, COLUMNS, LC_ALL, LANGUAGE are not.  Each
 * "NAME=value" in env (NULL-terminated, may be NULL) then sets a variable
 * and a bare "NAME" removes one.  Never NULL: a failure to start is fatal.
 */
struct vt *vt_spawn(const char *const argv[], int rows, int cols, const char *const env[]);
/* The same with the arguments listed: vt_spawnl(24, 80, env, path, arg1,
 * ..., NULL) runs path with argv[0] = path. */
struct vt *vt_spawnl(int rows, int cols, const char *const env[], const char *path, ...)
#if defined(__GNUC__)
    __attribute__((sentinel))
#endif
    ;
/* Kill the program if it still runs (SIGTERM, then SIGKILL), reap it and
 * free everything. */
void vt_close(struct vt *);
/* vt_close() every vt still open: for a test's teardown, so a test that
 * failed half-way leaves no program running. */
void vt_close_all(void);

/* Send bytes as typed (UTF-8 text, control characters such as "\x03"). */
void vt_send(struct vt *, const char *bytes);
void vt_send_len(struct vt *, const char *bytes, size_t len);
/* Send one named key. */
void vt_key(struct vt *, enum vt_key);
/* Send a key n times. */
void vt_keys(struct vt *, enum vt_key, int n);

/*
 * Read what the program wrote for up to timeout_ms (returns as soon as
 * something arrived).  Returns the bytes read, 0 on timeout, -1 once the
 * program has closed the terminal.
 */
long vt_pump(struct vt *, int timeout_ms);
/* Wait until text (UTF-8, on one row) is on the screen.  1 if it is. */
int vt_wait_text(struct vt *, const char *text, int timeout_ms);
/* Wait until row y holds text.  1 if it does. */
int vt_wait_row(struct vt *, int y, const char *text, int timeout_ms);
/* Wait until text is no longer anywhere on the screen.  1 if so. */
int vt_wait_gone(struct vt *, const char *text, int timeout_ms);
/* Wait until row y is in reverse video (vt_row_reverse()).  1 if it is. */
int vt_wait_reverse(struct vt *, int y, int timeout_ms);
/* Wait until the cursor is no longer at (y, x).  1 if it moved. */
int vt_wait_cursor_moved(struct vt *, int y, int x, int timeout_ms);
/* Wait until the program has written nothing for quiet_ms, counted from
 * the call or from its last output, whichever is later (so a key sent just
 * before has its chance to answer; prefer waiting for what the key should
 * show).  1 if it fell quiet within timeout_ms. */
int vt_settle(struct vt *, int quiet_ms, int timeout_ms);
/* Wait for the program to end; its exit status, 128 + signal when killed
 * by one, or -1 on timeout. */
int vt_wait_exit(struct vt *, int timeout_ms);
/* 1 while the program runs. */
int vt_alive(struct vt *);

/* Rows and columns of the screen. */
int vt_rows(const struct vt *);
int vt_cols(const struct vt *);
/* Row y as UTF-8, trailing blanks removed.  Valid until the screen next
 * changes (the next read from the program, or a resize). */
const char *vt_row(struct vt *, int y);
/* The whole screen, rows separated by '\n'.  Valid until the next call. */
const char *vt_screen(struct vt *);
/* 1 if text is on the screen; *y and *x (may be NULL) get the row and the
 * column of its first cell. */
int vt_find(struct vt *, const char *text, int *y, int *x);
/* Count of rows on which text appears. */
int vt_count_rows(struct vt *, const char *text);
/* The cell at row y, column x. */
struct vt_cell vt_cell_at(struct vt *, int y, int x);
/* 1 if every non-blank cell of row y is in reverse video (and there is at
 * least one), else 0. */
int vt_row_reverse(struct vt *, int y);
/* 1 if all cells of the first occurrence of text are reverse, 0 if not,
 * -1 if text is not on the screen. */
int vt_text_reverse(struct vt *, const char *text);
/* Cursor position. */
void vt_cursor(struct vt *, int *y, int *x);
/* The last window title the program set (OSC 0/2), or NULL if none. */
const char *vt_title(const struct vt *);
/* How many times the whole screen was erased (ED 2 / clear) since start. */
long vt_clears(const struct vt *);
/* A printable picture of the screen: numbered rows in a frame, reverse
 * video rows marked, cursor position.  Malloc'd. */
char *vt_screen_dump(struct vt *);
/* Write vt_screen_dump() to stderr with a heading. */
void vt_print_screen(struct vt *, const char *heading);

/* Resize the terminal: TIOCSWINSZ on the pty (the program gets SIGWINCH)
 * and the emulated screen. */
void vt_resize(struct vt *, int rows, int cols);

/* Bytes the program wrote to the terminal since start or the last reset,
 * and bytes sent to it (keys and answers). */
unsigned long long vt_bytes_out(const struct vt *);
unsigned long long vt_bytes_in(const struct vt *);
void vt_reset_bytes(struct vt *);
/* Keep every byte the program writes from now on (also emptied by
 * vt_reset_bytes()), for tests of what goes on the line; vt_raw() gives
 * them (not NUL-terminated). */
void vt_raw_keep(struct vt *);
const unsigned char *vt_raw(const struct vt *, size_t *len);
/* Read the program's output as UTF-8 (the default) or, off, as 8-bit
 * characters (ISO-8859-1).  Call before the first wait. */
void vt_set_utf8(struct vt *, int on);
/* Monotonic time (ns) at which the program last wrote something, and now. */
long long vt_last_output_ns(const struct vt *);
long long vt_now_ns(void);
/* Child's process id. */
int vt_pid(const struct vt *);

/*
 * Reporting variants for tests: on failure they print "file:line: what
 * failed" and the screen to stderr and return 0.  Use through the macros
 * below from a cmocka test, which then fail the test.  On success they
 * also wait for the program to fall quiet (25 ms), so the redraw that
 * showed the text is complete before the test looks further.
 */
int vt_check_text(struct vt *, const char *text, int timeout_ms, const char *file, int line);
int vt_check_row(struct vt *, int y, const char *text, int timeout_ms, const char *file, int line);
int vt_check_reverse(struct vt *, int y, int timeout_ms, const char *file, int line);
int vt_check_gone(struct vt *, const char *text, int timeout_ms, const char *file, int line);
int vt_check_absent(struct vt *, const char *text, const char *file, int line);
int vt_check_exit(struct vt *, int expected, int timeout_ms, const char *file, int line);

#define VT_EXPECT_TEXT(vt, text)                                                                   \
    do {                                                                                           \
        if (!vt_check_text((vt), (text), vt_timeout(), __FILE__, __LINE__))                        \
            fail();                                                                                \
    } while (0)
#define VT_EXPECT_ROW(vt, y, text)                                                                 \
    do {                                                                                           \
        if (!vt_check_row((vt), (y), (text), vt_timeout(), __FILE__, __LINE__))                    \
            fail();                                                                                \
    } while (0)
/* Row y becomes the selected (reverse video) row. */
#define VT_EXPECT_REVERSE(vt, y)                                                                   \
    do {                                                                                           \
        if (!vt_check_reverse((vt), (y), vt_timeout(), __FILE__, __LINE__))                        \
            fail();                                                                                \
    } while (0)
#define VT_EXPECT_GONE(vt, text)                                                                   \
    do {                                                                                           \
        if (!vt_check_gone((vt), (text), vt_timeout(), __FILE__, __LINE__))                        \
            fail();                                                                                \
    } while (0)
/* Not on the screen now (no waiting: use after a VT_EXPECT_TEXT that proves
 * the screen was redrawn). */
#define VT_EXPECT_ABSENT(vt, text)                                                                 \
    do {                                                                                           \
        if (!vt_check_absent((vt), (text), __FILE__, __LINE__))                                    \
            fail();                                                                                \
    } while (0)
#define VT_EXPECT_EXIT(vt, status)                                                                 \
    do {                                                                                           \
        if (!vt_check_exit((vt), (status), vt_timeout(), __FILE__, __LINE__))                      \
            fail();                                                                                \
    } while (0)
/* Any condition, with the screen printed when it does not hold. */
#define VT_ASSERT(vt, cond)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond);           \
            vt_print_screen((vt), "screen");                                                       \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#endif
