/*
 * user.c: accounts and their public keys (tables users, user_keys).
 *
 * Every write: auth_allowed(AUTH_MANAGE_USERS), the change, an audit row
 * with the account before and after — one transaction.  Audit rows name the
 * keys by fingerprint and say only whether a password is set: a password
 * hash never leaves this file except through db_user_auth_get().
 */
#include "db/user.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/internal.h"
#include "i18n.h"
#include "util.h"

enum { USER_NAME_MAX = 32 };

const char *user_name_problem(const char *name)
{
    size_t len = strlen(name);

    if (len == 0)
        return _("the name is empty");
    if (len > USER_NAME_MAX)
        return _("the name is longer than 32 characters");
    if (!islower((unsigned char)name[0]) && !isdigit((unsigned char)name[0]))
        return _("the name must start with a lower-case letter or a digit");
    for (const char *p = name; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (!islower(c) && !isdigit(c) && c != '.' && c != '_' && c != '-')
            return _("the name may hold only a-z, 0-9, '.', '_' and '-'");
    }
    if (strcmp(name, USER_KIOSK_NAME) == 0)
        return _("'kiosk' is the built-in kiosk account and cannot be added");
    return NULL;
}

static int check_manage(struct db *db, char **err)
{
    if (!auth_allowed(&db->s, AUTH_MANAGE_USERS, 0))
        return db_err(err, DB_DENIED, "%s", _("only an administrator may manage users"));
    return DB_OK;
}

/* JSON string (with quotes) for s. */
static void json_str(struct buf *b, const char *s)
{
    buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            buf_addc(b, '\\');
            buf_addc(b, (char)*p);
        } else if (*p < 0x20) {
            buf_printf(b, "\\u%04x", *p);
        } else {
            buf_addc(b, (char)*p);
        }
    }
    buf_addc(b, '"');
}

static const char sql_user_by_name[] =
    "SELECT id, name, role, municipality_id, disabled, password_hash IS NOT NULL, "
    "(SELECT count(*) FROM user_keys k WHERE k.user_id = users.id), created_at, updated_at, "
    "version, password_hash FROM users WHERE name = ?1";
static const char sql_user_all[] =
    "SELECT id, name, role, municipality_id, disabled, password_hash IS NOT NULL, "
    "(SELECT count(*) FROM user_keys k WHERE k.user_id = users.id), created_at, updated_at, "
    "version, NULL FROM users ORDER BY name LIMIT ?1 OFFSET ?2";

static void user_from_row(sqlite3_stmt *st, struct user *u, int with_hash)
{
    char *role = db_col_str(st, 2);

    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(st, 0);
    u->name = db_col_str(st, 1);
    if (auth_role_parse(role, &u->role) != 0)
        u->role = ROLE_VIEWER; /* an unknown role can never gain rights */
    free(role);
    u->municipality_id = sqlite3_column_int64(st, 3);
    u->disabled = sqlite3_column_int(st, 4) != 0;
    u->has_password = sqlite3_column_int(st, 5) != 0;
    u->nkeys = sqlite3_column_int(st, 6);
    u->created_at = db_col_str(st, 7);
    u->updated_at = db_col_str(st, 8);
    u->version = sqlite3_column_int64(st, 9);
    if (with_hash && sqlite3_column_type(st, 10) != SQLITE_NULL)
        u->password_hash = db_col_str(st, 10);
}

static int load_user(struct db *db, const char *name, struct user *out, int with_hash, char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql_user_by_name, err);
    int rc;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        user_from_row(st, out, with_hash);
        db_done(st);
        return DB_OK;
    }
    db_done(st);
    if (rc == SQLITE_DONE)
        return db_err(err, DB_NOTFOUND, _("no user named '%s'"), name);
    return db_fail(db, rc, err);
}

/* The account as an audit row shows it: never the hash. */
static int user_json(struct db *db, const char *name, char **json, char **err)
{
    static const char sql_fps[] = "SELECT fingerprint FROM user_keys WHERE user_id = ?1 "
                                  "ORDER BY fingerprint";
    struct user u;
    struct buf b = {0};
    sqlite3_stmt *st;
    int rc, first = 1;

    rc = load_user(db, name, &u, 0, err);
    if (rc != DB_OK)
        return rc;
    buf_adds(&b, "{\"name\":");
    json_str(&b, u.name);
    buf_adds(&b, ",\"role\":");
    json_str(&b, auth_role_name(u.role));
    if (u.municipality_id != 0)
        buf_printf(&b, ",\"municipality_id\":%lld", u.municipality_id);
    else
        buf_adds(&b, ",\"municipality_id\":null");
    buf_printf(&b, ",\"disabled\":%s,\"password\":%s,\"keys\":[", u.disabled ? "true" : "false",
               u.has_password ? "true" : "false");
    st = db_stmt(db, sql_fps, err);
    if (st == NULL) {
        user_free(&u);
        buf_free(&b);
        return DB_ERROR;
    }
    sqlite3_bind_int64(st, 1, u.id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!first)
            buf_addc(&b, ',');
        first = 0;
        json_str(&b, (const char *)sqlite3_column_text(st, 0));
    }
    db_done(st);
    user_free(&u);
    if (rc != SQLITE_DONE) {
        buf_free(&b);
        return db_fail(db, rc, err);
    }
    buf_adds(&b, "]}");
    *json = buf_take(&b);
    return DB_OK;
}

