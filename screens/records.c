/*
 * records.c: the list screen of any kind (see records.h).
 *
 * Must never load a whole table: every count and page goes to
 * db_record_count() / db_record_page() with the current query, on every
 * key that changes it.  Offers edit / add / delete only through the
 * action table, resolved through the kind, so sessions that may not do
 * them never see them.
 */
#include "records.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db/db.h"
#include "i18n.h"
#include "screens.h"
#include "text.h"
#include "ui/dialog.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "util.h"

struct records {
    const struct kind *kind;
    const struct records_extra *extra;
    void *state;
    struct screen *screen;
    struct ui_list list;
    struct buf search;
    int searching; /* keys go to the search text */
    struct record_query q;
    long long owner;
    char *owner_name;
    int total;            /* rows with no search and no filter but the owner */
    long long pending_id; /* the record a confirm dialog is about */
    char *pending_name;
    int filter_offered[KIND_MAX_FILTERS]; /* the filters f offers */
    int nfilter_offered, filtering;       /* ... and the one being picked */
    int unsorted;                         /* the search has too many matches to sort */
    char *unsorted_for;                   /* ... the search that was (as counted) */
    long long *marks;                     /* the ids of the marked records */
    int nmarks, capmarks;
    int bulk_offered[8]; /* what the menu of the marked offers: k->bulk index, -1 delete */
};

static const enum action_id list_actions[] = {
    ACT_OPEN,   ACT_SEARCH, ACT_CLEAR, ACT_SORT, ACT_EDIT, ACT_NEW, ACT_DELETE, ACT_MARK,
    ACT_MARKED, ACT_UP,     ACT_DOWN,  ACT_PGUP, ACT_PGDN, ACT_TOP, ACT_BOTTOM, ACT_NONE};
/* ... for a kind with filters on a choice field (filter_def.choice_of). */
static const enum action_id filter_list_actions[] = {
    ACT_OPEN, ACT_SEARCH, ACT_FILTER, ACT_CLEAR,  ACT_SORT, ACT_EDIT,
    ACT_NEW,  ACT_DELETE, ACT_MARK,   ACT_MARKED, ACT_UP,   ACT_DOWN,
    ACT_PGUP, ACT_PGDN,   ACT_TOP,    ACT_BOTTOM, ACT_NONE};
/* While typing a search only the keys that are not letters act. */
static const enum action_id search_actions[] = {ACT_OPEN, ACT_UP,   ACT_DOWN,
                                                ACT_PGUP, ACT_PGDN, ACT_NONE};

struct record_query *records_query(struct records *r)
{
    return &r->q;
}

void *records_state(struct records *r)
{
    return r->state;
}

const char *records_sort_label(struct records *r)
{
    return _(r->kind->sorts[r->q.sort].label);
}

void records_reset(struct records *r)
{
    ui_list_reset(&r->list);
}

static struct record_query query(struct records *r)
{
    struct record_query q = r->q;

    q.search = r->search.data;
    q.lang_bn = i18n_is_bn();
    return q;
}

static int rec_count(void *ctx, int *n, char **err)
{
    struct records *r = ctx;
    struct record_query q = query(r);

    r->unsorted =
        q.search != NULL && *q.search != '\0' && !db_record_search_sorted(app_db(), r->kind, &q);
    free(r->unsorted_for);
    r->unsorted_for = xstrdup(q.search != NULL ? q.search : "");
    return db_record_count(app_db(), r->kind, &q, n, err) == DB_OK ? 0 : -1;
}

static int rec_fetch(void *ctx, int off, int lim, void **page, char **err)
{
    struct records *r = ctx;
    struct record_query q = query(r);
    struct record_row *rows = NULL;
    int n = 0;

    /* The pages in the order the count found (one query fewer a key). */
    if (r->unsorted_for != NULL && strcmp(r->unsorted_for, q.search != NULL ? q.search : "") == 0)
        q.many = r->unsorted ? 1 : -1;
    if (db_record_page(app_db(), r->kind, &q, off, lim, &rows, &n, err) != DB_OK)
        return -1;
    *page = rows;
    return n;
}

