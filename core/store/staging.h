/* staging.h — an import's scratch tables in the store: every household id, member id and ID
 * number seen so far with where it was read, so that a duplicate can name the first one. They
 * are TEMP tables of the store's connection, so memory stays flat on a million households. */
#ifndef BF_STAGING_H
#define BF_STAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "household.h"
#include "store.h"

typedef struct bf_staging bf_staging;

/* Where an id was seen: the index of its file (the caller's list), its line, and its household
 * and member (what the query knows; "" otherwise). */
typedef struct bf_staged_place {
    int file, line;
    char household[BF_ID_BYTES];
    char member[BF_ID_BYTES];
} bf_staged_place;

/* Creates empty scratch tables on s (dropping any left over) and prepares their queries.
 * Every failure below returns BF_ESTORE with the message in bf_store_errmsg(s). */
int bf_staging_open(bf_store *s, bf_staging **out);
/* Drops the scratch tables (best effort) and frees the queries. NULL is allowed. */
void bf_staging_close(bf_staging *st);

/* Copies the ID numbers of the stored members, keyed by their first 17 digits, into the
 * scratch tables (once, when the store is not empty: members has no index on them). */
int bf_staging_load_stored_idnumbers(bf_staging *st);

/* Records household id read at file:line; *first is false when it was recorded before. */
int bf_staging_add_household(bf_staging *st, const char *id, int file, int line, bool *first);
/* Records member id of household read at file:line with its ID number key (-1 for none);
 * *first is false when the member id was recorded before. */
int bf_staging_add_member(bf_staging *st, const char *id, const char *household, int file,
                          int line, int64_t idkey, bool *first);
/* Where household id was first recorded (file, line). */
int bf_staging_household_place(bf_staging *st, const char *id, bf_staged_place *out);
/* Where member id was first recorded (file, line, household). */
int bf_staging_member_place(bf_staging *st, const char *id, bf_staged_place *out);
/* A recorded member other than member of household holding ID number key: *found, and its
 * place (file, line, household, member). A scan: for wording an error only. */
int bf_staging_idnumber_holder(bf_staging *st, int64_t key, const char *household,
                               const char *member, bool *found, bf_staged_place *out);
/* The stored member holding ID number key: *found, and its household and member. */
int bf_staging_stored_idnumber(bf_staging *st, int64_t key, bool *found, bf_staged_place *out);
/* Whether household id was recorded in this import. */
int bf_staging_has_household(bf_staging *st, const char *id, bool *found);

#endif
