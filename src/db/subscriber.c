/*
 * subscriber.c: the subscribers' own writes beside the generic record
 * code: confirmation and unsubscription by token, a new token, the status
 * history, and the public subscribe form.
 *
 * The form is the one write a kiosk may make.  A kiosk's (and a viewer's)
 * connection refuses every write (open.c: query_only and ro_authorizer),
 * and stays so: db_subscribe_public() writes through a short-lived
 * connection of its own whose authorizer allows inserting and updating
 * the subscriber tables (and their search index) and appending to the
 * audit log, nothing else -- no DELETE of a subscriber, no other table, no
 * PRAGMA that sets anything.  The rules of the kind (kinds/subscriber.c)
 * apply to it as to every save.  Must never include curses.
 */
#include "db/subscriber.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/internal.h"
#include "db/kindsql.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "util.h"

#define STAMP "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
/* SUBSCRIBER_TOKEN_DAYS ago. */
#define EXPIRED_BEFORE "strftime('%Y-%m-%dT%H:%M:%SZ','now','-7 days')"

static const char sql_by_confirm[] =
    "SELECT id, status, token_issued_at >= " EXPIRED_BEFORE " FROM subscriber"
    " WHERE confirm_token = ?1";
static const char sql_by_unsubscribe[] =
    "SELECT id, status, 1 FROM subscriber WHERE unsubscribe_token = ?1";
static const char sql_set_status[] =
    "UPDATE subscriber SET status = ?2, status_reason = ?3, version = version + 1,"
    " updated_at = " STAMP ", updated_by = ?4 WHERE id = ?1";
static const char sql_set_token[] =
    "UPDATE subscriber SET confirm_token = ?2, token_issued_at = " STAMP " WHERE id = ?1";
static const char sql_consent_now[] = "UPDATE subscriber SET consent_at = " STAMP " WHERE id = ?1";
static const char sql_owner[] = "SELECT coalesce(municipality_id, 0) FROM subscriber WHERE id = ?1";
static const char sql_history[] =
    "SELECT at, coalesce(from_status, ''), to_status, by, coalesce(reason, '')"
    " FROM subscriber_history WHERE subscriber_id = ?1 ORDER BY id";

/* A token as a link carries it: 40 (or, made before, 32) lowercase hex
 * digits (else no row). */
static int token_shaped(const char *t)
{
    size_t n = strlen(t);

    return (n == SUBSCRIBER_TOKEN_LEN || n == SUBSCRIBER_TOKEN_OLD_LEN) &&
           strspn(t, "0123456789abcdef") == n;
}

/* A new confirmation token for id, issued now. */
static int new_token(struct db *db, long long id, char *out, char **err)
{
    char token[SUBSCRIBER_TOKEN_LEN + 1];
    sqlite3_stmt *st = db_stmt(db, sql_set_token, err);
    int rc;

    if (st == NULL)
        return DB_ERROR;
    subscriber_token(token);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, token, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    db_done(st);
    if (rc != SQLITE_DONE)
        return db_fail(db, rc, err);
    if (sqlite3_changes(db->h) == 0)
        return db_err(err, DB_NOTFOUND, _("no %s with id %lld"), _("subscriber"), id);
    if (out != NULL)
        memcpy(out, token, sizeof token);
    return DB_OK;
}

/* Set id's status with its reason, audited; inside a transaction. */
static int set_status(struct db *db, long long id, const char *status, const char *reason,
                      char **err)
{
    const char *json = kind_sql(&kind_subscriber)->get_json;
    char *before = NULL, *after = NULL;
    sqlite3_stmt *st;
    int rc = db_one_id(db, json, id, NULL, &before, err);

    if (rc == DB_OK && (st = db_stmt(db, sql_set_status, err)) == NULL)
        rc = DB_ERROR;
    if (rc == DB_OK) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, reason, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, db->s.user, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        db_done(st);
        rc = rc == SQLITE_DONE ? DB_OK : db_fail(db, rc, err);
    }
    if (rc == DB_OK)
        rc = db_one_id(db, json, id, NULL, &after, err);
    if (rc == DB_OK)
        rc = db_audit_add(db, "update", kind_subscriber.name, id, before, after, err);
    free(before);
    free(after);
    return rc;
}

/* The subscriber a token names: its id, status and whether the token is
 * still good; inside the transaction. */
static int find_token(struct db *db, const char *sql, const char *token, long long *id,
                      char **status, int *fresh, char **err)
{
    sqlite3_stmt *st;
    int rc;

    if (!token_shaped(token))
        return db_err(err, DB_NOTFOUND, "%s", _("unknown token: it names no subscriber"));
    if ((st = db_stmt(db, sql, err)) == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, token, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *status = db_col_str(st, 1);
        *fresh = sqlite3_column_int(st, 2);
    }
    db_done(st);
    if (rc == SQLITE_DONE)
        return db_err(err, DB_NOTFOUND, "%s", _("unknown token: it names no subscriber"));
    return rc == SQLITE_ROW ? DB_OK : db_fail(db, rc, err);
}

