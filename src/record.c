/*
 * record.c: a record of any kind as a value: its fields and read-only
 * extras as strings, made, copied, set, compared and validated the same way
 * for every kind (the rules of each type are in field.c).
 */
#include "record.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

static char **strings_new(int n)
{
    char **v = xcalloc(n > 0 ? (size_t)n : 1, sizeof *v);

    for (int i = 0; i < n; i++)
        v[i] = xstrdup("");
    return v;
}

static void strings_free(char **v, int n)
{
    if (v == NULL)
        return;
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void record_init(struct record *r, const struct kind *k)
{
    memset(r, 0, sizeof *r);
    r->kind = k;
    r->f = strings_new(k->nfields);
    r->x = strings_new(k->nextras);
    r->updated_at = xstrdup("");
    r->updated_by = xstrdup("");
}

void record_free(struct record *r)
{
    if (r->kind != NULL) {
        strings_free(r->f, r->kind->nfields);
        strings_free(r->x, r->kind->nextras);
    }
    free(r->updated_at);
    free(r->updated_by);
    memset(r, 0, sizeof *r);
}

static char **strings_copy(char *const *src, int n)
{
    char **v = xcalloc(n > 0 ? (size_t)n : 1, sizeof *v);

    for (int i = 0; i < n; i++)
        v[i] = xstrdup(src != NULL && src[i] != NULL ? src[i] : "");
    return v;
}

void record_copy(struct record *dst, const struct record *src)
{
    struct record tmp;

    /* Built aside first, so record_copy(r, r) cannot read freed memory. */
    memset(&tmp, 0, sizeof tmp);
    tmp.kind = src->kind;
    tmp.id = src->id;
    tmp.version = src->version;
    tmp.f = strings_copy(src->f, src->kind->nfields);
    tmp.x = strings_copy(src->x, src->kind->nextras);
    tmp.updated_at = xstrdup(src->updated_at != NULL ? src->updated_at : "");
    tmp.updated_by = xstrdup(src->updated_by != NULL ? src->updated_by : "");
    record_free(dst);
    *dst = tmp;
}

void record_set(struct record *r, int f, const char *value)
{
    char *v;

    if (f < 0 || f >= r->kind->nfields)
        fatal("record_set: %s has no field %d", r->kind->name, f);
    v = text_clean(value != NULL ? value : "");
    free(r->f[f]);
    r->f[f] = v;
}

int record_same_fields(const struct record *a, const struct record *b)
{
    for (int i = 0; i < a->kind->nfields; i++)
        if (strcmp(a->f[i], b->f[i]) != 0)
            return 0;
    return 1;
}

long long record_owner(const struct record *r)
{
    if (r->kind->owner_field < 0)
        return r->id;
    return strtoll(r->f[r->kind->owner_field], NULL, 10);
}

int kind_field_by_key(const struct kind *k, const char *name)
{
    if (name == NULL)
        return -1;
    for (int i = 0; i < k->nfields; i++)
        if (strcmp(k->fields[i].key, name) == 0)
            return i;
    return -1;
}

int kind_extra_by_key(const struct kind *k, const char *name)
{
    if (name == NULL)
        return -1;
    for (int i = 0; i < k->nextras; i++)
        if (strcmp(k->extras[i].key, name) == 0)
            return i;
    return -1;
}

const char *field_column(const struct field_def *d)
{
    return d->column != NULL ? d->column : d->key;
}

int record_validate(const struct record *r, char *msg, size_t msgsz)
{
    for (int i = 0; i < r->kind->nfields; i++)
        if (record_check_field(r->kind, i, r->f[i], msg, msgsz) != NULL)
            return i;
    if (r->kind->check != NULL)
        return r->kind->check(r, msg, msgsz);
    return -1;
}
