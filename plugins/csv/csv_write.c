/* csv_write.c — the CSV export writer of the csv plugin: RFC 4180 (CRLF, fields with a comma, quote or line break quoted, quotes doubled), UTF-8 with a byte-order mark so Excel shows Chinese; csv.c registers it as bf_csv_writer. */
#include "plugin.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Declared by csv.c as `extern const bf_writer bf_csv_writer;` and listed in its writers. */
extern const bf_writer bf_csv_writer;

#define CSV_HEADER "run_id,household,town,village,policy,policy_title,member,eligible,amount," \
                   "tier,reasons,details,error\r\n"

typedef struct csv_out {
    FILE *f;
    int64_t run_id;
} csv_out;

/* Writes one field (NULL: empty), quoted when it holds a comma, quote, CR or LF; quotes inside
 * are doubled; malformed UTF-8 bytes become U+FFFD. sep follows it. */
static void put_field(FILE *f, const char *text, char sep)
{
    if (text) {
        bool quote = strpbrk(text, ",\"\r\n") != NULL;
        if (quote)
            fputc('"', f);
        const unsigned char *s = (const unsigned char *)text;
        size_t n = strlen(text);
        while (n) {
            size_t len = bf_plugin_utf8_len(s, n);
            if (len == 0) {
                fputs("\xEF\xBF\xBD", f);
                len = 1;
            } else {
                if (*s == '"')
                    fputc('"', f);
                fwrite(s, 1, len, f);
            }
            s += len;
            n -= len;
        }
        if (quote)
            fputc('"', f);
    }
    if (sep == '\n')
        fputs("\r\n", f);
    else
        fputc(sep, f);
}

static int csv_open(void **state, const char *out, const bf_export_run *run, char *err,
                    size_t errlen)
{
    *state = NULL;
    csv_out *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "csv: out of memory");
        return 1;
    }
    if (!(c->f = bf_plugin_output_open(out, err, errlen))) {
        free(c);
        return 1;
    }
    c->run_id = run->id;
    fputs("\xEF\xBB\xBF" CSV_HEADER, c->f);   /* the byte-order mark, then the header */
    *state = c;
    return 0;
}

static int csv_write(void *state, const bf_export_decision *d, char *err, size_t errlen)
{
    csv_out *c = state;
    char id[32], amount[32];
    snprintf(id, sizeof id, "%" PRId64, c->run_id);
    uint64_t a = d->amount_fen < 0 ? (uint64_t)(-(d->amount_fen + 1)) + 1 : (uint64_t)d->amount_fen;
    snprintf(amount, sizeof amount, "%s%" PRIu64 ".%02u", d->amount_fen < 0 ? "-" : "", a / 100,
             (unsigned)(a % 100));
    const char *fields[] = {
        id, d->household, d->town, d->village, d->policy, d->policy_title, d->member,
        d->eligible ? "true" : "false", amount, d->tier, d->reasons_json ? d->reasons_json : "[]",
        d->details_json, d->error,
    };
    size_t n = sizeof fields / sizeof fields[0];
    for (size_t i = 0; i < n; i++)
        put_field(c->f, fields[i], i + 1 < n ? ',' : '\n');
    if (ferror(c->f)) {
        snprintf(err, errlen, "csv: cannot write: %s", strerror(errno));
        return 1;
    }
    return 0;
}

static int csv_close(void *state, char *err, size_t errlen)
{
    csv_out *c = state;
    int failed = bf_plugin_output_close(c->f, "csv", err, errlen);
    free(c);
    return failed;
}

const bf_writer bf_csv_writer = {
    "csv", "CSV (RFC 4180, UTF-8 with a byte-order mark for Excel), one row per decision",
    csv_open, csv_write, csv_close,
};
