/* idset.h — a set of 64-bit keys in memory (open addressing), for the ID numbers of an import:
 * 8 bytes a key at most 3/4 full, so that checking one person in one household costs no SQL. */
#ifndef BF_IDSET_H
#define BF_IDSET_H

#include <stdbool.h>
#include <stdint.h>

typedef struct bf_idset {
    uint64_t *slots;       /* 0: free; a key k is stored as k + 1 */
    uint64_t n_slots;      /* a power of two, or 0 */
    uint64_t used;
} bf_idset;

/* Adds key (below UINT64_MAX): 1 when it was new, 0 when already there, -1 out of memory. */
int bf__idset_add(bf_idset *s, uint64_t key);
/* Frees the set; it is empty and usable afterwards. */
void bf__idset_free(bf_idset *s);

#endif
