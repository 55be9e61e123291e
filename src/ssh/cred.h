/*
 * cred.h: credentials as mabdesk keeps them.  OpenSSH public key lines are
 * parsed, checked and fingerprinted (SHA256, as "ssh-keygen -l" prints);
 * passwords are hashed with yescrypt and checked in constant time through
 * libcrypt.  Used by "mabdesk user ..." and by the SSH session process.
 *
 * Never logs, prints or keeps a password longer than the call that got it.
 */
#ifndef MABDESK_SSH_CRED_H
#define MABDESK_SSH_CRED_H

#include <stdio.h>

#include <libssh/libssh.h>

/* One public key in OpenSSH's one-line form: "ALGO BASE64 [COMMENT]". */
struct cred_pubkey {
    char *algo;        /* "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", ... */
    char *b64;         /* the key blob, base64 */
    char *comment;     /* "" when none */
    char *fingerprint; /* "SHA256:..." */
};

/* Parse one line; 0 and *out filled, or -1 with *err (malloc'd) saying why
 * (unknown or unsupported type, bad base64, RSA shorter than 3072 bits). */
int cred_pubkey_parse(const char *line, struct cred_pubkey *out, char **err);
void cred_pubkey_free(struct cred_pubkey *);
/* Every key in a .pub or authorized_keys-style file (blank lines and '#'
 * comments skipped).  0 with at least one key, or -1 with *err naming the
 * file and line. */
int cred_pubkey_read_file(const char *path, struct cred_pubkey **keys, int *n, char **err);
void cred_pubkeys_free(struct cred_pubkey *, int n);
/* 1 if s looks like a fingerprint ("SHA256:" and 43 base64 characters). */
int cred_is_fingerprint(const char *s);

/* SHA256 fingerprint of a key libssh parsed (malloc'd), NULL if it cannot. */
char *cred_key_fingerprint(const ssh_key key);
/* 1 if key is the public key stored as algo + b64. */
int cred_key_equals(const ssh_key key, const char *algo, const char *b64);

/* yescrypt hash of password (malloc'd), or NULL with *err. */
char *cred_password_hash(const char *password, char **err);
/* 1 if password matches hash, else 0.  The comparison takes the same time
 * wherever the first difference is; a NULL or unusable hash costs the same
 * as a real check and fails. */
int cred_password_check(const char *password, const char *hash);

/*
 * Read a new password: from the terminal without echo, asked twice, when
 * stdin is a terminal; else the first line of stdin.  0 and *out (malloc'd;
 * wipe with cred_wipe() and free) or -1 with *err.
 */
int cred_password_read(FILE *in, char **out, char **err);
/* Overwrite s with zeros and free it. */
void cred_wipe(char *s);

#endif
