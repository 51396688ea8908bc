/* csv_read.c — households.csv + members.csv into the host's record sink: an RFC 4180 row
 * reader, the members held in memory by household id, the households streamed. */
#include "csv_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_MAX_BYTES (1 << 20)    /* a longer row is an error (an unclosed quote, usually) */

/* ======================================================================== */
/* RFC 4180 rows                                                             */
/* ======================================================================== */

typedef struct csv_in {
    FILE *f;
    const char *path;
    unsigned char buf[65536];
    size_t pos, len;
    bool eof, started;
    long line;                 /* line of the next character */
} csv_in;

typedef struct csv_row {
    char *text;                /* the fields, each NUL-terminated, one after the other */
    size_t len, cap;
    size_t *start;             /* offset of each field in text */
    int n, cap_fields;
    long line;                 /* the line the row starts on */
} csv_row;

typedef enum { ROW_OK, ROW_END, ROW_BAD, ROW_FATAL } row_status;

/* The next byte, or -1 at the end of the file (a read error sets errno and ends it too). */
static int next_byte(csv_in *in)
{
    if (in->pos == in->len) {
        if (in->eof)
            return -1;
        in->len = fread(in->buf, 1, sizeof in->buf, in->f);
        in->pos = 0;
        if (in->len < sizeof in->buf)
            in->eof = true;
        if (in->len == 0)
            return -1;
    }
    return in->buf[in->pos++];
}

/* The next byte without consuming it, or -1. */
static int peek_byte(csv_in *in)
{
    int c = next_byte(in);
    if (c >= 0)
        in->pos--;
    return c;
}

/* Skips a UTF-8 byte-order mark at the very start of the file. */
static void skip_bom(csv_in *in)
{
    in->started = true;
    if (peek_byte(in) != 0xEF || in->len - in->pos < 3)
        return;
    if (in->buf[in->pos + 1] == 0xBB && in->buf[in->pos + 2] == 0xBF)
        in->pos += 3;
}

static bool row_put(csv_row *r, char c)
{
    if (r->len == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        char *grown = realloc(r->text, cap);
        if (!grown)
            return false;
        r->text = grown;
        r->cap = cap;
    }
    r->text[r->len++] = c;
    return true;
}

static bool row_new_field(csv_row *r)
{
    if (r->n == r->cap_fields) {
        int cap = r->cap_fields ? r->cap_fields * 2 : 32;
        size_t *grown = realloc(r->start, sizeof *grown * (size_t)cap);
        if (!grown)
            return false;
        r->start = grown;
        r->cap_fields = cap;
    }
    r->start[r->n++] = r->len;
    return true;
}

/* Field i of a row. */
static const char *field(const csv_row *r, int i)
{
    return r->text + r->start[i];
}

/* Consumes the end of a line after c ('\r' of "\r\n" or '\n'); true when c ended the line. */
static bool line_end(csv_in *in, int c)
{
    if (c == '\n') {
        in->line++;
        return true;
    }
    if (c == '\r' && peek_byte(in) == '\n') {
        next_byte(in);
        in->line++;
        return true;
    }
    return false;
}

/* Skips the rest of a physical line after a malformed field. */
static void skip_line(csv_in *in)
{
    int c;
    while ((c = next_byte(in)) >= 0 && !line_end(in, c))
        ;
}

/* Reads a quoted field's text (the opening quote is consumed); *c gets the byte after the
 * closing quote. */
static row_status read_quoted(csv_in *in, csv_row *r, int *c, char *err, size_t errlen)
{
    long opened = in->line;
    for (;;) {
        int q = next_byte(in);
        if (q < 0) {
            snprintf(err, errlen, "the quoted field opened on line %ld is never closed", opened);
            return ROW_FATAL;
        }
        if (q == '"') {
            if (peek_byte(in) != '"')
                break;
            next_byte(in);                     /* "" is one quote */
        } else if (q == '\n') {
            in->line++;
        }
        if (r->len >= ROW_MAX_BYTES) {
            snprintf(err, errlen, "a row longer than %d bytes (a quote left open on line %ld?)",
                     ROW_MAX_BYTES, opened);
            return ROW_FATAL;
        }
        if (!row_put(r, (char)q))
            return ROW_FATAL;
    }
    *c = next_byte(in);
    if (*c >= 0 && *c != ',' && *c != '\n' && !(*c == '\r' && peek_byte(in) == '\n')) {
        snprintf(err, errlen, "text after the closing quote of field %d (a quote inside a field "
                 "is written as two quotes)", r->n);
        return ROW_BAD;
    }
    return ROW_OK;
}

