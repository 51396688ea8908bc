/* test_figures.c — the figures of simulate, review, export and the HTML reports are the stored
 * fen figures: on a generated county, every per-policy and per-town figure each of them prints
 * equals the sums of the decisions a run stored (for a simulation's scenario, the decisions of a
 * run made with the scenario's value in params.xml), and review's reasons are the stored ones. */
#include <criterion/criterion.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bangfu.h"
#include "buf.h"
#include "helpers.h"
#include "money.h"
#include "xmlio.h"

#define POLICIES BF_SOURCE_DIR "/policies"
#define PLUGINS BF_BUILD_DIR "/plugins"
#define DATE "2021-06-30"

TestSuite(figures, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown, .timeout = 600);

/* ---- the county and its two stored runs ---- */

/* A copy of the policies whose params.xml sets dibao.standard from 2021-01-01 to 610 instead
 * of 551: a run with it stores what `simulate --set dibao.standard=610` computes. */
static char *policies_at_610(void)
{
    char *dir = bf_test_path(bf_test_dir, "policies610");
    char *lib = bf_test_path(dir, "lib");
    cr_assert(mkdir(dir, 0755) == 0 && mkdir(lib, 0755) == 0);
    bf_test_run r;
    const char *cp[] = {"/bin/sh", "-c", "cp \"$0\"/*.lua \"$1\"/ && cp \"$0\"/lib/*.lua \"$1\"/lib/",
                        POLICIES, dir, NULL};
    cr_assert_eq(bf_test_run_argv(&r, NULL, cp, 30), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *params = bf_test_read_file(POLICIES "/params.xml", NULL);
    cr_assert_not_null(params);
    const char *old = "<value from=\"2021-01-01\">551</value>";
    char *at = strstr(params, old);
    cr_assert_not_null(at, "params.xml sets dibao.standard 551 from 2021-01-01");
    memcpy(at, "<value from=\"2021-01-01\">610</value>", strlen(old));
    char *path = bf_test_path(dir, "params.xml");
    cr_assert_eq(bf_test_write_file(path, params, (size_t)-1), 0);
    free(path);
    free(params);
    free(lib);
    return dir;
}

/* A generated county with run 1 (the policies as they are) and run 2 (dibao.standard 610). */
static char *county_with_two_runs(void)
{
    char *db = bf_test_county("c.db", "3000", "12");
    char *scenario = policies_at_610();
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", DATE, "--policies", POLICIES,
                                NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", DATE, "--policies", scenario,
                                NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    free(scenario);
    return db;
}

/* What run `run` stored, per policy in evaluation order: "policy:households:members:fen," with
 * households and members from run_policies and the fen summed over the stored decisions. */
static char *stored_policies(const char *db, int run)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT group_concat(policy || ':' || households_eligible || ':' || members_eligible "
             "|| ':' || (SELECT coalesce(sum(d.amount_fen), 0) FROM decisions d WHERE d.run_id = %d "
             "AND d.policy = p.policy), ',') FROM (SELECT * FROM run_policies WHERE run_id = %d "
             "ORDER BY seq) p", run, run);
    char *s = bf_test_query(db, sql);
    cr_assert_not_null(s);
    s[strcspn(s, "\n")] = '\0';
    cr_assert(strlen(s) > 50, "run %d stored its policies: %s", run, s);
    return s;
}

/* The whole run's fen, summed over its stored decisions. */
static long long stored_total(const char *db, int run)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT coalesce(sum(amount_fen), 0) FROM decisions WHERE run_id = %d",
             run);
    char *s = bf_test_query(db, sql);
    cr_assert_not_null(s);
    long long fen = atoll(s);
    free(s);
    return fen;
}

/* A money figure of a report ("1234.50") in fen; the test fails on anything else. */
static bf_fen fen_of(const char *text)
{
    bf_fen f;
    cr_assert_eq(bf_money_parse(text, &f), BF_OK, "not a money figure: '%s'", text);
    return f;
}

