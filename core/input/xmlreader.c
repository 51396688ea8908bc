/* xmlreader.c — the streaming households reader: each <household> converted into a record as
 * it is read, validated against the schema on the way, every error placed at its household,
 * member, line and column. */
#include "xmlio.h"
#include "i18n.h"
#include "bangfu.h"
#include "internal.h"
#include "xmltext.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

/* ======================================================================== */
/* <household> element → bf_household                                       */
/* ======================================================================== */

/* A conversion in progress: where errors go and what they name. */
typedef struct conv {
    const char *file;
    bf_errors *errs;
    bf_household *h;
    bf_member *m;        /* the member being converted, or NULL */
    int count;           /* errors added */
    bool too_many;       /* "more than 64 members" was reported */
    bf_xml_reader *r;    /* the streaming reader, whose text places errors; NULL: lines only */
    xmlNode *node;       /* the element being converted … */
    const char *attr;    /* … and its attribute, for the column */
} conv;

static void place_in_text(const bf_xml_reader *r, const bf_household *h, xmlNode *node,
                          const char *attr, bf_place *where);
static void place_node(const bf_xml_reader *r, const bf_household *h, xmlNode *node,
                       const char *attr, bf_place *where);

static void __attribute__((format(printf, 2, 3))) conv_error(conv *c, const char *fmt, ...)
{
    char msg[768], where[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long line = c->m && c->m->line ? c->m->line : c->h->line;
    bf_place place = {c->file ? c->file : "(input)", line, 0};
    if (c->r && c->node)
        place_node(c->r, c->h, c->node, c->attr, &place);
    bf_place_format(&place, where, sizeof where);
    const char *hid = c->h->id[0] ? c->h->id : _("(no id)");
    if (c->m)
        bf_errors_add(c->errs, _("%shousehold %s, member %s: %s"), where, hid,
                      c->m->id[0] ? c->m->id : _("(no id)"), msg);
    else
        bf_errors_add(c->errs, _("%shousehold %s: %s"), where, hid, msg);
    c->count++;
}

/* The text of an attribute; *to_free is set when it had to be assembled. */
static const char *attr_text(const xmlAttr *a, xmlChar **to_free)
{
    const xmlNode *t = a->children;
    *to_free = NULL;
    if (!t)
        return "";
    if (!t->next && t->type == XML_TEXT_NODE && t->content)
        return (const char *)t->content;
    *to_free = xmlNodeListGetString(a->doc, a->children, 1);
    return *to_free ? (const char *)*to_free : "";
}

/* Where the attributes of <household> and its child elements go in the record model: element
 * NULL is <household> itself. <member> attributes are the member fields by name. */
static const struct {
    const char *element, *attr, *field;
} household_xml[] = {
    {NULL, "id", "id"}, {NULL, "town", "town"}, {NULL, "village", "village"},
    {NULL, "status", "status"}, {NULL, "monitor", "monitor"}, {NULL, "recorded", "recorded"},
    {"income", "wage", "wage"}, {"income", "business", "business"},
    {"income", "property", "property"}, {"income", "transfer", "transfer"},
    {"income", "excluded", "excluded"}, {"income", "previous", "previous"},
    {"assets", "deposits", "deposits"}, {"assets", "vehicle", "vehicle"},
    {"assets", "extra_houses", "extra_houses"},
    {"expenses", "medical", "medical"}, {"expenses", "education", "education"},
    {"housing", "safe", "housing_safe"}, {"water", "safe", "water_safe"},
};

#define NFIELDS(t) ((int)(sizeof(t) / sizeof((t)[0])))

/* The record field an attribute of element maps to, or -1 (an unknown attribute). */
static int field_of(bf_record_kind kind, const char *element, const char *attr)
{
    if (kind == BF_RECORD_MEMBER)
        return bf_field_find(BF_RECORD_MEMBER, attr);
    bool top = strcmp(element, "household") == 0;
    for (int i = 0; i < NFIELDS(household_xml); i++)
        if (strcmp(household_xml[i].attr, attr) == 0 &&
            (top ? !household_xml[i].element
                 : household_xml[i].element && strcmp(household_xml[i].element, element) == 0))
            return bf_field_find(BF_RECORD_HOUSEHOLD, household_xml[i].field);
    return -1;
}

/* Converts value v into field i through the one conversion of household.c; a value that does
 * not convert is reported naming the element and attribute. The "<income wage>" label is
 * formatted only then (converting again, which fails the same way, to word the message): an
 * import converts some fifty attributes per household and nearly all of them convert. */
static void set_field(conv *c, bf_record_kind kind, int i, const char *element, const char *attr,
                      char *base, const char *v)
{
    char msg[768];
    if (bf_field_set(kind, i, base, v, attr, msg, sizeof msg) == BF_OK)
        return;
    if (kind == BF_RECORD_HOUSEHOLD && strcmp(element, "household") != 0) {
        char what[64];
        snprintf(what, sizeof what, "<%s %s>", element, attr);
        bf_field_set(kind, i, base, v, what, msg, sizeof msg);
    }
    conv_error(c, "%s", msg);
}

/* Converts every attribute of node into the record at base; unknown attributes and missing
 * required ones are errors. element names the element in messages. */
static void convert_attrs(conv *c, const xmlNode *node, bf_record_kind kind, const char *element,
                          char *base)
{
    c->node = (xmlNode *)node;
    uint64_t seen = 0;
    for (const xmlAttr *a = node->properties; a; a = a->next) {
        const char *name = (const char *)a->name;
        int i = field_of(kind, element, name);
        c->attr = name;
        if (i < 0) {
            conv_error(c, _("<%s>: unknown attribute '%s'"), element, name);
            continue;
        }
        xmlChar *to_free;
        set_field(c, kind, i, element, name, base, attr_text(a, &to_free));
        xmlFree(to_free);
        seen |= UINT64_C(1) << i;
    }
    c->attr = NULL;
    /* the required fields are all attributes of <household> or <member> */
    if (kind == BF_RECORD_HOUSEHOLD && strcmp(element, "household") != 0)
        return;
    for (int i = 0; i < bf_field_count(kind); i++)
        if (bf_field_required(kind, i) && !(seen & (UINT64_C(1) << i))) {
            conv_error(c, _("<%s>: missing attribute '%s'"), element, bf_field_name(kind, i));
            bf_field_reject(kind, i, base);
        }
}

/* Reads the id attribute first so every later message names the record. */
static void read_id_first(const xmlNode *node, char *dst, size_t size)
{
    for (const xmlAttr *a = node->properties; a; a = a->next)
        if (strcmp((const char *)a->name, "id") == 0) {
            xmlChar *to_free;
            bf_text_copy(dst, size, attr_text(a, &to_free));   /* set_field reports a cut */
            xmlFree(to_free);
            return;
        }
}

static void convert_member(conv *c, const xmlNode *node, long line)
{
    bf_member *m = bf_household_add_member(c->h);
    if (!m) {
        if (!c->too_many)
            conv_error(c, c->h->n_members >= BF_MEMBERS_MAX
                              ? "more than %d members" : "out of memory after %d members",
                       c->h->n_members);
        c->too_many = true;
        return;
    }
    m->line = (int)(line > INT_MAX ? INT_MAX : line);
    c->m = m;
    read_id_first(node, m->id, sizeof m->id);
    convert_attrs(c, node, BF_RECORD_MEMBER, "member", (char *)m);
    c->m = NULL;
}

static bool is_element(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Converts a household whose own line is already known (the streaming reader knows it better
 * than the tree does past line 65535). */
static int convert_household(xmlNode *node, bf_household *h, const char *file, bf_errors *errs,
                             long line, bf_xml_reader *r)
{
    bf_household_reset(h);
    conv c = {file, errs, h, NULL, 0, false, r, NULL, NULL};
    h->line = (int)(line > INT_MAX ? INT_MAX : line);
    read_id_first(node, h->id, sizeof h->id);
    convert_attrs(&c, node, BF_RECORD_HOUSEHOLD, "household", (char *)h);
    for (xmlNode *k = node->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)k->name;
        if (is_element(k, "member"))
            convert_member(&c, k, bf_xml_line(k));
        else if (is_element(k, "income") || is_element(k, "assets") ||
                 is_element(k, "expenses") || is_element(k, "housing") || is_element(k, "water"))
            convert_attrs(&c, k, BF_RECORD_HOUSEHOLD, name, (char *)h);
        else {
            c.node = k;
            c.attr = NULL;
            conv_error(&c, _("unexpected element <%s> in <household>"), name);
        }
    }
    return c.count;
}

int bf_xml_household_from_node(xmlNode *node, bf_household *h, const char *file, bf_errors *errs)
{
    return convert_household(node, h, file, errs, bf_xml_line(node), NULL);
}

/* ======================================================================== */
/* Streaming households reader                                               */
/* ======================================================================== */

/* Where a household sat in the file, kept to name it in libxml2 messages that arrive later. */
typedef struct locator {
    bool used;
    long line, last_line;
    char id[BF_ID_BYTES];
    int n;
    struct { long line; char id[BF_ID_BYTES]; } members[BF_MEMBERS_MAX];
} locator;

/* A libxml2 message not yet matched with its household. */
typedef struct pending {
    long line;
    int col;
    char *msg;
    bool schema;           /* a schema validity message (rephrased at the field) */
} pending;

#define PENDING_MAX 256

struct bf_xml_reader {
    xmlTextReader *rd;
    int fd;
    bf_xml_window win;
    long hh_line;          /* the line of the last household's start tag … */
    int hh_on_line;        /* … and how many households before it ended on that line */
    char *path;
    bf_errors *errs;
    int64_t size;
    bool on_household;     /* positioned on an expanded household: move past it first */
    bool done;             /* end of file or fatal error reached */
    bool fatal;
    int xml_errors;        /* libxml2 messages received */
    long ws_line;          /* line of the last text node seen between households */
    pending pend[PENDING_MAX];
    int npend;
    locator loc[2];        /* the previous and the current household */
    xmlDoc *doc;           /* the partial tree taken over after a fatal error, or NULL */
    int cur;               /* index of the current household in loc */
    xmlNode *tree;         /* the household last returned, while the reader is on it */
    const bf_household *h; /* … and its record */
};

/* Adds a libxml2 message to errs, naming the household (and member) of loc when given. */
static bool emit_schema(bf_xml_reader *r, const pending *p);

static void emit(bf_xml_reader *r, const pending *p, const locator *loc)
{
    if (p->schema && loc == &r->loc[r->cur] && emit_schema(r, p))
        return;
    char where[1200];
    bf__xml_where(where, sizeof where, r->path, p->line, p->col);
    if (!loc) {
        bf_errors_add(r->errs, "%s%s", where, p->msg);
        return;
    }
    const char *hid = loc->id[0] ? loc->id : _(_("(no id)"));
    int m = -1;
    for (int i = 0; i < loc->n; i++)
        if (loc->members[i].line <= p->line)
            m = i;
    if (m >= 0)
        bf_errors_add(r->errs, _("%shousehold %s, member %s: %s"), where, hid,
                      loc->members[m].id[0] ? loc->members[m].id : _(_("(no id)")), p->msg);
    else
        bf_errors_add(r->errs, _("%shousehold %s: %s"), where, hid, p->msg);
}

/* True when a message at line belongs to the household at loc. */
static bool within(const locator *loc, long line)
{
    return loc->used && line >= loc->line && line - 1 <= loc->last_line;
}

/* Emits the pending messages before line `before` (all when before is 0), naming the household
 * each falls in. Returns how many fell in the current household. */
static int flush_pending(bf_xml_reader *r, long before)
{
    int kept = 0, in_current = 0;
    const locator *cur = &r->loc[r->cur], *prev = &r->loc[!r->cur];
    for (int i = 0; i < r->npend; i++) {
        pending *p = &r->pend[i];
        if (before && p->line >= before) {
            r->pend[kept++] = *p;
            continue;
        }
        const locator *loc = within(cur, p->line) ? cur : within(prev, p->line) ? prev : NULL;
        in_current += loc == cur;
        emit(r, p, loc);
        free(p->msg);
    }
    r->npend = kept;
    return in_current;
}

/* libxml2 structured error handler of the reader: parser and schema messages. */
static void reader_error(void *arg, xmlErrorPtr err)
{
    bf_xml_reader *r = arg;
    if (!err || err->level == XML_ERR_WARNING)
        return;
    r->xml_errors++;
    char msg[1024];
    bf__xml_clean_message(err->message, msg, sizeof msg);
    pending p = {err->line, err->int2, strdup(msg), err->domain == XML_FROM_SCHEMASV};
    if (!p.msg || r->npend == PENDING_MAX) {   /* cannot wait: report without the household */
        emit(r, &(pending){p.line, p.col, p.msg ? p.msg : msg, false}, NULL);
        free(p.msg);
        return;
    }
    r->pend[r->npend++] = p;
}

/* libxml2's input callback: reads the file and keeps the last BF_XML_WINDOW_CAP bytes at most. */
static int read_input(void *ctx, char *buffer, int len)
{
    bf_xml_reader *r = ctx;
    ssize_t n;
    do
        n = read(r->fd, buffer, (size_t)len);
    while (n < 0 && errno == EINTR);
    if (n <= 0 || !r->win.buf)
        return n < 0 ? -1 : (int)n;
    bf_xml_window_keep(&r->win, buffer, (size_t)n);
    return (int)n;
}

/* The file descriptor is closed by bf_xml_reader_close. */
static int close_input(void *ctx)
{
    (void)ctx;
    return 0;
}

int bf_xml_reader_open(const char *path, bf_errors *errs, bf_xml_reader **out)
{
    *out = NULL;
    xmlSchema *schema;
    int rc = bf_xml_schema_get(BF_XSD_HOUSEHOLDS, &schema, errs);
    if (rc != BF_OK)
        return rc;
    bf_xml_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        bf_errors_add(errs, _("%s: out of memory"), path);
        return BF_ENOMEM;
    }
    r->errs = errs;
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (r->fd < 0 || fstat(r->fd, &st) != 0) {
        bf_errors_add(errs, _("%s: cannot open: %s"), path, strerror(errno));
        bf_xml_reader_close(r);
        return BF_EIO;
    }
    r->size = st.st_size;
    if (r->size == 0) {
        bf_errors_add(errs, _("%s: the file is empty (expected <households xmlns=\"%s\">)"), path,
                      BF_NS_HOUSEHOLDS);
        bf_xml_reader_close(r);
        return BF_EINPUT;
    }
    r->win.buf = malloc(BF_XML_WINDOW_CAP);        /* without it, errors just have no column */
    r->win.line0 = 1;
    r->win.at_line_start = true;
    r->rd = xmlReaderForIO(read_input, close_input, r, path, NULL, BF__XML_PARSE_OPTIONS);
    if (!r->rd) {
        bf_errors_add(errs, _("%s: cannot create an XML reader (out of memory?)"), path);
        bf_xml_reader_close(r);
        return BF_ENOMEM;
    }
    if (xmlTextReaderSetSchema(r->rd, schema) != 0) {
        bf_errors_add(errs, _("%s: cannot attach the households schema"), path);
        bf_xml_reader_close(r);
        return BF_EINPUT;
    }
    *out = r;
    return BF_OK;
}

