/*
 * backup.c: the database's safety copies.  A backup is a consistent
 * online copy made with SQLite's backup API while others keep reading and
 * writing; a check reports the file's integrity, its foreign keys and its
 * schema version; a restore puts a checked copy in place of a database
 * nobody has open and keeps the old one beside it.
 *
 * Copies are written under a temporary name, 0600 (they hold password
 * hashes), and put in place only when complete.  Never write to a file
 * another process has open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "db/internal.h"
#include "i18n.h"
#include "util.h"

int db_copy_to(sqlite3 *src, const char *dest, char **err)
{
    sqlite3 *out = NULL;
    sqlite3_backup *b = NULL;
    char *tmp = xasprintf("%s.new-XXXXXX", dest);
    int fd = mkstemp(tmp), rc = SQLITE_OK; /* mkstemp: mode 0600 */

    if (fd < 0) {
        rc = db_err(err, DB_ERROR, _("cannot write %s: %s"), dest, strerror(errno));
        free(tmp);
        return rc;
    }
    close(fd);
    if (sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        (b = sqlite3_backup_init(out, "main", src, "main")) == NULL)
        rc = sqlite3_errcode(out);
    /* All pages in one read transaction: a snapshot, while writers go on
     * in WAL mode. */
    while (b != NULL && (rc = sqlite3_backup_step(b, -1)) != SQLITE_DONE) {
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            break;
        sqlite3_sleep(20);
    }
    if (b != NULL && sqlite3_backup_finish(b) == SQLITE_OK && rc == SQLITE_DONE)
        rc = sqlite3_exec(out, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        rc = db_err(err, DB_ERROR, _("cannot write %s: %s"), dest,
                    out != NULL ? sqlite3_errmsg(out) : sqlite3_errstr(rc));
    if (sqlite3_close(out) != SQLITE_OK && rc == SQLITE_OK)
        rc = db_err(err, DB_ERROR, _("cannot write %s: %s"), dest, strerror(errno));
    if (rc == SQLITE_OK && rename(tmp, dest) != 0)
        rc = db_err(err, DB_ERROR, _("cannot write %s: %s"), dest, strerror(errno));
    if (rc != SQLITE_OK)
        unlink(tmp);
    free(tmp);
    return rc == SQLITE_OK ? DB_OK : rc;
}

/* 1 if a and b are the same file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int db_backup(struct db *db, const char *dest, char **err)
{
    const char *path = sqlite3_db_filename(db->h, "main");

    if (!auth_allowed(&db->s, AUTH_MANAGE_USERS, 0))
        return db_err(err, DB_DENIED, "%s",
                      _("only an administrator may copy the database: it holds the accounts"));
    if (path != NULL && same_file(path, dest))
        return db_err(err, DB_INVALID, _("%s is the database itself: name another file"), dest);
    return db_copy_to(db->h, dest, err);
}

/* --- check --------------------------------------------------------------- */

/* What integrity_check says: "ok", or its first problems. */
static char *integrity(sqlite3 *h)
{
    sqlite3_stmt *st;
    struct buf b = {0};
    int rc;

    /* The first ten problems are enough to say what is wrong. */
    if (sqlite3_prepare_v2(h, "PRAGMA integrity_check(10)", -1, &st, NULL) != SQLITE_OK)
        return xstrdup(sqlite3_errmsg(h));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (b.len > 0)
            buf_adds(&b, "; ");
        buf_adds(&b, (const char *)sqlite3_column_text(st, 0));
    }
    if (rc != SQLITE_DONE) {
        if (b.len > 0)
            buf_adds(&b, "; ");
        buf_adds(&b, sqlite3_errmsg(h));
    }
    sqlite3_finalize(st);
    return buf_take(&b);
}

