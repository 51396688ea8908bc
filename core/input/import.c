/* import.c — household files into the store: stream, validate, check ids, one transaction. */
#include "import.h"
#include "bangfu.h"
#include "plugin.h"
#include "progress.h"
#include "idset.h"
#include "rules.h"
#include "sink.h"
#include "xmlio.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ids seen so far in this import, with where they were (file index, line), so a duplicate can
 * say where the first one is. TEMP tables keep memory flat on a million households. */
static const char temp_schema[] =
    "CREATE TEMP TABLE import_households(id TEXT PRIMARY KEY, file INTEGER NOT NULL,"
    " line INTEGER NOT NULL) WITHOUT ROWID;"
    /* idkey: the member's ID number by its first 17 digits (the check character follows from
     * them), to name who else holds it; the import finds a second holder in memory (idset) */
    "CREATE TEMP TABLE import_members(id TEXT PRIMARY KEY, household_id TEXT NOT NULL,"
    " file INTEGER NOT NULL, line INTEGER NOT NULL, idkey INTEGER) WITHOUT ROWID;"
    "CREATE TEMP TABLE stored_idnumbers(key INTEGER PRIMARY KEY, household_id TEXT NOT NULL,"
    " member_id TEXT NOT NULL);";
static const char temp_drop[] =
    "DROP TABLE IF EXISTS temp.import_households; DROP TABLE IF EXISTS temp.import_members;"
    "DROP TABLE IF EXISTS temp.stored_idnumbers;";
/* The stored ID numbers, read once when the store is not empty (the members table has no
 * index on them); in key order, so that the table is filled by appending. */
static const char stored_idnumbers_fill[] =
    "INSERT OR IGNORE INTO temp.stored_idnumbers(key, household_id, member_id)"
    " SELECT CAST(substr(idnumber, 1, 17) AS INTEGER), household_id, id FROM main.members"
    " WHERE length(idnumber) = 18 ORDER BY 1";

enum { Q_ADD_HOUSEHOLD, Q_FIRST_HOUSEHOLD, Q_ADD_MEMBER, Q_FIRST_MEMBER, Q_FIRST_IDNUMBER,
       Q_STORED_IDNUMBER, Q_IMPORTED_HOUSEHOLD, Q__N };

static const char *const query_sql[Q__N] = {
    [Q_ADD_HOUSEHOLD] = "INSERT INTO temp.import_households(id, file, line) VALUES (?1, ?2, ?3)"
                        " ON CONFLICT DO NOTHING",
    [Q_FIRST_HOUSEHOLD] = "SELECT file, line FROM temp.import_households WHERE id = ?1",
    [Q_ADD_MEMBER] = "INSERT INTO temp.import_members(id, household_id, file, line, idkey)"
                     " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
    [Q_FIRST_MEMBER] = "SELECT file, line, household_id FROM temp.import_members WHERE id = ?1",
    /* a scan, run only to word an error (at most as many as are printed) */
    [Q_FIRST_IDNUMBER] = "SELECT household_id, id, file, line FROM temp.import_members"
                         " WHERE idkey = ?1 AND NOT (household_id = ?2 AND id = ?3) LIMIT 1",
    [Q_STORED_IDNUMBER] = "SELECT household_id, member_id FROM temp.stored_idnumbers WHERE key = ?1",
    [Q_IMPORTED_HOUSEHOLD] = "SELECT 1 FROM temp.import_households WHERE id = ?1",
};

/* An ID number also held by a stored household, reported at the end unless that household is
 * replaced by this import (a member moving household is no duplicate). */
typedef struct stored_clash {
    char household[BF_ID_BYTES];     /* the stored household */
    char *msg;                       /* the complete message */
} stored_clash;

typedef struct bf_importer importer;

struct bf_importer {
    bf_store *s;
    sqlite3 *db;
    const bf_import_options *opt;
    char **files;            /* every file name records came from; the TEMP tables keep indices */
    int n_files, cap_files;
    bf_errors *errs;
    bf_import_stats *stats;
    sqlite3_stmt *q[Q__N];
    int rc;                  /* first fatal error (store, memory); BF_OK while none */
    bool unreadable;         /* a file could not be opened (reported; the others are checked) */
    bool store_empty;        /* no household stored before: the TEMP tables see every id */
    bf_progress progress;
    int64_t bytes_done;      /* bytes of the files already finished */
    stored_clash *clashes;   /* ID numbers also in stored households, decided at the end */
    int n_clashes, cap_clashes;
    bf_idset idnumbers;      /* the ID numbers of this import (idnumber_key) */
};

