/* cli_plugins.c — `bangfu plugins`: what each native plugin provides and why files were skipped;
 * and loading the plugins for the other commands. */
#include "bangfu.h"
#include "cli.h"
#include "plugins.h"

#include <stdio.h>
#include <string.h>

#define PLUGIN_ERRORS_MAX 100

int bf__cli_load_plugins(const char *cmd, const char *dir, bf_plugins **out)
{
    bf_errors errs;
    bf_errors_init(&errs, PLUGIN_ERRORS_MAX);
    int rc = bf_plugins_load(dir, out, &errs);
    for (int i = 0; i < errs.count; i++)
        fprintf(stderr, _("bangfu %s: warning: %s\n"), cmd, errs.msgs[i]);
    if (errs.dropped)
        fprintf(stderr, _("bangfu %s: warning: … and %d more plugin files skipped\n"), cmd,
                errs.dropped);
    bf_errors_free(&errs);
    if (rc != BF_OK) {
        fprintf(stderr, _("bangfu %s: cannot load the plugins of %s: %s\n"), cmd, dir,
                bf_strerror(rc));
        return BF_EXIT_USAGE;
    }
    return BF_EXIT_OK;
}

/* Prints one plugin and what it provides. */
static void print_plugin(const bf_plugin *p, const char *file)
{
    printf("%s %s  %s\n", p->name, p->version ? p->version : "?", file);
    if (p->description && *p->description)
        printf("  %s\n", p->description);
    for (const bf_reader_format *r = p->readers; r && r->format; r++)
        printf(_("  import format %s (%s)%s%s\n"), r->format, r->extensions,
               r->description ? ": " : "", r->description ? r->description : "");
    for (const bf_writer *w = p->writers; w && w->format; w++)
        printf(_("  export format %s%s%s\n"), w->format, w->description ? ": " : "",
               w->description ? w->description : "");
    for (const bf_lua_module_def *m = p->modules; m && m->name; m++)
        printf(_("  Lua module %s (local %s = require \"%s\")\n"), m->name, m->name, m->name);
}

/* bangfu plugins: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_plugins(int argc, char **argv);
static const char *const plugins_usage[] = {
    N_("usage: bangfu plugins [--plugins DIR]\n"
       "\n"
       "Loads every NAME.so of the plugins folder and lists each plugin: name, version, file,\n"
       "description, and what it provides (import formats with their extensions, export\n"
       "formats, Lua modules for policy scripts). Files that cannot be used (not a plugin,\n"
       "another plugin ABI, no bf_plugin_init, an init that fails, a name, format or module\n"
       "another plugin already has) are listed with the reason and skipped.\n"
       "\n"
       "The plugins folder is the first of: --plugins DIR; $BANGFU_PLUGINS; ./plugins when it\n"
       "holds NAME.so files; the folder 'plugins' beside the bangfu executable (a build tree:\n"
       "build/plugins beside build/bangfu); ../lib/bangfu/plugins from the executable's folder\n"
       "(an installed bangfu: PREFIX/lib/bangfu/plugins). No folder means no plugins.\n"
       "\nExit status: 0 every file loaded, 1 some file was skipped, 2 usage.\n"),
    NULL};
const bf_command bf_cli_plugins = {"plugins", cmd_plugins, N_("list the native plugins and what they provide"), plugins_usage};

static int cmd_plugins(int argc, char **argv)
{
    const char *option = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (bf__cli_opt(argc, argv, &i, "--plugins", &v)) {
            if (!(option = v))
                return BF_EXIT_USAGE;
        } else {
            return bf__cli_usage_error("plugins", _("unknown argument %s"), argv[i]);
        }
    }
    const char *dir = bf__cli_plugins_dir(option);
    bf_errors errs;
    bf_errors_init(&errs, PLUGIN_ERRORS_MAX);
    bf_plugins *p;
    if (bf_plugins_load(dir, &p, &errs) != BF_OK) {
        bf_errors_free(&errs);
        fprintf(stderr, _("bangfu plugins: out of memory\n"));
        return BF_EXIT_USAGE;
    }
    int n = bf_plugins_count(p);
    if (bf_errors_total(&errs))
        printf(_("plugins in %s (plugin ABI %d): %d loaded, %d skipped\n"), dir, BF_PLUGIN_ABI, n,
               bf_errors_total(&errs));
    else
        printf(_("plugins in %s (plugin ABI %d): %d loaded\n"), dir, BF_PLUGIN_ABI, n);
    for (int i = 0; i < n; i++) {
        const char *file;
        const bf_plugin *info = bf_plugins_get(p, i, &file);
        printf("\n");
        print_plugin(info, file);
    }
    if (bf_errors_total(&errs)) {
        printf(_("\nskipped:\n"));
        for (int i = 0; i < errs.count; i++)
            printf("  %s\n", errs.msgs[i]);
        if (errs.dropped)
            printf(_("  … and %d more\n"), errs.dropped);
    }
    int status = bf_errors_total(&errs) ? BF_EXIT_FAIL : BF_EXIT_OK;
    bf_errors_free(&errs);
    bf_plugins_free(p);
    return status;
}
