/* totals.c — counting decisions into totals (see totals.h). */
#include "totals.h"

void bf_totals_add(bf_policy_totals *totals, const bf_household *h, const bf_result *r,
                   const bf_policy *pol)
{
    int last_counted = -1;
    for (int i = 0; i < r->n; i++) {
        const bf_decision *d = &r->d[i];
        bf_policy_totals *t = &totals[d->policy];
        t->evaluations++;
        if (d->failed)
            t->errors++;
        if (!d->eligible)
            continue;
        t->amount += d->amount;
        if (pol[d->policy].scope == BF_SCOPE_HOUSEHOLD)
            t->members += h->n_members;
        else
            t->members++;
        if (last_counted != d->policy) {     /* decisions of one policy are adjacent */
            t->households++;
            last_counted = d->policy;
        }
    }
}
