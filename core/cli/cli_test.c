/* cli_test.c — `bangfu test` and `bangfu lint`: prove the policies still do what they should. */
#include "bangfu.h"
#include "cases.h"
#include "cli.h"
#include "cli_eval.h"
#include "plugins.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* bangfu test: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_test(int argc, char **argv);
static const char *const test_usage[] = {
    N_("usage: bangfu test [DIR] [--verbose] [--plugins DIR]\n"
       "\n"
       "Runs every case in DIR/tests/*.xml (DIR: the policies folder, default ./policies):\n"
       "evaluates the case's household on its date with its <set> values and compares each\n"
       "<expect> (eligible, amount to the fen, tier). Prints every failure with expected and\n"
       "actual values and the reasons, then 'N passed, N failed'.\n"
       "\n"
       "  --verbose          also list the cases that pass\n"
       "  --plugins DIR      native plugins whose Lua modules the scripts may require\n"
       "\nExit status: 0 all passed, 1 some failed, 2 the cases or policies could not be loaded.\n"),
    NULL};
const bf_command bf_cli_test = {"test", cmd_test, N_("run the policy test cases (DIR/tests/*.xml)"), test_usage};

static int cmd_test(int argc, char **argv)
{
    const char *dir = NULL, *plugins_opt = NULL, *v;
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        if (bf_cli_flag(argv[i], "--verbose") || bf_cli_flag(argv[i], "-v"))
            verbose = true;
        else if (bf_cli_opt(argc, argv, &i, "--plugins", &v)) {
            if (!(plugins_opt = v))
                return BF_EXIT_USAGE;
        } else if (argv[i][0] == '-')
            return bf_cli_usage_error("test", _("unknown option %s"), argv[i]);
        else if (!dir)
            dir = argv[i];
        else
            return bf_cli_usage_error("test", _("one policies folder at a time"));
    }
    dir = bf_cli_policies_dir(dir);
    bf_params *params;
    int status = bf_cli_load_params("test", dir, &params);
    if (status != BF_EXIT_OK)
        return status;
    char tests[4096];
    snprintf(tests, sizeof tests, "%s/tests", dir);
    bf_errors errs;
    bf_errors_init(&errs, 50);
    bf_case_suite suite;
    if (bf_cases_load_dir(tests, &suite, &errs) != BF_OK) {
        bf_cli_print_errors("test", &errs);
        bf_errors_free(&errs);
        bf_cases_free(&suite);
        bf_params_free(params);
        return BF_EXIT_USAGE;
    }
    bf_errors_free(&errs);
    bf_plugins *plugins = NULL;
    if (bf_cli_load_plugins("test", bf_cli_plugins_dir(plugins_opt), &plugins) != BF_EXIT_OK) {
        bf_cases_free(&suite);
        bf_params_free(params);
        return BF_EXIT_USAGE;
    }
    bf_case_totals t;
    bf_cases_run(&suite, dir, params, bf_plugins_lua_modules(plugins), stdout, verbose, &t);
    printf(_("%d passed, %d failed\n"), t.passed, t.failed);
    bf_plugins_free(plugins);
    bf_cases_free(&suite);
    bf_params_free(params);
    return t.failed ? BF_EXIT_FAIL : BF_EXIT_OK;
}

/* ---- bangfu lint ---- */

/* Whether a dotted parameter path exists: a parameter, or a group (indexed further at run time). */
static bool param_path_known(const bf_params *ps, const char *path, size_t len)
{
    int node = 0;
    const char *seg = path, *end = path + len;
    while (seg < end) {
        const char *dot = memchr(seg, '.', (size_t)(end - seg));
        size_t slen = dot ? (size_t)(dot - seg) : (size_t)(end - seg);
        int found = -1;
        for (int c = ps->nodes[node].first_child; c >= 0; c = ps->nodes[c].next_sibling)
            if (strlen(ps->nodes[c].key) == slen && memcmp(ps->nodes[c].key, seg, slen) == 0)
                found = c;
        if (found < 0)
            return false;
        if (ps->nodes[found].param >= 0)
            return true;                     /* a parameter: whatever follows is not ours */
        node = found;
        if (!dot)
            return true;
        seg = dot + 1;
    }
    return true;
}

