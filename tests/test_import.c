/* test_import.c — `bangfu import` end to end: real files, real SQLite databases, the real binary. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bangfu.h"
#include "import.h"
#include "xmlwrite.h"
#include "store.h"
#include "xmlio.h"

#include "helpers.h"

#define HH(name) BF_TEST_DATA "/households/" name

static char *db;    /* bf_test_dir/bangfu.db */

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

TestSuite(import, .init = setup, .fini = teardown);

/* Runs `bangfu import ARGS… --db db` and returns the run (free with bf_test_run_free). */
#define IMPORT(r, ...) bf_test_bangfu((r), NULL, "import", __VA_ARGS__, "--db", db, NULL)

/* ---- expected contents of tests/data/households/good.xml ---- */

static bf_member *member(bf_household *h, const char *id, const char *name, const char *idnumber,
                         bf_relation rel, const char *birth, bf_sex sex, bf_labor labor,
                         bf_employment emp, bf_school school, bf_self_care care)
{
    bf_member *m = bf_household_add_member(h);
    cr_assert_not_null(m);
    snprintf(m->id, sizeof m->id, "%s", id);
    snprintf(m->name, sizeof m->name, "%s", name);
    snprintf(m->idnumber, sizeof m->idnumber, "%s", idnumber);
    m->relation = rel;
    cr_assert_eq(bf_date_parse(birth, &m->birth), BF_OK, "bad expected date %s", birth);
    m->sex = sex;
    m->labor = labor;
    m->employment = emp;
    m->school = school;
    m->self_care = care;
    return m;
}

/* Sets the remaining member fields. */
static void health(bf_member *m, int disability, bf_disability_type type, bool ill, bool pension,
                   bool medical, bf_fen cost, bool supporter)
{
    m->disability = disability;
    m->disability_type = type;
    m->serious_illness = ill;
    m->pension_insured = pension;
    m->medical_insured = medical;
    m->medical_cost = cost;
    m->supporter = supporter;
}

static void place(bf_household *h, const char *id, const char *town, const char *village)
{
    bf_household_reset(h);
    snprintf(h->id, sizeof h->id, "%s", id);
    snprintf(h->town, sizeof h->town, "%s", town);
    snprintf(h->village, sizeof h->village, "%s", village);
}

