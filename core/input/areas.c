/* areas.c — policies/areas.xml: load, look up, suggest the nearest name. */
#include "areas.h"
#include "i18n.h"
#include "bangfu.h"
#include "xmlio.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct village {
    char *name;
    bool verified;
} village;

typedef struct town {
    char *name;
    village *villages;
    int n_villages;
} town;

struct bf_areas {
    char *file, *county;
    town *towns;
    int n_towns;
};

#define NAME_MAX_CHARS 256   /* longer texts are not compared (names have at most 64) */
#define NEAR_MAX 2           /* a suggestion is at most this many edits away */

void bf_areas_free(bf_areas *a)
{
    if (!a)
        return;
    for (int t = 0; t < a->n_towns; t++) {
        for (int v = 0; v < a->towns[t].n_villages; v++)
            free(a->towns[t].villages[v].name);
        free(a->towns[t].villages);
        free(a->towns[t].name);
    }
    free(a->towns);
    free(a->county);
    free(a->file);
    free(a);
}

/* A copy of attribute name of node, NULL when absent or out of memory. */
static char *attr_copy(xmlNode *node, const char *name)
{
    xmlChar *v = xmlGetProp(node, BAD_CAST name);
    char *copy = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return copy;
}

/* The number of element children of node called name. */
static int count_children(xmlNode *node, const char *name)
{
    int n = 0;
    for (xmlNode *k = node->children; k; k = k->next)
        n += k->type == XML_ELEMENT_NODE && strcmp((const char *)k->name, name) == 0;
    return n;
}

/* Reads one <town> (valid by the schema) into t; false when out of memory. */
static bool read_town(xmlNode *node, town *t)
{
    t->name = attr_copy(node, "name");
    int n = count_children(node, "village");
    t->villages = calloc((size_t)n, sizeof *t->villages);
    if (!t->name || !t->villages)
        return false;
    for (xmlNode *k = node->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        village *v = &t->villages[t->n_villages++];
        v->name = attr_copy(k, "name");
        char *verified = attr_copy(k, "verified");
        /* xs:boolean: true, false, 1 or 0; absent is true */
        v->verified = !verified || (strcmp(verified, "false") != 0 && strcmp(verified, "0") != 0);
        free(verified);
        if (!v->name)
            return false;
    }
    return true;
}

/* Reads the validated document into a. */
static int read_areas(xmlDoc *doc, bf_areas *a)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    int n = count_children(root, "town");
    a->county = attr_copy(root, "county");
    a->towns = calloc((size_t)n, sizeof *a->towns);
    if (!a->county || !a->towns)
        return BF_ENOMEM;
    for (xmlNode *k = root->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && !read_town(k, &a->towns[a->n_towns++]))
            return BF_ENOMEM;
    return BF_OK;
}

/* Loads and validates path (schema urn:bangfu:areas:1). */
static int load_file(const char *path, bf_areas **out, bf_errors *errs)
{
    *out = NULL;
    xmlDoc *doc;
    int rc = bf_xml_load(path, BF_XSD_AREAS, &doc, errs);
    if (rc != BF_OK)
        return rc;
    bf_areas *a = calloc(1, sizeof *a);
    rc = a && (a->file = strdup(path)) ? read_areas(doc, a) : BF_ENOMEM;
    xmlFreeDoc(doc);
    if (rc != BF_OK) {
        bf_errors_add(errs, _("%s: out of memory"), path);
        bf_areas_free(a);
        return rc;
    }
    *out = a;
    return BF_OK;
}

int bf_areas_load_dir(const char *dir, bf_areas **out, bf_errors *errs)
{
    size_t len = strlen(dir) + sizeof "/" BF_AREAS_FILE;
    char *path = malloc(len);
    if (!path) {
        *out = NULL;
        bf_errors_add(errs, _("out of memory"));
        return BF_ENOMEM;
    }
    snprintf(path, len, "%s/%s", dir, BF_AREAS_FILE);
    int rc = load_file(path, out, errs);
    free(path);
    return rc;
}

