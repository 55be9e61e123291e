/*
 * form.h: the one form widget, for every edit screen.
 *
 * Built from a field table (struct field_def, as muni_fields[]): one line
 * per field with its label, the value being edited and, beside it, the
 * field's validation message.  Text is edited in place as UTF-8 with the
 * cursor moving by grapheme; choice fields cycle with Space / Left / Right;
 * Tab / Shift-Tab / Up / Down move between fields; the form scrolls when
 * the fields do not fit.  Saving, leaving and telling the user are the
 * screen's business: ui_form_key() returns what happened.
 */
#ifndef MABDESK_UI_FORM_H
#define MABDESK_UI_FORM_H

#include <stddef.h>

#include "actions.h"
#include "record.h"
#include "ui/ui.h"

/* Check one value: NULL if good, else a message written into msg. */
typedef const char *(*ui_form_check_fn)(void *ctx, int field, const char *value, char *msg,
                                        size_t msgsz);

struct ui_form_field {
    const struct field_def *def;
    char *value;   /* UTF-8 as typed (normalised when saved) */
    size_t cursor; /* byte offset, on a grapheme boundary */
    size_t scroll; /* first byte shown */
    char *msg;     /* validation message, or NULL */
};

/* How a value reads when its field is not being edited (a reference by
 * its name), or NULL to show it as it is. */
typedef const char *(*ui_form_display_fn)(void *ctx, int field, const char *value);

struct ui_form {
    struct ui_form_field *f;
    int n;
    int cur;
    int top;
    int height; /* fields shown */
    int per;    /* lines a field takes: 2 with the label above the value */
    int dirty;  /* typed since load */
    ui_form_check_fn check;
    ui_form_display_fn display; /* optional */
    void *ctx;
    struct ui_rect rect;
};

enum ui_form_result {
    UI_FORM_UNHANDLED,
    UI_FORM_HANDLED,
    UI_FORM_PICK, /* Enter on a reference field: the screen offers a list */
    UI_FORM_FULL, /* a letter did not fit (max_len): nothing changed */
};

void ui_form_init(struct ui_form *, const struct field_def *defs, int n, ui_form_check_fn,
                  void *ctx);
void ui_form_free(struct ui_form *);
/* Set a value (as loaded: the cursor goes to its end) and check it. */
void ui_form_set(struct ui_form *, int field, const char *value);
const char *ui_form_value(const struct ui_form *, int field);
/* Replace a field's message (NULL clears it). */
void ui_form_set_msg(struct ui_form *, int field, const char *msg);
/* Check every field; the index of the first bad one, or -1. */
int ui_form_check_all(struct ui_form *);
void ui_form_focus(struct ui_form *, int field);
void ui_form_draw(struct ui_form *, const struct ui_rect *);
enum ui_form_result ui_form_key(struct ui_form *, enum action_id, const struct ui_key *);

#endif
