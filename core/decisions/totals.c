/* totals.c — counting decisions into totals (see totals.h). Amounts are summed with overflow
 * checks: a decision may carry up to BF_FEN_MAX, and some ten thousand such decisions pass what
 * int64 fen hold, so a script giving absurd amounts must fail the run, not wrap it around. */
#include "totals.h"
#include "bangfu.h"
#include "i18n.h"

#include <stdio.h>

int bf_totals_add(bf_policy_totals *totals, const bf_household *h, const bf_result *r,
                  const bf_policy *pol)
{
    int rc = BF_OK;
    int last_counted = -1;
    for (int i = 0; i < r->n; i++) {
        const bf_decision *d = &r->d[i];
        bf_policy_totals *t = &totals[d->policy];
        t->evaluations++;
        if (d->failed)
            t->errors++;
        if (!d->eligible)
            continue;
        if (!bf_fen_add(&t->amount, d->amount)) {
            t->overflow = true;
            rc = BF_ELIMIT;
        }
        if (pol[d->policy].scope == BF_SCOPE_HOUSEHOLD)
            t->members += h->n_members;
        else
            t->members++;
        if (last_counted != d->policy) {     /* decisions of one policy are adjacent */
            t->households++;
            last_counted = d->policy;
        }
    }
    return rc;
}

int bf_totals_check(const bf_policy_totals *totals, const bf_policy *pol, int n, char *msg,
                    size_t msglen)
{
    char most[BF_MONEY_STRLEN];
    bf_money_format(INT64_MAX, most);
    bf_fen all = 0;
    bool all_fit = true;
    for (int k = 0; k < n; k++) {
        if (totals[k].overflow) {
            snprintf(msg, msglen, _("the yearly amounts of policy %s add up to more than %s yuan, "
                                    "the most bangfu can count: its script gives absurd amounts"),
                     pol[k].id, most);
            return BF_ELIMIT;
        }
        all_fit = all_fit && bf_fen_add(&all, totals[k].amount);
    }
    if (!all_fit) {
        snprintf(msg, msglen, _("the yearly amounts of all policies together add up to more than "
                                "%s yuan, the most bangfu can count: a script gives absurd amounts"),
                 most);
        return BF_ELIMIT;
    }
    return BF_OK;
}
