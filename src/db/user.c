/*
 * user.c: what is particular to accounts (tables users, user_keys): their
 * password hashes and public keys, finding an account by name, and the SSH
 * session's look-ups.  The account itself is a record of kind_user: read,
 * listed, validated, saved with its version check and audited by the
 * generic code (db/record.c); a password or key change rides in the same
 * save through a record_also hook, so an account, its keys and its
 * password land in one transaction with one audit row.
 *
 * Every write: auth_allowed(AUTH_MANAGE_USERS), the change, an audit row
 * with the account before and after — one transaction.  Audit rows name the
 * keys by fingerprint and say only whether a password is set (the kind's
 * picture): a password hash never leaves this file except through
 * db_user_auth_get().
 */
#include "db/user.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/internal.h"
#include "db/records.h"
#include "i18n.h"
#include "util.h"

static int check_manage(struct db *db, char **err)
{
    if (!auth_allowed(&db->s, AUTH_MANAGE_USERS, 0))
        return db_err(err, DB_DENIED, "%s", _("only an administrator may manage users"));
    return DB_OK;
}

/* For the SSH session process: with the hash, no permission asked. */
static const char sql_user_by_name[] =
    "SELECT id, name, role, municipality_id, disabled, password_hash IS NOT NULL, "
    "(SELECT count(*) FROM user_keys k WHERE k.user_id = users.id), created_at, updated_at, "
    "version, password_hash FROM users WHERE name = ?1";

static enum role role_of(const char *name)
{
    enum role r;

    /* An unknown role can never gain rights. */
    return auth_role_parse(name, &r) == 0 ? r : ROLE_VIEWER;
}

static void user_from_row(sqlite3_stmt *st, struct user *u)
{
    char *role = db_col_str(st, 2);

    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(st, 0);
    u->name = db_col_str(st, 1);
    u->role = role_of(role);
    free(role);
    u->municipality_id = sqlite3_column_int64(st, 3);
    u->disabled = sqlite3_column_int(st, 4) != 0;
    u->has_password = sqlite3_column_int(st, 5) != 0;
    u->nkeys = sqlite3_column_int(st, 6);
    u->created_at = db_col_str(st, 7);
    u->updated_at = db_col_str(st, 8);
    u->version = sqlite3_column_int64(st, 9);
    if (sqlite3_column_type(st, 10) != SQLITE_NULL)
        u->password_hash = db_col_str(st, 10);
}

static int load_user_auth(struct db *db, const char *name, struct user *out, char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql_user_by_name, err);
    int rc;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        user_from_row(st, out);
        db_done(st);
        return DB_OK;
    }
    db_done(st);
    if (rc == SQLITE_DONE)
        return db_err(err, DB_NOTFOUND, _("no user named '%s'"), name);
    return db_fail(db, rc, err);
}

/* The account named name as a record of kind_user (r initialised). */
static int record_by_name(struct db *db, const char *name, struct record *r, char **err)
{
    static const char sql[] = "SELECT id FROM users WHERE name = ?1";
    sqlite3_stmt *st = db_stmt(db, sql, err);
    long long id = 0;
    int rc;

    if (st != NULL)
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    rc = db_one(db, st, &id, NULL, err);
    if (rc == DB_NOTFOUND)
        return db_err(err, DB_NOTFOUND, _("no user named '%s'"), name);
    if (rc != DB_OK)
        return rc;
    return db_record_get(db, &kind_user, id, r, err);
}

static void user_from_record(const struct record *r, struct user *u)
{
    memset(u, 0, sizeof *u);
    u->id = r->id;
    u->name = xstrdup(r->f[AF_NAME]);
    u->role = role_of(r->f[AF_ROLE]);
    u->municipality_id = strtoll(r->f[AF_MUNICIPALITY], NULL, 10);
    u->disabled = strcmp(r->f[AF_DISABLED], "0") != 0;
    u->has_password = strcmp(r->x[AX_PASSWORD], "true") == 0;
    u->nkeys = (int)strtol(r->x[AX_NKEYS], NULL, 10);
    u->created_at = xstrdup(r->x[AX_CREATED_AT]);
    u->updated_at = xstrdup(r->updated_at);
    u->version = r->version;
}

