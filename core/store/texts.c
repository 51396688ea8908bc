/* texts.c — a run's decision texts (reasons, details) written once each: the writer remembers,
 * per run, which texts it stored under which id (schema.c, decision_texts), so that a decision
 * whose texts equal an earlier one's refers to that row instead of repeating them; and which
 * policies' names it wrote (run_policy_ids). */
#include "internal.h"
#include "bangfu.h"

#include <stdlib.h>
#include <string.h>

/* Texts are remembered whole up to this many bytes; beyond, a text's hash and id only, and a
 * text with the same hash is compared with the stored row (one read): the memory stays small on
 * any county, and the texts that repeat most, met first, are compared without reading. */
#define TEXTS_MAX_BYTES (48u << 20)
#define TEXTS_FIRST_SLOTS 4096u

typedef struct text_slot {
    uint64_t hash;             /* 0: empty */
    int64_t id;
    char *key;                 /* reasons \0 details-flag details, or NULL: compare with the
                                * stored row */
    size_t len;
} text_slot;

struct bf__texts {
    int64_t run_id;
    text_slot *slots;
    size_t n_slots, used, bytes;
    size_t max_bytes;          /* TEXTS_MAX_BYTES, or what bf_store_texts_memory set */
    char *scratch;             /* the key being looked up */
    size_t scratch_cap;
    bool *named;               /* per policy_seq: its name is in run_policy_ids */
    int n_named;
};

/* A 64-bit hash, eight bytes at a time (never 0: 0 marks an empty slot). */
static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15u ^ n;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
    h ^= h >> 29;
    return h ? h : 1;
}

static void forget_all(bf__texts *t)
{
    for (size_t i = 0; i < t->n_slots; i++)
        free(t->slots[i].key);
    free(t->slots);
    t->slots = NULL;
    t->n_slots = t->used = t->bytes = 0;
    free(t->named);
    t->named = NULL;
    t->n_named = 0;
}

void bf__store_texts_forget(bf_store *s)
{
    if (s->texts)
        forget_all(s->texts);
}

void bf__store_texts_free(bf_store *s)
{
    if (!s->texts)
        return;
    forget_all(s->texts);
    free(s->texts->scratch);
    free(s->texts);
    s->texts = NULL;
}

/* Whether the stored texts of row id are key (made by make_key). */
static bool stored_texts_are(bf_store *s, int64_t id, const char *key, size_t len, int *rc,
                             bf_errors *errs)
{
    sqlite3_stmt *st = s->stmt[ST_DECISION_TEXT_GET];
    sqlite3_reset(st);
    bool same = false;
    if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
        *rc = bf__store_fail(s, BF_ESTORE, "reading a decision's texts", errs);
    } else {
        const char *p = key, *end = key + len;
        for (int col = 0; col < 2 && p <= end; col++) {
            bool null = sqlite3_column_type(st, col) == SQLITE_NULL;
            const char *v = (const char *)sqlite3_column_text(st, col);
            size_t n = (size_t)sqlite3_column_bytes(st, col);
            if (col == 1) {            /* the details flag, then the details to the end */
                same = *p == (null ? 'n' : 'd') && (size_t)(end - p - 1) == n &&
                       (n == 0 || memcmp(p + 1, v, n) == 0);
                break;
            }
            if (null || (size_t)(end - p) < n + 1 || memcmp(p, v, n) != 0 || p[n] != '\0')
                break;
            p += n + 1;
        }
    }
    sqlite3_reset(st);
    return same;
}

/* The slot of key (hash h): the one holding it, or the empty one where it goes. */
static text_slot *find_slot(bf_store *s, const bf__texts *t, uint64_t h, const char *key,
                            size_t len, int *rc, bf_errors *errs)
{
    size_t mask = t->n_slots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        text_slot *sl = &t->slots[i];
        if (!sl->hash)
            return sl;
        if (sl->hash != h || sl->len != len)
            continue;
        if (sl->key ? memcmp(sl->key, key, len) == 0
                    : stored_texts_are(s, sl->id, key, len, rc, errs))
            return sl;
        if (*rc != BF_OK)
            return NULL;
    }
}

/* The empty slot for hash h (while growing: every key is there once). */
static text_slot *empty_slot(const bf__texts *t, uint64_t h)
{
    size_t mask = t->n_slots - 1;
    size_t i = h & mask;
    while (t->slots[i].hash)
        i = (i + 1) & mask;
    return &t->slots[i];
}

/* Doubles the table (or makes the first); false when out of memory. */
static bool grow(bf__texts *t)
{
    size_t n = t->n_slots ? t->n_slots * 2 : TEXTS_FIRST_SLOTS;
    text_slot *slots = calloc(n, sizeof *slots), *old = t->slots;
    if (!slots)
        return false;
    size_t old_n = t->n_slots;
    t->slots = slots;
    t->n_slots = n;
    for (size_t i = 0; i < old_n; i++)
        if (old[i].hash)
            *empty_slot(t, old[i].hash) = old[i];
    free(old);
    return true;
}

