/* store.c — the SQLite store. Tables have named columns a person can read with `sqlite3`;
 * money is integer fen in columns ending in _fen, dates are YYYY-MM-DD text. */
#include "store.h"
#include "bangfu.h"
#include "buf.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a run records besides its decisions, so that a simulation can take its baseline from
 * it without reading every household (version 3):
 *   run_param_reads  per parameter read in the run, the households whose evaluations read it
 *                    (ids one per line, in id order), or everyone = 1 when it was read so widely
 *                    that the run stopped listing (and cached it);
 *   run_towns        per town (in order of first appearance) and policy, the eligible
 *                    households, members and amount, as run_policies has them for the county. */
#define RUN_SUMMARY_TABLES \
    "CREATE TABLE run_param_reads(\n" \
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n" \
    "  param TEXT NOT NULL,\n" \
    "  everyone INTEGER NOT NULL CHECK (everyone = 0 OR everyone = 1),\n" \
    "  households TEXT NOT NULL,\n" \
    "  PRIMARY KEY (run_id, param)\n" \
    ") WITHOUT ROWID;\n" \
    "CREATE TABLE run_towns(\n" \
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n" \
    "  seq INTEGER NOT NULL,\n" \
    "  town TEXT NOT NULL,\n" \
    "  policy_seq INTEGER NOT NULL,\n" \
    "  households INTEGER NOT NULL,\n" \
    "  members INTEGER NOT NULL,\n" \
    "  amount_fen INTEGER NOT NULL,\n" \
    "  PRIMARY KEY (run_id, seq, policy_seq)\n" \
    ") WITHOUT ROWID;\n"

/* The schema (version 3). Runs and decisions are written by the engine (run.c). */
static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE households(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  town TEXT NOT NULL, village TEXT NOT NULL,\n"
    "  status TEXT NOT NULL CHECK (status = 'none' OR status = 'poverty_alleviated'),\n"
    "  monitor TEXT NOT NULL CHECK (monitor = 'none' OR monitor = 'unstable' OR "
    "    monitor = 'marginal' OR monitor = 'hardship'),\n"
    "  recorded TEXT NOT NULL DEFAULT '',\n"
    "  wage_fen INTEGER NOT NULL CHECK (wage_fen >= 0),\n"
    "  business_fen INTEGER NOT NULL CHECK (business_fen >= 0),\n"
    "  property_fen INTEGER NOT NULL CHECK (property_fen >= 0),\n"
    "  transfer_fen INTEGER NOT NULL CHECK (transfer_fen >= 0),\n"
    "  excluded_fen INTEGER NOT NULL CHECK (excluded_fen >= 0),\n"
    "  previous_fen INTEGER CHECK (previous_fen IS NULL OR previous_fen >= 0),\n"
    "  deposits_fen INTEGER NOT NULL CHECK (deposits_fen >= 0),\n"
    "  vehicle_fen INTEGER NOT NULL CHECK (vehicle_fen >= 0),\n"
    "  extra_houses INTEGER NOT NULL CHECK (extra_houses >= 0),\n"
    "  medical_fen INTEGER NOT NULL CHECK (medical_fen >= 0),\n"
    "  education_fen INTEGER NOT NULL CHECK (education_fen >= 0),\n"
    "  housing_safe INTEGER NOT NULL CHECK (housing_safe = 0 OR housing_safe = 1),\n"
    "  water_safe INTEGER NOT NULL CHECK (water_safe = 0 OR water_safe = 1)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE members(\n"
    "  household_id TEXT NOT NULL REFERENCES households(id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  id TEXT NOT NULL UNIQUE,\n"
    "  name TEXT, idnumber TEXT,\n"
    "  relation TEXT NOT NULL CHECK (relation = 'head' OR relation = 'spouse' OR "
    "    relation = 'child' OR relation = 'parent' OR relation = 'grandchild' OR "
    "    relation = 'sibling' OR relation = 'other'),\n"
    "  birth TEXT NOT NULL,\n"
    "  sex TEXT NOT NULL CHECK (sex = 'M' OR sex = 'F'),\n"
    "  labor TEXT NOT NULL CHECK (labor = 'full' OR labor = 'partial' OR labor = 'none'),\n"
    "  employment TEXT NOT NULL CHECK (employment = 'local' OR employment = 'outside' OR "
    "    employment = 'unemployed' OR employment = 'none'),\n"
    "  school TEXT NOT NULL CHECK (school = 'none' OR school = 'preschool' OR school = 'primary' OR "
    "    school = 'junior' OR school = 'senior' OR school = 'vocational' OR "
    "    school = 'college'),\n"
    "  self_care TEXT NOT NULL CHECK (self_care = 'full' OR self_care = 'partial' OR "
    "    self_care = 'none'),\n"
    "  disability INTEGER NOT NULL CHECK (disability BETWEEN 0 AND 4),\n"
    "  disability_type TEXT NOT NULL CHECK (disability_type = 'none' OR "
    "    disability_type = 'physical' OR disability_type = 'visual' OR "
    "    disability_type = 'hearing' OR disability_type = 'speech' OR "
    "    disability_type = 'intellectual' OR disability_type = 'mental' OR "
    "    disability_type = 'multiple'),\n"
    "  serious_illness INTEGER NOT NULL CHECK (serious_illness = 0 OR serious_illness = 1),\n"
    "  pension_insured INTEGER NOT NULL CHECK (pension_insured = 0 OR pension_insured = 1),\n"
    "  medical_insured INTEGER NOT NULL CHECK (medical_insured = 0 OR medical_insured = 1),\n"
    "  medical_cost_fen INTEGER NOT NULL CHECK (medical_cost_fen >= 0),\n"
    "  supporter INTEGER NOT NULL CHECK (supporter = 0 OR supporter = 1),\n"
    "  PRIMARY KEY (household_id, seq)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE runs(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  started TEXT NOT NULL,\n"
    "  finished TEXT,\n"
    "  eval_date TEXT NOT NULL,\n"
    "  status TEXT NOT NULL CHECK (status = 'running' OR status = 'completed' OR "
    "    status = 'completed_with_errors' OR status = 'interrupted' OR status = 'failed'),\n"
    "  jobs INTEGER NOT NULL,\n"
    "  only_policies TEXT,\n"
    "  store_all INTEGER NOT NULL DEFAULT 0,\n"
    "  file_hashes TEXT NOT NULL,\n"
    "  parameters TEXT NOT NULL,\n"
    "  households INTEGER NOT NULL DEFAULT 0,\n"
    "  evaluations INTEGER NOT NULL DEFAULT 0,\n"
    "  errors INTEGER NOT NULL DEFAULT 0,\n"
    "  households_version INTEGER,\n"
    "  summary_recorded INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE TABLE run_policies(\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  policy TEXT NOT NULL,\n"
    "  title TEXT NOT NULL,\n"
    "  scope TEXT NOT NULL CHECK (scope = 'household' OR scope = 'member'),\n"
    "  evaluations INTEGER NOT NULL,\n"
    "  households_eligible INTEGER NOT NULL,\n"
    "  members_eligible INTEGER NOT NULL,\n"
    "  amount_fen INTEGER NOT NULL,\n"
    "  errors INTEGER NOT NULL,\n"
    "  params_read TEXT NOT NULL DEFAULT '',\n"
    "  PRIMARY KEY (run_id, seq)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE decisions(\n"
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
    "  household_id TEXT NOT NULL,\n"
    "  policy_seq INTEGER NOT NULL,\n"
    "  member_seq INTEGER NOT NULL,\n"
    "  policy TEXT NOT NULL,\n"
    "  member_id TEXT,\n"
    "  eligible INTEGER NOT NULL CHECK (eligible = 0 OR eligible = 1),\n"
    "  amount_fen INTEGER NOT NULL,\n"
    "  tier TEXT,\n"
    "  reasons TEXT NOT NULL,\n"
    "  details TEXT,\n"
    "  error TEXT,\n"
    "  PRIMARY KEY (run_id, household_id, policy_seq, member_seq)\n"
    ") WITHOUT ROWID;\n" RUN_SUMMARY_TABLES;

enum {
    ST_HOUSEHOLD_EXISTS, ST_MEMBER_EXISTS, ST_DELETE_HOUSEHOLD, ST_INSERT_HOUSEHOLD,
    ST_INSERT_MEMBER, ST_GET_HOUSEHOLD, ST_GET_MEMBERS, ST_RUN_CREATE, ST_RUN_FINISH,
    ST_RUN_POLICY, ST_DECISION, ST_RUN_READS, ST_RUN_TOWN, ST__N
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
    [ST_DECISION] = "INSERT INTO decisions(run_id, household_id, policy_seq, member_seq, policy, "
                    "member_id, eligible, amount_fen, tier, reasons, details, error) "
                    "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
};

struct bf_store {
    sqlite3 *db;
    char *path;
    bool created;              /* the file did not exist before this open */
    bool households_changed;   /* households written in the open transaction */
    sqlite3_stmt *stmt[ST__N];
    char err[1024];
};

struct bf_reader {
    bf_store *store;
    sqlite3_stmt *households;  /* WHERE id > ?1 ORDER BY id LIMIT ?2 */
    sqlite3_stmt *members;     /* WHERE household_id > ?1 AND household_id <= ?2 */
    int batch_size;            /* capacity of batch */
    int limit;                 /* households per batch now (≤ batch_size) */
    bf_household *bufs[2];     /* two batches, used in turn: one is read while the other is used */
    int turn;
    bf_household *batch;       /* the batch being filled (bufs[turn]) */
    char last_id[BF_ID_BYTES]; /* keyset pagination: the last id of the previous batch */
    bool done;
};

static int fail(bf_store *s, int code, const char *what)
{
    snprintf(s->err, sizeof s->err, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
    return code;
}

const char *bf_store_errmsg(const bf_store *s)
{
    return s->err;
}

const char *bf_store_path(const bf_store *s)
{
    return s->path;
}

sqlite3 *bf_store_db(bf_store *s)
{
    return s->db;
}

static int exec(bf_store *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(s->err, sizeof s->err, "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return BF_ESTORE;
    }
    return BF_OK;
}

/* Reads meta.schema_version; 0 when the database is empty (no tables at all). */
static int read_schema_version(bf_store *s, int *version)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return fail(s, rc == SQLITE_NOTADB ? BF_EVERSION : BF_ESTORE, "not a readable database");
    rc = sqlite3_step(st);
    int tables = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (tables < 0)
        return fail(s, rc == SQLITE_NOTADB ? BF_EVERSION : BF_ESTORE, "not a readable database");
    if (tables == 0) {
        *version = 0;
        return BF_OK;
    }
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                           NULL) != SQLITE_OK) {
        snprintf(s->err, sizeof s->err, "%s: not a bangfu database (no meta table)", s->path);
        return BF_EVERSION;
    }
    rc = sqlite3_step(st);
    *version = rc == SQLITE_ROW ? atoi((const char *)sqlite3_column_text(st, 0)) : -1;
    sqlite3_finalize(st);
    if (*version <= 0) {
        snprintf(s->err, sizeof s->err, "%s: not a bangfu database (no schema version)", s->path);
        return BF_EVERSION;
    }
    return BF_OK;
}