/* The four households of good.xml, field by field, written from the file by hand. */
static void expected_good(bf_household h[4])
{
    memset(h, 0, 4 * sizeof *h);
    place(&h[0], "G001", "乳城镇", "侯公渡村");
    h[0].status = BF_STATUS_POVERTY_ALLEVIATED;
    h[0].monitor = BF_MONITOR_UNSTABLE;
    snprintf(h[0].recorded, sizeof h[0].recorded, "dibao medical_aid");
    h[0].wage = 1200050, h[0].business = 30000, h[0].property = 5, h[0].transfer = 120010;
    h[0].excluded = 80000;
    h[0].deposits = 500000, h[0].vehicle = 0, h[0].extra_houses = 1;
    h[0].medical = 250075, h[0].education = 100000;
    h[0].housing_safe = false, h[0].water_safe = true;
    health(member(&h[0], "G001-1", "张三", "44023219600101123X", BF_REL_HEAD, "1960-01-01",
                  BF_SEX_M, BF_LABOR_PARTIAL, BF_EMP_LOCAL, BF_SCHOOL_NONE, BF_CARE_FULL),
           2, BF_DIS_PHYSICAL, true, true, true, 1500025, false);
    health(member(&h[0], "G001-2", "李四妹", "", BF_REL_SPOUSE, "1962-02-28", BF_SEX_F,
                  BF_LABOR_FULL, BF_EMP_OUTSIDE, BF_SCHOOL_NONE, BF_CARE_FULL),
           0, BF_DIS_NONE, false, false, true, 0, true);
    health(member(&h[0], "G001-3", "", "", BF_REL_CHILD, "2008-02-29", BF_SEX_F, BF_LABOR_NONE,
                  BF_EMP_NONE, BF_SCHOOL_JUNIOR, BF_CARE_PARTIAL),
           3, BF_DIS_INTELLECTUAL, false, false, false, 9999, true);

    place(&h[1], "G002", "桂头镇", "莫家村");
    h[1].monitor = BF_MONITOR_HARDSHIP;
    h[1].has_previous = true, h[1].previous = 0;        /* present as 0, not absent */
    h[1].deposits = 50;
    h[1].water_safe = false;
    health(member(&h[1], "G002-1", "王五", "", BF_REL_HEAD, "1935-12-31", BF_SEX_M, BF_LABOR_NONE,
                  BF_EMP_NONE, BF_SCHOOL_NONE, BF_CARE_NONE),
           1, BF_DIS_MULTIPLE, true, true, true, 10000000, false);

    place(&h[2], "G003", "一六镇", "一六村");                /* every default */
    health(member(&h[2], "G003-1", "", "", BF_REL_HEAD, "2000-06-15", BF_SEX_F, BF_LABOR_FULL,
                  BF_EMP_UNEMPLOYED, BF_SCHOOL_COLLEGE, BF_CARE_FULL),
           4, BF_DIS_HEARING, false, true, true, 0, true);
    health(member(&h[2], "G003-2", "", "", BF_REL_GRANDCHILD, "2016-03-01", BF_SEX_M,
                  BF_LABOR_NONE, BF_EMP_NONE, BF_SCHOOL_PRIMARY, BF_CARE_FULL),
           0, BF_DIS_NONE, false, false, true, 1, true);

    place(&h[3], "G004", "洛阳镇", "洛阳村");
    h[3].monitor = BF_MONITOR_MARGINAL;
    h[3].wage = 3600000, h[3].has_previous = true, h[3].previous = 5200099;
    h[3].deposits = 12000000, h[3].vehicle = 3000000, h[3].education = 800000;
    health(member(&h[3], "G004-1", "Ng Ka-ming", "", BF_REL_HEAD, "1980-10-10", BF_SEX_M,
                  BF_LABOR_FULL, BF_EMP_LOCAL, BF_SCHOOL_NONE, BF_CARE_FULL),
           0, BF_DIS_SPEECH, false, true, true, 0, true);
    health(member(&h[3], "G004-2", "", "", BF_REL_PARENT, "1950-05-05", BF_SEX_F, BF_LABOR_NONE,
                  BF_EMP_NONE, BF_SCHOOL_NONE, BF_CARE_PARTIAL),
           0, BF_DIS_NONE, false, false, true, 300000, true);
    health(member(&h[3], "G004-3", "", "", BF_REL_SIBLING, "1985-01-31", BF_SEX_F, BF_LABOR_FULL,
                  BF_EMP_OUTSIDE, BF_SCHOOL_VOCATIONAL, BF_CARE_FULL),
           0, BF_DIS_VISUAL, false, true, true, 0, true);
    health(member(&h[3], "G004-4", "", "", BF_REL_CHILD, "2019-08-08", BF_SEX_M, BF_LABOR_NONE,
                  BF_EMP_NONE, BF_SCHOOL_PRESCHOOL, BF_CARE_PARTIAL),
           0, BF_DIS_MENTAL, false, false, true, 0, true);
    health(member(&h[3], "G004-5", "", "", BF_REL_CHILD, "2004-11-11", BF_SEX_F, BF_LABOR_FULL,
                  BF_EMP_NONE, BF_SCHOOL_SENIOR, BF_CARE_FULL),
           0, BF_DIS_NONE, false, false, true, 0, true);
}

static void free_households(bf_household *h, int n)
{
    for (int i = 0; i < n; i++)
        bf_household_free(&h[i]);
}

/* Imports good.xml into db and checks it worked. */
static void import_good(void)
{
    bf_test_run r;
    IMPORT(&r, HH("good.xml"));
    cr_assert_eq(r.status, 0, "import good.xml failed (%d): %s", r.status, r.err);
    bf_test_run_free(&r);
}

