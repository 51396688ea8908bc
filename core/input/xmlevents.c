/* xmlevents.c — the parser thread of the streaming households reader (see xmlevents.h): it
 * reads the file, gives it to libxml2 piece by piece and records what the SAX2 callbacks and
 * the error handler receive into batches, which the reader takes in order. */
#include "xmlevents.h"
#include "bangfu.h"
#include "buf.h"
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

/* Bytes read from the file at a time; one batch holds the events of one read. */
#define READ_BYTES 65536
/* Batches the parser may be ahead of the reader by. */
#define BATCHES 4

/* An event as recorded: text as offsets into its batch (which grows while it is filled). */
typedef struct rec {
    bf_xev_type type;
    long line;
    const char *name;          /* START: libxml2's copy of the local name */
    size_t uri, text, len;     /* offsets into the batch's text (uri: SIZE_MAX for none) */
    size_t attrs;              /* START: the first of its attributes in the batch's lists */
    int n_attrs, col;
    bool schema, fatal, valid;
    int64_t consumed;
} rec;

typedef struct batch {
    rec *recs;
    size_t n, cap;
    bf_buf text;               /* texts, each with its NUL */
    const char **anames;       /* attribute names, libxml2's copies */
    size_t *avalues;           /* attribute values, offsets into text */
    size_t na, acap;
    bool oom;                  /* a record could not be kept: the parse stopped there */
} batch;

struct bf_xml_events {
    /* the parser thread's */
    xmlParserCtxt *ctxt;
    xmlSchemaValidCtxt *vctxt;
    xmlSchemaSAXPlugPtr plug;
    int fd;
    char *buf;
    size_t len, at;
    int64_t consumed;
    batch *b;                  /* the batch being filled */
    /* shared, under lock */
    pthread_t thread;
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    batch *full[BATCHES];      /* filled batches, oldest first */
    int n_full;
    batch *free_list[BATCHES];
    int n_free;
    bool stop;                 /* the reader is closing */
    /* the reader's */
    batch *cur;                /* the batch being read … */
    size_t next;               /* … and its next record */
    const char **values;       /* the attribute values of the last START */
    size_t values_cap;
    bool finished;
};

/* ---- recording (parser thread) ---- */

/* Appends n bytes (and a NUL) to the batch's text; its offset, or SIZE_MAX out of memory. */
static size_t add_text(batch *b, const char *s, size_t n)
{
    size_t at = b->text.len;
    bf_buf_add(&b->text, s, n);
    bf_buf_add(&b->text, "", 1);
    if (b->text.oom) {
        b->oom = true;
        return SIZE_MAX;
    }
    return at;
}

/* A new record of type in the batch being filled, zeroed; NULL out of memory. */
static rec *add_rec(bf_xml_events *x, bf_xev_type type)
{
    batch *b = x->b;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        rec *grown = realloc(b->recs, sizeof *grown * cap);
        if (!grown) {
            b->oom = true;
            return NULL;
        }
        b->recs = grown;
        b->cap = cap;
    }
    rec *r = &b->recs[b->n++];
    memset(r, 0, sizeof *r);
    r->type = type;
    r->uri = SIZE_MAX;
    return r;
}

/* Appends an attribute to the batch's lists. */
static bool add_attr(batch *b, const char *name, size_t value)
{
    if (b->na == b->acap) {
        size_t cap = b->acap ? b->acap * 2 : 256;
        const char **names = realloc(b->anames, sizeof *names * cap);
        if (names)
            b->anames = names;
        size_t *values = names ? realloc(b->avalues, sizeof *values * cap) : NULL;
        if (!values) {
            b->oom = true;
            return false;
        }
        b->avalues = values;
        b->acap = cap;
    }
    b->anames[b->na] = name;
    b->avalues[b->na++] = value;
    return true;
}

static bf_xml_events *events_of(void *ctx)
{
    return ((xmlParserCtxt *)ctx)->_private;
}

static long parser_line(const bf_xml_events *x)
{
    return x->ctxt->input ? (long)x->ctxt->input->line : 0;
}

