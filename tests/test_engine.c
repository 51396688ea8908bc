/* test_engine.c — loading, ordering, evaluation, faults isolated to one evaluation, rounding,
 * parameter reads, and identical results for any number of jobs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bangfu.h"
#include "engine.h"
#include "gen.h"
#include "helpers.h"
#include "params.h"

#define FAULTS BF_SOURCE_DIR "/tests/data/policies/faults"
#define POLICIES BF_SOURCE_DIR "/policies"

typedef struct fixture {
    bf_params *params;
    bf_param_set set;
    bf_engine *engine;
    bf_errors errs;
} fixture;

/* Opens an engine on dir for date, with optional --only and limits; asserts it opened. */
static void open_engine(fixture *f, const char *dir, const char *date, int jobs,
                        const char *const *only, int n_only, size_t max_memory)
{
    memset(f, 0, sizeof *f);
    bf_errors_init(&f->errs, 50);
    char path[512];
    snprintf(path, sizeof path, "%s/params.xml", dir);
    cr_assert_eq(bf_params_load(path, &f->params, &f->errs), BF_OK, "%s",
                 f->errs.count ? f->errs.msgs[0] : "");
    bf_date d;
    cr_assert_eq(bf_date_parse(date, &d), BF_OK);
    cr_assert_eq(bf_params_resolve(f->params, d, NULL, 0, &f->set, &f->errs), BF_OK);
    bf_engine_config cfg = {.policies_dir = dir, .params = f->params, .sets = &f->set, .n_sets = 1,
                            .date = d, .jobs = jobs, .only = only, .n_only = n_only,
                            .max_memory = max_memory, .text = BF_TEXT_ALL};
    int rc = bf_engine_open(&cfg, &f->engine, &f->errs);
    cr_assert_eq(rc, BF_OK, "%s", f->errs.count ? f->errs.msgs[0] : "?");
}

static void close_engine(fixture *f)
{
    bf_engine_close(f->engine);
    bf_param_set_free(&f->set);
    bf_params_free(f->params);
    bf_errors_free(&f->errs);
}

static void small_household(bf_household *h)
{
    memset(h, 0, sizeof *h);
    bf_household_reset(h);
    strcpy(h->id, "T1");
    strcpy(h->town, "乳城镇");
    strcpy(h->village, "中心村");
    const char *births[] = {"1980-06-30", "2011-07-01"};
    for (int i = 0; i < 2; i++) {
        bf_member *m = bf_household_add_member(h);
        snprintf(m->id, sizeof m->id, "T1-%d", i + 1);
        bf_date_parse(births[i], &m->birth);
    }
}

static const bf_decision *decision_of(const bf_engine *e, const bf_result *r, const char *id, int member)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    for (int i = 0; i < r->n; i++)
        if (strcmp(pol[r->d[i].policy].id, id) == 0 && r->d[i].member == member)
            return &r->d[i];
    return NULL;
}

static int policy_index(const bf_engine *e, const char *id)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    for (int i = 0; i < n; i++)
        if (strcmp(pol[i].id, id) == 0)
            return i;
    return -1;
}

Test(engine, default_policies_load_in_requires_order)
{
    fixture f;
    open_engine(&f, POLICIES, "2021-06-30", 1, NULL, 0, 0);
    int n;
    const bf_policy *pol = bf_engine_policies(f.engine, &n);
    cr_assert_eq(n, 10);
    for (int k = 0; k < n; k++)
        for (int r = 0; r < pol[k].n_requires; r++)
            cr_expect_lt(pol[k].requires[r], k, "%s requires a later policy", pol[k].id);
    /* depth-first in file-name order: dibao pulls tekun and low_income ahead of itself */
    cr_expect_str_eq(pol[0].id, "tekun");
    cr_expect_str_eq(pol[1].id, "low_income");
    cr_expect_str_eq(pol[2].id, "dibao");
    close_engine(&f);
}

