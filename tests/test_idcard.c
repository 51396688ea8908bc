/* test_idcard.c — the idcard plugin from Lua, through the engine: known ID-number vectors give the
 * right validity, birth date, sex and division code; bad input gives nil and a message, never an
 * error; a missing plugins folder just means no modules.
 *
 * The check digits, worked out by hand (GB 11643 / ISO 7064 MOD 11-2): the first 17 digits times
 * the weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, summed, modulo 11, maps 0 … 10 to
 * 1 0 X 9 8 7 6 5 4 3 2.
 *
 *  11010519491231002X  1·7 1·9 0·10 1·5 0·8 5·4 1·2 9·1 4·6 9·3 1·7 2·9 3·10 1·5 0·8 0·4 2·2
 *                      = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → X.
 *                      17th digit 2 (even): F; born 1949-12-31; division 110105.
 *  440232197805200137  4·7 4·9 0·10 2·5 3·8 2·4 1·2 9·1 7·6 8·3 0·7 5·9 2·10 0·5 0·8 1·4 3·2
 *                      = 28+36+0+10+24+8+2+9+42+24+0+45+20+0+0+4+6 = 258; 258 mod 11 = 5 → 7.
 *                      17th digit 3 (odd): M; born 1978-05-20; division 440232.
 *  44023219650815001X  28+36+0+10+24+8 (440232, as above: 106) + 1·2 9·1 6·6 5·3 0·7 8·9 1·10
 *                      5·5 0·8 0·4 1·2 = 106+2+9+36+15+0+72+10+25+0+0+2 = 277;
 *                      277 mod 11 = 2 → X. 17th digit 1: M; born 1965-08-15.
 *  44023220100304002X  106 + 2·2 0·1 1·6 0·3 0·7 3·9 0·10 4·5 0·8 0·4 2·2
 *                      = 106+4+0+6+0+0+27+0+20+0+0+4 = 167 → X. 17th digit 2: F; 2010-03-04.
 *  440232200002290022  106 + 2·2 0·1 0·6 0·3 0·7 2·9 2·10 9·5 0·8 0·4 2·2
 *                      = 106+4+0+0+0+0+18+20+45+0+0+4 = 197; 197 mod 11 = 10 → 2.
 *                      2000 is a leap year: 2000-02-29 exists; F.
 *  440232190002290018  106 + 1·2 9·1 0·6 0·3 0·7 2·9 2·10 9·5 0·8 0·4 1·2
 *                      = 106+2+9+0+0+0+18+20+45+0+0+2 = 202; 202 mod 11 = 4 → 8: the check
 *                      digit is right, but 1900 is no leap year (divisible by 100, not by 400),
 *                      so 1900-02-29 does not exist: invalid.
 *  440232197805200138  the digits of 440232197805200137 call for 7: wrong check digit.
 *  44023219780520013X  the same digits with X: wrong check digit (7 expected).
 *  110105194912310021  the digits of 11010519491231002X with 1: wrong (X expected).
 *
 * Lowercase x is accepted as the check character X (decided: the importer accepts it, and
 * people type it): 11010519491231002x is valid. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "engine.h"
#include "params.h"
#include "plugins.h"

#include "helpers.h"

#define IDCARD_POLICIES BF_TEST_DATA "/plugins/idcard_policies"
#define PLUGINS_DIR     BF_BUILD_DIR "/plugins"

typedef struct fixture {
    bf_plugins *plugins;
    bf_params *params;
    bf_param_set set;
    bf_engine *engine;
    bf_errors errs;
    bf_household h;
    bf_result r;
} fixture;

/* Loads the built plugins from plugins_dir and opens the idcard test policies with their modules. */
static int open_engine(fixture *f, const char *plugins_dir)
{
    memset(f, 0, sizeof *f);
    bf_errors_init(&f->errs, 50);
    cr_assert_eq(bf_plugins_load(plugins_dir, &f->plugins, &f->errs), BF_OK);
    bf_errors_free(&f->errs);      /* other plugins of the folder are not this test's business */
    bf_errors_init(&f->errs, 50);
    cr_assert_eq(bf_params_load(IDCARD_POLICIES "/params.xml", &f->params, &f->errs), BF_OK, "%s",
                 f->errs.count ? f->errs.msgs[0] : "");
    bf_date d;
    cr_assert_eq(bf_date_parse("2021-06-30", &d), BF_OK);
    cr_assert_eq(bf_params_resolve(f->params, d, NULL, 0, &f->set, &f->errs), BF_OK);
    bf_engine_config cfg = {.policies_dir = IDCARD_POLICIES, .params = f->params, .sets = &f->set,
                            .n_sets = 1, .date = d, .jobs = 1, .text = BF_TEXT_ALL,
                            .modules = bf_plugins_lua_modules(f->plugins)};
    return bf_engine_open(&cfg, &f->engine, &f->errs);
}

