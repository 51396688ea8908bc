/* decision_lib.c — `require "decision_host"` (see decision_lib.h): decision.not_eligible and
 * decision.eligible of policies/lib/decision.lua, built by the host.
 *
 * Why: most evaluations end in `return decision.not_eligible(…)`, and a new decision table (and a
 * reasons list around a single reason) for each of them, then collected, was a third of what a
 * trivial evaluation cost. The host may reuse one table per decision slot instead — but only
 * where no script can tell: a script that kept a decision, or changed it after the library made
 * it, must never see or change another evaluation's decision through a table reused there.
 *
 * How that is guaranteed: the module's functions are Lua closures made here, from the chunk
 * below; they ask the C function take, which nothing else can reach (an upvalue; scripts have no
 * debug library), for the table. take runs exactly two stack levels above the host's function
 * that called evaluate (bf_decision_handout.depth) only when the closure's frame is the one the
 * host called: evaluate itself tail-called the library, so what the closure returns goes straight
 * back to the host, which takes the decision from it before any script runs again. No script ever
 * holds that table: it lives on only in the decision's slot, which scripts read through read-only
 * views (ctx.decision), until the slot's next evaluation (its next household) fills it anew —
 * every field of it, so nothing of the last decision is left. Any other call (`local d =
 * decision.eligible(…)`, a call inside pcall, a second decision in one evaluation, a reasons
 * function, anything outside an evaluation) gets a new table, as before. */
#include "decision_lib.h"

#include <lauxlib.h>
#include <stdbool.h>

static const char handout_key = 'h';   /* registry: the state's handout userdata */

/* take's upvalues: the handout, the reused decision tables and the reused one-reason lists, both
 * by key. */
enum { UP_HANDOUT = 1, UP_TABLES, UP_LISTS };

/* Pushes the table at key of the table at upvalue up, made with narr and nrec slots when it is
 * not there yet (stack: +1). */
static void push_reused(lua_State *L, int up, int key, int narr, int nrec)
{
    if (lua_rawgeti(L, lua_upvalueindex(up), key) != LUA_TTABLE) {   /* nil */
        lua_pop(L, 1);
        lua_createtable(L, narr, nrec);
        lua_pushvalue(L, -1);
        lua_rawseti(L, lua_upvalueindex(up), key);                    /* t */
    }
}

/* take([reasons]), called by the library's closures only: the evaluation's reused decision table
 * when the closure's result goes straight back to the host as an evaluation's decision (then no
 * later call of the same evaluation gets it), else nil; and reasons, a string among them made
 * the list { reasons } (the evaluation's reused list along with its reused table). */
static int take(lua_State *L)
{
    bf_decision_handout *h = lua_touserdata(L, lua_upvalueindex(UP_HANDOUT));
    lua_settop(L, 1);                                /* reasons */
    lua_Debug ar;
    bool reuse = h->depth > 0 && lua_getstack(L, h->depth - 1, &ar) && !lua_getstack(L, h->depth, &ar);
    if (reuse) {
        h->depth = 0;
        h->reused++;
        push_reused(L, UP_TABLES, h->key, 0, 5);  /* a decision's five fields */
    } else {
        lua_pushnil(L);                              /* reasons, t|nil */
    }
    if (lua_type(L, 1) == LUA_TSTRING) {
        if (reuse)
            push_reused(L, UP_LISTS, h->key, 1, 0);
        else
            lua_createtable(L, 1, 0);
        lua_pushvalue(L, 1);
        lua_rawseti(L, -2, 1);                       /* reasons, t|nil, { reasons } */
    } else {
        lua_pushvalue(L, 1);
    }
    return 2;
}

/* The library's functions, given take: they build the tables the library's own Lua code built
 * (the same fields in the same order), into the reused table when take gives one. Every field of
 * a reused table is set, so nothing of its last decision is left (a nil field is no entry). */
static const char wrappers[] =
    "local take = ...\n"
    "local function not_eligible(reasons, details)\n"
    "  local t\n"
    "  t, reasons = take(reasons)\n"
    "  if t then\n"
    "    t.eligible = false; t.amount = 0; t.tier = nil; t.reasons = reasons; t.details = details\n"
    "    return t\n"
    "  end\n"
    "  return { eligible = false, amount = 0, reasons = reasons, details = details }\n"
    "end\n"
    "local function eligible(amount, tier, reasons, details)\n"
    "  local t = take()\n"
    "  if t then\n"
    "    t.eligible = true; t.amount = amount; t.tier = tier; t.reasons = reasons; t.details = details\n"
    "    return t\n"
    "  end\n"
    "  return { eligible = true, amount = amount, tier = tier, reasons = reasons, details = details }\n"
    "end\n"
    "return not_eligible, eligible\n";

int bf__decision_lib_open(lua_State *L)
{
    if (luaL_loadbufferx(L, wrappers, sizeof wrappers - 1, "=decision_host", "t") != LUA_OK)
        return lua_error(L);                         /* chunk */
    bf_decision_handout *h = lua_newuserdatauv(L, sizeof *h, 0);
    *h = (bf_decision_handout){0, 1, 0};
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &handout_key); /* chunk, handout */
    lua_newtable(L);
    lua_newtable(L);
    lua_pushcclosure(L, take, UP_LISTS);             /* chunk, take */
    lua_call(L, 1, 2);                               /* not_eligible, eligible */
    lua_createtable(L, 0, 2);
    lua_insert(L, -3);                               /* module, not_eligible, eligible */
    lua_setfield(L, -3, "eligible");
    lua_setfield(L, -2, "not_eligible");             /* module */
    return 1;
}

bf_decision_handout *bf__decision_handout(lua_State *L)
{
    bf_decision_handout *h = NULL;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &handout_key) == LUA_TUSERDATA)
        h = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return h;
}

int bf__stack_depth(lua_State *L)
{
    lua_Debug ar;
    int n = 0;
    while (lua_getstack(L, n, &ar))
        n++;
    return n;
}
