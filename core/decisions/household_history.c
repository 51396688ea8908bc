/* household_history.c — one household over time: its versions, and its decisions in every
 * completed run compared with the run before. */
#include "household_history.h"
#include "bangfu.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void decision_free(bf_history_decision *d)
{
    free(d->policy);
    free(d->title);
    free(d->member);
    bf__diff_side_free(&d->side);
}

static void run_free(bf_history_run *r)
{
    bf_stored_run_free(&r->run);
    for (int i = 0; i < r->n_decisions; i++)
        decision_free(&r->decisions[i]);
    free(r->decisions);
}

void bf_household_history_free(bf_household_history *h)
{
    free(h->id);
    free(h->town);
    free(h->village);
    bf_household_versions_free(h->versions, h->n_versions);
    for (int i = 0; i < h->n_runs; i++)
        run_free(&h->runs[i]);
    free(h->runs);
    memset(h, 0, sizeof *h);
}

/* Appends a decision to r: a copy of stored decision sd, or (sd NULL) not eligible under
 * policy, title, member. */
static int add_decision(bf_history_run *r, const bf_household_decision *sd, const char *policy,
                        const char *title, const char *member)
{
    bf_history_decision *grown = realloc(r->decisions, sizeof *grown * (size_t)(r->n_decisions + 1));
    if (!grown)
        return BF_ENOMEM;
    r->decisions = grown;
    bf_history_decision *d = &r->decisions[r->n_decisions++];
    memset(d, 0, sizeof *d);
    bool oom = false;
    d->policy = bf_strdup_opt(sd ? sd->policy : policy, &oom);
    d->title = bf_strdup_opt(sd ? sd->title : title, &oom);
    d->member = bf_strdup_opt(sd ? sd->member : member, &oom);
    if (sd) {
        d->side.eligible = sd->eligible && !sd->error;
        d->side.amount = d->side.eligible ? sd->amount_fen : 0;
        d->side.tier = bf_strdup_opt(sd->tier, &oom);
        d->side.error = bf_strdup_opt(sd->error, &oom);
        d->side.reasons = bf_strdup_opt(sd->reasons, &oom);
    }
    return oom ? BF_ENOMEM : BF_OK;
}

/* The decision of prev for the same policy and member as d; NULL when none. */
static const bf_history_decision *find_same(const bf_history_run *prev, const char *policy,
                                            const char *member)
{
    for (int i = 0; prev && i < prev->n_decisions; i++)
        if (strcmp(prev->decisions[i].policy, policy) == 0 &&
            bf_str_same(prev->decisions[i].member, member))
            return &prev->decisions[i];
    return NULL;
}

/* Marks r's decisions that differ from prev's, and adds those eligible in prev that r did not
 * store (not eligible now). */
static int mark_changes(bf_history_run *r, const bf_history_run *prev)
{
    static const bf_diff_side not_eligible = {false, 0, NULL, NULL, NULL};
    int stored = r->n_decisions;
    for (int i = 0; i < stored; i++) {
        bf_history_decision *d = &r->decisions[i];
        const bf_history_decision *p = find_same(prev, d->policy, d->member);
        d->changed = !bf__diff_same_side(p ? &p->side : &not_eligible, &d->side);
    }
    int rc = BF_OK;
    for (int i = 0; rc == BF_OK && i < prev->n_decisions; i++) {
        const bf_history_decision *p = &prev->decisions[i];
        bool kept = false;
        for (int k = 0; k < stored && !kept; k++)
            kept = strcmp(r->decisions[k].policy, p->policy) == 0 &&
                   bf_str_same(r->decisions[k].member, p->member);
        if (!kept && !bf__diff_same_side(&p->side, &not_eligible)) {
            rc = add_decision(r, NULL, p->policy, p->title, p->member);
            if (rc == BF_OK)
                r->decisions[r->n_decisions - 1].changed = true;
        }
    }
    return rc;
}

/* The version a run read (see bf_history_run.version). */
static int64_t version_read(const bf_household_history *h, int64_t households_version)
{
    if (households_version < 0)
        return -1;
    int64_t version = 0;
    for (int i = 0; i < h->n_versions; i++)
        if (h->versions[i].households_version <= households_version)
            version = h->versions[i].version;
    return version;
}

/* Loads run id's decisions of the household as the next run of h, unless it did not complete. */
static int load_run(bf_store *s, bf_household_history *h, int64_t id, bf_errors *errs)
{
    bf_history_run r = {0};
    int rc = bf_store_run_get(s, id, &r.run, errs);
    if (rc != BF_OK)
        return rc;
    if (strcmp(r.run.status, "completed") != 0 && strcmp(r.run.status, "completed_with_errors") != 0) {
        run_free(&r);
        return BF_OK;
    }
    r.version = version_read(h, r.run.households_version);
    bf_household_decision *d = NULL;
    int n = 0;
    rc = bf_store_household_decisions(s, id, h->id, &d, &n, errs);
    for (int i = 0; rc == BF_OK && i < n; i++)
        rc = add_decision(&r, &d[i], NULL, NULL, NULL);
    bf_household_decisions_free(d, n);
    if (rc == BF_OK && h->n_runs)
        rc = mark_changes(&r, &h->runs[h->n_runs - 1]);
    bf_history_run *grown = rc == BF_OK ? realloc(h->runs, sizeof *grown * (size_t)(h->n_runs + 1))
                                        : NULL;
    if (!grown) {
        run_free(&r);
        return rc == BF_OK ? BF_ENOMEM : rc;
    }
    h->runs = grown;
    h->runs[h->n_runs++] = r;
    return BF_OK;
}

/* The household's town and village as stored now ("" when gone). */
static int load_place(bf_store *s, bf_household_history *h, bf_errors *errs)
{
    bf_household rec = {0};
    bool found = false, oom = false;
    int rc = bf_store_find_household(s, h->id, &rec, &found, errs);
    h->town = bf_strdup_opt(found ? rec.town : "", &oom);
    h->village = bf_strdup_opt(found ? rec.village : "", &oom);
    bf_household_free(&rec);
    return rc == BF_OK && oom ? BF_ENOMEM : rc;
}

/* Whether the household has any stored decision in any run (a household stored before the
 * store kept versions, then deleted, has only those). */
static bool any_decisions(const bf_household_history *h)
{
    for (int i = 0; i < h->n_runs; i++)
        if (h->runs[i].n_decisions)
            return true;
    return false;
}

int bf_household_history_load(bf_store *s, const char *id, bf_household_history *out,
                              bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    if (!(out->id = strdup(id)))
        return bf_errors_fail(errs, BF_ENOMEM, _("%s: reading a household's history: out of memory"),
                              bf_store_path(s));
    int rc = bf_store_household_versions(s, id, &out->versions, &out->n_versions, errs);
    if (rc == BF_OK)
        rc = load_place(s, out, errs);
    int64_t *ids = NULL;
    int n = 0;
    if (rc == BF_OK)
        rc = bf_store_run_ids(s, &ids, &n, errs);
    for (int i = 0; rc == BF_OK && i < n; i++)
        rc = load_run(s, out, ids[i], errs);
    free(ids);
    if (rc == BF_OK && !out->n_versions && !any_decisions(out))
        rc = bf_errors_fail(errs, BF_ENOTFOUND, _("%s: no household %s, now or in any run"),
                            bf_store_path(s), id);
    if (rc == BF_ENOMEM)
        bf_errors_fail(errs, rc, _("%s: reading a household's history: out of memory"),
                       bf_store_path(s));
    if (rc != BF_OK)
        bf_household_history_free(out);
    return rc;
}
