/* schema.c — the store's tables (version 8), creating them, and migrating older versions. */
#include "internal.h"
#include "i18n.h"
#include "bangfu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a run records besides its decisions, so that a simulation can take its baseline from
 * it without reading every household (version 3):
 *   run_param_reads  per parameter read in the run, the households whose evaluations read it
 *                    (ids one per line, in id order), or everyone = 1 when it was read so widely
 *                    that the run stopped listing (and cached it);
 *   run_towns        per town (in order of first appearance) and policy, the eligible
 *                    households, members and amount, as run_policies has them for the county;
 *                    policy_seq -1 counts all the town's households and members, -2 those
 *                    eligible for any policy with their amount (the run report's towns). */
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

/* The versions of each household (version 4): version 1 when first imported, one more each time
 * an import replaces it with different fields. households_version is meta.households_version
 * once the import that wrote it committed, so the version a run read is the latest one whose
 * households_version is at most the run's; changed lists the fields that changed (JSON array of
 * {member?, field, old, new}, ID numbers masked; NULL for a first version); record keeps the
 * record a later version replaced (JSON object of its fields, members' as "members/ID/field"),
 * NULL for the stored one. The history outlives the household, so no foreign key. */
#define HOUSEHOLD_VERSIONS_TABLE \
    "CREATE TABLE household_versions(\n" \
    "  household_id TEXT NOT NULL,\n" \
    "  version INTEGER NOT NULL CHECK (version >= 1),\n" \
    "  households_version INTEGER NOT NULL,\n" \
    "  imported TEXT,\n" \
    "  source TEXT,\n" \
    "  changed TEXT,\n" \
    "  record TEXT,\n" \
    "  PRIMARY KEY (household_id, version)\n" \
    ") WITHOUT ROWID;\n" \
    "CREATE INDEX household_versions_by_import ON household_versions(households_version);\n"

/* What a run took over from earlier runs (version 5): the households in [first_id, last_id]
 * (inclusive, id order) that run_id did not evaluate have the decisions source_run stored for
 * them (a run that evaluated them); runs.reused_from names the run it compared with and
 * runs.reused counts them. So a re-run stores only what it evaluated. */
#define RUN_SOURCES_TABLE \
    "CREATE TABLE run_sources(\n" \
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n" \
    "  first_id TEXT NOT NULL,\n" \
    "  last_id TEXT NOT NULL,\n" \
    "  source_run INTEGER NOT NULL REFERENCES runs(id),\n" \
    "  PRIMARY KEY (run_id, first_id)\n" \
    ") WITHOUT ROWID;\n"

/* Who looked at which household through bangfu serve (version 6): the UTC time, the user ("" on
 * loopback without users), the household, and how ("page" or "api"). Written by the server's
 * one writing connection; the history outlives the household, so no foreign key. */
#define HOUSEHOLD_VIEWS_TABLE \
    "CREATE TABLE household_views(\n" \
    "  id INTEGER PRIMARY KEY,\n" \
    "  viewed TEXT NOT NULL,\n" \
    "  user TEXT NOT NULL,\n" \
    "  household_id TEXT NOT NULL,\n" \
    "  via TEXT NOT NULL\n" \
    ");\n" \
    "CREATE INDEX household_views_by_household ON household_views(household_id, id);\n"

