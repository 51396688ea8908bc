/* decision.c — a script's decision: checks the table evaluate returned (eligible, amount, tier,
 * reasons, details), turns it into a bf_decision with its text as JSON, or into an error
 * decision; and the bf_result that holds a household's decisions. */
#include "internal.h"
#include "decision_lib.h"
#include "i18n.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What one decision may carry (issue 11: one 40 MB reason per decision made a 1.2 GB database).
 * The shipped scripts give at most a dozen reasons of a few hundred bytes. */
#define MAX_REASONS      100      /* reasons of one decision */
#define MAX_DETAILS      100      /* entries of its details table */
#define MAX_TEXT_BYTES   4096     /* one reason, or one text value of details */

/* ---- results ---- */

const char *bf_result_text(const bf_result *r, int offset)
{
    return offset < 0 ? NULL : r->text.data + offset;
}

void bf_result_free(bf_result *r)
{
    free(r->d);
    free(r->reads);
    bf_buf_free(&r->text);
    memset(r, 0, sizeof *r);
}

void bf_result_reset(bf_result *r)
{
    r->n = 0;
    r->errors = 0;
    bf_buf_clear(&r->text);
    if (r->reads)
        memset(r->reads, 0, (size_t)r->n_reads * sizeof *r->reads);
}

int bf_result_add_text(bf_result *r, const char *s, size_t len)
{
    assert(r->text.len <= INT_MAX);                  /* offsets are ints */
    int off = (int)r->text.len;
    bf_buf_add(&r->text, s, len);
    bf_buf_add(&r->text, "", 1);              /* keep the terminator inside the buffer */
    return r->text.oom ? -1 : off;
}

bf_decision *bf_result_add(bf_result *r, int policy, int member)
{
    if (r->n == r->cap) {
        int cap = r->cap ? r->cap * 2 : 32;
        bf_decision *grown = realloc(r->d, sizeof *grown * (size_t)cap);
        if (!grown)
            return NULL;
        r->d = grown;
        r->cap = cap;
    }
    bf_decision *d = &r->d[r->n++];
    *d = (bf_decision){policy, member, false, false, 0, -1, -1, -1, -1, -1, -1};
    return d;
}

/* ---- checking and recording a decision ---- */

/* Whether a script's string is text: valid UTF-8 without NUL bytes (it goes into JSON and XML). */
static bool valid_text(const char *s, size_t len)
{
    return bf_utf8_valid(s, len);
}

/* One entry of a details table, as read by lua_next (the table keeps the strings alive). */
typedef struct detail {
    const char *key;
    const char *text;          /* a string value, or NULL for a number */
    size_t text_len;
    bool integer;
    lua_Integer i;
    double n;
} detail;

static int compare_details(const void *a, const void *b)
{
    return strcmp(((const detail *)a)->key, ((const detail *)b)->key);
}

/* Checks one entry of a details table (key at -2, value at -1) and reads it into d. */
static bool read_detail(lua_State *L, detail *d, bf_buf *why)
{
    int vt = lua_type(L, -1);
    if (lua_type(L, -2) != LUA_TSTRING) {
        bf_buf_printf(why, _("details keys must be strings, found a %s key"), luaL_typename(L, -2));
        return false;
    }
    size_t klen;
    d->key = lua_tolstring(L, -2, &klen);
    if (!valid_text(d->key, klen)) {
        bf_buf_puts(why, _("a details key is not valid UTF-8 text"));
        return false;
    }
    if (vt == LUA_TSTRING) {
        d->text = lua_tolstring(L, -1, &d->text_len);
        if (d->text_len > MAX_TEXT_BYTES) {
            bf_buf_printf(why, "details.%s is %zu bytes long; a text of details may have at most "
                          "%d bytes", d->key, d->text_len, MAX_TEXT_BYTES);
            return false;
        }
        if (!valid_text(d->text, d->text_len)) {
            bf_buf_printf(why, _("details.%s is not valid UTF-8 text"), d->key);
            return false;
        }
        return true;
    }
    if (vt != LUA_TNUMBER) {
        bf_buf_printf(why, _("details.%s must be a number or a string, got %s"), d->key,
                      luaL_typename(L, -1));
        return false;
    }
    d->text = NULL;
    d->integer = lua_isinteger(L, -1);
    if (d->integer) {
        d->i = lua_tointeger(L, -1);
        return true;
    }
    d->n = lua_tonumber(L, -1);
    if (!isfinite(d->n)) {
        bf_buf_printf(why, _("details.%s is not a finite number"), d->key);
        return false;
    }
    return true;
}

