/* inserter.h — an import's inserts on a thread of their own: the households the importer has
 * checked are written into the store while the next ones are read and checked. Used only when
 * nothing else touches the store during the import (it held no households at the start). */
#ifndef BF_INSERTER_H
#define BF_INSERTER_H

#include <stddef.h>

#include "errors.h"
#include "household.h"
#include "store.h"

typedef struct bf_inserter bf_inserter;

/* Starts the insert thread on s; from then on only the inserter uses s until bf_inserter_finish.
 * BF_OK, or BF_ENOMEM (no thread: insert in place). */
int bf_inserter_start(bf_store *s, bf_inserter **out);
/* Queues a copy of h, read from source (which must outlive the inserter), for insertion; waits
 * while the queue is full. BF_OK, or the error of an insert that failed (then nothing more is
 * inserted; bf_inserter_finish gives its message). */
int bf_inserter_add(bf_inserter *w, const bf_household *h, const char *source);
/* Waits until every queued household is written, stops the thread and frees w (NULL allowed).
 * BF_OK, or the first failure, whose store message is added to errs. */
int bf_inserter_finish(bf_inserter *w, bf_errors *errs);

#endif
