/*
 * usercmd.c: the "mabdesk user" commands (see usercmd.h).  Keys are parsed
 * and passwords hashed before the database is touched, so a bad key file or
 * a mistyped password changes nothing.  Never prints a password or a hash.
 */
#include "usercmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/user.h"
#include "i18n.h"
#include "ssh/cred.h"
#include "text.h"
#include "util.h"

static const char *usage_text(void)
{
    return _("usage: mabdesk user add NAME --role admin|editor|municipal|viewer "
             "[--municipality ID] [--key FILE.pub]... [--password]\n"
             "       mabdesk user list\n"
             "       mabdesk user disable|enable NAME\n"
             "       mabdesk user key add NAME FILE.pub\n"
             "       mabdesk user key remove NAME FILE.pub|SHA256:FINGERPRINT\n"
             "       mabdesk user passwd NAME\n");
}

/* The usage of one subcommand, for "mabdesk user SUB --help". */
static const char *sub_usage(const char *sub)
{
    if (strcmp(sub, "add") == 0)
        return _("usage: mabdesk user add NAME --role admin|editor|municipal|viewer "
                 "[--municipality ID] [--key FILE.pub]... [--password]\n");
    if (strcmp(sub, "list") == 0)
        return _("usage: mabdesk user list\n");
    if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0)
        return _("usage: mabdesk user disable|enable NAME\n");
    if (strcmp(sub, "key") == 0)
        return _("usage: mabdesk user key add NAME FILE.pub\n"
                 "       mabdesk user key remove NAME FILE.pub|SHA256:FINGERPRINT\n");
    if (strcmp(sub, "passwd") == 0)
        return _("usage: mabdesk user passwd NAME\n");
    return NULL;
}

static int is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* Print msg (taken over) and the usage text; returns -1. */
static int usage(char *msg)
{
    fprintf(stderr, "mabdesk: %s\n%s", msg, usage_text());
    free(msg);
    return -1;
}

static int parse_add(int argc, char **argv, struct usercmd *c)
{
    static const struct option opts[] = {
        {"role", required_argument, NULL, 'r'},
        {"municipality", required_argument, NULL, 'm'},
        {"key", required_argument, NULL, 'k'},
        {"password", no_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    int ch, have_role = 0;

    optind = 0; /* 0: a full restart of GNU getopt after main.c's own parse */
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "r:m:k:p", opts, NULL)) != -1) {
        switch (ch) {
        case 'r':
            if (auth_role_parse(optarg, &c->role) != 0 || c->role == ROLE_KIOSK)
                return usage(
                    xasprintf(_("unknown role '%s' (admin, editor, municipal, viewer)"), optarg));
            have_role = 1;
            break;
        case 'm': {
            char *end;

            errno = 0;
            c->municipality_id = strtoll(optarg, &end, 10);
            if (errno != 0 || *end != '\0' || c->municipality_id <= 0)
                return usage(xasprintf(_("bad municipality id '%s' (a number)"), optarg));
            break;
        }
        case 'k':
            c->key_files =
                xreallocarray(c->key_files, (size_t)c->nkey_files + 1, sizeof *c->key_files);
            c->key_files[c->nkey_files++] = optarg;
            break;
        case 'p':
            c->password = 1;
            break;
        default:
            return usage(xasprintf(_("bad option '%s'"), argv[optind - 1]));
        }
    }
    if (optind != argc - 1)
        return usage(xasprintf("%s", _("user add needs exactly one NAME")));
    c->name = argv[optind];
    if (!have_role)
        return usage(xasprintf("%s", _("user add needs --role")));
    if (c->role == ROLE_MUNICIPAL && c->municipality_id == 0)
        return usage(xasprintf("%s", _("--role municipal needs --municipality ID")));
    if (c->role != ROLE_MUNICIPAL && c->municipality_id != 0)
        return usage(xasprintf("%s", _("--municipality belongs with --role municipal only")));
    return 0;
}

