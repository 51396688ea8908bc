/* readonly.c — what scripts cannot change: read-only proxies of tables, light read-only views
 * of records, the freezing of what every evaluation shares (a module's tables, a script's top
 * level), writes to globals refused, and setmetatable/getmetatable that keep frozen tables
 * frozen (see sandbox.h). */
#include "sandbox.h"
#include "i18n.h"
#include "bangfu.h"

#include <assert.h>
#include <lauxlib.h>
#include <stdbool.h>

static char frozen_key;            /* table (weak keys): frozen table -> proxy, function -> true */

/* ---- Read-only proxies ---- */

static int ro_newindex(lua_State *L)
{
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2);
    return luaL_error(L, _("attempt to change read-only field '%s'"), key);
}

/* __newindex of the tables every evaluation shares (frozen): a module's, a script's top level's. */
static int shared_newindex(lua_State *L)
{
    int kt = lua_type(L, 2);
    const char *key = kt == LUA_TSTRING || kt == LUA_TNUMBER ? lua_tostring(L, 2) : luaL_typename(L, 2);
    return luaL_error(L, _("attempt to change field '%s' of a read-only table that every household's "
                           "evaluation shares (a module's or the script's top level's); build a new "
                           "table inside the function"), key);
}

/* Pushes the table behind proxy idx (its metatable's __index), or nil. */
static void push_target(lua_State *L, int idx)
{
    if (!lua_getmetatable(L, idx)) {                 /* mt */
        lua_pushnil(L);
        return;
    }
    lua_getfield(L, -1, "__newindex");               /* mt, newindex */
    lua_CFunction newindex = lua_tocfunction(L, -1);
    bool proxy = newindex == ro_newindex || newindex == shared_newindex;
    lua_pop(L, 1);                                   /* mt */
    if (proxy)
        lua_getfield(L, -1, "__index");              /* mt, target */
    else
        lua_pushnil(L);                              /* mt, nil */
    lua_remove(L, -2);                               /* target|nil */
}

/* #proxy: the length of the target, upvalue 1 (#h.members runs once or more per evaluation:
 * no metatable lookups). */
static int ro_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
    return 1;
}

/* next over the target; upvalue 1 is the target table. */
static int ro_next(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1)))            /* key, value */
        return 2;
    lua_pushnil(L);
    return 1;
}

static int ro_pairs(lua_State *L)
{
    push_target(L, 1);                               /* target */
    lua_pushcclosure(L, ro_next, 1);                 /* iterator bound to the target */
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* Pushes a new read-only proxy for the table at index idx whose writes call newindex (stack: +1). */
static void push_proxy(lua_State *L, int idx, lua_CFunction newindex)
{
    idx = lua_absindex(L, idx);
    lua_createtable(L, 0, 0);                        /* proxy */
    lua_createtable(L, 0, 5);                        /* proxy, mt */
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, ro_len, 1);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, ro_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");              /* getmetatable() gives false */
    lua_setmetatable(L, -2);                         /* proxy */
}

void bf__sandbox_make_readonly(lua_State *L)
{
    push_proxy(L, -1, ro_newindex);                            /* t, proxy */
    lua_remove(L, -2);                               /* proxy */
}

/* ---- Light read-only views: a userdata whose user value is the table (one allocation) ---- */

static char view_meta_key;         /* the shared metatable of views */

/* A decision view (bf__sandbox_push_decision_view) carries its policy's index: its reads are
 * noted (key NULL: its length or pairs). */
static void note_read(lua_State *L, const char *key)
{
    if (lua_rawlen(L, 1) == sizeof(int))
        bf__note_decision_read(L, *(const int *)lua_touserdata(L, 1), key);
}

static int view_index(lua_State *L)
{
    note_read(L, lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL);
    lua_getiuservalue(L, 1, 1);                      /* target */
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) == LUA_TTABLE)             /* target, value */
        bf__sandbox_push_view(L, -1);                 /* nested tables are views too */
    return 1;
}

