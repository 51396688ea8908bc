/* test_rules.c — the import's record rules (identity, plausibility, places, one person in one
 * household), each with a good and a bad case, through XML and through CSV, with the real
 * binary: the error's text, file, line and column are asserted, and nothing is imported. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "areas.h"
#include "bangfu.h"
#include "helpers.h"

static char *db;

static void setup(void)
{
    bf_test_dir_setup();
    db = bf_test_path(bf_test_dir, "bangfu.db");
}

static void teardown(void)
{
    bf_test_dir_teardown();
    free(db);
}

TestSuite(rules, .init = setup, .fini = teardown);

#define POLICIES BF_SOURCE_DIR "/policies"

/* One member as the test writes it; NULL idnumber: none. */
typedef struct person {
    const char *id, *idnumber, *relation, *birth, *sex;
} person;

/* One household of one or two members (second.id NULL: one). */
typedef struct record {
    const char *id, *town, *village;
    person first, second;
} record;

/* The valid household every case starts from: 黄建国 of the sample county (S01-1's number). */
static record base(const char *id)
{
    record r = {id, "乳城镇", "侯公渡村",
                {"", "440232197805200137", "head", "1978-05-20", "M"},
                {NULL, NULL, NULL, NULL, NULL}};
    return r;
}

#define MEMBER_REST "labor=\"full\" employment=\"local\" school=\"none\" self_care=\"full\" " \
    "disability=\"0\" disability_type=\"none\" serious_illness=\"false\" " \
    "pension_insured=\"true\" medical_insured=\"true\" medical_cost=\"0\" supporter=\"true\""
#define CSV_REST "full,local,none,full,0,none,false,true,true,0,true"
#define CSV_REST_HEADER "labor,employment,school,self_care,disability,disability_type," \
    "serious_illness,pension_insured,medical_insured,medical_cost,supporter"

/* Appends one <member> line to f; its member id is HOUSEHOLD-n when p->id is "". */
static void xml_member(FILE *f, const record *r, const person *p, int n)
{
    fprintf(f, "    <member id=\"%s-%d\"", r->id, n);
    if (p->idnumber)
        fprintf(f, " idnumber=\"%s\"", p->idnumber);
    fprintf(f, " relation=\"%s\" birth=\"%s\" sex=\"%s\" " MEMBER_REST "/>\n", p->relation,
            p->birth, p->sex);
}

/* Writes the records as households.xml in the test folder: line 3 + 4k is household k's
 * start tag, its members on the lines after it (4 lines per household, one empty member line
 * when it has one member). Returns the path. */
static char *write_xml(const char *name, const record *rs, int n)
{
    char *path = bf_test_path(bf_test_dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<households xmlns=\"urn:bangfu:households:1\">\n");
    for (int i = 0; i < n; i++) {
        const record *r = &rs[i];
        fprintf(f, "  <household id=\"%s\" town=\"%s\" village=\"%s\">\n", r->id, r->town,
                r->village);
        xml_member(f, r, &r->first, 1);
        if (r->second.relation)
            xml_member(f, r, &r->second, 2);
        else
            fprintf(f, "\n");
        fprintf(f, "  </household>\n");
    }
    fprintf(f, "</households>\n");
    cr_assert_eq(fclose(f), 0);
    return path;
}

/* Writes the records as h.csv (household k on line 2 + k) and m.csv (two lines per household
 * from line 2: its first member on line 2 + 2k, the second, when it has one, after it). */
static void write_csv(const record *rs, int n, char **hpath, char **mpath)
{
    *hpath = bf_test_path(bf_test_dir, "h.csv");
    *mpath = bf_test_path(bf_test_dir, "m.csv");
    FILE *h = fopen(*hpath, "w"), *m = fopen(*mpath, "w");
    cr_assert(h && m);
    fprintf(h, "id,town,village\n");
    fprintf(m, "household,id,idnumber,relation,birth,sex,labor,employment,school,self_care,"
               "disability,disability_type,serious_illness,pension_insured,medical_insured,"
               "medical_cost,supporter\n");
    for (int i = 0; i < n; i++) {
        const record *r = &rs[i];
        fprintf(h, "%s,%s,%s\n", r->id, r->town, r->village);
        const person *ps[2] = {&r->first, r->second.relation ? &r->second : NULL};
        for (int k = 0; k < 2; k++) {
            if (!ps[k]) {
                fprintf(m, "\n");              /* an empty line keeps the numbering */
                continue;
            }
            fprintf(m, "%s,%s-%d,%s,%s,%s,%s," CSV_REST "\n", r->id, r->id, k + 1,
                    ps[k]->idnumber ? ps[k]->idnumber : "", ps[k]->relation, ps[k]->birth,
                    ps[k]->sex);
        }
    }
    cr_assert_eq(fclose(h), 0);
    cr_assert_eq(fclose(m), 0);
}

