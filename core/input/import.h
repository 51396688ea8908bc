/* import.h — validated household files into the store in one transaction: all of them or nothing. */
#ifndef BF_IMPORT_H
#define BF_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "importer.h"
#include "plugin.h"
#include "store.h"

/* Reads every households file (schema-validated while streaming), checks each household with
 * bf_household_validate and bf_rules_check, household ids unique within the import and, unless
 * opt->replace, against the store, member ids and ID numbers unique across the import and the
 * store (an ID number of a stored household this import replaces is free); then commits all of
 * it in one transaction (or, with opt->check_only, rolls it back). On any error nothing is imported: returns BF_EINPUT (bad input),
 * BF_EIO (unreadable file) or BF_ESTORE, with "file:line[:col]: household H[, member M]: …"
 * messages in errs. Memory stays flat: duplicates are found through the store's scratch tables
 * (staging.h), not in RAM. */
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

#endif
