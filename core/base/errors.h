/* errors.h — a bounded list of human-readable error messages ("file:line:col: id: message"). */
#ifndef BF_ERRORS_H
#define BF_ERRORS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct bf_errors {
    char **msgs;   /* the messages kept, in order of arrival */
    int count;     /* messages kept */
    int max;       /* at most this many are kept */
    int dropped;   /* messages beyond max, counted but not kept */
} bf_errors;

/* Initialises an empty list that keeps at most max messages. */
void bf_errors_init(bf_errors *e, int max);
/* Appends a printf-formatted message (or counts it as dropped past max). */
void bf_errors_add(bf_errors *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when the next message would only be counted (max messages are kept already). */
bool bf_errors_full(const bf_errors *e);
/* Total messages reported, kept or dropped. */
int bf_errors_total(const bf_errors *e);
/* Frees every message; the list is empty afterwards and can be reused. */
void bf_errors_free(bf_errors *e);

#endif
