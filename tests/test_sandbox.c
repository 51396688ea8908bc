/* test_sandbox.c — what a script can and cannot do in the sandbox. */
#include <criterion/criterion.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "helpers.h"
#include "guards.h"
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
    bf_test_sandbox_open(BF_SOURCE_DIR "/tests/data/policies/faults/lib", "lib/", &sb, &wd);
    bf_errors_init(&err, 16);
}

static void teardown(void)
{
    bf_test_sandbox_close(sb, wd);
    bf_errors_free(&err);
}

TestSuite(sandbox, .init = setup, .fini = teardown, .timeout = 60);

/* Runs source; returns the status, leaves one result (or nothing) popped. */
static int run(const char *src)
{
    bf_errors_free(&err);
    int rc = bf__sandbox_run_chunk(sb, src, strlen(src), "@test.lua", &err);
    if (rc == BF_OK)
        lua_pop(bf__sandbox_state(sb), 1);
    return rc;
}

/* Runs `return EXPR` and expects the string result. */
static void expect_value(const char *src, const char *want)
{
    bf_errors_free(&err);
    cr_assert_eq(bf__sandbox_run_chunk(sb, src, strlen(src), "@test.lua", &err), BF_OK, "%s: %s",
                 src, latest(&err));
    lua_State *L = bf__sandbox_state(sb);
    const char *got = lua_tostring(L, -1);
    cr_expect_str_eq(got ? got : "(nil)", want, "%s", src);
    lua_pop(L, 1);
}

Test(sandbox, forbidden_globals_are_absent)
{
    const char *names[] = {"io", "os", "debug", "package", "dofile", "loadfile", "load",
                           "collectgarbage", "rawset", "rawget", "_G", "warn", NULL};
    for (int i = 0; names[i]; i++) {
        char src[128];
        snprintf(src, sizeof src, "return %s", names[i]);
        cr_expect_eq(run(src), BF_ESCRIPT, "%s must not exist", names[i]);
        cr_expect(strstr(latest(&err), "unknown global"), "%s: %s", names[i], latest(&err));
    }
    expect_value("return tostring(string.dump)", "nil");
    expect_value("return tostring(math.random)", "nil");
    expect_value("return tostring(math.randomseed)", "nil");
    expect_value("return type(string.format) .. type(table.concat) .. type(utf8.char) .. type(pairs)",
                 "functionfunctionfunctionfunction");
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of the table on top of the stack, raw (no metamethods), sorted, space-separated. */
static void table_keys(lua_State *L, char *out, size_t size)
{
    const char *keys[64];
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {                        /* t, key, value */
        lua_pop(L, 1);
        cr_assert(lua_type(L, -1) == LUA_TSTRING && n < 64);
        keys[n++] = lua_tostring(L, -1);             /* the table keeps the string alive */
    }
    qsort(keys, n, sizeof *keys, compare_strings);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "", keys[i]);
}

/* What scripts get, and nothing else: the Lua 5.4 manual's base library (§6.1) without dofile,
 * loadfile, load, collectgarbage, rawget, rawset, rawlen, warn and _G, with the sandbox's print,
 * setmetatable and require; string (§6.4) without dump; table (§6.6); math (§6.7) without random
 * and randomseed, with the Lua 5.3 functions Debian's Lua 5.4 is built with (LUA_COMPAT_MATHLIB:
 * atan2 cosh frexp ldexp log10 pow sinh tanh); utf8 (§6.5). Listed here by hand from the manual,
 * not from the code. The string methods are the same: ("").dump is nil. */
Test(sandbox, the_globals_are_exactly_the_allowed_ones)
{
    lua_State *L = bf__sandbox_state(sb);
    char keys[1024];
    lua_pushglobaltable(L);
    table_keys(L, keys, sizeof keys);
    lua_pop(L, 1);
    cr_expect_str_eq(keys, "_VERSION assert error getmetatable ipairs math next pairs pcall print "
                           "rawequal require select setmetatable string table tonumber tostring "
                           "type utf8 xpcall");
    static const char *const libs[][2] = {
        {"string", "byte char find format gmatch gsub len lower match pack packsize rep reverse "
                   "sub unpack upper"},
        {"table", "concat insert move pack remove sort unpack"},
        {"math", "abs acos asin atan atan2 ceil cos cosh deg exp floor fmod frexp huge ldexp log "
                 "log10 max maxinteger min mininteger modf pi pow rad sin sinh sqrt tan tanh "
                 "tointeger type ult"},
        {"utf8", "char charpattern codepoint codes len offset"},
    };
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        char src[256];
        snprintf(src, sizeof src, "local k = {} for name in pairs(%s) do k[#k + 1] = name end "
                 "table.sort(k) return table.concat(k, ' ')", libs[i][0]);
        expect_value(src, libs[i][1]);
    }
    expect_value("return tostring(('').dump)", "nil");
    expect_value("return ('%s=%d'):format('x', 7) .. ('abc'):upper()", "x=7ABC");
}

