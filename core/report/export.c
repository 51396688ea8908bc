/* export.c — exporting a stored run: the store's decision cursor into a writer (XML through xmlout.h), the temporary-file-and-rename dance, and the run's HTML report. */
#include "export.h"
#include "tempfile.h"
#include "bangfu.h"
#include "buf.h"
#include "html.h"
#include "i18n.h"
#include "json.h"
#include "run.h"
#include "tally.h"
#include "xmlio.h"
#include "xmlout.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ======================================================================== */
/* The XML writer                                                           */
/* ======================================================================== */

typedef struct xml_state {
    bf_xml_out *x;
    bf_export_totals totals;
} xml_state;

/* One empty element per member of a flat JSON object: <name key=K value=V/>. */
static void x_json_members(xml_state *x, const char *json, const char *name, const char *key,
                           const char *value)
{
    bf_json_iter it;
    if (!json || bf_json_iter_init(&it, json, strlen(json)) != BF_OK || !it.object)
        return;
    bf_json_item item;
    while (bf_xml_out_ok(x->x) && bf_json_next(&it, &item) == 1) {
        bf_xml_out_start(x->x, name);
        bf_xml_out_attr(x->x, key, item.key);
        if (item.kind != BF_JSON_NULL)
            bf_xml_out_attr(x->x, value, item.value);
        bf_xml_out_end(x->x);
    }
    bf_json_iter_free(&it);
}

/* One <name>text</name> per string of a JSON array. */
static void x_json_strings(xml_state *x, const char *json, const char *name)
{
    bf_json_iter it;
    if (!json || bf_json_iter_init(&it, json, strlen(json)) != BF_OK || it.object)
        return;
    bf_json_item item;
    while (bf_xml_out_ok(x->x) && bf_json_next(&it, &item) == 1)
        bf_xml_out_text_element(x->x, name, item.value);
    bf_json_iter_free(&it);
}

/* The XML format is a bf_writer like a plugin's: its open, write and close keep the plugin
 * ABI's char *err, size_t errlen (errors.h), and bf_export_write adds what they wrote to its
 * caller's list. */
static int xml_fail(const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, _("XML export: %s failed (disk full or output closed?)"), what);
    return BF_EIO;
}

/* Creates the state and starts the document on out (NULL: standard output); NULL (with err)
 * on failure. */
static xml_state *xml_start(const char *out, char *err, size_t errlen)
{
    xml_state *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, _("XML export: out of memory"));
        return NULL;
    }
    bf_errors errs;
    bf_errors_init(&errs, 1);
    if (bf_xml_out_open(out, "export", BF_NS_EXPORT, &x->x, &errs) != BF_OK) {
        snprintf(err, errlen, "%s", bf_errors_first(&errs));   /* the writer ABI's err */
        bf_errors_free(&errs);
        free(x);
        return NULL;
    }
    return x;
}

static int xml_close(void *state, char *err, size_t errlen);

/* Opens the document and writes the run; on failure everything is freed and *state is NULL. */
static int xml_open(void **state, const char *out, const bf_export_run *run, char *err,
                    size_t errlen)
{
    xml_state *x = xml_start(out, err, errlen);
    *state = NULL;
    if (!x)
        return BF_EIO;
    bf_xml_out_start(x->x, "run");
    bf_xml_out_attr_int(x->x, "id", run->id);
    bf_xml_out_attr(x->x, "started", run->started);
    bf_xml_out_attr(x->x, "finished", run->finished);
    bf_xml_out_attr(x->x, "date", run->eval_date);
    bf_xml_out_attr(x->x, "status", run->status);
    bf_xml_out_attr_int(x->x, "households", run->households);
    bf_xml_out_attr_int(x->x, "evaluations", run->evaluations);
    bf_xml_out_attr_int(x->x, "errors", run->errors);
    x_json_members(x, run->file_hashes_json, "file", "path", "sha256");
    x_json_members(x, run->parameters_json, "parameter", "name", "value");
    bf_xml_out_end(x->x);
    if (!bf_xml_out_ok(x->x)) {
        char ignored[1024];
        xml_close(x, ignored, sizeof ignored);
        return xml_fail("writing the run", err, errlen);
    }
    *state = x;
    return BF_OK;
}

