/* idset.c — the in-memory key set of idset.h. */
#include "idset.h"

#include <stdlib.h>

/* A well-mixed slot for key (the finaliser of SplitMix64). */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The slot of stored value v: its own, or the free one where it goes. */
static uint64_t find(const bf_idset *s, uint64_t v)
{
    uint64_t mask = s->n_slots - 1, i = mix(v) & mask;
    while (s->slots[i] && s->slots[i] != v)
        i = (i + 1) & mask;
    return i;
}

/* Doubles the table; false when out of memory. */
static bool grow(bf_idset *s)
{
    uint64_t n = s->n_slots ? s->n_slots * 2 : 1024;
    uint64_t *old = s->slots, old_n = s->n_slots;
    if (!(s->slots = calloc(n, sizeof *s->slots))) {
        s->slots = old;
        return false;
    }
    s->n_slots = n;
    for (uint64_t i = 0; i < old_n; i++)
        if (old[i])
            s->slots[find(s, old[i])] = old[i];
    free(old);
    return true;
}

int bf__idset_add(bf_idset *s, uint64_t key)
{
    if ((s->used + 1) * 4 > s->n_slots * 3 && !grow(s))
        return -1;
    uint64_t i = find(s, key + 1);
    if (s->slots[i])
        return 0;
    s->slots[i] = key + 1;
    s->used++;
    return 1;
}

void bf__idset_free(bf_idset *s)
{
    free(s->slots);
    s->slots = NULL;
    s->n_slots = s->used = 0;
}
