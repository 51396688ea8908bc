/* rerun.c — the monthly re-run. A household's decisions depend on its record, the parameters
 * its evaluations read, the scripts and the date (ages; ctx.date). The latest completed run
 * recorded its households' version and, in its tally, who read each parameter: a household
 * whose record is the same version, none of whose parameters has another value, whose members'
 * ages are the same on the new date, under the same scripts, would be decided the same, so its
 * decisions are taken over (run_sources: ranges of households and the run that holds their
 * rows). The others are evaluated and stored. The totals and tally are the earlier run's, minus
 * what the evaluated households counted there, plus what they count now: those of a full run. */
#include "rerun.h"
#include "bangfu.h"
#include "i18n.h"
#include "json.h"
#include "progress.h"
#include "runlog.h"
#include "tally.h"
#include "totals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 256                 /* households evaluated at a time */
#define EVERYONE_MIN 100          /* as tally.c: a parameter read by more households than this */
#define EVERYONE_SHARE 20         /* and than one in this many counts as read by everyone */

/* ======================================================================== the plan */

static int compare_ids(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the list and drops repeated ids. */
static void sort_unique(bf_idlist *l)
{
    if (l->n > 1)
        qsort(l->ids, (size_t)l->n, sizeof *l->ids, compare_ids);
    int kept = 0;
    for (int i = 0; i < l->n; i++) {
        if (kept && strcmp(l->ids[kept - 1], l->ids[i]) == 0)
            free(l->ids[i]);
        else
            l->ids[kept++] = l->ids[i];
    }
    l->n = kept;
}

/* Adds to list the households that read param in run `run`; *everyone when the run counted it
 * as read by everyone. */
static int add_readers(bf_store *s, int64_t run, const char *param, bf_idlist *list,
                       bool *everyone, bf_errors *errs)
{
    bool found;
    char *text = NULL;
    *everyone = false;
    int rc = bf_store_run_reads_get(s, run, param, &found, everyone, &text, errs);
    for (char *p = text, *nl; rc == BF_OK && p && *p; p = nl ? nl + 1 : p + strlen(p)) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (*p && bf_idlist_add(list, p) != BF_OK)
            rc = bf_errors_fail(errs, BF_ENOMEM, _("%s: planning the run: out of memory"),
                                bf_store_path(s));
    }
    free(text);
    return rc;
}

/* Gives up comparing: every household will be evaluated, for the reason given. */
static int evaluate_all(bf_rerun_plan *plan, const char *why)
{
    plan->base = 0;
    snprintf(plan->why, sizeof plan->why, "%s", why);
    bf_idlist_free(&plan->evaluate);
    return BF_OK;
}

/* What differs between the base run and this one: scripts, parameter values, the date. */
static int plan_changes(bf_store *s, const bf_engine *engine, const bf_param_set *set,
                        bf_rerun_plan *plan, bf_run_changes *c, bf_errors *errs)
{
    bf_buf hashes = {0}, values = {0};
    bf__run_audit_json(engine, set, &hashes, &values);
    char date[BF_DATE_STRLEN];
    bf_date_format(set->date, date);
    bf_stored_run now = {.eval_date = date, .file_hashes = (char *)bf_buf_str(&hashes),
                         .parameters = (char *)bf_buf_str(&values), .households_version = -1};
    int rc = hashes.oom || values.oom ? bf_errors_fail(errs, BF_ENOMEM, _("%s: out of memory"),
                                                       bf_store_path(s))
                                      : bf__runlog_compare(s, &plan->base_run, &now, c, errs);
    bf_buf_free(&hashes);
    bf_buf_free(&values);
    return rc;
}

/* Adds the households whose evaluation a changed parameter or date may change; gives up when a
 * script changed, a changed parameter was read by everyone, or a script read ctx.date. */
