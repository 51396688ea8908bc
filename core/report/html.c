/* html.c — report pages as libxml2 HTML trees: text and attributes go in as node content, so the serializer escapes them; charts are inline SVG; the page is written to a temporary file and renamed. */
#include "html.h"
#include "tempfile.h"
#include "bangfu.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The whole style sheet: no external fonts or files; CJK fonts by name where installed. */
static const char style_sheet[] =
    "body{font-family:\"Noto Sans CJK SC\",\"WenQuanYi Zen Hei\",\"Microsoft YaHei\","
    "\"PingFang SC\",sans-serif;max-width:64em;margin:2em auto;padding:0 1em;color:#1f2933;"
    "background:#fff;line-height:1.5}\n"
    "h1{font-size:1.6em;border-bottom:3px solid #b91c1c;padding-bottom:.3em}\n"
    "h2{font-size:1.25em;margin-top:1.8em;border-left:4px solid #b91c1c;padding-left:.5em}\n"
    "table{border-collapse:collapse;margin:.8em 0}\n"
    "caption{text-align:left;font-weight:bold;padding:.3em 0}\n"
    "th,td{border:1px solid #cbd2d9;padding:.3em .7em}\n"
    "th{background:#f0f4f8;font-weight:600}\n"
    "th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "tr.total td{font-weight:bold;background:#f8fafc}\n"
    "dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2em 1.2em}\n"
    "dl.facts dt{color:#52606d}\n"
    "dl.facts dd{margin:0}\n"
    "figure.chart{margin:1.2em 0}\n"
    "figure.chart figcaption{font-weight:bold;margin-bottom:.4em}\n"
    "svg.chart{max-width:100%;height:auto;font-size:12px}\n"
    "svg.chart .bar.s0,svg.chart .swatch.s0{fill:#2563eb}\n"
    "svg.chart .bar.s1,svg.chart .swatch.s1{fill:#f59e0b}\n"
    "svg.chart .axis{stroke:#9aa5b1;stroke-width:1}\n"
    "svg.chart .label{fill:#1f2933}\n"
    "svg.chart .value{fill:#3e4c59}\n"
    "p.note{color:#52606d;font-size:.9em}\n"
    "p.rule{white-space:pre-wrap;background:#f8fafc;border-left:3px solid #cbd2d9;padding:.5em .8em}\n"
    "table#households td{vertical-align:top}\n"
    "table#households td[data-key^=\"reasons\"]{min-width:20em;font-size:.85em}\n"
    "nav.site{margin:-1em 0 1em;padding:.4em 0;border-bottom:1px solid #cbd2d9}\n"
    "nav.site a{margin-right:1.2em}\n"
    "form fieldset{border:1px solid #cbd2d9;margin:.8em 0;padding:.4em .8em}\n"
    "form label{display:block;margin:.3em 0}\n"
    "form label span.note{color:#52606d;font-size:.85em;margin-left:.5em}\n"
    "form input[type=text],form input[type=password],form input[type=search]{min-width:16em}\n"
    "@media print{body{margin:0}}\n";

struct bf_html_table {
    bf_html *page;
    xmlNodePtr tbody, tfoot;
    xmlNodePtr table;
    bf_html_column *cols;      /* copied; keys and labels point into the caller's strings */
    char **keys;               /* copies of the column keys */
    int n_cols;
};

struct bf_html {
    xmlDocPtr doc;
    xmlNodePtr body;
    bool failed;               /* an allocation failed: the page is incomplete */
    bf_html_table **tables;
    int n_tables;
};

/* ---- node helpers: each marks the page failed on NULL and accepts a NULL parent ---- */

/* Appends <name>text</name> (text escaped on output; NULL for none). */
static xmlNodePtr add(bf_html *p, xmlNodePtr parent, const char *name, const char *text)
{
    if (!parent)
        return NULL;
    xmlNodePtr n = xmlNewTextChild(parent, NULL, (const xmlChar *)name, (const xmlChar *)text);
    if (!n)
        p->failed = true;
    return n;
}

/* Sets an attribute (NULL value: none). */
static void set(bf_html *p, xmlNodePtr n, const char *name, const char *value)
{
    if (n && value && !xmlNewProp(n, (const xmlChar *)name, (const xmlChar *)value))
        p->failed = true;
}

static void setf(bf_html *p, xmlNodePtr n, const char *name, double v)
{
    char text[32];
    snprintf(text, sizeof text, "%.1f", v);
    set(p, n, name, text);
}

static int status(const bf_html *p)
{
    return p->failed ? BF_ENOMEM : BF_OK;
}

/* ---- pages ---- */

bf_html *bf_html_new(const char *title)
{
    bf_html *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->doc = htmlNewDocNoDtD(NULL, NULL);
    if (!p->doc || !xmlCreateIntSubset(p->doc, (const xmlChar *)"html", NULL, NULL)) {
        bf_html_free(p);
        return NULL;
    }
    xmlNodePtr html = xmlNewDocNode(p->doc, NULL, (const xmlChar *)"html", NULL);
    if (!html) {
        bf_html_free(p);
        return NULL;
    }
    xmlDocSetRootElement(p->doc, html);
    /* TRANSLATORS: the language tag of the HTML reports (BCP 47) */
    set(p, html, "lang", _("en"));
    xmlNodePtr head = add(p, html, "head", NULL);
    set(p, add(p, head, "meta", NULL), "charset", "utf-8");
    xmlNodePtr viewport = add(p, head, "meta", NULL);
    set(p, viewport, "name", "viewport");
    set(p, viewport, "content", "width=device-width, initial-scale=1");
    xmlNodePtr gen = add(p, head, "meta", NULL);
    set(p, gen, "name", "generator");
    set(p, gen, "content", "bangfu " BF_VERSION);
    add(p, head, "title", title);
    add(p, head, "style", style_sheet);
    p->body = add(p, html, "body", NULL);
    add(p, p->body, "h1", title);
    if (p->failed) {
        bf_html_free(p);
        return NULL;
    }
    return p;
}

void bf_html_free(bf_html *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n_tables; i++) {
        bf_html_table *t = p->tables[i];
        for (int c = 0; c < t->n_cols; c++)
            free(t->keys[c]);
        free(t->keys);
        free(t->cols);
        free(t);
    }
    free(p->tables);
    if (p->doc)
        xmlFreeDoc(p->doc);
    free(p);
}

