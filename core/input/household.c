/* household.c — the record model: enum tables, defaults, text → field conversion, validation of every record rule. */
#include "household.h"
#include "i18n.h"
#include "bangfu.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {"none", "poverty_alleviated"};
static const char *const monitor_names[] = {"none", "unstable", "marginal", "hardship"};
static const char *const relation_names[] = {"head", "spouse", "child", "parent",
                                             "grandchild", "sibling", "other"};
static const char *const sex_names[] = {"M", "F"};
static const char *const labor_names[] = {"full", "partial", "none"};
static const char *const employment_names[] = {"local", "outside", "unemployed", "none"};
static const char *const school_names[] = {"none", "preschool", "primary", "junior",
                                           "senior", "vocational", "college"};
static const char *const self_care_names[] = {"full", "partial", "none"};
static const char *const disability_type_names[] = {"none", "physical", "visual", "hearing",
                                                    "speech", "intellectual", "mental", "multiple"};

static const struct {
    const char *const *names;
    int count;
    const char *allowed;
} enum_tables[BF_ENUM__N] = {
    [BF_ENUM_STATUS] = {status_names, BF_STATUS__N, "none|poverty_alleviated"},
    [BF_ENUM_MONITOR] = {monitor_names, BF_MONITOR__N, "none|unstable|marginal|hardship"},
    [BF_ENUM_RELATION] = {relation_names, BF_REL__N,
                          "head|spouse|child|parent|grandchild|sibling|other"},
    [BF_ENUM_SEX] = {sex_names, BF_SEX__N, "M|F"},
    [BF_ENUM_LABOR] = {labor_names, BF_LABOR__N, "full|partial|none"},
    [BF_ENUM_EMPLOYMENT] = {employment_names, BF_EMP__N, "local|outside|unemployed|none"},
    [BF_ENUM_SCHOOL] = {school_names, BF_SCHOOL__N,
                        "none|preschool|primary|junior|senior|vocational|college"},
    [BF_ENUM_SELF_CARE] = {self_care_names, BF_CARE__N, "full|partial|none"},
    [BF_ENUM_DISABILITY_TYPE] = {disability_type_names, BF_DIS__N,
                                 "none|physical|visual|hearing|speech|intellectual|mental|multiple"},
};

const char *bf_enum_name(bf_enum_kind kind, int v)
{
    if (kind < 0 || kind >= BF_ENUM__N || v < 0 || v >= enum_tables[kind].count)
        return "?";
    return enum_tables[kind].names[v];
}

int bf_enum_count(bf_enum_kind kind)
{
    return (kind < 0 || kind >= BF_ENUM__N) ? 0 : enum_tables[kind].count;
}

int bf_enum_parse(bf_enum_kind kind, const char *s)
{
    if (!s || kind < 0 || kind >= BF_ENUM__N)
        return -1;
    for (int i = 0; i < enum_tables[kind].count; i++)
        if (strcmp(s, enum_tables[kind].names[i]) == 0)
            return i;
    return -1;
}

const char *bf_enum_allowed(bf_enum_kind kind)
{
    return (kind < 0 || kind >= BF_ENUM__N) ? "" : enum_tables[kind].allowed;
}

void bf_household_reset(bf_household *h)
{
    bf_member *members = h->members;
    int cap = h->cap_members;
    memset(h, 0, sizeof *h);
    h->members = members;
    h->cap_members = cap;
    h->housing_safe = true;
    h->water_safe = true;
}

bf_member *bf_household_add_member(bf_household *h)
{
    if (h->n_members >= BF_MEMBERS_MAX)
        return NULL;
    if (h->n_members == h->cap_members) {
        int cap = h->cap_members ? h->cap_members * 2 : 8;
        bf_member *grown = realloc(h->members, sizeof *grown * (size_t)cap);
        if (!grown)
            return NULL;
        h->members = grown;
        h->cap_members = cap;
    }
    bf_member *m = &h->members[h->n_members++];
    memset(m, 0, sizeof *m);
    return m;
}

void bf_household_free(bf_household *h)
{
    free(h->members);
    h->members = NULL;
    h->cap_members = 0;
    h->n_members = 0;
}

