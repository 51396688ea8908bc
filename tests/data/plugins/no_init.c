/* no_init.c — a broken plugin for tests/test_plugins.c: a valid shared object without the
 * bf_plugin_init entry point. */
#include "plugin.h"

BF_PLUGIN_EXPORT_ABI;

extern const char bf_no_init_note[];
const char bf_no_init_note[] = "this shared object has no bf_plugin_init";
