/*
 * test_csv.c: the CSV reader (quotes, embedded newlines with the line each
 * record starts on, BOM, CRLF, malformed files) and the writer's round
 * trip (src/fmt/csv.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt/csv.h"
#include "testutil.h"
#include "util.h"

static struct csv_reader *mem(const char *s)
{
    return csv_reader_mem("t.csv", s, strlen(s));
}

/* Read the next record and check its line and fields (NULL-terminated). */
static void expect(struct csv_reader *r, long want_line, ...)
{
    char **f = NULL, *err = NULL;
    size_t n = 0, i = 0;
    long line = 0;
    const char *want;
    va_list ap;

    assert_int_equal(csv_reader_next(r, &f, &n, &line, &err), 1);
    assert_null(err);
    assert_int_equal(line, want_line);
    va_start(ap, want_line);
    while ((want = va_arg(ap, const char *)) != NULL) {
        assert_true(i < n);
        assert_string_equal(f[i], want);
        i++;
    }
    va_end(ap);
    assert_int_equal(n, i);
}

static void expect_end(struct csv_reader *r)
{
    char **f, *err = NULL;
    size_t n;
    long line;

    assert_int_equal(csv_reader_next(r, &f, &n, &line, &err), 0);
    assert_null(err);
}

static void expect_error(struct csv_reader *r, const char *want_prefix)
{
    char **f, *err = NULL;
    size_t n;
    long line;
    int rc;

    while ((rc = csv_reader_next(r, &f, &n, &line, &err)) == 1)
        ;
    assert_int_equal(rc, -1);
    assert_non_null(err);
    if (strncmp(err, want_prefix, strlen(want_prefix)) != 0)
        fail_msg("error '%s' does not start with '%s'", err, want_prefix);
    free(err);
}

static void test_plain(void **state)
{
    struct csv_reader *r = mem("a,b,c\n1,2,3\n");

    (void)state;
    assert_string_equal(csv_reader_name(r), "t.csv");
    expect(r, 1, "a", "b", "c", NULL);
    expect(r, 2, "1", "2", "3", NULL);
    expect_end(r);
    expect_end(r);
    csv_reader_free(r);
}

static void test_quotes(void **state)
{
    struct csv_reader *r = mem("\"a,b\",\"say \"\"hi\"\"\",\"\"\n x , y ,\n");

    (void)state;
    expect(r, 1, "a,b", "say \"hi\"", "", NULL);
    /* Spaces around unquoted fields are data, not padding. */
    expect(r, 2, " x ", " y ", "", NULL);
    expect_end(r);
    csv_reader_free(r);
}

static void test_embedded_newlines(void **state)
{
    struct csv_reader *r = mem("id,notes\n1,\"first\nsecond\nthird\"\n2,\"x\r\ny\"\n\n\n3,last\n");

    (void)state;
    expect(r, 1, "id", "notes", NULL);
    expect(r, 2, "1", "first\nsecond\nthird", NULL);
    /* The record after a three-line field starts on line 5. */
    expect(r, 5, "2", "x\r\ny", NULL);
    /* Blank lines are skipped but still counted. */
    expect(r, 9, "3", "last", NULL);
    expect_end(r);
    csv_reader_free(r);
}

static void test_bom_crlf(void **state)
{
    struct csv_reader *r = mem("\xef\xbb\xbfname,district\r\nDhaka,Dhaka\r\n\r\nBogura,Bogura");

    (void)state;
    /* The byte-order mark is not part of the first header. */
    expect(r, 1, "name", "district", NULL);
    expect(r, 2, "Dhaka", "Dhaka", NULL);
    /* The last line has no line end. */
    expect(r, 4, "Bogura", "Bogura", NULL);
    expect_end(r);
    csv_reader_free(r);
}

static void test_utf8_fields(void **state)
{
    const char *bn = "\xe0\xa6\xa2\xe0\xa6\xbe\xe0\xa6\x95\xe0\xa6\xbe";
    char *in = xasprintf("name_bn\n\"%s, %s\"\n", bn, bn);
    char *want = xasprintf("%s, %s", bn, bn);
    struct csv_reader *r = mem(in);

    (void)state;
    expect(r, 1, "name_bn", NULL);
    expect(r, 2, want, NULL);
    expect_end(r);
    csv_reader_free(r);
    free(in);
    free(want);
}

static void test_malformed(void **state)
{
    struct csv_reader *r;

    (void)state;
    /* A quote inside an unquoted field, on line 3. */
    r = mem("a,b\n1,2\n3,x\"y\n4,5\n");
    expect(r, 1, "a", "b", NULL);
    expect(r, 2, "1", "2", NULL);
    expect_error(r, "t.csv:3: ");
    /* Errors are sticky. */
    expect_error(r, "t.csv:3: ");
    csv_reader_free(r);

    /* Text after a closing quote. */
    r = mem("a\n\"ok\"\n\"bad\"x\n");
    expect_error(r, "t.csv:3: ");
    csv_reader_free(r);

    /* A quote opened on line 2 and never closed: the message names line 2. */
    r = mem("a,b\n1,\"open\nmore\nstill\n");
    expect_error(r, "t.csv:2: ");
    csv_reader_free(r);

    /* A NUL byte: not a text file. */
    r = csv_reader_mem("t.csv", "a\nb\0c\n", 6);
    expect_error(r, "t.csv:2: ");
    csv_reader_free(r);
}

