/* sandbox.c — the restricted Lua state. See sandbox.h for what a script may do; the recipe follows
 * STYLE.md ("Sandbox recipe for Lua 5.4") and Redis scripting. */
#include "sandbox.h"
#include "i18n.h"
#include "bangfu.h"
#include "carryover.h"
#include "format.h"
#include "guards.h"
#include "household.h"
#include "money_lib.h"
#include "decision_lib.h"
#include "pool.h"

#include <assert.h>
#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MODE_IDLE, MODE_FAST, MODE_COUNTING };

#define COUNT_STEP 1000            /* instructions between two calls of the counting hook */
#define WATCHDOG_TICK_MS 10        /* an evaluation seen running on two ticks is aborted */

struct bf_sandbox {
    lua_State *L;
    size_t max_memory;
    size_t used;                   /* bytes allocated by this state */
    bf_pool pool;                  /* small blocks of this state (one thread at a time) */
    bool memory_exceeded;          /* the allocator refused a growth since the call began */
    char memory_where[128];        /* "file:line" of the script line that asked for it, or "" */
    uint64_t max_instructions;
    uint64_t max_ns;               /* wall clock of one call */
    _Atomic uint64_t deadline_ns;  /* CLOCK_MONOTONIC time the running call must end by */
    _Atomic uint64_t timeout_seq;  /* the watchdog saw call number timeout_seq pass its deadline */
    uint64_t call_seq;             /* this thread's number of the running call */
    bool timed_out;                /* the stop is the wall clock's, not the instruction budget's */
    char *lib_dir, *lib_prefix;
    const bf_lua_module *modules;
    bf_buf *trace;
    void *user;
    int mode;                      /* MODE_*, this thread's view */
    uint64_t counted;              /* instructions counted in MODE_COUNTING */
    bool stop_budget;              /* budget exceeded: every instruction raises */
    bool stop_restart;             /* watchdog abort: every instruction raises the restart key */
    bool always_count;
    bool no_budget;                /* bench only: calls run unwatched and unhooked */
    _Atomic int watch_mode;        /* MODE_FAST while a call runs unwatched by a hook */
    _Atomic uint64_t watch_seq;    /* incremented at the start of every fast call */
    bf_sandbox_stats stats;
    bf_line_observer observer;     /* told of every line and return while set (coverage) */
    void *observer_ud;
};

/* Registry keys: addresses of static variables (STYLE.md, OpenResty). */
static char restart_key;           /* error object of a watchdog abort */
static char loaded_key;            /* table: module name -> frozen module */
static char globals_key;           /* the shared read-only table of allowed globals */

static bf_sandbox *sandbox_of(lua_State *L)
{
    return *(bf_sandbox **)lua_getextraspace(L);
}

/* ---- Memory cap ---- */

/* Notes the script line running when the memory cap was first hit in a call: Lua calls no
 * message handler for a memory error, so this is the only moment the line is known. lua_getinfo
 * with "Sl" reads the call stack without allocating. */
static void note_memory_where(bf_sandbox *sb)
{
    if (sb->mode == MODE_IDLE && !sb->no_budget)
        return;                                      /* not inside a call */
    lua_Debug ar;
    for (int level = 0; lua_getstack(sb->L, level, &ar); level++) {
        if (lua_getinfo(sb->L, "Sl", &ar) && ar.currentline > 0) {
            snprintf(sb->memory_where, sizeof sb->memory_where, "%s:%d", ar.short_src, ar.currentline);
            return;
        }
    }
}

/* Refuses growth past the cap, never a free or a shrink (Lua then collects before LUA_ERRMEM).
 * When ptr is NULL, osize is a type tag, not a size. */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    bf_sandbox *sb = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        bf__pool_release(&sb->pool, ptr, old);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && sb->used - old + nsize > sb->max_memory) {
        if (!sb->memory_exceeded && sb->L)
            note_memory_where(sb);
        sb->memory_exceeded = true;
        return NULL;
    }
    void *p = ptr ? bf__pool_resize(&sb->pool, ptr, old, nsize) : bf__pool_alloc(&sb->pool, nsize);
    if (p)
        sb->used = sb->used - old + nsize;
    return p;
}

