/* test_html.c — HTML reports: the page builder (escaping, tables, bar charts, atomic save), `bangfu run --report`, and the report rendered in headless Chromium (DOM and screenshot) with the charts' numbers equal to the stored run and to the JSON export. */
#include <criterion/criterion.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <sqlite3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bangfu.h"
#include "buf.h"
#include "browser.h"
#include "helpers.h"
#include "html.h"
#include "params.h"

#define POLICIES BF_SOURCE_DIR "/policies"
#define PLUGINS BF_BUILD_DIR "/plugins"

TestSuite(html, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown, .timeout = 300);

/* ---- reading HTML back (libxml2's HTML parser; SVG elements are plain elements to it) ---- */

static htmlDocPtr parse_html(const char *text)
{
    return bf_test_parse_html(text);
}

/* The nodes of expr (free with xmlXPathFreeObject). */
static xmlXPathObjectPtr nodes(htmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    cr_assert_not_null(ctx);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    xmlXPathFreeContext(ctx);
    cr_assert(o && o->type == XPATH_NODESET, "%s", expr);
    return o;
}

static int count(htmlDocPtr doc, const char *expr)
{
    xmlXPathObjectPtr o = nodes(doc, expr);
    int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(o);
    return n;
}

/* The string value of expr ("" when nothing matches), malloc'd. */
static char *string(htmlDocPtr doc, const char *expr)
{
    return bf_test_xpath_string(doc, expr);
}

/* Bars of chart svg#id, in document order: their data attribute attr joined by "|". */
static char *bars(htmlDocPtr doc, const char *id, const char *attr)
{
    char expr[256];
    snprintf(expr, sizeof expr, "//svg[@id='%s']/rect[contains(concat(' ', @class, ' '), ' bar ')]",
             id);
    xmlXPathObjectPtr o = nodes(doc, expr);
    bf_buf b = {0};
    for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
        xmlChar *v = xmlGetProp(o->nodesetval->nodeTab[i], BAD_CAST attr);
        bf_buf_printf(&b, "%s%s", i ? "|" : "", v ? (const char *)v : "(none)");
        xmlFree(v);
    }
    xmlXPathFreeObject(o);
    char *out = strdup(bf_buf_str(&b));
    bf_buf_free(&b);
    return out;
}

/* Sum of the bars' data-value of chart id, in hundredths (exact for 2-decimal values). */
static long long bar_sum(htmlDocPtr doc, const char *id)
{
    char *values = bars(doc, id, "data-value");
    long long sum = 0;
    for (char *p = values; p && *p;) {
        long long whole = 0, cents = 0;
        int n = sscanf(p, "%lld.%2lld", &whole, &cents);
        cr_assert(n >= 1, "%s", p);
        sum += whole * 100 + (n == 2 ? cents : 0);
        p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL;
    }
    free(values);
    return sum;
}

/* ---- the page builder ---- */

static char *render(bf_html *page)
{
    char *text;
    size_t len;
    cr_assert_eq(bf_html_render(page, &text, &len), BF_OK);
    cr_assert_eq(strlen(text), len);
    return text;
}

Test(html, text_is_escaped_by_the_serializer)
{
    const char *evil = "<script>alert(\"x\")</script> & 低保 '标准'";
    bf_html *page = bf_html_new(evil);
    cr_assert_not_null(page);
    cr_assert_eq(bf_html_paragraph(page, "note", evil), BF_OK);
    static const bf_html_column cols[] = {{"name", "名称", false}, {"n", "户数", true}};
    bf_html_table *t = bf_html_table_new(page, "t", evil, cols, 2);
    const char *cells[] = {evil, "3"};
    cr_assert_eq(bf_html_table_row(t, "k\"1", cells), BF_OK);
    const char *labels[] = {evil};
    int64_t v[] = {5};
    bf_html_chart c = {"c", evil, "户", 0, labels, NULL, 1, {{NULL, v}, {NULL, NULL}}, 1};
    cr_assert_eq(bf_html_bar_chart(page, &c), BF_OK);
    char *text = render(page);
    cr_expect(strncmp(text, "<!DOCTYPE html>\n", 16) == 0, "%.40s", text);
    cr_expect(strstr(text, "<meta charset=\"utf-8\">"), "the charset is declared");
    cr_expect(!strstr(text, "<script"), "no markup gets through:\n%s", text);
    cr_expect(strstr(text, "&lt;script&gt;"), "escaped");
    cr_expect(strstr(text, "低保"), "Chinese stays UTF-8 (no character references)");
    cr_expect(!strstr(text, "&#"), "no numeric character references");
    cr_expect(!strstr(text, "http-equiv"), "one charset declaration only");
    /* and it reads back as the same text, wherever it was put */
    htmlDocPtr doc = parse_html(text);
    char *s = string(doc, "string(/html/head/title)");
    cr_expect_str_eq(s, evil);
    free(s);
    s = string(doc, "string(//h1)");
    cr_expect_str_eq(s, evil);
    free(s);
    s = string(doc, "string(//table[@id='t']/tbody/tr[@data-key='k\"1']/td[@data-key='name'])");
    cr_expect_str_eq(s, evil);
    free(s);
    s = string(doc, "string(//svg[@id='c']/rect/@data-label)");
    cr_expect_str_eq(s, evil);
    free(s);
    cr_expect_eq(count(doc, "//script"), 0);
    xmlFreeDoc(doc);
    free(text);
    bf_html_free(page);
}

