/* test_run.c — `bangfu run`: the stored run and decisions, errors, jobs, interruption, kills. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define FAULTS BF_SOURCE_DIR "/tests/data/policies/faults"
#define POLICIES BF_SOURCE_DIR "/policies"

TestSuite(run, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown, .timeout = 240);

Test(run, records_the_run_and_its_decisions)
{
    char *db = bf_test_county("c.db", "500", "3");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30",
                                "--policies", POLICIES, "--jobs", "2", NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "run 1 · date 2021-06-30 · 500 households · jobs 2"), "%s", r.out);
    cr_expect(strstr(r.out, "status: completed"), "%s", r.out);
    bf_test_run_free(&r);
    char *row = bf_test_query(db, "SELECT status, eval_date, households, errors, jobs, "
                                  "finished IS NOT NULL FROM runs");
    cr_expect_str_eq(row, "completed|2021-06-30|500|0|2|1\n");
    free(row);
    /* the audit record: a sha256 for each of the ten scripts, the four policies/lib modules and
     * params.xml, every parameter */
    row = bf_test_query(db, "SELECT (SELECT count(*) FROM json_each(file_hashes)), "
                            "(SELECT count(*) FROM json_each(parameters)), "
                            "json_extract(parameters, '$.\"dibao.standard\"') FROM runs");
    cr_expect_str_eq(row, "15|68|551\n");
    free(row);
    /* each hash is the SHA-256 of the file's bytes, as sha256sum computes it: a script, a module
     * of lib/ and params.xml */
    static const char *const files[] = {"dibao.lua", "lib/decision.lua", "params.xml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char cmd[512], sql[256], want[80] = "";
        snprintf(cmd, sizeof cmd, "sha256sum '%s/%s'", POLICIES, files[i]);
        FILE *p = popen(cmd, "r");
        cr_assert_not_null(p);
        cr_assert_eq(fscanf(p, "%64s", want), 1, "%s", cmd);
        pclose(p);
        strcat(want, "\n");
        snprintf(sql, sizeof sql, "SELECT json_extract(file_hashes, '$.\"%s\"') FROM runs", files[i]);
        row = bf_test_query(db, sql);
        cr_expect_str_eq(row, want, "%s", files[i]);
        free(row);
    }
    /* without --store-all the ineligible decisions kept are exactly those of policies the
     * household's records name (review needs their reasons), and they carry reasons */
    row = bf_test_query(db, "SELECT count(*), sum(reasons != '[]'), sum(' ' || h.recorded || ' ' "
                            "LIKE '% ' || d.policy || ' %') FROM decisions d JOIN households h "
                            "ON h.id = d.household_id WHERE d.eligible = 0");
    cr_assert_not_null(row);
    long n = -1, with_reasons = -1, recorded = -1;
    cr_assert_eq(sscanf(row, "%ld|%ld|%ld", &n, &with_reasons, &recorded), 3, "%s", row);
    cr_expect_gt(n, 0, "a generated county has recorded-but-not-eligible cases");
    cr_expect_eq(with_reasons, n);
    cr_expect_eq(recorded, n);
    free(row);
    row = bf_test_query(db, "SELECT count(*) FROM run_policies p WHERE amount_fen != "
                            "(SELECT coalesce(sum(amount_fen), 0) FROM decisions d "
                            " WHERE d.run_id = p.run_id AND d.policy = p.policy)");
    cr_expect_str_eq(row, "0\n", "per-policy totals equal the sum of stored decisions");
    free(row);
    row = bf_test_query(db, "SELECT params_read FROM run_policies WHERE policy = 'employment_support'");
    cr_expect(row && strstr(row, "employment.training_subsidy") && !strstr(row, "dibao.standard"),
              "%s", row);
    free(row);
    free(db);
}

