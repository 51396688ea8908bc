/* money_lib.h — the `money` module of policy scripts: the host's own rounding of amounts, so that
 * every figure a reason states is the figure the host stores and pays. */
#ifndef BF_MONEY_LIB_H
#define BF_MONEY_LIB_H

#include <lua.h>

/* luaopen-style: pushes the module table {round, format, short} (stack: +1). */
int bf__money_lib_open(lua_State *L);

#endif
