/* engine.h — the policy engine: loads the policy scripts (NAME.lua), checks their contract, orders them by
 * `requires`, and evaluates every policy for households on worker threads, one sandbox each. */
#ifndef BF_ENGINE_H
#define BF_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "errors.h"
#include "household.h"
#include "params.h"
#include "sandbox.h"

typedef enum { BF_SCOPE_HOUSEHOLD, BF_SCOPE_MEMBER } bf_scope;

typedef struct bf_policy {
    char *id, *title, *title_en, *basis, *department;
    bf_scope scope;
    int *requires;          /* indices (evaluation order) of the policies it reads */
    int n_requires;
    char *path;             /* file path as opened */
    char *display;          /* "policies/dibao.lua": how messages name the file */
    char *src;              /* the script's bytes as loaded (a run's audit record hashes them) */
    size_t src_len;
    int eval_line;          /* line where evaluate is defined */
    bool reported;          /* in the --only selection (every policy when there is none) */
    char **tier_codes;      /* the script's `tiers` table: each tier code … */
    char **tier_labels;     /* … and the words people read for it ("household" → "按户保") */
    int n_tiers;
} bf_policy;

/* A module of the policies' lib/ folder: its file name and its bytes as read when the engine
 * opened (a run's audit record hashes them). */
typedef struct bf_lib_file {
    char *name;             /* "lib/decision.lua": relative to the policies folder */
    char *src;
    size_t len;
} bf_lib_file;

/* The words a policy's script gives for a tier code (its `tiers` table), or NULL when it gives
 * none (or tier is NULL). */
const char *bf_policy_tier_label(const bf_policy *p, const char *tier);
/* How people read a tier of policy p: the words its script gives it, else the code ("" for
 * none). */
const char *bf_policy_tier_words(const bf_policy *p, const char *tier);

/* One decision: a policy for a household (member = -1) or for one of its members. Text fields
 * are offsets into the owning bf_result's text buffer, -1 when absent. */
typedef struct bf_decision {
    int policy;             /* index in evaluation order */
    int member;             /* member index, -1 for household scope */
    bool eligible;
    bool failed;            /* an error decision: `error` says why */
    bf_fen amount;          /* rounded once to the fen, half away from zero */
    int tier, reasons, details, error;   /* reasons: JSON array; details: JSON object */
    int params_read;        /* JSON object {name: value} (explain only) */
    int trace;              /* printed text (explain only) */
} bf_decision;

/* The decisions of one household, in evaluation order (members in record order). */
typedef struct bf_result {
    bf_decision *d;
    int n, cap;
    bf_buf text;            /* the strings the decisions point into */
    int errors;             /* error decisions among d */
    bool *reads;            /* track_reads: per parameter, read by this household's evaluations */
    int n_reads;
} bf_result;

/* Text of a decision field, or NULL when the offset is -1. */
const char *bf_result_text(const bf_result *r, int offset);
/* Frees a result's memory. */
void bf_result_free(bf_result *r);
/* Empties a result, keeping its memory. */
void bf_result_reset(bf_result *r);
/* Appends a not-eligible decision of policy (member, -1 for household scope); NULL when out of memory. */
bf_decision *bf_result_add(bf_result *r, int policy, int member);
/* Copies text into the result; returns its offset (-1 when out of memory). */
int bf_result_add_text(bf_result *r, const char *s, size_t len);

/* What text each decision carries. */
typedef enum {
    BF_TEXT_ELIGIBLE,       /* reasons and details only for eligible and error decisions (run) */
    BF_TEXT_ALL,            /* for every decision (check, run --store-all, test) */
    BF_TEXT_NONE,           /* no reasons or details at all, only tiers (simulate) */
} bf_text_mode;

typedef struct bf_engine_config {
    const char *policies_dir;        /* holds the NAME.lua scripts and lib/ */
    const bf_params *params;         /* definitions (borrowed) */
    const bf_param_set *sets;        /* 1 set, or 2 for simulate (baseline, scenario); borrowed */
    int n_sets;
    bf_date date;
    int jobs;                        /* worker threads; 0: the number of cores */
    size_t max_memory;               /* per Lua state; 0: default */
    uint64_t max_instructions;       /* per evaluation; 0: default */
    unsigned max_seconds;            /* wall clock per evaluation; 0: default (10) */
    const char *const *only;         /* evaluate these (and what they require); NULL: all */
    int n_only;
    bool explain;                    /* record parameters read and print trace per decision */
    bf_text_mode text;
    const bf_lua_module *modules;    /* native Lua modules from plugins; may be NULL */
    volatile sig_atomic_t *cancel;   /* when it becomes non-zero, evaluation stops early; may be NULL */
    bool no_budget;                  /* the bench only: no instruction budget (to measure its cost) */
    bool no_household_loop;          /* tests and the bench: one protected call per evaluation
                                      * instead of eval.c's household loop (to compare both) */
    struct bf_coverage *coverage;    /* test --coverage: records the lines of the policy scripts
                                      * that run (jobs 1; every call counts instructions); NULL */
    bool track_reads;                /* record in bf_result.reads which parameters each household's
                                      * evaluations read; a parameter is then cached in the Lua
                                      * states only once bf_engine_cache_param says so */
} bf_engine_config;

