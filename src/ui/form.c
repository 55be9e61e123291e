/*
 * form.c: the form widget (see form.h).
 *
 * Values are edited as UTF-8 bytes; the cursor is a byte offset kept on
 * grapheme boundaries (text_next_grapheme / text_prev_grapheme), so a
 * Bengali letter is never split from its vowel sign by moving.  Backspace
 * removes one code point, as typists of Bengali expect (it takes back the
 * last key typed).  Values are drawn one grapheme at a time through
 * text_sanitize(), so stored control characters show as visible marks.
 */
#include "ui/form.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

enum { MSG_SZ = 256 };

void ui_form_init(struct ui_form *fm, const struct field_def *defs, int n, ui_form_check_fn check,
                  void *ctx)
{
    *fm = (struct ui_form){0};
    fm->f = xcalloc((size_t)n, sizeof *fm->f);
    fm->n = n;
    fm->check = check;
    fm->ctx = ctx;
    for (int i = 0; i < n; i++) {
        fm->f[i].def = &defs[i];
        fm->f[i].value = xstrdup("");
    }
}

void ui_form_free(struct ui_form *fm)
{
    for (int i = 0; i < fm->n; i++) {
        free(fm->f[i].value);
        free(fm->f[i].msg);
    }
    free(fm->f);
    fm->f = NULL;
    fm->n = 0;
}

void ui_form_set_msg(struct ui_form *fm, int i, const char *msg)
{
    str_set(&fm->f[i].msg, msg);
}

static void check_one(struct ui_form *fm, int i)
{
    char msg[MSG_SZ];
    const char *m = NULL;

    if (fm->check != NULL)
        m = fm->check(fm->ctx, i, fm->f[i].value, msg, sizeof msg);
    ui_form_set_msg(fm, i, m);
}

void ui_form_set(struct ui_form *fm, int i, const char *value)
{
    struct ui_form_field *f = &fm->f[i];

    str_set(&f->value, value != NULL ? value : "");
    f->cursor = strlen(f->value);
    f->scroll = 0;
    check_one(fm, i);
}

const char *ui_form_value(const struct ui_form *fm, int i)
{
    return fm->f[i].value;
}

int ui_form_check_all(struct ui_form *fm)
{
    int bad = -1;

    for (int i = 0; i < fm->n; i++) {
        check_one(fm, i);
        if (fm->f[i].msg != NULL && bad < 0)
            bad = i;
    }
    return bad;
}

void ui_form_focus(struct ui_form *fm, int i)
{
    if (i >= 0 && i < fm->n)
        fm->cur = i;
}

/* --- layout and drawing ----------------------------------------------------- */

/*
 * Side by side: label, value and message columns.  Where the value would
 * be narrow the message column goes (the current field's message is on
 * the bottom line, others are marked '!'); where the labels still do not
 * fit (a phone), each label is on a line of its own above its value.
 */
struct layout {
    int stack;  /* 1: the label above the value, two lines a field */
    int lw;     /* label column */
    int vx, vw; /* value column */
    int mx, mw; /* message column (mw 0: none) */
};

enum { MIN_VALUE = 20 };

/* The label column for labels max wide: whole where it leaves the value
 * room enough beside it (and mw for messages), else a third of w. */
static int label_cols(int max, int w, int mw)
{
    return max < w / 3 || w - max - 1 - mw - 2 >= MIN_VALUE ? max : w / 3;
}

static struct layout layout(const struct ui_form *fm, int w)
{
    struct layout l = {0};
    int max = 0;

    for (int i = 0; i < fm->n; i++) {
        int tw = text_width(_(fm->f[i].def->label)) + 2;

        if (tw > max)
            max = tw;
    }
    l.mw = w >= 100 ? 32 : 22;
    l.lw = label_cols(max, w, l.mw);
    l.vw = w - l.lw - 1 - l.mw - 2;
    if (l.vw < MIN_VALUE || l.lw < max) {
        l.mw = 0;
        l.lw = label_cols(max, w, 0);
        l.vw = w - l.lw - 1 - 2;
    }
    l.vx = l.lw + 1;
    if (l.vw < MIN_VALUE || l.lw < max) {
        l.stack = 1;
        l.lw = w;
        l.vx = 2;
        l.vw = w - l.vx - 2;
    }
    l.mx = l.vx + l.vw + (l.mw > 0 ? 2 : 1);
    return l;
}

