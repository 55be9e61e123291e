/*
 * usercmd.h: "mabdesk user ...": add, list, disable / enable, key add /
 * remove, passwd.  Parsing is separate from running, so a usage error is
 * found before any database is opened or created.  main.c chooses the exit
 * code; nothing here exits.  usercmd_add_account() and
 * usercmd_set_password() are also the Users screen's way to do the same.
 */
#ifndef MABDESK_USERCMD_H
#define MABDESK_USERCMD_H

#include <stdio.h>

#include "auth.h"

struct db;
struct cred_pubkey;

enum usercmd_op {
    USERCMD_ADD,
    USERCMD_LIST,
    USERCMD_DISABLE,
    USERCMD_ENABLE,
    USERCMD_KEY_ADD,
    USERCMD_KEY_REMOVE,
    USERCMD_PASSWD
};

struct usercmd {
    enum usercmd_op op;
    const char *name;
    enum role role;
    long long municipality_id;
    const char **key_files; /* add: --key FILE.pub, repeatable */
    int nkey_files;
    int password;        /* add: --password */
    const char *key_arg; /* key add: FILE.pub; key remove: FILE.pub or SHA256:... */
    int kiosk;           /* list: the kiosk account is on (the configuration's kiosk) */
};

/* Parse argv (argv[0] is "user"); 0, 1 after printing the usage on stdout
 * for --help, or -1 after printing a usage message on stderr. */
int usercmd_parse(int argc, char **argv, struct usercmd *);
void usercmd_free(struct usercmd *);
/* Run it on db; passwords are read from in, results written to out.
 * Returns an enum db_status with *err set on failure. */
int usercmd_exec(struct db *, const struct usercmd *, FILE *in, FILE *out, char **err);

/*
 * What "user add" and "user passwd" do once they have the password in
 * clear (NULL: none) and the keys parsed (ssh/cred.h): hash it with
 * yescrypt, then db_user_add() / db_user_set_password().  The caller wipes
 * its password; the hash is wiped here.  Return an enum db_status with
 * *err set on failure.
 */
int usercmd_add_account(struct db *, const char *name, enum role, long long municipality_id,
                        const char *password, const struct cred_pubkey *keys, int nkeys,
                        long long *id, char **err);
int usercmd_set_password(struct db *, const char *name, const char *password, char **err);

#endif
