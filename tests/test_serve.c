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
    refused(s.port, "POST", "/api/check/S03", "{}", 404, "no such");
    refused(s.port, "POST", "/api/simulate?x=1", NULL, 403, "did not come from this server");
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

/* ---- who may look: --users, logins, sessions, CSRF ---- */

/* A users file in the test's folder with alice (viewer) and bert (auditor); its path. */
static char *users_file(void)
{
    char *path = bf_test_path(bf_test_dir, "users");
    const char *people[][3] = {{"alice", "viewer", "correct-horse-battery\n"},
                               {"bert", "auditor", "staple-of-the-county\n"}};
    for (int i = 0; i < 2; i++) {
        char *input = bf_test_path(bf_test_dir, "password");
        cr_assert_eq(bf_test_write_file(input, people[i][2], (size_t)-1), 0);
        const char *argv[] = {"/bin/sh", "-c", "\"$0\" passwd \"$1\" --users \"$2\" --role \"$3\" < \"$4\"",
                              BF_TEST_BANGFU, people[i][0], path, people[i][1], input, NULL};
        bf_test_run r;
        cr_assert_eq(bf_test_run_argv(&r, NULL, argv, 60), 0, "%s", r.err);
        bf_test_run_free(&r);
        free(input);
    }
    char *text = bf_test_read_file(path, NULL);
    cr_assert(strstr(text, "alice:viewer:$y$"), "%s", text);   /* yescrypt */
    cr_assert(strstr(text, "\nbert:auditor:$y$"), "%s", text);
    cr_assert_null(strstr(text, "correct-horse"), "the password itself is in the file");
    free(text);
    return path;
}

/* Logs in; the session cookie ("bangfu_session=…") into cookie, the answer's status. */
static int log_in(int port, const char *user, const char *password, char cookie[128])
{
    char body[256];
    snprintf(body, sizeof body, "user=%s&password=%s", user, password);
    bf_test_http h;
    int status = bf_test_http_ask(&h, port, "POST", "/login",
                                  "Content-Type: application/x-www-form-urlencoded\r\n", body);
    char *set = bf_test_http_header(&h, "Set-Cookie");
    cookie[0] = '\0';
    if (set)
        snprintf(cookie, 128, "%.*s", (int)strcspn(set, ";"), set);
    if (status == 303) {
        cr_expect(strstr(set, "HttpOnly"), "%s", set);
        cr_expect(strstr(set, "SameSite=Strict"), "%s", set);
        cr_expect_null(strstr(set, "Secure"), "Secure without TLS: %s", set);
    }
    free(set);
    bf_test_http_free(&h);
    return status;
}

Test(serve, without_a_session_everything_answers_401)
{
    char *db = sample_with_run(), *users = users_file();
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, "--users", users, NULL);
    const char *gets[] = {"/api/check/S03?date=2021-06-30", "/api/params", "/api/review",
                          "/api/runs", "/api/diff?from=1&to=1", "/api/session", "/", "/households",
                          "/household/S03", "/whatif", "/runs", "/review", "/rules", "/nowhere"};
    for (size_t i = 0; i < sizeof gets / sizeof *gets; i++) {
        bf_test_http h;
        cr_expect_eq(bf_test_http_ask(&h, s.port, "GET", gets[i], NULL, NULL), 401, "%s: %d",
                     gets[i], h.status);
        cr_expect_null(strstr(h.body, "S03-"), "%s shows a member", gets[i]);
        bf_test_http_free(&h);
    }
    bf_test_http h;
    cr_expect_eq(bf_test_http_ask(&h, s.port, "POST", "/api/simulate",
                                  "Content-Type: application/json\r\n",
                                  "{\"set\":{\"dibao.standard\":640}}"), 401);
    bf_test_http_free(&h);
    /* a cookie that is no session is none */
    cr_expect_eq(bf_test_http_ask(&h, s.port, "GET", "/api/runs", "Cookie: bangfu_session="
                                  "0000000000000000000000000000000000000000000000000000000000000000\r\n",
                                  NULL), 401);
    bf_test_http_free(&h);
    /* the login page itself answers */
    cr_expect_eq(bf_test_http_ask(&h, s.port, "GET", "/login", NULL, NULL), 200);
    cr_expect(strstr(h.body, "type=\"password\""), "%s", h.body);
    bf_test_http_free(&h);
    cr_expect_eq(bf_test_server_stop(&s, SIGTERM, NULL), 0);
    free(users);
    free(db);
}

