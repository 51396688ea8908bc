/* runs_report.h — the runs over time as people and programs read them: bangfu runs, bangfu
 * history. */
#ifndef BF_RUNS_REPORT_H
#define BF_RUNS_REPORT_H

#include <stdio.h>

#include "buf.h"
#include "household_history.h"
#include "runlog.h"

/* Every run as JSON: {"runs": [{"run", "date", "status", "started", "ended", "households",
 * "evaluations", "errors", "jobs", "only", "policies": [{"policy", "title", "households",
 * "members", "amount", "errors"}], "amount", "since": null | {"run", "date_moved",
 * "scripts_changed": […], "parameters_changed": [{"name", "before", "after"}],
 * "households_added", "households_reimported"}}]} (households_* null when not known). */
void bf_report_runs_json(bf_buf *out, const bf_run_entry *runs, int n);
/* The same as text: one block per run, its totals per policy and what differs from the run
 * before. */
void bf_report_runs_text(FILE *out, const bf_run_entry *runs, int n);

/* Appends a text as a JSON string, or null for NULL. */
void bf__report_json_text(bf_buf *out, const char *s);
/* Appends ,"key": and then text s as bf__report_json_text does: one member after the first. */
void bf__report_json_field(bf_buf *out, const char *key, const char *s);
/* What differs between two runs as JSON object members (no braces): "date_moved",
 * "scripts_changed": […], "parameters_changed": [{"name", "before", "after"}],
 * "households_added", "households_reimported" (null when not known). */
void bf__report_run_changes_json(bf_buf *out, const bf_run_changes *c);
/* A household's history as JSON: {"household", "town", "village", "versions": [{"version",
 * "imported", "source", "changed": [{"member"?, "field", "old", "new"}] or null, "current"}],
 * "runs": [{"run", "date", "status", "version", "decisions": [{"policy", "title", "member",
 * "eligible", "amount", "tier", "error", "reasons", "changed"}]}]}. */
void bf_report_history_json(bf_buf *out, const bf_household_history *h);
/* The same as text: the versions with what each changed, then every run's decisions, those
 * that changed since the run before marked with '*'. */
void bf_report_history_text(FILE *out, const bf_household_history *h);

#endif
