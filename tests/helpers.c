/* helpers.c — shared test utilities (see helpers.h); no Criterion here, so any test can use them. */
#include "helpers.h"

#include <criterion/criterion.h>
#include "bangfu.h"
#include "buf.h"
#include "params.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *bf_test_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl = bf_test_path(base && *base ? base : "/tmp", "bangfu-test-XXXXXX");
    if (tmpl && !mkdtemp(tmpl)) {
        free(tmpl);
        return NULL;
    }
    return tmpl;
}

char *bf_test_dir;

void bf_test_dir_setup(void)
{
    bf_test_dir = bf_test_tmpdir();
    cr_assert_not_null(bf_test_dir, "cannot create a temporary folder");
}

void bf_test_dir_teardown(void)
{
    bf_test_rmtree(bf_test_dir);
    free(bf_test_dir);
    bf_test_dir = NULL;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    (void)remove(path);   /* keep going: remove what can be removed */
    return 0;
}

void bf_test_rmtree(const char *path)
{
    if (path)
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *bf_test_path(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s", dir, name);
    return p;
}

char *bf_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
        if (n + 1 == cap) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    bool failed = ferror(f);
    fclose(f);
    if (!buf || failed) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int bf_test_write_file(const char *path, const char *text, size_t len)
{
    if (len == (size_t)-1)
        len = strlen(text);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t put = fwrite(text, 1, len, f);
    int rc = fclose(f);
    return put == len && rc == 0 ? 0 : -1;
}

int bf_test_copy_file(const char *from, const char *to)
{
    size_t len;
    char *text = bf_test_read_file(from, &len);
    if (!text)
        return -1;
    int rc = bf_test_write_file(to, text, len);
    free(text);
    return rc;
}

char *bf_test_households_file(const char *name, const char *before, int n,
                              bf_test_household_writer *each, void *user)
{
    char *path = bf_test_path(bf_test_dir, name);
    cr_assert_not_null(path);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fprintf(f, "<?xml version=\"1.0\"?>\n%s<households xmlns=\"urn:bangfu:households:1\">\n",
            before ? before : "");
    for (int i = 0; i < n; i++)
        each(f, i, user);
    fprintf(f, "</households>\n");
    cr_assert_eq(fclose(f), 0, "cannot write %s", path);
    return path;
}

void bf_test_member_xml(FILE *f, const char *id, const char *birth, const char *sex)
{
    fprintf(f, "<member id=\"%s\" relation=\"head\" birth=\"%s\" sex=\"%s\" labor=\"full\" "
               "employment=\"local\" school=\"none\" self_care=\"full\" disability=\"0\" "
               "disability_type=\"none\" serious_illness=\"false\" pension_insured=\"true\" "
               "medical_insured=\"true\" medical_cost=\"0\" supporter=\"true\"/>", id, birth, sex);
}

const char *bf_test_locale = BF_TEST_ENGLISH;

/* In the child: stdin from /dev/null, stdout/stderr into the capture files, the test's locale
 * (LANGUAGE cleared so that it cannot override it), then exec. */
static void child(const char *cwd, const char *const *argv, int out_fd, int err_fd, int timeout_s)
{
    if (setenv("LC_ALL", bf_test_locale, 1) != 0 || unsetenv("LANGUAGE") != 0)
        _exit(126);
    int in_fd = open("/dev/null", O_RDONLY);
    if (in_fd < 0 || dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        _exit(126);
    if (cwd && chdir(cwd) != 0) {
        fprintf(stderr, "cannot enter %s: %s\n", cwd, strerror(errno));
        _exit(126);
    }
    signal(SIGALRM, SIG_DFL);
    alarm((unsigned)timeout_s);          /* survives exec: a hung program is killed */
    execv(argv[0], (char *const *)argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* Reads back a capture file from its start. */
static char *slurp_fd(int fd)
{
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0 || lseek(fd, 0, SEEK_SET) < 0)
        return NULL;
    char *buf = malloc((size_t)size + 1);
    if (!buf)
        return NULL;
    size_t n = 0;
    while (n < (size_t)size) {
        ssize_t got = read(fd, buf + n, (size_t)size - n);
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    return buf;
}

/* An unlinked temporary file to capture one output stream. */
static int capture_file(void)
{
    const char *base = getenv("TMPDIR");
    char *path = bf_test_path(base && *base ? base : "/tmp", "bangfu-out-XXXXXX");
    int fd = path ? mkstemp(path) : -1;
    if (fd >= 0)
        unlink(path);
    free(path);
    return fd;
}

int bf_test_run_argv(bf_test_run *r, const char *cwd, const char *const *argv, int timeout_s)
{
    r->status = -1;
    r->out = r->err = NULL;
    int out_fd = capture_file(), err_fd = capture_file();
    pid_t pid = out_fd >= 0 && err_fd >= 0 ? fork() : -1;
    if (pid == 0)
        child(cwd, argv, out_fd, err_fd, timeout_s);
    int ws;
    if (pid > 0) {
        while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
            ;
        r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : -1;
    }
    r->out = out_fd >= 0 ? slurp_fd(out_fd) : NULL;
    r->err = err_fd >= 0 ? slurp_fd(err_fd) : NULL;
    if (!r->out)
        r->out = strdup("");
    if (!r->err)
        r->err = strdup("");
    if (out_fd >= 0)
        close(out_fd);
    if (err_fd >= 0)
        close(err_fd);
    return r->status;
}

/* Runs the bangfu binary with the arguments of ap (NULL-terminated) in cwd. */
static int run_bangfu(bf_test_run *r, const char *cwd, va_list ap)
{
    const char *argv[64];
    int n = 0;
    argv[n++] = BF_TEST_BANGFU;
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < 63)
        argv[n++] = a;
    argv[n] = NULL;
    return bf_test_run_argv(r, cwd, argv, 120);
}

int bf_test_bangfu(bf_test_run *r, const char *cwd, ...)
{
    va_list ap;
    va_start(ap, cwd);
    int status = run_bangfu(r, cwd, ap);
    va_end(ap);
    return status;
}

int bf_test_bangfu_in(bf_test_run *r, const char *locale, ...)
{
    const char *was = bf_test_locale;
    bf_test_locale = locale;
    va_list ap;
    va_start(ap, locale);
    int status = run_bangfu(r, NULL, ap);
    va_end(ap);
    bf_test_locale = was;
    return status;
}

void bf_test_run_free(bf_test_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

int bf_test_count_lines(const char *text)
{
    int n = 0;
    const char *p = text;
    for (; *p; p++)
        n += *p == '\n';
    return n + (p > text && p[-1] != '\n');
}

long long bf_test_count_rows(const char *db, const char *table)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    char *text = bf_test_query(db, sql);
    long long n = text ? atoll(text) : -1;
    free(text);
    return n;
}

/* Appends s to the growing buffer *buf; false when out of memory. */
static bool append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        size_t c = (*cap ? *cap : 256);
        while (*len + n + 1 > c)
            c *= 2;
        char *grown = realloc(*buf, c);
        if (!grown)
            return false;
        *buf = grown;
        *cap = c;
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
    return true;
}

bf_errors bf_test_errs = {.max = 64};

const char *bf_test_error(void)
{
    return bf_test_errs.count ? bf_test_errs.msgs[bf_test_errs.count - 1] : "";
}

char *bf_test_query(const char *db, const char *sql)
{
    sqlite3 *conn = NULL;
    sqlite3_stmt *st = NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    bool ok = sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(conn, sql, -1, &st, NULL) == SQLITE_OK &&
              append(&buf, &len, &cap, "");
    int rc = SQLITE_DONE;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; ok && i < sqlite3_column_count(st); i++) {
            const unsigned char *v = sqlite3_column_text(st, i);
            ok = (i == 0 || append(&buf, &len, &cap, "|")) &&
                 append(&buf, &len, &cap, v ? (const char *)v : "NULL");
        }
        ok = ok && append(&buf, &len, &cap, "\n");
    }
    ok = ok && rc == SQLITE_DONE;
    sqlite3_finalize(st);
    sqlite3_close(conn);
    if (!ok) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ---- Households ---- */

#define DIFF(field, fmt, a, b)                                                              \
    do {                                                                                    \
        if ((a) != (b)) {                                                                   \
            snprintf(buf, size, "%s" field ": " fmt " != " fmt, where, a, b);             \
            return buf;                                                                     \
        }                                                                                   \
    } while (0)
#define DIFF_TEXT(field, a, b)                                                              \
    do {                                                                                    \
        if (strcmp((a), (b)) != 0) {                                                        \
            snprintf(buf, size, "%s" field ": '%s' != '%s'", where, a, b);                 \
            return buf;                                                                     \
        }                                                                                   \
    } while (0)

static const char *member_diff(const bf_member *a, const bf_member *b, const char *hid, char *buf,
                               size_t size)
{
    char where[2 * BF_ID_BYTES + 40];
    snprintf(where, sizeof where, "household %s, member %s: ", hid, a->id);
    DIFF_TEXT("id", a->id, b->id);
    DIFF_TEXT("name", a->name, b->name);
    DIFF_TEXT("idnumber", a->idnumber, b->idnumber);
    DIFF("relation", "%d", (int)a->relation, (int)b->relation);
    DIFF("birth", "%d", (int)a->birth, (int)b->birth);
    DIFF("sex", "%d", (int)a->sex, (int)b->sex);
    DIFF("labor", "%d", (int)a->labor, (int)b->labor);
    DIFF("employment", "%d", (int)a->employment, (int)b->employment);
    DIFF("school", "%d", (int)a->school, (int)b->school);
    DIFF("self_care", "%d", (int)a->self_care, (int)b->self_care);
    DIFF("disability", "%d", a->disability, b->disability);
    DIFF("disability_type", "%d", (int)a->disability_type, (int)b->disability_type);
    DIFF("serious_illness", "%d", a->serious_illness, b->serious_illness);
    DIFF("pension_insured", "%d", a->pension_insured, b->pension_insured);
    DIFF("medical_insured", "%d", a->medical_insured, b->medical_insured);
    DIFF("medical_cost", "%lld", (long long)a->medical_cost, (long long)b->medical_cost);
    DIFF("supporter", "%d", a->supporter, b->supporter);
    return NULL;
}

const char *bf_test_household_diff(const bf_household *a, const bf_household *b, char *buf,
                                   size_t size)
{
    char where[BF_ID_BYTES + 20];
    snprintf(where, sizeof where, "household %s: ", a->id);
    DIFF_TEXT("id", a->id, b->id);
    DIFF_TEXT("town", a->town, b->town);
    DIFF_TEXT("village", a->village, b->village);
    DIFF("status", "%d", (int)a->status, (int)b->status);
    DIFF("monitor", "%d", (int)a->monitor, (int)b->monitor);
    DIFF_TEXT("recorded", a->recorded, b->recorded);
    DIFF("wage", "%lld", (long long)a->wage, (long long)b->wage);
    DIFF("business", "%lld", (long long)a->business, (long long)b->business);
    DIFF("property", "%lld", (long long)a->property, (long long)b->property);
    DIFF("transfer", "%lld", (long long)a->transfer, (long long)b->transfer);
    DIFF("excluded", "%lld", (long long)a->excluded, (long long)b->excluded);
    DIFF("has_previous", "%d", a->has_previous, b->has_previous);
    if (a->has_previous)
        DIFF("previous", "%lld", (long long)a->previous, (long long)b->previous);
    DIFF("deposits", "%lld", (long long)a->deposits, (long long)b->deposits);
    DIFF("vehicle", "%lld", (long long)a->vehicle, (long long)b->vehicle);
    DIFF("extra_houses", "%d", a->extra_houses, b->extra_houses);
    DIFF("medical", "%lld", (long long)a->medical, (long long)b->medical);
    DIFF("education", "%lld", (long long)a->education, (long long)b->education);
    DIFF("housing_safe", "%d", a->housing_safe, b->housing_safe);
    DIFF("water_safe", "%d", a->water_safe, b->water_safe);
    DIFF("n_members", "%d", a->n_members, b->n_members);
    for (int i = 0; i < a->n_members; i++) {
        const char *d = member_diff(&a->members[i], &b->members[i], a->id, buf, size);
        if (d)
            return d;
    }
    return NULL;
}

long long bf_test_rows_or_none(const char *db, const char *table)
{
    return access(db, F_OK) != 0 ? 0 : bf_test_count_rows(db, table);
}

bool bf_test_csv_parse(const char *text, bf_test_csv *t, bool strict)
{
    memset(t, 0, sizeof *t);
    if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3;
    const char *p = text;
    while (*p) {
        t->rows = realloc(t->rows, sizeof *t->rows * (size_t)(t->n + 1));
        t->cols = realloc(t->cols, sizeof *t->cols * (size_t)(t->n + 1));
        char **fields = NULL;
        int nf = 0;
        for (;;) {
            bf_buf f = {0};
            bf_buf_add(&f, "", 0);
            if (*p == '"') {
                for (p++;; p++) {
                    if (!*p) {
                        bf_buf_free(&f);
                        return false;
                    }
                    if (*p == '"' && p[1] == '"')
                        bf_buf_add(&f, p++, 1);
                    else if (*p == '"')
                        break;
                    else
                        bf_buf_add(&f, p, 1);
                }
                p++;
            } else {
                size_t len = strcspn(p, strict ? ",\"\r\n" : ",\r\n");
                if (p[len] == '"')
                    return false;          /* a quote inside an unquoted field */
                bf_buf_add(&f, p, len);
                p += len;
            }
            fields = realloc(fields, sizeof *fields * (size_t)(nf + 1));
            fields[nf++] = strdup(bf_buf_str(&f));
            bf_buf_free(&f);
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p == '\r' && p[1] == '\n')
                p += 2;
            else if (!strict && *p == '\n')
                p++;
            else if (*p)
                return false;              /* records end with CRLF */
            break;
        }
        t->rows[t->n] = fields;
        t->cols[t->n++] = nf;
    }
    return true;
}

