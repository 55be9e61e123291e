/*
 * test_serve.c: "mabdesk serve" on a loopback port, driven by the real
 * OpenSSH client.  Interactive sessions run ssh inside the libvterm harness
 * (tests/lib/vt.h); the rest run ssh / sftp as commands and read their
 * exit status, their output and the server's log (--log-stderr).  How the
 * server stands up to guessing and floods is in test_guard.c.
 *
 * Every test has its own database and its own server on a free port of
 * 127.0.0.1, and stops it (tests/lib/sshtest.h).  No timing asserts:
 * waits poll with time limits.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "fixtures.h"
#include "sshtest.h"
#include "testutil.h"
#include "vt.h"

#include "util.h"

/* --- tests ------------------------------------------------------------- */

static void test_fingerprints_and_host_keys(void **state)
{
    const char *argv[] = {tu_bin(),      "--db",       st_srv.db,        "serve",
                          "--state-dir", st_state_dir, "--fingerprints", NULL};
    char *out = NULL, *err = NULL, *path, *kout = NULL;
    struct stat st;
    const char *names[] = {"ssh_host_ed25519_key", "ssh_host_rsa_key"};

    assert_int_equal(tu_run((char *const *)argv, NULL, &out, &err), 0);
    for (size_t i = 0; i < 2; i++) {
        const char *kargv[] = {"/usr/bin/ssh-keygen", "-l", "-E", "sha256", "-f", NULL, NULL};
        char *fp, *sp;

        path = xasprintf("%s/%s", st_state_dir, names[i]);
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
        const char *uargv[] = {tu_bin(), "--db", st_srv.db, "ui", NULL};

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
    const char *more[] = {"-i", st_key_ed, "-o", "PasswordAuthentication=no", "ed@127.0.0.1", NULL};
    struct vt *vt;

    st_start_server();
    vt = st_ssh_vt(24, 80, NULL, more);
    edit_amtali_mayor(vt);
    tu_replace_field(vt, "Mayor Over SSH");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Saved Amtali.");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);

    assert_int_equal(tu_sql_int(st_srv.db,
                                "SELECT count(*) FROM municipality WHERE name_en = 'Amtali'"
                                " AND mayor_en = 'Mayor Over SSH' AND updated_by = 'ed'"),
                     1);
    assert_int_equal(tu_sql_int(st_srv.db,
                                "SELECT count(*) FROM audit WHERE user = 'ed' AND action = 'update'"
                                " AND record_kind = 'municipality'"
                                " AND after LIKE '%Mayor Over SSH%'"),
                     1);
    assert_true(st_wait_log("Accepted publickey for ed from 127.0.0.1", 5000));
    assert_true(st_wait_log("session closed for ed", 10000));
    assert_int_equal(st_log_count("exit status 0"), 1);
}

static void test_two_sessions_conflict(void **state)
{
    const char *more[] = {"-i", st_key_ed, "-o", "PasswordAuthentication=no", "ed@127.0.0.1", NULL};
    struct vt *a, *b;

    st_start_server();
    a = st_ssh_vt(24, 80, NULL, more);
    b = st_ssh_vt(24, 80, NULL, more);
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
        tu_sql_int(st_srv.db, "SELECT version FROM municipality WHERE name_en = 'Amtali'"), 3);
    assert_int_equal(tu_sql_int(st_srv.db,
                                "SELECT count(*) FROM municipality WHERE name_en = 'Amtali'"
                                " AND mayor_en = 'Mayor From B'"),
                     1);
    /* Both saves are in the audit log, A's value as B's "before". */
    assert_int_equal(tu_sql_int(st_srv.db,
                                "SELECT count(*) FROM audit WHERE user = 'ed' AND action = 'update'"
                                " AND record_kind = 'municipality'"),
                     2);
    assert_int_equal(tu_sql_int(st_srv.db,
                                "SELECT count(*) FROM audit WHERE before LIKE '%Mayor From A%'"
                                " AND after LIKE '%Mayor From B%'"),
                     1);
}

static void test_password_login(void **state)
{
    const char *more[] = {"-o", "PubkeyAuthentication=no", "pat@127.0.0.1", NULL};
    struct vt *vt;

    st_start_server();
    vt = st_ssh_vt(24, 80, st_askpass_env(st_askpass_good), more);
    VT_EXPECT_TEXT(vt, "Directory");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_true(st_wait_log("Accepted password for pat from 127.0.0.1", 5000));
    assert_int_equal(st_askpass_calls(), 1);
}