/* An attribute value as a tree holds it: with a reference, what libxml2 makes of it there. */
static size_t record_value(bf_xml_events *x, const xmlChar *v, const xmlChar *end)
{
    size_t n = (size_t)(end - v);
    if (!memchr(v, '&', n))
        return add_text(x->b, (const char *)v, n);
    xmlNode *list = xmlStringLenGetNodeList(x->ctxt->myDoc, v, (int)n);
    xmlChar *s = list ? xmlNodeListGetString(x->ctxt->myDoc, list, 1) : NULL;
    xmlFreeNodeList(list);
    size_t at = add_text(x->b, s ? (const char *)s : "", s ? strlen((const char *)s) : 0);
    xmlFree(s);
    return at;
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    (void)prefix, (void)nb_namespaces, (void)namespaces, (void)nb_defaulted;
    bf_xml_events *x = events_of(ctx);
    rec *r = add_rec(x, BF_XEV_START);
    if (!r)
        return;
    r->line = parser_line(x);
    r->name = (const char *)localname;
    if (uri)
        r->uri = add_text(x->b, (const char *)uri, strlen((const char *)uri));
    r->attrs = x->b->na;
    for (int i = 0; i < nb_attributes; i++) {
        const xmlChar **a = attributes + 5 * i;
        size_t v = record_value(x, a[3], a[4]);
        if (v == SIZE_MAX || !add_attr(x->b, (const char *)a[0], v))
            return;
        r = &x->b->recs[x->b->n - 1];     /* (the records did not move; the text may have) */
        r->n_attrs++;
    }
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *uri)
{
    (void)localname, (void)prefix, (void)uri;
    bf_xml_events *x = events_of(ctx);
    rec *r = add_rec(x, BF_XEV_END);
    if (r)
        r->line = parser_line(x);
}

static void on_other(bf_xml_events *x)
{
    add_rec(x, BF_XEV_OTHER);
}

static void on_text(void *ctx, const xmlChar *text, int len)
{
    (void)text, (void)len;
    on_other(events_of(ctx));
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)target, (void)data;
    on_other(events_of(ctx));
}

static void on_one(void *ctx, const xmlChar *value)
{
    (void)value;
    on_other(events_of(ctx));
}

/* libxml2's structured error handler, on the parser thread: parser and schema messages. */
static void on_message(void *arg, xmlErrorPtr err)
{
    bf_xml_events *x = arg;
    if (!err || err->level == XML_ERR_WARNING || !x->b)
        return;
    char msg[1024];
    bf__xml_clean_message(err->message, msg, sizeof msg);
    rec *r = add_rec(x, BF_XEV_MESSAGE);
    if (!r)
        return;
    r->line = err->line;
    r->col = err->int2;
    r->schema = err->domain == XML_FROM_SCHEMASV;
    r->text = add_text(x->b, msg, strlen(msg));
}

/* The schema validator's locator: the line the parser is on, as the xmlTextReader gives it. */
static int schema_locator(void *ctx, const char **file, unsigned long *line)
{
    bf_xml_events *x = ctx;
    const xmlParserInput *in = x->ctxt ? x->ctxt->input : NULL;
    if (file)
        *file = in ? in->filename : NULL;
    if (line)
        *line = in && in->line > 0 ? (unsigned long)in->line : 0;
    return in ? 0 : -1;
}

/* ---- pieces of input ---- */

/* True when the start tag ending with the '/' at offset slash of buf is a <household .../>:
 * its name, after a prefix, is "household". */
static bool empty_household_tag(const char *buf, size_t slash)
{
    const char *lt = memrchr(buf, '<', slash);
    if (!lt)
        return true;                 /* the tag began in the previous read: cut to be safe */
    size_t i = (size_t)(lt - buf) + 1;
    size_t end = i;
    while (end < slash && !strchr(" \t\r\n/", buf[end]))
        end++;
    const char *colon = memchr(buf + i, ':', end - i);
    size_t local = colon ? (size_t)(colon - buf) + 1 : i;
    return end - local == 9 && memcmp(buf + local, "household", 9) == 0;
}

/* Where the next piece of x->buf for the parser ends: just after the next '>' that may end a
 * <household> (an end tag named household, or an empty household tag), or at the end of what
 * was read. A cut elsewhere (in a comment, say) only makes one more piece. */
static size_t piece_end(const bf_xml_events *x)
{
    const char *b = x->buf;
    for (size_t i = x->at; i < x->len; i++) {
        const char *gt = memchr(b + i, '>', x->len - i);
        if (!gt)
            return x->len;
        i = (size_t)(gt - b);
        if (i > 0 && b[i - 1] == '/') {
            if (empty_household_tag(b, i - 1))
                return i + 1;
            continue;
        }
        size_t k = i;
        while (k > 0 && strchr(" \t\r\n", b[k - 1]))
            k--;
        if (k < 9 || memcmp(b + k - 9, "household", 9) == 0)
            return i + 1;            /* (a name that began in the previous read: cut anyway) */
    }
    return x->len;
}

/* ---- batches between the threads ---- */

