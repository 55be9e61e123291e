/*
 * text.h: UTF-8 text as the rest of the program needs it: NFC normalisation
 * on the way in, and safe, width-correct strings on the way to a terminal.
 *
 * Text from the database never reaches the terminal except through
 * text_sanitize(): C0 and C1 controls, DEL and ESC become visible
 * replacements (U+2400..U+241F, U+2421, U+FFFD), invalid UTF-8 becomes
 * U+FFFD.  Widths are those of wcwidth(), which is what ncurses and the
 * terminal use.  Cuts are made on grapheme boundaries (utf8proc), so a base
 * letter is never separated from its vowel signs or virama.
 */
#ifndef MABDESK_TEXT_H
#define MABDESK_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* NFC copy of s; invalid UTF-8 sequences become U+FFFD.  Malloc'd. */
char *text_nfc(const char *s);
/* NFC and trimmed of surrounding white space: what every input path stores. */
char *text_clean(const char *s);
/* Case-folded NFC, for comparisons (NFKC_Casefold is not wanted: keep
 * Bengali as typed). */
char *text_fold(const char *s);

/* Copy of s that is safe to draw: no control characters, valid UTF-8.
 * Newline and tab also become visible symbols (one-line contexts). */
char *text_sanitize(const char *s);
/* As text_sanitize() but keeps '\n' (for multi-line text views). */
char *text_sanitize_ml(const char *s);

/*
 * What no stored value may hold, so that nothing typed, imported or pasted
 * can later drive a terminal or a spreadsheet: C0 and C1 controls, DEL,
 * the bidirectional embeddings, overrides and isolates (U+202A..U+202E,
 * U+2066..U+2069), line and paragraph separators, and invalid UTF-8 (*cp
 * -1).  multiline allows line breaks ("\n" and "\r\n").  Returns the byte
 * offset of the first such character (its code point in *cp, if not
 * NULL), or -1 when there is none.  ZWJ and ZWNJ, which Bengali needs,
 * are allowed.
 */
long text_forbidden(const char *s, int multiline, int32_t *cp);
/* The problem text_forbidden() finds, as a person reads it ("control
 * character U+001B"), malloc'd; NULL when s is acceptable. */
char *text_forbidden_problem(const char *s, int multiline);

/* Terminal columns s takes once sanitised. */
int text_width(const char *s);
/*
 * Longest prefix of s (sanitised) that fits in cols columns, cut on a
 * grapheme boundary; if anything was cut and ellipsis is set, the last
 * column becomes "…" (or "~" when the terminal cannot show it: see
 * text_set_ascii()).  *width (if not NULL) gets the columns used.  Malloc'd.
 */
char *text_fit(const char *s, int cols, int ellipsis, int *width);
/* Byte offset of the grapheme boundary after / before pos in s. */
size_t text_next_grapheme(const char *s, size_t pos);
size_t text_prev_grapheme(const char *s, size_t pos);
/* How many of the len bytes at s are valid UTF-8 from the start. */
size_t text_utf8_prefix(const char *s, size_t len);
/* 1 if s is valid UTF-8. */
int text_valid_utf8(const char *s, size_t len);
/* Use ASCII stand-ins (ellipsis, replacement marks) for non-UTF-8 terminals. */
void text_set_ascii(int on);

/* Word-wrap s (sanitised, '\n' kept) into lines of at most cols columns;
 * returns a malloc'd array of malloc'd lines, count in *n. */
char **text_wrap(const char *s, int cols, int *n);
void text_lines_free(char **lines, int n);

#endif
