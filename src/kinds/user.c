/*
 * user.c: the accounts that may log in over SSH as a kind of record: the
 * name, role, municipality and whether the account is disabled, with the
 * rules of each, and the audit log's picture of an account.  What no
 * table can say stays in db/user.c: password hashes, public keys, the SSH
 * look-ups.  Every verb needs AUTH_MANAGE_USERS.
 *
 * The audit picture is the one accounts have had since 0.1.0, so that old
 * and new entries read the same: name, role, municipality_id, disabled and
 * password as JSON true/false (never the hash), keys as the list of
 * fingerprints, and no id, version or stamp.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "kinds/kinds.h"

enum { USER_NAME_MAX = 32 };

const char *user_name_problem(const char *name)
{
    size_t len = strlen(name);

    if (len == 0)
        return _("the name is empty");
    if (len > USER_NAME_MAX)
        return _("the name is longer than 32 characters");
    if (!islower((unsigned char)name[0]) && !isdigit((unsigned char)name[0]))
        return _("the name must start with a lower-case letter or a digit");
    for (const char *p = name; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (!islower(c) && !isdigit(c) && c != '.' && c != '_' && c != '-')
            return _("the name may hold only a-z, 0-9, '.', '_' and '-'");
    }
    if (strcmp(name, USER_KIOSK_NAME) == 0)
        return _("'kiosk' is the built-in kiosk account and cannot be added");
    return NULL;
}

/* Kiosk is no choice: it is the built-in account, never a user's role. */
const char *const user_role_choices[] = {"admin", "editor", "municipal", "viewer", NULL};
const char *const user_role_labels[] = {N_("administrator"), N_("editor"), N_("municipal"),
                                        N_("viewer"), NULL};
static const char *const disabled_choices[] = {"0", "1", NULL};
static const char *const disabled_labels[] = {N_("no"), N_("yes"), NULL};

/* The length is the check hook's (user_name_problem() says it in words);
 * max_len only bounds what reaches it. */
static const struct field_def fields[AF_COUNT] = {
    [AF_NAME] = {"name", N_("Name"), FT_TEXT, 0, 1024},
    [AF_ROLE] = {"role", N_("Role"), FT_CHOICE, 1, 16, user_role_choices, user_role_labels},
    [AF_MUNICIPALITY] = {"municipality_id", N_("Municipality"), FT_REF, 0, 400,
                         .ref = &kinds_municipality_ref},
    [AF_DISABLED] = {"disabled", N_("Disabled"), FT_CHOICE, 1, 1, disabled_choices, disabled_labels,
                     .audit = "json(CASE WHEN t.disabled THEN 'true' ELSE 'false' "
                              "END)"},
};

/* json(): the subtype that makes a value JSON does not survive a subquery. */
static const struct extra_def extras[AX_COUNT] = {
    [AX_PASSWORD] = {"password",
                     "json(CASE WHEN t.password_hash IS NULL THEN 'false' ELSE 'true' END)",
                     XF_AUDIT, N_("Password set")},
    [AX_KEYS] = {"keys",
                 "json((SELECT json_group_array(fingerprint) FROM (SELECT fingerprint FROM "
                 "user_keys WHERE user_id = t.id ORDER BY fingerprint)))",
                 XF_AUDIT, N_("Keys")},
    [AX_NKEYS] = {"nkeys", "(SELECT count(*) FROM user_keys k WHERE k.user_id = t.id)", 0},
    [AX_CREATED_AT] = {"created_at", "t.created_at", 0},
};

static const char *const list_values[AL_COUNT] = {
    [AL_NAME] = "t.name",
    [AL_ROLE] = "t.role",
    [AL_MUNICIPALITY_ID] = "t.municipality_id",
    [AL_DISABLED] = "t.disabled",
    [AL_PASSWORD] = "t.password_hash IS NOT NULL",
    [AL_NKEYS] = "(SELECT count(*) FROM user_keys k WHERE k.user_id = t.id)",
    [AL_CREATED_AT] = "t.created_at",
    [AL_UPDATED_AT] = "t.updated_at",
    [AL_VERSION] = "t.version",
};

static const struct sort_def sorts[] = {
    {N_("name"), "t.name, t.id", "t.name, t.id", 0},
};

/* A municipality exactly when the role is municipal. */
static int check(const struct record *r, char *msg, size_t msgsz)
{
    const char *problem = user_name_problem(r->f[AF_NAME]);
    int municipal = strcmp(r->f[AF_ROLE], "municipal") == 0;

    if (problem != NULL) {
        snprintf(msg, msgsz, "%s", problem);
        return AF_NAME;
    }
    if (municipal && *r->f[AF_MUNICIPALITY] == '\0') {
        snprintf(msg, msgsz, "%s", _("the municipal role needs a municipality"));
        return AF_MUNICIPALITY;
    }
    if (!municipal && *r->f[AF_MUNICIPALITY] != '\0') {
        snprintf(msg, msgsz, "%s", _("only the municipal role belongs to a municipality"));
        return AF_MUNICIPALITY;
    }
    return -1;
}

#define MAY_NOT N_("only an administrator may manage users")

/* No kind_ui: accounts have screens of their own (screens/users.c), and
 * no command-line import or export (it is not in kinds_all). */
const struct kind kind_user = {
    .name = "user",
    .label = N_("User account"),
    .plural = "users",
    .table = "users",
    .fields = fields,
    .nfields = AF_COUNT,
    .extras = extras,
    .nextras = AX_COUNT,
    .joins = NULL,
    .auth =
        {
            [VERB_READ] = AUTH_MANAGE_USERS,
            [VERB_CREATE] = AUTH_MANAGE_USERS,
            [VERB_EDIT] = AUTH_MANAGE_USERS,
            [VERB_DELETE] = AUTH_MANAGE_USERS,
            [VERB_IMPORT] = AUTH_MANAGE_USERS,
            [VERB_EXPORT] = AUTH_MANAGE_USERS,
        },
    .msgs =
        {
            .noun = N_("user account"),
            .may_not = {MAY_NOT, MAY_NOT, MAY_NOT, MAY_NOT, MAY_NOT, MAY_NOT, MAY_NOT},
            .deleted = N_("someone else deleted this account in the meantime"),
            .changed = N_("someone else changed this account; look at it again"),
        },
    .name_en = AF_NAME,
    .name_bn = AF_NAME,
    .list_values = list_values,
    .nlist_values = AL_COUNT,
    .list_owner = -1,
    .sorts = sorts,
    .nsorts = 1,
    .owner_filter = -1,
    .owner_field = -1,
    .audit_bare = 1,
    .check = check,
};
