/* tempfile.h — a new file written beside its final name and renamed over it when complete, so a
 * reader never sees half a file. While it is written its creator holds a lock on it; a process
 * killed meanwhile (SIGKILL) leaves NAME.tmp-XXXXXX behind with the lock gone, and the next
 * writer of NAME removes it. */
#ifndef BF_TEMPFILE_H
#define BF_TEMPFILE_H

#include <stddef.h>

#include "errors.h"

typedef struct bf_tempfile {
    char *tmp;       /* NAME.tmp-XXXXXX, malloc'd; NAME itself when direct */
    int fd;          /* open for writing, holding the lock; -1 once done */
    int direct;      /* NAME exists and is no regular file (/dev/stdout, a pipe): written in place */
} bf_tempfile;

/* Removes the temporary files of path that no live writer holds, then creates a new one
 * (mode as a new file would have, empty, locked). A path that exists and is not a regular file
 * (a device, a pipe) is opened and written in place: renaming over it would replace it. BF_OK, or BF_EIO/BF_ENOMEM with a sentence
 * naming path in errs. */
int bf_tempfile_create(const char *path, bf_tempfile *t, bf_errors *errs);
/* Renames the file over path (keep) or removes it, and releases it. BF_OK, or BF_EIO with a
 * sentence naming path in errs when the rename failed (the temporary file is then removed). */
int bf_tempfile_finish(bf_tempfile *t, const char *path, int keep, bf_errors *errs);

#endif
