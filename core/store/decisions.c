/* decisions.c — a run's decisions: written one by one, read back by a cursor (export, reports)
 * or per household with the household's review fields (review). */
#include "internal.h"
#include "i18n.h"
#include "bangfu.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether a member's id is the usual one: the household's id, '-' and its place (1-based, in
 * decimal without leading zeros). */
static bool member_id_is_usual(const char *member_id, const char *household_id, int member_seq)
{
    size_t n = strlen(household_id);
    if (strncmp(member_id, household_id, n) != 0 || member_id[n] != '-')
        return false;
    const char *p = member_id + n + 1;
    if (*p < '1' || *p > '9')
        return false;
    long seq = 0;
    for (; *p >= '0' && *p <= '9' && seq <= member_seq; p++)
        seq = seq * 10 + (*p - '0');
    return *p == '\0' && seq == member_seq;
}

/* The values of one decision row, bound from parameter at + 1 on. */
#define DECISION_VALUES 10

static int bind_decision(sqlite3_stmt *st, int at, int64_t run_id, const bf_decision_row *row,
                         int64_t text_id)
{
    const char *member_id = row->member_id;
    if (member_id && member_id_is_usual(member_id, row->household_id, row->member_seq))
        member_id = NULL;          /* the view makes it again (schema.c) */
    return sqlite3_bind_int64(st, at + 1, run_id) | bf__store_bind_opt(st, at + 2, row->household_id) |
           sqlite3_bind_int(st, at + 3, row->policy_seq) | sqlite3_bind_int(st, at + 4, row->member_seq) |
           bf__store_bind_opt(st, at + 5, member_id) | sqlite3_bind_int(st, at + 6, row->eligible) |
           sqlite3_bind_int64(st, at + 7, row->amount_fen) | bf__store_bind_opt(st, at + 8, row->tier) |
           bf__store_bind_opt(st, at + 9, row->error) | sqlite3_bind_int64(st, at + 10, text_id);
}

/* The INSERT of BF__DECISIONS_PER_INSERT rows in one statement, prepared on first use; NULL
 * with the message in errs on failure. One statement for many rows keeps SQLite's cursor on the
 * table's last page (a run's rows come in key order), where one statement per row opened it,
 * sought the row's place from the root and closed it again, for every row. */
static sqlite3_stmt *decisions_insert(bf_store *s, bf_errors *errs)
{
    if (s->insert_decisions)
        return s->insert_decisions;
    bf_buf sql = {0};
    /* OR FAIL: no statement journal (each statement's changed pages copied first); a failed
     * statement's earlier rows go with the caller's rollback of the whole batch */
    bf_buf_puts(&sql, "INSERT OR FAIL INTO decision_rows(run_id, household_id, policy_seq, "
                      "member_seq, member_id, eligible, amount_fen, tier, error, text_id) VALUES ");
    for (int j = 0; j < BF__DECISIONS_PER_INSERT; j++)
        bf_buf_puts(&sql, j ? ",(?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?)");
    if (sql.oom || sqlite3_prepare_v3(s->db, bf_buf_str(&sql), -1, SQLITE_PREPARE_PERSISTENT,
                                      &s->insert_decisions, NULL) != SQLITE_OK) {
        s->insert_decisions = NULL;
        bf__store_fail(s, BF_ESTORE, "preparing the insert of decisions", errs);
    }
    bf_buf_free(&sql);
    return s->insert_decisions;
}

/* Stores the policy's name and the texts of a row (once per run each); the texts' id in *id. */
static int row_texts(bf_store *s, int64_t run_id, const bf_decision_row *row, int64_t *id,
                     bf_errors *errs)
{
    int rc = bf__store_policy_id(s, run_id, row->policy_seq, row->policy, errs);
    if (rc == BF_OK)
        rc = bf__store_text_id(s, run_id, row->reasons ? row->reasons : "[]", row->details, id,
                               errs);
    return rc;
}

