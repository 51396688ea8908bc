/* idplaces.h — the ids of an import and where each was first read, in memory: one hash table of
 * 64-bit slots (a 32-bit hash tag and the entry) over one arena of entries (where, then the id's
 * bytes), so that finding a duplicate household or member id costs no SQL and a duplicate can
 * still name its first occurrence. Two ids with the same hash are told apart by their bytes. */
#ifndef BF_IDPLACES_H
#define BF_IDPLACES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The hash of an id's len bytes. */
typedef uint64_t (*bf_idplaces_hash_fn)(const char *id, size_t len);

typedef struct bf_idplaces {
    char *arena;                  /* the entries, each 4-byte aligned */
    size_t len, cap;
    uint64_t *slots;              /* 0: free; else the hash's high 32 bits << 32 | entry/4 + 1 */
    uint64_t n_slots;             /* a power of two, or 0 */
    uint64_t used;
    bf_idplaces_hash_fn hash;     /* NULL: the default; tests set one that collides */
} bf_idplaces;

/* One entry: the id and where the caller says it was read. */
typedef struct bf_idplace {
    const char *id;               /* inside the table: valid until the next add */
    int file, line;               /* the caller's file number and line */
    uint32_t owner;               /* the caller's number (a member's household entry) */
    int64_t key;                  /* the caller's key (a member's ID number key), -1 for none */
} bf_idplace;

/* Adds id read at file:line with owner and key unless it is there: 1 added, 0 already there,
 * -1 out of memory; *entry is the id's entry either way (the first one's when already there). */
int bf_idplaces_add(bf_idplaces *t, const char *id, int file, int line, uint32_t owner,
                    int64_t key, uint32_t *entry);
/* True when id is in the table, with its entry. */
bool bf_idplaces_find(const bf_idplaces *t, const char *id, uint32_t *entry);
/* What entry holds. */
bf_idplace bf_idplaces_get(const bf_idplaces *t, uint32_t entry);
/* The entries in the order they were added: *cursor starts at 0; false after the last. */
bool bf_idplaces_next(const bf_idplaces *t, size_t *cursor, uint32_t *entry);
/* Frees the table; it is empty and usable afterwards (with the same hash). */
void bf_idplaces_free(bf_idplaces *t);

#endif
