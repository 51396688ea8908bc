/* test_temporary_aid.c — 临时救助 (expenditure type) on households nobody looked at one by one: a
 * generated county evaluated by the engine at a date of 2022 and one of 2023 (the cap goes from 6
 * to 12 months of the standard), every temporary_aid decision against the native rules of the
 * bench (bench/rules.c, written from the rule in fen, not from the script); and review of
 * households whose records name it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "engine.h"
#include "helpers.h"
#include "params.h"
#include "../bench/rules.h"   /* the bench native rules, not core/input/rules.h */
#include "store.h"

#define POLICIES BF_SOURCE_DIR "/policies"
#define BATCH 500

TestSuite(temporary_aid, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown, .timeout = 300);

/* What one date's comparison saw. */
typedef struct seen {
    long households, eligible, differ;
    long at_cap;           /* eligible, the amount is the cap */
    long with_dibao;       /* eligible while the household gets dibao (D counted) */
    long over_6_months;    /* eligible with more than 6 x S x N': only a larger cap allows it */
} seen;

/* The index of policy id among the engine's policies. */
static int policy_index(const bf_policy *pol, int n, const char *id)
{
    for (int k = 0; k < n; k++)
        if (strcmp(pol[k].id, id) == 0)
            return k;
    cr_assert_fail("the engine has no policy %s", id);
    return -1;
}

/* Members of h that the native rules find tekun-eligible do not count: N'. */
static int counted_members(const bf_household *h, const nat_result *nr)
{
    int counted = 0;
    for (int i = 0; i < h->n_members; i++)
        counted += !nr->mem[NP_TEKUN][i].eligible;
    return counted;
}

/* Compares one household's temporary_aid decision of the engine with the native one. */
static void compare_household(const bf_household *h, const bf_result *r, int ta,
                              const nat_params *np, const nat_result *nr, seen *s)
{
    const bf_decision *d = NULL;
    for (int k = 0; k < r->n; k++)
        if (r->d[k].policy == ta)
            d = &r->d[k];
    cr_assert_not_null(d, "%s: no temporary_aid decision", h->id);
    const nat_decision *want = &nr->hh[NP_TEMP_AID];
    const char *tier = bf_result_text(r, d->tier);
    bool same = !d->failed && d->eligible == want->eligible && d->amount == want->amount &&
                ((!tier && !want->tier) || (tier && want->tier && strcmp(tier, want->tier) == 0));
    if (!same && s->differ < 10)
        cr_expect_fail("%s: engine %s %lld fen tier %s%s%s, native %s %lld fen tier %s", h->id,
                       d->eligible ? "eligible" : "not eligible", (long long)d->amount,
                       tier ? tier : "-", d->failed ? " error: " : "",
                       d->failed ? bf_result_text(r, d->error) : "",
                       want->eligible ? "eligible" : "not eligible", (long long)want->amount,
                       want->tier ? want->tier : "-");
    s->differ += !same;
    s->households++;
    if (!want->eligible)
        return;
    int counted = counted_members(h, nr);
    s->eligible++;
    s->at_cap += want->amount == bf_round_fen(np->ta_cap_months * np->S * counted);
    s->with_dibao += nr->hh[NP_DIBAO].eligible;
    s->over_6_months += want->amount > bf_round_fen(6 * np->S * counted);
}