Test(engine, every_fault_stays_in_its_own_evaluation)
{
    fixture f;
    open_engine(&f, FAULTS, "2021-06-30", 1, NULL, 0, 64u * 1024 * 1024);
    bf_household h;
    small_household(&h);
    bf_result r = {0};
    cr_assert_eq(bf_engine_evaluate(f.engine, &h, 1, 0, &r), BF_OK);
    struct { const char *policy, *needle; } faults[] = {
        {"raises", "policies/faults/raises.lua:4: deliberate failure"},
        {"loops", "loops.lua:4: instruction budget of 10000000 instructions exceeded"},
        {"pcall_loop", "instruction budget"},
        {"membomb", "membomb.lua:5: memory cap of 64 MiB exceeded"},
        {"writes", "writes.lua:4: attempt to change read-only field 'wage'"},
        {"writes_param", "writes_param.lua:4: attempt to change read-only field 'amount'"},
        /* a malformed decision names the line of the return that built it */
        {"malformed", "malformed.lua:4: malformed decision: eligible must be true or false"},
        {"noreasons", "noreasons.lua:9: malformed decision: reasons is missing (a list of strings)"},
        {"undeclared", "undeclared.lua:4: policy 'good' is not in the requires of undeclared"},
        {"unknown_param", "unknown_param.lua:4: unknown parameter 'base.amuont'"},
        {"not_in_force", "not_in_force.lua:4: parameter later.only has no value in force on 2021-06-30"},
        {"tamper", "tamper.lua:5: attempt to change read-only field 'format'"},
        {"badtext", "badtext.lua:5: malformed decision: reasons[2] is not valid UTF-8 text"},
        /* issue 11: 13,334 × 3 bytes of 长 = 40,002 bytes; 150 reasons; a looping handler */
        {"toolong", "toolong.lua:6: malformed decision: reasons[1] is 40002 bytes long; a reason "
                    "may have at most 4096 bytes"},
        {"toomany", "toomany.lua:7: malformed decision: the decision gives 150 reasons; a decision "
                    "may give at most 100"},
        {"handler_loop", "handler_loop.lua:6: instruction budget of 10000000 instructions exceeded"},
        /* issue 11, no state between households: a table of the script's top level, and one of a
         * lib module's top level reached through its function, are read-only */
        {"keeps", "keeps.lua:6: attempt to change field '1' of a read-only table that every "
                  "household's evaluation shares"},
        {"remembers", "lib/memo.lua:5: attempt to change field 'wage' of a read-only table"},
        {"bigrep", "bigrep.lua:5: string.rep would make a text of more than 1048576 bytes (2000000 "
                   "repetitions)"},
    };
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        const bf_decision *d = decision_of(f.engine, &r, faults[i].policy, -1);
        cr_assert_not_null(d, "%s", faults[i].policy);
        cr_expect(d->failed, "%s should be an error decision", faults[i].policy);
        cr_expect(!d->eligible);
        const char *msg = bf_result_text(&r, d->error);
        cr_expect(msg && strstr(msg, faults[i].needle), "%s: got '%s', want '%s'",
                  faults[i].policy, msg ? msg : "(none)", faults[i].needle);
    }
    cr_expect_eq(r.errors, (int)(sizeof faults / sizeof faults[0]));
    /* the good policies still ran, after and between the faulty ones */
    const bf_decision *good = decision_of(f.engine, &r, "good", -1);
    cr_assert_not_null(good);
    cr_expect(!good->failed && good->eligible);
    cr_expect_eq(good->amount, 20000, "2 × base.amount 100 = 200.00 yuan");
    cr_expect_str_eq(bf_result_text(&r, good->details), "{\"n\":2,\"town\":\"乳城镇\"}");
    for (int m = 0; m < 2; m++) {
        const bf_decision *d = decision_of(f.engine, &r, "member_good", m);
        cr_assert_not_null(d);
        cr_expect(!d->failed);
        cr_expect_eq(d->amount, m == 0 ? 4100 : 900, "ages 41 (birthday today) and 9 (tomorrow 10)");
    }
    /* what may be shared still works: constant tables read with ipairs, pairs and #, a class-style
     * module's objects, a closure assigning to evaluate's own local: 3 words × 3 bytes + 10 × 2
     * members + 2 × 3 = 35 yuan */
    const bf_decision *shares = decision_of(f.engine, &r, "shares", -1);
    cr_assert_not_null(shares);
    cr_expect(!shares->failed, "%s", bf_result_text(&r, shares->error));
    cr_expect_eq(shares->amount, 3500);
    cr_expect_str_eq(bf_result_text(&r, shares->details), "{\"same_class\":\"yes\"}",
                     "getmetatable gives the module's table back: %s", bf_result_text(&r, shares->details));
    bf_result_free(&r);
    /* the state is healthy afterwards: the same household evaluates the same way again */
    bf_result again = {0};
    bf_engine_evaluate(f.engine, &h, 1, 0, &again);
    cr_expect_eq(again.errors, (int)(sizeof faults / sizeof faults[0]));
    cr_expect_eq(decision_of(f.engine, &again, "good", -1)->amount, 20000);
    bf_result_free(&again);
    bf_sandbox_stats st;
    bf_engine_stats(f.engine, &st);
    cr_expect_geq(st.counted_reruns, 4, "the runaway evaluations were re-run counted");
    bf_household_free(&h);
    close_engine(&f);
}

