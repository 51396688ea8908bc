/* views.c — what scripts see: per worker the records are pushed into tables that are reused for
 * every household and seen by scripts only through read-only proxies (h, h.members, each member
 * m); parameters are per policy a tree of read-only proxies whose caches fill on first read (the
 * miss handler records which parameters each policy read, for simulate); ctx.age, ctx.decision. */
#include "internal.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const key_names[K__END] = {
    NULL, "id", "town", "village", "status", "monitor", "wage", "business", "property",
    "transfer", "excluded", "previous", "deposits", "vehicle", "extra_houses", "medical",
    "education", "housing_safe", "water_safe", "name", "idnumber", "relation", "birth", "sex",
    "labor", "employment", "school", "self_care", "disability", "disability_type",
    "serious_illness", "pension_insured", "medical_insured", "medical_cost", "supporter",
    "eligible", "amount", "tier", "reasons", "details",
};

/* ---- what scripts see: parameters ---- */

/* Pushes a parameter's value as Lua reads its text: "551" an integer, "1.6" a float. */
static void push_param_value(lua_State *L, const bf_param_set *set, int i)
{
    if (!set->text[i] || lua_stringtonumber(L, set->text[i]) == 0)
        lua_pushnumber(L, set->value[i]);
}

/* Explain: notes "name": value once per evaluation, in reading order. */
static void note_param_read(worker *w, const bf_param_set *set, int i)
{
    const char *name = w->e->cfg.params->items[i].name;
    char key[BF_PARAM_NAME_MAX + 4];
    int len = snprintf(key, sizeof key, "\"%s\":", name);
    const char *seen = bf_buf_str(&w->params);
    if (strstr(seen, key))
        return;
    bf_buf_add(&w->params, w->params_count++ ? "," : "{", 1);
    bf_buf_add(&w->params, key, (size_t)len);
    bf_buf_puts(&w->params, set->text[i] ? set->text[i] : "null");
}

/* __index of a parameter group's cache table (argument 1). Upvalues: set, policy, node, and the
 * table of this policy's group proxies by node + 1. Caches what it returns, except in explain
 * mode, where every read must be seen. */
static int param_lookup(lua_State *L)
{
    worker *w = bf__sandbox_user(L);
    bf_engine *e = w->e;
    const bf_params *ps = e->cfg.params;
    int set = (int)lua_tointeger(L, lua_upvalueindex(1));
    int pol = (int)lua_tointeger(L, lua_upvalueindex(2));
    int node = (int)lua_tointeger(L, lua_upvalueindex(3));
    assert(set >= 0 && set < e->cfg.n_sets && pol >= 0 && pol < e->n_pol);
    assert(node >= 0 && node < ps->n_nodes);
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
    int child = -1;
    for (int c = ps->nodes[node].first_child; key && c >= 0; c = ps->nodes[c].next_sibling)
        if (strcmp(ps->nodes[c].key, key) == 0) {
            child = c;
            break;
        }
    if (child < 0) {
        const char *path = ps->nodes[node].path;
        return luaL_error(L, _("unknown parameter '%s%s%s'"), path, *path ? "." : "",
                          key ? key : luaL_typename(L, 2));
    }
    int i = ps->nodes[child].param;
    assert(i < ps->n);
    if (i < 0) {
        lua_rawgeti(L, lua_upvalueindex(4), child + 1);   /* the group's proxy */
    } else {
        const bf_param_set *pset = &e->cfg.sets[set];
        if (!pset->in_force[i])
            return luaL_error(L, _("parameter %s has no value in force on %s"), ps->items[i].name,
                              e->date_text);
        if (set == 0) {
            w->read[pol * ps->n + i] = true;
            if (w->cur_reads)
                w->cur_reads[i] = true;
        }
        if (e->cfg.explain)
            note_param_read(w, pset, i);
        push_param_value(L, pset, i);
    }
    /* with track_reads a parameter is cached only once nobody needs its reads per household */
    bool cache = !e->cfg.explain && (i < 0 || set != 0 || !e->cfg.track_reads
                                     || atomic_load_explicit(&e->cacheable[i], memory_order_relaxed));
    if (cache) {
        lua_pushvalue(L, 2);
        lua_pushvalue(L, -2);
        lua_rawset(L, 1);                            /* cache[key] = value */
    }
    return 1;
}

