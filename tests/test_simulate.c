/* test_simulate.c — simulate's totals against evaluating each household the way `check --set`
 * does, the incremental rule, scenario files, and bad input. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "engine.h"
#include "helpers.h"
#include "params.h"
#include "store.h"

#define POLICIES BF_SOURCE_DIR "/policies"

static char *db;

static void setup(void)
{
    bf_test_dir_setup();
    db = bf_test_county("c.db", "2000", "11");
}

static void teardown(void)
{
    bf_test_dir_teardown();
    free(db);
}

TestSuite(simulate, .init = setup, .fini = teardown, .timeout = 300);

typedef struct totals {
    long long households, members, fen;
} totals;

/* Reads {"households":H,"members":M,"amount":A} after `key` inside the policy's object. */
static totals json_totals(const char *json, const char *policy, const char *key)
{
    char needle[128];
    snprintf(needle, sizeof needle, "{\"policy\":\"%s\",\"reevaluated\":", policy);
    const char *p = strstr(json, needle);
    cr_assert_not_null(p, "no %s in %s", policy, json);
    snprintf(needle, sizeof needle, "\"%s\":{\"households\":", key);
    p = strstr(p, needle);
    cr_assert_not_null(p);
    totals t;
    double amount;
    cr_assert_eq(sscanf(p + strlen(needle), "%lld,\"members\":%lld,\"amount\":%lf", &t.households,
                        &t.members, &amount), 3);
    t.fen = llround(amount * 100);
    return t;
}

static bool reevaluated(const char *json, const char *policy)
{
    char needle[128];
    snprintf(needle, sizeof needle, "{\"policy\":\"%s\",\"reevaluated\":true", policy);
    return strstr(json, needle) != NULL;
}

/* Evaluates every stored household the way `check --set …` does: a single-set engine with the
 * overrides, one household at a time. */
typedef struct checker {
    bf_errors errs;
    bf_params *ps;
    bf_param_set set;
    bf_engine *e;
    bf_store *store;
    bf_reader *reader;
    bf_result r;
} checker;

static void checker_open(checker *c, const bf_override *ov, int n_ov)
{
    memset(c, 0, sizeof *c);
    bf_errors_init(&c->errs, 10);
    cr_assert_eq(bf_params_load(POLICIES "/params.xml", &c->ps, &c->errs), BF_OK);
    bf_date date;
    bf_date_parse("2021-06-30", &date);
    cr_assert_eq(bf_params_resolve(c->ps, date, ov, n_ov, &c->set, &c->errs), BF_OK);
    bf_engine_config cfg = {.policies_dir = POLICIES, .params = c->ps, .sets = &c->set, .n_sets = 1,
                            .date = date, .jobs = 1, .text = BF_TEXT_ALL};
    cr_assert_eq(bf_engine_open(&cfg, &c->e, &c->errs), BF_OK);
    cr_assert_eq(bf_store_open_existing(db, &c->store, &bf_test_errs), BF_OK, "%s",
                 bf_test_error());
    cr_assert_eq(bf_store_reader_open(c->store, 1, &c->reader, NULL), BF_OK);
}

/* The next household, its decisions in c->r; NULL after the last. */
static const bf_household *checker_next(checker *c)
{
    bf_household *h;
    int n;
    if (bf_reader_next(c->reader, &h, &n, NULL) != BF_OK || n != 1)
        return NULL;
    bf_engine_evaluate(c->e, h, 1, 0, &c->r);
    return h;
}

static void checker_close(checker *c)
{
    bf_result_free(&c->r);
    bf_reader_close(c->reader);
    bf_store_close(c->store);
    bf_engine_close(c->e);
    bf_param_set_free(&c->set);
    bf_params_free(c->ps);
    bf_errors_free(&c->errs);
}

/* What `check --set …` gives, household by household, summed per policy. */
static void check_totals(const bf_override *ov, int n_ov, totals *out, int n_pol_expected)
{
    checker c;
    checker_open(&c, ov, n_ov);
    int n_pol;
    const bf_policy *pol = bf_engine_policies(c.e, &n_pol);
    cr_assert_eq(n_pol, n_pol_expected);
    for (const bf_household *h; (h = checker_next(&c));) {
        bool counted[64] = {false};
        for (int i = 0; i < c.r.n; i++) {
            const bf_decision *d = &c.r.d[i];
            if (!d->eligible)
                continue;
            out[d->policy].fen += d->amount;
            out[d->policy].members += pol[d->policy].scope == BF_SCOPE_HOUSEHOLD ? h->n_members : 1;
            if (!counted[d->policy]) {
                counted[d->policy] = true;
                out[d->policy].households++;
            }
        }
    }
    checker_close(&c);
}

