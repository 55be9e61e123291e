/*
 * unpriv.h: running as a user whom file permissions bind.
 *
 * A test of a file or directory that cannot be written must not run as
 * root: root ignores permission bits (chattr and read-only mounts are not
 * to be had in containers either).  As root these helpers switch to the
 * user "nobody" -- in a forked child, never in the test process -- and
 * give it the files it needs; as anyone else they change nothing, since
 * the permission bits already bind the current user.  So the same test
 * runs as root (here and in CI) and as a developer.
 */
#ifndef MABDESK_UNPRIV_H
#define MABDESK_UNPRIV_H

/* 1 when the helpers switch users (the test runs as root), else 0. */
int tu_unpriv_switches(void);
/* A new directory the unprivileged user owns and can reach: as root one
 * under /tmp (the run's $TMPDIR is root's, mode 0700), else one inside
 * tu_tmpdir().  Removed by tu_unpriv_cleanup(). */
const char *tu_unpriv_dir(void);
/* Give path to the unprivileged user (as root: chown; else nothing). */
void tu_unpriv_give(const char *path);
/* In a forked child: become the unprivileged user (as root: nobody, with
 * no supplementary groups).  0, or -1 with errno set. */
int tu_unpriv_become(void);
/* The binary under test where the unprivileged user can run it (as root a
 * copy in tu_unpriv_dir(): the checkout may be out of its reach). */
const char *tu_unpriv_bin(void);
/* tu_run() as the unprivileged user. */
int tu_unpriv_run(char *const argv[], const char *const envp_extra[], char **out, char **err);
/* For vt_spawn(): argv (NULL-terminated) run as the unprivileged user: as
 * root behind "setpriv --reuid --regid --clear-groups".  Fills out (room
 * for max entries); the count, or -1 (setpriv missing as root). */
int tu_unpriv_argv(const char **out, int max, const char *const argv[]);
/* Remove tu_unpriv_dir(); for a teardown. */
void tu_unpriv_cleanup(void);

#endif