static int plan_readers(bf_store *s, const bf_param_set *set, bf_rerun_plan *plan,
                        const bf_run_changes *c, bf_errors *errs)
{
    char why[300];
    for (int i = 0; i < c->n_scripts; i++)
        if (strcmp(c->scripts[i], "params.xml") != 0) {
            snprintf(why, sizeof why, _("the script %s differs from run %lld's"), c->scripts[i],
                     (long long)plan->base);
            return evaluate_all(plan, why);
        }
    for (int i = 0; i < c->n_params; i++) {
        bool everyone;
        int rc = add_readers(s, plan->base, c->params[i].name, &plan->evaluate, &everyone, errs);
        if (rc != BF_OK)
            return rc;
        if (everyone) {
            snprintf(why, sizeof why, _("parameter %s, read by nearly every household in run "
                                        "%lld, has another value"), c->params[i].name,
                     (long long)plan->base);
            return evaluate_all(plan, why);
        }
    }
    if (!c->date_moved)
        return BF_OK;
    bool date_read;
    bf_idlist none = {0};
    int rc = add_readers(s, plan->base, BF_RUN_DATE_READ, &none, &date_read, errs);
    bf_idlist_free(&none);
    if (rc == BF_OK && date_read) {
        snprintf(why, sizeof why, _("a script read ctx.date in run %lld, and the date differs"),
                 (long long)plan->base);
        return evaluate_all(plan, why);
    }
    char date[BF_DATE_STRLEN];
    bf_date_format(set->date, date);
    return rc != BF_OK ? rc : bf_store_ids_aged_between(s, plan->base_run.eval_date, date,
                                                        &plan->evaluate, errs);
}

int bf_rerun_plan_make(bf_store *store, const bf_engine *engine, const bf_param_set *set,
                       bool store_all, bf_rerun_plan *plan, bf_errors *errs)
{
    memset(plan, 0, sizeof *plan);
    int64_t base;
    int rc = bf_store_reuse_base(store, store_all, &base, errs);
    if (rc != BF_OK)
        return rc;
    if (!base)
        return evaluate_all(plan, _("no earlier completed run of every policy, with its tally, "
                                    "to compare with"));
    if ((rc = bf_store_run_get(store, base, &plan->base_run, errs)) != BF_OK)
        return rc;
    plan->base = base;
    bf_run_changes c;
    rc = plan_changes(store, engine, set, plan, &c, errs);
    if (rc != BF_OK)
        return rc;
    rc = plan_readers(store, set, plan, &c, errs);
    bf__run_changes_free(&c);
    if (rc == BF_OK && plan->base)
        rc = bf_store_ids_versioned_after(store, plan->base_run.households_version, &plan->evaluate,
                                          errs);
    if (rc == BF_OK)
        sort_unique(&plan->evaluate);
    return rc;
}

void bf_rerun_plan_free(bf_rerun_plan *plan)
{
    bf_stored_run_free(&plan->base_run);
    bf_idlist_free(&plan->evaluate);
    memset(plan, 0, sizeof *plan);
}

/* ======================================================================== the run */

typedef struct town_totals {
    int64_t households, members;       /* all of them */
    bf_totals *t;                      /* per policy: households, members, amount */
    bf_totals any;                     /* households eligible for any policy (BF_TALLY_ANY_POLICY) */
} town_totals;

typedef struct rerun {
    bf_store *s;
    bf_engine *e;
    const bf_param_set *set;
    const bf_policy *pol;
    int n_pol;
    const bf_rerun_plan *plan;
    bf_run_summary *out;
    bf_towns names;                    /* town i is names.names[i] */
    town_totals *towns;                /* by town number */
    int n_towns, cap_towns;
    bool any_known;                    /* the base run stored its BF_TALLY_ANY_POLICY rows */
    bf_run_source *sources;            /* the base run's ranges */
    int n_sources;
    bf_idlist *readers;                /* per parameter: evaluated households that read it */
    bf_result scratch;                 /* a stored household's decisions as a result */
} rerun;

static town_totals *town_of(rerun *rr, const char *name)
{
    int i = bf__towns_find(&rr->names, name);
    town_totals *t = i < 0 ? NULL
                           : bf__towns_row(&rr->towns, &rr->n_towns, &rr->cap_towns, sizeof *t, i);
    if (t && !t->t && !(t->t = calloc((size_t)rr->n_pol, sizeof *t->t)))
        return NULL;                   /* a new town's totals: tried again when it comes back */
    return t;
}

