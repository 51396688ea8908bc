/* report.c — JSON and text renderings of decisions. */
#include "report.h"
#include "bangfu.h"
#include "explain.h"
#include "html.h"
#include "i18n.h"
#include "params.h"
#include "simulate.h"
#include "whatif_report.h"

#include <stdlib.h>
#include <string.h>

static void json_text_or_null(bf_buf *out, const char *s)
{
    if (s)
        bf_buf_json_string(out, s, strlen(s));
    else
        bf_buf_puts(out, "null");
}

void bf__report_decision_fields(bf_buf *out, const bf_policy *p, const bf_household *h,
                               const bf_result *r, const bf_decision *d)
{
    bf_buf_puts(out, "\"policy\":");
    bf_buf_json_string(out, p->id, strlen(p->id));
    bf_buf_puts(out, ",\"member\":");
    json_text_or_null(out, d->member >= 0 ? h->members[d->member].id : NULL);
    bf_buf_printf(out, ",\"eligible\":%s,\"amount\":", d->eligible ? "true" : "false");
    bf_buf_json_money(out, d->amount);
    const char *tier = bf_result_text(r, d->tier);
    bf_buf_puts(out, ",\"tier\":");
    json_text_or_null(out, tier);
    bf_buf_puts(out, ",\"tier_label\":");            /* the words the script gives the code */
    json_text_or_null(out, bf_policy_tier_label(p, tier));
    const char *reasons = bf_result_text(r, d->reasons);
    const char *details = bf_result_text(r, d->details);
    bf_buf_printf(out, ",\"reasons\":%s,\"details\":%s", reasons ? reasons : "[]",
                  details ? details : "{}");
    if (d->failed) {
        bf_buf_puts(out, ",\"error\":");
        json_text_or_null(out, bf_result_text(r, d->error));
    }
}

/* The decision's fields, and with explain the law and the parameters behind it. */
static void decision_json(bf_buf *out, const bf_engine *e, const bf_policy *p,
                          const bf_household *h, bf_date date, const bf_result *r,
                          const bf_decision *d, bool explain)
{
    bf__report_decision_fields(out, p, h, r, d);
    if (!explain)
        return;
    bf__explain_policy_json(out, p);
    bf_buf_puts(out, ",\"params\":");
    bf__explain_params_json(out, bf_engine_params(e), date, bf_result_text(r, d->params_read));
    bf_buf_puts(out, ",\"trace\":");
    json_text_or_null(out, bf_result_text(r, d->trace));
}

/* {"NAME":{"in_force":551,"value":700[,"applies":false]},…}: each override against the value
 * in force (null when none is); applies only where it does not (a later from date). */
static void json_scenario_values(bf_buf *out, const bf_sim_scenario *sc)
{
    bf_buf_puts(out, "{");
    for (int i = 0; i < sc->n_sets; i++) {
        const bf_override_effect *fx = &sc->effects[i];
        bf_buf_puts(out, i ? "," : "");
        bf_buf_json_string(out, sc->sets[i].name, strlen(sc->sets[i].name));
        bf_buf_printf(out, ":{\"in_force\":%s,\"value\":%s,\"applies\":%s}",
                      fx->in_force ? fx->in_force : "null", sc->sets[i].text,
                      fx->applies ? "true" : "false");
    }
    bf_buf_puts(out, "}");
}

/* "dibao.standard: 551 → 700, …" — each override with the value in force, in the user's
 * language, into out (cut short when it does not fit). */
static void scenario_values(char *out, size_t size, const bf_sim_scenario *sc)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < sc->n_sets && used < size; i++) {
        const bf_override_effect *fx = &sc->effects[i];
        const char *in_force = fx->in_force ? fx->in_force : _("(no value in force)");
        int n = i ? snprintf(out + used, size - used, "%s", _(", ")) : 0;
        used += n > 0 ? (size_t)n : 0;
        if (used >= size)
            break;
        if (fx->applies)
            n = snprintf(out + used, size - used, _("%s: %s → %s"), sc->sets[i].name, in_force,
                         sc->sets[i].text);
        else
            n = snprintf(out + used, size - used,
                         _("%s: %s → %s (not in force on the evaluation date)"), sc->sets[i].name,
                         in_force, sc->sets[i].text);
        used += n > 0 ? (size_t)n : 0;
    }
}


