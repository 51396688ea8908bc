/* diff_report.c — bangfu diff: two runs compared (rundiff.h) as JSON, text, CSV and the HTML
 * monthly change report; every rendering shows the same bf_run_diff. */
#include "diff_report.h"
#include "csvout.h"
#include "bangfu.h"
#include "i18n.h"
#include "html.h"
#include "json.h"
#include "runs_report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON ---- */

static void json_totals(bf_buf *b, const bf_diff_totals *t)
{
    bf_buf_printf(b, "\"entered\":%" PRId64 ",\"left\":%" PRId64 ",\"raised\":%" PRId64
                  ",\"cut\":%" PRId64 ",\"other\":%" PRId64 ",\"before\":", t->entered, t->left,
                  t->raised, t->cut, t->other);
    bf_buf_json_money(b, t->before);
    bf_buf_puts(b, ",\"after\":");
    bf_buf_json_money(b, t->after);
    bf_buf_puts(b, ",\"delta\":");
    bf_buf_json_money(b, t->after - t->before);
}

static void json_side(bf_buf *b, const bf_diff_side *s)
{
    bf_buf_printf(b, "{\"eligible\":%s,\"amount\":", s->eligible ? "true" : "false");
    bf_buf_json_money(b, s->amount);
    bf__report_json_field(b, "tier", s->tier);
    bf__report_json_field(b, "error", s->error);
    bf_buf_puts(b, ",\"reasons\":");
    bf_buf_puts(b, s->reasons ? s->reasons : "[]");
    bf_buf_puts(b, "}");
}

/* The JSON keys of a cause's member, name, old and new by kind (NULL: not written). */
static const char *const cause_keys[][4] = {
    [BF_CAUSE_RECORD] = {"member", "field", "old", "new"},
    [BF_CAUSE_PARAMETER] = {NULL, "name", "before", "after"},
    [BF_CAUSE_SCRIPT] = {NULL, "file", NULL, NULL},
    [BF_CAUSE_DATE] = {NULL, NULL, "from", "to"},
    [BF_CAUSE_UNKNOWN] = {NULL, NULL, NULL, NULL},
};

static void json_cause(bf_buf *b, const bf_diff_cause *c)
{
    bf_buf_printf(b, "{\"cause\":\"%s\"", bf_cause_id(c->kind));
    const char *values[4] = {c->member, c->name, c->old, c->new_};
    for (int i = 0; i < 4; i++) {
        const char *key = cause_keys[c->kind][i];
        if (!key || (i == 0 && !values[i]))       /* a household field names no member */
            continue;
        bf_buf_printf(b, ",\"%s\":", key);
        bf__report_json_text(b, values[i]);
    }
    bf_buf_puts(b, "}");
}

static void json_household(bf_buf *b, const bf_diff_household *h)
{
    bf_buf_puts(b, "{\"household\":");
    bf__report_json_text(b, h->id);
    bf__report_json_field(b, "town", h->town);
    bf__report_json_field(b, "village", h->village);
    bf_buf_puts(b, ",\"causes\":[");
    for (int i = 0; i < h->n_causes; i++) {
        if (i)
            bf_buf_puts(b, ",");
        json_cause(b, &h->causes[i]);
    }
    bf_buf_puts(b, "],\"changes\":[");
    for (int i = 0; i < h->n_changes; i++) {
        const bf_diff_change *c = &h->changes[i];
        bf_buf_puts(b, i ? ",{\"policy\":" : "{\"policy\":");
        bf__report_json_text(b, c->policy);
        bf__report_json_field(b, "title", c->title);
        bf__report_json_field(b, "member", c->member);
        bf_buf_puts(b, ",\"before\":");
        json_side(b, &c->before);
        bf_buf_puts(b, ",\"after\":");
        json_side(b, &c->after);
        bf_buf_puts(b, "}");
    }
    bf_buf_puts(b, "]}");
}