Test(engine, amounts_round_once_half_away_from_zero)
{
    fixture f;
    const char *only[] = {"half"};
    open_engine(&f, FAULTS, "2021-06-30", 1, only, 1, 0);
    bf_household h;
    small_household(&h);
    bf_result r = {0};
    bf_engine_evaluate(f.engine, &h, 1, 0, &r);
    cr_assert_eq(r.n, 1, "--only half evaluates one policy");
    cr_expect_eq(r.d[0].amount, 101, "1.005 yuan rounds to 1.01");
    bf_result_free(&r);
    bf_household_free(&h);
    close_engine(&f);
}

Test(engine, parameter_values_follow_the_date)
{
    fixture f;
    const char *only[] = {"good"};
    open_engine(&f, FAULTS, "2022-01-01", 1, only, 1, 0);
    bf_household h;
    small_household(&h);
    bf_result r = {0};
    bf_engine_evaluate(f.engine, &h, 1, 0, &r);
    cr_expect_eq(decision_of(f.engine, &r, "good", -1)->amount, 40000, "2 × 200 from 2022-01-01");
    const bool *read = bf_engine_params_read(f.engine);
    int k = policy_index(f.engine, "good");
    cr_expect(read[k * f.params->n + bf_params_index(f.params, "base.amount")]);
    cr_expect(!read[k * f.params->n + bf_params_index(f.params, "base.half")]);
    bf_result_free(&r);
    bf_household_free(&h);
    close_engine(&f);
}

Test(engine, explain_records_parameters_and_masked_trace)
{
    fixture f;
    memset(&f, 0, sizeof f);
    bf_errors_init(&f.errs, 10);
    cr_assert_eq(bf_params_load(FAULTS "/params.xml", &f.params, &f.errs), BF_OK);
    bf_date d;
    bf_date_parse("2021-06-30", &d);
    cr_assert_eq(bf_params_resolve(f.params, d, NULL, 0, &f.set, &f.errs), BF_OK);
    const char *only[] = {"good"};
    bf_engine_config cfg = {.policies_dir = FAULTS, .params = f.params, .sets = &f.set, .n_sets = 1,
                            .date = d, .jobs = 1, .only = only, .n_only = 1, .explain = true,
                            .text = BF_TEXT_ALL};
    cr_assert_eq(bf_engine_open(&cfg, &f.engine, &f.errs), BF_OK);
    bf_household h;
    small_household(&h);
    bf_result r = {0};
    bf_engine_evaluate(f.engine, &h, 1, 0, &r);
    cr_expect_str_eq(bf_result_text(&r, r.d[0].params_read), "{\"base.amount\":100}");
    const char *trace = bf_result_text(&r, r.d[0].trace);
    cr_expect(strstr(trace, "checking\tT1\tidnumber 440232********123X\n") != NULL, "%s", trace);
    cr_expect(strstr(trace, "19800501") == NULL, "the ID number is masked");
    bf_result_free(&r);
    bf_household_free(&h);
    close_engine(&f);
}