/* Adds (sign 1) or takes away (sign -1) household h's decisions r from the totals. */
static int count(rerun *rr, const bf_household *h, const bf_result *r, int sign)
{
    bf_totals *x = calloc((size_t)rr->n_pol, sizeof *x);
    town_totals *t = x ? town_of(rr, h->town) : NULL;
    if (!t) {
        free(x);
        return BF_ENOMEM;
    }
    const bf_totals none = {0};
    bf_totals any = {0};
    bf__totals_add(x, rr->pol, h, r);
    bf__totals_add_any(&any, rr->pol, h, r);
    for (int k = 0; k < rr->n_pol; k++) {
        bf__totals_move(&rr->out->per_policy[k], sign > 0 ? &none : &x[k], sign > 0 ? &x[k] : &none);
        bf__totals_move(&t->t[k], sign > 0 ? &none : &x[k], sign > 0 ? &x[k] : &none);
    }
    bf__totals_move(&t->any, sign > 0 ? &none : &any, sign > 0 ? &any : &none);
    t->households += sign;
    t->members += sign * h->n_members;
    free(x);
    return BF_OK;
}

/* The run that holds household id's rows for the base run: a range's source, else the base. */
static int64_t holder(const rerun *rr, const char *id)
{
    int lo = 0, hi = rr->n_sources - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const bf_run_source *r = &rr->sources[mid];
        if (strcmp(id, r->first_id) < 0)
            hi = mid - 1;
        else if (strcmp(id, r->last_id) > 0)
            lo = mid + 1;
        else
            return r->source_run;
    }
    return rr->plan->base;
}

/* Household h's stored decisions (rows) as a whole result: every policy, every member of a
 * member-scope policy; a decision not stored is not eligible. */
static int result_of_rows(rerun *rr, const bf_household *h, const bf_household_decision *rows,
                          int n)
{
    bf_result *r = &rr->scratch;
    bf_result_reset(r);
    for (int k = 0; k < rr->n_pol; k++) {
        int slots = rr->pol[k].scope == BF_SCOPE_HOUSEHOLD ? 1 : h->n_members;
        for (int m = 0; m < slots; m++) {
            int member = rr->pol[k].scope == BF_SCOPE_HOUSEHOLD ? -1 : m;
            bf_decision *d = bf_result_add(r, k, member);
            if (!d)
                return BF_ENOMEM;
            for (int i = 0; i < n; i++)
                if (rows[i].policy_seq == k && rows[i].member_seq == member + 1) {
                    d->eligible = rows[i].eligible;
                    d->failed = rows[i].error != NULL;
                    d->amount = rows[i].amount_fen;
                    r->errors += d->failed;
                }
        }
    }
    return BF_OK;
}

/* Takes away what household id counted in the base run (nothing when it was not stored then). */
static int forget_base(rerun *rr, const char *id, bf_errors *errs)
{
    bf_household h = {0};
    bool found;
    int rc = bf_store_household_as_read(rr->s, id, rr->plan->base_run.households_version, &h,
                                        &found, errs);
    bf_household_decision *rows = NULL;
    int n = 0;
    if (rc == BF_OK && found)
        rc = bf_store_household_decisions_held(rr->s, holder(rr, id), id, &rows, &n, errs);
    if (rc == BF_OK && found && (rc = result_of_rows(rr, &h, rows, n)) == BF_OK)
        rc = count(rr, &h, &rr->scratch, -1);
    bf_household_decisions_free(rows, n);
    bf_household_free(&h);
    return rc;
}

/* Notes which parameters an evaluated household read (all of them after an error). */
static int note_readers(rerun *rr, const bf_household *h, const bf_result *r)
{
    bool all = r->errors > 0 || !r->reads;
    for (int i = 0; i < rr->set->defs->n; i++)
        if ((all || r->reads[i]) && bf_idlist_add(&rr->readers[i], h->id) != BF_OK)
            return BF_ENOMEM;
    return BF_OK;
}

