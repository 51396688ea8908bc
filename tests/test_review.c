/* test_review.c — `bangfu review` (数据比对): the exact findings on the bundled sample, the kinds that need odd records, the three renderings, and a generated county checked against independent SQL. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "buf.h"
#include "helpers.h"
#include "review.h"
#include "store.h"

#define POLICIES BF_SOURCE_DIR "/policies"
#define FAULTS BF_SOURCE_DIR "/tests/data/policies/faults"

TestSuite(review, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown, .timeout = 240);

/* A database with the sample imported and run once on 2021-06-30. */
static char *sample_run(void)
{
    char *db = bf_test_county("sample.db", NULL, NULL);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30",
                                "--policies", POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    return db;
}

/* Collects findings as "household|kind|policy|member|town|village|first reason" lines. */
static int collect(void *ctx, const bf_review_row *row)
{
    bf_buf *b = ctx;
    bf_buf_printf(b, "%s|%s|%s|%s|%s|%s|", row->household, bf_review_kind_id(row->kind),
                  row->policy, row->member ? row->member : "", row->town, row->village);
    /* the first reason, up to its first '"' (enough to tell reasons apart) */
    const char *r = strchr(row->reasons_json, '"');
    if (r) {
        const char *end = strchr(r + 1, '"');
        bf_buf_add(b, r + 1, end ? (size_t)(end - r - 1) : strlen(r + 1));
    }
    bf_buf_puts(b, "\n");
    return 0;
}

/* The findings of the latest completed run of db through the library. */
static char *review_lines(const char *db, bf_review_counts *counts)
{
    bf_store *s;
    cr_assert_eq(bf_store_open_existing(db, &s, &bf_test_errs), BF_OK, "%s", bf_test_error());
    int64_t id;
    cr_assert_eq(bf_store_run_latest_completed(s, &id, NULL), BF_OK);
    bf_stored_run run;
    cr_assert_eq(bf_store_run_get(s, id, &run, NULL), BF_OK);
    bf_buf b = {0};
    bf_errors errs;
    bf_errors_init(&errs, 5);
    cr_assert_eq(bf_review_scan(s, &run, collect, &b, counts, &errs), BF_OK, "%s",
                 bf_errors_first(&errs));
    bf_errors_free(&errs);
    bf_stored_run_free(&run);
    bf_store_close(s);
    char *out = strdup(bf_buf_str(&b));
    bf_buf_free(&b);
    return out;
}

/* The only line of lines that starts with prefix, or NULL (also when there are several). */
static const char *line_with(const char *lines, const char *prefix, char *buf, size_t size)
{
    const char *found = NULL;
    for (const char *p = lines; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, prefix, strlen(prefix)) == 0) {
            if (found)
                return NULL;
            found = p;
        }
    if (!found)
        return NULL;
    size_t len = strcspn(found, "\n");
    snprintf(buf, size, "%.*s", (int)len, found);
    return buf;
}

/* The findings of the sample run: samples/README.md: recorded but not eligible S12 S16 S21;
 * eligible but not recorded S05 (tekun) S17 S25 (dibao); new monitoring candidate S12 S25 S26.
 * Member-scope policies give one row per member decision. */
static const char *const sample_findings[] = {
    "S05|eligible_not_recorded|tekun|S05-2|",
    "S12|recorded_not_eligible|dibao||",
    "S12|recorded_not_eligible|medical_aid|S12-1|",
    "S12|recorded_not_eligible|medical_aid|S12-2|",
    "S12|recorded_not_eligible|medical_aid|S12-3|",
    "S12|recorded_not_eligible|medical_aid|S12-4|",
    "S12|monitoring_candidate|monitoring||",
    "S16|recorded_not_eligible|low_income||",
    "S16|recorded_not_eligible|dibao||",
    "S17|eligible_not_recorded|dibao||",
    "S21|recorded_not_eligible|tekun|S21-1|",
    "S25|eligible_not_recorded|dibao||",
    "S25|monitoring_candidate|monitoring||",
    "S26|monitoring_candidate|monitoring||",
};
#define SAMPLE_FINDINGS ((int)(sizeof sample_findings / sizeof sample_findings[0]))

