/*
 * impexp.h: records from the command line: find (the directory) and the
 * export of any kind (CSV, vCard).  Shared by main.c and, later, the
 * screens' export actions.  Returns enum db_status with a message in *err.
 */
#ifndef MABDESK_IMPEXP_H
#define MABDESK_IMPEXP_H

#include <stdio.h>

#include "record.h"

struct db;

enum export_format { EXPORT_CSV, EXPORT_VCF };

/* Print matching municipalities, one per line, tab-separated:
 * id, name_en, name_bn, kind, class, district, division. */
int impexp_find(struct db *, const char *query, FILE *out, char **err);
/* Every record of the kind, in its first sort order: CSV (header: id,
 * version, the fields, the exported read-only values, updated_at,
 * updated_by) or vCard 4.0 (a kind without cards: DB_INVALID).  Values
 * are sanitised (text_sanitize_ml()) as on screen: no control character
 * stored before the rules reaches whatever reads the output. */
int impexp_export(struct db *, const struct kind *, enum export_format, FILE *out, char **err);
/* The same, of the records whose field where[i].field holds where[i].value
 * (a choice by its stored value, a reference by its id), for every i. */
struct export_where {
    int field;
    const char *value;
};
int impexp_export_where(struct db *, const struct kind *, enum export_format,
                        const struct export_where *where, int nwhere, FILE *out, char **err);
/* An export made in UTF-8 (mem) written to out (named name in messages) in
 * encoding (NULL: UTF-8 as it is), with a byte order mark if bom: 0, or -1
 * with *err and nothing written. */
int impexp_write_encoded(const char *name, const char *encoding, int bom, const char *mem,
                         size_t len, FILE *out, char **err);

#endif