/* Builds policy pol's read-only parameter tree for a set; returns a reference to its root. */
static int build_param_tree(lua_State *L, const bf_params *ps, int set, int pol)
{
    lua_createtable(L, ps->n_nodes, 0);              /* proxies by node + 1 */
    int proxies = lua_gettop(L);
    for (int g = 0; g < ps->n_nodes; g++) {
        if (ps->nodes[g].param >= 0)
            continue;
        lua_createtable(L, 0, 0);                    /* cache */
        lua_createtable(L, 0, 1);                    /* cache, mt */
        lua_pushinteger(L, set);
        lua_pushinteger(L, pol);
        lua_pushinteger(L, g);
        lua_pushvalue(L, proxies);
        lua_pushcclosure(L, param_lookup, 4);
        lua_setfield(L, -2, "__index");
        lua_setmetatable(L, -2);                     /* cache */
        bf__sandbox_make_readonly(L);                 /* proxy */
        lua_rawseti(L, proxies, g + 1);
    }
    lua_rawgeti(L, proxies, 1);                      /* proxies, root */
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 1);
    return ref;
}

/* ---- what scripts see: ctx ---- */

/* The member index of argument arg (a member table or a member id); raises when it is neither.
 * A member proxy of the household is found by its address (the pool's proxies live as long as
 * the worker); anything else goes the long way, through the proxy -> index table. */
