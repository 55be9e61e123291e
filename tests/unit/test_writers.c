/*
 * test_writers.c: 50 writer processes save the same three municipalities
 * over and over, each with the version it read, through the save the edit
 * screen uses (db_record_save(): WHERE id AND version, its audit row in the
 * same transaction).  Every save lands or is told of the conflict (or that
 * the database stayed busy); none is lost: each record's version grows by
 * exactly the saves that landed, the audit log holds one row for each of
 * them and none for the rest, and the record holds what the last one
 * wrote.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "testutil.h"

#include "db/db.h"
#include "db/records.h"
#include "kinds/kinds.h"
#include "util.h"

enum { WRITERS = 50, ROUNDS = 20, RECORDS = 3 };

static const long long ids[RECORDS] = {1, 2, 3};

/* What one writer tells the test, in one write() to a pipe (atomic: less
 * than PIPE_BUF). */
struct tally {
    int writer;
    unsigned int landed;   /* bit r: round r's save landed */
    unsigned int conflict; /* bit r: round r was told of a conflict */
    unsigned int busy;     /* bit r: round r was told the database was busy */
    int other;             /* anything else: the rounds it happened in */
};

/* The value writer w saves in round r: unique, so the audit log can be
 * asked about it. */
static char *value_of(int w, int r)
{
    return xasprintf("Mayor w%02d r%02d.", w, r);
}

/* Round r of writer w saves record (w + r) % RECORDS. */
static long long record_of(int w, int r)
{
    return ids[(w + r) % RECORDS];
}

/* Read, change one field, wait a moment (so others save between), save. */
static int save_once(struct db *db, int w, int r)
{
    struct record rec;
    char *v = value_of(w, r), *err = NULL;
    struct timespec pause = {0, (long)((w * 7 + r * 13) % 20) * 100000L};
    int bad = -1, rc;

    record_init(&rec, &kind_municipality);
    rc = db_record_get(db, &kind_municipality, record_of(w, r), &rec, &err);
    if (rc == DB_OK) {
        record_set(&rec, MF_MAYOR_EN, v);
        nanosleep(&pause, NULL);
        rc = db_record_save(db, &rec, NULL, &bad, &err);
    }
    if (rc != DB_OK && rc != DB_CONFLICT && rc != DB_BUSY)
        fprintf(stderr, "writer %d round %d: %s\n", w, r, err != NULL ? err : "?");
    free(err);
    record_free(&rec);
    free(v);
    return rc;
}

/* A writer process: waits at the gate, saves ROUNDS times, reports. */
static void writer(const char *path, int w, int gate, int report)
{
    struct session s = tu_session(ROLE_EDITOR, 0);
    struct tally t = {.writer = w};
    struct db *db = NULL;
    char *err = NULL, c;

    snprintf(s.user, sizeof s.user, "writer%02d", w);
    if (read(gate, &c, 1) != 0 || db_open(&db, path, &s, &err) != DB_OK)
        _exit(2);
    for (int r = 0; r < ROUNDS; r++) {
        int rc = save_once(db, w, r);

        if (rc == DB_OK)
            t.landed |= 1u << r;
        else if (rc == DB_CONFLICT)
            t.conflict |= 1u << r;
        else if (rc == DB_BUSY)
            t.busy |= 1u << r;
        else
            t.other |= 1 << r;
    }
    db_close(db);
    _exit(write(report, &t, sizeof t) == (ssize_t)sizeof t ? 0 : 3);
}

/* "sql = id" as an integer (sql ends with the column to compare). */
static long long sql_id(struct db *db, const char *sql, long long id)
{
    char *q = xasprintf("%s = %lld", sql, id);
    long long v = tu_db_int(db, q);

    free(q);
    return v;
}

#define VERSION_OF "SELECT version FROM municipality WHERE id"
#define AUDIT_ROWS "SELECT count(*) FROM audit WHERE record_kind = 'municipality' AND record_id"

