/*
 * csvimport.h: the all-or-nothing CSV import of any kind of record, as
 * `mabdesk import KIND FILE.csv` runs it.  Returns enum db_status; every
 * problem is written to report as one line "FILE:LINE: field: problem",
 * at most 50 of them and then how many more.
 */
#ifndef MABDESK_CSVIMPORT_H
#define MABDESK_CSVIMPORT_H

#include <stdio.h>

#include "record.h"

struct db;

/* Reads path ("-" = stdin) in the character set encoding ("auto", "utf-8"
 * or an iconv name: fmt/charset.h).  A column names a field by its key;
 * "id" and "version" say which record a row updates (and from which
 * version); the read-only columns an export writes are ignored.  *count
 * gets the number of rows added or changed (or that would be, with
 * dry_run); rows identical to the stored record are not rewritten. */
int csv_import(struct db *, const struct kind *, const char *path, const char *encoding,
               int dry_run, FILE *report, int *count, char **err);

/*
 * The same with what a kind with a key (subscribers) needs: a row without
 * an id updates the record its key names (compared without regard to
 * case), a repeated key in the file is counted and skipped (the first
 * row wins), and the kind's import_row hook decides how a row meets the
 * record (consent_note: where the people of the file consented).  *stats
 * gets what was (or with dry_run would be) done.
 */
struct csv_import_opts {
    const char *encoding;
    int dry_run;
    const char *consent_note; /* NULL: not said */
    /* Told how far the import got (bytes of the file read so far, of
     * total; done == total once it is all read; 0 of 0 when it ends,
     * before any problem is reported); NULL: nobody asks. */
    void (*progress)(void *arg, unsigned long long done, unsigned long long total);
    void *progress_arg;
};
struct csv_import_stats {
    int added, updated, unchanged, duplicates, rejected;
};
int csv_import_with(struct db *, const struct kind *, const char *path,
                    const struct csv_import_opts *, FILE *report, struct csv_import_stats *,
                    char **err);

#endif