static int member_arg(lua_State *L, int arg, int index_table)
{
    worker *w = bf__sandbox_user(L);
    int i = -1;
    int t = lua_type(L, arg);
    if (t == LUA_TTABLE) {
        const void *p = lua_topointer(L, arg);
        for (int k = 0; k < w->h->n_members; k++)
            if (w->member_proxy[k] == p)
                return k;
    }
    if (t == LUA_TSTRING) {
        const char *id = lua_tostring(L, arg);
        for (int k = 0; k < w->h->n_members; k++)
            if (strcmp(w->h->members[k].id, id) == 0)
                i = k;
    } else if (t == LUA_TTABLE) {
        lua_pushvalue(L, arg);
        if (lua_rawget(L, index_table) == LUA_TNUMBER)
            i = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    if (i < 0 || i >= w->h->n_members)
        return luaL_argerror(L, arg, _("not a member of this household"));
    return i;
}

/* ctx.age(m): full years on the evaluation date. Upvalue 1: member proxy -> index. */
static int ctx_age(lua_State *L)
{
    worker *w = bf__sandbox_user(L);
    lua_pushinteger(L, w->ages[member_arg(L, 1, lua_upvalueindex(1))]);
    return 1;
}

/* __index of ctx for what it does not hold: ctx.date (the evaluation date, noted as read so
 * that a re-run on another date knows to evaluate again); anything else is nil. */
static int ctx_index(lua_State *L)
{
    worker *w = bf__sandbox_user(L);
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
    if (!key || strcmp(key, "date") != 0) {
        lua_pushnil(L);
        return 1;
    }
    atomic_store_explicit(&w->e->date_read, true, memory_order_relaxed);
    lua_pushstring(L, w->e->date_text);
    return 1;
}

/* What ctx.decision of one policy under one set looks up, in C: its first upvalue. A required
 * policy's id is found by the address of the interned Lua string (every short string is
 * interned, and the requires table keeps these alive); any other string goes through the
 * requires table, which also gives the error. */
typedef struct decision_lookup {
    int set, policy;
    int n;
    struct {
        const void *id;          /* the interned id string */
        int policy;
    } requires[];
} decision_lookup;

/* The index of the required policy named by argument 1; raises when it is not required. */
static int required_policy(lua_State *L, const decision_lookup *c, int requires_table)
{
    if (lua_type(L, 1) == LUA_TSTRING) {
        const void *id = lua_topointer(L, 1);
        for (int r = 0; r < c->n; r++)
            if (c->requires[r].id == id)
                return c->requires[r].policy;
    }
    luaL_checkstring(L, 1);
    lua_pushvalue(L, 1);
    if (lua_rawget(L, requires_table) != LUA_TNUMBER) {
        const bf_policy *p = &((worker *)bf__sandbox_user(L))->e->pol[c->policy];
        return luaL_error(L, _("policy '%s' is not in the requires of %s"), lua_tostring(L, 1), p->id);
    }
    int j = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return j;
}

/* ctx.decision(id [, m]): a required policy's decision, read-only.
 * Upvalues: the decision_lookup, member proxy -> index, its requires (id -> policy index),
 * the set's read-only views by slot, the set's decisions by slot. */
static int ctx_decision(lua_State *L)
{
    worker *w = bf__sandbox_user(L);
    bf_engine *e = w->e;
    const decision_lookup *c = lua_touserdata(L, lua_upvalueindex(1));
    int set = c->set;
    int j = required_policy(L, c, lua_upvalueindex(3));
    /* requires come earlier in the order: this household's decision of j is already made */
    assert(j >= 0 && j < c->policy);
    int member = -1;
    if (e->pol[j].scope == BF_SCOPE_MEMBER) {
        if (lua_isnoneornil(L, 2))
            return luaL_error(L, _("%s decides per member: ctx.decision(\"%s\", m)"), e->pol[j].id,
                              e->pol[j].id);
        member = member_arg(L, 2, lua_upvalueindex(2));
    }
    bf__note_decision_read(L, j, "");
    int slot = bf__slot(e, j, member);
    if (w->failed[set][slot])
        return member >= 0
            ? luaL_error(L, _("the decision of %s for member %s is an error, so this one cannot be "
                              "made"), e->pol[j].id, w->h->members[member].id)
            : luaL_error(L, _("the decision of %s is an error, so this one cannot be made"),
                         e->pol[j].id);
    /* one view per slot, made once and pointed at the slot's decision of the moment: the
     * decision a view shows cannot change while a script holds it (a required policy's decision
     * is made before the evaluations that read it, and nothing of an evaluation outlives it) */
    if (lua_rawgeti(L, lua_upvalueindex(4), slot) == LUA_TNIL) {   /* the view, or nil */
        lua_pop(L, 1);
        lua_rawgeti(L, lua_upvalueindex(5), slot);                 /* decision */
        bf__sandbox_push_decision_view(L, -1, j);
        lua_remove(L, -2);                                         /* view */
        lua_pushvalue(L, -1);
        lua_rawseti(L, lua_upvalueindex(4), slot);                 /* ro[slot] = view */
    } else if (!w->viewed[set][slot]) {
        lua_rawgeti(L, lua_upvalueindex(5), slot);                 /* view, decision */
        bf__sandbox_retarget_view(L, -2);                          /* view */
    }
    w->viewed[set][slot] = true;
    return 1;
}

void bf__note_decision_read(lua_State *L, int j, const char *key)
{
    worker *w = bf__sandbox_user(L);
    if (!w->decision_reads)
        return;                                      /* not a pair evaluation */
    int bit = DECISION_READ_OTHER;
    if (key && !*key)
        bit = DECISION_READ_CALL;
    else if (key && strcmp(key, "eligible") == 0)
        bit = DECISION_READ_ELIGIBLE;
    else if (key && strcmp(key, "amount") == 0)
        bit = DECISION_READ_AMOUNT;
    else if (key && strcmp(key, "tier") == 0)
        bit = DECISION_READ_TIER;
    assert(w->evaluating >= 0 && w->evaluating < w->e->n_pol && j >= 0 && j < w->e->n_pol);
    w->decision_reads[w->evaluating * w->e->n_pol + j] |= (unsigned char)bit;
}

/* __index behind the record tables: optional fields read as nil, unknown ones are errors.
 * Upvalue 1: "household" or "member". */
static int record_missing_field(lua_State *L)
{
    const char *kind = lua_tostring(L, lua_upvalueindex(1));
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";
    static const char *const optional[] = {"previous", "name", "idnumber", NULL};
    for (int i = 0; optional[i]; i++)
        if (strcmp(key, optional[i]) == 0)
            return 0;
    if (kind && strcmp(kind, "household") == 0)
        return luaL_error(L, _("unknown household field '%s'"), key);
    return luaL_error(L, _("unknown member field '%s'"), key);
}

/* Pushes a new record table whose missing fields go to record_missing_field (stack: +1). */
static void new_record_table(lua_State *L, int fields, const char *kind)
{
    lua_createtable(L, 0, fields);
    lua_createtable(L, 0, 1);
    lua_pushstring(L, kind);
    lua_pushcclosure(L, record_missing_field, 1);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
}

/* ---- pushing a household into the reused tables ---- */

/* Setters of the reused record tables: t the table, kt the key table (both absolute indices). */
static void set_money(lua_State *L, int t, int kt, int key, bf_fen v)
{
    lua_rawgeti(L, kt, key);
    if (v % 100 == 0)
        lua_pushinteger(L, v / 100);                 /* as Lua reads "6000": an integer */
    else
        lua_pushnumber(L, bf_fen_to_yuan(v));
    lua_rawset(L, t);
}

static void set_string(lua_State *L, int t, int kt, int key, const char *v)
{
    lua_rawgeti(L, kt, key);
    lua_pushstring(L, v);
    lua_rawset(L, t);
}

/* Enum spellings follow the keys in the worker's key table (push_key_table). */
static void set_enum(const worker *w, lua_State *L, int t, int kt, int key, bf_enum_kind kind, int v)
{
    assert(v >= 0 && v < w->enum_count[kind]);      /* else another kind's spelling, silently */
    lua_rawgeti(L, kt, key);
    lua_rawgeti(L, kt, w->enum_base[kind] + v);
    lua_rawset(L, t);
}

static void set_bool(lua_State *L, int t, int kt, int key, bool v)
{
    lua_rawgeti(L, kt, key);
    lua_pushboolean(L, v);
    lua_rawset(L, t);
}

static void set_int(lua_State *L, int t, int kt, int key, lua_Integer v)
{
    lua_rawgeti(L, kt, key);
    lua_pushinteger(L, v);
    lua_rawset(L, t);
}

static void set_nil(lua_State *L, int t, int kt, int key)
{
    lua_rawgeti(L, kt, key);
    lua_pushnil(L);
    lua_rawset(L, t);
}

/* Creates member tables and proxies up to n (pool grows once, then is reused). */
static void ensure_member_pool(worker *w, int n)
{
    lua_State *L = w->L;
    if (w->pool_size >= n)
        return;
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->pool_r_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->pool_p_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->member_index_ref);  /* pool_r, pool_p, index */
    for (int i = w->pool_size; i < n; i++) {
        new_record_table(L, 20, "member");               /* ..., mr */
        lua_pushvalue(L, -1);
        lua_rawseti(L, -5, i + 1);                       /* pool_r[i+1] = mr */
        bf__sandbox_make_readonly(L);                     /* ..., mp */
        lua_pushvalue(L, -1);
        lua_rawseti(L, -4, i + 1);                       /* pool_p[i+1] = mp */
        w->member_proxy[i] = lua_topointer(L, -1);
        lua_pushinteger(L, i);
        lua_rawset(L, -3);                               /* index[mp] = i */
    }
    lua_pop(L, 3);
    w->pool_size = n;
}

