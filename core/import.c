/* import.c — household files into the store: stream, validate, check ids, one transaction. */
#include "import.h"
#include "bangfu.h"
#include "progress.h"
#include "xmlio.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Ids seen so far in this import, with where they were (file index, line), so a duplicate can
 * say where the first one is. TEMP tables keep memory flat on a million households. */
static const char temp_schema[] =
    "CREATE TEMP TABLE import_households(id TEXT PRIMARY KEY, file INTEGER NOT NULL,"
    " line INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TEMP TABLE import_members(id TEXT PRIMARY KEY, household_id TEXT NOT NULL,"
    " file INTEGER NOT NULL, line INTEGER NOT NULL) WITHOUT ROWID;";
static const char temp_drop[] =
    "DROP TABLE IF EXISTS temp.import_households; DROP TABLE IF EXISTS temp.import_members;";

enum { Q_ADD_HOUSEHOLD, Q_FIRST_HOUSEHOLD, Q_ADD_MEMBER, Q_FIRST_MEMBER, Q__N };

static const char *const query_sql[Q__N] = {
    [Q_ADD_HOUSEHOLD] = "INSERT INTO temp.import_households(id, file, line) VALUES (?1, ?2, ?3)"
                        " ON CONFLICT DO NOTHING",
    [Q_FIRST_HOUSEHOLD] = "SELECT file, line FROM temp.import_households WHERE id = ?1",
    [Q_ADD_MEMBER] = "INSERT INTO temp.import_members(id, household_id, file, line)"
                     " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
    [Q_FIRST_MEMBER] = "SELECT file, line, household_id FROM temp.import_members WHERE id = ?1",
};

typedef struct importer {
    bf_store *s;
    sqlite3 *db;
    const bf_import_options *opt;
    const char *const *files;
    bf_errors *errs;
    bf_import_stats *stats;
    sqlite3_stmt *q[Q__N];
    int file;                /* index of the file being read */
    int rc;                  /* first fatal error (store, memory); BF_OK while none */
    bool unreadable;         /* a file could not be opened (reported; the others are checked) */
    bool store_empty;        /* no household stored before: the TEMP tables see every id */
    bf_progress progress;
    int64_t bytes_done;      /* bytes of the files already finished */
} importer;

/* Adds "file:line: household H[, member M]: message" (the format of bf_household_validate). */
static void __attribute__((format(printf, 4, 5)))
record_error(importer *im, const bf_household *h, const bf_member *m, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = m && m->line ? m->line : h->line;
    if (m)
        bf_errors_add(im->errs, "%s:%d: household %s, member %s: %s", im->files[im->file], line,
                      h->id, m->id, msg);
    else
        bf_errors_add(im->errs, "%s:%d: household %s: %s", im->files[im->file], line, h->id, msg);
}

/* A store failure stops the import. */
static int store_failed(importer *im, const char *what)
{
    bf_errors_add(im->errs, "%s: %s: %s", bf_store_path(im->s), what, sqlite3_errmsg(im->db));
    if (im->rc == BF_OK)
        im->rc = BF_ESTORE;
    return BF_ESTORE;
}

/* Records id with its place; *first is false when the id was already recorded. */
static int add_id(importer *im, int q, const char *id, const char *household, int line,
                  bool *first)
{
    sqlite3_stmt *st = im->q[q];
    sqlite3_reset(st);
    int rc = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int col = 2;
    if (household)
        rc |= sqlite3_bind_text(st, col++, household, -1, SQLITE_STATIC);
    rc |= sqlite3_bind_int(st, col++, im->file);
    rc |= sqlite3_bind_int(st, col, line);
    if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
        sqlite3_reset(st);
        return store_failed(im, "recording imported ids");
    }
    sqlite3_reset(st);
    *first = sqlite3_changes(im->db) > 0;
    return BF_OK;
}

