/* cli_eval.c — shared options of the evaluating commands, and `check`, `params`, `lint`. */
#include "cli_eval.h"
#include "report.h"
#include "params_report.h"
#include "bangfu.h"
#include "buf.h"
#include "cli.h"
#include "plugins.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void bf__eval_opts_init(bf_eval_opts *o)
{
    memset(o, 0, sizeof *o);
    o->db = "bangfu.db";
}

static bool parse_long(const char *cmd, const char *opt, const char *v, long long min,
                       long long max, long long *out)
{
    char *end;
    errno = 0;
    long long n = v ? strtoll(v, &end, 10) : 0;
    if (!v || errno || end == v || *end || n < min || n > max) {
        bf__cli_usage_error(cmd, _("%s must be a whole number from %lld to %lld, got '%s'"), opt, min,
                           max, v ? v : "");
        return false;
    }
    *out = n;
    return true;
}

int bf__eval_opts_parse(const char *cmd, int argc, char **argv, int *i, bf_eval_opts *o)
{
    const char *v;
    long long n;
    if (bf__cli_opt(argc, argv, i, "--db", &v))
        return (o->db = v) ? 1 : -1;
    if (bf__cli_opt(argc, argv, i, "--policies", &v))
        return (o->policies = v) ? 1 : -1;
    if (bf__cli_opt(argc, argv, i, "--plugins", &v))
        return (o->plugins = v) ? 1 : -1;
    if (bf__cli_opt(argc, argv, i, "--date", &v))
        return (o->date = v) ? 1 : -1;
    if (bf__cli_opt(argc, argv, i, "--only", &v))
        return (o->only = v) ? 1 : -1;
    if (bf__cli_opt(argc, argv, i, "--set", &v)) {
        if (!v)
            return -1;
        if (o->n_overrides == BF_CLI_MAX_OVERRIDES) {
            bf__cli_usage_error(cmd, _("at most %d --set options"), BF_CLI_MAX_OVERRIDES);
            return -1;
        }
        bf_errors why;
        bf_errors_init(&why, 1);
        if (bf_override_parse(v, &o->overrides[o->n_overrides], &why) != BF_OK) {
            bf__cli_usage_error(cmd, _("--set %s"), bf_errors_first(&why));
            bf_errors_free(&why);
            return -1;
        }
        o->n_overrides++;
        return 1;
    }
    if (bf__cli_opt(argc, argv, i, "--jobs", &v)) {
        if (!parse_long(cmd, "--jobs", v, 1, 64, &n))
            return -1;
        o->jobs = (long)n;
        return 1;
    }
    if (bf__cli_opt(argc, argv, i, "--max-memory", &v)) {
        if (!parse_long(cmd, "--max-memory (MiB)", v, 1, 65536, &n))
            return -1;
        o->max_memory_mib = (long)n;
        return 1;
    }
    if (bf__cli_opt(argc, argv, i, "--max-instructions", &v)) {
        if (!parse_long(cmd, "--max-instructions", v, 1000, 1000000000000LL, &n))
            return -1;
        o->max_instructions = n;
        return 1;
    }
    if (bf__cli_opt(argc, argv, i, "--max-seconds", &v)) {
        if (!parse_long(cmd, "--max-seconds", v, 1, 86400, &n))
            return -1;
        o->max_seconds = (long)n;
        return 1;
    }
    return 0;
}

int bf__cli_load_params(const char *cmd, const char *policies, bf_params **out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/params.xml", policies);
    bf_errors errs;
    bf_errors_init(&errs, 50);
    int rc = bf_params_load(path, out, &errs);
    if (rc != BF_OK)
        bf__cli_print_errors(cmd, &errs);
    if (rc != BF_OK && access(path, F_OK) != 0)
        fprintf(stderr, _("bangfu %s: no policies folder at %s: give --policies DIR or set "
                        "BANGFU_POLICIES\n"), cmd, policies);
    bf_errors_free(&errs);
    return rc == BF_OK ? BF_EXIT_OK : BF_EXIT_USAGE;
}

