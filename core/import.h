/* import.h — validated household files into the store in one transaction: all of them or nothing. */
#ifndef BF_IMPORT_H
#define BF_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "errors.h"
#include "store.h"

typedef struct bf_import_options {
    bool replace;     /* replace households whose id is already stored (default: an error) */
    bf_date today;    /* a birth after this date is an error; 0 = not checked */
    bool progress;    /* progress bar on stderr (shown only on a terminal, for large files) */
} bf_import_options;

typedef struct bf_import_stats {
    int64_t households;   /* households imported */
    int64_t members;      /* members imported */
    int64_t replaced;     /* of those, households that replaced a stored one */
} bf_import_stats;

/* Reads every households file (schema-validated while streaming), checks each household with
 * bf_household_validate, household ids unique within the import and, unless opt->replace,
 * against the store, member ids unique across the import and the store; then commits all of
 * it in one transaction. On any error nothing is imported: returns BF_EINPUT (bad input),
 * BF_EIO (unreadable file) or BF_ESTORE, with "file:line[:col]: household H[, member M]: …"
 * messages in errs. Memory stays flat: duplicates are found through TEMP tables, not in RAM. */
int bf_import_files(bf_store *s, const char *const *files, int nfiles,
                    const bf_import_options *opt, bf_import_stats *stats, bf_errors *errs);

#endif