/* confirm (1) or unsubscribe (0) by token, in one transaction. */
static int by_token(struct db *db, const char *token, int confirm, enum sub_result *res, char **err)
{
    const char *to = confirm ? "active" : "unsubscribed";
    char *status = NULL;
    long long id = 0;
    int fresh = 0, rc;

    *res = SUB_ALREADY;
    if (!auth_allowed(&db->s, AUTH_SUBSCRIBE, 0) || db->read_only)
        return db_err(err, DB_DENIED, "%s", _("this session may not change subscriptions"));
    if ((rc = db_begin(db, err)) != DB_OK)
        return rc;
    rc = find_token(db, confirm ? sql_by_confirm : sql_by_unsubscribe, token, &id, &status, &fresh,
                    err);
    if (rc == DB_OK && strcmp(status, to) != 0) {
        if (!fresh)
            rc = db_err(err, DB_INVALID, "%s",
                        _("expired token: confirmation links are good for 7 days; subscribe "
                          "again for a new one"));
        else
            rc = set_status(db, id, to,
                            confirm ? _("confirmed by its owner") : _("unsubscribed by its owner"),
                            err);
        /* An old confirmation link must not subscribe it again. */
        if (rc == DB_OK && !confirm)
            rc = new_token(db, id, NULL, err);
        if (rc == DB_OK)
            *res = SUB_DONE;
    }
    free(status);
    if (rc == DB_OK)
        return db_commit(db, err);
    db_rollback(db);
    return rc;
}

int db_subscriber_confirm(struct db *db, const char *token, enum sub_result *res, char **err)
{
    return by_token(db, token, 1, res, err);
}

int db_subscriber_unsubscribe(struct db *db, const char *token, enum sub_result *res, char **err)
{
    return by_token(db, token, 0, res, err);
}

int db_subscriber_reissue(struct db *db, long long id, char *token, char **err)
{
    int rc;

    if (!auth_allowed(&db->s, AUTH_EDIT_SUBSCRIBERS, 0))
        return db_err(err, DB_DENIED, "%s", _(kind_subscriber.msgs.may_not[VERB_EDIT]));
    if ((rc = db_begin(db, err)) != DB_OK)
        return rc;
    rc = new_token(db, id, token, err);
    if (rc == DB_OK)
        return db_commit(db, err);
    db_rollback(db);
    return rc;
}

int db_subscriber_history(struct db *db, long long id, struct sub_change **out, int *n, char **err)
{
    struct sub_change *v = NULL;
    long long owner = 0;
    sqlite3_stmt *st;
    int cnt = 0, rc;

    *out = NULL;
    *n = 0;
    rc = db_one_id(db, sql_owner, id, &owner, NULL, err);
    if (rc == DB_NOTFOUND)
        return db_err(err, DB_NOTFOUND, _("no %s with id %lld"), _("subscriber"), id);
    if (rc != DB_OK)
        return rc;
    if (!auth_allowed(&db->s, AUTH_READ_SUBSCRIBERS, owner))
        return db_err(err, DB_DENIED, "%s", _(kind_subscriber.msgs.may_not[VERB_READ]));
    if ((st = db_stmt(db, sql_history, err)) == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        v = xreallocarray(v, (size_t)cnt + 1, sizeof *v);
        v[cnt].at = db_col_str(st, 0);
        v[cnt].from = db_col_str(st, 1);
        v[cnt].to = db_col_str(st, 2);
        v[cnt].by = db_col_str(st, 3);
        v[cnt].reason = db_col_str(st, 4);
        cnt++;
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        sub_changes_free(v, cnt);
        return db_fail(db, rc, err);
    }
    *out = v;
    *n = cnt;
    return DB_OK;
}

void sub_changes_free(struct sub_change *v, int n)
{
    for (int i = 0; i < n; i++) {
        free(v[i].at);
        free(v[i].from);
        free(v[i].to);
        free(v[i].by);
        free(v[i].reason);
    }
    free(v);
}

/* --- the public form ---------------------------------------------------------- */

static int subscriber_table(const char *t)
{
    return t != NULL && (strcmp(t, "subscriber") == 0 || strncmp(t, "subscriber_", 11) == 0);
}

/*
 * The form's connection: reading, and writing the subscriber tables
 * (their triggers keep the history and the search index) and the audit
 * log.  Everything else is refused here, whatever code runs on it.
 */
static int public_authorizer(void *ud, int action, const char *a, const char *b, const char *dbname,
                             const char *trigger)
{
    (void)ud;
    (void)dbname;
    (void)trigger;
    switch (action) {
    case SQLITE_INSERT:
        return subscriber_table(a) || (a != NULL && strcmp(a, "audit") == 0) ? SQLITE_OK
                                                                             : SQLITE_DENY;
    case SQLITE_UPDATE:
        return subscriber_table(a) ? SQLITE_OK : db_authorize_read(action, a, b);
    case SQLITE_DELETE:
        /* The search index's triggers replace a row's entry. */
        return a != NULL && strncmp(a, "subscriber_fts", 14) == 0 ? SQLITE_OK : SQLITE_DENY;
    default:
        return db_authorize_read(action, a, b);
    }
}

