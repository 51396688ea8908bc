/* fuzz_csv.c — the csv plugin's reader (households.csv + members.csv) through the host's record
 * sink, validator and all-or-nothing import into a real SQLite store. The fuzzed bytes are the two
 * files one after the other, split at the first form feed (0x0c): a seed is a households.csv, a
 * form feed, and a members.csv. The plugins folder comes from $BANGFU_PLUGINS (set by make). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "errors.h"
#include "fuzz_input.h"
#include "import.h"
#include "plugins.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bf_plugins *plugins;
static const bf_reader_format *csv;
static bf_store *store;

/* Loads the plugins and opens the store once per process; aborts when that fails, since every
 * input would then test nothing. */
static void setup_once(void)
{
    if (store)
        return;
    bf_errors errs;
    bf_errors_init(&errs, 20);
    const char *dir = getenv("BANGFU_PLUGINS");
    if (!dir || bf_plugins_load(dir, &plugins, &errs) != BF_OK ||
        !(csv = bf_plugins_reader(plugins, "csv", NULL))) {
        fprintf(stderr, "fuzz_csv: no csv reader in $BANGFU_PLUGINS (%s)\n", dir ? dir : "unset");
        abort();
    }
    bf_errors_free(&errs);
    char path[4096];
    snprintf(path, sizeof path, "%s/store.db", bf_fuzz_dir());
    if (bf_store_open(path, &store, &errs) != BF_OK) {
        fprintf(stderr, "fuzz_csv: %s\n", bf_errors_first(&errs));
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup_once();
    const uint8_t *ff = memchr(data, '\f', size);
    size_t first = ff ? (size_t)(ff - data) : size;
    char households[4096];
    snprintf(households, sizeof households, "%s", bf_fuzz_file("households.csv", data, first));
    const char *members = ff ? bf_fuzz_file("members.csv", ff + 1, size - first - 1)
                             : bf_fuzz_file("members.csv", (const uint8_t *)"", 0);
    const char *paths[2] = {households, members};
    bf_import_source src = {csv, paths, 2};
    bf_import_options opt = {.replace = true};
    bf_import_stats stats;
    bf_errors errs;
    bf_errors_init(&errs, 20);
    bf_import_sources(store, &src, 1, &opt, &stats, &errs);
    bf_errors_free(&errs);
    return 0;
}