/* ---- text ---- */

int bf_html_heading(bf_html *p, int level, const char *text)
{
    static const char *const names[] = {"h2", "h3", "h4"};
    level = level < 2 ? 2 : level > 4 ? 4 : level;
    add(p, p->body, names[level - 2], text);
    return status(p);
}

int bf_html_paragraph(bf_html *p, const char *cls, const char *text)
{
    set(p, add(p, p->body, "p", text), "class", cls);
    return status(p);
}

int bf_html_facts(bf_html *p, const char *const *pairs, int n)
{
    xmlNodePtr dl = add(p, p->body, "dl", NULL);
    set(p, dl, "class", "facts");
    for (int i = 0; i < n; i++) {
        add(p, dl, "dt", pairs[2 * i]);
        add(p, dl, "dd", pairs[2 * i + 1]);
    }
    return status(p);
}

/* ---- tables ---- */

/* Keeps t in the page's list (freed with the page); false when out of memory. */
static bool adopt_table(bf_html *p, bf_html_table *t)
{
    bf_html_table **grown = realloc(p->tables, sizeof *grown * (size_t)(p->n_tables + 1));
    if (!grown)
        return false;
    p->tables = grown;
    p->tables[p->n_tables++] = t;
    return true;
}

bf_html_table *bf_html_table_new(bf_html *p, const char *id, const char *caption,
                                 const bf_html_column *cols, int n_cols)
{
    bf_html_table *t = calloc(1, sizeof *t);
    if (!t || !adopt_table(p, t)) {
        free(t);
        p->failed = true;
        return NULL;
    }
    t->page = p;
    t->cols = calloc((size_t)n_cols, sizeof *t->cols);
    t->keys = calloc((size_t)n_cols, sizeof *t->keys);
    if (!t->cols || !t->keys) {
        p->failed = true;
        return NULL;
    }
    t->n_cols = n_cols;
    for (int c = 0; c < n_cols; c++) {
        t->cols[c] = cols[c];
        if (cols[c].key && !(t->keys[c] = strdup(cols[c].key)))
            p->failed = true;
        t->cols[c].key = t->keys[c];
        t->cols[c].label = NULL;       /* only needed for the header, written now */
    }
    t->table = add(p, p->body, "table", NULL);
    set(p, t->table, "id", id);
    if (caption)
        add(p, t->table, "caption", caption);
    xmlNodePtr tr = add(p, add(p, t->table, "thead", NULL), "tr", NULL);
    for (int c = 0; c < n_cols; c++) {
        xmlNodePtr th = add(p, tr, "th", cols[c].label);
        set(p, th, "data-key", cols[c].key);
        set(p, th, "class", cols[c].numeric ? "num" : NULL);
    }
    t->tbody = add(p, t->table, "tbody", NULL);
    return p->failed ? NULL : t;
}

