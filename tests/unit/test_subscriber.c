/*
 * test_subscriber.c: the subscribers of the Municipality Digest
 * (src/kinds/subscriber.c, src/db/subscriber.c) on a real database: each
 * status rule, tokens (expiry, re-issue), the address unique without
 * regard to case, the kiosk's single write (and every other write still
 * refused), and the CSV import through the real binary: encodings,
 * duplicates, the status column, and a 10,000-row round trip; and who may
 * read which subscribers, decided in db/.
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
#include "db/internal.h"
#include "db/subscriber.h"
#include "util.h"

struct fx {
    char *path;
    struct db *admin;
};

static int setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);

    fx->path = tu_db_path();
    fx->admin = tu_db_open(fx->path, ROLE_ADMIN, 0);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;

    db_close(fx->admin);
    free(fx->path);
    free(fx);
    return 0;
}

static void sub(struct record *r, const char *email, const char *status, const char *reason)
{
    record_init(r, &kind_subscriber);
    record_set(r, SF_EMAIL, email);
    record_set(r, SF_NAME, "Rahim");
    record_set(r, SF_LANG, "bn");
    record_set(r, SF_STATUS, status);
    record_set(r, SF_REASON, reason);
}

static int save(struct db *db, struct record *r, int *bad)
{
    char *err = NULL;
    int rc = db_record_save(db, r, NULL, bad, &err);

    free(err);
    return rc;
}

static char *token_of(struct db *db, const char *col, long long id)
{
    char *sql = xasprintf("SELECT %s FROM subscriber WHERE id = %lld", col, id);
    char *t = tu_db_text(db, sql);

    free(sql);
    assert_non_null(t);
    return t;
}

static void test_rules_and_tokens(void **state)
{
    struct fx *fx = *state;
    struct record r;
    enum sub_result res;
    char *tok, *err = NULL, fresh[SUBSCRIBER_TOKEN_LEN + 1];
    int bad = 0;

    /* Active at entry only with a reason. */
    sub(&r, "Rahim@Example.org", "active", "");
    assert_int_equal(save(fx->admin, &r, &bad), DB_INVALID);
    assert_int_equal(bad, SF_REASON);
    record_set(&r, SF_STATUS, "pending");
    assert_int_equal(save(fx->admin, &r, NULL), DB_OK);
    assert_string_equal(r.f[SF_EMAIL], "Rahim@Example.org"); /* stored as typed */
    assert_string_equal(r.f[SF_CONSENT_HOW], "staff");
    assert_int_equal(strlen(r.x[SX_CONFIRM_TOKEN]), SUBSCRIBER_TOKEN_LEN);
    assert_string_not_equal(r.x[SX_CONFIRM_TOKEN], r.x[SX_UNSUBSCRIBE_TOKEN]);
    /* The same address in another case is the same subscriber. */
    {
        struct record d;

        sub(&d, "rahim@EXAMPLE.org", "pending", "");
        assert_int_not_equal(save(fx->admin, &d, NULL), DB_OK);
        record_free(&d);
    }
    /* Pending to active by staff: a reason, not the old one. */
    record_set(&r, SF_STATUS, "active");
    assert_int_equal(save(fx->admin, &r, &bad), DB_INVALID);
    assert_int_equal(bad, SF_REASON);
    record_set(&r, SF_REASON, "asked at the Barguna workshop, signed form");
    assert_int_equal(save(fx->admin, &r, NULL), DB_OK);
    assert_non_null(r.x[SX_CONFIRMED_AT][0] ? r.x[SX_CONFIRMED_AT] : NULL);
    /* Active never back to pending. */
    record_set(&r, SF_STATUS, "pending");
    assert_int_equal(save(fx->admin, &r, &bad), DB_INVALID);
    record_free(&r);
    assert_int_equal(db_record_get(fx->admin, &kind_subscriber, 1, &r, NULL), DB_OK);
    /* Unsubscribed by its token; never active again by staff. */
    tok = token_of(fx->admin, "unsubscribe_token", r.id);
    assert_int_equal(db_subscriber_unsubscribe(fx->admin, tok, &res, &err), DB_OK);
    assert_int_equal(res, SUB_DONE);
    assert_int_equal(db_subscriber_unsubscribe(fx->admin, tok, &res, &err), DB_OK);
    assert_int_equal(res, SUB_ALREADY);
    free(tok);
    assert_int_equal(db_record_get(fx->admin, &kind_subscriber, r.id, &r, NULL), DB_OK);
    assert_string_equal(r.f[SF_STATUS], "unsubscribed");
    record_set(&r, SF_STATUS, "active");
    record_set(&r, SF_REASON, "staff say so");
    assert_int_equal(save(fx->admin, &r, &bad), DB_INVALID);
    assert_int_equal(bad, SF_STATUS);
    /* Confirmation token: expired after 7 days, re-issued. */
    assert_int_equal(db_record_get(fx->admin, &kind_subscriber, r.id, &r, NULL), DB_OK);
    record_set(&r, SF_STATUS, "pending");
    record_set(&r, SF_REASON, "asked again by phone");
    assert_int_equal(save(fx->admin, &r, NULL), DB_OK);
    tok = token_of(fx->admin, "confirm_token", r.id);
    sqlite3_exec(fx->admin->h, "UPDATE subscriber SET token_issued_at = '2020-01-01T00:00:00Z'",
                 NULL, NULL, NULL);
    assert_int_equal(db_subscriber_confirm(fx->admin, tok, &res, &err), DB_INVALID);
    assert_non_null(strstr(err, "expired"));
    free(err);
    err = NULL;
    assert_int_equal(db_subscriber_reissue(fx->admin, r.id, fresh, NULL), DB_OK);
    assert_string_not_equal(fresh, tok);
    assert_int_equal(db_subscriber_confirm(fx->admin, tok, &res, &err), DB_NOTFOUND);
    free(err);
    err = NULL;
    assert_int_equal(db_subscriber_confirm(fx->admin, fresh, &res, NULL), DB_OK);
    assert_int_equal(res, SUB_DONE);
    free(tok);
    assert_int_equal(tu_db_int(fx->admin, "SELECT status = 'active' FROM subscriber"), 1);
    /* Every change is in the history: pending, active, unsubscribed,
     * pending, active. */
    {
        struct sub_change *h;
        int n;

        assert_int_equal(db_subscriber_history(fx->admin, r.id, &h, &n, NULL), DB_OK);
        assert_int_equal(n, 5);
        assert_string_equal(h[1].reason, "asked at the Barguna workshop, signed form");
        assert_string_equal(h[2].to, "unsubscribed");
        sub_changes_free(h, n);
    }
    /* Tokens are in no audit picture. */
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM audit WHERE record_kind ="
                                          " 'subscriber' AND (after LIKE '%token%' OR before"
                                          " LIKE '%token%')"),
                     0);
    record_free(&r);
}

