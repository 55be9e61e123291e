/*
 * contact.c: the people of each municipality (mayor, councillors, chief
 * executive officer, secretary, engineers, the association's focal
 * person) as a kind of record: a descriptor and one check across fields.
 * Everything else (list, search, form, save, audit, locking, import,
 * export, vCard) comes from the generic code.  A person belongs to one
 * municipality, which is also whose municipal users may edit them.
 */
#include <stdio.h>
#include <string.h>

#include "fmt/vcard.h"
#include "i18n.h"
#include "kinds/kinds.h"

static const char *const positions[] = {
    "mayor",     "panel_mayor",        "councillor",         "reserved_councillor", "ceo",
    "secretary", "executive_engineer", "assistant_engineer", "focal_person",        "other",
    NULL,
};
static const char *const position_labels[] = {
    N_("Mayor"),
    N_("Panel mayor"),
    N_("Councillor"),
    N_("Councillor (reserved seat)"),
    N_("Chief executive officer"),
    N_("Secretary"),
    N_("Executive engineer"),
    N_("Assistant engineer"),
    N_("MAB focal person"),
    N_("Other"),
    NULL,
};

static const struct field_def fields[CF_COUNT] = {
    [CF_NAME_EN] = {"name_en", N_("Name (English)"), FT_TEXT, 0, 200},
    [CF_NAME_BN] = {"name_bn", N_("Name (Bengali)"), FT_TEXT, 0, 400},
    [CF_POSITION] = {"position", N_("Position"), FT_CHOICE, 1, 32, positions, position_labels},
    [CF_POSITION_OTHER] = {"position_other", N_("Position (if other)"), FT_TEXT, 0, 200},
    [CF_MUNICIPALITY] = {"municipality", N_("Municipality"), FT_REF, 1, 400,
                         .ref = &kinds_municipality_ref, .column = "municipality_id",
                         .flags = FF_OWNER},
    [CF_PHONE] = {"phone", N_("Phone(s)"), FT_PHONE, 0, 200, .flags = FF_MULTI},
    [CF_EMAIL] = {"email", N_("Email"), FT_EMAIL, 0, 254},
    [CF_FROM] = {"from_date", N_("In office from"), FT_DATE, 0, 10},
    [CF_TO] = {"to_date", N_("In office until"), FT_DATE, 0, 10},
    [CF_NOTES] = {"notes", N_("Notes"), FT_LONGTEXT, 0, 4000},
};

static const struct extra_def extras[CX_COUNT] = {
    [CX_MUNICIPALITY_EN] = {"municipality_en", "m.name_en", XF_EXPORT},
    [CX_MUNICIPALITY_BN] = {"municipality_bn", "m.name_bn", XF_EXPORT},
};

enum { J_MUNICIPALITY = 1 << 0 };

static const char *const joins[] = {
    " JOIN municipality m ON m.id = t.municipality_id",
    NULL,
};

/* The position reads as what "other" says. */
static const char *const list_values[CL_COUNT] = {
    "t.name_en",
    "t.name_bn",
    "CASE t.position WHEN 'other' THEN coalesce(t.position_other, '') ELSE t.position END",
    "t.position_other",
    "m.name_en",
    "m.name_bn",
    "t.phone",
    "t.municipality_id",
};

static const struct list_col cols[] = {
    {N_("Name"), CL_NAME_EN, CL_NAME_BN, NULL, NULL, -1, 0, 12},
    {N_("Position"), CL_POSITION, -1, positions, position_labels, -1, 24, 10},
    {N_("Municipality"), CL_MUNICIPALITY_EN, CL_MUNICIPALITY_BN, NULL, NULL, -1, 24, 12},
    {N_("Phone"), CL_PHONE, -1, NULL, NULL, -1, 18, 12},
};

static const struct detail_row detail[] = {
    {NULL, CF_NAME_EN, -1, -1, 0},
    {NULL, CF_NAME_BN, -1, -1, 0},
    {NULL, CF_POSITION, -1, -1, 0},
    {NULL, CF_POSITION_OTHER, -1, -1, 0},
    {NULL, CF_MUNICIPALITY, CX_MUNICIPALITY_EN, CX_MUNICIPALITY_BN, 0},
    {NULL, CF_PHONE, -1, -1, 0},
    {NULL, CF_EMAIL, -1, -1, 0},
    {NULL, CF_FROM, -1, -1, 0},
    {NULL, CF_TO, -1, -1, 0},
    {NULL, CF_NOTES, -1, -1, 0},
};

