/*
 * test_event.c: events as a kind of record (src/kinds/event.c) on a real
 * database: times typed in the configured zone are stored in UTC and
 * read back as typed; a new event gets a UID that edits keep; the checks
 * (a title, start and end of one sort and in order, dates that exist, a
 * recurrence that can happen); the recurrence's defaults; cancelled and
 * moved occurrences kept through other edits and dropped with a new
 * start; the search index; and who may change which events -- the
 * association's events are staff's, a municipal user's are its own
 * body's, a kiosk only reads.
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
#include "util.h"

struct fx {
    char *path;
    struct db *admin;
    long long amtali, barguna;
};

static int setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);

    unsetenv("MABDESK_TZ"); /* Asia/Dhaka */
    fx->path = tu_db_path();
    fx->admin = tu_db_open(fx->path, ROLE_ADMIN, 0);
    fx->amtali = tu_db_int(fx->admin, "SELECT id FROM municipality WHERE name_en = 'Amtali'");
    fx->barguna = tu_db_int(fx->admin, "SELECT id FROM municipality WHERE name_en = 'Barguna'");
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

static void event(struct record *r, const char *title, long long organiser, const char *start,
                  const char *end)
{
    char id[32];

    record_init(r, &kind_event);
    record_set(r, EF_TITLE_EN, title);
    record_set(r, EF_CATEGORY, "workshop");
    snprintf(id, sizeof id, "%lld", organiser);
    record_set(r, EF_MUNICIPALITY, organiser != 0 ? id : "");
    record_set(r, EF_START, start);
    record_set(r, EF_END, end);
}

static int save(struct db *db, struct record *r, int *bad, char **msg)
{
    char *err = NULL;
    int rc = db_record_save(db, r, NULL, bad, &err);

    if (msg != NULL)
        *msg = err;
    else
        free(err);
    return rc;
}

static void test_times_stored_utc(void **state)
{
    struct fx *fx = *state;
    struct record r, back;
    char *s, *uid, *err = NULL;

    event(&r, "Budget workshop", 0, "2026-12-01 10:30", "2026-12-01 13:00");
    record_set(&r, EF_TITLE_BN, "বাজেট কর্মশালা");
    assert_int_equal(save(fx->admin, &r, NULL, NULL), DB_OK);
    s = tu_db_text(fx->admin, "SELECT start_at || ' ' || end_at || ' ' || all_day FROM event");
    assert_string_equal(s, "2026-12-01T04:30:00Z 2026-12-01T07:00:00Z 0");
    free(s);
    /* Read back as typed, with a UID and the defaults filled. */
    assert_string_equal(r.f[EF_START], "2026-12-01 10:30");
    assert_string_equal(r.f[EF_REPEAT], "none");
    assert_string_equal(r.f[EF_ALL_DAY], "0");
    assert_int_equal(strlen(r.x[EX_UID]), 32 + strlen("@mabdesk"));
    assert_non_null(strstr(r.x[EX_UID], "@mabdesk"));
    uid = xstrdup(r.x[EX_UID]);
    /* An edit keeps the UID; the audit log has the UTC times. */
    record_set(&r, EF_START, "2026-12-02");
    record_set(&r, EF_END, "2026-12-03");
    assert_int_equal(save(fx->admin, &r, NULL, NULL), DB_OK);
    record_init(&back, &kind_event);
    assert_int_equal(db_record_get(fx->admin, &kind_event, r.id, &back, &err), DB_OK);
    assert_string_equal(back.x[EX_UID], uid);
    assert_string_equal(back.f[EF_START], "2026-12-02");
    assert_string_equal(back.f[EF_ALL_DAY], "1");
    s = tu_db_text(fx->admin, "SELECT json_extract(before, '$.start') || ' ' ||"
                              " json_extract(after, '$.start') FROM audit"
                              " WHERE record_kind = 'event' AND action = 'update'");
    assert_string_equal(s, "2026-12-01T04:30:00Z 2026-12-02");
    free(s);
    /* Another zone reads the same moment in its own time. */
    record_set(&back, EF_START, "2026-12-02 09:00");
    record_set(&back, EF_END, "2026-12-02 10:00");
    assert_int_equal(save(fx->admin, &back, NULL, NULL), DB_OK);
    setenv("MABDESK_TZ", "Europe/London", 1);
    assert_int_equal(db_record_get(fx->admin, &kind_event, r.id, &back, &err), DB_OK);
    assert_string_equal(back.f[EF_START], "2026-12-02 03:00");
    unsetenv("MABDESK_TZ");
    free(uid);
    record_free(&back);
    record_free(&r);
}