int bf_store_decision_insert(bf_store *s, int64_t run_id, const bf_decision_row *row,
                             bf_errors *errs)
{
    int64_t text_id;
    int rc = row_texts(s, run_id, row, &text_id, errs);
    if (rc != BF_OK)
        return rc;
    sqlite3_stmt *st = s->stmt[ST_DECISION];
    sqlite3_reset(st);
    if (bind_decision(st, 0, run_id, row, text_id) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding a decision", errs);
    return bf__store_step_done(s, st, "recording a decision", errs);
}

int bf_store_decisions_insert(bf_store *s, int64_t run_id, const bf_decision_row *rows, int n,
                              bf_errors *errs)
{
    int i = 0;
    for (; i + BF__DECISIONS_PER_INSERT <= n; i += BF__DECISIONS_PER_INSERT) {
        sqlite3_stmt *st = decisions_insert(s, errs);
        if (!st)
            return BF_ESTORE;
        sqlite3_reset(st);
        int brc = SQLITE_OK;
        for (int j = 0; j < BF__DECISIONS_PER_INSERT; j++) {
            int64_t text_id;
            int rc = row_texts(s, run_id, &rows[i + j], &text_id, errs);
            if (rc != BF_OK)
                return rc;
            brc |= bind_decision(st, j * DECISION_VALUES, run_id, &rows[i + j], text_id);
        }
        if (brc != SQLITE_OK)
            return bf__store_fail(s, BF_ESTORE, "binding a decision", errs);
        int rc = bf__store_step_done(s, st, "recording a decision", errs);
        if (rc != BF_OK)
            return rc;
    }
    for (; i < n; i++) {           /* the rest one by one */
        int rc = bf_store_decision_insert(s, run_id, &rows[i], errs);
        if (rc != BF_OK)
            return rc;
    }
    return BF_OK;
}

/* ---- the decision cursor ---- */

struct bf_decision_cursor {
    bf_store *store;
    sqlite3_stmt *st;
    bf_stored_decision d;
};

/* Text of a column, NULL for SQL NULL. */
static const char *column_opt(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL
                                                       : (const char *)sqlite3_column_text(st, col);
}

int bf_store_decisions_open(bf_store *s, int64_t run_id, bf_decision_cursor **out, bf_errors *errs)
{
    *out = NULL;
    bf_decision_cursor *c = calloc(1, sizeof *c);
    if (!c) {
        bf_errors_add(errs, _("%s: out of memory"), s->path);
        return BF_ENOMEM;
    }
    c->store = s;
    c->st = bf__store_prepare_decisions(s, "SELECT d.household_id, coalesce(h.town, ''), "
        "coalesce(h.village, ''), d.policy, coalesce(rp.title, d.policy), d.member_id, "
        "d.policy_seq, d.member_seq, d.eligible, d.amount_fen, d.tier, d.reasons, d.details, "
        "d.error FROM %s d LEFT JOIN households h ON h.id = d.household_id "
        "LEFT JOIN run_policies rp ON rp.run_id = d.run_id AND rp.seq = d.policy_seq "
        "WHERE d.run_id = ?1 ORDER BY d.household_id, d.policy_seq, d.member_seq", run_id, errs);
    if (!c->st) {
        free(c);
        return BF_ESTORE;
    }
    *out = c;
    return BF_OK;
}

int bf_decision_cursor_next(bf_decision_cursor *c, const bf_stored_decision **d, bf_errors *errs)
{
    *d = NULL;
    int rc = sqlite3_step(c->st);
    if (rc == SQLITE_DONE)
        return BF_OK;
    if (rc != SQLITE_ROW)
        return bf__store_fail(c->store, BF_ESTORE, "reading the run's decisions", errs);
    sqlite3_stmt *st = c->st;
    bf_stored_decision *x = &c->d;
    x->household = (const char *)sqlite3_column_text(st, 0);
    x->town = (const char *)sqlite3_column_text(st, 1);
    x->village = (const char *)sqlite3_column_text(st, 2);
    x->policy = (const char *)sqlite3_column_text(st, 3);
    x->policy_title = (const char *)sqlite3_column_text(st, 4);
    x->member = column_opt(st, 5);
    x->policy_seq = sqlite3_column_int(st, 6);
    x->member_seq = sqlite3_column_int(st, 7);
    x->eligible = sqlite3_column_int(st, 8) != 0;
    x->amount_fen = sqlite3_column_int64(st, 9);
    x->tier = column_opt(st, 10);
    x->reasons = column_opt(st, 11);
    x->details = column_opt(st, 12);
    x->error = column_opt(st, 13);
    if (!x->household || !x->town || !x->village || !x->policy || !x->policy_title) {
        bf_errors_add(errs, _("%s: reading a decision: out of memory"),
                 c->store->path);
        return BF_ENOMEM;
    }
    *d = x;
    return BF_OK;
}

void bf_decision_cursor_close(bf_decision_cursor *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->st);
    free(c);
}

