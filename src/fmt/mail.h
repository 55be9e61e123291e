/*
 * mail.h: one Internet message (RFC 5322) with a MIME text/plain part in
 * UTF-8, as the confirmation mails and the Municipality Digest need it.
 * Pure formatting: no database, no files, no processes (mailout.c
 * delivers).
 *
 * What must never happen: a value reaching a header with CR, LF or any
 * other control character in it.  Every phrase (display name, subject) is
 * sanitised as text_sanitize() does for a terminal, then written as
 * plain words or as RFC 2047 encoded-words; addresses and URLs must pass
 * mail_addr_ok() / mail_url_ok() or the message is refused.
 */
#ifndef MABDESK_FMT_MAIL_H
#define MABDESK_FMT_MAIL_H

#include <time.h>

#include "util.h"

/* What one message says.  Strings are UTF-8; body lines end in '\n'. */
struct mail {
    const char *from_name; /* may be NULL or "" */
    const char *from_addr;
    const char *to_name; /* may be NULL or "" */
    const char *to_addr;
    const char *subject;
    const char *body;
    const char *list_id;          /* "digest.mab.org.bd", or NULL */
    const char *list_unsubscribe; /* an http(s) URL, or NULL: no List-Unsubscribe */
    time_t date;
};

/*
 * The message as it goes on the wire (CRLF line ends) appended to out;
 * 0, or -1 with *err (malloc'd) naming what is wrong (an address that is
 * not a plain ASCII address, a URL that is not one).
 */
int mail_build(const struct mail *, struct buf *out, char **err);

/* 1 when addr is an address we can write into a header: printable ASCII
 * with no spaces, quotes, angle brackets, parentheses, commas or
 * semicolons, exactly one '@' with something on each side, a dot in the
 * domain.  (Internationalised addresses need SMTPUTF8: refused.) */
int mail_addr_ok(const char *addr);
/* 1 when url is an http or https URL of printable ASCII without spaces,
 * quotes or angle brackets, at most 900 bytes. */
int mail_url_ok(const char *url);
/* 1 when id is a list identifier (RFC 2919): letters, digits, '.', '-',
 * '_', with a dot inside ("digest.mab.org.bd"). */
int mail_list_id_ok(const char *id);
/* "Name <addr>" or "addr": the parts (malloc'd; *name "" when none), 0;
 * or -1 when it is neither. */
int mail_parse_mailbox(const char *s, char **name, char **addr);

/*
 * The pieces mail_build() is made of, for the tests:
 * mail_header(): "Name: value" with value (a phrase, sanitised) as plain
 * words when it is short printable ASCII, else as encoded-words (UTF-8,
 * B), each at most 75 characters, folded so no line exceeds 78; then
 * tail (an address "<a@b>", or NULL) after it.  CRLF at the end.
 * mail_body_needs_qp(): 0 when body can go as 7bit (ASCII, no control
 * but '\n', lines of at most 76 characters with no trailing white space).
 * mail_qp(): body quoted-printable (RFC 2045): lines at most 76, soft
 * breaks only between characters, trailing white space encoded, CRLF.
 * mail_date(): RFC 5322 date of t in UTC ("Mon, 30 Nov 2026 00:03:59
 * +0000").
 */
void mail_header(struct buf *out, const char *name, const char *value, const char *tail);
int mail_body_needs_qp(const char *body);
void mail_qp(struct buf *out, const char *body);
void mail_date(time_t t, char *out, size_t n);

#endif
