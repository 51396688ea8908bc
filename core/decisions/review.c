/* review.c — 数据比对: walks the stored households with their decisions in a run and reports
 * where the records and the rules disagree (core/report/review_report.c renders the findings). */
#include "review.h"
#include "i18n.h"
#include "bangfu.h"
#include "buf.h"
#include "json.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The policies the review compares: those a household's records can name. */
#define POLICY_DIBAO      "dibao"
#define POLICY_TEKUN      "tekun"
#define POLICY_MONITORING "monitoring"
#define TIER_ALERT        "alert"
#define MONITOR_NONE      "none"

#define MAX_RECORDED 64    /* policy ids in one recorded list (the field holds far fewer) */

static const char *const kind_ids[BF_REVIEW__N] = {
    "recorded_not_eligible", "eligible_not_recorded", "monitoring_candidate", "unknown_policy",
    "evaluation_error",
};

static const char *const kind_titles[BF_REVIEW__N] = {
    N_("recorded but not eligible"), N_("eligible but not recorded (possible omission)"),
    N_("new monitoring candidates"), N_("recorded policy unknown"),
    N_("recorded, but the evaluation failed"),
};

const char *bf_review_kind_id(bf_review_kind kind)
{
    return kind < BF_REVIEW__N ? kind_ids[kind] : "?";
}

const char *bf_review_kind_title(bf_review_kind kind)
{
    return kind < BF_REVIEW__N ? _(kind_titles[kind]) : "?";
}

/* ======================================================================== */
/* The comparison                                                           */
/* ======================================================================== */

typedef struct scan {
    const bf_stored_run *run;
    const bf_stored_policy *policies;
    int n_policies;
    bf_review_fn emit;
    void *ctx;
    bf_review_counts *counts;
    bf_buf note;                       /* generated reasons (a JSON array) */
} scan;

/* A recorded list split into unique ids. */
typedef struct recorded_ids {
    char text[BF_RECORDED_BYTES];
    const char *id[MAX_RECORDED];
    int n;
} recorded_ids;

static void split_recorded(const char *recorded, recorded_ids *r)
{
    r->n = 0;
    snprintf(r->text, sizeof r->text, "%s", recorded ? recorded : "");
    char *save = NULL;
    for (char *tok = strtok_r(r->text, " \t", &save); tok && r->n < MAX_RECORDED;
         tok = strtok_r(NULL, " \t", &save)) {
        bool seen = false;
        for (int i = 0; i < r->n && !seen; i++)
            seen = strcmp(r->id[i], tok) == 0;
        if (!seen)
            r->id[r->n++] = tok;
    }
}

static bool is_recorded(const recorded_ids *r, const char *policy)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->id[i], policy) == 0)
            return true;
    return false;
}

static const bf_stored_policy *run_policy(const scan *sc, const char *id)
{
    for (int i = 0; i < sc->n_policies; i++)
        if (strcmp(sc->policies[i].policy, id) == 0)
            return &sc->policies[i];
    return NULL;
}

static int emit(scan *sc, bf_review_kind kind, const bf_run_household *h, const char *policy,
                const char *title, const char *member, const char *reasons_json)
{
    bf_review_row row = {kind, h->id, h->town, h->village, policy, title, member,
                         reasons_json ? reasons_json : "[]"};
    sc->counts->rows[kind]++;
    return sc->emit(sc->ctx, &row);
}

/* Sets sc->note to a one-reason JSON array. */
static const char *note(scan *sc, const char *text)
{
    bf_buf_clear(&sc->note);
    bf_buf_puts(&sc->note, "[");
    bf_buf_json_string(&sc->note, text, strlen(text));
    bf_buf_puts(&sc->note, "]");
    return bf_buf_str(&sc->note);
}

