/* params_report.h — the parameters in force on a date as programs read them (bangfu params
 * --format json, and the server's /api/params). */
#ifndef BF_PARAMS_REPORT_H
#define BF_PARAMS_REPORT_H

#include "buf.h"
#include "params.h"

/* The index of p's value in force on date (-1: none), with its from date ("" when none) and its
 * declared range as text: what both renderings of a parameter show. */
int bf_report_param_in_force(const bf_param *p, bf_date date, char from[BF_DATE_STRLEN],
                             char range[128]);
/* {"date", "parameters": [{"name", "value", "from", "unit", "title", "source", "kind",
 * "range"}]} and a newline: every parameter of ps in file order, value and from null when none
 * is in force on date. */
void bf_report_params_json(bf_buf *out, const bf_params *ps, bf_date date);

#endif
