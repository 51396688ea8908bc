/* store.c — opening and closing the store, transactions, and the helpers its files share.
 * Tables have named columns a person can read with `sqlite3`; money is integer fen in columns
 * ending in _fen, dates are YYYY-MM-DD text. */
#include "internal.h"
#include "i18n.h"
#include "bangfu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const stmt_sql[ST__N] = {
    [ST_HOUSEHOLD_EXISTS] = "SELECT 1 FROM households WHERE id = ?1",
    [ST_MEMBER_EXISTS] = "SELECT 1 FROM members WHERE id = ?1",
    [ST_DELETE_HOUSEHOLD] = "DELETE FROM households WHERE id = ?1",
    [ST_INSERT_HOUSEHOLD] = "INSERT INTO households(" HOUSEHOLD_COLS ") VALUES "
                            "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)",
    [ST_INSERT_MEMBER] = "INSERT INTO members(seq, " MEMBER_COLS ") VALUES "
                         "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)",
    [ST_GET_HOUSEHOLD] = "SELECT " HOUSEHOLD_COLS " FROM households WHERE id = ?1",
    [ST_GET_MEMBERS] = "SELECT " MEMBER_COLS " FROM members WHERE household_id = ?1 ORDER BY seq",
    [ST_RUN_CREATE] = "INSERT INTO runs(started, eval_date, status, jobs, only_policies, store_all, "
                      "file_hashes, parameters, households_version) VALUES (?1, ?2, 'running', ?3, "
                      "?4, ?5, ?6, ?7, " HOUSEHOLDS_VERSION ")",
    [ST_RUN_FINISH] = "UPDATE runs SET status = ?2, finished = ?3, households = ?4, "
                      "evaluations = ?5, errors = ?6 WHERE id = ?1",
    [ST_RUN_READS] = "INSERT INTO run_param_reads(run_id, param, everyone, households) "
                     "VALUES (?1, ?2, ?3, ?4)",
    [ST_RUN_TOWN] = "INSERT INTO run_towns(run_id, seq, town, policy_seq, households, members, "
                    "amount_fen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_RUN_POLICY] = "INSERT INTO run_policies(run_id, seq, policy, title, scope, evaluations, "
                      "households_eligible, members_eligible, amount_fen, errors, params_read) "
                      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
    [ST_VERSION_LATEST] = "SELECT version, record FROM household_versions WHERE household_id = ?1 "
                          "ORDER BY version DESC LIMIT 1",
    [ST_VERSION_KEEP] = "UPDATE household_versions SET record = ?3 WHERE household_id = ?1 AND "
                        "version = ?2",
    /* the households' version this import will have once committed (bf_store_commit) */
    [ST_VERSION_ADD] = "INSERT INTO household_versions(household_id, version, households_version, "
                       "imported, source, changed) VALUES (?1, ?2, " HOUSEHOLDS_VERSION " + 1, "
                       "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?3, ?4)",
    [ST_DECISION] = "INSERT INTO decisions(run_id, household_id, policy_seq, member_seq, policy, "
                    "member_id, eligible, amount_fen, tier, reasons, details, error) "
                    "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
};

int bf__store_fail(bf_store *s, int code, const char *what)
{
    snprintf(s->err, sizeof s->err, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
    return code;
}

const char *bf_store_errmsg(const bf_store *s)
{
    return s->err;
}

int bf_store_set_error(bf_store *s, int code, const char *what)
{
    snprintf(s->err, sizeof s->err, "%s: %s", s->path, what);
    return code;
}

const char *bf_store_path(const bf_store *s)
{
    return s->path;
}

int bf__store_exec(bf_store *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(s->err, sizeof s->err, "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return BF_ESTORE;
    }
    return BF_OK;
}

static int prepare_all(bf_store *s)
{
    for (int i = 0; i < ST__N; i++)
        if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
                               NULL) != SQLITE_OK)
            return bf__store_fail(s, BF_ESTORE, "preparing statements");
    return BF_OK;
}