static int substr_width(const char *s, size_t from, size_t to)
{
    char *t = xstrndup(s + from, to - from);
    int w = text_width(t);

    free(t);
    return w;
}

/* Keep the cursor inside the vw columns shown. */
static void fix_scroll(struct ui_form_field *f, int vw)
{
    if (f->cursor < f->scroll)
        f->scroll = f->cursor;
    while (f->scroll < f->cursor && substr_width(f->value, f->scroll, f->cursor) > vw - 1)
        f->scroll = text_next_grapheme(f->value, f->scroll);
}

/* What fits of the value from byte from in vw columns, each grapheme
 * sanitised; *curcol gets the column of byte cursor (or -1). */
static char *visible(const char *v, size_t from, size_t cursor, int vw, int *curcol)
{
    struct buf b = {0};
    size_t p = from;
    int col = 0;

    *curcol = -1;
    buf_adds(&b, "");
    for (;;) {
        size_t q;
        char *g, *sg;
        int gw;

        if (p == cursor)
            *curcol = col;
        if (v[p] == '\0')
            break;
        q = text_next_grapheme(v, p);
        if (q <= p)
            break;
        g = xstrndup(v + p, q - p);
        sg = text_sanitize(g);
        gw = text_width(sg);
        free(g);
        if (col + gw > vw) {
            free(sg);
            break;
        }
        buf_adds(&b, sg);
        free(sg);
        col += gw;
        p = q;
    }
    return buf_take(&b);
}

static int choice_index(const struct ui_form_field *f)
{
    for (int i = 0; f->def->choices[i] != NULL; i++) {
        if (strcmp(f->def->choices[i], f->value) == 0)
            return i;
    }
    return -1;
}

static void draw_choice(const struct ui_form_field *f, int y, int x, int vw, attr_t a)
{
    int i = choice_index(f);
    const char *label = i >= 0 ? _(f->def->choice_labels[i]) : f->value;
    char *s = xasprintf(ui_ascii() ? "< %s >" : "‹ %s ›", label);

    ui_put_pad(stdscr, y, x, vw, s, a);
    free(s);
}

/* A secret (FT_SECRET) as one '*' per grapheme, never its letters,
 * scrolled so that the cursor shows. */
static void draw_secret(const struct ui_form_field *f, int y, int x, int vw, attr_t a, int cur)
{
    struct ui_form_field m = *f;
    struct buf b = {0};
    size_t p = 0, q;
    char *vis;
    int col;

    buf_adds(&b, "");
    m.cursor = 0;
    while (f->value[p] != '\0' && (q = text_next_grapheme(f->value, p)) > p) {
        if (p < f->cursor)
            m.cursor = b.len + 1;
        buf_addc(&b, '*');
        p = q;
    }
    m.value = b.data;
    m.scroll = 0;
    if (cur)
        fix_scroll(&m, vw);
    vis = visible(m.value, cur ? m.scroll : 0, m.cursor, vw, &col);
    ui_put_pad(stdscr, y, x, vw, vis, a);
    if (cur)
        ui_cursor(y, x + (col >= 0 ? col : 0));
    free(vis);
    buf_free(&b);
}

static const char *hint(const struct ui_form_field *f)
{
    switch (f->def->type) {
    case FT_CHOICE:
        return _("Space, Left or Right changes the choice.");
    case FT_REF:
        return _("Type the district, or press Enter to pick it from a list.");
    default:
        return f->def->required ? _("Required.") : "";
    }
}

static void draw_value(struct ui_form *fm, int i, int y, int x, int vw)
{
    struct ui_form_field *f = &fm->f[i];
    int cur = i == fm->cur, col;
    attr_t va = ui_attr(cur ? UI_FIELD_CUR : UI_FIELD);
    const char *shown;

    if (f->def->type == FT_CHOICE) {
        draw_choice(f, y, x, vw, va);
        if (cur)
            ui_cursor(y, x);
    } else if (f->def->type == FT_SECRET) {
        draw_secret(f, y, x, vw, va, cur);
    } else if (!cur && fm->display != NULL && (shown = fm->display(fm->ctx, i, f->value)) != NULL) {
        ui_put_pad(stdscr, y, x, vw, shown, va);
    } else {
        char *vis;

        if (cur)
            fix_scroll(f, vw);
        vis = visible(f->value, cur ? f->scroll : 0, f->cursor, vw, &col);
        ui_put_pad(stdscr, y, x, vw, vis, va);
        free(vis);
        if (cur)
            ui_cursor(y, x + (col >= 0 ? col : 0));
    }
}