void bf_report_household_json(bf_buf *out, const bf_engine *e, const bf_household *h,
                              bf_date date, const bf_result *r, bool explain,
                              const bf_sim_scenario *sc)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    char d[BF_DATE_STRLEN];
    bf_date_format(date, d);
    bf_buf_puts(out, "{\"household\":");
    bf_buf_json_string(out, h->id, strlen(h->id));
    bf_buf_printf(out, ",\"date\":\"%s\",", d);
    if (sc && sc->n_sets) {
        bf_buf_puts(out, "\"hypothetical\":true,\"scenario\":");
        json_scenario_values(out, sc);
        bf_buf_puts(out, ",");
    }
    bf_buf_puts(out, "\"decisions\":[");
    bool first = true;
    for (int i = 0; i < r->n; i++) {
        const bf_decision *dec = &r->d[i];
        if (!pol[dec->policy].reported)
            continue;
        bf_buf_puts(out, first ? "\n  {" : ",\n  {");
        first = false;
        decision_json(out, e, &pol[dec->policy], h, date, r, dec, explain);
        bf_buf_puts(out, "}");
    }
    bf_buf_puts(out, "\n]}\n");
}

/* Prints a JSON array of strings as indented lines ("- reason"). */
static void print_reason_lines(FILE *out, const char *json, const char *indent)
{
    if (!json)
        return;
    /* the array holds only strings we escaped ourselves: unescape \" \\ \n \t \uXXXX(<0x20) */
    const char *p = json;
    while ((p = strchr(p, '"'))) {
        fprintf(out, "%s- ", indent);
        for (p++; *p && *p != '"'; p++) {
            if (*p != '\\') {
                fputc(*p, out);
                continue;
            }
            p++;
            if (*p == 'n') fputs(" ", out);
            else if (*p == 't') fputc('\t', out);
            else if (*p == 'u') p += 4;
            else if (*p) fputc(*p, out);
        }
        fputc('\n', out);
        if (*p)
            p++;
    }
}

/* s as bf_buf_visible shows it, in b (reused) (a record's id or a script's message). */
static const char *visible(bf_buf *b, const char *s)
{
    bf_buf_clear(b);
    bf_buf_visible(b, s, strlen(s));
    return bf_buf_str(b);
}

void bf_report_household_text(FILE *out, const bf_engine *e, const bf_household *h, bf_date date,
                              const bf_result *r, bool explain, const bf_sim_scenario *sc)
{
    bf_buf shown = {0};
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    char d[BF_DATE_STRLEN];
    bf_date_format(date, d);
    if (sc && sc->n_sets) {
        char values[2048];
        scenario_values(values, sizeof values, sc);
        fprintf(out, _("what-if: the amounts below are computed with values tried, they are not the "
                       "decisions in force. Values tried: %s\n"), values);
    }
    fprintf(out, _("household %s (%s %s), %d members, evaluation date %s\n"), visible(&shown, h->id),
            h->town, h->village, h->n_members, d);
    int last_policy = -1;
    for (int i = 0; i < r->n; i++) {
        const bf_decision *dec = &r->d[i];
        const bf_policy *p = &pol[dec->policy];
        if (!p->reported)
            continue;
        if (dec->policy != last_policy) {
            fprintf(out, _("\n%s (%s)\n"), p->title, p->id);
            if (explain)
                bf__explain_policy_text(out, "  ", p);
            last_policy = dec->policy;
        }
        const char *indent = "  ";
        if (dec->member >= 0) {
            const bf_member *m = &h->members[dec->member];
            if (m->name[0])
                fprintf(out, _("  member %s %s: "), m->id, m->name);
            else
                fprintf(out, _("  member %s: "), m->id);
            indent = "    ";
        } else {
            fputs("  ", out);
        }
        if (dec->failed) {
            fprintf(out, _("error: %s\n"), visible(&shown, bf_result_text(r, dec->error)));
            continue;
        }
        char amount[BF_MONEY_STRLEN];
        bf_money_format(dec->amount, amount);
        const char *tier = bf_result_text(r, dec->tier);
        if (bf_policy_tier_label(p, tier))
            tier = bf_policy_tier_label(p, tier);
        if (dec->eligible && tier)
            fprintf(out, _("eligible, %s yuan a year (%s)\n"), amount, tier);
        else if (dec->eligible)
            fprintf(out, _("eligible, %s yuan a year\n"), amount);
        else
            fputs(_("not eligible\n"), out);
        print_reason_lines(out, bf_result_text(r, dec->reasons), indent);
        if (explain) {
            const char *trace = bf_result_text(r, dec->trace);
            bf__explain_params_text(out, indent, bf_engine_params(e), date,
                                   bf_result_text(r, dec->params_read));
            if (trace && *trace)
                fprintf(out, _("%sprinted: %s"), indent, trace);
        }
    }
    bf_buf_free(&shown);
}

