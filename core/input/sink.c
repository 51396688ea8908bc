/* sink.c — the record sink: plugin readers hand households over field by field; the fields go
 * through the one text conversion of household.c and the households through the importer. */
#include "sink.h"
#include "i18n.h"
#include "bangfu.h"
#include "household.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A conversion message held until household_end, when the ids are known. */
typedef struct pending {
    int member;            /* member index, -1 for the household itself */
    long column;           /* the cell's column, 0 when none */
    char *msg;
} pending;

#define FIELDS_MAX 32      /* room for the fields of either record kind */

struct bf_record_sink {
    bf_importer *im;
    const bf_reader_format *reader;
    bf_household h;
    bool open;                     /* a household has begun and not ended */
    const char *file;              /* its file (the importer's copy) */
    int member;                    /* index of the current member, -1 when none */
    bool member_skipped;           /* member_begin refused: its fields are ignored */
    bool too_many;                 /* "more than 64 members" was reported */
    uint64_t seen_h;               /* household fields given */
    uint64_t seen_m[BF_MEMBERS_MAX];
    long column;                   /* the cell of the value being set, 0 when not a cell */
    long col_h[FIELDS_MAX];        /* the cell each household field came from (0: none) */
    long col_m[BF_MEMBERS_MAX][FIELDS_MAX];
    pending *pend;
    int n_pend, cap_pend;
    char **unknown;                /* "h:name" / "m:name": unknown fields already reported */
    int n_unknown;
    bool misuse_reported;          /* a callback was called out of order (reported once) */
};

_Static_assert(BF_MEMBERS_MAX <= 64, "seen bits fit in uint64_t");

/* The cells of the fields of the current household (member < 0) or of one of its members. */
static long *columns_of(bf_record_sink *k, int member)
{
    return member < 0 ? k->col_h : k->col_m[member];
}

/* Source lines arrive as long; records keep int. */
static int clamp_line(long line)
{
    return line < 0 ? 0 : line > INT_MAX ? INT_MAX : (int)line;
}

/* Holds a message about the current household (member -1) or one of its members. */
static void hold(bf_record_sink *k, int member, const char *msg)
{
    if (k->n_pend == k->cap_pend) {
        int cap = k->cap_pend ? k->cap_pend * 2 : 8;
        pending *grown = realloc(k->pend, sizeof *grown * (size_t)cap);
        if (!grown) {
            bf__importer_error(k->im, "out of memory while reading households");
            return;
        }
        k->pend = grown;
        k->cap_pend = cap;
    }
    char *copy = strdup(msg);
    if (!copy) {
        bf__importer_error(k->im, "out of memory while reading households");
        return;
    }
    k->pend[k->n_pend++] = (pending){member, k->column, copy};
}

/* Reports a reader calling the callbacks out of order, once per import. */
static void misuse(bf_record_sink *k, const char *what)
{
    if (k->misuse_reported)
        return;
    k->misuse_reported = true;
    bf__importer_error(k->im, "the %s reader called %s (a bug in the plugin)",
                       k->reader ? k->reader->format : "?", what);
}

/* True the first time an unknown field name is seen in this import (it is reported once, not
 * on every row). */
static bool first_unknown(bf_record_sink *k, char kind, const char *name)
{
    for (int i = 0; i < k->n_unknown; i++)
        if (k->unknown[i][0] == kind && strcmp(k->unknown[i] + 2, name) == 0)
            return false;
    char **grown = realloc(k->unknown, sizeof *grown * (size_t)(k->n_unknown + 1));
    if (!grown)
        return true;
    k->unknown = grown;
    size_t len = strlen(name) + 3;
    if ((grown[k->n_unknown] = malloc(len))) {
        snprintf(grown[k->n_unknown], len, "%c:%s", kind, name);
        k->n_unknown++;
    }
    return true;
}