/* Checks that lines are sample_findings in order, less those that begin with one of the n
 * prefixes in left_out. */
static void expect_sample_findings_but(const char *lines, const char *const *left_out, int n)
{
    const char *p = lines;
    int rows = 0;
    for (int i = 0; i < SAMPLE_FINDINGS; i++) {
        bool skip = false;
        for (int k = 0; k < n; k++)
            skip = skip || strncmp(sample_findings[i], left_out[k], strlen(left_out[k])) == 0;
        if (skip)
            continue;
        rows++;
        cr_expect(p && strncmp(p, sample_findings[i], strlen(sample_findings[i])) == 0,
                  "expected %s in\n%s", sample_findings[i], lines);
        p = p && strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
    }
    cr_expect_eq(bf_test_count_lines(lines), rows, "%s", lines);
}

Test(review, finds_exactly_the_sample_cases)
{
    char *db = sample_run();
    bf_review_counts c;
    char *lines = review_lines(db, &c);
    expect_sample_findings_but(lines, NULL, 0);
    cr_expect_eq(c.households, 27);
    cr_expect_eq(c.rows[BF_REVIEW_RECORDED_NOT_ELIGIBLE], 8);
    cr_expect_eq(c.rows[BF_REVIEW_ELIGIBLE_NOT_RECORDED], 3);
    cr_expect_eq(c.rows[BF_REVIEW_MONITORING_CANDIDATE], 3);
    cr_expect_eq(c.rows[BF_REVIEW_UNKNOWN_POLICY], 0);
    cr_expect_eq(c.rows[BF_REVIEW_EVALUATION_ERROR], 0);
    /* each row carries the place and the stored reason of the decision */
    char buf[2048];
    cr_expect_str_eq(line_with(lines, "S16|recorded_not_eligible|dibao|", buf, sizeof buf),
                     "S16|recorded_not_eligible|dibao||游溪镇|新街村|家庭人均月收入 1000.00 元，"
                     "不低于低保标准 551 元");
    cr_expect_str_eq(line_with(lines, "S21|", buf, sizeof buf),
                     "S21|recorded_not_eligible|tekun|S21-1|大桥镇|石角村|"
                     "有具备履行能力的法定赡养、抚养、扶养义务人");
    cr_expect(strstr(line_with(lines, "S17|", buf, sizeof buf), "|东坪镇|东坪村|家庭人均月收入 450.00 元"),
              "%s", buf);
    cr_expect(strstr(line_with(lines, "S26|", buf, sizeof buf), "|乳城镇|水口村|家庭人均年收入 4200.00 元"),
              "%s", buf);
    free(lines);
    free(db);
}

Test(review, text_has_chinese_headings_sections_and_counts)
{
    char *db = sample_run();
    bf_test_run r;
    bf_test_locale = BF_TEST_CHINESE;            /* as county staff read it */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "数据比对 · 运行 1 · 评估日期 2021-06-30 · 27 户"), "%s", r.out);
    const char *a = strstr(r.out, "一、有记录但不符合条件（recorded_not_eligible）：8");
    const char *b = strstr(r.out, "二、符合条件但未记录（可能漏保）（eligible_not_recorded）：3");
    const char *c = strstr(r.out, "三、新的监测对象候选（monitoring_candidate）：3");
    cr_expect(a && b && c && a < b && b < c, "%s", r.out);
    /* S17 is listed in the omissions section, not elsewhere */
    const char *s17 = strstr(r.out, "  S17  东坪镇 东坪村  dibao（农村最低生活保障）");
    cr_expect(s17 && s17 > b && s17 < c, "%s", r.out);
    cr_expect(strstr(r.out, "成员 S12-3"), "%s", r.out);
    cr_expect(strstr(r.out, "\n合计\n"), "%s", r.out);
    cr_expect(strstr(r.out, "  recorded_not_eligible           8\n"), "%s", r.out);
    cr_expect(strstr(r.out, "  monitoring_candidate            3\n"), "%s", r.out);
    cr_expect(!strstr(r.out, "四、"), "no unknown-policy section when there is none:\n%s", r.out);
    bf_test_run_free(&r);
    free(db);
}

