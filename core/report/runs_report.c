/* runs_report.c — bangfu runs: every stored run, its totals and what differs from the run before;
 * bangfu history: one household's versions and decisions over the runs. */
#include "runs_report.h"
#include "bangfu.h"
#include "json.h"
#include "money.h"

#include <inttypes.h>
#include <string.h>

void bf__report_json_text(bf_buf *b, const char *s)
{
    if (s)
        bf_buf_json_string(b, s, strlen(s));
    else
        bf_buf_puts(b, "null");
}

void bf__report_json_field(bf_buf *b, const char *key, const char *s)
{
    bf_buf_printf(b, ",\"%s\":", key);
    bf__report_json_text(b, s);
}

/* Appends a parameter value as the run recorded it: a number as written, else a string. */
static void json_value(bf_buf *b, const char *v)
{
    double x;
    if (v && bf_number_parse(v, &x) == BF_OK)
        bf_buf_puts(b, v);
    else
        bf__report_json_text(b, v);
}

void bf__report_run_changes_json(bf_buf *b, const bf_run_changes *c)
{
    bf_buf_printf(b, "\"date_moved\":%s,\"scripts_changed\":[", c->date_moved ? "true" : "false");
    for (int i = 0; i < c->n_scripts; i++) {
        if (i)
            bf_buf_puts(b, ",");
        bf__report_json_text(b, c->scripts[i]);
    }
    bf_buf_puts(b, "],\"parameters_changed\":[");
    for (int i = 0; i < c->n_params; i++) {
        bf_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        bf__report_json_text(b, c->params[i].name);
        bf_buf_puts(b, ",\"before\":");
        json_value(b, c->params[i].before);
        bf_buf_puts(b, ",\"after\":");
        json_value(b, c->params[i].after);
        bf_buf_puts(b, "}");
    }
    if (c->versions_known)
        bf_buf_printf(b, "],\"households_added\":%" PRId64 ",\"households_reimported\":%" PRId64,
                      c->households_added, c->households_reimported);
    else
        bf_buf_puts(b, "],\"households_added\":null,\"households_reimported\":null");
}

static void json_since(bf_buf *b, const bf_run_entry *e)
{
    bf_buf_printf(b, "{\"run\":%" PRId64 ",", e->previous);
    bf__report_run_changes_json(b, &e->changes);
    bf_buf_puts(b, "}");
}

static bf_fen total_amount(const bf_run_entry *e)
{
    bf_fen total = 0;
    for (int i = 0; i < e->n_policies; i++)
        total += e->policies[i].amount_fen;
    return total;
}

static void json_run(bf_buf *b, const bf_run_entry *e)
{
    const bf_stored_run *r = &e->run;
    bf_buf_printf(b, "{\"run\":%" PRId64 ",\"date\":", r->id);
    bf__report_json_text(b, r->eval_date);
    bf__report_json_field(b, "status", r->status);
    bf__report_json_field(b, "started", r->started);
    bf__report_json_field(b, "ended", r->finished);
    bf_buf_printf(b, ",\"households\":%" PRId64 ",\"evaluations\":%" PRId64 ",\"errors\":%" PRId64
                  ",\"jobs\":%d,\"reused_from\":", r->households, r->evaluations, r->errors, r->jobs);
    if (r->reused_from)
        bf_buf_printf(b, "%" PRId64, r->reused_from);
    else
        bf_buf_puts(b, "null");
    bf_buf_printf(b, ",\"reused\":%" PRId64 ",\"only\":", r->reused);
    bf__report_json_text(b, r->only);
    bf_buf_puts(b, ",\"policies\":[");
    for (int i = 0; i < e->n_policies; i++) {
        const bf_stored_policy *p = &e->policies[i];
        bf_buf_puts(b, i ? ",{\"policy\":" : "{\"policy\":");
        bf__report_json_text(b, p->policy);
        bf__report_json_field(b, "title", p->title);
        bf_buf_printf(b, ",\"households\":%" PRId64 ",\"members\":%" PRId64 ",\"amount\":",
                      p->households, p->members);
        bf_buf_json_money(b, p->amount_fen);
        bf_buf_printf(b, ",\"errors\":%" PRId64 "}", p->errors);
    }
    bf_buf_puts(b, "],\"amount\":");
    bf_buf_json_money(b, total_amount(e));
    bf_buf_puts(b, ",\"since\":");
    if (e->previous)
        json_since(b, e);
    else
        bf_buf_puts(b, "null");
    bf_buf_puts(b, "}");
}

void bf_report_runs_json(bf_buf *out, const bf_run_entry *runs, int n)
{
    bf_buf_puts(out, "{\"runs\":[");
    for (int i = 0; i < n; i++) {
        if (i)
            bf_buf_puts(out, ",\n");
        json_run(out, &runs[i]);
    }
    bf_buf_puts(out, "]}\n");
}