static void close_engine(fixture *f)
{
    bf_result_free(&f->r);
    bf_household_free(&f->h);
    bf_engine_close(f->engine);
    bf_plugins_free(f->plugins);
    bf_param_set_free(&f->set);
    bf_params_free(f->params);
    bf_errors_free(&f->errs);
}

/* Adds a member with an ID number (NULL: none), birth date and sex. */
static void add_member(bf_household *h, const char *id, const char *idnumber, const char *birth,
                       bf_sex sex)
{
    bf_member *m = bf_household_add_member(h);
    cr_assert_not_null(m);
    snprintf(m->id, sizeof m->id, "%s", id);
    if (idnumber)
        snprintf(m->idnumber, sizeof m->idnumber, "%s", idnumber);
    cr_assert_eq(bf_date_parse(birth, &m->birth), BF_OK);
    m->sex = sex;
}

/* Evaluates a household of three: a matching ID number, one whose sex disagrees, none. */
static void evaluate(fixture *f)
{
    bf_household_reset(&f->h);
    snprintf(f->h.id, sizeof f->h.id, "ID1");
    snprintf(f->h.town, sizeof f->h.town, "乳城镇");
    snprintf(f->h.village, sizeof f->h.village, "侯公渡村");
    add_member(&f->h, "ID1-1", "440232197805200137", "1978-05-20", BF_SEX_M);
    add_member(&f->h, "ID1-2", "44023220100304002X", "2010-03-04", BF_SEX_M);
    add_member(&f->h, "ID1-3", NULL, "1980-03-02", BF_SEX_F);
    cr_assert_eq(bf_engine_evaluate(f->engine, &f->h, 1, 0, &f->r), BF_OK);
}

/* The decision of policy for member (-1: household scope); asserts it exists and is no error. */
static const bf_decision *decision(const fixture *f, const char *policy, int member)
{
    int n;
    const bf_policy *pol = bf_engine_policies(f->engine, &n);
    for (int i = 0; i < f->r.n; i++) {
        const bf_decision *d = &f->r.d[i];
        if (strcmp(pol[d->policy].id, policy) == 0 && d->member == member) {
            const char *err = bf_result_text(&f->r, d->error);
            cr_assert(!d->failed, "%s raised: %s", policy, err ? err : "?");
            return d;
        }
    }
    cr_assert_fail("no decision of %s for member %d", policy, member);
    return NULL;
}

/* Asserts that the vectors policy's details hold "name":"line". */
static void expect_vector(const fixture *f, const char *details, const char *name, const char *line)
{
    (void)f;
    char needle[1024];
    snprintf(needle, sizeof needle, "\"%s\":\"%s\"", name, line);
    cr_expect(strstr(details, needle), "expected %s\nin %s", needle, details);
}

TestSuite(idcard);

Test(idcard, valid_numbers_give_birth_sex_and_region)
{
    fixture f;
    cr_assert_eq(open_engine(&f, PLUGINS_DIR), BF_OK, "%s", f.errs.count ? f.errs.msgs[0] : "?");
    evaluate(&f);
    const char *details = bf_result_text(&f.r, decision(&f, "idcard_vectors", -1)->details);
    cr_assert_not_null(details);
    expect_vector(&f, details, "x_beijing", "valid=true birth=1949-12-31 sex=F region=110105");
    expect_vector(&f, details, "county", "valid=true birth=1978-05-20 sex=M region=440232");
    expect_vector(&f, details, "x_county_man", "valid=true birth=1965-08-15 sex=M region=440232");
    expect_vector(&f, details, "x_county_girl", "valid=true birth=2010-03-04 sex=F region=440232");
    expect_vector(&f, details, "leap_2000", "valid=true birth=2000-02-29 sex=F region=440232");
    expect_vector(&f, details, "lower_x", "valid=true birth=1949-12-31 sex=F region=110105");
    close_engine(&f);
}

/* "valid=false (idcard.valid: WHY) birth=nil (idcard.birth: WHY) …" for a string that fails. */
static void expect_invalid(const fixture *f, const char *details, const char *name, const char *why)
{
    char line[900];
    snprintf(line, sizeof line, "valid=false (idcard.valid: %s) birth=nil (idcard.birth: %s) "
             "sex=nil (idcard.sex: %s) region=nil (idcard.region: %s)", why, why, why, why);
    expect_vector(f, details, name, line);
}

