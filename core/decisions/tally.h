/* tally.h — what a run counts besides its decisions, so that a simulation can later take its
 * baseline from the stored run without reading every household: per town (in order of first
 * appearance) and policy the eligible households, members and amount; per parameter the
 * households whose evaluations read it, until it has been read by so many (more than one in
 * twenty households, at least 100) that it counts as read by everyone. */
#ifndef BF_TALLY_H
#define BF_TALLY_H

#include "engine.h"
#include "household.h"
#include "params.h"
#include "store.h"
#include "totals.h"

#include <stdint.h>

typedef struct bf_tally bf_tally;

/* The policy_seq of a town's run_towns row that counts all its households and members, whatever
 * their decisions (amount 0). */
#define BF_TALLY_ALL_HOUSEHOLDS (-1)
/* The policy_seq of a town's run_towns row that counts the households eligible for at least
 * one reported policy, their members and the amount of every eligible decision: the town
 * table of the run's report. */
#define BF_TALLY_ANY_POLICY (-2)

/* A tally over a run of `households` households (the count decides when a parameter counts as
 * read by everyone); BF_OK or BF_ENOMEM. */
int bf__tally_new(const bf_params *defs, const bf_policy *pol, int n_pol, int64_t households,
                 bf_tally **out);

/* Adds one household's decisions and parameter reads (r->reads; a household with an error
 * decision counts as having read every parameter). The parameters that have just come to count
 * as read by everyone are written to newly (room for every parameter), their number to
 * *n_newly. BF_OK or BF_ENOMEM. */
int bf__tally_add(bf_tally *t, const bf_household *h, const bf_result *r, int *newly, int *n_newly);

/* Writes the parameter reads of run run_id (run_param_reads) inside the caller's transaction:
 * for a run of every household and policy, which a simulation can take as its baseline. */
int bf__tally_store_reads(const bf_tally *t, bf_store *store, int64_t run_id, bf_errors *errs);
/* Writes the town totals of run run_id (run_towns: per town the rows of every reported policy,
 * BF_TALLY_ALL_HOUSEHOLDS and BF_TALLY_ANY_POLICY) inside the caller's transaction. */
int bf__tally_store_towns(const bf_tally *t, bf_store *store, int64_t run_id, bf_errors *errs);

/* Frees the tally. NULL is allowed. */
void bf__tally_free(bf_tally *t);

#endif
