/* test_money.c — fen parsing, formatting, and rounding once, half away from zero. */
#include <criterion/criterion.h>

#include "bangfu.h"
#include "money.h"

Test(money, parse_plain_decimals)
{
    bf_fen f;
    cr_expect_eq(bf_money_parse("0", &f), BF_OK); cr_expect_eq(f, 0);
    cr_expect_eq(bf_money_parse("12", &f), BF_OK); cr_expect_eq(f, 1200);
    cr_expect_eq(bf_money_parse("12.5", &f), BF_OK); cr_expect_eq(f, 1250);
    cr_expect_eq(bf_money_parse("0.05", &f), BF_OK); cr_expect_eq(f, 5);
    cr_expect_eq(bf_money_parse("-3.10", &f), BF_OK); cr_expect_eq(f, -310);
    cr_expect_eq(bf_money_parse("1.005", &f), BF_EINPUT);   /* three decimals */
    cr_expect_eq(bf_money_parse("1e3", &f), BF_EINPUT);
    cr_expect_eq(bf_money_parse("NaN", &f), BF_EINPUT);
    cr_expect_eq(bf_money_parse("", &f), BF_EINPUT);
    cr_expect_eq(bf_money_parse(".5", &f), BF_EINPUT);
    cr_expect_eq(bf_money_parse("5.", &f), BF_EINPUT);
    cr_expect_eq(bf_money_parse("99999999999999999999", &f), BF_EINPUT);
}

Test(money, parse_numbers)
{
    double v;
    cr_expect_eq(bf_number_parse("1.6", &v), BF_OK); cr_expect_float_eq(v, 1.6, 1e-12);
    cr_expect_eq(bf_number_parse("0.05", &v), BF_OK); cr_expect_float_eq(v, 0.05, 1e-12);
    cr_expect_eq(bf_number_parse("1e5", &v), BF_EINPUT);
    cr_expect_eq(bf_number_parse("inf", &v), BF_EINPUT);
    cr_expect_eq(bf_number_parse("abc", &v), BF_EINPUT);
    cr_expect_eq(bf_number_parse("12abc", &v), BF_EINPUT);
}

Test(money, format)
{
    char buf[BF_MONEY_STRLEN];
    bf_money_format(123450, buf); cr_expect_str_eq(buf, "1234.50");
    bf_money_format(5, buf); cr_expect_str_eq(buf, "0.05");
    bf_money_format(-5, buf); cr_expect_str_eq(buf, "-0.05");
    bf_money_format(0, buf); cr_expect_str_eq(buf, "0.00");
}

Test(money, round_half_away_from_zero_at_half_a_fen)
{
    cr_expect_eq(bf_round_fen(1.005), 101);      /* the double is 1.00499999999999989… */
    cr_expect_eq(bf_round_fen(-1.005), -101);
    cr_expect_eq(bf_round_fen(0.125), 13);
    cr_expect_eq(bf_round_fen(0.115), 12);       /* 0.11500000000000000499… and decimal .115 */
    cr_expect_eq(bf_round_fen(2.675), 268);      /* classic binary trap: 2.67499999… */
    cr_expect_eq(bf_round_fen(1.004999), 100);
    cr_expect_eq(bf_round_fen(0.005), 1);
    cr_expect_eq(bf_round_fen(0.0049), 0);
    cr_expect_eq(bf_round_fen(0.0004), 0);
    cr_expect_eq(bf_round_fen(0), 0);
    cr_expect_eq(bf_round_fen(12 * (1.6 * 551 + 32.4)), 1096800);   /* 12 × 914 = 10968.00 */
    cr_expect_eq(bf_round_fen(1234567.895), 123456790);
    cr_expect_eq(bf_round_fen(0.1 + 0.2), 30);
}
