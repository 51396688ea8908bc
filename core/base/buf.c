/* buf.c — growable buffers and JSON text. */
#include "buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(bf_buf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown) {
        b->oom = true;
        return false;
    }
    b->data = grown;
    b->cap = cap;
    return true;
}

void bf_buf_clear(bf_buf *b)
{
    b->len = 0;
    b->oom = false;
    if (b->data)
        b->data[0] = '\0';
}

void bf_buf_free(bf_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void bf_buf_add(bf_buf *b, const char *s, size_t len)
{
    if (!reserve(b, len))
        return;
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void bf_buf_puts(bf_buf *b, const char *s)
{
    bf_buf_add(b, s, strlen(s));
}

void bf_buf_printf(bf_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Whether none of the 8 bytes at p needs escaping in a JSON string (a control character, '"' or
 * '\\'): the exact any-byte tests of Hacker's Delight 6-1 on one word (Chinese text and plain
 * ASCII pass 8 bytes at a time). */
static bool json_plain8(const char *p)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t w, q, bs;
    memcpy(&w, p, sizeof w);
    q = w ^ (ones * '"');
    bs = w ^ (ones * '\\');
    uint64_t control = (w - ones * 0x20) & ~w;       /* a byte below 0x20 */
    uint64_t quote = (q - ones) & ~q, backslash = (bs - ones) & ~bs;
    return ((control | quote | backslash) & high) == 0;
}

void bf_buf_json_string(bf_buf *b, const char *s, size_t len)
{
    bf_buf_add(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        while (i + 8 <= len && json_plain8(s + i))
            i += 8;
        if (i == len)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        bf_buf_add(b, s + start, i - start);
        start = i + 1;
        switch (c) {
        case '"': bf_buf_add(b, "\\\"", 2); break;
        case '\\': bf_buf_add(b, "\\\\", 2); break;
        case '\n': bf_buf_add(b, "\\n", 2); break;
        case '\r': bf_buf_add(b, "\\r", 2); break;
        case '\t': bf_buf_add(b, "\\t", 2); break;
        default: bf_buf_printf(b, "\\u%04x", c); break;
        }
    }
    bf_buf_add(b, s + start, len - start);
    bf_buf_add(b, "\"", 1);
}

void bf_buf_integer(bf_buf *b, long long v)
{
    char tmp[24], *p = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    bf_buf_add(b, p, (size_t)(tmp + sizeof tmp - p));
}

/* v written as %.15g would write it when v is a whole number of hundredths below 1e13 (most
 * values in decisions are yuan and fen): the digits of that number of hundredths, trailing
 * zeros of the fraction dropped. False when v is not such a number. printf's %g costs ten
 * times as much (callgrind, issue 6). */
static bool json_hundredths(bf_buf *b, double v)
{
    if (!(fabs(v) < 1e13) || (v == 0 && signbit(v)))
        return false;
    double h = nearbyint(v * 100);
    if (h / 100 != v)
        return false;
    long long n = (long long)h;
    unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
    if (n < 0)
        bf_buf_add(b, "-", 1);
    bf_buf_integer(b, (long long)(u / 100));
    unsigned frac = (unsigned)(u % 100);
    if (frac) {
        char tail[3] = {'.', (char)('0' + frac / 10), (char)('0' + frac % 10)};
        bf_buf_add(b, tail, frac % 10 ? 3 : 2);
    }
    return true;
}

/* ---- %.15g, or %.17g when that does not read back, without printf (bf_buf_json_number) ----
 * A double a = m / 2^s (m its 53-bit significand) has an exact decimal expansion; its P leading
 * digits, rounded to nearest with ties to even as glibc's printf rounds, are an integer division
 * of m * 10^k by 2^s, exact in 128 bits for 1e-4 <= a < 1e15 (m * 10^k < 2^123, s <= 67). */
typedef unsigned __int128 u128;

/* 10^k for 0 <= k <= 38. */
static u128 pow10_u128(int k)
{
    static const uint64_t p[20] = {1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
        10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
        1000000000000ULL, 10000000000000ULL, 100000000000000ULL, 1000000000000000ULL,
        10000000000000000ULL, 100000000000000000ULL, 1000000000000000000ULL,
        10000000000000000000ULL};
    return k < 20 ? (u128)p[k] : (u128)p[19] * p[k - 19];
}

/* The P significant digits of m / 2^s, rounded as printf rounds: q with 10^(P-1) <= q < 10^P, and
 * in *x the decimal exponent of its first digit; d is a guess of that exponent. */
static uint64_t round_digits(uint64_t m, int s, int P, int d, int *x)
{
    for (;;) {
        u128 a = (u128)m * pow10_u128(P - 1 - d);
        u128 q = a >> s;
        if (q >= pow10_u128(P) || q < pow10_u128(P - 1)) {   /* the guess was one off */
            d += q >= pow10_u128(P) ? 1 : -1;
            continue;
        }
        u128 r = a & (((u128)1 << s) - 1), half = (u128)1 << (s - 1);
        if (r > half || (r == half && (q & 1)))
            q++;
        if (q == pow10_u128(P)) {                             /* 9…9 rounded up to 10…0 */
            q /= 10;
            d++;
        }
        *x = d;
        return (uint64_t)q;
    }
}

/* Whether the 15 digits q (first at exponent x), as strtod reads them, give back m / 2^s: they
 * lie nearer to it than to either neighbouring double, or halfway and m is even. */
static bool reads_back(uint64_t q, int x, uint64_t m, int s)
{
    u128 p = pow10_u128(14 - x);                             /* both sides times 10^(14-x) 2^s */
    u128 digits = (u128)q << s, value = (u128)m * p;
    u128 diff = digits > value ? digits - value : value - digits;
    if (m == 1ULL << 52 && digits < value)   /* a power of two: the double below is half as near */
        return diff * 4 <= p;
    return diff * 2 < p || (diff * 2 == p && !(m & 1));
}

/* Appends the P digits q (first at exponent x, -4 <= x < P) as %g writes them: no exponent,
 * trailing zeros of the fraction and a bare point dropped. */
static void add_g_digits(bf_buf *b, bool negative, uint64_t q, int P, int x)
{
    char digits[17], out[24], *o = out;
    for (int i = P - 1; i >= 0; i--, q /= 10)
        digits[i] = (char)('0' + q % 10);
    int whole = x >= 0 ? x + 1 : 0, n = P;
    while (n > whole && digits[n - 1] == '0')
        n--;
    if (negative)
        *o++ = '-';
    if (x >= 0) {
        memcpy(o, digits, (size_t)whole);
        o += whole;
    } else {
        *o++ = '0';
    }
    if (n > whole) {
        *o++ = '.';
        for (int i = 0; i < -x - 1; i++)
            *o++ = '0';
        memcpy(o, digits + whole, (size_t)(n - whole));
        o += n - whole;
    }
    bf_buf_add(b, out, (size_t)(o - out));
}

/* Appends v as "%.15g" when that reads back as v, else as "%.17g", for 1e-4 <= |v| < 1e15 where
 * the %g form has no exponent; false, nothing appended, otherwise. */
static bool json_digits(bf_buf *b, double v)
{
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e15))
        return false;
    int e;
    uint64_t m = (uint64_t)ldexp(frexp(a, &e), 53);
    int s = 53 - e, x, P = 15;                               /* a = m / 2^s */
    int d = (int)floor(log10(a));                            /* 15.0 for 999999999999999.9 */
    if (d > 14)
        d = 14;
    uint64_t q = round_digits(m, s, P, d, &x);
    if (x >= P)                                              /* rounded up to 1e+15 */
        return false;
    if (!reads_back(q, x, m, s)) {
        P = 17;
        q = round_digits(m, s, P, d, &x);
    }
    if (x < -4 || x >= P)
        return false;
    add_g_digits(b, v < 0, q, P, x);
    return true;
}

