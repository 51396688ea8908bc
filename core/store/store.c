/* store.c — opening and closing the store, transactions, and the helpers its files share.
 * Tables have named columns a person can read with `sqlite3`; money is integer fen in columns
 * ending in _fen, dates are YYYY-MM-DD text. */
#include "internal.h"
#include "i18n.h"
#include "bangfu.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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
    [ST_DECISION] = "INSERT INTO decision_rows(run_id, household_id, policy_seq, member_seq, "
                    "member_id, eligible, amount_fen, tier, error, text_id) "
                    "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
    [ST_DECISION_TEXT] = "INSERT INTO decision_texts(run_id, reasons, details) VALUES (?1,?2,?3)",
    [ST_DECISION_TEXT_GET] = "SELECT reasons, details FROM decision_texts WHERE id = ?1",
    [ST_RUN_POLICY_ID] = "INSERT OR IGNORE INTO run_policy_ids(run_id, seq, policy) "
                         "VALUES (?1,?2,?3)",
};

/* After the busy handler gave up: says whose lock it was and what to do. */
static bool explain_lock_timeout(bf_store *s, const char *what, bf_errors *errs)
{
    if (!s->gave_up_waiting)
        return false;
    s->gave_up_waiting = false;
    bf_errors_add(errs, _("%s: %s: another bangfu process (an import or a run) kept the "
             "database locked for more than %.0f seconds; try again when it has finished"), s->path,
             what, s->wait_seconds);
    return true;
}

/* After a write failed for want of room (SQLite's "database or disk is full", or a failed write:
 * a file size limit gives EFBIG, which SQLite reports as an I/O error and, by the time the
 * transaction is rolled back, without the system's error): says so. */
static bool explain_no_room(bf_store *s, const char *what, bf_errors *errs)
{
    int ext = sqlite3_extended_errcode(s->db), sys = sqlite3_system_errno(s->db);
    bool no_room = (ext & 0xff) == SQLITE_FULL || ext == SQLITE_IOERR_WRITE ||
                   ((ext & 0xff) == SQLITE_IOERR && (sys == ENOSPC || sys == EFBIG || sys == EDQUOT));
    if (!no_room)
        return false;
    if (sys)
        bf_errors_add(errs, _("%s: %s: the database could not grow: %s (the disk is "
                 "full, or a limit on file size or disk quota was reached)"), s->path, what,
                 strerror(sys));
    else
        bf_errors_add(errs, _("%s: %s: the database could not grow (the disk is full, "
                 "or a limit on file size or disk quota was reached)"), s->path, what);
    return true;
}

int bf__store_fail(bf_store *s, int code, const char *what, bf_errors *errs)
{
    if (!explain_lock_timeout(s, what, errs) && !explain_no_room(s, what, errs))
        bf_errors_add(errs, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
    return code;
}

int bf__store_error(bf_store *s, int code, const char *what, bf_errors *errs)
{
    bf_errors_add(errs, "%s: %s", s->path, what);
    return code;
}

const char *bf_store_path(const bf_store *s)
{
    return s->path;
}

int bf__store_exec(bf_store *s, const char *sql, bf_errors *errs)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        if (!explain_lock_timeout(s, "running SQL", errs) &&
            !explain_no_room(s, "running SQL", errs))
            bf_errors_add(errs, "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return BF_ESTORE;
    }
    return BF_OK;
}

/* Prepares the store's statements; a read-only store only its queries (the others could never
 * run on it: left NULL, SQLite answers SQLITE_MISUSE; preparing them cost each `check` a third of
 * a millisecond). */
static int prepare_all(bf_store *s, bool queries_only, bf_errors *errs)
{
    for (int i = 0; i < ST__N; i++) {
        if (queries_only && strncmp(stmt_sql[i], "SELECT ", 7) != 0)
            continue;
        if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
                               NULL) != SQLITE_OK)
            return bf__store_fail(s, BF_ESTORE, "preparing statements", errs);
    }
    return BF_OK;
}