/* A run's decisions (version 8), stored lean; the view `decisions` shows them as one row each
 * with every column (run_id, household_id, policy_seq, member_seq, policy, member_id, eligible,
 * amount_fen, tier, reasons, details, error), as the table of that name held them up to version
 * 6, and every reader reads that view.
 *   decision_texts  what repeats across households: a decision's reasons (JSON array) and
 *                   details (JSON object, or NULL), once per run (id global, run_id its run: a
 *                   run's texts are deleted with its decisions). Two decisions of one run with
 *                   the same reasons and details share one row: "未在校就读" or a premium subsidy
 *                   of the same category is written once, not once per member (the writer keeps
 *                   the run's texts in memory, texts.c). Version 7 kept the policy's name in
 *                   each row: a run on 1,000,000 generated households added 402.6 MB with it,
 *                   394.9 MB without.
 *   run_policy_ids  the policy's name of each policy_seq of a run's decisions, written with the
 *                   first decision of that policy (run_policies, with the totals, is written
 *                   when the run ends: an abandoned run has none).
 *   decision_rows   per decision what is its own: the household, the policy's place in the run
 *                   (run_policies.seq), the member (0 for a household's decision, else its place,
 *                   with its id: NULL when the id is the household's id, '-' and the place, as
 *                   "S03-2", the usual form), eligibility, amount, tier, the error, the text's id. The
 *                   key is (run_id, household_id, policy_seq, member_seq) in a WITHOUT ROWID
 *                   table: one B-tree, in the order every reader reads. tier and error stay here
 *                   so that a simulation's baseline (baseline.c) reads only this table.
 * Measured on 20,000 generated households (run on 2021-06-30): 53,770 decisions had 19,723
 * different texts; the decisions took 902 bytes per household in version 6 and take what
 * README.md's store section says now. No foreign keys: bangfu deletes no run, it deletes the
 * decisions of a failed run itself (runs.c), and checking runs(id) for every decision cost 12% of
 * the insert (callgrind, 5,000 households); one from text_id would also need an index on it. */
#define DECISION_TEXTS_TABLE \
    "CREATE TABLE decision_texts(\n" \
    "  id INTEGER PRIMARY KEY,\n" \
    "  run_id INTEGER NOT NULL,\n" \
    "  reasons TEXT NOT NULL,\n" \
    "  details TEXT\n" \
    ");\n"
#define RUN_POLICY_IDS_TABLE \
    "CREATE TABLE run_policy_ids(\n" \
    "  run_id INTEGER NOT NULL,\n" \
    "  seq INTEGER NOT NULL,\n" \
    "  policy TEXT NOT NULL,\n" \
    "  PRIMARY KEY (run_id, seq)\n" \
    ") WITHOUT ROWID;\n"
/* The view decisions, the policy's name read from column `policy` of what `joins` add. */
#define DECISIONS_VIEW_OF(policy, joins) \
    "CREATE VIEW decisions AS SELECT r.run_id AS run_id, r.household_id AS household_id, " \
    "r.policy_seq AS policy_seq, r.member_seq AS member_seq, " policy " AS policy, " \
    DECISION_MEMBER_ID("r") " AS member_id, r.eligible AS eligible, r.amount_fen AS amount_fen, " \
    "r.tier AS tier, t.reasons AS reasons, t.details AS details, r.error AS error " \
    "FROM decision_rows r JOIN decision_texts t ON t.id = r.text_id" joins ";\n"
#define DECISIONS_VIEW DECISIONS_VIEW_OF("p.policy", " JOIN run_policy_ids p ON " \
    "p.run_id = r.run_id AND p.seq = r.policy_seq")
#define DECISION_ROWS_TABLE \
    "CREATE TABLE decision_rows(\n" \
    "  run_id INTEGER NOT NULL,\n" \
    "  household_id TEXT NOT NULL,\n" \
    "  policy_seq INTEGER NOT NULL,\n" \
    "  member_seq INTEGER NOT NULL,\n" \
    "  member_id TEXT,\n" \
    "  eligible INTEGER NOT NULL CHECK (eligible = 0 OR eligible = 1),\n" \
    "  amount_fen INTEGER NOT NULL,\n" \
    "  tier TEXT,\n" \
    "  error TEXT,\n" \
    "  text_id INTEGER NOT NULL,\n" \
    "  PRIMARY KEY (run_id, household_id, policy_seq, member_seq)\n" \
    ") WITHOUT ROWID;\n"
#define DECISION_TABLES \
    DECISION_TEXTS_TABLE RUN_POLICY_IDS_TABLE DECISION_ROWS_TABLE DECISIONS_VIEW

/* The decision tables as version 7 made them (each text with its policy's name), which the
 * migration from version 6 makes and the one from 7 turns into version 8's. */
#define DECISION_TABLES_7 \
    "CREATE TABLE decision_texts(\n" \
    "  id INTEGER PRIMARY KEY,\n" \
    "  run_id INTEGER NOT NULL,\n" \
    "  policy TEXT NOT NULL,\n" \
    "  reasons TEXT NOT NULL,\n" \
    "  details TEXT\n" \
    ");\n" \
    DECISION_ROWS_TABLE DECISIONS_VIEW_OF("t.policy", "")

