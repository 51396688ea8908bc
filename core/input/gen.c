/* gen.c — the synthetic county population: households built one by one from their own random
 * stream, so that household k depends only on (county, seed, k, date); and what its records
 * say it receives (bf__gen_record). The places and the dibao standard come from the county's
 * files; which policies a household is eligible for, from the policy scripts (the caller). */
#include "gen.h"
#include "bangfu.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ======================================================================== random streams */

/* xoshiro256** (Blackman and Vigna), seeded through splitmix64 from (seed, index). */
typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_init(rng *r, uint64_t seed, int64_t index)
{
    uint64_t x = seed;
    uint64_t key = splitmix64(&x);
    x = key ^ ((uint64_t)index * 0xd1b54a32d192ed03ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, 1). */
static double unit(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n), n ≥ 1. */
static int below(rng *r, int n)
{
    return (int)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform integer in [lo, hi]. */
static int range(rng *r, int lo, int hi)
{
    return lo + below(r, hi - lo + 1);
}

static bool chance(rng *r, double p)
{
    return unit(r) < p;
}

/* An index drawn with the given weights (they need not sum to 1). */
static int pick(rng *r, const double *w, int n)
{
    double total = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    double x = unit(r) * total;
    for (int i = 0; i < n - 1; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

/* Log-uniform in [lo, hi]: as many draws per decade, for costs with a long tail. */
static double log_uniform(rng *r, double lo, double hi)
{
    return lo * exp(unit(r) * log(hi / lo));
}

/* Whole yuan as fen. */
static bf_fen yuan(double y)
{
    return y <= 0 ? 0 : (bf_fen)llround(y) * 100;
}

/* ======================================================================== places and names */

/* Share of the county's households per town, in the order of areas.xml (the county seat, the
 * first, is the largest; towns past the ninth weigh as the ninth). */
#define WEIGHED_TOWNS 9
static const double town_weight[WEIGHED_TOWNS] = {25, 18, 10, 9, 7, 8, 7, 8, 8};
/* Income level per town: the mountain (瑶族) towns earn less. */
static const double town_income[WEIGHED_TOWNS] = {1.10, 1.05, 1.0, 0.9, 0.85, 0.9, 0.8, 0.85, 0.8};

/* The weight and income level of town t. */
static double weight_of(int t)
{
    return town_weight[t < WEIGHED_TOWNS ? t : WEIGHED_TOWNS - 1];
}

static double income_of(int t)
{
    return town_income[t < WEIGHED_TOWNS ? t : WEIGHED_TOWNS - 1];
}

/* A town of the county, drawn by weight. */
static int pick_town(rng *r, const bf_areas *a)
{
    int n = bf_areas_town_count(a);
    double w[64];
    n = n < 64 ? n : 64;
    for (int t = 0; t < n; t++)
        w[t] = weight_of(t);
    return pick(r, w, n);
}

static const char *const surnames[] = {
    "李", "陈", "黄", "邓", "赵", "盘", "张", "刘", "林", "王", "杨", "周", "吴", "曾", "罗",
    "邱", "何", "冯", "朱", "谢", "房", "沈", "雷", "唐", "钟", "温", "侯", "欧", "龚", "潘",
};
static const char *const male_chars[] = {
    "伟", "强", "军", "国", "建", "明", "华", "平", "志", "文", "海", "金", "福", "荣", "贵",
    "德", "永", "发", "才", "勇", "俊", "辉", "东", "亮", "杰", "浩", "宇", "龙", "新", "成",
};
static const char *const female_chars[] = {
    "秀", "英", "兰", "芳", "梅", "霞", "玉", "凤", "珍", "丽", "娟", "红", "燕", "萍", "莲",
    "桂", "春", "琴", "群", "敏", "婷", "娜", "静", "慧", "雪", "月", "花", "妹", "银", "艳",
};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int random_surname(rng *r)
{
    return below(r, COUNT(surnames));
}

static void make_name(rng *r, int surname, bf_sex sex, char *out, size_t size)
{
    const char *const *chars = sex == BF_SEX_M ? male_chars : female_chars;
    int n = sex == BF_SEX_M ? COUNT(male_chars) : COUNT(female_chars);
    if (chance(r, 0.75))
        snprintf(out, size, "%s%s%s", surnames[surname], chars[below(r, n)], chars[below(r, n)]);
    else
        snprintf(out, size, "%s%s", surnames[surname], chars[below(r, n)]);
}

/* ======================================================================== dates and ids */

static bf_date ymd_clamped(int y, int m, int d)
{
    if (!bf_date_valid_ymd(y, m, d))
        d = 28;   /* 29 February in a common year */
    return bf_date_from_ymd(y, m, d);
}

/* A birth date that makes someone `age` full years old on `on` (never after on). */
static bf_date birth_for_age(rng *r, bf_date on, int age)
{
    int y, m, d;
    bf_date_to_ymd(on, &y, &m, &d);
    bf_date latest = ymd_clamped(y - age, m, d);
    bf_date before = ymd_clamped(y - age - 1, m, d);
    return latest - below(r, latest - before);
}

void bf_gen_household_id(int64_t index, char out[BF_ID_BYTES])
{
    snprintf(out, BF_ID_BYTES, "H%09lld", (long long)(index + 1));
}

/* Each generated person has a slot of their own, so that no two share an ID number (one person
 * in two households is an import error): a division code, a day within the year of birth their
 * age allows, and a sequence number. 365 days × 500 numbers per sex = 182,500 slots per code:
 * the county's own 440232 first, then the codes after it (people registered elsewhere) for
 * counties of more than about 22,800 households (8 person numbers per household). */
#define SLOTS_PER_CODE (365 * 500)
#define SLOT_MIX 7919            /* a unit modulo SLOTS_PER_CODE: scatters neighbours' slots */

/* The slot of person number `person`: division code, days before the latest birth date of their
 * age, and sequence number (0 … 499). */
static void person_slot(int64_t person, int *code, int *day, int *seq)
{
    int64_t within = (person % SLOTS_PER_CODE) * SLOT_MIX % SLOTS_PER_CODE;
    *code = 440232 + (int)(person / SLOTS_PER_CODE);
    *day = (int)(within % 365);
    *seq = (int)(within / 365);
}

/* The birth date of person number `person`, `age` full years old on `on`. */
static bf_date birth_of_person(int64_t person, bf_date on, int age)
{
    int y, m, d, code, day, seq;
    bf_date_to_ymd(on, &y, &m, &d);
    person_slot(person, &code, &day, &seq);
    return ymd_clamped(y - age, m, d) - day;
}

/* The resident ID number of person number `person`, with birth date, sex digit and check digit. */
static void make_idnumber(int64_t person, bf_date birth, bf_sex sex,
                          char out[BF_IDNUMBER_LEN + 1])
{
    static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    int y, m, d, code, day, seq;
    bf_date_to_ymd(birth, &y, &m, &d);
    person_slot(person, &code, &day, &seq);
    char digits[64];          /* room for any int, so the compiler sees no truncation */
    snprintf(digits, sizeof digits, "%06d%04d%02d%02d%03d", code % 1000000, y % 10000, m % 100,
             d % 100, seq * 2 + (sex == BF_SEX_M ? 1 : 0));
    memcpy(out, digits, 17);
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (out[i] - '0') * weight[i];
    out[17] = check[sum % 11];
    out[18] = '\0';
}

/* ======================================================================== who lives here */

/* A person planned before the details: relation, age and sex. */
typedef struct person {
    bf_relation rel;
    int age;
    bf_sex sex;
} person;

typedef struct plan {
    person p[8];
    int n;
    bool skipped;   /* grandparents raising grandchildren (隔代户) */
} plan;

static bf_sex other_sex(bf_sex s)
{
    return s == BF_SEX_M ? BF_SEX_F : BF_SEX_M;
}

static void add(plan *pl, bf_relation rel, int age, bf_sex sex)
{
    if (age < 0)
        age = 0;
    if (age > 99)
        age = 99;
    pl->p[pl->n++] = (person){rel, age, sex};
}

static bf_sex random_sex(rng *r)
{
    return chance(r, 0.5) ? BF_SEX_M : BF_SEX_F;
}

static int household_size(rng *r)
{
    static const double w[7] = {12, 25, 22, 19, 12, 7, 3};
    return pick(r, w, 7) + 1;
}

/* Head and spouse of a given age; the head is mostly the man. */
static void add_couple(rng *r, plan *pl, int age, bool spouse)
{
    bf_sex head = chance(r, 0.85) ? BF_SEX_M : BF_SEX_F;
    add(pl, BF_REL_HEAD, age, head);
    if (spouse)
        add(pl, BF_REL_SPOUSE, age + (head == BF_SEX_M ? -range(r, 0, 5) : range(r, 0, 5)),
            other_sex(head));
}

static void plan_small(rng *r, plan *pl, int size)
{
    if (size == 1) {
        add(pl, BF_REL_HEAD, chance(r, 0.55) ? range(r, 60, 92) : range(r, 22, 59), random_sex(r));
        return;
    }
    double x = unit(r);
    if (x < 0.45) {
        add_couple(r, pl, range(r, 60, 88), true);
    } else if (x < 0.70) {
        add_couple(r, pl, range(r, 35, 59), true);
    } else if (x < 0.82) {
        int age = range(r, 28, 52);
        add(pl, BF_REL_HEAD, age, random_sex(r));
        add(pl, BF_REL_CHILD, age - range(r, 20, 34), random_sex(r));
    } else if (x < 0.92) {
        int age = range(r, 30, 59);
        add(pl, BF_REL_HEAD, age, random_sex(r));
        add(pl, BF_REL_PARENT, age + range(r, 22, 35), random_sex(r));
    } else {
        pl->skipped = true;
        add(pl, BF_REL_HEAD, range(r, 58, 80), random_sex(r));
        add(pl, BF_REL_GRANDCHILD, range(r, 3, 17), random_sex(r));
    }
}

/* Grandparents and grandchildren whose parents work away or are gone. */
static void plan_skipped(rng *r, plan *pl, int size)
{
    pl->skipped = true;
    add_couple(r, pl, range(r, 56, 80), chance(r, 0.7));
    while (pl->n < size)
        add(pl, BF_REL_GRANDCHILD, range(r, 0, 17), random_sex(r));
}

/* Head (and mostly a spouse), the head's parents, children, grandchildren, others. */
static void plan_family(rng *r, plan *pl, int size)
{
    int age = range(r, 26, 64);
    add_couple(r, pl, age, chance(r, 0.88));
    if (age <= 55 && size - pl->n >= 2 && chance(r, 0.45)) {
        int parents = size - pl->n >= 3 && chance(r, 0.5) ? 2 : 1;
        int pa = age + range(r, 22, 34);
        for (int i = 0; i < parents && pa <= 97; i++)
            add(pl, BF_REL_PARENT, pa - i * range(r, 0, 4), i == 0 ? BF_SEX_M : BF_SEX_F);
    }
    int oldest = -1, children = 0;
    while (pl->n < size && children < 4) {
        int ca = age - range(r, 21, 38);
        if (ca < 0)
            ca = range(r, 0, age - 20 > 0 ? age - 20 : 0);
        add(pl, BF_REL_CHILD, ca, random_sex(r));
        if (ca > oldest)
            oldest = ca;
        children++;
        if (oldest >= 22 && chance(r, 0.5))
            break;
    }
    if (oldest >= 22 && pl->n < size && chance(r, 0.4))
        add(pl, BF_REL_OTHER, oldest + range(r, -3, 3), random_sex(r));   /* 儿媳/女婿 */
    while (pl->n < size) {
        if (oldest >= 21)
            add(pl, BF_REL_GRANDCHILD, range(r, 0, oldest - 20), random_sex(r));
        else
            add(pl, BF_REL_SIBLING, age + range(r, -10, 10), random_sex(r));
    }
}

static void plan_household(rng *r, plan *pl)
{
    int size = household_size(r);
    pl->n = 0;
    pl->skipped = false;
    if (size <= 2)
        plan_small(r, pl, size);
    else if (chance(r, 0.08))
        plan_skipped(r, pl, size);
    else
        plan_family(r, pl, size);
}

/* ======================================================================== member details */

static void draw_disability(rng *r, bf_member *m, int age, bool alone)
{
    double p = age < 16 ? 0.012 : age < 60 ? (alone ? 0.12 : 0.04) : age < 80 ? 0.10 : 0.20;
    if (!chance(r, p))
        return;
    static const double grade_w[4] = {12, 23, 30, 35};
    static const double type_w[7] = {40, 12, 16, 4, 10, 9, 9};
    m->disability = pick(r, grade_w, 4) + 1;
    m->disability_type = (bf_disability_type)(pick(r, type_w, 7) + 1);
}

static void draw_health(rng *r, bf_member *m, int age)
{
    double p = age < 16 ? 0.005 : age < 60 ? 0.02 : 0.06;
    m->serious_illness = chance(r, p);
    /* self-care: by disability grade, illness and great age */
    double partial = 0, none = 0;
    switch (m->disability) {
    case 1: partial = 0.5; none = 0.5; break;
    case 2: partial = 0.6; none = 0.15; break;
    case 3: partial = 0.2; break;
    default: break;
    }
    if (m->serious_illness && partial + none < 0.4)
        partial = 0.4 - none;
    if (age >= 85 && partial + none < 0.33) {
        partial = 0.25;
        none = 0.08;
    }
    double x = unit(r);
    m->self_care = x < none ? BF_CARE_NONE : x < none + partial ? BF_CARE_PARTIAL : BF_CARE_FULL;
}

static bf_school school_for_age(rng *r, int age, int disability)
{
    if (age >= 6 && age <= 15 && (disability == 1 || disability == 2) && chance(r, 0.5))
        return BF_SCHOOL_NONE;
    if (age >= 6 && age <= 15 && chance(r, 0.015))
        return BF_SCHOOL_NONE;   /* dropped out (控辍保学) */
    if (age < 3)
        return BF_SCHOOL_NONE;
    if (age <= 5)
        return chance(r, 0.88) ? BF_SCHOOL_PRESCHOOL : BF_SCHOOL_NONE;
    if (age <= 11)
        return BF_SCHOOL_PRIMARY;
    if (age <= 14)
        return BF_SCHOOL_JUNIOR;
    if (age == 15) {
        static const double w[3] = {35, 40, 25};
        static const bf_school s[3] = {BF_SCHOOL_JUNIOR, BF_SCHOOL_SENIOR, BF_SCHOOL_VOCATIONAL};
        return s[pick(r, w, 3)];
    }
    if (age <= 17) {
        static const double w[3] = {55, 25, 20};
        static const bf_school s[3] = {BF_SCHOOL_SENIOR, BF_SCHOOL_VOCATIONAL, BF_SCHOOL_NONE};
        return s[pick(r, w, 3)];
    }
    if (age <= 22)
        return chance(r, 0.3) ? BF_SCHOOL_COLLEGE : BF_SCHOOL_NONE;
    return BF_SCHOOL_NONE;
}

static bf_labor labor_for(rng *r, const bf_member *m, int age)
{
    if (age < 16)
        return BF_LABOR_NONE;
    static const double by_grade[5][3] = {   /* full, partial, none */
        {93, 7, 0}, {0, 20, 80}, {5, 25, 70}, {20, 60, 20}, {60, 40, 0},
    };
    double w[3];
    memcpy(w, by_grade[m->disability], sizeof w);
    if (m->serious_illness) {
        w[0] = 0; w[1] = 50; w[2] = 50;
    }
    if (age >= 70) {
        w[0] = 0; w[1] = 30; w[2] = 70;
    } else if (age >= 60 && m->disability == 0 && !m->serious_illness) {
        w[0] = 15; w[1] = 60; w[2] = 25;
    }
    return (bf_labor)pick(r, w, 3);
}

static bf_employment employment_for(rng *r, const bf_member *m, int age)
{
    if (m->labor == BF_LABOR_NONE || m->school != BF_SCHOOL_NONE || age < 16)
        return BF_EMP_NONE;
    /* local, outside, unemployed, none */
    static const double full[4] = {45, 40, 7, 8};
    static const double partial[4] = {40, 10, 30, 20};
    static const double old[4] = {50, 3, 5, 42};
    const double *w = age >= 60 ? old : m->labor == BF_LABOR_FULL ? full : partial;
    return (bf_employment)pick(r, w, 4);
}

static bool has_spouse(const plan *pl)
{
    for (int i = 0; i < pl->n; i++)
        if (pl->p[i].rel == BF_REL_SPOUSE)
            return true;
    return false;
}

/* Whether some member of working age (18–59) lives in the household. */
static bool has_working_age(const plan *pl)
{
    for (int i = 0; i < pl->n; i++)
        if (pl->p[i].age >= 18 && pl->p[i].age <= 59)
            return true;
    return false;
}

/* 有履行能力的法定赡养抚养扶养义务人: mostly yes; people living alone, the elderly without
 * working-age family at home and grandchildren of the skipped generation sometimes have none. */
static bool supporter_for(rng *r, const plan *pl, const person *p)
{
    bool family = pl->n > 1 && has_working_age(pl);
    if (p->age < 18)
        return pl->skipped ? chance(r, 0.75) : true;
    if (p->age >= 60)
        return family ? chance(r, 0.97) : chance(r, pl->n == 1 ? 0.65 : 0.8);
    if (pl->n == 1)
        return chance(r, 0.5);
    return has_spouse(pl) || family ? chance(r, 0.95) : chance(r, 0.6);
}

static double medical_cost_for(rng *r, const bf_member *m, int age)
{
    double cost = 0;
    if (chance(r, age >= 60 ? 0.7 : 0.35))
        cost += range(r, 100, age >= 60 ? 6000 : 3000);
    if (m->disability)
        cost += range(r, 500, 8000);
    if (m->serious_illness)
        cost += log_uniform(r, 8000, 420000);
    return cost;
}

/* Member i of household number index (its person number is index × 8 + i). */
static int fill_member(rng *r, bf_household *h, int64_t index, const plan *pl, int i,
                       int surname, bf_date on)
{
    int64_t number = index * 8 + i;
    const person *p = &pl->p[i];
    bf_member *m = bf_household_add_member(h);
    if (!m)
        return BF_ENOMEM;
    snprintf(m->id, sizeof m->id, "%.200s-%d", h->id, i + 1);
    bool family_name = p->rel == BF_REL_CHILD || p->rel == BF_REL_GRANDCHILD ||
                       p->rel == BF_REL_SIBLING || (p->rel == BF_REL_PARENT && p->sex == BF_SEX_M) ||
                       (p->rel == BF_REL_HEAD && p->sex == BF_SEX_M) ||
                       (p->rel == BF_REL_SPOUSE && p->sex == BF_SEX_M);
    make_name(r, family_name ? surname : random_surname(r), p->sex, m->name, sizeof m->name);
    m->relation = p->rel;
    m->sex = p->sex;
    (void)birth_for_age(r, on, p->age);          /* drawn as before: the rest stays the same */
    m->birth = birth_of_person(number, on, p->age);
    if (chance(r, 0.95)) {
        (void)below(r, 500);                      /* the sequence number drawn before */
        make_idnumber(number, m->birth, m->sex, m->idnumber);
    }
    draw_disability(r, m, p->age, pl->n == 1);
    draw_health(r, m, p->age);
    m->school = school_for_age(r, p->age, m->disability);
    m->labor = labor_for(r, m, p->age);
    m->employment = employment_for(r, m, p->age);
    m->supporter = supporter_for(r, pl, p);
    m->pension_insured = p->age >= 16 && m->school == BF_SCHOOL_NONE && chance(r, 0.9);
    m->medical_insured = chance(r, m->employment == BF_EMP_OUTSIDE ? 0.88 : 0.97);
    m->medical_cost = yuan(medical_cost_for(r, m, p->age));
    return BF_OK;
}

/* Most households with someone able to work have someone in work. */
static void find_work(rng *r, bf_household *h, bf_date on)
{
    bf_member *able = NULL;
    for (int i = 0; i < h->n_members; i++) {
        bf_member *m = &h->members[i];
        if (m->employment == BF_EMP_LOCAL || m->employment == BF_EMP_OUTSIDE)
            return;
        int age = bf_age_on(m->birth, on);
        if (!able && m->labor != BF_LABOR_NONE && m->school == BF_SCHOOL_NONE && age >= 18 &&
            age <= 59)
            able = m;
    }
    if (able && chance(r, 0.75))
        able->employment = chance(r, 0.55) ? BF_EMP_LOCAL : BF_EMP_OUTSIDE;
}

/* ======================================================================== money */

/* Yearly wage of one member from work, by place and labour ability. */
static double wage_for(rng *r, const bf_member *m)
{
    int months = range(r, 8, 12);
    bool full = m->labor == BF_LABOR_FULL;
    switch (m->employment) {
    case BF_EMP_LOCAL: return months * (full ? range(r, 1800, 4200) : range(r, 700, 1800));
    case BF_EMP_OUTSIDE: return months * (full ? range(r, 3200, 6500) : range(r, 1500, 3200));
    default: return 0;
    }
}

static double education_cost(rng *r, bf_school s)
{
    static const int lo[BF_SCHOOL__N] = {0, 1500, 300, 500, 2000, 1500, 6000};
    static const int hi[BF_SCHOOL__N] = {0, 4000, 1200, 1500, 5000, 4000, 15000};
    return s == BF_SCHOOL_NONE ? 0 : range(r, lo[s], hi[s]);
}

static void fill_income(rng *r, bf_household *h, double level, bf_date on)
{
    double wage = 0, pension = 0, oldies = 0, costs = 0, school = 0;
    bool workers = false;
    for (int i = 0; i < h->n_members; i++) {
        const bf_member *m = &h->members[i];
        double w = wage_for(r, m) * level;
        workers = workers || w > 0;
        wage += w;
        if (bf_age_on(m->birth, on) >= 60) {
            oldies++;
            pension += range(r, 2000, 2600);   /* 城乡居民基础养老金 */
        }
        costs += bf_fen_to_yuan(m->medical_cost);
        school += education_cost(r, m->school);
    }
    h->wage = yuan(wage);
    if (chance(r, workers ? 0.55 : 0.75))   /* farming, forestry, a small shop */
        h->business = yuan(range(r, 500, workers ? 15000 : 6000) * level);
    if (chance(r, 0.1))
        h->property = yuan(range(r, 200, 5000));
    double transfer = pension;
    if (!workers && chance(r, 0.75))   /* children working elsewhere send money */
        transfer += h->n_members * range(r, 2000, 9000);
    if (chance(r, 0.08))
        transfer += range(r, 300, 3000);
    h->transfer = yuan(transfer);
    if (chance(r, 0.08))
        h->excluded = yuan(range(r, 500, 6000));   /* awards, 抚恤金 */
    h->medical = yuan(costs * (0.2 + 0.3 * unit(r)));
    h->education = yuan(school);
}

static void fill_previous(rng *r, bf_household *h)
{
    if (!chance(r, 0.85))
        return;
    bf_fen now = h->wage + h->business + h->property + h->transfer;
    double ratio = chance(r, 0.05) ? 1.0 / (0.3 + 0.38 * unit(r))   /* a large drop this year */
                                   : 0.9 + 0.25 * unit(r);
    h->has_previous = true;
    h->previous = yuan(bf_fen_to_yuan(now) * ratio + (now == 0 ? range(r, 3000, 20000) : 0));
}

static void fill_assets(rng *r, bf_household *h)
{
    double income = bf_fen_to_yuan(h->wage + h->business + h->property + h->transfer);
    double deposits = income * 0.8 * unit(r) * unit(r);
    if (chance(r, 0.07))
        deposits += range(r, 20000, 200000);
    h->deposits = yuan(deposits);
    double rich = income / h->n_members / 12 > 1500 ? 0.12 : 0.02;
    if (chance(r, rich))
        h->vehicle = yuan(range(r, 15000, 120000));
    if (chance(r, rich * 0.5))
        h->extra_houses = chance(r, 0.85) ? 1 : 2;
}

/* ======================================================================== statuses */

static void fill_status(rng *r, bf_household *h, double standard)
{
    bf_fen income = h->wage + h->business + h->property + h->transfer;
    double pcm = bf_fen_to_yuan(income) / h->n_members / 12;
    double s = standard;
    double alleviated = pcm < 1.5 * s ? 0.22 : pcm < 3 * s ? 0.09 : 0.015;
    if (chance(r, alleviated))
        h->status = BF_STATUS_POVERTY_ALLEVIATED;
    bool dropped = h->has_previous && income * 10 < h->previous * 7;
    bool costly = h->medical * 2 > income && h->medical > 0;
    if (h->status == BF_STATUS_POVERTY_ALLEVIATED && chance(r, pcm < 1.5 * s ? 0.2 : 0.06))
        h->monitor = BF_MONITOR_UNSTABLE;
    else if ((dropped || costly) && chance(r, 0.3))
        h->monitor = BF_MONITOR_HARDSHIP;
    else if (pcm >= s && pcm < 2 * s && chance(r, 0.06))
        h->monitor = BF_MONITOR_MARGINAL;
    double unsafe = pcm < 1.5 * s ? 0.05 : 0.015;
    h->housing_safe = !chance(r, unsafe);
    h->water_safe = !chance(r, unsafe);
}

/* ======================================================================== recorded */

/* The policies a household can be recorded as receiving, in the order of the policy scripts. */
static const char *const recordable[] = {
    "tekun", "low_income", "dibao", "pension_subsidy", "medical_aid", "employment_support",
    "disability_subsidy", "education_aid",
};
#define RECORDABLE COUNT(recordable)
enum { REC_TEKUN = 1u << 0, REC_LOW_INCOME = 1u << 1, REC_DIBAO = 1u << 2,
       REC_DISABILITY = 1u << 6 };

/* Whether the space-separated list holds id. */
static bool listed(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list; (p = strstr(p, id)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* The recordable policies of a list of eligible ones, as a bit per entry of recordable[]. */
static unsigned recordable_set(const char *eligible)
{
    unsigned set = 0;
    for (int p = 0; p < RECORDABLE; p++)
        if (listed(eligible, recordable[p]))
            set |= 1u << p;
    return set;
}

/* The stream of a household's record noise: apart from the stream of its fields, so that the
 * fields are the same whatever the records say. */
#define RECORD_STREAM 0x7265636f72646564ULL   /* "recorded" */

void bf__gen_record(uint64_t seed, int64_t index, bf_household *h)
{
    rng stream, *r = &stream;
    rng_init(r, seed ^ RECORD_STREAM, index);
    unsigned eligible = recordable_set(h->recorded), set = eligible;
    for (int p = 0; p < RECORDABLE; p++)
        if ((set >> p & 1) && chance(r, 0.03))
            set &= ~(1u << p);
    if (!(set & REC_DIBAO) && (eligible & REC_LOW_INCOME) && chance(r, 0.15))
        set |= REC_DIBAO;   /* still recorded although the income rose above the standard */
    else if (!(set & REC_DIBAO) && chance(r, 0.003))
        set |= REC_DIBAO;
    if (!(set & REC_TEKUN) && chance(r, 0.003))
        set |= REC_TEKUN;
    if (!(set & REC_DISABILITY) && chance(r, 0.003))
        set |= REC_DISABILITY;
    size_t len = 0;
    h->recorded[0] = '\0';
    for (int p = 0; p < RECORDABLE; p++)
        if (set >> p & 1)
            len += (size_t)snprintf(h->recorded + len, sizeof h->recorded - len, "%s%s",
                                    len ? " " : "", recordable[p]);
}

/* ======================================================================== one household */

int bf_gen_household(const bf_gen_county *c, uint64_t seed, int64_t index, bf_date on,
                     bf_household *out)
{
    rng r;
    rng_init(&r, seed, index);
    bf_household_reset(out);
    bf_gen_household_id(index, out->id);
    int town = pick_town(&r, c->areas);
    snprintf(out->town, sizeof out->town, "%s", bf_areas_town_name(c->areas, town));
    int village = below(&r, bf_areas_village_count(c->areas, town));
    snprintf(out->village, sizeof out->village, "%s",
             bf_areas_village_name(c->areas, town, village, NULL));
    plan pl;
    plan_household(&r, &pl);
    int surname = random_surname(&r);
    for (int i = 0; i < pl.n; i++)
        if (fill_member(&r, out, index, &pl, i, surname, on) != BF_OK)
            return BF_ENOMEM;
    find_work(&r, out, on);
    fill_income(&r, out, income_of(town) * (0.8 + 0.7 * unit(&r)), on);
    fill_previous(&r, out);
    fill_assets(&r, out);
    fill_status(&r, out, c->standard);
    return BF_OK;
}