/* Hands the batch being filled to the reader and takes an empty one, waiting for it; false
 * when the reader is closing. */
static bool publish(bf_xml_events *x, bool last)
{
    pthread_mutex_lock(&x->lock);
    x->full[x->n_full++] = x->b;
    x->b = NULL;
    pthread_cond_broadcast(&x->changed);
    while (!last && !x->stop && x->n_free == 0)
        pthread_cond_wait(&x->changed, &x->lock);
    if (!last && !x->stop)
        x->b = x->free_list[--x->n_free];
    bool go_on = !x->stop;
    pthread_mutex_unlock(&x->lock);
    return go_on && !last;
}

/* Records the end; the reader sees FINISH after everything before it. */
static void finish(bf_xml_events *x, bool fatal, bool valid)
{
    rec *r = add_rec(x, BF_XEV_FINISH);
    if (r) {
        r->fatal = fatal;
        r->valid = valid;
        r->consumed = x->consumed;
    }
    publish(x, true);
}

/* Reads the next block; its size, 0 at the end, -1 on an error (recorded). */
static ssize_t read_block(bf_xml_events *x)
{
    ssize_t n;
    do
        n = read(x->fd, x->buf, READ_BYTES);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        const char *why = strerror(errno);
        rec *r = add_rec(x, BF_XEV_IO_ERROR);
        if (r)
            r->text = add_text(x->b, why, strlen(why));
        return -1;
    }
    x->len = (size_t)n;
    x->at = 0;
    rec *r = n > 0 ? add_rec(x, BF_XEV_DATA) : NULL;
    if (r) {
        r->text = add_text(x->b, x->buf, (size_t)n);
        r->len = (size_t)n;
    }
    return n;
}

static void *parse_thread(void *arg)
{
    bf_xml_events *x = arg;
    xmlSetStructuredErrorFunc(x, on_message);      /* per thread in libxml2 */
    for (;;) {
        if (x->at == x->len) {
            if (x->b->n && !publish(x, false))
                return NULL;
            ssize_t n = read_block(x);
            if (n < 0) {
                finish(x, true, false);
                return NULL;
            }
            if (n == 0) {
                xmlParseChunk(x->ctxt, NULL, 0, 1);
                finish(x, !x->ctxt->wellFormed, xmlSchemaIsValid(x->vctxt) == 1);
                return NULL;
            }
        }
        size_t end = piece_end(x);
        int rc = xmlParseChunk(x->ctxt, x->buf + x->at, (int)(end - x->at), 0);
        x->consumed += (int64_t)(end - x->at);
        x->at = end;
        bool fatal = rc != 0 || !x->ctxt->wellFormed || x->b->oom;
        rec *r = add_rec(x, BF_XEV_PIECE);
        if (r) {
            r->fatal = fatal;
            r->consumed = x->consumed;
        }
        if (fatal || !r) {
            finish(x, true, false);
            return NULL;
        }
    }
}

/* ---- the reader's side ---- */

static void free_batch(batch *b)
{
    if (!b)
        return;
    free(b->recs);
    bf_buf_free(&b->text);
    free(b->anames);
    free(b->avalues);
    free(b);
}

int bf__xml_events_start(int fd, const char *path, xmlSchema *schema, bf_xml_events **out)
{
    *out = NULL;
    bf_xml_events *x = calloc(1, sizeof *x);
    if (!x)
        return BF_ENOMEM;
    x->fd = fd;
    x->lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    x->changed = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
    bool ok = (x->buf = malloc(READ_BYTES)) != NULL;
    for (int i = 0; ok && i < BATCHES; i++)
        ok = (x->free_list[x->n_free++] = calloc(1, sizeof(batch))) != NULL;
    /* SAX2 with libxml2's own handlers for the document, its DTD and entities, and ours for
     * elements and text: no tree is built. User data stays the parser context, as libxml2's
     * handlers expect; ours find x in _private. */
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    xmlSAXVersion(&sax, 2);
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_text;
    sax.processingInstruction = on_pi;
    sax.comment = on_one;
    sax.reference = on_one;
    sax.serror = NULL;
    if (ok && (x->ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, path)))
        x->ctxt->_private = x;
    ok = ok && x->ctxt && xmlCtxtUseOptions(x->ctxt, BF__XML_PARSE_OPTIONS) >= 0 &&
         (x->vctxt = xmlSchemaNewValidCtxt(schema));
    if (ok) {
        xmlSchemaValidateSetLocator(x->vctxt, schema_locator, x);
        ok = (x->plug = xmlSchemaSAXPlug(x->vctxt, &x->ctxt->sax, &x->ctxt->userData)) != NULL;
    }
    if (ok) {
        x->b = x->free_list[--x->n_free];
        ok = x->started = pthread_create(&x->thread, NULL, parse_thread, x) == 0;
    }
    if (!ok) {
        x->fd = -1;                  /* still the caller's */
        bf__xml_events_close(x);
        return BF_ENOMEM;
    }
    *out = x;
    return BF_OK;
}