/* Pushing only what changed: the reused tables keep what the previous household put there, and
 * the worker keeps a copy of it (w->shown, w->shown_m); a field equal to the copy is already in
 * the table. Nothing else writes these tables (scripts see them read-only), and a push that
 * fails half-way leaves the copy marked inexact, so the next household is pushed whole.
 * CHANGED(f): field f of the new record differs from the old one, or there is no old one. */
#define CHANGED(f) (!old || old->f != rec->f)
#define CHANGED_TEXT(f) (!old || strcmp(old->f, rec->f) != 0)

/* Sets the text field key to s, or to nil when s is "" (optional fields). */
static void set_optional(lua_State *L, int t, int kt, int key, const char *s)
{
    if (s[0])
        set_string(L, t, kt, key, s);
    else
        set_nil(L, t, kt, key);
}

/* Sets the fields of member table t to rec's; old: what t holds now, NULL when not known. */
static void push_member_fields(const worker *w, lua_State *L, int t, int kt, const bf_member *rec,
                               const bf_member *old)
{
    if (CHANGED_TEXT(id))
        set_string(L, t, kt, K_ID, rec->id);
    if (CHANGED_TEXT(name))
        set_optional(L, t, kt, K_NAME, rec->name);
    if (CHANGED_TEXT(idnumber))
        set_optional(L, t, kt, K_IDNUMBER, rec->idnumber);
    if (CHANGED(relation))
        set_enum(w, L, t, kt, K_RELATION, BF_ENUM_RELATION, (int)rec->relation);
    if (CHANGED(birth)) {
        char birth[BF_DATE_STRLEN];
        bf_date_format(rec->birth, birth);
        set_string(L, t, kt, K_BIRTH, birth);
    }
    if (CHANGED(sex))
        set_enum(w, L, t, kt, K_SEX, BF_ENUM_SEX, (int)rec->sex);
    if (CHANGED(labor))
        set_enum(w, L, t, kt, K_LABOR, BF_ENUM_LABOR, (int)rec->labor);
    if (CHANGED(employment))
        set_enum(w, L, t, kt, K_EMPLOYMENT, BF_ENUM_EMPLOYMENT, (int)rec->employment);
    if (CHANGED(school))
        set_enum(w, L, t, kt, K_SCHOOL, BF_ENUM_SCHOOL, (int)rec->school);
    if (CHANGED(self_care))
        set_enum(w, L, t, kt, K_SELF_CARE, BF_ENUM_SELF_CARE, (int)rec->self_care);
    if (CHANGED(disability))
        set_int(L, t, kt, K_DISABILITY, rec->disability);
    if (CHANGED(disability_type))
        set_enum(w, L, t, kt, K_DISABILITY_TYPE, BF_ENUM_DISABILITY_TYPE, (int)rec->disability_type);
    if (CHANGED(serious_illness))
        set_bool(L, t, kt, K_SERIOUS_ILLNESS, rec->serious_illness);
    if (CHANGED(pension_insured))
        set_bool(L, t, kt, K_PENSION_INSURED, rec->pension_insured);
    if (CHANGED(medical_insured))
        set_bool(L, t, kt, K_MEDICAL_INSURED, rec->medical_insured);
    if (CHANGED(medical_cost))
        set_money(L, t, kt, K_MEDICAL_COST, rec->medical_cost);
    if (CHANGED(supporter))
        set_bool(L, t, kt, K_SUPPORTER, rec->supporter);
}

