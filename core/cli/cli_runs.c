/* cli_runs.c — the runs over time: `bangfu runs` (every stored run), `bangfu diff` (two runs
 * compared), `bangfu history` (one household's versions and decisions). */
#include "bangfu.h"
#include "cli.h"
#include "i18n.h"
#include "diff_report.h"
#include "runlog.h"
#include "runs_report.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

/* Parses --format text|json for cmd; false (and a message) for anything else. */
static bool parse_text_json(const char *cmd, const char *v, bool *json)
{
    if (v && (strcmp(v, "text") == 0 || strcmp(v, "json") == 0)) {
        *json = strcmp(v, "json") == 0;
        return true;
    }
    bf__cli_usage_error(cmd, _("--format is text or json"));
    (void)v;
    return false;
}

/* Writes a finished JSON buffer to stdout; false when it could not be built or written. */
static bool print_json(const char *cmd, bf_buf *b)
{
    if (b->oom) {
        fprintf(stderr, _("bangfu %s: out of memory\n"), cmd);
        return false;
    }
    if (fwrite(bf_buf_str(b), 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
        fprintf(stderr, _("bangfu %s: writing the output failed\n"), cmd);
        return false;
    }
    return true;
}

/* bangfu runs: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_runs(int argc, char **argv);
static const char *const runs_usage[] = {
    N_("usage: bangfu runs [--db DB] [--format text|json]\n"
       "\n"
       "Lists every stored run, oldest first: its id, evaluation date, status, when it started and\n"
       "ended, its households (and, for a re-run, how many it took over from which run), its\n"
       "totals per policy; and what differs from the\n"
       "run before it: the evaluation date, the files whose sha256 changed (policy scripts and\n"
       "params.xml), the parameter values that changed, and the households imported since (new,\n"
       "or imported again with changed fields).\n"
       "\n"),
    BF_CLI_DB_HELP,
    N_("  --format FMT       text (default) or json: {\"runs\": [{\"run\", \"date\", \"status\",\n"
       "                     \"started\", \"ended\", \"households\", \"evaluations\", \"errors\",\n"
       "                     \"jobs\", \"reused_from\", \"reused\", \"only\", \"policies\": [{\"policy\",\n"
       "                     \"title\", \"households\",\n"
       "                     \"members\", \"amount\", \"errors\"}], \"amount\", \"since\": null or\n"
       "                     {\"run\", \"date_moved\", \"scripts_changed\", \"parameters_changed\":\n"
       "                     [{\"name\", \"before\", \"after\"}], \"households_added\",\n"
       "                     \"households_reimported\"}}]} (amounts in yuan a year)\n"
       "\nExit status: 0 listed (also when there is no run), 2 no database, or usage.\n"),
    NULL};
const bf_command bf_cli_runs = {"runs", cmd_runs, N_("every stored run and what changed from the one before"), runs_usage};

/* The options runs and history share: --db, --format text|json and, when id is not NULL,
 * one household id. BF_EXIT_OK, or BF_EXIT_USAGE (reported). */
static int parse_db_format(const char *cmd, int argc, char **argv, const char **db, bool *json,
                           const char **id)
{
    const char *v;
    for (int i = 1; i < argc; i++) {
        if (bf__cli_opt(argc, argv, &i, "--db", &v)) {
            if (!(*db = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--format", &v)) {
            if (!parse_text_json(cmd, v, json))
                return BF_EXIT_USAGE;
        } else if (id && argv[i][0] != '-' && !*id) {
            *id = argv[i];
        } else {
            return bf__cli_usage_error(cmd, _("unknown argument %s"), argv[i]);
        }
    }
    return BF_EXIT_OK;
}

static int cmd_runs(int argc, char **argv)
{
    const char *db = "bangfu.db";
    bool json = false;
    if (parse_db_format("runs", argc, argv, &db, &json, NULL) != BF_EXIT_OK)
        return BF_EXIT_USAGE;
    bf_store *store;
    if (!(store = bf__cli_open_store("runs", db, bf_store_open_existing)))
        return BF_EXIT_USAGE;
    bf_run_entry *runs;
    int n, status = BF_EXIT_OK;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    if (bf_runlog_list(store, &runs, &n, &errs) != BF_OK) {
        bf__cli_print_errors("runs", &errs);
        bf_errors_free(&errs);
        bf_store_close(store);
        return BF_EXIT_USAGE;
    }
    if (json) {
        bf_buf b = {0};
        bf_report_runs_json(&b, runs, n);
        if (!print_json("runs", &b))
            status = BF_EXIT_USAGE;
        bf_buf_free(&b);
    } else {
        bf_report_runs_text(stdout, runs, n);
    }
    bf_runlog_free(runs, n);
    bf_store_close(store);
    return status;
}

/* bangfu diff: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_diff(int argc, char **argv);
static const char *const diff_usage[] = {
    N_("usage: bangfu diff A B [--db DB] [--format text|json|csv] [--table T] [--report FILE.html]\n"
       "\n"
       "Compares the decisions of stored run A with those of run B (both completed; usually last\n"
       "month's and this month's). Per policy and per town: the decisions that entered (not\n"
       "eligible in A, eligible in B), left, were raised or cut (a higher or lower amount), other\n"
       "changes (tier, errors), and the change in the yearly amount. Then every household with a\n"
       "changed decision: each decision before → after, and the causes the store can name:\n"
       "  record      the household was imported again with changed fields (each field old → new)\n"
       "  parameter   a parameter it read has another value (the runs' record of who read what)\n"
       "  script      the policy script of a changed decision has another sha256\n"
       "  date        only the evaluation date moved (an age crossed, a value took effect)\n"
       "  unknown     none of these (a file of policies/lib or a plugin may have changed)\n"
       "A decision a run did not store is not eligible (runs store eligible decisions, errors,\n"
       "and those of the policies a household's records name).\n"
       "\n"),
    BF_CLI_DB_HELP,
    N_("  --format FMT       text (default); json {\"from\", \"to\", \"policies\": [{\"policy\",\n"
       "                     \"entered\", \"left\", \"raised\", \"cut\", \"delta\", …}], \"towns\",\n"
       "                     \"households\": [{\"household\", \"town\", \"village\", \"causes\",\n"
       "                     \"changes\": [{\"policy\", \"member\", \"before\": {\"eligible\",\n"
       "                     \"amount\", \"tier\"}, \"after\": {…}}]}]}; or csv (UTF-8 with a BOM)\n"
       "  --table T          for csv: households (default; one row per changed decision),\n"
       "                     policies or towns\n"
       "  --report FILE      also write the monthly change report: one HTML page with tables and\n"
       "                     charts per policy and town, then the households\n"
       "\nExit status: 0 compared, 2 no such run, a run not completed, or usage.\n"),
    NULL};
const bf_command bf_cli_diff = {"diff", cmd_diff, N_("two runs compared: who entered, left, was raised or cut, and why"), diff_usage};

/* Parses the diff options into its fields; BF_EXIT_OK or BF_EXIT_USAGE (reported). */
typedef struct diff_options {
    const char *db, *report;
    int64_t runs[2];
    int n_runs;
    enum { DIFF_TEXT, DIFF_JSON, DIFF_CSV } format;
    bf_diff_table table;
} diff_options;

static int parse_diff_format(const char *v, diff_options *o)
{
    if (v && strcmp(v, "text") == 0)
        o->format = DIFF_TEXT;
    else if (v && strcmp(v, "json") == 0)
        o->format = DIFF_JSON;
    else if (v && strcmp(v, "csv") == 0)
        o->format = DIFF_CSV;
    else
        return bf__cli_usage_error("diff", _("--format is text, json or csv, got '%s'"), v ? v : "");
    return BF_EXIT_OK;
}

static int parse_diff_table(const char *v, diff_options *o)
{
    if (v && strcmp(v, "households") == 0)
        o->table = BF_DIFF_TABLE_HOUSEHOLDS;
    else if (v && strcmp(v, "policies") == 0)
        o->table = BF_DIFF_TABLE_POLICIES;
    else if (v && strcmp(v, "towns") == 0)
        o->table = BF_DIFF_TABLE_TOWNS;
    else
        return bf__cli_usage_error("diff", _("--table is households, policies or towns, got '%s'"),
                                  v ? v : "");
    return BF_EXIT_OK;
}

static int parse_diff(int argc, char **argv, diff_options *o)
{
    const char *v;
    for (int i = 1; i < argc; i++) {
        int rc = BF_EXIT_OK;
        if (bf__cli_opt(argc, argv, &i, "--db", &v)) {
            if (!(o->db = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--format", &v)) {
            rc = parse_diff_format(v, o);
        } else if (bf__cli_opt(argc, argv, &i, "--table", &v)) {
            rc = parse_diff_table(v, o);
        } else if (bf__cli_opt(argc, argv, &i, "--report", &v)) {
            if (!(o->report = v))
                return BF_EXIT_USAGE;
        } else if (argv[i][0] != '-' && o->n_runs < 2) {
            if (!bf__cli_parse_run_id("diff", argv[i], &o->runs[o->n_runs++]))
                return BF_EXIT_USAGE;
        } else {
            return bf__cli_usage_error("diff", _("unknown argument %s"), argv[i]);
        }
        if (rc != BF_EXIT_OK)
            return rc;
    }
    if (o->n_runs != 2)
        return bf__cli_usage_error("diff", _("give the two runs to compare (bangfu runs lists them)"));
    if (o->report && !bf__cli_report_folder_writable(o->report))
        return bf__cli_usage_error("diff", _("cannot write the report %s: its folder is missing "
                                            "or not writable"), o->report);
    return BF_EXIT_OK;
}

/* Writes the diff in the chosen format to stdout, and the report when asked. */
static int write_diff(const diff_options *o, const bf_run_diff *d)
{
    int status = BF_EXIT_OK;
    if (o->format == DIFF_JSON) {
        bf_buf b = {0};
        bf_report_diff_json(&b, d);
        if (!print_json("diff", &b))
            status = BF_EXIT_USAGE;
        bf_buf_free(&b);
    } else if (o->format == DIFF_CSV) {
        bf_report_diff_csv(stdout, d, o->table);
    } else {
        bf_report_diff_text(stdout, d);
    }
    bf_errors errs;
    bf_errors_init(&errs, 20);
    if (o->report && bf_report_diff_html(o->report, d, &errs) != BF_OK) {
        bf__cli_print_errors("diff", &errs);
        status = BF_EXIT_USAGE;
    }
    bf_errors_free(&errs);
    if (fflush(stdout) != 0) {
        fprintf(stderr, _("bangfu %s: writing the output failed\n"), "diff");
        status = BF_EXIT_USAGE;
    }
    return status;
}

static int cmd_diff(int argc, char **argv)
{
    diff_options o = {.db = "bangfu.db"};
    int status = parse_diff(argc, argv, &o);
    if (status != BF_EXIT_OK)
        return status;
    bf_store *store;
    if (!(store = bf__cli_open_store("diff", o.db, bf_store_open_readonly)))
        return BF_EXIT_USAGE;
    bf_run_diff d;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    if (bf_run_diff_compute(store, o.runs[0], o.runs[1], &d, &errs) != BF_OK) {
        bf__cli_print_errors("diff", &errs);
        bf_errors_free(&errs);
        bf_store_close(store);
        return BF_EXIT_USAGE;
    }
    status = write_diff(&o, &d);
    bf_run_diff_free(&d);
    bf_store_close(store);
    return status;
}

/* bangfu history: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_history(int argc, char **argv);
static const char *const history_usage[] = {
    N_("usage: bangfu history ID [--db DB] [--format text|json]\n"
       "\n"
       "Shows household ID over time: each version of its record (when it was imported, from\n"
       "which file, which fields changed, old → new), then its decisions in every completed run\n"
       "with the version that run read; a decision that differs from the run before is marked\n"
       "'*' (text) or \"changed\": true (json). A decision a run did not store is not eligible.\n"
       "\n"),
    BF_CLI_DB_HELP,
    N_("  --format FMT       text (default) or json: {\"household\", \"town\", \"village\",\n"
       "                     \"versions\": [{\"version\", \"imported\", \"source\", \"changed\",\n"
       "                     \"current\"}], \"runs\": [{\"run\", \"date\", \"status\", \"version\",\n"
       "                     \"decisions\": [{\"policy\", \"title\", \"member\", \"eligible\",\n"
       "                     \"amount\", \"tier\", \"error\", \"reasons\", \"changed\"}]}]}\n"
       "\nExit status: 0 shown, 2 no such household (now or in any run), or usage.\n"),
    NULL};
const bf_command bf_cli_history = {"history", cmd_history, N_("one household over time: its versions and its decisions in every run"), history_usage};

static int cmd_history(int argc, char **argv)
{
    const char *db = "bangfu.db", *id = NULL;
    bool json = false;
    if (parse_db_format("history", argc, argv, &db, &json, &id) != BF_EXIT_OK)
        return BF_EXIT_USAGE;
    if (!id)
        return bf__cli_usage_error("history", _("give the id of a household"));
    bf_store *store;
    if (!(store = bf__cli_open_store("history", db, bf_store_open_readonly)))
        return BF_EXIT_USAGE;
    bf_household_history h;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    if (bf_household_history_load(store, id, &h, &errs) != BF_OK) {
        bf__cli_print_errors("history", &errs);
        bf_errors_free(&errs);
        bf_store_close(store);
        return BF_EXIT_USAGE;
    }
    int status = BF_EXIT_OK;
    if (json) {
        bf_buf b = {0};
        bf_report_history_json(&b, &h);
        if (!print_json("history", &b))
            status = BF_EXIT_USAGE;
        bf_buf_free(&b);
    } else {
        bf_report_history_text(stdout, &h);
    }
    bf_household_history_free(&h);
    bf_store_close(store);
    return status;
}