void bf_test_csv_free(bf_test_csv *t)
{
    for (int i = 0; i < t->n; i++) {
        for (int j = 0; j < t->cols[i]; j++)
            free(t->rows[i][j]);
        free(t->rows[i]);
    }
    free(t->rows);
    free(t->cols);
}

char *bf_test_json_sql(const char *text, const char *sql)
{
    return bf_test_db_json_sql(":memory:", text, sql);
}

char *bf_test_db_json_sql(const char *path, const char *text, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int flags = strcmp(path, ":memory:") == 0 ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    cr_assert_eq(sqlite3_open_v2(path, &db, flags, NULL), SQLITE_OK, "%s", path);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC), SQLITE_OK);
    bf_buf b = {0};
    if (sqlite3_step(st) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const unsigned char *v = sqlite3_column_text(st, i);
            bf_buf_printf(&b, "%s%s", i ? "|" : "", v ? (const char *)v : "NULL");
        }
    sqlite3_finalize(st);
    sqlite3_close(db);
    char *out = strdup(bf_buf_str(&b));
    bf_buf_free(&b);
    return out;
}

char *bf_test_policies_with(const char *name, const char *from, const char *to)
{
    char *dir = bf_test_path(bf_test_dir, name);
    bf_test_run r;
    const char *argv[] = {"/bin/cp", "-r", BF_SOURCE_DIR "/policies", dir, NULL};
    cr_assert_eq(bf_test_run_argv(&r, NULL, argv, 60), 0, "%s", r.err);
    bf_test_run_free(&r);
    char *params = bf_test_path(dir, "params.xml");
    char *text = bf_test_read_file(params, NULL);
    cr_assert_not_null(text);
    char *at = strstr(text, from);
    cr_assert(at && !strstr(at + 1, from), "'%s' is not once in params.xml", from);
    size_t head = (size_t)(at - text), flen = strlen(from), tlen = strlen(to);
    char *out = malloc(strlen(text) - flen + tlen + 1);
    cr_assert_not_null(out);
    memcpy(out, text, head);
    memcpy(out + head, to, tlen);
    strcpy(out + head + tlen, at + flen);
    cr_assert_eq(bf_test_write_file(params, out, (size_t)-1), 0);
    free(out);
    free(text);
    free(params);
    return dir;
}