/* Writes a policy folder with the given scripts (name, source) and the faults' params.xml. */
static char *policy_dir(const char *const *files, int n)
{
    char *dir = strdup("/tmp/bf-policies-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp %s/params.xml %s/", FAULTS, dir);
    cr_assert_eq(system(cmd), 0);
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, files[2 * i]);
        FILE *fp = fopen(path, "w");
        cr_assert_not_null(fp);
        fputs(files[2 * i + 1], fp);
        fclose(fp);
    }
    return dir;
}

static void remove_dir(char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
    free(dir);
}

/* Opens an engine expected to fail; returns the joined messages. */
static char *load_errors(const char *dir)
{
    bf_errors errs;
    bf_errors_init(&errs, 20);
    char path[600];
    snprintf(path, sizeof path, "%s/params.xml", dir);
    bf_params *ps;
    cr_assert_eq(bf_params_load(path, &ps, &errs), BF_OK);
    bf_param_set set;
    bf_params_resolve(ps, 18808, NULL, 0, &set, &errs);
    bf_engine_config cfg = {.policies_dir = dir, .params = ps, .sets = &set, .n_sets = 1,
                            .date = 18808, .jobs = 1};
    bf_engine *e = NULL;
    cr_expect_neq(bf_engine_open(&cfg, &e, &errs), BF_OK);
    bf_engine_close(e);
    static char joined[4096];
    joined[0] = '\0';
    for (int i = 0; i < errs.count; i++) {
        strncat(joined, errs.msgs[i], sizeof joined - strlen(joined) - 2);
        strcat(joined, "\n");
    }
    bf_errors_free(&errs);
    bf_param_set_free(&set);
    bf_params_free(ps);
    return joined;
}

#define POLICY(id, req) \
    "return {\n  id = \"" id "\", title = \"t\", scope = \"household\",\n  requires = " req ",\n" \
    "  evaluate = function(h, p, ctx) return { eligible = false, amount = 0, reasons = {\"x\"} } end,\n}\n"

Test(engine, requires_cycles_are_load_errors_naming_the_files)
{
    const char *files[] = {"a.lua", POLICY("a", "{ \"b\" }"), "b.lua", POLICY("b", "{ \"c\" }"),
                           "c.lua", POLICY("c", "{ \"a\" }")};
    char *dir = policy_dir(files, 3);
    const char *msg = load_errors(dir);
    cr_expect(strstr(msg, "requires cycle") && strstr(msg, "a.lua → ") && strstr(msg, "b.lua → ") &&
              strstr(msg, "c.lua"), "%s", msg);
    cr_expect(strstr(msg, ".lua:3: requires cycle") != NULL, "names the requires line: %s", msg);
    remove_dir(dir);
}

