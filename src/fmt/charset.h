/*
 * charset.h: text in a named character set turned into UTF-8 and back, with iconv
 * (glibc).  Every file mabdesk imports passes through here first, so the
 * rest of the program only ever sees valid UTF-8.
 */
#ifndef MABDESK_CHARSET_H
#define MABDESK_CHARSET_H

#include <stddef.h>

/* 1 if encoding is "auto" or a character set iconv can read. */
int charset_known(const char *encoding);

/*
 * The len bytes at data, read from the file called name in messages, as
 * UTF-8:
 *   "auto"   a byte-order mark says UTF-8, UTF-16LE or UTF-16BE (what
 *            Excel's "Unicode text" writes); without one the bytes must be
 *            valid UTF-8;
 *   "utf-8"  the bytes must be valid UTF-8 (a byte-order mark is skipped);
 *   other    converted from that character set by iconv.
 * Returns malloc'd, NUL-terminated UTF-8 without a byte-order mark, its
 * length in *outlen.  NULL with *err, one line "NAME:LINE: problem", when
 * the text cannot be read: the problem says what the file seems to be and
 * the --encoding that reads it.
 */
char *charset_to_utf8(const char *name, const char *data, size_t len, const char *encoding,
                      size_t *outlen, char **err);

/* 1 when the len bytes at data are read as UTF-8 as they are (after a
 * UTF-8 byte-order mark, if any) in encoding, so that valid bytes need no
 * conversion; 0 when charset_to_utf8() converts them. */
int charset_reads_as_utf8(const char *data, size_t len, const char *encoding);

/* The same for len bytes at data, malloc'd with room for one more byte,
 * which it takes over: data itself when it is UTF-8 already (no copy of
 * a big file), else the converted text; NULL with *err as above. */
char *charset_to_utf8_take(const char *name, char *data, size_t len, const char *encoding,
                           size_t *outlen, char **err);

/*
 * The UTF-8 text (len bytes) written in encoding for an export called name
 * in messages; bom != 0 starts it with a byte-order mark (Unicode
 * encodings only; glibc's "utf-16" and "utf-32" always write one).
 * Malloc'd, its length in *outlen; NULL with *err, "NAME:LINE: ...", when
 * a character cannot be written in encoding.
 */
char *charset_from_utf8(const char *name, const char *text, size_t len, const char *encoding,
                        int bom, size_t *outlen, char **err);

#endif
