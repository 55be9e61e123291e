/*
 * kindsql.c: SQL text for any kind, built from its descriptor (see
 * kindsql.h).  Parameters of a list: ?1 the search, ?2.. the filters, then
 * the limit and the offset.
 */
#include "db/kindsql.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_KINDS 8

/* The joins in mask, in the kind's order. */
static void add_joins(struct buf *b, const struct kind *k, unsigned mask)
{
    for (int i = 0; k->joins != NULL && k->joins[i] != NULL; i++)
        if (mask & (1u << i))
            buf_adds(b, k->joins[i]);
}

static const char *read_expr(const struct field_def *d, struct buf *tmp)
{
    if (d->read != NULL)
        return d->read;
    tmp->len = 0;
    buf_printf(tmp, "t.%s", field_column(d));
    return tmp->data;
}

/* The audit log's picture of t: id, the fields, the XF_AUDIT extras, the
 * lock and stamp (only fields and extras for a bare kind). */
static void build_json(struct kind_sql *q, const struct kind *k)
{
    struct buf b = {0}, tmp = {0};
    const char *sep = k->audit_bare ? "" : ", ";

    buf_adds(&b, k->audit_bare ? "json_object(" : "json_object('id', t.id");
    for (int i = 0; i < k->nfields; i++) {
        const struct field_def *d = &k->fields[i];

        buf_printf(&b, "%s'%s', %s", sep, d->key, d->audit != NULL ? d->audit : read_expr(d, &tmp));
        sep = ", ";
    }
    for (int i = 0; i < k->nextras; i++)
        if (k->extras[i].flags & XF_AUDIT)
            buf_printf(&b, ", '%s', %s", k->extras[i].key, k->extras[i].read);
    if (!k->audit_bare)
        buf_adds(&b, ", 'version', t.version, 'updated_at', t.updated_at, 'updated_by', "
                     "t.updated_by");
    buf_adds(&b, ")");
    q->json = buf_take(&b);
    buf_free(&tmp);
}

static void build_get(struct kind_sql *q, const struct kind *k)
{
    struct buf b = {0}, tmp = {0};

    buf_adds(&b, "SELECT t.id, t.version");
    for (int i = 0; i < k->nfields; i++)
        buf_printf(&b, ", %s", read_expr(&k->fields[i], &tmp));
    for (int i = 0; i < k->nextras; i++)
        buf_printf(&b, ", %s", k->extras[i].read);
    buf_printf(&b, ", t.updated_at, t.updated_by FROM %s", q->from);
    q->all = xasprintf("%s ORDER BY %s", b.data, k->sorts[0].order_en);
    q->select = xstrdup(b.data);
    buf_adds(&b, " WHERE t.id = ?1");
    q->get = buf_take(&b);
    q->get_json = xasprintf("SELECT %s FROM %s WHERE t.id = ?1", q->json, q->from);
    buf_free(&tmp);
}

/* "(?b+1, ..., 1, now, ?b+P)": one row of values, parameters from base. */
static void insert_values(struct buf *b, int base, int nparams)
{
    buf_adds(b, "(");
    for (int i = 1; i < nparams; i++)
        buf_printf(b, "?%d, ", base + i);
    buf_printf(b, "1, %s, ?%d)", NOW_SQL, base + nparams);
}

static char *insert_head(const struct kind *k)
{
    struct buf b = {0};

    buf_printf(&b, "INSERT INTO %s(", k->table);
    for (int i = 0; i < k->nfields; i++)
        buf_printf(&b, "%s, ", field_column(&k->fields[i]));
    for (int i = 0; i < k->nextras; i++)
        if (k->extras[i].flags & XF_STORED)
            buf_printf(&b, "%s, ", k->extras[i].key);
    buf_adds(&b, "version, updated_at, updated_by) VALUES ");
    return buf_take(&b);
}

