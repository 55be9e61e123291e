/*
 * fuzz_import.c: libFuzzer target for the municipality CSV import
 * (src/impexp.c): reading, header and value checks, and the database's
 * own checks, as a dry run against a database seeded with the real
 * directory.
 *
 * Any input: no crash or leak; every report line reads "FILE:LINE: ...";
 * success reports nothing, failure reports something; the directory never
 * changes (a dry run).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "db/db.h"
#include "i18n.h"
#include "csvimport.h"
#include "kinds/kinds.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *db;
static char *csv_path;
static int bodies;

static int count_bodies(void)
{
    struct record_query q = {0};
    int n = -1;

    if (db_record_count(db, &kind_municipality, &q, &n, NULL) != DB_OK)
        abort();
    return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp = getenv("TMPDIR");
    char *dir, *path, *err = NULL;
    struct session s;

    (void)argc;
    (void)argv;
    dir = xasprintf("%s/mabdesk-fuzz-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        abort();
    path = xasprintf("%s/fuzz.db", dir);
    csv_path = xasprintf("%s/in.csv", dir);
    memset(&s, 0, sizeof s);
    snprintf(s.user, sizeof s.user, "%s", "fuzz");
    s.role = ROLE_ADMIN;
    i18n_init("en");
    if (db_open(&db, path, &s, &err) != DB_OK) {
        fprintf(stderr, "db_open: %s\n", err != NULL ? err : "?");
        abort();
    }
    bodies = count_bodies();
    free(path);
    free(dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(csv_path, "wb");
    char *report = NULL, *err = NULL;
    size_t len = 0, plen = strlen(csv_path);
    FILE *rep;
    int count = -1, rc;

    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    rep = open_memstream(&report, &len);
    rc = csv_import(db, &kind_municipality, csv_path, "auto", 1, rep, &count, &err);
    fclose(rep);
    if (rc == DB_OK && (len != 0 || count < 0))
        abort();
    if (rc == DB_INVALID && len == 0)
        abort();
    if (rc != DB_OK && rc != DB_INVALID)
        abort(); /* nothing else is possible for an admin on a healthy file */
    for (const char *p = report; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        const char *q = p + plen;

        if (nl == NULL || strncmp(p, csv_path, plen) != 0 || *q != ':')
            abort();
        q++;
        /* The last line may count what was not shown. */
        if (strncmp(q, " ... and ", 9) == 0 && nl[1] == '\0')
            break;
        if (*q < '0' || *q > '9')
            abort();
        while (*q >= '0' && *q <= '9')
            q++;
        if (q[0] != ':' || q[1] != ' ')
            abort();
        p = nl + 1;
    }
    if (count_bodies() != bodies)
        abort();
    free(report);
    free(err);
    return 0;
}
