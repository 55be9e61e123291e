/*
 * test_template.c: the UI template of "mabdesk serve", with the real
 * OpenSSH client.  Every session's UI is forked by the template (not by
 * its session process); the template and the UIs never held a host key;
 * a template that dies is started again and new logins work; a closed
 * client leaves no UI and no zombie; sessions at once get UIs of their
 * own, each with its own identity.
 *
 * The process tree is read from /proc; the host key is looked for in the
 * processes' memory (/proc/PID/mem), and found in the listener, which
 * does hold it, so that the look cannot pass by failing to see.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "procs.h"
#include "sshtest.h"
#include "testutil.h"
#include "vt.h"

#include "util.h"

enum { MAX_PROCS = 64, REGION_MAX = 64 << 20 };

#define KEY_LOGIN "-i", st_key_ed, "-o", "PasswordAuthentication=no", "ed@127.0.0.1"

/* --- the process tree ------------------------------------------------------ */

/* The listener's child that runs "mabdesk ui" and leads no session of
 * its own: the template (a UI whose template ended is the listener's
 * child too); 0 if none. */
static pid_t find_template(void)
{
    pid_t kids[MAX_PROCS];
    int n = proc_children(st_srv.pid, kids, MAX_PROCS);

    for (int i = 0; i < n; i++)
        if (proc_has_arg(kids[i], "ui") && getsid(kids[i]) != kids[i])
            return kids[i];
    return 0;
}

/* Wait (10 s at most) for a template other than not. */
static pid_t wait_template(pid_t not )
{
    for (int t = 0; t < 10000; t += 50) {
        pid_t p = find_template();

        if (p > 0 && p != not )
            return p;
        st_sleep_ms(50);
    }
    fail_msg("no UI template under the listener");
    return 0;
}

/* Wait (20 s at most) until parent has n children; the count then. */
static int wait_children(pid_t parent, int n, pid_t *out)
{
    int got = 0;

    for (int t = 0; t < 20000; t += 50) {
        got = proc_children(parent, out, MAX_PROCS);
        if (got == n)
            break;
        st_sleep_ms(50);
    }
    return got;
}

/* Zombies anywhere below pid. */
static int zombies_below(pid_t pid)
{
    pid_t kids[MAX_PROCS];
    int n = proc_children(pid, kids, MAX_PROCS), z = 0;

    for (int i = 0; i < n; i++) {
        pid_t ppid;
        char state = '?';

        if (proc_stat(kids[i], &ppid, &state) == 0 && state == 'Z')
            z++;
        z += zombies_below(kids[i]);
    }
    return z;
}

/* --- the host key in memory ------------------------------------------------ */

