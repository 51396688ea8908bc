/* test_deferred.c — deferred reasons: a decision's reasons given as a function are called only
 * when they are kept (every decision under BF_TEXT_ALL; eligible and recorded ones always), in a
 * protected call under the budget; a failing or malformed one is an error decision naming script
 * and line when called and no error when not; and the shipped scripts, which defer the reasons of
 * their not-eligible branches, store the same reasons with `run` as with `run --store-all`. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "engine.h"
#include "helpers.h"
#include "params.h"

#define DEFERRED BF_SOURCE_DIR "/tests/data/policies/deferred"

typedef bf_test_engine fixture;

static void open_engine(fixture *f, bf_text_mode text, bool explain)
{
    bf_engine_config cfg = {.policies_dir = DEFERRED, .jobs = 1, .text = text, .explain = explain};
    bf_test_engine_open(f, cfg, "2021-06-30");
}

static void close_engine(fixture *f)
{
    bf_test_engine_close(f);
}

/* Household T1 of two members, recording the policies in `recorded`. */
static void two_members(bf_household *h, const char *recorded)
{
    memset(h, 0, sizeof *h);
    bf_household_reset(h);
    strcpy(h->id, "T1");
    strcpy(h->town, "乳城镇");
    strcpy(h->village, "中心村");
    snprintf(h->recorded, sizeof h->recorded, "%s", recorded);
    for (int i = 0; i < 2; i++) {
        bf_member *m = bf_household_add_member(h);
        snprintf(m->id, sizeof m->id, "T1-%d", i + 1);
        bf_date_parse(i ? "2011-07-01" : "1980-06-30", &m->birth);
    }
}

/* Evaluates T1 (recording `recorded`) under text mode `text`. */
static void evaluate(fixture *f, bf_text_mode text, const char *recorded, bf_result *r)
{
    open_engine(f, text, false);
    bf_household h;
    two_members(&h, recorded);
    memset(r, 0, sizeof *r);
    cr_assert_eq(bf_engine_evaluate(f->engine, &h, 1, 0, r), BF_OK);
    bf_household_free(&h);
}

static const struct {
    const char *policy, *error;
} bad[] = {
    {"reasons_raises", "policies/deferred/reasons_raises.lua:5: deliberate failure in the reasons"},
    {"reasons_loops", "reasons_loops.lua:5: instruction budget of 10000000 instructions exceeded"},
    /* the line where the function is written (line 7), not evaluate's return */
    {"reasons_nonlist", "policies/deferred/reasons_nonlist.lua:7: malformed decision: the reasons "
                        "function must return a list of strings, it returned number"},
    {"reasons_empty", "policies/deferred/reasons_empty.lua:4: malformed decision: a decision that "
                      "is not eligible needs at least one reason"},
};

/* Kept (BF_TEXT_ALL, as check, test and run --store-all): every reasons function is called once;
 * each bad one makes its decision an error naming script and line. */
Test(deferred, kept_reasons_are_called_and_checked)
{
    fixture f;
    bf_result r;
    evaluate(&f, BF_TEXT_ALL, "", &r);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const bf_decision *d = bf_test_decision_of(f.engine, &r, bad[i].policy, -1);
        const char *msg = bf_result_text(&r, d->error);
        cr_expect(d->failed && !d->eligible, "%s", bad[i].policy);
        cr_expect(msg && strstr(msg, bad[i].error), "%s: got '%s', want '%s'", bad[i].policy,
                  msg ? msg : "(none)", bad[i].error);
    }
    const bf_decision *el = bf_test_decision_of(f.engine, &r, "eligible_raises", -1);
    cr_expect(el->failed && !el->eligible);
    cr_expect(strstr(bf_result_text(&r, el->error), "eligible_raises.lua:6: attempt to concatenate a nil value"),
              "%s", bf_result_text(&r, el->error));
    cr_expect_eq(r.errors, 5);
    /* base.limit 5 ≥ 2 members: not eligible; base.amount 100 formatted with %s */
    const bf_decision *d = bf_test_decision_of(f.engine, &r, "deferred", -1);
    cr_expect(!d->failed && !d->eligible);
    cr_expect_str_eq(bf_result_text(&r, d->reasons), "[\"成员 2 人，不超过 5 人（测试金额 100 元）\"]");
    cr_expect_str_eq(bf_result_text(&r, d->details), "{\"n\":2}");
    for (int m = 0; m < 2; m++) {
        char want[64];
        snprintf(want, sizeof want, "[\"成员 T1-%d 不符合\"]", m + 1);
        cr_expect_str_eq(bf_result_text(&r, bf_test_decision_of(f.engine, &r, "deferred_member", m)->reasons), want);
    }
    /* called once: the list evaluate made, with one reason added */
    cr_expect_str_eq(bf_result_text(&r, bf_test_decision_of(f.engine, &r, "appends", -1)->reasons),
                     "[\"一\",\"二\"]");
    bf_result_free(&r);
    close_engine(&f);
}

