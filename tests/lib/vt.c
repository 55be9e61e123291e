/*
 * vt.c: a program in a pseudo-terminal, its screen kept by libvterm.
 *
 * The parent reads the pty master with poll() and feeds every byte to
 * libvterm; what libvterm wants to send back (key encodings, answers to
 * terminal queries) goes to the master.  Waits poll the screen until the
 * condition holds or the timeout passes; nothing here sleeps a fixed time.
 *
 * Must never: use cmocka (bench/ links this file), leave a child running
 * after vt_close(), or pass the developer's environment through unfiltered.
 */
#include "vt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <vterm.h>

#include "util.h"

extern char **environ;

#define VT_MAX_ROWS 200

struct vt {
    VTerm *term;
    VTermScreen *screen;
    int fd; /* pty master */
    pid_t pid;
    int rows, cols;
    int eof;      /* the program closed the terminal */
    int reaped;   /* waitpid() done */
    int status;   /* raw wait status once reaped */
    char *title;  /* last OSC 0/2 title */
    long clears;  /* ESC [ 2 J seen */
    char tail[4]; /* last bytes of the previous read, for split sequences */
    size_t ntail;
    unsigned long long bytes_out, bytes_in;
    struct buf raw; /* everything the program wrote, when vt_raw_keep() asked */
    int keep_raw;
    long long last_output_ns;
    unsigned long gen; /* changes whenever the screen may have changed */
    char *rowbuf[VT_MAX_ROWS];
    unsigned long rowgen[VT_MAX_ROWS]; /* gen the row was built at */
    char *screenbuf;
    struct vt *next; /* every open vt, for vt_close_all() */
};

static struct vt *open_vts;

long long vt_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int vt_slow(void)
{
    const char *s = getenv("MABDESK_TEST_SLOW");
    long v;

    if (s == NULL || *s == '\0')
        return 1;
    v = strtol(s, NULL, 10);
    return v >= 1 && v <= 1000 ? (int)v : 1;
}

int vt_timeout(void)
{
    const char *s = getenv("MABDESK_VT_TIMEOUT_MS");
    long v;

    if (s != NULL && *s != '\0') {
        v = strtol(s, NULL, 10);
        if (v > 0 && v < 3600000)
            return (int)v;
    }
    return 10000 * vt_slow();
}

/* --- writing to the program ------------------------------------------------ */

static void write_all(struct vt *vt, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = write(vt->fd, s, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd p = {.fd = vt->fd, .events = POLLOUT};

                poll(&p, 1, 100);
                continue;
            }
            return; /* the program is gone: nothing to deliver to */
        }
        vt->bytes_in += (unsigned long long)n;
        s += n;
        len -= (size_t)n;
    }
}

/* libvterm's output: encoded keys and answers to queries. */
static void on_output(const char *s, size_t len, void *user)
{
    write_all(user, s, len);
}

static int on_settermprop(VTermProp prop, VTermValue *val, void *user)
{
    struct vt *vt = user;

    if (prop == VTERM_PROP_TITLE && val->string != NULL)
        str_set(&vt->title, val->string);
    return 1;
}

static const VTermScreenCallbacks screen_cbs = {
    .settermprop = on_settermprop,
};

void vt_send_len(struct vt *vt, const char *bytes, size_t len)
{
    write_all(vt, bytes, len);
}

void vt_send(struct vt *vt, const char *bytes)
{
    vt_send_len(vt, bytes, strlen(bytes));
}

