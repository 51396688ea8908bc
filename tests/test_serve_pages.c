/* test_serve_pages.c — the pages of bangfu serve: the household search and page, the what-if
 * from its form to its result, runs, diff, review and the handbook; headless Chromium opens them
 * by URL and the numbers it shows are compared with the CLI's JSON; no ID number is ever shown
 * whole; who looked at a household is recorded; screenshots for the README. */
#include <criterion/criterion.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "browser.h"
#include "helpers.h"
#include "serve_client.h"

TestSuite(serve_pages, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown, .timeout = 300);

/* The sample county with runs on 2021-06-30 and 2022-06-30; its malloc'd path. */
static char *sample_with_runs(void)
{
    char *db = bf_test_county("pages.db", NULL, NULL);
    const char *dates[] = {"2021-06-30", "2022-06-30"};
    for (int i = 0; i < 2; i++) {
        bf_test_run r;
        cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", dates[i], NULL), 0,
                     "%s", r.err);
        bf_test_run_free(&r);
    }
    return db;
}

#define parse_html bf_test_parse_html
#define string bf_test_xpath_string

/* Compares each "key=value" of rows (space-separated, from the CLI's JSON) with the cell column
 * of row key of table id in doc; returns how many were compared. */
static int same_cells(htmlDocPtr doc, char *rows, const char *table, const char *column,
                      const char *what)
{
    int checked = 0;
    for (char *tok = strtok(rows, " "); tok; tok = strtok(NULL, " ")) {
        char *eq = strchr(tok, '=');
        cr_assert_not_null(eq);
        *eq = '\0';
        char expr[300];
        snprintf(expr, sizeof expr, "string(//table[@id='%s']//tr[@data-key='%s']/td[@data-key='%s'])",
                 table, tok, column);
        char *shown = string(doc, expr);
        cr_expect_str_eq(shown, eq + 1, "%s: the page shows %s, %s says %s", tok, shown, what, eq + 1);
        free(shown);
        checked++;
    }
    return checked;
}

/* Every ID number of the sample county (18 characters each), NUL-separated in ids; the count. */
static int sample_idnumbers(char ids[][19], int max)
{
    char *xml = bf_test_read_file(BF_SOURCE_DIR "/samples/households.xml", NULL);
    cr_assert_not_null(xml);
    int n = 0;
    for (const char *p = xml; n < max && (p = strstr(p, "idnumber=\"")); p += 10)
        snprintf(ids[n++], 19, "%.18s", p + 10);
    free(xml);
    cr_assert_gt(n, 0);
    return n;
}

/* Asserts that no ID number of the sample appears whole in text. */
static void no_idnumber(const char *text, const char *what)
{
    char ids[64][19];
    int n = sample_idnumbers(ids, 64);
    for (int i = 0; i < n; i++)
        cr_expect_null(strstr(text, ids[i]), "%s shows the ID number %s whole", what, ids[i]);
}

/* The page at path as Chromium shows it (its DOM after rendering). */
static char *dom(int port, const char *path)
{
    char url[600];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    bf_test_run r;
    cr_assert_eq(bf_test_browse(&r, url, "--dump-dom"), 0, "%s: %s", url, r.err);
    char *out = strdup(r.out);
    bf_test_run_free(&r);
    return out;
}

/* The page at path through the plain client: its status must be 200; the body, malloc'd. */
static char *get_page(int port, const char *path)
{
    bf_test_http h;
    cr_assert_eq(bf_test_http_ask(&h, port, "GET", path, NULL, NULL), 200, "%s: %d %s", path,
                 h.status, h.body);
    char *body = strdup(h.body);
    bf_test_http_free(&h);
    return body;
}