enum open_mode { OPEN_CREATE, OPEN_EXISTING, OPEN_READONLY };

/* ---- Waiting for another writer ----
 * SQLite calls this while another connection holds the lock it needs. It sleeps and tries again
 * for as long as the store's wait limit allows, telling the user once (through the callback the
 * command set) that it is waiting and why, then gives up with a message that says so. */
static int busy_wait(void *arg, int tries)
{
    bf_store *s = arg;
    struct timespec nap = {0, 20 * 1000000L};
    double waited = tries * 0.020;
    if (waited >= s->wait_seconds) {
        s->gave_up_waiting = true;
        return 0;
    }
    if (tries == 25 && s->on_wait)                   /* half a second: worth telling */
        s->on_wait(s->on_wait_user, s->path);
    nanosleep(&nap, NULL);
    return 1;
}

/* Whether a database in WAL mode in a folder we cannot write can only be read as immutable:
 * SQLite then cannot create the -shm file it reads through. Only when no -wal file exists, so
 * nothing of a writer is left unread. */
static bool needs_immutable(const char *path)
{
    char side[4200];
    snprintf(side, sizeof side, "%s-wal", path);
    if (access(side, F_OK) == 0)
        return false;
    snprintf(side, sizeof side, "%s-shm", path);
    if (access(side, F_OK) == 0)
        return false;
    char *dir = strdup(path);
    if (!dir)
        return false;
    char *slash = strrchr(dir, '/');
    const char *folder = slash ? (slash == dir ? "/" : (*slash = 0, dir)) : ".";
    bool writable = access(folder, W_OK) == 0;
    free(dir);
    return !writable;
}

/* SQLite counts every allocation it makes under a global mutex (for sqlite3_memory_used, which
 * bangfu does not call); a run's main thread allocated and freed about 8 times per decision row
 * and household row read. Off before SQLite starts: once it has (a program or a test that opened
 * a database by itself first), the setting is refused and changes nothing, which is harmless. */
static void count_no_allocations(void)
{
    int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)rc;                      /* SQLITE_MISUSE once SQLite has started: see above */
}

/* Opens the connection: read-write (creating the file in OPEN_CREATE) or read-only, the last
 * through an immutable URI where the folder cannot take SQLite's -shm file. */
static int open_connection(bf_store *s, const char *path, enum open_mode mode, bf_errors *errs)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, count_no_allocations);
    int flags = SQLITE_OPEN_NOMUTEX;
    if (mode == OPEN_READONLY)
        flags |= SQLITE_OPEN_READONLY;
    else
        flags |= SQLITE_OPEN_READWRITE | (mode == OPEN_CREATE ? SQLITE_OPEN_CREATE : 0);
    int rc;
    if (mode == OPEN_READONLY && needs_immutable(path)) {
        char *uri = sqlite3_mprintf("file:%s?immutable=1", path);
        if (!uri)
            return bf__store_fail(s, BF_ENOMEM, "cannot open", errs);
        rc = sqlite3_open_v2(uri, &s->db, flags | SQLITE_OPEN_URI, NULL);
        sqlite3_free(uri);
    } else {
        rc = sqlite3_open_v2(path, &s->db, flags, NULL);
    }
    if (rc != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "cannot open", errs);
    sqlite3_busy_handler(s->db, busy_wait, s);
    sqlite3_extended_result_codes(s->db, 1);
    return BF_OK;
}

/* Checks the schema of a database opened read-only: it must be this bangfu's version, since a
 * reader cannot migrate it. */
