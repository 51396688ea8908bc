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

/* Streaming reader: every household with its members, in id order, batch_size at a time,
 * one query per table per batch. */
int bf_store_reader_open(bf_store *s, int batch_size, bf_reader **out);
/* Fills the next batch; *n = 0 at the end. The array stays valid until the next call. */
int bf_reader_next(bf_reader *r, bf_household **batch, int *n);
/* Frees the reader and its batch. NULL is allowed. */
void bf_reader_close(bf_reader *r);

#endif
