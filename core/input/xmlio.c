/* xmlio.c — libxml2 input: the embedded schemas, libxml2's messages, line numbers, and small
 * validated documents (the households stream is in xmlreader.c). */
#include "xmlio.h"
#include "i18n.h"
#include "bangfu.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
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
/* Embedded schemas                                                          */
/* ======================================================================== */

/* NUL-terminated copies of the .xsd files in core/input/schemas, from core/input/schemas.S. */
extern const char bf_xsd_household_types[];
extern const char bf_xsd_households[];
extern const char bf_xsd_parameters[];
extern const char bf_xsd_scenario[];
extern const char bf_xsd_cases[];
extern const char bf_xsd_export[];
extern const char bf_xsd_areas[];

static const struct {
    const char *name;
    const char *text;
} embedded[] = {
    {"household-types.xsd", bf_xsd_household_types},
    {"households.xsd", bf_xsd_households},
    {"parameters.xsd", bf_xsd_parameters},
    {"scenario.xsd", bf_xsd_scenario},
    {"cases.xsd", bf_xsd_cases},
    {"export.xsd", bf_xsd_export},
    {"areas.xsd", bf_xsd_areas},
};

/* The top-level schema file of each bf_xml_schema. */
static const char *const schema_file[BF_XSD__N] = {
    [BF_XSD_HOUSEHOLDS] = "households.xsd",
    [BF_XSD_PARAMETERS] = "parameters.xsd",
    [BF_XSD_SCENARIO] = "scenario.xsd",
    [BF_XSD_CASES] = "cases.xsd",
    [BF_XSD_EXPORT] = "export.xsd",
    [BF_XSD_AREAS] = "areas.xsd",
};

static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;
static xmlSchema *schemas[BF_XSD__N];

const char *bf_xml_schema_text(const char *name, size_t *len)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    for (size_t i = 0; i < sizeof embedded / sizeof embedded[0]; i++)
        if (strcmp(base, embedded[i].name) == 0) {
            if (len)
                *len = strlen(embedded[i].text);
            return embedded[i].text;
        }
    return NULL;
}

/* External entity loader used only while a schema compiles: serves <xs:include> from the
 * embedded copies and refuses everything else, so no schema file is ever read from disk. */
static xmlParserInputPtr embedded_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)id;
    size_t len;
    const char *text = url ? bf_xml_schema_text(url, &len) : NULL;
    if (!text || len > INT_MAX)
        return NULL;
    xmlParserInputBufferPtr buf = xmlParserInputBufferCreateMem(text, (int)len,
                                                                XML_CHAR_ENCODING_NONE);
    if (!buf)
        return NULL;
    xmlParserInputPtr in = xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE);
    if (!in) {
        xmlFreeParserInputBuffer(buf);
        return NULL;
    }
    in->filename = (const char *)xmlStrdup((const xmlChar *)url);
    return in;
}

/* Collects schema-compilation messages (a broken embedded XSD is a bug, but say what broke). */
static void schema_parse_error(void *ctx, xmlErrorPtr err)
{
    if (err && err->level != XML_ERR_WARNING)
        bf_errors_add(ctx, _("schema %s:%d: %s"), err->file ? err->file : "?", err->line,
                      err->message ? err->message : "error");
}

static xmlSchema *compile_schema(bf_xml_schema which, bf_errors *errs)
{
    const char *name = schema_file[which];
    size_t len;
    const char *text = bf_xml_schema_text(name, &len);
    if (!text || len > INT_MAX)
        return NULL;
    xmlExternalEntityLoader saved = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(embedded_loader);
    xmlStructuredErrorFunc saved_handler = xmlStructuredError;
    void *saved_handler_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(errs, schema_parse_error);
    xmlSchema *schema = NULL;
    /* The document URL is the schema's own name, so includes resolve to "household-types.xsd". */
    xmlDoc *doc = xmlReadMemory(text, (int)len, name, NULL, XML_PARSE_NONET);
    xmlSchemaParserCtxt *pctxt = doc ? xmlSchemaNewDocParserCtxt(doc) : NULL;
    if (pctxt) {
        xmlSchemaSetParserStructuredErrors(pctxt, schema_parse_error, errs);
        schema = xmlSchemaParse(pctxt);
        xmlSchemaFreeParserCtxt(pctxt);
    }
    xmlSetStructuredErrorFunc(saved_handler_ctx, saved_handler);
    xmlSetExternalEntityLoader(saved);
    xmlFreeDoc(doc);
    if (!schema)
        bf_errors_add(errs, _("cannot compile the embedded schema %s"), name);
    return schema;
}

int bf_xml_schema_get(bf_xml_schema which, xmlSchema **schema, bf_errors *errs)
{
    *schema = NULL;
    if (which < 0 || which >= BF_XSD__N)
        return BF_EUSAGE;
    xmlInitParser();
    if (pthread_mutex_lock(&schema_lock) != 0)
        return BF_EUSAGE;
    if (!schemas[which])
        schemas[which] = compile_schema(which, errs);
    *schema = schemas[which];
    pthread_mutex_unlock(&schema_lock);
    return *schema ? BF_OK : BF_EINPUT;
}

