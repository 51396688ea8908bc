/* store.h — the SQLite store: schema and version, households in and out, a batched streaming reader.
 * A function that can fail returns its BF_* code and adds its message (naming the database file)
 * to errs, its last parameter (errors.h; NULL when the caller wants none). */
#ifndef BF_STORE_H
#define BF_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "errors.h"
#include "household.h"

typedef struct bf_store bf_store;
typedef struct bf_reader bf_reader;

#define BF_STORE_SCHEMA_VERSION 8

/* Opens (creating when missing) the database at path: WAL, foreign keys on, schema checked.
 * On failure returns an error code and adds a message naming the file to errs. */
int bf_store_open(const char *path, bf_store **out, bf_errors *errs);
/* Opens an existing database without creating it (BF_ENOTFOUND when the file is missing). */
int bf_store_open_existing(const char *path, bf_store **out, bf_errors *errs);
/* Opens an existing database for reading only (check, review, export, simulate): works on a
 * read-only file or folder, never migrates or writes. */
int bf_store_open_readonly(const char *path, bf_store **out, bf_errors *errs);

/* How long a statement waits for the lock of another process that is writing (an import, a
 * run) before it fails saying so: BF_STORE_DEFAULT_WAIT_SECONDS unless set. */
#define BF_STORE_DEFAULT_WAIT_SECONDS 600.0
/* Sets that wait, in seconds. */
void bf_store_set_wait(bf_store *s, double seconds);
/* Calls fn(user, path) once each time a wait for another process's lock passes half a second,
 * so a command can tell the user why nothing moves. */
void bf_store_on_wait(bf_store *s, void (*fn)(const void *user, const char *path), const void *user);
/* Closes the store and finalises every statement. NULL is allowed. */
void bf_store_close(bf_store *s);
/* Whether this open created the database file (it did not exist before). */
bool bf_store_created(const bf_store *s);
/* Closes the store and, when this open created the file, deletes it with its -wal and -shm
 * files: for an import or gen that failed, so nothing half-made is left behind. */
void bf_store_discard(bf_store *s);
/* What a person should be told about opening the store (an upgrade that left much of the file
 * unused, and how to give it back), or NULL. */
const char *bf_store_note(const bf_store *s);
/* The path the store was opened with. */
const char *bf_store_path(const bf_store *s);

/* Bulk writing (runs, imports, gen): checkpoints the WAL every 64 MB instead of every 4 MB,
 * each checkpoint costing an fdatasync; off restores the default and checkpoints. */
int bf_store_bulk(bf_store *s, bool on, bf_errors *errs);

/* For a database this open created, filled by one import (on, outside a transaction): its
 * pages go straight into the file under a rollback journal, which holds next to nothing for a
 * file that was empty (a failure or a crash still leaves it empty), instead of into the WAL and
 * then again into the file at the checkpoint, its foreign keys are not looked up (a new
 * database has nothing to cascade; the insert writes a member after its household) and its
 * CHECK constraints are not evaluated (every value comes from a checked household); off: back
 * to WAL, foreign keys and CHECK constraints on. BF_OK when switched. */
int bf_store_fill_directly(bf_store *s, bool on);
/* Begins a write transaction (one import, one batch of decisions). */
int bf_store_begin(bf_store *s, bf_errors *errs);
/* Commits the open transaction. */
int bf_store_commit(bf_store *s, bf_errors *errs);
/* Rolls back; safe to call when no transaction is open. */
int bf_store_rollback(bf_store *s, bf_errors *errs);
/* Begins a read transaction (a deferred BEGIN) unless one is open already, and sets *began to
 * whether it did: the reads until bf_store_read_end see one version of the database and take
 * its lock once, not once per statement. */
int bf_store_read_begin(bf_store *s, bool *began, bf_errors *errs);
/* Ends what bf_store_read_begin began (nothing when began is false, so a caller's own
 * transaction is left alone): commits when ok, else rolls back keeping the message set. */