/* The width of column c at w columns (before the rest is shared out). */
static int col_width(const struct list_col *c, int w)
{
    int n = c->width > 0 ? w * c->width / 100 : c->width < 0 ? -c->width : 0;

    return c->width != 0 && n < c->min ? c->min : n;
}

/*
 * The widths of the kind's columns in w columns: the one with width 0
 * takes what is left.  While that is less than its minimum, the last
 * column that may go (min > 0) is dropped: width 0, not drawn.
 */
static void widths(const struct kind *k, int w, int *out)
{
    int keep[16], rest = -1, used;

    for (int i = 0; i < k->ncols; i++)
        keep[i] = 1;
    for (;;) {
        int drop = -1;

        used = 0;
        for (int i = 0; i < k->ncols; i++) {
            out[i] = keep[i] ? col_width(&k->cols[i], w) : 0;
            if (k->cols[i].width == 0)
                rest = i;
            else if (keep[i] && k->cols[i].min > 0)
                drop = i;
            used += keep[i] ? out[i] + 1 : 0;
        }
        if (rest < 0 || drop < 0 || w - used >= k->cols[rest].min)
            break;
        keep[drop] = 0;
    }
    if (rest >= 0)
        out[rest] = w - used > 1 ? w - used : 1;
}

/* A cell as a person reads it.  Malloc'd. */
static char *cell(const struct list_col *c, const struct record_row *row)
{
    const char *v = c->v_bn >= 0 ? i18n_pick(row->v[c->v_en], row->v[c->v_bn]) : row->v[c->v_en];

    for (int i = 0; c->values != NULL && c->values[i] != NULL; i++)
        if (strcmp(c->values[i], v) == 0)
            v = _(c->value_labels[i]);
    if (c->v_more >= 0 && *row->v[c->v_more] != '\0')
        return xasprintf("%s, %s", v, _(row->v[c->v_more]));
    return xstrdup(v);
}

/* --- marks ------------------------------------------------------------------------ */

static int mark_index(const struct records *r, long long id)
{
    for (int i = 0; i < r->nmarks; i++)
        if (r->marks[i] == id)
            return i;
    return -1;
}

static void toggle_mark(struct records *r, long long id)
{
    int i = mark_index(r, id);

    if (i >= 0) {
        r->marks[i] = r->marks[--r->nmarks];
        return;
    }
    if (r->nmarks == r->capmarks) {
        r->capmarks = r->capmarks ? r->capmarks * 2 : 16;
        r->marks = xreallocarray(r->marks, (size_t)r->capmarks, sizeof *r->marks);
    }
    r->marks[r->nmarks++] = id;
}

static void count_total(struct records *r);

/* A change to the marked records was made: they are unmarked, and the
 * list and its count read again. */
static void marks_applied(void *ctx)
{
    struct records *r = ctx;

    r->nmarks = 0;
    ui_list_reload(&r->list);
    count_total(r);
}

static void bulk_picked(void *ctx, int index)
{
    struct records *r = ctx;

    if (index < 0)
        return;
    if (r->bulk_offered[index] == -2) {
        r->nmarks = 0;
        return;
    }
    bulk_start(r->kind, r->bulk_offered[index], r->marks, r->nmarks, marks_applied, r);
}

/* m: what to do with every marked record -- the kind's changes and delete,
 * those the session may do, and forgetting the marks. */
