/* floor.c — the floor of `make bench`: streams every household and member out of the store into
 * C structs (bf_reader, batches of 2048 as `run` reads them) and does nothing else.
 * Prints the counts, the seconds spent, and the id of the middle household (for `check`). */
#include "store.h"
#include "bangfu.h"
#include "progress.h"

#include <stdio.h>
#include <string.h>

#define BATCH 2048

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: floor DB\n");
        return 2;
    }
    double started = bf_now();
    bf_errors errs;                  /* the store's message */
    bf_errors_init(&errs, 1);
    bf_store *s;
    if (bf_store_open_existing(argv[1], &s, &errs) != BF_OK) {
        fprintf(stderr, "floor: %s\n", bf_errors_first(&errs));
        return 2;
    }
    int64_t total = 0, members = 0;
    if (bf_store_count(s, &total, &members, &errs) != BF_OK) {
        fprintf(stderr, "floor: %s\n", bf_errors_first(&errs));
        return 2;
    }
    bf_reader *r;
    if (bf_store_reader_open(s, BATCH, &r, &errs) != BF_OK) {
        fprintf(stderr, "floor: %s\n", bf_errors_first(&errs));
        return 2;
    }
    int64_t households = 0, seen_members = 0;
    char middle[BF_ID_BYTES] = "";
    for (;;) {
        bf_household *hs;
        int n;
        if (bf_reader_next(r, &hs, &n, &errs) != BF_OK) {
            fprintf(stderr, "floor: %s\n", bf_errors_first(&errs));
            return 2;
        }
        if (n == 0)
            break;
        for (int i = 0; i < n; i++) {
            if (households + i == total / 2)
                memcpy(middle, hs[i].id, sizeof middle);
            seen_members += hs[i].n_members;
        }
        households += n;
    }
    bf_reader_close(r);
    bf_store_close(s);
    if (households != total || seen_members != members) {
        fprintf(stderr, "floor: streamed %lld households / %lld members, the store counts %lld / %lld\n",
                (long long)households, (long long)seen_members, (long long)total, (long long)members);
        return 1;
    }
    printf("households %lld\nmembers %lld\nmiddle %s\nseconds %.3f\n", (long long)households,
           (long long)seen_members, middle, bf_now() - started);
    return 0;
}
