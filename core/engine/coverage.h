/* coverage.h — which lines of the policy scripts the test cases executed: the executable lines
 * come from the compiled scripts (every instruction's line, bytecode.h), the executed ones from
 * a line hook while the cases run (bf_engine_config.coverage). */
#ifndef BF_COVERAGE_H
#define BF_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

#include "errors.h"

typedef struct bf_coverage bf_coverage;

/* An empty record; NULL when out of memory. */
bf_coverage *bf_coverage_new(void);
/* Frees it. NULL is allowed. */
void bf_coverage_free(bf_coverage *c);

/* Registers a script under its display name ("policies/dibao.lua") with the executable lines of
 * src, compiled but not run; a name already registered is kept as it is. BF_OK, or an error
 * code with the message in errs (the script does not compile). */
int bf__coverage_add_script(bf_coverage *c, const char *display, const char *src, size_t len,
                            bf_errors *errs);
/* The line observer that records executed lines (ud: the bf_coverage); see sandbox.h. */
void bf__coverage_observe(void *ud, lua_State *L, lua_Debug *ar);

/* One script's figures. */
typedef struct bf_coverage_file {
    const char *display;
    int executable;          /* lines holding instructions a case can reach */
    int executed;
    double percent;          /* executed / executable × 100 (100 when nothing is executable) */
    int unexpected;          /* lines the hook reported that the bytecode holds no instruction
                              * for: 0 unless the decoder misreads the line information */
} bf_coverage_file;

/* Number of scripts registered. */
int bf_coverage_count(const bf_coverage *c);
/* Script i's figures (registration order). */
void bf_coverage_file_at(const bf_coverage *c, int i, bf_coverage_file *out);
/* Script i's executable lines never executed, as ranges: (*ranges)[2k] to (*ranges)[2k+1];
 * returns the number of ranges, *ranges malloc'd (free it); -1 when out of memory. */
int bf_coverage_missed(const bf_coverage *c, int i, int **ranges);

#endif
