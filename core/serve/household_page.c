/* household_page.c — finding a household and its page: the record (ID numbers masked), every
 * decision on a date with its reasons, the parameters it read and the policy's basis (as check
 * --explain evaluates it), its history across runs, and for auditors who looked at it. */
#include "internal.h"
#include "bangfu.h"
#include "html.h"
#include "household_history.h"
#include "i18n.h"
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FOUND_MAX 50

/* "/household/ID" with ID percent-encoded into out. */
static void household_href(const char *id, char *out, size_t size)
{
    size_t o = snprintf(out, size, "/household/");
    for (const unsigned char *p = (const unsigned char *)id; *p && o + 4 < size; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.')
            out[o++] = (char)*p;
        else
            o += (size_t)snprintf(out + o, size - o, "%%%02X", *p);
    }
    out[o] = '\0';
}

void bf__page_households(bf_request *req, bf_response *res)
{
    const char *q = bf__req_arg(req, "q");
    bf_lookup *l = bf__lookup_answer(req, res);
    if (!l)
        return;
    bf_html *page = bf__page_new(req, _("Find a household"));
    bf_html_field f[] = {{"search", "q", _("Household id or a member's name"), q, NULL}};
    if (page)
        bf_html_form(page, "search", "/households", "get", f, 1, _("Search"));
    bf_found_household *found = NULL;
    int n = 0;
    if (page && q && *q) {
        bf_errors errs;
        bf_errors_init(&errs, 1);
        if (bf_store_search_households(bf__lookup_store(l), q, FOUND_MAX, &found, &n,
                                       &errs) != BF_OK) {
            bf_html_free(page);
            bf__res_error(req, res, 500, bf_errors_first(&errs));
            bf_errors_free(&errs);
            return;
        }
        char line[300];
        snprintf(line, sizeof line, n == FOUND_MAX ? _("The first %d households found:")
                                                   : P_("%d household found.", "%d households found.", n), n);
        bf_html_paragraph(page, "note", line);
    }
    bf_html_column cols[] = {{"household", _("Household"), false}, {"town", _("Town"), false},
                             {"village", _("Village"), false}, {"head", _("Head of household"), false},
                             {"members", _("Members"), true}};
    bf_html_table *t = n ? bf_html_table_new(page, "found", NULL, cols, 5) : NULL;
    for (int i = 0; i < n; i++) {
        char members[16], href[300];
        snprintf(members, sizeof members, "%d", found[i].members);
        const char *cells[] = {found[i].id, found[i].town, found[i].village,
                               found[i].head ? found[i].head : "", members};
        bf_html_table_row(t, found[i].id, cells);
        household_href(found[i].id, href, sizeof href);
        bf_html_table_link(t, 0, href);
    }
    bf_found_households_free(found, n);
    bf__page_send(res, page, 200);
}

/* The record: the household's fields, then a table of its members (ID numbers masked). */
static void record_section(bf_html *page, const bf_household *h)
{
    bf_html_heading(page, 2, _("Record"));
    int n = bf_field_count(BF_RECORD_HOUSEHOLD);
    const char *pairs[2 * 32];
    char values[32][128];
    int k = 0;
    for (int i = 0; i < n && k < 32; i++) {
        const char *name = bf_field_name(BF_RECORD_HOUSEHOLD, i);
        if (bf_field_get(BF_RECORD_HOUSEHOLD, i, h, values[k], sizeof values[k]) != BF_OK)
            continue;
        pairs[2 * k] = bf_field_label(BF_RECORD_HOUSEHOLD, i, name);
        pairs[2 * k + 1] = values[k];
        k++;
    }
    bf_html_facts(page, pairs, k);
    int nm = bf_field_count(BF_RECORD_MEMBER);
    bf_html_column cols[40];
    int nc = nm < 40 ? nm : 40;
    for (int i = 0; i < nc; i++) {
        const char *name = bf_field_name(BF_RECORD_MEMBER, i);
        cols[i] = (bf_html_column){name, bf_field_label(BF_RECORD_MEMBER, i, name), false};
    }
    bf_html_table *t = bf_html_table_new(page, "members", _("Members"), cols, nc);
    for (int m = 0; m < h->n_members; m++) {
        char text[40][128];
        const char *cells[40];
        for (int i = 0; i < nc; i++) {
            if (strcmp(cols[i].key, "idnumber") == 0)        /* never shown whole */
                bf_mask_idnumber(h->members[m].idnumber, text[i]);
            else if (bf_field_get(BF_RECORD_MEMBER, i, &h->members[m], text[i], sizeof text[i]) != BF_OK)
                text[i][0] = '\0';
            cells[i] = text[i];
        }
        bf_html_table_row(t, h->members[m].id, cells);
    }
}

