/* rules.c — the rules of the policy scripts by hand in C (see rules.h). Every amount is computed in yuan as a
 * double in the same order of operations as the policy scripts, so that rounding once to the fen
 * gives the engine's result bit for bit; money fields are fen / 100 as the engine hands them. */
#include "rules.h"
#include "bangfu.h"

#include <stdio.h>
#include <string.h>

static const char *const policy_ids[NP__N] = {
    [NP_TEKUN] = "tekun", [NP_LOW_INCOME] = "low_income", [NP_DIBAO] = "dibao",
    [NP_PENSION] = "pension_subsidy", [NP_MEDICAL] = "medical_aid",
    [NP_EMPLOYMENT] = "employment_support", [NP_DISABILITY] = "disability_subsidy",
    [NP_EDUCATION] = "education_aid", [NP_MONITORING] = "monitoring",
    [NP_TEMP_AID] = "temporary_aid",
};

static const char *const category_names[NC__N] = {
    "tekun", "dibao", "low_income", "monitored", "alleviated",
};

const char *nat_policy_id(nat_policy p)
{
    return policy_ids[p];
}

int nat_policy_find(const char *id)
{
    for (int p = 0; p < NP__N; p++)
        if (strcmp(policy_ids[p], id) == 0)
            return p;
    return -1;
}

bool nat_policy_household(nat_policy p)
{
    return p == NP_LOW_INCOME || p == NP_DIBAO || p == NP_MONITORING || p == NP_TEMP_AID;
}

/* ---- parameters ---- */

static int take(const bf_param_set *set, const char *name, double *out, char *err, size_t errlen)
{
    int i = bf_params_index(set->defs, name);
    if (i < 0 || !set->in_force[i]) {
        snprintf(err, errlen, "parameter %s %s", name, i < 0 ? "is not defined" : "has no value in force");
        return BF_EINPUT;
    }
    *out = set->value[i];
    return BF_OK;
}