static void test_file(void **state)
{
    char *path = xasprintf("%s/in.csv", tu_tmpdir());
    char *err = NULL;
    struct csv_reader *r;

    (void)state;
    assert_int_equal(tu_write_file(path, "x,y\r\n1,2\r\n"), 0);
    assert_int_equal(csv_reader_open(&r, path, "auto", &err), 0);
    assert_non_null(r);
    assert_string_equal(csv_reader_name(r), path);
    expect(r, 1, "x", "y", NULL);
    expect(r, 2, "1", "2", NULL);
    expect_end(r);
    csv_reader_free(r);
    free(path);

    assert_int_equal(csv_reader_open(&r, "/nonexistent/dir/file.csv", "auto", &err), CSV_ENOFILE);
    assert_null(r);
    assert_non_null(err);
    assert_non_null(strstr(err, "/nonexistent/dir/file.csv"));
    free(err);
}

static void test_writer_round_trip(void **state)
{
    const char *rows[][5] = {
        {"plain", "with,comma", "with \"quote\"", "two\nlines", ""},
        {" lead", "trail ", "cr\r\nlf", "\xe0\xa6\x95,\xe0\xa6\x96", "x"},
    };
    char *path = xasprintf("%s/rt.csv", tu_tmpdir());
    FILE *f = fopen(path, "wb");
    struct csv_reader *r;
    char **fields, *err = NULL, *text;
    size_t n;
    long line;

    (void)state;
    assert_non_null(f);
    for (size_t i = 0; i < nitems(rows); i++)
        csv_write_record(f, rows[i], 5);
    assert_int_equal(fclose(f), 0);

    /* Records end with CRLF; plain fields are not quoted. */
    text = tu_read_file(path);
    assert_non_null(text);
    assert_memory_equal(text, "plain,\"with,comma\",", 19);
    assert_non_null(strstr(text, "\"\"quote\"\"\""));
    assert_non_null(strstr(text, ",\r\n"));
    free(text);

    assert_int_equal(csv_reader_open(&r, path, "utf-8", &err), 0);
    assert_non_null(r);
    for (size_t i = 0; i < nitems(rows); i++) {
        assert_int_equal(csv_reader_next(r, &fields, &n, &line, &err), 1);
        assert_int_equal(n, 5);
        for (size_t k = 0; k < 5; k++)
            assert_string_equal(fields[k], rows[i][k]);
    }
    assert_int_equal(csv_reader_next(r, &fields, &n, &line, &err), 0);
    csv_reader_free(r);
    free(path);
}

/* Cells a spreadsheet would run as formulas are written with a leading
 * quote, and csv_unguard() gives back exactly what was written. */
static void test_formula_guard(void **state)
{
    const char *row[] = {"=HYPERLINK(\"http://x\",\"y\")",
                         "+880 2 1234",
                         "-3",
                         "@SUM(A1)",
                         "\tlead",
                         "\rcr",
                         "'=quoted",
                         "''+two",
                         "'plain",
                         "plain",
                         "a=b",
                         ""};
    char *buf = NULL, **f, *err = NULL;
    size_t len = 0, n;
    FILE *w = open_memstream(&buf, &len);
    struct csv_reader *r;
    long line;

    (void)state;
    csv_write_record(w, row, nitems(row));
    fclose(w);
    assert_non_null(strstr(buf, "\"'=HYPERLINK(\"\"http"));
    assert_non_null(strstr(buf, ",'+880 2 1234,'-3,'@SUM(A1),\"'\tlead\",\"'\rcr\","));
    assert_non_null(strstr(buf, ",''=quoted,'''+two,'plain,plain,a=b,\r\n"));
    r = csv_reader_mem("g.csv", buf, len);
    assert_int_equal(csv_reader_next(r, &f, &n, &line, &err), 1);
    assert_int_equal(n, nitems(row));
    for (size_t i = 0; i < n; i++)
        assert_string_equal(csv_unguard(f[i]), row[i]);
    csv_reader_free(r);
    free(buf);
}

/* Character sets: byte-order marks are read; anything else must be UTF-8
 * or named, and the message says what the file looks like. */
