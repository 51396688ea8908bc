/* test_buf.c — JSON numbers, integers and strings written without printf give the texts expected. */
#include <criterion/criterion.h>

#include "buf.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What bf_buf_json_number wrote before its fast path: the reference it must keep matching. */
static void reference_number(double v, char *out, size_t size)
{
    if (!isfinite(v)) {
        snprintf(out, size, "null");
    } else if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, size, "%.0f", v);
    } else {
        snprintf(out, size, "%.15g", v);
        if (strtod(out, NULL) != v)
            snprintf(out, size, "%.17g", v);
    }
}

static void expect_number(double v, const char *text)
{
    bf_buf b = {0};
    bf_buf_json_number(&b, v);
    cr_expect_str_eq(bf_buf_str(&b), text, "%.17g", v);
    bf_buf_free(&b);
}

static uint64_t next_random(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

Test(buf, json_numbers_by_hand)
{
    expect_number(650, "650");
    expect_number(826.5, "826.5");
    expect_number(0.05, "0.05");
    expect_number(-0.5, "-0.5");
    expect_number(-12.34, "-12.34");
    expect_number(44625, "44625");
    expect_number(5118.75, "5118.75");
    expect_number(12345678901.23, "12345678901.23");
    expect_number(0.1 + 0.2, "0.30000000000000004");
    expect_number(1.0 / 3, "0.33333333333333331");   /* %.15g does not read back */
    expect_number(-0.0, "-0");
    expect_number(0, "0");
    expect_number(1e16, "1e+16");
    expect_number(NAN, "null");
}

/* Numbers that are no whole number of hundredths, written without printf (json_digits): %.15g
 * when it reads back, else %.17g, digits rounded to nearest with ties to even. */
Test(buf, json_numbers_of_15_and_17_digits_by_hand)
{
    /* a per-capita income, 5000 / 3 members / 12 months = 138.8888…: %.15g 138.888888888889 is
     * 1.1e-13 off, more than half the spacing of doubles there (1.4e-14): 17 digits */
    expect_number(5000.0 / 3 / 12, "138.88888888888889");
    expect_number(6000.0 / 7 / 12, "71.428571428571431");
    expect_number(-5000.0 / 3 / 12, "-138.88888888888889");
    /* 15 digits that read back: the fraction ends early */
    expect_number(0.001, "0.001");
    expect_number(0.0001, "0.0001");                  /* the smallest without an exponent */
    expect_number(0.000244140625, "0.000244140625");  /* 2^-12, exact in 12 digits */
    expect_number(1234.5678, "1234.5678");
    /* halves: 123456789012345.5 has 16 digits; rounded to 15 (…345|5, a tie: to even, …346) it
     * does not read back, so all 17: 123456789012345.50 without its trailing zero */
    expect_number(123456789012345.5, "123456789012345.5");
    /* exact ties at the 17th digit (dyadic: k / 2^11): 1018862.44384765625 = 2086630285 / 2048
     * keeps …6562 (2 is even), 1047023.71240234375 = 2144304563 / 2048 rounds …3437 up to …3438 */
    expect_number(2086630285.0 / 2048, "1018862.4438476562");
    expect_number(2144304563.0 / 2048, "1047023.7124023438");
    /* a tie at the 16th digit: 1047929.900390625 = 536540109 / 512, 15 digits …9006|25 would be
     * …90039062 (2 even), 5e-9 off: no read-back, so 17 digits, exact: 1047929.9003906250 */
    expect_number(536540109.0 / 512, "1047929.900390625");
    /* 0.1 + 0.7 = 0.7999999999999999 (the double below 0.8): %.15g 0.8 is another double */
    expect_number(0.1 + 0.7, "0.79999999999999993");
    /* the edges, printf's own path: below 1e-4 an exponent; 15 digits rounding up to 1e+15 */
    expect_number(0.00009999, "9.999e-05");
    expect_number(999999999999999.9, "999999999999999.88");
}

/* Writes n doubles of gen (random r, index i; infinities skipped) and compares each with what
 * printf wrote (reference_number). */
static void match_printf(uint64_t seed, int n, double (*gen)(uint64_t r, int i))
{
    char want[64];
    bf_buf b = {0};
    for (int i = 0; i < n; i++) {
        double v = gen(next_random(&seed), i);
        if (!isfinite(v))
            continue;
        reference_number(v, want, sizeof want);
        bf_buf_clear(&b);
        bf_buf_json_number(&b, v);
        cr_assert_str_eq(bf_buf_str(&b), want, "value %.17g", v);
    }
    bf_buf_free(&b);
}

/* Doubles of every kind: random bit patterns, per-capita quotients, dyadic values (exact ties),
 * values next to powers of ten, fractions at every scale. */
static double any_double(uint64_t r, int i)
{
    double v;
    switch (i % 5) {
    case 0: memcpy(&v, &r, sizeof v); return v;
    case 1: return (double)(r % 100000) / (double)(1 + (r >> 20) % 7) / 12;
    case 2: return ldexp((double)(r % 10000000000ULL + 1), -(int)((r >> 40) % 40));
    case 3: return nextafter(pow(10, (double)((int)(r % 20) - 4)), (r >> 32) & 1 ? 0 : 1e300);
    default: return (double)(r >> 11) / (double)(1ULL << 53) * pow(10, (double)((int)(r % 24) - 6));
    }
}

/* Amounts: whole hundredths of every size, and fractions below a million. */
static double amount_double(uint64_t r, int i)
{
    switch (i % 4) {
    case 0: return (double)(int64_t)(r % 2000000000000ULL - 1000000000000LL) / 100;
    case 1: return (double)(r % 100000000ULL) / 100;
    case 2: return (double)(r >> 11) / (double)(1ULL << 53) * 1e6;
    default: return (double)(int64_t)(r % 20000000000000000ULL - 10000000000000000LL) / 100;
    }
}

Test(buf, json_numbers_of_any_digits_match_printf)
{
    match_printf(7, 400000, any_double);
}

Test(buf, json_numbers_match_printf)
{
    match_printf(42, 200000, amount_double);
}

Test(buf, integers_match_printf)
{
    const long long values[] = {0, 1, -1, 9, 10, -10, 123456789, -987654321, INT64_MAX, INT64_MIN};
    char want[32];
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        bf_buf b = {0};
        bf_buf_integer(&b, values[i]);
        snprintf(want, sizeof want, "%lld", values[i]);
        cr_expect_str_eq(bf_buf_str(&b), want);
        bf_buf_free(&b);
    }
}