/* Builds the key of a decision's texts in the scratch buffer; its length, or 0 out of memory. */
static size_t make_key(bf__texts *t, const char *reasons, const char *details)
{
    size_t lr = strlen(reasons), ld = details ? strlen(details) : 0;
    size_t len = lr + 1 + 1 + ld;
    if (len > t->scratch_cap) {
        char *grown = realloc(t->scratch, len);
        if (!grown)
            return 0;
        t->scratch = grown;
        t->scratch_cap = len;
    }
    char *k = t->scratch;
    memcpy(k, reasons, lr + 1);
    k[lr + 1] = details ? 'd' : 'n';           /* NULL details differ from "" */
    memcpy(k + lr + 2, details ? details : "", ld);
    return len;
}

/* Inserts the texts as a new row of run_id; its id in *id. */
static int insert_texts(bf_store *s, int64_t run_id, const char *reasons, const char *details,
                        int64_t *id, bf_errors *errs)
{
    sqlite3_stmt *st = s->stmt[ST_DECISION_TEXT];
    sqlite3_reset(st);
    if ((sqlite3_bind_int64(st, 1, run_id) | sqlite3_bind_text(st, 2, reasons, -1, SQLITE_STATIC) |
         bf__store_bind_opt(st, 3, details)) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding a decision's texts", errs);
    int rc = bf__store_step_done(s, st, "recording a decision's texts", errs);
    if (rc == BF_OK)
        *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

/* The store's texts memory, made on first use; NULL out of memory. */
static bf__texts *texts_of(bf_store *s)
{
    if (!s->texts && (s->texts = calloc(1, sizeof *s->texts)) != NULL)
        s->texts->max_bytes = TEXTS_MAX_BYTES;
    return s->texts;
}

int bf_store_texts_memory(bf_store *s, size_t bytes, bf_errors *errs)
{
    if (!texts_of(s))
        return bf__store_error(s, BF_ENOMEM, "out of memory", errs);
    s->texts->max_bytes = bytes;
    return BF_OK;
}

/* The store's texts memory for run_id (forgetting another run's); NULL out of memory. */
static bf__texts *texts_of_run(bf_store *s, int64_t run_id)
{
    bf__texts *t = texts_of(s);
    if (t && t->run_id != run_id) {
        forget_all(t);
        t->run_id = run_id;
    }
    return t;
}

int bf__store_policy_id(bf_store *s, int64_t run_id, int policy_seq, const char *policy,
                        bf_errors *errs)
{
    bf__texts *t = texts_of_run(s, run_id);
    if (!t || policy_seq < 0)
        return bf__store_error(s, BF_ENOMEM, "recording a decision: out of memory", errs);
    if (policy_seq < t->n_named && t->named[policy_seq])
        return BF_OK;
    if (policy_seq >= t->n_named) {
        int n = policy_seq + 16;
        bool *named = realloc(t->named, sizeof *named * (size_t)n);
        if (!named)
            return bf__store_error(s, BF_ENOMEM, "recording a decision: out of memory", errs);
        memset(named + t->n_named, 0, sizeof *named * (size_t)(n - t->n_named));
        t->named = named;
        t->n_named = n;
    }
    sqlite3_stmt *st = s->stmt[ST_RUN_POLICY_ID];
    sqlite3_reset(st);
    if ((sqlite3_bind_int64(st, 1, run_id) | sqlite3_bind_int(st, 2, policy_seq) |
         sqlite3_bind_text(st, 3, policy, -1, SQLITE_STATIC)) != SQLITE_OK)
        return bf__store_fail(s, BF_ESTORE, "binding a decision's policy", errs);
    int rc = bf__store_step_done(s, st, "recording a decision's policy", errs);
    t->named[policy_seq] = rc == BF_OK;
    return rc;
}

int bf__store_text_id(bf_store *s, int64_t run_id, const char *reasons, const char *details,
                      int64_t *id, bf_errors *errs)
{
    bf__texts *t = texts_of_run(s, run_id);
    if (!t)
        return bf__store_error(s, BF_ENOMEM, "recording a decision: out of memory", errs);
    size_t len = make_key(t, reasons, details);
    if (!len || ((t->used + 1) * 4 > t->n_slots * 3 && !grow(t)))
        return bf__store_error(s, BF_ENOMEM, "recording a decision: out of memory", errs);
    uint64_t h = hash_bytes(t->scratch, len);
    int rc = BF_OK;
    text_slot *sl = find_slot(s, t, h, t->scratch, len, &rc, errs);
    if (!sl)
        return rc;
    if (sl->hash) {
        *id = sl->id;
        return BF_OK;
    }
    rc = insert_texts(s, run_id, reasons, details, id, errs);
    if (rc != BF_OK)
        return rc;
    char *key = NULL;
    if (t->bytes + len <= t->max_bytes && (key = malloc(len)) != NULL) {
        memcpy(key, t->scratch, len);
        t->bytes += len;
    }
    *sl = (text_slot){h, *id, key, len};     /* without its key when memory is short */
    t->used++;
    return BF_OK;
}
