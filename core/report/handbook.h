/* handbook.h — `bangfu doc`: the rules handbook, one self-contained HTML page generated from the
 * policy scripts, params.xml and areas.xml: each policy (title, basis, department, scope,
 * requires, the rule summary of its header comment, the parameters it reads), every parameter
 * with its dated values, the record fields, the towns and villages. */
#ifndef BF_HANDBOOK_H
#define BF_HANDBOOK_H

#include <stddef.h>

#include "errors.h"
#include "areas.h"
#include "date.h"
#include "engine.h"
#include "lint.h"
#include "params.h"

typedef struct bf_handbook {
    bf_date date;                    /* the values in force on it are marked */
    const bf_params *params;
    const bf_policy *policies;       /* evaluation order */
    int n_policies;
    const bf_lint_reads *reads;      /* the parameters each policy reads (static) */
    const bf_areas *areas;
} bf_handbook;

/* Writes the page to path (atomically), or to stdout when path is NULL. BF_OK, or an error code
 * with a message in errs. */
int bf_handbook_write(const bf_handbook *hb, const char *path, bf_errors *errs);
/* The header comment of a script: its leading "--" lines without the dashes, malloc'd. */
char *bf__script_summary(const char *src);

#endif
