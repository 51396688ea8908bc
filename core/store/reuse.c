/* reuse.c — what a re-run needs from the store to take decisions over from an earlier run: the
 * run to compare with, the households that changed since, the ranges of households whose
 * decisions another run holds, and reading a run's decisions through those ranges. */
#include "internal.h"
#include "bangfu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A run's decisions as one table: its own rows, then those its run_sources ranges take from
 * other runs, each with the run's id (?1), so that a query reads them as it reads `decisions`
 * (the view of every column) or `decision_rows` (the lean rows, for simulate's baseline). */
#define RUN_DECISIONS_UNION(table, cols, x_cols) \
    "(SELECT ?1 AS run_id, household_id, policy_seq, member_seq, " cols " FROM " table \
    " WHERE run_id = ?1 UNION ALL SELECT ?1, x.household_id, x.policy_seq, x.member_seq, " \
    x_cols " FROM run_sources r JOIN " table " x ON x.run_id = r.source_run AND " \
    "x.household_id BETWEEN r.first_id AND r.last_id WHERE r.run_id = ?1)"
static const char run_decisions_union[] = RUN_DECISIONS_UNION("decisions",
    "policy, member_id, eligible, amount_fen, tier, reasons, details, error",
    "x.policy, x.member_id, x.eligible, x.amount_fen, x.tier, x.reasons, x.details, x.error");
static const char run_rows_union[] = RUN_DECISIONS_UNION("decision_rows",
    "member_id, eligible, amount_fen, tier, error, text_id",
    "x.member_id, x.eligible, x.amount_fen, x.tier, x.error, x.text_id");

int bf__store_run_decisions(bf_store *s, int64_t run_id, bool lean, const char **table,
                            bf_errors *errs)
{
    sqlite3_stmt *st = bf__store_prepare_run(s, "SELECT EXISTS (SELECT 1 FROM run_sources "
                                                "WHERE run_id = ?1)", run_id, errs);
    if (!st)
        return BF_ESTORE;
    int rc = sqlite3_step(st);
    bool sources = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return bf__store_fail(s, BF_ESTORE, "looking for a run's sources", errs);
    if (lean)
        *table = sources ? run_rows_union : "decision_rows";
    else
        *table = sources ? run_decisions_union : "decisions";
    return BF_OK;
}

/* Prepares sql_format with its %s replaced by the run's table (lean or not). */
static sqlite3_stmt *prepare_on(bf_store *s, const char *sql_format, int64_t run_id, bool lean,
                                bf_errors *errs)
{
    const char *table;
    if (bf__store_run_decisions(s, run_id, lean, &table, errs) != BF_OK)
        return NULL;
    size_t len = strlen(sql_format) + strlen(table) + 1;
    char *sql = malloc(len);
    if (!sql) {
        bf_errors_add(errs, "%s: out of memory", s->path);
        return NULL;
    }
    snprintf(sql, len, sql_format, table);
    sqlite3_stmt *st = bf__store_prepare_run(s, sql, run_id, errs);
    free(sql);
    return st;
}

sqlite3_stmt *bf__store_prepare_decisions(bf_store *s, const char *sql_format, int64_t run_id,
                                          bf_errors *errs)
{
    return prepare_on(s, sql_format, run_id, false, errs);
}

sqlite3_stmt *bf__store_prepare_decision_rows(bf_store *s, const char *sql_format, int64_t run_id,
                                              bf_errors *errs)
{
    return prepare_on(s, sql_format, run_id, true, errs);
}

int bf_store_reuse_base(bf_store *s, bool store_all, int64_t *run_id, bf_errors *errs)
{
    *run_id = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT max(id) FROM runs WHERE (status = 'completed' OR "
                                  "status = 'completed_with_errors') AND only_policies IS NULL "
                                  "AND summary_recorded = 1 AND households_version IS NOT NULL "
                                  "AND store_all = ?1", -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "looking for the run to compare with", errs);
    int rc = sqlite3_bind_int(st, 1, store_all);
    rc = rc == SQLITE_OK ? sqlite3_step(st) : rc;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *run_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? BF_OK : bf__store_fail(s, BF_ESTORE,
                                                     "looking for the run to compare with", errs);
}

void bf_run_sources_free(bf_run_source *r, int n)
{
    for (int i = 0; r && i < n; i++) {
        free(r[i].first_id);
        free(r[i].last_id);
    }
    free(r);
}

int bf_store_run_sources_get(bf_store *s, int64_t run_id, bf_run_source **out, int *n,
                             bf_errors *errs)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = bf__store_prepare_run(s, "SELECT first_id, last_id, source_run FROM "
                                                "run_sources WHERE run_id = ?1 ORDER BY first_id",
                                             run_id, errs);
    if (!st)
        return BF_ESTORE;
    int rc, count = 0, cap = 0;
    bool oom = false;
    bf_run_source *rows = NULL;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            bf_run_source *grown = realloc(rows, sizeof *grown * (size_t)cap);
            if (!grown) {
                oom = true;
                break;
            }
            rows = grown;
        }
        bf_run_source *r = &rows[count++];
        r->first_id = bf__store_column_dup(st, 0, &oom);
        r->last_id = bf__store_column_dup(st, 1, &oom);
        r->source_run = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (oom || rc != SQLITE_DONE) {
        bf_run_sources_free(rows, count);
        if (oom)
            return bf__store_error(s, BF_ENOMEM, "reading a run's sources: out of memory", errs);
        return bf__store_fail(s, BF_ESTORE, "reading a run's sources", errs);
    }
    *out = rows;
    *n = count;
    return BF_OK;
}