void bf_report_diff_json(bf_buf *b, const bf_run_diff *d)
{
    bf_buf_printf(b, "{\"from\":%" PRId64 ",\"to\":%" PRId64 ",\"from_date\":", d->from.id, d->to.id);
    bf__report_json_text(b, d->from.eval_date);
    bf__report_json_field(b, "to_date", d->to.eval_date);
    bf_buf_puts(b, ",");
    bf__report_run_changes_json(b, &d->between);
    bf_buf_puts(b, ",\"policies\":[");
    for (int i = 0; i < d->n_policies; i++) {
        bf_buf_puts(b, i ? ",{\"policy\":" : "{\"policy\":");
        bf__report_json_text(b, d->policies[i].policy);
        bf__report_json_field(b, "title", d->policies[i].title);
        bf_buf_puts(b, ",");
        json_totals(b, &d->policies[i].t);
        bf_buf_puts(b, "}");
    }
    bf_buf_puts(b, "],\"towns\":[");
    for (int i = 0; i < d->n_towns; i++) {
        bf_buf_puts(b, i ? ",{\"town\":" : "{\"town\":");
        bf__report_json_text(b, d->towns[i].town);
        bf_buf_puts(b, ",");
        json_totals(b, &d->towns[i].t);
        bf_buf_puts(b, "}");
    }
    bf_buf_puts(b, "],\"county\":{");
    json_totals(b, &d->county);
    bf_buf_puts(b, "},\"households\":[");
    for (int i = 0; i < d->n_households; i++) {
        if (i)
            bf_buf_puts(b, ",\n");
        json_household(b, &d->households[i]);
    }
    bf_buf_puts(b, "]}\n");
}

/* ---- Text ---- */

/* A cause as one Chinese sentence into out: the words of the monthly change report (HTML), which
 * the text report and the CSV share. */
static void cause_text(const bf_diff_cause *c, char *out, size_t size)
{
    switch (c->kind) {
    case BF_CAUSE_RECORD:
        if (c->member && c->name && strcmp(c->name, "member") == 0)
            snprintf(out, size, "记录变更：成员 %s %s", c->member,
                     c->new_ ? "新增" : "移出");
        else if (c->member)
            snprintf(out, size, "记录变更：成员 %s 的 %s 由 %s 改为 %s", c->member, c->name,
                     c->old ? c->old : "（无）", c->new_ ? c->new_ : "（无）");
        else if (c->name && strcmp(c->name, "household") == 0)
            snprintf(out, size, "记录变更：%s", c->new_ ? "新录入的家庭" : "家庭已不在库中");
        else
            snprintf(out, size, "记录变更：%s 由 %s 改为 %s", c->name ? c->name : "?",
                     c->old && *c->old ? c->old : "（无）", c->new_ && *c->new_ ? c->new_ : "（无）");
        break;
    case BF_CAUSE_PARAMETER:
        snprintf(out, size, "参数变更：%s 由 %s 改为 %s", c->name, c->old ? c->old : "（无）",
                 c->new_ ? c->new_ : "（无）");
        break;
    case BF_CAUSE_SCRIPT:
        snprintf(out, size, "政策脚本变更：%s", c->name);
        break;
    case BF_CAUSE_DATE:
        snprintf(out, size, "仅评估日期变化：%s → %s（年龄跨线或新标准生效）", c->old, c->new_);
        break;
    case BF_CAUSE_UNKNOWN:
        snprintf(out, size, "原因不明：记录、参数、脚本和日期均未变化（可能是 policies/lib 或插件变化）");
        break;
    }
}

/* A decision side in a few words ("合格 1200.00 元 (tier)", "不合格", "错误"). */
static void side_text(const bf_diff_side *s, char *out, size_t size)
{
    char yuan[BF_MONEY_STRLEN];
    bf_money_format(s->amount, yuan);
    if (s->error)
        snprintf(out, size, "评估出错");
    else if (!s->eligible)
        snprintf(out, size, "不符合");
    else if (s->tier)
        snprintf(out, size, "符合 %s 元（%s）", yuan, s->tier);
    else
        snprintf(out, size, "符合 %s 元", yuan);
}

/* One row of a totals table: the name padded by display columns (Chinese town names and
 * headings line up), then the numbers, as text_header lays them out. */
static void text_row(FILE *out, const char *name, const char *const cells[6])
{
    static const int widths[6] = {8, 8, 8, 8, 8, 14};
    fputs("  ", out);
    bf_fput_cell(out, name, 20, false);
    for (int i = 0; i < 6; i++) {
        fputc(' ', out);
        bf_fput_cell(out, cells[i], widths[i], true);
    }
    fputc('\n', out);
}

static void text_totals_row(FILE *out, const char *name, const bf_diff_totals *t)
{
    char n[5][24], delta[BF_MONEY_STRLEN];
    const int64_t v[5] = {t->entered, t->left, t->raised, t->cut, t->other};
    for (int i = 0; i < 5; i++)
        snprintf(n[i], sizeof n[i], "%" PRId64, v[i]);
    bf_money_format(t->after - t->before, delta);
    const char *const cells[6] = {n[0], n[1], n[2], n[3], n[4], delta};
    text_row(out, name, cells);
}

