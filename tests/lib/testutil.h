/*
 * testutil.h: what every test needs: a private temporary directory, a fresh
 * database path in it, the path of the binary under test, and a session.
 * Include after <cmocka.h> and its prerequisites.  The set-up built on
 * these (a seeded database, one value read back with SQL, the binary run
 * with --db, the screen tests' fixture) is in fixtures.h: use it rather
 * than writing a suite's own.
 */
#ifndef MABDESK_TESTUTIL_H
#define MABDESK_TESTUTIL_H

#include "auth.h"

/* A new empty directory under $TMPDIR (removed by tu_cleanup()). */
const char *tu_tmpdir(void);
/* A database path inside tu_tmpdir() that does not exist yet; each call gives
 * a new one.  Malloc'd. */
char *tu_db_path(void);
/* The mabdesk binary under test ($MABDESK_BIN, else build/asan/mabdesk). */
const char *tu_bin(void);
/* The permission bits of path, or -1 if it cannot be read. */
int tu_mode(const char *path);
/* 1 if path exists. */
int tu_exists(const char *path);
/* Remove path and everything below it. */
void tu_remove_tree(const char *path);
/* Remove tu_tmpdir() and everything in it. */
void tu_cleanup(void);
/* A session with this role (user "test-<role>") and municipality. */
struct session tu_session(enum role, long long municipality_id);
/* Read a whole file (NUL-terminated, malloc'd), NULL if it cannot. */
char *tu_read_file(const char *path);
/* Write s to path; 0 on success. */
int tu_write_file(const char *path, const char *s);
/* Run argv (argv[0] a path), stdin from /dev/null, capturing stdout and
 * stderr (malloc'd, may be NULL); returns the exit status or -1. */
int tu_run(char *const argv[], const char *const envp_extra[], char **out, char **err);

#endif
