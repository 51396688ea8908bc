/* search.c — finding households by what staff know of them: the id (or its beginning) or the
 * name of a member, for the server's household search. */
#include "internal.h"
#include "bangfu.h"

#include <stdlib.h>
#include <string.h>

int bf_store_search_households(bf_store *s, const char *text, int limit, bf_found_household **out,
                               int *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    /* the id itself first, then ids that begin with the text, then members' names containing it;
     * LIKE's wildcards in the text are taken literally (ESCAPE) */
    if (sqlite3_prepare_v2(s->db,
            "WITH q(t) AS (SELECT replace(replace(replace(?1, '\\', '\\\\'), '%', '\\%'), '_', '\\_'))"
            " SELECT h.id, h.town, h.village,"
            "  (SELECT name FROM members WHERE household_id = h.id AND relation = 'head'),"
            "  (SELECT count(*) FROM members WHERE household_id = h.id)"
            " FROM households h, q WHERE h.id = ?1 OR h.id LIKE q.t || '%' ESCAPE '\\'"
            "  OR EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id"
            "             AND m.name LIKE '%' || q.t || '%' ESCAPE '\\')"
            " ORDER BY h.id <> ?1, h.id LIMIT ?2", -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "searching households");
    if (sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, limit) != SQLITE_OK) {
        sqlite3_finalize(st);
        return bf__store_fail(s, BF_ESTORE, "binding a household search");
    }
    bf_found_household *rows = limit > 0 ? calloc((size_t)limit, sizeof *rows) : NULL;
    bool oom = limit > 0 && !rows;
    int rc = SQLITE_DONE;
    while (!oom && *n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        bf_found_household *f = &rows[(*n)++];
        f->id = bf__store_column_dup(st, 0, &oom);
        f->town = bf__store_column_dup(st, 1, &oom);
        f->village = bf__store_column_dup(st, 2, &oom);
        f->head = bf__store_column_dup(st, 3, &oom);
        f->members = sqlite3_column_int(st, 4);
    }
    bool failed = oom || (rc != SQLITE_DONE && rc != SQLITE_ROW);
    sqlite3_finalize(st);
    if (failed) {
        bf_found_households_free(rows, *n);
        *n = 0;
        return oom ? BF_ENOMEM : bf__store_fail(s, BF_ESTORE, "searching households");
    }
    *out = rows;
    return BF_OK;
}

void bf_found_households_free(bf_found_household *f, int n)
{
    for (int i = 0; f && i < n; i++) {
        free(f[i].id);
        free(f[i].town);
        free(f[i].village);
        free(f[i].head);
    }
    free(f);
}