/* Counts, notes and stores one evaluated batch. */
static int take_batch(rerun *rr, const bf_household *hs, int n, const bf_result *res,
                      bf_errors *errs)
{
    int rc = BF_OK;
    for (int i = 0; rc == BF_OK && i < n; i++) {
        rc = count(rr, &hs[i], &res[i], 1);
        if (rc == BF_OK)
            rc = note_readers(rr, &hs[i], &res[i]);
        if (res[i].errors)
            bf__run_note_errors(&rr->out->first_errors, &hs[i], &res[i]);
    }
    if (rc == BF_ENOMEM)
        return bf_errors_fail(errs, rc, _("%s: the run: out of memory"), bf_store_path(rr->s));
    return rc != BF_OK ? rc : bf__run_store_batch(rr->s, rr->out->run_id, hs, n, res, rr->pol,
                                                 rr->plan->base_run.store_all, errs);
}

/* Evaluates the planned households, BATCH at a time; *interrupted when stopped. */
static int evaluate(rerun *rr, const bf_run_options *opt, int64_t *evaluated, bool *interrupted,
                    bf_errors *errs)
{
    bf_household *hs = calloc(BATCH, sizeof *hs);
    bf_result *res = calloc(BATCH, sizeof *res);
    int rc = hs && res ? BF_OK : BF_ENOMEM;
    const bf_idlist *todo = &rr->plan->evaluate;
    for (int from = 0; rc == BF_OK && from < todo->n; from += BATCH) {
        int n = 0;
        for (int i = from; rc == BF_OK && i < todo->n && i < from + BATCH; i++) {
            bool found = false;                  /* not found: no longer stored */
            rc = forget_base(rr, todo->ids[i], errs);
            if (rc == BF_OK)
                rc = bf_store_find_household(rr->s, todo->ids[i], &hs[n], &found, errs);
            n += found;
        }
        if (rc != BF_OK || n == 0)
            continue;
        bf_engine_start(rr->e, hs, n, 0, res);
        int erc = bf_engine_finish(rr->e);
        if (erc == BF_EINTERRUPTED || (opt->interrupted && *opt->interrupted)) {
            *interrupted = true;
            break;
        }
        rc = take_batch(rr, hs, n, res, errs);
        *evaluated += n;
    }
    for (int i = 0; i < BATCH; i++) {
        if (hs)
            bf_household_free(&hs[i]);
        if (res)
            bf_result_free(&res[i]);
    }
    free(hs);
    free(res);
    if (rc == BF_ENOMEM)
        bf_errors_fail(errs, rc, _("%s: the run: out of memory"), bf_store_path(rr->s));
    return rc;
}

/* ---- the ranges of households taken over ---- */

typedef struct ranges {
    rerun *rr;
    int at_evaluated, at_source;       /* positions in the sorted lists */
    bool open;
    char first[BF_ID_BYTES], last[BF_ID_BYTES];
    int64_t source;
    int64_t reused;
    bf_errors *errs;                   /* where a failing step says why */
} ranges;

static int end_range(ranges *g, bf_errors *errs)
{
    if (!g->open)
        return BF_OK;
    g->open = false;
    return bf_store_run_source_insert(g->rr->s, g->rr->out->run_id, g->first, g->last, g->source,
                                      errs);
}

/* Every stored household in id order: evaluated ones end a range; the others extend the range
 * of the run that holds their decisions. */
static int range_step(void *ctx, const char *id)
{
    ranges *g = ctx;
    bf_errors *errs = g->errs;
    const bf_idlist *todo = &g->rr->plan->evaluate;
    while (g->at_evaluated < todo->n && strcmp(todo->ids[g->at_evaluated], id) < 0)
        g->at_evaluated++;
    if (g->at_evaluated < todo->n && strcmp(todo->ids[g->at_evaluated], id) == 0)
        return end_range(g, errs);
    int64_t source = holder(g->rr, id);
    g->reused++;
    if (g->open && source == g->source) {
        snprintf(g->last, sizeof g->last, "%s", id);
        return BF_OK;
    }
    int rc = end_range(g, errs);
    g->open = true;
    g->source = source;
    snprintf(g->first, sizeof g->first, "%s", id);
    snprintf(g->last, sizeof g->last, "%s", id);
    return rc;
}

