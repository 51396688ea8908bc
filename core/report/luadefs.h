/* luadefs.h — `bangfu doc --lua-defs FILE`: LuaCATS annotations of what the policy scripts see
 * (record fields with their types and values, the parameter tree, ctx, the decision, the policy
 * table), from the same field and parameter lists that lint checks against, so that an editor
 * with lua-language-server completes names as the author types (policies/.luarc.json). */
#ifndef BF_LUADEFS_H
#define BF_LUADEFS_H

#include <stdio.h>

#include "params.h"

/* Writes the annotations to out; BF_OK or BF_EIO. */
int bf_luadefs_write(FILE *out, const bf_params *params);

#endif
