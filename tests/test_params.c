/* test_params.c — params.xml: loading, values by date, overrides, the name tree, bad files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "helpers.h"
#include "buf.h"
#include "params.h"

#define PARAMS BF_SOURCE_DIR "/policies/params.xml"

static bf_params *ps;
static bf_errors errs;

static void setup(void)
{
    bf_errors_init(&errs, 20);
    cr_assert_eq(bf_params_load(PARAMS, &ps, &errs), BF_OK, "%s", errs.count ? errs.msgs[0] : "");
}

static void teardown(void)
{
    bf_params_free(ps);
    bf_errors_free(&errs);
}

TestSuite(params, .init = setup, .fini = teardown);

static double value_on(const char *name, const char *date, const bf_override *ov, int n)
{
    bf_date d;
    cr_assert_eq(bf_date_parse(date, &d), BF_OK);
    bf_param_set set;
    cr_assert_eq(bf_params_resolve(ps, d, ov, n, &set, &errs), BF_OK);
    int i = bf_params_index(ps, name);
    cr_assert_geq(i, 0, "%s", name);
    double v = set.in_force[i] ? set.value[i] : -1;
    bf_param_set_free(&set);
    return v;
}

Test(params, every_parameter_of_policies_md_is_there)
{
    cr_expect_eq(ps->n, 68);
    /* the file's bytes, kept for the run's audit record (test_run checks their hash there) */
    size_t len;
    char *bytes = bf_read_file(PARAMS, &len);
    cr_assert_not_null(bytes);
    cr_expect(ps->n_bytes == len && memcmp(ps->bytes, bytes, len) == 0);
    free(bytes);
    const bf_param *p = &ps->items[bf_params_index(ps, "dibao.standard")];
    cr_expect_str_eq(p->unit, "yuan/person/month");
    cr_expect_eq(p->n_values, 4);
}

Test(params, value_in_force_is_the_latest_from_on_or_before_the_date)
{
    cr_expect_float_eq(value_on("dibao.standard", "2020-12-31", NULL, 0), 532, 1e-9);
    cr_expect_float_eq(value_on("dibao.standard", "2021-01-01", NULL, 0), 551, 1e-9);
    cr_expect_float_eq(value_on("dibao.standard", "2022-06-30", NULL, 0), 570, 1e-9);
    cr_expect_float_eq(value_on("pension.ratio_returned", "2021-12-31", NULL, 0), 0.5, 1e-9);
    cr_expect_float_eq(value_on("pension.ratio_returned", "2022-01-01", NULL, 0), 1.0, 1e-9);
    cr_expect_float_eq(value_on("tekun.age_elderly", "2020-12-31", NULL, 0), -1, 1e-9,
                       "no value in force before 2021");
}

Test(params, overrides_replace_for_one_command)
{
    bf_override ov;
    cr_assert_eq(bf_override_parse("dibao.standard=610", &ov, &bf_test_errs), BF_OK);
    cr_expect_float_eq(value_on("dibao.standard", "2021-06-30", &ov, 1), 610, 1e-9);
    cr_expect_float_eq(value_on("dibao.standard", "2023-06-30", &ov, 1), 610, 1e-9);
    ov.has_from = true;
    bf_date_parse("2022-07-01", &ov.from);
    cr_expect_float_eq(value_on("dibao.standard", "2022-06-30", &ov, 1), 570, 1e-9,
                       "a dated override is not in force before its date");
    cr_expect_float_eq(value_on("dibao.standard", "2022-07-01", &ov, 1), 610, 1e-9);
    cr_expect_float_eq(value_on("dibao.standard", "2023-06-30", &ov, 1), 590, 1e-9,
                       "a later file value wins over an earlier dated override");
}

Test(params, bad_overrides_are_errors)
{
    bf_override ov;
    cr_expect_eq(bf_override_parse("dibao.standard", &ov, &bf_test_errs), BF_EINPUT);
    cr_expect_eq(bf_override_parse("dibao.standard=abc", &ov, &bf_test_errs), BF_EINPUT);
    cr_expect(strstr(bf_test_error(), "not a plain decimal"), "%s", bf_test_error());
    cr_expect_eq(bf_override_parse("dibao.standard=1e3", &ov, &bf_test_errs), BF_EINPUT);
    cr_assert_eq(bf_override_parse("dibao.standrd=600", &ov, &bf_test_errs), BF_OK);
    bf_param_set set;
    cr_expect_eq(bf_params_resolve(ps, 18808, &ov, 1, &set, &errs), BF_EINPUT);
    cr_expect(errs.count && strstr(errs.msgs[0], "unknown parameter 'dibao.standrd'"));
}

