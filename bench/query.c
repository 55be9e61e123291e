/*
 * query.c: the database side of search-as-you-type, without a terminal.
 *
 *   query DB KIND RUNS WORD...
 *
 * For every prefix of every WORD (as typed, one code point at a time) it
 * times db_record_count() + db_record_page(first screenful) of KIND
 * ("municipality", "subscriber", ...) in its first order, RUNS times, and
 * prints one line per prefix:
 *
 *   prefix<TAB>matches<TAB>median_us<TAB>p95_us
 *
 * and finally "all<TAB>-<TAB>median_us<TAB>p95_us" over every measurement.
 * The session is an editor's (it may read the subscribers); nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "db/db.h"
#include "kinds/kinds.h"
#include "util.h"

#define PAGE_ROWS 20

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;

    return (x > y) - (x < y);
}

/* Percentile p (0..100) of sorted v[0..n). */
static long long pct(const long long *v, int n, int p)
{
    int i = (int)((long long)(n - 1) * p / 100);

    return n > 0 ? v[i] : 0;
}

int main(int argc, char **argv)
{
    struct session s;
    struct db *db = NULL;
    char *err = NULL;
    long long *all, *one;
    const struct kind *kind;
    int runs, nall = 0, cap;

    if (argc < 5 || (kind = kind_by_name(argv[2])) == NULL || (runs = atoi(argv[3])) < 1) {
        fprintf(stderr, "usage: query DB KIND RUNS WORD...\n");
        return 64;
    }
    auth_session_local(&s, ROLE_EDITOR); /* may read every kind it times */
    if (db_open(&db, argv[1], &s, &err) != DB_OK) {
        fprintf(stderr, "query: %s: %s\n", argv[1], err != NULL ? err : "?");
        return 66;
    }
    cap = 0;
    for (int w = 4; w < argc; w++)
        cap += (int)strlen(argv[w]) * runs;
    all = xcalloc((size_t)cap + 1, sizeof *all);
    one = xcalloc((size_t)runs, sizeof *one);

    for (int w = 4; w < argc; w++) {
        const char *word = argv[w];
        size_t len = strlen(word), pos = 0;

        while (pos < len) {
            struct record_query q;
            char *prefix;
            int matches = 0;

            /* One code point further, as typing sends them. */
            pos++;
            while (pos < len && ((unsigned char)word[pos] & 0xC0) == 0x80)
                pos++;
            prefix = xstrndup(word, pos);
            memset(&q, 0, sizeof q);
            q.search = prefix;
            for (int r = 0; r < runs; r++) {
                struct record_row *rows = NULL;
                int n = 0;
                long long t0 = now_ns();

                if (db_record_count(db, kind, &q, &matches, &err) != DB_OK ||
                    db_record_page(db, kind, &q, 0, PAGE_ROWS, &rows, &n, &err) != DB_OK) {
                    fprintf(stderr, "query: \"%s\": %s\n", prefix, err != NULL ? err : "?");
                    return 74;
                }
                one[r] = now_ns() - t0;
                all[nall++] = one[r];
                record_rows_free(kind, rows, n);
            }
            qsort(one, (size_t)runs, sizeof *one, cmp_ll);
            printf("%s\t%d\t%lld\t%lld\n", prefix, matches, pct(one, runs, 50) / 1000,
                   pct(one, runs, 95) / 1000);
            free(prefix);
        }
    }
    qsort(all, (size_t)nall, sizeof *all, cmp_ll);
    printf("all\t-\t%lld\t%lld\n", pct(all, nall, 50) / 1000, pct(all, nall, 95) / 1000);
    free(all);
    free(one);
    db_close(db);
    return 0;
}