/* Splits --only a,b into s->only. */
static bool split_only(const char *cmd, const char *only, bf_eval_session *s)
{
    if (!only)
        return true;
    s->only_buf = strdup(only);
    for (char *tok = strtok(s->only_buf, ","); tok; tok = strtok(NULL, ",")) {
        if (s->n_only == 64) {
            bf__cli_usage_error(cmd, _("--only names at most 64 policies"));
            return false;
        }
        s->only[s->n_only++] = tok;
    }
    if (s->n_only == 0) {
        bf__cli_usage_error(cmd, _("--only needs policy ids, e.g. --only dibao,tekun"));
        return false;
    }
    return true;
}

int bf__eval_session_open(const char *cmd, const bf_eval_opts *o, bf_text_mode text, bool explain,
                         const bf_override *scenario, int n_scenario, bf_eval_session *s)
{
    memset(s, 0, sizeof *s);
    if (o->date) {
        if (bf_date_parse(o->date, &s->date) != BF_OK)
            return bf__cli_usage_error(cmd, _("--date must be an existing date YYYY-MM-DD, got '%s'"),
                                      o->date);
    } else {
        s->date = bf_date_today();
    }
    if (!split_only(cmd, o->only, s))
        return BF_EXIT_USAGE;
    const char *dir = bf__cli_policies_dir(o->policies);
    int status = bf__cli_load_params(cmd, dir, &s->params);
    if (status != BF_EXIT_OK)
        return status;
    bf_errors errs;
    bf_errors_init(&errs, 50);
    int rc = bf_params_resolve(s->params, s->date, o->overrides, o->n_overrides, &s->sets[0], &errs);
    s->n_sets = rc == BF_OK ? 1 : 0;
    if (rc == BF_OK && scenario) {
        /* the scenario applies on top of the command's own --set values */
        bf_override all[2 * BF_CLI_MAX_OVERRIDES];
        int n = 0;
        for (int i = 0; i < o->n_overrides; i++)
            all[n++] = o->overrides[i];
        for (int i = 0; i < n_scenario && n < 2 * BF_CLI_MAX_OVERRIDES; i++)
            all[n++] = scenario[i];
        rc = bf_params_resolve(s->params, s->date, all, n, &s->sets[1], &errs);
        if (rc == BF_OK)
            s->n_sets = 2;
    }
    if (rc == BF_OK &&
        bf__cli_load_plugins(cmd, bf__cli_plugins_dir(o->plugins), &s->plugins) != BF_EXIT_OK) {
        bf_errors_free(&errs);
        bf__eval_session_close(s);
        return BF_EXIT_USAGE;
    }
    if (rc == BF_OK) {
        bf_engine_config cfg = {
            .policies_dir = dir, .params = s->params, .sets = s->sets, .n_sets = s->n_sets,
            .date = s->date, .jobs = (int)o->jobs,
            .max_memory = (size_t)o->max_memory_mib * 1024 * 1024,
            .max_instructions = (uint64_t)o->max_instructions,
            .max_seconds = (unsigned)o->max_seconds,
            .only = s->n_only ? s->only : NULL, .n_only = s->n_only,
            .explain = explain, .text = text, .cancel = o->cancel,
            .modules = bf_plugins_lua_modules(s->plugins), .track_reads = o->track_reads,
        };
        rc = bf_engine_open(&cfg, &s->engine, &errs);
    }
    if (rc != BF_OK) {
        bf__cli_print_errors(cmd, &errs);
        bf_errors_free(&errs);
        bf__eval_session_close(s);
        return BF_EXIT_USAGE;
    }
    bf_errors_free(&errs);
    return BF_EXIT_OK;
}

