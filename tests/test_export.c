/* test_export.c — `bangfu export`: XML valid against the shipped XSD (real libxml2 validation), JSON and CSV through the plugins, totals equal to the run's, escaping, and failures that leave no file. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <dlfcn.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bangfu.h"
#include "buf.h"
#include "export.h"
#include "helpers.h"
#include "plugins.h"
#include "store.h"
#include "xmlio.h"

#define POLICIES BF_SOURCE_DIR "/policies"
#define PLUGINS BF_BUILD_DIR "/plugins"
#define XSD BF_SOURCE_DIR "/core/input/schemas/export.xsd"

TestSuite(export, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown, .timeout = 240);

/* A database with the sample (or a generated county of n households) run on 2021-06-30. */
static char *county(const char *households)
{
    char *db = bf_test_county("c.db", households, "11");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    return db;
}

/* The run's stored decisions as "count|eligible|amount_fen". The sample's run: 183 decisions, 129
 * eligible, 260485.65 yuan, of which temporary_aid's five (samples/households.xml): S01 800 + S03
 * 9636 + S07 4636 + S08 13224 + S25 500 = 28796. */
static char *stored_totals(const char *db)
{
    return bf_test_query(db, "SELECT count(*), sum(eligible), sum(amount_fen) FROM decisions "
                             "WHERE run_id = 1");
}

/* ---- XML ---- */

/* The XPath number of doc for expr. */
static double xpath_number(xmlDoc *doc, const char *expr)
{
    xmlXPathContext *ctx = xmlXPathNewContext(doc);
    cr_assert_not_null(ctx);
    cr_assert_eq(xmlXPathRegisterNs(ctx, BAD_CAST "e", BAD_CAST BF_NS_EXPORT), 0);
    xmlXPathObject *o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    cr_assert_not_null(o, "%s", expr);
    double v = xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return v;
}

static void quiet(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

/* Validates path against the XSD file on disk (not the embedded copy): 0 when valid. */
static int validate_with_file_schema(const char *path)
{
    xmlSchemaParserCtxt *pc = xmlSchemaNewParserCtxt(XSD);
    cr_assert_not_null(pc);
    xmlSchema *schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    cr_assert_not_null(schema, "core/input/schemas/export.xsd compiles");
    xmlSchemaValidCtxt *vc = xmlSchemaNewValidCtxt(schema);
    cr_assert_not_null(vc);
    xmlSchemaSetValidStructuredErrors(vc, quiet, NULL);
    int rc = xmlSchemaValidateFile(vc, path, 0);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    return rc;
}

Test(export, xml_validates_and_its_totals_are_the_runs)
{
    char *db = county(NULL), *out = bf_test_path(bf_test_dir, "run.xml");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--format", "xml", "--out", out,
                                NULL), 0, "%s", r.err);
    cr_expect(strstr(r.err, "183 decisions, 129 eligible, 260485.65 yuan"), "%s", r.err);
    bf_test_run_free(&r);
    /* the embedded schema (what bangfu ships in the binary) and the file on disk */
    bf_errors errs;
    bf_errors_init(&errs, 10);
    xmlDoc *doc = NULL;
    int rc = bf_xml_load(out, BF_XSD_EXPORT, &doc, &errs);
    cr_assert_eq(rc, BF_OK, "%s", errs.count ? errs.msgs[0] : "?");
    bf_errors_free(&errs);
    cr_expect_eq(validate_with_file_schema(out), 0);
    char *totals = stored_totals(db);
    cr_expect_str_eq(totals, "183|129|26048565\n");
    free(totals);
    cr_expect_eq(xpath_number(doc, "count(/e:export/e:decision)"), 183);
    cr_expect_eq(xpath_number(doc, "count(/e:export/e:decision[@eligible='true'])"), 129);
    cr_expect_eq(xpath_number(doc, "round(sum(/e:export/e:decision/@amount) * 100)"), 26048565);
    cr_expect_eq(xpath_number(doc, "/e:export/e:totals/@decisions"), 183);
    cr_expect_eq(xpath_number(doc, "round(/e:export/e:totals/@amount * 100)"), 26048565);
    /* the run's audit record and a decision with place, title, reasons and details */
    /* ten scripts, four policies/lib modules, params.xml; named within the policies folder */
    cr_expect_eq(xpath_number(doc, "count(/e:export/e:run/e:file)"), 15);
    cr_expect_eq(xpath_number(doc, "count(/e:export/e:run/e:file[@path='lib/decision.lua'])"), 1);
    cr_expect_eq(xpath_number(doc, "/e:export/e:run/e:parameter[@name='dibao.standard']/@value"), 551);
    cr_expect_eq(xpath_number(doc, "count(/e:export/e:decision[@household='S17' and @policy='dibao' "
                                   "and @town='东坪镇' and @title='农村最低生活保障' "
                                   "and @amount='2424.00' and @tier='household'])"), 1);
    cr_expect_eq(xpath_number(doc, "count(/e:export/e:decision[@household='S17' and @policy='dibao']"
                                   "/e:reason)"), 3);
    cr_expect_eq(xpath_number(doc, "/e:export/e:decision[@household='S17' and @policy='dibao']"
                                   "/e:detail[@name='pcm']/@value"), 450);
    xmlFreeDoc(doc);
    free(out);
    free(db);
}