void vt_key(struct vt *vt, enum vt_key k)
{
    VTermKey vk = VTERM_KEY_NONE;
    VTermModifier mod = VTERM_MOD_NONE;

    switch (k) {
    case VT_KEY_ENTER:
        vk = VTERM_KEY_ENTER;
        break;
    case VT_KEY_TAB:
        vk = VTERM_KEY_TAB;
        break;
    case VT_KEY_BACKTAB:
        vk = VTERM_KEY_TAB;
        mod = VTERM_MOD_SHIFT;
        break;
    case VT_KEY_BACKSPACE:
        vk = VTERM_KEY_BACKSPACE;
        break;
    case VT_KEY_ESC:
        vk = VTERM_KEY_ESCAPE;
        break;
    case VT_KEY_UP:
        vk = VTERM_KEY_UP;
        break;
    case VT_KEY_DOWN:
        vk = VTERM_KEY_DOWN;
        break;
    case VT_KEY_LEFT:
        vk = VTERM_KEY_LEFT;
        break;
    case VT_KEY_RIGHT:
        vk = VTERM_KEY_RIGHT;
        break;
    case VT_KEY_INS:
        vk = VTERM_KEY_INS;
        break;
    case VT_KEY_DEL:
        vk = VTERM_KEY_DEL;
        break;
    case VT_KEY_HOME:
        vk = VTERM_KEY_HOME;
        break;
    case VT_KEY_END:
        vk = VTERM_KEY_END;
        break;
    case VT_KEY_PGUP:
        vk = VTERM_KEY_PAGEUP;
        break;
    case VT_KEY_PGDN:
        vk = VTERM_KEY_PAGEDOWN;
        break;
    default:
        if (k >= VT_KEY_F1 && k <= VT_KEY_F12)
            vk = VTERM_KEY_FUNCTION(1 + (int)(k - VT_KEY_F1));
        break;
    }
    if (vk == VTERM_KEY_NONE)
        fatal("vt_key: unknown key %d", (int)k);
    vterm_keyboard_key(vt->term, vk, mod);
}

void vt_keys(struct vt *vt, enum vt_key k, int n)
{
    for (int i = 0; i < n; i++)
        vt_key(vt, k);
}

/* --- starting and stopping ------------------------------------------------- */

static int env_name_is(const char *entry, const char *name)
{
    size_t n = strlen(name);

    return strncmp(entry, name, n) == 0 && (entry[n] == '=' || entry[n] == '\0');
}

static int env_find(char **env, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (env_name_is(env[i], name))
            return i;
    return -1;
}

/* Set (NAME=value) or remove (NAME) one variable of env[0..*n). */
static void env_apply(char **env, int *n, const char *entry)
{
    const char *eq = strchr(entry, '=');
    char *name = eq != NULL ? xstrndup(entry, (size_t)(eq - entry)) : xstrdup(entry);
    int i = env_find(env, *n, name);

    if (eq == NULL) {
        if (i >= 0) {
            free(env[i]);
            env[i] = env[--*n];
            env[*n] = NULL;
        }
    } else if (i >= 0) {
        free(env[i]);
        env[i] = xstrdup(entry);
    } else {
        env[(*n)++] = xstrdup(entry);
        env[*n] = NULL;
    }
    free(name);
}

static char **build_env(const char *const extra[], int *count)
{
    static const char *const keep[] = {
        "PATH",         "HOME",          "TMPDIR",       "USER",         "LOGNAME",
        "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "MSAN_OPTIONS", "TZ",
    };
    int cap = 64, n = 0;
    char **env;

    for (int i = 0; extra != NULL && extra[i] != NULL; i++)
        cap++;
    for (char **e = environ; *e != NULL; e++)
        cap++;
    env = xcalloc((size_t)cap + 1, sizeof *env);
    for (char **e = environ; *e != NULL; e++) {
        int pass = strncmp(*e, "MABDESK_", 8) == 0;

        for (size_t k = 0; !pass && k < nitems(keep); k++)
            pass = env_name_is(*e, keep[k]);
        if (pass && strchr(*e, '=') != NULL)
            env[n++] = xstrdup(*e);
    }
    env_apply(env, &n, "TERM=xterm-256color");
    env_apply(env, &n, "LANG=C.UTF-8");
    for (int i = 0; extra != NULL && extra[i] != NULL; i++)
        env_apply(env, &n, extra[i]);
    *count = n;
    return env;
}

