/* test_plugins.c — the plugin loader and registry, `bangfu plugins`, finding the plugins folder,
 * and the record sink that plugin readers feed (the same checks as XML, errors naming ids).
 *
 * $(B)/test-plugins holds copies of the good plugins next to the broken ones of
 * tests/data/plugins/ (Makefile, test-plugins): bad_abi.so (plugin->abi 99), future_abi.so
 * (exports bf_plugin_abi = 3; its init aborts), init_fails.so (init returns 3), no_init.so (no
 * bf_plugin_init), not_elf.so (a text file), old_abi.so (built against the structs of ABI 1,
 * data/plugins/plugin_abi1.h), zz_clash.so (a second "idcard", loaded after idcard.so). */
#include <criterion/criterion.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bangfu.h"
#include "import.h"
#include "plugins.h"
#include "store.h"

#include "helpers.h"
#include "data/plugins/plugin_abi1.h"

#define TEST_PLUGINS BF_BUILD_DIR "/test-plugins"
#define PLUGINS      BF_BUILD_DIR "/plugins"

TestSuite(plugins);

/* The message of errs about file (a base name), or NULL. */
static const char *message_about(const bf_errors *errs, const char *file)
{
    char start[512];
    snprintf(start, sizeof start, "%s/%s: ", TEST_PLUGINS, file);
    for (int i = 0; i < errs->count; i++)
        if (strncmp(errs->msgs[i], start, strlen(start)) == 0)
            return errs->msgs[i];
    return NULL;
}

/* Expects a message about file containing reason. */
static void expect_skipped(const bf_errors *errs, const char *file, const char *reason)
{
    const char *m = message_about(errs, file);
    cr_expect(m, "%s is not reported", file);
    if (m)
        cr_expect(strstr(m, reason), "%s: expected '%s'", m, reason);
}

Test(plugins, each_broken_plugin_is_reported_and_the_good_ones_load)
{
    bf_errors errs;
    bf_errors_init(&errs, 50);
    bf_plugins *p;
    cr_assert_eq(bf_plugins_load(TEST_PLUGINS, &p, &errs), BF_OK);
    expect_skipped(&errs, "bad_abi.so", "built for plugin ABI 99, this bangfu has ABI 2");
    expect_skipped(&errs, "future_abi.so", "built for plugin ABI 3, this bangfu has ABI 2");
    /* its init read every host field at its ABI 1 offset (else it returns 7) and filled an ABI 1
     * bf_plugin; the host then refuses it by its abi */
    expect_skipped(&errs, "old_abi.so", "built for plugin ABI 1, this bangfu has ABI 2");
    expect_skipped(&errs, "init_fails.so", "its bf_plugin_init returned 3 (it refused to load)");
    expect_skipped(&errs, "no_init.so", "no bf_plugin_init function: not a bangfu plugin");
    expect_skipped(&errs, "not_elf.so", "not a loadable shared object");
    expect_skipped(&errs, "zz_clash.so", "plugin 'idcard' clashes with " TEST_PLUGINS "/idcard.so");
    for (const char *good = "csv.so\0idcard.so\0"; *good; good += strlen(good) + 1)
        cr_expect(!message_about(&errs, good), "%s was skipped", good);
    /* the good ones are there and work through the registry */
    const bf_reader_format *r = bf_plugins_reader(p, NULL, "/x/households.CSV");
    cr_expect(r && strcmp(r->format, "csv") == 0, "no reader for .csv");
    cr_expect_eq(bf_plugins_reader(p, "csv", NULL), r);
    cr_expect_null(bf_plugins_reader(p, "yaml", NULL));
    cr_expect_null(bf_plugins_reader(p, NULL, "x.yaml"));
    cr_expect_not_null(bf_plugins_writer(p, "csv"));
    int idcards = 0;
    for (const bf_lua_module *m = bf_plugins_lua_modules(p); m && m->name; m++)
        idcards += strcmp(m->name, "idcard") == 0;
    cr_expect_eq(idcards, 1, "the idcard module once, from idcard.so");
    int n = bf_plugins_count(p);
    for (int i = 0; i < n; i++) {
        const char *file;
        const bf_plugin *info = bf_plugins_get(p, i, &file);
        if (strcmp(info->name, "idcard") == 0)
            cr_expect(strstr(file, "/idcard.so"), "idcard came from %s", file);
    }
    cr_expect_null(bf_plugins_get(p, n, NULL));
    bf_plugins_free(p);
    bf_errors_free(&errs);
}