static int xml_write(void *state, const bf_export_decision *d, char *err, size_t errlen)
{
    xml_state *x = state;
    bf_xml_out_start(x->x, "decision");
    bf_xml_out_attr(x->x, "household", d->household);
    bf_xml_out_attr(x->x, "town", d->town);
    bf_xml_out_attr(x->x, "village", d->village);
    bf_xml_out_attr(x->x, "policy", d->policy);
    bf_xml_out_attr(x->x, "title", d->policy_title);
    bf_xml_out_attr(x->x, "member", d->member);
    bf_xml_out_attr(x->x, "eligible", d->eligible ? "true" : "false");
    bf_xml_out_attr_money(x->x, "amount", d->amount_fen);
    bf_xml_out_attr(x->x, "tier", d->tier);
    x_json_strings(x, d->reasons_json, "reason");
    x_json_members(x, d->details_json, "detail", "name", "value");
    if (d->error)
        bf_xml_out_text_element(x->x, "error", d->error);
    bf_xml_out_end(x->x);
    x->totals.decisions++;
    x->totals.eligible += d->eligible != 0;
    x->totals.errors += d->error != NULL;
    x->totals.amount_fen += d->amount_fen;
    return bf_xml_out_ok(x->x) ? BF_OK : xml_fail("writing a decision", err, errlen);
}

static int xml_close(void *state, char *err, size_t errlen)
{
    xml_state *x = state;
    if (!x)
        return BF_ENOMEM;
    bool was_ok = bf_xml_out_ok(x->x);
    if (was_ok) {
        bf_xml_out_start(x->x, "totals");
        bf_xml_out_attr_int(x->x, "decisions", x->totals.decisions);
        bf_xml_out_attr_int(x->x, "eligible", x->totals.eligible);
        bf_xml_out_attr_int(x->x, "errors", x->totals.errors);
        bf_xml_out_attr_money(x->x, "amount", x->totals.amount_fen);
        bf_xml_out_end(x->x);
    }
    int rc = bf_xml_out_close(x->x, NULL);
    free(x);
    if (rc != BF_OK && was_ok)           /* a failure while writing was reported by write */
        return xml_fail("finishing the document", err, errlen);
    return rc;
}

const bf_writer bf_export_xml_writer = {
    "xml", "XML (urn:bangfu:export:1), valid against the shipped export.xsd",
    xml_open, xml_write, xml_close,
};

/* ======================================================================== */
/* Exporting through a writer                                               */
/* ======================================================================== */

void bf__export_run_view(const bf_stored_run *run, bf_export_run *out)
{
    memset(out, 0, sizeof *out);
    out->id = run->id;
    out->started = run->started;
    out->finished = run->finished;
    out->eval_date = run->eval_date;
    out->status = run->status;
    out->file_hashes_json = run->file_hashes;
    out->parameters_json = run->parameters;
    out->households = run->households;
    out->evaluations = run->evaluations;
    out->errors = run->errors;
}

static void decision_view(const bf_stored_decision *d, bf_export_decision *out)
{
    out->household = d->household;
    out->town = d->town;
    out->village = d->village;
    out->policy = d->policy;
    out->policy_title = d->policy_title;
    out->member = d->member;
    out->eligible = d->eligible;
    out->amount_fen = d->amount_fen;
    out->tier = d->tier;
    out->reasons_json = d->reasons ? d->reasons : "[]";
    out->details_json = d->details;
    out->error = d->error;
}

