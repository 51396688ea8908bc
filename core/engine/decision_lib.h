/* decision_lib.h — `require "decision_host"`: the host's side of policies/lib/decision.lua. Its
 * not_eligible and eligible build a decision table exactly as the library's own Lua code did; when
 * the table they build goes straight back to the host as the result of an evaluation (the script
 * returns the library's call as a tail call: `return decision.not_eligible(…)`), they fill a table
 * the host keeps per decision slot and reuses instead of a new one, since no script can then hold
 * or change it (see decision_lib.c). */
#ifndef BF_DECISION_LIB_H
#define BF_DECISION_LIB_H

#include <lua.h>

/* What the host tells the module about the evaluation that runs (one per Lua state). */
typedef struct bf_decision_handout {
    int depth;       /* the number of stack levels when a call of the module's function returns
                      * straight to the host: the host's levels + 2 (the evaluation's frame, then
                      * the C function); 0: no evaluation runs, every decision is a new table */
    int key;         /* the evaluation's decision slot, as the key of its reused tables (>= 1) */
    long reused;     /* decisions handed over in a reused table (tests, profiles) */
    /* what decision.not_eligible handed over in the evaluation that runs, for the intake, which
     * then need not read it back (decision.c): the table (NULL: none), its one reason when given
     * as a string (kept alive by the table), the types of the reasons and details given */
    const void *table;
    const char *reason;
    size_t reason_len;
    int reasons_type, details_type;
} bf_decision_handout;

/* luaopen-style: pushes the module table {not_eligible, eligible} (stack: +1), and makes the
 * state's handout (bf__decision_handout). */
int bf__decision_lib_open(lua_State *L);

/* The handout of L's state, or NULL when no script of it has required the module. */
bf_decision_handout *bf__decision_handout(lua_State *L);

/* The stack levels of L where the caller runs (the C function about to call an evaluation). */
int bf__stack_depth(lua_State *L);

#endif
