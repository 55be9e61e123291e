/*
 * testutil.c: temporary directories, paths and child processes for tests.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static char *tmpdir;
static int db_counter;

const char *tu_tmpdir(void)
{
    const char *base;

    if (tmpdir != NULL)
        return tmpdir;
    base = getenv("TMPDIR");
    if (base == NULL || *base == '\0')
        base = "/tmp";
    tmpdir = xasprintf("%s/mabdesk-test-XXXXXX", base);
    if (mkdtemp(tmpdir) == NULL)
        fatal("mkdtemp %s: %s", tmpdir, strerror(errno));
    return tmpdir;
}

char *tu_db_path(void)
{
    return xasprintf("%s/test-%d-%d.db", tu_tmpdir(), (int)getpid(), ++db_counter);
}

const char *tu_bin(void)
{
    const char *b = getenv("MABDESK_BIN");

    return b != NULL && *b != '\0' ? b : "build/asan/mabdesk";
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void tu_remove_tree(const char *path)
{
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int tu_mode(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return -1;
    return (int)(st.st_mode & 07777);
}

int tu_exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

void tu_cleanup(void)
{
    if (tmpdir == NULL)
        return;
    tu_remove_tree(tmpdir);
    free(tmpdir);
    tmpdir = NULL;
}

struct session tu_session(enum role r, long long municipality_id)
{
    struct session s;

    memset(&s, 0, sizeof s);
    snprintf(s.user, sizeof s.user, "test-%s", auth_role_name(r));
    s.role = r;
    s.municipality_id = municipality_id;
    return s;
}

char *tu_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct buf b = {0};
    char chunk[4096];
    size_t n;

    if (f == NULL)
        return NULL;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    return buf_take(&b);
}

int tu_write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    int rc;

    if (f == NULL)
        return -1;
    rc = fputs(s, f) < 0 ? -1 : 0;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

static char *slurp_fd(int fd)
{
    struct buf b = {0};
    char chunk[4096];
    ssize_t n;

    while ((n = read(fd, chunk, sizeof chunk)) > 0)
        buf_add(&b, chunk, (size_t)n);
    return buf_take(&b);
}

int tu_run(char *const argv[], const char *const envp_extra[], char **out, char **err)
{
    char outpath[] = "/tmp/mabdesk-tu-out-XXXXXX";
    char errpath[] = "/tmp/mabdesk-tu-err-XXXXXX";
    int ofd = mkstemp(outpath), efd = mkstemp(errpath), status;
    pid_t pid;

    if (ofd < 0 || efd < 0)
        return -1;
    unlink(outpath);
    unlink(errpath);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int nul = open("/dev/null", O_RDONLY);

        dup2(nul, 0);
        dup2(ofd, 1);
        dup2(efd, 2);
        for (int i = 0; envp_extra != NULL && envp_extra[i] != NULL; i++)
            putenv((char *)envp_extra[i]);
        execv(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    if (out != NULL)
        *out = slurp_fd(ofd);
    if (err != NULL)
        *err = slurp_fd(efd);
    close(ofd);
    close(efd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
