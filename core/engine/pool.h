/* pool.h — a small-block allocator for one Lua state: size classes of 16 bytes up to
 * BF_POOL_SMALL_MAX, each a free list carved from 64 KiB chunks; larger blocks go to malloc.
 *
 * Why: an evaluation creates and drops a few hundred small objects (decision tables, reasons,
 * strings); glibc's malloc/free cost about a tenth of the evaluation time (callgrind, issue 6),
 * a free list a few instructions. Not thread-safe: one pool per Lua state, used by the thread
 * that runs the state. Chunks go back to the system only in bf__pool_free_all.
 * Private to core/engine (the sandbox's allocator), hence bf__. */
#ifndef BF_POOL_H
#define BF_POOL_H

#include <stddef.h>
#include <stdlib.h>

#define BF_POOL_SMALL_MAX 256      /* blocks up to this many bytes come from the free lists */
#define BF_POOL_CLASSES (BF_POOL_SMALL_MAX / 16)

typedef struct bf_pool_block {
    struct bf_pool_block *next;
} bf_pool_block;
typedef struct bf_pool_chunk bf_pool_chunk;

typedef struct bf_pool {
    bf_pool_block *free[BF_POOL_CLASSES + 1];  /* by class: (size + 15) / 16 */
    bf_pool_chunk *chunks;                     /* every chunk, newest first */
    char *next, *end;                          /* the unused rest of the newest chunk */
    size_t chunk_bytes;                        /* bytes held in chunks */
} bf_pool;

/* Carves a block of class c (16-byte units) from the newest chunk, starting a new one when it is
 * used up; NULL when out of memory. */
void *bf__pool_carve(bf_pool *pool, size_t c);

/* A block of size bytes (> 0), or NULL when out of memory. Inline: the Lua state's allocator
 * calls it for every table and string (about ten times per evaluation). */
static inline void *bf__pool_alloc(bf_pool *pool, size_t size)
{
    if (size > BF_POOL_SMALL_MAX)
        return malloc(size);
    size_t c = (size + 15) / 16;
    bf_pool_block *b = pool->free[c];
    if (b) {
        pool->free[c] = b->next;
        return b;
    }
    return bf__pool_carve(pool, c);
}

/* Returns a block of size bytes (as allocated) to the pool; ptr may be NULL. */
static inline void bf__pool_release(bf_pool *pool, void *ptr, size_t size)
{
    if (!ptr)
        return;
    if (size > BF_POOL_SMALL_MAX) {
        free(ptr);
        return;
    }
    size_t c = (size + 15) / 16;
    bf_pool_block *b = ptr;
    b->next = pool->free[c];
    pool->free[c] = b;
}

/* Resizes a block of osize bytes to nsize (> 0) bytes, keeping its contents like realloc;
 * NULL (the block unchanged) when out of memory. */
void *bf__pool_resize(bf_pool *pool, void *ptr, size_t osize, size_t nsize);

/* Frees every chunk; blocks still allocated from the pool become invalid. */
void bf__pool_free_all(bf_pool *pool);

#endif