/* Every decision of the run through an opened writer. */
static int write_decisions(bf_store *s, int64_t run_id, const bf_writer *w, void *state,
                           bf_export_totals *t, bf_errors *errs)
{
    bf_decision_cursor *cur;
    int rc = bf_store_decisions_open(s, run_id, &cur, errs);
    if (rc != BF_OK)
        return rc;
    const bf_stored_decision *d;
    char werr[1024] = "";                  /* the writer's message (plugin ABI) */
    while ((rc = bf_decision_cursor_next(cur, &d, errs)) == BF_OK && d) {
        bf_export_decision view;
        decision_view(d, &view);
        if (w->write(state, &view, werr, sizeof werr) != 0) {
            if (werr[0])
                bf_errors_add(errs, "%s", werr);
            rc = BF_EIO;
            break;
        }
        t->decisions++;
        t->eligible += d->eligible;
        t->errors += d->error != NULL;
        t->amount_fen += d->amount_fen;
    }
    bf_decision_cursor_close(cur);
    return rc;
}

int bf_export_write(bf_store *s, const bf_stored_run *run, const bf_writer *w, const char *out,
                    bf_export_totals *totals, bf_errors *errs)
{
    bf_export_totals t = {0};
    int errors_before = errs ? bf_errors_total(errs) : 0;
    bf_tempfile temp = {NULL, -1, 0};
    if (out && bf_tempfile_create(out, &temp, errs) != BF_OK)
        return BF_EIO;
    const char *tmp = temp.tmp;
    bf_export_run meta;
    bf__export_run_view(run, &meta);
    void *state = NULL;
    char werr[1024] = "";                  /* the writer's message (plugin ABI) */
    bool opened = w->open(&state, tmp, &meta, werr, sizeof werr) == 0;   /* a failed open cleans up */
    if (!opened && werr[0])
        bf_errors_add(errs, "%s", werr);
    int rc = opened ? write_decisions(s, run->id, w, state, &t, errs) : BF_EIO;
    /* after a successful open, close always runs (it frees the writer's state); its error
     * counts only if all went well */
    char close_err[512] = "";
    int crc = opened ? w->close(state, close_err, sizeof close_err) : 0;
    if (rc == BF_OK && crc != 0) {
        rc = BF_EIO;
        bf_errors_add(errs, "%s", close_err[0] ? close_err : _("the writer failed to finish"));
    }
    if (out && bf_tempfile_finish(&temp, out, rc == BF_OK, errs) != BF_OK)
        rc = BF_EIO;
    if (rc != BF_OK && (!errs || bf_errors_total(errs) == errors_before))
        bf_errors_add(errs, _("%s writer failed"), w->format);
    if (totals)
        *totals = t;
    return rc;
}

/* ======================================================================== */
/* The HTML report of a run                                                 */
/* ======================================================================== */

/* A town's row of the report: households eligible for any policy and the amount. */
typedef struct town_total {
    const char *town;
    int64_t households;
    int64_t amount_fen;
} town_total;

typedef struct report_data {
    bf_stored_policy *pol;
    int n_pol;
    bf_run_town_row *rows;             /* the run's town totals as its tally stored them */
    int n_rows;
    town_total *towns;                 /* their BF_TALLY_ANY_POLICY rows, by town name */
    int n_towns;
} report_data;

static int by_town(const void *a, const void *b)
{
    return strcmp(((const town_total *)a)->town, ((const town_total *)b)->town);
}

/* The report's town table from the tally's rows: one per town, in the order of their names. */
static int pick_towns(report_data *r)
{
    r->towns = calloc((size_t)r->n_rows + 1, sizeof *r->towns);
    if (!r->towns)
        return BF_ENOMEM;
    for (int i = 0; i < r->n_rows; i++)
        if (r->rows[i].policy_seq == BF_TALLY_ANY_POLICY)
            r->towns[r->n_towns++] = (town_total){r->rows[i].town, r->rows[i].households,
                                                  r->rows[i].amount_fen};
    qsort(r->towns, (size_t)r->n_towns, sizeof *r->towns, by_town);
    return BF_OK;
}

static void report_data_free(report_data *r)
{
    bf_stored_policies_free(r->pol, r->n_pol);
    bf_run_town_rows_free(r->rows, r->n_rows);
    free(r->towns);
}

