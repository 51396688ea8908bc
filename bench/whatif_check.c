/* whatif_check.c — checks simulate's household view against the nine rules written by hand in C
 * (rules.c): reads `bangfu simulate --format json --households worse` from a file, evaluates
 * every stored household natively under the parameters in force and under the scenario
 * (--set NAME=VALUE…), and compares the counts of households better and worse off (county and
 * per town, with each town's households) and the listed worse-off households with their changes
 * (ids, order, deltas to the fen). Prints what differs and exits 1; prints "same" and a summary
 * and exits 0 when everything agrees. Used by `make bench` on the generated county. */
#include "bangfu.h"
#include "money.h"
#include "rules.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 2048
#define MAX_TOWNS 64

typedef struct town {
    char name[BF_NAME_BYTES];
    long long households, better, worse;
} town;

typedef struct loser {
    char *id;
    bf_fen delta;
} loser;

static int worst_first(const void *a, const void *b)
{
    const loser *x = a, *y = b;
    return x->delta != y->delta ? (x->delta > y->delta) - (x->delta < y->delta) : strcmp(x->id, y->id);
}

/* The total yearly amount of one household's native decisions. */
static bf_fen total_of(const bf_household *h, const nat_result *r)
{
    bf_fen sum = 0;
    for (int p = 0; p < NP__N; p++) {
        if (nat_policy_household((nat_policy)p)) {
            sum += r->hh[p].eligible ? r->hh[p].amount : 0;
            continue;
        }
        for (int i = 0; i < h->n_members; i++)
            sum += r->mem[p][i].eligible ? r->mem[p][i].amount : 0;
    }
    return sum;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, len = 0;
    char *s = malloc(cap);
    size_t n;
    while (s && (n = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *grown = realloc(s, cap *= 2);
            if (!grown)
                free(s);
            s = grown;
        }
    }
    fclose(f);
    if (s)
        s[len] = '\0';
    return s;
}

/* Reads the number after "key": at or after p; -1 when absent. */
static long long number_after(const char *p, const char *key)
{
    const char *k = p ? strstr(p, key) : NULL;
    return k ? atoll(k + strlen(key)) : -1;
}

