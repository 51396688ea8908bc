/* internal.h — input's private side: what the XML files of core/input (xmlio.c, xmlreader.c,
 * xmlconvert.c, xmlevents.c) share. Only files of core/input include it. */
#ifndef BF_INPUT_INTERNAL_H
#define BF_INPUT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "errors.h"
#include "household.h"

/* Options for every document read here: no network, no external entities or DTDs loaded,
 * line numbers past 65535 kept (see bf_xml_line). Blanks are kept on purpose: bf_xml_line
 * reads the big line numbers libxml2 stores only on text nodes. */
#define BF__XML_PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES)

/* Copies a libxml2 message without its trailing newline and without the "{urn:bangfu:…}"
 * namespace in element names, which only makes the message harder to read. */
void bf__xml_clean_message(const char *in, char *out, size_t size);
/* "file:line:col: " or "file:line: " or "file: " into where. */
void bf__xml_where(char *where, size_t size, const char *file, long line, int col);
/* Copies the text between the quotes after key in msg ("Element 'member'") into out. */
bool bf__xml_quoted_after(const char *msg, const char *key, char *out, size_t size);
/* The rule a libxml2 schema message msg states, rephrased for element (and attribute attr). */
void bf__xml_rephrase(const char *msg, const char *element, const char *attr, char *out,
                      size_t size);
/* The line of a text node, including the big line numbers of XML_PARSE_BIG_LINES. */
long bf__xml_text_line(const xmlNode *t);

/* ---- XML attributes into records (xmlconvert.c) ---- */

/* A conversion in progress: where errors go and what they name. */
typedef struct bf__conv {
    const char *file;
    bf_errors *errs;
    bf_household *h;
    bf_member *m;        /* the member being converted, or NULL */
    int count;           /* errors added */
    bool too_many;       /* "more than 64 members" was reported */
    /* places element el (its attribute attr, when not NULL) in the text; NULL: lines only */
    void (*place)(void *ctx, int el, const char *attr, bf_place *where);
    void *place_ctx;
    int el;              /* the element being converted (for place; -1: none) … */
    const char *attr;    /* … and its attribute */
} bf__conv;

/* Adds "where: household H[, member M]: message" to c->errs, placed through c->place. */
void bf__conv_error(bf__conv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The record field an attribute of element maps to, or -1 (an unknown attribute). */
int bf__xml_field_of(bf_record_kind kind, const char *element, const char *attr);
/* Where household field `field` sits: *element (NULL: <household> itself) and *attr; false for
 * a field that is no household field. */
bool bf__xml_field_in(const char *field, const char **element, const char **attr);
/* Converts attribute name="value" of element, field i (bf__xml_field_of) of the record at base;
 * an unknown attribute (i < 0) is an error. *seen collects the fields given. */
void bf__conv_attr(bf__conv *c, bf_record_kind kind, const char *element, char *base,
                   const char *name, int i, const char *value, uint64_t *seen);
/* After the attributes of element: the required fields it did not give are errors. */
void bf__conv_required(bf__conv *c, bf_record_kind kind, const char *element, char *base,
                       uint64_t seen);
/* Adds a member at line to c's household, or reports (once) that it cannot; NULL then. */
bf_member *bf__conv_member(bf__conv *c, long line);
/* True for the child elements of <household> whose attributes are household fields. */
bool bf__xml_household_part(const char *name);

#endif