static int open_store(const char *path, bool create, bf_store **out, char *err, size_t errlen)
{
    *out = NULL;
    struct stat sb;
    if (!create && stat(path, &sb) != 0) {
        snprintf(err, errlen, _("%s: no such database (import households first)"), path);
        return BF_ENOTFOUND;
    }
    bool existed = stat(path, &sb) == 0;
    bf_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        snprintf(err, errlen, _("%s: out of memory"), path);
        return BF_ENOMEM;
    }
    s->created = !existed;
    s->run_lock_fd = -1;
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    int rc = BF_ESTORE;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        bf__store_fail(s, BF_ESTORE, "cannot open");
        goto out;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
    int version = 0;
    if ((rc = bf__store_schema_version(s, &version)) != BF_OK)
        goto out;
    if ((rc = bf__store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                      "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;")) != BF_OK)
        goto out;
    if ((rc = bf__store_schema_upgrade(s, version)) != BF_OK)
        goto out;
    rc = prepare_all(s);
out:
    if (rc != BF_OK) {
        snprintf(err, errlen, "%s", s->err);
        bf_store_close(s);
        return rc;
    }
    *out = s;
    return BF_OK;
}

int bf_store_open(const char *path, bf_store **out, char *err, size_t errlen)
{
    return open_store(path, true, out, err, errlen);
}

int bf_store_open_existing(const char *path, bf_store **out, char *err, size_t errlen)
{
    return open_store(path, false, out, err, errlen);
}

void bf_store_close(bf_store *s)
{
    if (!s)
        return;
    bf__store_run_unlock(s);
    for (int i = 0; i < ST__N; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

int bf_store_bulk(bf_store *s, bool on)
{
    return bf__store_exec(s, on ? "PRAGMA wal_autocheckpoint=16384"
                      : "PRAGMA wal_autocheckpoint=1000; PRAGMA wal_checkpoint(PASSIVE)");
}

bool bf_store_created(const bf_store *s)
{
    return s->created;
}

void bf_store_discard(bf_store *s)
{
    if (!s)
        return;
    char *path = s->created ? strdup(s->path) : NULL;
    bf_store_close(s);
    if (!path)
        return;
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char file[4200];
        snprintf(file, sizeof file, "%s%s", path, suffixes[i]);
        unlink(file);
    }
    free(path);
}

int bf_store_begin(bf_store *s)
{
    return bf__store_exec(s, "BEGIN IMMEDIATE");
}

/* Counts the households' version up (see HOUSEHOLDS_VERSION). */
static int bump_households_version(bf_store *s)
{
    return bf__store_exec(s, "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                   "WHERE key = 'households_version'");
}

int bf__store_households_written(bf_store *s)
{
    if (sqlite3_get_autocommit(s->db))
        return bump_households_version(s);
    s->households_changed = true;
    return BF_OK;
}

int bf_store_commit(bf_store *s)
{
    if (s->households_changed) {
        int rc = bump_households_version(s);
        if (rc != BF_OK)
            return rc;
        s->households_changed = false;
    }
    return bf__store_exec(s, "COMMIT");
}

int bf_store_rollback(bf_store *s)
{
    s->households_changed = false;
    if (sqlite3_get_autocommit(s->db))
        return BF_OK;
    return bf__store_exec(s, "ROLLBACK");
}

int bf__store_step_done(bf_store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? BF_OK : bf__store_fail(s, BF_ESTORE, what);
}

int bf__store_bind_opt(sqlite3_stmt *st, int col, const char *v)
{
    return v ? sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, col);
}

char *bf__store_column_dup(sqlite3_stmt *st, int col, bool *oom)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return NULL;
    const char *v = (const char *)sqlite3_column_text(st, col);
    char *copy = v ? strdup(v) : NULL;
    if (!copy)
        *oom = true;
    return copy;
}

sqlite3_stmt *bf__store_prepare_run(bf_store *s, const char *sql, int64_t run_id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        bf__store_fail(s, BF_ESTORE, "preparing a query of the runs");
        return NULL;
    }
    if (sqlite3_bind_int64(st, 1, run_id) != SQLITE_OK) {
        bf__store_fail(s, BF_ESTORE, "binding the run id");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}
