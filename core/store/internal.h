/* internal.h — the store's private side: the connection, its prepared statements and the helpers
 * its files share. Only the files of core/store/ include it; everything else includes store.h, which never
 * shows a sqlite3 handle. */
#ifndef BF_STORE_INTERNAL_H
#define BF_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "household.h"
#include "json.h"
#include "store.h"

/* The statements prepared once at open (store.c holds their SQL). */
enum {
    ST_HOUSEHOLD_EXISTS, ST_MEMBER_EXISTS, ST_DELETE_HOUSEHOLD, ST_INSERT_HOUSEHOLD,
    ST_INSERT_MEMBER, ST_GET_HOUSEHOLD, ST_GET_MEMBERS, ST_RUN_CREATE, ST_RUN_FINISH,
    ST_RUN_POLICY, ST_DECISION, ST_DECISION_TEXT, ST_DECISION_TEXT_GET, ST_RUN_POLICY_ID, ST_RUN_READS, ST_RUN_TOWN, ST_VERSION_LATEST, ST_VERSION_KEEP,
    ST_VERSION_ADD, ST__N
};

/* The household and member columns, in the order fill_household/fill_member read them. */
#define HOUSEHOLD_COLS "id, town, village, status, monitor, recorded, wage_fen, business_fen, " \
    "property_fen, transfer_fen, excluded_fen, previous_fen, deposits_fen, vehicle_fen, "      \
    "extra_houses, medical_fen, education_fen, housing_safe, water_safe"
#define MEMBER_COLS "household_id, id, name, idnumber, relation, birth, sex, labor, employment, " \
    "school, self_care, disability, disability_type, serious_illness, pension_insured, "         \
    "medical_insured, medical_cost_fen, supporter"

/* The households' version: meta.households_version, counted up by every transaction that
 * writes households or members (bf_store_commit). A run records the version it read; a stored
 * run serves as a simulation's baseline only while the version is the same, so that a baseline
 * never describes households that have changed since. */
#define HOUSEHOLDS_VERSION "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'households_version')"

/* texts.c: a run's decision texts the writer has stored, and their ids. */
typedef struct bf__texts bf__texts;

/* The most members one INSERT writes (each has 19 values; SQLite allows 32,766 parameters). */
#define BF__MEMBERS_PER_INSERT 8
/* The decision rows one INSERT writes (each has 10 values). */
#define BF__DECISIONS_PER_INSERT 32

struct bf_store {
    sqlite3 *db;
    char *path;
    bool created;              /* the file did not exist before this open */
    bool households_changed;   /* households written in the open transaction */
    bool no_versions;          /* household_versions was empty when the transaction began: a
                                * household inserted in it has no earlier version to look up
                                * (an import holds each household id once) */
    bool defer_versions;       /* households and their versions were both empty when the
                                * transaction began: version 1 of each household inserted is
                                * written by one statement (bf__store_versions_flush) */
    bool deferred;             /* households inserted since the last flush */
    bool flushed;              /* a flush wrote versions in this transaction: the next one
                                * skips the households that have one */
    char *deferred_source;     /* the file they came from (NULL: unknown) */
    sqlite3_stmt *stmt[ST__N];
    /* INSERTs of k members in one statement (k = 2 … BF__MEMBERS_PER_INSERT), prepared when
     * first used (households.c) */
    sqlite3_stmt *insert_members[BF__MEMBERS_PER_INSERT + 1];
    sqlite3_stmt *insert_decisions;   /* BF__DECISIONS_PER_INSERT rows, prepared when first used
                                       * (decisions.c) */
    double wait_seconds;       /* how long a statement waits for another writer's lock */
    bool gave_up_waiting;      /* the busy handler gave up: the failure is a lock held too long */
    void (*on_wait)(const void *user, const char *path);   /* told when a wait begins */
    const void *on_wait_user;
    bf__texts *texts;          /* the decision texts this connection wrote (texts.c), or NULL */
    int run_lock_fd;           /* the run lock file while this connection's run is running, or -1 */
    char note[1536];           /* what a person should know of the open (upgrade.c), or "" */
};

