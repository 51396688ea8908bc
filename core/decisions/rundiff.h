/* rundiff.h — two stored runs compared (bangfu diff): per policy and per town who entered, left,
 * was raised or cut, and per household every changed decision with its causes. One computation;
 * the text, JSON, CSV and HTML renderings (diff_report.h) show the same data. */
#ifndef BF_RUNDIFF_H
#define BF_RUNDIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "money.h"
#include "runlog.h"
#include "store.h"

/* How decisions moved between the two runs, for one policy, one town or the county. */
typedef struct bf_diff_totals {
    int64_t entered;                   /* not eligible before, eligible after */
    int64_t left;                      /* eligible before, not eligible after */
    int64_t raised, cut;               /* eligible in both, a higher / lower amount */
    int64_t other;                     /* eligible in both with another tier, or an error came
                                        * or went */
    bf_fen before, after;              /* the yearly amounts of the changed decisions */
} bf_diff_totals;

typedef struct bf_diff_policy {
    char *policy, *title;
    bf_diff_totals t;
} bf_diff_policy;

typedef struct bf_diff_town {
    char *town;                        /* "" for households no longer stored */
    bf_diff_totals t;
} bf_diff_town;

/* One side of a changed decision; a decision the run did not store is not eligible. */
typedef struct bf_diff_side {
    bool eligible;
    bf_fen amount;
    char *tier, *error;                /* NULL when none */
    char *reasons;                     /* JSON array of strings; NULL when not stored */
} bf_diff_side;

typedef struct bf_diff_change {
    char *policy, *title, *member;     /* member NULL for household scope */
    bf_diff_side before, after;
} bf_diff_change;

typedef enum {
    BF_CAUSE_RECORD,                   /* a field of the household's record: member?, field, old, new */
    BF_CAUSE_PARAMETER,                /* a parameter it read: name, old, new */
    BF_CAUSE_SCRIPT,                   /* the script of a changed decision: name (file) */
    BF_CAUSE_DATE,                     /* only the evaluation date moved: old, new dates */
    BF_CAUSE_UNKNOWN,                  /* none of these (a shared library or plugin?) */
} bf_cause_kind;

typedef struct bf_diff_cause {
    bf_cause_kind kind;
    char *member, *name, *old, *new_;  /* NULL when not applicable */
} bf_diff_cause;

typedef struct bf_diff_household {
    char *id, *town, *village;
    bf_diff_cause *causes;
    int n_causes;
    bf_diff_change *changes;           /* evaluation order of the later run */
    int n_changes;
} bf_diff_household;

typedef struct bf_run_diff {
    bf_stored_run from, to;
    bf_run_changes between;            /* scripts, parameters, imports between the two */
    bf_diff_policy *policies;          /* the later run's policies, then any the earlier only had */
    int n_policies;
    bf_diff_town *towns;               /* town order */
    int n_towns;
    bf_diff_household *households;     /* id order */
    int n_households;
    bf_diff_totals county;
} bf_run_diff;

/* Whether two sides are the same decision: eligibility, amount and tier (the reasons' wording
 * aside), or both an error. */
bool bf__diff_same_side(const bf_diff_side *a, const bf_diff_side *b);
/* Frees the texts of a side. */
void bf__diff_side_free(bf_diff_side *s);
/* The machine name of a cause ("record", "parameter", "script", "date", "unknown"). */
const char *bf_cause_id(bf_cause_kind kind);

/* Compares run `from` with run `to` (both completed) into *out. BF_OK, or an error with its
 * message in errs (BF_EINPUT when a run did not complete). */
int bf_run_diff_compute(bf_store *s, int64_t from, int64_t to, bf_run_diff *out, bf_errors *errs);
/* Frees what bf_run_diff_compute filled. */
void bf_run_diff_free(bf_run_diff *d);

#endif
