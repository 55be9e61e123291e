/*
 * dialog.c: confirm, message, pick and conflict dialogs as overlay screens
 * (see dialog.h).
 *
 * A dialog is modal: it swallows every key but help, language and redraw.
 * Answered, it keeps the answer and asks the app to close it
 * (SCREEN_CLOSE); it calls back only from its closed hook, once it is off
 * the stack.  It never writes anything itself and never calls the app.
 */
#include "ui/dialog.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "util.h"

enum dialog_kind { D_CONFIRM, D_PICK, D_CONFLICT };

struct dialog {
    enum dialog_kind kind;
    char *title;
    char *text;
    void *ctx;
    void (*done_yes)(void *, int);
    void (*done_pick)(void *, int);
    void (*done_conflict)(void *, enum ui_conflict_choice);
    int answer; /* yes, the index picked or the conflict choice */
    /* pick */
    char **labels;
    int nlabels;
    int *shown; /* indices of labels that match the filter */
    int nshown;
    struct buf filter;
    /* conflict */
    struct ui_conflict_row *rows;
    int nrows;
    struct ui_list list;
};

static const enum action_id confirm_actions[] = {ACT_YES, ACT_NO, ACT_NONE};
static const enum action_id pick_actions[] = {ACT_CHOOSE, ACT_BACK, ACT_UP,     ACT_DOWN, ACT_PGUP,
                                              ACT_PGDN,   ACT_TOP,  ACT_BOTTOM, ACT_NONE};
static const enum action_id conflict_actions[] = {
    ACT_KEEP_MINE, ACT_TAKE_THEIRS, ACT_BACK, ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_NONE};
static const enum action_id conflict_actions_nokeep[] = {
    ACT_TAKE_THEIRS, ACT_BACK, ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_NONE};

static void dialog_leave(struct screen *s)
{
    struct dialog *d = s->st;

    free(d->title);
    free(d->text);
    for (int i = 0; i < d->nlabels; i++)
        free(d->labels[i]);
    free(d->labels);
    free(d->shown);
    buf_free(&d->filter);
    for (int i = 0; i < d->nrows; i++) {
        free((char *)d->rows[i].label);
        free((char *)d->rows[i].mine);
        free((char *)d->rows[i].theirs);
    }
    free(d->rows);
    if (d->kind == D_PICK || d->kind == D_CONFLICT)
        ui_list_free(&d->list);
    free(d);
    free(s);
}

/* The dialog's frame, centred in body; returns the inside. */
static struct ui_rect frame(const struct ui_rect *body, int w, int h, const char *title)
{
    struct ui_rect r;

    if (w > body->w - 2)
        w = body->w - 2;
    if (h > body->h)
        h = body->h;
    r = (struct ui_rect){body->y + (body->h - h) / 2, body->x + (body->w - w) / 2, h, w};
    for (int i = 0; i < h; i++)
        ui_fill(stdscr, r.y + i, r.x, w, ui_attr(UI_DIALOG));
    ui_box(stdscr, &r, ui_attr(UI_DIALOG));
    if (title != NULL && *title != '\0') {
        char *t = xasprintf(" %s ", title);

        ui_put(stdscr, r.y, r.x + 2, w - 4, t, ui_attr(UI_HEADING));
        free(t);
    }
    return (struct ui_rect){r.y + 1, r.x + 2, h - 2, w - 4};
}

/* "y Yes   n No" inside the dialog, from the action table. */
static void draw_hints(int y, int x, int w, const enum action_id *ids)
{
    for (; *ids != ACT_NONE && w > 0; ids++) {
        const struct action_def *d = action_def(*ids);
        int n;

        if (d->bar != BAR_ESSENTIAL && *ids != ACT_BACK)
            continue;
        n = ui_put(stdscr, y, x, w, d->bar_key, ui_attr(UI_KEY));
        n += 1;
        n += ui_put(stdscr, y, x + n, w - n, _(d->label), ui_attr(UI_DIALOG));
        n += 3;
        x += n;
        w -= n;
    }
}

