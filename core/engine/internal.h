/* internal.h — what the engine's own files share (catalog.c, views.c, decision.c, eval.c,
 * workers.c) and nobody else includes: the engine and worker structs, the interned field keys,
 * and the bf__ functions one engine file calls in another. Other folders include engine.h. */
#ifndef BF_ENGINE_INTERNAL_H
#define BF_ENGINE_INTERNAL_H

#include "engine.h"

#include <assert.h>
#include <lauxlib.h>
#include <pthread.h>
#include <stdatomic.h>

#define SLOTS_PER_POLICY (BF_MEMBERS_MAX + 1)   /* household slot 0, then one per member */

/* The field names scripts read, interned once per state: pushing a record or reading a decision
 * then needs no lookup of a C string (lua_setfield's luaS_new compares with strcmp). */
enum {
    K_ID = 1, K_TOWN, K_VILLAGE, K_STATUS, K_MONITOR, K_WAGE, K_BUSINESS, K_PROPERTY, K_TRANSFER,
    K_EXCLUDED, K_PREVIOUS, K_DEPOSITS, K_VEHICLE, K_EXTRA_HOUSES, K_MEDICAL, K_EDUCATION,
    K_HOUSING_SAFE, K_WATER_SAFE, K_NAME, K_IDNUMBER, K_RELATION, K_BIRTH, K_SEX, K_LABOR,
    K_EMPLOYMENT, K_SCHOOL, K_SELF_CARE, K_DISABILITY, K_DISABILITY_TYPE, K_SERIOUS_ILLNESS,
    K_PENSION_INSURED, K_MEDICAL_INSURED, K_MEDICAL_COST, K_SUPPORTER, K_ELIGIBLE, K_AMOUNT,
    K_TIER, K_REASONS, K_DETAILS, K__END
};

/* The five fields of a decision table, in the order of their K_ names (an evaluation frame holds
 * their interned names in this order, so the intake pushes a name by copying a stack slot). */
enum { DK_ELIGIBLE, DK_AMOUNT, DK_TIER, DK_REASONS, DK_DETAILS, DK__N };
_Static_assert(K_AMOUNT == K_ELIGIBLE + DK_AMOUNT && K_TIER == K_ELIGIBLE + DK_TIER &&
               K_REASONS == K_ELIGIBLE + DK_REASONS && K_DETAILS == K_ELIGIBLE + DK_DETAILS,
               "the decision fields' K_ names follow each other in DK_ order");

typedef struct worker worker;

struct bf_engine {
    bf_engine_config cfg;
    bf_policy *pol;             /* evaluation order */
    int n_pol;
    bf_lib_file *libs;          /* policies/lib modules, for the audit record */
    int n_libs;
    bool *evaluated;            /* per policy: in the --only closure */
    char date_text[BF_DATE_STRLEN];
    worker *workers;
    bf_sandbox **boxes;
    int jobs;
    bf_watchdog *watchdog;
    bool *read_union;           /* [policy * n_params + param], set 0 */
    atomic_bool *cacheable;     /* track_reads: per parameter, may be cached in the Lua states */
    atomic_bool date_read;      /* an evaluation read ctx.date (a re-run on another date must
                                 * then evaluate again) */
    /* the batch being evaluated */
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    uint64_t generation;
    int busy;
    bool stopping;
    const bf_household *job_hs;
    bf_result *job_results;
    bf_result *job_scen;        /* pair evaluation: the scenario results, else NULL */
    const bool *job_changed;
    const bool *job_stored_reads;
    int job_n, job_set;
    _Atomic int job_next;
};

struct worker {
    bf_engine *e;
    int index;
    bf_sandbox *sb;
    lua_State *L;
    pthread_t thread;
    bool has_thread;
    int *eval_ref;              /* per policy: its evaluate function */
    int *ctx_ref;               /* [set * n_pol + policy]: read-only ctx */
    int *proot_ref;             /* [set * n_pol + policy]: read-only p */
    int hr_ref, hp_ref;         /* household table and its proxy */
    int marr_ref;               /* the array behind h.members */
    int rec_ref;                /* the array behind h.recorded */
    int pool_r_ref, pool_p_ref; /* member tables and their proxies, by index */
    int keys_ref;               /* interned field names and enum spellings (key_names) */
    int enum_base[BF_ENUM__N];  /* in that table, kind k's spelling v is at enum_base[k] + v */
    int enum_count[BF_ENUM__N]; /* and v < enum_count[k] */
    int member_index_ref;       /* member proxy -> index */
    int slots_ref[2], ro_ref[2];/* per set: decision tables by slot, and a read-only view of each
                                 * (made on the first ctx.decision, then pointed anew) */
    int pool_size;              /* member tables created */
    const void **member_proxy;  /* [i]: the address of member proxy i (pool), for ctx lookups */
    int shown_members;          /* entries in h.members at the last household */
    bf_household shown;         /* what the household table holds (views.c; members unused) */
    bf_member *shown_m;         /* per member table of the pool: what it holds */
    bool shown_valid;           /* shown is exact (false while a push is under way) */
    int shown_m_valid;          /* leading member tables whose shown_m entry is exact */
    int shown_recorded;
    bool *failed[2];            /* per set and slot: the decision is an error */
    bool *viewed[2];            /* per set and slot: the slot's view in the ro table shows the
                                 * slot's decision of the moment (ctx.decision) */
    bool *recorded;             /* per policy: named in the household's `recorded` list */
    int *ages;                  /* per member of the current household */
    const bf_household *h;      /* the household being evaluated */
    bool *read;                 /* [policy * n_params + param], set 0 */
    int64_t *reevaluated;       /* per policy: households evaluated again (pair evaluation) */
    bf_buf trace, params;       /* explain: print trace, parameters read */
    bf_errors err;              /* an evaluation's error (at most one kept) */
    bf_buf scratch, why;        /* JSON being built, a malformed decision */
    bf_result support;          /* stored-baseline simulate: decisions evaluated only to be read */
    int params_count;
    bool *cur_reads;            /* track_reads: the household's bf_result.reads while it runs */
    int evaluating;             /* the policy whose evaluate or reasons function runs (or ran last) */
    struct bf_decision_handout *handout; /* the decision library's reused tables (decision_lib.h),
                                 * NULL when no script requires it */
    unsigned char *decision_reads; /* pair evaluations: [reader * n_pol + required], the
                                 * DECISION_READ_* the household's baseline read (views.c) */
};

