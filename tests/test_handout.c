/* test_handout.c — the decision library's reused tables (core/engine/decision_lib.c): a decision
 * that `return decision.…(…)` hands straight back to the host goes into a table the host reuses
 * per decision slot, and no script can tell: what ctx.decision shows of it is that household's
 * decision and nothing of the one the table held before; decisions a script keeps, changes, makes
 * twice, makes through pcall or in a function of its own, or makes inside its reasons function,
 * are new tables, and what a script did to one never reaches another evaluation. The same with
 * the household loop and with one protected call per evaluation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "bangfu.h"
#include "engine.h"
#include "helpers.h"

#define HANDOUT_DIR BF_SOURCE_DIR "/tests/data/policies/handout"

/* Households: "A…" make first and each's first member eligible, "B…" do not; alternating, so
 * that every reused table goes from one kind of decision to the other. */
static const char *const ids[] = {"A1", "B2", "A3", "B4"};
#define N_IDS ((int)(sizeof ids / sizeof ids[0]))
#define MEMBERS 2

static void household(bf_household *h, const char *id)
{
    const char *const births[MEMBERS] = {"1980-06-30", "1980-06-30"};
    bf_test_household(h, id, births, MEMBERS);
}

/* Checks decision (id, member) of r: not an error, eligible, amount in fen, reasons JSON. */
static void expect(const bf_engine *e, const bf_result *r, const char *id, int member,
                   bool eligible, long long fen, const char *reasons)
{
    const bf_decision *d = bf_test_decision_of(e, r, id, member);
    cr_assert(!d->failed, "%s: %s", id, bf_result_text(r, d->error));
    cr_expect_eq(d->eligible, eligible, "%s member %d", id, member);
    cr_expect_eq(d->amount, fen, "%s member %d", id, member);
    cr_expect_str_eq(bf_result_text(r, d->reasons), reasons, "%s member %d", id, member);
}

/* Evaluates the households twice (two batches: the tables are reused across batches too), with
 * the household loop or without, keeping every reason, and checks every decision. */
static void evaluate_and_check(bool no_loop)
{
    bf_test_engine f;
    bf_engine_config cfg = {.policies_dir = HANDOUT_DIR, .jobs = 1, .text = BF_TEXT_ALL,
                            .no_household_loop = no_loop};
    bf_test_engine_open(&f, cfg, "2021-06-30");
    for (int batch = 0; batch < 2; batch++) {
        bf_household hs[N_IDS];
        bf_result r[N_IDS];
        memset(r, 0, sizeof r);
        for (int i = 0; i < N_IDS; i++)
            household(&hs[i], ids[i]);
        cr_assert_eq(bf_engine_evaluate(f.engine, hs, N_IDS, 0, r), BF_OK);
        for (int i = 0; i < N_IDS; i++) {
            const char *id = ids[i];
            bool a = id[0] == 'A';
            char want[512];
            const bf_engine *e = f.engine;
            cr_expect_eq(r[i].errors, a ? 0 : 1, "%s: odd's error only", id);
            snprintf(want, sizeof want, a ? "[\"符合 %s\"]" : "[\"不符合 %s\"]", id);
            expect(e, &r[i], "first", -1, a, a ? 10000 : 0, want);
            /* what reader sees of first: the fields of this household's decision only */
            if (a)
                snprintf(want, sizeof want,
                         "[\"amount,details,eligible,reasons,tier|true|100|甲档|符合 %s|1\"]", id);
            else
                snprintf(want, sizeof want, "[\"amount,eligible,reasons|false|0|nil|不符合 %s|无\"]",
                         id);
            expect(e, &r[i], "reader", -1, false, 0, want);
            snprintf(want, sizeof want, "[\"甲 %s\",\"改 %s\"]", id, id);
            expect(e, &r[i], "keeper", -1, false, 0, want);
            snprintf(want, sizeof want, "[\"丁 %s\"]", id);
            expect(e, &r[i], "relay", -1, false, 0, want);
            snprintf(want, sizeof want, "[\"理由 %s\",\"内 %s\"]", id, id);
            expect(e, &r[i], "sly", -1, true, 100, want);
            /* odd: what the quick intake leaves to the full one, taken by it */
            if (a) {
                snprintf(want, sizeof want, "[\"明细 %s\"]", id);
                expect(e, &r[i], "odd", -1, false, 0, want);
                const bf_decision *d = bf_test_decision_of(e, &r[i], "odd", -1);
                cr_expect_str_eq(bf_result_text(&r[i], d->details), "{\"n\":2}");
            } else {
                const bf_decision *d = bf_test_decision_of(e, &r[i], "odd", -1);
                const char *msg = bf_result_text(&r[i], d->error);
                const char *tail = id[1] == '2'
                    ? "/odd.lua:12: malformed decision: reasons[1] is not valid UTF-8 text"
                    : "/odd.lua:14: malformed decision: reasons[1] is 4098 bytes long; a reason may "
                      "have at most 4096 bytes";
                cr_assert(d->failed && msg, "%s", id);
                cr_expect(strlen(msg) > strlen(tail) && !strcmp(msg + strlen(msg) - strlen(tail), tail),
                          "%s: %s", id, msg);
            }
            for (int m = 0; m < MEMBERS; m++) {
                bool el = a && m == 0;
                snprintf(want, sizeof want, el ? "[\"符合 %s-%d\"]" : "[\"不符合 %s-%d\"]", id, m + 1);
                expect(e, &r[i], "each", m, el, el ? 1000 : 0, want);
                snprintf(want, sizeof want, el ? "[\"true|乙档|符合 %s-%d\"]"
                                               : "[\"false|nil|不符合 %s-%d\"]", id, m + 1);
                expect(e, &r[i], "each_reader", m, false, 0, want);
            }
            bf_result_free(&r[i]);
            bf_household_free(&hs[i]);
        }
        /* handed over in a reused table: first, sly, each (per member) and odd, which end in
         * `return decision.…(…)`; none of keeper's, relay's or sly's reasons'. odd's two errors
         * are evaluated again to find the line of the return, and with the loop once more alone
         * after the loop stopped at them: 2 + 2 * (2 or 3) of odd's per batch */
        long odd = 2 + 2 * (no_loop ? 2 : 3);
        cr_expect_eq(bf_engine_decisions_reused(f.engine),
                     (long)(batch + 1) * (N_IDS * (2 + MEMBERS) + odd));
    }
    bf_test_engine_close(&f);
}

Test(handout, reused_tables_show_nothing_of_another_evaluation_with_the_loop)
{
    evaluate_and_check(false);
}

Test(handout, reused_tables_show_nothing_of_another_evaluation_one_call_each)
{
    evaluate_and_check(true);
}
