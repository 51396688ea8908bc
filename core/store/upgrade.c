/* upgrade.c — running a migration of the schema (schema.c) so that a person sees it work: its
 * statements one by one, with a progress line on stderr (a terminal only) counting the rows
 * they have read, and afterwards a note when the upgrade left much of the file unused. */
#include "internal.h"
#include "bangfu.h"
#include "i18n.h"
#include "progress.h"

#include <stdio.h>

/* A free part of the file worth a note: this many bytes, and this share of the file. */
#define NOTE_MIN_BYTES 1000000
#define NOTE_MIN_SHARE 10          /* percent */

typedef struct upgrade_progress {
    bf_progress bar;
    sqlite3_stmt *current;         /* the statement running, or NULL */
    int64_t rows_before;           /* rows read by the statements finished */
} upgrade_progress;

/* Rows the statement has read in full scans (the tables a migration copies). */
static int64_t rows_read(sqlite3_stmt *st)
{
    return st ? sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0) : 0;
}

/* SQLite's progress handler: redraws the line (bf_progress_update draws ten times a second at
 * most). */
static int on_progress(void *ctx)
{
    upgrade_progress *u = ctx;
    bf_progress_update(&u->bar, u->rows_before + rows_read(u->current));
    return 0;
}

/* Runs one statement to its end. */
static int step_all(bf_store *s, sqlite3_stmt *st, bf_errors *errs)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    return rc == SQLITE_DONE ? BF_OK : bf__store_fail(s, BF_ESTORE, "upgrading the database", errs);
}

int bf__store_exec_upgrading(bf_store *s, const char *sql, int version, bf_errors *errs)
{
    upgrade_progress u = {0};
    char label[512];
    snprintf(label, sizeof label, _("%s: upgrading to schema version %d, rows read"), s->path,
             version);
    bf_progress_start(&u.bar, label, 0, 0);
    sqlite3_progress_handler(s->db, 100000, on_progress, &u);
    int rc = BF_OK;
    for (const char *tail = sql; rc == BF_OK && *tail;) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(s->db, tail, -1, &st, &tail) != SQLITE_OK) {
            rc = bf__store_fail(s, BF_ESTORE, "upgrading the database", errs);
            break;
        }
        if (!st)
            continue;                      /* white space after the last statement */
        u.current = st;
        rc = step_all(s, st, errs);
        u.rows_before += rows_read(st);
        u.current = NULL;
        sqlite3_finalize(st);
    }
    sqlite3_progress_handler(s->db, 0, NULL, NULL);
    bf_progress_end(&u.bar);
    return rc;
}

void bf__store_note_free_space(bf_store *s, int version)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT page_count * page_size, freelist_count * page_size "
                                  "FROM pragma_page_count, pragma_freelist_count, "
                                  "pragma_page_size", -1, &st, NULL) != SQLITE_OK)
        return;                            /* only a note: nothing is lost without it */
    if (sqlite3_step(st) == SQLITE_ROW) {
        int64_t size = sqlite3_column_int64(st, 0), unused = sqlite3_column_int64(st, 1);
        if (unused >= NOTE_MIN_BYTES && unused * 100 >= size * NOTE_MIN_SHARE)
            snprintf(s->note, sizeof s->note,
                     _("%s: the upgrade to schema version %d left %lld MB of the file's %lld MB "
                       "unused; bangfu fills them again as it writes. To give them back to the "
                       "disk now, run `sqlite3 %s VACUUM` (the sqlite3 program) while no bangfu "
                       "uses the file: it needs free disk space up to twice the file's size while "
                       "it runs."), s->path, version, (long long)(unused / 1000000),
                     (long long)(size / 1000000), s->path);
    }
    sqlite3_finalize(st);
}

const char *bf_store_note(const bf_store *s)
{
    return s->note[0] ? s->note : NULL;
}