int bf_household_copy(bf_household *dst, const bf_household *src)
{
    bf_member *members = dst->members;
    int cap = dst->cap_members;
    if (cap < src->n_members) {
        bf_member *grown = realloc(members, sizeof *grown * (size_t)src->n_members);
        if (!grown)
            return BF_ENOMEM;
        members = grown;
        cap = src->n_members;
    }
    *dst = *src;
    dst->members = members;
    dst->cap_members = cap;
    if (src->n_members)
        memcpy(members, src->members, sizeof *members * (size_t)src->n_members);
    return BF_OK;
}

void bf_mask_idnumber(const char *idnumber, char out[BF_IDNUMBER_LEN + 1])
{
    size_t len = strlen(idnumber);
    if (len > BF_IDNUMBER_LEN)
        len = BF_IDNUMBER_LEN;
    for (size_t i = 0; i < len; i++)
        out[i] = (i < 6 || i + 4 >= len) ? idnumber[i] : '*';
    out[len] = '\0';
}

/* ======================================================================== */
/* Fields as text                                                            */
/* ======================================================================== */

/* How one field converts from text. */
typedef enum { F_TEXT, F_MONEY, F_ENUM, F_BOOL, F_INT, F_DATE, F_PREVIOUS } field_kind;

typedef struct field_def {
    const char *name;
    field_kind kind;
    size_t offset;         /* into bf_household or bf_member */
    size_t size;           /* F_TEXT: buffer size */
    int arg;               /* F_ENUM: the bf_enum_kind; F_INT: the maximum */
    long min;              /* F_INT: the minimum */
    bool required;
} field_def;

#define HF(nm, k, f, a, req) {nm, k, offsetof(bf_household, f), sizeof(((bf_household *)0)->f), a, 0, req}
#define MF(nm, k, f, a, req) {nm, k, offsetof(bf_member, f), sizeof(((bf_member *)0)->f), a, 0, req}

/* extra_houses converts from −999999999 on, so that a negative count reaches the validator and
 * is reported as the rule it breaks rather than as a bad number. */
static const field_def household_fields[] = {
    HF("id", F_TEXT, id, 0, true),
    HF("town", F_TEXT, town, 0, true),
    HF("village", F_TEXT, village, 0, true),
    HF("status", F_ENUM, status, BF_ENUM_STATUS, false),
    HF("monitor", F_ENUM, monitor, BF_ENUM_MONITOR, false),
    HF("recorded", F_TEXT, recorded, 0, false),
    HF("wage", F_MONEY, wage, 0, false),
    HF("business", F_MONEY, business, 0, false),
    HF("property", F_MONEY, property, 0, false),
    HF("transfer", F_MONEY, transfer, 0, false),
    HF("excluded", F_MONEY, excluded, 0, false),
    HF("previous", F_PREVIOUS, previous, 0, false),
    HF("deposits", F_MONEY, deposits, 0, false),
    HF("vehicle", F_MONEY, vehicle, 0, false),
    {"extra_houses", F_INT, offsetof(bf_household, extra_houses), sizeof(int), 999999999,
     -999999999, false},
    HF("medical", F_MONEY, medical, 0, false),
    HF("education", F_MONEY, education, 0, false),
    HF("housing_safe", F_BOOL, housing_safe, 0, false),
    HF("water_safe", F_BOOL, water_safe, 0, false),
};

static const field_def member_fields[] = {
    MF("id", F_TEXT, id, 0, true),
    MF("name", F_TEXT, name, 0, false),
    MF("idnumber", F_TEXT, idnumber, 0, false),
    MF("relation", F_ENUM, relation, BF_ENUM_RELATION, true),
    MF("birth", F_DATE, birth, 0, true),
    MF("sex", F_ENUM, sex, BF_ENUM_SEX, true),
    MF("labor", F_ENUM, labor, BF_ENUM_LABOR, true),
    MF("employment", F_ENUM, employment, BF_ENUM_EMPLOYMENT, true),
    MF("school", F_ENUM, school, BF_ENUM_SCHOOL, true),
    MF("self_care", F_ENUM, self_care, BF_ENUM_SELF_CARE, true),
    MF("disability", F_INT, disability, 4, true),
    MF("disability_type", F_ENUM, disability_type, BF_ENUM_DISABILITY_TYPE, true),
    MF("serious_illness", F_BOOL, serious_illness, 0, true),
    MF("pension_insured", F_BOOL, pension_insured, 0, true),
    MF("medical_insured", F_BOOL, medical_insured, 0, true),
    MF("medical_cost", F_MONEY, medical_cost, 0, true),
    MF("supporter", F_BOOL, supporter, 0, true),
};

