/* cli_lint.c — `bangfu lint`: every problem of params.xml and the policy scripts that can be found
 * without a database and without evaluating anything, as file:line: message. */
#include "bangfu.h"
#include "cli.h"
#include "cli_eval.h"
#include "lint.h"
#include "plugins.h"

#include <stdio.h>
#include <sys/stat.h>
#include <string.h>

/* bangfu lint: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_lint(int argc, char **argv);
static const char *const lint_usage[] = {
    N_("usage: bangfu lint [DIR] [--plugins DIR]\n"
       "\n"
       "Loads params.xml and every policy script of DIR (default ./policies) without a database\n"
       "and reports every problem of every file in one pass, as file:line: message, one per line:\n"
       "scripts that do not load; broken contracts (id, title, scope, evaluate, requires); unknown\n"
       "or circular requires; and, from each script's compiled form without running it, reads of\n"
       "household and member fields that do not exist (also through ipairs(h.members),\n"
       "h.members[i] and locals), parameter names params.xml does not define (also through a local\n"
       "such as D = p.dibao), ctx.decision(\"id\") of a policy that does not exist or is not in the\n"
       "script's requires, require of a module that does not exist, globals the sandbox does not\n"
       "offer, and an enum field compared with a value it never holds (m.relation == \"father\");\n"
       "each with the nearest valid name (did you mean 'medical'?) or the valid ones.\n"),
    N_("\nIn params.xml: a parameter without title, unit or source, a value outside the\n"
       "parameter's declared range (kind, min, max), and, as a warning, a value higher than the\n"
       "later one that follows it (a cut on the later date: is it meant?).\n"
       "\nExit status: 0 no problems (warnings allowed), 1 problems found, 2 usage.\n"),
    NULL};
const bf_command bf_cli_lint = {"lint", cmd_lint, N_("check every policy script and params.xml without running anything"), lint_usage};

/* Loads the scripts as run would (contracts, requires), then checks them from their compiled
 * form (lint.h); every problem goes to errs. Returns the number of policies. */
static int lint_scripts(const char *dir, const bf_params *params, const bf_lua_module *modules,
                        bf_errors *errs, int *problems)
{
    bf_param_set set;
    int n_pol = 0;
    if (bf_params_resolve(params, bf_date_today(), NULL, 0, &set, errs) != BF_OK)
        return 0;
    bf_engine_config cfg = {.policies_dir = dir, .params = params, .sets = &set, .n_sets = 1,
                            .date = bf_date_today(), .jobs = 1, .text = BF_TEXT_ALL,
                            .modules = modules};
    bf_engine *e;
    if (bf_engine_open(&cfg, &e, errs) == BF_OK) {
        bf_engine_policies(e, &n_pol);
        bf_engine_close(e);
    }
    bf_param_set_free(&set);
    *problems += bf_lint_scripts(dir, params, modules, errs);
    return n_pol;
}

static int cmd_lint(int argc, char **argv)
{
    const char *dir = NULL, *plugins_opt = NULL, *v;
    for (int i = 1; i < argc; i++) {
        if (bf__cli_opt(argc, argv, &i, "--plugins", &v)) {
            if (!(plugins_opt = v))
                return BF_EXIT_USAGE;
            continue;
        }
        if (argv[i][0] == '-')
            return bf__cli_usage_error("lint", _("unknown option %s"), argv[i]);
        if (dir)
            return bf__cli_usage_error("lint", _("one policies folder at a time"));
        dir = argv[i];
    }
    dir = bf__cli_policies_dir(dir);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {      /* nothing to lint: an input error */
        fprintf(stderr, "bangfu lint: ");
        fprintf(stderr, _("%s: cannot open the policies folder"), dir);
        fputc('\n', stderr);
        return BF_EXIT_USAGE;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/params.xml", dir);
    bf_errors errs, warnings;
    bf_errors_init(&errs, 200);
    bf_params *params = NULL;
    if (bf_params_load(path, &params, &errs) != BF_OK) {
        for (int i = 0; i < errs.count; i++)
            printf("%s\n", errs.msgs[i]);
        bf_errors_free(&errs);
        return BF_EXIT_FAIL;
    }
    bf_plugins *plugins = NULL;
    if (bf__cli_load_plugins("lint", bf__cli_plugins_dir(plugins_opt), &plugins) != BF_EXIT_OK) {
        bf_errors_free(&errs);
        bf_params_free(params);
        return BF_EXIT_USAGE;
    }
    bf_errors_init(&warnings, 200);
    bf_lint_params(params, &errs, &warnings);
    int problems = 0;
    int n_pol = lint_scripts(dir, params, bf_plugins_lua_modules(plugins), &errs, &problems);
    bf_plugins_free(plugins);
    for (int i = 0; i < errs.count; i++)
        printf("%s\n", errs.msgs[i]);
    for (int i = 0; i < warnings.count; i++)
        printf("%s\n", warnings.msgs[i]);
    problems += bf_errors_total(&errs);
    if (!problems && warnings.count)
        printf(_("%d policies, %d parameters: no problems (see the warnings above)\n"), n_pol,
               params->n);
    else if (!problems)
        printf(_("%d policies, %d parameters: no problems\n"), n_pol, params->n);
    bf_errors_free(&errs);
    bf_errors_free(&warnings);
    bf_params_free(params);
    return problems ? BF_EXIT_FAIL : BF_EXIT_OK;
}