/* Step a write statement to its end; DB_OK or the mapped failure. */
static int step_write(struct db *db, sqlite3_stmt *st, char **err)
{
    int rc = sqlite3_step(st);

    db_done(st);
    if (rc == SQLITE_DONE)
        return DB_OK;
    return db_fail(db, rc, err);
}

static int municipality_exists(struct db *db, long long id, char **err)
{
    static const char sql[] = "SELECT 1 FROM municipality WHERE id = ?1";
    int rc = db_one_id(db, sql, id, NULL, NULL, err);

    if (rc == DB_NOTFOUND)
        return db_err(err, DB_INVALID, _("no municipality with id %lld"), id);
    return rc;
}

struct key_arg {
    const char *algo, *b64, *fingerprint, *comment;
};

static int change_key_add(struct db *db, long long uid, const void *arg, char **err);

int db_user_add(struct db *db, const char *name, enum role role, long long municipality_id,
                const char *password_hash, const struct user_key *keys, int nkeys, long long *id,
                char **err)
{
    static const char sql[] =
        "INSERT INTO users (name, role, municipality_id, password_hash, disabled, created_at, "
        "updated_at, version) VALUES (?1, ?2, ?3, ?4, 0, strftime('%Y-%m-%dT%H:%M:%SZ','now'), "
        "strftime('%Y-%m-%dT%H:%M:%SZ','now'), 1)";
    const char *problem;
    struct user existing;
    sqlite3_stmt *st;
    char *after = NULL;
    long long new_id;
    int rc;

    if ((rc = check_manage(db, err)) != DB_OK)
        return rc;
    if ((problem = user_name_problem(name)) != NULL)
        return db_err(err, DB_INVALID, "%s: %s", name, problem);
    if ((int)role < 0 || role >= ROLE_KIOSK)
        return db_err(err, DB_INVALID, "%s",
                      _("the role must be admin, editor, municipal or viewer"));
    if (role == ROLE_MUNICIPAL && municipality_id <= 0)
        return db_err(err, DB_INVALID, "%s", _("the municipal role needs a municipality"));
    if (role != ROLE_MUNICIPAL && municipality_id != 0)
        return db_err(err, DB_INVALID, "%s",
                      _("only the municipal role belongs to a municipality"));
    if ((rc = db_begin(db, err)) != DB_OK)
        return rc;
    rc = load_user(db, name, &existing, 0, NULL);
    if (rc == DB_OK) {
        user_free(&existing);
        db_rollback(db);
        return db_err(err, DB_INVALID, _("a user named '%s' already exists"), name);
    }
    if (role == ROLE_MUNICIPAL && (rc = municipality_exists(db, municipality_id, err)) != DB_OK)
        goto fail;
    st = db_stmt(db, sql, err);
    if (st == NULL) {
        rc = DB_ERROR;
        goto fail;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, auth_role_name(role), -1, SQLITE_STATIC);
    if (municipality_id != 0)
        sqlite3_bind_int64(st, 3, municipality_id);
    if (password_hash != NULL)
        sqlite3_bind_text(st, 4, password_hash, -1, SQLITE_TRANSIENT);
    if ((rc = step_write(db, st, err)) != DB_OK)
        goto fail;
    new_id = sqlite3_last_insert_rowid(db->h);
    for (int i = 0; i < nkeys; i++) {
        struct key_arg k = {keys[i].algo, keys[i].key_b64, keys[i].fingerprint, keys[i].comment};

        if ((rc = change_key_add(db, new_id, &k, err)) != DB_OK)
            goto fail;
    }
    if ((rc = user_json(db, name, &after, err)) != DB_OK)
        goto fail;
    rc = db_audit_add(db, "create", "user", new_id, NULL, after, err);
    free(after);
    if (rc != DB_OK)
        goto fail;
    if ((rc = db_commit(db, err)) != DB_OK)
        return rc;
    if (id != NULL)
        *id = new_id;
    return DB_OK;
fail:
    db_rollback(db);
    return rc;
}

