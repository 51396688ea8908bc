/* cli_run.c — `bangfu run`: evaluate every stored household and keep an auditable record. */
#include "bangfu.h"
#include "cli.h"
#include "cli_eval.h"
#include "export.h"
#include "rerun.h"
#include "run.h"
#include "store.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = 1;
    signal(sig, SIG_DFL);            /* a second signal stops at once */
}

/* One row of the per-policy table: the columns as the heading lays them out. */
static void print_row(const char *policy, const char *households, const char *members,
                      const char *amount, const char *errors, const char *title)
{
    bf_fput_cell(stdout, policy, 20, false);
    putchar(' ');
    bf_fput_cell(stdout, households, 12, true);
    putchar(' ');
    bf_fput_cell(stdout, members, 10, true);
    putchar(' ');
    bf_fput_cell(stdout, amount, 20, true);
    putchar(' ');
    bf_fput_cell(stdout, errors, 8, true);
    printf("%s%s\n", *title ? "  " : "", title);
}

static void print_summary(const bf_run_summary *s, const bf_engine *e, const char *date, int jobs)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    printf(_("run %1$lld · date %2$s · %3$lld households · jobs %4$d · %5$.2f s (%6$.0f households/s)\n\n"),
           (long long)s->run_id, date, (long long)s->households, jobs, s->seconds,
           s->seconds > 0 ? (double)s->households / s->seconds : 0.0);
    /* TRANSLATORS: the headings of run's per-policy table */
    print_row(_("policy"), _("households"), _("members"), _("yuan/year"), _("errors"), _("title"));
    bf_fen total = 0;
    bool total_fits = true;
    int64_t errors = 0;
    for (int k = 0; k < n; k++) {
        if (!pol[k].reported)
            continue;
        const bf_totals *t = &s->per_policy[k];
        char amount[BF_MONEY_STRLEN], hh[24], mm[24], ee[24];
        if (t->overflow)
            snprintf(amount, sizeof amount, "—");    /* no total: the run failed saying why */
        else
            bf_money_format(t->amount, amount);
        snprintf(hh, sizeof hh, "%lld", (long long)t->households);
        snprintf(mm, sizeof mm, "%lld", (long long)t->members);
        snprintf(ee, sizeof ee, "%lld", (long long)t->errors);
        print_row(pol[k].id, hh, mm, amount, ee, pol[k].title);
        total_fits = total_fits && !t->overflow && bf_fen_add(&total, t->amount);
        errors += t->errors;
    }
    char amount[BF_MONEY_STRLEN], ee[24];
    if (total_fits)
        bf_money_format(total, amount);
    else
        snprintf(amount, sizeof amount, "—");
    snprintf(ee, sizeof ee, "%lld", (long long)errors);
    print_row(_("total"), "", "", amount, ee, "");
    printf(_("\nstatus: %s\n"), bf_run_status_label(s->status));
    if (s->errors) {
        fprintf(stderr, P_("bangfu run: %lld evaluation error; the first:\n",
                           "bangfu run: %lld evaluation errors; the first:\n", s->errors),
                (long long)s->errors);
        for (int i = 0; i < s->first_errors.count; i++)
            fprintf(stderr, "  %s\n", s->first_errors.msgs[i]);
    }
}

/* Writes the HTML report of the stored run; BF_EXIT_OK or BF_EXIT_USAGE (printed). */
static int write_report(bf_store *store, int64_t run_id, const char *path)
{
    bf_stored_run run;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    int rc = bf_store_run_get(store, run_id, &run, &errs);
    if (rc == BF_OK)
        rc = bf_export_report_html(store, &run, path, &errs);
    if (rc == BF_OK)
        printf(_("report: %s\n"), path);
    else
        fprintf(stderr, _("bangfu run: the report was not written: %s\n"), bf_errors_first(&errs));
    bf_errors_free(&errs);
    bf_stored_run_free(&run);
    return rc == BF_OK ? BF_EXIT_OK : BF_EXIT_USAGE;
}

