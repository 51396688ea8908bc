/* cli.h — shared pieces of the bangfu command line: exit codes, option parsing, the commands. */
#ifndef BF_CLI_H
#define BF_CLI_H

#include <stdbool.h>
#include <stdint.h>

struct bf_areas;

/* Exit status (DESIGN.md "Commands"). */
#define BF_EXIT_OK    0   /* success */
#define BF_EXIT_FAIL  1   /* evaluation errors or test failures */
#define BF_EXIT_USAGE 2   /* usage or input errors */

/* A subcommand: `bangfu NAME ARGS…`; argv[0] is the command name. */
typedef struct bf_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;   /* one line for `bangfu --help` */
    const char *usage;     /* the complete `bangfu NAME --help` text */
} bf_command;

/* True when argv[*i] is `--name VALUE` or `--name=VALUE`: sets *value and advances *i past it.
 * A missing value is reported and *value set to NULL (the caller returns BF_EXIT_USAGE). */
bool bf_cli_opt(int argc, char **argv, int *i, const char *name, const char **value);
/* True when arg is exactly the flag `--name`. */
bool bf_cli_flag(const char *arg, const char *name);
/* True when any argument is --help or -h. */
bool bf_cli_wants_help(int argc, char **argv);
/* Prints "bangfu CMD: message" and a hint to --help on stderr; returns BF_EXIT_USAGE. */
int bf_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the usage text of a command on stdout; returns BF_EXIT_OK. */
int bf_cli_print_usage(const char *cmd);
/* The policies directory: the option value, else $BANGFU_POLICIES, else ./policies when it holds
 * params.xml, else ../share/bangfu/policies beside the executable (installed), else "policies". */
const char *bf_cli_policies_dir(const char *option);
/* The plugins directory: the option value, else $BANGFU_PLUGINS, else ./plugins when it holds
 * NAME.so files, else "plugins" beside the running executable (a build tree), else
 * EXEDIR/../lib/bangfu/plugins (installed), when either holds NAME.so files; else "plugins"
 * (a missing folder: no plugins). The result may be a static buffer, valid until the next call. */
const char *bf_cli_plugins_dir(const char *option);
struct bf_plugins;
/* Loads the plugins of dir (core/cli/cli_plugins.c); files skipped are printed on stderr as
 * "bangfu CMD: warning: FILE: reason" and the others load. BF_EXIT_OK, or BF_EXIT_USAGE when
 * out of memory. Free *out with bf_plugins_free. */
int bf_cli_load_plugins(const char *cmd, const char *dir, struct bf_plugins **out);
/* Parses a strictly positive integer option value; false (and a message) when it is not one. */
bool bf_cli_parse_count(const char *cmd, const char *opt, const char *text, long max, long *out);

/* Stored runs on the command line (review, export; core/cli/cli_review.c). */
struct bf_store;
struct bf_stored_run;
/* Parses a --run value (a run id from 1); false (and a message) when it is not one. */
bool bf_cli_parse_run_id(const char *cmd, const char *text, int64_t *out);
/* Reads run `wanted` (> 0), or else the latest completed run, into *run; with completed_only
 * a run that did not complete is refused. Prints the problem; returns a BF_EXIT_* code. */
int bf_cli_resolve_run(const char *cmd, struct bf_store *store, int64_t wanted,
                       bool completed_only, struct bf_stored_run *run);

/* Whether the folder of a report file exists and can take a new file (checked before long
 * work, so a typo does not waste it). */
bool bf_cli_report_folder_writable(const char *path);

/* The subcommands, each in core/cli/cli_<area>.c. */
/* bangfu import: validate and import household files (cli_import.c). */
int bf_cmd_import(int argc, char **argv);
/* bangfu gen: a synthetic county (cli_gen.c). */
int bf_cmd_gen(int argc, char **argv);
/* bangfu check: one household's decisions (cli_eval.c). */
int bf_cmd_check(int argc, char **argv);
/* bangfu run: the audited county run (cli_run.c). */
int bf_cmd_run(int argc, char **argv);
/* bangfu simulate: baseline against scenario (cli_simulate.c). */
int bf_cmd_simulate(int argc, char **argv);
/* bangfu review: recorded statuses against a run (cli_review.c). */
int bf_cmd_review(int argc, char **argv);
/* bangfu export: a run's decisions as XML, CSV or JSON (cli_export.c). */
int bf_cmd_export(int argc, char **argv);
/* bangfu test: the policy test cases (cli_test.c). */
int bf_cmd_test(int argc, char **argv);
/* bangfu lint: load and check every policy (cli_test.c). */
int bf_cmd_lint(int argc, char **argv);
/* bangfu params: the parameters in force (cli_eval.c). */
int bf_cmd_params(int argc, char **argv);
/* bangfu plugins: the native plugins loaded (cli_plugins.c). */
int bf_cmd_plugins(int argc, char **argv);
/* `bangfu areas`: the towns and villages of policies/areas.xml. */
int bf_cmd_areas(int argc, char **argv);
/* Loads POLICIES/areas.xml for command cmd; BF_EXIT_OK and *out, or BF_EXIT_USAGE (reported). */
int bf_cli_load_areas(const char *cmd, const char *policies, struct bf_areas **out);

extern const bf_command bf_commands[];

#endif
