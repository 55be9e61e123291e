/*
 * test_mailcmd.c: "mabdesk subscribers send-confirmations" and "mabdesk
 * digest" through the real binary, on a real database file and a real
 * maildir: who is mailed (pending once per token, active only, expired
 * tokens skipped), each in their language, the confirmation link that
 * really confirms, what the digest lists for whom; every written message
 * parsed by Debian's /usr/bin/python3 with the standard email package
 * (tests/unit/check_mail.py); --sendmail with a script of the test's own
 * that saves its standard input, and one that fails (nothing marked);
 * the usage and configuration errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixtures.h"
#include "testutil.h"

#include "db/db.h"
#include "db/subscriber.h"
#include "i18n.h"
#include "evtime.h"
#include "util.h"

#define FROM "digest@mab.org.bd"
/* রহিম উদ্দিন */
#define RAHIM                                                                                      \
    "\xe0\xa6\xb0\xe0\xa6\xb9\xe0\xa6\xbf\xe0\xa6\xae \xe0\xa6\x89\xe0\xa6\xa6\xe0\xa7\x8d\xe0"    \
    "\xa6\xa6\xe0\xa6\xbf\xe0\xa6\xa8"
/* আমতলী পৌরসভা: Amtali's Bengali name in the seed data */
#define AMTALI_BN                                                                                  \
    "\xe0\xa6\x86\xe0\xa6\xae\xe0\xa6\xa4\xe0\xa6\xb2\xe0\xa7\x80 \xe0\xa6\xaa\xe0\xa7\x8c\xe0"    \
    "\xa6\xb0\xe0\xa6\xb8\xe0\xa6\xad\xe0\xa6\xbe"

struct fx {
    char *db, *conf, *maildir;
};

static int setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);

    fx->db = tu_db_path();
    fx->conf = xasprintf("%s/mail.conf", tu_tmpdir());
    fx->maildir = xasprintf("%s/Maildir-%s", tu_tmpdir(), strrchr(fx->db, '/') + 1);
    tu_write_file(fx->conf, "mail_from = Municipal Association of Bangladesh <" FROM ">\n"
                            "confirm_url = https://mab.org.bd/confirm?t={token}\n"
                            "unsubscribe_url = https://mab.org.bd/unsubscribe?t={token}\n"
                            "list_id = digest.mab.org.bd\n");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;

    free(fx->db);
    free(fx->conf);
    free(fx->maildir);
    free(fx);
    return 0;
}

/* A subscriber saved through db/ as staff would; its id. */
static long long add_sub(struct db *db, const char *email, const char *name, const char *lang,
                         const char *muni, const char *status)
{
    struct record r;
    long long id;
    char *err = NULL;
    int bad = -1;

    record_init(&r, &kind_subscriber);
    record_set(&r, SF_EMAIL, email);
    record_set(&r, SF_NAME, name);
    record_set(&r, SF_LANG, lang);
    record_set(&r, SF_MUNICIPALITY, muni);
    record_set(&r, SF_STATUS, status);
    if (strcmp(status, "active") == 0)
        record_set(&r, SF_REASON, "confirmed on paper at the 2026 workshop");
    if (db_record_save(db, &r, NULL, &bad, &err) != DB_OK)
        fail_msg("saving %s: %s (field %d)", email, err, bad);
    id = r.id;
    record_free(&r);
    return id;
}

/* How many files dir holds (0 when it does not exist). */
static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static char *run_ok(const struct fx *fx, const char *a, const char *b, const char *c, const char *d)
{
    return tu_mabdesk(fx->db, "--config", fx->conf, a, b, c, d, NULL);
}

/* /usr/bin/python3 tests/unit/check_mail.py over dir/new with the
 * expectations in text: its verdict must be "n messages ok". */
