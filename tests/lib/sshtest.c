/*
 * sshtest.c: what the SSH suites share (see sshtest.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "sshtest.h"
#include "testutil.h"
#include "vt.h"

#include "db/db.h"
#include "db/user.h"
#include "ssh/cred.h"
#include "util.h"

const char *st_tmp;
char *st_state_dir, *st_key_ed, *st_key_other, *st_key_pubonly, *st_askpass;
char *st_key_extra[3];
struct st_server st_srv;
pid_t st_agent_pid;

void st_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

int st_free_port(void)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    assert_true(fd >= 0);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

void st_make_key(const char *path)
{
    const char *argv[] = {
        "/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", path, NULL};

    assert_int_equal(tu_run((char *const *)argv, NULL, NULL, NULL), 0);
}

/* Occurrences of what in the server's log so far. */
int st_log_count(const char *what)
{
    /* None before the test started a server (st_teardown asks anyway). */
    char *log = st_srv.log != NULL ? tu_read_file(st_srv.log) : NULL;
    int n = 0;

    for (const char *p = log; p != NULL && (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    free(log);
    return n;
}

void st_print_log(void)
{
    char *log = tu_read_file(st_srv.log);

    fprintf(stderr, "--- server log ---\n%s--- end ---\n", log != NULL ? log : "(none)");
    free(log);
}

/* Wait until the log holds what; 1 if it does. */
int st_wait_log(const char *what, int timeout_ms)
{
    timeout_ms *= vt_slow();
    for (int t = 0; t < timeout_ms; t += 50) {
        if (st_log_count(what) > 0)
            return 1;
        st_sleep_ms(50);
    }
    fprintf(stderr, "not in the server log: %s\n", what);
    st_print_log();
    return 0;
}

/* A fresh database with the seed data and two accounts: ed (editor,
 * st_key_ed) and pat (viewer, password PAT_PASSWORD). */
void st_make_db(void)
{
    struct cred_pubkey *k;
    struct user_key uk;
    struct db *db;
    char *err = NULL, *hash, *pub;
    int n;

    st_srv.db = tu_db_path();
    db = tu_db_open(st_srv.db, ROLE_ADMIN, 0);
    pub = xasprintf("%s.pub", st_key_ed);
    assert_int_equal(cred_pubkey_read_file(pub, &k, &n, &err), 0);
    uk = (struct user_key){0, k[0].algo, k[0].b64, k[0].fingerprint, k[0].comment, NULL};
    assert_int_equal(db_user_add(db, "ed", ROLE_EDITOR, 0, NULL, &uk, 1, NULL, &err), DB_OK);
    cred_pubkeys_free(k, n);
    free(pub);
    hash = cred_password_hash(PAT_PASSWORD, &err);
    assert_non_null(hash);
    assert_int_equal(db_user_add(db, "pat", ROLE_VIEWER, 0, hash, NULL, 0, NULL, &err), DB_OK);
    free(hash);
    db_close(db);
}

void st_start_server_with(const char *const *extra)
{
    static int serial;
    char listen[64];

    /* A new log file per server, so no wait can see an older server's. */
    st_srv.log = xasprintf("%s/serve-%d.log", st_tmp, ++serial);
    for (int attempt = 0; attempt < 5; attempt++) {
        const char *argv[32];
        int n = 0;

        st_srv.port = st_free_port();
        snprintf(st_srv.port_s, sizeof st_srv.port_s, "%d", st_srv.port);
        snprintf(listen, sizeof listen, "127.0.0.1:%d", st_srv.port);
        argv[n++] = tu_bin();
        argv[n++] = "--db";
        argv[n++] = st_srv.db;
        argv[n++] = "serve";
        argv[n++] = "--listen";
        argv[n++] = listen;
        argv[n++] = "--state-dir";
        argv[n++] = st_state_dir;
        argv[n++] = "--log-stderr";
        for (int i = 0; extra != NULL && extra[i] != NULL; i++)
            argv[n++] = extra[i];
        argv[n] = NULL;
        remove(st_srv.log);
        st_srv.pid = fork();
        assert_true(st_srv.pid >= 0);
        if (st_srv.pid == 0) {
            int fd = open(st_srv.log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            int nul = open("/dev/null", O_RDONLY);

            dup2(nul, 0);
            dup2(fd, 1);
            dup2(fd, 2);
            execv(argv[0], (char *const *)argv);
            _exit(127);
        }
        for (int t = 0; t < 60000 * vt_slow(); t += 50) {
            int st;

            if (st_log_count("listening on") > 0)
                return;
            if (waitpid(st_srv.pid, &st, WNOHANG) == st_srv.pid) {
                st_srv.pid = 0;
                break; /* e.g. the port was taken meanwhile: try another */
            }
            st_sleep_ms(50);
        }
        if (st_srv.pid > 0)
            break;
    }
    st_print_log();
    fail_msg("the server did not start");
}

void st_start_server(void)
{
    st_start_server_with(NULL);
}

/* Stop the server (SIGTERM ends its sessions too) and check its log for
 * sanitizer reports. */
void st_stop_server(void)
{
    int st = 0;

    if (st_srv.pid > 0) {
        kill(st_srv.pid, SIGTERM);
        for (int t = 0; t < 10000 * vt_slow(); t += 50) {
            if (waitpid(st_srv.pid, &st, WNOHANG) == st_srv.pid) {
                st_srv.pid = 0;
                break;
            }
            st_sleep_ms(50);
        }
        if (st_srv.pid > 0) {
            kill(st_srv.pid, SIGKILL);
            waitpid(st_srv.pid, &st, 0);
            st_srv.pid = 0;
        }
    }
}

/* Run a command with a 90 s limit (times vt_slow()); exit status, output in *out / *err. */
int st_run(const char *const *argv, const char *const *env, char **out, char **err)
{
    const char *full[48];
    char limit[16];
    int n = 0, rc;

    snprintf(limit, sizeof limit, "%d", 90 * vt_slow());
    full[n++] = "/usr/bin/timeout";
    full[n++] = limit;
    for (int i = 0; argv[i] != NULL && n < 47; i++)
        full[n++] = argv[i];
    full[n] = NULL;
    rc = tu_run((char *const *)full, env, out, err);
    fprintf(stderr, "%s: exit %d\n%s", argv[0], rc, *err != NULL ? *err : "");
    return rc;
}

const char *const st_askpass_good[] = {"SSH_ASKPASS_REQUIRE=force", "MABDESK_TEST_PW=" PAT_PASSWORD,
                                       NULL, NULL};
const char *const st_askpass_bad[] = {"SSH_ASKPASS_REQUIRE=force", "MABDESK_TEST_PW=wrong-password",
                                      NULL, NULL};

/* Environment for ssh with the askpass script: env[2] is filled in. */
const char **st_askpass_env(const char *const *base)
{
    static const char *env[4];
    static char *a;

    free(a);
    a = xasprintf("SSH_ASKPASS=%s", st_askpass);
    env[0] = base[0];
    env[1] = base[1];
    env[2] = a;
    env[3] = NULL;
    return env;
}

/* An ssh-agent in the foreground (-D), so the test owns its process
 * (agent_pid, stopped by teardown); its socket path, malloc'd. */
char *st_start_agent(void)
{
    char *sock = xasprintf("%s/agent.sock", st_tmp);
    struct stat st;

    remove(sock);
    st_agent_pid = fork();
    assert_true(st_agent_pid >= 0);
    if (st_agent_pid == 0) {
        int nul = open("/dev/null", O_RDWR);

        dup2(nul, 0);
        dup2(nul, 1);
        dup2(nul, 2);
        execl("/usr/bin/ssh-agent", "ssh-agent", "-D", "-a", sock, (char *)NULL);
        _exit(127);
    }
    for (int t = 0; t < 10000 && stat(sock, &st) != 0; t += 50)
        st_sleep_ms(50);
    assert_int_equal(stat(sock, &st), 0);
    return sock;
}

/* ssh-add key to the agent at sock. */
void st_agent_add(const char *sock, const char *key)
{
    char *env_sock = xasprintf("SSH_AUTH_SOCK=%s", sock);
    const char *env[] = {env_sock, NULL};
    const char *argv[] = {"/usr/bin/ssh-add", "-q", key, NULL};

    assert_int_equal(tu_run((char *const *)argv, env, NULL, NULL), 0);
    free(env_sock);
}

void st_askpass_reset(void)
{
    char *count = xasprintf("%s/askpass.count", st_tmp);

    remove(count);
    free(count);
}

/* When the last password was asked for (0: never). */
double st_askpass_last(void)
{
    char *path = xasprintf("%s/askpass.count", st_tmp), *s = tu_read_file(path), *line;
    double t = 0;

    for (line = s; line != NULL && *line != '\0'; line = strchr(line, '\n') + 1) {
        t = strtod(line, NULL);
        if (strchr(line, '\n') == NULL)
            break;
    }
    free(s);
    free(path);
    return t;
}

double st_wall_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- fixtures ------------------------------------------------------------ */

int st_group_setup(void **state)
{
    char *pub, *copy;

    st_tmp = tu_tmpdir();
    st_state_dir = xasprintf("%s/state", st_tmp);
    st_key_ed = xasprintf("%s/id_ed", st_tmp);
    st_key_other = xasprintf("%s/id_other", st_tmp);
    st_make_key(st_key_ed);
    st_make_key(st_key_other);
    for (int i = 0; i < 3; i++) {
        st_key_extra[i] = xasprintf("%s/id_extra%d", st_tmp, i);
        st_make_key(st_key_extra[i]);
    }
    /* The public half of ed's key without its private key. */
    st_key_pubonly = xasprintf("%s/pubonly_ed.pub", st_tmp);
    pub = xasprintf("%s.pub", st_key_ed);
    copy = tu_read_file(pub);
    assert_int_equal(tu_write_file(st_key_pubonly, copy), 0);
    chmod(st_key_pubonly, 0600);
    free(copy);
    free(pub);
    st_askpass = xasprintf("%s/askpass.sh", st_tmp);
    /* One line per password asked for: when. */
    copy = xasprintf("#!/bin/sh\ndate +%%s.%%N >> '%s/askpass.count'\necho \"$MABDESK_TEST_PW\"\n",
                     st_tmp);
    assert_int_equal(tu_write_file(st_askpass, copy), 0);
    chmod(st_askpass, 0700);
    free(copy);
    return 0;
}

int st_group_teardown(void **state)
{
    free(st_state_dir);
    free(st_key_ed);
    free(st_key_other);
    free(st_key_pubonly);
    for (int i = 0; i < 3; i++)
        free(st_key_extra[i]);
    free(st_askpass);
    tu_cleanup();
    return 0;
}

int st_setup(void **state)
{
    st_askpass_reset();
    memset(&st_srv, 0, sizeof st_srv);
    st_make_db();
    return 0;
}

int st_teardown(void **state)
{
    int sanitizer;

    vt_close_all();
    st_stop_server();
    if (st_agent_pid > 0) {
        kill(st_agent_pid, SIGTERM);
        waitpid(st_agent_pid, NULL, 0);
        st_agent_pid = 0;
    }
    sanitizer = st_log_count("Sanitizer") + st_log_count("runtime error");
    if (sanitizer > 0)
        st_print_log();
    free(st_srv.db);
    free(st_srv.log);
    memset(&st_srv, 0, sizeof st_srv);
    return sanitizer > 0 ? -1 : 0;
}

int st_askpass_calls(void)
{
    char *path = xasprintf("%s/askpass.count", st_tmp), *s = tu_read_file(path);
    int n = 0;

    for (const char *p = s; p != NULL && *p != '\0'; p++)
        n += *p == '\n';
    free(s);
    free(path);
    return n;
}

/* One line (or EOF) from a freshly connected socket. */
void st_first_line(int fd, char *buf, size_t n)
{
    size_t len = 0;

    buf[0] = '\0';
    while (len + 1 < n) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;

        if (poll(&p, 1, 20000 * vt_slow()) != 1)
            break;
        r = read(fd, buf + len, 1);
        if (r <= 0)
            break;
        len++;
        if (buf[len - 1] == '\n')
            break;
    }
    buf[len] = '\0';
}

struct vt *st_ssh_vt(int rows, int cols, const char *const *env, const char *const *more)
{
    const char *argv[48] = {"/usr/bin/ssh", SSH_OPTS};
    int n = 0;

    while (argv[n] != NULL)
        n++;
    for (int i = 0; more[i] != NULL && n < 47; i++)
        argv[n++] = more[i];
    argv[n] = NULL;
    return vt_spawn(argv, rows, cols, env);
}
