/* whatif_page.c — the what-if in a browser: every parameter grouped by the policy it belongs to,
 * with its title, unit and the value in force; the changed values become a simulation on the
 * queue, whose page shows its progress (reloading itself, no script) and then its result: the
 * simulate report, the same function as simulate --report. */
#include "internal.h"
#include "bangfu.h"
#include "html.h"
#include "i18n.h"
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether parameter name belongs to policy id ("dibao.standard" to "dibao"). */
static bool belongs(const char *name, const char *id)
{
    size_t n = strlen(id);
    return strncmp(name, id, n) == 0 && name[n] == '.';
}

/* One form field per parameter: its title and unit, the value in force as the value. */
static int add_param_fields(bf_html_field *f, int n, const bf_param *p, bf_date date,
                            char label[][300])
{
    int v = bf_param_value_on(p, date);
    snprintf(label[n], 300, "%s（%s）", p->title, p->unit);
    f[n] = (bf_html_field){"number", p->name, label[n], v >= 0 ? p->values[v].text : NULL, p->name};
    return n + 1;
}

void bf__page_whatif_form(bf_request *req, bf_response *res, const char *message)
{
    bf_date date = bf_date_today();
    char date_text[BF_DATE_STRLEN];
    bf_date_format(date, date_text);
    bf_lookup *l = bf__lookup_answer(req, res);
    if (!l)
        return;
    bf_errors errs;
    bf_errors_init(&errs, 5);
    bf_engine *e = bf__lookup_engine(req->server, l, date, false, &errs);
    bf_errors_free(&errs);
    if (!e) {
        bf__res_error(req, res, 500, _("the policies could not be loaded"));
        return;
    }
    const bf_params *ps = req->server->cfg.params;
    int np;
    const bf_policy *pol = bf_engine_policies(e, &np);
    size_t cap = (size_t)ps->n + (size_t)np + 4;
    bf_html_field *f = calloc(cap, sizeof *f);
    char (*label)[300] = calloc(cap, sizeof *label);
    bool *used = calloc((size_t)ps->n + 1, sizeof *used);
    bf_html *page = f && label && used ? bf__page_new(req, _("What if a standard changes")) : NULL;
    if (page) {
        if (message)
            bf_html_paragraph(page, "note", message);
        bf_html_paragraph(page, NULL, _("Change the values to try, then simulate: every household is "
                                        "evaluated with the values in force and with yours, and "
                                        "nothing is stored."));
        int n = 0;
        f[n++] = (bf_html_field){"hidden", "csrf", NULL, req->session.csrf, NULL};
        f[n++] = (bf_html_field){"date", "date", _("Evaluation date"), date_text, NULL};
        for (int k = 0; k < np; k++) {
            f[n++] = (bf_html_field){"legend", pol[k].id, pol[k].title, NULL, NULL};
            for (int i = 0; i < ps->n; i++)
                if (!used[i] && belongs(ps->items[i].name, pol[k].id)) {
                    used[i] = true;
                    n = add_param_fields(f, n, &ps->items[i], date, label);
                }
        }
        f[n++] = (bf_html_field){"legend", "other", _("Other parameters"), NULL, NULL};
        for (int i = 0; i < ps->n; i++)
            if (!used[i])
                n = add_param_fields(f, n, &ps->items[i], date, label);
        bf_html_form(page, "whatif", "/whatif", "post", f, n, _("Simulate"));
    }
    bf__page_send(res, page, message ? 400 : 200);
    free(f);
    free(label);
    free(used);
}

/* Reads the changed values of the form into sets (those equal to the value in force on date are
 * not changes); false with the reason in errs. */
static bool changed_values(bf_request *req, const bf_params *ps, bf_date date, bf_override *sets,
                           int *n, bf_errors *errs)
{
    *n = 0;
    for (int i = 0; i < ps->n; i++) {
        const bf_param *p = &ps->items[i];
        char value[64];
        if (!bf__req_form(req, p->name, value, sizeof value) || !value[0])
            continue;
        int v = bf_param_value_on(p, date);
        char *end;
        errno = 0;
        double given = strtod(value, &end);
        if (v >= 0 && !*end && !errno && given == p->values[v].value)
            continue;                            /* the value in force: no change */
        char arg[256];
        snprintf(arg, sizeof arg, "%s=%s", p->name, value);
        if (*n == BF_SERVE_MAX_SETS) {
            bf_errors_add(errs, "%s", _("too many changed values"));
            return false;
        }
        if (bf_override_parse(arg, &sets[*n], errs) != BF_OK)
            return false;
        (*n)++;
    }
    if (*n == 0)
        bf_errors_add(errs, "%s", _("No value differs from the one in force: change at least one."));
    return *n > 0;
}

