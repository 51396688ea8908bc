/* test_cli.c — the evaluating commands as a user runs them: check, test, lint, params. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    /* the value read (the override), its title and unit, the value in force instead of a date */
    cr_expect(strstr(r.out, "{\"name\":\"dibao.standard\",\"title\":\"农村低保标准\",\"value\":700,"
                            "\"unit\":\"yuan/person/month\",\"from\":null,\"in_force\":551,\"source\":"),
              "the override is what the script read: %s", r.out);
    cr_expect(strstr(r.out, "\"basis\":\"乳农组〔2021〕4号 三（三）\",\"department\":\"县民政局\""), "%s", r.out);
    cr_expect(strstr(r.out, "\"policy\":\"tekun\"") == NULL, "--only shows only dibao");
    bf_test_run_free(&r);
}

/* check --explain in text: each parameter with title, value, unit, the date its value took
 * effect (551 from 2021-01-01 in params.xml) and source; the policy's basis and department. */
Test(cli, check_explain_names_each_parameter_and_its_law)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "check", "H000000002", "--db", db, "--date",
                                   "2021-06-30", "--policies", POLICIES, "--explain", "--only", "dibao",
                                   NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "  依据：乳农组〔2021〕4号 三（三）；主管部门：县民政局\n"), "%s", r.out);
    cr_expect(strstr(r.out, "参数 农村低保标准（dibao.standard）= 551 yuan/person/month，2021-01-01 起施行；来源："),
              "%s", r.out);
    cr_expect(!strstr(r.out, "{\"dibao.standard\""), "no raw JSON: %s", r.out);
    bf_test_run_free(&r);
    /* and in English */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "check", "H000000002", "--db", db, "--date", "2021-06-30",
                                "--policies", POLICIES, "--explain", "--only", "dibao", NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "  basis: 乳农组〔2021〕4号 三（三）; department: 县民政局\n"), "%s", r.out);
    cr_expect(strstr(r.out, "parameter 农村低保标准 (dibao.standard) = 551 yuan/person/month, in force since "
                            "2021-01-01; source: "), "%s", r.out);
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

#define COVERAGE BF_SOURCE_DIR "/tests/data/policies/coverage"

/* A copy of the coverage policies folder in the test's folder, with branchy.lua replaced by
 * script (NULL: kept); returns the folder (malloc'd). */
static char *coverage_copy(const char *script)
{
    char *dir = bf_test_path(bf_test_dir, "pol");
    char *tests = bf_test_path(dir, "tests");
    cr_assert_eq(mkdir(dir, 0700), 0);
    cr_assert_eq(mkdir(tests, 0700), 0);
    char *to = bf_test_path(dir, "params.xml");
    cr_assert_eq(bf_test_copy_file(COVERAGE "/params.xml", to), 0);
    free(to);
    to = bf_test_path(tests, "branchy.xml");
    cr_assert_eq(bf_test_copy_file(COVERAGE "/tests/branchy.xml", to), 0);
    free(to);
    to = bf_test_path(dir, "branchy.lua");
    cr_assert_eq(script ? bf_test_write_file(to, script, (size_t)-1)
                        : bf_test_copy_file(COVERAGE "/branchy.lua", to), 0);
    free(to);
    free(tests);
    return dir;
}

static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* A script that does not load is reported once, with exit 2, not once per case. */
Test(cli, test_reports_a_script_that_does_not_load_once)
{
    char *dir = coverage_copy("return {\n  id = \"branchy\",\n  evaluate = function(h, p, ctx)\n"
                              "    return { eligible = false ) }\n  end,\n}\n");
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "test", dir, NULL), 2, "%s%s", r.out, r.err);
    cr_expect_eq(count_of(r.err, "branchy.lua:4:"), 1, "%s", r.err);
    cr_expect(!strstr(r.out, "FAIL"), "%s", r.out);
    bf_test_run_free(&r);
    free(dir);
}

/* branchy.lua has two returns; the one case (2 members, not more than 5) never reaches line 6,
 * and every other executable line runs. */
Test(cli, test_coverage_names_the_lines_never_run)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "test", COVERAGE, "--coverage", NULL), 0, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, "not run: " COVERAGE "/branchy.lua:6\n"), "%s", r.out);
    cr_expect_eq(count_of(r.out, "not run:"), 1, "%s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "test", COVERAGE, "--coverage", "--format", "json", NULL), 0);
    cr_expect(strstr(r.out, "\"missed\":[\"6\"]"), "%s", r.out);
    cr_expect(strstr(r.out, "\"passed\":1,\"failed\":0"), "%s", r.out);
    bf_test_run_free(&r);
}

/* The shipped cases run every shipped script's lines but at most 5% (issue 15). */
Test(cli, test_coverage_of_the_shipped_scripts)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "test", POLICIES, "--coverage", "--format", "json", NULL), 0);
    int scripts = 0;
    for (const char *p = r.out; (p = strstr(p, "\"percent\":")); p++, scripts++)
        cr_expect_geq(strtod(p + strlen("\"percent\":"), NULL), 95.0, "%.80s", p - 60);
    cr_expect_eq(scripts, 10, "%s", r.out);
    /* every line the VM's hook reported is a line the decoded bytecode holds an instruction for */
    cr_expect(strstr(r.out, "\"unexpected\":"), "%s", r.out);
    for (const char *p = r.out; (p = strstr(p, "\"unexpected\":")); p++)
        cr_expect_eq(atoi(p + strlen("\"unexpected\":")), 0, "%.120s", p - 80);
    bf_test_run_free(&r);
}