/* ---- the household cursor (review) ---- */

/* Where a decision's texts are in the cursor's arena (-1: NULL). */
typedef struct decision_offsets {
    long policy, title, member, tier, reasons, details, error;
} decision_offsets;

struct bf_household_cursor {
    bf_store *store;
    sqlite3_stmt *st;
    bool have_row;             /* the statement stands on the first row of the next household */
    bool done;
    bf_buf arena;              /* every text of the current household, NUL-separated */
    long id, town, village, monitor, recorded;
    decision_offsets *off;
    bf_stored_decision *d;
    int n, cap;
    bf_run_household h;
};

/* Appends a text column to the arena; its offset, or -1 for SQL NULL. */
static long arena_put(bf_buf *arena, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return -1;
    const char *v = (const char *)sqlite3_column_text(st, col);
    long at = (long)arena->len;
    bf_buf_add(arena, v ? v : "", v ? (size_t)sqlite3_column_bytes(st, col) : 0);
    bf_buf_add(arena, "", 1);
    return at;
}

static const char *arena_at(const bf_buf *arena, long off)
{
    return off < 0 ? NULL : arena->data + off;
}

int bf_store_run_households_open(bf_store *s, int64_t run_id, bf_household_cursor **out,
                                 bf_errors *errs)
{
    *out = NULL;
    bf_household_cursor *c = calloc(1, sizeof *c);
    if (!c) {
        bf_errors_add(errs, _("%s: out of memory"), s->path);
        return BF_ENOMEM;
    }
    c->store = s;
    /* the lean rows and their texts joined here: SQLite cannot flatten the view `decisions`
     * (itself a join) into the right side of a LEFT JOIN, and would scan it per household; nor
     * a re-run's union of ranges, so the rows are found per household (RUN_ROWS_OF_HOUSEHOLD) */
    c->st = bf__store_prepare_run(s, "SELECT h.id, h.town, h.village, h.monitor, "
        "h.recorded, d.policy_seq, d.member_seq, p.policy, coalesce(rp.title, p.policy), "
        DECISION_MEMBER_ID("d") ", d.eligible, d.amount_fen, d.tier, t.reasons, t.details, "
        "d.error FROM households h " RUN_ROWS_OF_HOUSEHOLD("h", "d")
        "LEFT JOIN decision_texts t ON t.id = d.text_id "
        "LEFT JOIN run_policy_ids p ON p.run_id = d.run_id AND p.seq = d.policy_seq "
        "LEFT JOIN run_policies rp ON rp.run_id = ?1 AND rp.seq = d.policy_seq "
        "ORDER BY h.id, d.policy_seq, d.member_seq", run_id, errs);
    if (!c->st) {
        free(c);
        return BF_ESTORE;
    }
    *out = c;
    return BF_OK;
}

