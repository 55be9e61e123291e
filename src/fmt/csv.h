/*
 * csv.h: RFC 4180 CSV reading and writing (UTF-8), on top of libcsv.
 *
 * The reader hands out one record at a time with the physical line on which
 * it starts, so every error can say FILE:LINE.  It accepts CRLF and LF line
 * ends, a UTF-8 byte-order mark at the start, quoted fields with embedded
 * commas, quotes and newlines.  It never changes the text of a field
 * (normalisation is the caller's business).
 */
#ifndef MABDESK_CSV_H
#define MABDESK_CSV_H

#include <stddef.h>
#include <stdio.h>

struct csv_reader;

/* Read from memory (the seed data, valid UTF-8); name is used in messages. */
struct csv_reader *csv_reader_mem(const char *name, const char *data, size_t len);

enum { CSV_ENOFILE = 1, CSV_EBADTEXT = 2 };
/*
 * Read a whole file ("-" = stdin), in the character set encoding ("auto",
 * "utf-8" or any iconv name: see charset.h), as UTF-8.  0 with *out set;
 * CSV_ENOFILE when it cannot be opened or read, CSV_EBADTEXT when its
 * bytes are not text in that character set, each with *err set.
 */
int csv_reader_open(struct csv_reader **out, const char *path, const char *encoding, char **err);
/*
 * Next record: 1 with *fields / *nfields set (valid until the next call),
 * 0 at the end, -1 on a malformed file (*err: "FILE:LINE: problem").
 * *line is the line on which the record starts (1-based).  Empty lines are
 * skipped.
 */
int csv_reader_next(struct csv_reader *, char ***fields, size_t *nfields, long *line, char **err);
const char *csv_reader_name(const struct csv_reader *);
/* How much of the input was read: *done of *total bytes. */
void csv_reader_progress(const struct csv_reader *, size_t *done, size_t *total);
void csv_reader_free(struct csv_reader *);

/* Writing: fields are quoted when they need it; records end with CRLF.  A
 * field a spreadsheet would run as a formula (it begins with = + - @, tab
 * or CR) is written with a leading "'". */
void csv_write_record(FILE *, const char *const *fields, size_t n);
/* A field as it was before csv_write_record() guarded it: s, or s + 1. */
const char *csv_unguard(const char *s);

#endif