/* Evaluates every household of db on date with the engine and the native rules. */
static seen compare_on(const char *db, const char *date_text)
{
    bf_date date;
    cr_assert_eq(bf_date_parse(date_text, &date), BF_OK);
    bf_errors errs;
    bf_errors_init(&errs, 10);
    bf_params *defs;
    bf_param_set set;
    cr_assert_eq(bf_params_load(POLICIES "/params.xml", &defs, &errs), BF_OK);
    cr_assert_eq(bf_params_resolve(defs, date, NULL, 0, &set, &errs), BF_OK);
    nat_params np;
    char err[512];
    cr_assert_eq(nat_params_from_set(&set, &np, err, sizeof err), BF_OK, "%s", err);
    bf_engine_config cfg = {.policies_dir = POLICIES, .params = defs, .sets = &set, .n_sets = 1,
                            .date = date, .jobs = 2, .text = BF_TEXT_ELIGIBLE};
    bf_engine *e;
    cr_assert_eq(bf_engine_open(&cfg, &e, &errs), BF_OK, "%s", errs.count ? errs.msgs[0] : "?");
    int n_pol;
    const bf_policy *pol = bf_engine_policies(e, &n_pol);
    int ta = policy_index(pol, n_pol, "temporary_aid");
    bf_store *store;
    cr_assert_eq(bf_store_open_existing(db, &store, &bf_test_errs), BF_OK, "%s", bf_test_error());
    bf_reader *reader;
    cr_assert_eq(bf_store_reader_open(store, BATCH, &reader, &errs), BF_OK);
    bf_result *res = calloc(BATCH, sizeof *res);
    nat_result *nr = malloc(sizeof *nr);
    cr_assert(res && nr);
    seen s = {0};
    for (;;) {
        bf_household *hs;
        int n;
        cr_assert_eq(bf_reader_next(reader, &hs, &n, &errs), BF_OK, "%s", bf_test_error());
        if (n == 0)
            break;
        cr_assert_eq(bf_engine_evaluate(e, hs, n, 0, res), BF_OK);
        for (int i = 0; i < n; i++) {
            nat_evaluate(&np, &hs[i], date, nr);
            compare_household(&hs[i], &res[i], ta, &np, nr, &s);
        }
    }
    for (int i = 0; i < BATCH; i++)
        bf_result_free(&res[i]);
    free(res);
    free(nr);
    bf_reader_close(reader);
    bf_store_close(store);
    bf_engine_close(e);
    bf_param_set_free(&set);
    bf_params_free(defs);
    bf_errors_free(&errs);
    return s;
}

Test(temporary_aid, a_generated_county_agrees_with_the_native_rule_at_two_dates)
{
    char *db = bf_test_county("c.db", "4000", "23");
    /* 2022: S = 570, cap 6 months; 2023: S = 590, cap 12 months */
    seen y2022 = compare_on(db, "2022-06-30"), y2023 = compare_on(db, "2023-06-30");
    cr_expect_eq(y2022.households, 4000);
    cr_expect_eq(y2023.households, 4000);
    cr_expect_eq(y2022.differ, 0, "%ld of 4000 decisions differ in 2022", y2022.differ);
    cr_expect_eq(y2023.differ, 0, "%ld of 4000 decisions differ in 2023", y2023.differ);
    /* the comparison covers every branch: grants below and at the cap, with dibao counted */
    cr_expect_geq(y2022.eligible * 100, y2022.households, "eligible in 2022: %ld", y2022.eligible);
    cr_expect_gt(y2022.at_cap, 0, "no grant at the cap in 2022");
    cr_expect_lt(y2022.at_cap, y2022.eligible, "every 2022 grant is at the cap");
    cr_expect_gt(y2022.with_dibao, 0, "no grant to a dibao household in 2022");
    cr_expect_eq(y2022.over_6_months, 0, "a 2022 grant above 6 months of the standard");
    /* the 12-month cap of 2023 shows: grants larger than 6 months of the standard */
    cr_expect_gt(y2023.over_6_months, 0, "no 2023 grant above 6 months of the standard");
    cr_expect_gt(y2023.at_cap, 0, "no grant at the 12-month cap in 2023");
    free(db);
}

/* Two households whose records name temporary_aid on 2021-06-30 (S = 551, cap 6 months):
 * TR1: N = 2, I = 20000 (pcm 833.33: no dibao, D = 0), rigid 8000: available 12000 < line
 *      12 x 551 x 2 = 13224 -> eligible, 1224 (cap 6612): review says nothing.
 * TR2: the same without expenses: rigid = 0 -> not eligible: "recorded but not eligible". */