static int create_schema(bf_store *s)
{
    char sql[sizeof schema_sql + 200];
    snprintf(sql, sizeof sql,
             "BEGIN;\n%sINSERT INTO meta VALUES ('schema_version', '%d');\n"
             "INSERT INTO meta VALUES ('households_version', '0');\n"
             "INSERT INTO meta VALUES ('created_by', 'bangfu " BF_VERSION "');\nCOMMIT;",
             schema_sql, BF_STORE_SCHEMA_VERSION);
    int rc = exec(s, sql);
    if (rc != BF_OK)
        bf_store_rollback(s);
    return rc;
}

/* Version 1 -> 2: runs record the households' version they read (older runs have none, so
 * they no longer serve as a baseline). */
static int migrate_from_1(bf_store *s)
{
    int rc = exec(s, "BEGIN IMMEDIATE;\n"
                     "ALTER TABLE runs ADD COLUMN households_version INTEGER;\n"
                     "INSERT OR IGNORE INTO meta VALUES ('households_version', '0');\n"
                     "UPDATE meta SET value = '2' WHERE key = 'schema_version';\n"
                     "COMMIT;");
    if (rc != BF_OK)
        bf_store_rollback(s);
    return rc;
}

/* Version 2 -> 3: runs record their tally (tally.h); older runs have none. */
static int migrate_from_2(bf_store *s)
{
    int rc = exec(s, "BEGIN IMMEDIATE;\n"
                     "ALTER TABLE runs ADD COLUMN summary_recorded INTEGER NOT NULL DEFAULT 0;\n"
                     RUN_SUMMARY_TABLES
                     "UPDATE meta SET value = '3' WHERE key = 'schema_version';\n"
                     "COMMIT;");
    if (rc != BF_OK)
        bf_store_rollback(s);
    return rc;
}

static int prepare_all(bf_store *s)
{
    for (int i = 0; i < ST__N; i++)
        if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
                               NULL) != SQLITE_OK)
            return fail(s, BF_ESTORE, "preparing statements");
    return BF_OK;
}

