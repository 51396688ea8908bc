/* cli_export.c — `bangfu export`: a stored run's metadata and decisions as XML (built in) or through a plugin's writer (csv, json). */
#include "bangfu.h"
#include "buf.h"
#include "cli.h"
#include "export.h"
#include "plugins.h"
#include "run.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

/* "xml, csv, json": the built-in format and every plugin writer's. */
static void list_formats(const bf_plugins *plugins, bf_buf *out)
{
    bf_buf_puts(out, bf_export_xml_writer.format);
    for (int i = 0; plugins && i < bf_plugins_count(plugins); i++) {
        const bf_plugin *p = bf_plugins_get(plugins, i, NULL);
        for (const bf_writer *w = p->writers; w && w->format; w++)
            bf_buf_printf(out, ", %s", w->format);
    }
}

/* The writer for format: built in, or from a plugin. Prints the problem; NULL when none. */
static const bf_writer *find_writer(const char *format, const char *plugins_dir,
                                    bf_plugins **plugins)
{
    if (strcmp(format, bf_export_xml_writer.format) == 0)
        return &bf_export_xml_writer;
    bf_errors errs;
    bf_errors_init(&errs, 20);
    if (bf_plugins_load(plugins_dir, plugins, &errs) != BF_OK) {
        bf_errors_free(&errs);
        fprintf(stderr, _("bangfu export: out of memory loading the plugins\n"));
        return NULL;
    }
    for (int i = 0; i < errs.count; i++)
        fprintf(stderr, _("bangfu export: warning: %s\n"), errs.msgs[i]);
    bf_errors_free(&errs);
    const bf_writer *w = bf_plugins_writer(*plugins, format);
    if (!w) {
        bf_buf names = {0};
        list_formats(*plugins, &names);
        bf__cli_usage_error("export", _("unknown format '%s'; the formats available are: %s "
                           "(plugins from %s)"), format, bf_buf_str(&names), plugins_dir);
        bf_buf_free(&names);
    }
    return w;
}

/* Exports the run to out with w; prints what was written or what failed. */
static int export_run(bf_store *store, int64_t run_id, const bf_writer *w, const char *out)
{
    bf_stored_run run;
    int status = bf__cli_resolve_run("export", store, run_id, false, &run);
    if (status != BF_EXIT_OK)
        return status;
    bf_errors errs;
    bf_errors_init(&errs, 1);
    bf_export_totals t;
    if (bf_export_write(store, &run, w, out, &t, &errs) != BF_OK) {
        if (out)
            fprintf(stderr, _("bangfu export: %s (nothing was written)\n"), bf_errors_first(&errs));
        else
            fprintf(stderr, "bangfu export: %s\n", bf_errors_first(&errs));
        status = BF_EXIT_USAGE;
    } else if (out) {
        char amount[BF_MONEY_STRLEN];
        bf_money_format(t.amount_fen, amount);
        fprintf(stderr, _("bangfu export: run %lld (%s): %lld decisions, %lld eligible, %s yuan "
                        "a year → %s\n"), (long long)run.id, bf_run_status_label(run.status), (long long)t.decisions,
                (long long)t.eligible, amount, out);
    }
    bf_errors_free(&errs);
    bf_stored_run_free(&run);
    return status;
}

/* bangfu export: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_export(int argc, char **argv);
static const char *const export_usage[] = {
    N_("usage: bangfu export [--db DB] [--run N] --format xml|csv|json [--out FILE] [--plugins DIR]\n"
       "\n"
       "Writes a stored run: its audit record (times, date, status, counts, the sha256 of every\n"
       "policy file, the parameter values in force) and every decision it stored, in household\n"
       "id then evaluation order, with town, village and the policy's title. Amounts are yuan\n"
       "with two decimals.\n"
       "  xml    built in: <export xmlns=\"urn:bangfu:export:1\">, valid against the shipped\n"
       "         core/input/schemas/export.xsd, ending with <totals decisions eligible errors amount>\n"
       "  csv    from the csv plugin: RFC 4180, UTF-8 with a byte-order mark (so Excel opens\n"
       "         Chinese text correctly), header run_id,household,town,village,policy,\n"
       "         policy_title,member,eligible,amount,tier,reasons,details,error (reasons and\n"
       "         details as JSON)\n"
       "  json   from the json plugin: {\"run\": {…}, \"decisions\": […]}\n"
       "Other plugins may add formats; an unknown format lists the ones available.\n"
       "\n"),
    BF_CLI_DB_HELP,
    N_("  --run N            the run (default: the latest completed run)\n"
       "  --format FMT       the output format (required)\n"
       "  --out FILE         write FILE instead of standard output: a temporary file beside it\n"
       "                     is renamed only when the export succeeded, so a failed export never\n"
       "                     leaves a partial file\n"
       "  --plugins DIR      native plugins (default: see 'bangfu plugins --help')\n"
       "\nExit status: 0 exported, 2 no such run, unknown format, unwritable file or usage.\n"),
    NULL};
const bf_command bf_cli_export = {"export", cmd_export, N_("write a stored run's decisions as XML, CSV or JSON"), export_usage};

static int cmd_export(int argc, char **argv)
{
    const char *db = "bangfu.db", *format = NULL, *out = NULL, *plugins_opt = NULL, *v;
    int64_t run_id = 0;
    for (int i = 1; i < argc; i++) {
        if (bf__cli_opt(argc, argv, &i, "--db", &v)) {
            if (!(db = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--run", &v)) {
            if (!v || !bf__cli_parse_run_id("export", v, &run_id))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--format", &v)) {
            if (!(format = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--out", &v)) {
            if (!(out = v) || !*out)
                return bf__cli_usage_error("export", _("--out needs a file name"));
        } else if (bf__cli_opt(argc, argv, &i, "--plugins", &v)) {
            if (!(plugins_opt = v))
                return BF_EXIT_USAGE;
        } else {
            return bf__cli_usage_error("export", _("unknown argument %s"), argv[i]);
        }
    }
    if (!format)
        return bf__cli_usage_error("export", _("which format? --format xml, csv or json"));
    bf_plugins *plugins = NULL;
    const bf_writer *w = find_writer(format, bf__cli_plugins_dir(plugins_opt), &plugins);
    int status = BF_EXIT_USAGE;
    bf_store *store;
    if (w && !(store = bf__cli_open_store("export", db, bf_store_open_readonly))) {
    } else if (w) {
        status = export_run(store, run_id, w, out);
        bf_store_close(store);
    }
    bf_plugins_free(plugins);
    return status;
}
