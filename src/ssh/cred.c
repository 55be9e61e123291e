/*
 * cred.c: public key lines and password hashes (see cred.h).  The key
 * parsing is libssh's own, so a key mabdesk accepts here is exactly a key
 * the server can verify a signature with; the hashes are libcrypt's.
 * Never logs, prints or keeps a password.
 */
#include "ssh/cred.h"

#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

/* Key types a user may register: what the server accepts for login. */
static const char *const key_types[] = {
    "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
};

enum { RSA_MIN_BITS = 3072, PASSWORD_MAX = 1024 };

/* Decode standard base64 (no white space); malloc'd bytes or NULL. */
static unsigned char *b64_decode(const char *s, size_t *outlen)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t len = strlen(s), n = 0;
    unsigned char *out = xmalloc(len / 4 * 3 + 3);
    unsigned int acc = 0;
    int bits = 0;

    for (size_t i = 0; i < len && s[i] != '='; i++) {
        const char *p = strchr(alphabet, s[i]);

        if (p == NULL || s[i] == '\0') {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (unsigned int)(p - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    *outlen = n;
    return out;
}

/* Read one SSH wire "string" at *p; its bytes and length, or -1. */
static int wire_string(const unsigned char **p, size_t *left, const unsigned char **s, size_t *slen)
{
    size_t len;

    if (*left < 4)
        return -1;
    len = ((size_t)(*p)[0] << 24) | ((size_t)(*p)[1] << 16) | ((size_t)(*p)[2] << 8) | (*p)[3];
    if (len > *left - 4)
        return -1;
    *s = *p + 4;
    *slen = len;
    *p += 4 + len;
    *left -= 4 + len;
    return 0;
}

/* Modulus size in bits of an "ssh-rsa" key blob (base64), 0 if unreadable.
 * libssh 0.10 has no public call for it. */
static int rsa_bits(const char *b64)
{
    size_t len, left, slen;
    unsigned char *blob = b64_decode(b64, &len);
    const unsigned char *p = blob, *str;
    int bits = 0;

    if (blob == NULL)
        return 0;
    left = len;
    /* type, e, n */
    if (wire_string(&p, &left, &str, &slen) == 0 && wire_string(&p, &left, &str, &slen) == 0 &&
        wire_string(&p, &left, &str, &slen) == 0) {
        while (slen > 0 && *str == 0) {
            str++;
            slen--;
        }
        if (slen > 0) {
            bits = (int)(slen - 1) * 8;
            for (unsigned char top = *str; top != 0; top >>= 1)
                bits++;
        }
    }
    free(blob);
    return bits;
}

static int key_type_allowed(const char *algo)
{
    for (size_t i = 0; i < nitems(key_types); i++)
        if (strcmp(algo, key_types[i]) == 0)
            return 1;
    return 0;
}

char *cred_key_fingerprint(const ssh_key key)
{
    unsigned char *hash = NULL;
    size_t len = 0;
    char *fp, *copy;

    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) != 0)
        return NULL;
    fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
    ssh_clean_pubkey_hash(&hash);
    if (fp == NULL)
        return NULL;
    copy = xstrdup(fp);
    ssh_string_free_char(fp);
    return copy;
}

int cred_key_equals(const ssh_key key, const char *algo, const char *b64)
{
    ssh_key stored = NULL;
    enum ssh_keytypes_e type = ssh_key_type_from_name(algo);
    int same;

    if (type == SSH_KEYTYPE_UNKNOWN || ssh_pki_import_pubkey_base64(b64, type, &stored) != 0)
        return 0;
    same = ssh_key_cmp(stored, key, SSH_KEY_CMP_PUBLIC) == 0;
    ssh_key_free(stored);
    return same;
}

