/* versions.c — the versions of each household: a household imported again with different fields
 * gets a new version, which says when it was imported, from which file, and which fields changed;
 * the record it replaced is kept with the old version. */
#include "internal.h"
#include "bangfu.h"
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The prefix of a member's fields in a record's text: "members/ID/field". */
#define MEMBER_PREFIX "members/"

/* Appends "key": "value" to the record text (a comma before every pair but the first). */
static void put_pair(bf_buf *b, const char *key, const char *value)
{
    if (b->len > 1)
        bf_buf_puts(b, ",\n");
    bf_buf_json_string(b, key, strlen(key));
    bf_buf_puts(b, ": ");
    bf_buf_json_string(b, value, strlen(value));
}

/* A household's fields as the store keeps them in its versions: a JSON object of texts, the
 * members' fields as "members/ID/field" (with "members/ID/seq", the member's place). */
static int record_text(const bf_household *h, bf_buf *out)
{
    char value[BF_RECORDED_BYTES], key[BF_ID_BYTES + 64];
    bf_buf_clear(out);
    bf_buf_puts(out, "{");
    int nh = bf_field_count(BF_RECORD_HOUSEHOLD), nm = bf_field_count(BF_RECORD_MEMBER);
    for (int i = 0; i < nh; i++) {
        const char *name = bf_field_name(BF_RECORD_HOUSEHOLD, i);
        if (strcmp(name, "id") == 0)
            continue;
        if (bf_field_get(BF_RECORD_HOUSEHOLD, i, h, value, sizeof value) != BF_OK)
            return BF_EUSAGE;
        put_pair(out, name, value);
    }
    for (int m = 0; m < h->n_members; m++) {
        const bf_member *mb = &h->members[m];
        snprintf(key, sizeof key, MEMBER_PREFIX "%s/seq", mb->id);
        snprintf(value, sizeof value, "%d", m + 1);
        put_pair(out, key, value);
        for (int i = 0; i < nm; i++) {
            const char *name = bf_field_name(BF_RECORD_MEMBER, i);
            if (strcmp(name, "id") == 0)
                continue;
            if (bf_field_get(BF_RECORD_MEMBER, i, mb, value, sizeof value) != BF_OK)
                return BF_EUSAGE;
            snprintf(key, sizeof key, MEMBER_PREFIX "%s/%s", mb->id, name);
            put_pair(out, key, value);
        }
    }
    bf_buf_puts(out, "}");
    return out->oom ? BF_ENOMEM : BF_OK;
}

const char *bf__store_record_member_field(const char *key, char *member, size_t size)
{
    size_t plen = strlen(MEMBER_PREFIX);
    const char *slash = strrchr(key, '/');
    if (strncmp(key, MEMBER_PREFIX, plen) != 0 || !slash || slash < key + plen)
        return NULL;
    size_t len = (size_t)(slash - (key + plen));
    if (len >= size)
        len = size - 1;
    memcpy(member, key + plen, len);
    member[len] = '\0';
    return slash + 1;
}

/* A value as it may be shown: ID numbers masked. */
static void shown_value(const char *field, const char *value, char *out, size_t size)
{
    if (field && strcmp(field, "idnumber") == 0 && *value) {
        char masked[BF_IDNUMBER_LEN + 1];
        bf_mask_idnumber(value, masked);
        snprintf(out, size, "%s", masked);
    } else {
        snprintf(out, size, "%s", value);
    }
}

/* Appends one change: {"member"?, "field", "old", "new"}; a member added or removed is
 * {"member", "field": "member", "old"/"new": null}. */
static void put_change(bf_buf *b, const char *member, const char *field, const char *old,
                       const char *new_)
{
    char shown[BF_RECORDED_BYTES];
    bf_buf_puts(b, b->len > 1 ? ",{" : "{");
    if (member) {
        bf_buf_puts(b, "\"member\":");
        bf_buf_json_string(b, member, strlen(member));
        bf_buf_puts(b, ",");
    }
    bf_buf_puts(b, "\"field\":");
    bf_buf_json_string(b, field, strlen(field));
    bf_buf_puts(b, ",\"old\":");
    if (old) {
        shown_value(field, old, shown, sizeof shown);
        bf_buf_json_string(b, shown, strlen(shown));
    } else {
        bf_buf_puts(b, "null");
    }
    bf_buf_puts(b, ",\"new\":");
    if (new_) {
        shown_value(field, new_, shown, sizeof shown);
        bf_buf_json_string(b, shown, strlen(shown));
    } else {
        bf_buf_puts(b, "null");
    }
    bf_buf_puts(b, "}");
}

/* Whether member was already named as added or removed (its other fields are not listed). */
static bool member_listed(const bf_json_pairs *ps, const char *member)
{
    char key[BF_ID_BYTES + 16];
    snprintf(key, sizeof key, MEMBER_PREFIX "%s/seq", member);
    return bf_json_pairs_find(ps, key, -1) >= 0;
}

