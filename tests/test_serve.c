/* test_serve.c — bangfu serve as a process on a free loopback port: the JSON API answers byte
 * for byte what the commands print with --format json; bad requests are refused with a reason;
 * the server ends cleanly on SIGTERM and SIGINT; no address but loopback without --users. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "serve_client.h"

TestSuite(serve, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown, .timeout = 300);

/* The sample county with one completed run on 2021-06-30; its malloc'd path. */
static char *sample_with_run(void)
{
    char *db = bf_test_county("serve.db", NULL, NULL);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", NULL), 0,
                 "%s", r.err);
    bf_test_run_free(&r);
    return db;
}

/* Asserts that GET path answers 200 with exactly what `bangfu ARGS… --format json` prints. */
static void same_as_cli(int port, const char *path, const char *const *args)
{
    const char *argv[32] = {BF_TEST_BANGFU};
    int n = 1;
    for (; args[n - 1]; n++)
        argv[n] = args[n - 1];
    argv[n++] = "--format";
    argv[n++] = "json";
    argv[n] = NULL;
    bf_test_run r;
    cr_assert_eq(bf_test_run_argv(&r, NULL, argv, 120), 0, "%s: %s", args[0], r.err);
    bf_test_http h;
    cr_assert_eq(bf_test_http_ask(&h, port, "GET", path, NULL, NULL), 200, "%s: %s", path, h.body);
    cr_assert_gt(strlen(r.out), 20);
    cr_expect_str_eq(h.body, r.out, "%s differs from bangfu %s --format json", path, args[0]);
    char *type = bf_test_http_header(&h, "Content-Type");
    cr_expect_str_eq(type, "application/json; charset=utf-8");
    free(type);
    bf_test_http_free(&h);
    bf_test_run_free(&r);
}

Test(serve, check_answers_what_the_cli_prints)
{
    char *db = sample_with_run();
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, NULL);
    const char *ids[] = {"S01", "S03", "S07", "S27"};
    for (int i = 0; i < 4; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/check/%s?date=2021-06-30", ids[i]);
        same_as_cli(s.port, path, (const char *[]){"check", ids[i], "--db", db, "--date",
                                                   "2021-06-30", NULL});
    }
    /* another date in the same thread gets another engine: 2022-06-30 has other values */
    same_as_cli(s.port, "/api/check/S03?date=2022-06-30",
                (const char *[]){"check", "S03", "--db", db, "--date", "2022-06-30", NULL});
    char *err;
    cr_expect_eq(bf_test_server_stop(&s, SIGTERM, &err), 0, "%s", err);
    free(err);
    free(db);
}

Test(serve, simulate_answers_what_the_cli_prints)
{
    char *db = sample_with_run();
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, NULL);
    const char *bodies[] = {"{\"date\": \"2021-06-30\", \"set\": {\"dibao.standard\": 640}}",
                            "{\"date\":\"2021-06-30\",\"set\":{\"dibao.standard\":\"600\","
                            "\"tekun.care_full\":2000}}"};
    const char *cli[][12] = {
        {BF_TEST_BANGFU, "simulate", "--db", db, "--date", "2021-06-30", "--set",
         "dibao.standard=640", "--format", "json", NULL},
        {BF_TEST_BANGFU, "simulate", "--db", db, "--date", "2021-06-30", "--set",
         "dibao.standard=600", "--set", "tekun.care_full=2000", "--format", NULL},
    };
    for (int i = 0; i < 2; i++) {
        const char *argv[16];
        int n = 0;
        for (; cli[i][n]; n++)
            argv[n] = cli[i][n];
        if (i == 1)
            argv[n++] = "json";
        argv[n] = NULL;
        bf_test_run r;
        cr_assert_eq(bf_test_run_argv(&r, NULL, argv, 120), 0, "%s", r.err);
        bf_test_http h;
        cr_assert_eq(bf_test_http_ask(&h, s.port, "POST", "/api/simulate",
                                      "Content-Type: application/json\r\n", bodies[i]), 200,
                     "%s", h.body);
        cr_assert(strstr(r.out, "\"households_worse\""));
        cr_expect_str_eq(h.body, r.out, "simulate %d differs from the CLI's JSON", i);
        bf_test_http_free(&h);
        bf_test_run_free(&r);
    }
    char *err;
    cr_expect_eq(bf_test_server_stop(&s, SIGINT, &err), 0, "%s", err);
    free(err);
    free(db);
}