/* One household as `check --set` sees it: its total yearly amount over every policy. */
typedef struct hh_total {
    char id[BF_ID_BYTES], town[BF_NAME_BYTES], village[BF_NAME_BYTES];
    long long fen;
} hh_total;

/* What `check` gives for every household (in id order), with the overrides: its eligible
 * amounts summed. Returns the number of households. */
static int check_household_totals(const bf_override *ov, int n_ov, hh_total **out)
{
    checker c;
    checker_open(&c, ov, n_ov);
    int count = 0, cap = 0;
    *out = NULL;
    for (const bf_household *h; (h = checker_next(&c));) {
        if (count == cap)
            cr_assert_not_null(*out = realloc(*out, sizeof **out * (size_t)(cap = cap ? 2 * cap : 1024)));
        hh_total *t = &(*out)[count++];
        snprintf(t->id, sizeof t->id, "%s", h->id);
        snprintf(t->town, sizeof t->town, "%s", h->town);
        snprintf(t->village, sizeof t->village, "%s", h->village);
        t->fen = 0;
        for (int i = 0; i < c.r.n; i++)
            t->fen += c.r.d[i].eligible ? c.r.d[i].amount : 0;
    }
    checker_close(&c);
    return count;
}

static const char *const policy_ids[] = {"tekun", "low_income", "dibao", "disability_subsidy",
                                         "education_aid", "employment_support", "medical_aid",
                                         "monitoring", "pension_subsidy", "temporary_aid"};
enum { N_POL = sizeof policy_ids / sizeof policy_ids[0] };

/* Runs simulate with the given --set arguments and compares both sides with check's sums. */
static char *compare_with_check(const char *set1, const char *set2)
{
    bf_override ov[2];
    cr_assert_eq(bf_override_parse(set1, &ov[0], &bf_test_errs), BF_OK);
    int n_ov = 1;
    if (set2)
        cr_assert_eq(bf_override_parse(set2, &ov[n_ov++], &bf_test_errs), BF_OK);
    bf_test_run r;
    int status = set2 ? bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30",
                                       "--policies", POLICIES, "--format", "json", "--set", set1,
                                       "--set", set2, NULL)
                      : bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30",
                                       "--policies", POLICIES, "--format", "json", "--set", set1, NULL);
    cr_assert_eq(status, 0, "%s", r.err);
    totals base[N_POL] = {{0}}, scen[N_POL] = {{0}};
    check_totals(NULL, 0, base, N_POL);
    check_totals(ov, n_ov, scen, N_POL);
    /* evaluation order of the engine is tekun, low_income, dibao, then file-name order */
    for (int k = 0; k < N_POL; k++) {
        totals b = json_totals(r.out, policy_ids[k], "baseline");
        totals s = json_totals(r.out, policy_ids[k], "scenario");
        cr_expect(b.households == base[k].households && b.members == base[k].members &&
                  b.fen == base[k].fen, "%s baseline: simulate %lld/%lld/%lld, check %lld/%lld/%lld",
                  policy_ids[k], b.households, b.members, b.fen, base[k].households, base[k].members,
                  base[k].fen);
        cr_expect(s.households == scen[k].households && s.members == scen[k].members &&
                  s.fen == scen[k].fen, "%s scenario: simulate %lld/%lld/%lld, check %lld/%lld/%lld",
                  policy_ids[k], s.households, s.members, s.fen, scen[k].households, scen[k].members,
                  scen[k].fen);
    }
    char *out = r.out;
    r.out = NULL;
    bf_test_run_free(&r);
    return out;
}

Test(simulate, dibao_standard_equals_the_sum_of_checks)
{
    char *json = compare_with_check("dibao.standard=610", NULL);
    cr_expect(reevaluated(json, "tekun") && reevaluated(json, "low_income") && reevaluated(json, "dibao"));
    cr_expect(!reevaluated(json, "employment_support"), "employment reads no dibao parameter");
    cr_expect(!reevaluated(json, "monitoring"));
    totals b = json_totals(json, "dibao", "baseline"), s = json_totals(json, "dibao", "scenario");
    cr_expect_gt(s.fen, b.fen, "a higher standard costs more");
    cr_expect(strstr(json, "\"scenario\":{\"name\":\"\",\"set\":{\"dibao.standard\":610},\"values\":"
                           "{\"dibao.standard\":{\"in_force\":551,\"value\":610,\"applies\":true}}}"),
              "the value in force beside the value tried: %.300s", json);
    cr_expect(strstr(json, "\"warnings\":[]"), "%.300s", json);
    free(json);
}

Test(simulate, training_subsidy_reevaluates_employment_only)
{
    char *json = compare_with_check("employment.training_subsidy=1200", NULL);
    for (int k = 0; k < N_POL; k++)
        cr_expect_eq(reevaluated(json, policy_ids[k]), strcmp(policy_ids[k], "employment_support") == 0,
                     "%s", policy_ids[k]);
    free(json);
}