static int open_store(const char *path, bool create, bf_store **out, char *err, size_t errlen)
{
    *out = NULL;
    struct stat sb;
    if (!create && stat(path, &sb) != 0) {
        snprintf(err, errlen, "%s: no such database (import households first)", path);
        return BF_ENOTFOUND;
    }
    bool existed = stat(path, &sb) == 0;
    bf_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        snprintf(err, errlen, "%s: out of memory", path);
        return BF_ENOMEM;
    }
    s->created = !existed;
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    int rc = BF_ESTORE;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        fail(s, BF_ESTORE, "cannot open");
        goto out;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
    int version = 0;
    if ((rc = read_schema_version(s, &version)) != BF_OK)
        goto out;
    if ((rc = exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                      "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;")) != BF_OK)
        goto out;
    if (version == 0) {
        if ((rc = create_schema(s)) != BF_OK)
            goto out;
    } else if (version == 1 || version == 2) {
        if ((version == 1 && (rc = migrate_from_1(s)) != BF_OK) || (rc = migrate_from_2(s)) != BF_OK)
            goto out;
    } else if (version != BF_STORE_SCHEMA_VERSION) {
        snprintf(s->err, sizeof s->err,
                 "%s: database schema version %d, this bangfu reads version %d (%s)", path,
                 version, BF_STORE_SCHEMA_VERSION,
                 version > BF_STORE_SCHEMA_VERSION ? "made by a newer bangfu" : "made by an older bangfu");
        rc = BF_EVERSION;
        goto out;
    }
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
    for (int i = 0; i < ST__N; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

int bf_store_bulk(bf_store *s, bool on)
{
    return exec(s, on ? "PRAGMA wal_autocheckpoint=16384"
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
    return exec(s, "BEGIN IMMEDIATE");
}

/* Counts the households' version up (see HOUSEHOLDS_VERSION). */
static int bump_households_version(bf_store *s)
{
    return exec(s, "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                   "WHERE key = 'households_version'");
}

/* Notes a write of households: counted at the commit, or now outside a transaction. */
static int households_written(bf_store *s)
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
    return exec(s, "COMMIT");
}

int bf_store_rollback(bf_store *s)
{
    s->households_changed = false;
    if (sqlite3_get_autocommit(s->db))
        return BF_OK;
    return exec(s, "ROLLBACK");
}

/* Runs a one-row existence query bound to one text parameter. */
static int exists_query(bf_store *s, int which, const char *id, bool *exists)
{
    sqlite3_stmt *st = s->stmt[which];
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding id");
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(s, BF_ESTORE, "looking up id");
    *exists = rc == SQLITE_ROW;
    return BF_OK;
}

int bf_store_household_exists(bf_store *s, const char *id, bool *exists)
{
    return exists_query(s, ST_HOUSEHOLD_EXISTS, id, exists);
}

int bf_store_member_exists(bf_store *s, const char *id, bool *exists)
{
    return exists_query(s, ST_MEMBER_EXISTS, id, exists);
}

int bf_store_delete_household(bf_store *s, const char *id)
{
    sqlite3_stmt *st = s->stmt[ST_DELETE_HOUSEHOLD];
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding id");
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? households_written(s) : fail(s, BF_ESTORE, "deleting household");
}

/* Binds a text column; an empty optional text is stored as NULL. */
static int bind_text(sqlite3_stmt *st, int col, const char *v, bool empty_is_null)
{
    if (empty_is_null && !*v)
        return sqlite3_bind_null(st, col);
    return sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC);
}

static int bind_household(sqlite3_stmt *st, const bf_household *h)
{
    int rc = bind_text(st, 1, h->id, false);
    rc |= bind_text(st, 2, h->town, false);
    rc |= bind_text(st, 3, h->village, false);
    rc |= bind_text(st, 4, bf_enum_name(BF_ENUM_STATUS, (int)h->status), false);
    rc |= bind_text(st, 5, bf_enum_name(BF_ENUM_MONITOR, (int)h->monitor), false);
    rc |= bind_text(st, 6, h->recorded, false);
    rc |= sqlite3_bind_int64(st, 7, h->wage);
    rc |= sqlite3_bind_int64(st, 8, h->business);
    rc |= sqlite3_bind_int64(st, 9, h->property);
    rc |= sqlite3_bind_int64(st, 10, h->transfer);
    rc |= sqlite3_bind_int64(st, 11, h->excluded);
    rc |= h->has_previous ? sqlite3_bind_int64(st, 12, h->previous) : sqlite3_bind_null(st, 12);
    rc |= sqlite3_bind_int64(st, 13, h->deposits);
    rc |= sqlite3_bind_int64(st, 14, h->vehicle);
    rc |= sqlite3_bind_int(st, 15, h->extra_houses);
    rc |= sqlite3_bind_int64(st, 16, h->medical);
    rc |= sqlite3_bind_int64(st, 17, h->education);
    rc |= sqlite3_bind_int(st, 18, h->housing_safe);
    rc |= sqlite3_bind_int(st, 19, h->water_safe);
    return rc;
}

static int bind_member(sqlite3_stmt *st, const bf_household *h, const bf_member *m, int seq,
                       char birth[BF_DATE_STRLEN])
{
    bf_date_format(m->birth, birth);
    int rc = sqlite3_bind_int(st, 1, seq);
    rc |= bind_text(st, 2, h->id, false);
    rc |= bind_text(st, 3, m->id, false);
    rc |= bind_text(st, 4, m->name, true);
    rc |= bind_text(st, 5, m->idnumber, true);
    rc |= bind_text(st, 6, bf_enum_name(BF_ENUM_RELATION, (int)m->relation), false);
    rc |= bind_text(st, 7, birth, false);
    rc |= bind_text(st, 8, bf_enum_name(BF_ENUM_SEX, (int)m->sex), false);
    rc |= bind_text(st, 9, bf_enum_name(BF_ENUM_LABOR, (int)m->labor), false);
    rc |= bind_text(st, 10, bf_enum_name(BF_ENUM_EMPLOYMENT, (int)m->employment), false);
    rc |= bind_text(st, 11, bf_enum_name(BF_ENUM_SCHOOL, (int)m->school), false);
    rc |= bind_text(st, 12, bf_enum_name(BF_ENUM_SELF_CARE, (int)m->self_care), false);
    rc |= sqlite3_bind_int(st, 13, m->disability);
    rc |= bind_text(st, 14, bf_enum_name(BF_ENUM_DISABILITY_TYPE, (int)m->disability_type), false);
    rc |= sqlite3_bind_int(st, 15, m->serious_illness);
    rc |= sqlite3_bind_int(st, 16, m->pension_insured);
    rc |= sqlite3_bind_int(st, 17, m->medical_insured);
    rc |= sqlite3_bind_int64(st, 18, m->medical_cost);
    rc |= sqlite3_bind_int(st, 19, m->supporter);
    return rc;
}

int bf_store_insert_household(bf_store *s, const bf_household *h)
{
    sqlite3_stmt *st = s->stmt[ST_INSERT_HOUSEHOLD];
    sqlite3_reset(st);
    if (bind_household(st, h) != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding household");
    if (sqlite3_step(st) != SQLITE_DONE) {
        char what[BF_ID_BYTES + 40];
        snprintf(what, sizeof what, "inserting household %s", h->id);
        sqlite3_reset(st);
        return fail(s, BF_ESTORE, what);
    }
    sqlite3_reset(st);
    st = s->stmt[ST_INSERT_MEMBER];
    for (int i = 0; i < h->n_members; i++) {
        char birth[BF_DATE_STRLEN];
        sqlite3_reset(st);
        if (bind_member(st, h, &h->members[i], i + 1, birth) != SQLITE_OK)
            return fail(s, BF_ESTORE, "binding member");
        if (sqlite3_step(st) != SQLITE_DONE) {
            char what[2 * BF_ID_BYTES + 60];
            snprintf(what, sizeof what, "inserting member %s of household %s",
                     h->members[i].id, h->id);
            sqlite3_reset(st);
            return fail(s, BF_ESTORE, what);
        }
    }
    sqlite3_reset(st);
    return households_written(s);
}

/* Steps a bound statement that returns no rows, then resets it. */
static int step_done(bf_store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? BF_OK : fail(s, BF_ESTORE, what);
}

/* Binds optional text: NULL stays NULL. */
static int bind_opt(sqlite3_stmt *st, int col, const char *v)
{
    return v ? sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, col);
}

int bf_store_run_create(bf_store *s, const bf_run_row *row, int64_t *run_id)
{
    sqlite3_stmt *st = s->stmt[ST_RUN_CREATE];
    sqlite3_reset(st);
    int rc = bind_opt(st, 1, row->started) | bind_opt(st, 2, row->eval_date) |
             sqlite3_bind_int(st, 3, row->jobs) | bind_opt(st, 4, row->only) |
             sqlite3_bind_int(st, 5, row->store_all) | bind_opt(st, 6, row->file_hashes) |
             bind_opt(st, 7, row->parameters);
    if (rc != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding the run");
    if ((rc = step_done(s, st, "recording the run")) != BF_OK)
        return rc;
    *run_id = sqlite3_last_insert_rowid(s->db);
    return BF_OK;
}

int bf_store_run_finish(bf_store *s, int64_t run_id, const char *status, const char *finished,
                        int64_t households, int64_t evaluations, int64_t errors)
{
    sqlite3_stmt *st = s->stmt[ST_RUN_FINISH];
    sqlite3_reset(st);
    if ((sqlite3_bind_int64(st, 1, run_id) | bind_opt(st, 2, status) | bind_opt(st, 3, finished) |
         sqlite3_bind_int64(st, 4, households) | sqlite3_bind_int64(st, 5, evaluations) |
         sqlite3_bind_int64(st, 6, errors)) != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding the run");
    return step_done(s, st, "finishing the run");
}

int bf_store_run_policy_insert(bf_store *s, int64_t run_id, const bf_run_policy_row *row)
{
    sqlite3_stmt *st = s->stmt[ST_RUN_POLICY];
    sqlite3_reset(st);
    if ((sqlite3_bind_int64(st, 1, run_id) | sqlite3_bind_int(st, 2, row->seq) |
         bind_opt(st, 3, row->policy) | bind_opt(st, 4, row->title) | bind_opt(st, 5, row->scope) |
         sqlite3_bind_int64(st, 6, row->evaluations) |
         sqlite3_bind_int64(st, 7, row->households_eligible) |
         sqlite3_bind_int64(st, 8, row->members_eligible) |
         sqlite3_bind_int64(st, 9, row->amount_fen) | sqlite3_bind_int64(st, 10, row->errors) |
         bind_opt(st, 11, row->params_read ? row->params_read : "[]")) != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding the run summary");
    return step_done(s, st, "recording the run summary");
}

int bf_store_decision_insert(bf_store *s, int64_t run_id, const bf_decision_row *row)
{
    sqlite3_stmt *st = s->stmt[ST_DECISION];
    sqlite3_reset(st);
    if ((sqlite3_bind_int64(st, 1, run_id) | bind_opt(st, 2, row->household_id) |
         sqlite3_bind_int(st, 3, row->policy_seq) | sqlite3_bind_int(st, 4, row->member_seq) |
         bind_opt(st, 5, row->policy) | bind_opt(st, 6, row->member_id) |
         sqlite3_bind_int(st, 7, row->eligible) | sqlite3_bind_int64(st, 8, row->amount_fen) |
         bind_opt(st, 9, row->tier) | bind_opt(st, 10, row->reasons ? row->reasons : "[]") |
         bind_opt(st, 11, row->details) | bind_opt(st, 12, row->error)) != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding a decision");
    return step_done(s, st, "recording a decision");
}

static char *column_dup(sqlite3_stmt *st, int col, bool *oom);

int bf_store_run_reads_insert(bf_store *s, int64_t run_id, const char *param, bool everyone,
                              const char *households)
{
    sqlite3_stmt *st = s->stmt[ST_RUN_READS];
    sqlite3_reset(st);
    if ((sqlite3_bind_int64(st, 1, run_id) | bind_opt(st, 2, param) | sqlite3_bind_int(st, 3, everyone) |
         bind_opt(st, 4, everyone || !households ? "" : households)) != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding the parameter reads");
    return step_done(s, st, "recording the parameter reads");
}

int bf_store_run_town_insert(bf_store *s, int64_t run_id, const bf_run_town_row *row)
{
    sqlite3_stmt *st = s->stmt[ST_RUN_TOWN];
    sqlite3_reset(st);
    if ((sqlite3_bind_int64(st, 1, run_id) | sqlite3_bind_int(st, 2, row->seq) |
         bind_opt(st, 3, row->town) | sqlite3_bind_int(st, 4, row->policy_seq) |
         sqlite3_bind_int64(st, 5, row->households) | sqlite3_bind_int64(st, 6, row->members) |
         sqlite3_bind_int64(st, 7, row->amount_fen)) != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding the town totals");
    return step_done(s, st, "recording the town totals");
}

int bf_store_run_summary_done(bf_store *s, int64_t run_id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "UPDATE runs SET summary_recorded = 1 WHERE id = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return fail(s, BF_ESTORE, "marking the run summary");
    int rc = sqlite3_bind_int64(st, 1, run_id) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return rc ? BF_OK : fail(s, BF_ESTORE, "marking the run summary");
}

int bf_store_run_summary_recorded(bf_store *s, int64_t run_id, bool *recorded)
{
    *recorded = false;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT summary_recorded FROM runs WHERE id = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return fail(s, BF_ESTORE, "reading the run summary");
    int rc = sqlite3_bind_int64(st, 1, run_id);
    int step = rc == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (step == SQLITE_ROW)
        *recorded = sqlite3_column_int(st, 0) != 0;
    sqlite3_finalize(st);
    return step == SQLITE_ROW || step == SQLITE_DONE ? BF_OK : fail(s, BF_ESTORE, "reading the run summary");
}

int bf_store_run_reads_get(bf_store *s, int64_t run_id, const char *param, bool *found,
                           bool *everyone, char **households)
{
    *found = *everyone = false;
    *households = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT everyone, households FROM run_param_reads "
                                  "WHERE run_id = ?1 AND param = ?2", -1, &st, NULL) != SQLITE_OK)
        return fail(s, BF_ESTORE, "reading the parameter reads");
    int step = (sqlite3_bind_int64(st, 1, run_id) | bind_opt(st, 2, param)) == SQLITE_OK
               ? sqlite3_step(st) : SQLITE_ERROR;
    bool oom = false;
    if (step == SQLITE_ROW) {
        *found = true;
        *everyone = sqlite3_column_int(st, 0) != 0;
        *households = column_dup(st, 1, &oom);
    }
    sqlite3_finalize(st);
    if (oom)
        return BF_ENOMEM;
    return step == SQLITE_ROW || step == SQLITE_DONE ? BF_OK : fail(s, BF_ESTORE, "reading the parameter reads");
}

int bf_store_run_towns_get(bf_store *s, int64_t run_id, bf_run_town_row **out, int *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT seq, town, policy_seq, households, members, amount_fen "
                                  "FROM run_towns WHERE run_id = ?1 ORDER BY seq, policy_seq",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(s, BF_ESTORE, "reading the town totals");
    int step = sqlite3_bind_int64(st, 1, run_id) == SQLITE_OK ? SQLITE_ROW : SQLITE_ERROR;
    bool oom = false;
    int count = 0, cap = 0;
    bf_run_town_row *rows = NULL;
    while (!oom && step == SQLITE_ROW && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? 2 * cap : 64;
            bf_run_town_row *grown = realloc(rows, sizeof *rows * (size_t)cap);
            if (!grown) {
                oom = true;
                break;
            }
            rows = grown;
        }
        bf_run_town_row *r = &rows[count++];
        r->seq = sqlite3_column_int(st, 0);
        r->town = column_dup(st, 1, &oom);
        r->policy_seq = sqlite3_column_int(st, 2);
        r->households = sqlite3_column_int64(st, 3);
        r->members = sqlite3_column_int64(st, 4);
        r->amount_fen = sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    if (oom || step != SQLITE_DONE) {
        bf_run_town_rows_free(rows, count);
        return oom ? BF_ENOMEM : fail(s, BF_ESTORE, "reading the town totals");
    }
    *out = rows;
    *n = count;
    return BF_OK;
}

void bf_run_town_rows_free(bf_run_town_row *rows, int n)
{
    for (int i = 0; rows && i < n; i++)
        free((char *)rows[i].town);
    free(rows);
}

/* The columns that make a run a valid baseline: same date, values, files, all policies, finished. */
#define BASELINE_WHERE "eval_date = ?1 AND parameters = ?2 AND file_hashes = ?3 " \
    "AND only_policies IS NULL AND status IN ('completed', 'completed_with_errors') " \
    "AND households_version = " HOUSEHOLDS_VERSION

int bf_store_find_baseline(bf_store *s, const char *eval_date, const char *parameters,
                           const char *file_hashes, int64_t *run_id)
{
    *run_id = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT max(id) FROM runs WHERE " BASELINE_WHERE, -1, &st,
                           NULL) != SQLITE_OK)
        return fail(s, BF_ESTORE, "looking for a baseline run");
    int rc = bind_opt(st, 1, eval_date) | bind_opt(st, 2, parameters) | bind_opt(st, 3, file_hashes);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        *run_id = sqlite3_column_int64(st, 0);
    else
        rc = SQLITE_ERROR;
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? BF_OK : fail(s, BF_ESTORE, "looking for a baseline run");
}

int bf_store_check_baseline(bf_store *s, int64_t run_id, const char *eval_date,
                            const char *parameters, const char *file_hashes)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT eval_date = ?1, parameters = ?2, file_hashes = ?3, "
                                  "only_policies IS NULL, status, households_version IS NOT NULL, "
                                  "households_version IS " HOUSEHOLDS_VERSION " FROM runs WHERE id = ?4",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(s, BF_ESTORE, "reading the baseline run");
    int rc = bind_opt(st, 1, eval_date) | bind_opt(st, 2, parameters) |
             bind_opt(st, 3, file_hashes) | sqlite3_bind_int64(st, 4, run_id);
    const char *why = NULL;
    if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
        why = "there is no such run";
    else if (!sqlite3_column_int(st, 0))
        why = "it was made for another date";
    else if (!sqlite3_column_int(st, 1))
        why = "its parameter values differ from the ones in force";
    else if (!sqlite3_column_int(st, 2))
        why = "a policy file or params.xml changed since";
    else if (!sqlite3_column_int(st, 3))
        why = "it evaluated only some policies (--only)";
    else if (strcmp((const char *)sqlite3_column_text(st, 4), "completed") != 0 &&
             strcmp((const char *)sqlite3_column_text(st, 4), "completed_with_errors") != 0)
        why = "it did not complete";
    else if (!sqlite3_column_int(st, 5))
        why = "it was made by an older bangfu, which did not record the households' version";
    else if (!sqlite3_column_int(st, 6))
        why = "households were imported or replaced since";
    if (why)
        snprintf(s->err, sizeof s->err, "run %lld cannot serve as the baseline: %s",
                 (long long)run_id, why);
    sqlite3_finalize(st);
    return why ? BF_EINPUT : BF_OK;
}

int bf_store_run_params_read(bf_store *s, int64_t run_id, int seq, char **json)
{
    *json = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT params_read FROM run_policies WHERE run_id = ?1 AND seq = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(s, BF_ESTORE, "reading a run's parameter reads");
    int rc = sqlite3_bind_int64(st, 1, run_id) | sqlite3_bind_int(st, 2, seq);
    const char *v = NULL;
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = (const char *)sqlite3_column_text(st, 0);
    *json = strdup(v ? v : "[]");
    sqlite3_finalize(st);
    return *json ? BF_OK : BF_ENOMEM;
}

struct bf_baseline_reader {
    bf_store *store;
    sqlite3_stmt *range;       /* households in (after, last] */
    sqlite3_stmt *one;         /* one household */
    sqlite3_stmt *st;          /* the one positioned last */
    int64_t run_id;
};

#define BASELINE_COLS "SELECT household_id, policy_seq, member_seq, eligible, amount_fen, tier, " \
    "error IS NOT NULL FROM decisions WHERE run_id = ?1 AND "

int bf_store_baseline_open(bf_store *s, int64_t run_id, bf_baseline_reader **out)
{
    *out = NULL;
    bf_baseline_reader *r = calloc(1, sizeof *r);
    if (!r)
        return BF_ENOMEM;
    r->store = s;
    r->run_id = run_id;
    if (sqlite3_prepare_v2(s->db, BASELINE_COLS "household_id > ?2 AND household_id <= ?3 "
                                  "ORDER BY household_id, policy_seq, member_seq",
                           -1, &r->range, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(s->db, BASELINE_COLS "household_id = ?2 ORDER BY policy_seq, member_seq",
                              -1, &r->one, NULL) != SQLITE_OK) {
        bf_baseline_close(r);
        return fail(s, BF_ESTORE, "preparing the decisions reader");
    }
    r->st = r->range;
    *out = r;
    return BF_OK;
}

int bf_baseline_range(bf_baseline_reader *r, const char *after_id, const char *last_id)
{
    r->st = r->range;
    sqlite3_reset(r->st);
    if ((sqlite3_bind_int64(r->st, 1, r->run_id) |
         sqlite3_bind_text(r->st, 2, after_id, -1, SQLITE_TRANSIENT) |
         sqlite3_bind_text(r->st, 3, last_id, -1, SQLITE_TRANSIENT)) != SQLITE_OK)
        return fail(r->store, BF_ESTORE, "binding the decisions reader");
    return BF_OK;
}

int bf_baseline_household(bf_baseline_reader *r, const char *id)
{
    r->st = r->one;
    sqlite3_reset(r->st);
    if ((sqlite3_bind_int64(r->st, 1, r->run_id) |
         sqlite3_bind_text(r->st, 2, id, -1, SQLITE_TRANSIENT)) != SQLITE_OK)
        return fail(r->store, BF_ESTORE, "binding the decisions reader");
    return BF_OK;
}

int bf_baseline_next(bf_baseline_reader *r, bf_baseline_decision *d, bool *got)
{
    int rc = sqlite3_step(r->st);
    *got = rc == SQLITE_ROW;
    if (rc == SQLITE_DONE)
        return BF_OK;
    if (rc != SQLITE_ROW)
        return fail(r->store, BF_ESTORE, "reading stored decisions");
    d->household_id = (const char *)sqlite3_column_text(r->st, 0);
    d->policy_seq = sqlite3_column_int(r->st, 1);
    d->member_seq = sqlite3_column_int(r->st, 2);
    d->eligible = sqlite3_column_int(r->st, 3) != 0;
    d->amount_fen = sqlite3_column_int64(r->st, 4);
    d->tier = (const char *)sqlite3_column_text(r->st, 5);
    d->failed = sqlite3_column_int(r->st, 6) != 0;
    return BF_OK;
}

void bf_baseline_close(bf_baseline_reader *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->range);
    sqlite3_finalize(r->one);
    free(r);
}

/* Copies a text column into a fixed buffer ("" for NULL); false if it does not fit. */
static bool column_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    size_t len = v ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (len >= size)
        return false;
    if (len)
        memcpy(dst, v, len);
    dst[len] = '\0';
    return true;
}

/* Parses an enum column; -1 (and an error message) if the stored text is not allowed. */
static int column_enum(bf_store *s, sqlite3_stmt *st, int col, bf_enum_kind kind, const char *id)
{
    const char *v = (const char *)sqlite3_column_text(st, col);
    int e = bf_enum_parse(kind, v);
    if (e < 0)
        snprintf(s->err, sizeof s->err, "%s: record %s: column %s holds '%s', expected %s",
                 s->path, id, sqlite3_column_name(st, col), v ? v : "NULL", bf_enum_allowed(kind));
    return e;
}

/* Fills a household (without members) from a row of HOUSEHOLD_COLS. */
static int fill_household(bf_store *s, sqlite3_stmt *st, bf_household *h)
{
    bf_household_reset(h);
    if (!column_text(st, 0, h->id, sizeof h->id) || !column_text(st, 1, h->town, sizeof h->town) ||
        !column_text(st, 2, h->village, sizeof h->village) ||
        !column_text(st, 5, h->recorded, sizeof h->recorded)) {
        snprintf(s->err, sizeof s->err, "%s: household row %s: text too long", s->path, h->id);
        return BF_ESTORE;
    }
    int status = column_enum(s, st, 3, BF_ENUM_STATUS, h->id);
    int monitor = column_enum(s, st, 4, BF_ENUM_MONITOR, h->id);
    if (status < 0 || monitor < 0)
        return BF_ESTORE;
    h->status = (bf_status)status;
    h->monitor = (bf_monitor)monitor;
    h->wage = sqlite3_column_int64(st, 6);
    h->business = sqlite3_column_int64(st, 7);
    h->property = sqlite3_column_int64(st, 8);
    h->transfer = sqlite3_column_int64(st, 9);
    h->excluded = sqlite3_column_int64(st, 10);
    h->has_previous = sqlite3_column_type(st, 11) != SQLITE_NULL;
    h->previous = h->has_previous ? sqlite3_column_int64(st, 11) : 0;
    h->deposits = sqlite3_column_int64(st, 12);
    h->vehicle = sqlite3_column_int64(st, 13);
    h->extra_houses = sqlite3_column_int(st, 14);
    h->medical = sqlite3_column_int64(st, 15);
    h->education = sqlite3_column_int64(st, 16);
    h->housing_safe = sqlite3_column_int(st, 17) != 0;
    h->water_safe = sqlite3_column_int(st, 18) != 0;
    return BF_OK;
}

/* Appends a member from a row of MEMBER_COLS to h. */
static int fill_member(bf_store *s, sqlite3_stmt *st, bf_household *h)
{
    bf_member *m = bf_household_add_member(h);
    if (!m) {
        snprintf(s->err, sizeof s->err, "%s: household %s: too many members or out of memory",
                 s->path, h->id);
        return BF_ENOMEM;
    }
    if (!column_text(st, 1, m->id, sizeof m->id) || !column_text(st, 2, m->name, sizeof m->name) ||
        !column_text(st, 3, m->idnumber, sizeof m->idnumber)) {
        snprintf(s->err, sizeof s->err, "%s: member row of household %s: text too long",
                 s->path, h->id);
        return BF_ESTORE;
    }
    int e[7] = {
        column_enum(s, st, 4, BF_ENUM_RELATION, m->id), column_enum(s, st, 6, BF_ENUM_SEX, m->id),
        column_enum(s, st, 7, BF_ENUM_LABOR, m->id), column_enum(s, st, 8, BF_ENUM_EMPLOYMENT, m->id),
        column_enum(s, st, 9, BF_ENUM_SCHOOL, m->id), column_enum(s, st, 10, BF_ENUM_SELF_CARE, m->id),
        column_enum(s, st, 12, BF_ENUM_DISABILITY_TYPE, m->id),
    };
    for (int i = 0; i < 7; i++)
        if (e[i] < 0)
            return BF_ESTORE;
    const char *birth = (const char *)sqlite3_column_text(st, 5);
    if (bf_date_parse(birth, &m->birth) != BF_OK) {
        snprintf(s->err, sizeof s->err, "%s: member %s: birth '%s' is not a date", s->path, m->id,
                 birth ? birth : "NULL");
        return BF_ESTORE;
    }
    m->relation = (bf_relation)e[0];
    m->sex = (bf_sex)e[1];
    m->labor = (bf_labor)e[2];
    m->employment = (bf_employment)e[3];
    m->school = (bf_school)e[4];
    m->self_care = (bf_self_care)e[5];
    m->disability_type = (bf_disability_type)e[6];
    m->disability = sqlite3_column_int(st, 11);
    m->serious_illness = sqlite3_column_int(st, 13) != 0;
    m->pension_insured = sqlite3_column_int(st, 14) != 0;
    m->medical_insured = sqlite3_column_int(st, 15) != 0;
    m->medical_cost = sqlite3_column_int64(st, 16);
    m->supporter = sqlite3_column_int(st, 17) != 0;
    return BF_OK;
}

int bf_store_get_household(bf_store *s, const char *id, bf_household *out)
{
    sqlite3_stmt *st = s->stmt[ST_GET_HOUSEHOLD];
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding id");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        snprintf(s->err, sizeof s->err, "%s: no household with id %s", s->path, id);
        return BF_ENOTFOUND;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return fail(s, BF_ESTORE, "reading household");
    }
    rc = fill_household(s, st, out);
    sqlite3_reset(st);
    if (rc != BF_OK)
        return rc;
    st = s->stmt[ST_GET_MEMBERS];
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding id");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = fill_member(s, st, out)) != BF_OK) {
            sqlite3_reset(st);
            return rc;
        }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? BF_OK : fail(s, BF_ESTORE, "reading members");
}

