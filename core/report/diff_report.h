/* diff_report.h — two runs compared (bangfu diff) for people and programs: JSON, text, CSV and
 * the HTML monthly change report, all rendering one bf_run_diff. */
#ifndef BF_DIFF_REPORT_H
#define BF_DIFF_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "errors.h"
#include "buf.h"
#include "rundiff.h"

/* {"from", "to", "from_date", "to_date", "scripts_changed", "parameters_changed", "policies":
 * [{"policy", "title", "entered", "left", "raised", "cut", "other", "before", "after",
 * "delta"}], "towns": [{"town", …}], "county": {…}, "households": [{"household", "town",
 * "village", "causes": [{"cause", …}], "changes": [{"policy", "title", "member", "before":
 * {"eligible", "amount", "tier", "error", "reasons"}, "after": {…}}]}]} (amounts in yuan). */
void bf_report_diff_json(bf_buf *out, const bf_run_diff *d);
/* The same as text: the tables per policy and town, then each household with its causes (in
 * Chinese) and its changed decisions before → after. */
void bf_report_diff_text(FILE *out, const bf_run_diff *d);

typedef enum { BF_DIFF_TABLE_HOUSEHOLDS, BF_DIFF_TABLE_POLICIES, BF_DIFF_TABLE_TOWNS } bf_diff_table;
/* One table as CSV (UTF-8 with a byte-order mark, RFC 4180): households (one row per changed
 * decision, with its household's causes), policies or towns. */
void bf_report_diff_csv(FILE *out, const bf_run_diff *d, bf_diff_table table);
/* The monthly change report: one self-contained HTML page (tables and bar charts per policy and
 * per town, then every household's changed decisions with causes), written atomically to path.
 * BF_OK, or an error with a message in errs. */
int bf_report_diff_html(const char *path, const bf_run_diff *d, bf_errors *errs);

#endif
