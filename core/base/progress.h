/* progress.h — a progress bar with rate and ETA on stderr, shown only when stderr is a terminal. */
#ifndef BF_PROGRESS_H
#define BF_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct bf_progress {
    const char *label;   /* "import", "run", … */
    int64_t total;       /* expected units; 0 when unknown */
    int64_t done;
    double started;      /* monotonic seconds */
    double last_draw;
    bool enabled;        /* stderr is a terminal and total is large enough */
} bf_progress;

/* Monotonic clock in seconds. */
double bf_now(void);
/* Starts a bar for total units (households); drawn only on a terminal and for total ≥ min_total;
 * a total of 0 (unknown) with min_total 0 draws what is done, its rate and the time elapsed. */
void bf_progress_start(bf_progress *p, const char *label, int64_t total, int64_t min_total);
/* Records that done units are finished; redraws at most ten times a second. */
void bf_progress_update(bf_progress *p, int64_t done);
/* Clears the bar line. */
void bf_progress_end(bf_progress *p);
/* Makes every bar of the calling thread also report to fn (done, total; total 0 while unknown),
 * whether or not it is drawn: the server shows a simulation's progress on a page. NULL stops. */
void bf_progress_observe(void (*fn)(void *ctx, int64_t done, int64_t total), void *ctx);

#endif