/* Checks a details table and appends its JSON to out when out is not NULL (keys sorted: pairs
 * order differs between states). One pass of lua_next reads every entry. */
static bool details_json(lua_State *L, int t, bf_buf *out, bf_buf *why)
{
    detail small[32];
    detail *items = small;
    int n = 0, cap = 32;
    bool ok = true;
    lua_pushnil(L);
    while (lua_next(L, t)) {                             /* key, value */
        if (n == cap) {
            cap *= 2;
            detail *grown = items == small ? malloc(sizeof *grown * (size_t)cap)
                                           : realloc(items, sizeof *grown * (size_t)cap);
            if (!grown) {
                bf_buf_puts(why, _("out of memory"));
                ok = false;
            } else {
                if (items == small)
                    memcpy(grown, small, sizeof small);
                items = grown;
            }
        }
        if (ok && n == MAX_DETAILS) {
            bf_buf_printf(why, "details has more than %d entries; a decision may keep at most %d",
                          MAX_DETAILS, MAX_DETAILS);
            ok = false;
        }
        if (ok)
            ok = read_detail(L, &items[n++], why);
        if (!ok) {
            lua_pop(L, 2);
            break;
        }
        lua_pop(L, 1);
    }
    if (ok && out) {
        qsort(items, (size_t)n, sizeof *items, compare_details);
        bf_buf_add(out, "{", 1);
        for (int i = 0; i < n; i++) {
            if (i)
                bf_buf_add(out, ",", 1);
            bf_buf_json_string(out, items[i].key, strlen(items[i].key));
            bf_buf_add(out, ":", 1);
            if (items[i].text)
                bf_buf_json_string(out, items[i].text, items[i].text_len);
            else if (items[i].integer)
                bf_buf_integer(out, (long long)items[i].i);
            else
                bf_buf_json_number(out, items[i].n);
        }
        bf_buf_add(out, "}", 1);
    }
    if (items != small)
        free(items);
    return ok;
}

/* Pushes t[key] without metamethods, key the interned name at stack index keys + field (the
 * caller's frame holds the five names of a decision there, DK_*) (stack: +1); returns its type. */
static int raw_field(lua_State *L, int t, int keys, int field)
{
    lua_pushvalue(L, keys + field);
    return lua_rawget(L, t);
}

/* Checks the reasons at index idx: a plain list of at most MAX_REASONS valid texts, at least one
 * when not eligible; kept as JSON in d->reasons when want_text. from_function: the list a reasons
 * function returned (the message says so when it is no list). Stack unchanged. */
