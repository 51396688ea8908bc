/* jobs.c — the simulation queue: what-ifs run one at a time on a thread of their own (with the
 * engine's worker threads), so one large simulation never holds up the household look-ups of
 * the request threads; a request waiting for its result is suspended meanwhile, and a page
 * shows the progress. The last results are remembered for their pages. */
#include "internal.h"
#include "bangfu.h"
#include "i18n.h"
#include "progress.h"
#include "report.h"
#include "simulate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_QUEUED 8                 /* simulations waiting; more are refused (503) */
#define REMEMBERED 16                /* ended simulations kept for their pages */

typedef struct waiter {
    void *conn;
    void (*resume)(void *conn);
} waiter;

struct bf_sim_job {
    bf_sim_queue *q;
    int64_t id;
    int refs;                        /* under q->lock */
    bf_date date;
    bf_override sets[BF_SERVE_MAX_SETS];
    int n_sets;
    char user[64];
    bf_job_state state;
    int64_t done, total;             /* progress */
    int status;                      /* HTTP status of the answer once ended */
    bf_buf json;                     /* simulate --format json, or {"error": …} */
    bf_buf page;                     /* the result page (HTML), when it ran */
    bf_buf error;                    /* why it failed, when it did */
    waiter *waiters;
    int n_waiters, cap_waiters;
    bf_sim_job *next;                /* in the queue */
};

struct bf_sim_queue {
    bf_server *server;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool closed;
    volatile sig_atomic_t cancel;
    int64_t next_id;
    bf_sim_job *head, *tail;
    int queued;
    bf_sim_job *remembered[REMEMBERED];
    int64_t n_remembered;
};

/* Drops a reference; the caller holds q->lock. */
static void release_locked(bf_sim_job *j)
{
    if (--j->refs > 0)
        return;
    bf_buf_free(&j->json);
    bf_buf_free(&j->page);
    bf_buf_free(&j->error);
    free(j->waiters);
    free(j);
}

void bf__job_release(bf_sim_job *j)
{
    bf_sim_queue *q = j->q;
    pthread_mutex_lock(&q->lock);
    release_locked(j);
    pthread_mutex_unlock(&q->lock);
}

int64_t bf__job_id(const bf_sim_job *j)
{
    return j->id;
}

/* Appends {"error": message} to out. */
static void json_error(bf_buf *out, const char *message)
{
    bf_buf_puts(out, "{\"error\":");
    bf_buf_json_string(out, message, strlen(message));
    bf_buf_puts(out, "}\n");
}

/* bf_progress observer: the job's households done so far. */
static void on_progress(void *ctx, int64_t done, int64_t total)
{
    bf_sim_job *j = ctx;
    pthread_mutex_lock(&j->q->lock);
    j->done = done;
    j->total = total;
    pthread_mutex_unlock(&j->q->lock);
}

/* Joins the messages of errs into one text. */
static void join_errors(bf_buf *out, const bf_errors *errs)
{
    for (int i = 0; i < errs->count; i++) {
        if (i)
            bf_buf_puts(out, "\n");
        bf_buf_puts(out, errs->msgs[i]);
    }
    if (!errs->count)
        bf_buf_puts(out, _("the simulation failed"));
}

