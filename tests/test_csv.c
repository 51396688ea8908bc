/* test_csv.c — the csv plugin's reader through `bangfu import`: the CSV sample gives exactly the
 * store the XML sample gives (every row of households and members), whatever the line ends,
 * byte-order mark, quoting, member order or file order; RFC 4180 quoting; errors name file:line
 * and the ids, several at once, and nothing is imported. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"

#include "helpers.h"

#define SAMPLE_XML BF_SOURCE_DIR "/samples/households.xml"
#define SAMPLE_HH  BF_SOURCE_DIR "/samples/households.csv"
#define SAMPLE_MM  BF_SOURCE_DIR "/samples/members.csv"

#define ALL_HOUSEHOLDS "SELECT * FROM households ORDER BY id"
#define ALL_MEMBERS    "SELECT * FROM members ORDER BY household_id, seq"

TestSuite(csv, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown);

/* bf_test_dir/name, freed at the end of the test process (tests run each in their own process). */
static char *at(const char *name)
{
    return bf_test_path(bf_test_dir, name);
}

/* Writes text to bf_test_dir/name and returns the path. */
static char *write_file(const char *name, const char *text)
{
    char *path = at(name);
    cr_assert_eq(bf_test_write_file(path, text, (size_t)-1), 0, "cannot write %s", path);
    return path;
}

/* Imports into db (bf_test_dir/NAME.db) and returns the exit status; r keeps the output. */
#define IMPORT(r, db, ...) bf_test_bangfu((r), NULL, "import", __VA_ARGS__, "--db", (db), NULL)

/* Asserts that two databases hold the same households and members, row for row. */
static void expect_same_store(const char *a, const char *b)
{
    const char *queries[] = {ALL_HOUSEHOLDS, ALL_MEMBERS};
    for (int i = 0; i < 2; i++) {
        char *x = bf_test_query(a, queries[i]), *y = bf_test_query(b, queries[i]);
        cr_assert(x && y, "cannot read %s or %s", a, b);
        cr_expect(*x, "%s is empty", a);
        cr_expect_str_eq(x, y, "%s differs:\n--- %s\n%s\n--- %s\n%s", queries[i], a, x, b, y);
        free(x);
        free(y);
    }
}

/* The XML sample imported into bf_test_dir/xml.db; returns its path. */
static char *xml_store(void)
{
    char *db = at("xml.db");
    bf_test_run r;
    cr_assert_eq(IMPORT(&r, db, SAMPLE_XML), 0, "%s", r.err);
    bf_test_run_free(&r);
    return db;
}

/* Imports a households/members pair into bf_test_dir/NAME and expects the XML sample's store. */
static void expect_like_xml(const char *name, const char *first, const char *second)
{
    char *db = at(name);
    bf_test_run r;
    cr_assert_eq(IMPORT(&r, db, first, second), 0, "stdout: %s\nstderr: %s", r.out, r.err);
    cr_expect(strstr(r.out, "imported 27 households (72 members)"), "%s", r.out);
    bf_test_run_free(&r);
    expect_same_store(xml_store(), db);
}

Test(csv, the_csv_sample_gives_the_store_of_the_xml_sample)
{
    expect_like_xml("csv.db", SAMPLE_HH, SAMPLE_MM);
}

Test(csv, which_file_is_which_comes_from_the_header)
{
    expect_like_xml("csv.db", SAMPLE_MM, SAMPLE_HH);
}

/* The sample text with CRLF line ends and a UTF-8 byte-order mark, as Excel saves it. */
static char *excel_style(const char *path)
{
    char *text = bf_test_read_file(path, NULL);
    cr_assert_not_null(text);
    size_t n = strlen(text), lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += text[i] == '\n';
    char *out = malloc(n + lines + 4), *o = out;
    cr_assert_not_null(out);
    o += sprintf(o, "\xEF\xBB\xBF");
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\n')
            *o++ = '\r';
        *o++ = text[i];
    }
    *o = '\0';
    free(text);
    return out;
}

Test(csv, crlf_and_a_byte_order_mark_change_nothing)
{
    char *hh = excel_style(SAMPLE_HH), *mm = excel_style(SAMPLE_MM);
    expect_like_xml("excel.db", write_file("h.csv", hh), write_file("m.csv", mm));
    free(hh);
    free(mm);
}

