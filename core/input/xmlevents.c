/* xmlevents.c — the parser and validator threads of the streaming households reader (see
 * xmlevents.h). The parser thread reads the file, gives it to libxml2 piece by piece and records
 * what the SAX2 callbacks and the error handler receive into batches. The validator thread
 * replays each batch's events, in order, into libxml2's schema validator (the handlers
 * xmlSchemaSAXPlug gives) and adds its messages after the event that caused each, where the
 * plugged validator used to raise them (libxml2 calls the user's handler first, then the
 * validator's). The reader takes the batches in order once they are validated. */
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
/* Batches in use: being parsed into, waiting for the validator, validated, being read. */
#define BATCHES 8

/* What an OTHER event was, for the validator. */
typedef enum { OTHER_NONE, OTHER_TEXT, OTHER_CDATA, OTHER_REFERENCE } other_kind;

/* An event as recorded: text as offsets into its batch (which grows while it is filled). */
typedef struct rec {
    bf_xev_type type;
    long line;
    const char *name, *prefix, *uri;   /* START, END: libxml2's copies (its dictionary's, which
                                * live as long as the parser: the validator keeps them) */
    size_t text, len;          /* offsets into the batch's text; OTHER: its text (or reference
                                * name) and length */
    size_t attrs;              /* START: the first of its attributes in the batch's list … */
    size_t ns;                 /* … and of its namespace declarations (prefix, URI pairs) */
    int n_attrs, n_ns, n_defaulted, col;
    other_kind other;
    bool schema, fatal, valid;
    int64_t consumed;
} rec;

/* An attribute of a START: its names, its value as a tree holds it (references resolved) and
 * as the parser gave it (for the validator; the same text when it holds no reference). */
typedef struct attr_rec {
    const char *name, *prefix, *uri;   /* libxml2's copies; prefix and uri may be NULL */
    size_t value, raw, raw_len;        /* offsets into the batch's text */
} attr_rec;

/* A schema message, delivered before record `at` of its batch (after the event it is about). */
typedef struct vmsg {
    size_t at, text;
    long line;
    int col;
    bool schema;               /* a schema validity message (as err->domain says) */
} vmsg;

typedef struct batch {
    rec *recs;
    size_t n, cap;
    bf_buf text;               /* texts, each with its NUL */
    attr_rec *attrs;
    size_t na, acap;
    const char **ns;           /* namespace declarations: prefix, URI, prefix, URI, … */
    size_t nns, nscap;
    vmsg *vmsgs;               /* the validator's messages, in order */
    size_t nv, vcap;
    bool last;                 /* the parser's last batch */
    bool oom;                  /* a record could not be kept: the parse stopped there */
} batch;

struct bf_xml_events {
    /* the parser thread's */
    xmlParserCtxt *ctxt;
    int fd;
    char *buf;
    size_t len, at;
    int64_t consumed;
    batch *b;                  /* the batch being filled */
    /* the validator thread's */
    xmlSchemaValidCtxt *vctxt;
    xmlSchemaSAXPlugPtr plug;
    xmlSAXHandler *vsax;       /* the validator's handlers (xmlSchemaSAXPlug without a user's) */
    void *vuser;
    batch *vb;                 /* the batch being validated … */
    size_t vat;                /* … and the record after the one being replayed */
    long vline;                /* the line of the event being replayed (the locator's) */
    const xmlChar **vattrs;    /* the attributes of a START, as libxml2's SAX2 passes them */
    size_t vattrs_cap;
    /* shared, under lock */
    pthread_t thread, vthread;
    bool started, vstarted;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    batch *parsed[BATCHES];    /* filled batches waiting for the validator, oldest first */
    int n_parsed;
    batch *full[BATCHES];      /* validated batches, oldest first */
    int n_full;
    batch *free_list[BATCHES];
    int n_free;
    bool stop;                 /* the reader is closing */
    /* the reader's */
    batch *cur;                /* the batch being read … */
    size_t next, next_msg;     /* … its next record and its next schema message */
    const char **names, **values;  /* the attribute names and values of the last START */
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
    return r;
}

