/* household.h — the record model: households (户) and members with every field (their meanings: fielddoc.h). */
#ifndef BF_HOUSEHOLD_H
#define BF_HOUSEHOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "errors.h"
#include "money.h"
#include "utf8.h"

/* Text limits. Ids are 1–64 characters (code points); a UTF-8 character takes up to 4 bytes. */
#define BF_ID_CHARS      64
#define BF_ID_BYTES      (BF_ID_CHARS * 4 + 1)
#define BF_NAME_CHARS    64                      /* town, village and member names */
#define BF_NAME_BYTES    (BF_NAME_CHARS * 4 + 1)
#define BF_IDNUMBER_LEN  18                      /* resident ID number */
#define BF_RECORDED_BYTES 512                    /* the space-separated `recorded` list */
#define BF_MEMBERS_MAX   64                      /* a household larger than this is rejected */

/* Enumerations. Each has a string table (the XML/SQL spelling) and a parser. */
typedef enum { BF_STATUS_NONE, BF_STATUS_POVERTY_ALLEVIATED, BF_STATUS__N } bf_status;
typedef enum { BF_MONITOR_NONE, BF_MONITOR_UNSTABLE, BF_MONITOR_MARGINAL, BF_MONITOR_HARDSHIP,
               BF_MONITOR__N } bf_monitor;
typedef enum { BF_REL_HEAD, BF_REL_SPOUSE, BF_REL_CHILD, BF_REL_PARENT, BF_REL_GRANDCHILD,
               BF_REL_SIBLING, BF_REL_OTHER, BF_REL__N } bf_relation;
typedef enum { BF_SEX_M, BF_SEX_F, BF_SEX__N } bf_sex;
typedef enum { BF_LABOR_FULL, BF_LABOR_PARTIAL, BF_LABOR_NONE, BF_LABOR__N } bf_labor;
typedef enum { BF_EMP_LOCAL, BF_EMP_OUTSIDE, BF_EMP_UNEMPLOYED, BF_EMP_NONE, BF_EMP__N } bf_employment;
typedef enum { BF_SCHOOL_NONE, BF_SCHOOL_PRESCHOOL, BF_SCHOOL_PRIMARY, BF_SCHOOL_JUNIOR,
               BF_SCHOOL_SENIOR, BF_SCHOOL_VOCATIONAL, BF_SCHOOL_COLLEGE, BF_SCHOOL__N } bf_school;
typedef enum { BF_CARE_FULL, BF_CARE_PARTIAL, BF_CARE_NONE, BF_CARE__N } bf_self_care;
typedef enum { BF_DIS_NONE, BF_DIS_PHYSICAL, BF_DIS_VISUAL, BF_DIS_HEARING, BF_DIS_SPEECH,
               BF_DIS_INTELLECTUAL, BF_DIS_MENTAL, BF_DIS_MULTIPLE, BF_DIS__N } bf_disability_type;

/* The kinds of enumeration, to index bf_enum_names / bf_enum_parse. */
typedef enum { BF_ENUM_STATUS, BF_ENUM_MONITOR, BF_ENUM_RELATION, BF_ENUM_SEX, BF_ENUM_LABOR,
               BF_ENUM_EMPLOYMENT, BF_ENUM_SCHOOL, BF_ENUM_SELF_CARE, BF_ENUM_DISABILITY_TYPE,
               BF_ENUM__N } bf_enum_kind;

/* The spelling of value v of an enumeration ("poverty_alleviated"), or "?" when out of range. */
const char *bf_enum_name(bf_enum_kind kind, int v);
/* The number of values of an enumeration. */
int bf_enum_count(bf_enum_kind kind);
/* Parses a spelling into its value; -1 when the text is not one of the allowed values. */
int bf_enum_parse(bf_enum_kind kind, const char *s);
/* "a|b|c": the allowed spellings, for error messages. */
const char *bf_enum_allowed(bf_enum_kind kind);

typedef struct bf_member {
    char id[BF_ID_BYTES];
    char name[BF_NAME_BYTES];          /* "" when absent */
    char idnumber[BF_IDNUMBER_LEN + 1];/* "" when absent; never print unmasked (bf_mask_idnumber) */
    bf_relation relation;
    bf_date birth;
    bf_sex sex;
    bf_labor labor;
    bf_employment employment;
    bf_school school;
    bf_self_care self_care;
    int disability;                    /* 0 none, 1 most severe … 4 */
    bf_disability_type disability_type;
    bool serious_illness;
    bool pension_insured;
    bool medical_insured;
    bf_fen medical_cost;               /* in-policy medical cost, fen/year */
    bool supporter;
    int line;                          /* source line of the record, 0 when unknown */
    uint64_t rejected;                 /* bit i: field i did not convert or was missing
                                        * (reported already; the rules leave it alone) */
    const char *file;                  /* source file when not the household's (a members.csv
                                        * read apart from households.csv), else NULL; borrowed */
} bf_member;

typedef struct bf_household {
    char id[BF_ID_BYTES];
    char town[BF_NAME_BYTES];
    char village[BF_NAME_BYTES];
    bf_status status;
    bf_monitor monitor;
    char recorded[BF_RECORDED_BYTES];  /* space-separated policy ids, may be "" */
    bf_fen wage, business, property, transfer;   /* counted income, fen/year */
    bf_fen excluded;                   /* income not counted, fen/year */
    bf_fen previous;                   /* last year's counted income, when has_previous */
    bool has_previous;
    bf_fen deposits, vehicle;          /* fen */
    int extra_houses;
    bf_fen medical, education;         /* rigid expenses, fen/year */
    bool housing_safe, water_safe;
    int n_members;
    int cap_members;
    bf_member *members;                /* n_members entries, owned by the household */
    int line;                          /* source line of the record, 0 when unknown */
    uint64_t rejected;                 /* bit i: field i did not convert or was missing */
} bf_household;

