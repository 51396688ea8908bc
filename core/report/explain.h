/* explain.h — check --explain: each parameter a decision read, with its title, the value read,
 * unit, the date from which that value is in force and its source; a policy's basis and
 * department. */
#ifndef BF_EXPLAIN_H
#define BF_EXPLAIN_H

#include <stdio.h>

#include "buf.h"
#include "date.h"
#include "engine.h"
#include "params.h"

/* Appends a JSON array of the parameters in params_read (the decision's {"name":value} object):
 * [{"name","title","value","unit","from","source"}]; "from" is null when the value read is not
 * the one in force on date (a --set value), and then "in_force" holds the value in force. */
void bf__explain_params_json(bf_buf *out, const bf_params *ps, bf_date date, const char *params_read);
/* Prints one line per parameter read, each starting with indent: title (name): value unit,
 * in force since date, source. */
void bf__explain_params_text(FILE *out, const char *indent, const bf_params *ps, bf_date date,
                            const char *params_read);
/* Appends ,"basis":…,"department":… of policy p (null when the script gives none). */
void bf__explain_policy_json(bf_buf *out, const bf_policy *p);
/* Prints the policy's basis and department on one line after indent, when it gives either. */
void bf__explain_policy_text(FILE *out, const char *indent, const bf_policy *p);

#endif
