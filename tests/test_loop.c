/* test_loop.c — the household loop (eval.c): every decision unit of a household evaluated in one
 * protected call gives exactly the decisions of one protected call per evaluation — all of them,
 * with their text and the parameters read — also when an evaluation in the middle raises, runs
 * out of its instruction budget, returns a malformed decision, fails for one member only, or has
 * kept reasons that fail; and the budget stays per evaluation inside the loop. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "engine.h"
#include "helpers.h"
#include "params.h"

#define LOOP_DIR BF_SOURCE_DIR "/tests/data/policies/loop"
#define RECORDS_DIR BF_SOURCE_DIR "/tests/data/policies/records"
#define BUDGET 100000                /* instructions per evaluation: heavy.lua needs ~80,000 */

typedef bf_test_engine fixture;

/* Opens the policies of dir; no_loop: one protected call per evaluation. */
static void open_dir(fixture *f, const char *dir, bf_text_mode text, bool no_loop, uint64_t budget)
{
    bf_engine_config cfg = {.policies_dir = dir, .jobs = 1, .text = text,
                            .max_instructions = budget, .no_household_loop = no_loop,
                            .track_reads = true};
    bf_test_engine_open(f, cfg, "2021-06-30");
}

/* Opens the loop policies. */
static void open_engine(fixture *f, bf_text_mode text, bool no_loop, uint64_t budget)
{
    open_dir(f, LOOP_DIR, text, no_loop, budget);
}

static void close_engine(fixture *f)
{
    bf_test_engine_close(f);
}

/* Household id of three members, id-1 to id-3, aged 41, 9 and 71 on 2021-06-30. */
static void household(bf_household *h, const char *id)
{
    const char *const births[] = {"1980-06-30", "2011-07-01", "1950-01-01"};
    bf_test_household(h, id, births, 3);
}

/* OK: nothing fails; E1: midfail raises; B1: runaway exhausts the budget; M1: shape is
 * malformed; R1: kept's reasons raise; P1: per_member fails for member P1-2 only. */
static const char *const ids[] = {"OK", "E1", "B1", "M1", "R1", "P1"};
#define N_IDS ((int)(sizeof ids / sizeof ids[0]))

/* Evaluates the six households (one batch) with or without the loop. */
static void evaluate_all(fixture *f, bf_text_mode text, bool no_loop, bf_result *r)
{
    open_engine(f, text, no_loop, BUDGET);
    bf_household hs[N_IDS];
    for (int i = 0; i < N_IDS; i++)
        household(&hs[i], ids[i]);
    memset(r, 0, sizeof *r * N_IDS);
    cr_assert_eq(bf_engine_evaluate(f->engine, hs, N_IDS, 0, r), BF_OK);
    for (int i = 0; i < N_IDS; i++)
        bf_household_free(&hs[i]);
}

static bool same_text(const bf_result *a, int x, const bf_result *b, int y)
{
    const char *s = bf_result_text(a, x), *t = bf_result_text(b, y);
    return (!s && !t) || (s && t && strcmp(s, t) == 0);
}

/* Asserts that two results of household id are the same decision for decision, text included. */
static void expect_same(const char *id, const bf_result *a, const bf_result *b)
{
    cr_assert_eq(a->n, b->n, "%s: %d decisions with the loop, %d without", id, a->n, b->n);
    cr_expect_eq(a->errors, b->errors, "%s", id);
    for (int i = 0; i < a->n; i++) {
        const bf_decision *x = &a->d[i], *y = &b->d[i];
        cr_expect(x->policy == y->policy && x->member == y->member && x->eligible == y->eligible
                  && x->failed == y->failed && x->amount == y->amount, "%s: decision %d", id, i);
        cr_expect(same_text(a, x->tier, b, y->tier), "%s: tier of decision %d", id, i);
        cr_expect(same_text(a, x->reasons, b, y->reasons), "%s: reasons of decision %d: %s | %s",
                  id, i, bf_result_text(a, x->reasons), bf_result_text(b, y->reasons));
        cr_expect(same_text(a, x->details, b, y->details), "%s: details of decision %d", id, i);
        cr_expect(same_text(a, x->error, b, y->error), "%s: error of decision %d: %s | %s", id, i,
                  bf_result_text(a, x->error), bf_result_text(b, y->error));
    }
    cr_assert_eq(a->n_reads, b->n_reads);
    for (int i = 0; i < a->n_reads; i++)
        cr_expect_eq(a->reads[i], b->reads[i], "%s: parameter %d read", id, i);
}

