/* internal.h — what the files of core/serve share: a request and its response as the routes see
 * them (no libmicrohttpd type leaves http.c), the server, the per-thread look-up contexts, the
 * simulation queue and the sessions. */
#ifndef BF_SERVE_INTERNAL_H
#define BF_SERVE_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "engine.h"
#include "params.h"
#include "serve.h"
#include "store.h"

#define BF_SERVE_MAX_BODY   (64 * 1024)   /* bytes of a request body (a what-if, a login) */
#define BF_SERVE_TIMEOUT    30            /* seconds a connection may stay idle or slow */
#define BF_SERVE_MAX_SETS   64            /* parameters one what-if may change */

typedef struct bf_auth bf_auth;
typedef struct bf_sim_queue bf_sim_queue;
typedef struct bf_sim_job bf_sim_job;
typedef struct bf_lookup bf_lookup;

/* Who is asking: a logged-in user, or on loopback without --users everyone ("" user). */
typedef struct bf_session_view {
    char user[64];
    char role[16];
    char csrf[65];                 /* the token every POST of this session carries */
} bf_session_view;

typedef struct bf_request {
    bf_server *server;
    void *conn;                    /* the libmicrohttpd connection (http.c only) */
    const char *method;            /* "GET", "POST", … */
    const char *path;              /* already percent-decoded by libmicrohttpd */
    const char *body;              /* the request body (NUL-terminated), "" when none */
    size_t body_len;
    const char *client;            /* the client's address as text */
    bool has_session;              /* a valid session (always true without --users) */
    bf_session_view session;
} bf_request;

typedef struct bf_response {
    int status;                    /* HTTP status */
    const char *type;              /* Content-Type */
    bf_buf body;
    char location[512];            /* a redirect's target, "" when none */
    char cookie[300];              /* a Set-Cookie value, "" when none */
    int retry_after;               /* seconds for Retry-After, 0 when none */
    bf_sim_job *wait_for;          /* a simulation the answer waits for (the connection is
                                    * suspended until it ends); the response holds a reference */
} bf_response;

struct bf_server {
    bf_serve_config cfg;
    void *daemon;                  /* struct MHD_Daemon */
    int port;
    bool tls;
    char *cert_pem, *key_pem;
    bf_auth *auth;                 /* NULL without --users */
    char anon_csrf[65];            /* without --users: the token of the forms */
    bf_sim_queue *queue;
    pthread_mutex_t lookups_lock;
    bf_lookup *lookups;            /* every thread's context, freed at stop */
    pthread_mutex_t audit_lock;
    bf_store *audit;               /* writable connection for the views log; NULL if none */
    volatile sig_atomic_t stopping;
};

/* ---- http.c ---- */
/* A query-string argument of the request, NULL when absent. */
const char *bf__req_arg(const bf_request *r, const char *name);
/* A form field of a POSTed application/x-www-form-urlencoded body (decoded into out); false
 * when absent. */
bool bf__req_form(const bf_request *r, const char *name, char *out, size_t size);
/* A cookie of the request, NULL when absent. */
const char *bf__req_cookie(const bf_request *r, const char *name);
/* A request header, NULL when absent. */
const char *bf__req_header(const bf_request *r, const char *name);
/* Fills the random bytes of a token as hex (2 * n + 1 bytes into out); false when the system
 * gave no randomness. */
bool bf__random_hex(char *out, size_t n);

/* ---- routes.c ---- */
/* Answers one request (everything but the transport). */
void bf__route(bf_request *req, bf_response *res);
/* Sets an error answer: status and {"error": message} for /api/, a page otherwise. */
void bf__res_error(const bf_request *req, bf_response *res, int status, const char *message);
/* Sets a JSON answer from a finished buffer (moved into the response). */
void bf__res_json(bf_response *res, int status, bf_buf *json);

/* ---- lookup.c: a read-only store connection and a check engine per request thread ---- */
/* The calling thread's context (created on first use). NULL with the reason in errs when it cannot open. */
bf_lookup *bf__lookup(bf_server *s, bf_errors *errs);
/* bf__lookup for a request; NULL with a 500 answer set (the reason) when it cannot open. */
bf_lookup *bf__lookup_answer(bf_request *req, bf_response *res);
/* Its store connection. */
bf_store *bf__lookup_store(bf_lookup *l);
/* An engine for one household at a time on date, as check opens it (with explain: as check
 * --explain), kept while the date stays the same; NULL with the messages in errs. */
bf_engine *bf__lookup_engine(bf_server *s, bf_lookup *l, bf_date date, bool explain,
                             bf_errors *errs);
/* Frees every thread's context (after the request threads have ended). */
void bf__lookups_free(bf_server *s);
/* Opens the one writing connection, for the record of who looked at which household (it also
 * brings an older database's schema up to date, which the read-only connections cannot).
 * Without it the server refuses to start when there are users; on loopback without users it
 * warns on stderr and serves without the record. BF_OK, or an error with its message in errs. */
int bf__audit_open(bf_server *s, bf_errors *errs);
/* Closes it. */
void bf__audit_close(bf_server *s);
/* Records that the requester looked at household (via "api" or "page"); false (and a 500
 * answer set) when it had to be recorded and could not be: then nothing is shown. */
bool bf__audit_view(bf_request *req, bf_response *res, const char *household, const char *via);

