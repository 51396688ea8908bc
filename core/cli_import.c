/* cli_import.c — `bangfu import FILE... [--db DB] [--replace]`: household files into the database. */
#include "bangfu.h"
#include "cli.h"
#include "import.h"
#include "store.h"
#include "xmlio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT_MAX_ERRORS 20   /* messages printed; the rest are counted */

/* Prints the kept messages and "… and N more errors". */
static void print_errors(const bf_errors *errs)
{
    for (int i = 0; i < errs->count; i++)
        fprintf(stderr, "%s\n", errs->msgs[i]);
    if (errs->dropped > 0)
        fprintf(stderr, "… and %d more error%s\n", errs->dropped, errs->dropped == 1 ? "" : "s");
}

/* "a.xml", "a.xml and b.xml", or "3 files" for the summary line. */
static void describe_files(char *out, size_t size, const char *const *files, int n)
{
    if (n == 1)
        snprintf(out, size, "%s", files[0]);
    else if (n == 2)
        snprintf(out, size, "%s and %s", files[0], files[1]);
    else
        snprintf(out, size, "%d files", n);
}

int bf_cmd_import(int argc, char **argv)
{
    const char *db = "bangfu.db";
    bf_import_options opt = {.replace = false, .today = bf_date_today(), .progress = true};
    const char **files = calloc((size_t)argc, sizeof *files);
    if (!files) {
        fprintf(stderr, "bangfu import: out of memory\n");
        return BF_EXIT_USAGE;
    }
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *value;
        if (bf_cli_opt(argc, argv, &i, "--db", &value)) {
            if (!value) {
                free(files);
                return BF_EXIT_USAGE;
            }
            db = value;
        } else if (bf_cli_flag(argv[i], "--replace")) {
            opt.replace = true;
        } else if (strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0') {
            free(files);
            return bf_cli_usage_error("import", "unknown option '%s'", argv[i]);
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (nfiles == 0) {
        free(files);
        return bf_cli_usage_error("import", "name at least one household file");
    }
    bf_store *s;
    char err[1024];
    if (bf_store_open(db, &s, err, sizeof err) != BF_OK) {
        fprintf(stderr, "bangfu import: %s\n", err);
        free(files);
        return BF_EXIT_USAGE;
    }
    bf_errors errs;
    bf_errors_init(&errs, IMPORT_MAX_ERRORS);
    bf_import_stats st;
    int rc = bf_import_files(s, files, nfiles, &opt, &st, &errs);
    if (rc == BF_OK) {
        char what[512];
        describe_files(what, sizeof what, files, nfiles);
        printf("imported %lld households (%lld members", (long long)st.households,
               (long long)st.members);
        if (st.replaced)
            printf(", %lld replaced", (long long)st.replaced);
        printf(") from %s into %s\n", what, db);
    } else {
        print_errors(&errs);
        fprintf(stderr, "bangfu import: nothing imported (%s)\n", bf_strerror(rc));
    }
    bf_errors_free(&errs);
    bf_store_close(s);
    bf_xml_cleanup();
    free(files);
    return rc == BF_OK ? BF_EXIT_OK : BF_EXIT_USAGE;
}
