/*
 * textview.h: a scrollable, word-wrapped view of text for About, Help and
 * detail screens.  Content is a sequence of blocks (headings, paragraphs,
 * label/value pairs, list items); it is wrapped again whenever the width
 * changes.  Everything is drawn through ui_put(), so stored text is shown
 * sanitised.
 */
#ifndef MABDESK_UI_TEXTVIEW_H
#define MABDESK_UI_TEXTVIEW_H

#include "actions.h"
#include "ui/ui.h"

struct ui_textview;

struct ui_textview *ui_tv_new(void);
void ui_tv_free(struct ui_textview *);
/* Remove every block (keeps the scroll position when possible). */
void ui_tv_clear(struct ui_textview *);
void ui_tv_heading(struct ui_textview *, const char *text);
/* A paragraph; '\n' starts a new line.  role: how it is drawn. */
void ui_tv_para(struct ui_textview *, const char *text, enum ui_role role);
/* A list item with a bullet and a hanging indent. */
void ui_tv_item(struct ui_textview *, const char *text);
/* A label and its value; labels line up in one column. */
void ui_tv_kv(struct ui_textview *, const char *label, const char *value);
void ui_tv_blank(struct ui_textview *);
/* Headings ("#"), list items ("- ", "* "), quotes ("> ") and paragraphs of
 * a small Markdown text such as the About page. */
void ui_tv_markdown(struct ui_textview *, const char *md);

void ui_tv_draw(struct ui_textview *, const struct ui_rect *);
/* Scrolling actions; 1 if handled. */
int ui_tv_key(struct ui_textview *, enum action_id, const struct ui_key *);

#endif
