/*
 * users.h: what the three files of the Users screens share (users.c the
 * list, user_account.c one account, user_form.c the forms).  Only they
 * include it.
 */
#ifndef MABDESK_SCREENS_USERS_H
#define MABDESK_SCREENS_USERS_H

#include "auth.h"

struct screen;

/* At most this many municipalities in a picker; typing narrows it. */
enum { PICK_MAX = 400 };

enum form_kind { FORM_NEW, FORM_PASSWORD, FORM_KEY };

/* The role as a person reads it (kind_user's labels). */
const char *role_label(enum role);
/* The mark for "none". */
const char *none_mark(void);
/* A municipality's name in the session's language (malloc'd). */
char *muni_name(long long id);
/* "N keys" (malloc'd). */
char *key_count(int n);
/* "label  value" at (y, x) in w columns; the columns used. */
int put_kv(int y, int x, int w, const char *label, const char *value);
/* Ask before disabling or enabling an account; done gets the answer. */
void ask_disable(const char *name, int disabled_now, void (*done)(void *, int), void *ctx);
void set_disabled(const char *name, int disable);

/* The form that adds an account (name NULL), or a password or a key to
 * the account name. */
struct screen *user_form_new(enum form_kind kind, const char *name);
/* One account and its keys. */
struct screen *user_account_new(const char *name);

#endif