/* ---- Instruction budget and wall clock ---- */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Whether the running call is past its wall-clock limit, by the watchdog's mark or the clock. */
static bool past_deadline(bf_sandbox *sb)
{
    return atomic_load(&sb->timeout_seq) == sb->call_seq || now_ns() > atomic_load(&sb->deadline_ns);
}

static void budget_hook(lua_State *L, lua_Debug *ar);

/* Sets the counting hook every `count` instructions, with line and return events while an
 * observer watches. */
static void arm(lua_State *L, bf_sandbox *sb, int count)
{
    int mask = LUA_MASKCOUNT | (sb->observer ? LUA_MASKLINE | LUA_MASKRET : 0);
    lua_sethook(L, budget_hook, mask, count);
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    bf_sandbox *sb = sandbox_of(L);
    if (ar->event == LUA_HOOKLINE || ar->event == LUA_HOOKRET) {
        if (sb->observer && !sb->stop_budget && !sb->stop_restart)
            sb->observer(sb->observer_ud, L, ar);
        return;
    }
    if (sb->stop_restart) {
        lua_pushlightuserdata(L, &restart_key);
        lua_error(L);
    }
    if (sb->mode == MODE_COUNTING && !sb->stop_budget) {
        sb->counted += (uint64_t)lua_gethookcount(L);
        if (past_deadline(sb))
            sb->stop_budget = sb->timed_out = true;
        else if (sb->counted <= sb->max_instructions) {
            if (lua_gethookcount(L) != COUNT_STEP)
                arm(L, sb, COUNT_STEP);
            return;
        }
        sb->stop_budget = true;
    }
    if (sb->stop_budget) {
        /* re-arm on every instruction so that a pcall in the script cannot swallow the stop */
        arm(L, sb, 1);
        lua_getinfo(L, "Sl", ar);
        char msg[512];
        if (sb->timed_out)
            snprintf(msg, sizeof msg, _("%s:%d: the evaluation ran for more than %llu seconds and was "
                                        "stopped (the wall-clock limit, --max-seconds)"),
                     ar->short_src, ar->currentline, (unsigned long long)(sb->max_ns / 1000000000u));
        else
            snprintf(msg, sizeof msg, _("%s:%d: instruction budget of %llu instructions exceeded"),
                     ar->short_src, ar->currentline, (unsigned long long)sb->max_instructions);
        lua_pushstring(L, msg);
        lua_error(L);
    }
    /* MODE_FAST: the watchdog saw this call run too long; unwind and re-run it counted */
    sb->stop_restart = true;
    arm(L, sb, 1);
    lua_pushlightuserdata(L, &restart_key);
    lua_error(L);
}

struct bf_watchdog {
    pthread_t thread;
    bf_sandbox **boxes;
    uint64_t *seen;                /* per box: the call seen running at the previous tick, or 0 */
    int n;
    pthread_mutex_t lock;          /* guards stop */
    pthread_cond_t wake;           /* signalled by bf__watchdog_stop (CLOCK_MONOTONIC waits) */
    bool stop;
};

/* Waits one tick, or less when bf__watchdog_stop wakes the watchdog; false once stopped. A
 * timed wait rather than a sleep, so that stopping need not wait for the tick to pass (a whole
 * tick added to every `check`). */
static bool watchdog_wait_tick(bf_watchdog *w)
{
    uint64_t until = now_ns() + WATCHDOG_TICK_MS * 1000000ull;
    struct timespec ts = {(time_t)(until / 1000000000u), (long)(until % 1000000000u)};
    pthread_mutex_lock(&w->lock);
    while (!w->stop && pthread_cond_timedwait(&w->wake, &w->lock, &ts) == 0)
        ;                                            /* woken early: wait out the tick */
    bool go_on = !w->stop;
    pthread_mutex_unlock(&w->lock);
    return go_on;
}