/* Every field of a sample file quoted (the sample has no commas or quotes in its values). */
static char *all_quoted(const char *path)
{
    char *text = bf_test_read_file(path, NULL);
    cr_assert_not_null(text);
    size_t n = strlen(text);
    char *out = malloc(3 * n + 3), *o = out;
    cr_assert_not_null(out);
    bool line_start = true;
    for (size_t i = 0; i < n; i++) {
        if (line_start)
            *o++ = '"';
        line_start = false;
        if (text[i] == ',') {
            o += sprintf(o, "\",\"");
        } else if (text[i] == '\n') {
            o += sprintf(o, "\"\n");
            line_start = true;
        } else {
            *o++ = text[i];
        }
    }
    *o = '\0';
    free(text);
    return out;
}

Test(csv, quoted_fields_read_as_plain_ones)
{
    char *hh = all_quoted(SAMPLE_HH), *mm = all_quoted(SAMPLE_MM);
    expect_like_xml("quoted.db", write_file("h.csv", hh), write_file("m.csv", mm));
    free(hh);
    free(mm);
}

/* The members file with its rows dealt out: the first member of every household, then the
 * second of every household, … (each household keeps its own order, which is record order). */
static char *members_interleaved(void)
{
    char *text = bf_test_read_file(SAMPLE_MM, NULL);
    cr_assert_not_null(text);
    char *lines[200];
    int n = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < 200;
         l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    size_t size = strlen(SAMPLE_MM) + 64;
    for (int i = 0; i < n; i++)
        size += strlen(lines[i]) + 1;
    char *out = calloc(1, size), *o = out;
    cr_assert_not_null(out);
    o += sprintf(o, "%s\n", lines[0]);
    bool taken[200] = {false};
    for (int round = 0; round < 64; round++) {
        char seen[200][16];
        int nseen = 0;
        for (int i = 1; i < n; i++) {
            size_t hlen = strcspn(lines[i], ",");
            bool first_left = true;       /* the first member of this household not yet taken? */
            for (int k = 0; k < nseen; k++)
                first_left &= !(strlen(seen[k]) == hlen && !strncmp(seen[k], lines[i], hlen));
            if (taken[i] || !first_left)
                continue;
            snprintf(seen[nseen++], sizeof seen[0], "%.*s", (int)hlen, lines[i]);
            taken[i] = true;
            o += sprintf(o, "%s\n", lines[i]);
        }
    }
    free(text);
    return out;
}

Test(csv, members_may_come_in_any_order)
{
    char *mm = members_interleaved();
    cr_assert(strncmp(strchr(mm, '\n') + 1, "S01,S01-1,", 10) == 0, "%s", mm);
    cr_assert(strstr(mm, "S01,S01-1,") < strstr(mm, "S02,") &&
              strstr(mm, "S02,") < strstr(mm, "S01,S01-2,"), "not interleaved:\n%s", mm);
    expect_like_xml("any-order.db", SAMPLE_HH, write_file("m.csv", mm));
    free(mm);
}

/* A one-member pair; text is written into the free-text column `recorded` of households.csv as
 * given (already quoted). */
static void write_pair(const char *text)
{
    char hh[1024];
    snprintf(hh, sizeof hh, "id,town,village,recorded,wage\nQ1,乳城镇,侯公渡村,%s,100.5\n", text);
    write_file("h.csv", hh);
    write_file("m.csv", "household,id,name,relation,birth,sex,labor,employment,school,self_care,"
               "disability,disability_type,serious_illness,pension_insured,medical_insured,"
               "medical_cost,supporter\r\n"
               "Q1,Q1-1,\"黄, 建国\",head,1978-05-20,M,partial,local,none,full,0,none,false,"
               "true,true,0,true\r\n");
}

