/* test_history.c — households over time: the versions an import with --replace keeps, the
 * migration of older databases, and `bangfu runs`. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define POLICIES BF_SOURCE_DIR "/policies"
#define SAMPLE BF_SOURCE_DIR "/samples/households.xml"

TestSuite(history, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown, .timeout = 240);

/* Replaces the one occurrence of from in *text by to (the test fails when from is not there
 * exactly once). */
static void replace_once(char **text, const char *from, const char *to)
{
    char *at = strstr(*text, from);
    cr_assert_not_null(at, "'%s' is not in the file", from);
    cr_assert_null(strstr(at + 1, from), "'%s' is in the file twice", from);
    size_t head = (size_t)(at - *text), flen = strlen(from), tlen = strlen(to);
    size_t rest = strlen(at + flen);
    char *out = malloc(head + tlen + rest + 1);
    cr_assert_not_null(out);
    memcpy(out, *text, head);
    memcpy(out + head, to, tlen);
    memcpy(out + head + tlen, at + flen, rest + 1);
    free(*text);
    *text = out;
}

/* The sample county with S03's wage raised from 31200 to 41200, member S03-3 unemployed
 * instead of working outside, and member S03-4 gone; written to bf_test_dir/name. */
static char *changed_sample(const char *name)
{
    char *text = bf_test_read_file(SAMPLE, NULL);
    cr_assert_not_null(text);
    replace_once(&text, "wage=\"31200\"", "wage=\"41200\"");
    replace_once(&text, "id=\"S03-3\" name=\"赵丽\" relation=\"child\" birth=\"1998-01-05\" sex=\"F\" "
                        "labor=\"full\" employment=\"outside\"",
                 "id=\"S03-3\" name=\"赵丽\" relation=\"child\" birth=\"1998-01-05\" sex=\"F\" "
                 "labor=\"full\" employment=\"unemployed\"");
    char *m4 = strstr(text, "<member id=\"S03-4\"");
    cr_assert_not_null(m4);
    char *end = strchr(m4, '\n');
    memmove(m4, end + 1, strlen(end + 1) + 1);
    char *path = bf_test_path(bf_test_dir, name);
    cr_assert_eq(bf_test_write_file(path, text, (size_t)-1), 0);
    free(text);
    return path;
}

static void import(const char *db, const char *file, bool replace, int expect)
{
    bf_test_run r;
    int status = replace ? bf_test_bangfu(&r, NULL, "import", file, "--db", db, "--replace",
                                          "--policies", POLICIES, NULL)
                         : bf_test_bangfu(&r, NULL, "import", file, "--db", db, "--policies",
                                          POLICIES, NULL);
    cr_assert_eq(status, expect, "%s%s", r.out, r.err);
    bf_test_run_free(&r);
}

static void expect_query(const char *db, const char *sql, const char *want, const char *why)
{
    char *got = bf_test_query(db, sql);
    cr_assert_not_null(got, "%s", sql);
    cr_expect_str_eq(got, want, "%s", why);
    free(got);
}

Test(history, a_replaced_household_keeps_its_previous_version_and_what_changed)
{
    char *db = bf_test_county("c.db", NULL, NULL);
    expect_query(db, "SELECT count(*), min(version), max(version), count(record), "
                     "count(changed), min(source LIKE '%/samples/households.xml') "
                     "FROM household_versions",
                 "27|1|1|0|0|1\n", "each imported household is version 1 of the sample file");
    char *changed = changed_sample("changed.xml");
    import(db, changed, true, 0);
    /* S03 only: the other 26 households were imported again with the same fields */
    expect_query(db, "SELECT household_id, version, changed FROM household_versions "
                     "WHERE version > 1 OR changed IS NOT NULL",
                 "S03|2|[{\"field\":\"wage\",\"old\":\"31200.00\",\"new\":\"41200.00\"},"
                 "{\"member\":\"S03-3\",\"field\":\"employment\",\"old\":\"outside\",\"new\":\"unemployed\"},"
                 "{\"member\":\"S03-4\",\"field\":\"member\",\"old\":\"removed\",\"new\":null}]\n",
                 "the wage, one member's employment, one member removed");
    expect_query(db, "SELECT version, source LIKE '%/changed.xml', imported LIKE '____-__-__T__:__:__Z', "
                     "json_extract(record, '$.wage'), json_extract(record, '$.\"members/S03-4/birth\"') "
                     "FROM household_versions WHERE household_id = 'S03' ORDER BY version",
                 "1|0|1|31200.00|2005-01-30\n2|1|1|NULL|NULL\n",
                 "version 1 keeps the record it was, version 2 is the stored one");
    /* the same file again: nothing changed, no version */
    import(db, changed, true, 0);
    expect_query(db, "SELECT count(*), count(record) FROM household_versions", "28|1\n",
                 "an import with the same fields makes no version");
    free(changed);
    free(db);
}

