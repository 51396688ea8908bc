/* test_diff.c — `bangfu diff`: two runs compared; the households named are exactly those whose
 * decisions changed, each with the causes built here by hand from the records changed. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define POLICIES BF_SOURCE_DIR "/policies"

TestSuite(diff, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown, .timeout = 300);

static void bangfu_ok(const char *what, int status, bf_test_run *r)
{
    cr_assert_eq(status, 0, "%s: %s%s", what, r->out, r->err);
}

/* Appends to *out (malloc'd, growing) the text s. */
static void append(char **out, size_t *len, const char *s, size_t n)
{
    char *grown = realloc(*out, *len + n + 1);
    cr_assert_not_null(grown);
    memcpy(grown + *len, s, n);
    *len += n;
    grown[*len] = '\0';
    *out = grown;
}

/* Appends "ID|field|old|new\n" to the expected causes. */
static void expect_cause(char **exp, size_t *elen, const char *id, size_t idlen, const char *field,
                         const char *old, size_t oldlen, const char *new_)
{
    append(exp, elen, id, idlen);
    append(exp, elen, "|", 1);
    append(exp, elen, field, strlen(field));
    append(exp, elen, "|", 1);
    append(exp, elen, old, oldlen);
    append(exp, elen, "|", 1);
    append(exp, elen, new_, strlen(new_));
    append(exp, elen, "\n", 1);
}

/* The generated county with, in every 7th household (1st, 8th, …), wage="0.00", and in every
 * 11th, its first member renamed 改名 (a field no policy reads). expected gets the causes the
 * diff must name, built from the edits: "ID|wage|OLD|0.00" and "ID|name|OLD|改名" lines. */
static char *changed_county(const char *xml, char **expected)
{
    char *in = bf_test_read_file(xml, NULL);
    cr_assert_not_null(in);
    char *out = NULL, *exp = NULL;
    size_t len = 0, elen = 0;
    append(&exp, &elen, "", 0);
    const char *p = in;
    int index = 0;
    for (const char *h; (h = strstr(p, "<household id=\"")); index++) {
        const char *id = h + strlen("<household id=\"");
        size_t idlen = (size_t)(strchr(id, '"') - id);
        const char *wage = strstr(h, "wage=\"") + strlen("wage=\"");
        const char *wage_end = strchr(wage, '"');
        const char *name = strstr(h, " name=\"") + strlen(" name=\"");
        const char *name_end = strchr(name, '"');
        append(&out, &len, p, (size_t)(wage - p));
        if (index % 7 == 0 && strncmp(wage, "0.00\"", 5) != 0) {
            append(&out, &len, "0.00", 4);
            expect_cause(&exp, &elen, id, idlen, "wage", wage, (size_t)(wage_end - wage), "0.00");
        } else {
            append(&out, &len, wage, (size_t)(wage_end - wage));
        }
        append(&out, &len, wage_end, (size_t)(name - wage_end));
        if (index % 11 == 0) {
            append(&out, &len, "改名", strlen("改名"));
            expect_cause(&exp, &elen, id, idlen, "name", name, (size_t)(name_end - name), "改名");
        } else {
            append(&out, &len, name, (size_t)(name_end - name));
        }
        p = name_end;
    }
    append(&out, &len, p, strlen(p));
    cr_assert_gt(index, 100);
    free(in);
    char *path = bf_test_path(bf_test_dir, "changed.xml");
    cr_assert_eq(bf_test_write_file(path, out, len), 0);
    free(out);
    *expected = exp;
    return path;
}

/* The columns a line takes on a terminal: 2 for each CJK or full-width character (U+3000 to
 * U+9FFF, U+FF00 to U+FFEF), 1 for any other. */
static int line_columns(const char *s, size_t len)
{
    int cols = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80)
            continue;                                /* a continuation byte */
        cols += c >= 0xE3 && c <= 0xEF && !(c >= 0xEA && c <= 0xEE) ? 2 : 1;
    }
    return cols;
}

/* Checks that the table under the line `title` has every row as wide as its heading (the names
 * padded by display columns, so that Chinese names and headings line up). */