Test(csv, rfc4180_commas_doubled_quotes_and_line_breaks_inside_quotes)
{
    write_pair("\"下坪村, \"\"老屋\"\"\n二组\"");
    char *db = at("q.db");
    bf_test_run r;
    cr_assert_eq(IMPORT(&r, db, at("h.csv"), at("m.csv")), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *got = bf_test_query(db, "SELECT recorded, wage_fen FROM households");
    cr_expect_str_eq(got, "下坪村, \"老屋\"\n二组|10050\n");
    free(got);
    got = bf_test_query(db, "SELECT name FROM members");
    cr_expect_str_eq(got, "黄, 建国\n");
    free(got);
}

/* Expects import of bf_test_dir/h.csv + bf_test_dir/m.csv to fail with every needle in stderr, and nothing in
 * the database. */
static void expect_failure(const char *const *needles)
{
    char *db = at("bad.db");
    bf_test_run r;
    cr_expect_eq(IMPORT(&r, db, at("h.csv"), at("m.csv")), 2, "stdout: %s", r.out);
    for (int i = 0; needles[i]; i++)
        cr_expect(strstr(r.err, needles[i]), "expected '%s' in:\n%s", needles[i], r.err);
    cr_expect(strstr(r.err, "nothing imported"), "%s", r.err);
    cr_expect_eq(bf_test_rows_or_none(db, "households"), 0);
    bf_test_run_free(&r);
}

Test(csv, a_quote_left_open_is_reported_with_its_line)
{
    write_pair("\"下坪村");
    const char *needles[] = {"h.csv:2: the quoted field opened on line 2 is never closed", NULL};
    expect_failure(needles);
}

Test(csv, text_after_a_closing_quote_is_an_error)
{
    write_pair("\"下坪\"村");
    const char *needles[] = {"h.csv:2: text after the closing quote of field 4", NULL};
    expect_failure(needles);
}

/* The sample pair with one line of each file replaced (line 1 is the header). */
static void sample_with(const char *hh_line, int hh_at, const char *mm_line, int mm_at)
{
    const char *src[2] = {SAMPLE_HH, SAMPLE_MM};
    const char *line[2] = {hh_line, mm_line};
    int where[2] = {hh_at, mm_at};
    const char *name[2] = {"h.csv", "m.csv"};
    for (int f = 0; f < 2; f++) {
        char *text = bf_test_read_file(src[f], NULL);
        cr_assert_not_null(text);
        char *out = calloc(1, strlen(text) + (line[f] ? strlen(line[f]) : 0) + 2), *o = out;
        int n = 1;
        for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
             l = strtok_r(NULL, "\n", &save), n++)
            o += sprintf(o, "%s\n", line[f] && n == where[f] ? line[f] : l);
        write_file(name[f], out);
        free(out);
        free(text);
    }
}

Test(csv, every_error_names_file_line_and_ids_and_nothing_is_imported)
{
    /* line 3 of households.csv is S02: a third decimal; line 4 of members.csv is S01-3 with a
     * date that does not exist; line 5 is S02-1 moved to a household that does not exist */
    sample_with("S02,桂头镇,莫家村,none,none,dibao,0,6480.001,0,0,0,6600,3000,0,0,0,0,true,true", 3,
                "S01,S01-3,黄俊,,child,2012-02-30,M,none,none,primary,full,0,none,false,false,"
                "false,0,true", 4);
    char *mm = bf_test_read_file(at("m.csv"), NULL);
    cr_assert_not_null(mm);
    char *s02 = strstr(mm, "\nS02,S02-1,");
    cr_assert_not_null(s02);
    memcpy(s02 + 1, "S9X", 3);           /* S02-1 now names household S9X */
    write_file("m.csv", mm);
    free(mm);
    const char *needles[] = {
        "h.csv:3:8: household S02: business: '6480.001' is not an amount of yuan",
        "m.csv:4:6: household S01, member S01-3: birth: '2012-02-30' is not a date in the calendar",
        "m.csv:5: household S9X, member S02-1: household S9X is not in",
        /* S02 lost its only member: the validator, as for XML */
        NULL};
    expect_failure(needles);
}

Test(csv, the_record_rules_are_the_validators)
{
    /* a negative amount converts, and the validator refuses it with its own words (as for
     * XML); a disability grade 5 does not convert */
    sample_with("S02,桂头镇,莫家村,none,none,dibao,0,-5,0,0,0,6600,3000,0,0,0,0,true,true", 3,
                "S01,S01-3,黄俊,,child,2012-09-01,M,none,none,primary,full,5,none,false,false,"
                "false,0,true", 4);
    const char *needles[] = {
        "h.csv:3:8: household S02: income business must be a non-negative amount, got -5.00",
        "m.csv:4:12: household S01, member S01-3: disability: '5' is not a whole number from 0 to 4",
        NULL};
    expect_failure(needles);
}

Test(csv, duplicate_member_ids_are_found_across_households)
{
    sample_with(NULL, 0, "S01,S02-1,黄俊,,child,2012-09-01,M,none,none,primary,full,0,none,false,"
                "false,false,0,true", 4);
    const char *needles[] = {"m.csv:5:2: household S02, member S02-1: duplicate member id (also in "
                             "household S01 at ", NULL};
    expect_failure(needles);
}

