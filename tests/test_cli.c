/* test_cli.c — the evaluating commands as a user runs them: check, test, lint, params. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

#define FAULTS BF_SOURCE_DIR "/tests/data/policies/faults"
#define POLICIES BF_SOURCE_DIR "/policies"

static char *db;

static void setup(void)
{
    bf_test_dir_setup();
    db = bf_test_county("c.db", "50", NULL);
}

static void teardown(void)
{
    bf_test_dir_teardown();
    free(db);
}

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 120);

Test(cli, check_json_has_every_decision_in_order)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "check", "H000000002", "--db", db, "--date", "2021-06-30",
                                "--policies", POLICIES, "--format", "json", NULL), 0, "%s", r.err);
    const char *head = "{\"household\":\"H000000002\",\"date\":\"2021-06-30\",\"decisions\":[\n";
    cr_expect(strncmp(r.out, head, strlen(head)) == 0, "%s", r.out);
    /* household-scope decisions carry member null; the first policy is tekun, per member */
    cr_expect(strstr(r.out, "{\"policy\":\"tekun\",\"member\":\"H000000002-1\",\"eligible\":"), "%s", r.out);
    cr_expect(strstr(r.out, "{\"policy\":\"dibao\",\"member\":null,\"eligible\":"), "%s", r.out);
    cr_expect(strstr(r.out, "\"reasons\":[\""), "every decision has reasons");
    cr_expect(!strstr(r.out, "\"error\""), "no error decisions");
    bf_test_run_free(&r);
}

Test(cli, check_explain_and_set)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "check", "H000000002", "--db", db, "--date", "2021-06-30",
                                "--policies", POLICIES, "--format", "json", "--explain",
                                "--set", "dibao.standard=700", "--only", "dibao", NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"dibao.standard\":700"), "the override is what the script read: %s", r.out);
    cr_expect(strstr(r.out, "\"policy\":\"tekun\"") == NULL, "--only shows only dibao");
    bf_test_run_free(&r);
}

Test(cli, check_bad_input_exits_2)
{
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "check", "NOPE", "--db", db, "--policies", POLICIES, NULL), 2);
    cr_expect(strstr(r.err, "no household with id NOPE"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "check", "H000000002", "--db", db, "--policies", POLICIES,
                                "--set", "dibao.standrd=600", NULL), 2);
    cr_expect(strstr(r.err, "unknown parameter 'dibao.standrd'"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "check", "H000000002", "--db", db, "--date", "2021-02-29", NULL), 2);
    cr_expect(strstr(r.err, "--date must be an existing date"), "%s", r.err);
    bf_test_run_free(&r);
}

Test(cli, test_reports_expected_and_actual)
{
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "test", FAULTS, NULL), 1);
    cr_expect(strstr(r.out, "1 passed, 1 failed\n"), "%s", r.out);
    cr_expect(strstr(r.out, "FAIL ") && strstr(r.out, "good.xml:") &&
              strstr(r.out, "expected eligible=true amount=301.00 tier=nil, got eligible=true amount=300.00 tier=ok"),
              "%s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "test", POLICIES, NULL), 0, "%s", r.out);
    cr_expect(strstr(r.out, " passed, 0 failed\n"), "%s", r.out);
    bf_test_run_free(&r);
}

Test(cli, lint_is_editor_friendly)
{
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "lint", POLICIES, NULL), 0, "%s", r.out);
    cr_expect(strstr(r.out, "10 policies, 68 parameters: no problems"), "%s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "lint", FAULTS, NULL), 1);
    cr_expect(strstr(r.out, "faults/unknown_param.lua:4: unknown parameter 'p.base.amuont' (not in params.xml)\n"),
              "%s", r.out);
    bf_test_run_free(&r);
}

Test(cli, params_lists_values_in_force)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "params", "--policies", POLICIES, "--date", "2022-01-01",
                                "--format", "json", NULL), 0);
    cr_expect(strstr(r.out, "{\"name\":\"dibao.standard\",\"value\":570,\"from\":\"2022-01-01\","), "%s", r.out);
    cr_expect(strstr(r.out, "{\"name\":\"pension.ratio_returned\",\"value\":1.0,"), "%s", r.out);
    bf_test_run_free(&r);
}

Test(cli, a_failed_import_into_a_new_database_leaves_no_file)
{
    char *fresh = bf_test_path(bf_test_dir, "fresh.db");
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "import", BF_SOURCE_DIR "/tests/data/households/negative-income.xml",
                                "--db", fresh, NULL), 2);
    bf_test_run_free(&r);
    cr_expect_neq(access(fresh, F_OK), 0, "no database file is left behind");
    char *wal = bf_test_path(bf_test_dir, "fresh.db-wal");
    cr_expect_neq(access(wal, F_OK), 0);
    /* an existing database is kept (and unchanged) when an import into it fails */
    cr_expect_eq(bf_test_bangfu(&r, NULL, "import", BF_SOURCE_DIR "/tests/data/households/negative-income.xml",
                                "--db", db, NULL), 2);
    bf_test_run_free(&r);
    cr_expect_eq(access(db, F_OK), 0);
    cr_expect_eq(bf_test_count_rows(db, "households"), 50);
    free(wal);
    free(fresh);
}

/* Every command's --help is its own usage text (each is defined beside its parser), and
 * `bangfu --help` lists every command. */
Test(cli, each_command_prints_its_own_usage)
{
    const char *names[] = {"import", "gen", "run", "simulate", "review", "export", "check", "test",
                           "lint", "params", "areas", "plugins"};
    bf_test_run all;
    cr_assert_eq(bf_test_bangfu(&all, NULL, "--help", NULL), 0, "%s", all.err);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        bf_test_run r;
        cr_expect_eq(bf_test_bangfu(&r, NULL, names[i], "--help", NULL), 0, "%s: %s", names[i], r.err);
        char head[64], listed[64];
        snprintf(head, sizeof head, "usage: bangfu %s ", names[i]);
        snprintf(listed, sizeof listed, "\n  %-10s ", names[i]);
        cr_expect(strncmp(r.out, head, strlen(head)) == 0, "%s --help:\n%s", names[i], r.out);
        cr_expect(strstr(all.out, listed), "%s is not listed:\n%s", names[i], all.out);
        bf_test_run_free(&r);
    }
    bf_test_run_free(&all);
}