static void pick_bulk(struct records *r)
{
    const struct session *ses = app_session();
    const char *labels[8];
    int n = 0;
    char *title, *marked;

    if (r->nmarks == 0) {
        app_error("%s", _("Nothing is marked: Space marks the selected entry."));
        return;
    }
    for (int i = 0; i < r->kind->nbulk && n < 6; i++) {
        if (!action_allowed(ses, ACT_EDIT, r->kind, r->owner))
            break;
        r->bulk_offered[n] = i;
        labels[n++] = _(r->kind->bulk[i].label);
    }
    if (action_allowed(ses, ACT_DELETE, r->kind, r->owner)) {
        r->bulk_offered[n] = -1;
        labels[n++] = _("Delete");
    }
    r->bulk_offered[n] = -2;
    labels[n++] = _("Unmark all");
    marked = ui_number(r->nmarks);
    title = xasprintf(ngettext("%s marked", "%s marked", (unsigned long)r->nmarks), marked);
    app_push(ui_pick_new(title, labels, n, 0, bulk_picked, r));
    free(title);
    free(marked);
}

static void rec_draw_row(void *ctx, void *page, int i, int y, int x, int w, attr_t attr)
{
    struct records *r = ctx;
    const struct record_row *row = (const struct record_row *)page + i;
    int wd[16];

    widths(r->kind, w - 2, wd);
    if (r->nmarks > 0 && mark_index(r, row->id) >= 0)
        ui_put(stdscr, y, x, 1, "*", attr | A_BOLD);
    x += 1;
    for (int c = 0; c < r->kind->ncols; c++) {
        char *v;

        if (wd[c] == 0)
            continue;
        v = cell(&r->kind->cols[c], row);
        ui_put(stdscr, y, x, wd[c], v, attr);
        x += wd[c] + 1;
        free(v);
    }
}

static void rec_free_page(void *ctx, void *page, int n)
{
    struct records *r = ctx;

    record_rows_free(r->kind, page, n);
}

static const struct ui_list_ops rec_ops = {rec_count, rec_fetch, rec_draw_row, rec_free_page};

static const struct record_row *current(struct records *r)
{
    int i;
    struct record_row *page = ui_list_current(&r->list, &i);

    return page != NULL ? page + i : NULL;
}

static void count_total(struct records *r)
{
    struct record_query q = {0};
    char *err = NULL;

    if (r->kind->owner_filter >= 0)
        q.filter[r->kind->owner_filter] = r->owner;
    if (db_record_count(app_db(), r->kind, &q, &r->total, &err) != DB_OK) {
        r->total = 0;
        app_error("%s", err != NULL ? err : "?");
    }
    free(err);
}

/* Line 1: the search, and the count tests and people wait for. */
static void draw_search(struct records *r, const struct ui_rect *a)
{
    char *shown = ui_number(ui_list_count(&r->list)), *total = ui_number(r->total);
    char *marked = ui_number(r->nmarks);
    char *count = r->nmarks > 0 ? xasprintf(_("%s marked  %s of %s"), marked, shown, total)
                                : xasprintf(_("%s of %s"), shown, total);
    int x;

    ui_put_right(stdscr, a->y, a->x, a->w - 1, count, ui_attr(UI_STATUS));
    if (r->searching || r->search.len > 0) {
        x = a->x + 1;
        x += ui_put(stdscr, a->y, x, 12, _("Search:"), ui_attr(UI_LABEL)) + 1;
        x += ui_put(stdscr, a->y, x, a->w - x - text_width(count) - 3, r->search.data,
                    ui_attr(r->searching ? UI_FIELD_CUR : UI_NORMAL));
        if (r->searching)
            ui_cursor(a->y, x);
    } else {
        ui_put(stdscr, a->y, a->x + 1, a->w - text_width(count) - 4, _(r->kind->ui.hint),
               ui_attr(UI_DIM));
    }
    free(count);
    free(marked);
    free(shown);
    free(total);
}

static void draw_header(struct records *r, int y, int x, int w)
{
    int wd[16];

    widths(r->kind, w - 2, wd);
    ui_fill(stdscr, y, x, w, ui_attr(UI_HEADER));
    x += 1;
    for (int c = 0; c < r->kind->ncols; c++) {
        if (wd[c] == 0)
            continue;
        ui_put(stdscr, y, x, wd[c], _(r->kind->cols[c].label), ui_attr(UI_HEADER));
        x += wd[c] + 1;
    }
}

