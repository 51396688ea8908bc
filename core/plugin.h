/* plugin.h — the C ABI of native bangfu plugins: the only header a plugin includes.
 *
 * A plugin is a shared object in the plugins folder exporting
 *     int bf_plugin_init(const bf_host *host, bf_plugin *plugin);
 * which checks the host (host->abi, and BF_HOST_HAS for each host function it will call), fills
 * *plugin (name, version, what it provides) and returns 0, or non-zero to refuse loading (the
 * host reports it by file name and goes on with the other plugins). It can provide
 * readers (import formats), writers (export formats) and Lua modules for policy scripts.
 * Everything a plugin needs from the host comes through bf_host; it never links against the
 * host's symbols. Strings passed in either direction are UTF-8 and only valid during the call. */
#ifndef BF_PLUGIN_H
#define BF_PLUGIN_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lua.h>

/* The ABI version; bf_plugin_init must set plugin->abi to this. Within one ABI, bf_host and
 * bf_plugin only grow at their end, and each side learns from the other what it may touch: the
 * host's bf_host.size and bf_host.plugin_size (BF_HOST_HAS, BF_PLUGIN_CAN_SET), the plugin's abi.
 * Any other change to a struct below bumps it. ABI 1 had no sizes: member_error, then
 * household_cell and member_cell were added to it, and a plugin could not tell whether a host had
 * them (it read past the end of an older host's bf_host). */
#define BF_PLUGIN_ABI 2

/* ---- Reading households (import formats) ---- */

/* Where a reader puts the records it reads; owned by the host. */
typedef struct bf_record_sink bf_record_sink;

/* ---- Writing decisions (export formats) ---- */

/* The run being exported. JSON fields are complete JSON texts (objects). */
typedef struct bf_export_run {
    int64_t id;                        /* the run's number in the store */
    const char *started, *finished;    /* ISO 8601 UTC; finished may be NULL */
    const char *eval_date;             /* YYYY-MM-DD */
    const char *status;                /* completed, completed_with_errors, interrupted, … */
    const char *file_hashes_json;      /* {"policies/dibao.lua": "sha256", …} */
    const char *parameters_json;       /* {"dibao.standard": 551, …} */
    int64_t households, evaluations, errors;   /* the run's counts */
} bf_export_run;

/* One stored decision. Money is integer fen; reasons/details are JSON texts. */
typedef struct bf_export_decision {
    const char *household, *town, *village;   /* the household's id and place */
    const char *policy, *policy_title;        /* the policy's id and title */
    const char *member;                /* NULL for household scope */
    int eligible;                      /* 0 or 1 */
    int64_t amount_fen;                /* the yearly amount, in fen */
    const char *tier;                  /* may be NULL */
    const char *reasons_json;          /* ["…", …] */
    const char *details_json;          /* {…} or NULL */
    const char *error;                 /* NULL unless an error decision */
} bf_export_decision;

/* An export format. The host calls open once, write per decision (household id order, then
 * evaluation order), close once; each returns 0 or non-zero with a message in err. */
typedef struct bf_writer {
    const char *format;                /* "csv": the --format name */
    const char *description;           /* one line for `bangfu plugins` */
    /* Starts writing run to out (the destination path, or NULL for standard output). */
    int (*open)(void **state, const char *out, const bf_export_run *run, char *err, size_t errlen);
    /* Writes one decision. */
    int (*write)(void *state, const bf_export_decision *d, char *err, size_t errlen);
    /* Finishes the output and frees state (called after a failed write too). */
    int (*close)(void *state, char *err, size_t errlen);
} bf_writer;

/* An import format. read() gets every file of the command line that has this format, in one
 * call (households.csv with members.csv), and hands each household to the host through the
 * sink with the bf_host record callbacks kept from bf_plugin_init; it returns 0, or non-zero
 * when it could not read on (the errors it reported through the host say why). */
typedef struct bf_reader_format {
    const char *format;                /* "csv": the --format name */
    const char *extensions;            /* space-separated, with dots: ".csv" */
    const char *description;           /* one line for `bangfu plugins` and `import --help` */
    /* Reads the files into the sink; 0, or non-zero when it gave up (after reporting why). */
    int (*read)(const char *const *paths, int n_paths, bf_record_sink *sink);
} bf_reader_format;

/* A Lua module offered to policy scripts: `local idcard = require "idcard"`. */
typedef struct bf_lua_module_def {
    const char *name;                  /* the name scripts require */
    lua_CFunction open;                /* pushes the module table (like luaopen_*) */
} bf_lua_module_def;

/* ---- What the host offers ---- */

