/* xmlio.h — libxml2 readers: embedded XSD schemas, the streaming households reader, a loader for small
 * validated documents. */
#ifndef BF_XMLIO_H
#define BF_XMLIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "errors.h"
#include "household.h"

/* Namespaces of the XML formats (README, Formats). */
#define BF_NS_HOUSEHOLDS "urn:bangfu:households:1"
#define BF_NS_PARAMETERS "urn:bangfu:parameters:1"
#define BF_NS_SCENARIO   "urn:bangfu:scenario:1"
#define BF_NS_CASES      "urn:bangfu:cases:1"
#define BF_NS_EXPORT     "urn:bangfu:export:1"
#define BF_NS_AREAS      "urn:bangfu:areas:1"

/* The schemas shipped inside the binary (the .xsd files of core/input/schemas, embedded by core/input/schemas.S). */
typedef enum {
    BF_XSD_HOUSEHOLDS,   /* <households xmlns="urn:bangfu:households:1"> */
    BF_XSD_PARAMETERS,   /* <parameters xmlns="urn:bangfu:parameters:1"> */
    BF_XSD_SCENARIO,     /* <scenario xmlns="urn:bangfu:scenario:1"> */
    BF_XSD_CASES,        /* <cases xmlns="urn:bangfu:cases:1"> */
    BF_XSD_EXPORT,       /* <export xmlns="urn:bangfu:export:1"> (bangfu export --format xml) */
    BF_XSD_AREAS,        /* <areas xmlns="urn:bangfu:areas:1"> (policies/areas.xml) */
    BF_XSD__N
} bf_xml_schema;

/* ---- Schemas ---- */

/* The embedded text of a schema file by name ("households.xsd", "household-types.xsd", …);
 * NULL when there is no such schema. *len (may be NULL) receives its length in bytes. */
const char *bf_xml_schema_text(const char *name, size_t *len);
/* Compiles (once per process, thread-safe) and returns a schema; the result is shared and
 * read-only, never free it. BF_OK, or BF_EINPUT with messages in errs (a broken embedded XSD). */
int bf_xml_schema_get(bf_xml_schema which, xmlSchema **schema, bf_errors *errs);
/* Frees the compiled schemas (at exit; optional). */
void bf_xml_cleanup(void);

/* ---- Small validated documents (parameters, scenarios, cases) ---- */

/* Parses path into a whole tree with line numbers and validates it against a schema.
 * BF_OK and *out (free with xmlFreeDoc), or BF_EINPUT/BF_EIO with "file:line:column: message"
 * entries in errs and *out = NULL. Network access and external entities are disabled. */
int bf_xml_load(const char *path, bf_xml_schema which, xmlDoc **out, bf_errors *errs);
/* The same from a buffer; name is used in messages (and as the document URL). */
int bf_xml_load_memory(const char *buf, size_t len, const char *name, bf_xml_schema which,
                       xmlDoc **out, bf_errors *errs);
/* The source line of a node, correct past line 65535 for the documents read here. */
long bf_xml_line(const xmlNode *node);

/* ---- Households ---- */

/* Converts one <household> element (any namespace: households or cases) with its children
 * into h (reset first); sets h->line and each m->line. Values that do not convert (money with
 * 3 decimals, 2021-02-29, unknown enum value, text too long for its field) add
 * "file:line: household H[, member M]: message" to errs. Returns the number of errors added.
 * The record rules (bf_household_validate) are not applied here. */
int bf_xml_household_from_node(xmlNode *node, bf_household *h, const char *file, bf_errors *errs);

/* Streaming reader over a households file, validating against the schema while it reads (the
 * parsing and validation on a thread of their own, xmlevents.h); memory stays flat whatever
 * the size of the file. */
typedef struct bf_xml_reader bf_xml_reader;

/* Opens path for reading; XML and schema errors found later go to errs (which must outlive the
 * reader) as "file:line:column: household H[, member M]: message". BF_OK, or BF_EIO. */
int bf_xml_reader_open(const char *path, bf_errors *errs, bf_xml_reader **out);
/* Reads the next household into h. Returns BF_OK with *got = true and *clean = whether the
 * household had no XML, schema or conversion error; *got = false at the end of the file.
 * Returns BF_EINPUT when the file cannot be read further (malformed XML; reported in errs). */
int bf_xml_reader_next(bf_xml_reader *r, bf_household *h, bool *got, bool *clean);
/* A locator for the household bf_xml_reader_next returned last, valid until the next call: it
 * places a field at its attribute (file:line:column; a default value at its element). */
bf_locator bf__xml_reader_locator(bf_xml_reader *r);
/* Bytes of the file consumed so far and its total size (for progress). */
void bf__xml_reader_progress(const bf_xml_reader *r, int64_t *done, int64_t *total);
/* Frees the reader and closes the file. NULL is allowed. */
void bf_xml_reader_close(bf_xml_reader *r);

/* (The households writer is in xmlwrite.h.) */

#endif