struct vt *vt_spawn(const char *const argv[], int rows, int cols, const char *const env[])
{
    struct vt *vt = xcalloc(1, sizeof *vt);
    struct winsize ws;
    char **envp;
    int nenv, flags;

    if (rows < 1 || rows > VT_MAX_ROWS || cols < 1 || cols > 1000)
        fatal("vt_spawn: bad size %dx%d", cols, rows);
    vt->rows = rows;
    vt->cols = cols;
    vt->term = vterm_new(rows, cols);
    vterm_set_utf8(vt->term, 1);
    vterm_output_set_callback(vt->term, on_output, vt);
    vt->screen = vterm_obtain_screen(vt->term);
    vterm_screen_set_callbacks(vt->screen, &screen_cbs, vt);
    vterm_screen_enable_altscreen(vt->screen, 1);
    vterm_screen_reset(vt->screen, 1);

    envp = build_env(env, &nenv);
    memset(&ws, 0, sizeof ws);
    ws.ws_row = (unsigned short)rows;
    ws.ws_col = (unsigned short)cols;
    fflush(stdout);
    fflush(stderr);
    vt->pid = forkpty(&vt->fd, NULL, NULL, &ws);
    if (vt->pid < 0)
        fatal("forkpty: %s", strerror(errno));
    if (vt->pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        signal(SIGTSTP, SIG_DFL);
        execve(argv[0], (char *const *)argv, envp);
        dprintf(2, "vt_spawn: cannot run %s: %s\r\n", argv[0], strerror(errno));
        _exit(127);
    }
    for (int i = 0; i < nenv; i++)
        free(envp[i]);
    free(envp);
    flags = fcntl(vt->fd, F_GETFL);
    fcntl(vt->fd, F_SETFL, flags | O_NONBLOCK);
    fcntl(vt->fd, F_SETFD, FD_CLOEXEC);
    vt->last_output_ns = vt_now_ns();
    vt->next = open_vts;
    open_vts = vt;
    return vt;
}

struct vt *vt_spawnl(int rows, int cols, const char *const env[], const char *path, ...)
{
    const char *argv[64];
    int n = 0;
    va_list ap;
    struct vt *vt;

    argv[n++] = path;
    va_start(ap, path);
    for (const char *a = va_arg(ap, const char *); a != NULL; a = va_arg(ap, const char *)) {
        if (n + 1 >= (int)nitems(argv))
            fatal("vt_spawnl: too many arguments");
        argv[n++] = a;
    }
    va_end(ap);
    argv[n] = NULL;
    vt = vt_spawn(argv, rows, cols, env);
    return vt;
}

static void reap(struct vt *vt, int block)
{
    pid_t r;

    if (vt->reaped)
        return;
    do
        r = waitpid(vt->pid, &vt->status, block ? 0 : WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == vt->pid || (r < 0 && errno == ECHILD))
        vt->reaped = 1;
}

int vt_alive(struct vt *vt)
{
    reap(vt, 0);
    return !vt->reaped;
}

void vt_close(struct vt *vt)
{
    if (vt == NULL)
        return;
    for (struct vt **p = &open_vts; *p != NULL; p = &(*p)->next)
        if (*p == vt) {
            *p = vt->next;
            break;
        }
    if (vt_alive(vt)) {
        long long until;

        /* The child leads its own session and process group (forkpty), and
         * the group cannot be reused while the child is unreaped: signal the
         * group so anything it started goes too. */
        kill(-vt->pid, SIGTERM);
        kill(vt->pid, SIGTERM); /* in case it has not made its group yet */
        until = vt_now_ns() + 2000LL * vt_slow() * 1000000;
        while (vt_alive(vt) && vt_now_ns() < until)
            if (vt_pump(vt, 20) < 0) {
                /* Terminal closed: the exit is imminent. */
                struct timespec ts = {0, 5 * 1000000};

                nanosleep(&ts, NULL);
            }
        if (vt_alive(vt)) {
            kill(-vt->pid, SIGKILL);
            kill(vt->pid, SIGKILL);
            reap(vt, 1);
        }
    }
    close(vt->fd);
    vterm_free(vt->term);
    for (int i = 0; i < VT_MAX_ROWS; i++)
        free(vt->rowbuf[i]);
    free(vt->screenbuf);
    free(vt->raw.data);
    free(vt->title);
    free(vt);
}