/* A run status in words, with the stored word beside it. */
static void status_text(const char *status, char *out, size_t size)
{
    snprintf(out, size, _("%s (%s)"), bf_run_status_label(status), status);
}

static void run_facts(bf_html *page, const bf_stored_run *run)
{
    char id[32], households[32], evaluations[32], errors[32], status[96];
    status_text(run->status, status, sizeof status);
    snprintf(id, sizeof id, "%lld", (long long)run->id);
    snprintf(households, sizeof households, "%lld", (long long)run->households);
    snprintf(evaluations, sizeof evaluations, "%lld", (long long)run->evaluations);
    snprintf(errors, sizeof errors, "%lld", (long long)run->errors);
    const char *facts[] = {
        _("run number"), id,
        _("evaluation date"), run->eval_date,
        _("status"), status,
        _("started (UTC)"), run->started,
        _("finished (UTC)"), run->finished ? run->finished : "—",
        _("households evaluated"), households,
        _("evaluations"), evaluations,
        _("errors"), errors,
        _("only the policies"), run->only ? run->only : _("all"),
    };
    bf_html_facts(page, facts, (int)(sizeof facts / sizeof facts[0]) / 2);
}

static void policy_table(bf_html *page, const report_data *r, int64_t any_households)
{
    const bf_html_column cols[] = {
        {"policy", _("policy"), false}, {"title", _("title"), false},
        {"households", _("households"), true}, {"members", _("members"), true},
        {"amount", _("yearly amount (yuan)"), true}, {"errors", _("errors"), true},
    };
    bf_html_table *t = bf_html_table_new(page, "policies", _("Each policy: households and members "
                                         "eligible, and the yearly amount"), cols, 6);
    int64_t amount = 0, errors = 0;
    for (int i = 0; i < r->n_pol; i++) {
        const bf_stored_policy *p = &r->pol[i];
        char hh[32], mm[32], am[BF_HTML_NUMLEN], er[32];
        snprintf(hh, sizeof hh, "%lld", (long long)p->households);
        snprintf(mm, sizeof mm, "%lld", (long long)p->members);
        bf_html_format_scaled(p->amount_fen, 2, am);
        snprintf(er, sizeof er, "%lld", (long long)p->errors);
        const char *cells[] = {p->policy, p->title, hh, mm, am, er};
        bf_html_table_row(t, p->policy, cells);
        amount += p->amount_fen;
        errors += p->errors;
    }
    char hh[32], am[BF_HTML_NUMLEN], er[32];
    snprintf(hh, sizeof hh, "%lld", (long long)any_households);
    bf_html_format_scaled(amount, 2, am);
    snprintf(er, sizeof er, "%lld", (long long)errors);
    const char *cells[] = {_("total"), _("households eligible for any policy"), hh, "", am, er};
    bf__html_table_footer(t, "total", cells);
}

static void town_table(bf_html *page, const report_data *r)
{
    const bf_html_column cols[] = {
        {"town", _("town"), false}, {"households", _("households eligible for any policy"), true},
        {"amount", _("yearly amount (yuan)"), true},
    };
    bf_html_table *t = bf_html_table_new(page, "towns", _("Each town: households eligible for any "
                                         "policy, and the yearly amount"), cols, 3);
    int64_t households = 0, amount = 0;
    for (int i = 0; i < r->n_towns; i++) {
        char hh[32], am[BF_HTML_NUMLEN];
        snprintf(hh, sizeof hh, "%lld", (long long)r->towns[i].households);
        bf_html_format_scaled(r->towns[i].amount_fen, 2, am);
        const char *cells[] = {r->towns[i].town, hh, am};
        bf_html_table_row(t, r->towns[i].town, cells);
        households += r->towns[i].households;
        amount += r->towns[i].amount_fen;
    }
    char hh[32], am[BF_HTML_NUMLEN];
    snprintf(hh, sizeof hh, "%lld", (long long)households);
    bf_html_format_scaled(amount, 2, am);
    const char *cells[] = {_("total"), hh, am};
    bf__html_table_footer(t, "total", cells);
}

