/* test_money_lib.c — the scripts' `money` module and policies/lib/fmt.lua round money exactly as
 * the host rounds a decision's amount, at the half-fen boundaries above all. */
#include <criterion/criterion.h>
#include <lauxlib.h>
#include <math.h>
#include <string.h>

#include "bangfu.h"
#include "helpers.h"
#include "money.h"
#include "sandbox.h"

/* The latest message of e, "" when there is none. */
static const char *latest(const bf_errors *e)
{
    return e->count ? e->msgs[e->count - 1] : "";
}

static bf_sandbox *sb;
static bf_watchdog *wd;
static bf_errors err;          /* the sandbox's messages; the latest is checked */

static void setup(void)
{
    bf_test_sandbox_open(BF_SOURCE_DIR "/policies/lib", "policies/lib/", &sb, &wd);
    bf_errors_init(&err, 16);
}

static void teardown(void)
{
    bf_test_sandbox_close(sb, wd);
    bf_errors_free(&err);
}

TestSuite(money_lib, .init = setup, .fini = teardown, .timeout = 60);

/* Runs `return FUNCTION` (e.g. "require('fmt').money") and leaves the function on the stack. */
static void push_function(const char *src)
{
    bf_errors_free(&err);
    cr_assert_eq(bf__sandbox_run_chunk(sb, src, strlen(src), "@test.lua", &err), BF_OK, "%s: %s",
                 src, latest(&err));
    cr_assert(lua_isfunction(bf__sandbox_state(sb), -1), "%s is no function", src);
}

/* Calls the function on top of the stack with x and copies its string result into out (the
 * function stays on the stack). */
static void call_with(double x, char *out, size_t size)
{
    lua_State *L = bf__sandbox_state(sb);
    lua_pushvalue(L, -1);                            /* fn, fn */
    lua_pushnumber(L, x);                            /* fn, fn, x */
    bf_errors_free(&err);
    cr_assert_eq(bf__sandbox_call(sb, 1, 1, &err), BF_OK, "%.17g: %s", x, latest(&err));
    const char *s = lua_tostring(L, -1);             /* fn, result */
    snprintf(out, size, "%s", s ? s : "(not a string)");
    lua_pop(L, 1);                                   /* fn */
}

/* The host's figure for x: rounded once to the fen as a decision's amount is, as text. */
static void host_text(double x, char out[BF_MONEY_STRLEN])
{
    bf_money_format(bf_round_fen(x), out);
}

/* Half-fen figures reached through double arithmetic, as the scripts reach them, with the
 * figure by hand: the exact decimal result, rounded half away from zero to the fen. */
typedef struct boundary {
    const char *what;
    double value;
    const char *want;
} boundary;

static void boundaries(boundary *b, int *n)
{
    /* issue 12's household: in-policy medical costs C = 84208.30, a 脱贫人口 (alleviated):
     * basic    = (84208.30 − 500) × 0.75 = 62781.225                      (double 62781.225000000006)
     * critical = (84208.30 − 62781.225 − 15000) × 0.6 = 6427.075 × 0.6 = 3856.245
     * aid      = (84208.30 − 62781.225 − 3856.245 − 5000) × 0.5 = 12570.83 × 0.5 = 6285.415
     *                                                                      (double 6285.414999999999) */
    double C = 84208.30;
    double basic = (C - 500) * 0.75;
    double critical = (C - basic - 15000) * 0.6;
    double aid = (C - basic - critical - 5000) * 0.5;
    boundary all[] = {
        {"basic (84208.30 − 500) × 0.75 = 62781.225", basic, "62781.23"},
        {"critical 6427.075 × 0.6 = 3856.245", critical, "3856.25"},
        {"aid 12570.83 × 0.5 = 6285.415", aid, "6285.42"},
        {"total 105 + 6285.415 = 6390.415", 350 * 0.3 + aid, "6390.42"},
        {"10.01 × 0.5 = 5.005", 10.01 * 0.5, "5.01"},
        {"4.35 × 0.1 = 0.435", 4.35 * 0.1, "0.44"},
        {"1.005 (double 1.00499999999999989…)", 1.005, "1.01"},
        {"−1.005: away from zero", -1.005, "-1.01"},
        {"2.675 (double 2.67499999999999982…)", 2.675, "2.68"},
        {"1234567.895", 1234567.895, "1234567.90"},
        {"0.1 + 0.2 = 0.3 (double 0.30000000000000004)", 0.1 + 0.2, "0.30"},
        {"12 × (1.6 × 551 + 32.4) = 12 × 914 = 10968", 12 * (1.6 * 551 + 32.4), "10968.00"},
        {"6285.4149: below the half", 6285.4149, "6285.41"},
        {"6285.41499999: below the half", 6285.41499999, "6285.41"},
        {"−0.004 rounds to 0, never −0.00", -0.004, "0.00"},
    };
    *n = (int)(sizeof all / sizeof all[0]);
    memcpy(b, all, sizeof all);
}

Test(money_lib, host_rounding_at_half_fen_boundaries)
{
    boundary b[32];
    int n;
    boundaries(b, &n);
    for (int i = 0; i < n; i++) {
        char got[BF_MONEY_STRLEN];
        host_text(b[i].value, got);
        cr_expect_str_eq(got, b[i].want, "%s (%.17g)", b[i].what, b[i].value);
    }
}

Test(money_lib, fmt_money_at_half_fen_boundaries_equals_the_host)
{
    boundary b[32];
    int n;
    boundaries(b, &n);
    push_function("return require('fmt').money");
    for (int i = 0; i < n; i++) {
        char got[64], host[BF_MONEY_STRLEN];
        call_with(b[i].value, got, sizeof got);
        host_text(b[i].value, host);
        cr_expect_str_eq(got, b[i].want, "%s (%.17g)", b[i].what, b[i].value);
        cr_expect_str_eq(got, host, "%s (%.17g)", b[i].what, b[i].value);
    }
}

