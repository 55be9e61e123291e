/*
 * csv.c: RFC 4180 CSV on top of libcsv, with the physical line on which
 * each record starts.
 *
 * The input is fed to libcsv one physical line at a time, so the reader
 * always knows which line it is on: a record starts on the first non-blank
 * line after the previous record ended.  Strict mode makes a stray quote an
 * error instead of a guess.  A line that is one whole, well-formed record
 * (the usual case) is split here directly, exactly as libcsv would split
 * it (fast_line()); every other line goes through libcsv.  The reader must
 * never alter a field's bytes (no trimming, no normalisation) and never
 * read past the input it holds.
 */
#include "fmt/csv.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmt/charset.h"
#include "i18n.h"
#include "text.h"
#include "util.h"

struct csv_record {
    char **f;
    size_t n;
    long line;
    char *text; /* all the fields in one block (fast path), else NULL */
};

struct csv_reader {
    char *name;
    char *data; /* the whole input */
    size_t len;
    int mapped;      /* data is the file mapped (munmap), not malloc'd */
    size_t released; /* mapped: bytes before this let go of (see let_go()) */
    size_t pos;      /* next byte to feed */
    long next_line;  /* physical line number of data + pos */
    struct csv_parser p;
    int finished; /* csv_fini done */
    int failed;
    char *failure; /* the message, repeated on every later call */

    /* The record being built. */
    char **cur;
    size_t ncur, capcur;
    long start_line; /* 0: no record open */
    long feeding;    /* the line being fed */

    /* Records completed but not yet handed out (more than one only when a
     * bare CR ends records in the middle of a line). */
    struct csv_record *q;
    size_t qhead, qlen, qcap;
    struct csv_record out; /* the last one handed out */
};

/* libcsv trims spaces and tabs from unquoted fields by default: keep them. */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static void on_field(void *field, size_t len, void *data)
{
    struct csv_reader *r = data;

    if (r->start_line == 0)
        r->start_line = r->feeding;
    if (r->ncur == r->capcur) {
        r->capcur = r->capcur ? r->capcur * 2 : 16;
        r->cur = xreallocarray(r->cur, r->capcur, sizeof *r->cur);
    }
    r->cur[r->ncur++] = len > 0 && field != NULL ? xstrndup(field, len) : xstrdup("");
}

static void queue_push(struct csv_reader *r, const struct csv_record *rec)
{
    if (r->qhead + r->qlen == r->qcap) {
        if (r->qhead > 0) {
            memmove(r->q, r->q + r->qhead, r->qlen * sizeof *r->q);
            r->qhead = 0;
        } else {
            r->qcap = r->qcap ? r->qcap * 2 : 4;
            r->q = xreallocarray(r->q, r->qcap, sizeof *r->q);
        }
    }
    r->q[r->qhead + r->qlen++] = *rec;
}

static void on_record(int c, void *data)
{
    struct csv_reader *r = data;
    struct csv_record rec;

    (void)c;
    rec.f = r->cur;
    rec.n = r->ncur;
    rec.line = r->start_line != 0 ? r->start_line : r->feeding;
    rec.text = NULL;
    r->cur = NULL;
    r->ncur = r->capcur = 0;
    r->start_line = 0;
    queue_push(r, &rec);
}

static void record_free(struct csv_record *rec)
{
    if (rec->text != NULL)
        free(rec->text);
    else
        for (size_t i = 0; i < rec->n; i++)
            free(rec->f[i]);
    free(rec->f);
    rec->f = NULL;
    rec->n = 0;
    rec->text = NULL;
}

static struct csv_reader *reader_new(const char *name, char *data, size_t len)
{
    struct csv_reader *r = xcalloc(1, sizeof *r);

    r->name = xstrdup(name);
    r->data = data;
    r->len = len;
    r->next_line = 1;
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        fatal("csv_init failed");
    csv_set_space_func(&r->p, no_space);
    /* A UTF-8 byte-order mark (as spreadsheets write) is not data. */
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        r->pos = 3;
    return r;
}