/* run_tests is linked like bangfu (Makefile, LDFLAGS_ALL with core/bangfu.exports): the program
 * exports the library API of bangfu.h and none of its other functions, which plugins never need
 * (they get everything through bf_host). */
Test(plugins, the_program_exports_only_the_library_api)
{
    cr_assert_str_eq(bf_strerror(BF_ENOMEM), "out of memory");  /* linked in, so it could be exported */
    void *self = dlopen(NULL, RTLD_NOW);
    cr_assert_not_null(self, "%s", dlerror());
    cr_expect_not_null(dlsym(self, "bf_strerror"), "bf_strerror is not exported");
    const char *internal[] = {"bf_engine_open", "bf_plugins_load", "bf_store_open",
                              "bf_sink_household_begin", "bf_errors_add", "bf__sandbox_new"};
    for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++)
        cr_expect_null(dlsym(self, internal[i]), "%s is exported", internal[i]);
    dlclose(self);
}

/* csv.so's bf_plugin_init, loaded on its own, and its handle in *handle. */
static bf_plugin_init_fn csv_init(void **handle)
{
    *handle = dlopen(PLUGINS "/csv.so", RTLD_NOW | RTLD_LOCAL);
    cr_assert_not_null(*handle, "%s", dlerror());
    bf_plugin_init_fn init;
    *(void **)&init = dlsym(*handle, BF_PLUGIN_INIT_SYMBOL);
    cr_assert_not_null(init);
    return init;
}

/* A host of ABI 1 (its struct ends at member_cell, without sizes) loading today's csv plugin:
 * the plugin refuses by abi alone and reads no further. Both structs are allocated with exactly
 * their ABI 1 size, so that ASan (the second leg of make test) fails the test on any access past
 * their end; *plugin stays untouched. */
Test(plugins, a_plugin_refuses_a_host_of_abi_1_without_reading_past_its_struct)
{
    void *handle;
    bf_plugin_init_fn init = csv_init(&handle);
    v1_host *old = malloc(sizeof *old);
    v1_plugin *info = calloc(1, sizeof *info);
    cr_assert(old && info);
    memcpy(old, &bf_plugin_host, sizeof *old);     /* ABI 2 keeps every ABI 1 field's offset */
    old->abi = 1;
    cr_expect_neq(init((const bf_host *)old, (bf_plugin *)info), 0, "the csv plugin loaded on an ABI 1 host");
    cr_expect_eq(info->abi, 0);
    cr_expect_null(info->name);
    free(old);
    free(info);
    dlclose(handle);
}

/* A host of this ABI whose struct ends before member_cell (size says so; a host built before a
 * field was appended looks like this to a later plugin): csv needs member_cell, so it refuses. */
Test(plugins, a_plugin_refuses_a_host_without_a_function_it_needs)
{
    void *handle;
    bf_plugin_init_fn init = csv_init(&handle);
    bf_host short_host = bf_plugin_host;
    short_host.size = offsetof(bf_host, member_cell);
    bf_plugin info;
    memset(&info, 0, sizeof info);
    cr_expect_neq(init(&short_host, &info), 0, "the csv plugin loaded without member_cell");
    cr_expect_null(info.name);
    short_host.size = sizeof short_host;           /* the same host with it: loads */
    cr_expect_eq(init(&short_host, &info), 0);
    cr_expect_str_eq(info.name, "csv");
    cr_expect(BF_HOST_HAS(&bf_plugin_host, member_error));
    cr_expect(BF_PLUGIN_CAN_SET(&bf_plugin_host, modules));
    dlclose(handle);
}

Test(plugins, a_missing_folder_is_an_empty_registry)
{
    bf_errors errs;
    bf_errors_init(&errs, 10);
    bf_plugins *p;
    cr_assert_eq(bf_plugins_load("/nonexistent/bangfu/plugins", &p, &errs), BF_OK);
    cr_expect_eq(bf_plugins_count(p), 0);
    cr_expect_eq(bf_errors_total(&errs), 0);
    const bf_lua_module *m = bf_plugins_lua_modules(p);
    cr_expect(m && !m->name, "an empty, terminated module list");
    bf_plugins_free(p);
    bf_errors_free(&errs);
}

