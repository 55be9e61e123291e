/*
 * kinds.h: every kind of record mabdesk keeps, and the index of each
 * field and extra value in its descriptor (record.h).  One file per kind
 * in src/kinds/ holds the descriptor; this header is what the rest of the
 * program needs to name a field.
 */
#ifndef MABDESK_KINDS_H
#define MABDESK_KINDS_H

#include "record.h"

extern const struct kind kind_municipality;
extern const struct kind kind_contact;
extern const struct kind kind_user;
extern const struct kind kind_subscriber;
extern const struct kind kind_event;
extern const struct kind kind_subscription; /* the public form: not in kinds_all */

/* The kinds the command line and the audit log know, by name or plural
 * ("contact", "contacts"); NULL if none. */
const struct kind *kind_by_name(const char *name);
/* Every kind, NULL-terminated. */
extern const struct kind *const kinds_all[];
/* The kind whose audit record_kind is name, of every kind the audit log
 * names (kinds_all and user accounts, which have no CSV); NULL if none. */
const struct kind *kind_audited(const char *name);

/* A municipality by its id, or by a name only one body has (contacts,
 * user accounts). */
extern const struct ref_def kinds_municipality_ref;

/* --- municipality --------------------------------------------------------- */

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
/* Read-only values of a municipality. */
enum muni_extra { MX_DISTRICT_BN, MX_DIVISION_EN, MX_DIVISION_BN, MX_SOURCE, MX_COUNT };
/* What a row of the directory's list holds. */
enum muni_list {
    ML_KIND,
    ML_CLASS,
    ML_NAME_EN,
    ML_NAME_BN,
    ML_DISTRICT_EN,
    ML_DISTRICT_BN,
    ML_DIVISION_EN,
    ML_DIVISION_BN,
    ML_COUNT
};
enum muni_sort {
    MUNI_SORT_NAME,
    MUNI_SORT_DISTRICT,
    MUNI_SORT_DIVISION,
    MUNI_SORT_KIND_CLASS,
    MUNI_SORT_ESTABLISHED,
    MUNI_SORT_COUNT
};
enum muni_filter { MUNI_FILTER_DIVISION, MUNI_FILTER_DISTRICT, MUNI_FILTER_COUNT };

/* The row of muni_fts for the municipality alias m (district d, division
 * v): the search index's columns, shared by the schema's triggers and
 * the bulk indexing of db/. */
#define FTS_COLUMNS                                                                                \
    "rowid, name_en, name_bn, district_en, district_bn, division_en, division_bn, mayor_en, "      \
    "mayor_bn"
#define FTS_VALUES(m)                                                                              \
    m ".id, " m ".name_en, " m ".name_bn, trim(d.name_en || ' ' || coalesce(d.alt_name_en, '')), " \
      "d.name_bn, trim(v.name_en || ' ' || coalesce(v.alt_name_en, '')), v.name_bn, "              \
      "coalesce(" m ".mayor_en, ''), coalesce(" m ".mayor_bn, '')"

/* --- contact: the people of a municipality --------------------------------- */

enum contact_field {
    CF_NAME_EN,
    CF_NAME_BN,
    CF_POSITION,
    CF_POSITION_OTHER,
    CF_MUNICIPALITY,
    CF_PHONE,
    CF_EMAIL,
    CF_FROM,
    CF_TO,
    CF_NOTES,
    CF_COUNT
};
enum contact_extra { CX_MUNICIPALITY_EN, CX_MUNICIPALITY_BN, CX_COUNT };
enum contact_list {
    CL_NAME_EN,
    CL_NAME_BN,
    CL_POSITION,
    CL_POSITION_OTHER,
    CL_MUNICIPALITY_EN,
    CL_MUNICIPALITY_BN,
    CL_PHONE,
    CL_MUNICIPALITY_ID,
    CL_COUNT
};
enum contact_sort { CONTACT_SORT_NAME, CONTACT_SORT_MUNICIPALITY, CONTACT_SORT_COUNT };
enum contact_filter { CONTACT_FILTER_MUNICIPALITY, CONTACT_FILTER_COUNT };

