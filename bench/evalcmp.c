/* evalcmp.c — evaluation only, the same households in memory: the native rules (rules.c)
 * against the Lua engine (bf_engine_evaluate, one worker, the text `run` keeps) three ways: with
 * the instruction budget as it is (count hook armed only on overrun), with the count hook forced
 * on every evaluation (bf_engine_always_count), and with no budget at all (no_budget: what the
 * budget as built costs). Streams the first N households in batches; each batch is evaluated the
 * three ways (rotating which goes first), then by a second engine with two worker threads (wall
 * time: how the evaluation itself scales over two cores, reading and writing aside); reading is
 * not timed. The first round also compares every decision (eligible, amount, tier) of the engine
 * with the native one, and of the other engines with the plain one: a difference is printed and
 * the exit status is 1. Prints the seconds of each way per round and their medians. */
#include "rules.h"
#include "engine.h"
#include "store.h"
#include "bangfu.h"
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 2000
#define MAX_ROUNDS 9

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Compares the engine's decisions for h with the native ones; returns the number of differences
 * (the first few are printed). */
static long compare(const bf_household *h, const bf_result *r, const nat_result *nr,
                    const int *native_of, const bf_policy *pol, long shown)
{
    long diffs = 0;
    for (int k = 0; k < r->n; k++) {
        const bf_decision *d = &r->d[k];
        int np = native_of[d->policy];
        const nat_decision *nd = d->member < 0 ? &nr->hh[np] : &nr->mem[np][d->member];
        const char *tier = bf_result_text(r, d->tier);
        if (!d->failed && d->eligible == nd->eligible && d->amount == nd->amount
            && same_text(tier, nd->tier))
            continue;
        if (shown + diffs < 20)
            fprintf(stderr, "DECISIONS DIFFER: household %s%s%s policy %s: engine %s %lld fen tier %s%s%s"
                    " | native %s %lld fen tier %s\n", h->id, d->member >= 0 ? " member " : "",
                    d->member >= 0 ? h->members[d->member].id : "", pol[d->policy].id,
                    d->eligible ? "eligible" : "not eligible", (long long)d->amount,
                    tier ? tier : "-", d->failed ? " error: " : "",
                    d->failed ? bf_result_text(r, d->error) : "",
                    nd->eligible ? "eligible" : "not eligible", (long long)nd->amount,
                    nd->tier ? nd->tier : "-");
        diffs++;
    }
    return diffs;
}

