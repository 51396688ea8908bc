/* evalcost.c — what evaluation alone costs per household for one policy folder: the first N
 * households of a database, read in batches (not timed), each batch evaluated by an engine with
 * one worker and the text `run` keeps (bf_engine_evaluate, as evalcmp's plain engine). Prints the
 * households, the decisions, the eligible ones, and the CPU seconds of the process spent in
 * bf_engine_evaluate (the worker's and the waiting caller's) per household.
 *
 * trivial.sh runs it on the shipped scripts and on trivial ones (the same contract, evaluate
 * returning a constant), by itself for CPU time and under callgrind for instructions: callgrind
 * then collects inside the worker thread's function only (--toggle-collect=worker_main), so the
 * reading and the engine's opening stay out of the count. Under callgrind it runs with
 * `no-budget` (no watchdog): valgrind runs the code some fifty times slower, so the watchdog sees
 * households running on two of its ticks and has them evaluated again counted, a few per
 * thousand at random, which would make the count vary from one measurement to the next (the
 * budget as built costs about 1%, evalcmp). counted_reruns says how many there were. */
#include "engine.h"
#include "store.h"
#include "bangfu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 2000

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, bf_errors *errs)
{
    for (int i = 0; i < errs->count; i++)
        fprintf(stderr, "evalcost: %s: %s\n", what, errs->msgs[i]);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 5 && !(argc == 6 && strcmp(argv[5], "no-budget") == 0)) {
        fprintf(stderr, "usage: evalcost DB POLICIES_DIR YYYY-MM-DD HOUSEHOLDS [no-budget]\n");
        return 2;
    }
    const char *db = argv[1], *dir = argv[2];
    bf_date date;
    long limit = atol(argv[4]);
    if (bf_date_parse(argv[3], &date) != BF_OK || limit < 1) {
        fprintf(stderr, "evalcost: bad date or household count\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/params.xml", dir);
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_params *defs = NULL;
    bf_param_set set;
    if (bf_params_load(path, &defs, &errs) != BF_OK
        || bf_params_resolve(defs, date, NULL, 0, &set, &errs) != BF_OK)
        return fail(path, &errs);
    bf_engine_config cfg = {
        .policies_dir = dir, .params = defs, .sets = &set, .n_sets = 1, .date = date, .jobs = 1,
        .text = BF_TEXT_ELIGIBLE, .no_budget = argc == 6,
    };
    bf_engine *e;
    if (bf_engine_open(&cfg, &e, &errs) != BF_OK)
        return fail(dir, &errs);
    bf_store *s;
    bf_reader *r;
    if (bf_store_open_existing(db, &s, &errs) != BF_OK || bf_store_reader_open(s, BATCH, &r, &errs) != BF_OK)
        return fail(db, &errs);
    bf_result *res = calloc(BATCH, sizeof *res);
    if (!res) {
        fprintf(stderr, "evalcost: out of memory\n");
        return 2;
    }
    long households = 0, decisions = 0, eligible = 0, errors = 0;
    double cpu = 0;
    bf_sandbox_stats before, after;
    bf_engine_stats(e, &before);
    while (households < limit) {
        bf_household *hs;
        int n;
        bf_reader_set_limit(r, (int)(limit - households < BATCH ? limit - households : BATCH));
        if (bf_reader_next(r, &hs, &n, &errs) != BF_OK)
            return fail(db, &errs);
        if (n == 0)
            break;
        double t0 = cpu_now();
        bf_engine_evaluate(e, hs, n, 0, res);
        cpu += cpu_now() - t0;
        for (int i = 0; i < n; i++) {
            decisions += res[i].n;
            errors += res[i].errors;
            for (int k = 0; k < res[i].n; k++)
                eligible += res[i].d[k].eligible;
        }
        households += n;
    }
    bf_engine_stats(e, &after);
    printf("households %ld\ndecisions %ld\neligible %ld\nerrors %ld\ncpu_s %.4f\n"
           "cpu_us_per_household %.2f\ncounted_reruns %llu\n", households, decisions, eligible,
           errors, cpu, households ? cpu / (double)households * 1e6 : 0.0,
           (unsigned long long)(after.counted_reruns - before.counted_reruns));
    for (int i = 0; i < BATCH; i++)
        bf_result_free(&res[i]);
    free(res);
    bf_reader_close(r);
    bf_store_close(s);
    bf_engine_close(e);
    bf_param_set_free(&set);
    bf_params_free(defs);
    bf_errors_free(&errs);
    return errors ? 1 : 0;
}