/* After a fatal error: the household the parser was inside. It is the last <household> of the
 * partial tree: the current one, or one the parser read ahead into that the reader never
 * reached. Its members are located from the partial tree too. */
static void locate_unreached(bf_xml_reader *r)
{
    /* From here on the reader no longer frees the document: bf_xml_reader_close does. */
    xmlDoc *doc = r->doc = xmlTextReaderCurrentDoc(r->rd);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNode *last = root ? root->last : NULL;
    while (last && !is_element(last, "household"))
        last = last->prev;
    long line = last ? bf_xml_line(last) : 0;
    if (!last || line < r->loc[r->cur].line)
        return;
    if (line > r->loc[r->cur].line || !r->loc[r->cur].used) {
        r->cur = !r->cur;
        memset(&r->loc[r->cur], 0, sizeof r->loc[r->cur]);
    }
    locator *loc = &r->loc[r->cur];
    loc->used = true;
    loc->line = line;
    loc->last_line = LONG_MAX;
    read_id_first(last, loc->id, sizeof loc->id);
    loc->n = 0;
    for (xmlNode *k = last->children; k && loc->n < BF_MEMBERS_MAX; k = k->next)
        if (is_element(k, "member")) {
            loc->members[loc->n].line = bf_xml_line(k);
            read_id_first(k, loc->members[loc->n].id, sizeof loc->members[loc->n].id);
            loc->n++;
        }
}

