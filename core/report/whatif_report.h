/* whatif_report.h — the parts of simulate's renderings that show the household view (who is
 * better and worse off, per town, and why); report.c calls them inside its own renderings. */
#ifndef BF_WHATIF_REPORT_H
#define BF_WHATIF_REPORT_H

#include <stdio.h>

#include "buf.h"
#include "engine.h"
#include "html.h"
#include "simulate.h"

/* "households" for a household-scope policy, "persons" for a member-scope one: the unit its
 * gained, lost, raised and cut count in. */
const char *bf__wi_unit(const bf_policy *p);
/* The same in the user's language (户 or 人 in Chinese). */
const char *bf__wi_unit_words(const bf_policy *p);

/* JSON members (each after a comma) for one towns entry: unit, the town's households better
 * and worse off from this policy, gained, lost, raised, cut. */
void bf__wi_json_town_policy(bf_buf *out, const bf_policy *p, const bf_wi_counts *c);
/* One side of a changed decision as the JSON member "key":{"eligible","amount","tier",
 * "tier_label"[,"reasons"]}: tier NULL or "" is none (null); reasons, a JSON list, only when not
 * NULL. simulate's changed decisions and the household view's share it. */
void bf__wi_json_side(bf_buf *out, const char *key, bool eligible, bf_fen amount,
                      const char *tier, const bf_policy *p, const char *reasons);
/* The top-level JSON members of the household view, each after a comma: households_better,
 * households_worse, households_unchanged, delta, town_totals, distribution, households. */
void bf__wi_json(bf_buf *out, const bf_engine *e, const bf_sim_result *r);
/* The text sections: per town, per town and policy where something changed, the distribution,
 * and the listed households with their changed decisions and reasons. */
void bf__wi_text(FILE *out, const bf_engine *e, const bf_sim_result *r);
/* The HTML sections: the per-town table, the chart of the distribution of per-household
 * changes, the listed households with their changes and reasons. */
int bf__wi_html(bf_html *page, const bf_engine *e, const bf_sim_result *r);

/* CSV, UTF-8 with a byte-order mark, one table: "policies" (one row per policy), "towns" (one
 * row per town: households better, worse off, unchanged, amounts), "town-policies" (one row per
 * town and policy) or "households" (one row per changed decision of each listed household). */
void bf_report_simulation_csv(FILE *out, const bf_engine *e, const bf_sim_result *r,
                              const char *table);

#endif
