/*
 * app.c: the full-screen application: terminal set-up, the screen stack,
 * the key loop, resizing, idle and session time limits, the title line,
 * the status line and the key bar.
 *
 * Layout: line 0 title, lines 1..LINES-3 the screens' body, LINES-2 the
 * status line, LINES-1 the key bar.  Below 40x15 only a "make the window
 * larger" message is drawn.
 *
 * While another program holds the database, db/ calls busy_wait() here,
 * which says so on the status line and lets Esc give up.
 *
 * Must never: do work in a signal handler (ncurses turns SIGWINCH into
 * KEY_RESIZE, handled in the loop), call clear() for an ordinary redraw
 * (remote users pay for every byte: erase() and let ncurses send the
 * difference), or offer a key whose action the session may not do.
 */
#include "app.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actions.h"
#include "auth.h"
#include "db/db.h"
#include "db/user.h"
#include "i18n.h"
#include "text.h"
#include "ui/dialog.h"
#include "ui/keybar.h"
#include "ui/screen.h"
#include "ui/ui.h"
#include "util.h"

enum { MIN_COLS = 40, MIN_LINES = 15 };

static struct {
    struct db *db;
    const struct session *sess;
    struct app_options opt;
    SCREEN *term;
    struct screen **stack;
    int n, cap;
    struct screen **dead; /* popped during this key, freed after it */
    int ndead, capdead;
    char status[512];
    int status_err;
    int quit;
    char *end_message; /* shown when the program ends by itself */
    char start_lang[8];
    struct timespec last_key, started;
    struct keybar bar; /* where each entry of the key bar was drawn */
    int trimmed;       /* malloc_trim() after the first screen */
} app;

/* The columns the application draws in: all but the last on a terminal
 * that may wrap either way after it (ui_right_margin()). */
static int cols(void)
{
    return COLS - ui_right_margin();
}

/* --- stack ----------------------------------------------------------------- */

static struct screen *top(void)
{
    return app.n > 0 ? app.stack[app.n - 1] : NULL;
}

void app_push(struct screen *s)
{
    if (app.n == app.cap) {
        app.cap = app.cap ? app.cap * 2 : 8;
        app.stack = xreallocarray(app.stack, (size_t)app.cap, sizeof *app.stack);
    }
    app.stack[app.n++] = s;
}

static void bury(struct screen *s)
{
    if (app.ndead == app.capdead) {
        app.capdead = app.capdead ? app.capdead * 2 : 8;
        app.dead = xreallocarray(app.dead, (size_t)app.capdead, sizeof *app.dead);
    }
    app.dead[app.ndead++] = s;
}

static void free_dead(void)
{
    for (int i = 0; i < app.ndead; i++)
        app.dead[i]->leave(app.dead[i]);
    app.ndead = 0;
}

static void reload_top(void)
{
    struct screen *t = top();

    if (t != NULL && t->reload != NULL)
        t->reload(t);
}

void app_pop(void)
{
    if (app.n <= 1)
        return;
    bury(app.stack[--app.n]);
    reload_top();
}

/* t, the top screen, finished (a dialog was answered): off the stack
 * first, so that what its closed hook does lands on the screen below. */
static void close_top(struct screen *t)
{
    if (app.n <= 1 || t != top())
        return;
    app_pop();
    if (t->closed != NULL)
        t->closed(t);
}

void app_home(void)
{
    while (app.n > 1)
        bury(app.stack[--app.n]);
    reload_top();
}

/* --- small services ---------------------------------------------------------- */

static void set_status(int err, const char *fmt, va_list ap)
{
    vsnprintf(app.status, sizeof app.status, fmt, ap);
    app.status_err = err;
}

void app_status(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_status(0, fmt, ap);
    va_end(ap);
}

void app_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_status(1, fmt, ap);
    va_end(ap);
}

struct db *app_db(void)
{
    return app.db;
}

const struct session *app_session(void)
{
    return app.sess;
}

int app_kiosk(void)
{
    return app.opt.kiosk || app.sess->role == ROLE_KIOSK;
}

int app_remote(void)
{
    return app.opt.remote;
}

/* The screen whose record the actions of s are about: s, or for a dialog
 * that names none, the screen under it. */
static struct screen *subject(struct screen *s)
{
    for (int i = app.n - 1; i > 0 && app.stack[i] == s && s->overlay && s->kind == NULL; i--)
        s = app.stack[i - 1];
    return s;
}

