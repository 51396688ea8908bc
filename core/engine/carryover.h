/* carryover.h — the static half of "nothing an evaluation writes outlives it": a function of a
 * script that assigns to a local variable of the script's top level (an upvalue the main chunk
 * declares) would carry the value over from one household to the next, so such a script is
 * refused when it loads. Private to core/engine. */
#ifndef BF_CARRYOVER_H
#define BF_CARRYOVER_H

#include <stddef.h>

#include <lua.h>

#include "errors.h"

/* Reads the compiled function on top of L's stack (a script's main chunk, left there) and
 * returns BF_OK, or BF_ESCRIPT with "file:line: message" in errs for the first function that
 * assigns to a local of the top level (SETUPVAL onto a main-chunk register). chunkname is the
 * chunk's name ("@policies/dibao.lua"). */
int bf__carryover_check(lua_State *L, const char *chunkname, bf_errors *errs);

#endif