void bf__eval_session_close(bf_eval_session *s)
{
    bf_engine_close(s->engine);             /* before the plugins: it holds their functions */
    bf_plugins_free(s->plugins);
    for (int i = 0; i < 2; i++)
        bf_param_set_free(&s->sets[i]);
    bf_params_free(s->params);
    free(s->only_buf);
    memset(s, 0, sizeof *s);
}

/* ---- bangfu check ---- */

/* bangfu check: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_check(int argc, char **argv);
static const char *const check_usage[] = {
    N_("usage: bangfu check HOUSEHOLD_ID [--db DB] [--date D] [--set NAME=VALUE]... [--explain]\n"
       "                    [--format text|json] [--only P,...]\n"
       "\n"
       "Evaluates every policy for one stored household and prints each decision: eligible or\n"
       "not, the yearly amount in yuan, the tier, and the reasons, members in record order.\n"
       "With --set the figures are a what-if: the header (JSON: \"hypothetical\": true and\n"
       "\"scenario\": {NAME: {\"in_force\", \"value\", \"applies\"}}) says so, with each value in\n"
       "force. Nothing is written to the database.\n"
       "\n"),
    BF_CLI_DB_HELP,
    BF_CLI_EVAL_HELP,
    BF_CLI_SET_HELP,
    N_("  --only P,...       only these policies (and the ones they require)\n"
       "  --explain          also show, per decision, the parameters read and what the script printed\n"
       "  --format FMT       text (default) or json: {\"household\", \"date\", \"decisions\": [...]}\n"
       "\nExit status: 0 evaluated, 1 some decision is an error, 2 bad input or usage.\n"),
    NULL};
const bf_command bf_cli_check = {"check", cmd_check, N_("evaluate one household: eligible for what, how much, and why"), check_usage};

static int cmd_check(int argc, char **argv)
{
    bf_eval_opts o;
    bf__eval_opts_init(&o);
    const char *id = NULL, *format = "text";
    bool explain = false;
    for (int i = 1; i < argc; i++) {
        int r = bf__eval_opts_parse("check", argc, argv, &i, &o);
        const char *v;
        if (r < 0)
            return BF_EXIT_USAGE;
        if (r > 0)
            continue;
        if (bf__cli_opt(argc, argv, &i, "--format", &v)) {
            if (!v || (strcmp(v, "text") && strcmp(v, "json")))
                return bf__cli_usage_error("check", _("--format is text or json"));
            format = v;
        } else if (bf__cli_flag(argv[i], "--explain")) {
            explain = true;
        } else if (argv[i][0] == '-') {
            return bf__cli_usage_error("check", _("unknown option %s"), argv[i]);
        } else if (!id) {
            id = argv[i];
        } else {
            return bf__cli_usage_error("check", _("one household id at a time"));
        }
    }
    if (!id)
        return bf__cli_usage_error("check", _("which household? bangfu check HOUSEHOLD_ID"));
    if (!o.jobs)
        o.jobs = 1;                                  /* one household: no threads needed */
    bf_store *store;
    if (!(store = bf__cli_open_store("check", o.db, bf_store_open_readonly)))
        return BF_EXIT_USAGE;
    bf_household h = {0};
    bf_errors errs;
    bf_errors_init(&errs, 1);
    int rc = bf_store_get_household(store, id, &h, &errs);
    if (rc != BF_OK) {
        bf__cli_print_errors("check", &errs);
        bf_errors_free(&errs);
        bf_store_close(store);
        bf_household_free(&h);
        return BF_EXIT_USAGE;
    }
    bf_store_close(store);
    bf_eval_session s;
    int status = bf__eval_session_open("check", &o, BF_TEXT_ALL, explain, NULL, 0, &s);
    if (status != BF_EXIT_OK) {
        bf_household_free(&h);
        return status;
    }
    bf_result r = {0};
    bf_engine_evaluate(s.engine, &h, 1, 0, &r);
    /* --set makes every figure a what-if: say so, with each value in force */
    bf_override_effect effects[BF_CLI_MAX_OVERRIDES];
    bf_errors warnings;
    bf_errors_init(&warnings, BF_CLI_MAX_OVERRIDES);
    bf_override_effects(s.params, s.date, o.overrides, o.n_overrides, effects, &warnings);
    for (int i = 0; i < warnings.count; i++)
        fprintf(stderr, _("bangfu check: warning: %s\n"), warnings.msgs[i]);
    bf_sim_scenario sc = {"", o.overrides, effects, o.n_overrides};
    if (strcmp(format, "json") == 0) {
        bf_buf out = {0};
        bf_report_household_json(&out, s.engine, &h, s.date, &r, explain, &sc);
        fputs(bf_buf_str(&out), stdout);
        bf_buf_free(&out);
    } else {
        bf_report_household_text(stdout, s.engine, &h, s.date, &r, explain, &sc);
    }
    bf_errors_free(&warnings);
    status = r.errors ? BF_EXIT_FAIL : BF_EXIT_OK;
    bf_result_free(&r);
    bf_household_free(&h);
    bf__eval_session_close(&s);
    return status;
}

