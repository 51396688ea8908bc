/* workers.c — the engine's threads: opening and closing an engine (one sandbox and Lua state
 * per worker, every policy loaded into each), handing batches of households to the workers in
 * chunks, and what is summed over them (parameters read, counters). */
#include "internal.h"
#include "decision_lib.h"
#include "i18n.h"
#include "coverage.h"
#include "bangfu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 8                                  /* households a worker claims at a time */

/* ---- worker threads ---- */

static void run_share(worker *w)
{
    bf_engine *e = w->e;
    for (;;) {
        if (e->cfg.cancel && *e->cfg.cancel)
            return;
        int start = atomic_fetch_add(&e->job_next, CHUNK);
        if (start >= e->job_n)
            return;
        int end = start + CHUNK < e->job_n ? start + CHUNK : e->job_n;
        for (int i = start; i < end; i++) {
            if (e->job_scen)
                bf__evaluate_pair(w, &e->job_hs[i], e->job_changed, e->job_stored_reads,
                                  &e->job_results[i], &e->job_scen[i], w->reevaluated);
            else
                bf__evaluate_household(w, &e->job_hs[i], e->job_set, &e->job_results[i]);
        }
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    bf_engine *e = w->e;
    uint64_t seen = 0;
    pthread_mutex_lock(&e->mu);
    for (;;) {
        while (!e->stopping && e->generation == seen)
            pthread_cond_wait(&e->wake, &e->mu);
        if (e->stopping)
            break;
        seen = e->generation;
        pthread_mutex_unlock(&e->mu);
        run_share(w);
        pthread_mutex_lock(&e->mu);
        if (--e->busy == 0)
            pthread_cond_signal(&e->done);
    }
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

/* Hands the job set up in e to every worker thread and returns at once. */
static void start_job(bf_engine *e)
{
    atomic_store(&e->job_next, 0);
    pthread_mutex_lock(&e->mu);
    e->busy = e->jobs;
    e->generation++;
    pthread_cond_broadcast(&e->wake);
    pthread_mutex_unlock(&e->mu);
}

int bf_engine_finish(bf_engine *e)
{
    pthread_mutex_lock(&e->mu);
    while (e->busy > 0)
        pthread_cond_wait(&e->done, &e->mu);
    pthread_mutex_unlock(&e->mu);
    return e->cfg.cancel && *e->cfg.cancel ? BF_EINTERRUPTED : BF_OK;
}

int bf_engine_start(bf_engine *e, const bf_household *hs, int n, int set, bf_result *results)
{
    if (set < 0 || set >= e->cfg.n_sets)
        return BF_EUSAGE;
    e->job_hs = hs;
    e->job_n = n;
    e->job_set = set;
    e->job_results = results;
    e->job_scen = NULL;
    start_job(e);
    return BF_OK;
}

bf_text_mode bf_engine_set_text(bf_engine *e, bf_text_mode text)
{
    bf_text_mode was = e->cfg.text;
    e->cfg.text = text;
    return was;
}

int bf_engine_evaluate(bf_engine *e, const bf_household *hs, int n, int set, bf_result *results)
{
    int rc = bf_engine_start(e, hs, n, set, results);
    return rc == BF_OK ? bf_engine_finish(e) : rc;
}

int bf_engine_start_pair(bf_engine *e, const bf_household *hs, int n, const bool *changed,
                         const bool *stored_reads, bf_result *base, bf_result *scen)
{
    if (e->cfg.n_sets != 2 || e->n_pol > 256)
        return BF_EUSAGE;
    e->job_hs = hs;
    e->job_n = n;
    e->job_set = 0;
    e->job_results = base;
    e->job_scen = scen;
    e->job_changed = changed;
    e->job_stored_reads = stored_reads;
    start_job(e);
    return BF_OK;
}

void bf_engine_take_reevaluated(bf_engine *e, int64_t *reevaluated)
{
    for (int k = 0; k < e->n_pol; k++)
        for (int i = 0; i < e->jobs; i++) {
            reevaluated[k] += e->workers[i].reevaluated[k];
            e->workers[i].reevaluated[k] = 0;
        }
}

/* Loads every policy in evaluation order into the worker's state and builds its views. */
static int setup_worker(bf_engine *e, worker *w, bf_errors *errs)
{
    lua_State *L = w->L;
    int n_sets = e->cfg.n_sets, np = e->cfg.params->n;
    w->eval_ref = calloc((size_t)e->n_pol, sizeof *w->eval_ref);
    w->ctx_ref = calloc((size_t)(e->n_pol * n_sets), sizeof *w->ctx_ref);
    w->proot_ref = calloc((size_t)(e->n_pol * n_sets), sizeof *w->proot_ref);
    w->ages = calloc(BF_MEMBERS_MAX, sizeof *w->ages);
    w->member_proxy = calloc(BF_MEMBERS_MAX, sizeof *w->member_proxy);
    w->shown_m = calloc(BF_MEMBERS_MAX, sizeof *w->shown_m);
    w->recorded = calloc((size_t)e->n_pol, sizeof *w->recorded);
    w->reevaluated = calloc((size_t)e->n_pol, sizeof *w->reevaluated);
    w->read = calloc((size_t)(e->n_pol * (np ? np : 1)), sizeof *w->read);
    for (int s = 0; s < n_sets; s++) {
        w->failed[s] = calloc((size_t)(e->n_pol * SLOTS_PER_POLICY), sizeof *w->failed[s]);
        w->viewed[s] = calloc((size_t)(e->n_pol * SLOTS_PER_POLICY), sizeof *w->viewed[s]);
    }
    if (!w->eval_ref || !w->ctx_ref || !w->proot_ref || !w->ages || !w->member_proxy ||
        !w->shown_m || !w->recorded ||
        !w->reevaluated || !w->read ||
        !w->failed[0] || !w->viewed[0] ||
        (n_sets > 1 && (!w->failed[1] || !w->viewed[1]))) {
        bf_errors_add(errs, _("out of memory setting up worker %d"), w->index);
        return BF_ENOMEM;
    }
    int top = lua_gettop(L);
    for (int k = 0; k < e->n_pol; k++) {
        if (bf__catalog_push_policy(e, w->sb, k, errs) != BF_OK)
            return BF_ESCRIPT;
        lua_getfield(L, -1, "evaluate");                 /* policy, evaluate */
        /* what evaluate reaches outlives every evaluation: frozen, so none leaves a value there */
        bf_errors why;
        bf_errors_init(&why, 1);
        if (bf__sandbox_freeze(w->sb, &why) != BF_OK) {
            bf_errors_add(errs, "%s: %s", e->pol[k].display, bf_errors_first(&why));
            bf_errors_free(&why);
            return BF_ESCRIPT;
        }
        w->eval_ref[k] = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pop(L, 1);                                   /* nothing */
        assert(lua_gettop(L) == top);
    }
    w->handout = bf__decision_handout(L);            /* when a script required the library */
    lua_pushcfunction(L, bf__views_setup);
    lua_pushlightuserdata(L, w);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        bf_errors_add(errs, _("cannot set up worker %d: %s"), w->index, lua_tostring(L, -1));
        lua_pop(L, 1);
        return BF_ELIMIT;
    }
    return BF_OK;
}

int bf_engine_open(const bf_engine_config *cfg, bf_engine **out, bf_errors *errs)
{
    *out = NULL;
    if (!cfg->params || !cfg->sets || cfg->n_sets < 1 || cfg->n_sets > 2)
        return BF_EUSAGE;
    bf_engine *e = calloc(1, sizeof *e);
    if (!e)
        return BF_ENOMEM;
    e->cfg = *cfg;
    bf_date_format(cfg->date, e->date_text);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    e->jobs = cfg->jobs > 0 ? cfg->jobs : (cores > 0 ? (int)cores : 1);
    if (e->jobs > 64)
        e->jobs = 64;
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->wake, NULL);
    pthread_cond_init(&e->done, NULL);
    e->workers = calloc((size_t)e->jobs, sizeof *e->workers);
    e->boxes = calloc((size_t)e->jobs, sizeof *e->boxes);
    if (!e->workers || !e->boxes) {
        bf_engine_close(e);
        return BF_ENOMEM;
    }
    char lib_dir[4096], lib_prefix[4096];
    snprintf(lib_dir, sizeof lib_dir, "%s/lib", cfg->policies_dir);
    snprintf(lib_prefix, sizeof lib_prefix, "%s/lib/", cfg->policies_dir);
    bf_sandbox_config sc = {cfg->max_memory, cfg->max_instructions, lib_dir, lib_prefix, cfg->modules,
                            cfg->no_budget, cfg->max_seconds};
    int rc = BF_OK;
    for (int i = 0; i < e->jobs && rc == BF_OK; i++) {
        worker *w = &e->workers[i];
        w->e = e;
        w->index = i;
        bf_errors_init(&w->err, 1);
        rc = bf__sandbox_new(&sc, &w->sb, errs);
        if (rc != BF_OK)
            break;
        w->L = bf__sandbox_state(w->sb);
        e->boxes[i] = w->sb;
        if (cfg->coverage)
            bf__sandbox_observe_lines(w->sb, bf__coverage_observe, cfg->coverage);
        bf__sandbox_set_user(w->sb, w);
    }
    if (rc == BF_OK && !cfg->no_budget)
        rc = bf__watchdog_start(e->boxes, e->jobs, &e->watchdog);
    if (rc == BF_OK)
        rc = bf__catalog_load(e, e->workers[0].sb, errs);
    if (rc == BF_OK && !(e->cacheable = calloc((size_t)cfg->params->n + 1, sizeof *e->cacheable)))
        rc = BF_ENOMEM;
    if (rc == BF_OK && !(e->read_union = calloc((size_t)(e->n_pol * (cfg->params->n ? cfg->params->n : 1)),
                                                 sizeof *e->read_union)))
        rc = BF_ENOMEM;
    for (int i = 0; i < e->jobs && rc == BF_OK; i++)
        rc = setup_worker(e, &e->workers[i], errs);
    for (int i = 0; i < e->jobs && rc == BF_OK; i++) {
        if (pthread_create(&e->workers[i].thread, NULL, worker_main, &e->workers[i]) != 0)
            rc = BF_ENOMEM;
        else
            e->workers[i].has_thread = true;
    }
    if (rc != BF_OK) {
        bf_engine_close(e);
        return rc;
    }
    *out = e;
    return BF_OK;
}