Test(html, tables_have_keys_classes_and_a_footer)
{
    bf_html *page = bf_html_new("表");
    static const bf_html_column cols[] = {{"policy", "政策", false}, {"amount", "金额", true}};
    bf_html_table *t = bf_html_table_new(page, "p", "各项政策", cols, 2);
    const char *r1[] = {"dibao", "35616.00"}, *r2[] = {"tekun", NULL}, *f[] = {"合计", "35616.00"};
    cr_assert_eq(bf_html_table_row(t, "dibao", r1), BF_OK);
    cr_assert_eq(bf_html_table_row(t, "tekun", r2), BF_OK);
    cr_assert_eq(bf__html_table_footer(t, "total", f), BF_OK);
    char *text = render(page);
    htmlDocPtr doc = parse_html(text);
    cr_expect_eq(count(doc, "//table[@id='p']/thead/tr/th"), 2);
    cr_expect_eq(count(doc, "//table[@id='p']/thead/tr/th[@class='num' and @data-key='amount']"), 1);
    cr_expect_eq(count(doc, "//table[@id='p']/tbody/tr"), 2);
    cr_expect_eq(count(doc, "//table[@id='p']/tbody/tr[@data-key='tekun']/td[@data-key='amount' "
                            "and . = '']"), 1, "a NULL cell is empty");
    char *s = string(doc, "string(//table[@id='p']/tfoot/tr[@class='total' and @data-key='total']"
                          "/td[@data-key='amount'])");
    cr_expect_str_eq(s, "35616.00");
    free(s);
    s = string(doc, "string(//table[@id='p']/caption)");
    cr_expect_str_eq(s, "各项政策");
    free(s);
    xmlFreeDoc(doc);
    free(text);
    bf_html_free(page);
}

Test(html, a_chart_has_one_bar_per_label_and_series_with_exact_values)
{
    bf_html *page = bf_html_new("图");
    const char *labels[] = {"农村最低生活保障", "特困人员救助供养", "教育资助"};
    const char *keys[] = {"dibao", "tekun", "education_aid"};
    int64_t before[] = {3561600, 7155840, 0}, after[] = {4000000, 7155840, -1250};
    bf_html_chart c = {"two", "基线与方案", "元", 2, labels, keys, 3,
                       {{"基线", before}, {"方案", after}}, 2};
    cr_assert_eq(bf_html_bar_chart(page, &c), BF_OK);
    bf_html_chart one = {"one", "一组", "户", 0, labels, NULL, 3, {{NULL, before}, {NULL, NULL}}, 1};
    cr_assert_eq(bf_html_bar_chart(page, &one), BF_OK);
    bf_html_chart empty = {"empty", "无", NULL, 0, NULL, NULL, 0, {{NULL, NULL}, {NULL, NULL}}, 1};
    cr_assert_eq(bf_html_bar_chart(page, &empty), BF_OK);
    bf_html_chart three = {"bad", "x", NULL, 0, labels, NULL, 3, {{NULL, before}, {NULL, after}}, 3};
    cr_expect_eq(bf_html_bar_chart(page, &three), BF_EUSAGE, "one or two series only");
    char *text = render(page);
    htmlDocPtr doc = parse_html(text);
    char *s = bars(doc, "two", "data-value");
    cr_expect_str_eq(s, "35616.00|40000.00|71558.40|71558.40|0.00|-12.50");
    free(s);
    s = bars(doc, "two", "data-series");
    cr_expect_str_eq(s, "基线|方案|基线|方案|基线|方案");
    free(s);
    s = bars(doc, "two", "data-key");
    cr_expect_str_eq(s, "dibao|dibao|tekun|tekun|education_aid|education_aid");
    free(s);
    s = bars(doc, "two", "data-label");
    cr_expect_str_eq(s, "农村最低生活保障|农村最低生活保障|特困人员救助供养|特困人员救助供养|教育资助|教育资助");
    free(s);
    cr_expect_eq(count(doc, "//svg[@id='two']/rect[contains(@class, 'swatch')]"), 2, "a legend");
    cr_expect_eq(count(doc, "//svg[@id='two']/text[. = '方案']"), 1);
    cr_expect_eq(count(doc, "//svg[@id='one']/rect[contains(@class, 'swatch')]"), 0);
    s = bars(doc, "one", "data-value");
    cr_expect_str_eq(s, "3561600|7155840|0");
    free(s);
    cr_expect_eq(count(doc, "//svg[@id='empty']/rect"), 0);
    cr_expect_eq(count(doc, "//svg[@id='bad']"), 0);
    /* bar lengths follow the values: the largest is the longest; the negative one lies left of
     * the zero line; zero is zero */
    s = bars(doc, "two", "width");
    double w[6];
    cr_assert_eq(sscanf(s, "%lf|%lf|%lf|%lf|%lf|%lf", &w[0], &w[1], &w[2], &w[3], &w[4], &w[5]), 6);
    cr_expect(w[2] == w[3] && w[2] > w[1] && w[1] > w[0] && w[4] == 0 && w[5] > 0, "%s", s);
    free(s);
    s = bars(doc, "two", "x");
    double x[6];
    cr_assert_eq(sscanf(s, "%lf|%lf|%lf|%lf|%lf|%lf", &x[0], &x[1], &x[2], &x[3], &x[4], &x[5]), 6);
    cr_expect(x[5] < x[0] && x[0] == x[4], "%s", s);
    free(s);
    xmlFreeDoc(doc);
    free(text);
    bf_html_free(page);
}

