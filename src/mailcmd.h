/*
 * mailcmd.h: "mabdesk subscribers send-confirmations" and "mabdesk
 * digest": the mail of the Municipality Digest, each message in its
 * subscriber's language, built by fmt/mail.c and delivered by mailout.c.
 * Parsing is separate from running, so a usage or configuration error is
 * found before any database is opened.  main.c chooses the exit code;
 * nothing here exits.
 */
#ifndef MABDESK_MAILCMD_H
#define MABDESK_MAILCMD_H

#include <stdio.h>

#include "mailout.h"

struct db;
struct config;

enum mailcmd_op { MAILCMD_CONFIRMATIONS, MAILCMD_DIGEST };

/* What mailcmd_config() and mailcmd_exec() return beside enum db_status. */
enum {
    MAILCMD_CONFIG = 100, /* a setting the command needs is not set */
    MAILCMD_DELIVERY,     /* the sendmail program failed */
    MAILCMD_IO            /* the maildir could not be written */
};

struct mailcmd {
    enum mailcmd_op op;
    enum mailout_mode mode;
    const char *path; /* --maildir DIR or --sendmail PATH */
    int days;         /* digest: --days (14) */
    /* From the configuration (mailcmd_config()); list_id may be NULL. */
    const char *from, *confirm_url, *unsubscribe_url, *list_id;
};

/* Parse argv (argv[0] is "send-confirmations" or "digest"); 0, 1 after
 * printing the usage on stdout for --help, or -1 after printing a usage
 * message on stderr. */
int mailcmd_parse(int argc, char **argv, struct mailcmd *);
/* The settings the command needs, from conf (which must outlive it):
 * DB_OK, or MAILCMD_CONFIG with *err naming the missing key. */
int mailcmd_config(struct mailcmd *, const struct config *, char **err);
/* Run it: messages delivered, a summary line on out.  An enum db_status
 * or MAILCMD_DELIVERY / MAILCMD_IO, with *err; what was delivered before
 * a failure stays delivered and marked, nothing after it is. */
int mailcmd_exec(struct db *, const struct mailcmd *, FILE *out, char **err);

#endif
