/* whatif.c — the household view of a simulation (see whatif.h). */
#include "whatif.h"
#include "bangfu.h"
#include "i18n.h"

#include <stdlib.h>
#include <string.h>

#define BATCH 256

const bf_fen bf_wi_bucket_upper[BF_WI_BUCKETS - 1] = {10000, 50000, 100000, 500000};

int bf__wi_bucket(bf_fen delta)
{
    bf_fen size = delta < 0 ? -delta : delta;
    int b = 0;
    while (b < BF_WI_BUCKETS - 1 && size > bf_wi_bucket_upper[b])
        b++;
    return b;
}

int bf__wi_add(bf_wi_view *v, const bf_household *h, int town, bf_fen before, bf_fen after)
{
    if (v->n_households == v->cap) {
        int64_t cap = v->cap ? 2 * v->cap : 256;
        bf_wi_household *grown = realloc(v->households, sizeof *grown * (size_t)cap);
        if (!grown)
            return BF_ENOMEM;
        v->households = grown;
        v->cap = cap;
    }
    bf_wi_household *x = &v->households[v->n_households];
    memset(x, 0, sizeof *x);
    x->id = strdup(h->id);
    x->village = strdup(h->village);
    if (!x->id || !x->village) {
        free(x->id);
        free(x->village);
        return BF_ENOMEM;
    }
    x->town = town;
    x->before = before;
    x->after = after;
    v->n_households++;
    if (after < before) {
        v->worse++;
        v->worse_by[bf__wi_bucket(after - before)]++;
    } else {
        v->better++;
        v->better_by[bf__wi_bucket(after - before)]++;
    }
    return BF_OK;
}

/* Worst first: the largest loss, …, the largest gain last; ties in household id order. */
static int worst_first(const void *a, const void *b)
{
    const bf_wi_household *x = a, *y = b;
    bf_fen dx = x->after - x->before, dy = y->after - y->before;
    return dx != dy ? (dx > dy) - (dx < dy) : strcmp(x->id, y->id);
}

static int best_first(const void *a, const void *b)
{
    const bf_wi_household *x = a, *y = b;
    bf_fen dx = x->after - x->before, dy = y->after - y->before;
    return dx != dy ? (dx < dy) - (dx > dy) : strcmp(x->id, y->id);
}

static char *copy_text(const bf_result *r, int offset)
{
    const char *t = bf_result_text(r, offset);
    return t ? strdup(t) : NULL;
}

static bool fill_side(bf_wi_side *s, const bf_result *r, const bf_decision *d)
{
    s->eligible = d->eligible;
    s->amount = d->amount;
    s->tier = copy_text(r, d->tier);
    const char *reasons = bf_result_text(r, d->reasons);
    s->reasons = strdup(reasons ? reasons : "[]");     /* an error decision has none */
    return (d->tier < 0 || s->tier) && s->reasons;
}

static bool same_tier(const bf_result *a, const bf_decision *x, const bf_result *b,
                      const bf_decision *y)
{
    const char *ta = bf_result_text(a, x->tier), *tb = bf_result_text(b, y->tier);
    return (!ta && !tb) || (ta && tb && strcmp(ta, tb) == 0);
}

/* Keeps the decisions of reported policies that differ between b and s; checks the totals. */
static int take_changes(bf_wi_household *x, const bf_household *h, const bf_policy *pol,
                        const bf_result *b, const bf_result *s, bf_errors *errs)
{
    if (b->n != s->n || !(x->changes = calloc((size_t)b->n + 1, sizeof *x->changes)))
        return BF_ENOMEM;
    bf_fen before = 0, after = 0;
    for (int i = 0; i < b->n; i++) {
        const bf_decision *p = &b->d[i], *q = &s->d[i];
        if (!pol[p->policy].reported)
            continue;
        before += p->eligible ? p->amount : 0;
        after += q->eligible ? q->amount : 0;
        if (p->eligible == q->eligible && p->amount == q->amount && same_tier(b, p, s, q))
            continue;
        bf_wi_change *c = &x->changes[x->n_changes++];
        c->policy = p->policy;
        if (p->member >= 0 && !(c->member = strdup(h->members[p->member].id)))
            return BF_ENOMEM;
        if (!fill_side(&c->before, b, p) || !fill_side(&c->after, s, q))
            return BF_ENOMEM;
    }
    if (before != x->before || after != x->after) {
        bf_errors_add(errs, _("household %s: evaluated again it totals %lld → %lld fen, not "
                              "%lld → %lld as in the pass over the county"), x->id, (long long)before,
                      (long long)after, (long long)x->before, (long long)x->after);
        return BF_EINPUT;
    }
    return BF_OK;
}