Test(sandbox, globals_cannot_be_assigned)
{
    cr_expect_eq(run("x = 1"), BF_ESCRIPT);
    cr_expect(strstr(latest(&err), "test.lua:1: assignment to global 'x' is not allowed"), "%s",
              latest(&err));
}

Test(sandbox, library_tables_and_string_metatable_are_read_only)
{
    cr_expect_eq(run("string.format = nil"), BF_ESCRIPT);
    cr_expect(strstr(latest(&err), "read-only field 'format'"), "%s", latest(&err));
    cr_expect_eq(run("math.pi = 3"), BF_ESCRIPT);
    expect_value("return tostring(getmetatable(''))", "false");
    expect_value("return ('%d'):format(7)", "7");
    expect_value("return tostring(math.pi > 3.14)", "true");
    cr_expect_eq(run("setmetatable(string, {})"), BF_ESCRIPT);
}

Test(sandbox, gc_metamethods_are_refused)
{
    cr_expect_eq(run("setmetatable({}, {__gc = function() while true do end end})"), BF_ESCRIPT);
    cr_expect(strstr(latest(&err), "__gc metamethods are not allowed"), "%s", latest(&err));
    expect_value("local t = setmetatable({}, {__index = function() return 'ok' end}) return t.x", "ok");
}

Test(sandbox, infinite_loop_hits_the_budget)
{
    cr_expect_eq(run("local n = 0\nwhile true do n = n + 1 end"), BF_ELIMIT);
    cr_expect(strstr(latest(&err), "test.lua:2: instruction budget of 1000000 instructions exceeded"),
              "%s", latest(&err));
    /* a pcall around the loop cannot swallow the stop */
    cr_expect_eq(run("for i = 1, 100 do pcall(function() while true do end end) end return 1"), BF_ELIMIT);
    /* and the state works afterwards */
    expect_value("return 'alive'", "alive");
}

Test(sandbox, normal_work_runs_without_a_hook)
{
    bf_sandbox_stats before, after;
    bf__sandbox_get_stats(sb, &before);
    expect_value("local s = 0 for i = 1, 1000 do s = s + i end return tostring(s)", "500500");
    bf__sandbox_get_stats(sb, &after);
    cr_expect_eq(after.counted_reruns, before.counted_reruns, "short calls are never re-run");
}

Test(sandbox, string_rep_bomb_hits_the_memory_cap)
{
    /* doubling a text passes every string.rep limit and reaches the cap of 32 MiB */
    cr_expect_eq(run("local s = string.rep('x', 1 << 20) for i = 1, 10 do s = s .. s end return #s"),
                 BF_ELIMIT);
    cr_expect(strstr(latest(&err), "memory cap of 32 MiB exceeded"), "%s", latest(&err));
    cr_expect_eq(run("local t = {} for i = 1, 1e9 do t[i] = {i} end"), BF_ELIMIT);
    bf_sandbox_stats st;
    bf__sandbox_get_stats(sb, &st);
    cr_expect_lt(st.memory, 8u * 1024 * 1024, "memory is given back after the cap was hit");
    expect_value("return 'alive'", "alive");
}

Test(sandbox, require_is_restricted_to_the_lib_folder)
{
    expect_value("return tostring(require('util').double(21))", "42");
    expect_value("return tostring(require('util') == require('util'))", "true");
    cr_expect_eq(run("require('util').double = nil"), BF_ESCRIPT);
    cr_expect(strstr(latest(&err), "read-only"), "%s", latest(&err));
    cr_expect_eq(run("require('../params')"), BF_ESCRIPT);
    cr_expect(strstr(latest(&err), "bad module name"), "%s", latest(&err));
    cr_expect_eq(run("require('io')"), BF_ESCRIPT);
    cr_expect(strstr(latest(&err), "module 'io' not found"), "%s", latest(&err));
    /* the failure does not poison later requires of the same name */
    cr_expect_eq(run("require('io')"), BF_ESCRIPT);
    cr_expect(strstr(latest(&err), "not found"), "%s", latest(&err));
}

