/* simulate.c — baseline against scenario, household by household, aggregated per policy and town. */
#include "i18n.h"
#include "simulate.h"
#include "bangfu.h"
#include "json.h"
#include "progress.h"
#include "tally.h"
#include "xmlio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 1024

/* A town of the result by name, added in order of first appearance; NULL when out of memory. */
static bf_sim_town *town_of(bf_sim_result *out, const char *town)
{
    int i = bf__towns_find(&out->town_numbers, town);
    if (i < 0)
        return NULL;
    if (i < out->n_towns)
        return &out->towns[i];
    bf_sim_town *grown = realloc(out->towns, sizeof *grown * (size_t)(out->n_towns + 1));
    if (!grown)
        return NULL;
    out->towns = grown;
    bf_sim_town *t = &out->towns[out->n_towns];
    memset(t, 0, sizeof *t);
    t->town = out->town_numbers.names[i];        /* owned by town_numbers */
    t->baseline = calloc((size_t)out->n_policies, sizeof *t->baseline);
    t->scenario = calloc((size_t)out->n_policies, sizeof *t->scenario);
    t->counts = calloc((size_t)out->n_policies, sizeof *t->counts);
    if (!t->baseline || !t->scenario || !t->counts) {
        free(t->baseline);
        free(t->scenario);
        free(t->counts);
        return NULL;
    }
    out->n_towns++;
    return t;
}

static void copy_tier(char dst[64], const bf_result *r, const bf_decision *d)
{
    const char *t = bf_result_text(r, d->tier);
    size_t len = t ? strnlen(t, 63) : 0;
    if (len)
        memcpy(dst, t, len);
    dst[len] = '\0';
}

/* Room for one more listed change (limit 0: no cap); false when full or out of memory. */
static bool room_for_change(bf_sim_result *out, int limit)
{
    if (limit > 0 && out->n_changes >= limit)
        return false;
    if (out->n_changes < out->cap_changes)
        return true;
    int cap = out->cap_changes ? 2 * out->cap_changes : 64;
    bf_sim_change *grown = realloc(out->changes, sizeof *grown * (size_t)cap);
    if (!grown)
        return false;
    out->changes = grown;
    out->cap_changes = cap;
    return true;
}

/* Compares one decision unit and counts (county and town) or records the change; false when
 * out of memory. */
static bool compare_unit(bf_sim_result *out, bf_sim_town *town, const bf_household *h, int limit,
                         const bf_result *b, const bf_decision *x, const bf_result *s,
                         const bf_decision *y)
{
    bf_sim_policy *p = &out->policies[x->policy];
    bf_wi_counts *tc = &town->counts[x->policy];
    int gained = !x->eligible && y->eligible, lost = x->eligible && !y->eligible;
    int raised = x->eligible && y->eligible && y->amount > x->amount;
    int cut = x->eligible && y->eligible && y->amount < x->amount;
    p->gained += gained;
    p->lost += lost;
    p->raised += raised;
    p->cut += cut;
    tc->gained += gained;
    tc->lost += lost;
    tc->raised += raised;
    tc->cut += cut;
    p->errors += x->failed + y->failed;
    char bt[64], st[64];
    copy_tier(bt, b, x);
    copy_tier(st, s, y);
    if (x->eligible == y->eligible && x->amount == y->amount && strcmp(bt, st) == 0)
        return true;
    out->changed_total++;
    if (!room_for_change(out, limit))
        return limit > 0 && out->n_changes >= limit;
    bf_sim_change *c = &out->changes[out->n_changes++];
    snprintf(c->household, sizeof c->household, "%s", h->id);
    snprintf(c->member, sizeof c->member, "%s", x->member >= 0 ? h->members[x->member].id : "");
    c->policy = x->policy;
    c->before_eligible = x->eligible;
    c->after_eligible = y->eligible;
    c->before_amount = x->amount;
    c->after_amount = y->amount;
    memcpy(c->before_tier, bt, sizeof bt);
    memcpy(c->after_tier, st, sizeof st);
    return true;
}