void vt_close_all(void)
{
    while (open_vts != NULL)
        vt_close(open_vts);
}

/* --- reading --------------------------------------------------------------- */

/* Count "ESC [ 2 J" in the stream, including one split across reads. */
static void scan_clears(struct vt *vt, const char *s, size_t n)
{
    static const char seq[] = "\033[2J";
    char joined[4 + 4096];
    size_t off = 0;

    while (off < n) {
        size_t chunk = n - off > 4096 ? 4096 : n - off, len;

        memcpy(joined, vt->tail, vt->ntail);
        memcpy(joined + vt->ntail, s + off, chunk);
        len = vt->ntail + chunk;
        for (size_t i = 0; i + 4 <= len; i++)
            if (memcmp(joined + i, seq, 4) == 0)
                vt->clears++;
        vt->ntail = len < 3 ? len : 3;
        memcpy(vt->tail, joined + len - vt->ntail, vt->ntail);
        off += chunk;
    }
}

long vt_pump(struct vt *vt, int timeout_ms)
{
    struct pollfd p = {.fd = vt->fd, .events = POLLIN};
    char chunk[65536];
    long total = 0;
    int r;

    if (vt->eof)
        return -1;
    do
        r = poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r <= 0)
        return 0;
    for (;;) {
        ssize_t n = read(vt->fd, chunk, sizeof chunk);

        if (n > 0) {
            vt->bytes_out += (unsigned long long)n;
            if (vt->keep_raw)
                buf_add(&vt->raw, chunk, (size_t)n);
            vt->last_output_ns = vt_now_ns();
            scan_clears(vt, chunk, (size_t)n);
            vterm_input_write(vt->term, chunk, (size_t)n);
            vt->gen++;
            total += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        /* EIO or 0: the slave side is closed. */
        vt->eof = 1;
        break;
    }
    if (total == 0 && vt->eof)
        return -1;
    return total;
}

/* Milliseconds left until deadline (ns), at least 0. */
static int ms_left(long long deadline)
{
    long long left = deadline - vt_now_ns();

    return left <= 0 ? 0 : (int)((left + 999999) / 1000000);
}

/* Poll until cond(vt, arg) holds or the timeout passes. */
static int wait_for(struct vt *vt, int (*cond)(struct vt *, const char *), const char *arg,
                    int timeout_ms)
{
    long long deadline = vt_now_ns() + (long long)timeout_ms * 1000000;

    for (;;) {
        long r;

        if (cond(vt, arg))
            return 1;
        if (ms_left(deadline) == 0)
            return 0;
        r = vt_pump(vt, ms_left(deadline));
        if (r < 0) {
            /* Nothing more will come; one last look. */
            return cond(vt, arg);
        }
    }
}

static int has_text(struct vt *vt, const char *text)
{
    return vt_find(vt, text, NULL, NULL);
}

static int lacks_text(struct vt *vt, const char *text)
{
    return !vt_find(vt, text, NULL, NULL);
}

int vt_wait_text(struct vt *vt, const char *text, int timeout_ms)
{
    return wait_for(vt, has_text, text, timeout_ms);
}

int vt_wait_row(struct vt *vt, int y, const char *text, int timeout_ms)
{
    long long deadline = vt_now_ns() + (long long)timeout_ms * 1000000;

    for (;;) {
        if (y >= 0 && y < vt->rows && strstr(vt_row(vt, y), text) != NULL)
            return 1;
        if (ms_left(deadline) == 0 || vt_pump(vt, ms_left(deadline)) < 0)
            return y >= 0 && y < vt->rows && strstr(vt_row(vt, y), text) != NULL;
    }
}

