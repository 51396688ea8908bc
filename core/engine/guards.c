/* guards.c — the sandbox's replacements for the library functions a script could use to run
 * without end or escape a stop: pcall and xpcall that cannot swallow a stopped evaluation,
 * string.rep with a size limit, and pattern functions that refuse patterns whose backtracking
 * could run for hours inside one C call, where no hook can interrupt it. */
#include "guards.h"
#include "i18n.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- pcall and xpcall ---- */

/* The sandbox's answer to "has the running evaluation been stopped?" (the same for every state;
 * given at install, so that guards need nothing else of the sandbox). */
static bool (*evaluation_stopped)(lua_State *L);

/* After a failed protected call: re-raises a stop (budget, wall clock, watchdog restart, memory
 * cap) so no script can catch it; otherwise leaves the error object on top. */
static void rethrow_stops(lua_State *L, int rc)
{
    if (rc == LUA_ERRMEM || evaluation_stopped(L))
        lua_error(L);
}

/* pcall(f, ...): Lua's pcall, except that a stopped evaluation is not caught. */
static int guarded_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    int rc = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);   /* results | err */
    if (rc != LUA_OK) {
        rethrow_stops(L, rc);
        lua_pushboolean(L, 0);
        lua_insert(L, -2);                           /* false, err */
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, 1);                                /* true, results */
    return lua_gettop(L);
}

/* xpcall(f, handler, ...): the handler runs after the failed call has unwound, in a protected
 * call of its own. Lua's xpcall runs it before unwinding, with hooks switched off, so a loop in a
 * handler could never be stopped; scripts have no debug library, so nothing needs the frames. */
static int guarded_xpcall(lua_State *L)
{
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_remove(L, 2);
    lua_insert(L, 1);                                /* handler, f, args */
    int rc = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
    if (rc == LUA_OK) {
        lua_pushboolean(L, 1);
        lua_insert(L, 2);                            /* handler, true, results */
        return lua_gettop(L) - 1;
    }
    rethrow_stops(L, rc);                            /* handler, err */
    lua_pushvalue(L, 1);
    lua_insert(L, -2);                               /* handler, handler, err */
    rc = lua_pcall(L, 1, 1, 0);                      /* handler, result | err */
    if (rc != LUA_OK)
        rethrow_stops(L, rc);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);                               /* handler, false, result */
    return 2;
}

/* ---- string.rep ---- */

/* Calls upvalue 1 (the library's function) with every argument; returns its results. */
static int call_original(lua_State *L)
{
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

void bf__push_script_where(lua_State *L)
{
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
    lua_pushliteral(L, "");
}

/* Raises "file:line: message" at the nearest script line on the stack; fmt is a translated
 * message with two long long values. */
static int script_error(lua_State *L, const char *fmt, long long a, long long b)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a, b);
    bf__push_script_where(L);
    lua_pushstring(L, msg);
    lua_concat(L, 2);
    return lua_error(L);
}

static int guarded_rep(lua_State *L)
{
    size_t len, seplen = 0;
    luaL_checklstring(L, 1, &len);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &seplen);
    if (n > 0 && (double)n * (double)(len + seplen) > (double)BF_MAX_REP_BYTES)
        return script_error(L, _("string.rep would make a text of more than %lld bytes "
                                 "(%lld repetitions); the limit is there so that one call cannot "
                                 "run for seconds"), (long long)BF_MAX_REP_BYTES, (long long)n);
    return call_original(L);
}

/* ---- Patterns ---- */

/* Length of the set starting at p[0] == '[' (up to and including its ']'), or end - p when the
 * set is not closed (the library then raises its own error). */
static size_t set_length(const char *p, const char *end)
{
    const char *q = p + 1;
    if (q < end && *q == '^')
        q++;
    do {                                             /* a ']' first in the set is a member */
        if (q >= end)
            return (size_t)(end - p);
        if (*q == '%')
            q++;
        q++;
    } while (q < end && *q != ']');
    return q < end ? (size_t)(q + 1 - p) : (size_t)(end - p);
}

/* Counts the items of a Lua pattern repeated by '*', '+' or '-': each may try every length of
 * the text on backtracking, so k of them cost up to len^k steps at each start position. */
int bf__pattern_repetitions(const char *p, size_t plen)
{
    const char *end = p + plen;
    int reps = 0;
    if (p < end && *p == '^')
        p++;
    while (p < end) {
        size_t item;
        if (*p == '(' || *p == ')') {
            p++;
            continue;
        }
        if (*p == '%' && p + 1 < end && p[1] == 'b') {
            p += 4;                                  /* %bxy: balanced, never repeated */
            continue;
        }
        if (*p == '%' && p + 1 < end && p[1] == 'f') {
            p += 2;
            p += p < end && *p == '[' ? set_length(p, end) : 0;
            continue;
        }
        if (*p == '%')
            item = 2;
        else if (*p == '[')
            item = set_length(p, end);
        else
            item = 1;
        p += item;
        if (p < end && (*p == '*' || *p == '+' || *p == '-')) {
            reps++;
            p++;
        } else if (p < end && *p == '?') {
            p++;
        }
    }
    return reps;
}

/* Refuses a pattern whose worst case on this text passes BF_MAX_PATTERN_STEPS, then calls the
 * library's function. One repetition is at most quadratic and always allowed; realistic patterns
 * over names and dates pass easily. */
static int checked_pattern_call(lua_State *L, bool plain)
{
    size_t slen, plen;
    luaL_checklstring(L, 1, &slen);
    const char *pat = luaL_checklstring(L, 2, &plen);
    int reps = plain ? 0 : bf__pattern_repetitions(pat, plen);
    if (reps >= 2 && pow((double)slen + 1.0, reps + 1.0) > BF_MAX_PATTERN_STEPS)
        return script_error(L, _("this pattern repeats %lld items with '*', '+' or '-'; on a text "
                                 "of %lld bytes its matching could run for hours, so it is refused "
                                 "(use fewer repetitions or a shorter text)"), (long long)reps,
                            (long long)slen);
    return call_original(L);
}

/* string.find: its fourth argument `plain` turns pattern matching off. */
static int guarded_find(lua_State *L)
{
    return checked_pattern_call(L, lua_gettop(L) >= 4 && lua_toboolean(L, 4));
}

/* string.match, gmatch and gsub. */
static int guarded_match(lua_State *L)
{
    return checked_pattern_call(L, false);
}

/* Replaces field name of the table at idx by fn closed over the original. */
static void wrap_field(lua_State *L, int idx, const char *name, lua_CFunction fn)
{
    if (lua_getfield(L, idx, name) == LUA_TNIL) {   /* original */
        lua_pop(L, 1);
        return;
    }
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, idx, name);
}

void bf__guards_install_string(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    wrap_field(L, idx, "rep", guarded_rep);
    wrap_field(L, idx, "find", guarded_find);
    wrap_field(L, idx, "match", guarded_match);
    wrap_field(L, idx, "gmatch", guarded_match);
    wrap_field(L, idx, "gsub", guarded_match);
}

void bf__guards_install_base(lua_State *L, int idx, bool (*stopped)(lua_State *L))
{
    evaluation_stopped = stopped;
    idx = lua_absindex(L, idx);
    lua_pushcfunction(L, guarded_pcall);
    lua_setfield(L, idx, "pcall");
    lua_pushcfunction(L, guarded_xpcall);
    lua_setfield(L, idx, "xpcall");
}