/* Folds one household's baseline and scenario decisions into the result. from_tally: the result
 * started from a stored run's totals, which hold this household's baseline (in both columns, its
 * errors counted twice) — its scenario replaces that baseline in the scenario column. */
static int fold_household(bf_sim_result *out, const bf_household *h, const bf_result *b,
                          const bf_result *s, const bf_policy *pol, int limit, bool from_tally)
{
    bf_sim_town *town = town_of(out, h->town);
    if (!town || b->n != s->n)
        return BF_ENOMEM;
    bf_fen total_b = 0, total_s = 0;
    for (int i = 0; i < b->n;) {
        int k = b->d[i].policy, to = bf__totals_policy_end(b, i);
        if (pol[k].reported) {
            bf_sim_policy *p = &out->policies[k];
            bf_totals tb = {0}, ts = {0};
            bf__totals_add_policy(&tb, &pol[k], h, b, i, to);
            bf__totals_add_policy(&ts, &pol[k], h, s, i, to);
            if (from_tally) {
                bf__totals_move(&p->scenario, &tb, &ts);
                bf__totals_move(&town->scenario[k], &tb, &ts);
            } else {
                bf__totals_sum(&p->baseline, &tb);
                bf__totals_sum(&p->scenario, &ts);
                bf__totals_sum(&town->baseline[k], &tb);
                bf__totals_sum(&town->scenario[k], &ts);
            }
            town->counts[k].better += ts.amount > tb.amount;
            town->counts[k].worse += ts.amount < tb.amount;
            total_b += tb.amount;
            total_s += ts.amount;
            for (int u = i; u < to; u++) {
                if (from_tally)
                    p->errors -= 2 * b->d[u].failed;     /* compare_unit counts them again */
                if (!compare_unit(out, town, h, limit, b, &b->d[u], s, &s->d[u]))
                    return BF_ENOMEM;
            }
        }
        i = to;
    }
    town->households += !from_tally;                     /* the tally counted the others */
    if (total_b == total_s)
        return BF_OK;
    town->better += total_s > total_b;
    town->worse += total_s < total_b;
    return bf__wi_add(&out->view, h, (int)(town - out->towns), total_b, total_s);
}

/* Marks the parameters whose value (or being in force) differs between the two sets. */
static bool *changed_parameters(const bf_param_set *a, const bf_param_set *b)
{
    int n = a->defs->n;
    bool *changed = calloc((size_t)(n ? n : 1), sizeof *changed);
    for (int i = 0; changed && i < n; i++)
        changed[i] = a->in_force[i] != b->in_force[i] || (a->in_force[i] && a->value[i] != b->value[i]);
    return changed;
}

/* ---- a stored run as the baseline ---- */

/* Picks the stored baseline run: the one asked for (checked), or the latest matching one. */
static int choose_baseline(bf_store *store, bf_engine *engine, const bf_param_set *baseline,
                           int64_t asked, int64_t *run_id, bf_errors *errs)
{
    *run_id = 0;
    if (asked == BF_BASELINE_EVAL)
        return BF_OK;
    bf_buf hashes = {0}, values = {0};
    bf__run_audit_json(engine, baseline, &hashes, &values);
    char date[BF_DATE_STRLEN];
    bf_date_format(baseline->date, date);
    int rc;
    if (asked > 0) {
        rc = bf_store_check_baseline(store, asked, date, bf_buf_str(&values), bf_buf_str(&hashes),
                                     errs);
        if (rc == BF_OK)
            *run_id = asked;
    } else {
        rc = bf_store_find_baseline(store, date, bf_buf_str(&values), bf_buf_str(&hashes), run_id,
                                    errs);
    }
    bf_buf_free(&hashes);
    bf_buf_free(&values);
    return rc;
}

