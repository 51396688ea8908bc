/* inserter.c — the insert thread of an import (see inserter.h): a ring of household copies
 * filled by the importer and emptied, in order, by the thread that owns the store meanwhile. */
#include "inserter.h"
#include "bangfu.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Households the reader may be ahead of the writer by; a household copy is a few kB. */
#define RING 128
/* The writer is woken once this many wait (or at the end), not for every household. */
#define BATCH 16

typedef struct slot {
    bf_household h;
    const char *source;
} slot;

struct bf_inserter {
    bf_store *s;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t filled, emptied;   /* work for the writer; room for the reader */
    slot ring[RING];
    long head, tail;                  /* households queued, households written (counts) */
    bool ending;                      /* no more households: write the rest and stop */
    int rc;                           /* the first insert's failure, BF_OK while none */
    bf_errors errs;                   /* its message (the writer's alone until the join) */
};

/* Writes one household; on failure the store's message stays in w->errs. Called without the
 * lock; only the first failure is written (the writer stops writing after it). */
static int write_one(bf_inserter *w, const slot *sl)
{
    return bf_store_insert_household_from(w->s, &sl->h, sl->source, &w->errs);
}

/* The thread: writes queued households in order until told to end. After a failure it only
 * drains the queue, so the reader never waits for room that will not come. */
static void *writer(void *arg)
{
    bf_inserter *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->tail == w->head && !w->ending)
            pthread_cond_wait(&w->filled, &w->lock);
        if (w->tail == w->head)
            break;
        long upto = w->head;
        bool failed = w->rc != BF_OK;
        pthread_mutex_unlock(&w->lock);
        int rc = BF_OK;
        for (long i = w->tail; i < upto && !failed && rc == BF_OK; i++)
            rc = write_one(w, &w->ring[i % RING]);
        pthread_mutex_lock(&w->lock);
        if (rc != BF_OK && w->rc == BF_OK)
            w->rc = rc;
        w->tail = upto;
        pthread_cond_signal(&w->emptied);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int bf_inserter_start(bf_store *s, bf_inserter **out)
{
    *out = NULL;
    bf_inserter *w = calloc(1, sizeof *w);
    if (!w)
        return BF_ENOMEM;
    w->s = s;
    w->rc = BF_OK;
    bf_errors_init(&w->errs, 1);
    w->lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    w->filled = w->emptied = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
    if (pthread_create(&w->thread, NULL, writer, w) != 0) {
        bf_errors_free(&w->errs);
        free(w);
        return BF_ENOMEM;
    }
    *out = w;
    return BF_OK;
}

int bf_inserter_add(bf_inserter *w, const bf_household *h, const char *source)
{
    pthread_mutex_lock(&w->lock);
    while (w->head - w->tail == RING && w->rc == BF_OK)
        pthread_cond_wait(&w->emptied, &w->lock);
    int rc = w->rc;
    long at = w->head;
    pthread_mutex_unlock(&w->lock);
    if (rc != BF_OK)
        return rc;
    /* the slot at head is the reader's until head moves past it */
    slot *sl = &w->ring[at % RING];
    if (bf_household_copy(&sl->h, h) != BF_OK)
        return BF_ENOMEM;
    sl->source = source;
    pthread_mutex_lock(&w->lock);
    w->head++;
    if (w->head - w->tail >= BATCH)
        pthread_cond_signal(&w->filled);
    pthread_mutex_unlock(&w->lock);
    return BF_OK;
}

int bf_inserter_finish(bf_inserter *w, bf_errors *errs)
{
    if (!w)
        return BF_OK;
    pthread_mutex_lock(&w->lock);
    w->ending = true;
    pthread_cond_signal(&w->filled);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    int rc = w->rc;
    if (rc != BF_OK && w->errs.count)
        bf_errors_add(errs, "%s", bf_errors_first(&w->errs));
    bf_errors_free(&w->errs);
    for (int i = 0; i < RING; i++)
        bf_household_free(&w->ring[i].h);
    pthread_cond_destroy(&w->filled);
    pthread_cond_destroy(&w->emptied);
    pthread_mutex_destroy(&w->lock);
    free(w);
    return rc;
}
