/* test_rerun.c — the re-run: a run that takes decisions over from the latest completed run gives,
 * decision for decision (reasons and details included), what a full run gives, with the same
 * totals and tally, and stores only the households it evaluated. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define POLICIES BF_SOURCE_DIR "/policies"

TestSuite(rerun, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown, .timeout = 300);

/* Runs bangfu run on db; returns its stdout (malloc'd). */
static char *run(const char *db, const char *date, const char *policies, bool full)
{
    bf_test_run r;
    int status = full ? bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", date, "--policies",
                                       policies, "--full", NULL)
                      : bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", date, "--policies",
                                       policies, NULL);
    cr_assert_eq(status, 0, "%s%s", r.out, r.err);
    char *out = strdup(r.out);
    bf_test_run_free(&r);
    return out;
}

/* The export of run id as CSV without its first column (the run id). */
static char *export_without_run(const char *db, const char *id)
{
    char *file = bf_test_path(bf_test_dir, "export.csv");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--run", id, "--format", "csv",
                                "--out", file, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *text = bf_test_read_file(file, NULL);
    cr_assert_not_null(text);
    char *out = malloc(strlen(text) + 1), *o = out;
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        char *comma = strchr(line, ',');
        char *from = comma && (!end || comma < end) ? comma + 1 : line;
        size_t n = end ? (size_t)(end - from) + 1 : strlen(from);
        memcpy(o, from, n);
        o += n;
        line = end ? end + 1 : line + strlen(line);
    }
    *o = '\0';
    free(text);
    free(file);
    return out;
}

/* Checks runs a (reusing) and b (full) record the same decisions, totals and tally. */
static void expect_same_runs(const char *db, const char *a, const char *b)
{
    char *ea = export_without_run(db, a), *eb = export_without_run(db, b);
    cr_expect(strlen(ea) > 1000, "decisions were exported");
    cr_expect(strcmp(ea, eb) == 0, "run %s and run %s export the same decisions", a, b);
    free(ea);
    free(eb);
    char sql[2048];
    snprintf(sql, sizeof sql,
        "WITH p AS (SELECT run_id r, seq, policy, evaluations, households_eligible, "
        "members_eligible, amount_fen, errors, params_read FROM run_policies), "
        "t AS (SELECT run_id r, town, policy_seq, households, members, amount_fen FROM run_towns), "
        "q AS (SELECT run_id r, param, everyone, households FROM run_param_reads) SELECT "
        "(SELECT count(*) FROM (SELECT seq, policy, evaluations, households_eligible, members_eligible, amount_fen, errors, params_read FROM p WHERE r = %s EXCEPT SELECT seq, policy, evaluations, households_eligible, members_eligible, amount_fen, errors, params_read FROM p WHERE r = %s)), "
        "(SELECT count(*) FROM (SELECT town, policy_seq, households, members, amount_fen FROM t WHERE r = %s EXCEPT SELECT town, policy_seq, households, members, amount_fen FROM t WHERE r = %s)), "
        "(SELECT count(*) FROM (SELECT town, policy_seq, households, members, amount_fen FROM t WHERE r = %s EXCEPT SELECT town, policy_seq, households, members, amount_fen FROM t WHERE r = %s)), "
        "(SELECT count(*) FROM (SELECT param, everyone, households FROM q WHERE r = %s EXCEPT SELECT param, everyone, households FROM q WHERE r = %s)), "
        "(SELECT count(*) FROM (SELECT param, everyone, households FROM q WHERE r = %s EXCEPT SELECT param, everyone, households FROM q WHERE r = %s)), "
        "(SELECT count(*) FROM run_policies WHERE run_id = %s), "
        "(SELECT households || ' ' || evaluations || ' ' || errors || ' ' || status FROM runs WHERE id = %s) = "
        "(SELECT households || ' ' || evaluations || ' ' || errors || ' ' || status FROM runs WHERE id = %s)",
        a, b, a, b, b, a, a, b, b, a, a, a, b);
    char *got = bf_test_query(db, sql);
    cr_expect_str_eq(got, "0|0|0|0|0|10|1\n", "the same totals per policy and town, the same "
                     "readers of each parameter, the same counts");
    free(got);
    bf_test_run test;
    cr_assert_eq(bf_test_bangfu(&test, NULL, "diff", a, b, "--db", db, "--format", "json", NULL),
                 0, "%s", test.err);
    got = bf_test_json_sql(test.out, "SELECT json_array_length(?1, '$.households')");
    cr_expect_str_eq(got, "0", "diff finds nothing between them");
    free(got);
    bf_test_run_free(&test);
}

/* The county of xml with every 25th household's wage set to 0.00 (when it was not 0 already),
 * written to bf_test_dir/changed.xml; *changed gets how many were changed. */
static char *with_wages_cut(const char *xml, int *changed)
{
    char *in = bf_test_read_file(xml, NULL);
    cr_assert_not_null(in);
    *changed = 0;
    int index = 0;
    for (char *h = in; (h = strstr(h, "<household id=\"")); h++, index++) {
        char *wage = strstr(h, "wage=\"") + strlen("wage=\"");
        char *end = strchr(wage, '"');
        if (index % 25 != 0 || strncmp(wage, "0.00\"", 5) == 0)
            continue;
        /* same length: blank the old value to zeros, keeping the text as long ("0000.00") */
        for (char *p = wage; p < end; p++)
            if (*p != '.')
                *p = '0';
        (*changed)++;
    }
    char *path = bf_test_path(bf_test_dir, "changed.xml");
    cr_assert_eq(bf_test_write_file(path, in, (size_t)-1), 0);
    free(in);
    return path;
}

