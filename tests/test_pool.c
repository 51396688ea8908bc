/* test_pool.c — the small-block allocator of a Lua state keeps contents, alignment and reuse. */
#include <criterion/criterion.h>

#include "pool.h"

#include <stdint.h>
#include <string.h>

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7);
}

static bool same_fill(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i * 7))
            return false;
    return true;
}

Test(pool, blocks_are_aligned_and_distinct)
{
    bf_pool pool = {0};
    unsigned char *a = bf__pool_alloc(&pool, 24), *b = bf__pool_alloc(&pool, 24);
    unsigned char *c = bf__pool_alloc(&pool, 1000);
    cr_assert(a && b && c);
    cr_expect_eq((uintptr_t)a % 16, 0);
    cr_expect_eq((uintptr_t)b % 16, 0);
    cr_expect_geq((size_t)(b > a ? b - a : a - b), 32);   /* 24 bytes take a 32-byte block */
    fill(a, 24, 1);
    fill(b, 24, 2);
    cr_expect(same_fill(a, 24, 1));
    bf__pool_release(&pool, c, 1000);
    bf__pool_free_all(&pool);
}

Test(pool, released_block_is_reused_by_its_class_only)
{
    bf_pool pool = {0};
    void *a = bf__pool_alloc(&pool, 40);                   /* class of 48 bytes */
    bf__pool_release(&pool, a, 40);
    void *other = bf__pool_alloc(&pool, 80);               /* another class: a new block */
    cr_expect_neq(other, a);
    void *again = bf__pool_alloc(&pool, 33);               /* the same class: the freed block */
    cr_expect_eq(again, a);
    bf__pool_free_all(&pool);
}

Test(pool, resize_keeps_contents_across_classes_and_to_malloc)
{
    bf_pool pool = {0};
    size_t sizes[] = {8, 16, 17, 100, 256, 257, 4096, 200, 12};
    unsigned char *p = bf__pool_alloc(&pool, sizes[0]);
    cr_assert(p);
    fill(p, sizes[0], 9);
    for (size_t i = 1; i < sizeof sizes / sizeof *sizes; i++) {
        size_t keep = sizes[i - 1] < sizes[i] ? sizes[i - 1] : sizes[i];
        p = bf__pool_resize(&pool, p, sizes[i - 1], sizes[i]);
        cr_assert(p, "resize to %zu", sizes[i]);
        cr_expect(same_fill(p, keep, 9), "contents after resize to %zu", sizes[i]);
        fill(p, sizes[i], 9);
    }
    bf__pool_release(&pool, p, 12);
    bf__pool_free_all(&pool);
}

Test(pool, many_blocks_span_chunks)
{
    bf_pool pool = {0};
    enum { N = 20000 };
    static unsigned char *blocks[N];
    for (int i = 0; i < N; i++) {
        blocks[i] = bf__pool_alloc(&pool, 64);
        cr_assert(blocks[i]);
        fill(blocks[i], 64, (unsigned)i);
    }
    for (int i = 0; i < N; i++)
        cr_expect(same_fill(blocks[i], 64, (unsigned)i), "block %d", i);
    cr_expect_geq(pool.chunk_bytes, (size_t)N * 64);
    bf__pool_free_all(&pool);
    cr_expect_eq(pool.chunk_bytes, 0);
}
