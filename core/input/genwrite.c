/* genwrite.c — a whole synthetic population written into a store or an XML file, a chunk of
 * households at a time: generated (gen.c), made eligible by the caller's evaluation of the
 * policy scripts, recorded, checked, written; nothing kept on an error or a stop. */
#include "gen.h"
#include "bangfu.h"
#include "i18n.h"
#include "xmlwrite.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ======================================================================== in chunks */

/* Households generated, decided and checked together before they are written. */
#define CHUNK 512

typedef struct chunk {
    bf_household hs[CHUNK];
    int n;
} chunk;

static bool stopped(const bf_gen_job *job)
{
    return job->stop && *job->stop;
}

/* Generates households [from, to) (at most CHUNK) into c: their fields, what the policy scripts
 * make them eligible for (job->eligible), what the records say, then the record rules. */
static int make_chunk(const bf_gen_job *job, int64_t from, int64_t to, chunk *c, bf_errors *errs)
{
    c->n = 0;
    for (int64_t i = from; i < to; i++, c->n++) {
        if (stopped(job))
            return BF_EINTERRUPTED;
        if (bf_gen_household(job->county, job->seed, i, job->on, &c->hs[c->n]) != BF_OK) {
            bf_errors_add(errs, _("household %lld: out of memory"), (long long)i + 1);
            return BF_ENOMEM;
        }
    }
    int rc = job->eligible ? job->eligible(job->eligible_ctx, c->hs, c->n, errs) : BF_OK;
    for (int k = 0; rc == BF_OK && k < c->n; k++) {
        if (job->eligible)
            bf__gen_record(job->seed, from + k, &c->hs[k]);
        if (bf_household_validate(&c->hs[k], NULL, job->on, errs) > 0)
            rc = BF_EINPUT;   /* a generator bug: never write an invalid record */
    }
    return rc;
}

static chunk *chunk_new(bf_errors *errs)
{
    chunk *c = calloc(1, sizeof *c);
    if (!c)
        bf_errors_add(errs, _("out of memory"));
    return c;
}

static void chunk_free(chunk *c)
{
    for (int k = 0; c && k < CHUNK; k++)
        bf_household_free(&c->hs[k]);
    free(c);
}

/* ======================================================================== into the store */

/* Generates and inserts households [from, to) inside one transaction. */
static int store_batch(bf_store *s, const bf_gen_job *job, int64_t from, int64_t to,
                       chunk *c, bf_gen_totals *totals, bf_errors *errs)
{
    int rc = bf_store_begin(s, errs);
    if (rc != BF_OK)
        return rc;
    for (int64_t at = from; at < to; at += CHUNK) {
        if ((rc = make_chunk(job, at, at + CHUNK < to ? at + CHUNK : to, c, errs)) != BF_OK)
            return rc;
        for (int k = 0; k < c->n; k++) {
            if ((rc = bf_store_insert_household(s, &c->hs[k], errs)) != BF_OK)
                return rc;
            totals->members += c->hs[k].n_members;
        }
        if (job->progress)
            bf_progress_update(job->progress, at + c->n);
    }
    if ((rc = bf_store_commit(s, errs)) != BF_OK)
        return rc;
    totals->households = to;
    return BF_OK;
}

/* After the store's own message: which households an undo could not remove. */
static void may_remain(int64_t n, bf_errors *errs)
{
    bf_errors_add(errs, _("households H%09d to H%09lld may remain in the database"), 1,
                  (long long)n);
}

/* Removes the households [0, n) committed before a failure (the store held none before). */
static void undo_store(bf_store *s, int64_t n, bf_errors *errs)
{
    if (bf_store_rollback(s, errs) != BF_OK || (n > 0 && bf_store_begin(s, errs) != BF_OK)) {
        may_remain(n, errs);
        return;
    }
    for (int64_t i = 0; i < n; i++) {
        char id[BF_ID_BYTES];
        bf_gen_household_id(i, id);
        if (bf_store_delete_household(s, id, errs) != BF_OK) {
            may_remain(n, errs);
            bf_store_rollback(s, errs);
            return;
        }
    }
    if (n > 0 && bf_store_commit(s, errs) != BF_OK)
        may_remain(n, errs);
}