/* Field i at row y: its label, value and message as the layout puts them. */
static void draw_field(struct ui_form *fm, const struct layout *l, int i, int y, int x)
{
    struct ui_form_field *f = &fm->f[i];
    int cur = i == fm->cur, used;
    char *label = xasprintf("%s%s", f->def->required ? "* " : "  ", _(f->def->label));

    used = ui_put(stdscr, y, x, l->lw, label, ui_attr(cur ? UI_HEADING : UI_LABEL));
    free(label);
    if (l->stack) {
        if (f->msg != NULL && l->lw - used > 3)
            ui_put(stdscr, y, x + used + 2, l->lw - used - 2, f->msg, ui_attr(UI_ERROR));
        draw_value(fm, i, y + 1, x + l->vx, l->vw);
        return;
    }
    draw_value(fm, i, y, x + l->vx, l->vw);
    if (f->msg != NULL)
        ui_put(stdscr, y, x + l->mx, l->mw > 0 ? l->mw : 1, l->mw > 0 ? f->msg : "!",
               ui_attr(UI_ERROR));
}

void ui_form_draw(struct ui_form *fm, const struct ui_rect *r)
{
    struct layout l = layout(fm, r->w);
    int rows = r->h - 2, per = l.stack ? 2 : 1;

    fm->rect = *r;
    fm->per = per;
    fm->height = rows / per > 1 ? rows / per : 1;
    if (fm->cur < fm->top)
        fm->top = fm->cur;
    if (fm->cur >= fm->top + fm->height)
        fm->top = fm->cur - fm->height + 1;
    for (int i = 0; i < fm->height && fm->top + i < fm->n; i++)
        draw_field(fm, &l, fm->top + i, r->y + i * per, r->x);
    if (fm->n > fm->height) {
        char *pos = xasprintf("%d/%d", fm->cur + 1, fm->n);

        char *shown = i18n_digits(pos);

        ui_put_right(stdscr, r->y + r->h - 2, r->x, r->w - 1, shown, ui_attr(UI_DIM));

        free(shown);

        free(pos);
    }
    if (fm->cur < fm->n) {
        const struct ui_form_field *f = &fm->f[fm->cur];

        if (f->msg != NULL) {
            char *m = xasprintf("%s: %s", _(f->def->label), f->msg);

            ui_put(stdscr, r->y + r->h - 1, r->x + 1, r->w - 2, m, ui_attr(UI_ERROR));
            free(m);
        } else {
            ui_put(stdscr, r->y + r->h - 1, r->x + 1, r->w - 2, hint(f), ui_attr(UI_DIM));
        }
    }
}

/* --- editing ---------------------------------------------------------------- */

static void edited(struct ui_form *fm, int i)
{
    fm->dirty = 1;
    check_one(fm, i);
}

static enum ui_form_result insert(struct ui_form *fm, struct ui_form_field *f, const char *u)
{
    size_t len = strlen(f->value), ul = strlen(u);
    char *v;

    if (f->def->max_len > 0 && len + ul > f->def->max_len)
        return UI_FORM_FULL;
    v = xmalloc(len + ul + 1);
    memcpy(v, f->value, f->cursor);
    memcpy(v + f->cursor, u, ul);
    memcpy(v + f->cursor + ul, f->value + f->cursor, len - f->cursor + 1);
    free(f->value);
    f->value = v;
    f->cursor += ul;
    edited(fm, fm->cur);
    return UI_FORM_HANDLED;
}

static void cut(struct ui_form *fm, struct ui_form_field *f, size_t from, size_t to)
{
    if (to <= from)
        return;
    memmove(f->value + from, f->value + to, strlen(f->value + to) + 1);
    f->cursor = from;
    edited(fm, fm->cur);
}

static void cycle(struct ui_form *fm, struct ui_form_field *f, int dir)
{
    int n = 0, i = choice_index(f);

    while (f->def->choices[n] != NULL)
        n++;
    if (n == 0)
        return;
    i = i < 0 ? 0 : (i + dir + n) % n;
    str_set(&f->value, f->def->choices[i]);
    edited(fm, fm->cur);
}

static enum ui_form_result edit_choice(struct ui_form *fm, struct ui_form_field *f,
                                       const struct ui_key *k)
{
    if (k->code == ' ' || k->code == (UI_FN | KEY_RIGHT))
        cycle(fm, f, 1);
    else if (k->code == (UI_FN | KEY_LEFT))
        cycle(fm, f, -1);
    else if (!ui_key_printable(k))
        return UI_FORM_UNHANDLED;
    return UI_FORM_HANDLED;
}

