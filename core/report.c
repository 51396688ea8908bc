/* report.c — JSON and text renderings of decisions. */
#include "report.h"

#include <string.h>

static void json_text_or_null(bf_buf *out, const char *s)
{
    if (s)
        bf_buf_json_string(out, s, strlen(s));
    else
        bf_buf_puts(out, "null");
}

void bf_report_decision_fields(bf_buf *out, const bf_policy *p, const bf_household *h,
                               const bf_result *r, const bf_decision *d, bool explain)
{
    bf_buf_puts(out, "\"policy\":");
    bf_buf_json_string(out, p->id, strlen(p->id));
    bf_buf_puts(out, ",\"member\":");
    json_text_or_null(out, d->member >= 0 ? h->members[d->member].id : NULL);
    bf_buf_printf(out, ",\"eligible\":%s,\"amount\":", d->eligible ? "true" : "false");
    bf_buf_json_money(out, d->amount);
    bf_buf_puts(out, ",\"tier\":");
    json_text_or_null(out, bf_result_text(r, d->tier));
    const char *reasons = bf_result_text(r, d->reasons);
    const char *details = bf_result_text(r, d->details);
    bf_buf_printf(out, ",\"reasons\":%s,\"details\":%s", reasons ? reasons : "[]",
                  details ? details : "{}");
    if (d->failed) {
        bf_buf_puts(out, ",\"error\":");
        json_text_or_null(out, bf_result_text(r, d->error));
    }
    if (explain) {
        const char *params = bf_result_text(r, d->params_read);
        bf_buf_printf(out, ",\"params\":%s,\"trace\":", params ? params : "{}");
        json_text_or_null(out, bf_result_text(r, d->trace));
    }
}

void bf_report_household_json(bf_buf *out, const bf_engine *e, const bf_household *h,
                              bf_date date, const bf_result *r, bool explain)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    char d[BF_DATE_STRLEN];
    bf_date_format(date, d);
    bf_buf_puts(out, "{\"household\":");
    bf_buf_json_string(out, h->id, strlen(h->id));
    bf_buf_printf(out, ",\"date\":\"%s\",\"decisions\":[", d);
    bool first = true;
    for (int i = 0; i < r->n; i++) {
        const bf_decision *dec = &r->d[i];
        if (!pol[dec->policy].reported)
            continue;
        bf_buf_puts(out, first ? "\n  {" : ",\n  {");
        first = false;
        bf_report_decision_fields(out, &pol[dec->policy], h, r, dec, explain);
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

void bf_report_household_text(FILE *out, const bf_engine *e, const bf_household *h, bf_date date,
                              const bf_result *r, bool explain)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    char d[BF_DATE_STRLEN];
    bf_date_format(date, d);
    fprintf(out, "户 %s（%s %s），%d 人，评估日期 %s\n", h->id, h->town, h->village, h->n_members, d);
    int last_policy = -1;
    for (int i = 0; i < r->n; i++) {
        const bf_decision *dec = &r->d[i];
        const bf_policy *p = &pol[dec->policy];
        if (!p->reported)
            continue;
        if (dec->policy != last_policy) {
            fprintf(out, "\n%s（%s）\n", p->title, p->id);
            last_policy = dec->policy;
        }
        const char *indent = "  ";
        if (dec->member >= 0) {
            const bf_member *m = &h->members[dec->member];
            fprintf(out, "  成员 %s%s%s：", m->id, m->name[0] ? " " : "", m->name);
            indent = "    ";
        } else {
            fputs("  ", out);
        }
        if (dec->failed) {
            fprintf(out, "错误 %s\n", bf_result_text(r, dec->error));
            continue;
        }
        char amount[BF_MONEY_STRLEN];
        bf_money_format(dec->amount, amount);
        const char *tier = bf_result_text(r, dec->tier);
        if (dec->eligible)
            fprintf(out, "符合，%s 元/年%s%s%s\n", amount, tier ? "（" : "", tier ? tier : "",
                    tier ? "）" : "");
        else
            fputs("不符合\n", out);
        print_reason_lines(out, bf_result_text(r, dec->reasons), indent);
        if (explain) {
            const char *params = bf_result_text(r, dec->params_read);
            const char *trace = bf_result_text(r, dec->trace);
            fprintf(out, "%s参数：%s\n", indent, params ? params : "{}");
            if (trace && *trace)
                fprintf(out, "%s输出：%s", indent, trace);
        }
    }
}
