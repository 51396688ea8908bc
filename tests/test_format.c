/* test_format.c — the sandbox's string.format gives, for every call, what Lua's own gives:
 * the same chunks run in a plain Lua state (luaL_openlibs) and in the sandbox, results and
 * error messages compared byte for byte. */
#include <criterion/criterion.h>
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "bangfu.h"
#include "sandbox.h"

/* The latest message of e, "" when there is none. */
static const char *latest(const bf_errors *e)
{
    return e->count ? e->msgs[e->count - 1] : "";
}

static bf_sandbox *sb;
static lua_State *plain;

static void setup(void)
{
    bf_sandbox_config cfg = {64u * 1024 * 1024, 100000000, BF_SOURCE_DIR "/tests/data/policies/faults/lib",
                             "lib/", NULL, false, 0};
    bf_errors errs;
    bf_errors_init(&errs, 5);
    cr_assert_eq(bf__sandbox_new(&cfg, &sb, &errs), BF_OK, "%s", bf_errors_first(&errs));
    bf_errors_free(&errs);
    plain = luaL_newstate();
    cr_assert(plain);
    luaL_openlibs(plain);
}

static void teardown(void)
{
    bf__sandbox_free(sb);
    lua_close(plain);
}

TestSuite(format, .init = setup, .fini = teardown, .timeout = 60);

/* Runs src (which returns one string) in both states and expects the same string. */
static void expect_same(const char *src)
{
    cr_assert_eq(luaL_loadbuffer(plain, src, strlen(src), "@test.lua"), LUA_OK, "%s", src);
    cr_assert_eq(lua_pcall(plain, 0, 1, 0), LUA_OK, "%s: %s", src, lua_tostring(plain, -1));
    size_t want_len;
    const char *want = lua_tolstring(plain, -1, &want_len);
    cr_assert(want, "%s returned no string", src);

    bf_errors err;
    bf_errors_init(&err, 16);
    cr_assert_eq(bf__sandbox_run_chunk(sb, src, strlen(src), "@test.lua", &err), BF_OK, "%s: %s", src,
                 latest(&err));
    lua_State *L = bf__sandbox_state(sb);
    size_t got_len;
    const char *got = lua_tolstring(L, -1, &got_len);
    cr_assert(got, "%s returned no string in the sandbox", src);
    cr_expect(got_len == want_len && memcmp(got, want, want_len) == 0,
              "%s\n  Lua:     %s\n  sandbox: %s", src, want, got);
    lua_pop(L, 1);
    lua_pop(plain, 1);
    bf_errors_free(&err);
}

Test(format, common_conversions)
{
    expect_same("return string.format('%s|%d|%.2f|%%', 'a\\0b', 3, 0.125)");
    expect_same("return string.format('家庭人均月收入 %s 元，低于 %s 元（%d 人）', '650.00', '551', 4)");
    expect_same("return string.format('%d %d %d', 0, -17, math.mininteger)");
    expect_same("return string.format('%s %s', math.maxinteger, -3)");
    expect_same("return string.format('%.2f %.2f %.2f %.2f %.2f', 0.375, -0.001, -0.0, 2.675, 1.005)");
    expect_same("return string.format('%.2f %.2f %.2f', 123.455, 99999999999999.995, 7)");
    expect_same("return string.format('no conversion at all')");
    expect_same("return string.format('')");
    expect_same("return ('%d-%s'):format(5, 'x')");
}

Test(format, other_formats_go_to_lua)
{
    expect_same("return string.format('%.2f %.2f %.2f', 1e15, 1e300, -1e16)");
    expect_same("return string.format('%.2f|%.2f|%.2f', 0/0, 1/0, -1/0)");
    expect_same("return string.format('%s %s %s', 1.5, -0.0, 2^63)");
    expect_same("return string.format('%d', 3.0)");
    expect_same("return string.format('%5.1f|%-4s|%x|%q|%i|%c', 3.14159, 'ab', 255, 'a\\n', 7, 65)");
    expect_same("return string.format('%s %s', true, nil)");
    expect_same("return string.format('%s', setmetatable({}, {__tostring = function() return 'T' end}))");
}

Test(format, long_texts_and_formats_that_fall_back_late)
{
    /* texts longer than the fast path's buffer (2048 bytes) go to Lua's version whole */
    expect_same("return string.format('%s|%s|%d', string.rep('低保', 700), string.rep('x', 3000), 7)");
    expect_same("return string.format(string.rep('ab%%', 1000) .. '%d', 12)");
    expect_same("return string.format('%s', string.rep('y', 2048))");
    expect_same("return string.format('%s%s', string.rep('y', 2047), 'zz')");
    /* a conversion the fast path does not write, after it wrote a part */
    expect_same("return string.format('%s 元，%d 人，%x', '前面已写', 12, 255)");
    expect_same("return string.format('%s %.2f %s', 'a', 1.5, 2.5)");
    expect_same("return string.format('%.2f %.2f', 3.14159, 1e15)");
}

Test(format, errors_read_as_lua_gives_them)
{
    static const char *const calls[] = {
        "string.format('%d', 'x')", "string.format('%d', 1.5)", "string.format('%d')",
        "string.format('%y', 1)", "string.format('50%')", "string.format(nil)",
        "string.format('%.2f', 'abc')", "string.format('%s')", "('%d'):format('x')",
        "string.format('%10.123f', 1)", "string.format('%s 元 %d', '写了一半', 'x')",
        "string.format('%s %s', 'a')", "string.format('ab%')", NULL,
    };
    for (int i = 0; calls[i]; i++) {
        char src[256];
        snprintf(src, sizeof src, "local ok, e = pcall(function() return %s end) return tostring(e)",
                 calls[i]);
        expect_same(src);
        snprintf(src, sizeof src, "local f = string.format\n"
                 "local ok, e = pcall(function() return %s end) return tostring(e)", calls[i]);
        expect_same(src);
    }
}

Test(format, a_sweep_of_values)
{
    /* 20,000 formats of pseudo-random integers, hundredths and other floats in one string */
    expect_same("local out, x = {}, 12345\n"
                "for i = 1, 20000 do\n"
                "  x = (x * 1103515245 + 12345) % 2147483648\n"
                "  local n = x - 1073741824\n"
                "  out[#out + 1] = string.format('%d|%s|%.2f|%.2f|%.2f', n, n, n / 100, n / 7, n * 1e4 / 3)\n"
                "end\n"
                "return table.concat(out, ';')");
}
