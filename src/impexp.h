/*
 * impexp.h: the directory's command-line side: find, export (CSV, vCard)
 * and all-or-nothing CSV import.  Shared by main.c and, later, the screens'
 * import/export actions.  Returns enum db_status; errors for a person are
 * one line each: "FILE:LINE: field: problem".
 */
#ifndef MABDESK_IMPEXP_H
#define MABDESK_IMPEXP_H

#include <stdio.h>

struct db;

enum export_format { EXPORT_CSV, EXPORT_VCF };

/* Print matching entries, one per line, tab-separated:
 * id, name_en, name_bn, kind, class, district, division. */
int impexp_find(struct db *, const char *query, FILE *out, char **err);
/* To a terminal, values are sanitised (text_sanitize_ml()) as on screen. */
int impexp_export_municipalities(struct db *, enum export_format, FILE *out, char **err);
/* Reads path ("-" = stdin) in the character set encoding ("auto", "utf-8"
 * or an iconv name: fmt/charset.h).  Every problem is written to report as
 * one line, at most 50 of them and then how many more; *count gets the
 * number of rows added or changed (or that would be, with dry_run); rows
 * identical to the stored record are not rewritten. */
int impexp_import_municipalities(struct db *, const char *path, const char *encoding, int dry_run,
                                 FILE *report, int *count, char **err);

#endif