/* The parameters a decision read ({"name": value}) as "title: value unit; …" into out. */
static void params_words(bf_buf *out, const bf_params *ps, const char *read)
{
    bf_json_pairs pairs = {0};
    if (!read || bf_json_pairs_read(read, &pairs) != BF_OK) {
        bf_json_pairs_free(&pairs);
        return;
    }
    for (int i = 0; i < pairs.n; i++) {
        int k = bf_params_index(ps, pairs.p[i].key);
        const bf_param *p = k >= 0 ? &ps->items[k] : NULL;
        bf_buf_printf(out, "%s%s: %s %s", i ? "；" : "", p ? p->title : pairs.p[i].key,
                      pairs.p[i].value, p ? p->unit : "");
    }
    bf_json_pairs_free(&pairs);
}

/* Every decision on the date, as check --explain evaluates it. */
static void decisions_section(bf_html *page, const bf_engine *e, const bf_household *h,
                              const bf_result *r, const char *date)
{
    char heading[200];
    snprintf(heading, sizeof heading, _("Decisions on %s"), date);
    bf_html_heading(page, 2, heading);
    bf_html_column cols[] = {{"policy", _("Policy"), false}, {"member", _("Member"), false},
                             {"eligible", _("Eligible"), false}, {"amount", _("Yuan a year"), true},
                             {"tier", _("Tier"), false}, {"reasons", _("Reasons"), false},
                             {"params", _("Parameters read"), false}, {"basis", _("Basis"), false}};
    bf_html_table *t = bf_html_table_new(page, "decisions", NULL, cols, 8);
    int np;
    const bf_policy *pol = bf_engine_policies(e, &np);
    for (int i = 0; i < r->n; i++) {
        const bf_decision *d = &r->d[i];
        const bf_policy *p = &pol[d->policy];
        if (!p->reported)
            continue;
        char amount[BF_HTML_NUMLEN], key[600];
        bf_html_format_scaled(d->amount, 2, amount);
        bf_buf reasons = {0}, params = {0};
        if (d->failed)
            bf_buf_puts(&reasons, bf_result_text(r, d->error));
        else
            bf_json_join_strings(&reasons, bf_result_text(r, d->reasons), "；");
        params_words(&params, bf_engine_params(e), bf_result_text(r, d->params_read));
        const char *member = d->member >= 0 ? h->members[d->member].id : "";
        snprintf(key, sizeof key, "%s/%s", p->id, member);
        const char *cells[] = {p->title, member,
                               d->failed ? _("error") : d->eligible ? _("yes") : _("no"), amount,
                               bf_policy_tier_words(p, bf_result_text(r, d->tier)),
                               bf_buf_str(&reasons), bf_buf_str(&params), p->basis ? p->basis : ""};
        bf_html_table_row(t, key, cells);
        bf_buf_free(&reasons);
        bf_buf_free(&params);
    }
}