static const struct sort_def sorts[CONTACT_SORT_COUNT] = {
    [CONTACT_SORT_NAME] = {N_("name"),
                           "coalesce(nullif(t.name_en, ''), t.name_bn) COLLATE NOCASE, t.id",
                           "coalesce(nullif(t.name_bn, ''), t.name_en), t.id", 0},
    [CONTACT_SORT_MUNICIPALITY] = {N_("municipality"),
                                   "m.name_en COLLATE NOCASE, t.position, t.name_en COLLATE "
                                   "NOCASE, t.id",
                                   "m.name_bn, t.position, t.name_bn, t.id", J_MUNICIPALITY},
};

static const struct filter_def filters[CONTACT_FILTER_COUNT] = {
    [CONTACT_FILTER_MUNICIPALITY] = {"t.municipality_id = ?", 0},
};

/* A name in at least one script; "other" says which; dates in order. */
static int check(const struct record *r, char *msg, size_t msgsz)
{
    if (*r->f[CF_NAME_EN] == '\0' && *r->f[CF_NAME_BN] == '\0') {
        snprintf(msg, msgsz, "%s", _("a name in English or in Bengali is required"));
        return CF_NAME_EN;
    }
    if (strcmp(r->f[CF_POSITION], "other") == 0 && *r->f[CF_POSITION_OTHER] == '\0') {
        snprintf(msg, msgsz, "%s", _("say which position"));
        return CF_POSITION_OTHER;
    }
    if (*r->f[CF_FROM] != '\0' && *r->f[CF_TO] != '\0' && strcmp(r->f[CF_TO], r->f[CF_FROM]) < 0) {
        snprintf(msg, msgsz, "%s", _("must not be before the start"));
        return CF_TO;
    }
    return -1;
}

const struct kind kind_contact = {
    .name = "contact",
    .label = N_("Person"),
    .plural = "contacts",
    .table = "contact",
    .fields = fields,
    .nfields = CF_COUNT,
    .extras = extras,
    .nextras = CX_COUNT,
    .joins = joins,
    .auth =
        {
            [VERB_READ] = AUTH_READ_DIRECTORY,
            [VERB_CREATE] = AUTH_EDIT_MUNICIPALITY,
            [VERB_EDIT] = AUTH_EDIT_MUNICIPALITY,
            [VERB_DELETE] = AUTH_EDIT_MUNICIPALITY,
            [VERB_IMPORT] = AUTH_IMPORT_MUNICIPALITIES,
            [VERB_EXPORT] = AUTH_EXPORT_MUNICIPALITIES,
        },
    .msgs =
        {
            .noun = N_("person"),
            .may_not =
                {
                    [VERB_READ] = N_("you may not read the directory"),
                    [VERB_CREATE] = N_("you may not add people to this municipality"),
                    [VERB_EDIT] = N_("you may not edit the people of this municipality"),
                    [VERB_DELETE] = N_("you may not remove the people of this municipality"),
                    [VERB_IMPORT] = N_("you may not import people"),
                    [VERB_EXPORT] = N_("this session may not export the directory"),
                },
            .deleted = N_("someone else deleted this person in the meantime"),
            .changed = N_("someone else changed this person; look again before deleting"),
        },
    .ui =
        {
            .edit_title = N_("Edit person"),
            .new_title = N_("New person"),
            .new_head = N_("A new person. Fields marked * are required."),
            .not_loaded = N_("This person could not be loaded."),
            .view_title = N_("Person"),
            .list_title = N_("People"),
            .empty = N_("Nobody matches."),
            .hint = N_("Press / to search by name, position or municipality."),
            .delete_title = N_("Delete person"),
        },
    .name_en = CF_NAME_EN,
    .name_bn = CF_NAME_BN,
    .detail = detail,
    .ndetail = (int)(sizeof detail / sizeof detail[0]),
    .cols = cols,
    .ncols = (int)(sizeof cols / sizeof cols[0]),
    .fts_table = "contact_fts",
    .fts_columns = CONTACT_FTS_COLUMNS,
    .fts_values = CONTACT_FTS_VALUES("t"),
    .fts_joins = J_MUNICIPALITY,
    .on_owner_page = 1,
    .list_values = list_values,
    .nlist_values = CL_COUNT,
    .list_owner = CL_MUNICIPALITY_ID,
    .list_joins = J_MUNICIPALITY,
    .sorts = sorts,
    .nsorts = CONTACT_SORT_COUNT,
    .filters = filters,
    .nfilters = CONTACT_FILTER_COUNT,
    .owner_filter = CONTACT_FILTER_MUNICIPALITY,
    .owner_field = CF_MUNICIPALITY,
    .vcard = vcard_contact,
    .check = check,
};