void bf_buf_json_number(bf_buf *b, double v)
{
    if (!isfinite(v)) {
        bf_buf_puts(b, "null");
        return;
    }
    if (json_hundredths(b, v))
        return;
    if (v == floor(v) && fabs(v) < 1e15) {
        bf_buf_printf(b, "%.0f", v);
        return;
    }
    if (json_digits(b, v))
        return;
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.15g", v);     /* readable; exact unless it does not read back */
    if (strtod(tmp, NULL) != v)
        snprintf(tmp, sizeof tmp, "%.17g", v);
    bf_buf_puts(b, tmp);
}

void bf_buf_json_money(bf_buf *b, bf_fen fen)
{
    char tmp[BF_MONEY_STRLEN];
    bf_money_format(fen, tmp);
    bf_buf_puts(b, tmp);
}

const char *bf_buf_str(const bf_buf *b)
{
    return b->data ? b->data : "";
}

char *bf_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    bf_buf b = {0};
    char block[16384];
    size_t got;
    while ((got = fread(block, 1, sizeof block, f)) > 0)
        bf_buf_add(&b, block, got);
    bool failed = ferror(f) || b.oom;
    fclose(f);
    if (failed) {
        bf_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    if (!b.data) {                  /* an empty file: still a string */
        b.data = malloc(1);
        if (b.data)
            b.data[0] = '\0';
    }
    return b.data;
}

char *bf_strdup_opt(const char *s, bool *oom)
{
    if (!s)
        return NULL;
    char *c = strdup(s);
    if (!c)
        *oom = true;
    return c;
}

bool bf_str_same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

void bf_buf_visible(bf_buf *b, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        bool c0 = (u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f;
        bool c1 = u[i] == 0xc2 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f;
        if (!c0 && !c1)
            continue;
        bf_buf_add(b, s + from, i - from);
        if (c0)
            bf_buf_printf(b, "\\x%02x", u[i]);
        else
            bf_buf_printf(b, "\\u%04x", u[++i]);   /* U+0080..U+009F: 0xc2 then the code */
        from = i + 1;
    }
    bf_buf_add(b, s + from, len - from);
}

void bf_buf_csv_field(bf_buf *b, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        bf_buf_puts(b, s);
        return;
    }
    bf_buf_puts(b, "\"");
    for (const char *p = s; *p; p++) {
        bf_buf_add(b, p, 1);
        if (*p == '"')
            bf_buf_add(b, "\"", 1);   /* a quote inside a field is doubled */
    }
    bf_buf_puts(b, "\"");
}
