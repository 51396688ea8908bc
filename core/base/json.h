/* json.h — reading the small flat JSON texts the store keeps: arrays of strings (reasons) and objects of numbers and strings (details, parameter values, file hashes). */
#ifndef BF_JSON_H
#define BF_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

typedef enum {
    BF_JSON_STRING,     /* value: the decoded UTF-8 text */
    BF_JSON_NUMBER,     /* value: the number as written */
    BF_JSON_TRUE,
    BF_JSON_FALSE,
    BF_JSON_NULL,
    BF_JSON_NESTED,     /* value: the nested array or object as written */
} bf_json_kind;

/* One element of an array, or one member of an object (key is NULL in an array). The texts
 * stay valid until the next call of bf_json_next. */
typedef struct bf_json_item {
    bf_json_kind kind;
    const char *key;
    const char *value;
    size_t value_len;
} bf_json_item;

/* Iterator over the top level of one JSON array or object. */
typedef struct bf_json_iter {
    const char *p, *end;
    bool object;        /* iterating an object (members have keys) */
    bool started;       /* the first element has been read */
    bool done;
    bf_buf key, value;  /* decoded texts of the current item */
} bf_json_iter;

/* Starts iterating text (len bytes): BF_OK, or BF_EINPUT when it is no array or object. */
int bf_json_iter_init(bf_json_iter *it, const char *text, size_t len);
/* Reads the next element: 1 with *item filled, 0 at the end, -1 when the text is malformed. */
int bf_json_next(bf_json_iter *it, bf_json_item *item);
/* Frees the iterator's buffers. */
void bf_json_iter_free(bf_json_iter *it);

/* Appends the strings of a JSON array joined by sep (other values as written); false when the
 * text is not a well-formed array. */
bool bf_json_join_strings(bf_buf *out, const char *array_json, const char *sep);

/* The members of a flat JSON object, copied: keys and values as bf_json_item gives them. */
typedef struct bf_json_pair {
    char *key, *value;
    bf_json_kind kind;
} bf_json_pair;

typedef struct bf_json_pairs {
    bf_json_pair *p;
    int n, cap;
} bf_json_pairs;

/* Reads the top-level members of a JSON object (or elements of an array, key "") into ps
 * (appending); BF_OK, BF_EINPUT when malformed, BF_ENOMEM. */
int bf_json_pairs_read(const char *text, bf_json_pairs *ps);
/* The index of key in ps, trying index hint first (-1: none); -1 when absent. */
int bf_json_pairs_find(const bf_json_pairs *ps, const char *key, int hint);
/* Frees the pairs; ps is empty and reusable. */
void bf_json_pairs_free(bf_json_pairs *ps);

#endif