/* ---- simulate ---- */

/* simulate --set dibao.standard=610 in the given format (extra: more options or NULL). */
static void simulate(bf_test_run *r, const char *db, const char *format, const char *extra1,
                     const char *extra2)
{
    cr_assert_eq(bf_test_bangfu(r, NULL, "simulate", "--db", db, "--date", DATE, "--policies",
                                POLICIES, "--set", "dibao.standard=610", "--format", format, extra1,
                                extra2, NULL), 0, "%s", r->err);
}

/* The per-policy figures of simulate's JSON for side ("baseline" or "scenario"), in the form of
 * stored_policies. */
static char *json_policies(const char *json, const char *side)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT group_concat(json_extract(value, '$.policy') || ':' || "
             "json_extract(value, '$.%s.households') || ':' || json_extract(value, '$.%s.members') "
             "|| ':' || CAST(round(json_extract(value, '$.%s.amount') * 100) AS INTEGER), ',') "
             "FROM json_each(?1, '$.policies')", side, side, side);
    return bf_test_json_sql(json, sql);
}

/* Towns: simulate's JSON for side against run `run`'s run_towns, as the count of rows and the
 * count of rows that differ (households, members or fen), town and policy matched by name. */
static char *json_towns_against_store(const char *db, const char *json, const char *side, int run)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT count(*), sum(t.households IS NOT json_extract(j.value, '$.%s.households') "
             "OR t.members IS NOT json_extract(j.value, '$.%s.members') OR t.amount_fen IS NOT "
             "CAST(round(json_extract(j.value, '$.%s.amount') * 100) AS INTEGER)) "
             "FROM run_towns t JOIN run_policies p ON p.run_id = t.run_id AND p.seq = t.policy_seq "
             "LEFT JOIN json_each(?1, '$.towns') j ON json_extract(j.value, '$.town') = t.town "
             "AND json_extract(j.value, '$.policy') = p.policy WHERE t.run_id = %d",
             side, side, side, run);
    return bf_test_db_json_sql(db, json, sql);
}

static void expect_json_equals_store(const char *db, const char *json, const char *how)
{
    char *want1 = stored_policies(db, 1), *want2 = stored_policies(db, 2);
    char *base = json_policies(json, "baseline"), *scen = json_policies(json, "scenario");
    cr_expect_str_eq(base, want1, "%s: baseline = run 1", how);
    cr_expect_str_eq(scen, want2, "%s: scenario = run 2 (dibao.standard 610 in params.xml)", how);
    for (int run = 1; run <= 2; run++) {
        char *towns = json_towns_against_store(db, json, run == 1 ? "baseline" : "scenario", run);
        long long rows = 0, differ = -1;
        cr_expect_eq(sscanf(towns, "%lld|%lld", &rows, &differ), 2, "%s", towns);
        cr_expect_gt(rows, 9 * 5, "%s: run %d has towns × policies", how, run);
        cr_expect_eq(differ, 0, "%s: %lld of %lld town figures differ from run %d", how, differ,
                     rows, run);
        free(towns);
    }
    free(want1); free(want2); free(base); free(scen);
}

Test(figures, simulate_json_baseline_and_scenario_are_the_stored_runs)
{
    char *db = county_with_two_runs();
    bf_test_run r;
    simulate(&r, db, "json", NULL, NULL);                       /* run 1 serves as the baseline */
    expect_json_equals_store(db, r.out, "stored baseline");
    bf_test_run_free(&r);
    simulate(&r, db, "json", "--baseline-run", "0");            /* the baseline evaluated anew */
    expect_json_equals_store(db, r.out, "evaluated baseline");
    bf_test_run_free(&r);
    free(db);
}

/* The column of the CSV header called name; the test fails when there is none. */
static int column(const bf_test_csv *t, const char *name)
{
    for (int c = 0; c < t->cols[0]; c++)
        if (strcmp(t->rows[0][c], name) == 0)
            return c;
    cr_assert_fail("no column %s", name);
    return -1;
}

