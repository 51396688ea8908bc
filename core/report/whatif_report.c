/* whatif_report.c — the household view of a simulation in JSON, text, CSV and HTML: one data
 * (bf_sim_result, built by bf_simulate), four renderings. */
#include "whatif_report.h"
#include "csvout.h"
#include "bangfu.h"
#include "i18n.h"
#include "json.h"
#include "money.h"

#include <stdlib.h>
#include <string.h>

static const char *const select_names[] = {"changed", "worse", "better"};

const char *bf__wi_unit(const bf_policy *p)
{
    return p->scope == BF_SCOPE_HOUSEHOLD ? "households" : "persons";
}

const char *bf__wi_unit_words(const bf_policy *p)
{
    return p->scope == BF_SCOPE_HOUSEHOLD ? C_("unit", "households") : C_("unit", "persons");
}

/* The county's totals over the reported policies. */
static void county_totals(const bf_engine *e, const bf_sim_result *r, bf_fen *before, bf_fen *after)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    *before = *after = 0;
    for (int k = 0; k < n; k++)
        if (pol[k].reported) {
            *before += r->policies[k].baseline.amount;
            *after += r->policies[k].scenario.amount;
        }
}

static void town_totals(const bf_engine *e, const bf_sim_town *t, bf_fen *before, bf_fen *after)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    *before = *after = 0;
    for (int k = 0; k < n; k++)
        if (pol[k].reported) {
            *before += t->baseline[k].amount;
            *after += t->scenario[k].amount;
        }
}

/* Text of a yuan amount with its sign: "+66.00", "-12600.00", "0.00". */
static void signed_money(char out[BF_MONEY_STRLEN + 1], bf_fen fen)
{
    char m[BF_MONEY_STRLEN];
    bf_money_format(fen, m);
    snprintf(out, BF_MONEY_STRLEN + 1, "%s%s", fen > 0 ? "+" : "", m);
}

/* ---- JSON ---- */

void bf__wi_json_town_policy(bf_buf *out, const bf_policy *p, const bf_wi_counts *c)
{
    bf_buf_printf(out, ",\"unit\":\"%s\",\"households_better\":%lld,\"households_worse\":%lld,"
                  "\"gained\":%lld,\"lost\":%lld,\"raised\":%lld,\"cut\":%lld", bf__wi_unit(p),
                  (long long)c->better, (long long)c->worse, (long long)c->gained,
                  (long long)c->lost, (long long)c->raised, (long long)c->cut);
}

static void json_text_or_null(bf_buf *out, const char *s)
{
    if (s)
        bf_buf_json_string(out, s, strlen(s));
    else
        bf_buf_puts(out, "null");
}

void bf__wi_json_side(bf_buf *out, const char *key, bool eligible, bf_fen amount,
                      const char *tier, const bf_policy *p, const char *reasons)
{
    /* pieces put as they are: a printf formats a long text twice (to size it, then to write it) */
    if (tier && !*tier)
        tier = NULL;
    bf_buf_puts(out, "\"");
    bf_buf_puts(out, key);
    bf_buf_puts(out, eligible ? "\":{\"eligible\":true,\"amount\":"
                              : "\":{\"eligible\":false,\"amount\":");
    bf_buf_json_money(out, amount);
    bf_buf_puts(out, ",\"tier\":");
    json_text_or_null(out, tier);
    bf_buf_puts(out, ",\"tier_label\":");
    json_text_or_null(out, bf_policy_tier_label(p, tier));
    if (reasons) {
        bf_buf_puts(out, ",\"reasons\":");
        bf_buf_puts(out, reasons);
    }
    bf_buf_puts(out, "}");
}

static void json_side(bf_buf *out, const char *key, const bf_wi_side *s, const bf_policy *p)
{
    bf__wi_json_side(out, key, s->eligible, s->amount, s->tier, p, s->reasons);
}

