/* cli_test.c — `bangfu test` and `bangfu lint`: prove the policies still do what they should. */
#include "bangfu.h"
#include "cases.h"
#include "cli.h"
#include "cli_eval.h"
#include "coverage.h"
#include "plugins.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* bangfu test: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_test(int argc, char **argv);
static const char *const test_usage[] = {
    N_("usage: bangfu test [DIR | FILE.xml ...] [--policy ID] [--case TEXT] [--coverage]\n"
       "                   [--format text|json] [--verbose] [--policies DIR] [--plugins DIR]\n"
       "\n"
       "Runs the test cases: every case in DIR/tests/*.xml (DIR: the policies folder, default\n"
       "./policies), or only those of the FILE.xml files given. Each case's household is evaluated\n"
       "on its date with its <set> values and each <expect> is compared (eligible, amount to the\n"
       "fen, tier). Prints every failure with expected and actual values and the reasons, then\n"
       "'N passed, N failed'. A policy script that does not load is reported once, and no case runs.\n"),
    N_("\n"
       "  --policy ID        only the expectations of policy ID (and the cases that have one);\n"
       "                     only ID and the policies it requires are evaluated\n"
       "  --case TEXT        only the cases whose name contains TEXT\n"
       "  --coverage         then, for each policy script, the share of its executable lines the\n"
       "                     cases ran and the lines they never ran (policies/dibao.lua:87-92)\n"
       "  --format json      one JSON object: cases (file, line, name, ok, failures), passed,\n"
       "                     failed, and with --coverage the coverage of each script\n"
       "  --verbose          also list the cases that pass\n"
       "  --policies DIR     the policies folder when case files are named\n"
       "  --plugins DIR      native plugins whose Lua modules the scripts may require\n"),
    N_("\nA case file may give the member attributes its cases share once, before the first case:\n"
       "<defaults><member labor=\"full\" .../></defaults>; a member then writes only what differs.\n"
       "\nExit status: 0 all passed, 1 some failed, 2 the cases or policies could not be loaded,\n"
       "or no case was selected.\n"),
    NULL};
const bf_command bf_cli_test = {"test", cmd_test, N_("run the policy test cases (DIR/tests/*.xml)"), test_usage};

typedef struct test_opts {
    const char *dir, *policy, *name, *plugins;
    char **files;
    int n_files;
    bool verbose, json, coverage;
} test_opts;

