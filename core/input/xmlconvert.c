/* xmlconvert.c — XML attributes into household and member records: the one mapping of
 * <household>, its child elements and <member> onto the record fields, used by the streaming
 * reader (xmlreader.c) and for a <household> element of a tree (the policies' test cases). */
#include "xmlio.h"
#include "i18n.h"
#include "bangfu.h"
#include "internal.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void bf__conv_error(bf__conv *c, const char *fmt, ...)
{
    char msg[768], where[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long line = c->m && c->m->line ? c->m->line : c->h->line;
    bf_place place = {c->file ? c->file : "(input)", line, 0};
    if (c->place && c->el >= 0)
        c->place(c->place_ctx, c->el, c->attr, &place);
    bf__place_format(&place, where, sizeof where);
    const char *hid = c->h->id[0] ? c->h->id : _("(no id)");
    if (c->m)
        bf_errors_add(c->errs, _("%shousehold %s, member %s: %s"), where, hid,
                      c->m->id[0] ? c->m->id : _("(no id)"), msg);
    else
        bf_errors_add(c->errs, _("%shousehold %s: %s"), where, hid, msg);
    c->count++;
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
int bf__xml_field_of(bf_record_kind kind, const char *element, const char *attr)
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

bool bf__xml_field_in(const char *field, const char **element, const char **attr)
{
    for (int i = 0; field && i < NFIELDS(household_xml); i++)
        if (strcmp(household_xml[i].field, field) == 0) {
            *element = household_xml[i].element;
            *attr = household_xml[i].attr;
            return true;
        }
    return false;
}

/* Converts value v into field i through the one conversion of household.c; a value that does
 * not convert is reported naming the element and attribute. The "<income wage>" label is
 * formatted only then (converting again, which fails the same way, to word the message): an
 * import converts some fifty attributes per household and nearly all of them convert. */
static void set_field(bf__conv *c, bf_record_kind kind, int i, const char *element, const char *attr,
                      char *base, const char *v)
{
    bf_errors why;
    bf_errors_init(&why, 1);
    if (bf_field_set(kind, i, base, v, attr, &why) == BF_OK)
        return;
    if (kind == BF_RECORD_HOUSEHOLD && strcmp(element, "household") != 0) {
        char what[64];
        snprintf(what, sizeof what, "<%s %s>", element, attr);
        bf_errors_free(&why);                /* said again, naming the element */
        bf_field_set(kind, i, base, v, what, &why);
    }
    bf__conv_error(c, "%s", bf_errors_first(&why));
    bf_errors_free(&why);
}

/* Converts attribute name="value" of element, field i of the record at base (field_of), into
 * it; an unknown attribute (i < 0) is an error. *seen collects the fields given. */
void bf__conv_attr(bf__conv *c, bf_record_kind kind, const char *element, char *base,
                   const char *name, int i, const char *value, uint64_t *seen)
{
    c->attr = name;
    if (i < 0)
        bf__conv_error(c, _("<%s>: unknown attribute '%s'"), element, name);
    else {
        set_field(c, kind, i, element, name, base, value);
        *seen |= UINT64_C(1) << i;
    }
    c->attr = NULL;
}

/* After the attributes of element: the required fields it did not give are errors. */
void bf__conv_required(bf__conv *c, bf_record_kind kind, const char *element, char *base,
                       uint64_t seen)
{
    /* the required fields are all attributes of <household> or <member> */
    if (kind == BF_RECORD_HOUSEHOLD && strcmp(element, "household") != 0)
        return;
    int n = bf_field_count(kind);
    uint64_t all = n >= 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
    for (uint64_t missing = all & ~seen; missing; missing &= missing - 1) {  /* (few, if any) */
        int i = __builtin_ctzll(missing);
        if (bf__field_required(kind, i)) {
            bf__conv_error(c, _("<%s>: missing attribute '%s'"), element, bf_field_name(kind, i));
            bf__field_reject(kind, i, base);
        }
    }
}

/* Adds a member to the household of c, or reports (once) that it cannot. */
bf_member *bf__conv_member(bf__conv *c, long line)
{
    bf_member *m = bf_household_add_member(c->h);
    if (!m) {
        if (!c->too_many)
            bf__conv_error(c, c->h->n_members >= BF_MEMBERS_MAX
                              ? "more than %d members" : "out of memory after %d members",
                       c->h->n_members);
        c->too_many = true;
        return NULL;
    }
    m->line = (int)(line > INT_MAX ? INT_MAX : line);
    return m;
}

/* True for the child elements of <household> whose attributes are household fields. */
bool bf__xml_household_part(const char *name)
{
    return strcmp(name, "income") == 0 || strcmp(name, "assets") == 0 ||
           strcmp(name, "expenses") == 0 || strcmp(name, "housing") == 0 ||
           strcmp(name, "water") == 0;
}

/* ---- a <household> element of a tree ---- */

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

/* Converts every attribute of node into the record at base; unknown attributes and missing
 * required ones are errors. element names the element in messages. */
static void convert_attrs(bf__conv *c, const xmlNode *node, bf_record_kind kind, const char *element,
                          char *base)
{
    uint64_t seen = 0;
    for (const xmlAttr *a = node->properties; a; a = a->next) {
        xmlChar *to_free;
        const char *name = (const char *)a->name;
        bf__conv_attr(c, kind, element, base, name, bf__xml_field_of(kind, element, name),
                     attr_text(a, &to_free), &seen);
        xmlFree(to_free);
    }
    bf__conv_required(c, kind, element, base, seen);
}

/* Reads the id attribute first so every later message names the record. */
static void read_id_first(const xmlNode *node, char *dst, size_t size)
{
    for (const xmlAttr *a = node->properties; a; a = a->next)
        if (strcmp((const char *)a->name, "id") == 0) {
            xmlChar *to_free;
            bf__text_copy(dst, size, attr_text(a, &to_free));   /* set_field reports a cut */
            xmlFree(to_free);
            return;
        }
}

static bool is_element(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

int bf_xml_household_from_node(xmlNode *node, bf_household *h, const char *file, bf_errors *errs)
{
    bf_household_reset(h);
    bf__conv c = {file, errs, h, NULL, 0, false, NULL, NULL, -1, NULL};
    long line = bf_xml_line(node);
    h->line = (int)(line > INT_MAX ? INT_MAX : line);
    read_id_first(node, h->id, sizeof h->id);
    convert_attrs(&c, node, BF_RECORD_HOUSEHOLD, "household", (char *)h);
    for (xmlNode *k = node->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)k->name;
        if (is_element(k, "member")) {
            bf_member *m = bf__conv_member(&c, bf_xml_line(k));
            if (!m)
                continue;
            c.m = m;
            read_id_first(k, m->id, sizeof m->id);
            convert_attrs(&c, k, BF_RECORD_MEMBER, "member", (char *)m);
            c.m = NULL;
        } else if (bf__xml_household_part(name))
            convert_attrs(&c, k, BF_RECORD_HOUSEHOLD, name, (char *)h);
        else
            bf__conv_error(&c, _("unexpected element <%s> in <household>"), name);
    }
    return c.count;
}