static int check_job(const bf_gen_job *job, bf_errors *errs)
{
    if (job->n < 1 || job->n > BF_GEN_MAX_HOUSEHOLDS) {
        bf_errors_add(errs, _("the number of households must be 1 to %d, got %lld"),
                      BF_GEN_MAX_HOUSEHOLDS, (long long)job->n);
        return BF_EUSAGE;
    }
    return BF_OK;
}

int bf_gen_to_store(bf_store *s, const bf_gen_job *job, bf_gen_totals *totals, bf_errors *errs)
{
    *totals = (bf_gen_totals){0, 0};
    int rc = check_job(job, errs);
    if (rc != BF_OK)
        return rc;
    int64_t households = 0, members = 0;
    if ((rc = bf_store_count(s, &households, &members, errs)) != BF_OK)
        return rc;
    if (households > 0) {
        bf_errors_add(errs, _("%s already holds %lld households; gen writes only into a database "
                      "without households"), bf_store_path(s), (long long)households);
        return BF_EUSAGE;
    }
    chunk *c = chunk_new(errs);
    if (!c)
        return BF_ENOMEM;
    for (int64_t from = 0; from < job->n && rc == BF_OK; from += BF_GEN_BATCH) {
        int64_t to = from + BF_GEN_BATCH < job->n ? from + BF_GEN_BATCH : job->n;
        rc = store_batch(s, job, from, to, c, totals, errs);
    }
    if (job->progress)
        bf_progress_update(job->progress, totals->households);
    chunk_free(c);
    if (rc == BF_EINTERRUPTED)
        bf_errors_add(errs, _("interrupted after %lld households; nothing was kept"),
                      (long long)totals->households);
    if (rc != BF_OK) {
        if (bf_store_created(s))
            bf_store_rollback(s, errs);    /* the batch in hand; the caller discards the file */
        else
            undo_store(s, totals->households, errs);
        *totals = (bf_gen_totals){0, 0};
    }
    return rc;
}

/* ======================================================================== into an XML file */

/* Generates and writes households 0 … n−1 through an open writer. */
static int write_all(bf_xml_writer *w, const bf_gen_job *job, bf_gen_totals *totals,
                     bf_errors *errs)
{
    chunk *c = chunk_new(errs);
    int rc = c ? BF_OK : BF_ENOMEM;
    for (int64_t at = 0; at < job->n && rc == BF_OK; at += CHUNK) {
        rc = make_chunk(job, at, at + CHUNK < job->n ? at + CHUNK : job->n, c, errs);
        for (int k = 0; rc == BF_OK && k < c->n; k++)
            if ((rc = bf_xml_write_household(w, &c->hs[k])) == BF_OK) {
                totals->households++;
                totals->members += c->hs[k].n_members;
            }
        if (job->progress)
            bf_progress_update(job->progress, totals->households);
    }
    if (rc == BF_EINTERRUPTED)
        bf_errors_add(errs, _("interrupted after %lld households"), (long long)totals->households);
    chunk_free(c);
    return rc;
}

int bf_gen_to_xml(const char *path, const bf_gen_job *job, bf_gen_totals *totals, bf_errors *errs)
{
    *totals = (bf_gen_totals){0, 0};
    int rc = check_job(job, errs);
    if (rc != BF_OK)
        return rc;
    bf_xml_writer *w = NULL;
    if ((rc = bf_xml_writer_open(path, &w, errs)) != BF_OK)
        return rc;
    rc = write_all(w, job, totals, errs);
    int closed = bf_xml_writer_close(w, errs);
    if (rc == BF_OK)
        rc = closed;
    struct stat st;
    if (rc != BF_OK) {
        /* only a file: run as root, unlinking /dev/full would remove the device */
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && unlink(path) != 0)
            bf_errors_add(errs, _("%s: the partial file could not be removed"), path);
        *totals = (bf_gen_totals){0, 0};
    }
    return rc;
}
