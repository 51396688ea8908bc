/* money.h — yuan amounts as integer fen: strict parsing, formatting, and rounding once to the fen. */
#ifndef BF_MONEY_H
#define BF_MONEY_H

#include <stdbool.h>
#include <stdint.h>

typedef int64_t bf_fen;    /* 1 yuan = 100 fen */

#define BF_MONEY_STRLEN 32
/* Largest amount accepted on input: 10^13 yuan, far beyond any household, far below overflow. */
#define BF_FEN_MAX ((bf_fen)1000000000000000LL)

/* Parses a plain decimal ("-12", "3.5", "0.05"; no exponent, at most 2 decimals) into fen.
 * BF_OK, or BF_EINPUT for anything else (empty, junk, 3 decimals, out of range). */
int bf_money_parse(const char *s, bf_fen *out);
/* Parses a plain decimal number of any precision (no exponent, NaN or infinity). */
int bf_number_parse(const char *s, double *out);
/* Writes fen as yuan with two decimals ("1234.50", "-0.05"). */
void bf_money_format(bf_fen fen, char out[BF_MONEY_STRLEN]);
/* Rounds a yuan amount once to the fen, half away from zero, judged on its shortest
 * decimal form (15 significant digits), so 1.005 becomes 1.01 although the double is below. */
bf_fen bf_round_fen(double yuan);
/* Adds x to *sum and returns true; returns false, leaving *sum, when the sum does not fit in
 * bf_fen (beyond ±92,233,720,368,547,758.07 yuan). */
bool bf_fen_add(bf_fen *sum, bf_fen x);
/* fen as a yuan double (exact to the fen for |fen| < 2^53). */
double bf_fen_to_yuan(bf_fen fen);

#endif
