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

Test(buf, json_numbers_match_printf)
{
    uint64_t s = 42;
    char want[64];
    bf_buf b = {0};
    for (int i = 0; i < 200000; i++) {
        uint64_t r = next_random(&s);
        double v;
        switch (i % 4) {
        case 0: v = (double)(int64_t)(r % 2000000000000ULL - 1000000000000LL) / 100; break;
        case 1: v = (double)(r % 100000000ULL) / 100; break;
        case 2: v = (double)(r >> 11) / (double)(1ULL << 53) * 1e6; break;
        default: v = (double)(int64_t)(r % 20000000000000000ULL - 10000000000000000LL) / 100; break;
        }
        reference_number(v, want, sizeof want);
        bf_buf_clear(&b);
        bf_buf_json_number(&b, v);
        cr_assert_str_eq(bf_buf_str(&b), want, "value %.17g", v);
    }
    bf_buf_free(&b);
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