/* Everything stored, as text, to compare a database before and after. */
static char *snapshot(void)
{
    char *h = bf_test_query(db, "SELECT * FROM households ORDER BY id");
    char *m = bf_test_query(db, "SELECT * FROM members ORDER BY household_id, seq");
    cr_assert(h && m, "cannot read %s", db);
    size_t len = strlen(h) + strlen(m) + 8;
    char *all = malloc(len);
    cr_assert_not_null(all);
    snprintf(all, len, "%s--\n%s", h, m);
    free(h);
    free(m);
    return all;
}

/* ---- the good file ---- */

Test(import, good_file_round_trips_every_field)
{
    bf_test_run r;
    IMPORT(&r, HH("good.xml"));
    cr_assert_eq(r.status, 0, "exit %d, stderr: %s", r.status, r.err);
    cr_assert(strstr(r.out, "imported 4 households (11 members) from "), "stdout: %s", r.out);
    cr_assert(strstr(r.out, "good.xml into "), "stdout: %s", r.out);
    cr_assert_str_empty(r.err);
    bf_test_run_free(&r);

    bf_household want[4];
    expected_good(want);
    bf_store *s;
    cr_assert_eq(bf_store_open_existing(db, &s, &bf_test_errs), BF_OK, "%s", bf_test_error());
    int64_t nh, nm;
    cr_assert_eq(bf_store_count(s, &nh, &nm, NULL), BF_OK);
    cr_assert_eq(nh, 4);
    cr_assert_eq(nm, 11);
    bf_household got = {0};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(bf_store_get_household(s, want[i].id, &got, NULL), BF_OK, "%s", want[i].id);
        char buf[512];
        const char *diff = bf_test_household_diff(&want[i], &got, buf, sizeof buf);
        cr_expect_null(diff, "%s", diff);
    }
    bf_household_free(&got);
    bf_store_close(s);
    free_households(want, 4);
}

/* The writer (used by `bangfu gen --out`) produces files that import to identical records. */
Test(import, writer_output_imports_to_identical_records)
{
    bf_household want[4];
    expected_good(want);
    char *path = bf_test_path(bf_test_dir, "written.xml");
    bf_errors errs;
    bf_errors_init(&errs, 10);
    bf_xml_writer *w;
    cr_assert_eq(bf_xml_writer_open(path, &w, &errs), BF_OK);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(bf_xml_write_household(w, &want[i]), BF_OK);
    cr_assert_eq(bf_xml_writer_close(w, &errs), BF_OK);
    bf_errors_free(&errs);

    bf_test_run r;
    IMPORT(&r, path);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    bf_test_run_free(&r);
    bf_store *s;
    cr_assert_eq(bf_store_open_existing(db, &s, &bf_test_errs), BF_OK, "%s", bf_test_error());
    bf_household got = {0};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(bf_store_get_household(s, want[i].id, &got, &errs), BF_OK, "%s", want[i].id);
        char buf[512];
        const char *diff = bf_test_household_diff(&want[i], &got, buf, sizeof buf);
        cr_expect_null(diff, "%s", diff);
    }
    bf_household_free(&got);
    bf_store_close(s);
    free_households(want, 4);
    free(path);
}

Test(import, optional_values_are_null_in_sql)
{
    import_good();
    char *prev = bf_test_query(db, "SELECT id, quote(previous_fen) FROM households ORDER BY id");
    cr_assert_not_null(prev);
    cr_expect_str_eq(prev, "G001|NULL\nG002|0\nG003|NULL\nG004|5200099\n");
    char *names = bf_test_query(db, "SELECT id, quote(name), quote(idnumber) FROM members "
                                    "WHERE household_id = 'G001' ORDER BY seq");
    cr_assert_not_null(names);
    cr_expect_str_eq(names, "G001-1|'张三'|'44023219600101123X'\nG001-2|'李四妹'|NULL\n"
                            "G001-3|NULL|NULL\n");
    free(prev);
    free(names);
}