Test(export, the_schema_rejects_what_it_should)
{
    char *db = county(NULL), *out = bf_test_path(bf_test_dir, "run.xml");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--format", "xml", "--out", out,
                                NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *text = bf_test_read_file(out, NULL);
    cr_assert_not_null(text);
    /* one decimal too few in an amount, and a decision without its household */
    const char *edits[][2] = {{"amount=\"2424.00\"", "amount=\"2424.0\""},
                              {"<decision household=\"S17\"", "<decision"}};
    for (int i = 0; i < 2; i++) {
        char *at = strstr(text, edits[i][0]);
        cr_assert_not_null(at);
        bf_buf b = {0};
        bf_buf_add(&b, text, (size_t)(at - text));
        bf_buf_puts(&b, edits[i][1]);
        bf_buf_puts(&b, at + strlen(edits[i][0]));
        char *bad = bf_test_path(bf_test_dir, "bad.xml");
        cr_assert_eq(bf_test_write_file(bad, bf_buf_str(&b), b.len), 0);
        cr_expect_neq(validate_with_file_schema(bad), 0, "edit %d must be rejected", i);
        bf_errors errs;
        bf_errors_init(&errs, 10);
        xmlDoc *doc = NULL;
        cr_expect_eq(bf_xml_load(bad, BF_XSD_EXPORT, &doc, &errs), BF_EINPUT);
        cr_expect_null(doc);
        bf_errors_free(&errs);
        bf_buf_free(&b);
        free(bad);
    }
    free(text);
    free(out);
    free(db);
}

/* ---- JSON ---- */

#define JSON_TOTALS "SELECT json_valid(?1), json_array_length(?1, '$.decisions'), " \
    "(SELECT sum(json_extract(value, '$.eligible')) FROM json_each(?1, '$.decisions')), " \
    "(SELECT sum(CAST(round(json_extract(value, '$.amount') * 100) AS INTEGER)) " \
    "FROM json_each(?1, '$.decisions'))"

Test(export, json_has_the_runs_totals_and_raw_chinese)
{
    char *db = county(NULL), *out = bf_test_path(bf_test_dir, "run.json");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--format", "json", "--out", out,
                                "--plugins", PLUGINS, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *text = bf_test_read_file(out, NULL);
    cr_assert_not_null(text);
    char *row = bf_test_json_sql(text, JSON_TOTALS);
    cr_expect_str_eq(row, "1|183|129|26048565");
    free(row);
    row = bf_test_json_sql(text, "SELECT json_extract(?1, '$.run.id'), json_extract(?1, '$.run.date'), "
                         "json_extract(?1, '$.run.status'), json_extract(?1, '$.run.households'), "
                         "json_extract(?1, '$.run.parameters.\"dibao.standard\"')");
    cr_expect_str_eq(row, "1|2021-06-30|completed|27|551");
    free(row);
    /* money is written as yuan with two decimals, Chinese as raw UTF-8 */
    cr_expect(strstr(text, "\"amount\":2424.00,"), "two decimals");
    cr_expect(strstr(text, "\"policy_title\":\"农村最低生活保障\""), "raw UTF-8");
    cr_expect(!strstr(text, "\\u"), "no \\u escapes are needed here");
    row = bf_test_json_sql(text, "SELECT json_extract(value, '$.town'), json_type(value, '$.member'), "
                         "json_extract(value, '$.details.pcm') FROM json_each(?1, '$.decisions') "
                         "WHERE json_extract(value, '$.household') = 'S17' "
                         "AND json_extract(value, '$.policy') = 'dibao'");
    cr_expect_str_eq(row, "东坪镇|null|450");
    free(row);
    free(text);
    /* the same document on standard output */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--format", "json", "--plugins",
                                PLUGINS, NULL), 0, "%s", r.err);
    row = bf_test_json_sql(r.out, JSON_TOTALS);
    cr_expect_str_eq(row, "1|183|129|26048565");
    free(row);
    bf_test_run_free(&r);
    free(out);
    free(db);
}