/* Per policy: whether, in the stored run, it read a parameter the scenario changes. */
static int stored_reads_of(bf_store *store, int64_t run_id, const bf_engine *engine,
                           const bf_params *defs, const bool *changed, bool *reads, bf_errors *errs)
{
    int n;
    bf_engine_policies(engine, &n);
    for (int k = 0; k < n; k++) {
        char *json;
        if (bf_store_run_params_read(store, run_id, k, &json, errs) != BF_OK)
            return BF_ESTORE;
        bf_json_iter it;
        bf_json_item item;
        int got = 0;
        if (bf_json_iter_init(&it, json, strlen(json)) == BF_OK)
            while ((got = bf_json_next(&it, &item)) == 1) {
                int i = bf_params_index(defs, item.value);
                reads[k] = reads[k] || (i >= 0 && changed[i]);
            }
        bf_json_iter_free(&it);
        free(json);
        if (got < 0) {
            bf_errors_add(errs, _("run %lld: the parameters read by policy %d are not a JSON list"),
                          (long long)run_id, k);
            return BF_ESTORE;
        }
    }
    return BF_OK;
}

/* Gives base[0..n) one not-eligible decision per unit of the evaluated policies. */
static int prepare_units(const bf_household *hs, int n, const bf_engine *engine, bf_result *base)
{
    int n_pol;
    const bf_policy *pol = bf_engine_policies(engine, &n_pol);
    for (int i = 0; i < n; i++) {
        bf_result_reset(&base[i]);
        for (int k = 0; k < n_pol; k++) {
            if (!bf_engine_evaluates(engine, k))
                continue;
            int members = pol[k].scope == BF_SCOPE_HOUSEHOLD ? 0 : hs[i].n_members;
            for (int m = pol[k].scope == BF_SCOPE_HOUSEHOLD ? -1 : 0; m < members; m++)
                if (!bf_result_add(&base[i], k, m))
                    return BF_ENOMEM;
        }
    }
    return BF_OK;
}

/* Copies the stored decisions the positioned reader yields into base[0..n) (households in id
 * order); decisions of other households, gone members or policies not evaluated are skipped. */
static int fill_from_reader(bf_baseline_reader *br, const bf_household *hs, int n, bf_result *base,
                            bf_errors *errs)
{
    int rc, i = 0, u = 0;
    bf_baseline_decision sd;
    bool got;
    while ((rc = bf_baseline_next(br, &sd, &got, errs)) == BF_OK && got) {
        while (i < n && strcmp(hs[i].id, sd.household_id) < 0) {
            i++;
            u = 0;
        }
        if (i == n || strcmp(hs[i].id, sd.household_id) != 0)
            continue;                            /* a household deleted since the run */
        bf_result *r = &base[i];
        int member = sd.member_seq - 1;
        while (u < r->n && (r->d[u].policy < sd.policy_seq ||
                            (r->d[u].policy == sd.policy_seq && r->d[u].member < member)))
            u++;
        if (u == r->n || r->d[u].policy != sd.policy_seq || r->d[u].member != member)
            continue;                            /* a member gone, or a policy not evaluated now */
        bf_decision *d = &r->d[u];
        d->eligible = sd.eligible;
        d->failed = sd.failed;
        d->amount = sd.amount_fen;
        d->tier = sd.tier ? bf_result_add_text(r, sd.tier, strlen(sd.tier)) : -1;
        r->errors += sd.failed;
    }
    return rc;
}

/* Fills base[0..n) with the stored decisions of the batch: every decision unit of the
 * evaluated policies, not eligible unless the run stored it otherwise. */
static int load_baseline(bf_baseline_reader *br, const char *after_id, const bf_household *hs,
                         int n, const bf_engine *engine, bf_result *base, bf_errors *errs)
{
    int rc = prepare_units(hs, n, engine, base);
    if (rc == BF_OK)
        rc = bf_baseline_range(br, after_id, hs[n - 1].id, errs);
    return rc == BF_OK ? fill_from_reader(br, hs, n, base, errs) : rc;
}

/* The same for households that are not neighbours: one stored-decision lookup each. */
static int load_baseline_each(bf_baseline_reader *br, const bf_household *hs, int n,
                              const bf_engine *engine, bf_result *base, bf_errors *errs)
{
    int rc = prepare_units(hs, n, engine, base);
    for (int i = 0; rc == BF_OK && i < n; i++)
        if ((rc = bf_baseline_household(br, hs[i].id, errs)) == BF_OK)
            rc = fill_from_reader(br, &hs[i], 1, &base[i], errs);
    return rc;
}