/* libxml2 messages reach reader_error through the thread's structured error handler, set
 * around every call into the reader. Not xmlTextReaderSetStructuredErrorHandler: in libxml2
 * 2.9 its relay for parser errors casts the schema validator's SAX context to a parser context
 * and crashes on the first malformed byte once a schema is attached. */
typedef struct handler_saved {
    xmlStructuredErrorFunc func;
    void *ctx;
} handler_saved;

static handler_saved handler_on(bf_xml_reader *r)
{
    handler_saved saved = {xmlStructuredError, xmlStructuredErrorContext};
    xmlSetStructuredErrorFunc(r, reader_error);
    return saved;
}

static void handler_off(handler_saved saved)
{
    xmlSetStructuredErrorFunc(saved.ctx, saved.func);
}

/* True when the reader sits on the start of a <household> of the households namespace. */
static bool at_household(xmlTextReader *rd)
{
    if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT || xmlTextReaderDepth(rd) != 1)
        return false;
    const xmlChar *local = xmlTextReaderConstLocalName(rd);
    const xmlChar *ns = xmlTextReaderConstNamespaceUri(rd);
    return local && ns && xmlStrEqual(local, BAD_CAST "household") &&
           xmlStrEqual(ns, BAD_CAST BF_NS_HOUSEHOLDS);
}