static void expect_bad(struct db *db, struct record *r, int field, const char *words)
{
    char *err = NULL;
    int bad = -1;

    assert_int_equal(save(db, r, &bad, &err), DB_INVALID);
    assert_int_equal(bad, field);
    if (strstr(err, words) == NULL)
        fail_msg("'%s' does not say '%s'", err, words);
    free(err);
}

static void test_checks(void **state)
{
    struct fx *fx = *state;
    struct record r;

    event(&r, "", 0, "2026-12-01 10:00", "2026-12-01 11:00");
    expect_bad(fx->admin, &r, EF_TITLE_EN, "title");
    record_set(&r, EF_TITLE_BN, "প্রশিক্ষণ");
    record_set(&r, EF_END, "2026-12-01 09:59");
    expect_bad(fx->admin, &r, EF_END, "before the start");
    record_set(&r, EF_END, "2026-12-01");
    expect_bad(fx->admin, &r, EF_END, "needs one too");
    record_set(&r, EF_START, "2026-02-29 10:00");
    record_set(&r, EF_END, "2026-03-01 10:00");
    expect_bad(fx->admin, &r, EF_START, "exist");
    record_set(&r, EF_START, "2026-12-01 10:00");
    record_set(&r, EF_END, "2026-12-01 11:00");
    record_set(&r, EF_REPEAT, "weekly");
    record_set(&r, EF_WEEKDAYS, "MO,XX");
    expect_bad(fx->admin, &r, EF_WEEKDAYS, "two letters");
    record_set(&r, EF_WEEKDAYS, "tu, th");
    record_set(&r, EF_UNTIL, "2026-11-30");
    expect_bad(fx->admin, &r, EF_UNTIL, "before the start");
    record_set(&r, EF_UNTIL, "2026-12-31");
    record_set(&r, EF_TIMES, "3");
    expect_bad(fx->admin, &r, EF_TIMES, "not both");
    record_set(&r, EF_TIMES, "");
    assert_int_equal(save(fx->admin, &r, NULL, NULL), DB_OK);
    assert_string_equal(r.f[EF_WEEKDAYS], "TU,TH");
    assert_string_equal(r.f[EF_INTERVAL], "1");
    /* No longer repeating: the repetition's fields go. */
    record_set(&r, EF_REPEAT, "none");
    assert_int_equal(save(fx->admin, &r, NULL, NULL), DB_OK);
    assert_string_equal(r.f[EF_WEEKDAYS], "");
    assert_string_equal(r.f[EF_UNTIL], "");
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM event"), 1);
    record_free(&r);
}

/* Cancelled and moved occurrences are named by the start the rule gives
 * them: they stay through other changes, and go with a new start. */
static void test_exceptions_follow_the_rule(void **state)
{
    struct fx *fx = *state;
    struct record r;
    char *s, *sql;

    event(&r, "Weekly class", 0, "2026-12-01 10:00", "2026-12-01 11:00");
    record_set(&r, EF_REPEAT, "weekly");
    assert_int_equal(save(fx->admin, &r, NULL, NULL), DB_OK);
    sql = xasprintf("INSERT INTO event_exception(event_id, original_start, cancelled)"
                    " VALUES (%lld, '2026-12-08T04:00:00Z', 1)",
                    r.id);
    assert_int_equal(tu_db_int(fx->admin, sql), -1); /* no row: it only inserts */
    free(sql);
    assert_int_equal(db_record_get(fx->admin, &kind_event, r.id, &r, NULL), DB_OK);
    assert_string_equal(r.x[EX_EXCEPTIONS], "2026-12-08T04:00:00Z|1||");
    record_set(&r, EF_LOCATION, "Room 2");
    record_set(&r, EF_TIMES, "10");
    assert_int_equal(save(fx->admin, &r, NULL, NULL), DB_OK);
    assert_string_equal(r.x[EX_EXCEPTIONS], "2026-12-08T04:00:00Z|1||");
    record_set(&r, EF_START, "2026-12-01 11:00");
    record_set(&r, EF_END, "2026-12-01 12:00");
    assert_int_equal(save(fx->admin, &r, NULL, NULL), DB_OK);
    assert_string_equal(r.x[EX_EXCEPTIONS], "");
    /* The audit log saw them go. */
    s = tu_db_text(fx->admin, "SELECT json_extract(before, '$.exceptions') || '>' ||"
                              " coalesce(json_extract(after, '$.exceptions'), '')"
                              " FROM audit WHERE record_kind = 'event' ORDER BY id DESC LIMIT 1");
    assert_string_equal(s, "2026-12-08T04:00:00Z|1||>");
    free(s);
    record_free(&r);
}