static int store_ranges(rerun *rr, int64_t *reused, bf_errors *errs)
{
    ranges g = {.rr = rr, .errs = errs};
    int rc = bf_store_each_id(rr->s, range_step, &g, errs);
    if (rc == BF_OK)
        rc = end_range(&g, errs);
    *reused = g.reused;
    return rc;
}

/* ---- the tally: readers per parameter and totals per town ---- */

/* Whether id is among the evaluated households. */
static bool evaluated_id(const rerun *rr, const char *id)
{
    const bf_idlist *todo = &rr->plan->evaluate;
    return todo->n && bsearch(&id, todo->ids, (size_t)todo->n, sizeof *todo->ids, compare_ids);
}

/* The readers of parameter i: the base run's not evaluated again, and the evaluated ones that
 * read it now, merged in id order. */
static int store_readers(rerun *rr, int i, int64_t everyone_above, bf_errors *errs)
{
    const char *name = rr->set->defs->items[i].name;
    bool found, everyone;
    char *text = NULL;
    int rc = bf_store_run_reads_get(rr->s, rr->plan->base, name, &found, &everyone, &text, errs);
    const bf_idlist *now = &rr->readers[i];
    if (rc != BF_OK || (!found && now->n == 0)) {
        free(text);
        return rc;
    }
    bf_buf list = {0};
    int64_t n = 0;
    int k = 0;
    for (char *p = everyone ? NULL : text, *nl; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        for (; k < now->n && strcmp(now->ids[k], p) < 0; k++, n++)
            bf_buf_printf(&list, "%s\n", now->ids[k]);
        if (*p && !evaluated_id(rr, p)) {
            bf_buf_printf(&list, "%s\n", p);
            n++;
        }
    }
    for (; !everyone && k < now->n; k++, n++)
        bf_buf_printf(&list, "%s\n", now->ids[k]);
    free(text);
    everyone = everyone || n > everyone_above;
    rc = list.oom ? bf_errors_fail(errs, BF_ENOMEM, _("%s: the run: out of memory"),
                                   bf_store_path(rr->s))
                  : bf_store_run_reads_insert(rr->s, rr->out->run_id, name, everyone,
                                              bf_buf_str(&list), errs);
    bf_buf_free(&list);
    return rc;
}

/* One run_towns row of town i. */
static int store_town_row(rerun *rr, int i, int seq, const bf_totals *x, bf_errors *errs)
{
    bf_run_town_row row = {i, rr->names.names[i], seq, x->households, x->members, x->amount};
    return bf_store_run_town_insert(rr->s, rr->out->run_id, &row, errs);
}

static int store_towns(rerun *rr, bf_errors *errs)
{
    int rc = BF_OK;
    for (int i = 0; rc == BF_OK && i < rr->n_towns; i++) {
        const town_totals *t = &rr->towns[i];
        if (t->households == 0)                     /* every household left the town */
            continue;
        bf_totals all = {.households = t->households, .members = t->members};
        rc = store_town_row(rr, i, BF_TALLY_ALL_HOUSEHOLDS, &all, errs);
        if (rc == BF_OK && rr->any_known)
            rc = store_town_row(rr, i, BF_TALLY_ANY_POLICY, &t->any, errs);
        for (int k = 0; rc == BF_OK && k < rr->n_pol; k++)
            rc = store_town_row(rr, i, k, &t->t[k], errs);
    }
    return rc;
}