/* The column (in characters, from 1) of `attr="` on line `line` of the file at path, found by
 * reading the file the test wrote; 0 when the line has no such attribute. */
static long xml_column(const char *path, int line, const char *attr)
{
    char *text = bf_test_read_file(path, NULL);
    cr_assert_not_null(text);
    const char *p = text;
    for (int l = 1; l < line && p; l++)
        p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
    cr_assert_not_null(p);
    char needle[64];
    snprintf(needle, sizeof needle, " %s=\"", attr);
    const char *end = strchr(p, '\n'), *at = strstr(p, needle);
    long col = 0;
    if (at && (!end || at < end)) {
        col = 1;
        for (const char *c = p; c < at + 1; c++)        /* +1: the space before the name */
            col += ((unsigned char)*c & 0xC0) != 0x80;
    }
    free(text);
    return col;
}

/* The column number of a CSV column by its header name. */
static int csv_column(const char *header, const char *name)
{
    int col = 1;
    size_t len = strlen(name);
    for (const char *p = header; *p; p++) {
        if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0') &&
            (p == header || p[-1] == ','))
            return col;
        col += *p == ',';
    }
    return 0;
}

#define H_HEADER "id,town,village"
#define M_HEADER "household,id,idnumber,relation,birth,sex"

/* Runs `bangfu import ARGS… --db db --policies …` (NULL-terminated ARGS, at most 3). */
static int import(bf_test_run *r, const char *a, const char *b, const char *c)
{
    if (c)
        return bf_test_bangfu(r, NULL, "import", a, b, c, "--db", db, "--policies", POLICIES,
                              NULL);
    if (b)
        return bf_test_bangfu(r, NULL, "import", a, b, "--db", db, "--policies", POLICIES,
                              NULL);
    return bf_test_bangfu(r, NULL, "import", a, "--db", db, "--policies", POLICIES, NULL);
}

/* Households and members stored, "H|M", to compare before and after a refused import. */
static char *counts(void)
{
    char *s = malloc(64);
    snprintf(s, 64, "%lld|%lld", bf_test_rows_or_none(db, "households"),
             bf_test_rows_or_none(db, "members"));
    return s;
}

/* Expects the import of the files to be refused with exit 2, stderr holding "where" followed
 * by the message fragment `what` on the same line, and nothing stored. */
static void expect_refused(const char *a, const char *b, const char *where, const char *what)
{
    char *before = counts();
    bf_test_run r;
    import(&r, a, b, NULL);
    cr_expect_eq(r.status, 2, "exit %d, stderr: %s", r.status, r.err);
    const char *at = strstr(r.err, where);
    cr_expect(at, "no '%s' in:\n%s", where, r.err);
    if (at) {
        const char *eol = strchr(at, '\n');
        const char *found = strstr(at, what);
        cr_expect(found && (!eol || found < eol), "'%s' is not followed by '%s' in:\n%s", where,
                  what, r.err);
    }
    cr_expect(strstr(r.err, "nothing imported"), "%s", r.err);
    char *after = counts();
    cr_expect_str_eq(after, before, "something was imported");
    free(before);
    free(after);
    bf_test_run_free(&r);
}

/* Expects the import of the files to succeed. */
static void expect_imported(const char *a, const char *b)
{
    bf_test_run r;
    import(&r, a, b, NULL);
    cr_expect_eq(r.status, 0, "exit %d, stderr: %s", r.status, r.err);
    bf_test_run_free(&r);
}

/* A case: the record, where the bad value is (member 0: the household; then the field), and
 * the message. */
typedef struct bad_case {
    record r;
    int member;                 /* 0: a household field, 1 or 2: that member's */
    const char *field;          /* the attribute / column; NULL: the household's start */
    const char *message;
} bad_case;

/* "file:line:column: ids" into out. */
static void at_place(char *out, size_t size, const char *file, int line, long col, const char *ids)
{
    snprintf(out, size, "%s:%d:%ld: %s", file, line, col, ids);
}

