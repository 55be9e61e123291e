/*
 * muni.h: the municipality record and the table of its fields.
 *
 * One table describes every editable field once: its key (the database
 * column and the CSV header), its label, its type and its rules.  The edit
 * form, the detail view, CSV import/export, vCard export and validation all
 * walk this table, so a new field is added in one place.
 *
 * All field values are UTF-8 strings (NFC, trimmed); "" means unknown.
 * Conversion to numbers happens in db/ when binding.
 */
#ifndef MABDESK_MUNI_H
#define MABDESK_MUNI_H

#include <stddef.h>

enum muni_field {
    MF_KIND,        /* "paurashava" | "city_corporation" */
    MF_NAME_EN,     /* required */
    MF_NAME_BN,     /* required */
    MF_CLASS,       /* "A" | "B" | "C" | "" */
    MF_DISTRICT,    /* a district's English (or Bengali) name; required */
    MF_ESTABLISHED, /* year, 1850 .. this year, or "" */
    MF_WARDS,       /* whole number >= 1, or "" */
    MF_POPULATION,  /* whole number >= 0, or "" */
    MF_AREA,        /* square kilometres, decimal > 0, or "" */
    MF_MAYOR_EN,
    MF_MAYOR_BN,
    MF_PHONE,
    MF_EMAIL,
    MF_WEBSITE,
    MF_ADDRESS,
    MF_NOTES,
    MF_COUNT
};

enum field_type {
    FT_TEXT,     /* one line */
    FT_LONGTEXT, /* several lines */
    FT_CHOICE,   /* one of choices[] (the stored values) */
    FT_INT,
    FT_REAL,
    FT_YEAR,
    FT_PHONE,
    FT_EMAIL,
    FT_URL,
    FT_DISTRICT,
    FT_SECRET /* one line, drawn as '*' (passwords) */
};

struct field_def {
    const char *key;   /* column name and CSV header */
    const char *label; /* marked with N_(): translate with _() at use */
    enum field_type type;
    int required;
    size_t max_len;                   /* in bytes */
    const char *const *choices;       /* FT_CHOICE: stored values, NULL-terminated */
    const char *const *choice_labels; /* N_() labels matching choices */
};

extern const struct field_def muni_fields[MF_COUNT];

enum muni_kind_value { MUNI_PAURASHAVA, MUNI_CITY_CORPORATION };

struct municipality {
    long long id;      /* 0 for a record not yet saved */
    long long version; /* optimistic lock; 0 for a new record */
    char *f[MF_COUNT]; /* never NULL after muni_init() */
    /* Read-only, filled by db/ on load. */
    char *district_bn;
    char *division_en;
    char *division_bn;
    char *updated_at; /* UTC, ISO 8601 */
    char *updated_by;
    char *source;
};

void muni_init(struct municipality *);
void muni_free(struct municipality *);
void muni_copy(struct municipality *dst, const struct municipality *src);
void muni_set(struct municipality *, enum muni_field, const char *value);
/* Index of the field whose key is name, or -1. */
int muni_field_by_key(const char *name);

/*
 * Check one value against its field's rules.  Returns NULL when it is
 * acceptable, else a short translated message ("required", "must be A, B or
 * C", ...) written into msg.  District existence is checked by db/.
 */
const char *muni_check_field(enum muni_field, const char *value, char *msg, size_t msgsz);
/* Check every field; the first bad one is returned in *bad.  0 = all good. */
int muni_validate(const struct municipality *, enum muni_field *bad, char *msg, size_t msgsz);

#endif