/* An account keeps its language and lean mode from one login to the next
 * -- a viewer's read-only session too; the shared kiosk does not. */
static void test_choices_kept_with_account(void **state)
{
    const char *more[] = {"-o", "PubkeyAuthentication=no", "pat@127.0.0.1", NULL};
    const char *kiosk[] = {"-o",
                           "PubkeyAuthentication=no",
                           "-o",
                           "PasswordAuthentication=no",
                           "-o",
                           "KbdInteractiveAuthentication=no",
                           "kiosk@127.0.0.1",
                           NULL};
    struct vt *vt;

    st_start_server();
    vt = st_ssh_vt(24, 80, st_askpass_env(st_askpass_good), more);
    VT_EXPECT_TEXT(vt, "Directory");
    vt_send(vt, "\x12"); /* Ctrl-R: lean mode */
    VT_EXPECT_TEXT(vt, "Lean mode: on.");
    vt_key(vt, VT_KEY_F9);
    VT_EXPECT_TEXT(vt, "বাংলা");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_int_equal(tu_sql_int(st_srv.db, "SELECT count(*) FROM users WHERE name = 'pat'"
                                           " AND lang = 'bn' AND lean = 1"),
                     1);
    /* The next login starts as they left it, and a change is kept again. */
    vt = st_ssh_vt(24, 80, st_askpass_env(st_askpass_good), more);
    VT_EXPECT_TEXT(vt, "নির্দেশিকা");
    VT_EXPECT_ABSENT(vt, "Directory");
    vt_send(vt, "\x12");
    VT_EXPECT_TEXT(vt, "হালকা মোড: বন্ধ।");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_int_equal(tu_sql_int(st_srv.db, "SELECT count(*) FROM users WHERE name = 'pat'"
                                           " AND lang = 'bn' AND lean = 0"),
                     1);
    /* The kiosk's choice lasts the session only. */
    vt = st_ssh_vt(24, 80, NULL, kiosk);
    VT_EXPECT_TEXT(vt, "Public information kiosk");
    vt_key(vt, VT_KEY_F9);
    VT_EXPECT_TEXT(vt, "বাংলা");
    vt_close(vt);
    vt = st_ssh_vt(24, 80, NULL, kiosk);
    VT_EXPECT_TEXT(vt, "Public information kiosk");
    vt_close(vt);
    assert_int_equal(tu_sql_int(st_srv.db, "SELECT count(*) FROM users WHERE lang IS NOT NULL"
                                           " AND name <> 'pat'"),
                     0);
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

    st_start_server();
    vt = st_ssh_vt(24, 80, NULL, more);
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
    assert_true(st_wait_log("Accepted none for kiosk from 127.0.0.1", 5000));
    assert_true(st_wait_log("session closed for kiosk", 10000));
    assert_int_equal(tu_sql_int(st_srv.db, "SELECT count(*) FROM audit"),
                     2); /* the two users only */
    assert_int_equal(tu_sql_int(st_srv.db, "SELECT count(*) FROM municipality WHERE version <> 1"),
                     0);
}