Test(engine, unknown_requires_and_contract_errors)
{
    const char *files[] = {
        "a.lua", POLICY("a", "{ \"nope\" }"),
        "b.lua", "return { id = \"bee\", title = \"t\", scope = \"house\",\n"
                 "  evaluate = 3 }\n",
        "c.lua", "return 42\n",
        "d.lua", "return {\n  id = \"d\" title = 1 }\n",
    };
    char *dir = policy_dir(files, 4);
    const char *msg = load_errors(dir);
    cr_expect(strstr(msg, "b.lua:1: id 'bee' does not match the file name (expected 'b')"), "%s", msg);
    cr_expect(strstr(msg, "b.lua:1: scope must be \"household\" or \"member\""), "%s", msg);
    cr_expect(strstr(msg, "b.lua:2: evaluate must be a function"), "%s", msg);
    cr_expect(strstr(msg, "c.lua:1: the script must return a policy table, it returned a number"), "%s", msg);
    cr_expect(strstr(msg, "d.lua:2: ") && strstr(msg, "'}' expected"), "a syntax error with its line: %s", msg);
    remove_dir(dir);
    const char *files2[] = {"a.lua", POLICY("a", "{ \"nope\" }")};
    dir = policy_dir(files2, 1);
    msg = load_errors(dir);
    cr_expect(strstr(msg, "a.lua:3: requires unknown policy 'nope'"), "%s", msg);
    remove_dir(dir);
}

/* Compares two results field by field. */
static void expect_same_result(const bf_result *a, const bf_result *b, const char *hid)
{
    cr_assert_eq(a->n, b->n, "%s", hid);
    for (int i = 0; i < a->n; i++) {
        const bf_decision *x = &a->d[i], *y = &b->d[i];
        cr_assert(x->policy == y->policy && x->member == y->member && x->eligible == y->eligible &&
                  x->failed == y->failed && x->amount == y->amount, "%s decision %d", hid, i);
        const int fx[] = {x->tier, x->reasons, x->details, x->error};
        const int fy[] = {y->tier, y->reasons, y->details, y->error};
        for (int k = 0; k < 4; k++) {
            const char *s = bf_result_text(a, fx[k]), *t = bf_result_text(b, fy[k]);
            cr_assert((!s && !t) || (s && t && strcmp(s, t) == 0), "%s decision %d field %d: %s vs %s",
                      hid, i, k, s ? s : "NULL", t ? t : "NULL");
        }
    }
}

Test(engine, one_or_two_jobs_give_identical_decisions, .timeout = 120)
{
    enum { N = 3000 };
    bf_household *hs = calloc(N, sizeof *hs);
    bf_result *one = calloc(N, sizeof *one), *two = calloc(N, sizeof *two);
    cr_assert(hs && one && two);
    for (int i = 0; i < N; i++)
        cr_assert_eq(bf_gen_household(bf_test_gen_county(), 7, i, BF_GEN_DATE, &hs[i]), BF_OK);
    fixture f1, f2;
    open_engine(&f1, POLICIES, "2021-06-30", 1, NULL, 0, 0);
    open_engine(&f2, POLICIES, "2021-06-30", 2, NULL, 0, 0);
    cr_assert_eq(bf_engine_jobs(f2.engine), 2);
    bf_engine_evaluate(f1.engine, hs, N, 0, one);
    bf_engine_evaluate(f2.engine, hs, N, 0, two);
    int eligible = 0;
    for (int i = 0; i < N; i++) {
        expect_same_result(&one[i], &two[i], hs[i].id);
        cr_expect_eq(one[i].errors, 0, "%s has error decisions", hs[i].id);
        for (int k = 0; k < one[i].n; k++)
            eligible += one[i].d[k].eligible;
    }
    cr_expect_gt(eligible, N / 2, "a generated county has plenty of eligible decisions");
    for (int i = 0; i < N; i++) {
        bf_result_free(&one[i]);
        bf_result_free(&two[i]);
        bf_household_free(&hs[i]);
    }
    free(one); free(two); free(hs);
    close_engine(&f1);
    close_engine(&f2);
}

/* Issue 11: a function assigning to a local of a script's top level (a policy's, or a lib
 * module's, two functions deep) is refused when the script loads, naming the file and line; a
 * function assigning to its own locals loads. */