static long long record_of(struct screen *s)
{
    s = subject(s);
    return s->record != NULL ? s->record(s) : 0;
}

static const struct kind *kind_of(struct screen *s)
{
    return subject(s)->kind;
}

int app_allowed(enum action_id id, long long record)
{
    struct screen *t = top();

    return action_allowed(app.sess, id, t != NULL ? kind_of(t) : NULL, record);
}

/* --- drawing ---------------------------------------------------------------- */

static void draw_too_small(void)
{
    char *w = ui_number(COLS), *h = ui_number(LINES), *mw = ui_number(MIN_COLS + ui_right_margin()),
         *mh = ui_number(MIN_LINES);
    char *msg =
        xasprintf(_("Make the window larger: mabdesk needs %sx%s, now %sx%s."), mw, mh, w, h);
    int n = 0, width = cols() > 2 ? cols() - 2 : 1;
    char **lines = text_wrap(msg, width, &n);

    for (int i = 0; i < n; i++)
        ui_put_centre(stdscr, (LINES - n) / 2 + i, 0, cols(), lines[i], ui_attr(UI_ERROR));
    text_lines_free(lines, n);
    free(msg);
    free(w);
    free(h);
    free(mw);
    free(mh);
}

/* "MAB", the screen's title, and at the right who is logged in.  The
 * title comes first: on a narrow screen who is logged in is cut, or left
 * out when only a few letters of it would show. */
static void draw_title(struct screen *s)
{
    char *right;
    int x, room;

    ui_fill(stdscr, 0, 0, cols(), ui_attr(UI_TITLE));
    if (app_kiosk())
        right = xstrdup(_("Public information kiosk"));
    else
        right = xasprintf("%s (%s)", app.sess->user, auth_role_name(app.sess->role));
    x = 1 + ui_put(stdscr, 0, 1, cols() - 2, _("MAB"), ui_attr(UI_TITLE)) + 1;
    x += ui_put(stdscr, 0, x, cols() - 1 - x, _(s->title), ui_attr(UI_TITLE));
    room = cols() - 1 - x - 2;
    if (room > cols() / 2 - 1)
        room = cols() / 2 - 1;
    if (room >= 8 || room >= text_width(right))
        ui_put_right(stdscr, 0, cols() - 1 - room, room, right, ui_attr(UI_TITLE));
    free(right);
}

static void draw_status(void)
{
    if (app.status[0] == '\0')
        return;
    ui_put(stdscr, LINES - 2, 1, cols() - 2, app.status,
           ui_attr(app.status_err ? UI_ERROR : UI_STATUS));
}

const char *app_key_name(enum action_id id)
{
    return keybar_key(action_def(id));
}

static void add_bar(enum action_id *ids, int *n, enum action_id id)
{
    for (int i = 0; i < *n; i++) {
        if (ids[i] == id)
            return;
    }
    if (*n < KEYBAR_MAX)
        ids[(*n)++] = id;
}

/* The key bar: the top screen's allowed actions, then the global ones;
 * when they do not fit, the least important are dropped, rightmost first. */
static void draw_keybar(struct screen *s)
{
    enum action_id ids[KEYBAR_MAX];
    long long rec = record_of(s);
    int n = 0;

    for (const enum action_id *a = s->actions; a != NULL && *a != ACT_NONE; a++) {
        if (action_def(*a)->bar != BAR_NO && action_allowed(app.sess, *a, kind_of(s), rec))
            add_bar(ids, &n, *a);
    }
    for (const enum action_id *a = action_globals; *a != ACT_NONE; a++) {
        if (action_def(*a)->bar == BAR_NO || !action_allowed(app.sess, *a, kind_of(s), rec))
            continue;
        if (s->overlay && *a != ACT_HELP)
            continue;
        if (*a == ACT_BACK && app.n <= 1)
            continue;
        if (*a == ACT_HELP && strcmp(s->name, "help") == 0)
            continue;
        if (*a == ACT_LANG && ui_ascii())
            continue;
        add_bar(ids, &n, *a);
    }
    keybar_draw(&app.bar, ids, n, LINES - 1, cols());
}