void bf_engine_close(bf_engine *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->mu);
    e->stopping = true;
    pthread_cond_broadcast(&e->wake);
    pthread_mutex_unlock(&e->mu);
    for (int i = 0; e->workers && i < e->jobs; i++)
        if (e->workers[i].has_thread)
            pthread_join(e->workers[i].thread, NULL);
    bf__watchdog_stop(e->watchdog);
    for (int i = 0; e->workers && i < e->jobs; i++) {
        worker *w = &e->workers[i];
        bf__sandbox_free(w->sb);
        free(w->eval_ref); free(w->ctx_ref); free(w->proot_ref); free(w->ages); free(w->read);
        free(w->member_proxy);
        free(w->recorded);
        free(w->shown_m);
        free(w->reevaluated);
        free(w->failed[0]); free(w->failed[1]);
        free(w->decision_reads);
        free(w->viewed[0]); free(w->viewed[1]);
        bf_buf_free(&w->trace); bf_errors_free(&w->err); bf_buf_free(&w->params);
        bf_buf_free(&w->scratch); bf_buf_free(&w->why);
        bf_result_free(&w->support);
    }
    bf__catalog_free(e);
    free(e->read_union);
    free(e->cacheable);
    free(e->workers);
    free(e->boxes);
    pthread_mutex_destroy(&e->mu);
    pthread_cond_destroy(&e->wake);
    pthread_cond_destroy(&e->done);
    free(e);
}