/* ---- simulate ---- */

static void json_totals(bf_buf *out, const char *key, int64_t households, int64_t members,
                        bf_fen amount)
{
    bf_buf_printf(out, "\"%s\":{\"households\":%lld,\"members\":%lld,\"amount\":", key,
                  (long long)households, (long long)members);
    bf_buf_json_money(out, amount);
    bf_buf_puts(out, "}");
}

static void json_pair(bf_buf *out, const bf_totals *b, const bf_totals *s, bool delta)
{
    json_totals(out, "baseline", b->households, b->members, b->amount);
    bf_buf_puts(out, ",");
    json_totals(out, "scenario", s->households, s->members, s->amount);
    if (delta) {
        bf_buf_puts(out, ",");
        json_totals(out, "delta", s->households - b->households, s->members - b->members,
                    s->amount - b->amount);
    }
}

void bf_report_simulation_json(bf_buf *out, const bf_engine *e, const bf_sim_result *r,
                               bf_date date, const bf_sim_scenario *sc)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    char d[BF_DATE_STRLEN];
    bf_date_format(date, d);
    bf_buf_printf(out, "{\"date\":\"%s\",\"scenario\":{\"name\":", d);
    bf_buf_json_string(out, sc->name, strlen(sc->name));
    bf_buf_puts(out, ",\"set\":{");
    for (int i = 0; i < sc->n_sets; i++) {
        bf_buf_puts(out, i ? "," : "");
        bf_buf_json_string(out, sc->sets[i].name, strlen(sc->sets[i].name));
        bf_buf_printf(out, ":%s", sc->sets[i].text);
    }
    bf_buf_puts(out, "},\"values\":");
    json_scenario_values(out, sc);
    bf_buf_puts(out, "},\n\"warnings\":[");
    for (int i = 0; i < r->warnings.count; i++) {
        bf_buf_puts(out, i ? "," : "");
        bf_buf_json_string(out, r->warnings.msgs[i], strlen(r->warnings.msgs[i]));
    }
    bf_buf_puts(out, "],\n\"policies\":[");
    bool first = true;
    for (int k = 0; k < n; k++) {
        if (!pol[k].reported)
            continue;
        const bf_sim_policy *p = &r->policies[k];
        bf_buf_puts(out, first ? "\n  {\"policy\":" : ",\n  {\"policy\":");
        first = false;
        bf_buf_json_string(out, pol[k].id, strlen(pol[k].id));
        bf_buf_printf(out, ",\"reevaluated\":%s,\"unit\":\"%s\",", p->reevaluated ? "true" : "false",
                      bf__wi_unit(&pol[k]));
        json_pair(out, &p->baseline, &p->scenario, true);
        bf_buf_printf(out, ",\"gained\":%lld,\"lost\":%lld,\"raised\":%lld,\"cut\":%lld}",
                      (long long)p->gained, (long long)p->lost, (long long)p->raised, (long long)p->cut);
    }
    bf_buf_puts(out, "],\n\"towns\":[");
    first = true;
    for (int t = 0; t < r->n_towns; t++)
        for (int k = 0; k < n; k++) {
            if (!pol[k].reported)
                continue;
            bf_buf_puts(out, first ? "\n  {\"town\":" : ",\n  {\"town\":");
            first = false;
            bf_buf_json_string(out, r->towns[t].town, strlen(r->towns[t].town));
            bf_buf_puts(out, ",\"policy\":");
            bf_buf_json_string(out, pol[k].id, strlen(pol[k].id));
            bf_buf_puts(out, ",");
            json_pair(out, &r->towns[t].baseline[k], &r->towns[t].scenario[k], false);
            bf__wi_json_town_policy(out, &pol[k], &r->towns[t].counts[k]);
            bf_buf_puts(out, "}");
        }
    bf_buf_printf(out, "],\n\"changed\":{\"total\":%lld,\"rows\":[", (long long)r->changed_total);
    for (int i = 0; i < r->n_changes; i++) {
        const bf_sim_change *c = &r->changes[i];
        bf_buf_puts(out, i ? ",\n  {\"household\":" : "\n  {\"household\":");
        bf_buf_json_string(out, c->household, strlen(c->household));
        bf_buf_puts(out, ",\"policy\":");
        bf_buf_json_string(out, pol[c->policy].id, strlen(pol[c->policy].id));
        bf_buf_puts(out, ",\"member\":");
        if (*c->member)
            bf_buf_json_string(out, c->member, strlen(c->member));
        else
            bf_buf_puts(out, "null");
        bf_buf_puts(out, ",");
        bf__wi_json_side(out, "before", c->before_eligible, c->before_amount, c->before_tier,
                         &pol[c->policy], NULL);
        bf_buf_puts(out, ",");
        bf__wi_json_side(out, "after", c->after_eligible, c->after_amount, c->after_tier,
                         &pol[c->policy], NULL);
        bf_buf_puts(out, "}");
    }
    bf_buf_puts(out, "]}");
    bf__wi_json(out, e, r);
    bf_buf_puts(out, "}\n");
}