static void text_header(FILE *out, const char *what)
{
    /* TRANSLATORS: the headings of diff's tables: decisions that entered (are eligible now, were
     * not), left, were raised or cut, changed otherwise, and the change of the yearly amount */
    const char *const cells[6] = {C_("diff", "entered"), C_("diff", "left"), C_("diff", "raised"),
                                  C_("diff", "cut"), C_("diff", "other"), _("delta yuan")};
    text_row(out, what, cells);
}

void bf_report_diff_text(FILE *out, const bf_run_diff *d)
{
    fprintf(out, P_("run %lld (%s) → run %lld (%s): %d household with changed decisions\n",
                    "run %lld (%s) → run %lld (%s): %d households with changed decisions\n",
                    d->n_households),
            (long long)d->from.id, d->from.eval_date, (long long)d->to.id, d->to.eval_date,
            d->n_households);
    fputs(_("\nper policy (decisions):\n"), out);
    text_header(out, _("policy"));
    for (int i = 0; i < d->n_policies; i++)
        text_totals_row(out, d->policies[i].policy, &d->policies[i].t);
    text_totals_row(out, _("total"), &d->county);
    fputs(_("\nper town (decisions):\n"), out);
    text_header(out, _("town"));
    for (int i = 0; i < d->n_towns; i++)
        text_totals_row(out, d->towns[i].town[0] ? d->towns[i].town : _("(gone)"), &d->towns[i].t);
    for (int i = 0; i < d->n_households; i++) {
        const bf_diff_household *h = &d->households[i];
        fprintf(out, "\n%s  %s %s\n", h->id, h->town, h->village);
        for (int k = 0; k < h->n_causes; k++) {
            char line[1200];
            cause_text(&h->causes[k], line, sizeof line);
            fprintf(out, "  原因  %s\n", line);
        }
        for (int k = 0; k < h->n_changes; k++) {
            const bf_diff_change *c = &h->changes[k];
            char before[200], after[200];
            side_text(&c->before, before, sizeof before);
            side_text(&c->after, after, sizeof after);
            fprintf(out, "  %s%s%s  %s → %s\n", c->title, c->member ? " · " : "",
                    c->member ? c->member : "", before, after);
        }
    }
}

/* ---- CSV ---- */

static void csv_totals(FILE *out, const bf_diff_totals *t)
{
    char b[BF_MONEY_STRLEN], a[BF_MONEY_STRLEN], dl[BF_MONEY_STRLEN];
    bf_money_format(t->before, b);
    bf_money_format(t->after, a);
    bf_money_format(t->after - t->before, dl);
    fprintf(out, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,%s,%s\r\n",
            t->entered, t->left, t->raised, t->cut, t->other, b, a, dl);
}

static void csv_side(FILE *out, const bf_diff_side *s)
{
    char yuan[BF_MONEY_STRLEN];
    bf_money_format(s->amount, yuan);
    fprintf(out, ",%s,%s,", s->error ? "error" : s->eligible ? "true" : "false", yuan);
    bf__csv_field(out, s->tier ? s->tier : "");
}

/* A household's causes as one text, the sentences joined by '；'. */
static void causes_joined(const bf_diff_household *h, bf_buf *out)
{
    for (int k = 0; k < h->n_causes; k++) {
        char line[1200];
        cause_text(&h->causes[k], line, sizeof line);
        if (k)
            bf_buf_puts(out, "；");
        bf_buf_puts(out, line);
    }
}

static void csv_households(FILE *out, const bf_run_diff *d)
{
    fputs("household,town,village,policy,member,before_eligible,before_amount,before_tier,"
          "after_eligible,after_amount,after_tier,causes\r\n", out);
    for (int i = 0; i < d->n_households; i++) {
        const bf_diff_household *h = &d->households[i];
        bf_buf causes = {0};
        causes_joined(h, &causes);
        for (int k = 0; k < h->n_changes; k++) {
            const bf_diff_change *c = &h->changes[k];
            bf__csv_field(out, h->id);
            fputc(',', out);
            bf__csv_field(out, h->town);
            fputc(',', out);
            bf__csv_field(out, h->village);
            fputc(',', out);
            bf__csv_field(out, c->policy);
            fputc(',', out);
            bf__csv_field(out, c->member ? c->member : "");
            csv_side(out, &c->before);
            csv_side(out, &c->after);
            fputc(',', out);
            bf__csv_field(out, bf_buf_str(&causes));
            fputs("\r\n", out);
        }
        bf_buf_free(&causes);
    }
}