static void *watchdog_main(void *arg)
{
    bf_watchdog *w = arg;
    while (watchdog_wait_tick(w)) {
        for (int i = 0; i < w->n; i++) {
            bf_sandbox *sb = w->boxes[i];
            uint64_t seq = atomic_load(&sb->watch_seq);
            int mode = atomic_load(&sb->watch_mode);
            if (mode == MODE_COUNTING && now_ns() > atomic_load(&sb->deadline_ns)) {
                /* deliver the stop at the next instruction, even where the hook's own clock
                 * check (every COUNT_STEP instructions) would come too late */
                if (atomic_exchange(&sb->timeout_seq, seq) != seq)
                    lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, 1);
                w->seen[i] = 0;
                continue;
            }
            if (mode != MODE_FAST) {
                w->seen[i] = 0;
                continue;
            }
            if (w->seen[i] == seq) {
                /* lua_sethook is signal-safe; a late arrival only makes the next call re-run
                 * counted, which gives the same result */
                lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, 1);
                w->seen[i] = 0;
            } else {
                w->seen[i] = seq;
            }
        }
    }
    return NULL;
}

int bf__watchdog_start(bf_sandbox **boxes, int n, bf_watchdog **out)
{
    *out = NULL;
    bf_watchdog *w = calloc(1, sizeof *w);
    if (!w || !(w->seen = calloc((size_t)(n ? n : 1), sizeof *w->seen))) {
        free(w);
        return BF_ENOMEM;
    }
    w->boxes = boxes;
    w->n = n;
    pthread_condattr_t attr;
    bool cond_ok = false;
    if (pthread_condattr_init(&attr) == 0) {
        cond_ok = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0
                  && pthread_cond_init(&w->wake, &attr) == 0;
        pthread_condattr_destroy(&attr);
    }
    if (!cond_ok || pthread_mutex_init(&w->lock, NULL) != 0) {
        if (cond_ok)
            pthread_cond_destroy(&w->wake);
        free(w->seen);
        free(w);
        return BF_ENOMEM;
    }
    if (pthread_create(&w->thread, NULL, watchdog_main, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w->seen);
        free(w);
        return BF_ENOMEM;
    }
    *out = w;
    return BF_OK;
}

void bf__watchdog_stop(bf_watchdog *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w->seen);
    free(w);
}

/* ---- Globals ---- */

static int unknown_global(lua_State *L)
{
    return luaL_error(L, _("unknown global '%s'"), lua_tostring(L, 2));
}

/* Masks runs of 17 digits plus a digit or X (resident ID numbers) in s[from..len). */
static void mask_idnumbers(char *s, size_t from, size_t len)
{
    for (size_t i = from; i + 18 <= len; i++) {
        if (i > from && ((s[i - 1] >= '0' && s[i - 1] <= '9') || s[i - 1] == 'X'))
            continue;
        size_t j = i;
        while (j < len && j - i < 17 && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j - i != 17 || !((s[j] >= '0' && s[j] <= '9') || s[j] == 'X' || s[j] == 'x'))
            continue;
        if (j + 1 < len && ((s[j + 1] >= '0' && s[j + 1] <= '9') || s[j + 1] == 'X'))
            continue;
        char masked[BF_IDNUMBER_LEN + 1], orig[BF_IDNUMBER_LEN + 1];
        memcpy(orig, s + i, 18);
        orig[18] = '\0';
        bf_mask_idnumber(orig, masked);
        memcpy(s + i, masked, 18);
        i = j;
    }
}

/* print(...): tab-separated, one line, into the trace (ID numbers masked) or nowhere. */
static int trace_print(lua_State *L)
{
    bf_sandbox *sb = sandbox_of(L);
    if (!sb->trace)
        return 0;
    size_t start = sb->trace->len;
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);  /* uses __tostring/__name */
        if (i > 1)
            bf_buf_add(sb->trace, "\t", 1);
        bf_buf_add(sb->trace, s, len);
        lua_pop(L, 1);
    }
    bf_buf_add(sb->trace, "\n", 1);
    if (!sb->trace->oom)
        mask_idnumbers(sb->trace->data, start, sb->trace->len);
    return 0;
}