static void money_text(char out[BF_MONEY_STRLEN], bf_fen fen)
{
    bf_money_format(fen, out);
}

/* One row of simulate's per-policy table, its columns as the heading lays them out. */
static void sim_row(FILE *out, const char *policy, const char *re, const char *households,
                    const char *before, const char *after, const char *unit, const char *gained,
                    const char *lost, const char *raised, const char *cut, const char *title)
{
    const char *cells[] = {policy, re, households, before, after, unit, gained, lost, raised, cut};
    static const int widths[] = {-20, 4, 24, 21, 16, 10, 7, 7, 7, 7};
    int last = 9;                      /* no padding after the last cell with text */
    while (!*title && last > 0 && !*cells[last])
        last--;
    for (int i = 0; i <= last; i++) {
        if (i)
            fputc(' ', out);
        bf_fput_cell(out, cells[i], widths[i] < 0 ? -widths[i] : widths[i], widths[i] > 0);
    }
    fprintf(out, "%s%s\n", *title ? "  " : "", title);
}

void bf_report_simulation_text(FILE *out, const bf_engine *e, const bf_sim_result *r,
                               bf_date date, const bf_sim_scenario *sc)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    char d[BF_DATE_STRLEN];
    bf_date_format(date, d);
    if (*sc->name)
        fprintf(out, _("simulation (what-if) “%s” · date %s · %lld households · %.2f s\n"),
                sc->name, d, (long long)r->households, r->seconds);
    else
        fprintf(out, _("simulation (what-if) · date %s · %lld households · %.2f s\n"), d,
                (long long)r->households, r->seconds);
    char values[2048];
    scenario_values(values, sizeof values, sc);
    fprintf(out, _("scenario: %s"), values);
    for (int i = 0; i < r->warnings.count; i++)
        fprintf(out, _("\nnote: %s"), r->warnings.msgs[i]);
    fputs("\n\n", out);
    /* TRANSLATORS: the headings of simulate's per-policy table; "re?" says whether the policy
     * was evaluated again */
    sim_row(out, _("policy"), _("re?"), _("households before→after"), _("yuan/year before"),
            _("yuan/year after"), _("unit"), _("gained"), _("lost"), _("raised"), _("cut"), _("title"));
    bf_fen total_b = 0, total_s = 0;
    for (int k = 0; k < n; k++) {
        if (!pol[k].reported)
            continue;
        const bf_sim_policy *p = &r->policies[k];
        char b[BF_MONEY_STRLEN], s[BF_MONEY_STRLEN], hh[48], g[24], l[24], ra[24], c[24];
        money_text(b, p->baseline.amount);
        money_text(s, p->scenario.amount);
        snprintf(hh, sizeof hh, "%lld→%lld", (long long)p->baseline.households,
                 (long long)p->scenario.households);
        snprintf(g, sizeof g, "%lld", (long long)p->gained);
        snprintf(l, sizeof l, "%lld", (long long)p->lost);
        snprintf(ra, sizeof ra, "%lld", (long long)p->raised);
        snprintf(c, sizeof c, "%lld", (long long)p->cut);
        sim_row(out, pol[k].id, p->reevaluated ? _("yes") : _("no"), hh, b, s, bf__wi_unit_words(&pol[k]),
                g, l, ra, c, pol[k].title);
        total_b += p->baseline.amount;
        total_s += p->scenario.amount;
    }
    char b[BF_MONEY_STRLEN], s[BF_MONEY_STRLEN], dl[BF_MONEY_STRLEN];
    money_text(b, total_b);
    money_text(s, total_s);
    money_text(dl, total_s - total_b);
    sim_row(out, _("total"), "", "", b, s, "", "", "", "", "", "");
    fputs(_("(gained, lost, raised and cut count in each policy's unit: households for a policy "
            "decided per household, persons for one decided per person; a household that moves "
            "from one policy to another counts as lost in the first and gained in the second: "
            "the net change per household follows below)\n"), out);
    fprintf(out, _("\nchange of the yearly amount (delta): %s yuan\nhouseholds whose yearly total "
                   "rises: %lld, falls: %lld, stays the same: %lld\n"),
            dl, (long long)r->view.better, (long long)r->view.worse,
            (long long)(r->households - r->view.better - r->view.worse));
    if (r->changed_total > r->n_changes)
        fprintf(out, _("\nchanged decisions: %lld (only the first are listed, see --limit)\n"),
                (long long)r->changed_total);
    else
        fprintf(out, _("\nchanged decisions: %lld\n"), (long long)r->changed_total);
    for (int i = 0; i < r->n_changes; i++) {
        const bf_sim_change *c = &r->changes[i];
        money_text(b, c->before_amount);
        money_text(s, c->after_amount);
        fprintf(out, "  %s%s%s %-18s %s %s %s → %s %s %s\n", c->household, *c->member ? " " : "",
                c->member, pol[c->policy].id, c->before_eligible ? _("eligible") : _("not eligible"),
                b, bf_policy_tier_words(&pol[c->policy], c->before_tier),
                c->after_eligible ? _("eligible") : _("not eligible"), s,
                bf_policy_tier_words(&pol[c->policy], c->after_tier));
    }
    bf__wi_text(out, e, r);
}

