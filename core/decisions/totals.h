/* totals.h — the totals of decisions: per policy the evaluations, the households and members
 * it finds eligible, its yearly amount and its errors. run, tally and simulate count with it. */
#ifndef BF_TOTALS_H
#define BF_TOTALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "household.h"
#include "money.h"

typedef struct bf_policy_totals {
    int64_t evaluations;
    int64_t households;        /* households with at least one eligible decision */
    int64_t members;           /* eligible member decisions, or members of eligible households */
    bf_fen amount;             /* total yearly amount */
    int64_t errors;
    bool overflow;             /* an amount did not fit beside the others: amount is no total */
} bf_policy_totals;

/* Adds one household's decisions into per-policy totals (indexed by policy). BF_OK, or BF_ELIMIT
 * when a policy's amounts add up to more than bf_fen holds (its overflow is set, its amount
 * left short of that decision). */
int bf_totals_add(bf_policy_totals *totals, const bf_household *h, const bf_result *r,
                  const bf_policy *pol);
/* Whether the n policies' amounts, each and all together, are totals: BF_OK, or BF_ELIMIT with
 * a sentence for the user in msg (naming the policy whose amounts overflowed). */
int bf_totals_check(const bf_policy_totals *totals, const bf_policy *pol, int n, char *msg,
                    size_t msglen);

#endif
