/* test_i18n.c — bangfu speaks the user's language: the zh_CN catalog is complete, and the
 * commands' output is Chinese under LANG=zh_CN.UTF-8 and English under LANG=C.UTF-8. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "i18n.h"

#define CATALOG BF_SOURCE_DIR "/core/po/zh_CN.po"

/* Runs a shell command line in the source folder; r gets its outputs. */
static int shell(bf_test_run *r, const char *line)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && %s", BF_SOURCE_DIR, line);
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    return bf_test_run_argv(r, NULL, argv, 120);
}

/* The zh_CN locale must exist for the Chinese assertions to mean anything (make deps makes it). */
static void need_chinese_locale(void)
{
    cr_assert(setlocale(LC_ALL, BF_TEST_CHINESE) != NULL,
              "the %s locale is not installed: run 'make deps' as root", BF_TEST_CHINESE);
    setlocale(LC_ALL, "C");
}

#define POLICIES BF_SOURCE_DIR "/policies"

TestSuite(i18n, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown, .timeout = 120);

Test(i18n, the_catalog_has_no_untranslated_or_fuzzy_message)
{
    bf_test_run r;
    cr_assert_eq(shell(&r, "msgfmt --check --statistics -o /dev/null " CATALOG), 0, "%s", r.err);
    /* e.g. "412 translated messages." — and never ", 3 fuzzy translations, 2 untranslated" */
    cr_expect(strstr(r.err, " translated messages."), "%s", r.err);
    cr_expect(!strstr(r.err, "untranslated"), "untranslated messages in %s: %s", CATALOG, r.err);
    cr_expect(!strstr(r.err, "fuzzy"), "fuzzy messages in %s: %s", CATALOG, r.err);
    bf_test_run_free(&r);
}

Test(i18n, every_message_of_the_sources_is_in_the_catalog)
{
    char *dir = bf_test_tmpdir();
    cr_assert(dir);
    char line[2048];
    /* the same extraction as `make pot`; msgcmp fails on any msgid of the sources that the
     * catalog lacks or has untranslated or fuzzy */
    snprintf(line, sizeof line,
             "xgettext " BF_XGETTEXT_FLAGS " -o '%s/bangfu.pot' core/*.h core/*/*.c core/*/*.h && "
             "msgcmp " CATALOG " '%s/bangfu.pot'", dir, dir);
    bf_test_run r;
    cr_expect_eq(shell(&r, line), 0,
                 "messages missing from %s (run 'make pot' and translate them):\n%s", CATALOG, r.err);
    bf_test_run_free(&r);
    bf_test_rmtree(dir);
    free(dir);
}

Test(i18n, an_unknown_command_in_both_languages)
{
    need_chinese_locale();
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "frobnicate", NULL), 2);
    cr_expect(strstr(r.err, "bangfu：没有“frobnicate”这个命令。\n请运行 'bangfu --help' 查看所有命令。\n"),
              "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu_in(&r, BF_TEST_ENGLISH, "frobnicate", NULL), 2);
    cr_expect(strstr(r.err, "bangfu: unknown command 'frobnicate'.\nTry 'bangfu --help'.\n"), "%s", r.err);
    bf_test_run_free(&r);
}

Test(i18n, run_help_in_both_languages)
{
    need_chinese_locale();
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "run", "--help", NULL), 0);
    cr_expect(strncmp(r.out, "用法：bangfu run [--db DB]", strlen("用法：bangfu run [--db DB]")) == 0,
              "%s", r.out);
    /* the shared options come from cli.h's paragraphs, translated too */
    cr_expect(strstr(r.out, "  --db DB            SQLite 数据库文件"), "%s", r.out);
    cr_expect(strstr(r.out, "  --date YYYY-MM-DD  测算日期（默认：今天）\n"), "%s", r.out);
    cr_expect(strstr(r.out, "退出状态："), "%s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu_in(&r, BF_TEST_ENGLISH, "run", "--help", NULL), 0);
    cr_expect(strncmp(r.out, "usage: bangfu run [--db DB]", strlen("usage: bangfu run [--db DB]")) == 0,
              "%s", r.out);
    cr_expect(strstr(r.out, "  --date YYYY-MM-DD  the evaluation date (default: today)\n"), "%s", r.out);
    cr_expect(strstr(r.out, "\nExit status: 0 all decisions made"), "%s", r.out);
    bf_test_run_free(&r);
}