/* ---- simulate as HTML ---- */

static void scaled(char out[BF_HTML_NUMLEN], int64_t v, int decimals)
{
    bf_html_format_scaled(v, decimals, out);
}

/* The scenario's facts: date, households, the changed values, the baseline used, the cost. */
static int sim_facts(bf_html *page, const bf_sim_result *r, bf_date date, const bf_sim_scenario *sc,
                     bf_fen total_b, bf_fen total_s)
{
    char d[BF_DATE_STRLEN], n[32], sets[1024] = "", base[96], delta[BF_HTML_NUMLEN + 8];
    bf_date_format(date, d);
    snprintf(n, sizeof n, "%lld", (long long)r->households);
    scenario_values(sets, sizeof sets, sc);
    if (r->baseline_run)
        snprintf(base, sizeof base, _("stored run %lld"), (long long)r->baseline_run);
    else
        snprintf(base, sizeof base, "%s", _("evaluated by this command"));
    char num[BF_HTML_NUMLEN];
    scaled(num, total_s - total_b, 2);
    snprintf(delta, sizeof delta, _("%s yuan"), num);
    const char *pairs[] = {_("evaluation date"), d, _("households"), n, _("values changed"), sets,
                           _("baseline"), base, _("change of the yearly amount"), delta};
    return bf_html_facts(page, pairs, 5);
}

