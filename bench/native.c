/* native.c — the ten rules of the policy scripts in hand-written C (rules.c) over the same stream as
 * floor.c: what an interpreter could approach. Prints per-policy totals (eligible households,
 * members, amount in fen) and, with --totals FILE, writes them for check_totals. */
#include "rules.h"
#include "store.h"
#include "bangfu.h"
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 2048

int main(int argc, char **argv)
{
    const char *db = NULL, *params_path = NULL, *date_text = NULL, *totals_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--totals") == 0 && i + 1 < argc)
            totals_path = argv[++i];
        else if (!db)
            db = argv[i];
        else if (!params_path)
            params_path = argv[i];
        else if (!date_text)
            date_text = argv[i];
        else
            date_text = NULL, i = argc;
    }
    bf_date date;
    if (!db || !params_path || !date_text || bf_date_parse(date_text, &date) != BF_OK) {
        fprintf(stderr, "usage: native DB PARAMS.xml YYYY-MM-DD [--totals FILE]\n");
        return 2;
    }
    double started = bf_now();
    bf_params *defs;
    bf_param_set set;
    nat_params p;
    bf_errors errs;                  /* the store's message */
    bf_errors_init(&errs, 1);
    if (nat_params_load("native", params_path, date, &defs, &set, &p) != BF_OK)
        return 2;
    bf_store *s;
    if (bf_store_open_existing(db, &s, &errs) != BF_OK) {
        fprintf(stderr, "native: %s\n", bf_errors_first(&errs));
        return 2;
    }
    bf_reader *r;
    if (bf_store_reader_open(s, BATCH, &r, &errs) != BF_OK) {
        fprintf(stderr, "native: %s\n", bf_errors_first(&errs));
        return 2;
    }
    nat_result *res = malloc(sizeof *res);
    nat_totals totals[NP__N] = {{0}};
    int64_t households = 0;
    for (;;) {
        bf_household *hs;
        int n;
        if (bf_reader_next(r, &hs, &n, &errs) != BF_OK) {
            fprintf(stderr, "native: %s\n", bf_errors_first(&errs));
            return 2;
        }
        if (n == 0)
            break;
        for (int i = 0; i < n; i++) {
            nat_evaluate(&p, &hs[i], date, res);
            nat_totals_add(totals, &hs[i], res);
        }
        households += n;
    }
    double seconds = bf_now() - started;
    bf_reader_close(r);
    bf_store_close(s);
    FILE *out = totals_path ? fopen(totals_path, "w") : NULL;
    if (totals_path && !out) {
        perror(totals_path);
        return 2;
    }
    printf("%-20s %10s %10s %16s\n", "policy", "households", "members", "amount_fen");
    for (int k = 0; k < NP__N; k++) {
        printf("%-20s %10lld %10lld %16lld\n", nat_policy_id((nat_policy)k),
               (long long)totals[k].households, (long long)totals[k].members,
               (long long)totals[k].amount);
        if (out)
            fprintf(out, "%s %lld %lld %lld\n", nat_policy_id((nat_policy)k),
                    (long long)totals[k].households, (long long)totals[k].members,
                    (long long)totals[k].amount);
    }
    if (out && fclose(out) != 0) {
        perror(totals_path);
        return 2;
    }
    printf("households %lld\nseconds %.3f\n", (long long)households, seconds);
    free(res);
    bf_param_set_free(&set);
    bf_params_free(defs);
    return 0;
}