_Static_assert(sizeof(bf_status) == sizeof(int) && sizeof(bf_relation) == sizeof(int),
               "enum fields are written as int");

#define NFIELDS(t) ((int)(sizeof(t) / sizeof((t)[0])))

/* The field table of a record kind and its length. */
static const field_def *fields_of(bf_record_kind kind, int *n)
{
    if (kind == BF_RECORD_HOUSEHOLD) {
        *n = NFIELDS(household_fields);
        return household_fields;
    }
    if (kind == BF_RECORD_MEMBER) {
        *n = NFIELDS(member_fields);
        return member_fields;
    }
    *n = 0;
    return NULL;
}

/* Field i of a kind, or NULL out of range. */
static const field_def *field_at(bf_record_kind kind, int i)
{
    int n;
    const field_def *t = fields_of(kind, &n);
    return i >= 0 && i < n ? &t[i] : NULL;
}

int bf_field_count(bf_record_kind kind)
{
    int n;
    fields_of(kind, &n);
    return n;
}

const char *bf_field_name(bf_record_kind kind, int i)
{
    const field_def *f = field_at(kind, i);
    return f ? f->name : NULL;
}

/* The names of the fields in messages: the catalog gives each its words ("field" context), and
 * English keeps the attribute's own name. */
static const struct { const char *name, *label; } field_labels[] = {
    {"id", NC_("field", "id")}, {"town", NC_("field", "town")},
    {"village", NC_("field", "village")}, {"status", NC_("field", "status")},
    {"monitor", NC_("field", "monitor")}, {"recorded", NC_("field", "recorded")},
    {"wage", NC_("field", "wage")}, {"business", NC_("field", "business")},
    {"property", NC_("field", "property")}, {"transfer", NC_("field", "transfer")},
    {"excluded", NC_("field", "excluded")}, {"previous", NC_("field", "previous")},
    {"deposits", NC_("field", "deposits")}, {"vehicle", NC_("field", "vehicle")},
    {"extra_houses", NC_("field", "extra_houses")}, {"medical", NC_("field", "medical")},
    {"education", NC_("field", "education")}, {"housing_safe", NC_("field", "housing_safe")},
    {"water_safe", NC_("field", "water_safe")}, {"name", NC_("field", "name")},
    {"idnumber", NC_("field", "idnumber")}, {"relation", NC_("field", "relation")},
    {"birth", NC_("field", "birth")}, {"sex", NC_("field", "sex")},
    {"labor", NC_("field", "labor")}, {"employment", NC_("field", "employment")},
    {"school", NC_("field", "school")}, {"self_care", NC_("field", "self_care")},
    {"disability", NC_("field", "disability")},
    {"disability_type", NC_("field", "disability_type")},
    {"serious_illness", NC_("field", "serious_illness")},
    {"pension_insured", NC_("field", "pension_insured")},
    {"medical_insured", NC_("field", "medical_insured")},
    {"medical_cost", NC_("field", "medical_cost")}, {"supporter", NC_("field", "supporter")},
};

const char *bf_field_label(bf_record_kind kind, int i, const char *fallback)
{
    const char *name = bf_field_name(kind, i);
    for (size_t k = 0; name && k < sizeof field_labels / sizeof field_labels[0]; k++)
        if (strcmp(field_labels[k].name, name) == 0) {
            const char *t = bf_pgettext(field_labels[k].label, name);
            return t == name ? fallback : t;
        }
    return fallback;
}

int bf_field_find(bf_record_kind kind, const char *name)
{
    /* Records name their fields in the same order one after the other (every <member> of a
     * file lists its attributes alike): the field after the last one found is tried first,
     * which saves the scan of the table for nearly every field of an import. Per thread, as
     * imports and gen may run side by side. */
    static _Thread_local int next_guess[2];
    int n;
    const field_def *t = fields_of(kind, &n);
    if (!name)
        return -1;
    int k = kind == BF_RECORD_MEMBER;
    int guess = next_guess[k];
    if (guess < n && strcmp(t[guess].name, name) == 0) {
        next_guess[k] = guess + 1 < n ? guess + 1 : 0;
        return guess;
    }
    for (int i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0) {
            next_guess[k] = i + 1 < n ? i + 1 : 0;
            return i;
        }
    return -1;
}