/* Loads source with its own environment: reads go to the shared globals, writes are errors; a
 * function that assigns to a local of the top level is refused (carryover.h).
 * Stack: +1 (the compiled function) or returns the lua_load status with the message on top. */
static int load_with_env(lua_State *L, const char *src, size_t len, const char *chunkname)
{
    int rc = luaL_loadbufferx(L, src, len, chunkname, "t");   /* text chunks only */
    if (rc != LUA_OK)
        return rc;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    rc = bf__carryover_check(L, chunkname, &errs);
    if (rc != BF_OK) {
        lua_pop(L, 1);
        lua_pushstring(L, bf_errors_first(&errs));   /* a load error's message, as Lua's */
        bf_errors_free(&errs);
        return rc == BF_ENOMEM ? LUA_ERRMEM : LUA_ERRSYNTAX;
    }
    lua_createtable(L, 0, 0);                        /* fn, env */
    lua_createtable(L, 0, 3);                        /* fn, env, mt */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &globals_key);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, bf__sandbox_global_write);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);                         /* fn, env */
    if (!lua_setupvalue(L, -2, 1))                   /* fn (env is its _ENV) */
        lua_pop(L, 1);
    return LUA_OK;
}

static bool valid_module_name(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

/* Modules of the host itself, found before plugins' and policies/lib's. */
static const bf_lua_module host_modules[] = {
    {"money", bf__money_lib_open},                    /* the host's rounding of amounts */
    {"decision_host", bf__decision_lib_open},         /* the decision library's tables */
    {NULL, NULL},
};

/* Pushes the table of the module called name in list (NULL allowed) and returns true, or
 * pushes nothing and returns false when the list has no such module. */
static bool open_native(lua_State *L, const bf_lua_module *list, const char *name)
{
    for (const bf_lua_module *m = list; m && m->name; m++)
        if (strcmp(m->name, name) == 0) {
            lua_pushcfunction(L, m->open);
            lua_call(L, 0, 1);                       /* module */
            return true;
        }
    return false;
}

/* Pushes the module's value: a host or native plugin module's table, or lib_dir/NAME.lua's
 * result. Called protected, with the name as argument 1. */
static int load_module(lua_State *L)
{
    bf_sandbox *sb = sandbox_of(L);
    const char *name = lua_tostring(L, 1);
    if (open_native(L, host_modules, name) || open_native(L, sb->modules, name))
        return 1;
    char path[4096], chunk[512];
    snprintf(path, sizeof path, "%s/%s.lua", sb->lib_dir, name);
    snprintf(chunk, sizeof chunk, "@%s%s.lua", sb->lib_prefix, name);
    size_t len;
    char *src = bf_read_file(path, &len);
    if (!src)
        return luaL_error(L, _("module '%s' not found (no file %s)"), name, path);
    int rc = load_with_env(L, src, len, chunk);
    free(src);
    if (rc != LUA_OK)
        return lua_error(L);                         /* the syntax error names file:line */
    lua_call(L, 0, 1);                               /* module value */
    return 1;
}

/* require(name): a policies/lib module or a native plugin module, loaded once, read-only. */
static int restricted_require(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_settop(L, 1);
    if (!valid_module_name(name))
        return luaL_error(L, _("bad module name '%s' (letters, digits and _ only)"), name);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &loaded_key);  /* name, loaded */
    int t = lua_getfield(L, 2, name);                /* name, loaded, value */
    if (t == LUA_TLIGHTUSERDATA)
        return luaL_error(L, _("module '%s' requires itself (circular require)"), name);
    if (t != LUA_TNIL)
        return 1;
    lua_pop(L, 1);                                   /* name, loaded */
    lua_pushlightuserdata(L, &loaded_key);           /* mark as loading */
    lua_setfield(L, 2, name);
    lua_pushcfunction(L, load_module);
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {           /* name, loaded, err */
        lua_pushnil(L);
        lua_setfield(L, 2, name);                    /* forget the mark, keep the error */
        return lua_error(L);
    }
    if (lua_isnil(L, 3)) {                           /* name, loaded, value */
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    bf__sandbox_freeze_value(L);                     /* name, loaded, frozen */
    lua_pushvalue(L, 3);
    lua_setfield(L, 2, name);                        /* loaded[name] = value */
    return 1;
}

/* What scripts get, by name (README, Policy scripts); nothing else of what Lua's libraries hold
 * reaches them. Left out: dofile, loadfile, load, collectgarbage, rawget, rawset, rawlen, warn,
 * _G, string.dump, math.random, math.randomseed, and the io, os, debug, coroutine and package
 * libraries, which are never opened. math keeps the functions of Lua 5.3 that Debian's Lua 5.4
 * is built with (LUA_COMPAT_MATHLIB); a name a library lacks is skipped. */
static const char *const allowed_base[] = {
    "_VERSION", "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
    "select", "tonumber", "tostring", "type", "xpcall", NULL,
};
static const char *const allowed_string[] = {
    "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match", "pack",
    "packsize", "rep", "reverse", "sub", "unpack", "upper", NULL,
};
static const char *const allowed_table[] = {
    "concat", "insert", "move", "pack", "remove", "sort", "unpack", NULL,
};
static const char *const allowed_math[] = {
    "abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge", "log",
    "max", "maxinteger", "min", "mininteger", "modf", "pi", "rad", "sin", "sqrt", "tan",
    "tointeger", "type", "ult",
    "atan2", "cosh", "frexp", "ldexp", "log10", "pow", "sinh", "tanh",   /* LUA_COMPAT_MATHLIB */
    NULL,
};
static const char *const allowed_utf8[] = {
    "char", "charpattern", "codepoint", "codes", "len", "offset", NULL,
};

/* The globals set beside the allowed base functions: print, setmetatable and require of their
 * own, and the four libraries. */
static const char *const allowed_own[] = {
    "print", "setmetatable", "require", LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_MATHLIBNAME,
    LUA_UTF8LIBNAME, NULL,
};

static int copy_names(const char *const *names, const char **out, int n, int max)
{
    for (int i = 0; names[i] && n < max; i++)
        out[n++] = names[i];
    return n;
}

int bf__sandbox_allowed_names(const char *lib, const char **out, int max)
{
    if (!lib)
        return copy_names(allowed_own, out, copy_names(allowed_base, out, 0, max), max);
    static const struct { const char *name; const char *const *allowed; } libs[] = {
        {LUA_STRLIBNAME, allowed_string}, {LUA_TABLIBNAME, allowed_table},
        {LUA_MATHLIBNAME, allowed_math}, {LUA_UTF8LIBNAME, allowed_utf8},
    };
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++)
        if (strcmp(libs[i].name, lib) == 0)
            return copy_names(libs[i].allowed, out, 0, max);
    return 0;
}

