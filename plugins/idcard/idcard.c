/* idcard.c — the idcard plugin: `local idcard = require "idcard"` checks resident ID numbers
 * (GB 11643-1999) for policy scripts: check digit, birth date, sex, division code.
 *
 * An ID number has 18 characters: a 6-digit administrative division code, the birth date
 * YYYYMMDD, a 3-digit sequence number whose last digit is odd for men and even for women, and a
 * check digit (ISO 7064 MOD 11-2: the sum of the first 17 digits times the weights
 * 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, modulo 11, maps 0 … 10 to 1 0 X 9 8 7 6 5 4 3 2).
 * The birth date must exist in the calendar (1900-02-29 does not), with a year from 1800 on.
 * A lowercase x is accepted as the check character X: the importer accepts it too, and people
 * type it. No function raises on bad input: each returns nil (valid: false) and a message, and
 * a message never repeats the number (it must not be printed unmasked). */
#include "plugin.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

BF_PLUGIN_EXPORT_ABI;

/* Checks an ID number through the one check of plugin.h: NULL when it is valid, else why not
 * (written into why). */
static const char *check(const char *s, size_t len, char *why, size_t size)
{
    bf_idnumber_parts p;
    switch (bf_idnumber_check(s, len, &p)) {
    case BF_IDNUMBER_VALID:
        return NULL;
    case BF_IDNUMBER_BAD_LENGTH:
        snprintf(why, size, "an ID number has 18 characters, this one has %zu", len);
        break;
    case BF_IDNUMBER_BAD_CHARACTER:
        for (int i = 0; i < 17; i++)
            if (s[i] < '0' || s[i] > '9') {
                snprintf(why, size, "character %d is not a digit (the first 17 must be digits)",
                         i + 1);
                return why;
            }
        snprintf(why, size, "the last character must be a digit or X");
        break;
    case BF_IDNUMBER_BAD_DATE:
        snprintf(why, size, "the birth date (characters 7 to 14) is not a date in the calendar");
        break;
    case BF_IDNUMBER_BAD_CHECK:
        snprintf(why, size, "wrong check digit: %c, the first 17 digits call for %c", p.check,
                 p.expected);
        break;
    }
    return why;
}

/* The argument as a valid ID number, or NULL after pushing nil (or false for valid) and the
 * reason (stack: +2 then). */
static const char *valid_arg(lua_State *L, const char *fn, bool for_valid)
{
    char why[160];
    if (lua_type(L, 1) != LUA_TSTRING) {
        lua_pushnil(L);                                          /* nil */
        lua_pushfstring(L, "idcard.%s: expected a string, got %s", fn,
                        luaL_typename(L, 1));                    /* nil, message */
        return NULL;
    }
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    if (!check(s, len, why, sizeof why))
        return s;
    if (for_valid)
        lua_pushboolean(L, 0);                                   /* false */
    else
        lua_pushnil(L);                                          /* nil */
    lua_pushfstring(L, "idcard.%s: %s", fn, why);                /* false|nil, message */
    return NULL;
}

/* idcard.valid(s): true; or false and why for a string that is not a valid number; or nil and
 * a message for a non-string argument. */
static int bf_lua_idcard_valid(lua_State *L)
{
    if (!valid_arg(L, "valid", true))
        return 2;
    lua_pushboolean(L, 1);                                       /* true */
    return 1;
}

/* idcard.birth(s): "YYYY-MM-DD", or nil and why. */
static int bf_lua_idcard_birth(lua_State *L)
{
    const char *s = valid_arg(L, "birth", false);
    if (!s)
        return 2;
    char date[11];
    snprintf(date, sizeof date, "%.4s-%.2s-%.2s", s + 6, s + 10, s + 12);
    lua_pushstring(L, date);                                     /* date */
    return 1;
}

/* idcard.sex(s): "M" when the 17th digit is odd, "F" when even; or nil and why. */
static int bf_lua_idcard_sex(lua_State *L)
{
    const char *s = valid_arg(L, "sex", false);
    if (!s)
        return 2;
    lua_pushstring(L, (s[16] - '0') % 2 ? "M" : "F");            /* sex */
    return 1;
}

/* idcard.region(s): the 6-digit administrative division code; or nil and why. */
static int bf_lua_idcard_region(lua_State *L)
{
    const char *s = valid_arg(L, "region", false);
    if (!s)
        return 2;
    lua_pushlstring(L, s, 6);                                    /* code */
    return 1;
}

static const luaL_Reg idcard_functions[] = {
    {"valid", bf_lua_idcard_valid},
    {"birth", bf_lua_idcard_birth},
    {"sex", bf_lua_idcard_sex},
    {"region", bf_lua_idcard_region},
    {NULL, NULL},
};

/* Pushes the module table. */
static int bf_lua_idcard_open(lua_State *L)
{
    luaL_newlib(L, idcard_functions);                            /* module */
    return 1;
}

static const bf_lua_module_def modules[] = {
    {"idcard", bf_lua_idcard_open},
    {NULL, NULL},
};

/* The plugin's entry point: one Lua module, no readers or writers. */
int bf_plugin_init(const bf_host *host, bf_plugin *plugin)
{
    if (!host || host->abi != BF_PLUGIN_ABI)
        return 1;               /* another ABI: its bf_plugin may not be ours */
    plugin->abi = BF_PLUGIN_ABI;
    plugin->name = "idcard";
    plugin->version = "1.0.0";
    plugin->description = "resident ID numbers (GB 11643) for policy scripts: check digit, "
                          "birth date, sex, division code";
    plugin->modules = modules;
    return 0;
}
