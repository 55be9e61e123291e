/*
 * eventcmd.h: the command line's events (issue 8): "mabdesk agenda",
 * "export events" (iCalendar; "--format csv" is the generic export) and
 * "import events FILE.ics" (a file not named .ics is the generic CSV
 * import).
 * Parsing is separate from running, so a usage error is found before any
 * database is opened or created.  main.c chooses the exit code; nothing here
 * exits.
 */
#ifndef MABDESK_EVENTCMD_H
#define MABDESK_EVENTCMD_H

struct db;

enum eventcmd_op { EVENTCMD_AGENDA, EVENTCMD_EXPORT, EVENTCMD_IMPORT };

struct eventcmd {
    enum eventcmd_op op;
    const char *from;       /* a date in the configured zone; NULL: today (agenda), no start */
    const char *to;         /* export: the last day; NULL: no end */
    int days;               /* agenda: how many days from "from" */
    long long municipality; /* only this organiser's events; 0: every event */
    const char *output;     /* export: -o FILE; NULL or "-": standard output */
    const char *file;       /* import: the .ics file */
    int dry_run;            /* import: check only */
};

/* 1 if argv (argv[0] is the command, then its noun) is one of these. */
int eventcmd_is(int argc, char **argv);
/* Parse it: 0, 1 after printing the usage on stdout for --help, or -1
 * after printing a usage message on stderr. */
int eventcmd_parse(int argc, char **argv, struct eventcmd *);
/* Run a parsed struct eventcmd (arg) on db, printing to stdout; an enum
 * db_status with *err set on failure. */
int eventcmd_exec(struct db *, void *arg, char **err);

#endif
