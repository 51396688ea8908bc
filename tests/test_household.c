/* test_household.c — the record model: enums, defaults and every record validation rule. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "bangfu.h"
#include "household.h"

static bf_household h;
static bf_errors errs;

static void setup(void)
{
    memset(&h, 0, sizeof h);
    bf_household_reset(&h);
    strcpy(h.id, "H1");
    strcpy(h.town, "乳城镇");
    strcpy(h.village, "中心村");
    bf_member *m = bf_household_add_member(&h);
    strcpy(m->id, "H1-1");
    bf_date_parse("1980-05-01", &m->birth);
    bf_errors_init(&errs, 50);
}

static void teardown(void)
{
    bf_household_free(&h);
    bf_errors_free(&errs);
}

TestSuite(household, .init = setup, .fini = teardown);

static bool any_error_contains(const char *needle)
{
    for (int i = 0; i < errs.count; i++)
        if (strstr(errs.msgs[i], needle))
            return true;
    return false;
}

Test(household, enums_round_trip)
{
    for (int k = 0; k < BF_ENUM__N; k++)
        for (int v = 0; v < bf_enum_count((bf_enum_kind)k); v++)
            cr_expect_eq(bf_enum_parse((bf_enum_kind)k, bf_enum_name((bf_enum_kind)k, v)), v);
    cr_expect_eq(bf_enum_parse(BF_ENUM_MONITOR, "Unstable"), -1);
    cr_expect_eq(bf_enum_parse(BF_ENUM_SCHOOL, "high"), -1);
    cr_expect_str_eq(bf_enum_name(BF_ENUM_STATUS, BF_STATUS_POVERTY_ALLEVIATED), "poverty_alleviated");
}

Test(household, defaults)
{
    cr_expect_eq(h.status, BF_STATUS_NONE);
    cr_expect_eq(h.monitor, BF_MONITOR_NONE);
    cr_expect(h.housing_safe && h.water_safe);
    cr_expect(!h.has_previous);
    cr_expect_str_eq(h.recorded, "");
}

Test(household, a_good_household_passes)
{
    cr_expect_eq(bf_household_validate(&h, "f.xml", 0, &errs), 0);
    cr_expect_eq(errs.count, 0);
}

Test(household, no_members)
{
    h.n_members = 0;
    cr_expect_eq(bf_household_validate(&h, "f.xml", 0, &errs), 1);
    cr_expect(any_error_contains("household H1: a household needs at least one member"));
}

Test(household, duplicate_member_ids)
{
    bf_member *m = bf_household_add_member(&h);
    strcpy(m->id, "H1-1");
    m->line = 7;
    cr_expect_eq(bf_household_validate(&h, "f.xml", 0, &errs), 1);
    cr_expect(any_error_contains("f.xml:7: household H1, member H1-1: duplicate member id"));
}

Test(household, negative_money_names_the_field)
{
    h.wage = -100;
    h.line = 3;
    h.members[0].medical_cost = -1;
    cr_expect_eq(bf_household_validate(&h, "f.xml", 0, &errs), 2);
    cr_expect(any_error_contains("f.xml:3: household H1: income wage must be a non-negative amount, got -1.00"));
    cr_expect(any_error_contains("member H1-1: medical_cost must be a non-negative amount"));
}

Test(household, ids_and_text)
{
    memset(h.id, 'x', 65);
    h.id[65] = '\0';
    strcpy(h.members[0].id, "");
    strcpy(h.village, "\xff\xfe");
    cr_expect_eq(bf_household_validate(&h, NULL, 0, &errs), 3);
    cr_expect(any_error_contains("household id must be 1 to 64 characters, has 65"));
    cr_expect(any_error_contains("member id must be 1 to 64 characters, has 0"));
    cr_expect(any_error_contains("village is not valid UTF-8"));
}

Test(household, chinese_ids_count_characters_not_bytes)
{
    /* 64 three-byte characters: 192 bytes, still 64 characters */
    char id[BF_ID_BYTES] = "";
    for (int i = 0; i < 64; i++)
        strcat(id, "户");
    strcpy(h.id, id);
    cr_expect_eq(bf_household_validate(&h, NULL, 0, &errs), 0);
}

