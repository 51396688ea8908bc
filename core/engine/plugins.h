/* plugins.h — the host side of native plugins: loading every plugin of a folder, reporting the
 * bad ones by file name, and finding the readers, writers and Lua modules they provide. */
#ifndef BF_PLUGINS_H
#define BF_PLUGINS_H

#include "errors.h"
#include "plugin.h"
#include "sandbox.h"

typedef struct bf_plugins bf_plugins;

/* The host services handed to plugins (record construction: the sink of core/input/sink.c). */
extern const bf_host bf_plugin_host;

/* Loads every NAME.so of dir in name order. A file that is no plugin, has another ABI (its
 * exported bf_plugin_abi, checked before any of its code runs, or plugin->abi after init), lacks
 * bf_plugin_init, whose init fails, whose description is incomplete, or that clashes with an
 * earlier plugin (name, reader format or extension, writer format, Lua module) is reported in
 * errs as "dir/file.so: skipped: reason" naming both files for a clash, and skipped; the others
 * load. A missing folder is an empty registry.
 * Returns BF_OK (even with skipped files) or BF_ENOMEM. */
int bf_plugins_load(const char *dir, bf_plugins **out, bf_errors *errs);
/* Unloads every plugin. NULL is allowed. */
void bf_plugins_free(bf_plugins *p);
/* Number of plugins loaded. */
int bf_plugins_count(const bf_plugins *p);
/* Plugin i (0 … count−1) as it described itself, and the file it came from. */
const bf_plugin *bf_plugins_get(const bf_plugins *p, int i, const char **file);
/* The writer for an export format, or NULL. */
const bf_writer *bf_plugins_writer(const bf_plugins *p, const char *format);
/* The reader for an import format (format not NULL) or for a file's extension; or NULL. */
const bf_reader_format *bf_plugins_reader(const bf_plugins *p, const char *format, const char *path);
/* The Lua modules of every plugin, as the sandbox takes them ({NULL, NULL}-terminated). */
const bf_lua_module *bf_plugins_lua_modules(const bf_plugins *p);

#endif
