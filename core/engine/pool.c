/* pool.c — size-class free lists for one Lua state (see pool.h). */
#include "pool.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES (64 * 1024)

/* The chunk header is padded to 16 bytes so that every block stays 16-byte aligned. */
struct bf_pool_chunk {
    bf_pool_chunk *next;
    void *pad;
};

static size_t class_of(size_t size)
{
    return (size + 15) / 16;
}

static int is_small(size_t size)
{
    return size <= BF_POOL_SMALL_MAX;
}

/* The rest of a used-up chunk is left: at most 255 bytes per 64 KiB. */
void *bf__pool_carve(bf_pool *pool, size_t c)
{
    size_t bytes = c * 16;
    if ((size_t)(pool->end - pool->next) < bytes) {
        bf_pool_chunk *chunk = malloc(CHUNK_BYTES);
        if (!chunk)
            return NULL;
        chunk->next = pool->chunks;
        pool->chunks = chunk;
        pool->chunk_bytes += CHUNK_BYTES;
        pool->next = (char *)chunk + sizeof *chunk;
        pool->end = (char *)chunk + CHUNK_BYTES;
    }
    void *p = pool->next;
    pool->next += bytes;
    return p;
}

void *bf__pool_resize(bf_pool *pool, void *ptr, size_t osize, size_t nsize)
{
    if (!ptr)
        return bf__pool_alloc(pool, nsize);
    if (is_small(osize) && is_small(nsize) && class_of(osize) == class_of(nsize))
        return ptr;
    if (!is_small(osize) && !is_small(nsize))
        return realloc(ptr, nsize);
    void *p = bf__pool_alloc(pool, nsize);
    if (!p)
        return NULL;
    memcpy(p, ptr, osize < nsize ? osize : nsize);
    bf__pool_release(pool, ptr, osize);
    return p;
}

void bf__pool_free_all(bf_pool *pool)
{
    bf_pool_chunk *c = pool->chunks;
    while (c) {
        bf_pool_chunk *next = c->next;
        free(c);
        c = next;
    }
    memset(pool, 0, sizeof *pool);
}
