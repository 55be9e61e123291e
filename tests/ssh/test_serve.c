/*
 * test_serve.c: "mabdesk serve" on a loopback port, driven by the real
 * OpenSSH client.  Interactive sessions run ssh inside the libvterm harness
 * (tests/lib/vt.h); the rest run ssh / sftp as commands and read their
 * exit status, their output and the server's log (--log-stderr).
 *
 * Every test has its own database and its own server on a free port of
 * 127.0.0.1, and stops it.  Host keys are made once per run in the
 * temporary directory.  No timing asserts: waits poll with time limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "fixtures.h"
#include "testutil.h"
#include "vt.h"

#include "db/db.h"
#include "db/user.h"
#include "ssh/cred.h"
#include "util.h"

#define PAT_PASSWORD "pat-secret-1"

static const char *tmp;
static char *state_dir, *key_ed, *key_other, *key_pubonly, *askpass;
static char *key_extra[3]; /* registered to nobody */

struct server {
    pid_t pid;
    int port;
    char port_s[16];
    char *db;
    char *log;
};

static struct server srv;
static pid_t agent_pid; /* an ssh-agent a test started, or 0 */

/* --- helpers ------------------------------------------------------------ */

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static int free_port(void)
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

static void make_key(const char *path)
{
    const char *argv[] = {
        "/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", path, NULL};

    assert_int_equal(tu_run((char *const *)argv, NULL, NULL, NULL), 0);
}

