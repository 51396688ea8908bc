/* lookup.c — what a request thread keeps for look-ups: its own read-only store connection
 * (SQLite connections are not shared between threads; in WAL readers do not block each other)
 * and an engine for one household at a time, kept while the asked date stays the same. */
#include "internal.h"
#include "bangfu.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bf_lookup {
    bf_server *server;
    bf_store *store;
    bf_engine *engine[2];            /* [explain]: NULL until asked */
    bf_param_set set[2];
    bf_date date[2];
    bf_lookup *next;                 /* the server's list of every thread's context */
};

static __thread bf_lookup *mine;

bf_lookup *bf__lookup(bf_server *s, bf_errors *errs)
{
    if (mine && mine->server == s)
        return mine;
    bf_lookup *l = calloc(1, sizeof *l);
    if (!l) {
        bf_errors_add(errs, "%s", _("out of memory"));
        return NULL;
    }
    l->server = s;
    if (bf_store_open_readonly(s->cfg.db, &l->store, errs) != BF_OK) {
        free(l);
        return NULL;
    }
    pthread_mutex_lock(&s->lookups_lock);
    l->next = s->lookups;
    s->lookups = l;
    pthread_mutex_unlock(&s->lookups_lock);
    return mine = l;
}

bf_lookup *bf__lookup_answer(bf_request *req, bf_response *res)
{
    bf_errors errs;
    bf_errors_init(&errs, 1);
    bf_lookup *l = bf__lookup(req->server, &errs);
    if (!l)
        bf__res_error(req, res, 500, bf_errors_first(&errs));
    bf_errors_free(&errs);
    return l;
}

bf_store *bf__lookup_store(bf_lookup *l)
{
    return l->store;
}

static void close_engine(bf_lookup *l, int k)
{
    bf_engine_close(l->engine[k]);
    bf_param_set_free(&l->set[k]);
    l->engine[k] = NULL;
}

bf_engine *bf__lookup_engine(bf_server *s, bf_lookup *l, bf_date date, bool explain,
                             bf_errors *errs)
{
    int k = explain;
    if (l->engine[k] && l->date[k] == date)
        return l->engine[k];
    close_engine(l, k);
    if (bf_params_resolve(s->cfg.params, date, NULL, 0, &l->set[k], errs) != BF_OK)
        return NULL;
    /* as `bangfu check [--explain]` opens it: one thread, every text */
    bf_engine_config cfg = {
        .policies_dir = s->cfg.policies_dir, .params = s->cfg.params, .sets = &l->set[k],
        .n_sets = 1, .date = date, .jobs = 1, .text = BF_TEXT_ALL, .modules = s->cfg.modules,
        .explain = explain,
    };
    if (bf_engine_open(&cfg, &l->engine[k], errs) != BF_OK) {
        bf_param_set_free(&l->set[k]);
        l->engine[k] = NULL;
        return NULL;
    }
    l->date[k] = date;
    return l->engine[k];
}

void bf__lookups_free(bf_server *s)
{
    bf_lookup *l = s->lookups;
    while (l) {
        bf_lookup *next = l->next;
        close_engine(l, 0);
        close_engine(l, 1);
        bf_store_close(l->store);
        free(l);
        l = next;
    }
    s->lookups = NULL;
}

int bf__audit_open(bf_server *s, bf_errors *errs)
{
    bf_errors why;
    bf_errors_init(&why, 1);
    int rc = bf_store_open_existing(s->cfg.db, &s->audit, s->auth ? errs : &why);
    if (rc == BF_OK)
        bf_store_set_wait(s->audit, 2);       /* a look-up never waits long for an import */
    else if (!s->auth)
        fprintf(stderr, _("bangfu serve: warning: who looks at which household is not recorded: "
                          "%s\n"), bf_errors_first(&why));
    bf_errors_free(&why);
    return rc == BF_OK || !s->auth ? BF_OK : BF_EUSAGE;
}

void bf__audit_close(bf_server *s)
{
    bf_store_close(s->audit);
    s->audit = NULL;
}

bool bf__audit_view(bf_request *req, bf_response *res, const char *household, const char *via)
{
    bf_server *s = req->server;
    if (!s->audit)
        return true;                            /* loopback without users, read-only database */
    pthread_mutex_lock(&s->audit_lock);
    bf_errors why;
    bf_errors_init(&why, 1);
    int rc = bf_store_view_record(s->audit, req->session.user, household, via, &why);
    char msg[1200];
    if (rc != BF_OK)
        snprintf(msg, sizeof msg, _("Looking at a household is recorded, and recording it failed: "
                                    "%s"), bf_errors_first(&why));
    bf_errors_free(&why);
    pthread_mutex_unlock(&s->audit_lock);
    if (rc == BF_OK)
        return true;
    if (!s->auth)                               /* nobody to name: shown all the same */
        return true;
    bf__res_error(req, res, 500, msg);
    return false;
}