struct csv_reader *csv_reader_mem(const char *name, const char *data, size_t len)
{
    char *copy = xmalloc(len + 1);

    memcpy(copy, data, len);
    copy[len] = '\0';
    return reader_new(name, copy, len);
}

/*
 * A big file is read where it lies: mapped, checked as UTF-8 a window at
 * a time, and let go of behind the reader, so that an import of a million
 * rows holds a few megabytes of its file instead of all of it.  The pages
 * come back from the page cache should they be read again.
 */
#define LET_GO_BYTES (4u << 20)

/* The whole pages of data before upto, unless a few were let go of
 * already; *released: how far that reached. */
static void let_go(char *data, size_t upto, size_t *released)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE), end = upto / page * page;

    if (end < *released + LET_GO_BYTES)
        return;
    madvise(data + *released, end - *released, MADV_DONTNEED);
    *released = end;
}

/* 1 if the len bytes at data are valid UTF-8 without NUL bytes. */
static int mapped_utf8(char *data, size_t len)
{
    size_t at = 0, released = 0;

    while (at < len) {
        size_t w = len - at < LET_GO_BYTES ? len - at : LET_GO_BYTES;
        size_t ok = text_utf8_prefix(data + at, w);

        if (memchr(data + at, '\0', w) != NULL)
            return 0;
        /* A character cut by the window's end is read with the next one. */
        if (ok < w && (at + w == len || w - ok >= 4))
            return 0;
        at += ok;
        let_go(data, at, &released);
    }
    madvise(data, len, MADV_DONTNEED);
    return 1;
}

/* A regular file's bytes as the reader takes them, mapped when they are
 * UTF-8 already: 0 with *out, 1 when the file cannot be mapped (read it
 * as it comes), CSV_EBADTEXT with *err. */
static int open_mapped(struct csv_reader **out, FILE *f, const char *name, const char *encoding,
                       char **err)
{
    struct stat st;
    size_t len, n;
    char *map, *text;

    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (unsigned long long)st.st_size >= SIZE_MAX / 2)
        return 1;
    len = (size_t)st.st_size;
    map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fileno(f), 0);
    if (map == MAP_FAILED)
        return 1;
    if (charset_reads_as_utf8(map, len, encoding) && mapped_utf8(map, len)) {
        *out = reader_new(name, map, len);
        (*out)->mapped = 1;
        return 0;
    }
    /* Converted (or refused, with the reason said). */
    text = charset_to_utf8(name, map, len, encoding, &n, err);
    munmap(map, len);
    if (text == NULL)
        return CSV_EBADTEXT;
    *out = reader_new(name, text, n);
    return 0;
}

int csv_reader_open(struct csv_reader **out, const char *path, const char *encoding, char **err)
{
    int is_stdin = strcmp(path, "-") == 0, rc;
    const char *name = is_stdin ? _("standard input") : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    struct buf b = {0};
    char chunk[65536], *text;
    size_t n;

    *out = NULL;
    if (f == NULL) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return CSV_ENOFILE;
    }
    if ((rc = open_mapped(out, f, name, encoding, err)) != 1) {
        if (!is_stdin)
            fclose(f);
        return rc;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    rc = ferror(f);
    if (!is_stdin)
        fclose(f);
    if (rc) {
        *err = xasprintf(_("%s: read error"), path);
        buf_free(&b);
        return CSV_ENOFILE;
    }
    n = b.len;
    text = charset_to_utf8_take(name, buf_take(&b), n, encoding, &n, err);
    if (text == NULL)
        return CSV_EBADTEXT;
    *out = reader_new(name, text, n);
    return 0;
}

const char *csv_reader_name(const struct csv_reader *r)
{
    return r->name;
}

void csv_reader_progress(const struct csv_reader *r, size_t *done, size_t *total)
{
    *done = r->pos;
    *total = r->len;
}

