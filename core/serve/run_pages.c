/* run_pages.c — the stored runs in a browser: the list with a comparison of two, the monthly
 * change report of two runs (diff), the review lists (数据比对) and the rules handbook (doc).
 * The change report and the handbook are the very pages bangfu diff --report and bangfu doc
 * write: the same functions write them to a scratch file that is read back and removed. */
#include "internal.h"
#include "areas.h"
#include "bangfu.h"
#include "diff_report.h"
#include "handbook.h"
#include "html.h"
#include "i18n.h"
#include "json.h"
#include "lint.h"
#include "review.h"
#include "rundiff.h"
#include "runlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void bf__page_runs(bf_request *req, bf_response *res)
{
    bf_run_entry *runs;
    int n;
    if (!bf__runs_list(req, res, &runs, &n))
        return;
    bf_html *page = bf__page_new(req, _("Runs"));
    bf_html_column cols[] = {{"run", _("Run"), true}, {"date", _("Date"), false},
                             {"status", _("Status"), false}, {"ended", _("Ended"), false},
                             {"households", _("Households"), true}, {"amount", _("Yuan a year"), true}};
    bf_html_table *t = n ? bf_html_table_new(page, "runs", NULL, cols, 6) : NULL;
    char last[24] = "", before[24] = "";
    for (int i = 0; i < n; i++) {
        const bf_stored_run *r = &runs[i].run;
        char id[24], hh[24], amount[BF_HTML_NUMLEN];
        int64_t fen = 0;
        for (int k = 0; k < runs[i].n_policies; k++)
            fen += runs[i].policies[k].amount_fen;
        snprintf(id, sizeof id, "%lld", (long long)r->id);
        snprintf(hh, sizeof hh, "%lld", (long long)r->households);
        bf_html_format_scaled(fen, 2, amount);
        const char *cells[] = {id, r->eval_date, r->status, r->finished ? r->finished : "", hh, amount};
        bf_html_table_row(t, id, cells);
        if (strncmp(r->status, "completed", 9) == 0) {
            snprintf(before, sizeof before, "%s", last);
            snprintf(last, sizeof last, "%s", id);
        }
    }
    if (!n && page)
        bf_html_paragraph(page, "note", _("No run is stored yet: bangfu run on the command line "
                                          "evaluates the county."));
    bf_html_field f[] = {{"number", "from", _("Compare run"), before[0] ? before : last, NULL},
                         {"number", "to", _("with run"), last, NULL}};
    if (page && n)
        bf_html_form(page, "compare", "/diff", "get", f, 2, _("Compare"));
    bf_runlog_free(runs, n);
    bf__page_send(res, page, 200);
}

/* Answers with the page a writer function saves to a path: a scratch file in $TMPDIR, read back
 * and removed. */
static void page_from_file(bf_request *req, bf_response *res,
                           int (*write)(const void *ctx, const char *path, bf_errors *errs),
                           const void *ctx)
{
    const char *tmp = getenv("TMPDIR");
    char dir[512], path[600], err[1024];
    snprintf(dir, sizeof dir, "%s/bangfu-serve-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(err, sizeof err, _("cannot make a scratch folder in %s: %s"),
                 tmp && *tmp ? tmp : "/tmp", strerror(errno));
        bf__res_error(req, res, 500, err);
        return;
    }
    snprintf(path, sizeof path, "%s/page.html", dir);
    size_t len;
    char *html = NULL;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    if (write(ctx, path, &errs) != BF_OK || !(html = bf_read_file(path, &len))) {
        bf__res_error(req, res, 500, bf_errors_first(&errs));
    } else {
        bf_buf_clear(&res->body);
        bf_buf_add(&res->body, html, len);
        res->status = res->body.oom ? 500 : 200;
        res->type = "text/html; charset=utf-8";
    }
    bf_errors_free(&errs);
    free(html);
    unlink(path);
    rmdir(dir);
}

static int write_diff(const void *ctx, const char *path, bf_errors *errs)
{
    return bf_report_diff_html(path, ctx, errs);
}

