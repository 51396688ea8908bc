/* summary.c — what a run records besides its decisions (its tally): the households that read
 * each parameter, and the totals per town and policy. */
#include "internal.h"
#include "bangfu.h"

#include <stdlib.h>

int bf_store_run_reads_insert(bf_store *s, int64_t run_id, const char *param, bool everyone,
                              const char *households, bf_errors *errs)
{
    sqlite3_stmt *st = s->stmt[ST_RUN_READS];
    sqlite3_reset(st);
    if ((sqlite3_bind_int64(st, 1, run_id) | bf__store_bind_opt(st, 2, param) | sqlite3_bind_int(st, 3, everyone) |
         bf__store_bind_opt(st, 4, everyone || !households ? "" : households)) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding the parameter reads", errs);
    return bf__store_step_done(s, st, "recording the parameter reads", errs);
}

int bf_store_run_town_insert(bf_store *s, int64_t run_id, const bf_run_town_row *row,
                             bf_errors *errs)
{
    sqlite3_stmt *st = s->stmt[ST_RUN_TOWN];
    sqlite3_reset(st);
    if ((sqlite3_bind_int64(st, 1, run_id) | sqlite3_bind_int(st, 2, row->seq) |
         bf__store_bind_opt(st, 3, row->town) | sqlite3_bind_int(st, 4, row->policy_seq) |
         sqlite3_bind_int64(st, 5, row->households) | sqlite3_bind_int64(st, 6, row->members) |
         sqlite3_bind_int64(st, 7, row->amount_fen)) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding the town totals", errs);
    return bf__store_step_done(s, st, "recording the town totals", errs);
}

int bf_store_run_summary_done(bf_store *s, int64_t run_id, bf_errors *errs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "UPDATE runs SET summary_recorded = 1 WHERE id = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "marking the run summary", errs);
    int rc = sqlite3_bind_int64(st, 1, run_id) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return rc ? BF_OK : bf__store_fail(s, BF_ESTORE, "marking the run summary", errs);
}

int bf_store_run_summary_recorded(bf_store *s, int64_t run_id, bool *recorded, bf_errors *errs)
{
    *recorded = false;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT summary_recorded FROM runs WHERE id = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "reading the run summary", errs);
    int rc = sqlite3_bind_int64(st, 1, run_id);
    int step = rc == SQLITE_OK ? sqlite3_step(st) : SQLITE_ERROR;
    if (step == SQLITE_ROW)
        *recorded = sqlite3_column_int(st, 0) != 0;
    sqlite3_finalize(st);
    return step == SQLITE_ROW || step == SQLITE_DONE ? BF_OK
                                                     : bf__store_fail(s, BF_ESTORE, "reading the run summary", errs);
}

int bf_store_run_reads_get(bf_store *s, int64_t run_id, const char *param, bool *found,
                           bool *everyone, char **households, bf_errors *errs)
{
    *found = *everyone = false;
    *households = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT everyone, households FROM run_param_reads "
                                  "WHERE run_id = ?1 AND param = ?2", -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "reading the parameter reads", errs);
    int step = (sqlite3_bind_int64(st, 1, run_id) | bf__store_bind_opt(st, 2, param)) == SQLITE_OK
               ? sqlite3_step(st) : SQLITE_ERROR;
    bool oom = false;
    if (step == SQLITE_ROW) {
        *found = true;
        *everyone = sqlite3_column_int(st, 0) != 0;
        *households = bf__store_column_dup(st, 1, &oom);
    }
    sqlite3_finalize(st);
    if (oom)
        return BF_ENOMEM;
    return step == SQLITE_ROW || step == SQLITE_DONE ? BF_OK
                                                     : bf__store_fail(s, BF_ESTORE, "reading the parameter reads", errs);
}

int bf_store_run_towns_get(bf_store *s, int64_t run_id, bf_run_town_row **out, int *n,
                           bf_errors *errs)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT seq, town, policy_seq, households, members, amount_fen "
                                  "FROM run_towns WHERE run_id = ?1 ORDER BY seq, policy_seq",
                           -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "reading the town totals", errs);
    int step = sqlite3_bind_int64(st, 1, run_id) == SQLITE_OK ? SQLITE_ROW : SQLITE_ERROR;
    bool oom = false;
    int count = 0, cap = 0;
    bf_run_town_row *rows = NULL;
    while (!oom && step == SQLITE_ROW && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? 2 * cap : 64;
            bf_run_town_row *grown = realloc(rows, sizeof *rows * (size_t)cap);
            if (!grown) {
                oom = true;
                break;
            }
            rows = grown;
        }
        bf_run_town_row *r = &rows[count++];
        r->seq = sqlite3_column_int(st, 0);
        r->town = bf__store_column_dup(st, 1, &oom);
        r->policy_seq = sqlite3_column_int(st, 2);
        r->households = sqlite3_column_int64(st, 3);
        r->members = sqlite3_column_int64(st, 4);
        r->amount_fen = sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    if (oom || step != SQLITE_DONE) {
        bf_run_town_rows_free(rows, count);
        return oom ? BF_ENOMEM : bf__store_fail(s, BF_ESTORE, "reading the town totals", errs);
    }
    *out = rows;
    *n = count;
    return BF_OK;
}

void bf_run_town_rows_free(bf_run_town_row *rows, int n)
{
    for (int i = 0; rows && i < n; i++)
        free((char *)rows[i].town);
    free(rows);
}
