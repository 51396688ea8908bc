/* xmlout.h — writing an XML document (libxml2's xmlTextWriter, UTF-8, indented): one writer for
 * every XML the program writes (gen's households, export's runs). Calls after a failure do
 * nothing; the close reports the first failure. */
#ifndef BF_XMLOUT_H
#define BF_XMLOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include <stdint.h>

#include "money.h"

typedef struct bf_xml_out bf_xml_out;

/* Creates path (NULL: standard output, which is flushed but not closed) and writes the XML
 * declaration and the root element with its namespace. BF_OK, or BF_EIO / BF_ENOMEM with
 * "path: cannot create: reason" in errs. */
int bf_xml_out_open(const char *path, const char *root, const char *ns, bf_xml_out **out,
                    bf_errors *errs);
/* Starts an element inside the current one. */
void bf_xml_out_start(bf_xml_out *x, const char *element);
/* Ends the current element. */
void bf_xml_out_end(bf_xml_out *x);
/* An attribute of the element just started; nothing for a NULL value. Bytes XML 1.0 cannot
 * carry (control characters, malformed UTF-8, U+FFFE, U+FFFF) are written as U+FFFD. */
void bf_xml_out_attr(bf_xml_out *x, const char *name, const char *value);
/* An integer attribute. */
void bf_xml_out_attr_int(bf_xml_out *x, const char *name, int64_t v);
/* A money attribute in yuan with two decimals. */
void bf_xml_out_attr_money(bf_xml_out *x, const char *name, bf_fen v);
/* A flag attribute: true or false. */
void bf_xml_out_attr_bool(bf_xml_out *x, const char *name, bool v);
/* <name>text</name>, the text made safe as attributes are. */
void bf_xml_out_text_element(bf_xml_out *x, const char *name, const char *text);
/* Whether every write so far succeeded. */
bool bf_xml_out_ok(const bf_xml_out *x);
/* Closes every open element and the document, flushes, closes the file and frees. BF_OK, or
 * BF_EIO with "path: write failed: reason" in errs. NULL is allowed. */
int bf_xml_out_close(bf_xml_out *x, bf_errors *errs);

#endif
