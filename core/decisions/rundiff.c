/* rundiff.c — two stored runs compared: the decisions of each household matched by policy and
 * member, the changed ones counted per policy and town, and each changed household's causes
 * found from what the store recorded: its versions, the parameters it read (the runs' tally),
 * the scripts' hashes and the dates. */
#include "rundiff.h"
#include "bangfu.h"
#include "i18n.h"
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One stored decision of one run, copied out of the cursor. */
typedef struct row {
    char *town, *village, *policy, *title, *member;
    int policy_seq;
    bf_diff_side side;
    bool matched;
} row;

/* The decisions of one household in one run. */
typedef struct group {
    row *rows;
    int n, cap;
} group;

/* Which households read one changed parameter in one run. */
typedef struct reads {
    bool known;                        /* the run recorded its tally */
    bool everyone;
    char *text;                        /* ids one per line, in id order */
    char **ids;
    int n;
} reads;

/* Everything the comparison keeps while it walks the households. */
typedef struct walk {
    bf_store *s;
    bf_run_diff *d;
    reads *reads_from, *reads_to;      /* per changed parameter (d->between.params) */
    char **policy_params;              /* per policy of the later run (the first n_policy_params
                                        * of d->policies): the JSON array of parameters it read */
    int n_policy_params;
    int rc;
} walk;

const char *bf_cause_id(bf_cause_kind kind)
{
    static const char *const ids[] = {"record", "parameter", "script", "date", "unknown"};
    return kind >= 0 && kind <= BF_CAUSE_UNKNOWN ? ids[kind] : "?";
}

void bf__diff_side_free(bf_diff_side *s)
{
    free(s->tier);
    free(s->error);
    free(s->reasons);
}

static void group_clear(group *g)
{
    for (int i = 0; i < g->n; i++) {
        row *r = &g->rows[i];
        free(r->town);
        free(r->village);
        free(r->policy);
        free(r->title);
        free(r->member);
        bf__diff_side_free(&r->side);
    }
    g->n = 0;
}

/* Copies decision sd into g. */
static int group_add(group *g, const bf_stored_decision *sd)
{
    if (g->n == g->cap) {
        int cap = g->cap ? g->cap * 2 : 32;
        row *grown = realloc(g->rows, sizeof *grown * (size_t)cap);
        if (!grown)
            return BF_ENOMEM;
        g->rows = grown;
        g->cap = cap;
    }
    bool oom = false;
    row *r = &g->rows[g->n++];
    memset(r, 0, sizeof *r);
    r->town = bf_strdup_opt(sd->town, &oom);
    r->village = bf_strdup_opt(sd->village, &oom);
    r->policy = bf_strdup_opt(sd->policy, &oom);
    r->title = bf_strdup_opt(sd->policy_title, &oom);
    r->member = bf_strdup_opt(sd->member, &oom);
    r->policy_seq = sd->policy_seq;
    r->side.eligible = sd->eligible && !sd->error;
    r->side.amount = r->side.eligible ? sd->amount_fen : 0;
    r->side.tier = bf_strdup_opt(sd->tier, &oom);
    r->side.error = bf_strdup_opt(sd->error, &oom);
    r->side.reasons = bf_strdup_opt(sd->reasons, &oom);
    return oom ? BF_ENOMEM : BF_OK;
}

bool bf__diff_same_side(const bf_diff_side *a, const bf_diff_side *b)
{
    if (!a->error != !b->error)
        return false;
    if (a->eligible != b->eligible)
        return false;
    return !a->eligible || (a->amount == b->amount && bf_str_same(a->tier, b->tier));
}

static int copy_side(bf_diff_side *dst, const bf_diff_side *src)
{
    bool oom = false;
    *dst = (bf_diff_side){src->eligible, src->amount, bf_strdup_opt(src->tier, &oom),
                          bf_strdup_opt(src->error, &oom), bf_strdup_opt(src->reasons, &oom)};
    return oom ? BF_ENOMEM : BF_OK;
}