/* The policy rows of simulate's CSV (up to the first record that is no policy row) in the form
 * of stored_policies, for side "baseline" or "scenario". */
static char *csv_policies(const bf_test_csv *t, const char *side)
{
    char name[64];
    snprintf(name, sizeof name, "%s_households", side);
    int h = column(t, name);
    snprintf(name, sizeof name, "%s_members", side);
    int m = column(t, name);
    snprintf(name, sizeof name, "%s_amount", side);
    int a = column(t, name);
    bf_buf b = {0};
    for (int i = 1; i < t->n && t->cols[i] == t->cols[0]; i++)
        bf_buf_printf(&b, "%s%s:%s:%s:%lld", i > 1 ? "," : "", t->rows[i][0], t->rows[i][h],
                      t->rows[i][m], (long long)fen_of(t->rows[i][a]));
    char *out = strdup(bf_buf_str(&b));
    bf_buf_free(&b);
    return out;
}

Test(figures, simulate_csv_and_text_are_the_stored_runs)
{
    char *db = county_with_two_runs();
    bf_test_run r;
    simulate(&r, db, "csv", NULL, NULL);
    bf_test_csv t;
    cr_assert(bf_test_csv_parse(r.out, &t, false), "well-formed CSV");
    char *want1 = stored_policies(db, 1), *want2 = stored_policies(db, 2);
    char *base = csv_policies(&t, "baseline"), *scen = csv_policies(&t, "scenario");
    cr_expect_str_eq(base, want1);
    cr_expect_str_eq(scen, want2);
    bf_test_csv_free(&t);
    bf_test_run_free(&r);

    /* text: the total line is both runs' sums, and the change their difference */
    simulate(&r, db, "text", NULL, NULL);
    const char *total = strstr(r.out, "\ntotal ");
    cr_assert_not_null(total, "%s", r.out);
    char before[BF_MONEY_STRLEN], after[BF_MONEY_STRLEN], delta[BF_MONEY_STRLEN];
    cr_assert_eq(sscanf(total, " total %31s %31s", before, after), 2, "%s", total);
    cr_expect_eq(fen_of(before), stored_total(db, 1));
    cr_expect_eq(fen_of(after), stored_total(db, 2));
    const char *change = strstr(r.out, "change of the yearly amount (delta): ");
    cr_assert_not_null(change);
    cr_assert_eq(sscanf(change + strlen("change of the yearly amount (delta): "), "%31s", delta), 1);
    cr_expect_eq(fen_of(delta), stored_total(db, 2) - stored_total(db, 1));
    bf_test_run_free(&r);
    free(want1); free(want2); free(base); free(scen);
    free(db);
}

/* ---- HTML reports ---- */

/* The rows of table#policies of an HTML file in the form of stored_policies, from the cells
 * whose data-key is households, members and amount (each followed by suffix: "" for the run
 * report, "_before" or "_after" for simulate's). */
static char *html_policies(const char *path, const char *suffix)
{
    htmlDocPtr doc = htmlReadFile(path, "UTF-8", HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                                 HTML_PARSE_NONET);
    cr_assert_not_null(doc, "%s", path);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    cr_assert_not_null(ctx);
    xmlXPathObjectPtr rows = xmlXPathEvalExpression(BAD_CAST "//table[@id='policies']/tbody/tr", ctx);
    cr_assert(rows && rows->nodesetval && rows->nodesetval->nodeNr > 0, "%s has policy rows", path);
    bf_buf b = {0};
    for (int i = 0; i < rows->nodesetval->nodeNr; i++) {
        xmlNodePtr tr = rows->nodesetval->nodeTab[i];
        xmlChar *key = xmlGetProp(tr, BAD_CAST "data-key");
        char *cell[3];
        const char *names[3] = {"households", "members", "amount"};
        for (int k = 0; k < 3; k++) {
            char expr[128];
            snprintf(expr, sizeof expr, "string(td[@data-key='%s%s'])", names[k], suffix);
            ctx->node = tr;
            xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
            xmlChar *s = xmlXPathCastToString(o);
            cell[k] = strdup((const char *)s);
            xmlFree(s);
            xmlXPathFreeObject(o);
        }
        bf_buf_printf(&b, "%s%s:%s:%s:%lld", i ? "," : "", key ? (const char *)key : "?", cell[0],
                      cell[1], (long long)fen_of(cell[2]));
        for (int k = 0; k < 3; k++)
            free(cell[k]);
        xmlFree(key);
    }
    xmlXPathFreeObject(rows);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    char *out = strdup(bf_buf_str(&b));
    bf_buf_free(&b);
    return out;
}