void bf_report_diff_csv(FILE *out, const bf_run_diff *d, bf_diff_table table)
{
    fputs("\xEF\xBB\xBF", out);
    if (table == BF_DIFF_TABLE_HOUSEHOLDS) {
        csv_households(out, d);
        return;
    }
    const char *key = table == BF_DIFF_TABLE_POLICIES ? "policy" : "town";
    fprintf(out, "%s,entered,left,raised,cut,other,before_amount,after_amount,delta_amount\r\n", key);
    int n = table == BF_DIFF_TABLE_POLICIES ? d->n_policies : d->n_towns;
    for (int i = 0; i < n; i++) {
        bf__csv_field(out, table == BF_DIFF_TABLE_POLICIES ? d->policies[i].policy : d->towns[i].town);
        csv_totals(out, table == BF_DIFF_TABLE_POLICIES ? &d->policies[i].t : &d->towns[i].t);
    }
}

/* ---- HTML: the monthly change report ---- */

static const bf_html_column totals_cols[] = {
    {"name", "", false}, {"entered", "新纳入", true}, {"left", "退出", true},
    {"raised", "提标", true}, {"cut", "降标", true}, {"other", "其他变化", true},
    {"before", "变化前（元/年）", true}, {"after", "变化后（元/年）", true},
    {"delta", "增减（元/年）", true},
};