/* Remembers where household h sits, for messages that name it. */
static void fill_locator(locator *loc, const bf_household *h, const xmlNode *node)
{
    loc->used = true;
    loc->line = h->line;
    loc->last_line = h->line;
    bf_text_copy(loc->id, sizeof loc->id, h->id);
    loc->n = h->n_members;
    for (int i = 0; i < h->n_members; i++) {
        loc->members[i].line = h->members[i].line;
        bf_text_copy(loc->members[i].id, sizeof loc->members[i].id, h->members[i].id);
    }
    for (const xmlNode *k = node->children; k; k = k->next) {
        long l = bf_xml_line(k);
        if (l > loc->last_line)
            loc->last_line = l;
    }
}

/* Moves conversion messages into the reader's list. */
static void move_errors(bf_errors *dst, bf_errors *src)
{
    for (int i = 0; i < src->count; i++)
        bf_errors_add(dst, "%s", src->msgs[i]);
    for (int i = 0; i < src->dropped; i++)
        bf_errors_add(dst, "(dropped)");
    bf_errors_free(src);
}

/* The reader sits on a <household>: expands it and converts it into h. */
static int take_household(bf_xml_reader *r, bf_household *h, bool *got, bool *clean)
{
    xmlNode *node = xmlTextReaderCurrentNode(r->rd);
    long line = node ? (long)node->line : 0;
    if (line == 65535 && r->ws_line >= 65535)
        line = r->ws_line;
    flush_pending(r, line);
    r->cur = !r->cur;
    locator *loc = &r->loc[r->cur];
    loc->used = true;
    loc->line = loc->last_line = line;
    loc->id[0] = '\0';
    loc->n = 0;
    if (node)
        read_id_first(node, loc->id, sizeof loc->id);
    xmlNode *tree = xmlTextReaderExpand(r->rd);
    if (!tree) {
        loc->last_line = LONG_MAX;       /* the error is inside this household … */
        r->done = r->fatal = true;
        locate_unreached(r);             /* … or in one the parser read ahead into */
        flush_pending(r, 0);
        if (r->xml_errors == 0)
            bf_errors_add(r->errs, _("%s:%ld: household %s: cannot read the element"), r->path,
                          line, loc->id);
        return BF_EINPUT;
    }
    r->on_household = true;
    r->tree = tree;
    r->h = h;
    r->hh_on_line = line == r->hh_line ? r->hh_on_line + 1 : 0;
    r->hh_line = line;
    bf_errors conv_errs;
    bf_errors_init(&conv_errs, 64);
    convert_household(tree, h, r->path, &conv_errs, line, r);
    fill_locator(loc, h, tree);
    int xml_errs = flush_pending(r, loc->last_line + 1);
    *got = true;
    *clean = xml_errs == 0 && bf_errors_total(&conv_errs) == 0;
    /* the conversion's messages name the field; libxml2's repeats of them were dropped */
    /* libxml2 already explained this household's problem; a second wording of it adds noise */
    move_errors(r->errs, &conv_errs);
    bf_errors_free(&conv_errs);
    return BF_OK;
}