/* Nothing requires temporary_aid and only it reads temp_aid.cap_months: a what-if of the cap
 * re-evaluates temporary_aid alone, and a higher cap pays more to the households at the cap. */
Test(simulate, temp_aid_cap_reevaluates_temporary_aid_only)
{
    char *json = compare_with_check("temp_aid.cap_months=9", NULL);
    for (int k = 0; k < N_POL; k++)
        cr_expect_eq(reevaluated(json, policy_ids[k]), strcmp(policy_ids[k], "temporary_aid") == 0,
                     "%s", policy_ids[k]);
    totals b = json_totals(json, "temporary_aid", "baseline");
    totals s = json_totals(json, "temporary_aid", "scenario");
    cr_expect_eq(s.households, b.households, "the cap changes amounts, not who is eligible");
    cr_expect_gt(s.fen, b.fen, "9 months instead of 6 pays more at the cap");
    free(json);
}

Test(simulate, two_parameters_at_once)
{
    char *json = compare_with_check("medical.premium=400", "disability.living_monthly=200");
    cr_expect(reevaluated(json, "medical_aid") && reevaluated(json, "disability_subsidy"));
    cr_expect(!reevaluated(json, "dibao") && !reevaluated(json, "tekun"));
    free(json);
}

Test(simulate, a_scenario_file_equals_the_same_sets)
{
    char *path = bf_test_path(bf_test_dir, "s.xml");
    cr_assert_eq(bf_test_write_file(path,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<scenario xmlns=\"urn:bangfu:scenario:1\" name=\"低保标准提高到610元\">\n"
        "  <set param=\"dibao.standard\" value=\"610\"/>\n"
        "</scenario>\n", (size_t)-1), 0);
    bf_test_run a, b;
    cr_assert_eq(bf_test_bangfu(&a, NULL, "simulate", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--format", "json", "--scenario", path, NULL), 0, "%s", a.err);
    cr_assert_eq(bf_test_bangfu(&b, NULL, "simulate", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--format", "json", "--set", "dibao.standard=610", NULL), 0);
    cr_expect(strstr(a.out, "\"name\":\"低保标准提高到610元\""), "%.200s", a.out);
    const char *pa = strstr(a.out, "\"policies\":"), *pb = strstr(b.out, "\"policies\":");
    cr_assert(pa && pb);
    cr_expect_str_eq(pa, pb, "same results whichever way the scenario is given");
    bf_test_run_free(&a);
    bf_test_run_free(&b);
    free(path);
}

Test(simulate, bad_scenarios_exit_2_and_write_nothing)
{
    char *path = bf_test_path(bf_test_dir, "bad.xml");
    struct { const char *args[4]; const char *needle; const char *file; } cases[] = {
        {{"--set", "dibao.standrd=600"}, "unknown parameter 'dibao.standrd'", NULL},
        {{"--set", "dibao.standard=lots"}, "not a plain decimal", NULL},
        {{"--scenario", NULL}, "bad.xml:2", "<?xml version=\"1.0\"?>\n<scenario xmlns=\"urn:bangfu:scenario:1\" name=\"x\"><set param=\"a\"</scenario>\n"},
        {{"--scenario", NULL}, "bad.xml:", "<?xml version=\"1.0\"?>\n<scenario xmlns=\"urn:bangfu:scenario:1\" name=\"x\">\n<set param=\"dibao.standard\" value=\"1e3\"/>\n</scenario>\n"},
        {{"--scenario", NULL}, "unknown parameter 'nope.nope'", "<?xml version=\"1.0\"?>\n<scenario xmlns=\"urn:bangfu:scenario:1\" name=\"x\">\n<set param=\"nope.nope\" value=\"1\"/>\n</scenario>\n"},
        {{"--set", "dibao.standard=-5"}, "dibao.standard = -5 is out of range: it must be at least 0", NULL},
        {{"--set", "pension.ratio_dibao=1.5"}, "pension.ratio_dibao = 1.5 is out of range: it must be from 0 to 1", NULL},
        {{"--scenario", NULL}, "bad.xml:3: tekun.age_elderly = 130 is out of range: it must be from 0 to 120", "<?xml version=\"1.0\"?>\n<scenario xmlns=\"urn:bangfu:scenario:1\" name=\"x\">\n<set param=\"tekun.age_elderly\" value=\"130\"/>\n</scenario>\n"},
        {{"--scenario", NULL}, "dibao.standard is set twice (to 600 at ", "<?xml version=\"1.0\"?>\n<scenario xmlns=\"urn:bangfu:scenario:1\" name=\"x\">\n<set param=\"dibao.standard\" value=\"600\"/>\n<set param=\"dibao.standard\" value=\"610\" from=\"2021-03-01\"/>\n</scenario>\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].file)
            cr_assert_eq(bf_test_write_file(path, cases[i].file, (size_t)-1), 0);
        bf_test_run r;
        int status = bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--policies", POLICIES,
                                    cases[i].args[0], cases[i].args[1] ? cases[i].args[1] : path, NULL);
        cr_expect_eq(status, 2, "case %zu: %s", i, r.err);
        cr_expect(strstr(r.err, cases[i].needle), "case %zu: %s", i, r.err);
        bf_test_run_free(&r);
    }
    char *runs = bf_test_query(db, "SELECT count(*) FROM runs");
    cr_expect_str_eq(runs, "0\n", "simulate never stores a run");
    free(runs);
    free(path);
}

Test(simulate, a_value_that_changes_nothing_is_warned_about)
{
    char *path = bf_test_path(bf_test_dir, "late.xml");
    cr_assert_eq(bf_test_write_file(path,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<scenario xmlns=\"urn:bangfu:scenario:1\" name=\"下半年\">\n"
        "  <set param=\"dibao.standard\" value=\"610\" from=\"2021-07-01\"/>\n"
        "  <set param=\"medical.premium\" value=\"320\"/>\n"
        "</scenario>\n", (size_t)-1), 0);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--scenario", path, NULL), 0, "%s", r.err);
    cr_expect(strstr(r.err, "warning: dibao.standard = 610 from 2021-07-01 changes nothing: that is "
                            "after the evaluation date 2021-06-30"), "%s", r.err);
    cr_expect(strstr(r.err, "warning: medical.premium = 320 is the value in force on 2021-06-30: it "
                            "changes nothing"), "%s", r.err);
    cr_expect(strstr(r.out, "dibao.standard: 551 → 610 (not in force on the evaluation date), medical.premium: 320 → 320"),
              "the header shows each value in force: %s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--scenario", path, "--format", "json", NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"warnings\":[\"dibao.standard = 610 from 2021-07-01 changes nothing"),
              "%.600s", r.out);
    cr_expect(strstr(r.out, "\"dibao.standard\":{\"in_force\":551,\"value\":610,\"applies\":false}"),
              "%.600s", r.out);
    bf_test_run_free(&r);
    free(path);
}

Test(simulate, check_with_set_says_its_figures_are_hypothetical)
{
    char *id = bf_test_query(db, "SELECT id FROM households ORDER BY id LIMIT 1");
    id[strcspn(id, "\n")] = '\0';
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "check", id, "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--set", "dibao.standard=700", "--format", "json", NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"hypothetical\":true,\"scenario\":{\"dibao.standard\":{\"in_force\":551,"
                            "\"value\":700,\"applies\":true}}"), "%.400s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "check", id, "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--set", "dibao.standard=700", NULL), 0, "%s", r.err);
    const char *head = "what-if: the amounts below are computed with values tried, they are not the "
                       "decisions in force. Values tried: dibao.standard: 551 → 700\n";
    cr_expect(strncmp(r.out, head, strlen(head)) == 0, "%.300s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "check", id, "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--format", "json", NULL), 0, "%s", r.err);
    cr_expect(!strstr(r.out, "hypothetical") && !strstr(r.out, "\"scenario\""), "no --set: decisions in force");
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "check", id, "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--set", "dibao.standard=-5", NULL), 2);
    cr_expect(strstr(r.err, "out of range"), "%s", r.err);
    bf_test_run_free(&r);
    free(id);
}

Test(simulate, a_stored_run_serves_as_the_same_baseline)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    /* dibao.standard and medical.premium are read by (nearly) every household: every household is
     * evaluated again; the others are read by a few, and only those are (the run's tally) */
    const char *sets[] = {"dibao.standard=610", "employment.training_subsidy=1200", "medical.premium=400",
                          "disability.living_monthly=200", "tekun.care_none=600"};
    const bool narrow[] = {false, true, false, true, true};
    for (int i = 0; i < 5; i++) {
        bf_test_run evaluated, stored, text;
        cr_assert_eq(bf_test_bangfu(&evaluated, NULL, "simulate", "--db", db, "--date", "2021-06-30",
                                    "--policies", POLICIES, "--format", "json", "--set", sets[i],
                                    "--baseline-run", "0", "--limit", "100000", NULL), 0);
        cr_assert_eq(bf_test_bangfu(&stored, NULL, "simulate", "--db", db, "--date", "2021-06-30",
                                    "--policies", POLICIES, "--format", "json", "--set", sets[i],
                                    "--limit", "100000", NULL), 0);
        cr_expect_str_eq(stored.out, evaluated.out, "%s: the stored baseline gives the same answer", sets[i]);
        cr_assert_eq(bf_test_bangfu(&text, NULL, "simulate", "--db", db, "--date", "2021-06-30",
                                    "--policies", POLICIES, "--set", sets[i], NULL), 0);
        cr_expect(strstr(text.out, "baseline: stored run 1"), "the stored run was used: %s", text.out);
        cr_expect(!strstr(text.out, "evaluated again: the ") == !narrow[i], "%s: %s", sets[i], text.out);
        bf_test_run_free(&evaluated);
        bf_test_run_free(&stored);
        bf_test_run_free(&text);
    }
}

