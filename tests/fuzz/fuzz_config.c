/*
 * fuzz_config.c: libFuzzer target for the configuration reader
 * (src/config.c: inih and the checks of every key's value).
 *
 * Any bytes as a mabdesk.conf: the reader must not crash or leak, and a
 * file it refuses is named in one line with its line number.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("mabdesk.conf", 0);
    char path[64], *err = NULL;
    int rc;

    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    rc = config_check_file(path, &err);
    if (rc == CONFIG_OK && err != NULL)
        abort();
    if (rc == CONFIG_BAD) {
        size_t n = strlen(path);

        /* "PATH:LINE: key: problem" on one line, or "PATH: why". */
        if (err == NULL || strncmp(err, path, n) != 0 || err[n] != ':' || strchr(err, '\n'))
            abort();
    }
    free(err);
    close(fd);
    return 0;
}