Test(figures, html_reports_are_the_stored_runs)
{
    char *db = bf_test_county("c.db", "3000", "12");
    char *run_html = bf_test_path(bf_test_dir, "run.html");
    char *sim_html = bf_test_path(bf_test_dir, "simulate.html");
    char *scenario = policies_at_610();
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", DATE, "--policies", POLICIES,
                                "--report", run_html, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", DATE, "--policies", scenario,
                                NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    simulate(&r, db, "text", "--report", sim_html);
    bf_test_run_free(&r);

    char *want1 = stored_policies(db, 1), *want2 = stored_policies(db, 2);
    char *run = html_policies(run_html, ""), *before = html_policies(sim_html, "_before"),
         *after = html_policies(sim_html, "_after");
    cr_expect_str_eq(run, want1, "the run report");
    cr_expect_str_eq(before, want1, "simulate's report, baseline");
    cr_expect_str_eq(after, want2, "simulate's report, scenario");
    free(want1); free(want2); free(run); free(before); free(after);
    free(scenario); free(sim_html); free(run_html); free(db);
}

/* ---- export ---- */

/* Sums per policy of a list of (policy, amount text) pairs, in the order of run 1's policies:
 * "policy:fen,". */
typedef struct policy_sums {
    char policy[16][64];
    long long fen[16];
    int n;
} policy_sums;

static void add_to(policy_sums *s, const char *policy, bf_fen fen)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->policy[i], policy) == 0) {
            s->fen[i] += fen;
            return;
        }
    cr_assert_lt(s->n, 16);
    snprintf(s->policy[s->n], sizeof s->policy[0], "%s", policy);
    s->fen[s->n++] = fen;
}

/* The stored sums per policy of run 1 that export writes ("policy:fen," over the policies with
 * stored decisions, by name). */
static char *stored_sums(const char *db)
{
    char *s = bf_test_query(db, "SELECT group_concat(policy || ':' || fen, ',') FROM (SELECT policy, "
                                "sum(amount_fen) AS fen FROM decisions WHERE run_id = 1 GROUP BY "
                                "policy ORDER BY policy)");
    cr_assert_not_null(s);
    s[strcspn(s, "\n")] = '\0';
    return s;
}

static char *sums_text(const policy_sums *s)
{
    /* by policy name, as stored_sums orders them */
    bf_buf b = {0};
    bool done[16] = {false};
    for (int k = 0; k < s->n; k++) {
        int best = -1;
        for (int i = 0; i < s->n; i++)
            if (!done[i] && (best < 0 || strcmp(s->policy[i], s->policy[best]) < 0))
                best = i;
        done[best] = true;
        bf_buf_printf(&b, "%s%s:%lld", k ? "," : "", s->policy[best], s->fen[best]);
    }
    char *out = strdup(bf_buf_str(&b));
    bf_buf_free(&b);
    return out;
}