static void add_row(bf_html_table *t, xmlNodePtr section, const char *key, const char *cls,
                    const char *const *cells)
{
    bf_html *p = t->page;
    xmlNodePtr tr = add(p, section, "tr", NULL);
    set(p, tr, "data-key", key);
    set(p, tr, "class", cls);
    for (int c = 0; c < t->n_cols; c++) {
        xmlNodePtr td = add(p, tr, "td", cells[c] ? cells[c] : "");
        set(p, td, "data-key", t->cols[c].key);
        set(p, td, "class", t->cols[c].numeric ? "num" : NULL);
    }
}

int bf_html_table_row(bf_html_table *t, const char *key, const char *const *cells)
{
    if (!t)
        return BF_ENOMEM;
    add_row(t, t->tbody, key, NULL, cells);
    return status(t->page);
}

int bf__html_table_footer(bf_html_table *t, const char *key, const char *const *cells)
{
    if (!t)
        return BF_ENOMEM;
    if (!t->tfoot)
        t->tfoot = add(t->page, t->table, "tfoot", NULL);
    add_row(t, t->tfoot, key, "total", cells);
    return status(t->page);
}

int bf_html_table_link(bf_html_table *t, int col, const char *href)
{
    if (!t || !t->tbody || !t->tbody->last || col < 0 || col >= t->n_cols)
        return BF_ENOMEM;
    xmlNodePtr td = t->tbody->last->children;
    for (int c = 0; td && c < col; c++)
        td = td->next;
    if (!td)
        return BF_ENOMEM;
    xmlChar *text = xmlNodeGetContent(td);
    xmlNodeSetContent(td, NULL);
    set(t->page, add(t->page, td, "a", (const char *)text), "href", href);
    xmlFree(text);
    return status(t->page);
}

/* ---- links and forms (the server's pages) ---- */

int bf_html_links(bf_html *p, const char *cls, const char *const *pairs, int n)
{
    xmlNodePtr nav = add(p, p->body, cls ? "nav" : "p", NULL);
    set(p, nav, "class", cls);
    for (int i = 0; i < n; i++) {
        if (i && !cls)
            xmlAddChild(nav, xmlNewText((const xmlChar *)" · "));
        set(p, add(p, nav, "a", pairs[2 * i + 1]), "href", pairs[2 * i]);
    }
    return status(p);
}

int bf_html_form(bf_html *p, const char *id, const char *action, const char *method,
                 const bf_html_field *fields, int n, const char *submit)
{
    xmlNodePtr form = add(p, p->body, "form", NULL), group = form;
    set(p, form, "id", id);
    set(p, form, "action", action);
    set(p, form, "method", method);
    for (int i = 0; i < n; i++) {
        const bf_html_field *f = &fields[i];
        if (strcmp(f->type, "legend") == 0) {
            group = add(p, form, "fieldset", NULL);
            set(p, group, "id", f->name);
            add(p, group, "legend", f->label);
            continue;
        }
        xmlNodePtr holder = strcmp(f->type, "hidden") == 0 ? group : add(p, group, "label", f->label);
        if (holder != group && f->label)
            xmlAddChild(holder, xmlNewText((const xmlChar *)" "));
        xmlNodePtr in = add(p, holder, "input", NULL);
        set(p, in, "type", f->type);
        set(p, in, "name", f->name);
        set(p, in, "value", f->value);
        if (strcmp(f->type, "number") == 0)
            set(p, in, "step", "any");
        if (f->note)
            set(p, add(p, holder, "span", f->note), "class", "note");
    }
    set(p, add(p, form, "button", submit), "type", "submit");
    return status(p);
}

int bf_html_refresh(bf_html *p, int seconds)
{
    xmlNodePtr head = p->body ? p->body->prev : NULL;
    xmlNodePtr meta = add(p, head, "meta", NULL);
    char content[16];
    snprintf(content, sizeof content, "%d", seconds);
    set(p, meta, "http-equiv", "refresh");
    set(p, meta, "content", content);
    return status(p);
}

