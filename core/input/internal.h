/* internal.h — input's private side: what the XML files of core/input (xmlio.c, xmlreader.c)
 * share. Only files of core/input include it. */
#ifndef BF_INPUT_INTERNAL_H
#define BF_INPUT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

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

#endif
