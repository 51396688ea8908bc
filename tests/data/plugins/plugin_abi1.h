/* plugin_abi1.h — a copy of the structs of plugin ABI 1 as core/plugin.h had them (bangfu 0.1.0,
 * as it ended, with member_error, household_cell and member_cell), for the tests of the ABI check: old_abi.c is a plugin built against
 * them, and tests/test_plugins.c plays an ABI 1 host with them. Never change this file. */
#ifndef BF_PLUGIN_ABI1_H
#define BF_PLUGIN_ABI1_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

typedef struct v1_record_sink v1_record_sink;

typedef struct v1_host {
    int abi;
    const char *version;
    void (*log)(const char *plugin, const char *message);
    int (*household_begin)(v1_record_sink *sink, const char *file, long line);
    int (*household_set)(v1_record_sink *sink, const char *field, const char *value);
    int (*member_begin)(v1_record_sink *sink, const char *file, long line);
    int (*member_set)(v1_record_sink *sink, const char *field, const char *value);
    int (*household_end)(v1_record_sink *sink);
    void (*error)(v1_record_sink *sink, const char *file, long line, const char *id,
                  const char *message);
    void (*member_error)(v1_record_sink *sink, const char *file, long line,
                         const char *household, const char *member, const char *message);
    int (*household_cell)(v1_record_sink *sink, const char *field, const char *value,
                          long column);
    int (*member_cell)(v1_record_sink *sink, const char *field, const char *value, long column);
} v1_host;

typedef struct v1_plugin {
    int abi;
    const char *name;
    const char *version;
    const char *description;
    const void *readers;
    const void *writers;
    const void *modules;
} v1_plugin;

#endif