/* The four charts: per policy and per town, households and amounts. */
static int report_charts(bf_html *page, const report_data *r, bool policies)
{
    int n = policies ? r->n_pol : r->n_towns;
    const char **labels = calloc((size_t)n + 1, sizeof *labels);
    const char **keys = calloc((size_t)n + 1, sizeof *keys);
    int64_t *households = calloc((size_t)n + 1, sizeof *households);
    int64_t *amounts = calloc((size_t)n + 1, sizeof *amounts);
    int rc = labels && keys && households && amounts ? BF_OK : BF_ENOMEM;
    for (int i = 0; rc == BF_OK && i < n; i++) {
        labels[i] = policies ? r->pol[i].title : r->towns[i].town;
        keys[i] = policies ? r->pol[i].policy : r->towns[i].town;
        households[i] = policies ? r->pol[i].households : r->towns[i].households;
        amounts[i] = policies ? r->pol[i].amount_fen : r->towns[i].amount_fen;
    }
    if (rc == BF_OK) {
        bf_html_chart c = {
            policies ? "chart-policy-households" : "chart-town-households",
            policies ? _("Households eligible, per policy") : _("Households eligible for any "
                                                                 "policy, per town"),
            C_("unit", "households"), 0, labels, keys, n, {{NULL, households}, {NULL, NULL}}, 1,
        };
        rc = bf_html_bar_chart(page, &c);
        c.id = policies ? "chart-policy-amount" : "chart-town-amount";
        c.title = policies ? _("Yearly amount per policy (yuan)") : _("Yearly amount per town (yuan)");
        c.unit = _("yuan");
        c.decimals = 2;
        c.series[0].values = amounts;
        if (rc == BF_OK)
            rc = bf_html_bar_chart(page, &c);
    }
    free(labels);
    free(keys);
    free(households);
    free(amounts);
    return rc;
}

static int build_report(bf_html *page, const bf_stored_run *run, const report_data *r)
{
    run_facts(page, run);
    int64_t any = 0;
    for (int i = 0; i < r->n_towns; i++)
        any += r->towns[i].households;
    bf_html_heading(page, 2, _("Policies"));
    policy_table(page, r, any);
    int rc = report_charts(page, r, true);
    bf_html_heading(page, 2, _("Towns"));
    town_table(page, r);
    if (rc == BF_OK)
        rc = report_charts(page, r, false);
    char note[512];
    snprintf(note, sizeof note, _("Amounts are yearly, in yuan. Every figure is taken from the "
                                  "policy totals and decisions of run %lld as stored in the "
                                  "database: the figures bangfu export writes."), (long long)run->id);
    bf_html_paragraph(page, "note", note);
    return rc;
}

int bf_export_report_html(bf_store *s, const bf_stored_run *run, const char *path,
                          bf_errors *errs)
{
    report_data r = {0};
    int rc = bf_store_run_policies(s, run->id, &r.pol, &r.n_pol, errs);
    if (rc == BF_OK)
        rc = bf_store_run_towns_get(s, run->id, &r.rows, &r.n_rows, errs);
    if (rc != BF_OK) {
        report_data_free(&r);
        return rc;
    }
    if (pick_towns(&r) != BF_OK) {
        bf_errors_add(errs, "%s: out of memory while building the report", path);
        report_data_free(&r);
        return BF_ENOMEM;
    }
    char title[128];
    snprintf(title, sizeof title, _("Assistance policies report · run %lld · %s"),
             (long long)run->id, run->eval_date);
    bf_html *page = bf_html_new(title);
    rc = page ? build_report(page, run, &r) : BF_ENOMEM;
    if (rc == BF_OK)
        rc = bf__html_save(page, path, errs);
    else
        bf_errors_add(errs, _("%s: out of memory while building the report"), path);
    bf_html_free(page);
    report_data_free(&r);
    return rc;
}
