/* test_reasons.c — what a caseworker reads aloud is what is paid: on a generated county the
 * policy scripts have never been tuned on, at two dates, every eligible decision with an amount
 * states that amount to the fen among the figures of its reasons, and every figure labelled
 * 合计 is the amount. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "engine.h"
#include "gen.h"
#include "helpers.h"
#include "money.h"
#include "params.h"

#define POLICIES BF_SOURCE_DIR "/policies"
#define HOUSEHOLDS 20000
#define BATCH 2000
#define SEED 20261204               /* not gen's default seed: households nobody tuned on */
#define TOTAL_WORD "合计"

typedef struct dated_engine {
    const char *date;
    bf_params *params;
    bf_param_set set;
    bf_engine *engine;
    bf_errors errs;
} dated_engine;

static void open_at(dated_engine *e, const char *date)
{
    memset(e, 0, sizeof *e);
    e->date = date;
    bf_errors_init(&e->errs, 20);
    cr_assert_eq(bf_params_load(POLICIES "/params.xml", &e->params, &e->errs), BF_OK);
    bf_date d;
    cr_assert_eq(bf_date_parse(date, &d), BF_OK);
    cr_assert_eq(bf_params_resolve(e->params, d, NULL, 0, &e->set, &e->errs), BF_OK);
    bf_engine_config cfg = {.policies_dir = POLICIES, .params = e->params, .sets = &e->set,
                            .n_sets = 1, .date = d, .jobs = 2, .text = BF_TEXT_ELIGIBLE};
    cr_assert_eq(bf_engine_open(&cfg, &e->engine, &e->errs), BF_OK, "%s",
                 e->errs.count ? e->errs.msgs[0] : "?");
}

static void close_at(dated_engine *e)
{
    bf_engine_close(e->engine);
    bf_param_set_free(&e->set);
    bf_params_free(e->params);
    bf_errors_free(&e->errs);
}

/* The figures of a JSON array of reasons: every maximal run of digits and dots that begins
 * with a digit, outside JSON escapes. For each, *labelled_total tells whether 合计 and a space
 * stand right before it. Calls found(figure, len, labelled_total, ctx) for each. */
static void each_figure(const char *json, void (*found)(const char *, size_t, bool, void *), void *ctx)
{
    size_t word = strlen(TOTAL_WORD);
    for (const char *p = json; *p;) {
        if (*p == '\\') {                            /* an escape: \" \\ \n … or \uXXXX */
            p += p[1] == 'u' ? 6 : 2;
            continue;
        }
        if (*p < '0' || *p > '9') {
            p++;
            continue;
        }
        const char *start = p;
        while ((*p >= '0' && *p <= '9') || *p == '.')
            p++;
        bool total = (size_t)(start - json) >= word + 1 && start[-1] == ' ' &&
                     memcmp(start - 1 - word, TOTAL_WORD, word) == 0;
        found(start, (size_t)(p - start), total, ctx);
    }
}

typedef struct figure_check {
    char want[BF_MONEY_STRLEN];     /* the amount with two decimals */
    bool stated;                    /* it is among the figures */
    int totals, wrong_totals;       /* figures labelled 合计, and those not the amount */
} figure_check;

static void check_figure(const char *fig, size_t len, bool total, void *ctx)
{
    figure_check *c = ctx;
    bool same = len == strlen(c->want) && memcmp(fig, c->want, len) == 0;
    c->stated |= same;
    if (total) {
        c->totals++;
        c->wrong_totals += !same;
    }
}

/* Per policy of one date: eligible decisions with an amount, and how many failed. */
typedef struct tally {
    int checked[32], unstated[32], wrong_total[32], labelled[32];
} tally;

