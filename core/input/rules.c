/* rules.c — identity, plausibility and place rules of an imported household. */
#include "rules.h"
#include "i18n.h"
#include "plugin.h"

#include <stdio.h>
#include <string.h>

#define ERR(m_, field_, ...) bf__field_error(errs, loc, file, h, (m_), (field_), __VA_ARGS__)

/* GB 11643: a date that exists, the check digit, and agreement with birth and sex. */
static int check_identity(const bf_household *h, const bf_member *m, const char *file,
                          const bf_locator *loc, bf_errors *errs)
{
    bf_idnumber_parts p;
    bf_idnumber_status st = bf_idnumber_check(m->idnumber, strlen(m->idnumber), &p);
    if (!m->idnumber[0] || st == BF_IDNUMBER_BAD_LENGTH || st == BF_IDNUMBER_BAD_CHARACTER)
        return 0;                     /* absent, or refused by the shape check of household.c */
    char masked[BF_IDNUMBER_LEN + 1];
    bf_mask_idnumber(m->idnumber, masked);
    if (st == BF_IDNUMBER_BAD_DATE) {
        ERR(m, "idnumber", _("idnumber %s does not hold a date that exists in its characters 7 "
            "to 14 (GB 11643)"), masked);
        return 1;
    }
    if (st == BF_IDNUMBER_BAD_CHECK) {
        ERR(m, "idnumber", _("idnumber %s has a wrong check digit: its first 17 digits call for "
            "another last character (GB 11643)"), masked);
        return 1;
    }
    int n = 0;
    if (!bf__field_rejected(BF_RECORD_MEMBER, m, "birth") &&
        bf_date_from_ymd(p.year, p.month, p.day) != m->birth) {
        char birth[BF_DATE_STRLEN];
        bf_date_format(m->birth, birth);
        ERR(m, "idnumber", _("idnumber %s holds another birth date than birth %s"), masked, birth);
        n++;
    }
    const char *sex = bf_enum_name(BF_ENUM_SEX, (int)m->sex);
    if (!bf__field_rejected(BF_RECORD_MEMBER, m, "sex") && p.sex != sex[0]) {
        ERR(m, "idnumber", _("idnumber %s has the sex digit of %s, but sex is %s"), masked,
            p.sex == 'M' ? _("a man") : _("a woman"), sex);
        n++;
    }
    return n;
}

/* Age on the import date within 0 … BF_AGE_MAX (a birth after it is household.c's rule). */
static int check_age(const bf_household *h, const bf_member *m, const char *file,
                     const bf_locator *loc, bf_date today, bf_errors *errs)
{
    if (!today || m->birth > today)
        return 0;
    int age = bf_age_on(m->birth, today);
    if (age <= BF_AGE_MAX)
        return 0;
    char birth[BF_DATE_STRLEN], on[BF_DATE_STRLEN];
    bf_date_format(m->birth, birth);
    bf_date_format(today, on);
    ERR(m, "birth", _("birth %s makes the member %d years old on %s; ages from 0 to %d are "
        "accepted"), birth, age, on, BF_AGE_MAX);
    return 1;
}

/* Exactly one member with relation head. */
static int check_head(const bf_household *h, const char *file, const bf_locator *loc,
                      bf_errors *errs)
{
    int heads = 0, n = 0;
    const bf_member *first = NULL;
    for (int i = 0; i < h->n_members; i++)
        if (bf__field_rejected(BF_RECORD_MEMBER, &h->members[i], "relation"))
            return 0;                 /* a relation we could not read: the count proves nothing */
    for (int i = 0; i < h->n_members; i++) {
        const bf_member *m = &h->members[i];
        if (m->relation != BF_REL_HEAD)
            continue;
        if (heads++ == 0) {
            first = m;
            continue;
        }
        ERR(m, "relation", _("relation is head, but member %s is the head already; a household "
            "has exactly one head"), first->id);
        n++;
    }
    if (heads == 0 && h->n_members > 0) {
        ERR(NULL, NULL, _("no member has relation head; a household has exactly one head"));
        n++;
    }
    return n;
}

/* Town in the areas, village in that town, with the nearest name as a suggestion. */
static int check_place(const bf_household *h, const char *file, const bf_locator *loc,
                       const bf_areas *areas, bf_errors *errs)
{
    if (!areas || !h->town[0] || !h->village[0] ||
        bf__field_rejected(BF_RECORD_HOUSEHOLD, h, "town"))
        return 0;
    const char *source = bf_areas_file(areas);
    int town = bf_areas_town(areas, h->town);
    if (town < 0) {
        const char *near = bf_areas_nearest_town(areas, h->town);
        if (near)
            ERR(NULL, "town", _("town '%s' is not a town of %s; did you mean '%s'?"), h->town,
                source, near);
        else
            ERR(NULL, "town", _("town '%s' is not a town of %s"), h->town, source);
        return 1;
    }
    if (bf__areas_village(areas, town, h->village) ||
        bf__field_rejected(BF_RECORD_HOUSEHOLD, h, "village"))
        return 0;
    int other = bf_areas_town_of_village(areas, h->village);
    if (other >= 0) {
        ERR(NULL, "village", _("village '%s' is a village of %s, not of %s, in %s"), h->village,
            bf_areas_town_name(areas, other), h->town, source);
        return 1;
    }
    const char *near = bf_areas_nearest_village(areas, town, h->village);
    if (near)
        ERR(NULL, "village", _("village '%s' is not a village of %s in %s; did you mean '%s'?"),
            h->village, h->town, source, near);
    else
        ERR(NULL, "village", _("village '%s' is not a village of %s in %s"), h->village, h->town,
            source);
    return 1;
}

int bf_rules_check(const bf_household *h, const char *file, const bf_locator *loc,
                   const bf_rules *rules, bf_errors *errs)
{
    int n = check_place(h, file, loc, rules->areas, errs);
    n += check_head(h, file, loc, errs);
    for (int i = 0; i < h->n_members; i++) {
        const bf_member *m = &h->members[i];
        n += check_identity(h, m, file, loc, errs);
        n += check_age(h, m, file, loc, rules->today, errs);
    }
    return n;
}