int vt_wait_reverse(struct vt *vt, int y, int timeout_ms)
{
    long long deadline = vt_now_ns() + (long long)timeout_ms * 1000000;

    for (;;) {
        if (vt_row_reverse(vt, y))
            return 1;
        if (ms_left(deadline) == 0 || vt_pump(vt, ms_left(deadline)) < 0)
            return vt_row_reverse(vt, y);
    }
}

int vt_wait_cursor_moved(struct vt *vt, int y, int x, int timeout_ms)
{
    long long deadline = vt_now_ns() + (long long)timeout_ms * 1000000;

    for (;;) {
        int cy, cx;

        vt_cursor(vt, &cy, &cx);
        if (cy != y || cx != x)
            return 1;
        if (ms_left(deadline) == 0 || vt_pump(vt, ms_left(deadline)) < 0) {
            vt_cursor(vt, &cy, &cx);
            return cy != y || cx != x;
        }
    }
}

int vt_wait_gone(struct vt *vt, const char *text, int timeout_ms)
{
    return wait_for(vt, lacks_text, text, timeout_ms);
}

int vt_settle(struct vt *vt, int quiet_ms, int timeout_ms)
{
    long long start = vt_now_ns(), deadline = start + (long long)timeout_ms * 1000000;

    for (;;) {
        /* Quiet counts from the later of the call and the last output: a
         * key sent just before must get its chance to answer. */
        long long from = vt->last_output_ns > start ? vt->last_output_ns : start;
        long long quiet_until = from + (long long)quiet_ms * 1000000;
        long long now = vt_now_ns();
        int wait_ms;

        if (now >= quiet_until)
            return 1;
        if (now >= deadline)
            return 0;
        wait_ms = ms_left(quiet_until < deadline ? quiet_until : deadline);
        if (vt_pump(vt, wait_ms > 0 ? wait_ms : 1) < 0)
            return 1;
    }
}

int vt_wait_exit(struct vt *vt, int timeout_ms)
{
    long long deadline = vt_now_ns() + (long long)timeout_ms * 1000000;

    for (;;) {
        if (!vt_alive(vt))
            break;
        if (ms_left(deadline) == 0)
            return -1;
        if (vt_pump(vt, ms_left(deadline) < 20 ? ms_left(deadline) : 20) < 0) {
            struct timespec ts = {0, 2 * 1000000};

            nanosleep(&ts, NULL);
        }
    }
    /* Drain what it wrote last (an error message, a sanitizer report). */
    while (vt_pump(vt, 0) > 0)
        ;
    if (WIFEXITED(vt->status))
        return WEXITSTATUS(vt->status);
    if (WIFSIGNALED(vt->status))
        return 128 + WTERMSIG(vt->status);
    return -1;
}

/* --- the screen ------------------------------------------------------------ */

int vt_rows(const struct vt *vt)
{
    return vt->rows;
}

int vt_cols(const struct vt *vt)
{
    return vt->cols;
}

