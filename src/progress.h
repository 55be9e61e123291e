/*
 * progress.h: a progress bar for a long command (an import of a million
 * rows), on stderr when that is a terminal, redrawn at most ten times a
 * second on one line with a carriage return and erased at the end; on
 * anything else (a pipe, a log file, TERM=dumb) nothing at all.
 */
#ifndef MABDESK_PROGRESS_H
#define MABDESK_PROGRESS_H

#include <stdio.h>

struct progress {
    FILE *out;
    int on;
    char *label; /* what is under way, as it may be printed */
    long long last_ms;
    int last_permille;
    size_t drawn; /* columns of the last line drawn */
};

/* label: translated, "Importing subscribers.csv" (a file name in it is
 * shown with its control characters made visible). */
void progress_init(struct progress *, FILE *out, const char *label);
/* done of total (bytes, rows); done == total: the last step (finishing);
 * total 0: the bar is erased (something else is to be said). */
void progress_show(struct progress *, unsigned long long done, unsigned long long total);
/* Erase the bar, leaving the line empty for what follows; frees p. */
void progress_end(struct progress *);

#endif
