/* test_params.c — params.xml: loading, values by date, overrides, the name tree, bad files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
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
    cr_expect_eq(strlen(ps->sha256), 64);
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
    char msg[200];
    cr_assert_eq(bf_override_parse("dibao.standard=610", &ov, msg, sizeof msg), BF_OK);
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
    char msg[200];
    cr_expect_eq(bf_override_parse("dibao.standard", &ov, msg, sizeof msg), BF_EINPUT);
    cr_expect_eq(bf_override_parse("dibao.standard=abc", &ov, msg, sizeof msg), BF_EINPUT);
    cr_expect(strstr(msg, "not a plain decimal"), "%s", msg);
    cr_expect_eq(bf_override_parse("dibao.standard=1e3", &ov, msg, sizeof msg), BF_EINPUT);
    cr_assert_eq(bf_override_parse("dibao.standrd=600", &ov, msg, sizeof msg), BF_OK);
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

#define PARAM(name, values) "<parameter name=\"" name "\" unit=\"u\" title=\"t\" source=\"s\">" values "</parameter>\n"

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
