/*
 * event.c: the association's and each municipality's events as a kind
 * of record (issue 8): a descriptor, a check across fields (a title in
 * one script at least, an end not before the start, a recurrence that
 * gives an occurrence) and a change hook that fills what the kind sets
 * itself (the UID of a new event, the all-day flag, the recurrence's
 * defaults).  List, detail, form, save, audit, locking, CSV import and
 * export come from the generic code; occurrences from evrecur.c.
 *
 * Start and end are typed and read in the configured zone (FT_DATETIME);
 * db/ stores them in UTC.  An event without organiser is the
 * association's, which only staff may change.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evrecur.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "util.h"

const char *const event_categories[] = {"training", "workshop", "meeting", "advocacy",
                                        "holiday",  "other",    NULL};
const char *const event_category_labels[] = {
    N_("Training"), N_("Workshop"), N_("Meeting"), N_("Advocacy"), N_("Holiday"), N_("Other"), NULL,
};
/* "" (a CSV without the column, a form left alone) until the change hook
 * makes it "none". */
const char *const event_repeats[] = {"none", "daily", "weekly", "monthly", "yearly", "", NULL};
static const char *const repeat_labels[] = {
    N_("Does not repeat"), N_("Daily"),   N_("Weekly"), N_("Monthly"),
    N_("Yearly"),          N_("Not set"), NULL,
};
static const char *const monthlies[] = {"day", "weekday", "last_weekday", "", NULL};
static const char *const monthly_labels[] = {
    N_("On the same day of the month"),
    N_("On the same weekday (the second Tuesday)"),
    N_("On the last such weekday"),
    N_("(not monthly)"),
    NULL,
};
/* "" only until the change hook sets it from the start (a CSV row need
 * not say). */
static const char *const all_day_choices[] = {"0", "1", "", NULL};
static const char *const all_day_labels[] = {N_("No"), N_("Yes"), N_("Not set"), NULL};

static const struct field_def fields[EF_COUNT] = {
    [EF_TITLE_EN] = {"title_en", N_("Title (English)"), FT_TEXT, 0, 200},
    [EF_TITLE_BN] = {"title_bn", N_("Title (Bengali)"), FT_TEXT, 0, 400},
    [EF_CATEGORY] = {"category", N_("Category"), FT_CHOICE, 1, 16, event_categories,
                     event_category_labels},
    [EF_MUNICIPALITY] = {"municipality", N_("Organiser (empty: the association)"), FT_REF, 0, 400,
                         .ref = &kinds_municipality_ref, .column = "municipality_id",
                         .flags = FF_OWNER},
    [EF_START] = {"start", N_("Starts (YYYY-MM-DD HH:MM, or a date: all day)"), FT_DATETIME, 1, 16,
                  .column = "start_at", .read = "local_time(t.start_at)", .audit = "t.start_at"},
    [EF_END] = {"end", N_("Ends (all day: the last day)"), FT_DATETIME, 1, 16, .column = "end_at",
                .read = "local_time(t.end_at)", .audit = "t.end_at"},
    [EF_ALL_DAY] = {"all_day", N_("All day"), FT_CHOICE, 0, 1, all_day_choices, all_day_labels,
                    .flags = FF_NOEDIT,
                    .audit = "json(CASE WHEN t.all_day THEN 'true' ELSE 'false' END)"},
    [EF_LOCATION] = {"location", N_("Location"), FT_TEXT, 0, 400},
    [EF_CONTACT] = {"contact", N_("Contact"), FT_TEXT, 0, 400},
    [EF_DESCRIPTION_EN] = {"description_en", N_("Description (English)"), FT_LONGTEXT, 0, 4000},
    [EF_DESCRIPTION_BN] = {"description_bn", N_("Description (Bengali)"), FT_LONGTEXT, 0, 8000},
    [EF_REPEAT] = {"repeat", N_("Repeats"), FT_CHOICE, 0, 8, event_repeats, repeat_labels,
                   .column = "recur"},
    [EF_INTERVAL] = {"interval", N_("Every (1: every day, week, ...)"), FT_INT, 0, 3, .min = 1,
                     .max = 999, .column = "recur_interval"},
    [EF_WEEKDAYS] = {"weekdays", N_("Weekly on (SA,SU,MO,TU,WE,TH,FR)"), FT_TEXT, 0, 40,
                     .column = "recur_weekdays"},
    [EF_MONTHLY] = {"monthly_by", N_("Monthly"), FT_CHOICE, 0, 16, monthlies, monthly_labels,
                    .column = "recur_monthly"},
    [EF_UNTIL] = {"until", N_("Repeats until (a date)"), FT_DATE, 0, 10, .column = "recur_until"},
    [EF_TIMES] = {"count", N_("Or this many times"), FT_INT, 0, 4, .min = 1, .max = 1000,
                  .column = "recur_count"},
};