char *bf_test_county(const char *name, const char *households, const char *seed)
{
    char *db = bf_test_path(bf_test_dir, name);
    cr_assert_not_null(db);
    bf_test_run r;
    if (!households)
        cr_assert_eq(bf_test_bangfu(&r, NULL, "import", BF_SOURCE_DIR "/samples/households.xml",
                                    "--db", db, NULL), 0, "%s", r.err);
    else if (seed)
        cr_assert_eq(bf_test_bangfu(&r, NULL, "gen", "--households", households, "--seed", seed,
                                    "--db", db, NULL), 0, "%s", r.err);
    else
        cr_assert_eq(bf_test_bangfu(&r, NULL, "gen", "--households", households, "--db", db, NULL),
                     0, "%s", r.err);
    bf_test_run_free(&r);
    return db;
}

/* ---- Sandboxes ---- */

void bf_test_sandbox_open(const char *lib_dir, const char *prefix, bf_sandbox **sb, bf_watchdog **wd)
{
    bf_sandbox_config cfg = {.max_memory = 32u * 1024 * 1024, .max_instructions = 1000000,
                             .lib_dir = lib_dir, .lib_chunk_prefix = prefix};
    bf_errors errs;
    bf_errors_init(&errs, 5);
    cr_assert_eq(bf__sandbox_new(&cfg, sb, &errs), BF_OK, "%s", bf_errors_first(&errs));
    bf_errors_free(&errs);
    cr_assert_eq(bf__watchdog_start(sb, 1, wd), BF_OK);
}