/* Whether the evaluation running in L has been stopped (budget, wall clock or a watchdog
 * restart): the guarded pcall and xpcall then re-raise instead of catching. */
static bool evaluation_stopped(lua_State *L)
{
    bf_sandbox *sb = sandbox_of(L);
    return sb->stop_budget || sb->stop_restart;
}

/* Pushes a new table with the fields of the table at idx that allowed names (stack: +1). */
static void push_allowed(lua_State *L, int idx, const char *const *allowed)
{
    idx = lua_absindex(L, idx);
    lua_createtable(L, 0, 32);                       /* t */
    for (int i = 0; allowed[i]; i++) {
        lua_pushstring(L, allowed[i]);
        if (lua_rawget(L, idx) == LUA_TNIL)          /* t, value */
            lua_pop(L, 1);                           /* t */
        else
            lua_setfield(L, -2, allowed[i]);         /* t */
    }
}

/* Builds the globals table from the allow-lists above and the sandbox's own print,
 * setmetatable and require; it becomes the state's globals. */
static int setup_globals(lua_State *L)
{
    static const struct { const char *name; lua_CFunction open; const char *const *allowed; } libs[] = {
        {LUA_STRLIBNAME, luaopen_string, allowed_string}, {LUA_TABLIBNAME, luaopen_table, allowed_table},
        {LUA_MATHLIBNAME, luaopen_math, allowed_math}, {LUA_UTF8LIBNAME, luaopen_utf8, allowed_utf8},
    };
    int top = lua_gettop(L);
    luaL_requiref(L, LUA_GNAME, luaopen_base, 0);   /* base (Lua's whole _G) */
    push_allowed(L, -1, allowed_base);               /* base, G */
    lua_remove(L, -2);                               /* G */
    bf__guards_install_base(L, -1, evaluation_stopped);
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        luaL_requiref(L, libs[i].name, libs[i].open, 0);   /* G, lib */
        push_allowed(L, -1, libs[i].allowed);        /* G, lib, safe */
        lua_remove(L, -2);                           /* G, safe */
        if (libs[i].open == luaopen_string) {
            bf__guards_install_string(L, -1);
            bf__format_install(L, -1);
            lua_pushliteral(L, "");                  /* G, safe, "" */
            if (lua_getmetatable(L, -1)) {           /* G, safe, "", strmt */
                lua_pushvalue(L, -3);
                lua_setfield(L, -2, "__index");      /* s:method() reads safe */
                lua_pushboolean(L, 0);
                lua_setfield(L, -2, "__metatable");  /* getmetatable("") gives false */
                lua_pop(L, 1);                       /* G, safe, "" */
            }
            lua_pop(L, 1);                           /* G, safe */
        }
        /* read-only, or one script could change string.format for all */
        bf__sandbox_make_readonly(L);                /* G, proxy */
        lua_setfield(L, -2, libs[i].name);           /* G */
    }
    lua_pushcfunction(L, trace_print); lua_setfield(L, -2, "print");
    lua_pushcfunction(L, bf__sandbox_setmetatable); lua_setfield(L, -2, "setmetatable");
    lua_pushcfunction(L, bf__sandbox_getmetatable); lua_setfield(L, -2, "getmetatable");
    lua_pushcfunction(L, restricted_require); lua_setfield(L, -2, "require");
    lua_createtable(L, 0, 1);                        /* G, mt */
    lua_pushcfunction(L, unknown_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);                         /* reading an unknown global is an error */
    lua_pushvalue(L, -1);                            /* G, G */
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);   /* Lua's own _G is dropped */
    lua_rawsetp(L, LUA_REGISTRYINDEX, &globals_key); /* registry[globals_key] = G */
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &loaded_key);
    bf__sandbox_frozen_init(L);
    assert(lua_gettop(L) == top);
    return 0;
}