/* Runs one bad case through XML and CSV, asserting file:line:column and the message. */
static void run_bad(const bad_case *c)
{
    int xml_line = c->member == 0 ? 3 : 3 + c->member;
    char *xml = write_xml("bad.xml", &c->r, 1);
    char where[700];
    long col = c->field ? xml_column(xml, xml_line, c->field) : 3;  /* "  <household" */
    char ids[100];
    snprintf(ids, sizeof ids, "household %s", c->r.id);
    at_place(where, sizeof where, xml, xml_line, col, ids);
    expect_refused(xml, NULL, where, c->message);

    char *h, *m;
    write_csv(&c->r, 1, &h, &m);
    int csv_line = c->member == 0 ? 2 : 1 + c->member;
    int csv_col = c->field ? csv_column(c->member ? M_HEADER : H_HEADER, c->field) : 1;
    at_place(where, sizeof where, c->member ? m : h, csv_line, csv_col, ids);
    expect_refused(h, m, where, c->message);
    free(xml);
    free(h);
    free(m);
}

/* The good base household imports through XML and CSV (into separate databases). */
static void run_good(const record *r)
{
    char *xml = write_xml("good.xml", r, 1);
    expect_imported(xml, NULL);
    char *h, *m;
    write_csv(r, 1, &h, &m);
    free(db);
    db = bf_test_path(bf_test_dir, "csv.db");
    expect_imported(h, m);
    free(xml);
    free(h);
    free(m);
}

Test(rules, a_valid_household_imports)
{
    record r = base("R1");
    run_good(&r);
}

Test(rules, a_lowercase_x_counts_as_X)
{
    /* 44023220120506031X: the sample's S20-2; its first 17 digits call for X
     * (4×7+4×9+0×10+2×5+3×8+2×4+2×2+0×1+1×6+2×3+0×7+5×9+0×10+6×5+0×8+3×4+1×2 = 211,
     * 211 mod 11 = 2 → X) */
    record r = base("R1");
    r.first = (person){"", "44023220120506031x", "head", "2012-05-06", "M"};
    run_good(&r);
}

Test(rules, a_wrong_check_digit_is_refused)
{
    /* 440232197805200137 is valid (the sample's S01-1); the same number ending in 8 is not */
    bad_case c = {base("R1"), 1, "idnumber", "idnumber 440232********0138 has a wrong check digit"};
    c.r.first.idnumber = "440232197805200138";
    run_bad(&c);
}

Test(rules, an_id_date_that_does_not_exist_is_refused)
{
    bad_case c = {base("R1"), 1, "idnumber",
                  "idnumber 440232********0134 does not hold a date that exists"};
    c.r.first.idnumber = "440232199902300134";    /* 1999-02-30 */
    c.r.first.birth = "1999-02-28";
    run_bad(&c);
}

Test(rules, an_id_birth_other_than_birth_is_refused)
{
    bad_case c = {base("R1"), 1, "idnumber",
                  "idnumber 440232********0137 holds another birth date than birth 1978-05-21"};
    c.r.first.birth = "1978-05-21";
    run_bad(&c);
}

Test(rules, an_id_sex_digit_other_than_sex_is_refused)
{
    /* the 17th digit of 440232197805200137 is 3: odd, a man */
    bad_case c = {base("R1"), 1, "idnumber",
                  "idnumber 440232********0137 has the sex digit of a man, but sex is F"};
    c.r.first.sex = "F";
    run_bad(&c);
}

Test(rules, an_age_over_120_is_refused)
{
    bad_case c = {base("R1"), 1, "birth", "birth 1860-07-01 makes the member "};
    c.r.first.idnumber = NULL;
    c.r.first.birth = "1860-07-01";
    run_bad(&c);
}

Test(rules, an_age_of_120_is_accepted)
{
    /* born on 1 January 120 years before this year: 120 full years old any day of this year */
    char birth[32];
    time_t now = time(NULL);
    struct tm tm;
    cr_assert_not_null(localtime_r(&now, &tm));
    snprintf(birth, sizeof birth, "%04d-01-01", (tm.tm_year + 1900 - 120) % 10000);
    record r = base("R1");
    r.first.idnumber = NULL;
    r.first.birth = birth;
    run_good(&r);
}

Test(rules, a_birth_in_the_future_is_refused)
{
    bad_case c = {base("R1"), 1, "birth", "birth 2999-01-01 is after the evaluation date"};
    c.r.first.idnumber = NULL;
    c.r.first.birth = "2999-01-01";
    run_bad(&c);
}