Test(history, a_refused_import_writes_no_version)
{
    char *db = bf_test_county("c.db", NULL, NULL);
    char *text = bf_test_read_file(SAMPLE, NULL);
    cr_assert_not_null(text);
    replace_once(&text, "wage=\"31200\"", "wage=\"41200\"");
    replace_once(&text, "id=\"S03-4\" name=\"赵浩\" relation=\"child\" birth=\"2005-01-30\"",
                 "id=\"S03-4\" name=\"赵浩\" relation=\"child\" birth=\"2005-02-30\"");
    char *bad = bf_test_path(bf_test_dir, "bad.xml");
    cr_assert_eq(bf_test_write_file(bad, text, (size_t)-1), 0);
    free(text);
    import(db, bad, true, 2);
    expect_query(db, "SELECT count(*), max(version), count(record), count(changed) "
                     "FROM household_versions", "27|1|0|0\n",
                 "nothing of a refused import is kept, versions included");
    expect_query(db, "SELECT wage_fen FROM households WHERE id = 'S03'", "3120000\n",
                 "the stored record is untouched");
    free(bad);
    free(db);
}

Test(history, a_version_3_database_is_migrated_every_household_version_1)
{
    char *db = bf_test_county("c.db", NULL, NULL);
    sqlite3 *h;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    /* what version 3 looked like: no household_versions */
    cr_assert_eq(sqlite3_exec(h, BF_TEST_AS_VERSION_6_DECISIONS
                                 "DROP TABLE household_versions; DROP TABLE run_sources;"
                                 "DROP TABLE household_views;"
                                 "ALTER TABLE runs DROP COLUMN reused_from;"
                                 "ALTER TABLE runs DROP COLUMN reused;"
                                 "UPDATE meta SET value = '3' WHERE key = 'schema_version';",
                              0, 0, 0), SQLITE_OK, "%s", sqlite3_errmsg(h));
    sqlite3_close(h);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "runs", "--db", db, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    expect_query(db, "SELECT value FROM meta WHERE key = 'schema_version'", "8\n", "migrated");
    expect_query(db, "SELECT count(*) FROM household_views", "0\n", "the views table exists");
    expect_query(db, "SELECT count(*), min(version), max(version), max(households_version), "
                     "count(imported), count(source) FROM household_versions",
                 "27|1|1|0|0|0\n", "version 1 of unknown time and file, read by every older run");
    free(db);
}

/* Copies the policies into bf_test_dir/name with dibao.standard 600 from 2021-07-01. */
static char *policies_with_new_standard(const char *name)
{
    return bf_test_policies_with(name, "<value from=\"2021-01-01\">551</value>",
                                 "<value from=\"2021-01-01\">551</value><value "
                                 "from=\"2021-07-01\">600</value>");
}

static void run(const char *db, const char *date, const char *policies)
{
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", date, "--policies",
                                policies, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
}