void bf__page_whatif_post(bf_request *req, bf_response *res)
{
    char text[BF_DATE_STRLEN + 8] = "", msg[400];
    bf_date date;
    bf__req_form(req, "date", text, sizeof text);
    if (bf_date_parse(text, &date) != BF_OK) {
        snprintf(msg, sizeof msg, _("date must be an existing date YYYY-MM-DD, got '%.40s'"), text);
        bf__page_whatif_form(req, res, msg);
        return;
    }
    bf_override sets[BF_SERVE_MAX_SETS];
    int n;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    if (!changed_values(req, req->server->cfg.params, date, sets, &n, &errs)) {
        bf__page_whatif_form(req, res, bf_errors_first(&errs));
        bf_errors_free(&errs);
        return;
    }
    bf_sim_job *j = bf__job_submit(req->server->queue, date, sets, n, req->session.user, &errs);
    if (!j) {
        bf__page_whatif_form(req, res, bf_errors_first(&errs));
        bf_errors_free(&errs);
        return;
    }
    bf_errors_free(&errs);
    snprintf(res->location, sizeof res->location, "/whatif/%lld", (long long)bf__job_id(j));
    bf__job_release(j);
    res->status = 303;
    res->type = "text/plain; charset=utf-8";
}

void bf__page_whatif_job(bf_request *req, bf_response *res, const char *number)
{
    char *end;
    long long id = strtoll(number, &end, 10);
    bf_sim_job *j = *number && !*end && id > 0 ? bf__job_find(req->server->queue, id) : NULL;
    if (!j) {
        bf__res_error(req, res, 404, _("There is no such simulation (the server keeps the last 16)."));
        return;
    }
    int64_t done, total;
    int status;
    bf_buf json = {0};
    bf_job_state state = bf__job_state(j, &done, &total, &status, &json);
    bf_buf_free(&json);
    if (state == BF_JOB_DONE) {
        bf__job_page(j, &res->body);
        res->type = "text/html; charset=utf-8";
        res->status = res->body.oom ? 500 : 200;
    } else if (state == BF_JOB_FAILED) {
        bf_buf message = {0};
        bf__job_error(j, &message);
        bf_html *page = bf__page_new(req, _("The simulation failed"));
        if (page)
            bf_html_paragraph(page, NULL, bf_buf_str(&message));
        bf__page_send(res, page, status);
        bf_buf_free(&message);
    } else {
        bf_html *page = bf__page_new(req, _("Simulating"));
        char line[300];
        if (state == BF_JOB_QUEUED)
            snprintf(line, sizeof line, _("Waiting for the simulations before it to end."));
        else if (total > 0)
            snprintf(line, sizeof line, _("%1$lld of %2$lld households evaluated (%3$.0f%%)."),
                     (long long)done, (long long)total, 100.0 * (double)done / (double)total);
        else
            snprintf(line, sizeof line, _("%lld households evaluated."), (long long)done);
        if (page) {
            bf_html_refresh(page, 1);
            bf_html_paragraph(page, NULL, line);
            bf_html_paragraph(page, "note", _("This page reloads itself until the result is ready."));
        }
        bf__page_send(res, page, 200);
    }
    bf__job_release(j);
}

void bf__page_whatif_result(bf_buf *out, const bf_engine *e, const struct bf_sim_result *r,
                            bf_date date, const struct bf_sim_scenario *sc, int64_t job)
{
    char title[200];
    snprintf(title, sizeof title, _("What if: simulation %lld"), (long long)job);
    bf_html *page = bf_html_new(title);
    char *html = NULL;
    size_t len = 0;
    if (page && bf__site_menu(page) == BF_OK &&
        bf_report_simulation_page(page, e, r, date, sc) == BF_OK &&
        bf_html_render(page, &html, &len) == BF_OK)
        bf_buf_add(out, html, len);
    else
        out->oom = true;
    free(html);
    bf_html_free(page);
}
