/*
 * test_user.c: accounts (db/user.c), key lines and password hashes
 * (ssh/cred.c) and the "mabdesk user" commands (usercmd.c), against a real
 * database file.  Keys are made by the real ssh-keygen, so the fingerprints
 * are compared with what OpenSSH prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "testutil.h"

#include "db/db.h"
#include "db/user.h"
#include "ssh/cred.h"
#include "usercmd.h"
#include "util.h"

/* A new key pair in the temp dir; returns the .pub path (malloc'd). */
static char *make_key(const char *type, const char *bits, const char *tag)
{
    char *priv = xasprintf("%s/%s", tu_tmpdir(), tag);
    char *pub = xasprintf("%s.pub", priv);
    char *argv[] = {(char *)"/usr/bin/ssh-keygen",
                    (char *)"-q",
                    (char *)"-t",
                    (char *)type,
                    (char *)"-b",
                    (char *)bits,
                    (char *)"-N",
                    (char *)"",
                    (char *)"-C",
                    (char *)tag,
                    (char *)"-f",
                    priv,
                    NULL};

    remove(priv);
    remove(pub);
    assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
    free(priv);
    return pub;
}

/* Fingerprint as "ssh-keygen -l" prints it. */
static char *keygen_fingerprint(const char *pub)
{
    char *argv[] = {(char *)"/usr/bin/ssh-keygen",
                    (char *)"-l",
                    (char *)"-E",
                    (char *)"sha256",
                    (char *)"-f",
                    (char *)pub,
                    NULL};
    char *out = NULL, *fp, *sp;

    assert_int_equal(tu_run(argv, NULL, &out, NULL), 0);
    fp = strstr(out, "SHA256:");
    assert_non_null(fp);
    sp = strchr(fp, ' ');
    assert_non_null(sp);
    fp = xstrndup(fp, (size_t)(sp - fp));
    free(out);
    return fp;
}