/* Copies the decision of the current row (if the row has one) into the cursor. */
static bool take_decision_row(bf_household_cursor *c)
{
    sqlite3_stmt *st = c->st;
    if (sqlite3_column_type(st, 5) == SQLITE_NULL)
        return true;                        /* a household without stored decisions */
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 16;
        decision_offsets *off = realloc(c->off, sizeof *off * (size_t)cap);
        if (off)
            c->off = off;
        bf_stored_decision *d = realloc(c->d, sizeof *d * (size_t)cap);
        if (d)
            c->d = d;
        if (!off || !d)
            return false;
        c->cap = cap;
    }
    bf_stored_decision *d = &c->d[c->n];
    decision_offsets *o = &c->off[c->n++];
    d->policy_seq = sqlite3_column_int(st, 5);
    d->member_seq = sqlite3_column_int(st, 6);
    o->policy = arena_put(&c->arena, st, 7);
    o->title = arena_put(&c->arena, st, 8);
    o->member = arena_put(&c->arena, st, 9);
    d->eligible = sqlite3_column_int(st, 10) != 0;
    d->amount_fen = sqlite3_column_int64(st, 11);
    o->tier = arena_put(&c->arena, st, 12);
    o->reasons = arena_put(&c->arena, st, 13);
    o->details = arena_put(&c->arena, st, 14);
    o->error = arena_put(&c->arena, st, 15);
    return !c->arena.oom;
}

/* Points the household and its decisions into the arena (which no longer moves). */
static void fix_household_pointers(bf_household_cursor *c)
{
    const bf_buf *a = &c->arena;
    c->h.id = arena_at(a, c->id);
    c->h.town = arena_at(a, c->town);
    c->h.village = arena_at(a, c->village);
    c->h.monitor = arena_at(a, c->monitor);
    c->h.recorded = arena_at(a, c->recorded);
    for (int i = 0; i < c->n; i++) {
        bf_stored_decision *d = &c->d[i];
        const decision_offsets *o = &c->off[i];
        d->household = c->h.id;
        d->town = c->h.town;
        d->village = c->h.village;
        d->policy = arena_at(a, o->policy);
        d->policy_title = arena_at(a, o->title);
        d->member = arena_at(a, o->member);
        d->tier = arena_at(a, o->tier);
        d->reasons = arena_at(a, o->reasons);
        d->details = arena_at(a, o->details);
        d->error = arena_at(a, o->error);
    }
    c->h.decisions = c->d;
    c->h.n_decisions = c->n;
}

int bf_household_cursor_next(bf_household_cursor *c, const bf_run_household **h, bf_errors *errs)
{
    *h = NULL;
    if (c->done)
        return BF_OK;
    int rc = SQLITE_ROW;
    if (!c->have_row)
        rc = sqlite3_step(c->st);
    c->have_row = false;
    if (rc == SQLITE_DONE) {
        c->done = true;
        return BF_OK;
    }
    if (rc != SQLITE_ROW)
        return bf__store_fail(c->store, BF_ESTORE, "reading households and decisions", errs);
    bf_buf_clear(&c->arena);
    c->n = 0;
    c->id = arena_put(&c->arena, c->st, 0);
    c->town = arena_put(&c->arena, c->st, 1);
    c->village = arena_put(&c->arena, c->st, 2);
    c->monitor = arena_put(&c->arena, c->st, 3);
    c->recorded = arena_put(&c->arena, c->st, 4);
    while (rc == SQLITE_ROW) {
        if (!take_decision_row(c) || c->arena.oom) {
            bf_errors_add(errs, _("%s: reading a household's decisions: "
                     "out of memory"), c->store->path);
            return BF_ENOMEM;
        }
        rc = sqlite3_step(c->st);
        if (rc == SQLITE_ROW) {
            const char *next = (const char *)sqlite3_column_text(c->st, 0);
            if (!next || strcmp(next, c->arena.data + c->id) != 0) {
                c->have_row = true;         /* the first row of the next household */
                break;
            }
        }
    }
    if (rc == SQLITE_DONE)
        c->done = true;
    else if (rc != SQLITE_ROW)
        return bf__store_fail(c->store, BF_ESTORE, "reading households and decisions", errs);
    fix_household_pointers(c);
    *h = &c->h;
    return BF_OK;
}

void bf_household_cursor_close(bf_household_cursor *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->st);
    bf_buf_free(&c->arena);
    free(c->off);
    free(c->d);
    free(c);
}
