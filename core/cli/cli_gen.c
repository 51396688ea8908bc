/* cli_gen.c — `bangfu gen`: a synthetic county population, into a database or an XML file.
 * It orchestrates, one way: the generator makes the households (places from areas.xml, incomes
 * around the dibao standard of params.xml), the engine evaluates the policy scripts on them,
 * and what they are eligible for becomes the households' `recorded` before they are written. */
#include "cli.h"
#include "bangfu.h"
#include "cli_eval.h"
#include "gen.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "gen"

/* The options of one `gen` invocation. */
typedef struct gen_options {
    long households;
    uint64_t seed;
    const char *db;
    const char *out;
    const char *policies;   /* --policies DIR: the scripts, params.xml and areas.xml */
    long jobs;              /* --jobs N: evaluation threads, 0: one per core */
} gen_options;

/* Set by SIGINT/SIGTERM; the generator polls it and removes what it wrote. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* Parses a seed: a whole number from 0 to 2^64 − 1. */
static bool parse_seed(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = text && *text >= '0' && *text <= '9' ? strtoull(text, &end, 10) : 0;
    if (!text || *text < '0' || *text > '9' || errno || *end) {
        bf__cli_usage_error(CMD, _("--seed must be a whole number from 0 to %llu, got '%s'"),
                           (unsigned long long)UINT64_MAX, text ? text : "");
        return false;
    }
    *out = (uint64_t)v;
    return true;
}

/* Reads the arguments into o; BF_EXIT_OK or BF_EXIT_USAGE (already reported). */
static int parse_args(int argc, char **argv, gen_options *o)
{
    const char *count = NULL, *seed = NULL, *jobs = NULL;
    *o = (gen_options){.seed = 1};
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        const char **slot = bf__cli_opt(argc, argv, &i, "--households", &v) ? &count
                            : bf__cli_opt(argc, argv, &i, "--seed", &v)    ? &seed
                            : bf__cli_opt(argc, argv, &i, "--db", &v)      ? &o->db
                            : bf__cli_opt(argc, argv, &i, "--out", &v)     ? &o->out
                            : bf__cli_opt(argc, argv, &i, "--policies", &v) ? &o->policies
                            : bf__cli_opt(argc, argv, &i, "--jobs", &v)    ? &jobs
                                                                          : NULL;
        if (!slot)
            return bf__cli_usage_error(CMD, _("unknown argument '%s'"), argv[i]);
        if (!v)
            return BF_EXIT_USAGE;   /* bf__cli_opt reported the missing value */
        *slot = v;
    }
    if (!count)
        return bf__cli_usage_error(CMD, _("--households N is required"));
    if (!bf__cli_parse_count(CMD, "--households", count, BF_GEN_MAX_HOUSEHOLDS, &o->households))
        return BF_EXIT_USAGE;
    if (seed && !parse_seed(seed, &o->seed))
        return BF_EXIT_USAGE;
    if (jobs && !bf__cli_parse_count(CMD, "--jobs", jobs, 64, &o->jobs))
        return BF_EXIT_USAGE;
    if (!o->db == !o->out)
        return bf__cli_usage_error(CMD, _("give exactly one of --db DB and --out FILE.xml"));
    if ((o->db && !*o->db) || (o->out && !*o->out))
        return bf__cli_usage_error(CMD, _("the file name is empty"));
    return BF_EXIT_OK;
}

static void print_errors(const bf_errors *errs)
{
    for (int i = 0; i < errs->count; i++)
        fprintf(stderr, "bangfu %s: %s\n", CMD, errs->msgs[i]);
    if (errs->dropped)
        fprintf(stderr, _("bangfu %s: … and %d more errors\n"), CMD, errs->dropped);
}

/* Generates into a database; returns a library error code, messages in errs. */
static int gen_db(const gen_options *o, const bf_gen_job *job, bf_gen_totals *totals,
                  bf_errors *errs)
{
    bf_store *s = NULL;
    int rc = bf_store_open(o->db, &s, errs);
    if (rc != BF_OK)
        return rc == BF_ESTORE ? BF_EIO : rc;
    bf__cli_wait_for_writers(s, "gen");
    rc = bf_gen_to_store(s, job, totals, errs);
    bool created = bf_store_created(s);
    if (rc == BF_OK)
        bf_store_close(s);
    else
        bf_store_discard(s);         /* a database this gen created is removed again */
    if (rc != BF_OK && created)
        bf_errors_add(errs, _("nothing was kept: the new database %s was removed"), o->db);
    return rc;
}

/* What the generator needs from the county's files and the engine. */
typedef struct county {
    bf_eval_session session;
    bool session_open;
    bf_areas *areas;
    bf_gen_county gen;
    bf_result *results;        /* room for a chunk of households */
    int n_results;
} county;

/* The generator's callback: evaluates the policy scripts on hs and writes into each household's
 * recorded the ids of the policies with an eligible decision, in evaluation order. */
