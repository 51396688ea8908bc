/* sandbox.h — a restricted Lua 5.4 state: allowed libraries only, a memory cap, an instruction
 * budget that costs nothing until an evaluation overruns, read-only tables, restricted require.
 * Private to core/engine (hence bf__): other folders use engine.h; only its types are public. */
#ifndef BF_SANDBOX_H
#define BF_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "buf.h"
#include "errors.h"

#define BF_DEFAULT_MAX_MEMORY       (256u * 1024u * 1024u)   /* bytes per Lua state */
#define BF_DEFAULT_MAX_INSTRUCTIONS 10000000ull              /* VM instructions per evaluation */
#define BF_DEFAULT_MAX_SECONDS      10u                      /* wall-clock seconds per evaluation */

typedef struct bf_sandbox bf_sandbox;

/* A Lua module a native plugin offers to scripts (`require "idcard"`). */
typedef struct bf_lua_module {
    const char *name;
    lua_CFunction open;    /* luaopen-style: pushes the module table */
} bf_lua_module;

typedef struct bf_sandbox_config {
    size_t max_memory;              /* 0: BF_DEFAULT_MAX_MEMORY */
    uint64_t max_instructions;      /* 0: BF_DEFAULT_MAX_INSTRUCTIONS */
    const char *lib_dir;            /* where `require "x"` finds x.lua (policies/lib) */
    const char *lib_chunk_prefix;   /* shown in messages, e.g. "policies/lib/" */
    const bf_lua_module *modules;   /* native modules, terminated by {NULL, NULL}; may be NULL */
    bool no_budget;                 /* measurement only: no instruction budget, no watchdog marks */
    unsigned max_seconds;           /* wall clock of one evaluation; 0: BF_DEFAULT_MAX_SECONDS */
} bf_sandbox_config;

/* Creates a sandboxed state; BF_OK or an error with a message in errs. */
int bf__sandbox_new(const bf_sandbox_config *cfg, bf_sandbox **out, bf_errors *errs);
/* Closes the state. NULL is allowed. */
void bf__sandbox_free(bf_sandbox *sb);
/* The Lua state (for pushing records and reading results). */
lua_State *bf__sandbox_state(bf_sandbox *sb);

/* Compiles text-only source under chunkname ("@policies/dibao.lua") with a fresh environment of
 * its own (reads see the allowed globals, unknown globals and any write are errors), runs it
 * under the budget and leaves its first result on the stack (stack: +1). */
int bf__sandbox_run_chunk(bf_sandbox *sb, const char *src, size_t len, const char *chunkname,
                          bf_errors *errs);

/* Freezes the value on top of the stack, which every later evaluation shares (a policy's
 * evaluate): tables reachable from it (fields, upvalues of its functions, theirs in turn) become
 * read-only proxies, so that no evaluation can leave a value there for the next household; a
 * write raises an error naming the script line. The value stays on top (a table replaced by its
 * proxy). BF_OK, or BF_ELIMIT with the message in errs (nesting too deep, out of memory). */
int bf__sandbox_freeze(bf_sandbox *sb, bf_errors *errs);

/* Calls the function below nargs arguments on the stack, like lua_pcall(L, nargs, nresults),
 * under the instruction budget and memory cap. On error the stack holds nothing of the call and
 * errs receives "file:line: message". Returns BF_OK, BF_ESCRIPT, or BF_ELIMIT (budget or
 * memory). */
int bf__sandbox_call(bf_sandbox *sb, int nargs, int nresults, bf_errors *errs);
/* Inside a call: the next evaluation of a host loop starts (eval.c's household loop calls
 * several evaluations in one protected call). When the call counts instructions, the count, its
 * hook and the wall clock start again, so the budget and the time limit stay per evaluation;
 * unwatched (fast) calls need nothing: the watchdog aborts the whole call long before an
 * evaluation could reach its budget, and the caller re-runs it counted. */
void bf__sandbox_next_evaluation(bf_sandbox *sb);
/* bf__sandbox_call counting instructions from the start, so that the call is never aborted by
 * the watchdog and run a second time: for a function that may change what it captured (a
 * decision's reasons function appending to its list). */
int bf__sandbox_call_once(bf_sandbox *sb, int nargs, int nresults, bf_errors *errs);

