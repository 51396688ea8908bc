/* test_totals.c — the totals of decisions (issue 11, item 5): amounts are summed with overflow
 * checks; a sum beyond int64 fen is an error naming the policy, never a wrapped-around total. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "bangfu.h"
#include "helpers.h"
#include "totals.h"

/* One household, one eligible household-scope decision of policy k for amount fen. */
static void one_decision(bf_result *r, int k, bf_fen amount)
{
    bf_result_reset(r);
    bf_decision *d = bf_result_add(r, k, -1);
    cr_assert_not_null(d);
    d->eligible = true;
    d->amount = amount;
}

Test(totals, a_sum_that_fits_adds_up)
{
    bf_policy pol[1] = {{.id = (char *)"a", .scope = BF_SCOPE_HOUSEHOLD}};
    bf_totals t[1] = {{0}};
    bf_household h = {.n_members = 3};
    bf_result r = {0};
    one_decision(&r, 0, INT64_MAX - 100);
    cr_expect_eq(bf__totals_add(t, pol, &h, &r), BF_OK);
    one_decision(&r, 0, 100);
    cr_expect_eq(bf__totals_add(t, pol, &h, &r), BF_OK, "INT64_MAX exactly still fits");
    cr_expect_eq(t[0].amount, INT64_MAX);
    cr_expect_eq(t[0].households, 2);
    cr_expect_eq(t[0].members, 6);
    cr_expect_eq(bf_totals_check(t, pol, 1, &bf_test_errs), BF_OK, "%s", bf_test_error());
    bf_result_free(&r);
}

Test(totals, one_fen_past_int64_is_an_error_naming_the_policy)
{
    bf_policy pol[2] = {{.id = (char *)"a", .scope = BF_SCOPE_HOUSEHOLD}, {.id = (char *)"huge", .scope = BF_SCOPE_HOUSEHOLD}};
    bf_totals t[2] = {{0}};
    bf_household h = {.n_members = 1};
    bf_result r = {0};
    one_decision(&r, 1, INT64_MAX);
    cr_expect_eq(bf__totals_add(t, pol, &h, &r), BF_OK);
    one_decision(&r, 1, 1);
    cr_expect_eq(bf__totals_add(t, pol, &h, &r), BF_ELIMIT);
    cr_expect(t[1].overflow);
    cr_expect_eq(t[1].amount, INT64_MAX, "the amount is left as it was, not wrapped to a negative");
    cr_expect_eq(bf_totals_check(t, pol, 2, &bf_test_errs), BF_ELIMIT);
    /* INT64_MAX fen = 9,223,372,036,854,775,807 fen = 92,233,720,368,547,758.07 yuan */
    cr_expect(strstr(bf_test_error(), "policy huge add up to more than 92233720368547758.07 yuan"),
              "%s", bf_test_error());
    bf_result_free(&r);
}

Test(totals, policies_that_fit_alone_but_not_together_are_an_error)
{
    bf_policy pol[2] = {{.id = (char *)"a", .scope = BF_SCOPE_HOUSEHOLD}, {.id = (char *)"b", .scope = BF_SCOPE_HOUSEHOLD}};
    bf_totals t[2] = {{0}};
    t[0].amount = INT64_MAX / 2 + 1;
    t[1].amount = INT64_MAX / 2 + 1;           /* together INT64_MAX + 1 */
    cr_expect_eq(bf_totals_check(t, pol, 2, &bf_test_errs), BF_ELIMIT);
    cr_expect(strstr(bf_test_error(), "all policies together add up to more than "
                                      "92233720368547758.07 yuan"), "%s", bf_test_error());
}
