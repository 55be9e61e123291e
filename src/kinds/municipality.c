/*
 * municipality.c: the directory's member bodies as a kind of record.
 *
 * Everything particular to a municipality is here as data: its fields and
 * their rules, the district it lies in (a reference to the district
 * table), the read-only names the joins add, its search index, its list's
 * orders and filters, and who may do what.  Being a municipality, its
 * owner is itself.
 */
#include "kinds/kinds.h"
#include "fmt/vcard.h"
#include "i18n.h"

static const char *const kind_choices[] = {"paurashava", "city_corporation", NULL};
static const char *const kind_labels[] = {N_("Paurashava"), N_("City corporation"), NULL};
static const char *const class_choices[] = {"A", "B", "C", "", NULL};
static const char *const class_labels[] = {N_("A"), N_("B"), N_("C"), N_("unknown"), NULL};

/* A district by its English name, alternative spelling or Bengali name
 * (NFC, case-insensitive for Latin letters). */
static const struct ref_def district_ref = {
    N_("district"),
    NULL,
    "SELECT id FROM district WHERE name_en = ?1 COLLATE NOCASE OR alt_name_en = ?1 COLLATE NOCASE"
    " OR name_bn = ?1 ORDER BY name_en = ?1 COLLATE NOCASE DESC, id LIMIT 1",
    NULL,
    "SELECT id, name_en, name_bn FROM district ORDER BY name_en COLLATE NOCASE, id",
};

static const struct field_def fields[MF_COUNT] = {
    [MF_KIND] = {"kind", N_("Kind"), FT_CHOICE, 1, 32, kind_choices, kind_labels},
    [MF_NAME_EN] = {"name_en", N_("Name (English)"), FT_TEXT, 1, 200},
    [MF_NAME_BN] = {"name_bn", N_("Name (Bengali)"), FT_TEXT, 1, 400},
    [MF_CLASS] = {"class", N_("Class"), FT_CHOICE, 0, 1, class_choices, class_labels},
    [MF_DISTRICT] = {"district", N_("District"), FT_REF, 1, 100, .ref = &district_ref,
                     .column = "district_id", .read = "d.name_en"},
    [MF_ESTABLISHED] = {"established", N_("Year established"), FT_YEAR, 0, 4, .min = 1850},
    [MF_WARDS] = {"wards", N_("Wards"), FT_INT, 0, 6, .min = 1},
    [MF_POPULATION] = {"population", N_("Population"), FT_INT, 0, 12, .min = 0},
    [MF_AREA] = {"area", N_("Area (km²)"), FT_REAL, 0, 12},
    [MF_MAYOR_EN] = {"mayor_en", N_("Mayor (English)"), FT_TEXT, 0, 200},
    [MF_MAYOR_BN] = {"mayor_bn", N_("Mayor (Bengali)"), FT_TEXT, 0, 400},
    [MF_PHONE] = {"phone", N_("Phone"), FT_PHONE, 0, 40},
    [MF_EMAIL] = {"email", N_("Email"), FT_EMAIL, 0, 254},
    [MF_WEBSITE] = {"website", N_("Website"), FT_URL, 0, 300},
    [MF_ADDRESS] = {"address", N_("Address"), FT_LONGTEXT, 0, 1000},
    [MF_NOTES] = {"notes", N_("Notes"), FT_LONGTEXT, 0, 4000},
};

static const struct extra_def extras[MX_COUNT] = {
    [MX_DISTRICT_BN] = {"district_bn", "d.name_bn", XF_EXPORT},
    [MX_DIVISION_EN] = {"division_en", "v.name_en", XF_EXPORT},
    [MX_DIVISION_BN] = {"division_bn", "v.name_bn", XF_EXPORT},
    [MX_SOURCE] = {"source", "t.source", XF_AUDIT | XF_STORED},
};

enum { J_DISTRICT = 1 << 0, J_DIVISION = 1 << 1 | J_DISTRICT };

static const char *const joins[] = {
    " JOIN district d ON d.id = t.district_id",
    " JOIN division v ON v.id = d.division_id",
    NULL,
};

static const char *const list_values[ML_COUNT] = {
    "t.kind",    "t.class",   "t.name_en", "t.name_bn",
    "d.name_en", "d.name_bn", "v.name_en", "v.name_bn",
};

static const struct sort_def sorts[MUNI_SORT_COUNT] = {
    [MUNI_SORT_NAME] = {N_("name"), "t.name_en COLLATE NOCASE, t.id", "t.name_bn, t.id", 0},
    [MUNI_SORT_DISTRICT] = {N_("district"),
                            "d.name_en COLLATE NOCASE, t.name_en COLLATE NOCASE, t.id",
                            "d.name_bn, t.name_bn, t.id", J_DISTRICT},
    [MUNI_SORT_DIVISION] = {N_("division"),
                            "v.name_en COLLATE NOCASE, d.name_en COLLATE NOCASE,"
                            " t.name_en COLLATE NOCASE, t.id",
                            "v.name_bn, d.name_bn, t.name_bn, t.id", J_DIVISION},
    [MUNI_SORT_KIND_CLASS] = {N_("kind and class"),
                              "t.kind, t.class IS NULL, t.class, t.name_en COLLATE NOCASE, t.id",
                              "t.kind, t.class IS NULL, t.class, t.name_bn, t.id", 0},
    [MUNI_SORT_ESTABLISHED] =
        {N_("year established"),
         "t.established IS NULL, t.established, t.name_en COLLATE NOCASE, t.id",
         "t.established IS NULL, t.established, t.name_bn, t.id", 0},
};

