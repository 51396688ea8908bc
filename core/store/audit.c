/* audit.c — who looked at which household (bangfu serve): one row per look, with the user,
 * the time and how (a page or the API), kept in household_views (schema version 6). An
 * inspector asks exactly this. */
#include "internal.h"
#include "bangfu.h"

#include <stdlib.h>
#include <string.h>

int bf_store_view_record(bf_store *s, const char *user, const char *household, const char *via)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO household_views(viewed, user, household_id, via) "
                           "VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, ?3)", -1, &st,
                           NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "recording a look at a household");
    int rc = sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC) == SQLITE_OK &&
                     sqlite3_bind_text(st, 2, household, -1, SQLITE_STATIC) == SQLITE_OK &&
                     sqlite3_bind_text(st, 3, via, -1, SQLITE_STATIC) == SQLITE_OK
                 ? bf__store_step_done(s, st, "recording a look at a household")
                 : bf__store_fail(s, BF_ESTORE, "binding a look at a household");
    sqlite3_finalize(st);
    return rc;
}

int bf_store_views(bf_store *s, const char *household, int limit, bf_household_view **out, int *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT viewed, user, household_id, via FROM household_views "
                           "WHERE ?1 IS NULL OR household_id = ?1 ORDER BY id DESC LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "reading who looked at households");
    if (bf__store_bind_opt(st, 1, household) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, limit) != SQLITE_OK) {
        sqlite3_finalize(st);
        return bf__store_fail(s, BF_ESTORE, "binding who looked at households");
    }
    bf_household_view *rows = limit > 0 ? calloc((size_t)limit, sizeof *rows) : NULL;
    bool oom = limit > 0 && !rows;
    int rc;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW && *n < limit) {
        bf_household_view *v = &rows[(*n)++];
        v->viewed = bf__store_column_dup(st, 0, &oom);
        v->user = bf__store_column_dup(st, 1, &oom);
        v->household = bf__store_column_dup(st, 2, &oom);
        v->via = bf__store_column_dup(st, 3, &oom);
    }
    bool failed = oom || (rc != SQLITE_DONE && rc != SQLITE_ROW);
    sqlite3_finalize(st);
    if (failed) {
        bf_household_views_free(rows, *n);
        *n = 0;
        return oom ? BF_ENOMEM : bf__store_fail(s, BF_ESTORE, "reading who looked at households");
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