Test(html, save_is_atomic)
{
    bf_html *page = bf_html_new("保存");
    bf_errors errs;
    bf_errors_init(&errs, 5);
    char *nowhere = bf_test_path(bf_test_dir, "missing/r.html");
    cr_expect_eq(bf__html_save(page, nowhere, &errs), BF_EIO);
    cr_expect_eq(errs.count, 1);
    cr_expect(strstr(bf_errors_first(&errs), "missing/r.html: cannot create the file"), "%s",
              bf_errors_first(&errs));
    bf_errors_free(&errs);
    cr_expect_neq(access(nowhere, F_OK), 0);
    char *path = bf_test_path(bf_test_dir, "r.html");
    cr_assert_eq(bf__html_save(page, path, &errs), BF_OK, "%s", bf_errors_first(&errs));
    cr_expect_eq(errs.count, 0);
    char *text = bf_test_read_file(path, NULL);
    cr_expect(strstr(text, "<title>保存</title>"), "%s", text);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_expect_eq(st.st_mode & 0044, 0044, "readable like any new file (mode %o)", st.st_mode);
    /* a folder in the file's place: an error, and no temporary file left beside it */
    char *folder = bf_test_path(bf_test_dir, "sub");
    cr_assert_eq(mkdir(folder, 0755), 0);
    cr_expect_eq(bf__html_save(page, folder, &errs), BF_EIO);
    cr_expect_eq(errs.count, 1, "the failure says why");
    bf_errors_free(&errs);
    bf_test_run r;
    const char *ls[] = {"/bin/sh", "-c", "ls -a | grep -c tmp- || true", NULL};
    bf_test_run_argv(&r, bf_test_dir, ls, 10);
    cr_expect_str_eq(r.out, "0\n", "temporary files left: %s", r.out);
    bf_test_run_free(&r);
    free(folder);
    free(text);
    free(path);
    free(nowhere);
    bf_html_free(page);
}

/* ---- the run report ---- */

/* A database with the sample (or n generated households), run on 2021-06-30 with --report. */
static char *report_run(const char *households, const char *report)
{
    char *db = bf_test_county("c.db", households, "9");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--report", report, NULL), 0, "%s", r.err);
    bool zh = strcmp(bf_test_locale, BF_TEST_CHINESE) == 0;
    cr_expect(strstr(r.out, zh ? "报告：" : "report: "), "%s", r.out);
    bf_test_run_free(&r);
    return db;
}