int bf_store_read_end(bf_store *s, bool began, bool ok, bf_errors *errs);

/* Sets *exists to whether a household with this id is stored. */
int bf_store_household_exists(bf_store *s, const char *id, bool *exists, bf_errors *errs);
/* Sets *exists to whether a member with this id is stored (in any household). */
int bf_store_member_exists(bf_store *s, const char *id, bool *exists, bf_errors *errs);
/* Deletes a household and its members (no-op when absent); its latest version keeps the record. */
int bf_store_delete_household(bf_store *s, const char *id, bf_errors *errs);
/* Inserts a validated household with its members (member order is kept). */
int bf_store_insert_household(bf_store *s, const bf_household *h, bf_errors *errs);
/* The same, noting the file it came from in the household's version (source NULL: unknown).
 * A household replaced (deleted, then inserted again) with different fields gets a new version
 * listing what changed; with the same fields it keeps its version. */
int bf_store_insert_household_from(bf_store *s, const bf_household *h, const char *source,
                                   bf_errors *errs);
/* Reads one household with its members into out (reset first); BF_ENOTFOUND when absent. */
int bf_store_get_household(bf_store *s, const char *id, bf_household *out, bf_errors *errs);
/* The same, for a caller to whom absent is no error: *found false (and BF_OK) when absent. */
int bf_store_find_household(bf_store *s, const char *id, bf_household *out, bool *found,
                            bf_errors *errs);
/* Counts stored households and members. */
int bf_store_count(bf_store *s, int64_t *households, int64_t *members, bf_errors *errs);
/* The households' version: counted up by every transaction that writes households, so a command
 * that reads them all compares it before and after to know it read one consistent county. */
int bf_store_households_version(bf_store *s, int64_t *version, bf_errors *errs);

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
int bf_store_run_create(bf_store *s, const bf_run_row *row, int64_t *run_id, bf_errors *errs);
/* Sets a run's final status ('completed', 'completed_with_errors', 'interrupted', 'failed'),
 * finish time and counts. */
int bf_store_run_finish(bf_store *s, int64_t run_id, const char *status, const char *finished,
                        int64_t households, int64_t evaluations, int64_t errors, bf_errors *errs);

typedef struct bf_run_policy_row {
    int seq;                           /* evaluation order */
    const char *policy, *title, *scope;
    int64_t evaluations, households_eligible, members_eligible, amount_fen, errors;
    const char *params_read;           /* JSON array of parameter names */
} bf_run_policy_row;

/* Inserts one policy's summary of a run. */
int bf_store_run_policy_insert(bf_store *s, int64_t run_id, const bf_run_policy_row *row,
                               bf_errors *errs);

/* Records that parameter param was read, in run run_id, by the households listed in households
 * (ids one per line, in id order), or by everyone (households ignored). */
int bf_store_run_reads_insert(bf_store *s, int64_t run_id, const char *param, bool everyone,
                              const char *households, bf_errors *errs);

typedef struct bf_run_town_row {
    int seq;                           /* order of first appearance among the households */
    const char *town;
    int policy_seq;
    int64_t households, members, amount_fen;
} bf_run_town_row;

/* Records one town's totals of one policy in run run_id. */
int bf_store_run_town_insert(bf_store *s, int64_t run_id, const bf_run_town_row *row,
                             bf_errors *errs);

/* Marks run run_id as having recorded its parameter reads and town totals (a run made before
 * version 2 of the schema, or interrupted, has not). */
int bf_store_run_summary_done(bf_store *s, int64_t run_id, bf_errors *errs);
/* Whether households were written since run run_id started (its recorded version differs from
 * the current one): then the run read a mix of old and new records. */
int bf_store_run_households_changed(bf_store *s, int64_t run_id, bool *changed, bf_errors *errs);
/* Deletes the decisions of run run_id (a run that must not keep what it stored). */
int bf_store_run_delete_decisions(bf_store *s, int64_t run_id, bf_errors *errs);