Test(rules, a_household_without_a_head_is_refused)
{
    bad_case c = {base("R1"), 0, NULL, "no member has relation head"};
    c.r.first.relation = "spouse";
    run_bad(&c);
}

Test(rules, a_household_with_two_heads_is_refused)
{
    bad_case c = {base("R1"), 2, "relation",
                  "relation is head, but member R1-1 is the head already"};
    c.r.second = (person){"", NULL, "head", "1980-03-02", "F"};
    run_bad(&c);
}

Test(rules, a_head_and_a_spouse_are_accepted)
{
    record r = base("R1");
    r.second = (person){"", NULL, "spouse", "1980-03-02", "F"};
    run_good(&r);
}

Test(rules, an_unknown_town_is_refused_with_the_nearest_name)
{
    bad_case c = {base("R1"), 0, "town", "town '乳城' is not a town of "};
    c.r.town = "乳城";
    run_bad(&c);
    bf_test_run r;
    char *xml = write_xml("bad.xml", &c.r, 1);
    import(&r, xml, NULL, NULL);
    cr_expect(strstr(r.err, "; did you mean '乳城镇'?"), "%s", r.err);
    bf_test_run_free(&r);
    free(xml);
}

Test(rules, a_village_of_another_town_is_refused)
{
    bad_case c = {base("R1"), 0, "village",
                  "village '东七村' is a village of 一六镇, not of 乳城镇, in "};
    c.r.village = "东七村";
    run_bad(&c);
}

Test(rules, an_unknown_village_is_refused)
{
    bad_case c = {base("R1"), 0, "village", "village '侯公渡' is not a village of 乳城镇 in "};
    c.r.village = "侯公渡";
    run_bad(&c);
}

Test(rules, one_person_in_two_households_of_one_file_is_refused)
{
    record rs[2] = {base("R1"), base("R2")};
    char *xml = write_xml("two.xml", rs, 2);
    char where[700];
    /* R2's start tag is on line 7, its member on line 8 */
    at_place(where, sizeof where, xml, 8, xml_column(xml, 8, "idnumber"),
             "household R2, member R2-1");
    expect_refused(xml, NULL, where,
                   "idnumber 440232********0137 is also member R1-1 of household R1");
    char *h, *m;
    write_csv(rs, 2, &h, &m);
    at_place(where, sizeof where, m, 4, csv_column(M_HEADER, "idnumber"),
             "household R2, member R2-1");
    expect_refused(h, m, where, "idnumber 440232********0137 is also member R1-1 of household R1");
    free(xml);
    free(h);
    free(m);
}

Test(rules, one_person_in_a_stored_household_and_an_imported_one_is_refused)
{
    record one = base("R1"), two = base("R2");
    char *first = write_xml("first.xml", &one, 1);
    expect_imported(first, NULL);
    char *xml = write_xml("second.xml", &two, 1);
    char where[700];
    at_place(where, sizeof where, xml, 4, xml_column(xml, 4, "idnumber"),
             "household R2, member R2-1");
    expect_refused(xml, NULL, where, "idnumber 440232********0137 is also member R1-1 of "
                   "household R1 in the database");
    char *h, *m;
    write_csv(&two, 1, &h, &m);
    at_place(where, sizeof where, m, 2, csv_column(M_HEADER, "idnumber"),
             "household R2, member R2-1");
    expect_refused(h, m, where, "is also member R1-1 of household R1 in the database");
    free(first);
    free(xml);
    free(h);
    free(m);
}

Test(rules, a_person_moving_household_with_replace_is_no_duplicate)
{
    record one = base("R1");
    one.second = (person){"", "44023220120506031X", "child", "2012-05-06", "M"};
    char *first = write_xml("first.xml", &one, 1);
    expect_imported(first, NULL);
    /* the child moves to R2; R1 is replaced without him (R2 comes first in the file) */
    record moved[2] = {base("R2"), base("R1")};
    moved[0].first = (person){"", "44023220120506031X", "head", "2012-05-06", "M"};
    char *xml = write_xml("moved.xml", moved, 2);
    bf_test_run r;
    bf_test_bangfu(&r, NULL, "import", xml, "--replace", "--db", db, "--policies", POLICIES,
                   NULL);
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    bf_test_run_free(&r);
    char *got = bf_test_query(db, "SELECT household_id, id FROM members "
                                  "WHERE idnumber = '44023220120506031X'");
    cr_expect_str_eq(got, "R2|R2-1\n");
    free(got);
    free(first);
    free(xml);
}

