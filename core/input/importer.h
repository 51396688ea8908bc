/* importer.h — checking households one by one inside an import, whatever reader they come
 * from (the XML reader, a plugin's reader through the record sink), and storing them while
 * nothing has failed. */
#ifndef BF_IMPORTER_H
#define BF_IMPORTER_H

#include <stdbool.h>
#include <stdint.h>

#include "areas.h"
#include "date.h"
#include "errors.h"
#include "household.h"
#include "store.h"

typedef struct bf_import_options {
    bool replace;     /* replace households whose id is already stored (default: an error) */
    bf_date today;    /* the import date: a birth after it, or an age above 120 on it, is an
                       * error; 0 = not checked */
    bool progress;    /* progress bar on stderr (shown only on a terminal, for large files) */
    const bf_areas *areas;   /* towns and villages a household may name; NULL: not checked */
    bool check_only;  /* check everything, write nothing (import --check) */
} bf_import_options;

typedef struct bf_import_stats {
    int64_t households;   /* households imported (checked, with check_only) */
    int64_t members;      /* members imported */
    int64_t replaced;     /* of those, households that replaced a stored one */
} bf_import_stats;

/* An import in progress: the ids seen so far and the households held back for the end. */
typedef struct bf_importer bf_importer;

/* Opens an importer on s, its scratch tables created; BF_OK, or an error with the message in
 * errs. Call bf__importer_start once the import's transaction is open. */
int bf__importer_open(bf_store *s, const bf_import_options *opt, bf_import_stats *stats,
                      bf_errors *errs, bf_importer **out);
/* Inside the import's transaction: notes whether the store is empty and, when not, reads the
 * stored ID numbers. Returns the importer's status. */
int bf__importer_start(bf_importer *im);
/* After the last household: reports the ID number clashes with stored households this import
 * did not replace. Returns the importer's status. */
int bf__importer_finish(bf_importer *im);
/* Frees the importer and drops its scratch tables. NULL is allowed. */
void bf__importer_close(bf_importer *im);

/* A copy of a file name that lives as long as the import (messages and the scratch tables
 * name files by it); NULL when out of memory. */
const char *bf__importer_file(bf_importer *im, const char *file);
/* Checks one converted household read from file (its members' m->file, when set, name where
 * they were read): the validator, the rules, duplicate household and member ids and ID numbers,
 * each error placed through loc (NULL: at the record's line); inserts it while nothing failed
 * anywhere. Fields whose conversion failed (h->rejected, m->rejected) are not checked again.
 * Returns BF_OK, or the error that stops the import (store, memory). */
int bf__importer_take(bf_importer *im, const bf_household *h, const char *file,
                      const bf_locator *loc);
/* Adds an input error message (printf-style); the import then fails as a whole. */
void bf__importer_error(bf_importer *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Input errors reported so far (conversion, validation, duplicates, readers). */
int bf__importer_error_count(const bf_importer *im);
/* BF_OK while the import can go on; the error that stopped it otherwise. */
int bf__importer_status(const bf_importer *im);
/* Stops the import with error rc (a reader's failure other than bad input); the first one stays. */
void bf__importer_stop(bf_importer *im, int rc);

#endif
