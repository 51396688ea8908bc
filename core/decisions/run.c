/* run.c — the county run: reader → engine (worker threads) → one writer, in batches. Each batch
 * of decisions is one transaction; the run row says 'running' until the end, so a run killed
 * half-way never looks complete (and the store shows it 'abandoned' once its process is gone). */
#include "run.h"
#include "i18n.h"
#include "tally.h"
#include "bangfu.h"
#include "buf.h"
#include "progress.h"
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_BATCH 2048        /* the largest batch: households per transaction */
#define FIRST_BATCH 256           /* batches start small and double while they are fast */

void bf__run_time_now(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The name a file is recorded under: its name within the policies folder ("dibao.lua",
 * "lib/decision.lua", "params.xml"), never the path it was opened by, so that the same files
 * reached as "policies" or as an absolute path make the same record and a stored run is found as
 * simulate's baseline either way. */
static const char *file_key(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* "key":"the SHA-256 of the bytes" and then `after` (the files are hashed here, when a run
 * records them, not when they are loaded: check does not need their hashes). */
static void hash_entry(bf_buf *b, const char *key, const char *bytes, size_t len, const char *after)
{
    char sha256[65];
    bf_sha256_buffer(bytes, len, sha256);
    bf_buf_json_string(b, key, strlen(key));
    bf_buf_printf(b, ":\"%s\"%s", sha256, after);
}

static void hashes_json(bf_buf *b, const bf_engine *engine, const bf_params *params)
{
    int n, n_libs;
    const bf_policy *pol = bf_engine_policies(engine, &n);
    const bf_lib_file *libs = bf_engine_lib_files(engine, &n_libs);
    bf_buf_puts(b, "{");
    for (int i = 0; i < n; i++)
        hash_entry(b, file_key(pol[i].path), pol[i].src, pol[i].src_len, ",");
    for (int i = 0; i < n_libs; i++)
        hash_entry(b, libs[i].name, libs[i].src, libs[i].len, ",");
    hash_entry(b, file_key(params->path), params->bytes, params->n_bytes, "}");
}

static void parameters_json(bf_buf *b, const bf_param_set *set)
{
    bf_buf_puts(b, "{");
    for (int i = 0; i < set->defs->n; i++) {
        if (i)
            bf_buf_puts(b, ",");
        bf_buf_json_string(b, set->defs->items[i].name, strlen(set->defs->items[i].name));
        bf_buf_printf(b, ":%s", set->in_force[i] ? set->text[i] : "null");
    }
    bf_buf_puts(b, "}");
}

void bf__run_audit_json(const bf_engine *engine, const bf_param_set *set, bf_buf *hashes,
                        bf_buf *parameters)
{
    hashes_json(hashes, engine, set->defs);
    parameters_json(parameters, set);
}

/* Whether a decision is kept: eligible ones, errors, those of a policy the household's records
 * name (review compares them), or every one with --store-all. Reasons exist for exactly these. */
static bool worth_storing(const bf_decision *d, bool store_all)
{
    return store_all || d->eligible || d->failed || d->reasons >= 0;
}

int bf__run_store_batch(bf_store *store, int64_t run_id, const bf_household *hs, int n,
                       const bf_result *results, const bf_policy *pol, bool store_all,
                       bf_errors *errs)
{
    size_t cap = 0;
    for (int i = 0; i < n; i++)
        cap += (size_t)results[i].n;
    bf_decision_row *rows = malloc(sizeof *rows * (cap ? cap : 1));
    if (!rows) {
        bf_errors_add(errs, _("%s: out of memory"), bf_store_path(store));
        return BF_ENOMEM;
    }
    int n_rows = 0;
    for (int i = 0; i < n; i++) {
        const bf_result *r = &results[i];
        for (int k = 0; k < r->n; k++) {
            const bf_decision *d = &r->d[k];
            if (!pol[d->policy].reported || !worth_storing(d, store_all))
                continue;
            rows[n_rows++] = (bf_decision_row){
                hs[i].id, d->policy, d->member + 1, pol[d->policy].id,
                d->member >= 0 ? hs[i].members[d->member].id : NULL, d->eligible, d->amount,
                bf_result_text(r, d->tier), bf_result_text(r, d->reasons),
                bf_result_text(r, d->details), bf_result_text(r, d->error),
            };
        }
    }
    int rc = bf_store_begin(store, errs);
    if (rc == BF_OK)
        rc = bf_store_decisions_insert(store, run_id, rows, n_rows, errs);
    free(rows);
    if (rc == BF_OK)
        return bf_store_commit(store, errs);
    bf_store_rollback(store, errs);
    return rc;
}

void bf__run_note_errors(bf_errors *first, const bf_household *h, const bf_result *r)
{
    for (int k = 0; k < r->n; k++) {
        const bf_decision *d = &r->d[k];
        if (!d->failed)
            continue;
        if (d->member >= 0)
            bf_errors_add(first, _("household %s, member %s: %s"), h->id, h->members[d->member].id,
                          bf_result_text(r, d->error));
        else
            bf_errors_add(first, _("household %s: %s"), h->id, bf_result_text(r, d->error));
    }
}

int bf__run_finish_policies(bf_store *store, int64_t run_id, bf_engine *engine,
                           const bf_param_set *set, const bf_run_summary *out, int64_t also,
                           bf_errors *errs)
{
    int n;
    const bf_policy *pol = bf_engine_policies(engine, &n);
    const bool *read = bf_engine_params_read(engine);
    int rc = BF_OK;
    for (int k = 0; rc == BF_OK && k < n; k++) {
        if (!pol[k].reported)
            continue;
        char *earlier = NULL;          /* what the policy read in run `also` */
        if (also && (rc = bf_store_run_params_read(store, also, k, &earlier, errs)) != BF_OK)
            break;
        bf_buf names = {0};
        bf_buf_puts(&names, "[");
        int listed = 0;
        for (int i = 0; i < set->defs->n; i++) {
            char quoted[300];
            snprintf(quoted, sizeof quoted, "\"%s\"", set->defs->items[i].name);
            if (read[k * set->defs->n + i] || (earlier && strstr(earlier, quoted))) {
                bf_buf_puts(&names, listed++ ? "," : "");
                bf_buf_json_string(&names, set->defs->items[i].name, strlen(set->defs->items[i].name));
            }
        }
        free(earlier);
        bf_buf_puts(&names, "]");
        const bf_totals *t = &out->per_policy[k];
        bf_run_policy_row row = {
            k, pol[k].id, pol[k].title, pol[k].scope == BF_SCOPE_HOUSEHOLD ? "household" : "member",
            t->evaluations, t->households, t->members, t->amount, t->errors, bf_buf_str(&names),
        };
        rc = bf_store_run_policy_insert(store, run_id, &row, errs);
        bf_buf_free(&names);
    }
    return rc;
}

/* A run must describe one version of the county: when an import wrote households while the run
 * was reading them, its decisions mix old and new records, so they are deleted again and the run
 * fails with a message saying why (issue 11: one snapshot per run). */
static int check_one_snapshot(bf_store *store, int64_t run_id, bf_errors *errs)
{
    bool changed = false;
    int rc = bf_store_run_households_changed(store, run_id, &changed, errs);
    if (rc == BF_OK && changed) {
        bf_errors_add(errs, _("households were imported while run %lld was reading them, so its "
                        "decisions would mix old and new records; they were not kept and the run "
                        "is marked failed: run it again"), (long long)run_id);
        rc = bf_store_run_delete_decisions(store, run_id, errs);
        return rc == BF_OK ? BF_ECHANGED : rc;
    }
    return rc;
}

int bf_run_execute(bf_store *store, bf_engine *engine, const bf_param_set *set,
                   const bf_run_options *opt, bf_run_summary *out, bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    bf_errors_init(&out->first_errors, 10);
    int n_pol;
    const bf_policy *pol = bf_engine_policies(engine, &n_pol);
    out->n_policies = n_pol;
    out->per_policy = calloc((size_t)n_pol, sizeof *out->per_policy);
    int batch = opt->batch > 0 ? opt->batch : DEFAULT_BATCH;
    bf_result *results[2] = {calloc((size_t)batch, sizeof *results[0]),
                             calloc((size_t)batch, sizeof *results[1])};
    if (!out->per_policy || !results[0] || !results[1]) {
        free(results[0]);
        free(results[1]);
        return BF_ENOMEM;
    }
    double started = bf_now();
    const bf_params *defs = set->defs;
    int *newly = malloc(sizeof *newly * (size_t)(defs->n + 1));
    bf_tally *tally = NULL;
    char when[32], date[BF_DATE_STRLEN];
    bf__run_time_now(when);
    bf_date_format(set->date, date);
    bf_buf hashes = {0}, values = {0};
    bf__run_audit_json(engine, set, &hashes, &values);
    bf_run_row row = {when, date, bf_engine_jobs(engine), opt->only, opt->store_all,
                      bf_buf_str(&hashes), bf_buf_str(&values)};
    int rc = bf_store_run_create(store, &row, &out->run_id, errs);
    bf_buf_free(&hashes);
    bf_buf_free(&values);
    int64_t total = 0, members = 0;
    if (rc == BF_OK)
        rc = bf_store_count(store, &total, &members, errs);
    if (rc == BF_OK)
        rc = bf_store_bulk(store, true, errs);
    if (rc == BF_OK && (!newly || bf__tally_new(defs, pol, n_pol, total, &tally) != BF_OK))
        rc = BF_ENOMEM;
    bf_reader *reader = NULL;
    if (rc == BF_OK)
        rc = bf_store_reader_open(store, batch, &reader, errs);
    int limit = FIRST_BATCH < batch ? FIRST_BATCH : batch;
    if (rc == BF_OK)
        bf_reader_set_limit(reader, limit);
    bf_progress bar;
    bf_progress_start(&bar, _("run"), total, 10000);
    out->status = "failed";
    bool interrupted = false;
    /* The pipeline: while the workers evaluate batch k, this thread reads batch k+1, then
     * starts it and stores batch k. Every way out first waits for the batch in flight. */
    bf_household *cur = NULL, *next = NULL;
    int n_cur = 0, n_next = 0, turn = 0;
    double batch_started = bf_now();
    if (rc == BF_OK && (rc = bf_reader_next(reader, &cur, &n_cur, errs)) == BF_OK && n_cur > 0)
        bf_engine_start(engine, cur, n_cur, 0, results[turn]);
    while (rc == BF_OK && n_cur > 0) {
        rc = bf_reader_next(reader, &next, &n_next, errs);
        int erc = bf_engine_finish(engine);
        if (rc != BF_OK)
            break;
        if (erc == BF_EINTERRUPTED || (opt->interrupted && *opt->interrupted)) {
            interrupted = true;          /* the batch in hand may be incomplete: keep none of it */
            break;
        }
        if (n_next > 0)
            bf_engine_start(engine, next, n_next, 0, results[turn ^ 1]);
        const bf_result *res = results[turn];
        for (int i = 0; i < n_cur; i++) {
            bf__totals_add(out->per_policy, pol, &cur[i], &res[i]);   /* checked after the loop */
            out->evaluations += res[i].n;
            out->errors += res[i].errors;
            if (res[i].errors)
                bf__run_note_errors(&out->first_errors, &cur[i], &res[i]);
            int n_newly = 0;
            if (rc == BF_OK)
                rc = bf__tally_add(tally, &cur[i], &res[i], newly, &n_newly);
            for (int j = 0; j < n_newly; j++)
                bf_engine_cache_param(engine, newly[j]);   /* read by everyone: cache it */
        }
        if (rc == BF_OK)
            rc = bf__run_store_batch(store, out->run_id, cur, n_cur, res, pol, opt->store_all,
                                     errs);
        out->households += n_cur;
        bf_progress_update(&bar, out->households);
        /* slow scripts still commit progress about every second; fast ones use big transactions */
        double now = bf_now(), took = now - batch_started;
        batch_started = now;
        limit = took > 1.0 ? limit / 2 : took < 0.25 ? limit * 2 : limit;
        limit = limit < 16 ? 16 : limit > batch ? batch : limit;
        bf_reader_set_limit(reader, limit);
        cur = next;
        n_cur = n_next;
        turn ^= 1;
        if (rc != BF_OK && n_cur > 0)
            bf_engine_finish(engine);    /* the next batch was started: let it end */
    }
    bf_progress_end(&bar);
    if (rc == BF_OK && !interrupted)
        rc = bf_totals_check(out->per_policy, pol, n_pol, errs);
    if (rc == BF_OK && !interrupted)
        rc = check_one_snapshot(store, out->run_id, errs);
    bf_reader_close(reader);
    for (int t = 0; t < 2; t++) {
        for (int i = 0; i < batch; i++)
            bf_result_free(&results[t][i]);
        free(results[t]);
    }
    if (out->run_id == 0) {
        bf__tally_free(tally);
        free(newly);
        return rc;
    }
    out->status = rc != BF_OK ? "failed" : interrupted ? "interrupted"
                  : out->errors ? "completed_with_errors" : "completed";
    /* the final record: policy totals and status in one transaction */
    bf__run_time_now(when);
    int frc = bf_store_begin(store, errs);
    if (frc == BF_OK)
        frc = bf__run_finish_policies(store, out->run_id, engine, set, out, 0, errs);
    bool whole = rc == BF_OK && !interrupted && !opt->only;   /* a tally of every household */
    if (frc == BF_OK && rc == BF_OK)     /* what the run stored, for its report */
        frc = bf__tally_store_towns(tally, store, out->run_id, errs);
    if (frc == BF_OK && whole)
        frc = bf__tally_store_reads(tally, store, out->run_id, errs);
    if (frc == BF_OK && whole && bf_engine_date_read(engine))   /* for a re-run on another date */
        frc = bf_store_run_reads_insert(store, out->run_id, BF_RUN_DATE_READ, true, NULL, errs);
    if (frc == BF_OK && whole)
        frc = bf_store_run_summary_done(store, out->run_id, errs);
    if (frc == BF_OK)
        frc = bf_store_run_finish(store, out->run_id, out->status, when, out->households,
                                  out->evaluations, out->errors, errs);
    if (frc == BF_OK)
        frc = bf_store_commit(store, errs);
    if (frc != BF_OK) {
        bf_store_rollback(store, errs);
        bf_store_run_finish(store, out->run_id, "failed", when, out->households,
                            out->evaluations, out->errors, errs);
    }
    bf_store_bulk(store, false, NULL);          /* a failure here loses nothing */
    bf__tally_free(tally);
    free(newly);
    out->seconds = bf_now() - started;
    return rc != BF_OK ? rc : frc;
}

void bf_run_summary_free(bf_run_summary *s)
{
    free(s->per_policy);
    bf_errors_free(&s->first_errors);
    memset(s, 0, sizeof *s);
}

const char *bf_run_status_label(const char *status)
{
    static const char *const labels[][2] = {
        {"completed", N_("completed")},
        {"completed_with_errors", N_("completed, with evaluation errors")},
        {"interrupted", N_("interrupted, results incomplete")},
        {"failed", N_("failed")},
        {"running", N_("running")},
        {"abandoned", N_("abandoned: its process ended before it finished, results incomplete")},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i][0], status) == 0)
            return _(labels[i][1]);
    return status;
}