/* The kiosk's one write, over SSH: the public subscribe form. */
static void test_kiosk_subscribes(void **state)
{
    const char *more[] = {"-o", "PubkeyAuthentication=no", "kiosk@127.0.0.1", NULL};
    struct vt *vt;

    st_start_server();
    vt = st_ssh_vt(24, 80, NULL, more);
    VT_EXPECT_TEXT(vt, "The Municipality Digest by email");
    for (int i = 0; i < 3; i++)
        vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Subscribe to the Municipality Digest");
    vt_send(vt, "reader@example.org");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "You have been successfully subscribed!");
    vt_close(vt);
    assert_int_equal(tu_sql_int(st_srv.db, "SELECT count(*) FROM subscriber WHERE email ="
                                           " 'reader@example.org' AND status = 'pending' AND"
                                           " consent_how = 'kiosk' AND consent_by = 'kiosk'"),
                     1);
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
                          st_key_pubonly,
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
                           st_key_other,
                           "-T",
                           "ed@127.0.0.1",
                           NULL};
    char *out = NULL, *err = NULL;

    st_start_server();
    assert_int_equal(st_run(argv, NULL, &out, &err), 255);
    assert_null(strstr(err, "ssh -t"));
    free(out);
    free(err);
    assert_true(st_wait_log("Postponed publickey for ed", 5000));
    /* An unregistered key, then a password that is wrong for ed. */
    assert_int_equal(st_run(argv2, st_askpass_env(st_askpass_bad), &out, &err), 255);
    free(out);
    free(err);
    assert_true(st_wait_log("Failed publickey for ed", 5000));
    assert_true(st_wait_log("Failed password for ed", 5000));
    assert_int_equal(st_log_count("Accepted"), 0);
    assert_int_equal(st_log_count("session opened"), 0);
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

    st_start_server_with(extra);
    assert_int_equal(st_run(argv, st_askpass_env(st_askpass_bad), &out, &err), 255);
    free(out);
    free(err);
    assert_true(st_wait_log("Too many authentication failures", 5000));
    assert_int_equal(st_log_count("Failed password for pat"), 6);
    assert_int_equal(st_log_count("Accepted"), 0);
    /* The client gave up well before its own limit of 10. */
    assert_true(st_askpass_calls() <= 7);
}

static void test_refusals(void **state)
{
    const char *no_pty[] = {"/usr/bin/ssh", SSH_OPTS,       "-o", "BatchMode=yes", "-i", st_key_ed,
                            "-T",           "ed@127.0.0.1", NULL};
    const char *command[] = {
        "/usr/bin/ssh", SSH_OPTS,          "-o", "BatchMode=yes", "-i", st_key_ed,
        "ed@127.0.0.1", "cat /etc/passwd", NULL};
    const char *remote_fwd[] = {"/usr/bin/ssh",
                                SSH_OPTS,
                                "-o",
                                "BatchMode=yes",
                                "-o",
                                "ExitOnForwardFailure=yes",
                                "-i",
                                st_key_ed,
                                "-N",
                                "-R",
                                "127.0.0.1:0:127.0.0.1:9",
                                "ed@127.0.0.1",
                                NULL};
    char *out = NULL, *err = NULL;
    char *port_opt;
    const char *sftp[16];
    int n = 0;

    st_start_server();
    assert_int_equal(st_run(no_pty, NULL, &out, &err), 1);
    assert_non_null(strstr(err, "ssh -t"));
    assert_string_equal(out, "");
    free(out);
    free(err);

    assert_int_equal(st_run(command, NULL, &out, &err), 1);
    assert_non_null(strstr(err, "not available"));
    assert_null(strstr(out, "root:"));
    free(out);
    free(err);
    assert_true(st_wait_log("refused exec request for ed", 5000));

    port_opt = xasprintf("Port=%d", st_srv.port);
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
    sftp[n++] = st_key_ed;
    sftp[n++] = "ed@127.0.0.1";
    sftp[n] = NULL;
    assert_int_not_equal(st_run(sftp, NULL, &out, &err), 0);
    free(out);
    free(err);
    free(port_opt);
    assert_true(st_wait_log("refused subsystem sftp for ed", 5000));

    assert_int_equal(st_run(remote_fwd, NULL, &out, &err), 255);
    free(out);
    free(err);
    assert_true(st_wait_log("refused remote port forwarding for ed", 5000));
    assert_int_equal(st_log_count("session opened"), 0);
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
                          st_key_ed,
                          "-T",
                          "ed@127.0.0.1",
                          NULL};
    char *out = NULL, *err = NULL;

    st_start_server();
    assert_int_equal(st_run(argv, NULL, &out, &err), 1);
    free(out);
    free(err);
    assert_true(st_wait_log("refused environment variable LD_PRELOAD for ed", 5000));
    assert_int_equal(st_log_count("refused environment variable LANG"), 0);
    assert_int_equal(st_log_count("refused environment variable LC_TIME"), 0);
}

/* A variable sent twice: the last value wins, as with sshd (OpenSSH sends
 * SendEnv's variables from its environment, then SetEnv's).  Regression:
 * the first was kept, and the session came up in English.  LC_MESSAGES,
 * not LANG: a LANG whose locale is not installed makes an ASCII terminal,
 * which is English whatever it asks for. */
