/* history.c — reading the store over time: every run, the households' versions, what changed
 * between the households' versions two runs read. */
#include "internal.h"
#include "bangfu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bf_store_run_ids(bf_store *s, int64_t **ids, int *n, bf_errors *errs)
{
    *ids = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT id FROM runs ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "listing the runs", errs);
    int rc, count = 0, cap = 0;
    int64_t *rows = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            int64_t *grown = realloc(rows, sizeof *grown * (size_t)cap);
            if (!grown) {
                sqlite3_finalize(st);
                free(rows);
                bf_errors_add(errs, "%s: listing the runs: out of memory", s->path);
                return BF_ENOMEM;
            }
            rows = grown;
        }
        rows[count++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(rows);
        return bf__store_fail(s, BF_ESTORE, "listing the runs", errs);
    }
    *ids = rows;
    *n = count;
    return BF_OK;
}

int bf_store_versions_between(bf_store *s, int64_t after, int64_t upto, int64_t *added,
                              int64_t *changed, bf_errors *errs)
{
    *added = *changed = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FILTER (WHERE version = 1), "
                                  "count(DISTINCT household_id) FILTER (WHERE version > 1) "
                                  "FROM household_versions WHERE households_version > ?1 AND "
                                  "households_version <= ?2", -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "counting household versions", errs);
    int rc = sqlite3_bind_int64(st, 1, after) | sqlite3_bind_int64(st, 2, upto);
    rc = rc == SQLITE_OK ? sqlite3_step(st) : rc;
    if (rc == SQLITE_ROW) {
        *added = sqlite3_column_int64(st, 0);
        *changed = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? BF_OK : bf__store_fail(s, BF_ESTORE, "counting household versions",
                                                     errs);
}

void bf_household_versions_free(bf_household_version *v, int n)
{
    for (int i = 0; v && i < n; i++) {
        free(v[i].imported);
        free(v[i].source);
        free(v[i].changed);
    }
    free(v);
}

int bf_store_household_versions(bf_store *s, const char *id, bf_household_version **out, int *n,
                                bf_errors *errs)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT version, households_version, imported, source, changed, "
                                  "record IS NULL FROM household_versions WHERE household_id = ?1 "
                                  "ORDER BY version", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
        sqlite3_finalize(st);
        return bf__store_fail(s, BF_ESTORE, "reading a household's versions", errs);
    }
    int rc, count = 0;
    bool oom = false;
    bf_household_version *rows = NULL;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        bf_household_version *grown = realloc(rows, sizeof *grown * (size_t)(count + 1));
        if (!grown) {
            oom = true;
            break;
        }
        rows = grown;
        bf_household_version *v = &rows[count++];
        v->version = sqlite3_column_int64(st, 0);
        v->households_version = sqlite3_column_int64(st, 1);
        v->imported = bf__store_column_dup(st, 2, &oom);
        v->source = bf__store_column_dup(st, 3, &oom);
        v->changed = bf__store_column_dup(st, 4, &oom);
        v->current = sqlite3_column_int(st, 5) != 0;
    }
    sqlite3_finalize(st);
    if (oom || rc != SQLITE_DONE) {
        bf_household_versions_free(rows, count);
        if (oom) {
            bf_errors_add(errs, "%s: reading household %s's versions: out of memory",
                     s->path, id);
            return BF_ENOMEM;
        }
        return bf__store_fail(s, BF_ESTORE, "reading a household's versions", errs);
    }
    *out = rows;
    *n = count;
    return BF_OK;
}

void bf_household_decisions_free(bf_household_decision *d, int n)
{
    for (int i = 0; d && i < n; i++) {
        free(d[i].policy);
        free(d[i].title);
        free(d[i].member);
        free(d[i].tier);
        free(d[i].reasons);
        free(d[i].error);
    }
    free(d);
}

/* Reads the rows of st (run id bound to ?1; id is bound to ?2 here) into *out. */
static int read_household_decisions(bf_store *s, sqlite3_stmt *st, const char *id,
                                    bf_household_decision **out, int *n, bf_errors *errs)
{
    *out = NULL;
    *n = 0;
    if (!st)
        return BF_ESTORE;
    if (sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
        sqlite3_finalize(st);
        return bf__store_fail(s, BF_ESTORE, "binding a household id", errs);
    }
    int rc, count = 0;
    bool oom = false;
    bf_household_decision *rows = NULL;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        bf_household_decision *grown = realloc(rows, sizeof *grown * (size_t)(count + 1));
        if (!grown) {
            oom = true;
            break;
        }
        rows = grown;
        bf_household_decision *d = &rows[count++];
        d->policy = bf__store_column_dup(st, 0, &oom);
        d->title = bf__store_column_dup(st, 1, &oom);
        d->member = bf__store_column_dup(st, 2, &oom);
        d->eligible = sqlite3_column_int(st, 3) != 0;
        d->amount_fen = sqlite3_column_int64(st, 4);
        d->tier = bf__store_column_dup(st, 5, &oom);
        d->reasons = bf__store_column_dup(st, 6, &oom);
        d->error = bf__store_column_dup(st, 7, &oom);
        d->policy_seq = sqlite3_column_int(st, 8);
        d->member_seq = sqlite3_column_int(st, 9);
    }
    sqlite3_finalize(st);
    if (oom || rc != SQLITE_DONE) {
        bf_household_decisions_free(rows, count);
        if (oom) {
            bf_errors_add(errs, "%s: reading household %s's decisions: out of memory",
                     s->path, id);
            return BF_ENOMEM;
        }
        return bf__store_fail(s, BF_ESTORE, "reading a household's decisions", errs);
    }
    *out = rows;
    *n = count;
    return BF_OK;
}

/* The columns read_household_decisions reads, from a decisions table given as %s. */
#define HOUSEHOLD_DECISIONS "SELECT d.policy, coalesce(rp.title, d.policy), d.member_id, " \
    "d.eligible, d.amount_fen, d.tier, d.reasons, d.error, d.policy_seq, d.member_seq FROM %s d " \
    "LEFT JOIN run_policies rp ON rp.run_id = d.run_id AND rp.seq = d.policy_seq " \
    "WHERE d.run_id = ?1 AND d.household_id = ?2 ORDER BY d.policy_seq, d.member_seq"

int bf_store_household_decisions(bf_store *s, int64_t run_id, const char *id,
                                 bf_household_decision **out, int *n, bf_errors *errs)
{
    sqlite3_stmt *st = bf__store_prepare_decisions(s, HOUSEHOLD_DECISIONS, run_id, errs);
    return read_household_decisions(s, st, id, out, n, errs);
}

int bf_store_household_decisions_held(bf_store *s, int64_t run_id, const char *id,
                                      bf_household_decision **out, int *n, bf_errors *errs)
{
    char sql[sizeof HOUSEHOLD_DECISIONS + 16];
    snprintf(sql, sizeof sql, HOUSEHOLD_DECISIONS, "decisions");
    return read_household_decisions(s, bf__store_prepare_run(s, sql, run_id, errs), id, out, n,
                                    errs);
}