/* Not kept (a run without --store-all): a not-eligible decision's function is not called — no
 * reasons, no error —, an eligible one's is (a run stores eligible decisions' reasons). */
Test(deferred, reasons_nobody_keeps_are_not_called)
{
    bf_text_mode modes[] = {BF_TEXT_ELIGIBLE, BF_TEXT_NONE};
    for (int k = 0; k < 2; k++) {
        fixture f;
        bf_result r;
        evaluate(&f, modes[k], "", &r);
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            const bf_decision *d = bf_test_decision_of(f.engine, &r, bad[i].policy, -1);
            cr_expect(!d->failed && !d->eligible && d->reasons < 0, "%s", bad[i].policy);
        }
        cr_expect(bf_test_decision_of(f.engine, &r, "eligible_raises", -1)->failed, "mode %d", k);
        cr_expect_eq(r.errors, 1, "mode %d: only eligible_raises", k);
        cr_expect_lt(bf_test_decision_of(f.engine, &r, "deferred", -1)->reasons, 0);
        /* a reasons function nobody called read nothing: evaluate read base.limit only */
        const bool *read = bf_engine_params_read(f.engine);
        int n;
        const bf_policy *pol = bf_engine_policies(f.engine, &n);
        for (int p = 0; p < n; p++)
            if (strcmp(pol[p].id, "deferred") == 0) {
                cr_expect(read[p * f.params->n + bf_params_index(f.params, "base.limit")]);
                cr_expect(!read[p * f.params->n + bf_params_index(f.params, "base.amount")]);
            }
        bf_result_free(&r);
        close_engine(&f);
    }
}

/* A policy the household's records name keeps its reasons in a run (review shows them): its
 * function is called, and a bad one is an error there too. */
Test(deferred, recorded_policies_keep_their_reasons)
{
    fixture f;
    bf_result r;
    evaluate(&f, BF_TEXT_ELIGIBLE, "reasons_empty deferred", &r);
    const bf_decision *d = bf_test_decision_of(f.engine, &r, "reasons_empty", -1);
    cr_expect(d->failed);
    cr_expect(strstr(bf_result_text(&r, d->error), "reasons_empty.lua:4: malformed decision"));
    cr_expect_str_eq(bf_result_text(&r, bf_test_decision_of(f.engine, &r, "deferred", -1)->reasons),
                     "[\"成员 2 人，不超过 5 人（测试金额 100 元）\"]");
    cr_expect(!bf_test_decision_of(f.engine, &r, "reasons_raises", -1)->failed, "not recorded");
    cr_expect_eq(r.errors, 2, "eligible_raises and the recorded reasons_empty");
    bf_result_free(&r);
    close_engine(&f);
}

/* check --explain: what a called reasons function reads and prints is listed with evaluate's. */
Test(deferred, explain_lists_what_the_reasons_read)
{
    fixture f;
    open_engine(&f, BF_TEXT_ALL, true);
    bf_household h;
    two_members(&h, "");
    bf_result r = {0};
    cr_assert_eq(bf_engine_evaluate(f.engine, &h, 1, 0, &r), BF_OK);
    const bf_decision *d = bf_test_decision_of(f.engine, &r, "deferred", -1);
    cr_expect_str_eq(bf_result_text(&r, d->params_read), "{\"base.limit\":5,\"base.amount\":100}");
    cr_expect_str_eq(bf_result_text(&r, d->trace), "reasons of\tT1\n");
    const bool *read = bf_engine_params_read(f.engine);
    int n;
    const bf_policy *pol = bf_engine_policies(f.engine, &n);
    for (int p = 0; p < n; p++)
        if (strcmp(pol[p].id, "deferred") == 0)
            cr_expect(read[p * f.params->n + bf_params_index(f.params, "base.amount")]);
    bf_result_free(&r);
    bf_household_free(&h);
    close_engine(&f);
}