Test(sandbox, binary_chunks_are_refused)
{
    const char chunk[] = "\x1bLua\x54\x00";
    bf_errors_free(&err);
    cr_expect_neq(bf__sandbox_run_chunk(sb, chunk, sizeof chunk - 1, "@bin.lua", &err), BF_OK);
    cr_expect(strstr(latest(&err), "binary"), "%s", latest(&err));
}

Test(sandbox, read_only_proxies_and_views)
{
    lua_State *L = bf__sandbox_state(sb);
    lua_createtable(L, 2, 1);
    lua_pushinteger(L, 1); lua_rawseti(L, -2, 1);
    lua_pushinteger(L, 2); lua_rawseti(L, -2, 2);
    lua_createtable(L, 0, 1);
    lua_pushstring(L, "v"); lua_setfield(L, -2, "k");
    lua_setfield(L, -2, "inner");                    /* t = {1, 2, inner = {k = "v"}} */
    bf__sandbox_push_view(L, -1);                     /* t, view */
    lua_remove(L, -2);
    const char *src = "local v = ...\n"
                      "local n = 0 for _ in pairs(v) do n = n + 1 end\n"
                      "local ok = pcall(function() v.inner.k = 'w' end)\n"
                      "return #v .. ',' .. n .. ',' .. v.inner.k .. ',' .. tostring(ok)";
    cr_assert_eq(luaL_loadbufferx(L, src, strlen(src), "=t", "t"), LUA_OK);
    lua_insert(L, -2);                               /* fn, view */
    bf_errors_free(&err);
    cr_assert_eq(bf__sandbox_call(sb, 1, 1, &err), BF_OK, "%s", latest(&err));
    cr_expect_str_eq(lua_tostring(L, -1), "2,3,v,false");
    lua_pop(L, 1);
}

/* A lib module nested 12 levels deep loads and stays read-only all the way down; one nested
 * 1000 levels deep is an error naming the limit, not a crash (it used to corrupt the heap). */
Test(sandbox, deeply_nested_modules_are_frozen_or_refused)
{
    expect_value("local t = require('deep_ok') for i = 1, 12 do t = t.next end return tostring(t.level)",
                 "12");
    cr_expect_eq(run("local t = require('deep_ok') for i = 1, 12 do t = t.next end t.level = 0"),
                 BF_ESCRIPT, "the deepest table is read-only too");
    cr_expect_eq(run("return require('deep_bomb')"), BF_ESCRIPT);
    cr_expect(strstr(latest(&err), "nest more than 100 levels deep") != NULL, "%s",
              latest(&err));
}

/* ---- Evaluations that always end (issue 11, item 2) ---- */

Test(sandbox, a_message_handler_cannot_loop_past_the_budget)
{
    /* Lua's own xpcall runs the handler with hooks off: this looped for ever */
    cr_expect_eq(run("xpcall(function() while true do end end, function() while true do end end)"),
                 BF_ELIMIT);
    cr_expect(strstr(latest(&err), "instruction budget of 1000000 instructions exceeded"), "%s",
              latest(&err));
    /* nested protection cannot catch the stop either */
    cr_expect_eq(run("while true do pcall(pcall, xpcall, function() while true do end end, print) end"),
                 BF_ELIMIT);
    /* ordinary errors are still caught, and the handler still sees the error object */
    expect_value("local ok, e = pcall(error, 'x', 0) return tostring(ok) .. e", "falsex");
    expect_value("local ok, e = xpcall(function() error({code = 7}) end, function(o) return o.code * 6 end) "
                 "return tostring(ok) .. e", "false42");
    expect_value("local ok, a, b = xpcall(function(x, y) return x + y, x * y end, print, 3, 4) "
                 "return tostring(ok) .. a .. b", "true712");
    expect_value("local ok, e = xpcall(error, function() error('again', 0) end, 'x') return e", "again");
}

