/* cli_import.c — `bangfu import FILE... [--db DB] [--replace] [--format F] [--plugins DIR]`:
 * household files into the database; XML read by the core, other formats by plugin readers. */
#include "bangfu.h"
#include "buf.h"
#include "cli.h"
#include "areas.h"
#include "import.h"
#include "plugins.h"
#include "store.h"
#include "xmlio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IMPORT_MAX_ERRORS 20   /* messages printed; the rest are counted */

/* Prints the kept messages and "… and N more errors". */
static void print_errors(const bf_errors *errs)
{
    for (int i = 0; i < errs->count; i++)
        fprintf(stderr, "%s\n", errs->msgs[i]);
    if (errs->dropped > 0)
        fprintf(stderr, P_("… and %d more error\n", "… and %d more errors\n", errs->dropped),
                errs->dropped);
}

/* "a.xml", "a.xml and b.xml", or "3 files" for the summary line. */
static void describe_files(char *out, size_t size, const char *const *files, int n)
{
    if (n == 1)
        snprintf(out, size, "%s", files[0]);
    else if (n == 2)
        snprintf(out, size, _("%s and %s"), files[0], files[1]);
    else
        snprintf(out, size, P_("%d file", "%d files", n), n);
}

/* True when path ends with ext (".xml"). */
static bool ends_with(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n >= e && strcasecmp(path + n - e, ext) == 0;
}

/* "xml (.xml), csv (.csv)": every import format available. */
static void list_formats(const bf_plugins *p, bf_buf *out)
{
    bf_buf_puts(out, "xml (.xml)");
    for (int i = 0; i < bf_plugins_count(p); i++)
        for (const bf_reader_format *r = bf_plugins_get(p, i, NULL)->readers; r && r->format; r++)
            bf_buf_printf(out, ", %s (%s)", r->format, r->extensions);
}

/* Options and files of one `bangfu import`. */
typedef struct import_args {
    const char *db, *format, *plugins, *policies;
    bf_import_options opt;
    const char **files;
    int nfiles;
} import_args;

/* Parses the command line; BF_EXIT_OK or the exit status of a usage error (reported). */
static int parse_args(int argc, char **argv, import_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *value;
        if (bf__cli_opt(argc, argv, &i, "--db", &value)) {
            if (!(a->db = value))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--format", &value)) {
            if (!(a->format = value))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--plugins", &value)) {
            if (!(a->plugins = value))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--policies", &value)) {
            if (!(a->policies = value))
                return BF_EXIT_USAGE;
        } else if (bf__cli_flag(argv[i], "--replace")) {
            a->opt.replace = true;
        } else if (bf__cli_flag(argv[i], "--check")) {
            a->opt.check_only = true;
        } else if (strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0') {
            return bf__cli_usage_error("import", _("unknown option '%s'"), argv[i]);
        } else {
            a->files[a->nfiles++] = argv[i];
        }
    }
    if (a->nfiles == 0)
        return bf__cli_usage_error("import", _("name at least one household file"));
    return BF_EXIT_OK;
}

/* True when every file is read by the core (XML), so no plugin needs loading. */
static bool all_xml(const import_args *a)
{
    if (a->format)
        return strcmp(a->format, "xml") == 0;
    for (int i = 0; i < a->nfiles; i++)
        if (!ends_with(a->files[i], ".xml"))
            return false;
    return true;
}

/* The reader of file i (NULL: the core's XML reader); false (reported) when there is none. */
static bool reader_of(const import_args *a, const bf_plugins *p, int i,
                      const bf_reader_format **r)
{
    const char *file = a->files[i];
    *r = NULL;
    if (a->format ? strcmp(a->format, "xml") == 0 : ends_with(file, ".xml"))
        return true;
    *r = bf_plugins_reader(p, a->format, file);
    if (*r)
        return true;
    bf_buf names = {0};
    list_formats(p, &names);
    if (a->format)
        bf__cli_usage_error("import", _("unknown format '%s'; available: %s"), a->format,
                           bf_buf_str(&names));
    else
        bf__cli_usage_error("import", _("cannot tell the format of '%s' from its extension; "
                           "available: %s (or give --format)"), file, bf_buf_str(&names));
    bf_buf_free(&names);
    return false;
}

