/* test_gen.c — the synthetic population: determinism, independence, validity, distribution, CLI. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bangfu.h"
#include "areas.h"
#include "gen.h"
#include "rules.h"
#include "store.h"

#include "helpers.h"

#define BANGFU BF_BUILD_DIR "/bangfu"
#define SAMPLE 20000   /* households drawn for the distribution checks */

/* The name of the first field in which a and b differ, or NULL when they are equal. */
static const char *member_diff(const bf_member *a, const bf_member *b)
{
#define SAME_STR(f) if (strcmp(a->f, b->f) != 0) return "member " #f
#define SAME(f) if (a->f != b->f) return "member " #f
    SAME_STR(id); SAME_STR(name); SAME_STR(idnumber);
    SAME(relation); SAME(birth); SAME(sex); SAME(labor); SAME(employment); SAME(school);
    SAME(self_care); SAME(disability); SAME(disability_type); SAME(serious_illness);
    SAME(pension_insured); SAME(medical_insured); SAME(medical_cost); SAME(supporter);
    return NULL;
}

static const char *household_diff(const bf_household *a, const bf_household *b)
{
    SAME_STR(id); SAME_STR(town); SAME_STR(village); SAME(status); SAME(monitor);
    SAME_STR(recorded); SAME(wage); SAME(business); SAME(property); SAME(transfer);
    SAME(excluded); SAME(has_previous); SAME(deposits); SAME(vehicle); SAME(extra_houses);
    SAME(medical); SAME(education); SAME(housing_safe); SAME(water_safe); SAME(n_members);
    if (a->has_previous && a->previous != b->previous)
        return "previous";
    for (int i = 0; i < a->n_members; i++) {
        const char *d = member_diff(&a->members[i], &b->members[i]);
        if (d)
            return d;
    }
    return NULL;
#undef SAME
#undef SAME_STR
}

static bf_fen income(const bf_household *h)
{
    return h->wage + h->business + h->property + h->transfer;
}

static int age(const bf_member *m)
{
    return bf_age_on(m->birth, BF_GEN_DATE);
}

/* ---------------------------------------------------------------- determinism */

Test(gen, same_seed_same_households)
{
    bf_household a = {0}, b = {0};
    for (int64_t i = 0; i < 2000; i++) {
        cr_assert_eq(bf_gen_household(bf_test_gen_county(), 7, i, BF_GEN_DATE, &a), BF_OK);
        cr_assert_eq(bf_gen_household(bf_test_gen_county(), 7, i, BF_GEN_DATE, &b), BF_OK);
        const char *d = household_diff(&a, &b);
        cr_assert_null(d, "household %lld differs in %s", (long long)i, d);
    }
    bf_household_free(&a);
    bf_household_free(&b);
}

Test(gen, other_seed_other_households)
{
    bf_household a = {0}, b = {0};
    int differ = 0;
    for (int64_t i = 0; i < 200; i++) {
        cr_assert_eq(bf_gen_household(bf_test_gen_county(), 1, i, BF_GEN_DATE, &a), BF_OK);
        cr_assert_eq(bf_gen_household(bf_test_gen_county(), 2, i, BF_GEN_DATE, &b), BF_OK);
        cr_assert_str_eq(a.id, b.id);   /* ids depend on the index only */
        differ += household_diff(&a, &b) != NULL;
    }
    cr_expect_geq(differ, 195, "only %d of 200 households differ between seeds 1 and 2", differ);
    bf_household_free(&a);
    bf_household_free(&b);
}

