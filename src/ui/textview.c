/*
 * textview.c: the scrollable text view (see textview.h).
 *
 * Blocks are kept as given and wrapped into display lines on draw, only
 * when the width or the content changed.  Must never draw a line without
 * ui_put().
 */
#include "ui/textview.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

enum block_kind { B_HEADING, B_PARA, B_ITEM, B_KV, B_BLANK };

struct block {
    enum block_kind kind;
    enum ui_role role;
    char *a; /* text, or label */
    char *b; /* value */
};

struct line {
    char *text;
    int indent;
    enum ui_role role;
    char *label; /* first line of a kv block */
};

struct ui_textview {
    struct block *blocks;
    int nblocks, capblocks;
    struct line *lines;
    int nlines, caplines;
    int wrapped_w; /* width the lines were made for; 0: stale */
    int top, height;
};

struct ui_textview *ui_tv_new(void)
{
    return xcalloc(1, sizeof(struct ui_textview));
}

static void free_lines(struct ui_textview *tv)
{
    for (int i = 0; i < tv->nlines; i++) {
        free(tv->lines[i].text);
        free(tv->lines[i].label);
    }
    tv->nlines = 0;
    tv->wrapped_w = 0;
}

void ui_tv_clear(struct ui_textview *tv)
{
    free_lines(tv);
    for (int i = 0; i < tv->nblocks; i++) {
        free(tv->blocks[i].a);
        free(tv->blocks[i].b);
    }
    tv->nblocks = 0;
}

void ui_tv_free(struct ui_textview *tv)
{
    if (tv == NULL)
        return;
    ui_tv_clear(tv);
    free(tv->blocks);
    free(tv->lines);
    free(tv);
}

static void add_block(struct ui_textview *tv, enum block_kind k, enum ui_role role, const char *a,
                      const char *b)
{
    struct block *bl;

    if (tv->nblocks == tv->capblocks) {
        tv->capblocks = tv->capblocks ? tv->capblocks * 2 : 16;
        tv->blocks = xreallocarray(tv->blocks, (size_t)tv->capblocks, sizeof *tv->blocks);
    }
    bl = &tv->blocks[tv->nblocks++];
    bl->kind = k;
    bl->role = role;
    bl->a = a != NULL ? xstrdup(a) : NULL;
    bl->b = b != NULL ? xstrdup(b) : NULL;
    tv->wrapped_w = 0;
}

void ui_tv_heading(struct ui_textview *tv, const char *text)
{
    add_block(tv, B_HEADING, UI_HEADING, text, NULL);
}

void ui_tv_para(struct ui_textview *tv, const char *text, enum ui_role role)
{
    add_block(tv, B_PARA, role, text, NULL);
}

void ui_tv_item(struct ui_textview *tv, const char *text)
{
    add_block(tv, B_ITEM, UI_NORMAL, text, NULL);
}

void ui_tv_kv(struct ui_textview *tv, const char *label, const char *value)
{
    add_block(tv, B_KV, UI_NORMAL, label, value != NULL ? value : "");
}

void ui_tv_blank(struct ui_textview *tv)
{
    add_block(tv, B_BLANK, UI_NORMAL, NULL, NULL);
}

static void flush_para(struct ui_textview *tv, struct buf *p, enum ui_role role)
{
    if (p->len > 0) {
        ui_tv_para(tv, p->data, role);
        p->len = 0;
        p->data[0] = '\0';
    }
}

void ui_tv_markdown(struct ui_textview *tv, const char *md)
{
    struct buf para = {0};
    enum ui_role role = UI_NORMAL;
    const char *s = md, *e;

    while (s != NULL && *s != '\0') {
        char *line, *t;

        e = strchr(s, '\n');
        line = e != NULL ? xstrndup(s, (size_t)(e - s)) : xstrdup(s);
        s = e != NULL ? e + 1 : NULL;
        t = str_trim(line);
        if (*t == '#') {
            flush_para(tv, &para, role);
            const char *h = t + strspn(t, "#");

            h += strspn(h, " ");
            if (tv->nblocks > 0)
                ui_tv_blank(tv);
            ui_tv_heading(tv, h);
        } else if (*t == '\0') {
            flush_para(tv, &para, role);
        } else if ((t[0] == '-' || t[0] == '*') && t[1] == ' ') {
            flush_para(tv, &para, role);
            ui_tv_item(tv, t + 2);
        } else if (t[0] == '>') {
            if (role != UI_DIM)
                flush_para(tv, &para, role);
            role = UI_DIM;
            if (para.len > 0)
                buf_addc(&para, ' ');
            buf_adds(&para, t + 1 + strspn(t + 1, " "));
        } else {
            if (role != UI_NORMAL)
                flush_para(tv, &para, role);
            role = UI_NORMAL;
            if (para.len > 0)
                buf_addc(&para, ' ');
            buf_adds(&para, t);
        }
        free(t);
        free(line);
    }
    flush_para(tv, &para, role);
    buf_free(&para);
}

static void add_line(struct ui_textview *tv, const char *text, int indent, enum ui_role role,
                     const char *label)
{
    struct line *l;

    if (tv->nlines == tv->caplines) {
        tv->caplines = tv->caplines ? tv->caplines * 2 : 64;
        tv->lines = xreallocarray(tv->lines, (size_t)tv->caplines, sizeof *tv->lines);
    }
    l = &tv->lines[tv->nlines++];
    l->text = xstrdup(text != NULL ? text : "");
    l->indent = indent;
    l->role = role;
    l->label = label != NULL ? xstrdup(label) : NULL;
}

