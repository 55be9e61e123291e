/*
 * vcard.h: vCard 4.0 (RFC 6350) for the directory: one card per
 * municipality or person, with the names in English and Bengali.
 *
 * Output is UTF-8 with CRLF line ends, content lines folded at 75 octets
 * without ever splitting a UTF-8 sequence.  The reading helpers (unfold,
 * unescape, property split) exist for tests and fuzzing of the writer's
 * round trip; mabdesk does not import vCards.
 */
#ifndef MABDESK_VCARD_H
#define MABDESK_VCARD_H

#include <stdio.h>

struct record;

/* Escape a property value, made valid UTF-8 (NFC) first: backslash,
 * newline (CRLF, CR, LF) and comma; component != 0 also escapes ';' (a
 * part of a structured value).  Other control characters are dropped.
 * Malloc'd. */
char *vcard_escape(const char *s, int component);
/* Undo vcard_escape() on one value or component.  Malloc'd. */
char *vcard_unescape(const char *s);
/* One content line (without line end) folded into physical lines of at most
 * 75 octets, each ended by CRLF.  Malloc'd. */
char *vcard_fold(const char *line);
/* Undo folding: a CRLF (or LF) followed by a space or tab disappears.
 * Malloc'd. */
char *vcard_unfold(const char *text);

/* The card of a municipality (KIND:org) and of a person (KIND:individual):
 * BEGIN:VCARD .. END:VCARD, folded, CRLF.  Malloc'd.  The kinds' vcard
 * hooks. */
char *vcard_muni(const struct record *m);
char *vcard_contact(const struct record *c);

/*
 * Split one unfolded content line "NAME;PARAM=V:value" into its name
 * (upper-cased, group dropped), its parameters (as written, without the
 * leading ';', "" when none) and its raw value.  0, or -1 when the line has
 * no ':' or no name.  Each output malloc'd.
 */
int vcard_split_line(const char *line, char **name, char **params, char **value);

#endif