static int modal(enum action_id a)
{
    /* Help, language and redraw stay with the app; everything else is ours. */
    return !(a == ACT_HELP || a == ACT_LANG || a == ACT_REDRAW);
}

/* Off the stack: tell whoever opened the dialog. */
static void dialog_closed(struct screen *s)
{
    struct dialog *d = s->st;

    switch (d->kind) {
    case D_CONFIRM:
        if (d->done_yes != NULL)
            d->done_yes(d->ctx, d->answer);
        break;
    case D_PICK:
        if (d->done_pick != NULL)
            d->done_pick(d->ctx, d->answer);
        break;
    case D_CONFLICT:
        d->done_conflict(d->ctx, (enum ui_conflict_choice)d->answer);
        break;
    }
}

/* Keep the answer until the app has closed the dialog. */
static int answer(struct dialog *d, int value)
{
    d->answer = value;
    return SCREEN_CLOSE;
}

static struct screen *dialog_screen(struct dialog *d, const char *name)
{
    struct screen *s = screen_new(name, NULL, d);

    s->overlay = 1;
    s->closed = dialog_closed;
    s->leave = dialog_leave;
    return s;
}

/* --- confirm and message --------------------------------------------------- */

static void text_draw(struct screen *s, const struct ui_rect *body)
{
    struct dialog *d = s->st;
    int n = 0, w = text_width(d->text) + 6;
    char **lines;
    struct ui_rect in;

    if (w < 40)
        w = 40;
    if (w > 66)
        w = 66;
    if (w > body->w - 2)
        w = body->w - 2;
    lines = text_wrap(d->text, w - 4, &n);
    in = frame(body, w, n + 4, d->title);
    for (int i = 0; i < n && i < in.h - 2; i++)
        ui_put(stdscr, in.y + i, in.x, in.w, lines[i], ui_attr(UI_DIALOG));
    text_lines_free(lines, n);
    if (d->kind == D_CONFIRM)
        draw_hints(in.y + in.h - 1, in.x, in.w, confirm_actions);
    else
        ui_put(stdscr, in.y + in.h - 1, in.x, in.w, _("Press any key to go on."), ui_attr(UI_DIM));
}

static int confirm_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct dialog *d = s->st;

    if (a == ACT_YES || a == ACT_NO || a == ACT_BACK)
        return answer(d, a == ACT_YES);
    return modal(a);
}

struct screen *ui_confirm_new(const char *title, const char *text, void (*done)(void *ctx, int yes),
                              void *ctx)
{
    struct dialog *d = xcalloc(1, sizeof *d);
    struct screen *s = dialog_screen(d, "confirm");

    d->kind = D_CONFIRM;
    d->title = xstrdup(title);
    d->text = xstrdup(text);
    d->done_yes = done;
    d->ctx = ctx;
    s->actions = confirm_actions;
    s->draw = text_draw;
    s->key = confirm_key;
    return s;
}

/* --- pick ------------------------------------------------------------------- */

static int pick_count(void *ctx, int *n, char **err)
{
    struct dialog *d = ctx;

    *n = d->nshown;
    return 0;
}

static int pick_fetch(void *ctx, int off, int lim, void **page, char **err)
{
    struct dialog *d = ctx;

    *page = d->shown + off;
    return off + lim <= d->nshown ? lim : d->nshown - off;
}

static void pick_draw_row(void *ctx, void *page, int i, int y, int x, int w, attr_t attr)
{
    struct dialog *d = ctx;
    int idx = ((int *)page)[i];

    ui_put(stdscr, y, x + 1, w - 1, d->labels[idx], attr);
}

static void pick_free_page(void *ctx, void *page, int n)
{
}

static const struct ui_list_ops pick_ops = {pick_count, pick_fetch, pick_draw_row, pick_free_page};

static void pick_refilter(struct dialog *d)
{
    char *f = text_fold(d->filter.data != NULL ? d->filter.data : "");

    d->nshown = 0;
    for (int i = 0; i < d->nlabels; i++) {
        char *l = text_fold(d->labels[i]);

        if (*f == '\0' || strstr(l, f) != NULL)
            d->shown[d->nshown++] = i;
        free(l);
    }
    free(f);
    ui_list_reset(&d->list);
}