Test(idcard, wrong_numbers_give_false_or_nil_and_a_reason)
{
    fixture f;
    cr_assert_eq(open_engine(&f, PLUGINS_DIR), BF_OK, "%s", f.errs.count ? f.errs.msgs[0] : "?");
    evaluate(&f);
    const char *details = bf_result_text(&f.r, decision(&f, "idcard_vectors", -1)->details);
    cr_assert_not_null(details);
    const char *bad_date = "the birth date (characters 7 to 14) is not a date in the calendar";
    expect_invalid(&f, details, "feb29_1900", bad_date);
    expect_invalid(&f, details, "month13", bad_date);
    expect_invalid(&f, details, "wrong_check", "wrong check digit: 8, the first 17 digits call for 7");
    expect_invalid(&f, details, "x_for_7", "wrong check digit: X, the first 17 digits call for 7");
    expect_invalid(&f, details, "one_for_x", "wrong check digit: 1, the first 17 digits call for X");
    expect_invalid(&f, details, "short", "an ID number has 18 characters, this one has 17");
    expect_invalid(&f, details, "long", "an ID number has 18 characters, this one has 19");
    expect_invalid(&f, details, "empty", "an ID number has 18 characters, this one has 0");
    expect_invalid(&f, details, "letter", "character 11 is not a digit (the first 17 must be digits)");
    /* no message repeats the number: it must never be printed unmasked */
    cr_expect(!strstr(details, "(idcard.valid: 44023219780520013"), "%s", details);
    close_engine(&f);
}

Test(idcard, non_strings_give_nil_and_a_message_never_an_error)
{
    fixture f;
    cr_assert_eq(open_engine(&f, PLUGINS_DIR), BF_OK, "%s", f.errs.count ? f.errs.msgs[0] : "?");
    evaluate(&f);
    const char *details = bf_result_text(&f.r, decision(&f, "idcard_vectors", -1)->details);
    cr_assert_not_null(details);
    const char *types[][2] = {{"number", "number"}, {"none", "nil"}, {"table", "table"},
                              {"boolean", "boolean"}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        char line[600];
        const char *t = types[i][1];
        snprintf(line, sizeof line, "valid=nil (idcard.valid: expected a string, got %s) "
                 "birth=nil (idcard.birth: expected a string, got %s) sex=nil (idcard.sex: "
                 "expected a string, got %s) region=nil (idcard.region: expected a string, got %s)",
                 t, t, t, t);
        expect_vector(&f, details, types[i][0], line);
    }
    close_engine(&f);
}

Test(idcard, a_policy_compares_the_number_with_the_record)
{
    fixture f;
    cr_assert_eq(open_engine(&f, PLUGINS_DIR), BF_OK, "%s", f.errs.count ? f.errs.msgs[0] : "?");
    evaluate(&f);
    const bf_decision *same = decision(&f, "idcard_member", 0);
    cr_expect(same->eligible, "birth and sex agree with 440232197805200137");
    const char *details = bf_result_text(&f.r, same->details);
    cr_expect(details && strstr(details, "\"region\":\"440232\""), "%s", details ? details : "");
    const bf_decision *other_sex = decision(&f, "idcard_member", 1);
    cr_expect(!other_sex->eligible, "the number says F, the record M");
    const bf_decision *none = decision(&f, "idcard_member", 2);
    cr_expect(!none->eligible);
    const char *reasons = bf_result_text(&f.r, none->reasons);
    cr_expect(reasons && strstr(reasons, "idcard.valid: expected a string, got nil"), "%s",
              reasons ? reasons : "");
    close_engine(&f);
}

Test(idcard, without_the_plugin_require_fails_as_a_script_error)
{
    fixture f;
    char *empty = bf_test_tmpdir();
    cr_assert_not_null(empty);
    char *missing = bf_test_path(empty, "no-such-folder");
    /* a missing plugins folder is no error: there are just no modules … */
    int rc = open_engine(&f, missing);
    /* … so the policies that require "idcard" do not load, naming the module */
    cr_expect_neq(rc, BF_OK);
    bool named = false;
    for (int i = 0; i < f.errs.count; i++)
        named |= strstr(f.errs.msgs[i], "idcard") != NULL;
    cr_expect(named, "the load error names the module: %s", f.errs.count ? f.errs.msgs[0] : "");
    close_engine(&f);
    bf_test_rmtree(empty);
    free(empty);
    free(missing);
}

Test(idcard, the_cli_finds_the_built_plugins_by_itself)
{
    /* `bangfu lint` runs in a folder without plugins/: they are found beside the executable */
    char *dir = bf_test_tmpdir();
    cr_assert_not_null(dir);
    bf_test_run r;
    bf_test_bangfu(&r, dir, "lint", IDCARD_POLICIES, NULL);
    cr_expect_eq(r.status, 0, "stdout: %s\nstderr: %s", r.out, r.err);
    cr_expect(strstr(r.out, "2 policies"), "%s", r.out);
    bf_test_run_free(&r);
    bf_test_rmtree(dir);
    free(dir);
}
