/*
 * config.h: mabdesk.conf, the one INI file of settings (read with inih).
 * Each setting has a built-in default and remembers where its value came
 * from: the default, a file and line, the environment or the command line.
 * Later sources win: defaults < the system file (/etc/mabdesk/mabdesk.conf,
 * or $MABDESK_SYSCONF) < the user's ($XDG_CONFIG_HOME/mabdesk/mabdesk.conf)
 * < --config FILE < the environment (MABDESK_DB, MABDESK_TZ) < command-line
 * options.  Only keys of features that exist are accepted.
 *
 * Nothing here exits or prints: errors come back as "FILE:LINE: key:
 * problem" for main.c to turn into exit status 78.
 */
#ifndef MABDESK_CONFIG_H
#define MABDESK_CONFIG_H

#include <stdio.h>

#define CONFIG_SYSTEM_FILE "/etc/mabdesk/mabdesk.conf"

enum config_key {
    CK_DATABASE,
    CK_STATE_DIR,
    CK_LISTEN,
    CK_KIOSK,
    CK_LANGUAGE,
    CK_TIMEZONE,
    CK_IDLE_TIMEOUT,
    CK_KIOSK_IDLE_TIMEOUT,
    CK_MAX_SESSION_TIME,
    CK_MAX_SESSIONS,
    CK_PER_SOURCE_MAX,
    CK_PER_SOURCE_WINDOW,
    CK_AUTH_DELAY,
    CK_AUTH_DELAY_MAX,
    CK_PENALTY,
    CK_PENALTY_MIN,
    CK_PENALTY_MAX,
    CK_LEAN,
    CK_COMPRESSION,
    CK_MAIL_FROM,
    CK_CONFIRM_URL,
    CK_UNSUBSCRIBE_URL,
    CK_LIST_ID,
    CK_WEEK_START,
    CK_COUNT
};

enum config_source { CONFIG_DEFAULT, CONFIG_FILE, CONFIG_ENV, CONFIG_CMDLINE };

/* What config_load() and friends return. */
enum { CONFIG_OK = 0, CONFIG_BAD = -1, CONFIG_MISSING = -2 };

struct config_origin {
    enum config_source src;
    char *file; /* CONFIG_FILE: the file; CONFIG_ENV: the variable */
    int line;
};

struct config_override {
    enum config_key key;
    char *value;
};

struct config {
    char *str[CK_COUNT]; /* the value as text; NULL: no value (see config_str()) */
    int num[CK_COUNT];   /* numbers and booleans (1 yes, 0 no) */
    struct config_origin from[CK_COUNT];
    char *files[3]; /* system, user, --config: what config_reload() reads again */
    struct config_override *over;
    int nover;
};

/* The built-in defaults only. */
void config_defaults(struct config *);
void config_free(struct config *);

/*
 * Defaults, then the system file, the user's file and explicit (NULL:
 * none), then the environment.  The first two may be missing; explicit
 * missing is CONFIG_MISSING.  CONFIG_BAD for a file that cannot be read, a
 * syntax error, an unknown key or a bad value.  *err on failure (malloc'd).
 */
int config_load(struct config *, const char *explicit_file, char **err);
/* Check one file on its own: CONFIG_OK, CONFIG_MISSING or CONFIG_BAD. */
int config_check_file(const char *path, char **err);
/*
 * A command-line option for key: checked as a file's value would be
 * (CONFIG_BAD with *err naming the option) and remembered, so that
 * config_reload() applies it again.  option: "--max-sessions", for errors.
 */
int config_override(struct config *, const char *option, enum config_key, const char *value,
                    char **err);
/* Read the same files and environment again into *fresh and apply the
 * same overrides; *fresh is only filled on CONFIG_OK. */
int config_reload(const struct config *, struct config *fresh, char **err);

/* A key's name ("max_sessions"), and the key of a name (-1: none). */
const char *config_key_name(enum config_key);
int config_key_by_name(const char *name);
/* The value as text, NULL when the key has none (database and state_dir
 * are then found elsewhere; language then follows the locale). */
const char *config_str(const struct config *, enum config_key);
int config_int(const struct config *, enum config_key);

/* The URL a template (confirm_url, unsubscribe_url) makes for token:
 * "{token}" replaced by it.  Malloc'd. */
char *config_url(const char *template_, const char *token);

/* "ADDR:PORT" or "[V6ADDR]:PORT" split into host and port; 0, or -1. */
int config_split_listen(const char *spec, char *host, size_t hn, char *port, size_t pn);

/* Every key as "key = value ; where it came from", valid INI again. */
void config_show(const struct config *, FILE *);

#endif
