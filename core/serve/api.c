/* api.c — the JSON API: each endpoint asks the very function its command asks and writes the
 * very JSON its command prints with --format json, byte for byte. */
#include "internal.h"
#include "bangfu.h"
#include "diff_report.h"
#include "i18n.h"
#include "json.h"
#include "params_report.h"
#include "report.h"
#include "review_report.h"
#include "rundiff.h"
#include "runlog.h"
#include "runs_report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool bf__arg_date(const bf_request *req, bf_response *res, const char *text, bf_date *out)
{
    if (!text || !*text) {
        *out = bf_date_today();
        return true;
    }
    if (bf_date_parse(text, out) == BF_OK)
        return true;
    char msg[200];
    snprintf(msg, sizeof msg, _("date must be an existing date YYYY-MM-DD, got '%.40s'"), text);
    bf__res_error(req, res, 400, msg);
    return false;
}

/* Parses a run id argument (a whole number from 1); false with a 400 answer set. */
static bool arg_run(const bf_request *req, bf_response *res, const char *name, int64_t *out)
{
    const char *text = bf__req_arg(req, name);
    char *end;
    errno = 0;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (text && !errno && end != text && !*end && v >= 1) {
        *out = v;
        return true;
    }
    char msg[200];
    snprintf(msg, sizeof msg, _("%s must be a run id (a whole number from 1), got '%.40s'"), name,
             text ? text : "");
    bf__res_error(req, res, 400, msg);
    return false;
}


/* Sets the answer of a store error (its message in errs, which it frees): 404 for what does not
 * exist, 400 for a run that did not complete, else 500. */
static void store_error(bf_request *req, bf_response *res, int rc, bf_errors *errs)
{
    bf__res_error(req, res, rc == BF_ENOTFOUND ? 404 : rc == BF_EINPUT ? 400 : 500,
                  bf_errors_first(errs));
    bf_errors_free(errs);
}

/* Joins error messages into one answer. */
static void errors_answer(bf_request *req, bf_response *res, int status, const bf_errors *errs)
{
    bf_buf msg = {0};
    for (int i = 0; i < errs->count; i++)
        bf_buf_printf(&msg, "%s%s", i ? "\n" : "", errs->msgs[i]);
    bf__res_error(req, res, status, errs->count ? bf_buf_str(&msg) : _("the evaluation failed"));
    bf_buf_free(&msg);
}

void bf__api_check(bf_request *req, bf_response *res, const char *id)
{
    bf_date date;
    if (!bf__arg_date(req, res, bf__req_arg(req, "date"), &date))
        return;
    bf_lookup *l = bf__lookup_answer(req, res);
    if (!l)
        return;
    bf_household h = {0};
    bf_errors why;
    bf_errors_init(&why, 1);
    int rc = bf_store_get_household(bf__lookup_store(l), id, &h, &why);
    if (rc == BF_ENOTFOUND) {                /* said without the server's file names */
        bf_errors_free(&why);
        char msg[200];
        snprintf(msg, sizeof msg, _("There is no household with id %.64s."), id);
        bf__res_error(req, res, 404, msg);
        bf_household_free(&h);
        return;
    }
    if (rc != BF_OK) {
        store_error(req, res, rc, &why);
        bf_household_free(&h);
        return;
    }
    if (!bf__audit_view(req, res, h.id, "api")) {
        bf_household_free(&h);
        return;
    }
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_engine *e = bf__lookup_engine(req->server, l, date, false, &errs);
    if (!e) {
        errors_answer(req, res, 500, &errs);
    } else {
        bf_result r = {0};
        bf_engine_evaluate(e, &h, 1, 0, &r);
        bf_buf out = {0};
        bf_report_household_json(&out, e, &h, date, &r, false, NULL);
        bf__res_json(res, 200, &out);
        bf_result_free(&r);
    }
    bf_errors_free(&errs);
    bf_household_free(&h);
}

/* Reads "set": {NAME: VALUE, …} into overrides as `--set NAME=VALUE` would; false with a 400
 * answer set. */
static bool read_sets(bf_request *req, bf_response *res, const char *json, bf_override *sets,
                      int *n)
{
    bf_json_pairs ps = {0};
    bool ok = bf_json_pairs_read(json, &ps) == BF_OK;
    char msg[400];
    snprintf(msg, sizeof msg, _("\"set\" must be an object of parameter names and numbers"));
    for (int i = 0; ok && i < ps.n; i++) {
        if (*n == BF_SERVE_MAX_SETS || !ps.p[i].key || (ps.p[i].kind != BF_JSON_NUMBER &&
                                                        ps.p[i].kind != BF_JSON_STRING)) {
            ok = false;
            break;
        }
        char arg[512];
        snprintf(arg, sizeof arg, "%s=%s", ps.p[i].key, ps.p[i].value);
        bf_errors why;
        bf_errors_init(&why, 1);
        if (bf_override_parse(arg, &sets[*n], &why) != BF_OK) {
            snprintf(msg, sizeof msg, "set: %s", bf_errors_first(&why));
            ok = false;
        } else {
            (*n)++;
        }
        bf_errors_free(&why);
    }
    bf_json_pairs_free(&ps);
    if (ok && *n == 0)
        snprintf(msg, sizeof msg, _("what should change? give \"set\": {\"dibao.standard\": 640}"));
    if (!ok || *n == 0)
        bf__res_error(req, res, 400, msg);
    return ok && *n > 0;
}