static bf_fen money_after(const char *p, const char *key)
{
    const char *k = strstr(p, key);
    double v = k ? atof(k + strlen(key)) : 0;
    return bf_round_fen(v);
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: whatif_check DB PARAMS.xml DATE SIMULATE.json NAME=VALUE...\n");
        return 2;
    }
    bf_date date;
    if (bf_date_parse(argv[3], &date) != BF_OK) {
        fprintf(stderr, "whatif_check: bad date %s\n", argv[3]);
        return 2;
    }
    bf_override ov[16];
    int n_ov = 0;
    char msg[300];                     /* the native rules' message */
    bf_errors why;
    bf_errors_init(&why, 1);
    for (int i = 5; i < argc && n_ov < 16; i++)
        if (bf_override_parse(argv[i], &ov[n_ov++], &why) != BF_OK) {
            fprintf(stderr, "whatif_check: %s\n", bf_errors_first(&why));
            return 2;
        }
    bf_params *defs;
    bf_param_set base_set, scen_set;
    nat_params base_p, scen_p;
    bf_errors errs;
    bf_errors_init(&errs, 10);
    if (bf_params_load(argv[2], &defs, &errs) != BF_OK ||
        bf_params_resolve(defs, date, NULL, 0, &base_set, &errs) != BF_OK ||
        bf_params_resolve(defs, date, ov, n_ov, &scen_set, &errs) != BF_OK ||
        nat_params_from_set(&base_set, &base_p, msg, sizeof msg) != BF_OK ||
        nat_params_from_set(&scen_set, &scen_p, msg, sizeof msg) != BF_OK) {
        fprintf(stderr, "whatif_check: %s\n", errs.count ? errs.msgs[0] : msg);
        return 2;
    }
    char *json = read_all(argv[4]);
    bf_store *s;
    bf_reader *r;
    if (!json || bf_store_open_existing(argv[1], &s, &errs) != BF_OK ||
        bf_store_reader_open(s, BATCH, &r, &errs) != BF_OK) {
        fprintf(stderr, "whatif_check: cannot read %s or %s\n", argv[4], argv[1]);
        return 2;
    }
    town towns[MAX_TOWNS];
    int n_towns = 0;
    loser *losers = NULL;
    long long n_losers = 0, cap = 0, better = 0, households = 0;
    nat_result *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    for (;;) {
        bf_household *hs;
        int n;
        if (!a || !b || bf_reader_next(r, &hs, &n, &errs) != BF_OK) {
            fprintf(stderr, "whatif_check: %s\n", bf_errors_first(&errs));
            return 2;
        }
        if (n == 0)
            break;
        for (int i = 0; i < n; i++) {
            const bf_household *h = &hs[i];
            nat_evaluate(&base_p, h, date, a);
            nat_evaluate(&scen_p, h, date, b);
            bf_fen delta = total_of(h, b) - total_of(h, a);
            int t = 0;
            while (t < n_towns && strcmp(towns[t].name, h->town) != 0)
                t++;
            if (t == n_towns && n_towns < MAX_TOWNS) {
                memset(&towns[t], 0, sizeof towns[t]);
                snprintf(towns[t].name, sizeof towns[t].name, "%s", h->town);
                n_towns++;
            }
            towns[t].households++;
            towns[t].better += delta > 0;
            towns[t].worse += delta < 0;
            better += delta > 0;
            households++;
            if (delta < 0) {
                if (n_losers == cap) {
                    cap = cap ? 2 * cap : 1024;
                    losers = realloc(losers, sizeof *losers * (size_t)cap);
                }
                losers[n_losers++] = (loser){strdup(h->id), delta};
            }
        }
    }
    bf_reader_close(r);
    bf_store_close(s);
    qsort(losers, (size_t)n_losers, sizeof *losers, worst_first);
    int bad = 0;
    const char *top = strstr(json, "\n\"households_better\":");
    if (number_after(top, "\"households_better\":") != better ||
        number_after(top, "\"households_worse\":") != n_losers) {
        fprintf(stderr, "DIFFER: county better/worse: simulate %lld/%lld, native %lld/%lld\n",
                number_after(top, "\"households_better\":"), number_after(top, "\"households_worse\":"),
                better, n_losers);
        bad = 1;
    }
    for (int t = 0; t < n_towns; t++) {
        char key[600];
        snprintf(key, sizeof key, "{\"town\":\"%.500s\",\"households\":", towns[t].name);
        const char *p = top ? strstr(top, key) : NULL;
        long long hh = p ? atoll(p + strlen(key)) : -1;
        if (hh != towns[t].households || number_after(p, "\"households_better\":") != towns[t].better ||
            number_after(p, "\"households_worse\":") != towns[t].worse) {
            fprintf(stderr, "DIFFER: town %s households/better/worse: simulate %lld/%lld/%lld, native "
                    "%lld/%lld/%lld\n", towns[t].name, hh, number_after(p, "\"households_better\":"),
                    number_after(p, "\"households_worse\":"), towns[t].households, towns[t].better,
                    towns[t].worse);
            bad = 1;
        }
    }
    const char *list = strstr(json, "\n\"households\":[");
    long long listed = 0;
    for (const char *p = list; p && (p = strstr(p, "{\"household\":\"")); listed++) {
        p += strlen("{\"household\":\"");
        const char *end = strchr(p, '"');
        bf_fen delta = money_after(p, "\"delta\":");
        if (listed >= n_losers || strncmp(losers[listed].id, p, (size_t)(end - p)) != 0 ||
            strlen(losers[listed].id) != (size_t)(end - p) || delta != losers[listed].delta) {
            fprintf(stderr, "DIFFER: worse-off household %lld: simulate %.*s %lld fen, native %s %lld fen\n",
                    listed + 1, (int)(end - p), p, (long long)delta,
                    listed < n_losers ? losers[listed].id : "(none)",
                    (long long)(listed < n_losers ? losers[listed].delta : 0));
            bad = 1;
            break;
        }
    }
    if (!bad && listed != n_losers && listed < 100000) {
        fprintf(stderr, "DIFFER: simulate lists %lld worse-off households, native finds %lld\n", listed,
                n_losers);
        bad = 1;
    }
    printf("%s: %lld households, %lld better, %lld worse off (%lld listed and compared), %d towns\n",
           bad ? "DIFFERENT" : "same", households, better, n_losers, listed, n_towns);
    for (long long i = 0; i < n_losers; i++)
        free(losers[i].id);
    free(losers);
    free(a);
    free(b);
    free(json);
    bf_param_set_free(&base_set);
    bf_param_set_free(&scen_set);
    bf_params_free(defs);
    bf_errors_free(&errs);
    return bad;
}
