/* params.h — policy parameters (policies/params.xml): dated values, the value in force on a date,
 * overrides (--set NAME=VALUE, scenarios), and the group tree behind `p.dibao.standard`. */
#ifndef BF_PARAMS_H
#define BF_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "errors.h"

#define BF_PARAM_NAME_MAX 128

typedef struct bf_param_value {
    bf_date from;          /* in force from this date on, until the next value's date */
    double value;
    char text[40];         /* the decimal as written */
    long line;             /* line in params.xml */
} bf_param_value;

/* What values of a parameter make sense (params.xml `kind`): money and count ≥ 0, ratio within
 * [0, 1], age within [0, 120], factor ≥ 0; `min`/`max` attributes replace a bound. */
typedef enum { BF_KIND_MONEY, BF_KIND_COUNT, BF_KIND_RATIO, BF_KIND_AGE, BF_KIND_FACTOR } bf_param_kind;

typedef struct bf_param_range {
    bf_param_kind kind;
    bool has_min, has_max; /* false: no bound on that side */
    double min, max;
    char min_text[40], max_text[40];   /* the bounds as written ("0", "1", "120") */
} bf_param_range;

typedef struct bf_param {
    char *name;            /* "dibao.standard" */
    char *unit, *title, *source;
    bf_param_range range;
    bf_param_value *values;/* sorted by from, ascending, no two on one date */
    int n_values;
    long line;             /* line in params.xml */
} bf_param;

/* A node of the name tree: the root (node 0), a group ("medical.aid") or a parameter. */
typedef struct bf_param_node {
    char *key;             /* last name segment ("aid"); "" for the root */
    char *path;            /* full dotted name ("medical.aid"); "" for the root */
    int param;             /* index into items for a parameter, -1 for a group */
    int first_child, next_sibling;   /* -1 when none */
} bf_param_node;

typedef struct bf_params {
    char *path;
    char *bytes;           /* the file as read at load: the run's audit record hashes it */
    size_t n_bytes;
    bf_param *items;       /* in file order */
    int n;
    bf_param_node *nodes;
    int n_nodes;
} bf_params;

/* Loads and validates a parameters file (schema, names, dates, duplicates). BF_OK, or an error
 * code with "file:line: message" entries in errs. */
int bf_params_load(const char *path, bf_params **out, bf_errors *errs);
/* Frees a parameter file. NULL is allowed. */
void bf_params_free(bf_params *p);
/* Index of a parameter by full name, or -1. */
int bf_params_index(const bf_params *p, const char *name);
/* Index of the value in force on date (latest from ≤ date), or -1 when none is. */
int bf_param_value_on(const bf_param *param, bf_date date);

/* Whether value is within the range parameter p declares (the one answer for every check). */
bool bf_param_in_range(const bf_param *p, double value);
/* Writes p's range for messages: "from 0 to 1", "at least 0", "any value". */
void bf_param_range_text(const bf_param *p, char *out, size_t len);
/* The kind's name as params.xml writes it ("money", "ratio", …). */
const char *bf_param_kind_name(bf_param_kind kind);

/* One override: replaces a parameter's value for one command (no from), or adds a value
 * in force from a date (a scenario's <set from="…">), winning over a file value on that date. */
typedef struct bf_override {
    char name[BF_PARAM_NAME_MAX];
    double value;
    char text[40];
    bool has_from;
    bf_date from;
    char origin[300];      /* where it was given, for messages: "--set", "s.xml:4"; "" unknown */
} bf_override;

/* Parses "NAME=VALUE" (VALUE a plain decimal); BF_OK or BF_EINPUT with a message in errs. */
int bf_override_parse(const char *arg, bf_override *out, bf_errors *errs);

/* The values of every parameter on one date, after overrides. */
typedef struct bf_param_set {
    const bf_params *defs;
    bf_date date;
    double *value;         /* per parameter */
    const char **text;     /* per parameter: the decimal as written, or NULL when not in force */
    bool *in_force;        /* false: no value on this date; reading it is an error naming it */
    bool *overridden;
} bf_param_set;

/* Resolves the values on date with overrides applied. An override naming an unknown parameter,
 * a value outside the parameter's range, or a parameter set twice is an error (BF_EINPUT, every
 * message in errs naming parameter, value and range or both places). The set borrows defs and
 * the overrides' text. */
int bf_params_resolve(const bf_params *defs, bf_date date, const bf_override *ov, int n_ov,
                      bf_param_set *out, bf_errors *errs);
/* How an override stands on a date against the file's values. */
typedef struct bf_override_effect {
    const char *in_force;  /* the file's value on the date as written, NULL when none is */
    bool applies;          /* false: its from date is after the date, or a later file value wins */
    bool same;             /* it applies and equals the value in force: it changes nothing */
} bf_override_effect;

/* Fills effects[0..n) for overrides ov (names already resolved) on date, and adds a warning to
 * warnings for each that changes nothing: a from date after the date, a later file value that
 * replaces it, or the value already in force. */
void bf_override_effects(const bf_params *defs, bf_date date, const bf_override *ov, int n,
                         bf_override_effect *effects, bf_errors *warnings);
/* Frees the arrays of a set. */
void bf_param_set_free(bf_param_set *s);

#endif
