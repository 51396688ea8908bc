/* totals.c — counting decisions and numbering towns (see totals.h). Amounts are summed with
 * overflow checks: a decision may carry up to BF_FEN_MAX, and some ten thousand such decisions
 * pass what int64 fen hold, so a script giving absurd amounts must fail the run, not wrap it
 * around. */
#include "totals.h"
#include "bangfu.h"
#include "i18n.h"

#include <assert.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>

/* t->amount += x; t is marked when the sum does not fit (the amount is then left as it was). */
static void add_amount(bf_totals *t, bf_fen x)
{
    if (!bf_fen_add(&t->amount, x))
        t->overflow = true;
}

int bf__totals_members(const bf_policy *p, const bf_household *h)
{
    assert(h->n_members >= 0 && h->n_members <= BF_MEMBERS_MAX);   /* import refuses more */
    return p->scope == BF_SCOPE_HOUSEHOLD ? h->n_members : 1;
}

void bf__totals_add_policy(bf_totals *t, const bf_policy *p, const bf_household *h,
                           const bf_result *r, int from, int to)
{
    assert(from >= 0 && from <= to && to <= r->n);
    bool any = false;
    for (int i = from; i < to; i++) {
        const bf_decision *d = &r->d[i];
        assert(d->policy == r->d[from].policy);      /* one policy's decisions, adjacent */
        t->evaluations++;
        t->errors += d->failed;
        if (!d->eligible)
            continue;
        any = true;
        add_amount(t, d->amount);
        t->members += bf__totals_members(p, h);
    }
    t->households += any;
}

int bf__totals_policy_end(const bf_result *r, int from)
{
    assert(from >= 0 && from < r->n);
    int to = from;
    while (to < r->n && r->d[to].policy == r->d[from].policy)
        to++;
    return to;
}

int bf__totals_add(bf_totals *per_policy, const bf_policy *pol, const bf_household *h,
                  const bf_result *r)
{
    int rc = BF_OK;
    for (int i = 0; i < r->n;) {
        int k = r->d[i].policy, to = bf__totals_policy_end(r, i);
        assert(k >= 0);                              /* an index of per_policy and pol */
        bool before = per_policy[k].overflow;
        bf__totals_add_policy(&per_policy[k], &pol[k], h, r, i, to);
        if (per_policy[k].overflow && !before)
            rc = BF_ELIMIT;
        i = to;
    }
    return rc;
}

int bf_totals_check(const bf_totals *totals, const bf_policy *pol, int n, bf_errors *errs)
{
    char most[BF_MONEY_STRLEN];
    bf_money_format(INT64_MAX, most);
    bf_fen all = 0;
    bool all_fit = true;
    for (int k = 0; k < n; k++) {
        if (totals[k].overflow) {
            return bf_errors_fail(errs, BF_ELIMIT, _("the yearly amounts of policy %s add up to "
                                  "more than %s yuan, the most bangfu can count: its script gives "
                                  "absurd amounts"), pol[k].id, most);
        }
        all_fit = all_fit && bf_fen_add(&all, totals[k].amount);
    }
    if (!all_fit)
        return bf_errors_fail(errs, BF_ELIMIT, _("the yearly amounts of all policies together add "
                              "up to more than %s yuan, the most bangfu can count: a script gives "
                              "absurd amounts"), most);
    return BF_OK;
}

void bf__totals_add_any(bf_totals *t, const bf_policy *pol, const bf_household *h,
                       const bf_result *r)
{
    bool any = false;
    for (int i = 0; i < r->n; i++) {
        const bf_decision *d = &r->d[i];
        t->evaluations++;
        t->errors += d->failed;
        assert(d->policy >= 0);
        if (!d->eligible || !pol[d->policy].reported)
            continue;
        any = true;
        add_amount(t, d->amount);
    }
    t->households += any;
    t->members += any ? h->n_members : 0;
}

void bf__totals_sum(bf_totals *t, const bf_totals *x)
{
    t->evaluations += x->evaluations;
    t->households += x->households;
    t->members += x->members;
    add_amount(t, x->amount);
    t->errors += x->errors;
    t->overflow = t->overflow || x->overflow;
}

void bf__totals_move(bf_totals *t, const bf_totals *from, const bf_totals *to)
{
    t->evaluations += to->evaluations - from->evaluations;
    t->households += to->households - from->households;
    t->members += to->members - from->members;
    bf_fen change;
    if (__builtin_sub_overflow(to->amount, from->amount, &change))
        t->overflow = true;
    else
        add_amount(t, change);
    t->errors += to->errors - from->errors;
    t->overflow = t->overflow || to->overflow;
}

static unsigned hash_text(const char *s)
{
    unsigned h = 2166136261u;                        /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Places every town again in a table of n slots (a power of two). */
static int rehash(bf_towns *t, int n)
{
    int *slots = calloc((size_t)n, sizeof *slots);
    if (!slots)
        return BF_ENOMEM;
    for (int i = 0; i < t->n; i++) {
        unsigned j = hash_text(t->names[i]) & (unsigned)(n - 1);
        while (slots[j])
            j = (j + 1) & (unsigned)(n - 1);
        slots[j] = i + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n;
    return BF_OK;
}

/* Appends name as town number t->n; -1 when out of memory. */
static int add_town(bf_towns *t, const char *name)
{
    if (t->n == t->cap) {
        int cap = t->cap ? 2 * t->cap : 16;
        char **grown = realloc(t->names, sizeof *grown * (size_t)cap);
        if (!grown)
            return -1;
        t->names = grown;
        t->cap = cap;
    }
    if (!(t->names[t->n] = strdup(name)))
        return -1;
    t->n++;
    if (2 * t->n > t->n_slots && rehash(t, 2 * t->n_slots) != BF_OK) {
        free(t->names[--t->n]);
        return -1;
    }
    return t->n - 1;
}

int bf__towns_find(bf_towns *t, const char *name)
{
    if (!t->slots && rehash(t, 64) != BF_OK)
        return -1;
    unsigned mask = (unsigned)(t->n_slots - 1), j = hash_text(name) & mask;
    for (; t->slots[j]; j = (j + 1) & mask) {
        assert(t->slots[j] >= 1 && t->slots[j] <= t->n);   /* a town number + 1 */
        if (strcmp(t->names[t->slots[j] - 1], name) == 0)
            return t->slots[j] - 1;
    }
    int before = t->n_slots;
    int i = add_town(t, name);
    if (i >= 0 && t->n_slots == before)
        t->slots[j] = i + 1;           /* the table did not grow (rehash placed it otherwise) */
    return i;
}

void bf__towns_free(bf_towns *t)
{
    for (int i = 0; i < t->n; i++)
        free(t->names[i]);
    free(t->names);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

void *bf__towns_row(void *rows, int *n, int *cap, size_t size, int i)
{
    /* towns are numbered in order of first appearance: a new one is always the next row */
    assert(i >= 0 && i <= *n && *n <= *cap);
    char *table;
    memcpy(&table, rows, sizeof table);
    if (i < *n)
        return table + (size_t)i * size;
    if (*n == *cap) {
        int grown_cap = *cap ? 2 * *cap : 16;
        char *grown = realloc(table, size * (size_t)grown_cap);
        if (!grown)
            return NULL;
        table = grown;
        memcpy(rows, &table, sizeof table);
        *cap = grown_cap;
    }
    char *row = table + (size_t)(*n)++ * size;
    memset(row, 0, size);
    return row;
}
