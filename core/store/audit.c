/* audit.c — who looked at which household (bangfu serve): one row per look, with the user,
 * the time and how (a page or the API), kept in household_views (schema version 6). An
 * inspector asks exactly this. */
#include "internal.h"
#include "bangfu.h"

#include <stdlib.h>
#include <string.h>

int bf_store_view_record(bf_store *s, const char *user, const char *household, const char *via,
                         bf_errors *errs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO household_views(viewed, user, household_id, via) "
                           "VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, ?3)", -1, &st,
                           NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "recording a look at a household", errs);
    int rc = sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC) == SQLITE_OK &&
                     sqlite3_bind_text(st, 2, household, -1, SQLITE_STATIC) == SQLITE_OK &&
                     sqlite3_bind_text(st, 3, via, -1, SQLITE_STATIC) == SQLITE_OK
                 ? bf__store_step_done(s, st, "recording a look at a household", errs)
                 : bf__store_fail(s, BF_ESTORE, "binding a look at a household", errs);
    sqlite3_finalize(st);
    return rc;
}

/* One row of household_views (viewed, user, household_id, via). */
static void fill_view(sqlite3_stmt *st, void *row, bool *oom)
{
    bf_household_view *v = row;
    v->viewed = bf__store_column_dup(st, 0, oom);
    v->user = bf__store_column_dup(st, 1, oom);
    v->household = bf__store_column_dup(st, 2, oom);
    v->via = bf__store_column_dup(st, 3, oom);
}

int bf_store_views(bf_store *s, const char *household, int limit, bf_household_view **out, int *n,
                   bf_errors *errs)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT viewed, user, household_id, via FROM household_views "
                           "WHERE ?1 IS NULL OR household_id = ?1 ORDER BY id DESC LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "reading who looked at households", errs);
    if (bf__store_bind_opt(st, 1, household) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, limit) != SQLITE_OK) {
        sqlite3_finalize(st);
        return bf__store_fail(s, BF_ESTORE, "binding who looked at households", errs);
    }
    void *rows;
    int rc = bf__store_rows(s, st, limit, sizeof(bf_household_view), fill_view,
                            "reading who looked at households", &rows, n, errs);
    if (rc != BF_OK) {
        bf_household_views_free(rows, *n);
        *n = 0;
        return rc;
    }
    *out = rows;
    return BF_OK;
}

void bf_household_views_free(bf_household_view *v, int n)
{
    for (int i = 0; v && i < n; i++) {
        free(v[i].viewed);
        free(v[i].user);
        free(v[i].household);
        free(v[i].via);
    }
    free(v);
}
