/* errors.h — a bounded list of human-readable error messages ("file:line:col: id: message").
 *
 * The one way bangfu returns an error message: a function that can fail returns its status
 * (a BF_* code, 0/-1, false or NULL) and writes its message, or every message it found, into a
 * bf_errors list its caller hands it (`bf_errors *errs`, the last parameter; NULL when the caller
 * wants no message). The caller shows the list (bf__cli_print_errors, the server's answers) or
 * passes it on; nobody keeps a message in a char buffer of its own to be copied from one to the
 * next. Messages a person reads are whole sentences through _() (i18n.h).
 * The one exception, named where it is declared: the plugin ABI of plugin.h (char *err, size_t
 * errlen: an ABI, fixed for plugins already built; the host adds what a plugin wrote to its own
 * list). */
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
/* Appends a printf-formatted message (or counts it as dropped past max). e may be NULL: the
 * message is then dropped, for a caller that wants none. */
void bf_errors_add(bf_errors *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds a message as bf_errors_add does and returns code (`return bf_errors_fail(errs, …)`). */
int bf_errors_fail(bf_errors *e, int code, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));
/* True when the next message would only be counted (max messages are kept already). */
bool bf_errors_full(const bf_errors *e);
/* Total messages reported, kept or dropped. */
int bf_errors_total(const bf_errors *e);
/* The first message kept, or "" when there is none (for an answer that carries one line). */
const char *bf_errors_first(const bf_errors *e);
/* Frees every message; the list is empty afterwards and can be reused. */
void bf_errors_free(bf_errors *e);

#endif
