/* xmltext.h — the last bytes an XML parser read, kept to find a tag or an attribute in them
 * again: libxml2 keeps the line of an element, not the column of an attribute, so the reader
 * finds a value's place in the text itself (only when an error names it). */
#ifndef BF_XMLTEXT_H
#define BF_XMLTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* The most bytes a window keeps. */
#define BF_XML_WINDOW_CAP (2 << 20)

typedef struct bf_xml_window {
    char *buf;             /* BF_XML_WINDOW_CAP bytes, allocated by the owner (NULL: none kept) */
    size_t len;
    long line0;            /* the line buf[0] is on */
    bool at_line_start;    /* buf[0] begins line0 (nothing of that line was dropped) */
} bf_xml_window;

/* Appends n bytes just read, dropping the oldest half of the window when it is full. */
void bf__xml_window_keep(bf_xml_window *w, const char *bytes, size_t n);
/* The offset of the start of line `line` in the window, or -1 when it does not hold it. */
long bf__xml_window_line_start(const bf_xml_window *w, long line);
/* Line and column (characters from 1) of offset off; column 0 when the start of its line is
 * no longer held. */
void bf__xml_window_position(const bf_xml_window *w, size_t off, long *line, long *column);
/* True when a start tag of element `name` (any prefix) begins at offset i. */
bool bf__xml_window_start_tag_at(const bf_xml_window *w, size_t i, const char *name);
/* The offset of the next start tag of `name` at or after i, skipping comments, processing
 * instructions and CDATA; -1 when the window holds none. */
long bf__xml_window_next_start_tag(const bf_xml_window *w, size_t i, const char *name);
/* The offset of attribute attr's name in the start tag at offset tag, or -1. */
long bf__xml_window_attribute(const bf_xml_window *w, size_t tag, const char *attr);

#endif
