/*
 * test_guard.c: how "mabdesk serve" stands up to password guessing, key
 * probing and floods, against the real OpenSSH client on loopback
 * addresses (127.0.0.x only): the per-account throttle, the penalties of
 * network blocks, six failed methods per connection with no wait for
 * unsigned key offers, bad signatures answered, and a real login through
 * 200 stalled connections.
 *
 * Every test has its own database and its own server on a free port of
 * 127.0.0.1, and stops it (tests/lib/sshtest.h).  No timing asserts of
 * speed: at most that a check waited at least as long as configured.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sshtest.h"
#include "testutil.h"

#include "ssh/cred.h"
#include "util.h"

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
    char *sock = xasprintf("%s/fake-agent.sock", st_tmp), *line = tu_read_file(pubfile);
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
    st_agent_pid = fork();
    assert_true(st_agent_pid >= 0);
    if (st_agent_pid == 0) {
        fake_agent_serve(lfd, &blob);
        _exit(0);
    }
    close(lfd);
    free(blob.p);
    free(line);
    return sock;
}

/* --- tests ------------------------------------------------------------- */

/* Three other keys in the agent before the registered one: the client
 * offers each without a signature.  Such offers count as failed methods
 * (six allowed) and carry no delay, so the fourth key still logs in. */
static void test_agent_keys_before_the_right_one(void **state)
{
    char *sock = st_start_agent(), *env_sock = xasprintf("SSH_AUTH_SOCK=%s", sock);
    const char *env[] = {env_sock, NULL};
    const char *argv[] = {"/usr/bin/ssh", SSH_BASE_OPTS,  "-o", "BatchMode=yes",
                          "-T",           "ed@127.0.0.1", NULL};
    char *out = NULL, *err = NULL;

    for (int i = 0; i < 3; i++)
        st_agent_add(sock, st_key_extra[i]);
    st_agent_add(sock, st_key_ed);
    st_start_server();
    /* Authenticated: refused only for want of a terminal. */
    assert_int_equal(st_run(argv, env, &out, &err), 1);
    assert_non_null(strstr(err, "ssh -t"));
    free(out);
    free(err);
    assert_true(st_wait_log("Accepted publickey for ed from 127.0.0.1", 5000));
    assert_int_equal(st_log_count("Failed publickey for ed"), 3);
    /* Offers are no guesses: the account is not throttled for them. */
    assert_int_equal(st_log_count("throttling ed"), 0);
    free(sock);
    free(env_sock);
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
    rc = st_run(argv, st_askpass_env(st_askpass_bad), &out, &err);
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

    st_start_server_with(extra);
    /* Three failures from 127.0.0.2 (checks 0, 1 and 3 s in). */
    assert_int_equal(wrong_passwords("pat", 2, 3), 255);
    assert_int_equal(st_askpass_calls(), 3);
    assert_true(st_wait_log("throttling pat: 3 recent failed passwords", 5000));
    /* From 127.0.0.3: the 4th failure at once, the 5th after 4 s. */
    st_askpass_reset();
    assert_int_equal(wrong_passwords("pat", 3, 2), 255);
    end = st_wall_now();
    assert_int_equal(st_askpass_calls(), 2);
    fprintf(stderr, "the 5th failed password took %.2f s\n", end - st_askpass_last());
    assert_true(end - st_askpass_last() >= 3.5);
    /* The right password from 127.0.0.4 logs in. */
    st_askpass_reset();
    assert_int_equal(st_run(good, st_askpass_env(st_askpass_good), &out, &err), 1);
    assert_non_null(strstr(err, "ssh -t"));
    free(out);
    free(err);
    assert_true(st_wait_log("Accepted password for pat from 127.0.0.4", 5000));
    assert_int_equal(st_log_count("Failed password for pat"), 5);
}

/* A network block whose connections fail to authenticate is refused new
 * connections for a while; other blocks are not. */
