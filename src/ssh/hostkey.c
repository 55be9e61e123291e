/*
 * hostkey.c: the server's host keys and the algorithms it offers.
 *
 * Host keys (Ed25519 and RSA 3072) are generated on first start into the
 * state directory, mode 0600.  The algorithm lists are set explicitly —
 * never libssh's defaults — and no system-wide libssh configuration is read.
 * Must never weaken a list or read a key that others can read.
 */
#include "ssh/serve_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "ssh/cred.h"
#include "util.h"

/* Key exchange: libssh 0.10.6 adds kex-strict-s-v00@openssh.com (Terrapin)
 * to a server's list by itself. */
static const char kex_algos[] = "curve25519-sha256,curve25519-sha256@libssh.org,"
                                "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512";
static const char cipher_algos[] = "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,"
                                   "aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr";
static const char mac_algos[] = "hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com";
static const char hostkey_algos[] = "ssh-ed25519,rsa-sha2-512,rsa-sha2-256";
static const char pubkey_algos[] = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
                                   "ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";
enum { RSA_BITS = 3072 };

static const struct {
    const char *file;
    enum ssh_keytypes_e type;
    int bits;
} host_keys[] = {
    {"ssh_host_ed25519_key", SSH_KEYTYPE_ED25519, 0},
    {"ssh_host_rsa_key", SSH_KEYTYPE_RSA, RSA_BITS},
};

int hostkey_paths(const char *state_dir, char ***paths, int *n)
{
    char **v = xcalloc(nitems(host_keys), sizeof *v);

    for (size_t i = 0; i < nitems(host_keys); i++)
        v[i] = xasprintf("%s/%s", state_dir, host_keys[i].file);
    *paths = v;
    *n = (int)nitems(host_keys);
    return 0;
}

static void free_paths(char **paths, int n)
{
    for (int i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

static int make_dirs(const char *dir, char **err)
{
    char *copy = xstrdup(dir);

    for (char *p = copy + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
            *err = xasprintf("%s: %s", copy, strerror(errno));
            free(copy);
            return -1;
        }
        *p = '/';
    }
    free(copy);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        *err = xasprintf("%s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

static int generate(const char *path, enum ssh_keytypes_e type, int bits, char **err)
{
    ssh_key key = NULL;
    char *tmp = xasprintf("%s.new", path);
    mode_t old = umask(077);
    int rc = -1;

    if (ssh_pki_generate(type, bits, &key) != SSH_OK) {
        *err = xasprintf(_("%s: cannot generate the host key"), path);
        goto out;
    }
    unlink(tmp);
    if (ssh_pki_export_privkey_file(key, NULL, NULL, NULL, tmp) != SSH_OK ||
        chmod(tmp, 0600) != 0 || rename(tmp, path) != 0) {
        *err = xasprintf(_("%s: cannot write the host key: %s"), path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    umask(old);
    ssh_key_free(key);
    free(tmp);
    return rc;
}

int hostkey_ensure(const char *state_dir, char **err)
{
    struct stat st;
    char **paths;
    int n, rc = 0;

    if (make_dirs(state_dir, err) != 0)
        return -1;
    hostkey_paths(state_dir, &paths, &n);
    for (int i = 0; i < n && rc == 0; i++) {
        if (stat(paths[i], &st) == 0) {
            if ((st.st_mode & 077) != 0) {
                *err = xasprintf(_("%s: the host key is readable by others (mode %03o); "
                                   "chmod 600 it"),
                                 paths[i], (unsigned)(st.st_mode & 0777));
                rc = -1;
            }
            continue;
        }
        if (errno != ENOENT) {
            *err = xasprintf("%s: %s", paths[i], strerror(errno));
            rc = -1;
            continue;
        }
        rc = generate(paths[i], host_keys[i].type, host_keys[i].bits, err);
    }
    free_paths(paths, n);
    return rc;
}

int hostkey_print_fingerprints(const char *state_dir, char **err)
{
    char **paths;
    int n, rc = 0;

    hostkey_paths(state_dir, &paths, &n);
    for (int i = 0; i < n && rc == 0; i++) {
        ssh_key key = NULL, pub = NULL;
        char *fp = NULL;

        if (ssh_pki_import_privkey_file(paths[i], NULL, NULL, NULL, &key) != SSH_OK ||
            ssh_pki_export_privkey_to_pubkey(key, &pub) != SSH_OK ||
            (fp = cred_key_fingerprint(pub)) == NULL) {
            *err = xasprintf(_("%s: cannot read the host key"), paths[i]);
            rc = -1;
        } else {
            printf("%s %s %s\n", ssh_key_type_to_char(ssh_key_type(pub)), fp, paths[i]);
        }
        free(fp);
        ssh_key_free(pub);
        ssh_key_free(key);
    }
    free_paths(paths, n);
    return rc;
}

int hostkey_configure_bind(ssh_bind bind, const char *state_dir, char **err)
{
    bool no_config = false;
    int rsa_min = RSA_BITS;
    char **paths;
    int n, bad = 0;

    bad |= ssh_bind_options_set(bind, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no_config) != SSH_OK;
    bad |= ssh_bind_options_set(bind, SSH_BIND_OPTIONS_KEY_EXCHANGE, kex_algos) != SSH_OK;
    bad |= ssh_bind_options_set(bind, SSH_BIND_OPTIONS_CIPHERS_C_S, cipher_algos) != SSH_OK;
    bad |= ssh_bind_options_set(bind, SSH_BIND_OPTIONS_CIPHERS_S_C, cipher_algos) != SSH_OK;
    bad |= ssh_bind_options_set(bind, SSH_BIND_OPTIONS_HMAC_C_S, mac_algos) != SSH_OK;
    bad |= ssh_bind_options_set(bind, SSH_BIND_OPTIONS_HMAC_S_C, mac_algos) != SSH_OK;
    bad |= ssh_bind_options_set(bind, SSH_BIND_OPTIONS_HOSTKEY_ALGORITHMS, hostkey_algos) != SSH_OK;
    bad |= ssh_bind_options_set(bind, SSH_BIND_OPTIONS_PUBKEY_ACCEPTED_KEY_TYPES, pubkey_algos) !=
           SSH_OK;
    bad |= ssh_bind_options_set(bind, SSH_BIND_OPTIONS_RSA_MIN_SIZE, &rsa_min) != SSH_OK;
    bad |= ssh_bind_options_set(bind, SSH_BIND_OPTIONS_BANNER, "mabdesk") != SSH_OK;
    hostkey_paths(state_dir, &paths, &n);
    for (int i = 0; i < n; i++)
        bad |= ssh_bind_options_set(bind, SSH_BIND_OPTIONS_HOSTKEY, paths[i]) != SSH_OK;
    free_paths(paths, n);
    if (bad) {
        *err = xasprintf(_("cannot configure the SSH server: %s"), ssh_get_error(bind));
        return -1;
    }
    return 0;
}

void hostkey_configure_session(ssh_session s, int compress)
{
    /* Listed after none: a client that does not ask (no -C) gets none. */
    const char *comp = compress ? "none,zlib@openssh.com" : "none";

    /* Not the key exchange, cipher, MAC and host key lists: the bind has
     * them, and ssh_bind_accept_fd() (libssh 0.9) puts its own copies over
     * the session's without freeing them, a leak per connection. */
    ssh_options_set(s, SSH_OPTIONS_PUBLICKEY_ACCEPTED_TYPES, pubkey_algos);
    ssh_options_set(s, SSH_OPTIONS_COMPRESSION_C_S, comp);
    ssh_options_set(s, SSH_OPTIONS_COMPRESSION_S_C, comp);
}