/* Sets every field to its default (status/monitor none, safety flags true,
 * money 0, no previous income) and empties the member list, keeping its allocation. */
void bf_household_reset(bf_household *h);
/* Appends a member with default fields and returns it; NULL past BF_MEMBERS_MAX or out of memory. */
bf_member *bf_household_add_member(bf_household *h);
/* Frees the member array. The household may be reset and reused afterwards. */
void bf_household_free(bf_household *h);
/* Deep copy of src into dst (dst must be reset or freshly zeroed); BF_OK or BF_ENOMEM. */
int bf_household_copy(bf_household *dst, const bf_household *src);

/* ---- Fields as text: the one conversion for XML attributes, CSV columns and plugin readers ---- */

/* Which record a field belongs to. */
typedef enum { BF_RECORD_HOUSEHOLD, BF_RECORD_MEMBER } bf_record_kind;

/* The number of text fields of a record kind (households.xsd order). */
int bf_field_count(bf_record_kind kind);
/* The name of field i (0 … count−1), NULL out of range. Household fields use the attribute
 * names (id town village status monitor recorded wage business property transfer excluded
 * previous deposits vehicle extra_houses medical education) and housing_safe, water_safe for the
 * <housing safe> and <water safe> flags; member fields are the <member> attribute names. */
const char *bf_field_name(bf_record_kind kind, int i);
/* How messages name field i of kind: its name in the user's language with the attribute beside
 * it ("出生日期（birth）"), or fallback where the catalog has no name for it (English). */
const char *bf_field_label(bf_record_kind kind, int i, const char *fallback);
/* The index of the field called name, or -1 when there is none. */
int bf_field_find(bf_record_kind kind, const char *name);
/* True when every record must give field i: household id, town and village; every member field
 * except name and idnumber. Absent optional fields keep their defaults (bf_household_reset). */
bool bf__field_required(bf_record_kind kind, int i);
/* Converts text into field i of record (a bf_household or a bf_member, per kind): money with at
 * most 2 decimals, YYYY-MM-DD dates that exist, enum spellings, true/false, whole numbers, text
 * that fits. Returns BF_OK, or BF_EINPUT (and marks the field rejected) with "LABEL: 'v' is not
 * …" added to errs (label: how the caller names the field, e.g. "<income wage>"; NULL for its
 * name). The record rules (bf_household_validate) are not applied here. */
int bf_field_set(bf_record_kind kind, int i, void *record, const char *value, const char *label,
                 bf_errors *errs);
/* Writes field i of record as text into out, as bf_field_set reads it ("" for an absent
 * previous income); BF_EUSAGE for no such field or when size is too small. */
int bf_field_get(bf_record_kind kind, int i, const void *record, char *out, size_t size);
/* Marks field i of record as rejected (a required field that was missing). */
void bf__field_reject(bf_record_kind kind, int i, void *record);
/* True when field `name` of record was rejected (did not convert, or was missing). */
bool bf__field_rejected(bf_record_kind kind, const void *record, const char *name);

/* ---- Where a value came from, for errors that name file:line:column ---- */

/* A place in a source file: lines and columns from 1 (an XML column counts characters, a CSV
 * column is the cell's column number); 0 when not known. */
typedef struct bf_place {
    const char *file;
    long line, column;
} bf_place;

/* How the reader of a household says where each of its values sits. */
typedef struct bf_locator {
    /* Fills *where for field (a bf_field_name of the household, or of member m when m is not
     * NULL; NULL for the record itself). where arrives filled with the record's own place. */
    void (*locate)(void *ctx, const bf_household *h, const bf_member *m, const char *field,
                   bf_place *where);
    void *ctx;
} bf_locator;

/* Checks every semantic record rule that a schema cannot: non-empty ids of at most
 * 64 characters, at least one member, member ids unique within the household, money ≥ 0,
 * disability 0–4, extra_houses ≥ 0, valid UTF-8 text, ID-number shape, and, when today is not 0,
 * birth not after today. Each broken rule adds "where: household H, member M: message" to errs,
 * with where = "file:line" (file may be NULL; a member's own m->file wins when set). Returns
 * the number of errors added. */
int bf_household_validate(const bf_household *h, const char *file, bf_date today, bf_errors *errs);
/* The same, each error placed at the value that breaks the rule through loc (NULL: at the
 * record's line), as "file:line:column: household H[, member M]: message". */
int bf__household_validate_at(const bf_household *h, const char *file, const bf_locator *loc,
                              bf_date today, bf_errors *errs);

/* Adds "file:line:column: household H[, member M]: message" to errs, placed at field of h (or
 * of m) through loc (NULL: the record's line); nothing is located once errs is full. */
void bf__field_error(bf_errors *errs, const bf_locator *loc, const char *file,
                     const bf_household *h, const bf_member *m, const char *field,
                     const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Writes "file:line:column: ", "file:line: " or "file: " (nothing without a file) into out. */
void bf__place_format(const bf_place *where, char *out, size_t size);
/* Copies v into dst (size bytes), cutting too long text at a character boundary; false when cut. */
bool bf__text_copy(char *dst, size_t size, const char *v);
/* Masks a resident ID number for printing: first 6 and last 4 characters kept, the rest '*'. */
void bf_mask_idnumber(const char *idnumber, char out[BF_IDNUMBER_LEN + 1]);

#endif
