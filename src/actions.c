/*
 * actions.c: the one table of keys.  The key bar, the help screen and the
 * key loop read it; permission hiding goes through auth_allowed() only.
 *
 * Never accept a key here that the table does not name, and never decide a
 * permission here beyond asking auth_allowed().
 */
#include "actions.h"

#include <curses.h>
#include <stddef.h>

#include "i18n.h"
#include "ui/ui.h"
#include "util.h"

#define ENTER_KEYS '\n', '\r', UI_FN | KEY_ENTER

/* One line of keys and texts, one of rules, per action (clang-format would
 * spread each over ten lines). */
// clang-format off
static const struct action_def table[ACT_COUNT] = {
    {ACT_HELP, {UI_FN | KEY_F(1), '?', 7}, "F1", "F1, ?, Ctrl-G", N_("Help"),
     N_("Show the keys of this screen and of every screen"),
     BAR_ESSENTIAL, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_BACK, {27}, "Esc", "Esc", N_("Back"),
     N_("Go back to the previous screen or cancel"),
     BAR_IF_ROOM, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_LANG, {UI_FN | KEY_F(9), 20}, "F9", "F9, Ctrl-T", N_("Language"),
     N_("Switch the language between Bengali and English"),
     BAR_IF_ROOM, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_LEAN, {UI_FN | KEY_F(7), 18}, "F7", "F7, Ctrl-R", N_("Lean"),
     N_("Lean mode on or off: the fewest bytes on a slow line (no colour, no boxes); an SSH "
        "account keeps the choice"),
     BAR_NO, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_REDRAW, {12}, "^L", "Ctrl-L", N_("Redraw"),
     N_("Redraw the whole screen"),
     BAR_NO, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    /* Deliberately no Ctrl-C / Ctrl-Q alias: quitting is one named key. */
    {ACT_QUIT, {UI_FN | KEY_F(10), 'q'}, "F10", "F10, q", N_("Quit"),
     N_("Leave mabdesk"),
     BAR_ESSENTIAL, 0, AUTH_QUIT, 0, VERB_NONE},
    {ACT_UP, {UI_FN | KEY_UP, 'k'}, "Up", "Up, k", N_("Up"),
     N_("Move up one line"),
     BAR_NO, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_DOWN, {UI_FN | KEY_DOWN, 'j'}, "Down", "Down, j", N_("Down"),
     N_("Move down one line"),
     BAR_NO, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_PGUP, {UI_FN | KEY_PPAGE, 2}, "PgUp", "PgUp, Ctrl-B", N_("Page up"),
     N_("Move up one page"),
     BAR_NO, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_PGDN, {UI_FN | KEY_NPAGE, 6}, "PgDn", "PgDn, Ctrl-F", N_("Page down"),
     N_("Move down one page"),
     BAR_NO, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_TOP, {UI_FN | KEY_HOME, 'g'}, "Home", "Home, g", N_("First"),
     N_("Go to the first line"),
     BAR_NO, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_BOTTOM, {UI_FN | KEY_END, 'G'}, "End", "End, G", N_("Last"),
     N_("Go to the last line"),
     BAR_NO, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_OPEN, {ENTER_KEYS}, "Enter", "Enter", N_("Open"),
     N_("Open the selected entry"),
     BAR_IF_ROOM, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_CHOOSE, {ENTER_KEYS}, "Enter", "Enter", N_("Choose"),
     N_("Choose the selected entry"),
     BAR_ESSENTIAL, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_SEARCH, {'/'}, "/", "/", N_("Search"),
     N_("Search as you type; Enter opens the selected entry, Esc clears the search"),
     BAR_NORMAL, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_DIVISION, {'v'}, "v", "v", N_("Division"),
     N_("Show only one division"),
     BAR_NORMAL, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_DISTRICT, {'t'}, "t", "t", N_("District"),
     N_("Show only one district"),
     BAR_NORMAL, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_FILTER, {'f'}, "f", "f", N_("Filter"),
     N_("Show only the entries with one value of a field (status, language, ...)"),
     BAR_NORMAL, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_CLEAR, {'x'}, "x", "x", N_("Clear"),
     N_("Clear the search and every filter"),
     BAR_IF_ROOM, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_SORT, {'s'}, "s", "s", N_("Sort"),
     N_("Change the order of the list"),
     BAR_NORMAL, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_EDIT, {'e'}, "e", "e", N_("Edit"),
     N_("Edit the selected municipality"),
     BAR_NORMAL, 1, AUTH_EDIT_MUNICIPALITY, 1, VERB_EDIT},
    {ACT_NEW, {'n'}, "n", "n", N_("New"),
     N_("Add a municipality"),
     BAR_NORMAL, 1, AUTH_CREATE_MUNICIPALITY, 1, VERB_CREATE},
    {ACT_DELETE, {'d'}, "d", "d", N_("Delete"),
     N_("Delete the selected municipality (asks first)"),
     BAR_NORMAL, 1, AUTH_DELETE_MUNICIPALITY, 1, VERB_DELETE},
    {ACT_HISTORY, {'h'}, "h", "h", N_("History"),
     N_("Show the audit log of this record"),
     BAR_IF_ROOM, 0, AUTH_READ_AUDIT, 0, VERB_NONE},
    {ACT_PEOPLE, {'p'}, "p", "p", N_("People"),
     N_("The officials and contacts of this municipality"),
     BAR_NORMAL, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_MARK, {' ', UI_FN | KEY_IC}, "Spc", "Space, Insert", N_("Mark"),
     N_("Mark or unmark the selected entry, for an action on every marked one"),
     BAR_IF_ROOM, 1, AUTH_EDIT_MUNICIPALITY, 0, VERB_EDIT},
    {ACT_MARKED, {'m'}, "m", "m", N_("Marked"),
     N_("Act on every marked entry at once: confirm, unsubscribe, delete (asks first)"),
     BAR_NORMAL, 1, AUTH_EDIT_MUNICIPALITY, 0, VERB_EDIT},
    /* Ctrl-S reaches us: the terminal's XON/XOFF is off (setup_terminal). */
    {ACT_SAVE, {UI_FN | KEY_F(2), 19, 24}, "F2", "F2, Ctrl-S, Ctrl-X", N_("Save"),
     N_("Save the form"),
     BAR_ESSENTIAL, 1, AUTH_EDIT_MUNICIPALITY, 1, VERB_EDIT},
    {ACT_NEXT_FIELD, {'\t', UI_FN | KEY_DOWN}, "Tab", "Tab, Down", N_("Next field"),
     N_("Move to the next field"),
     BAR_IF_ROOM, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_PREV_FIELD, {UI_FN | KEY_BTAB, UI_FN | KEY_UP}, "S-Tab", "Shift-Tab, Up",
     N_("Previous field"),
     N_("Move to the previous field"),
     BAR_NO, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_CHOICE, {' ', UI_FN | KEY_LEFT, UI_FN | KEY_RIGHT}, "Space", "Space, Left, Right",
     N_("Change"),
     N_("Change the choice in a choice field"),
     BAR_IF_ROOM, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_PICK, {ENTER_KEYS}, "Enter", "Enter", N_("Pick"),
     N_("Pick the district from a list; in other fields, go to the next field"),
     BAR_IF_ROOM, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    /* Not a write of the session's: db_subscribe_public() has its own
     * connection and limits, so the kiosk may send it. */
    {ACT_SUBSCRIBE, {UI_FN | KEY_F(2), 19, 24}, "F2", "F2, Ctrl-S, Ctrl-X", N_("Subscribe"),
     N_("Send the subscription"),
     BAR_ESSENTIAL, 0, AUTH_SUBSCRIBE, 0, VERB_NONE},
    {ACT_YES, {'y', 'Y'}, "y", "y", N_("Yes"),
     N_("Answer yes"),
     BAR_ESSENTIAL, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_NO, {'n', 'N'}, "n", "n, Esc", N_("No"),
     N_("Answer no"),
     BAR_ESSENTIAL, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_KEEP_MINE, {'m', 'M'}, "m", "m", N_("Keep mine"),
     N_("Save your version over the one saved in the meantime"),
     BAR_ESSENTIAL, 1, AUTH_EDIT_MUNICIPALITY, 1, VERB_EDIT},
    {ACT_TAKE_THEIRS, {'t', 'T'}, "t", "t", N_("Take theirs"),
     N_("Drop your changes and load the version saved in the meantime"),
     BAR_ESSENTIAL, 0, AUTH_READ_DIRECTORY, 0, VERB_NONE},
    {ACT_BY_USER, {'u'}, "u", "u", N_("By user"),
     N_("Show only the entries of the selected entry's user (again: everyone)"),
     BAR_NORMAL, 0, AUTH_READ_AUDIT, 0, VERB_NONE},
    {ACT_BY_RECORD, {'r'}, "r", "r", N_("By record"),
     N_("Show only the entries of the selected entry's record (again: every record)"),
     BAR_NORMAL, 0, AUTH_READ_AUDIT, 0, VERB_NONE},
    {ACT_USER_NEW, {'n'}, "n", "n", N_("New"),
     N_("Add an account: name, role, password and public key"),
     BAR_NORMAL, 1, AUTH_MANAGE_USERS, 0, VERB_NONE},
    {ACT_USER_PASSWORD, {'p'}, "p", "p", N_("Password"),
     N_("Set a new password for the account"),
     BAR_NORMAL, 1, AUTH_MANAGE_USERS, 0, VERB_NONE},
    /* Not 'k': that is Up on every list, and the help would contradict itself. */
    {ACT_USER_KEY_ADD, {'a'}, "a", "a", N_("Add key"),
     N_("Add a public key to the account, pasted as one line"),
     BAR_NORMAL, 1, AUTH_MANAGE_USERS, 0, VERB_NONE},
    {ACT_USER_KEY_REMOVE, {'x'}, "x", "x", N_("Remove key"),
     N_("Remove the selected key from the account (asks first)"),
     BAR_NORMAL, 1, AUTH_MANAGE_USERS, 0, VERB_NONE},
    /* Upper case on purpose: locking someone out should not be one slip. */
    {ACT_USER_DISABLE, {'D'}, "D", "D", N_("Disable/enable"),
     N_("Disable the account so it cannot log in, or enable it again (asks first)"),
     BAR_NORMAL, 1, AUTH_MANAGE_USERS, 0, VERB_NONE},
    {ACT_PREV_DAY, {UI_FN | KEY_LEFT}, "Left", "Left", N_("Day before"),
     N_("Move to the day before; Up and Down move by a week, PgUp and PgDn by a month"),
     BAR_NO, 0, AUTH_READ_EVENTS, 0, VERB_NONE},
    {ACT_NEXT_DAY, {UI_FN | KEY_RIGHT}, "Right", "Right", N_("Day after"),
     N_("Move to the day after"),
     BAR_NO, 0, AUTH_READ_EVENTS, 0, VERB_NONE},
    {ACT_TODAY, {'t'}, "t", "t", N_("Today"),
     N_("Go back to today"),
     BAR_NORMAL, 0, AUTH_READ_EVENTS, 0, VERB_NONE},
    {ACT_AGENDA, {'a'}, "a", "a", N_("Agenda"),
     N_("The events of the next 30 days from the selected day, as a list"),
     BAR_NORMAL, 0, AUTH_READ_EVENTS, 0, VERB_NONE},
    {ACT_ORGANISER, {'o'}, "o", "o", N_("Organiser"),
     N_("Show only the events of the association or of one municipality"),
     BAR_IF_ROOM, 0, AUTH_READ_EVENTS, 0, VERB_NONE},
    {ACT_EVENT_LIST, {'l'}, "l", "l", N_("List"),
     N_("Every event as a list, with its sort orders and search"),
     BAR_IF_ROOM, 0, AUTH_READ_EVENTS, 0, VERB_NONE},
};
// clang-format on;

const enum action_id action_globals[] = {ACT_HELP, ACT_BACK,   ACT_LANG,
                                         ACT_LEAN, ACT_REDRAW, ACT_QUIT, ACT_NONE};

const struct action_def *action_def(enum action_id id)
{
    if ((int)id < 0 || id >= ACT_COUNT || table[id].id != id)
        fatal("action table: bad id %d", (int)id);
    return &table[id];
}

int action_allowed(const struct session *s, enum action_id id, const struct kind *kind,
                   long long record)
{
    const struct action_def *d = action_def(id);
    enum auth_action a = d->verb != VERB_NONE && kind != NULL ? kind->auth[d->verb] : d->auth;

    if (d->writes && auth_read_only(s))
        return 0;
    return auth_allowed(s, a, d->per_record ? record : 0);
}

static int bound_to(const struct action_def *d, int code)
{
    for (size_t i = 0; i < nitems(d->keys) && d->keys[i] != 0; i++) {
        if (d->keys[i] == code)
            return 1;
    }
    return 0;
}

static enum action_id find_in(const enum action_id *list, const struct ui_key *k,
                              const struct session *s, const struct kind *kind, long long record)
{
    for (; list != NULL && *list != ACT_NONE; list++) {
        if (bound_to(action_def(*list), k->code) && action_allowed(s, *list, kind, record))
            return *list;
    }
    return ACT_NONE;
}

enum action_id action_for_key(const enum action_id *list, const struct ui_key *k,
                              const struct session *s, const struct kind *kind, long long record)
{
    enum action_id a = find_in(list, k, s, kind, record);

    return a != ACT_NONE ? a : find_in(action_globals, k, s, kind, record);
}