/* The export JSON's totals as "decisions|amount_fen". */
static char *export_totals(const char *db)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--format", "json", "--plugins",
                                PLUGINS, NULL), 0, "%s", r.err);
    sqlite3 *mem;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(":memory:", &mem), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(mem, "SELECT json_array_length(?1, '$.decisions'), "
        "(SELECT sum(CAST(round(json_extract(value, '$.amount') * 100) AS INTEGER)) "
        "FROM json_each(?1, '$.decisions'))", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_bind_text(st, 1, r.out, -1, SQLITE_STATIC), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    char out[64];
    snprintf(out, sizeof out, "%lld|%lld", sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    sqlite3_close(mem);
    bf_test_run_free(&r);
    return strdup(out);
}

/* Checks a report DOM (from the file or from the browser) against the stored run of db. */
static void check_report(htmlDocPtr doc, const char *db)
{
    /* one bar per policy, labelled with the Chinese titles, valued with the stored totals */
    char *titles = bf_test_query(db, "SELECT group_concat(title, '|') FROM "
                                     "(SELECT title FROM run_policies WHERE run_id = 1 ORDER BY seq)");
    char *hh = bf_test_query(db, "SELECT group_concat(households_eligible, '|') FROM (SELECT "
                                 "households_eligible FROM run_policies WHERE run_id = 1 ORDER BY seq)");
    titles[strcspn(titles, "\n")] = '\0';
    hh[strcspn(hh, "\n")] = '\0';
    char *s = bars(doc, "chart-policy-households", "data-label");
    cr_expect_str_eq(s, titles);
    free(s);
    s = bars(doc, "chart-policy-households", "data-value");
    cr_expect_str_eq(s, hh);
    free(s);
    char *n = bf_test_query(db, "SELECT count(*) FROM run_policies WHERE run_id = 1");
    cr_expect_eq(count(doc, "//svg[@id='chart-policy-amount']/rect[contains(@class, 'bar')]"),
                 atoi(n));
    cr_expect_eq(count(doc, "//table[@id='policies']/tbody/tr"), atoi(n));
    /* amounts: per policy, per town and in the tables all equal the stored decisions */
    char *total = bf_test_query(db, "SELECT sum(amount_fen) FROM decisions WHERE run_id = 1");
    long long fen = atoll(total);
    cr_expect_eq(bar_sum(doc, "chart-policy-amount"), fen);
    cr_expect_eq(bar_sum(doc, "chart-town-amount"), fen);
    char *towns = bf_test_query(db, "SELECT count(DISTINCT h.town) FROM decisions d JOIN households h "
                                    "ON h.id = d.household_id WHERE d.run_id = 1 AND d.eligible = 1");
    cr_expect_eq(count(doc, "//svg[@id='chart-town-households']/rect[contains(@class, 'bar')]"),
                 atoi(towns));
    cr_expect_eq(count(doc, "//svg[@id='chart-town-amount']/rect[contains(@class, 'bar')]"),
                 atoi(towns));
    char *any = bf_test_query(db, "SELECT count(DISTINCT household_id) FROM decisions "
                                  "WHERE run_id = 1 AND eligible = 1");
    cr_expect_eq(bar_sum(doc, "chart-town-households"), atoll(any) * 100);
    char cell[64];
    snprintf(cell, sizeof cell, "%lld.%02lld", fen / 100, fen % 100);
    s = string(doc, "string(//table[@id='policies']/tfoot/tr/td[@data-key='amount'])");
    cr_expect_str_eq(s, cell);
    free(s);
    s = string(doc, "string(//table[@id='towns']/tfoot/tr/td[@data-key='amount'])");
    cr_expect_str_eq(s, cell);
    free(s);
    s = string(doc, "string(//table[@id='towns']/tfoot/tr/td[@data-key='households'])");
    cr_expect_eq(atoll(s), atoll(any));
    free(s);
    /* and the JSON export says the same */
    char *json = export_totals(db), *stored = bf_test_query(db, "SELECT count(*) || '|' || "
                                                               "sum(amount_fen) FROM decisions");
    stored[strcspn(stored, "\n")] = '\0';
    cr_expect_str_eq(json, stored);
    cr_expect_eq(atoll(strchr(json, '|') + 1), bar_sum(doc, "chart-policy-amount"));
    cr_expect_eq(count(doc, "//script"), 0, "no scripts");
    cr_expect_eq(count(doc, "//*[@src or (@href and not(starts-with(@href, '#')))]"), 0,
                 "no external resources");
    free(json);
    free(stored);
    free(any);
    free(towns);
    free(total);
    free(n);
    free(hh);
    free(titles);
}

Test(html, run_report_numbers_are_the_stored_numbers)
{
    char *report = bf_test_path(bf_test_dir, "run.html");
    char *db = report_run(NULL, report);
    char *text = bf_test_read_file(report, NULL);
    cr_assert_not_null(text);
    htmlDocPtr doc = parse_html(text);
    check_report(doc, db);
    /* the sample's own figures (samples/README.md): dibao 9 households 35616.00 yuan, 9 towns */
    char *s = string(doc, "string(//svg[@id='chart-policy-amount']/rect[@data-key='dibao']/@data-value)");
    cr_expect_str_eq(s, "35616.00");
    free(s);
    s = string(doc, "string(//table[@id='policies']/tbody/tr[@data-key='dibao']/td[@data-key='title'])");
    cr_expect_str_eq(s, "农村最低生活保障");
    free(s);
    cr_expect_eq(count(doc, "//svg[@id='chart-town-households']/rect"), 9);
    xmlFreeDoc(doc);
    free(text);
    free(db);
    free(report);
}

Test(html, run_refuses_an_unwritable_report_before_running)
{
    char *db = bf_test_county("c.db", NULL, NULL), *report = bf_test_path(bf_test_dir, "missing/r.html");
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, "--report", report, NULL), 2);
    cr_expect(strstr(r.err, "not writable"), "%s", r.err);
    bf_test_run_free(&r);
    char *runs = bf_test_query(db, "SELECT count(*) FROM runs");
    cr_expect_str_eq(runs, "0\n", "nothing was run");
    free(runs);
    free(report);
    free(db);
}

