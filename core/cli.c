/* cli.c — the `bangfu` command: dispatch to subcommands, global --help and --version. */
#include "cli.h"
#include "bangfu.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DB_HELP "  --db DB            the SQLite database (default: bangfu.db in this folder)\n"

/* The command table; `bangfu --help` lists it in this order. */
const bf_command bf_commands[] = {
    {NULL, NULL, NULL, NULL},
};

bool bf_cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t len = strlen(name);
    if (strncmp(arg, name, len) != 0)
        return false;
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return true;
    }
    if (arg[len] != '\0')
        return false;
    if (*i + 1 >= argc) {
        fprintf(stderr, "bangfu %s: option %s needs a value\n", argv[0], name);
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

bool bf_cli_flag(const char *arg, const char *name)
{
    return strcmp(arg, name) == 0;
}

bool bf_cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

int bf_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bangfu %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'bangfu %s --help'.\n", cmd);
    va_end(ap);
    return BF_EXIT_USAGE;
}

int bf_cli_print_usage(const char *cmd)
{
    for (const bf_command *c = bf_commands; c->name; c++)
        if (strcmp(c->name, cmd) == 0) {
            fputs(c->usage, stdout);
            return BF_EXIT_OK;
        }
    return BF_EXIT_USAGE;
}

static const char *dir_from(const char *option, const char *env, const char *fallback)
{
    if (option)
        return option;
    const char *v = getenv(env);
    return v && *v ? v : fallback;
}

const char *bf_cli_policies_dir(const char *option)
{
    return dir_from(option, "BANGFU_POLICIES", "policies");
}

const char *bf_cli_plugins_dir(const char *option)
{
    return dir_from(option, "BANGFU_PLUGINS", "plugins");
}

bool bf_cli_parse_count(const char *cmd, const char *opt, const char *text, long max, long *out)
{
    char *end;
    errno = 0;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || errno || *end || end == text || v < 1 || v > max) {
        bf_cli_usage_error(cmd, "%s must be a whole number from 1 to %ld, got '%s'", opt, max,
                           text ? text : "");
        return false;
    }
    *out = v;
    return true;
}

static void print_help(void)
{
    printf("bangfu %s — rural social assistance rules (帮扶)\n\n"
           "usage: bangfu COMMAND [OPTIONS]\n\ncommands:\n", BF_VERSION);
    for (const bf_command *c = bf_commands; c->name; c++)
        printf("  %-10s %s\n", c->name, c->summary);
    printf("\n'bangfu COMMAND --help' describes each command.\n"
           "Exit status: 0 success, 1 evaluation errors or test failures, 2 usage or input errors.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help();
        return argc < 2 ? BF_EXIT_USAGE : BF_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("bangfu %s\n", BF_VERSION);
        return BF_EXIT_OK;
    }
    for (const bf_command *c = bf_commands; c->name; c++)
        if (strcmp(c->name, argv[1]) == 0) {
            if (bf_cli_wants_help(argc - 1, argv + 1))
                return bf_cli_print_usage(c->name);
            return c->run(argc - 1, argv + 1);
        }
    fprintf(stderr, "bangfu: unknown command '%s'\nTry 'bangfu --help'.\n", argv[1]);
    return BF_EXIT_USAGE;
}
