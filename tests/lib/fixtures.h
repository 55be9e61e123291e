/*
 * fixtures.h: the set-up and the look-ups that the suites share, so that a
 * new suite starts from these instead of copying another suite's helpers:
 * a seeded database opened as a session, one value read back with SQL, the
 * real binary run on a database (without a terminal, or in a 24x80 one for
 * screen tests), and the few key sequences every screen test begins with.
 *
 * These fail the calling test (cmocka) when what they need does not hold
 * (said with each), so include this after <cmocka.h> and its
 * prerequisites, and call them only from a test or a fixture.  Beyond
 * that they decide nothing: the values they return are for the test to
 * assert on.
 */
#ifndef MABDESK_FIXTURES_H
#define MABDESK_FIXTURES_H

#include "testutil.h"

struct db;
struct vt;

/* Bodies in the seed data (12 city corporations, 330 paurashavas), as the
 * directory's count line shows it: "342 of 342". */
#define TU_SEED_TOTAL "342"

/* A group or test teardown that removes tu_tmpdir() (tu_cleanup()). */
int tu_teardown_tmpdir(void **state);

/* --- a database through db.h ------------------------------------------- */

/* Open (creating, migrating and seeding a new file) path as a session with
 * this role (user "test-<role>") and municipality; fails the test if
 * db_open() does. */
struct db *tu_db_open(const char *path, enum role, long long municipality_id);
/* The first column of the first row of sql on the handle's own connection,
 * as an integer; -1 if there is no row.  SQL that does not prepare fails
 * the test. */
long long tu_db_int(struct db *, const char *sql);
/* The same as text (malloc'd); NULL if there is no row or the value is
 * NULL. */
char *tu_db_text(struct db *, const char *sql);
/* How many municipalities db_muni_count() finds for search (NULL: all);
 * fails the test if it returns an error. */
int tu_muni_count(struct db *, const char *search);

/* --- a database file, read beside a running program -------------------- */

/* The first column of the first row of sql, read through a connection of
 * its own (read-only, 5 s busy timeout), as text (malloc'd); NULL if there
 * is no row or the value is NULL.  SQL that does not prepare fails. */
char *tu_sql_text(const char *path, const char *sql);
/* The same as an integer; fails the test if there is no row or the value
 * is NULL. */
long long tu_sql_int(const char *path, const char *sql);

/* --- the binary without a terminal -------------------------------------- */

/* Run "mabdesk --db DB args..." (a NULL-terminated list, at most 28); its
 * exit status, stdout and stderr in *out and *err (malloc'd, may be NULL).
 * Fails the test if it could not be run at all. */
int tu_mabdesk_status(const char *db, char **out, char **err, ...)
#if defined(__GNUC__)
    __attribute__((sentinel))
#endif
    ;
/* The same, where the command must exit 0 (else its output is printed and
 * the test fails); returns its stdout (malloc'd, never NULL). */
char *tu_mabdesk(const char *db, ...)
#if defined(__GNUC__)
    __attribute__((sentinel))
#endif
    ;
/* Let the program itself create and seed db, without a terminal ("find
 * Amtali", which must exit 0). */
void tu_create_db(const char *db);

/* --- screen tests ------------------------------------------------------ */

/* A terminal description of the test's own, compiled with tic from source
 * ("name|what,\n\tcaps@, use=xterm,\n") into the test's directory: the
 * "TERMINFO=dir" entry for the program's environment (malloc'd). */
char *tu_terminfo(const char *source);

/* Per-test fixture: tu_screen_setup() gives the test a new database path
 * (tu_test_db(), not created yet) in a temporary directory of its own;
 * tu_screen_teardown() closes every terminal still open (vt_close_all()),
 * forgets the path and removes the directory (on its own, it is the
 * teardown of a terminal test that needs no database). */
int tu_screen_setup(void **state);
int tu_screen_teardown(void **state);
/* A screen test's entry in a cmocka table, with that fixture. */
#define TU_SCREEN_TEST(f) cmocka_unit_test_setup_teardown(f, tu_screen_setup, tu_screen_teardown)
/* The database path of the running test (see tu_screen_setup()). */
const char *tu_test_db(void);
/* Start "mabdesk --db tu_test_db() args..." (a NULL-terminated list, may be
 * empty: tu_start(NULL)) in a 24x80 terminal. */
struct vt *tu_start(const char *arg, ...);
/* Home -> Directory: wait for "Directory", Enter, wait for the whole list
 * ("342 of 342"). */
void tu_open_directory(struct vt *);
/* On the home menu: down to the entry whose row shows text (its label or
 * description), until it is selected, then Enter. */
void tu_home_open(struct vt *, const char *text);
/* From the home screen to the edit form of the one record that name finds:
 * tu_open_directory(), "/name" typed, "1 of 342", Tab to the list's keys
 * (the key bar offers Edit), "e", "Editing <name>.". */
void tu_edit_record(struct vt *, const char *name);
/* Move the form's cursor to the field labelled label (Tab, Shift-Tab, each
 * waiting for the cursor to move); fails the test if it never gets
 * there. */
void tu_go_to_field(struct vt *, const char *label);
/* Empty the current field (End, then Ctrl-U deletes up to the cursor) and
 * type text; waits until text is on the screen. */
void tu_replace_field(struct vt *, const char *text);

#endif
