/* rules.h — the ten rules of the policy scripts written by hand in C: the native floor an interpreter
 * could approach. Same parameter values (core/params), same yuan arithmetic in double precision
 * in the order the Lua scripts use, amounts rounded once with bf_round_fen. Benchmarks only. */
#ifndef BENCH_RULES_H
#define BENCH_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "household.h"
#include "params.h"

/* The policies, in no particular order (the engine's order comes from `requires`). */
typedef enum {
    NP_TEKUN, NP_LOW_INCOME, NP_DIBAO, NP_PENSION, NP_MEDICAL, NP_EMPLOYMENT, NP_DISABILITY,
    NP_EDUCATION, NP_MONITORING, NP_TEMP_AID, NP__N
} nat_policy;

/* The policy id (file name without .lua) of p. */
const char *nat_policy_id(nat_policy p);
/* The policy with this id, or -1. */
int nat_policy_find(const char *id);
/* Whether p decides once per household (else once per member). */
bool nat_policy_household(nat_policy p);

/* The medical_aid categories, in the order of medical_aid.lua. */
enum { NC_TEKUN, NC_DIBAO, NC_LOW_INCOME, NC_MONITORED, NC_ALLEVIATED, NC__N };

/* Every parameter value the ten rules read, resolved on one date. */
typedef struct nat_params {
    double S, deposit_months, vehicle_limit, min_benefit;
    double tk_age_elderly, tk_age_minor, tk_basic_ratio, tk_care[BF_CARE__N];
    double li_multiplier;
    double pen_min_tier, pen_age_min, pen_age_max;
    double pen_ratio_tekun, pen_ratio_severe, pen_ratio_mental, pen_ratio_dibao, pen_ratio_returned;
    double med_premium, med_subsidy[NC__N];
    double med_basic_deductible, med_basic_ratio, med_basic_cap;
    double med_crit_deductible, med_crit_ratio, med_crit_factor, med_crit_bonus;
    double med_aid_deductible[NC__N], med_aid_ratio[NC__N], med_aid_cap[NC__N];
    double emp_age_min, emp_age_max, emp_hard_age, emp_cross_region, emp_post_monthly, emp_training;
    double dis_living, dis_care_1, dis_care_2;
    double edu[BF_SCHOOL__N];            /* by school stage; [BF_SCHOOL_NONE] unused */
    double mon_income_line, mon_rigid_ratio, mon_drop_ratio, mon_school_age_min, mon_school_age_max;
    double ta_cap_months;
} nat_params;

/* Fills p from a resolved parameter set; BF_EINPUT with the missing name in err when a value is
 * not in force. */
int nat_params_from_set(const bf_param_set *set, nat_params *p, char *err, size_t errlen);

/* Loads params.xml at path, resolves it on date into *defs and *set and fills p; on failure
 * prints every message prefixed by prog and returns non-zero. */
int nat_params_load(const char *prog, const char *path, bf_date date, bf_params **defs,
                    bf_param_set *set, nat_params *p);

/* One decision. tier is a static string, NULL when there is none. */
typedef struct nat_decision {
    bool eligible;
    bf_fen amount;
    const char *tier;
} nat_decision;

/* The decisions of one household: hh[p] for household-scope policies, mem[p][i] for member i. */
typedef struct nat_result {
    nat_decision hh[NP__N];
    nat_decision mem[NP__N][BF_MEMBERS_MAX];
} nat_result;

/* Evaluates the ten policies for h on date. */
void nat_evaluate(const nat_params *p, const bf_household *h, bf_date date, nat_result *out);

/* Per-policy totals, as a run's run_policies rows count them. */
typedef struct nat_totals {
    int64_t households;      /* households with at least one eligible decision */
    int64_t members;         /* members of eligible households (household scope), eligible members */
    int64_t amount;          /* fen */
} nat_totals;

/* Adds one household's decisions to totals[NP__N]. */
void nat_totals_add(nat_totals *totals, const bf_household *h, const nat_result *r);

#endif
