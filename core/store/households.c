/* households.c — households and members in and out of the store, one at a time. */
#include "internal.h"
#include "i18n.h"
#include "bangfu.h"

#include <stdio.h>
#include <string.h>

/* Runs a one-row existence query bound to one text parameter. */
static int exists_query(bf_store *s, int which, const char *id, bool *exists, bf_errors *errs)
{
    sqlite3_stmt *st = s->stmt[which];
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding id", errs);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return bf__store_fail(s, BF_ESTORE, "looking up id", errs);
    *exists = rc == SQLITE_ROW;
    return BF_OK;
}

int bf_store_household_exists(bf_store *s, const char *id, bool *exists, bf_errors *errs)
{
    return exists_query(s, ST_HOUSEHOLD_EXISTS, id, exists, errs);
}

int bf_store_member_exists(bf_store *s, const char *id, bool *exists, bf_errors *errs)
{
    return exists_query(s, ST_MEMBER_EXISTS, id, exists, errs);
}

int bf_store_delete_household(bf_store *s, const char *id, bf_errors *errs)
{
    int vrc = bf__store_version_supersede(s, id, errs);
    if (vrc != BF_OK)
        return vrc;
    sqlite3_stmt *st = s->stmt[ST_DELETE_HOUSEHOLD];
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding id", errs);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? bf__store_households_written(s, errs)
                             : bf__store_fail(s, BF_ESTORE, "deleting household", errs);
}

/* Binds a text column; an empty optional text is stored as NULL. */
static int bind_text(sqlite3_stmt *st, int col, const char *v, bool empty_is_null)
{
    if (empty_is_null && !*v)
        return sqlite3_bind_null(st, col);
    return sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC);
}

static int bind_household(sqlite3_stmt *st, const bf_household *h)
{
    int rc = bind_text(st, 1, h->id, false);
    rc |= bind_text(st, 2, h->town, false);
    rc |= bind_text(st, 3, h->village, false);
    rc |= bind_text(st, 4, bf_enum_name(BF_ENUM_STATUS, (int)h->status), false);
    rc |= bind_text(st, 5, bf_enum_name(BF_ENUM_MONITOR, (int)h->monitor), false);
    rc |= bind_text(st, 6, h->recorded, false);
    rc |= sqlite3_bind_int64(st, 7, h->wage);
    rc |= sqlite3_bind_int64(st, 8, h->business);
    rc |= sqlite3_bind_int64(st, 9, h->property);
    rc |= sqlite3_bind_int64(st, 10, h->transfer);
    rc |= sqlite3_bind_int64(st, 11, h->excluded);
    rc |= h->has_previous ? sqlite3_bind_int64(st, 12, h->previous) : sqlite3_bind_null(st, 12);
    rc |= sqlite3_bind_int64(st, 13, h->deposits);
    rc |= sqlite3_bind_int64(st, 14, h->vehicle);
    rc |= sqlite3_bind_int(st, 15, h->extra_houses);
    rc |= sqlite3_bind_int64(st, 16, h->medical);
    rc |= sqlite3_bind_int64(st, 17, h->education);
    rc |= sqlite3_bind_int(st, 18, h->housing_safe);
    rc |= sqlite3_bind_int(st, 19, h->water_safe);
    return rc;
}

/* The values of one member row, bound from parameter at + 1 on. */
#define MEMBER_VALUES 19

static int bind_member(sqlite3_stmt *st, int at, const bf_household *h, const bf_member *m,
                       int seq, char birth[BF_DATE_STRLEN])
{
    bf_date_format(m->birth, birth);
    int rc = sqlite3_bind_int(st, at + 1, seq);
    rc |= bind_text(st, at + 2, h->id, false);
    rc |= bind_text(st, at + 3, m->id, false);
    rc |= bind_text(st, at + 4, m->name, true);
    rc |= bind_text(st, at + 5, m->idnumber, true);
    rc |= bind_text(st, at + 6, bf_enum_name(BF_ENUM_RELATION, (int)m->relation), false);
    rc |= bind_text(st, at + 7, birth, false);
    rc |= bind_text(st, at + 8, bf_enum_name(BF_ENUM_SEX, (int)m->sex), false);
    rc |= bind_text(st, at + 9, bf_enum_name(BF_ENUM_LABOR, (int)m->labor), false);
    rc |= bind_text(st, at + 10, bf_enum_name(BF_ENUM_EMPLOYMENT, (int)m->employment), false);
    rc |= bind_text(st, at + 11, bf_enum_name(BF_ENUM_SCHOOL, (int)m->school), false);
    rc |= bind_text(st, at + 12, bf_enum_name(BF_ENUM_SELF_CARE, (int)m->self_care), false);
    rc |= sqlite3_bind_int(st, at + 13, m->disability);
    rc |= bind_text(st, at + 14, bf_enum_name(BF_ENUM_DISABILITY_TYPE, (int)m->disability_type),
                    false);
    rc |= sqlite3_bind_int(st, at + 15, m->serious_illness);
    rc |= sqlite3_bind_int(st, at + 16, m->pension_insured);
    rc |= sqlite3_bind_int(st, at + 17, m->medical_insured);
    rc |= sqlite3_bind_int64(st, at + 18, m->medical_cost);
    rc |= sqlite3_bind_int(st, at + 19, m->supporter);
    return rc;
}

