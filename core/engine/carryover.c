/* carryover.c — refuses at load a script whose functions assign to locals of its top level.
 * Lua 5.4's compiled form says it exactly (lopcodes.h): SETUPVAL A B stores R[A] into upvalue
 * B of the running function, and each upvalue says where it comes from: a register of the
 * enclosing function (instack) or one of the enclosing function's own upvalues. An upvalue is a
 * local of the top level when it leads, through the enclosing functions' upvalues, to a register
 * of the main chunk. */
#include "carryover.h"
#include "bangfu.h"
#include "bytecode.h"
#include "i18n.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* The first assignment found: its function, instruction and upvalue. */
typedef struct finding {
    const bc_proto *f;
    int pc;
    int up;
} finding;

/* Looks through f and the functions nested in it; top_level[i] says whether f's upvalue i is a
 * local of the main chunk. Returns false when out of memory. */
static bool find_assignment(const bc_proto *f, const bool *top_level, finding *found)
{
    for (int pc = 0; pc < f->n_code && !found->f; pc++) {
        uint32_t i = f->code[pc];
        if (bc_op_of(i) == BC_SETUPVAL && bc_b(i) < f->n_up && top_level[bc_b(i)])
            *found = (finding){f, pc, bc_b(i)};
    }
    for (int p = 0; p < f->n_p && !found->f; p++) {
        const bc_proto *child = &f->p[p];
        bool *mine = calloc((size_t)child->n_up + 1, sizeof *mine);
        if (!mine)
            return false;
        for (int u = 0; u < child->n_up; u++)
            mine[u] = !child->up[u].instack && child->up[u].idx < f->n_up && top_level[child->up[u].idx];
        bool ok = find_assignment(child, mine, found);
        free(mine);
        if (!ok)
            return false;
    }
    return true;
}

int bf__carryover_check(lua_State *L, const char *chunkname, bf_errors *errs)
{
    bc_proto main;
    int rc = bf__bc_decode_top(L, chunkname, &main, errs);
    if (rc != BF_OK)
        return rc;
    finding found = {NULL, 0, 0};
    bool ok = true;
    /* the main chunk's own functions: an upvalue in the main chunk's registers is a top-level local */
    for (int p = 0; ok && p < main.n_p && !found.f; p++) {
        const bc_proto *child = &main.p[p];
        bool *mine = calloc((size_t)child->n_up + 1, sizeof *mine);
        if (!mine) {
            ok = false;
            break;
        }
        for (int u = 0; u < child->n_up; u++)
            mine[u] = child->up[u].instack;
        ok = find_assignment(child, mine, &found);
        free(mine);
    }
    const char *file = chunkname[0] == '@' ? chunkname + 1 : chunkname;
    if (!ok) {
        bf_errors_add(errs, _("%s: out of memory reading the compiled script"), file);
        rc = BF_ENOMEM;
    } else if (found.f) {
        const char *name = found.f->up[found.up].name ? found.f->up[found.up].name : "?";
        bf_errors_add(errs,
                      _("%s:%d: a function assigns to '%s', a local variable of the script's top level; "
                        "its value would carry over from one household to the next (declare the "
                        "variable inside the function)"),
                      file, found.f->line[found.pc], name);
        rc = BF_ESCRIPT;
    }
    bf__bc_proto_free(&main);
    return rc;
}