int bf_store_count(bf_store *s, int64_t *households, int64_t *members)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT (SELECT count(*) FROM households), "
                                  "(SELECT count(*) FROM members)", -1, &st, NULL) != SQLITE_OK)
        return fail(s, BF_ESTORE, "counting");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *households = sqlite3_column_int64(st, 0);
        *members = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? BF_OK : fail(s, BF_ESTORE, "counting");
}

int bf_store_reader_open(bf_store *s, int batch_size, bf_reader **out)
{
    *out = NULL;
    bf_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->bufs[0] = calloc((size_t)batch_size, sizeof *r->bufs[0])) ||
        !(r->bufs[1] = calloc((size_t)batch_size, sizeof *r->bufs[1]))) {
        if (r)
            free(r->bufs[0]);
        free(r);
        snprintf(s->err, sizeof s->err, "%s: out of memory", s->path);
        return BF_ENOMEM;
    }
    r->store = s;
    r->batch_size = batch_size;
    r->limit = batch_size;
    if (sqlite3_prepare_v2(s->db, "SELECT " HOUSEHOLD_COLS " FROM households WHERE id > ?1 "
                                  "ORDER BY id LIMIT ?2", -1, &r->households, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT " MEMBER_COLS " FROM members WHERE household_id > ?1 "
                                  "AND household_id <= ?2 ORDER BY household_id, seq", -1,
                           &r->members, NULL) != SQLITE_OK) {
        int rc = fail(s, BF_ESTORE, "preparing the reader");
        bf_reader_close(r);
        return rc;
    }
    *out = r;
    return BF_OK;
}

