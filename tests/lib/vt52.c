/*
 * vt52.c: a VT52 screen fed raw output (see vt52.h).  Must never guess
 * what an unknown sequence meant: it is counted and dropped, so that a test
 * finds it instead of a screen that happens to look right.
 */
#include "vt52.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum state { GROUND, ESCAPE, ROW, COL, CSI };

struct vt52 {
    int rows, cols;
    char *cells;        /* rows * cols characters */
    unsigned char *gfx; /* 1 where the character was written in graphics mode */
    int y, x;
    int graphics;
    enum state st;
    int row_arg;
    long unknown, csi, eight_bit;
    char first_unknown[16];
    char *line; /* vt52_row()'s result */
};

struct vt52 *vt52_new(int rows, int cols)
{
    struct vt52 *v = xmalloc(sizeof *v);

    memset(v, 0, sizeof *v);
    v->rows = rows;
    v->cols = cols;
    v->cells = xmalloc((size_t)rows * (size_t)cols);
    memset(v->cells, ' ', (size_t)rows * (size_t)cols);
    v->gfx = xmalloc((size_t)rows * (size_t)cols);
    memset(v->gfx, 0, (size_t)rows * (size_t)cols);
    v->line = xmalloc((size_t)cols + 1);
    return v;
}

void vt52_free(struct vt52 *v)
{
    if (v == NULL)
        return;
    free(v->cells);
    free(v->gfx);
    free(v->line);
    free(v);
}

static void erase(struct vt52 *v, int y, int x0, int x1)
{
    size_t at = (size_t)y * (size_t)v->cols + (size_t)x0;

    memset(v->cells + at, ' ', (size_t)(x1 - x0));
    memset(v->gfx + at, 0, (size_t)(x1 - x0));
}

static void line_feed(struct vt52 *v)
{
    if (v->y + 1 < v->rows) {
        v->y++;
        return;
    }
    memmove(v->cells, v->cells + v->cols, (size_t)(v->rows - 1) * (size_t)v->cols);
    memmove(v->gfx, v->gfx + v->cols, (size_t)(v->rows - 1) * (size_t)v->cols);
    erase(v, v->rows - 1, 0, v->cols);
}

static void note_unknown(struct vt52 *v, const char *what)
{
    if (v->unknown++ == 0)
        snprintf(v->first_unknown, sizeof v->first_unknown, "%s", what);
}

static void control(struct vt52 *v, unsigned char c)
{
    switch (c) {
    case '\r':
        v->x = 0;
        break;
    case '\n':
        line_feed(v);
        break;
    case '\b':
        if (v->x > 0)
            v->x--;
        break;
    case '\t':
        v->x = (v->x / 8 + 1) * 8;
        if (v->x >= v->cols)
            v->x = v->cols - 1;
        break;
    case 7:
        break;
    case 27:
        v->st = ESCAPE;
        break;
    default: {
        char what[8];

        snprintf(what, sizeof what, "^%c", c + '@');
        note_unknown(v, what);
    }
    }
}

static void escape(struct vt52 *v, unsigned char c)
{
    char what[8];

    v->st = GROUND;
    switch (c) {
    case 'A':
        v->y -= v->y > 0;
        return;
    case 'B':
        v->y += v->y + 1 < v->rows;
        return;
    case 'C':
        v->x += v->x + 1 < v->cols;
        return;
    case 'D':
        v->x -= v->x > 0;
        return;
    case 'F':
    case 'G':
        v->graphics = c == 'F';
        return;
    case 'H':
        v->y = v->x = 0;
        return;
    case 'I':
        if (v->y > 0) {
            v->y--;
        } else {
            memmove(v->cells + v->cols, v->cells, (size_t)(v->rows - 1) * (size_t)v->cols);
            memmove(v->gfx + v->cols, v->gfx, (size_t)(v->rows - 1) * (size_t)v->cols);
            erase(v, 0, 0, v->cols);
        }
        return;
    case 'J':
        erase(v, v->y, v->x, v->cols);
        for (int y = v->y + 1; y < v->rows; y++)
            erase(v, y, 0, v->cols);
        return;
    case 'K':
        erase(v, v->y, v->x, v->cols);
        return;
    case 'Y':
        v->st = ROW;
        return;
    case 'Z':
    case '=':
    case '>':
        return;
    case '[':
        v->csi++;
        v->st = CSI;
        break;
    default:
        break;
    }
    snprintf(what, sizeof what, "ESC %c", c >= 0x20 && c < 0x7f ? c : '?');
    note_unknown(v, what);
}