/* ---- the writers of the plugins, driven directly ---- */

/* A writer from a built plugin: the json plugin's through its init, the CSV writer by its
 * symbol (its init lives in csv.c). The handle stays open for the test's life. */
static const bf_writer *plugin_writer(const char *so, const char *format)
{
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    cr_assert_not_null(h, "%s", dlerror());
    if (strcmp(format, "csv") == 0) {
        const bf_writer *w = dlsym(h, "bf_csv_writer");
        cr_assert_not_null(w, "csv.so exports bf_csv_writer");
        return w;
    }
    bf_plugin_init_fn init;
    *(void **)&init = dlsym(h, BF_PLUGIN_INIT_SYMBOL);
    cr_assert_not_null(init);
    bf_plugin p;
    memset(&p, 0, sizeof p);
    cr_assert_eq(init(&bf_plugin_host, &p), 0);
    cr_assert_eq(p.abi, BF_PLUGIN_ABI);
    for (const bf_writer *w = p.writers; w && w->format; w++)
        if (strcmp(w->format, format) == 0)
            return w;
    cr_assert_fail("no writer %s", format);
    return NULL;
}

/* Decisions whose texts need escaping: commas, quotes, line breaks, a control character,
 * Chinese, and a malformed UTF-8 byte. */
static const bf_export_decision tricky[] = {
    {"H1", "大桥镇", "石角村, 二组", "dibao", "农村最低生活保障", NULL, 1, 123456, "household",
     "[\"说 \\\"是\\\"，好\",\"a,b\"]", "{\"pcm\":400}", NULL},
    {"H\"2", "town\nwith break", "v", "tekun", "特困", "H2-1", 0, 0, NULL, "[]", NULL,
     "policies/tekun.lua:3: bad\x01 \xff value"},
};

static void write_tricky(const bf_writer *w, const char *path)
{
    bf_export_run run = {7, "2021-07-01T00:00:00Z", NULL, "2021-06-30", "completed",
                         "{\"policies/dibao.lua\":\"ab\"}", "{\"dibao.standard\":551}", 2, 2, 1};
    char err[256] = "";
    void *state;
    cr_assert_eq(w->open(&state, path, &run, err, sizeof err), 0, "%s", err);
    for (int i = 0; i < 2; i++)
        cr_assert_eq(w->write(state, &tricky[i], err, sizeof err), 0, "%s", err);
    cr_assert_eq(w->close(state, err, sizeof err), 0, "%s", err);
}

Test(export, json_writer_escapes_what_json_needs)
{
    char *out = bf_test_path(bf_test_dir, "t.json");
    write_tricky(plugin_writer(PLUGINS "/json.so", "json"), out);
    char *text = bf_test_read_file(out, NULL);
    cr_assert_not_null(text);
    char *row = bf_test_json_sql(text, "SELECT json_valid(?1), json_extract(?1, '$.run.id'), "
                               "json_type(?1, '$.run.finished'), "
                               "json_extract(?1, '$.decisions[0].village'), "
                               "json_extract(?1, '$.decisions[0].reasons[0]'), "
                               "json_extract(?1, '$.decisions[0].amount'), "
                               "json_extract(?1, '$.decisions[1].household'), "
                               "json_extract(?1, '$.decisions[1].town'), "
                               "json_extract(?1, '$.decisions[1].error'), "
                               "json_type(?1, '$.decisions[1].tier')");
    cr_expect_str_eq(row, "1|7|null|石角村, 二组|说 \"是\"，好|1234.56|H\"2|town\nwith break|"
                          "policies/tekun.lua:3: bad\x01 \xEF\xBF\xBD value|null");
    cr_expect(strstr(text, "bad\\u0001 "), "control characters as \\u00XX");
    free(row);
    free(text);
    free(out);
}

static const char *const csv_header[] = {
    "run_id", "household", "town", "village", "policy", "policy_title", "member", "eligible",
    "amount", "tier", "reasons", "details", "error",
};