int db_user_count(struct db *db, int *n, char **err)
{
    static const char sql[] = "SELECT count(*) FROM users";
    long long v;
    int rc;

    *n = 0;
    if ((rc = check_manage(db, err)) != DB_OK)
        return rc;
    rc = db_one(db, db_stmt(db, sql, err), &v, NULL, err);
    *n = (int)v;
    /* A count always yields its row. */
    return rc == DB_NOTFOUND ? db_fail(db, SQLITE_DONE, err) : rc;
}

int db_user_list(struct db *db, struct user **users, int *n, char **err)
{
    return db_user_page(db, 0, -1, users, n, err);
}

int db_user_page(struct db *db, int offset, int limit, struct user **users, int *n, char **err)
{
    struct user *v = NULL;
    sqlite3_stmt *st;
    int count = 0, rc;

    *users = NULL;
    *n = 0;
    if ((rc = check_manage(db, err)) != DB_OK)
        return rc;
    st = db_stmt(db, sql_user_all, err);
    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int(st, 1, limit);
    sqlite3_bind_int(st, 2, offset);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        v = xreallocarray(v, (size_t)count + 1, sizeof *v);
        user_from_row(st, &v[count++], 0);
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        users_free(v, count);
        return db_fail(db, rc, err);
    }
    *users = v;
    *n = count;
    return DB_OK;
}

int db_user_get(struct db *db, const char *name, struct user *out, char **err)
{
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = check_manage(db, err)) != DB_OK)
        return rc;
    return load_user(db, name, out, 0, err);
}

void user_free(struct user *u)
{
    free(u->name);
    if (u->password_hash != NULL)
        explicit_bzero(u->password_hash, strlen(u->password_hash));
    free(u->password_hash);
    free(u->created_at);
    free(u->updated_at);
    memset(u, 0, sizeof *u);
}

void users_free(struct user *v, int n)
{
    for (int i = 0; i < n; i++)
        user_free(&v[i]);
    free(v);
}

/*
 * The shape of every change to an existing account: permission, begin,
 * before, change(), touch version and updated_at, after, audit, commit.
 */
typedef int (*user_change_fn)(struct db *, long long user_id, const void *arg, char **err);

static int change_user(struct db *db, const char *name, user_change_fn change, const void *arg,
                       char **err)
{
    static const char sql_touch[] =
        "UPDATE users SET version = version + 1, "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1";
    struct user u;
    char *before = NULL, *after = NULL;
    long long uid;
    int rc;

    if ((rc = check_manage(db, err)) != DB_OK)
        return rc;
    if ((rc = db_begin(db, err)) != DB_OK)
        return rc;
    if ((rc = load_user(db, name, &u, 0, err)) != DB_OK)
        goto fail;
    uid = u.id;
    user_free(&u);
    if ((rc = user_json(db, name, &before, err)) != DB_OK)
        goto fail;
    if ((rc = change(db, uid, arg, err)) != DB_OK)
        goto fail;
    if ((rc = db_exec_id(db, sql_touch, uid, err)) != DB_OK)
        goto fail;
    if ((rc = user_json(db, name, &after, err)) != DB_OK)
        goto fail;
    if ((rc = db_audit_add(db, "update", "user", uid, before, after, err)) != DB_OK)
        goto fail;
    free(before);
    free(after);
    return db_commit(db, err);
fail:
    free(before);
    free(after);
    db_rollback(db);
    return rc;
}

static int change_disabled(struct db *db, long long uid, const void *arg, char **err)
{
    static const char sql[] = "UPDATE users SET disabled = ?2 WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql, err);

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_int(st, 2, *(const int *)arg != 0);
    return step_write(db, st, err);
}

int db_user_set_disabled(struct db *db, const char *name, int disabled, char **err)
{
    return change_user(db, name, change_disabled, &disabled, err);
}

static int change_password(struct db *db, long long uid, const void *arg, char **err)
{
    static const char sql[] = "UPDATE users SET password_hash = ?2 WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql, err);

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, uid);
    if (arg != NULL)
        sqlite3_bind_text(st, 2, (const char *)arg, -1, SQLITE_TRANSIENT);
    return step_write(db, st, err);
}

int db_user_set_password(struct db *db, const char *name, const char *hash, char **err)
{
    return change_user(db, name, change_password, hash, err);
}

