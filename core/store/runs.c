/* runs.c — runs: recorded as they start and finish, with a summary per policy; read back. */
#include "internal.h"
#include "i18n.h"
#include "bangfu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- Which runs are alive ----
 * A run is 'running' in the database from its start to its finish. When its process dies
 * (SIGKILL, a second Ctrl-C, power loss) nothing can write the finish, so the running process
 * also holds a lock that the kernel drops with it: an open-file-description lock on byte run_id
 * of the file DB.runlock. Readers report a 'running' run whose lock nobody holds as 'abandoned'.
 * OFD locks, unlike POSIX record locks, conflict within one process too and are not dropped
 * when another descriptor of the file is closed. */

static void run_lock_path(const bf_store *s, char *out, size_t size)
{
    snprintf(out, size, "%s.runlock", s->path);
}

static struct flock run_byte(short type, int64_t run_id)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = (off_t)run_id, .l_len = 1};
    return fl;
}

int bf__store_run_lock(bf_store *s, int64_t run_id, bf_errors *errs)
{
    char path[4200];
    run_lock_path(s, path, sizeof path);
    bf__store_run_unlock(s);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    struct flock fl = run_byte(F_WRLCK, run_id);
    if (fd < 0 || fcntl(fd, F_OFD_SETLK, &fl) != 0) {
        bf_errors_add(errs, "%s: cannot lock run %lld in %s.runlock: %s", s->path,
                 (long long)run_id, s->path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return BF_ESTORE;
    }
    s->run_lock_fd = fd;
    return BF_OK;
}

void bf__store_run_unlock(bf_store *s)
{
    if (s->run_lock_fd >= 0)
        close(s->run_lock_fd);                       /* closing the description drops its locks */
    s->run_lock_fd = -1;
}

bool bf__store_run_alive(const bf_store *s, int64_t run_id)
{
    char path[4200];
    run_lock_path(s, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;                                /* no run ever locked: nobody is running */
    struct flock fl = run_byte(F_RDLCK, run_id);
    bool alive = fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
    close(fd);
    return alive;
}

int bf_store_run_create(bf_store *s, const bf_run_row *row, int64_t *run_id, bf_errors *errs)
{
    sqlite3_stmt *st = s->stmt[ST_RUN_CREATE];
    sqlite3_reset(st);
    int rc = bf__store_bind_opt(st, 1, row->started) | bf__store_bind_opt(st, 2, row->eval_date) |
             sqlite3_bind_int(st, 3, row->jobs) | bf__store_bind_opt(st, 4, row->only) |
             sqlite3_bind_int(st, 5, row->store_all) | bf__store_bind_opt(st, 6, row->file_hashes) |
             bf__store_bind_opt(st, 7, row->parameters);
    if (rc != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding the run", errs);
    if ((rc = bf__store_step_done(s, st, "recording the run", errs)) != BF_OK)
        return rc;
    *run_id = sqlite3_last_insert_rowid(s->db);
    return bf__store_run_lock(s, *run_id, errs);
}

int bf_store_run_finish(bf_store *s, int64_t run_id, const char *status, const char *finished,
                        int64_t households, int64_t evaluations, int64_t errors, bf_errors *errs)
{
    sqlite3_stmt *st = s->stmt[ST_RUN_FINISH];
    sqlite3_reset(st);
    if ((sqlite3_bind_int64(st, 1, run_id) | bf__store_bind_opt(st, 2, status) | bf__store_bind_opt(st, 3, finished) |
         sqlite3_bind_int64(st, 4, households) | sqlite3_bind_int64(st, 5, evaluations) |
         sqlite3_bind_int64(st, 6, errors)) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding the run", errs);
    int rc = bf__store_step_done(s, st, "finishing the run", errs);
    if (rc == BF_OK)
        bf__store_run_unlock(s);
    return rc;
}

int bf_store_run_policy_insert(bf_store *s, int64_t run_id, const bf_run_policy_row *row,
                               bf_errors *errs)
{
    sqlite3_stmt *st = s->stmt[ST_RUN_POLICY];
    sqlite3_reset(st);
    if ((sqlite3_bind_int64(st, 1, run_id) | sqlite3_bind_int(st, 2, row->seq) |
         bf__store_bind_opt(st, 3, row->policy) | bf__store_bind_opt(st, 4, row->title) | bf__store_bind_opt(st, 5, row->scope) |
         sqlite3_bind_int64(st, 6, row->evaluations) |
         sqlite3_bind_int64(st, 7, row->households_eligible) |
         sqlite3_bind_int64(st, 8, row->members_eligible) |
         sqlite3_bind_int64(st, 9, row->amount_fen) | sqlite3_bind_int64(st, 10, row->errors) |
         bf__store_bind_opt(st, 11, row->params_read ? row->params_read : "[]")) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding the run summary", errs);
    return bf__store_step_done(s, st, "recording the run summary", errs);
}

int bf_store_run_get(bf_store *s, int64_t run_id, bf_stored_run *out, bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = bf__store_prepare_run(s, "SELECT id, started, finished, eval_date, status, "
        "only_policies, jobs, store_all, file_hashes, parameters, households, evaluations, errors, "
        "coalesce(households_version, -1), coalesce(reused_from, 0), reused FROM runs WHERE id = ?1",
        run_id, errs);
    if (!st)
        return BF_ESTORE;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc == SQLITE_DONE) {
            bf_errors_add(errs, _("%s: no run %lld"), s->path, (long long)run_id);
            return BF_ENOTFOUND;
        }
        return bf__store_fail(s, BF_ESTORE, "reading a run", errs);
    }
    bool oom = false;
    out->id = sqlite3_column_int64(st, 0);
    out->started = bf__store_column_dup(st, 1, &oom);
    out->finished = bf__store_column_dup(st, 2, &oom);
    out->eval_date = bf__store_column_dup(st, 3, &oom);
    out->status = bf__store_column_dup(st, 4, &oom);
    if (out->status && strcmp(out->status, "running") == 0 && !bf__store_run_alive(s, out->id)) {
        free(out->status);                           /* its process died before the finish */
        out->status = strdup("abandoned");
        oom |= !out->status;
    }
    out->only = bf__store_column_dup(st, 5, &oom);
    out->jobs = sqlite3_column_int(st, 6);
    out->store_all = sqlite3_column_int(st, 7) != 0;
    out->file_hashes = bf__store_column_dup(st, 8, &oom);
    out->parameters = bf__store_column_dup(st, 9, &oom);
    out->households = sqlite3_column_int64(st, 10);
    out->evaluations = sqlite3_column_int64(st, 11);
    out->errors = sqlite3_column_int64(st, 12);
    out->households_version = sqlite3_column_int64(st, 13);
    out->reused_from = sqlite3_column_int64(st, 14);
    out->reused = sqlite3_column_int64(st, 15);
    sqlite3_finalize(st);
    if (oom || !out->started || !out->eval_date || !out->status || !out->file_hashes ||
        !out->parameters) {
        bf_stored_run_free(out);
        bf_errors_add(errs, _("%s: reading run %lld: out of memory"), s->path,
                 (long long)run_id);
        return BF_ENOMEM;
    }
    return BF_OK;
}

void bf_stored_run_free(bf_stored_run *r)
{
    free(r->started);
    free(r->finished);
    free(r->eval_date);
    free(r->status);
    free(r->only);
    free(r->file_hashes);
    free(r->parameters);
    memset(r, 0, sizeof *r);
}

int bf_store_run_latest_completed(bf_store *s, int64_t *run_id, bf_errors *errs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT max(id) FROM runs WHERE status = 'completed' OR "
                                  "status = 'completed_with_errors'", -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "looking for the latest completed run", errs);
    int rc = sqlite3_step(st);
    bool found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (found)
        *run_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return bf__store_fail(s, BF_ESTORE, "looking for the latest completed run", errs);
    if (!found) {
        bf_errors_add(errs, _("%s: no completed run (run `bangfu run` first)"), s->path);
        return BF_ENOTFOUND;
    }
    return BF_OK;
}

int bf_store_run_policies(bf_store *s, int64_t run_id, bf_stored_policy **out, int *n,
                          bf_errors *errs)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = bf__store_prepare_run(s, "SELECT seq, policy, title, scope, evaluations, "
        "households_eligible, members_eligible, amount_fen, errors FROM run_policies "
        "WHERE run_id = ?1 ORDER BY seq", run_id, errs);
    if (!st)
        return BF_ESTORE;
    int rc, count = 0;
    bool oom = false;
    bf_stored_policy *rows = NULL;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        bf_stored_policy *grown = realloc(rows, sizeof *rows * (size_t)(count + 1));
        if (!grown) {
            oom = true;
            break;
        }
        rows = grown;
        bf_stored_policy *p = &rows[count++];
        p->seq = sqlite3_column_int(st, 0);
        p->policy = bf__store_column_dup(st, 1, &oom);
        p->title = bf__store_column_dup(st, 2, &oom);
        p->scope = bf__store_column_dup(st, 3, &oom);
        p->evaluations = sqlite3_column_int64(st, 4);
        p->households = sqlite3_column_int64(st, 5);
        p->members = sqlite3_column_int64(st, 6);
        p->amount_fen = sqlite3_column_int64(st, 7);
        p->errors = sqlite3_column_int64(st, 8);
    }
    sqlite3_finalize(st);
    if (oom || rc != SQLITE_DONE) {
        bf_stored_policies_free(rows, count);
        if (oom) {
            bf_errors_add(errs, _("%s: reading the run's policies: out of memory"), s->path);
            return BF_ENOMEM;
        }
        return bf__store_fail(s, BF_ESTORE, "reading the run's policies", errs);
    }
    *out = rows;
    *n = count;
    return BF_OK;
}