const char *bf_areas_file(const bf_areas *a) { return a->file; }
const char *bf_areas_county(const bf_areas *a) { return a->county; }
int bf_areas_town_count(const bf_areas *a) { return a->n_towns; }
const char *bf_areas_town_name(const bf_areas *a, int t) { return a->towns[t].name; }
int bf_areas_village_count(const bf_areas *a, int t) { return a->towns[t].n_villages; }

const char *bf_areas_village_name(const bf_areas *a, int t, int v, bool *verified)
{
    if (verified)
        *verified = a->towns[t].villages[v].verified;
    return a->towns[t].villages[v].name;
}

int bf_areas_town(const bf_areas *a, const char *name)
{
    for (int t = 0; t < a->n_towns; t++)
        if (strcmp(a->towns[t].name, name) == 0)
            return t;
    return -1;
}

bool bf__areas_village(const bf_areas *a, int t, const char *name)
{
    for (int v = 0; t >= 0 && t < a->n_towns && v < a->towns[t].n_villages; v++)
        if (strcmp(a->towns[t].villages[v].name, name) == 0)
            return true;
    return false;
}

int bf_areas_town_of_village(const bf_areas *a, const char *name)
{
    for (int t = 0; t < a->n_towns; t++)
        if (bf__areas_village(a, t, name))
            return t;
    return -1;
}

/* Decodes UTF-8 into at most max code points; the count, or -1 (invalid or too long). */
static int decode(const char *s, uint32_t *out, int max)
{
    const unsigned char *p = (const unsigned char *)s;
    int n = 0;
    while (*p) {
        int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3
                : (*p & 0xF8) == 0xF0 ? 4 : 0;
        if (!len || n == max)
            return -1;
        uint32_t cp = len == 1 ? *p : *p & (0xFF >> (len + 1));
        for (int i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        out[n++] = cp;
        p += len;
    }
    return n;
}

int bf_text_distance(const char *a, const char *b)
{
    uint32_t x[NAME_MAX_CHARS], y[NAME_MAX_CHARS];
    int n = decode(a, x, NAME_MAX_CHARS), m = decode(b, y, NAME_MAX_CHARS);
    if (n < 0 || m < 0)
        return -1;
    int row[NAME_MAX_CHARS + 1];           /* one row of the Levenshtein table */
    for (int j = 0; j <= m; j++)
        row[j] = j;
    for (int i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= m; j++) {
            int up = row[j];
            int best = diag + (x[i - 1] != y[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[m];
}

/* A suggestion is at most this many edits away: one in three characters, at most NEAR_MAX. */
static int near_limit(int len)
{
    int limit = (len + 2) / 3;
    return limit < NEAR_MAX ? limit : NEAR_MAX;
}

/* Keeps candidate in *best when it is nearer to name (len characters) than *best_d edits and
 * near enough to suggest. */
static void consider(const char *name, int len, const char *candidate, const char **best,
                     int *best_d)
{
    int d = bf_text_distance(name, candidate);
    if (d >= 0 && d < *best_d && d <= near_limit(len)) {
        *best = candidate;
        *best_d = d;
    }
}

/* The number of characters of name, -1 when it is not valid UTF-8 or too long. */
static int chars(const char *name)
{
    uint32_t cps[NAME_MAX_CHARS];
    return decode(name, cps, NAME_MAX_CHARS);
}

const char *bf_areas_nearest_town(const bf_areas *a, const char *name)
{
    const char *best = NULL;
    int best_d = NEAR_MAX + 1, len = chars(name);
    for (int t = 0; len > 0 && t < a->n_towns; t++)
        consider(name, len, a->towns[t].name, &best, &best_d);
    return best;
}

const char *bf_areas_nearest_village(const bf_areas *a, int t, const char *name)
{
    const char *best = NULL;
    int best_d = NEAR_MAX + 1, len = chars(name);
    for (int v = 0; len > 0 && t >= 0 && t < a->n_towns && v < a->towns[t].n_villages; v++)
        consider(name, len, a->towns[t].villages[v].name, &best, &best_d);
    return best;
}