/* Household k is the same whether or not 0 … k−1 were generated first, and in any order. */
Test(gen, household_independent_of_the_others)
{
    enum { K = 300 };
    bf_household *forward = calloc(K, sizeof *forward);
    cr_assert_not_null(forward);
    for (int i = 0; i < K; i++)
        cr_assert_eq(bf_gen_household(bf_test_gen_county(), 99, i, BF_GEN_DATE, &forward[i]), BF_OK);
    bf_household h = {0};
    for (int i = K - 1; i >= 0; i -= 7) {
        cr_assert_eq(bf_gen_household(bf_test_gen_county(), 99, i, BF_GEN_DATE, &h), BF_OK);
        const char *d = household_diff(&forward[i], &h);
        cr_assert_null(d, "household %d differs in %s when generated alone", i, d);
    }
    cr_assert_eq(bf_gen_household(bf_test_gen_county(), 99, 123456789, BF_GEN_DATE, &h), BF_OK);
    cr_expect_str_eq(h.id, "H123456790");
    bf_household_free(&h);
    for (int i = 0; i < K; i++)
        bf_household_free(&forward[i]);
    free(forward);
}

Test(gen, ids_sort_in_generation_order)
{
    char a[BF_ID_BYTES], b[BF_ID_BYTES];
    bf_gen_household_id(0, a);
    cr_expect_str_eq(a, "H000000001");
    for (int64_t i = 1; i < BF_GEN_MAX_HOUSEHOLDS; i = i * 3 + 1) {
        bf_gen_household_id(i - 1, a);
        bf_gen_household_id(i, b);
        cr_expect_lt(strcmp(a, b), 0, "%s !< %s", a, b);
    }
    bf_gen_household_id(BF_GEN_MAX_HOUSEHOLDS - 1, a);
    cr_expect_str_eq(a, "H100000000");
}

Test(gen, reference_date)
{
    bf_date d;
    cr_assert_eq(bf_date_parse("2021-06-30", &d), BF_OK);
    cr_expect_eq(BF_GEN_DATE, d);
    /* the generator's scale is the standard params.xml puts in force on that date: 551 from
     * 2021-01-01 (532 before, 570 from 2022-01-01) */
    cr_expect_eq(bf_test_gen_county()->standard, 551);
}

/* ---------------------------------------------------------------- validity and shape */

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Households [from, from + n) pass every import rule (policies/areas.xml included), and no two
 * of their members share an ID number. */
static void expect_import_rules_hold(int64_t from, int n)
{
    bf_areas *areas;
    bf_errors errs;
    bf_errors_init(&errs, 5);
    cr_assert_eq(bf_areas_load_dir(BF_SOURCE_DIR "/policies", &areas, &errs), BF_OK);
    bf_rules rules = {BF_GEN_DATE, areas};
    char **ids = calloc((size_t)n * 8, sizeof *ids);
    cr_assert_not_null(ids);
    int n_ids = 0;
    bf_household h = {0};
    for (int64_t i = from; i < from + n; i++) {
        cr_assert_eq(bf_gen_household(bf_test_gen_county(), 1, i, BF_GEN_DATE, &h), BF_OK);
        int bad = bf_rules_check(&h, "gen", NULL, &rules, &errs);
        cr_assert_eq(bad, 0, "%s", errs.count ? errs.msgs[0] : "");
        for (int j = 0; j < h.n_members; j++)
            if (h.members[j].idnumber[0])
                cr_assert_not_null(ids[n_ids++] = strdup(h.members[j].idnumber));
    }
    qsort(ids, (size_t)n_ids, sizeof *ids, compare_text);
    for (int k = 1; k < n_ids; k++)
        cr_assert_str_neq(ids[k - 1], ids[k], "two generated people share an ID number");
    for (int k = 0; k < n_ids; k++)
        free(ids[k]);
    free(ids);
    bf_household_free(&h);
    bf_areas_free(areas);
    bf_errors_free(&errs);
}

Test(gen, households_pass_the_import_rules_with_distinct_id_numbers)
{
    expect_import_rules_hold(0, SAMPLE);
    /* past the first division code's 182,500 person slots (household 22,812 on) */
    expect_import_rules_hold(999000, 2000);
}

