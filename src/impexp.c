/*
 * impexp.c: records from the command line: find (the directory) and the
 * export of any kind as CSV or, where the kind has cards, vCard.  The CSV
 * import is csvimport.c.
 *
 * Stored text is written sanitised, as on screen, wherever it goes (a file
 * ends up in a terminal or a spreadsheet too); formula-like cells are
 * guarded by the CSV writer.
 */
#include "impexp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db/db.h"
#include "fmt/charset.h"
#include "fmt/csv.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "text.h"
#include "util.h"

#define PAGE 256

/* s made safe for one tab-separated field: tabs, line ends and other
 * control characters become spaces, invalid UTF-8 becomes U+FFFD. */
static void put_tsv_field(FILE *out, const char *s)
{
    char *n = text_nfc(s != NULL ? s : "");

    for (unsigned char *p = (unsigned char *)n; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f)
            *p = ' ';
        else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            /* C1 control: U+0080..U+009F. */
            p[0] = ' ';
            p[1] = ' ';
            p++;
        }
    }
    fputs(n, out);
    free(n);
}

static int write_error(FILE *out, char **err)
{
    if (!ferror(out))
        return DB_OK;
    if (err != NULL)
        *err = xasprintf(_("write error: %s"), strerror(errno));
    return DB_ERROR;
}

/* One line of impexp_find(): id, names, kind, class, district, division. */
static void find_row(FILE *out, const struct record_row *r)
{
    static const int cols[] = {ML_NAME_EN, ML_NAME_BN,     ML_KIND,
                               ML_CLASS,   ML_DISTRICT_EN, ML_DIVISION_EN};

    fprintf(out, "%lld", r->id);
    for (size_t i = 0; i < nitems(cols); i++) {
        fputc('\t', out);
        put_tsv_field(out, r->v[cols[i]]);
    }
    fputc('\n', out);
}

int impexp_find(struct db *db, const char *query, FILE *out, char **err)
{
    const struct kind *k = &kind_municipality;
    struct record_query q = {0};
    int offset = 0;

    q.search = query;
    q.sort = MUNI_SORT_NAME;
    for (;;) {
        struct record_row *rows = NULL;
        int n = 0, rc = db_record_page(db, k, &q, offset, PAGE, &rows, &n, err);

        if (rc != DB_OK)
            return rc;
        for (int i = 0; i < n; i++)
            find_row(out, &rows[i]);
        record_rows_free(k, rows, n);
        if (n < PAGE)
            break;
        offset += n;
    }
    return write_error(out, err);
}

/* The columns of a kind's CSV: id, version, the fields, the exported
 * read-only values, the last change.  n gets their count. */
static int csv_columns(const struct kind *k)
{
    int n = 2 + k->nfields + 2;

    for (int i = 0; i < k->nextras; i++)
        n += (k->extras[i].flags & XF_EXPORT) != 0;
    return n;
}

static void write_csv_header(FILE *out, const struct kind *k)
{
    const char **h = xcalloc((size_t)csv_columns(k), sizeof *h);
    size_t n = 0;

    h[n++] = "id";
    h[n++] = "version";
    for (int i = 0; i < k->nfields; i++)
        if (!(k->fields[i].flags & FF_NOEXPORT))
            h[n++] = k->fields[i].key;
    for (int i = 0; i < k->nextras; i++)
        if (k->extras[i].flags & XF_EXPORT)
            h[n++] = k->extras[i].key;
    h[n++] = "updated_at";
    h[n++] = "updated_by";
    csv_write_record(out, h, n);
    free(h);
}

struct export_to {
    FILE *out;
    enum export_format fmt;
    const struct export_where *where;
    int nwhere;
};

static void write_csv_row(const struct export_to *to, const struct record *m)
{
    const struct kind *k = m->kind;
    char **v = xcalloc((size_t)csv_columns(k), sizeof *v);
    size_t n = 0;

    v[n++] = xasprintf("%lld", m->id);
    v[n++] = xasprintf("%lld", m->version);
    for (int i = 0; i < k->nfields; i++)
        if (!(k->fields[i].flags & FF_NOEXPORT))
            v[n++] = xstrdup(m->f[i]);
    for (int i = 0; i < k->nextras; i++)
        if (k->extras[i].flags & XF_EXPORT)
            v[n++] = xstrdup(m->x[i]);
    v[n++] = xstrdup(m->updated_at);
    v[n++] = xstrdup(m->updated_by);
    /* Every value as on screen: text stored before the rules may hold
     * control characters, and a CSV piped through grep or less reaches a
     * terminal as surely as one written to it (an import would refuse
     * them anyway). */
    for (size_t i = 0; i < n; i++) {
        char *safe = text_sanitize_ml(v[i]);

        free(v[i]);
        v[i] = safe;
    }
    csv_write_record(to->out, (const char *const *)v, n);
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* One record of impexp_export(); arg is a struct export_to. */
static int export_one(const struct record *m, void *arg)
{
    const struct export_to *to = arg;
    char *card;

    for (int i = 0; i < to->nwhere; i++)
        if (strcmp(m->f[to->where[i].field], to->where[i].value) != 0)
            return DB_OK;
    if (to->fmt == EXPORT_CSV) {
        write_csv_row(to, m);
        return DB_OK;
    }
    card = m->kind->vcard(m);
    fputs(card, to->out);
    free(card);
    return DB_OK;
}

int impexp_export(struct db *db, const struct kind *k, enum export_format fmt, FILE *out,
                  char **err)
{
    return impexp_export_where(db, k, fmt, NULL, 0, out, err);
}

int impexp_export_where(struct db *db, const struct kind *k, enum export_format fmt,
                        const struct export_where *where, int nwhere, FILE *out, char **err)
{
    struct export_to to;
    int rc;

    if (!auth_allowed(db_session(db), k->auth[VERB_EXPORT], 0)) {
        if (err != NULL)
            *err = xstrdup(_(k->msgs.may_not[VERB_EXPORT]));
        return DB_DENIED;
    }
    if (fmt == EXPORT_VCF && k->vcard == NULL) {
        if (err != NULL)
            *err = xasprintf(_("%s have no vCard form: export them as CSV"), k->plural);
        return DB_INVALID;
    }
    to.out = out;
    to.fmt = fmt;
    to.where = where;
    to.nwhere = nwhere;
    if (fmt == EXPORT_CSV)
        write_csv_header(out, k);
    rc = db_record_each(db, k, export_one, &to, err);
    return rc == DB_OK ? write_error(out, err) : rc;
}

int impexp_write_encoded(const char *name, const char *encoding, int bom, const char *mem,
                         size_t len, FILE *out, char **err)
{
    char *text;
    size_t n;

    text = charset_from_utf8(name, mem, len, encoding != NULL ? encoding : "utf-8", bom, &n, err);
    if (text == NULL)
        return -1;
    fwrite(text, 1, n, out);
    free(text);
    return 0;
}
