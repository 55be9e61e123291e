/*
 * actions.h: every key of the application as a named action, in one table.
 *
 * The key bar, the help screen and permission hiding all read this table:
 * an action the session may not do is neither shown nor accepted.  Screens
 * list the actions they offer; the app adds the global ones (help, back,
 * language, quit).  Never test a key code in a screen for something that
 * has an action here.
 */
#ifndef MABDESK_ACTIONS_H
#define MABDESK_ACTIONS_H

#include "auth.h"
#include "record.h"

struct ui_key;

enum action_id {
    ACT_NONE = -1,
    /* everywhere */
    ACT_HELP,
    ACT_BACK,
    ACT_LANG,
    ACT_LEAN,
    ACT_REDRAW,
    ACT_QUIT,
    /* lists and views */
    ACT_UP,
    ACT_DOWN,
    ACT_PGUP,
    ACT_PGDN,
    ACT_TOP,
    ACT_BOTTOM,
    ACT_OPEN,
    ACT_CHOOSE,
    /* directory */
    ACT_SEARCH,
    ACT_DIVISION,
    ACT_DISTRICT,
    ACT_FILTER,
    ACT_CLEAR,
    ACT_SORT,
    ACT_EDIT,
    ACT_NEW,
    ACT_DELETE,
    ACT_HISTORY,
    ACT_PEOPLE,
    ACT_MARK,
    ACT_MARKED,
    /* forms */
    ACT_SAVE,
    ACT_NEXT_FIELD,
    ACT_PREV_FIELD,
    ACT_CHOICE,
    ACT_PICK,
    ACT_SUBSCRIBE, /* the public form's F2: not a save, so open to kiosks */
    /* dialogs */
    ACT_YES,
    ACT_NO,
    ACT_KEEP_MINE,
    ACT_TAKE_THEIRS,
    /* audit */
    ACT_BY_USER,
    ACT_BY_RECORD,
    /* users (admin) */
    ACT_USER_NEW,
    ACT_USER_PASSWORD,
    ACT_USER_KEY_ADD,
    ACT_USER_KEY_REMOVE,
    ACT_USER_DISABLE,
    /* the event calendar */
    ACT_PREV_DAY,
    ACT_NEXT_DAY,
    ACT_TODAY,
    ACT_AGENDA,
    ACT_ORGANISER,
    ACT_EVENT_LIST,
    ACT_COUNT
};

/* How much a key bar entry matters when the bar is too narrow for all. */
enum action_bar {
    BAR_NO,      /* help screen only */
    BAR_IF_ROOM, /* dropped first */
    BAR_NORMAL,
    BAR_ESSENTIAL, /* dropped last */
};

struct action_def {
    enum action_id id;
    int keys[4];           /* struct ui_key codes, 0-terminated */
    const char *bar_key;   /* the key as the key bar names it: "F10", "/" */
    const char *keys_text; /* every key, for the help screen: "F1, ?" */
    const char *label;     /* N_(): short, for the key bar */
    const char *help;      /* N_(): one line for the help screen */
    enum action_bar bar;
    int writes;            /* changes stored data */
    enum auth_action auth; /* what the session must be allowed */
    int per_record;        /* auth depends on the record (its owner is passed) */
    /* A verb on a record (edit, new, delete, save): its permission is the
     * one the kind of the screen names for it (auth without a kind). */
    enum verb verb;
};

/* The table entry of an action (never NULL for a valid id). */
const struct action_def *action_def(enum action_id);
/* Actions every screen has, ACT_NONE-terminated. */
extern const enum action_id action_globals[];

/* 1 if the session may see and use the action on a record of kind (NULL:
 * none) whose owning municipality is record, if per record.  Writing
 * actions are never allowed to read-only sessions. */
int action_allowed(const struct session *, enum action_id, const struct kind *, long long record);

/* The first allowed action of list (ACT_NONE-terminated, may be NULL),
 * then of action_globals, bound to key; ACT_NONE if none. */
enum action_id action_for_key(const enum action_id *list, const struct ui_key *,
                              const struct session *, const struct kind *, long long record);

#endif
