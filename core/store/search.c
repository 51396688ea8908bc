/* search.c — finding households by what staff know of them: the id (or its beginning) or the
 * name of a member, for the server's household search. */
#include "internal.h"
#include "bangfu.h"

#include <stdlib.h>
#include <string.h>

/* One household found: id, town, village, the head's name, how many members. */
static void fill_found(sqlite3_stmt *st, void *row, bool *oom)
{
    bf_found_household *f = row;
    f->id = bf__store_column_dup(st, 0, oom);
    f->town = bf__store_column_dup(st, 1, oom);
    f->village = bf__store_column_dup(st, 2, oom);
    f->head = bf__store_column_dup(st, 3, oom);
    f->members = sqlite3_column_int(st, 4);
}

int bf_store_search_households(bf_store *s, const char *text, int limit, bf_found_household **out,
                               int *n, bf_errors *errs)
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
        return bf__store_fail(s, BF_ESTORE, "searching households", errs);
    if (sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, limit) != SQLITE_OK) {
        sqlite3_finalize(st);
        return bf__store_fail(s, BF_ESTORE, "binding a household search", errs);
    }
    void *rows;
    int rc = bf__store_rows(s, st, limit, sizeof(bf_found_household), fill_found,
                            "searching households", &rows, n, errs);
    if (rc != BF_OK) {
        bf_found_households_free(rows, *n);
        *n = 0;
        return rc;
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