static int store_tally(rerun *rr, bf_errors *errs)
{
    int64_t share = rr->out->households / EVERYONE_SHARE;
    int64_t everyone_above = share > EVERYONE_MIN ? share : EVERYONE_MIN;
    int rc = BF_OK;
    for (int i = 0; rc == BF_OK && i < rr->set->defs->n; i++)
        rc = store_readers(rr, i, everyone_above, errs);
    bool date_read = false;
    if (rc == BF_OK) {
        bf_idlist none = {0};
        rc = add_readers(rr->s, rr->plan->base, BF_RUN_DATE_READ, &none, &date_read, errs);
        bf_idlist_free(&none);
    }
    if (rc == BF_OK && (date_read || bf_engine_date_read(rr->e)))
        rc = bf_store_run_reads_insert(rr->s, rr->out->run_id, BF_RUN_DATE_READ, true, NULL, errs);
    return rc == BF_OK ? store_towns(rr, errs) : rc;
}

/* ---- loading the base run's totals ---- */

static int load_base(rerun *rr, bf_errors *errs)
{
    bf_stored_policy *p;
    int n;
    int rc = bf_store_run_policies(rr->s, rr->plan->base, &p, &n, errs);
    if (rc != BF_OK)
        return rc;
    if (n != rr->n_pol)
        rc = bf_errors_fail(errs, BF_EINPUT, _("%s: the run compared with has other policies"),
                            bf_store_path(rr->s));
    for (int i = 0; rc == BF_OK && i < n; i++) {
        bf_totals *t = &rr->out->per_policy[p[i].seq];
        *t = (bf_totals){p[i].evaluations, p[i].households, p[i].members, p[i].amount_fen,
                         p[i].errors, false};
    }
    bf_stored_policies_free(p, n);
    bf_run_town_row *rows = NULL;
    if (rc == BF_OK)
        rc = bf_store_run_towns_get(rr->s, rr->plan->base, &rows, &n, errs);
    for (int i = 0; rc == BF_OK && i < n; i++) {
        town_totals *t = town_of(rr, rows[i].town);
        if (!t)
            rc = bf_errors_fail(errs, BF_ENOMEM, _("%s: the run: out of memory"),
                                bf_store_path(rr->s));
        else if (rows[i].policy_seq == BF_TALLY_ALL_HOUSEHOLDS) {
            t->households = rows[i].households;
            t->members = rows[i].members;
        } else if (rows[i].policy_seq == BF_TALLY_ANY_POLICY || (rows[i].policy_seq >= 0 &&
                                                                  rows[i].policy_seq < rr->n_pol)) {
            bf_totals *x = rows[i].policy_seq >= 0 ? &t->t[rows[i].policy_seq] : &t->any;
            x->households = rows[i].households;
            x->members = rows[i].members;
            x->amount = rows[i].amount_fen;
            rr->any_known = rr->any_known || rows[i].policy_seq == BF_TALLY_ANY_POLICY;
        }
    }
    if (rc == BF_OK && n == 0)         /* no town: nothing missing (a run before the any-policy */
        rr->any_known = true;          /* rows existed has none, and this re-run stores none) */
    if (rows)
        bf_run_town_rows_free(rows, n);
    if (rc == BF_OK)
        rc = bf_store_run_sources_get(rr->s, rr->plan->base, &rr->sources, &rr->n_sources, errs);
    return rc;
}

/* Parameters the base run counted as read by everyone need no reads per household: cached. */
static int cache_everyones(rerun *rr, bf_errors *errs)
{
    for (int i = 0; i < rr->set->defs->n; i++) {
        bool found, everyone;
        char *text = NULL;
        int rc = bf_store_run_reads_get(rr->s, rr->plan->base, rr->set->defs->items[i].name,
                                        &found, &everyone, &text, errs);
        free(text);
        if (rc != BF_OK)
            return rc;
        if (found && everyone)
            bf_engine_cache_param(rr->e, i);
    }
    return BF_OK;
}

static void rerun_free(rerun *rr)
{
    for (int i = 0; i < rr->n_towns; i++)
        free(rr->towns[i].t);
    free(rr->towns);
    bf__towns_free(&rr->names);
    bf_run_sources_free(rr->sources, rr->n_sources);
    for (int i = 0; rr->readers && i < rr->set->defs->n; i++)
        bf_idlist_free(&rr->readers[i]);
    free(rr->readers);
    bf_result_free(&rr->scratch);
}