static void test_kiosk_single_write(void **state)
{
    struct fx *fx = *state;
    struct db *k = tu_db_open(fx->path, ROLE_KIOSK, 0);
    struct record r;
    enum sub_result res;
    char *err = NULL;

    assert_int_equal(
        db_subscribe_public(k, "Karim@example.org", "Karim", 0, "en", "kiosk", &res, &err), DB_OK);
    assert_int_equal(res, SUB_DONE);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM subscriber WHERE status ="
                                          " 'pending' AND consent_how = 'kiosk'"),
                     1);
    /* Confirmed; the form again changes nothing. */
    {
        char *tok = tu_db_text(fx->admin, "SELECT confirm_token FROM subscriber");

        assert_int_equal(db_subscriber_confirm(fx->admin, tok, &res, NULL), DB_OK);
        free(tok);
    }
    assert_int_equal(
        db_subscribe_public(k, "KARIM@example.org", "Someone else", 0, "bn", "kiosk", &res, NULL),
        DB_OK);
    assert_int_equal(res, SUB_ALREADY);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM subscriber WHERE status ="
                                          " 'active' AND name = 'Karim' AND lang = 'en'"),
                     1);
    /* A bad address is refused, naming the field. */
    assert_int_equal(db_subscribe_public(k, "not an address", "", 0, "en", "kiosk", &res, &err),
                     DB_INVALID);
    free(err);
    err = NULL;
    /* A few per session, then no more. */
    assert_int_equal(db_subscribe_public(k, "x@example.org", "", 0, "en", "kiosk", &res, &err),
                     DB_DENIED);
    free(err);
    err = NULL;
    /* Every other write is still refused to the kiosk. */
    sub(&r, "y@example.org", "pending", "");
    assert_int_equal(save(k, &r, NULL), DB_DENIED);
    record_free(&r);
    assert_int_equal(db_subscriber_confirm(k, "0123456789abcdef0123456789abcdef", &res, &err),
                     DB_DENIED);
    free(err);
    assert_int_not_equal(sqlite3_exec(k->h, "UPDATE subscriber SET name = 'x'", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(k->h, "DELETE FROM subscriber", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(k->h, "UPDATE municipality SET wards = 1", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM subscriber"), 1);
    db_close(k);
}

/* Write bytes to a file in the test's directory; its path (malloc'd). */
static char *file_of(const char *name, const char *bytes, size_t n)
{
    char *p = xasprintf("%s/%s", tu_tmpdir(), name);
    FILE *f = fopen(p, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    fclose(f);
    return p;
}

static void test_import_encodings(void **state)
{
    struct fx *fx = *state;
    static const char utf8[] = "email,name,lang\nঅ@example.org,রহিম,bn\n";
    static const char bom8[] = "\xEF\xBB\xBF"
                               "email,name,lang\nb@example.org,করিম,bn\n";
    /* "email,name,lang\nc@example.org,Zoë,en\n" in UTF-16LE with its BOM. */
    static const char u16src[] = "email,name,lang\nc@example.org,Zo\xC3\xAB,en\n";
    static const char cp1252[] = "email,name,lang\nd@example.org,Ren\xE9,en\n";
    char u16[256], *p, *out;
    size_t n = 2;

    u16[0] = (char)0xFF;
    u16[1] = (char)0xFE;
    for (const char *s = u16src; *s != '\0'; s++) {
        unsigned c = (unsigned char)*s;

        if (c == 0xC3) { /* ë, U+00EB */
            c = 0xEB;
            s++;
        }
        u16[n++] = (char)c;
        u16[n++] = 0;
    }
    db_close(fx->admin);
    p = file_of("u8.csv", utf8, sizeof utf8 - 1);
    free(tu_mabdesk(fx->path, "import", "subscribers", p, NULL));
    free(p);
    p = file_of("bom.csv", bom8, sizeof bom8 - 1);
    free(tu_mabdesk(fx->path, "import", "subscribers", p, NULL));
    free(p);
    p = file_of("u16.csv", u16, n);
    free(tu_mabdesk(fx->path, "import", "subscribers", p, NULL));
    free(p);
    p = file_of("w.csv", cp1252, sizeof cp1252 - 1);
    out = tu_mabdesk(fx->path, "import", "subscribers", p, "--encoding", "windows-1252", NULL);
    assert_non_null(strstr(out, "1 added"));
    free(out);
    free(p);
    fx->admin = tu_db_open(fx->path, ROLE_ADMIN, 0);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM subscriber WHERE status ="
                                          " 'pending' AND consent_how = 'import'"),
                     4);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM subscriber WHERE name IN"
                                          " ('রহিম', 'করিম', 'Zoë', 'René')"),
                     4);
}

