/* handbook.c — the rules handbook page. */
#include "handbook.h"
#include "bangfu.h"
#include "buf.h"
#include "fielddoc.h"
#include "html.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *bf__script_summary(const char *src)
{
    bf_buf b = {0};
    const char *line = src;
    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len < 2 || line[0] != '-' || line[1] != '-')
            break;
        const char *text = line + 2;
        size_t tlen = len - 2;
        if (tlen && *text == ' ') {
            text++;
            tlen--;
        }
        bf_buf_add(&b, text, tlen);
        bf_buf_add(&b, "\n", 1);
        line = end ? end + 1 : NULL;
    }
    char *out = strdup(bf_buf_str(&b));
    bf_buf_free(&b);
    return out;
}

/* "532（2020-01-01 起）；551（2021-01-01 起）" and the value in force on date into now. */
static void dated_values(const bf_param *p, bf_date date, bf_buf *all, char *now, size_t size)
{
    int in_force = bf_param_value_on(p, date);
    snprintf(now, size, "%s", in_force >= 0 ? p->values[in_force].text : "（尚无）");
    for (int v = 0; v < p->n_values; v++) {
        char from[BF_DATE_STRLEN];
        bf_date_format(p->values[v].from, from);
        bf_buf_printf(all, "%s%s（%s 起）", v ? "；" : "", p->values[v].text, from);
    }
}

static const bf_html_column param_cols[] = {
    {"name", "参数", false}, {"title", "名称", false}, {"unit", "单位", false},
    {"now", "现行值", true}, {"values", "各期取值", false}, {"range", "允许范围", false},
    {"source", "来源", false},
};

static void param_row(bf_html_table *t, const bf_param *p, bf_date date)
{
    bf_buf values = {0};
    char now[48], range[128];
    dated_values(p, date, &values, now, sizeof now);
    bf_param_range_text(p, range, sizeof range);
    const char *cells[] = {p->name, p->title, p->unit, now, bf_buf_str(&values), range, p->source};
    bf_html_table_row(t, p->name, cells);
    bf_buf_free(&values);
}

static const char *policy_title(const bf_handbook *hb, int k)
{
    return hb->policies[k].title ? hb->policies[k].title : hb->policies[k].id;
}

/* The row of policy id in the static reads, or NULL. */
static const bool *reads_of(const bf_handbook *hb, const char *id)
{
    for (int i = 0; hb->reads && i < hb->reads->n; i++)
        if (strcmp(hb->reads->policies[i], id) == 0)
            return hb->reads->read + (size_t)i * (size_t)hb->reads->n_params;
    return NULL;
}

static void policy_section(bf_html *page, const bf_handbook *hb, int k)
{
    const bf_policy *p = &hb->policies[k];
    char heading[512];
    snprintf(heading, sizeof heading, "%s（%s）", policy_title(hb, k), p->id);
    bf_html_heading(page, 2, heading);
    bf_buf req = {0};
    for (int r = 0; r < p->n_requires; r++)
        bf_buf_printf(&req, "%s%s（%s）", r ? "、" : "", policy_title(hb, p->requires[r]),
                      hb->policies[p->requires[r]].id);
    const char *facts[] = {
        "依据", p->basis ? p->basis : "（脚本未写明）",
        "主管部门", p->department ? p->department : "（脚本未写明）",
        "对象", p->scope == BF_SCOPE_MEMBER ? "每名成员一项决定" : "每户一项决定",
        "依赖", p->n_requires ? bf_buf_str(&req) : "无",
        "脚本", p->display,
    };
    bf_html_facts(page, facts, 5);
    bf_buf_free(&req);
    char *summary = bf__script_summary(p->src);
    if (summary && *summary) {
        bf_html_heading(page, 3, "规则（脚本开头的说明）");
        bf_html_paragraph(page, "rule", summary);
    }
    free(summary);
    const bool *reads = reads_of(hb, p->id);
    char id[300];
    snprintf(id, sizeof id, "params-%s", p->id);
    bf_html_table *t = bf_html_table_new(page, id, "读取的参数", param_cols, 7);
    int n = 0;
    for (int i = 0; reads && i < hb->params->n; i++)
        if (reads[i]) {
            param_row(t, &hb->params->items[i], hb->date);
            n++;
        }
    if (!n)
        bf_html_paragraph(page, "note", "此政策不读取参数。");
}

static const bf_html_column field_cols[] = {
    {"field", "字段", false}, {"type", "类型", false}, {"values", "取值", false},
    {"meaning", "含义", false},
};