/* Reads up to batch_size households after last_id into the batch; sets *n. */
static int read_household_rows(bf_reader *r, int *n)
{
    bf_store *s = r->store;
    sqlite3_stmt *st = r->households;
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, r->last_id, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, r->limit) != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding the reader");
    int count = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        bf_household *h = &r->batch[count];
        h->n_members = 0;
        if ((rc = fill_household(s, st, h)) != BF_OK) {
            sqlite3_reset(st);
            return rc;
        }
        count++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail(s, BF_ESTORE, "reading households");
    *n = count;
    return BF_OK;
}

/* Reads the members of the batch in one query and hands each to its household (both sorted). */
static int read_member_rows(bf_reader *r, int n)
{
    bf_store *s = r->store;
    sqlite3_stmt *st = r->members;
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, r->last_id, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, r->batch[n - 1].id, -1, SQLITE_STATIC) != SQLITE_OK)
        return fail(s, BF_ESTORE, "binding the reader");
    int i = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *hid = (const char *)sqlite3_column_text(st, 0);
        while (i < n && strcmp(r->batch[i].id, hid) != 0)   /* same collation order as SQLite's BINARY */
            i++;
        if (i == n) {
            sqlite3_reset(st);
            snprintf(s->err, sizeof s->err, "%s: member row of unknown household %s", s->path, hid);
            return BF_ESTORE;
        }
        if ((rc = fill_member(s, st, &r->batch[i])) != BF_OK) {
            sqlite3_reset(st);
            return rc;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? BF_OK : fail(s, BF_ESTORE, "reading members");
}

