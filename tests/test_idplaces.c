/* test_idplaces.c — the in-memory id table of an import (core/input/idplaces.c): first places,
 * duplicates, and ids whose hashes collide told apart by their bytes. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "idplaces.h"

/* Every id the same hash: each look-up has to compare the ids themselves. */
static uint64_t same_hash(const char *id, size_t len)
{
    (void)id;
    (void)len;
    return 0x123456789abcdef0ULL;
}

/* Two hashes only, by the last character's parity: half the ids share each. */
static uint64_t parity_hash(const char *id, size_t len)
{
    return len && (id[len - 1] & 1) ? 0xfeedfacecafebeefULL : 0x0123456789abcdefULL;
}

static void expect_place(const bf_idplaces *t, uint32_t entry, const char *id, int file,
                         int line, uint32_t owner, int64_t key)
{
    bf_idplace p = bf_idplaces_get(t, entry);
    cr_expect_str_eq(p.id, id);
    cr_expect_eq(p.file, file, "%s: file %d", id, p.file);
    cr_expect_eq(p.line, line, "%s: line %d", id, p.line);
    cr_expect_eq(p.owner, owner, "%s: owner %u", id, p.owner);
    cr_expect_eq(p.key, key, "%s: key %lld", id, (long long)p.key);
}

Test(idplaces, a_second_add_names_the_first_place)
{
    bf_idplaces t = {0};
    uint32_t e1, e2, again;
    cr_assert_eq(bf_idplaces_add(&t, "H1-1", 0, 12, 7, 44023219600101123LL, &e1), 1);
    cr_assert_eq(bf_idplaces_add(&t, "H1-2", 0, 13, 7, -1, &e2), 1);
    cr_expect_neq(e1, e2);
    cr_assert_eq(bf_idplaces_add(&t, "H1-1", 2, 5, 9, 1, &again), 0);
    cr_expect_eq(again, e1);
    expect_place(&t, e1, "H1-1", 0, 12, 7, 44023219600101123LL);   /* not overwritten */
    expect_place(&t, e2, "H1-2", 0, 13, 7, -1);
    uint32_t found;
    cr_expect(bf_idplaces_find(&t, "H1-2", &found));
    cr_expect_eq(found, e2);
    cr_expect_not(bf_idplaces_find(&t, "H1-3", &found));
    cr_expect_not(bf_idplaces_find(&t, "H1-", &found));
    bf_idplaces_free(&t);
    cr_expect_not(bf_idplaces_find(&t, "H1-1", &found));   /* empty and usable */
}

Test(idplaces, ids_with_the_same_hash_are_not_duplicates)
{
    bf_idplaces t = {.hash = same_hash};
    uint32_t a, b, again;
    cr_assert_eq(bf_idplaces_add(&t, "A001", 0, 3, 0, -1, &a), 1);
    cr_assert_eq(bf_idplaces_add(&t, "B002", 1, 9, 0, -1, &b), 1, "a collision taken for a duplicate");
    cr_assert_eq(bf_idplaces_add(&t, "B002", 1, 20, 0, -1, &again), 0);
    cr_expect_eq(again, b);
    expect_place(&t, b, "B002", 1, 9, 0, -1);
    cr_assert_eq(bf_idplaces_add(&t, "A001", 1, 21, 0, -1, &again), 0);
    expect_place(&t, again, "A001", 0, 3, 0, -1);
    bf_idplaces_free(&t);
}

Test(idplaces, many_ids_through_growth_keep_their_places)
{
    /* 5,000 ids on two hashes: the table grows from 1,024 slots several times, and every
     * probe crosses ids of the same hash */
    bf_idplaces t = {.hash = parity_hash};
    char id[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "M%05d", i);
        uint32_t e;
        cr_assert_eq(bf_idplaces_add(&t, id, i % 3, i + 1, (uint32_t)i, i * 10LL, &e), 1, "%s", id);
    }
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "M%05d", i);
        uint32_t e;
        cr_assert_eq(bf_idplaces_add(&t, id, 9, 9, 9, 9, &e), 0, "%s", id);
        expect_place(&t, e, id, i % 3, i + 1, (uint32_t)i, i * 10LL);
    }
    bf_idplaces_free(&t);
}

Test(idplaces, next_walks_the_entries_in_the_order_they_were_added)
{
    bf_idplaces t = {0};
    const char *ids[] = {"z", "a-much-longer-member-id-0001", "m", "a"};
    for (int i = 0; i < 4; i++) {
        uint32_t e;
        cr_assert_eq(bf_idplaces_add(&t, ids[i], 0, i + 1, 0, -1, &e), 1);
    }
    size_t cursor = 0;
    uint32_t e;
    int n = 0;
    while (bf_idplaces_next(&t, &cursor, &e)) {
        cr_assert_lt(n, 4);
        expect_place(&t, e, ids[n], 0, n + 1, 0, -1);
        n++;
    }
    cr_expect_eq(n, 4);
    bf_idplaces_free(&t);
}