static const char review_county[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<households xmlns=\"urn:bangfu:households:1\">\n"
    "  <household id=\"TR1\" town=\"乳城镇\" village=\"上围村\" recorded=\"temporary_aid\">\n"
    "    <income wage=\"20000\" business=\"0\" property=\"0\" transfer=\"0\" excluded=\"0\"/>\n"
    "    <expenses medical=\"8000\" education=\"0\"/>\n"
    "    <member id=\"TR1-1\" relation=\"head\" birth=\"1980-01-01\" sex=\"M\" labor=\"full\" employment=\"local\" school=\"none\" self_care=\"full\" disability=\"0\" disability_type=\"none\" serious_illness=\"false\" pension_insured=\"true\" medical_insured=\"true\" medical_cost=\"0\" supporter=\"true\"/>\n"
    "    <member id=\"TR1-2\" relation=\"spouse\" birth=\"1982-01-01\" sex=\"F\" labor=\"full\" employment=\"local\" school=\"none\" self_care=\"full\" disability=\"0\" disability_type=\"none\" serious_illness=\"false\" pension_insured=\"true\" medical_insured=\"true\" medical_cost=\"0\" supporter=\"true\"/>\n"
    "  </household>\n"
    "  <household id=\"TR2\" town=\"桂头镇\" village=\"莫家村\" recorded=\"temporary_aid\">\n"
    "    <income wage=\"20000\" business=\"0\" property=\"0\" transfer=\"0\" excluded=\"0\"/>\n"
    "    <member id=\"TR2-1\" relation=\"head\" birth=\"1980-01-01\" sex=\"M\" labor=\"full\" employment=\"local\" school=\"none\" self_care=\"full\" disability=\"0\" disability_type=\"none\" serious_illness=\"false\" pension_insured=\"true\" medical_insured=\"true\" medical_cost=\"0\" supporter=\"true\"/>\n"
    "    <member id=\"TR2-2\" relation=\"spouse\" birth=\"1982-01-01\" sex=\"F\" labor=\"full\" employment=\"local\" school=\"none\" self_care=\"full\" disability=\"0\" disability_type=\"none\" serious_illness=\"false\" pension_insured=\"true\" medical_insured=\"true\" medical_cost=\"0\" supporter=\"true\"/>\n"
    "  </household>\n"
    "</households>\n";

Test(temporary_aid, review_lists_a_recorded_grant_the_rule_does_not_give)
{
    char *xml = bf_test_path(bf_test_dir, "tr.xml"), *db = bf_test_path(bf_test_dir, "tr.db");
    cr_assert_eq(bf_test_write_file(xml, review_county, (size_t)-1), 0);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "import", xml, "--db", db, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *row = bf_test_query(db, "SELECT household_id, eligible, amount_fen FROM decisions "
                                  "WHERE policy = 'temporary_aid' ORDER BY 1");
    cr_expect_str_eq(row, "TR1|1|122400\nTR2|0|0\n", "the recorded ineligible decision is stored");
    free(row);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, "--format", "json", NULL), 0,
                 "%s", r.err);
    row = bf_test_json_sql(r.out, "SELECT count(*), group_concat(json_extract(value, '$.household') "
                          "|| '|' || json_extract(value, '$.kind') || '|' || "
                          "json_extract(value, '$.policy') || '|' || "
                          "json_extract(value, '$.reasons[0]'), ';') "
                          "FROM json_each(?1, '$.findings')");
    cr_expect_str_eq(row, "1|TR2|recorded_not_eligible|temporary_aid|"
                          "家庭无医疗、教育刚性支出，不属于支出型临时救助对象", "%s", r.out);
    free(row);
    bf_test_run_free(&r);
    free(xml);
    free(db);
}