int usercmd_parse(int argc, char **argv, struct usercmd *c)
{
    const char *sub;

    memset(c, 0, sizeof *c);
    if (argc < 2)
        return usage(xasprintf("%s", _("user needs a subcommand")));
    sub = argv[1];
    if (is_help(sub) || strcmp(sub, "help") == 0) {
        fputs(usage_text(), stdout);
        return 1;
    }
    /* "user passwd --help" is a question, not an account called "--help";
     * "user key add --help" too. */
    if (sub_usage(sub) != NULL && ((argc == 3 && is_help(argv[2])) ||
                                   (argc == 4 && strcmp(sub, "key") == 0 && is_help(argv[3])))) {
        fputs(sub_usage(sub), stdout);
        return 1;
    }
    if (strcmp(sub, "add") == 0) {
        c->op = USERCMD_ADD;
        return parse_add(argc - 1, argv + 1, c);
    }
    if (strcmp(sub, "list") == 0) {
        c->op = USERCMD_LIST;
        if (argc != 2)
            return usage(xasprintf(_("unexpected argument '%s'"), argv[2]));
        return 0;
    }
    if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0 || strcmp(sub, "passwd") == 0) {
        c->op = sub[0] == 'd' ? USERCMD_DISABLE : sub[0] == 'e' ? USERCMD_ENABLE : USERCMD_PASSWD;
        if (argc != 3)
            return usage(xasprintf(_("user %s needs exactly one NAME"), sub));
        c->name = argv[2];
        return 0;
    }
    if (strcmp(sub, "key") == 0) {
        if (argc != 5 || (strcmp(argv[2], "add") != 0 && strcmp(argv[2], "remove") != 0))
            return usage(xasprintf("%s", _("user key add|remove NAME FILE.pub|FINGERPRINT")));
        c->op = strcmp(argv[2], "add") == 0 ? USERCMD_KEY_ADD : USERCMD_KEY_REMOVE;
        c->name = argv[3];
        c->key_arg = argv[4];
        return 0;
    }
    return usage(xasprintf(_("unknown user subcommand '%s'"), sub));
}

void usercmd_free(struct usercmd *c)
{
    free(c->key_files);
    memset(c, 0, sizeof *c);
}

int usercmd_add_account(struct db *db, const char *name, enum role role, long long municipality_id,
                        const char *password, const struct cred_pubkey *keys, int nkeys,
                        long long *id, char **err)
{
    struct user_key *uk;
    char *hash = NULL;
    int rc;

    if (password != NULL && (hash = cred_password_hash(password, err)) == NULL)
        return DB_INVALID;
    uk = xcalloc((size_t)nkeys + 1, sizeof *uk);
    for (int i = 0; i < nkeys; i++) {
        uk[i].algo = keys[i].algo;
        uk[i].key_b64 = keys[i].b64;
        uk[i].fingerprint = keys[i].fingerprint;
        uk[i].comment = keys[i].comment;
    }
    rc = db_user_add(db, name, role, municipality_id, hash, uk, nkeys, id, err);
    free(uk);
    cred_wipe(hash);
    return rc;
}

int usercmd_set_password(struct db *db, const char *name, const char *password, char **err)
{
    char *hash = cred_password_hash(password, err);
    int rc;

    if (hash == NULL)
        return DB_INVALID;
    rc = db_user_set_password(db, name, hash, err);
    cred_wipe(hash);
    return rc;
}

static int run_add(struct db *db, const struct usercmd *c, FILE *in, FILE *out, char **err)
{
    struct cred_pubkey *all = NULL;
    const char *problem;
    char *pw = NULL;
    int nall = 0, rc = DB_OK;
    long long id = 0;

    if ((problem = user_name_problem(c->name)) != NULL)
        return *err = xasprintf("%s: %s", c->name, problem), DB_INVALID;
    for (int i = 0; i < c->nkey_files; i++) {
        struct cred_pubkey *got;
        int n;

        if (cred_pubkey_read_file(c->key_files[i], &got, &n, err) != 0) {
            rc = DB_INVALID;
            goto out;
        }
        all = xreallocarray(all, (size_t)(nall + n), sizeof *all);
        memcpy(all + nall, got, (size_t)n * sizeof *got);
        nall += n;
        free(got);
    }
    if (c->password && cred_password_read(in, &pw, err) != 0) {
        rc = DB_INVALID;
        goto out;
    }
    rc = usercmd_add_account(db, c->name, c->role, c->municipality_id, pw, all, nall, &id, err);
    if (rc == DB_OK) {
        fprintf(out,
                ngettext("user %s added (%s, %d key, %s)\n", "user %s added (%s, %d keys, %s)\n",
                         (unsigned long)nall),
                c->name, auth_role_name(c->role), nall,
                pw != NULL ? _("password set") : _("no password"));
        if (pw == NULL && nall == 0)
            fprintf(out, "%s\n",
                    _("note: the account cannot log in until it has a key or a password"));
    }
out:
    cred_wipe(pw);
    cred_pubkeys_free(all, nall);
    return rc;
}

