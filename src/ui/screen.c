/*
 * screen.c: the one constructor every screen and dialog starts from (see
 * screen.h).  The stack that holds screens is the application's; nothing
 * here knows about it.
 */
#include "ui/screen.h"

#include "util.h"

struct screen *screen_new(const char *name, const char *title, void *st)
{
    struct screen *s = xcalloc(1, sizeof *s);

    s->name = name;
    s->title = title;
    s->st = st;
    return s;
}