int bf_reader_next(bf_reader *r, bf_household **batch, int *n)
{
    r->turn ^= 1;
    r->batch = r->bufs[r->turn];
    *batch = r->batch;
    *n = 0;
    if (r->done)
        return BF_OK;
    int count = 0;
    int rc = read_household_rows(r, &count);
    if (rc == BF_OK && count > 0)
        rc = read_member_rows(r, count);
    if (rc != BF_OK)
        return rc;
    if (count < r->limit)
        r->done = true;
    if (count > 0)
        memcpy(r->last_id, r->batch[count - 1].id, strlen(r->batch[count - 1].id) + 1);
    *n = count;
    return BF_OK;
}

void bf_reader_set_limit(bf_reader *r, int limit)
{
    r->limit = limit < 1 ? 1 : limit > r->batch_size ? r->batch_size : limit;
}

void bf_reader_close(bf_reader *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->households);
    sqlite3_finalize(r->members);
    for (int b = 0; b < 2; b++) {
        for (int i = 0; r->bufs[b] && i < r->batch_size; i++)
            bf_household_free(&r->bufs[b][i]);
        free(r->bufs[b]);
    }
    free(r);
}

/* ======================================================================== */
/* Reading runs back (review, export, reports)                              */
/* ======================================================================== */

/* A malloc'd copy of a text column, NULL for SQL NULL; *oom is set when the copy failed. */
static char *column_dup(sqlite3_stmt *st, int col, bool *oom)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return NULL;
    const char *v = (const char *)sqlite3_column_text(st, col);
    char *copy = v ? strdup(v) : NULL;
    if (!copy)
        *oom = true;
    return copy;
}