static void test_environment_last_value_wins(void **state)
{
    const char *const env[] = {"LC_MESSAGES=C.UTF-8", NULL};
    const char *more[] = {"-o",           "SendEnv=LC_MESSAGES",
                          "-o",           "SetEnv=LC_MESSAGES=bn_BD.UTF-8",
                          "-i",           st_key_ed,
                          "-o",           "PasswordAuthentication=no",
                          "ed@127.0.0.1", NULL};
    struct vt *vt;

    st_start_server();
    vt = st_ssh_vt(24, 80, env, more);
    VT_EXPECT_TEXT(vt, "সব সিটি কর্পোরেশন ও পৌরসভা");
    vt_close(vt);
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
    st_start_server();
    snprintf(target, sizeof target, "127.0.0.1:%d", st_srv.port);
    st_run(argv, NULL, &out, &err);
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
    char spec[64], *errpath = xasprintf("%s/fwd.err", st_tmp);
    int lport = st_free_port(), fd = -1;
    pid_t pid;
    struct sockaddr_in a = {0};
    char buf[64];
    ssize_t got = -1;

    st_start_server();
    snprintf(spec, sizeof spec, "127.0.0.1:%d:127.0.0.1:%d", lport, st_srv.port);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const char *argv[] = {"/usr/bin/ssh", SSH_OPTS, "-o", "BatchMode=yes", "-i", st_key_ed,
                              "-N",           "-L",     spec, "ed@127.0.0.1",  NULL};
        int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int nul = open("/dev/null", O_RDWR);

        dup2(nul, 0);
        dup2(nul, 1);
        dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    assert_true(st_wait_log("Accepted publickey for ed", 30000));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)lport);
    for (int t = 0; t < 20000; t += 100) {
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
            break;
        close(fd);
        fd = -1;
        st_sleep_ms(100);
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
    assert_true(st_wait_log("refused port forwarding (direct-tcpip)", 5000));
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    free(errpath);
}

static void test_agent_forwarding_refused(void **state)
{
    const char *more[] = {"-A",           "-i", st_key_ed, "-o", "PasswordAuthentication=no",
                          "ed@127.0.0.1", NULL};
    char *sock = st_start_agent(), *env_sock = xasprintf("SSH_AUTH_SOCK=%s", sock);
    const char *env[] = {env_sock, NULL};
    struct vt *vt;

    st_start_server();
    vt = st_ssh_vt(24, 80, env, more);
    VT_EXPECT_TEXT(vt, "Directory");
    assert_true(st_wait_log("refused agent forwarding for ed", 5000));
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    free(sock);
    free(env_sock);
}

static void test_resize_reaches_ui(void **state)
{
    const char *more[] = {"-i", st_key_ed, "-o", "PasswordAuthentication=no", "ed@127.0.0.1", NULL};
    const char *env[] = {"TERM=no-such-terminal-type", NULL};
    struct vt *vt;

    st_start_server();
    /* An unknown TERM falls back to one that exists instead of failing. */
    vt = st_ssh_vt(24, 80, env, more);
    VT_EXPECT_TEXT(vt, "Directory");
    vt_resize(vt, 14, 39);
    VT_EXPECT_TEXT(vt, "Make the window larger");
    VT_EXPECT_TEXT(vt, "39x14");
    vt_resize(vt, 30, 100);
    VT_EXPECT_GONE(vt, "Make the window larger");
    VT_EXPECT_TEXT(vt, "Directory");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_true(st_wait_log("session opened for ed (editor)", 5000));
    assert_true(st_wait_log("TERM xterm", 5000));
}

static void test_idle_timeout_ends_session(void **state)
{
    const char *extra[] = {"--idle-timeout", "2", NULL};
    const char *more[] = {"-i", st_key_ed, "-o", "PasswordAuthentication=no", "ed@127.0.0.1", NULL};
    struct vt *vt;

    st_start_server_with(extra);
    vt = st_ssh_vt(24, 80, NULL, more);
    VT_EXPECT_TEXT(vt, "Directory");
    VT_EXPECT_TEXT(vt, "Session ended");
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_true(st_wait_log("session closed for ed", 10000));
}

/* A libssh client connected (not authenticated) as user to the server:
 * for what OpenSSH's client will not do on request. */
