/* fuzz_input.c — the fuzzed bytes as a file, for readers that take a path. */
#include "fuzz_input.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

const char *bf_fuzz_dir(void)
{
    static char dir[PATH_MAX];
    if (!dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/bangfu-fuzz-%ld", tmp && *tmp ? tmp : "/tmp", (long)getpid());
        if (mkdir(dir, 0700) != 0 && access(dir, W_OK) != 0) {
            perror(dir);
            abort();
        }
    }
    return dir;
}

const char *bf_fuzz_file(const char *name, const uint8_t *data, size_t size)
{
    static char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", bf_fuzz_dir(), name);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror(path);
        abort();
    }
    return path;
}