/* Runs bangfu with args; its standard output (it must succeed), malloc'd. */
static char *cli(const char *const *args)
{
    const char *argv[24] = {BF_TEST_BANGFU};
    int n = 1;
    for (; args[n - 1]; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    bf_test_run r;
    cr_assert_eq(bf_test_run_argv(&r, NULL, argv, 120), 0, "%s", r.err);
    char *out = strdup(r.out);
    bf_test_run_free(&r);
    return out;
}

Test(serve_pages, a_household_is_found_and_its_page_shows_the_cli_numbers)
{
    bf_test_need_chromium();
    bf_test_locale = BF_TEST_CHINESE;          /* as county staff see it (and the screenshot) */
    char *db = sample_with_runs();
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, NULL);
    /* the search: by id, and by a member's name */
    char *page = dom(s.port, "/households?q=S03");
    htmlDocPtr doc = parse_html(page);
    char *href = string(doc, "string(//table[@id='found']//tr[@data-key='S03']/td[1]/a/@href)");
    cr_expect_str_eq(href, "/household/S03");
    free(href);
    xmlFreeDoc(doc);
    free(page);
    page = get_page(s.port, "/households?q=%E9%BB%84%E5%BB%BA%E5%9B%BD");     /* 黄建国, head of S01 */
    cr_expect(strstr(page, "data-key=\"S01\""), "the name search finds S01");
    free(page);
    /* S01's head has an ID number: masked, first 6 and last 4 characters kept (4402321978… → 440232********0137) */
    page = get_page(s.port, "/household/S01?date=2021-06-30");
    no_idnumber(page, "S01's page");
    cr_expect(strstr(page, "440232********0137"), "the masked ID number of S01-1 is shown");
    free(page);
    /* the household page: every decision as check --format json has it */
    page = dom(s.port, "/household/S03?date=2021-06-30");
    no_idnumber(page, "the household page");
    doc = parse_html(page);
    char *json = cli((const char *[]){"check", "S03", "--db", db, "--date", "2021-06-30",
                                      "--format", "json", NULL});
    char *rows = bf_test_json_sql(json, "SELECT group_concat(json_extract(value, '$.policy') || '/' "
                                  "|| coalesce(json_extract(value, '$.member'), '') || '=' || "
                                  "printf('%.2f', json_extract(value, '$.amount')), ' ') FROM "
                                  "json_each(?1, '$.decisions')");
    int checked = same_cells(doc, rows, "decisions", "amount", "check");
    cr_expect_geq(checked, 10, "S03 has a decision per policy and member");
    char *reasons = string(doc, "string(//table[@id='decisions']//tr[@data-key='dibao/']/td[@data-key='reasons'])");
    cr_expect(strlen(reasons) > 10, "dibao's reasons are shown: '%s'", reasons);
    free(reasons);
    char *params = string(doc, "string(//table[@id='decisions']//tr[@data-key='dibao/']/td[@data-key='params'])");
    cr_expect(strstr(params, "551"), "the standard read (551) is shown: '%s'", params);
    free(params);
    char *history = string(doc, "count(//table[@id='history']//tr[td[@data-key='run']='2'])");
    cr_expect_neq(strcmp(history, "0"), 0, "run 2 is in the history");
    free(history);
    free(rows);
    free(json);
    xmlFreeDoc(doc);
    free(page);
    /* the screenshot of the household page for the README */
    char shot[600], url[200];
    snprintf(shot, sizeof shot, "--screenshot=%s/household.png", bf_test_dir);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/household/S03?date=2021-06-30", s.port);
    bf_test_run r;
    cr_expect_eq(bf_test_browse(&r, url, shot), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *png = bf_test_path(bf_test_dir, "household.png");
    if (getenv("BANGFU_SAMPLES"))
        bf_test_copy_file(png, BF_SOURCE_DIR "/samples/serve-household.png");
    free(png);
    cr_expect_eq(bf_test_server_stop(&s, SIGTERM, NULL), 0);
    /* the look is recorded: user "" (loopback, no users), household, by page */
    char *views = bf_test_query(db, "SELECT user || '|' || household_id || '|' || via FROM "
                                    "household_views ORDER BY id");
    cr_expect(strstr(views, "|S03|page\n"), "%s", views);
    free(views);
    free(db);
}

Test(serve_pages, a_what_if_from_its_form_shows_the_cli_numbers)
{
    bf_test_need_chromium();
    bf_test_locale = BF_TEST_CHINESE;
    char *db = sample_with_runs();
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, NULL);
    /* the form: the parameters grouped by policy, the value in force, the CSRF token */
    char *form = get_page(s.port, "/whatif");
    htmlDocPtr doc = parse_html(form);
    char *in_force = string(doc, "string(//fieldset[@id='dibao']//input[@name='dibao.standard']/@value)");
    char *csrf = string(doc, "string(//form[@id='whatif']//input[@name='csrf']/@value)");
    cr_expect_gt(strlen(in_force), 0, "dibao.standard has a value in force in its policy's group");
    cr_assert_eq(strlen(csrf), 64);
    xmlFreeDoc(doc);
    free(form);
    free(in_force);
    /* without the token the form is refused */
    bf_test_http h;
    cr_expect_eq(bf_test_http_ask(&h, s.port, "POST", "/whatif", "Content-Type: application/x-www-"
                                  "form-urlencoded\r\n", "date=2021-06-30&dibao.standard=640"), 403);
    bf_test_http_free(&h);
    /* a value equal to the one in force is no change */
    char body[300];
    snprintf(body, sizeof body, "csrf=%s&date=2021-06-30&dibao.standard=551", csrf);
    cr_expect_eq(bf_test_http_ask(&h, s.port, "POST", "/whatif", "Content-Type: application/x-www-"
                                  "form-urlencoded\r\n", body), 400);
    cr_expect(strstr(h.body, "id=\"whatif\""), "the form again, saying why: %s", h.body);
    bf_test_http_free(&h);
    snprintf(body, sizeof body, "csrf=%s&date=2021-06-30&dibao.standard=640&tekun.care_full=", csrf);
    cr_assert_eq(bf_test_http_ask(&h, s.port, "POST", "/whatif", "Content-Type: application/x-www-"
                                  "form-urlencoded\r\n", body), 303, "%s", h.body);
    char *where = bf_test_http_header(&h, "Location");
    cr_assert(where && strncmp(where, "/whatif/", 8) == 0, "%s", where);
    bf_test_http_free(&h);
    /* its page reloads itself until the result is there */
    char *page = NULL;
    for (int tries = 0; tries < 600; tries++) {
        free(page);
        page = get_page(s.port, where);
        if (!strstr(page, "http-equiv=\"refresh\""))
            break;
        usleep(100 * 1000);
    }
    free(page);
    page = dom(s.port, where);
    no_idnumber(page, "the what-if result");
    doc = parse_html(page);
    char *json = cli((const char *[]){"simulate", "--db", db, "--date", "2021-06-30", "--set",
                                      "dibao.standard=640", "--format", "json", NULL});
    char *rows = bf_test_json_sql(json, "SELECT group_concat(json_extract(value, '$.policy') || '=' "
                                  "|| printf('%.2f', json_extract(value, '$.scenario.amount')), ' ') "
                                  "FROM json_each(?1, '$.policies')");
    int checked = same_cells(doc, rows, "policies", "amount_after", "simulate");
    cr_expect_eq(checked, 10, "every policy");
    char *menu = string(doc, "count(//nav[@class='site']/a)");
    cr_expect_str_eq(menu, "6", "the result page has the site's menu");
    free(menu);
    char shot[600], url[200];
    snprintf(shot, sizeof shot, "--screenshot=%s/whatif.png", bf_test_dir);
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s.port, where);
    bf_test_run r;
    cr_expect_eq(bf_test_browse(&r, url, shot), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *png = bf_test_path(bf_test_dir, "whatif.png");
    if (getenv("BANGFU_SAMPLES"))
        bf_test_copy_file(png, BF_SOURCE_DIR "/samples/serve-whatif.png");
    free(png);
    free(rows);
    free(json);
    xmlFreeDoc(doc);
    free(page);
    free(where);
    free(csrf);
    cr_expect_eq(bf_test_server_stop(&s, SIGTERM, NULL), 0);
    free(db);
}

