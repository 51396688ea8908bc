/* test_reliability.c — the database in the hard cases (issue 11): a read-only file and folder,
 * an empty file, an empty name, another process holding the write lock, a run whose process
 * dies, and hostile policy scripts that must still end. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bangfu.h"
#include "helpers.h"

static void setup(void)
{
    bf_test_dir_setup();
}

TestSuite(reliability, .init = setup, .fini = bf_test_dir_teardown, .timeout = 180);

/* Runs bangfu as the user nobody (uid 65534) through util-linux's setpriv: only root can, and
 * only a user other than root meets file permissions at all. */
static int bangfu_as_nobody(bf_test_run *r, ...) __attribute__((sentinel));
static int bangfu_as_nobody(bf_test_run *r, ...)
{
    const char *argv[16] = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            BF_TEST_BANGFU};
    int n = 5;
    va_list ap;
    va_start(ap, r);
    for (const char *a; n < 15 && (a = va_arg(ap, const char *));)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return bf_test_run_argv(r, NULL, argv, 120);
}

Test(reliability, reading_commands_work_on_a_read_only_database_in_a_read_only_folder)
{
    if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0)
        cr_skip_test("needs root and setpriv to run bangfu as another user");
    char *dir = bf_test_path(bf_test_dir, "ro");
    cr_assert_eq(mkdir(dir, 0755), 0);
    char *db = bf_test_path(dir, "h.db");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "import", BF_SOURCE_DIR "/samples/households.xml", "--db",
                                db, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    /* nobody must reach the folder: open the test folder's path for reading and traversal */
    cr_assert_eq(chmod(bf_test_dir, 0755), 0);
    cr_assert_eq(chmod(db, 0444), 0);
    cr_assert_eq(chmod(dir, 0555), 0);
    struct stat before;
    cr_assert_eq(stat(db, &before), 0);

    int rc = bangfu_as_nobody(&r, "check", "S01", "--db", db, NULL);
    if (rc == 126 || rc == 127 || strstr(r.err, "Permission denied"))
        cr_skip_test("user nobody cannot run the build's bangfu here: %s", r.err);
    cr_expect_eq(rc, 0, "check: %s", r.err);
    cr_expect(strstr(r.out, "S01") && strstr(r.out, "temporary_aid"), "%s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bangfu_as_nobody(&r, "review", "--db", db, NULL), 0, "review: %s", r.err);
    cr_expect(strstr(r.out, "recorded_not_eligible"), "%s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bangfu_as_nobody(&r, "export", "--format", "csv", "--db", db, NULL), 0, "export: %s", r.err);
    cr_expect(strstr(r.out, "S01"), "export wrote the decisions");
    bf_test_run_free(&r);
    cr_expect_eq(bangfu_as_nobody(&r, "simulate", "--set", "dibao.standard=640", "--db", db, NULL), 0,
                 "simulate: %s", r.err);
    cr_expect(strstr(r.out, "dibao.standard"), "%s", r.out);
    bf_test_run_free(&r);
    /* a command that writes says why it cannot */
    cr_expect_eq(bangfu_as_nobody(&r, "run", "--db", db, NULL), 2);
    cr_expect(strstr(r.err, "h.db"), "%s", r.err);
    bf_test_run_free(&r);

    struct stat after;
    cr_assert_eq(stat(db, &after), 0);
    cr_expect_eq(after.st_size, before.st_size, "the database was not written");
    cr_expect_eq(after.st_mtime, before.st_mtime, "the database was not written");
    chmod(dir, 0755);
    free(db);
    free(dir);
}

Test(reliability, an_empty_file_or_an_empty_name_is_not_a_database)
{
    char *empty = bf_test_path(bf_test_dir, "empty.db");
    cr_assert_eq(bf_test_write_file(empty, "", 0), 0);
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "run", "--db", empty, NULL), 2);
    cr_expect(strstr(r.err, "the file is empty, not a bangfu database"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "check", "S01", "--db", empty, NULL), 2);
    cr_expect(strstr(r.err, "the file is empty"), "%s", r.err);
    bf_test_run_free(&r);
    struct stat st;
    cr_assert_eq(stat(empty, &st), 0);
    cr_expect_eq(st.st_size, 0, "nothing was written into the empty file");
    /* import may make a database of an empty file: that is what creating one is */
    cr_expect_eq(bf_test_bangfu(&r, NULL, "import", BF_SOURCE_DIR "/samples/households.xml", "--db",
                                "", NULL), 2);
    cr_expect(strstr(r.err, "the database name is empty"), "%s", r.err);
    bf_test_run_free(&r);
    free(empty);
}