static int eligible(void *ctx, bf_household *hs, int n, bf_errors *errs)
{
    county *c = ctx;
    if (n > c->n_results) {
        bf_result *grown = realloc(c->results, sizeof *grown * (size_t)n);
        if (!grown)
            return BF_ENOMEM;
        memset(grown + c->n_results, 0, sizeof *grown * (size_t)(n - c->n_results));
        c->results = grown;
        c->n_results = n;
    }
    int rc = bf_engine_evaluate(c->session.engine, hs, n, 0, c->results);
    int np;
    const bf_policy *pol = bf_engine_policies(c->session.engine, &np);
    for (int i = 0; rc == BF_OK && i < n; i++) {
        const bf_result *r = &c->results[i];
        size_t len = 0;
        hs[i].recorded[0] = '\0';
        for (int k = 0; k < r->n; k++) {
            const bf_decision *d = &r->d[k];
            if (d->failed) {
                bf_errors_add(errs, _("household %s: the policy scripts failed: %s"), hs[i].id,
                              bf_result_text(r, d->error));
                rc = BF_ESCRIPT;
            }
            bool first = k == 0 || r->d[k - 1].policy != d->policy;   /* adjacent per policy */
            bool any = d->eligible;
            for (int j = k + 1; !any && j < r->n && r->d[j].policy == d->policy; j++)
                any = r->d[j].eligible;
            if (first && any)
                len += (size_t)snprintf(hs[i].recorded + len, sizeof hs[i].recorded - len,
                                        "%s%s", len ? " " : "", pol[d->policy].id);
        }
    }
    return rc;
}

/* Opens what gen reads: params.xml (the standard), areas.xml, the engine on the reference
 * date. BF_EXIT_OK, or a usage or failure status (printed). */
static int county_open(const gen_options *o, county *c)
{
    memset(c, 0, sizeof *c);
    bf_eval_opts eo;
    bf__eval_opts_init(&eo);
    char date[BF_DATE_STRLEN];
    bf_date_format(BF_GEN_DATE, date);
    eo.policies = o->policies;
    eo.date = date;
    eo.jobs = o->jobs;
    int status = bf__eval_session_open(CMD, &eo, BF_TEXT_NONE, false, NULL, 0, &c->session);
    if (status != BF_EXIT_OK)
        return status;
    c->session_open = true;
    status = bf__cli_load_areas(CMD, bf__cli_policies_dir(o->policies), &c->areas);
    if (status != BF_EXIT_OK)
        return status;
    const bf_param_set *set = &c->session.sets[0];
    int k = bf_params_index(set->defs, "dibao.standard");
    if (k < 0 || !set->in_force[k]) {
        fprintf(stderr, _("bangfu %s: params.xml has no dibao.standard in force on %s; the "
                          "generator draws incomes around it\n"), CMD, date);
        return BF_EXIT_USAGE;
    }
    c->gen = (bf_gen_county){c->areas, set->value[k]};
    return BF_EXIT_OK;
}

static void county_close(county *c)
{
    for (int i = 0; i < c->n_results; i++)
        bf_result_free(&c->results[i]);
    free(c->results);
    bf_areas_free(c->areas);
    if (c->session_open)
        bf__eval_session_close(&c->session);
}

/* Exit status for a library error: the user's input or options, or a failure while writing. */
static int exit_status(int rc)
{
    switch (rc) {
    case BF_OK: return BF_EXIT_OK;
    case BF_EUSAGE: case BF_EINPUT: case BF_EVERSION: case BF_EIO: return BF_EXIT_USAGE;
    default: return BF_EXIT_FAIL;
    }
}

/* bangfu gen: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_gen(int argc, char **argv);
static const char *const gen_usage[] = {
    N_("usage: bangfu gen --households N [--seed S] (--db DB | --out FILE.xml)\n"
       "                  [--policies DIR] [--jobs N]\n"
       "\n"
       "Makes N households in the towns and villages of areas.xml, deterministic for a seed,\n"
       "with every policy and tier represented; ages are taken on 2021-06-30. What the records\n"
       "say each household receives (recorded) is what the policy scripts decide on that date,\n"
       "now and then with an omission or a benefit that should have stopped, for review to find.\n"
       "--db writes straight into the database (it must hold no households yet); --out writes an\n"
       "XML file that `import` accepts. On an error or an interrupt nothing is kept.\n"
       "\n"
       "  --households N     how many households (1 to 100000000)\n"
       "  --seed S           the seed, a whole number (default 1)\n"
       "  --db DB            write into this SQLite database (created when missing)\n"
       "  --out FILE.xml     write XML instead of a database\n"
       "  --policies DIR     the policy scripts, params.xml and areas.xml (default ./policies,\n"
       "                     or $BANGFU_POLICIES)\n"
       "  --jobs N           evaluation threads (default: one per core)\n"),
    NULL};
const bf_command bf_cli_gen = {"gen", cmd_gen, N_("generate a synthetic county population"), gen_usage};

static int cmd_gen(int argc, char **argv)
{
    gen_options o;
    int status = parse_args(argc, argv, &o);
    if (status != BF_EXIT_OK)
        return status;
    county c;
    status = county_open(&o, &c);
    if (status != BF_EXIT_OK) {
        county_close(&c);
        return status;
    }
    bf_progress progress;
    bf_progress_start(&progress, _("gen"), o.households, 10000);
    bf_gen_job job = {&c.gen, o.seed, o.households, BF_GEN_DATE, &progress, &interrupted,
                      eligible, &c};
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_gen_totals totals;
    double started = bf_now();
    int rc = o.db ? gen_db(&o, &job, &totals, &errs) : bf_gen_to_xml(o.out, &job, &totals, &errs);
    bf_progress_end(&progress);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    print_errors(&errs);
    bf_errors_free(&errs);
    county_close(&c);
    if (rc != BF_OK)
        return exit_status(rc);
    printf(_("generated %lld households (%lld members), seed %llu, into %s in %.1f s\n"),
           (long long)totals.households, (long long)totals.members, (unsigned long long)o.seed,
           o.db ? o.db : o.out, bf_now() - started);
    return BF_EXIT_OK;
}
