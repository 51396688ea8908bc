/* rerun.h — the monthly re-run: take the decisions of the latest completed run for every
 * household whose evaluation cannot have changed, evaluate the others, and store only those. */
#ifndef BF_RERUN_H
#define BF_RERUN_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "errors.h"
#include "params.h"
#include "run.h"
#include "store.h"

/* Which households a run must evaluate when it compares with an earlier run. */
typedef struct bf_rerun_plan {
    int64_t base;                      /* the run compared with; 0: evaluate every household */
    char why[300];                     /* when base is 0: why, as a sentence */
    bf_stored_run base_run;            /* run `base` */
    bf_idlist evaluate;                /* sorted: imported since, read a changed parameter, or
                                        * with an age that the new date changes */
} bf_rerun_plan;

/* Plans a run of engine on set's date and values against the latest completed run of every
 * policy: a household is taken over when its record is the version that run read, when no
 * parameter it read has another value, when no script has another sha256, and when the date
 * leaves its members' ages the same (and no script read ctx.date). BF_OK with plan->base 0 and
 * plan->why when nothing can be taken over; or an error with its message in errs. */
int bf_rerun_plan_make(bf_store *store, const bf_engine *engine, const bf_param_set *set,
                       bool store_all, bf_rerun_plan *plan, bf_errors *errs);
/* Frees a plan. */
void bf_rerun_plan_free(bf_rerun_plan *plan);

/* Runs plan (base not 0): evaluates the planned households, stores their decisions, the ranges
 * of households whose decisions run plan->base holds, and totals and tally for the whole
 * county as a full run would. out->households counts the whole county; *evaluated the
 * households evaluated. Returns as bf_run_execute. */
int bf_rerun_execute(bf_store *store, bf_engine *engine, const bf_param_set *set,
                     const bf_run_options *opt, const bf_rerun_plan *plan, bf_run_summary *out,
                     int64_t *evaluated, bf_errors *errs);

#endif