/* The index of a file name in im->files, added when new; -1 when out of memory. */
static int file_index(importer *im, const char *file)
{
    for (int i = im->n_files - 1; i >= 0; i--)
        if (strcmp(im->files[i], file) == 0)
            return i;
    if (im->n_files == im->cap_files) {
        int cap = im->cap_files ? im->cap_files * 2 : 8;
        char **grown = realloc(im->files, sizeof *grown * (size_t)cap);
        if (!grown)
            return -1;
        im->files = grown;
        im->cap_files = cap;
    }
    char *copy = strdup(file);
    if (!copy)
        return -1;
    im->files[im->n_files] = copy;
    return im->n_files++;
}

const char *bf_importer_file(bf_importer *im, const char *file)
{
    int i = file ? file_index(im, file) : -1;
    if (i < 0 && file && im->rc == BF_OK)
        im->rc = BF_ENOMEM;
    return i < 0 ? NULL : im->files[i];
}

/* A store failure stops the import. */
static int store_failed(importer *im, const char *what)
{
    bf_errors_add(im->errs, "%s: %s: %s", bf_store_path(im->s), what, sqlite3_errmsg(im->db));
    if (im->rc == BF_OK)
        im->rc = BF_ESTORE;
    return BF_ESTORE;
}

/* The first 17 digits of a valid ID number as one integer (below 10^17), or -1. */
static int64_t idnumber_key(const char *idnumber)
{
    if (bf_idnumber_check(idnumber, strlen(idnumber), NULL) != BF_IDNUMBER_VALID)
        return -1;
    int64_t key = 0;
    for (int i = 0; i < 17; i++)
        key = key * 10 + (idnumber[i] - '0');
    return key;
}

/* Records id with its place (a member's with its ID number key, -1 for none); *first is false
 * when the id was already recorded. */