static void draw(void)
{
    struct ui_rect body;
    int base, cur_y, cur_x;

    erase();
    ui_cursor_clear();
    if (LINES < MIN_LINES || cols() < MIN_COLS) {
        draw_too_small();
        curs_set(0);
        refresh();
        return;
    }
    body = (struct ui_rect){1, 0, LINES - 3, cols()};
    for (base = app.n - 1; base > 0 && app.stack[base]->overlay; base--)
        ;
    draw_title(app.stack[base]);
    for (int i = base; i < app.n; i++)
        app.stack[i]->draw(app.stack[i], &body);
    draw_status();
    draw_keybar(top());
    if (ui_cursor_wanted(&cur_y, &cur_x)) {
        curs_set(1);
        move(cur_y, cur_x);
    } else {
        curs_set(0);
        /* Park the cursor where it bothers no one on terminals that
         * cannot hide it; lean mode leaves it where it is (no bytes). */
        if (!ui_lean())
            move(LINES - 1, COLS - 1);
    }
    leaveok(stdscr, ui_lean() && !ui_cursor_wanted(&cur_y, &cur_x));
    refresh();
}

/* --- keys -------------------------------------------------------------------- */

static int any_unsaved(void)
{
    for (int i = 0; i < app.n; i++) {
        if (app.stack[i]->unsaved != NULL && app.stack[i]->unsaved(app.stack[i]))
            return 1;
    }
    return 0;
}

static void quit_answer(void *ctx, int yes)
{
    (void)ctx;
    if (yes)
        app.quit = 1;
}

static void reload_all(void)
{
    for (int i = 0; i < app.n; i++) {
        if (app.stack[i]->reload != NULL)
            app.stack[i]->reload(app.stack[i]);
    }
}

/* An SSH account keeps its choice of language and lean mode for its next
 * login; nothing to keep for a local or kiosk session. */
static void remember(const char *lang, int lean)
{
    char *err = NULL;

    if (!app.opt.remote)
        return;
    if (db_user_save_prefs(app.db, lang, lean, &err) == DB_ERROR)
        app_error(_("Your choice is not kept for the next login: %s"), err != NULL ? err : "?");
    free(err);
}

static void switch_language(void)
{
    if (ui_ascii()) {
        app_error("%s", _("Bengali needs a UTF-8 terminal."));
        return;
    }
    i18n_set_lang(i18n_is_bn() ? "en" : "bn");
    reload_all();
    /* Each language by its own name, whatever the translation says. */
    app_status(_("Language: %s"), i18n_is_bn() ? "বাংলা" : "English");
    remember(i18n_lang(), -1);
}

/* Lean mode on or off, at once: colours, line drawing, the whole screen. */
static void switch_lean(void)
{
    ui_set_lean(!ui_lean());
    ui_colours_init();
    ui_lines_setup();
    clearok(curscr, TRUE);
    app_status("%s", ui_lean() ? _("Lean mode: on.") : _("Lean mode: off."));
    remember(NULL, ui_lean());
}

static void global_action(enum action_id a)
{
    struct screen *t = top();

    switch (a) {
    case ACT_HELP:
        if (strcmp(t->name, "help") != 0)
            app_push(app.opt.help(t));
        break;
    case ACT_BACK:
        app_pop();
        break;
    case ACT_LANG:
        switch_language();
        break;
    case ACT_LEAN:
        switch_lean();
        break;
    case ACT_REDRAW:
        clearok(curscr, TRUE);
        break;
    case ACT_QUIT:
        if (any_unsaved())
            app_push(ui_confirm_new(_("Quit"),
                                    _("You have changes that are not saved. Quit anyway?"),
                                    quit_answer, NULL));
        else
            app.quit = 1;
        break;
    default:
        break;
    }
}

static void handle_key(struct ui_key *k)
{
    struct screen *t = top();
    enum action_id a;

    if (k->code == (UI_FN | KEY_MOUSE) && k->mouse_y == LINES - 1) {
        /* A click on the key bar is that key. */
        enum action_id at = keybar_at(&app.bar, k->mouse_x);

        if (at == ACT_NONE)
            return;
        k->code = action_def(at)->keys[0];
    }
    a = action_for_key(t->actions, k, app.sess, kind_of(t), record_of(t));
    switch (t->key(t, a, k)) {
    case 0:
        global_action(a);
        break;
    case SCREEN_CLOSE:
        close_top(t);
        break;
    default:
        break;
    }
}