Test(import, several_files_in_one_import)
{
    bf_test_run r;
    IMPORT(&r, HH("good.xml"), HH("other.xml"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "imported 6 households (14 members)"), "stdout: %s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_count_rows(db, "households"), 6);
    cr_expect_eq(bf_test_count_rows(db, "members"), 14);
}

/* ---- broken files: exit 2, the message names file, line, household (member), nothing changes */

/* Imports good.xml, then the broken file; checks the messages and that the database is
 * exactly as before (row counts and contents). */
static void check_broken(const char *file, int line, const char *household, const char *member,
                         const char *what)
{
    import_good();
    long long households = bf_test_count_rows(db, "households");
    long long members = bf_test_count_rows(db, "members");
    char *before = snapshot();

    char path[512], where[600], hh[300], mm[300];
    snprintf(path, sizeof path, "%s", HH("") );
    strncat(path, file, sizeof path - strlen(path) - 1);
    bf_test_run r;
    IMPORT(&r, path);
    cr_expect_eq(r.status, 2, "%s: exit %d, stderr: %s", file, r.status, r.err);
    snprintf(where, sizeof where, "%s:%d:", path, line);
    cr_expect(strstr(r.err, where), "%s: no '%s' in: %s", file, where, r.err);
    snprintf(hh, sizeof hh, "household %s", household);
    cr_expect(strstr(r.err, hh), "%s: no '%s' in: %s", file, hh, r.err);
    if (member) {
        snprintf(mm, sizeof mm, "member %s", member);
        cr_expect(strstr(r.err, mm), "%s: no '%s' in: %s", file, mm, r.err);
    }
    cr_expect(strstr(r.err, what), "%s: no '%s' in: %s", file, what, r.err);
    cr_expect(strstr(r.err, "nothing imported"), "%s: %s", file, r.err);
    cr_expect_str_empty(r.out, "%s printed on stdout: %s", file, r.out);
    bf_test_run_free(&r);

    cr_expect_eq(bf_test_count_rows(db, "households"), households, "%s changed households", file);
    cr_expect_eq(bf_test_count_rows(db, "members"), members, "%s changed members", file);
    char *after = snapshot();
    cr_expect_str_eq(after, before, "%s changed the database", file);
    free(before);
    free(after);
}

Test(import, malformed_xml)
{
    check_broken("malformed.xml", 9, "B002", NULL, "Couldn't find end of Start Tag member");
}

Test(import, malformed_xml_names_the_column)
{
    bf_test_run r;
    IMPORT(&r, HH("malformed.xml"));
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "malformed.xml:9:3: household B002: "), "stderr: %s", r.err);
    bf_test_run_free(&r);
}

Test(import, schema_unknown_attribute)
{
    check_broken("unknown-attribute.xml", 8, "B002", "B002-1", "attribute 'color'");
}

Test(import, schema_missing_attribute)
{
    check_broken("missing-attribute.xml", 7, "B002", NULL, "missing attribute 'village'");
}

Test(import, duplicate_household_id)
{
    check_broken("duplicate-household.xml", 10, "B001", NULL, "duplicate household id (first at ");
}

Test(import, duplicate_member_id_in_one_household)
{
    check_broken("duplicate-member.xml", 9, "B002", "B002-1", "duplicate member id");
}

Test(import, duplicate_member_id_across_households)
{
    check_broken("duplicate-member-across.xml", 8, "B002", "B001-1",
                 "duplicate member id (also in household B001 at ");
}

Test(import, negative_income)
{
    check_broken("negative-income.xml", 8, "B002", NULL,
                 "income wage must be a non-negative amount, got -100.00");
}

Test(import, impossible_date)
{
    check_broken("feb29.xml", 8, "B002", "B002-1", "'2021-02-29' is not a date in the calendar");
}

Test(import, unknown_enum_value)
{
    check_broken("unknown-enum.xml", 8, "B002", "B002-1", "'cousin'");
}

Test(import, household_without_members)
{
    check_broken("no-members.xml", 7, "B002", NULL, "a household needs at least one member");
}

Test(import, money_with_three_decimals)
{
    check_broken("money-3-decimals.xml", 8, "B002", "B002-1", "'12.345'");
}

