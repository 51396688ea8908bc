/* simulate.h — what-if: the baseline (parameters in force) against a scenario (overrides) on the
 * same records and date, re-evaluating only the policies whose result can change; nothing is
 * written to the store. */
#ifndef BF_SIMULATE_H
#define BF_SIMULATE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "errors.h"
#include "params.h"
#include "run.h"
#include "store.h"
#include "totals.h"
#include "whatif.h"

typedef struct bf_sim_policy {
    bf_totals baseline, scenario;
    int64_t gained, lost, raised, cut;   /* decision units: not eligible → eligible, … */
    int64_t reevaluated;                 /* households where it was evaluated again */
    int64_t errors;                      /* error decisions, baseline and scenario */
} bf_sim_policy;

typedef struct bf_sim_town {
    const char *town;                    /* borrowed from town_numbers */
    bf_totals *baseline, *scenario;  /* per policy */
    bf_wi_counts *counts;                /* per policy: gained, lost, … in its unit */
    int64_t households;                  /* every household of the town */
    int64_t better, worse;               /* households whose total rose / fell */
} bf_sim_town;

/* One changed decision unit (a household for household scope, a member for member scope). */
typedef struct bf_sim_change {
    char household[BF_ID_BYTES];
    char member[BF_ID_BYTES];            /* "" for household scope */
    int policy;
    bool before_eligible, after_eligible;
    bf_fen before_amount, after_amount;
    char before_tier[64], after_tier[64];
} bf_sim_change;

typedef struct bf_sim_result {
    int n_policies;
    bf_sim_policy *policies;             /* evaluation order */
    bf_sim_town *towns;                  /* in order of first appearance */
    int n_towns;
    bf_towns town_numbers;               /* towns[i].town is town number i */
    bf_sim_change *changes;              /* the first `limit` changed units (all with limit 0),
                                          * in household order */
    int n_changes, cap_changes;
    int64_t changed_total;               /* all changed units */
    int64_t households;
    int64_t evaluated;                   /* households read and evaluated: all of them, or with a
                                          * stored run's tally only those that read a changed
                                          * parameter (the others cannot change) */
    double seconds;
    int64_t baseline_run;                /* the stored run that served as the baseline, or 0 */
    const bf_override *sets;             /* the scenario as given (borrowed from the options) */
    bf_override_effect *effects;         /* per set: the value in force, whether it applies */
    int n_sets;
    bf_errors warnings;                  /* sets that change nothing */
    bf_wi_view view;                     /* the households whose total changes */
} bf_sim_result;

/* How the baseline is made. */
#define BF_BASELINE_AUTO  (-1)           /* a matching stored run if there is one, else evaluate */
#define BF_BASELINE_EVAL  0              /* always evaluate it */

typedef struct bf_sim_options {
    int64_t baseline_run;                /* BF_BASELINE_AUTO, BF_BASELINE_EVAL, or the id of a
                                          * stored run with the same date, parameter values and
                                          * file hashes, whose decisions and recorded parameter
                                          * reads then serve as the baseline */
    int limit;                           /* changed decisions and households listed; 0: all */
    bf_wi_select households;             /* which households the household view lists */
    const bf_override *sets;             /* the scenario's overrides as given: described in the
                                          * result (value in force → value, warnings) */
    int n_sets;
    volatile sig_atomic_t *interrupted;  /* may be NULL */
} bf_sim_options;

/* Evaluates every stored household under both parameter sets of the engine (it must have been
 * opened with 2 sets) and fills out: everything every rendering shows. BF_OK, or an error
 * (message in errs). */
int bf_simulate(bf_store *store, bf_engine *engine, const bf_param_set *baseline,
                const bf_param_set *scenario, const bf_sim_options *opts, bf_sim_result *out,
                bf_errors *errs);
/* A scenario file (urn:bangfu:scenario:1): its name and overrides. */
typedef struct bf_scenario {
    char *name;
    bf_override *sets;
    int n_sets;
} bf_scenario;

/* Loads and validates a scenario file; errors name file:line. */
int bf_scenario_load(const char *path, bf_scenario *out, bf_errors *errs);
/* Frees a scenario. */
void bf_scenario_free(bf_scenario *s);

/* Frees a result. */
void bf_sim_result_free(bf_sim_result *r);

#endif
