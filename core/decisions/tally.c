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
    char *name;
    bf_policy_totals *totals;      /* per policy */
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
    town *towns;                   /* in order of first appearance */
    int n_towns, cap_towns;
    int *slots;                    /* open addressing: town index + 1, 0 empty */
    int n_slots;                   /* a power of two, at least twice n_towns */
};

static unsigned hash_text(const char *s)
{
    unsigned h = 2166136261u;                        /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int bf_tally_new(const bf_params *defs, const bf_policy *pol, int n_pol, int64_t households,
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
    t->n_slots = 64;
    t->slots = calloc((size_t)t->n_slots, sizeof *t->slots);
    if (!t->params || !t->slots) {
        bf_tally_free(t);
        return BF_ENOMEM;
    }
    *out = t;
    return BF_OK;
}

/* Doubles the hash table and places every town again. */
static int grow_slots(bf_tally *t)
{
    int n = t->n_slots * 2;
    int *slots = calloc((size_t)n, sizeof *slots);
    if (!slots)
        return BF_ENOMEM;
    for (int i = 0; i < t->n_towns; i++) {
        unsigned j = hash_text(t->towns[i].name) & (unsigned)(n - 1);
        while (slots[j])
            j = (j + 1) & (unsigned)(n - 1);
        slots[j] = i + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n;
    return BF_OK;
}

/* A town, added in order of first appearance when new; NULL when out of memory. */
static town *town_of(bf_tally *t, const char *name)
{
    unsigned mask = (unsigned)(t->n_slots - 1), j = hash_text(name) & mask;
    for (; t->slots[j]; j = (j + 1) & mask)
        if (strcmp(t->towns[t->slots[j] - 1].name, name) == 0)
            return &t->towns[t->slots[j] - 1];
    if (t->n_towns == t->cap_towns) {
        int cap = t->cap_towns ? 2 * t->cap_towns : 16;
        town *grown = realloc(t->towns, sizeof *grown * (size_t)cap);
        if (!grown)
            return NULL;
        t->towns = grown;
        t->cap_towns = cap;
    }
    town *tw = &t->towns[t->n_towns];
    memset(tw, 0, sizeof *tw);
    tw->name = strdup(name);
    tw->totals = calloc((size_t)t->n_pol, sizeof *tw->totals);
    if (!tw->name || !tw->totals) {
        free(tw->name);
        free(tw->totals);
        return NULL;
    }
    t->slots[j] = ++t->n_towns;
    if (2 * t->n_towns > t->n_slots && grow_slots(t) != BF_OK)
        return NULL;
    return &t->towns[t->n_towns - 1];
}

int bf_tally_add(bf_tally *t, const bf_household *h, const bf_result *r, int *newly, int *n_newly)
{
    *n_newly = 0;
    town *tw = town_of(t, h->town);
    if (!tw)
        return BF_ENOMEM;
    bf_totals_add(tw->totals, h, r, t->pol);
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

int bf_tally_store(const bf_tally *t, bf_store *store, int64_t run_id)
{
    int rc = BF_OK;
    for (int i = 0; rc == BF_OK && i < t->defs->n; i++) {
        const readers *p = &t->params[i];
        if (p->everyone || p->count > 0)
            rc = bf_store_run_reads_insert(store, run_id, t->defs->items[i].name, p->everyone,
                                           bf_buf_str(&p->ids));
    }
    for (int i = 0; rc == BF_OK && i < t->n_towns; i++) {
        bf_run_town_row all = {i, t->towns[i].name, BF_TALLY_ALL_HOUSEHOLDS, t->towns[i].households,
                               t->towns[i].members, 0};
        rc = bf_store_run_town_insert(store, run_id, &all);
    }
    for (int i = 0; rc == BF_OK && i < t->n_towns; i++)
        for (int k = 0; rc == BF_OK && k < t->n_pol; k++) {
            const bf_policy_totals *pt = &t->towns[i].totals[k];
            bf_run_town_row row = {i, t->towns[i].name, k, pt->households, pt->members, pt->amount};
            rc = bf_store_run_town_insert(store, run_id, &row);
        }
    return rc;
}

void bf_tally_free(bf_tally *t)
{
    if (!t)
        return;
    for (int i = 0; t->params && i < t->defs->n; i++)
        bf_buf_free(&t->params[i].ids);
    for (int i = 0; i < t->n_towns; i++) {
        free(t->towns[i].name);
        free(t->towns[i].totals);
    }
    free(t->params);
    free(t->towns);
    free(t->slots);
    free(t);
}