static void test_import_status_rules(void **state)
{
    struct fx *fx = *state;
    static const char first[] = "email,name,lang,status\n"
                                "a@example.org,A,en,active\n"
                                "A@EXAMPLE.org,A again,en,\n"
                                "u@example.org,U,en,unsubscribed\n"
                                "p@example.org,P,en,pending\n";
    static const char second[] = "email,name,lang,status\n"
                                 "u@example.org,U,en,active\n"
                                 "p@example.org,P,en,active\n"
                                 "n@example.org,N,bn,\n";
    static const char third[] = "email,name,lang,status\n"
                                "P@example.org,P,en,pending\n"
                                "a@example.org,A,en,unsubscribed\n";
    char *p, *out;
    int rc;

    db_close(fx->admin);
    p = file_of("first.csv", first, sizeof first - 1);
    out = tu_mabdesk(fx->path, "import", "subscribers", p, NULL);
    assert_non_null(strstr(out, "3 added, 0 updated, 0 unchanged, 1 repeated"));
    free(out);
    free(p);
    p = file_of("second.csv", second, sizeof second - 1);
    out = tu_mabdesk(fx->path, "import", "subscribers", p, "--consent-note",
                     "the 2023 paper list, signed", "--dry-run", NULL);
    assert_non_null(strstr(out, "1 added, 1 updated, 1 unchanged"));
    free(out);
    out = tu_mabdesk(fx->path, "import", "subscribers", p, "--consent-note",
                     "the 2023 paper list, signed", NULL);
    free(out);
    free(p);
    p = file_of("third.csv", third, sizeof third - 1);
    out = tu_mabdesk(fx->path, "import", "subscribers", p, NULL);
    assert_non_null(strstr(out, "0 added, 1 updated, 1 unchanged"));
    free(out);
    free(p);
    p = file_of("bad.csv", "email,lang\nnot-an-address,en\n", 30);
    rc = tu_mabdesk_status(fx->path, &out, NULL, "import", "subscribers", p, NULL);
    assert_int_equal(rc, 65);
    free(out);
    free(p);
    fx->admin = tu_db_open(fx->path, ROLE_ADMIN, 0);
    /* Without a consent note active came in pending; unsubscribed kept. */
    assert_int_equal(tu_db_int(fx->admin, "SELECT status = 'unsubscribed' FROM subscriber"
                                          " WHERE email = 'a@example.org'"),
                     1);
    assert_int_equal(tu_db_int(fx->admin, "SELECT status = 'unsubscribed' FROM subscriber"
                                          " WHERE email = 'u@example.org'"),
                     1);
    assert_int_equal(tu_db_int(fx->admin, "SELECT status = 'active' AND status_reason ="
                                          " 'the 2023 paper list, signed' FROM subscriber"
                                          " WHERE email = 'p@example.org'"),
                     1);
    assert_int_equal(tu_db_int(fx->admin, "SELECT status = 'active' FROM subscriber"
                                          " WHERE email = 'n@example.org'"),
                     1);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM subscriber"), 4);
}

