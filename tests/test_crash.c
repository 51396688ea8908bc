/* test_crash.c — crash tests (issue 11, item 11): the real bangfu binary is killed with SIGKILL
 * at varied moments of a run and of an import, tens of times on a small county; after each kill
 * the database passes SQLite's integrity check, what was there before is all there, no run that
 * did not finish says it completed, an import is all or nothing, and the next command works.
 * The moments are drawn with a fixed seed (reproducible) over the time a whole run or import
 * takes on this machine, measured first. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#define HOUSEHOLDS "600"
#ifdef __SANITIZE_ADDRESS__
#define KILLS 10               /* of each command: the sanitized binary is several times slower */
#else
#define KILLS 20               /* of each command */
#endif
#define SEED 11u

/* The databases live in memory (tmpfs) where there is one: a SIGKILL leaves the kernel's page
 * cache to the next process whatever the file system, and the disk's syncs would only make each
 * import and run slower, so fewer kills would fit in the test's time. */
static char *dir;

static void setup(void)
{
    bf_test_dir_setup();
    char shm[] = "/dev/shm/bf-crash-XXXXXX";
    dir = mkdtemp(shm) ? strdup(shm) : strdup(bf_test_dir);
    cr_assert_not_null(dir);
}

static void teardown(void)
{
    if (strcmp(dir, bf_test_dir) != 0)
        bf_test_rmtree(dir);
    free(dir);
    bf_test_dir_teardown();
}

TestSuite(crash, .init = setup, .fini = teardown, .timeout = 300);

/* A new database dir/h.db of `households` generated households; its malloc'd path. */
static char *county(const char *households)
{
    char *db = bf_test_path(dir, "h.db");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "gen", "--households", households, "--db", db, NULL), 0,
                 "%s", r.err);
    bf_test_run_free(&r);
    return db;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts bangfu with args (NULL-terminated, at most 10), its output discarded, sleeps `after`
 * seconds and kills it with SIGKILL. Returns true when the kill found it still running. */
static bool kill_after(double after, const char *const *args)
{
    const char *argv[12] = {"bangfu"};
    for (int i = 0; args[i] && i < 10; i++)
        argv[i + 1] = args[i];
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execv(BF_TEST_BANGFU, (char *const *)argv);
        _exit(127);
    }
    struct timespec ts = {(time_t)after, (long)((after - (double)(time_t)after) * 1e9)};
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    int ws;
    cr_assert_eq(waitpid(pid, &ws, 0), pid);
    if (WIFEXITED(ws))
        cr_assert_eq(WEXITSTATUS(ws), 0, "bangfu %s ended by itself with status %d", args[0],
                     WEXITSTATUS(ws));
    return WIFSIGNALED(ws);
}

/* Seconds the command takes when left alone (it must succeed). */
static double time_whole(const char *const *args)
{
    const char *argv[12] = {BF_TEST_BANGFU};
    for (int i = 0; args[i] && i < 10; i++)
        argv[i + 1] = args[i];
    bf_test_run r;
    double t0 = now_s();
    cr_assert_eq(bf_test_run_argv(&r, NULL, argv, 120), 0, "%s", r.err);
    double took = now_s() - t0;
    bf_test_run_free(&r);
    return took;
}

static void expect_intact(const char *db, int kill)
{
    char *ok = bf_test_query(db, "PRAGMA integrity_check");
    cr_assert(ok && strcmp(ok, "ok\n") == 0, "kill %d: integrity_check: %s", kill, ok ? ok : "(none)");
    free(ok);
}

/* The decisions a whole run of this county stores, counted from run 1. */
static long long decisions_of(const char *db, long long run)
{
    char sql[128];
    snprintf(sql, sizeof sql, "decisions WHERE run_id = %lld", run);
    return bf_test_count_rows(db, sql);
}