Test(reliability, a_writer_waits_for_another_writers_lock_and_says_why_it_gave_up)
{
    char *db = bf_test_county("h.db", NULL, NULL);
    sqlite3 *holder;
    cr_assert_eq(sqlite3_open(db, &holder), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    setenv("BANGFU_LOCK_WAIT", "2", 1);
    bf_test_run r;
    int rc = bf_test_bangfu(&r, NULL, "import", "--replace", BF_SOURCE_DIR "/samples/households.xml",
                            "--db", db, NULL);
    unsetenv("BANGFU_LOCK_WAIT");
    cr_expect_neq(rc, 0);
    cr_expect(strstr(r.err, "another bangfu process (an import or a run) is writing"), "%s", r.err);
    cr_expect(strstr(r.err, "kept the database locked for more than 2 seconds"), "%s", r.err);
    bf_test_run_free(&r);
    cr_assert_eq(sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(holder);
    /* with the lock gone the same import goes through */
    cr_expect_eq(bf_test_bangfu(&r, NULL, "import", "--replace", BF_SOURCE_DIR "/samples/households.xml",
                                "--db", db, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    free(db);
}

/* A run killed outright (SIGKILL) is shown as abandoned, never as running or completed. */
Test(reliability, a_killed_run_is_abandoned)
{
    char *db = bf_test_county("h.db", "20000", NULL);
    char *out = bf_test_path(bf_test_dir, "run.out");
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        freopen(out, "w", stdout);
        freopen("/dev/null", "w", stderr);
        execl(BF_TEST_BANGFU, "bangfu", "run", "--jobs", "1", "--db", db, (char *)NULL);
        _exit(127);
    }
    /* kill it as soon as its run row exists (and before it can finish 20,000 households) */
    char *status = NULL;
    for (int i = 0; i < 3000; i++) {
        free(status);
        status = bf_test_query(db, "SELECT status FROM runs");
        if (status && *status)
            break;
        usleep(2000);
    }
    kill(pid, SIGKILL);
    int ws;
    waitpid(pid, &ws, 0);
    cr_assert(status && strcmp(status, "running\n") == 0, "the run row while it ran: %s",
              status ? status : "(none)");
    free(status);
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "review", "--db", db, "--run", "1", NULL), 2);
    cr_expect(strstr(r.err, "run 1 is abandoned"), "%s", r.err);
    bf_test_run_free(&r);
    free(out);
    free(db);
}

/* Issue 11, item 4: a run overlapping an import never stores a mixed snapshot. The import
 * replaces every household (another seed, the same ids) while the run reads them. */
Test(reliability, a_run_overlapping_an_import_keeps_no_mixed_decisions)
{
    char *db = bf_test_county("h.db", "20000", NULL);
    char *other = bf_test_path(bf_test_dir, "other.xml");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "gen", "--households", "20000", "--seed", "7", "--out",
                                other, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *out = bf_test_path(bf_test_dir, "run.err");
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen(out, "w", stderr);
        execl(BF_TEST_BANGFU, "bangfu", "run", "--jobs", "1", "--db", db, (char *)NULL);
        _exit(127);
    }
    char *status = NULL;
    for (int i = 0; i < 3000 && !(status && *status); i++) {
        free(status);
        status = bf_test_query(db, "SELECT status FROM runs");
        usleep(2000);
    }
    free(status);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "import", "--replace", other, "--db", db, NULL), 0, "%s",
                 r.err);
    bf_test_run_free(&r);
    int ws;
    waitpid(pid, &ws, 0);
    char *err = bf_test_read_file(out, NULL);
    char *row = bf_test_query(db, "SELECT status, (SELECT count(*) FROM decisions WHERE run_id = 1) "
                                  "FROM runs WHERE id = 1");
    cr_assert_not_null(row);
    /* the import committed while the run read (it started as soon as the run row existed and
     * takes far less than the run's 20,000 evaluations on one thread) */
    cr_expect_str_eq(row, "failed|0\n", "run 1: %s; stderr: %s", row, err ? err : "");
    cr_expect(err && strstr(err, "households were imported while run 1 was reading them"), "%s",
              err ? err : "");
    cr_expect_neq(WEXITSTATUS(ws), 0);
    free(row);
    free(err);
    /* run again: it reads the new county only, completely */
    cr_expect_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    row = bf_test_query(db, "SELECT status, households FROM runs WHERE id = 2");
    cr_expect_str_eq(row, "completed|20000\n");
    free(row);
    free(out);
    free(other);
    free(db);
}

