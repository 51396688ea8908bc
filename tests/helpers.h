/* helpers.h — shared test utilities: temporary folders, running the bangfu binary and capturing its output, reading SQLite tables. */
#ifndef BF_TEST_HELPERS_H
#define BF_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "engine.h"
#include "errors.h"
#include "gen.h"
#include "household.h"
#include "params.h"
#include "sandbox.h"

/* helpers.c is linked into the test binary once (the Makefile links every tests/NAME.c). */
#define BF_TEST_API

/* The bangfu binary under test and the test data folder (absolute; set by the Makefile). */
#define BF_TEST_BANGFU BF_BUILD_DIR "/bangfu"
#define BF_TEST_DATA   BF_SOURCE_DIR "/tests/data"

/* ---- An engine on a test policy folder ---- */

/* A test's engine: its folder's parameters, resolved on one date, and the engine opened on them. */
typedef struct bf_test_engine {
    bf_params *params;
    bf_param_set set;
    bf_engine *engine;
    bf_errors errs;            /* up to 20 messages */
} bf_test_engine;

/* Loads cfg.policies_dir's params.xml, resolves it on date and opens the engine with cfg (its
 * params, sets and date filled in here); fails the test if a step fails. */
BF_TEST_API void bf_test_engine_open(bf_test_engine *f, bf_engine_config cfg, const char *date);
/* Closes the engine and frees what bf_test_engine_open loaded. */
BF_TEST_API void bf_test_engine_close(bf_test_engine *f);
/* Fills h as household id of town 乳城镇, village 中心村, with n members id-1, id-2, … born on
 * births[i] (YYYY-MM-DD); fails the test on a date that does not parse. */
BF_TEST_API void bf_test_household(bf_household *h, const char *id, const char *const *births, int n);
/* The decision of policy id for member (-1: the household) in r; fails the test when r has none. */
BF_TEST_API const bf_decision *bf_test_decision_of(const bf_engine *e, const bf_result *r,
                                                   const char *id, int member);

/* ---- Files and folders ---- */

/* Creates a new empty folder under $TMPDIR (or /tmp); returns its malloc'd path, NULL on error. */
BF_TEST_API char *bf_test_tmpdir(void);
/* Removes a folder and everything in it (or a single file). NULL is allowed. */
BF_TEST_API void bf_test_rmtree(const char *path);
/* The running test's own folder: bf_test_dir_setup (a suite's .init) makes it, failing the test
 * when it cannot; bf_test_dir_teardown (.fini) removes it with everything in it. */
BF_TEST_API extern char *bf_test_dir;
BF_TEST_API void bf_test_dir_setup(void);
BF_TEST_API void bf_test_dir_teardown(void);
/* dir + "/" + name, malloc'd. */
BF_TEST_API char *bf_test_path(const char *dir, const char *name);
/* The whole file as a NUL-terminated malloc'd buffer (*len, may be NULL, gets its size);
 * NULL when it cannot be read. */
BF_TEST_API char *bf_test_read_file(const char *path, size_t *len);
/* Writes text (len bytes; strlen when len is (size_t)-1) to path; 0 or -1. */
BF_TEST_API int bf_test_write_file(const char *path, const char *text, size_t len);
/* Copies a file; 0 or -1. */
BF_TEST_API int bf_test_copy_file(const char *from, const char *to);

/* ---- Households files ---- */

/* Writes household i (from 0) of a households file into f, with the ends of its lines. */
typedef void bf_test_household_writer(FILE *f, int i, void *user);
/* Writes the households file bf_test_dir/name: the XML declaration, then `before` (NULL: nothing;
 * e.g. a comment of many lines), then <households> on a line of its own, each(f, i, user) for
 * i = 0 … n - 1, and </households>; the test fails when it cannot. Returns its malloc'd path. */
BF_TEST_API char *bf_test_households_file(const char *name, const char *before, int n,
                                          bf_test_household_writer *each, void *user);
/* Writes one <member/> element (no line end) with id, birth, sex, relation "head" and plain
 * values of every other required attribute (full labour, no school, no disability…). */
BF_TEST_API void bf_test_member_xml(FILE *f, const char *id, const char *birth, const char *sex);

/* ---- Running the bangfu binary ---- */

typedef struct bf_test_run {
    int status;    /* exit status; 128 + signal number when killed by a signal; -1 not run */
    char *out;     /* everything written to stdout (NUL-terminated, never NULL after a run) */
    char *err;     /* everything written to stderr */
} bf_test_run;

/* Runs argv (argv[0] is the program path, NULL-terminated list) in folder cwd (NULL: the
 * current one) with stdin from /dev/null, captures both outputs, and waits at most
 * timeout_s seconds (then the program is killed: status 128 + SIGALRM). Returns r->status. */
BF_TEST_API int bf_test_run_argv(bf_test_run *r, const char *cwd, const char *const *argv, int timeout_s);
/* Runs the bangfu binary with the given arguments (NULL-terminated) in cwd (may be NULL),
 * with a 120 s limit. Returns the exit status. */
BF_TEST_API int bf_test_bangfu(bf_test_run *r, const char *cwd, ...) __attribute__((sentinel));
/* A new database bf_test_dir/name holding the sample county (households NULL) or `households`
 * generated households (`gen --seed seed`, gen's default seed when seed is NULL); returns its
 * malloc'd path. The test fails when it cannot be made. */
