/* plugin.h — the C ABI of native bangfu plugins: the only header a plugin includes.
 *
 * A plugin is a shared object in the plugins folder exporting
 *     int bf_plugin_init(const bf_host *host, bf_plugin *plugin);
 * which fills *plugin (name, version, what it provides) and returns 0, or non-zero to refuse
 * loading (the host reports it by file name and goes on with the other plugins). It can provide
 * readers (import formats), writers (export formats) and Lua modules for policy scripts.
 * Everything a plugin needs from the host comes through bf_host; it never links against the
 * host's symbols. Strings passed in either direction are UTF-8 and only valid during the call. */
#ifndef BF_PLUGIN_H
#define BF_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

/* The ABI version; bf_plugin_init must set plugin->abi to this. Bumped on any change below. */
#define BF_PLUGIN_ABI 1

/* ---- Reading households (import formats) ---- */

/* Where a reader puts the records it reads; owned by the host. */
typedef struct bf_record_sink bf_record_sink;

/* ---- Writing decisions (export formats) ---- */

/* The run being exported. JSON fields are complete JSON texts (objects). */
typedef struct bf_export_run {
    int64_t id;
    const char *started, *finished;    /* ISO 8601 UTC; finished may be NULL */
    const char *eval_date;             /* YYYY-MM-DD */
    const char *status;                /* completed, completed_with_errors, interrupted, … */
    const char *file_hashes_json;      /* {"policies/dibao.lua": "sha256", …} */
    const char *parameters_json;       /* {"dibao.standard": 551, …} */
    int64_t households, evaluations, errors;
} bf_export_run;

/* One stored decision. Money is integer fen; reasons/details are JSON texts. */
typedef struct bf_export_decision {
    const char *household, *town, *village;
    const char *policy, *policy_title;
    const char *member;                /* NULL for household scope */
    int eligible;                      /* 0 or 1 */
    int64_t amount_fen;
    const char *tier;                  /* may be NULL */
    const char *reasons_json;          /* ["…", …] */
    const char *details_json;          /* {…} or NULL */
    const char *error;                 /* NULL unless an error decision */
} bf_export_decision;

/* An export format. The host calls open once, write per decision (household id order, then
 * evaluation order), close once; each returns 0 or non-zero with a message in err. */
typedef struct bf_writer {
    const char *format;                /* "csv": the --format name */
    const char *description;
    /* out is the destination path, or NULL for standard output. */
    int (*open)(void **state, const char *out, const bf_export_run *run, char *err, size_t errlen);
    int (*write)(void *state, const bf_export_decision *d, char *err, size_t errlen);
    int (*close)(void *state, char *err, size_t errlen);
} bf_writer;

/* An import format. read() reads one or more files given on the command line and hands each
 * household to the host through the sink (see bf_host); it returns 0, or non-zero when it could
 * not read on (the errors it reported through the host say why). */
typedef struct bf_reader_format {
    const char *format;                /* "csv" */
    const char *extensions;            /* space-separated, with dots: ".csv" */
    const char *description;
    int (*read)(const char *const *paths, int n_paths, bf_record_sink *sink);
} bf_reader_format;

/* A Lua module offered to policy scripts: `local idcard = require "idcard"`. */
typedef struct bf_lua_module_def {
    const char *name;
    lua_CFunction open;                /* pushes the module table (like luaopen_*) */
} bf_lua_module_def;

/* ---- What the host offers ---- */

typedef struct bf_host {
    int abi;                           /* BF_PLUGIN_ABI of the host */
    const char *version;               /* bangfu's version */
    /* Writes a diagnostic line to the host's log (stderr), prefixed with the plugin's name. */
    void (*log)(const char *plugin, const char *message);

    /* Record construction, for readers. Field names and values are the XML attribute spellings
     * of POLICIES.md §1 (household: id town village status monitor recorded wage business
     * property transfer excluded previous deposits vehicle extra_houses medical education
     * housing_safe water_safe; member: id name idnumber relation birth sex labor employment
     * school self_care disability disability_type serious_illness pension_insured
     * medical_insured medical_cost supporter). The host converts and validates exactly as for
     * XML (one validator) and reports errors as "file:line: household H[, member M]: …". */
    /* Starts a household read from file at line. */
    int (*household_begin)(bf_record_sink *sink, const char *file, long line);
    /* Sets one household field of the current household; an empty value means absent. */
    int (*household_set)(bf_record_sink *sink, const char *field, const char *value);
    /* Starts a member of the current household, read from file at line. */
    int (*member_begin)(bf_record_sink *sink, const char *file, long line);
    /* Sets one field of the current member. */
    int (*member_set)(bf_record_sink *sink, const char *field, const char *value);
    /* Finishes the current household: the host validates and imports it (or counts its errors). */
    int (*household_end)(bf_record_sink *sink);
    /* Reports an input error at file:line (id may be NULL); import then fails as a whole. */
    void (*error)(bf_record_sink *sink, const char *file, long line, const char *id,
                  const char *message);
} bf_host;

/* ---- What a plugin provides ---- */

typedef struct bf_plugin {
    int abi;                           /* must be BF_PLUGIN_ABI */
    const char *name;                  /* unique among plugins */
    const char *version;
    const char *description;
    const bf_reader_format *readers;   /* arrays ending with an entry whose first field is NULL */
    const bf_writer *writers;
    const bf_lua_module_def *modules;
} bf_plugin;

/* The entry point every plugin exports. */
typedef int (*bf_plugin_init_fn)(const bf_host *host, bf_plugin *plugin);
#define BF_PLUGIN_INIT_SYMBOL "bf_plugin_init"

#endif
