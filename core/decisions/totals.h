/* totals.h — counting decisions, written once for the whole program: per policy the
 * evaluations, the households and members it finds eligible, its yearly amount and its errors;
 * and the towns in the order they are met. run, tally, simulate and the run's report count
 * with it. Amounts are added with overflow checks (a total that does not fit is marked). */
#ifndef BF_TOTALS_H
#define BF_TOTALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "errors.h"
#include "household.h"
#include "money.h"

typedef struct bf_totals {
    int64_t evaluations;
    int64_t households;        /* households with at least one eligible decision */
    int64_t members;           /* eligible member decisions, or members of eligible households */
    bf_fen amount;             /* total yearly amount */
    int64_t errors;
    bool overflow;             /* an amount did not fit beside the others: amount is no total */
} bf_totals;

/* The members one eligible decision of policy p counts: under household scope every member of
 * household h (the household is the unit), under member scope the member alone. */
int bf__totals_members(const bf_policy *p, const bf_household *h);
/* Adds household h's decisions r->d[from..to), which are all of policy p, into t. */
void bf__totals_add_policy(bf_totals *t, const bf_policy *p, const bf_household *h,
                           const bf_result *r, int from, int to);
/* Adds every decision of household h into per-policy totals (indexed by policy; pol is the
 * engine's policy array). BF_OK, or BF_ELIMIT when a policy's amounts add up to more than bf_fen
 * holds (its overflow is set, its amount left short of that decision). */
int bf__totals_add(bf_totals *per_policy, const bf_policy *pol, const bf_household *h,
                   const bf_result *r);
/* Adds household h into t when it is eligible for at least one reported policy (the --only
 * selection): one household, its members, the amount of its eligible reported decisions. */
void bf__totals_add_any(bf_totals *t, const bf_policy *pol, const bf_household *h,
                       const bf_result *r);
/* The end of the decisions of one policy starting at r->d[from] (they are adjacent). */
int bf__totals_policy_end(const bf_result *r, int from);
/* t += x. */
void bf__totals_sum(bf_totals *t, const bf_totals *x);
/* Whether the n policies' amounts, each and all together, are totals: BF_OK, or BF_ELIMIT with
 * a sentence for the user in errs (naming the policy whose amounts overflowed). */
int bf_totals_check(const bf_totals *totals, const bf_policy *pol, int n, bf_errors *errs);
/* t += to − from: one household's contribution `from` replaced by `to`. */
void bf__totals_move(bf_totals *t, const bf_totals *from, const bf_totals *to);

/* Towns by name, numbered in order of first appearance (a hash table: a county has a few, a
 * run meets them a million times). Zero-initialised is empty. */
typedef struct bf_towns {
    char **names;              /* by number */
    int n, cap;
    int *slots;                /* open addressing: town number + 1, 0 empty */
    int n_slots;               /* a power of two, at least twice n */
} bf_towns;

/* The number of town name, added when new (then it is t->n − 1); -1 when out of memory. */
int bf__towns_find(bf_towns *t, const char *name);
/* Frees the names and the table; t is empty afterwards. */
void bf__towns_free(bf_towns *t);
/* The row of town i (a number from bf__towns_find) in a caller's table of per-town rows, size
 * bytes each: rows is the address of the table's pointer, holding *n rows in room for *cap. A
 * town met for the first time (i == *n) gets a zeroed row and *n grows by one. The row, or NULL
 * when out of memory. */
void *bf__towns_row(void *rows, int *n, int *cap, size_t size, int i);

#endif
