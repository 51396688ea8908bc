/* staging.h — an import's scratch table in the store: the ID numbers of the stored members,
 * keyed by their first 17 digits, so that an imported member holding one can name its household
 * (a TEMP table of the store's connection: members has no index on ID numbers). The ids of the
 * import itself are kept in memory by the importer (idplaces.h). */
#ifndef BF_STAGING_H
#define BF_STAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "household.h"
#include "store.h"

typedef struct bf_staging bf_staging;

/* Where an ID number is held: its household and member (file and line 0: stored). */
typedef struct bf_staged_place {
    int file, line;
    char household[BF_ID_BYTES];
    char member[BF_ID_BYTES];
} bf_staged_place;

/* Creates empty scratch tables on s (dropping any left over) and prepares their queries.
 * Every failure below returns BF_ESTORE with its message in errs. */
int bf_staging_open(bf_store *s, bf_staging **out, bf_errors *errs);
/* Drops the scratch tables (best effort) and frees the queries. NULL is allowed. */
void bf_staging_close(bf_staging *st);

/* Copies the ID numbers of the stored members, keyed by their first 17 digits, into the
 * scratch tables (once, when the store is not empty: members has no index on them). */
int bf_staging_load_stored_idnumbers(bf_staging *st, bf_errors *errs);

/* The stored member holding ID number key: *found, and its household and member. */
int bf_staging_stored_idnumber(bf_staging *st, int64_t key, bool *found, bf_staged_place *out,
                               bf_errors *errs);

#endif
