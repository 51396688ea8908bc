/* idplaces.c — the in-memory id table of idplaces.h. */
#include "idplaces.h"

#include <stdlib.h>
#include <string.h>

/* An entry in the arena: this header, then the id and its NUL, padded to 4 bytes. The key is
 * kept as two halves so that the header needs 4-byte alignment only. */
typedef struct entry_head {
    int32_t file, line;
    uint32_t owner;
    uint32_t key_lo, key_hi;
} entry_head;

#define ALIGN 4u
#define SLOT_ENTRY(s) ((uint32_t)((s) & 0xffffffffu) - 1)
#define SLOT_TAG(s) ((uint32_t)((s) >> 32))

/* FNV-1a over the bytes, then the SplitMix64 finaliser for well-mixed high and low bits. */
static uint64_t default_hash(const char *id, size_t len)
{
    uint64_t x = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++)
        x = (x ^ (unsigned char)id[i]) * 0x100000001b3ULL;
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t hash_of(const bf_idplaces *t, const char *id, size_t len)
{
    return (t->hash ? t->hash : default_hash)(id, len);
}

static const entry_head *head_at(const bf_idplaces *t, uint32_t entry)
{
    return (const entry_head *)(t->arena + (size_t)entry * ALIGN);
}

static const char *id_at(const bf_idplaces *t, uint32_t entry)
{
    return (const char *)(head_at(t, entry) + 1);
}

/* The slot holding id (hash h), or the free slot where it goes. */
static uint64_t find_slot(const bf_idplaces *t, const char *id, uint64_t h)
{
    uint64_t mask = t->n_slots - 1, i = h & mask;
    uint32_t tag = (uint32_t)(h >> 32);
    for (; t->slots[i]; i = (i + 1) & mask)
        if (SLOT_TAG(t->slots[i]) == tag && strcmp(id_at(t, SLOT_ENTRY(t->slots[i])), id) == 0)
            break;
    return i;
}

/* Doubles the slots (kept at most half full); false when out of memory. */
static bool grow_slots(bf_idplaces *t)
{
    uint64_t n = t->n_slots ? t->n_slots * 2 : 1024;
    uint64_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return false;
    for (uint64_t i = 0; i < t->n_slots; i++) {
        uint64_t s = t->slots[i];
        if (!s)
            continue;
        /* the slot's position is the low bits of the hash: computed again from the id */
        const char *id = id_at(t, SLOT_ENTRY(s));
        uint64_t j = hash_of(t, id, strlen(id)) & (n - 1);
        while (slots[j])
            j = (j + 1) & (n - 1);
        slots[j] = s;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n;
    return true;
}

/* Room for need more bytes of arena, whose entries stay addressable by 32 bits; false when
 * out of memory. */
static bool reserve(bf_idplaces *t, size_t need)
{
    if (t->len + need <= t->cap)
        return true;
    size_t cap = t->cap ? t->cap : 1 << 16;
    while (cap < t->len + need)
        cap *= 2;
    if (cap / ALIGN >= UINT32_MAX)
        return false;
    char *grown = realloc(t->arena, cap);
    if (!grown)
        return false;
    t->arena = grown;
    t->cap = cap;
    return true;
}

int bf_idplaces_add(bf_idplaces *t, const char *id, int file, int line, uint32_t owner,
                    int64_t key, uint32_t *entry)
{
    if ((t->used + 1) * 2 > t->n_slots && !grow_slots(t))
        return -1;
    size_t len = strlen(id);
    uint64_t h = hash_of(t, id, len);
    uint64_t i = find_slot(t, id, h);
    if (t->slots[i]) {
        *entry = SLOT_ENTRY(t->slots[i]);
        return 0;
    }
    size_t size = (sizeof(entry_head) + len + 1 + ALIGN - 1) / ALIGN * ALIGN;
    if (!reserve(t, size))
        return -1;
    entry_head head = {file, line, owner, (uint32_t)((uint64_t)key & 0xffffffffu),
                       (uint32_t)((uint64_t)key >> 32)};
    memcpy(t->arena + t->len, &head, sizeof head);
    memcpy(t->arena + t->len + sizeof head, id, len + 1);
    *entry = (uint32_t)(t->len / ALIGN);
    t->len += size;
    t->slots[i] = (h >> 32 << 32) | ((uint64_t)*entry + 1);
    t->used++;
    return 1;
}

bool bf_idplaces_find(const bf_idplaces *t, const char *id, uint32_t *entry)
{
    if (!t->n_slots)
        return false;
    uint64_t s = t->slots[find_slot(t, id, hash_of(t, id, strlen(id)))];
    if (s)
        *entry = SLOT_ENTRY(s);
    return s != 0;
}

bf_idplace bf_idplaces_get(const bf_idplaces *t, uint32_t entry)
{
    entry_head head;
    memcpy(&head, head_at(t, entry), sizeof head);
    return (bf_idplace){id_at(t, entry), head.file, head.line, head.owner,
                        (int64_t)((uint64_t)head.key_hi << 32 | head.key_lo)};
}

bool bf_idplaces_next(const bf_idplaces *t, size_t *cursor, uint32_t *entry)
{
    if (*cursor >= t->len)
        return false;
    *entry = (uint32_t)(*cursor / ALIGN);
    size_t len = strlen(id_at(t, *entry));
    *cursor += (sizeof(entry_head) + len + 1 + ALIGN - 1) / ALIGN * ALIGN;
    return true;
}

void bf_idplaces_free(bf_idplaces *t)
{
    free(t->arena);
    free(t->slots);
    bf_idplaces_hash_fn hash = t->hash;
    *t = (bf_idplaces){.hash = hash};
}
