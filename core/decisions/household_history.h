/* household_history.h — one household over time (bangfu history): its versions and its
 * decisions in every completed run, each marked when it differs from the run before. */
#ifndef BF_HOUSEHOLD_HISTORY_H
#define BF_HOUSEHOLD_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "rundiff.h"
#include "store.h"

/* One decision of the household in one run. */
typedef struct bf_history_decision {
    char *policy, *title, *member;     /* member NULL for household scope */
    bf_diff_side side;                 /* a decision the run did not store is not eligible */
    bool changed;                      /* differs from the run before (always false in the first) */
} bf_history_decision;

typedef struct bf_history_run {
    bf_stored_run run;
    int64_t version;                   /* the household's version it read; 0 not stored yet,
                                        * -1 not known (a run made before versions) */
    bf_history_decision *decisions;    /* the stored ones in evaluation order, then those that
                                        * were eligible in the run before and are not stored */
    int n_decisions;
} bf_history_run;

typedef struct bf_household_history {
    char *id;
    char *town, *village;              /* as stored now; "" when the household is gone */
    bf_household_version *versions;
    int n_versions;
    bf_history_run *runs;              /* every completed run, oldest first */
    int n_runs;
} bf_household_history;

/* Loads the history of household id into *out. BF_OK; BF_ENOTFOUND (with its message in errs)
 * when the store never had it; or an error with its message in errs. */
int bf_household_history_load(bf_store *s, const char *id, bf_household_history *out,
                              bf_errors *errs);
/* Frees what bf_household_history_load filled. */
void bf_household_history_free(bf_household_history *h);

#endif
