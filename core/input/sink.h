/* sink.h — the record sink: how a plugin's reader hands households to the host field by field
 * (text values spelled as the XML attributes), converted and validated exactly as XML is. */
#ifndef BF_SINK_H
#define BF_SINK_H

#include "importer.h"
#include "plugin.h"

/* Runs a plugin reader over its files inside an import: every household it hands over is
 * converted by the one conversion of household.c and checked by bf__importer_take, as XML
 * households are. Returns BF_OK, BF_EINPUT (the reader failed; the reasons are in the import's
 * errors), or the import's fatal error. */
int bf__sink_read(const bf_reader_format *reader, const char *const *paths, int n_paths,
                  bf_importer *im);

/* The bf_host callbacks of plugin.h (see there for what each does and returns). */

/* Starts a household read from file at line (an unfinished previous one is finished first). */
int bf_sink_household_begin(bf_record_sink *sink, const char *file, long line);
/* Sets one household field from its text. */
int bf_sink_household_set(bf_record_sink *sink, const char *field, const char *value);
/* Sets one household field from the cell at column (from 1) of the household's line. */
int bf_sink_household_cell(bf_record_sink *sink, const char *field, const char *value,
                           long column);
/* Starts a member of the current household. */
int bf_sink_member_begin(bf_record_sink *sink, const char *file, long line);
/* Sets one member field from its text. */
int bf_sink_member_set(bf_record_sink *sink, const char *field, const char *value);
/* Sets one member field from the cell at column (from 1) of the member's line. */
int bf_sink_member_cell(bf_record_sink *sink, const char *field, const char *value, long column);
/* Finishes, validates and stores the current household. */
int bf_sink_household_end(bf_record_sink *sink);
/* Reports a reader's own error at file:line about a household (id may be NULL). */
void bf_sink_error(bf_record_sink *sink, const char *file, long line, const char *id,
                   const char *message);
/* Reports a reader's own error at file:line about a member (either id may be NULL). */
void bf_sink_member_error(bf_record_sink *sink, const char *file, long line,
                          const char *household, const char *member, const char *message);

#endif