/* ---- charts ---- */

void bf_html_format_scaled(int64_t value, int decimals, char out[BF_HTML_NUMLEN])
{
    if (decimals <= 0) {
        snprintf(out, BF_HTML_NUMLEN, "%lld", (long long)value);
        return;
    }
    unsigned digits = decimals > 6 ? 6u : (unsigned)decimals;
    uint64_t scale = 1;
    for (unsigned i = 0; i < digits; i++)
        scale *= 10;
    uint64_t a = value < 0 ? (uint64_t)(-(value + 1)) + 1 : (uint64_t)value;
    snprintf(out, BF_HTML_NUMLEN, "%s%llu.%0*u", value < 0 ? "-" : "",
             (unsigned long long)(a / scale), (int)digits, (unsigned)(a % scale));
}

/* Chart geometry (SVG user units). */
enum { CHART_W = 820, LABEL_W = 280, VALUE_W = 130, BAR_AREA = CHART_W - LABEL_W - VALUE_W };

typedef struct geometry {
    double lo, hi;             /* value range drawn, always including 0 */
    double scale;              /* units per value */
    double zero_x;
    double top, group, bar;    /* first bar's y, height of a label's group, of one bar */
} geometry;

static geometry chart_geometry(const bf_html_chart *c)
{
    geometry g = {0};
    for (int s = 0; s < c->n_series; s++)
        for (int i = 0; i < c->n; i++) {
            double v = (double)c->series[s].values[i];
            g.lo = v < g.lo ? v : g.lo;
            g.hi = v > g.hi ? v : g.hi;
        }
    if (g.hi - g.lo <= 0)
        g.hi = g.lo + 1;
    g.scale = BAR_AREA / (g.hi - g.lo);
    g.zero_x = LABEL_W + (0 - g.lo) * g.scale;
    g.top = c->n_series > 1 ? 30 : 8;
    g.bar = c->n_series > 1 ? 14 : 18;
    g.group = c->n_series > 1 ? 2 * g.bar + 10 : g.bar + 8;
    return g;
}

static void legend(bf_html *p, xmlNodePtr svg, const bf_html_chart *c)
{
    double x = LABEL_W;
    for (int s = 0; s < c->n_series; s++) {
        xmlNodePtr sw = add(p, svg, "rect", NULL);
        set(p, sw, "class", s ? "swatch s1" : "swatch s0");
        setf(p, sw, "x", x);
        setf(p, sw, "y", 6);
        setf(p, sw, "width", 12);
        setf(p, sw, "height", 12);
        xmlNodePtr t = add(p, svg, "text", c->series[s].name ? c->series[s].name : "");
        set(p, t, "class", "legend");
        setf(p, t, "x", x + 18);
        setf(p, t, "y", 16);
        x += 160;
    }
}

/* One bar with its tooltip and value text. */
static void bar(bf_html *p, xmlNodePtr svg, const bf_html_chart *c, const geometry *g, int i,
                int s, double y)
{
    int64_t v = c->series[s].values[i];
    char text[BF_HTML_NUMLEN], tip[512];
    bf_html_format_scaled(v, c->decimals, text);
    double w = (double)(v < 0 ? -v : v) * g->scale;
    double x = v < 0 ? g->zero_x - w : g->zero_x;
    xmlNodePtr r = add(p, svg, "rect", NULL);
    set(p, r, "class", s ? "bar s1" : "bar s0");
    setf(p, r, "x", x);
    setf(p, r, "y", y);
    setf(p, r, "width", w);
    setf(p, r, "height", g->bar);
    set(p, r, "data-label", c->labels[i]);
    set(p, r, "data-key", c->keys ? c->keys[i] : NULL);
    set(p, r, "data-series", c->series[s].name ? c->series[s].name : s ? "1" : "0");
    set(p, r, "data-value", text);
    if (c->series[s].name)
        snprintf(tip, sizeof tip, _("%s · %s: %s %s"), c->labels[i], c->series[s].name, text,
                 c->unit ? c->unit : "");
    else
        snprintf(tip, sizeof tip, _("%s: %s %s"), c->labels[i], text, c->unit ? c->unit : "");
    add(p, r, "title", tip);
    snprintf(tip, sizeof tip, "%s%s%s", text, c->unit ? " " : "", c->unit ? c->unit : "");
    xmlNodePtr t = add(p, svg, "text", tip);
    set(p, t, "class", "value");
    setf(p, t, "x", (x + w > g->zero_x ? x + w : g->zero_x) + 6);
    setf(p, t, "y", y + g->bar - 4);
}