Test(household, birth_after_evaluation_date)
{
    bf_date today;
    bf_date_parse("1980-04-30", &today);
    cr_expect_eq(bf_household_validate(&h, NULL, today, &errs), 1);
    cr_expect(any_error_contains("birth 1980-05-01 is after the evaluation date 1980-04-30"));
    bf_errors_free(&errs);
    bf_date_parse("1980-05-01", &today);
    cr_expect_eq(bf_household_validate(&h, NULL, today, &errs), 0);
}

Test(household, disability_grade_and_houses)
{
    h.members[0].disability = 5;
    h.extra_houses = -1;
    cr_expect_eq(bf_household_validate(&h, NULL, 0, &errs), 2);
    cr_expect(any_error_contains("disability must be 0 to 4, got 5"));
    cr_expect(any_error_contains("extra_houses must be 0 or more"));
}

Test(household, idnumber_shape_and_masking)
{
    strcpy(h.members[0].idnumber, "44023219800501123X");
    cr_expect_eq(bf_household_validate(&h, NULL, 0, &errs), 0);
    strcpy(h.members[0].idnumber, "4402321980050112");
    cr_expect_eq(bf_household_validate(&h, NULL, 0, &errs), 1);
    cr_expect(!any_error_contains("4402321980050112"), "the ID number must not be printed in full");
    char masked[BF_IDNUMBER_LEN + 1];
    bf_mask_idnumber("44023219800501123X", masked);
    cr_expect_str_eq(masked, "440232********123X");
}

Test(household, member_limit)
{
    for (int i = 1; i < BF_MEMBERS_MAX; i++)
        cr_assert_not_null(bf_household_add_member(&h));
    cr_expect_null(bf_household_add_member(&h));
}

Test(household, error_list_is_bounded)
{
    bf_errors small;
    bf_errors_init(&small, 2);
    for (int i = 0; i < 5; i++)
        bf_errors_add(&small, "e%d", i);
    cr_expect_eq(small.count, 2);
    cr_expect_eq(bf_errors_total(&small), 5);
    cr_expect_str_eq(small.msgs[1], "e1");
    bf_errors_free(&small);
}

Test(household, utf8_validation_agrees_with_the_decoder)
{
    const char *const samples[] = {
        "", "ascii", "家庭人均月收入 520.00 元", "\xc2\xa9", "\xf0\x9f\x98\x80",
        "\xff", "\xc0\xaf",                   /* overlong '/' */
        "\xe0\x80\xaf",                        /* overlong, three bytes */
        "\xed\xa0\x80",                        /* a surrogate */
        "\xf4\x90\x80\x80",                   /* past U+10FFFF */
        "\xe5\xae", "\xe5\xae\xb6\xe5",      /* cut short */
        "\x80", "a\xe5\xae" "b",
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        cr_expect_eq(bf_utf8_valid(samples[i], strlen(samples[i])), bf_utf8_length(samples[i]) >= 0,
                     "sample %zu", i);
    cr_expect(!bf_utf8_valid("a\0b", 3), "a NUL inside is not text");
}

Test(household, utf8_validation_agrees_with_the_decoder_on_random_text)
{
    /* pieces of text: ASCII runs (the 8-byte path), Chinese, and the edges of every range */
    static const char *const pieces[] = {
        "a", "01234567", "abcdefghij", " 元", "家庭", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80",
        "\xe0\x9f\xbf", "\xed\x9f\xbf", "\xed\xa0\x80", "\xee\x80\x80", "\xef\xbf\xbf",
        "\xf0\x90\x80\x80", "\xf0\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80",
        "\xe5", "\xae", "\xc1\xbf", "\xf5\x80\x80\x80", "\xff", "\xe5\xae\x41",
    };
    enum { N = sizeof pieces / sizeof pieces[0] };
    uint64_t x = 7;
    char text[256];
    for (int round = 0; round < 100000; round++) {
        size_t len = 0;
        int count = (int)(x % 9);
        for (int i = 0; i < count; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *piece = pieces[(x >> 33) % N];
            size_t pl = strlen(piece);
            memcpy(text + len, piece, pl);
            len += pl;
        }
        text[len] = '\0';
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        cr_assert_eq(bf_utf8_valid(text, len), bf_utf8_length(text) >= 0, "round %d: %s", round, text);
        if (len > 0) {
            size_t at = (size_t)((x >> 40) % len);
            char keep = text[at];
            text[at] = '\0';
            cr_assert(!bf_utf8_valid(text, len), "round %d: a NUL at %zu", round, at);
            text[at] = keep;
        }
    }
}
