/* sha256.h — SHA-256 (FIPS 180-4), for the file hashes a run records. */
#ifndef BF_SHA256_H
#define BF_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct bf_sha256 {
    uint32_t h[8];
    uint64_t bytes;
    uint8_t block[64];
    size_t used;
} bf_sha256;

/* Starts a new digest. */
void bf_sha256_init(bf_sha256 *s);
/* Adds len bytes. */
void bf_sha256_update(bf_sha256 *s, const void *data, size_t len);
/* Finishes and writes the digest as 64 lowercase hex digits plus NUL. */
void bf_sha256_hex(bf_sha256 *s, char out[65]);
/* Hashes a whole buffer into 64 hex digits plus NUL. */
void bf_sha256_buffer(const void *data, size_t len, char out[65]);

#endif