static int run_list(struct db *db, int kiosk, FILE *out, char **err)
{
    struct user *v;
    int n, rc = db_user_list(db, &v, &n, err);

    if (rc != DB_OK)
        return rc;
    for (int i = 0; i < n; i++) {
        char *name = text_sanitize(v[i].name);

        fprintf(out, "%s\t%s\t", name, auth_role_name(v[i].role));
        if (v[i].municipality_id != 0)
            fprintf(out, "%lld", v[i].municipality_id);
        else
            fputs("-", out);
        fprintf(out, "\t%s\t%s\t", v[i].disabled ? _("disabled") : _("enabled"),
                v[i].has_password ? _("password") : _("no-password"));
        fprintf(out, ngettext("%d key\n", "%d keys\n", (unsigned long)v[i].nkeys), v[i].nkeys);
        free(name);
    }
    users_free(v, n);
    /* Not in the table: the configuration's kiosk key turns it on or off. */
    fprintf(out, "%s\t%s\t-\t%s\t%s\t", USER_KIOSK_NAME, auth_role_name(ROLE_KIOSK),
            kiosk ? _("enabled") : _("disabled"), _("no-credentials"));
    fprintf(out, ngettext("%d key\n", "%d keys\n", 0UL), 0);
    return DB_OK;
}

static int run_key(struct db *db, const struct usercmd *c, FILE *out, char **err)
{
    struct cred_pubkey *keys;
    int n, rc = DB_OK;

    if (c->op == USERCMD_KEY_REMOVE && cred_is_fingerprint(c->key_arg)) {
        rc = db_user_key_remove(db, c->name, c->key_arg, err);
        if (rc == DB_OK)
            fprintf(out, _("key %s removed from %s\n"), c->key_arg, c->name);
        return rc;
    }
    if (cred_pubkey_read_file(c->key_arg, &keys, &n, err) != 0)
        return DB_INVALID;
    for (int i = 0; i < n && rc == DB_OK; i++) {
        if (c->op == USERCMD_KEY_ADD)
            rc = db_user_key_add(db, c->name, keys[i].algo, keys[i].b64, keys[i].fingerprint,
                                 keys[i].comment, err);
        else
            rc = db_user_key_remove(db, c->name, keys[i].fingerprint, err);
        if (rc == DB_OK)
            fprintf(out,
                    c->op == USERCMD_KEY_ADD ? _("key %s added to %s\n")
                                             : _("key %s removed from %s\n"),
                    keys[i].fingerprint, c->name);
    }
    cred_pubkeys_free(keys, n);
    return rc;
}

int usercmd_exec(struct db *db, const struct usercmd *c, FILE *in, FILE *out, char **err)
{
    struct user u;
    char *pw = NULL;
    int rc;

    switch (c->op) {
    case USERCMD_ADD:
        return run_add(db, c, in, out, err);
    case USERCMD_LIST:
        return run_list(db, c->kiosk, out, err);
    case USERCMD_DISABLE:
    case USERCMD_ENABLE:
        rc = db_user_set_disabled(db, c->name, c->op == USERCMD_DISABLE, err);
        if (rc == DB_OK)
            fprintf(out,
                    c->op == USERCMD_DISABLE ? _("user %s disabled\n") : _("user %s enabled\n"),
                    c->name);
        return rc;
    case USERCMD_KEY_ADD:
    case USERCMD_KEY_REMOVE:
        return run_key(db, c, out, err);
    case USERCMD_PASSWD:
        /* Fail on an unknown name before asking for a password. */
        if ((rc = db_user_get(db, c->name, &u, err)) != DB_OK)
            return rc;
        user_free(&u);
        if (cred_password_read(in, &pw, err) != 0)
            return DB_INVALID;
        rc = usercmd_set_password(db, c->name, pw, err);
        cred_wipe(pw);
        if (rc == DB_OK)
            fprintf(out, _("password of %s changed\n"), c->name);
        return rc;
    }
    return DB_ERROR;
}