Test(serve_pages, runs_diff_review_and_rules_are_pages)
{
    char *db = sample_with_runs();
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, NULL);
    char *page = get_page(s.port, "/runs");
    cr_expect(strstr(page, "data-key=\"2\""), "run 2 is listed");
    cr_expect(strstr(page, "action=\"/diff\""), "with the form comparing two runs");
    free(page);
    page = get_page(s.port, "/diff?from=1&to=2");
    cr_expect(strstr(page, "<svg"), "the change report has its charts");
    free(page);
    page = get_page(s.port, "/review");
    cr_expect(strstr(page, "id=\"findings\""));
    cr_expect(strstr(page, "href=\"/household/"), "each finding links to its household");
    no_idnumber(page, "the review");
    free(page);
    page = get_page(s.port, "/rules");
    cr_expect(strstr(page, "dibao.standard"), "the handbook lists the parameters");
    free(page);
    page = get_page(s.port, "/");
    cr_expect(strstr(page, "id=\"chart-policies\""));
    no_idnumber(page, "the county page");
    free(page);
    /* no API answer shows an ID number whole either */
    const char *api[] = {"/api/check/S01?date=2021-06-30", "/api/review", "/api/runs",
                         "/api/diff?from=1&to=2", "/api/params"};
    for (int i = 0; i < 5; i++) {
        page = get_page(s.port, api[i]);
        no_idnumber(page, api[i]);
        free(page);
    }
    cr_expect_eq(bf_test_server_stop(&s, SIGTERM, NULL), 0);
    free(db);
}