/* Appends an attribute to the batch's list. */
static bool add_attr(batch *b, const attr_rec *a)
{
    if (b->na == b->acap) {
        size_t cap = b->acap ? b->acap * 2 : 256;
        attr_rec *grown = realloc(b->attrs, sizeof *grown * cap);
        if (!grown) {
            b->oom = true;
            return false;
        }
        b->attrs = grown;
        b->acap = cap;
    }
    b->attrs[b->na++] = *a;
    return true;
}

/* Appends a namespace declaration (prefix, URI) to the batch's list. */
static bool add_ns(batch *b, const char *prefix, const char *uri)
{
    if (b->nns + 2 > b->nscap) {
        size_t cap = b->nscap ? b->nscap * 2 : 64;
        const char **grown = realloc(b->ns, sizeof *grown * cap);
        if (!grown) {
            b->oom = true;
            return false;
        }
        b->ns = grown;
        b->nscap = cap;
    }
    b->ns[b->nns++] = prefix;
    b->ns[b->nns++] = uri;
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
    xmlNode *list = xmlStringLenGetNodeList(x->ctxt->myDoc, v, (int)n);
    xmlChar *s = list ? xmlNodeListGetString(x->ctxt->myDoc, list, 1) : NULL;
    xmlFreeNodeList(list);
    size_t at = add_text(x->b, s ? (const char *)s : "", s ? strlen((const char *)s) : 0);
    xmlFree(s);
    return at;
}

/* Records attribute a (libxml2's five pointers) of the START being recorded. */
static bool record_attr(bf_xml_events *x, const xmlChar **a)
{
    size_t n = (size_t)(a[4] - a[3]);
    attr_rec ar = {(const char *)a[0], (const char *)a[1], (const char *)a[2], 0, 0, n};
    ar.raw = add_text(x->b, (const char *)a[3], n);
    ar.value = memchr(a[3], '&', n) ? record_value(x, a[3], a[4]) : ar.raw;
    return ar.raw != SIZE_MAX && ar.value != SIZE_MAX && add_attr(x->b, &ar);
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    bf_xml_events *x = events_of(ctx);
    rec *r = add_rec(x, BF_XEV_START);
    if (!r)
        return;
    r->line = parser_line(x);
    r->name = (const char *)localname;
    r->prefix = (const char *)prefix;
    r->n_defaulted = nb_defaulted;
    r->uri = (const char *)uri;
    r->ns = x->b->nns;
    for (int i = 0; i < nb_namespaces; i++) {
        if (!add_ns(x->b, (const char *)namespaces[2 * i], (const char *)namespaces[2 * i + 1]))
            return;
        x->b->recs[x->b->n - 1].n_ns++;   /* (the records did not move) */
    }
    r->attrs = x->b->na;
    for (int i = 0; i < nb_attributes; i++) {
        if (!record_attr(x, attributes + 5 * i))
            return;
        x->b->recs[x->b->n - 1].n_attrs++;
    }
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *uri)
{
    bf_xml_events *x = events_of(ctx);
    rec *r = add_rec(x, BF_XEV_END);
    if (!r)
        return;
    r->line = parser_line(x);
    r->name = (const char *)localname;
    r->prefix = (const char *)prefix;
    r->uri = (const char *)uri;
}

/* An OTHER event of kind `other` with its text (or reference name) s of len bytes. */
static void on_other(bf_xml_events *x, other_kind other, const xmlChar *s, size_t len)
{
    rec *r = add_rec(x, BF_XEV_OTHER);
    if (!r)
        return;
    r->line = parser_line(x);
    r->other = other;
    if (other != OTHER_NONE) {
        size_t at = add_text(x->b, (const char *)s, len);
        r = &x->b->recs[x->b->n - 1];
        r->text = at;
        r->len = len;
    }
}