Test(history, runs_lists_every_run_with_what_changed_since_the_run_before)
{
    char *db = bf_test_county("c.db", NULL, NULL);
    char *pol = policies_with_new_standard("pol");
    char *changed = changed_sample("changed.xml");
    run(db, "2021-06-30", POLICIES);
    run(db, "2021-07-31", pol);         /* new date, params.xml with dibao.standard 600 */
    import(db, changed, true, 0);       /* S03 changes */
    run(db, "2021-07-31", pol);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "runs", "--db", db, "--format", "json", NULL), 0,
                 "%s", r.err);
    char *got = bf_test_json_sql(r.out, "SELECT json_array_length(?1, '$.runs'), "
        "json_extract(?1, '$.runs[0].since'), json_extract(?1, '$.runs[0].status'), "
        "json_extract(?1, '$.runs[1].since.date_moved'), json_extract(?1, '$.runs[1].since.scripts_changed'), "
        "json_extract(?1, '$.runs[1].since.parameters_changed'), "
        "json_extract(?1, '$.runs[1].since.households_reimported'), "
        "json_extract(?1, '$.runs[2].since.date_moved'), json_extract(?1, '$.runs[2].since.scripts_changed'), "
        "json_extract(?1, '$.runs[2].since.parameters_changed'), "
        "json_extract(?1, '$.runs[2].since.households_added'), "
        "json_extract(?1, '$.runs[2].since.households_reimported')");
    cr_expect_str_eq(got, "3|NULL|completed|1|[\"params.xml\"]|"
                          "[{\"name\":\"dibao.standard\",\"before\":551,\"after\":600}]|0|"
                          "0|[]|[]|0|1", "%s", r.out);
    free(got);
    /* every total is the stored one */
    got = bf_test_db_json_sql(db, r.out, "SELECT count(*), sum(p.amount_fen = "
        "CAST(round(json_extract(j.value, '$.amount') * 100) AS INTEGER) AND "
        "p.households_eligible = json_extract(j.value, '$.households') AND "
        "p.policy = json_extract(j.value, '$.policy')) FROM json_each(?1, '$.runs[1].policies') j "
        "JOIN run_policies p ON p.run_id = 2 AND p.seq = j.key");
    cr_expect_str_eq(got, "10|10", "%s", r.out);
    free(got);
    bf_test_run_free(&r);

    cr_assert_eq(bf_test_bangfu(&r, NULL, "runs", "--db", db, NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "parameter dibao.standard: 551 → 600"), "%s", r.out);
    cr_expect(strstr(r.out, "evaluation date 2021-06-30 → 2021-07-31"), "%s", r.out);
    cr_expect(strstr(r.out, "households imported since: 0 new, 1 imported again with changed fields"),
              "%s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "runs", "--db", db, "--format", "xml", NULL), 2);
    bf_test_run_free(&r);
    free(changed);
    free(pol);
    free(db);
}

Test(history, history_shows_the_versions_and_marks_the_decisions_that_changed)
{
    char *db = bf_test_county("c.db", NULL, NULL);
    char *changed = changed_sample("changed.xml");
    run(db, "2021-06-30", POLICIES);
    import(db, changed, true, 0);
    run(db, "2021-06-30", POLICIES);
    bf_test_run r, d;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "history", "S03", "--db", db, "--format", "json", NULL),
                 0, "%s", r.err);
    cr_assert_eq(bf_test_bangfu(&d, NULL, "diff", "1", "2", "--db", db, "--format", "json", NULL),
                 0, "%s", d.err);
    char *got = bf_test_json_sql(r.out, "SELECT json_array_length(?1, '$.versions'), "
        "json_extract(?1, '$.versions[1].changed[0]'), json_extract(?1, '$.versions[1].current'), "
        "json_extract(?1, '$.runs[0].version'), json_extract(?1, '$.runs[1].version'), "
        "(SELECT count(*) FROM json_each(?1, '$.runs[0].decisions') WHERE json_extract(value, '$.changed')), "
        "(SELECT group_concat(json_extract(value, '$.policy') || '/' || coalesce(json_extract(value, "
        "'$.member'), ''), ' ') FROM json_each(?1, '$.runs[1].decisions') WHERE json_extract(value, '$.changed'))");
    /* the decisions marked changed are the ones diff lists for S03, in the same order */
    char *want = bf_test_json_sql(d.out, "SELECT group_concat(json_extract(c.value, '$.policy') || "
        "'/' || coalesce(json_extract(c.value, '$.member'), ''), ' ') FROM json_each(?1, "
        "'$.households') h, json_each(h.value, '$.changes') c WHERE json_extract(h.value, "
        "'$.household') = 'S03'");
    char expect[2048];
    snprintf(expect, sizeof expect, "2|{\"field\":\"wage\",\"old\":\"31200.00\",\"new\":\"41200.00\"}|1|1|2|0|%s",
             want);
    cr_expect_str_eq(got, expect);
    cr_expect(strstr(want, "dibao/"), "S03 leaves dibao with a higher wage: %s", want);
    free(got);
    free(want);
    bf_test_run_free(&r);
    bf_test_run_free(&d);
    /* a household that did not change: nothing marked */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "history", "S01", "--db", db, NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "\n  * ") == NULL, "%s", r.out);
    cr_expect(strstr(r.out, "run 2 · date 2021-06-30 · version 1"), "%s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "history", "S99", "--db", db, NULL), 2);
    cr_expect(strstr(r.err, "no household S99"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "history", "--db", db, NULL), 2);
    bf_test_run_free(&r);
    free(changed);
    free(db);
}