static void expect_aligned(const char *text, const char *title)
{
    const char *p = strstr(text, title);
    cr_assert_not_null(p, "%s", title);
    p += strlen(title);
    const char *end = strchr(p, '\n');
    cr_assert_not_null(end);
    int width = line_columns(p, (size_t)(end - p)), rows = 0;
    for (p = end + 1; *p && *p != '\n'; p = end + 1, rows++) {
        end = strchr(p, '\n');
        cr_assert_not_null(end);
        cr_expect_eq(line_columns(p, (size_t)(end - p)), width, "%.*s", (int)(end - p), p);
    }
    cr_expect_gt(rows, 1, "%s", title);
}

/* How many lines of text start with prefix. */
static int lines_starting(const char *text, const char *prefix)
{
    int n = 0;
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        n += strncmp(p, prefix, strlen(prefix)) == 0;
    return n;
}

/* The households whose decisions differ between runs 1 and 2, by SQL over the decisions
 * table (a decision a run did not store is not eligible): one id a line. */
static const char changed_by_sql[] =
    "WITH a AS (SELECT * FROM decisions WHERE run_id = 1), b AS (SELECT * FROM decisions WHERE run_id = 2),"
    " k AS (SELECT household_id, policy, coalesce(member_id, '') m FROM a UNION"
    "       SELECT household_id, policy, coalesce(member_id, '') FROM b),"
    " s AS (SELECT k.household_id,"
    "   coalesce(a.eligible AND a.error IS NULL, 0) ea, CASE WHEN a.eligible AND a.error IS NULL THEN a.amount_fen ELSE 0 END xa,"
    "   CASE WHEN a.eligible THEN a.tier END ta, a.error IS NOT NULL fa,"
    "   coalesce(b.eligible AND b.error IS NULL, 0) eb, CASE WHEN b.eligible AND b.error IS NULL THEN b.amount_fen ELSE 0 END xb,"
    "   CASE WHEN b.eligible THEN b.tier END tb, b.error IS NOT NULL fb FROM k"
    "   LEFT JOIN a ON a.household_id = k.household_id AND a.policy = k.policy AND coalesce(a.member_id, '') = k.m"
    "   LEFT JOIN b ON b.household_id = k.household_id AND b.policy = k.policy AND coalesce(b.member_id, '') = k.m)"
    " SELECT DISTINCT household_id FROM s WHERE ea != eb OR xa != xb OR ta IS NOT tb OR fa != fb"
    " ORDER BY household_id";