/* ---- in a browser ---- */

/* Runs headless Chromium on a file with one more flag (--dump-dom or --screenshot=…). */
static int browse(bf_test_run *r, const char *file, const char *flag)
{
    char url[4200];
    snprintf(url, sizeof url, "file://%s", file);
    return bf_test_browse(r, url, flag);
}

static void need_chromium(void)
{
    bf_test_need_chromium();
}

/* Width and height of a PNG file from its IHDR chunk; false if it is no PNG. */
static bool png_size(const char *path, unsigned *w, unsigned *h, size_t *bytes)
{
    size_t len;
    unsigned char *png = (unsigned char *)bf_test_read_file(path, &len);
    bool ok = png && len > 24 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0 &&
              memcmp(png + 12, "IHDR", 4) == 0;
    if (ok) {
        *w = (unsigned)png[16] << 24 | (unsigned)png[17] << 16 | (unsigned)png[18] << 8 | png[19];
        *h = (unsigned)png[20] << 24 | (unsigned)png[21] << 16 | (unsigned)png[22] << 8 | png[23];
        *bytes = len;
    }
    free(png);
    return ok;
}

/* Screenshots report into png and checks it is a real page (a PNG of the window size with
 * text and charts); with BANGFU_SCREENSHOTS=DIR a copy is kept there as keep_as (may be NULL). */
static void screenshot(const char *report, const char *png, const char *keep_as)
{
    bf_test_run r;
    char flag[4200];
    snprintf(flag, sizeof flag, "--screenshot=%s", png);
    cr_assert_eq(browse(&r, report, flag), 0, "%s", r.err);
    bf_test_run_free(&r);
    unsigned w = 0, h = 0;
    size_t bytes = 0;
    cr_assert(png_size(png, &w, &h, &bytes), "a PNG screenshot");
    cr_expect_eq(w, 1000);
    cr_expect_eq(h, 2600);
    cr_expect_gt(bytes, 40000, "a page with text and charts, not a blank one (%zu bytes)", bytes);
    const char *keep = getenv("BANGFU_SCREENSHOTS");
    if (keep_as && keep && *keep) {
        char *to = bf_test_path(keep, keep_as);
        cr_expect_eq(bf_test_copy_file(png, to), 0);
        free(to);
    }
}

/* Renders report in Chromium: checks the DOM it built against db, that its words are in the
 * language lang ("zh-CN" or "en": the caption of the policy table and the first heading of the
 * towns table) and takes a screenshot. */
static void check_in_browser(const char *report, const char *db, const char *png,
                             const char *keep_as, const char *lang)
{
    bf_test_run r;
    cr_assert_eq(browse(&r, report, "--dump-dom"), 0, "%s", r.err);
    htmlDocPtr doc = parse_html(r.out);
    cr_expect_eq(count(doc, "//svg"), 4, "the four charts are in the browser's DOM");
    bool zh = strcmp(lang, "zh-CN") == 0;
    char xpath[512];
    snprintf(xpath, sizeof xpath, "/html[@lang='%s']", lang);
    cr_expect_eq(count(doc, xpath), 1, "the page says its language, %s", lang);
    snprintf(xpath, sizeof xpath, "//table[@id='policies']/caption[. = '%s']",
             zh ? "各项政策：符合条件的户数、人数与年度金额"
                : "Each policy: households and members eligible, and the yearly amount");
    cr_expect_eq(count(doc, xpath), 1, "the policy table's caption in %s", lang);
    snprintf(xpath, sizeof xpath, "//table[@id='towns']//th[. = '%s']", zh ? "乡镇" : "town");
    cr_expect_eq(count(doc, xpath), 1, "the towns table's heading in %s", lang);
    snprintf(xpath, sizeof xpath, "//figcaption[. = '%s']",
             zh ? "各镇年度金额（元）" : "Yearly amount per town (yuan)");
    cr_expect_eq(count(doc, xpath), 1, "a chart's title in %s", lang);
    check_report(doc, db);
    xmlFreeDoc(doc);
    bf_test_run_free(&r);
    screenshot(report, png, keep_as);
}

