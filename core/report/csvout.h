/* csvout.h — writing CSV for people's spreadsheets (RFC 4180), shared by the CSV renderings. */
#ifndef BF_CSVOUT_H
#define BF_CSVOUT_H

#include <stdio.h>

/* Writes a CSV field, quoted when it holds a comma, quote or newline (RFC 4180). */
void bf__csv_field(FILE *out, const char *s);

#endif
