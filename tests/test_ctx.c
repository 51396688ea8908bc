/* test_ctx.c — ctx.decision and ctx.age find a required policy and a member however a script
 * names them: the policy by a literal or by a string built at run time (both interned by Lua,
 * found by address), or by a string too long to be interned (found through the requires table);
 * the member by its table (found by address) or by its id; and refuse what is neither, with the
 * messages of before. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "engine.h"
#include "helpers.h"
#include "params.h"

#define CTX_DIR BF_SOURCE_DIR "/tests/data/policies/ctx"

typedef bf_test_engine fixture;

static void open_engine(fixture *f)
{
    bf_engine_config cfg = {.policies_dir = CTX_DIR, .jobs = 1, .text = BF_TEXT_ALL};
    bf_test_engine_open(f, cfg, "2021-06-30");
}

static void close_engine(fixture *f)
{
    bf_test_engine_close(f);
}


static const bf_decision *decision_of(const bf_engine *e, const bf_result *r, const char *id)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    for (int i = 0; i < r->n; i++)
        if (strcmp(pol[r->d[i].policy].id, id) == 0 && r->d[i].member == -1)
            return &r->d[i];
    cr_assert_fail("no household decision of %s", id);
    return NULL;
}

/* Asserts that the household decision of policy id is an error containing want. */
static void expect_error(const bf_engine *e, const bf_result *r, const char *id, const char *want)
{
    const bf_decision *d = decision_of(e, r, id);
    const char *msg = bf_result_text(r, d->error);
    cr_expect(d->failed && msg && strstr(msg, want), "%s: got '%s', want '…%s…'", id,
              msg ? msg : "(no error)", want);
}

Test(ctx, decisions_and_ages_found_however_they_are_named, .timeout = 60)
{
    fixture f;
    open_engine(&f);
    /* two households in one batch: the second reuses the first one's member tables */
    static const char *const three[] = {"1980-06-30", "2011-07-01", "1950-01-01"};
    static const char *const one[] = {"2000-01-01"};
    bf_household hs[2];
    bf_test_household(&hs[0], "A", three, 3);
    bf_test_household(&hs[1], "B", one, 1);
    bf_result r[2] = {0};
    cr_assert_eq(bf_engine_evaluate(f.engine, hs, 2, 0, r), BF_OK);
    /* ages on 2021-06-30: 41 (born 1980-06-30, birthday that day), 9 (born 2011-07-01, birthday
     * the next day), 71; reader = base 100 + per member ages' amount by table + by id + ctx.age
     * by id = 100 + 3 × (41 + 9 + 71) = 463 yuan */
    const bf_decision *a = decision_of(f.engine, &r[0], "reader");
    cr_expect(!a->failed && a->amount == 46300, "A: reader %lld fen (failed %d: %s)",
              (long long)a->amount, a->failed, bf_result_text(&r[0], a->error));
    /* B: one member aged 21 → 100 + 3 × 21 = 163 yuan */
    const bf_decision *b = decision_of(f.engine, &r[1], "reader");
    cr_expect(!b->failed && b->amount == 16300, "B: reader %lld fen", (long long)b->amount);
    for (int i = 0; i < 2; i++) {
        expect_error(f.engine, &r[i], "long_id",
                     "policy 'basebasebasebasebasebasebasebasebasebasebase' is not in the "
                     "requires of long_id");
        expect_error(f.engine, &r[i], "stranger", "not a member of this household");
        expect_error(f.engine, &r[i], "other_member", "not a member of this household");
        bf_result_free(&r[i]);
        bf_household_free(&hs[i]);
    }
    close_engine(&f);
}