Test(serve, a_wrong_password_is_refused_and_slowed)
{
    char *db = sample_with_run(), *users = users_file();
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, "--users", users, NULL);
    char cookie[128];
    cr_expect_eq(log_in(s.port, "alice", "wrong-password", cookie), 401);
    cr_expect_eq(cookie[0], '\0', "a wrong password got a cookie");
    /* right after a failure even the right password must wait (429), saying how long */
    cr_expect_eq(log_in(s.port, "alice", "correct-horse-battery", cookie), 429);
    cr_expect_eq(cookie[0], '\0');
    /* an unknown user is refused the same way */
    cr_expect_eq(log_in(s.port, "mallory", "correct-horse-battery", cookie), 429,
                 "the client must wait too");
    sleep(2);
    cr_expect_eq(log_in(s.port, "alice", "correct-horse-battery", cookie), 303);
    cr_assert(strncmp(cookie, "bangfu_session=", 15) == 0, "%s", cookie);
    char header[200];
    snprintf(header, sizeof header, "Cookie: %s\r\n", cookie);
    bf_test_http h;
    cr_expect_eq(bf_test_http_ask(&h, s.port, "GET", "/api/session", header, NULL), 200);
    cr_expect(strstr(h.body, "\"user\":\"alice\",\"role\":\"viewer\""), "%s", h.body);
    bf_test_http_free(&h);
    /* two failures in a row: the second wait is longer (1 s, then 2 s) */
    cr_expect_eq(log_in(s.port, "bert", "nope-nope-nope", cookie), 401);
    sleep(2);
    bf_test_http_ask(&h, s.port, "POST", "/login", "Content-Type: application/x-www-form-urlencoded\r\n",
                     "user=bert&password=still-wrong");
    cr_expect_eq(h.status, 401);
    char *retry = bf_test_http_header(&h, "Retry-After");
    cr_expect(retry && atoi(retry) == 2, "Retry-After %s", retry ? retry : "missing");
    free(retry);
    bf_test_http_free(&h);
    cr_expect_eq(bf_test_server_stop(&s, SIGTERM, NULL), 0);
    free(users);
    free(db);
}

Test(serve, a_post_needs_the_csrf_token)
{
    char *db = sample_with_run(), *users = users_file();
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, "--users", users, NULL);
    char cookie[128], header[400];
    cr_assert_eq(log_in(s.port, "alice", "correct-horse-battery", cookie), 303);
    snprintf(header, sizeof header, "Cookie: %s\r\nContent-Type: application/json\r\n", cookie);
    const char *body = "{\"date\":\"2021-06-30\",\"set\":{\"dibao.standard\":640}}";
    bf_test_http h;
    cr_expect_eq(bf_test_http_ask(&h, s.port, "POST", "/api/simulate", header, body), 403);
    bf_test_http_free(&h);
    char wrong[600];
    snprintf(wrong, sizeof wrong, "%sX-CSRF-Token: %064d\r\n", header, 0);
    cr_expect_eq(bf_test_http_ask(&h, s.port, "POST", "/api/simulate", wrong, body), 403);
    bf_test_http_free(&h);
    snprintf(wrong, sizeof wrong, "Cookie: %s\r\n", cookie);
    cr_assert_eq(bf_test_http_ask(&h, s.port, "GET", "/api/session", wrong, NULL), 200);
    char *csrf = strstr(h.body, "\"csrf\":\"");
    cr_assert_not_null(csrf);
    char right[600];
    snprintf(right, sizeof right, "%sX-CSRF-Token: %.64s\r\n", header, csrf + 8);
    bf_test_http_free(&h);
    cr_expect_eq(bf_test_http_ask(&h, s.port, "POST", "/api/simulate", right, body), 200, "%s", h.body);
    cr_expect(strstr(h.body, "\"households_worse\""));
    bf_test_http_free(&h);
    /* log out: the session is gone */
    cr_expect_eq(bf_test_http_ask(&h, s.port, "POST", "/logout", wrong, NULL), 403, "logout needs the token too");
    bf_test_http_free(&h);
    cr_expect_eq(bf_test_server_stop(&s, SIGTERM, NULL), 0);
    free(users);
    free(db);
}

Test(serve, users_make_any_address_possible)
{
    char *db = sample_with_run(), *users = users_file();
    bf_test_run r;
    /* a users file that is not one is refused, naming its line */
    char *bad = bf_test_path(bf_test_dir, "bad-users");
    cr_assert_eq(bf_test_write_file(bad, "# staff\nalice viewer secret\n", (size_t)-1), 0);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "serve", "--db", db, "--listen", "0.0.0.0:0", "--users",
                                bad, NULL), 2);
    cr_expect(strstr(r.err, "bad-users:2:"), "%s", r.err);
    bf_test_run_free(&r);
    /* a password too short, or a user name with a colon, writes nothing */
    const char *argv[] = {"/bin/sh", "-c", "echo short | \"$0\" passwd carol --users \"$1\"",
                          BF_TEST_BANGFU, users, NULL};
    cr_expect_eq(bf_test_run_argv(&r, NULL, argv, 60), 2);
    cr_expect(strstr(r.err, "at least 8"), "%s", r.err);
    bf_test_run_free(&r);
    const char *argv2[] = {"/bin/sh", "-c", "echo long-enough-pw | \"$0\" passwd 'eve:admin' --users \"$1\"",
                           BF_TEST_BANGFU, users, NULL};
    cr_expect_eq(bf_test_run_argv(&r, NULL, argv2, 60), 2);
    bf_test_run_free(&r);
    char *text = bf_test_read_file(users, NULL);
    cr_expect_null(strstr(text, "carol"));
    cr_expect_null(strstr(text, "eve"));
    free(text);
    bf_test_server s;
    bf_test_server_start(&s, "--db", db, "--users", users, NULL);
    char cookie[128];
    cr_expect_eq(log_in(s.port, "bert", "staple-of-the-county", cookie), 303);
    cr_expect_eq(bf_test_server_stop(&s, SIGTERM, NULL), 0);
    free(bad);
    free(users);
    free(db);
}
