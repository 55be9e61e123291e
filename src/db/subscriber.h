/*
 * subscriber.h: what the subscribers need beyond the generic record code
 * (db/records.h with kind_subscriber): the owner's confirmation and
 * unsubscription by token, a new confirmation token, the status history,
 * and the public subscribe form's write -- the one write a kiosk session
 * may make.
 *
 * Functions return an enum db_status; on anything but DB_OK they set *err
 * (if not NULL) to a malloc'd one-line message for a person.
 */
#ifndef MABDESK_DB_SUBSCRIBER_H
#define MABDESK_DB_SUBSCRIBER_H

struct db;

/* What a token or a form submission did. */
enum sub_result {
    SUB_DONE,    /* confirmed, unsubscribed, or a new pending subscription */
    SUB_ALREADY, /* it was so already: nothing changed */
    SUB_PENDING  /* the form, for a known address: a new confirmation is pending */
};

/*
 * The owner of an address confirms (a pending, unsubscribed or bounced
 * address becomes active) or unsubscribes, with the token of a link.
 * DB_NOTFOUND for a token that names no subscriber ("unknown token"),
 * DB_INVALID for a confirmation token older than SUBSCRIBER_TOKEN_DAYS
 * ("expired"); the status change is audited and in the history.
 * Unsubscribing also retires the confirmation token, so an old
 * confirmation link cannot subscribe the address again.
 */
int db_subscriber_confirm(struct db *, const char *token, enum sub_result *, char **err);
int db_subscriber_unsubscribe(struct db *, const char *token, enum sub_result *, char **err);

/* A new confirmation token for subscriber id, good for
 * SUBSCRIBER_TOKEN_DAYS from now (staff: AUTH_EDIT_SUBSCRIBERS); the old
 * one stops working.  token gets it (SUBSCRIBER_TOKEN_LEN + 1 bytes). */
int db_subscriber_reissue(struct db *, long long id, char *token, char **err);

/* The status history of subscriber id, oldest first (needs the read
 * permission on its municipality). */
struct sub_change {
    char *at;   /* UTC */
    char *from; /* "" for the first */
    char *to;
    char *by;
    char *reason;
};
int db_subscriber_history(struct db *, long long id, struct sub_change **v, int *n, char **err);
void sub_changes_free(struct sub_change *, int n);

/*
 * The public subscribe form (every session, kiosk included): email, name
 * (may be ""), municipality id (0: all), lang ("bn" | "en"), how ("kiosk"
 * | "ssh" | "staff": a local session).  A new address becomes a pending subscription (SUB_DONE); a
 * pending one gets a new confirmation token, and an unsubscribed or
 * bounced one becomes pending again with the form's consent (SUB_PENDING);
 * an active one is left exactly as it is (SUB_ALREADY): the form never
 * un-confirms anyone.  Nothing but these rows can be written: it runs on a
 * connection of its own whose authorizer allows only the subscriber
 * tables and the audit log, while a read-only session's own connection
 * keeps refusing every write.  At most DB_PUBLIC_MAX submissions per
 * handle (session): after that DB_DENIED.  DB_INVALID names the bad field.
 */
enum { DB_PUBLIC_MAX = 3 };
int db_subscribe_public(struct db *, const char *email, const char *name, long long municipality,
                        const char *lang, const char *how, enum sub_result *, char **err);

#endif