static void put_utf8(struct buf *b, uint32_t c)
{
    char s[4];
    size_t n;

    if (c < 0x80) {
        s[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        s[0] = (char)(0xC0 | (c >> 6));
        s[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        s[0] = (char)(0xE0 | (c >> 12));
        s[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        s[0] = (char)(0xF0 | (c >> 18));
        s[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    buf_add(b, s, n);
}

static int color_code(const VTermScreen *screen, VTermColor c, int is_fg)
{
    if (is_fg ? VTERM_COLOR_IS_DEFAULT_FG(&c) : VTERM_COLOR_IS_DEFAULT_BG(&c))
        return -1;
    if (VTERM_COLOR_IS_INDEXED(&c))
        return c.indexed.idx;
    (void)screen;
    return 0x1000000 | (c.rgb.red << 16) | (c.rgb.green << 8) | c.rgb.blue;
}

struct vt_cell vt_cell_at(struct vt *vt, int y, int x)
{
    struct vt_cell out;
    VTermScreenCell c;
    VTermPos pos = {.row = y, .col = x};
    struct buf b = {0};

    memset(&out, 0, sizeof out);
    out.width = 1;
    out.fg = out.bg = -1;
    if (y < 0 || y >= vt->rows || x < 0 || x >= vt->cols)
        return out;
    if (!vterm_screen_get_cell(vt->screen, pos, &c))
        return out;
    if (c.chars[0] != (uint32_t)-1) {
        for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && c.chars[i] != 0; i++)
            put_utf8(&b, c.chars[i]);
        if (c.chars[0] == 0)
            buf_addc(&b, ' ');
    }
    if (b.data != NULL)
        snprintf(out.text, sizeof out.text, "%s", b.data);
    buf_free(&b);
    out.width = c.width > 1 ? c.width : 1;
    out.bold = c.attrs.bold;
    out.underline = c.attrs.underline != 0;
    out.italic = c.attrs.italic;
    out.blink = c.attrs.blink;
    out.reverse = c.attrs.reverse;
    out.fg = color_code(vt->screen, c.fg, 1);
    out.bg = color_code(vt->screen, c.bg, 0);
    return out;
}

/*
 * Row y as UTF-8 into b; if cols is not NULL, (*cols)[i] is the column of
 * the cell that byte i belongs to.
 */
static void row_text(struct vt *vt, int y, struct buf *b, int **cols)
{
    size_t cap = 0;

    if (cols != NULL)
        *cols = NULL;
    buf_adds(b, "");
    for (int x = 0; x < vt->cols; x++) {
        VTermScreenCell c;
        VTermPos pos = {.row = y, .col = x};
        size_t before = b->len;

        if (!vterm_screen_get_cell(vt->screen, pos, &c))
            continue;
        if (c.chars[0] == (uint32_t)-1)
            continue; /* right half of a wide character */
        if (c.chars[0] == 0)
            buf_addc(b, ' ');
        for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && c.chars[i] != 0; i++)
            put_utf8(b, c.chars[i]);
        if (cols != NULL) {
            if (b->len > cap) {
                cap = b->len * 2 + 64;
                *cols = xreallocarray(*cols, cap, sizeof **cols);
            }
            for (size_t i = before; i < b->len; i++)
                (*cols)[i] = x;
        }
    }
}

const char *vt_row(struct vt *vt, int y)
{
    struct buf b = {0};

    if (y < 0 || y >= vt->rows || y >= VT_MAX_ROWS)
        return "";
    /* The same pointer for as long as the screen is unchanged, so two
     * calls in one expression are safe. */
    if (vt->rowbuf[y] != NULL && vt->rowgen[y] == vt->gen)
        return vt->rowbuf[y];
    row_text(vt, y, &b, NULL);
    while (b.len > 0 && b.data[b.len - 1] == ' ')
        b.data[--b.len] = '\0';
    free(vt->rowbuf[y]);
    vt->rowbuf[y] = buf_take(&b);
    vt->rowgen[y] = vt->gen;
    return vt->rowbuf[y];
}

const char *vt_screen(struct vt *vt)
{
    struct buf b = {0};

    for (int y = 0; y < vt->rows; y++) {
        buf_adds(&b, vt_row(vt, y));
        if (y + 1 < vt->rows)
            buf_addc(&b, '\n');
    }
    free(vt->screenbuf);
    vt->screenbuf = buf_take(&b);
    return vt->screenbuf;
}

int vt_find(struct vt *vt, const char *text, int *py, int *px)
{
    for (int y = 0; y < vt->rows; y++) {
        struct buf b = {0};
        int *cols;
        const char *hit;

        row_text(vt, y, &b, &cols);
        hit = strstr(b.data, text);
        if (hit != NULL) {
            if (py != NULL)
                *py = y;
            if (px != NULL)
                *px = cols != NULL && (size_t)(hit - b.data) < b.len ? cols[hit - b.data] : 0;
            free(cols);
            buf_free(&b);
            return 1;
        }
        free(cols);
        buf_free(&b);
    }
    return 0;
}

int vt_count_rows(struct vt *vt, const char *text)
{
    int n = 0;

    for (int y = 0; y < vt->rows; y++)
        if (strstr(vt_row(vt, y), text) != NULL)
            n++;
    return n;
}

int vt_row_reverse(struct vt *vt, int y)
{
    int seen = 0;

    for (int x = 0; x < vt->cols; x++) {
        struct vt_cell c = vt_cell_at(vt, y, x);

        if (c.text[0] == '\0' || strcmp(c.text, " ") == 0)
            continue;
        if (!c.reverse)
            return 0;
        seen = 1;
    }
    return seen;
}

int vt_text_reverse(struct vt *vt, const char *text)
{
    int y, x, width = 0;
    const char *p = text;

    if (!vt_find(vt, text, &y, &x))
        return -1;
    /* Walk cells from x until the text's bytes are covered. */
    while (*p != '\0' && x + width < vt->cols) {
        struct vt_cell c = vt_cell_at(vt, y, x + width);
        size_t n = strlen(c.text);

        if (!c.reverse)
            return 0;
        width++;
        if (n == 0)
            continue;
        p += n <= strlen(p) ? n : strlen(p);
    }
    return 1;
}

void vt_cursor(struct vt *vt, int *y, int *x)
{
    VTermPos pos;

    vterm_state_get_cursorpos(vterm_obtain_state(vt->term), &pos);
    if (y != NULL)
        *y = pos.row;
    if (x != NULL)
        *x = pos.col;
}

const char *vt_title(const struct vt *vt)
{
    return vt->title;
}

long vt_clears(const struct vt *vt)
{
    return vt->clears;
}

char *vt_screen_dump(struct vt *vt)
{
    struct buf b = {0};
    int cy, cx;

    vt_cursor(vt, &cy, &cx);
    buf_printf(&b, "    +");
    for (int x = 0; x < vt->cols; x++)
        buf_addc(&b, x % 10 == 0 ? '0' + (char)(x / 10 % 10) : '-');
    buf_printf(&b, "+\n");
    for (int y = 0; y < vt->rows; y++) {
        struct buf row = {0};

        row_text(vt, y, &row, NULL);
        buf_printf(&b, "%3d |%s|%s\n", y, row.data, vt_row_reverse(vt, y) ? " <reverse" : "");
        buf_free(&row);
    }
    buf_printf(&b, "    +");
    for (int x = 0; x < vt->cols; x++)
        buf_addc(&b, '-');
    buf_printf(&b, "+\n    %dx%d, cursor at row %d col %d, %s", vt->cols, vt->rows, cy, cx,
               vt->eof ? "program has closed the terminal" : "program running");
    if (vt->title != NULL)
        buf_printf(&b, ", title \"%s\"", vt->title);
    buf_addc(&b, '\n');
    return buf_take(&b);
}

void vt_print_screen(struct vt *vt, const char *heading)
{
    char *d = vt_screen_dump(vt);

    fprintf(stderr, "%s:\n%s", heading, d);
    fflush(stderr);
    free(d);
}

/* --- size, counters -------------------------------------------------------- */

void vt_resize(struct vt *vt, int rows, int cols)
{
    struct winsize ws;

    if (rows < 1 || rows > VT_MAX_ROWS || cols < 1 || cols > 1000)
        fatal("vt_resize: bad size %dx%d", cols, rows);
    /* Emulated screen first, so what the program draws after SIGWINCH lands
     * on a screen of the new size. */
    vterm_set_size(vt->term, rows, cols);
    vt->gen++;
    vt->rows = rows;
    vt->cols = cols;
    memset(&ws, 0, sizeof ws);
    ws.ws_row = (unsigned short)rows;
    ws.ws_col = (unsigned short)cols;
    if (ioctl(vt->fd, TIOCSWINSZ, &ws) < 0)
        fatal("TIOCSWINSZ: %s", strerror(errno));
}

unsigned long long vt_bytes_out(const struct vt *vt)
{
    return vt->bytes_out;
}

unsigned long long vt_bytes_in(const struct vt *vt)
{
    return vt->bytes_in;
}

void vt_reset_bytes(struct vt *vt)
{
    vt->bytes_out = 0;
    vt->bytes_in = 0;
    vt->raw.len = 0;
}

void vt_raw_keep(struct vt *vt)
{
    vt->keep_raw = 1;
}

const unsigned char *vt_raw(const struct vt *vt, size_t *len)
{
    *len = vt->raw.len;
    return (const unsigned char *)(vt->raw.data != NULL ? vt->raw.data : "");
}

void vt_set_utf8(struct vt *vt, int on)
{
    vterm_set_utf8(vt->term, on != 0);
}

long long vt_last_output_ns(const struct vt *vt)
{
    return vt->last_output_ns;
}

int vt_pid(const struct vt *vt)
{
    return (int)vt->pid;
}

/* --- reporting ------------------------------------------------------------- */

/* After the awaited text showed: let the rest of that redraw arrive, so a
 * test never looks at a half-drawn screen. */
#define CHECK_QUIET_MS 25

int vt_check_text(struct vt *vt, const char *text, int timeout_ms, const char *file, int line)
{
    if (vt_wait_text(vt, text, timeout_ms)) {
        vt_settle(vt, CHECK_QUIET_MS, timeout_ms);
        return 1;
    }
    fprintf(stderr, "%s:%d: \"%s\" did not appear within %d ms\n", file, line, text, timeout_ms);
    vt_print_screen(vt, "screen");
    return 0;
}

int vt_check_row(struct vt *vt, int y, const char *text, int timeout_ms, const char *file, int line)
{
    if (vt_wait_row(vt, y, text, timeout_ms)) {
        vt_settle(vt, CHECK_QUIET_MS, timeout_ms);
        return 1;
    }
    fprintf(stderr, "%s:%d: \"%s\" did not appear on row %d within %d ms\n", file, line, text, y,
            timeout_ms);
    vt_print_screen(vt, "screen");
    return 0;
}

int vt_check_reverse(struct vt *vt, int y, int timeout_ms, const char *file, int line)
{
    if (vt_wait_reverse(vt, y, timeout_ms)) {
        vt_settle(vt, CHECK_QUIET_MS, timeout_ms);
        return 1;
    }
    fprintf(stderr, "%s:%d: row %d is not in reverse video (selected) within %d ms\n", file, line,
            y, timeout_ms);
    vt_print_screen(vt, "screen");
    return 0;
}

int vt_check_gone(struct vt *vt, const char *text, int timeout_ms, const char *file, int line)
{
    if (vt_wait_gone(vt, text, timeout_ms)) {
        vt_settle(vt, CHECK_QUIET_MS, timeout_ms);
        return 1;
    }
    fprintf(stderr, "%s:%d: \"%s\" still on the screen after %d ms\n", file, line, text,
            timeout_ms);
    vt_print_screen(vt, "screen");
    return 0;
}

int vt_check_absent(struct vt *vt, const char *text, const char *file, int line)
{
    int y, x;

    while (vt_pump(vt, 0) > 0)
        ;
    if (!vt_find(vt, text, &y, &x))
        return 1;
    fprintf(stderr, "%s:%d: \"%s\" is on the screen (row %d col %d) and should not be\n", file,
            line, text, y, x);
    vt_print_screen(vt, "screen");
    return 0;
}

int vt_check_exit(struct vt *vt, int expected, int timeout_ms, const char *file, int line)
{
    int st = vt_wait_exit(vt, timeout_ms);

    if (st == expected)
        return 1;
    if (st < 0)
        fprintf(stderr, "%s:%d: program still running after %d ms (expected exit %d)\n", file, line,
                timeout_ms, expected);
    else
        fprintf(stderr, "%s:%d: program ended with status %d, expected %d\n", file, line, st,
                expected);
    vt_print_screen(vt, "screen");
    return 0;
}