Test(gen, every_household_valid_and_consistent)
{
    bf_household h = {0};
    bf_errors errs;
    bf_errors_init(&errs, 5);
    for (int64_t i = 0; i < SAMPLE; i++) {
        cr_assert_eq(bf_gen_household(bf_test_gen_county(), 1, i, BF_GEN_DATE, &h), BF_OK);
        int n = bf_household_validate(&h, NULL, BF_GEN_DATE, &errs);
        cr_assert_eq(n, 0, "%s", errs.count ? errs.msgs[0] : "");
        cr_assert(h.n_members >= 1 && h.n_members <= 7, "%s has %d members", h.id, h.n_members);
        cr_assert_eq(h.members[0].relation, BF_REL_HEAD, "%s: the first member is the head", h.id);
        int head = age(&h.members[0]);
        for (int j = 0; j < h.n_members; j++) {
            const bf_member *m = &h.members[j];
            int a = age(m);
            cr_assert_leq(m->birth, BF_GEN_DATE, "%s born after the date", m->id);
            if (m->relation == BF_REL_HEAD || m->relation == BF_REL_SPOUSE)
                cr_assert_geq(a, 18, "%s: head or spouse aged %d", m->id, a);
            if (m->relation == BF_REL_CHILD || m->relation == BF_REL_GRANDCHILD)
                cr_assert_lt(a, head, "%s: child aged %d, head %d", m->id, a, head);
            if (m->relation == BF_REL_PARENT)
                cr_assert_gt(a, head, "%s: parent aged %d, head %d", m->id, a, head);
            if (m->idnumber[0])
                cr_assert_eq(strncmp(m->idnumber, "440232", 6), 0);
        }
    }
    bf_errors_free(&errs);
    bf_household_free(&h);
}

/* Counts over SAMPLE households of seed 1. */
typedef struct tally {
    int64_t households, members, size[8], town[64];
    int64_t below, elderly, disabled;
    int64_t grade[5], dtype[BF_DIS__N], school[BF_SCHOOL__N], employment[BF_EMP__N];
    int64_t labor[BF_LABOR__N], self_care[BF_CARE__N], relation[BF_REL__N];
    int64_t monitor[BF_MONITOR__N], status[BF_STATUS__N];
    int64_t cost_15k, cost_200k, out_of_school, unsafe_house, unsafe_water, drop, rigid;
    int64_t mental3, insured;
} tally;

static void count_member(tally *t, const bf_member *m)
{
    t->members++;
    t->elderly += age(m) >= 60;
    t->disabled += m->disability > 0;
    t->grade[m->disability]++;
    t->dtype[m->disability_type]++;
    t->school[m->school]++;
    t->employment[m->employment]++;
    t->labor[m->labor]++;
    t->self_care[m->self_care]++;
    t->relation[m->relation]++;
    t->cost_15k += m->medical_cost > 1500000;
    t->cost_200k += m->medical_cost > 20000000;
    t->out_of_school += age(m) >= 6 && age(m) <= 15 && m->school == BF_SCHOOL_NONE;
    t->mental3 += m->disability == 3 && (m->disability_type == BF_DIS_INTELLECTUAL ||
                                         m->disability_type == BF_DIS_MENTAL);
    t->insured += m->medical_insured;
}

static void count_household(tally *t, const bf_household *h)
{
    t->households++;
    t->size[h->n_members]++;
    int town = bf_areas_town(bf_test_gen_county()->areas, h->town);
    cr_assert(town >= 0 && town < 64, "%s: town %s is not in areas.xml", h->id, h->town);
    t->town[town]++;
    bf_fen I = income(h);
    t->below += I < (bf_fen)551 * 1200 * h->n_members;   /* pcm < 551 */
    t->monitor[h->monitor]++;
    t->status[h->status]++;
    t->unsafe_house += !h->housing_safe;
    t->unsafe_water += !h->water_safe;
    t->drop += h->has_previous && h->previous > 0 && I * 10 < h->previous * 7;
    t->rigid += (h->medical + h->education) * 2 > I;
    for (int j = 0; j < h->n_members; j++)
        count_member(t, &h->members[j]);
}