/* Compares both ways of evaluating under text mode `text`, every household. */
static void compare_modes(bf_text_mode text)
{
    fixture looped, alone;
    bf_result a[N_IDS], b[N_IDS];
    evaluate_all(&looped, text, false, a);
    evaluate_all(&alone, text, true, b);
    for (int i = 0; i < N_IDS; i++) {
        expect_same(ids[i], &a[i], &b[i]);
        bf_result_free(&a[i]);
        bf_result_free(&b[i]);
    }
    int n;
    bf_engine_policies(looped.engine, &n);
    const bool *ra = bf_engine_params_read(looped.engine), *rb = bf_engine_params_read(alone.engine);
    for (int i = 0; i < n * bf_engine_params(looped.engine)->n; i++)
        cr_expect_eq(ra[i], rb[i], "policy and parameter %d", i);
    close_engine(&looped);
    close_engine(&alone);
}

Test(loop, every_decision_equals_one_call_per_evaluation_all_text, .timeout = 60)
{
    compare_modes(BF_TEXT_ALL);
}

Test(loop, every_decision_equals_one_call_per_evaluation_run_text, .timeout = 60)
{
    compare_modes(BF_TEXT_ELIGIBLE);
}

/* The error of decision d, or "" when it is none. */
static const char *error_of(const bf_result *r, const bf_decision *d)
{
    const char *s = bf_result_text(r, d->error);
    return d->failed && s ? s : "";
}

/* Asserts that decision d is an error whose message ends with want ("policies/loop/x.lua:6: …";
 * the file is named by its whole path). */
static void expect_error(const bf_result *r, const bf_decision *d, const char *want)
{
    const char *got = error_of(r, d);
    size_t n = strlen(got), m = strlen(want);
    cr_expect(n >= m && strcmp(got + n - m, want) == 0, "got '%s', want '…%s'", got, want);
}

/* Evaluates household id with the loop (BF_TEXT_ALL). */
static void evaluate_one(fixture *f, const char *id, bf_result *r)
{
    open_engine(f, BF_TEXT_ALL, false, BUDGET);
    bf_household h;
    household(&h, id);
    memset(r, 0, sizeof *r);
    cr_assert_eq(bf_engine_evaluate(f->engine, &h, 1, 0, r), BF_OK);
    bf_household_free(&h);
}

Test(loop, an_error_in_the_middle_stays_in_its_evaluation, .timeout = 60)
{
    fixture f;
    bf_result r;
    evaluate_one(&f, "E1", &r);
    const bf_decision *mid = bf_test_decision_of(f.engine, &r, "midfail", -1);
    expect_error(&r, mid, "policies/loop/midfail.lua:7: deliberate failure for E1");
    /* the units before and after it: first 100 yuan; per_member the ages 41, 9, 71 in yuan;
     * after = per_member × base.rate 0.5 → 20.50, 4.50, 35.50 yuan; after reads midfail, so
     * each member's decision is the error that says so */
    cr_expect(!bf_test_decision_of(f.engine, &r, "first", -1)->failed);
    cr_expect_eq(bf_test_decision_of(f.engine, &r, "first", -1)->amount, 10000);
    const bf_fen ages[] = {4100, 900, 7100};
    for (int m = 0; m < 3; m++) {
        cr_expect_eq(bf_test_decision_of(f.engine, &r, "per_member", m)->amount, ages[m]);
        cr_expect_eq(bf_test_decision_of(f.engine, &r, "heavy", m)->failed, false);
        const bf_decision *after = bf_test_decision_of(f.engine, &r, "after", m);
        cr_expect(strstr(error_of(&r, after), "after.lua:6: the decision of midfail is an error"),
                  "%s", error_of(&r, after));
    }
    cr_expect(!bf_test_decision_of(f.engine, &r, "kept", -1)->failed);
    cr_expect_eq(r.errors, 4, "midfail and after for three members");
    bf_result_free(&r);
    close_engine(&f);
}

