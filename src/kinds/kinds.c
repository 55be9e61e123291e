/*
 * kinds.c: the list of kinds, for the command line and the audit log,
 * and what several kinds share.
 */
#include "kinds/kinds.h"

#include <string.h>

#include "i18n.h"

const struct kind *const kinds_all[] = {&kind_municipality, &kind_contact, &kind_subscriber,
                                        &kind_event, NULL};

const struct kind *kind_by_name(const char *name)
{
    for (int i = 0; kinds_all[i] != NULL; i++)
        if (strcmp(kinds_all[i]->name, name) == 0 || strcmp(kinds_all[i]->plural, name) == 0)
            return kinds_all[i];
    return NULL;
}

const struct kind *kind_audited(const char *name)
{
    if (strcmp(kind_user.name, name) == 0)
        return &kind_user;
    return kind_by_name(name);
}

const struct ref_def kinds_municipality_ref = {
    N_("municipality"),
    "SELECT m.name_en || ' (' || d.name_en || ')', m.name_bn || ' (' || d.name_bn || ')'"
    " FROM municipality m JOIN district d ON d.id = m.district_id WHERE m.id = ?1",
    "SELECT id FROM municipality WHERE id = ?1 OR name_en = ?1 COLLATE NOCASE OR name_bn = ?1"
    " ORDER BY id = ?1 DESC, id LIMIT 1",
    "SELECT count(*) FROM municipality WHERE (name_en = ?1 COLLATE NOCASE OR name_bn = ?1)"
    " AND NOT EXISTS (SELECT 1 FROM municipality WHERE id = ?1)",
    "SELECT m.id, m.name_en || ' (' || d.name_en || ')', m.name_bn || ' (' || d.name_bn || ')'"
    " FROM municipality m JOIN district d ON d.id = m.district_id"
    " ORDER BY m.name_en COLLATE NOCASE, m.id",
};