static tally sample_tally(void)
{
    tally t;
    memset(&t, 0, sizeof t);
    bf_household h = {0};
    for (int64_t i = 0; i < SAMPLE; i++) {
        cr_assert_eq(bf_gen_household(bf_test_gen_county(), 1, i, BF_GEN_DATE, &h), BF_OK);
        count_household(&t, &h);
    }
    bf_household_free(&h);
    return t;
}

static void expect_every_value(const int64_t *counts, int n, const char *what)
{
    for (int v = 0; v < n; v++)
        cr_expect_gt(counts[v], 0, "no member or household with %s value %d", what, v);
}

Test(gen, distribution)
{
    tally t = sample_tally();
    double mean = (double)t.members / (double)t.households;
    cr_expect(mean >= 2.8 && mean <= 3.8, "mean household size %.2f", mean);
    for (int s = 1; s <= 7; s++)
        cr_expect_gt(t.size[s], 0, "no household of %d", s);
    cr_expect_gt(t.size[2] + t.size[3] + t.size[4] + t.size[5], t.households * 6 / 10,
                 "most households should have 2 to 5 members");
    expect_every_value(t.town, bf_areas_town_count(bf_test_gen_county()->areas), "town");
    expect_every_value(t.grade, 5, "disability");
    expect_every_value(t.dtype, BF_DIS__N, "disability_type");
    expect_every_value(t.school, BF_SCHOOL__N, "school");
    expect_every_value(t.employment, BF_EMP__N, "employment");
    expect_every_value(t.labor, BF_LABOR__N, "labor");
    expect_every_value(t.self_care, BF_CARE__N, "self_care");
    expect_every_value(t.relation, BF_REL__N, "relation");
    expect_every_value(t.monitor, BF_MONITOR__N, "monitor");
    expect_every_value(t.status, BF_STATUS__N, "status");
    double below = (double)t.below / (double)t.households;
    cr_expect(below >= 0.03 && below <= 0.25, "share with pcm < 551: %.3f", below);
    double elderly = (double)t.elderly / (double)t.members;
    cr_expect(elderly >= 0.10 && elderly <= 0.30, "share of members 60 or older: %.3f", elderly);
    double disabled = (double)t.disabled / (double)t.members;
    cr_expect(disabled >= 0.02 && disabled <= 0.10, "share of members disabled: %.3f", disabled);
    cr_expect_gt(t.insured, t.members * 9 / 10, "medical insurance should be the rule");
    cr_expect_gt(t.cost_15k, 0, "no medical cost above 15000");
    cr_expect_gt(t.cost_200k, 0, "no medical cost above 200000");
    cr_expect_gt(t.out_of_school, 0, "no school-age child out of school");
    cr_expect_gt(t.mental3, 0, "no intellectual/mental grade-3 disability");
    cr_expect_gt(t.unsafe_house, 0);
    cr_expect_gt(t.unsafe_water, 0);
    cr_expect_gt(t.drop, 0, "no income drop of more than 30%%");
    cr_expect_gt(t.rigid, 0, "no rigid expenses above half the income");
}

/* ---------------------------------------------------------------- the library's bulk paths */

static char dir[] = "/tmp/bf-gen-XXXXXX";

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

Test(gen_store, stop_and_refusal_keep_the_store_as_it_was, .init = setup, .fini = teardown)
{
    char path[300];
    snprintf(path, sizeof path, "%s/s.db", dir);
    bf_store *s;
    cr_assert_eq(bf_store_open(path, &s, &bf_test_errs), BF_OK, "%s", bf_test_error());
    bf_errors errs;
    bf_errors_init(&errs, 5);
    bf_gen_totals totals;
    volatile sig_atomic_t stop = 1;
    bf_gen_job job = {bf_test_gen_county(), 1, 50, BF_GEN_DATE, NULL, &stop, NULL, NULL};
    cr_expect_eq(bf_gen_to_store(s, &job, &totals, &errs), BF_EINTERRUPTED);
    cr_expect_eq(totals.households, 0);
    int64_t households, members;
    cr_assert_eq(bf_store_count(s, &households, &members, &errs), BF_OK);
    cr_expect_eq(households + members, 0);
    stop = 0;
    cr_expect_eq(bf_gen_to_store(s, &job, &totals, &errs), BF_OK);
    cr_expect_eq(totals.households, 50);
    cr_expect_eq(bf_gen_to_store(s, &job, &totals, &errs), BF_EUSAGE);
    cr_assert_eq(bf_store_count(s, &households, &members, &errs), BF_OK);
    cr_expect_eq(households, 50);
    job.n = 0;
    cr_expect_eq(bf_gen_to_xml(path, &job, &totals, &errs), BF_EUSAGE);
    bf_errors_free(&errs);
    bf_store_close(s);
}