Test(serve_pages, with_users_every_look_names_its_user_and_auditors_see_them)
{
    char *db = sample_with_runs();
    char *users = bf_test_path(bf_test_dir, "users");
    const char *argv[] = {"/bin/sh", "-c", "echo look-at-everyone | \"$0\" passwd lin --users \"$1\" "
                          "--role auditor", BF_TEST_BANGFU, users, NULL};
    bf_test_run r;
    cr_assert_eq(bf_test_run_argv(&r, NULL, argv, 60), 0, "%s", r.err);
    bf_test_run_free(&r);
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, "--users", users, NULL);
    bf_test_http h;
    cr_assert_eq(bf_test_http_ask(&h, s.port, "POST", "/login", "Content-Type: application/x-www-"
                                  "form-urlencoded\r\n", "user=lin&password=look-at-everyone"), 303);
    char *set = bf_test_http_header(&h, "Set-Cookie");
    char header[200];
    snprintf(header, sizeof header, "Cookie: %.*s\r\n", (int)strcspn(set, ";"), set);
    free(set);
    bf_test_http_free(&h);
    cr_expect_eq(bf_test_http_ask(&h, s.port, "GET", "/api/check/S05?date=2021-06-30", header, NULL), 200);
    bf_test_http_free(&h);
    cr_expect_eq(bf_test_http_ask(&h, s.port, "GET", "/household/S05", header, NULL), 200);
    cr_expect(strstr(h.body, "id=\"views\""), "an auditor sees who looked");
    cr_expect(strstr(h.body, ">lin<"), "%s", h.body);
    bf_test_http_free(&h);
    cr_expect_eq(bf_test_server_stop(&s, SIGTERM, NULL), 0);
    char *views = bf_test_query(db, "SELECT user || '|' || household_id || '|' || via FROM "
                                    "household_views ORDER BY id");
    cr_expect_str_eq(views, "lin|S05|api\nlin|S05|page\n");
    free(views);
    free(users);
    free(db);
}
