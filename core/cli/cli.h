/* cli.h — shared pieces of the bangfu command line: exit codes, option parsing, the commands. */
#ifndef BF_CLI_H
#define BF_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "i18n.h"
#include "store.h"

struct bf_areas;

/* Exit status, the same for every command (README, Commands). */
#define BF_EXIT_OK    0   /* success */
#define BF_EXIT_FAIL  1   /* evaluation errors or test failures */
#define BF_EXIT_USAGE 2   /* usage or input errors */

/* A subcommand: `bangfu NAME ARGS…`; argv[0] is the command name. */
typedef struct bf_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;   /* one line for `bangfu --help` (English; shown through _()) */
    const char *const *usage;  /* the `bangfu NAME --help` text: paragraphs, each shown through
                                * _(), ending with NULL */
} bf_command;

/* True when argv[*i] is `--name VALUE` or `--name=VALUE`: sets *value and advances *i past it.
 * A missing value is reported and *value set to NULL (the caller returns BF_EXIT_USAGE). */
bool bf__cli_opt(int argc, char **argv, int *i, const char *name, const char **value);
/* True when arg is exactly the flag `--name`. */
bool bf__cli_flag(const char *arg, const char *name);
/* Prints up to 20 messages of errs to stderr as "bangfu CMD: message", then a count of the rest. */
void bf__cli_print_errors(const char *cmd, const bf_errors *errs);
/* Opens database db with open (bf_store_open, bf_store_open_existing or bf_store_open_readonly);
 * NULL after printing why as "bangfu CMD: message"; prints the store's note (bf_store_note). */
bf_store *bf__cli_open_store(const char *cmd, const char *db,
                             int (*open)(const char *path, bf_store **out, bf_errors *errs));
/* Prints "bangfu CMD: message" and a hint to --help on stderr; returns BF_EXIT_USAGE. */
int bf__cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The policies directory: the option value, else $BANGFU_POLICIES, else ./policies when it holds
 * params.xml, else ../share/bangfu/policies beside the executable (installed), else "policies". */
const char *bf__cli_policies_dir(const char *option);
/* The plugins directory: the option value, else $BANGFU_PLUGINS, else ./plugins when it holds
 * NAME.so files, else "plugins" beside the running executable (a build tree), else
 * EXEDIR/../lib/bangfu/plugins (installed), when either holds NAME.so files; else "plugins"
 * (a missing folder: no plugins). The result may be a static buffer, valid until the next call. */
const char *bf__cli_plugins_dir(const char *option);
struct bf_plugins;
/* Loads the plugins of dir (core/cli/cli_plugins.c); files skipped are printed on stderr as
 * "bangfu CMD: warning: FILE: reason" and the others load. BF_EXIT_OK, or BF_EXIT_USAGE when
 * out of memory. Free *out with bf_plugins_free. */
int bf__cli_load_plugins(const char *cmd, const char *dir, struct bf_plugins **out);
/* Parses a strictly positive integer option value; false (and a message) when it is not one. */
bool bf__cli_parse_count(const char *cmd, const char *opt, const char *text, long max, long *out);

/* Stored runs on the command line (review, export; core/cli/cli_review.c). */
struct bf_store;
struct bf_stored_run;
/* Parses a --run value (a run id from 1); false (and a message) when it is not one. */
bool bf__cli_parse_run_id(const char *cmd, const char *text, int64_t *out);
/* Reads run `wanted` (> 0), or else the latest completed run, into *run; with completed_only
 * a run that did not complete is refused. Prints the problem; returns a BF_EXIT_* code. */
int bf__cli_resolve_run(const char *cmd, struct bf_store *store, int64_t wanted,
                       bool completed_only, struct bf_stored_run *run);

/* Whether the folder of a report file exists and can take a new file (checked before long
 * work, so a typo does not waste it). */
bool bf__cli_report_folder_writable(const char *path);

/* The options of every command that evaluates, and --db: paragraphs of the commands' usage texts. */
#define BF_CLI_EVAL_HELP N_( \
    "  --policies DIR     policy scripts and params.xml (default: $BANGFU_POLICIES or ./policies)\n" \
    "  --date YYYY-MM-DD  the evaluation date (default: today)\n" \
    "  --max-memory MIB   memory cap of each Lua state (default 256)\n" \
    "  --max-instructions N  instruction budget of one evaluation (default 10000000)\n" \
    "  --max-seconds S    wall-clock limit of one evaluation (default 10)\n" \
    "  --plugins DIR      native plugins, for the Lua modules they offer (default: see\n" \
    "                     'bangfu plugins --help')\n")
/* --set, for the commands that take it (a run records the parameters in force: it refuses it). */
#define BF_CLI_SET_HELP N_("  --set NAME=VALUE   use VALUE for a parameter in this command only (repeatable)\n")
#define BF_CLI_DB_HELP N_("  --db DB            the SQLite database (default: bangfu.db in this folder)\n")

/* Makes a command that writes the store wait for another process's write lock as long as
 * $BANGFU_LOCK_WAIT seconds allow (default 600), saying once on stderr that it waits and why. */
void bf__cli_wait_for_writers(struct bf_store *s, const char *cmd);

/* Loads POLICIES/areas.xml for command cmd; BF_EXIT_OK and *out, or BF_EXIT_USAGE (reported). */
int bf__cli_load_areas(const char *cmd, const char *policies, struct bf_areas **out);

/* The commands, each defined beside its parser in core/cli/cli_<area>.c. */
extern const bf_command bf_cli_import;     /* validate and import household files */
extern const bf_command bf_cli_gen;        /* a synthetic county */
extern const bf_command bf_cli_run;        /* the audited county run */
extern const bf_command bf_cli_simulate;   /* baseline against scenario */
extern const bf_command bf_cli_runs;       /* every stored run (cli_runs.c) */
extern const bf_command bf_cli_diff;       /* two runs compared (cli_runs.c) */
extern const bf_command bf_cli_history;    /* one household over time (cli_runs.c) */
extern const bf_command bf_cli_review;     /* recorded statuses against a run */
extern const bf_command bf_cli_export;     /* a run's decisions as XML, CSV or JSON */
extern const bf_command bf_cli_check;      /* one household's decisions (cli_eval.c) */
extern const bf_command bf_cli_test;       /* the policy test cases (cli_test.c) */
extern const bf_command bf_cli_lint;       /* check every policy and params.xml (cli_lint.c) */
extern const bf_command bf_cli_doc;        /* the rules handbook and editor annotations (cli_doc.c) */
extern const bf_command bf_cli_params;     /* the parameters in force (cli_eval.c) */
extern const bf_command bf_cli_areas;      /* the towns and villages of areas.xml */
extern const bf_command bf_cli_plugins;    /* the native plugins loaded */
extern const bf_command bf_cli_serve;      /* pages and a JSON API in a browser (cli_serve.c) */
extern const bf_command bf_cli_passwd;     /* a user of bangfu serve (cli_passwd.c) */

#endif