void bf_xml_cleanup(void)
{
    if (pthread_mutex_lock(&schema_lock) != 0)
        return;
    for (int i = 0; i < BF_XSD__N; i++) {
        xmlSchemaFree(schemas[i]);
        schemas[i] = NULL;
    }
    pthread_mutex_unlock(&schema_lock);
}

/* ======================================================================== */
/* Messages from libxml2                                                     */
/* ======================================================================== */

/* Copies a libxml2 message without its trailing newline and without the "{urn:bangfu:…}"
 * namespace in element names, which only makes the message harder to read. */
void bf__xml_clean_message(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = in ? in : "error"; *p && o + 1 < size; p++) {
        if (*p == '{' && strncmp(p + 1, "urn:bangfu:", 11) == 0) {
            const char *close = strchr(p, '}');
            if (close) {
                p = close;
                continue;
            }
        }
        out[o++] = *p == '\n' ? ' ' : *p;   /* one line per message */
    }
    while (o > 0 && (out[o - 1] == '\n' || out[o - 1] == ' ' || out[o - 1] == '\r'))
        o--;
    out[o] = '\0';
}

/* "file:line:col: " or "file:line: " or "file: " into where. */
void bf__xml_where(char *where, size_t size, const char *file, long line, int col)
{
    if (line > 0 && col > 0)
        snprintf(where, size, _("%s:%ld:%d: "), file, line, col);
    else if (line > 0)
        snprintf(where, size, _("%s:%ld: "), file, line);
    else
        snprintf(where, size, _("%s: "), file);
}

/* ======================================================================== */
/* Line numbers                                                              */
/* ======================================================================== */

/* The line of a text node, including the big line numbers of XML_PARSE_BIG_LINES. */
long bf__xml_text_line(const xmlNode *t)
{
    if (t->line != 65535)
        return t->line;
    return t->psvi ? (long)(ptrdiff_t)t->psvi : 65535;
}

long bf_xml_line(const xmlNode *node)
{
    if (!node)
        return 0;
    if (node->line != 65535 || node->type != XML_ELEMENT_NODE)
        return node->type == XML_TEXT_NODE ? bf__xml_text_line(node) : (long)node->line;
    /* Past line 65535 libxml2 keeps exact lines only on text nodes: the indentation before an
     * element ends on the element's line. */
    const xmlNode *prev = node->prev;
    if (prev && prev->type == XML_TEXT_NODE && prev->line == 65535 && prev->psvi)
        return bf__xml_text_line(prev);
    return xmlGetLineNo(node);
}

/* ======================================================================== */
/* Small documents                                                           */
/* ======================================================================== */

/* ---- libxml2's schema messages in the user's words ---- */

/* Copies the text between the quotes after `key` in msg ("Element 'member'") into out. */
bool bf__xml_quoted_after(const char *msg, const char *key, char *out, size_t size)
{
    const char *p = strstr(msg, key);
    if (!p)
        return false;
    p += strlen(key);
    const char *q = strchr(p, '\'');
    if (!q || (size_t)(q - p) >= size)
        return false;
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = '\0';
    return true;
}

/* The rule a libxml2 schema message states, rephrased for element (and attribute attr). */
void bf__xml_rephrase(const char *msg, const char *element, const char *attr, char *out,
                      size_t size)
{
    char value[256], expected[256];
    const char *exp = strstr(msg, "Expected is ");
    expected[0] = '\0';
    if (exp) {
        const char *open = strchr(exp, '('), *close = open ? strchr(open, ')') : NULL;
        while (open && open[1] == ' ')
            open++;
        if (open && close && (size_t)(close - open) < sizeof expected) {
            size_t n = (size_t)(close - open - 1);
            memcpy(expected, open + 1, n);
            while (n > 0 && expected[n - 1] == ' ')
                n--;
            expected[n] = '\0';
        }
    }
    if (attr && bf__xml_quoted_after(msg, "The value '", value, sizeof value))
        snprintf(out, size, _("%s: '%s' is not a value the schema allows here"), attr, value);
    else if (attr && bf__xml_quoted_after(msg, ": '", value, sizeof value))
        snprintf(out, size, _("%s: '%s' is not a value the schema allows here"), attr, value);
    else if (attr)
        snprintf(out, size, _("%s: the value is not one the schema allows here"), attr);
    else if (strstr(msg, "is not expected") && expected[0])
        snprintf(out, size, _("the element <%s> is not expected here; expected: %s"), element,
                 expected);
    else if (strstr(msg, "is not expected"))
        snprintf(out, size, _("the element <%s> is not expected here"), element);
    else if (strstr(msg, "Missing child element") && expected[0])
        snprintf(out, size, _("<%s> lacks a child element; expected: %s"), element, expected);
    else if (strstr(msg, "Character content"))
        snprintf(out, size, _("<%s> holds text where only elements are allowed"), element);
    else
        snprintf(out, size, _("<%s> does not match the schema"), element);
}

