/*
 * tty.c: what a person at the terminal waits for, measured through a real
 * pseudo-terminal (tests/lib/vt.c, libvterm) at 80x24.
 *
 *   tty startup RUNS TEXT -- PROGRAM ARGS...
 *       start the program RUNS times; time from fork to the last byte of the
 *       first full screen (TEXT on the screen, then quiet); bytes written.
 *   tty search RUNS TEXT KEYS -- PROGRAM ARGS... ; WORD...
 *       start the program, wait for TEXT, send KEYS (see below) to reach the
 *       search field, then type each WORD one code point at a time; for each
 *       key the time from sending it to the last byte of the redraw, and the
 *       bytes written.  Each word RUNS times, each in a fresh program.
 *
 *   tty bytes ROWS COLS TEXT WORD -- PROGRAM ARGS...
 *       the bytes a remote office pays, at ROWS x COLS: the first screen
 *       (TEXT on it), then in the list Enter opens: one Down, one PgDn,
 *       five PgDn typed ahead at once, WORD typed after "/" (all its keys),
 *       and Enter opening the record found.
 *
 *   tty redraw RUNS TEXT KEYS STEP -- PROGRAM ARGS...
 *       start the program, wait for TEXT, send KEYS to reach a screen, then
 *       press STEP (one key, as in KEYS) RUNS times: for each the time to
 *       the last byte of its redraw (the month calendar: PgDn reads the
 *       next month, Right moves within the month read).
 *
 * KEYS: space-separated tokens; <Enter> <Esc> <Tab> <Down> <Up> <Left> <Right> <F1>..<F12>
 * <PgDn> <PgUp> <Home> <End> are keys, anything else is sent as typed.
 *
 * Output: "name<TAB>value" lines for bench/run.sh to put in its table.
 * Must never: write to the database (it only reads through the program) or
 * decide what is fast enough: it reports numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "vt.h"
#include "util.h"

#define QUIET_MS 60
#define STARTUP_QUIET_MS 150

/* One token of KEYS (see above). */
static void send_token(struct vt *vt, const char *tok)
{
    static const struct {
        const char *name;
        enum vt_key key;
    } names[] = {
        {"<Enter>", VT_KEY_ENTER}, {"<Esc>", VT_KEY_ESC},     {"<Tab>", VT_KEY_TAB},
        {"<Down>", VT_KEY_DOWN},   {"<Up>", VT_KEY_UP},       {"<PgDn>", VT_KEY_PGDN},
        {"<PgUp>", VT_KEY_PGUP},   {"<Home>", VT_KEY_HOME},   {"<End>", VT_KEY_END},
        {"<Left>", VT_KEY_LEFT},   {"<Right>", VT_KEY_RIGHT},
    };

    for (size_t i = 0; i < nitems(names); i++)
        if (strcmp(tok, names[i].name) == 0) {
            vt_key(vt, names[i].key);
            return;
        }
    if (tok[0] == '<' && tok[1] == 'F') {
        int n = atoi(tok + 2);

        if (n >= 1 && n <= 12) {
            vt_key(vt, (enum vt_key)(VT_KEY_F1 + n - 1));
            return;
        }
    }
    vt_send(vt, tok);
}