static void on_text(void *ctx, const xmlChar *text, int len)
{
    on_other(events_of(ctx), OTHER_TEXT, text, (size_t)len);
}

static void on_cdata(void *ctx, const xmlChar *text, int len)
{
    on_other(events_of(ctx), OTHER_CDATA, text, (size_t)len);
}

static void on_reference(void *ctx, const xmlChar *name)
{
    on_other(events_of(ctx), OTHER_REFERENCE, name, strlen((const char *)name));
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)target, (void)data;
    on_other(events_of(ctx), OTHER_NONE, NULL, 0);
}

static void on_comment(void *ctx, const xmlChar *value)
{
    (void)value;
    on_other(events_of(ctx), OTHER_NONE, NULL, 0);
}

/* libxml2's structured error handler on the parser thread: the parser's messages. */
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

/* ---- the validator thread ---- */

/* libxml2's structured error handler on the validator thread: the schema's messages, kept
 * after the event being replayed. */
static void on_schema_message(void *arg, xmlErrorPtr err)
{
    bf_xml_events *x = arg;
    batch *b = x->vb;
    if (!err || err->level == XML_ERR_WARNING || !b)
        return;
    char msg[1024];
    bf__xml_clean_message(err->message, msg, sizeof msg);
    if (b->nv == b->vcap) {
        size_t cap = b->vcap ? b->vcap * 2 : 16;
        vmsg *grown = realloc(b->vmsgs, sizeof *grown * cap);
        if (!grown) {
            b->oom = true;
            return;
        }
        b->vmsgs = grown;
        b->vcap = cap;
    }
    size_t text = add_text(b, msg, strlen(msg));
    if (text != SIZE_MAX)
        b->vmsgs[b->nv++] = (vmsg){x->vat, text, err->line, err->int2,
                                   err->domain == XML_FROM_SCHEMASV};
}

/* The schema validator's locator: the line the parser was on at the event being replayed, as
 * it was when the validator was plugged into the parser. */
static int schema_locator(void *ctx, const char **file, unsigned long *line)
{
    bf_xml_events *x = ctx;
    const xmlParserInput *in = x->ctxt ? x->ctxt->input : NULL;
    if (file)
        *file = in ? in->filename : NULL;
    if (line)
        *line = x->vline > 0 ? (unsigned long)x->vline : 0;
    return in ? 0 : -1;
}

/* Replays a START into the validator: its attributes as libxml2's SAX2 passes them. */
static void replay_start(bf_xml_events *x, const batch *b, const rec *r)
{
    size_t need = 5 * (size_t)r->n_attrs + 1;
    if (need > x->vattrs_cap) {
        const xmlChar **grown = realloc(x->vattrs, sizeof *grown * need);
        if (!grown) {
            x->vb->oom = true;
            return;
        }
        x->vattrs = grown;
        x->vattrs_cap = need;
    }
    for (int i = 0; i < r->n_attrs; i++) {
        const attr_rec *a = &b->attrs[r->attrs + (size_t)i];
        const xmlChar *raw = (const xmlChar *)b->text.data + a->raw;
        const xmlChar **v = x->vattrs + 5 * i;
        v[0] = (const xmlChar *)a->name;
        v[1] = (const xmlChar *)a->prefix;
        v[2] = (const xmlChar *)a->uri;
        v[3] = raw;
        v[4] = raw + a->raw_len;
    }
    x->vsax->startElementNs(x->vuser, (const xmlChar *)r->name, (const xmlChar *)r->prefix,
                            (const xmlChar *)r->uri, r->n_ns,
                            r->n_ns ? (const xmlChar **)(b->ns + r->ns) : NULL, r->n_attrs,
                            r->n_defaulted,
                            x->vattrs);
}