Test(plugins, the_command_lists_plugins_and_skipped_files)
{
    bf_test_run r;
    bf_test_bangfu(&r, NULL, "plugins", "--plugins", TEST_PLUGINS, NULL);
    cr_expect_eq(r.status, 1, "a skipped file makes the exit status 1");
    cr_expect(strstr(r.out, "csv 1.0.0  " TEST_PLUGINS "/csv.so"), "%s", r.out);
    cr_expect(strstr(r.out, "import format csv (.csv)"), "%s", r.out);
    cr_expect(strstr(r.out, "export format csv"), "%s", r.out);
    cr_expect(strstr(r.out, "idcard 1.0.0  " TEST_PLUGINS "/idcard.so"), "%s", r.out);
    cr_expect(strstr(r.out, "Lua module idcard"), "%s", r.out);
    cr_expect(strstr(r.out, "skipped:"), "%s", r.out);
    const char *files[] = {"bad_abi.so: skipped: built for plugin ABI 99",
                           "future_abi.so: skipped: built for plugin ABI 3",
                           "old_abi.so: skipped: built for plugin ABI 1",
                           "init_fails.so: skipped: its bf_plugin_init returned 3",
                           "no_init.so: skipped: no bf_plugin_init",
                           "not_elf.so: skipped: not a loadable shared object",
                           "zz_clash.so: skipped: plugin 'idcard' clashes with"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        cr_expect(strstr(r.out, files[i]), "expected '%s' in:\n%s", files[i], r.out);
    bf_test_run_free(&r);
}

Test(plugins, the_built_plugins_are_found_beside_the_executable)
{
    char *dir = bf_test_tmpdir();
    cr_assert_not_null(dir);
    bf_test_run r;
    const char *argv[] = {"/usr/bin/env", "-u", "BANGFU_PLUGINS", BF_TEST_BANGFU, "plugins", NULL};
    bf_test_run_argv(&r, dir, argv, 60);
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, "plugins in " BF_BUILD_DIR "/plugins "), "%s", r.out);
    cr_expect(strstr(r.out, "\ncsv ") && strstr(r.out, "\nidcard "), "%s", r.out);
    bf_test_run_free(&r);
    bf_test_rmtree(dir);
    free(dir);
}

Test(plugins, the_option_then_the_environment_then_a_local_plugins_folder)
{
    char *dir = bf_test_tmpdir();
    cr_assert_not_null(dir);
    char *local = bf_test_path(dir, "plugins");
    char *so = bf_test_path(local, "idcard.so");
    cr_assert_eq(mkdir(local, 0755), 0);
    cr_assert_eq(bf_test_copy_file(PLUGINS "/idcard.so", so), 0);
    bf_test_run r;
    /* ./plugins with a NAME.so in it comes before the folder beside the executable */
    const char *plain[] = {"/usr/bin/env", "-u", "BANGFU_PLUGINS", BF_TEST_BANGFU, "plugins", NULL};
    bf_test_run_argv(&r, dir, plain, 60);
    cr_expect(strstr(r.out, "plugins in plugins ") && strstr(r.out, "1 loaded"), "%s", r.out);
    bf_test_run_free(&r);
    /* $BANGFU_PLUGINS before that */
    const char *env[] = {"/usr/bin/env", "BANGFU_PLUGINS=" TEST_PLUGINS, BF_TEST_BANGFU, "plugins",
                         NULL};
    bf_test_run_argv(&r, dir, env, 60);
    cr_expect(strstr(r.out, "plugins in " TEST_PLUGINS " "), "%s", r.out);
    cr_expect_eq(r.status, 1);
    bf_test_run_free(&r);
    /* --plugins before everything */
    const char *opt[] = {"/usr/bin/env", "BANGFU_PLUGINS=" TEST_PLUGINS, BF_TEST_BANGFU, "plugins",
                         "--plugins", PLUGINS, NULL};
    bf_test_run_argv(&r, dir, opt, 60);
    cr_expect(strstr(r.out, "plugins in " PLUGINS " "), "%s", r.out);
    cr_expect_eq(r.status, 0, "%s", r.out);
    bf_test_run_free(&r);
    bf_test_rmtree(dir);
    free(dir);
    free(local);
    free(so);
}

Test(plugins, the_good_plugins_still_work_beside_broken_ones)
{
    char *dir = bf_test_tmpdir();
    cr_assert_not_null(dir);
    char *db = bf_test_path(dir, "t.db");
    bf_test_run r;
    bf_test_bangfu(&r, NULL, "import", BF_SOURCE_DIR "/samples/households.csv",
                   BF_SOURCE_DIR "/samples/members.csv", "--db", db, "--plugins", TEST_PLUGINS,
                   NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "imported 27 households (72 members)"), "%s", r.out);
    cr_expect(strstr(r.err, "warning: " TEST_PLUGINS "/not_elf.so: skipped"), "%s", r.err);
    bf_test_run_free(&r);
    bf_test_bangfu(&r, NULL, "lint", BF_TEST_DATA "/plugins/idcard_policies", "--plugins",
                   TEST_PLUGINS, NULL);
    cr_expect_eq(r.status, 0, "the idcard module loads from the folder: %s%s", r.out, r.err);
    bf_test_run_free(&r);
    bf_test_rmtree(dir);
    free(dir);
    free(db);
}