/* Reads an unquoted field starting with byte c; *c gets the byte that ended it. */
static row_status read_plain(csv_in *in, csv_row *r, int *c, char *err, size_t errlen)
{
    while (*c >= 0 && *c != ',' && *c != '\n' && !(*c == '\r' && peek_byte(in) == '\n')) {
        if (*c == '"') {
            snprintf(err, errlen, "a quote inside unquoted field %d (quote the whole field and "
                     "write the quote twice)", r->n);
            return ROW_BAD;
        }
        if (r->len >= ROW_MAX_BYTES) {
            snprintf(err, errlen, "a row longer than %d bytes", ROW_MAX_BYTES);
            return ROW_FATAL;
        }
        if (!row_put(r, (char)*c))
            return ROW_FATAL;
        *c = next_byte(in);
    }
    return ROW_OK;
}

/* Reads the next row, skipping empty lines. ROW_BAD: this row is malformed (err says why; the
 * rest of its line was skipped), ROW_FATAL: the file cannot be read on. */
static row_status read_row(csv_in *in, csv_row *r, char *err, size_t errlen)
{
    snprintf(err, errlen, "out of memory reading a row");   /* unless a better reason comes */
    if (!in->started)
        skip_bom(in);
    int c;
    do {                                      /* empty lines are no rows */
        r->line = in->line;
        c = next_byte(in);
    } while (line_end(in, c));
    if (c < 0 && ferror(in->f)) {
        snprintf(err, errlen, "read error: %s", strerror(errno));
        return ROW_FATAL;
    }
    if (c < 0)
        return ROW_END;
    r->len = 0;
    r->n = 0;
    for (;;) {
        if (!row_new_field(r))
            return ROW_FATAL;
        row_status st = c == '"' ? read_quoted(in, r, &c, err, errlen)
                                 : read_plain(in, r, &c, err, errlen);
        if (st == ROW_OK && !row_put(r, '\0'))
            st = ROW_FATAL;
        if (st == ROW_BAD)
            skip_line(in);
        if (st != ROW_OK)
            return st;
        if (c != ',')
            break;
        c = next_byte(in);
    }
    if (c >= 0 && !line_end(in, c))
        return ROW_FATAL;                     /* cannot happen: the field loops stop at line ends */
    return ROW_OK;
}

static void row_free(csv_row *r)
{
    free(r->text);
    free(r->start);
    memset(r, 0, sizeof *r);
}

/* ======================================================================== */
/* Files and headers                                                         */
/* ======================================================================== */

typedef enum { KIND_HOUSEHOLDS, KIND_MEMBERS } file_kind;

typedef struct csv_file {
    const char *path;
    file_kind kind;
    char **columns;
    int n_columns;
    int id_col;                 /* the id column, -1 when missing */
    int household_col;          /* members: the household column */
    bool usable;                /* opened, and its header names the columns we need */
} csv_file;

/* Everything one import holds. */
typedef struct reader {
    const bf_host *host;
    bf_record_sink *sink;
    csv_file *files;
    int n_files;
    struct member_row *members;
    int n_members, cap_members;
    struct slot *slots;         /* household id → its members (open addressing) */
    size_t n_slots, used_slots;
    char households_names[512]; /* "households.csv" or "a.csv or b.csv": for messages */
    bool failed;                /* an error was reported */
    bool bad_file;              /* a file could not be opened or its header is unusable */
    bool households_skipped;    /* a households row could not be read: members may lack it */
} reader;

static void __attribute__((format(printf, 5, 6)))
report(reader *rd, const char *file, long line, const char *id, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rd->host->error(rd->sink, file, line, id, msg);
    rd->failed = true;
}

static int column_of(const csv_file *f, const char *name)
{
    for (int i = 0; i < f->n_columns; i++)
        if (strcmp(f->columns[i], name) == 0)
            return i;
    return -1;
}