int bf_store_run_source_insert(bf_store *s, int64_t run_id, const char *first_id,
                               const char *last_id, int64_t source_run, bf_errors *errs)
{
    sqlite3_stmt *st = bf__store_prepare_run(s, "INSERT INTO run_sources(run_id, first_id, "
                                                "last_id, source_run) VALUES (?1, ?2, ?3, ?4)",
                                             run_id, errs);
    if (!st)
        return BF_ESTORE;
    if ((sqlite3_bind_text(st, 2, first_id, -1, SQLITE_STATIC) |
         sqlite3_bind_text(st, 3, last_id, -1, SQLITE_STATIC) |
         sqlite3_bind_int64(st, 4, source_run)) != SQLITE_OK) {
        sqlite3_finalize(st);
        return bf__store_fail(s, BF_ESTORE, "binding a run's source", errs);
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? BF_OK : bf__store_fail(s, BF_ESTORE, "recording a run's source",
                                                      errs);
}

int bf_store_run_reused(bf_store *s, int64_t run_id, int64_t from, int64_t reused, bf_errors *errs)
{
    sqlite3_stmt *st = bf__store_prepare_run(s, "UPDATE runs SET reused_from = ?2, reused = ?3 "
                                                "WHERE id = ?1", run_id, errs);
    if (!st)
        return BF_ESTORE;
    if ((sqlite3_bind_int64(st, 2, from) | sqlite3_bind_int64(st, 3, reused)) != SQLITE_OK) {
        sqlite3_finalize(st);
        return bf__store_fail(s, BF_ESTORE, "binding what a run reused", errs);
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? BF_OK : bf__store_fail(s, BF_ESTORE, "recording what a run reused",
                                                      errs);
}

int bf_idlist_add(bf_idlist *l, const char *id)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 256;
        char **grown = realloc(l->ids, sizeof *grown * (size_t)cap);
        if (!grown)
            return BF_ENOMEM;
        l->ids = grown;
        l->cap = cap;
    }
    if (!(l->ids[l->n] = strdup(id)))
        return BF_ENOMEM;
    l->n++;
    return BF_OK;
}

void bf_idlist_free(bf_idlist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->ids[i]);
    free(l->ids);
    memset(l, 0, sizeof *l);
}

/* Appends the text column 0 of every row of st (bound) to out. */
static int collect_ids(bf_store *s, sqlite3_stmt *st, bf_idlist *out, const char *what,
                       bf_errors *errs)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        if (id && bf_idlist_add(out, id) != BF_OK) {
            sqlite3_finalize(st);
            return bf__store_error(s, BF_ENOMEM, "listing households: out of memory", errs);
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? BF_OK : bf__store_fail(s, BF_ESTORE, what, errs);
}

int bf_store_ids_versioned_after(bf_store *s, int64_t households_version, bf_idlist *out,
                                 bf_errors *errs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT DISTINCT household_id FROM household_versions "
                                  "WHERE households_version > ?1", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, households_version) != SQLITE_OK) {
        sqlite3_finalize(st);
        return bf__store_fail(s, BF_ESTORE, "listing the households imported since a run", errs);
    }
    return collect_ids(s, st, out, "listing the households imported since a run", errs);
}