static int fail(struct csv_reader *r, char **err, long line, const char *what)
{
    r->failed = 1;
    free(r->failure);
    r->failure = xasprintf("%s:%ld: %s", r->name, line, what);
    if (err != NULL)
        *err = xstrdup(r->failure);
    return -1;
}

/* 1 if the line [s, s+n) holds nothing but a line end. */
static int blank_line(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '\r');
}

/*
 * The common line, taken without libcsv: one whole record (no record open
 * before it, its '\n' present) whose fields are each either unquoted
 * without any quote or CR, or quoted from the first byte to a closing
 * quote right before the next comma or the line end, with quotes inside
 * doubled and no CR or line break inside; a CR is allowed only right
 * before the '\n'.  That is exactly what libcsv (strict, spaces kept)
 * reads as the same fields, so it is read here in one allocation instead
 * of one per field and a callback per byte.  Anything else, a malformed
 * line above all, is left to libcsv (0), which reads it and says what is
 * wrong.  "No record open" is asked of libcsv too: its parser state is 0
 * (its ROW_NOT_BEGUN) only between records, never inside a quoted field.
 */
static int fast_line(struct csv_reader *r, const char *s, size_t n)
{
    size_t len = n - 1, nf = 0, cap = 8, o = 0, i = 0;
    struct csv_record rec;
    size_t *starts;
    char *t;

    if (r->start_line != 0 || r->ncur != 0 || r->p.pstate != 0 || s[len] != '\n')
        return 0;
    if (len > 0 && s[len - 1] == '\r')
        len--;
    if (len == 0)
        return 0;
    t = xmalloc(len + 1);
    starts = xreallocarray(NULL, cap, sizeof *starts);
    for (;;) {
        if (nf == cap) {
            cap *= 2;
            starts = xreallocarray(starts, cap, sizeof *starts);
        }
        starts[nf++] = o;
        if (i < len && s[i] == '"') {
            for (i++;; i++) {
                if (i >= len || s[i] == '\r')
                    goto slow; /* not closed on this line */
                if (s[i] == '"') {
                    if (i + 1 < len && s[i + 1] == '"') {
                        t[o++] = '"';
                        i++;
                        continue;
                    }
                    i++;
                    break;
                }
                t[o++] = s[i];
            }
            if (i < len && s[i] != ',')
                goto slow; /* text after the closing quote */
        } else {
            for (; i < len && s[i] != ','; i++) {
                if (s[i] == '"' || s[i] == '\r')
                    goto slow;
                t[o++] = s[i];
            }
        }
        t[o++] = '\0';
        if (i == len)
            break;
        i++; /* the comma: another field follows, perhaps empty */
    }
    rec.text = t;
    rec.f = xreallocarray(NULL, nf, sizeof *rec.f);
    rec.n = nf;
    rec.line = r->next_line;
    for (size_t k = 0; k < nf; k++)
        rec.f[k] = t + starts[k];
    free(starts);
    queue_push(r, &rec);
    return 1;
slow:
    free(starts);
    free(t);
    return 0;
}

/* Feed the next physical line (with its '\n').  -1 on a parse error. */
static int feed_line(struct csv_reader *r, char **err)
{
    const char *s = r->data + r->pos;
    const char *nl = memchr(s, '\n', r->len - r->pos);
    size_t n = nl != NULL ? (size_t)(nl - s) + 1 : r->len - r->pos;
    size_t used;

    if (memchr(s, '\0', n) != NULL)
        return fail(r, err, r->next_line, _("contains a NUL byte (not a text file?)"));
    if (fast_line(r, s, n)) {
        r->pos += n;
        r->next_line++;
        return 0;
    }
    r->feeding = r->next_line;
    if (r->start_line == 0 && !blank_line(s, nl != NULL ? n - 1 : n))
        r->start_line = r->feeding;
    used = csv_parse(&r->p, s, n, on_field, on_record, r);
    if (used != n) {
        if (csv_error(&r->p) == CSV_EPARSE)
            return fail(r, err, r->feeding,
                        _("malformed quoting (a quote inside an unquoted field, or text "
                          "after a closing quote)"));
        return fail(r, err, r->feeding, csv_strerror(csv_error(&r->p)));
    }
    r->pos += n;
    r->next_line++;
    return 0;
}

