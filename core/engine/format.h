/* format.h — string.format for policy scripts: the conversions the scripts use in every reason
 * (%s of a string or integer, %d of an integer, %.2f of a number, %%) are written here without
 * printf; any other format goes to Lua's own string.format, so every result and error is the
 * one Lua gives. Private to core/engine (the sandbox installs it), hence bf__. */
#ifndef BF_FORMAT_H
#define BF_FORMAT_H

#include <lua.h>

/* Replaces field "format" of the table at index t (the string library) by the fast version,
 * which keeps the original as its fallback (stack: unchanged). */
void bf__format_install(lua_State *L, int t);

#endif
