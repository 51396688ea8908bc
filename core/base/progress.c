/* progress.c — the terminal progress bar. */
#include "progress.h"
#include "i18n.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* The calling thread's observer of its bars (bf_progress_observe). */
static __thread void (*observer)(void *ctx, int64_t done, int64_t total);
static __thread void *observer_ctx;

void bf_progress_observe(void (*fn)(void *ctx, int64_t done, int64_t total), void *ctx)
{
    observer = fn;
    observer_ctx = ctx;
}

double bf_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bf_progress_start(bf_progress *p, const char *label, int64_t total, int64_t min_total)
{
    p->label = label;
    p->total = total;
    p->done = 0;
    p->started = bf_now();
    p->last_draw = 0;
    p->enabled = isatty(STDERR_FILENO) && total >= min_total;
    if (observer)
        observer(observer_ctx, 0, total);
}

static void draw(bf_progress *p, double now)
{
    double elapsed = now - p->started;
    double rate = elapsed > 0 ? (double)p->done / elapsed : 0;
    double frac = p->total > 0 ? (double)p->done / (double)p->total : 0;
    if (frac > 1)
        frac = 1;
    char bar[31];
    int filled = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[30] = '\0';
    double eta = rate > 0 && p->total > p->done ? (double)(p->total - p->done) / rate : 0;
    fputc('\r', stderr);
    if (p->total <= 0) {           /* no total known: what is done, the rate and the time */
        fprintf(stderr, _("%s: %lld  %.0f/s  %02d:%02d elapsed "), p->label, (long long)p->done,
                rate, (int)elapsed / 60, (int)elapsed % 60);
        fflush(stderr);
        return;
    }
    fprintf(stderr, _("%s [%s] %3.0f%% %lld/%lld  %.0f/s  ETA %02d:%02d "), p->label, bar,
            frac * 100, (long long)p->done, (long long)p->total, rate, (int)eta / 60, (int)eta % 60);
    fflush(stderr);
}

void bf_progress_update(bf_progress *p, int64_t done)
{
    p->done = done;
    if (observer)
        observer(observer_ctx, done, p->total);
    if (!p->enabled)
        return;
    double now = bf_now();
    if (now - p->last_draw < 0.1)
        return;
    p->last_draw = now;
    draw(p, now);
}

void bf_progress_end(bf_progress *p)
{
    if (!p->enabled)
        return;
    draw(p, bf_now());
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
}