/* The run's audit record names each file by its place in the policies folder, so the same files
 * reached by another path (a copy, a relative --policies) still find the stored run; a change to
 * a policies/lib module, which every script may read, keeps it from serving. */
Test(simulate, a_stored_run_is_found_by_file_contents_not_by_path)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    const char *cp[] = {"/bin/cp", "-r", POLICIES, "copy", NULL};
    cr_assert_eq(bf_test_run_argv(&r, bf_test_dir, cp, 30), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, bf_test_dir, "simulate", "--db", db, "--date", "2021-06-30",
                                "--policies", "copy", "--set", "employment.training_subsidy=1200", NULL), 0,
                 "%s", r.err);
    cr_expect(strstr(r.out, "baseline: stored run 1"), "a relative path to the same files: %s", r.out);
    bf_test_run_free(&r);

    char *lib = bf_test_path(bf_test_dir, "copy/lib/decision.lua");
    size_t len;
    char *text = bf_test_read_file(lib, &len);
    cr_assert_not_null(text);
    char *edited = malloc(len + 32);
    cr_assert_not_null(edited);
    int n = snprintf(edited, len + 32, "%s-- edited\n", text);
    cr_assert_eq(bf_test_write_file(lib, edited, (size_t)n), 0);
    cr_expect_eq(bf_test_bangfu(&r, bf_test_dir, "simulate", "--db", db, "--date", "2021-06-30",
                                "--policies", "copy", "--set", "employment.training_subsidy=1200", NULL), 0,
                 "%s", r.err);
    cr_expect(strstr(r.out, "baseline: evaluated by this command"), "lib/ changed: %s", r.out);
    bf_test_run_free(&r);
    free(edited);
    free(text);
    free(lib);
}

