/* staging.c — an import's scratch tables: ids seen so far and where, in TEMP tables. */
#include "staging.h"
#include "i18n.h"
#include "internal.h"
#include "bangfu.h"

#include <stdio.h>
#include <stdlib.h>

static const char temp_schema[] =
    "CREATE TEMP TABLE stored_idnumbers(key INTEGER PRIMARY KEY, household_id TEXT NOT NULL,"
    " member_id TEXT NOT NULL);";
/* The stored ID numbers (3 million for a county of a million households): the main database's
 * page cache, not SQLite's default 2 MB, keeps them off disk. */
static const char temp_cache[] = "PRAGMA temp.cache_size=-65536;";
static const char temp_drop[] = "DROP TABLE IF EXISTS temp.stored_idnumbers;";
/* The stored ID numbers in key order, so that the table is filled by appending. */
static const char stored_idnumbers_fill[] =
    "INSERT OR IGNORE INTO temp.stored_idnumbers(key, household_id, member_id)"
    " SELECT CAST(substr(idnumber, 1, 17) AS INTEGER), household_id, id FROM main.members"
    " WHERE length(idnumber) = 18 ORDER BY 1";

enum { Q_STORED_IDNUMBER, Q__N };

static const char *const query_sql[Q__N] = {
    [Q_STORED_IDNUMBER] = "SELECT 0, 0, household_id, member_id FROM temp.stored_idnumbers"
                          " WHERE key = ?1",
};

struct bf_staging {
    bf_store *s;
    sqlite3_stmt *q[Q__N];
};

int bf_staging_open(bf_store *s, bf_staging **out, bf_errors *errs)
{
    *out = NULL;
    bf_staging *st = calloc(1, sizeof *st);
    if (!st) {
        bf_errors_add(errs, _("%s: out of memory"), s->path);
        return BF_ENOMEM;
    }
    st->s = s;
    char *msg = NULL;
    if (sqlite3_exec(s->db, temp_cache, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, temp_drop, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, temp_schema, NULL, NULL, &msg) != SQLITE_OK) {
        bf_errors_add(errs, _("%s: creating the import tables: %s"), s->path,
                 msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        free(st);
        return BF_ESTORE;
    }
    for (int i = 0; i < Q__N; i++)
        if (sqlite3_prepare_v2(s->db, query_sql[i], -1, &st->q[i], NULL) != SQLITE_OK) {
            int rc = bf__store_fail(s, BF_ESTORE, "preparing the import queries", errs);
            bf_staging_close(st);
            return rc;
        }
    *out = st;
    return BF_OK;
}

void bf_staging_close(bf_staging *st)
{
    if (!st)
        return;
    for (int i = 0; i < Q__N; i++)
        sqlite3_finalize(st->q[i]);
    sqlite3_exec(st->s->db, temp_drop, NULL, NULL, NULL);   /* best effort: temp goes at close */
    free(st);
}

int bf_staging_load_stored_idnumbers(bf_staging *st, bf_errors *errs)
{
    if (sqlite3_exec(st->s->db, stored_idnumbers_fill, NULL, NULL, NULL) != SQLITE_OK)
        return bf__store_fail(st->s, BF_ESTORE, "reading the stored ID numbers", errs);
    return BF_OK;
}

/* Column i of the current row into out (size bytes; "" for NULL or a missing column). */
static void column_text(sqlite3_stmt *q, int i, char *out, size_t size)
{
    const unsigned char *t = i < sqlite3_column_count(q) ? sqlite3_column_text(q, i) : NULL;
    snprintf(out, size, "%s", t ? (const char *)t : "");
}

/* Steps q (bound, rc the binding's result): *found and the row's place (columns file, line,
 * and household, member when the query has them). */
static int read_place(bf_staging *st, sqlite3_stmt *q, int rc, const char *what, bool *found,
                      bf_staged_place *out, bf_errors *errs)
{
    *out = (bf_staged_place){0};
    rc = rc == SQLITE_OK ? sqlite3_step(q) : rc;
    *found = rc == SQLITE_ROW;
    if (*found) {
        out->file = sqlite3_column_int(q, 0);
        out->line = sqlite3_column_int(q, 1);
        column_text(q, 2, out->household, sizeof out->household);
        column_text(q, 3, out->member, sizeof out->member);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return bf__store_fail(st->s, BF_ESTORE, what, errs);
    return BF_OK;
}

int bf_staging_stored_idnumber(bf_staging *st, int64_t key, bool *found, bf_staged_place *out,
                               bf_errors *errs)
{
    sqlite3_stmt *q = st->q[Q_STORED_IDNUMBER];
    sqlite3_reset(q);
    return read_place(st, q, sqlite3_bind_int64(q, 1, key), "looking up ID numbers", found, out,
                      errs);
}
