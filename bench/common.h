/*
 * common.h: what the terminal benchmarks (tty.c, ssh.c, flood.c) share:
 * percentiles and "wait for the answer to a key, then for the redraw to
 * end".
 */
#ifndef MABDESK_BENCH_COMMON_H
#define MABDESK_BENCH_COMMON_H

struct vt;

/* The p-th percentile (0..100) of v[0..n) (sorts v); 0 when n is 0. */
long long bench_pct(long long *v, int n, int p);
/* Wait for the program's answer to a key (a byte after `since` bytes), then
 * until it has been quiet for quiet_ms.  0 if nothing came within 2 s. */
int bench_await_redraw(struct vt *, unsigned long long since, int quiet_ms);

#endif