Test(export, csv_writer_quotes_per_rfc4180_and_parses_back)
{
    char *out = bf_test_path(bf_test_dir, "t.csv");
    write_tricky(plugin_writer(PLUGINS "/csv.so", "csv"), out);
    char *text = bf_test_read_file(out, NULL);
    cr_assert_not_null(text);
    cr_expect(strncmp(text, "\xEF\xBB\xBFrun_id,household,", 20) == 0, "BOM, then the header");
    bf_test_csv t;
    cr_assert(bf_test_csv_parse(text, &t, true), "well-formed:\n%s", text);
    cr_assert_eq(t.n, 3);
    for (int i = 0; i < 3; i++)
        cr_expect_eq(t.cols[i], 13, "record %d", i);
    for (int j = 0; j < 13; j++)
        cr_expect_str_eq(t.rows[0][j], csv_header[j]);
    const char *want1[] = {"7", "H1", "大桥镇", "石角村, 二组", "dibao", "农村最低生活保障", "",
                           "true", "1234.56", "household", "[\"说 \\\"是\\\"，好\",\"a,b\"]",
                           "{\"pcm\":400}", ""};
    const char *want2[] = {"7", "H\"2", "town\nwith break", "v", "tekun", "特困", "H2-1", "false",
                           "0.00", "", "[]", "", "policies/tekun.lua:3: bad\x01 \xEF\xBF\xBD value"};
    for (int j = 0; j < 13; j++) {
        cr_expect_str_eq(t.rows[1][j], want1[j], "field %s", csv_header[j]);
        cr_expect_str_eq(t.rows[2][j], want2[j], "field %s", csv_header[j]);
    }
    bf_test_csv_free(&t);
    free(text);
    free(out);
}

/* Sums a parsed export: rows, eligible, amount in fen. */
static void csv_totals(const bf_test_csv *t, char *out, size_t size)
{
    long long eligible = 0, fen = 0;
    for (int i = 1; i < t->n; i++) {
        eligible += strcmp(t->rows[i][7], "true") == 0;
        long long yuan = 0, cents = 0;
        cr_assert_eq(sscanf(t->rows[i][8], "%lld.%2lld", &yuan, &cents), 2, "%s", t->rows[i][8]);
        fen += yuan * 100 + cents;
    }
    snprintf(out, size, "%d|%lld|%lld\n", t->n - 1, eligible, fen);
}

Test(export, csv_of_a_generated_county_parses_back_with_the_runs_totals)
{
    char *db = county("1500"), *out = bf_test_path(bf_test_dir, "run.csv");
    bf_store *s;
    cr_assert_eq(bf_store_open_existing(db, &s, &bf_test_errs), BF_OK, "%s", bf_test_error());
    bf_stored_run run;
    cr_assert_eq(bf_store_run_get(s, 1, &run, NULL), BF_OK);
    bf_export_totals t;
    bf_errors errs;
    bf_errors_init(&errs, 5);
    cr_assert_eq(bf_export_write(s, &run, plugin_writer(PLUGINS "/csv.so", "csv"), out, &t, &errs),
                 BF_OK, "%s", bf_errors_first(&errs));
    bf_errors_free(&errs);
    bf_stored_run_free(&run);
    bf_store_close(s);
    char *text = bf_test_read_file(out, NULL);
    bf_test_csv table;
    cr_assert(bf_test_csv_parse(text, &table, true));
    char got[128];
    csv_totals(&table, got, sizeof got);
    char *want = stored_totals(db);
    cr_expect_str_eq(got, want, "the CSV's totals are the stored decisions'");
    char summed[128];
    snprintf(summed, sizeof summed, "%lld|%lld|%lld\n", (long long)t.decisions,
             (long long)t.eligible, (long long)t.amount_fen);
    cr_expect_str_eq(summed, want);
    /* and the run's per-policy summary adds up to the same amount */
    char *policies = bf_test_query(db, "SELECT sum(amount_fen) FROM run_policies WHERE run_id = 1");
    cr_expect_eq(atoll(policies), t.amount_fen);
    free(policies);
    /* rows in household id, then evaluation order */
    for (int i = 2; i < table.n; i++)
        cr_expect_leq(strcmp(table.rows[i - 1][1], table.rows[i][1]), 0, "row %d", i);
    bf_test_csv_free(&table);
    free(want);
    free(text);
    free(out);
    free(db);
}

Test(export, csv_through_the_command_line_parses_back_with_the_runs_totals)
{
    char *db = county(NULL), *out = bf_test_path(bf_test_dir, "run.csv");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--format", "csv", "--out", out,
                                "--plugins", PLUGINS, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *text = bf_test_read_file(out, NULL);
    bf_test_csv t;
    cr_assert(bf_test_csv_parse(text, &t, true));
    char got[128];
    csv_totals(&t, got, sizeof got);
    cr_expect_str_eq(got, "183|129|26048565\n");
    cr_expect_str_eq(t.rows[0][0], "run_id");
    cr_expect_str_eq(t.rows[1][0], "1");
    cr_expect_str_eq(t.rows[1][1], "S01", "household id order");
    bf_test_csv_free(&t);
    free(text);
    free(out);
    free(db);
}