/* Control characters shown for a terminal (issue 11): ESC, BEL, DEL and the C1 CSI escaped,
 * tab and Chinese text kept. */
Test(buf, visible_escapes_control_characters)
{
    bf_buf b = {0};
    const char s[] = "a\033[2J\tb\a\x7f c\xc2\x9b" "1m 中文";
    bf_buf_visible(&b, s, sizeof s - 1);
    cr_expect_str_eq(bf_buf_str(&b), "a\\x1b[2J\tb\\x07\\x7f c\\u009b1m 中文");
    bf_buf_free(&b);
}

/* JSON strings skip 8 plain bytes at a time: every character to escape is found wherever it sits
 * in a word (first, last, straddling two words) and in the tail shorter than a word, and text
 * without one (Chinese, ASCII) is copied whole. The expected texts are written by hand. */
Test(buf, json_strings_escape_wherever_the_character_sits)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", "\"\""},
        {"abcdefgh", "\"abcdefgh\""},                              /* one plain word */
        {"低保标准为 610 元", "\"低保标准为 610 元\""},            /* Chinese: bytes ≥ 0x80 */
        {"\"bcdefgh", "\"\\\"bcdefgh\""},                          /* first byte of a word */
        {"abcdefg\\", "\"abcdefg\\\\\""},                          /* last byte of a word */
        {"abcdefgh\nij", "\"abcdefgh\\nij\""},                     /* first byte of the tail */
        {"abcdefghijklmno\t", "\"abcdefghijklmno\\t\""},           /* last byte of word two */
        {"ab\x01" "cdefghijk\x1f", "\"ab\\u0001cdefghijk\\u001f\""},
        {"a\"b\"c\"d\"e\"f", "\"a\\\"b\\\"c\\\"d\\\"e\\\"f\""},   /* one after another */
        {"\x7f !#[]~ \xe4\xb8\xad", "\"\x7f !#[]~ \xe4\xb8\xad\""}, /* neighbours of the three */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bf_buf b = {0};
        bf_buf_json_string(&b, cases[i].in, strlen(cases[i].in));
        cr_expect_str_eq(bf_buf_str(&b), cases[i].out, "case %zu", i);
        bf_buf_free(&b);
    }
}