Test(import, id_longer_than_64_characters)
{
    check_broken("long-id.xml", 7, "B1234567890", NULL, "must be 1 to 64 characters, has 65");
}

Test(import, not_utf8)
{
    check_broken("not-utf8.xml", 8, "B002", NULL, "not proper UTF-8");
}

Test(import, broken_file_into_a_new_database_imports_nothing)
{
    bf_test_run r;
    IMPORT(&r, HH("several-errors.xml"));
    cr_expect_eq(r.status, 2);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_rows_or_none(db, "households"), 0);   /* B001 is valid: not kept either */
    cr_expect_eq(bf_test_rows_or_none(db, "members"), 0);
}

Test(import, several_errors_in_one_file_are_all_reported)
{
    bf_test_run r;
    IMPORT(&r, HH("several-errors.xml"));
    cr_assert_eq(r.status, 2);
    const char *want[] = {
        "several-errors.xml:8:13: household B002: assets deposits must be a non-negative amount",
        "several-errors.xml:12:41: household B003, member B003-1: birth: '2021-02-29'",
        "several-errors.xml:15:60: household B004, member B004-1: ",
        "several-errors.xml:17:14: household B001: duplicate household id (first at ",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(strstr(r.err, want[i]), "no '%s' in: %s", want[i], r.err);
    cr_expect(strstr(r.err, "'X'"), "the unknown sex value is not named: %s", r.err);
    bf_test_run_free(&r);
}

/* Household Mii on one line, with a negative wage. */
static void negative_wage_household(FILE *f, int i, void *user)
{
    (void)user;
    char id[16];
    snprintf(id, sizeof id, "M%02d-1", i);
    fprintf(f, "<household id=\"M%02d\" town=\"乳城镇\" village=\"侯公渡村\"><income wage=\"-1\"/>", i);
    bf_test_member_xml(f, id, "1970-01-01", "F");
    fprintf(f, "</household>\n");
}

Test(import, more_than_20_errors_are_counted)
{
    /* 25 households each with a negative wage: 20 messages, then "… and 5 more errors" */
    char *path = bf_test_households_file("many.xml", NULL, 25, negative_wage_household, NULL);
    bf_test_run r;
    IMPORT(&r, path);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "household M00: income wage"), "stderr: %s", r.err);
    cr_expect(strstr(r.err, "household M19: income wage"), "stderr: %s", r.err);
    cr_expect_null(strstr(r.err, "household M20:"), "the 21st error was printed: %s", r.err);
    cr_expect(strstr(r.err, "… and 5 more errors"), "stderr: %s", r.err);
    cr_expect_eq(bf_test_count_lines(r.err), 22, "stderr: %s", r.err);
    bf_test_run_free(&r);
    free(path);
}

/* ---- duplicates against the store, --replace, across files ---- */

Test(import, existing_household_is_an_error_without_replace)
{
    import_good();
    char *before = snapshot();
    bf_test_run r;
    IMPORT(&r, HH("replace.xml"));
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "replace.xml:4:14: household G002: household id is already in the "
                            "database"), "stderr: %s", r.err);
    cr_expect(strstr(r.err, "--replace"), "no hint to --replace: %s", r.err);
    bf_test_run_free(&r);
    char *after = snapshot();
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
}

Test(import, replace_replaces_the_household_and_its_members)
{
    import_good();
    char *others = bf_test_query(db, "SELECT * FROM households WHERE id <> 'G002' ORDER BY id");
    bf_test_run r;
    IMPORT(&r, HH("replace.xml"), "--replace");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "imported 1 households (2 members, 1 replaced)"), "%s", r.out);
    bf_test_run_free(&r);

    char *g002 = bf_test_query(db, "SELECT town, village, monitor, wage_fen FROM households "
                                   "WHERE id = 'G002'");
    cr_expect_str_eq(g002, "东坪镇|东坪村|none|2400000\n");
    char *members = bf_test_query(db, "SELECT id, birth FROM members WHERE household_id = 'G002'"
                                      " ORDER BY seq");
    cr_expect_str_eq(members, "G002-1|1936-01-01\nG002-7|1970-01-01\n");
    char *still = bf_test_query(db, "SELECT * FROM households WHERE id <> 'G002' ORDER BY id");
    cr_expect_str_eq(still, others, "--replace touched other households");
    cr_expect_eq(bf_test_count_rows(db, "households"), 4);
    cr_expect_eq(bf_test_count_rows(db, "members"), 12);
    free(others);
    free(g002);
    free(members);
    free(still);
}

