/*
 * eventcmd.h: the command line's events (issue 8): "mabdesk agenda".
 * Parsing is
 * separate from running, so a usage error is found before any database
 * is opened or created.  main.c chooses the exit code; nothing here
 * exits.
 */
#ifndef MABDESK_EVENTCMD_H
#define MABDESK_EVENTCMD_H

struct db;

enum eventcmd_op { EVENTCMD_AGENDA };

struct eventcmd {
    enum eventcmd_op op;
    const char *from;       /* a date in the configured zone; NULL: today */
    int days;               /* how many days from "from" */
    long long municipality; /* only this organiser's events; 0: every event */
};

/* 1 if argv (argv[0] is the command, "export" or "import" followed by
 * "events") is an event command. */
int eventcmd_is(int argc, char **argv);
/* Parse it: 0, 1 after printing the usage on stdout for --help, or -1
 * after printing a usage message on stderr. */
int eventcmd_parse(int argc, char **argv, struct eventcmd *);
/* Run a parsed struct eventcmd (arg) on db, printing to stdout; an enum
 * db_status with *err set on failure. */
int eventcmd_exec(struct db *, void *arg, char **err);

#endif