static void add_wrapped(struct ui_textview *tv, const char *text, int indent, int first_indent,
                        int w, enum ui_role role, const char *label)
{
    int n = 0;
    char **lines = text_wrap(text, w - indent > 1 ? w - indent : 1, &n);

    if (n == 0)
        add_line(tv, "", first_indent, role, label);
    for (int i = 0; i < n; i++)
        add_line(tv, lines[i], i == 0 ? first_indent : indent, role, i == 0 ? label : NULL);
    text_lines_free(lines, n);
}

static int label_width(const struct ui_textview *tv, int w)
{
    int lw = 0;

    for (int i = 0; i < tv->nblocks; i++) {
        if (tv->blocks[i].kind == B_KV && text_width(tv->blocks[i].a) > lw)
            lw = text_width(tv->blocks[i].a);
    }
    return lw + 2 < w / 3 ? lw + 2 : w / 3;
}

/* A label and its value: side by side, or, when the label does not fit
 * its column (a narrow screen, a long label), the label on a line of its
 * own and the value under it, never the label cut short. */
static void add_kv(struct ui_textview *tv, const struct block *b, int lw, int w)
{
    const char *v = b->a[0] != '\0' || b->b[0] != '\0' ? b->b : "";

    if (text_width(b->a) < lw) {
        add_wrapped(tv, v, lw, lw, w, UI_NORMAL, b->a);
        return;
    }
    add_wrapped(tv, b->a, 0, 0, w, UI_LABEL, NULL);
    add_wrapped(tv, v, 2, 2, w, UI_NORMAL, NULL);
}

static void wrap(struct ui_textview *tv, int w)
{
    int lw = label_width(tv, w);

    free_lines(tv);
    for (int i = 0; i < tv->nblocks; i++) {
        const struct block *b = &tv->blocks[i];

        switch (b->kind) {
        case B_HEADING:
            add_wrapped(tv, b->a, 0, 0, w, UI_HEADING, NULL);
            break;
        case B_PARA:
            add_wrapped(tv, b->a, 0, 0, w, b->role, NULL);
            break;
        case B_ITEM:
            add_wrapped(tv, b->a, 2, 2, w, UI_NORMAL, ui_ascii() ? "-" : "•");
            break;
        case B_KV:
            add_kv(tv, b, lw, w);
            break;
        case B_BLANK:
            add_line(tv, "", 0, UI_NORMAL, NULL);
            break;
        }
    }
    tv->wrapped_w = w;
}

static void clamp(struct ui_textview *tv)
{
    if (tv->top > tv->nlines - tv->height)
        tv->top = tv->nlines - tv->height;
    if (tv->top < 0)
        tv->top = 0;
}

void ui_tv_draw(struct ui_textview *tv, const struct ui_rect *r)
{
    int w = r->w - 2;

    if (r->h <= 0 || w <= 4)
        return;
    if (tv->wrapped_w != w)
        wrap(tv, w);
    /* Text that does not fit leaves its last row to the position. */
    tv->height = tv->nlines > r->h ? r->h - 1 : r->h;
    clamp(tv);
    for (int i = 0; i < tv->height && tv->top + i < tv->nlines; i++) {
        const struct line *l = &tv->lines[tv->top + i];
        int x = r->x + 1;

        if (l->label != NULL)
            ui_put(stdscr, r->y + i, x, l->indent, l->label,
                   ui_attr(l->indent > 2 ? UI_LABEL : UI_NORMAL));
        ui_put(stdscr, r->y + i, x + l->indent, w - l->indent, l->text, ui_attr(l->role));
    }
    if (tv->nlines > r->h) {
        /* Where we are, on the right edge: "12-30/48". */
        char *pos = xasprintf("%d-%d/%d", tv->top + 1,
                              tv->top + tv->height < tv->nlines ? tv->top + tv->height : tv->nlines,
                              tv->nlines);
        char *shown = i18n_digits(pos);

        ui_put_right(stdscr, r->y + r->h - 1, r->x, r->w, shown, ui_attr(UI_DIM));
        free(shown);
        free(pos);
    }
}

int ui_tv_key(struct ui_textview *tv, enum action_id a, const struct ui_key *k)
{
    int h = tv->height > 1 ? tv->height : 1;

    if (k != NULL && k->code == (UI_FN | KEY_MOUSE)) {
        if (k->mouse_bstate & BUTTON4_PRESSED)
            tv->top -= 3;
#ifdef BUTTON5_PRESSED
        else if (k->mouse_bstate & BUTTON5_PRESSED)
            tv->top += 3;
#endif
        else
            return 0;
        clamp(tv);
        return 1;
    }
    switch (a) {
    case ACT_UP:
        tv->top--;
        break;
    case ACT_DOWN:
        tv->top++;
        break;
    case ACT_PGUP:
        tv->top -= h - 1;
        break;
    case ACT_PGDN:
        tv->top += h - 1;
        break;
    case ACT_TOP:
        tv->top = 0;
        break;
    case ACT_BOTTOM:
        tv->top = tv->nlines;
        break;
    default:
        return 0;
    }
    clamp(tv);
    return 1;
}