Test(params, name_tree_has_groups_and_leaves)
{
    int medical = -1;
    for (int c = ps->nodes[0].first_child; c >= 0; c = ps->nodes[c].next_sibling)
        if (strcmp(ps->nodes[c].key, "medical") == 0)
            medical = c;
    cr_assert_geq(medical, 0);
    cr_expect_eq(ps->nodes[medical].param, -1, "medical is a group");
    int aid = -1;
    for (int c = ps->nodes[medical].first_child; c >= 0; c = ps->nodes[c].next_sibling)
        if (strcmp(ps->nodes[c].key, "aid") == 0)
            aid = c;
    cr_assert_geq(aid, 0);
    cr_expect_str_eq(ps->nodes[aid].path, "medical.aid");
}

/* Writes a parameters file and loads it, expecting failure; returns the first message. */
static const char *bad_file(const char *body)
{
    static char first[512];
    char path[] = "/tmp/bf-params-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "<?xml version=\"1.0\"?>\n<parameters xmlns=\"urn:bangfu:parameters:1\">\n%s"
               "</parameters>\n", body);
    fclose(f);
    bf_params *bad = NULL;
    bf_errors e;
    bf_errors_init(&e, 5);
    cr_expect_neq(bf_params_load(path, &bad, &e), BF_OK);
    cr_expect_null(bad);
    snprintf(first, sizeof first, "%s", e.count ? e.msgs[0] : "");
    bf_errors_free(&e);
    remove(path);
    return first;
}

#define PARAM(name, values) "<parameter name=\"" name "\" unit=\"u\" kind=\"money\" title=\"t\" source=\"s\">" values "</parameter>\n"

Test(params, bad_files_are_rejected_with_file_and_line)
{
    const char *m = bad_file(PARAM("a.b", "<value from=\"2021-01-01\">1</value>") PARAM("a.b", "<value from=\"2021-01-01\">2</value>"));
    cr_expect(strstr(m, ":4: parameter a.b is defined twice (first at line 3)"), "%s", m);
    m = bad_file(PARAM("a", "<value from=\"2021-01-01\">1</value>") PARAM("a.b", "<value from=\"2021-01-01\">2</value>"));
    cr_expect(strstr(m, "a is itself a parameter"), "%s", m);
    m = bad_file(PARAM("a.b", "<value from=\"2021-02-29\">1</value>"));
    cr_expect(strstr(m, ":3: parameter a.b: from=\"2021-02-29\" is not a date"), "%s", m);
    m = bad_file(PARAM("a.b", "<value from=\"2021-01-01\">1</value><value from=\"2021-01-01\">2</value>"));
    cr_expect(strstr(m, "two values from 2021-01-01"), "%s", m);
    m = bad_file(PARAM("a.b", "<value from=\"2021-01-01\">abc</value>"));
    cr_expect(strstr(m, ":3:"), "the schema or the reader names the line: %s", m);
    m = bad_file(PARAM("A.b", "<value from=\"2021-01-01\">1</value>"));
    cr_expect(strstr(m, ":3:"), "%s", m);
}

Test(params, every_parameter_declares_a_range_and_its_values_are_in_it)
{
    for (int i = 0; i < ps->n; i++) {
        const bf_param *p = &ps->items[i];
        for (int v = 0; v < p->n_values; v++)
            cr_expect(bf_param_in_range(p, p->values[v].value), "%s = %s (line %ld)", p->name,
                      p->values[v].text, p->line);
    }
    struct { const char *name; double ok, bad; const char *range; } cases[] = {
        {"dibao.standard", 0, -0.01, "at least 0"},               /* money */
        {"dibao.deposit_months", 1000, -1, "at least 0"},         /* count */
        {"pension.ratio_dibao", 1, 1.5, "from 0 to 1"},           /* ratio */
        {"medical.basic_ratio", 0, -0.1, "from 0 to 1"},
        {"tekun.age_elderly", 120, 121, "from 0 to 120"},         /* age */
        {"tekun.basic_ratio", 1, 0.99, "at least 1"},             /* factor, explicit min */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const bf_param *p = &ps->items[bf_params_index(ps, cases[c].name)];
        cr_expect(bf_param_in_range(p, cases[c].ok), "%s", cases[c].name);
        cr_expect(!bf_param_in_range(p, cases[c].bad), "%s", cases[c].name);
        char text[64];
        bf_param_range_text(p, text, sizeof text);
        cr_expect_str_eq(text, cases[c].range, "%s", cases[c].name);
    }
}