static void python_checks(const char *dir, const char *text, int n)
{
    const char *top = getenv("MABDESK_TOP");
    char *script = xasprintf("%s/tests/unit/check_mail.py", top != NULL ? top : ".");
    char *expect = xasprintf("%s/expect.tsv", tu_tmpdir()), *newdir = xasprintf("%s/new", dir);
    char *argv[] = {(char *)"/usr/bin/python3", script, newdir, expect, (char *)FROM, NULL};
    char *out = NULL, *err = NULL, *want = xasprintf("%d messages ok\n", n);
    int rc;

    assert_int_equal(tu_write_file(expect, text), 0);
    rc = tu_run(argv, NULL, &out, &err);
    if (rc != 0 || out == NULL || strcmp(out, want) != 0)
        fail_msg("check_mail.py: exit %d\n%s%s", rc, out ? out : "", err ? err : "");
    free(out);
    free(err);
    free(want);
    free(newdir);
    free(expect);
    free(script);
}

/* msgid translated into lang, its "%s" replaced by s (if not NULL). */
static char *in_lang(const char *lang, const char *msgid, const char *s)
{
    const char *t, *at;
    char *r;

    i18n_set_lang(lang);
    t = gettext(msgid);
    at = s != NULL ? strstr(t, "%s") : NULL;
    r = at != NULL ? xasprintf("%.*s%s%s", (int)(at - t), t, s, at + 2) : xstrdup(t);
    i18n_set_lang("en");
    return r;
}

/* The value of col for subscriber id (malloc'd). */
static char *col_of(struct db *db, const char *col, long long id)
{
    char *sql = xasprintf("SELECT %s FROM subscriber WHERE id = %lld", col, id);
    char *v = tu_db_text(db, sql);

    free(sql);
    assert_non_null(v);
    return v;
}

static void test_confirmations(void **state)
{
    struct fx *fx = *state;
    struct db *db = tu_db_open(fx->db, ROLE_ADMIN, 0);
    long long rahim = add_sub(db, "rahim@example.org", RAHIM, "bn", "", "pending");
    long long bob = add_sub(db, "bob@example.org", "Bob", "en", "Amtali", "pending");
    char *tmp = xasprintf("%s/tmp", fx->maildir), *newd = xasprintf("%s/new", fx->maildir);
    char *out, *err = NULL, *tok_r, *tok_b, *subj_bn, *subj_en, *hello_bn, *expect;
    char token[SUBSCRIBER_TOKEN_LEN + 1];
    enum sub_result res;

    add_sub(db, "active@example.org", "Ana", "en", "", "active");
    out = run_ok(fx, "subscribers", "send-confirmations", "--maildir", fx->maildir);
    assert_string_equal(out, "2 confirmation messages written (0 skipped)\n");
    free(out);
    /* Each message complete in new/, nothing left in tmp/. */
    assert_int_equal(files_in(tmp), 0);
    assert_int_equal(files_in(newd), 2);
    /* Each in its reader's language, with that reader's own link. */
    subj_bn = in_lang("bn", "Please confirm your subscription to the Municipality Digest", NULL);
    subj_en = in_lang("en", "Please confirm your subscription to the Municipality Digest", NULL);
    assert_string_not_equal(subj_bn, subj_en); /* the Bengali catalogue is in use */
    hello_bn = in_lang("bn", "Hello %s,", RAHIM);
    tok_r = col_of(db, "confirm_token", rahim);
    tok_b = col_of(db, "confirm_token", bob);
    expect = xasprintf("rahim@example.org\t" RAHIM "\t%s\t%s\thttps://mab.org.bd/confirm?t=%s\n"
                       "bob@example.org\tBob\t%s\tHello Bob,\thttps://mab.org.bd/confirm?t=%s\n",
                       subj_bn, hello_bn, tok_r, subj_en, tok_b);
    python_checks(fx->maildir, expect, 2);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM subscriber WHERE confirm_mailed_at IS NOT"
                                   " NULL AND status = 'pending'"),
                     2);
    /* Once per token: nothing new the second time, Rahim's again after
     * his token was re-issued. */
    out = run_ok(fx, "subscribers", "send-confirmations", "--maildir", fx->maildir);
    assert_string_equal(out, "0 confirmation messages written (0 skipped)\n");
    free(out);
    assert_int_equal(db_subscriber_reissue(db, rahim, token, &err), DB_OK);
    out = run_ok(fx, "subscribers", "send-confirmations", "--maildir", fx->maildir);
    assert_string_equal(out, "1 confirmation messages written (0 skipped)\n");
    free(out);
    assert_int_equal(files_in(newd), 3);
    /* An expired token is skipped, not mailed; a dry run writes and marks
     * nothing. */
    add_sub(db, "late@example.org", "Late", "en", "", "pending");
    assert_true(tu_db_int(db,
                          "UPDATE subscriber SET token_issued_at = strftime('%Y-%m-%dT%H:%M:%SZ',"
                          " 'now', '-8 days') WHERE email = 'late@example.org' RETURNING id") > 0);
    add_sub(db, "dry@example.org", "Dry", "en", "", "pending");
    out = run_ok(fx, "subscribers", "send-confirmations", "--dry-run", NULL);
    assert_string_equal(out, "1 confirmation messages would be written (1 skipped); nothing was "
                             "sent (dry run)\n");
    free(out);
    assert_int_equal(files_in(newd), 3);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM subscriber WHERE email = 'dry@example.org'"
                                   " AND confirm_mailed_at IS NULL"),
                     1);
    /* The link mailed confirms the address. */
    assert_int_equal(db_subscriber_confirm(db, token, &res, &err), DB_OK);
    free(tok_r);
    tok_r = col_of(db, "status", rahim);
    assert_string_equal(tok_r, "active");
    db_close(db);
    free(tok_r);
    free(tok_b);
    free(subj_bn);
    free(subj_en);
    free(hello_bn);
    free(expect);
    free(tmp);
    free(newd);
}

