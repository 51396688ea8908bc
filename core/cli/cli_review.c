/* cli_review.c — `bangfu review`: recorded statuses against a stored run (数据比对). */
#include "bangfu.h"
#include "cli.h"
#include "review_report.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool bf__cli_parse_run_id(const char *cmd, const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (!text || errno || end == text || *end || v < 1) {
        bf__cli_usage_error(cmd, _("--run must be a run id (a whole number from 1), got '%s'"),
                           text ? text : "");
        return false;
    }
    *out = v;
    return true;
}

int bf__cli_resolve_run(const char *cmd, bf_store *store, int64_t wanted, bool completed_only,
                       bf_stored_run *run)
{
    int64_t id = wanted;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    int rc = id ? BF_OK : bf_store_run_latest_completed(store, &id, &errs);
    if (rc == BF_OK)
        rc = bf_store_run_get(store, id, run, &errs);
    if (rc != BF_OK) {
        bf__cli_print_errors(cmd, &errs);
        bf_errors_free(&errs);
        return BF_EXIT_USAGE;
    }
    if (completed_only && strcmp(run->status, "completed") != 0 &&
        strcmp(run->status, "completed_with_errors") != 0) {
        fprintf(stderr, _("bangfu %s: run %lld is %s, not completed: its decisions are not the "
                        "whole county\n"), cmd, (long long)id, run->status);
        bf_stored_run_free(run);
        return BF_EXIT_USAGE;
    }
    return BF_EXIT_OK;
}

/* bangfu review: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_review(int argc, char **argv);
static const char *const review_usage[] = {
    N_("usage: bangfu review [--db DB] [--run N] [--format text|json|csv]\n"
       "\n"
       "Compares what each household's records say (its `recorded` policies and `monitor`\n"
       "status) with the decisions of a stored run (数据比对) and lists, with household\n"
       "id, town, village, policy, member and the stored reasons:\n"
       "  recorded_not_eligible   a recorded policy none of whose decisions is eligible now\n"
       "  eligible_not_recorded   dibao or tekun eligible but not recorded (possible omission, 漏保)\n"
       "  monitoring_candidate    monitoring tier alert on a household with monitor = none\n"
       "  unknown_policy          a recorded policy id the run does not have\n"
       "  evaluation_error        a recorded policy whose evaluation failed (never eligible)\n"
       "Text has Chinese headings, one section per kind and the counts at the end.\n"
       "\n"),
    BF_CLI_DB_HELP,
    N_("  --run N            the run to compare (default: the latest completed run); it must\n"
       "                     have completed, or its decisions would not cover every household\n"
       "  --format FMT       text (default); json {\"run\", \"date\", \"findings\": [{\"household\",\n"
       "                     \"town\", \"village\", \"kind\", \"policy\", \"policy_title\", \"member\",\n"
       "                     \"reasons\"}], \"households\", \"counts\"}; or csv (RFC 4180, UTF-8 with\n"
       "                     a byte-order mark so Excel shows Chinese: household,town,village,kind,\n"
       "                     policy,policy_title,member,reason, the reasons joined by '；')\n"
       "\nExit status: 0 reviewed (findings are not errors), 2 no such run, bad input or usage.\n"),
    NULL};
const bf_command bf_cli_review = {"review", cmd_review, N_("recorded statuses against a run's decisions (数据比对)"), review_usage};

static int cmd_review(int argc, char **argv)
{
    const char *db = "bangfu.db", *v;
    int64_t run_id = 0;
    bf_review_format format = BF_REVIEW_TEXT;
    for (int i = 1; i < argc; i++) {
        if (bf__cli_opt(argc, argv, &i, "--db", &v)) {
            if (!(db = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--run", &v)) {
            if (!v || !bf__cli_parse_run_id("review", v, &run_id))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--format", &v)) {
            if (v && strcmp(v, "text") == 0)
                format = BF_REVIEW_TEXT;
            else if (v && strcmp(v, "json") == 0)
                format = BF_REVIEW_JSON;
            else if (v && strcmp(v, "csv") == 0)
                format = BF_REVIEW_CSV;
            else
                return bf__cli_usage_error("review", _("--format is text, json or csv"));
        } else {
            return bf__cli_usage_error("review", _("unknown argument %s"), argv[i]);
        }
    }
    bf_store *store;
    if (!(store = bf__cli_open_store("review", db, bf_store_open_readonly)))
        return BF_EXIT_USAGE;
    bf_stored_run run;
    int status = bf__cli_resolve_run("review", store, run_id, true, &run);
    if (status == BF_EXIT_OK) {
        bf_review_counts counts;
        bf_errors errs;
        bf_errors_init(&errs, 20);
        if (bf_review_write(store, &run, format, stdout, &counts, &errs) != BF_OK) {
            bf__cli_print_errors("review", &errs);
            status = BF_EXIT_USAGE;
        }
        bf_errors_free(&errs);
        bf_stored_run_free(&run);
    }
    bf_store_close(store);
    return status;
}