/* bf_xml_reader_next with the error handler in place. */
static int reader_next(bf_xml_reader *r, bf_household *h, bool *got, bool *clean)
{
    int ret = r->on_household ? xmlTextReaderNext(r->rd) : xmlTextReaderRead(r->rd);
    r->on_household = false;
    while (ret == 1) {
        if (at_household(r->rd))
            return take_household(r, h, got, clean);
        xmlNode *n = xmlTextReaderCurrentNode(r->rd);
        if (n && n->type == XML_TEXT_NODE)
            r->ws_line = bf__xml_text_line(n);
        ret = xmlTextReaderRead(r->rd);
    }
    r->done = true;
    r->fatal = ret < 0;
    if (r->fatal)
        locate_unreached(r);
    flush_pending(r, 0);
    if (r->fatal && r->xml_errors == 0)
        bf_errors_add(r->errs, _("%s: cannot read the file as XML"), r->path);
    if (!r->fatal && xmlTextReaderIsValid(r->rd) != 1 && r->xml_errors == 0) {
        bf_errors_add(r->errs, _("%s: does not match the households schema"), r->path);
        r->fatal = true;
    }
    return r->fatal ? BF_EINPUT : BF_OK;
}

int bf_xml_reader_next(bf_xml_reader *r, bf_household *h, bool *got, bool *clean)
{
    r->tree = NULL;
    *got = false;
    *clean = false;
    if (r->done)
        return r->fatal ? BF_EINPUT : BF_OK;
    handler_saved saved = handler_on(r);
    int rc = reader_next(r, h, got, clean);
    handler_off(saved);
    return rc;
}