static void pick_draw(struct screen *s, const struct ui_rect *body)
{
    struct dialog *d = s->st;
    struct ui_rect in, lr;
    int w = text_width(d->title) + 8;
    char *line;

    for (int i = 0; i < d->nlabels; i++) {
        if (text_width(d->labels[i]) + 8 > w)
            w = text_width(d->labels[i]) + 8;
    }
    if (w < 40)
        w = 40;
    in = frame(body, w, d->nlabels + 5, d->title);
    line = xasprintf("%s %s", _("Type to narrow:"), d->filter.data != NULL ? d->filter.data : "");
    ui_put(stdscr, in.y, in.x, in.w, line, ui_attr(UI_DIM));
    ui_cursor(in.y, in.x + (text_width(line) < in.w ? text_width(line) : in.w - 1));
    free(line);
    lr = (struct ui_rect){in.y + 2, in.x, in.h - 2, in.w};
    ui_list_draw(&d->list, &lr);
}

static int pick_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct dialog *d = s->st;
    int idx, r;
    int *page;

    if (ui_key_printable(k)) {
        char u[8];

        ui_key_utf8(k, u);
        buf_adds(&d->filter, u);
        pick_refilter(d);
        return 1;
    }
    if (k->code == (UI_FN | KEY_BACKSPACE) || k->code == 127 || k->code == 8) {
        if (d->filter.len > 0) {
            d->filter.len = text_prev_grapheme(d->filter.data, d->filter.len);
            d->filter.data[d->filter.len] = '\0';
            pick_refilter(d);
        }
        return 1;
    }
    if (a == ACT_BACK)
        return answer(d, -1);
    r = ui_list_key(&d->list, a, k);
    if (a == ACT_CHOOSE || r == UI_LIST_OPEN) {
        page = ui_list_current(&d->list, &idx);
        return page != NULL ? answer(d, page[idx]) : 1;
    }
    return r != UI_LIST_UNHANDLED || modal(a);
}

struct screen *ui_pick_new(const char *title, const char *const *labels, int n, int current,
                           void (*done)(void *ctx, int index), void *ctx)
{
    struct dialog *d = xcalloc(1, sizeof *d);
    struct screen *s = dialog_screen(d, "pick");

    d->kind = D_PICK;
    d->title = xstrdup(title);
    d->labels = xreallocarray(NULL, (size_t)(n > 0 ? n : 1), sizeof *d->labels);
    d->shown = xreallocarray(NULL, (size_t)(n > 0 ? n : 1), sizeof *d->shown);
    for (int i = 0; i < n; i++)
        d->labels[i] = xstrdup(labels[i]);
    d->nlabels = n;
    d->done_pick = done;
    d->ctx = ctx;
    ui_list_init(&d->list, &pick_ops, d, N_("Nothing matches."));
    pick_refilter(d);
    if (current >= 0 && current < n)
        d->list.cur = current;
    s->actions = pick_actions;
    s->draw = pick_draw;
    s->key = pick_key;
    return s;
}

/* --- conflict --------------------------------------------------------------- */

static int conflict_count(void *ctx, int *n, char **err)
{
    struct dialog *d = ctx;

    *n = d->nrows;
    return 0;
}

static int conflict_fetch(void *ctx, int off, int lim, void **page, char **err)
{
    struct dialog *d = ctx;

    *page = d->rows + off;
    return off + lim <= d->nrows ? lim : d->nrows - off;
}

/* Column widths of the conflict table for width w: the field's name gets
 * a third of a narrow dialog, where a quarter would say little. */
static void conflict_cols(int w, int *lw, int *vw)
{
    *lw = w < 60 ? w / 3 : w / 4;
    *vw = (w - *lw - 2) / 2;
}