static int check_readonly_schema(bf_store *s, int version, bf_errors *errs)
{
    if (version == BF_STORE_SCHEMA_VERSION)
        return BF_OK;
    if (version > 0 && version < BF_STORE_SCHEMA_VERSION) {
        bf_errors_add(errs, _("%s: the database was made by an older bangfu (schema "
                 "version %d); a command that writes (import or run) upgrades it to version %d "
                 "first"), s->path, version, BF_STORE_SCHEMA_VERSION);
        return BF_EVERSION;
    }
    return bf__store_schema_upgrade(s, version,
                                    errs);   /* refuses a newer version with its message */
}

static int open_store(const char *path, enum open_mode mode, bf_store **out, bf_errors *errs)
{
    *out = NULL;
    struct stat sb;
    bool existed = stat(path, &sb) == 0;
    if (mode != OPEN_CREATE && !existed) {
        bf_errors_add(errs, _("%s: no such database (import households first)"), path);
        return BF_ENOTFOUND;
    }
    if (!*path) {
        bf_errors_add(errs, "%s", _("the database name is empty: give --db a file name"));
        return BF_ENOTFOUND;
    }
    bf_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        bf_errors_add(errs, _("%s: out of memory"), path);
        return BF_ENOMEM;
    }
    s->created = !existed;
    s->run_lock_fd = -1;
    s->wait_seconds = BF_STORE_DEFAULT_WAIT_SECONDS;
    int version = 0;
    int rc = open_connection(s, path, mode, errs);
    if (rc == BF_OK)
        rc = bf__store_schema_version(s, &version, errs);
    if (rc == BF_OK && version == 0 && mode != OPEN_CREATE) {
        bf_errors_add(errs, _("%s: the file is empty, not a bangfu database (import "
                 "households first)"), path);
        rc = BF_ENOTFOUND;
    }
    if (rc == BF_OK && mode == OPEN_READONLY)
        rc = bf__store_exec(s, "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;", errs);
    else if (rc == BF_OK)
        rc = bf__store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                               "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;", errs);
    if (rc == BF_OK)
        rc = mode == OPEN_READONLY ? check_readonly_schema(s, version, errs)
                                   : bf__store_schema_upgrade(s, version, errs);
    if (rc == BF_OK)
        rc = prepare_all(s, mode == OPEN_READONLY, errs);
    if (rc != BF_OK) {
        bf_store_close(s);
        return rc;
    }
    *out = s;
    return BF_OK;
}

int bf_store_open(const char *path, bf_store **out, bf_errors *errs)
{
    return open_store(path, OPEN_CREATE, out, errs);
}

int bf_store_open_existing(const char *path, bf_store **out, bf_errors *errs)
{
    return open_store(path, OPEN_EXISTING, out, errs);
}

int bf_store_open_readonly(const char *path, bf_store **out, bf_errors *errs)
{
    return open_store(path, OPEN_READONLY, out, errs);
}

void bf_store_on_wait(bf_store *s, void (*fn)(const void *user, const char *path), const void *user)
{
    s->on_wait = fn;
    s->on_wait_user = user;
}

void bf_store_set_wait(bf_store *s, double seconds)
{
    s->wait_seconds = seconds;
}

