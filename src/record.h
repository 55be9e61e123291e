/*
 * record.h: the generic record and the descriptor of a kind of record.
 *
 * A kind of record (municipality, contact, user account; events and
 * subscribers to come) is one `struct kind` in src/kinds/: its fields with
 * their types, limits and choices, where each is stored and read, which
 * are listed, searched and exported, the permission of each verb, the
 * owning municipality, and hooks only for what no table can say.  The
 * record value, its validation and how a value reads for a person are
 * here; db/ saves, lists, imports and audits any kind from the same table,
 * and the screens and the command line walk it too.  Nothing here touches
 * the database or the terminal.
 *
 * All field values are UTF-8 strings (NFC, trimmed); "" means unknown.
 */
#ifndef MABDESK_RECORD_H
#define MABDESK_RECORD_H

#include <stddef.h>

#include "auth.h"

enum field_type {
    FT_TEXT,     /* one line */
    FT_LONGTEXT, /* several lines */
    FT_CHOICE,   /* one of choices[] (the stored values) */
    FT_INT,      /* whole number in [min, max] */
    FT_REAL,     /* decimal > 0 */
    FT_YEAR,     /* min .. this year */
    FT_DATE,     /* YYYY-MM-DD that exists */
    FT_PHONE,    /* digits, spaces, + - ( ); several separated by ',' or ';' when multi */
    FT_EMAIL,
    FT_URL,
    FT_REF,    /* another record, named as ref says (a district, a municipality) */
    FT_SECRET, /* one line, drawn as '*' (passwords) */
    /* "YYYY-MM-DD HH:MM" in the configured zone, or "YYYY-MM-DD" alone, that
     * exists (evtime.h); db/ stores it in UTC and reads it back local. */
    FT_DATETIME
};

/* A field that names a record of another table: how a person's text finds
 * its id, and how the id reads again.  SQL with ?1 bound to the text (NFC,
 * trimmed) or the id; never pasted. */
struct ref_def {
    const char *what;  /* N_(): "district", in messages */
    const char *label; /* SELECT name_en, name_bn of the value ?1, or NULL: the value is a name */
    const char *find;  /* SELECT id ... WHERE <matches ?1> (first match wins) */
    const char *ambiguous; /* SELECT count(*) of the matches of ?1, or NULL: never ambiguous */
    const char *choices;   /* SELECT id, name_en, name_bn ... for a pick list */
};

/* Field flags. */
enum {
    FF_LIST = 1 << 0,     /* a column of the list */
    FF_SEARCH = 1 << 1,   /* in the search index */
    FF_NOEXPORT = 1 << 2, /* left out of CSV export and import */
    FF_MULTI = 1 << 3,    /* FT_PHONE: several numbers */
    FF_NOEDIT = 1 << 4,   /* not in the edit form */
    FF_OWNER = 1 << 5     /* FT_REF to the owning municipality (the municipal role) */
};

struct field_def {
    const char *key;   /* CSV header, audit key, form key */
    const char *label; /* N_(): translate with _() at use */
    enum field_type type;
    int required;
    size_t max_len;                   /* in bytes */
    const char *const *choices;       /* FT_CHOICE: stored values, NULL-terminated */
    const char *const *choice_labels; /* N_() labels matching choices */
    long long min, max;               /* FT_INT, FT_YEAR: bounds (max 0: none / this year) */
    const struct ref_def *ref;        /* FT_REF */
    const char *column;               /* the stored column; NULL: key */
    const char *read;                 /* SQL read back ("d.name_en"); NULL: t.<column> */
    unsigned flags;
    /* SQL of the value in the audit log's picture of the record (a JSON
     * true/false: "json(CASE WHEN t.x THEN 'true' ELSE 'false' END)");
     * NULL: read. */
    const char *audit;
};

/* A read-only value a record carries beside its fields (a district's
 * Bengali name, where a seed row came from). */
enum {
    XF_EXPORT = 1 << 0, /* exported to CSV (after the fields) */
    XF_AUDIT = 1 << 1,  /* in the audit log's picture of the record */
    XF_STORED = 1 << 2  /* a column of the table, written on insert */
};
struct extra_def {
    const char *key;
    const char *read; /* SQL expression over the kind's from */
    unsigned flags;
    const char *label; /* N_(): how the audit log names it; NULL: key */
};

/* The verbs whose permission a kind names. */
enum verb {
    VERB_NONE,
    VERB_READ,
    VERB_CREATE,
    VERB_EDIT,
    VERB_DELETE,
    VERB_IMPORT,
    VERB_EXPORT,
    VERB_COUNT
};