/* What differs from the run before, one line each. */
static void text_since(FILE *out, const bf_run_entry *e, const bf_run_entry *prev)
{
    const bf_run_changes *c = &e->changes;
    fprintf(out, "  since run %" PRId64 ":\n", e->previous);
    if (c->date_moved)
        fprintf(out, "    evaluation date %s → %s\n", prev->run.eval_date, e->run.eval_date);
    if (c->n_scripts) {
        fprintf(out, "    files whose sha256 changed:");
        for (int i = 0; i < c->n_scripts; i++)
            fprintf(out, " %s", c->scripts[i]);
        fputc('\n', out);
    }
    for (int i = 0; i < c->n_params; i++)
        fprintf(out, "    parameter %s: %s → %s\n", c->params[i].name,
                c->params[i].before ? c->params[i].before : "(none)",
                c->params[i].after ? c->params[i].after : "(none)");
    if (!c->versions_known)
        fprintf(out, "    households imported since: not known (a run made before bangfu "
                     "recorded the households' version)\n");
    else if (c->households_added || c->households_reimported)
        fprintf(out, "    households imported since: %" PRId64 " new, %" PRId64
                     " imported again with changed fields\n",
                c->households_added, c->households_reimported);
    if (!c->date_moved && !c->n_scripts && !c->n_params && c->versions_known &&
        !c->households_added && !c->households_reimported)
        fprintf(out, "    nothing changed: the same date, files, parameter values and "
                     "households\n");
}

static void text_policies(FILE *out, const bf_run_entry *e)
{
    if (!e->n_policies) {
        fprintf(out, "  no totals (the run did not finish)\n");
        return;
    }
    fprintf(out, "  %-20s %10s %8s %16s %7s  %s\n", "policy", "households", "members",
            "yuan/year", "errors", "title");
    for (int i = 0; i < e->n_policies; i++) {
        const bf_stored_policy *p = &e->policies[i];
        char yuan[BF_MONEY_STRLEN];
        bf_money_format(p->amount_fen, yuan);
        fprintf(out, "  %-20s %10" PRId64 " %8" PRId64 " %16s %7" PRId64 "  %s\n", p->policy,
                p->households, p->members, yuan, p->errors, p->title);
    }
    char yuan[BF_MONEY_STRLEN];
    bf_money_format(total_amount(e), yuan);
    fprintf(out, "  %-20s %10s %8s %16s\n", "total", "", "", yuan);
}

void bf_report_runs_text(FILE *out, const bf_run_entry *runs, int n)
{
    if (n == 0) {
        fprintf(out, "no runs stored (run `bangfu run` first)\n");
        return;
    }
    for (int i = 0; i < n; i++) {
        const bf_stored_run *r = &runs[i].run;
        if (i)
            fputc('\n', out);
        fprintf(out, "run %" PRId64 " · date %s · %s · started %s · ended %s · %" PRId64
                     " households%s%s\n", r->id, r->eval_date, r->status, r->started,
                r->finished ? r->finished : "-", r->households, r->only ? " · only " : "",
                r->only ? r->only : "");
        if (r->reused_from)
            fprintf(out, "  took over the decisions of %" PRId64 " households from run %" PRId64
                         " (unchanged since); evaluated %" PRId64 "\n", r->reused, r->reused_from,
                    r->households - r->reused);
        text_policies(out, &runs[i]);
        if (runs[i].previous)
            text_since(out, &runs[i], &runs[i - 1]);
    }
}

/* ---- bangfu history: one household over time ---- */

static void json_history_decision(bf_buf *b, const bf_history_decision *d)
{
    bf_buf_puts(b, "{\"policy\":");
    bf__report_json_text(b, d->policy);
    bf__report_json_field(b, "title", d->title);
    bf__report_json_field(b, "member", d->member);
    bf_buf_printf(b, ",\"eligible\":%s,\"amount\":", d->side.eligible ? "true" : "false");
    bf_buf_json_money(b, d->side.amount);
    bf__report_json_field(b, "tier", d->side.tier);
    bf__report_json_field(b, "error", d->side.error);
    bf_buf_puts(b, ",\"reasons\":");
    bf_buf_puts(b, d->side.reasons ? d->side.reasons : "[]");
    bf_buf_printf(b, ",\"changed\":%s}", d->changed ? "true" : "false");
}

