/*
 * test_impexp.c: the directory's find, CSV/vCard export and all-or-nothing
 * CSV import against a real database seeded with the real directory
 * (src/impexp.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "fmt/csv.h"
#include "i18n.h"
#include "csvimport.h"
#include "impexp.h"
#include "fixtures.h"
#include "testutil.h"
#include "util.h"

#define SEED_BODIES 342

struct fx {
    struct db *db;
    char *dir;
};

static int setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);
    char *path = tu_db_path();

    fx->db = tu_db_open(path, ROLE_ADMIN, 0);
    free(path);
    fx->dir = xstrdup(tu_tmpdir());
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;

    db_close(fx->db);
    free(fx->dir);
    free(fx);
    return 0;
}

static int total(struct db *db)
{
    struct record_query q = {0};
    int n = -1;

    assert_int_equal(db_record_count(db, &kind_municipality, &q, &n, NULL), DB_OK);
    return n;
}

/* Export to a file in the test directory; returns its path (malloc'd). */
static char *export_to(struct fx *fx, enum export_format fmt, const char *name)
{
    char *path = xasprintf("%s/%s", fx->dir, name), *err = NULL;
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(impexp_export(fx->db, &kind_municipality, fmt, f, &err), DB_OK);
    assert_null(err);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* Import path; the report (what would go to stderr) in *report. */
static int import(struct fx *fx, const char *path, int dry, int *count, char **report)
{
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    FILE *rep = open_memstream(&buf, &len);
    int rc;

    assert_non_null(rep);
    rc = csv_import(fx->db, &kind_municipality, path, "auto", dry, rep, count, &err);
    fclose(rep);
    free(err);
    if (report != NULL)
        *report = buf;
    else
        free(buf);
    return rc;
}

static char *write_tmp(struct fx *fx, const char *name, const char *content)
{
    char *path = xasprintf("%s/%s", fx->dir, name);

    assert_int_equal(tu_write_file(path, content), 0);
    return path;
}

/* The id of the first body the search finds. */
static long long find_id(struct db *db, const char *search)
{
    struct record_query q = {0};
    struct record_row *rows = NULL;
    long long id;
    int n = 0;

    q.search = search;
    assert_int_equal(db_record_page(db, &kind_municipality, &q, 0, 1, &rows, &n, NULL), DB_OK);
    assert_int_equal(n, 1);
    id = rows[0].id;
    record_rows_free(&kind_municipality, rows, n);
    return id;
}

/* Bogura's id, with its record as stored now in *before and *after made
 * ready for the test to read it again later. */
static long long bogura_before(struct fx *fx, struct record *before, struct record *after)
{
    long long id = find_id(fx->db, "Bogura");

    record_init(before, &kind_municipality);
    record_init(after, &kind_municipality);
    assert_int_equal(db_record_get(fx->db, &kind_municipality, id, before, NULL), DB_OK);
    return id;
}

static int count_lines(const char *s)
{
    int n = 0;

    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

/* 1 if report has a line starting with want. */
static int has_line(const char *report, const char *want)
{
    size_t n = strlen(want);

    for (const char *p = report; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (strncmp(p, want, n) == 0)
            return 1;
    return 0;
}

static void expect_line(const char *report, const char *want)
{
    if (!has_line(report, want))
        fail_msg("no line starting with '%s' in:\n%s", want, report);
}

/* expect_line() for a line "path:" followed by rest. */
static void expect_at(const char *report, const char *path, const char *rest)
{
    char *want = xasprintf("%s:%s", path, rest);

    expect_line(report, want);
    free(want);
}

static void test_export_csv_shape(void **state)
{
    struct fx *fx = *state;
    char *path = export_to(fx, EXPORT_CSV, "all.csv"), *err = NULL;
    struct csv_reader *r = NULL;
    char **f;
    size_t n;
    long line;
    int rows = 0;

    assert_int_equal(csv_reader_open(&r, path, "auto", &err), 0);
    assert_int_equal(csv_reader_next(r, &f, &n, &line, &err), 1);
    assert_int_equal(n, 2 + MF_COUNT + 5);
    assert_string_equal(f[0], "id");
    assert_string_equal(f[1], "version");
    for (int i = 0; i < MF_COUNT; i++)
        assert_string_equal(f[2 + i], kind_municipality.fields[i].key);
    assert_string_equal(f[2 + MF_COUNT], "district_bn");
    assert_string_equal(f[2 + MF_COUNT + 1], "division_en");
    assert_string_equal(f[2 + MF_COUNT + 2], "division_bn");
    assert_string_equal(f[2 + MF_COUNT + 3], "updated_at");
    assert_string_equal(f[2 + MF_COUNT + 4], "updated_by");
    while (csv_reader_next(r, &f, &n, &line, &err) == 1) {
        assert_int_equal(n, 2 + MF_COUNT + 5);
        assert_true(atoll(f[0]) > 0);
        assert_true(*f[2 + MF_NAME_EN] != '\0');
        assert_true(*f[2 + MF_NAME_BN] != '\0');
        rows++;
    }
    assert_null(err);
    assert_int_equal(rows, SEED_BODIES);
    csv_reader_free(r);
    free(path);
}

static void test_round_trip_changes_nothing(void **state)
{
    struct fx *fx = *state;
    char *path = export_to(fx, EXPORT_CSV, "rt.csv"), *again, *a, *b, *report = NULL;
    int count = -1;

    assert_int_equal(import(fx, path, 0, &count, &report), DB_OK);
    assert_string_equal(report, "");
    assert_int_equal(count, 0);
    assert_int_equal(total(fx->db), SEED_BODIES);
    /* Exporting again gives the very same file: no version or stamp moved. */
    again = export_to(fx, EXPORT_CSV, "rt2.csv");
    a = tu_read_file(path);
    b = tu_read_file(again);
    assert_string_equal(a, b);
    free(a);
    free(b);
    free(report);
    free(again);
    free(path);
}

static void test_edited_import_updates(void **state)
{
    struct fx *fx = *state;
    struct record before, after;
    long long id = bogura_before(fx, &before, &after);
    char *csv, *path, *report = NULL;
    int count = -1;

    /* Only some columns, values with stray spaces and a decomposed vowel
     * sign: cleaned on the way in; other fields keep their values. */
    csv = xasprintf("id,version,wards,mayor_en,mayor_bn\r\n%lld,%lld,  21 ,A. Rahman,"
                    "\xe0\xa6\x95\xe0\xa7\x87\xe0\xa6\xbe\r\n",
                    id, before.version);
    path = write_tmp(fx, "edit.csv", csv);
    assert_int_equal(import(fx, path, 0, &count, &report), DB_OK);
    assert_string_equal(report, "");
    assert_int_equal(count, 1);
    assert_int_equal(db_record_get(fx->db, &kind_municipality, id, &after, NULL), DB_OK);
    assert_string_equal(after.f[MF_WARDS], "21");
    assert_string_equal(after.f[MF_MAYOR_EN], "A. Rahman");
    assert_string_equal(after.f[MF_MAYOR_BN], "\xe0\xa6\x95\xe0\xa7\x8b");
    assert_string_equal(after.f[MF_NAME_EN], before.f[MF_NAME_EN]);
    assert_string_equal(after.f[MF_DISTRICT], before.f[MF_DISTRICT]);
    assert_true(after.version > before.version);
    assert_int_equal(total(fx->db), SEED_BODIES);

    /* The same file again: its version is stale now, but nothing would
     * change, so there is nothing to conflict with. */
    free(report);
    report = NULL;
    assert_int_equal(import(fx, path, 0, &count, &report), DB_OK);
    assert_int_equal(count, 0);
    free(report);
    free(path);
    free(csv);

    /* A stale version with a different value is refused, with its line. */
    csv = xasprintf("id,version,wards\n%lld,%lld,22\n", id, before.version);
    path = write_tmp(fx, "stale.csv", csv);
    report = NULL;
    assert_int_equal(import(fx, path, 0, &count, &report), DB_INVALID);
    expect_at(report, path, "2: ");
    record_free(&after);
    record_init(&after, &kind_municipality);
    assert_int_equal(db_record_get(fx->db, &kind_municipality, id, &after, NULL), DB_OK);
    assert_string_equal(after.f[MF_WARDS], "21");
    free(report);
    free(path);
    free(csv);
    record_free(&before);
    record_free(&after);
}

static void test_new_rows_added(void **state)
{
    struct fx *fx = *state;
    char *path, *report = NULL;
    int count = -1;

    path = write_tmp(fx, "new.csv",
                     "kind,name_en,name_bn,class,district,established\n"
                     "paurashava,Testpur,\xe0\xa6\x9f\xe0\xa7\x87\xe0\xa6\xb8\xe0\xa7\x8d\xe0\xa6"
                     "\x9f\xe0\xa6\xaa\xe0\xa7\x81\xe0\xa6\xb0,b,Bogura,1999\n"
                     "Paurashava,Otherpur,\xe0\xa6\x85,,Dhaka,\n");
    assert_int_equal(import(fx, path, 0, &count, &report), DB_OK);
    assert_string_equal(report, "");
    assert_int_equal(count, 2);
    assert_int_equal(total(fx->db), SEED_BODIES + 2);
    {
        long long id = find_id(fx->db, "Testpur");
        struct record m;

        record_init(&m, &kind_municipality);
        assert_int_equal(db_record_get(fx->db, &kind_municipality, id, &m, NULL), DB_OK);
        /* "b" and "Paurashava" are accepted as the stored "B"/"paurashava". */
        assert_string_equal(m.f[MF_CLASS], "B");
        assert_string_equal(m.f[MF_KIND], "paurashava");
        record_free(&m);
    }
    free(report);
    free(path);
}

static void test_bad_rows_all_reported(void **state)
{
    struct fx *fx = *state;
    struct record before, after;
    long long id = bogura_before(fx, &before, &after);
    char *csv, *path, *report = NULL;
    int count = -1;

    csv = xasprintf("id,name_en,class,established,email,district\n"
                    "%lld,Changed Name,A,,,\n"              /* 2: fine on its own */
                    ",New One,Z,1700,not-an-email,Bogura\n" /* 3: three problems */
                    "999999,Ghost,,,,\n"                    /* 4: no such id */
                    ",,,,,Nowhere\n"                        /* 5: names, district */
                    "%lld,x\n"                              /* 6: short row */
                    "%lld,Twice,,,,\n",                     /* 7: id again */
                    id, id, id);
    path = write_tmp(fx, "bad.csv", csv);
    assert_int_equal(import(fx, path, 0, &count, &report), DB_INVALID);
    assert_int_equal(count, 0);

    expect_at(report, path, "3: class: ");
    expect_at(report, path, "3: established: ");
    expect_at(report, path, "3: email: ");
    expect_at(report, path, "4: id: ");
    expect_at(report, path, "5: name_en: ");
    expect_at(report, path, "5: name_bn: ");
    expect_at(report, path, "6: ");
    expect_at(report, path, "7: id: ");
    /* Every line of the report is "FILE:LINE: ..." */
    for (const char *p = report; *p != '\0'; p = strchr(p, '\n') + 1)
        assert_int_equal(strncmp(p, path, strlen(path)), 0);
    assert_true(count_lines(report) >= 8);

    /* Nothing changed, not even the good row. */
    assert_int_equal(db_record_get(fx->db, &kind_municipality, id, &after, NULL), DB_OK);
    assert_string_equal(after.f[MF_NAME_EN], before.f[MF_NAME_EN]);
    assert_int_equal(after.version, before.version);
    assert_int_equal(total(fx->db), SEED_BODIES);
    free(report);
    free(path);
    free(csv);
    record_free(&before);
    record_free(&after);
}

static void test_db_checks_reported(void **state)
{
    struct fx *fx = *state;
    char *path, *report = NULL;
    int count = -1;

    /* Only the database knows the districts: its verdict gets FILE:LINE too,
     * along with the row's own problems. */
    path = write_tmp(fx, "district.csv",
                     "kind,name_en,name_bn,district,wards\n"
                     "paurashava,Fine,\xe0\xa6\x85,Bogura,3\n"
                     "paurashava,Lost,\xe0\xa6\x85,Atlantis,4\n"
                     "paurashava,Bad,\xe0\xa6\x85,Bogura,-1\n");
    assert_int_equal(import(fx, path, 0, &count, &report), DB_INVALID);
    expect_at(report, path, "3: district: ");
    expect_at(report, path, "4: wards: ");
    assert_int_equal(total(fx->db), SEED_BODIES);
    free(report);
    free(path);
}

static void test_header_problems(void **state)
{
    struct fx *fx = *state;
    char *path, *report = NULL;
    int count = -1;

    path = write_tmp(fx, "hdr.csv", "id,name_en,colour,name_en\n1,x,red,y\n");
    assert_int_equal(import(fx, path, 0, &count, &report), DB_INVALID);
    expect_at(report, path, "1: colour: ");
    expect_at(report, path, "1: name_en: ");
    free(report);
    free(path);

    /* Read-only columns of an export are accepted and ignored. */
    path = write_tmp(fx, "ro.csv", "name_en,division_en,updated_at\n");
    assert_int_equal(import(fx, path, 0, &count, &report), DB_OK);
    assert_string_equal(report, "");
    free(report);
    free(path);

    path = write_tmp(fx, "empty.csv", "");
    assert_int_equal(import(fx, path, 0, &count, &report), DB_INVALID);
    expect_at(report, path, "1: ");
    free(report);
    free(path);
}

static void test_malformed_file(void **state)
{
    struct fx *fx = *state;
    char *path, *report = NULL;
    int count = -1;

    path = write_tmp(fx, "quote.csv",
                     "kind,name_en,name_bn,district\n"
                     "paurashava,Fine,\xe0\xa6\x85,Bogura\n"
                     "paurashava,Br\"oken,\xe0\xa6\x85,Bogura\n");
    assert_int_equal(import(fx, path, 0, &count, &report), DB_INVALID);
    expect_at(report, path, "3: ");
    assert_int_equal(total(fx->db), SEED_BODIES);
    free(report);
    free(path);

    path = write_tmp(fx, "latin1.csv",
                     "kind,name_en,name_bn,district\n"
                     "paurashava,Caf\xe9,\xe0\xa6\x85,Bogura\n");
    assert_int_equal(import(fx, path, 0, &count, &report), DB_INVALID);
    expect_at(report, path, "2: not valid UTF-8");
    free(report);
    free(path);

    assert_int_equal(import(fx, "/nonexistent/x.csv", 0, &count, NULL), DB_NOTFOUND);
}

static void test_dry_run(void **state)
{
    struct fx *fx = *state;
    struct record before, after;
    long long id = bogura_before(fx, &before, &after);
    char *csv, *path, *report = NULL;
    int count = -1;

    csv = xasprintf("id,population,kind,name_en,name_bn,district\n"
                    "%lld,987654,,,,\n"
                    ",,paurashava,Drypur,\xe0\xa6\x85,Bogura\n",
                    id);
    path = write_tmp(fx, "dry.csv", csv);
    /* Empty cells in present columns are values too: the update row would
     * blank the names, and a dry run reports that like a real one. */
    assert_int_equal(import(fx, path, 1, &count, &report), DB_INVALID);
    free(report);
    free(path);
    free(csv);

    csv = xasprintf("id,population\n%lld,987654\n", id);
    path = write_tmp(fx, "dry2.csv", csv);
    assert_int_equal(import(fx, path, 1, &count, &report), DB_OK);
    assert_string_equal(report, "");
    assert_int_equal(count, 1);
    assert_int_equal(db_record_get(fx->db, &kind_municipality, id, &after, NULL), DB_OK);
    assert_string_equal(after.f[MF_POPULATION], before.f[MF_POPULATION]);
    assert_int_equal(after.version, before.version);
    free(report);
    free(path);
    free(csv);
    record_free(&before);
    record_free(&after);
}

static void test_vcard_export(void **state)
{
    struct fx *fx = *state;
    char *path = export_to(fx, EXPORT_VCF, "all.vcf"), *text = tu_read_file(path);
    int cards = 0, ends = 0;

    assert_non_null(text);
    for (const char *p = text; (p = strstr(p, "BEGIN:VCARD\r\n")) != NULL; p++)
        cards++;
    for (const char *p = text; (p = strstr(p, "END:VCARD\r\n")) != NULL; p++)
        ends++;
    assert_int_equal(cards, SEED_BODIES);
    assert_int_equal(ends, SEED_BODIES);
    assert_non_null(strstr(text, "VERSION:4.0\r\n"));
    assert_non_null(strstr(text, ";LANGUAGE=bn:"));
    free(text);
    free(path);
}

static void test_find(void **state)
{
    struct fx *fx = *state;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    char *err = NULL;
    int tabs = 0;

    assert_int_equal(impexp_find(fx->db, "Bogura", out, &err), DB_OK);
    fclose(out);
    assert_true(count_lines(buf) >= 1);
    for (const char *p = buf; *p != '\n'; p++)
        tabs += *p == '\t';
    assert_int_equal(tabs, 6);
    assert_non_null(strstr(buf, "\tBogura\t"));
    free(buf);

    /* The same search in Bengali (বগুড়া, with its nukta written apart). */
    buf = NULL;
    out = open_memstream(&buf, &len);
    assert_int_equal(impexp_find(fx->db,
                                 "\xe0\xa6\xac\xe0\xa6\x97\xe0\xa7\x81\xe0\xa6\xa1\xe0\xa6\xbc"
                                 "\xe0\xa6\xbe",
                                 out, &err),
                     DB_OK);
    fclose(out);
    assert_true(count_lines(buf) >= 1);
    assert_non_null(strstr(buf, "Bogura"));
    free(buf);
}

static void test_find_sanitises(void **state)
{
    struct fx *fx = *state;
    struct record m;
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    FILE *out;

    record_init(&m, &kind_municipality);
    record_set(&m, MF_KIND, "paurashava");
    record_set(&m, MF_NAME_EN, "Zzyzx\tTab\x1b[2J");
    record_set(&m, MF_NAME_BN, "\xe0\xa6\x85");
    record_set(&m, MF_DISTRICT, "Bogura");
    /* The rules refuse it now; a record stored before them may hold it. */
    assert_int_equal(db_record_save(fx->db, &m, NULL, NULL, &err), DB_INVALID);
    free(err);
    err = NULL;
    record_set(&m, MF_NAME_EN, "Zzyzx");
    assert_int_equal(db_record_save(fx->db, &m, NULL, NULL, &err), DB_OK);
    assert_true(tu_db_int(fx->db, "UPDATE municipality SET name_en = 'Zzyzx' || char(9) || "
                                  "'Tab' || char(27) || '[2J' WHERE name_en = 'Zzyzx' "
                                  "RETURNING id") > 0);
    out = open_memstream(&buf, &len);
    assert_int_equal(impexp_find(fx->db, "Zzyzx", out, &err), DB_OK);
    fclose(out);
    assert_int_equal(count_lines(buf), 1);
    assert_null(strchr(buf, '\x1b'));
    {
        int tabs = 0;

        for (const char *p = buf; *p != '\0'; p++)
            tabs += *p == '\t';
        assert_int_equal(tabs, 6);
    }
    free(buf);
    record_free(&m);
}

/* Control characters and bidi overrides are refused at import, each as
 * FILE:LINE: field: problem, and nothing is imported. */
static void test_import_refuses_controls(void **state)
{
    struct fx *fx = *state;
    char *path, *report = NULL;
    int count = -1;

    path = write_tmp(fx, "ctl.csv",
                     "kind,name_en,name_bn,district,mayor_en,address,notes\n"
                     "paurashava,Bad\x1b]0;pwned\x07Name,\xe0\xa6\x85,Bogura,,,\n"
                     "paurashava,Bell,\xe0\xa6\x85,Bogura,Ma\x07yor,,\n"
                     "paurashava,C1,\xe0\xa6\x85,Bogura,,\"Road\xc2\x9b"
                     "2J\",\n"
                     "paurashava,Rlo,\xe2\x80\xae\xe0\xa6\x85,Bogura,,,\n"
                     "paurashava,Lines,\xe0\xa6\x85,Bogura,,\"Road 1\nWard 2\",\"a\nb\"\n");
    assert_int_equal(import(fx, path, 0, &count, &report), DB_INVALID);
    expect_at(report, path, "2: name_en: control character U+001B");
    expect_at(report, path, "3: mayor_en: control character U+0007");
    expect_at(report, path, "4: address: control character U+009B");
    expect_at(report, path, "5: name_bn: control character U+202E");
    assert_int_equal(count_lines(report), 4);
    assert_null(strchr(report, '\x1b'));
    assert_null(strchr(report, '\x07'));
    assert_int_equal(total(fx->db), SEED_BODIES);
    free(report);
    free(path);
}

/* Cells a spreadsheet would run are written with a leading quote, and an
 * import takes it off: the round trip changes nothing. */
static void test_formula_cells_round_trip(void **state)
{
    struct fx *fx = *state;
    struct record before, after;
    long long id = bogura_before(fx, &before, &after);
    char *path, *text, *report = NULL, *err = NULL;
    int count = -1;

    record_set(&before, MF_NAME_EN, "=HYPERLINK(\"http://evil.example\",\"Bogura\")");
    record_set(&before, MF_PHONE, "+880 51 66011");
    record_set(&before, MF_MAYOR_EN, "@Mayor");
    record_set(&before, MF_NOTES, "-5 wards planned");
    assert_int_equal(db_record_save(fx->db, &before, NULL, NULL, &err), DB_OK);
    path = export_to(fx, EXPORT_CSV, "formula.csv");
    text = tu_read_file(path);
    assert_non_null(strstr(text, "\"'=HYPERLINK("));
    assert_non_null(strstr(text, ",'+880 51 66011,"));
    assert_non_null(strstr(text, ",'@Mayor,"));
    assert_non_null(strstr(text, ",'-5 wards planned,"));
    assert_null(strstr(text, ",=HYPERLINK"));
    assert_int_equal(import(fx, path, 0, &count, &report), DB_OK);
    assert_string_equal(report, "");
    assert_int_equal(count, 0);
    assert_int_equal(db_record_get(fx->db, &kind_municipality, id, &after, NULL), DB_OK);
    for (int i = 0; i < MF_COUNT; i++)
        assert_string_equal(after.f[i], before.f[i]);
    free(report);
    free(text);
    free(path);
    record_free(&before);
    record_free(&after);
}

struct pty_reader {
    int fd;
    struct buf got;
};

/* Everything the terminal shows until the other side is closed. */
static void *read_all(void *arg)
{
    struct pty_reader *r = arg;
    char chunk[4096];
    ssize_t k;

    while ((k = read(r->fd, chunk, sizeof chunk)) > 0)
        buf_add(&r->got, chunk, (size_t)k);
    return NULL;
}

/* Text stored before the rules (planted with SQL) is exported sanitised,
 * to a terminal and to a pipe or file alike (which grep or less may show
 * on a terminal): no control character, a visible mark instead. */
static void test_export_to_terminal_sanitised(void **state)
{
    struct fx *fx = *state;
    struct pty_reader reader = {0};
    struct buf got;
    char *err = NULL;
    int master, slave;
    pthread_t tid;
    FILE *out;

    assert_true(tu_db_int(fx->db,
                          "UPDATE municipality SET name_en = 'Evil' || char(27) || "
                          "']0;pwned' || char(7) || char(155) "
                          "WHERE id = (SELECT min(id) FROM municipality) RETURNING id") > 0);
    assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
    reader.fd = master;
    assert_int_equal(pthread_create(&tid, NULL, read_all, &reader), 0);
    out = fdopen(slave, "w");
    assert_int_equal(impexp_export(fx->db, &kind_municipality, EXPORT_CSV, out, &err), DB_OK);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(pthread_join(tid, NULL), 0);
    close(master);
    got = reader.got;
    assert_non_null(got.data);
    assert_non_null(strstr(got.data, "Evil\xe2\x90\x9b]0;pwned\xe2\x90\x87"));
    assert_null(memchr(got.data, '\x1b', got.len));
    assert_null(memchr(got.data, '\x07', got.len));
    assert_null(strstr(got.data, "\xc2\x9b"));
    buf_free(&got);
    {
        char *buf = NULL;
        size_t len = 0;
        FILE *pipe_like = open_memstream(&buf, &len);

        assert_int_equal(impexp_export(fx->db, &kind_municipality, EXPORT_CSV, pipe_like, &err),
                         DB_OK);
        fclose(pipe_like);
        assert_non_null(strstr(buf, "Evil\xe2\x90\x9b]0;pwned\xe2\x90\x87"));
        assert_null(memchr(buf, '\x1b', len));
        assert_null(memchr(buf, '\x07', len));
        free(buf);
    }
}

/* Other character sets: named, with the option that reads them, in one
 * line; with the option, they import. */
static void test_import_encodings(void **state)
{
    struct fx *fx = *state;
    char *path, *report = NULL, *err = NULL;
    int count = -1;
    FILE *f;

    path = write_tmp(fx, "cp1252.csv",
                     "kind,name_en,name_bn,district\n"
                     "paurashava,Caf\xe9,\xe0\xa6\x85,Bogura\n");
    assert_int_equal(import(fx, path, 0, &count, &report), DB_INVALID);
    assert_int_equal(count_lines(report), 1);
    expect_at(report, path, "2: not valid UTF-8 (byte 0xE9 at column 15)");
    assert_non_null(strstr(report, "--encoding windows-1252"));
    assert_null(strstr(report, "required"));
    free(report);
    assert_int_equal(
        csv_import(fx->db, &kind_municipality, path, "windows-1252", 0, stderr, &count, &err),
        DB_OK);
    assert_int_equal(count, 1);
    assert_int_equal(tu_muni_count(fx->db, "Caf\xc3\xa9"), 1);
    free(path);

    /* Excel's "Unicode text": UTF-16LE with a byte-order mark. */
    path = xasprintf("%s/u16.csv", fx->dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    fwrite("\xff\xfe", 1, 2, f);
    for (const char *p = "kind,name_en,name_bn,district\npaurashava,Sixteen,x,Bogura\n"; *p != '\0';
         p++) {
        fputc(*p, f);
        fputc(0, f);
    }
    fclose(f);
    assert_int_equal(import(fx, path, 0, &count, &report), DB_OK);
    assert_string_equal(report, "");
    assert_int_equal(tu_muni_count(fx->db, "Sixteen"), 1);
    free(report);
    free(path);
}

/* However many problems, at most 50 lines and a count of the rest; a
 * flood of unknown columns is one line. */
static void test_report_bounded(void **state)
{
    struct fx *fx = *state;
    struct buf b = {0};
    char *path, *report = NULL;
    int count = -1;

    buf_adds(&b, "kind,name_en,name_bn,district");
    for (int i = 0; i < 100000; i++)
        buf_printf(&b, ",x%d", i);
    buf_adds(&b, "\n");
    path = write_tmp(fx, "wide.csv", b.data);
    assert_int_equal(import(fx, path, 0, &count, &report), DB_INVALID);
    assert_int_equal(count_lines(report), 1);
    expect_at(report, path, "1: unknown columns: x0, x1, x2, x3, x4 and 99995 more");
    free(report);
    free(path);
    buf_free(&b);

    buf_adds(&b, "kind,name_en,name_bn,district\n");
    for (int i = 0; i < 120; i++)
        buf_adds(&b, "paurashava,,\xe0\xa6\x85,Bogura\n");
    path = write_tmp(fx, "many.csv", b.data);
    assert_int_equal(import(fx, path, 0, &count, &report), DB_INVALID);
    assert_int_equal(count_lines(report), 51);
    expect_at(report, path, "51: name_en: required");
    expect_line(report, "");
    {
        char *want = xasprintf("%s: ... and 70 more problems\n", path);

        assert_non_null(strstr(report, want));
        free(want);
    }
    assert_int_equal(total(fx->db), SEED_BODIES);
    free(report);
    free(path);
    buf_free(&b);
}

static void test_viewer_may_not_import(void **state)
{
    struct fx fx2 = {0};
    char *path = tu_db_path(), *csv;
    int count = -1;

    (void)state;
    fx2.db = tu_db_open(path, ROLE_VIEWER, 0);
    fx2.dir = xstrdup(tu_tmpdir());
    csv = write_tmp(&fx2, "v.csv", "id,wards\n1,5\n");
    assert_int_equal(import(&fx2, csv, 0, &count, NULL), DB_DENIED);
    db_close(fx2.db);
    free(fx2.dir);
    free(csv);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_export_csv_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edited_import_updates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_rows_added, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rows_all_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_db_checks_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_problems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vcard_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_sanitises, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_controls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_formula_cells_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_to_terminal_sanitised, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_encodings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_bounded, setup, teardown),
        cmocka_unit_test(test_viewer_may_not_import),
    };
    int rc;

    i18n_init("en");
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_cleanup();
    return rc;
}