/* What a policy read of the decision of a policy it requires (worker.decision_reads): the call
 * ctx.decision itself (the decision's failure fails the reader), eligible, amount, tier, and
 * anything else (details, reasons, its length or pairs). */
enum {
    DECISION_READ_CALL = 1, DECISION_READ_ELIGIBLE = 2, DECISION_READ_AMOUNT = 4,
    DECISION_READ_TIER = 8, DECISION_READ_OTHER = 16
};

/* The decision slot of policy k for member (-1: the household): the index into a worker's
 * slots and ro tables and its failed arrays, which hold n_pol * SLOTS_PER_POLICY entries. */
static inline int bf__slot(const bf_engine *e, int k, int member)
{
    assert(k >= 0 && k < e->n_pol && member >= -1 && member < BF_MEMBERS_MAX);
    return k * SLOTS_PER_POLICY + member + 1;
}

/* catalog.c: reads every policy file of the folder, checks its contract in sandbox sb, orders
 * the policies by requires and marks the --only selection. Errors go to errs; BF_OK or the
 * error code. */
int bf__catalog_load(bf_engine *e, bf_sandbox *sb, bf_errors *errs);
/* catalog.c: pushes policy k's table in sb's state: the table the catalog kept when it ran the
 * script in that state (once), else the script run afresh; BF_OK, or an error in errs (stack:
 * +1 on BF_OK, 0 otherwise). */
int bf__catalog_push_policy(bf_engine *e, bf_sandbox *sb, int k, bf_errors *errs);
/* catalog.c: the NAME.lua files of dir, sorted (malloc'd names, *n of them); BF_EINPUT with a
 * message when there is none, BF_EIO when dir cannot be read. */
int bf__list_lua_files(const char *dir, char ***out, int *n, bf_errors *errs);
/* catalog.c: frees the policies and the selection. */
void bf__catalog_free(bf_engine *e);

/* views.c: builds a worker's reused record tables, parameter trees and ctx (a lua_CFunction
 * for lua_pcall, argument 1 the worker as light userdata). */
int bf__views_setup(lua_State *L);
/* views.c: pushes household h into the worker's reused record tables (stack unchanged). */
void bf__push_household(worker *w, const bf_household *h);

/* decision.c: checks the decision table at index t and fills d; false with the reason in why.
 * keys: the stack index of the first of the DK__N interned field names (an evaluation frame's). 
 * Deferred reasons (`reasons` a function): *deferred is set when the caller must call it — for
 * every decision under BF_TEXT_ALL, and under every mode for eligible decisions and those of a
 * recorded policy, whose reasons a run stores: so a run, simulate's own baseline and its stored
 * one agree on which decisions a failing reasons function turns into errors. Otherwise the
 * function is accepted unchecked. handed: the decision library's note of what it handed over
 * (decision_lib.h; NULL allowed): a decision.not_eligible table it handed straight back is taken
 * without reading it back. */
bool bf__take_decision(lua_State *L, int t, int keys, bf_text_mode mode, bool recorded,
                       struct bf_decision_handout *handed, bf_result *res, bf_decision *d,
                       bf_buf *scratch, bf_buf *why, bool *deferred);
/* decision.c: checks the reasons list at idx (from_function: a reasons function returned it) and
 * keeps it as JSON in d->reasons when want_text; false with the reason in why. */
bool bf__take_reasons(lua_State *L, int idx, bool from_function, bool eligible, bool want_text,
                      bf_result *res, bf_decision *d, bf_buf *scratch, bf_buf *why);
/* decision.c: marks decision d an error with message msg, named by the policy's file. */
void bf__fail_decision(bf_result *res, bf_decision *d, const bf_policy *p, const char *msg);

/* eval.c: evaluates every selected policy for household h under parameter set `set`. */
void bf__evaluate_household(worker *w, const bf_household *h, int set, bf_result *res);
/* eval.c: baseline and scenario of household h in one pass (bf_engine_start_pair). */
void bf__evaluate_pair(worker *w, const bf_household *h, const bool *changed,
                       const bool *stored_reads, bf_result *base, bf_result *scen,
                       int64_t *reevaluated);

#endif
