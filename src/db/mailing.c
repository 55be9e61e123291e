/*
 * mailing.c: the subscribers the mail commands write to, the stamp of a
 * confirmation mailed, and the directory's recent changes (mailing.h).
 *
 * The stamp is bookkeeping of delivery, like token_issued_at, not a change
 * a person made to the record: it is not audited, and it is written only
 * after a message was handed over, one subscriber at a time, so a run
 * that fails half-way has stamped exactly what it delivered.  Must never
 * include curses.
 */
#include "db/mailing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/internal.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "util.h"

/* SUBSCRIBER_TOKEN_DAYS ago, as db/subscriber.c counts it. */
#define EXPIRED_BEFORE "strftime('%Y-%m-%dT%H:%M:%SZ','now','-7 days')"

#define MAILEE_COLUMNS                                                                             \
    "SELECT s.id, s.email, coalesce(s.name, ''), s.lang, coalesce(s.municipality_id, 0),"          \
    " coalesce(m.name_en, ''), coalesce(m.name_bn, ''), s.confirm_token, s.unsubscribe_token"      \
    " FROM subscriber s LEFT JOIN municipality m ON m.id = s.municipality_id"

static const char sql_confirm_page[] = MAILEE_COLUMNS
    " WHERE s.status = 'pending' AND s.confirm_mailed_at IS NULL"
    " AND s.token_issued_at >= " EXPIRED_BEFORE " AND s.id > ?1 ORDER BY s.id LIMIT ?2";
static const char sql_digest_page[] =
    MAILEE_COLUMNS " WHERE s.status = 'active' AND s.id > ?1 ORDER BY s.id LIMIT ?2";
static const char sql_expired[] =
    "SELECT count(*) FROM subscriber WHERE status = 'pending' AND confirm_mailed_at IS NULL"
    " AND token_issued_at < " EXPIRED_BEFORE;
static const char sql_mailed[] =
    "UPDATE subscriber SET confirm_mailed_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
    " WHERE id = ?1 AND confirm_token = ?2";

/* Each municipality the audit log shows touched since ?1 ("-14 days"):
 * whether it was created in that time, whether it is gone, and its names
 * (from the last picture of it when it is gone). */
static const char sql_changes[] =
    "SELECT a.record_id,"
    " coalesce(m.name_en, json_extract(max(a.before), '$.name_en'), ''),"
    " coalesce(m.name_bn, json_extract(max(a.before), '$.name_bn'), ''),"
    " max(a.action IN ('create', 'import') AND a.before IS NULL), m.id IS NULL, max(a.at)"
    " FROM audit a LEFT JOIN municipality m ON m.id = a.record_id"
    " WHERE a.record_kind = 'municipality'"
    " AND a.at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?1)"
    " GROUP BY a.record_id ORDER BY 2 COLLATE NOCASE, 1";

static int may_mail(struct db *db, char **err)
{
    if (!auth_allowed(&db->s, AUTH_EDIT_SUBSCRIBERS, 0))
        return db_err(err, DB_DENIED, "%s", _("this session may not mail the subscribers"));
    return DB_OK;
}

int db_mailees_page(struct db *db, enum mailee_set set, long long after, int max,
                    struct mailee **out, int *n, char **err)
{
    sqlite3_stmt *st;
    struct mailee *v = NULL;
    int cnt = 0, rc;

    *out = NULL;
    *n = 0;
    if ((rc = may_mail(db, err)) != DB_OK)
        return rc;
    st = db_stmt(db, set == MAILEES_CONFIRM ? sql_confirm_page : sql_digest_page, err);
    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, max);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct mailee *m;

        v = xreallocarray(v, (size_t)cnt + 1, sizeof *v);
        m = &v[cnt++];
        m->id = sqlite3_column_int64(st, 0);
        m->email = db_col_str(st, 1);
        m->name = db_col_str(st, 2);
        m->lang = db_col_str(st, 3);
        m->municipality_id = sqlite3_column_int64(st, 4);
        m->municipality_en = db_col_str(st, 5);
        m->municipality_bn = db_col_str(st, 6);
        m->confirm_token = db_col_str(st, 7);
        m->unsubscribe_token = db_col_str(st, 8);
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        mailees_free(v, cnt);
        return db_fail(db, rc, err);
    }
    *out = v;
    *n = cnt;
    return DB_OK;
}

void mailees_free(struct mailee *v, int n)
{
    for (int i = 0; i < n; i++) {
        free(v[i].email);
        free(v[i].name);
        free(v[i].lang);
        free(v[i].municipality_en);
        free(v[i].municipality_bn);
        free(v[i].confirm_token);
        free(v[i].unsubscribe_token);
    }
    free(v);
}

int db_mailees_expired(struct db *db, int *n, char **err)
{
    long long c = 0;
    int rc = may_mail(db, err);

    if (rc == DB_OK)
        rc = db_one_id(db, sql_expired, 0, &c, NULL, err);
    *n = (int)c;
    return rc;
}

int db_mailee_confirm_mailed(struct db *db, long long id, const char *token, char **err)
{
    sqlite3_stmt *st;
    int rc;

    if ((rc = may_mail(db, err)) != DB_OK)
        return rc;
    if (db->read_only)
        return db_err(err, DB_DENIED, "%s", _("this session may not mail the subscribers"));
    if ((st = db_stmt(db, sql_mailed, err)) == NULL)
        return DB_ERROR;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, token, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE ? DB_OK : db_fail(db, rc, err);
}

int db_directory_changes(struct db *db, int days, struct dir_change **out, int *n, char **err)
{
    struct dir_change *v = NULL;
    sqlite3_stmt *st;
    char *since;
    int cnt = 0, rc;

    *out = NULL;
    *n = 0;
    if ((rc = may_mail(db, err)) != DB_OK)
        return rc;
    if ((st = db_stmt(db, sql_changes, err)) == NULL)
        return DB_ERROR;
    since = xasprintf("-%d days", days);
    sqlite3_bind_text(st, 1, since, -1, SQLITE_TRANSIENT);
    free(since);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct dir_change *c;

        v = xreallocarray(v, (size_t)cnt + 1, sizeof *v);
        c = &v[cnt++];
        c->id = sqlite3_column_int64(st, 0);
        c->name_en = db_col_str(st, 1);
        c->name_bn = db_col_str(st, 2);
        c->what = sqlite3_column_int(st, 4)   ? DIR_REMOVED
                  : sqlite3_column_int(st, 3) ? DIR_ADDED
                                              : DIR_CHANGED;
        c->at = db_col_str(st, 5);
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        dir_changes_free(v, cnt);
        return db_fail(db, rc, err);
    }
    *out = v;
    *n = cnt;
    return DB_OK;
}

void dir_changes_free(struct dir_change *v, int n)
{
    for (int i = 0; i < n; i++) {
        free(v[i].name_en);
        free(v[i].name_bn);
        free(v[i].at);
    }
    free(v);
}
