/* totals.h — the totals of decisions: per policy the evaluations, the households and members
 * it finds eligible, its yearly amount and its errors. run, tally and simulate count with it. */
#ifndef BF_TOTALS_H
#define BF_TOTALS_H

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
} bf_policy_totals;

/* Adds one household's decisions into per-policy totals (indexed by policy). */
void bf_totals_add(bf_policy_totals *totals, const bf_household *h, const bf_result *r,
                   const bf_policy *pol);

#endif