/* A recorded policy: nothing when one of its decisions is eligible, else a finding per decision. */
static int check_recorded(scan *sc, const bf_run_household *h, const char *policy)
{
    char text[512];
    const bf_stored_policy *p = run_policy(sc, policy);
    if (!p) {
        if (sc->run->only)
            snprintf(text, sizeof text, _("run %lld evaluated only %s, not the policy %s"),
                     (long long)sc->run->id, sc->run->only, policy);
        else
            snprintf(text, sizeof text, _("run %lld has no policy %s: the recorded policy id is "
                                          "unknown"),
                     (long long)sc->run->id, policy);
        return emit(sc, BF_REVIEW_UNKNOWN_POLICY, h, policy, NULL, NULL, note(sc, text));
    }
    int found = 0;
    for (int i = 0; i < h->n_decisions; i++)
        if (h->decisions[i].policy_seq == p->seq) {
            if (h->decisions[i].eligible)
                return BF_OK;
            found++;
        }
    if (!found) {
        snprintf(text, sizeof text, _("run %lld stored no decision of this policy for the "
                                      "household (it may have been imported after the run)"),
                 (long long)sc->run->id);
        return emit(sc, BF_REVIEW_RECORDED_NOT_ELIGIBLE, h, policy, p->title, NULL, note(sc, text));
    }
    int rc = BF_OK;
    for (int i = 0; rc == BF_OK && i < h->n_decisions; i++) {
        const bf_stored_decision *d = &h->decisions[i];
        if (d->policy_seq != p->seq)
            continue;
        if (d->error)
            rc = emit(sc, BF_REVIEW_EVALUATION_ERROR, h, policy, p->title, d->member,
                      note(sc, d->error));
        else
            rc = emit(sc, BF_REVIEW_RECORDED_NOT_ELIGIBLE, h, policy, p->title, d->member,
                      d->reasons);
    }
    return rc;
}

static int review_household(scan *sc, const bf_run_household *h)
{
    recorded_ids rec;
    split_recorded(h->recorded, &rec);
    int rc = BF_OK;
    for (int i = 0; rc == BF_OK && i < rec.n; i++)
        rc = check_recorded(sc, h, rec.id[i]);
    for (int i = 0; rc == BF_OK && i < h->n_decisions; i++) {
        const bf_stored_decision *d = &h->decisions[i];
        if (!d->eligible)
            continue;
        if ((strcmp(d->policy, POLICY_DIBAO) == 0 || strcmp(d->policy, POLICY_TEKUN) == 0) &&
            !is_recorded(&rec, d->policy))
            rc = emit(sc, BF_REVIEW_ELIGIBLE_NOT_RECORDED, h, d->policy, d->policy_title,
                      d->member, d->reasons);
        else if (strcmp(d->policy, POLICY_MONITORING) == 0 && d->tier &&
                 strcmp(d->tier, TIER_ALERT) == 0 && strcmp(h->monitor, MONITOR_NONE) == 0)
            rc = emit(sc, BF_REVIEW_MONITORING_CANDIDATE, h, d->policy, d->policy_title,
                      d->member, d->reasons);
    }
    return rc;
}

int bf_review_scan(bf_store *s, const bf_stored_run *run, bf_review_fn emit_fn, void *ctx,
                   bf_review_counts *counts, bf_errors *errs)
{
    memset(counts, 0, sizeof *counts);
    scan sc = {.run = run, .emit = emit_fn, .ctx = ctx, .counts = counts};
    bf_stored_policy *pol;
    int rc = bf_store_run_policies(s, run->id, &pol, &sc.n_policies, errs);
    if (rc != BF_OK)
        return rc;
    sc.policies = pol;
    bf_household_cursor *cur = NULL;
    rc = bf_store_run_households_open(s, run->id, &cur, errs);
    const bf_run_household *h;
    while (rc == BF_OK && (rc = bf_household_cursor_next(cur, &h, errs)) == BF_OK && h) {
        counts->households++;
        rc = review_household(&sc, h);
        if (rc == BF_OK && sc.note.oom)
            rc = BF_ENOMEM;
        if (rc != BF_OK)                 /* the store's failures say themselves, in errs */
            bf_errors_add(errs, "%s", bf_strerror(rc));
    }
    bf_household_cursor_close(cur);
    bf_stored_policies_free(pol, sc.n_policies);
    bf_buf_free(&sc.note);
    return rc;
}