Test(loop, budget_exhaustion_inside_the_loop, .timeout = 60)
{
    fixture f;
    bf_result r;
    evaluate_one(&f, "B1", &r);
    const bf_decision *run = bf_test_decision_of(f.engine, &r, "runaway", -1);
    expect_error(&r, run, "policies/loop/runaway.lua:6: instruction budget of 100000 instructions exceeded");
    /* after requires runaway: an error for each member; the others are made: 41 × 0.5 etc. */
    for (int m = 0; m < 3; m++)
        cr_expect(strstr(error_of(&r, bf_test_decision_of(f.engine, &r, "after", m)),
                         "the decision of runaway is an error"));
    cr_expect(!bf_test_decision_of(f.engine, &r, "shape", -1)->failed);
    cr_expect(!bf_test_decision_of(f.engine, &r, "kept", -1)->failed);
    cr_expect_str_eq(bf_result_text(&r, bf_test_decision_of(f.engine, &r, "kept", -1)->reasons),
                     "[\"保留 B1\"]");
    cr_expect_eq(r.errors, 4);
    bf_result_free(&r);
    close_engine(&f);
}

Test(loop, a_member_scope_policy_failing_for_one_member_only, .timeout = 60)
{
    fixture f;
    bf_result r;
    evaluate_one(&f, "P1", &r);
    expect_error(&r, bf_test_decision_of(f.engine, &r, "per_member", 1), "policies/loop/per_member.lua:6: member P1-2 fails");
    /* members 1 and 3 (ages 41 and 71): per_member 41 and 71 yuan, after half of it */
    cr_expect_eq(bf_test_decision_of(f.engine, &r, "per_member", 0)->amount, 4100);
    cr_expect_eq(bf_test_decision_of(f.engine, &r, "per_member", 2)->amount, 7100);
    cr_expect_eq(bf_test_decision_of(f.engine, &r, "after", 0)->amount, 2050);
    cr_expect_eq(bf_test_decision_of(f.engine, &r, "after", 2)->amount, 3550);
    cr_expect_str_eq(bf_result_text(&r, bf_test_decision_of(f.engine, &r, "after", 2)->tier), "P1-3");
    cr_expect(strstr(error_of(&r, bf_test_decision_of(f.engine, &r, "after", 1)),
                     "the decision of per_member for member P1-2 is an error"),
              "%s", error_of(&r, bf_test_decision_of(f.engine, &r, "after", 1)));
    cr_expect_eq(r.errors, 2);
    bf_result_free(&r);
    close_engine(&f);
}

Test(loop, malformed_decisions_and_failing_kept_reasons, .timeout = 60)
{
    fixture f;
    bf_result r;
    evaluate_one(&f, "M1", &r);
    expect_error(&r, bf_test_decision_of(f.engine, &r, "shape", -1), "policies/loop/shape.lua:6: malformed decision: eligible must be true or "
                     "false, got string");
    cr_expect_eq(r.errors, 4, "shape and after for three members");
    bf_result_free(&r);
    close_engine(&f);
    evaluate_one(&f, "R1", &r);
    expect_error(&r, bf_test_decision_of(f.engine, &r, "kept", -1), "policies/loop/kept.lua:8: the reasons of R1 fail");
    for (int m = 0; m < 3; m++)           /* the loop went on after kept, which is an error now */
        expect_error(&r, bf_test_decision_of(f.engine, &r, "after", m),
                     "policies/loop/after.lua:10: the decision of kept is an error, so this one "
                     "cannot be made");
    cr_expect_eq(r.errors, 4);
    bf_result_free(&r);
    close_engine(&f);
}

/* heavy.lua runs ~80,000 instructions per member: counted from each evaluation's start (the hook
 * forced on, as the bench's second way does) the three members of one loop stay within 100,000
 * each; with a budget of 50,000 each of them alone is over it. */
Test(loop, the_budget_counts_each_evaluation_of_the_loop, .timeout = 60)
{
    for (int tight = 0; tight < 2; tight++) {
        fixture f;
        open_engine(&f, BF_TEXT_ELIGIBLE, false, tight ? 50000 : BUDGET);
        bf_engine_always_count(f.engine, true);
        bf_household h;
        household(&h, "OK");
        bf_result r = {0};
        cr_assert_eq(bf_engine_evaluate(f.engine, &h, 1, 0, &r), BF_OK);
        for (int m = 0; m < 3; m++) {
            const bf_decision *d = bf_test_decision_of(f.engine, &r, "heavy", m);
            cr_expect_eq(d->failed, tight == 1, "member %d: %s", m, error_of(&r, d));
            if (tight)
                cr_expect(strstr(error_of(&r, d), "instruction budget of 50000 instructions exceeded"));
        }
        cr_expect_eq(r.errors, tight ? 3 : 0);
        bf_result_free(&r);
        bf_household_free(&h);
        close_engine(&f);
    }
}