static int add_id(importer *im, int q, const char *id, const char *household, const char *file,
                  int line, int64_t idkey, bool *first)
{
    int index = file_index(im, file);
    if (index < 0) {
        if (im->rc == BF_OK)
            im->rc = BF_ENOMEM;
        return BF_ENOMEM;
    }
    sqlite3_stmt *st = im->q[q];
    sqlite3_reset(st);
    int rc = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int col = 2;
    if (household)
        rc |= sqlite3_bind_text(st, col++, household, -1, SQLITE_STATIC);
    rc |= sqlite3_bind_int(st, col++, index);
    rc |= sqlite3_bind_int(st, col++, line);
    if (q == Q_ADD_MEMBER)
        rc |= idkey >= 0 ? sqlite3_bind_int64(st, col, idkey) : sqlite3_bind_null(st, col);
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
static int check_household_id(importer *im, const bf_household *h, const char *file,
                              const bf_locator *loc, bool *stored_conflict)
{
    *stored_conflict = false;
    bool first;
    if (add_id(im, Q_ADD_HOUSEHOLD, h->id, NULL, file, h->line, -1, &first) != BF_OK)
        return 0;
    if (!first) {
        char where[600] = "";
        if (first_place(im, Q_FIRST_HOUSEHOLD, h->id, where, sizeof where, NULL, 0) == BF_OK)
            bf_field_error(im->errs, loc, file, h, NULL, "id", "duplicate household id (first at %s)",
                           where);
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
        bf_field_error(im->errs, loc, file, h, NULL, "id", "household id is already in the "
                       "database %s (use --replace to replace it)", bf_store_path(im->s));
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
static int check_member_ids(importer *im, const bf_household *h, const char *file,
                            const bf_locator *loc, bool check_store)
{
    int n = 0;
    for (int i = 0; i < h->n_members && im->rc == BF_OK; i++) {
        const bf_member *m = &h->members[i];
        bool first;
        if (!m->id[0] || add_id(im, Q_ADD_MEMBER, m->id, h->id, m->file ? m->file : file, m->line,
                                idnumber_key(m->idnumber), &first) != BF_OK)
            continue;
        if (!first) {
            char where[600] = "", other[BF_ID_BYTES] = "";
            if (first_place(im, Q_FIRST_MEMBER, m->id, where, sizeof where, other,
                            sizeof other) != BF_OK)
                continue;
            if (strcmp(other, h->id) != 0) {     /* inside one household the validator says it */
                bf_field_error(im->errs, loc, file, h, m, "id", "duplicate member id (also in "
                               "household %s at %s)", other, where);
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
            bf_field_error(im->errs, loc, file, h, m, "id", "member id is already in the database "
                           "%s (in another household)", bf_store_path(im->s));
            n++;
        }
    }
    return n;
}

/* Runs the one-row query q for key; SQLITE_ROW (the row is left for reading: reset the
 * statement afterwards), SQLITE_DONE, or an error (reported). */
static int lookup_key(importer *im, int q, int64_t key)
{
    sqlite3_stmt *st = im->q[q];
    sqlite3_reset(st);
    int rc = sqlite3_bind_int64(st, 1, key);
    rc = rc == SQLITE_OK ? sqlite3_step(st) : rc;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sqlite3_reset(st);
        store_failed(im, "looking up ID numbers");
    }
    return rc;
}

/* Column i of the current row as text ("" for NULL). */
static const char *column(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* Holds a clash with stored household `household` until the end of the import. */
static void hold_clash(importer *im, const char *household, const char *msg)
{
    if (im->n_clashes == im->cap_clashes) {
        int cap = im->cap_clashes ? im->cap_clashes * 2 : 8;
        stored_clash *grown = realloc(im->clashes, sizeof *grown * (size_t)cap);
        if (!grown) {
            im->rc = BF_ENOMEM;
            return;
        }
        im->clashes = grown;
        im->cap_clashes = cap;
    }
    stored_clash *c = &im->clashes[im->n_clashes];
    bf_text_copy(c->household, sizeof c->household, household);
    if (!(c->msg = strdup(msg))) {
        im->rc = BF_ENOMEM;
        return;
    }
    im->n_clashes++;
}

/* The same ID number against a stored household: held until the end (see stored_clash). */
static void check_stored_idnumber(importer *im, const bf_household *h, const bf_member *m,
                                  int64_t key, const char *file, const bf_locator *loc)
{
    if (im->store_empty || lookup_key(im, Q_STORED_IDNUMBER, key) != SQLITE_ROW)
        return;
    sqlite3_stmt *st = im->q[Q_STORED_IDNUMBER];
    char household[BF_ID_BYTES], member[BF_ID_BYTES], masked[BF_IDNUMBER_LEN + 1];
    bf_text_copy(household, sizeof household, column(st, 0));
    bf_text_copy(member, sizeof member, column(st, 1));
    sqlite3_reset(st);
    if (strcmp(household, h->id) == 0)      /* the household itself, replaced or refused */
        return;
    bf_mask_idnumber(m->idnumber, masked);
    bf_errors one;
    bf_errors_init(&one, 1);
    bf_field_error(&one, loc, file, h, m, "idnumber", "idnumber %s is also member %s of "
                   "household %s in the database %s; one person can be in one household only",
                   masked, member, household, bf_store_path(im->s));
    if (one.count)
        hold_clash(im, household, one.msgs[0]);
    bf_errors_free(&one);
}

/* Names the member of this import other than m (of h) who holds key: "member M of household
 * H (file:line)" into out; "" when none is found (its member id was refused). */
static void other_holder(importer *im, const bf_household *h, const bf_member *m, int64_t key,
                         char *out, size_t size)
{
    out[0] = '\0';
    sqlite3_stmt *st = im->q[Q_FIRST_IDNUMBER];
    sqlite3_reset(st);
    int rc = sqlite3_bind_int64(st, 1, key);
    rc |= sqlite3_bind_text(st, 2, h->id, -1, SQLITE_STATIC);
    rc |= sqlite3_bind_text(st, 3, m->id, -1, SQLITE_STATIC);
    rc = rc == SQLITE_OK ? sqlite3_step(st) : rc;
    if (rc == SQLITE_ROW)
        snprintf(out, size, "member %s of household %s (%s:%d)", column(st, 1), column(st, 0),
                 im->files[sqlite3_column_int(st, 2)], sqlite3_column_int(st, 3));
    else if (rc != SQLITE_DONE)
        store_failed(im, "looking up ID numbers");
    sqlite3_reset(st);
}

/* ID numbers: one person in one household, across the import and the store. Returns the
 * number of errors added now (clashes with stored households are decided at the end). */
static int check_idnumbers(importer *im, const bf_household *h, const char *file,
                           const bf_locator *loc)
{
    int n = 0;
    for (int i = 0; i < h->n_members && im->rc == BF_OK; i++) {
        const bf_member *m = &h->members[i];
        int64_t key = m->idnumber[0] ? idnumber_key(m->idnumber) : -1;
        if (key < 0)
            continue;
        int added = bf_idset_add(&im->idnumbers, (uint64_t)key);
        if (added < 0) {
            im->rc = BF_ENOMEM;
            break;
        }
        if (added) {
            check_stored_idnumber(im, h, m, key, file, loc);
            continue;
        }
        n++;
        char other[700] = "", masked[BF_IDNUMBER_LEN + 1];
        if (!bf_errors_full(im->errs))      /* a scan: only for a message that is printed */
            other_holder(im, h, m, key, other, sizeof other);
        bf_mask_idnumber(m->idnumber, masked);
        if (other[0])
            bf_field_error(im->errs, loc, file, h, m, "idnumber", "idnumber %s is also %s; one "
                           "person can be in one household only", masked, other);
        else
            bf_field_error(im->errs, loc, file, h, m, "idnumber", "idnumber %s is also held by "
                           "another member of this import; one person can be in one household "
                           "only", masked);
    }
    return n;
}

/* Reports the clashes with stored households that this import did not replace. */
static void report_clashes(importer *im)
{
    for (int i = 0; i < im->n_clashes; i++) {
        stored_clash *c = &im->clashes[i];
        sqlite3_stmt *st = im->q[Q_IMPORTED_HOUSEHOLD];
        sqlite3_reset(st);
        int rc = sqlite3_bind_text(st, 1, c->household, -1, SQLITE_STATIC);
        rc = rc == SQLITE_OK ? sqlite3_step(st) : rc;
        sqlite3_reset(st);
        if (rc == SQLITE_DONE)
            bf_errors_add(im->errs, "%s", c->msg);
        else if (rc != SQLITE_ROW)
            store_failed(im, "looking up imported households");
        free(c->msg);
    }
    free(im->clashes);
    im->clashes = NULL;
    im->n_clashes = im->cap_clashes = 0;
}

int bf_importer_take(bf_importer *im, const bf_household *h, const char *file,
                     const bf_locator *loc)
{
    if (im->rc != BF_OK)
        return im->rc;
    bf_rules rules = {im->opt->today, im->opt->areas};
    int errors = bf_household_validate_at(h, file, loc, im->opt->today, im->errs);
    errors += bf_rules_check(h, file, loc, &rules, im->errs);
    bool stored_conflict = false;
    if (h->id[0])
        errors += check_household_id(im, h, file, loc, &stored_conflict);
    errors += check_member_ids(im, h, file, loc, !stored_conflict);
    errors += check_idnumbers(im, h, file, loc);
    /* After the first error nothing will be committed: keep checking, stop inserting. A check
     * inserts nothing either (its transaction is rolled back). */
    if (errors || h->rejected || bf_errors_total(im->errs) > 0 || im->rc != BF_OK)
        return im->rc;
    for (int i = 0; i < h->n_members; i++)
        if (h->members[i].rejected)
            return im->rc;
    if (!im->opt->check_only && bf_store_insert_household(im->s, h) != BF_OK) {
        bf_errors_add(im->errs, "%s", bf_store_errmsg(im->s));
        im->rc = BF_ESTORE;
        return im->rc;
    }
    im->stats->households++;
    im->stats->members += h->n_members;
    return BF_OK;
}

void bf_importer_error(bf_importer *im, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bf_errors_add(im->errs, "%s", msg);
}

int bf_importer_error_count(const bf_importer *im)
{
    return bf_errors_total(im->errs);
}

int bf_importer_status(const bf_importer *im)
{
    return im->rc;
}

/* Streams one XML file through bf_importer_take. */
static void import_xml_file(importer *im, const char *path, bf_household *h)
{
    const char *file = bf_importer_file(im, path);
    bf_xml_reader *r;
    int rc = file ? bf_xml_reader_open(file, im->errs, &r) : BF_ENOMEM;
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
        bf_locator loc = bf_xml_reader_locator(r);
        bf_importer_take(im, h, file, &loc);
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

/* Size of a file in bytes, 0 when it cannot be read (that is reported when it is opened). */
static int64_t file_bytes(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    int64_t size = 0;
    if (fseeko(f, 0, SEEK_END) == 0) {
        off_t end = ftello(f);
        if (end > 0)
            size = end;
    }
    fclose(f);
    return size;
}

/* Reads one source: XML files one by one, or every file of a plugin reader in one call. */
static void import_source(importer *im, const bf_import_source *src, bf_household *h)
{
    if (!src->reader) {
        for (int i = 0; i < src->n_paths && im->rc == BF_OK; i++)
            import_xml_file(im, src->paths[i], h);
        return;
    }
    int rc = bf_sink_read(src->reader, src->paths, src->n_paths, im);
    if (rc != BF_OK && im->rc == BF_OK && rc != BF_EINPUT)
        im->rc = rc;
    for (int i = 0; i < src->n_paths; i++)
        im->bytes_done += file_bytes(src->paths[i]);
    bf_progress_update(&im->progress, im->bytes_done / 1024);
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
    bf_idset_free(&im->idnumbers);
    for (int i = 0; i < im->n_clashes; i++)
        free(im->clashes[i].msg);
    free(im->clashes);
    for (int i = 0; i < Q__N; i++)
        sqlite3_finalize(im->q[i]);
    sqlite3_exec(im->db, temp_drop, NULL, NULL, NULL);   /* best effort: temp goes at close */
    for (int i = 0; i < im->n_files; i++)
        free(im->files[i]);
    free(im->files);
}

/* Sums the file sizes for the progress bar (unreadable files are reported when opened). */
static int64_t total_bytes(const bf_import_source *sources, int n)
{
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < sources[i].n_paths; k++)
            total += file_bytes(sources[i].paths[k]);
    return total;
}

int bf_import_files(bf_store *s, const char *const *files, int nfiles,
                    const bf_import_options *opt, bf_import_stats *stats, bf_errors *errs)
{
    bf_import_source xml = {NULL, files, nfiles};
    return bf_import_sources(s, &xml, 1, opt, stats, errs);
}

int bf_import_sources(bf_store *s, const bf_import_source *sources, int n_sources,
                      const bf_import_options *opt, bf_import_stats *stats, bf_errors *errs)
{
    memset(stats, 0, sizeof *stats);
    importer im = {.s = s, .db = bf_store_db(s), .opt = opt, .errs = errs, .stats = stats,
                   .rc = BF_OK};
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
    if (!im.store_empty && sqlite3_exec(im.db, stored_idnumbers_fill, NULL, NULL, NULL) != SQLITE_OK)
        store_failed(&im, "reading the stored ID numbers");
    /* in kB of input read: the number of households is not known before the end */
    int64_t kb = opt->progress ? total_bytes(sources, n_sources) / 1024 : 0;
    bf_progress_start(&im.progress, "import kB", kb, opt->progress ? 4096 : INT64_MAX);
    bf_household h = {0};
    bf_household_reset(&h);
    for (int i = 0; i < n_sources && im.rc == BF_OK; i++)
        import_source(&im, &sources[i], &h);
    bf_household_free(&h);
    if (im.rc == BF_OK)
        report_clashes(&im);
    bf_progress_end(&im.progress);
    rc = im.rc;
    if (rc == BF_OK && im.unreadable)
        rc = BF_EIO;
    if (rc == BF_OK && bf_errors_total(errs) > 0)
        rc = BF_EINPUT;
    if (rc == BF_OK && opt->check_only) {
        if (bf_store_rollback(s) != BF_OK) {
            bf_errors_add(errs, "%s", bf_store_errmsg(s));
            rc = BF_ESTORE;
        }
        finish(&im);
        return rc;
    }
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
