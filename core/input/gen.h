/* gen.h — the synthetic county population: household k of a seed, deterministic and independent of the rest. */
#ifndef BF_GEN_H
#define BF_GEN_H

#include <signal.h>
#include <stdint.h>

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

/* The county's nine towns (镇), in table order. */
#define BF_GEN_TOWNS 9
extern const char *const bf_gen_towns[BF_GEN_TOWNS];

/* ---- One household ---- */

/* Writes the id of household number index (0-based): "H" and 9 digits of index + 1, so ids sort
 * in generation order; its members are ID-1, ID-2, … */
void bf_gen_household_id(int64_t index, char out[BF_ID_BYTES]);
/* Fills out (reset first; its member array is reused) with household number index of the
 * population for seed, ages taken on date on (normally BF_GEN_DATE). A pure function of its
 * arguments: the same household whatever else was generated before. BF_OK or BF_ENOMEM. */
int bf_gen_household(uint64_t seed, int64_t index, bf_date on, bf_household *out);

/* ---- The generator's own reading of the policy scripts' rules ----
 * Used to fill `recorded` (what the records say the household receives), and by the tests to
 * check that every policy and tier has cases. The engine's Lua scripts are the authority. */
typedef enum {
    BF_CASE_TEKUN_FULL, BF_CASE_TEKUN_PARTIAL, BF_CASE_TEKUN_NONE,
    BF_CASE_LOW_INCOME,
    BF_CASE_DIBAO_HOUSEHOLD, BF_CASE_DIBAO_SINGLE_PERSON,
    BF_CASE_DIBAO_ALL_TEKUN,              /* not eligible: every member covered by 特困 */
    BF_CASE_PENSION_TEKUN, BF_CASE_PENSION_SEVERE_DISABILITY, BF_CASE_PENSION_MENTAL,
    BF_CASE_PENSION_DIBAO, BF_CASE_PENSION_RETURNED,
    BF_CASE_MEDICAL_TEKUN, BF_CASE_MEDICAL_DIBAO, BF_CASE_MEDICAL_LOW_INCOME,
    BF_CASE_MEDICAL_MONITORED, BF_CASE_MEDICAL_ALLEVIATED,
    BF_CASE_EMPLOYMENT_CROSS_REGION, BF_CASE_EMPLOYMENT_PUBLIC_POST, BF_CASE_EMPLOYMENT_TRAINING,
    BF_CASE_DISABILITY_LIVING, BF_CASE_DISABILITY_CARE, BF_CASE_DISABILITY_LIVING_CARE,
    BF_CASE_EDUCATION_PRESCHOOL, BF_CASE_EDUCATION_PRIMARY, BF_CASE_EDUCATION_JUNIOR,
    BF_CASE_EDUCATION_SENIOR, BF_CASE_EDUCATION_VOCATIONAL, BF_CASE_EDUCATION_COLLEGE,
    BF_CASE_MONITORING_WATCH, BF_CASE_MONITORING_ALERT,
    BF_CASE__N
} bf_gen_case;

/* "policy/tier" of a case ("dibao/single_person"), or "?" when out of range. */
const char *bf_gen_case_name(int c);
/* The policy id of a case ("dibao"). */
const char *bf_gen_case_policy(int c);
/* The dibao standard S (yuan/person/month) in force on a date, per policies/params.xml. */
int bf_gen_standard(bf_date on);
/* The cases a household exhibits on date on: bit c set when case c holds for the household or
 * for at least one of its members. */
uint64_t bf_gen_cases(const bf_household *h, bf_date on);

/* ---- A whole population ---- */

/* What to generate, and how to report on it. */
typedef struct bf_gen_job {
    uint64_t seed;
    int64_t n;                          /* households, 1 to BF_GEN_MAX_HOUSEHOLDS */
    bf_date on;                         /* reference date (BF_GEN_DATE) */
    bf_progress *progress;              /* updated as households are written; NULL for none */
    const volatile sig_atomic_t *stop;  /* polled as it goes; non-zero stops; NULL: never */
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