int bf__sandbox_new(const bf_sandbox_config *cfg, bf_sandbox **out, bf_errors *errs)
{
    *out = NULL;
    bf_sandbox *sb = calloc(1, sizeof *sb);
    if (!sb) {
        bf_errors_add(errs, _("out of memory"));
        return BF_ENOMEM;
    }
    sb->max_memory = cfg->max_memory ? cfg->max_memory : BF_DEFAULT_MAX_MEMORY;
    sb->max_instructions = cfg->max_instructions ? cfg->max_instructions : BF_DEFAULT_MAX_INSTRUCTIONS;
    sb->no_budget = cfg->no_budget;
    sb->max_ns = (uint64_t)(cfg->max_seconds ? cfg->max_seconds : BF_DEFAULT_MAX_SECONDS) * 1000000000u;
    atomic_init(&sb->deadline_ns, UINT64_MAX);
    atomic_init(&sb->timeout_seq, 0);
    sb->lib_dir = strdup(cfg->lib_dir ? cfg->lib_dir : "policies/lib");
    sb->lib_prefix = strdup(cfg->lib_chunk_prefix ? cfg->lib_chunk_prefix : "policies/lib/");
    sb->modules = cfg->modules;
    atomic_init(&sb->watch_mode, MODE_IDLE);
    atomic_init(&sb->watch_seq, 0);
    if (!sb->lib_dir || !sb->lib_prefix || !(sb->L = lua_newstate(capped_alloc, sb))) {
        bf_errors_add(errs, _("cannot create a Lua state (out of memory)"));
        bf__sandbox_free(sb);
        return BF_ENOMEM;
    }
    *(bf_sandbox **)lua_getextraspace(sb->L) = sb;
    lua_pushcfunction(sb->L, setup_globals);
    if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
        bf_errors_add(errs, _("cannot set up the sandbox: %s"), lua_tostring(sb->L, -1));
        bf__sandbox_free(sb);
        return BF_ESCRIPT;
    }
    lua_gc(sb->L, LUA_GCGEN, 0, 0);                  /* most objects die with their evaluation */
    *out = sb;
    return BF_OK;
}