Test(figures, exports_are_the_stored_decisions)
{
    char *db = bf_test_county("c.db", "3000", "12");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", DATE, "--policies", POLICIES,
                                "--store-all", NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *want = stored_sums(db);

    /* CSV: column amount of every record */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--format", "csv", "--plugins",
                                PLUGINS, NULL), 0, "%s", r.err);
    bf_test_csv t;
    cr_assert(bf_test_csv_parse(r.out, &t, false), "well-formed CSV");
    cr_assert_str_eq(t.rows[0][4], "policy");
    cr_assert_str_eq(t.rows[0][8], "amount");
    policy_sums csv = {0};
    for (int i = 1; i < t.n; i++)
        add_to(&csv, t.rows[i][4], fen_of(t.rows[i][8]));
    char *got = sums_text(&csv);
    cr_expect_str_eq(got, want, "CSV export");
    free(got);
    bf_test_csv_free(&t);
    bf_test_run_free(&r);

    /* JSON: the same sums, computed by SQLite from the text */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--format", "json", "--plugins",
                                PLUGINS, NULL), 0, "%s", r.err);
    got = bf_test_json_sql(r.out, "SELECT group_concat(policy || ':' || fen, ',') FROM (SELECT "
                                  "json_extract(value, '$.policy') AS policy, sum(CAST(round("
                                  "json_extract(value, '$.amount') * 100) AS INTEGER)) AS fen FROM "
                                  "json_each(?1, '$.decisions') GROUP BY 1 ORDER BY 1)");
    cr_expect_str_eq(got, want, "JSON export");
    free(got);
    bf_test_run_free(&r);

    /* XML: attribute amount of every decision element */
    char *xml = bf_test_path(bf_test_dir, "export.xml");
    cr_assert_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--format", "xml", "--out", xml,
                                NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    xmlDocPtr doc = xmlReadFile(xml, NULL, XML_PARSE_NONET);
    cr_assert_not_null(doc);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    cr_assert_eq(xmlXPathRegisterNs(ctx, BAD_CAST "e", BAD_CAST BF_NS_EXPORT), 0);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST "/e:export/e:decision", ctx);
    cr_assert(o && o->nodesetval && o->nodesetval->nodeNr > 1000);
    policy_sums x = {0};
    for (int i = 0; i < o->nodesetval->nodeNr; i++) {
        xmlChar *policy = xmlGetProp(o->nodesetval->nodeTab[i], BAD_CAST "policy");
        xmlChar *amount = xmlGetProp(o->nodesetval->nodeTab[i], BAD_CAST "amount");
        cr_assert(policy && amount);
        add_to(&x, (const char *)policy, fen_of((const char *)amount));
        xmlFree(policy);
        xmlFree(amount);
    }
    got = sums_text(&x);
    cr_expect_str_eq(got, want, "XML export");
    free(got);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    free(xml);
    free(want);
    free(db);
}

/* ---- review ---- */

Test(figures, review_reasons_are_the_stored_reasons)
{
    char *db = bf_test_county("c.db", "3000", "12");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", DATE, "--policies", POLICIES,
                                NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, "--format", "json", NULL), 0, "%s",
                 r.err);
    /* every finding is a stored decision of run 1, and its reasons are that decision's */
    char *row = bf_test_db_json_sql(db, r.out,
        "SELECT count(*), sum(d.reasons IS NOT NULL), sum(json(d.reasons) = "
        "json(json_extract(f.value, '$.reasons'))) FROM json_each(?1, '$.findings') f "
        "LEFT JOIN decisions d ON d.run_id = 1 AND d.household_id = json_extract(f.value, "
        "'$.household') AND d.policy = json_extract(f.value, '$.policy') AND "
        "d.member_id IS json_extract(f.value, '$.member')");
    long long n = 0, found = -1, same = -1;
    cr_assert_eq(sscanf(row, "%lld|%lld|%lld", &n, &found, &same), 3, "%s", row);
    cr_expect_gt(n, 100, "a generated county has findings");
    cr_expect_eq(found, n, "every finding is a stored decision");
    cr_expect_eq(same, n, "every finding states the stored reasons");
    free(row);
    bf_test_run_free(&r);
    free(db);
}