/* ---------------------------------------------------------------- the command */

/* Runs a shell command, returns its exit status. */
static int run(const char *fmt, const char *a, const char *b)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    int st = system(cmd);
    cr_assert(WIFEXITED(st), "%s did not exit", cmd);
    return WEXITSTATUS(st);
}

static void count_store(const char *path, int64_t *households, int64_t *members)
{
    bf_store *s;
    cr_assert_eq(bf_store_open_existing(path, &s, &bf_test_errs), BF_OK, "%s", bf_test_error());
    cr_assert_eq(bf_store_count(s, households, members, NULL), BF_OK);
    bf_store_close(s);
}

Test(gen_cli, db_gets_n_households, .init = setup, .fini = teardown)
{
    char db[300];
    snprintf(db, sizeof db, "%s/g.db", dir);
    cr_assert_eq(run(BANGFU " gen --households 3000 --seed 5 --db %s%s >/dev/null", db, ""), 0);
    int64_t households, members;
    count_store(db, &households, &members);
    cr_expect_eq(households, 3000);
    int64_t expect = 0;
    bf_household h = {0};
    for (int64_t i = 0; i < 3000; i++) {
        cr_assert_eq(bf_gen_household(bf_test_gen_county(), 5, i, BF_GEN_DATE, &h), BF_OK);
        expect += h.n_members;
    }
    cr_expect_eq(members, expect);
    /* a database that holds households is refused and left as it was */
    cr_expect_eq(run(BANGFU " gen --households 10 --db %s%s 2>/dev/null", db, ""), 2);
    count_store(db, &households, &members);
    cr_expect_eq(households, 3000);
    cr_expect_eq(members, expect);
    bf_household_free(&h);
}

Test(gen_cli, usage_errors, .init = setup, .fini = teardown)
{
    const char *q = " 2>/dev/null >/dev/null";
    cr_expect_eq(run(BANGFU " gen --households 10%s%s", q, ""), 2);
    cr_expect_eq(run(BANGFU " gen --households 10 --db %s/a.db --out %s/a.xml 2>/dev/null", dir, dir), 2);
    cr_expect_eq(run(BANGFU " gen --households 0 --db %s/a.db%s", dir, q), 2);
    cr_expect_eq(run(BANGFU " gen --households 100000001 --db %s/a.db%s", dir, q), 2);
    cr_expect_eq(run(BANGFU " gen --households 5 --seed x --db %s/a.db%s", dir, q), 2);
    cr_expect_eq(run(BANGFU " gen --db %s/a.db%s", dir, q), 2);
    cr_expect_eq(run(BANGFU " gen --households 5 --bogus --db %s/a.db%s", dir, q), 2);
    cr_expect_eq(access(dir, F_OK), 0);
    char path[300];
    snprintf(path, sizeof path, "%s/a.db", dir);
    cr_expect_neq(access(path, F_OK), 0, "a usage error must not create the database");
}