/* The rounding fmt.lua had before, floor(x × 100 + 0.5) / 100 on the double, disagrees with the
 * host on the medical household: this is what the tests above guard against. */
Test(money_lib, binary_rounding_would_disagree_with_the_host)
{
    double aid = (84208.30 - (84208.30 - 500) * 0.75 - 3856.245 - 5000) * 0.5;
    char binary[32], host[BF_MONEY_STRLEN];
    snprintf(binary, sizeof binary, "%.2f", floor(aid * 100 + 0.5) / 100);
    host_text(aid, host);
    cr_expect_str_eq(binary, "6285.41");
    cr_expect_str_eq(host, "6285.42");
}

/* Every half fen from 0.005 to 1000.005, reached as (k + 0.5) / 100 and as k × 1.005 and
 * k × 0.015 (products that land on a half fen for odd k): fmt.money gives the host's text. */
Test(money_lib, fmt_money_equals_the_host_on_a_sweep_of_half_fens)
{
    push_function("return require('fmt').money");
    int differ = 0;
    for (int k = 0; k <= 100000; k++) {
        double xs[] = {(k + 0.5) / 100, k * 1.005, k * 0.015, -(k + 0.5) / 100};
        for (size_t j = 0; j < sizeof xs / sizeof xs[0]; j++) {
            char got[64], host[BF_MONEY_STRLEN];
            call_with(xs[j], got, sizeof got);
            host_text(xs[j], host);
            if (strcmp(got, host) != 0 && differ++ < 5)
                cr_expect_str_eq(got, host, "%.17g", xs[j]);
        }
    }
    cr_expect_eq(differ, 0, "%d figures differ", differ);
}

Test(money_lib, money_round_is_the_stored_amount)
{
    push_function("return require('money').round");
    lua_State *L = bf__sandbox_state(sb);
    const double xs[] = {6285.414999999999, 62781.225000000006, 1.005, -1.005, 0.1 + 0.2, 551};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        lua_pushvalue(L, -1);
        lua_pushnumber(L, xs[i]);
        cr_assert_eq(bf__sandbox_call(sb, 1, 1, &err), BF_OK, "%s", latest(&err));
        cr_expect_eq(lua_tonumber(L, -1), bf_fen_to_yuan(bf_round_fen(xs[i])), "%.17g", xs[i]);
        lua_pop(L, 1);
    }
    /* by hand: 6285.415 → 6285.42 */
    lua_pushvalue(L, -1);
    lua_pushnumber(L, 6285.414999999999);
    cr_assert_eq(bf__sandbox_call(sb, 1, 1, &err), BF_OK, "%s", latest(&err));
    cr_expect_eq(lua_tonumber(L, -1), 6285.42);
}

Test(money_lib, fmt_std_and_pct_round_like_the_host)
{
    const struct { const char *src, *want; } cases[] = {
        {"return require('fmt').std(24 * 551 * 2)", "26448"},
        {"return require('fmt').std(826.5)", "826.5"},
        {"return require('fmt').std(32.4)", "32.4"},
        {"return require('fmt').std(1.6 * 551)", "881.6"},       /* 881.6000000000001 */
        {"return require('fmt').std(10.01 * 0.5)", "5.01"},      /* 5.005, half away from zero */
        {"return require('fmt').pct(0.065)", "6.5%"},
        {"return require('fmt').pct(0.75)", "75%"},
        {"return require('fmt').money(551)", "551.00"},
        {"return require('money').format(-0.005)", "-0.01"},
        {"return require('money').short(10.01 * 0.5)", "5.01"},
        {"return require('money').short(-100)", "-100"},
        {"return require('money').short(0.1 + 0.2)", "0.3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bf_errors_free(&err);
        cr_assert_eq(bf__sandbox_run_chunk(sb, cases[i].src, strlen(cases[i].src), "@test.lua", &err),
                     BF_OK, "%s: %s", cases[i].src, latest(&err));
        const char *got = lua_tostring(bf__sandbox_state(sb), -1);
        cr_expect_str_eq(got ? got : "(nil)", cases[i].want, "%s", cases[i].src);
        lua_pop(bf__sandbox_state(sb), 1);
    }
}

/* What is no amount is an error naming the script line, never "nan" or "inf" in a reason. */
Test(money_lib, no_amount_is_an_error_naming_the_line)
{
    const struct { const char *src, *want; } cases[] = {
        {"local money = require 'money'\nreturn money.format(0/0)",
         "test.lua:2: money.format: expected an amount of yuan, got "},
        {"local money = require 'money'\nreturn money.round(1/0)",
         "test.lua:2: money.round: expected an amount of yuan, got inf"},
        {"local money = require 'money'\nreturn money.format(1e300)",
         "test.lua:2: money.format: expected an amount of yuan, got 1e+300"},
        {"local money = require 'money'\nreturn money.short(-1/0)",
         "test.lua:2: money.short: expected an amount of yuan, got -inf"},
        {"local money = require 'money'\nreturn money.format('abc')",
         "test.lua:2: bad argument #1 to 'format' (number expected, got string)"},
        {"local money = require 'money'\nmoney.round = nil", "read-only"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bf_errors_free(&err);
        int rc = bf__sandbox_run_chunk(sb, cases[i].src, strlen(cases[i].src), "@test.lua", &err);
        cr_expect_eq(rc, BF_ESCRIPT, "%s", cases[i].src);
        cr_expect(strstr(latest(&err), cases[i].want), "%s: got %s", cases[i].src,
                  latest(&err));
        if (rc == BF_OK)
            lua_pop(bf__sandbox_state(sb), 1);
    }
}
