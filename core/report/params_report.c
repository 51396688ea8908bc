/* params_report.c — the parameters in force on a date as JSON (one function for the command
 * line and the server). */
#include "params_report.h"

#include <string.h>

int bf_report_param_in_force(const bf_param *p, bf_date date, char from[BF_DATE_STRLEN],
                             char range[128])
{
    int v = bf_param_value_on(p, date);
    from[0] = '\0';
    if (v >= 0)
        bf_date_format(p->values[v].from, from);
    bf_param_range_text(p, range, 128);
    return v;
}

void bf_report_params_json(bf_buf *out, const bf_params *ps, bf_date date)
{
    char d[BF_DATE_STRLEN];
    bf_date_format(date, d);
    bf_buf_printf(out, "{\"date\":\"%s\",\"parameters\":[", d);
    for (int i = 0; i < ps->n; i++) {
        const bf_param *p = &ps->items[i];
        char from[BF_DATE_STRLEN], range[128];
        int v = bf_report_param_in_force(p, date, from, range);
        bf_buf_puts(out, i ? ",\n" : "\n");
        bf_buf_puts(out, "{\"name\":");
        bf_buf_json_string(out, p->name, strlen(p->name));
        bf_buf_printf(out, ",\"value\":%s,\"from\":", v >= 0 ? p->values[v].text : "null");
        if (v >= 0)
            bf_buf_printf(out, "\"%s\"", from);
        else
            bf_buf_puts(out, "null");
        const char *fields[] = {"unit", p->unit, "title", p->title, "source", p->source,
                                "kind", bf_param_kind_name(p->range.kind), "range", range};
        for (int f = 0; f < 10; f += 2) {
            bf_buf_printf(out, ",\"%s\":", fields[f]);
            bf_buf_json_string(out, fields[f + 1], strlen(fields[f + 1]));
        }
        bf_buf_puts(out, "}");
    }
    bf_buf_puts(out, "\n]}\n");
}