/* Runs one simulation as `bangfu simulate --set … --format json` does, into j->json. */
static void simulate(bf_sim_queue *q, bf_sim_job *j)
{
    const bf_serve_config *cfg = &q->server->cfg;
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_param_set sets[2] = {0};
    bf_engine *engine = NULL;
    bf_store *store = NULL;
    bf_sim_result r;
    memset(&r, 0, sizeof r);
    bf_buf json = {0}, page = {0}, error = {0};
    int status = 400, rc = bf_params_resolve(cfg->params, j->date, NULL, 0, &sets[0], &errs);
    if (rc == BF_OK)
        rc = bf_params_resolve(cfg->params, j->date, j->sets, j->n_sets, &sets[1], &errs);
    if (rc == BF_OK) {
        bf_engine_config ec = {
            .policies_dir = cfg->policies_dir, .params = cfg->params, .sets = sets, .n_sets = 2,
            .date = j->date, .jobs = cfg->sim_jobs, .text = BF_TEXT_NONE, .modules = cfg->modules,
            .cancel = &q->cancel,
        };
        rc = bf_engine_open(&ec, &engine, &errs);
    }
    if (rc == BF_OK && (rc = bf_store_open_readonly(cfg->db, &store, &errs)) != BF_OK)
        status = 500;
    bool simulated = false;
    if (rc == BF_OK) {
        bf_sim_options so = {BF_BASELINE_AUTO, 50, BF_WI_CHANGED, j->sets, j->n_sets, &q->cancel};
        bf_progress_observe(on_progress, j);
        rc = bf_simulate(store, engine, &sets[0], &sets[1], &so, &r, &errs);
        bf_progress_observe(NULL, NULL);
        simulated = true;
        status = rc == BF_OK ? 200 : rc == BF_EINTERRUPTED ? 503 : 500;
    }
    if (rc == BF_OK) {
        bf_sim_scenario shown = {"", j->sets, r.effects, j->n_sets};
        bf_report_simulation_json(&json, engine, &r, j->date, &shown);
        bf__page_whatif_result(&page, engine, &r, j->date, &shown, j->id);
    } else {
        join_errors(&error, &errs);
        json_error(&json, bf_buf_str(&error));
    }
    if (simulated)
        bf_sim_result_free(&r);
    bf_store_close(store);
    bf_engine_close(engine);
    bf_param_set_free(&sets[0]);
    bf_param_set_free(&sets[1]);
    bf_errors_free(&errs);
    pthread_mutex_lock(&q->lock);
    j->json = json;
    j->page = page;
    j->error = error;
    j->status = json.oom ? 500 : status;
    j->state = rc == BF_OK ? BF_JOB_DONE : BF_JOB_FAILED;
    pthread_mutex_unlock(&q->lock);
}

/* Resumes every connection waiting for j; the caller holds q->lock. */
static void wake_waiters_locked(bf_sim_job *j)
{
    for (int i = 0; i < j->n_waiters; i++)
        j->waiters[i].resume(j->waiters[i].conn);
    j->n_waiters = 0;
}

/* Ends a job that will not run (the server stops); the caller holds q->lock. */
static void fail_locked(bf_sim_job *j, const char *message)
{
    json_error(&j->json, message);
    bf_buf_puts(&j->error, message);
    j->status = 503;
    j->state = BF_JOB_FAILED;
    wake_waiters_locked(j);
}

static void *queue_main(void *arg)
{
    bf_sim_queue *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (!q->head && !q->closed)
            pthread_cond_wait(&q->wake, &q->lock);
        if (q->closed)
            break;
        bf_sim_job *j = q->head;
        q->head = j->next;
        if (!q->head)
            q->tail = NULL;
        q->queued--;
        j->state = BF_JOB_RUNNING;
        pthread_mutex_unlock(&q->lock);
        simulate(q, j);
        pthread_mutex_lock(&q->lock);
        wake_waiters_locked(j);
        release_locked(j);                   /* the queue's reference */
    }
    for (bf_sim_job *j = q->head; j; j = q->head) {
        q->head = j->next;
        fail_locked(j, _("the server is stopping"));
        release_locked(j);
    }
    q->tail = NULL;
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

bf_sim_queue *bf__queue_start(bf_server *s)
{
    bf_sim_queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->server = s;
    q->next_id = 1;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->wake, NULL);
    if (pthread_create(&q->thread, NULL, queue_main, q) != 0) {
        pthread_mutex_destroy(&q->lock);
        pthread_cond_destroy(&q->wake);
        free(q);
        return NULL;
    }
    return q;
}

void bf__queue_close(bf_sim_queue *q)
{
    pthread_mutex_lock(&q->lock);
    bool was_closed = q->closed;
    q->closed = true;
    q->cancel = 1;
    pthread_cond_broadcast(&q->wake);
    pthread_mutex_unlock(&q->lock);
    if (!was_closed)
        pthread_join(q->thread, NULL);
}

void bf__queue_free(bf_sim_queue *q)
{
    if (!q)
        return;
    bf__queue_close(q);
    pthread_mutex_lock(&q->lock);
    for (int i = 0; i < REMEMBERED; i++)
        if (q->remembered[i])
            release_locked(q->remembered[i]);
    pthread_mutex_unlock(&q->lock);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->wake);
    free(q);
}

