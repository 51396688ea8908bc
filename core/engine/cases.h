/* cases.h — policy test cases (policies/tests/NAME.xml, urn:bangfu:cases:1): load them, evaluate
 * each case's household with the real engine, compare with the expected decisions. */
#ifndef BF_CASES_H
#define BF_CASES_H

#include <stdbool.h>
#include <stdio.h>

#include "errors.h"
#include "household.h"
#include "params.h"
#include "sandbox.h"

typedef struct bf_expect {
    char *policy;
    char *member;            /* NULL for household scope */
    bool eligible;
    bool has_amount;
    bf_fen amount;
    char *tier;              /* NULL when not checked */
    long line;
} bf_expect;

typedef struct bf_case {
    char *name;
    const char *file;        /* borrowed from the suite */
    long line;
    bf_date date;
    bf_override *sets;
    int n_sets;
    bf_household household;
    bf_expect *expects;
    int n_expects;
} bf_case;

typedef struct bf_case_suite {
    char **files;
    int n_files;
    bf_case *cases;
    int n_cases;
} bf_case_suite;

/* Loads every NAME.xml file in dir (sorted by name), schema-validated; errors name file:line. */
int bf_cases_load_dir(const char *dir, bf_case_suite *out, bf_errors *errs);
/* Frees a suite. */
void bf_cases_free(bf_case_suite *s);

typedef struct bf_case_totals {
    int passed, failed;
} bf_case_totals;

/* Runs every case with the policies of policies_dir (and the native Lua modules, {NULL, NULL}
 * terminated, may be NULL); prints each failure (expected vs actual) to out, and a verbose line
 * per case when verbose. */
int bf_cases_run(const bf_case_suite *s, const char *policies_dir, const bf_params *params,
                 const bf_lua_module *modules, FILE *out, bool verbose, bf_case_totals *totals);

#endif
