/*
 * progress.c: see progress.h.  The bar is plain text: '#' and '.', a
 * percentage, then a carriage return; no escape sequence, so that it
 * reads the same on every terminal and costs a few bytes a step over a
 * slow link.
 */
#include "progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

#define BAR_COLS 30
#define REDRAW_MS 100

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void progress_init(struct progress *p, FILE *out, const char *label)
{
    const char *term = getenv("TERM");

    memset(p, 0, sizeof *p);
    p->out = out;
    p->label = text_sanitize(label);
    p->last_permille = -1;
    p->on = isatty(fileno(out)) && term != NULL && strcmp(term, "dumb") != 0;
}

/* The terminal's width, or 80. */
static int width_of(FILE *out)
{
    struct winsize ws;

    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

/* The line for permille, narrower than the terminal: a line that wrapped
 * would not go back under the carriage return.  The label gives way
 * first, then the bar. */
static char *bar_line(const struct progress *p, int permille)
{
    const char *tail = permille == 1000 ? _(" finishing") : "";
    int room = width_of(p->out) - 1 - (int)strlen(" [] 100%") - text_width(tail);
    int barw = BAR_COLS, fill, labw;
    char bar[BAR_COLS + 1], *label, *line;

    if (room - barw < 12)
        barw = room - 12 < 5 ? 5 : room - 12;
    if (barw > BAR_COLS)
        barw = BAR_COLS;
    labw = room - barw < 1 ? 1 : room - barw;
    fill = permille * barw / 1000;
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(barw - fill));
    bar[barw] = '\0';
    label = text_fit(p->label, labw, 1, NULL);
    line = xasprintf("%s [%s] %3d%%%s", label, bar, permille / 10, tail);
    free(label);
    return line;
}

void progress_show(struct progress *p, unsigned long long done, unsigned long long total)
{
    char *line;
    int permille;
    size_t cols;
    long long t;

    if (!p->on)
        return;
    if (total == 0) {
        if (p->drawn > 0)
            fprintf(p->out, "\r%*s\r", (int)p->drawn, "");
        fflush(p->out);
        p->drawn = 0;
        p->last_permille = -1;
        return;
    }
    permille = done >= total ? 1000 : (int)(done * 1000 / total);
    t = now_ms();
    if (permille == p->last_permille || (permille < 1000 && t - p->last_ms < REDRAW_MS))
        return;
    p->last_ms = t;
    p->last_permille = permille;
    line = bar_line(p, permille);
    cols = (size_t)text_width(line);
    fprintf(p->out, "\r%s%*s", line, cols < p->drawn ? (int)(p->drawn - cols) : 0, "");
    if (cols > p->drawn)
        p->drawn = cols;
    free(line);
    fflush(p->out);
}

void progress_end(struct progress *p)
{
    progress_show(p, 0, 0);
    free(p->label);
    p->label = NULL;
    p->drawn = 0;
}