static ssh_session lib_connect(const char *user)
{
    ssh_session ss = ssh_new();
    bool no = false;
    unsigned int port = (unsigned int)st_srv.port;
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
    char *pubpath = xasprintf("%s.pub", st_key_ed);

    st_start_server();
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
    assert_true(st_wait_log("Postponed publickey for ed", 5000));
    assert_true(st_wait_log("Failed password for ed", 5000));
    assert_int_equal(st_log_count("Accepted"), 0);
    assert_int_equal(st_log_count("session opened"), 0);
}

static void test_sizes_clamped_and_term_sanitised(void **state)
{
    ssh_session ss;
    ssh_key key = NULL;
    ssh_channel ch;

    st_start_server();
    ss = lib_connect("ed");
    assert_int_equal(ssh_pki_import_privkey_file(st_key_ed, NULL, NULL, NULL, &key), SSH_OK);
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
    assert_true(st_wait_log("session opened for ed (editor) from 127.0.0.1", 5000));
    assert_true(st_wait_log("TERM xterm, 80x24", 5000));
    assert_int_equal(st_log_count("owned"), 0);
    assert_true(st_wait_log("session closed for ed", 10000));
    assert_int_equal(kill(st_srv.pid, 0), 0);
}

static void test_stalled_client_blocks_nobody(void **state)
{
    const char *more[] = {"-i", st_key_ed, "-o", "PasswordAuthentication=no", "ed@127.0.0.1", NULL};
    struct vt *a, *b;

    st_start_server();
    a = st_ssh_vt(24, 80, NULL, more);
    VT_EXPECT_TEXT(a, "Directory");
    /* a's client stops reading altogether. */
    kill(vt_pid(a), SIGSTOP);
    b = st_ssh_vt(24, 80, NULL, more);
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

static void test_fifty_connections_at_once(void **state)
{
    enum { N = 50 };
    const char *argv[] = {"/usr/bin/ssh", SSH_OPTS,       "-o", "BatchMode=yes", "-i", st_key_ed,
                          "-T",           "ed@127.0.0.1", NULL};
    int fds[N], banners = 0, refused = 0, ok = 0;
    struct sockaddr_in a = {0};
    char line[256];

    st_start_server();
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)st_srv.port);
    for (int i = 0; i < N; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        assert_true(fds[i] >= 0);
        assert_int_equal(connect(fds[i], (struct sockaddr *)&a, sizeof a), 0);
    }
    for (int i = 0; i < N; i++) {
        st_first_line(fds[i], line, sizeof line);
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
    assert_int_equal(kill(st_srv.pid, 0), 0);
    assert_true(st_log_count("refused connection from 127.0.0.1") >= N - 10);

    /* Once the window has passed, a real login still works. */
    for (int attempt = 0; attempt < 40 && !ok; attempt++) {
        char *out = NULL, *err = NULL;

        ok = st_run(argv, NULL, &out, &err) == 1 && strstr(err, "ssh -t") != NULL;
        free(out);
        free(err);
        if (!ok)
            st_sleep_ms(1000);
    }
    assert_true(ok);
    assert_int_equal(kill(st_srv.pid, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fingerprints_and_host_keys, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_key_login_editor_edits, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_two_sessions_conflict, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_password_login, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_read_only, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_subscribes, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_unsigned_key_and_fallbacks_never_log_in, st_setup,
                                        st_teardown),
        cmocka_unit_test_setup_teardown(test_six_wrong_passwords_disconnect, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_refusals, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_environment_filtered, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_environment_last_value_wins, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_ssh_audit, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_choices_kept_with_account, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_local_forwarding_refused, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_agent_forwarding_refused, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_resize_reaches_ui, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_idle_timeout_ends_session, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_probe_gives_no_identity, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_sizes_clamped_and_term_sanitised, st_setup,
                                        st_teardown),
        cmocka_unit_test_setup_teardown(test_stalled_client_blocks_nobody, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(test_fifty_connections_at_once, st_setup, st_teardown),
    };

    /* MABDESK_TEST_FILTER=test_name (a glob) runs only those tests. */
    if (getenv("MABDESK_TEST_FILTER") != NULL)
        cmocka_set_test_filter(getenv("MABDESK_TEST_FILTER"));
    return cmocka_run_group_tests(tests, st_group_setup, st_group_teardown);
}
