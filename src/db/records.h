/*
 * records.h: any kind of record in the database: get, save with the
 * version check and its audit row, delete, paged lists with search,
 * all-or-nothing import, and the records a reference may name.  Driven
 * by the kind's descriptor (record.h, src/kinds/); every write asks
 * auth_allowed() with the permission the kind names for the verb, on the
 * record's owning municipality.
 *
 * Functions return an enum db_status; on anything but DB_OK they set *err
 * (if not NULL) to a malloc'd one-line message for a person.
 */
#ifndef MABDESK_DB_RECORDS_H
#define MABDESK_DB_RECORDS_H

#include "record.h"

struct db;

/* *out must be initialised (record_init() with the kind) or zeroed: its
 * old contents are freed and replaced.  Fast (one indexed row). */
int db_record_get(struct db *, const struct kind *, long long id, struct record *out, char **err);

/* Every record of the kind, in its first sort order, one query: fn is
 * called with each (valid only during the call); a status other than
 * DB_OK from fn ends it.  Needs the kind's read permission. */
int db_record_each(struct db *, const struct kind *, int (*fn)(const struct record *, void *),
                   void *arg, char **err);

/*
 * Insert (r->id == 0) or update (WHERE id AND version) one record.  On
 * DB_OK *r is replaced by the record as stored (id, version, normalised
 * values, references by their stored name, read-only values filled).  On
 * DB_CONFLICT *theirs (if not NULL; initialised or zeroed) gets the record
 * as it is now and nothing is written; if the record was deleted meanwhile,
 * DB_NOTFOUND.  On DB_INVALID *bad (if not NULL) names the field (or
 * RECORD_BAD).
 */
int db_record_save(struct db *, struct record *r, struct record *theirs, int *bad, char **err);
int db_record_delete(struct db *, const struct kind *, long long id, long long version, char **err);

/*
 * What no descriptor can say that a save of one kind also writes (an
 * account's password hash and public keys): fn runs inside the save's
 * transaction, after the record's row is written and before its audit
 * picture is taken, with the record's id; a status other than DB_OK (with
 * *err) rolls the whole save back.  One save, one audit row.
 */
struct record_also {
    int (*fn)(struct db *, long long id, const void *arg, char **err);
    const void *arg;
};
int db_record_save_also(struct db *, struct record *r, const struct record_also *also,
                        struct record *theirs, int *bad, char **err);

/* Lists: paged from the database, never loaded whole. */
struct record_query {
    const char *search;                 /* search-as-you-type text; NULL or "" for none */
    long long filter[KIND_MAX_FILTERS]; /* the kind's filters; 0: not used */
    int sort;                           /* one of the kind's sorts */
    int lang_bn;                        /* sort names by the Bengali name */
    int many; /* the search's db_record_search_sorted(), if the caller has it:
                 1 unsorted, -1 sorted; 0 not known (db_record_page() asks) */
};
struct record_row {
    long long id;
    char **v; /* the kind's list values, "" for NULL */
};
/*
 * Fast enough for every keystroke (statements prepared once per handle).
 * Search text is NFC'd and split into words; each word matches as a
 * prefix of a word of the kind's search index, all words must match.
 */
int db_record_count(struct db *, const struct kind *, const struct record_query *, int *n,
                    char **err);
int db_record_page(struct db *, const struct kind *, const struct record_query *, int offset,
                   int limit, struct record_row **rows, int *n, char **err);
void record_rows_free(const struct kind *, struct record_row *, int n);

/*
 * A search with more matches than this lists them in the order they were
 * added, not in the query's sort: putting 300,000 matches of one letter
 * in order costs a keystroke's time and shows the same first screenful
 * nobody reads; typing more brings the matches under it, sorted.
 */
#define DB_SEARCH_SORT_MAX 5000
/* 0 when q's search has more matches than that (its pages are in the
 * order added), else 1. */
int db_record_search_sorted(struct db *, const struct kind *, const struct record_query *);

/*
 * Import: all rows in one transaction, all or nothing.  A row with id != 0
 * updates that record (and, if its version != 0, only if unchanged since);
 * a row with id 0 is added.  Every rejected row is reported in *errs (row
 * index into rows, field or -1, message); any error or dry_run rolls back.
 * A row_error's msg is the problem alone ("required") when field >= 0, a
 * whole sentence when field is -1.  One audit row ("import") per record.
 */
struct row_error {
    int row;
    int field;
    char *msg;
};
int db_record_import(struct db *, const struct kind *, struct record *rows, int n, int dry_run,
                     struct row_error **errs, int *nerrs, char **err);
void row_errors_free(struct row_error *, int n);

/*
 * The same import a part at a time, for files too big to hold: begin
 * opens the transaction; each call of db_import_rows() checks n rows and,
 * while nothing anywhere was wrong (and check_only is 0: the caller found
 * no problem of its own), writes them; its *errs index into that call's
 * rows (free them with row_errors_free()).  end commits when commit is 1,
 * nothing was wrong and it is no dry run, else rolls everything back.
 */
struct db_import;
int db_import_begin(struct db *, const struct kind *, int dry_run, struct db_import **, char **err);
int db_import_rows(struct db_import *, struct record *rows, int n, int check_only,
                   struct row_error **errs, int *nerrs, char **err);
int db_import_end(struct db_import *, int commit, char **err);
/* The kind's largest id when the import began: records above it are the
 * import's own. */
long long db_import_start_id(const struct db_import *);

/* The record of a kind with a key (key_find) whose key is value: DB_OK
 * and *id, or DB_NOTFOUND (no message). */
int db_record_find_key(struct db *, const struct kind *, const char *value, long long *id,
                       char **err);

/* The record a reference field's text names: DB_OK and *id, DB_NOTFOUND
 * ("no district called ...") or DB_INVALID (more than one). */
int db_ref_find(struct db *, const struct field_def *, const char *text, long long *id, char **err);
/* How a reference field's value reads (its ref has a label query):
 * DB_OK with *en and *bn (malloc'd), DB_NOTFOUND when it names nothing. */
int db_ref_label(struct db *, const struct field_def *, const char *value, char **en, char **bn,
                 char **err);
/* What a reference field may name, for a pick list. */
struct ref_choice {
    long long id;
    char *name_en;
    char *name_bn;
};
int db_ref_choices(struct db *, const struct field_def *, struct ref_choice **items, int *n,
                   char **err);
void ref_choices_free(struct ref_choice *, int n);

#endif