static const struct extra_def extras[EX_COUNT] = {
    [EX_MUNICIPALITY_EN] = {"municipality_en", "m.name_en", XF_EXPORT},
    [EX_MUNICIPALITY_BN] = {"municipality_bn", "m.name_bn", XF_EXPORT},
    [EX_UID] = {"uid", "t.uid", XF_EXPORT | XF_AUDIT | XF_STORED, N_("UID")},
    [EX_EXCEPTIONS] = {"exceptions",
                       "(SELECT group_concat(x.original_start || '|' || x.cancelled || '|' ||"
                       " coalesce(x.start_at, '') || '|' || coalesce(x.end_at, ''), ';')"
                       " FROM (SELECT * FROM event_exception WHERE event_id = t.id"
                       " ORDER BY original_start) x)",
                       XF_EXPORT | XF_AUDIT, N_("Cancelled or moved occurrences")},
};

enum { J_MUNICIPALITY = 1 << 0 };

static const char *const joins[] = {
    " LEFT JOIN municipality m ON m.id = t.municipality_id",
    NULL,
};

static const char *const list_values[EL_COUNT] = {
    "local_time(t.start_at)",
    "t.title_en",
    "t.title_bn",
    "t.category",
    "m.name_en",
    "m.name_bn",
    "t.location",
    "t.municipality_id",
};

static const struct list_col cols[] = {
    {N_("Starts"), EL_START, -1, NULL, NULL, -1, -17, 0},
    {N_("Title"), EL_TITLE_EN, EL_TITLE_BN, NULL, NULL, -1, 0, 12},
    {N_("Category"), EL_CATEGORY, -1, event_categories, event_category_labels, -1, 12, 8},
    {N_("Organiser"), EL_MUNICIPALITY_EN, EL_MUNICIPALITY_BN, NULL, NULL, -1, 20, 10},
};

static const struct detail_row detail[] = {
    {NULL, EF_TITLE_EN, -1, -1, 0},
    {NULL, EF_TITLE_BN, -1, -1, 0},
    {NULL, EF_CATEGORY, -1, -1, 0},
    /* The form's labels say how to type; these only what it is. */
    {N_("Organiser"), EF_MUNICIPALITY, EX_MUNICIPALITY_EN, EX_MUNICIPALITY_BN, 0},
    {N_("Starts"), EF_START, -1, -1, 0},
    {N_("Ends"), EF_END, -1, -1, 0},
    {NULL, EF_LOCATION, -1, -1, 0},
    {NULL, EF_CONTACT, -1, -1, 0},
    {NULL, EF_DESCRIPTION_EN, -1, -1, 0},
    {NULL, EF_DESCRIPTION_BN, -1, -1, 0},
    {NULL, EF_REPEAT, -1, -1, 0},
    {N_("Every"), EF_INTERVAL, -1, -1, 0},
    {N_("Weekly on"), EF_WEEKDAYS, -1, -1, 0},
    {NULL, EF_MONTHLY, -1, -1, 0},
    {NULL, EF_UNTIL, -1, -1, 0},
    {NULL, EF_TIMES, -1, -1, 0},
};

static const struct sort_def sorts[EVENT_SORT_COUNT] = {
    [EVENT_SORT_START] = {N_("start"), "t.start_at, t.id", "t.start_at, t.id", 0},
    [EVENT_SORT_TITLE] = {N_("title"),
                          "coalesce(nullif(t.title_en, ''), t.title_bn) COLLATE NOCASE, t.id",
                          "coalesce(nullif(t.title_bn, ''), t.title_en), t.id", 0},
};