/* The changes from record text old to new_ as a JSON array (see put_change), into out. */
static int record_changes(const char *old, const char *new_, bf_buf *out)
{
    bf_json_pairs a = {0}, b = {0};
    int rc = bf_json_pairs_read(old, &a);
    if (rc == BF_OK)
        rc = bf_json_pairs_read(new_, &b);
    bf_buf_clear(out);
    bf_buf_puts(out, "[");
    char member[BF_ID_BYTES];
    for (int i = 0; rc == BF_OK && i < b.n; i++) {
        const char *field = bf__store_record_member_field(b.p[i].key, member, sizeof member);
        int j = bf_json_pairs_find(&a, b.p[i].key, i);
        if (j < 0) {                       /* a member who was not there */
            if (field && strcmp(field, "seq") == 0)
                put_change(out, member, "member", NULL, "added");
        } else if (strcmp(a.p[j].value, b.p[i].value) != 0) {
            put_change(out, field ? member : NULL, field ? field : b.p[i].key, a.p[j].value,
                       b.p[i].value);
        }
    }
    for (int i = 0; rc == BF_OK && i < a.n; i++) {
        const char *field = bf__store_record_member_field(a.p[i].key, member, sizeof member);
        if (field && strcmp(field, "seq") == 0 && !member_listed(&b, member))
            put_change(out, member, "member", "removed", NULL);
    }
    bf_buf_puts(out, "]");
    bf_json_pairs_free(&a);
    bf_json_pairs_free(&b);
    return rc != BF_OK ? rc : out->oom ? BF_ENOMEM : BF_OK;
}

/* The latest version of household id: *version 0 when it has none; *record its kept record
 * (malloc'd), NULL while it is the stored one. */
static int latest_version(bf_store *s, const char *id, int64_t *version, char **record,
                          bf_errors *errs)
{
    sqlite3_stmt *st = s->stmt[ST_VERSION_LATEST];
    sqlite3_reset(st);
    *version = 0;
    *record = NULL;
    if (sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding a household id", errs);
    int rc = sqlite3_step(st);
    bool oom = false;
    if (rc == SQLITE_ROW) {
        *version = sqlite3_column_int64(st, 0);
        *record = bf__store_column_dup(st, 1, &oom);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return bf__store_fail(s, BF_ESTORE, "reading a household's versions", errs);
    return oom ? BF_ENOMEM : BF_OK;
}

/* Sets the kept record of version `version` of household id (NULL: it is the stored one). */
static int set_kept_record(bf_store *s, const char *id, int64_t version, const char *record,
                           bf_errors *errs)
{
    sqlite3_stmt *st = s->stmt[ST_VERSION_KEEP];
    sqlite3_reset(st);
    if ((sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) | sqlite3_bind_int64(st, 2, version) |
         bf__store_bind_opt(st, 3, record)) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding a household version", errs);
    return bf__store_step_done(s, st, "keeping a household's previous record", errs);
}

/* Adds version `version` of household id (changes NULL for a first version). */
static int add_version(bf_store *s, const char *id, int64_t version, const char *source,
                       const char *changes, bf_errors *errs)
{
    sqlite3_stmt *st = s->stmt[ST_VERSION_ADD];
    sqlite3_reset(st);
    if ((sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC) | sqlite3_bind_int64(st, 2, version) |
         bf__store_bind_opt(st, 3, source) | bf__store_bind_opt(st, 4, changes)) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding a household version", errs);
    return bf__store_step_done(s, st, "recording a household version", errs);
}

/* Version 1 of every household without a version: under defer_versions, exactly those
 * inserted since the last flush. One statement, in the households' key order; the households'
 * version (?2) and the time (?3) are the same for all, read once (versions_flush_values). */
#define VERSIONS_FLUSH \
    "INSERT INTO household_versions(household_id, version, households_version, imported, source," \
    " changed) SELECT id, 1, ?2, ?3, ?1, NULL FROM households h"
static const char versions_flush_sql[] =
    VERSIONS_FLUSH " WHERE NOT EXISTS (SELECT 1 FROM household_versions v"
    " WHERE v.household_id = h.id)";
/* The first flush of a transaction under defer_versions: both tables were empty when it began,
 * so no household has a version yet and none is looked up. (That seek per household and the
 * time formatted for every row were half of the flush.) */
static const char versions_first_flush_sql[] = VERSIONS_FLUSH;

/* Binds ?2 and ?3 of a flush: the households' version the commit will count up to, and now
 * (UTC, as the versions of one household written one at a time have it). */
static int versions_flush_values(bf_store *s, sqlite3_stmt *flush, bf_errors *errs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT " HOUSEHOLDS_VERSION " + 1, "
                           "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", -1, &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "recording the households' versions", errs);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = sqlite3_bind_int64(flush, 2, sqlite3_column_int64(st, 0)) |
             sqlite3_bind_text(flush, 3, (const char *)sqlite3_column_text(st, 1), -1,
                               SQLITE_TRANSIENT);
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? BF_OK
                           : bf__store_fail(s, BF_ESTORE, "recording the households' versions", errs);
}

int bf__store_versions_flush(bf_store *s, bf_errors *errs)
{
    if (!s->deferred)
        return BF_OK;
    s->deferred = false;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, s->flushed ? versions_flush_sql : versions_first_flush_sql, -1,
                           &st, NULL) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "recording the households' versions", errs);
    s->flushed = true;
    int rc = bf__store_bind_opt(st, 1, s->deferred_source) != SQLITE_OK
        ? bf__store_fail(s, BF_ESTORE, "recording the households' versions", errs)
        : versions_flush_values(s, st, errs);
    if (rc == BF_OK)
        rc = bf__store_step_done(s, st, "recording the households' versions", errs);
    sqlite3_finalize(st);
    return rc;
}

