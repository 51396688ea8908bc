/* sink.h — the record sink: how a plugin's reader hands households to the host field by field
 * (text values spelled as the XML attributes), converted and validated exactly as XML is. */
#ifndef BF_SINK_H
#define BF_SINK_H

#include "plugin.h"

/* The bf_host callbacks of plugin.h, implemented by the import module (core/sink.c). */
int bf_sink_household_begin(bf_record_sink *sink, const char *file, long line);
/* Sets one household field from its text. */
int bf_sink_household_set(bf_record_sink *sink, const char *field, const char *value);
/* Starts a member of the current household. */
int bf_sink_member_begin(bf_record_sink *sink, const char *file, long line);
/* Sets one member field from its text. */
int bf_sink_member_set(bf_record_sink *sink, const char *field, const char *value);
/* Finishes, validates and stores the current household. */
int bf_sink_household_end(bf_record_sink *sink);
/* Reports a reader's own error at file:line. */
void bf_sink_error(bf_record_sink *sink, const char *file, long line, const char *id,
                   const char *message);

#endif
