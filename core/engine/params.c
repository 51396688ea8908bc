/* params.c — loading params.xml, resolving values on a date, overrides, the name tree. */
#include "params.h"
#include "i18n.h"
#include "bangfu.h"
#include "money.h"
#include "buf.h"
#include "xmlio.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *xml_attr(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *copy = strdup(v ? (const char *)v : "");
    xmlFree(v);
    return copy;
}

/* A name is dot-separated segments of [a-z_][a-z0-9_]*. */
static bool valid_name(const char *s)
{
    bool at_start = true;
    for (; *s; s++) {
        if (*s == '.') {
            if (at_start)
                return false;
            at_start = true;
        } else if (islower((unsigned char)*s) || *s == '_' || (!at_start && isdigit((unsigned char)*s))) {
            at_start = false;
        } else {
            return false;
        }
    }
    return !at_start;
}

static int compare_values(const void *a, const void *b)
{
    const bf_param_value *x = a, *y = b;
    return (x->from > y->from) - (x->from < y->from);
}

static int read_values(xmlNode *pn, bf_param *p, const char *file, bf_errors *errs)
{
    int errors = 0, count = 0;
    for (xmlNode *v = pn->children; v; v = v->next)
        if (v->type == XML_ELEMENT_NODE)
            count++;
    p->values = calloc((size_t)(count ? count : 1), sizeof *p->values);
    if (!p->values)
        return 1;
    for (xmlNode *v = pn->children; v; v = v->next) {
        if (v->type != XML_ELEMENT_NODE)
            continue;
        bf_param_value *pv = &p->values[p->n_values];
        pv->line = bf_xml_line(v);
        char *from = xml_attr(v, "from");
        xmlChar *content = xmlNodeGetContent(v);
        const char *text = content ? (const char *)content : "";
        while (isspace((unsigned char)*text))
            text++;
        snprintf(pv->text, sizeof pv->text, "%s", text);
        for (char *e = pv->text + strlen(pv->text); e > pv->text && isspace((unsigned char)e[-1]);)
            *--e = '\0';
        if (!from || bf_date_parse(from, &pv->from) != BF_OK) {
            bf_errors_add(errs, _("%s:%ld: parameter %s: from=\"%s\" is not a date YYYY-MM-DD"), file,
                          bf_xml_line(v), p->name, from ? from : "");
            errors++;
        } else if (bf_number_parse(pv->text, &pv->value) != BF_OK) {
            bf_errors_add(errs, _("%s:%ld: parameter %s: value \"%s\" is not a plain decimal number"),
                          file, bf_xml_line(v), p->name, pv->text);
            errors++;
        } else {
            p->n_values++;
        }
        free(from);
        xmlFree(content);
    }
    qsort(p->values, (size_t)p->n_values, sizeof *p->values, compare_values);
    for (int i = 1; i < p->n_values; i++)
        if (p->values[i].from == p->values[i - 1].from) {
            char d[BF_DATE_STRLEN];
            bf_date_format(p->values[i].from, d);
            bf_errors_add(errs, _("%s:%ld: parameter %s: two values from %s"), file, p->line, p->name, d);
            errors++;
        }
    return errors;
}

/* Finds or adds the child of node `parent` with this key. */
static int tree_child(bf_params *ps, int parent, const char *key, size_t keylen, int *cap)
{
    for (int c = ps->nodes[parent].first_child; c >= 0; c = ps->nodes[c].next_sibling)
        if (strlen(ps->nodes[c].key) == keylen && memcmp(ps->nodes[c].key, key, keylen) == 0)
            return c;
    if (ps->n_nodes == *cap) {
        int ncap = *cap * 2;
        bf_param_node *grown = realloc(ps->nodes, sizeof *grown * (size_t)ncap);
        if (!grown)
            return -1;
        ps->nodes = grown;
        *cap = ncap;
    }
    int id = ps->n_nodes++;
    bf_param_node *n = &ps->nodes[id];
    n->key = strndup(key, keylen);
    const char *ppath = ps->nodes[parent].path;
    size_t plen = strlen(ppath);
    n->path = malloc(plen + keylen + 2);
    if (!n->key || !n->path)
        return -1;
    if (plen)
        snprintf(n->path, plen + keylen + 2, "%s.%.*s", ppath, (int)keylen, key);
    else
        snprintf(n->path, keylen + 1, "%.*s", (int)keylen, key);
    n->param = -1;
    n->first_child = -1;
    /* append as last child so iteration follows file order */
    n->next_sibling = -1;
    int *link = &ps->nodes[parent].first_child;
    while (*link >= 0)
        link = &ps->nodes[*link].next_sibling;
    *link = id;
    return id;
}