/* The names scripts may read: the globals (lib NULL) or the fields of library lib ("string",
 * "math", "table", "utf8"); fills out with up to max of them and returns how many (0 for a
 * library scripts do not have). math may list a Lua 5.3 name this build lacks. */
int bf__sandbox_allowed_names(const char *lib, const char **out, int max);

/* Replaces the table at the top of the stack by a read-only proxy of it (stack: 0 net).
 * Reads, #, pairs and ipairs see the table; writes raise "read-only" errors. */
void bf__sandbox_make_readonly(lua_State *L);
/* Pushes a read-only view of the table at idx: a userdata (one allocation) whose fields, length
 * and pairs read the table, nested tables as views too (stack: +1). For values read a few
 * times; proxies are faster for tables read often. */
void bf__sandbox_push_view(lua_State *L, int idx);
/* The same for the decision of policy policy: what is read of it goes to bf__note_decision_read. */
void bf__sandbox_push_decision_view(lua_State *L, int idx, int policy);
/* views.c: notes that the running evaluation read field key ("": called ctx.decision, NULL:
 * something other than a field, its length or pairs) of the decision of policy j. */
void bf__note_decision_read(lua_State *L, int j, const char *key);
/* Points the view at idx at the table on top of the stack instead, and pops the table: a view
 * reused for another table of the same place (stack: -1). */
void bf__sandbox_retarget_view(lua_State *L, int idx);

/* The rest of readonly.c, for sandbox.c's globals and require: */
/* Freezes the value on top of the stack in place, as bf__sandbox_freeze does, raising a Lua
 * error instead of returning one (stack: 0 net). */
void bf__sandbox_freeze_value(lua_State *L);
/* Creates the registry's map of frozen tables (weak keys) that freezing keeps. */
void bf__sandbox_frozen_init(lua_State *L);
/* __newindex of a script's environment: assigning a global is an error. */
int bf__sandbox_global_write(lua_State *L);
/* The scripts' setmetatable: no __gc; a frozen table as metatable is used behind its proxy. */
int bf__sandbox_setmetatable(lua_State *L);
/* The scripts' getmetatable: a frozen table set as metatable is given back as its proxy. */
int bf__sandbox_getmetatable(lua_State *L);

/* Where `print` goes during the following calls: appended to trace (NULL: discarded).
 * Resident ID numbers in printed text are masked. */
void bf__sandbox_set_trace(bf_sandbox *sb, bf_buf *trace);

/* The watchdog: a thread that aborts evaluations running longer than a few milliseconds so the
 * sandbox re-runs them with an exact instruction count. Start once per group of sandboxes. */
typedef struct bf_watchdog bf_watchdog;
/* Starts watching n sandboxes (they must outlive the watchdog). */
int bf__watchdog_start(bf_sandbox **boxes, int n, bf_watchdog **out);
/* Stops and joins the watchdog thread. NULL is allowed. */
void bf__watchdog_stop(bf_watchdog *w);

/* Attaches the caller's data to the state (the engine's worker). */
void bf__sandbox_set_user(bf_sandbox *sb, void *user);
/* The data attached to the sandbox that owns L. */
void *bf__sandbox_user(lua_State *L);

/* Told of every line a call executes and of every return (ar->event LUA_HOOKLINE or
 * LUA_HOOKRET; call lua_getinfo for more); ud is the observer's own data. */
typedef void (*bf_line_observer)(void *ud, lua_State *L, lua_Debug *ar);
/* Sets (fn not NULL) or removes the observer of the following calls; while one is set, calls
 * count their instructions from the start (no watchdog), so they are slower. */
void bf__sandbox_observe_lines(bf_sandbox *sb, bf_line_observer fn, void *ud);

/* Counters for tests and benchmarks. */
typedef struct bf_sandbox_stats {
    uint64_t calls;            /* protected calls made (a household loop is one) */
    uint64_t counted_reruns;   /* evaluations re-run with the instruction count */
    size_t memory;             /* bytes the state holds now */
} bf_sandbox_stats;
/* Reads the counters. */
void bf__sandbox_get_stats(const bf_sandbox *sb, bf_sandbox_stats *st);
/* Forces every call to count instructions from its start (the old, slow way; for benchmarks). */
void bf__sandbox_always_count(bf_sandbox *sb, bool on);

#endif