/* Takes the header row's names; false (reported) when they cannot serve. */
static bool take_header(reader *rd, csv_file *f, const csv_row *r)
{
    f->columns = calloc((size_t)r->n, sizeof *f->columns);
    if (!f->columns) {
        report(rd, f->path, r->line, NULL, "out of memory reading the header");
        return false;
    }
    for (int i = 0; i < r->n; i++) {
        const char *name = field(r, i);
        if (!*name) {
            report(rd, f->path, r->line, NULL, "column %d of the header has no name", i + 1);
            return false;
        }
        if (column_of(f, name) >= 0) {
            report(rd, f->path, r->line, NULL, "column '%s' appears twice in the header", name);
            return false;
        }
        if (!(f->columns[f->n_columns] = strdup(name))) {
            report(rd, f->path, r->line, NULL, "out of memory reading the header");
            return false;
        }
        f->n_columns++;
    }
    f->id_col = column_of(f, "id");
    f->household_col = column_of(f, "household");
    if (f->household_col >= 0) {
        f->kind = KIND_MEMBERS;
    } else if (column_of(f, "town") >= 0 || column_of(f, "village") >= 0) {
        f->kind = KIND_HOUSEHOLDS;
    } else {
        report(rd, f->path, r->line, NULL, "the header names neither 'household' (a members "
               "file) nor 'town' and 'village' (a households file)");
        return false;
    }
    if (f->id_col < 0) {
        report(rd, f->path, r->line, NULL, "the header has no 'id' column");
        return false;
    }
    return true;
}

/* Opens path and reads its header row into r; false (reported) when that fails. */
static bool open_file(reader *rd, const char *path, csv_in *in, csv_row *r)
{
    memset(in, 0, sizeof *in);
    in->path = path;
    in->line = 1;
    in->f = fopen(path, "rb");
    if (!in->f) {
        report(rd, path, 0, NULL, "cannot open: %s", strerror(errno));
        return false;
    }
    char err[300];
    row_status st = read_row(in, r, err, sizeof err);
    if (st == ROW_END)
        report(rd, path, 0, NULL, "the file is empty (expected a header row)");
    else if (st != ROW_OK)
        report(rd, path, r->line, NULL, "%s", err);
    return st == ROW_OK;
}

/* ======================================================================== */
/* Members by household                                                      */
/* ======================================================================== */

typedef struct member_row {
    int file;                  /* index in rd->files */
    long line;
    char *values;              /* the row's fields, NUL-separated, in header order */
    int next;                  /* next member of the same household (file order), -1 */
} member_row;

typedef struct slot {
    const char *id;            /* NULL: free; points into a member row's values */
    int first, last;           /* member rows */
    bool found;                /* households.csv had it */
} slot;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;     /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The slot of id: its own, or the free one where it would go. */
static size_t find_slot(const reader *rd, const char *id)
{
    size_t mask = rd->n_slots - 1, i = hash(id) & mask;
    while (rd->slots[i].id && strcmp(rd->slots[i].id, id) != 0)
        i = (i + 1) & mask;
    return i;
}

/* Doubles the table (kept at most half full). */
static bool grow_slots(reader *rd)
{
    size_t n = rd->n_slots ? rd->n_slots * 2 : 1024;
    slot *old = rd->slots;
    size_t old_n = rd->n_slots;
    if (!(rd->slots = calloc(n, sizeof *rd->slots))) {
        rd->slots = old;
        return false;
    }
    rd->n_slots = n;
    for (size_t i = 0; i < old_n; i++)
        if (old[i].id)
            rd->slots[find_slot(rd, old[i].id)] = old[i];
    free(old);
    return true;
}

/* Value k of a stored member row. */
static const char *value_at(const char *values, int k)
{
    for (int i = 0; i < k; i++)
        values += strlen(values) + 1;
    return values;
}

/* Adds a member row under its household id. */
static bool hold_member(reader *rd, int file, const csv_row *r)
{
    const csv_file *f = &rd->files[file];
    if ((rd->used_slots + 1) * 2 > rd->n_slots && !grow_slots(rd))
        return false;
    if (rd->n_members == rd->cap_members) {
        int cap = rd->cap_members ? rd->cap_members * 2 : 1024;
        member_row *grown = realloc(rd->members, sizeof *grown * (size_t)cap);
        if (!grown)
            return false;
        rd->members = grown;
        rd->cap_members = cap;
    }
    member_row *m = &rd->members[rd->n_members];
    if (!(m->values = malloc(r->len)))
        return false;
    memcpy(m->values, r->text, r->len);
    m->file = file;
    m->line = r->line;
    m->next = -1;
    const char *hid = m->values + r->start[f->household_col];
    size_t s = find_slot(rd, hid);
    if (!rd->slots[s].id) {
        rd->slots[s] = (slot){hid, rd->n_members, rd->n_members, false};
        rd->used_slots++;
    } else {
        rd->members[rd->slots[s].last].next = rd->n_members;
        rd->slots[s].last = rd->n_members;
    }
    rd->n_members++;
    return true;
}