Test(import, duplicate_within_the_import_is_an_error_even_with_replace)
{
    bf_test_run r;
    IMPORT(&r, HH("good.xml"), HH("good.xml"), "--replace");
    cr_expect_eq(r.status, 2);
    char want[600];
    snprintf(want, sizeof want, "good.xml:6:14: household G001: duplicate household id (first at %s:6)",
             HH("good.xml"));
    cr_expect(strstr(r.err, want), "no '%s' in: %s", want, r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_rows_or_none(db, "households"), 0);
}

/* Imports other.xml or good.xml, good.xml, duplicate-of-stored.xml (with --check when check):
 * refused, nothing stored, and N001's G001-1 names the first G001-1, good.xml line 12. */
static void expect_first_member_named(const char *first, bool check)
{
    bf_test_run r;
    if (check)
        IMPORT(&r, first, HH("good.xml"), HH("duplicate-of-stored.xml"), "--check");
    else
        IMPORT(&r, first, HH("good.xml"), HH("duplicate-of-stored.xml"));
    cr_expect_eq(r.status, 2);
    char want[800];
    snprintf(want, sizeof want, "duplicate-of-stored.xml:5:13: household N001, member G001-1: "
             "duplicate member id (also in household G001 at %s:12)", HH("good.xml"));
    cr_expect(strstr(r.err, want), "no '%s' in: %s", want, r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_rows_or_none(db, "households"), 0);
}

Test(import, duplicates_across_files_are_caught)
{
    expect_first_member_named(HH("other.xml"), false);
}

Test(import, duplicate_member_id_after_an_error_still_names_the_first_file_and_line)
{
    /* under --check nothing is inserted, and good.xml twice is an error at once: the first
     * occurrence of G001-1 is still named, from the import's own table of ids */
    expect_first_member_named(HH("good.xml"), true);
}

Test(import, a_first_import_of_two_files_gives_each_household_version_1_of_its_file)
{
    /* into a new database the versions are written at the end, one statement per file: each of
     * the 4 + 2 households has version 1 with its own file, the households' version the import
     * committed as, a time, and no change or kept record */
    bf_test_run r;
    IMPORT(&r, HH("good.xml"), HH("other.xml"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    bf_test_run_free(&r);
    char want[2000];
    snprintf(want, sizeof want, "G001|1|%s\nG002|1|%s\nG003|1|%s\nG004|1|%s\nO001|1|%s\nO002|1|%s\n",
             HH("good.xml"), HH("good.xml"), HH("good.xml"), HH("good.xml"), HH("other.xml"),
             HH("other.xml"));
    char *got = bf_test_query(db, "SELECT household_id, version, source FROM household_versions "
                                  "ORDER BY household_id");
    cr_expect_str_eq(got, want);
    free(got);
    got = bf_test_query(db, "SELECT count(*), count(changed), count(record), "
                            "min(imported LIKE '____-__-__T__:__:__Z'), min(households_version = "
                            "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
                            "'households_version')) FROM household_versions");
    cr_expect_str_eq(got, "6|0|0|1|1\n");
    free(got);
}

Test(import, member_id_already_stored_in_another_household)
{
    import_good();
    char *before = snapshot();
    bf_test_run r;
    IMPORT(&r, HH("duplicate-of-stored.xml"));
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "duplicate-of-stored.xml:5:13: household N001, member G001-1: member id "
                            "is already in the database"), "stderr: %s", r.err);
    bf_test_run_free(&r);
    char *after = snapshot();
    cr_expect_str_eq(after, before);
    free(before);
    free(after);
}

