/*
 * fuzz_sshreq.c: libFuzzer target for the session channel's requests
 * (src/ssh/ptyreq.c: pty-req, window-change, env), as a client could send
 * them in any order and with any values.
 *
 * The input is a list of requests, each one byte naming it, then its
 * values: pty-req "p" cols rows (4 bytes each, big-endian, as on the wire)
 * and the terminal type up to a NUL; window-change "w" cols rows; env "e"
 * name NUL value NUL; shell "s".  What is granted must keep to the rules:
 * one pty, none after the shell, no window-change before the pty, sizes in
 * range, a terminal type and environment of plain names only, each
 * variable once, never more than the session holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ssh/ptyreq.h"

enum { ENV_SLOTS = 16 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
    const uint8_t *p;
    size_t left;
};

static int take_int(struct input *in)
{
    uint32_t v = 0;

    for (int i = 0; i < 4; i++) {
        v <<= 8;
        if (in->left > 0) {
            v |= *in->p++;
            in->left--;
        }
    }
    return (int)v; /* libssh hands the uint32 on as int */
}

/* The next string up to a NUL or the end (malloc'd). */
static char *take_string(struct input *in)
{
    size_t n = strnlen((const char *)in->p, in->left);
    char *s = malloc(n + 1);

    if (s == NULL)
        abort();
    memcpy(s, in->p, n);
    s[n] = '\0';
    n += n < in->left; /* the NUL */
    in->p += n;
    in->left -= n;
    return s;
}

static void check_size(int cols, int rows)
{
    if (cols < 1 || cols > PTYREQ_COLS_MAX || rows < 1 || rows > PTYREQ_ROWS_MAX)
        abort();
}

/* The value env holds for name; "" never matches a missing one. */
static const char *find_env(char **env, int nenv, const char *name)
{
    size_t len = strlen(name);

    for (int i = 0; i < nenv; i++)
        if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
            return env[i] + len + 1;
    abort();
}

static void check_env(char **env, int nenv)
{
    if (nenv < 0 || nenv > ENV_SLOTS)
        abort();
    for (int i = 0; i < nenv; i++) {
        char *eq = strchr(env[i], '=');

        if (eq == NULL)
            abort();
        *eq = '\0';
        if (!ptyreq_env_ok(env[i], eq + 1) || strcmp(env[i], "LC_ALL") == 0)
            abort();
        for (int j = 0; j < i; j++)
            if (strncmp(env[j], env[i], strlen(env[i])) == 0 && env[j][strlen(env[i])] == '=')
                abort();
        *eq = '=';
    }
}

static void pty_request(struct input *in, int *pty, int shell)
{
    struct ptyreq_pty p;
    int cols = take_int(in), rows = take_int(in);
    char *term = take_string(in);
    int rc = ptyreq_pty(*pty, shell, term, cols, rows, &p);

    if ((rc == 0) != (!*pty && !shell))
        abort();
    if (rc == 0) {
        check_size(p.cols, p.rows);
        /* The name as sent, or nothing. */
        if (p.term[0] != '\0' && (strcmp(p.term, term) != 0 || !ptyreq_term_plain(p.term)))
            abort();
        if (p.term[0] == '\0' && ptyreq_term_plain(term))
            abort();
        *pty = 1;
    }
    free(term);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    char *env[ENV_SLOTS];
    int nenv = 0, pty = 0, shell = 0;

    while (in.left > 0) {
        uint8_t op = *in.p++;
        int cols, rows, c, r;

        in.left--;
        switch (op) {
        case 'p':
            pty_request(&in, &pty, shell);
            break;
        case 'w':
            cols = take_int(&in);
            rows = take_int(&in);
            c = r = -7;
            if ((ptyreq_window(pty, cols, rows, &c, &r) == 0) != pty)
                abort();
            if (pty)
                check_size(c, r);
            else if (c != -7 || r != -7)
                abort();
            break;
        case 'e': {
            char *name = take_string(&in), *value = take_string(&in);
            int before = nenv, ok = ptyreq_env_ok(name, value);

            if (ptyreq_env(env, &nenv, ENV_SLOTS, name, value) == 0 &&
                (!ok || strcmp(find_env(env, nenv, name), value) != 0))
                abort();
            if (nenv != before && nenv != before + 1)
                abort();
            check_env(env, nenv);
            free(name);
            free(value);
            break;
        }
        case 's':
            shell = 1;
            break;
        default:
            break;
        }
    }
    for (int i = 0; i < nenv; i++)
        free(env[i]);
    return 0;
}