typedef struct bf_host {
    int abi;                           /* BF_PLUGIN_ABI of the host */
    const char *version;               /* bangfu's version */
    /* Writes a diagnostic line to the host's log (stderr), prefixed with the plugin's name. */
    void (*log)(const char *plugin, const char *message);

    /* Record construction, for readers. Field names and values are the XML attribute spellings
     * of the record (household: id town village status monitor recorded wage business
     * property transfer excluded previous deposits vehicle extra_houses medical education
     * housing_safe water_safe; member: id name idnumber relation birth sex labor employment
     * school self_care disability disability_type serious_illness pension_insured
     * medical_insured medical_cost supporter). The host converts and validates exactly as for
     * XML (one validator) and reports errors as "file:line: household H[, member M]: …",
     * collected until household_end so that they name the ids whatever order fields come in.
     * A bad value is reported and the reader goes on: the import fails as a whole at the end,
     * listing every error. Only a non-zero household_end asks the reader to stop. */
    /* Starts a household read from file at line; 0, or non-zero when the import has stopped. */
    int (*household_begin)(bf_record_sink *sink, const char *file, long line);
    /* Sets one field of the current household; an empty value means absent (the default).
     * 0 when it converted, non-zero when it was rejected (reported) or no household is open. */
    int (*household_set)(bf_record_sink *sink, const char *field, const char *value);
    /* Starts a member of the current household, read from file at line (may differ from the
     * household's file); 0, or non-zero past 64 members or with no household open. */
    int (*member_begin)(bf_record_sink *sink, const char *file, long line);
    /* Sets one field of the current member, like household_set. */
    int (*member_set)(bf_record_sink *sink, const char *field, const char *value);
    /* Finishes the current household: the host checks required fields, validates it, checks
     * duplicate ids and stores it. 0 to go on (bad households included: they are counted),
     * non-zero when the import cannot go on (store failure): the reader should return. */
    int (*household_end)(bf_record_sink *sink);
    /* Reports an input error at file:line ("file:line: household ID: message"; line ≤ 0 and a
     * NULL id are left out); the import then fails as a whole. */
    void (*error)(bf_record_sink *sink, const char *file, long line, const char *id,
                  const char *message);
    /* The same about a member: "file:line: household H, member M: message" (either id may be
     * NULL). */
    void (*member_error)(bf_record_sink *sink, const char *file, long line,
                         const char *household, const char *member, const char *message);
    /* household_set for a value read from a cell: column (from 1) of the household's line, so
     * that an error names file:line:column. */
    int (*household_cell)(bf_record_sink *sink, const char *field, const char *value,
                          long column);
    /* member_set for a value read from a cell of the member's line; like household_cell. */
    int (*member_cell)(bf_record_sink *sink, const char *field, const char *value, long column);

    /* The sizes, after every field of ABI 1 so that those keep their offsets (an ABI 1 plugin
     * reads nothing past them). A plugin reads them only once abi says they are there. */
    size_t size;                       /* sizeof (bf_host) in the host */
    size_t plugin_size;                /* sizeof (bf_plugin) in the host: the struct it hands to
                                        * bf_plugin_init, zeroed */
    /* Fields added within ABI 2 go here, at the end; a plugin checks BF_HOST_HAS before use. */
} bf_host;

/* Whether host offers field f of bf_host: the plugin's ABI, and a struct long enough to hold f.
 * A plugin checks every host function it calls this way in bf_plugin_init and refuses to load
 * (returns non-zero) when one is missing, so it never reads past the end of an older host's
 * struct. */
#define BF_HOST_HAS(host, f) \
    ((host)->abi == BF_PLUGIN_ABI && \
     (host)->size >= offsetof(bf_host, f) + sizeof ((const bf_host *)0)->f)

/* ---- What a plugin provides ---- */

typedef struct bf_plugin {
    int abi;                           /* must be BF_PLUGIN_ABI */
    const char *name;                  /* unique among plugins */
    const char *version;               /* the plugin's own version, e.g. "1.0.0" */
    const char *description;           /* one line for `bangfu plugins` */
    const bf_reader_format *readers;   /* import formats, ending with {NULL}; may be NULL */
    const bf_writer *writers;          /* export formats, ending with {NULL}; may be NULL */
    const bf_lua_module_def *modules;  /* Lua modules, ending with {NULL}; may be NULL */
    /* Fields added within ABI 2 go here, at the end; a plugin sets one only when
     * BF_PLUGIN_CAN_SET says the host's struct has it (the host reads the rest as zero). */
} bf_plugin;

/* Whether the host's bf_plugin (plugin_size bytes, zeroed) holds field f, so that a plugin may
 * set it: a plugin never writes past the end of an older host's struct. */
#define BF_PLUGIN_CAN_SET(host, f) \
    ((host)->abi == BF_PLUGIN_ABI && \
     (host)->plugin_size >= offsetof(bf_plugin, f) + sizeof ((const bf_plugin *)0)->f)

/* The entry point every plugin exports (the host finds it with dlsym, never links to it). */
int bf_plugin_init(const bf_host *host, bf_plugin *plugin);
typedef int (*bf_plugin_init_fn)(const bf_host *host, bf_plugin *plugin);
#define BF_PLUGIN_INIT_SYMBOL "bf_plugin_init"