Test(crash, a_run_killed_anywhere_leaves_the_store_intact_and_no_false_completed)
{
    char *db = county(HOUSEHOLDS);
    const char *args[] = {"run", "--full", "--jobs", "1", "--db", db, NULL};
    double whole = time_whole(args);                  /* run 1: the state to keep */
    long long full = decisions_of(db, 1);
    cr_assert_gt(full, 0);
    char *before = bf_test_query(db, "SELECT * FROM run_policies WHERE run_id = 1");
    unsigned seed = SEED;
    int killed = 0;
    for (int k = 1; k <= KILLS; k++) {
        double after = whole * 1.1 * (double)rand_r(&seed) / RAND_MAX;
        killed += kill_after(after, args);
        expect_intact(db, k);
        cr_expect_eq(decisions_of(db, 1), full, "kill %d (after %.3f s): run 1 lost decisions", k, after);
        char *now = bf_test_query(db, "SELECT * FROM run_policies WHERE run_id = 1");
        cr_expect_str_eq(now, before, "kill %d: run 1's totals changed", k);
        free(now);
        /* a run says completed only when every decision is there */
        char *bad = bf_test_query(db, "SELECT id FROM runs WHERE status LIKE 'completed%' AND "
                                      "(SELECT count(*) FROM decisions WHERE run_id = runs.id) != "
                                      "(SELECT count(*) FROM decisions WHERE run_id = 1)");
        cr_expect_str_eq(bad, "", "kill %d (after %.3f s): completed runs without all decisions", k, after);
        free(bad);
    }
    cr_expect_geq(killed, KILLS / 2, "most kills must land while the run runs (%d did)", killed);
    /* no killed run shows as running; the next run completes */
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "runs", "--db", db, NULL), 0, "%s", r.err);
    cr_expect(!strstr(r.out, "running"), "%s", r.out);
    if (killed)
        cr_expect(strstr(r.out, "abandoned"), "%s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "run", "--full", "--db", db, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *last = bf_test_query(db, "SELECT status FROM runs ORDER BY id DESC LIMIT 1");
    cr_expect(last && strncmp(last, "completed", 9) == 0, "%s", last ? last : "(none)");
    cr_expect_eq(decisions_of(db, bf_test_count_rows(db, "runs")), full);
    free(last);
    free(before);
    free(db);
}

/* A fingerprint of the stored households and members: tells county A, county B and any mixture
 * apart (the generator's seeds give other incomes, deposits and costs to the same ids). */
static char *fingerprint(const char *db)
{
    return bf_test_query(db, "SELECT (SELECT count(*) FROM households), "
                             "(SELECT total(wage_fen + 3 * deposits_fen + 7 * medical_fen) FROM households), "
                             "(SELECT count(*) FROM members), "
                             "(SELECT total(medical_cost_fen + length(birth)) FROM members)");
}

Test(crash, an_import_killed_anywhere_is_all_or_nothing)
{
    char *db = county(HOUSEHOLDS);
    char *a_xml = bf_test_path(dir, "a.xml"), *b_xml = bf_test_path(dir, "b.xml");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "gen", "--households", HOUSEHOLDS, "--out", a_xml, NULL), 0,
                 "%s", r.err);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "gen", "--households", HOUSEHOLDS, "--seed", "7", "--out",
                                b_xml, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *a = fingerprint(db);
    const char *to_b[] = {"import", "--replace", b_xml, "--db", db, NULL};
    const char *to_a[] = {"import", "--replace", a_xml, "--db", db, NULL};
    double whole = time_whole(to_b);
    char *b = fingerprint(db);
    cr_assert(a && b && strcmp(a, b) != 0, "the two counties differ: %s / %s", a, b);
    unsigned seed = SEED;
    int killed = 0;
    for (int k = 1; k <= KILLS; k++) {
        char *before = fingerprint(db);
        bool on_b = strcmp(before, b) == 0;
        double after = whole * 1.1 * (double)rand_r(&seed) / RAND_MAX;
        killed += kill_after(after, on_b ? to_a : to_b);
        expect_intact(db, k);
        char *now = fingerprint(db);
        cr_expect(strcmp(now, a) == 0 || strcmp(now, b) == 0,
                  "kill %d (after %.3f s): the households are neither county: %s (A %s, B %s)", k, after,
                  now, a, b);
        free(now);
        free(before);
    }
    cr_expect_geq(killed, KILLS / 2, "most kills must land while the import runs (%d did)", killed);
    /* the next import and a run work */
    char *before = fingerprint(db);
    bool on_b = strcmp(before, b) == 0;
    const char *const *next = on_b ? to_a : to_b;
    cr_expect_eq(bf_test_bangfu(&r, NULL, next[0], next[1], next[2], next[3], next[4], NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *now = fingerprint(db);
    cr_expect_str_eq(now, on_b ? a : b);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    free(now);
    free(before);
    free(a);
    free(b);
    free(a_xml);
    free(b_xml);
    free(db);
}