/* Builds the name tree; a name that is both a parameter and a group is an error. */
static int build_tree(bf_params *ps, const char *file, bf_errors *errs)
{
    int cap = 64;
    ps->nodes = calloc((size_t)cap, sizeof *ps->nodes);
    if (!ps->nodes)
        return 1;
    ps->n_nodes = 1;
    ps->nodes[0] = (bf_param_node){strdup(""), strdup(""), -1, -1, -1};
    if (!ps->nodes[0].key || !ps->nodes[0].path)
        return 1;
    int errors = 0;
    for (int i = 0; i < ps->n; i++) {
        const char *name = ps->items[i].name;
        int node = 0;
        for (const char *seg = name;;) {
            const char *dot = strchr(seg, '.');
            size_t len = dot ? (size_t)(dot - seg) : strlen(seg);
            node = tree_child(ps, node, seg, len, &cap);
            if (node < 0)
                return errors + 1;
            if (dot && ps->nodes[node].param >= 0) {
                bf_errors_add(errs, _("%s:%ld: parameter %s: %s is itself a parameter, it cannot "
                              "also be a group"), file, ps->items[i].line, name, ps->nodes[node].path);
                errors++;
                break;
            }
            if (!dot) {
                if (ps->nodes[node].first_child >= 0) {
                    bf_errors_add(errs, _("%s:%ld: parameter %s is also the group of other "
                                  "parameters"), file, ps->items[i].line, name);
                    errors++;
                }
                ps->nodes[node].param = i;
                break;
            }
            seg = dot + 1;
        }
    }
    return errors;
}

static const char *const kind_names[] = {"money", "count", "ratio", "age", "factor"};

const char *bf_param_kind_name(bf_param_kind kind)
{
    return kind >= BF_KIND_MONEY && kind <= BF_KIND_FACTOR ? kind_names[kind] : "?";
}

/* One bound: the min or max attribute when given, else the kind's (has = false: none). */
static int read_bound(xmlNode *n, const char *attr, bool kind_has, double kind_value,
                      const char *kind_text, bool *has, double *value, char text[40],
                      const bf_param *p, const char *file, bf_errors *errs)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
    *has = kind_has;
    *value = kind_value;
    snprintf(text, 40, "%s", kind_text);
    int errors = 0;
    if (v) {
        if (bf_number_parse((const char *)v, value) != BF_OK || strlen((const char *)v) >= 40) {
            bf_errors_add(errs, _("%s:%ld: parameter %s: %s=\"%s\" is not a plain decimal number"),
                          file, p->line, p->name, attr, (const char *)v);
            errors++;
        } else {
            *has = true;
            snprintf(text, 40, "%s", (const char *)v);
        }
    }
    xmlFree(v);
    return errors;
}