/* Sets the fields of the household table t to rec's; old: what t holds now, or NULL. */
static void push_household_fields(const worker *w, lua_State *L, int t, int kt,
                                  const bf_household *rec, const bf_household *old)
{
    if (CHANGED_TEXT(id))
        set_string(L, t, kt, K_ID, rec->id);
    if (CHANGED_TEXT(town))
        set_string(L, t, kt, K_TOWN, rec->town);
    if (CHANGED_TEXT(village))
        set_string(L, t, kt, K_VILLAGE, rec->village);
    if (CHANGED(status))
        set_enum(w, L, t, kt, K_STATUS, BF_ENUM_STATUS, (int)rec->status);
    if (CHANGED(monitor))
        set_enum(w, L, t, kt, K_MONITOR, BF_ENUM_MONITOR, (int)rec->monitor);
    if (CHANGED(wage))
        set_money(L, t, kt, K_WAGE, rec->wage);
    if (CHANGED(business))
        set_money(L, t, kt, K_BUSINESS, rec->business);
    if (CHANGED(property))
        set_money(L, t, kt, K_PROPERTY, rec->property);
    if (CHANGED(transfer))
        set_money(L, t, kt, K_TRANSFER, rec->transfer);
    if (CHANGED(excluded))
        set_money(L, t, kt, K_EXCLUDED, rec->excluded);
    if (CHANGED(has_previous) || (rec->has_previous && CHANGED(previous))) {
        if (rec->has_previous)
            set_money(L, t, kt, K_PREVIOUS, rec->previous);
        else
            set_nil(L, t, kt, K_PREVIOUS);
    }
    if (CHANGED(deposits))
        set_money(L, t, kt, K_DEPOSITS, rec->deposits);
    if (CHANGED(vehicle))
        set_money(L, t, kt, K_VEHICLE, rec->vehicle);
    if (CHANGED(extra_houses))
        set_int(L, t, kt, K_EXTRA_HOUSES, rec->extra_houses);
    if (CHANGED(medical))
        set_money(L, t, kt, K_MEDICAL, rec->medical);
    if (CHANGED(education))
        set_money(L, t, kt, K_EDUCATION, rec->education);
    if (CHANGED(housing_safe))
        set_bool(L, t, kt, K_HOUSING_SAFE, rec->housing_safe);
    if (CHANGED(water_safe))
        set_bool(L, t, kt, K_WATER_SAFE, rec->water_safe);
}