Test(review, json_is_valid_and_carries_the_same_findings)
{
    char *db = sample_run();
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, "--format", "json", NULL), 0,
                 "%s", r.err);
    char *row = bf_test_json_sql(r.out, "SELECT json_valid(?1), json_extract(?1, '$.run'), "
                                "json_extract(?1, '$.date'), json_array_length(?1, '$.findings'), "
                                "json_extract(?1, '$.counts.recorded_not_eligible'), "
                                "json_extract(?1, '$.counts.eligible_not_recorded'), "
                                "json_extract(?1, '$.counts.monitoring_candidate'), "
                                "json_extract(?1, '$.households')");
    cr_expect_str_eq(row, "1|1|2021-06-30|14|8|3|3|27");
    free(row);
    row = bf_test_json_sql(r.out, "SELECT json_extract(value, '$.town'), json_extract(value, '$.village'), "
                          "json_extract(value, '$.policy_title'), json_extract(value, '$.member'), "
                          "json_array_length(value, '$.reasons'), "
                          "json_extract(value, '$.reasons[0]') FROM json_each(?1, '$.findings') "
                          "WHERE json_extract(value, '$.household') = 'S21'");
    cr_expect_str_eq(row, "大桥镇|石角村|特困人员救助供养|S21-1|1|"
                          "有具备履行能力的法定赡养、抚养、扶养义务人");
    free(row);
    row = bf_test_json_sql(r.out, "SELECT json_type(value, '$.member') FROM json_each(?1, '$.findings') "
                          "WHERE json_extract(value, '$.household') = 'S17'");
    cr_expect_str_eq(row, "null", "household scope: member is null");
    free(row);
    bf_test_run_free(&r);
    free(db);
}

/* ---- a small RFC 4180 reader: fields of every record ---- */


Test(review, csv_has_a_bom_a_header_and_one_record_per_finding)
{
    char *db = sample_run();
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, "--format", "csv", NULL), 0,
                 "%s", r.err);
    cr_expect(strncmp(r.out, "\xEF\xBB\xBFhousehold,", 12) == 0, "a UTF-8 BOM first");
    bf_test_csv t;
    cr_assert(bf_test_csv_parse(r.out, &t, false), "well-formed RFC 4180");
    cr_assert_eq(t.n, 15, "header + 14 findings");
    for (int i = 0; i < t.n; i++)
        cr_expect_eq(t.cols[i], 8, "record %d has 8 fields", i);
    cr_expect_str_eq(t.rows[0][0], "household");
    cr_expect_str_eq(t.rows[0][7], "reason");
    int omissions = 0;
    for (int i = 1; i < t.n; i++)
        if (strcmp(t.rows[i][3], "eligible_not_recorded") == 0)
            omissions++;
    cr_expect_eq(omissions, 3);
    /* S12's dibao reason holds a '，' and two reasons joined by '；' */
    cr_expect_str_eq(t.rows[2][0], "S12");
    cr_expect_str_eq(t.rows[2][4], "dibao");
    cr_expect(strstr(t.rows[2][7], "；不属于低收入家庭"), "%s", t.rows[2][7]);
    bf_test_csv_free(&t);
    bf_test_run_free(&r);
    free(db);
}

/* A one-member household whose records name policies (XML of the households format). */
static void write_household(const char *path, const char *id, const char *recorded)
{
    char xml[2048];
    snprintf(xml, sizeof xml,
             "<households xmlns=\"urn:bangfu:households:1\">\n"
             "<household id=\"%s\" town=\"大桥镇\" village=\"石角村\" status=\"none\" monitor=\"none\" "
             "recorded=\"%s\">\n"
             "<income wage=\"0\" business=\"0\" property=\"0\" transfer=\"4800\" excluded=\"0\"/>\n"
             "<assets deposits=\"6000\" vehicle=\"0\" extra_houses=\"0\"/>\n"
             "<member id=\"%s-1\" relation=\"head\" birth=\"1945-01-20\" sex=\"F\" labor=\"none\" "
             "employment=\"none\" school=\"none\" self_care=\"full\" disability=\"0\" "
             "disability_type=\"none\" serious_illness=\"false\" pension_insured=\"true\" "
             "medical_insured=\"true\" medical_cost=\"0\" supporter=\"true\"/>\n"
             "</household>\n</households>\n", id, recorded, id);
    cr_assert_eq(bf_test_write_file(path, xml, (size_t)-1), 0);
}