/* Replays record r of batch b into the validator, as the plug passed the event to it. */
static void replay(bf_xml_events *x, const batch *b, const rec *r)
{
    const xmlChar *text = r->type == BF_XEV_OTHER && r->other != OTHER_NONE
                          ? (const xmlChar *)b->text.data + r->text : NULL;
    x->vline = r->line;
    switch (r->type) {
    case BF_XEV_START:
        replay_start(x, b, r);
        break;
    case BF_XEV_END:
        x->vsax->endElementNs(x->vuser, (const xmlChar *)r->name, (const xmlChar *)r->prefix,
                              (const xmlChar *)r->uri);
        break;
    case BF_XEV_OTHER:
        if (r->other == OTHER_TEXT)
            x->vsax->characters(x->vuser, text, (int)r->len);
        else if (r->other == OTHER_CDATA)
            x->vsax->cdataBlock(x->vuser, text, (int)r->len);
        else if (r->other == OTHER_REFERENCE)
            x->vsax->reference(x->vuser, text);
        break;
    default:
        break;
    }
}

/* Takes the oldest parsed batch, waiting for it; NULL when the reader is closing. */
static batch *take_parsed(bf_xml_events *x)
{
    pthread_mutex_lock(&x->lock);
    while (x->n_parsed == 0 && !x->stop)
        pthread_cond_wait(&x->changed, &x->lock);
    batch *b = NULL;
    if (!x->stop) {
        b = x->parsed[0];
        memmove(x->parsed, x->parsed + 1, sizeof *x->parsed * (size_t)--x->n_parsed);
    }
    pthread_mutex_unlock(&x->lock);
    return b;
}