void bf__store_versions_forget(bf_store *s)
{
    s->defer_versions = s->deferred = s->flushed = false;
    free(s->deferred_source);
    s->deferred_source = NULL;
}

int bf__store_version_defer(bf_store *s, const char *source, bf_errors *errs)
{
    bool same = s->deferred_source && source ? strcmp(s->deferred_source, source) == 0
                                             : s->deferred_source == source;
    if (s->deferred && same)
        return BF_OK;
    int rc = bf__store_versions_flush(s, errs);
    if (rc != BF_OK)
        return rc;
    free(s->deferred_source);
    s->deferred_source = NULL;
    if (source && !(s->deferred_source = strdup(source))) {
        bf_errors_add(errs, "%s: recording the households' versions: out of memory",
                 s->path);
        return BF_ENOMEM;
    }
    s->deferred = true;
    return BF_OK;
}

int bf__store_version_supersede(bf_store *s, const char *id, bf_errors *errs)
{
    /* the versions held back are written, and from here each household's latest is looked up */
    int frc = bf__store_versions_flush(s, errs);
    bf__store_versions_forget(s);
    s->no_versions = false;
    if (frc != BF_OK)
        return frc;
    bf_household h = {0};
    bf_buf text = {0};
    bool found;
    int rc = bf_store_find_household(s, id, &h, &found, errs);
    if (rc == BF_OK && !found) {
        bf_household_free(&h);
        return BF_OK;
    }
    if (rc == BF_OK)
        rc = record_text(&h, &text);
    int64_t version = 0;
    char *kept = NULL;
    if (rc == BF_OK)
        rc = latest_version(s, id, &version, &kept, errs);
    free(kept);
    if (rc == BF_OK && version == 0)   /* stored without a version (cannot happen since v4) */
        rc = add_version(s, id, version = 1, NULL, NULL, errs);
    if (rc == BF_OK)
        rc = set_kept_record(s, id, version, bf_buf_str(&text), errs);
    if (rc == BF_ENOMEM)
        bf_errors_add(errs, "%s: keeping household %s's previous record: out of "
                 "memory", s->path, id);
    bf_household_free(&h);
    bf_buf_free(&text);
    return rc;
}

int bf__store_version_record(bf_store *s, const bf_household *h, const char *source,
                             bf_errors *errs)
{
    if (s->defer_versions)
        return BF_OK;                  /* held back by bf__store_version_defer */
    int64_t version = 0;
    char *kept = NULL;
    int rc = s->no_versions ? BF_OK : latest_version(s, h->id, &version, &kept, errs);
    if (rc != BF_OK)
        return rc;
    bf_buf text = {0}, changes = {0};
    if (version == 0) {
        rc = add_version(s, h->id, 1, source, NULL, errs);
    } else if (!kept) {                /* the stored record was never superseded */
        rc = add_version(s, h->id, version + 1, source, NULL, errs);
    } else if ((rc = record_text(h, &text)) == BF_OK) {
        if (strcmp(kept, bf_buf_str(&text)) == 0)   /* the same record again: same version */
            rc = set_kept_record(s, h->id, version, NULL, errs);
        else if ((rc = record_changes(kept, bf_buf_str(&text), &changes)) == BF_OK)
            rc = add_version(s, h->id, version + 1, source, bf_buf_str(&changes), errs);
    }
    if (rc == BF_ENOMEM || rc == BF_EINPUT || rc == BF_EUSAGE)
        bf_errors_add(errs, "%s: recording household %s's version: %s", s->path,
                 h->id, rc == BF_ENOMEM ? "out of memory" : "its kept record is unreadable");
    free(kept);
    bf_buf_free(&text);
    bf_buf_free(&changes);
    return rc;
}
