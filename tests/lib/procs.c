/*
 * procs.c: the process tree, read from /proc (see procs.h).
 */
#include "procs.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int proc_stat(pid_t pid, pid_t *ppid, char *state)
{
    char path[64], buf[512], *close_paren;
    FILE *f;
    size_t n;
    int pp = -1;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* "pid (comm) S ppid ...": comm may hold anything, ')' too. */
    close_paren = strrchr(buf, ')');
    if (close_paren == NULL || sscanf(close_paren + 1, " %c %d", state, &pp) != 2)
        return -1;
    *ppid = pp;
    return 0;
}

/* pid's command line, NUL-separated, into buf; its length (0: none). */
static size_t cmdline(pid_t pid, char *buf, size_t size)
{
    char path[64];
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    if ((f = fopen(path, "r")) == NULL) {
        buf[0] = '\0';
        return 0;
    }
    n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n;
}

int proc_has_arg(pid_t pid, const char *arg)
{
    char buf[4096];
    size_t n = cmdline(pid, buf, sizeof buf);

    for (size_t i = 0; i < n; i += strlen(buf + i) + 1)
        if (strcmp(buf + i, arg) == 0)
            return 1;
    return 0;
}

int proc_is(pid_t pid, const char *name)
{
    char buf[4096];
    size_t n = cmdline(pid, buf, sizeof buf);

    /* argv[0], or under valgrind (make valgrind) the program it runs. */
    for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
        const char *base = strrchr(buf + i, '/');

        if (strcmp(base != NULL ? base + 1 : buf + i, name) == 0)
            return 1;
        if (i == 0 && strstr(buf, "valgrind") == NULL)
            break;
    }
    return 0;
}

/* Every process /proc shows now, into out; how many. */
static int proc_all(struct proc_info *out, int max)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL && n < max) {
        pid_t pid = (pid_t)atoi(e->d_name);

        if (pid > 0 && proc_stat(pid, &out[n].ppid, &out[n].state) == 0)
            out[n++].pid = pid;
    }
    closedir(d);
    return n;
}

int proc_children(pid_t parent, pid_t *out, int max)
{
    static struct proc_info all[4096];
    int n = proc_all(all, 4096), k = 0;

    for (int i = 0; i < n && k < max; i++)
        if (all[i].ppid == parent)
            out[k++] = all[i].pid;
    return k;
}

int proc_below(pid_t root, struct proc_info *out, int max)
{
    static struct proc_info all[4096];
    int n = proc_all(all, 4096), k = 0, grew = 1;

    /* Parents may come after their children in /proc: repeat until no
     * more are found. */
    while (grew) {
        grew = 0;
        for (int i = 0; i < n; i++) {
            int inside = all[i].ppid == root, seen = 0;

            for (int j = 0; j < k && !inside; j++)
                inside = all[i].ppid == out[j].pid;
            for (int j = 0; j < k && !seen; j++)
                seen = all[i].pid == out[j].pid;
            if (inside && !seen && k < max) {
                out[k++] = all[i];
                grew = 1;
            }
        }
    }
    return k;
}