const bf_params *bf_engine_params(const bf_engine *e)
{
    return e->cfg.params;
}

int bf_engine_jobs(const bf_engine *e)
{
    return e->jobs;
}

void bf_engine_cache_param(bf_engine *e, int i)
{
    assert(i >= 0 && i < e->cfg.params->n);
    atomic_store_explicit(&e->cacheable[i], true, memory_order_relaxed);
}

bool bf_engine_date_read(const bf_engine *e)
{
    return atomic_load_explicit(&e->date_read, memory_order_relaxed);
}

const bool *bf_engine_params_read(bf_engine *e)
{
    int total = e->n_pol * e->cfg.params->n;
    for (int i = 0; i < e->jobs; i++)
        for (int k = 0; k < total; k++)
            e->read_union[k] = e->read_union[k] || e->workers[i].read[k];
    return e->read_union;
}

void bf_engine_stats(const bf_engine *e, bf_sandbox_stats *st)
{
    memset(st, 0, sizeof *st);
    for (int i = 0; i < e->jobs; i++) {
        bf_sandbox_stats s;
        bf__sandbox_get_stats(e->workers[i].sb, &s);
        st->calls += s.calls;
        st->counted_reruns += s.counted_reruns;
        st->memory += s.memory;
    }
}

long bf_engine_decisions_reused(const bf_engine *e)
{
    long n = 0;
    for (int i = 0; i < e->jobs; i++)
        n += e->workers[i].handout ? e->workers[i].handout->reused : 0;
    return n;
}

void bf_engine_always_count(bf_engine *e, bool on)
{
    for (int i = 0; i < e->jobs; i++)
        bf__sandbox_always_count(e->workers[i].sb, on);
}