Test(serve, params_review_runs_and_diff_answer_what_the_cli_prints)
{
    char *db = sample_with_run();
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2022-06-30", NULL), 0,
                 "%s", r.err);
    bf_test_run_free(&r);
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, NULL);
    same_as_cli(s.port, "/api/params?date=2022-01-01",
                (const char *[]){"params", "--date", "2022-01-01", NULL});
    same_as_cli(s.port, "/api/review", (const char *[]){"review", "--db", db, NULL});
    same_as_cli(s.port, "/api/review?run=1", (const char *[]){"review", "--db", db, "--run", "1", NULL});
    same_as_cli(s.port, "/api/runs", (const char *[]){"runs", "--db", db, NULL});
    same_as_cli(s.port, "/api/diff?from=1&to=2", (const char *[]){"diff", "1", "2", "--db", db, NULL});
    cr_expect_eq(bf_test_server_stop(&s, SIGTERM, NULL), 0);
    free(db);
}

/* Asserts that a request is answered status with a JSON error containing words. */
static void refused(int port, const char *method, const char *path, const char *body, int status,
                    const char *words)
{
    bf_test_http h;
    bf_test_http_ask(&h, port, method, path,
                     body ? "Content-Type: application/json\r\n" : NULL, body);
    cr_expect_eq(h.status, status, "%s %s: %d %s", method, path, h.status, h.body);
    cr_expect(strstr(h.body, words), "%s %s: '%s' has no '%s'", method, path, h.body, words);
    bf_test_http_free(&h);
}

Test(serve, bad_requests_are_refused_saying_why)
{
    char *db = sample_with_run();
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, NULL);
    refused(s.port, "GET", "/api/check/S03?date=2021-02-30", NULL, 400, "YYYY-MM-DD");
    refused(s.port, "GET", "/api/check/NOBODY?date=2021-06-30", NULL, 404, "NOBODY");
    refused(s.port, "GET", "/api/review?run=x", NULL, 400, "run id");
    refused(s.port, "GET", "/api/review?run=99", NULL, 404, "99");
    refused(s.port, "GET", "/api/diff?from=1", NULL, 400, "to");
    refused(s.port, "POST", "/api/simulate", "not json", 400, "JSON object");
    refused(s.port, "POST", "/api/simulate", "{\"date\":\"2021-06-30\"}", 400, "what should change");
    refused(s.port, "POST", "/api/simulate", "{\"date\":\"2021-06-30\",\"set\":{\"dibao.standard\":-5}}",
            400, "dibao.standard");
    refused(s.port, "POST", "/api/simulate", "{\"set\":{\"no.such\":5}}", 400, "no.such");
    refused(s.port, "GET", "/api/simulate", NULL, 404, "no such");
    refused(s.port, "POST", "/api/check/S03", NULL, 404, "no such");
    /* a body larger than 64 KiB is not read */
    size_t big = 70 * 1024;
    char *body = malloc(big + 1);
    memset(body, ' ', big);
    body[big] = '\0';
    refused(s.port, "POST", "/api/simulate", body, 413, "too large");
    free(body);
    cr_expect_eq(bf_test_server_stop(&s, SIGTERM, NULL), 0);
    free(db);
}

Test(serve, paths_reach_no_file)
{
    char *db = sample_with_run();
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, NULL);
    const char *paths[] = {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                           "/api/check/..%2f..%2f..%2fetc%2fpasswd", "//etc/passwd",
                           "/etc/passwd", "/api/../../etc/passwd", "/%2fetc%2fpasswd",
                           "/api/check/%2e%2e", "/README.md", "/policies/params.xml"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        bf_test_http h;
        bf_test_http_ask(&h, s.port, "GET", paths[i], NULL, NULL);
        cr_expect(h.status == 404 || h.status == 400, "%s: %d", paths[i], h.status);
        cr_expect_null(strstr(h.body, "root:"), "%s served /etc/passwd", paths[i]);
        cr_expect_null(strstr(h.body, "dibao.standard"), "%s served a file", paths[i]);
        cr_expect_null(strstr(h.body, "bangfu (帮扶)"), "%s served a file", paths[i]);
        bf_test_http_free(&h);
    }
    cr_expect_eq(bf_test_server_stop(&s, SIGTERM, NULL), 0);
    free(db);
}

Test(serve, an_address_other_than_loopback_needs_users)
{
    char *db = sample_with_run();
    const char *addrs[] = {"0.0.0.0:0", "[::]:0"};
    for (int i = 0; i < 2; i++) {
        bf_test_run r;
        cr_expect_eq(bf_test_bangfu(&r, NULL, "serve", "--db", db, "--listen", addrs[i], NULL), 2,
                     "%s", addrs[i]);
        cr_expect(strstr(r.err, "not a loopback address"), "%s", r.err);
        cr_expect(strstr(r.err, "--users"), "%s", r.err);
        cr_expect_eq(r.out[0], '\0', "it must not have served: %s", r.out);
        bf_test_run_free(&r);
    }
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "serve", "--db", db, "--listen", "127.0.0.1", NULL), 2);
    cr_expect(strstr(r.err, "ADDRESS:PORT"), "%s", r.err);
    bf_test_run_free(&r);
    free(db);
}