static size_t b64_decode(const char *in, unsigned char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned int acc = 0;
    int bits = 0;
    size_t n = 0;

    for (; *in != '\0' && *in != '='; in++) {
        const char *p = strchr(abc, *in);

        if (p == NULL)
            continue; /* line breaks */
        acc = (acc << 6) | (unsigned int)(p - abc);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    return n;
}

/* The next SSH "string" at *p: its length, *p moved past it. */
static uint32_t ssh_string(const unsigned char **p, const unsigned char **val)
{
    uint32_t len =
        (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 | (uint32_t)(*p)[2] << 8 | (*p)[3];

    *val = *p + 4;
    *p += 4 + len;
    return len;
}

/* The 32-byte seed of the server's Ed25519 host key (openssh-key-v1, no
 * passphrase). */
static void host_key_seed(unsigned char seed[32])
{
    char *path = xasprintf("%s/ssh_host_ed25519_key", st_state_dir), *text = tu_read_file(path);
    char *body, *end;
    unsigned char *raw;
    const unsigned char *p, *v, *priv;
    uint32_t len;

    assert_non_null(text);
    body = strchr(text, '\n');
    end = strstr(text, "-----END");
    assert_true(body != NULL && end != NULL);
    *end = '\0';
    raw = xmalloc(strlen(body));
    b64_decode(body, raw);
    assert_memory_equal(raw, "openssh-key-v1", 15);
    p = raw + 15;
    ssh_string(&p, &v); /* cipher */
    ssh_string(&p, &v); /* kdf */
    ssh_string(&p, &v); /* kdf options */
    p += 4;             /* the number of keys: 1 */
    ssh_string(&p, &v); /* the public key */
    ssh_string(&p, &priv);
    p = priv + 8; /* two check words */
    ssh_string(&p, &v);
    assert_memory_equal(v, "ssh-ed25519", 11);
    ssh_string(&p, &v); /* the public half */
    len = ssh_string(&p, &v);
    assert_int_equal(len, 64);
    memcpy(seed, v, 32);
    free(raw);
    free(text);
    free(path);
}

/* 1 if the readable memory of pid holds the n bytes of needle (regions
 * of at most REGION_MAX: a sanitizer's shadow is not read). */
static int memory_holds(pid_t pid, const unsigned char *needle, size_t n)
{
    char path[64], line[512];
    FILE *maps;
    int mem, found = 0;
    unsigned char *buf = xmalloc(REGION_MAX);

    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    maps = fopen(path, "r");
    snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
    mem = open(path, O_RDONLY);
    assert_non_null(maps);
    assert_true(mem >= 0);
    while (!found && fgets(line, sizeof line, maps) != NULL) {
        unsigned long lo, hi;
        char perms[8], name[256] = "";
        ssize_t got;

        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perms, name) < 3 ||
            perms[0] != 'r' || hi - lo > REGION_MAX || strncmp(name, "[v", 2) == 0)
            continue;
        got = pread(mem, buf, hi - lo, (off_t)lo);
        found = got >= (ssize_t)n && memmem(buf, (size_t)got, needle, n) != NULL;
    }
    close(mem);
    fclose(maps);
    free(buf);
    return found;
}

/* --- tests --------------------------------------------------------------------- */

static void test_ui_forked_by_template_without_host_key(void **state)
{
    const char *more[] = {KEY_LOGIN, NULL};
    unsigned char seed[32];
    pid_t tpl, ui[MAX_PROCS], kids[MAX_PROCS], ppid;
    char st;
    struct vt *vt;
    int n;

    st_start_server();
    tpl = wait_template(0);
    vt = st_ssh_vt(24, 80, NULL, more);
    VT_EXPECT_TEXT(vt, "ed (editor)");
    /* The UI is the template's child, in a session of its own, and no
     * session process has a child. */
    assert_int_equal(wait_children(tpl, 1, ui), 1);
    assert_int_equal(proc_stat(ui[0], &ppid, &st), 0);
    assert_int_equal(ppid, tpl);
    assert_int_equal(getsid(ui[0]), ui[0]);
    n = proc_children(st_srv.pid, kids, MAX_PROCS);
    assert_int_equal(n, 2); /* the template and the session process */
    for (int i = 0; i < n; i++)
        if (kids[i] != tpl)
            assert_int_equal(proc_children(kids[i], ui + 1, MAX_PROCS - 1), 0);
    /* The host key is in the listener's memory, and in neither the
     * template's nor the UI's. */
    host_key_seed(seed);
    assert_true(memory_holds(st_srv.pid, seed, sizeof seed));
    assert_false(memory_holds(tpl, seed, sizeof seed));
    assert_false(memory_holds(ui[0], seed, sizeof seed));
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_true(st_wait_log("exit status 0", 10000));
}