/* gen --out, then import, gives the same store as gen --db. */
Test(gen_cli, xml_imports_to_the_same_store, .init = setup, .fini = teardown)
{
    char xml[300], a[300], b[300];
    snprintf(xml, sizeof xml, "%s/g.xml", dir);
    snprintf(a, sizeof a, "%s/a.db", dir);
    snprintf(b, sizeof b, "%s/b.db", dir);
    cr_assert_eq(run(BANGFU " gen --households 1500 --seed 3 --out %s%s >/dev/null", xml, ""), 0);
    cr_assert_eq(run(BANGFU " import %s --db %s >/dev/null", xml, a), 0);
    cr_assert_eq(run(BANGFU " gen --households 1500 --seed 3 --db %s%s >/dev/null", b, ""), 0);
    bf_store *sa, *sb;
    cr_assert_eq(bf_store_open_existing(a, &sa, &bf_test_errs), BF_OK, "%s", bf_test_error());
    cr_assert_eq(bf_store_open_existing(b, &sb, &bf_test_errs), BF_OK, "%s", bf_test_error());
    bf_reader *ra, *rb;
    cr_assert_eq(bf_store_reader_open(sa, 500, &ra, NULL), BF_OK);
    cr_assert_eq(bf_store_reader_open(sb, 500, &rb, NULL), BF_OK);
    int64_t total = 0;
    for (;;) {
        bf_household *ba, *bb;
        int na, nb;
        cr_assert_eq(bf_reader_next(ra, &ba, &na, NULL), BF_OK);
        cr_assert_eq(bf_reader_next(rb, &bb, &nb, NULL), BF_OK);
        cr_assert_eq(na, nb);
        if (na == 0)
            break;
        for (int i = 0; i < na; i++) {
            const char *d = household_diff(&ba[i], &bb[i]);
            cr_assert_null(d, "%s differs in %s after XML and import", ba[i].id, d);
        }
        total += na;
    }
    cr_expect_eq(total, 1500);
    bf_reader_close(ra);
    bf_reader_close(rb);
    bf_store_close(sa);
    bf_store_close(sb);
}

/* Every policy and tier the scripts give, as "policy/tier" (dibao's all_tekun is no tier: a
 * household whose every member is tekun is not eligible for dibao). */
static const char *const tiers[] = {
    "tekun/full", "tekun/partial", "tekun/none", "low_income/low_income", "dibao/household",
    "dibao/single_person", "pension_subsidy/tekun", "pension_subsidy/severe_disability",
    "pension_subsidy/mental", "pension_subsidy/dibao", "pension_subsidy/returned",
    "medical_aid/tekun", "medical_aid/dibao", "medical_aid/low_income", "medical_aid/monitored",
    "medical_aid/alleviated", "employment_support/cross_region", "employment_support/public_post",
    "employment_support/training", "disability_subsidy/living", "disability_subsidy/care",
    "disability_subsidy/living+care", "education_aid/preschool", "education_aid/primary",
    "education_aid/junior", "education_aid/senior", "education_aid/vocational",
    "education_aid/college", "monitoring/watch", "monitoring/alert",
};
#define N_TIERS ((int)(sizeof tiers / sizeof tiers[0]))

/* The tiers[] bit of the eligible decisions of `SELECT policy, tier` rows of db's run. */
static uint64_t tiers_seen(sqlite3 *conn)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(conn, "SELECT policy, coalesce(tier, '') FROM decisions "
                                          "WHERE eligible = 1", -1, &st, NULL), SQLITE_OK);
    uint64_t seen = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        char name[100];
        snprintf(name, sizeof name, "%s/%s", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
        for (int c = 0; c < N_TIERS; c++)
            if (strcmp(tiers[c], name) == 0)
                seen |= 1ULL << c;
    }
    sqlite3_finalize(st);
    return seen;
}