Test(simulate, a_stored_run_of_another_date_is_refused)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-07-01", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--set", "dibao.standard=610", "--baseline-run", "1", NULL), 2);
    cr_expect(strstr(r.err, "run 1 cannot serve as the baseline: it was made for another date"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--set", "dibao.standard=610", NULL), 0);
    cr_expect(strstr(r.out, "baseline: evaluated by this command"), "no matching run: evaluated instead");
    bf_test_run_free(&r);
}

Test(simulate, a_stored_run_stops_serving_once_households_change)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    /* a failed import changes nothing: run 1 still serves */
    cr_expect_eq(bf_test_bangfu(&r, NULL, "import", "--db", db,
                                BF_SOURCE_DIR "/tests/data/households/negative-income.xml", NULL), 2);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--set", "dibao.standard=610", "--baseline-run", "1", NULL), 0,
                 "%s", r.err);
    bf_test_run_free(&r);

    /* households imported after the run: its decisions no longer describe them */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "import", "--db", db, BF_SOURCE_DIR "/samples/households.xml",
                                NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--set", "dibao.standard=610", "--baseline-run", "1", NULL), 2);
    cr_expect(strstr(r.err, "run 1 cannot serve as the baseline: households were imported or replaced since"),
              "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--set", "dibao.standard=610", NULL), 0);
    cr_expect(strstr(r.out, "baseline: evaluated by this command"), "run 1 is not picked: %s", r.out);
    bf_test_run_free(&r);

    /* a new run of the changed households serves again */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--set", "dibao.standard=610", NULL), 0);
    cr_expect(strstr(r.out, "baseline: stored run 2"), "run 2 is picked: %s", r.out);
    bf_test_run_free(&r);
}