Test(i18n, the_language_variable_is_honoured_and_a_missing_catalog_leaves_english)
{
    need_chinese_locale();
    bf_test_run r;
    /* the catalog is found beside the executable (build/locale); an empty folder has none */
    cr_expect_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "--help", NULL), 0);
    cr_expect(strstr(r.out, "用法：bangfu 命令 [选项]"), "%s", r.out);
    bf_test_run_free(&r);
    char *dir = bf_test_tmpdir();
    cr_assert(dir);
    cr_assert_eq(setenv("BANGFU_LOCALEDIR", dir, 1), 0);
    cr_expect_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "--help", NULL), 0);
    cr_expect(strstr(r.out, "usage: bangfu COMMAND [OPTIONS]"), "no catalog, English: %s", r.out);
    bf_test_run_free(&r);
    unsetenv("BANGFU_LOCALEDIR");
    bf_test_rmtree(dir);
    free(dir);
}

Test(i18n, the_run_summary_in_both_languages)
{
    need_chinese_locale();
    char *db = bf_test_county("c.db", NULL, NULL);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "run", "--db", db, "--date", "2021-06-30",
                                   "--policies", POLICIES, "--jobs", "1", NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "运行 1 · 测算日期 2021-06-30 · 27 户 · 1 个线程 · "), "%s", r.out);
    /* the headings padded by display columns: 政策 takes 4 of the 20 */
    cr_expect(strstr(r.out, "\n政策                         户数       人数                元/年     错误  名称\n"),
              "%s", r.out);
    cr_expect(strstr(r.out, "\n合计   "), "%s", r.out);
    cr_expect(strstr(r.out, "\n状态：已完成\n"), "%s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_ENGLISH, "run", "--db", db, "--date", "2021-06-30",
                                   "--policies", POLICIES, "--jobs", "1", NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "run 2 · date 2021-06-30 · 27 households · jobs 1 · "), "%s", r.out);
    cr_expect(strstr(r.out, "\npolicy                 households    members            yuan/year   errors  title\n"),
              "%s", r.out);
    cr_expect(strstr(r.out, "\nstatus: completed\n"), "%s", r.out);
    bf_test_run_free(&r);
    free(db);
}

Test(i18n, the_simulate_header_in_both_languages)
{
    need_chinese_locale();
    char *db = bf_test_county("c.db", NULL, NULL);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "simulate", "--db", db, "--date", "2021-06-30",
                                   "--policies", POLICIES, "--set", "dibao.standard=610", NULL), 0,
                 "%s", r.err);
    cr_expect(strncmp(r.out, "模拟测算（what-if）· 评估日期 2021-06-30 · 27 户 · ",
                      strlen("模拟测算（what-if）· 评估日期 2021-06-30 · 27 户 · ")) == 0, "%s", r.out);
    cr_expect(strstr(r.out, "\n方案：dibao.standard：551 → 610\n"), "%s", r.out);
    cr_expect(strstr(r.out, "\n政策                 重算 "), "%s", r.out);
    cr_expect(strstr(r.out, "\n基线：本次重新计算\n"), "%s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_ENGLISH, "simulate", "--db", db, "--date", "2021-06-30",
                                   "--policies", POLICIES, "--set", "dibao.standard=610", NULL), 0,
                 "%s", r.err);
    cr_expect(strncmp(r.out, "simulation (what-if) · date 2021-06-30 · 27 households · ",
                      strlen("simulation (what-if) · date 2021-06-30 · 27 households · ")) == 0, "%s", r.out);
    cr_expect(strstr(r.out, "\nscenario: dibao.standard: 551 → 610\n"), "%s", r.out);
    cr_expect(strstr(r.out, "\npolicy                re? "), "%s", r.out);
    cr_expect(strstr(r.out, "\nbaseline: evaluated by this command\n"), "%s", r.out);
    bf_test_run_free(&r);
    free(db);
}