Test(cli, test_selects_files_policies_and_cases)
{
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "test", FAULTS, "--case", "doubles", NULL), 0, "%s", r.out);
    cr_expect(strstr(r.out, "1 passed, 0 failed\n"), "%s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "test", POLICIES "/tests/dibao.xml", "--policies", POLICIES,
                                "--policy", "tekun", NULL), 0, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, " passed, 0 failed\n") && !strstr(r.out, "208 passed"), "%s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "test", FAULTS, "--policy", "nope", NULL), 2);
    cr_expect(strstr(r.err, "no policy 'nope'"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "test", FAULTS, "--case", "no such case", NULL), 2);
    cr_expect(strstr(r.err, "no case matches"), "%s", r.err);
    bf_test_run_free(&r);
}

/* A member attribute given neither by the member nor by <defaults> is an error at its line. */
Test(cli, test_defaults_leave_no_attribute_unset)
{
    char *dir = coverage_copy(NULL);
    char *cases = bf_test_path(dir, "tests/branchy.xml");
    cr_assert_eq(bf_test_write_file(cases,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<cases xmlns=\"urn:bangfu:cases:1\" date=\"2021-06-30\">\n"
        "  <defaults><member labor=\"full\"/></defaults>\n"
        "  <case name=\"half a member\">\n"
        "    <household id=\"S1\" town=\"乳城镇\" village=\"中心村\">\n"
        "      <member id=\"S1-1\" relation=\"head\" birth=\"1980-05-01\"/>\n"
        "    </household>\n"
        "    <expect policy=\"branchy\" eligible=\"false\"/>\n"
        "  </case>\n"
        "</cases>\n", (size_t)-1), 0);
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "test", dir, NULL), 2);
    cr_expect(strstr(r.err, "branchy.xml:6") && strstr(r.err, "missing attribute 'sex'"), "%s", r.err);
    bf_test_run_free(&r);
    free(cases);
    free(dir);
}

Test(cli, lint_is_editor_friendly)
{
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "lint", POLICIES, NULL), 0, "%s", r.out);
    cr_expect(strstr(r.out, "10 policies, 68 parameters: no problems"), "%s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "lint", FAULTS, NULL), 1);
    cr_expect(strstr(r.out, "faults/unknown_param.lua:4: unknown parameter 'p.base.amuont': params.xml has no "
                            "such name; did you mean 'amount'?\n"),
              "%s", r.out);
    bf_test_run_free(&r);
}

/* params.xml: a value that the next date lowers is a warning naming both; a value out of the
 * declared range and a blank source are errors, each at its line. */
Test(cli, lint_checks_params_xml)
{
    char *dir = coverage_copy(NULL);
    char *params = bf_test_path(dir, "params.xml");
    cr_assert_eq(bf_test_write_file(params,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<parameters xmlns=\"urn:bangfu:parameters:1\">\n"
        "  <parameter name=\"big.members\" unit=\"persons\" kind=\"count\" title=\"大户人数\" source=\"test\">\n"
        "    <value from=\"2021-01-01\">5</value>\n"
        "    <value from=\"2022-01-01\">7</value>\n"
        "    <value from=\"2023-01-01\">6</value>\n"
        "  </parameter>\n"
        "  <parameter name=\"big.share\" unit=\"ratio\" kind=\"ratio\" title=\"比例\" source=\" \">\n"
        "    <value from=\"2021-01-01\">1.5</value>\n"
        "  </parameter>\n"
        "</parameters>\n", (size_t)-1), 0);
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "lint", dir, NULL), 1, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, "params.xml:5: warning: parameter big.members: the value from 2022-01-01 (7) "
                            "is higher than the later value from 2023-01-01 (6, line 6)"), "%s", r.out);
    cr_expect(strstr(r.out, "params.xml:9: parameter big.share: the value from 2021-01-01, 1.5, is out of "
                            "range: it must be from 0 to 1 (kind ratio)"), "%s", r.out);
    cr_expect(strstr(r.out, "params.xml:8: parameter big.share: its source is empty"), "%s", r.out);
    bf_test_run_free(&r);
    /* the warning alone does not fail lint */
    cr_assert_eq(bf_test_write_file(params,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<parameters xmlns=\"urn:bangfu:parameters:1\">\n"
        "  <parameter name=\"big.members\" unit=\"persons\" kind=\"count\" title=\"大户人数\" source=\"test\">\n"
        "    <value from=\"2022-01-01\">7</value>\n"
        "    <value from=\"2023-01-01\">6</value>\n"
        "  </parameter>\n"
        "</parameters>\n", (size_t)-1), 0);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "lint", dir, NULL), 0, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, "warning: parameter big.members") && strstr(r.out, "no problems"), "%s", r.out);
    bf_test_run_free(&r);
    free(params);
    free(dir);
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
                           "lint", "doc", "params", "areas", "plugins"};
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