/* The same through the command line: `run` has no error from the bad not-eligible functions,
 * `run --store-all` has one per household for each, naming script and line. */
Test(deferred, run_stores_errors_only_where_it_keeps_reasons, .init = bf_test_dir_setup,
     .fini = bf_test_dir_teardown)
{
    char *db = bf_test_county("county.db", NULL, NULL);
    bf_test_run r;
    /* from tests/data, so that messages name policies/deferred/… as in a county's folder */
    cr_expect_eq(bf_test_bangfu(&r, BF_TEST_DATA, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                "policies/deferred", "--only", "reasons_raises,reasons_empty,deferred", NULL), 0,
                 "%s%s", r.out, r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, BF_TEST_DATA, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                "policies/deferred", "--only", "reasons_raises,reasons_empty,deferred",
                                "--store-all", NULL), 1, "%s%s", r.out, r.err);
    bf_test_run_free(&r);
    char *rows = bf_test_query(db, "SELECT policy, count(*), min(error) FROM decisions WHERE run_id = 2"
                                   " AND error IS NOT NULL GROUP BY policy ORDER BY policy");
    long long households = bf_test_count_rows(db, "households");
    char want[1024];
    snprintf(want, sizeof want,
             "reasons_empty|%lld|policies/deferred/reasons_empty.lua:4: malformed decision: a "
             "decision that is not eligible needs at least one reason\n"
             "reasons_raises|%lld|policies/deferred/reasons_raises.lua:5: deliberate failure in "
             "the reasons\n", households, households);
    cr_expect_str_eq(rows, want);
    free(rows);
    cr_expect_eq(bf_test_count_rows(db, "decisions WHERE run_id = 1 AND error IS NOT NULL"), 0);
    free(db);
}

/* The shipped scripts defer the reasons of their not-eligible branches: every decision `run`
 * stores is stored by `run --store-all` with the same reasons, details, eligibility, amount and
 * tier (--store-all calls every reasons function), and every decision of --store-all that is
 * not eligible has at least one reason. On the sample county and on 3,000 generated households. */
static void run_equals_store_all(const char *db)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", NULL), 0,
                 "%s%s", r.out, r.err);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--store-all",
                                "--full", NULL), 0, "%s%s", r.out, r.err);
    bf_test_run_free(&r);
    long long kept = bf_test_count_rows(db, "decisions WHERE run_id = 1");
    cr_expect_gt(kept, 0);
    long long same = bf_test_count_rows(db, "decisions a JOIN decisions b ON b.run_id = 2 AND "
        "b.household_id = a.household_id AND b.policy_seq = a.policy_seq AND b.member_seq = a.member_seq "
        "AND b.eligible = a.eligible AND b.amount_fen = a.amount_fen AND b.tier IS a.tier AND "
        "b.reasons = a.reasons AND b.details IS a.details WHERE a.run_id = 1");
    cr_expect_eq(same, kept, "%lld of %lld decisions stored by run are the same with --store-all",
                 same, kept);
    cr_expect_gt(bf_test_count_rows(db, "decisions WHERE run_id = 2"), kept);
    cr_expect_eq(bf_test_count_rows(db, "decisions WHERE run_id = 2 AND eligible = 0 AND "
                                        "(reasons = '[]' OR error IS NOT NULL)"), 0);
    /* what run did not store is not eligible with --store-all: run keeps every eligible one */
    cr_expect_eq(bf_test_count_rows(db, "decisions b WHERE b.run_id = 2 AND b.eligible = 1 AND NOT "
        "EXISTS (SELECT 1 FROM decisions a WHERE a.run_id = 1 AND a.household_id = b.household_id "
        "AND a.policy_seq = b.policy_seq AND a.member_seq = b.member_seq)"), 0);
}

Test(deferred, shipped_scripts_store_the_same_reasons_deferred, .init = bf_test_dir_setup,
     .fini = bf_test_dir_teardown, .timeout = 120)
{
    char *sample = bf_test_county("sample.db", NULL, NULL);
    run_equals_store_all(sample);
    free(sample);
    char *generated = bf_test_county("generated.db", "3000", NULL);
    run_equals_store_all(generated);
    free(generated);
}