int bf_store_ids_aged_between(bf_store *s, const char *d1, const char *d2, bf_idlist *out,
                              bf_errors *errs)
{
    sqlite3_stmt *st;
    /* full years on a date, as bf_age_on counts them */
#define AGE_ON(d) "(CAST(substr(" d ", 1, 4) AS INTEGER) - CAST(substr(birth, 1, 4) AS INTEGER) " \
                  "- (substr(" d ", 6, 5) < substr(birth, 6, 5)))"
    if (sqlite3_prepare_v2(s->db, "SELECT DISTINCT household_id FROM members WHERE "
                                  AGE_ON("?1") " != " AGE_ON("?2"), -1, &st, NULL) != SQLITE_OK ||
        (sqlite3_bind_text(st, 1, d1, -1, SQLITE_TRANSIENT) |
         sqlite3_bind_text(st, 2, d2, -1, SQLITE_TRANSIENT)) != SQLITE_OK) {
        sqlite3_finalize(st);
        return bf__store_fail(s, BF_ESTORE, "listing the households whose ages changed", errs);
    }
#undef AGE_ON
    return collect_ids(s, st, out, "listing the households whose ages changed", errs);
}

int bf_store_each_id(bf_store *s, int (*fn)(void *ctx, const char *id), void *ctx, bf_errors *errs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT id FROM households ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "listing the households", errs);
    int rc, frc = BF_OK;
    while (frc == BF_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        frc = fn(ctx, (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (frc != BF_OK)
        return frc;
    return rc == SQLITE_DONE ? BF_OK : bf__store_fail(s, BF_ESTORE, "listing the households", errs);
}

/* Fills h from a kept record text (versions.c), id given. */
static int record_from_text(bf_store *s, const char *id, const char *text, bf_household *h,
                            bf_errors *errs)
{
    bf_household_reset(h);
    snprintf(h->id, sizeof h->id, "%s", id);
    bf_json_pairs ps = {0};
    int rc = bf_json_pairs_read(text, &ps);
    char member[BF_ID_BYTES];
    for (int i = 0; rc == BF_OK && i < ps.n; i++) {
        const char *field = bf__store_record_member_field(ps.p[i].key, member, sizeof member);
        if (!field) {
            int f = bf_field_find(BF_RECORD_HOUSEHOLD, ps.p[i].key);
            if (f >= 0 && *ps.p[i].value)
                rc = bf_field_set(BF_RECORD_HOUSEHOLD, f, h, ps.p[i].value, NULL, NULL);
            continue;
        }
        bf_member *m = h->n_members ? &h->members[h->n_members - 1] : NULL;
        if (strcmp(field, "seq") == 0) {             /* a member's fields start with its place */
            if (!(m = bf_household_add_member(h)))
                rc = BF_ENOMEM;
            else
                snprintf(m->id, sizeof m->id, "%s", member);
            continue;
        }
        int f = bf_field_find(BF_RECORD_MEMBER, field);
        if (m && f >= 0 && *ps.p[i].value)
            rc = bf_field_set(BF_RECORD_MEMBER, f, m, ps.p[i].value, NULL, NULL);
    }
    bf_json_pairs_free(&ps);
    if (rc != BF_OK) {
        bf_errors_add(errs, "%s: household %s: a kept version's record is unreadable",
                 s->path, id);
        return rc == BF_ENOMEM ? BF_ENOMEM : BF_ESTORE;
    }
    return BF_OK;
}

int bf_store_household_as_read(bf_store *s, const char *id, int64_t households_version,
                               bf_household *out, bool *found, bf_errors *errs)
{
    *found = false;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT record FROM household_versions WHERE household_id = ?1 "
                                  "AND households_version <= ?2 ORDER BY version DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK ||
        (sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT) |
         sqlite3_bind_int64(st, 2, households_version)) != SQLITE_OK) {
        sqlite3_finalize(st);
        return bf__store_fail(s, BF_ESTORE, "reading a household's version", errs);
    }
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? BF_OK : bf__store_fail(s, BF_ESTORE,
                                                          "reading a household's version", errs);
    }
    *found = true;
    bool oom = false;
    char *record = bf__store_column_dup(st, 0, &oom);
    sqlite3_finalize(st);
    if (oom)
        return bf__store_error(s, BF_ENOMEM, "reading a household's version: out of memory", errs);
    rc = record ? record_from_text(s, id, record, out, errs)
                : bf_store_get_household(s, id, out, errs);
    free(record);
    return rc;
}
