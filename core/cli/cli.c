/* cli.c — the `bangfu` command: dispatch to subcommands, global --help and --version. */
#include "cli.h"
#include "bangfu.h"
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* The commands, each defined beside its parser in cli_<area>.c; `bangfu --help` lists them in
 * this order. */
static const bf_command *const commands[] = {
    &bf_cli_import,
    &bf_cli_gen,
    &bf_cli_run,
    &bf_cli_simulate,
    &bf_cli_runs,
    &bf_cli_diff,
    &bf_cli_history,
    &bf_cli_review,
    &bf_cli_export,
    &bf_cli_check,
    &bf_cli_test,
    &bf_cli_lint,
    &bf_cli_doc,
    &bf_cli_params,
    &bf_cli_areas,
    &bf_cli_plugins,
    &bf_cli_serve,
    &bf_cli_passwd,
    NULL,
};

bool bf__cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
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
        fprintf(stderr, _("bangfu %1$s: option %2$s needs a value.\n"), argv[0], name);
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

bool bf__cli_flag(const char *arg, const char *name)
{
    return strcmp(arg, name) == 0;
}

/* True when any argument is --help or -h. */
static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

bf_store *bf__cli_open_store(const char *cmd, const char *db,
                             int (*open)(const char *path, bf_store **out, bf_errors *errs))
{
    bf_store *s = NULL;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    if (open(db, &s, &errs) != BF_OK)
        bf__cli_print_errors(cmd, &errs);
    else if (bf_store_note(s))        /* e.g. an upgrade that left much of the file unused */
        fprintf(stderr, "bangfu %s: %s\n", cmd, bf_store_note(s));
    bf_errors_free(&errs);
    return s;
}

int bf__cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bangfu %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    fprintf(stderr, _("Try 'bangfu %s --help'.\n"), cmd);
    va_end(ap);
    return BF_EXIT_USAGE;
}

/* Prints the usage text of a command on stdout, in the user's language; returns BF_EXIT_OK. */
static int print_usage(const bf_command *c)
{
    for (const char *const *paragraph = c->usage; *paragraph; paragraph++)
        fputs(_(*paragraph), stdout);
    return BF_EXIT_OK;
}

static const char *dir_from(const char *option, const char *env, const char *fallback)
{
    if (option)
        return option;
    const char *v = getenv(env);
    return v && *v ? v : fallback;
}

/* True when dir holds at least one NAME.so file. */
static bool holds_plugins(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *ent;
    while (!found && (ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        found = len > 3 && ent->d_name[0] != '.' && strcmp(ent->d_name + len - 3, ".so") == 0;
    }
    closedir(d);
    return found;
}

/* The folder of the running executable (from /proc/self/exe) into dir; false when unknown. */
static bool exe_dir(char *dir, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", dir, size - 1);
    if (n <= 0 || (size_t)n >= size - 1)
        return false;
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (!slash)
        return false;
    *slash = '\0';
    return true;
}

/* True when dir holds a params.xml (a policies folder). */
static bool holds_policies(const char *dir)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/params.xml", dir);
    return access(path, R_OK) == 0;
}

const char *bf__cli_policies_dir(const char *option)
{
    static char found[PATH_MAX + 32];
    const char *dir = dir_from(option, "BANGFU_POLICIES", NULL);
    if (dir)
        return dir;
    if (holds_policies("policies"))
        return "policies";
    char exe[PATH_MAX];      /* installed: PREFIX/bin/bangfu finds PREFIX/share/bangfu/policies */
    if (exe_dir(exe, sizeof exe)) {
        snprintf(found, sizeof found, "%s/../share/bangfu/policies", exe);
        if (holds_policies(found))
            return found;
    }
    return "policies";
}

const char *bf__cli_plugins_dir(const char *option)
{
    static char found[PATH_MAX + 32];
    const char *v = getenv("BANGFU_PLUGINS");
    if (option)
        return option;
    if (v && *v)
        return v;
    if (holds_plugins("plugins"))
        return "plugins";
    char exe[PATH_MAX];
    if (exe_dir(exe, sizeof exe)) {
        snprintf(found, sizeof found, "%s/plugins", exe);
        if (holds_plugins(found))
            return found;
        snprintf(found, sizeof found, "%s/../lib/bangfu/plugins", exe);
        if (holds_plugins(found))
            return found;
    }
    return "plugins";
}

bool bf__cli_parse_count(const char *cmd, const char *opt, const char *text, long max, long *out)
{
    char *end;
    errno = 0;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || errno || *end || end == text || v < 1 || v > max) {
        bf__cli_usage_error(cmd, _("%1$s must be a whole number from 1 to %2$ld, got '%3$s'."),
                           opt, max, text ? text : "");
        return false;
    }
    *out = v;
    return true;
}

