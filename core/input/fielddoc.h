/* fielddoc.h — what each household and member field is, for people and editors: its type, its
 * values and its meaning (in Chinese), in the order of household.h's field lists. The handbook
 * (bangfu doc), the editor annotations (doc --lua-defs) and lint read them. */
#ifndef BF_FIELDDOC_H
#define BF_FIELDDOC_H

#include "household.h"

/* The Lua type a script sees for a field. */
typedef enum { BF_LUA_STRING, BF_LUA_NUMBER, BF_LUA_INTEGER, BF_LUA_BOOLEAN } bf_lua_type;

typedef struct bf_field_doc {
    const char *name;        /* as the scripts read it: h.wage, m.relation */
    bf_lua_type lua;
    int enum_kind;           /* a bf_enum_kind, or -1 */
    bool optional;           /* may be nil in a script (previous only) */
    const char *type;        /* in words: "金额（元/年）" */
    const char *meaning;
} bf_field_doc;

/* The documented fields of a record kind (h also has members), *n of them. */
const bf_field_doc *bf_field_docs(bf_record_kind kind, int *n);
/* The documentation of field name of kind, or NULL. */
const bf_field_doc *bf_field_doc_find(bf_record_kind kind, const char *name);

#endif