/* Writes the versions held back under defer_versions (at a change of source file, before a
 * household is superseded, at commit). */
int bf__store_versions_flush(bf_store *s, bf_errors *errs);
/* Under defer_versions, before a household from source is inserted: holds its version back;
 * when source is another file than the households held back, writes theirs first. */
int bf__store_version_defer(bf_store *s, const char *source, bf_errors *errs);
/* Forgets the versions held back (the transaction ends). */
void bf__store_versions_forget(bf_store *s);

/* Adds "path: what: SQLite's message" to errs (or why a lock or the disk stopped it); returns
 * code. */
int bf__store_fail(bf_store *s, int code, const char *what, bf_errors *errs);
/* Adds "path: what" to errs (an error found over the store's data); returns code. */
int bf__store_error(bf_store *s, int code, const char *what, bf_errors *errs);
/* Runs SQL without results (statements separated by ';'); the message in errs on failure. */
int bf__store_exec(bf_store *s, const char *sql, bf_errors *errs);
/* Steps a bound statement that returns no rows, then resets it. */
int bf__store_step_done(bf_store *s, sqlite3_stmt *st, const char *what, bf_errors *errs);
/* Binds optional text: NULL stays NULL. */
int bf__store_bind_opt(sqlite3_stmt *st, int col, const char *v);
/* A malloc'd copy of a text column, NULL for SQL NULL; *oom is set when the copy failed. */
char *bf__store_column_dup(sqlite3_stmt *st, int col, bool *oom);
/* Steps the bound statement st for at most limit rows into a new zeroed array of limit rows of
 * size bytes, fill(st, row, &oom) making each, and finalizes st. *rows and *n are what was read:
 * the caller frees them, also on failure. BF_OK, BF_ENOMEM, or BF_ESTORE with "what" in errs. */
int bf__store_rows(bf_store *s, sqlite3_stmt *st, int limit, size_t size,
                   void (*fill)(sqlite3_stmt *st, void *row, bool *oom), const char *what,
                   void **rows, int *n, bf_errors *errs);
/* Prepares sql and binds run_id to ?1; NULL (with the message in errs) on failure. */
sqlite3_stmt *bf__store_prepare_run(bf_store *s, const char *sql, int64_t run_id, bf_errors *errs);
/* Notes a write of households: counted at the commit, or now outside a transaction. */
int bf__store_households_written(bf_store *s, bf_errors *errs);

/* runs.c: marks run_id as running in this process until bf__store_run_unlock or the process
 * ends (an open-file-description lock on byte run_id of "DB.runlock"). */
int bf__store_run_lock(bf_store *s, int64_t run_id, bf_errors *errs);
/* runs.c: releases the lock of bf__store_run_lock, if any. */
void bf__store_run_unlock(bf_store *s);
/* runs.c: whether a process (this one included) holds the lock of run_id. */
bool bf__store_run_alive(const bf_store *s, int64_t run_id);

/* schema.c: reads meta.schema_version (0 for an empty database). */
int bf__store_schema_version(bf_store *s, int *version, bf_errors *errs);
/* schema.c: creates the schema (version 0), migrates an older one, or refuses a newer one. */
int bf__store_schema_upgrade(bf_store *s, int version, bf_errors *errs);

/* households.c: fills a household (without members) from a row of HOUSEHOLD_COLS. */
int bf__store_fill_household(bf_store *s, sqlite3_stmt *st, bf_household *h, bf_errors *errs);
/* households.c: appends a member from a row of MEMBER_COLS to h. */
int bf__store_fill_member(bf_store *s, sqlite3_stmt *st, bf_household *h, bf_errors *errs);

/* versions.c: keeps the stored record of household id with its latest version, before the
 * household is deleted to be replaced (nothing when it is not stored). */
