/*
 * auth.h: roles, the session every db/ call carries, and the one function
 * that decides what a session may do.  Screens ask auth_allowed() to decide
 * what to show; db/ asks it again before every write, so hiding a key is
 * never the only protection.
 */
#ifndef MABDESK_AUTH_H
#define MABDESK_AUTH_H

enum role { ROLE_ADMIN, ROLE_EDITOR, ROLE_MUNICIPAL, ROLE_VIEWER, ROLE_KIOSK, ROLE_COUNT };

/* Who is at the keyboard.  Filled by main.c (local) or handed over by the
 * SSH session process; never changed afterwards. */
struct session {
    char user[64];
    enum role role;
    long long municipality_id; /* the own municipality of ROLE_MUNICIPAL, else 0 */
};

enum auth_action {
    AUTH_READ_DIRECTORY,
    AUTH_CREATE_MUNICIPALITY,
    AUTH_EDIT_MUNICIPALITY, /* with the municipality's id */
    AUTH_DELETE_MUNICIPALITY,
    AUTH_IMPORT_MUNICIPALITIES,
    AUTH_EXPORT_MUNICIPALITIES,
    AUTH_READ_AUDIT,
    AUTH_MANAGE_USERS,
    AUTH_EDIT_PAGES,       /* the About text */
    AUTH_QUIT,             /* leave the program with a key (not kiosk) */
    AUTH_READ_SUBSCRIBERS, /* with the subscriber's municipality (0: all) */
    AUTH_EDIT_SUBSCRIBERS, /* add, change, delete, import; confirm in bulk */
    AUTH_EXPORT_SUBSCRIBERS,
    AUTH_SUBSCRIBE, /* the public form, and confirming or unsubscribing by token */
    AUTH_READ_EVENTS,
    AUTH_EDIT_EVENT, /* add, change, delete; with the organiser's id (0: the association) */
    AUTH_IMPORT_EVENTS,
    AUTH_EXPORT_EVENTS,
    AUTH_ACTION_COUNT
};

/* 1 if the session may do action (on municipality id, where it matters). */
int auth_allowed(const struct session *, enum auth_action, long long municipality_id);
/* 1 for sessions whose database connection must refuse every write. */
int auth_read_only(const struct session *);
/* 1 when the session may keep its own choices (language, lean mode) with
 * its account: any role, a viewer's too, but not the shared kiosk. */
int auth_keeps_choices(const struct session *);
const char *auth_role_name(enum role);
/* 0 and *out set, or -1 for an unknown name. */
int auth_role_parse(const char *name, enum role *out);
/* Fill a local session: name of the OS user, given role. */
void auth_session_local(struct session *, enum role);

#endif
