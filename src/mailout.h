/*
 * mailout.h: where the messages of a mail run go: a maildir (each message
 * written to DIR/tmp, then renamed into DIR/new, so a reader never sees
 * half of one), a sendmail program (PATH -oi -t, each message on its
 * standard input, run without a shell), or nowhere (a dry run counts).
 *
 * Functions return 0, or -1 with *err (malloc'd) saying what failed and,
 * for a message, for which address.
 */
#ifndef MABDESK_MAILOUT_H
#define MABDESK_MAILOUT_H

#include <stddef.h>

enum mailout_mode { MAILOUT_DRY, MAILOUT_MAILDIR, MAILOUT_SENDMAIL };

struct mailout {
    enum mailout_mode mode;
    const char *path; /* the maildir or the sendmail program */
    unsigned counter; /* messages delivered so far: part of each file name */
    char host[128];   /* for the file names, '/' and ':' replaced */
};

/* Ready to deliver: a maildir gets its tmp, new and cur (0700) where
 * missing; a sendmail program must be an executable file. */
int mailout_open(struct mailout *, enum mailout_mode, const char *path, char **err);
/* Deliver msg (len bytes, CRLF line ends) for the address to.  sendmail
 * gets it with LF line ends, as a local program expects; a maildir keeps
 * CRLF, as the message will travel. */
int mailout_send(struct mailout *, const char *to, const char *msg, size_t len, char **err);

#endif
