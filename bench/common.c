/*
 * common.c: helpers shared by the terminal benchmarks.  Bench code only:
 * never linked into mabdesk or its tests.
 */
#include "common.h"

#include <stdlib.h>

#include "vt.h"

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;

    return (x > y) - (x < y);
}

long long bench_pct(long long *v, int n, int p)
{
    qsort(v, (size_t)n, sizeof *v, cmp_ll);
    return n > 0 ? v[(long long)(n - 1) * p / 100] : 0;
}

int bench_await_redraw(struct vt *vt, unsigned long long since, int quiet_ms)
{
    long long deadline = vt_now_ns() + 2000LL * 1000000;

    while (vt_bytes_out(vt) == since && vt_now_ns() < deadline)
        if (vt_pump(vt, 10) < 0)
            break;
    if (vt_bytes_out(vt) == since)
        return 0;
    vt_settle(vt, quiet_ms, vt_timeout());
    return 1;
}