bf_sim_job *bf__job_submit(bf_sim_queue *q, bf_date date, const bf_override *sets, int n_sets,
                           const char *user, bf_errors *errs)
{
    bf_sim_job *j = calloc(1, sizeof *j);
    if (!j) {
        bf_errors_add(errs, _("out of memory"));
        return NULL;
    }
    j->q = q;
    j->date = date;
    j->n_sets = n_sets < BF_SERVE_MAX_SETS ? n_sets : BF_SERVE_MAX_SETS;
    memcpy(j->sets, sets, sizeof *sets * (size_t)j->n_sets);
    snprintf(j->user, sizeof j->user, "%s", user);
    pthread_mutex_lock(&q->lock);
    if (q->closed || q->queued >= MAX_QUEUED) {
        pthread_mutex_unlock(&q->lock);
        bf_errors_add(errs, q->closed ? _("the server is stopping")
                                        : _("%d simulations are waiting already; try again later"),
                 MAX_QUEUED);
        free(j);
        return NULL;
    }
    j->id = q->next_id++;
    j->refs = 3;                             /* the queue, the remembered list, the caller */
    bf_sim_job **slot = &q->remembered[q->n_remembered++ % REMEMBERED];
    if (*slot)
        release_locked(*slot);
    *slot = j;
    if (q->tail)
        q->tail->next = j;
    else
        q->head = j;
    q->tail = j;
    q->queued++;
    pthread_cond_signal(&q->wake);
    pthread_mutex_unlock(&q->lock);
    return j;
}

bf_sim_job *bf__job_find(bf_sim_queue *q, int64_t id)
{
    bf_sim_job *found = NULL;
    pthread_mutex_lock(&q->lock);
    for (int i = 0; i < REMEMBERED && !found; i++)
        if (q->remembered[i] && q->remembered[i]->id == id) {
            found = q->remembered[i];
            found->refs++;
        }
    pthread_mutex_unlock(&q->lock);
    return found;
}

bool bf__job_wait(bf_sim_job *j, void *conn, void (*suspend)(void *conn),
                  void (*resume)(void *conn))
{
    pthread_mutex_lock(&j->q->lock);
    bool waits = j->state == BF_JOB_QUEUED || j->state == BF_JOB_RUNNING;
    if (waits && j->n_waiters == j->cap_waiters) {
        int cap = j->cap_waiters ? 2 * j->cap_waiters : 4;
        waiter *w = realloc(j->waiters, sizeof *w * (size_t)cap);
        if (w) {
            j->waiters = w;
            j->cap_waiters = cap;
        }
    }
    waits = waits && j->n_waiters < j->cap_waiters;
    if (waits) {             /* suspended under the lock: the queue cannot resume it before */
        suspend(conn);
        j->waiters[j->n_waiters++] = (waiter){conn, resume};
    }
    pthread_mutex_unlock(&j->q->lock);
    return waits;
}

bf_job_state bf__job_state(bf_sim_job *j, int64_t *done, int64_t *total, int *status, bf_buf *json)
{
    pthread_mutex_lock(&j->q->lock);
    bf_job_state state = j->state;
    *done = j->done;
    *total = j->total;
    *status = j->status;
    if (json && (state == BF_JOB_DONE || state == BF_JOB_FAILED))
        bf_buf_add(json, j->json.data ? j->json.data : "", j->json.len);
    pthread_mutex_unlock(&j->q->lock);
    return state;
}

void bf__job_page(bf_sim_job *j, bf_buf *out)
{
    pthread_mutex_lock(&j->q->lock);
    bf_buf_add(out, j->page.data ? j->page.data : "", j->page.len);
    if (j->page.oom)
        out->oom = true;
    pthread_mutex_unlock(&j->q->lock);
}

void bf__job_error(bf_sim_job *j, bf_buf *out)
{
    pthread_mutex_lock(&j->q->lock);
    bf_buf_add(out, j->error.data ? j->error.data : "", j->error.len);
    pthread_mutex_unlock(&j->q->lock);
}
