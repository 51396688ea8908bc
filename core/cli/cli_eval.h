/* cli_eval.h — what every evaluating command shares: its options and opening the engine. */
#ifndef BF_CLI_EVAL_H
#define BF_CLI_EVAL_H

#include <signal.h>
#include <stdbool.h>

#include "engine.h"
#include "params.h"

#define BF_CLI_MAX_OVERRIDES 64

typedef struct bf_eval_opts {
    const char *db;                 /* --db, default bangfu.db */
    const char *policies;           /* --policies, else $BANGFU_POLICIES, else policies */
    const char *plugins;            /* --plugins, else found by bf__cli_plugins_dir */
    const char *date;               /* --date YYYY-MM-DD, default today */
    const char *only;               /* --only a,b,c */
    bf_override overrides[BF_CLI_MAX_OVERRIDES];
    int n_overrides;                /* --set NAME=VALUE, repeatable */
    long jobs;                      /* --jobs N, 0: cores */
    long max_memory_mib;            /* --max-memory MiB, 0: default */
    long long max_instructions;     /* --max-instructions N, 0: default */
    long max_seconds;               /* --max-seconds S, 0: default */
    volatile sig_atomic_t *cancel;  /* set by the command's signal handler; may be NULL */
    bool track_reads;               /* run: record which parameters each household read */
} bf_eval_opts;

/* Sets the defaults. */
void bf__eval_opts_init(bf_eval_opts *o);
/* Consumes argv[*i] if it is one of the shared options. Returns 1 when consumed, 0 when not one
 * of them, -1 on a bad value (already reported; exit BF_EXIT_USAGE). */
int bf__eval_opts_parse(const char *cmd, int argc, char **argv, int *i, bf_eval_opts *o);

/* An opened evaluation: parameters, the values in force, the plugins, the engine. */
typedef struct bf_eval_session {
    struct bf_plugins *plugins;     /* their Lua modules are offered to the scripts */
    bf_params *params;
    bf_param_set sets[2];
    int n_sets;
    bf_date date;
    char *only_buf;
    const char *only[64];
    int n_only;
    bf_engine *engine;
} bf_eval_session;

/* Loads params.xml, resolves the date and overrides (a second set with scenario overrides when
 * scenario is not NULL), loads the plugins (a missing folder: no modules), opens the engine
 * with the plugins' Lua modules. Prints errors; returns a BF_EXIT_* code. */
int bf__eval_session_open(const char *cmd, const bf_eval_opts *o, bf_text_mode text, bool explain,
                         const bf_override *scenario, int n_scenario, bf_eval_session *s);
/* Closes everything the session opened. */
void bf__eval_session_close(bf_eval_session *s);
/* Loads the parameter file of a policies folder (no engine); prints errors. */
int bf__cli_load_params(const char *cmd, const char *policies, bf_params **out);

#endif