#define CONTACT_FTS_COLUMNS "rowid, name_en, name_bn, position, municipality_en, municipality_bn"
#define CONTACT_FTS_VALUES(c)                                                                      \
    c ".id, coalesce(" c ".name_en, ''), coalesce(" c ".name_bn, ''), " c ".position || ' ' || "   \
      "coalesce(" c ".position_other, ''), m.name_en, m.name_bn"

/* --- subscriber: the Municipality Digest's readers ------------------------ */

enum subscriber_field {
    SF_EMAIL, /* unique without regard to case */
    SF_NAME,
    SF_MUNICIPALITY, /* its id; "" for news of every municipality */
    SF_LANG,         /* "bn" | "en" */
    SF_STATUS,       /* subscriber_statuses */
    SF_REASON,       /* why the subscriber has its status (history keeps the earlier ones) */
    SF_CONSENT_HOW,  /* "kiosk" | "ssh" | "staff" | "import" */
    SF_CONSENT_BY,   /* the user who entered it, or the file it came from */
    SF_CONSENT_NOTE, /* where the person consented (an import's --consent-note) */
    SF_COUNT
};
/* The public subscribe form's fields: SF_EMAIL to SF_LANG. */
#define SF_FORM_COUNT (SF_LANG + 1)
enum subscriber_extra {
    SX_MUNICIPALITY_EN,
    SX_MUNICIPALITY_BN,
    SX_CONSENT_AT,
    SX_CREATED_AT,
    SX_CONFIRMED_AT,
    SX_UNSUBSCRIBED_AT,
    SX_BOUNCED_AT,
    SX_CONFIRM_TOKEN,     /* never listed, exported or audited */
    SX_UNSUBSCRIBE_TOKEN, /* likewise */
    SX_TOKEN_ISSUED_AT,
    SX_COUNT
};
enum subscriber_list {
    SL_EMAIL,
    SL_NAME,
    SL_STATUS,
    SL_LANG,
    SL_MUNICIPALITY_EN,
    SL_MUNICIPALITY_BN,
    SL_MUNICIPALITY_ID,
    SL_COUNT
};
enum subscriber_sort { SUB_SORT_EMAIL, SUB_SORT_NAME, SUB_SORT_NEWEST, SUB_SORT_COUNT };
/* The status and language filters take 1 + the index of the value in
 * subscriber_statuses / subscriber_langs. */
enum subscriber_filter {
    SUB_FILTER_MUNICIPALITY,
    SUB_FILTER_STATUS,
    SUB_FILTER_LANG,
    SUB_FILTER_COUNT
};
extern const char *const subscriber_statuses[]; /* pending, active, unsubscribed, bounced */
extern const char *const subscriber_langs[];    /* bn, en */

/* A new token: the time it was made (seconds, 8 hex digits) and 128 bits
 * from getrandom() (32 hex digits), lowercase.  The time in front keeps
 * the tokens' indexes growing at one end, as the ids do, instead of
 * scattering every insert over the whole index (a million imported
 * addresses: a third of the import's time).  Tokens of 32 digits (the
 * random part alone) were made before and still work. */
#define SUBSCRIBER_TOKEN_LEN 40
#define SUBSCRIBER_TOKEN_OLD_LEN 32
void subscriber_token(char out[SUBSCRIBER_TOKEN_LEN + 1]);
/* How long a confirmation token is good for. */
#define SUBSCRIBER_TOKEN_DAYS 7

#define SUBSCRIBER_FTS_COLUMNS "rowid, email, name"
#define SUBSCRIBER_FTS_VALUES(s) s ".id, " s ".email, coalesce(" s ".name, '')"

/* --- event: the association's and each municipality's calendar ---------- */

