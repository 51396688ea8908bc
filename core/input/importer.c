/* importer.c — one household at a time inside an import: the validator, the rules, duplicate
 * ids and ID numbers across the import and the store, then the insert while nothing failed. */
#include "importer.h"
#include "i18n.h"
#include "bangfu.h"
#include "idplaces.h"
#include "idset.h"
#include "inserter.h"
#include "plugin.h"
#include "rules.h"
#include "staging.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An ID number also held by a stored household, reported at the end unless that household is
 * replaced by this import (a member moving household is no duplicate). */
typedef struct stored_clash {
    char household[BF_ID_BYTES];     /* the stored household */
    char *msg;                       /* the complete message */
} stored_clash;

typedef struct bf_importer importer;

struct bf_importer {
    bf_store *s;
    bf_staging *staging;     /* the stored ID numbers, when the store was not empty */
    bf_idplaces households;  /* the household ids of this import: where first read */
    bf_idplaces members;     /* the member ids: where first read, household entry, ID number key */
    const bf_import_options *opt;
    char **files;            /* every file name records came from; the id tables keep indices */
    int n_files, cap_files;
    bf_errors *errs;
    bf_import_stats *stats;
    int rc;                  /* first fatal error (store, memory); BF_OK while none */
    bool store_empty;        /* no household stored before: no look-up in the store */
    stored_clash *clashes;   /* ID numbers also in stored households, decided at the end */
    int n_clashes, cap_clashes;
    bf_idset idnumbers;      /* the ID numbers of this import (idnumber_key) */
    bf_inserter *inserter;   /* the insert thread, when the store was empty; NULL: in place */
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

const char *bf__importer_file(bf_importer *im, const char *file)
{
    int i = file ? file_index(im, file) : -1;
    if (i < 0 && file && im->rc == BF_OK)
        im->rc = BF_ENOMEM;
    return i < 0 ? NULL : im->files[i];
}

/* A store failure (its message already in im->errs) stops the import. */
static int store_failed(importer *im)
{
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

/* No household entry: a member of a household without an id. */
#define NO_HOUSEHOLD UINT32_MAX

/* Records id in table t as read at file:line (with owner and key); *first is false when it was
 * recorded before, and *entry is where it was recorded first. */
static int add_id(importer *im, bf_idplaces *t, const char *id, const char *file, int line,
                  uint32_t owner, int64_t key, bool *first, uint32_t *entry)
{
    int index = file_index(im, file);
    int added = index < 0 ? -1 : bf_idplaces_add(t, id, index, line, owner, key, entry);
    if (added < 0) {
        if (im->rc == BF_OK)
            im->rc = BF_ENOMEM;
        bf_errors_add(im->errs, "%s", _("out of memory while checking the ids of the import"));
        return BF_ENOMEM;
    }
    *first = added == 1;
    return BF_OK;
}

/* "file:line" of an entry of the id tables. */
static void place_text(const importer *im, const bf_idplace *p, char *out, size_t size)
{
    snprintf(out, size, "%s:%d", im->files[p->file], p->line);
}

/* The household id of a member entry's household ("" for a household without an id). */
static const char *owner_id(const importer *im, const bf_idplace *member)
{
    return member->owner == NO_HOUSEHOLD ? ""
                                         : bf_idplaces_get(&im->households, member->owner).id;
}

/* Household id: unique within the import; already stored is an error unless --replace, which
 * deletes the stored one (with its members) first. *entry is the id's entry in im->households
 * (its first occurrence's). Returns the number of errors added. */
static int check_household_id(importer *im, const bf_household *h, const char *file,
                              const bf_locator *loc, bool *stored_conflict, uint32_t *entry)
{
    *stored_conflict = false;
    bool first;
    if (add_id(im, &im->households, h->id, file, h->line, NO_HOUSEHOLD, -1, &first, entry) != BF_OK)
        return 0;
    if (!first) {
        bf_idplace p = bf_idplaces_get(&im->households, *entry);
        char where[600];
        place_text(im, &p, where, sizeof where);
        bf__field_error(im->errs, loc, file, h, NULL, "id", _("duplicate household id (first at %s)"),
                        where);
        return 1;
    }
    bool exists = false;
    if (!im->store_empty && bf_store_household_exists(im->s, h->id, &exists, im->errs) != BF_OK) {
        store_failed(im);
        return 0;
    }
    if (!exists)
        return 0;
    if (!im->opt->replace) {
        bf__field_error(im->errs, loc, file, h, NULL, "id", _("household id is already in the "
                        "database %s (use --replace to replace it)"), bf_store_path(im->s));
        *stored_conflict = true;
        return 1;
    }
    if (bf_store_delete_household(im->s, h->id, im->errs) != BF_OK) {
        store_failed(im);
        return 0;
    }
    im->stats->replaced++;
    return 0;
}

/* Member ids: unique across the import and the store; household is h's entry in
 * im->households (NO_HOUSEHOLD when h has no id). Returns the number of errors added. */
static int check_member_ids(importer *im, const bf_household *h, uint32_t household,
                            const char *file, const bf_locator *loc, bool check_store)
{
    int n = 0;
    for (int i = 0; i < h->n_members && im->rc == BF_OK; i++) {
        const bf_member *m = &h->members[i];
        bool first;
        uint32_t entry;
        if (!m->id[0] || add_id(im, &im->members, m->id, m->file ? m->file : file, m->line,
                                household, idnumber_key(m->idnumber), &first, &entry) != BF_OK)
            continue;
        if (!first) {
            bf_idplace p = bf_idplaces_get(&im->members, entry);
            const char *other = owner_id(im, &p);
            if (strcmp(other, h->id) != 0) {   /* inside one household the validator says it */
                char where[600];
                place_text(im, &p, where, sizeof where);
                bf__field_error(im->errs, loc, file, h, m, "id", _("duplicate member id (also in "
                                "household %s at %s)"), other, where);
                n++;
            }
            continue;
        }
        bool exists;
        if (!check_store || im->store_empty)
            continue;
        if (bf_store_member_exists(im->s, m->id, &exists, im->errs) != BF_OK) {
            store_failed(im);
            continue;
        }
        if (exists) {
            bf__field_error(im->errs, loc, file, h, m, "id", _("member id is already in the database "
                            "%s (in another household)"), bf_store_path(im->s));
            n++;
        }
    }
    return n;
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
    bf__text_copy(c->household, sizeof c->household, household);
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
    if (im->store_empty)
        return;
    bool found;
    bf_staged_place p;
    if (bf_staging_stored_idnumber(im->staging, key, &found, &p, im->errs) != BF_OK) {
        store_failed(im);
        return;
    }
    if (!found || strcmp(p.household, h->id) == 0)   /* the household itself, replaced or refused */
        return;
    const char *household = p.household, *member = p.member;
    char masked[BF_IDNUMBER_LEN + 1];
    bf_mask_idnumber(m->idnumber, masked);
    bf_errors one;
    bf_errors_init(&one, 1);
    bf__field_error(&one, loc, file, h, m, "idnumber", _("idnumber %s is also member %s of "
                    "household %s in the database %s; one person can be in one household only"),
                    masked, member, household, bf_store_path(im->s));
    if (one.count)
        hold_clash(im, household, one.msgs[0]);
    bf_errors_free(&one);
}

/* Names the member of this import other than m (of h) who holds key, the first one read:
 * "member M of household H (file:line)" into out; "" when none is found (its member id was
 * refused). A scan of every member: only for a message that is printed. */
static void other_holder(const importer *im, const bf_household *h, const bf_member *m,
                         int64_t key, char *out, size_t size)
{
    out[0] = '\0';
    size_t cursor = 0;
    uint32_t entry;
    while (bf_idplaces_next(&im->members, &cursor, &entry)) {
        bf_idplace p = bf_idplaces_get(&im->members, entry);
        if (p.key != key)
            continue;
        const char *household = owner_id(im, &p);
        if (strcmp(p.id, m->id) == 0 && strcmp(household, h->id) == 0)
            continue;                  /* m itself */
        snprintf(out, size, _("member %s of household %s (%s:%d)"), p.id, household,
                 im->files[p.file], p.line);
        return;
    }
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
        int added = bf__idset_add(&im->idnumbers, (uint64_t)key);
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
            bf__field_error(im->errs, loc, file, h, m, "idnumber", _("idnumber %s is also %s; one "
                            "person can be in one household only"), masked, other);
        else
            bf__field_error(im->errs, loc, file, h, m, "idnumber", _("idnumber %s is also held by "
                            "another member of this import; one person can be in one household "
                            "only"), masked);
    }
    return n;
}

/* Reports the clashes with stored households that this import did not replace. */
static void report_clashes(importer *im)
{
    for (int i = 0; i < im->n_clashes; i++) {
        stored_clash *c = &im->clashes[i];
        uint32_t entry;
        if (!bf_idplaces_find(&im->households, c->household, &entry))   /* not replaced */
            bf_errors_add(im->errs, "%s", c->msg);
        free(c->msg);
    }
    free(im->clashes);
    im->clashes = NULL;
    im->n_clashes = im->cap_clashes = 0;
}

/* Inserts h, on the insert thread when there is one; a failure stops the import. */
static int insert(importer *im, const bf_household *h, const char *file)
{
    if (im->inserter) {
        int rc = bf_inserter_add(im->inserter, h, file);
        if (rc == BF_ENOMEM)
            bf_errors_add(im->errs, "%s", _("out of memory while importing"));
        if (rc != BF_OK)
            im->rc = rc;       /* the store's message is added when the thread ends */
        return rc;
    }
    if (bf_store_insert_household_from(im->s, h, file, im->errs) != BF_OK)
        im->rc = BF_ESTORE;
    return im->rc;
}

/* Waits for the insert thread to write what it holds and stops it; its failure stops the
 * import with the store's message. */
static void end_inserts(importer *im)
{
    bf_errors ins;               /* the failed insert's message, shown unless out of memory */
    bf_errors_init(&ins, 1);
    int rc = bf_inserter_finish(im->inserter, &ins);
    im->inserter = NULL;
    if (rc == BF_ENOMEM)
        bf_errors_add(im->errs, "%s", _("out of memory while importing"));
    else if (rc != BF_OK)
        bf_errors_add(im->errs, "%s", bf_errors_first(&ins));
    bf_errors_free(&ins);
    if (rc != BF_OK)
        im->rc = rc;
}

int bf__importer_take(bf_importer *im, const bf_household *h, const char *file,
                      const bf_locator *loc)
{
    if (im->rc != BF_OK)
        return im->rc;
    bf_rules rules = {im->opt->today, im->opt->areas};
    int errors = bf__household_validate_at(h, file, loc, im->opt->today, im->errs);
    errors += bf_rules_check(h, file, loc, &rules, im->errs);
    bool stored_conflict = false;
    uint32_t household = NO_HOUSEHOLD;
    if (h->id[0])
        errors += check_household_id(im, h, file, loc, &stored_conflict, &household);
    errors += check_member_ids(im, h, household, file, loc, !stored_conflict);
    errors += check_idnumbers(im, h, file, loc);
    /* After the first error nothing will be committed: keep checking, stop inserting. A check
     * inserts nothing either (its transaction is rolled back). */
    if (errors || h->rejected || bf_errors_total(im->errs) > 0 || im->rc != BF_OK)
        return im->rc;
    for (int i = 0; i < h->n_members; i++)
        if (h->members[i].rejected)
            return im->rc;
    if (!im->opt->check_only && insert(im, h, file) != BF_OK)
        return im->rc;
    im->stats->households++;
    im->stats->members += h->n_members;
    return BF_OK;
}

void bf__importer_error(bf_importer *im, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bf_errors_add(im->errs, "%s", msg);
}

int bf__importer_error_count(const bf_importer *im)
{
    return bf_errors_total(im->errs);
}

int bf__importer_status(const bf_importer *im)
{
    return im->rc;
}

void bf__importer_stop(bf_importer *im, int rc)
{
    if (im->rc == BF_OK)
        im->rc = rc;
}

int bf__importer_open(bf_store *s, const bf_import_options *opt, bf_import_stats *stats,
                      bf_errors *errs, bf_importer **out)
{
    *out = NULL;
    importer *im = calloc(1, sizeof *im);
    if (!im)
        return BF_ENOMEM;
    *im = (importer){.s = s, .opt = opt, .errs = errs, .stats = stats, .rc = BF_OK};
    int rc = bf_staging_open(s, &im->staging, errs);
    if (rc != BF_OK) {
        free(im);
        return rc;
    }
    *out = im;
    return BF_OK;
}

int bf__importer_start(bf_importer *im)
{
    int64_t households = 0, members = 0;
    if (bf_store_count(im->s, &households, &members, im->errs) != BF_OK)
        return store_failed(im);
    /* counted inside the transaction, so no other writer can add households meanwhile */
    im->store_empty = households == 0 && members == 0;
    if (!im->store_empty && bf_staging_load_stored_idnumbers(im->staging, im->errs) != BF_OK)
        store_failed(im);
    /* An empty store is looked up nowhere during the import (see store_empty): the inserts may
     * run on a thread of their own while the next households are read and checked. */
    if (im->rc == BF_OK && im->store_empty && !im->opt->check_only &&
        bf_inserter_start(im->s, &im->inserter) != BF_OK)
        im->inserter = NULL;                  /* no thread: insert in place */
    return im->rc;
}

int bf__importer_finish(bf_importer *im)
{
    end_inserts(im);
    if (im->rc == BF_OK)
        report_clashes(im);
    return im->rc;
}

void bf__importer_close(bf_importer *im)
{
    if (!im)
        return;
    end_inserts(im);
    bf__idset_free(&im->idnumbers);
    bf_idplaces_free(&im->households);
    bf_idplaces_free(&im->members);
    for (int i = 0; i < im->n_clashes; i++)
        free(im->clashes[i].msg);
    free(im->clashes);
    bf_staging_close(im->staging);
    for (int i = 0; i < im->n_files; i++)
        free(im->files[i]);
    free(im->files);
    free(im);
}
