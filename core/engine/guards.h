/* guards.h — library functions replaced in the sandbox so that every evaluation ends: pcall and
 * xpcall that cannot catch a stop, string.rep with a size limit, pattern functions that refuse a
 * pattern whose backtracking could run for hours. Private to core/engine. */
#ifndef BF_GUARDS_H
#define BF_GUARDS_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#define BF_MAX_REP_BYTES     (1u << 20)   /* largest text one string.rep call may make */
#define BF_MAX_PATTERN_STEPS 1e9          /* worst-case backtracking steps of one pattern call */

/* Replaces pcall and xpcall in the globals table at idx (stack: 0 net); stopped(L) says whether
 * the evaluation running in L was stopped, so that they re-raise instead of catching. */
void bf__guards_install_base(lua_State *L, int idx, bool (*stopped)(lua_State *L));
/* Replaces rep, find, match, gmatch and gsub in the string table at idx (stack: 0 net). */
void bf__guards_install_string(lua_State *L, int idx);
/* Pushes "file:line: " of the nearest script line on the call stack, or "" when there is none
 * (a tail call leaves none) (stack: +1). */
void bf__push_script_where(lua_State *L);
/* How many items of the Lua pattern p are repeated by '*', '+' or '-'. */
int bf__pattern_repetitions(const char *p, size_t plen);

#endif