#undef CHANGED
#undef CHANGED_TEXT

static void push_recorded(worker *w, const char *recorded)
{
    lua_State *L = w->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->rec_ref);   /* rec */
    int n = 0;
    for (const char *p = recorded; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        const char *start = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
        if (p > start) {
            lua_pushlstring(L, start, (size_t)(p - start));
            lua_rawseti(L, -2, ++n);
        }
    }
    for (int i = n + 1; i <= w->shown_recorded; i++) {
        lua_pushnil(L);
        lua_rawseti(L, -2, i);
    }
    w->shown_recorded = n;
    lua_pop(L, 1);
}

/* Marks the policies named in a space-separated `recorded` list. */
static void mark_recorded(const bf_engine *e, const char *recorded, bool *mark)
{
    for (int k = 0; k < e->n_pol; k++) {
        size_t len = strlen(e->pol[k].id);
        mark[k] = false;
        for (const char *p = strstr(recorded, e->pol[k].id); p; p = strstr(p + 1, e->pol[k].id))
            if ((p == recorded || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' ')) {
                mark[k] = true;
                break;
            }
    }
}

void bf__push_household(worker *w, const bf_household *h)
{
    assert(h->n_members >= 0 && h->n_members <= BF_MEMBERS_MAX);   /* ages, slots and pool */
    const bf_household *old = w->shown_valid ? &w->shown : NULL;
    int old_members = w->shown_m_valid;
    w->shown_valid = false;                              /* until the push is complete */
    w->shown_m_valid = 0;
    lua_State *L = w->L;
    int top = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->keys_ref);
    int kt = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->hr_ref);
    push_household_fields(w, L, lua_gettop(L), kt, h, old);
    lua_pop(L, 1);                                       /* hr; kt stays for the members */
    if (!old || strcmp(old->recorded, h->recorded) != 0) {
        mark_recorded(w->e, h->recorded, w->recorded);
        push_recorded(w, h->recorded);
    }
    ensure_member_pool(w, h->n_members);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->marr_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->pool_r_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->pool_p_ref);    /* marr, pool_r, pool_p */
    for (int i = 0; i < h->n_members; i++) {
        lua_rawgeti(L, -2, i + 1);                       /* ..., mr */
        push_member_fields(w, L, lua_gettop(L), kt, &h->members[i],
                           i < old_members ? &w->shown_m[i] : NULL);
        lua_pop(L, 1);
        lua_rawgeti(L, -1, i + 1);                       /* ..., mp */
        lua_rawseti(L, -4, i + 1);                       /* marr[i+1] = mp */
        w->ages[i] = bf_age_on(h->members[i].birth, w->e->cfg.date);
    }
    for (int i = h->n_members; i < w->shown_members; i++) {
        lua_pushnil(L);
        lua_rawseti(L, -4, i + 1);
    }
    w->shown_members = h->n_members;
    lua_pop(L, 4);                                       /* marr, pool_r, pool_p, kt */
    assert(lua_gettop(L) == top);
    w->shown = *h;
    w->shown.members = NULL;
    if (h->n_members)
        memcpy(w->shown_m, h->members, sizeof *h->members * (size_t)h->n_members);
    w->shown_valid = true;                               /* tables past n_members keep theirs */
    w->shown_m_valid = h->n_members > old_members ? h->n_members : old_members;
}

/* ---- setting up a worker's views ---- */

