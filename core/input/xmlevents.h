/* xmlevents.h — a households file parsed on a thread of its own by libxml2's SAX2 parser and
 * validated on another by libxml2's schema validator (the handlers of xmlSchemaSAXPlug, given
 * the recorded events), its events and messages in order for the streaming reader
 * (xmlreader.c), which converts and places them meanwhile. */
#ifndef BF_XMLEVENTS_H
#define BF_XMLEVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/xmlschemas.h>

typedef enum {
    BF_XEV_DATA,      /* bytes read from the file, before the events they cause */
    BF_XEV_START,     /* a start tag */
    BF_XEV_END,       /* an end tag */
    BF_XEV_OTHER,     /* text, a comment, a processing instruction, a reference */
    BF_XEV_MESSAGE,   /* a libxml2 message (parser or schema) */
    BF_XEV_IO_ERROR,  /* the file could not be read further (msg: the system's words) */
    BF_XEV_PIECE,     /* the parser took one piece of input (cut after each tag that may end
                       * a <household>): it has validated what came before */
    BF_XEV_FINISH     /* the end: no event follows */
} bf_xev_type;

/* One event; its text stays valid until the next bf__xml_events_next. */
typedef struct bf_xev {
    bf_xev_type type;
    long line;                   /* where the parser was (START, END); the message's line */
    const char *name, *uri;      /* START: local name and namespace URI (NULL: none); names
                                  * are libxml2's one copy of each (compare by address) */
    int n_attrs;                 /* START: attribute names[i] = values[i], values as a tree
                                  * holds them (references resolved) */
    const char *const *names, *const *values;
    const char *msg;             /* MESSAGE, IO_ERROR */
    int col;                     /* MESSAGE: its column, 0 when none */
    bool schema;                 /* MESSAGE: a schema validity message */
    const char *data;            /* DATA */
    size_t len;
    int64_t consumed;            /* PIECE, FINISH: bytes given to the parser so far */
    bool fatal;                  /* PIECE, FINISH: the file is not well-formed: parsing stopped */
    bool valid;                  /* FINISH: the schema found no error */
} bf_xev;

typedef struct bf_xml_events bf_xml_events;

/* Starts parsing fd (read from its start; closed by bf__xml_events_close) and validating it
 * against schema, path naming it. BF_OK, or BF_ENOMEM (nothing started, fd left open). */
int bf__xml_events_start(int fd, const char *path, xmlSchema *schema, bf_xml_events **out);
/* The next event, waiting for it. After FINISH it returns FINISH again. */
void bf__xml_events_next(bf_xml_events *x, bf_xev *ev);
/* Stops the parser and validator threads wherever they are and frees everything (NULL
 * allowed). */
void bf__xml_events_close(bf_xml_events *x);

#endif
