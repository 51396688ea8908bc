/* run.h — a whole-county run: stream households from the store through the engine, store the
 * decisions and an audit record (files' hashes, parameter values), summarise per policy. */
#ifndef BF_RUN_H
#define BF_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "buf.h"
#include "errors.h"
#include "params.h"
#include "store.h"
#include "totals.h"

typedef struct bf_run_summary {
    int64_t run_id;
    int64_t households;
    int64_t evaluations;
    int64_t errors;
    double seconds;
    const char *status;        /* "completed", "completed_with_errors", "interrupted", "failed" */
    bf_totals *per_policy;   /* evaluation order; n_policies entries */
    int n_policies;
    bf_errors first_errors;    /* the first error decisions, "household H[, member M]: message" */
} bf_run_summary;

typedef struct bf_run_options {
    bool store_all;            /* store ineligible decisions too */
    const char *only;          /* as given on the command line, for the record */
    int batch;                 /* households per batch (0: default) */
    volatile sig_atomic_t *interrupted;   /* set by a signal handler: stop after this batch */
} bf_run_options;

/* The audit texts a run records: the sha256 of every policy file and params.xml, and the
 * parameter values in force (JSON objects). simulate compares them to find a baseline run. */
void bf__run_audit_json(const bf_engine *engine, const bf_param_set *set, bf_buf *hashes,
                        bf_buf *parameters);
/* Runs every household of the store; fills out. Returns BF_OK when the run was recorded (its
 * status says how it ended), or an error for a store failure (message in errs). */
int bf_run_execute(bf_store *store, bf_engine *engine, const bf_param_set *set,
                   const bf_run_options *opt, bf_run_summary *out, bf_errors *errs);
/* The name under which run_param_reads records that an evaluation read ctx.date (as read by
 * everyone): a re-run on another date evaluates every household again. */
#define BF_RUN_DATE_READ "ctx.date"

/* The current time as the runs record it: "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
void bf__run_time_now(char out[32]);
/* Stores the decisions of one batch in one transaction: the eligible ones, errors, those of a
 * policy the household's records name, or all with store_all. */
int bf__run_store_batch(bf_store *store, int64_t run_id, const bf_household *hs, int n,
                       const bf_result *results, const bf_policy *pol, bool store_all,
                       bf_errors *errs);
/* Adds each error decision of r to first as "household H[, member M]: message". */
void bf__run_note_errors(bf_errors *first, const bf_household *h, const bf_result *r);
/* Records the per-policy totals of out for run_id, with the parameters each policy read (in
 * this engine, or in run `also` when not 0: a re-run keeps what the run it took over read). */
int bf__run_finish_policies(bf_store *store, int64_t run_id, bf_engine *engine,
                           const bf_param_set *set, const bf_run_summary *out, int64_t also,
                           bf_errors *errs);
/* Frees a summary. */
void bf_run_summary_free(bf_run_summary *s);

/* A run status ("completed", "completed_with_errors", "interrupted", "failed", "running") in
 * words, in the user's language; an unknown status is returned as it is. */
const char *bf_run_status_label(const char *status);

#endif