static void user_from_list_row(const struct record_row *row, struct user *u)
{
    memset(u, 0, sizeof *u);
    u->id = row->id;
    u->name = xstrdup(row->v[AL_NAME]);
    u->role = role_of(row->v[AL_ROLE]);
    u->municipality_id = strtoll(row->v[AL_MUNICIPALITY_ID], NULL, 10);
    u->disabled = strcmp(row->v[AL_DISABLED], "0") != 0;
    u->has_password = strcmp(row->v[AL_PASSWORD], "1") == 0;
    u->nkeys = (int)strtol(row->v[AL_NKEYS], NULL, 10);
    u->created_at = xstrdup(row->v[AL_CREATED_AT]);
    u->updated_at = xstrdup(row->v[AL_UPDATED_AT]);
    u->version = strtoll(row->v[AL_VERSION], NULL, 10);
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

struct key_arg {
    const char *algo, *b64, *fingerprint, *comment;
};

static int change_key_add(struct db *db, long long uid, const void *arg, char **err);
static int change_password(struct db *db, long long uid, const void *arg, char **err);

/* What a new account brings beside its record: a password, keys. */
struct new_secrets {
    const char *hash;
    const struct user_key *keys;
    int nkeys;
};

static int add_secrets(struct db *db, long long uid, const void *arg, char **err)
{
    const struct new_secrets *n = arg;
    int rc = DB_OK;

    if (n->hash != NULL)
        rc = change_password(db, uid, n->hash, err);
    for (int i = 0; rc == DB_OK && i < n->nkeys; i++) {
        struct key_arg k = {n->keys[i].algo, n->keys[i].key_b64, n->keys[i].fingerprint,
                            n->keys[i].comment};

        rc = change_key_add(db, uid, &k, err);
    }
    return rc;
}

int db_user_add(struct db *db, const char *name, enum role role, long long municipality_id,
                const char *password_hash, const struct user_key *keys, int nkeys, long long *id,
                char **err)
{
    struct new_secrets sec = {password_hash, keys, nkeys};
    struct record_also also = {add_secrets, &sec};
    struct record r;
    char muni[32] = "";
    int rc;

    if ((rc = check_manage(db, err)) != DB_OK)
        return rc;
    record_init(&r, &kind_user);
    if (record_by_name(db, name, &r, NULL) == DB_OK) {
        record_free(&r);
        return db_err(err, DB_INVALID, _("a user named '%s' already exists"), name);
    }
    if (municipality_id != 0)
        snprintf(muni, sizeof muni, "%lld", municipality_id);
    record_set(&r, AF_NAME, name);
    record_set(&r, AF_ROLE, (int)role >= 0 && role < ROLE_COUNT ? auth_role_name(role) : "");
    record_set(&r, AF_MUNICIPALITY, muni);
    record_set(&r, AF_DISABLED, "0");
    rc = db_record_save_also(db, &r, &also, NULL, NULL, err);
    if (rc == DB_OK && id != NULL)
        *id = r.id;
    record_free(&r);
    return rc;
}

int db_user_count(struct db *db, int *n, char **err)
{
    int rc;

    *n = 0;
    if ((rc = check_manage(db, err)) != DB_OK)
        return rc;
    return db_record_count(db, &kind_user, NULL, n, err);
}

int db_user_list(struct db *db, struct user **users, int *n, char **err)
{
    return db_user_page(db, 0, -1, users, n, err);
}

int db_user_page(struct db *db, int offset, int limit, struct user **users, int *n, char **err)
{
    struct record_row *rows = NULL;
    struct user *v;
    int count = 0, rc;

    *users = NULL;
    *n = 0;
    if ((rc = check_manage(db, err)) != DB_OK)
        return rc;
    rc = db_record_page(db, &kind_user, NULL, offset, limit < 0 ? INT_MAX : limit, &rows, &count,
                        err);
    if (rc != DB_OK)
        return rc;
    v = xcalloc(count > 0 ? (size_t)count : 1, sizeof *v);
    for (int i = 0; i < count; i++)
        user_from_list_row(&rows[i], &v[i]);
    record_rows_free(&kind_user, rows, count);
    *users = v;
    *n = count;
    return DB_OK;
}

int db_user_get(struct db *db, const char *name, struct user *out, char **err)
{
    struct record r;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = check_manage(db, err)) != DB_OK)
        return rc;
    record_init(&r, &kind_user);
    if ((rc = record_by_name(db, name, &r, err)) == DB_OK)
        user_from_record(&r, out);
    record_free(&r);
    return rc;
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