static void build_writes(struct kind_sql *q, const struct kind *k)
{
    struct buf b = {0};
    char *head = insert_head(k);
    int p = q->nparams;

    buf_adds(&b, head);
    insert_values(&b, 0, p);
    q->insert = buf_take(&b);
    free(head);
    buf_printf(&b, "UPDATE %s SET ", k->table);
    for (int i = 0; i < k->nfields; i++)
        buf_printf(&b, "%s = ?%d, ", field_column(&k->fields[i]), i + 1);
    buf_printf(&b,
               "version = version + 1, updated_at = %s, updated_by = ?%d"
               " WHERE id = ?%d AND version = ?%d",
               NOW_SQL, p, p + 1, p + 2);
    q->update = buf_take(&b);
    q->delete_ = xasprintf("DELETE FROM %s WHERE id = ?1 AND version = ?2", k->table);
    q->version = xasprintf("SELECT version FROM %s WHERE id = ?1", k->table);
    if (k->owner_field >= 0)
        q->owner = xasprintf("SELECT %s FROM %s WHERE id = ?1",
                             field_column(&k->fields[k->owner_field]), k->table);
    q->max_id = xasprintf("SELECT coalesce(max(id), 0) FROM %s", k->table);
}

static void build_import(struct kind_sql *q, const struct kind *k)
{
    q->added_json =
        xasprintf("SELECT t.id, %s FROM %s WHERE t.id > ?1 ORDER BY t.id", q->json, q->from);
    q->added_audit = xasprintf("INSERT INTO audit(at, user, action, record_kind, record_id, "
                               "before, after) SELECT %s, ?2, 'import', ?3, t.id, NULL, "
                               "%s FROM %s WHERE t.id > ?1 ORDER BY t.id",
                               NOW_SQL, q->json, q->from);
    q->added_ids = xasprintf("SELECT id FROM %s WHERE id > ?1 ORDER BY id", k->table);
    if (k->fts_table != NULL) {
        struct buf b = {0};

        q->fts_unindex = xasprintf(
            "DELETE FROM %s WHERE rowid IN (SELECT id FROM temp.search_pending)", k->fts_table);
        buf_printf(&b, "INSERT INTO %s(%s) SELECT %s FROM %s t", k->fts_table, k->fts_columns,
                   k->fts_values, k->table);
        add_joins(&b, k, k->fts_joins);
        buf_adds(&b, " WHERE t.id IN (SELECT id FROM temp.search_pending)");
        q->fts_index = buf_take(&b);
    }
}

struct kind_sql *kind_sql(const struct kind *k)
{
    static struct kind_sql *all[MAX_KINDS];
    struct kind_sql *q;
    struct buf b = {0};
    int i;

    for (i = 0; i < MAX_KINDS && all[i] != NULL; i++)
        if (all[i]->kind == k)
            return all[i];
    if (i == MAX_KINDS)
        fatal("kind_sql: more than %d kinds", MAX_KINDS);
    q = all[i] = xcalloc(1, sizeof *q);
    q->kind = k;
    q->nparams = k->nfields + 1;
    for (int e = 0; e < k->nextras; e++)
        q->nparams += (k->extras[e].flags & XF_STORED) != 0;
    buf_printf(&b, "%s t", k->table);
    add_joins(&b, k, ~0u);
    q->from = buf_take(&b);
    build_json(q, k);
    build_get(q, k);
    build_writes(q, k);
    build_import(q, k);
    return q;
}

const char *kind_sql_batch(struct kind_sql *q, int k)
{
    struct buf b = {0};
    char *head;

    if (q->batch[k] != NULL)
        return q->batch[k];
    head = insert_head(q->kind);
    buf_adds(&b, head);
    free(head);
    for (int r = 0; r < k; r++) {
        if (r > 0)
            buf_adds(&b, ", ");
        insert_values(&b, r * q->nparams, q->nparams);
    }
    q->batch[k] = buf_take(&b);
    return q->batch[k];
}

/* Filter i's condition with its parameter numbered: "t.x = ?3". */
static void add_filter(struct buf *b, const struct filter_def *f, int param)
{
    for (const char *s = f->where; *s != '\0'; s++) {
        if (*s == '?')
            buf_printf(b, "?%d", param);
        else
            buf_addc(b, *s);
    }
}

/* The WHERE clause of the filters in use; the joins they need in *joins. */
static void list_where(struct buf *b, const struct kind *k, unsigned used, unsigned *joins)
{
    const char *sep = " WHERE ";

    for (int i = 0; i < k->nfilters; i++) {
        if (!(used & (2u << i)))
            continue;
        buf_adds(b, sep);
        add_filter(b, &k->filters[i], i + 2);
        *joins |= k->filters[i].joins;
        sep = " AND ";
    }
    if (used & 1u)
        buf_printf(b, "%st.id IN (SELECT rowid FROM %s WHERE %s MATCH ?1)", sep, k->fts_table,
                   k->fts_table);
}