typedef struct load_ctx {
    const char *file;
    bf_errors *errs;
    int count;
} load_ctx;

static void load_error(void *arg, xmlErrorPtr err)
{
    load_ctx *lc = arg;
    if (!err || err->level == XML_ERR_WARNING)
        return;
    char msg[1024], where[1200], element[64], attr[64];
    bf__xml_clean_message(err->message, msg, sizeof msg);
    /* a schema message names the element (and attribute): say the rule in the user's words */
    if (err->domain == XML_FROM_SCHEMASV &&
        bf__xml_quoted_after(msg, "Element '", element, sizeof element)) {
        bool has_attr = bf__xml_quoted_after(msg, "attribute '", attr, sizeof attr);
        char rule[768];
        char label[160];
        snprintf(label, sizeof label, "<%s %s>", element, attr);
        bf__xml_rephrase(msg, element, has_attr ? label : NULL, rule, sizeof rule);
        snprintf(msg, sizeof msg, "%s", rule);
    }
    long line = err->line;
    if (line <= 0 && err->node)
        line = bf_xml_line(err->node);
    bf__xml_where(where, sizeof where, lc->file, line, err->int2);
    bf_errors_add(lc->errs, "%s%s", where, msg);
    lc->count++;
}

/* Validates a parsed document; BF_OK or BF_EINPUT. */
static int validate_doc(xmlDoc *doc, bf_xml_schema which, load_ctx *lc)
{
    xmlSchema *schema;
    int rc = bf_xml_schema_get(which, &schema, lc->errs);
    if (rc != BF_OK)
        return rc;
    xmlSchemaValidCtxt *vctxt = xmlSchemaNewValidCtxt(schema);
    if (!vctxt) {
        bf_errors_add(lc->errs, _("%s: out of memory"), lc->file);
        return BF_ENOMEM;
    }
    xmlSchemaSetValidStructuredErrors(vctxt, load_error, lc);
    int before = lc->count;
    int v = xmlSchemaValidateDoc(vctxt, doc);
    xmlSchemaFreeValidCtxt(vctxt);
    if (v == 0)
        return BF_OK;
    if (v < 0)
        bf_errors_add(lc->errs, _("%s: cannot validate against %s (libxml2 internal error)"),
                      lc->file, schema_file[which]);
    else if (lc->count == before)
        bf_errors_add(lc->errs, _("%s: does not match the schema %s"), lc->file, schema_file[which]);
    return BF_EINPUT;
}

/* Parses with the thread's structured error handler pointed at lc, then validates. */
static int load_common(const char *buf, size_t len, int fd, const char *name,
                       bf_xml_schema which, xmlDoc **out, bf_errors *errs)
{
    *out = NULL;
    load_ctx lc = {name, errs, 0};
    xmlInitParser();
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        bf_errors_add(errs, _("%s: out of memory"), name);
        return BF_ENOMEM;
    }
    xmlStructuredErrorFunc saved = xmlStructuredError;
    void *saved_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(&lc, load_error);
    xmlDoc *doc = buf ? xmlCtxtReadMemory(ctxt, buf, (int)len, name, NULL, BF__XML_PARSE_OPTIONS)
                      : xmlCtxtReadFd(ctxt, fd, name, NULL, BF__XML_PARSE_OPTIONS);
    int rc = BF_OK;
    if (!doc || !ctxt->wellFormed) {
        if (lc.count == 0)
            bf_errors_add(errs, _("%s: not a well-formed XML document"), name);
        rc = BF_EINPUT;
    }
    xmlSetStructuredErrorFunc(saved_ctx, saved);
    xmlFreeParserCtxt(ctxt);
    if (rc == BF_OK)
        rc = validate_doc(doc, which, &lc);
    if (rc != BF_OK) {
        xmlFreeDoc(doc);
        return rc;
    }
    *out = doc;
    return BF_OK;
}

int bf_xml_load(const char *path, bf_xml_schema which, xmlDoc **out, bf_errors *errs)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        bf_errors_add(errs, _("%s: cannot open: %s"), path, strerror(errno));
        return BF_EIO;
    }
    int rc = load_common(NULL, 0, fd, path, which, out, errs);
    close(fd);
    return rc;
}

int bf_xml_load_memory(const char *buf, size_t len, const char *name, bf_xml_schema which,
                       xmlDoc **out, bf_errors *errs)
{
    *out = NULL;
    if (len > INT_MAX) {
        bf_errors_add(errs, _("%s: document too large"), name);
        return BF_ELIMIT;
    }
    return load_common(buf, len, -1, name, which, out, errs);
}