static int view_len(lua_State *L)
{
    note_read(L, NULL);
    lua_getiuservalue(L, 1, 1);
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

/* next over a view's target, wrapping table values; upvalue 1 is the target. */
static int view_next(lua_State *L)
{
    lua_settop(L, 2);
    if (!lua_next(L, lua_upvalueindex(1))) {         /* key, value */
        lua_pushnil(L);
        return 1;
    }
    if (lua_type(L, -1) == LUA_TTABLE) {
        bf__sandbox_push_view(L, -1);
        lua_remove(L, -2);
    }
    return 2;
}

static int view_pairs(lua_State *L)
{
    note_read(L, NULL);
    lua_getiuservalue(L, 1, 1);
    lua_pushcclosure(L, view_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int view_tostring(lua_State *L)
{
    lua_pushfstring(L, "read-only table: %p", lua_topointer(L, 1));
    return 1;
}

/* Pushes a view of the table at idx (stack: +1); policy >= 0 makes it that policy's decision's. */
static void push_view(lua_State *L, int idx, int policy)
{
    idx = lua_absindex(L, idx);
    if (policy >= 0)
        *(int *)lua_newuserdatauv(L, sizeof(int), 1) = policy;   /* view */
    else
        lua_newuserdatauv(L, 0, 1);                  /* view */
    lua_pushvalue(L, idx);
    lua_setiuservalue(L, -2, 1);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &view_meta_key) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_createtable(L, 0, 6);
        static const luaL_Reg meta[] = {{"__index", view_index}, {"__newindex", ro_newindex},
                                        {"__len", view_len}, {"__pairs", view_pairs},
                                        {"__tostring", view_tostring}, {NULL, NULL}};
        luaL_setfuncs(L, meta, 0);
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &view_meta_key);
    }
    lua_setmetatable(L, -2);                         /* view */
}

void bf__sandbox_push_view(lua_State *L, int idx)
{
    push_view(L, idx, -1);
}

void bf__sandbox_push_decision_view(lua_State *L, int idx, int policy)
{
    assert(policy >= 0);
    push_view(L, idx, policy);
}

void bf__sandbox_retarget_view(lua_State *L, int idx)
{
    lua_setiuservalue(L, idx, 1);
}

/* ---- Freezing what evaluations share ---- */

/* How deep freezing may walk (tables in tables, functions' upvalues): the walk is recursive,
 * each level holding a few stack slots and one C frame, so the depth is bounded before either
 * runs out. */
enum { FREEZE_MAX_DEPTH = 100 };

/* Whether the table at idx is a script's environment (its writes are refused already, and its
 * reads must keep going to the shared globals). */
static bool is_environment(lua_State *L, int idx)
{
    if (!lua_getmetatable(L, idx))
        return false;
    lua_getfield(L, -1, "__newindex");
    bool env = lua_tocfunction(L, -1) == bf__sandbox_global_write;
    lua_pop(L, 2);
    return env;
}

static void freeze_value(lua_State *L, int depth);

/* Freezes the tables and functions held in the fields of the table at t, in place: a table value
 * becomes its frozen proxy (stack: 0 net). */
static void freeze_fields(lua_State *L, int t, int depth)
{
    lua_pushnil(L);                                  /* key */
    while (lua_next(L, t)) {                         /* key, value */
        int type = lua_type(L, -1);
        if (type == LUA_TTABLE || type == LUA_TFUNCTION)
            freeze_value(L, depth + 1);              /* key, frozen */
        if (type == LUA_TTABLE) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);                       /* key, key, frozen */
            lua_rawset(L, t);                        /* t[key] = frozen (an existing key: next is safe) */
        } else {
            lua_pop(L, 1);                           /* key */
        }
    }
}

/* Freezes the upvalues of the Lua function at f: a table becomes its frozen proxy, a function
 * is frozen in turn (stack: 0 net). */
static void freeze_upvalues(lua_State *L, int f, int depth)
{
    for (int i = 1; lua_getupvalue(L, f, i); i++) {  /* value */
        int type = lua_type(L, -1);
        if (type == LUA_TTABLE || type == LUA_TFUNCTION) {
            freeze_value(L, depth + 1);              /* frozen */
            if (!lua_setupvalue(L, f, i))
                lua_pop(L, 1);
        } else {
            lua_pop(L, 1);
        }
    }
}

/* Replaces the value on top by what evaluations may share (stack: 0 net): a table by a read-only
 * proxy whose nested tables are proxies too; a Lua function stays, its upvalues frozen. The
 * registry's frozen map (weak keys) records every table frozen (-> its proxy) and function
 * walked (-> true), so shared values are frozen once and cycles end. The metatable of a frozen
 * table keeps its identity (Lua reads metamethods raw) but its fields are frozen. Raises a Lua
 * error past FREEZE_MAX_DEPTH levels or when the stack cannot grow. */