/* ---- The record sink, fed by a reader written here ---- */

static const bf_host *host = &bf_plugin_host;

/* A reader that hands over fields in awkward orders: the id last, a member whose fields come
 * before the household's town, a bad value before the id is known. */
static int awkward_read(const char *const *paths, int n, bf_record_sink *sink)
{
    (void)n;
    const char *f = paths[0];
    host->household_begin(sink, f, 10);
    host->household_set(sink, "wage", "12.345");            /* bad, before the id */
    host->member_begin(sink, f, 11);
    const char *member[][2] = {{"relation", "head"}, {"birth", "1970-01-01"}, {"sex", "M"},
                               {"labor", "full"}, {"employment", "local"}, {"school", "none"},
                               {"self_care", "full"}, {"disability", "0"},
                               {"disability_type", "none"}, {"serious_illness", "false"},
                               {"pension_insured", "true"}, {"medical_insured", "true"},
                               {"medical_cost", "0"}, {"supporter", "yes"}, {"id", "A-1"}};
    for (size_t i = 0; i < sizeof member / sizeof member[0]; i++)
        host->member_set(sink, member[i][0], member[i][1]);
    host->household_set(sink, "town", "乳城镇");
    host->household_set(sink, "village", "侯公渡村");
    host->household_set(sink, "id", "A");
    host->household_set(sink, "colour", "red");
    host->household_end(sink);
    /* a good one, members from another file */
    host->household_begin(sink, f, 20);
    host->household_set(sink, "id", "B");
    host->household_set(sink, "town", "乳城镇");
    host->household_set(sink, "village", "侯公渡村");
    host->household_set(sink, "colour", "blue");           /* reported once, above */
    host->member_begin(sink, "other.csv", 7);
    for (size_t i = 0; i < sizeof member / sizeof member[0] - 2; i++)
        host->member_set(sink, member[i][0], member[i][1]);
    host->member_set(sink, "id", "A-1");       /* A was bad, but its ids count: a duplicate */
    host->household_end(sink);
    host->member_error(sink, "other.csv", 9, "Z", "Z-1", "its household is missing");
    host->error(sink, f, 30, NULL, "a reader's own complaint");
    return 1;
}

static const bf_reader_format awkward = {"awkward", ".awk", "test reader", awkward_read};

Test(plugins, the_sink_converts_validates_and_names_ids_whatever_the_order)
{
    char *dir = bf_test_tmpdir();
    cr_assert_not_null(dir);
    char *db = bf_test_path(dir, "s.db");
    bf_store *s;
    cr_assert_eq(bf_store_open(db, &s, &bf_test_errs), BF_OK, "%s", bf_test_error());
    const char *paths[] = {"in.awk"};
    bf_import_source src = {&awkward, paths, 1};
    bf_import_options opt = {.today = 0};
    bf_import_stats st;
    bf_errors errs;
    bf_errors_init(&errs, 50);
    cr_expect_eq(bf_import_sources(s, &src, 1, &opt, &st, &errs), BF_EINPUT);
    const char *expected[] = {
        "in.awk:10: household A: wage: '12.345' is not an amount of yuan",
        "in.awk:10: household A: unknown household field 'colour' (reported once)",
        "in.awk:11: household A, member A-1: supporter: 'yes' is not true or false",
        "other.csv:7: household B, member A-1: no value for required field 'supporter'",
        "other.csv:7: household B, member A-1: duplicate member id (also in household A at in.awk:11)",
        "other.csv:9: household Z, member Z-1: its household is missing",
        "in.awk:30: a reader's own complaint",
    };
    int n = (int)(sizeof expected / sizeof expected[0]);
    for (int i = 0; i < n; i++) {
        bool found = false;
        for (int k = 0; k < errs.count; k++)
            found |= strncmp(errs.msgs[k], expected[i], strlen(expected[i])) == 0;
        cr_expect(found, "missing: %s", expected[i]);
    }
    cr_expect_eq(errs.count, n, "%d messages, first: %s", errs.count,
                 errs.count ? errs.msgs[0] : "");
    int64_t hh = -1, mm = -1;
    cr_expect_eq(bf_store_count(s, &hh, &mm, &errs), BF_OK);
    cr_expect_eq(hh, 0, "nothing imported");
    bf_errors_free(&errs);
    bf_store_close(s);
    bf_test_rmtree(dir);
    free(dir);
    free(db);
}