static void field_table(bf_html *page, bf_record_kind kind)
{
    bool household = kind == BF_RECORD_HOUSEHOLD;
    bf_html_table *t = bf_html_table_new(page, household ? "fields-household" : "fields-member",
                                         household ? "户（脚本中的 h）" : "成员（脚本中的 m，或 h.members 的每一项）",
                                         field_cols, 4);
    int n = bf_field_count(kind);
    for (int i = 0; i <= n; i++) {
        const char *name = i < n ? bf_field_name(kind, i) : household ? "members" : NULL;
        if (!name)
            break;
        const bf_field_doc *d = bf_field_doc_find(kind, name);
        char field[80], values[400] = "";
        snprintf(field, sizeof field, "%s.%s", household ? "h" : "m", name);
        if (d && d->enum_kind >= 0) {
            snprintf(values, sizeof values, "%s", bf_enum_allowed((bf_enum_kind)d->enum_kind));
            for (char *c = values; (c = strchr(c, '|'));)
                *c = ' ';
        }
        const char *cells[] = {field, d ? d->type : "", values, d ? d->meaning : ""};
        bf_html_table_row(t, name, cells);
    }
}

static void areas_table(bf_html *page, const bf_areas *a)
{
    static const bf_html_column cols[] = {
        {"town", "镇", false}, {"count", "村数", true}, {"villages", "行政村", false},
    };
    bf_html_table *t = bf_html_table_new(page, "areas", bf_areas_county(a), cols, 3);
    for (int i = 0; i < bf_areas_town_count(a); i++) {
        bf_buf villages = {0};
        int nv = bf_areas_village_count(a, i);
        for (int v = 0; v < nv; v++) {
            bool verified;
            const char *name = bf_areas_village_name(a, i, v, &verified);
            bf_buf_printf(&villages, "%s%s%s", v ? "、" : "", name, verified ? "" : "*");
        }
        char count[16];
        snprintf(count, sizeof count, "%d", nv);
        const char *cells[] = {bf_areas_town_name(a, i), count, bf_buf_str(&villages)};
        bf_html_table_row(t, bf_areas_town_name(a, i), cells);
        bf_buf_free(&villages);
    }
}

int bf_handbook_write(const bf_handbook *hb, const char *path, bf_errors *errs)
{
    bf_html *page = bf_html_new("农村社会救助政策规则手册");
    if (!page) {
        bf_errors_add(errs, "%s", _("out of memory"));
        return BF_ENOMEM;
    }
    char date[BF_DATE_STRLEN], intro[600];
    bf_date_format(hb->date, date);
    snprintf(intro, sizeof intro, "本手册由 bangfu doc 根据政策脚本（policies/*.lua）、参数表"
             "（policies/params.xml）和乡镇村名单（policies/areas.xml）生成，现行值按 %s 计。"
             "修改标准、新增政策、编写测试用例的方法见 policies/README.md。", date);
    bf_html_paragraph(page, "note", intro);
    for (int k = 0; k < hb->n_policies; k++)
        policy_section(page, hb, k);
    bf_html_heading(page, 2, "全部参数（params.xml）");
    bf_html_table *t = bf_html_table_new(page, "params", NULL, param_cols, 7);
    for (int i = 0; i < hb->params->n; i++)
        param_row(t, &hb->params->items[i], hb->date);
    bf_html_heading(page, 2, "记录字段");
    bf_html_paragraph(page, "note", "脚本读取的户和成员字段；金额单位为元，记录只读。");
    field_table(page, BF_RECORD_HOUSEHOLD);
    field_table(page, BF_RECORD_MEMBER);
    if (hb->areas) {
        bf_html_heading(page, 2, "乡镇与行政村（areas.xml）");
        bf_html_paragraph(page, "note", "标 * 的村名尚未与县里的正式名单核对。");
        areas_table(page, hb->areas);
    }
    int rc;
    if (path)
        rc = bf__html_save(page, path, errs);
    else {
        char *html;
        size_t len;
        rc = bf_html_render(page, &html, &len);
        if (rc == BF_OK) {
            if (fwrite(html, 1, len, stdout) != len || fflush(stdout) != 0) {
                bf_errors_add(errs, "%s", _("cannot write to standard output"));
                rc = BF_EIO;
            }
            free(html);
        } else
            bf_errors_add(errs, "%s", _("out of memory"));
    }
    bf_html_free(page);
    return rc;
}