static void count_change(bf_diff_totals *t, const bf_diff_side *b, const bf_diff_side *a)
{
    if (!b->eligible && a->eligible)
        t->entered++;
    else if (b->eligible && !a->eligible)
        t->left++;
    else if (b->eligible && a->amount > b->amount)
        t->raised++;
    else if (b->eligible && a->amount < b->amount)
        t->cut++;
    else
        t->other++;
    t->before += b->amount;
    t->after += a->amount;
}

/* The policy entry called name, added (with title) when new; NULL when out of memory. */
static bf_diff_policy *policy_entry(bf_run_diff *d, const char *name, const char *title)
{
    for (int i = 0; i < d->n_policies; i++)
        if (strcmp(d->policies[i].policy, name) == 0)
            return &d->policies[i];
    bf_diff_policy *grown = realloc(d->policies, sizeof *grown * (size_t)(d->n_policies + 1));
    if (!grown)
        return NULL;
    d->policies = grown;
    bf_diff_policy *p = &d->policies[d->n_policies];
    memset(p, 0, sizeof *p);
    p->policy = strdup(name);
    p->title = strdup(title ? title : name);
    if (!p->policy || !p->title) {
        free(p->policy);
        free(p->title);
        return NULL;
    }
    d->n_policies++;
    return p;
}

/* The town entry called name, added when new; NULL when out of memory. */
static bf_diff_town *town_entry(bf_run_diff *d, const char *name)
{
    for (int i = 0; i < d->n_towns; i++)
        if (strcmp(d->towns[i].town, name) == 0)
            return &d->towns[i];
    bf_diff_town *grown = realloc(d->towns, sizeof *grown * (size_t)(d->n_towns + 1));
    if (!grown)
        return NULL;
    d->towns = grown;
    bf_diff_town *t = &d->towns[d->n_towns];
    memset(t, 0, sizeof *t);
    if (!(t->town = strdup(name)))
        return NULL;
    d->n_towns++;
    return t;
}

/* Appends a changed decision to h and counts it for its policy, town and the county. */
static int add_change(bf_run_diff *d, bf_diff_household *h, const row *r, const bf_diff_side *b,
                      const bf_diff_side *a)
{
    bf_diff_change *grown = realloc(h->changes, sizeof *grown * (size_t)(h->n_changes + 1));
    if (!grown)
        return BF_ENOMEM;
    h->changes = grown;
    bf_diff_change *c = &h->changes[h->n_changes++];
    memset(c, 0, sizeof *c);
    bool oom = false;
    c->policy = bf_strdup_opt(r->policy, &oom);
    c->title = bf_strdup_opt(r->title, &oom);
    c->member = bf_strdup_opt(r->member, &oom);
    if (oom || copy_side(&c->before, b) != BF_OK || copy_side(&c->after, a) != BF_OK)
        return BF_ENOMEM;
    bf_diff_policy *p = policy_entry(d, r->policy, r->title);
    bf_diff_town *t = town_entry(d, h->town);
    if (!p || !t)
        return BF_ENOMEM;
    count_change(&p->t, b, a);
    count_change(&t->t, b, a);
    count_change(&d->county, b, a);
    return BF_OK;
}

/* The row of g for the same policy and member as r, not matched yet; NULL when none. */
static row *find_match(group *g, const row *r)
{
    for (int i = 0; i < g->n; i++) {
        row *c = &g->rows[i];
        if (!c->matched && strcmp(c->policy, r->policy) == 0 && bf_str_same(c->member, r->member))
            return c;
    }
    return NULL;
}

/* ---- Causes ---- */

static int add_cause(bf_diff_household *h, bf_cause_kind kind, const char *member,
                     const char *name, const char *old, const char *new_)
{
    for (int i = 0; i < h->n_causes; i++) {      /* each cause once */
        bf_diff_cause *c = &h->causes[i];
        if (c->kind == kind && bf_str_same(c->member, member) && bf_str_same(c->name, name) &&
            bf_str_same(c->old, old) && bf_str_same(c->new_, new_))
            return BF_OK;
    }
    bf_diff_cause *grown = realloc(h->causes, sizeof *grown * (size_t)(h->n_causes + 1));
    if (!grown)
        return BF_ENOMEM;
    h->causes = grown;
    bool oom = false;
    h->causes[h->n_causes++] = (bf_diff_cause){kind, bf_strdup_opt(member, &oom),
        bf_strdup_opt(name, &oom), bf_strdup_opt(old, &oom), bf_strdup_opt(new_, &oom)};
    return oom ? BF_ENOMEM : BF_OK;
}