static void json_household(bf_buf *out, const bf_policy *pol, const bf_sim_result *r,
                           const bf_wi_household *x)
{
    bf_buf_puts(out, "{\"household\":");
    bf_buf_json_string(out, x->id, strlen(x->id));
    bf_buf_puts(out, ",\"town\":");
    const char *town = r->towns[x->town].town;
    bf_buf_json_string(out, town, strlen(town));
    bf_buf_puts(out, ",\"village\":");
    bf_buf_json_string(out, x->village, strlen(x->village));
    bf_buf_puts(out, ",\"before\":");
    bf_buf_json_money(out, x->before);
    bf_buf_puts(out, ",\"after\":");
    bf_buf_json_money(out, x->after);
    bf_buf_puts(out, ",\"delta\":");
    bf_buf_json_money(out, x->after - x->before);
    bf_buf_puts(out, ",\"changes\":[");
    for (int c = 0; c < x->n_changes; c++) {
        const bf_wi_change *ch = &x->changes[c];
        bf_buf_puts(out, c ? ",{\"policy\":" : "{\"policy\":");
        bf_buf_json_string(out, pol[ch->policy].id, strlen(pol[ch->policy].id));
        bf_buf_puts(out, ",\"member\":");
        json_text_or_null(out, ch->member);
        bf_buf_puts(out, ",");
        json_side(out, "before", &ch->before, &pol[ch->policy]);
        bf_buf_puts(out, ",");
        json_side(out, "after", &ch->after, &pol[ch->policy]);
        bf_buf_puts(out, "}");
    }
    bf_buf_puts(out, "]}");
}

static void json_counts(bf_buf *out, const int64_t *v)
{
    for (int b = 0; b < BF_WI_BUCKETS; b++)
        bf_buf_printf(out, "%s%lld", b ? "," : "", (long long)v[b]);
}

void bf__wi_json(bf_buf *out, const bf_engine *e, const bf_sim_result *r)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    const bf_wi_view *v = &r->view;
    bf_fen before, after;
    county_totals(e, r, &before, &after);
    bf_buf_printf(out, ",\n\"households_better\":%lld,\"households_worse\":%lld,"
                  "\"households_unchanged\":%lld,\"delta\":", (long long)v->better,
                  (long long)v->worse, (long long)(r->households - v->better - v->worse));
    bf_buf_json_money(out, after - before);
    bf_buf_puts(out, ",\n\"town_totals\":[");
    for (int t = 0; t < r->n_towns; t++) {
        const bf_sim_town *tw = &r->towns[t];
        bf_fen tb, ts;
        town_totals(e, tw, &tb, &ts);
        bf_buf_puts(out, t ? ",\n  {\"town\":" : "\n  {\"town\":");
        bf_buf_json_string(out, tw->town, strlen(tw->town));
        bf_buf_printf(out, ",\"households\":%lld,\"households_better\":%lld,\"households_worse\":%lld,"
                      "\"households_unchanged\":%lld,\"before\":", (long long)tw->households,
                      (long long)tw->better, (long long)tw->worse,
                      (long long)(tw->households - tw->better - tw->worse));
        bf_buf_json_money(out, tb);
        bf_buf_puts(out, ",\"after\":");
        bf_buf_json_money(out, ts);
        bf_buf_puts(out, ",\"delta\":");
        bf_buf_json_money(out, ts - tb);
        bf_buf_puts(out, "}");
    }
    bf_buf_puts(out, "],\n\"distribution\":{\"upper_bounds\":[");
    for (int b = 0; b < BF_WI_BUCKETS - 1; b++) {
        bf_buf_puts(out, b ? "," : "");
        bf_buf_json_money(out, bf_wi_bucket_upper[b]);
    }
    bf_buf_puts(out, "],\"worse\":[");
    json_counts(out, v->worse_by);
    bf_buf_puts(out, "],\"better\":[");
    json_counts(out, v->better_by);
    bf_buf_printf(out, "]},\n\"households_listed\":{\"select\":\"%s\",\"selected\":%lld,\"listed\":%lld},"
                  "\n\"households\":[", select_names[v->select], (long long)v->n_selected,
                  (long long)v->n_listed);
    for (int64_t i = 0; i < v->n_listed; i++) {
        bf_buf_puts(out, i ? ",\n  " : "\n  ");
        json_household(out, pol, r, &v->households[i]);
    }
    bf_buf_puts(out, "]");
}

/* What --households lists, by bf_wi_select. */
static const char *const selection_titles[] = {
    N_("households whose yearly total changes"), N_("households whose yearly total falls"),
    N_("households whose yearly total rises")};

/* ---- text ---- */

static void text_reasons(FILE *out, const char *label, const char *json)
{
    bf_buf b = {0};
    if (bf_json_join_strings(&b, json, _("; ")) && b.len)
        fprintf(out, "      %s%s\n", label, bf_buf_str(&b));
    bf_buf_free(&b);
}

