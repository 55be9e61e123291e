/*
 * kinds.c: the list of kinds, for the command line and the audit log.
 */
#include "kinds/kinds.h"

#include <string.h>

const struct kind *const kinds_all[] = {&kind_municipality, &kind_contact, NULL};

const struct kind *kind_by_name(const char *name)
{
    for (int i = 0; kinds_all[i] != NULL; i++)
        if (strcmp(kinds_all[i]->name, name) == 0 || strcmp(kinds_all[i]->plural, name) == 0)
            return kinds_all[i];
    return NULL;
}