/* One number from a query of db. */
static long long query_count(sqlite3 *conn, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(conn, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(conn));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    long long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* A generated county has every policy and tier, and its records (`recorded`, which the policy
 * scripts decided when gen ran) mostly agree with a run of the same scripts on the same date:
 * the few that disagree either way are what review is there to find. */
Test(gen_cli, every_policy_and_tier_and_records_that_mostly_agree, .init = setup, .fini = teardown)
{
    char db[300];
    snprintf(db, sizeof db, "%s/r.db", dir);
    cr_assert_eq(run(BANGFU " gen --households 10000 --seed 1 --db %s%s >/dev/null", db, ""), 0);
    cr_assert_eq(run(BANGFU " run --db %s --date 2021-06-30 --policies %s >/dev/null", db,
                     BF_SOURCE_DIR "/policies"), 0);
    sqlite3 *conn;
    cr_assert_eq(sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    uint64_t seen = tiers_seen(conn);
    for (int c = 0; c < N_TIERS; c++)
        cr_expect(seen >> c & 1, "no case of %s", tiers[c]);
    const char *dibao_eligible = "EXISTS (SELECT 1 FROM decisions d WHERE d.household_id = h.id "
                                 "AND d.policy = 'dibao' AND d.eligible = 1)";
    const char *dibao_recorded = "(' ' || h.recorded || ' ') LIKE '% dibao %'";
    char sql[600];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM households h WHERE %s", dibao_eligible);
    long long dibao = query_count(conn, sql);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM households h WHERE %s AND NOT %s",
             dibao_recorded, dibao_eligible);
    long long recorded_not_eligible = query_count(conn, sql);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM households h WHERE %s AND NOT %s",
             dibao_eligible, dibao_recorded);
    long long eligible_not_recorded = query_count(conn, sql);
    sqlite3_close(conn);
    cr_expect_geq(dibao * 100, 10000 * 3, "dibao eligible: %lld", dibao);
    cr_expect_gt(recorded_not_eligible, 0, "review needs dibao recorded but not eligible");
    cr_expect_gt(eligible_not_recorded, 0, "review needs dibao eligible but not recorded");
    cr_expect_lt(recorded_not_eligible + eligible_not_recorded, dibao / 2,
                 "records should mostly agree with the rules");
}

/* gen without a policies folder says where it looked, and writes nothing. */
Test(gen_cli, needs_the_policies, .init = setup, .fini = teardown)
{
    char db[300];
    snprintf(db, sizeof db, "%s/p.db", dir);
    cr_expect_eq(run(BANGFU " gen --households 5 --policies /nonexistent --db %s%s", db,
                     " 2>/dev/null >/dev/null"), 2);
    cr_expect_neq(access(db, F_OK), 0, "no database is made without the policies");
}

/* ---------------------------------------------------------------- samples/households.xml */

/* The decisions the sample's comments work out by hand (household, member or "", policy, tier,
 * amount in yuan at 2021-06-30). */