Test(csv, a_missing_required_column_is_reported_for_each_record)
{
    char *mm = bf_test_read_file(SAMPLE_MM, NULL);
    cr_assert_not_null(mm);
    char *birth = strstr(mm, ",birth,");
    cr_assert_not_null(birth);
    memcpy(birth + 1, "bxrth", 5);       /* the birth column is now unknown */
    write_file("m.csv", mm);
    free(mm);
    bf_test_copy_file(SAMPLE_HH, at("h.csv"));
    const char *needles[] = {
        "m.csv:2:6: household S01, member S01-1: unknown member field 'bxrth' (reported once)",
        "m.csv:2: household S01, member S01-1: no value for required field 'birth'",
        "m.csv:3: household S01, member S01-2: no value for required field 'birth'",
        NULL};
    expect_failure(needles);
}

Test(csv, a_row_with_too_few_fields_is_reported)
{
    sample_with("S02,桂头镇,莫家村", 3, NULL, 0);
    const char *needles[] = {"h.csv:3: household S02: 3 fields, the header has 19", NULL};
    expect_failure(needles);
}

Test(csv, a_header_that_is_neither_is_refused)
{
    write_file("h.csv", "name,age\nx,1\n");
    bf_test_copy_file(SAMPLE_MM, at("m.csv"));
    const char *needles[] = {"h.csv:1: the header names neither 'household' (a members file) nor "
                             "'town' and 'village' (a households file)", NULL};
    expect_failure(needles);
}

Test(csv, households_alone_are_refused)
{
    char *db = at("one.db");
    bf_test_run r;
    cr_expect_eq(IMPORT(&r, db, SAMPLE_HH), 2);
    cr_expect(strstr(r.err, "no members file: give members.csv"), "%s", r.err);
    bf_test_run_free(&r);
}

Test(csv, csv_and_xml_share_one_transaction_and_one_duplicate_check)
{
    /* the XML sample and the CSV sample together: every household twice */
    char *db = at("both.db");
    bf_test_run r;
    cr_expect_eq(IMPORT(&r, db, SAMPLE_XML, SAMPLE_HH, SAMPLE_MM), 2);
    cr_expect(strstr(r.err, "households.csv:2:1: household S01: duplicate household id (first at "),
              "%s", r.err);
    cr_expect_eq(bf_test_rows_or_none(db, "households"), 0);
    bf_test_run_free(&r);
}

Test(csv, an_import_after_a_failed_one_finds_the_store_unchanged)
{
    char *db = at("keep.db");
    bf_test_run r;
    cr_assert_eq(IMPORT(&r, db, SAMPLE_HH, SAMPLE_MM), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *before = bf_test_query(db, ALL_MEMBERS);
    cr_expect_eq(IMPORT(&r, db, SAMPLE_HH, SAMPLE_MM), 2);   /* every id is already stored */
    cr_expect(strstr(r.err, "household id is already in the database"), "%s", r.err);
    bf_test_run_free(&r);
    char *after = bf_test_query(db, ALL_MEMBERS);
    cr_expect_str_eq(before, after);
    free(before);
    free(after);
    cr_expect_eq(IMPORT(&r, db, SAMPLE_HH, SAMPLE_MM, "--replace"), 0, "%s", r.err);
    cr_expect(strstr(r.out, "27 replaced"), "%s", r.out);
    bf_test_run_free(&r);
}

Test(csv, format_option_and_unknown_formats)
{
    char *db = at("f.db");
    char *hh = at("households.txt"), *mm = at("members.txt");
    bf_test_copy_file(SAMPLE_HH, hh);
    bf_test_copy_file(SAMPLE_MM, mm);
    bf_test_run r;
    cr_expect_eq(IMPORT(&r, db, hh, mm), 2);
    cr_expect(strstr(r.err, "cannot tell the format of"), "%s", r.err);
    cr_expect(strstr(r.err, "available: xml (.xml), csv (.csv)"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(IMPORT(&r, db, hh, mm, "--format", "yaml"), 2);
    cr_expect(strstr(r.err, "unknown format 'yaml'; available: xml (.xml), csv (.csv)"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(IMPORT(&r, db, hh, mm, "--format", "csv"), 0, "%s", r.err);
    bf_test_run_free(&r);
    expect_same_store(xml_store(), db);
}