static void *validate_thread(void *arg)
{
    bf_xml_events *x = arg;
    xmlSetStructuredErrorFunc(x, on_schema_message);     /* per thread in libxml2 */
    for (;;) {
        batch *b = take_parsed(x);
        if (!b)
            return NULL;
        x->vb = b;
        for (size_t i = 0; i < b->n; i++) {
            x->vat = i + 1;
            replay(x, b, &b->recs[i]);
            if (b->recs[i].type == BF_XEV_FINISH && !b->recs[i].fatal)
                b->recs[i].valid = xmlSchemaIsValid(x->vctxt) == 1;
        }
        x->vb = NULL;
        bool last = b->last;
        pthread_mutex_lock(&x->lock);
        x->full[x->n_full++] = b;
        pthread_cond_broadcast(&x->changed);
        pthread_mutex_unlock(&x->lock);
        if (last)
            return NULL;
    }
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

/* Hands the batch being filled to the validator and takes an empty one, waiting for it; false
 * when the reader is closing. */
static bool publish(bf_xml_events *x, bool last)
{
    pthread_mutex_lock(&x->lock);
    x->b->last = last;
    x->parsed[x->n_parsed++] = x->b;
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

/* Records the end; the reader sees FINISH after everything before it (valid: the validator
 * sets it). */
static void finish(bf_xml_events *x, bool fatal)
{
    rec *r = add_rec(x, BF_XEV_FINISH);
    if (r) {
        r->fatal = fatal;
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
                finish(x, true);
                return NULL;
            }
            if (n == 0) {
                xmlParseChunk(x->ctxt, NULL, 0, 1);
                finish(x, !x->ctxt->wellFormed);
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
            finish(x, true);
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
    free(b->attrs);
    free(b->ns);
    free(b->vmsgs);
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
    sax.cdataBlock = on_cdata;
    sax.processingInstruction = on_pi;
    sax.comment = on_comment;
    sax.reference = on_reference;
    sax.serror = NULL;
    if (ok && (x->ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, path)))
        x->ctxt->_private = x;
    ok = ok && x->ctxt && xmlCtxtUseOptions(x->ctxt, BF__XML_PARSE_OPTIONS) >= 0 &&
         (x->vctxt = xmlSchemaNewValidCtxt(schema));
    if (ok) {
        /* the validator's own handlers, called by validate_thread with the recorded events */
        xmlSchemaValidateSetLocator(x->vctxt, schema_locator, x);
        ok = (x->plug = xmlSchemaSAXPlug(x->vctxt, &x->vsax, &x->vuser)) != NULL && x->vsax;
    }
    if (ok)
        ok = x->vstarted = pthread_create(&x->vthread, NULL, validate_thread, x) == 0;
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

/* Gives the batch read to the parser thread again and waits for the next validated one. */
static void next_batch(bf_xml_events *x)
{
    pthread_mutex_lock(&x->lock);
    if (x->cur) {
        batch *b = x->cur;
        b->n = b->na = b->nns = b->nv = 0;
        bf_buf_clear(&b->text);
        b->oom = b->last = false;
        x->free_list[x->n_free++] = b;
        x->cur = NULL;
        pthread_cond_broadcast(&x->changed);
    }
    while (x->n_full == 0)
        pthread_cond_wait(&x->changed, &x->lock);
    x->cur = x->full[0];
    memmove(x->full, x->full + 1, sizeof *x->full * (size_t)--x->n_full);
    pthread_mutex_unlock(&x->lock);
    x->next = x->next_msg = 0;
}

/* The attributes of START record r of the current batch into ev. */
static void fill_attributes(bf_xml_events *x, const rec *r, bf_xev *ev)
{
    const batch *b = x->cur;
    if ((size_t)r->n_attrs > x->values_cap) {
        size_t cap = (size_t)r->n_attrs;
        const char **names = realloc(x->names, sizeof *names * cap);
        if (names)
            x->names = names;
        const char **values = names ? realloc(x->values, sizeof *values * cap) : NULL;
        if (!values)
            return;                  /* (no attributes: the conversion reports them missing) */
        x->values = values;
        x->values_cap = cap;
    }
    for (int i = 0; i < r->n_attrs; i++) {
        const attr_rec *a = &b->attrs[r->attrs + (size_t)i];
        x->names[i] = a->name;
        x->values[i] = b->text.data + a->value;
    }
    ev->n_attrs = r->n_attrs;
    ev->names = x->names;
    ev->values = x->values;
}

/* The event of record r of the current batch into ev. */
static void fill_event(bf_xml_events *x, const rec *r, bf_xev *ev)
{
    const batch *b = x->cur;
    memset(ev, 0, sizeof *ev);
    ev->type = r->type;
    ev->line = r->line;
    ev->name = r->name;
    ev->uri = r->uri;
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
    if (r->type == BF_XEV_START && r->n_attrs > 0)
        fill_attributes(x, r, ev);
}

/* The validator's message m of the current batch into ev. */
static void fill_schema_message(const bf_xml_events *x, const vmsg *m, bf_xev *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->type = BF_XEV_MESSAGE;
    ev->line = m->line;
    ev->col = m->col;
    ev->schema = m->schema;
    ev->msg = x->cur->text.data + m->text;
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
        batch *b = x->cur;
        if (b && x->next_msg < b->nv && b->vmsgs[x->next_msg].at <= x->next) {
            fill_schema_message(x, &b->vmsgs[x->next_msg++], ev);
            return;
        }
        if (b && x->next < b->n) {
            fill_event(x, &b->recs[x->next++], ev);
            if (ev->type == BF_XEV_FINISH)
                x->finished = true;
            return;
        }
        if (b && b->oom) {               /* the parse stopped where a record was lost */
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
    pthread_mutex_lock(&x->lock);
    x->stop = true;
    pthread_cond_broadcast(&x->changed);
    pthread_mutex_unlock(&x->lock);
    if (x->started)
        pthread_join(x->thread, NULL);
    if (x->vstarted)
        pthread_join(x->vthread, NULL);
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
    for (int i = 0; i < x->n_parsed; i++)
        free_batch(x->parsed[i]);
    for (int i = 0; i < x->n_full; i++)
        free_batch(x->full[i]);
    for (int i = 0; i < x->n_free; i++)
        free_batch(x->free_list[i]);
    free(x->vattrs);
    free(x->names);
    free(x->values);
    free(x->buf);
    if (x->fd >= 0)
        close(x->fd);
    free(x);
}