void bf__sandbox_free(bf_sandbox *sb)
{
    if (!sb)
        return;
    if (sb->L)
        lua_close(sb->L);
    bf__pool_free_all(&sb->pool);
    free(sb->lib_dir);
    free(sb->lib_prefix);
    free(sb);
}

lua_State *bf__sandbox_state(bf_sandbox *sb)
{
    return sb->L;
}

void bf__sandbox_set_trace(bf_sandbox *sb, bf_buf *trace)
{
    sb->trace = trace;
}

void bf__sandbox_set_user(bf_sandbox *sb, void *user)
{
    sb->user = user;
}

void *bf__sandbox_user(lua_State *L)
{
    return sandbox_of(L)->user;
}

void bf__sandbox_get_stats(const bf_sandbox *sb, bf_sandbox_stats *st)
{
    *st = sb->stats;
    st->memory = sb->used;
}


void bf__sandbox_always_count(bf_sandbox *sb, bool on)
{
    sb->always_count = on;
}

void bf__sandbox_observe_lines(bf_sandbox *sb, bf_line_observer fn, void *ud)
{
    sb->observer = fn;
    sb->observer_ud = ud;
}

/* Message handler of every call: an error object that is not a string (error({}), error()) becomes
 * "file:line: error object is a table value" at the script line that raised it, so every error
 * decision names its line. Strings and the restart key pass unchanged; Lua calls no handler for
 * a memory error. */
static int locate_error(lua_State *L)
{
    int t = lua_type(L, 1);
    if (t == LUA_TSTRING || t == LUA_TLIGHTUSERDATA)
        return 1;
    bf__push_script_where(L);
    lua_pushfstring(L, _("error object is a %s value"), luaL_typename(L, 1));
    lua_concat(L, 2);
    return 1;
}

/* lua_pcall with locate_error as the message handler (stack effect as lua_pcall's). */
static int pcall_located(lua_State *L, int nargs, int nresults)
{
    int base = lua_gettop(L) - nargs;                /* the function */
    lua_pushcfunction(L, locate_error);
    lua_insert(L, base);                             /* handler, f, args */
    int rc = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);                             /* results | err */
    return rc;
}

/* One protected call in fast (unhooked, watched) or counting mode. */
static int protected_call(bf_sandbox *sb, int nargs, int nresults, bool counting)
{
    lua_State *L = sb->L;
    sb->counted = 0;
    sb->stop_budget = false;
    sb->stop_restart = false;
    sb->timed_out = false;
    sb->memory_exceeded = false;
    sb->memory_where[0] = '\0';
    if (sb->no_budget)
        return pcall_located(L, nargs, nresults);    /* nothing watches: what the budget costs */
    /* the deadline before the number: the watchdog reads the number first, so the deadline it
     * then reads is never older than the call the number names */
    atomic_store(&sb->deadline_ns, now_ns() + sb->max_ns);
    sb->call_seq = atomic_fetch_add(&sb->watch_seq, 1) + 1;
    if (counting || sb->observer) {                 /* an observer needs the hook from the start */
        sb->mode = MODE_COUNTING;
        arm(L, sb, COUNT_STEP);
    } else {
        sb->mode = MODE_FAST;
    }
    atomic_store(&sb->watch_mode, sb->mode);
    int rc = pcall_located(L, nargs, nresults);
    atomic_store(&sb->watch_mode, MODE_IDLE);
    sb->mode = MODE_IDLE;
    lua_sethook(L, NULL, 0, 0);
    return rc;
}