/* The range a parameter declares: its kind, narrowed or widened by min and max. */
static int read_range(xmlNode *n, bf_param *p, const char *file, bf_errors *errs)
{
    xmlChar *kind = xmlGetProp(n, (const xmlChar *)"kind");
    int k = 0;
    while (k < 5 && !(kind && strcmp((const char *)kind, kind_names[k]) == 0))
        k++;
    xmlFree(kind);
    if (k == 5) {                                    /* the schema allows no other */
        bf_errors_add(errs, _("%s:%ld: parameter %s: kind must be money, count, ratio, age or factor"),
                      file, p->line, p->name);
        return 1;
    }
    bf_param_range *r = &p->range;
    r->kind = (bf_param_kind)k;
    bool upper = r->kind == BF_KIND_RATIO || r->kind == BF_KIND_AGE;
    int errors = read_bound(n, "min", true, 0, "0", &r->has_min, &r->min, r->min_text, p, file, errs);
    errors += read_bound(n, "max", upper, r->kind == BF_KIND_AGE ? 120 : 1,
                         r->kind == BF_KIND_AGE ? "120" : "1", &r->has_max, &r->max, r->max_text,
                         p, file, errs);
    if (!errors && r->has_min && r->has_max && r->min > r->max) {
        bf_errors_add(errs, _("%s:%ld: parameter %s: min %s is above max %s"), file, p->line, p->name,
                      r->min_text, r->max_text);
        errors++;
    }
    return errors;
}

bool bf_param_in_range(const bf_param *p, double value)
{
    const bf_param_range *r = &p->range;
    return (!r->has_min || value >= r->min) && (!r->has_max || value <= r->max);
}

void bf_param_range_text(const bf_param *p, char *out, size_t len)
{
    const bf_param_range *r = &p->range;
    if (r->has_min && r->has_max)
        snprintf(out, len, _("from %s to %s"), r->min_text, r->max_text);
    else if (r->has_min)
        snprintf(out, len, _("at least %s"), r->min_text);
    else if (r->has_max)
        snprintf(out, len, _("at most %s"), r->max_text);
    else
        snprintf(out, len, _("any value"));
}

/* Names the first of name, title, unit and source that parameter p lacks (the schema requires
 * all four, so this guards a schema edited to drop one). */
static void missing_attribute(const bf_param *p, const char *file, bf_errors *errs)
{
    const char *name = p->name ? p->name : "";
    if (!p->name)
        bf_errors_add(errs, _("%s:%ld: a parameter has no name: every parameter needs a name, a "
                              "title, a unit and a source"), file, p->line);
    else if (!p->title)
        bf_errors_add(errs, _("%s:%ld: parameter %s has no title: every parameter needs a name, a "
                              "title, a unit and a source"), file, p->line, name);
    else if (!p->unit)
        bf_errors_add(errs, _("%s:%ld: parameter %s has no unit: every parameter needs a name, a "
                              "title, a unit and a source"), file, p->line, name);
    else
        bf_errors_add(errs, _("%s:%ld: parameter %s has no source: every parameter needs a name, "
                              "a title, a unit and a source"), file, p->line, name);
}

static int read_parameters(xmlDoc *doc, bf_params *ps, const char *file, bf_errors *errs)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    int count = 0, errors = 0;
    for (xmlNode *n = root ? root->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            count++;
    ps->items = calloc((size_t)(count ? count : 1), sizeof *ps->items);
    if (!ps->items)
        return 1;
    for (xmlNode *n = root ? root->children : NULL; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        bf_param *p = &ps->items[ps->n++];
        p->name = xml_attr(n, "name");
        p->unit = xml_attr(n, "unit");
        p->title = xml_attr(n, "title");
        p->source = xml_attr(n, "source");
        p->line = bf_xml_line(n);
        if (!p->name || !p->unit || !p->title || !p->source) {
            missing_attribute(p, file, errs);
            return errors + 1;
        }
        if (!valid_name(p->name)) {
            bf_errors_add(errs, _("%s:%ld: parameter name \"%s\" must be dot-separated lowercase "
                          "words (a-z, 0-9, _)"), file, p->line, p->name);
            errors++;
        }
        for (int j = 0; j < ps->n - 1; j++)
            if (strcmp(ps->items[j].name, p->name) == 0) {
                bf_errors_add(errs, _("%s:%ld: parameter %s is defined twice (first at line %ld)"),
                              file, p->line, p->name, ps->items[j].line);
                errors++;
                break;
            }
        errors += read_range(n, p, file, errs);
        errors += read_values(n, p, file, errs);
    }
    return errors;
}

