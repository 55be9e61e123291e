/*
 * mailing.h: what the mail commands (mailcmd.c) read and write: the
 * subscribers a run mails, a page at a time (never the whole list in
 * memory), the stamp that a confirmation message went out, and what
 * changed in the directory lately, from the audit log.
 *
 * Every function needs AUTH_EDIT_SUBSCRIBERS (admin, editor): mailing the
 * list is staff work.  They return an enum db_status; on anything but
 * DB_OK they set *err (if not NULL) to a malloc'd one-line message.
 */
#ifndef MABDESK_DB_MAILING_H
#define MABDESK_DB_MAILING_H

struct db;

/* Who a run mails. */
enum mailee_set {
    MAILEES_CONFIRM, /* pending, not mailed since the token was issued, token still good */
    MAILEES_DIGEST   /* active (never pending, unsubscribed or bounced) */
};

struct mailee {
    long long id;
    char *email;
    char *name;                              /* "" when none */
    char *lang;                              /* "bn" | "en" */
    long long municipality_id;               /* 0: all */
    char *municipality_en, *municipality_bn; /* "" for all */
    char *confirm_token;
    char *unsubscribe_token;
};

/* Up to max subscribers of set with an id above after, in id order. */
int db_mailees_page(struct db *, enum mailee_set, long long after, int max, struct mailee **v,
                    int *n, char **err);
void mailees_free(struct mailee *, int n);
/* Pending addresses not yet mailed whose token has expired: a run skips
 * them (staff re-issue the token, or the person subscribes again). */
int db_mailees_expired(struct db *, int *n, char **err);
/* Subscriber id's confirmation message, with token, went out now.  Not
 * stamped (DB_OK all the same) if the token changed meanwhile: the new
 * one still needs its message. */
int db_mailee_confirm_mailed(struct db *, long long id, const char *token, char **err);

/* A municipality added, changed or removed in the last days, newest
 * change's time in at (UTC). */
enum dir_change_what { DIR_ADDED, DIR_CHANGED, DIR_REMOVED };
struct dir_change {
    long long id;
    char *name_en, *name_bn;
    enum dir_change_what what;
    char *at;
};
/* Ordered by English name. */
int db_directory_changes(struct db *, int days, struct dir_change **v, int *n, char **err);
void dir_changes_free(struct dir_change *, int n);

#endif