static void check_result(const dated_engine *e, const bf_household *h, const bf_result *r, tally *t)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e->engine, &n);
    cr_assert_lt(n, 32);
    for (int i = 0; i < r->n; i++) {
        const bf_decision *d = &r->d[i];
        cr_expect(!d->failed, "%s %s: %s", h->id, pol[d->policy].id, bf_result_text(r, d->error));
        if (!d->eligible || d->amount == 0)
            continue;
        figure_check c = {0};
        bf_money_format(d->amount, c.want);
        const char *reasons = bf_result_text(r, d->reasons);
        cr_assert(reasons, "%s %s has no reasons", h->id, pol[d->policy].id);
        each_figure(reasons, check_figure, &c);
        int k = d->policy;
        t->checked[k]++;
        t->labelled[k] += c.totals > 0;
        if (!c.stated && t->unstated[k]++ < 3)
            cr_expect(c.stated, "%s %s member %d on %s: amount %s is not among the figures of %s",
                      h->id, pol[k].id, d->member, e->date, c.want, reasons);
        if (c.wrong_totals && t->wrong_total[k]++ < 3)
            cr_expect(!c.wrong_totals, "%s %s member %d on %s: a figure labelled 合计 is not the "
                      "amount %s: %s", h->id, pol[k].id, d->member, e->date, c.want, reasons);
    }
}

Test(reasons, every_amount_is_stated_on_a_generated_county_at_two_dates, .timeout = 600)
{
    dated_engine dates[2];
    open_at(&dates[0], "2021-06-30");
    open_at(&dates[1], "2022-07-01");
    tally t[2] = {0};
    bf_household *hs = calloc(BATCH, sizeof *hs);
    bf_result *rs = calloc(BATCH, sizeof *rs);
    cr_assert(hs && rs);
    for (int from = 0; from < HOUSEHOLDS; from += BATCH) {
        for (int i = 0; i < BATCH; i++)
            cr_assert_eq(bf_gen_household(bf_test_gen_county(), SEED, from + i, BF_GEN_DATE, &hs[i]), BF_OK);
        for (int k = 0; k < 2; k++) {
            cr_assert_eq(bf_engine_evaluate(dates[k].engine, hs, BATCH, 0, rs), BF_OK);
            for (int i = 0; i < BATCH; i++) {
                check_result(&dates[k], &hs[i], &rs[i], &t[k]);
                bf_result_reset(&rs[i]);
            }
        }
    }
    for (int k = 0; k < 2; k++) {
        int n, all = 0;
        const bf_policy *pol = bf_engine_policies(dates[k].engine, &n);
        for (int p = 0; p < n; p++) {
            all += t[k].checked[p];
            cr_expect_eq(t[k].unstated[p], 0, "%s on %s: %d of %d amounts not stated", pol[p].id,
                         dates[k].date, t[k].unstated[p], t[k].checked[p]);
            cr_expect_eq(t[k].wrong_total[p], 0, "%s on %s: %d of %d decisions with a wrong 合计",
                         pol[p].id, dates[k].date, t[k].wrong_total[p], t[k].checked[p]);
            /* the decisions whose amount is a sum of parts state it as 合计 */
            if (!strcmp(pol[p].id, "disability_subsidy") || !strcmp(pol[p].id, "medical_aid") ||
                !strcmp(pol[p].id, "tekun")) {
                cr_expect_gt(t[k].checked[p], 100, "%s on %s: too few to tell", pol[p].id,
                             dates[k].date);
                cr_expect_eq(t[k].labelled[p], t[k].checked[p], "%s on %s: %d of %d without 合计",
                             pol[p].id, dates[k].date, t[k].checked[p] - t[k].labelled[p],
                             t[k].checked[p]);
            }
        }
        cr_expect_gt(all, HOUSEHOLDS, "%s: a generated county has plenty of paid decisions",
                     dates[k].date);
    }
    for (int i = 0; i < BATCH; i++) {
        bf_result_free(&rs[i]);
        bf_household_free(&hs[i]);
    }
    free(rs);
    free(hs);
    close_at(&dates[0]);
    close_at(&dates[1]);
}

/* The figure scanner itself: escapes skipped, 合计 recognised only right before a figure. */
static void collect(const char *fig, size_t len, bool total, void *ctx)
{
    char *out = ctx;
    size_t at = strlen(out);
    snprintf(out + at, 256 - at, "%s%.*s%s", at ? "|" : "", (int)len, fig, total ? "*" : "");
}

Test(reasons, figures_are_read_from_the_json_of_the_reasons)
{
    char out[256] = "";
    each_figure("[\"补贴 150 元/月 × 12 个月 = 1800.00 元\",\"合计 3600.00 元\",\"\\u0031 合计 x 7\"]",
                collect, out);
    cr_expect_str_eq(out, "150|12|1800.00|3600.00*|7");
}