/* Reads params.xml once: its bytes are parsed from memory (the path still names the file in
 * every message) and kept in ps for the run's audit record, which hashes them only when a run
 * or a simulation asks (check need not pay for the hash). */
int bf_params_load(const char *path, bf_params **out, bf_errors *errs)
{
    *out = NULL;
    size_t n_bytes = 0;
    errno = 0;
    char *bytes = bf_read_file(path, &n_bytes);
    if (!bytes) {
        bf_errors_add(errs, _("%s: cannot open: %s"), path, strerror(errno ? errno : EIO));
        return BF_EIO;
    }
    xmlDoc *doc = NULL;
    int rc = bf_xml_load_memory(bytes, n_bytes, path, BF_XSD_PARAMETERS, &doc, errs);
    if (rc != BF_OK) {
        free(bytes);
        return rc;
    }
    bf_params *ps = calloc(1, sizeof *ps);
    if (!ps || !(ps->path = strdup(path))) {
        free(ps);
        free(bytes);
        xmlFreeDoc(doc);
        return BF_ENOMEM;
    }
    ps->bytes = bytes;
    ps->n_bytes = n_bytes;
    int errors = read_parameters(doc, ps, path, errs);
    xmlFreeDoc(doc);
    if (!errors)
        errors = build_tree(ps, path, errs);
    if (errors) {
        bf_params_free(ps);
        return BF_EINPUT;
    }
    *out = ps;
    return BF_OK;
}

void bf_params_free(bf_params *ps)
{
    if (!ps)
        return;
    for (int i = 0; i < ps->n; i++) {
        bf_param *p = &ps->items[i];
        free(p->name);
        free(p->unit);
        free(p->title);
        free(p->source);
        free(p->values);
    }
    for (int i = 0; i < ps->n_nodes; i++) {
        free(ps->nodes[i].key);
        free(ps->nodes[i].path);
    }
    free(ps->nodes);
    free(ps->items);
    free(ps->path);
    free(ps->bytes);
    free(ps);
}

int bf_params_index(const bf_params *ps, const char *name)
{
    for (int i = 0; i < ps->n; i++)
        if (strcmp(ps->items[i].name, name) == 0)
            return i;
    return -1;
}

int bf_param_value_on(const bf_param *param, bf_date date)
{
    int found = -1;
    for (int i = 0; i < param->n_values && param->values[i].from <= date; i++)
        found = i;
    return found;
}

int bf_override_parse(const char *arg, bf_override *out, bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof out->name)
        return bf_errors_fail(errs, BF_EINPUT, _("'%s' is not NAME=VALUE"), arg);
    memcpy(out->name, arg, (size_t)(eq - arg));
    if (bf_number_parse(eq + 1, &out->value) != BF_OK || strlen(eq + 1) >= sizeof out->text)
        return bf_errors_fail(errs, BF_EINPUT, _("%s: value '%s' is not a plain decimal number"),
                              out->name, eq + 1);
    snprintf(out->text, sizeof out->text, "%s", eq + 1);
    return BF_OK;
}

/* Where override k came from, for messages ("--set", "s.xml:4"). */
static const char *origin_of(const bf_override *o)
{
    return *o->origin ? o->origin : "--set";
}

/* An override's value must be in its parameter's range, and no earlier override may name the
 * same parameter; false with the message in errs. */
static bool check_override(const bf_params *defs, const bf_override *ov, int k, int i,
                           bf_errors *errs)
{
    const bf_param *p = &defs->items[i];
    if (!bf_param_in_range(p, ov[k].value)) {
        char range[128];
        bf_param_range_text(p, range, sizeof range);
        bf_errors_add(errs, _("%s: %s = %s is out of range: it must be %s (kind %s, unit %s; declared at %s:%ld)"),
                      origin_of(&ov[k]), p->name, ov[k].text, range,
                      bf_param_kind_name(p->range.kind), p->unit, defs->path, p->line);
        return false;
    }
    for (int j = 0; j < k; j++)
        if (strcmp(ov[j].name, ov[k].name) == 0) {
            bf_errors_add(errs, _("%s is set twice (to %s at %s, to %s at %s): give it once"),
                          p->name, ov[j].text, origin_of(&ov[j]), ov[k].text, origin_of(&ov[k]));
            return false;
        }
    return true;
}