static void test_pubkey_parse_matches_openssh(void **state)
{
    char *pub = make_key("ed25519", "256", "ed");
    char *rsa = make_key("rsa", "3072", "rsa3072");
    struct cred_pubkey *keys;
    char *err = NULL, *fp;
    int n;

    assert_int_equal(cred_pubkey_read_file(pub, &keys, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(keys[0].algo, "ssh-ed25519");
    assert_string_equal(keys[0].comment, "ed");
    fp = keygen_fingerprint(pub);
    assert_string_equal(keys[0].fingerprint, fp);
    assert_true(cred_is_fingerprint(fp));
    free(fp);
    cred_pubkeys_free(keys, n);

    assert_int_equal(cred_pubkey_read_file(rsa, &keys, &n, &err), 0);
    assert_string_equal(keys[0].algo, "ssh-rsa");
    fp = keygen_fingerprint(rsa);
    assert_string_equal(keys[0].fingerprint, fp);
    free(fp);
    cred_pubkeys_free(keys, n);
    free(pub);
    free(rsa);
}

/* A key's comment is stored and shown: control characters are refused
 * with the file, line and field. */
static void test_pubkey_comment_controls(void **state)
{
    char *pub = make_key("ed25519", "256", "plain");
    char *text = tu_read_file(pub), *sp, *bad, *err = NULL, *want;
    struct cred_pubkey *keys;
    int n;

    (void)state;
    assert_non_null(text);
    sp = strrchr(text, ' ');
    assert_non_null(sp);
    *sp = '\0';
    bad = xasprintf("%s evil\x1b]0;pwned\x07\n", text);
    assert_int_equal(tu_write_file(pub, bad), 0);
    assert_int_equal(cred_pubkey_read_file(pub, &keys, &n, &err), -1);
    want = xasprintf("%s:1: comment: control character U+001B", pub);
    assert_string_equal(err, want);
    free(want);
    free(err);
    free(bad);
    free(text);
    free(pub);
}

static void test_pubkey_rejects(void **state)
{
    char *small = make_key("rsa", "2048", "rsa2048");
    struct cred_pubkey k, *keys;
    char *err = NULL;
    int n;

    assert_int_equal(cred_pubkey_read_file(small, &keys, &n, &err), -1);
    assert_non_null(strstr(err, "2048"));
    free(err);
    err = NULL;
    assert_int_equal(cred_pubkey_parse("ssh-ed25519 AAAAnotbase64!!", &k, &err), -1);
    free(err);
    err = NULL;
    assert_int_equal(cred_pubkey_parse("ssh-dss AAAAB3NzaC1kc3MAAACBAP", &k, &err), -1);
    free(err);
    err = NULL;
    assert_int_equal(cred_pubkey_parse("", &k, &err), -1);
    free(err);
    assert_false(cred_is_fingerprint("SHA256:short"));
    assert_false(cred_is_fingerprint("MD5:aa:bb"));
    free(small);
}

static void test_password_hash(void **state)
{
    char *err = NULL;
    char *h = cred_password_hash("correct horse", &err);

    assert_non_null(h);
    assert_memory_equal(h, "$y$", 3);
    assert_null(strstr(h, "correct"));
    assert_true(cred_password_check("correct horse", h));
    assert_false(cred_password_check("correct hors", h));
    assert_false(cred_password_check("", h));
    assert_false(cred_password_check("correct horse", NULL));
    assert_false(cred_password_check("correct horse", "plain"));
    assert_null(cred_password_hash("", &err));
    free(err);
    free(h);
}

static void test_add_list_and_audit(void **state)
{
    char *path = tu_db_path();
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    char *err = NULL, *hash = cred_password_hash("pw-1", &err);
    struct user *users;
    struct audit_row *rows;
    struct audit_query q = {NULL, "user", 0};
    long long id = 0;
    int n;

    assert_int_equal(db_user_add(db, "alice", ROLE_EDITOR, 0, hash, NULL, 0, &id, &err), DB_OK);
    assert_true(id > 0);
    assert_int_equal(db_user_add(db, "bob", ROLE_VIEWER, 0, NULL, NULL, 0, NULL, &err), DB_OK);
    assert_int_equal(db_user_list(db, &users, &n, &err), DB_OK);
    assert_int_equal(n, 2);
    assert_string_equal(users[0].name, "alice");
    assert_int_equal(users[0].role, ROLE_EDITOR);
    assert_true(users[0].has_password);
    assert_null(users[0].password_hash);
    assert_string_equal(users[1].name, "bob");
    assert_false(users[1].has_password);
    users_free(users, n);

    assert_int_equal(db_audit_page(db, &q, 0, 10, &rows, &n, &err), DB_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[1].action, "create");
    assert_string_equal(rows[1].user, "test-admin");
    assert_int_equal(rows[1].record_id, id);
    assert_non_null(strstr(rows[1].after, "\"alice\""));
    /* The hash never lands in the audit log. */
    assert_null(strstr(rows[1].after, "$y$"));
    audit_rows_free(rows, n);
    free(hash);
    db_close(db);
    free(path);
}

static void test_add_rejects(void **state)
{
    char *path = tu_db_path();
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    char *err = NULL;

    assert_int_equal(db_user_add(db, "carol", ROLE_ADMIN, 0, NULL, NULL, 0, NULL, &err), DB_OK);
#define REJECT(expr, status)                                                                       \
    do {                                                                                           \
        assert_int_equal((expr), (status));                                                        \
        assert_non_null(err);                                                                      \
        free(err);                                                                                 \
        err = NULL;                                                                                \
    } while (0)
    REJECT(db_user_add(db, "carol", ROLE_ADMIN, 0, NULL, NULL, 0, NULL, &err), DB_INVALID);
    REJECT(db_user_add(db, "kiosk", ROLE_VIEWER, 0, NULL, NULL, 0, NULL, &err), DB_INVALID);
    REJECT(db_user_add(db, "Bad Name", ROLE_VIEWER, 0, NULL, NULL, 0, NULL, &err), DB_INVALID);
    REJECT(db_user_add(db, "", ROLE_VIEWER, 0, NULL, NULL, 0, NULL, &err), DB_INVALID);
    REJECT(db_user_add(db, "dave", ROLE_KIOSK, 0, NULL, NULL, 0, NULL, &err), DB_INVALID);
    REJECT(db_user_add(db, "dave", ROLE_MUNICIPAL, 0, NULL, NULL, 0, NULL, &err), DB_INVALID);
    REJECT(db_user_add(db, "dave", ROLE_MUNICIPAL, 999999, NULL, NULL, 0, NULL, &err), DB_INVALID);
    REJECT(db_user_add(db, "dave", ROLE_EDITOR, 1, NULL, NULL, 0, NULL, &err), DB_INVALID);
    assert_int_equal(db_user_add(db, "dave", ROLE_MUNICIPAL, 1, NULL, NULL, 0, NULL, &err), DB_OK);
    REJECT(db_user_set_disabled(db, "nobody", 1, &err), DB_NOTFOUND);
    db_close(db);

    /* Not an admin: every write and the list are refused. */
    db = tu_db_open(path, ROLE_EDITOR, 0);
    REJECT(db_user_add(db, "eve", ROLE_ADMIN, 0, NULL, NULL, 0, NULL, &err), DB_DENIED);
    REJECT(db_user_set_disabled(db, "carol", 1, &err), DB_DENIED);
    REJECT(db_user_set_password(db, "carol", "$y$x", &err), DB_DENIED);
    REJECT(db_user_key_remove(db, "carol", "SHA256:x", &err), DB_DENIED);
    {
        struct user *users;
        int n;

        REJECT(db_user_list(db, &users, &n, &err), DB_DENIED);
    }
#undef REJECT
    db_close(db);
    free(path);
}

static void test_keys_and_auth_lookup(void **state)
{
    char *path = tu_db_path();
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    char *pub = make_key("ed25519", "256", "k1");
    struct cred_pubkey *k;
    struct user_key *keys, found;
    struct user u;
    char *err = NULL, *hash = cred_password_hash("s3cret", &err);
    int n, nk;

    assert_int_equal(cred_pubkey_read_file(pub, &k, &n, &err), 0);
    assert_int_equal(db_user_add(db, "frank", ROLE_EDITOR, 0, hash, NULL, 0, NULL, &err), DB_OK);
    assert_int_equal(db_user_add(db, "gina", ROLE_VIEWER, 0, NULL, NULL, 0, NULL, &err), DB_OK);
    assert_int_equal(
        db_user_key_add(db, "frank", k[0].algo, k[0].b64, k[0].fingerprint, k[0].comment, &err),
        DB_OK);
    /* The same key cannot belong to two accounts. */
    assert_int_equal(
        db_user_key_add(db, "gina", k[0].algo, k[0].b64, k[0].fingerprint, k[0].comment, &err),
        DB_INVALID);
    assert_non_null(strstr(err, "frank"));
    free(err);
    err = NULL;
    assert_int_equal(db_user_keys(db, "frank", &keys, &nk, &err), DB_OK);
    assert_int_equal(nk, 1);
    assert_string_equal(keys[0].fingerprint, k[0].fingerprint);
    user_keys_free(keys, nk);
    db_close(db);

    /* The session process reads with a read-only connection. */
    db = tu_db_open(path, ROLE_VIEWER, 0);
    assert_int_equal(db_user_auth_get(db, "frank", &u, &err), DB_OK);
    assert_non_null(u.password_hash);
    assert_true(cred_password_check("s3cret", u.password_hash));
    user_free(&u);
    assert_int_equal(db_user_auth_key(db, "frank", k[0].fingerprint, &found, &err), DB_OK);
    assert_string_equal(found.key_b64, k[0].b64);
    user_key_free(&found);
    /* The key is frank's, not gina's. */
    assert_int_equal(db_user_auth_key(db, "gina", k[0].fingerprint, &found, &err), DB_NOTFOUND);
    free(err);
    err = NULL;
    db_close(db);

    /* Disabled: no password, no key. */
    db = tu_db_open(path, ROLE_ADMIN, 0);
    assert_int_equal(db_user_set_disabled(db, "frank", 1, &err), DB_OK);
    assert_int_equal(db_user_auth_get(db, "frank", &u, &err), DB_NOTFOUND);
    free(err);
    err = NULL;
    assert_int_equal(db_user_auth_key(db, "frank", k[0].fingerprint, &found, &err), DB_NOTFOUND);
    free(err);
    err = NULL;
    assert_int_equal(db_user_set_disabled(db, "frank", 0, &err), DB_OK);
    assert_int_equal(db_user_key_remove(db, "frank", k[0].fingerprint, &err), DB_OK);
    assert_int_equal(db_user_auth_key(db, "frank", k[0].fingerprint, &found, &err), DB_NOTFOUND);
    free(err);
    err = NULL;
    assert_int_equal(db_user_key_remove(db, "frank", k[0].fingerprint, &err), DB_NOTFOUND);
    free(err);
    err = NULL;
    assert_int_equal(db_user_get(db, "frank", &u, &err), DB_OK);
    assert_int_equal(u.version, 5); /* add, key add, disable, enable, key remove */
    user_free(&u);
    db_close(db);
    cred_pubkeys_free(k, n);
    free(hash);
    free(pub);
    free(path);
}

/* Run one "user" command line through usercmd with in as stdin. */
static int run_cmd(struct db *db, const char *in, char **out, const char **args)
{
    struct usercmd c;
    FILE *fin = fmemopen((void *)in, strlen(in), "r");
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    FILE *fout = open_memstream(&buf, &len);
    char *argv[32];
    int argc = 0, rc;

    while (args[argc] != NULL && argc < 31) {
        argv[argc] = (char *)args[argc];
        argc++;
    }
    argv[argc] = NULL;
    if (usercmd_parse(argc, argv, &c) != 0) {
        rc = -1;
    } else {
        rc = usercmd_exec(db, &c, fin, fout, &err);
        usercmd_free(&c);
    }
    fclose(fin);
    fclose(fout);
    free(err);
    if (out != NULL)
        *out = buf;
    else
        free(buf);
    return rc;
}

static void test_user_commands(void **state)
{
    char *path = tu_db_path();
    struct db *db = tu_db_open(path, ROLE_ADMIN, 0);
    char *pub = make_key("ed25519", "256", "cmdkey"), *fp = keygen_fingerprint(pub);
    char *out = NULL, *err = NULL;
    struct user u;

    assert_int_equal(
        run_cmd(db, "hunter22\n", &out,
                (const char *[]){"user", "add", "hana", "--role", "municipal", "--municipality",
                                 "1", "--key", pub, "--password", NULL}),
        DB_OK);
    assert_non_null(strstr(out, "hana"));
    free(out);
    assert_int_equal(db_user_auth_get(db, "hana", &u, &err), DB_OK);
    assert_int_equal(u.role, ROLE_MUNICIPAL);
    assert_int_equal(u.municipality_id, 1);
    assert_int_equal(u.nkeys, 1);
    assert_true(cred_password_check("hunter22", u.password_hash));
    user_free(&u);

    assert_int_equal(run_cmd(db, "", &out, (const char *[]){"user", "list", NULL}), DB_OK);
    assert_non_null(strstr(out, "hana\tmunicipal\t1\tenabled\tpassword\t1 key"));
    free(out);

    assert_int_equal(
        run_cmd(db, "newpass\n", NULL, (const char *[]){"user", "passwd", "hana", NULL}), DB_OK);
    assert_int_equal(db_user_auth_get(db, "hana", &u, &err), DB_OK);
    assert_true(cred_password_check("newpass", u.password_hash));
    assert_false(cred_password_check("hunter22", u.password_hash));
    user_free(&u);

    assert_int_equal(
        run_cmd(db, "", NULL, (const char *[]){"user", "key", "remove", "hana", fp, NULL}), DB_OK);
    assert_int_equal(
        run_cmd(db, "", NULL, (const char *[]){"user", "key", "add", "hana", pub, NULL}), DB_OK);
    assert_int_equal(
        run_cmd(db, "", NULL, (const char *[]){"user", "key", "remove", "hana", pub, NULL}), DB_OK);
    assert_int_equal(run_cmd(db, "", NULL, (const char *[]){"user", "disable", "hana", NULL}),
                     DB_OK);
    assert_int_equal(db_user_auth_get(db, "hana", &u, &err), DB_NOTFOUND);
    free(err);
    err = NULL;

    /* Usage errors are caught before anything runs. */
    assert_int_equal(run_cmd(db, "", NULL, (const char *[]){"user", NULL}), -1);
    assert_int_equal(run_cmd(db, "", NULL, (const char *[]){"user", "add", "x", NULL}), -1);
    assert_int_equal(
        run_cmd(db, "", NULL, (const char *[]){"user", "add", "x", "--role", "kiosk", NULL}), -1);
    assert_int_equal(
        run_cmd(db, "", NULL, (const char *[]){"user", "add", "x", "--role", "municipal", NULL}),
        -1);
    assert_int_equal(run_cmd(db, "", NULL, (const char *[]){"user", "frob", NULL}), -1);
    /* A bad key file adds nothing. */
    assert_int_equal(run_cmd(db, "", NULL,
                             (const char *[]){"user", "add", "ivan", "--role", "viewer", "--key",
                                              "/nonexistent.pub", NULL}),
                     DB_INVALID);
    assert_int_equal(db_user_auth_get(db, "ivan", &u, &err), DB_NOTFOUND);
    free(err);
    /* An empty password on stdin is refused, and nothing is added. */
    err = NULL;
    assert_int_equal(
        run_cmd(db, "\n", NULL,
                (const char *[]){"user", "add", "jon", "--role", "viewer", "--password", NULL}),
        DB_INVALID);
    assert_int_equal(db_user_auth_get(db, "jon", &u, &err), DB_NOTFOUND);
    free(err);
    db_close(db);
    free(fp);
    free(pub);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pubkey_parse_matches_openssh), cmocka_unit_test(test_pubkey_rejects),
        cmocka_unit_test(test_pubkey_comment_controls),      cmocka_unit_test(test_password_hash),
        cmocka_unit_test(test_add_list_and_audit),           cmocka_unit_test(test_add_rejects),
        cmocka_unit_test(test_keys_and_auth_lookup),         cmocka_unit_test(test_user_commands),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
