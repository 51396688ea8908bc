/* cli_review.c — `bangfu review`: recorded statuses against a stored run (数据比对). */
#include "bangfu.h"
#include "cli.h"
#include "review.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool bf_cli_parse_run_id(const char *cmd, const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (!text || errno || end == text || *end || v < 1) {
        bf_cli_usage_error(cmd, "--run must be a run id (a whole number from 1), got '%s'",
                           text ? text : "");
        return false;
    }
    *out = v;
    return true;
}

int bf_cli_resolve_run(const char *cmd, bf_store *store, int64_t wanted, bool completed_only,
                       bf_stored_run *run)
{
    int64_t id = wanted;
    int rc = id ? BF_OK : bf_store_run_latest_completed(store, &id);
    if (rc == BF_OK)
        rc = bf_store_run_get(store, id, run);
    if (rc != BF_OK) {
        fprintf(stderr, "bangfu %s: %s\n", cmd, bf_store_errmsg(store));
        return BF_EXIT_USAGE;
    }
    if (completed_only && strcmp(run->status, "completed") != 0 &&
        strcmp(run->status, "completed_with_errors") != 0) {
        fprintf(stderr, "bangfu %s: run %lld is %s, not completed: its decisions are not the "
                        "whole county\n", cmd, (long long)id, run->status);
        bf_stored_run_free(run);
        return BF_EXIT_USAGE;
    }
    return BF_EXIT_OK;
}

int bf_cmd_review(int argc, char **argv)
{
    const char *db = "bangfu.db", *v;
    int64_t run_id = 0;
    bf_review_format format = BF_REVIEW_TEXT;
    for (int i = 1; i < argc; i++) {
        if (bf_cli_opt(argc, argv, &i, "--db", &v)) {
            if (!(db = v))
                return BF_EXIT_USAGE;
        } else if (bf_cli_opt(argc, argv, &i, "--run", &v)) {
            if (!v || !bf_cli_parse_run_id("review", v, &run_id))
                return BF_EXIT_USAGE;
        } else if (bf_cli_opt(argc, argv, &i, "--format", &v)) {
            if (v && strcmp(v, "text") == 0)
                format = BF_REVIEW_TEXT;
            else if (v && strcmp(v, "json") == 0)
                format = BF_REVIEW_JSON;
            else if (v && strcmp(v, "csv") == 0)
                format = BF_REVIEW_CSV;
            else
                return bf_cli_usage_error("review", "--format is text, json or csv");
        } else {
            return bf_cli_usage_error("review", "unknown argument %s", argv[i]);
        }
    }
    char err[1024];
    bf_store *store;
    if (bf_store_open_existing(db, &store, err, sizeof err) != BF_OK) {
        fprintf(stderr, "bangfu review: %s\n", err);
        return BF_EXIT_USAGE;
    }
    bf_stored_run run;
    int status = bf_cli_resolve_run("review", store, run_id, true, &run);
    if (status == BF_EXIT_OK) {
        bf_review_counts counts;
        if (bf_review_write(store, &run, format, stdout, &counts, err, sizeof err) != BF_OK) {
            fprintf(stderr, "bangfu review: %s\n", err);
            status = BF_EXIT_USAGE;
        }
        bf_stored_run_free(&run);
    }
    bf_store_close(store);
    return status;
}