static void test_fifty_writers_lose_nothing(void **state)
{
    const char *path = tu_test_db();
    long long version0[RECORDS], audit0[RECORDS], landed[RECORDS] = {0};
    struct tally tallies[WRITERS];
    int gate[2], report[2], conflicts = 0, busy = 0;
    struct db *db;
    char *check;
    pid_t pids[WRITERS];

    (void)state;
    db = tu_db_open(path, ROLE_ADMIN, 0);
    for (int i = 0; i < RECORDS; i++) {
        version0[i] = sql_id(db, VERSION_OF, ids[i]);
        audit0[i] = sql_id(db, AUDIT_ROWS, ids[i]);
        assert_true(version0[i] >= 1);
    }
    db_close(db);

    assert_int_equal(pipe(gate), 0);
    assert_int_equal(pipe(report), 0);
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            close(gate[1]);
            close(report[0]);
            writer(path, w, gate[0], report[1]);
        }
    }
    close(gate[0]);
    close(report[1]);
    close(gate[1]); /* all start at once */
    for (int w = 0; w < WRITERS; w++) {
        int st = 0;

        assert_int_equal(waitpid(pids[w], &st, 0), pids[w]);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
    }
    for (int w = 0; w < WRITERS; w++) {
        struct tally *t = &tallies[w];

        assert_int_equal(read(report[0], t, sizeof *t), (ssize_t)sizeof *t);
        assert_true(t->writer >= 0 && t->writer < WRITERS);
        /* Every round ended one way, and no other. */
        assert_int_equal(t->other, 0);
        assert_int_equal(t->landed | t->conflict | t->busy, (1u << ROUNDS) - 1);
        assert_int_equal(t->landed & (t->conflict | t->busy), 0);
        assert_int_equal(t->conflict & t->busy, 0);
        for (int r = 0; r < ROUNDS; r++) {
            landed[(t->writer + r) % RECORDS] += (t->landed >> r) & 1;
            conflicts += (t->conflict >> r) & 1;
            busy += (t->busy >> r) & 1;
        }
    }
    close(report[0]);
    print_message("saves: %lld + %lld + %lld landed, %d conflicts, %d busy, of %d\n", landed[0],
                  landed[1], landed[2], conflicts, busy, WRITERS * ROUNDS);
    /* Saves raced each other: some were refused. */
    assert_true(conflicts > 0);

    db = tu_db_open(path, ROLE_ADMIN, 0);
    check = tu_db_text(db, "PRAGMA integrity_check");
    assert_string_equal(check, "ok");
    free(check);
    for (int i = 0; i < RECORDS; i++) {
        char *last, *now, *a, *b;

        assert_true(landed[i] > 0);
        assert_int_equal(sql_id(db, VERSION_OF, ids[i]), version0[i] + landed[i]);
        assert_int_equal(sql_id(db, AUDIT_ROWS, ids[i]), audit0[i] + landed[i]);
        /* The record holds what the last save wrote. */
        last = xasprintf("SELECT json_extract(after, '$.mayor_en') FROM audit"
                         " WHERE record_kind = 'municipality' AND record_id = %lld"
                         " ORDER BY id DESC LIMIT 1",
                         ids[i]);
        now = xasprintf("SELECT mayor_en FROM municipality WHERE id = %lld", ids[i]);
        a = tu_db_text(db, last);
        b = tu_db_text(db, now);
        assert_non_null(a);
        assert_string_equal(a, b);
        free(a);
        free(b);
        free(last);
        free(now);
    }
    /* Each landed save is in the audit log once, by its writer; the others
     * not at all. */
    for (int w = 0; w < WRITERS; w++) {
        const struct tally *t = &tallies[w];

        for (int r = 0; r < ROUNDS; r++) {
            char *v = value_of(t->writer, r);
            char *sql = xasprintf("SELECT count(*) FROM audit WHERE record_id = %lld"
                                  " AND user = 'writer%02d' AND action = 'update'"
                                  " AND json_extract(after, '$.mayor_en') = '%s'",
                                  record_of(t->writer, r), t->writer, v);

            assert_int_equal(tu_db_int(db, sql), (t->landed >> r) & 1);
            free(sql);
            free(v);
        }
    }
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_fifty_writers_lose_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
