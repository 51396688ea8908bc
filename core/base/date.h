/* date.h — calendar dates as days since 1970-01-01, strict YYYY-MM-DD parsing, ages. */
#ifndef BF_DATE_H
#define BF_DATE_H

#include <stdbool.h>
#include <stdint.h>

typedef int32_t bf_date;   /* days since 1970-01-01 (proleptic Gregorian) */

#define BF_DATE_STRLEN 11  /* "YYYY-MM-DD" plus NUL */

/* True if (y, m, d) exists in the calendar (Feb 29 only in leap years), years 1..9999. */
bool bf_date_valid_ymd(int y, int m, int d);
/* Days since epoch of a valid (y, m, d). */
bf_date bf_date_from_ymd(int y, int m, int d);
/* Splits a date into year, month, day. */
void bf_date_to_ymd(bf_date date, int *y, int *m, int *d);
/* Parses exactly "YYYY-MM-DD" of an existing date; BF_OK or BF_EINPUT. */
int bf_date_parse(const char *s, bf_date *out);
/* Writes "YYYY-MM-DD" into out (BF_DATE_STRLEN bytes). */
void bf_date_format(bf_date date, char out[BF_DATE_STRLEN]);
/* Full years of age on date `on` for someone born on `birth` (the scripts' ctx.age: year difference,
 * minus one if (month, day) of `on` is before (month, day) of birth). */
int bf_age_on(bf_date birth, bf_date on);
/* Today's date in local time. */
bf_date bf_date_today(void);

#endif