/* Version 6 -> 7: the decisions table becomes decision_texts and decision_rows (above), each
 * run's texts once; an index finds each decision's text while they are copied. */
#define DECISIONS_FROM_6 \
    DECISION_TABLES_7 \
    "INSERT INTO decision_texts(run_id, policy, reasons, details) SELECT DISTINCT run_id, " \
    "policy, reasons, details FROM decisions_6 ORDER BY run_id;\n" \
    "CREATE INDEX decision_texts_copying ON decision_texts(run_id, policy, reasons, details);\n" \
    "INSERT INTO decision_rows(run_id, household_id, policy_seq, member_seq, member_id, " \
    "eligible, amount_fen, tier, error, text_id) SELECT d.run_id, d.household_id, d.policy_seq, " \
    "d.member_seq, CASE WHEN d.member_id = d.household_id || '-' || d.member_seq THEN NULL ELSE " \
    "d.member_id END, d.eligible, d.amount_fen, d.tier, d.error, t.id FROM decisions_6 d " \
    "JOIN decision_texts t ON t.run_id = d.run_id AND t.policy = d.policy AND " \
    "t.reasons = d.reasons AND t.details IS d.details ORDER BY d.run_id, d.household_id, " \
    "d.policy_seq, d.member_seq;\n" \
    "DROP INDEX decision_texts_copying;\n" \
    "DROP TABLE decisions_6;\n"

/* Version 7 -> 8: each text's policy name moves to run_policy_ids, once per policy of a run
 * (from any decision row: a run that ended has run_policies too, an abandoned one not); the
 * texts are copied without it (the view is made again: it reads the new table). */
#define DECISIONS_FROM_7 \
    "DROP VIEW decisions;\n" \
    RUN_POLICY_IDS_TABLE \
    "INSERT INTO run_policy_ids SELECT DISTINCT r.run_id, r.policy_seq, t.policy " \
    "FROM decision_rows r JOIN decision_texts t ON t.id = r.text_id ORDER BY 1, 2;\n" \
    "ALTER TABLE decision_texts RENAME TO decision_texts_7;\n" \
    DECISION_TEXTS_TABLE \
    "INSERT INTO decision_texts SELECT id, run_id, reasons, details FROM decision_texts_7 " \
    "ORDER BY id;\n" \
    "DROP TABLE decision_texts_7;\n" \
    DECISIONS_VIEW

/* The schema (version 8). Runs and decisions are written by the engine (run.c). */
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
    "  summary_recorded INTEGER NOT NULL DEFAULT 0,\n"
    "  reused_from INTEGER,\n"
    "  reused INTEGER NOT NULL DEFAULT 0\n"
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
    DECISION_TABLES RUN_SUMMARY_TABLES HOUSEHOLD_VERSIONS_TABLE RUN_SOURCES_TABLE
    HOUSEHOLD_VIEWS_TABLE;

/* No tables at all is version 0 (an empty database). */
int bf__store_schema_version(bf_store *s, int *version, bf_errors *errs)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return bf__store_fail(s, rc == SQLITE_NOTADB ? BF_EVERSION : BF_ESTORE,
                              "not a readable database", errs);
    rc = sqlite3_step(st);
    int tables = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (tables < 0)
        return bf__store_fail(s, rc == SQLITE_NOTADB ? BF_EVERSION : BF_ESTORE,
                              "not a readable database", errs);
    if (tables == 0) {
        *version = 0;
        return BF_OK;
    }
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                           NULL) != SQLITE_OK) {
        bf_errors_add(errs, _("%s: not a bangfu database (no meta table)"), s->path);
        return BF_EVERSION;
    }
    rc = sqlite3_step(st);
    *version = rc == SQLITE_ROW ? atoi((const char *)sqlite3_column_text(st, 0)) : -1;
    sqlite3_finalize(st);
    if (*version <= 0) {
        bf_errors_add(errs, _("%s: not a bangfu database (no schema version)"), s->path);
        return BF_EVERSION;
    }
    return BF_OK;
}