/* The version of a household a run read: the latest written at or before the households'
 * version the run recorded; 0 when it was not stored then, -1 when the run recorded none. */
static int64_t version_read(const bf_household_version *v, int n, int64_t households_version)
{
    if (households_version < 0)
        return -1;
    int64_t version = 0;
    for (int i = 0; i < n; i++)
        if (v[i].households_version <= households_version)
            version = v[i].version;
    return version;
}

/* The value of member key of a JSON object given as text, or NULL (malloc'd). */
static char *json_member(const bf_json_pairs *obj, const char *key)
{
    int i = bf_json_pairs_find(obj, key, -1);
    if (i < 0 || obj->p[i].kind == BF_JSON_NULL)
        return NULL;
    return obj->p[i].value;
}

/* Adds one cause per field a version changed (old and new swapped when going back in time). */
static int causes_of_version(bf_diff_household *h, const char *changed, bool backwards)
{
    bf_json_pairs items = {0};
    int rc = bf_json_pairs_read(changed, &items);
    for (int i = 0; rc == BF_OK && i < items.n; i++) {
        bf_json_pairs obj = {0};
        rc = bf_json_pairs_read(items.p[i].value, &obj);
        if (rc == BF_OK) {
            const char *old = json_member(&obj, "old"), *new_ = json_member(&obj, "new");
            rc = add_cause(h, BF_CAUSE_RECORD, json_member(&obj, "member"),
                           json_member(&obj, "field"), backwards ? new_ : old,
                           backwards ? old : new_);
        }
        bf_json_pairs_free(&obj);
    }
    bf_json_pairs_free(&items);
    return rc;
}