Test(simulate, a_run_tallies_who_read_each_parameter_and_each_towns_totals)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    /* employment.training_subsidy is read only where the member gets the training subsidy
     * (employment_support tier training, an eligible decision, so a stored one) */
    char *listed = bf_test_query(db, "SELECT everyone, households FROM run_param_reads "
                                     "WHERE run_id = 1 AND param = 'employment.training_subsidy'");
    char *truth = bf_test_query(db, "SELECT 0, group_concat(household_id, char(10)) || char(10) FROM "
                                    "(SELECT DISTINCT household_id FROM decisions WHERE run_id = 1 AND "
                                    "policy = 'employment_support' AND tier = 'training' ORDER BY 1)");
    cr_expect(strlen(truth) > 10, "some households get the training subsidy: %s", truth);
    cr_expect_str_eq(listed, truth);
    free(listed);
    free(truth);
    /* dibao.standard is read for every household */
    char *everyone = bf_test_query(db, "SELECT everyone, households FROM run_param_reads "
                                       "WHERE run_id = 1 AND param = 'dibao.standard'");
    cr_expect_str_eq(everyone, "1|\n");
    free(everyone);
    /* the towns add up to the county, policy by policy */
    char *towns = bf_test_query(db, "SELECT policy_seq, sum(households), sum(members), sum(amount_fen) "
                                    "FROM run_towns WHERE run_id = 1 AND policy_seq >= 0 GROUP BY 1 ORDER BY 1");
    char *county = bf_test_query(db, "SELECT seq, households_eligible, members_eligible, amount_fen "
                                     "FROM run_policies WHERE run_id = 1 ORDER BY 1");
    cr_expect_str_eq(towns, county);
    free(towns);
    free(county);
    /* and a row per town (policy_seq -1) counts all its households and members */
    char *all = bf_test_query(db, "SELECT group_concat(town || ':' || households || ':' || members, ',') FROM "
                                  "(SELECT town, households, members FROM run_towns WHERE run_id = 1 AND "
                                  "policy_seq = -1 ORDER BY town)");
    char *truth_all = bf_test_query(db, "SELECT group_concat(town || ':' || n || ':' || m, ',') FROM "
                                        "(SELECT town, count(*) AS n, sum((SELECT count(*) FROM members WHERE "
                                        "household_id = h.id)) AS m FROM households h GROUP BY town ORDER BY town)");
    cr_expect_str_eq(all, truth_all);
    free(all);
    free(truth_all);
    /* a row per town (policy_seq -2) counts the households eligible for any policy, their
     * members and amount: the stored eligible decisions of the run, summed by SQL here */
    char *any = bf_test_query(db, "SELECT group_concat(town || ':' || households || ':' || members || ':' || "
                                  "amount_fen, ',') FROM (SELECT town, households, members, amount_fen FROM "
                                  "run_towns WHERE run_id = 1 AND policy_seq = -2 ORDER BY town)");
    char *truth_any = bf_test_query(db, "SELECT group_concat(town || ':' || n || ':' || m || ':' || a, ',') FROM "
                                        "(SELECT h.town, count(*) AS n, sum((SELECT count(*) FROM members WHERE "
                                        "household_id = h.id)) AS m, sum(e.a) AS a FROM households h JOIN "
                                        "(SELECT household_id, sum(amount_fen) AS a FROM decisions WHERE run_id = 1 "
                                        "AND eligible = 1 GROUP BY 1) e ON e.household_id = h.id "
                                        "GROUP BY h.town ORDER BY h.town)");
    cr_expect_str_eq(any, truth_any);
    free(any);
    free(truth_any);
    char *first = bf_test_query(db, "SELECT town FROM run_towns WHERE run_id = 1 AND seq = 0 LIMIT 1");
    char *expected = bf_test_query(db, "SELECT town FROM households ORDER BY id LIMIT 1");
    cr_expect_str_eq(first, expected, "towns in order of first appearance");
    free(first);
    free(expected);
    /* a run of some policies only keeps no tally, so it never narrows a simulation */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--only", "employment_support", NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *recorded = bf_test_query(db, "SELECT id, summary_recorded FROM runs ORDER BY id");
    cr_expect_str_eq(recorded, "1|1\n2|0\n");
    free(recorded);
}

/* "12.30", "-0.05": fen as the JSON writes yuan (two decimals, from integer fen). */
static void yuan(char *out, size_t len, long long fen)
{
    long long a = fen < 0 ? -fen : fen;
    snprintf(out, len, "%s%lld.%02lld", fen < 0 ? "-" : "", a / 100, a % 100);
}

typedef struct ranked {
    const hh_total *before, *after;
    long long delta;
} ranked;

static int worst_first(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return x->delta != y->delta ? (x->delta > y->delta) - (x->delta < y->delta)
                                : strcmp(x->before->id, y->before->id);
}

/* simulate's household view (every worse-off household, the counts, the towns) against the
 * same figures summed from `check` and `check --set` over every household. */