static int new_ref_table(lua_State *L, int narr, int nrec)
{
    lua_createtable(L, narr, nrec);
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Pushes the table of interned field names (1 … K__END−1) followed by every enum spelling, whose
 * places it notes in the worker (each state has its own: nothing shared is rewritten). */
static void push_key_table(lua_State *L, worker *w)
{
    lua_createtable(L, 64, 0);
    for (int k = 1; k < K__END; k++) {
        lua_pushstring(L, key_names[k]);
        lua_rawseti(L, -2, k);
    }
    int next = K__END;
    for (int kind = 0; kind < BF_ENUM__N; kind++) {
        w->enum_base[kind] = next;
        w->enum_count[kind] = bf_enum_count((bf_enum_kind)kind);
        for (int v = 0; v < bf_enum_count((bf_enum_kind)kind); v++) {
            lua_pushstring(L, bf_enum_name((bf_enum_kind)kind, v));
            lua_rawseti(L, -2, next++);
        }
    }
}

/* Builds the reused record tables, parameter trees and ctx of a worker (protected). */
/* Pushes policy k's decision_lookup under set s and its requires table (id -> policy index),
 * whose keys are the interned strings the lookup compares with (stack: +2). */
static void push_decision_lookup(lua_State *L, const bf_engine *e, int s, int k)
{
    int n = e->pol[k].n_requires;
    decision_lookup *c = lua_newuserdatauv(L, sizeof *c + sizeof c->requires[0] * (size_t)n, 0);
    c->set = s;
    c->policy = k;
    c->n = n;
    lua_createtable(L, 0, n);                            /* lookup, requires */
    for (int r = 0; r < n; r++) {
        int j = e->pol[k].requires[r];
        lua_pushstring(L, e->pol[j].id);                 /* lookup, requires, id */
        c->requires[r].id = lua_topointer(L, -1);
        c->requires[r].policy = j;
        lua_pushinteger(L, j);
        lua_rawset(L, -3);                               /* requires[id] = j */
    }
}

int bf__views_setup(lua_State *L)
{
    worker *w = lua_touserdata(L, 1);
    bf_engine *e = w->e;
    int top = lua_gettop(L);
    push_key_table(L, w);
    w->keys_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    w->pool_r_ref = new_ref_table(L, 16, 0);
    w->pool_p_ref = new_ref_table(L, 16, 0);
    lua_createtable(L, 0, 16);                           /* member proxy -> index */
    lua_pushvalue(L, -1);
    w->member_index_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    int index = lua_gettop(L);
    new_record_table(L, 24, "household");                /* index, hr */
    lua_createtable(L, BF_MEMBERS_MAX, 0);               /* index, hr, marr */
    lua_pushvalue(L, -1);
    w->marr_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    bf__sandbox_make_readonly(L);
    lua_setfield(L, -2, "members");                      /* hr.members = proxy of marr */
    lua_createtable(L, 8, 0);                            /* index, hr, rec */
    lua_pushvalue(L, -1);
    w->rec_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    bf__sandbox_make_readonly(L);
    lua_setfield(L, -2, "recorded");
    lua_pushvalue(L, -1);
    w->hr_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    bf__sandbox_make_readonly(L);                         /* index, hp */
    w->hp_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    int slots = e->n_pol * SLOTS_PER_POLICY;
    for (int s = 0; s < e->cfg.n_sets; s++) {
        w->slots_ref[s] = new_ref_table(L, slots, 0);
        w->ro_ref[s] = new_ref_table(L, slots, 0);
        for (int k = 0; k < e->n_pol; k++) {
            int ci = s * e->n_pol + k;
            w->proot_ref[ci] = build_param_tree(L, e->cfg.params, s, k);
            lua_createtable(L, 0, 3);                    /* index, ctx */
            lua_createtable(L, 0, 1);                    /* index, ctx, mt: ctx.date */
            lua_pushcfunction(L, ctx_index);
            lua_setfield(L, -2, "__index");
            lua_setmetatable(L, -2);
            lua_pushvalue(L, index);
            lua_pushcclosure(L, ctx_age, 1);
            lua_setfield(L, -2, "age");
            push_decision_lookup(L, e, s, k);            /* ..., lookup, requires */
            lua_pushvalue(L, index);
            lua_insert(L, -2);                           /* ..., lookup, index, requires */
            lua_rawgeti(L, LUA_REGISTRYINDEX, w->ro_ref[s]);
            lua_rawgeti(L, LUA_REGISTRYINDEX, w->slots_ref[s]);
            lua_pushcclosure(L, ctx_decision, 5);
            lua_setfield(L, -2, "decision");
            bf__sandbox_make_readonly(L);
            w->ctx_ref[ci] = luaL_ref(L, LUA_REGISTRYINDEX);
        }
    }
    lua_pop(L, 1);                                       /* index */
    assert(lua_gettop(L) == top);
    return 0;
}