/* Prepares sql and binds run_id to ?1; NULL (with the message in s->err) on failure. */
static sqlite3_stmt *prepare_run_query(bf_store *s, const char *sql, int64_t run_id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fail(s, BF_ESTORE, "preparing a query of the runs");
        return NULL;
    }
    if (sqlite3_bind_int64(st, 1, run_id) != SQLITE_OK) {
        fail(s, BF_ESTORE, "binding the run id");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

int bf_store_run_get(bf_store *s, int64_t run_id, bf_stored_run *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = prepare_run_query(s, "SELECT id, started, finished, eval_date, status, "
        "only_policies, jobs, store_all, file_hashes, parameters, households, evaluations, errors "
        "FROM runs WHERE id = ?1", run_id);
    if (!st)
        return BF_ESTORE;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc == SQLITE_DONE) {
            snprintf(s->err, sizeof s->err, "%s: no run %lld", s->path, (long long)run_id);
            return BF_ENOTFOUND;
        }
        return fail(s, BF_ESTORE, "reading a run");
    }
    bool oom = false;
    out->id = sqlite3_column_int64(st, 0);
    out->started = column_dup(st, 1, &oom);
    out->finished = column_dup(st, 2, &oom);
    out->eval_date = column_dup(st, 3, &oom);
    out->status = column_dup(st, 4, &oom);
    out->only = column_dup(st, 5, &oom);
    out->jobs = sqlite3_column_int(st, 6);
    out->store_all = sqlite3_column_int(st, 7) != 0;
    out->file_hashes = column_dup(st, 8, &oom);
    out->parameters = column_dup(st, 9, &oom);
    out->households = sqlite3_column_int64(st, 10);
    out->evaluations = sqlite3_column_int64(st, 11);
    out->errors = sqlite3_column_int64(st, 12);
    sqlite3_finalize(st);
    if (oom || !out->started || !out->eval_date || !out->status || !out->file_hashes ||
        !out->parameters) {
        bf_stored_run_free(out);
        snprintf(s->err, sizeof s->err, "%s: reading run %lld: out of memory", s->path,
                 (long long)run_id);
        return BF_ENOMEM;
    }
    return BF_OK;
}

void bf_stored_run_free(bf_stored_run *r)
{
    free(r->started);
    free(r->finished);
    free(r->eval_date);
    free(r->status);
    free(r->only);
    free(r->file_hashes);
    free(r->parameters);
    memset(r, 0, sizeof *r);
}

int bf_store_run_latest_completed(bf_store *s, int64_t *run_id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT max(id) FROM runs WHERE status = 'completed' OR "
                                  "status = 'completed_with_errors'", -1, &st, NULL) != SQLITE_OK)
        return fail(s, BF_ESTORE, "looking for the latest completed run");
    int rc = sqlite3_step(st);
    bool found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (found)
        *run_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return fail(s, BF_ESTORE, "looking for the latest completed run");
    if (!found) {
        snprintf(s->err, sizeof s->err, "%s: no completed run (run `bangfu run` first)", s->path);
        return BF_ENOTFOUND;
    }
    return BF_OK;
}

int bf_store_run_policies(bf_store *s, int64_t run_id, bf_stored_policy **out, int *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prepare_run_query(s, "SELECT seq, policy, title, scope, evaluations, "
        "households_eligible, members_eligible, amount_fen, errors FROM run_policies "
        "WHERE run_id = ?1 ORDER BY seq", run_id);
    if (!st)
        return BF_ESTORE;
    int rc, count = 0;
    bool oom = false;
    bf_stored_policy *rows = NULL;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        bf_stored_policy *grown = realloc(rows, sizeof *rows * (size_t)(count + 1));
        if (!grown) {
            oom = true;
            break;
        }
        rows = grown;
        bf_stored_policy *p = &rows[count++];
        p->seq = sqlite3_column_int(st, 0);
        p->policy = column_dup(st, 1, &oom);
        p->title = column_dup(st, 2, &oom);
        p->scope = column_dup(st, 3, &oom);
        p->evaluations = sqlite3_column_int64(st, 4);
        p->households = sqlite3_column_int64(st, 5);
        p->members = sqlite3_column_int64(st, 6);
        p->amount_fen = sqlite3_column_int64(st, 7);
        p->errors = sqlite3_column_int64(st, 8);
    }
    sqlite3_finalize(st);
    if (oom || rc != SQLITE_DONE) {
        bf_stored_policies_free(rows, count);
        if (oom) {
            snprintf(s->err, sizeof s->err, "%s: reading the run's policies: out of memory", s->path);
            return BF_ENOMEM;
        }
        return fail(s, BF_ESTORE, "reading the run's policies");
    }
    *out = rows;
    *n = count;
    return BF_OK;
}

void bf_stored_policies_free(bf_stored_policy *p, int n)
{
    for (int i = 0; p && i < n; i++) {
        free(p[i].policy);
        free(p[i].title);
        free(p[i].scope);
    }
    free(p);
}

int bf_store_run_towns(bf_store *s, int64_t run_id, bf_town_total **out, int *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prepare_run_query(s, "SELECT coalesce(h.town, ''), "
        "count(DISTINCT d.household_id), sum(d.amount_fen) FROM decisions d "
        "LEFT JOIN households h ON h.id = d.household_id "
        "WHERE d.run_id = ?1 AND d.eligible = 1 GROUP BY 1 ORDER BY 1", run_id);
    if (!st)
        return BF_ESTORE;
    int rc, count = 0;
    bool oom = false;
    bf_town_total *rows = NULL;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        bf_town_total *grown = realloc(rows, sizeof *rows * (size_t)(count + 1));
        if (!grown) {
            oom = true;
            break;
        }
        rows = grown;
        bf_town_total *t = &rows[count++];
        t->town = column_dup(st, 0, &oom);
        t->households = sqlite3_column_int64(st, 1);
        t->amount_fen = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (oom || rc != SQLITE_DONE) {
        bf_town_totals_free(rows, count);
        if (oom) {
            snprintf(s->err, sizeof s->err, "%s: totalling towns: out of memory", s->path);
            return BF_ENOMEM;
        }
        return fail(s, BF_ESTORE, "totalling the run per town");
    }
    *out = rows;
    *n = count;
    return BF_OK;
}

void bf_town_totals_free(bf_town_total *t, int n)
{
    for (int i = 0; t && i < n; i++)
        free(t[i].town);
    free(t);
}

/* ---- the decision cursor ---- */

struct bf_decision_cursor {
    bf_store *store;
    sqlite3_stmt *st;
    bf_stored_decision d;
};

/* Text of a column, NULL for SQL NULL. */
static const char *column_opt(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL
                                                       : (const char *)sqlite3_column_text(st, col);
}

int bf_store_decisions_open(bf_store *s, int64_t run_id, bf_decision_cursor **out)
{
    *out = NULL;
    bf_decision_cursor *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(s->err, sizeof s->err, "%s: out of memory", s->path);
        return BF_ENOMEM;
    }
    c->store = s;
    c->st = prepare_run_query(s, "SELECT d.household_id, coalesce(h.town, ''), "
        "coalesce(h.village, ''), d.policy, coalesce(rp.title, d.policy), d.member_id, "
        "d.policy_seq, d.member_seq, d.eligible, d.amount_fen, d.tier, d.reasons, d.details, "
        "d.error FROM decisions d LEFT JOIN households h ON h.id = d.household_id "
        "LEFT JOIN run_policies rp ON rp.run_id = d.run_id AND rp.seq = d.policy_seq "
        "WHERE d.run_id = ?1 ORDER BY d.household_id, d.policy_seq, d.member_seq", run_id);
    if (!c->st) {
        free(c);
        return BF_ESTORE;
    }
    *out = c;
    return BF_OK;
}

