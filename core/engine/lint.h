/* lint.h — what `bangfu lint` checks without a database and without evaluating anything:
 * params.xml beyond its schema, and (lint_scripts.c) every policy script's reads of records,
 * parameters, decisions, modules and globals, from its compiled form. */
#ifndef BF_LINT_H
#define BF_LINT_H

#include <stdbool.h>

#include "errors.h"
#include "params.h"

struct bf_lua_module;

/* Checks every parameter: a title, unit and source that are not blank, every dated value
 * within the declared range (errors, "params.xml:LINE: message" in problems), and a value
 * higher than the one that follows it, so that the later date cuts it (warnings, naming both
 * values). Returns the number of problems. */
int bf_lint_params(const bf_params *ps, bf_errors *problems, bf_errors *warnings);

/* Checks every policy script (DIR/NAME.lua) and lib module (DIR/lib/NAME.lua) from its
 * compiled form, without evaluating anything: reads of household and member fields (also
 * through ipairs(h.members), h.members[i] and locals), parameter paths (also through local
 * aliases), ctx fields, ctx.decision("id") (an existing policy, in the script's requires),
 * require "x" (a lib module, a plugin module or money), globals and library fields (only what
 * the sandbox offers), assignments to globals and records, and comparisons of an enum field with
 * a text it never holds. Each problem is "file:line: message" with the nearest valid name
 * ("did you mean 'medical'?") or the valid ones; a file's problems in line order. modules: the
 * plugins' Lua modules ({NULL, NULL} terminated, may be NULL). Returns the number of problems. */
int bf_lint_scripts(const char *dir, const bf_params *params, const struct bf_lua_module *modules,
                    bf_errors *problems);

/* The parameters each policy script reads, found statically: directly, or through a lib module's
 * function that the script passes p to. read[i * n_params + k]: policy i (file order, id
 * policies[i]) reads parameter k. */
typedef struct bf_lint_reads {
    char **policies;
    int n, n_params;
    bool *read;
} bf_lint_reads;

/* Fills out for the scripts of dir; BF_OK or BF_ENOMEM. Free with bf_lint_reads_free. */
int bf_lint_param_reads(const char *dir, const bf_params *params,
                        const struct bf_lua_module *modules, bf_lint_reads *out);
/* Frees what bf_lint_param_reads allocated. */
void bf_lint_reads_free(bf_lint_reads *r);

#endif
