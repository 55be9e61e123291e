/*
 * unpriv.c: running as a user whom file permissions bind (see unpriv.h).
 */
#include "unpriv.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "util.h"

#define SETPRIV "/usr/bin/setpriv"

static char *dir;
static char *bin;

int tu_unpriv_switches(void)
{
    return geteuid() == 0;
}

static void nobody(uid_t *uid, gid_t *gid)
{
    struct passwd *pw = getpwnam("nobody");

    *uid = pw != NULL ? pw->pw_uid : 65534;
    *gid = pw != NULL ? pw->pw_gid : 65534;
}

const char *tu_unpriv_dir(void)
{
    if (dir != NULL)
        return dir;
    if (!tu_unpriv_switches()) {
        dir = xasprintf("%s/unpriv", tu_tmpdir());
        if (mkdir(dir, 0755) != 0)
            fatal("mkdir %s: %s", dir, strerror(errno));
        return dir;
    }
    dir = xstrdup("/tmp/mabdesk-test-nobody-XXXXXX");
    if (mkdtemp(dir) == NULL)
        fatal("mkdtemp %s: %s", dir, strerror(errno));
    chmod(dir, 0755);
    tu_unpriv_give(dir);
    return dir;
}

void tu_unpriv_give(const char *path)
{
    uid_t uid;
    gid_t gid;

    if (!tu_unpriv_switches())
        return;
    nobody(&uid, &gid);
    if (chown(path, uid, gid) != 0)
        fatal("chown %s: %s", path, strerror(errno));
}

int tu_unpriv_become(void)
{
    uid_t uid;
    gid_t gid;

    if (!tu_unpriv_switches())
        return 0;
    nobody(&uid, &gid);
    if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
        return -1;
    /* Make sure: root could otherwise still write anything. */
    return geteuid() == 0 ? -1 : 0;
}

static int copy_file(const char *from, const char *to)
{
    char chunk[65536];
    ssize_t n;
    int in = open(from, O_RDONLY), out, rc = 0;

    if (in < 0)
        return -1;
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (out < 0) {
        close(in);
        return -1;
    }
    while ((n = read(in, chunk, sizeof chunk)) > 0) {
        if (write(out, chunk, (size_t)n) != n)
            rc = -1;
    }
    if (n < 0 || close(out) != 0)
        rc = -1;
    close(in);
    return rc;
}

const char *tu_unpriv_bin(void)
{
    if (!tu_unpriv_switches())
        return tu_bin();
    if (bin == NULL) {
        bin = xasprintf("%s/mabdesk", tu_unpriv_dir());
        if (copy_file(tu_bin(), bin) != 0)
            fatal("copy %s to %s: %s", tu_bin(), bin, strerror(errno));
    }
    return bin;
}

int tu_unpriv_argv(const char **out, int max, const char *const argv[])
{
    static char reuid[32], regid[32];
    int n = 0;
    uid_t uid;
    gid_t gid;

    if (tu_unpriv_switches()) {
        if (access(SETPRIV, X_OK) != 0)
            return -1;
        nobody(&uid, &gid);
        snprintf(reuid, sizeof reuid, "--reuid=%u", (unsigned)uid);
        snprintf(regid, sizeof regid, "--regid=%u", (unsigned)gid);
        out[n++] = SETPRIV;
        out[n++] = reuid;
        out[n++] = regid;
        out[n++] = "--clear-groups";
    }
    for (int i = 0; argv[i] != NULL; i++) {
        if (n + 1 >= max)
            fatal("tu_unpriv_argv: too many arguments");
        out[n++] = argv[i];
    }
    out[n] = NULL;
    return n;
}

int tu_unpriv_run(char *const argv[], const char *const envp_extra[], char **out, char **err)
{
    const char *v[64];

    if (tu_unpriv_argv(v, (int)nitems(v), (const char *const *)argv) < 0)
        return -1;
    return tu_run((char *const *)v, envp_extra, out, err);
}

static int open_up(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)ftw;
    if (flag == FTW_D || flag == FTW_DNR)
        chmod(path, (st->st_mode & 07777) | 0700);
    return 0;
}

void tu_unpriv_cleanup(void)
{
    if (dir == NULL)
        return;
    /* Directories a test made read-only must open up to be emptied (as a
     * user other than root). */
    nftw(dir, open_up, 16, FTW_PHYS);
    tu_remove_tree(dir);
    free(dir);
    dir = NULL;
    free(bin);
    bin = NULL;
}