/* bangfu run: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_run(int argc, char **argv);
static const char *const run_usage[] = {
    N_("usage: bangfu run [--db DB] [--date D] [--only P,...] [--jobs N] [--store-all] [--full]\n"
       "                  [--report FILE.html]\n"
       "\n"
       "Evaluates every policy for every stored household on N worker threads and stores a run:\n"
       "its id, start and end, evaluation date, the sha256 of every policy file and of\n"
       "params.xml, the parameter values in force, its status and counts, and the decisions\n"
       "(every eligible one and every error; with --store-all the ineligible ones too). Then\n"
       "prints per policy: households and members eligible, the yearly amount, errors.\n"
       "A run stopped by Ctrl-C or SIGTERM is marked interrupted and keeps what it stored;\n"
       "a run whose process died (a second Ctrl-C, SIGKILL, power loss) is shown as\n"
       "'abandoned' from then on, never as running or completed.\n"
       "\n"),
    N_("A run takes over the decisions of the latest completed run (of every policy) for each\n"
       "household that cannot have changed since: its record is the version that run read, no\n"
       "parameter it read has another value, no script has another sha256, and the date leaves\n"
       "its members' ages the same (a script that reads ctx.date makes a new date evaluate\n"
       "everyone). It evaluates and stores the others only, so the database grows with what\n"
       "changed; its totals, tally and decisions read back are those of a full run. It says how\n"
       "many households it took over and how many it evaluated.\n"
       "\n"),
    BF_CLI_DB_HELP,
    BF_CLI_EVAL_HELP,
    N_("  --only P,...       only these policies (and the ones they require)\n"
       "  --jobs N           worker threads (default: the number of cores); results are the same\n"
       "  --store-all        also store the decisions that are not eligible\n"
       "  --full             evaluate every household (take nothing over)\n"
       "  --report FILE.html also write a self-contained HTML report of the stored run: per\n"
       "                     policy and per town, tables and bar charts (inline SVG, no scripts)\n"
       "\nExit status: 0 all decisions made, 1 some evaluation failed or interrupted, 2 bad input.\n"),
    NULL};
const bf_command bf_cli_run = {"run", cmd_run, N_("evaluate every household, store the decisions and an audit record"), run_usage};

static int cmd_run(int argc, char **argv)
{
    bf_eval_opts o;
    bf__eval_opts_init(&o);
    bool store_all = false, full = false;
    const char *report = NULL, *v;
    for (int i = 1; i < argc; i++) {
        int r = bf__eval_opts_parse("run", argc, argv, &i, &o);
        if (r < 0)
            return BF_EXIT_USAGE;
        if (r > 0)
            continue;
        if (bf__cli_opt(argc, argv, &i, "--report", &v)) {
            if (!(report = v) || !*report)
                return bf__cli_usage_error("run", _("--report needs a file name (FILE.html)"));
        } else if (bf__cli_flag(argv[i], "--store-all"))
            store_all = true;
        else if (bf__cli_flag(argv[i], "--full"))
            full = true;
        else
            return bf__cli_usage_error("run", _("unknown argument %s"), argv[i]);
    }
    if (o.n_overrides)
        return bf__cli_usage_error("run", _("--set is for check and simulate: a run records the "
                                           "parameters in force"));
    if (report && !bf__cli_report_folder_writable(report))
        return bf__cli_usage_error("run", _("--report %s: its folder is missing or not writable"),
                                  report);
    bf_store *store;
    if (!(store = bf__cli_open_store("run", o.db, bf_store_open_existing)))
        return BF_EXIT_USAGE;
    bf__cli_wait_for_writers(store, "run");
    o.cancel = &interrupted;
    o.track_reads = true;            /* for the run's tally (tally.h) */
    bf_eval_session s;
    int status = bf__eval_session_open("run", &o, store_all ? BF_TEXT_ALL : BF_TEXT_ELIGIBLE, false,
                                      NULL, 0, &s);
    if (status != BF_EXIT_OK) {
        bf_store_close(store);
        return status;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    bf_run_options opt = {store_all, o.only, 0, &interrupted};
    bf_run_summary sum = {0};
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_rerun_plan plan = {0};
    int64_t evaluated = 0;
    int rc = full || o.only ? BF_OK
           : bf_rerun_plan_make(store, s.engine, &s.sets[0], store_all, &plan, &errs);
    if (rc == BF_OK && plan.base)
        rc = bf_rerun_execute(store, s.engine, &s.sets[0], &opt, &plan, &sum, &evaluated, &errs);
    else if (rc == BF_OK)
        rc = bf_run_execute(store, s.engine, &s.sets[0], &opt, &sum, &errs);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    char date[BF_DATE_STRLEN];
    bf_date_format(s.date, date);
    if (sum.run_id)
        print_summary(&sum, s.engine, date, bf_engine_jobs(s.engine));
    if (sum.run_id && plan.base)
        printf(_("took over the decisions of %lld households from run %lld (unchanged since); "
                 "evaluated %lld\n"), (long long)(sum.households - evaluated), (long long)plan.base,
               (long long)evaluated);
    else if (sum.run_id && !full && !o.only)
        printf(_("evaluated every household: %s\n"), plan.why);
    bf_rerun_plan_free(&plan);
    bf__cli_print_errors("run", &errs);
    if (report && sum.run_id && write_report(store, sum.run_id, report) != BF_EXIT_OK)
        status = BF_EXIT_USAGE;
    if (rc != BF_OK)
        status = BF_EXIT_USAGE;
    else if (sum.errors || strcmp(sum.status, "interrupted") == 0)
        status = BF_EXIT_FAIL;
    if (interrupted)
        fprintf(stderr, _("bangfu run: interrupted; run %1$lld keeps the %2$lld households "
                          "evaluated so far and is marked interrupted.\n"),
                (long long)sum.run_id, (long long)sum.households);
    bf_errors_free(&errs);
    bf_run_summary_free(&sum);
    bf__eval_session_close(&s);
    bf_store_close(store);
    return status;
}