static void household_view_equals_checks(const char *set, const char *run_first)
{
    if (run_first) {
        bf_test_run r;
        cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                    POLICIES, NULL), 0, "%s", r.err);
        bf_test_run_free(&r);
    }
    bf_override ov;
    cr_assert_eq(bf_override_parse(set, &ov, &bf_test_errs), BF_OK);
    hh_total *before, *after;
    int n = check_household_totals(NULL, 0, &before);
    cr_assert_eq(check_household_totals(&ov, 1, &after), n);
    ranked *worse = calloc((size_t)n, sizeof *worse);
    int n_worse = 0, n_better = 0;
    long long total_delta = 0;
    for (int i = 0; i < n; i++) {
        long long d = after[i].fen - before[i].fen;
        total_delta += d;
        n_better += d > 0;
        if (d < 0)
            worse[n_worse++] = (ranked){&before[i], &after[i], d};
    }
    qsort(worse, (size_t)n_worse, sizeof *worse, worst_first);
    cr_expect_gt(n_worse, 0, "%s: every scenario here leaves some household worse off", set);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--format", "json", "--set", set, "--households", "worse",
                                "--limit", "0", NULL), 0, "%s", r.err);
    char want[1024], d[32], b[32], a[32];
    yuan(d, sizeof d, total_delta);
    snprintf(want, sizeof want, "\"households_better\":%d,\"households_worse\":%d,"
             "\"households_unchanged\":%d,\"delta\":%s,", n_better, n_worse, n - n_better - n_worse, d);
    cr_expect(strstr(r.out, want), "%s: want %s", set, want);
    /* every worse-off household, worst first, with town, village and totals */
    const char *at = strstr(r.out, "\n\"households\":[");
    cr_assert_not_null(at);
    for (int i = 0; i < n_worse; i++) {
        yuan(b, sizeof b, worse[i].before->fen);
        yuan(a, sizeof a, worse[i].after->fen);
        yuan(d, sizeof d, worse[i].delta);
        snprintf(want, sizeof want, "{\"household\":\"%s\",\"town\":\"%s\",\"village\":\"%s\","
                 "\"before\":%s,\"after\":%s,\"delta\":%s,\"changes\":[{", worse[i].before->id,
                 worse[i].before->town, worse[i].before->village, b, a, d);
        const char *found = strstr(at, want);
        cr_expect(found, "%s: worse-off household %d: want %s", set, i + 1, want);
        if (found)
            at = found + 1;
    }
    int listed = 0;
    for (const char *p = strstr(r.out, "\n\"households\":["); (p = strstr(p + 1, "{\"household\":\""));)
        listed++;
    cr_expect_eq(listed, n_worse, "%s: only the worse-off are listed", set);
    /* per town: households, better, worse, unchanged, and the amounts */
    for (int i = 0; i < n; i++) {
        bool first = true;
        for (int j = 0; j < i && first; j++)
            first = strcmp(before[j].town, before[i].town) != 0;
        if (!first)
            continue;
        long long hh = 0, better = 0, worst = 0, tb = 0, ta = 0;
        for (int j = i; j < n; j++)
            if (strcmp(before[j].town, before[i].town) == 0) {
                hh++;
                better += after[j].fen > before[j].fen;
                worst += after[j].fen < before[j].fen;
                tb += before[j].fen;
                ta += after[j].fen;
            }
        yuan(b, sizeof b, tb);
        yuan(a, sizeof a, ta);
        yuan(d, sizeof d, ta - tb);
        snprintf(want, sizeof want, "{\"town\":\"%s\",\"households\":%lld,\"households_better\":%lld,"
                 "\"households_worse\":%lld,\"households_unchanged\":%lld,\"before\":%s,\"after\":%s,"
                 "\"delta\":%s}", before[i].town, hh, better, worst, hh - better - worst, b, a, d);
        cr_expect(strstr(r.out, want), "%s: want %s", set, want);
    }
    bf_test_run_free(&r);
    free(worse);
    free(before);
    free(after);
}

Test(simulate, the_households_worse_off_equal_what_checks_give)
{
    /* a higher standard moves some 单人保 households (12 × S per severe member) to the household
     * rule (12 × N × max(S − pcm, 30)): they lose; low_income.multiplier 1.2 takes the low-income
     * status, and with it half the medical premium, from others */
    household_view_equals_checks("dibao.standard=610", NULL);
    household_view_equals_checks("low_income.multiplier=1.2", NULL);
}

Test(simulate, the_households_worse_off_equal_what_checks_give_with_a_stored_run)
{
    household_view_equals_checks("disability.living_monthly=100", "run");   /* read by few: the tally path */
    household_view_equals_checks("dibao.standard=610", NULL);
}