/* Compares two engine results of one household (plain against counted). */
static long compare_engine(const bf_result *a, const bf_result *b)
{
    if (a->n != b->n)
        return 1;
    long diffs = 0;
    for (int k = 0; k < a->n; k++)
        diffs += a->d[k].eligible != b->d[k].eligible || a->d[k].amount != b->d[k].amount
                 || a->d[k].failed != b->d[k].failed
                 || !same_text(bf_result_text(a, a->d[k].tier), bf_result_text(b, b->d[k].tier));
    return diffs;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: evalcmp DB POLICIES_DIR YYYY-MM-DD HOUSEHOLDS ROUNDS\n");
        return 2;
    }
    const char *db = argv[1], *dir = argv[2];
    bf_date date;
    long limit = atol(argv[4]);
    int rounds = atoi(argv[5]);
    if (bf_date_parse(argv[3], &date) != BF_OK || limit < 1 || rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "evalcmp: bad date, household count or rounds (1-%d)\n", MAX_ROUNDS);
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/params.xml", dir);
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_params *defs;
    bf_param_set set;
    bf_engine *e = NULL;
    nat_params p;
    if (nat_params_load("evalcmp", path, date, &defs, &set, &p) != BF_OK)
        return 2;
    bf_engine_config cfg = {
        .policies_dir = dir, .params = defs, .sets = &set, .n_sets = 1, .date = date, .jobs = 1,
        .text = BF_TEXT_ELIGIBLE,
    };
    bf_engine_config cfg2 = cfg, cfg_off = cfg;
    cfg2.jobs = 2;
    cfg_off.no_budget = true;
    bf_engine *e2 = NULL, *e_off = NULL;
    if (bf_engine_open(&cfg, &e, &errs) != BF_OK || bf_engine_open(&cfg2, &e2, &errs) != BF_OK
        || bf_engine_open(&cfg_off, &e_off, &errs) != BF_OK) {
        for (int i = 0; i < errs.count; i++)
            fprintf(stderr, "evalcmp: %s\n", errs.msgs[i]);
        return 2;
    }
    int n_pol;
    const bf_policy *pol = bf_engine_policies(e, &n_pol);
    int *native_of = calloc((size_t)n_pol, sizeof *native_of);
    for (int k = 0; k < n_pol; k++)
        if ((native_of[k] = nat_policy_find(pol[k].id)) < 0) {
            fprintf(stderr, "evalcmp: policy %s has no native implementation\n", pol[k].id);
            return 1;
        }
    if (n_pol != NP__N) {
        fprintf(stderr, "evalcmp: the engine loaded %d policies, the native rules are %d\n", n_pol, NP__N);
        return 1;
    }
    bf_store *s;
    if (bf_store_open_existing(db, &s, &errs) != BF_OK) {
        fprintf(stderr, "evalcmp: %s\n", bf_errors_first(&errs));
        return 2;
    }
    bf_result *plain = calloc(BATCH, sizeof *plain), *counted = calloc(BATCH, sizeof *counted);
    bf_result *two = calloc(BATCH, sizeof *two), *off = calloc(BATCH, sizeof *off);
    nat_result *nr = malloc(sizeof *nr);
    nat_totals totals[NP__N];
    double t_native[MAX_ROUNDS], t_plain[MAX_ROUNDS], t_counted[MAX_ROUNDS], t_two[MAX_ROUNDS];
    double t_off[MAX_ROUNDS];
    long households = 0, decisions = 0, diffs = 0, count_diffs = 0, two_diffs = 0, off_diffs = 0;
    bf_sandbox_stats before, after;
    bf_engine_stats(e, &before);
    for (int round = 0; round < rounds; round++) {
        t_native[round] = t_plain[round] = t_counted[round] = t_two[round] = t_off[round] = 0;
        memset(totals, 0, sizeof totals);
        bf_reader *r;
        if (bf_store_reader_open(s, BATCH, &r, &errs) != BF_OK) {
            fprintf(stderr, "evalcmp: %s\n", bf_errors_first(&errs));
            return 2;
        }
        long done = 0;
        for (int batch = 0; done < limit; batch++) {
            bf_household *hs;
            int n;
            bf_reader_set_limit(r, (int)(limit - done < BATCH ? limit - done : BATCH));
            if (bf_reader_next(r, &hs, &n, &errs) != BF_OK) {
                fprintf(stderr, "evalcmp: %s\n", bf_errors_first(&errs));
                return 2;
            }
            if (n == 0)
                break;
            double t0 = bf_now();
            for (int i = 0; i < n; i++) {
                nat_evaluate(&p, &hs[i], date, nr);
                nat_totals_add(totals, &hs[i], nr);
            }
            t_native[round] += bf_now() - t0;
            for (int w = 0; w < 3; w++) {
                int way = (w + batch) % 3;                /* rotate which mode goes first */
                bf_engine *engine = way == 2 ? e_off : e;
                bf_engine_always_count(e, way == 1);
                bf_result *out = way == 0 ? plain : way == 1 ? counted : off;
                t0 = bf_now();
                bf_engine_evaluate(engine, hs, n, 0, out);
                (way == 0 ? t_plain : way == 1 ? t_counted : t_off)[round] += bf_now() - t0;
            }
            bf_engine_always_count(e, false);
            t0 = bf_now();
            bf_engine_evaluate(e2, hs, n, 0, two);
            t_two[round] += bf_now() - t0;
            if (round == 0)
                for (int i = 0; i < n; i++) {
                    nat_evaluate(&p, &hs[i], date, nr);
                    diffs += compare(&hs[i], &plain[i], nr, native_of, pol, diffs);
                    count_diffs += compare_engine(&plain[i], &counted[i]);
                    two_diffs += compare_engine(&plain[i], &two[i]);
                    off_diffs += compare_engine(&plain[i], &off[i]);
                    decisions += plain[i].n;
                }
            done += n;
        }
        bf_reader_close(r);
        if (round == 0)
            households = done;
        printf("round %d: %ld households: native %.3f s, engine %.3f s, engine+count hook %.3f s, "
               "engine without budget %.3f s, engine with 2 workers %.3f s\n", round + 1, done,
               t_native[round], t_plain[round], t_counted[round], t_off[round], t_two[round]);
    }
    bf_engine_stats(e, &after);
    double mn = median(t_native, rounds), mp = median(t_plain, rounds), mc = median(t_counted, rounds);
    double m2 = median(t_two, rounds), mo = median(t_off, rounds);
    printf("households %ld\ndecisions %ld\nrounds %d\n", households, decisions, rounds);
    printf("native_s %.4f\nengine_s %.4f\nengine_count_s %.4f\n", mn, mp, mc);
    printf("engine_over_native %.2f\ncount_overhead_pct %.1f\n", mp / mn, (mc / mp - 1) * 100);
    printf("engine_2workers_s %.4f\nengine_2workers_speedup %.2f\n", m2, mp / m2);
    printf("engine_no_budget_s %.4f\nbudget_overhead_pct %.1f\n", mo, (mp / mo - 1) * 100);
    printf("counted_reruns %llu\n", (unsigned long long)(after.counted_reruns - before.counted_reruns));
    printf("decision_differences %ld\ncount_hook_differences %ld\ntwo_workers_differences %ld\n"
           "no_budget_differences %ld\n", diffs, count_diffs, two_diffs, off_diffs);
    for (int i = 0; i < BATCH; i++) {
        bf_result_free(&plain[i]);
        bf_result_free(&counted[i]);
        bf_result_free(&two[i]);
        bf_result_free(&off[i]);
    }
    free(plain);
    free(counted);
    free(two);
    free(off);
    free(nr);
    free(native_of);
    bf_store_close(s);
    bf_engine_close(e);
    bf_engine_close(e2);
    bf_engine_close(e_off);
    bf_param_set_free(&set);
    bf_params_free(defs);
    bf_errors_free(&errs);
    if (diffs || count_diffs || two_diffs || off_diffs) {
        fprintf(stderr, "evalcmp: %ld decisions differ between the engine and the native rules, "
                "%ld between the engine with and without the count hook, %ld between one and two "
                "workers, %ld with and without the budget\n", diffs, count_diffs, two_diffs, off_diffs);
        return 1;
    }
    return 0;
}