static const struct filter_def filters[EVENT_FILTER_COUNT] = {
    [EVENT_FILTER_MUNICIPALITY] = {"t.municipality_id = ?", 0},
    [EVENT_FILTER_CATEGORY] = {"t.category = (CASE ? WHEN 1 THEN 'training' WHEN 2 THEN "
                               "'workshop' WHEN 3 THEN 'meeting' WHEN 4 THEN 'advocacy'"
                               " WHEN 5 THEN 'holiday' WHEN 6 THEN 'other' END)",
                               0, 1 + EF_CATEGORY},
};

static const char *const weekday_codes[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA", NULL};

static int is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static int refuse(char *msg, size_t msgsz, int field, const char *why)
{
    snprintf(msg, msgsz, "%s", why);
    return field;
}

/* "mo, We" as "MO,WE"; NULL when a day is not one of weekday_codes. */
static char *weekdays_clean(const char *s)
{
    struct buf b = {0};
    char code[3];
    int n = 0;

    buf_adds(&b, "");
    while (*s != '\0') {
        if (*s == ',' || *s == ' ') {
            s++;
            continue;
        }
        if (!isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]) ||
            (s[2] != '\0' && s[2] != ',' && s[2] != ' '))
            break;
        code[0] = (char)toupper((unsigned char)s[0]);
        code[1] = (char)toupper((unsigned char)s[1]);
        code[2] = '\0';
        for (int i = 0; weekday_codes[i] != NULL; i++)
            if (is(code, weekday_codes[i])) {
                buf_printf(&b, "%s%s", n++ ? "," : "", code);
                code[0] = '\0';
            }
        if (code[0] != '\0')
            break;
        s += 2;
    }
    if (*s != '\0') {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

/* The recurrence's fields: what a person left empty, and nothing of a
 * repetition on an event that does not repeat. */
static void recurrence_defaults(struct record *c)
{
    const char *r = c->f[EF_REPEAT];
    char *days;

    if (*r == '\0' || is(r, "none")) {
        str_set(&c->f[EF_REPEAT], "none");
        for (int f = EF_INTERVAL; f <= EF_TIMES; f++)
            str_set(&c->f[f], "");
        return;
    }
    if (*c->f[EF_INTERVAL] == '\0')
        str_set(&c->f[EF_INTERVAL], "1");
    if (!is(r, "monthly"))
        str_set(&c->f[EF_MONTHLY], "");
    else if (*c->f[EF_MONTHLY] == '\0')
        str_set(&c->f[EF_MONTHLY], "day");
    if (!is(r, "weekly"))
        str_set(&c->f[EF_WEEKDAYS], "");
    else if ((days = weekdays_clean(c->f[EF_WEEKDAYS])) != NULL) {
        str_set(&c->f[EF_WEEKDAYS], days);
        free(days);
    }
}

/* A new event's UID: 128 random bits, as hex, "@mabdesk". */
static int change(const struct record *stored, struct record *c, const struct session *s, char *msg,
                  size_t msgsz)
{
    (void)s;
    (void)msg;
    (void)msgsz;
    if (stored == NULL && *c->x[EX_UID] == '\0') {
        char token[33], *uid;

        random_hex(token, 16);
        uid = xasprintf("%s@mabdesk", token);
        str_set(&c->x[EX_UID], uid);
        free(uid);
    }
    str_set(&c->f[EF_ALL_DAY], evtime_is_date(c->f[EF_START]) ? "1" : "0");
    recurrence_defaults(c);
    return -1;
}

static int check_recurrence(const struct record *r, char *msg, size_t msgsz)
{
    char *days;

    if (is(r->f[EF_REPEAT], "none") || *r->f[EF_REPEAT] == '\0')
        return -1;
    if ((days = weekdays_clean(r->f[EF_WEEKDAYS])) == NULL)
        return refuse(msg, msgsz, EF_WEEKDAYS,
                      _("weekdays as two letters separated by commas: SA,SU,MO,TU,WE,TH,FR"));
    free(days);
    if (*r->f[EF_UNTIL] != '\0' && *r->f[EF_TIMES] != '\0')
        return refuse(msg, msgsz, EF_TIMES, _("give an end date or a number of times, not both"));
    if (*r->f[EF_UNTIL] != '\0' && !evtime_valid_local(r->f[EF_UNTIL]))
        return refuse(msg, msgsz, EF_UNTIL, _("must be a date before the year 3000"));
    if (*r->f[EF_UNTIL] != '\0' && strncmp(r->f[EF_UNTIL], r->f[EF_START], 10) < 0)
        return refuse(msg, msgsz, EF_UNTIL, _("must not be before the start"));
    if (!evrecur_any(r, evtime_zone()))
        return refuse(msg, msgsz, EF_REPEAT, _("this repetition gives no occurrence at all"));
    return -1;
}

/* A title in one script at least; start and end both dates or both
 * times, the end not before the start; a recurrence that can happen. */
static int check(const struct record *r, char *msg, size_t msgsz)
{
    const char *start = r->f[EF_START], *end = r->f[EF_END];

    if (*r->f[EF_TITLE_EN] == '\0' && *r->f[EF_TITLE_BN] == '\0')
        return refuse(msg, msgsz, EF_TITLE_EN, _("a title in English or in Bengali is required"));
    if (evtime_is_date(start) && !evtime_is_date(end))
        return refuse(msg, msgsz, EF_END,
                      _("an all-day event (its start is a date) ends on a date too"));
    if (!evtime_is_date(start) && evtime_is_date(end))
        return refuse(msg, msgsz, EF_END, _("the start has a time, so the end needs one too"));
    if (strcmp(end, start) < 0)
        return refuse(msg, msgsz, EF_END, _("must not be before the start"));
    return check_recurrence(r, msg, msgsz);
}

const struct kind kind_event = {
    .name = "event",
    .label = N_("Event"),
    .plural = "events",
    .table = "event",
    .fields = fields,
    .nfields = EF_COUNT,
    .extras = extras,
    .nextras = EX_COUNT,
    .joins = joins,
    .auth =
        {
            [VERB_READ] = AUTH_READ_EVENTS,
            [VERB_CREATE] = AUTH_EDIT_EVENT,
            [VERB_EDIT] = AUTH_EDIT_EVENT,
            [VERB_DELETE] = AUTH_EDIT_EVENT,
            [VERB_IMPORT] = AUTH_IMPORT_EVENTS,
            [VERB_EXPORT] = AUTH_EXPORT_EVENTS,
        },
    .msgs =
        {
            .noun = N_("event"),
            .may_not =
                {
                    [VERB_READ] = N_("you may not read the events"),
                    [VERB_CREATE] = N_("you may not add events for this organiser"),
                    [VERB_EDIT] = N_("you may not change this organiser's events"),
                    [VERB_DELETE] = N_("you may not remove this organiser's events"),
                    [VERB_IMPORT] = N_("you may not import events"),
                    [VERB_EXPORT] = N_("this session may not export the events"),
                },
            .deleted = N_("someone else deleted this event in the meantime"),
            .changed = N_("someone else changed this event; look again before deleting"),
        },
    .ui =
        {
            .edit_title = N_("Edit event"),
            .new_title = N_("New event"),
            .new_head = N_("A new event. Fields marked * are required."),
            .not_loaded = N_("This event could not be loaded."),
            .view_title = N_("Event"),
            .list_title = N_("Events"),
            .empty = N_("No event matches."),
            .hint = N_("Press / to search by title or location."),
            .delete_title = N_("Delete event"),
        },
    .name_en = EF_TITLE_EN,
    .name_bn = EF_TITLE_BN,
    .detail = detail,
    .ndetail = (int)(sizeof detail / sizeof detail[0]),
    .cols = cols,
    .ncols = (int)(sizeof cols / sizeof cols[0]),
    .fts_table = "event_fts",
    .fts_columns = EVENT_FTS_COLUMNS,
    .fts_values = EVENT_FTS_VALUES("t"),
    .fts_joins = 0,
    .list_values = list_values,
    .nlist_values = EL_COUNT,
    .list_owner = EL_MUNICIPALITY_ID,
    .list_joins = J_MUNICIPALITY,
    .sorts = sorts,
    .nsorts = EVENT_SORT_COUNT,
    .filters = filters,
    .nfilters = EVENT_FILTER_COUNT,
    .owner_filter = EVENT_FILTER_MUNICIPALITY,
    .owner_field = EF_MUNICIPALITY,
    .check = check,
    .change = change,
};
