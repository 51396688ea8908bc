/* store.h — the SQLite store: schema and version, households in and out, a batched streaming reader. */
#ifndef BF_STORE_H
#define BF_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "household.h"

typedef struct sqlite3 sqlite3;
typedef struct bf_store bf_store;
typedef struct bf_reader bf_reader;

#define BF_STORE_SCHEMA_VERSION 1

/* Opens (creating when missing) the database at path: WAL, foreign keys on, schema checked.
 * On failure returns an error code and writes a message naming the file into err. */
int bf_store_open(const char *path, bf_store **out, char *err, size_t errlen);
/* Opens an existing database without creating it (BF_ENOTFOUND when the file is missing). */
int bf_store_open_existing(const char *path, bf_store **out, char *err, size_t errlen);
/* Closes the store and finalises every statement. NULL is allowed. */
void bf_store_close(bf_store *s);
/* The last error message of this store (SQLite's text, with context). */
const char *bf_store_errmsg(const bf_store *s);
/* The path the store was opened with. */
const char *bf_store_path(const bf_store *s);
/* The underlying connection, for the modules that own further tables (runs, decisions). */
sqlite3 *bf_store_db(bf_store *s);

/* Transactions: one import, one batch of decisions. */
int bf_store_begin(bf_store *s);
int bf_store_commit(bf_store *s);
/* Rolls back; safe to call when no transaction is open. */
int bf_store_rollback(bf_store *s);

/* Sets *exists to whether a household with this id is stored. */
int bf_store_household_exists(bf_store *s, const char *id, bool *exists);
/* Sets *exists to whether a member with this id is stored (in any household). */
int bf_store_member_exists(bf_store *s, const char *id, bool *exists);
/* Deletes a household and its members (no-op when absent). */
int bf_store_delete_household(bf_store *s, const char *id);
/* Inserts a validated household with its members (member order is kept). */
int bf_store_insert_household(bf_store *s, const bf_household *h);
/* Reads one household with its members into out (reset first); BF_ENOTFOUND when absent. */
int bf_store_get_household(bf_store *s, const char *id, bf_household *out);
/* Counts stored households and members. */
int bf_store_count(bf_store *s, int64_t *households, int64_t *members);

/* ---- Runs and decisions (written by run.c) ---- */

typedef struct bf_run_row {
    const char *started, *eval_date;   /* ISO time (UTC), YYYY-MM-DD */
    int jobs;
    const char *only;                  /* comma-separated, NULL for all */
    bool store_all;
    const char *file_hashes;           /* JSON object: file -> sha256 */
    const char *parameters;            /* JSON object: parameter -> value in force */
} bf_run_row;

/* Inserts a run with status 'running' and commits it; sets *run_id. */
int bf_store_run_create(bf_store *s, const bf_run_row *row, int64_t *run_id);
/* Sets a run's final status ('completed', 'completed_with_errors', 'interrupted', 'failed'),
 * finish time and counts. */
int bf_store_run_finish(bf_store *s, int64_t run_id, const char *status, const char *finished,
                        int64_t households, int64_t evaluations, int64_t errors);

typedef struct bf_run_policy_row {
    int seq;                           /* evaluation order */
    const char *policy, *title, *scope;
    int64_t evaluations, households_eligible, members_eligible, amount_fen, errors;
    const char *params_read;           /* JSON array of parameter names */
} bf_run_policy_row;

/* Inserts one policy's summary of a run. */
int bf_store_run_policy_insert(bf_store *s, int64_t run_id, const bf_run_policy_row *row);

typedef struct bf_decision_row {
    const char *household_id;
    int policy_seq, member_seq;        /* member_seq 0 for household scope, else 1-based */
    const char *policy, *member_id;    /* member_id NULL for household scope */
    bool eligible;
    int64_t amount_fen;
    const char *tier, *reasons, *details, *error;   /* NULL when absent */
} bf_decision_row;

/* Inserts one decision of a run (inside the caller's transaction). */
int bf_store_decision_insert(bf_store *s, int64_t run_id, const bf_decision_row *row);

/* Streaming reader: every household with its members, in id order, batch_size at a time,
 * one query per table per batch. */
int bf_store_reader_open(bf_store *s, int batch_size, bf_reader **out);
/* Fills the next batch; *n = 0 at the end. The array stays valid until the next call. */
int bf_reader_next(bf_reader *r, bf_household **batch, int *n);
/* Limits the following batches to at most limit households (1 … the batch size it was opened with). */
void bf_reader_set_limit(bf_reader *r, int limit);
/* Frees the reader and its batch. NULL is allowed. */
void bf_reader_close(bf_reader *r);

#endif