/* Whether the report's folder can take a new file (checked before a long run, not instead of
 * handling the write's own failure). */
bool bf__cli_report_folder_writable(const char *path)
{
    char *copy = strdup(path);
    bool ok = copy && access(dirname(copy), W_OK | X_OK) == 0;
    free(copy);
    return ok;
}

static void print_help(void)
{
    printf(_("bangfu %s — rural social assistance rules (帮扶)\n\n"
             "usage: bangfu COMMAND [OPTIONS]\n\ncommands:\n"), BF_VERSION);
    for (const bf_command *const *c = commands; *c; c++)
        printf("  %-10s %s\n", (*c)->name, _((*c)->summary));
    fputs(_("\n'bangfu COMMAND --help' describes each command.\n"
            "Exit status: 0 success, 1 evaluation errors or test failures, 2 usage or input errors.\n"
            "The language follows the locale: LANG=zh_CN.UTF-8 for Chinese, LANG=C.UTF-8 for "
            "English.\n"), stdout);
}

/* The folder of bangfu's message catalogs (LANG/LC_MESSAGES/bangfu.mo): $BANGFU_LOCALEDIR, else
 * "locale" beside the executable when it holds the catalog (a build tree: build/locale), else
 * EXEDIR/../share/locale (installed). Found from the executable, as the plugins are, so that a
 * build tree and an installation under any PREFIX (or DESTDIR) both work unchanged. */
static const char *locale_dir(void)
{
    static char found[PATH_MAX + 64];
    const char *v = getenv("BANGFU_LOCALEDIR");
    if (v && *v)
        return v;
    char exe[PATH_MAX];
    if (!exe_dir(exe, sizeof exe))
        return "/usr/local/share/locale";
    char mo[PATH_MAX + 64];
    snprintf(mo, sizeof mo, "%s/locale/zh_CN/LC_MESSAGES/" BF_TEXTDOMAIN ".mo", exe);
    if (access(mo, R_OK) == 0)
        snprintf(found, sizeof found, "%s/locale", exe);
    else
        snprintf(found, sizeof found, "%s/../share/locale", exe);
    return found;
}

int main(int argc, char **argv)
{
    bf_i18n_init(locale_dir());
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help();
        return argc < 2 ? BF_EXIT_USAGE : BF_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("bangfu %s\n", BF_VERSION);
        return BF_EXIT_OK;
    }
    for (const bf_command *const *c = commands; *c; c++)
        if (strcmp((*c)->name, argv[1]) == 0) {
            if (wants_help(argc - 1, argv + 1))
                return print_usage(*c);
            return (*c)->run(argc - 1, argv + 1);
        }
    fprintf(stderr, _("bangfu: unknown command '%s'.\nTry 'bangfu --help'.\n"), argv[1]);
    return BF_EXIT_USAGE;
}

/* bf_store_on_wait callback; user is the command's name. */
static void tell_waiting(const void *cmd, const char *path)
{
    static bool told;
    if (told)
        return;
    told = true;
    fprintf(stderr, _("bangfu %s: another bangfu process (an import or a run) is writing %s; "
                      "waiting for it to finish (Ctrl-C to stop waiting)\n"), (const char *)cmd, path);
}

void bf__cli_wait_for_writers(struct bf_store *s, const char *cmd)
{
    const char *v = getenv("BANGFU_LOCK_WAIT");
    char *end;
    double seconds = v && *v ? strtod(v, &end) : -1;
    if (v && *v && (*end || seconds < 0 || seconds > 1e6))
        fprintf(stderr, _("bangfu %s: BANGFU_LOCK_WAIT=%s is not a number of seconds; waiting up "
                          "to %.0f seconds\n"), cmd, v, BF_STORE_DEFAULT_WAIT_SECONDS);
    else if (seconds >= 0)
        bf_store_set_wait(s, seconds);
    bf_store_on_wait(s, tell_waiting, cmd);
}

void bf__cli_print_errors(const char *cmd, const bf_errors *errs)
{
    int shown = errs->count < 20 ? errs->count : 20;
    for (int i = 0; i < shown; i++)
        fprintf(stderr, "bangfu %s: %s\n", cmd, errs->msgs[i]);
    int rest = bf_errors_total(errs) - shown;
    if (rest > 0)
        fprintf(stderr, P_("bangfu %s: … and %d more error\n", "bangfu %s: … and %d more errors\n",
                           rest), cmd, rest);
}