int bf__store_version_supersede(bf_store *s, const char *id, bf_errors *errs);
/* versions.c: records the version of household h just inserted from source (a file, or NULL):
 * a first version, the same version when the record equals the one it replaced, else a new
 * version with the fields that changed. */
int bf__store_version_record(bf_store *s, const bf_household *h, const char *source,
                             bf_errors *errs);

/* versions.c: splits a record text's key "members/ID/field" into the member id (copied into
 * member) and the field; returns the field, or NULL for a household field. */
const char *bf__store_record_member_field(const char *key, char *member, size_t size);

/* upgrade.c: runs a migration's SQL to schema version `version`, statement by statement, with
 * a progress line on stderr when it is a terminal (rows read so far). */
int bf__store_exec_upgrading(bf_store *s, const char *sql, int version, bf_errors *errs);
/* upgrade.c: after an upgrade to `version`, a note for bf_store_note when it left a large part
 * of the file unused. */
void bf__store_note_free_space(bf_store *s, int version);

/* texts.c: the id of the decision_texts row of run_id holding these texts (details may be
 * NULL): one written earlier in the run by this connection, or one inserted now. */
int bf__store_text_id(bf_store *s, int64_t run_id, const char *reasons, const char *details,
                      int64_t *id, bf_errors *errs);
/* texts.c: records the name of policy_seq in run_id's decisions (run_policy_ids), once. */
int bf__store_policy_id(bf_store *s, int64_t run_id, int policy_seq, const char *policy,
                        bf_errors *errs);
/* texts.c: forgets the texts written (their rows were rolled back or deleted). */
void bf__store_texts_forget(bf_store *s);
/* texts.c: frees what texts.c keeps in the store. */
void bf__store_texts_free(bf_store *s);

/* A decision's member id from decision_rows alias r (schema.c: NULL there when it is the usual
 * "household-place", made again here). */
#define DECISION_MEMBER_ID(r) "CASE WHEN " r ".member_id IS NULL AND " r ".member_seq > 0 THEN " \
    r ".household_id || '-' || " r ".member_seq ELSE " r ".member_id END"

/* The lean rows d of run ?1 for household alias h, joined per household: its own rows, or, when h
 * lies in one of the run's run_sources ranges, the rows of that range's run (the range found by
 * its first id, one index search). A range holds only households the run did not evaluate
 * (rerun.c), so a household has rows of one run only: the same rows as the run's subquery of
 * bf__store_run_decisions gives, without joining every household onto that whole subquery. */
#define RUN_ROWS_OF_HOUSEHOLD(h, d) \
    "LEFT JOIN run_sources " d "_src ON " d "_src.run_id = ?1 AND " d "_src.first_id = " \
    "(SELECT max(first_id) FROM run_sources WHERE run_id = ?1 AND first_id <= " h ".id) AND " \
    h ".id <= " d "_src.last_id LEFT JOIN decision_rows " d " ON " d ".run_id = " \
    "coalesce(" d "_src.source_run, ?1) AND " d ".household_id = " h ".id "

/* reuse.c: the table to read run_id's decisions from: "decisions" (lean: "decision_rows"), or,
 * for a run that took decisions over from others, a subquery of the same columns (binding the
 * run id to ?1). */
int bf__store_run_decisions(bf_store *s, int64_t run_id, bool lean, const char **table,
                            bf_errors *errs);
/* reuse.c: prepares sql_format with its one %s replaced by that table, run_id bound to ?1;
 * NULL (message in errs) on failure. */
sqlite3_stmt *bf__store_prepare_decisions(bf_store *s, const char *sql_format, int64_t run_id,
                                          bf_errors *errs);
/* reuse.c: the same on the lean rows (decision_rows: no policy name, reasons or details). */
sqlite3_stmt *bf__store_prepare_decision_rows(bf_store *s, const char *sql_format, int64_t run_id,
                                              bf_errors *errs);

#endif