static const struct {
    const char *household, *member, *policy, *tier;
    double amount;
} sample_expect[] = {
    {"S01", "", "dibao", "household", 5436},
    {"S01", "S01-3", "education_aid", "primary", 1000},
    {"S01", "S01-1", "pension_subsidy", "dibao", 180},
    {"S01", "", "temporary_aid", "expenditure", 800},
    {"S02", "", "dibao", "household", 360},
    {"S03", "", "low_income", "low_income", 0},
    {"S03", "", "dibao", "single_person", 6612},
    {"S03", "S03-1", "medical_aid", "dibao", 8525},
    {"S03", "S03-2", "medical_aid", "low_income", 160},
    {"S03", "S03-4", "education_aid", "senior", 2000},
    {"S03", "", "temporary_aid", "expenditure", 9636},
    {"S04", "S04-1", "tekun", "partial", 16411.20},
    {"S04", "S04-1", "medical_aid", "tekun", 1445},
    {"S05", "S05-2", "tekun", "none", 22243.20},
    {"S05", "", "dibao", "household", 3012},
    {"S05", "S05-2", "disability_subsidy", "living+care", 4200},
    {"S06", "S06-1", "tekun", "full", 10968},
    {"S06", "S06-1", "pension_subsidy", "tekun", 180},
    {"S06", "S06-1", "disability_subsidy", "care", 1800},
    {"S07", "S07-2", "disability_subsidy", "living", 1800},
    {"S07", "", "temporary_aid", "expenditure", 4636},
    {"S08", "S08-4", "medical_aid", "monitored", 21085},
    {"S08", "S08-1", "pension_subsidy", "returned", 90},
    {"S08", "S08-1", "employment_support", "cross_region", 500},
    {"S08", "S08-2", "employment_support", "public_post", 9600},
    {"S08", "", "monitoring", "alert", 0},
    {"S08", "", "temporary_aid", "expenditure", 13224},
    {"S09", "S09-5", "medical_aid", "alleviated", 6171},
    {"S09", "S09-2", "employment_support", "training", 1000},
    {"S09", "S09-3", "education_aid", "vocational", 2000},
    {"S09", "S09-4", "education_aid", "preschool", 1000},
    {"S10", "S10-3", "education_aid", "junior", 1250},
    {"S10", "", "monitoring", "watch", 0},
    {"S17", "", "dibao", "household", 2424},
    {"S18", "S18-2", "pension_subsidy", "severe_disability", 180},
    {"S18", "S18-3", "pension_subsidy", "mental", 180},
    {"S18", "S18-2", "disability_subsidy", "care", 2400},
    {"S19", "", "dibao", "household", 7236},
    {"S19", "S19-1", "disability_subsidy", "living+care", 3600},
    {"S20", "S20-2", "tekun", "full", 10968},
    {"S20", "", "dibao", "household", 2112},
    {"S21", "", "dibao", "household", 1812},
    {"S23", "S23-3", "education_aid", "college", 3000},
    {"S23", "S23-2", "employment_support", "public_post", 9600},
    {"S25", "", "dibao", "household", 6612},
    {"S25", "S25-1", "medical_aid", "dibao", 780},
    {"S25", "", "temporary_aid", "expenditure", 500},
    {"S26", "S26-1", "medical_aid", "tekun", 9701.25},
};

Test(gen_cli, sample_covers_every_policy_and_tier, .init = setup, .fini = teardown)
{
    char db[300];
    snprintf(db, sizeof db, "%s/sample.db", dir);
    cr_assert_eq(run(BANGFU " import %s --db %s >/dev/null", BF_SOURCE_DIR "/samples/households.xml",
                     db), 0);
    cr_assert_eq(run(BANGFU " run --db %s --date 2021-06-30 --policies %s >/dev/null", db,
                     BF_SOURCE_DIR "/policies"), 0);
    sqlite3 *conn;
    cr_assert_eq(sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    uint64_t seen = tiers_seen(conn);
    for (int c = 0; c < N_TIERS; c++)
        cr_expect(seen >> c & 1, "the sample has no case of %s", tiers[c]);
    cr_assert_eq(sqlite3_prepare_v2(conn, "SELECT eligible, coalesce(tier, ''), amount_fen "
                                          "FROM decisions WHERE household_id = ?1 AND policy = ?2 "
                                          "AND coalesce(member_id, '') = ?3", -1, &st, NULL),
                 SQLITE_OK);
    for (size_t i = 0; i < sizeof sample_expect / sizeof sample_expect[0]; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, sample_expect[i].household, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, sample_expect[i].policy, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, sample_expect[i].member, -1, SQLITE_STATIC);
        const char *what = sample_expect[i].member[0] ? sample_expect[i].member
                                                      : sample_expect[i].household;
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no %s decision for %s", sample_expect[i].policy, what);
        cr_expect_eq(sqlite3_column_int(st, 0), 1, "%s %s not eligible", what, sample_expect[i].policy);
        cr_expect_str_eq((const char *)sqlite3_column_text(st, 1), sample_expect[i].tier, "%s %s",
                         what, sample_expect[i].policy);
        cr_expect_eq(sqlite3_column_int64(st, 2), bf_round_fen(sample_expect[i].amount), "%s %s",
                     what, sample_expect[i].policy);
    }
    sqlite3_finalize(st);
    sqlite3_close(conn);
}