void bf_stored_policies_free(bf_stored_policy *p, int n)
{
    for (int i = 0; p && i < n; i++) {
        free(p[i].policy);
        free(p[i].title);
        free(p[i].scope);
    }
    free(p);
}

int bf_store_run_households_changed(bf_store *s, int64_t run_id, bool *changed, bf_errors *errs)
{
    sqlite3_stmt *st = bf__store_prepare_run(s, "SELECT households_version IS NOT " HOUSEHOLDS_VERSION
                                                " FROM runs WHERE id = ?1", run_id, errs);
    if (!st)
        return BF_ESTORE;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *changed = sqlite3_column_int(st, 0) != 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? BF_OK : bf__store_fail(s, BF_ESTORE,
                                                     "comparing the households' version", errs);
}

int bf_store_run_delete_decisions(bf_store *s, int64_t run_id, bf_errors *errs)
{
    bf__store_texts_forget(s);
    sqlite3_stmt *st = bf__store_prepare_run(s, "DELETE FROM decision_texts WHERE id IN (SELECT "
                                                "text_id FROM decision_rows WHERE run_id = ?1)",
                                             run_id, errs);
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) {
        st = bf__store_prepare_run(s, "DELETE FROM decision_rows WHERE run_id = ?1", run_id, errs);
        rc = st ? sqlite3_step(st) : SQLITE_ERROR;
        sqlite3_finalize(st);
    }
    if (rc == SQLITE_DONE) {
        st = bf__store_prepare_run(s, "DELETE FROM run_policy_ids WHERE run_id = ?1", run_id,
                                   errs);
        rc = st ? sqlite3_step(st) : SQLITE_ERROR;
        sqlite3_finalize(st);
    }
    return rc == SQLITE_DONE ? BF_OK : bf__store_fail(s, BF_ESTORE, "deleting the run's decisions",
                                                      errs);
}