/* Field i of a row when the row has it and it is not empty, else NULL (for messages). */
static const char *id_in(const csv_row *r, int i)
{
    return i >= 0 && i < r->n && *field(r, i) ? field(r, i) : NULL;
}

/* Checks a data row's shape; false (reported, naming the ids it has) when it cannot be used. */
static bool row_fits(reader *rd, const csv_file *f, const csv_row *r)
{
    if (r->n == f->n_columns)
        return true;
    char msg[200];
    snprintf(msg, sizeof msg, "%d fields, the header has %d", r->n, f->n_columns);
    if (f->kind == KIND_MEMBERS)
        rd->host->member_error(rd->sink, f->path, r->line, id_in(r, f->household_col),
                               id_in(r, f->id_col), msg);
    else
        rd->host->error(rd->sink, f->path, r->line, id_in(r, f->id_col), msg);
    rd->failed = true;
    return false;
}

/* Reads every row of a members file into memory. false when the file cannot be read on. */
static bool load_members(reader *rd, int file, csv_in *in, csv_row *r)
{
    const csv_file *f = &rd->files[file];
    char err[300];
    for (;;) {
        row_status st = read_row(in, r, err, sizeof err);
        if (st == ROW_END)
            return true;
        if (st != ROW_OK) {
            report(rd, f->path, r->line, NULL, "%s", err);
            if (st == ROW_FATAL)
                return false;
            continue;
        }
        if (!row_fits(rd, f, r))
            continue;
        if (!*field(r, f->household_col)) {
            rd->host->member_error(rd->sink, f->path, r->line, NULL, field(r, f->id_col),
                                   "the 'household' column is empty");
            rd->failed = true;
            continue;
        }
        if (!hold_member(rd, file, r)) {
            report(rd, f->path, r->line, NULL, "out of memory holding the members");
            return false;
        }
    }
}

/* ======================================================================== */
/* Households                                                                */
/* ======================================================================== */

/* Hands the members held for household id to the sink. */
static void give_members(reader *rd, const char *id)
{
    if (!rd->n_slots)
        return;
    size_t s = find_slot(rd, id);
    if (!rd->slots[s].id)
        return;
    rd->slots[s].found = true;
    for (int k = rd->slots[s].first; k >= 0; k = rd->members[k].next) {
        const member_row *m = &rd->members[k];
        const csv_file *f = &rd->files[m->file];
        if (rd->host->member_begin(rd->sink, f->path, m->line) != 0)
            continue;
        const char *v = m->values;
        for (int c = 0; c < f->n_columns; c++, v += strlen(v) + 1)
            if (c != f->household_col && rd->host->member_cell)
                rd->host->member_cell(rd->sink, f->columns[c], v, c + 1);
            else if (c != f->household_col)
                rd->host->member_set(rd->sink, f->columns[c], v);
    }
}

/* Streams a households file into the sink. false when the import cannot go on. */
static bool read_households(reader *rd, const csv_file *f, csv_in *in, csv_row *r)
{
    char err[300];
    for (;;) {
        row_status st = read_row(in, r, err, sizeof err);
        if (st == ROW_END)
            return true;
        if (st != ROW_OK) {
            report(rd, f->path, r->line, NULL, "%s", err);
            rd->households_skipped = true;
            if (st == ROW_FATAL)
                return true;               /* this file ends here; the others are still read */
            continue;
        }
        if (!row_fits(rd, f, r)) {
            rd->households_skipped = true;
            continue;
        }
        if (rd->host->household_begin(rd->sink, f->path, r->line) != 0)
            return false;
        for (int c = 0; c < f->n_columns; c++)
            if (rd->host->household_cell)
                rd->host->household_cell(rd->sink, f->columns[c], field(r, c), c + 1);
            else
                rd->host->household_set(rd->sink, f->columns[c], field(r, c));
        give_members(rd, field(r, f->id_col));
        if (rd->host->household_end(rd->sink) != 0)
            return false;
    }
}