/* The joins a WHERE needs, before it. */
static char *filtered(const struct kind *k, unsigned used, unsigned more_joins)
{
    struct buf where = {0}, b = {0};
    unsigned joins = more_joins;

    buf_adds(&where, "");
    list_where(&where, k, used, &joins);
    buf_printf(&b, "%s t", k->table);
    add_joins(&b, k, joins);
    buf_adds(&b, where.data);
    buf_free(&where);
    return buf_take(&b);
}

const char *kind_sql_count(struct kind_sql *q, unsigned used)
{
    char *from;

    if (q->count[used] != NULL)
        return q->count[used];
    if (used == 1u) {
        q->count[used] = xasprintf("SELECT count(*) FROM %s WHERE %s MATCH ?1", q->kind->fts_table,
                                   q->kind->fts_table);
        return q->count[used];
    }
    from = filtered(q->kind, used, 0);
    q->count[used] = xasprintf("SELECT count(*) FROM %s", from);
    free(from);
    return q->count[used];
}

/*
 * The page is chosen on ids alone (joining only what the filters and the
 * sort need, so the name indexes serve the common case), then the rows
 * found get their list values.
 */
const char *kind_sql_page(struct kind_sql *q, unsigned used, int sort, int bn)
{
    const struct kind *k = q->kind;
    const struct sort_def *s = &k->sorts[sort];
    const char *order = bn ? s->order_bn : s->order_en;
    struct buf b = {0};
    char *from;
    int n = k->nfilters;

    if (q->page[used][sort][bn] != NULL)
        return q->page[used][sort][bn];
    from = filtered(k, used, s->joins);
    buf_adds(&b, "SELECT t.id");
    for (int i = 0; i < k->nlist_values; i++)
        buf_printf(&b, ", %s", k->list_values[i]);
    buf_printf(&b,
               " FROM (SELECT t.id AS id FROM %s ORDER BY %s LIMIT ?%d OFFSET ?%d) AS p"
               " JOIN %s t ON t.id = p.id",
               from, order, n + 2, n + 3, k->table);
    add_joins(&b, k, k->list_joins | s->joins);
    buf_printf(&b, " ORDER BY %s", order);
    free(from);
    q->page[used][sort][bn] = buf_take(&b);
    return q->page[used][sort][bn];
}

const char *kind_sql_found(struct kind_sql *q, unsigned used)
{
    const struct kind *k = q->kind;
    struct buf b = {0}, where = {0};
    unsigned joins = 0;
    int n = k->nfilters;

    if (q->found[used] != NULL)
        return q->found[used];
    buf_printf(&where, " WHERE f.%s MATCH ?1", k->fts_table);
    for (int i = 0; i < k->nfilters; i++) {
        if (!(used & (2u << i)))
            continue;
        buf_adds(&where, " AND ");
        add_filter(&where, &k->filters[i], i + 2);
        joins |= k->filters[i].joins;
    }
    buf_adds(&b, "SELECT t.id");
    for (int i = 0; i < k->nlist_values; i++)
        buf_printf(&b, ", %s", k->list_values[i]);
    buf_printf(&b, " FROM (SELECT f.rowid AS id FROM %s f JOIN %s t ON t.id = f.rowid",
               k->fts_table, k->table);
    add_joins(&b, k, joins);
    buf_printf(&b, "%s ORDER BY f.rowid LIMIT ?%d OFFSET ?%d) AS p JOIN %s t ON t.id = p.id",
               where.data, n + 2, n + 3, k->table);
    add_joins(&b, k, k->list_joins);
    buf_adds(&b, " ORDER BY p.id");
    buf_free(&where);
    q->found[used] = buf_take(&b);
    return q->found[used];
}

const char *kind_sql_found_many(struct kind_sql *q)
{
    if (q->found_many == NULL)
        q->found_many = xasprintf("SELECT count(*) > %d FROM (SELECT 1 FROM %s WHERE %s MATCH ?1"
                                  " LIMIT %d)",
                                  DB_SEARCH_SORT_MAX, q->kind->fts_table, q->kind->fts_table,
                                  DB_SEARCH_SORT_MAX + 1);
    return q->found_many;
}