/* Where an id was first seen in this import: "file:line" (and its household for members). */
static int first_place(importer *im, int q, const char *id, char *where, size_t size,
                       char *household, size_t hsize)
{
    sqlite3_stmt *st = im->q[q];
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        return store_failed(im, "looking up imported ids");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int file = sqlite3_column_int(st, 0);
        snprintf(where, size, "%s:%d", im->files[file], sqlite3_column_int(st, 1));
        if (household) {
            const unsigned char *hid = sqlite3_column_text(st, 2);
            snprintf(household, hsize, "%s", hid ? (const char *)hid : "");
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return store_failed(im, "looking up imported ids");
    return BF_OK;
}

/* Household id: unique within the import; already stored is an error unless --replace, which
 * deletes the stored one (with its members) first. Returns the number of errors added. */
static int check_household_id(importer *im, const bf_household *h, bool *stored_conflict)
{
    *stored_conflict = false;
    bool first;
    if (add_id(im, Q_ADD_HOUSEHOLD, h->id, NULL, h->line, &first) != BF_OK)
        return 0;
    if (!first) {
        char where[600] = "";
        if (first_place(im, Q_FIRST_HOUSEHOLD, h->id, where, sizeof where, NULL, 0) == BF_OK)
            record_error(im, h, NULL, "duplicate household id (first at %s)", where);
        return 1;
    }
    bool exists = false;
    if (!im->store_empty && bf_store_household_exists(im->s, h->id, &exists) != BF_OK) {
        store_failed(im, "looking up a household");
        return 0;
    }
    if (!exists)
        return 0;
    if (!im->opt->replace) {
        record_error(im, h, NULL, "household id is already in the database %s "
                     "(use --replace to replace it)", bf_store_path(im->s));
        *stored_conflict = true;
        return 1;
    }
    if (bf_store_delete_household(im->s, h->id) != BF_OK) {
        store_failed(im, "deleting a household to replace it");
        return 0;
    }
    im->stats->replaced++;
    return 0;
}

/* Member ids: unique across the import and the store. Returns the number of errors added. */
static int check_member_ids(importer *im, const bf_household *h, bool check_store)
{
    int n = 0;
    for (int i = 0; i < h->n_members && im->rc == BF_OK; i++) {
        const bf_member *m = &h->members[i];
        bool first;
        if (!m->id[0] || add_id(im, Q_ADD_MEMBER, m->id, h->id, m->line, &first) != BF_OK)
            continue;
        if (!first) {
            char where[600] = "", other[BF_ID_BYTES] = "";
            if (first_place(im, Q_FIRST_MEMBER, m->id, where, sizeof where, other,
                            sizeof other) != BF_OK)
                continue;
            if (strcmp(other, h->id) != 0) {     /* inside one household the validator says it */
                record_error(im, h, m, "duplicate member id (also in household %s at %s)",
                             other, where);
                n++;
            }
            continue;
        }
        bool exists;
        if (!check_store || im->store_empty)
            continue;
        if (bf_store_member_exists(im->s, m->id, &exists) != BF_OK) {
            store_failed(im, "looking up a member");
            continue;
        }
        if (exists) {
            record_error(im, h, m, "member id is already in the database %s (in another "
                         "household)", bf_store_path(im->s));
            n++;
        }
    }
    return n;
}

/* One household from the reader. clean is false when the reader already reported errors. */
static void take(importer *im, const bf_household *h, bool clean)
{
    if (!clean) {               /* remember its id, so a later duplicate is still caught */
        bool first;
        if (h->id[0])
            add_id(im, Q_ADD_HOUSEHOLD, h->id, NULL, h->line, &first);
        return;
    }
    int errors = bf_household_validate(h, im->files[im->file], im->opt->today, im->errs);
    bool stored_conflict;
    errors += check_household_id(im, h, &stored_conflict);
    errors += check_member_ids(im, h, !stored_conflict);
    /* After the first error nothing will be committed: keep checking, stop inserting. */
    if (errors || bf_errors_total(im->errs) > 0 || im->rc != BF_OK)
        return;
    if (bf_store_insert_household(im->s, h) != BF_OK) {
        bf_errors_add(im->errs, "%s", bf_store_errmsg(im->s));
        im->rc = BF_ESTORE;
        return;
    }
    im->stats->households++;
    im->stats->members += h->n_members;
}

/* Streams one file through take(). */
static void import_file(importer *im, bf_household *h)
{
    bf_xml_reader *r;
    int rc = bf_xml_reader_open(im->files[im->file], im->errs, &r);
    if (rc != BF_OK) {
        if (rc == BF_EIO)
            im->unreadable = true;
        else if (rc != BF_EINPUT && im->rc == BF_OK)   /* bad input: check the other files */
            im->rc = rc;
        return;
    }
    int64_t count = 0, done = 0, total = 0;
    bool got, clean;
    while (im->rc == BF_OK && bf_xml_reader_next(r, h, &got, &clean) == BF_OK && got) {
        take(im, h, clean);
        if (++count % 512 == 0) {
            bf_xml_reader_progress(r, &done, &total);
            bf_progress_update(&im->progress, (im->bytes_done + done) / 1024);
        }
    }
    bf_xml_reader_progress(r, &done, &total);
    im->bytes_done += total;
    bf_progress_update(&im->progress, im->bytes_done / 1024);
    bf_xml_reader_close(r);
}

static int prepare(importer *im)
{
    char *msg = NULL;
    if (sqlite3_exec(im->db, temp_drop, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(im->db, temp_schema, NULL, NULL, &msg) != SQLITE_OK) {
        bf_errors_add(im->errs, "%s: creating the import tables: %s", bf_store_path(im->s),
                      msg ? msg : sqlite3_errmsg(im->db));
        sqlite3_free(msg);
        return BF_ESTORE;
    }
    for (int i = 0; i < Q__N; i++)
        if (sqlite3_prepare_v2(im->db, query_sql[i], -1, &im->q[i], NULL) != SQLITE_OK)
            return store_failed(im, "preparing the import queries");
    return BF_OK;
}

static void finish(importer *im)
{
    for (int i = 0; i < Q__N; i++)
        sqlite3_finalize(im->q[i]);
    sqlite3_exec(im->db, temp_drop, NULL, NULL, NULL);   /* best effort: temp goes at close */
}

/* Sums the file sizes for the progress bar (unreadable files are reported when opened). */
static int64_t total_bytes(const char *const *files, int nfiles)
{
    int64_t total = 0;
    for (int i = 0; i < nfiles; i++) {
        FILE *f = fopen(files[i], "rb");
        if (!f)
            continue;
        if (fseeko(f, 0, SEEK_END) == 0) {
            off_t size = ftello(f);
            if (size > 0)
                total += size;
        }
        fclose(f);
    }
    return total;
}

int bf_import_files(bf_store *s, const char *const *files, int nfiles,
                    const bf_import_options *opt, bf_import_stats *stats, bf_errors *errs)
{
    memset(stats, 0, sizeof *stats);
    importer im = {.s = s, .db = bf_store_db(s), .opt = opt, .files = files, .errs = errs,
                   .stats = stats, .rc = BF_OK};
    int64_t stored_households = 0, stored_members = 0;
    int rc = prepare(&im);
    if (rc == BF_OK && bf_store_begin(s) != BF_OK) {
        bf_errors_add(errs, "%s", bf_store_errmsg(s));
        rc = BF_ESTORE;
    }
    if (rc == BF_OK && bf_store_count(s, &stored_households, &stored_members) != BF_OK) {
        bf_errors_add(errs, "%s", bf_store_errmsg(s));
        bf_store_rollback(s);
        rc = BF_ESTORE;
    }
    if (rc != BF_OK) {
        finish(&im);
        return rc;
    }
    /* counted inside the transaction, so no other writer can add households meanwhile */
    im.store_empty = stored_households == 0 && stored_members == 0;
    /* in kB of XML read: the number of households is not known before the end */
    int64_t kb = opt->progress ? total_bytes(files, nfiles) / 1024 : 0;
    bf_progress_start(&im.progress, "import kB", kb, opt->progress ? 4096 : INT64_MAX);
    bf_household h = {0};
    bf_household_reset(&h);
    for (im.file = 0; im.file < nfiles && im.rc == BF_OK; im.file++)
        import_file(&im, &h);
    bf_household_free(&h);
    bf_progress_end(&im.progress);
    rc = im.rc;
    if (rc == BF_OK && im.unreadable)
        rc = BF_EIO;
    if (rc == BF_OK && bf_errors_total(errs) > 0)
        rc = BF_EINPUT;
    if (rc == BF_OK && bf_store_commit(s) != BF_OK) {
        bf_errors_add(errs, "%s", bf_store_errmsg(s));
        rc = BF_ESTORE;
    }
    if (rc != BF_OK) {
        if (bf_store_rollback(s) != BF_OK)
            bf_errors_add(errs, "%s", bf_store_errmsg(s));
        memset(stats, 0, sizeof *stats);
    }
    finish(&im);
    return rc;
}
