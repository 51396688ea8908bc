/* json.c — a reader of flat JSON texts (the store's reasons, details and audit objects): one level deep, strings decoded to UTF-8, nested values handed back as written. */
#include "json.h"
#include "bangfu.h"

#include <stdlib.h>
#include <string.h>

static void skip_ws(bf_json_iter *it)
{
    while (it->p < it->end && (*it->p == ' ' || *it->p == '\t' || *it->p == '\n' || *it->p == '\r'))
        it->p++;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
    if (end - p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 0;
}

static void put_utf8(bf_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    bf_buf_add(b, u, n);
}

/* Decodes one \u escape (p after the 'u'), joining surrogate pairs; advances *pp. */
static int unicode_escape(const char **pp, const char *end, bf_buf *out)
{
    unsigned cp, lo;
    if (hex4(*pp, end, &cp) != 0)
        return -1;
    *pp += 4;
    if (cp >= 0xD800 && cp < 0xDC00) {
        if (end - *pp < 6 || (*pp)[0] != '\\' || (*pp)[1] != 'u' || hex4(*pp + 2, end, &lo) != 0 ||
            lo < 0xDC00 || lo > 0xDFFF)
            return -1;
        *pp += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return -1;
    }
    put_utf8(out, cp);
    return 0;
}

/* Decodes a string literal at it->p (on the opening quote) into out. */
static int read_string(bf_json_iter *it, bf_buf *out)
{
    bf_buf_clear(out);
    bf_buf_add(out, "", 0);
    const char *p = it->p + 1;
    while (p < it->end && *p != '"') {
        if ((unsigned char)*p < 0x20)
            return -1;
        if (*p != '\\') {
            const char *run = p;
            while (p < it->end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
                p++;
            bf_buf_add(out, run, (size_t)(p - run));
            continue;
        }
        if (++p >= it->end)
            return -1;
        char c = *p++;
        const char *plain = c == '"' ? "\"" : c == '\\' ? "\\" : c == '/' ? "/" : c == 'b' ? "\b"
                          : c == 'f' ? "\f" : c == 'n' ? "\n" : c == 'r' ? "\r" : c == 't' ? "\t"
                          : NULL;
        if (plain)
            bf_buf_add(out, plain, 1);
        else if (c != 'u' || unicode_escape(&p, it->end, out) != 0)
            return -1;
    }
    if (p >= it->end || out->oom)
        return -1;
    it->p = p + 1;
    return 0;
}

/* Skips a nested array or object at it->p, strings included; copies it into out. */
static int read_nested(bf_json_iter *it, bf_buf *out)
{
    const char *start = it->p;
    int depth = 0;
    bool in_string = false;
    for (const char *p = it->p; p < it->end; p++) {
        if (in_string) {
            if (*p == '\\')
                p++;
            else if (*p == '"')
                in_string = false;
        } else if (*p == '"') {
            in_string = true;
        } else if (*p == '[' || *p == '{') {
            depth++;
        } else if ((*p == ']' || *p == '}') && --depth == 0) {
            it->p = p + 1;
            bf_buf_clear(out);
            bf_buf_add(out, start, (size_t)(it->p - start));
            return out->oom ? -1 : 0;
        }
    }
    return -1;
}

/* Copies a bare word (number or literal) at it->p into out. */
static int read_word(bf_json_iter *it, bf_buf *out, bf_json_kind *kind)
{
    const char *start = it->p;
    while (it->p < it->end && strchr("+-.0123456789eEtruefalsn", *it->p))
        it->p++;
    size_t len = (size_t)(it->p - start);
    if (len == 0)
        return -1;
    if (len == 4 && memcmp(start, "true", 4) == 0)
        *kind = BF_JSON_TRUE;
    else if (len == 5 && memcmp(start, "false", 5) == 0)
        *kind = BF_JSON_FALSE;
    else if (len == 4 && memcmp(start, "null", 4) == 0)
        *kind = BF_JSON_NULL;
    else if (strchr("-0123456789", *start) && !memchr(start, 'a', len) && !memchr(start, 'l', len))
        *kind = BF_JSON_NUMBER;
    else
        return -1;
    bf_buf_clear(out);
    bf_buf_add(out, start, len);
    return out->oom ? -1 : 0;
}

static int read_value(bf_json_iter *it, bf_json_kind *kind)
{
    if (it->p >= it->end)
        return -1;
    if (*it->p == '"') {
        *kind = BF_JSON_STRING;
        return read_string(it, &it->value);
    }
    if (*it->p == '[' || *it->p == '{') {
        *kind = BF_JSON_NESTED;
        return read_nested(it, &it->value);
    }
    return read_word(it, &it->value, kind);
}

int bf_json_iter_init(bf_json_iter *it, const char *text, size_t len)
{
    memset(it, 0, sizeof *it);
    it->p = text;
    it->end = text + len;
    skip_ws(it);
    if (it->p >= it->end || (*it->p != '[' && *it->p != '{'))
        return BF_EINPUT;
    it->object = *it->p == '{';
    it->p++;
    return BF_OK;
}

/* At the closing bracket: nothing but white space may follow. */
static int finish(bf_json_iter *it)
{
    it->p++;
    skip_ws(it);
    it->done = true;
    return it->p == it->end ? 0 : -1;
}

int bf_json_next(bf_json_iter *it, bf_json_item *item)
{
    if (it->done)
        return 0;
    skip_ws(it);
    if (it->p >= it->end)
        return -1;
    if (*it->p == (it->object ? '}' : ']'))
        return finish(it);
    if (it->started) {
        if (*it->p != ',')
            return -1;
        it->p++;
        skip_ws(it);
    }
    it->started = true;
    item->key = NULL;
    if (it->object) {
        if (it->p >= it->end || *it->p != '"' || read_string(it, &it->key) != 0)
            return -1;
        skip_ws(it);
        if (it->p >= it->end || *it->p != ':')
            return -1;
        it->p++;
        skip_ws(it);
        item->key = bf_buf_str(&it->key);
    }
    if (read_value(it, &item->kind) != 0)
        return -1;
    item->value = bf_buf_str(&it->value);
    item->value_len = it->value.len;
    return 1;
}

void bf_json_iter_free(bf_json_iter *it)
{
    bf_buf_free(&it->key);
    bf_buf_free(&it->value);
}

bool bf_json_join_strings(bf_buf *out, const char *array_json, const char *sep)
{
    bf_json_iter it;
    if (!array_json || bf_json_iter_init(&it, array_json, strlen(array_json)) != BF_OK || it.object)
        return false;
    bf_json_item item;
    int rc, n = 0;
    while ((rc = bf_json_next(&it, &item)) == 1) {
        if (n++)
            bf_buf_puts(out, sep);
        bf_buf_add(out, item.value, item.value_len);
    }
    bf_json_iter_free(&it);
    return rc == 0;
}

void bf_json_pairs_free(bf_json_pairs *ps)
{
    for (int i = 0; i < ps->n; i++) {
        free(ps->p[i].key);
        free(ps->p[i].value);
    }
    free(ps->p);
    memset(ps, 0, sizeof *ps);
}

/* Appends a copy of item to ps. */
static int pairs_add(bf_json_pairs *ps, const bf_json_item *item)
{
    if (ps->n == ps->cap) {
        int cap = ps->cap ? ps->cap * 2 : 64;
        bf_json_pair *grown = realloc(ps->p, sizeof *grown * (size_t)cap);
        if (!grown)
            return BF_ENOMEM;
        ps->p = grown;
        ps->cap = cap;
    }
    bf_json_pair *p = &ps->p[ps->n];
    p->key = strdup(item->key ? item->key : "");
    p->value = malloc(item->value_len + 1);
    p->kind = item->kind;
    if (!p->key || !p->value) {
        free(p->key);
        free(p->value);
        return BF_ENOMEM;
    }
    if (item->value_len)
        memcpy(p->value, item->value, item->value_len);
    p->value[item->value_len] = '\0';
    ps->n++;
    return BF_OK;
}

int bf_json_pairs_read(const char *text, bf_json_pairs *ps)
{
    bf_json_iter it;
    if (!text || bf_json_iter_init(&it, text, strlen(text)) != BF_OK)
        return BF_EINPUT;
    bf_json_item item;
    int got, rc = BF_OK;
    while ((got = bf_json_next(&it, &item)) == 1)
        if ((rc = pairs_add(ps, &item)) != BF_OK)
            break;
    if (rc == BF_OK && got < 0)
        rc = BF_EINPUT;
    bf_json_iter_free(&it);
    return rc;
}

int bf_json_pairs_find(const bf_json_pairs *ps, const char *key, int hint)
{
    if (hint >= 0 && hint < ps->n && strcmp(ps->p[hint].key, key) == 0)
        return hint;
    for (int i = 0; i < ps->n; i++)
        if (strcmp(ps->p[i].key, key) == 0)
            return i;
    return -1;
}