/* The element child number index (0-based) of node called name, or NULL. */
static xmlNode *nth_child(xmlNode *node, const char *name, int index)
{
    for (xmlNode *k = node->children; k; k = k->next)
        if (is_element(k, name) && index-- == 0)
            return k;
    return NULL;
}

/* The element of the household tree that holds field of h (or of member m), and the name of
 * the attribute; the household element itself when the field's element is absent. */
static xmlNode *field_node(xmlNode *tree, const bf_household *h, const bf_member *m,
                           const char *field, const char **attr)
{
    *attr = field;
    if (m) {
        xmlNode *node = nth_child(tree, "member", (int)(m - h->members));
        return node ? node : tree;
    }
    for (int i = 0; field && i < NFIELDS(household_xml); i++)
        if (strcmp(household_xml[i].field, field) == 0) {
            *attr = household_xml[i].attr;
            if (!household_xml[i].element)
                return tree;
            xmlNode *node = nth_child(tree, household_xml[i].element, 0);
            if (!node)
                *attr = NULL;           /* a default: the household holds no value */
            return node ? node : tree;
        }
    return tree;
}

/* The offset of the current household's start tag, the r->hh_on_line-th one ending on its line
 * (a tag may begin on an earlier line); -1 when the window does not hold it. */
static long household_tag(const bf_xml_reader *r, long line)
{
    const bf_xml_window *w = &r->win;
    long start = bf_xml_window_line_start(w, line);
    if (start < 0)
        return -1;
    size_t from = (size_t)start;
    for (long i = start - 1; i >= 0 && w->buf[i] != '>'; i--)
        if (w->buf[i] == '<') {
            if (bf_xml_window_start_tag_at(w, (size_t)i, "household"))
                from = (size_t)i;
            break;
        }
    long at = (long)from - 1;
    for (int k = 0; k <= r->hh_on_line; k++)
        if ((at = bf_xml_window_next_start_tag(w, (size_t)(at + 1), "household")) < 0)
            return -1;
    return at;
}

/* Places element node of the current household (and its attribute attr, when given and
 * present) from the text; leaves *where alone when the text is not held. */
static void place_in_text(const bf_xml_reader *r, const bf_household *h, xmlNode *node,
                          const char *attr, bf_place *where)
{
    long at = household_tag(r, h->line);
    if (at < 0)
        return;
    if (node != r->tree) {
        int k = 0;                       /* same-named elements before it in the household */
        for (xmlNode *s = node->prev; s; s = s->prev)
            k += s->type == XML_ELEMENT_NODE && xmlStrEqual(s->name, node->name);
        for (int i = 0; i <= k && at >= 0; i++)
            at = bf_xml_window_next_start_tag(&r->win, (size_t)at + 1, (const char *)node->name);
        if (at < 0)
            return;
    }
    long a = attr ? bf_xml_window_attribute(&r->win, (size_t)at, attr) : -1;
    bf_xml_window_position(&r->win, (size_t)(a >= 0 ? a : at), &where->line, &where->column);
}

