/* xmlwrite.h — the households writer (urn:bangfu:households:1), as `bangfu gen --out` uses it;
 * written through the program's one XML writer (xmlout.h). */
#ifndef BF_XMLWRITE_H
#define BF_XMLWRITE_H

#include "errors.h"
#include "household.h"

typedef struct bf_xml_writer bf_xml_writer;

/* Creates path and writes the XML declaration and <households xmlns="urn:bangfu:households:1">. */
int bf_xml_writer_open(const char *path, bf_xml_writer **out, bf_errors *errs);
/* Writes one household with its members; output must re-import to an identical record. */
int bf_xml_write_household(bf_xml_writer *w, const bf_household *h);
/* Closes the root, flushes and frees; reports any earlier write failure. */
int bf_xml_writer_close(bf_xml_writer *w, bf_errors *errs);

#endif