static int create_schema(bf_store *s, bf_errors *errs)
{
    char sql[sizeof schema_sql + 200];
    snprintf(sql, sizeof sql,
             "BEGIN;\n%sINSERT INTO meta VALUES ('schema_version', '%d');\n"
             "INSERT INTO meta VALUES ('households_version', '0');\n"
             "INSERT INTO meta VALUES ('created_by', 'bangfu " BF_VERSION "');\nCOMMIT;",
             schema_sql, BF_STORE_SCHEMA_VERSION);
    int rc = bf__store_exec(s, sql, errs);
    if (rc != BF_OK)
        bf_store_rollback(s, errs);
    return rc;
}

/* What migrates version v to v + 1: migrations[v], run in one transaction that also sets the
 * new version. */
static const char *const migrations[] = {
    /* 1 -> 2: runs record the households' version they read (older runs have none, so they no
     * longer serve as a baseline). */
    [1] = "ALTER TABLE runs ADD COLUMN households_version INTEGER;\n"
          "INSERT OR IGNORE INTO meta VALUES ('households_version', '0');\n",
    /* 2 -> 3: runs record their tally (tally.h); older runs have none. */
    [2] = "ALTER TABLE runs ADD COLUMN summary_recorded INTEGER NOT NULL DEFAULT 0;\n"
          RUN_SUMMARY_TABLES,
    /* 3 -> 4: households have versions; every stored household becomes version 1, of no known
     * import time or file, read by every run made before. */
    [3] = HOUSEHOLD_VERSIONS_TABLE
          "INSERT INTO household_versions(household_id, version, households_version) "
          "SELECT id, 1, 0 FROM households;\n",
    /* 4 -> 5: a run may take decisions over from earlier runs (run_sources). */
    [4] = RUN_SOURCES_TABLE
          "ALTER TABLE runs ADD COLUMN reused_from INTEGER;\n"
          "ALTER TABLE runs ADD COLUMN reused INTEGER NOT NULL DEFAULT 0;\n",
    /* 5 -> 6: who looked at which household (household_views). */
    [5] = HOUSEHOLD_VIEWS_TABLE,
    /* 6 -> 7: lean decisions, each run's texts once (DECISION_TABLES). */
    [6] = "ALTER TABLE decisions RENAME TO decisions_6;\n" DECISIONS_FROM_6,
    /* 7 -> 8: the policy's name once per policy of a run, not in every text. */
    [7] = DECISIONS_FROM_7,
};

/* Migrates version `from` (1 to BF_STORE_SCHEMA_VERSION - 1) one version up. */
static int migrate(bf_store *s, int from, bf_errors *errs)
{
    size_t len = strlen(migrations[from]) + 200;
    char *sql = malloc(len);
    if (!sql)
        return bf__store_error(s, BF_ENOMEM, "migrating the database: out of memory", errs);
    snprintf(sql, len, "BEGIN IMMEDIATE;\n%sUPDATE meta SET value = '%d' WHERE key = "
             "'schema_version';\nCOMMIT;", migrations[from], from + 1);
    int rc = bf__store_exec_upgrading(s, sql, from + 1, errs);
    free(sql);
    if (rc != BF_OK)
        bf_store_rollback(s, errs);
    return rc;
}

int bf__store_schema_upgrade(bf_store *s, int version, bf_errors *errs)
{
    if (version == 0)
        return create_schema(s, errs);
    int rc = BF_OK;
    for (int v = version; rc == BF_OK && v >= 1 && v < BF_STORE_SCHEMA_VERSION; v++)
        rc = migrate(s, v, errs);
    if (rc == BF_OK && version >= 1 && version < BF_STORE_SCHEMA_VERSION)
        bf__store_note_free_space(s, BF_STORE_SCHEMA_VERSION);
    if (rc != BF_OK || (version >= 1 && version < BF_STORE_SCHEMA_VERSION))
        return rc;
    if (version != BF_STORE_SCHEMA_VERSION) {
        bf_errors_add(errs,
                 _("%s: database schema version %d, this bangfu reads version %d (%s)"), s->path,
                 version, BF_STORE_SCHEMA_VERSION,
                 version > BF_STORE_SCHEMA_VERSION ? "made by a newer bangfu" : "made by an older bangfu");
        return BF_EVERSION;
    }
    return BF_OK;
}