bool bf__field_required(bf_record_kind kind, int i)
{
    const field_def *f = field_at(kind, i);
    return f && f->required;
}

bool bf__text_copy(char *dst, size_t size, const char *v)
{
    size_t len = strlen(v);
    if (len < size) {
        memcpy(dst, v, len + 1);
        return true;
    }
    size_t cut = size - 1;
    while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(dst, v, cut);
    dst[cut] = '\0';
    return false;
}

static bool parse_bool(const char *v, bool *dst)
{
    if (strcmp(v, "true") == 0)
        *dst = true;
    else if (strcmp(v, "false") == 0)
        *dst = false;
    else
        return false;
    return true;
}

static bool parse_int(const char *v, int *dst, long min, long max)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || errno || n < min || n > max)
        return false;
    *dst = (int)n;
    return true;
}

/* Converts v into the field at dst; false when it does not convert. */
static bool convert(const field_def *f, char *record, const char *v)
{
    void *dst = record + f->offset;
    int e;
    switch (f->kind) {
    case F_TEXT: return bf__text_copy(dst, f->size, v);
    case F_MONEY: return bf_money_parse(v, dst) == BF_OK;
    case F_PREVIOUS:
        ((bf_household *)(void *)record)->has_previous = true;
        return bf_money_parse(v, dst) == BF_OK;
    case F_ENUM:
        e = bf_enum_parse((bf_enum_kind)f->arg, v);
        if (e < 0)
            return false;
        *(int *)dst = e;         /* enums are int-sized (checked above) */
        return true;
    case F_BOOL: return parse_bool(v, dst);
    case F_INT: return parse_int(v, dst, f->min, f->arg);
    case F_DATE: return bf_date_parse(v, dst) == BF_OK;
    }
    return false;
}

/* Why v does not convert into f, named as label. */
static void explain(const field_def *f, const char *label, const char *v, bf_errors *errs)
{
    switch (f->kind) {
    case F_TEXT:
        bf_errors_add(errs, _("%s is too long (%zu bytes; at most %zu allowed)"), label, strlen(v),
                      f->size - 1);
        break;
    case F_MONEY: case F_PREVIOUS:
        bf_errors_add(errs, _("%s: '%s' is not an amount of yuan (a plain decimal with at most 2 "
                      "decimals, below 10^13)"), label, v);
        break;
    case F_ENUM:
        bf_errors_add(errs, _("%s: '%s' is not one of %s"), label, v,
                      bf_enum_allowed((bf_enum_kind)f->arg));
        break;
    case F_BOOL: bf_errors_add(errs, _("%s: '%s' is not true or false"), label, v); break;
    case F_INT:
        bf_errors_add(errs, _("%s: '%s' is not a whole number from %ld to %d"), label, v, f->min,
                      f->arg);
        break;
    case F_DATE:
        bf_errors_add(errs, _("%s: '%s' is not a date in the calendar (YYYY-MM-DD)"), label, v);
        break;
    }
}

int bf_field_set(bf_record_kind kind, int i, void *record, const char *value, const char *label,
                 bf_errors *errs)
{
    const field_def *f = field_at(kind, i);
    if (!f || !record || !value)
        return bf_errors_fail(errs, BF_EUSAGE, "%s", _("no such field"));
    if (convert(f, record, value))
        return BF_OK;
    if (errs)                  /* the label is made only for a message that is kept */
        explain(f, bf_field_label(kind, i, label ? label : f->name), value, errs);
    bf__field_reject(kind, i, record);
    return BF_EINPUT;
}

int bf_field_get(bf_record_kind kind, int i, const void *record, char *out, size_t size)
{
    const field_def *f = field_at(kind, i);
    if (!f || !record || size == 0)
        return BF_EUSAGE;
    const char *src = (const char *)record + f->offset;
    char money[BF_MONEY_STRLEN], date[BF_DATE_STRLEN];
    const char *text = NULL;
    switch (f->kind) {
    case F_TEXT: text = src; break;
    case F_PREVIOUS:
    case F_MONEY:
        bf_money_format(*(const bf_fen *)(const void *)src, money);
        /* an absent previous income is empty, as in a file that does not give it */
        text = f->kind == F_PREVIOUS && !((const bf_household *)record)->has_previous ? "" : money;
        break;
    case F_ENUM: text = bf_enum_name((bf_enum_kind)f->arg, *(const int *)(const void *)src); break;
    case F_BOOL: text = *(const bool *)(const void *)src ? "true" : "false"; break;
    case F_INT:
        snprintf(money, sizeof money, "%d", *(const int *)(const void *)src);
        text = money;
        break;
    case F_DATE:
        bf_date_format(*(const bf_date *)(const void *)src, date);
        text = date;
        break;
    }
    return (size_t)snprintf(out, size, "%s", text) < size ? BF_OK : BF_EUSAGE;
}