int bf_params_resolve(const bf_params *defs, bf_date date, const bf_override *ov, int n_ov,
                      bf_param_set *out, bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    out->defs = defs;
    out->date = date;
    size_t n = (size_t)(defs->n ? defs->n : 1);
    out->value = calloc(n, sizeof *out->value);
    out->text = calloc(n, sizeof *out->text);
    out->in_force = calloc(n, sizeof *out->in_force);
    out->overridden = calloc(n, sizeof *out->overridden);
    if (!out->value || !out->text || !out->in_force || !out->overridden) {
        bf_param_set_free(out);
        return BF_ENOMEM;
    }
    for (int i = 0; i < defs->n; i++) {
        int v = bf_param_value_on(&defs->items[i], date);
        out->in_force[i] = v >= 0;
        if (v >= 0) {
            out->value[i] = defs->items[i].values[v].value;
            out->text[i] = defs->items[i].values[v].text;
        }
    }
    int errors = 0;
    for (int k = 0; k < n_ov; k++) {
        int i = bf_params_index(defs, ov[k].name);
        if (i < 0) {
            bf_errors_add(errs, _("unknown parameter '%s' (see 'bangfu params')"), ov[k].name);
            errors++;
            continue;
        }
        if (!check_override(defs, ov, k, i, errs)) {
            errors++;
            continue;
        }
        if (ov[k].has_from) {
            /* the override wins over a file value from the same or an earlier date */
            int v = bf_param_value_on(&defs->items[i], date);
            if (ov[k].from > date || (v >= 0 && defs->items[i].values[v].from > ov[k].from))
                continue;
        }
        out->value[i] = ov[k].value;
        out->text[i] = ov[k].text;
        out->in_force[i] = true;
        out->overridden[i] = true;
    }
    if (errors) {
        bf_param_set_free(out);
        return BF_EINPUT;
    }
    return BF_OK;
}

void bf_override_effects(const bf_params *defs, bf_date date, const bf_override *ov, int n,
                         bf_override_effect *effects, bf_errors *warnings)
{
    for (int k = 0; k < n; k++) {
        bf_override_effect *e = &effects[k];
        memset(e, 0, sizeof *e);
        int i = bf_params_index(defs, ov[k].name);
        if (i < 0)
            continue;
        const bf_param *p = &defs->items[i];
        int v = bf_param_value_on(p, date);
        e->in_force = v >= 0 ? p->values[v].text : NULL;
        char d[BF_DATE_STRLEN], f[BF_DATE_STRLEN];
        bf_date_format(date, d);
        if (ov[k].has_from && ov[k].from > date) {
            bf_date_format(ov[k].from, f);
            bf_errors_add(warnings, _("%s = %s from %s changes nothing: that is after the evaluation "
                          "date %s"), p->name, ov[k].text, f, d);
            continue;
        }
        if (ov[k].has_from && v >= 0 && p->values[v].from > ov[k].from) {
            bf_date_format(p->values[v].from, f);
            bf_errors_add(warnings, _("%s = %s changes nothing on %s: the value %s from %s in %s "
                          "replaces it"), p->name, ov[k].text, d, e->in_force, f, defs->path);
            continue;
        }
        e->applies = true;
        e->same = v >= 0 && p->values[v].value == ov[k].value;
        if (e->same)
            bf_errors_add(warnings, _("%s = %s is the value in force on %s: it changes nothing"),
                          p->name, ov[k].text, d);
    }
}

void bf_param_set_free(bf_param_set *s)
{
    free(s->value);
    free(s->text);
    free(s->in_force);
    free(s->overridden);
    memset(s, 0, sizeof *s);
}