static int html_totals_row(bf_html_table *t, const char *key, const char *label,
                           const bf_diff_totals *x, bool footer)
{
    char v[8][BF_HTML_NUMLEN];
    int64_t nums[8] = {x->entered, x->left, x->raised, x->cut, x->other, x->before, x->after,
                       x->after - x->before};
    for (int c = 0; c < 8; c++)
        bf_html_format_scaled(nums[c], c >= 5 ? 2 : 0, v[c]);
    const char *cells[] = {label, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
    return footer ? bf__html_table_footer(t, key, cells) : bf_html_table_row(t, key, cells);
}

static int html_policies(bf_html *page, const bf_run_diff *d)
{
    bf_html_column cols[9];
    memcpy(cols, totals_cols, sizeof cols);
    cols[0] = (bf_html_column){"policy", "政策", false};
    bf_html_table *t = bf_html_table_new(page, "policies", "按政策：变化的决定", cols, 9);
    int rc = t ? BF_OK : BF_ENOMEM;
    for (int i = 0; rc == BF_OK && i < d->n_policies; i++)
        rc = html_totals_row(t, d->policies[i].policy, d->policies[i].title, &d->policies[i].t,
                             false);
    return rc == BF_OK ? html_totals_row(t, "total", "合计", &d->county, true) : rc;
}

/* Per town: a table, then a chart of entered and left, and one of the change in amount. */
static int html_towns(bf_html *page, const bf_run_diff *d)
{
    bf_html_column cols[9];
    memcpy(cols, totals_cols, sizeof cols);
    cols[0] = (bf_html_column){"town", "镇", false};
    bf_html_table *t = bf_html_table_new(page, "towns", "按镇：变化的决定", cols, 9);
    int rc = t ? BF_OK : BF_ENOMEM;
    int n = d->n_towns;
    const char **labels = calloc((size_t)n + 1, sizeof *labels);
    int64_t *entered = calloc((size_t)n + 1, sizeof *entered);
    int64_t *left = calloc((size_t)n + 1, sizeof *left);
    int64_t *delta = calloc((size_t)n + 1, sizeof *delta);
    if (!labels || !entered || !left || !delta)
        rc = BF_ENOMEM;
    for (int i = 0; rc == BF_OK && i < n; i++) {
        const bf_diff_town *tw = &d->towns[i];
        labels[i] = tw->town[0] ? tw->town : "（已不在库中）";
        entered[i] = tw->t.entered;
        left[i] = tw->t.left;
        delta[i] = tw->t.after - tw->t.before;
        rc = html_totals_row(t, tw->town, labels[i], &tw->t, false);
    }
    if (rc == BF_OK && n > 0) {
        bf_html_chart moves = {"chart-towns-moves", "按镇：新纳入与退出的决定", "项", 0, labels,
                               NULL, n, {{"新纳入", entered}, {"退出", left}}, 2};
        rc = bf_html_bar_chart(page, &moves);
    }
    if (rc == BF_OK && n > 0) {
        bf_html_chart money = {"chart-towns-delta", "按镇：年度金额增减（元）", "元", 2, labels,
                               NULL, n, {{NULL, delta}, {NULL, NULL}}, 1};
        rc = bf_html_bar_chart(page, &money);
    }
    free(labels);
    free(entered);
    free(left);
    free(delta);
    return rc;
}

/* A decision's reasons joined for a table cell. */
static void reasons_cell(bf_buf *out, const bf_diff_side *s)
{
    if (s->error)
        bf_buf_puts(out, s->error);
    else if (!s->reasons || !bf_json_join_strings(out, s->reasons, "；"))
        bf_buf_puts(out, "");
}

static int html_households(bf_html *page, const bf_run_diff *d)
{
    static const bf_html_column cols[] = {
        {"household", "户", false}, {"town", "镇", false}, {"village", "村", false},
        {"causes", "原因", false}, {"policy", "政策", false}, {"member", "成员", false},
        {"before", "变化前", false}, {"after", "变化后", false}, {"reasons", "变化后的理由", false},
    };
    bf_html_table *t = bf_html_table_new(page, "households", "按户：每项变化的决定及其原因",
                                         cols, 9);
    int rc = t ? BF_OK : BF_ENOMEM;
    for (int i = 0; rc == BF_OK && i < d->n_households; i++) {
        const bf_diff_household *h = &d->households[i];
        bf_buf causes = {0};
        causes_joined(h, &causes);
        for (int k = 0; rc == BF_OK && k < h->n_changes; k++) {
            const bf_diff_change *c = &h->changes[k];
            char before[200], after[200], key[BF_ID_BYTES * 2 + 300];
            side_text(&c->before, before, sizeof before);
            side_text(&c->after, after, sizeof after);
            bf_buf reasons = {0};
            reasons_cell(&reasons, &c->after);
            snprintf(key, sizeof key, "%s/%s/%s", h->id, c->policy, c->member ? c->member : "");
            const char *cells[] = {h->id, h->town, h->village, bf_buf_str(&causes), c->title,
                                   c->member ? c->member : "", before, after, bf_buf_str(&reasons)};
            rc = causes.oom || reasons.oom ? BF_ENOMEM : bf_html_table_row(t, key, cells);
            bf_buf_free(&reasons);
        }
        bf_buf_free(&causes);
    }
    return rc;
}

int bf_report_diff_html(const char *path, const bf_run_diff *d, bf_errors *errs)
{
    char title[200];
    snprintf(title, sizeof title, "月度变化报告：运行 %" PRId64 " → 运行 %" PRId64, d->from.id,
             d->to.id);
    bf_html *page = bf_html_new(title);
    if (!page) {
        bf_errors_add(errs, "%s: out of memory", path);
        return BF_ENOMEM;
    }
    char from[120], to[120], households[40], params[40], scripts[40];
    snprintf(from, sizeof from, "运行 %" PRId64 "，评估日期 %s", d->from.id, d->from.eval_date);
    snprintf(to, sizeof to, "运行 %" PRId64 "，评估日期 %s", d->to.id, d->to.eval_date);
    snprintf(households, sizeof households, "%d", d->n_households);
    snprintf(params, sizeof params, "%d", d->between.n_params);
    snprintf(scripts, sizeof scripts, "%d", d->between.n_scripts);
    const char *facts[] = {"变化前", from, "变化后", to, "决定有变化的户", households,
                           "变化的参数", params, "变化的文件", scripts};
    int rc = bf_html_facts(page, facts, 5);
    if (rc == BF_OK)
        rc = bf_html_heading(page, 2, "按政策");
    if (rc == BF_OK)
        rc = html_policies(page, d);
    if (rc == BF_OK)
        rc = bf_html_heading(page, 2, "按镇");
    if (rc == BF_OK)
        rc = html_towns(page, d);
    if (rc == BF_OK)
        rc = bf_html_heading(page, 2, "按户");
    if (rc == BF_OK)
        rc = html_households(page, d);
    if (rc == BF_OK)
        rc = bf__html_save(page, path, errs);
    else
        bf_errors_add(errs, "%s: out of memory", path);
    bf_html_free(page);
    return rc;
}