Test(diff, names_exactly_the_households_whose_decisions_changed_with_their_record_causes)
{
    char *xml = bf_test_path(bf_test_dir, "county.xml");
    char *db = bf_test_path(bf_test_dir, "c.db");
    bf_test_run r;
    bangfu_ok("gen", bf_test_bangfu(&r, NULL, "gen", "--households", "400", "--seed", "5",
                                    "--out", xml, NULL), &r);
    bf_test_run_free(&r);
    bangfu_ok("import", bf_test_bangfu(&r, NULL, "import", xml, "--db", db, "--policies",
                                       POLICIES, NULL), &r);
    bf_test_run_free(&r);
    bangfu_ok("run 1", bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30",
                                      "--policies", POLICIES, NULL), &r);
    bf_test_run_free(&r);
    char *expected;
    char *changed = changed_county(xml, &expected);
    bangfu_ok("import --replace", bf_test_bangfu(&r, NULL, "import", changed, "--db", db,
                                                 "--replace", "--policies", POLICIES, NULL), &r);
    bf_test_run_free(&r);
    /* --full: the SQL below reads both runs' rows from the decisions table itself */
    bangfu_ok("run 2", bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30",
                                      "--policies", POLICIES, "--full", NULL), &r);
    bf_test_run_free(&r);
    bangfu_ok("diff", bf_test_bangfu(&r, NULL, "diff", "1", "2", "--db", db, "--format", "json",
                                     NULL), &r);
    /* the households named: exactly those the SQL above finds changed */
    char *want = bf_test_query(db, changed_by_sql);
    char *got = bf_test_json_sql(r.out, "SELECT group_concat(json_extract(value, '$.household'), "
                                        "char(10)) || char(10) FROM json_each(?1, '$.households')");
    cr_assert_not_null(want);
    cr_assert(strlen(want) > 20, "some decisions changed: %s", want);
    cr_expect_str_eq(got, want);
    free(got);
    /* each of them is a household whose wage went to 0; its causes are exactly the edits made
     * to it (the wage, and the name for every 77th), old -> new as the changed file has them */
    got = bf_test_json_sql(r.out, "SELECT group_concat(json_extract(h.value, '$.household') || '|' "
        "|| json_extract(c.value, '$.field') || '|' || json_extract(c.value, '$.old') || '|' || "
        "json_extract(c.value, '$.new') || '|' || json_extract(c.value, '$.cause'), char(10)) || "
        "char(10) FROM json_each(?1, '$.households') h, json_each(h.value, '$.causes') c");
    int causes = 0, households = 0;
    for (char *line = strtok(got, "\n"); line; line = strtok(NULL, "\n"), causes++) {
        char *kind = strrchr(line, '|');
        cr_assert_not_null(kind);
        cr_expect_str_eq(kind, "|record", "%s", line);
        *kind = '\0';
        char key[300];
        snprintf(key, sizeof key, "%s\n", line);
        cr_expect(strstr(expected, key) != NULL, "%s is not an edit made", line);
        if (strstr(line, "|wage|"))
            households++;
    }
    cr_expect_eq(households, bf_test_count_lines(want), "each household's wage is a cause");
    /* and every edit of a listed household is named: its expected lines are its causes */
    int want_causes = 0;
    for (char *id = strtok(want, "\n"); id; id = strtok(NULL, "\n")) {
        char prefix[80];
        snprintf(prefix, sizeof prefix, "%s|", id);
        cr_expect_eq(lines_starting(expected, prefix) > 0, 1, "%s was edited", id);
        want_causes += lines_starting(expected, prefix);
    }
    cr_expect_eq(causes, want_causes);
    free(got);
    /* the deltas per policy are the change of the runs' stored totals */
    got = bf_test_db_json_sql(db, r.out, "SELECT count(*), sum(CAST(round(json_extract(j.value, "
        "'$.delta') * 100) AS INTEGER) = b.amount_fen - a.amount_fen) FROM json_each(?1, "
        "'$.policies') j JOIN run_policies a ON a.run_id = 1 AND a.policy = "
        "json_extract(j.value, '$.policy') JOIN run_policies b ON b.run_id = 2 AND b.policy = a.policy");
    cr_expect_str_eq(got, "10|10");
    free(got);
    bf_test_run_free(&r);
    free(want);
    free(expected);
    free(changed);
    free(xml);
    free(db);
}

Test(diff, refuses_a_run_that_is_missing_or_did_not_complete)
{
    char *db = bf_test_county("c.db", NULL, NULL);
    bf_test_run r;
    bangfu_ok("run", bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30",
                                    "--policies", POLICIES, NULL), &r);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "diff", "1", "7", "--db", db, NULL), 2);
    cr_expect(strstr(r.err, "no run 7"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "diff", "1", "--db", db, NULL), 2);
    cr_expect(strstr(r.err, "give the two runs"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "diff", "1", "1", "--db", db, "--format", "xml", NULL), 2);
    bf_test_run_free(&r);
    sqlite3 *h;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "UPDATE runs SET status = 'interrupted' WHERE id = 1", 0, 0, 0),
                 SQLITE_OK);
    sqlite3_close(h);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "diff", "1", "1", "--db", db, NULL), 2);
    cr_expect(strstr(r.err, "run 1 is interrupted"), "%s", r.err);
    bf_test_run_free(&r);
    free(db);
}

