/* import.h — validated household files into the store in one transaction: all of them or nothing. */
#ifndef BF_IMPORT_H
#define BF_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "areas.h"
#include "date.h"
#include "errors.h"
#include "household.h"
#include "plugin.h"
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

/* Reads every households file (schema-validated while streaming), checks each household with
 * bf_household_validate and bf_rules_check, household ids unique within the import and, unless
 * opt->replace, against the store, member ids and ID numbers unique across the import and the
 * store (an ID number of a stored household this import replaces is free); then commits all of
 * it in one transaction (or, with opt->check_only, rolls it back). On any error nothing is imported: returns BF_EINPUT (bad input),
 * BF_EIO (unreadable file) or BF_ESTORE, with "file:line[:col]: household H[, member M]: …"
 * messages in errs. Memory stays flat: duplicates are found through TEMP tables, not in RAM. */
int bf_import_files(bf_store *s, const char *const *files, int nfiles,
                    const bf_import_options *opt, bf_import_stats *stats, bf_errors *errs);

/* Files read together by one reader: XML files (reader NULL) are read by the core one after
 * the other; a plugin reader gets all its files in one call (households.csv with members.csv). */
typedef struct bf_import_source {
    const bf_reader_format *reader;   /* NULL: the core's XML reader */
    const char *const *paths;
    int n_paths;
} bf_import_source;

/* Like bf_import_files over several sources, all in the same transaction and with the same
 * checks: a plugin reader's households go through the validator and the duplicate checks as
 * XML households do, and any error anywhere imports nothing. */
int bf_import_sources(bf_store *s, const bf_import_source *sources, int n_sources,
                      const bf_import_options *opt, bf_import_stats *stats, bf_errors *errs);

/* ---- Record by record (the plugin record sink, core/input/sink.c) ---- */

/* An import in progress: the open transaction and the ids seen so far. */
typedef struct bf_importer bf_importer;

/* A copy of a file name that lives as long as the import (messages and the TEMP tables name
 * files by it); NULL when out of memory. */
const char *bf_importer_file(bf_importer *im, const char *file);
/* Checks one converted household read from file (its members' m->file, when set, name where
 * they were read): the validator, the rules, duplicate household and member ids and ID numbers,
 * each error placed through loc (NULL: at the record's line); inserts it while nothing failed
 * anywhere. Fields whose conversion failed (h->rejected, m->rejected) are not checked again.
 * Returns BF_OK, or the error that stops the import (store, memory). */
int bf_importer_take(bf_importer *im, const bf_household *h, const char *file,
                     const bf_locator *loc);
/* Adds an input error message (printf-style); the import then fails as a whole. */
void bf_importer_error(bf_importer *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Input errors reported so far (conversion, validation, duplicates, readers). */
int bf_importer_error_count(const bf_importer *im);
/* BF_OK while the import can go on; the error that stopped it otherwise. */
int bf_importer_status(const bf_importer *im);

#endif