/* The rejected-field bits of a record. */
static uint64_t *rejected_bits(bf_record_kind kind, void *record)
{
    return kind == BF_RECORD_HOUSEHOLD ? &((bf_household *)record)->rejected
                                       : &((bf_member *)record)->rejected;
}

void bf__field_reject(bf_record_kind kind, int i, void *record)
{
    if (record && i >= 0 && i < 64)
        *rejected_bits(kind, record) |= UINT64_C(1) << i;
}

bool bf__field_rejected(bf_record_kind kind, const void *record, const char *name)
{
    if (!record || !*rejected_bits(kind, (void *)record))
        return false;                    /* the usual case: no field was rejected */
    int i = name ? bf_field_find(kind, name) : -1;
    return record && i >= 0 && (*rejected_bits(kind, (void *)record) & (UINT64_C(1) << i));
}

/* ======================================================================== */
/* Validation                                                                */
/* ======================================================================== */

/* Adds one error placed at a field of the household (or of member m_). */
#define ERR(m_, field_, ...) bf__field_error(errs, loc, file, h, (m_), (field_), __VA_ARGS__)

void bf__place_format(const bf_place *where, char *out, size_t size)
{
    if (!where->file)
        out[0] = '\0';
    else if (where->line > 0 && where->column > 0)
        snprintf(out, size, _("%s:%ld:%ld: "), where->file, where->line, where->column);
    else if (where->line > 0)
        snprintf(out, size, _("%s:%ld: "), where->file, where->line);
    else
        snprintf(out, size, _("%s: "), where->file);
}

/* The message with its place and the ids it concerns. */
static void add_placed(bf_errors *errs, const bf_place *where, const bf_household *h,
                       const bf_member *m, const char *msg)
{
    char at[600];
    bf__place_format(where, at, sizeof at);
    const char *hid = h->id[0] ? h->id : _(_("(no id)"));
    if (m)
        bf_errors_add(errs, _("%shousehold %s, member %s: %s"), at, hid, m->id[0] ? m->id : _(_("(no id)")),
                      msg);
    else
        bf_errors_add(errs, _("%shousehold %s: %s"), at, hid, msg);
}