Test(sandbox, backtracking_patterns_are_refused_before_they_run)
{
    cr_expect_eq(run("local i = string.find(('a'):rep(3000), ('a-'):rep(12) .. 'b') return i"), BF_ESCRIPT);
    cr_expect(strstr(latest(&err), "test.lua:1: this pattern repeats 12 items"), "%s",
              latest(&err));
    cr_expect_eq(run("local s = ('a'):rep(3000) return s:match('(.-)(.-)(.-)x')"), BF_ESCRIPT);
    cr_expect(strstr(latest(&err), "repeats 3 items"), "%s", latest(&err));
    /* what policies do with patterns still works: 3 repetitions over 10 bytes is 11^4 steps */
    expect_value("local y, m, d = ('2021-05-03'):match('^(%d+)-(%d+)-(%d+)$') return y .. m .. d",
                 "20210503");
    expect_value("return (string.gsub('a,b,,c', ',+', ';'))", "a;b;c");
    expect_value("local n = 0 for w in ('x y z'):gmatch('%a+') do n = n + 1 end return tostring(n)", "3");
    /* plain find is not a pattern at all */
    expect_value("return tostring(string.find(('a-'):rep(3000), ('a-'):rep(12), 1, true))", "1");
    cr_expect_eq(bf__pattern_repetitions("[%]*]+%d*%b()x-.?", 17), 3);
    cr_expect_eq(bf__pattern_repetitions("%f[%w]%w+", 9), 1);
}

Test(sandbox, string_rep_is_limited_to_a_megabyte)
{
    expect_value("return tostring(#string.rep('ab', 1 << 19))", "1048576");
    cr_expect_eq(run("local s = string.rep('ab', 25000000) return s"), BF_ESCRIPT);
    cr_expect(strstr(latest(&err), "test.lua:1: string.rep would make a text of more than 1048576 bytes"),
              "%s", latest(&err));
    cr_expect_eq(run("return ('x'):rep(2, ('y'):rep(1 << 20))"), BF_ESCRIPT);
}

Test(sandbox, the_wall_clock_stops_an_evaluation_the_budget_would_not)
{
    bf_sandbox *slow;
    bf_watchdog *dog;
    bf_sandbox_config cfg = {.max_memory = 32u * 1024 * 1024, .max_instructions = 1000000000,
                             .lib_dir = BF_SOURCE_DIR "/tests/data/policies/faults/lib",
                             .lib_chunk_prefix = "lib/", .max_seconds = 1};
    bf_errors errs;
    bf_errors_init(&errs, 5);
    cr_assert_eq(bf__sandbox_new(&cfg, &slow, &errs), BF_OK, "%s", bf_errors_first(&errs));
    bf_errors_free(&errs);
    cr_assert_eq(bf__watchdog_start(&slow, 1, &dog), BF_OK);
    /* a megabyte per instruction: about 5 instructions an iteration, so the budget of 10^9 is
     * never reached while the clock runs out */
    const char *src = "for i = 1, 1e9 do local s = string.rep('ab', 1 << 19) end";
    bf_errors_init(&errs, 5);
    cr_expect_eq(bf__sandbox_run_chunk(slow, src, strlen(src), "@slow.lua", &errs), BF_ELIMIT);
    cr_expect(strstr(latest(&errs), "slow.lua:1: the evaluation ran for more than 1 seconds"), "%s",
              latest(&errs));
    /* the next call starts with a fresh clock */
    bf_errors_free(&errs);
    const char *ok = "return 'alive'";
    cr_expect_eq(bf__sandbox_run_chunk(slow, ok, strlen(ok), "@ok.lua", &errs), BF_OK, "%s", latest(&errs));
    bf_errors_free(&errs);
    bf_test_sandbox_close(slow, dog);
}

Test(sandbox, an_error_object_that_is_not_a_string_names_its_line)
{
    cr_expect_eq(run("local t = {}\nerror(t)"), BF_ESCRIPT);
    cr_expect_str_eq(latest(&err), "test.lua:2: error object is a table value");
    cr_expect_eq(run("local function f()\n  error()\nend\nf()"), BF_ESCRIPT);
    cr_expect_str_eq(latest(&err), "test.lua:2: error object is a nil value");
    /* strings are left as the script made them */
    cr_expect_eq(run("error('plain', 0)"), BF_ESCRIPT);
    cr_expect_str_eq(latest(&err), "plain");
    expect_value("return 'alive'", "alive");
}