/* ---- failures ---- */

/* Number of entries of path whose name holds ".tmp-" (temporary files left behind). */
static int temporaries(const char *path)
{
    DIR *d = opendir(path);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

/* Number of entries of bf_test_dir (files left behind, temporary ones included). */
static int entries(const char *path)
{
    DIR *d = opendir(path);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

Test(export, bad_input_exits_2_and_leaves_no_file)
{
    char *db = county(NULL), *outdir = bf_test_path(bf_test_dir, "out"), *out = bf_test_path(outdir, "x.json");
    cr_assert_eq(mkdir(outdir, 0755), 0);
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--run", "9", "--format", "json",
                                "--out", out, "--plugins", PLUGINS, NULL), 2);
    cr_expect(strstr(r.err, "no run 9"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--format", "yaml", "--out", out,
                                "--plugins", PLUGINS, NULL), 2);
    cr_expect(strstr(r.err, "unknown format 'yaml'; the formats available are: xml") &&
              strstr(r.err, "json"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(entries(outdir), 0, "nothing was written");
    /* an existing file stays as it was when the export fails */
    cr_assert_eq(bf_test_write_file(out, "keep me", (size_t)-1), 0);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--run", "9", "--format", "xml",
                                "--out", out, NULL), 2);
    bf_test_run_free(&r);
    char *kept = bf_test_read_file(out, NULL);
    cr_expect_str_eq(kept, "keep me");
    free(kept);
    cr_expect_eq(entries(outdir), 1);
    /* unwritable destinations: a missing folder, a folder in the file's place */
    char *nowhere = bf_test_path(bf_test_dir, "missing/x.xml");
    cr_expect_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--format", "xml", "--out", nowhere,
                                NULL), 2);
    cr_expect(strstr(r.err, "cannot create the file"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, "--format", "xml", "--out", outdir,
                                NULL), 2);
    bf_test_run_free(&r);
    cr_expect_eq(entries(outdir), 1);
    cr_expect_eq(temporaries(bf_test_dir), 0, "no temporary file left beside it");
    cr_expect_eq(bf_test_bangfu(&r, NULL, "export", "--db", db, NULL), 2, "--format is required");
    bf_test_run_free(&r);
    free(nowhere);
    free(out);
    free(outdir);
    free(db);
}

/* A writer that fails on its third decision, to see what a failure half-way leaves. */
static int fail_open(void **state, const char *out, const bf_export_run *run, char *err,
                     size_t errlen)
{
    (void)run;
    (void)err;
    (void)errlen;
    FILE *f = fopen(out, "w");
    cr_assert_not_null(f);
    fputs("partial", f);
    *state = f;
    return 0;
}

static int calls;

static int fail_write(void *state, const bf_export_decision *d, char *err, size_t errlen)
{
    (void)state;
    (void)d;
    if (++calls < 3)
        return 0;
    snprintf(err, errlen, "disk full (simulated)");
    return 1;
}

static int fail_close(void *state, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return fclose(state) != 0;
}

Test(export, a_writer_failing_half_way_leaves_no_file)
{
    static const bf_writer failing = {"failing", "fails", fail_open, fail_write, fail_close};
    char *db = county(NULL), *outdir = bf_test_path(bf_test_dir, "out"), *out = bf_test_path(outdir, "x.txt");
    cr_assert_eq(mkdir(outdir, 0755), 0);
    bf_store *s;
    cr_assert_eq(bf_store_open_existing(db, &s, &bf_test_errs), BF_OK, "%s", bf_test_error());
    bf_stored_run run;
    cr_assert_eq(bf_store_run_get(s, 1, &run, NULL), BF_OK);
    bf_export_totals t;
    bf_errors errs;
    bf_errors_init(&errs, 5);
    cr_expect_eq(bf_export_write(s, &run, &failing, out, &t, &errs), BF_EIO);
    cr_expect_eq(errs.count, 1, "one message, the writer's");
    cr_expect_str_eq(bf_errors_first(&errs), "disk full (simulated)");
    bf_errors_free(&errs);
    cr_expect_eq(t.decisions, 2);
    cr_expect_eq(entries(outdir), 0, "neither the file nor its temporary copy");
    bf_stored_run_free(&run);
    bf_store_close(s);
    free(out);
    free(outdir);
    free(db);
}
