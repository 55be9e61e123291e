/*
 * vt52.h: a small VT52 screen, for tests of what a program draws on a
 * terminal that libvterm cannot emulate (vt.h understands ANSI, VT100 and
 * xterm, not VT52 mode).
 *
 * Fed the program's raw output (vt_raw_keep() / vt_raw()), it keeps a grid
 * of characters and the cursor as a DEC VT52 would: ESC A B C D (cursor),
 * ESC H (home), ESC I (reverse line feed), ESC J / ESC K (erase), ESC Y row
 * col, ESC F / ESC G (graphics on/off), ESC = / ESC > (keypad), ESC Z
 * (identify); CR, LF, BS, TAB, BEL; no automatic margins.  Whatever else
 * comes -- an ESC [ (CSI) above all, or a byte outside 7-bit ASCII -- a
 * VT52 would show as garbage or act on wrongly: it is counted, for the test
 * to assert there was none, and otherwise ignored.
 *
 * Decides nothing itself: the test asserts on what it reports.
 */
#ifndef MABDESK_VT52_H
#define MABDESK_VT52_H

#include <stddef.h>

struct vt52;

struct vt52 *vt52_new(int rows, int cols);
void vt52_free(struct vt52 *);
/* Interpret len more bytes of output (a sequence may span two calls). */
void vt52_feed(struct vt52 *, const unsigned char *bytes, size_t len);
/* Row y as text (graphics-mode characters as sent), trailing blanks
 * removed.  Valid until the next call. */
const char *vt52_row(struct vt52 *, int y);
/* 1 if text is on one row; *y and *x (may be NULL) get where. */
int vt52_find(struct vt52 *, const char *text, int *y, int *x);
void vt52_cursor(const struct vt52 *, int *y, int *x);
/* 1 if the character at (y, x) was written in graphics mode (ESC F). */
int vt52_graphics_at(const struct vt52 *, int y, int x);
/* How many sequences a VT52 does not know were fed (a CSI counts once),
 * how many of them were CSIs, and how many bytes were not 7-bit ASCII. */
long vt52_unknown(const struct vt52 *);
long vt52_csi(const struct vt52 *);
long vt52_eight_bit(const struct vt52 *);
/* The first unknown sequence, printable (for a failure message), or "". */
const char *vt52_first_unknown(const struct vt52 *);
/* The screen, rows numbered, for a failure message (malloc'd). */
char *vt52_dump(struct vt52 *);

#endif