static void freeze_value(lua_State *L, int depth)
{
    if (depth > FREEZE_MAX_DEPTH)
        luaL_error(L, _("the tables and functions a script shares nest more than %d levels deep"),
                   (int)FREEZE_MAX_DEPTH);
    luaL_checkstack(L, 8, "freezing a script's shared values");
    int v = lua_gettop(L);
    int type = lua_type(L, v);
    if (type != LUA_TTABLE && (type != LUA_TFUNCTION || lua_iscfunction(L, v)))
        return;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &frozen_key);  /* v, frozen */
    int frozen = v + 1;
    lua_pushvalue(L, v);
    if (lua_rawget(L, frozen) != LUA_TNIL) {         /* v, frozen, proxy|true */
        if (type == LUA_TTABLE)
            lua_replace(L, v);
        lua_settop(L, v);
        return;
    }
    lua_pop(L, 1);                                   /* v, frozen */
    if (type == LUA_TFUNCTION) {
        lua_pushvalue(L, v);
        lua_pushboolean(L, 1);
        lua_rawset(L, frozen);                       /* frozen[f] = true */
        lua_settop(L, v);
        freeze_upvalues(L, v, depth);
        return;
    }
    push_target(L, v);
    bool skip = !lua_isnil(L, -1) || is_environment(L, v);
    lua_settop(L, frozen);
    if (skip) {                                      /* a proxy already, or an environment */
        lua_settop(L, v);
        return;
    }
    push_proxy(L, v, shared_newindex);               /* v, frozen, proxy */
    lua_pushvalue(L, v);
    lua_pushvalue(L, -2);
    lua_rawset(L, frozen);                           /* frozen[t] = proxy */
    lua_replace(L, frozen);                          /* v, proxy */
    if (lua_getmetatable(L, v)) {                    /* v, proxy, mt */
        freeze_fields(L, v + 2, depth);
        lua_pop(L, 1);
    }
    freeze_fields(L, v, depth);
    assert(lua_gettop(L) == v + 1);                  /* v, proxy */
    lua_replace(L, v);                               /* proxy */
}

/* Replaces the value at idx by the table behind it when it is a frozen proxy (stack: 0 net). */
static void unfreeze_at(lua_State *L, int idx)
{
    if (!lua_getmetatable(L, idx))
        return;
    lua_getfield(L, -1, "__newindex");               /* mt, newindex */
    bool frozen = lua_tocfunction(L, -1) == shared_newindex;
    lua_pop(L, 1);
    if (frozen) {
        lua_getfield(L, -1, "__index");              /* mt, target */
        lua_replace(L, idx);
    }
    lua_pop(L, 1);
}

/* Freezes argument 1 (see freeze_value) and returns it frozen. */
static int freeze_shared(lua_State *L)
{
    lua_settop(L, 1);
    freeze_value(L, 1);
    return 1;
}

int bf__sandbox_freeze(bf_sandbox *sb, bf_errors *errs)
{
    lua_State *L = bf__sandbox_state(sb);
    lua_pushcfunction(L, freeze_shared);
    lua_insert(L, -2);                               /* freeze_shared, value */
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {           /* frozen | err */
        bf_errors_add(errs, "%s", lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                                 : _("out of memory"));
        lua_pop(L, 1);
        return BF_ELIMIT;
    }
    return BF_OK;
}

void bf__sandbox_freeze_value(lua_State *L)
{
    freeze_value(L, 1);
}

void bf__sandbox_frozen_init(lua_State *L)
{
    lua_createtable(L, 0, 0);                        /* frozen */
    lua_createtable(L, 0, 1);                        /* frozen, mt */
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);                         /* frozen */
    lua_rawsetp(L, LUA_REGISTRYINDEX, &frozen_key);
}

/* ---- Globals and metatables ---- */

int bf__sandbox_global_write(lua_State *L)
{
    return luaL_error(L, _("assignment to global '%s' is not allowed (use local)"), lua_tostring(L, 2));
}

/* setmetatable without __gc: finalizers would run outside any budget, between evaluations. */
int bf__sandbox_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE && lua_getfield(L, 2, "__gc") != LUA_TNIL)
        return luaL_error(L, _("__gc metamethods are not allowed in policy scripts"));
    lua_settop(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, lua_isnoneornil(L, 2) || lua_istable(L, 2), 2, "nil or table");
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, _("cannot change a protected metatable"));
    /* a frozen table as metatable: Lua reads metamethods raw, so the table behind the proxy;
     * getmetatable gives the proxy back */
    if (lua_istable(L, 2))
        unfreeze_at(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* getmetatable(v): Lua's, except that a frozen table set as metatable is given as its proxy. */
int bf__sandbox_getmetatable(lua_State *L)
{
    luaL_checkany(L, 1);
    if (!lua_getmetatable(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return 1;                                    /* mt, protection */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &frozen_key);  /* mt, frozen */
    lua_pushvalue(L, -2);
    if (lua_rawget(L, -2) == LUA_TTABLE)             /* mt, frozen, proxy */
        return 1;
    lua_pop(L, 2);                                   /* mt */
    return 1;
}