int cred_pubkey_parse(const char *line, struct cred_pubkey *out, char **err)
{
    char *copy = str_trim(line), *p = copy, *algo, *b64, *comment, *bad;
    enum ssh_keytypes_e type;
    ssh_key key = NULL;
    char *fp;

    memset(out, 0, sizeof *out);
    algo = p;
    while (*p != '\0' && !isspace((unsigned char)*p))
        p++;
    if (*p != '\0')
        *p++ = '\0';
    while (isspace((unsigned char)*p))
        p++;
    b64 = p;
    while (*p != '\0' && !isspace((unsigned char)*p))
        p++;
    if (*p != '\0')
        *p++ = '\0';
    while (isspace((unsigned char)*p))
        p++;
    comment = p;
    if (*algo == '\0' || *b64 == '\0') {
        *err = xstrdup(_("not a public key line (expected: TYPE BASE64 [COMMENT])"));
        goto fail;
    }
    /* The comment is stored and shown: nothing in it may drive a terminal. */
    if ((bad = text_forbidden_problem(comment, 0)) != NULL) {
        *err = xasprintf("comment: %s", bad);
        free(bad);
        goto fail;
    }
    if (!key_type_allowed(algo)) {
        *err = xasprintf(_("key type '%s' is not accepted (use ssh-ed25519, ecdsa or "
                           "ssh-rsa of at least 3072 bits)"),
                         algo);
        goto fail;
    }
    type = ssh_key_type_from_name(algo);
    if (type == SSH_KEYTYPE_UNKNOWN || ssh_pki_import_pubkey_base64(b64, type, &key) != 0) {
        *err = xstrdup(_("the key data is damaged (bad base64 or wrong key type)"));
        goto fail;
    }
    if (strcmp(ssh_key_type_to_char(ssh_key_type(key)), algo) != 0) {
        *err = xasprintf(_("the key data is not a %s key"), algo);
        goto fail;
    }
    if (type == SSH_KEYTYPE_RSA && rsa_bits(b64) < RSA_MIN_BITS) {
        *err = xasprintf(_("RSA key of %d bits is too short (at least %d)"), rsa_bits(b64),
                         RSA_MIN_BITS);
        goto fail;
    }
    fp = cred_key_fingerprint(key);
    if (fp == NULL) {
        *err = xstrdup(_("cannot compute the key's fingerprint"));
        goto fail;
    }
    out->algo = xstrdup(algo);
    out->b64 = xstrdup(b64);
    out->comment = xstrdup(comment);
    out->fingerprint = fp;
    ssh_key_free(key);
    free(copy);
    return 0;
fail:
    ssh_key_free(key);
    free(copy);
    return -1;
}

void cred_pubkey_free(struct cred_pubkey *k)
{
    free(k->algo);
    free(k->b64);
    free(k->comment);
    free(k->fingerprint);
    memset(k, 0, sizeof *k);
}

void cred_pubkeys_free(struct cred_pubkey *keys, int n)
{
    for (int i = 0; i < n; i++)
        cred_pubkey_free(&keys[i]);
    free(keys);
}

int cred_pubkey_read_file(const char *path, struct cred_pubkey **keys, int *n, char **err)
{
    FILE *f = fopen(path, "r");
    char *line = NULL, *msg = NULL;
    size_t cap = 0;
    int lineno = 0;
    struct cred_pubkey *v = NULL;
    int count = 0;

    *keys = NULL;
    *n = 0;
    if (f == NULL) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    while (getline(&line, &cap, f) >= 0) {
        struct cred_pubkey k;

        lineno++;
        if (str_blank(line) || line[strspn(line, " \t")] == '#')
            continue;
        if (cred_pubkey_parse(line, &k, &msg) != 0) {
            *err = xasprintf("%s:%d: %s", path, lineno, msg);
            free(msg);
            free(line);
            fclose(f);
            cred_pubkeys_free(v, count);
            return -1;
        }
        v = xreallocarray(v, (size_t)count + 1, sizeof *v);
        v[count++] = k;
    }
    free(line);
    fclose(f);
    if (count == 0) {
        *err = xasprintf(_("%s: no public key in the file"), path);
        return -1;
    }
    *keys = v;
    *n = count;
    return 0;
}