static int change_key_add(struct db *db, long long uid, const void *arg, char **err)
{
    static const char sql_owner[] =
        "SELECT u.name FROM user_keys k JOIN users u ON u.id = k.user_id "
        "WHERE k.fingerprint = ?1";
    static const char sql[] =
        "INSERT INTO user_keys (user_id, algo, key_b64, fingerprint, comment, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ','now'))";
    const struct key_arg *k = arg;
    sqlite3_stmt *st = db_stmt(db, sql_owner, err);
    int rc;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, k->fingerprint, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        char *owner = db_col_str(st, 0);

        db_done(st);
        rc = db_err(err, DB_INVALID, _("key %s is already registered to user '%s'"), k->fingerprint,
                    owner);
        free(owner);
        return rc;
    }
    db_done(st);
    if (rc != SQLITE_DONE)
        return db_fail(db, rc, err);
    st = db_stmt(db, sql, err);
    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_text(st, 2, k->algo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, k->b64, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, k->fingerprint, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, k->comment != NULL ? k->comment : "", -1, SQLITE_TRANSIENT);
    return step_write(db, st, err);
}

int db_user_key_add(struct db *db, const char *name, const char *algo, const char *key_b64,
                    const char *fingerprint, const char *comment, char **err)
{
    struct key_arg k = {algo, key_b64, fingerprint, comment};

    return change_user(db, name, change_key_add, &k, err);
}

static int change_key_remove(struct db *db, long long uid, const void *arg, char **err)
{
    static const char sql[] = "DELETE FROM user_keys WHERE user_id = ?1 AND fingerprint = ?2";
    sqlite3_stmt *st = db_stmt(db, sql, err);
    int rc;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, uid);
    sqlite3_bind_text(st, 2, (const char *)arg, -1, SQLITE_TRANSIENT);
    if ((rc = step_write(db, st, err)) != DB_OK)
        return rc;
    if (sqlite3_changes(db->h) == 0)
        return db_err(err, DB_NOTFOUND, _("the user has no key %s"), (const char *)arg);
    return DB_OK;
}

int db_user_key_remove(struct db *db, const char *name, const char *fingerprint, char **err)
{
    return change_user(db, name, change_key_remove, fingerprint, err);
}

static const char sql_keys[] =
    "SELECT k.id, k.algo, k.key_b64, k.fingerprint, k.comment, k.created_at "
    "FROM user_keys k JOIN users u ON u.id = k.user_id WHERE u.name = ?1 ORDER BY k.id";
static const char sql_auth_key[] =
    "SELECT k.id, k.algo, k.key_b64, k.fingerprint, k.comment, k.created_at "
    "FROM user_keys k JOIN users u ON u.id = k.user_id "
    "WHERE u.name = ?1 AND k.fingerprint = ?2 AND u.disabled = 0";

static void key_from_row(sqlite3_stmt *st, struct user_key *k)
{
    k->id = sqlite3_column_int64(st, 0);
    k->algo = db_col_str(st, 1);
    k->key_b64 = db_col_str(st, 2);
    k->fingerprint = db_col_str(st, 3);
    k->comment = db_col_str(st, 4);
    k->created_at = db_col_str(st, 5);
}

int db_user_keys(struct db *db, const char *name, struct user_key **keys, int *n, char **err)
{
    struct user_key *v = NULL;
    struct user u;
    sqlite3_stmt *st;
    int count = 0, rc;

    *keys = NULL;
    *n = 0;
    if ((rc = db_user_get(db, name, &u, err)) != DB_OK)
        return rc;
    user_free(&u);
    st = db_stmt(db, sql_keys, err);
    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        v = xreallocarray(v, (size_t)count + 1, sizeof *v);
        key_from_row(st, &v[count++]);
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        user_keys_free(v, count);
        return db_fail(db, rc, err);
    }
    *keys = v;
    *n = count;
    return DB_OK;
}

void user_key_free(struct user_key *k)
{
    free(k->algo);
    free(k->key_b64);
    free(k->fingerprint);
    free(k->comment);
    free(k->created_at);
    memset(k, 0, sizeof *k);
}

void user_keys_free(struct user_key *v, int n)
{
    for (int i = 0; i < n; i++)
        user_key_free(&v[i]);
    free(v);
}

int db_user_auth_get(struct db *db, const char *name, struct user *out, char **err)
{
    int rc;

    memset(out, 0, sizeof *out);
    rc = load_user(db, name, out, 1, err);
    if (rc == DB_OK && out->disabled) {
        user_free(out);
        return db_err(err, DB_NOTFOUND, _("user '%s' is disabled"), name);
    }
    return rc;
}

int db_user_auth_key(struct db *db, const char *name, const char *fingerprint, struct user_key *out,
                     char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql_auth_key, err);
    int rc;

    memset(out, 0, sizeof *out);
    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, fingerprint, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        key_from_row(st, out);
        db_done(st);
        return DB_OK;
    }
    db_done(st);
    if (rc == SQLITE_DONE)
        return db_err(err, DB_NOTFOUND, "%s", _("no such key for this user"));
    return db_fail(db, rc, err);
}