void bf__api_simulate(bf_request *req, bf_response *res)
{
    bf_json_pairs ps = {0};
    if (bf_json_pairs_read(req->body, &ps) != BF_OK) {
        bf_json_pairs_free(&ps);
        bf__res_error(req, res, 400, _("the body must be a JSON object: {\"date\": \"YYYY-MM-DD\", "
                                       "\"set\": {\"dibao.standard\": 640}}"));
        return;
    }
    int di = bf_json_pairs_find(&ps, "date", -1), si = bf_json_pairs_find(&ps, "set", -1);
    bf_date date;
    bf_override sets[BF_SERVE_MAX_SETS];
    int n = 0;
    bool ok = bf__arg_date(req, res, di >= 0 ? ps.p[di].value : NULL, &date);
    if (ok && (si < 0 || ps.p[si].kind != BF_JSON_NESTED)) {
        bf__res_error(req, res, 400, _("what should change? give \"set\": {\"dibao.standard\": 640}"));
        ok = false;
    }
    ok = ok && read_sets(req, res, ps.p[si].value, sets, &n);
    bf_json_pairs_free(&ps);
    if (!ok)
        return;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    bf_sim_job *j = bf__job_submit(req->server->queue, date, sets, n, req->session.user, &errs);
    if (!j) {
        bf__res_error(req, res, 503, bf_errors_first(&errs));
        bf_errors_free(&errs);
        res->retry_after = 10;
        return;
    }
    bf_errors_free(&errs);
    res->wait_for = j;                       /* http.c answers when it has run */
}

void bf__api_params(bf_request *req, bf_response *res)
{
    bf_date date;
    if (!bf__arg_date(req, res, bf__req_arg(req, "date"), &date))
        return;
    bf_buf out = {0};
    bf_report_params_json(&out, req->server->cfg.params, date);
    bf__res_json(res, 200, &out);
}

/* The run asked for (run=N), or the latest completed one, into *run; false with an answer. */
static bool resolve_run(bf_request *req, bf_response *res, bf_store *store, bf_stored_run *run)
{
    int64_t id = 0;
    if (bf__req_arg(req, "run") && !arg_run(req, res, "run", &id))
        return false;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    int rc = id ? BF_OK : bf_store_run_latest_completed(store, &id, &errs);
    if (rc == BF_OK)
        rc = bf_store_run_get(store, id, run, &errs);
    if (rc != BF_OK) {
        store_error(req, res, rc, &errs);
        return false;
    }
    if (strcmp(run->status, "completed") != 0 && strcmp(run->status, "completed_with_errors") != 0) {
        char msg[300];
        snprintf(msg, sizeof msg, _("run %lld is %s, not completed: its decisions are not the "
                                    "whole county"), (long long)id, run->status);
        bf__res_error(req, res, 400, msg);
        bf_stored_run_free(run);
        return false;
    }
    return true;
}

void bf__api_review(bf_request *req, bf_response *res)
{
    bf_lookup *l = bf__lookup_answer(req, res);
    bf_stored_run run;
    if (!l || !resolve_run(req, res, bf__lookup_store(l), &run))
        return;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    bf_review_counts counts;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    int rc = f ? bf_review_write(bf__lookup_store(l), &run, BF_REVIEW_JSON, f, &counts, &errs)
               : BF_ENOMEM;
    if (f && fclose(f) != 0 && rc == BF_OK)
        rc = BF_ENOMEM;
    if (rc == BF_OK) {
        bf_buf out = {0};
        bf_buf_add(&out, text, len);
        bf__res_json(res, 200, &out);
    } else {
        bf__res_error(req, res, 500, rc == BF_ENOMEM ? _("out of memory") : bf_errors_first(&errs));
    }
    bf_errors_free(&errs);
    free(text);
    bf_stored_run_free(&run);
}

void bf__api_runs(bf_request *req, bf_response *res)
{
    bf_lookup *l = bf__lookup_answer(req, res);
    if (!l)
        return;
    bf_run_entry *runs;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    int n, rc = bf_runlog_list(bf__lookup_store(l), &runs, &n, &errs);
    if (rc != BF_OK) {
        store_error(req, res, rc, &errs);
        return;
    }
    bf_buf out = {0};
    bf_report_runs_json(&out, runs, n);
    bf__res_json(res, 200, &out);
    bf_runlog_free(runs, n);
}

void bf__api_diff(bf_request *req, bf_response *res)
{
    int64_t from, to;
    if (!arg_run(req, res, "from", &from) || !arg_run(req, res, "to", &to))
        return;
    bf_lookup *l = bf__lookup_answer(req, res);
    if (!l)
        return;
    bf_run_diff d;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    int rc = bf_run_diff_compute(bf__lookup_store(l), from, to, &d, &errs);
    if (rc != BF_OK) {
        store_error(req, res, rc, &errs);
        return;
    }
    bf_buf out = {0};
    bf_report_diff_json(&out, &d);
    bf__res_json(res, 200, &out);
    bf_run_diff_free(&d);
}