/* Converts one field of the current household or member; 0 or 1 (rejected, held). */
static int set_field(bf_record_sink *k, bf_record_kind kind, void *record, uint64_t *seen,
                     int member, const char *field, const char *value)
{
    if (!field)
        return 1;
    if (!value || !*value)
        return 0;                              /* absent: the default stays */
    int i = bf_field_find(kind, field);
    char msg[1024];
    if (i < 0) {
        if (first_unknown(k, kind == BF_RECORD_HOUSEHOLD ? 'h' : 'm', field)) {
            snprintf(msg, sizeof msg, kind == BF_RECORD_HOUSEHOLD
                     ? _("unknown household field '%s' (reported once)")
                     : _("unknown member field '%s' (reported once)"), field);
            hold(k, member, msg);
        } else {
            hold(k, member, "");       /* no message again, but the record is still bad */
        }
        return 1;
    }
    *seen |= UINT64_C(1) << i;
    if (i < FIELDS_MAX)
        columns_of(k, member)[i] = k->column;
    bf_errors why;
    bf_errors_init(&why, 1);
    if (bf_field_set(kind, i, record, value, field, &why) == BF_OK)
        return 0;
    hold(k, member, bf_errors_first(&why));
    bf_errors_free(&why);
    return 1;
}

/* Holds "no value for required field 'x'" for every required field not given. */
static void check_required(bf_record_sink *k, bf_record_kind kind, uint64_t seen, int member)
{
    for (int i = 0; i < bf_field_count(kind); i++)
        if (bf__field_required(kind, i) && !(seen & (UINT64_C(1) << i))) {
            char msg[128];
            snprintf(msg, sizeof msg, _("no value for required field '%s'"), bf_field_name(kind, i));
            k->column = 0;
            hold(k, member, msg);
            bf__field_reject(kind, i, member < 0 ? (void *)&k->h : (void *)&k->h.members[member]);
        }
}

/* Moves the held messages into the import's errors as "file:line: household H[, member M]: …"
 * (the format of the XML conversion); returns how many there were. */
static int release(bf_record_sink *k)
{
    const bf_household *h = &k->h;
    const char *hid = h->id[0] ? h->id : _("(no id)");
    int n = k->n_pend;
    for (int i = 0; i < k->n_pend; i++) {
        const pending *p = &k->pend[i];
        const bf_member *m = p->member >= 0 ? &h->members[p->member] : NULL;
        bf_place where = {m && m->file ? m->file : k->file, m && m->line ? m->line : h->line,
                          p->column};
        char at[1100];
        bf__place_format(&where, at, sizeof at);
        if (p->msg[0] && m)
            bf__importer_error(k->im, _("%shousehold %s, member %s: %s"), at, hid,
                               m->id[0] ? m->id : _("(no id)"), p->msg);
        else if (p->msg[0])
            bf__importer_error(k->im, _("%shousehold %s: %s"), at, hid, p->msg);
        free(p->msg);
    }
    k->n_pend = 0;
    return n;
}

int bf_sink_household_begin(bf_record_sink *k, const char *file, long line)
{
    if (k->open && bf_sink_household_end(k) != 0)
        return 1;
    if (bf__importer_status(k->im) != BF_OK)
        return 1;
    bf_household_reset(&k->h);
    k->h.line = clamp_line(line);
    k->file = bf__importer_file(k->im, file ? file : "(input)");
    if (!k->file)
        return 1;
    k->open = true;
    k->member = -1;
    k->member_skipped = false;
    k->too_many = false;
    k->seen_h = 0;
    memset(k->col_h, 0, sizeof k->col_h);
    return 0;
}

int bf_sink_household_set(bf_record_sink *k, const char *field, const char *value)
{
    if (!k->open) {
        misuse(k, "household_set outside a household");
        return 1;
    }
    return set_field(k, BF_RECORD_HOUSEHOLD, &k->h, &k->seen_h, -1, field, value);
}

int bf_sink_member_begin(bf_record_sink *k, const char *file, long line)
{
    if (!k->open) {
        misuse(k, "member_begin outside a household");
        return 1;
    }
    const char *mfile = bf__importer_file(k->im, file ? file : k->file);
    bf_member *m = mfile ? bf_household_add_member(&k->h) : NULL;
    k->member_skipped = m == NULL;
    if (!m) {
        if (!k->too_many)
            hold(k, -1, k->h.n_members >= BF_MEMBERS_MAX ? "more than 64 members"
                                                         : "out of memory reading members");
        k->too_many = true;
        return 1;
    }
    k->member = k->h.n_members - 1;
    m->line = clamp_line(line);
    m->file = mfile == k->file ? NULL : mfile;    /* the importer keeps one copy per name */
    k->seen_m[k->member] = 0;
    memset(k->col_m[k->member], 0, sizeof k->col_m[k->member]);
    return 0;
}