static double since(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Milliseconds until the next time limit, or -1 for none. */
static int next_deadline(void)
{
    double left = 1e9;

    if (app.opt.idle_timeout <= 0 && app.opt.max_session <= 0)
        return -1;
    if (app.opt.idle_timeout > 0)
        left = app.opt.idle_timeout - since(&app.last_key);
    if (app.opt.max_session > 0 && app.opt.max_session - since(&app.started) < left)
        left = app.opt.max_session - since(&app.started);
    return left > 0 ? (int)(left * 1000) + 50 : 0;
}

static void end_session(const char *why)
{
    free(app.end_message);
    app.end_message = xstrdup(why);
    erase();
    ui_put_centre(stdscr, LINES / 2, 0, cols(), why, ui_attr(UI_ERROR));
    curs_set(0);
    refresh();
    napms(1000);
    app.quit = 1;
}

static void check_limits(void)
{
    if (app.opt.max_session > 0 && since(&app.started) >= app.opt.max_session) {
        end_session(_("Session ended: the time limit was reached."));
        return;
    }
    if (app.opt.idle_timeout <= 0 || since(&app.last_key) < app.opt.idle_timeout)
        return;
    if (app.opt.idle_exit) {
        end_session(_("Session ended: no key was pressed for a while."));
        return;
    }
    /* A kiosk left alone goes back to its first screen, as it started. */
    app_home();
    free_dead();
    if (strcmp(i18n_lang(), app.start_lang) != 0) {
        i18n_set_lang(app.start_lang);
        reload_all();
    }
    app.status[0] = '\0';
    clock_gettime(CLOCK_MONOTONIC, &app.last_key);
}

static void read_mouse(struct ui_key *k)
{
    MEVENT ev;

    if (getmouse(&ev) != OK) {
        k->code = 0;
        return;
    }
    k->mouse_y = ev.y;
    k->mouse_x = ev.x;
    k->mouse_bstate = (unsigned long)ev.bstate;
}

static void resize_all(void)
{
    struct ui_rect body = {1, 0, LINES - 3, cols()};

    for (int i = 0; i < app.n; i++) {
        if (app.stack[i]->resize != NULL)
            app.stack[i]->resize(app.stack[i], &body);
    }
}

/* --- waiting for the database ----------------------------------------------- */

/* A shorter wait goes unannounced; a longer one gives up by itself. */
enum { BUSY_NOTICE_MS = 300, BUSY_GIVE_UP_MS = 120000 };

static struct {
    int shown;
    int resized; /* a KEY_RESIZE came during the wait */
} busy;

/*
 * db/'s busy callback (db_set_busy_wait): after a moment, the notice on
 * the status line -- drawn alone: db/ is in the middle of a call, and a
 * screen's draw could use the same connection -- then a step's wait for a
 * key.  Esc gives up: the operation fails with DB_BUSY, and the screen
 * that asked says so (a form keeps what was typed into it).  Other keys
 * are ignored while the notice is up, so the message of the failure is
 * not wiped at once by keys typed blindly; a resize is passed on
 * (replay_resize()).
 */
static int busy_wait(void *ctx, long waited_ms)
{
    wint_t wc;
    int r;

    (void)ctx;
    if (waited_ms == 0)
        busy.shown = 0;
    if (waited_ms >= BUSY_GIVE_UP_MS)
        return 0;
    if (waited_ms < BUSY_NOTICE_MS)
        return 1;
    if (!busy.shown && LINES >= MIN_LINES && cols() >= MIN_COLS) {
        move(LINES - 2, 0);
        clrtoeol();
        ui_put(stdscr, LINES - 2, 1, cols() - 2,
               _("Waiting for the database: another program is using it. Esc gives up."),
               ui_attr(UI_STATUS));
        curs_set(0);
        refresh();
    }
    busy.shown = 1;
    timeout(DB_BUSY_STEP_MS);
    r = wget_wch(stdscr, &wc);
    if (r == KEY_CODE_YES && wc == KEY_RESIZE)
        busy.resized = 1;
    return !(r == OK && wc == 27);
}

/* A resize during a wait reaches the screens as if it came now. */
static void replay_resize(void)
{
    if (busy.resized) {
        busy.resized = 0;
        ungetch(KEY_RESIZE);
    }
}

/* --- the loop ------------------------------------------------------------------ */

static void loop(void)
{
    int spins = 0;

    while (!app.quit) {
        struct timespec before;
        struct ui_key k = {0};
        wint_t wc;
        int r, ms;

        replay_resize();
        /* Keys typed ahead (five PageDowns over a slow line) are all
         * handled before the screen is drawn again: one repaint. */
        timeout(0);
        r = wget_wch(stdscr, &wc);
        if (r == ERR) {
            draw();
            if (!app.trimmed) {
                /* The first screen is up: give back the pages start-up
                 * used and freed (the schema is parsed through many
                 * short-lived allocations).  A server runs many of us. */
                malloc_trim(0);
                app.trimmed = 1;
            }
            ms = next_deadline();
            timeout(ms);
            clock_gettime(CLOCK_MONOTONIC, &before);
            r = wget_wch(stdscr, &wc);
        } else {
            ms = 0;
            clock_gettime(CLOCK_MONOTONIC, &before);
        }
        if (r == ERR) {
            /* A terminal that went away returns ERR at once, forever. */
            if (since(&before) < 0.005 && errno != EINTR && (ms < 0 || ms > 10)) {
                if (++spins > 100)
                    break;
            } else {
                spins = 0;
            }
            check_limits();
            continue;
        }
        spins = 0;
        if (r == KEY_CODE_YES && wc == KEY_RESIZE) {
            resize_all();
            continue;
        }
        clock_gettime(CLOCK_MONOTONIC, &app.last_key);
        k.code = r == KEY_CODE_YES ? (int)(UI_FN | (int)wc) : (int)wc;
        if (k.code == 27) {
            ui_escape_key(&k);
            if (k.code == 0)
                continue;
        }
        if (k.code == (UI_FN | KEY_MOUSE)) {
            read_mouse(&k);
            if (k.code == 0)
                continue;
        }
        app.status[0] = '\0';
        if (LINES < MIN_LINES || cols() < MIN_COLS) {
            /* Only quitting works while the window is too small. */
            if (action_for_key(NULL, &k, app.sess, NULL, 0) == ACT_QUIT)
                global_action(ACT_QUIT);
            continue;
        }
        handle_key(&k);
        free_dead();
    }
}

/* --- set-up ------------------------------------------------------------------ */

static int setup_terminal(char **err)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        *err = xstrdup(_("the full-screen application needs a terminal"));
        return -1;
    }
    if (app_kiosk()) {
        /* Nothing typed at a kiosk may stop or suspend it. */
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        signal(SIGTSTP, SIG_IGN);
    }
    /* A terminal that is not UTF-8 cannot show Bengali: English, its own
     * charset (ui_charset_setup()). */
    if (ui_charset_setup())
        i18n_set_lang("en");
    app.term = newterm(NULL, stdout, stdin);
    if (app.term == NULL) {
        const char *t = getenv("TERM");

        *err = xasprintf(_("cannot use the terminal type '%s'"), t != NULL ? t : "");
        return -1;
    }
    set_term(app.term);
    if (!ui_can_address()) {
        const char *t = getenv("TERM");

        endwin();
        delscreen(app.term);
        app.term = NULL;
        *err = xasprintf(_("the terminal type '%s' cannot move the cursor; mabdesk needs one "
                           "that can, such as vt100, xterm or linux"),
                         t != NULL ? t : "");
        return -1;
    }
    ui_lines_setup();
    /* Slow lines (a serial terminal, a modem) get lean mode by themselves. */
    ui_set_lean(app.opt.lean || (baudrate() > 0 && baudrate() <= 9600));
    set_escdelay(25);
    if (app_kiosk())
        raw();
    else
        cbreak();
    ui_no_flow_control();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    ui_colours_init();
    curs_set(0);
    return 0;
}

