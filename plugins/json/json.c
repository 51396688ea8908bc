/* json.c — the "json" export plugin: a stored run as one JSON document {"run": {…}, "decisions": […]}, written as the decisions stream in; Chinese stays raw UTF-8, money is yuan with two decimals. */
#include "plugin.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

BF_PLUGIN_EXPORT_ABI;

typedef struct json_out {
    FILE *f;
    int64_t written;           /* decisions so far: commas */
} json_out;

/* Writes text with malformed UTF-8 bytes as U+FFFD; with escape, as the inside of a
 * JSON string: quotes and backslashes escaped, control characters as \n, \t, \r or \u00XX. */
static void put_utf8(FILE *f, const char *text, bool escape)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text);
    while (n) {
        size_t len = bf_plugin_utf8_len(s, n);
        if (len == 0) {
            fputs("\xEF\xBF\xBD", f);
            len = 1;
        } else if (!escape) {
            fwrite(s, 1, len, f);
        } else if (*s == '"' || *s == '\\') {
            fputc('\\', f);
            fputc(*s, f);
        } else if (*s == '\n') {
            fputs("\\n", f);
        } else if (*s == '\t') {
            fputs("\\t", f);
        } else if (*s == '\r') {
            fputs("\\r", f);
        } else if (*s < 0x20 || *s == 0x7F) {
            fprintf(f, "\\u%04x", *s);
        } else {
            fwrite(s, 1, len, f);
        }
        s += len;
        n -= len;
    }
}

/* Writes text as a JSON string, UTF-8 as it is (see put_utf8). NULL is written as null. */
static void put_string(FILE *f, const char *text)
{
    if (!text) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    put_utf8(f, text, true);
    fputc('"', f);
}

/* Copies a JSON text the host keeps (reasons, details, audit objects); malformed UTF-8 bytes
 * become U+FFFD so the document stays valid. NULL is written as fallback. */
static void put_raw(FILE *f, const char *json, const char *fallback)
{
    if (!json || !*json)
        fputs(fallback, f);
    else
        put_utf8(f, json, false);
}

/* fen as yuan with two decimals: 1234.50, -0.05. */
static void put_money(FILE *f, int64_t fen)
{
    uint64_t a = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
    fprintf(f, "%s%" PRIu64 ".%02u", fen < 0 ? "-" : "", a / 100, (unsigned)(a % 100));
}

static int json_open(void **state, const char *out, const bf_export_run *run, char *err,
                     size_t errlen)
{
    *state = NULL;
    json_out *j = calloc(1, sizeof *j);
    if (!j) {
        snprintf(err, errlen, "json: out of memory");
        return 1;
    }
    if (!(j->f = bf_plugin_output_open(out, err, errlen))) {
        free(j);
        return 1;
    }
    FILE *f = j->f;
    fprintf(f, "{\"run\":{\"id\":%" PRId64 ",\"started\":", run->id);
    put_string(f, run->started);
    fputs(",\"finished\":", f);
    put_string(f, run->finished);
    fputs(",\"date\":", f);
    put_string(f, run->eval_date);
    fputs(",\"status\":", f);
    put_string(f, run->status);
    fprintf(f, ",\"households\":%" PRId64 ",\"evaluations\":%" PRId64 ",\"errors\":%" PRId64,
            run->households, run->evaluations, run->errors);
    fputs(",\"file_hashes\":", f);
    put_raw(f, run->file_hashes_json, "{}");
    fputs(",\"parameters\":", f);
    put_raw(f, run->parameters_json, "{}");
    fputs("},\n\"decisions\":[", f);
    *state = j;
    return 0;
}

static int json_write(void *state, const bf_export_decision *d, char *err, size_t errlen)
{
    json_out *j = state;
    FILE *f = j->f;
    fputs(j->written++ ? ",\n{\"household\":" : "\n{\"household\":", f);
    put_string(f, d->household);
    fputs(",\"town\":", f);
    put_string(f, d->town);
    fputs(",\"village\":", f);
    put_string(f, d->village);
    fputs(",\"policy\":", f);
    put_string(f, d->policy);
    fputs(",\"policy_title\":", f);
    put_string(f, d->policy_title);
    fputs(",\"member\":", f);
    put_string(f, d->member);
    fprintf(f, ",\"eligible\":%s,\"amount\":", d->eligible ? "true" : "false");
    put_money(f, d->amount_fen);
    fputs(",\"tier\":", f);
    put_string(f, d->tier);
    fputs(",\"reasons\":", f);
    put_raw(f, d->reasons_json, "[]");
    fputs(",\"details\":", f);
    put_raw(f, d->details_json, "null");
    fputs(",\"error\":", f);
    put_string(f, d->error);
    fputc('}', f);
    if (ferror(f)) {
        snprintf(err, errlen, "json: cannot write: %s", strerror(errno));
        return 1;
    }
    return 0;
}

static int json_close(void *state, char *err, size_t errlen)
{
    json_out *j = state;
    fputs(j->written ? "\n]}\n" : "]}\n", j->f);
    int failed = bf_plugin_output_close(j->f, "json", err, errlen);
    free(j);
    return failed;
}

static const bf_writer writers[] = {
    {"json", "JSON: {\"run\": {…}, \"decisions\": […]}, money in yuan with two decimals",
     json_open, json_write, json_close},
    {NULL, NULL, NULL, NULL, NULL},
};

/* The plugin's entry point: one writer, format "json". */
int bf_plugin_init(const bf_host *host, bf_plugin *plugin);

int bf_plugin_init(const bf_host *host, bf_plugin *plugin)
{
    if (!host || host->abi != BF_PLUGIN_ABI)
        return 1;               /* another ABI: its bf_plugin may not be ours */
    plugin->abi = BF_PLUGIN_ABI;
    plugin->name = "json";
    plugin->version = "1.0";
    plugin->description = "JSON export of a stored run";
    plugin->writers = writers;
    return 0;
}
