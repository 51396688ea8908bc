/* buf.h — a growable byte buffer with JSON and text helpers (escaping, numbers, money). */
#ifndef BF_BUF_H
#define BF_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "money.h"

typedef struct bf_buf {
    char *data;     /* always NUL-terminated when len > 0 or after any append */
    size_t len;
    size_t cap;
    bool oom;       /* an allocation failed; the content is truncated */
} bf_buf;

/* Empties the buffer, keeping its allocation. */
void bf_buf_clear(bf_buf *b);
/* Frees the allocation; the buffer is empty and reusable. */
void bf_buf_free(bf_buf *b);
/* Appends len bytes. */
void bf_buf_add(bf_buf *b, const char *s, size_t len);
/* Appends a NUL-terminated string. */
void bf_buf_puts(bf_buf *b, const char *s);
/* Appends printf-formatted text. */
void bf_buf_printf(bf_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (quotes, escapes, control characters as \u00XX). */
void bf_buf_json_string(bf_buf *b, const char *s, size_t len);
/* Appends text for a terminal: control characters (C0 but tab, DEL, C1) as \xHH or \u00HH, so
 * that a household id or a script's message cannot move the cursor, recolour the screen or
 * fake a line of output (an escape sequence becomes the visible text \x1b[2J). */
void bf_buf_visible(bf_buf *b, const char *s, size_t len);
/* Appends s as one CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, with
 * quotes inside doubled; nothing for NULL. The program's one CSV quoter. */
void bf_buf_csv_field(bf_buf *b, const char *s);
/* Appends a finite double as a JSON number in its shortest form up to 15 digits ("null" if not finite). */
void bf_buf_json_number(bf_buf *b, double v);

/* Appends v in decimal (what %lld writes). */
void bf_buf_integer(bf_buf *b, long long v);
/* Appends fen as a JSON number of yuan with two decimals (1234.50). */
void bf_buf_json_money(bf_buf *b, bf_fen fen);
/* Reads a whole file into a malloc'd NUL-terminated buffer (*len bytes); NULL when it cannot. */
char *bf_read_file(const char *path, size_t *len);
/* A malloc'd copy of s, NULL for NULL; sets *oom when the copy failed. */
char *bf_strdup_opt(const char *s, bool *oom);
/* Whether two optional texts are equal (both NULL, or the same characters). */
bool bf_str_same(const char *a, const char *b);
/* Returns the content as a NUL-terminated string ("" when empty). */
const char *bf_buf_str(const bf_buf *b);

#endif