static void send_keys(struct vt *vt, const char *spec)
{
    char *copy = xstrdup(spec), *save = NULL;

    for (char *tok = strtok_r(copy, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
        unsigned long long before = vt_bytes_out(vt);

        send_token(vt, tok);
        /* Let the program take each key on its own screen. */
        bench_await_redraw(vt, before, QUIET_MS);
    }
    free(copy);
}

static int startup(int runs, const char *text, const char *const *argv)
{
    long long *t = xcalloc((size_t)runs, sizeof *t), *bytes = xcalloc((size_t)runs, sizeof *bytes);

    for (int r = 0; r < runs; r++) {
        long long t0 = vt_now_ns();
        struct vt *vt = vt_spawn(argv, 24, 80, NULL);

        if (!vt_wait_text(vt, text, vt_timeout())) {
            fprintf(stderr, "tty: \"%s\" never appeared\n", text);
            vt_print_screen(vt, "screen");
            vt_close(vt);
            return 1;
        }
        vt_settle(vt, STARTUP_QUIET_MS, vt_timeout());
        t[r] = vt_last_output_ns(vt) - t0;
        bytes[r] = (long long)vt_bytes_out(vt);
        vt_close(vt);
    }
    printf("startup_median_ms\t%.1f\n", (double)bench_pct(t, runs, 50) / 1e6);
    printf("startup_p95_ms\t%.1f\n", (double)bench_pct(t, runs, 95) / 1e6);
    printf("startup_min_ms\t%.1f\n", (double)bench_pct(t, runs, 0) / 1e6);
    printf("first_screen_bytes\t%lld\n", bench_pct(bytes, runs, 50));
    free(t);
    free(bytes);
    return 0;
}

static int search(int runs, const char *text, const char *keys, const char *const *argv,
                  char **words, int nwords)
{
    int cap = 0, n = 0, silent = 0;
    long long *t, *bytes;

    for (int w = 0; w < nwords; w++)
        cap += (int)strlen(words[w]) * runs;
    t = xcalloc((size_t)cap + 1, sizeof *t);
    bytes = xcalloc((size_t)cap + 1, sizeof *bytes);
    for (int w = 0; w < nwords; w++) {
        for (int r = 0; r < runs; r++) {
            struct vt *vt = vt_spawn(argv, 24, 80, NULL);
            const char *p = words[w];

            if (!vt_wait_text(vt, text, vt_timeout())) {
                fprintf(stderr, "tty: \"%s\" never appeared\n", text);
                vt_print_screen(vt, "screen");
                vt_close(vt);
                return 1;
            }
            vt_settle(vt, STARTUP_QUIET_MS, vt_timeout());
            send_keys(vt, keys);
            while (*p != '\0') {
                size_t len = 1;
                long long t0;

                while (((unsigned char)p[len] & 0xC0) == 0x80)
                    len++;
                vt_reset_bytes(vt);
                t0 = vt_now_ns();
                vt_send_len(vt, p, len);
                if (!bench_await_redraw(vt, 0, QUIET_MS)) {
                    silent++;
                } else {
                    t[n] = vt_last_output_ns(vt) - t0;
                    bytes[n] = (long long)vt_bytes_out(vt);
                    n++;
                }
                p += len;
            }
            if (!vt_find(vt, words[w], NULL, NULL)) {
                fprintf(stderr, "tty: the typed word \"%s\" is not on the screen:\n", words[w]);
                vt_print_screen(vt, "screen");
            }
            vt_close(vt);
        }
    }
    printf("keys_measured\t%d\n", n);
    printf("keys_without_redraw\t%d\n", silent);
    printf("key_median_ms\t%.2f\n", (double)bench_pct(t, n, 50) / 1e6);
    printf("key_p95_ms\t%.2f\n", (double)bench_pct(t, n, 95) / 1e6);
    printf("key_p99_ms\t%.2f\n", (double)bench_pct(t, n, 99) / 1e6);
    printf("key_max_ms\t%.2f\n", (double)bench_pct(t, n, 100) / 1e6);
    printf("key_bytes_median\t%lld\n", bench_pct(bytes, n, 50));
    printf("key_bytes_p95\t%lld\n", bench_pct(bytes, n, 95));
    free(t);
    free(bytes);
    return 0;
}

/* RUNS presses of STEP on the screen KEYS reach: the time from each to
 * the last byte of its redraw. */
static int redraw(int runs, const char *text, const char *keys, const char *step,
                  const char *const *argv)
{
    long long *t = xcalloc((size_t)runs, sizeof *t);
    struct vt *vt = vt_spawn(argv, 24, 80, NULL);
    int n = 0;

    if (!vt_wait_text(vt, text, vt_timeout())) {
        fprintf(stderr, "tty: \"%s\" never appeared\n", text);
        vt_print_screen(vt, "screen");
        vt_close(vt);
        free(t);
        return 1;
    }
    vt_settle(vt, STARTUP_QUIET_MS, vt_timeout());
    send_keys(vt, keys);
    vt_settle(vt, STARTUP_QUIET_MS, vt_timeout());
    for (int r = 0; r < runs; r++) {
        long long t0;

        vt_reset_bytes(vt);
        t0 = vt_now_ns();
        send_token(vt, step);
        if (bench_await_redraw(vt, 0, QUIET_MS))
            t[n++] = vt_last_output_ns(vt) - t0;
    }
    vt_close(vt);
    printf("redraws\t%d\n", n);
    printf("redraw_median_ms\t%.2f\n", (double)bench_pct(t, n, 50) / 1e6);
    printf("redraw_p95_ms\t%.2f\n", (double)bench_pct(t, n, 95) / 1e6);
    free(t);
    return 0;
}

/* Bytes the program writes for one step (keys already sent), or -1. */
static long long step_bytes(struct vt *vt)
{
    return bench_await_redraw(vt, 0, QUIET_MS) ? (long long)vt_bytes_out(vt) : -1;
}

static int bytes(int rows, int cols, const char *text, const char *word, const char *const *argv)
{
    struct vt *vt = vt_spawn(argv, rows, cols, NULL);
    long long search = 0;
    const char *p = word;

    if (!vt_wait_text(vt, text, vt_timeout())) {
        fprintf(stderr, "tty: \"%s\" never appeared at %dx%d\n", text, cols, rows);
        vt_print_screen(vt, "screen");
        vt_close(vt);
        return 1;
    }
    vt_settle(vt, STARTUP_QUIET_MS, vt_timeout());
    printf("first_screen\t%llu\n", vt_bytes_out(vt));
    vt_key(vt, VT_KEY_ENTER);
    vt_settle(vt, STARTUP_QUIET_MS, vt_timeout());
    vt_reset_bytes(vt);
    vt_key(vt, VT_KEY_DOWN);
    printf("move\t%lld\n", step_bytes(vt));
    vt_reset_bytes(vt);
    vt_key(vt, VT_KEY_PGDN);
    printf("pgdn1\t%lld\n", step_bytes(vt));
    /* Typed ahead: the five arrive together, in one write, as over a slow
     * link (xterm's PgDn: the pty's TERM is xterm). */
    vt_reset_bytes(vt);
    vt_send(vt, "\033[6~\033[6~\033[6~\033[6~\033[6~");
    printf("pgdn5\t%lld\n", step_bytes(vt));
    vt_key(vt, VT_KEY_HOME);
    vt_send(vt, "/");
    vt_settle(vt, QUIET_MS, vt_timeout());
    while (*p != '\0') {
        size_t len = 1;

        while (((unsigned char)p[len] & 0xC0) == 0x80)
            len++;
        vt_reset_bytes(vt);
        vt_send_len(vt, p, len);
        search += step_bytes(vt);
        p += len;
    }
    printf("search\t%lld\n", search);
    vt_reset_bytes(vt);
    vt_key(vt, VT_KEY_ENTER);
    printf("open\t%lld\n", step_bytes(vt));
    vt_close(vt);
    return 0;
}

int main(int argc, char **argv)
{
    int runs, dash = -1, semi = argc, nargs, rc;
    const char **prog;

    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            dash = i;
            break;
        }
    if (argc < 5 || dash < 0 || dash + 1 >= argc || (runs = atoi(argv[2])) < 1) {
        fprintf(stderr, "usage: tty startup RUNS TEXT -- PROGRAM ARGS...\n"
                        "       tty search RUNS TEXT KEYS -- PROGRAM ARGS... ; WORD...\n"
                        "       tty bytes ROWS COLS TEXT WORD -- PROGRAM ARGS...\n"
                        "       tty redraw RUNS TEXT KEYS STEP -- PROGRAM ARGS...\n");
        return 64;
    }
    for (int i = dash + 1; i < argc; i++)
        if (strcmp(argv[i], ";") == 0) {
            semi = i;
            break;
        }
    nargs = semi - dash - 1;
    prog = xcalloc((size_t)nargs + 1, sizeof *prog);
    for (int i = 0; i < nargs; i++)
        prog[i] = argv[dash + 1 + i];
    if (strcmp(argv[1], "startup") == 0 && dash == 4) {
        rc = startup(runs, argv[3], prog);
    } else if (strcmp(argv[1], "bytes") == 0 && dash == 6) {
        rc = bytes(runs, atoi(argv[3]), argv[4], argv[5], prog);
    } else if (strcmp(argv[1], "redraw") == 0 && dash == 6) {
        rc = redraw(runs, argv[3], argv[4], argv[5], prog);
    } else if (strcmp(argv[1], "search") == 0 && dash == 5 && semi < argc - 1) {
        rc = search(runs, argv[3], argv[4], prog, argv + semi + 1, argc - semi - 1);
    } else {
        fprintf(stderr, "tty: bad arguments\n");
        rc = 64;
    }
    free(prog);
    return rc;
}
