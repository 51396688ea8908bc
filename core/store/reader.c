/* reader.c — the streaming reader: every household with its members, a batch at a time. */
#include "internal.h"
#include "i18n.h"
#include "bangfu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bf_reader {
    bf_store *store;
    sqlite3_stmt *households;  /* WHERE id > ?1 ORDER BY id LIMIT ?2 */
    sqlite3_stmt *members;     /* WHERE household_id > ?1 AND household_id <= ?2 */
    int batch_size;            /* capacity of batch */
    int limit;                 /* households per batch now (≤ batch_size) */
    bf_household *bufs[2];     /* two batches, used in turn: one is read while the other is used */
    int turn;
    bf_household *batch;       /* the batch being filled (bufs[turn]) */
    char last_id[BF_ID_BYTES]; /* keyset pagination: the last id of the previous batch */
    bool done;
};

int bf_store_reader_open(bf_store *s, int batch_size, bf_reader **out, bf_errors *errs)
{
    *out = NULL;
    bf_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->bufs[0] = calloc((size_t)batch_size, sizeof *r->bufs[0])) ||
        !(r->bufs[1] = calloc((size_t)batch_size, sizeof *r->bufs[1]))) {
        if (r)
            free(r->bufs[0]);
        free(r);
        bf_errors_add(errs, _("%s: out of memory"), s->path);
        return BF_ENOMEM;
    }
    r->store = s;
    r->batch_size = batch_size;
    r->limit = batch_size;
    if (sqlite3_prepare_v2(s->db, "SELECT " HOUSEHOLD_COLS " FROM households WHERE id > ?1 "
                                  "ORDER BY id LIMIT ?2", -1, &r->households, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT " MEMBER_COLS " FROM members WHERE household_id > ?1 "
                                  "AND household_id <= ?2 ORDER BY household_id, seq", -1,
                           &r->members, NULL) != SQLITE_OK) {
        int rc = bf__store_fail(s, BF_ESTORE, "preparing the reader", errs);
        bf_reader_close(r);
        return rc;
    }
    *out = r;
    return BF_OK;
}

/* Reads up to batch_size households after last_id into the batch; sets *n. */
static int read_household_rows(bf_reader *r, int *n, bf_errors *errs)
{
    bf_store *s = r->store;
    sqlite3_stmt *st = r->households;
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, r->last_id, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, r->limit) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding the reader", errs);
    int count = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        bf_household *h = &r->batch[count];
        h->n_members = 0;
        if ((rc = bf__store_fill_household(s, st, h, errs)) != BF_OK) {
            sqlite3_reset(st);
            return rc;
        }
        count++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return bf__store_fail(s, BF_ESTORE, "reading households", errs);
    *n = count;
    return BF_OK;
}

/* Reads the members of the batch in one query and hands each to its household (both sorted). */
static int read_member_rows(bf_reader *r, int n, bf_errors *errs)
{
    bf_store *s = r->store;
    sqlite3_stmt *st = r->members;
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, r->last_id, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, r->batch[n - 1].id, -1, SQLITE_STATIC) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding the reader", errs);
    int i = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *hid = (const char *)sqlite3_column_text(st, 0);
        while (i < n && strcmp(r->batch[i].id, hid) != 0)   /* same collation order as SQLite's BINARY */
            i++;
        if (i == n) {
            sqlite3_reset(st);
            bf_errors_add(errs, _("%s: member row of unknown household %s"), s->path, hid);
            return BF_ESTORE;
        }
        if ((rc = bf__store_fill_member(s, st, &r->batch[i], errs)) != BF_OK) {
            sqlite3_reset(st);
            return rc;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? BF_OK : bf__store_fail(s, BF_ESTORE, "reading members", errs);
}

int bf_reader_next(bf_reader *r, bf_household **batch, int *n, bf_errors *errs)
{
    r->turn ^= 1;
    r->batch = r->bufs[r->turn];
    *batch = r->batch;
    *n = 0;
    if (r->done)
        return BF_OK;
    int count = 0;
    /* households and members of a batch in one read transaction: an import committing between
     * the two queries cannot give a household the wrong members */
    bool began;
    int rc = bf_store_read_begin(r->store, &began, errs);
    if (rc == BF_OK)
        rc = read_household_rows(r, &count, errs);
    if (rc == BF_OK && count > 0)
        rc = read_member_rows(r, count, errs);
    int end = bf_store_read_end(r->store, began, rc == BF_OK, errs);
    rc = rc == BF_OK ? end : rc;
    if (rc != BF_OK)
        return rc;
    if (count < r->limit)
        r->done = true;
    if (count > 0)
        memcpy(r->last_id, r->batch[count - 1].id, strlen(r->batch[count - 1].id) + 1);
    *n = count;
    return BF_OK;
}

void bf_reader_set_limit(bf_reader *r, int limit)
{
    r->limit = limit < 1 ? 1 : limit > r->batch_size ? r->batch_size : limit;
}

void bf_reader_close(bf_reader *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->households);
    sqlite3_finalize(r->members);
    for (int b = 0; b < 2; b++) {
        for (int i = 0; r->bufs[b] && i < r->batch_size; i++)
            bf_household_free(&r->bufs[b][i]);
        free(r->bufs[b]);
    }
    free(r);
}
