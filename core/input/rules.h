/* rules.h — the import's record rules beyond the field checks of household.c: identity (GB 11643
 * ID numbers agreeing with birth and sex), plausibility (ages, one head) and places (areas.xml). */
#ifndef BF_RULES_H
#define BF_RULES_H

#include "areas.h"
#include "date.h"
#include "errors.h"
#include "household.h"

/* The oldest age accepted on the import date. */
#define BF_AGE_MAX 120

/* What the rules are checked against. */
typedef struct bf_rules {
    bf_date today;              /* the import date: ages are taken on it; 0 = ages not checked */
    const bf_areas *areas;      /* the county's towns and villages; NULL = places not checked */
} bf_rules;

/* Checks household h against the rules, each error placed at its value through loc (NULL: the
 * record's line): an 18-character idnumber has a real date, the right check digit, the
 * member's birth and a sex digit agreeing with sex; age on today 0 to BF_AGE_MAX; exactly one
 * member with relation head; town in the areas, village in that town. An idnumber whose shape
 * bf_household_validate already refused is not checked again. Returns the number of errors. */
int bf_rules_check(const bf_household *h, const char *file, const bf_locator *loc,
                   const bf_rules *rules, bf_errors *errs);

#endif