/* "১৪": 14 in Bengali digits. */
#define BN_14 "\xe0\xa7\xa7\xe0\xa7\xaa"

/* An event of organiser (0: the association) days from today, 10:00 to
 * 12:00 in the configured zone. */
static void add_event(struct db *db, const char *title, long long organiser, int days,
                      const char *where)
{
    char today[EVTIME_LEN], day[EVTIME_LEN], start[EVTIME_LEN + 8], end[EVTIME_LEN + 8], id[32];
    struct record r;
    char *err = NULL;

    evtime_today(evtime_zone(), today);
    evtime_add_days(today, days, day);
    snprintf(start, sizeof start, "%.10s 10:00", day);
    snprintf(end, sizeof end, "%.10s 12:00", day);
    snprintf(id, sizeof id, "%lld", organiser);
    record_init(&r, &kind_event);
    record_set(&r, EF_TITLE_EN, title);
    record_set(&r, EF_CATEGORY, "training");
    record_set(&r, EF_MUNICIPALITY, organiser != 0 ? id : "");
    record_set(&r, EF_START, start);
    record_set(&r, EF_END, end);
    record_set(&r, EF_LOCATION, where);
    if (db_record_save(db, &r, NULL, NULL, &err) != DB_OK)
        fail_msg("event %s: %s", title, err != NULL ? err : "?");
    record_free(&r);
}