Test(review, unknown_policies_and_failed_evaluations_are_reported_not_hidden)
{
    char *db = bf_test_path(bf_test_dir, "f.db"), *xml = bf_test_path(bf_test_dir, "h.xml");
    write_household(xml, "F1", "good raises nosuch raises");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "import", xml, "--db", db, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                FAULTS, "--only", "good,raises", NULL), 1, "%s", r.err);
    bf_test_run_free(&r);
    bf_review_counts c;
    char *lines = review_lines(db, &c);
    /* good is eligible: nothing; raises failed: an error row (not "not eligible"); nosuch is no
     * policy of the run; the repeated "raises" counts once */
    cr_expect_eq(c.rows[BF_REVIEW_EVALUATION_ERROR], 1, "%s", lines);
    cr_expect_eq(c.rows[BF_REVIEW_UNKNOWN_POLICY], 1, "%s", lines);
    cr_expect_eq(c.rows[BF_REVIEW_RECORDED_NOT_ELIGIBLE], 0, "%s", lines);
    cr_expect(strstr(lines, "F1|evaluation_error|raises||大桥镇|石角村|"), "%s", lines);
    cr_expect(strstr(lines, "raises.lua:4: deliberate failure"), "%s", lines);
    cr_expect(strstr(lines, "F1|unknown_policy|nosuch||大桥镇|石角村|run 1 evaluated only good,raises"),
              "%s", lines);
    free(lines);
    /* the text output shows the exceptional sections when they occur (in Chinese, its words) */
    bf_test_locale = BF_TEST_CHINESE;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "四、记录中的政策未知（unknown_policy）：1"), "%s", r.out);
    cr_expect(strstr(r.out, "五、有记录，评估出错（evaluation_error）：1"), "%s", r.out);
    bf_test_run_free(&r);
    free(db);
    free(xml);
}

Test(review, bad_input_exits_2)
{
    char *db = bf_test_county("empty.db", NULL, NULL);
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, NULL), 2, "no run yet");
    cr_expect(strstr(r.err, "no completed run"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, "--run", "7", NULL), 2);
    cr_expect(strstr(r.err, "no run 7"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, "--run", "x", NULL), 2);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, "--format", "xml", NULL), 2);
    cr_expect(strstr(r.err, "text, json or csv"), "%s", r.err);
    bf_test_run_free(&r);
    char *missing = bf_test_path(bf_test_dir, "missing.db");
    cr_expect_eq(bf_test_bangfu(&r, NULL, "review", "--db", missing, NULL), 2);
    bf_test_run_free(&r);
    free(missing);
    free(db);
}

Test(review, an_interrupted_run_is_refused)
{
    char *db = sample_run();
    sqlite3 *h;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "UPDATE runs SET status = 'interrupted'", NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(h));
    cr_assert_eq(sqlite3_changes(h), 1);
    sqlite3_close(h);
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, "--run", "1", NULL), 2);
    cr_expect(strstr(r.err, "run 1 is interrupted, not completed"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, NULL), 2, "not the default either");
    bf_test_run_free(&r);
    free(db);
}

/* One number from db. */
static long long query_number(const char *db, const char *sql)
{
    char *row = bf_test_query(db, sql);
    cr_assert_not_null(row, "%s", sql);
    long long v = atoll(row);
    free(row);
    return v;
}

