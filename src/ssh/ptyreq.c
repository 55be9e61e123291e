/*
 * ptyreq.c: the session channel's requests checked as values (see
 * ptyreq.h).  Pure: no libssh, no files; the only allocation is the
 * "NAME=value" strings ptyreq_env() keeps.
 */
#include "ssh/ptyreq.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char term_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.+-_";
static const char locale_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-@";
static const char lc_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ_";

/* 1 if s is no longer than max and made only of chars (empty counts). */
static int plain(const char *s, size_t max, const char *chars)
{
    size_t n = strnlen(s, max + 1);

    return n <= max && strspn(s, chars) == n;
}

int ptyreq_term_plain(const char *term)
{
    return term != NULL && term[0] != '\0' && plain(term, PTYREQ_TERM_MAX, term_chars);
}

static int clamp(int v, int dflt, int max)
{
    if (v <= 0)
        return dflt;
    return v > max ? max : v;
}

void ptyreq_size(int cols, int rows, int *cols_out, int *rows_out)
{
    *cols_out = clamp(cols, PTYREQ_COLS_DEFAULT, PTYREQ_COLS_MAX);
    *rows_out = clamp(rows, PTYREQ_ROWS_DEFAULT, PTYREQ_ROWS_MAX);
}

int ptyreq_pty(int has_pty, int asked, const char *term, int cols, int rows, struct ptyreq_pty *out)
{
    if (has_pty || asked)
        return -1;
    /* A name that cannot be a terminfo entry is no name at all: the
     * session then picks its own terminal, and the bytes go no further. */
    if (ptyreq_term_plain(term))
        strcpy(out->term, term);
    else
        out->term[0] = '\0';
    ptyreq_size(cols, rows, &out->cols, &out->rows);
    return 0;
}

int ptyreq_window(int has_pty, int cols, int rows, int *cols_out, int *rows_out)
{
    if (!has_pty)
        return -1;
    ptyreq_size(cols, rows, cols_out, rows_out);
    return 0;
}

int ptyreq_env_ok(const char *name, const char *value)
{
    if (name == NULL || value == NULL)
        return 0;
    /* LC_ALL would override the language the session chose. */
    if (strcmp(name, "LANG") != 0 && (strncmp(name, "LC_", 3) != 0 || strcmp(name, "LC_ALL") == 0 ||
                                      !plain(name + 3, PTYREQ_NAME_MAX - 3, lc_chars)))
        return 0;
    return plain(value, PTYREQ_VALUE_MAX, locale_chars);
}

int ptyreq_env(char **env, int *nenv, int max, const char *name, const char *value)
{
    size_t len;

    if (!ptyreq_env_ok(name, value))
        return -1;
    len = strlen(name);
    /* A name sent again replaces its first value, as with sshd, where the
     * last value sent wins (a client's SetEnv after its SendEnv). */
    for (int i = 0; i < *nenv; i++) {
        if (strncmp(env[i], name, len) == 0 && env[i][len] == '=') {
            free(env[i]);
            env[i] = xasprintf("%s=%s", name, value);
            return 0;
        }
    }
    if (*nenv >= max)
        return -1;
    env[(*nenv)++] = xasprintf("%s=%s", name, value);
    return 0;
}
