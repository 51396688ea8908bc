/* household.c — the record model: enum tables, defaults, validation of POLICIES.md §1. */
#include "household.h"
#include "bangfu.h"

#include <stdarg.h>
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

long bf_utf8_length(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    long n = 0;
    while (*p) {
        int len;
        unsigned int cp;
        if (*p < 0x80) { len = 1; cp = *p; }
        else if ((*p & 0xE0) == 0xC0) { len = 2; cp = *p & 0x1F; }
        else if ((*p & 0xF0) == 0xE0) { len = 3; cp = *p & 0x0F; }
        else if ((*p & 0xF8) == 0xF0) { len = 4; cp = *p & 0x07; }
        else return -1;
        for (int i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        /* reject overlong forms, surrogates and values past U+10FFFF */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return -1;
        p += len;
        n++;
    }
    return n;
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

/* Adds one error located at the household (and member, when m is not NULL). */
#define ERR(m_, ...) add_error(errs, file, h, (m_), __VA_ARGS__)

static void __attribute__((format(printf, 5, 6)))
add_error(bf_errors *errs, const char *file, const bf_household *h, const bf_member *m,
          const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = m && m->line ? m->line : h->line;
    char where[600];
    if (file && line)
        snprintf(where, sizeof where, "%s:%d: ", file, line);
    else if (file)
        snprintf(where, sizeof where, "%s: ", file);
    else
        where[0] = '\0';
    if (m)
        bf_errors_add(errs, "%shousehold %s, member %s: %s", where, h->id, m->id, msg);
    else
        bf_errors_add(errs, "%shousehold %s: %s", where, h->id, msg);
}

static int check_text(bf_errors *errs, const char *file, const bf_household *h,
                      const bf_member *m, const char *field, const char *value,
                      long min_chars, long max_chars)
{
    long n = bf_utf8_length(value);
    if (n < 0) {
        ERR(m, "%s is not valid UTF-8", field);
        return 1;
    }
    if (n < min_chars || n > max_chars) {
        ERR(m, "%s must be %ld to %ld characters, has %ld", field, min_chars, max_chars, n);
        return 1;
    }
    return 0;
}

static int check_money(bf_errors *errs, const char *file, const bf_household *h,
                       const bf_member *m, const char *field, bf_fen v)
{
    if (v >= 0 && v <= BF_FEN_MAX)
        return 0;
    char buf[BF_MONEY_STRLEN];
    bf_money_format(v, buf);
    ERR(m, "%s must be a non-negative amount, got %s", field, buf);
    return 1;
}

static int check_idnumber(bf_errors *errs, const char *file, const bf_household *h,
                          const bf_member *m)
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
        ERR(m, "idnumber must be 18 characters, 17 digits and a digit or X (got %s)", masked);
        return 1;
    }
    return 0;
}

static int validate_member(const bf_household *h, const bf_member *m, int index,
                           const char *file, bf_date today, bf_errors *errs)
{
    int n = check_text(errs, file, h, m, "member id", m->id, 1, BF_ID_CHARS);
    n += check_text(errs, file, h, m, "name", m->name, 0, BF_NAME_CHARS);
    n += check_idnumber(errs, file, h, m);
    n += check_money(errs, file, h, m, "medical_cost", m->medical_cost);
    for (int j = 0; j < index; j++)
        if (strcmp(h->members[j].id, m->id) == 0) {
            ERR(m, "duplicate member id (also member %d of this household)", j + 1);
            n++;
            break;
        }
    if (m->disability < 0 || m->disability > 4) {
        ERR(m, "disability must be 0 to 4, got %d", m->disability);
        n++;
    }
    if (today && m->birth > today) {
        char b[BF_DATE_STRLEN], t[BF_DATE_STRLEN];
        bf_date_format(m->birth, b);
        bf_date_format(today, t);
        ERR(m, "birth %s is after the evaluation date %s", b, t);
        n++;
    }
    return n;
}

int bf_household_validate(const bf_household *h, const char *file, bf_date today, bf_errors *errs)
{
    int n = check_text(errs, file, h, NULL, "household id", h->id, 1, BF_ID_CHARS);
    n += check_text(errs, file, h, NULL, "town", h->town, 1, BF_NAME_CHARS);
    n += check_text(errs, file, h, NULL, "village", h->village, 1, BF_NAME_CHARS);
    n += check_text(errs, file, h, NULL, "recorded", h->recorded, 0, BF_RECORDED_BYTES - 1);
    const struct { const char *name; bf_fen v; } money[] = {
        {"income wage", h->wage}, {"income business", h->business},
        {"income property", h->property}, {"income transfer", h->transfer},
        {"income excluded", h->excluded}, {"income previous", h->has_previous ? h->previous : 0},
        {"assets deposits", h->deposits}, {"assets vehicle", h->vehicle},
        {"expenses medical", h->medical}, {"expenses education", h->education},
    };
    for (size_t i = 0; i < sizeof money / sizeof money[0]; i++)
        n += check_money(errs, file, h, NULL, money[i].name, money[i].v);
    if (h->extra_houses < 0) {
        ERR(NULL, "assets extra_houses must be 0 or more, got %d", h->extra_houses);
        n++;
    }
    if (h->n_members < 1) {
        ERR(NULL, "a household needs at least one member");
        n++;
    }
    for (int i = 0; i < h->n_members; i++)
        n += validate_member(h, &h->members[i], i, file, today, errs);
    return n;
}
