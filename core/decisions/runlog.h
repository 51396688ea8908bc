/* runlog.h — the runs over time: every stored run with its totals, and what differs between two
 * runs (scripts, parameter values, households imported in between). */
#ifndef BF_RUNLOG_H
#define BF_RUNLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

/* A parameter whose value differs between two runs; before/after NULL when one run has none. */
typedef struct bf_param_change {
    char *name, *before, *after;       /* values as the runs recorded them */
} bf_param_change;

/* What differs between an earlier run and a later one. */
typedef struct bf_run_changes {
    char **scripts;                    /* file names whose sha256 differs, or in one run only */
    int n_scripts;
    bf_param_change *params;           /* in the later run's order, then those it lacks */
    int n_params;
    bool date_moved;                   /* the evaluation dates differ */
    bool versions_known;               /* both runs recorded the households' version they read */
    int64_t households_added;          /* households imported new in between */
    int64_t households_reimported;     /* households imported again with changed fields */
} bf_run_changes;

/* Compares run before with run after into *out (zeroed first). BF_OK, or an error with its
 * message in errs. */
int bf__runlog_compare(bf_store *s, const bf_stored_run *before, const bf_stored_run *after,
                      bf_run_changes *out, bf_errors *errs);
/* Frees what bf__runlog_compare filled. */
void bf__run_changes_free(bf_run_changes *c);

/* One stored run with its per-policy totals and what differs from the run before it. */
typedef struct bf_run_entry {
    bf_stored_run run;
    bf_stored_policy *policies;        /* evaluation order; none for a run that never finished */
    int n_policies;
    int64_t previous;                  /* the run before (by id), 0 for the first */
    bf_run_changes changes;            /* against the run before; empty for the first */
} bf_run_entry;

/* Every stored run, oldest first (*out malloc'd). BF_OK, or an error with its message in errs. */
int bf_runlog_list(bf_store *s, bf_run_entry **out, int *n, bf_errors *errs);
/* Frees what bf_runlog_list returned. */
void bf_runlog_free(bf_run_entry *e, int n);

#endif