/* Gives the batch read to the parser thread again and waits for the next one. */
static void next_batch(bf_xml_events *x)
{
    pthread_mutex_lock(&x->lock);
    if (x->cur) {
        batch *b = x->cur;
        b->n = b->na = 0;
        bf_buf_clear(&b->text);
        b->oom = false;
        x->free_list[x->n_free++] = b;
        x->cur = NULL;
        pthread_cond_broadcast(&x->changed);
    }
    while (x->n_full == 0)
        pthread_cond_wait(&x->changed, &x->lock);
    x->cur = x->full[0];
    memmove(x->full, x->full + 1, sizeof *x->full * (size_t)--x->n_full);
    pthread_mutex_unlock(&x->lock);
    x->next = 0;
}

/* The event of record r of the current batch into ev. */
static void fill_event(bf_xml_events *x, const rec *r, bf_xev *ev)
{
    const batch *b = x->cur;
    memset(ev, 0, sizeof *ev);
    ev->type = r->type;
    ev->line = r->line;
    ev->name = r->name;
    ev->uri = r->uri == SIZE_MAX ? NULL : b->text.data + r->uri;
    ev->col = r->col;
    ev->schema = r->schema;
    ev->fatal = r->fatal;
    ev->valid = r->valid;
    ev->consumed = r->consumed;
    if (r->type == BF_XEV_MESSAGE || r->type == BF_XEV_IO_ERROR)
        ev->msg = b->text.data + r->text;
    if (r->type == BF_XEV_DATA) {
        ev->data = b->text.data + r->text;
        ev->len = r->len;
    }
    if (r->type != BF_XEV_START || r->n_attrs == 0)
        return;
    if ((size_t)r->n_attrs > x->values_cap) {
        const char **grown = realloc(x->values, sizeof *grown * (size_t)r->n_attrs);
        if (!grown)
            return;                  /* (no attributes: the conversion reports them missing) */
        x->values = grown;
        x->values_cap = (size_t)r->n_attrs;
    }
    for (int i = 0; i < r->n_attrs; i++)
        x->values[i] = b->text.data + b->avalues[r->attrs + (size_t)i];
    ev->n_attrs = r->n_attrs;
    ev->names = b->anames + r->attrs;
    ev->values = x->values;
}

void bf__xml_events_next(bf_xml_events *x, bf_xev *ev)
{
    for (;;) {
        if (x->finished) {
            memset(ev, 0, sizeof *ev);
            ev->type = BF_XEV_FINISH;
            ev->fatal = true;
            return;
        }
        if (x->cur && x->next < x->cur->n) {
            fill_event(x, &x->cur->recs[x->next++], ev);
            if (ev->type == BF_XEV_FINISH)
                x->finished = true;
            return;
        }
        if (x->cur && x->cur->oom) {     /* the parse stopped where a record was lost */
            memset(ev, 0, sizeof *ev);
            ev->type = BF_XEV_IO_ERROR;
            ev->msg = strerror(ENOMEM);
            x->finished = true;
            return;
        }
        next_batch(x);
    }
}

void bf__xml_events_close(bf_xml_events *x)
{
    if (!x)
        return;
    if (x->started) {
        pthread_mutex_lock(&x->lock);
        x->stop = true;
        pthread_cond_broadcast(&x->changed);
        pthread_mutex_unlock(&x->lock);
        pthread_join(x->thread, NULL);
    }
    if (x->plug)
        xmlSchemaSAXUnplug(x->plug);
    xmlSchemaFreeValidCtxt(x->vctxt);
    if (x->ctxt) {
        xmlFreeDoc(x->ctxt->myDoc);
        x->ctxt->myDoc = NULL;
        xmlFreeParserCtxt(x->ctxt);
    }
    free_batch(x->b);
    free_batch(x->cur);
    for (int i = 0; i < x->n_full; i++)
        free_batch(x->full[i]);
    for (int i = 0; i < x->n_free; i++)
        free_batch(x->free_list[i]);
    free(x->values);
    free(x->buf);
    if (x->fd >= 0)
        close(x->fd);
    free(x);
}