static int sim_policy_table(bf_html *page, const bf_policy *pol, int n, const bf_sim_result *r)
{
    const bf_html_column cols[] = {
        {"policy", _("policy"), false}, {"reevaluated", _("evaluated again"), false},
        {"households_before", _("households (baseline)"), true},
        {"households_after", _("households (scenario)"), true},
        {"members_before", _("members (baseline)"), true},
        {"members_after", _("members (scenario)"), true},
        {"amount_before", _("yearly amount (baseline, yuan)"), true},
        {"amount_after", _("yearly amount (scenario, yuan)"), true},
        {"amount_delta", _("change (yuan)"), true}, {"gained", _("gained"), true},
        {"lost", _("lost"), true}, {"raised", _("raised"), true}, {"cut", _("cut"), true},
    };
    bf_html_table *t = bf_html_table_new(page, "policies", _("Per policy: baseline and scenario"),
                                         cols, 13);
    if (!t)
        return BF_ENOMEM;
    int rc = BF_OK;
    bf_sim_policy sum = {0};
    for (int k = 0; k < n && rc == BF_OK; k++) {
        if (!pol[k].reported)
            continue;
        const bf_sim_policy *p = &r->policies[k];
        char v[12][BF_HTML_NUMLEN];
        int64_t nums[12] = {p->baseline.households, p->scenario.households, p->baseline.members,
                            p->scenario.members, p->baseline.amount, p->scenario.amount,
                            p->scenario.amount - p->baseline.amount, p->gained, p->lost, p->raised,
                            p->cut, 0};
        for (int i = 0; i < 11; i++)
            scaled(v[i], nums[i], i >= 4 && i <= 6 ? 2 : 0);
        const char *cells[] = {pol[k].title, p->reevaluated ? _("yes") : _("no"), v[0], v[1], v[2], v[3],
                               v[4], v[5], v[6], v[7], v[8], v[9], v[10]};
        rc = bf_html_table_row(t, pol[k].id, cells);
        sum.baseline.amount += p->baseline.amount;
        sum.scenario.amount += p->scenario.amount;
    }
    char b[BF_HTML_NUMLEN], s[BF_HTML_NUMLEN], dl[BF_HTML_NUMLEN];
    scaled(b, sum.baseline.amount, 2);
    scaled(s, sum.scenario.amount, 2);
    scaled(dl, sum.scenario.amount - sum.baseline.amount, 2);
    const char *cells[] = {_("total"), "", "", "", "", "", b, s, dl, "", "", "", ""};
    return rc == BF_OK ? bf__html_table_footer(t, "total", cells) : rc;
}

/* Two-series bar chart of baseline against scenario. */
static int sim_chart(bf_html *page, const char *id, const char *title, const char *unit,
                     int decimals, const char *const *labels, const char *const *keys, int n,
                     const int64_t *before, const int64_t *after)
{
    bf_html_chart chart = {id, title, unit, decimals, labels, keys, n,
                           {{_("baseline"), before}, {_("scenario"), after}}, 2};
    return bf_html_bar_chart(page, &chart);
}

/* "eligible 551.00 yuan · 按户保", "not eligible 0.00 yuan": one side of a changed decision. */
static void decision_cell(char *out, size_t size, bool eligible, const char *amount,
                          const char *tier)
{
    if (eligible && *tier)
        snprintf(out, size, _("eligible %s yuan · %s"), amount, tier);
    else if (eligible)
        snprintf(out, size, _("eligible %s yuan"), amount);
    else
        snprintf(out, size, _("not eligible %s yuan"), amount);
}

static int sim_changes_table(bf_html *page, const bf_policy *pol, const bf_sim_result *r)
{
    const bf_html_column cols[] = {
        {"household", _("household"), false}, {"member", _("member"), false},
        {"policy", _("policy"), false}, {"before", _("baseline"), false},
        {"after", _("scenario"), false},
    };
    char caption[256];
    snprintf(caption, sizeof caption, _("Changed decisions: %lld in all, the first %d listed"),
             (long long)r->changed_total, r->n_changes);
    bf_html_table *t = bf_html_table_new(page, "changed", caption, cols, 5);
    if (!t)
        return BF_ENOMEM;
    int rc = BF_OK;
    for (int i = 0; i < r->n_changes && rc == BF_OK; i++) {
        const bf_sim_change *c = &r->changes[i];
        char a[BF_HTML_NUMLEN], b[BF_HTML_NUMLEN], before[160], after[160];
        scaled(a, c->before_amount, 2);
        scaled(b, c->after_amount, 2);
        decision_cell(before, sizeof before, c->before_eligible, a,
                      bf_policy_tier_words(&pol[c->policy], c->before_tier));
        decision_cell(after, sizeof after, c->after_eligible, b,
                      bf_policy_tier_words(&pol[c->policy], c->after_tier));
        const char *cells[] = {c->household, c->member, pol[c->policy].title, before, after};
        rc = bf_html_table_row(t, c->household, cells);
    }
    return rc;
}

