/* cli_areas.c — `bangfu areas [--format text|json] [--policies DIR]`: the county's towns and
 * villages of policies/areas.xml, which import checks every household against. */
#include "areas.h"
#include "bangfu.h"
#include "buf.h"
#include "cli.h"
#include "cli_eval.h"
#include "xmlio.h"

#include <stdio.h>
#include <string.h>

int bf__cli_load_areas(const char *cmd, const char *policies, bf_areas **out)
{
    bf_errors errs;
    bf_errors_init(&errs, 50);
    int rc = bf_areas_load_dir(policies, out, &errs);
    if (rc != BF_OK)
        bf__cli_print_errors(cmd, &errs);
    if (rc == BF_EIO)
        fprintf(stderr, _("bangfu %s: the towns and villages are read from %s/%s: give --policies "
                "DIR or set BANGFU_POLICIES\n"), cmd, policies, BF_AREAS_FILE);
    bf_errors_free(&errs);
    return rc == BF_OK ? BF_EXIT_OK : BF_EXIT_USAGE;
}

/* The areas as one JSON object. */
static void areas_json(const bf_areas *a, bf_buf *out)
{
    bf_buf_puts(out, "{\"file\":");
    bf_buf_json_string(out, bf_areas_file(a), strlen(bf_areas_file(a)));
    bf_buf_puts(out, ",\"county\":");
    bf_buf_json_string(out, bf_areas_county(a), strlen(bf_areas_county(a)));
    bf_buf_puts(out, ",\"towns\":[");
    for (int t = 0; t < bf_areas_town_count(a); t++) {
        const char *town = bf_areas_town_name(a, t);
        bf_buf_puts(out, t ? ",\n{\"name\":" : "\n{\"name\":");
        bf_buf_json_string(out, town, strlen(town));
        bf_buf_puts(out, ",\"villages\":[");
        for (int v = 0; v < bf_areas_village_count(a, t); v++) {
            bool verified;
            const char *name = bf_areas_village_name(a, t, v, &verified);
            bf_buf_puts(out, v ? ",{\"name\":" : "{\"name\":");
            bf_buf_json_string(out, name, strlen(name));
            bf_buf_printf(out, ",\"verified\":%s}", verified ? "true" : "false");
        }
        bf_buf_puts(out, "]}");
    }
    bf_buf_puts(out, "\n]}\n");
}

/* The areas as text: one line per town with its villages; unverified names marked with *. */
static void areas_text(const bf_areas *a)
{
    int villages = 0, unverified = 0;
    for (int t = 0; t < bf_areas_town_count(a); t++)
        villages += bf_areas_village_count(a, t);
    printf(_("%s (%s): %d towns, %d villages\n\n"), bf_areas_county(a), bf_areas_file(a),
           bf_areas_town_count(a), villages);
    for (int t = 0; t < bf_areas_town_count(a); t++) {
        printf("%s (%d):", bf_areas_town_name(a, t), bf_areas_village_count(a, t));
        for (int v = 0; v < bf_areas_village_count(a, t); v++) {
            bool verified;
            const char *name = bf_areas_village_name(a, t, v, &verified);
            printf(" %s%s", name, verified ? "" : "*");
            unverified += !verified;
        }
        printf("\n");
    }
    if (unverified)
        printf(_("\n* %d village names are not verified against the county's official list.\n"),
               unverified);
}

/* bangfu areas: its line in `bangfu --help` and its --help text, beside its parser below. */
static int cmd_areas(int argc, char **argv);
static const char *const areas_usage[] = {
    N_("usage: bangfu areas [--format text|json] [--policies DIR]\n"
       "\n"
       "Lists the towns and administrative villages of DIR/areas.xml (default ./policies), the\n"
       "places `bangfu import` accepts: a household's town must be one of them and its village\n"
       "one of that town's. Names not yet verified against the county's official list are\n"
       "marked. Staff edit areas.xml like params.xml (schema urn:bangfu:areas:1).\n"),
    NULL};
const bf_command bf_cli_areas = {"areas", cmd_areas, N_("list the county's towns and villages (areas.xml)"), areas_usage};

static int cmd_areas(int argc, char **argv)
{
    const char *dir = NULL, *format = "text";
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (bf__cli_opt(argc, argv, &i, "--policies", &v)) {
            if (!(dir = v))
                return BF_EXIT_USAGE;
        } else if (bf__cli_opt(argc, argv, &i, "--format", &v)) {
            if (!v || (strcmp(v, "text") && strcmp(v, "json")))
                return bf__cli_usage_error("areas", _("--format is text or json"));
            format = v;
        } else {
            return bf__cli_usage_error("areas", _("unknown argument %s"), argv[i]);
        }
    }
    bf_areas *a;
    int status = bf__cli_load_areas("areas", bf__cli_policies_dir(dir), &a);
    if (status != BF_EXIT_OK)
        return status;
    if (strcmp(format, "json") == 0) {
        bf_buf out = {0};
        areas_json(a, &out);
        fputs(bf_buf_str(&out), stdout);
        bf_buf_free(&out);
    } else {
        areas_text(a);
    }
    bf_areas_free(a);
    bf_xml_cleanup();
    return BF_EXIT_OK;
}