/* The final record: totals, tally, ranges, what was taken over, the status; one transaction. */
static int finish(rerun *rr, bool whole, int64_t *reused, bf_errors *errs)
{
    char when[32];
    bf__run_time_now(when);
    bf_run_summary *out = rr->out;
    int rc = bf_store_begin(rr->s, errs);
    if (rc == BF_OK)
        rc = bf__run_finish_policies(rr->s, out->run_id, rr->e, rr->set, out, rr->plan->base, errs);
    if (rc == BF_OK && whole)
        rc = store_ranges(rr, reused, errs);
    if (rc == BF_OK && whole)
        rc = store_tally(rr, errs);
    if (rc == BF_OK && whole)
        rc = bf_store_run_summary_done(rr->s, out->run_id, errs);
    if (rc == BF_OK)
        rc = bf_store_run_reused(rr->s, out->run_id, rr->plan->base, *reused, errs);
    if (rc == BF_OK)
        rc = bf_store_run_finish(rr->s, out->run_id, out->status, when, out->households,
                                 out->evaluations, out->errors, errs);
    if (rc == BF_OK)
        rc = bf_store_commit(rr->s, errs);
    if (rc != BF_OK) {
        bf_store_rollback(rr->s, errs);
        bf_store_run_finish(rr->s, out->run_id, "failed", when, out->households,
                            out->evaluations, out->errors, errs);
    }
    return rc;
}

int bf_rerun_execute(bf_store *store, bf_engine *engine, const bf_param_set *set,
                     const bf_run_options *opt, const bf_rerun_plan *plan, bf_run_summary *out,
                     int64_t *evaluated, bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    *evaluated = 0;
    bf_errors_init(&out->first_errors, 10);
    double started = bf_now();
    rerun rr = {.s = store, .e = engine, .set = set, .plan = plan, .out = out};
    rr.pol = bf_engine_policies(engine, &rr.n_pol);
    out->n_policies = rr.n_pol;
    out->per_policy = calloc((size_t)rr.n_pol, sizeof *out->per_policy);
    rr.readers = calloc((size_t)set->defs->n + 1, sizeof *rr.readers);
    if (!out->per_policy || !rr.readers) {
        rerun_free(&rr);
        return BF_ENOMEM;
    }
    char when[32], date[BF_DATE_STRLEN];
    bf__run_time_now(when);
    bf_date_format(set->date, date);
    bf_buf hashes = {0}, values = {0};
    bf__run_audit_json(engine, set, &hashes, &values);
    bf_run_row row = {when, date, bf_engine_jobs(engine), NULL, opt->store_all,
                      bf_buf_str(&hashes), bf_buf_str(&values)};
    int rc = bf_store_run_create(store, &row, &out->run_id, errs);
    bf_buf_free(&hashes);
    bf_buf_free(&values);
    int64_t members;
    if (rc == BF_OK)
        rc = bf_store_count(store, &out->households, &members, errs);
    if (rc == BF_OK)
        rc = load_base(&rr, errs);
    if (rc == BF_OK)
        rc = cache_everyones(&rr, errs);
    bool interrupted = false;
    if (rc == BF_OK && (rc = bf_store_bulk(store, true, errs)) == BF_OK) {
        rc = evaluate(&rr, opt, evaluated, &interrupted, errs);
        bf_store_bulk(store, false, NULL);
    }
    if (rc == BF_OK && !interrupted)
        rc = bf_totals_check(out->per_policy, rr.pol, rr.n_pol, errs);
    for (int k = 0; k < rr.n_pol; k++) {
        out->evaluations += out->per_policy[k].evaluations;
        out->errors += out->per_policy[k].errors;
    }
    int64_t reused = 0;
    int frc = BF_OK;
    if (out->run_id) {
        out->status = rc != BF_OK ? "failed" : interrupted ? "interrupted"
                      : out->errors ? "completed_with_errors" : "completed";
        frc = finish(&rr, rc == BF_OK && !interrupted, &reused, errs);
    }
    rerun_free(&rr);
    out->seconds = bf_now() - started;
    return rc != BF_OK ? rc : frc;
}