/* Builds the page: facts, the policy table and charts, the town chart, the changes. */
int bf_report_simulation_page(bf_html *page, const bf_engine *e, const bf_sim_result *r,
                              bf_date date, const bf_sim_scenario *sc)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    const char **labels = calloc((size_t)n + (size_t)r->n_towns + 1, sizeof *labels);
    const char **keys = calloc((size_t)n + 1, sizeof *keys);
    int64_t *v = calloc(4 * ((size_t)n + (size_t)r->n_towns + 1), sizeof *v);
    if (!labels || !keys || !v) {
        free(labels);
        free(keys);
        free(v);
        return BF_ENOMEM;
    }
    int m = 0;
    bf_fen total_b = 0, total_s = 0;
    int64_t *hb = v, *hs = v + n, *ab = v + 2 * n, *as = v + 3 * n;
    for (int k = 0; k < n; k++) {
        if (!pol[k].reported)
            continue;
        labels[m] = pol[k].title;
        keys[m] = pol[k].id;
        hb[m] = r->policies[k].baseline.households;
        hs[m] = r->policies[k].scenario.households;
        ab[m] = r->policies[k].baseline.amount;
        as[m] = r->policies[k].scenario.amount;
        total_b += ab[m];
        total_s += as[m];
        m++;
    }
    int rc = sim_facts(page, r, date, sc, total_b, total_s);
    for (int i = 0; rc == BF_OK && i < r->warnings.count; i++)
        rc = bf_html_paragraph(page, "note warning", r->warnings.msgs[i]);
    if (rc == BF_OK)
        rc = sim_policy_table(page, pol, n, r);
    if (rc == BF_OK)
        rc = sim_chart(page, "chart-households", _("Households eligible per policy: baseline and "
                       "scenario"), C_("unit", "households"), 0, labels, keys, m, hb, hs);
    if (rc == BF_OK)
        rc = sim_chart(page, "chart-amount", _("Yearly amount per policy: baseline and scenario"),
                       _("yuan"), 2, labels, keys, m, ab, as);
    int64_t *tb = calloc((size_t)r->n_towns + 1, sizeof *tb), *ts = calloc((size_t)r->n_towns + 1, sizeof *ts);
    const char **towns = calloc((size_t)r->n_towns + 1, sizeof *towns);
    if (rc == BF_OK && (!tb || !ts || !towns))
        rc = BF_ENOMEM;
    for (int t = 0; rc == BF_OK && t < r->n_towns; t++) {
        towns[t] = r->towns[t].town;
        for (int k = 0; k < n; k++)
            if (pol[k].reported) {
                tb[t] += r->towns[t].baseline[k].amount;
                ts[t] += r->towns[t].scenario[k].amount;
            }
    }
    if (rc == BF_OK)
        rc = sim_chart(page, "chart-towns", _("Yearly amount per town: baseline and scenario"),
                       _("yuan"), 2, towns, NULL, r->n_towns, tb, ts);
    if (rc == BF_OK)
        rc = bf__wi_html(page, e, r);
    if (rc == BF_OK)
        rc = sim_changes_table(page, pol, r);
    free(tb);
    free(ts);
    free(towns);
    free(labels);
    free(keys);
    free(v);
    return rc;
}

int bf_report_simulation_html(const char *path, const bf_engine *e, const bf_sim_result *r,
                              bf_date date, const bf_sim_scenario *sc, bf_errors *errs)
{
    char title[256];
    if (*sc->name)
        snprintf(title, sizeof title, _("Simulation report · %s"), sc->name);
    else
        snprintf(title, sizeof title, "%s", _("Simulation report"));
    bf_html *page = bf_html_new(title);
    int rc = page ? bf_report_simulation_page(page, e, r, date, sc) : BF_ENOMEM;
    if (rc == BF_OK)
        rc = bf__html_save(page, path, errs);
    else
        bf_errors_add(errs, _("%s: out of memory while building the report"), path);
    bf_html_free(page);
    return rc;
}