/* Issue 11, item 5: a policy giving every member the largest amount a decision may carry (10^13
 * yuan = 10^15 fen) on a county of 3,000 generated households (9,707 members): past 9,223 such
 * decisions the sum passes INT64_MAX fen. The run fails naming the policy; it prints no total
 * and stores none as completed. */
Test(reliability, a_total_past_what_int64_fen_hold_fails_the_run)
{
    char *db = bf_test_county("h.db", "3000", NULL);
    char *dir = bf_test_path(bf_test_dir, "pol");
    cr_assert_eq(mkdir(dir, 0755), 0);
    char *params = bf_test_path(dir, "params.xml"), *huge = bf_test_path(dir, "huge.lua");
    cr_assert_eq(bf_test_copy_file(BF_TEST_DATA "/policies/faults/params.xml", params), 0);
    cr_assert_eq(bf_test_write_file(huge,
        "return { id = \"huge\", title = \"巨额\", scope = \"member\",\n"
        "  evaluate = function(m, h, p, ctx)\n"
        "    return { eligible = true, amount = 1e13, reasons = { \"一万亿元\" } }\n"
        "  end }\n", (size_t)-1), 0);
    cr_assert_gt(bf_test_count_rows(db, "members"), 9223, "enough decisions to overflow");
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "run", "--policies", dir, "--db", db, NULL), 2, "%s", r.out);
    cr_expect(strstr(r.err, "the yearly amounts of policy huge add up to more than "
                            "92233720368547758.07 yuan, the most bangfu can count"), "%s", r.err);
    cr_expect(strstr(r.out, "status: failed"), "%s", r.out);
    cr_expect(strstr(r.out, "                    —        0  巨额") && !strstr(r.out, " -9"),
              "no total, not a wrapped-around one: %s", r.out);
    bf_test_run_free(&r);
    char *status = bf_test_query(db, "SELECT status FROM runs");
    cr_expect_str_eq(status, "failed\n");
    free(status);
    /* simulate adds the same amounts (each side) and fails the same way, printing no total */
    cr_expect_eq(bf_test_bangfu(&r, NULL, "simulate", "--policies", dir, "--db", db, "--set",
                                "base.amount=150", NULL), 2, "%s", r.out);
    cr_expect(strstr(r.err, "the yearly amounts of policy huge add up to more than "
                            "92233720368547758.07 yuan, the most bangfu can count"), "%s", r.err);
    cr_expect_eq(r.out[0], '\0', "no report of a simulation whose totals do not fit: %s", r.out);
    bf_test_run_free(&r);
    free(params);
    free(huge);
    free(dir);
    free(db);
}

/* Issue 11, item 9: run refuses --set, so its --help does not offer it; check's does. */
Test(reliability, only_commands_that_take_set_list_it)
{
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "run", "--help", NULL), 0);
    cr_expect(!strstr(r.out, "--set"), "%s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "check", "--help", NULL), 0);
    cr_expect(strstr(r.out, "  --set NAME=VALUE   use VALUE for a parameter in this command only"), "%s", r.out);
    bf_test_run_free(&r);
}

/* Issue 11, item 9: a --baseline-run past what a run id can be is refused, not clamped. */
Test(reliability, a_huge_baseline_run_is_refused)
{
    char *db = bf_test_county("h.db", NULL, NULL);
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu(&r, NULL, "simulate", "--set", "dibao.standard=600", "--baseline-run",
                                "99999999999999999999999", "--db", db, NULL), 2);
    cr_expect(strstr(r.err, "--baseline-run takes a run id"), "%s", r.err);
    bf_test_run_free(&r);
    free(db);
}