/* Optional, recommended: `BF_PLUGIN_EXPORT_ABI;` at file scope exports the plugin's ABI as data,
 * so that the host refuses a plugin of another ABI before running any of its code (a plugin
 * without it is checked through plugin->abi after its init). */
#define BF_PLUGIN_ABI_SYMBOL "bf_plugin_abi"
#define BF_PLUGIN_EXPORT_ABI \
    extern const int bf_plugin_abi; \
    const int bf_plugin_abi = BF_PLUGIN_ABI

/* ---- Helpers for writers (inline: a plugin links nothing of the host) ---- */

/* A writer's output: the file out (created or truncated), or standard output when out is NULL;
 * NULL with "out: reason" in err when it cannot be opened. */
static inline FILE *bf_plugin_output_open(const char *out, char *err, size_t errlen)
{
    FILE *f = out ? fopen(out, "wb") : stdout;
    if (!f)
        snprintf(err, errlen, "%s: %s", out, strerror(errno));
    return f;
}

/* Flushes an output of bf_plugin_output_open and closes it unless it is standard output;
 * 0, or non-zero with "name: cannot write: reason" in err. */
static inline int bf_plugin_output_close(FILE *f, const char *name, char *err, size_t errlen)
{
    int failed = fflush(f) != 0 || ferror(f);
    int saved = errno;
    if (f != stdout && fclose(f) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed)
        snprintf(err, errlen, "%s: cannot write: %s", name, strerror(saved));
    return failed;
}

/* Length of the well-formed UTF-8 sequence at s (n > 0 bytes left), or 0 when it is malformed
 * (overlong forms, surrogates and values past U+10FFFF included): writers replace such bytes by
 * U+FFFD so that what they write stays text. */
static inline size_t bf_plugin_utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : s[0] >= 0xE0 && s[0] < 0xF0 ? 3
               : s[0] >= 0xF0 && s[0] < 0xF5 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||  /* overlong, surrogate */
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))    /* overlong, > U+10FFFF */
        return 0;
    return len;
}

/* ---- Resident ID numbers (GB 11643-1999), one check for the importer and the idcard plugin ----
 * Inline rather than a bf_host function: it needs no host state, and a plugin must get the same
 * answer as the importer whatever host loads it.
 * 18 characters: a 6-digit division code, the birth date YYYYMMDD, a 3-digit sequence number
 * whose last digit is odd for men and even for women, and a check character (ISO 7064 MOD 11-2:
 * the first 17 digits times 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, summed, modulo 11, gives
 * 0 … 10 → 1 0 X 9 8 7 6 5 4 3 2). A lowercase x counts as X. */

typedef enum {
    BF_IDNUMBER_VALID,
    BF_IDNUMBER_BAD_LENGTH,       /* not 18 characters */
    BF_IDNUMBER_BAD_CHARACTER,    /* a non-digit among the first 17, or a last one not 0-9/X */
    BF_IDNUMBER_BAD_DATE,         /* characters 7-14 are not a date in the calendar (from 1800) */
    BF_IDNUMBER_BAD_CHECK         /* the check character is not the one the 17 digits call for */
} bf_idnumber_status;

/* What an ID number says, filled as far as it could be read. */
typedef struct bf_idnumber_parts {
    int year, month, day;         /* the birth date */
    char sex;                     /* 'M' (odd 17th digit) or 'F' (even) */
    char check;                   /* the check character given (x as X) */
    char expected;                /* the check character the first 17 digits call for */
} bf_idnumber_parts;

/* Checks the len bytes at s as an ID number; parts (may be NULL) receives what it says. */
static inline bf_idnumber_status bf_idnumber_check(const char *s, size_t len,
                                                   bf_idnumber_parts *parts)
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bf_idnumber_parts p = {0, 0, 0, 'F', 0, 0};
    if (parts)
        *parts = p;
    if (len != 18)
        return BF_IDNUMBER_BAD_LENGTH;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (s[i] < '0' || s[i] > '9')
            return BF_IDNUMBER_BAD_CHARACTER;
        sum += (s[i] - '0') * weights[i];
    }
    p.check = s[17] == 'x' ? 'X' : s[17];
    if ((p.check < '0' || p.check > '9') && p.check != 'X')
        return BF_IDNUMBER_BAD_CHARACTER;
    p.year = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
    p.month = (s[10] - '0') * 10 + (s[11] - '0');
    p.day = (s[12] - '0') * 10 + (s[13] - '0');
    p.sex = (s[16] - '0') % 2 ? 'M' : 'F';
    p.expected = "10X98765432"[sum % 11];
    if (parts)
        *parts = p;
    int leap = (p.year % 4 == 0 && p.year % 100 != 0) || p.year % 400 == 0;
    if (p.year < 1800 || p.month < 1 || p.month > 12 || p.day < 1 ||
        p.day > days[p.month - 1] + (p.month == 2 && leap))
        return BF_IDNUMBER_BAD_DATE;
    return p.check == p.expected ? BF_IDNUMBER_VALID : BF_IDNUMBER_BAD_CHECK;
}

#endif
