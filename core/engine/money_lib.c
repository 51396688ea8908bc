/* money_lib.c — `local money = require "money"` in a policy script (see money_lib.h):
 *   money.round(x)   x yuan rounded to the fen exactly as the host rounds a decision's amount
 *                    (half away from zero, judged on the 15-digit decimal form; money.h)
 *   money.format(x)  the same figure as text with two decimals: "6285.42"
 *   money.short(x)   the same figure without the trailing zeros of its decimals: "551", "881.6"
 * All three refuse what is no amount (NaN, infinity, beyond 10^13 yuan) with an error naming the
 * script line, instead of printing "nan" or a figure the host would refuse. */
#include "money_lib.h"
#include "i18n.h"
#include "money.h"

#include <lauxlib.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

/* The amount argument 1 rounded to the fen; raises an error for a number that is no amount. */
static bf_fen checked_fen(lua_State *L, const char *fname)
{
    double yuan = (double)luaL_checknumber(L, 1);
    if (!isfinite(yuan) || fabs(yuan) > (double)(BF_FEN_MAX / 100))
        luaL_error(L, _("money.%s: expected an amount of yuan, got %f"), fname, (lua_Number)yuan);
    return bf_round_fen(yuan);
}

static int money_round(lua_State *L)
{
    lua_pushnumber(L, (lua_Number)bf_fen_to_yuan(checked_fen(L, "round")));
    return 1;
}

/* Pushes fen as yuan text: two decimals, or with short the trailing zeros of the decimals
 * dropped ("1234.50" -> "1234.5", "551.00" -> "551"). */
static void push_yuan(lua_State *L, bf_fen fen, bool short_form)
{
    char text[BF_MONEY_STRLEN];
    bf_money_format(fen, text);
    size_t len = strlen(text);
    if (short_form) {
        while (text[len - 1] == '0')
            len--;
        if (text[len - 1] == '.')
            len--;
    }
    lua_pushlstring(L, text, len);
}

static int money_format(lua_State *L)
{
    push_yuan(L, checked_fen(L, "format"), false);
    return 1;
}

static int money_short(lua_State *L)
{
    push_yuan(L, checked_fen(L, "short"), true);
    return 1;
}

int bf__money_lib_open(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"round", money_round},
        {"format", money_format},
        {"short", money_short},
        {NULL, NULL},
    };
    luaL_newlib(L, functions);                       /* money */
    return 1;
}