static void test_failing_network_block_penalised(void **state)
{
    const char *extra[] = {"--penalty", "10", "--penalty-min", "15", NULL};
    char from[16] = "127.0.0.7";
    const char *key_from[] = {"/usr/bin/ssh", SSH_OPTS,  "-o", "BatchMode=yes", "-b", from,
                              "-i",           st_key_ed, "-T", "ed@127.0.0.1",  NULL};
    char *out = NULL, *err = NULL;

    st_start_server_with(extra);
    /* Two connections from 127.0.0.7 guessing passwords of two names. */
    assert_int_equal(wrong_passwords("nobody1", 7, 1), 255);
    assert_int_equal(wrong_passwords("nobody2", 7, 1), 255);
    assert_true(st_wait_log("penalty for 127.0.0.7/32", 5000));
    /* Even with the right key, 127.0.0.7 is refused ... */
    assert_int_equal(st_run(key_from, NULL, &out, &err), 255);
    free(out);
    free(err);
    assert_true(st_wait_log("refused connection from 127.0.0.7 port", 5000));
    assert_int_equal(st_log_count("Accepted publickey"), 0);
    /* ... and 127.0.0.8 is not. */
    snprintf(from, sizeof from, "127.0.0.8");
    assert_int_equal(st_run(key_from, NULL, &out, &err), 1);
    assert_non_null(strstr(err, "ssh -t"));
    free(out);
    free(err);
    assert_true(st_wait_log("Accepted publickey for ed from 127.0.0.8", 5000));
}

/* A publickey request whose signature does not verify is answered as a
 * failure (the client goes on, here to give up), counted and throttled as
 * a failed guess, and logged as sshd does, with the key it was made for. */
static void test_bad_signature_answered(void **state)
{
    char *sock = start_fake_agent(st_key_pubonly), *env_sock = xasprintf("SSH_AUTH_SOCK=%s", sock);
    const char *env[] = {env_sock, NULL};
    const char *argv[] = {"/usr/bin/ssh",
                          SSH_OPTS,
                          "-o",
                          "BatchMode=yes",
                          "-o",
                          "PreferredAuthentications=publickey",
                          "-i",
                          st_key_pubonly,
                          "-T",
                          "ed@127.0.0.1",
                          NULL};
    struct cred_pubkey *k;
    char *out = NULL, *err = NULL, *want, *e = NULL;
    int n;

    assert_int_equal(cred_pubkey_read_file(st_key_pubonly, &k, &n, &e), 0);
    st_start_server();
    assert_int_equal(st_run(argv, env, &out, &err), 255);
    /* Answered: the client heard "no", rather than waiting until the
     * server gave up on it. */
    assert_non_null(strstr(err, "Permission denied (publickey"));
    free(out);
    free(err);
    assert_true(st_wait_log("Postponed publickey for ed from 127.0.0.1", 5000));
    want = xasprintf("ssh2: ED25519 %s\n", k[0].fingerprint);
    assert_true(st_wait_log("Failed publickey for ed from 127.0.0.1 port", 5000));
    assert_true(st_wait_log(want, 5000));
    assert_true(st_wait_log("throttling ed: 1 recent failed passwords or signatures", 5000));
    assert_int_equal(st_log_count("Accepted"), 0);
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
    a.sin_port = htons((uint16_t)st_srv.port);
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
    const char *argv[] = {"/usr/bin/ssh", SSH_OPTS,       "-o", "BatchMode=yes", "-i", st_key_ed,
                          "-T",           "ed@127.0.0.1", NULL};
    int fds[N], refused = 0;
    char line[256], *out = NULL, *err = NULL;

    st_start_server();
    for (int i = 0; i < N; i++)
        fds[i] = connect_from(2 + i);
    /* Each has its answer: the server's banner, or EOF when evicted. */
    for (int i = 0; i < N; i++) {
        st_first_line(fds[i], line, sizeof line);
        refused += strncmp(line, "mabdesk:", 8) == 0;
    }
    assert_int_equal(refused, 0);
    assert_true(st_log_count("evicted 127.0.0.") >= N - 100);
    assert_int_equal(st_run(argv, NULL, &out, &err), 1);
    assert_non_null(strstr(err, "ssh -t"));
    free(out);
    free(err);
    assert_true(st_wait_log("Accepted publickey for ed from 127.0.0.1 ", 5000));
    for (int i = 0; i < N; i++)
        close(fds[i]);
    assert_int_equal(kill(st_srv.pid, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_agent_keys_before_the_right_one, st_setup,
                                        st_teardown),
        cmocka_unit_test_setup_teardown(test_login_through_a_stalled_flood, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_password_throttled_per_account, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_failing_network_block_penalised, st_setup,
                                        st_teardown),
        cmocka_unit_test_setup_teardown(test_bad_signature_answered, st_setup, st_teardown),
    };

    /* MABDESK_TEST_FILTER=test_name (a glob) runs only those tests. */
    if (getenv("MABDESK_TEST_FILTER") != NULL)
        cmocka_set_test_filter(getenv("MABDESK_TEST_FILTER"));
    return cmocka_run_group_tests(tests, st_group_setup, st_group_teardown);
}
