/* test_lint.c — `bangfu lint` finds each kind of seeded mistake at its file and line without
 * running the scripts (every mistake sits on a branch only a household with id "never" reaches),
 * all of them in one pass, and the shipped scripts lint clean. */
#include <criterion/criterion.h>
#include <string.h>

#include "fielddoc.h"
#include "helpers.h"

#define LINTME BF_SOURCE_DIR "/tests/data/policies/lintme"
#define POLICIES BF_SOURCE_DIR "/policies"

TestSuite(lint, .timeout = 60);

Test(lint, the_shipped_scripts_lint_clean)
{
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "lint", POLICIES, NULL), 0, "%s", r.out);
    cr_expect(strstr(r.out, "10 policies, 68 parameters: no problems\n"), "%s", r.out);
    cr_expect_eq(bf_test_count_lines(r.out), 1, "%s", r.out);
    bf_test_run_free(&r);
}

/* A folder that is not there is an input error (exit 2), not a lint finding (exit 1). */
Test(lint, a_missing_folder_is_an_input_error)
{
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "lint", BF_SOURCE_DIR "/no-such-folder", NULL), 2, "%s", r.out);
    cr_expect(strstr(r.err, "no-such-folder: cannot open the policies folder"), "%s", r.err);
    cr_expect_eq(r.out[0], '\0', "%s", r.out);
    bf_test_run_free(&r);
}

Test(lint, every_seeded_mistake_at_its_line)
{
    static const char *const expected[] = {
        /* a broken contract and an unknown requires, in the same pass as the rest */
        LINTME "/contract.lua:1: title must be a non-empty string\n",
        LINTME "/contract.lua:4: requires unknown policy 'nosuch'\n",
        /* 1 a household field, with the field it starts with as the suggestion */
        LINTME "/fields.lua:7: a household has no field 'medical_expenses'; did you mean 'medical'?\n",
        /* 2 a member field through ipairs(h.members) */
        LINTME "/fields.lua:9: a member has no field 'serious_ilness'; did you mean 'serious_illness'?\n",
        /* 3 through h.members[i] */
        LINTME "/fields.lua:12: a member has no field 'medical_cots'; did you mean 'medical_cost'?\n",
        /* 11 an enum compared with a value it never holds */
        LINTME "/fields.lua:15: the field relation is never \"father\": its values are "
               "head/spouse/child/parent/grandchild/sibling/other\n",
        /* 4 a member field through a local holding a member */
        LINTME "/fields.lua:16: a member has no field 'labour'; did you mean 'labor'?\n",
        /* 9 require of a module that does not exist */
        LINTME "/modules.lua:6: require \"fmtt\": no such module in lib/, the plugins or the host",
        /* 10 globals and library fields the sandbox does not offer */
        LINTME "/modules.lua:7: unknown global 'pritn': ",
        "did you mean 'print'?\n",
        LINTME "/modules.lua:8: math.random is not available to policy scripts",
        /* 5 a parameter path; 6 a parameter through a local alias */
        LINTME "/params_use.lua:7: unknown parameter 'p.aid.bse': params.xml has no such name; did you mean 'base'?\n",
        LINTME "/params_use.lua:8: unknown parameter 'p.aid.cap_facter': params.xml has no such name; did you mean 'cap_factor'?\n",
        /* 7 a decision of a policy not in requires; 8 of a policy that does not exist */
        LINTME "/params_use.lua:9: ctx.decision(\"modules\"): 'modules' is not in the requires of params_use",
        LINTME "/params_use.lua:10: ctx.decision(\"dibao\"): there is no policy 'dibao'",
        /* and in a lib module, through a helper's parameter named m */
        LINTME "/lib/helper.lua:5: a member has no field 'employmant'; did you mean 'employment'?\n",
    };
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "lint", LINTME, NULL), 1, "%s%s", r.out, r.err);
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        cr_expect(strstr(r.out, expected[i]), "missing: %s\nin:\n%s", expected[i], r.out);
    cr_expect_eq(bf_test_count_lines(r.out), 15, "one line per problem, nothing else:\n%s", r.out);
    bf_test_run_free(&r);
}