/* --- filters on a choice field ------------------------------------------------- */

static const struct field_def *filter_field(const struct records *r, int f)
{
    return &r->kind->fields[r->kind->filters[f].choice_of - 1];
}

/* "Status: Active  Language: Bengali" for the offered filters in use. */
static char *filters_line(const struct records *r)
{
    struct buf b = {0};

    buf_adds(&b, "");
    for (int i = 0; i < r->nfilter_offered; i++) {
        int f = r->filter_offered[i];
        long long v = r->q.filter[f];

        if (v > 0)
            buf_printf(&b, "%s%s: %s", b.len > 0 ? "  " : "", _(filter_field(r, f)->label),
                       _(filter_field(r, f)->choice_labels[v - 1]));
    }
    return buf_take(&b);
}

static void filter_value_picked(void *ctx, int index)
{
    struct records *r = ctx;

    if (index < 0)
        return;
    r->q.filter[r->filtering] = index; /* 0: all, else 1 + the value's index */
    ui_list_reset(&r->list);
}

/* The values of filter f, "All" first. */
static void pick_filter_value(struct records *r, int f)
{
    const struct field_def *d = filter_field(r, f);
    const char *labels[32];
    int n = 0;

    labels[n++] = _("All");
    for (int i = 0; d->choices[i] != NULL && n < (int)nitems(labels); i++)
        labels[n++] = _(d->choice_labels[i]);
    r->filtering = f;
    app_push(ui_pick_new(_(d->label), labels, n, (int)r->q.filter[f], filter_value_picked, r));
}

static void filter_picked(void *ctx, int index)
{
    struct records *r = ctx;

    if (index >= 0 && index < r->nfilter_offered)
        pick_filter_value(r, r->filter_offered[index]);
}

/* f: which filter (when there are several), then its value. */
static void pick_filter(struct records *r)
{
    const char *labels[KIND_MAX_FILTERS];

    if (r->nfilter_offered == 1) {
        pick_filter_value(r, r->filter_offered[0]);
        return;
    }
    for (int i = 0; i < r->nfilter_offered; i++)
        labels[i] = _(filter_field(r, r->filter_offered[i])->label);
    app_push(ui_pick_new(_("Filter"), labels, r->nfilter_offered, 0, filter_picked, r));
}

static void rec_draw(struct screen *s, const struct ui_rect *a)
{
    struct records *r = s->st;
    struct ui_rect lr = {a->y + 3, a->x, a->h - 3, a->w};
    char *line;

    draw_search(r, a);
    /* Line 2: filters and order. */
    if (r->extra != NULL && r->extra->draw_filters != NULL) {
        r->extra->draw_filters(r, a->y + 1, a->x + 1, a->w - 2);
    } else {
        char *filters = filters_line(r);

        if (r->unsorted) {
            char *most = ui_number(DB_SEARCH_SORT_MAX);

            line = xasprintf(_("Over %s matches, in the order added: type more to sort by %s"),
                             most, records_sort_label(r));
            free(most);
        } else if (r->owner != 0) {
            line = xasprintf(_("%s   Sorted by %s"), r->owner_name, records_sort_label(r));
        } else {
            line = xasprintf(_("Sorted by %s"), records_sort_label(r));
        }
        if (*filters != '\0') {
            char *both = xasprintf("%s   %s", filters, line);

            free(line);
            line = both;
        }
        ui_put(stdscr, a->y + 1, a->x + 1, a->w - 2, line, ui_attr(UI_NORMAL));
        free(filters);
        free(line);
    }
    draw_header(r, a->y + 2, a->x, a->w);
    ui_list_draw(&r->list, &lr);
}

static void set_searching(struct records *r, int on)
{
    r->searching = on;
    r->screen->actions = on                                              ? search_actions
                         : r->extra != NULL && r->extra->actions != NULL ? r->extra->actions
                         : r->nfilter_offered > 0                        ? filter_list_actions
                                                                         : list_actions;
}

