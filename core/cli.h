/* cli.h — shared pieces of the bangfu command line: exit codes, option parsing, the commands. */
#ifndef BF_CLI_H
#define BF_CLI_H

#include <stdbool.h>

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
/* The policies directory: the option value, else $BANGFU_POLICIES, else "policies". */
const char *bf_cli_policies_dir(const char *option);
/* The plugins directory: the option value, else $BANGFU_PLUGINS, else "plugins". */
const char *bf_cli_plugins_dir(const char *option);
/* Parses a strictly positive integer option value; false (and a message) when it is not one. */
bool bf_cli_parse_count(const char *cmd, const char *opt, const char *text, long max, long *out);

/* The subcommands, each in core/cli_<area>.c. */
int bf_cmd_import(int argc, char **argv);
int bf_cmd_gen(int argc, char **argv);
int bf_cmd_check(int argc, char **argv);
int bf_cmd_run(int argc, char **argv);
int bf_cmd_simulate(int argc, char **argv);
int bf_cmd_test(int argc, char **argv);
int bf_cmd_lint(int argc, char **argv);
int bf_cmd_params(int argc, char **argv);

extern const bf_command bf_commands[];

#endif