bool bf__take_reasons(lua_State *L, int idx, bool from_function, bool eligible, bool want_text,
                      bf_result *res, bf_decision *d, bf_buf *scratch, bf_buf *why)
{
    int top = lua_gettop(L);
    int rt = lua_type(L, idx);
    if (rt != LUA_TTABLE || lua_getmetatable(L, idx)) {
        if (from_function && rt != LUA_TTABLE)
            bf_buf_printf(why, _("the reasons function must return a list of strings, it returned %s"),
                          lua_typename(L, rt));
        else if (rt == LUA_TNIL)
            bf_buf_puts(why, _("reasons is missing (a list of strings)"));
        else if (rt == LUA_TTABLE)
            bf_buf_puts(why, _("reasons must be a plain list of strings (it has a metatable)"));
        else
            bf_buf_printf(why, _("reasons must be a list of strings, got %s"), lua_typename(L, rt));
        lua_settop(L, top);
        return false;
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    if (n == 0 && !eligible) {
        bf_buf_puts(why, _("a decision that is not eligible needs at least one reason"));
        return false;
    }
    if (n > MAX_REASONS) {
        bf_buf_printf(why, "the decision gives %lld reasons; a decision may give at most %d",
                      (long long)n, MAX_REASONS);
        return false;
    }
    if (want_text) {
        bf_buf_clear(scratch);
        bf_buf_add(scratch, "[", 1);
    }
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, idx, i) != LUA_TSTRING) {
            bf_buf_printf(why, _("reasons[%lld] must be a string, got %s"), (long long)i,
                          luaL_typename(L, -1));
            lua_settop(L, top);
            return false;
        }
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        if (len > MAX_TEXT_BYTES) {
            bf_buf_printf(why, "reasons[%lld] is %zu bytes long; a reason may have at most %d bytes",
                          (long long)i, len, MAX_TEXT_BYTES);
            lua_settop(L, top);
            return false;
        }
        if (!valid_text(s, len)) {
            bf_buf_printf(why, _("reasons[%lld] is not valid UTF-8 text"), (long long)i);
            lua_settop(L, top);
            return false;
        }
        if (want_text) {
            if (i > 1)
                bf_buf_add(scratch, ",", 1);
            bf_buf_json_string(scratch, s, len);
        }
        lua_pop(L, 1);
    }
    if (want_text) {
        bf_buf_add(scratch, "]", 1);
        d->reasons = bf_result_add_text(res, scratch->data, scratch->len);
    }
    return true;
}

/* Checks the decision table at index t (eligible, amount, tier, reasons, details)
 * and fills d; reasons and details are kept as JSON for every decision (BF_TEXT_ALL), or for
 * eligible ones and those of a policy the household's records name (review needs their
 * reasons). Reasons given as a function are not called here: *deferred says whether the caller
 * must call it (see bf__take_decision in internal.h). False with the reason in why when
 * malformed. */
/* What a malformed decision returns: the stack back to the decision table at t. */
static bool refuse(lua_State *L, int t)
{
    lua_settop(L, t);
    return false;
}

/* A decision.not_eligible table the library handed straight back (h, decision_lib.c): no script
 * ran since it was filled, so its fields are known without reading them — eligible false, amount
 * 0, no tier, the reasons and details take saw. Takes the common shapes (one reason given as a
 * string, or a reasons function; no details) exactly as the general intake does and returns
 * true; returns false, having changed nothing, for the rest (the general intake checks them, with
 * its messages). */
static bool take_handed(const bf_decision_handout *h, bf_text_mode mode, bool recorded,
                        bf_result *res, bf_decision *d, bf_buf *scratch, bool *deferred)
{
    if (h->details_type != LUA_TNIL)
        return false;
    if (h->reasons_type == LUA_TFUNCTION) {
        *deferred = mode == BF_TEXT_ALL || recorded;   /* as for any not-eligible decision */
    } else if (h->reasons_type == LUA_TSTRING && h->reason_len <= MAX_TEXT_BYTES &&
               valid_text(h->reason, h->reason_len)) {
        if (mode == BF_TEXT_ALL || (mode == BF_TEXT_ELIGIBLE && recorded)) {
            bf_buf_clear(scratch);
            bf_buf_add(scratch, "[", 1);
            bf_buf_json_string(scratch, h->reason, h->reason_len);
            bf_buf_add(scratch, "]", 1);
            d->reasons = bf_result_add_text(res, scratch->data, scratch->len);
        }
    } else {
        return false;
    }
    d->eligible = false;
    d->amount = 0;
    return true;
}