Test(html, the_sample_report_renders_in_chromium)
{
    need_chromium();
    char *report = bf_test_path(bf_test_dir, "sample.html"), *png = bf_test_path(bf_test_dir, "sample.png");
    bf_test_locale = BF_TEST_CHINESE;            /* as county staff read it */
    char *db = report_run(NULL, report);
    check_in_browser(report, db, png, "run-report-sample.png", "zh-CN");   /* kept for samples/ */
    free(db);
    free(png);
    free(report);
}

Test(html, a_county_report_renders_in_chromium)
{
    need_chromium();
    char *report = bf_test_path(bf_test_dir, "county.html"), *png = bf_test_path(bf_test_dir, "county.png");
    char *db = report_run("2000", report);
    check_in_browser(report, db, png, NULL, "en");
    free(db);
    free(png);
    free(report);
}

/* Sums, per series (0 baseline, 1 scenario), the bars' data-value of chart id, in hundredths. */
static void series_sums(htmlDocPtr doc, const char *id, long long sums[2], int counts[2])
{
    char *values = bars(doc, id, "data-value"), *series = bars(doc, id, "class");
    sums[0] = sums[1] = 0;
    counts[0] = counts[1] = 0;
    char *v = values, *s = series;
    while (v && *v && s && *s) {
        long long whole = 0, cents = 0;
        int n = sscanf(v, "%lld.%2lld", &whole, &cents);
        cr_assert(n >= 1, "%s", v);
        int k = strncmp(s, "bar s1", 6) == 0;            /* class "bar s0" or "bar s1" */
        sums[k] += whole * 100 + (n == 2 ? cents : 0);
        counts[k]++;
        v = strchr(v, '|') ? strchr(v, '|') + 1 : NULL;
        s = strchr(s, '|') ? strchr(s, '|') + 1 : NULL;
    }
    free(values);
    free(series);
}

/* Sums the JSON's per-policy "baseline" or "scenario" amounts, in fen. */
static long long json_policy_amounts(const char *json, const char *side)
{
    const char *p = strstr(json, "\"policies\":"), *end = strstr(json, "\"towns\":");
    cr_assert(p && end);
    char key[64];
    snprintf(key, sizeof key, "\"%s\":{\"households\":", side);
    long long sum = 0;
    while ((p = strstr(p, key)) && p < end) {
        const char *a = strstr(p, "\"amount\":");
        double amount = 0;
        cr_assert(a && sscanf(a + 9, "%lf", &amount) == 1);
        sum += llround(amount * 100);
        p = a;
    }
    return sum;
}