/* Whether run run_id recorded its parameter reads and town totals. */
int bf_store_run_summary_recorded(bf_store *s, int64_t run_id, bool *recorded, bf_errors *errs);

/* What run run_id recorded of parameter param: *found false when no household read it;
 * otherwise *everyone, or the list of household ids (one per line, malloc'ed) in *households. */
int bf_store_run_reads_get(bf_store *s, int64_t run_id, const char *param, bool *found,
                           bool *everyone, char **households, bf_errors *errs);

/* The town totals of run run_id, in order of seq then policy (*out malloc'ed, strings too). */
int bf_store_run_towns_get(bf_store *s, int64_t run_id, bf_run_town_row **out, int *n,
                           bf_errors *errs);
/* Frees what bf_store_run_towns_get returned. */
void bf_run_town_rows_free(bf_run_town_row *rows, int n);

typedef struct bf_decision_row {
    const char *household_id;
    int policy_seq, member_seq;        /* member_seq 0 for household scope, else 1-based */
    const char *policy, *member_id;    /* member_id NULL for household scope */
    bool eligible;
    int64_t amount_fen;
    const char *tier, *reasons, *details, *error;   /* NULL when absent */
} bf_decision_row;

/* How many bytes of a run's decision texts the writer keeps whole in memory (48 MiB; beyond,
 * a text's hash, and an equal hash is compared with the stored row): for tests. */
int bf_store_texts_memory(bf_store *s, size_t bytes, bf_errors *errs);
/* Inserts one decision of a run (inside the caller's transaction). */
int bf_store_decision_insert(bf_store *s, int64_t run_id, const bf_decision_row *row,
                             bf_errors *errs);
/* Inserts n decisions of a run in their order (inside the caller's transaction), many to a
 * statement; fastest in key order (household, policy_seq, member_seq), as a run writes them. */
int bf_store_decisions_insert(bf_store *s, int64_t run_id, const bf_decision_row *rows, int n,
                              bf_errors *errs);

/* The latest run with status completed or completed_with_errors, for all policies, whose date,
 * parameter values and file hashes are exactly these JSON texts; *run_id = 0 when none. */
int bf_store_find_baseline(bf_store *s, const char *eval_date, const char *parameters,
                           const char *file_hashes, int64_t *run_id, bf_errors *errs);
/* Checks that run_id can serve as that baseline; BF_OK, or BF_EINPUT with the reason in errs. */
int bf_store_check_baseline(bf_store *s, int64_t run_id, const char *eval_date,
                            const char *parameters, const char *file_hashes, bf_errors *errs);
/* The JSON array of parameter names policy number seq read in a run (malloc'd; "[]" if none). */
int bf_store_run_params_read(bf_store *s, int64_t run_id, int seq, char **json, bf_errors *errs);

/* One decision of a baseline run: only what simulate compares (a lean read for speed; the
 * decision cursor below carries everything export and review need). */
typedef struct bf_baseline_decision {
    const char *household_id;
    int policy_seq, member_seq;
    bool eligible, failed;
    int64_t amount_fen;
    const char *tier;                  /* NULL when none */
} bf_baseline_decision;

typedef struct bf_baseline_reader bf_baseline_reader;
/* Opens a reader over a baseline run's decisions in household id, policy, member order. */
int bf_store_baseline_open(bf_store *s, int64_t run_id, bf_baseline_reader **out, bf_errors *errs);
/* Positions on the decisions of households after after_id up to and including last_id. */
int bf_baseline_range(bf_baseline_reader *r, const char *after_id, const char *last_id,
                      bf_errors *errs);