static void test_encodings(void **state)
{
    char *path = xasprintf("%s/enc.csv", tu_tmpdir()), *err = NULL, **f;
    struct csv_reader *r = NULL;
    size_t n;
    long line;
    FILE *fp;

    (void)state;
    /* UTF-16LE with a byte-order mark, as Excel's "Unicode text". */
    fp = fopen(path, "wb");
    fwrite("\xff\xfe"
           "a\0,\0\x95\x09\n\0",
           1, 10, fp);
    fclose(fp);
    assert_int_equal(csv_reader_open(&r, path, "auto", &err), 0);
    assert_int_equal(csv_reader_next(r, &f, &n, &line, &err), 1);
    assert_int_equal(n, 2);
    assert_string_equal(f[1], "\xe0\xa6\x95");
    csv_reader_free(r);
    /* The same without the mark: named, with the option that reads it. */
    fp = fopen(path, "wb");
    fwrite("a\0,\0b\0\n\0", 1, 8, fp);
    fclose(fp);
    assert_int_equal(csv_reader_open(&r, path, "auto", &err), CSV_EBADTEXT);
    assert_non_null(strstr(err, "UTF-16"));
    assert_non_null(strstr(err, "--encoding utf-16le"));
    free(err);
    assert_int_equal(csv_reader_open(&r, path, "utf-16le", &err), 0);
    assert_int_equal(csv_reader_next(r, &f, &n, &line, &err), 1);
    assert_string_equal(f[1], "b");
    csv_reader_free(r);
    /* Windows-1252: the line, the byte and the option. */
    assert_int_equal(tu_write_file(path, "x,y\nCaf\xe9,\x80\n"), 0);
    assert_int_equal(csv_reader_open(&r, path, "auto", &err), CSV_EBADTEXT);
    assert_non_null(strstr(err, ":2: not valid UTF-8 (byte 0xE9 at column 4)"));
    assert_non_null(strstr(err, "--encoding windows-1252"));
    free(err);
    assert_int_equal(csv_reader_open(&r, path, "utf-8", &err), CSV_EBADTEXT);
    free(err);
    assert_int_equal(csv_reader_open(&r, path, "windows-1252", &err), 0);
    assert_int_equal(csv_reader_next(r, &f, &n, &line, &err), 1);
    assert_int_equal(csv_reader_next(r, &f, &n, &line, &err), 1);
    assert_string_equal(f[0], "Caf\xc3\xa9");
    assert_string_equal(f[1], "\xe2\x82\xac");
    csv_reader_free(r);
    /* A byte the named set does not have. */
    assert_int_equal(tu_write_file(path, "x\n\x81\n"), 0);
    assert_int_equal(csv_reader_open(&r, path, "windows-1252", &err), CSV_EBADTEXT);
    assert_non_null(strstr(err, ":2: not valid windows-1252 (byte 0x81)"));
    free(err);
    free(path);
}

/* A file past the reader's 4 MiB window, where a Bengali letter is cut by
 * the window's edge: read whole; a bad byte far down is named by its line. */
static void test_big_file(void **state)
{
    char *path = xasprintf("%s/big.csv", tu_tmpdir()), *err = NULL, **f;
    struct csv_reader *r = NULL;
    struct buf b = {0};
    size_t n;
    long line, rows = 0;

    (void)state;
    /* 6 bytes a line: offset 4 MiB falls inside a line's letter. */
    for (int i = 0; i < 800000; i++)
        buf_adds(&b, "x,\xe0\xa6\x95\n");
    assert_int_equal(tu_write_file(path, b.data), 0);
    assert_int_equal(csv_reader_open(&r, path, "auto", &err), 0);
    while (csv_reader_next(r, &f, &n, &line, &err) == 1) {
        assert_int_equal(n, 2);
        assert_string_equal(f[1], "\xe0\xa6\x95");
        rows++;
    }
    assert_int_equal(rows, 800000);
    assert_int_equal(line, 800000);
    csv_reader_free(r);
    b.data[6 * 799999 + 2] = '\xff';
    assert_int_equal(tu_write_file(path, b.data), 0);
    assert_int_equal(csv_reader_open(&r, path, "auto", &err), CSV_EBADTEXT);
    assert_non_null(strstr(err, ":800000: not valid UTF-8 (byte 0xFF at column 3)"));
    free(err);
    buf_free(&b);
    free(path);
}

/* Standard input (a pipe: nothing to map) in UTF-8 with a mark, and in
 * Windows-1252. */
static void test_stdin(void **state)
{
    static const char *const text[] = {"\xef\xbb\xbfx,y\n1,\xc3\xa9\n", "x,y\n1,\xe9\n"};
    static const char *const enc[] = {"auto", "windows-1252"};
    int saved = dup(0);

    (void)state;
    for (int i = 0; i < 2; i++) {
        struct csv_reader *r = NULL;
        char *err = NULL, **f;
        size_t n;
        long line;
        int fd[2];

        assert_int_equal(pipe(fd), 0);
        assert_int_equal(write(fd[1], text[i], strlen(text[i])), (ssize_t)strlen(text[i]));
        close(fd[1]);
        dup2(fd[0], 0);
        close(fd[0]);
        clearerr(stdin);
        assert_int_equal(csv_reader_open(&r, "-", enc[i], &err), 0);
        assert_int_equal(csv_reader_next(r, &f, &n, &line, &err), 1);
        assert_string_equal(f[0], "x");
        assert_int_equal(csv_reader_next(r, &f, &n, &line, &err), 1);
        assert_string_equal(f[1], "\xc3\xa9");
        csv_reader_free(r);
    }
    dup2(saved, 0);
    close(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_formula_guard),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_big_file),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_embedded_newlines),
        cmocka_unit_test(test_bom_crlf),
        cmocka_unit_test(test_utf8_fields),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_writer_round_trip),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    tu_cleanup();
    return rc;
}