/* Groups the files by reader, in order of first appearance: each plugin reader gets all its
 * files in one call (households.csv with members.csv). paths must hold nfiles entries. */
static int group_sources(const import_args *a, const bf_plugins *p, bf_import_source *src,
                         const char **paths, int *n_src)
{
    const bf_reader_format **readers =
        a->nfiles > 0 ? calloc((size_t)a->nfiles, sizeof *readers) : NULL;
    if (!readers)
        return BF_EXIT_USAGE;
    for (int i = 0; i < a->nfiles; i++)
        if (!reader_of(a, p, i, &readers[i])) {
            free(readers);
            return BF_EXIT_USAGE;
        }
    int used = 0;
    *n_src = 0;
    for (int i = 0; i < a->nfiles; i++) {
        bool seen = false;
        for (int k = 0; k < *n_src; k++)
            seen |= src[k].reader == readers[i];
        if (seen)
            continue;
        src[*n_src] = (bf_import_source){readers[i], paths + used, 0};
        for (int j = i; j < a->nfiles; j++)
            if (readers[j] == readers[i])
                paths[used + src[*n_src].n_paths++] = a->files[j];
        used += src[(*n_src)++].n_paths;
    }
    free(readers);
    return BF_EXIT_OK;
}

/* Imports the sources and prints the outcome; the exit status. */
static int run_import(const import_args *a, const bf_import_source *src, int n_src)
{
    bf_store *s = bf__cli_open_store("import", a->db, bf_store_open);
    if (!s)
        return BF_EXIT_USAGE;
    bf__cli_wait_for_writers(s, "import");
    bf_errors errs;
    bf_errors_init(&errs, IMPORT_MAX_ERRORS);
    bf_import_stats st;
    int rc = bf_import_sources(s, src, n_src, &a->opt, &st, &errs);
    char what[512];
    describe_files(what, sizeof what, a->files, a->nfiles);
    if (rc == BF_OK && a->opt.check_only) {
        printf(_("checked %lld households (%lld members) of %s: no errors; nothing was written\n"),
               (long long)st.households, (long long)st.members, what);
    } else if (rc == BF_OK) {
        if (st.replaced)
            printf(_("imported %lld households (%lld members, %lld replaced) from %s into %s\n"),
                   (long long)st.households, (long long)st.members, (long long)st.replaced, what,
                   a->db);
        else
            printf(_("imported %lld households (%lld members) from %s into %s\n"),
                   (long long)st.households, (long long)st.members, what, a->db);
    } else {
        print_errors(&errs);
        if (a->opt.check_only)
            fprintf(stderr, _("bangfu import: the check found %d errors in %s; nothing was "
                    "written\n"), bf_errors_total(&errs), what);
        else
            fprintf(stderr, _("bangfu import: nothing imported (%s)\n"), bf_strerror(rc));
    }
    bf_errors_free(&errs);
    if (rc == BF_OK && !a->opt.check_only)
        bf_store_close(s);
    else
        bf_store_discard(s);         /* a database this import (or check) created goes again */         /* a database this import created is removed again */
    return rc == BF_OK ? BF_EXIT_OK : BF_EXIT_USAGE;
}