/* What a kind's messages say, each N_() with the kind's own words. */
struct kind_msgs {
    const char *noun;                /* "municipality": in "no %s with id %lld" and the like */
    const char *may_not[VERB_COUNT]; /* "you may not add municipalities" */
    const char *deleted;             /* "someone else deleted this municipality in the meantime" */
    const char *changed; /* "someone else changed this municipality; look at it again..." */
};

struct record;

/* What an import knows of the file it reads, for a kind's import_row. */
struct import_opts {
    const char *source;       /* the file's name */
    const char *consent_note; /* where the people of the file consented; NULL: not said */
    const int *present;       /* per field: the file has a column for it */
};

/* What the screens say of a kind, each N_(). */
struct kind_ui {
    const char *edit_title;   /* "Edit municipality" */
    const char *new_title;    /* "New municipality" */
    const char *new_head;     /* "A new municipality. Fields marked * are required." */
    const char *not_loaded;   /* "This municipality could not be loaded." */
    const char *view_title;   /* "Municipality" */
    const char *list_title;   /* "Directory" */
    const char *empty;        /* "No municipality matches." */
    const char *hint;         /* "Press / to search by name, district, division or mayor." */
    const char *delete_title; /* "Delete municipality" */
};

/* A line of the detail view: a field (its value, and after it in
 * brackets the extra x_bn when set) or, with field -1, extras x_en (x_bn). */
struct detail_row {
    const char *label; /* N_(); NULL: the field's label */
    int field;         /* -1: an extra */
    int x_en, x_bn;    /* extras (-1: none); x_en replaces the field's value */
    int footer;        /* shown after the last change, not among the fields */
};

/* A column of the list screen: a list value (with its Bengali twin),
 * values shown by a label of their own, another value after a comma.
 * Columns are listed most important first: on a narrow screen the list
 * drops them from the last one that has a minimum, until the column of
 * width 0 gets at least its own minimum. */
struct list_col {
    const char *label;               /* N_() */
    int v_en, v_bn;                  /* list values; v_bn -1: none */
    const char *const *values;       /* NULL-terminated; NULL: shown as they are */
    const char *const *value_labels; /* N_() for values */
    int v_more;                      /* shown after ", " when not empty (-1: none) */
    int width;                       /* > 0: per cent of the width; < 0: columns; 0: the rest */
    int min; /* fewest columns shown (a narrower per cent is widened to it); 0: never
                dropped.  Keep it at most the width at 80 columns. */
};

/* The list's sort orders and filters (see db_record_page()). */
struct sort_def {
    const char *label; /* N_() */
    const char *order_en, *order_bn;
    unsigned joins; /* which of the kind's joins the order needs */
};
struct filter_def {
    const char *where; /* one condition on parameter ?N (N given by db/) */
    unsigned joins;
    /* 1 + the FT_CHOICE field whose values the filter takes, as 1 + the
     * value's index: the list offers it (f); 0: it does not. */
    int choice_of;
};
/* A change the list makes to every marked record at once, beside delete:
 * field set to value, each record saved as one edit (the kind's change
 * rules apply to each).  With reason >= 0 the person first fills that
 * field, under ask; else they are asked yes or no. */
struct bulk_def {
    const char *label; /* N_(): "Confirm", in the menu of the marked */
    int field;
    const char *value;
    int reason;       /* a field filled first, the same for every record (-1: none) */
    const char *ask;  /* N_(): heads the reason form, or the question */
    const char *done; /* N_(): "Confirmed", before how many of how many */
};
#define KIND_MAX_FILTERS 4
#define KIND_MAX_SORTS 8