/* ---- usage ---- */

Test(import, usage_errors_exit_2)
{
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "import", "--db", db, NULL), 2);
    cr_expect(strstr(r.err, "name at least one household file"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "import", HH("good.xml"), "--frobnicate", "--db", db,
                                NULL), 2);
    cr_expect(strstr(r.err, "unknown option '--frobnicate'"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "import", "--help", NULL), 0);
    cr_expect(strstr(r.out, "usage: bangfu import FILE... [--db DB] [--replace]"), "%s", r.out);
    bf_test_run_free(&r);
}

Test(import, missing_file_is_named)
{
    char *missing = bf_test_path(bf_test_dir, "no-such-file.xml");
    bf_test_run r;
    IMPORT(&r, HH("good.xml"), missing);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, missing), "%s", r.err);
    cr_expect(strstr(r.err, "No such file"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_rows_or_none(db, "households"), 0);
    free(missing);
}

Test(import, empty_file)
{
    char *empty = bf_test_path(bf_test_dir, "empty.xml");
    cr_assert_eq(bf_test_write_file(empty, "", 0), 0);
    bf_test_run r;
    IMPORT(&r, empty);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "the file is empty"), "%s", r.err);
    bf_test_run_free(&r);
    free(empty);
}

/* ---- the library entry point ---- */

Test(import, library_returns_einput_and_zero_stats)
{
    bf_store *s;
    cr_assert_eq(bf_store_open(db, &s, &bf_test_errs), BF_OK, "%s", bf_test_error());
    const char *files[] = {HH("good.xml"), HH("feb29.xml")};
    bf_import_options opt = {.replace = false, .today = 0, .progress = false};
    bf_import_stats st;
    bf_errors errs;
    bf_errors_init(&errs, 10);
    cr_expect_eq(bf_import_files(s, files, 2, &opt, &st, &errs), BF_EINPUT);
    cr_expect_eq(st.households, 0);
    cr_expect_eq(bf_errors_total(&errs), 1);
    int64_t nh = -1, nm = -1;
    cr_expect_eq(bf_store_count(s, &nh, &nm, &errs), BF_OK);
    cr_expect_eq(nh, 0);
    bf_errors_free(&errs);

    /* the same store accepts a good import afterwards (the TEMP tables were cleaned up) */
    cr_expect_eq(bf_import_files(s, files, 1, &opt, &st, &errs), BF_OK);
    cr_expect_eq(st.households, 4);
    cr_expect_eq(st.members, 11);
    cr_expect_eq(bf_errors_total(&errs), 0);
    bf_errors_free(&errs);
    bf_store_close(s);
}

/* A new database is filled without its CHECK constraints evaluated (households.c,
 * bf_store_fill_directly): the import's values are all checked before. Afterwards the same
 * connection evaluates them again: a negative wage is refused. */
Test(import, checks_are_back_after_filling_a_new_database)
{
    bf_store *s;
    cr_assert_eq(bf_store_open(db, &s, &bf_test_errs), BF_OK, "%s", bf_test_error());
    const char *files[] = {HH("good.xml")};
    bf_import_options opt = {.replace = false, .today = 0, .progress = false};
    bf_import_stats st;
    cr_assert_eq(bf_import_files(s, files, 1, &opt, &st, &bf_test_errs), BF_OK, "%s",
                 bf_test_error());
    bf_household h = {0};
    bf_household_reset(&h);
    strcpy(h.id, "NEG");
    strcpy(h.town, "乳城镇");
    strcpy(h.village, "侯公渡村");
    h.wage = -1;
    bf_member *m = bf_household_add_member(&h);
    cr_assert_not_null(m);
    strcpy(m->id, "NEG-1");
    cr_expect_eq(bf_store_insert_household(s, &h, &bf_test_errs), BF_ESTORE);
    cr_expect(strstr(bf_test_error(), "CHECK constraint failed"), "%s", bf_test_error());
    bf_household_free(&h);
    bf_store_close(s);
}