/* ---- bangfu params ---- */

/* bangfu params: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_params(int argc, char **argv);
static const char *const params_usage[] = {
    N_("usage: bangfu params [--date D] [--format text|json] [--policies DIR]\n"
       "\n"
       "Lists every parameter of params.xml: the value in force on the date (default today) and\n"
       "since when, its unit, title and source. A parameter with no value on that date is shown\n"
       "as not in force; a script that reads it gets an error naming it.\n"),
    NULL};
const bf_command bf_cli_params = {"params", cmd_params, N_("list every parameter in force on a date, with unit and source"), params_usage};

static int cmd_params(int argc, char **argv)
{
    const char *date_text = NULL, *dir = NULL, *format = "text";
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (bf__cli_opt(argc, argv, &i, "--date", &v)) {
            if (!(date_text = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--policies", &v)) {
            if (!(dir = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--format", &v)) {
            if (!v || (strcmp(v, "text") && strcmp(v, "json")))
                return bf__cli_usage_error("params", _("--format is text or json"));
            format = v;
        } else {
            return bf__cli_usage_error("params", _("unknown argument %s"), argv[i]);
        }
    }
    bf_date date = bf_date_today();
    if (date_text && bf_date_parse(date_text, &date) != BF_OK)
        return bf__cli_usage_error("params", _("--date must be an existing date YYYY-MM-DD"));
    bf_params *ps;
    int status = bf__cli_load_params("params", bf__cli_policies_dir(dir), &ps);
    if (status != BF_EXIT_OK)
        return status;
    char d[BF_DATE_STRLEN];
    bf_date_format(date, d);
    if (strcmp(format, "json") == 0) {
        bf_buf out = {0};
        bf_report_params_json(&out, ps, date);
        fputs(bf_buf_str(&out), stdout);
        bf_buf_free(&out);
        bf_params_free(ps);
        return BF_EXIT_OK;
    }
    printf(_("parameters in force on %s (%s)\n\n"), d, ps->path);
    for (int i = 0; i < ps->n; i++) {
        const bf_param *p = &ps->items[i];
        char from[BF_DATE_STRLEN], range[128];
        int v = bf_report_param_in_force(p, date, from, range);
        printf("%-38s %10s  %-18s %s\n", p->name, v >= 0 ? p->values[v].text : "—", p->unit,
               p->title);
        if (v >= 0)
            printf(_("%40s since %s; %s, %s; source: %s\n"), "", from,
                   bf_param_kind_name(p->range.kind), range, p->source);
        else
            printf(_("%40s not in force on this date; %s, %s; source: %s\n"), "",
                   bf_param_kind_name(p->range.kind), range, p->source);
    }
    bf_params_free(ps);
    return BF_EXIT_OK;
}