void bf__sandbox_next_evaluation(bf_sandbox *sb)
{
    if (sb->mode != MODE_COUNTING)
        return;
    sb->counted = 0;
    atomic_store(&sb->deadline_ns, now_ns() + sb->max_ns);
    arm(sb->L, sb, COUNT_STEP);                      /* the hook's count starts again too */
}

/* Turns the error object on top into "file:line: message" in errs and pops it. */
static int describe_error(bf_sandbox *sb, int rc, bf_errors *errs)
{
    lua_State *L = sb->L;
    int code = BF_ESCRIPT;
    if ((rc == LUA_ERRMEM || sb->memory_exceeded) && sb->memory_where[0]) {
        bf_errors_add(errs, _("%s: memory cap of %zu MiB exceeded"), sb->memory_where,
                      sb->max_memory / (1024 * 1024));
        code = BF_ELIMIT;
    } else if (rc == LUA_ERRMEM || sb->memory_exceeded) {
        bf_errors_add(errs, _("memory cap of %zu MiB exceeded"), sb->max_memory / (1024 * 1024));
        code = BF_ELIMIT;
    } else if (sb->stop_budget) {
        bf_errors_add(errs, "%s", lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                                 : _("instruction budget exceeded"));
        code = BF_ELIMIT;
    } else if (lua_type(L, -1) == LUA_TSTRING) {
        bf_errors_add(errs, "%s", lua_tostring(L, -1));
    } else {
        bf_errors_add(errs, _("error object is a %s value"), luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    if (code == BF_ELIMIT)
        lua_gc(L, LUA_GCCOLLECT, 0);                 /* give the memory back before the next call */
    return code;
}

static int call_counting(bf_sandbox *sb, int nargs, int nresults, bool counting, bf_errors *errs);

int bf__sandbox_call(bf_sandbox *sb, int nargs, int nresults, bf_errors *errs)
{
    return call_counting(sb, nargs, nresults, sb->always_count, errs);
}

int bf__sandbox_call_once(bf_sandbox *sb, int nargs, int nresults, bf_errors *errs)
{
    return call_counting(sb, nargs, nresults, true, errs);
}

/* bf__sandbox_call, counting from the start when counting (then never aborted and re-run). */
static int call_counting(bf_sandbox *sb, int nargs, int nresults, bool counting, bf_errors *errs)
{
    lua_State *L = sb->L;
    int base = lua_gettop(L) - nargs;                /* the function */
    /* keep the function and arguments in place, call a copy: a watchdog abort re-runs them */
    for (int i = 0; i <= nargs; i++)
        lua_pushvalue(L, base + i);
    sb->stats.calls++;
    int rc = protected_call(sb, nargs, nresults, counting);
    if (rc != LUA_OK && sb->stop_restart) {
        lua_pop(L, 1);                               /* the restart key */
        for (int i = 0; i <= nargs; i++)
            lua_pushvalue(L, base + i);
        sb->stats.counted_reruns++;
        rc = protected_call(sb, nargs, nresults, true);
    }
    if (rc != LUA_OK) {
        int code = describe_error(sb, rc, errs);
        lua_settop(L, base - 1);
        return code;
    }
    int nres = lua_gettop(L) - (base + nargs);      /* results above the kept copies */
    lua_rotate(L, base, nres);                       /* results first, then the kept copies */
    lua_settop(L, base - 1 + nres);
    return BF_OK;
}

int bf__sandbox_run_chunk(bf_sandbox *sb, const char *src, size_t len, const char *chunkname,
                          bf_errors *errs)
{
    lua_State *L = sb->L;
    int rc = load_with_env(L, src, len, chunkname);
    if (rc != LUA_OK) {
        bf_errors_add(errs, "%s", lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                                 : _("cannot load"));
        lua_pop(L, 1);
        return rc == LUA_ERRMEM ? BF_ELIMIT : BF_ESCRIPT;
    }
    return bf__sandbox_call(sb, 0, 1, errs);
}