/* Positions on the decisions of household id only. */
int bf_baseline_household(bf_baseline_reader *r, const char *id, bf_errors *errs);
/* The next decision of the range into *d; *got = false at its end. */
int bf_baseline_next(bf_baseline_reader *r, bf_baseline_decision *d, bool *got, bf_errors *errs);
/* Closes the reader. NULL is allowed. */
void bf_baseline_close(bf_baseline_reader *r);

/* Streaming reader: every household with its members, in id order, batch_size at a time,
 * one query per table per batch. */
int bf_store_reader_open(bf_store *s, int batch_size, bf_reader **out, bf_errors *errs);
/* Fills the next batch; *n = 0 at the end. The array stays valid until the call after the next
 * (the reader alternates two batches, so one can be evaluated while the next is read). */
int bf_reader_next(bf_reader *r, bf_household **batch, int *n, bf_errors *errs);
/* Limits the following batches to at most limit households (1 … the batch size it was opened with). */
void bf_reader_set_limit(bf_reader *r, int limit);
/* Frees the reader and its batch. NULL is allowed. */
void bf_reader_close(bf_reader *r);

/* ---- Reading runs back (review, export, reports) ---- */

/* A stored run (a runs row). Strings are owned: free with bf_stored_run_free. */
typedef struct bf_stored_run {
    int64_t id;
    char *started, *finished;          /* ISO time (UTC); finished NULL while running */
    char *eval_date, *status;          /* YYYY-MM-DD; running, completed, …, or abandoned: 'running'
                                        * in the table but its process is gone */
    char *only;                        /* --only as given, NULL for all */
    int jobs;
    bool store_all;
    char *file_hashes, *parameters;    /* JSON objects */
    int64_t households, evaluations, errors;
    int64_t households_version;        /* meta.households_version it read; -1 when not recorded */
    int64_t reused_from, reused;       /* the run whose decisions it took over for `reused`
                                        * households (0, 0: it evaluated every household) */
} bf_stored_run;

/* Reads run run_id into out (reset first); BF_ENOTFOUND when there is no such run. */
int bf_store_run_get(bf_store *s, int64_t run_id, bf_stored_run *out, bf_errors *errs);
/* Frees the strings of a run read by bf_store_run_get. */
void bf_stored_run_free(bf_stored_run *r);
/* Sets *run_id to the latest run whose status is completed or completed_with_errors;
 * BF_ENOTFOUND when there is none. */
int bf_store_run_latest_completed(bf_store *s, int64_t *run_id, bf_errors *errs);

/* One policy's summary in a stored run (a run_policies row). Strings are owned. */
typedef struct bf_stored_policy {
    int seq;                           /* evaluation order */
    char *policy, *title, *scope;
    int64_t evaluations, households, members, amount_fen, errors;
} bf_stored_policy;

/* The policies of a run in evaluation order: *out is a malloc'd array of *n rows (free with
 * bf_stored_policies_free); none for a run that never finished. */
int bf_store_run_policies(bf_store *s, int64_t run_id, bf_stored_policy **out, int *n,
                          bf_errors *errs);
/* Frees what bf_store_run_policies returned. */
void bf_stored_policies_free(bf_stored_policy *p, int n);

/* One stored decision with its household's town and village and the policy's title. The texts
 * belong to the cursor and stay valid until its next step. */
typedef struct bf_stored_decision {
    const char *household, *town, *village;   /* town/village "" when the household is gone */
    const char *policy, *policy_title;
    const char *member;                /* NULL for household scope */
    int policy_seq, member_seq;        /* evaluation order; member_seq 0 for household scope */
    bool eligible;
    int64_t amount_fen;
    const char *tier, *reasons, *details, *error;   /* NULL when absent; reasons a JSON array */
} bf_stored_decision;

typedef struct bf_decision_cursor bf_decision_cursor;

