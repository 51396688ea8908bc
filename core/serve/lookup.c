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
    bf_engine *engine;               /* NULL until a check asks */
    bf_param_set set;
    bf_date date;
    bf_lookup *next;                 /* the server's list of every thread's context */
};

static __thread bf_lookup *mine;

bf_lookup *bf__lookup(bf_server *s, char *err, size_t errlen)
{
    if (mine && mine->server == s)
        return mine;
    bf_lookup *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, _("out of memory"));
        return NULL;
    }
    l->server = s;
    if (bf_store_open_readonly(s->cfg.db, &l->store, err, errlen) != BF_OK) {
        free(l);
        return NULL;
    }
    pthread_mutex_lock(&s->lookups_lock);
    l->next = s->lookups;
    s->lookups = l;
    pthread_mutex_unlock(&s->lookups_lock);
    return mine = l;
}

bf_store *bf__lookup_store(bf_lookup *l)
{
    return l->store;
}

static void close_engine(bf_lookup *l)
{
    bf_engine_close(l->engine);
    bf_param_set_free(&l->set);
    l->engine = NULL;
}

bf_engine *bf__lookup_engine(bf_server *s, bf_lookup *l, bf_date date, bf_errors *errs)
{
    if (l->engine && l->date == date)
        return l->engine;
    close_engine(l);
    if (bf_params_resolve(s->cfg.params, date, NULL, 0, &l->set, errs) != BF_OK)
        return NULL;
    /* as `bangfu check` opens it: one thread, every text, no explanations */
    bf_engine_config cfg = {
        .policies_dir = s->cfg.policies_dir, .params = s->cfg.params, .sets = &l->set,
        .n_sets = 1, .date = date, .jobs = 1, .text = BF_TEXT_ALL, .modules = s->cfg.modules,
    };
    if (bf_engine_open(&cfg, &l->engine, errs) != BF_OK) {
        bf_param_set_free(&l->set);
        l->engine = NULL;
        return NULL;
    }
    l->date = date;
    return l->engine;
}

void bf__lookups_free(bf_server *s)
{
    bf_lookup *l = s->lookups;
    while (l) {
        bf_lookup *next = l->next;
        close_engine(l);
        bf_store_close(l->store);
        free(l);
        l = next;
    }
    s->lookups = NULL;
}