/* Validate, resolve and write c (create or update); *bad on DB_INVALID. */
static int public_save(struct db *w, struct record *c, char **err)
{
    const struct kind *k = &kind_subscriber;
    long long *refs = xcalloc((size_t)k->nfields, sizeof *refs), id = 0;
    char msg[256];
    int bad = -1, rc = db_record_rules(w, c, &bad, msg, sizeof msg, err);

    if (rc == DB_OK && bad != -1)
        rc = bad >= 0 ? db_err(err, DB_INVALID, "%s: %s", _(k->fields[bad].label), msg)
                      : db_err(err, DB_INVALID, "%s", msg);
    if (rc == DB_OK)
        rc = db_record_resolve(w, c, refs, &bad, err);
    if (rc == DB_OK)
        rc = db_record_write(w, c, refs, NULL, c->id == 0 ? "create" : "update", &id, err);
    if (rc == DB_CONFLICT || rc == DB_NOTFOUND)
        rc = db_err(err, DB_CONFLICT, "%s", _(k->msgs.deleted));
    if (rc == DB_OK && c->id != 0)
        rc = db_exec_id(w, sql_consent_now, id, err);
    if (rc == DB_OK && c->id != 0)
        rc = new_token(w, id, NULL, err);
    free(refs);
    return rc;
}

/* The form's write for c (cleaned), inside the transaction. */
static int public_write(struct db *w, struct record *c, enum sub_result *res, char **err)
{
    struct record stored;
    sqlite3_stmt *st = db_stmt(w, kind_subscriber.key_find, err);
    long long id = 0;
    int rc;

    if (st != NULL)
        sqlite3_bind_text(st, 1, c->f[SF_EMAIL], -1, SQLITE_TRANSIENT);
    rc = db_one(w, st, &id, NULL, err);
    if (rc == DB_NOTFOUND) {
        *res = SUB_DONE;
        return public_save(w, c, err);
    }
    if (rc != DB_OK)
        return rc;
    record_init(&stored, &kind_subscriber);
    rc = db_record_load(w, &kind_subscriber, id, &stored, err);
    if (rc == DB_OK && strcmp(stored.f[SF_STATUS], "active") == 0) {
        *res = SUB_ALREADY; /* never un-confirmed */
    } else if (rc == DB_OK && strcmp(stored.f[SF_STATUS], "pending") == 0) {
        *res = SUB_PENDING;
        rc = new_token(w, id, NULL, err);
    } else if (rc == DB_OK) {
        /* Unsubscribed or bounced: pending again, on this consent. */
        *res = SUB_PENDING;
        str_set(&stored.f[SF_STATUS], "pending");
        str_set(&stored.f[SF_REASON], _("subscribed again through the form"));
        for (int f = SF_CONSENT_HOW; f <= SF_CONSENT_BY; f++)
            str_set(&stored.f[f], c->f[f]);
        str_set(&stored.f[SF_CONSENT_NOTE], "");
        rc = public_save(w, &stored, err);
    }
    record_free(&stored);
    return rc;
}

int db_subscribe_public(struct db *db, const char *email, const char *name, long long municipality,
                        const char *lang, const char *how, enum sub_result *res, char **err)
{
    struct record r, c;
    struct db *w = NULL;
    char muni[32] = "";
    int rc;

    *res = SUB_DONE;
    if (!auth_allowed(&db->s, AUTH_SUBSCRIBE, 0))
        return db_err(err, DB_DENIED, "%s", _("this session may not subscribe"));
    if (how == NULL ||
        (strcmp(how, "kiosk") != 0 && strcmp(how, "ssh") != 0 && strcmp(how, "staff") != 0))
        return db_err(err, DB_INVALID, "%s", _("the form is the kiosk's, the SSH form or staff's"));
    if (db->public_writes >= DB_PUBLIC_MAX)
        return db_err(err, DB_DENIED, "%s",
                      _("too many subscriptions from this session; please ask the staff"));
    db->public_writes++;
    if (municipality > 0)
        snprintf(muni, sizeof muni, "%lld", municipality);
    record_init(&r, &kind_subscriber);
    record_set(&r, SF_EMAIL, email);
    record_set(&r, SF_NAME, name);
    record_set(&r, SF_MUNICIPALITY, muni);
    record_set(&r, SF_LANG, lang);
    record_set(&r, SF_STATUS, "pending");
    record_set(&r, SF_CONSENT_HOW, how);
    record_set(&r, SF_CONSENT_BY, db->s.user);
    db_record_clean(&c, &r);
    record_free(&r);
    rc = db_side_open(db, public_authorizer, &w, err);
    if (rc == DB_OK)
        rc = db_begin(w, err);
    if (rc == DB_OK) {
        rc = public_write(w, &c, res, err);
        if (rc == DB_OK)
            rc = db_commit(w, err);
        else
            db_rollback(w);
    }
    record_free(&c);
    db_close(w);
    return rc;
}