/* Opens a cursor over run_id's stored decisions in household id, then evaluation order. */
int bf_store_decisions_open(bf_store *s, int64_t run_id, bf_decision_cursor **out, bf_errors *errs);
/* Steps to the next decision: *d points to it, or is NULL at the end. */
int bf_decision_cursor_next(bf_decision_cursor *c, const bf_stored_decision **d, bf_errors *errs);
/* Closes the cursor. NULL is allowed. */
void bf_decision_cursor_close(bf_decision_cursor *c);

/* A stored household's review fields with its stored decisions in one run. */
typedef struct bf_run_household {
    const char *id, *town, *village;
    const char *monitor;               /* none, unstable, marginal, hardship */
    const char *recorded;              /* space-separated policy ids, may be "" */
    const bf_stored_decision *decisions;   /* evaluation order, members in record order */
    int n_decisions;
} bf_run_household;

typedef struct bf_household_cursor bf_household_cursor;

/* Opens a cursor over every stored household (id order) with its decisions in run_id. */
int bf_store_run_households_open(bf_store *s, int64_t run_id, bf_household_cursor **out,
                                 bf_errors *errs);
/* Steps to the next household: *h points to it until the next call, or is NULL at the end. */
int bf_household_cursor_next(bf_household_cursor *c, const bf_run_household **h, bf_errors *errs);
/* Closes the cursor. NULL is allowed. */
void bf_household_cursor_close(bf_household_cursor *c);

/* ---- History: every run, the households' versions (core/store/history.c) ---- */

/* The ids of every stored run, oldest first (*ids malloc'd). */
int bf_store_run_ids(bf_store *s, int64_t **ids, int *n, bf_errors *errs);
/* Counts the household versions that imports wrote after the households' version `after` up to
 * `upto` (see bf_stored_run.households_version): households new to the store, and households
 * imported again with changed fields. */
int bf_store_versions_between(bf_store *s, int64_t after, int64_t upto, int64_t *added,
                              int64_t *changed, bf_errors *errs);

/* One version of a household (a household_versions row). Strings are owned. */
typedef struct bf_household_version {
    int64_t version;                   /* 1, 2, … */
    int64_t households_version;        /* the store's households' version that wrote it */
    char *imported, *source;           /* ISO time (UTC), file; NULL when not known */
    char *changed;                     /* JSON array of {member?, field, old, new}; NULL for 1 */
    bool current;                      /* the stored record is this version */
} bf_household_version;

/* The versions of household id, oldest first (*out malloc'd; none when it was never stored). */
int bf_store_household_versions(bf_store *s, const char *id, bf_household_version **out, int *n,
                                bf_errors *errs);
/* Frees what bf_store_household_versions returned. */
void bf_household_versions_free(bf_household_version *v, int n);

/* One stored decision of one household in one run. Strings are owned. */
typedef struct bf_household_decision {
    char *policy, *title, *member;     /* member NULL for household scope */
    bool eligible;
    int64_t amount_fen;
    char *tier, *reasons, *error;      /* NULL when absent; reasons a JSON array */
    int policy_seq, member_seq;        /* evaluation order; member_seq 0 for household scope */
} bf_household_decision;

/* The stored decisions of household id in run run_id, in evaluation order (*out malloc'd). */
int bf_store_household_decisions(bf_store *s, int64_t run_id, const char *id,
                                 bf_household_decision **out, int *n, bf_errors *errs);
/* The same, of the rows stored under run_id itself (a run that evaluated the household), without
 * following the ranges a re-run took from other runs. */
int bf_store_household_decisions_held(bf_store *s, int64_t run_id, const char *id,
                                      bf_household_decision **out, int *n, bf_errors *errs);
/* Frees what bf_store_household_decisions returned. */
void bf_household_decisions_free(bf_household_decision *d, int n);

/* ---- Re-runs: decisions taken over from an earlier run (core/store/reuse.c) ---- */

/* The latest completed run of every policy, with its tally and the households' version it
 * read, stored with the same store_all: the run a new run may take decisions from; 0 when none. */