/* 1 if a record holds no data at all (a line of only white space). */
static int empty_record(const struct csv_record *rec)
{
    return rec->n == 1 && str_blank(rec->f[0]);
}

int csv_reader_next(struct csv_reader *r, char ***fields, size_t *nfields, long *line, char **err)
{
    record_free(&r->out);
    if (r->failed) {
        if (err != NULL)
            *err = xstrdup(r->failure);
        return -1;
    }
    for (;;) {
        while (r->qlen > 0) {
            r->out = r->q[r->qhead++];
            r->qlen--;
            if (r->qlen == 0)
                r->qhead = 0;
            if (empty_record(&r->out)) {
                record_free(&r->out);
                continue;
            }
            *fields = r->out.f;
            *nfields = r->out.n;
            if (line != NULL)
                *line = r->out.line;
            return 1;
        }
        if (r->finished)
            return 0;
        if (r->pos < r->len) {
            if (r->mapped)
                let_go(r->data, r->pos, &r->released);
            if (feed_line(r, err) < 0)
                return -1;
            continue;
        }
        r->feeding = r->next_line > 1 ? r->next_line - 1 : 1;
        if (csv_fini(&r->p, on_field, on_record, r) != 0) {
            long at = r->start_line != 0 ? r->start_line : r->feeding;

            return fail(r, err, at, _("a quoted field that starts here is never closed"));
        }
        r->finished = 1;
    }
}

void csv_reader_free(struct csv_reader *r)
{
    if (r == NULL)
        return;
    record_free(&r->out);
    for (size_t i = 0; i < r->qlen; i++)
        record_free(&r->q[r->qhead + i]);
    free(r->q);
    for (size_t i = 0; i < r->ncur; i++)
        free(r->cur[i]);
    free(r->cur);
    csv_free(&r->p);
    free(r->failure);
    if (r->mapped)
        munmap(r->data, r->len);
    else
        free(r->data);
    free(r->name);
    free(r);
}

/*
 * Spreadsheets take a cell that begins with '=', '+', '-', '@', a tab or a
 * CR for a formula (OWASP's "CSV injection"), so such a value is written
 * with a leading "'" and csv_unguard() takes it off again.  A value that
 * already begins with quotes before such a character gets one more quote,
 * so that every value survives the round trip.
 */
static int formula_like(const char *s)
{
    while (*s == '\'')
        s++;
    return *s != '\0' && strchr("=+-@\t\r", *s) != NULL;
}

const char *csv_unguard(const char *s)
{
    return s[0] == '\'' && formula_like(s + 1) ? s + 1 : s;
}

/* Does this field need quotes? */
static int needs_quotes(const char *s)
{
    size_t n = strlen(s);

    if (n == 0)
        return 0;
    if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
        return 1;
    /* A leading U+FEFF would be taken for a byte-order mark at the start
     * of a file. */
    if (strncmp(s, "\xef\xbb\xbf", 3) == 0)
        return 1;
    return strpbrk(s, ",\"\r\n") != NULL;
}

void csv_write_record(FILE *f, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = fields[i] != NULL ? fields[i] : "";
        int guard = formula_like(s);

        if (i > 0)
            putc(',', f);
        if (!needs_quotes(s)) {
            if (guard)
                putc('\'', f);
            fputs(s, f);
            continue;
        }
        putc('"', f);
        if (guard)
            putc('\'', f);
        for (; *s != '\0'; s++) {
            if (*s == '"')
                putc('"', f);
            putc(*s, f);
        }
        putc('"', f);
    }
    fputs("\r\n", f);
}