int cred_is_fingerprint(const char *s)
{
    if (strncmp(s, "SHA256:", 7) != 0)
        return 0;
    s += 7;
    if (strlen(s) != 43)
        return 0;
    for (; *s != '\0'; s++)
        if (!isalnum((unsigned char)*s) && *s != '+' && *s != '/')
            return 0;
    return 1;
}

char *cred_password_hash(const char *password, char **err)
{
    char *setting, *hash;
    struct crypt_data *cd;

    if (strlen(password) == 0) {
        *err = xstrdup(_("the password is empty"));
        return NULL;
    }
    if (strlen(password) > PASSWORD_MAX) {
        *err = xasprintf(_("the password is longer than %d bytes"), PASSWORD_MAX);
        return NULL;
    }
    setting = crypt_gensalt_ra("$y$", 0, NULL, 0);
    if (setting == NULL) {
        *err = xasprintf(_("cannot make a password salt: %s"), strerror(errno));
        return NULL;
    }
    cd = xcalloc(1, sizeof *cd);
    hash = crypt_rn(password, setting, cd, sizeof *cd);
    free(setting);
    if (hash == NULL || hash[0] == '*') {
        explicit_bzero(cd, sizeof *cd);
        free(cd);
        *err = xstrdup(_("cannot hash the password (yescrypt unavailable?)"));
        return NULL;
    }
    hash = xstrdup(hash);
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    return hash;
}

/* Compare two strings in time that depends on their lengths only. */
static int equal_ct(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), n = la > lb ? la : lb;
    unsigned char diff = la != lb;

    for (size_t i = 0; i < n; i++) {
        unsigned char ca = i < la ? (unsigned char)a[i] : 0;
        unsigned char cb = i < lb ? (unsigned char)b[i] : 0;

        diff |= ca ^ cb;
    }
    return diff == 0;
}

int cred_password_check(const char *password, const char *hash)
{
    /* A real yescrypt setting, made once, so that an unknown user or an
     * account without a password costs as much as a real check. */
    static char *dummy;
    const char *setting;
    struct crypt_data *cd;
    char *out;
    int ok;

    if (dummy == NULL) {
        dummy = crypt_gensalt_ra("$y$", 0, NULL, 0);
        if (dummy == NULL)
            return 0;
    }
    setting = hash != NULL && strncmp(hash, "$y$", 3) == 0 ? hash : dummy;
    cd = xcalloc(1, sizeof *cd);
    out = crypt_rn(password, setting, cd, sizeof *cd);
    ok = out != NULL && out[0] != '*' && equal_ct(out, setting) && setting != dummy;
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    return ok;
}

void cred_wipe(char *s)
{
    if (s == NULL)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}

/* One line from in without its newline, or NULL at end of input. */
static char *read_line(FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len = getline(&line, &cap, in);

    if (len < 0) {
        free(line);
        return NULL;
    }
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    return line;
}

static char *read_hidden(FILE *in, const char *prompt)
{
    struct termios old, quiet;
    int fd = fileno(in), hidden;
    char *line;

    fputs(prompt, stderr);
    fflush(stderr);
    hidden = tcgetattr(fd, &old) == 0;
    if (hidden) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    line = read_line(in);
    if (hidden)
        tcsetattr(fd, TCSAFLUSH, &old);
    return line;
}

int cred_password_read(FILE *in, char **out, char **err)
{
    char *a, *b;

    *out = NULL;
    if (!isatty(fileno(in))) {
        a = read_line(in);
        if (a == NULL) {
            *err = xstrdup(_("no password on standard input"));
            return -1;
        }
        *out = a;
        return 0;
    }
    a = read_hidden(in, _("New password: "));
    if (a == NULL) {
        *err = xstrdup(_("no password given"));
        return -1;
    }
    b = read_hidden(in, _("Repeat the password: "));
    if (b == NULL || strcmp(a, b) != 0) {
        cred_wipe(a);
        cred_wipe(b);
        *err = xstrdup(_("the two passwords differ"));
        return -1;
    }
    cred_wipe(b);
    *out = a;
    return 0;
}
