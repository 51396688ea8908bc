/* cli_simulate.c — `bangfu simulate`: what if a standard changes, before it is adopted. */
#include "bangfu.h"
#include "cli.h"
#include "cli_eval.h"
#include "report.h"
#include "simulate.h"
#include "store.h"
#include "whatif_report.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = 1;
    signal(sig, SIG_DFL);
}

/* bangfu simulate: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_simulate(int argc, char **argv);
static const char *const simulate_usage[] = {
    N_("usage: bangfu simulate (--set NAME=VALUE... | --scenario FILE) [--db DB] [--date D]\n"
       "                       [--households worse|better|changed] [--limit N]\n"
       "                       [--format text|json|csv [--table T]] [--jobs N] [--only P,...]\n"
       "                       [--baseline-run N] [--report FILE.html]\n"
       "\n"
       "Evaluates every stored household twice on the same date: the baseline (parameters in\n"
       "force) and the scenario (with the changed values), and prints per policy: eligible\n"
       "households and members and the yearly amount before and after, the change, how many\n"
       "decisions gained or lost eligibility and how many amounts were raised or cut; the same\n"
       "per town; and the changed decisions (the first N, with the total). Gained, lost, raised\n"
       "and cut count in the policy's unit: households (户) or persons (人).\n"
       "\n"
       "Then who is affected, household by household: how many households are better off, worse\n"
       "off or unchanged in their total yearly amount (all policies, all members), in the county\n"
       "and per town; how many lose or gain 0-100, 100-500, 500-1000, 1000-5000 or more yuan; and\n"
       "the households themselves, worst first: town, village, total before and after, and each\n"
       "changed decision with its reasons before and after. A household that moves from one\n"
       "policy to another (低收入 to 低保) shows once, with its net change.\n"
       "To list the losers of a change:\n"
       "  bangfu simulate --set dibao.standard=610 --households worse --limit 0\n"
       "\n"
       "A policy is evaluated\n"
       "again only where it read a changed parameter or requires a policy whose decision\n"
       "changed for that household; the 're?' column says whether that happened. Nothing is\n"
       "written to the database.\n"
       "\n"
       "  --set NAME=VALUE   a changed parameter value (repeatable; see 'bangfu params'). A value\n"
       "                     outside the range params.xml declares for it (its kind: money and\n"
       "                     counts ≥ 0, ratios 0–1, ages 0–120, or its min/max), or a name given\n"
       "                     twice, is refused; a value that changes nothing is warned about\n"
       "  --scenario FILE    <scenario xmlns=\"urn:bangfu:scenario:1\" name=\"…\"> with\n"
       "                     <set param=\"dibao.standard\" value=\"610\" [from=\"YYYY-MM-DD\"]/>\n"
       "  --households WHICH the households listed: changed (default; worst first), worse (worst\n"
       "                     first) or better (the largest gain first)\n"
       "  --limit N          households and changed decisions listed (default 50; 0: all)\n"
       "  --format FMT       text (default); json (adds to the per-policy and per-town figures\n"
       "                     households_better, households_worse, households_unchanged, delta,\n"
       "                     town_totals, distribution and households: [{household, town, village,\n"
       "                     before, after, delta, changes: [{policy, member, before: {eligible,\n"
       "                     amount, tier, reasons}, after: {…}}]}], amounts in yuan); or csv\n"
       "  --table T          with csv, the one table written (UTF-8 with a byte-order mark):\n"
       "                     policies (default), towns, town-policies or households (a row per\n"
       "                     changed decision of each listed household)\n"
       "  --report FILE.html also write a self-contained HTML page: tables and bar charts of\n"
       "                     baseline against scenario per policy and per town, the households\n"
       "                     better and worse off per town, a chart of the per-household changes,\n"
       "                     the listed households with their changes and reasons\n"
       "  --baseline-run N   use stored run N as the baseline (same date, parameter values and\n"
       "                     policy files, no households imported since); 0 evaluates it.\n"
       "                     Default: the latest such run if any\n"),
    BF_CLI_DB_HELP,
    BF_CLI_EVAL_HELP,
    N_("  --jobs N           worker threads (default: the number of cores)\n"
       "\nExit status: 0 simulated, 1 evaluation errors or interrupted, 2 bad input or usage.\n"),
    NULL};
const bf_command bf_cli_simulate = {"simulate", cmd_simulate, N_("what if a standard changes: who gains, who loses, what it costs"), simulate_usage};

static int cmd_simulate(int argc, char **argv)
{
    bf_eval_opts o;
    bf__eval_opts_init(&o);
    const char *scenario_file = NULL, *format = "text", *report = NULL, *table = NULL;
    long limit = 50;
    bf_wi_select households = BF_WI_CHANGED;
    long long baseline_run = BF_BASELINE_AUTO;
    for (int i = 1; i < argc; i++) {
        int r = bf__eval_opts_parse("simulate", argc, argv, &i, &o);
        const char *v;
        if (r < 0)
            return BF_EXIT_USAGE;
        if (r > 0)
            continue;
        if (bf__cli_opt(argc, argv, &i, "--scenario", &v)) {
            if (!(scenario_file = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--report", &v)) {
            if (!(report = v) || !*report)
                return bf__cli_usage_error("simulate", _("--report needs a file name (FILE.html)"));
        } else if (bf__cli_opt(argc, argv, &i, "--format", &v)) {
            if (!v || (strcmp(v, "text") && strcmp(v, "json") && strcmp(v, "csv")))
                return bf__cli_usage_error("simulate", _("--format is text, json or csv"));
            format = v;
        } else if (bf__cli_opt(argc, argv, &i, "--baseline-run", &v)) {
            char *end;
            errno = 0;                                   /* a number past long long is no run id */
            baseline_run = v ? strtoll(v, &end, 10) : -1;
            if (!v || errno || *end || end == v || baseline_run < 0)
                return bf__cli_usage_error("simulate", _("--baseline-run takes a run id, or 0 to "
                                                      "evaluate the baseline"));
        } else if (bf__cli_opt(argc, argv, &i, "--limit", &v)) {
            if (v && strcmp(v, "0") == 0)
                limit = 0;                               /* list them all */
            else if (!bf__cli_parse_count("simulate", "--limit", v, 1000000, &limit))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--households", &v)) {
            if (v && strcmp(v, "changed") == 0)
                households = BF_WI_CHANGED;
            else if (v && strcmp(v, "worse") == 0)
                households = BF_WI_WORSE;
            else if (v && strcmp(v, "better") == 0)
                households = BF_WI_BETTER;
            else
                return bf__cli_usage_error("simulate", _("--households is worse, better or changed"));
        } else if (bf__cli_opt(argc, argv, &i, "--table", &v)) {
            if (!v || (strcmp(v, "policies") && strcmp(v, "towns") && strcmp(v, "town-policies") &&
                       strcmp(v, "households")))
                return bf__cli_usage_error("simulate", _("--table is policies, towns, town-policies "
                                                      "or households"));
            table = v;
        } else {
            return bf__cli_usage_error("simulate", _("unknown argument %s"), argv[i]);
        }
    }
    if (table && strcmp(format, "csv") != 0)
        return bf__cli_usage_error("simulate", _("--table goes with --format csv (one table per file)"));
    if (report && !bf__cli_report_folder_writable(report))
        return bf__cli_usage_error("simulate", _("--report %s: its folder is missing or not writable"),
                                  report);
    bf_scenario sc = {0};
    if (scenario_file) {
        bf_errors errs;
        bf_errors_init(&errs, 20);
        int rc = bf_scenario_load(scenario_file, &sc, &errs);
        bf__cli_print_errors("simulate", &errs);
        bf_errors_free(&errs);
        if (rc != BF_OK)
            return BF_EXIT_USAGE;
    }
    /* --set values join the scenario; the baseline is the parameters in force */
    bf_override sets[2 * BF_CLI_MAX_OVERRIDES];
    int n_sets = 0;
    for (int i = 0; i < sc.n_sets && n_sets < BF_CLI_MAX_OVERRIDES; i++)
        sets[n_sets++] = sc.sets[i];
    for (int i = 0; i < o.n_overrides; i++)
        sets[n_sets++] = o.overrides[i];
    o.n_overrides = 0;
    if (n_sets == 0) {
        bf_scenario_free(&sc);
        return bf__cli_usage_error("simulate", _("what should change? give --set NAME=VALUE or "
                                              "--scenario FILE"));
    }
    bf_store *store;
    if (!(store = bf__cli_open_store("simulate", o.db, bf_store_open_readonly))) {
        bf_scenario_free(&sc);
        return BF_EXIT_USAGE;
    }
    o.cancel = &interrupted;
    bf_eval_session s;
    int status = bf__eval_session_open("simulate", &o, BF_TEXT_NONE, false, sets, n_sets, &s);
    if (status != BF_EXIT_OK) {
        bf_store_close(store);
        bf_scenario_free(&sc);
        return status;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    bf_sim_result r;
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_sim_options so = {baseline_run, (int)limit, households, sets, n_sets, &interrupted};
    int rc = bf_simulate(store, s.engine, &s.sets[0], &s.sets[1], &so, &r, &errs);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    bf_sim_scenario shown = {sc.name ? sc.name : "", sets, r.effects, n_sets};
    if (rc == BF_OK) {
        for (int i = 0; i < r.warnings.count; i++)
            fprintf(stderr, _("bangfu simulate: warning: %s\n"), r.warnings.msgs[i]);
        if (strcmp(format, "json") == 0) {
            bf_buf out = {0};
            bf_report_simulation_json(&out, s.engine, &r, s.date, &shown);
            fputs(bf_buf_str(&out), stdout);
            bf_buf_free(&out);
        } else if (strcmp(format, "csv") == 0) {
            bf_report_simulation_csv(stdout, s.engine, &r, table ? table : "policies");
        } else {
            bf_report_simulation_text(stdout, s.engine, &r, s.date, &shown);
            if (r.baseline_run)
                printf(_("\nbaseline: stored run %lld (the same date, parameters and policy files)\n"),
                       (long long)r.baseline_run);
            if (r.baseline_run && r.evaluated < r.households)
                printf(_("evaluated again: the %lld households that read a changed parameter (of "
                         "%lld; the others are unaffected and keep the decisions of run %lld)\n"),
                       (long long)r.evaluated, (long long)r.households, (long long)r.baseline_run);
            else if (!r.baseline_run)
                printf(_("\nbaseline: evaluated by this command\n"));
        }
        if (report) {
            if (bf_report_simulation_html(report, s.engine, &r, s.date, &shown, &errs) == BF_OK) {
                fprintf(stderr, _("report: %s\n"), report);
            } else {                   /* errs was empty: bf_simulate succeeded */
                fprintf(stderr, _("bangfu simulate: the report was not written: %s\n"),
                        bf_errors_first(&errs));
                status = BF_EXIT_USAGE;
            }
        }
        int64_t errors = 0;
        for (int k = 0; k < r.n_policies; k++)
            errors += r.policies[k].errors;
        if (errors) {
            fprintf(stderr, P_("bangfu simulate: %lld evaluation error (see bangfu run)\n",
                               "bangfu simulate: %lld evaluation errors (see bangfu run)\n", errors),
                    (long long)errors);
            status = BF_EXIT_FAIL;
        }
    } else {
        bf__cli_print_errors("simulate", &errs);
        status = rc == BF_EINTERRUPTED ? BF_EXIT_FAIL : BF_EXIT_USAGE;
    }
    bf_errors_free(&errs);
    bf_sim_result_free(&r);
    bf__eval_session_close(&s);
    bf_store_close(store);
    bf_scenario_free(&sc);
    return status;
}