int bf_html_bar_chart(bf_html *p, const bf_html_chart *c)
{
    if (c->n_series < 1 || c->n_series > 2 || c->n < 0)
        return BF_EUSAGE;
    geometry g = chart_geometry(c);
    double height = g.top + (c->n ? c->n : 1) * g.group + 8;
    xmlNodePtr fig = add(p, p->body, "figure", NULL);
    set(p, fig, "class", "chart");
    add(p, fig, "figcaption", c->title);
    xmlNodePtr svg = add(p, fig, "svg", NULL);
    char box[64];
    snprintf(box, sizeof box, "0 0 %d %.0f", CHART_W, height);
    set(p, svg, "id", c->id);
    set(p, svg, "class", "chart");
    set(p, svg, "viewBox", box);
    setf(p, svg, "width", CHART_W);
    setf(p, svg, "height", height);
    set(p, svg, "role", "img");
    set(p, svg, "aria-label", c->title);
    if (c->n_series > 1)
        legend(p, svg, c);
    for (int i = 0; i < c->n; i++) {
        double y = g.top + i * g.group;
        xmlNodePtr label = add(p, svg, "text", c->labels[i]);
        set(p, label, "class", "label");
        setf(p, label, "x", LABEL_W - 8);
        setf(p, label, "y", y + (c->n_series > 1 ? g.bar + 4 : g.bar - 4));
        set(p, label, "text-anchor", "end");
        for (int s = 0; s < c->n_series; s++)
            bar(p, svg, c, &g, i, s, y + s * g.bar);
    }
    if (c->n == 0) {
        xmlNodePtr t = add(p, svg, "text", _("(no data)"));
        setf(p, t, "x", LABEL_W);
        setf(p, t, "y", g.top + 14);
    }
    xmlNodePtr axis = add(p, svg, "line", NULL);
    set(p, axis, "class", "axis");
    setf(p, axis, "x1", g.zero_x);
    setf(p, axis, "x2", g.zero_x);
    setf(p, axis, "y1", g.top - 4);
    setf(p, axis, "y2", height - 4);
    return status(p);
}

/* ---- output ---- */

int bf_html_render(bf_html *p, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (p->failed)
        return BF_ENOMEM;
    xmlBufferPtr buf = xmlBufferCreate();
    xmlCharEncodingHandlerPtr utf8 = xmlFindCharEncodingHandler("UTF-8");
    xmlOutputBufferPtr o = buf && utf8 ? xmlOutputBufferCreateBuffer(buf, utf8) : NULL;
    if (!o) {
        if (buf)
            xmlBufferFree(buf);
        return BF_ENOMEM;
    }
    /* a UTF-8 output buffer keeps Chinese as it is (no &#NNNN;) and adds no second meta */
    htmlDocContentDumpFormatOutput(o, p->doc, "UTF-8", 1);
    int rc = xmlOutputBufferClose(o) < 0 ? BF_ENOMEM : BF_OK;
    size_t n = (size_t)xmlBufferLength(buf);
    if (rc == BF_OK && (*out = malloc(n + 1))) {
        memcpy(*out, xmlBufferContent(buf), n);
        (*out)[n] = '\0';
        *len = n;
    } else {
        rc = BF_ENOMEM;
    }
    xmlBufferFree(buf);
    return rc;
}

/* Writes len bytes to fd, across short writes and interrupted calls. */
static bool write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

int bf__html_save(bf_html *p, const char *path, bf_errors *errs)
{
    char *text;
    size_t len;
    if (bf_html_render(p, &text, &len) != BF_OK) {
        bf_errors_add(errs, _("%s: out of memory while building the page"), path);
        return BF_ENOMEM;
    }
    bf_tempfile temp;
    int rc = bf_tempfile_create(path, &temp, errs);
    if (rc == BF_OK) {
        bool ok = write_all(temp.fd, text, len);
        if (!ok)
            bf_errors_add(errs, _("%s: cannot write the file: %s"), path, strerror(errno));
        if (bf_tempfile_finish(&temp, path, ok, errs) != BF_OK || !ok)
            rc = BF_EIO;
    }
    free(text);
    return rc;
}