struct kind {
    const char *name;   /* "municipality": audit record_kind */
    const char *label;  /* N_("Municipality"): one record, for a person */
    const char *plural; /* "municipalities": the command-line noun */
    const char *table;
    const struct field_def *fields;
    int nfields;
    const struct extra_def *extras;
    int nextras;
    /* Reading: "<table> t" and every join a read, a list or the search
     * index may need, each " JOIN ... ON ..." (at most 8). */
    const char *const *joins;
    enum auth_action auth[VERB_COUNT];
    struct kind_msgs msgs;
    struct kind_ui ui;
    /* The fields that name a record for a person, in each script. */
    int name_en, name_bn;
    /* The detail view's lines (NULL: every field as it is). */
    const struct detail_row *detail;
    int ndetail;
    /* The list's columns (see ui/list and screens/records.c). */
    const struct list_col *cols;
    int ncols;
    /* The search index (FTS5), kept in sync by triggers; NULL: none. */
    const char *fts_table;
    const char *fts_columns; /* "rowid, name_en, ..." */
    const char *fts_values;  /* over t and all joins */
    unsigned fts_joins;
    /* The list: what a page row holds (SQL over t and joins), its orders
     * and filters. */
    const char *const *list_values;
    int nlist_values;
    int list_owner; /* the list value holding the owner's id; -1: the row's id */
    unsigned list_joins;
    const struct sort_def *sorts;
    int nsorts;
    const struct filter_def *filters;
    int nfilters;
    /* The filter on the owning municipality (-1: none): a list of the
     * people of one body. */
    int owner_filter;
    /* What the list does to every marked record at once (besides delete). */
    const struct bulk_def *bulk;
    int nbulk;
    /* 1: listed on its municipality's page, p opening the whole list
     * (the people); other owned kinds (subscribers) stay in their lists. */
    int on_owner_page;
    /* The owning municipality of a record, for the municipal role: the
     * index of an FF_OWNER field, or -1 when the record is a municipality
     * itself (its id). */
    int owner_field;
    /* The vCard 4.0 of a record (fmt/vcard.c), or NULL when the kind has
     * none: malloc'd, folded, CRLF. */
    char *(*vcard)(const struct record *);
    /* Hook for a check across fields (NULL: none): -1 when all is well,
     * else the index of the bad field (or RECORD_BAD: the record as a
     * whole) with a message in msg. */
    int (*check)(const struct record *, char *msg, size_t msgsz);
    /*
     * Hook for the rules of a change of one record (NULL: none): stored is
     * the record as it is (NULL for a new one), c the cleaned record about
     * to be written, which the hook may complete with what the kind fills
     * itself (the stored extras of a new record: tokens).  -1 when the
     * change is allowed, else the bad field (or RECORD_BAD) with msg.  db/
     * runs it on every save and every imported row, before validation.
     */
    int (*change)(const struct record *stored, struct record *c, const struct session *, char *msg,
                  size_t msgsz);
    /* A key that finds the record an import row without an id means
     * (NULL: none): SQL with ?1 bound to the value of key_field, yielding
     * the id (a UNIQUE index on a normalised column). */
    const char *key_find;
    int key_field;
    /* Hook of the CSV import (NULL: none): row, read from a file, as it
     * is to be written, given the record it matches (NULL: a new one);
     * row holds stored's values where the file has no column. */
    void (*import_row)(const struct record *stored, struct record *row, const struct import_opts *);
    /* 1: the audit picture holds the fields and XF_AUDIT extras alone, no
     * id, version or stamp (the picture accounts have always had). */
    int audit_bare;
};

struct record {
    const struct kind *kind;
    long long id;      /* 0 for a record not yet saved */
    long long version; /* optimistic lock; 0 for a new record */
    char **f;          /* kind->nfields values, never NULL after record_init() */
    char **x;          /* kind->nextras read-only values, never NULL */
    char *updated_at;  /* UTC, ISO 8601; "" for a new record */
    char *updated_by;
};

void record_init(struct record *, const struct kind *);
void record_free(struct record *);
/* dst (initialised or zeroed) becomes a copy of src; record_copy(r, r) is safe. */
void record_copy(struct record *dst, const struct record *src);
/* Set field f to value, NFC and trimmed (NULL: ""). */
void record_set(struct record *, int f, const char *value);
/* 1 if every field holds the same value. */
int record_same_fields(const struct record *, const struct record *);
/* The owning municipality's id (0 if none yet). */
long long record_owner(const struct record *);

/* Index of the field whose key is name, or -1. */
int kind_field_by_key(const struct kind *, const char *name);
int kind_extra_by_key(const struct kind *, const char *name);
/* The field's stored column. */
const char *field_column(const struct field_def *);

/*
 * Check one value against its field's rules.  Returns NULL when it is
 * acceptable, else a short translated message ("required", "control
 * character U+001B", ...) written into msg.  Whether a referenced record
 * exists is db/'s question.
 */
const char *record_check_field(const struct kind *, int f, const char *value, char *msg,
                               size_t msgsz);
/* Every field, then the kind's own check; -1 when all is good, else the
 * first bad field (or RECORD_BAD: the record as a whole) with its message. */
#define RECORD_BAD (-2)
int record_validate(const struct record *, char *msg, size_t msgsz);

/* A value as a person reads it: a choice's label (translated), else the
 * value itself.  Static or the value: do not free. */
const char *field_readable(const struct field_def *, const char *value);
/* A choice typed as its stored value, its English label or its label in
 * the session's language, in any case: the stored value (static), or the
 * value itself when none matches. */
const char *field_choice_value(const struct field_def *, const char *value);

#endif
