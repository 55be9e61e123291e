/*
 * sshtest.h: what the SSH suites (tests/ssh/) share: "mabdesk serve" on a
 * free port of 127.0.0.1 with its own database and its own log
 * (--log-stderr), the real OpenSSH client run as a command with a 90 s
 * limit, passwords through an askpass script, and ssh-agents.
 *
 * Every test has its own database and its own server, and stops it
 * (st_setup / st_teardown); keys are made once per binary in the
 * temporary directory (st_group_setup).  These fail the calling test
 * (cmocka) when what they need does not hold: include after <cmocka.h>
 * and its prerequisites.  No timing asserts: waits poll with time limits.
 */
#ifndef MABDESK_SSHTEST_H
#define MABDESK_SSHTEST_H

#include <stddef.h>
#include <sys/types.h>

#define PAT_PASSWORD "pat-secret-1"

struct st_server {
    pid_t pid;
    int port;
    char port_s[16];
    char *db;
    char *log;
};

extern const char *st_tmp;
/* ed's key (registered for ed), another (registered for nobody), ed's
 * public key alone, and three more registered for nobody. */
extern char *st_state_dir, *st_key_ed, *st_key_other, *st_key_pubonly, *st_askpass;
extern char *st_key_extra[3];
extern struct st_server st_srv;
extern pid_t st_agent_pid; /* an agent a test started (stopped by st_teardown), or 0 */

/* ssh's options for these tests, then the rest; SSH_BASE_OPTS lets ssh
 * offer every key of an agent. */
#define SSH_BASE_OPTS                                                                              \
    "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",     \
        "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=30", "-p", st_srv.port_s
#define SSH_OPTS SSH_BASE_OPTS, "-o", "IdentitiesOnly=yes"

struct vt;
/* An interactive ssh session (SSH_OPTS, then the NULL-ended more) in the
 * terminal emulator, rows x cols, with env (NULL: the test's own). */
struct vt *st_ssh_vt(int rows, int cols, const char *const *env, const char *const *more);

void st_sleep_ms(int ms);
double st_wall_now(void);
/* A free TCP port of 127.0.0.1. */
int st_free_port(void);
/* A new Ed25519 key without a passphrase at path (and path.pub). */
void st_make_key(const char *path);

/* A fresh database with the seed data and two accounts: ed (editor,
 * st_key_ed) and pat (viewer, password PAT_PASSWORD). */
void st_make_db(void);
/* Start the server on st_srv's database with these extra arguments
 * (NULL-terminated, or NULL), and wait until it listens. */
void st_start_server_with(const char *const *extra);
void st_start_server(void);
/* SIGTERM (it ends its sessions too), then SIGKILL if need be. */
void st_stop_server(void);
/* Occurrences of what in the server's log so far. */
int st_log_count(const char *what);
/* Wait until the log holds what; 1 if it does (else the log is printed). */
int st_wait_log(const char *what, int timeout_ms);
void st_print_log(void);

/* Run a command with a 90 s limit (times vt_slow()); exit status, output in *out / *err. */
int st_run(const char *const *argv, const char *const *env, char **out, char **err);
/* Environment for ssh with the askpass script giving the right password
 * of pat, or a wrong one; the askpass script notes when it was asked. */
extern const char *const st_askpass_good[], *const st_askpass_bad[];
const char **st_askpass_env(const char *const *base);
/* Forget, count, and the time of the last of, the passwords asked for. */
void st_askpass_reset(void);
int st_askpass_calls(void);
double st_askpass_last(void);

/* An ssh-agent in the foreground (st_agent_pid); its socket path,
 * malloc'd.  st_agent_add(): ssh-add key to it. */
char *st_start_agent(void);
void st_agent_add(const char *sock, const char *key);

/* One line (or EOF) from a freshly connected socket, 20 s at most
 * (times vt_slow()). */
void st_first_line(int fd, char *buf, size_t n);

/* cmocka fixtures. */
int st_group_setup(void **state);
int st_group_teardown(void **state);
int st_setup(void **state);
int st_teardown(void **state);

#endif
