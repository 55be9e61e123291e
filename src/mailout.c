/*
 * mailout.c: delivery of the messages a mail run builds (mailout.h).  A
 * maildir message is complete before it appears in new/ (written and
 * fsync'd in tmp/, then renamed); a sendmail program is exec'd directly,
 * never through a shell, and a non-zero exit is a failed delivery.
 */
#include "mailout.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

static int fail(char **err, const char *fmt, ...) MAB_PRINTF(2, 3);

static int fail(char **err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    *err = xvasprintf(fmt, ap);
    va_end(ap);
    return -1;
}

static int make_dir(const char *path, char **err)
{
    struct stat st;

    if (mkdir(path, 0700) == 0 || (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
        return 0;
    return fail(err, "%s: %s", path, errno == EEXIST ? _("not a directory") : strerror(errno));
}

static int maildir_open(struct mailout *o, char **err)
{
    static const char *const subs[] = {"tmp", "new", "cur"};
    int rc = make_dir(o->path, err);

    for (size_t i = 0; i < nitems(subs) && rc == 0; i++) {
        char *p = xasprintf("%s/%s", o->path, subs[i]);

        rc = make_dir(p, err);
        free(p);
    }
    return rc;
}

int mailout_open(struct mailout *o, enum mailout_mode mode, const char *path, char **err)
{
    memset(o, 0, sizeof *o);
    o->mode = mode;
    o->path = path;
    if (gethostname(o->host, sizeof o->host - 1) != 0 || o->host[0] == '\0')
        snprintf(o->host, sizeof o->host, "localhost");
    for (char *p = o->host; *p != '\0'; p++)
        if (*p == '/' || *p == ':')
            *p = '_';
    if (mode == MAILOUT_MAILDIR)
        return maildir_open(o, err);
    if (mode == MAILOUT_SENDMAIL) {
        struct stat st;

        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || access(path, X_OK) != 0)
            return fail(err, _("%s: not a program mabdesk can run"), path);
        /* A program that exits early must be a failed delivery, not a
         * signal that ends the run unreported. */
        signal(SIGPIPE, SIG_IGN);
    }
    return 0;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int maildir_send(struct mailout *o, const char *to, const char *msg, size_t len, char **err)
{
    char *name =
        xasprintf("%lld.%ld.%u.%s", (long long)time(NULL), (long)getpid(), o->counter, o->host);
    char *tmp = xasprintf("%s/tmp/%s", o->path, name), *dst = xasprintf("%s/new/%s", o->path, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600), rc = -1;

    if (fd < 0) {
        fail(err, _("%s: %s (the message to %s)"), tmp, strerror(errno), to);
    } else if (write_all(fd, msg, len) != 0 || fsync(fd) != 0) {
        fail(err, _("%s: %s (the message to %s)"), tmp, strerror(errno), to);
        close(fd);
        unlink(tmp);
    } else if (close(fd) != 0 || rename(tmp, dst) != 0) {
        fail(err, _("%s: %s (the message to %s)"), dst, strerror(errno), to);
        unlink(tmp);
    } else {
        rc = 0;
    }
    free(name);
    free(tmp);
    free(dst);
    return rc;
}

/* msg with CRLF made LF, for a local program's standard input. */
static char *unix_lines(const char *msg, size_t len, size_t *out)
{
    char *s = xmalloc(len + 1);
    size_t k = 0;

    for (size_t i = 0; i < len; i++)
        if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
            s[k++] = msg[i];
    s[k] = '\0';
    *out = k;
    return s;
}

static int sendmail_send(struct mailout *o, const char *to, const char *msg, size_t len, char **err)
{
    char *const argv[] = {(char *)o->path, (char *)"-oi", (char *)"-t", NULL};
    int fds[2], status = 0, wrote;
    size_t n;
    char *text;
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) != 0)
        return fail(err, "pipe: %s", strerror(errno));
    if ((pid = fork()) < 0) {
        close(fds[0]);
        close(fds[1]);
        return fail(err, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        /* Its output is not ours to print on stdout, where the summary goes. */
        if (dup2(fds[0], 0) < 0 || dup2(2, 1) < 0)
            _exit(126);
        execv(o->path, argv);
        _exit(127);
    }
    close(fds[0]);
    text = unix_lines(msg, len, &n);
    wrote = write_all(fds[1], text, n);
    free(text);
    close(fds[1]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && wrote == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return fail(err, _("%s did not read the whole message to %s"), o->path, to);
    if (WIFEXITED(status))
        return fail(err, _("%s exited with status %d for the message to %s"), o->path,
                    WEXITSTATUS(status), to);
    return fail(err, _("%s was ended by signal %d for the message to %s"), o->path,
                WIFSIGNALED(status) ? WTERMSIG(status) : 0, to);
}

int mailout_send(struct mailout *o, const char *to, const char *msg, size_t len, char **err)
{
    int rc = 0;

    if (o->mode == MAILOUT_MAILDIR)
        rc = maildir_send(o, to, msg, len, err);
    else if (o->mode == MAILOUT_SENDMAIL)
        rc = sendmail_send(o, to, msg, len, err);
    if (rc == 0)
        o->counter++;
    return rc;
}
