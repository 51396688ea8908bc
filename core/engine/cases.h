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

/* Loads every NAME.xml file in dir (sorted by name), schema-validated; errors name file:line.
 * A file's <defaults><member …/></defaults> gives every member of its cases the attributes it
 * does not write itself. */
int bf_cases_load_dir(const char *dir, bf_case_suite *out, bf_errors *errs);
/* Frees a suite. */
void bf_cases_free(bf_case_suite *s);

/* Loads the given case files, in the order given; errors name file:line. */
int bf_cases_load_files(char *const *paths, int n, bf_case_suite *out, bf_errors *errs);

/* What bf_cases_run runs, and with what. */
typedef struct bf_case_run {
    const char *policies_dir;
    const bf_params *params;
    const bf_lua_module *modules;   /* native Lua modules, {NULL, NULL} terminated; may be NULL */
    const char *policy;             /* only the expectations of this policy (and only the cases
                                     * that have one); NULL: all */
    const char *name;               /* only the cases whose name contains this text; NULL: all */
    struct bf_coverage *coverage;   /* records the lines the cases execute; may be NULL */
} bf_case_run;

typedef struct bf_case_outcome {
    const bf_case *c;
    bool ok;
    char *why;                      /* the failures, a line each; "" when ok */
} bf_case_outcome;

typedef struct bf_case_report {
    bf_case_outcome *cases;         /* the selected cases, in order */
    int n, passed, failed;
} bf_case_report;

/* Loads every policy script once, as the cases will: BF_OK, or an error code with each problem
 * in errs ("file:line: message"), so that a script that does not load is reported once. */
int bf_cases_check_policies(const bf_case_run *cfg, bf_errors *errs);
/* Runs the selected cases of s; out receives one outcome per case. BF_OK or BF_ENOMEM. */
int bf_cases_run(const bf_case_suite *s, const bf_case_run *cfg, bf_case_report *out);
/* Frees a report. */
void bf_case_report_free(bf_case_report *r);

#endif