static void clear_search(struct records *r)
{
    r->search.len = 0;
    r->search.data[0] = '\0';
}

/* --- delete ------------------------------------------------------------------- */

static void delete_answer(void *ctx, int yes)
{
    struct records *r = ctx;
    struct record m;
    char *err = NULL;
    int rc;

    if (!yes)
        return;
    record_init(&m, r->kind);
    rc = db_record_get(app_db(), r->kind, r->pending_id, &m, &err);
    if (rc == DB_OK)
        rc = db_record_delete(app_db(), r->kind, m.id, m.version, &err);
    if (rc == DB_OK)
        app_status(_("Deleted %s."), r->pending_name);
    else
        app_error("%s", err != NULL ? err : "?");
    free(err);
    record_free(&m);
    ui_list_reload(&r->list);
    count_total(r);
}

static void ask_delete(struct records *r, const struct record_row *row)
{
    const struct kind *k = r->kind;
    char *text;

    r->pending_id = row->id;
    str_set(&r->pending_name, i18n_pick(row->v[k->cols[0].v_en], row->v[k->cols[0].v_bn]));
    text = xasprintf(_("Delete %s from the directory? Its history stays in the audit log."),
                     r->pending_name);
    app_push(ui_confirm_new(_(k->ui.delete_title), text, delete_answer, r));
    free(text);
}

/* --- keys --------------------------------------------------------------------- */

/* A key that edits the search text: 1 if it did. */
static int edit_search(struct records *r, const struct ui_key *k)
{
    char u[8];

    if (ui_key_printable(k)) {
        ui_key_utf8(k, u);
        if (r->search.len < 200)
            buf_adds(&r->search, u);
    } else if (k->code == (UI_FN | KEY_BACKSPACE) || k->code == 127 || k->code == 8) {
        if (r->search.len == 0) {
            set_searching(r, 0);
            return 1;
        }
        /* One code point back: the last key typed. */
        do
            r->search.len--;
        while (r->search.len > 0 && ((unsigned char)r->search.data[r->search.len] & 0xc0) == 0x80);
        r->search.data[r->search.len] = '\0';
    } else if (k->code == 21) { /* Ctrl-U */
        clear_search(r);
    } else {
        return 0;
    }
    ui_list_reset(&r->list);
    return 1;
}

static int search_key(struct records *r, enum action_id a, const struct ui_key *k)
{
    if (edit_search(r, k))
        return 1;
    if (a == ACT_BACK) {
        /* Esc: forget the search, stay on the list. */
        clear_search(r);
        set_searching(r, 0);
        ui_list_reset(&r->list);
        return 1;
    }
    if (a == ACT_OPEN || k->code == '\t')
        set_searching(r, 0);
    return 0;
}

/* Add a record; one of an owner's list belongs to that owner. */
static void add_new(struct records *r)
{
    struct record preset;
    char id[32];

    record_init(&preset, r->kind);
    if (r->owner != 0 && r->kind->owner_field >= 0) {
        snprintf(id, sizeof id, "%lld", r->owner);
        record_set(&preset, r->kind->owner_field, id);
    }
    app_push(screen_edit_new(r->kind, 0, &preset));
    record_free(&preset);
}