static void text_side(char *out, size_t len, const bf_wi_side *s, const bf_policy *p)
{
    char m[BF_MONEY_STRLEN];
    bf_money_format(s->amount, m);
    if (s->eligible && s->tier)
        snprintf(out, len, _("eligible %s %s"), m, bf_policy_tier_words(p, s->tier));
    else if (s->eligible)
        snprintf(out, len, _("eligible %s"), m);
    else
        snprintf(out, len, _("not eligible %s"), m);
}

static void text_household(FILE *out, const bf_policy *pol, const bf_sim_result *r,
                           const bf_wi_household *x)
{
    char b[BF_MONEY_STRLEN], a[BF_MONEY_STRLEN], d[BF_MONEY_STRLEN + 1];
    bf_money_format(x->before, b);
    bf_money_format(x->after, a);
    signed_money(d, x->after - x->before);
    fprintf(out, _("  %s %s %s: %s → %s yuan a year (%s)\n"), x->id, r->towns[x->town].town,
            x->village, b, a, d);
    for (int c = 0; c < x->n_changes; c++) {
        const bf_wi_change *ch = &x->changes[c];
        char before[160], after[160];
        text_side(before, sizeof before, &ch->before, &pol[ch->policy]);
        text_side(after, sizeof after, &ch->after, &pol[ch->policy]);
        if (ch->member)
            fprintf(out, _("    %s, member %s: %s → %s\n"), pol[ch->policy].title, ch->member,
                    before, after);
        else
            fprintf(out, _("    %s: %s → %s\n"), pol[ch->policy].title, before, after);
        text_reasons(out, _("reasons in the scenario: "), ch->after.reasons);
        text_reasons(out, _("reasons in the baseline: "), ch->before.reasons);
    }
}

static void text_distribution(FILE *out, const bf_wi_view *v)
{
    fputs(_("\nhow much each household's yearly total changes (yuan):\n"), out);
    fprintf(out, _("  less by 0–100: %lld households, 100–500: %lld, 500–1000: %lld, 1000–5000: "
                   "%lld, more than 5000: %lld\n"), (long long)v->worse_by[0],
            (long long)v->worse_by[1], (long long)v->worse_by[2], (long long)v->worse_by[3],
            (long long)v->worse_by[4]);
    fprintf(out, _("  more by 0–100: %lld households, 100–500: %lld, 500–1000: %lld, 1000–5000: "
                   "%lld, more than 5000: %lld\n"), (long long)v->better_by[0],
            (long long)v->better_by[1], (long long)v->better_by[2], (long long)v->better_by[3],
            (long long)v->better_by[4]);
}

void bf__wi_text(FILE *out, const bf_engine *e, const bf_sim_result *r)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    const bf_wi_view *v = &r->view;
    fputs(_("\nper town (households; those whose yearly total rises, falls, stays; the yearly "
            "amount, baseline → scenario)\n"), out);
    for (int t = 0; t < r->n_towns; t++) {
        const bf_sim_town *tw = &r->towns[t];
        bf_fen tb, ts;
        town_totals(e, tw, &tb, &ts);
        char b[BF_MONEY_STRLEN], s[BF_MONEY_STRLEN], d[BF_MONEY_STRLEN + 1];
        bf_money_format(tb, b);
        bf_money_format(ts, s);
        signed_money(d, ts - tb);
        fprintf(out, _("  %s %lld households: rises %lld, falls %lld, stays %lld; %s → %s (%s)\n"),
                tw->town,
                (long long)tw->households, (long long)tw->better, (long long)tw->worse,
                (long long)(tw->households - tw->better - tw->worse), b, s, d);
    }
    fputs(_("\nper town and policy (where something changed; gained, lost, raised and cut in the "
            "policy's unit)\n"), out);
    for (int t = 0; t < r->n_towns; t++)
        for (int k = 0; k < n; k++) {
            const bf_wi_counts *c = &r->towns[t].counts[k];
            if (!pol[k].reported || !(c->gained || c->lost || c->raised || c->cut))
                continue;
            const char *u = bf__wi_unit_words(&pol[k]);
            fprintf(out, _("  %s %s: gained %lld %s, lost %lld %s, raised %lld %s, cut %lld %s; "
                           "households whose amount of it rises %lld, falls %lld\n"),
                    r->towns[t].town, pol[k].id,
                    (long long)c->gained, u, (long long)c->lost, u, (long long)c->raised, u,
                    (long long)c->cut, u, (long long)c->better, (long long)c->worse);
        }
    text_distribution(out, v);
    fprintf(out, _("\n%s: %lld in all, %lld listed (%s; choose with --households "
                   "worse|better|changed, --limit 0 lists all)\n"), _(selection_titles[v->select]),
            (long long)v->n_selected, (long long)v->n_listed,
            v->select == BF_WI_BETTER ? _("the largest gain first") : _("the largest loss first"));
    for (int64_t i = 0; i < v->n_listed; i++)
        text_household(out, pol, r, &v->households[i]);
}