/* The faults folder's scripts load, but two of them write to records, which lint sees too. */
Test(lint, writes_to_records_and_parameters)
{
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "lint", BF_SOURCE_DIR "/tests/data/policies/faults", NULL), 1);
    cr_expect(strstr(r.out, "faults/writes.lua:4: assignment to field 'wage' of a read-only record\n"),
              "%s", r.out);
    cr_expect(strstr(r.out, "faults/writes_param.lua:4: assignment to field 'amount' of a read-only "
                            "parameter group\n"), "%s", r.out);
    bf_test_run_free(&r);
}

/* doc --lua-defs: the annotations name every field with its type (enum fields as their values)
 * and every parameter under its group; policies/types/bangfu.lua, which policies/.luarc.json
 * points lua-language-server at, is what the command writes for the shipped params.xml. */
Test(lint, lua_defs_for_the_editor)
{
    char *dir = bf_test_tmpdir();
    cr_assert_not_null(dir);
    char *out = bf_test_path(dir, "defs.lua");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "doc", "--policies", POLICIES, "--lua-defs", out, NULL), 0,
                 "%s", r.err);
    bf_test_run_free(&r);
    char *text = bf_test_read_file(out, NULL);
    cr_assert_not_null(text);
    cr_expect(strstr(text, "---@class bangfu.Member\n"), "%s", text);
    cr_expect(strstr(text, "---@field relation \"head\"|\"spouse\"|\"child\"|\"parent\"|\"grandchild\"|"
                           "\"sibling\"|\"other\" "), "%s", text);
    cr_expect(strstr(text, "---@field previous number? "), "previous may be nil");
    cr_expect(strstr(text, "---@field members bangfu.Member[] "), "%s", text);
    cr_expect(strstr(text, "---@class bangfu.Params.dibao\n"), "%s", text);
    cr_expect(strstr(text, "---@field standard number 农村低保标准（yuan/person/month）\n"), "%s", text);
    cr_expect(strstr(text, "---@field aid bangfu.Params.medical.aid\n"), "nested groups: %s", text);
    char *shipped = bf_test_read_file(POLICIES "/types/bangfu.lua", NULL);
    cr_assert_not_null(shipped);
    cr_expect_str_eq(shipped, text, "policies/types/bangfu.lua is stale: bangfu doc --lua-defs "
                                    "policies/types/bangfu.lua");
    char *luarc = bf_test_read_file(POLICIES "/.luarc.json", NULL);
    cr_expect(luarc && strstr(luarc, "\"library\": [\"types\"]"), "%s", luarc ? luarc : "(none)");
    free(luarc);
    free(shipped);
    free(text);
    free(out);
    bf_test_rmtree(dir);
    free(dir);
}

/* Every field the scripts see has its type and meaning written down for the handbook and the
 * annotations (core/input/fielddoc.c), and nothing there names a field that does not exist. */
Test(lint, every_field_is_documented)
{
    const bf_record_kind kinds[] = {BF_RECORD_HOUSEHOLD, BF_RECORD_MEMBER};
    for (int k = 0; k < 2; k++) {
        int n;
        const bf_field_doc *docs = bf_field_docs(kinds[k], &n);
        cr_expect_eq(n, bf_field_count(kinds[k]));
        for (int i = 0; i < bf_field_count(kinds[k]); i++) {
            const bf_field_doc *d = bf_field_doc_find(kinds[k], bf_field_name(kinds[k], i));
            cr_expect(d && d->meaning[0] && d->type[0], "%s", bf_field_name(kinds[k], i));
        }
        for (int i = 0; i < n; i++)
            cr_expect_geq(bf_field_find(kinds[k], docs[i].name), 0, "%s", docs[i].name);
    }
}
