/* pages.c — the pages every visit passes through: the site's menu, the login form and the
 * county summary; built with the HTML reports' page builder (core/report/html.c), so they look
 * like the reports and every text is escaped. No script: every page works without JavaScript. */
#include "internal.h"
#include "bangfu.h"
#include "html.h"
#include "i18n.h"
#include "runlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bf__site_menu(struct bf_html *page)
{
    const char *menu[] = {
        "/", _("County"), "/households", _("Find a household"), "/whatif", _("What if"),
        "/runs", _("Runs"), "/review", _("Review"), "/rules", _("Rules handbook"),
    };
    return bf_html_links(page, "site", menu, 6);
}

struct bf_html *bf__page_new(const bf_request *req, const char *title)
{
    bf_html *page = bf_html_new(title);
    if (!page)
        return NULL;
    bf__site_menu(page);
    if (req->server->auth && req->has_session) {
        char who[200];
        snprintf(who, sizeof who, _("Logged in as %1$s (%2$s)."), req->session.user,
                 req->session.role);
        bf_html_paragraph(page, "note", who);
        bf_html_field f[] = {{"hidden", "csrf", NULL, req->session.csrf, NULL}};
        bf_html_form(page, "logout", "/logout", "post", f, 1, _("Log out"));
    }
    return page;
}

void bf__page_send(bf_response *res, struct bf_html *page, int status)
{
    char *html = NULL;
    size_t len = 0;
    if (!page || bf_html_render(page, &html, &len) != BF_OK) {
        bf_html_free(page);
        res->status = 500;
        res->type = "text/plain; charset=utf-8";
        bf_buf_clear(&res->body);
        bf_buf_puts(&res->body, _("out of memory"));
        return;
    }
    bf_html_free(page);
    bf_buf_clear(&res->body);
    bf_buf_add(&res->body, html, len);
    free(html);
    res->status = res->body.oom ? 500 : status;
    res->type = "text/html; charset=utf-8";
}

void bf__page_login(bf_request *req, bf_response *res, int status, const char *message)
{
    (void)req;                               /* no menu: nothing else is open before a login */
    bf_html *page = bf_html_new(_("bangfu: log in"));
    if (page && message)
        bf_html_paragraph(page, "note", message);
    if (page && status == 401 && !message)
        bf_html_paragraph(page, "note", _("Log in to see this page."));
    bf_html_field f[] = {
        {"text", "user", _("User"), NULL, NULL},
        {"password", "password", _("Password"), NULL, NULL},
    };
    if (page)
        bf_html_form(page, "login", "/login", "post", f, 2, _("Log in"));
    bf__page_send(res, page, status);
}

/* The totals per policy of run e as a table and a chart. */
static void run_totals(bf_html *page, const bf_run_entry *e)
{
    bf_html_column cols[] = {{"policy", _("Policy"), false}, {"households", _("Households"), true},
                             {"members", _("Persons"), true}, {"amount", _("Yuan a year"), true}};
    bf_html_table *t = bf_html_table_new(page, "policies", _("Per policy"), cols, 4);
    const char *labels[64];
    int64_t amounts[64];
    int n = e->n_policies < 64 ? e->n_policies : 64;
    for (int i = 0; i < n; i++) {
        const bf_stored_policy *p = &e->policies[i];
        char hh[32], mm[32], amount[BF_HTML_NUMLEN];
        snprintf(hh, sizeof hh, "%lld", (long long)p->households);
        snprintf(mm, sizeof mm, "%lld", (long long)p->members);
        bf_html_format_scaled(p->amount_fen, 2, amount);
        const char *cells[] = {p->title, hh, mm, amount};
        bf_html_table_row(t, p->policy, cells);
        labels[i] = p->title;
        amounts[i] = p->amount_fen;
    }
    bf_html_chart chart = {.id = "chart-policies", .title = _("Yearly amount per policy"),
                           .unit = _("yuan"), .decimals = 2, .labels = labels, .n = n,
                           .series = {{NULL, amounts}}, .n_series = 1};
    bf_html_bar_chart(page, &chart);
}

bool bf__runs_list(bf_request *req, bf_response *res, struct bf_run_entry **runs, int *n)
{
    bf_lookup *l = bf__lookup_answer(req, res);
    *runs = NULL;
    *n = 0;
    if (!l)
        return false;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    bool ok = bf_runlog_list(bf__lookup_store(l), runs, n, &errs) == BF_OK;
    if (!ok)
        bf__res_error(req, res, 500, bf_errors_first(&errs));
    bf_errors_free(&errs);
    return ok;
}

void bf__page_home(bf_request *req, bf_response *res)
{
    bf_run_entry *runs;
    int n;
    if (!bf__runs_list(req, res, &runs, &n))
        return;
    const bf_run_entry *latest = NULL;
    for (int i = 0; i < n; i++)
        if (strncmp(runs[i].run.status, "completed", 9) == 0)
            latest = &runs[i];
    bf_html *page = bf__page_new(req, _("The county"));
    if (page && latest) {
        char line[300];
        snprintf(line, sizeof line, _("Run %1$lld on %2$s: %3$lld households, evaluated %4$s."),
                 (long long)latest->run.id, latest->run.eval_date,
                 (long long)latest->run.households, latest->run.finished ? latest->run.finished : "");
        bf_html_paragraph(page, NULL, line);
        run_totals(page, latest);
    } else if (page) {
        bf_html_paragraph(page, "note", _("No run has completed yet: bangfu run on the command line "
                                          "evaluates the county."));
    }
    bf_runlog_free(runs, n);
    bf__page_send(res, page, 200);
}