Test(html, the_simulate_report_renders_in_chromium)
{
    need_chromium();
    char *run_report = bf_test_path(bf_test_dir, "run.html"), *report = bf_test_path(bf_test_dir, "simulate.html");
    char *png = bf_test_path(bf_test_dir, "simulate.png");
    bf_test_locale = BF_TEST_CHINESE;            /* as county staff read it */
    char *db = report_run(NULL, run_report);
    bf_test_run sim;
    cr_assert_eq(bf_test_bangfu(&sim, NULL, "simulate", "--db", db, "--date", "2021-06-30",
                                "--policies", BF_SOURCE_DIR "/policies", "--set",
                                "dibao.standard=610", "--format", "json", "--report", report, NULL),
                 0, "%s", sim.err);
    bf_test_run r;
    cr_assert_eq(browse(&r, report, "--dump-dom"), 0, "%s", r.err);
    htmlDocPtr doc = parse_html(r.out);
    cr_expect_eq(count(doc, "//svg"), 4, "households, amount, town and distribution charts");
    cr_expect_eq(count(doc, "/html[@lang='zh-CN']"), 1, "the page says it is Chinese");
    cr_expect_eq(count(doc, "//table[@id='policies']/caption[. = '按政策：基线与方案']"), 1);
    cr_expect_eq(count(doc, "//table[@id='policies']//th[. = '年度金额（方案，元）']"), 1);
    cr_expect_eq(count(doc, "//figcaption[. = '各政策年度金额：基线与方案']"), 1);
    /* a tier code in the changed decisions reads as its script's words: dibao's 按户保 */
    cr_expect_gt(count(doc, "//table[@id='changed']//td[contains(., '按户保')]"), 0);
    cr_expect_eq(count(doc, "//table[@id='changed']//td[contains(., ' · household')]"), 0);
    long long sums[2];
    int counts[2];
    series_sums(doc, "chart-households", sums, counts);
    cr_expect(counts[0] == 10 && counts[1] == 10, "one baseline and one scenario bar per policy");
    series_sums(doc, "chart-amount", sums, counts);
    cr_expect_eq(sums[0], json_policy_amounts(sim.out, "baseline"), "baseline amounts = JSON");
    cr_expect_eq(sums[1], json_policy_amounts(sim.out, "scenario"), "scenario amounts = JSON");
    cr_expect_gt(sums[1], sums[0], "a higher standard costs more");
    long long towns[2];
    series_sums(doc, "chart-towns", towns, counts);
    cr_expect(counts[0] == 9 && counts[1] == 9, "the sample's nine towns");
    cr_expect(towns[0] == sums[0] && towns[1] == sums[1], "the towns add up to the policies");
    cr_expect_gt(count(doc, "//table[@id='changed']//tbody/tr"), 0, "the changed decisions");
    /* the household view: the distribution counts every household better or worse off */
    const char *top = strstr(sim.out, "\n\"households_better\":");
    cr_assert_not_null(top);
    long long better = atoll(strstr(top, "\"households_better\":") + 20);
    long long worse = atoll(strstr(top, "\"households_worse\":") + 19);
    cr_expect_gt(better, 0, "a higher standard leaves households better off");
    cr_expect_eq(bar_sum(doc, "chart-distribution") / 100, better + worse,
                 "the distribution's bars count the households whose total changes");
    cr_expect_eq(count(doc, "//svg[@id='chart-distribution']/rect[contains(@class, 'bar')]"), 10);
    /* the per-town table: a row per town, its counts as the JSON's town_totals */
    cr_expect_eq(count(doc, "//table[@id='towns']//tbody/tr"), 9);
    char want[512];
    const char *town = strstr(sim.out, "\"town_totals\":[\n  {\"town\":\"");
    cr_assert_not_null(town);
    town += strlen("\"town_totals\":[\n  {\"town\":\"");
    int len = (int)(strchr(town, '"') - town);
    snprintf(want, sizeof want, "//table[@id='towns']//tbody/tr[1]/td[@data-key='town']");
    char *first_town = string(doc, want);
    cr_expect(strncmp(first_town, town, (size_t)len) == 0, "%s", first_town);
    snprintf(want, sizeof want, "//table[@id='towns']//tbody/tr[1]/td[@data-key='better']");
    char *town_better = string(doc, want);
    cr_expect_eq(atoll(town_better), atoll(strstr(town, "\"households_better\":") + 20));
    free(first_town);
    free(town_better);
    /* the listed households, worst first as in the JSON, each change with its reasons */
    const char *listed = strstr(sim.out, "\n\"households\":[\n  {\"household\":\"");
    cr_assert_not_null(listed);
    listed += strlen("\n\"households\":[\n  {\"household\":\"");
    char *first = string(doc, "//table[@id='households']//tbody/tr[1]/td[@data-key='household']");
    cr_expect(strncmp(first, listed, strlen(first)) == 0 && *first, "%s", first);
    free(first);
    char *reasons = string(doc, "//table[@id='households']//tbody/tr[1]/td[@data-key='reasons_after']");
    cr_expect_gt(strlen(reasons), 0, "the reasons after the change");
    free(reasons);
    int changes = 0;
    for (const char *p = listed; (p = strstr(p, "{\"policy\":")); p++)
        changes++;
    cr_expect_eq(count(doc, "//table[@id='households']//tbody/tr"), changes,
                 "a row per changed decision of each listed household");
    xmlFreeDoc(doc);
    bf_test_run_free(&r);
    screenshot(report, png, "simulate-report-sample.png");   /* kept for samples/ */
    bf_test_run_free(&sim);
    free(db);
    free(png);
    free(report);
    free(run_report);
}

