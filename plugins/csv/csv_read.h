/* csv_read.h — the CSV import reader of the csv plugin: households.csv + members.csv. */
#ifndef BF_CSV_READ_H
#define BF_CSV_READ_H

#include "plugin.h"

/* Reads CSV files into the sink through host's record callbacks. Each file has a header row
 * whose names are the XML attribute names; a file with a `household` column is a members file,
 * one with `town`/`village` and no `household` column a households file (any number of each;
 * at least one of each). RFC 4180: quoted fields may hold commas, doubled quotes and line
 * breaks; UTF-8 with or without a byte-order mark; CRLF or LF. Members may come in any order:
 * every members file is held in memory (about the size of the files) while the households are
 * streamed. Returns 0, or non-zero after reporting why it could not read on. */
int bf_csv_read(const bf_host *host, const char *const *paths, int n_paths, bf_record_sink *sink);

#endif
