/* test_xmlio.c — the XML layer: embedded schemas, the streaming reader, the loader, the writer. */
#include <criterion/criterion.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "bangfu.h"
#include "xmlio.h"
#include "xmlwrite.h"

#include "helpers.h"

#define HH(name) BF_TEST_DATA "/households/" name

static void teardown(void)
{
    bf_test_dir_teardown();
    bf_xml_cleanup();
}

TestSuite(xmlio, .init = bf_test_dir_setup, .fini = teardown);

/* True when some message of errs contains every one of the NULL-terminated strings. */
static bool has_error(const bf_errors *errs, const char *a, const char *b, const char *c)
{
    for (int i = 0; i < errs->count; i++)
        if (strstr(errs->msgs[i], a) && (!b || strstr(errs->msgs[i], b)) &&
            (!c || strstr(errs->msgs[i], c)))
            return true;
    return false;
}

/* Prints errs into one string for assertion messages (static buffer). */
static const char *all_errors(const bf_errors *errs)
{
    static char buf[8192];
    buf[0] = '\0';
    for (int i = 0; i < errs->count; i++) {
        strncat(buf, errs->msgs[i], sizeof buf - strlen(buf) - 2);
        strncat(buf, "\n", sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

/* Reads every household of a file; returns how many (up to max) and the clean flags. */
static int read_all(const char *path, bf_household *out, bool *clean, int max, bf_errors *errs,
                    int *rc)
{
    bf_xml_reader *r;
    *rc = bf_xml_reader_open(path, errs, &r);
    if (*rc != BF_OK)
        return 0;
    int n = 0;
    bool got, ok;
    bf_household h = {0};
    bf_household_reset(&h);
    while ((*rc = bf_xml_reader_next(r, &h, &got, &ok)) == BF_OK && got) {
        if (n < max) {
            memset(&out[n], 0, sizeof out[n]);
            cr_assert_eq(bf_household_copy(&out[n], &h), BF_OK);
            clean[n] = ok;
        }
        n++;
    }
    bf_household_free(&h);
    bf_xml_reader_close(r);
    return n;
}

static void free_all(bf_household *h, int n)
{
    for (int i = 0; i < n; i++)
        bf_household_free(&h[i]);
}

/* ---- schemas ---- */

Test(xmlio, every_embedded_schema_compiles)
{
    bf_errors errs;
    bf_errors_init(&errs, 10);
    for (int i = 0; i < BF_XSD__N; i++) {
        xmlSchema *s = NULL;
        cr_expect_eq(bf_xml_schema_get((bf_xml_schema)i, &s, &errs), BF_OK, "schema %d: %s", i,
                     all_errors(&errs));
        cr_expect_not_null(s);
    }
    cr_expect_eq(bf_errors_total(&errs), 0);
    bf_errors_free(&errs);
}

Test(xmlio, schemas_are_embedded_not_read_from_disk)
{
    size_t len = 0;
    const char *text = bf_xml_schema_text("households.xsd", &len);
    cr_assert_not_null(text);
    cr_expect_eq(len, strlen(text));
    cr_expect(strstr(text, "targetNamespace=\"urn:bangfu:households:1\""));
    cr_expect(strstr(text, "household-types.xsd"), "households.xsd should include the types");
    const char *types = bf_xml_schema_text("household-types.xsd", NULL);
    cr_assert_not_null(types);
    cr_expect_null(strstr(types, "targetNamespace"), "the shared types must stay namespace-less");
    cr_expect_null(bf_xml_schema_text("nonexistent.xsd", NULL));
    /* compile from a folder with no schema files: nothing on disk is needed */
    char cwd[4096];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    cr_assert_eq(chdir(bf_test_dir), 0);
    bf_errors errs;
    bf_errors_init(&errs, 10);
    xmlSchema *s;
    cr_expect_eq(bf_xml_schema_get(BF_XSD_CASES, &s, &errs), BF_OK, "%s", all_errors(&errs));
    cr_assert_eq(chdir(cwd), 0);
    bf_errors_free(&errs);
}

Test(xmlio, params_xml_validates)
{
    const char *path = BF_SOURCE_DIR "/policies/params.xml";
    FILE *f = fopen(path, "r");
    if (!f)
        cr_skip_test("policies/params.xml does not exist yet");
    fclose(f);
    bf_errors errs;
    bf_errors_init(&errs, 20);
    xmlDoc *doc;
    cr_expect_eq(bf_xml_load(path, BF_XSD_PARAMETERS, &doc, &errs), BF_OK, "%s",
                 all_errors(&errs));
    xmlNode *root = xmlDocGetRootElement(doc);
    cr_assert_not_null(root);
    cr_expect_str_eq((const char *)root->name, "parameters");
    xmlFreeDoc(doc);
    bf_errors_free(&errs);
}

/* Every case file validates, and every inline household converts and passes the record rules
 * through the same function the streaming reader uses. */
Test(xmlio, policy_cases_validate_and_their_households_convert)
{
    glob_t g;
    if (glob(BF_SOURCE_DIR "/policies/tests/*.xml", 0, NULL, &g) != 0)
        cr_skip_test("no policies/tests/*.xml yet");
    int households = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        bf_errors errs;
        bf_errors_init(&errs, 20);
        xmlDoc *doc;
        cr_expect_eq(bf_xml_load(g.gl_pathv[i], BF_XSD_CASES, &doc, &errs), BF_OK, "%s: %s",
                     g.gl_pathv[i], all_errors(&errs));
        xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
        for (xmlNode *c = root ? root->children : NULL; c; c = c->next)
            for (xmlNode *k = c->children; k; k = k->next)
                if (k->type == XML_ELEMENT_NODE && strcmp((const char *)k->name, "household") == 0) {
                    bf_household h = {0};
                    cr_expect_eq(bf_xml_household_from_node(k, &h, g.gl_pathv[i], &errs), 0,
                                 "%s", all_errors(&errs));
                    cr_expect_eq(bf_household_validate(&h, g.gl_pathv[i], 0, &errs), 0, "%s",
                                 all_errors(&errs));
                    cr_expect_gt(h.line, 0);
                    cr_expect_gt(h.n_members, 0);
                    bf_household_free(&h);
                    households++;
                }
        xmlFreeDoc(doc);
        bf_errors_free(&errs);
    }
    globfree(&g);
    cr_expect_gt(households, 0);
}

/* ---- the loader ---- */

Test(xmlio, load_reports_schema_errors_with_file_and_line)
{
    const char doc[] = "<?xml version=\"1.0\"?>\n"
                       "<scenario xmlns=\"urn:bangfu:scenario:1\" name=\"s\">\n"
                       "  <set param=\"dibao.standard\" value=\"1e3\"/>\n"
                       "  <set param=\"dibao.standard\" value=\"600\" from=\"2021-13\"/>\n"
                       "</scenario>\n";
    bf_errors errs;
    bf_errors_init(&errs, 20);
    xmlDoc *out = (xmlDoc *)1;
    cr_expect_eq(bf_xml_load_memory(doc, sizeof doc - 1, "what-if.xml", BF_XSD_SCENARIO, &out,
                                    &errs), BF_EINPUT);
    cr_expect_null(out);
    /* libxml2's schema message said again at the field, in the words of the other errors */
    cr_expect(has_error(&errs, "what-if.xml:3: <set value>: '1e3' is not a value the schema allows here",
                        NULL, NULL), "%s", all_errors(&errs));
    cr_expect(has_error(&errs, "what-if.xml:4: <set from>: '2021-13' is not a value the schema allows here",
                        NULL, NULL), "%s", all_errors(&errs));
    cr_expect_null(strstr(all_errors(&errs), "{urn:"), "namespace noise: %s", all_errors(&errs));
    bf_errors_free(&errs);
}

Test(xmlio, load_reports_malformed_xml_with_column)
{
    const char doc[] = "<scenario xmlns=\"urn:bangfu:scenario:1\" name=\"s\">\n  <set param=\"a\"\n";
    bf_errors errs;
    bf_errors_init(&errs, 20);
    xmlDoc *out;
    cr_expect_eq(bf_xml_load_memory(doc, sizeof doc - 1, "bad.xml", BF_XSD_SCENARIO, &out, &errs),
                 BF_EINPUT);
    cr_expect(has_error(&errs, "bad.xml:3:1: ", NULL, NULL), "%s", all_errors(&errs));
    bf_errors_free(&errs);
}

Test(xmlio, load_wrong_root_or_namespace)
{
    const char doc[] = "<scenario name=\"s\"><set param=\"a\" value=\"1\"/></scenario>";
    bf_errors errs;
    bf_errors_init(&errs, 20);
    xmlDoc *out;
    cr_expect_eq(bf_xml_load_memory(doc, sizeof doc - 1, "nons.xml", BF_XSD_SCENARIO, &out, &errs),
                 BF_EINPUT);
    cr_expect(has_error(&errs, "nons.xml:1", "scenario", NULL), "%s", all_errors(&errs));
    bf_errors_free(&errs);
}

Test(xmlio, load_missing_file)
{
    bf_errors errs;
    bf_errors_init(&errs, 20);
    xmlDoc *out;
    char *path = bf_test_path(bf_test_dir, "nope.xml");
    cr_expect_eq(bf_xml_load(path, BF_XSD_CASES, &out, &errs), BF_EIO);
    cr_expect(has_error(&errs, path, "cannot open", NULL), "%s", all_errors(&errs));
    free(path);
    bf_errors_free(&errs);
}

Test(xmlio, load_refuses_external_entities)
{
    char *secret = bf_test_path(bf_test_dir, "secret.txt");
    cr_assert_eq(bf_test_write_file(secret, "TOP-SECRET", (size_t)-1), 0);
    char doc[1024];
    snprintf(doc, sizeof doc,
             "<!DOCTYPE scenario [<!ENTITY x SYSTEM \"file://%s\">]>\n"
             "<scenario xmlns=\"urn:bangfu:scenario:1\" name=\"&x;\">"
             "<set param=\"a\" value=\"1\"/></scenario>", secret);
    bf_errors errs;
    bf_errors_init(&errs, 20);
    xmlDoc *out = NULL;
    bf_xml_load_memory(doc, strlen(doc), "xxe.xml", BF_XSD_SCENARIO, &out, &errs);
    if (out) {
        xmlChar *name = xmlGetProp(xmlDocGetRootElement(out), BAD_CAST "name");
        cr_expect(!name || !strstr((const char *)name, "TOP-SECRET"), "external entity loaded");
        xmlFree(name);
        xmlFreeDoc(out);
    }
    bf_errors_free(&errs);
    free(secret);
}

/* ---- the streaming reader ---- */

Test(xmlio, reader_reads_the_good_file_with_lines)
{
    bf_household h[8];
    bool clean[8];
    bf_errors errs;
    bf_errors_init(&errs, 20);
    int rc;
    int n = read_all(HH("good.xml"), h, clean, 8, &errs, &rc);
    cr_assert_eq(rc, BF_OK, "%s", all_errors(&errs));
    cr_assert_eq(n, 4);
    cr_expect_eq(bf_errors_total(&errs), 0, "%s", all_errors(&errs));
    const int lines[] = {6, 16, 22, 26};
    for (int i = 0; i < 4; i++) {
        cr_expect(clean[i]);
        cr_expect_eq(h[i].line, lines[i], "%s at line %d", h[i].id, h[i].line);
        cr_expect_eq(bf_household_validate(&h[i], "good.xml", 0, &errs), 0, "%s",
                     all_errors(&errs));
    }
    cr_expect_str_eq(h[0].town, "乳城镇");
    cr_expect_eq(h[0].members[0].line, 12);
    cr_expect_eq(h[3].members[4].line, 35);
    cr_expect_not(h[0].has_previous);
    cr_expect(h[1].has_previous);
    cr_expect_eq(h[1].previous, 0);
    cr_expect_eq(h[3].n_members, 5);
    free_all(h, n < 8 ? n : 8);
    bf_errors_free(&errs);
}

Test(xmlio, reader_reports_several_errors_and_keeps_reading)
{
    bf_household h[8];
    bool clean[8];
    bf_errors errs;
    bf_errors_init(&errs, 20);
    int rc;
    int n = read_all(HH("several-errors.xml"), h, clean, 8, &errs, &rc);
    cr_expect_eq(rc, BF_OK);
    cr_expect_eq(n, 5, "every household is still returned");
    cr_expect(clean[0] && clean[1] && clean[4], "B001, B002 and the duplicate convert cleanly");
    cr_expect_not(clean[2], "B003 has an impossible birth date");
    cr_expect_not(clean[3], "B004 has an unknown sex");
    cr_expect(has_error(&errs, "several-errors.xml:12:41: household B003, member B003-1: birth",
                        "2021-02-29", NULL), "%s", all_errors(&errs));
    cr_expect(has_error(&errs, "several-errors.xml:15:60: household B004, member B004-1: ", "sex: ",
                        "'X'"), "%s", all_errors(&errs));
    free_all(h, n < 8 ? n : 8);
    bf_errors_free(&errs);
}

Test(xmlio, reader_stops_at_malformed_xml_and_names_the_household)
{
    bf_household h[8];
    bool clean[8];
    bf_errors errs;
    bf_errors_init(&errs, 20);
    int rc;
    int n = read_all(HH("malformed.xml"), h, clean, 8, &errs, &rc);
    cr_expect_eq(rc, BF_EINPUT);
    cr_expect_eq(n, 1, "B001, whole before the break, is read");
    if (n >= 1)
        cr_expect_str_eq(h[0].id, "B001");
    free_all(h, n < 8 ? n : 8);
    cr_expect(has_error(&errs, "malformed.xml:9:3: household B002: ", NULL, NULL), "%s",
              all_errors(&errs));
    bf_errors_free(&errs);
}

Test(xmlio, reader_rejects_non_utf8)
{
    bf_household h[8];
    bool clean[8];
    bf_errors errs;
    bf_errors_init(&errs, 20);
    int rc;
    read_all(HH("not-utf8.xml"), h, clean, 8, &errs, &rc);
    cr_expect_eq(rc, BF_EINPUT);
    cr_expect(has_error(&errs, "not-utf8.xml:8:", "household B002", "UTF-8"), "%s",
              all_errors(&errs));
    bf_errors_free(&errs);
}

/* One member's attributes, all valid (for the files written below). */
#define MEMBER_ATTRS "relation=\"head\" birth=\"1970-01-01\" sex=\"M\" labor=\"full\" " \
    "employment=\"local\" school=\"none\" self_care=\"full\" disability=\"0\" " \
    "disability_type=\"none\" serious_illness=\"false\" pension_insured=\"true\" " \
    "medical_insured=\"true\" medical_cost=\"0\" supporter=\"true\""

/* What read_all gives for one file. */
typedef struct read_result {
    bf_household h[4];
    bool clean[4];
    bf_errors errs;
    int rc, n;
} read_result;

static void read_file(const char *path, read_result *res)
{
    bf_errors_init(&res->errs, 20);
    res->n = read_all(path, res->h, res->clean, 4, &res->errs, &res->rc);
}

static void free_result(read_result *res)
{
    free_all(res->h, res->n < 4 ? res->n : 4);
    bf_errors_free(&res->errs);
}

/* Writes text into a file of the test's folder; its path (free it). */
static char *write_file(const char *name, const char *text)
{
    char *path = bf_test_path(bf_test_dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
    return path;
}

/* Households written one after the other on one line: each value is placed in its own
 * household (the column of H2's status), and a schema message of one is not given to another. */
Test(xmlio, reader_places_values_of_households_on_one_line)
{
    const char *line3 =
        "<household id=\"H1\" town=\"t\" village=\"v\"><member id=\"H1-1\" " MEMBER_ATTRS "/></household>"
        "<household id=\"H2\" town=\"t\" village=\"v\" status=\"rich\"><member id=\"H2-1\" " MEMBER_ATTRS "/></household>"
        "<household id=\"H3\" town=\"t\" village=\"v\"/>";
    char text[4096];
    snprintf(text, sizeof text, "<?xml version=\"1.0\"?>\n<households xmlns=\"urn:bangfu:households:1\">\n"
             "%s\n</households>\n", line3);
    char *path = write_file("one-line.xml", text);
    read_result res;
    read_file(path, &res);
    const bf_errors *errs = &res.errs;
    cr_expect_eq(res.rc, BF_OK);
    cr_assert_eq(res.n, 3, "%s", all_errors(errs));
    cr_expect(res.clean[0] && !res.clean[1] && !res.clean[2], "%s", all_errors(errs));
    /* the column of status=, counted in the line itself (ASCII: bytes are characters) */
    char where[64];
    snprintf(where, sizeof where, "one-line.xml:3:%ld: household H2: status",
             (long)(strstr(line3, "status=") - line3) + 1);
    cr_expect(has_error(errs, where, "'rich'", NULL), "%s\n(expected %s)", all_errors(errs), where);
    snprintf(where, sizeof where, "one-line.xml:3:%ld: household H3: ",
             (long)(strstr(line3, "<household id=\"H3\"") - line3) + 1);
    cr_expect(has_error(errs, where, "<household> lacks a child element", NULL), "%s\n(expected %s)",
              all_errors(errs), where);
    cr_expect_not(has_error(errs, "household H1", NULL, NULL), "%s", all_errors(errs));
    cr_expect_eq(bf_errors_total(errs), 2, "%s", all_errors(errs));
    free_result(&res);
    free(path);
}

/* Values with references read as a tree holds them: &amp; and character references, and an
 * entity of the document's own DTD. */
Test(xmlio, reader_resolves_references_in_values)
{
    char *path = write_file("refs.xml",
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE households [<!ENTITY town \"\xe4\xb9\xb3\xe5\x9f\x8e\xe9\x95\x87\">]>\n"
        "<households xmlns=\"urn:bangfu:households:1\">\n"
        "<household id=\"R&amp;1\" town=\"&town;\" village=\"v\">\n"
        "<member id=\"R1-&#x41;\" name=\"A&lt;B\" " MEMBER_ATTRS "/>\n"
        "</household>\n</households>\n");
    read_result res;
    read_file(path, &res);
    cr_expect_eq(res.rc, BF_OK, "%s", all_errors(&res.errs));
    cr_assert_eq(res.n, 1, "%s", all_errors(&res.errs));
    cr_expect(res.clean[0], "%s", all_errors(&res.errs));
    cr_expect_str_eq(res.h[0].id, "R&1");
    cr_expect_str_eq(res.h[0].town, "乳城镇");
    cr_expect_str_eq(res.h[0].members[0].id, "R1-A");
    cr_expect_str_eq(res.h[0].members[0].name, "A<B");
    free_result(&res);
    free(path);
}

/* Household T1 (lines 70004 to 70007: members of 70005 and 70006, the second born on a day
 * that does not exist) or T2 (70008 to 70010, its member of 70009 of sex "Q"). */
static void tall_household(FILE *f, int i, void *user)
{
    (void)user;
    fprintf(f, "  <household id=\"T%d\" town=\"t\" village=\"v\">\n    ", i + 1);
    if (i == 0) {
        bf_test_member_xml(f, "T1-1", "1970-01-01", "M");
        fprintf(f, "\n    ");
        bf_test_member_xml(f, "T1-2", "2021-02-29", "F");
    } else {
        bf_test_member_xml(f, "T2-1", "1970-01-01", "Q");
    }
    fprintf(f, "\n  </household>\n");
}

/* Past line 65535 libxml2 stops recording element lines; messages must still be exact. */
Test(xmlio, reader_line_numbers_past_65535)
{
    /* a comment from line 2 to 70002, <households> on line 70003 */
    char *comment = malloc(70000 + 16);
    cr_assert_not_null(comment);
    strcpy(comment, "<!--");
    memset(comment + 4, '\n', 70000);
    strcpy(comment + 70004, "-->\n");
    char *path = bf_test_households_file("tall.xml", comment, 2, tall_household, NULL);
    free(comment);

    bf_household h[4];
    bool clean[4];
    bf_errors errs;
    bf_errors_init(&errs, 20);
    int rc;
    int n = read_all(path, h, clean, 4, &errs, &rc);
    cr_expect_eq(rc, BF_OK);
    cr_assert_eq(n, 2);
    cr_expect_eq(h[0].line, 70004);
    cr_expect_eq(h[0].members[0].line, 70005);
    cr_expect_eq(h[0].members[1].line, 70006);
    cr_expect_eq(h[1].line, 70008);
    cr_expect(has_error(&errs, "tall.xml:70006:39: household T1, member T1-2: birth", NULL, NULL),
              "%s", all_errors(&errs));
    cr_expect(has_error(&errs, "tall.xml:70009:58: household T2, member T2-1: ", "'Q'", NULL), "%s",
              all_errors(&errs));
    free_all(h, n);
    bf_errors_free(&errs);
    free(path);
}

/* ---- conversion of a tree that no schema checked ---- */

Test(xmlio, conversion_reports_what_the_schema_would_and_more)
{
    const char doc[] =
        "<household id=\"C1\" town=\"t\" village=\"v\" status=\"rich\" colour=\"red\">\n"
        "  <income wage=\"12.345\" previous=\"7\"/>\n"
        "  <assets extra_houses=\"two\"/>\n"
        "  <garden/>\n"
        "  <member id=\"C1-1\" relation=\"head\" birth=\"2021-02-29\" sex=\"M\" labor=\"full\" "
        "employment=\"local\" school=\"none\" self_care=\"full\" disability=\"7\" "
        "disability_type=\"none\" serious_illness=\"yes\" pension_insured=\"true\" "
        "medical_insured=\"true\" medical_cost=\"0\"/>\n"
        "</household>\n";
    xmlDoc *d = xmlReadMemory(doc, sizeof doc - 1, "raw.xml", NULL, XML_PARSE_NONET);
    cr_assert_not_null(d);
    bf_household h = {0};
    bf_errors errs;
    bf_errors_init(&errs, 40);
    int n = bf_xml_household_from_node(xmlDocGetRootElement(d), &h, "raw.xml", &errs);
    cr_expect_eq(n, bf_errors_total(&errs));
    cr_expect(has_error(&errs, "raw.xml:1: household C1: status", "'rich'", "none|poverty_alleviated"),
              "%s", all_errors(&errs));
    cr_expect(has_error(&errs, "household C1: ", "unknown attribute 'colour'", NULL), "%s",
              all_errors(&errs));
    cr_expect(has_error(&errs, "household C1: <income wage>", "'12.345'", NULL), "%s",
              all_errors(&errs));
    cr_expect(has_error(&errs, "household C1: <assets extra_houses>", "'two'", NULL), "%s",
              all_errors(&errs));
    cr_expect(has_error(&errs, "unexpected element <garden>", NULL, NULL), "%s", all_errors(&errs));
    cr_expect(has_error(&errs, "raw.xml:5: household C1, member C1-1: birth", "2021-02-29", NULL),
              "%s", all_errors(&errs));
    cr_expect(has_error(&errs, "member C1-1: disability", "'7'", NULL), "%s", all_errors(&errs));
    cr_expect(has_error(&errs, "member C1-1: serious_illness", "'yes'", NULL), "%s",
              all_errors(&errs));
    cr_expect(has_error(&errs, "member C1-1: <member>: missing attribute 'supporter'", NULL, NULL),
              "%s", all_errors(&errs));
    cr_expect_eq(n, 9, "%s", all_errors(&errs));
    cr_expect(h.has_previous);
    cr_expect_eq(h.previous, 700);
    bf_household_free(&h);
    bf_errors_free(&errs);
    xmlFreeDoc(d);
}

Test(xmlio, conversion_reports_text_too_long_for_its_field)
{
    char id[400];
    memset(id, 'x', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    char doc[1200];
    snprintf(doc, sizeof doc, "<household id=\"%s\" town=\"t\" village=\"v\"/>", id);
    xmlDoc *d = xmlReadMemory(doc, (int)strlen(doc), "long.xml", NULL, XML_PARSE_NONET);
    cr_assert_not_null(d);
    bf_household h = {0};
    bf_errors errs;
    bf_errors_init(&errs, 10);
    cr_expect_eq(bf_xml_household_from_node(xmlDocGetRootElement(d), &h, "long.xml", &errs), 1);
    cr_expect(has_error(&errs, "long.xml:1: household xxxx", "id is too long (399 bytes", NULL),
              "%s", all_errors(&errs));
    cr_expect_lt(strlen(h.id), sizeof h.id);
    bf_household_free(&h);
    bf_errors_free(&errs);
    xmlFreeDoc(d);
}

/* ---- the writer ---- */

/* Writes n households to path with the writer. */
static void write_all(const char *path, const bf_household *h, int n)
{
    bf_errors errs;
    bf_errors_init(&errs, 10);
    bf_xml_writer *w;
    cr_assert_eq(bf_xml_writer_open(path, &w, &errs), BF_OK, "%s", all_errors(&errs));
    for (int i = 0; i < n; i++)
        cr_assert_eq(bf_xml_write_household(w, &h[i]), BF_OK);
    cr_assert_eq(bf_xml_writer_close(w, &errs), BF_OK, "%s", all_errors(&errs));
    bf_errors_free(&errs);
}

Test(xmlio, writer_output_reads_back_identical)
{
    bf_household in[8], out[8];
    bool clean[8];
    bf_errors errs;
    bf_errors_init(&errs, 20);
    int rc;
    int n = read_all(HH("good.xml"), in, clean, 8, &errs, &rc);
    cr_assert_eq(n, 4);
    /* text that needs escaping survives too */
    snprintf(in[2].members[0].name, sizeof in[2].members[0].name, "A&B <\"阿梅\"> 'x'");
    snprintf(in[2].recorded, sizeof in[2].recorded, "dibao tekun");
    char *path = bf_test_path(bf_test_dir, "written.xml");
    write_all(path, in, n);

    int m = read_all(path, out, clean, 8, &errs, &rc);
    cr_assert_eq(rc, BF_OK, "%s", all_errors(&errs));
    cr_assert_eq(m, n);
    cr_expect_eq(bf_errors_total(&errs), 0, "%s", all_errors(&errs));
    for (int i = 0; i < n; i++) {
        char buf[512];
        const char *diff = bf_test_household_diff(&in[i], &out[i], buf, sizeof buf);
        cr_expect_null(diff, "%s", diff);
        cr_expect(clean[i]);
    }
    /* and the whole document validates as a small document too */
    xmlDoc *doc;
    cr_expect_eq(bf_xml_load(path, BF_XSD_HOUSEHOLDS, &doc, &errs), BF_OK, "%s", all_errors(&errs));
    xmlFreeDoc(doc);
    size_t len;
    char *text = bf_test_read_file(path, &len);
    cr_assert_not_null(text);
    const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<households xmlns=\""
                       "urn:bangfu:households:1\">\n  <household ";
    cr_expect(strncmp(text, head, strlen(head)) == 0, "%.200s", text);
    cr_expect(strstr(text, "乳城镇"), "Chinese text is written as UTF-8, not as references");
    free(text);
    free_all(in, n);
    free_all(out, m);
    bf_errors_free(&errs);
    free(path);
}

Test(xmlio, writer_with_no_households_writes_a_valid_file)
{
    char *path = bf_test_path(bf_test_dir, "empty.xml");
    write_all(path, NULL, 0);
    bf_errors errs;
    bf_errors_init(&errs, 10);
    xmlDoc *doc;
    cr_expect_eq(bf_xml_load(path, BF_XSD_HOUSEHOLDS, &doc, &errs), BF_OK, "%s", all_errors(&errs));
    xmlFreeDoc(doc);
    bf_errors_free(&errs);
    free(path);
}

Test(xmlio, writer_reports_a_path_it_cannot_create)
{
    char *path = bf_test_path(bf_test_dir, "no/such/folder/out.xml");
    bf_errors errs;
    bf_errors_init(&errs, 10);
    bf_xml_writer *w = (bf_xml_writer *)1;
    cr_expect_eq(bf_xml_writer_open(path, &w, &errs), BF_EIO);
    cr_expect_null(w);
    cr_expect(has_error(&errs, path, "cannot create", NULL), "%s", all_errors(&errs));
    bf_errors_free(&errs);
    free(path);
}

Test(xmlio, writer_reports_a_full_disk)
{
    FILE *probe = fopen("/dev/full", "w");
    if (!probe)
        cr_skip_test("no /dev/full here");
    fclose(probe);
    bf_household h[8];
    bool clean[8];
    bf_errors errs;
    bf_errors_init(&errs, 10);
    int rc;
    int n = read_all(HH("good.xml"), h, clean, 8, &errs, &rc);
    cr_assert_eq(n, 4);
    bf_xml_writer *w;
    cr_assert_eq(bf_xml_writer_open("/dev/full", &w, &errs), BF_OK);
    for (int k = 0; k < 200; k++)        /* more than any buffer holds */
        for (int i = 0; i < n; i++)
            bf_xml_write_household(w, &h[i]);
    cr_expect_eq(bf_xml_writer_close(w, &errs), BF_EIO);
    cr_expect(has_error(&errs, "/dev/full", "write failed", NULL), "%s", all_errors(&errs));
    free_all(h, n);
    bf_errors_free(&errs);
}

Test(xmlio, conversion_reports_too_many_members_once)
{
    char *doc = malloc(70 * 400 + 200);
    cr_assert_not_null(doc);
    size_t n = (size_t)sprintf(doc, "<household id=\"BIG\" town=\"t\" village=\"v\">\n");
    for (int i = 0; i < 70; i++)
        n += (size_t)sprintf(doc + n, "<member id=\"BIG-%d\" relation=\"child\" birth=\"2000-01-01\" "
                                      "sex=\"M\" labor=\"full\" employment=\"local\" school=\"none\" "
                                      "self_care=\"full\" disability=\"0\" disability_type=\"none\" "
                                      "serious_illness=\"false\" pension_insured=\"true\" "
                                      "medical_insured=\"true\" medical_cost=\"0\" supporter=\"true\"/>\n",
                             i);
    n += (size_t)sprintf(doc + n, "</household>\n");
    xmlDoc *d = xmlReadMemory(doc, (int)n, "big.xml", NULL, XML_PARSE_NONET);
    cr_assert_not_null(d);
    bf_household h = {0};
    bf_errors errs;
    bf_errors_init(&errs, 10);
    cr_expect_eq(bf_xml_household_from_node(xmlDocGetRootElement(d), &h, "big.xml", &errs), 1,
                 "%s", all_errors(&errs));
    cr_expect(has_error(&errs, "big.xml:1: household BIG: more than 64 members", NULL, NULL), "%s",
              all_errors(&errs));
    cr_expect_eq(h.n_members, BF_MEMBERS_MAX);
    bf_household_free(&h);
    bf_errors_free(&errs);
    xmlFreeDoc(d);
    free(doc);
}