static void test_search(void **state)
{
    struct fx *fx = *state;
    struct record r;
    struct record_query q = {0};
    char *err = NULL;
    int n = 0;

    event(&r, "Waste management training", fx->amtali, "2026-12-05", "2026-12-05");
    record_set(&r, EF_TITLE_BN, "বর্জ্য ব্যবস্থাপনা প্রশিক্ষণ");
    record_set(&r, EF_LOCATION, "Amtali town hall");
    assert_int_equal(save(fx->admin, &r, NULL, NULL), DB_OK);
    q.search = "বর্জ্য";
    assert_int_equal(db_record_count(fx->admin, &kind_event, &q, &n, &err), DB_OK);
    assert_int_equal(n, 1);
    q.search = "town hal";
    assert_int_equal(db_record_count(fx->admin, &kind_event, &q, &n, &err), DB_OK);
    assert_int_equal(n, 1);
    q.search = "budget";
    assert_int_equal(db_record_count(fx->admin, &kind_event, &q, &n, &err), DB_OK);
    assert_int_equal(n, 0);
    q.search = NULL;
    q.filter[EVENT_FILTER_MUNICIPALITY] = fx->barguna;
    assert_int_equal(db_record_count(fx->admin, &kind_event, &q, &n, &err), DB_OK);
    assert_int_equal(n, 0);
    q.filter[EVENT_FILTER_MUNICIPALITY] = fx->amtali;
    q.filter[EVENT_FILTER_CATEGORY] = 2; /* workshop */
    assert_int_equal(db_record_count(fx->admin, &kind_event, &q, &n, &err), DB_OK);
    assert_int_equal(n, 1);
    record_free(&r);
}

static void test_who_may_change(void **state)
{
    struct fx *fx = *state;
    struct db *muni = tu_db_open(fx->path, ROLE_MUNICIPAL, fx->amtali);
    struct db *kiosk = tu_db_open(fx->path, ROLE_KIOSK, 0);
    struct record assoc, mine, theirs, seen;
    char *err = NULL;

    event(&assoc, "Annual conference", 0, "2027-01-20 09:00", "2027-01-20 17:00");
    event(&theirs, "Barguna meeting", fx->barguna, "2027-01-21 09:00", "2027-01-21 10:00");
    event(&mine, "Amtali meeting", fx->amtali, "2027-01-22 09:00", "2027-01-22 10:00");
    /* Not the association's, not another body's. */
    assert_int_equal(save(muni, &assoc, NULL, NULL), DB_DENIED);
    assert_int_equal(save(muni, &theirs, NULL, NULL), DB_DENIED);
    assert_int_equal(save(fx->admin, &assoc, NULL, NULL), DB_OK);
    assert_int_equal(save(fx->admin, &theirs, NULL, NULL), DB_OK);
    record_set(&theirs, EF_LOCATION, "elsewhere");
    assert_int_equal(save(muni, &theirs, NULL, NULL), DB_DENIED);
    /* Its own, and not given away to another body either. */
    assert_int_equal(save(muni, &mine, NULL, NULL), DB_OK);
    record_set(&mine, EF_LOCATION, "Amtali");
    assert_int_equal(save(muni, &mine, NULL, NULL), DB_OK);
    record_set(&mine, EF_MUNICIPALITY, "");
    assert_int_equal(save(muni, &mine, NULL, NULL), DB_DENIED);
    assert_int_equal(db_record_delete(muni, &kind_event, theirs.id, theirs.version, &err),
                     DB_DENIED);
    free(err);
    err = NULL;
    /* The kiosk reads every event and changes none. */
    record_init(&seen, &kind_event);
    assert_int_equal(db_record_get(kiosk, &kind_event, assoc.id, &seen, &err), DB_OK);
    assert_string_equal(seen.f[EF_TITLE_EN], "Annual conference");
    record_set(&seen, EF_LOCATION, "kiosk");
    assert_int_equal(save(kiosk, &seen, NULL, NULL), DB_DENIED);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM event"), 3);
    /* Three added, one changed: one audit row each, the refusals none. */
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM audit WHERE record_kind = 'event'"),
                     4);
    record_free(&seen);
    record_free(&assoc);
    record_free(&mine);
    record_free(&theirs);
    db_close(kiosk);
    db_close(muni);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_times_stored_utc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exceptions_follow_the_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_who_may_change, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