/* ---- pages.c: server-rendered HTML in the reports' style ---- */
struct bf_html;
/* Appends the site's menu (every page's links) to page. */
int bf__site_menu(struct bf_html *page);
/* A new page titled title with the site's menu (who is logged in, and a log-out button when
 * there are users). NULL when out of memory. */
struct bf_html *bf__page_new(const bf_request *req, const char *title);
/* Renders page into the answer with status (frees the page). */
void bf__page_send(bf_response *res, struct bf_html *page, int status);
/* The login form (status 401 when asked for another page without a session). */
void bf__page_login(bf_request *req, bf_response *res, int status, const char *message);
/* GET /: the county summary of the latest completed run. */
void bf__page_home(bf_request *req, bf_response *res);
/* GET /households?q=TEXT: the search and the households found (household_page.c). */
void bf__page_households(bf_request *req, bf_response *res);
/* GET /household/ID?date=D: one household's page (household_page.c). */
void bf__page_household(bf_request *req, bf_response *res, const char *id);
/* GET /whatif: the parameters grouped by policy, to change (whatif_page.c). */
void bf__page_whatif_form(bf_request *req, bf_response *res, const char *message);
/* POST /whatif: queues the simulation and sends the browser to its page. */
void bf__page_whatif_post(bf_request *req, bf_response *res);
/* GET /whatif/N: its progress, or its result. */
void bf__page_whatif_job(bf_request *req, bf_response *res, const char *number);
struct bf_run_entry;
/* Every stored run (bf_runlog_list through this thread's store) into *runs and *n; false with
 * a 500 answer set. */
bool bf__runs_list(bf_request *req, bf_response *res, struct bf_run_entry **runs, int *n);
/* GET /runs: every stored run, and a form comparing two (run_pages.c). */
void bf__page_runs(bf_request *req, bf_response *res);
/* GET /diff?from=A&to=B: the monthly change report of diff --report. */
void bf__page_diff(bf_request *req, bf_response *res);
/* GET /review: the review lists of the latest completed run. */
void bf__page_review(bf_request *req, bf_response *res);
/* GET /rules: the rules handbook of bangfu doc, values in force today. */
void bf__page_rules(bf_request *req, bf_response *res);
struct bf_sim_result;
struct bf_sim_scenario;
/* The result page of a simulation (its report under the site's menu) into out; called by the
 * queue while the engine and the result are alive. */
void bf__page_whatif_result(bf_buf *out, const bf_engine *e, const struct bf_sim_result *r,
                            bf_date date, const struct bf_sim_scenario *sc, int64_t job);

/* ---- api.c ---- */
/* GET /api/check/ID?date=D: check --format json. */
void bf__api_check(bf_request *req, bf_response *res, const char *id);
/* POST /api/simulate {"date": D, "set": {NAME: VALUE}}: simulate --format json. */
void bf__api_simulate(bf_request *req, bf_response *res);
/* GET /api/params?date=D: params --format json. */
void bf__api_params(bf_request *req, bf_response *res);
/* GET /api/review?run=N: review --format json. */
void bf__api_review(bf_request *req, bf_response *res);
/* GET /api/runs: runs --format json. */
void bf__api_runs(bf_request *req, bf_response *res);
/* GET /api/diff?from=A&to=B: diff A B --format json. */
void bf__api_diff(bf_request *req, bf_response *res);
/* Parses a date argument (NULL: today); false with a 400 answer set. */
bool bf__arg_date(const bf_request *req, bf_response *res, const char *text, bf_date *out);

/* ---- jobs.c: simulations, one at a time, on their own thread ---- */
typedef enum { BF_JOB_QUEUED, BF_JOB_RUNNING, BF_JOB_DONE, BF_JOB_FAILED } bf_job_state;

/* Starts the queue's thread. NULL when out of memory or no thread. */
bf_sim_queue *bf__queue_start(bf_server *s);
/* Cancels the running simulation and the queued ones, answers every waiter, joins the thread;
 * later submissions are refused. */
void bf__queue_close(bf_sim_queue *q);
/* Frees a closed queue and the jobs it remembers. NULL is allowed. */
void bf__queue_free(bf_sim_queue *q);
/* Queues a what-if of date with overrides; the caller holds a reference. NULL when the queue
 * is full (errs says so). */
bf_sim_job *bf__job_submit(bf_sim_queue *q, bf_date date, const bf_override *sets, int n_sets,
                           const char *user, bf_errors *errs);
/* Finds a job by its number and takes a reference; NULL when unknown or forgotten. */
bf_sim_job *bf__job_find(bf_sim_queue *q, int64_t id);
/* Drops a reference. */
void bf__job_release(bf_sim_job *j);
/* Its number. */
int64_t bf__job_id(const bf_sim_job *j);
/* Suspends conn (calling suspend) and registers it to be resumed when the job ends; false
 * (nothing done) when it has ended already. resume is called from the queue's thread. */
bool bf__job_wait(bf_sim_job *j, void *conn, void (*suspend)(void *conn),
                  void (*resume)(void *conn));
/* Appends its result page (an ended job) to out. */
void bf__job_page(bf_sim_job *j, bf_buf *out);
/* Appends why it failed (a failed job) to out. */
void bf__job_error(bf_sim_job *j, bf_buf *out);
/* A snapshot of its state: progress (households done, of total; total 0 while unknown), and
 * when ended the HTTP status and the JSON (copied into json). */
bf_job_state bf__job_state(bf_sim_job *j, int64_t *done, int64_t *total, int *status,
                           bf_buf *json);

#endif