/* Occurrences of what in the server's log so far. */
static int log_count(const char *what)
{
    char *log = tu_read_file(srv.log);
    int n = 0;

    for (const char *p = log; p != NULL && (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    free(log);
    return n;
}

static void print_log(void)
{
    char *log = tu_read_file(srv.log);

    fprintf(stderr, "--- server log ---\n%s--- end ---\n", log != NULL ? log : "(none)");
    free(log);
}

/* Wait until the log holds what; 1 if it does. */
static int wait_log(const char *what, int timeout_ms)
{
    for (int t = 0; t < timeout_ms; t += 50) {
        if (log_count(what) > 0)
            return 1;
        sleep_ms(50);
    }
    fprintf(stderr, "not in the server log: %s\n", what);
    print_log();
    return 0;
}

/* A fresh database with the seed data and three accounts: ed (editor,
 * key_ed), pat (viewer, password) and mo (municipal of municipality 1,
 * key_other). */
static void make_db(void)
{
    struct cred_pubkey *k;
    struct user_key uk;
    struct db *db;
    char *err = NULL, *hash, *pub;
    int n;

    srv.db = tu_db_path();
    db = tu_db_open(srv.db, ROLE_ADMIN, 0);
    pub = xasprintf("%s.pub", key_ed);
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

static void start_server_with(const char *const *extra)
{
    static int serial;
    char listen[64];

    /* A new log file per server, so no wait can see an older server's. */
    srv.log = xasprintf("%s/serve-%d.log", tmp, ++serial);
    for (int attempt = 0; attempt < 5; attempt++) {
        const char *argv[32];
        int n = 0;

        srv.port = free_port();
        snprintf(srv.port_s, sizeof srv.port_s, "%d", srv.port);
        snprintf(listen, sizeof listen, "127.0.0.1:%d", srv.port);
        argv[n++] = tu_bin();
        argv[n++] = "--db";
        argv[n++] = srv.db;
        argv[n++] = "serve";
        argv[n++] = "--listen";
        argv[n++] = listen;
        argv[n++] = "--state-dir";
        argv[n++] = state_dir;
        argv[n++] = "--log-stderr";
        for (int i = 0; extra != NULL && extra[i] != NULL; i++)
            argv[n++] = extra[i];
        argv[n] = NULL;
        remove(srv.log);
        srv.pid = fork();
        assert_true(srv.pid >= 0);
        if (srv.pid == 0) {
            int fd = open(srv.log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            int nul = open("/dev/null", O_RDONLY);

            dup2(nul, 0);
            dup2(fd, 1);
            dup2(fd, 2);
            execv(argv[0], (char *const *)argv);
            _exit(127);
        }
        for (int t = 0; t < 60000; t += 50) {
            int st;

            if (log_count("listening on") > 0)
                return;
            if (waitpid(srv.pid, &st, WNOHANG) == srv.pid) {
                srv.pid = 0;
                break; /* e.g. the port was taken meanwhile: try another */
            }
            sleep_ms(50);
        }
        if (srv.pid > 0)
            break;
    }
    print_log();
    fail_msg("the server did not start");
}

static void start_server(void)
{
    start_server_with(NULL);
}

/* Stop the server (SIGTERM ends its sessions too) and check its log for
 * sanitizer reports. */
static void stop_server(void)
{
    int st = 0;

    if (srv.pid > 0) {
        kill(srv.pid, SIGTERM);
        for (int t = 0; t < 10000; t += 50) {
            if (waitpid(srv.pid, &st, WNOHANG) == srv.pid) {
                srv.pid = 0;
                break;
            }
            sleep_ms(50);
        }
        if (srv.pid > 0) {
            kill(srv.pid, SIGKILL);
            waitpid(srv.pid, &st, 0);
            srv.pid = 0;
        }
    }
}

/* ssh's options for these tests, then the rest; SSH_BASE_OPTS lets ssh
 * offer every key of an agent. */
#define SSH_BASE_OPTS                                                                              \
    "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",     \
        "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=30", "-p", srv.port_s
#define SSH_OPTS SSH_BASE_OPTS, "-o", "IdentitiesOnly=yes"

/* Run a command with a 90 s limit; exit status, output in *out / *err. */
static int run(const char *const *argv, const char *const *env, char **out, char **err)
{
    const char *full[48];
    int n = 0, rc;

    full[n++] = "/usr/bin/timeout";
    full[n++] = "90";
    for (int i = 0; argv[i] != NULL && n < 47; i++)
        full[n++] = argv[i];
    full[n] = NULL;
    rc = tu_run((char *const *)full, env, out, err);
    fprintf(stderr, "%s: exit %d\n%s", argv[0], rc, *err != NULL ? *err : "");
    return rc;
}

static const char *const askpass_env_good[] = {"SSH_ASKPASS_REQUIRE=force",
                                               "MABDESK_TEST_PW=" PAT_PASSWORD, NULL, NULL};
static const char *const askpass_env_bad[] = {"SSH_ASKPASS_REQUIRE=force",
                                              "MABDESK_TEST_PW=wrong-password", NULL, NULL};

/* Environment for ssh with the askpass script: env[2] is filled in. */
static const char **askpass_env(const char *const *base)
{
    static const char *env[4];
    static char *a;

    free(a);
    a = xasprintf("SSH_ASKPASS=%s", askpass);
    env[0] = base[0];
    env[1] = base[1];
    env[2] = a;
    env[3] = NULL;
    return env;
}

/* An interactive ssh session in the terminal emulator. */
static struct vt *ssh_vt(int rows, int cols, const char *const *env, const char *const *more)
{
    const char *argv[48] = {"/usr/bin/ssh", SSH_OPTS};
    int n = 0;

    while (argv[n] != NULL)
        n++;
    for (int i = 0; more[i] != NULL; i++)
        argv[n++] = more[i];
    argv[n] = NULL;
    return vt_spawn(argv, rows, cols, env);
}

/* An ssh-agent in the foreground (-D), so the test owns its process
 * (agent_pid, stopped by teardown); its socket path, malloc'd. */
static char *start_agent(void)
{
    char *sock = xasprintf("%s/agent.sock", tmp);
    struct stat st;

    remove(sock);
    agent_pid = fork();
    assert_true(agent_pid >= 0);
    if (agent_pid == 0) {
        int nul = open("/dev/null", O_RDWR);

        dup2(nul, 0);
        dup2(nul, 1);
        dup2(nul, 2);
        execl("/usr/bin/ssh-agent", "ssh-agent", "-D", "-a", sock, (char *)NULL);
        _exit(127);
    }
    for (int t = 0; t < 10000 && stat(sock, &st) != 0; t += 50)
        sleep_ms(50);
    assert_int_equal(stat(sock, &st), 0);
    return sock;
}

/* ssh-add key to the agent at sock. */
static void agent_add(const char *sock, const char *key)
{
    char *env_sock = xasprintf("SSH_AUTH_SOCK=%s", sock);
    const char *env[] = {env_sock, NULL};
    const char *argv[] = {"/usr/bin/ssh-add", "-q", key, NULL};

    assert_int_equal(tu_run((char *const *)argv, env, NULL, NULL), 0);
    free(env_sock);
}

static void askpass_reset(void)
{
    char *count = xasprintf("%s/askpass.count", tmp);

    remove(count);
    free(count);
}

/* When the last password was asked for (0: never). */
static double askpass_last(void)
{
    char *path = xasprintf("%s/askpass.count", tmp), *s = tu_read_file(path), *line;
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

static double wall_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- a fake ssh-agent that signs badly ------------------------------------ */

/* The real OpenSSH client cannot be made to send a bad signature, except
 * by an agent that makes one: this one holds the public half of a key and
 * answers every signing request with 64 zero bytes. */

struct bytes {
    unsigned char *p;
    size_t len;
};

static void put(struct bytes *b, const void *data, size_t n)
{
    b->p = xreallocarray(b->p, b->len + n + 1, 1);
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void put_u32(struct bytes *b, size_t v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};

    put(b, x, 4);
}

static void put_string(struct bytes *b, const void *data, size_t n)
{
    put_u32(b, n);
    put(b, data, n);
}

/* Standard base64 to bytes. */
static struct bytes unbase64(const char *s)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    struct bytes b = {0};
    unsigned int acc = 0;
    int bits = 0;

    for (; *s != '\0' && *s != '='; s++) {
        const char *c = strchr(abc, *s);

        assert_non_null(c);
        acc = acc << 6 | (unsigned int)(c - abc);
        bits += 6;
        if (bits >= 8) {
            unsigned char byte = (unsigned char)(acc >> (bits - 8));

            bits -= 8;
            put(&b, &byte, 1);
        }
    }
    return b;
}

static int read_full(int fd, unsigned char *buf, size_t n)
{
    while (n > 0) {
        ssize_t r = read(fd, buf, n);

        if (r <= 0)
            return -1;
        buf += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Answer one agent request (type first) about the key blob. */
static struct bytes agent_answer(unsigned char type, const struct bytes *blob)
{
    struct bytes out = {0}, sig = {0};
    unsigned char zero[64] = {0}, code;

    if (type == 11) { /* SSH_AGENTC_REQUEST_IDENTITIES */
        code = 12;
        put(&out, &code, 1);
        put_u32(&out, 1);
        put_string(&out, blob->p, blob->len);
        put_string(&out, "fake", 4);
    } else if (type == 13) { /* SSH_AGENTC_SIGN_REQUEST */
        code = 14;
        put_string(&sig, "ssh-ed25519", 11);
        put_string(&sig, zero, sizeof zero);
        put(&out, &code, 1);
        put_string(&out, sig.p, sig.len);
        free(sig.p);
    } else {      /* anything else, e.g. session-bind@openssh.com */
        code = 5; /* SSH_AGENT_FAILURE */
        put(&out, &code, 1);
    }
    return out;
}

static void fake_agent_serve(int lfd, const struct bytes *blob)
{
    for (;;) {
        int c = accept(lfd, NULL, NULL);
        unsigned char hdr[4], *msg;

        while (c >= 0 && read_full(c, hdr, 4) == 0) {
            size_t len = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];
            struct bytes out, framed = {0};

            if (len == 0 || len > 65536)
                break;
            msg = xmalloc(len);
            if (read_full(c, msg, len) != 0) {
                free(msg);
                break;
            }
            out = agent_answer(msg[0], blob);
            put_string(&framed, out.p, out.len);
            if (write(c, framed.p, framed.len) != (ssize_t)framed.len)
                _exit(1);
            free(msg);
            free(out.p);
            free(framed.p);
        }
        if (c >= 0)
            close(c);
    }
}

/* Start the fake agent (agent_pid, stopped by teardown) for the public key
 * in pubfile; its socket path, malloc'd. */
static char *start_fake_agent(const char *pubfile)
{
    char *sock = xasprintf("%s/fake-agent.sock", tmp), *line = tu_read_file(pubfile);
    struct sockaddr_un a = {0};
    struct bytes blob;
    char *b64 = strchr(line, ' ');
    int lfd;

    assert_non_null(b64);
    b64++;
    b64[strcspn(b64, " \n")] = '\0';
    blob = unbase64(b64);
    remove(sock);
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s", sock);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 4), 0);
    agent_pid = fork();
    assert_true(agent_pid >= 0);
    if (agent_pid == 0) {
        fake_agent_serve(lfd, &blob);
        _exit(0);
    }
    close(lfd);
    free(blob.p);
    free(line);
    return sock;
}

/* --- fixtures ------------------------------------------------------------ */

static int group_setup(void **state)
{
    char *pub, *copy;

    tmp = tu_tmpdir();
    state_dir = xasprintf("%s/state", tmp);
    key_ed = xasprintf("%s/id_ed", tmp);
    key_other = xasprintf("%s/id_other", tmp);
    make_key(key_ed);
    make_key(key_other);
    for (int i = 0; i < 3; i++) {
        key_extra[i] = xasprintf("%s/id_extra%d", tmp, i);
        make_key(key_extra[i]);
    }
    /* The public half of ed's key without its private key. */
    key_pubonly = xasprintf("%s/pubonly_ed.pub", tmp);
    pub = xasprintf("%s.pub", key_ed);
    copy = tu_read_file(pub);
    assert_int_equal(tu_write_file(key_pubonly, copy), 0);
    chmod(key_pubonly, 0600);
    free(copy);
    free(pub);
    askpass = xasprintf("%s/askpass.sh", tmp);
    /* One line per password asked for: when. */
    copy = xasprintf("#!/bin/sh\ndate +%%s.%%N >> '%s/askpass.count'\necho \"$MABDESK_TEST_PW\"\n",
                     tmp);
    assert_int_equal(tu_write_file(askpass, copy), 0);
    chmod(askpass, 0700);
    free(copy);
    return 0;
}

static int group_teardown(void **state)
{
    free(state_dir);
    free(key_ed);
    free(key_other);
    free(key_pubonly);
    for (int i = 0; i < 3; i++)
        free(key_extra[i]);
    free(askpass);
    tu_cleanup();
    return 0;
}

static int setup(void **state)
{
    askpass_reset();
    memset(&srv, 0, sizeof srv);
    make_db();
    return 0;
}

static int teardown(void **state)
{
    int sanitizer;

    vt_close_all();
    stop_server();
    if (agent_pid > 0) {
        kill(agent_pid, SIGTERM);
        waitpid(agent_pid, NULL, 0);
        agent_pid = 0;
    }
    sanitizer = log_count("Sanitizer") + log_count("runtime error");
    if (sanitizer > 0)
        print_log();
    free(srv.db);
    free(srv.log);
    memset(&srv, 0, sizeof srv);
    return sanitizer > 0 ? -1 : 0;
}

static int askpass_calls(void)
{
    char *path = xasprintf("%s/askpass.count", tmp), *s = tu_read_file(path);
    int n = 0;

    for (const char *p = s; p != NULL && *p != '\0'; p++)
        n += *p == '\n';
    free(s);
    free(path);
    return n;
}

/* --- tests ------------------------------------------------------------- */

static void test_fingerprints_and_host_keys(void **state)
{
    const char *argv[] = {tu_bin(),      "--db",    srv.db,           "serve",
                          "--state-dir", state_dir, "--fingerprints", NULL};
    char *out = NULL, *err = NULL, *path, *kout = NULL;
    struct stat st;
    const char *names[] = {"ssh_host_ed25519_key", "ssh_host_rsa_key"};

    assert_int_equal(tu_run((char *const *)argv, NULL, &out, &err), 0);
    for (size_t i = 0; i < 2; i++) {
        const char *kargv[] = {"/usr/bin/ssh-keygen", "-l", "-E", "sha256", "-f", NULL, NULL};
        char *fp, *sp;

        path = xasprintf("%s/%s", state_dir, names[i]);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        kargv[5] = path;
        assert_int_equal(tu_run((char *const *)kargv, NULL, &kout, NULL), 0);
        fp = strstr(kout, "SHA256:");
        assert_non_null(fp);
        sp = strchr(fp, ' ');
        *sp = '\0';
        assert_non_null(strstr(out, fp));
        if (i == 1)
            assert_non_null(strstr(kout, "3072"));
        free(kout);
        free(path);
    }
    free(out);
    free(err);

    /* "mabdesk ui" outside a session refuses to start. */
    {
        const char *uargv[] = {tu_bin(), "--db", srv.db, "ui", NULL};

        assert_int_not_equal(tu_run((char *const *)uargv, NULL, &out, &err), 0);
        assert_non_null(strstr(err, "mabdesk serve"));
        free(out);
        free(err);
    }
}

/* From the home screen to the edit form of Amtali, cursor on Mayor
 * (English).  Each Tab waits for the cursor to move: the answer comes back
 * over SSH. */
static void edit_amtali_mayor(struct vt *vt)
{
    tu_open_directory(vt);
    vt_send(vt, "/");
    VT_EXPECT_TEXT(vt, "Search:");
    vt_send(vt, "Amtali");
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Barguna");
    vt_send(vt, "e");
    VT_EXPECT_TEXT(vt, "Edit municipality");
    /* Waits for each redraw to settle before reading the cursor: over SSH a
     * redraw can arrive in pieces, and a cursor seen mid-redraw is not the
     * field the form is on. */
    tu_go_to_field(vt, "Mayor (English)");
}

static void test_key_login_editor_edits(void **state)
{
    const char *more[] = {"-i", key_ed, "-o", "PasswordAuthentication=no", "ed@127.0.0.1", NULL};
    struct vt *vt;

    start_server();
    vt = ssh_vt(24, 80, NULL, more);
    edit_amtali_mayor(vt);
    tu_replace_field(vt, "Mayor Over SSH");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Saved Amtali.");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);

    assert_int_equal(tu_sql_int(srv.db, "SELECT count(*) FROM municipality WHERE name_en = 'Amtali'"
                                        " AND mayor_en = 'Mayor Over SSH' AND updated_by = 'ed'"),
                     1);
    assert_int_equal(tu_sql_int(srv.db,
                                "SELECT count(*) FROM audit WHERE user = 'ed' AND action = 'update'"
                                " AND record_kind = 'municipality'"
                                " AND after LIKE '%Mayor Over SSH%'"),
                     1);
    assert_true(wait_log("Accepted publickey for ed from 127.0.0.1", 5000));
    assert_true(wait_log("session closed for ed", 10000));
    assert_int_equal(log_count("exit status 0"), 1);
}

static void test_two_sessions_conflict(void **state)
{
    const char *more[] = {"-i", key_ed, "-o", "PasswordAuthentication=no", "ed@127.0.0.1", NULL};
    struct vt *a, *b;

    start_server();
    a = ssh_vt(24, 80, NULL, more);
    b = ssh_vt(24, 80, NULL, more);
    edit_amtali_mayor(a);
    edit_amtali_mayor(b);
    tu_replace_field(a, "Mayor From A");
    vt_key(a, VT_KEY_F2);
    VT_EXPECT_TEXT(a, "Saved Amtali.");
    tu_replace_field(b, "Mayor From B");
    vt_key(b, VT_KEY_F2);
    VT_EXPECT_TEXT(b, "Someone else saved this record");
    VT_EXPECT_TEXT(b, "Mayor From A");
    VT_EXPECT_TEXT(b, "Mayor From B");
    /* Keep mine: saved over theirs, knowingly. */
    vt_send(b, "m");
    VT_EXPECT_TEXT(b, "Saved Amtali.");
    vt_key(a, VT_KEY_F10);
    VT_EXPECT_EXIT(a, 0);
    vt_key(b, VT_KEY_F10);
    VT_EXPECT_EXIT(b, 0);
    assert_int_equal(
        tu_sql_int(srv.db, "SELECT version FROM municipality WHERE name_en = 'Amtali'"), 3);
    assert_int_equal(tu_sql_int(srv.db, "SELECT count(*) FROM municipality WHERE name_en = 'Amtali'"
                                        " AND mayor_en = 'Mayor From B'"),
                     1);
    /* Both saves are in the audit log, A's value as B's "before". */
    assert_int_equal(tu_sql_int(srv.db,
                                "SELECT count(*) FROM audit WHERE user = 'ed' AND action = 'update'"
                                " AND record_kind = 'municipality'"),
                     2);
    assert_int_equal(tu_sql_int(srv.db,
                                "SELECT count(*) FROM audit WHERE before LIKE '%Mayor From A%'"
                                " AND after LIKE '%Mayor From B%'"),
                     1);
}

static void test_password_login(void **state)
{
    const char *more[] = {"-o", "PubkeyAuthentication=no", "pat@127.0.0.1", NULL};
    struct vt *vt;

    start_server();
    vt = ssh_vt(24, 80, askpass_env(askpass_env_good), more);
    VT_EXPECT_TEXT(vt, "Directory");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_true(wait_log("Accepted password for pat from 127.0.0.1", 5000));
    assert_int_equal(askpass_calls(), 1);
}

static void test_kiosk_read_only(void **state)
{
    const char *more[] = {"-o",
                          "PubkeyAuthentication=no",
                          "-o",
                          "PasswordAuthentication=no",
                          "-o",
                          "KbdInteractiveAuthentication=no",
                          "kiosk@127.0.0.1",
                          NULL};
    struct vt *vt;

    start_server();
    vt = ssh_vt(24, 80, NULL, more);
    VT_EXPECT_TEXT(vt, "Public information kiosk");
    tu_open_directory(vt);
    vt_key(vt, VT_KEY_ENTER);
    vt_settle(vt, 200, vt_timeout());
    /* Every writing key, and the keys that would leave or stop the program. */
    vt_send(vt, "e");
    vt_send(vt, "n");
    vt_send(vt, "d");
    vt_key(vt, VT_KEY_F2);
    vt_key(vt, VT_KEY_F10);
    vt_send(vt, "\x03\x1a\x1c");
    vt_settle(vt, 300, vt_timeout());
    VT_EXPECT_ABSENT(vt, "Edit municipality");
    VT_ASSERT(vt, vt_alive(vt));
    vt_close(vt);
    assert_true(wait_log("Accepted none for kiosk from 127.0.0.1", 5000));
    assert_true(wait_log("session closed for kiosk", 10000));
    assert_int_equal(tu_sql_int(srv.db, "SELECT count(*) FROM audit"), 2); /* the two users only */
    assert_int_equal(tu_sql_int(srv.db, "SELECT count(*) FROM municipality WHERE version <> 1"), 0);
}

static void test_unsigned_key_and_fallbacks_never_log_in(void **state)
{
    /* ed's public key offered, but the private key is not there to sign:
     * the server says "acceptable" and nothing more; keyboard-interactive
     * and password afterwards do not inherit anything. */
    const char *argv[] = {"/usr/bin/ssh",
                          SSH_OPTS,
                          "-o",
                          "BatchMode=yes",
                          "-o",
                          "PreferredAuthentications=publickey,keyboard-interactive,password",
                          "-i",
                          key_pubonly,
                          "-T",
                          "ed@127.0.0.1",
                          NULL};
    const char *argv2[] = {"/usr/bin/ssh",
                           SSH_OPTS,
                           "-o",
                           "PreferredAuthentications=publickey,keyboard-interactive,password",
                           "-o",
                           "NumberOfPasswordPrompts=1",
                           "-i",
                           key_other,
                           "-T",
                           "ed@127.0.0.1",
                           NULL};
    char *out = NULL, *err = NULL;

    start_server();
    assert_int_equal(run(argv, NULL, &out, &err), 255);
    assert_null(strstr(err, "ssh -t"));
    free(out);
    free(err);
    assert_true(wait_log("Postponed publickey for ed", 5000));
    /* An unregistered key, then a password that is wrong for ed. */
    assert_int_equal(run(argv2, askpass_env(askpass_env_bad), &out, &err), 255);
    free(out);
    free(err);
    assert_true(wait_log("Failed publickey for ed", 5000));
    assert_true(wait_log("Failed password for ed", 5000));
    assert_int_equal(log_count("Accepted"), 0);
    assert_int_equal(log_count("session opened"), 0);
}

/* Six failed attempts end the connection, as OpenSSH's MaxAuthTries 6.
 * (Checks one second apart, not up to ten, to keep the test short.) */
static void test_six_wrong_passwords_disconnect(void **state)
{
    const char *extra[] = {"--auth-delay-max", "1", NULL};
    const char *argv[] = {"/usr/bin/ssh",
                          SSH_OPTS,
                          "-o",
                          "PubkeyAuthentication=no",
                          "-o",
                          "NumberOfPasswordPrompts=10",
                          "-T",
                          "pat@127.0.0.1",
                          NULL};
    char *out = NULL, *err = NULL;

    start_server_with(extra);
    assert_int_equal(run(argv, askpass_env(askpass_env_bad), &out, &err), 255);
    free(out);
    free(err);
    assert_true(wait_log("Too many authentication failures", 5000));
    assert_int_equal(log_count("Failed password for pat"), 6);
    assert_int_equal(log_count("Accepted"), 0);
    /* The client gave up well before its own limit of 10. */
    assert_true(askpass_calls() <= 7);
}

/* Three other keys in the agent before the registered one: the client
 * offers each without a signature.  Such offers count as failed methods
 * (six allowed) and carry no delay, so the fourth key still logs in. */
static void test_agent_keys_before_the_right_one(void **state)
{
    char *sock = start_agent(), *env_sock = xasprintf("SSH_AUTH_SOCK=%s", sock);
    const char *env[] = {env_sock, NULL};
    const char *argv[] = {"/usr/bin/ssh", SSH_BASE_OPTS,  "-o", "BatchMode=yes",
                          "-T",           "ed@127.0.0.1", NULL};
    char *out = NULL, *err = NULL;

    for (int i = 0; i < 3; i++)
        agent_add(sock, key_extra[i]);
    agent_add(sock, key_ed);
    start_server();
    /* Authenticated: refused only for want of a terminal. */
    assert_int_equal(run(argv, env, &out, &err), 1);
    assert_non_null(strstr(err, "ssh -t"));
    free(out);
    free(err);
    assert_true(wait_log("Accepted publickey for ed from 127.0.0.1", 5000));
    assert_int_equal(log_count("Failed publickey for ed"), 3);
    /* Offers are no guesses: the account is not throttled for them. */
    assert_int_equal(log_count("throttling ed"), 0);
    free(sock);
    free(env_sock);
}

static void test_refusals(void **state)
{
    const char *no_pty[] = {"/usr/bin/ssh", SSH_OPTS,       "-o", "BatchMode=yes", "-i", key_ed,
                            "-T",           "ed@127.0.0.1", NULL};
    const char *command[] = {"/usr/bin/ssh", SSH_OPTS,          "-o", "BatchMode=yes", "-i", key_ed,
                             "ed@127.0.0.1", "cat /etc/passwd", NULL};
    const char *remote_fwd[] = {"/usr/bin/ssh",
                                SSH_OPTS,
                                "-o",
                                "BatchMode=yes",
                                "-o",
                                "ExitOnForwardFailure=yes",
                                "-i",
                                key_ed,
                                "-N",
                                "-R",
                                "127.0.0.1:0:127.0.0.1:9",
                                "ed@127.0.0.1",
                                NULL};
    char *out = NULL, *err = NULL;
    char *port_opt;
    const char *sftp[16];
    int n = 0;

    start_server();
    assert_int_equal(run(no_pty, NULL, &out, &err), 1);
    assert_non_null(strstr(err, "ssh -t"));
    assert_string_equal(out, "");
    free(out);
    free(err);

    assert_int_equal(run(command, NULL, &out, &err), 1);
    assert_non_null(strstr(err, "not available"));
    assert_null(strstr(out, "root:"));
    free(out);
    free(err);
    assert_true(wait_log("refused exec request for ed", 5000));

    port_opt = xasprintf("Port=%d", srv.port);
    sftp[n++] = "/usr/bin/sftp";
    sftp[n++] = "-F";
    sftp[n++] = "/dev/null";
    sftp[n++] = "-o";
    sftp[n++] = port_opt;
    sftp[n++] = "-o";
    sftp[n++] = "StrictHostKeyChecking=no";
    sftp[n++] = "-o";
    sftp[n++] = "UserKnownHostsFile=/dev/null";
    sftp[n++] = "-o";
    sftp[n++] = "BatchMode=yes";
    sftp[n++] = "-i";
    sftp[n++] = key_ed;
    sftp[n++] = "ed@127.0.0.1";
    sftp[n] = NULL;
    assert_int_not_equal(run(sftp, NULL, &out, &err), 0);
    free(out);
    free(err);
    free(port_opt);
    assert_true(wait_log("refused subsystem sftp for ed", 5000));

    assert_int_equal(run(remote_fwd, NULL, &out, &err), 255);
    free(out);
    free(err);
    assert_true(wait_log("refused remote port forwarding for ed", 5000));
    assert_int_equal(log_count("session opened"), 0);
}

static void test_environment_filtered(void **state)
{
    const char *argv[] = {"/usr/bin/ssh",
                          SSH_OPTS,
                          "-o",
                          "BatchMode=yes",
                          "-o",
                          "SetEnv=LD_PRELOAD=/tmp/x.so LANG=bn_BD.UTF-8 LC_TIME=C",
                          "-i",
                          key_ed,
                          "-T",
                          "ed@127.0.0.1",
                          NULL};
    char *out = NULL, *err = NULL;

    start_server();
    assert_int_equal(run(argv, NULL, &out, &err), 1);
    free(out);
    free(err);
    assert_true(wait_log("refused environment variable LD_PRELOAD for ed", 5000));
    assert_int_equal(log_count("refused environment variable LANG"), 0);
    assert_int_equal(log_count("refused environment variable LC_TIME"), 0);
}

/* ssh-audit (Debian's 2.5.0) against the defaults: no failure, and no
 * warning but the one for kex-strict-s-v00@openssh.com, which that
 * version does not know. */
static void test_ssh_audit(void **state)
{
    char target[64], *out = NULL, *err = NULL, *save = NULL;
    const char *argv[] = {"/usr/bin/ssh-audit", "-n", target, NULL};
    int warnings = 0, fails = 0;

    if (access(argv[0], X_OK) != 0) {
        fprintf(stderr, "ssh-audit is not installed (Debian package ssh-audit)\n");
        skip();
    }
    start_server();
    snprintf(target, sizeof target, "127.0.0.1:%d", srv.port);
    run(argv, NULL, &out, &err);
    assert_non_null(strstr(out, "kex-strict-s-v00@openssh.com"));
    assert_non_null(strstr(out, "compression: disabled"));
    assert_non_null(strstr(out, "rsa-sha2-512 (3072-bit)"));
    for (char *line = strtok_r(out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (strstr(line, "[fail]") != NULL) {
            fprintf(stderr, "ssh-audit: %s\n", line);
            fails++;
        }
        if (strstr(line, "[warn]") != NULL &&
            strstr(line, "kex-strict-s-v00@openssh.com") == NULL) {
            fprintf(stderr, "ssh-audit: %s\n", line);
            warnings++;
        }
    }
    assert_int_equal(fails, 0);
    assert_int_equal(warnings, 0);
    free(out);
    free(err);
}

static void test_local_forwarding_refused(void **state)
{
    char spec[64], *errpath = xasprintf("%s/fwd.err", tmp);
    int lport = free_port(), fd = -1;
    pid_t pid;
    struct sockaddr_in a = {0};
    char buf[64];
    ssize_t got = -1;

    start_server();
    snprintf(spec, sizeof spec, "127.0.0.1:%d:127.0.0.1:%d", lport, srv.port);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const char *argv[] = {"/usr/bin/ssh", SSH_OPTS, "-o", "BatchMode=yes", "-i", key_ed,
                              "-N",           "-L",     spec, "ed@127.0.0.1",  NULL};
        int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int nul = open("/dev/null", O_RDWR);

        dup2(nul, 0);
        dup2(nul, 1);
        dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    assert_true(wait_log("Accepted publickey for ed", 30000));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)lport);
    for (int t = 0; t < 20000; t += 100) {
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
            break;
        close(fd);
        fd = -1;
        sleep_ms(100);
    }
    assert_true(fd >= 0);
    {
        struct pollfd p = {fd, POLLIN, 0};

        if (poll(&p, 1, 20000) == 1)
            got = read(fd, buf, sizeof buf);
    }
    close(fd);
    /* Closed at once: nothing of the server's SSH banner came through. */
    assert_int_equal(got, 0);
    assert_true(wait_log("refused port forwarding (direct-tcpip)", 5000));
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    free(errpath);
}

static void test_agent_forwarding_refused(void **state)
{
    const char *more[] = {"-A",           "-i", key_ed, "-o", "PasswordAuthentication=no",
                          "ed@127.0.0.1", NULL};
    char *sock = start_agent(), *env_sock = xasprintf("SSH_AUTH_SOCK=%s", sock);
    const char *env[] = {env_sock, NULL};
    struct vt *vt;

    start_server();
    vt = ssh_vt(24, 80, env, more);
    VT_EXPECT_TEXT(vt, "Directory");
    assert_true(wait_log("refused agent forwarding for ed", 5000));
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    free(sock);
    free(env_sock);
}

static void test_resize_reaches_ui(void **state)
{
    const char *more[] = {"-i", key_ed, "-o", "PasswordAuthentication=no", "ed@127.0.0.1", NULL};
    const char *env[] = {"TERM=no-such-terminal-type", NULL};
    struct vt *vt;

    start_server();
    /* An unknown TERM falls back to one that exists instead of failing. */
    vt = ssh_vt(24, 80, env, more);
    VT_EXPECT_TEXT(vt, "Directory");
    vt_resize(vt, 20, 60);
    VT_EXPECT_TEXT(vt, "Make the window larger");
    VT_EXPECT_TEXT(vt, "60x20");
    vt_resize(vt, 30, 100);
    VT_EXPECT_GONE(vt, "Make the window larger");
    VT_EXPECT_TEXT(vt, "Directory");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_true(wait_log("session opened for ed (editor)", 5000));
    assert_true(wait_log("TERM xterm", 5000));
}

static void test_idle_timeout_ends_session(void **state)
{
    const char *extra[] = {"--idle-timeout", "2", NULL};
    const char *more[] = {"-i", key_ed, "-o", "PasswordAuthentication=no", "ed@127.0.0.1", NULL};
    struct vt *vt;

    start_server_with(extra);
    vt = ssh_vt(24, 80, NULL, more);
    VT_EXPECT_TEXT(vt, "Directory");
    VT_EXPECT_TEXT(vt, "Session ended");
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_true(wait_log("session closed for ed", 10000));
}

/* A libssh client connected (not authenticated) as user to the server:
 * for what OpenSSH's client will not do on request. */
static ssh_session lib_connect(const char *user)
{
    ssh_session ss = ssh_new();
    bool no = false;
    unsigned int port = (unsigned int)srv.port;
    long timeout = 30;

    assert_non_null(ss);
    ssh_options_set(ss, SSH_OPTIONS_HOST, "127.0.0.1");
    ssh_options_set(ss, SSH_OPTIONS_PORT, &port);
    ssh_options_set(ss, SSH_OPTIONS_USER, user);
    ssh_options_set(ss, SSH_OPTIONS_PROCESS_CONFIG, &no);
    ssh_options_set(ss, SSH_OPTIONS_TIMEOUT, &timeout);
    assert_int_equal(ssh_connect(ss), SSH_OK);
    return ss;
}

/* Read from the channel until n bytes came or nothing more comes. */
static int lib_read_some(ssh_channel ch, int want)
{
    char buf[4096];
    int got = 0;

    while (got < want) {
        int n = ssh_channel_read_timeout(ch, buf, sizeof buf, 0, 10000);

        if (n <= 0)
            break;
        got += n;
    }
    return got;
}

static void test_probe_gives_no_identity(void **state)
{
    ssh_session ss;
    ssh_key pub = NULL;
    ssh_channel ch;
    char *pubpath = xasprintf("%s.pub", key_ed);

    start_server();
    ss = lib_connect("ed");
    assert_int_equal(ssh_pki_import_pubkey_file(pubpath, &pub), SSH_OK);
    /* The key is acceptable ... */
    assert_int_equal(ssh_userauth_try_publickey(ss, NULL, pub), SSH_AUTH_SUCCESS);
    /* ... and that is all: "none" does not log in after it, and no channel
     * opens. */
    assert_int_not_equal(ssh_userauth_none(ss, NULL), SSH_AUTH_SUCCESS);
    assert_int_not_equal(ssh_userauth_password(ss, NULL, "not-the-password"), SSH_AUTH_SUCCESS);
    ch = ssh_channel_new(ss);
    if (ch != NULL) {
        assert_int_not_equal(ssh_channel_open_session(ch), SSH_OK);
        ssh_channel_free(ch);
    }
    ssh_disconnect(ss);
    ssh_free(ss);
    ssh_key_free(pub);
    free(pubpath);
    assert_true(wait_log("Postponed publickey for ed", 5000));
    assert_true(wait_log("Failed password for ed", 5000));
    assert_int_equal(log_count("Accepted"), 0);
    assert_int_equal(log_count("session opened"), 0);
}

static void test_sizes_clamped_and_term_sanitised(void **state)
{
    ssh_session ss;
    ssh_key key = NULL;
    ssh_channel ch;

    start_server();
    ss = lib_connect("ed");
    assert_int_equal(ssh_pki_import_privkey_file(key_ed, NULL, NULL, NULL, &key), SSH_OK);
    assert_int_equal(ssh_userauth_publickey(ss, NULL, key), SSH_AUTH_SUCCESS);
    ch = ssh_channel_new(ss);
    assert_int_equal(ssh_channel_open_session(ch), SSH_OK);
    /* 0x0 and a TERM with an escape sequence in it. */
    assert_int_equal(ssh_channel_request_pty_size(ch, "xterm\033]0;owned\007", 0, 0), SSH_OK);
    assert_int_equal(ssh_channel_request_shell(ch), SSH_OK);
    assert_true(lib_read_some(ch, 200) > 0);
    /* Enormous, then back. */
    assert_int_equal(ssh_channel_change_pty_size(ch, 65535, 65535), SSH_OK);
    lib_read_some(ch, 1000);
    assert_int_equal(ssh_channel_change_pty_size(ch, 80, 24), SSH_OK);
    lib_read_some(ch, 200);
    assert_true(ssh_channel_is_open(ch));
    ssh_channel_close(ch);
    ssh_channel_free(ch);
    ssh_disconnect(ss);
    ssh_free(ss);
    ssh_key_free(key);
    assert_true(wait_log("session opened for ed (editor) from 127.0.0.1", 5000));
    assert_true(wait_log("TERM xterm, 80x24", 5000));
    assert_int_equal(log_count("owned"), 0);
    assert_true(wait_log("session closed for ed", 10000));
    assert_int_equal(kill(srv.pid, 0), 0);
}

static void test_stalled_client_blocks_nobody(void **state)
{
    const char *more[] = {"-i", key_ed, "-o", "PasswordAuthentication=no", "ed@127.0.0.1", NULL};
    struct vt *a, *b;

    start_server();
    a = ssh_vt(24, 80, NULL, more);
    VT_EXPECT_TEXT(a, "Directory");
    /* a's client stops reading altogether. */
    kill(vt_pid(a), SIGSTOP);
    b = ssh_vt(24, 80, NULL, more);
    tu_open_directory(b);
    vt_key(b, VT_KEY_F10);
    VT_EXPECT_EXIT(b, 0);
    vt_close(b);
    kill(vt_pid(a), SIGCONT);
    vt_key(a, VT_KEY_ENTER);
    VT_EXPECT_TEXT(a, TU_SEED_TOTAL " of " TU_SEED_TOTAL);
    vt_key(a, VT_KEY_F10);
    VT_EXPECT_EXIT(a, 0);
    vt_close(a);
}

/* One line (or EOF) from a freshly connected socket. */
static void first_line(int fd, char *buf, size_t n)
{
    size_t len = 0;

    buf[0] = '\0';
    while (len + 1 < n) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;

        if (poll(&p, 1, 20000) != 1)
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

static void test_fifty_connections_at_once(void **state)
{
    enum { N = 50 };
    const char *argv[] = {"/usr/bin/ssh", SSH_OPTS,       "-o", "BatchMode=yes", "-i", key_ed,
                          "-T",           "ed@127.0.0.1", NULL};
    int fds[N], banners = 0, refused = 0, ok = 0;
    struct sockaddr_in a = {0};
    char line[256];

    start_server();
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)srv.port);
    for (int i = 0; i < N; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        assert_true(fds[i] >= 0);
        assert_int_equal(connect(fds[i], (struct sockaddr *)&a, sizeof a), 0);
    }
    for (int i = 0; i < N; i++) {
        first_line(fds[i], line, sizeof line);
        if (strncmp(line, "SSH-2.0-", 8) == 0)
            banners++;
        else if (strncmp(line, "mabdesk: too many", 17) == 0)
            refused++;
    }
    /* Every connection got an answer: at most 10 went on to SSH. */
    assert_int_equal(banners + refused, N);
    assert_true(banners >= 1);
    assert_true(banners <= 10);
    for (int i = 0; i < N; i++)
        close(fds[i]);
    assert_int_equal(kill(srv.pid, 0), 0);
    assert_true(log_count("refused connection from 127.0.0.1") >= N - 10);

    /* Once the window has passed, a real login still works. */
    for (int attempt = 0; attempt < 40 && !ok; attempt++) {
        char *out = NULL, *err = NULL;

        ok = run(argv, NULL, &out, &err) == 1 && strstr(err, "ssh -t") != NULL;
        free(out);
        free(err);
        if (!ok)
            sleep_ms(1000);
    }
    assert_true(ok);
    assert_int_equal(kill(srv.pid, 0), 0);
}

/* ssh with wrong passwords (prompts of them) for user, from 127.0.0.<host>;
 * its exit status. */
static int wrong_passwords(const char *user, int host, int prompts)
{
    char from[32], prompts_opt[64], *dest = xasprintf("%s@127.0.0.1", user), *out = NULL,
                                    *err = NULL;
    const char *argv[] = {"/usr/bin/ssh", SSH_OPTS,    "-b", from, "-o", "PubkeyAuthentication=no",
                          "-o",           prompts_opt, "-T", dest, NULL};
    int rc;

    snprintf(from, sizeof from, "127.0.0.%d", host);
    snprintf(prompts_opt, sizeof prompts_opt, "NumberOfPasswordPrompts=%d", prompts);
    rc = run(argv, askpass_env(askpass_env_bad), &out, &err);
    free(out);
    free(err);
    free(dest);
    return rc;
}

/* Failed passwords slow every later check of the account, from any
 * connection: from a network block that keeps guessing, checks come at
 * most every --auth-delay-max seconds; from another, the first check waits
 * for nothing, so the right password still logs in (no lockout). */
static void test_password_throttled_per_account(void **state)
{
    const char *extra[] = {"--auth-delay", "1", "--auth-delay-max", "4", NULL};
    const char *good[] = {
        "/usr/bin/ssh", SSH_OPTS,        "-b", "127.0.0.4", "-o", "PubkeyAuthentication=no",
        "-T",           "pat@127.0.0.1", NULL};
    char *out = NULL, *err = NULL;
    double end;

    start_server_with(extra);
    /* Three failures from 127.0.0.2 (checks 0, 1 and 3 s in). */
    assert_int_equal(wrong_passwords("pat", 2, 3), 255);
    assert_int_equal(askpass_calls(), 3);
    assert_true(wait_log("throttling pat: 3 recent failed passwords", 5000));
    /* From 127.0.0.3: the 4th failure at once, the 5th after 4 s. */
    askpass_reset();
    assert_int_equal(wrong_passwords("pat", 3, 2), 255);
    end = wall_now();
    assert_int_equal(askpass_calls(), 2);
    fprintf(stderr, "the 5th failed password took %.2f s\n", end - askpass_last());
    assert_true(end - askpass_last() >= 3.5);
    /* The right password from 127.0.0.4 logs in. */
    askpass_reset();
    assert_int_equal(run(good, askpass_env(askpass_env_good), &out, &err), 1);
    assert_non_null(strstr(err, "ssh -t"));
    free(out);
    free(err);
    assert_true(wait_log("Accepted password for pat from 127.0.0.4", 5000));
    assert_int_equal(log_count("Failed password for pat"), 5);
}

/* A network block whose connections fail to authenticate is refused new
 * connections for a while; other blocks are not. */
static void test_failing_network_block_penalised(void **state)
{
    const char *extra[] = {"--penalty", "10", "--penalty-min", "15", NULL};
    char from[16] = "127.0.0.7";
    const char *key_from[] = {"/usr/bin/ssh", SSH_OPTS, "-o", "BatchMode=yes", "-b", from,
                              "-i",           key_ed,   "-T", "ed@127.0.0.1",  NULL};
    char *out = NULL, *err = NULL;

    start_server_with(extra);
    /* Two connections from 127.0.0.7 guessing passwords of two names. */
    assert_int_equal(wrong_passwords("nobody1", 7, 1), 255);
    assert_int_equal(wrong_passwords("nobody2", 7, 1), 255);
    assert_true(wait_log("penalty for 127.0.0.7/32", 5000));
    /* Even with the right key, 127.0.0.7 is refused ... */
    assert_int_equal(run(key_from, NULL, &out, &err), 255);
    free(out);
    free(err);
    assert_true(wait_log("refused connection from 127.0.0.7 port", 5000));
    assert_int_equal(log_count("Accepted publickey"), 0);
    /* ... and 127.0.0.8 is not. */
    snprintf(from, sizeof from, "127.0.0.8");
    assert_int_equal(run(key_from, NULL, &out, &err), 1);
    assert_non_null(strstr(err, "ssh -t"));
    free(out);
    free(err);
    assert_true(wait_log("Accepted publickey for ed from 127.0.0.8", 5000));
}

/* A publickey request whose signature does not verify is answered as a
 * failure (the client goes on, here to give up), counted and throttled as
 * a failed guess, and logged as sshd does, with the key it was made for. */
static void test_bad_signature_answered(void **state)
{
    char *sock = start_fake_agent(key_pubonly), *env_sock = xasprintf("SSH_AUTH_SOCK=%s", sock);
    const char *env[] = {env_sock, NULL};
    const char *argv[] = {"/usr/bin/ssh",
                          SSH_OPTS,
                          "-o",
                          "BatchMode=yes",
                          "-o",
                          "PreferredAuthentications=publickey",
                          "-i",
                          key_pubonly,
                          "-T",
                          "ed@127.0.0.1",
                          NULL};
    struct cred_pubkey *k;
    char *out = NULL, *err = NULL, *want, *e = NULL;
    int n;

    assert_int_equal(cred_pubkey_read_file(key_pubonly, &k, &n, &e), 0);
    start_server();
    assert_int_equal(run(argv, env, &out, &err), 255);
    /* Answered: the client heard "no", rather than waiting until the
     * server gave up on it. */
    assert_non_null(strstr(err, "Permission denied (publickey"));
    free(out);
    free(err);
    assert_true(wait_log("Postponed publickey for ed from 127.0.0.1", 5000));
    want = xasprintf("ssh2: ED25519 %s\n", k[0].fingerprint);
    assert_true(wait_log("Failed publickey for ed from 127.0.0.1 port", 5000));
    assert_true(wait_log(want, 5000));
    assert_true(wait_log("throttling ed: 1 recent failed passwords or signatures", 5000));
    assert_int_equal(log_count("Accepted"), 0);
    cred_pubkeys_free(k, n);
    free(want);
    free(sock);
    free(env_sock);
}

/* A TCP connection to the server from 127.0.0.<host> that sends nothing. */
static int connect_from(int host)
{
    struct sockaddr_in a = {0}, from = {0};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    from.sin_family = AF_INET;
    from.sin_addr.s_addr = htonl(INADDR_LOOPBACK - 1 + (unsigned)host);
    assert_int_equal(bind(fd, (struct sockaddr *)&from, sizeof from), 0);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)srv.port);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* 200 connections from 200 addresses (127.0.0.2 to .201) that never start
 * the key exchange hold every slot for logging in (OpenSSH's MaxStartups
 * weakness): none is refused, the oldest stalled ones make room, and a
 * real login gets in while they are held. */
static void test_login_through_a_stalled_flood(void **state)
{
    enum { N = 200 };
    const char *argv[] = {"/usr/bin/ssh", SSH_OPTS,       "-o", "BatchMode=yes", "-i", key_ed,
                          "-T",           "ed@127.0.0.1", NULL};
    int fds[N], refused = 0;
    char line[256], *out = NULL, *err = NULL;

    start_server();
    for (int i = 0; i < N; i++)
        fds[i] = connect_from(2 + i);
    /* Each has its answer: the server's banner, or EOF when evicted. */
    for (int i = 0; i < N; i++) {
        first_line(fds[i], line, sizeof line);
        refused += strncmp(line, "mabdesk:", 8) == 0;
    }
    assert_int_equal(refused, 0);
    assert_true(log_count("evicted 127.0.0.") >= N - 100);
    assert_int_equal(run(argv, NULL, &out, &err), 1);
    assert_non_null(strstr(err, "ssh -t"));
    free(out);
    free(err);
    assert_true(wait_log("Accepted publickey for ed from 127.0.0.1 ", 5000));
    for (int i = 0; i < N; i++)
        close(fds[i]);
    assert_int_equal(kill(srv.pid, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fingerprints_and_host_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_login_editor_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_sessions_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_password_login, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsigned_key_and_fallbacks_never_log_in, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_six_wrong_passwords_disconnect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agent_keys_before_the_right_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_environment_filtered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ssh_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_local_forwarding_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agent_forwarding_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resize_reaches_ui, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_timeout_ends_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_probe_gives_no_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sizes_clamped_and_term_sanitised, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stalled_client_blocks_nobody, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifty_connections_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_through_a_stalled_flood, setup, teardown),
        cmocka_unit_test_setup_teardown(test_password_throttled_per_account, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failing_network_block_penalised, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_signature_answered, setup, teardown),
    };

    /* MABDESK_TEST_FILTER=test_name (a glob) runs only those tests. */
    if (getenv("MABDESK_TEST_FILTER") != NULL)
        cmocka_set_test_filter(getenv("MABDESK_TEST_FILTER"));
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