int bf_sink_member_set(bf_record_sink *k, const char *field, const char *value)
{
    if (k->member_skipped)
        return 1;
    if (!k->open || k->member < 0) {
        misuse(k, "member_set outside a member");
        return 1;
    }
    return set_field(k, BF_RECORD_MEMBER, &k->h.members[k->member], &k->seen_m[k->member],
                     k->member, field, value);
}

int bf_sink_household_cell(bf_record_sink *k, const char *field, const char *value,
                           long column)
{
    k->column = column > 0 ? column : 0;
    int rc = bf_sink_household_set(k, field, value);
    k->column = 0;
    return rc;
}

int bf_sink_member_cell(bf_record_sink *k, const char *field, const char *value, long column)
{
    k->column = column > 0 ? column : 0;
    int rc = bf_sink_member_set(k, field, value);
    k->column = 0;
    return rc;
}

/* bf_locator callback of the sink: a field's cell (column 1 for the record itself). */
static void sink_locate(void *ctx, const bf_household *h, const bf_member *m, const char *field,
                        bf_place *where)
{
    bf_record_sink *k = ctx;
    if (!field) {
        where->column = 1;
        return;
    }
    int i = bf_field_find(m ? BF_RECORD_MEMBER : BF_RECORD_HOUSEHOLD, field);
    if (i >= 0 && i < FIELDS_MAX)
        where->column = columns_of(k, m ? (int)(m - h->members) : -1)[i];
}

int bf_sink_household_end(bf_record_sink *k)
{
    if (!k->open) {
        misuse(k, "household_end outside a household");
        return bf__importer_status(k->im) != BF_OK;
    }
    k->open = false;
    check_required(k, BF_RECORD_HOUSEHOLD, k->seen_h, -1);
    for (int i = 0; i < k->h.n_members; i++)
        check_required(k, BF_RECORD_MEMBER, k->seen_m[i], i);
    release(k);
    bf_locator loc = {sink_locate, k};
    return bf__importer_take(k->im, &k->h, k->file, &loc) != BF_OK;
}

/* "file:line: " or "file: " into where. */
static void where_of(char *where, size_t size, const char *file, long line)
{
    if (line > 0)
        snprintf(where, size, "%s:%ld: ", file ? file : "(input)", line);
    else
        snprintf(where, size, "%s: ", file ? file : "(input)");
}

void bf_sink_error(bf_record_sink *k, const char *file, long line, const char *id,
                   const char *message)
{
    bf_sink_member_error(k, file, line, id, NULL, message);
}

void bf_sink_member_error(bf_record_sink *k, const char *file, long line,
                          const char *household, const char *member, const char *message)
{
    char where[1100];
    where_of(where, sizeof where, file, line);
    const char *msg = message ? message : "error";
    if (household && member)
        bf__importer_error(k->im, _("%shousehold %s, member %s: %s"), where, household, member, msg);
    else if (household)
        bf__importer_error(k->im, _("%shousehold %s: %s"), where, household, msg);
    else if (member)
        bf__importer_error(k->im, "%smember %s: %s", where, member, msg);
    else
        bf__importer_error(k->im, "%s%s", where, msg);
}

int bf__sink_read(const bf_reader_format *reader, const char *const *paths, int n_paths,
                  bf_importer *im)
{
    bf_record_sink *k = calloc(1, sizeof *k);
    if (!k)
        return BF_ENOMEM;
    k->im = im;
    k->reader = reader;
    k->member = -1;
    bf_household_reset(&k->h);
    int errors_before = bf__importer_error_count(im);
    int rc = reader->read(paths, n_paths, k);
    if (k->open)                       /* the reader forgot the last household_end */
        bf_sink_household_end(k);
    if (rc != 0 && bf__importer_error_count(im) == errors_before)
        bf__importer_error(im, "%s: the %s reader failed without saying why",
                           n_paths > 0 ? paths[0] : "(no file)", reader->format);
    for (int i = 0; i < k->n_pend; i++)
        free(k->pend[i].msg);
    free(k->pend);
    for (int i = 0; i < k->n_unknown; i++)
        free(k->unknown[i]);
    free(k->unknown);
    bf_household_free(&k->h);
    free(k);
    int status = bf__importer_status(im);
    return status != BF_OK ? status : rc != 0 ? BF_EINPUT : BF_OK;
}
