/* whatif.h — the household view of a simulation: every household whose total yearly amount (all
 * reported policies, all members) changes, how many are better and worse off overall and per
 * town, the distribution of the changes, and for the households listed the changed decisions
 * with their reasons. bf_simulate builds it into its result; every rendering shows that data. */
#ifndef BF_WHATIF_H
#define BF_WHATIF_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "errors.h"
#include "household.h"
#include "store.h"

/* Which households the view lists. */
typedef enum {
    BF_WI_CHANGED,               /* every household whose total changes, worst first */
    BF_WI_WORSE,                 /* those worse off, worst first */
    BF_WI_BETTER,                /* those better off, largest gain first */
} bf_wi_select;

/* One side (baseline or scenario) of a changed decision. */
typedef struct bf_wi_side {
    bool eligible;
    bf_fen amount;
    char *tier;                  /* NULL when none */
    char *reasons;               /* the decision's reasons as a JSON array of strings */
} bf_wi_side;

/* One changed decision of a listed household (eligibility, amount or tier differs). */
typedef struct bf_wi_change {
    int policy;                  /* evaluation order */
    char *member;                /* member id, NULL for household scope */
    bf_wi_side before, after;
} bf_wi_change;

/* A household whose total yearly amount changes. */
typedef struct bf_wi_household {
    char *id, *village;
    int town;                    /* index into the result's towns */
    bf_fen before, after;        /* total yearly amount, every reported policy and member */
    bf_wi_change *changes;       /* listed households only (else NULL): the changed decisions */
    int n_changes;
} bf_wi_household;

/* Per town and policy: the changes counted in the policy's unit (households for household
 * scope, persons for member scope), and the households whose amount from it rose or fell. */
typedef struct bf_wi_counts {
    int64_t gained, lost, raised, cut;
    int64_t better, worse;
} bf_wi_counts;

/* The distribution of per-household changes: how many lose, and how many gain, up to 100, 500,
 * 1000, 5000 yuan and more (the last bucket). */
#define BF_WI_BUCKETS 5
extern const bf_fen bf_wi_bucket_upper[BF_WI_BUCKETS - 1];   /* 100, 500, 1000, 5000 yuan in fen */

typedef struct bf_wi_view {
    bf_wi_select select;
    int64_t better, worse;       /* households whose total rose / fell */
    int64_t worse_by[BF_WI_BUCKETS], better_by[BF_WI_BUCKETS];
    bf_wi_household *households; /* every changed household; after bf__wi_finish ordered for the
                                  * selection, the listed ones first */
    int64_t n_households, cap;
    int64_t n_selected;          /* how many the selection takes */
    int64_t n_listed;            /* how many of those are listed (with their changes) */
} bf_wi_view;

/* The bucket of a non-zero per-household change (its absolute value, in fen). */
int bf__wi_bucket(bf_fen delta);

/* Adds one household whose total changed from before to after (town: its town's index).
 * BF_OK or BF_ENOMEM. */
int bf__wi_add(bf_wi_view *v, const bf_household *h, int town, bf_fen before, bf_fen after);

/* Orders the changed households for the selection and lists the first limit of them (0: all):
 * reads each again from the store and evaluates it under both parameter sets of the engine with
 * every reason, keeping the decisions that differ. Their totals must equal those counted in the
 * pass over the county (else an error naming the household). BF_OK or an error in errs. */
int bf__wi_finish(bf_wi_view *v, bf_store *store, bf_engine *engine, bf_wi_select select,
                  int limit, bf_errors *errs);

/* Frees a simulation's batch buffers: n households and their baseline and scenario results
 * (each array may be NULL), then the arrays. */
void bf__sim_batch_free(bf_household *hs, bf_result *base, bf_result *scen, int n);

/* Frees the view. */
void bf__wi_free(bf_wi_view *v);

#endif