/* The record's causes: the fields changed by the versions between the two the runs read. */
static int record_causes(walk *w, bf_diff_household *h, bool *found, bool *unknown, bf_errors *errs)
{
    bf_household_version *v;
    int n;
    int rc = bf_store_household_versions(w->s, h->id, &v, &n, errs);
    if (rc != BF_OK)
        return rc;
    int64_t va = version_read(v, n, w->d->from.households_version);
    int64_t vb = version_read(v, n, w->d->to.households_version);
    if (va < 0 || vb < 0)
        *unknown = true;
    else if (va != vb) {
        *found = true;
        bool backwards = vb < va;
        int64_t lo = backwards ? vb : va, hi = backwards ? va : vb;
        if (lo == 0)
            rc = add_cause(h, BF_CAUSE_RECORD, NULL, "household", backwards ? "stored" : NULL,
                           backwards ? NULL : "stored");
        for (int i = 0; rc == BF_OK && i < n; i++)
            if (v[i].version > lo && v[i].version <= hi && v[i].changed)
                rc = causes_of_version(h, v[i].changed, backwards);
    }
    bf_household_versions_free(v, n);
    return rc;
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether household id read the parameter, as one run's tally says (r->known). */
static bool tally_says_read(const reads *r, const char *id)
{
    if (!r->known)
        return false;
    if (r->everyone)
        return true;
    return r->n && bsearch(&id, r->ids, (size_t)r->n, sizeof *r->ids, compare_ids) != NULL;
}

/* Whether a changed decision of h is of a policy that read parameter name in the later run
 * (its run_policies.params_read). */
static bool policy_read(const walk *w, const bf_diff_household *h, const char *name)
{
    char quoted[300];
    snprintf(quoted, sizeof quoted, "\"%s\"", name);
    for (int i = 0; i < h->n_changes; i++)
        for (int p = 0; p < w->n_policy_params; p++)
            if (strcmp(w->d->policies[p].policy, h->changes[i].policy) == 0 &&
                w->policy_params[p] && strstr(w->policy_params[p], quoted))
                return true;
    return false;
}

static int parameter_causes(walk *w, bf_diff_household *h, bool *found)
{
    const bf_run_changes *c = &w->d->between;
    int rc = BF_OK;
    for (int i = 0; rc == BF_OK && i < c->n_params; i++) {
        const reads *a = &w->reads_from[i], *b = &w->reads_to[i];
        /* the household read it (the tally), in a policy whose decision changed */
        bool read = (!a->known && !b->known) || tally_says_read(a, h->id) ||
                    tally_says_read(b, h->id);
        if (read && w->n_policy_params)
            read = policy_read(w, h, c->params[i].name);
        if (read) {
            *found = true;
            rc = add_cause(h, BF_CAUSE_PARAMETER, NULL, c->params[i].name, c->params[i].before,
                           c->params[i].after);
        }
    }
    return rc;
}

static int script_causes(walk *w, bf_diff_household *h, bool *found)
{
    const bf_run_changes *c = &w->d->between;
    int rc = BF_OK;
    for (int i = 0; rc == BF_OK && i < h->n_changes; i++) {
        char file[300];
        snprintf(file, sizeof file, "%s.lua", h->changes[i].policy);
        for (int j = 0; rc == BF_OK && j < c->n_scripts; j++)
            if (strcmp(c->scripts[j], file) == 0) {
                *found = true;
                rc = add_cause(h, BF_CAUSE_SCRIPT, NULL, file, NULL, NULL);
            }
    }
    return rc;
}

/* Why h's decisions changed: its record, the parameters it read, its policies' scripts; else
 * the date alone; else unknown. */
static int find_causes(walk *w, bf_diff_household *h, bf_errors *errs)
{
    bool found = false, unknown = false;
    int rc = record_causes(w, h, &found, &unknown, errs);
    if (rc == BF_OK)
        rc = parameter_causes(w, h, &found);
    if (rc == BF_OK)
        rc = script_causes(w, h, &found);
    if (rc != BF_OK || found)
        return rc;
    if (w->d->between.date_moved && !unknown)
        return add_cause(h, BF_CAUSE_DATE, NULL, NULL, w->d->from.eval_date, w->d->to.eval_date);
    return add_cause(h, BF_CAUSE_UNKNOWN, NULL, NULL, NULL, NULL);
}

/* ---- Walking the households ---- */

static void household_free(bf_diff_household *h)
{
    for (int i = 0; i < h->n_causes; i++) {
        free(h->causes[i].member);
        free(h->causes[i].name);
        free(h->causes[i].old);
        free(h->causes[i].new_);
    }
    free(h->causes);
    for (int i = 0; i < h->n_changes; i++) {
        free(h->changes[i].policy);
        free(h->changes[i].title);
        free(h->changes[i].member);
        bf__diff_side_free(&h->changes[i].before);
        bf__diff_side_free(&h->changes[i].after);
    }
    free(h->changes);
    free(h->id);
    free(h->town);
    free(h->village);
}

static const bf_diff_side not_eligible = {false, 0, NULL, NULL, NULL};

/* Compares one household's decisions (a: run from, b: run to); keeps it when any changed. */
static int compare_household(walk *w, const char *id, group *a, group *b, bf_errors *errs)
{
    bf_diff_household h = {0};
    const row *any = b->n ? &b->rows[0] : &a->rows[0];
    bool oom = false;
    h.id = bf_strdup_opt(id, &oom);
    h.town = bf_strdup_opt(any->town, &oom);
    h.village = bf_strdup_opt(any->village, &oom);
    int rc = oom ? BF_ENOMEM : BF_OK;
    for (int i = 0; rc == BF_OK && i < b->n; i++) {
        row *r = &b->rows[i], *m = find_match(a, r);
        if (m)
            m->matched = true;
        const bf_diff_side *before = m ? &m->side : &not_eligible;
        if (!bf__diff_same_side(before, &r->side))
            rc = add_change(w->d, &h, r, before, &r->side);
    }
    for (int i = 0; rc == BF_OK && i < a->n; i++) {
        row *r = &a->rows[i];
        if (!r->matched && !bf__diff_same_side(&r->side, &not_eligible))
            rc = add_change(w->d, &h, r, &r->side, &not_eligible);
    }
    if (rc == BF_OK && h.n_changes)
        rc = find_causes(w, &h, errs);
    if (rc == BF_OK && h.n_changes) {
        bf_diff_household *grown = realloc(w->d->households,
                                           sizeof *grown * (size_t)(w->d->n_households + 1));
        if (grown) {
            w->d->households = grown;
            w->d->households[w->d->n_households++] = h;
            return BF_OK;
        }
        rc = BF_ENOMEM;
    }
    household_free(&h);
    return rc;
}

/* Reads the decisions of household id from cursor c (positioned on *cur) into g. */
static int read_group(bf_decision_cursor *c, const bf_stored_decision **cur, const char *id,
                      group *g, bf_errors *errs)
{
    group_clear(g);
    while (*cur && strcmp((*cur)->household, id) == 0) {
        int rc = group_add(g, *cur);
        if (rc != BF_OK)
            return rc;
        if ((rc = bf_decision_cursor_next(c, cur, errs)) != BF_OK)
            return rc;
    }
    return BF_OK;
}

/* Walks both runs' decisions, household by household in id order. */
static int walk_households(walk *w, bf_errors *errs)
{
    bf_decision_cursor *ca = NULL, *cb = NULL;
    const bf_stored_decision *da = NULL, *db = NULL;
    group a = {0}, b = {0};
    char id[BF_ID_BYTES];
    int rc = bf_store_decisions_open(w->s, w->d->from.id, &ca, errs);
    if (rc == BF_OK)
        rc = bf_store_decisions_open(w->s, w->d->to.id, &cb, errs);
    if (rc == BF_OK)
        rc = bf_decision_cursor_next(ca, &da, errs);
    if (rc == BF_OK)
        rc = bf_decision_cursor_next(cb, &db, errs);
    while (rc == BF_OK && (da || db)) {
        const char *next = !da ? db->household : !db ? da->household
                         : strcmp(da->household, db->household) <= 0 ? da->household : db->household;
        snprintf(id, sizeof id, "%s", next);
        rc = read_group(ca, &da, id, &a, errs);
        if (rc == BF_OK)
            rc = read_group(cb, &db, id, &b, errs);
        if (rc == BF_OK)
            rc = compare_household(w, id, &a, &b, errs);
    }
    group_clear(&a);
    group_clear(&b);
    free(a.rows);
    free(b.rows);
    bf_decision_cursor_close(ca);
    bf_decision_cursor_close(cb);
    return rc;
}

/* Loads which households read each changed parameter in run run_id (when it kept a tally). */
static int load_reads(bf_store *s, int64_t run_id, const bf_run_changes *c, reads **out,
                      bf_errors *errs)
{
    *out = c->n_params ? calloc((size_t)c->n_params, sizeof **out) : NULL;
    if (c->n_params && !*out)
        return BF_ENOMEM;
    bool recorded;
    int rc = bf_store_run_summary_recorded(s, run_id, &recorded, errs);
    for (int i = 0; rc == BF_OK && recorded && i < c->n_params; i++) {
        reads *r = &(*out)[i];
        bool found;
        r->known = true;
        rc = bf_store_run_reads_get(s, run_id, c->params[i].name, &found, &r->everyone, &r->text,
                                    errs);
        if (rc != BF_OK || !found || r->everyone || !r->text)
            continue;
        for (char *p = r->text; *p; p++)      /* count the lines */
            r->n += *p == '\n' || !p[1];
        if (!(r->ids = malloc(sizeof *r->ids * (size_t)(r->n + 1))))
            return BF_ENOMEM;
        r->n = 0;
        for (char *line = strtok(r->text, "\n"); line; line = strtok(NULL, "\n"))
            r->ids[r->n++] = line;
    }
    return rc;
}

static void free_reads(reads *r, int n)
{
    for (int i = 0; r && i < n; i++) {
        free(r[i].text);
        free(r[i].ids);
    }
    free(r);
}

/* The to run's policies first (their order and titles), with the parameters each read. */
static int load_policies(walk *w, bf_errors *errs)
{
    bf_stored_policy *p;
    int n;
    int rc = bf_store_run_policies(w->s, w->d->to.id, &p, &n, errs);
    if (rc != BF_OK)
        return rc;
    w->policy_params = n ? calloc((size_t)n, sizeof *w->policy_params) : NULL;
    if (n && !w->policy_params)
        rc = BF_ENOMEM;
    for (int i = 0; rc == BF_OK && i < n; i++) {
        if (!policy_entry(w->d, p[i].policy, p[i].title))
            rc = BF_ENOMEM;
        else
            rc = bf_store_run_params_read(w->s, w->d->to.id, p[i].seq, &w->policy_params[i], errs);
    }
    w->n_policy_params = w->policy_params ? n : 0;
    bf_stored_policies_free(p, n);
    return rc;
}

static int compare_towns(const void *a, const void *b)
{
    return strcmp(((const bf_diff_town *)a)->town, ((const bf_diff_town *)b)->town);
}

/* Refuses a run that did not complete: its decisions are not the whole county. */
static int check_completed(bf_store *s, const bf_stored_run *r, bf_errors *errs)
{
    if (strcmp(r->status, "completed") == 0 || strcmp(r->status, "completed_with_errors") == 0)
        return BF_OK;
    return bf_errors_fail(errs, BF_EINPUT, _("%s: run %lld is %s, not completed: its decisions "
                                             "are not the whole county"), bf_store_path(s), (long long)r->id, r->status);
}

int bf_run_diff_compute(bf_store *s, int64_t from, int64_t to, bf_run_diff *out, bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    walk w = {.s = s, .d = out};
    int rc = bf_store_run_get(s, from, &out->from, errs);
    if (rc == BF_OK)
        rc = bf_store_run_get(s, to, &out->to, errs);
    if (rc == BF_OK)
        rc = check_completed(s, &out->from, errs);
    if (rc == BF_OK)
        rc = check_completed(s, &out->to, errs);
    if (rc == BF_OK)
        rc = bf__runlog_compare(s, &out->from, &out->to, &out->between, errs);
    if (rc == BF_OK)
        rc = load_policies(&w, errs);
    if (rc == BF_OK)
        rc = load_reads(s, from, &out->between, &w.reads_from, errs);
    if (rc == BF_OK)
        rc = load_reads(s, to, &out->between, &w.reads_to, errs);
    if (rc == BF_OK)
        rc = walk_households(&w, errs);
    if (rc == BF_OK && out->n_towns > 1)
        qsort(out->towns, (size_t)out->n_towns, sizeof *out->towns, compare_towns);
    free_reads(w.reads_from, out->between.n_params);
    free_reads(w.reads_to, out->between.n_params);
    for (int i = 0; i < w.n_policy_params; i++)
        free(w.policy_params[i]);
    free(w.policy_params);
    if (rc == BF_ENOMEM)
        bf_errors_fail(errs, rc, _("%s: comparing two runs: out of memory"), bf_store_path(s));
    if (rc != BF_OK)
        bf_run_diff_free(out);
    return rc;
}

void bf_run_diff_free(bf_run_diff *d)
{
    bf_stored_run_free(&d->from);
    bf_stored_run_free(&d->to);
    bf__run_changes_free(&d->between);
    for (int i = 0; i < d->n_policies; i++) {
        free(d->policies[i].policy);
        free(d->policies[i].title);
    }
    free(d->policies);
    for (int i = 0; i < d->n_towns; i++)
        free(d->towns[i].town);
    free(d->towns);
    for (int i = 0; i < d->n_households; i++)
        household_free(&d->households[i]);
    free(d->households);
    memset(d, 0, sizeof *d);
}