/* `diff 1 2` as text under locale (NULL: the tests' English): it starts with head (the first
 * line and the per-policy table's title and headings), every row of the two tables, under their
 * titles, lines up with its headings, and each of the households changed by the date alone has
 * one cause line, the monthly change report's Chinese sentence (the HTML report shares it) in
 * either language. */
static void expect_diff_text(const char *db, const char *locale, const char *head,
                             const char *const titles[2], int households)
{
    bf_test_run r;
    int rc = locale ? bf_test_bangfu_in(&r, locale, "diff", "1", "2", "--db", db, NULL)
                    : bf_test_bangfu(&r, NULL, "diff", "1", "2", "--db", db, NULL);
    bangfu_ok("diff", rc, &r);
    cr_expect(strncmp(r.out, head, strlen(head)) == 0, "%s", r.out);
    expect_aligned(r.out, titles[0]);
    expect_aligned(r.out, titles[1]);
    cr_expect_eq(lines_starting(r.out, "  原因  仅评估日期变化：2021-01-01 → 2021-12-31（年龄跨线"
                                       "或新标准生效）\n"), households, "%s", r.out);
    bf_test_run_free(&r);
}

Test(diff, a_moved_date_alone_is_named_as_the_cause)
{
    char *db = bf_test_county("c.db", "400", "5");
    bf_test_run r;
    /* no value of params.xml changes within 2021: only the date (ages) can move decisions */
    bangfu_ok("run 1", bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-01-01",
                                      "--policies", POLICIES, NULL), &r);
    bf_test_run_free(&r);
    bangfu_ok("run 2", bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-12-31",
                                      "--policies", POLICIES, "--full", NULL), &r);
    bf_test_run_free(&r);
    bangfu_ok("diff", bf_test_bangfu(&r, NULL, "diff", "1", "2", "--db", db, "--format", "json",
                                     NULL), &r);
    char *got = bf_test_json_sql(r.out, "SELECT json_array_length(?1, '$.parameters_changed'), "
        "json_array_length(?1, '$.scripts_changed'), group_concat(json_extract(value, '$.household'), "
        "char(10)) || char(10) FROM json_each(?1, '$.households')");
    char *ids = bf_test_query(db, changed_by_sql);
    char want[8192];
    snprintf(want, sizeof want, "0|0|%s", ids);
    cr_expect_str_eq(got, want);
    cr_expect_gt(bf_test_count_lines(ids), 0, "a year moves some decisions (ages)");
    free(got);
    got = bf_test_json_sql(r.out, "SELECT count(*), sum(json_array_length(value, '$.causes') = 1 "
        "AND json_extract(value, '$.causes[0]') = '{\"cause\":\"date\",\"from\":\"2021-01-01\","
        "\"to\":\"2021-12-31\"}') FROM json_each(?1, '$.households')");
    char n[64];
    snprintf(n, sizeof n, "%d|%d", bf_test_count_lines(ids), bf_test_count_lines(ids));
    cr_expect_str_eq(got, n, "each household's one cause: the date");
    free(got);
    bf_test_run_free(&r);
    int households = bf_test_count_lines(ids);
    char head[512];
    /* the text report in English: its headings, one cause line per household */
    snprintf(head, sizeof head, "run 1 (2021-01-01) → run 2 (2021-12-31): %d households with "
             "changed decisions\n\nper policy (decisions):\n  policy                entered     "
             "left   raised      cut    other     delta yuan\n", households);
    static const char *const english[2] = {"\nper policy (decisions):\n",
                                           "\nper town (decisions):\n"};
    expect_diff_text(db, NULL, head, english, households);
    /* in Chinese: the headings translated, the causes the same */
    snprintf(head, sizeof head, "运行 1（2021-01-01）→ 运行 2（2021-12-31）：%d 户的决定有变化\n\n"
             "按政策（决定数）：\n  政策                   新纳入     退出     提标     降标 其他变化"
             "     增减（元）\n", households);
    static const char *const chinese[2] = {"\n按政策（决定数）：\n", "\n按乡镇（决定数）：\n"};
    expect_diff_text(db, BF_TEST_CHINESE, head, chinese, households);
    free(ids);
    free(db);
}