int bf_decision_cursor_next(bf_decision_cursor *c, const bf_stored_decision **d)
{
    *d = NULL;
    int rc = sqlite3_step(c->st);
    if (rc == SQLITE_DONE)
        return BF_OK;
    if (rc != SQLITE_ROW)
        return fail(c->store, BF_ESTORE, "reading the run's decisions");
    sqlite3_stmt *st = c->st;
    bf_stored_decision *x = &c->d;
    x->household = (const char *)sqlite3_column_text(st, 0);
    x->town = (const char *)sqlite3_column_text(st, 1);
    x->village = (const char *)sqlite3_column_text(st, 2);
    x->policy = (const char *)sqlite3_column_text(st, 3);
    x->policy_title = (const char *)sqlite3_column_text(st, 4);
    x->member = column_opt(st, 5);
    x->policy_seq = sqlite3_column_int(st, 6);
    x->member_seq = sqlite3_column_int(st, 7);
    x->eligible = sqlite3_column_int(st, 8) != 0;
    x->amount_fen = sqlite3_column_int64(st, 9);
    x->tier = column_opt(st, 10);
    x->reasons = column_opt(st, 11);
    x->details = column_opt(st, 12);
    x->error = column_opt(st, 13);
    if (!x->household || !x->town || !x->village || !x->policy || !x->policy_title) {
        snprintf(c->store->err, sizeof c->store->err, "%s: reading a decision: out of memory",
                 c->store->path);
        return BF_ENOMEM;
    }
    *d = x;
    return BF_OK;
}

void bf_decision_cursor_close(bf_decision_cursor *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->st);
    free(c);
}

/* ---- the household cursor (review) ---- */

/* Where a decision's texts are in the cursor's arena (-1: NULL). */
typedef struct decision_offsets {
    long policy, title, member, tier, reasons, details, error;
} decision_offsets;

struct bf_household_cursor {
    bf_store *store;
    sqlite3_stmt *st;
    bool have_row;             /* the statement stands on the first row of the next household */
    bool done;
    bf_buf arena;              /* every text of the current household, NUL-separated */
    long id, town, village, monitor, recorded;
    decision_offsets *off;
    bf_stored_decision *d;
    int n, cap;
    bf_run_household h;
};

/* Appends a text column to the arena; its offset, or -1 for SQL NULL. */
static long arena_put(bf_buf *arena, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return -1;
    const char *v = (const char *)sqlite3_column_text(st, col);
    long at = (long)arena->len;
    bf_buf_add(arena, v ? v : "", v ? (size_t)sqlite3_column_bytes(st, col) : 0);
    bf_buf_add(arena, "", 1);
    return at;
}

static const char *arena_at(const bf_buf *arena, long off)
{
    return off < 0 ? NULL : arena->data + off;
}

int bf_store_run_households_open(bf_store *s, int64_t run_id, bf_household_cursor **out)
{
    *out = NULL;
    bf_household_cursor *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(s->err, sizeof s->err, "%s: out of memory", s->path);
        return BF_ENOMEM;
    }
    c->store = s;
    c->st = prepare_run_query(s, "SELECT h.id, h.town, h.village, h.monitor, h.recorded, "
        "d.policy_seq, d.member_seq, d.policy, coalesce(rp.title, d.policy), d.member_id, "
        "d.eligible, d.amount_fen, d.tier, d.reasons, d.details, d.error FROM households h "
        "LEFT JOIN decisions d ON d.run_id = ?1 AND d.household_id = h.id "
        "LEFT JOIN run_policies rp ON rp.run_id = ?1 AND rp.seq = d.policy_seq "
        "ORDER BY h.id, d.policy_seq, d.member_seq", run_id);
    if (!c->st) {
        free(c);
        return BF_ESTORE;
    }
    *out = c;
    return BF_OK;
}

/* Copies the decision of the current row (if the row has one) into the cursor. */
static bool take_decision_row(bf_household_cursor *c)
{
    sqlite3_stmt *st = c->st;
    if (sqlite3_column_type(st, 5) == SQLITE_NULL)
        return true;                        /* a household without stored decisions */
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 16;
        decision_offsets *off = realloc(c->off, sizeof *off * (size_t)cap);
        if (off)
            c->off = off;
        bf_stored_decision *d = realloc(c->d, sizeof *d * (size_t)cap);
        if (d)
            c->d = d;
        if (!off || !d)
            return false;
        c->cap = cap;
    }
    bf_stored_decision *d = &c->d[c->n];
    decision_offsets *o = &c->off[c->n++];
    d->policy_seq = sqlite3_column_int(st, 5);
    d->member_seq = sqlite3_column_int(st, 6);
    o->policy = arena_put(&c->arena, st, 7);
    o->title = arena_put(&c->arena, st, 8);
    o->member = arena_put(&c->arena, st, 9);
    d->eligible = sqlite3_column_int(st, 10) != 0;
    d->amount_fen = sqlite3_column_int64(st, 11);
    o->tier = arena_put(&c->arena, st, 12);
    o->reasons = arena_put(&c->arena, st, 13);
    o->details = arena_put(&c->arena, st, 14);
    o->error = arena_put(&c->arena, st, 15);
    return !c->arena.oom;
}

/* Points the household and its decisions into the arena (which no longer moves). */
static void fix_household_pointers(bf_household_cursor *c)
{
    const bf_buf *a = &c->arena;
    c->h.id = arena_at(a, c->id);
    c->h.town = arena_at(a, c->town);
    c->h.village = arena_at(a, c->village);
    c->h.monitor = arena_at(a, c->monitor);
    c->h.recorded = arena_at(a, c->recorded);
    for (int i = 0; i < c->n; i++) {
        bf_stored_decision *d = &c->d[i];
        const decision_offsets *o = &c->off[i];
        d->household = c->h.id;
        d->town = c->h.town;
        d->village = c->h.village;
        d->policy = arena_at(a, o->policy);
        d->policy_title = arena_at(a, o->title);
        d->member = arena_at(a, o->member);
        d->tier = arena_at(a, o->tier);
        d->reasons = arena_at(a, o->reasons);
        d->details = arena_at(a, o->details);
        d->error = arena_at(a, o->error);
    }
    c->h.decisions = c->d;
    c->h.n_decisions = c->n;
}

int bf_household_cursor_next(bf_household_cursor *c, const bf_run_household **h)
{
    *h = NULL;
    if (c->done)
        return BF_OK;
    int rc = SQLITE_ROW;
    if (!c->have_row)
        rc = sqlite3_step(c->st);
    c->have_row = false;
    if (rc == SQLITE_DONE) {
        c->done = true;
        return BF_OK;
    }
    if (rc != SQLITE_ROW)
        return fail(c->store, BF_ESTORE, "reading households and decisions");
    bf_buf_clear(&c->arena);
    c->n = 0;
    c->id = arena_put(&c->arena, c->st, 0);
    c->town = arena_put(&c->arena, c->st, 1);
    c->village = arena_put(&c->arena, c->st, 2);
    c->monitor = arena_put(&c->arena, c->st, 3);
    c->recorded = arena_put(&c->arena, c->st, 4);
    while (rc == SQLITE_ROW) {
        if (!take_decision_row(c) || c->arena.oom) {
            snprintf(c->store->err, sizeof c->store->err, "%s: reading a household's decisions: "
                     "out of memory", c->store->path);
            return BF_ENOMEM;
        }
        rc = sqlite3_step(c->st);
        if (rc == SQLITE_ROW) {
            const char *next = (const char *)sqlite3_column_text(c->st, 0);
            if (!next || strcmp(next, c->arena.data + c->id) != 0) {
                c->have_row = true;         /* the first row of the next household */
                break;
            }
        }
    }
    if (rc == SQLITE_DONE)
        c->done = true;
    else if (rc != SQLITE_ROW)
        return fail(c->store, BF_ESTORE, "reading households and decisions");
    fix_household_pointers(c);
    *h = &c->h;
    return BF_OK;
}

void bf_household_cursor_close(bf_household_cursor *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->st);
    bf_buf_free(&c->arena);
    free(c->off);
    free(c->d);
    free(c);
}