Test(simulate, the_households_listed_are_selected_ordered_and_limited)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--format", "json", "--set", "dibao.standard=610",
                                "--households", "better", "--limit", "3", NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"households_listed\":{\"select\":\"better\",\"selected\":"), "%.200s", r.out);
    cr_expect(strstr(r.out, ",\"listed\":3}"));
    double last = 1e18;
    int count = 0;
    for (const char *p = strstr(r.out, "\n\"households\":["); (p = strstr(p + 1, "{\"household\":\"")); count++) {
        const char *dl = strstr(p, "\"delta\":");
        double delta = atof(dl + 8);
        cr_expect_gt(delta, 0, "only the better-off");
        cr_expect_leq(delta, last, "the largest gain first");
        last = delta;
    }
    cr_expect_eq(count, 3);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--policies", POLICIES, "--set",
                                "dibao.standard=610", "--households", "losers", NULL), 2);
    cr_expect(strstr(r.err, "--households is worse, better or changed"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--policies", POLICIES, "--set",
                                "dibao.standard=610", "--table", "towns", NULL), 2);
    cr_expect(strstr(r.err, "--table goes with --format csv"), "%s", r.err);
    bf_test_run_free(&r);
}

Test(simulate, csv_has_a_byte_order_mark_and_one_table_per_file)
{
    const char *tables[] = {"policies", "towns", "town-policies", "households"};
    const char *headers[] = {"policy,title,unit,", "town,households,households_better,",
                             "town,policy,unit,", "household,town,village,total_before,"};
    for (int i = 0; i < 4; i++) {
        bf_test_run r;
        cr_assert_eq(bf_test_bangfu(&r, NULL, "simulate", "--db", db, "--date", "2021-06-30",
                                    "--policies", POLICIES, "--format", "csv", "--table", tables[i],
                                    "--set", "dibao.standard=610", NULL), 0, "%s", r.err);
        cr_expect(strncmp(r.out, "\xEF\xBB\xBF", 3) == 0, "%s: a byte-order mark", tables[i]);
        cr_expect(strncmp(r.out + 3, headers[i], strlen(headers[i])) == 0, "%s: %.80s", tables[i], r.out);
        cr_expect(!strstr(r.out, "\r\n\r\n") && !strstr(r.out, "\n\n"), "%s: one table, no blank line", tables[i]);
        bf_test_run_free(&r);
    }
}

Test(simulate, params_shows_what_values_make_sense)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "params", "--policies", POLICIES, "--date", "2021-06-30",
                                "--format", "json", NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "{\"name\":\"pension.ratio_dibao\",\"value\":1.0,\"from\":\"2020-01-01\","
                            "\"unit\":\"ratio\",\"title\":\"低保对象代缴比例\",\"source\":\"Guangdong: full "
                            "payment on behalf\",\"kind\":\"ratio\",\"range\":\"from 0 to 1\"}"), "%.400s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "params", "--policies", POLICIES, "--date", "2021-06-30", NULL), 0);
    cr_expect(strstr(r.out, "since 2020-01-01; factor, at least 1; source: Guangdong: basic living"),
              "tekun.basic_ratio: %.300s", r.out);
    bf_test_run_free(&r);
}

/* With its own baseline, simulate evaluates a policy again only when a decision it requires
 * changed in what the policy read of it in the household's baseline (eligible, amount, tier, the
 * rest); a stored baseline re-evaluates it whenever one changed at all. Both must give the same
 * answer. tekun.care_full changes only the amounts of tekun, which every policy requiring tekun
 * reads only as eligible; dibao.min_benefit changes only dibao's amounts, which temporary_aid
 * reads (D, the dibao benefit counted as income), so temporary_aid must change with it. */
Test(simulate, a_policy_is_evaluated_again_when_what_it_read_of_a_required_decision_changed)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    const char *sets[] = {"tekun.care_full=400", "dibao.min_benefit=100", "dibao.min_benefit=160"};
    for (int i = 0; i < 3; i++) {
        bf_test_run own, stored;
        cr_assert_eq(bf_test_bangfu(&own, NULL, "simulate", "--db", db, "--date", "2021-06-30",
                                    "--policies", POLICIES, "--format", "json", "--set", sets[i],
                                    "--baseline-run", "0", "--households", "changed", "--limit", "0",
                                    NULL), 0, "%s", own.err);
        cr_assert_eq(bf_test_bangfu(&stored, NULL, "simulate", "--db", db, "--date", "2021-06-30",
                                    "--policies", POLICIES, "--format", "json", "--set", sets[i],
                                    "--households", "changed", "--limit", "0", NULL), 0, "%s", stored.err);
        cr_expect_str_eq(own.out, stored.out, "%s: its own baseline gives the stored one's answer", sets[i]);
        if (i > 0) {
            totals before = json_totals(own.out, "temporary_aid", "baseline");
            totals after = json_totals(own.out, "temporary_aid", "scenario");
            cr_expect(before.fen != after.fen, "%s changes temporary_aid: %lld fen both times",
                      sets[i], before.fen);
        }
        bf_test_run_free(&own);
        bf_test_run_free(&stored);
    }
}