/* The number sql yields on h; -1 when it fails. */
static long long count_of(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st;
    long long n = -1;

    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

int db_health(const char *path, struct db_health *out, char **err)
{
    sqlite3 *h = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    out->latest = db_nmigrations;
    /* Read only, and never migrated: the file as it is. */
    if (access(path, R_OK) != 0)
        return db_err(err, DB_NOTFOUND, "%s: %s", path, strerror(errno));
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        rc = db_err(err, DB_ERROR, "%s: %s", path, sqlite3_errmsg(h));
    else
        rc = db_check_schema(h, path, &out->version, err);
    if (rc == DB_OK) {
        out->integrity = integrity(h);
        out->fk_problems = (int)count_of(h, "SELECT count(*) FROM pragma_foreign_key_check");
    }
    sqlite3_close(h);
    return rc;
}

void db_health_free(struct db_health *h)
{
    free(h->integrity);
    memset(h, 0, sizeof *h);
}

/* --- restore ------------------------------------------------------------- */

/*
 * 1 if another process has the database at path open: every connection
 * in WAL mode holds a read lock on byte 128 of the -shm file (SQLite's
 * "dead man switch"), and one in rollback mode its SHARED lock on the
 * database file.  Works on a damaged file too.
 */
static int in_use(const char *path)
{
    const struct {
        const char *suffix;
        off_t start, len;
    } probes[] = {{"-shm", 128, 1}, {"", 0x40000000, 512}};
    int busy = 0;

    for (size_t i = 0; i < nitems(probes) && !busy; i++) {
        char *name = xasprintf("%s%s", path, probes[i].suffix);
        int fd = open(name, O_RDONLY | O_CLOEXEC);
        struct flock fl;

        free(name);
        if (fd < 0)
            continue;
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        fl.l_start = probes[i].start;
        fl.l_len = probes[i].len;
        busy = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
        close(fd);
    }
    return busy;
}

/* from, opened read-only, if it is a sound mabdesk database of this or an
 * earlier release. */
static int open_checked(sqlite3 **h, const char *from, char **err)
{
    char *ok;
    int v, rc;

    *h = NULL;
    if (access(from, R_OK) != 0)
        return db_err(err, DB_NOTFOUND, "%s: %s", from, strerror(errno));
    if (sqlite3_open_v2(from, h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return db_err(err, DB_ERROR, "%s: %s", from, sqlite3_errmsg(*h));
    if ((rc = db_check_schema(*h, from, &v, err)) != DB_OK)
        return rc;
    ok = integrity(*h);
    if (strcmp(ok, "ok") != 0)
        rc = db_err(err, DB_INVALID, _("%s is damaged (%s)"), from, ok);
    free(ok);
    return rc;
}

/* The database's three files (main, -wal, -shm) moved to kept's names. */
static int move_aside(const char *path, const char *kept, char **err)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};

    for (size_t i = 0; i < nitems(suffixes); i++) {
        char *a = xasprintf("%s%s", path, suffixes[i]), *b = xasprintf("%s%s", kept, suffixes[i]);
        int failed = rename(a, b) != 0 && (i == 0 || errno != ENOENT);

        free(a);
        free(b);
        if (failed)
            return db_err(err, DB_ERROR, _("cannot move %s aside: %s"), path, strerror(errno));
    }
    return DB_OK;
}

int db_restore(const char *path, const char *from, char **kept, char **err)
{
    sqlite3 *src = NULL;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    int rc;

    *kept = NULL;
    rc = open_checked(&src, from, err);
    if (rc == DB_OK && same_file(path, from))
        rc = db_err(err, DB_INVALID, _("%s is the database itself"), from);
    if (rc == DB_OK && in_use(path))
        rc = db_err(err, DB_BUSY,
                    _("%s is in use (mabdesk serve or a running mabdesk has it open): stop them, "
                      "then restore. Nothing was changed."),
                    path);
    if (rc == DB_OK && access(path, F_OK) == 0) {
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", gmtime_r(&now, &tm));
        *kept = xasprintf("%s.before-restore-%s", path, stamp);
        rc = move_aside(path, *kept, err);
    }
    if (rc == DB_OK)
        rc = db_copy_to(src, path, err);
    if (src != NULL)
        sqlite3_close(src);
    return rc;
}