/* Issue 11, item 9: a household id (CSV allows any text) and a script's error message carrying
 * terminal escapes are printed with the escapes visible, never raw. */
Test(reliability, escapes_in_ids_and_script_errors_are_printed_visible)
{
    char *dir = bf_test_path(bf_test_dir, "pol");
    cr_assert_eq(mkdir(dir, 0755), 0);
    char *params = bf_test_path(dir, "params.xml"), *esc = bf_test_path(dir, "esc.lua");
    char *areas = bf_test_path(dir, "areas.xml");
    cr_assert_eq(bf_test_copy_file(BF_TEST_DATA "/policies/faults/params.xml", params), 0);
    cr_assert_eq(bf_test_copy_file(BF_SOURCE_DIR "/policies/areas.xml", areas), 0);
    cr_assert_eq(bf_test_write_file(esc,
        "return { id = \"esc\", title = \"转义\", scope = \"household\",\n"
        "  evaluate = function(h, p, ctx) error(\"bad\\27[2J\\27]0;title\\7 text\") end }\n",
        (size_t)-1), 0);
    char *hh = bf_test_path(bf_test_dir, "h.csv"), *mm = bf_test_path(bf_test_dir, "m.csv");
    cr_assert_eq(bf_test_write_file(hh,
        "id,town,village,status,monitor,recorded,wage,business,property,transfer,excluded,previous,"
        "deposits,vehicle,extra_houses,medical,education,housing_safe,water_safe\n"
        "E\033[2JX,乳城镇,侯公渡村,none,none,,0,0,0,0,0,,0,0,0,0,0,true,true\n", (size_t)-1), 0);
    cr_assert_eq(bf_test_write_file(mm,
        "household,id,name,idnumber,relation,birth,sex,labor,employment,school,self_care,disability,"
        "disability_type,serious_illness,pension_insured,medical_insured,medical_cost,supporter\n"
        "E\033[2JX,E-1,,,head,1978-05-20,M,full,local,none,full,0,none,false,true,true,0,false\n",
        (size_t)-1), 0);
    char *db = bf_test_path(bf_test_dir, "e.db");
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "import", hh, mm, "--db", db, "--policies", dir, NULL), 0,
                 "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "check", "E\033[2JX", "--db", db, "--policies", dir, NULL), 1);
    cr_expect(strstr(r.out, "household E\\x1b[2JX ("), "%s", r.out);
    cr_expect(strstr(r.out, "esc.lua:2: bad\\x1b[2J\\x1b]0;title\\x07 text"), "%s", r.out);
    cr_expect(!strchr(r.out, 0x1b) && !strchr(r.out, 0x07), "no raw escape: %s", r.out);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, "--policies", dir, NULL), 1);
    cr_expect(strstr(r.err, "household E\\x1b[2JX: ") && strstr(r.err, "bad\\x1b[2J"), "%s", r.err);
    cr_expect(!strchr(r.err, 0x1b) && !strchr(r.err, 0x07), "no raw escape: %s", r.err);
    bf_test_run_free(&r);
    free(db); free(hh); free(mm); free(areas); free(esc); free(params); free(dir);
}

/* Issue 11, item 9: an export killed with SIGKILL leaves out.csv.tmp-XXXXXX; the next export to
 * out.csv removes it, but not a temporary file another live export still writes (it holds the
 * file's lock). */
Test(reliability, the_next_export_removes_a_killed_exports_temporary_file)
{
    char *db = bf_test_county("h.db", NULL, NULL);
    bf_test_run r;
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", db, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *out = bf_test_path(bf_test_dir, "out.csv");
    char *stale = bf_test_path(bf_test_dir, "out.csv.tmp-AbC123");
    char *live = bf_test_path(bf_test_dir, "out.csv.tmp-LiVe99");
    char *other = bf_test_path(bf_test_dir, "other.csv.tmp-XyZ789");
    cr_assert_eq(bf_test_write_file(stale, "half a file", (size_t)-1), 0);
    cr_assert_eq(bf_test_write_file(live, "being written", (size_t)-1), 0);
    cr_assert_eq(bf_test_write_file(other, "not ours", (size_t)-1), 0);
    int fd = open(live, O_RDWR);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    cr_assert_eq(fcntl(fd, F_OFD_SETLK, &fl), 0);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "export", "--format", "csv", "--db", db, "--out", out, NULL),
                 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(access(stale, F_OK), -1, "the killed export's file is gone");
    cr_expect_eq(access(live, F_OK), 0, "a live writer's file stays");
    cr_expect_eq(access(other, F_OK), 0, "another file's temporary stays");
    cr_expect_eq(access(out, F_OK), 0);
    close(fd);
    free(out); free(stale); free(live); free(other); free(db);
}