void bf_report_history_json(bf_buf *b, const bf_household_history *h)
{
    bf_buf_puts(b, "{\"household\":");
    bf__report_json_text(b, h->id);
    bf__report_json_field(b, "town", h->town);
    bf__report_json_field(b, "village", h->village);
    bf_buf_puts(b, ",\"versions\":[");
    for (int i = 0; i < h->n_versions; i++) {
        const bf_household_version *v = &h->versions[i];
        bf_buf_printf(b, "%s{\"version\":%" PRId64 ",\"imported\":", i ? "," : "", v->version);
        bf__report_json_text(b, v->imported);
        bf__report_json_field(b, "source", v->source);
        bf_buf_puts(b, ",\"changed\":");
        bf_buf_puts(b, v->changed ? v->changed : "null");
        bf_buf_printf(b, ",\"current\":%s}", v->current ? "true" : "false");
    }
    bf_buf_puts(b, "],\"runs\":[");
    for (int i = 0; i < h->n_runs; i++) {
        const bf_history_run *r = &h->runs[i];
        bf_buf_printf(b, "%s\n{\"run\":%" PRId64 ",\"date\":", i ? "," : "", r->run.id);
        bf__report_json_text(b, r->run.eval_date);
        bf__report_json_field(b, "status", r->run.status);
        if (r->version >= 0)
            bf_buf_printf(b, ",\"version\":%" PRId64, r->version);
        else
            bf_buf_puts(b, ",\"version\":null");
        bf_buf_puts(b, ",\"decisions\":[");
        for (int k = 0; k < r->n_decisions; k++) {
            if (k)
                bf_buf_puts(b, ",");
            json_history_decision(b, &r->decisions[k]);
        }
        bf_buf_puts(b, "]}");
    }
    bf_buf_puts(b, "]}\n");
}

/* One version's changes as "field old → new; …" (members named). */
static void text_version_changes(FILE *out, const char *changed)
{
    bf_json_pairs items = {0};
    if (bf_json_pairs_read(changed, &items) != BF_OK) {
        fprintf(out, " %s", changed);
        bf_json_pairs_free(&items);
        return;
    }
    for (int i = 0; i < items.n; i++) {
        bf_json_pairs c = {0};
        if (bf_json_pairs_read(items.p[i].value, &c) == BF_OK) {
            int m = bf_json_pairs_find(&c, "member", -1), f = bf_json_pairs_find(&c, "field", -1);
            int o = bf_json_pairs_find(&c, "old", -1), n = bf_json_pairs_find(&c, "new", -1);
            const char *old = o >= 0 && c.p[o].kind != BF_JSON_NULL ? c.p[o].value : "(none)";
            const char *new_ = n >= 0 && c.p[n].kind != BF_JSON_NULL ? c.p[n].value : "(none)";
            if (m >= 0 && f >= 0 && strcmp(c.p[f].value, "member") == 0)
                fprintf(out, "\n      member %s %s", c.p[m].value, n >= 0 &&
                        c.p[n].kind != BF_JSON_NULL ? "added" : "removed");
            else
                fprintf(out, "\n      %s%s%s%s: %s → %s", m >= 0 ? "member " : "",
                    m >= 0 ? c.p[m].value : "", m >= 0 ? " " : "", f >= 0 ? c.p[f].value : "?",
                    old, new_);
        }
        bf_json_pairs_free(&c);
    }
    bf_json_pairs_free(&items);
}

static void text_history_decision(FILE *out, const bf_history_decision *d)
{
    char yuan[BF_MONEY_STRLEN];
    bf_money_format(d->side.amount, yuan);
    fprintf(out, "  %s %s%s%s  ", d->changed ? "*" : " ", d->title, d->member ? " · " : "",
            d->member ? d->member : "");
    if (d->side.error)
        fprintf(out, "评估出错：%s\n", d->side.error);
    else if (!d->side.eligible)
        fprintf(out, "不符合\n");
    else
        fprintf(out, "符合 %s 元%s%s%s\n", yuan, d->side.tier ? "（" : "",
                d->side.tier ? d->side.tier : "", d->side.tier ? "）" : "");
}

void bf_report_history_text(FILE *out, const bf_household_history *h)
{
    fprintf(out, "household %s%s%s%s%s\n", h->id, *h->town ? " · " : " (no longer stored)",
            h->town, *h->village ? " " : "", h->village);
    fprintf(out, "\nversions:\n");
    if (!h->n_versions)
        fprintf(out, "  none recorded\n");
    for (int i = 0; i < h->n_versions; i++) {
        const bf_household_version *v = &h->versions[i];
        fprintf(out, "  %" PRId64 "  imported %s from %s%s", v->version,
                v->imported ? v->imported : "(before versions were kept)",
                v->source ? v->source : "(file not known)", v->current ? " (stored now)" : "");
        if (v->changed)
            text_version_changes(out, v->changed);
        fputc('\n', out);
    }
    fprintf(out, "\nruns (* changed since the run before):\n");
    if (!h->n_runs)
        fprintf(out, "  no completed run\n");
    for (int i = 0; i < h->n_runs; i++) {
        const bf_history_run *r = &h->runs[i];
        fprintf(out, "run %" PRId64 " · date %s · ", r->run.id, r->run.eval_date);
        if (r->version > 0)
            fprintf(out, "version %" PRId64 "\n", r->version);
        else
            fprintf(out, "%s\n", r->version == 0 ? "not stored then" : "version not known");
        if (!r->n_decisions)
            fprintf(out, "    no decision stored (eligible for nothing)\n");
        for (int k = 0; k < r->n_decisions; k++)
            text_history_decision(out, &r->decisions[k]);
    }
}
