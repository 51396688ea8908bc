/* utf8.h — UTF-8 text, checked one way for the whole program: the sequence check is plugin.h's
 * bf_plugin_utf8_len (plugins see only that header), and everything here is built on it. */
#ifndef BF_UTF8_H
#define BF_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the well-formed UTF-8 sequence at s (n > 0 bytes left), or 0 when it is malformed
 * (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). */
size_t bf__utf8_sequence(const unsigned char *s, size_t n);
/* Whether s[0..len) is valid UTF-8 without NUL bytes; a fast check for text scripts return. */
bool bf_utf8_valid(const char *s, size_t len);
/* Number of characters of a NUL-terminated string, or -1 when it is not valid UTF-8. */
long bf_utf8_length(const char *s);

#endif