static void test_digest(void **state)
{
    struct fx *fx = *state;
    struct db *db = tu_db_open(fx->db, ROLE_ADMIN, 0);
    long long amtali = tu_db_int(db, "SELECT id FROM municipality WHERE name_en = 'Amtali'");
    long long gone = add_sub(db, "gone@example.org", "Gone", "en", "", "active");
    char *out, *err = NULL, *tok, *subj_bn, *upd_bn, *none_en, *expect;
    struct record r;
    enum sub_result res;

    add_sub(db, "all@example.org", RAHIM, "bn", "", "active");
    add_sub(db, "amtali@example.org", "Bob", "en", "Amtali", "active");
    add_sub(db, "kushtia@example.org", "Kim", "en", "Kushtia", "active");
    add_sub(db, "pending@example.org", "Pat", "en", "", "pending");
    add_sub(db, "bounced@example.org", "Ben", "en", "", "bounced");
    /* An internationalised address is a valid subscriber, but needs
     * SMTPUTF8 to be written into a header: skipped, said, not mangled. */
    add_sub(db,
            "idn@b\xc3\xbc"
            "cher.example",
            "Idn", "en", "", "active");
    tok = col_of(db, "unsubscribe_token", gone);
    assert_int_equal(db_subscriber_unsubscribe(db, tok, &res, &err), DB_OK);
    free(tok);
    /* Amtali changes: the directory's news. */
    record_init(&r, &kind_municipality);
    assert_int_equal(db_record_get(db, &kind_municipality, amtali, &r, &err), DB_OK);
    record_set(&r, MF_WARDS, "12");
    assert_int_equal(db_record_save(db, &r, NULL, NULL, &err), DB_OK);
    record_free(&r);
    /* The coming events: the association's and Amtali's; Kushtia's is
     * beyond the 14 days. */
    add_event(db, "Budget training", 0, 1, "MAB hall");
    add_event(db, "Amtali ward meeting", amtali, 3, "");
    add_event(db, "Kushtia fair",
              tu_db_int(db, "SELECT id FROM municipality"
                            " WHERE name_en = 'Kushtia'"),
              30, "");
    assert_int_equal(tu_mabdesk_status(fx->db, &out, &err, "--config", fx->conf, "digest",
                                       "--maildir", fx->maildir, NULL),
                     0);
    assert_string_equal(out, "3 digest messages written (1 skipped)\n");
    assert_non_null(strstr(err, "idn@b\xc3\xbc"
                                "cher.example"));
    free(out);
    free(err);
    subj_bn = in_lang("bn", "Municipality Digest: the last %s days", BN_14);
    upd_bn = in_lang("bn", "details updated", NULL);
    assert_string_not_equal(upd_bn, "details updated");
    none_en = in_lang("en", "No changes in the directory in the last %s days.", "14");
    expect = xasprintf("all@example.org\t" RAHIM "\t%s\t" AMTALI_BN ": %s\t"
                       "Budget training\tAmtali ward meeting\t!Kushtia fair\n"
                       "amtali@example.org\tBob\tMunicipality Digest: the last 14 days\t"
                       "Amtali: details updated\t10:00-12:00: Budget training (Municipal "
                       "Association of Bangladesh, MAB hall)\tAmtali ward meeting (Amtali\n"
                       "kushtia@example.org\tKim\tMunicipality Digest: the last 14 days\t%s\t"
                       "Budget training\t!Amtali ward meeting\t!Kushtia fair\n",
                       subj_bn, upd_bn, none_en);
    python_checks(fx->maildir, expect, 3);
    db_close(db);
    free(subj_bn);
    free(upd_bn);
    free(none_en);
    free(expect);
}

/* A "sendmail" of the test's own: saves its arguments and its standard
 * input beside itself, then exits with status. */
static char *fake_sendmail(const char *name, int status)
{
    char *path = xasprintf("%s/%s", tu_tmpdir(), name);
    char *text = xasprintf("#!/bin/sh\nprintf '%%s\\n' \"$*\" > \"$0.args\"\n"
                           "cat > \"$0.$$.msg\"\nexit %d\n",
                           status);

    assert_int_equal(tu_write_file(path, text), 0);
    assert_int_equal(chmod(path, 0755), 0);
    free(text);
    return path;
}

