/* xmlout.c — the one XML writer (see xmlout.h). */
#include "xmlout.h"
#include "bangfu.h"
#include "buf.h"
#include "i18n.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

struct bf_xml_out {
    FILE *f;
    bool own_file;            /* false for standard output */
    xmlTextWriter *tw;
    char *path;
    bool failed;              /* a write failed; reported by bf_xml_out_close */
    char why[256];            /* libxml2's message about the first failure */
    bf_buf clean;             /* scratch: text made safe for XML */
    xmlStructuredErrorFunc saved;   /* the thread's error handler while a call runs */
    void *saved_ctx;
};

/* libxml2 reports output errors (a full disk) here instead of on stderr. */
static void out_error(void *arg, xmlErrorPtr err)
{
    bf_xml_out *x = arg;
    if (!err || err->level == XML_ERR_WARNING)
        return;
    if (!x->why[0] && err->message) {
        snprintf(x->why, sizeof x->why, "%s", err->message);
        x->why[strcspn(x->why, "\n")] = '\0';
    }
    x->failed = true;
}

static void enter(bf_xml_out *x)
{
    x->saved = xmlStructuredError;
    x->saved_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(x, out_error);
}

static void leave(bf_xml_out *x)
{
    xmlSetStructuredErrorFunc(x->saved_ctx, x->saved);
}

/* Records a libxml2 writer result (negative on failure). */
static void check(bf_xml_out *x, int rc)
{
    if (rc < 0)
        x->failed = true;
}

/* Whether the UTF-8 sequence of len bytes at s is a character XML 1.0 can carry. */
static bool xml_char(const unsigned char *s, size_t len)
{
    if (len == 1)
        return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
    return !(len == 3 && s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF));
}

/* text with every byte sequence XML cannot carry replaced by U+FFFD (see bf_xml_out_attr). */
static const char *xml_safe(bf_xml_out *x, const char *text)
{
    bf_buf_clear(&x->clean);
    bf_buf_add(&x->clean, "", 0);
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text);
    while (n) {
        size_t len = bf__utf8_sequence(s, n);
        bool ok = len > 0 && xml_char(s, len);
        bf_buf_add(&x->clean, ok ? (const char *)s : "\xEF\xBF\xBD", ok ? len : 3);
        s += len ? len : 1;
        n -= len ? len : 1;
    }
    if (x->clean.oom)
        x->failed = true;
    return bf_buf_str(&x->clean);
}

void bf_xml_out_start(bf_xml_out *x, const char *element)
{
    if (x->failed)
        return;
    enter(x);
    check(x, xmlTextWriterStartElement(x->tw, BAD_CAST element));
    leave(x);
}

void bf_xml_out_end(bf_xml_out *x)
{
    if (x->failed)
        return;
    enter(x);
    check(x, xmlTextWriterEndElement(x->tw));
    leave(x);
}

void bf_xml_out_attr(bf_xml_out *x, const char *name, const char *value)
{
    if (x->failed || !value)
        return;
    const char *safe = xml_safe(x, value);
    enter(x);
    check(x, xmlTextWriterWriteAttribute(x->tw, BAD_CAST name, BAD_CAST safe));
    leave(x);
}

void bf_xml_out_attr_int(bf_xml_out *x, const char *name, int64_t v)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)v);
    bf_xml_out_attr(x, name, text);
}

void bf_xml_out_attr_money(bf_xml_out *x, const char *name, bf_fen v)
{
    char text[BF_MONEY_STRLEN];
    bf_money_format(v, text);
    bf_xml_out_attr(x, name, text);
}

void bf_xml_out_attr_bool(bf_xml_out *x, const char *name, bool v)
{
    bf_xml_out_attr(x, name, v ? "true" : "false");
}

void bf_xml_out_text_element(bf_xml_out *x, const char *name, const char *text)
{
    bf_xml_out_start(x, name);
    if (!x->failed) {
        const char *safe = xml_safe(x, text);
        enter(x);
        check(x, xmlTextWriterWriteString(x->tw, BAD_CAST safe));
        leave(x);
    }
    bf_xml_out_end(x);
}

bool bf_xml_out_ok(const bf_xml_out *x)
{
    return !x->failed;
}

/* Frees x and what it holds (the writer must be freed already). */
static void discard(bf_xml_out *x)
{
    bf_buf_free(&x->clean);
    free(x->path);
    free(x);
}

int bf_xml_out_open(const char *path, const char *root, const char *ns, bf_xml_out **out,
                    bf_errors *errs)
{
    *out = NULL;
    xmlInitParser();
    const char *name = path ? path : _("(standard output)");
    bf_xml_out *x = calloc(1, sizeof *x);
    if (!x || !(x->path = strdup(name))) {
        free(x);
        bf_errors_add(errs, _("%s: out of memory"), name);
        return BF_ENOMEM;
    }
    x->own_file = path != NULL;
    x->f = path ? fopen(path, "wb") : stdout;
    if (!x->f) {
        bf_errors_add(errs, _("%s: cannot create: %s"), path, strerror(errno));
        discard(x);
        return BF_EIO;
    }
    xmlOutputBuffer *ob = xmlOutputBufferCreateFile(x->f, NULL);   /* flushes, never closes */
    x->tw = ob ? xmlNewTextWriter(ob) : NULL;   /* the writer owns ob from here on */
    if (!x->tw) {
        if (ob)
            xmlOutputBufferClose(ob);
        if (x->own_file)
            fclose(x->f);
        bf_errors_add(errs, _("%s: cannot create an XML writer"), name);
        discard(x);
        return BF_ENOMEM;
    }
    enter(x);
    check(x, xmlTextWriterSetIndent(x->tw, 1));
    check(x, xmlTextWriterSetIndentString(x->tw, BAD_CAST "  "));
    check(x, xmlTextWriterStartDocument(x->tw, "1.0", "UTF-8", NULL));
    check(x, xmlTextWriterStartElementNS(x->tw, NULL, BAD_CAST root, BAD_CAST ns));
    leave(x);
    if (x->failed) {
        bf_xml_out_close(x, errs);
        return BF_EIO;
    }
    *out = x;
    return BF_OK;
}

/* Notes a failure of the C library on the file (errno) unless one is noted already. */
static void file_failed(bf_xml_out *x)
{
    if (!x->why[0])
        snprintf(x->why, sizeof x->why, "%s", strerror(errno));
    x->failed = true;
}

int bf_xml_out_close(bf_xml_out *x, bf_errors *errs)
{
    if (!x)
        return BF_OK;
    enter(x);
    if (!x->failed)
        check(x, xmlTextWriterEndDocument(x->tw));   /* closes every open element */
    check(x, xmlTextWriterFlush(x->tw));
    xmlFreeTextWriter(x->tw);                        /* flushes into x->f; does not close it */
    leave(x);
    if (fflush(x->f) != 0 || ferror(x->f))
        file_failed(x);
    if (x->own_file && fclose(x->f) != 0)
        file_failed(x);
    int rc = BF_OK;
    if (x->failed) {
        bf_errors_add(errs, _("%s: write failed: %s"), x->path, x->why[0] ? x->why : "error");
        rc = BF_EIO;
    }
    discard(x);
    return rc;
}