static int list_action(struct records *r, enum action_id a, const struct record_row *row)
{
    switch (a) {
    case ACT_OPEN:
        if (row != NULL)
            app_push(screen_record_new(r->kind, row->id));
        return 1;
    case ACT_SEARCH:
        set_searching(r, 1);
        return 1;
    case ACT_CLEAR:
        clear_search(r);
        for (int i = 0; i < r->kind->nfilters; i++)
            if (i != r->kind->owner_filter)
                r->q.filter[i] = 0;
        ui_list_reset(&r->list);
        return 1;
    case ACT_FILTER:
        pick_filter(r);
        return 1;
    case ACT_SORT:
        r->q.sort = (r->q.sort + 1) % r->kind->nsorts;
        ui_list_reset(&r->list);
        app_status(_("Sorted by %s."), records_sort_label(r));
        return 1;
    case ACT_EDIT:
        if (row != NULL)
            app_push(screen_edit_new(r->kind, row->id, NULL));
        return 1;
    case ACT_NEW:
        add_new(r);
        return 1;
    case ACT_DELETE:
        if (row != NULL)
            ask_delete(r, row);
        return 1;
    case ACT_MARK:
        if (row != NULL) {
            toggle_mark(r, row->id);
            ui_list_key(&r->list, ACT_DOWN, NULL);
        }
        return 1;
    case ACT_MARKED:
        pick_bulk(r);
        return 1;
    default:
        return r->extra != NULL && r->extra->key != NULL && r->extra->key(r, a);
    }
}

static int rec_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct records *r = s->st;
    int lr;

    if (r->searching && search_key(r, a, k))
        return 1;
    lr = ui_list_key(&r->list, a, k);
    if (lr == UI_LIST_MOVED)
        return 1;
    if (lr == UI_LIST_OPEN)
        a = ACT_OPEN;
    return list_action(r, a, current(r));
}

/* The owning municipality per-record actions are asked about: the
 * selected record's, or for a list of one body, that body. */
static long long rec_record(struct screen *s)
{
    struct records *r = s->st;
    const struct record_row *row = current(r);

    if (r->owner != 0)
        return r->owner;
    if (row == NULL)
        return 0;
    return r->kind->list_owner < 0 ? row->id : strtoll(row->v[r->kind->list_owner], NULL, 10);
}

static void rec_reload(struct screen *s)
{
    struct records *r = s->st;

    count_total(r);
    ui_list_reload(&r->list);
}

static void rec_leave(struct screen *s)
{
    struct records *r = s->st;

    ui_list_free(&r->list);
    buf_free(&r->search);
    if (r->extra != NULL && r->extra->free_state != NULL)
        r->extra->free_state(r->state);
    free(r->pending_name);
    free(r->owner_name);
    free(r->unsorted_for);
    free(r->marks);
    free(r);
    free(s);
}

/* The owner's name for line 2 (asked once, not while drawing). */
static void owner_name(struct records *r)
{
    const struct field_def *d = &r->kind->fields[r->kind->owner_field];
    char id[32], *en = NULL, *bn = NULL;

    snprintf(id, sizeof id, "%lld", r->owner);
    if (db_ref_label(app_db(), d, id, &en, &bn, NULL) == DB_OK)
        r->owner_name = xstrdup(i18n_pick(en, bn));
    else
        r->owner_name = xstrdup(id);
    free(en);
    free(bn);
}

struct screen *screen_records_new(const struct kind *k, long long owner)
{
    return records_screen_new(k, NULL, NULL, owner);
}

struct screen *records_screen_new(const struct kind *k, const struct records_extra *extra,
                                  void *state, long long owner)
{
    struct records *r = xcalloc(1, sizeof *r);
    struct screen *s = screen_new(k->plural, k->ui.list_title, r);

    r->kind = k;
    r->extra = extra;
    r->state = state;
    r->screen = s;
    r->owner = k->owner_filter >= 0 ? owner : 0;
    for (int i = 0; i < k->nfilters; i++)
        if (k->filters[i].choice_of > 0)
            r->filter_offered[r->nfilter_offered++] = i;
    if (r->owner != 0) {
        r->q.filter[k->owner_filter] = owner;
        owner_name(r);
    }
    buf_adds(&r->search, "");
    ui_list_init(&r->list, &rec_ops, r, k->ui.empty);
    count_total(r);
    s->kind = k;
    s->draw = rec_draw;
    s->key = rec_key;
    s->reload = rec_reload;
    s->leave = rec_leave;
    s->record = rec_record;
    set_searching(r, 0);
    return s;
}