/* Its decisions in every completed run: the eligible ones and those that changed. */
static void history_section(bf_html *page, bf_store *store, const char *id)
{
    bf_household_history hh;
    if (bf_household_history_load(store, id, &hh, NULL) != BF_OK)
        return;
    bf_html_heading(page, 2, _("History across runs"));
    bf_html_column cols[] = {{"run", _("Run"), true}, {"date", _("Date"), false},
                             {"policy", _("Policy"), false}, {"member", _("Member"), false},
                             {"eligible", _("Eligible"), false}, {"amount", _("Yuan a year"), true},
                             {"changed", _("Changed since the run before"), false}};
    bf_html_table *t = bf_html_table_new(page, "history", NULL, cols, 7);
    int rows = 0;
    for (int i = 0; i < hh.n_runs; i++)
        for (int k = 0; k < hh.runs[i].n_decisions; k++) {
            const bf_history_decision *d = &hh.runs[i].decisions[k];
            if (!d->side.eligible && !d->changed)
                continue;
            char run[24], amount[BF_HTML_NUMLEN], key[64];
            snprintf(run, sizeof run, "%lld", (long long)hh.runs[i].run.id);
            snprintf(key, sizeof key, "%lld-%d", (long long)hh.runs[i].run.id, k);
            bf_html_format_scaled(d->side.amount, 2, amount);
            const char *cells[] = {run, hh.runs[i].run.eval_date, d->title ? d->title : d->policy,
                                   d->member ? d->member : "", d->side.eligible ? _("yes") : _("no"),
                                   amount, d->changed ? _("changed") : ""};
            bf_html_table_row(t, key, cells);
            rows++;
        }
    if (!rows)
        bf_html_paragraph(page, "note", _("No stored run has an eligible decision for it yet."));
    bf_household_history_free(&hh);
}

/* For auditors: who looked at this household, newest first. */
static void views_section(bf_html *page, bf_request *req, const char *id)
{
    bf_server *s = req->server;
    if (!s->audit || strcmp(req->session.role, "auditor") != 0)
        return;
    bf_household_view *v = NULL;
    int n = 0;
    pthread_mutex_lock(&s->audit_lock);
    int rc = bf_store_views(s->audit, id, 100, &v, &n, NULL);
    pthread_mutex_unlock(&s->audit_lock);
    if (rc != BF_OK)
        return;
    bf_html_heading(page, 2, _("Who looked at this household"));
    bf_html_column cols[] = {{"viewed", _("Time (UTC)"), false}, {"user", _("User"), false},
                             {"via", _("How"), false}};
    bf_html_table *t = bf_html_table_new(page, "views", NULL, cols, 3);
    for (int i = 0; i < n; i++) {
        const char *cells[] = {v[i].viewed, v[i].user, v[i].via};
        bf_html_table_row(t, v[i].viewed, cells);
    }
    bf_household_views_free(v, n);
}

void bf__page_household(bf_request *req, bf_response *res, const char *id)
{
    bf_date date;
    char date_text[BF_DATE_STRLEN], title[200];
    bf_lookup *l = bf__lookup_answer(req, res);
    if (!l)
        return;
    if (!bf__arg_date(req, res, bf__req_arg(req, "date"), &date))
        return;
    bf_date_format(date, date_text);
    bf_household h = {0};
    int rc = bf_store_get_household(bf__lookup_store(l), id, &h, NULL);
    if (rc != BF_OK) {
        snprintf(title, sizeof title, _("There is no household with id %.64s."), id);
        bf__res_error(req, res, rc == BF_ENOTFOUND ? 404 : 500, title);
        bf_household_free(&h);
        return;
    }
    if (!bf__audit_view(req, res, h.id, "page")) {
        bf_household_free(&h);
        return;
    }
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_engine *e = bf__lookup_engine(req->server, l, date, true, &errs);
    snprintf(title, sizeof title, _("Household %s"), h.id);
    bf_html *page = e ? bf__page_new(req, title) : NULL;
    if (page) {
        bf_html_field f[] = {{"date", "date", _("Evaluation date"), date_text, NULL}};
        char action[300];
        household_href(h.id, action, sizeof action);
        bf_html_form(page, "on-date", action, "get", f, 1, _("Evaluate on this date"));
        record_section(page, &h);
        bf_result r = {0};
        bf_engine_evaluate(e, &h, 1, 0, &r);
        decisions_section(page, e, &h, &r, date_text);
        bf_result_free(&r);
        history_section(page, bf__lookup_store(l), h.id);
        views_section(page, req, h.id);
        bf__page_send(res, page, 200);
    } else if (!e) {
        bf_buf msg = {0};
        for (int i = 0; i < errs.count; i++)
            bf_buf_printf(&msg, "%s\n", errs.msgs[i]);
        bf__res_error(req, res, 500, bf_buf_str(&msg));
        bf_buf_free(&msg);
    } else {
        bf__page_send(res, NULL, 500);
    }
    bf_errors_free(&errs);
    bf_household_free(&h);
}