static void conflict_draw_row(void *ctx, void *page, int i, int y, int x, int w, attr_t attr)
{
    const struct ui_conflict_row *r = (const struct ui_conflict_row *)page + i;
    int lw, vw;

    conflict_cols(w, &lw, &vw);
    ui_put(stdscr, y, x, lw, r->label, attr);
    ui_put(stdscr, y, x + lw + 1, vw, *r->mine != '\0' ? r->mine : "-", attr);
    ui_put(stdscr, y, x + lw + 2 + vw, vw, *r->theirs != '\0' ? r->theirs : "-", attr);
}

static const struct ui_list_ops conflict_ops = {conflict_count, conflict_fetch, conflict_draw_row,
                                                pick_free_page};

static void conflict_draw(struct screen *s, const struct ui_rect *body)
{
    struct dialog *d = s->st;
    struct ui_rect in, lr;
    int n = 0, lw, vw, h = d->nrows + 8, tl;
    char **lines;

    in = frame(body, body->w - 2, h < 12 ? 12 : h, _("Someone else saved this record"));
    /* The explanation in as many lines as it takes on a narrow screen,
     * leaving the table at least two rows. */
    lines = text_wrap(d->text, in.w, &n);
    tl = n < 2 ? 2 : n > in.h - 5 ? in.h - 5 : n;
    if (tl < 2)
        tl = 2;
    for (int i = 0; i < n && i < tl; i++)
        ui_put(stdscr, in.y + i, in.x, in.w, lines[i], ui_attr(UI_DIALOG));
    text_lines_free(lines, n);
    conflict_cols(in.w, &lw, &vw);
    ui_put(stdscr, in.y + tl, in.x, lw, _("Field"), ui_attr(UI_HEADER));
    ui_put(stdscr, in.y + tl, in.x + lw + 1, vw, _("Yours"), ui_attr(UI_HEADER));
    ui_put(stdscr, in.y + tl, in.x + lw + 2 + vw, vw, _("Theirs (saved)"), ui_attr(UI_HEADER));
    lr = (struct ui_rect){in.y + tl + 1, in.x, in.h - tl - 3, in.w};
    ui_list_draw(&d->list, &lr);
    draw_hints(in.y + in.h - 1, in.x, in.w, s->actions);
}

static int conflict_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct dialog *d = s->st;
    enum ui_conflict_choice c;

    switch (a) {
    case ACT_KEEP_MINE:
        c = UI_CONFLICT_KEEP_MINE;
        break;
    case ACT_TAKE_THEIRS:
        c = UI_CONFLICT_TAKE_THEIRS;
        break;
    case ACT_BACK:
        c = UI_CONFLICT_BACK;
        break;
    default:
        if (ui_list_key(&d->list, a, k) != UI_LIST_UNHANDLED)
            return 1;
        return modal(a);
    }
    return answer(d, (int)c);
}

struct screen *ui_conflict_new(const struct ui_conflict_row *rows, int n, const char *who,
                               const char *when, int may_keep_mine,
                               void (*done)(void *ctx, enum ui_conflict_choice), void *ctx)
{
    struct dialog *d = xcalloc(1, sizeof *d);
    struct screen *s = dialog_screen(d, "conflict");

    d->kind = D_CONFLICT;
    d->text = xasprintf(_("%s saved this record at %s, after you started editing. "
                          "Nothing has been overwritten. Choose what to keep:"),
                        who != NULL && *who != '\0' ? who : "?",
                        when != NULL && *when != '\0' ? when : "?");
    d->rows = xreallocarray(NULL, (size_t)(n > 0 ? n : 1), sizeof *d->rows);
    for (int i = 0; i < n; i++) {
        d->rows[i].label = xstrdup(rows[i].label);
        d->rows[i].mine = xstrdup(rows[i].mine != NULL ? rows[i].mine : "");
        d->rows[i].theirs = xstrdup(rows[i].theirs != NULL ? rows[i].theirs : "");
    }
    d->nrows = n;
    d->done_conflict = done;
    d->ctx = ctx;
    ui_list_init(&d->list, &conflict_ops, d,
                 N_("No field differs: only the record's version changed."));
    s->actions = may_keep_mine ? conflict_actions : conflict_actions_nokeep;
    s->draw = conflict_draw;
    s->key = conflict_key;
    return s;
}