/* Reports the members whose household no households file had (unless a households row could
 * not be read: it may have been theirs, and the error about it is enough). */
static void report_orphans(reader *rd)
{
    if (rd->households_skipped)
        return;
    for (int k = 0; k < rd->n_members; k++) {
        const member_row *m = &rd->members[k];
        const csv_file *f = &rd->files[m->file];
        const slot *s = &rd->slots[find_slot(rd, value_at(m->values, f->household_col))];
        if (s->found)
            continue;
        char msg[700];
        snprintf(msg, sizeof msg, "household %s is not in %s", s->id, rd->households_names);
        rd->host->member_error(rd->sink, f->path, m->line, s->id,
                               value_at(m->values, f->id_col), msg);
        rd->failed = true;
    }
}

/* ======================================================================== */
/* The reader                                                                */
/* ======================================================================== */

/* Opens each file and sorts it by its header; loads the members files. The households files
 * are opened again and streamed afterwards, once every member is known. */
static void classify(reader *rd, csv_in *in, csv_row *r, int *n_households, int *n_members)
{
    *n_households = *n_members = 0;
    for (int i = 0; i < rd->n_files; i++) {
        csv_file *f = &rd->files[i];
        f->usable = open_file(rd, f->path, in, r) && take_header(rd, f, r);
        if (!f->usable) {
            rd->bad_file = true;
        } else if (f->kind == KIND_MEMBERS) {
            (*n_members)++;
            if (!load_members(rd, i, in, r))
                rd->bad_file = true;
        } else {
            (*n_households)++;
            size_t used = strlen(rd->households_names);
            snprintf(rd->households_names + used, sizeof rd->households_names - used, "%s%s",
                     used ? " or " : "", f->path);
        }
        if (in->f)
            fclose(in->f);
        in->f = NULL;
    }
}

/* Streams every households file (its header row was read by classify). */
static void stream_households(reader *rd, csv_in *in, csv_row *r)
{
    bool go_on = true;
    for (int i = 0; i < rd->n_files && go_on; i++) {
        csv_file *f = &rd->files[i];
        if (!f->usable || f->kind != KIND_HOUSEHOLDS)
            continue;
        if (open_file(rd, f->path, in, r))
            go_on = read_households(rd, f, in, r);
        if (in->f)
            fclose(in->f);
        in->f = NULL;
    }
}

static void free_reader(reader *rd)
{
    for (int i = 0; i < rd->n_files; i++) {
        csv_file *f = &rd->files[i];
        for (int c = 0; c < f->n_columns; c++)
            free(f->columns[c]);
        free(f->columns);
    }
    free(rd->files);
    for (int k = 0; k < rd->n_members; k++)
        free(rd->members[k].values);
    free(rd->members);
    free(rd->slots);
}

/* After the files were sorted: the households with their members, then the members left. */
static void read_all(reader *rd, csv_in *in, csv_row *r)
{
    int n_households, n_members;
    classify(rd, in, r, &n_households, &n_members);
    if (rd->bad_file)
        return;               /* reading on would report every household of a broken pair */
    const char *first = rd->n_files ? rd->files[0].path : "(no file)";
    if (n_households == 0)
        report(rd, first, 0, NULL, "no households file: give households.csv (columns id, town, "
               "village, …) together with members.csv");
    else if (n_members == 0)
        report(rd, first, 0, NULL, "no members file: give members.csv (columns household, id, "
               "relation, birth, …) together with households.csv");
    else {
        stream_households(rd, in, r);
        report_orphans(rd);
    }
}

int bf_csv_read(const bf_host *host, const char *const *paths, int n_paths, bf_record_sink *sink)
{
    reader rd = {.host = host, .sink = sink, .n_files = n_paths};
    csv_row r = {0};
    csv_in *in = malloc(sizeof *in);
    rd.files = calloc((size_t)(n_paths > 0 ? n_paths : 1), sizeof *rd.files);
    if (!in || !rd.files) {
        free(in);
        free(rd.files);
        return 1;
    }
    for (int i = 0; i < n_paths; i++)
        rd.files[i].path = paths[i];
    read_all(&rd, in, &r);
    row_free(&r);
    free(in);
    free_reader(&rd);
    return rd.failed ? 1 : 0;
}