void bf_test_sandbox_close(bf_sandbox *sb, bf_watchdog *wd)
{
    bf__watchdog_stop(wd);
    bf__sandbox_free(sb);
}

/* ---- The generator ---- */

const bf_gen_county *bf_test_gen_county(void)
{
    static bf_gen_county county;
    static bf_areas *areas;
    if (areas)
        return &county;
    bf_errors errs;
    bf_errors_init(&errs, 5);
    bf_params *params = NULL;
    bf_param_set set = {0};
    cr_assert_eq(bf_areas_load_dir(BF_SOURCE_DIR "/policies", &areas, &errs), BF_OK, "%s",
                 errs.count ? errs.msgs[0] : "");
    cr_assert_eq(bf_params_load(BF_SOURCE_DIR "/policies/params.xml", &params, &errs), BF_OK);
    cr_assert_eq(bf_params_resolve(params, BF_GEN_DATE, NULL, 0, &set, &errs), BF_OK);
    int k = bf_params_index(params, "dibao.standard");
    cr_assert(k >= 0 && set.in_force[k]);
    county = (bf_gen_county){areas, set.value[k]};
    bf_param_set_free(&set);
    bf_params_free(params);
    bf_errors_free(&errs);
    return &county;
}

/* ---- An engine on a test policy folder ---- */

