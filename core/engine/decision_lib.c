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
 * below; they ask the C functions take_*, which nothing else can reach (upvalues; scripts have no
 * debug library), for the table. A take function runs exactly two stack levels above the host's function
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

/* The take functions' upvalues: the handout, the reused decision tables and the reused one-reason
 * lists, both by key. */
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

/* Pushes the evaluation's reused decision table when the calling closure's result goes straight
 * back to the host as an evaluation's decision (then no later call of the same evaluation gets
 * it) and returns true; else pushes nil. */
static bool push_handed(lua_State *L, bf_decision_handout *h)
{
    lua_Debug ar;
    if (h->depth <= 0 || !lua_getstack(L, h->depth - 1, &ar) || lua_getstack(L, h->depth, &ar)) {
        lua_pushnil(L);
        return false;
    }
    h->depth = 0;
    h->reused++;
    push_reused(L, UP_TABLES, h->key, 0, 5);         /* a decision's five fields */
    return true;
}

/* take_not_eligible(reasons, details), called by decision.not_eligible only: the reused table or
 * nil (push_handed), and reasons, a string among them made the list { reasons } (the evaluation's
 * reused list along with its reused table). What it hands over it notes for the intake. */
static int take_not_eligible(lua_State *L)
{
    bf_decision_handout *h = lua_touserdata(L, lua_upvalueindex(UP_HANDOUT));
    lua_settop(L, 2);                                /* reasons, details */
    bool reuse = push_handed(L, h);                  /* reasons, details, t|nil */
    int rt = lua_type(L, 1);
    if (reuse) {
        h->table = lua_topointer(L, -1);
        h->reasons_type = rt;
        h->reason = rt == LUA_TSTRING ? lua_tolstring(L, 1, &h->reason_len) : NULL;
        h->details_type = lua_type(L, 2);
    }
    if (rt == LUA_TSTRING) {
        if (reuse)
            push_reused(L, UP_LISTS, h->key, 1, 0);
        else
            lua_createtable(L, 1, 0);
        lua_pushvalue(L, 1);
        lua_rawseti(L, -2, 1);                       /* reasons, details, t|nil, { reasons } */
    } else {
        lua_pushvalue(L, 1);
    }
    return 2;
}

/* take_eligible(), called by decision.eligible only: the reused table or nil (push_handed). */
static int take_eligible(lua_State *L)
{
    push_handed(L, lua_touserdata(L, lua_upvalueindex(UP_HANDOUT)));
    return 1;
}

/* The library's functions, given take: they build the tables the library's own Lua code built
 * (the same fields in the same order), into the reused table when take gives one. Every field of
 * a reused table is set, so nothing of its last decision is left (a nil field is no entry). */
static const char wrappers[] =
    "local take_not_eligible, take_eligible = ...\n"
    "local function not_eligible(reasons, details)\n"
    "  local t\n"
    "  t, reasons = take_not_eligible(reasons, details)\n"
    "  if t then\n"
    "    t.eligible = false; t.amount = 0; t.tier = nil; t.reasons = reasons; t.details = details\n"
    "    return t\n"
    "  end\n"
    "  return { eligible = false, amount = 0, reasons = reasons, details = details }\n"
    "end\n"
    "local function eligible(amount, tier, reasons, details)\n"
    "  local t = take_eligible()\n"
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
    *h = (bf_decision_handout){.key = 1};
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &handout_key); /* chunk, handout */
    lua_newtable(L);
    lua_newtable(L);                                 /* chunk, handout, tables, lists */
    lua_pushvalue(L, -3);
    lua_pushvalue(L, -3);
    lua_pushvalue(L, -3);
    lua_pushcclosure(L, take_not_eligible, UP_LISTS);
    lua_insert(L, -4);                               /* chunk, ne, handout, tables, lists */
    lua_pushcclosure(L, take_eligible, UP_LISTS);    /* chunk, take_not_eligible, take_eligible */
    lua_call(L, 2, 2);                               /* not_eligible, eligible */
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