Test(run, one_and_two_jobs_store_identical_decisions)
{
    char *db = bf_test_county("c.db", "2000", "3");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30",
                                "--policies", POLICIES, "--jobs", "1", "--store-all", NULL), 0);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30",
                                "--policies", POLICIES, "--jobs", "2", "--store-all", "--full",
                                NULL), 0);
    bf_test_run_free(&r);
    const char *cols = "household_id, policy_seq, member_seq, policy, member_id, eligible, "
                       "amount_fen, tier, reasons, details, error";
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT %s FROM decisions WHERE run_id = 1 "
                              "EXCEPT SELECT %s FROM decisions WHERE run_id = 2)", cols, cols);
    char *diff = bf_test_query(db, sql);
    cr_expect_str_eq(diff, "0\n");
    free(diff);
    char *counts = bf_test_query(db, "SELECT count(*) FROM decisions GROUP BY run_id");
    cr_expect(counts && strcmp(counts, "0\n") != 0);
    char *lines = strchr(counts, '\n');
    cr_expect(lines && strncmp(counts, lines + 1, (size_t)(lines - counts)) == 0, "%s", counts);
    free(counts);
    free(db);
}

Test(run, errors_are_counted_stored_and_reported)
{
    char *db = bf_test_county("c.db", "20", "3");
    bf_test_run r;
    int status = bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30",
                                "--policies", FAULTS, "--only", "good,raises,malformed",
                                "--jobs", "2", NULL);
    cr_expect_eq(status, 1, "errors give exit status 1");
    cr_expect(strstr(r.err, "40 evaluation errors"), "%s", r.err);
    cr_expect(strstr(r.err, "household H000000001: ") && strstr(r.err, "raises.lua:4: deliberate failure"),
              "%s", r.err);
    cr_expect(strstr(r.out, "status: completed, with evaluation errors\n"), "%s", r.out);
    bf_test_run_free(&r);
    char *row = bf_test_query(db, "SELECT status, errors FROM runs");
    cr_expect_str_eq(row, "completed_with_errors|40\n");
    free(row);
    row = bf_test_query(db, "SELECT policy, count(*) FROM decisions GROUP BY policy ORDER BY policy");
    cr_expect_str_eq(row, "good|20\nmalformed|20\nraises|20\n", "good decisions and every error stored");
    free(row);
    free(db);
}

/* Starts bangfu run in the background; returns its pid. */
static pid_t start_run(const char *db, const char *only)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execl(BF_TEST_BANGFU, "bangfu", "run", "--db", db, "--date", "2021-06-30", "--policies",
              FAULTS, "--only", only, "--jobs", "1", "--max-instructions", "200000", (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Waits until the run has stored at least one batch, or the time is up. */
static void wait_for_progress(const char *db, pid_t pid)
{
    for (int i = 0; i < 300; i++) {
        usleep(100000);
        char *n = bf_test_query(db, "SELECT count(*) FROM decisions");
        bool some = n && strcmp(n, "0\n") != 0;
        free(n);
        int st;
        cr_assert_eq(waitpid(pid, &st, WNOHANG), 0, "the run ended before it was stopped");
        if (some)
            return;
    }
    cr_assert_fail("the run stored nothing in 30 s");
}

Test(run, sigint_marks_the_run_interrupted_and_keeps_what_it_stored)
{
    char *db = bf_test_county("c.db", "5000", "3");
    pid_t pid = start_run(db, "good,loops");
    wait_for_progress(db, pid);
    kill(pid, SIGINT);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "exit status 1 after an interrupt");
    char *row = bf_test_query(db, "SELECT status, finished IS NOT NULL, households < 5000, "
                                  "households = (SELECT count(DISTINCT household_id) FROM decisions) "
                                  "FROM runs");
    cr_expect_str_eq(row, "interrupted|1|1|1\n", "interrupted, finished, partial, consistent");
    free(row);
    free(db);
}

Test(run, a_killed_run_never_looks_complete)
{
    char *db = bf_test_county("c.db", "5000", "3");
    pid_t pid = start_run(db, "good,loops");
    wait_for_progress(db, pid);
    kill(pid, SIGKILL);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    char *row = bf_test_query(db, "SELECT status, finished IS NULL FROM runs");
    cr_expect_str_eq(row, "running|1\n");
    free(row);
    row = bf_test_query(db, "PRAGMA integrity_check");
    cr_expect_str_eq(row, "ok\n");
    free(row);
    free(db);
}