/* The INSERT of k members in one statement (1 <= k <= BF__MEMBERS_PER_INSERT), prepared on
 * first use; NULL with the message in errs on failure. OR FAIL: a constraint that fails stops
 * the statement without undoing its earlier rows, which spares SQLite a statement journal (for
 * every statement, the pages it changes copied first: once that journal had outgrown memory, on
 * a 1M-household import 5.5 million writes to a temporary file, 8 s of the kernel's time). A
 * failed insert fails its whole transaction: each caller then rolls it back. */
static sqlite3_stmt *members_insert(bf_store *s, int k, bf_errors *errs)
{
    if (k == 1)
        return s->stmt[ST_INSERT_MEMBER];
    if (s->insert_members[k])
        return s->insert_members[k];
    bf_buf sql = {0};
    bf_buf_puts(&sql, "INSERT OR FAIL INTO members(seq, " MEMBER_COLS ") VALUES ");
    for (int j = 0; j < k; j++)
        bf_buf_puts(&sql, j ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                            : "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (sql.oom || sqlite3_prepare_v2(s->db, bf_buf_str(&sql), -1, &s->insert_members[k], NULL)
                       != SQLITE_OK) {
        s->insert_members[k] = NULL;
        bf__store_fail(s, BF_ESTORE, "preparing the insert of members", errs);
    }
    bf_buf_free(&sql);
    return s->insert_members[k];
}

