/* tempfile.c — temporary files beside their final name (see tempfile.h). The lock is an open
 * file description lock (F_OFD_SETLK): the kernel drops it when the writer dies, and it conflicts
 * with any other open of the file, also in the same process. */
#include "tempfile.h"
#include "bangfu.h"
#include "i18n.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUFFIX ".tmp-"
#define SUFFIX_RANDOM 6          /* mkstemp's XXXXXX */

/* Locks the whole file open at fd for writing without waiting; whether it got the lock. */
static int lock_file(int fd)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    return fcntl(fd, F_OFD_SETLK, &fl) == 0;
}

/* Whether name is base + ".tmp-" + six characters. */
static int is_temp_of(const char *name, const char *base)
{
    size_t n = strlen(base);
    return strncmp(name, base, n) == 0 && strncmp(name + n, SUFFIX, strlen(SUFFIX)) == 0 &&
           strlen(name + n + strlen(SUFFIX)) == SUFFIX_RANDOM;
}

/* Removes dir's temporary files of base whose writer is gone (nobody holds their lock). */
static void remove_stale(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (!d)
        return;                  /* creating the new file will say what is wrong */
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_temp_of(e->d_name, base))
            continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
            continue;
        int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && lock_file(fd))
            unlink(path);        /* ours, and its writer died */
        close(fd);
    }
    closedir(d);
}

/* Opens a path that is no regular file to be written in place. */
static int open_direct(const char *path, bf_tempfile *t, bf_errors *errs)
{
    t->direct = 1;
    t->tmp = strdup(path);
    t->fd = open(path, O_WRONLY | O_CLOEXEC);
    if (!t->tmp || t->fd < 0) {
        int e = t->tmp ? errno : ENOMEM;
        bf_errors_add(errs, _("%s: cannot create the file: %s"), path, strerror(e));
        free(t->tmp);
        t->tmp = NULL;
        if (t->fd >= 0)
            close(t->fd);
        t->fd = -1;
        return BF_EIO;
    }
    return BF_OK;
}

int bf_tempfile_create(const char *path, bf_tempfile *t, bf_errors *errs)
{
    t->fd = -1;
    t->direct = 0;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return open_direct(path, t, errs);
    size_t len = strlen(path) + strlen(SUFFIX) + SUFFIX_RANDOM + 1;
    char *dir_copy = strdup(path), *base_copy = strdup(path);
    t->tmp = malloc(len);
    if (!t->tmp || !dir_copy || !base_copy) {
        free(dir_copy);
        free(base_copy);
        free(t->tmp);
        t->tmp = NULL;
        bf_errors_add(errs, _("%s: out of memory"), path);
        return BF_ENOMEM;
    }
    remove_stale(dirname(dir_copy), basename(base_copy));
    free(dir_copy);
    free(base_copy);
    snprintf(t->tmp, len, "%s" SUFFIX "XXXXXX", path);
    t->fd = mkostemp(t->tmp, O_CLOEXEC);
    if (t->fd < 0) {
        bf_errors_add(errs, _("%s: cannot create the file: %s"), path, strerror(errno));
        free(t->tmp);
        t->tmp = NULL;
        return BF_EIO;
    }
    mode_t mask = umask(0);
    umask(mask);
    int failed = fchmod(t->fd, 0666 & ~mask) != 0 ? errno : 0;   /* mkstemp made it 0600 */
    if (!failed && !lock_file(t->fd))
        failed = errno;
    if (failed) {
        bf_errors_add(errs, _("%s: cannot prepare the file: %s"), path, strerror(failed));
        bf_tempfile_finish(t, path, 0, NULL);
        return BF_EIO;
    }
    return BF_OK;
}

int bf_tempfile_finish(bf_tempfile *t, const char *path, int keep, bf_errors *errs)
{
    int rc = BF_OK;
    if (!t->tmp)
        return BF_OK;
    if (t->direct) {
        keep = 1;                /* nothing to rename or remove */
    } else if (keep && rename(t->tmp, path) != 0) {
        bf_errors_add(errs, _("%s: cannot write the file: %s"), path, strerror(errno));
        rc = BF_EIO;
    }
    if (!t->direct && (!keep || rc != BF_OK))
        unlink(t->tmp);
    if (t->fd >= 0)
        close(t->fd);            /* the lock goes with it, after the rename */
    t->fd = -1;
    free(t->tmp);
    t->tmp = NULL;
    return rc;
}