static void print(struct vt52 *v, unsigned char c)
{
    v->cells[(size_t)v->y * (size_t)v->cols + (size_t)v->x] = (char)c;
    v->gfx[(size_t)v->y * (size_t)v->cols + (size_t)v->x] = (unsigned char)v->graphics;
    /* No automatic margins: the last column is written over. */
    if (v->x + 1 < v->cols)
        v->x++;
}

void vt52_feed(struct vt52 *v, const unsigned char *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = bytes[i];

        if (c >= 0x80) {
            v->eight_bit++;
            continue;
        }
        switch (v->st) {
        case GROUND:
            if (c < 0x20)
                control(v, c);
            else if (c < 0x7f)
                print(v, c);
            break;
        case ESCAPE:
            escape(v, c);
            break;
        case ROW:
            v->row_arg = c - 32;
            v->st = COL;
            break;
        case COL:
            /* Out of range: a VT52 leaves that coordinate as it was. */
            if (v->row_arg >= 0 && v->row_arg < v->rows)
                v->y = v->row_arg;
            if (c >= 32 && c - 32 < v->cols)
                v->x = c - 32;
            v->st = GROUND;
            break;
        case CSI:
            if (c >= 0x40 && c <= 0x7e)
                v->st = GROUND;
            break;
        }
    }
}

const char *vt52_row(struct vt52 *v, int y)
{
    int n = v->cols;

    if (y < 0 || y >= v->rows) {
        v->line[0] = '\0';
        return v->line;
    }
    memcpy(v->line, v->cells + (size_t)y * (size_t)v->cols, (size_t)v->cols);
    while (n > 0 && v->line[n - 1] == ' ')
        n--;
    v->line[n] = '\0';
    return v->line;
}

int vt52_find(struct vt52 *v, const char *text, int *y, int *x)
{
    for (int r = 0; r < v->rows; r++) {
        const char *row = vt52_row(v, r), *at = strstr(row, text);

        if (at != NULL) {
            if (y != NULL)
                *y = r;
            if (x != NULL)
                *x = (int)(at - row);
            return 1;
        }
    }
    return 0;
}

int vt52_graphics_at(const struct vt52 *v, int y, int x)
{
    if (y < 0 || y >= v->rows || x < 0 || x >= v->cols)
        return 0;
    return v->gfx[(size_t)y * (size_t)v->cols + (size_t)x];
}

void vt52_cursor(const struct vt52 *v, int *y, int *x)
{
    *y = v->y;
    *x = v->x;
}

long vt52_unknown(const struct vt52 *v)
{
    return v->unknown;
}

long vt52_csi(const struct vt52 *v)
{
    return v->csi;
}

long vt52_eight_bit(const struct vt52 *v)
{
    return v->eight_bit;
}

const char *vt52_first_unknown(const struct vt52 *v)
{
    return v->first_unknown;
}

char *vt52_dump(struct vt52 *v)
{
    size_t cap = (size_t)v->rows * ((size_t)v->cols + 8) + 64, n = 0;
    char *out = xmalloc(cap);

    for (int y = 0; y < v->rows; y++)
        n += (size_t)snprintf(out + n, cap - n, "%2d|%s\n", y, vt52_row(v, y));
    snprintf(out + n, cap - n, "cursor %d,%d\n", v->y, v->x);
    return out;
}