void bf__page_diff(bf_request *req, bf_response *res)
{
    const char *a = bf__req_arg(req, "from"), *b = bf__req_arg(req, "to");
    char *end1 = NULL, *end2 = NULL;
    long long from = a ? strtoll(a, &end1, 10) : 0, to = b ? strtoll(b, &end2, 10) : 0;
    if (!a || !b || *end1 || *end2 || from < 1 || to < 1) {
        bf__res_error(req, res, 400, _("Give the two runs to compare: /diff?from=A&to=B."));
        return;
    }
    bf_lookup *l = bf__lookup_answer(req, res);
    if (!l)
        return;
    bf_run_diff d;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    int rc = bf_run_diff_compute(bf__lookup_store(l), from, to, &d, &errs);
    if (rc != BF_OK)
        bf__res_error(req, res, 404, bf_errors_first(&errs));
    bf_errors_free(&errs);
    if (rc != BF_OK)
        return;
    page_from_file(req, res, write_diff, &d);
    bf_run_diff_free(&d);
}

/* The review lists as a table: one row per finding. */
typedef struct review_ctx {
    bf_html_table *t;
    int rows;
} review_ctx;

static int review_row(void *ctx, const bf_review_row *row)
{
    review_ctx *c = ctx;
    bf_buf reasons = {0};
    bf_json_join_strings(&reasons, row->reasons_json, "；");
    char key[40];
    snprintf(key, sizeof key, "%d", c->rows++);
    const char *cells[] = {bf_review_kind_title(row->kind), row->household, row->town, row->village,
                           row->policy_title ? row->policy_title : row->policy,
                           row->member ? row->member : "", bf_buf_str(&reasons)};
    bf_html_table_row(c->t, key, cells);
    char href[300];
    snprintf(href, sizeof href, "/household/%s", row->household);
    bf_html_table_link(c->t, 1, href);
    bf_buf_free(&reasons);
    return 0;
}

void bf__page_review(bf_request *req, bf_response *res)
{
    bf_lookup *l = bf__lookup_answer(req, res);
    int64_t id = 0;
    if (!l)
        return;
    bf_store *store = bf__lookup_store(l);
    bf_stored_run run;
    if (bf_store_run_latest_completed(store, &id, NULL) != BF_OK ||
        bf_store_run_get(store, id, &run, NULL) != BF_OK) {
        bf_html *page = bf__page_new(req, _("Review (数据比对)"));
        if (page)
            bf_html_paragraph(page, "note", _("No run has completed yet: bangfu run on the command "
                                              "line evaluates the county."));
        bf__page_send(res, page, 200);
        return;
    }
    char title[200];
    snprintf(title, sizeof title, _("Review (数据比对) of run %lld"), (long long)id);
    bf_html *page = bf__page_new(req, title);
    bf_html_column cols[] = {{"kind", _("Finding"), false}, {"household", _("Household"), false},
                             {"town", _("Town"), false}, {"village", _("Village"), false},
                             {"policy", _("Policy"), false}, {"member", _("Member"), false},
                             {"reasons", _("Reasons"), false}};
    review_ctx c = {bf_html_table_new(page, "findings", NULL, cols, 7), 0};
    bf_review_counts counts;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    int rc = page ? bf_review_scan(store, &run, review_row, &c, &counts, &errs) : BF_ENOMEM;
    bf_stored_run_free(&run);
    if (rc != BF_OK) {
        bf_html_free(page);
        bf__res_error(req, res, 500, page ? bf_errors_first(&errs) : _("out of memory"));
        bf_errors_free(&errs);
        return;
    }
    bf_errors_free(&errs);
    bf__page_send(res, page, 200);
}

static int write_handbook(const void *ctx, const char *path, bf_errors *errs)
{
    return bf_handbook_write(ctx, path, errs);
}

void bf__page_rules(bf_request *req, bf_response *res)
{
    bf_server *s = req->server;
    bf_date date = bf_date_today();
    bf_errors errs;
    bf_errors_init(&errs, 5);
    bf_lookup *l = bf__lookup(s, &errs);
    bf_engine *e = l ? bf__lookup_engine(s, l, date, false, &errs) : NULL;
    bf_areas *areas = NULL;
    bf_lint_reads reads = {0};
    if (!e || bf_areas_load_dir(s->cfg.policies_dir, &areas, &errs) != BF_OK ||
        bf_lint_param_reads(s->cfg.policies_dir, s->cfg.params, s->cfg.modules, &reads) != BF_OK) {
        bf__res_error(req, res, 500, errs.count ? errs.msgs[0] : _("the policies could not be loaded"));
    } else {
        bf_handbook hb = {.date = date, .params = s->cfg.params, .reads = &reads, .areas = areas};
        hb.policies = bf_engine_policies(e, &hb.n_policies);
        page_from_file(req, res, write_handbook, &hb);
    }
    bf_lint_reads_free(&reads);
    bf_areas_free(areas);
    bf_errors_free(&errs);
}