enum event_field {
    EF_TITLE_EN, /* a title in English or Bengali (or both) */
    EF_TITLE_BN,
    EF_CATEGORY,     /* event_categories */
    EF_MUNICIPALITY, /* the organiser's id; "" for the association */
    EF_START,        /* FT_DATETIME: local time, or a date for an all-day event */
    EF_END,          /* likewise; an all-day event's last day */
    EF_ALL_DAY,      /* "1" when start and end are dates (set by the kind) */
    EF_LOCATION,
    EF_CONTACT,
    EF_DESCRIPTION_EN,
    EF_DESCRIPTION_BN,
    EF_REPEAT,   /* event_repeats: none, daily, weekly, monthly, yearly */
    EF_INTERVAL, /* every N days, weeks, ... (1 when it repeats) */
    EF_WEEKDAYS, /* weekly: "MO,WE" (iCalendar's two letters); "": the start's day */
    EF_MONTHLY,  /* monthly: "day" of the month, "weekday" (second Tuesday), "last_weekday" */
    EF_UNTIL,    /* a date: the last day an occurrence may start on */
    EF_TIMES,    /* or how many occurrences in all */
    EF_COUNT
};
enum event_extra {
    EX_MUNICIPALITY_EN,
    EX_MUNICIPALITY_BN,
    EX_UID,        /* iCalendar UID: stable, set when the event is made */
    EX_EXCEPTIONS, /* cancelled and moved occurrences, see evrecur.h */
    EX_COUNT
};
enum event_list {
    EL_START,
    EL_TITLE_EN,
    EL_TITLE_BN,
    EL_CATEGORY,
    EL_MUNICIPALITY_EN,
    EL_MUNICIPALITY_BN,
    EL_LOCATION,
    EL_MUNICIPALITY_ID,
    EL_COUNT
};
enum event_sort { EVENT_SORT_START, EVENT_SORT_TITLE, EVENT_SORT_COUNT };
/* The category filter takes 1 + the index of the value in event_categories. */
enum event_filter { EVENT_FILTER_MUNICIPALITY, EVENT_FILTER_CATEGORY, EVENT_FILTER_COUNT };
extern const char *const event_categories[]; /* training, workshop, ..., other */
extern const char *const event_category_labels[];
extern const char *const event_repeats[];

#define EVENT_FTS_COLUMNS "rowid, title_en, title_bn, location"
#define EVENT_FTS_VALUES(e)                                                                        \
    e ".id, coalesce(" e ".title_en, ''), coalesce(" e ".title_bn, ''), coalesce(" e               \
      ".location, '')"

/* --- user accounts (logins over SSH; db/user.c keeps their secrets) ------ */

/* The account name that logs in without credentials into the kiosk role;
 * it can never be added as a user. */
#define USER_KIOSK_NAME "kiosk"

/* NULL if name is acceptable for a new account, else a short translated
 * reason (static storage). */
const char *user_name_problem(const char *name);

/* The roles an account may have (kiosk never), and their labels (N_()). */
extern const char *const user_role_choices[];
extern const char *const user_role_labels[];

enum user_field {
    AF_NAME,         /* user_name_problem() */
    AF_ROLE,         /* user_role_choices */
    AF_MUNICIPALITY, /* its id; exactly when the role is municipal */
    AF_DISABLED,     /* "0" | "1" */
    AF_COUNT
};
enum user_extra {
    AX_PASSWORD,   /* "true" | "false": whether a password is set */
    AX_KEYS,       /* JSON array of the keys' fingerprints */
    AX_NKEYS,      /* how many keys */
    AX_CREATED_AT, /* UTC */
    AX_COUNT
};
enum user_list {
    AL_NAME,
    AL_ROLE,
    AL_MUNICIPALITY_ID,
    AL_DISABLED,
    AL_PASSWORD, /* 1 if set */
    AL_NKEYS,
    AL_CREATED_AT,
    AL_UPDATED_AT,
    AL_VERSION,
    AL_COUNT
};

#endif