/* ---- CSV: one table per file, UTF-8 with a byte-order mark (Excel shows the Chinese) ---- */

static void csv_money(FILE *out, bf_fen fen)
{
    char a[BF_MONEY_STRLEN];
    bf_money_format(fen, a);
    fprintf(out, ",%s", a);
}

static void csv_totals(FILE *out, const bf_totals *t)
{
    fprintf(out, ",%lld,%lld", (long long)t->households, (long long)t->members);
    csv_money(out, t->amount);
}

static void csv_policies(FILE *out, const bf_policy *pol, int n, const bf_sim_result *r)
{
    fputs("policy,title,unit,reevaluated,baseline_households,baseline_members,baseline_amount,"
          "scenario_households,scenario_members,scenario_amount,delta_amount,gained,lost,raised,"
          "cut\r\n", out);
    for (int k = 0; k < n; k++) {
        if (!pol[k].reported)
            continue;
        const bf_sim_policy *p = &r->policies[k];
        bf__csv_field(out, pol[k].id);
        fputc(',', out);
        bf__csv_field(out, pol[k].title);
        fprintf(out, ",%s,%s", bf__wi_unit(&pol[k]), p->reevaluated ? "true" : "false");
        csv_totals(out, &p->baseline);
        csv_totals(out, &p->scenario);
        csv_money(out, p->scenario.amount - p->baseline.amount);
        fprintf(out, ",%lld,%lld,%lld,%lld\r\n", (long long)p->gained, (long long)p->lost,
                (long long)p->raised, (long long)p->cut);
    }
}

static void csv_towns(FILE *out, const bf_engine *e, const bf_sim_result *r)
{
    fputs("town,households,households_better,households_worse,households_unchanged,"
          "amount_before,amount_after,delta_amount\r\n", out);
    for (int t = 0; t < r->n_towns; t++) {
        const bf_sim_town *tw = &r->towns[t];
        bf_fen tb, ts;
        town_totals(e, tw, &tb, &ts);
        bf__csv_field(out, tw->town);
        fprintf(out, ",%lld,%lld,%lld,%lld", (long long)tw->households, (long long)tw->better,
                (long long)tw->worse, (long long)(tw->households - tw->better - tw->worse));
        csv_money(out, tb);
        csv_money(out, ts);
        csv_money(out, ts - tb);
        fputs("\r\n", out);
    }
}

static void csv_town_policies(FILE *out, const bf_policy *pol, int n, const bf_sim_result *r)
{
    fputs("town,policy,unit,baseline_households,baseline_members,baseline_amount,"
          "scenario_households,scenario_members,scenario_amount,delta_amount,gained,lost,raised,"
          "cut,households_better,households_worse\r\n", out);
    for (int t = 0; t < r->n_towns; t++)
        for (int k = 0; k < n; k++) {
            if (!pol[k].reported)
                continue;
            const bf_sim_town *tw = &r->towns[t];
            const bf_wi_counts *c = &tw->counts[k];
            bf__csv_field(out, tw->town);
            fputc(',', out);
            bf__csv_field(out, pol[k].id);
            fprintf(out, ",%s", bf__wi_unit(&pol[k]));
            csv_totals(out, &tw->baseline[k]);
            csv_totals(out, &tw->scenario[k]);
            csv_money(out, tw->scenario[k].amount - tw->baseline[k].amount);
            fprintf(out, ",%lld,%lld,%lld,%lld,%lld,%lld\r\n", (long long)c->gained,
                    (long long)c->lost, (long long)c->raised, (long long)c->cut,
                    (long long)c->better, (long long)c->worse);
        }
}

static void csv_side(FILE *out, const bf_wi_side *s)
{
    fprintf(out, ",%s", s->eligible ? "true" : "false");
    csv_money(out, s->amount);
    fputc(',', out);
    bf__csv_field(out, s->tier ? s->tier : "");
}