/* Reports `p.a.b` references in a script that name no parameter; returns how many. */
static int lint_param_references(const char *file, const char *src, const bf_params *ps)
{
    int problems = 0, line = 1;
    for (const char *s = src; *s; s++) {
        if (*s == '\n') {
            line++;
            continue;
        }
        if (*s == '-' && s[1] == '-') {      /* skip comments to the end of the line */
            while (s[1] && s[1] != '\n')
                s++;
            continue;
        }
        bool starts = s[0] == 'p' && s[1] == '.' &&
                      (s == src || !(isalnum((unsigned char)s[-1]) || s[-1] == '_' || s[-1] == '.'));
        if (!starts)
            continue;
        const char *start = s + 2, *e = start;
        while (isalnum((unsigned char)*e) || *e == '_' || (*e == '.' && (isalpha((unsigned char)e[1]) || e[1] == '_')))
            e++;
        if (e > start && !param_path_known(ps, start, (size_t)(e - start))) {
            printf(_("%s:%d: unknown parameter 'p.%.*s' (not in params.xml)\n"), file, line,
                   (int)(e - start), start);
            problems++;
        }
        s = e - 1;
    }
    return problems;
}

/* bangfu lint: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_lint(int argc, char **argv);
static const char *const lint_usage[] = {
    N_("usage: bangfu lint [DIR] [--plugins DIR]\n"
       "\n"
       "Loads params.xml and every policy script of DIR (default ./policies) without a database\n"
       "and reports each problem as file:line: message, one per line: scripts that do not load,\n"
       "broken contracts (id, title, scope, evaluate, requires), unknown or circular requires,\n"
       "and p.NAME references to parameters that params.xml does not define.\n"
       "\nExit status: 0 no problems, 1 problems found, 2 usage.\n"),
    NULL};
const bf_command bf_cli_lint = {"lint", cmd_lint, N_("load every policy and check the contract, parameters and requires"), lint_usage};

static int cmd_lint(int argc, char **argv)
{
    const char *dir = NULL, *plugins_opt = NULL, *v;
    for (int i = 1; i < argc; i++) {
        if (bf_cli_opt(argc, argv, &i, "--plugins", &v)) {
            if (!(plugins_opt = v))
                return BF_EXIT_USAGE;
            continue;
        }
        if (argv[i][0] == '-')
            return bf_cli_usage_error("lint", _("unknown option %s"), argv[i]);
        if (dir)
            return bf_cli_usage_error("lint", _("one policies folder at a time"));
        dir = argv[i];
    }
    dir = bf_cli_policies_dir(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/params.xml", dir);
    bf_errors errs;
    bf_errors_init(&errs, 200);
    bf_params *params = NULL;
    int problems = 0;
    if (bf_params_load(path, &params, &errs) != BF_OK) {
        for (int i = 0; i < errs.count; i++)
            printf("%s\n", errs.msgs[i]);
        problems += bf_errors_total(&errs);
        bf_errors_free(&errs);
        return BF_EXIT_FAIL;
    }
    bf_param_set set;
    int n_pol = 0;
    bf_plugins *plugins = NULL;
    if (bf_cli_load_plugins("lint", bf_cli_plugins_dir(plugins_opt), &plugins) != BF_EXIT_OK) {
        bf_errors_free(&errs);
        bf_params_free(params);
        return BF_EXIT_USAGE;
    }
    if (bf_params_resolve(params, bf_date_today(), NULL, 0, &set, &errs) == BF_OK) {
        bf_engine_config cfg = {.policies_dir = dir, .params = params, .sets = &set, .n_sets = 1,
                                .date = bf_date_today(), .jobs = 1, .text = BF_TEXT_ALL,
                                .modules = bf_plugins_lua_modules(plugins)};
        bf_engine *e;
        if (bf_engine_open(&cfg, &e, &errs) == BF_OK) {
            const bf_policy *pol = bf_engine_policies(e, &n_pol);
            for (int k = 0; k < n_pol; k++)
                problems += lint_param_references(pol[k].display, pol[k].src, params);
            bf_engine_close(e);
        }
        bf_param_set_free(&set);
    }
    bf_plugins_free(plugins);
    for (int i = 0; i < errs.count; i++)
        printf("%s\n", errs.msgs[i]);
    problems += bf_errors_total(&errs);
    bf_errors_free(&errs);
    if (!problems)
        printf(_("%d policies, %d parameters: no problems\n"), n_pol, params->n);
    bf_params_free(params);
    return problems ? BF_EXIT_FAIL : BF_EXIT_OK;
}