/* Runs bangfu with argv under a file size limit of `bytes` (SIGXFSZ ignored, so a write past it
 * fails with EFBIG as on a full disk); returns its exit status, stderr in r. */
static int bangfu_with_file_limit(bf_test_run *r, rlim_t bytes, const char *const *args)
{
    const char *argv[12] = {BF_TEST_BANGFU};
    for (int i = 0; args[i] && i < 10; i++)
        argv[i + 1] = args[i];
    struct rlimit old, lim = {bytes, bytes};
    getrlimit(RLIMIT_FSIZE, &old);
    lim.rlim_max = old.rlim_max;
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN);    /* ignored signals stay ignored across exec */
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    int rc = bf_test_run_argv(r, NULL, argv, 120);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, was);
    return rc;
}

/* Issue 11, item 9: gen on a full disk (a 2 MB file size limit; /dev/full) says what happened
 * and that nothing was kept, and leaves no database or file behind. */
Test(reliability, gen_on_a_full_disk_says_so_and_keeps_nothing)
{
    char *db = bf_test_path(bf_test_dir, "full.db");
    const char *args[] = {"gen", "--households", "20000", "--db", db, NULL};
    bf_test_run r;
    cr_expect_neq(bangfu_with_file_limit(&r, 2u << 20, args), 0);
    cr_expect(strstr(r.err, "the database could not grow") &&
              strstr(r.err, "the disk is full, or a limit on file size or disk quota was reached"),
              "%s", r.err);
    cr_expect(strstr(r.err, "nothing was kept: the new database"), "%s", r.err);
    cr_expect(!strstr(r.err, "may remain"), "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(access(db, F_OK), -1, "no database is left");
    cr_expect_eq(bf_test_bangfu(&r, NULL, "gen", "--households", "10", "--out", "/dev/full", NULL), 2);
    cr_expect(strstr(r.err, "/dev/full: write failed: No space left on device"), "%s", r.err);
    bf_test_run_free(&r);
    /* the partial file is removed only when it is a file: unlinking /dev/full as root removed the
     * device; and an export renames nothing over a device */
    char *county = bf_test_county("c.db", NULL, NULL);
    cr_assert_eq(bf_test_bangfu(&r, NULL, "run", "--db", county, NULL), 0, "%s", r.err);
    bf_test_run_free(&r);
    cr_expect_eq(bf_test_bangfu(&r, NULL, "export", "--db", county, "--format", "csv", "--out",
                                "/dev/full", NULL), 2);
    cr_expect(strstr(r.err, "No space left on device"), "%s", r.err);
    bf_test_run_free(&r);
    struct stat st;
    cr_expect(stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode), "/dev/full is still the device");
    free(county);
    free(db);
}

/* Issue 11: the sandbox's stops (instruction budget, string.rep's limit) speak the user's
 * language, with the script line. */
Test(reliability, sandbox_stops_are_translated)
{
    char *db = bf_test_county("h.db", NULL, NULL);
    bf_test_run r;
    cr_expect_eq(bf_test_bangfu_in(&r, BF_TEST_CHINESE, "check", "S01", "--db", db, "--policies",
                                   BF_TEST_DATA "/policies/faults", "--only", "loops,bigrep", NULL), 1);
    cr_expect(strstr(r.out, "faults/loops.lua:4: 超出指令预算（10000000 条指令）"), "%s", r.out);
    cr_expect(strstr(r.out, "faults/bigrep.lua:5: string.rep 将生成超过 1048576 字节的文本（重复 2000000 次）"),
              "%s", r.out);
    bf_test_run_free(&r);
    free(db);
}