/* bangfu import: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_import(int argc, char **argv);
static const char *const import_usage[] = {
    N_("usage: bangfu import FILE... [--db DB] [--replace] [--check] [--format F]\n"
       "                     [--policies DIR] [--plugins DIR]\n"
       "\n"
       "Validates every file and the record rules, then imports all of them in one transaction:\n"
       "any error and nothing is imported. Errors name file:line:column of the value (an XML\n"
       "attribute, a CSV cell: line and column number), the household and member ids, the\n"
       "field, the value and the rule; every error found is counted (the first 20 in full).\n"
       "The rules: every field converts (amounts, dates, enum values, required fields); ids of 1\n"
       "to 64 characters, unique (household, member; not already stored unless --replace);\n"
       "amounts not negative; at least one member and exactly one head; birth not after today\n"
       "and age at most 120; an idnumber of 18 characters with a real date, the right check\n"
       "digit (GB 11643), the member's birth and a sex digit agreeing with sex, held by one\n"
       "member only (in the files and the database); a town of DIR/areas.xml and a village of\n"
       "that town (see 'bangfu areas'). README.md lists them all.\n"
       "\n"
       "The format comes from --format or from each file's extension:\n"
       "  .xml   built in: <households xmlns=\"urn:bangfu:households:1\">, checked against the\n"
       "         shipped schema while it streams\n"
       "  .csv   the csv plugin: households.csv and members.csv given together, e.g.\n"
       "           bangfu import households.csv members.csv\n"
       "         Each has a header row with the XML attribute names (households: id, town,\n"
       "         village, status, monitor, recorded, wage, business, property, transfer,\n"
       "         excluded, previous, deposits, vehicle, extra_houses, medical, education,\n"
       "         housing_safe, water_safe; members: household, id, name, idnumber, relation,\n"
       "         birth, …, supporter); an empty cell is an absent value. Which file is which\n"
       "         comes from its header (members have a 'household' column). RFC 4180 quoting,\n"
       "         UTF-8 with or without a byte-order mark, CRLF or LF. Members may be in any\n"
       "         order: they are held in memory while the households stream (about the size of\n"
       "         members.csv).\n"
       "Other plugins may add formats; an unknown format lists the ones available.\n"
       "\n"),
    BF_CLI_DB_HELP,
    N_("  --replace          replace households whose id is already stored (default: an error)\n"
       "  --check            check everything, write nothing\n"
       "  --policies DIR     the folder of areas.xml (default: $BANGFU_POLICIES or ./policies)\n"
       "  --format F         read every file as F (xml, csv, …) whatever its extension\n"
       "  --plugins DIR      native plugins (default: see 'bangfu plugins --help')\n"
       "\nExit status: 0 imported (with --check: no errors), 2 bad input, unknown format or\n"
       "usage.\n"),
    NULL};
const bf_command bf_cli_import = {"import", cmd_import, N_("validate and import household files into the database"), import_usage};

static int cmd_import(int argc, char **argv)
{
    import_args a = {.db = "bangfu.db",
                     .opt = {.replace = false, .today = bf_date_today(), .progress = true}};
    a.files = calloc((size_t)argc, sizeof *a.files);
    const char **paths = calloc((size_t)argc, sizeof *paths);
    bf_import_source *src = calloc((size_t)argc, sizeof *src);
    int status = a.files && paths && src ? parse_args(argc, argv, &a) : BF_EXIT_USAGE;
    if (!a.files || !paths || !src)
        fprintf(stderr, _("bangfu import: out of memory\n"));
    bf_plugins *plugins = NULL;
    if (status == BF_EXIT_OK && !all_xml(&a))
        status = bf__cli_load_plugins("import", bf__cli_plugins_dir(a.plugins), &plugins);
    int n_src = 0;
    if (status == BF_EXIT_OK)
        status = group_sources(&a, plugins, src, paths, &n_src);
    bf_areas *areas = NULL;
    if (status == BF_EXIT_OK)
        status = bf__cli_load_areas("import", bf__cli_policies_dir(a.policies), &areas);
    a.opt.areas = areas;
    if (status == BF_EXIT_OK)
        status = run_import(&a, src, n_src);
    bf_areas_free(areas);
    bf_plugins_free(plugins);
    bf_xml_cleanup();
    free(src);
    free(paths);
    free(a.files);
    return status;
}