int bf_store_reuse_base(bf_store *s, bool store_all, int64_t *run_id, bf_errors *errs);

/* Households [first_id, last_id] (id order) whose decisions a run took from source_run. */
typedef struct bf_run_source {
    char *first_id, *last_id;
    int64_t source_run;
} bf_run_source;

/* The ranges of run_id in id order (*out malloc'd; none for a run that evaluated everyone). */
int bf_store_run_sources_get(bf_store *s, int64_t run_id, bf_run_source **out, int *n,
                             bf_errors *errs);
/* Frees what bf_store_run_sources_get returned. */
void bf_run_sources_free(bf_run_source *r, int n);
/* Records that run_id took the decisions of households [first_id, last_id] from source_run. */
int bf_store_run_source_insert(bf_store *s, int64_t run_id, const char *first_id,
                               const char *last_id, int64_t source_run, bf_errors *errs);
/* Records that run_id compared with run `from` and took over the decisions of `reused`
 * households. */
int bf_store_run_reused(bf_store *s, int64_t run_id, int64_t from, int64_t reused, bf_errors *errs);

/* A list of household ids (malloc'd copies). */
typedef struct bf_idlist {
    char **ids;
    int n, cap;
} bf_idlist;
/* Appends a copy of id; BF_OK or BF_ENOMEM. */
int bf_idlist_add(bf_idlist *l, const char *id);
/* Frees the list; it is empty and reusable. */
void bf_idlist_free(bf_idlist *l);

/* Appends the ids of households with a version written after households_version (imported new
 * or with changed fields since a run that read that version). */
int bf_store_ids_versioned_after(bf_store *s, int64_t households_version, bf_idlist *out,
                                 bf_errors *errs);
/* Appends the ids of households with a member whose age in full years differs between dates
 * d1 and d2 (YYYY-MM-DD). */
int bf_store_ids_aged_between(bf_store *s, const char *d1, const char *d2, bf_idlist *out,
                              bf_errors *errs);
/* Calls fn with every stored household id in id order; stops at the first non-BF_OK return. */
int bf_store_each_id(bf_store *s, int (*fn)(void *ctx, const char *id), void *ctx, bf_errors *errs);
/* Reads household id as a run that read households_version saw it (its version then: the
 * stored record, or the record that version kept); *found false when it was not stored then. */
int bf_store_household_as_read(bf_store *s, const char *id, int64_t households_version,
                               bf_household *out, bool *found, bf_errors *errs);

/* ---- Who looked at which household (bangfu serve; audit.c) ---- */

/* Records now that user ("" for anyone on loopback) looked at household through via ("page",
 * "api"). */
int bf_store_view_record(bf_store *s, const char *user, const char *household, const char *via,
                         bf_errors *errs);
/* One recorded look: its UTC time (ISO 8601), user, household and way. */
typedef struct bf_household_view {
    char *viewed, *user, *household, *via;
} bf_household_view;
/* The latest looks, newest first, at most limit, at household (NULL: at any); *out malloc'd
 * (free with bf_household_views_free). */
int bf_store_views(bf_store *s, const char *household, int limit, bf_household_view **out, int *n,
                   bf_errors *errs);
/* Frees what bf_store_views returned. */
void bf_household_views_free(bf_household_view *v, int n);

/* ---- Finding households (bangfu serve; search.c) ---- */

/* A household found: id, town, village, the head's name (NULL when none is recorded), members. */
typedef struct bf_found_household {
    char *id, *town, *village, *head;
    int members;
} bf_found_household;
/* At most limit households whose id is text or begins with it, or with a member whose name
 * contains it; the exact id first, then in id order (*out malloc'd; free with
 * bf_found_households_free). */
int bf_store_search_households(bf_store *s, const char *text, int limit, bf_found_household **out,
                               int *n, bf_errors *errs);
/* Frees what bf_store_search_households returned. */
void bf_found_households_free(bf_found_household *f, int n);

#endif