typedef struct bf_engine bf_engine;

/* Loads and checks every policy (contract, requires, cycles), creates the worker sandboxes.
 * Load errors go to errs as "file:line: message"; BF_ESCRIPT then. */
int bf_engine_open(const bf_engine_config *cfg, bf_engine **out, bf_errors *errs);
/* Stops the workers and frees everything. NULL is allowed. */
void bf_engine_close(bf_engine *e);
/* The policies in evaluation order. */
const bf_policy *bf_engine_policies(const bf_engine *e, int *n);
/* The modules of the policies' lib/ folder, sorted by name (none when it has no such folder):
 * what a policy reads through require, so a run's audit record hashes them with the scripts. */
const bf_lib_file *bf_engine_lib_files(const bf_engine *e, int *n);
/* Whether policy k is evaluated (it is reported, or a reported policy requires it). */
bool bf_engine_evaluates(const bf_engine *e, int k);
/* Changes what text each decision carries from the next evaluation on (never during one);
 * returns the mode it replaces. */
bf_text_mode bf_engine_set_text(bf_engine *e, bf_text_mode text);
/* The parameter definitions the engine evaluates with (borrowed from its configuration). */
const bf_params *bf_engine_params(const bf_engine *e);
/* The number of worker threads in use. */
int bf_engine_jobs(const bf_engine *e);

/* Evaluates every selected policy for n households with parameter set `set`, on all workers.
 * results[i] receives household i's decisions. Identical for any number of jobs. Returns
 * BF_EINTERRUPTED when the cancel flag was raised: then some results are missing. */
int bf_engine_evaluate(bf_engine *e, const bf_household *hs, int n, int set, bf_result *results);

/* Starts evaluating like bf_engine_evaluate and returns at once, so the caller can read the
 * next batch and write the previous one meanwhile; hs and results must stay untouched until
 * bf_engine_finish. One evaluation at a time. */
int bf_engine_start(bf_engine *e, const bf_household *hs, int n, int set, bf_result *results);
/* Waits for the evaluation started last; BF_OK or BF_EINTERRUPTED (cancelled). */
int bf_engine_finish(bf_engine *e);

/* Evaluates n households under set 0 (baseline) and set 1 (scenario) in one pass. A policy is
 * evaluated again under the scenario only if, in this worker's baseline so far, it read a
 * parameter marked in changed[], or it requires a policy whose decision changed for this
 * household; otherwise its baseline decisions are reused (also for ctx.decision).
 * With stored_reads (per policy: it read a changed parameter in a stored baseline run), the
 * baseline is not evaluated: base[] must already hold the stored decisions, and policies that
 * a re-evaluated one requires are evaluated under the scenario first so ctx.decision works.
 * Starts it and returns at once: finish with bf_engine_finish, then collect with
 * bf_engine_take_reevaluated how many households each policy was evaluated again for. */
int bf_engine_start_pair(bf_engine *e, const bf_household *hs, int n, const bool *changed,
                         const bool *stored_reads, bf_result *base, bf_result *scen);
/* Adds the workers' re-evaluation counts per policy into reevaluated and resets them. */
void bf_engine_take_reevaluated(bf_engine *e, int64_t *reevaluated);

/* track_reads: from now on parameter i may be cached (its reads are no longer recorded per
 * household: the caller counts it as read by everyone). Safe while workers evaluate. */
void bf_engine_cache_param(bf_engine *e, int i);

/* Whether any evaluation so far read ctx.date (ctx.age is the date seen through births). */
bool bf_engine_date_read(const bf_engine *e);

/* For each policy (evaluation order) whether it has read parameter i under set 0, across all
 * evaluations so far: read[policy * n_params + i]. The array belongs to the engine. */
const bool *bf_engine_params_read(bf_engine *e);

/* Sandbox counters summed over the workers. */
void bf_engine_stats(const bf_engine *e, bf_sandbox_stats *st);
/* Decisions the decision library handed over in a reused table, summed over the workers. */
long bf_engine_decisions_reused(const bf_engine *e);
/* Forces counting from the start of every evaluation (benchmarks compare both ways). */
void bf_engine_always_count(bf_engine *e, bool on);

#endif
