/*
 * auth.c: the single place where permissions are decided.  Everything that
 * writes, and every screen that offers a write, asks auth_allowed().
 */
#include "auth.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const role_names[ROLE_COUNT] = {
    [ROLE_ADMIN] = "admin",   [ROLE_EDITOR] = "editor", [ROLE_MUNICIPAL] = "municipal",
    [ROLE_VIEWER] = "viewer", [ROLE_KIOSK] = "kiosk",
};

int auth_allowed(const struct session *s, enum auth_action a, long long municipality_id)
{
    switch (a) {
    case AUTH_READ_DIRECTORY:
    case AUTH_READ_EVENTS:
        return 1;
    case AUTH_QUIT:
        return s->role != ROLE_KIOSK;
    case AUTH_EDIT_MUNICIPALITY:
    case AUTH_EDIT_EVENT:
        /* The association's own events (0) are staff's. */
        if (s->role == ROLE_MUNICIPAL)
            return municipality_id != 0 && municipality_id == s->municipality_id;
        return s->role == ROLE_ADMIN || s->role == ROLE_EDITOR;
    case AUTH_SUBSCRIBE:
        return 1;
    case AUTH_READ_SUBSCRIBERS:
        /* A municipal user reads the subscribers of its own body only,
         * not those who asked for news of every municipality. */
        if (s->role == ROLE_MUNICIPAL)
            return municipality_id != 0 && municipality_id == s->municipality_id;
        return s->role == ROLE_ADMIN || s->role == ROLE_EDITOR;
    case AUTH_CREATE_MUNICIPALITY:
    case AUTH_IMPORT_MUNICIPALITIES:
    case AUTH_IMPORT_EVENTS:
    case AUTH_EDIT_PAGES:
    case AUTH_EDIT_SUBSCRIBERS:
    case AUTH_EXPORT_SUBSCRIBERS:
        return s->role == ROLE_ADMIN || s->role == ROLE_EDITOR;
    case AUTH_EXPORT_MUNICIPALITIES:
    case AUTH_EXPORT_EVENTS:
        return s->role != ROLE_KIOSK;
    case AUTH_DELETE_MUNICIPALITY:
    case AUTH_READ_AUDIT:
    case AUTH_MANAGE_USERS:
        return s->role == ROLE_ADMIN;
    case AUTH_ACTION_COUNT:
        break;
    }
    return 0;
}

int auth_read_only(const struct session *s)
{
    return s->role == ROLE_VIEWER || s->role == ROLE_KIOSK;
}

int auth_keeps_choices(const struct session *s)
{
    return s->role != ROLE_KIOSK;
}

const char *auth_role_name(enum role r)
{
    if ((int)r < 0 || r >= ROLE_COUNT)
        return "?";
    return role_names[r];
}

int auth_role_parse(const char *name, enum role *out)
{
    for (int i = 0; i < ROLE_COUNT; i++) {
        if (strcmp(name, role_names[i]) == 0) {
            *out = (enum role)i;
            return 0;
        }
    }
    return -1;
}

void auth_session_local(struct session *s, enum role r)
{
    const char *name = getenv("USER");
    struct passwd *pw;

    memset(s, 0, sizeof *s);
    if (name == NULL || *name == '\0') {
        pw = getpwuid(getuid());
        name = pw != NULL ? pw->pw_name : "local";
    }
    snprintf(s->user, sizeof s->user, "%s", name);
    s->role = r;
}