Test(rerun, a_reusing_run_decides_as_a_full_run_and_stores_only_what_it_evaluated)
{
    char *xml = bf_test_path(bf_test_dir, "county.xml"), *db = bf_test_path(bf_test_dir, "c.db");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "gen", "--households", "600", "--seed", "11", "--out",
                                xml, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "import", xml, "--db", db, "--policies", POLICIES, NULL),
                 0, "%s", r.err);
    bf_test_run_free(&r);
    char *out = run(db, "2021-06-30", POLICIES, false);
    cr_expect(strstr(out, "evaluated every household: no earlier completed run"), "%s", out);
    free(out);
    int changed;
    char *edited = with_wages_cut(xml, &changed);
    cr_assert_gt(changed, 10);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "import", edited, "--db", db, "--replace", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    out = run(db, "2021-06-30", POLICIES, false);
    char want[200];
    snprintf(want, sizeof want, "took over the decisions of %d households from run 1 (unchanged "
             "since); evaluated %d\n", 600 - changed, changed);
    cr_expect(strstr(out, want), "%s", out);
    free(out);
    out = run(db, "2021-06-30", POLICIES, true);
    cr_expect(strstr(out, "took over") == NULL && strstr(out, "evaluated every household") == NULL,
              "--full evaluates everyone and says nothing of it: %s", out);
    free(out);
    expect_same_runs(db, "2", "3");
    /* the database grows with what changed: run 2 stored the decisions of the households it
     * evaluated, the same rows run 3 stored for them, and nothing for the others */
    char *got = bf_test_query(db, "SELECT (SELECT count(*) FROM decisions WHERE run_id = 2) = "
        "(SELECT count(*) FROM decisions WHERE run_id = 3 AND household_id IN (SELECT "
        "household_id FROM household_versions WHERE version = 2)), (SELECT count(DISTINCT "
        "household_id) FROM decisions WHERE run_id = 2), (SELECT reused_from || ' ' || reused "
        "FROM runs WHERE id = 2)");
    snprintf(want, sizeof want, "1|%d|1 %d\n", changed, 600 - changed);
    cr_expect_str_eq(got, want);
    free(got);
    free(edited);
    free(xml);
    free(db);
}

/* A copy of the policies in bf_test_dir/name with employment.training_subsidy 900 instead of
 * 1000 (a parameter only trainees read). */
static char *policies_with_subsidy(const char *name)
{
    return bf_test_policies_with(name, "<parameter name=\"employment.training_subsidy\" "
                                 "unit=\"yuan/year\" kind=\"money\" title=\"技能培训补贴\" "
                                 "source=\"sample\">\n    <value from=\"2020-01-01\">1000</value>",
                                 "<parameter name=\"employment.training_subsidy\" "
                                 "unit=\"yuan/year\" kind=\"money\" title=\"技能培训补贴\" "
                                 "source=\"sample\">\n    <value from=\"2020-01-01\">900</value>");
}

Test(rerun, a_changed_parameter_is_evaluated_again_for_the_households_that_read_it)
{
    char *db = bf_test_county("c.db", "800", "4");
    char *pol = policies_with_subsidy("pol");
    free(run(db, "2021-06-30", POLICIES, false));
    char *readers = bf_test_query(db, "SELECT everyone, households FROM run_param_reads WHERE "
                                      "run_id = 1 AND param = 'employment.training_subsidy'");
    cr_assert_not_null(readers);
    cr_assert(strncmp(readers, "0|", 2) == 0, "a few households read it: %s", readers);
    int n = bf_test_count_lines(readers) - 1;  /* the list ends with a newline, then the row's */
    cr_assert_gt(n, 0);
    char *out = run(db, "2021-06-30", pol, false);
    char want[200];
    snprintf(want, sizeof want, "from run 1 (unchanged since); evaluated %d\n", n);
    cr_expect(strstr(out, want), "%d readers: %s", n, out);
    free(out);
    free(run(db, "2021-06-30", pol, true));
    expect_same_runs(db, "2", "3");
    free(readers);
    free(pol);
    free(db);
}

Test(rerun, a_new_date_evaluates_the_households_whose_ages_change)
{
    char *db = bf_test_county("c.db", "500", "6");
    free(run(db, "2021-06-30", POLICIES, false));
    char *out = run(db, "2021-09-30", POLICIES, false);
    cr_expect(strstr(out, "from run 1 (unchanged since); evaluated "), "%s", out);
    free(out);
    free(run(db, "2021-09-30", POLICIES, true));
    expect_same_runs(db, "2", "3");
    free(db);
}

Test(rerun, a_run_that_did_not_complete_is_not_taken_over)
{
    char *db = bf_test_county("c.db", "200", "2");
    free(run(db, "2021-06-30", POLICIES, false));
    sqlite3 *h;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "UPDATE runs SET status = 'interrupted'", 0, 0, 0), SQLITE_OK);
    sqlite3_close(h);
    char *out = run(db, "2021-06-30", POLICIES, false);
    cr_expect(strstr(out, "evaluated every household: no earlier completed run"), "%s", out);
    free(out);
    char *got = bf_test_query(db, "SELECT count(*) FROM run_sources");
    cr_expect_str_eq(got, "0\n");
    free(got);
    free(db);
}
