/*
 * cli.h: what the command line's files share -- main.c (options, the
 * commands that run the program or its server), datacmd.c (the commands
 * that move records in and out) and cli.c (the helpers below).  Only the
 * command line chooses exit codes (sysexits): 64 usage, 65 bad data,
 * 66 no input, 69 unavailable, 74 I/O, 75 busy, 77 permission, 78 config.
 */
#ifndef MABDESK_CLI_H
#define MABDESK_CLI_H

#include "auth.h"
#include "config.h"
#include "util.h"

struct db;

enum {
    EX_OK_ = 0,
    EX_USAGE_ = 64,
    EX_DATAERR_ = 65,
    EX_NOINPUT_ = 66,
    EX_UNAVAILABLE_ = 69,
    EX_IOERR_ = 74,
    EX_TEMPFAIL_ = 75,
    EX_NOPERM_ = 77,
    EX_CONFIG_ = 78
};

struct globals {
    struct config conf; /* db path, language, the server's settings */
    const char *db_path;
    const char *lang;
    enum role role;
    long long municipality_id;
    int kiosk;
};

/* "mabdesk: " and the message on stderr, then where to find help: 64. */
int usage_error(const char *fmt, ...) MAB_PRINTF(1, 2);
/* "--help" or "-h" as a command's only argument, or after its noun
 * ("import subscribers --help"): its usage printed, 1. */
int asks_help(int argc, char **argv, const char *text);
/* The exit code of an enum db_status. */
int exit_code(int status);
/* Open the database for the session the global options describe; on
 * failure print the reason and return NULL with *code set. */
struct db *open_db(struct globals *g, int *code);
/* Open the database, run fn (a command parsed elsewhere) on it and say
 * what went wrong: the exit code. */
int with_db(struct globals *g, int (*fn)(struct db *, void *, char **), void *arg);

/* datacmd.c */
int cmd_export(struct globals *g, int argc, char **argv);
int cmd_import(struct globals *g, int argc, char **argv);
int cmd_subscribers(struct globals *g, int argc, char **argv);
int cmd_mail(struct globals *g, int argc, char **argv);

#endif