Test(review, a_generated_county_agrees_with_independent_sql)
{
    char *db = bf_test_county("county.db", "3000", "5");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    bf_review_counts c;
    char *lines = review_lines(db, &c);
    long long candidates = query_number(db,
        "SELECT count(*) FROM decisions d JOIN households h ON h.id = d.household_id "
        "WHERE d.run_id = 1 AND d.policy = 'monitoring' AND d.tier = 'alert' AND h.monitor = 'none'");
    long long omissions = query_number(db,
        "SELECT count(*) FROM decisions d JOIN households h ON h.id = d.household_id "
        "WHERE d.run_id = 1 AND d.eligible = 1 AND d.policy IN ('dibao', 'tekun') "
        "AND ' ' || h.recorded || ' ' NOT LIKE '% ' || d.policy || ' %'");
    /* a recorded policy with no eligible decision: one row per stored decision of it */
    long long stopped = query_number(db,
        "SELECT coalesce(sum(max(n, 1)), 0) FROM (SELECT "
        "(SELECT count(*) FROM decisions d WHERE d.run_id = 1 AND d.household_id = h.id "
        "AND d.policy = rp.policy) AS n, "
        "(SELECT count(*) FROM decisions d WHERE d.run_id = 1 AND d.household_id = h.id "
        "AND d.policy = rp.policy AND d.eligible = 1) AS e "
        "FROM households h JOIN run_policies rp ON rp.run_id = 1 "
        "WHERE ' ' || h.recorded || ' ' LIKE '% ' || rp.policy || ' %') WHERE e = 0");
    cr_expect_eq(c.households, 3000);
    cr_expect_eq(c.rows[BF_REVIEW_MONITORING_CANDIDATE], candidates);
    cr_expect_eq(c.rows[BF_REVIEW_ELIGIBLE_NOT_RECORDED], omissions);
    cr_expect_eq(c.rows[BF_REVIEW_RECORDED_NOT_ELIGIBLE], stopped);
    cr_expect_eq(c.rows[BF_REVIEW_UNKNOWN_POLICY], 0);
    /* the generator mixes in omissions and benefits that should have stopped */
    cr_expect_gt(candidates, 0);
    cr_expect_gt(omissions, 0);
    cr_expect_gt(stopped, 0);
    /* the CLI's JSON counts the same */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, "--format", "json", NULL), 0,
                 "%s", r.err);
    char expect[128];
    snprintf(expect, sizeof expect, "1|%lld|%lld|%lld|%lld", stopped, omissions, candidates,
             stopped + omissions + candidates);
    char *row = bf_test_json_sql(r.out, "SELECT json_valid(?1), "
                                "json_extract(?1, '$.counts.recorded_not_eligible'), "
                                "json_extract(?1, '$.counts.eligible_not_recorded'), "
                                "json_extract(?1, '$.counts.monitoring_candidate'), "
                                "json_array_length(?1, '$.findings')");
    cr_expect_str_eq(row, expect);
    free(row);
    bf_test_run_free(&r);
    free(lines);
    free(db);
}

/* Imports (--replace) the sample's household id again with recorded changed to `recorded`: a
 * new version whose decisions are the same (no script reads `recorded`), so only the review's
 * findings for it change. */
static void reimport_with_recorded(const char *db, const char *id, const char *recorded)
{
    char *sample = bf_test_read_file(BF_SOURCE_DIR "/samples/households.xml", NULL);
    cr_assert_not_null(sample);
    char start[64];
    snprintf(start, sizeof start, "<household id=\"%s\"", id);
    char *h = strstr(sample, start), *end = h ? strstr(h, "</household>") : NULL;
    char *rec = h ? strstr(h, "recorded=\"") : NULL;
    cr_assert(end && rec && rec < end, "%s in the sample", id);
    rec += strlen("recorded=\"");
    const char *rec_end = strchr(rec, '"');
    bf_buf xml = {0};
    bf_buf_puts(&xml, "<households xmlns=\"urn:bangfu:households:1\">\n");
    bf_buf_add(&xml, h, (size_t)(rec - h));
    bf_buf_puts(&xml, recorded);
    bf_buf_add(&xml, rec_end, (size_t)(end - rec_end));
    bf_buf_puts(&xml, "</household>\n</households>\n");
    char *path = bf_test_path(bf_test_dir, "changed.xml");
    cr_assert_eq(bf_test_write_file(path, bf_buf_str(&xml), (size_t)-1), 0);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "import", path, "--db", db, "--replace", NULL), 0,
                 "%s", r.err);
    bf_test_run_free(&r);
    bf_buf_free(&xml);
    free(path);
    free(sample);
}