/* Lists households [from, from + n): reads them, evaluates both sets, keeps what changed. */
static int explain_batch(bf_wi_view *v, int64_t from, int n, bf_store *store, bf_engine *engine,
                         bf_household *hs, bf_result *base, bf_result *scen, bf_errors *errs)
{
    int n_pol;
    const bf_policy *pol = bf_engine_policies(engine, &n_pol);
    /* one read transaction for the batch: each look-up on its own began and ended one, which
     * cost more than reading the household */
    bool began;
    int rc = bf_store_read_begin(store, &began, errs);
    for (int i = 0; rc == BF_OK && i < n; i++)
        rc = bf_store_get_household(store, v->households[from + i].id, &hs[i], errs);
    int end = bf_store_read_end(store, began, rc == BF_OK, errs);
    if (rc != BF_OK || end != BF_OK)
        return BF_ESTORE;
    if (bf_engine_evaluate(engine, hs, n, 0, base) != BF_OK ||
        bf_engine_evaluate(engine, hs, n, 1, scen) != BF_OK) {
        bf_errors_add(errs, "%s", _("interrupted: nothing is reported for a partial simulation"));
        return BF_EINTERRUPTED;
    }
    for (int i = 0; i < n && rc == BF_OK; i++)
        rc = take_changes(&v->households[from + i], &hs[i], pol, &base[i], &scen[i], errs);
    return rc;
}

int bf__wi_finish(bf_wi_view *v, bf_store *store, bf_engine *engine, bf_wi_select select,
                  int limit, bf_errors *errs)
{
    v->select = select;
    if (v->n_households > 1)
        qsort(v->households, (size_t)v->n_households, sizeof *v->households,
              select == BF_WI_BETTER ? best_first : worst_first);
    v->n_selected = select == BF_WI_WORSE ? v->worse : select == BF_WI_BETTER ? v->better
                                                                              : v->n_households;
    v->n_listed = limit > 0 && limit < v->n_selected ? limit : v->n_selected;
    if (v->n_listed == 0)
        return BF_OK;
    bf_household *hs = calloc(BATCH, sizeof *hs);
    bf_result *base = calloc(BATCH, sizeof *base), *scen = calloc(BATCH, sizeof *scen);
    int rc = hs && base && scen ? BF_OK : BF_ENOMEM;
    /* the pass over the county kept no reasons (they cost time for every household) */
    bf_text_mode was = bf_engine_set_text(engine, BF_TEXT_ALL);
    for (int64_t from = 0; rc == BF_OK && from < v->n_listed; from += BATCH) {
        int n = (int)(v->n_listed - from < BATCH ? v->n_listed - from : BATCH);
        rc = explain_batch(v, from, n, store, engine, hs, base, scen, errs);
    }
    bf_engine_set_text(engine, was);
    bf__sim_batch_free(hs, base, scen, BATCH);
    return rc;
}

void bf__sim_batch_free(bf_household *hs, bf_result *base, bf_result *scen, int n)
{
    for (int i = 0; i < n; i++) {
        if (hs)
            bf_household_free(&hs[i]);
        if (base)
            bf_result_free(&base[i]);
        if (scen)
            bf_result_free(&scen[i]);
    }
    free(hs);
    free(base);
    free(scen);
}

static void free_side(bf_wi_side *s)
{
    free(s->tier);
    free(s->reasons);
}

void bf__wi_free(bf_wi_view *v)
{
    for (int64_t i = 0; i < v->n_households; i++) {
        bf_wi_household *x = &v->households[i];
        for (int c = 0; c < x->n_changes; c++) {
            free(x->changes[c].member);
            free_side(&x->changes[c].before);
            free_side(&x->changes[c].after);
        }
        free(x->changes);
        free(x->id);
        free(x->village);
    }
    free(v->households);
    memset(v, 0, sizeof *v);
}