Test(import, birth_after_today_is_rejected)
{
    bf_store *s;
    cr_assert_eq(bf_store_open(db, &s, &bf_test_errs), BF_OK, "%s", bf_test_error());
    const char *files[] = {HH("good.xml")};
    bf_date today;
    cr_assert_eq(bf_date_parse("2010-01-01", &today), BF_OK);  /* G003-2 is born in 2016 */
    bf_import_options opt = {.replace = false, .today = today, .progress = false};
    bf_import_stats st;
    bf_errors errs;
    bf_errors_init(&errs, 10);
    cr_expect_eq(bf_import_files(s, files, 1, &opt, &st, &errs), BF_EINPUT);
    cr_assert_geq(errs.count, 1);
    bool found = false;
    for (int i = 0; i < errs.count; i++)
        found |= strstr(errs.msgs[i], "household G003, member G003-2: birth 2016-03-01 is after") != NULL;
    cr_expect(found, "first message: %s", errs.msgs[0]);
    bf_errors_free(&errs);
    bf_store_close(s);
}

/* The schema is checked on a thread of its own, from the parser's recorded events (xmlevents.c):
 * its messages still name the household, member, line and column of the value, also far into a
 * file (several batches of 64 kB) and in the order of the file. */
/* Household Fiii on two lines, <household> with a long comment, then its member: text in
 * household 390, sex "X" in household 300. */
static void far_household(FILE *f, int i, void *user)
{
    (void)user;
    char id[16];
    snprintf(id, sizeof id, "F%03d-1", i);
    fprintf(f, "<household id=\"F%03d\" town=\"乳城镇\" village=\"侯公渡村\">%s<!-- %0200d -->\n", i,
            i == 390 ? "text" : "", i);
    bf_test_member_xml(f, id, "1970-01-01", i == 300 ? "X" : "F");
    fprintf(f, "</household>\n");
}

Test(import, schema_errors_far_into_a_file_are_placed)
{
    /* household i (from 0) is on lines 3 + 2i (<household>) and 4 + 2i (<member>) */
    char *path = bf_test_households_file("far.xml", NULL, 400, far_household, NULL);
    bf_test_run r;
    IMPORT(&r, path);
    cr_expect_eq(r.status, 2);
    /* household 300: its member on line 4 + 600; household 390 on line 3 + 780 */
    const char *sex = strstr(r.err, "far.xml:604:");
    const char *text = strstr(r.err, "far.xml:783:");
    cr_expect(sex && strstr(sex, "household F300, member F300-1: sex: 'X'"), "stderr: %s", r.err);
    cr_expect(text && strstr(text, "household F390:"), "stderr: %s", r.err);
    cr_expect(sex && text && sex < text, "not in the file's order: %s", r.err);
    cr_expect_eq(bf_test_count_lines(r.err), 3, "stderr: %s", r.err);   /* and "nothing imported" */
    bf_test_run_free(&r);
    free(path);
}

/* A new database is filled under a rollback journal without foreign-key look-ups (households.c,
 * bf_store_fill_directly); after the import it is in WAL mode with foreign keys on again, and
 * its members all have their household. */
Test(import, a_new_database_is_back_in_wal_mode_after_its_import)
{
    bf_test_run r;
    IMPORT(&r, HH("good.xml"));
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    bf_test_run_free(&r);
    char *mode = bf_test_query(db, "PRAGMA journal_mode");
    cr_expect_str_eq(mode, "wal\n");
    free(mode);
    char *orphans = bf_test_query(db, "PRAGMA foreign_key_check");
    cr_expect_str_empty(orphans);
    free(orphans);
    struct stat st;
    char *journal = bf_test_path(bf_test_dir, "bangfu.db-journal");
    cr_expect_neq(stat(journal, &st), 0, "a journal is left behind");
    free(journal);
    /* an import into it now (not new) keeps the WAL and looks foreign keys up */
    IMPORT(&r, HH("other.xml"));
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    bf_test_run_free(&r);
    mode = bf_test_query(db, "PRAGMA journal_mode");
    cr_expect_str_eq(mode, "wal\n");
    free(mode);
}
