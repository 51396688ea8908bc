/* cli_doc.c — `bangfu doc`: the rules handbook (HTML) and the editor annotations (LuaCATS). */
#include "bangfu.h"
#include "cli.h"
#include "cli_eval.h"
#include "handbook.h"
#include "lint.h"
#include "luadefs.h"
#include "plugins.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int cmd_doc(int argc, char **argv);
static const char *const doc_usage[] = {
    N_("usage: bangfu doc [--date YYYY-MM-DD] [--out FILE.html] [--lua-defs FILE.lua]\n"
       "                  [--policies DIR] [--plugins DIR]\n"
       "\n"
       "Writes the rules handbook, one self-contained HTML page generated from the policy scripts,\n"
       "params.xml and areas.xml: for each policy its title, basis, department, scope, requires,\n"
       "the rule summary of the script's header comment and the parameters it reads (found in the\n"
       "compiled scripts) with title, unit, every dated value and source; every parameter; the\n"
       "household and member fields with type, values and meaning; the towns and villages.\n"),
    N_("\n"
       "  --date YYYY-MM-DD  mark the values in force on this date (default: today)\n"
       "  --out FILE.html    write the page there (default: standard output)\n"
       "  --lua-defs FILE    instead, write LuaCATS annotations of the policy API (record fields,\n"
       "                     the parameter tree, ctx, the decision) for lua-language-server;\n"
       "                     policies/.luarc.json points at policies/types/bangfu.lua\n"
       "  --policies DIR     policy scripts and params.xml (default: $BANGFU_POLICIES or ./policies)\n"
       "  --plugins DIR      native plugins whose Lua modules the scripts may require\n"
       "\nExit status: 0 written, 2 usage or input errors.\n"),
    NULL};
const bf_command bf_cli_doc = {"doc", cmd_doc, N_("write the rules handbook (HTML) or the editor annotations"), doc_usage};

static int write_lua_defs(const char *path, const bf_params *params)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, _("bangfu doc: %s: cannot write: %s\n"), path, strerror(errno));
        return BF_EXIT_USAGE;
    }
    int rc = bf_luadefs_write(f, params);
    if (fclose(f) != 0 || rc != BF_OK) {
        fprintf(stderr, _("bangfu doc: %s: write error\n"), path);
        return BF_EXIT_USAGE;
    }
    return BF_EXIT_OK;
}

static int write_handbook(const char *out, const char *dir, bf_eval_session *s)
{
    bf_areas *areas = NULL;
    int status = bf__cli_load_areas("doc", dir, &areas);
    if (status != BF_EXIT_OK)
        return status;
    bf_lint_reads reads;
    if (bf_lint_param_reads(dir, s->params, bf_plugins_lua_modules(s->plugins), &reads) != BF_OK) {
        fprintf(stderr, "bangfu doc: %s\n", _("out of memory"));
        bf_lint_reads_free(&reads);
        bf_areas_free(areas);
        return BF_EXIT_USAGE;
    }
    bf_handbook hb = {.date = s->date, .params = s->params, .reads = &reads, .areas = areas};
    hb.policies = bf_engine_policies(s->engine, &hb.n_policies);
    bf_errors errs;
    bf_errors_init(&errs, 20);
    if (bf_handbook_write(&hb, out, &errs) != BF_OK) {
        bf__cli_print_errors("doc", &errs);
        status = BF_EXIT_USAGE;
    }
    bf_errors_free(&errs);
    bf_lint_reads_free(&reads);
    bf_areas_free(areas);
    return status;
}

static int cmd_doc(int argc, char **argv)
{
    bf_eval_opts o;
    bf__eval_opts_init(&o);
    const char *out = NULL, *defs = NULL, *v;
    for (int i = 1; i < argc; i++) {
        if (bf__cli_opt(argc, argv, &i, "--out", &v)) {
            if (!(out = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--lua-defs", &v)) {
            if (!(defs = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--date", &v)) {
            if (!(o.date = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--policies", &v)) {
            if (!(o.policies = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--plugins", &v)) {
            if (!(o.plugins = v))
                return BF_EXIT_USAGE;
        } else
            return bf__cli_usage_error("doc", _("unknown argument %s"), argv[i]);
    }
    if (out && !bf__cli_report_folder_writable(out))
        return bf__cli_usage_error("doc", _("cannot write %s: its folder does not exist or is not "
                                           "writable"), out);
    const char *dir = bf__cli_policies_dir(o.policies);
    if (defs) {
        bf_params *params;
        int status = bf__cli_load_params("doc", dir, &params);
        if (status == BF_EXIT_OK)
            status = write_lua_defs(defs, params);
        bf_params_free(params);
        return status;
    }
    o.jobs = 1;
    bf_eval_session s;
    int status = bf__eval_session_open("doc", &o, BF_TEXT_NONE, false, NULL, 0, &s);
    if (status != BF_EXIT_OK)
        return status;
    status = write_handbook(out, dir, &s);
    bf__eval_session_close(&s);
    return status;
}
