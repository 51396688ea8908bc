/* csv.c — the csv plugin: households.csv + members.csv import (csv_read.c) and the CSV export
 * writer of decisions (csv_write.c). */
#include "plugin.h"
#include "csv_read.h"

#include <stddef.h>

BF_PLUGIN_EXPORT_ABI;

/* The export writer, defined in csv_write.c. */
extern const bf_writer bf_csv_writer;

static const bf_host *host;     /* kept from bf_plugin_init for the reader */

/* The reader's entry point: the host's record callbacks come from init. */
static int read_csv(const char *const *paths, int n_paths, bf_record_sink *sink)
{
    return bf_csv_read(host, paths, n_paths, sink);
}

static const bf_reader_format readers[] = {
    {"csv", ".csv",
     "households.csv + members.csv, given together (header row with the XML attribute names, "
     "RFC 4180, UTF-8)", read_csv},
    {NULL, NULL, NULL, NULL},
};

static bf_writer writers[2];    /* bf_csv_writer and the end mark, filled by init */

int bf_plugin_init(const bf_host *h, bf_plugin *plugin)
{
    if (!h || !BF_HOST_HAS(h, member_cell) || !h->member_error)
        return 1;               /* the reader needs this host's record callbacks */
    host = h;
    writers[0] = bf_csv_writer;
    plugin->abi = BF_PLUGIN_ABI;
    plugin->name = "csv";
    plugin->version = "1.0.0";
    plugin->description = "CSV: import households.csv + members.csv, export decisions";
    plugin->readers = readers;
    plugin->writers = writers;
    return 0;
}