static void test_round_trip_10000(void **state)
{
    struct fx *fx = *state;
    struct buf b = {0};
    char *p, *csv, *out, *again;

    buf_adds(&b, "email,name,lang,status\n");
    for (int i = 0; i < 10000; i++)
        buf_printf(&b, "person%05d@Example.org,সদস্য %d,%s,%s\n", i, i, i % 2 ? "bn" : "en",
                   i % 3 == 0 ? "unsubscribed" : "pending");
    db_close(fx->admin);
    p = file_of("big.csv", b.data, b.len);
    out = tu_mabdesk(fx->path, "import", "subscribers", p, NULL);
    assert_non_null(strstr(out, "10000 added"));
    free(out);
    free(p);
    csv = tu_mabdesk(fx->path, "export", "subscribers", NULL);
    assert_null(strstr(csv, "token"));
    p = file_of("export.csv", csv, strlen(csv));
    out = tu_mabdesk(fx->path, "import", "subscribers", p, NULL);
    assert_non_null(strstr(out, "0 added, 0 updated, 10000 unchanged"));
    free(out);
    free(p);
    again = tu_mabdesk(fx->path, "export", "subscribers", NULL);
    assert_string_equal(again, csv);
    free(again);
    free(csv);
    out = tu_mabdesk(fx->path, "export", "subscribers", "--status", "unsubscribed", "--lang", "bn",
                     NULL);
    {
        int lines = 0;

        for (const char *s = out; *s != '\0'; s++)
            lines += *s == '\n';
        assert_int_equal(lines, 1 + 1667);
    }
    free(out);
    buf_free(&b);
    fx->admin = tu_db_open(fx->path, ROLE_ADMIN, 0);
}

/* A file longer than the part an import holds at once (4,096 rows): a
 * key repeated across parts is still counted and skipped, and a bad row
 * at the very end undoes the parts written before it. */
