/* baseline.c — finding the stored run that can serve as a simulation's baseline, and reading
 * its decisions lean. */
#include "internal.h"
#include "i18n.h"
#include "bangfu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns that make a run a valid baseline: same date, values, files, all policies, finished. */
#define BASELINE_WHERE "eval_date = ?1 AND parameters = ?2 AND file_hashes = ?3 " \
    "AND only_policies IS NULL AND status IN ('completed', 'completed_with_errors') " \
    "AND households_version = " HOUSEHOLDS_VERSION

int bf_store_find_baseline(bf_store *s, const char *eval_date, const char *parameters,
                           const char *file_hashes, int64_t *run_id, bf_errors *errs)
{
    *run_id = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT max(id) FROM runs WHERE " BASELINE_WHERE, -1, &st,
                           NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "looking for a baseline run", errs);
    int rc = bf__store_bind_opt(st, 1, eval_date) | bf__store_bind_opt(st, 2, parameters) | bf__store_bind_opt(st, 3, file_hashes);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        *run_id = sqlite3_column_int64(st, 0);
    else
        rc = SQLITE_ERROR;
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? BF_OK : bf__store_fail(s, BF_ESTORE, "looking for a baseline run",
                                                    errs);
}

int bf_store_check_baseline(bf_store *s, int64_t run_id, const char *eval_date,
                            const char *parameters, const char *file_hashes, bf_errors *errs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT eval_date = ?1, parameters = ?2, file_hashes = ?3, "
                                  "only_policies IS NULL, status, households_version IS NOT NULL, "
                                  "households_version IS " HOUSEHOLDS_VERSION " FROM runs WHERE id = ?4",
                           -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "reading the baseline run", errs);
    int rc = bf__store_bind_opt(st, 1, eval_date) | bf__store_bind_opt(st, 2, parameters) |
             bf__store_bind_opt(st, 3, file_hashes) | sqlite3_bind_int64(st, 4, run_id);
    const char *why = NULL;
    if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
        why = _("there is no such run");
    else if (!sqlite3_column_int(st, 0))
        why = _("it was made for another date");
    else if (!sqlite3_column_int(st, 1))
        why = _("its parameter values differ from the ones in force");
    else if (!sqlite3_column_int(st, 2))
        why = _("a policy file or params.xml changed since");
    else if (!sqlite3_column_int(st, 3))
        why = _("it evaluated only some policies (--only)");
    else if (strcmp((const char *)sqlite3_column_text(st, 4), "completed") != 0 &&
             strcmp((const char *)sqlite3_column_text(st, 4), "completed_with_errors") != 0)
        why = _("it did not complete");
    else if (!sqlite3_column_int(st, 5))
        why = _("it was made by an older bangfu, which did not record the households' version");
    else if (!sqlite3_column_int(st, 6))
        why = _("households were imported or replaced since");
    if (why)
        bf_errors_add(errs, _("run %lld cannot serve as the baseline: %s"),
                 (long long)run_id, why);
    sqlite3_finalize(st);
    return why ? BF_EINPUT : BF_OK;
}

int bf_store_run_params_read(bf_store *s, int64_t run_id, int seq, char **json, bf_errors *errs)
{
    *json = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT params_read FROM run_policies WHERE run_id = ?1 AND seq = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "reading a run's parameter reads", errs);
    int rc = sqlite3_bind_int64(st, 1, run_id) | sqlite3_bind_int(st, 2, seq);
    const char *v = NULL;
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = (const char *)sqlite3_column_text(st, 0);
    *json = strdup(v ? v : "[]");
    sqlite3_finalize(st);
    return *json ? BF_OK : BF_ENOMEM;
}

struct bf_baseline_reader {
    bf_store *store;
    sqlite3_stmt *range;       /* households in (after, last] */
    sqlite3_stmt *one;         /* one household */
    sqlite3_stmt *st;          /* the one positioned last */
    int64_t run_id;
};

#define BASELINE_COLS "SELECT household_id, policy_seq, member_seq, eligible, amount_fen, tier, " \
    "error IS NOT NULL FROM %s WHERE run_id = ?1 AND "

int bf_store_baseline_open(bf_store *s, int64_t run_id, bf_baseline_reader **out, bf_errors *errs)
{
    *out = NULL;
    bf_baseline_reader *r = calloc(1, sizeof *r);
    if (!r)
        return BF_ENOMEM;
    r->store = s;
    r->run_id = run_id;
    /* a run that took decisions over from others reads them through its ranges (reuse.c) */
    r->range = bf__store_prepare_decision_rows(s, BASELINE_COLS "household_id > ?2 AND "
                                           "household_id <= ?3 ORDER BY household_id, policy_seq, "
                                           "member_seq", run_id, errs);
    r->one = r->range ? bf__store_prepare_decision_rows(s, BASELINE_COLS "household_id = ?2 ORDER BY "
                                                    "policy_seq, member_seq", run_id, errs) : NULL;
    if (!r->range || !r->one) {
        bf_baseline_close(r);
        return BF_ESTORE;
    }
    r->st = r->range;
    *out = r;
    return BF_OK;
}

int bf_baseline_range(bf_baseline_reader *r, const char *after_id, const char *last_id,
                      bf_errors *errs)
{
    r->st = r->range;
    sqlite3_reset(r->st);
    if ((sqlite3_bind_int64(r->st, 1, r->run_id) |
         sqlite3_bind_text(r->st, 2, after_id, -1, SQLITE_TRANSIENT) |
         sqlite3_bind_text(r->st, 3, last_id, -1, SQLITE_TRANSIENT)) != SQLITE_OK)
        return bf__store_fail(r->store, BF_ESTORE, "binding the decisions reader", errs);
    return BF_OK;
}

int bf_baseline_household(bf_baseline_reader *r, const char *id, bf_errors *errs)
{
    r->st = r->one;
    sqlite3_reset(r->st);
    if ((sqlite3_bind_int64(r->st, 1, r->run_id) |
         sqlite3_bind_text(r->st, 2, id, -1, SQLITE_TRANSIENT)) != SQLITE_OK)
        return bf__store_fail(r->store, BF_ESTORE, "binding the decisions reader", errs);
    return BF_OK;
}

int bf_baseline_next(bf_baseline_reader *r, bf_baseline_decision *d, bool *got, bf_errors *errs)
{
    int rc = sqlite3_step(r->st);
    *got = rc == SQLITE_ROW;
    if (rc == SQLITE_DONE)
        return BF_OK;
    if (rc != SQLITE_ROW)
        return bf__store_fail(r->store, BF_ESTORE, "reading stored decisions", errs);
    d->household_id = (const char *)sqlite3_column_text(r->st, 0);
    d->policy_seq = sqlite3_column_int(r->st, 1);
    d->member_seq = sqlite3_column_int(r->st, 2);
    d->eligible = sqlite3_column_int(r->st, 3) != 0;
    d->amount_fen = sqlite3_column_int64(r->st, 4);
    d->tier = (const char *)sqlite3_column_text(r->st, 5);
    d->failed = sqlite3_column_int(r->st, 6) != 0;
    return BF_OK;
}

void bf_baseline_close(bf_baseline_reader *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->range);
    sqlite3_finalize(r->one);
    free(r);
}

