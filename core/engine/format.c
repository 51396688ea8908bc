/* format.c — string.format for policy scripts (see format.h).
 *
 * Why: every evaluation writes its reasons with string.format, and Lua's version hands each
 * conversion to snprintf (and %s to luaL_tolstring, which looks for __tostring first): 18% of
 * the evaluation time in the callgrind profile of issue 6. Here the common conversions are
 * written directly, byte for byte what Lua writes:
 *   %s  of a string: the whole string (Lua keeps it whole when there are no modifiers);
 *       of an integer: its decimal digits (LUA_INTEGER_FMT, "%lld");
 *   %d  of an integer: its decimal digits;
 *   %.2f of a number: the exact binary value rounded to two decimals, ties to even, as
 *       printf rounds — done on long double, where |v| x 100 is exact (64-bit mantissa);
 *   %%  a percent sign.
 * One pass writes the text into a buffer on the C stack and pushes it as one string. A format
 * with anything else (flags, widths, other conversions, a float for %d or %s, a missing
 * argument), or a text longer than the buffer, is given whole to Lua's string.format, which
 * writes the same bytes or raises its own error. */
#include "format.h"

#include <float.h>
#include <lauxlib.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

/* |v| x 100 is exact in long double only with a 64-bit mantissa (x86-64, or quad precision). */
#define EXACT_HUNDREDTHS (LDBL_MANT_DIG >= 64)
#define FIXED_LIMIT 1e15           /* %.2f of larger numbers goes to Lua's version */
#define FAST_MAX 2048              /* a longer text goes to Lua's version (a reason has at most 4096 bytes) */

/* Writes the decimal digits of u ending at end; returns where they begin. */
static char *digits(char *end, unsigned long long u)
{
    do
        *--end = (char)('0' + u % 10);
    while (u /= 10);
    return end;
}

/* The text being written: a buffer on the C stack, pushed as one string when complete. */
typedef struct out {
    char *p, *end;
} out;

/* Appends n bytes; false when they do not fit. */
static bool put(out *o, const char *s, size_t n)
{
    if (n > (size_t)(o->end - o->p))
        return false;
    memcpy(o->p, s, n);
    o->p += n;
    return true;
}

static bool put_integer(out *o, lua_Integer v)
{
    char tmp[24], *end = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    char *p = digits(end, u);
    if (v < 0)
        *--p = '-';
    return put(o, p, (size_t)(end - p));
}

/* %.2f of v, |v| < FIXED_LIMIT: sign kept even when the value rounds to zero ("-0.00"). */
static bool put_fixed2(out *o, double v)
{
    long double hundredths = rintl(fabsl((long double)v) * 100);   /* exact product */
    unsigned long long u = (unsigned long long)hundredths;
    char tmp[32], *end = tmp + sizeof tmp;
    *--end = (char)('0' + u % 10);
    *--end = (char)('0' + u / 10 % 10);
    *--end = '.';
    char *p = digits(end, u / 100);
    if (signbit(v))
        *--p = '-';
    return put(o, p, (size_t)(tmp + sizeof tmp - p));
}

/* Writes format f with the arguments from 2 to top into o, in one pass; false when the format
 * has anything the fast path does not write (then Lua's version writes it, errors included)
 * or the text does not fit (then Lua's version writes the same bytes). */
static bool write_fast(lua_State *L, const char *f, size_t len, int top, out *o)
{
    const char *end = f + len, *p = f;
    int arg = 1;
    for (;;) {
        const char *pct = memchr(p, '%', (size_t)(end - p));
        if (!pct)
            return put(o, p, (size_t)(end - p));
        if (!put(o, p, (size_t)(pct - p)) || ++pct == end)
            return false;
        p = pct;
        if (*p == '%') {
            if (!put(o, "%", 1))
                return false;
            p++;
            continue;
        }
        if (++arg > top)
            return false;
        int t = lua_type(L, arg);
        if (*p == 's' && t == LUA_TSTRING) {
            size_t sl;
            const char *s = lua_tolstring(L, arg, &sl);
            if (!put(o, s, sl))
                return false;
            p++;
        } else if ((*p == 's' || *p == 'd') && t == LUA_TNUMBER && lua_isinteger(L, arg)) {
            if (!put_integer(o, lua_tointeger(L, arg)))
                return false;
            p++;
        } else if (EXACT_HUNDREDTHS && end - p >= 3 && p[0] == '.' && p[1] == '2' && p[2] == 'f'
                   && t == LUA_TNUMBER && fabs(lua_tonumber(L, arg)) < FIXED_LIMIT) {
            if (!put_fixed2(o, lua_tonumber(L, arg)))
                return false;
            p += 3;
        } else {
            return false;
        }
    }
}

/* Raises the error of Lua's string.format (on top) as Lua would have raised it from the
 * script's call: an argument error is raised again by this function, so that it names the
 * function as the script called it and carries the script's line; a conversion error gets
 * the line; anything else (a memory error, an error inside __tostring) goes on unchanged. */
static int raise_as_format(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    if (lua_type(L, -1) == LUA_TSTRING && strncmp(msg, "bad argument #", 14) == 0) {
        int arg = 0;
        const char *p = msg + 14;
        while (*p >= '0' && *p <= '9')
            arg = arg * 10 + (*p++ - '0');
        const char *open = strstr(p, "' (");
        size_t mlen = strlen(msg);
        if (arg > 0 && open && mlen > 0 && msg[mlen - 1] == ')') {
            lua_pushlstring(L, open + 3, (size_t)(msg + mlen - 1 - (open + 3)));
            return luaL_argerror(L, arg, lua_tostring(L, -1));
        }
    }
    if (lua_type(L, -1) == LUA_TSTRING
        && (strncmp(msg, "invalid conversion", 18) == 0 || strncmp(msg, "invalid format", 14) == 0))
        return luaL_error(L, "%s", msg);
    return lua_error(L);
}

/* string.format(f, ...). Upvalue 1: Lua's string.format. */
static int fast_format(lua_State *L)
{
    int top = lua_gettop(L);
    size_t len;
    const char *f = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &len) : NULL;
    char text[FAST_MAX];
    out o = {text, text + sizeof text};
    if (f && write_fast(L, f, len, top, &o)) {
        lua_pushlstring(L, text, (size_t)(o.p - text));
        return 1;
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    if (lua_pcall(L, top, 1, 0) != LUA_OK)
        return raise_as_format(L);
    return 1;
}

void bf__format_install(lua_State *L, int t)
{
    t = lua_absindex(L, t);
    lua_getfield(L, t, "format");
    lua_pushcclosure(L, fast_format, 1);
    lua_setfield(L, t, "format");
}