void bf_store_close(bf_store *s)
{
    if (!s)
        return;
    bf__store_run_unlock(s);
    bf__store_texts_free(s);
    bf__store_versions_forget(s);
    for (int i = 0; i < ST__N; i++)
        sqlite3_finalize(s->stmt[i]);
    for (int k = 0; k <= BF__MEMBERS_PER_INSERT; k++)
        sqlite3_finalize(s->insert_members[k]);
    sqlite3_finalize(s->insert_decisions);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

int bf_store_bulk(bf_store *s, bool on, bf_errors *errs)
{
    return bf__store_exec(s, on ? "PRAGMA wal_autocheckpoint=16384"
                      : "PRAGMA wal_autocheckpoint=1000; PRAGMA wal_checkpoint(PASSIVE)", errs);
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

int bf_store_begin(bf_store *s, bf_errors *errs)
{
    s->no_versions = false;
    bf__store_versions_forget(s);
    int rc = bf__store_exec(s, "BEGIN IMMEDIATE", errs);
    if (rc != BF_OK)
        return rc;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT NOT EXISTS (SELECT 1 FROM household_versions), "
                           "NOT EXISTS (SELECT 1 FROM households)", -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "reading the households' versions", errs);
    rc = sqlite3_step(st);
    s->no_versions = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
    s->defer_versions = s->no_versions && sqlite3_column_int(st, 1) != 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? BF_OK : bf__store_fail(s, BF_ESTORE,
                                                     "reading the households' versions", errs);
}

/* Counts the households' version up (see HOUSEHOLDS_VERSION). */
static int bump_households_version(bf_store *s, bf_errors *errs)
{
    return bf__store_exec(s, "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                   "WHERE key = 'households_version'", errs);
}

int bf__store_households_written(bf_store *s, bf_errors *errs)
{
    if (sqlite3_get_autocommit(s->db))
        return bump_households_version(s, errs);
    s->households_changed = true;
    return BF_OK;
}

int bf_store_commit(bf_store *s, bf_errors *errs)
{
    s->no_versions = false;
    int vrc = bf__store_versions_flush(s,
                                       errs);   /* before the households' version is counted up */
    bf__store_versions_forget(s);
    if (vrc != BF_OK)
        return vrc;
    if (s->households_changed) {
        int rc = bump_households_version(s, errs);
        if (rc != BF_OK)
            return rc;
        s->households_changed = false;
    }
    return bf__store_exec(s, "COMMIT", errs);
}

int bf_store_rollback(bf_store *s, bf_errors *errs)
{
    s->no_versions = false;
    bf__store_versions_forget(s);
    s->households_changed = false;
    bf__store_texts_forget(s);     /* the texts written in the transaction are gone with it */
    if (sqlite3_get_autocommit(s->db))
        return BF_OK;
    return bf__store_exec(s, "ROLLBACK", errs);
}

int bf_store_read_begin(bf_store *s, bool *began, bf_errors *errs)
{
    *began = sqlite3_get_autocommit(s->db);
    return *began ? bf__store_exec(s, "BEGIN", errs) : BF_OK;
}

int bf_store_read_end(bf_store *s, bool began, bool ok, bf_errors *errs)
{
    if (!began)
        return BF_OK;
    if (ok)
        return bf__store_exec(s, "COMMIT", errs);
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);   /* the error is already set */
    return BF_OK;
}

int bf__store_step_done(bf_store *s, sqlite3_stmt *st, const char *what, bf_errors *errs)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? BF_OK : bf__store_fail(s, BF_ESTORE, what, errs);
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

int bf__store_rows(bf_store *s, sqlite3_stmt *st, int limit, size_t size,
                   void (*fill)(sqlite3_stmt *st, void *row, bool *oom), const char *what,
                   void **rows, int *n, bf_errors *errs)
{
    char *table = limit > 0 ? calloc((size_t)limit, size) : NULL;
    bool oom = limit > 0 && !table;
    int rc = SQLITE_DONE;
    *n = 0;
    while (!oom && *n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW)
        fill(st, table + (size_t)(*n)++ * size, &oom);
    bool failed = oom || (rc != SQLITE_DONE && rc != SQLITE_ROW);
    *rows = table;
    if (failed && !oom)
        bf__store_fail(s, BF_ESTORE, what, errs);      /* before finalize resets SQLite's message */
    sqlite3_finalize(st);
    return oom ? BF_ENOMEM : failed ? BF_ESTORE : BF_OK;
}

sqlite3_stmt *bf__store_prepare_run(bf_store *s, const char *sql, int64_t run_id, bf_errors *errs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        bf__store_fail(s, BF_ESTORE, "preparing a query of the runs", errs);
        return NULL;
    }
    if (sqlite3_bind_int64(st, 1, run_id) != SQLITE_OK) {
        bf__store_fail(s, BF_ESTORE, "binding the run id", errs);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}
