/* test_date.c — calendar validity, parsing, formatting and ages (the scripts' ctx.age). */
#include <criterion/criterion.h>

#include "bangfu.h"
#include "date.h"

Test(date, leap_years_and_calendar_validity)
{
    cr_expect(bf_date_valid_ymd(2020, 2, 29));
    cr_expect(!bf_date_valid_ymd(2021, 2, 29));
    cr_expect(!bf_date_valid_ymd(1900, 2, 29));     /* divisible by 100, not by 400 */
    cr_expect(bf_date_valid_ymd(2000, 2, 29));      /* divisible by 400 */
    cr_expect(!bf_date_valid_ymd(2021, 4, 31));
    cr_expect(!bf_date_valid_ymd(2021, 13, 1));
    cr_expect(!bf_date_valid_ymd(2021, 0, 1));
    cr_expect(bf_date_valid_ymd(2021, 12, 31));
}

Test(date, parse_is_strict)
{
    bf_date d;
    cr_expect_eq(bf_date_parse("2021-06-30", &d), BF_OK);
    cr_expect_eq(bf_date_parse("2021-02-29", &d), BF_EINPUT);
    cr_expect_eq(bf_date_parse("2021-6-30", &d), BF_EINPUT);
    cr_expect_eq(bf_date_parse("2021-06-30T00", &d), BF_EINPUT);
    cr_expect_eq(bf_date_parse("2021/06/30", &d), BF_EINPUT);
    cr_expect_eq(bf_date_parse("", &d), BF_EINPUT);
    cr_expect_eq(bf_date_parse("2021-06-3", &d), BF_EINPUT);
    cr_expect_eq(bf_date_parse(NULL, &d), BF_EINPUT);
}

Test(date, epoch_and_round_trip)
{
    bf_date d;
    cr_assert_eq(bf_date_parse("1970-01-01", &d), BF_OK);
    cr_expect_eq(d, 0);
    cr_assert_eq(bf_date_parse("2000-03-01", &d), BF_OK);
    cr_expect_eq(d, 11017);                         /* 30 years incl. 7 leap days + Jan, Feb 2000 */
    char buf[BF_DATE_STRLEN];
    for (bf_date x = -719162; x <= 2932896; x += 997) {   /* 0001-01-01 .. 9999-12-31 */
        bf_date back;
        bf_date_format(x, buf);
        cr_assert_eq(bf_date_parse(buf, &back), BF_OK, "%s", buf);
        cr_assert_eq(back, x, "%s", buf);
    }
}

Test(date, age_in_full_years)
{
    bf_date birth, on;
    bf_date_parse("1961-06-30", &birth);
    bf_date_parse("2021-06-30", &on);
    cr_expect_eq(bf_age_on(birth, on), 60);          /* birthday today: full 60 */
    bf_date_parse("2021-06-29", &on);
    cr_expect_eq(bf_age_on(birth, on), 59);          /* one day before */
    bf_date_parse("2000-02-29", &birth);
    bf_date_parse("2021-02-28", &on);
    cr_expect_eq(bf_age_on(birth, on), 20);          /* (2,28) is before (2,29) */
    bf_date_parse("2021-03-01", &on);
    cr_expect_eq(bf_age_on(birth, on), 21);
}