static void test_sendmail(void **state)
{
    struct fx *fx = *state;
    struct db *db = tu_db_open(fx->db, ROLE_ADMIN, 0);
    char *bad = fake_sendmail("failing-sendmail", 75), *good = fake_sendmail("sendmail", 0);
    char *out = NULL, *err = NULL, *args, *msgs, *msg = NULL;
    struct dirent *e;
    DIR *d;

    add_sub(db, "bob@example.org", "Bob", "en", "", "pending");
    /* A name written into the file by some other program, with a line
     * break: it must not become a header of its own (sendmail -t would
     * mail the Bcc). */
    assert_true(tu_db_int(db, "UPDATE subscriber SET name = 'Bob' || char(13, 10) ||"
                              " 'Bcc: victim@example.org' RETURNING id") > 0);
    /* A failing program: exit 69, the address named, nothing marked. */
    assert_int_equal(tu_mabdesk_status(fx->db, &out, &err, "--config", fx->conf, "subscribers",
                                       "send-confirmations", "--sendmail", bad, NULL),
                     69);
    assert_non_null(strstr(err, "bob@example.org"));
    assert_non_null(strstr(err, "75"));
    free(out);
    free(err);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM subscriber WHERE confirm_mailed_at IS"
                                   " NOT NULL"),
                     0);
    out = run_ok(fx, "subscribers", "send-confirmations", "--sendmail", good);
    assert_string_equal(out, "1 confirmation messages written (0 skipped)\n");
    free(out);
    args = xasprintf("%s.args", good);
    out = tu_read_file(args);
    assert_string_equal(out, "-oi -t\n");
    free(out);
    d = opendir(tu_tmpdir());
    assert_non_null(d);
    msgs = xasprintf("%s.", strrchr(good, '/') + 1);
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);

        if (strncmp(e->d_name, msgs, strlen(msgs)) == 0 && n > 4 &&
            strcmp(e->d_name + n - 4, ".msg") == 0) {
            char *p = xasprintf("%s/%s", tu_tmpdir(), e->d_name);

            assert_null(msg);
            msg = tu_read_file(p);
            free(p);
        }
    }
    closedir(d);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "\nTo: "));
    assert_non_null(strstr(msg, "<bob@example.org>\n"));
    assert_null(strchr(msg, '\r'));
    assert_null(strstr(msg, "\nBcc:"));
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM subscriber WHERE confirm_mailed_at IS"
                                   " NOT NULL"),
                     1);
    db_close(db);
    free(msg);
    free(msgs);
    free(args);
    free(bad);
    free(good);
}

static void test_usage_and_config(void **state)
{
    struct fx *fx = *state;
    char *bare = xasprintf("%s/bare.conf", tu_tmpdir()), *out = NULL, *err = NULL;

    (void)state;
    tu_create_db(fx->db);
    /* Where the messages go: exactly one of --maildir and --sendmail. */
    assert_int_equal(tu_mabdesk_status(fx->db, &out, &err, "--config", fx->conf, "digest", NULL),
                     64);
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(fx->db, &out, &err, "--config", fx->conf, "digest",
                                       "--maildir", fx->maildir, "--sendmail", "/bin/true", NULL),
                     64);
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(fx->db, &out, &err, "--config", fx->conf, "digest", "--days",
                                       "0", "--dry-run", NULL),
                     64);
    free(out);
    free(err);
    /* Unset settings: 78, naming the key, nothing written. */
    assert_int_equal(tu_write_file(bare, "language = en\n"), 0);
    assert_int_equal(tu_mabdesk_status(fx->db, &out, &err, "--config", bare, "subscribers",
                                       "send-confirmations", "--maildir", fx->maildir, NULL),
                     78);
    assert_non_null(strstr(err, "mail_from"));
    assert_false(tu_exists(fx->maildir));
    free(out);
    free(err);
    /* Mailing the list is staff work: a viewer is refused (77). */
    assert_int_equal(tu_mabdesk_status(fx->db, &out, &err, "--config", fx->conf, "--role", "viewer",
                                       "digest", "--dry-run", NULL),
                     77);
    free(out);
    free(err);
    free(bare);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_confirmations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_digest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sendmail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usage_and_config, setup, teardown),
    };

    i18n_init("en");
    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