static void test_sessions_get_own_uis(void **state)
{
    const char *ed[] = {KEY_LOGIN, NULL};
    const char *pat[] = {"-o", "PubkeyAuthentication=no", "pat@127.0.0.1", NULL};
    pid_t tpl, ui[MAX_PROCS];
    struct vt *a, *b;

    st_start_server();
    tpl = wait_template(0);
    a = st_ssh_vt(24, 80, NULL, ed);
    b = st_ssh_vt(24, 80, st_askpass_env(st_askpass_good), pat);
    VT_EXPECT_TEXT(a, "ed (editor)");
    VT_EXPECT_TEXT(b, "pat (viewer)");
    VT_EXPECT_ABSENT(a, "pat (viewer)");
    VT_EXPECT_ABSENT(b, "ed (editor)");
    assert_int_equal(wait_children(tpl, 2, ui), 2);
    assert_int_not_equal(ui[0], ui[1]);
    /* Each goes on by itself: a's screen changes, b's stays. */
    tu_open_directory(a);
    VT_EXPECT_TEXT(b, "pat (viewer)");
    VT_EXPECT_ABSENT(b, "of " TU_SEED_TOTAL);
    vt_key(a, VT_KEY_F10);
    VT_EXPECT_EXIT(a, 0);
    vt_key(b, VT_KEY_F10);
    VT_EXPECT_EXIT(b, 0);
    vt_close(a);
    vt_close(b);
}

static void test_closed_client_leaves_nothing(void **state)
{
    const char *more[] = {KEY_LOGIN, NULL};
    pid_t tpl, kids[MAX_PROCS];
    struct vt *vt;

    st_start_server();
    tpl = wait_template(0);
    vt = st_ssh_vt(24, 80, NULL, more);
    VT_EXPECT_TEXT(vt, "ed (editor)");
    assert_int_equal(wait_children(tpl, 1, kids), 1);
    /* The client goes away without a word. */
    kill(vt_pid(vt), SIGKILL);
    vt_close(vt);
    assert_true(st_wait_log("session closed for ed", 10000));
    assert_int_equal(wait_children(tpl, 0, kids), 0);
    assert_int_equal(wait_children(st_srv.pid, 1, kids), 1);
    assert_int_equal(kids[0], tpl);
    assert_int_equal(zombies_below(st_srv.pid), 0);
}

static void test_template_restarted(void **state)
{
    const char *more[] = {KEY_LOGIN, NULL};
    pid_t tpl, again, kids[MAX_PROCS];
    struct vt *a, *b;

    st_start_server();
    tpl = wait_template(0);
    a = st_ssh_vt(24, 80, NULL, more);
    VT_EXPECT_TEXT(a, "ed (editor)");
    kill(tpl, SIGKILL);
    assert_true(st_wait_log("the UI template", 10000));
    again = wait_template(tpl);
    /* A new login works ... */
    b = st_ssh_vt(24, 80, NULL, more);
    VT_EXPECT_TEXT(b, "ed (editor)");
    assert_int_equal(wait_children(again, 1, kids), 1);
    vt_key(b, VT_KEY_F10);
    VT_EXPECT_EXIT(b, 0);
    vt_close(b);
    /* ... and the session from before goes on, then ends without a trace:
     * its UI, orphaned, is the listener's to reap. */
    tu_open_directory(a);
    vt_key(a, VT_KEY_F10);
    vt_wait_exit(a, vt_timeout());
    vt_close(a);
    for (int t = 0; t < 10000 && st_log_count("session closed for ed") < 2; t += 50)
        st_sleep_ms(50);
    assert_int_equal(st_log_count("session closed for ed"), 2);
    assert_int_equal(wait_children(st_srv.pid, 1, kids), 1);
    assert_int_equal(kids[0], again);
    assert_int_equal(zombies_below(st_srv.pid), 0);
}

/* The template refuses to start but from "mabdesk serve", also with a
 * descriptor 3 that is not its socket. */
static void test_template_refused_outside_serve(void **state)
{
    char *out = NULL, *err = NULL;
    const char *argv[] = {
        "/bin/sh", "-c", "exec \"$@\" 3</dev/null", "sh", tu_bin(), "--db", st_srv.db, "ui", NULL};

    assert_int_not_equal(tu_run((char *const *)argv, NULL, &out, &err), 0);
    assert_non_null(strstr(err, "mabdesk serve"));
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ui_forked_by_template_without_host_key, st_setup,
                                        st_teardown),
        cmocka_unit_test_setup_teardown(test_sessions_get_own_uis, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_closed_client_leaves_nothing, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_template_restarted, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_template_refused_outside_serve, st_setup, st_teardown),
    };

    return cmocka_run_group_tests(tests, st_group_setup, st_group_teardown);
}
