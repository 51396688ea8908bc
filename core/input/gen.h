/* gen.h — the synthetic county population: household k of a seed, deterministic and independent of the rest. */
#ifndef BF_GEN_H
#define BF_GEN_H

#include <signal.h>
#include <stdint.h>

#include "areas.h"
#include "date.h"
#include "errors.h"
#include "household.h"
#include "progress.h"
#include "store.h"

/* The population's reference date, 2021-06-30 (days since 1970): ages and births are drawn
 * relative to it, so the sample, the tests and a generated county agree on who is how old. */
#define BF_GEN_DATE ((bf_date)18808)
/* The most households one generation makes; ids have room for exactly this many. */
#define BF_GEN_MAX_HOUSEHOLDS 100000000
/* Households written per transaction by bf_gen_to_store. */
#define BF_GEN_BATCH 10000

/* What a generation takes from the county's own files, so that the generator holds no place
 * and no policy value of its own. */
typedef struct bf_gen_county {
    const bf_areas *areas;     /* the towns and villages (policies/areas.xml) */
    double standard;           /* the dibao standard in force on the date (params.xml), yuan per
                                * person and month: incomes and statuses are drawn around it */
} bf_gen_county;

/* ---- One household ---- */

/* Writes the id of household number index (0-based): "H" and 9 digits of index + 1, so ids sort
 * in generation order; its members are ID-1, ID-2, … */
void bf_gen_household_id(int64_t index, char out[BF_ID_BYTES]);
/* Fills out (reset first; its member array is reused) with household number index of the
 * population for seed in county c, ages taken on date on (normally BF_GEN_DATE); `recorded` is
 * left empty (see bf__gen_record). A pure function of its arguments: the same household whatever
 * else was generated before. BF_OK or BF_ENOMEM. */
int bf_gen_household(const bf_gen_county *c, uint64_t seed, int64_t index, bf_date on,
                     bf_household *out);
/* Fills h->recorded (what the records say the household receives) from the space-separated
 * ids of the policies the household is eligible for, which h->recorded holds on entry (the
 * policy scripts decided them): mostly those, now and then an omission (漏保) or a benefit
 * that should have stopped, for `review` to find. Deterministic for seed and index. */
void bf__gen_record(uint64_t seed, int64_t index, bf_household *h);

/* ---- A whole population ---- */

/* What to generate, and how to report on it. */
/* Writes into hs[i].recorded the space-separated ids of the policies household hs[i] is
 * eligible for, for i < n (the caller evaluates the policy scripts; the generator knows no
 * rule). BF_OK, or an error with a message in errs that stops the generation. */
typedef int (*bf_gen_eligible_fn)(void *ctx, bf_household *hs, int n, bf_errors *errs);

typedef struct bf_gen_job {
    const bf_gen_county *county;
    uint64_t seed;
    int64_t n;                          /* households, 1 to BF_GEN_MAX_HOUSEHOLDS */
    bf_date on;                         /* reference date (BF_GEN_DATE) */
    bf_progress *progress;              /* updated as households are written; NULL for none */
    const volatile sig_atomic_t *stop;  /* polled as it goes; non-zero stops; NULL: never */
    bf_gen_eligible_fn eligible;        /* fills `recorded` through bf__gen_record; NULL: none */
    void *eligible_ctx;
} bf_gen_job;

/* What was written. */
typedef struct bf_gen_totals {
    int64_t households;
    int64_t members;
} bf_gen_totals;

/* Writes households 0 … n−1 into a store that holds no households yet (else BF_EUSAGE), in
 * transactions of BF_GEN_BATCH. On any failure or a stop, what was written is removed again
 * (unless this open of the store created the database: the caller then discards the whole file,
 * bf_store_discard, which works on a full disk too) and the error (BF_ESTORE, BF_EINTERRUPTED,
 * …) is returned with a message in errs. */
int bf_gen_to_store(bf_store *s, const bf_gen_job *job, bf_gen_totals *totals, bf_errors *errs);
/* Writes households 0 … n−1 as a households XML file (core/input/schemas/households.xsd) that `import` accepts;
 * on failure or a stop the partial file is removed. */
int bf_gen_to_xml(const char *path, const bf_gen_job *job, bf_gen_totals *totals, bf_errors *errs);

#endif