static bool is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Parses test's arguments into o (o->files points into argv); a BF_EXIT_* code. */
static int parse_test(int argc, char **argv, test_opts *o)
{
    const char *v;
    for (int i = 1; i < argc; i++) {
        if (bf__cli_flag(argv[i], "--verbose") || bf__cli_flag(argv[i], "-v"))
            o->verbose = true;
        else if (bf__cli_flag(argv[i], "--coverage"))
            o->coverage = true;
        else if (bf__cli_opt(argc, argv, &i, "--plugins", &v)) {
            if (!(o->plugins = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--policies", &v)) {
            if (!(o->dir = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--policy", &v)) {
            if (!(o->policy = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--case", &v)) {
            if (!(o->name = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--format", &v)) {
            if (!v)
                return BF_EXIT_USAGE;
            if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
                return bf__cli_usage_error("test", _("--format must be text or json, not '%s'"), v);
            o->json = strcmp(v, "json") == 0;
        } else if (argv[i][0] == '-')
            return bf__cli_usage_error("test", _("unknown option %s"), argv[i]);
        else if (is_directory(argv[i])) {
            if (o->dir)
                return bf__cli_usage_error("test", _("one policies folder at a time"));
            o->dir = argv[i];
        } else
            o->files[o->n_files++] = argv[i];
    }
    return BF_EXIT_OK;
}

static void print_range(FILE *out, const int *r, int k, bool json)
{
    const char *sep = json ? (k ? ",\"" : "\"") : "";
    if (r[2 * k] == r[2 * k + 1])
        fprintf(out, "%s%d%s", sep, r[2 * k], json ? "\"" : "");
    else
        fprintf(out, "%s%d-%d%s", sep, r[2 * k], r[2 * k + 1], json ? "\"" : "");
}

/* The coverage of each script: text lines, or the members of a JSON array. */
static void print_coverage(FILE *out, const bf_coverage *cov, bool json)
{
    if (!json)
        fprintf(out, "\n%s\n", _("coverage: the executable lines of each policy script the cases ran"));
    for (int i = 0; i < bf_coverage_count(cov); i++) {
        bf_coverage_file f;
        bf_coverage_file_at(cov, i, &f);
        int *r = NULL;
        int n = bf_coverage_missed(cov, i, &r);
        if (json) {
            bf_buf b = {0};
            bf_buf_json_string(&b, f.display, strlen(f.display));
            fprintf(out, "%s{\"file\":%s,\"lines\":%d,\"executed\":%d,\"percent\":%.1f,"
                    "\"unexpected\":%d,\"missed\":[", i ? "," : "", bf_buf_str(&b), f.executable,
                    f.executed, f.percent, f.unexpected);
            bf_buf_free(&b);
        } else
            fprintf(out, _("  %-40s %5.1f%%  (%d of %d lines)\n"), f.display, f.percent, f.executed,
                    f.executable);
        for (int k = 0; k < n; k++) {
            if (!json)
                fprintf(out, _("    not run: %s:"), f.display);
            print_range(out, r, k, json);
            if (!json)
                fputc('\n', out);
        }
        if (json)
            fputs("]}", out);
        free(r);
    }
}

static void print_report_text(const bf_case_report *rep, bool verbose)
{
    for (int i = 0; i < rep->n; i++) {
        const bf_case_outcome *o = &rep->cases[i];
        if (!o->ok)
            printf(_("FAIL %s:%ld: %s\n%s"), o->c->file, o->c->line, o->c->name, o->why);
        else if (verbose)
            printf(_("ok   %s:%ld: %s\n"), o->c->file, o->c->line, o->c->name);
    }
    printf(_("%d passed, %d failed\n"), rep->passed, rep->failed);
}

static void print_report_json(const bf_case_report *rep, const bf_coverage *cov)
{
    bf_buf b = {0};
    bf_buf_puts(&b, "{\"cases\":[");
    for (int i = 0; i < rep->n; i++) {
        const bf_case_outcome *o = &rep->cases[i];
        bf_buf_puts(&b, i ? ",\n{\"file\":" : "\n{\"file\":");
        bf_buf_json_string(&b, o->c->file, strlen(o->c->file));
        bf_buf_printf(&b, ",\"line\":%ld,\"name\":", o->c->line);
        bf_buf_json_string(&b, o->c->name ? o->c->name : "", o->c->name ? strlen(o->c->name) : 0);
        bf_buf_printf(&b, ",\"ok\":%s,\"failures\":", o->ok ? "true" : "false");
        bf_buf_json_string(&b, o->why, strlen(o->why));
        bf_buf_puts(&b, "}");
    }
    bf_buf_printf(&b, "],\n\"passed\":%d,\"failed\":%d", rep->passed, rep->failed);
    fputs(bf_buf_str(&b), stdout);
    bf_buf_free(&b);
    if (cov) {
        fputs(",\n\"coverage\":[", stdout);
        print_coverage(stdout, cov, true);
        fputs("]", stdout);
    }
    fputs("}\n", stdout);
}

/* Loads the case files: those named, else every file of DIR/tests. Prints errors. */
static int load_suite(const test_opts *o, bf_case_suite *suite)
{
    bf_errors errs;
    bf_errors_init(&errs, 50);
    int rc;
    if (o->n_files)
        rc = bf_cases_load_files(o->files, o->n_files, suite, &errs);
    else {
        char tests[4096];
        snprintf(tests, sizeof tests, "%s/tests", o->dir);
        rc = bf_cases_load_dir(tests, suite, &errs);
    }
    if (rc != BF_OK)
        bf__cli_print_errors("test", &errs);
    bf_errors_free(&errs);
    return rc == BF_OK ? BF_EXIT_OK : BF_EXIT_USAGE;
}

/* Loads the scripts once, runs the selected cases and prints them; a BF_EXIT_* code. */
static int run_suite(const test_opts *o, const bf_case_suite *suite, bf_case_run *cfg)
{
    bf_errors errs;
    bf_errors_init(&errs, 50);
    int rc = bf_cases_check_policies(cfg, &errs);
    if (rc != BF_OK) {
        bf__cli_print_errors("test", &errs);
        bf_errors_free(&errs);
        return BF_EXIT_USAGE;
    }
    bf_errors_free(&errs);
    bf_case_report rep;
    if (bf_cases_run(suite, cfg, &rep) != BF_OK) {
        fprintf(stderr, "bangfu test: %s\n", _("out of memory"));
        return BF_EXIT_USAGE;
    }
    int status = rep.failed ? BF_EXIT_FAIL : BF_EXIT_OK;
    if (rep.n == 0) {
        fprintf(stderr, "bangfu test: %s\n", _("no case matches the selection"));
        status = BF_EXIT_USAGE;
    } else if (o->json)
        print_report_json(&rep, cfg->coverage);
    else {
        print_report_text(&rep, o->verbose);
        if (cfg->coverage)
            print_coverage(stdout, cfg->coverage, false);
    }
    bf_case_report_free(&rep);
    return status;
}

static int cmd_test(int argc, char **argv)
{
    char *files[argc > 0 ? argc : 1];
    test_opts o = {.files = files};
    int status = parse_test(argc, argv, &o);
    if (status != BF_EXIT_OK)
        return status;
    o.dir = bf__cli_policies_dir(o.dir);
    bf_params *params;
    if ((status = bf__cli_load_params("test", o.dir, &params)) != BF_EXIT_OK)
        return status;
    bf_case_suite suite;
    bf_plugins *plugins = NULL;
    bf_coverage *cov = NULL;
    status = load_suite(&o, &suite);
    if (status == BF_EXIT_OK)
        status = bf__cli_load_plugins("test", bf__cli_plugins_dir(o.plugins), &plugins);
    if (status == BF_EXIT_OK && o.coverage && !(cov = bf_coverage_new())) {
        fprintf(stderr, "bangfu test: %s\n", _("out of memory"));
        status = BF_EXIT_USAGE;
    }
    if (status == BF_EXIT_OK) {
        bf_case_run cfg = {.policies_dir = o.dir, .params = params,
                           .modules = bf_plugins_lua_modules(plugins), .policy = o.policy,
                           .name = o.name, .coverage = cov};
        status = run_suite(&o, &suite, &cfg);
    }
    bf_coverage_free(cov);
    bf_plugins_free(plugins);
    bf_cases_free(&suite);
    bf_params_free(params);
    return status;
}
