/*
 * fuzz_csv.c: libFuzzer target for the CSV reader (src/fmt/csv.c).
 *
 * Any input: the reader must not crash, leak or read out of bounds; record
 * lines only grow and stay within the input; an error names "FILE:LINE:".
 * Whatever it reads must survive csv_write_record() and a second read
 * unchanged (records that are one blank field are skipped by design).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/csv.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct rec {
    char **f;
    size_t n;
};

static long count_lines(const uint8_t *data, size_t size)
{
    long n = 1;

    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv_reader *r = csv_reader_mem("fuzz.csv", (const char *)data, size);
    struct rec *recs = NULL;
    size_t nrecs = 0;
    long last = 0, maxline = count_lines(data, size);
    char **f, *err = NULL, *out = NULL;
    size_t n, outlen = 0;
    long line;
    int rc;
    FILE *w;

    while ((rc = csv_reader_next(r, &f, &n, &line, &err)) == 1) {
        if (line < last || line < 1 || line > maxline)
            abort();
        last = line;
        if (n == 1 && str_blank(f[0]))
            continue;
        recs = xreallocarray(recs, nrecs + 1, sizeof *recs);
        recs[nrecs].f = xcalloc(n, sizeof(char *));
        recs[nrecs].n = n;
        for (size_t i = 0; i < n; i++)
            recs[nrecs].f[i] = xstrdup(f[i]);
        nrecs++;
    }
    if (rc < 0) {
        if (err == NULL || strncmp(err, "fuzz.csv:", 9) != 0)
            abort();
        free(err);
    }
    csv_reader_free(r);

    /* Round trip through the writer. */
    w = open_memstream(&out, &outlen);
    for (size_t i = 0; i < nrecs; i++)
        csv_write_record(w, (const char *const *)recs[i].f, recs[i].n);
    fclose(w);
    r = csv_reader_mem("again.csv", out, outlen);
    for (size_t i = 0; i < nrecs; i++) {
        err = NULL;
        if (csv_reader_next(r, &f, &n, &line, &err) != 1)
            abort();
        if (n != recs[i].n)
            abort();
        /* Formula-like cells come back guarded: unguarded, the same. */
        for (size_t k = 0; k < n; k++)
            if (strcmp(csv_unguard(f[k]), recs[i].f[k]) != 0)
                abort();
    }
    if (csv_reader_next(r, &f, &n, &line, &err) != 0)
        abort();
    csv_reader_free(r);
    free(out);
    for (size_t i = 0; i < nrecs; i++) {
        for (size_t k = 0; k < recs[i].n; k++)
            free(recs[i].f[k]);
        free(recs[i].f);
    }
    free(recs);
    return 0;
}