/* The loop is what evaluates: far fewer protected calls than decisions. OK has 5 household
 * units and 3 × 3 member units; the loop returns once for kept's reasons (one protected call),
 * then goes on with after and heavy (kept comes before them: after requires it): 3 calls in
 * all, against 14 + 1 one by one. */
Test(loop, one_protected_call_per_household, .timeout = 60)
{
    for (int no_loop = 0; no_loop < 2; no_loop++) {
        fixture f;
        open_engine(&f, BF_TEXT_ELIGIBLE, no_loop, BUDGET);
        bf_household h;
        household(&h, "OK");
        bf_result r = {0};
        bf_sandbox_stats before, after;
        bf_engine_stats(f.engine, &before);
        cr_assert_eq(bf_engine_evaluate(f.engine, &h, 1, 0, &r), BF_OK);
        bf_engine_stats(f.engine, &after);
        cr_expect_eq(r.n, 14);
        cr_expect_eq(after.calls - before.calls, no_loop ? 15u : 3u, "%s: %llu calls",
                     no_loop ? "one by one" : "loop", (unsigned long long)(after.calls - before.calls));
        bf_result_free(&r);
        bf_household_free(&h);
        close_engine(&f);
    }
}

/* ---- the record tables: only what changed is pushed ---- */

/* Household id with n members whose fields vary with `variant`, so that two households differ
 * in every kind of field: texts present or absent, money, booleans, enums, integers. */
static void varied(bf_household *h, const char *id, int n, int variant)
{
    memset(h, 0, sizeof *h);
    bf_household_reset(h);
    snprintf(h->id, sizeof h->id, "%s", id);
    strcpy(h->town, variant ? "乳城镇" : "桂头镇");
    strcpy(h->village, "中心村");
    strcpy(h->recorded, variant == 1 ? "echo" : "");
    h->wage = variant * 123456;
    h->has_previous = variant == 2;
    h->previous = 5000;
    h->housing_safe = variant != 1;
    h->extra_houses = variant;
    for (int i = 0; i < n; i++) {
        bf_member *m = bf_household_add_member(h);
        snprintf(m->id, sizeof m->id, "%s-%d", id, i + 1);
        if (variant == 1)
            strcpy(m->name, "张三");
        bf_date_parse(variant ? "1950-01-01" : "1990-05-05", &m->birth);
        m->sex = (bf_sex)(variant % 2);
        m->disability = variant + i;
        m->medical_cost = variant ? 150 : 0;
        m->supporter = variant == 2;
    }
}

/* Each household's details (every field the script sees) equal those of the same household
 * evaluated first in a fresh engine: after a household with other values, more members, fewer
 * members, the same values. */
Test(loop, the_record_tables_show_each_household_as_it_is, .timeout = 60)
{
    static const struct { const char *id; int members, variant; } seq[] = {
        {"H1", 3, 0}, {"H2", 3, 1}, {"H3", 1, 2}, {"H4", 4, 0}, {"H5", 4, 0}, {"H6", 2, 1},
    };
    enum { N = sizeof seq / sizeof seq[0] };
    bf_household hs[N];
    for (int i = 0; i < N; i++)
        varied(&hs[i], seq[i].id, seq[i].members, seq[i].variant);
    fixture f;
    open_dir(&f, RECORDS_DIR, BF_TEXT_ALL, false, 0);
    bf_result r[N];
    memset(r, 0, sizeof r);
    cr_assert_eq(bf_engine_evaluate(f.engine, hs, N, 0, r), BF_OK);
    close_engine(&f);
    for (int i = 0; i < N; i++) {
        fixture alone;
        open_dir(&alone, RECORDS_DIR, BF_TEXT_ALL, false, 0);
        bf_result a = {0};
        cr_assert_eq(bf_engine_evaluate(alone.engine, &hs[i], 1, 0, &a), BF_OK);
        cr_assert_eq(r[i].n, 1);
        cr_assert_eq(a.n, 1);
        cr_expect(!r[i].d[0].failed, "%s", bf_result_text(&r[i], r[i].d[0].error));
        cr_expect_str_eq(bf_result_text(&r[i], r[i].d[0].details), bf_result_text(&a, a.d[0].details),
                         "%s", seq[i].id);
        bf_result_free(&a);
        bf_result_free(&r[i]);
        close_engine(&alone);
        bf_household_free(&hs[i]);
    }
}