static const struct filter_def filters[MUNI_FILTER_COUNT] = {
    [MUNI_FILTER_DIVISION] = {"d.division_id = ?", J_DISTRICT},
    [MUNI_FILTER_DISTRICT] = {"t.district_id = ?", 0},
};

static const char *const kinds[] = {"paurashava", "city_corporation", NULL};
static const char *const kinds_short[] = {N_("Paurashava"), N_("City corp."), NULL};

static const struct list_col cols[] = {
    {N_("Name"), ML_NAME_EN, ML_NAME_BN, NULL, NULL, -1, 0, 16},
    {N_("Kind, class"), ML_KIND, -1, kinds, kinds_short, ML_CLASS, -15, 0},
    {N_("District"), ML_DISTRICT_EN, ML_DISTRICT_BN, NULL, NULL, -1, 18, 10},
    {N_("Division"), ML_DIVISION_EN, ML_DIVISION_BN, NULL, NULL, -1, 15, 10},
};

/* Each field as it is, the district with its Bengali name, the division
 * after it; where the record came from at the end. */
static const struct detail_row detail[] = {
    {NULL, MF_KIND, -1, -1, 0},
    {NULL, MF_NAME_EN, -1, -1, 0},
    {NULL, MF_NAME_BN, -1, -1, 0},
    {NULL, MF_CLASS, -1, -1, 0},
    {NULL, MF_DISTRICT, -1, MX_DISTRICT_BN, 0},
    {N_("Division"), -1, MX_DIVISION_EN, MX_DIVISION_BN, 0},
    {NULL, MF_ESTABLISHED, -1, -1, 0},
    {NULL, MF_WARDS, -1, -1, 0},
    {NULL, MF_POPULATION, -1, -1, 0},
    {NULL, MF_AREA, -1, -1, 0},
    {NULL, MF_MAYOR_EN, -1, -1, 0},
    {NULL, MF_MAYOR_BN, -1, -1, 0},
    {NULL, MF_PHONE, -1, -1, 0},
    {NULL, MF_EMAIL, -1, -1, 0},
    {NULL, MF_WEBSITE, -1, -1, 0},
    {NULL, MF_ADDRESS, -1, -1, 0},
    {NULL, MF_NOTES, -1, -1, 0},
    {N_("Source"), -1, MX_SOURCE, -1, 1},
};

const struct kind kind_municipality = {
    .name = "municipality",
    .label = N_("Municipality"),
    .plural = "municipalities",
    .table = "municipality",
    .fields = fields,
    .nfields = MF_COUNT,
    .extras = extras,
    .nextras = MX_COUNT,
    .joins = joins,
    .auth =
        {
            [VERB_READ] = AUTH_READ_DIRECTORY,
            [VERB_CREATE] = AUTH_CREATE_MUNICIPALITY,
            [VERB_EDIT] = AUTH_EDIT_MUNICIPALITY,
            [VERB_DELETE] = AUTH_DELETE_MUNICIPALITY,
            [VERB_IMPORT] = AUTH_IMPORT_MUNICIPALITIES,
            [VERB_EXPORT] = AUTH_EXPORT_MUNICIPALITIES,
        },
    .msgs =
        {
            .noun = N_("municipality"),
            .may_not =
                {
                    [VERB_READ] = N_("you may not read the directory"),
                    [VERB_CREATE] = N_("you may not add municipalities"),
                    [VERB_EDIT] = N_("you may not edit this municipality"),
                    [VERB_DELETE] = N_("only an administrator may delete a municipality"),
                    [VERB_IMPORT] = N_("you may not import municipalities"),
                    [VERB_EXPORT] = N_("this session may not export the directory"),
                },
            .deleted = N_("someone else deleted this municipality in the meantime"),
            .changed = N_("someone else changed this municipality; look at it again before "
                          "deleting"),
        },
    .ui =
        {
            .edit_title = N_("Edit municipality"),
            .new_title = N_("New municipality"),
            .new_head = N_("A new municipality. Fields marked * are required."),
            .not_loaded = N_("This municipality could not be loaded."),
            .view_title = N_("Municipality"),
            .list_title = N_("Directory"),
            .empty = N_("No municipality matches."),
            .hint = N_("Press / to search by name, district, division or mayor."),
            .delete_title = N_("Delete municipality"),
        },
    .name_en = MF_NAME_EN,
    .name_bn = MF_NAME_BN,
    .detail = detail,
    .ndetail = (int)(sizeof detail / sizeof detail[0]),
    .cols = cols,
    .ncols = (int)(sizeof cols / sizeof cols[0]),
    .fts_table = "muni_fts",
    .fts_columns = FTS_COLUMNS,
    .fts_values = FTS_VALUES("t"),
    .fts_joins = J_DIVISION,
    .list_values = list_values,
    .nlist_values = ML_COUNT,
    .list_owner = -1,
    .list_joins = J_DIVISION,
    .sorts = sorts,
    .nsorts = MUNI_SORT_COUNT,
    .filters = filters,
    .nfilters = MUNI_FILTER_COUNT,
    .owner_filter = -1,
    .owner_field = -1,
    .vcard = vcard_muni,
    .check = NULL,
};