Test(i18n, check_in_both_languages)
{
    need_chinese_locale();
    char *db = bf_test_county("c.db", NULL, NULL);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "check", "S03", "--db", db, "--date", "2021-06-30",
                                   "--policies", POLICIES, "--only", "dibao", NULL), 0, "%s", r.err);
    cr_expect(strncmp(r.out, "户 S03（", strlen("户 S03（")) == 0, "%s", r.out);
    cr_expect(strstr(r.out, "人，评估日期 2021-06-30\n"), "%s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_ENGLISH, "check", "S03", "--db", db, "--date", "2021-06-30",
                                   "--policies", POLICIES, "--only", "dibao", NULL), 0, "%s", r.err);
    cr_expect(strncmp(r.out, "household S03 (", strlen("household S03 (")) == 0, "%s", r.out);
    cr_expect(strstr(r.out, " members, evaluation date 2021-06-30\n"), "%s", r.out);
    bf_test_run_free(&r);
    free(db);
}

/* A household whose second member is born after the import date, and a sex the schema does
 * not allow: the rule's message and a schema (conversion) message, in both languages. */
static const char *future_birth =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<households xmlns=\"urn:bangfu:households:1\">\n"
    "  <household id=\"H01\" town=\"乳城镇\" village=\"侯公渡村\">\n"
    "    <member id=\"H01-1\" relation=\"head\" birth=\"1960-01-01\" sex=\"M\" labor=\"full\" employment=\"local\" school=\"none\" self_care=\"full\" disability=\"0\" disability_type=\"none\" serious_illness=\"false\" pension_insured=\"true\" medical_insured=\"true\" medical_cost=\"0\" supporter=\"false\"/>\n"
    "    <member id=\"H01-2\" relation=\"child\" birth=\"2031-01-01\" sex=\"W\" labor=\"none\" employment=\"none\" school=\"none\" self_care=\"full\" disability=\"0\" disability_type=\"none\" serious_illness=\"false\" pension_insured=\"false\" medical_insured=\"true\" medical_cost=\"0\" supporter=\"true\"/>\n"
    "  </household>\n"
    "</households>\n";

Test(i18n, an_import_error_in_both_languages)
{
    need_chinese_locale();
    char *xml = bf_test_path(bf_test_dir, "households.xml");
    char *db = bf_test_path(bf_test_dir, "i.db");
    cr_assert_eq(bf_test_write_file(xml, future_birth, (size_t)-1), 0);
    char birth_at[600], sex_at[600];
    /* line 5: 4 spaces, <member (8), id="H01-2" (11), relation="child" (17): birth at column 41; birth="2031-01-01" (19): sex at column 60 */
    snprintf(birth_at, sizeof birth_at, "%s:5:41：户 H01 成员 H01-2：出生日期 2031-01-01 晚于今天（", xml);
    snprintf(sex_at, sizeof sex_at, "%s:5:60：户 H01 成员 H01-2：性别（sex）：“W”不是以下值之一：M|F\n", xml);
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "import", xml, "--db", db, NULL), 2);
    cr_expect(strstr(r.err, birth_at), "%s", r.err);
    cr_expect(strstr(r.err, sex_at), "%s", r.err);
    cr_expect(strstr(r.err, "bangfu import：未导入任何数据"), "%s", r.err);
    bf_test_run_free(&r);
    snprintf(birth_at, sizeof birth_at, "%s:5:41: household H01, member H01-2: birth 2031-01-01 is "
             "after the evaluation date ", xml);
    snprintf(sex_at, sizeof sex_at, "%s:5:60: household H01, member H01-2: sex: 'W' is not one of M|F\n", xml);
    cr_expect_eq(bf_test_bangfu_in(&r, BF_TEST_ENGLISH, "import", xml, "--db", db, NULL), 2);
    cr_expect(strstr(r.err, birth_at), "%s", r.err);
    cr_expect(strstr(r.err, sex_at), "%s", r.err);
    cr_expect(strstr(r.err, "bangfu import: nothing imported"), "%s", r.err);
    bf_test_run_free(&r);
    free(xml);
    free(db);
}