void bf__field_error(bf_errors *errs, const bf_locator *loc, const char *file,
                     const bf_household *h, const bf_member *m, const char *field,
                     const char *fmt, ...)
{
    if (m ? bf__field_rejected(BF_RECORD_MEMBER, m, field)
          : bf__field_rejected(BF_RECORD_HOUSEHOLD, h, field))
        return;                          /* its conversion error was reported */
    if (bf_errors_full(errs)) {          /* counted, not kept: no need to find its place */
        bf_errors_add(errs, "(dropped)");
        return;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bf_place where = {m && m->file ? m->file : file, m && m->line ? m->line : h->line, 0};
    if (loc && loc->locate)
        loc->locate(loc->ctx, h, m, field, &where);
    add_placed(errs, &where, h, m, msg);
}

/* A text field: valid UTF-8 of min_chars to max_chars characters. label (untranslated, N_)
 * names it in messages: translated only when one is made, not for every valid record. */
static int check_text(bf_errors *errs, const bf_locator *loc, const char *file,
                      const bf_household *h, const bf_member *m, const char *field,
                      const char *label, const char *value, long min_chars, long max_chars)
{
    long n = bf_utf8_length(value);
    if (n < 0) {
        ERR(m, field, _("%s is not valid UTF-8"), _(label));
        return 1;
    }
    if (n < min_chars || n > max_chars) {
        ERR(m, field, _("%s must be %ld to %ld characters, has %ld"), _(label), min_chars, max_chars,
            n);
        return 1;
    }
    return 0;
}

static int check_money(bf_errors *errs, const bf_locator *loc, const char *file,
                       const bf_household *h, const bf_member *m, const char *field,
                       const char *label, bf_fen v)
{
    if (v >= 0 && v <= BF_FEN_MAX)
        return 0;
    char buf[BF_MONEY_STRLEN];
    bf_money_format(v, buf);
    ERR(m, field, _("%s must be a non-negative amount, got %s"), _(label), buf);
    return 1;
}

static int check_idnumber(bf_errors *errs, const bf_locator *loc, const char *file,
                          const bf_household *h, const bf_member *m)
{
    const char *s = m->idnumber;
    if (!*s)
        return 0;
    size_t len = strlen(s);
    bool ok = len == BF_IDNUMBER_LEN;
    for (size_t i = 0; ok && i < len; i++)
        ok = (s[i] >= '0' && s[i] <= '9') || (i == len - 1 && (s[i] == 'X' || s[i] == 'x'));
    if (!ok) {
        char masked[BF_IDNUMBER_LEN + 1];
        bf_mask_idnumber(s, masked);
        ERR(m, "idnumber", _("idnumber must be 18 characters, 17 digits and a digit or X (got %s)"), masked);
        return 1;
    }
    return 0;
}

static int validate_member(const bf_household *h, const bf_member *m, int index,
                           const char *file, const bf_locator *loc, bf_date today,
                           bf_errors *errs)
{
    int n = check_text(errs, loc, file, h, m, "id", N_("member id"), m->id, 1, BF_ID_CHARS);
    n += check_text(errs, loc, file, h, m, "name", N_("name"), m->name, 0, BF_NAME_CHARS);
    n += check_idnumber(errs, loc, file, h, m);
    n += check_money(errs, loc, file, h, m, "medical_cost", N_("medical_cost"), m->medical_cost);
    for (int j = 0; j < index; j++)
        if (strcmp(h->members[j].id, m->id) == 0) {
            ERR(m, "id", _("duplicate member id (also member %d of this household)"), j + 1);
            n++;
            break;
        }
    if (m->disability < 0 || m->disability > 4) {
        ERR(m, "disability", _("disability must be 0 to 4, got %d"), m->disability);
        n++;
    }
    if (today && m->birth > today) {
        char b[BF_DATE_STRLEN], t[BF_DATE_STRLEN];
        bf_date_format(m->birth, b);
        bf_date_format(today, t);
        ERR(m, "birth", _("birth %s is after the evaluation date %s"), b, t);
        n++;
    }
    return n;
}

int bf_household_validate(const bf_household *h, const char *file, bf_date today, bf_errors *errs)
{
    return bf__household_validate_at(h, file, NULL, today, errs);
}

int bf__household_validate_at(const bf_household *h, const char *file, const bf_locator *loc,
                              bf_date today, bf_errors *errs)
{
    int n = check_text(errs, loc, file, h, NULL, "id", N_("household id"), h->id, 1, BF_ID_CHARS);
    n += check_text(errs, loc, file, h, NULL, "town", N_("town"), h->town, 1, BF_NAME_CHARS);
    n += check_text(errs, loc, file, h, NULL, "village", N_("village"), h->village, 1, BF_NAME_CHARS);
    n += check_text(errs, loc, file, h, NULL, "recorded", N_("recorded"), h->recorded, 0,
                    BF_RECORDED_BYTES - 1);
    const struct { const char *field, *label; bf_fen v; } money[] = {
        {"wage", N_("income wage"), h->wage}, {"business", N_("income business"), h->business},
        {"property", N_("income property"), h->property},
        {"transfer", N_("income transfer"), h->transfer},
        {"excluded", N_("income excluded"), h->excluded},
        {"previous", N_("income previous"), h->has_previous ? h->previous : 0},
        {"deposits", N_("assets deposits"), h->deposits},
        {"vehicle", N_("assets vehicle"), h->vehicle},
        {"medical", N_("expenses medical"), h->medical},
        {"education", N_("expenses education"), h->education},
    };
    for (size_t i = 0; i < sizeof money / sizeof money[0]; i++)
        n += check_money(errs, loc, file, h, NULL, money[i].field, money[i].label, money[i].v);
    if (h->extra_houses < 0) {
        ERR(NULL, "extra_houses", _("assets extra_houses must be 0 or more, got %d"),
            h->extra_houses);
        n++;
    }
    if (h->n_members < 1) {
        ERR(NULL, NULL, _("a household needs at least one member"));
        n++;
    }
    for (int i = 0; i < h->n_members; i++)
        n += validate_member(h, &h->members[i], i, file, loc, today, errs);
    return n;
}