void bf_test_engine_open(bf_test_engine *f, bf_engine_config cfg, const char *date)
{
    memset(f, 0, sizeof *f);
    bf_errors_init(&f->errs, 20);
    char path[512];
    snprintf(path, sizeof path, "%s/params.xml", cfg.policies_dir);
    cr_assert_eq(bf_params_load(path, &f->params, &f->errs), BF_OK, "%s",
                 f->errs.count ? f->errs.msgs[0] : "");
    bf_date d;
    cr_assert_eq(bf_date_parse(date, &d), BF_OK);
    cr_assert_eq(bf_params_resolve(f->params, d, NULL, 0, &f->set, &f->errs), BF_OK);
    cfg.params = f->params;
    cfg.sets = &f->set;
    cfg.n_sets = 1;
    cfg.date = d;
    cr_assert_eq(bf_engine_open(&cfg, &f->engine, &f->errs), BF_OK, "%s",
                 f->errs.count ? f->errs.msgs[0] : "?");
}

const bf_decision *bf_test_decision_of(const bf_engine *e, const bf_result *r, const char *id,
                                       int member)
{
    int n;
    const bf_policy *pol = bf_engine_policies(e, &n);
    for (int i = 0; i < r->n; i++)
        if (strcmp(pol[r->d[i].policy].id, id) == 0 && r->d[i].member == member)
            return &r->d[i];
    cr_assert_fail("no decision of %s for member %d", id, member);
    return NULL;
}

void bf_test_household(bf_household *h, const char *id, const char *const *births, int n)
{
    memset(h, 0, sizeof *h);
    bf_household_reset(h);
    snprintf(h->id, sizeof h->id, "%s", id);
    strcpy(h->town, "乳城镇");
    strcpy(h->village, "中心村");
    for (int i = 0; i < n; i++) {
        bf_member *m = bf_household_add_member(h);
        cr_assert_not_null(m, "household %s: no room for member %d", id, i + 1);
        snprintf(m->id, sizeof m->id, "%s-%d", id, i + 1);
        cr_assert_eq(bf_date_parse(births[i], &m->birth), BF_OK, "%s is not a date", births[i]);
    }
}

void bf_test_engine_close(bf_test_engine *f)
{
    bf_engine_close(f->engine);
    bf_param_set_free(&f->set);
    bf_params_free(f->params);
    bf_errors_free(&f->errs);
}