static void csv_reasons(FILE *out, const char *json)
{
    bf_buf b = {0};
    fputc(',', out);
    bf__csv_field(out, bf_json_join_strings(&b, json, "；") ? bf_buf_str(&b) : json);
    bf_buf_free(&b);
}

/* One row per changed decision of each listed household, the household's columns repeated. */
static void csv_households(FILE *out, const bf_policy *pol, const bf_sim_result *r)
{
    fputs("household,town,village,total_before,total_after,total_delta,policy,member,"
          "before_eligible,before_amount,before_tier,after_eligible,after_amount,after_tier,"
          "after_reasons,before_reasons\r\n", out);
    for (int64_t i = 0; i < r->view.n_listed; i++) {
        const bf_wi_household *x = &r->view.households[i];
        for (int c = 0; c < x->n_changes; c++) {
            const bf_wi_change *ch = &x->changes[c];
            bf__csv_field(out, x->id);
            fputc(',', out);
            bf__csv_field(out, r->towns[x->town].town);
            fputc(',', out);
            bf__csv_field(out, x->village);
            csv_money(out, x->before);
            csv_money(out, x->after);
            csv_money(out, x->after - x->before);
            fputc(',', out);
            bf__csv_field(out, pol[ch->policy].id);
            fputc(',', out);
            bf__csv_field(out, ch->member ? ch->member : "");
            csv_side(out, &ch->before);
            csv_side(out, &ch->after);
            csv_reasons(out, ch->after.reasons);
            csv_reasons(out, ch->before.reasons);
            fputs("\r\n", out);
        }
    }
}

void bf_report_simulation_csv(FILE *out, const bf_engine *e, const bf_sim_result *r,
                              const char *table)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    fputs("\xEF\xBB\xBF", out);
    if (strcmp(table, "towns") == 0)
        csv_towns(out, e, r);
    else if (strcmp(table, "town-policies") == 0)
        csv_town_policies(out, pol, n, r);
    else if (strcmp(table, "households") == 0)
        csv_households(out, pol, r);
    else
        csv_policies(out, pol, n, r);
}

/* ---- HTML ---- */

static void scaled(char out[BF_HTML_NUMLEN], int64_t v, int decimals)
{
    bf_html_format_scaled(v, decimals, out);
}

