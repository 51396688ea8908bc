/* money.c — fen parsing, formatting and rounding. */
#include "money.h"
#include "bangfu.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bf_money_parse(const char *s, bf_fen *out)
{
    if (!s || !*s)
        return BF_EINPUT;
    bool neg = false;
    if (*s == '-' || *s == '+') {
        neg = *s == '-';
        s++;
    }
    bf_fen whole = 0;
    int ndig = 0;
    for (; *s >= '0' && *s <= '9'; s++, ndig++) {
        whole = whole * 10 + (*s - '0');
        if (whole > BF_FEN_MAX / 100)
            return BF_EINPUT;
    }
    bf_fen frac = 0;
    int nfrac = 0;
    if (*s == '.') {
        s++;
        for (; *s >= '0' && *s <= '9'; s++, nfrac++) {
            if (nfrac >= 2)
                return BF_EINPUT;      /* money has at most two decimals */
            frac = frac * 10 + (*s - '0');
        }
        if (nfrac == 0)
            return BF_EINPUT;
    }
    if (*s != '\0' || ndig == 0)
        return BF_EINPUT;
    if (nfrac == 1)
        frac *= 10;
    bf_fen v = whole * 100 + frac;
    *out = neg ? -v : v;
    return BF_OK;
}

int bf_number_parse(const char *s, double *out)
{
    if (!s || !*s)
        return BF_EINPUT;
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    int ndig = 0, nfrac = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        ndig++;
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++)
            nfrac++;
        if (nfrac == 0)
            return BF_EINPUT;
    }
    if (*p != '\0' || ndig == 0 || ndig > 15)
        return BF_EINPUT;
    char *end;
    double v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v))
        return BF_EINPUT;
    *out = v;
    return BF_OK;
}

/* Written digit by digit rather than with snprintf: the policy scripts format every money figure
 * of every reason through here (money.format). */
void bf_money_format(bf_fen fen, char out[BF_MONEY_STRLEN])
{
    unsigned long long a = fen < 0 ? (unsigned long long)(-(fen + 1)) + 1 : (unsigned long long)fen;
    char tmp[BF_MONEY_STRLEN], *end = tmp + sizeof tmp, *p = end;
    *--p = (char)('0' + a % 10);
    *--p = (char)('0' + a / 10 % 10);
    *--p = '.';
    unsigned long long whole = a / 100;
    do
        *--p = (char)('0' + whole % 10);
    while (whole /= 10);
    if (fen < 0)
        *--p = '-';
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
}

bf_fen bf_round_fen(double yuan)
{
    if (!isfinite(yuan) || yuan == 0)
        return 0;
    double x = yuan * 100.0;
    double frac = fabs(x) - floor(fabs(x));
    if (fabs(x) < 1e13 && fabs(frac - 0.5) > 1e-6)
        return (bf_fen)llround(x);       /* not near half a fen: no decimal judgement needed */
    /* 15 significant digits strip binary noise (1.005 is stored as 1.00499999…) and keep the
     * value: doubles carry 15.95 decimal digits. Then round the decimal digits by hand. */
    char buf[64];
    snprintf(buf, sizeof buf, "%.14e", fabs(yuan));       /* d.dddddddddddddde±XX */
    int exp10 = atoi(strchr(buf, 'e') + 1);
    char digits[16];
    digits[0] = buf[0];
    memcpy(digits + 1, buf + 2, 14);
    digits[15] = '\0';
    /* value = d0.d1…d14 × 10^exp10, so fen = value × 100 has exp10 + 3 integer digits */
    int keep = exp10 + 3;               /* leading digits that form the integer number of fen */
    if (keep < 0)                        /* below a tenth of a fen: rounds to zero */
        return 0;
    if (keep > 15)                       /* beyond 15 digits the double is already integral */
        return (yuan < 0 ? -1 : 1) * (bf_fen)llround(fabs(yuan) * 100.0);
    bf_fen fen = 0;
    for (int i = 0; i < keep; i++)
        fen = fen * 10 + (digits[i] - '0');
    if (keep < 15 && digits[keep] >= '5')
        fen += 1;                        /* half away from zero */
    return yuan < 0 ? -fen : fen;
}

double bf_fen_to_yuan(bf_fen fen)
{
    return (double)fen / 100.0;
}

bool bf_fen_add(bf_fen *sum, bf_fen x)
{
    bf_fen r;
    if (__builtin_add_overflow(*sum, x, &r))
        return false;
    *sum = r;
    return true;
}