Test(html, the_diff_report_renders_in_chromium)
{
    need_chromium();
    char *run_report = bf_test_path(bf_test_dir, "run.html"), *report = bf_test_path(bf_test_dir, "diff.html");
    char *png = bf_test_path(bf_test_dir, "diff.png");
    char *db = report_run(NULL, run_report);     /* run 1 on 2021-06-30 */
    bf_test_run r;
    /* run 2 in the new year: dibao.standard 551 → 570 and the other 2022 values */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2022-01-01", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    bf_test_run diff;
    cr_assert_eq(bf_test_bangfu(&diff, NULL, "diff", "1", "2", "--db", db, "--format", "json",
                                "--report", report, NULL), 0, "%s", diff.err);
    cr_assert_eq(browse(&r, report, "--dump-dom"), 0, "%s", r.err);
    htmlDocPtr doc = parse_html(r.out);
    cr_expect_eq(count(doc, "//svg"), 2, "per town: entered and left, the change in amount");
    char *n = bf_test_json_sql(diff.out, "SELECT json_array_length(?1, '$.towns'), "
        "CAST(round(json_extract(?1, '$.county.delta') * 100) AS INTEGER), "
        "(SELECT sum(json_array_length(value, '$.changes')) FROM json_each(?1, '$.households')), "
        "json_array_length(?1, '$.policies')");
    int towns = 0, changes = 0, policies = 0;
    long long delta = 0;
    cr_assert_eq(sscanf(n, "%d|%lld|%d|%d", &towns, &delta, &changes, &policies), 4, "%s", n);
    free(n);
    cr_expect_gt(changes, 0, "a new standard changes decisions");
    cr_expect_eq(count(doc, "//table[@id='towns']//tbody/tr"), towns);
    cr_expect_eq(count(doc, "//table[@id='policies']//tbody/tr"), policies);
    cr_expect_eq(bar_sum(doc, "chart-towns-delta"), delta, "the towns' bars add up to the county");
    cr_expect_eq(count(doc, "//table[@id='households']//tbody/tr"), changes,
                 "a row per changed decision");
    char *cause = string(doc, "//table[@id='households']//tbody/tr[1]/td[@data-key='causes']");
    cr_expect(strstr(cause, "dibao.standard 由 551 改为 570"), "%s", cause);
    free(cause);
    xmlFreeDoc(doc);
    bf_test_run_free(&r);
    screenshot(report, png, "diff-report-sample.png");
    bf_test_run_free(&diff);
    free(db);
    free(png);
    free(report);
    free(run_report);
}

/* bangfu doc: the rules handbook, rendered in Chromium. Every parameter of params.xml has a row
 * with its title; dibao's section has its basis and department as dibao.lua writes them, and
 * the four dated values of dibao.standard from params.xml, 570 in force on 2022-06-30. */
Test(html, the_handbook_renders_in_chromium)
{
    char *page = bf_test_path(bf_test_dir, "handbook.html"), *png = bf_test_path(bf_test_dir, "handbook.png");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "doc", "--policies", POLICIES, "--date", "2022-06-30",
                                "--out", page, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    need_chromium();
    cr_assert_eq(browse(&r, page, "--dump-dom"), 0, "%s", r.err);
    htmlDocPtr doc = parse_html(r.out);
    bf_params *params;
    bf_errors errs;
    bf_errors_init(&errs, 10);
    cr_assert_eq(bf_params_load(POLICIES "/params.xml", &params, &errs), BF_OK);
    bf_errors_free(&errs);
    cr_expect_eq(count(doc, "//table[@id='params']/tbody/tr"), params->n);
    for (int i = 0; i < params->n; i++) {
        char expr[400];
        snprintf(expr, sizeof expr, "string(//table[@id='params']/tbody/tr[@data-key='%s']/td[@data-key='title'])",
                 params->items[i].name);
        char *title = string(doc, expr);
        cr_expect_str_eq(title, params->items[i].title, "%s", params->items[i].name);
        free(title);
    }
    bf_params_free(params);
    char *s = string(doc, "string(//table[@id='params-dibao']/tbody/tr[@data-key='dibao.standard']/td[@data-key='values'])");
    cr_expect_str_eq(s, "532（2020-01-01 起）；551（2021-01-01 起）；570（2022-01-01 起）；590（2023-01-01 起）");
    free(s);
    s = string(doc, "string(//table[@id='params-dibao']/tbody/tr[@data-key='dibao.standard']/td[@data-key='now'])");
    cr_expect_str_eq(s, "570");
    free(s);
    /* a parameter read only through a lib function (household.assets) and one read by a
     * computed name (p.education[school]) are listed with their policies */
    cr_expect_eq(count(doc, "//table[@id='params-dibao']/tbody/tr[@data-key='dibao.deposit_months']"), 1);
    cr_expect_eq(count(doc, "//table[@id='params-education_aid']/tbody/tr[@data-key='education.junior']"), 1);
    s = string(doc, "string(//h2[.='农村最低生活保障（dibao）']/following-sibling::dl[1])");
    cr_expect(strstr(s, "乳农组〔2021〕4号 三（三）") && strstr(s, "县民政局"), "%s", s);
    free(s);
    cr_expect_eq(count(doc, "//table[@id='areas']/tbody/tr"), 9, "the nine towns of areas.xml");
    s = string(doc, "string(//table[@id='fields-member']/tbody/tr[@data-key='relation']/td[@data-key='values'])");
    cr_expect_str_eq(s, "head spouse child parent grandchild sibling other");
    free(s);
    xmlFreeDoc(doc);
    bf_test_run_free(&r);
    screenshot(page, png, "handbook-sample.png");
    free(png);
    free(page);
}
