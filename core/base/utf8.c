/* utf8.c — UTF-8 checks (see utf8.h). */
#include "utf8.h"
#include "plugin.h"

#include <stdint.h>
#include <string.h>

size_t bf__utf8_sequence(const unsigned char *s, size_t n)
{
    return bf_plugin_utf8_len(s, n);
}

/* Whether the 8 bytes at p are ASCII without a NUL (the zero-byte test of Hacker's Delight 6-1). */
static bool ascii8(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return ((w | ((w - 0x0101010101010101ULL) & ~w)) & 0x8080808080808080ULL) == 0;
}

bool bf_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        size_t left = (size_t)(end - p);
        if (*p < 0x80) {                             /* ASCII: digits, spaces, ids */
            if (left >= 8 && ascii8(p)) {
                p += 8;
                continue;
            }
            if (*p == 0)
                return false;
            p++;
            continue;
        }
        if (*p >= 0xE1 && *p <= 0xEC && left >= 3) {  /* most Chinese text: any continuation pair */
            if (((p[1] & 0xC0) ^ 0x80) | ((p[2] & 0xC0) ^ 0x80))
                return false;
            p += 3;
            continue;
        }
        size_t n = bf__utf8_sequence(p, left);
        if (n == 0)
            return false;
        p += n;
    }
    return true;
}

long bf_utf8_length(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    long n = 0;
    while (left) {
        size_t len = bf__utf8_sequence(p, left);
        if (len == 0)
            return -1;
        p += len;
        left -= len;
        n++;
    }
    return n;
}