Test(engine, assigning_to_a_top_level_local_is_refused_at_load)
{
    const char *msg = load_errors(BF_SOURCE_DIR "/tests/data/policies/carryover");
    cr_expect(strstr(msg, "carryover/counter.lua:6: a function assigns to 'count', a local variable of "
                          "the script's top level; its value would carry over from one household to "
                          "the next"), "%s", msg);
    cr_expect(strstr(msg, "carryover/lib/last.lua:5: a function assigns to 'last_wage'"), "%s", msg);
    cr_expect(!strstr(msg, "fine.lua"), "%s", msg);
}

/* Issue 11: every household's decisions in a run equal those of an engine that evaluated that
 * household alone, whatever the number of jobs. */
Test(engine, a_households_decisions_do_not_depend_on_the_others, .timeout = 120)
{
    enum { N = 600, ALONE_EVERY = 25 };
    bf_household *hs = calloc(N, sizeof *hs);
    bf_result *runs[3];
    cr_assert_not_null(hs);
    for (int i = 0; i < N; i++)
        cr_assert_eq(bf_gen_household(bf_test_gen_county(), 11, i, BF_GEN_DATE, &hs[i]), BF_OK);
    for (int j = 0; j < 3; j++) {
        cr_assert_not_null(runs[j] = calloc(N, sizeof *runs[j]));
        fixture f;
        open_engine(&f, POLICIES, "2021-06-30", j + 1, NULL, 0, 0);
        cr_assert_eq(bf_engine_evaluate(f.engine, hs, N, 0, runs[j]), BF_OK);
        close_engine(&f);
    }
    for (int i = 0; i < N; i++) {
        expect_same_result(&runs[0][i], &runs[1][i], hs[i].id);
        expect_same_result(&runs[0][i], &runs[2][i], hs[i].id);
    }
    for (int i = 0; i < N; i += ALONE_EVERY) {
        fixture f;
        open_engine(&f, POLICIES, "2021-06-30", 1, NULL, 0, 0);
        bf_result alone = {0};
        cr_assert_eq(bf_engine_evaluate(f.engine, &hs[i], 1, 0, &alone), BF_OK);
        expect_same_result(&runs[0][i], &alone, hs[i].id);
        bf_result_free(&alone);
        close_engine(&f);
    }
    for (int j = 0; j < 3; j++) {
        for (int i = 0; i < N; i++)
            bf_result_free(&runs[j][i]);
        free(runs[j]);
    }
    for (int i = 0; i < N; i++)
        bf_household_free(&hs[i]);
    free(hs);
}

Test(engine, a_scripts_tiers_table_gives_its_tier_codes_words)
{
    const char *files[] = {
        "a.lua", "return { id = \"a\", title = \"t\", scope = \"household\",\n"
                 "  tiers = { household = \"按户保\", single_person = \"单人保\" },\n"
                 "  evaluate = function(h, p, ctx) return { eligible = false, amount = 0, reasons = {\"x\"} } end,\n}\n",
        "b.lua", "return { id = \"b\", title = \"t\", scope = \"household\",\n"
                 "  tiers = { household = 1 },\n"
                 "  evaluate = function(h, p, ctx) return { eligible = false, amount = 0, reasons = {\"x\"} } end,\n}\n",
        "c.lua", "return { id = \"c\", title = \"t\", scope = \"household\",\n"
                 "  tiers = \"按户保\",\n"
                 "  evaluate = function(h, p, ctx) return { eligible = false, amount = 0, reasons = {\"x\"} } end,\n}\n",
    };
    char *dir = policy_dir(files, 3);
    const char *msg = load_errors(dir);
    cr_expect(strstr(msg, "b.lua:2: tiers must map each tier code to its words"), "%s", msg);
    cr_expect(strstr(msg, "c.lua:2: tiers must be a table of tier codes and their words"), "%s", msg);
    cr_expect(!strstr(msg, "a.lua"), "a's tiers are right: %s", msg);
    remove_dir(dir);
}
