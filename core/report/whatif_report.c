/* whatif_report.c — the household view of a simulation in JSON, text, CSV and HTML: one data
 * (bf_sim_result, built by bf_simulate), four renderings. */
#include "whatif_report.h"
#include "bangfu.h"
#include "json.h"
#include "money.h"

#include <stdlib.h>
#include <string.h>

static const char *const select_names[] = {"changed", "worse", "better"};

const char *bf_wi_unit(const bf_policy *p)
{
    return p->scope == BF_SCOPE_HOUSEHOLD ? "households" : "persons";
}

const char *bf_wi_unit_zh(const bf_policy *p)
{
    return p->scope == BF_SCOPE_HOUSEHOLD ? "户" : "人";
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

void bf_wi_json_town_policy(bf_buf *out, const bf_policy *p, const bf_wi_counts *c)
{
    bf_buf_printf(out, ",\"unit\":\"%s\",\"households_better\":%lld,\"households_worse\":%lld,"
                  "\"gained\":%lld,\"lost\":%lld,\"raised\":%lld,\"cut\":%lld", bf_wi_unit(p),
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

static void json_side(bf_buf *out, const char *key, const bf_wi_side *s, const bf_policy *p)
{
    bf_buf_printf(out, "\"%s\":{\"eligible\":%s,\"amount\":", key, s->eligible ? "true" : "false");
    bf_buf_json_money(out, s->amount);
    bf_buf_puts(out, ",\"tier\":");
    json_text_or_null(out, s->tier);
    bf_buf_puts(out, ",\"tier_label\":");
    json_text_or_null(out, bf_policy_tier_label(p, s->tier));
    bf_buf_printf(out, ",\"reasons\":%s}", s->reasons);
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

void bf_wi_json(bf_buf *out, const bf_engine *e, const bf_sim_result *r)
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

/* ---- text ---- */

static void text_reasons(FILE *out, const char *label, const char *json)
{
    bf_buf b = {0};
    if (bf_json_join_strings(&b, json, "；") && b.len)
        fprintf(out, "      %s：%s\n", label, bf_buf_str(&b));
    bf_buf_free(&b);
}

static void text_side(char *out, size_t len, const bf_wi_side *s, const bf_policy *p)
{
    char m[BF_MONEY_STRLEN];
    bf_money_format(s->amount, m);
    snprintf(out, len, "%s %s%s%s", s->eligible ? "符合" : "不符合", m, s->tier ? " " : "",
             bf_policy_tier_words(p, s->tier));
}

static void text_household(FILE *out, const bf_policy *pol, const bf_sim_result *r,
                           const bf_wi_household *x)
{
    char b[BF_MONEY_STRLEN], a[BF_MONEY_STRLEN], d[BF_MONEY_STRLEN + 1];
    bf_money_format(x->before, b);
    bf_money_format(x->after, a);
    signed_money(d, x->after - x->before);
    fprintf(out, "  %s %s %s：%s → %s 元/年（%s）\n", x->id, r->towns[x->town].town, x->village, b,
            a, d);
    for (int c = 0; c < x->n_changes; c++) {
        const bf_wi_change *ch = &x->changes[c];
        char before[160], after[160];
        text_side(before, sizeof before, &ch->before, &pol[ch->policy]);
        text_side(after, sizeof after, &ch->after, &pol[ch->policy]);
        fprintf(out, "    %s%s%s：%s → %s\n", pol[ch->policy].title, ch->member ? " 成员 " : "",
                ch->member ? ch->member : "", before, after);
        text_reasons(out, "方案理由", ch->after.reasons);
        text_reasons(out, "基线理由", ch->before.reasons);
    }
}

static void text_distribution(FILE *out, const bf_wi_view *v)
{
    static const char *const ranges[BF_WI_BUCKETS] = {"0–100 元", "100–500 元", "500–1000 元",
                                                      "1000–5000 元", "5000 元以上"};
    fputs("\n每户年度金额变化的分布（元）：\n  减少", out);
    for (int b = 0; b < BF_WI_BUCKETS; b++)
        fprintf(out, "%s%s %lld 户", b ? "，" : " ", ranges[b], (long long)v->worse_by[b]);
    fputs("\n  增加", out);
    for (int b = 0; b < BF_WI_BUCKETS; b++)
        fprintf(out, "%s%s %lld 户", b ? "，" : " ", ranges[b], (long long)v->better_by[b]);
    fputs("\n", out);
}

void bf_wi_text(FILE *out, const bf_engine *e, const bf_sim_result *r)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    const bf_wi_view *v = &r->view;
    fputs("\n按镇（户数；年度总额增加、减少、不变的户；年度金额 基线 → 方案）\n", out);
    for (int t = 0; t < r->n_towns; t++) {
        const bf_sim_town *tw = &r->towns[t];
        bf_fen tb, ts;
        town_totals(e, tw, &tb, &ts);
        char b[BF_MONEY_STRLEN], s[BF_MONEY_STRLEN], d[BF_MONEY_STRLEN + 1];
        bf_money_format(tb, b);
        bf_money_format(ts, s);
        signed_money(d, ts - tb);
        fprintf(out, "  %s %lld 户：增加 %lld，减少 %lld，不变 %lld；%s → %s（%s）\n", tw->town,
                (long long)tw->households, (long long)tw->better, (long long)tw->worse,
                (long long)(tw->households - tw->better - tw->worse), b, s, d);
    }
    fputs("\n按镇按政策（有变化的；新增、退出、提高、降低以该政策的单位计）\n", out);
    for (int t = 0; t < r->n_towns; t++)
        for (int k = 0; k < n; k++) {
            const bf_wi_counts *c = &r->towns[t].counts[k];
            if (!pol[k].reported || !(c->gained || c->lost || c->raised || c->cut))
                continue;
            const char *u = bf_wi_unit_zh(&pol[k]);
            fprintf(out, "  %s %s：新增 %lld %s，退出 %lld %s，提高 %lld %s，降低 %lld %s；"
                    "该政策金额增加的户 %lld，减少的户 %lld\n", r->towns[t].town, pol[k].id,
                    (long long)c->gained, u, (long long)c->lost, u, (long long)c->raised, u,
                    (long long)c->cut, u, (long long)c->better, (long long)c->worse);
        }
    text_distribution(out, v);
    static const char *const titles[] = {"年度总额变化的户", "年度总额减少的户", "年度总额增加的户"};
    fprintf(out, "\n%s：共 %lld 户，列出 %lld 户（%s；--households worse|better|changed 选择，"
            "--limit 0 列出全部）\n", titles[v->select], (long long)v->n_selected,
            (long long)v->n_listed, v->select == BF_WI_BETTER ? "增加最多的在前" : "减少最多的在前");
    for (int64_t i = 0; i < v->n_listed; i++)
        text_household(out, pol, r, &v->households[i]);
}

/* ---- CSV: one table per file, UTF-8 with a byte-order mark (Excel shows the Chinese) ---- */

/* Writes a CSV field, quoted when it holds a comma, quote or newline (RFC 4180). */
static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void csv_money(FILE *out, bf_fen fen)
{
    char a[BF_MONEY_STRLEN];
    bf_money_format(fen, a);
    fprintf(out, ",%s", a);
}

static void csv_totals(FILE *out, const bf_sim_totals *t)
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
        csv_field(out, pol[k].id);
        fputc(',', out);
        csv_field(out, pol[k].title);
        fprintf(out, ",%s,%s", bf_wi_unit(&pol[k]), p->reevaluated ? "true" : "false");
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
        csv_field(out, tw->town);
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
            csv_field(out, tw->town);
            fputc(',', out);
            csv_field(out, pol[k].id);
            fprintf(out, ",%s", bf_wi_unit(&pol[k]));
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
    csv_field(out, s->tier ? s->tier : "");
}

static void csv_reasons(FILE *out, const char *json)
{
    bf_buf b = {0};
    fputc(',', out);
    csv_field(out, bf_json_join_strings(&b, json, "；") ? bf_buf_str(&b) : json);
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
            csv_field(out, x->id);
            fputc(',', out);
            csv_field(out, r->towns[x->town].town);
            fputc(',', out);
            csv_field(out, x->village);
            csv_money(out, x->before);
            csv_money(out, x->after);
            csv_money(out, x->after - x->before);
            fputc(',', out);
            csv_field(out, pol[ch->policy].id);
            fputc(',', out);
            csv_field(out, ch->member ? ch->member : "");
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
    static const bf_html_column cols[] = {
        {"town", "镇", false}, {"households", "户数", true}, {"better", "总额增加的户", true},
        {"worse", "总额减少的户", true}, {"unchanged", "总额不变的户", true},
        {"amount_before", "年度金额（基线，元）", true}, {"amount_after", "年度金额（方案，元）", true},
        {"amount_delta", "变化（元）", true},
    };
    bf_html_table *t = bf_html_table_new(page, "towns", "按镇：每户年度总额的变化", cols, 8);
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
    static const char *const labels[2 * BF_WI_BUCKETS] = {
        "减少 5000 元以上", "减少 1000–5000 元", "减少 500–1000 元", "减少 100–500 元",
        "减少 0–100 元", "增加 0–100 元", "增加 100–500 元", "增加 500–1000 元",
        "增加 1000–5000 元", "增加 5000 元以上"};
    static const char *const keys[2 * BF_WI_BUCKETS] = {
        "worse-5", "worse-4", "worse-3", "worse-2", "worse-1",
        "better-1", "better-2", "better-3", "better-4", "better-5"};
    int64_t counts[2 * BF_WI_BUCKETS];
    for (int b = 0; b < BF_WI_BUCKETS; b++) {
        counts[BF_WI_BUCKETS - 1 - b] = v->worse_by[b];
        counts[BF_WI_BUCKETS + b] = v->better_by[b];
    }
    bf_html_chart chart = {"chart-distribution", "每户年度总额变化的分布（户数）", "户", 0,
                           labels, keys, 2 * BF_WI_BUCKETS, {{NULL, counts}, {NULL, NULL}}, 1};
    return bf_html_bar_chart(page, &chart);
}

static void html_side(char *out, size_t len, const bf_wi_side *s, const bf_policy *p)
{
    char a[BF_HTML_NUMLEN];
    scaled(a, s->amount, 2);
    snprintf(out, len, "%s %s 元%s%s", s->eligible ? "符合" : "不符合", a, s->tier ? " · " : "",
             bf_policy_tier_words(p, s->tier));
}

static int html_households(bf_html *page, const bf_policy *pol, const bf_sim_result *r)
{
    static const bf_html_column cols[] = {
        {"household", "户", false}, {"town", "镇", false}, {"village", "村", false},
        {"delta", "年度总额变化（元）", true}, {"policy", "政策", false}, {"member", "成员", false},
        {"before", "基线", false}, {"after", "方案", false}, {"reasons_after", "方案理由", false},
        {"reasons_before", "基线理由", false},
    };
    const bf_wi_view *v = &r->view;
    static const char *const what[] = {"年度总额变化的户", "年度总额减少的户", "年度总额增加的户"};
    char caption[256];
    snprintf(caption, sizeof caption, "%s：共 %lld 户，列出 %lld 户（%s），每户变化的决定与理由",
             what[v->select], (long long)v->n_selected, (long long)v->n_listed,
             v->select == BF_WI_BETTER ? "增加最多的在前" : "减少最多的在前");
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
            bf_json_join_strings(&ra, ch->after.reasons, "；");
            bf_json_join_strings(&rb, ch->before.reasons, "；");
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

int bf_wi_html(bf_html *page, const bf_engine *e, const bf_sim_result *r)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    const bf_wi_view *v = &r->view;
    char counts[256];
    snprintf(counts, sizeof counts, "年度总额增加的户 %lld，减少的户 %lld，不变的户 %lld（共 %lld 户）。",
             (long long)v->better, (long long)v->worse,
             (long long)(r->households - v->better - v->worse), (long long)r->households);
    int rc = bf_html_heading(page, 2, "谁受影响：按户");
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