bool bf__take_decision(lua_State *L, int t, int keys, bf_text_mode mode, bool recorded,
                       bf_decision_handout *handed, bf_result *res, bf_decision *d, bf_buf *scratch,
                       bf_buf *why, bool *deferred)
{
    /* each field read stays on the stack (one lua_settop at the end, not a pop per field) */
    *deferred = false;
    if (handed && handed->table) {
        bool same = lua_topointer(L, t) == handed->table;
        handed->table = NULL;                            /* taken once */
        if (same && take_handed(handed, mode, recorded, res, d, scratch, deferred))
            return true;
    }
    if (lua_type(L, t) != LUA_TTABLE) {
        bf_buf_printf(why, _("evaluate must return a decision table, it returned %s"), luaL_typename(L, t));
        return false;
    }
    if (lua_getmetatable(L, t)) {
        bf_buf_puts(why, _("the decision must be a plain table (it has a metatable)"));
        return refuse(L, t);
    }
    int et = raw_field(L, t, keys, DK_ELIGIBLE);
    if (et != LUA_TBOOLEAN) {
        if (et == LUA_TNIL)
            bf_buf_puts(why, _("eligible is missing (it must be true or false)"));
        else
            bf_buf_printf(why, _("eligible must be true or false, got %s"), luaL_typename(L, -1));
        return refuse(L, t);
    }
    d->eligible = lua_toboolean(L, -1);
    bool want_text = mode == BF_TEXT_ALL || (mode == BF_TEXT_ELIGIBLE && (d->eligible || recorded));
    int at = raw_field(L, t, keys, DK_AMOUNT);
    double amount = lua_tonumber(L, -1);
    if (at == LUA_TNIL) {
        bf_buf_puts(why, _("amount is missing (a number of yuan, 0 when not eligible)"));
        return refuse(L, t);
    }
    if (at != LUA_TNUMBER || !isfinite(amount) || amount < 0) {
        bf_buf_printf(why, _("amount must be a finite number of yuan ≥ 0, got %s"),
                      at == LUA_TNUMBER ? _("a negative or infinite number") : lua_typename(L, at));
        return refuse(L, t);
    }
    if (!d->eligible && amount != 0) {
        bf_buf_printf(why, _("amount must be 0 when not eligible, got %.2f"), amount);
        return refuse(L, t);
    }
    d->amount = bf_round_fen(amount);
    int tt = raw_field(L, t, keys, DK_TIER);
    if (tt != LUA_TNIL && tt != LUA_TSTRING) {
        bf_buf_printf(why, _("tier must be a string or nil, got %s"), lua_typename(L, tt));
        return refuse(L, t);
    }
    if (tt == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        if (len > MAX_TEXT_BYTES) {
            bf_buf_printf(why, "tier is %zu bytes long; a tier may have at most %d bytes", len,
                          MAX_TEXT_BYTES);
            return refuse(L, t);
        }
        if (!valid_text(s, len)) {
            bf_buf_puts(why, _("tier is not valid UTF-8 text"));
            return refuse(L, t);
        }
        d->tier = bf_result_add_text(res, s, len);
    }
    int rt = raw_field(L, t, keys, DK_REASONS);
    if (rt == LUA_TFUNCTION) {
        /* deferred reasons: called by the caller (a protected call) when they are kept */
        *deferred = mode == BF_TEXT_ALL || d->eligible || recorded;
    } else if (!bf__take_reasons(L, lua_gettop(L), false, d->eligible, want_text, res, d, scratch,
                                 why)) {
        return refuse(L, t);
    }
    int dt = raw_field(L, t, keys, DK_DETAILS);
    bool ok = true;
    if (dt == LUA_TTABLE && !lua_getmetatable(L, -1)) {
        if (want_text)
            bf_buf_clear(scratch);
        ok = details_json(L, lua_gettop(L), want_text ? scratch : NULL, why);
        if (ok && want_text)
            d->details = bf_result_add_text(res, scratch->data, scratch->len);
    } else if (dt != LUA_TNIL) {
        bf_buf_puts(why, _("details must be a plain table of numbers and strings"));
        ok = false;
    }
    lua_settop(L, t);
    return ok;
}

/* Marks decision d an error with message msg, named by the policy's file when msg is not. */
void bf__fail_decision(bf_result *res, bf_decision *d, const bf_policy *p, const char *msg)
{
    d->failed = true;
    d->eligible = false;
    d->amount = 0;
    size_t dl = strlen(p->display);
    bf_buf m = {0};
    if (strncmp(msg, p->display, dl) != 0 || msg[dl] != ':')
        bf_buf_printf(&m, "%s: ", p->display);
    bf_buf_puts(&m, msg);
    d->error = bf_result_add_text(res, bf_buf_str(&m), m.len);
    bf_buf_free(&m);
    res->errors++;
}

/* Evaluates policy k for one member (or the household, member -1) and records the decision. */