Test(i18n, tier_codes_have_the_scripts_words)
{
    need_chinese_locale();
    char *db = bf_test_county("c.db", NULL, NULL);
    bf_test_run r;
    /* JSON keeps the code and adds the words of dibao.lua's tiers table */
    cr_assert_eq(bf_test_bangfu(&r, NULL, "check", "S03", "--db", db, "--date", "2021-06-30",
                                "--policies", POLICIES, "--only", "dibao", "--format", "json", NULL),
                 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"tier\":\"single_person\",\"tier_label\":\"单人保\""), "%s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "check", "S03", "--db", db, "--date",
                                   "2021-06-30", "--policies", POLICIES, "--only", "dibao", NULL),
                 0, "%s", r.err);
    cr_expect(strstr(r.out, "  符合，6612.00 元/年（单人保）\n"), "%s", r.out);
    bf_test_run_free(&r);
    free(db);
}

Test(i18n, cells_are_padded_by_display_columns)
{
    cr_expect_eq(bf__text_columns("policy"), 6);
    cr_expect_eq(bf__text_columns("政策"), 4, "a CJK character takes two columns");
    cr_expect_eq(bf__text_columns("元/年（基线）"), 13, "fullwidth parentheses too");
    cr_expect_eq(bf__text_columns("5→9 · ok"), 8, "arrows and middle dots take one");
    cr_expect_eq(bf__text_columns(""), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    bf_fput_cell(f, "政策", 8, false);
    fputc('|', f);
    bf_fput_cell(f, "户数", 6, true);
    fputc('|', f);
    bf_fput_cell(f, "toolongtext", 4, false);      /* wider than the column: written whole */
    cr_assert_eq(fclose(f), 0);
    cr_expect_str_eq(buf, "政策    |  户数|toolongtext");
    free(buf);
}

Test(i18n, review_params_and_test_in_both_languages)
{
    need_chinese_locale();
    char *db = bf_test_county("c.db", NULL, NULL);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--date", "2021-06-30", "--policies",
                                POLICIES, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_ENGLISH, "review", "--db", db, NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "review · run 1 · evaluation date 2021-06-30 · 27 households\n"), "%s", r.out);
    cr_expect(strstr(r.out, "\n1. recorded but not eligible (recorded_not_eligible): 8\n"), "%s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "review", "--db", db, NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, "\n一、有记录但不符合条件（recorded_not_eligible）：8\n"), "%s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "params", "--date", "2021-06-30",
                                   "--policies", POLICIES, NULL), 0, "%s", r.err);
    cr_expect(strncmp(r.out, "2021-06-30 有效的参数（", strlen("2021-06-30 有效的参数（")) == 0, "%s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_ENGLISH, "params", "--date", "2021-06-30",
                                   "--policies", POLICIES, NULL), 0, "%s", r.err);
    cr_expect(strncmp(r.out, "parameters in force on 2021-06-30 (", strlen("parameters in force on 2021-06-30 (")) == 0,
              "%s", r.out);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "test", POLICIES, NULL), 0, "%s", r.err);
    cr_expect(strstr(r.out, " 个通过，0 个未通过\n"), "%s", r.out);
    bf_test_run_free(&r);
    free(db);
}