static void test_import_in_parts(void **state)
{
    struct fx *fx = *state;
    struct buf b = {0};
    char *p, *out, *errs;

    buf_adds(&b, "email,name,lang\n");
    for (int i = 0; i < 9000; i++)
        buf_printf(&b, "part%05d@example.org,P %d,en\n", i, i);
    buf_adds(&b, "PART00010@Example.org,again,en\n");
    db_close(fx->admin);
    p = file_of("parts.csv", b.data, b.len);
    out = tu_mabdesk(fx->path, "import", "subscribers", p, NULL);
    assert_non_null(strstr(out, "9000 added, 0 updated, 0 unchanged, 1 repeated"));
    free(out);
    /* Again: every row names a record it has, and the repeat is still one. */
    out = tu_mabdesk(fx->path, "import", "subscribers", p, NULL);
    assert_non_null(strstr(out, "0 added, 0 updated, 9000 unchanged, 1 repeated"));
    free(out);
    free(p);
    buf_free(&b);

    buf_adds(&b, "email,name,lang\n");
    for (int i = 0; i < 9000; i++)
        buf_printf(&b, "later%05d@example.org,L %d,en\n", i, i);
    buf_adds(&b, "not an address,L,en\n");
    p = file_of("bad-end.csv", b.data, b.len);
    assert_int_equal(tu_mabdesk_status(fx->path, &out, &errs, "import", "subscribers", p, NULL),
                     65);
    assert_non_null(strstr(errs, "bad-end.csv:9002: email:"));
    assert_non_null(strstr(errs, "nothing was imported"));
    free(out);
    free(errs);
    free(p);
    buf_free(&b);
    fx->admin = tu_db_open(fx->path, ROLE_ADMIN, 0);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM subscriber"), 9000);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM audit"
                                          " WHERE record_kind = 'subscriber'"),
                     9000);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM subscriber_fts"
                                          " WHERE subscriber_fts MATCH 'later00001'"),
                     0);
}

/* A search with more matches than DB_SEARCH_SORT_MAX lists them in the
 * order added (and says so); fewer come in the list's sort. */
static void test_search_many_unsorted(void **state)
{
    struct fx *fx = *state;
    struct record_query q = {0};
    struct record_row *rows = NULL;
    struct buf b = {0};
    char *p, *out;
    int n = 0, count = 0;

    /* Added from z down to a: the order added is the reverse of email's. */
    buf_adds(&b, "email,name,lang\n");
    for (int i = DB_SEARCH_SORT_MAX + 500; i > 0; i--)
        buf_printf(&b, "zeta%05d@example.org,Reader,en\n", i);
    db_close(fx->admin);
    p = file_of("many.csv", b.data, b.len);
    out = tu_mabdesk(fx->path, "import", "subscribers", p, NULL);
    free(out);
    free(p);
    buf_free(&b);
    fx->admin = tu_db_open(fx->path, ROLE_ADMIN, 0);

    q.search = "zeta";
    assert_int_equal(db_record_search_sorted(fx->admin, &kind_subscriber, &q), 0);
    assert_int_equal(db_record_count(fx->admin, &kind_subscriber, &q, &count, NULL), DB_OK);
    assert_int_equal(count, DB_SEARCH_SORT_MAX + 500);
    assert_int_equal(db_record_page(fx->admin, &kind_subscriber, &q, 10, 3, &rows, &n, NULL),
                     DB_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].v[SL_EMAIL], "zeta05490@example.org");
    assert_string_equal(rows[2].v[SL_EMAIL], "zeta05488@example.org");
    record_rows_free(&kind_subscriber, rows, n);
    /* A filter still holds: none of them is active. */
    q.filter[SUB_FILTER_STATUS] = 2;
    assert_int_equal(db_record_page(fx->admin, &kind_subscriber, &q, 0, 3, &rows, &n, NULL), DB_OK);
    assert_int_equal(n, 0);
    record_rows_free(&kind_subscriber, rows, n);
    q.filter[SUB_FILTER_STATUS] = 0;
    /* Fewer matches: sorted by email again. */
    q.search = "zeta0001";
    assert_int_equal(db_record_search_sorted(fx->admin, &kind_subscriber, &q), 1);
    assert_int_equal(db_record_page(fx->admin, &kind_subscriber, &q, 0, 3, &rows, &n, NULL), DB_OK);
    assert_int_equal(n, 3); /* zeta00010 .. zeta00019, added 19 first */
    assert_string_equal(rows[0].v[SL_EMAIL], "zeta00010@example.org");
    assert_string_equal(rows[2].v[SL_EMAIL], "zeta00012@example.org");
    record_rows_free(&kind_subscriber, rows, n);
    q.search = "zeta00012";
    assert_int_equal(db_record_search_sorted(fx->admin, &kind_subscriber, &q), 1);
    assert_int_equal(db_record_page(fx->admin, &kind_subscriber, &q, 0, 1, &rows, &n, NULL), DB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].v[SL_EMAIL], "zeta00012@example.org");
    record_rows_free(&kind_subscriber, rows, n);
    /* A caller that has asked already says so (q.many), and the page
     * follows it: the list's order and its note cannot disagree. */
    q.search = "zeta0001";
    q.many = 1;
    assert_int_equal(db_record_page(fx->admin, &kind_subscriber, &q, 0, 1, &rows, &n, NULL), DB_OK);
    assert_string_equal(rows[0].v[SL_EMAIL], "zeta00019@example.org");
    record_rows_free(&kind_subscriber, rows, n);
    q.search = "zeta";
    q.many = -1;
    assert_int_equal(db_record_page(fx->admin, &kind_subscriber, &q, 0, 1, &rows, &n, NULL), DB_OK);
    assert_string_equal(rows[0].v[SL_EMAIL], "zeta00001@example.org");
    record_rows_free(&kind_subscriber, rows, n);
}