typedef int (*user_change_fn)(struct db *, long long user_id, const void *arg, char **err);

/*
 * Every change to an existing account is a save of its record (the
 * version check, the stamp, the audit row) with disabled as given (-1:
 * as it is) and change() in the same transaction.
 */
static int change_user(struct db *db, const char *name, int disabled, user_change_fn change,
                       const void *arg, char **err)
{
    struct record_also also = {change, arg};
    struct record r;
    int rc;

    if ((rc = check_manage(db, err)) != DB_OK)
        return rc;
    record_init(&r, &kind_user);
    if ((rc = record_by_name(db, name, &r, err)) == DB_OK) {
        if (disabled >= 0)
            record_set(&r, AF_DISABLED, disabled ? "1" : "0");
        rc = db_record_save_also(db, &r, change != NULL ? &also : NULL, NULL, NULL, err);
    }
    record_free(&r);
    return rc;
}

int db_user_set_disabled(struct db *db, const char *name, int disabled, char **err)
{
    return change_user(db, name, disabled != 0, NULL, NULL, err);
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
    return change_user(db, name, -1, change_password, hash, err);
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

    return change_user(db, name, -1, change_key_add, &k, err);
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
    return change_user(db, name, -1, change_key_remove, fingerprint, err);
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
    rc = load_user_auth(db, name, out, err);
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

/* --- an account's own choices ---------------------------------------------------- */

/* An account's own row, when auth.c lets it keep its choices (the
 * shared kiosk name keeps none, whatever role a session under it has). */
static int own_account(const struct db *db)
{
    return auth_keeps_choices(&db->s) && strcmp(db->s.user, USER_KIOSK_NAME) != 0;
}

int db_user_prefs(struct db *db, char **lang, int *lean, char **err)
{
    sqlite3_stmt *st;
    char *chosen = NULL;
    int rc;

    *lang = NULL;
    *lean = -1;
    if (!own_account(db))
        return DB_NOTFOUND;
    st = db_stmt(db, "SELECT coalesce(lang, ''), coalesce(lean, -1) FROM users WHERE name = ?1",
                 err);
    if (st != NULL)
        sqlite3_bind_text(st, 1, db->s.user, -1, SQLITE_TRANSIENT);
    rc = db_two(db, st, lang, &chosen, err);
    if (rc == DB_OK)
        *lean = atoi(chosen);
    free(chosen);
    return rc;
}

/* The choices' connection: it may change these two columns of users, and
 * read what that needs; nothing else. */
static int prefs_authorizer(void *ud, int action, const char *a, const char *b, const char *dbname,
                            const char *trigger)
{
    (void)ud;
    (void)dbname;
    (void)trigger;
    if (action == SQLITE_UPDATE)
        return a != NULL && b != NULL && strcmp(a, "users") == 0 &&
                       (strcmp(b, "lang") == 0 || strcmp(b, "lean") == 0)
                   ? SQLITE_OK
                   : SQLITE_DENY;
    return db_authorize_read(action, a, b);
}

int db_user_save_prefs(struct db *db, const char *lang, int lean, char **err)
{
    struct db *w;
    sqlite3_stmt *st;
    int rc;

    if (!own_account(db))
        return DB_NOTFOUND;
    if ((rc = db_side_open(db, prefs_authorizer, &w, err)) != DB_OK)
        return rc;
    st = db_stmt(w,
                 "UPDATE users SET lang = coalesce(?2, lang),"
                 " lean = CASE WHEN ?3 < 0 THEN lean ELSE ?3 END WHERE name = ?1",
                 err);
    if (st == NULL) {
        db_close(w);
        return DB_ERROR;
    }
    sqlite3_bind_text(st, 1, db->s.user, -1, SQLITE_TRANSIENT);
    if (lang != NULL)
        sqlite3_bind_text(st, 2, lang, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, lean);
    rc = sqlite3_step(st);
    db_done(st);
    rc = rc == SQLITE_DONE ? DB_OK : db_fail(w, rc, err);
    if (rc == DB_OK && sqlite3_changes(w->h) == 0)
        rc = DB_NOTFOUND;
    db_close(w);
    return rc;
}
