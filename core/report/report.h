/* report.h — renderings of decisions for people and programs: one household (check) as JSON or
 * text, and the per-policy run summary. */
#ifndef BF_REPORT_H
#define BF_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "errors.h"
#include "buf.h"
#include "engine.h"
#include "household.h"

struct bf_override;
struct bf_override_effect;

/* A scenario as reports show it: a name ("" for none), the overrides as given, and per override
 * the value in force without it and whether it applies (effects; from bf_override_effects). */
typedef struct bf_sim_scenario {
    const char *name;
    const struct bf_override *sets;
    const struct bf_override_effect *effects;
    int n_sets;
} bf_sim_scenario;

/* One household's decisions as the JSON documented in README (check --format json): every
 * reported policy in evaluation order, members in record order; with explain, each decision
 * also carries "params" (parameters read, with their values) and "trace" (printed text). With
 * a scenario (--set; NULL or no sets: none) the figures are hypothetical: "scenario" holds per
 * parameter {"in_force", "value"}. */
void bf_report_household_json(bf_buf *out, const bf_engine *e, const bf_household *h,
                              bf_date date, const bf_result *r, bool explain,
                              const bf_sim_scenario *sc);
/* The same as readable text with the Chinese policy titles and reasons; a scenario is named in
 * the header as a what-if with each value in force → the value tried. */
void bf_report_household_text(FILE *out, const bf_engine *e, const bf_household *h, bf_date date,
                              const bf_result *r, bool explain, const bf_sim_scenario *sc);
/* Writes one decision's fields as JSON members (without braces) for exports. */
void bf__report_decision_fields(bf_buf *out, const bf_policy *p, const bf_household *h,
                               const bf_result *r, const bf_decision *d);

/* ---- simulate ---- */

struct bf_sim_result;

/* The simulation as JSON (issue 4's keys: date, scenario, policies, towns, changed). */
void bf_report_simulation_json(bf_buf *out, const bf_engine *e, const struct bf_sim_result *r,
                               bf_date date, const bf_sim_scenario *sc);
/* The same as readable tables with the Chinese policy titles. */
void bf_report_simulation_text(FILE *out, const bf_engine *e, const struct bf_sim_result *r,
                               bf_date date, const bf_sim_scenario *sc);
/* The same as one self-contained HTML page (tables; bar charts of baseline against scenario per
 * policy and per town; the changed decisions) written atomically to path; the numbers are the
 * JSON's. BF_OK, or an error with a message in errs. */
int bf_report_simulation_html(const char *path, const bf_engine *e,
                              const struct bf_sim_result *r, bf_date date,
                              const bf_sim_scenario *sc, bf_errors *errs);
/* The same report's content appended to a page already begun (the server's what-if result,
 * under its own title and menu). BF_OK or BF_ENOMEM. */
struct bf_html;
int bf_report_simulation_page(struct bf_html *page, const bf_engine *e,
                              const struct bf_sim_result *r, bf_date date,
                              const bf_sim_scenario *sc);
/* (Its CSV tables: bf_report_simulation_csv in whatif_report.h.) */

#endif