static void test_cli_tokens(void **state)
{
    struct fx *fx = *state;
    struct record r;
    char *tok, *out, *err;

    sub(&r, "t@example.org", "pending", "");
    assert_int_equal(save(fx->admin, &r, NULL), DB_OK);
    tok = token_of(fx->admin, "confirm_token", r.id);
    record_free(&r);
    db_close(fx->admin);
    out = tu_mabdesk(fx->path, "subscribers", "confirm", tok, NULL);
    assert_non_null(strstr(out, "confirmed"));
    free(out);
    assert_int_equal(tu_mabdesk_status(fx->path, &out, &err, "subscribers", "confirm",
                                       "ffffffffffffffffffffffffffffffff", NULL),
                     65);
    assert_non_null(strstr(err, "unknown token"));
    free(out);
    free(err);
    free(tok);
    fx->admin = tu_db_open(fx->path, ROLE_ADMIN, 0);
}

/* Who reads what, decided in db/ whatever the screen asks: a municipal
 * user its own body's subscribers (even asking for none or another body),
 * a viewer and a kiosk none; staff every one. */
static void test_read_scope(void **state)
{
    struct fx *fx = *state;
    struct record a, b, got;
    struct record_query q = {0};
    struct record_row *rows = NULL;
    struct db *db;
    int bad, n = -1;

    sub(&a, "a@example.org", "pending", "");
    record_set(&a, SF_MUNICIPALITY, "1");
    sub(&b, "b@example.org", "pending", "");
    record_set(&b, SF_MUNICIPALITY, "2");
    assert_int_equal(save(fx->admin, &a, &bad), DB_OK);
    assert_int_equal(save(fx->admin, &b, &bad), DB_OK);
    assert_int_equal(db_record_count(fx->admin, &kind_subscriber, &q, &n, NULL), DB_OK);
    assert_int_equal(n, 2);

    db = tu_db_open(fx->path, ROLE_MUNICIPAL, 1);
    assert_int_equal(db_record_count(db, &kind_subscriber, &q, &n, NULL), DB_OK);
    assert_int_equal(n, 1);
    q.filter[SUB_FILTER_MUNICIPALITY] = 2;
    assert_int_equal(db_record_count(db, &kind_subscriber, &q, &n, NULL), DB_OK);
    assert_int_equal(n, 1); /* still its own */
    assert_int_equal(db_record_page(db, &kind_subscriber, &q, 0, 10, &rows, &n, NULL), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, a.id);
    record_rows_free(&kind_subscriber, rows, n);
    record_init(&got, &kind_subscriber);
    assert_int_equal(db_record_get(db, &kind_subscriber, a.id, &got, NULL), DB_OK);
    assert_int_equal(db_record_get(db, &kind_subscriber, b.id, &got, NULL), DB_DENIED);
    assert_string_equal(got.f[SF_EMAIL], "a@example.org"); /* untouched */
    db_close(db);

    q.filter[SUB_FILTER_MUNICIPALITY] = 0;
    for (int role = 0; role < 2; role++) {
        db = tu_db_open(fx->path, role == 0 ? ROLE_VIEWER : ROLE_KIOSK, 0);
        assert_int_equal(db_record_count(db, &kind_subscriber, &q, &n, NULL), DB_DENIED);
        assert_int_equal(db_record_page(db, &kind_subscriber, &q, 0, 10, &rows, &n, NULL),
                         DB_DENIED);
        assert_int_equal(db_record_get(db, &kind_subscriber, a.id, &got, NULL), DB_DENIED);
        db_close(db);
    }
    record_free(&got);
    record_free(&a);
    record_free(&b);
}

