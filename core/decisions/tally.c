/* tally.c — per-town totals and per-parameter readers of a run (see tally.h). */
#include "tally.h"
#include "bangfu.h"
#include "buf.h"
#include "totals.h"

#include <stdlib.h>
#include <string.h>

#define EVERYONE_MIN 100           /* a parameter read by more households than this and than */
#define EVERYONE_SHARE 20          /* one in EVERYONE_SHARE counts as read by everyone */

typedef struct town {
    bf_totals *totals;             /* per policy */
    bf_totals any;                 /* households eligible for at least one reported policy */
    int64_t households, members;   /* all of them */
} town;

typedef struct readers {
    int64_t count;                 /* households listed */
    bool everyone;
    bf_buf ids;                    /* one per line, in the order added (household id order) */
} readers;

struct bf_tally {
    const bf_params *defs;
    const bf_policy *pol;
    int n_pol;
    int64_t everyone_above;
    readers *params;               /* per parameter */
    bf_towns names;                /* town i is names.names[i], in order of first appearance */
    town *towns;                   /* by town number */
    int n_towns, cap_towns;
};

int bf__tally_new(const bf_params *defs, const bf_policy *pol, int n_pol, int64_t households,
                 bf_tally **out)
{
    *out = NULL;
    bf_tally *t = calloc(1, sizeof *t);
    if (!t)
        return BF_ENOMEM;
    t->defs = defs;
    t->pol = pol;
    t->n_pol = n_pol;
    int64_t share = households / EVERYONE_SHARE;
    t->everyone_above = share > EVERYONE_MIN ? share : EVERYONE_MIN;
    t->params = calloc((size_t)defs->n + 1, sizeof *t->params);
    if (!t->params) {
        bf__tally_free(t);
        return BF_ENOMEM;
    }
    *out = t;
    return BF_OK;
}

/* A town by name, added when new; NULL when out of memory. */
static town *town_of(bf_tally *t, const char *name)
{
    int i = bf__towns_find(&t->names, name);
    town *tw = i < 0 ? NULL : bf__towns_row(&t->towns, &t->n_towns, &t->cap_towns, sizeof *tw, i);
    if (tw && !tw->totals && !(tw->totals = calloc((size_t)t->n_pol, sizeof *tw->totals)))
        return NULL;                   /* a new town's totals: tried again when it comes back */
    return tw;
}

int bf__tally_add(bf_tally *t, const bf_household *h, const bf_result *r, int *newly, int *n_newly)
{
    *n_newly = 0;
    town *tw = town_of(t, h->town);
    if (!tw)
        return BF_ENOMEM;
    bf__totals_add(tw->totals, t->pol, h, r);
    bf__totals_add_any(&tw->any, t->pol, h, r);
    tw->households++;
    tw->members += h->n_members;
    bool all = r->errors > 0 || !r->reads;           /* an error may have hidden reads */
    size_t id_len = strlen(h->id);
    for (int i = 0; i < t->defs->n; i++) {
        readers *p = &t->params[i];
        if (p->everyone || !(all || r->reads[i]))
            continue;
        if (++p->count > t->everyone_above) {
            p->everyone = true;
            bf_buf_free(&p->ids);
            newly[(*n_newly)++] = i;
            continue;
        }
        bf_buf_add(&p->ids, h->id, id_len);
        bf_buf_add(&p->ids, "\n", 1);
        if (p->ids.oom)
            return BF_ENOMEM;
    }
    return BF_OK;
}

int bf__tally_store_reads(const bf_tally *t, bf_store *store, int64_t run_id, bf_errors *errs)
{
    int rc = BF_OK;
    for (int i = 0; rc == BF_OK && i < t->defs->n; i++) {
        const readers *p = &t->params[i];
        if (p->everyone || p->count > 0)
            rc = bf_store_run_reads_insert(store, run_id, t->defs->items[i].name, p->everyone,
                                           bf_buf_str(&p->ids), errs);
    }
    return rc;
}

/* One run_towns row of town i. */
static int store_town_row(const bf_tally *t, bf_store *store, int64_t run_id, int i, int seq,
                          const bf_totals *x, bf_errors *errs)
{
    bf_run_town_row row = {i, t->names.names[i], seq, x->households, x->members, x->amount};
    return bf_store_run_town_insert(store, run_id, &row, errs);
}

int bf__tally_store_towns(const bf_tally *t, bf_store *store, int64_t run_id, bf_errors *errs)
{
    int rc = BF_OK;
    for (int i = 0; rc == BF_OK && i < t->n_towns; i++) {
        bf_totals all = {.households = t->towns[i].households, .members = t->towns[i].members};
        rc = store_town_row(t, store, run_id, i, BF_TALLY_ALL_HOUSEHOLDS, &all, errs);
        if (rc == BF_OK)
            rc = store_town_row(t, store, run_id, i, BF_TALLY_ANY_POLICY, &t->towns[i].any, errs);
    }
    for (int i = 0; rc == BF_OK && i < t->n_towns; i++)
        for (int k = 0; rc == BF_OK && k < t->n_pol; k++)
            if (t->pol[k].reported)
                rc = store_town_row(t, store, run_id, i, k, &t->towns[i].totals[k], errs);
    return rc;
}

void bf__tally_free(bf_tally *t)
{
    if (!t)
        return;
    for (int i = 0; t->params && i < t->defs->n; i++)
        bf_buf_free(&t->params[i].ids);
    for (int i = 0; i < t->n_towns; i++)
        free(t->towns[i].totals);
    bf__towns_free(&t->names);
    free(t->params);
    free(t->towns);
    free(t);
}