int app_run(struct db *db, const struct app_options *opt, char **err)
{
    if (opt->root == NULL || opt->help == NULL)
        fatal("app_run: no root or help screen");
    memset(&app, 0, sizeof app);
    app.db = db;
    app.sess = db_session(db);
    app.opt = *opt;
    if (opt->lang != NULL)
        i18n_set_lang(opt->lang);
    if (setup_terminal(err) != 0)
        return -1;
    snprintf(app.start_lang, sizeof app.start_lang, "%s", i18n_lang());
    clock_gettime(CLOCK_MONOTONIC, &app.started);
    app.last_key = app.started;
    memset(&busy, 0, sizeof busy);
    db_set_busy_wait(db, busy_wait, NULL);
    if (db_read_only_reason(db) != NULL && !auth_read_only(app.sess))
        app_error(_("Changes cannot be saved: %s"), db_read_only_reason(db));
    app_push(app.opt.root());
    loop();
    db_set_busy_wait(db, NULL, NULL);
    while (app.n > 0)
        bury(app.stack[--app.n]);
    free_dead();
    free(app.stack);
    free(app.dead);
    endwin();
    delscreen(app.term);
    if (app.end_message != NULL) {
        printf("mabdesk: %s\n", app.end_message);
        fflush(stdout);
        free(app.end_message);
    }
    memset(&app, 0, sizeof app);
    return 0;
}
