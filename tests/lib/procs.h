/*
 * procs.h: the process tree, read from /proc, for the tests that look at
 * what "mabdesk serve" runs (its session processes, the UI template, the
 * UIs) and at what a kill leaves behind.
 */
#ifndef MABDESK_TEST_PROCS_H
#define MABDESK_TEST_PROCS_H

#include <sys/types.h>

struct proc_info {
    pid_t pid, ppid;
    char state; /* 'R', 'S', 'Z', ... */
};

/* The parent and the state letter of pid: 0, or -1 when it is gone. */
int proc_stat(pid_t pid, pid_t *ppid, char *state);
/* 1 if one argument of pid's command line is arg. */
int proc_has_arg(pid_t pid, const char *arg);
/* 1 if the last part of pid's argv[0] is name ("mabdesk"), or of the
 * program valgrind runs for it. */
int proc_is(pid_t pid, const char *name);
/* The children of parent, zombies too, into out; how many. */
int proc_children(pid_t parent, pid_t *out, int max);
/* Every process below root at any depth, into out; how many. */
int proc_below(pid_t root, struct proc_info *out, int max);

#endif