Test(rules, check_writes_nothing_and_reports_everything)
{
    record rs[2] = {base("R1"), base("R2")};
    rs[0].first.idnumber = "440232197805200138";     /* wrong check digit */
    rs[1].town = "乳城";                              /* unknown town */
    char *xml = write_xml("two.xml", rs, 2);
    bf_test_run r;
    bf_test_bangfu(&r, NULL, "import", "--check", xml, "--db", db, "--policies", POLICIES, NULL);
    cr_expect_eq(r.status, 2, "stderr: %s", r.err);
    cr_expect(strstr(r.err, "household R1, member R1-1: idnumber 440232********0138 has a "
                            "wrong check digit"), "%s", r.err);
    cr_expect(strstr(r.err, "household R2: town '乳城' is not a town of "), "%s", r.err);
    cr_expect(strstr(r.err, "the check found 2 errors"), "%s", r.err);
    cr_expect_eq(bf_test_rows_or_none(db, "households"), 0);
    cr_expect(access(db, F_OK) != 0, "--check created the database");
    bf_test_run_free(&r);

    record good = base("R1");
    char *ok = write_xml("ok.xml", &good, 1);
    bf_test_bangfu(&r, NULL, "import", "--check", ok, "--db", db, "--policies", POLICIES, NULL);
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "checked 1 households (1 members)"), "%s", r.out);
    cr_expect_eq(bf_test_rows_or_none(db, "households"), 0);
    bf_test_run_free(&r);
    free(xml);
    free(ok);
}