Test(params, overrides_out_of_range_or_twice_are_refused)
{
    bf_override ov[3];
    bf_param_set set;
    cr_assert_eq(bf_override_parse("dibao.standard=-5", &ov[0], &bf_test_errs), BF_OK);
    cr_expect_eq(bf_params_resolve(ps, 18808, ov, 1, &set, &errs), BF_EINPUT);
    cr_assert_eq(errs.count, 1);
    cr_expect(strstr(errs.msgs[0], "--set: dibao.standard = -5 is out of range: it must be at least 0 "
                                   "(kind money, unit yuan/person/month; declared at "), "%s", errs.msgs[0]);
    cr_expect(strstr(errs.msgs[0], "params.xml:14)"), "%s", errs.msgs[0]);
    bf_errors_free(&errs);
    cr_assert_eq(bf_override_parse("dibao.standard=600", &ov[0], &bf_test_errs), BF_OK);
    cr_assert_eq(bf_override_parse("medical.premium=400", &ov[1], &bf_test_errs), BF_OK);
    cr_assert_eq(bf_override_parse("dibao.standard=610", &ov[2], &bf_test_errs), BF_OK);
    snprintf(ov[2].origin, sizeof ov[2].origin, "s.xml:4");
    cr_expect_eq(bf_params_resolve(ps, 18808, ov, 3, &set, &errs), BF_EINPUT);
    cr_assert_eq(errs.count, 1);
    cr_expect_str_eq(errs.msgs[0], "dibao.standard is set twice (to 600 at --set, to 610 at s.xml:4): "
                                   "give it once");
    cr_expect_eq(bf_params_resolve(ps, 18808, ov, 2, &set, &errs), BF_OK, "each once: fine");
    bf_param_set_free(&set);
}

Test(params, effects_say_what_is_in_force_and_what_changes_nothing)
{
    bf_override ov[3];
    cr_assert_eq(bf_override_parse("dibao.standard=551", &ov[0], &bf_test_errs), BF_OK);
    cr_assert_eq(bf_override_parse("medical.premium=400", &ov[1], &bf_test_errs), BF_OK);
    cr_assert_eq(bf_override_parse("tekun.care_none=1000", &ov[2], &bf_test_errs), BF_OK);
    ov[2].has_from = true;
    bf_date_parse("2021-07-01", &ov[2].from);
    bf_date d;
    bf_date_parse("2021-06-30", &d);
    bf_override_effect fx[3];
    bf_override_effects(ps, d, ov, 3, fx, &errs);
    cr_expect_str_eq(fx[0].in_force, "551");
    cr_expect(fx[0].applies && fx[0].same);
    cr_expect_str_eq(fx[1].in_force, "320");
    cr_expect(fx[1].applies && !fx[1].same);
    cr_expect_str_eq(fx[2].in_force, "972");
    cr_expect(!fx[2].applies);
    cr_assert_eq(errs.count, 2);
    cr_expect_str_eq(errs.msgs[0], "dibao.standard = 551 is the value in force on 2021-06-30: it "
                                   "changes nothing");
    cr_expect_str_eq(errs.msgs[1], "tekun.care_none = 1000 from 2021-07-01 changes nothing: that is "
                                   "after the evaluation date 2021-06-30");
}

Test(params, a_range_must_be_declared_and_sound)
{
    const char *m = bad_file("<parameter name=\"a.b\" unit=\"u\" title=\"t\" source=\"s\">"
                             "<value from=\"2021-01-01\">1</value></parameter>\n");
    cr_expect(strstr(m, ":3:") && strstr(m, "kind"), "kind is required: %s", m);
    m = bad_file("<parameter name=\"a.b\" unit=\"u\" kind=\"percent\" title=\"t\" source=\"s\">"
                 "<value from=\"2021-01-01\">1</value></parameter>\n");
    cr_expect(strstr(m, ":3:") && strstr(m, "kind"), "%s", m);
    m = bad_file("<parameter name=\"a.b\" unit=\"u\" kind=\"money\" min=\"10\" max=\"5\" title=\"t\" "
                 "source=\"s\"><value from=\"2021-01-01\">7</value></parameter>\n");
    cr_expect(strstr(m, ":3: parameter a.b: min 10 is above max 5"), "%s", m);
}

/* params.xml is read once and parsed from memory: a file that cannot be opened, or that is not
 * XML, still gets a message naming it, and nothing is loaded. */
Test(params, a_missing_or_broken_file_is_named)
{
    bf_params *bad = NULL;
    bf_errors e;
    bf_errors_init(&e, 5);
    cr_expect_eq(bf_params_load("/nonexistent/bf-params.xml", &bad, &e), BF_EIO);
    cr_expect_null(bad);
    cr_assert_eq(e.count, 1);
    cr_expect(strstr(e.msgs[0], "/nonexistent/bf-params.xml: cannot open: No such file or directory"),
              "%s", e.msgs[0]);
    bf_errors_free(&e);
    char path[] = "/tmp/bf-params-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("<?xml version=\"1.0\"?>\n<parameters xmlns=\"urn:bangfu:parameters:1\">\n<oops>\n", f);
    fclose(f);
    bf_errors_init(&e, 5);
    cr_expect_eq(bf_params_load(path, &bad, &e), BF_EINPUT);
    cr_expect_null(bad);
    cr_assert_geq(e.count, 1);
    char where[64];
    snprintf(where, sizeof where, "%s:", path);
    cr_expect(strncmp(e.msgs[0], where, strlen(where)) == 0, "the message names the file: %s", e.msgs[0]);
    bf_errors_free(&e);
    remove(path);
}