/* Keys that edit a text value; UI_FORM_UNHANDLED for keys that are not
 * editing keys. */
static enum ui_form_result edit_text(struct ui_form *fm, struct ui_form_field *f,
                                     const struct ui_key *k)
{
    size_t p;
    char u[8];

    if (ui_key_printable(k)) {
        ui_key_utf8(k, u);
        return insert(fm, f, u);
    }
    switch (k->code) {
    case UI_FN | KEY_BACKSPACE:
    case 127:
    case 8:
        if (f->cursor == 0)
            return UI_FORM_HANDLED;
        /* One code point back: the last key typed. */
        p = f->cursor - 1;
        while (p > 0 && ((unsigned char)f->value[p] & 0xc0) == 0x80)
            p--;
        cut(fm, f, p, f->cursor);
        return UI_FORM_HANDLED;
    case UI_FN | KEY_DC:
    case 4: /* Ctrl-D */
        cut(fm, f, f->cursor, text_next_grapheme(f->value, f->cursor));
        f->cursor = f->cursor <= strlen(f->value) ? f->cursor : strlen(f->value);
        return UI_FORM_HANDLED;
    case UI_FN | KEY_LEFT:
        f->cursor = text_prev_grapheme(f->value, f->cursor);
        return UI_FORM_HANDLED;
    case UI_FN | KEY_RIGHT:
        f->cursor = text_next_grapheme(f->value, f->cursor);
        return UI_FORM_HANDLED;
    case UI_FN | KEY_HOME:
    case 1: /* Ctrl-A */
        f->cursor = 0;
        return UI_FORM_HANDLED;
    case UI_FN | KEY_END:
    case 5: /* Ctrl-E */
        f->cursor = strlen(f->value);
        return UI_FORM_HANDLED;
    case 21: /* Ctrl-U: delete up to the cursor */
        cut(fm, f, 0, f->cursor);
        return UI_FORM_HANDLED;
    case 11: /* Ctrl-K: delete from the cursor */
        cut(fm, f, f->cursor, strlen(f->value));
        return UI_FORM_HANDLED;
    default:
        return UI_FORM_UNHANDLED;
    }
}

static void move_field(struct ui_form *fm, int to)
{
    if (to < 0)
        to = 0;
    if (to >= fm->n)
        to = fm->n - 1;
    fm->cur = to;
}

static int mouse(struct ui_form *fm, const struct ui_key *k)
{
    int row = (k->mouse_y - fm->rect.y) / (fm->per > 0 ? fm->per : 1);

    if (!(k->mouse_bstate & BUTTON1_PRESSED) || row < 0 || row >= fm->height ||
        fm->top + row >= fm->n)
        return UI_FORM_UNHANDLED;
    fm->cur = fm->top + row;
    return UI_FORM_HANDLED;
}

enum ui_form_result ui_form_key(struct ui_form *fm, enum action_id a, const struct ui_key *k)
{
    struct ui_form_field *f;
    enum ui_form_result r;

    if (fm->n == 0)
        return UI_FORM_UNHANDLED;
    f = &fm->f[fm->cur];
    if (k->code == (UI_FN | KEY_MOUSE))
        return mouse(fm, k);
    /* Typing comes first: 'q' or 'j' in a field is a letter, not a key. */
    r = f->def->type == FT_CHOICE ? edit_choice(fm, f, k) : edit_text(fm, f, k);
    if (r != UI_FORM_UNHANDLED)
        return r;
    switch (a) {
    case ACT_NEXT_FIELD:
        move_field(fm, fm->cur + 1);
        return UI_FORM_HANDLED;
    case ACT_PREV_FIELD:
        move_field(fm, fm->cur - 1);
        return UI_FORM_HANDLED;
    case ACT_PGDN:
        move_field(fm, fm->cur + fm->height);
        return UI_FORM_HANDLED;
    case ACT_PGUP:
        move_field(fm, fm->cur - fm->height);
        return UI_FORM_HANDLED;
    case ACT_PICK:
        if (f->def->type == FT_REF)
            return UI_FORM_PICK;
        move_field(fm, fm->cur + 1);
        return UI_FORM_HANDLED;
    default:
        return UI_FORM_UNHANDLED;
    }
}