int nat_params_from_set(const bf_param_set *set, nat_params *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    struct { const char *name; double *slot; } plain[] = {
        {"dibao.standard", &p->S}, {"dibao.deposit_months", &p->deposit_months},
        {"dibao.vehicle_limit", &p->vehicle_limit}, {"dibao.min_benefit", &p->min_benefit},
        {"tekun.age_elderly", &p->tk_age_elderly}, {"tekun.age_minor", &p->tk_age_minor},
        {"tekun.basic_ratio", &p->tk_basic_ratio}, {"tekun.care_full", &p->tk_care[BF_CARE_FULL]},
        {"tekun.care_partial", &p->tk_care[BF_CARE_PARTIAL]},
        {"tekun.care_none", &p->tk_care[BF_CARE_NONE]},
        {"low_income.multiplier", &p->li_multiplier},
        {"pension.min_tier", &p->pen_min_tier}, {"pension.age_min", &p->pen_age_min},
        {"pension.age_max", &p->pen_age_max}, {"pension.ratio_tekun", &p->pen_ratio_tekun},
        {"pension.ratio_severe_disability", &p->pen_ratio_severe},
        {"pension.ratio_mental", &p->pen_ratio_mental}, {"pension.ratio_dibao", &p->pen_ratio_dibao},
        {"pension.ratio_returned", &p->pen_ratio_returned},
        {"medical.premium", &p->med_premium},
        {"medical.basic_deductible", &p->med_basic_deductible},
        {"medical.basic_ratio", &p->med_basic_ratio}, {"medical.basic_cap", &p->med_basic_cap},
        {"medical.critical_deductible", &p->med_crit_deductible},
        {"medical.critical_ratio", &p->med_crit_ratio},
        {"medical.critical_deductible_factor", &p->med_crit_factor},
        {"medical.critical_ratio_bonus", &p->med_crit_bonus},
        {"employment.age_min", &p->emp_age_min}, {"employment.age_max", &p->emp_age_max},
        {"employment.hard_age", &p->emp_hard_age},
        {"employment.cross_region_subsidy", &p->emp_cross_region},
        {"employment.public_post_monthly", &p->emp_post_monthly},
        {"employment.training_subsidy", &p->emp_training},
        {"disability.living_monthly", &p->dis_living},
        {"disability.care_monthly_1", &p->dis_care_1}, {"disability.care_monthly_2", &p->dis_care_2},
        {"education.preschool", &p->edu[BF_SCHOOL_PRESCHOOL]},
        {"education.primary", &p->edu[BF_SCHOOL_PRIMARY]},
        {"education.junior", &p->edu[BF_SCHOOL_JUNIOR]},
        {"education.senior", &p->edu[BF_SCHOOL_SENIOR]},
        {"education.vocational", &p->edu[BF_SCHOOL_VOCATIONAL]},
        {"education.college", &p->edu[BF_SCHOOL_COLLEGE]},
        {"monitoring.income_line", &p->mon_income_line},
        {"monitoring.rigid_ratio", &p->mon_rigid_ratio},
        {"monitoring.drop_ratio", &p->mon_drop_ratio},
        {"monitoring.school_age_min", &p->mon_school_age_min},
        {"monitoring.school_age_max", &p->mon_school_age_max},
        {"temp_aid.cap_months", &p->ta_cap_months},
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (take(set, plain[i].name, plain[i].slot, err, errlen) != BF_OK)
            return BF_EINPUT;
    for (int c = 0; c < NC__N; c++) {
        char name[BF_PARAM_NAME_MAX];
        snprintf(name, sizeof name, "medical.subsidy_ratio.%s", category_names[c]);
        if (take(set, name, &p->med_subsidy[c], err, errlen) != BF_OK)
            return BF_EINPUT;
        snprintf(name, sizeof name, "medical.aid.%s.deductible", category_names[c]);
        if (take(set, name, &p->med_aid_deductible[c], err, errlen) != BF_OK)
            return BF_EINPUT;
        snprintf(name, sizeof name, "medical.aid.%s.ratio", category_names[c]);
        if (take(set, name, &p->med_aid_ratio[c], err, errlen) != BF_OK)
            return BF_EINPUT;
        snprintf(name, sizeof name, "medical.aid.%s.cap", category_names[c]);
        if (take(set, name, &p->med_aid_cap[c], err, errlen) != BF_OK)
            return BF_EINPUT;
    }
    return BF_OK;
}

/* ---- the rules ---- */

/* Lua's math.max(a, b) and math.min(a, b): the first argument unless the second is strictly
 * larger (smaller). */
static inline double lmax(double a, double b)
{
    return a < b ? b : a;
}

static inline double lmin(double a, double b)
{
    return b < a ? b : a;
}

/* A money field as the engine hands it to Lua: yuan (an integer when whole, else fen / 100). */
static inline double yuan(bf_fen v)
{
    return (double)v / 100.0;
}

static inline bool severely_disabled(const bf_member *m)
{
    return m->disability == 1 || m->disability == 2;
}

static inline bool severe(const bf_member *m)
{
    return m->serious_illness || severely_disabled(m);
}

static inline void yes(nat_decision *d, double amount, const char *tier)
{
    d->eligible = true;
    d->amount = bf_round_fen(amount);
    d->tier = tier;
}

static inline void no(nat_decision *d)
{
    d->eligible = false;
    d->amount = 0;
    d->tier = NULL;
}

/* temporary_aid (household), §2 temporary_aid, rules 1-5: a one-off grant when rigid expenses
 * push the year's income, with the dibao decided (dibao_fen), below 12 x S for each of the
 * `counted` members not in 特困. Reckoned in fen: income, dibao and expenses are whole fen, so
 * "available = line" is exact; the line and the cap are standards, rounded to the fen once. */
static void temporary_aid(const nat_params *p, const bf_household *h, int counted, bool assets_ok,
                          bf_fen dibao_fen, nat_decision *d)
{
    no(d);
    bf_fen rigid = h->medical + h->education;
    if (counted == 0 || rigid == 0 || !assets_ok)
        return;
    bf_fen income = h->wage + h->business + h->property + h->transfer;
    bf_fen available = income + dibao_fen - rigid;
    bf_fen line = bf_round_fen(12 * p->S * counted);
    if (available >= line)
        return;
    bf_fen cap = bf_round_fen(p->ta_cap_months * p->S * counted);
    d->eligible = true;
    d->amount = line - available < cap ? line - available : cap;
    d->tier = "expenditure";
}

void nat_evaluate(const nat_params *p, const bf_household *h, bf_date date, nat_result *out)
{
    const int N = h->n_members;
    const double S = p->S;
    /* household.income: I = wage + business + property + transfer, pcm = I / N / 12, pcy = I / N */
    const double I = yuan(h->wage) + yuan(h->business) + yuan(h->property) + yuan(h->transfer);
    const double pcm = I / N / 12;
    const double pcy = I / N;
    /* household.assets: deposits <= deposit_months x S x N, vehicle <= limit, extra_houses = 0 */
    const bool assets_ok = yuan(h->deposits) <= p->deposit_months * S * N
                           && yuan(h->vehicle) <= p->vehicle_limit && h->extra_houses == 0;
    const bool covered = h->status == BF_STATUS_POVERTY_ALLEVIATED || h->monitor != BF_MONITOR_NONE;
    int age[BF_MEMBERS_MAX];
    bool tekun[BF_MEMBERS_MAX];
    for (int i = 0; i < N; i++)
        age[i] = bf_age_on(h->members[i].birth, date);

    /* tekun (member) */
    int in_tekun = 0;
    for (int i = 0; i < N; i++) {
        const bf_member *m = &h->members[i];
        nat_decision *d = &out->mem[NP_TEKUN][i];
        bool group = age[i] >= p->tk_age_elderly || age[i] < p->tk_age_minor || severely_disabled(m)
                     || m->labor == BF_LABOR_NONE;
        tekun[i] = group && !m->supporter && pcm < S;
        if (tekun[i]) {
            in_tekun++;
            double basic = p->tk_basic_ratio * S;
            yes(d, 12 * (basic + p->tk_care[m->self_care]),
                bf_enum_name(BF_ENUM_SELF_CARE, (int)m->self_care));
        } else {
            no(d);
        }
    }

    /* low_income (household): assets pass and S <= pcm < multiplier x S */
    const bool low_income = assets_ok && S <= pcm && pcm < p->li_multiplier * S;
    if (low_income)
        yes(&out->hh[NP_LOW_INCOME], 0, "low_income");
    else
        no(&out->hh[NP_LOW_INCOME]);

    /* dibao (household), rules 1-4 */
    enum { DB_NONE, DB_HOUSEHOLD, DB_SINGLE } dibao = DB_NONE;
    const int counted = N - in_tekun;
    nat_decision *db = &out->hh[NP_DIBAO];
    no(db);
    if (counted > 0) {
        if (assets_ok && pcm < S) {
            double monthly = lmax(S - pcm, p->min_benefit);
            yes(db, 12 * counted * monthly, "household");
            dibao = DB_HOUSEHOLD;
        } else if (low_income) {
            int count = 0;
            for (int i = 0; i < N; i++)
                if (severe(&h->members[i]) && !tekun[i])
                    count++;
            if (count > 0) {
                yes(db, 12 * S * count, "single_person");
                dibao = DB_SINGLE;
            }
        }
    }
    const bool dibao_eligible = dibao != DB_NONE;

    for (int i = 0; i < N; i++) {
        const bf_member *m = &h->members[i];
        const int a = age[i];
        const bool dibao_object = dibao_eligible && !tekun[i]
                                  && (dibao == DB_HOUSEHOLD || (dibao == DB_SINGLE && severe(m)));

        /* pension_subsidy: preconditions, then the largest ratio (ties: first) */
        nat_decision *d = &out->mem[NP_PENSION][i];
        no(d);
        if (p->pen_age_min <= a && a <= p->pen_age_max && m->pension_insured
            && m->school == BF_SCHOOL_NONE) {
            double r = 0;
            const char *tier = NULL;
            if (tekun[i] && p->pen_ratio_tekun > r)
                r = p->pen_ratio_tekun, tier = "tekun";
            if (severely_disabled(m) && p->pen_ratio_severe > r)
                r = p->pen_ratio_severe, tier = "severe_disability";
            if ((m->disability_type == BF_DIS_INTELLECTUAL || m->disability_type == BF_DIS_MENTAL)
                && m->disability >= 1 && p->pen_ratio_mental > r)
                r = p->pen_ratio_mental, tier = "mental";
            if (dibao_object && p->pen_ratio_dibao > r)
                r = p->pen_ratio_dibao, tier = "dibao";
            if ((h->monitor == BF_MONITOR_UNSTABLE || h->monitor == BF_MONITOR_HARDSHIP)
                && p->pen_ratio_returned > r)
                r = p->pen_ratio_returned, tier = "returned";
            if (tier)
                yes(d, r * p->pen_min_tier, tier);
        }

        /* medical_aid: category, premium subsidy, basic, critical illness, aid */
        d = &out->mem[NP_MEDICAL][i];
        no(d);
        int c = tekun[i] ? NC_TEKUN
                : dibao_object ? NC_DIBAO
                : (low_income || dibao_eligible) ? NC_LOW_INCOME
                : h->monitor != BF_MONITOR_NONE ? NC_MONITORED
                : h->status == BF_STATUS_POVERTY_ALLEVIATED ? NC_ALLEVIATED
                : -1;
        if (c >= 0 && m->medical_insured) {
            double premium_subsidy = p->med_premium * p->med_subsidy[c];
            double C = yuan(m->medical_cost);
            double basic = lmin(lmax(C - p->med_basic_deductible, 0) * p->med_basic_ratio,
                                p->med_basic_cap);
            double dd = p->med_crit_deductible, q = p->med_crit_ratio;
            if (c == NC_TEKUN || c == NC_DIBAO || c == NC_MONITORED) {
                dd = dd * p->med_crit_factor;
                q = q + p->med_crit_bonus;
            }
            double critical = lmax(C - basic - dd, 0) * q;
            double aid = lmin(lmax(C - basic - critical - p->med_aid_deductible[c], 0)
                              * p->med_aid_ratio[c], p->med_aid_cap[c]);
            double amount = premium_subsidy + aid;
            if (amount > 0)
                yes(d, amount, category_names[c]);
        }

        /* employment_support */
        d = &out->mem[NP_EMPLOYMENT][i];
        no(d);
        if (covered && p->emp_age_min <= a && a <= p->emp_age_max
            && (m->labor == BF_LABOR_FULL || m->labor == BF_LABOR_PARTIAL)
            && m->school == BF_SCHOOL_NONE) {
            if (m->employment == BF_EMP_OUTSIDE)
                yes(d, p->emp_cross_region, "cross_region");
            else if (m->employment == BF_EMP_UNEMPLOYED) {
                if (m->labor == BF_LABOR_PARTIAL || m->disability >= 1 || a >= p->emp_hard_age)
                    yes(d, 12 * p->emp_post_monthly, "public_post");
                else
                    yes(d, p->emp_training, "training");
            }
        }

        /* disability_subsidy: living + care */
        d = &out->mem[NP_DISABILITY][i];
        no(d);
        if (m->disability != 0) {
            double living = (dibao_eligible || low_income) ? 12 * p->dis_living : 0;
            double care = 0;
            if (m->disability == 1)
                care = 12 * p->dis_care_1;
            else if (m->disability == 2
                     || (m->disability == 3 && (m->disability_type == BF_DIS_INTELLECTUAL
                                                || m->disability_type == BF_DIS_MENTAL)))
                care = 12 * p->dis_care_2;
            double amount = living + care;
            if (amount > 0)
                yes(d, amount, living > 0 && care > 0 ? "living+care" : living > 0 ? "living" : "care");
        }

        /* education_aid */
        d = &out->mem[NP_EDUCATION][i];
        no(d);
        if (m->school != BF_SCHOOL_NONE && (covered || dibao_eligible || tekun[i]))
            yes(d, p->edu[m->school], bf_enum_name(BF_ENUM_SCHOOL, (int)m->school));
    }

    /* monitoring (household): six triggers */
    int k = 0;
    if (pcy < p->mon_income_line)
        k++;
    double rigid = yuan(h->medical) + yuan(h->education);
    if (rigid > p->mon_rigid_ratio * I)
        k++;
    if (h->has_previous) {
        double previous = yuan(h->previous);
        if (previous > 0 && I < (1 - p->mon_drop_ratio) * previous)
            k++;
    }
    if (!h->housing_safe)
        k++;
    if (!h->water_safe)
        k++;
    for (int i = 0; i < N; i++) {
        const bf_member *m = &h->members[i];
        if (m->school == BF_SCHOOL_NONE && !severely_disabled(m) && p->mon_school_age_min <= age[i]
            && age[i] <= p->mon_school_age_max) {
            k++;
            break;
        }
    }
    if (k > 0)
        yes(&out->hh[NP_MONITORING], 0, k >= 2 ? "alert" : "watch");
    else
        no(&out->hh[NP_MONITORING]);

    temporary_aid(p, h, counted, assets_ok, out->hh[NP_DIBAO].amount, &out->hh[NP_TEMP_AID]);
}

void nat_totals_add(nat_totals *totals, const bf_household *h, const nat_result *r)
{
    for (int p = 0; p < NP__N; p++) {
        nat_totals *t = &totals[p];
        if (nat_policy_household((nat_policy)p)) {
            if (r->hh[p].eligible) {
                t->households++;
                t->members += h->n_members;
                t->amount += r->hh[p].amount;
            }
            continue;
        }
        int eligible = 0;
        for (int i = 0; i < h->n_members; i++)
            if (r->mem[p][i].eligible) {
                eligible++;
                t->amount += r->mem[p][i].amount;
            }
        t->members += eligible;
        t->households += eligible > 0;
    }
}

int nat_params_load(const char *prog, const char *path, bf_date date, bf_params **defs,
                    bf_param_set *set, nat_params *p)
{
    bf_errors errs;
    bf_errors_init(&errs, 20);
    int rc = bf_params_load(path, defs, &errs);
    if (rc == BF_OK)
        rc = bf_params_resolve(*defs, date, NULL, 0, set, &errs);
    for (int i = 0; i < errs.count; i++)
        fprintf(stderr, "%s: %s\n", prog, errs.msgs[i]);
    bf_errors_free(&errs);
    char err[1024];
    if (rc == BF_OK && (rc = nat_params_from_set(set, p, err, sizeof err)) != BF_OK)
        fprintf(stderr, "%s: %s\n", prog, err);
    return rc;
}