Test(rules, a_bad_value_does_not_hide_the_other_errors_of_its_household)
{
    /* the h2.csv + m5.csv: a negative wage in households.csv and a bad birth in
     * members.csv of the same household are both reported, each at its cell */
    char *h = bf_test_path(bf_test_dir, "h2.csv"), *m = bf_test_path(bf_test_dir, "m5.csv");
    cr_assert_eq(bf_test_write_file(h, "id,town,village,wage\nT02,乳城镇,侯公渡村,-36000\n",
                                    (size_t)-1), 0);
    cr_assert_eq(bf_test_write_file(m, "household,id,relation,birth,sex," CSV_REST_HEADER "\n"
                                        "T02,T02-1,head,1978-02-30,M," CSV_REST "\n", (size_t)-1), 0);
    bf_test_run r;
    import(&r, h, m, NULL);
    cr_expect_eq(r.status, 2);
    char want[700];
    snprintf(want, sizeof want, "%s:2:4: household T02: income wage must be a non-negative "
             "amount, got -36000.00", h);
    cr_expect(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    snprintf(want, sizeof want, "%s:2:4: household T02, member T02-1: birth: '1978-02-30' is "
             "not a date in the calendar", m);
    cr_expect(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    bf_test_run_free(&r);
    free(h);
    free(m);
}

Test(rules, schema_messages_are_given_at_the_field_in_plain_words)
{
    /* <member> before <income>: the schema's order; and a disability grade of 7 */
    char *path = bf_test_path(bf_test_dir, "order.xml");
    const char *text =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<households xmlns=\"urn:bangfu:households:1\">\n"
        "  <household id=\"R1\" town=\"乳城镇\" village=\"侯公渡村\">\n"
        "    <member id=\"R1-1\" relation=\"head\" birth=\"1978-05-20\" sex=\"M\" labor=\"full\" "
        "employment=\"local\" school=\"none\" self_care=\"full\" disability=\"7\" "
        "disability_type=\"none\" serious_illness=\"false\" pension_insured=\"true\" "
        "medical_insured=\"true\" medical_cost=\"0\" supporter=\"true\"/>\n"
        "    <income wage=\"1.234\"/>\n"
        "  </household>\n"
        "</households>\n";
    cr_assert_eq(bf_test_write_file(path, text, (size_t)-1), 0);
    bf_test_run r;
    import(&r, path, NULL, NULL);
    cr_expect_eq(r.status, 2);
    cr_expect_null(strstr(r.err, "[facet"), "a raw libxml2 message: %s", r.err);
    cr_expect_null(strstr(r.err, "Element '"), "a raw libxml2 message: %s", r.err);
    char want[700];
    /* line 5, column 5: "    <income" */
    snprintf(want, sizeof want, "%s:5:5: household R1: the element <income> is not expected "
             "here", path);
    cr_expect(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    snprintf(want, sizeof want, "%s:5:13: household R1: <income wage>: '1.234' is not an amount",
             path);
    cr_expect(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    snprintf(want, sizeof want, "%s:4:%ld: household R1, member R1-1: disability: '7' is not a "
             "whole number from 0 to 4", path, xml_column(path, 4, "disability"));
    cr_expect(strstr(r.err, want), "no '%s' in:\n%s", want, r.err);
    bf_test_run_free(&r);
    free(path);
}

Test(rules, areas_lists_the_nine_towns_and_their_villages)
{
    bf_test_run r;
    bf_test_bangfu(&r, NULL, "areas", "--policies", POLICIES, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    const char *towns[] = {"乳城镇", "桂头镇", "一六镇", "大桥镇", "大布镇", "洛阳镇", "必背镇",
                           "游溪镇", "东坪镇"};
    for (size_t i = 0; i < sizeof towns / sizeof towns[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "\n%s (", towns[i]);
        cr_expect(strstr(r.out, line), "no line for %s in:\n%s", towns[i], r.out);
    }
    cr_expect(strstr(r.out, ": 9 towns, "), "%s", r.out);
    cr_expect(strstr(r.out, " 侯公渡村*"), "an unverified village is not marked: %s", r.out);
    bf_test_run_free(&r);
    bf_test_bangfu(&r, NULL, "areas", "--format", "json", "--policies", POLICIES, NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    char *n = bf_test_json_sql(r.out, "SELECT json_array_length(?1, '$.towns'), "
                                      "json_extract(?1, '$.towns[0].name'), "
                                      "json_extract(?1, '$.towns[2].villages[1].name'), "
                                      "json_extract(?1, '$.towns[2].villages[1].verified')");
    cr_expect_str_eq(n, "9|乳城镇|东七村|0");
    free(n);
    bf_test_run_free(&r);
    bf_test_bangfu(&r, NULL, "areas", "--policies", "/nonexistent", NULL);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "/nonexistent/areas.xml"), "%s", r.err);
    bf_test_run_free(&r);
}

Test(rules, an_areas_file_that_breaks_its_schema_is_refused)
{
    /* two towns of the same name */
    char *dir = bf_test_path(bf_test_dir, "p");
    cr_assert_eq(mkdir(dir, 0755), 0);
    char *path = bf_test_path(dir, "areas.xml");
    cr_assert_eq(bf_test_write_file(path,
        "<areas xmlns=\"urn:bangfu:areas:1\" county=\"乳源\">\n"
        "  <town name=\"乳城镇\"><village name=\"侯公渡村\"/></town>\n"
        "  <town name=\"乳城镇\"><village name=\"上围村\"/></town>\n"
        "</areas>\n", (size_t)-1), 0);
    bf_test_run r;
    bf_test_bangfu(&r, NULL, "areas", "--policies", dir, NULL);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "areas.xml:3:"), "%s", r.err);
    bf_test_run_free(&r);
    free(path);
    free(dir);
}

Test(rules, the_nearest_name_counts_characters)
{
    cr_expect_eq(bf_text_distance("乳城", "乳城镇"), 1);
    cr_expect_eq(bf_text_distance("中心村", "上围村"), 2);
    cr_expect_eq(bf_text_distance("", "东坪镇"), 3);
    cr_expect_eq(bf_text_distance("abc", "abc"), 0);
    cr_expect_eq(bf_text_distance("\xff", "a"), -1);
    bf_areas *a;
    bf_errors errs;
    bf_errors_init(&errs, 5);
    cr_assert_eq(bf_areas_load_dir(POLICIES, &a, &errs), BF_OK);
    cr_expect_str_eq(bf_areas_nearest_town(a, "乳城"), "乳城镇");
    cr_expect_str_eq(bf_areas_nearest_town(a, "东平镇"), "东坪镇");
    cr_expect_null(bf_areas_nearest_town(a, "广州市"), "a name far from every town");
    int t = bf_areas_town(a, "乳城镇");
    cr_assert_geq(t, 0);
    cr_expect_str_eq(bf_areas_nearest_village(a, t, "侯公渡"), "侯公渡村");
    /* one character in three differs: too far for a name of three characters */
    cr_expect_null(bf_areas_nearest_village(a, t, "中心村"));
    cr_expect_eq(bf_areas_town_of_village(a, "东七村"), bf_areas_town(a, "一六镇"));
    bf_areas_free(a);
    bf_errors_free(&errs);
}