/* ---- a stored run's tally: evaluating only the households that can change ---- */

static int compare_ids(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the ids of a newline-separated list (which it cuts up in place) to *ids. */
static int add_ids(char *list, char ***ids, int64_t *n, int64_t *cap)
{
    for (char *p = list; *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (*n == *cap) {
            int64_t grown_cap = *cap ? 2 * *cap : 1024;
            char **grown = realloc(*ids, sizeof *grown * (size_t)grown_cap);
            if (!grown)
                return BF_ENOMEM;
            *ids = grown;
            *cap = grown_cap;
        }
        (*ids)[(*n)++] = p;
        if (!nl)
            break;
        p = nl + 1;
    }
    return BF_OK;
}

/* Whether the tally of run run_id counted every town's households (policy_seq -1 rows; a run
 * made before that did not, and then every household is evaluated to count them). */
static int counts_town_households(bf_store *store, int64_t run_id, bool *counted, bf_errors *errs)
{
    bf_run_town_row *towns = NULL;
    int n = 0;
    int rc = bf_store_run_towns_get(store, run_id, &towns, &n, errs);
    *counted = false;
    for (int i = 0; rc == BF_OK && i < n; i++)
        *counted = *counted || towns[i].policy_seq == BF_TALLY_ALL_HOUSEHOLDS;
    bf_run_town_rows_free(towns, n);
    return rc;
}

/* With the tally of stored run run_id: the ids (sorted, each once) of the households whose
 * evaluations read a changed parameter, pointing into *lists (free both). *usable is false
 * when the run has no tally or a changed parameter was read by everyone: then every household
 * must be evaluated. */
static int select_households(bf_store *store, int64_t run_id, const bf_params *defs,
                             const bool *changed, bool *usable, char ***ids, int64_t *n,
                             char ***lists, bf_errors *errs)
{
    *usable = false;
    *ids = *lists = NULL;
    *n = 0;
    bool recorded;
    int rc = bf_store_run_summary_recorded(store, run_id, &recorded, errs);
    if (rc == BF_OK && recorded)
        rc = counts_town_households(store, run_id, &recorded, errs);
    if (rc != BF_OK || !recorded)
        return rc;
    if (!(*lists = calloc((size_t)defs->n + 1, sizeof **lists)))
        return BF_ENOMEM;
    int64_t cap = 0;
    for (int i = 0; rc == BF_OK && i < defs->n; i++) {
        if (!changed[i])
            continue;
        bool found, everyone;
        if ((rc = bf_store_run_reads_get(store, run_id, defs->items[i].name, &found, &everyone,
                                         &(*lists)[i], errs)) != BF_OK) {
            return rc;
        }
        if (everyone)
            return BF_OK;                            /* not usable */
        if (found)
            rc = add_ids((*lists)[i], ids, n, &cap);
    }
    if (rc != BF_OK)
        return rc;
    if (*n > 1)
        qsort(*ids, (size_t)*n, sizeof **ids, compare_ids);
    int64_t kept = 0;
    for (int64_t i = 0; i < *n; i++)
        if (kept == 0 || strcmp((*ids)[kept - 1], (*ids)[i]) != 0)
            (*ids)[kept++] = (*ids)[i];
    *n = kept;
    *usable = true;
    return BF_OK;
}

static void free_lists(char **lists, const bf_params *defs)
{
    for (int i = 0; lists && i < defs->n; i++)
        free(lists[i]);
    free(lists);
}

/* Starts the result from the stored run's totals: per policy (baseline and scenario alike; every
 * stored error counted for both) and per town, in the order the run met them. */
static int start_from_tally(bf_store *store, int64_t run_id, const bf_policy *pol, int n_pol,
                            bf_sim_result *out, bf_errors *errs)
{
    bf_stored_policy *sp = NULL;
    bf_run_town_row *towns = NULL;
    int n_sp = 0, n_towns = 0;
    int rc = bf_store_run_policies(store, run_id, &sp, &n_sp, errs);
    if (rc == BF_OK)
        rc = bf_store_run_towns_get(store, run_id, &towns, &n_towns, errs);
    for (int i = 0; rc == BF_OK && i < n_sp; i++) {
        int k = sp[i].seq;
        if (k < 0 || k >= n_pol || !pol[k].reported)
            continue;
        bf_totals t = {.households = sp[i].households, .members = sp[i].members,
                       .amount = sp[i].amount_fen};
        out->policies[k].baseline = out->policies[k].scenario = t;
        out->policies[k].errors = 2 * sp[i].errors;
    }
    for (int i = 0; rc == BF_OK && i < n_towns; i++) {
        bf_sim_town *town = town_of(out, towns[i].town);
        int k = towns[i].policy_seq;
        if (!town)
            rc = BF_ENOMEM;
        else if (k == BF_TALLY_ALL_HOUSEHOLDS)
            town->households = towns[i].households;
        else if (k >= 0 && k < n_pol && pol[k].reported) {
            bf_totals t = {.households = towns[i].households, .members = towns[i].members,
                           .amount = towns[i].amount_fen};
            town->baseline[k] = town->scenario[k] = t;
        }
    }
    bf_stored_policies_free(sp, n_sp);
    bf_run_town_rows_free(towns, n_towns);
    return rc;
}

/* The county's households: those of the stored run when one serves (its households_version
 * is the database's, so they are the same households), else counted; counting a million rows
 * costs more than the whole of a narrow simulation. */
static int count_households(bf_store *store, int64_t run_id, int64_t *total, bf_errors *errs)
{
    int rc;
    if (run_id) {
        bf_stored_run run = {0};
        if ((rc = bf_store_run_get(store, run_id, &run, errs)) == BF_OK)
            *total = run.households;
        bf_stored_run_free(&run);
    } else {
        int64_t members;
        rc = bf_store_count(store, total, &members, errs);
    }
    return rc;
}

/* Reads households ids[from..from+n) and their stored decisions into hs and base. */
static int read_selected(bf_store *store, bf_baseline_reader *br, char **ids, int n,
                         const bf_engine *engine, bf_household *hs, bf_result *base, bf_errors *errs)
{
    /* one read transaction for the batch: one lock instead of three per household, and a
     * household's members and stored decisions from the same version of the database */
    bool began;
    int rc = bf_store_read_begin(store, &began, errs);
    for (int i = 0; rc == BF_OK && i < n; i++)
        rc = bf_store_get_household(store, ids[i], &hs[i], errs);
    if (rc == BF_OK)
        rc = load_baseline_each(br, hs, n, engine, base, errs);
    int end = bf_store_read_end(store, began, rc == BF_OK, errs);
    rc = rc == BF_OK ? end : rc;
    return rc;
}

/* Reads the next batch of households and, with a stored baseline, their stored decisions into
 * base; after holds the last id read so far. */
static int read_batch(bf_reader *reader, bf_baseline_reader *br, char *after,
                      const bf_engine *engine, bf_result *base, bf_household **hs, int *n,
                      bf_errors *errs)
{
    int rc = bf_reader_next(reader, hs, n, errs);
    if (rc == BF_OK && *n > 0 && br)
        rc = load_baseline(br, after, *hs, *n, engine, base, errs);
    if (rc != BF_OK)
        return rc;
    if (*n > 0)
        snprintf(after, BF_ID_BYTES, "%s", (*hs)[*n - 1].id);
    return BF_OK;
}

/* Where a simulation's batches come from: every household in id order (the full pass, against
 * the stored baseline when br is set, else against its own), or only the households in ids (the
 * selective pass, always against br; every other decision is the stored run's). */
typedef struct batch_source {
    bf_store *store;
    const bf_engine *engine;
    bf_reader *reader;                 /* the full pass; NULL in the selective one */
    bf_baseline_reader *br;            /* the stored baseline, or NULL */
    char after[BF_ID_BYTES];           /* full pass: the last id read so far */
    char **ids;                        /* selective pass: the households to evaluate, sorted */
    int64_t n_ids, next;               /* how many, and the first not read yet */
    bf_household *own[2];              /* selective pass: the two batches' households */
} batch_source;

/* Reads the next batch into slot turn (of two: one is read while the other is evaluated). */
static int next_batch(batch_source *src, int turn, bf_result *base, bf_household **hs, int *n,
                      bf_errors *errs)
{
    if (src->reader)
        return read_batch(src->reader, src->br, src->after, src->engine, base, hs, n,
                          errs);
    int64_t left = src->n_ids - src->next;
    *n = (int)(left < BATCH ? left : BATCH);
    *hs = src->own[turn];
    if (*n == 0)
        return BF_OK;
    int rc = read_selected(src->store, src->br, src->ids + src->next, *n, src->engine, *hs, base,
                           errs);
    src->next += *n;
    return rc;
}

/* The pipeline, as in run: while the workers evaluate batch k, this thread reads batch k+1 (and
 * its stored decisions), then starts it and folds batch k into the result. In the selective
 * pass the look-ups of scattered households cost as much as their evaluation. */
static int evaluate_batches(batch_source *src, bf_engine *engine, const bool *changed,
                            const bool *stored_reads, bf_result *base[2], bf_result *scen[2],
                            const bf_sim_options *opts, bf_progress *bar, bf_sim_result *out,
                            bf_errors *errs)
{
    int n_pol;
    const bf_policy *pol = bf_engine_policies(engine, &n_pol);
    bool selective = src->reader == NULL;
    const bool *reads = src->br ? stored_reads : NULL;
    bf_household *cur = NULL, *next = NULL;
    int n_cur = 0, n_next = 0, turn = 0;
    int rc = next_batch(src, turn, base[turn], &cur, &n_cur, errs);
    if (rc == BF_OK && n_cur > 0)
        bf_engine_start_pair(engine, cur, n_cur, changed, reads, base[turn], scen[turn]);
    while (rc == BF_OK && n_cur > 0) {
        rc = next_batch(src, turn ^ 1, base[turn ^ 1], &next, &n_next, errs);
        int erc = bf_engine_finish(engine);
        if (rc != BF_OK)
            break;
        if (erc == BF_EINTERRUPTED || (opts->interrupted && *opts->interrupted)) {
            bf_errors_add(errs, _("interrupted: nothing is reported for a partial simulation"));
            rc = BF_EINTERRUPTED;
            break;
        }
        if (n_next > 0)
            bf_engine_start_pair(engine, next, n_next, changed, reads, base[turn ^ 1],
                                 scen[turn ^ 1]);
        for (int i = 0; i < n_cur && rc == BF_OK; i++)
            rc = fold_household(out, &cur[i], &base[turn][i], &scen[turn][i], pol, opts->limit,
                                selective);
        if (selective) {
            out->evaluated += n_cur;
        } else {
            out->households += n_cur;
            bf_progress_update(bar, out->households);
        }
        cur = next;
        n_cur = n_next;
        turn ^= 1;
        if (rc != BF_OK && n_cur > 0)
            bf_engine_finish(engine);    /* the next batch was started: let it end */
    }
    return rc;
}

/* The scenario as given: per set the value in force and whether it applies; warnings. */
static int describe_scenario(const bf_param_set *baseline, const bf_sim_options *o,
                             bf_sim_result *out)
{
    out->sets = o->sets;
    out->n_sets = o->n_sets;
    out->effects = calloc((size_t)o->n_sets + 1, sizeof *out->effects);
    if (!out->effects)
        return BF_ENOMEM;
    bf_override_effects(baseline->defs, baseline->date, o->sets, o->n_sets, out->effects,
                        &out->warnings);
    return BF_OK;
}

/* A simulation must describe one version of the county (issue 11): when an import wrote
 * households while they were being read, its figures mix old and new records. */
static int check_one_snapshot(bf_store *store, int64_t version_read, bf_errors *errs)
{
    int64_t now = 0;
    if (bf_store_households_version(store, &now, errs) != BF_OK)
        return BF_ESTORE;
    if (now == version_read)
        return BF_OK;
    bf_errors_add(errs, "%s", _("households were imported while this simulation was reading them, "
                              "so its figures would mix old and new records: run it again"));
    return BF_ECHANGED;
}

/* Whether every policy's baseline and scenario amounts, each and all together, are totals: a
 * script giving absurd amounts fails the simulation, as it fails a run, rather than printing a
 * sum that wrapped around. */
static int check_sim_totals(const bf_sim_result *out, const bf_policy *pol, int n, bf_errors *errs)
{
    bf_totals *t = calloc((size_t)n, sizeof *t);
    if (!t)
        return BF_ENOMEM;
    int rc = BF_OK;
    for (int side = 0; side < 2 && rc == BF_OK; side++) {
        for (int k = 0; k < n; k++)
            t[k] = side ? out->policies[k].scenario : out->policies[k].baseline;
        rc = bf_totals_check(t, pol, n, errs);
    }
    free(t);
    return rc;
}

int bf_simulate(bf_store *store, bf_engine *engine, const bf_param_set *baseline,
                const bf_param_set *scenario, const bf_sim_options *opts, bf_sim_result *out,
                bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    bf_errors_init(&out->warnings, 50);
    double started = bf_now();
    int64_t baseline_run = opts->baseline_run;
    int limit = opts->limit;
    int n_pol;
    const bf_policy *pol = bf_engine_policies(engine, &n_pol);
    out->n_policies = n_pol;
    out->policies = calloc((size_t)n_pol, sizeof *out->policies);
    bool *changed = changed_parameters(baseline, scenario);
    bf_result *base[2] = {calloc(BATCH, sizeof *base[0]), calloc(BATCH, sizeof *base[1])};
    bf_result *scen[2] = {calloc(BATCH, sizeof *scen[0]), calloc(BATCH, sizeof *scen[1])};
    int64_t *reevaluated = calloc((size_t)n_pol, sizeof *reevaluated);
    int rc = (!out->policies || !changed || !base[0] || !base[1] || !scen[0] ||
              !scen[1] || !reevaluated) ? BF_ENOMEM : describe_scenario(baseline, opts, out);
    int64_t total = 0, version = 0;
    if (rc == BF_OK)
        rc = bf_store_households_version(store, &version, errs);
    bf_reader *reader = NULL;
    if (rc == BF_OK)
        rc = bf_store_reader_open(store, BATCH, &reader, errs);
    bool *stored_reads = calloc((size_t)n_pol, sizeof *stored_reads);
    bf_baseline_reader *br = NULL;
    if (rc == BF_OK && !stored_reads)
        rc = BF_ENOMEM;
    if (rc == BF_OK)
        rc = choose_baseline(store, engine, baseline, baseline_run, &out->baseline_run, errs);
    if (rc == BF_OK && out->baseline_run) {
        rc = stored_reads_of(store, out->baseline_run, engine, baseline->defs, changed,
                             stored_reads, errs);
        if (rc == BF_OK)
            rc = bf_store_baseline_open(store, out->baseline_run, &br, errs);
    }
    /* a stored run's tally may say that only a few households can change: evaluate just those */
    bool selective = false;
    char **ids = NULL, **lists = NULL;
    int64_t n_ids = 0;
    if (rc == BF_OK && br)
        rc = select_households(store, out->baseline_run, baseline->defs, changed, &selective, &ids,
                               &n_ids, &lists, errs);
    if (rc == BF_OK)
        rc = count_households(store, selective ? out->baseline_run : 0, &total, errs);
    batch_source src = {.store = store, .engine = engine, .reader = selective ? NULL : reader,
                        .br = br, .ids = ids, .n_ids = n_ids};
    if (rc == BF_OK && selective) {
        src.own[0] = calloc(BATCH, sizeof *src.own[0]);
        src.own[1] = calloc(BATCH, sizeof *src.own[1]);
        rc = src.own[0] && src.own[1] ? BF_OK : BF_ENOMEM;
    }
    if (rc == BF_OK && selective)
        rc = start_from_tally(store, out->baseline_run, pol, n_pol, out, errs);
    bf_progress bar;
    bf_progress_start(&bar, _("simulate"), selective ? 0 : total, 10000);
    if (rc == BF_OK)
        rc = evaluate_batches(&src, engine, changed, stored_reads, base, scen, opts, &bar, out,
                              errs);
    bf_engine_take_reevaluated(engine, reevaluated);
    bf_progress_end(&bar);
    for (int k = 0; reevaluated && out->policies && k < n_pol; k++)
        out->policies[k].reevaluated = reevaluated[k];
    if (selective)
        out->households = total;
    for (int t = 0; t < 2; t++)
        bf__sim_batch_free(src.own[t], NULL, NULL, src.own[t] ? BATCH : 0);
    free(ids);
    free_lists(lists, baseline->defs);
    if (!selective)
        out->evaluated = out->households;
    if (rc == BF_OK)
        rc = check_sim_totals(out, pol, n_pol, errs);
    if (rc == BF_OK)
        rc = bf__wi_finish(&out->view, store, engine, opts->households, limit, errs);
    if (rc == BF_OK)
        rc = check_one_snapshot(store, version, errs);
    bf_reader_close(reader);
    bf_baseline_close(br);
    free(stored_reads);
    for (int t = 0; t < 2; t++) {
        for (int i = 0; base[t] && scen[t] && i < BATCH; i++) {
            bf_result_free(&base[t][i]);
            bf_result_free(&scen[t][i]);
        }
        free(base[t]);
        free(scen[t]);
    }
    free(changed);
    free(reevaluated);
    out->seconds = bf_now() - started;
    return rc;
}

void bf_sim_result_free(bf_sim_result *r)
{
    for (int i = 0; i < r->n_towns; i++) {
        free(r->towns[i].baseline);
        free(r->towns[i].scenario);
        free(r->towns[i].counts);
    }
    free(r->towns);
    bf__towns_free(&r->town_numbers);
    free(r->policies);
    free(r->changes);
    free(r->effects);
    bf_errors_free(&r->warnings);
    bf__wi_free(&r->view);
    memset(r, 0, sizeof *r);
}

int bf_scenario_load(const char *path, bf_scenario *out, bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    xmlDoc *doc;
    int rc = bf_xml_load(path, BF_XSD_SCENARIO, &doc, errs);
    if (rc != BF_OK)
        return rc;
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlChar *name = xmlGetProp(root, (const xmlChar *)"name");
    out->name = strdup(name ? (const char *)name : "");
    xmlFree(name);
    int count = 0;
    for (xmlNode *n = root->children; n; n = n->next)
        count += n->type == XML_ELEMENT_NODE;
    out->sets = calloc((size_t)count + 1, sizeof *out->sets);
    if (!out->name || !out->sets) {
        xmlFreeDoc(doc);
        bf_scenario_free(out);
        return BF_ENOMEM;
    }
    for (xmlNode *n = root->children; n && rc == BF_OK; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *param = xmlGetProp(n, (const xmlChar *)"param");
        xmlChar *value = xmlGetProp(n, (const xmlChar *)"value");
        xmlChar *from = xmlGetProp(n, (const xmlChar *)"from");
        char arg[512];
        snprintf(arg, sizeof arg, "%s=%s", param ? (const char *)param : "",
                 value ? (const char *)value : "");
        bf_override *o = &out->sets[out->n_sets];
        bf_errors why;
        bf_errors_init(&why, 1);
        if (bf_override_parse(arg, o, &why) != BF_OK) {
            bf_errors_add(errs, "%s:%ld: %s", path, bf_xml_line(n), bf_errors_first(&why));
            bf_errors_free(&why);
            rc = BF_EINPUT;
        } else if (from && bf_date_parse((const char *)from, &o->from) != BF_OK) {
            bf_errors_add(errs, _("%s:%ld: from=\"%s\" is not a date YYYY-MM-DD"), path,
                          bf_xml_line(n), (const char *)from);
            rc = BF_EINPUT;
        } else {
            o->has_from = from != NULL;
            snprintf(o->origin, sizeof o->origin, "%s:%ld", path, bf_xml_line(n));
            out->n_sets++;
        }
        xmlFree(param);
        xmlFree(value);
        xmlFree(from);
    }
    xmlFreeDoc(doc);
    if (rc != BF_OK)
        bf_scenario_free(out);
    return rc;
}

void bf_scenario_free(bf_scenario *s)
{
    free(s->name);
    free(s->sets);
    memset(s, 0, sizeof *s);
}
