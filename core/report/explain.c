/* explain.c — the parameters a decision read, with the law behind them. */
#include "explain.h"
#include "bangfu.h"
#include "i18n.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

/* What one read parameter is: its definition and the value in force on the date. */
typedef struct param_read {
    const bf_param *def;             /* NULL: not in params.xml (cannot happen for a read) */
    const bf_param_value *in_force;  /* NULL when no value is in force */
    bool is_in_force;                /* the value read is the one in force */
} param_read;

static param_read look_up(const bf_params *ps, bf_date date, const char *name, const char *value)
{
    param_read r = {NULL, NULL, false};
    int i = bf_params_index(ps, name);
    if (i < 0)
        return r;
    r.def = &ps->items[i];
    int v = bf_param_value_on(r.def, date);
    if (v >= 0) {
        r.in_force = &r.def->values[v];
        r.is_in_force = strtod(value, NULL) == r.in_force->value;
    }
    return r;
}

static void json_text(bf_buf *out, const char *s)
{
    if (s)
        bf_buf_json_string(out, s, strlen(s));
    else
        bf_buf_puts(out, "null");
}

void bf__explain_params_json(bf_buf *out, const bf_params *ps, bf_date date, const char *params_read)
{
    bf_buf_puts(out, "[");
    bf_json_iter it;
    bf_json_item item;
    int n = 0;
    const char *text = params_read ? params_read : "{}";
    if (bf_json_iter_init(&it, text, strlen(text)) == BF_OK) {
        while (bf_json_next(&it, &item) == 1) {
            param_read r = look_up(ps, date, item.key, item.value);
            bf_buf_puts(out, n++ ? ",{\"name\":" : "{\"name\":");
            json_text(out, item.key);
            bf_buf_puts(out, ",\"title\":");
            json_text(out, r.def ? r.def->title : NULL);
            bf_buf_printf(out, ",\"value\":%s,\"unit\":",
                          item.kind == BF_JSON_NUMBER ? item.value : "null");
            json_text(out, r.def ? r.def->unit : NULL);
            char from[BF_DATE_STRLEN] = "";
            if (r.in_force)
                bf_date_format(r.in_force->from, from);
            if (r.is_in_force)
                bf_buf_printf(out, ",\"from\":\"%s\"", from);
            else
                bf_buf_printf(out, ",\"from\":null,\"in_force\":%s",
                              r.in_force ? r.in_force->text : "null");
            bf_buf_puts(out, ",\"source\":");
            json_text(out, r.def ? r.def->source : NULL);
            bf_buf_puts(out, "}");
        }
    }
    bf_json_iter_free(&it);
    bf_buf_puts(out, "]");
}

void bf__explain_params_text(FILE *out, const char *indent, const bf_params *ps, bf_date date,
                            const char *params_read)
{
    bf_json_iter it;
    bf_json_item item;
    const char *text = params_read ? params_read : "{}";
    if (bf_json_iter_init(&it, text, strlen(text)) != BF_OK)
        return;
    while (bf_json_next(&it, &item) == 1) {
        param_read r = look_up(ps, date, item.key, item.value);
        if (!r.def) {
            fprintf(out, _("%sparameter %s = %s\n"), indent, item.key, item.value);
            continue;
        }
        char from[BF_DATE_STRLEN] = "";
        if (r.in_force)
            bf_date_format(r.in_force->from, from);
        if (r.is_in_force)
            fprintf(out, _("%sparameter %s (%s) = %s %s, in force since %s; source: %s\n"), indent,
                    r.def->title, item.key, item.value, r.def->unit, from, r.def->source);
        else if (r.in_force)
            fprintf(out, _("%sparameter %s (%s) = %s %s, a value tried (the value in force is %s); "
                           "source: %s\n"), indent, r.def->title, item.key, item.value,
                    r.def->unit, r.in_force->text, r.def->source);
        else
            fprintf(out, _("%sparameter %s (%s) = %s %s, a value tried (no value is in force); "
                           "source: %s\n"), indent, r.def->title, item.key, item.value,
                    r.def->unit, r.def->source);
    }
    bf_json_iter_free(&it);
}

void bf__explain_policy_json(bf_buf *out, const bf_policy *p)
{
    bf_buf_puts(out, ",\"basis\":");
    json_text(out, p->basis);
    bf_buf_puts(out, ",\"department\":");
    json_text(out, p->department);
}

void bf__explain_policy_text(FILE *out, const char *indent, const bf_policy *p)
{
    if (p->basis && p->department)
        fprintf(out, _("%sbasis: %s; department: %s\n"), indent, p->basis, p->department);
    else if (p->basis)
        fprintf(out, _("%sbasis: %s\n"), indent, p->basis);
    else if (p->department)
        fprintf(out, _("%sdepartment: %s\n"), indent, p->department);
}