/* The first n bytes of the file at path and its size (-1: none). */
static long head_of(const char *path, unsigned char *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    long size;

    if (f == NULL)
        return -1;
    memset(buf, 0, n);
    if (fread(buf, 1, n, f) == 0 && ferror(f))
        size = -1;
    else if (fseek(f, 0, SEEK_END) != 0)
        size = -1;
    else
        size = ftell(f);
    fclose(f);
    return size;
}

/* export --encoding/--bom: UTF-16 with its mark reads back as it was
 * written; a Bengali name cannot be written in Windows-1252, which stops
 * the export with the line and writes nothing; --bom needs Unicode. */
static void test_export_encodings(void **state)
{
    struct fx *fx = *state;
    struct record r;
    unsigned char head[4];
    char *dir = tu_db_path(), *u16, *cp, *out, *err, *before, *after;

    sub(&r, "bn@example.org", "pending", "");
    record_set(&r, SF_NAME, "রহিম উদ্দিন");
    assert_int_equal(save(fx->admin, &r, NULL), DB_OK);
    record_free(&r);
    db_close(fx->admin);
    u16 = xasprintf("%s.u16.csv", dir);
    cp = xasprintf("%s.1252.csv", dir);
    before = tu_mabdesk(fx->path, "export", "subscribers", NULL);
    assert_int_equal(tu_mabdesk_status(fx->path, &out, &err, "export", "subscribers", "--encoding",
                                       "utf-16le", "--bom", "-o", u16, NULL),
                     0);
    free(out);
    free(err);
    assert_true(head_of(u16, head, sizeof head) > (long)strlen(before));
    assert_memory_equal(head, "\xff\xfei\0", 4);
    out = tu_mabdesk(fx->path, "import", "subscribers", u16, NULL);
    assert_non_null(strstr(out, "0 added, 0 updated, 1 unchanged"));
    free(out);
    after = tu_mabdesk(fx->path, "export", "subscribers", NULL);
    assert_string_equal(before, after);

    assert_int_equal(tu_mabdesk_status(fx->path, &out, &err, "export", "subscribers", "--encoding",
                                       "windows-1252", "-o", cp, NULL),
                     65);
    assert_non_null(strstr(err, ":2: a character here cannot be written in windows-1252"));
    assert_true(head_of(cp, head, sizeof head) <= 0);
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(fx->path, &out, &err, "export", "subscribers", "--encoding",
                                       "windows-1252", "--bom", NULL),
                     65);
    assert_non_null(strstr(err, "--bom needs a Unicode encoding"));
    assert_string_equal(out, "");
    free(out);
    free(err);
    free(before);
    free(after);
    free(u16);
    free(cp);
    free(dir);
    fx->admin = tu_db_open(fx->path, ROLE_ADMIN, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rules_and_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_single_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_encodings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_status_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_10000, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_in_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_many_unsorted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_encodings, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