BF_TEST_API char *bf_test_county(const char *name, const char *households, const char *seed);
/* The locale (LC_ALL) the programs run by these helpers get, LANGUAGE unset: English unless
 * a test says otherwise, so that English output can be asserted whatever the caller's LANG. */
#define BF_TEST_ENGLISH "C.UTF-8"
#define BF_TEST_CHINESE "zh_CN.UTF-8"
BF_TEST_API extern const char *bf_test_locale;
/* bf_test_bangfu in the current folder under locale (BF_TEST_CHINESE, BF_TEST_ENGLISH). */
BF_TEST_API int bf_test_bangfu_in(bf_test_run *r, const char *locale, ...) __attribute__((sentinel));
/* A copy of the policies folder in bf_test_dir/name whose params.xml has its one occurrence of
 * `from` replaced by `to` (the test fails when from is not there once); its malloc'd path. */
BF_TEST_API char *bf_test_policies_with(const char *name, const char *from, const char *to);
/* Frees the captured outputs. */
BF_TEST_API void bf_test_run_free(bf_test_run *r);
/* Number of lines of text (a last line without newline counts). */
BF_TEST_API int bf_test_count_lines(const char *text);

/* ---- Messages ---- */

/* Where a test lets the library put its messages (each test runs in a process of its own). */
BF_TEST_API extern bf_errors bf_test_errs;
/* The latest message in bf_test_errs, "" when there is none. */
BF_TEST_API const char *bf_test_error(void);

/* ---- SQLite ---- */

/* Rows of a table (or any "FROM …" expression), -1 on error. */
BF_TEST_API long long bf_test_count_rows(const char *db, const char *table);
/* Rows of a table, or 0 when the database file does not exist: a failed import or gen into a
 * new database leaves none behind. */
BF_TEST_API long long bf_test_rows_or_none(const char *db, const char *table);
/* Runs a query and returns every row as "v1|v2|…\n" (NULL as "NULL"), malloc'd; NULL on error.
 * Used to compare a database's contents before and after. */
BF_TEST_API char *bf_test_query(const char *db, const char *sql);

/* SQL turning the decisions of a version 8 database back into the table of version 6 (its
 * definition copied from schema.c as it was), rows as the view shows them: for a test that
 * makes an older database out of a new one. */
#define BF_TEST_AS_VERSION_6_DECISIONS \
    "CREATE TABLE decisions_old(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, " \
    "household_id TEXT NOT NULL, policy_seq INTEGER NOT NULL, member_seq INTEGER NOT NULL, " \
    "policy TEXT NOT NULL, member_id TEXT, eligible INTEGER NOT NULL CHECK (eligible = 0 OR " \
    "eligible = 1), amount_fen INTEGER NOT NULL, tier TEXT, reasons TEXT NOT NULL, details TEXT, " \
    "error TEXT, PRIMARY KEY (run_id, household_id, policy_seq, member_seq)) WITHOUT ROWID;" \
    "INSERT INTO decisions_old SELECT * FROM decisions;" \
    "DROP VIEW decisions; DROP TABLE decision_rows; DROP TABLE decision_texts;" \
    "DROP TABLE run_policy_ids;" \
    "ALTER TABLE decisions_old RENAME TO decisions;"

/* ---- Households ---- */

/* NULL when a and b hold the same record (every field and member, source lines aside), else
 * "household H[, member M]: field: a != b" written into buf. */
BF_TEST_API const char *bf_test_household_diff(const bf_household *a, const bf_household *b,
                                               char *buf, size_t size);

/* Runs sql with ?1 bound to text in an in-memory SQLite (its JSON functions parse the text);
 * the first row as "a|b|…" (NULL as "NULL"), malloc'd. */
BF_TEST_API char *bf_test_json_sql(const char *text, const char *sql);
/* The same on database db (opened read-only), so that a command's output can be compared with
 * the tables it came from in one query. */
BF_TEST_API char *bf_test_db_json_sql(const char *db, const char *text, const char *sql);

/* ---- Sandboxes ---- */

/* A new sandbox whose require finds lib_dir's modules (named prefix + NAME.lua in messages),
 * with 32 MiB of memory, a budget of a million instructions and its watchdog running; the test
 * fails when it cannot be made. */
BF_TEST_API void bf_test_sandbox_open(const char *lib_dir, const char *prefix, bf_sandbox **sb,
                                      bf_watchdog **wd);
/* Stops the watchdog and frees the sandbox. */
BF_TEST_API void bf_test_sandbox_close(bf_sandbox *sb, bf_watchdog *wd);

/* ---- CSV (RFC 4180) ---- */

/* Records of a CSV text: rows[i][j] is field j of record i, cols[i] its number of fields. */
typedef struct bf_test_csv {
    char ***rows;
    int *cols;
    int n;
} bf_test_csv;
/* Parses text (after an optional UTF-8 BOM) into records; false on a malformed quote. strict:
 * records must end with CRLF and an unquoted field must not hold a quote (RFC 4180 to the
 * letter); otherwise LF endings and stray quotes pass. */
BF_TEST_API bool bf_test_csv_parse(const char *text, bf_test_csv *t, bool strict);
/* Frees what bf_test_csv_parse made. */
BF_TEST_API void bf_test_csv_free(bf_test_csv *t);

/* ---- The generator ---- */

/* The county the generator draws from, read from the repository's policies/ once (areas.xml,
 * and the dibao standard params.xml puts in force on BF_GEN_DATE); the test fails when it
 * cannot be read. */
BF_TEST_API const bf_gen_county *bf_test_gen_county(void);

#endif