static int html_towns(bf_html *page, const bf_engine *e, const bf_sim_result *r)
{
    const bf_html_column cols[] = {
        {"town", _("town"), false}, {"households", _("households"), true},
        {"better", _("total rises"), true}, {"worse", _("total falls"), true},
        {"unchanged", _("total stays"), true},
        {"amount_before", _("yearly amount (baseline, yuan)"), true},
        {"amount_after", _("yearly amount (scenario, yuan)"), true},
        {"amount_delta", _("change (yuan)"), true},
    };
    bf_html_table *t = bf_html_table_new(page, "towns", _("Per town: how each household's yearly "
                                         "total changes"), cols, 8);
    int rc = t ? BF_OK : BF_ENOMEM;
    for (int i = 0; rc == BF_OK && i < r->n_towns; i++) {
        const bf_sim_town *tw = &r->towns[i];
        bf_fen tb, ts;
        town_totals(e, tw, &tb, &ts);
        char v[7][BF_HTML_NUMLEN];
        int64_t nums[7] = {tw->households, tw->better, tw->worse,
                           tw->households - tw->better - tw->worse, tb, ts, ts - tb};
        for (int c = 0; c < 7; c++)
            scaled(v[c], nums[c], c >= 4 ? 2 : 0);
        const char *cells[] = {tw->town, v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
        rc = bf_html_table_row(t, tw->town, cells);
    }
    return rc;
}

/* A chart of how many households lose and gain how much. */
static int html_distribution(bf_html *page, const bf_wi_view *v)
{
    const char *const labels[2 * BF_WI_BUCKETS] = {
        _("less by more than 5000 yuan"), _("less by 1000–5000 yuan"), _("less by 500–1000 yuan"),
        _("less by 100–500 yuan"), _("less by 0–100 yuan"), _("more by 0–100 yuan"),
        _("more by 100–500 yuan"), _("more by 500–1000 yuan"), _("more by 1000–5000 yuan"),
        _("more by more than 5000 yuan")};
    static const char *const keys[2 * BF_WI_BUCKETS] = {
        "worse-5", "worse-4", "worse-3", "worse-2", "worse-1",
        "better-1", "better-2", "better-3", "better-4", "better-5"};
    int64_t counts[2 * BF_WI_BUCKETS];
    for (int b = 0; b < BF_WI_BUCKETS; b++) {
        counts[BF_WI_BUCKETS - 1 - b] = v->worse_by[b];
        counts[BF_WI_BUCKETS + b] = v->better_by[b];
    }
    bf_html_chart chart = {"chart-distribution", _("How much each household's yearly total "
                           "changes (households)"), C_("unit", "households"), 0,
                           labels, keys, 2 * BF_WI_BUCKETS, {{NULL, counts}, {NULL, NULL}}, 1};
    return bf_html_bar_chart(page, &chart);
}

static void html_side(char *out, size_t len, const bf_wi_side *s, const bf_policy *p)
{
    char a[BF_HTML_NUMLEN];
    scaled(a, s->amount, 2);
    if (s->eligible && s->tier)
        snprintf(out, len, _("eligible %s yuan · %s"), a, bf_policy_tier_words(p, s->tier));
    else if (s->eligible)
        snprintf(out, len, _("eligible %s yuan"), a);
    else
        snprintf(out, len, _("not eligible %s yuan"), a);
}

static int html_households(bf_html *page, const bf_policy *pol, const bf_sim_result *r)
{
    const bf_html_column cols[] = {
        {"household", _("household"), false}, {"town", _("town"), false},
        {"village", _("village"), false}, {"delta", _("change of the yearly total (yuan)"), true},
        {"policy", _("policy"), false}, {"member", _("member"), false},
        {"before", _("baseline"), false}, {"after", _("scenario"), false},
        {"reasons_after", _("reasons in the scenario"), false},
        {"reasons_before", _("reasons in the baseline"), false},
    };
    const bf_wi_view *v = &r->view;
    char caption[512];
    snprintf(caption, sizeof caption, _("%s: %lld in all, %lld listed (%s), each with its changed "
                                        "decisions and their reasons"),
             _(selection_titles[v->select]), (long long)v->n_selected, (long long)v->n_listed,
             v->select == BF_WI_BETTER ? _("the largest gain first") : _("the largest loss first"));
    bf_html_table *t = bf_html_table_new(page, "households", caption, cols, 10);
    int rc = t ? BF_OK : BF_ENOMEM;
    for (int64_t i = 0; rc == BF_OK && i < v->n_listed; i++) {
        const bf_wi_household *x = &v->households[i];
        char delta[BF_HTML_NUMLEN];
        scaled(delta, x->after - x->before, 2);
        for (int c = 0; rc == BF_OK && c < x->n_changes; c++) {
            const bf_wi_change *ch = &x->changes[c];
            char before[160], after[160];
            bf_buf ra = {0}, rb = {0};
            html_side(before, sizeof before, &ch->before, &pol[ch->policy]);
            html_side(after, sizeof after, &ch->after, &pol[ch->policy]);
            bf_json_join_strings(&ra, ch->after.reasons, _("; "));
            bf_json_join_strings(&rb, ch->before.reasons, _("; "));
            const char *cells[] = {c ? "" : x->id, c ? "" : r->towns[x->town].town,
                                   c ? "" : x->village, c ? "" : delta, pol[ch->policy].title,
                                   ch->member ? ch->member : "", before, after, bf_buf_str(&ra),
                                   bf_buf_str(&rb)};
            rc = ra.oom || rb.oom ? BF_ENOMEM : bf_html_table_row(t, x->id, cells);
            bf_buf_free(&ra);
            bf_buf_free(&rb);
        }
    }
    return rc;
}

int bf__wi_html(bf_html *page, const bf_engine *e, const bf_sim_result *r)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    const bf_wi_view *v = &r->view;
    char counts[256];
    snprintf(counts, sizeof counts, _("Households whose yearly total rises: %lld, falls: %lld, "
                                      "stays the same: %lld (of %lld)."),
             (long long)v->better, (long long)v->worse,
             (long long)(r->households - v->better - v->worse), (long long)r->households);
    int rc = bf_html_heading(page, 2, _("Who is affected: household by household"));
    if (rc == BF_OK)
        rc = bf_html_paragraph(page, "counts", counts);
    if (rc == BF_OK)
        rc = html_towns(page, e, r);
    if (rc == BF_OK)
        rc = html_distribution(page, v);
    if (rc == BF_OK)
        rc = html_households(page, pol, r);
    return rc;
}