/* Places element node of the current household (its attribute attr) at its line and column. */
static void place_node(const bf_xml_reader *r, const bf_household *h, xmlNode *node,
                       const char *attr, bf_place *where)
{
    where->file = r->path;
    where->line = node == r->tree ? h->line : bf_xml_line(node);
    where->column = 0;
    place_in_text(r, h, node, attr, where);
}

/* bf_locator callback of the streaming reader. */
static void reader_locate(void *ctx, const bf_household *h, const bf_member *m, const char *field,
                          bf_place *where)
{
    bf_xml_reader *r = ctx;
    if (!r->tree)
        return;
    const char *attr;
    xmlNode *node = field_node(r->tree, h, m, field, &attr);
    place_node(r, h, node, attr, where);
}

/* ---- libxml2's schema messages in the form of the other errors ---- */

/* The element of the current household called name whose start tag ends on line. */
static xmlNode *element_on_line(xmlNode *tree, const char *name, long line)
{
    if (is_element(tree, name) && bf_xml_line(tree) == line)
        return tree;
    for (xmlNode *k = tree->children; k; k = k->next)
        if (is_element(k, name) && bf_xml_line(k) == line)
            return k;
    return is_element(tree, name) ? tree : NULL;
}

/* Emits a schema message of the current household at its element or attribute, in the words
 * of the other errors; true when handled (or dropped: the conversion already reported the
 * same value). */
static bool emit_schema(bf_xml_reader *r, const pending *p)
{
    char element[64], attr[64];
    if (!r->tree || !r->h || !bf__xml_quoted_after(p->msg, "Element '", element, sizeof element))
        return false;
    bool has_attr = bf__xml_quoted_after(p->msg, "attribute '", attr, sizeof attr);
    if (!has_attr && strstr(p->msg, "The attribute '"))
        return true;               /* missing or unknown: the conversion reported it */
    xmlNode *node = element_on_line(r->tree, element, p->line);
    if (!node)
        return false;
    const bf_household *h = r->h;
    const bf_member *m = NULL;
    if (is_element(node, "member")) {
        int k = 0;
        for (xmlNode *s = node->prev; s; s = s->prev)
            k += is_element(s, "member");
        m = k < h->n_members ? &h->members[k] : NULL;
    }
    if (has_attr) {
        bf_record_kind kind = m ? BF_RECORD_MEMBER : BF_RECORD_HOUSEHOLD;
        int i = field_of(kind, element, attr);
        const void *rec = m ? (const void *)m : (const void *)h;
        if (i < 0 || bf_field_rejected(kind, rec, bf_field_name(kind, i)))
            return true;           /* the conversion named this value already */
    }
    bf_place where = {r->path, p->line, 0};
    place_in_text(r, h, node, has_attr ? attr : NULL, &where);
    char at[1200], msg[768];
    bf_place_format(&where, at, sizeof at);
    const char *label = NULL;
    if (has_attr) {
        bf_record_kind kind = m ? BF_RECORD_MEMBER : BF_RECORD_HOUSEHOLD;
        label = bf_field_label(kind, field_of(kind, element, attr), attr);
    }
    bf__xml_rephrase(p->msg, element, label, msg, sizeof msg);
    const char *hid = h->id[0] ? h->id : _(_("(no id)"));
    if (m)
        bf_errors_add(r->errs, _("%shousehold %s, member %s: %s"), at, hid, m->id[0] ? m->id : _(_("(no id)")),
                      msg);
    else
        bf_errors_add(r->errs, _("%shousehold %s: %s"), at, hid, msg);
    return true;
}

bf_locator bf_xml_reader_locator(bf_xml_reader *r)
{
    return (bf_locator){reader_locate, r};
}

void bf_xml_reader_progress(const bf_xml_reader *r, int64_t *done, int64_t *total)
{
    long consumed = r->rd ? xmlTextReaderByteConsumed(r->rd) : 0;
    *done = consumed > 0 ? consumed : 0;
    *total = r->size;
}

void bf_xml_reader_close(bf_xml_reader *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->npend; i++)
        free(r->pend[i].msg);
    xmlFreeTextReader(r->rd);
    xmlFreeDoc(r->doc);
    free(r->win.buf);
    if (r->fd >= 0)
        close(r->fd);
    free(r->path);
    free(r);
}