/* Runs db again on 2021-06-30, expecting it to take over decisions as `says`. */
static void rerun(const char *db, const char *says)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30",
                                "--policies", POLICIES, NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, says), "%s", r.out);
    bf_test_run_free(&r);
}

/* A re-run reads most decisions through its ranges of households taken over from earlier runs
 * (run_sources); the review of it finds what the review of a full run would, household by
 * household: the sample's findings less those the changed records settle. */
Test(review, a_rerun_is_reviewed_as_a_full_run)
{
    char *db = sample_run();
    /* run 2: S05 records tekun now (its eligible S05-2 is recorded: no omission), S16 no longer
     * records dibao (no more "recorded but not eligible" for it); both evaluated again */
    reimport_with_recorded(db, "S05", "dibao pension_subsidy medical_aid disability_subsidy tekun");
    reimport_with_recorded(db, "S16", "low_income");
    rerun(db, "took over the decisions of 25 households from run 1 (unchanged since); evaluated 2");
    /* run 3: S21 no longer records tekun (evaluated again); S05 and S16 taken over from run 2,
     * the others from run 1 */
    reimport_with_recorded(db, "S21", "dibao medical_aid");
    rerun(db, "took over the decisions of 26 households from run 2 (unchanged since); evaluated 1");
    char *got = bf_test_query(db, "SELECT run_id, group_concat(first_id || '-' || last_id || ':' "
                                  "|| source_run, ' ') FROM (SELECT * FROM run_sources ORDER BY "
                                  "run_id, first_id) GROUP BY run_id");
    cr_expect_str_eq(got, "2|S01-S04:1 S06-S15:1 S17-S27:1\n"
                          "3|S01-S04:1 S05-S05:2 S06-S15:1 S16-S16:2 S17-S20:1 S22-S27:1\n");
    free(got);
    bf_review_counts c;
    char *lines = review_lines(db, &c);          /* run 3, the latest */
    static const char *const settled[] = {"S05|eligible_not_recorded|tekun|",
                                          "S16|recorded_not_eligible|dibao|",
                                          "S21|recorded_not_eligible|tekun|"};
    expect_sample_findings_but(lines, settled, 3);
    cr_expect_eq(c.households, 27);
    cr_expect_eq(c.rows[BF_REVIEW_RECORDED_NOT_ELIGIBLE], 8 - 2);
    cr_expect_eq(c.rows[BF_REVIEW_ELIGIBLE_NOT_RECORDED], 3 - 1);
    cr_expect_eq(c.rows[BF_REVIEW_MONITORING_CANDIDATE], 3);
    free(lines);
    /* run 2 through the command: the review compares the records as they are now, so run 2,
     * with the same decisions through other ranges, has the same findings */
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, "--run", "2", "--format", "csv",
                                NULL), 0, "%s", r.err);
    cr_expect(!strstr(r.out, "S21,"), "%s", r.out);
    cr_expect(!strstr(r.out, "S16,游溪镇,新街村,recorded_not_eligible,dibao,"), "%s", r.out);
    cr_expect(strstr(r.out, "S16,游溪镇,新街村,recorded_not_eligible,low_income,"), "%s", r.out);
    cr_expect(!strstr(r.out, "S05,"), "%s", r.out);
    cr_expect(strstr(r.out, "S17,东坪镇,东坪村,eligible_not_recorded,dibao,"), "%s", r.out);
    cr_expect_eq(bf_test_count_lines(r.out), 1 + 14 - 3, "a header and 11 findings:\n%s", r.out);
    bf_test_run_free(&r);
    free(db);
}
