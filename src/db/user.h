/*
 * user.h: the accounts that may log in over SSH (users, user_keys).
 *
 * The account itself is a record of kind_user (src/kinds/user.c), read,
 * listed, validated, saved and audited by the generic code (db/records.h);
 * this is what is particular to accounts: their password hashes, their
 * public keys, look-up by name and the SSH session's look-ups.
 * Writes ask auth_allowed(AUTH_MANAGE_USERS) and append an audit row in the
 * same transaction, as every db/ write does.  Password hashes go in and are
 * compared elsewhere (ssh/cred.c); they never come out of here except
 * through db_user_auth_get(), for the SSH session process, and never into an
 * audit row.
 */
#ifndef MABDESK_DB_USER_H
#define MABDESK_DB_USER_H

#include "auth.h"
#include "kinds/kinds.h" /* kind_user, user_name_problem(), USER_KIOSK_NAME */

struct db;

struct user_key {
    long long id;
    char *algo;
    char *key_b64;
    char *fingerprint; /* "SHA256:..." */
    char *comment;
    char *created_at;
};

struct user {
    long long id;
    char *name;
    enum role role;
    long long municipality_id; /* 0: none */
    int disabled;
    int has_password;
    int nkeys;
    char *password_hash; /* only from db_user_auth_get(); else NULL */
    char *created_at;
    char *updated_at;
    long long version;
};

/*
 * Add an account.  role may not be ROLE_KIOSK; ROLE_MUNICIPAL needs a
 * municipality (which must exist), the other roles none.  password_hash
 * may be NULL (key-only account); keys (algo, key_b64, fingerprint,
 * comment used) are registered in the same transaction, so a bad key adds
 * nothing.  *id (if not NULL) gets the new id.
 */
int db_user_add(struct db *, const char *name, enum role, long long municipality_id,
                const char *password_hash, const struct user_key *keys, int nkeys, long long *id,
                char **err);
/* Every account, by name, with its key count. */
int db_user_list(struct db *, struct user **users, int *n, char **err);
/* The same a page at a time (limit -1: to the end), for the Users screen's
 * list, and the number of accounts. */
int db_user_page(struct db *, int offset, int limit, struct user **users, int *n, char **err);
int db_user_count(struct db *, int *n, char **err);
int db_user_get(struct db *, const char *name, struct user *out, char **err);
void user_free(struct user *);
void users_free(struct user *, int n);

int db_user_set_disabled(struct db *, const char *name, int disabled, char **err);
/* hash NULL removes the password. */
int db_user_set_password(struct db *, const char *name, const char *hash, char **err);

/* Register a public key (parsed and fingerprinted by ssh/cred.c). */
int db_user_key_add(struct db *, const char *name, const char *algo, const char *key_b64,
                    const char *fingerprint, const char *comment, char **err);
int db_user_key_remove(struct db *, const char *name, const char *fingerprint, char **err);
int db_user_keys(struct db *, const char *name, struct user_key **keys, int *n, char **err);
void user_key_free(struct user_key *);
void user_keys_free(struct user_key *, int n);

/*
 * For the SSH session process, which only reads: no permission check.
 * db_user_auth_get() fills the password hash too; DB_NOTFOUND for an
 * unknown or disabled account.  db_user_auth_key() finds the key with this
 * fingerprint registered to this (enabled) account.
 */
int db_user_auth_get(struct db *, const char *name, struct user *out, char **err);
int db_user_auth_key(struct db *, const char *name, const char *fingerprint, struct user_key *out,
                     char **err);

/*
 * What the session's own account chose for itself, kept from one login
 * to the next: *lang "bn", "en" or "" (not chosen), *lean 1, 0 or -1 (not
 * chosen).  DB_NOTFOUND for a session without an account of its own (run
 * locally, or the shared kiosk account).
 */
int db_user_prefs(struct db *, char **lang, int *lean, char **err);
/* Keep them (lang NULL, lean < 0: that one stays).  Any account may keep
 * its own, a viewer's read-only session too; the kiosk's shared one not. */
int db_user_save_prefs(struct db *, const char *lang, int lean, char **err);

#endif