/* Inserts members [from, from + k) of h (k <= BF__MEMBERS_PER_INSERT) in one statement. */
static int insert_members(bf_store *s, const bf_household *h, int from, int k, bf_errors *errs)
{
    sqlite3_stmt *st = members_insert(s, k, errs);
    if (!st)
        return BF_ESTORE;
    char birth[BF__MEMBERS_PER_INSERT][BF_DATE_STRLEN];
    sqlite3_reset(st);
    int rc = SQLITE_OK;
    for (int j = 0; j < k; j++)
        rc |= bind_member(st, j * MEMBER_VALUES, h, &h->members[from + j], from + j + 1, birth[j]);
    if (rc != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding member", errs);
    if (sqlite3_step(st) != SQLITE_DONE) {
        char what[3 * BF_ID_BYTES + 60];
        if (k == 1)
            snprintf(what, sizeof what, _("inserting member %s of household %s"),
                     h->members[from].id, h->id);
        else
            snprintf(what, sizeof what, _("inserting members %s to %s of household %s"),
                     h->members[from].id, h->members[from + k - 1].id, h->id);
        sqlite3_reset(st);
        return bf__store_fail(s, BF_ESTORE, what, errs);
    }
    sqlite3_reset(st);
    return BF_OK;
}

int bf_store_fill_directly(bf_store *s, bool on)
{
    /* Out of WAL only while no other connection has the file open; otherwise it stays in WAL
     * (the import is as safe, only slower). Back in WAL, as every open sets it anyway.
     * Foreign keys are not looked up meanwhile: a new database has no household to delete
     * (no cascade) and each member is inserted right after its household, with its id; the
     * look-up of the household for every member was a seventh of the insert thread's time.
     * Nor are the CHECK constraints evaluated: every value comes from a checked bf_household
     * (enum values through bf_enum_name, amounts not negative, flags 0 or 1), and SQLite's
     * interpreting of the members' twelve and the households' fifteen was a seventh of the
     * insert thread. */
    if (on && !s->created)
        return BF_EUSAGE;
    return bf__store_exec(s, on ? "PRAGMA journal_mode=DELETE; PRAGMA foreign_keys=OFF; "
                                  "PRAGMA ignore_check_constraints=ON"
                                : "PRAGMA ignore_check_constraints=OFF; PRAGMA foreign_keys=ON; "
                                  "PRAGMA journal_mode=WAL",
                          NULL) == BF_OK ? BF_OK : BF_ESTORE;
}

int bf_store_insert_household(bf_store *s, const bf_household *h, bf_errors *errs)
{
    return bf_store_insert_household_from(s, h, NULL, errs);
}

int bf_store_insert_household_from(bf_store *s, const bf_household *h, const char *source,
                                   bf_errors *errs)
{
    int vrc = s->defer_versions ? bf__store_version_defer(s, source, errs) : BF_OK;
    if (vrc != BF_OK)
        return vrc;
    sqlite3_stmt *st = s->stmt[ST_INSERT_HOUSEHOLD];
    sqlite3_reset(st);
    if (bind_household(st, h) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding household", errs);
    if (sqlite3_step(st) != SQLITE_DONE) {
        char what[BF_ID_BYTES + 40];
        snprintf(what, sizeof what, _("inserting household %s"), h->id);
        sqlite3_reset(st);
        return bf__store_fail(s, BF_ESTORE, what, errs);
    }
    sqlite3_reset(st);
    /* a household's members in as few statements as may be: one step writes up to eight rows */
    for (int i = 0; i < h->n_members; i += BF__MEMBERS_PER_INSERT) {
        int k = h->n_members - i < BF__MEMBERS_PER_INSERT ? h->n_members - i
                                                          : BF__MEMBERS_PER_INSERT;
        int mrc = insert_members(s, h, i, k, errs);
        if (mrc != BF_OK)
            return mrc;
    }
    int rc = bf__store_version_record(s, h, source, errs);
    return rc != BF_OK ? rc : bf__store_households_written(s, errs);
}


/* Copies a text column into a fixed buffer ("" for NULL); false if it does not fit. */
static bool column_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    size_t len = v ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (len >= size)
        return false;
    if (len)
        memcpy(dst, v, len);
    dst[len] = '\0';
    return true;
}

/* Parses an enum column; -1 (and an error message) if the stored text is not allowed. */
static int column_enum(bf_store *s, sqlite3_stmt *st, int col, bf_enum_kind kind, const char *id,
                       bf_errors *errs)
{
    const char *v = (const char *)sqlite3_column_text(st, col);
    int e = bf_enum_parse(kind, v);
    if (e < 0)
        bf_errors_add(errs, _("%s: record %s: column %s holds '%s', expected %s"),
                 s->path, id, sqlite3_column_name(st, col), v ? v : "NULL", bf_enum_allowed(kind));
    return e;
}

int bf__store_fill_household(bf_store *s, sqlite3_stmt *st, bf_household *h, bf_errors *errs)
{
    bf_household_reset(h);
    if (!column_text(st, 0, h->id, sizeof h->id) || !column_text(st, 1, h->town, sizeof h->town) ||
        !column_text(st, 2, h->village, sizeof h->village) ||
        !column_text(st, 5, h->recorded, sizeof h->recorded)) {
        bf_errors_add(errs, _("%s: household row %s: text too long"), s->path, h->id);
        return BF_ESTORE;
    }
    int status = column_enum(s, st, 3, BF_ENUM_STATUS, h->id, errs);
    int monitor = column_enum(s, st, 4, BF_ENUM_MONITOR, h->id, errs);
    if (status < 0 || monitor < 0)
        return BF_ESTORE;
    h->status = (bf_status)status;
    h->monitor = (bf_monitor)monitor;
    h->wage = sqlite3_column_int64(st, 6);
    h->business = sqlite3_column_int64(st, 7);
    h->property = sqlite3_column_int64(st, 8);
    h->transfer = sqlite3_column_int64(st, 9);
    h->excluded = sqlite3_column_int64(st, 10);
    h->has_previous = sqlite3_column_type(st, 11) != SQLITE_NULL;
    h->previous = h->has_previous ? sqlite3_column_int64(st, 11) : 0;
    h->deposits = sqlite3_column_int64(st, 12);
    h->vehicle = sqlite3_column_int64(st, 13);
    h->extra_houses = sqlite3_column_int(st, 14);
    h->medical = sqlite3_column_int64(st, 15);
    h->education = sqlite3_column_int64(st, 16);
    h->housing_safe = sqlite3_column_int(st, 17) != 0;
    h->water_safe = sqlite3_column_int(st, 18) != 0;
    return BF_OK;
}

int bf__store_fill_member(bf_store *s, sqlite3_stmt *st, bf_household *h, bf_errors *errs)
{
    bf_member *m = bf_household_add_member(h);
    if (!m) {
        bf_errors_add(errs, _("%s: household %s: too many members or out of memory"),
                 s->path, h->id);
        return BF_ENOMEM;
    }
    if (!column_text(st, 1, m->id, sizeof m->id) || !column_text(st, 2, m->name, sizeof m->name) ||
        !column_text(st, 3, m->idnumber, sizeof m->idnumber)) {
        bf_errors_add(errs, _("%s: member row of household %s: text too long"),
                 s->path, h->id);
        return BF_ESTORE;
    }
    int e[7] = {
        column_enum(s, st, 4, BF_ENUM_RELATION, m->id, errs),
        column_enum(s, st, 6, BF_ENUM_SEX, m->id, errs),
        column_enum(s, st, 7, BF_ENUM_LABOR, m->id, errs),
        column_enum(s, st, 8, BF_ENUM_EMPLOYMENT, m->id, errs),
        column_enum(s, st, 9, BF_ENUM_SCHOOL, m->id, errs),
        column_enum(s, st, 10, BF_ENUM_SELF_CARE, m->id, errs),
        column_enum(s, st, 12, BF_ENUM_DISABILITY_TYPE, m->id, errs),
    };
    for (int i = 0; i < 7; i++)
        if (e[i] < 0)
            return BF_ESTORE;
    const char *birth = (const char *)sqlite3_column_text(st, 5);
    if (bf_date_parse(birth, &m->birth) != BF_OK) {
        bf_errors_add(errs, _("%s: member %s: birth '%s' is not a date"), s->path, m->id,
                 birth ? birth : "NULL");
        return BF_ESTORE;
    }
    m->relation = (bf_relation)e[0];
    m->sex = (bf_sex)e[1];
    m->labor = (bf_labor)e[2];
    m->employment = (bf_employment)e[3];
    m->school = (bf_school)e[4];
    m->self_care = (bf_self_care)e[5];
    m->disability_type = (bf_disability_type)e[6];
    m->disability = sqlite3_column_int(st, 11);
    m->serious_illness = sqlite3_column_int(st, 13) != 0;
    m->pension_insured = sqlite3_column_int(st, 14) != 0;
    m->medical_insured = sqlite3_column_int(st, 15) != 0;
    m->medical_cost = sqlite3_column_int64(st, 16);
    m->supporter = sqlite3_column_int(st, 17) != 0;
    return BF_OK;
}

/* A household with its members; BF_ENOTFOUND, with no message, when absent. */
static int read_household(bf_store *s, const char *id, bf_household *out, bf_errors *errs)
{
    sqlite3_stmt *st = s->stmt[ST_GET_HOUSEHOLD];
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding id", errs);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return BF_ENOTFOUND;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return bf__store_fail(s, BF_ESTORE, "reading household", errs);
    }
    rc = bf__store_fill_household(s, st, out, errs);
    sqlite3_reset(st);
    if (rc != BF_OK)
        return rc;
    st = s->stmt[ST_GET_MEMBERS];
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding id", errs);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = bf__store_fill_member(s, st, out, errs)) != BF_OK) {
            sqlite3_reset(st);
            return rc;
        }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? BF_OK : bf__store_fail(s, BF_ESTORE, "reading members", errs);
}

int bf_store_get_household(bf_store *s, const char *id, bf_household *out, bf_errors *errs)
{
    int rc = read_household(s, id, out, errs);
    if (rc == BF_ENOTFOUND)
        bf_errors_add(errs, _("%s: no household with id %s"), s->path, id);
    return rc;
}

int bf_store_find_household(bf_store *s, const char *id, bf_household *out, bool *found,
                            bf_errors *errs)
{
    int rc = read_household(s, id, out, errs);
    *found = rc == BF_OK;
    return rc == BF_ENOTFOUND ? BF_OK : rc;
}

int bf_store_count(bf_store *s, int64_t *households, int64_t *members, bf_errors *errs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT (SELECT count(*) FROM households), "
                                  "(SELECT count(*) FROM members)", -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "counting", errs);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *households = sqlite3_column_int64(st, 0);
        *members = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? BF_OK : bf__store_fail(s, BF_ESTORE, "counting", errs);
}

int bf_store_households_version(bf_store *s, int64_t *version, bf_errors *errs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT " HOUSEHOLDS_VERSION, -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "reading the households' version", errs);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? BF_OK : bf__store_fail(s, BF_ESTORE,
                                                     "reading the households' version", errs);
}
