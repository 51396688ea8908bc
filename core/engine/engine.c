/* engine.c — loading policies, ordering them by `requires`, and evaluating them per household.
 *
 * Per worker (one thread, one sandbox) the records are pushed into tables that are reused for
 * every household and seen by scripts only through read-only proxies: h (household), h.members,
 * each member m. Parameters are per policy a tree of read-only proxies whose caches fill on first
 * read; the miss handler records which parameters each policy read (for simulate). */
#include "engine.h"
#include "bangfu.h"

#include <ctype.h>
#include <dirent.h>
#include <lauxlib.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"

#define SLOTS_PER_POLICY (BF_MEMBERS_MAX + 1)   /* household slot 0, then one per member */
#define CHUNK 8                                  /* households a worker claims at a time */

/* The field names scripts read, interned once per state: pushing a record or reading a decision
 * then needs no lookup of a C string (lua_setfield's luaS_new compares with strcmp). */
enum {
    K_ID = 1, K_TOWN, K_VILLAGE, K_STATUS, K_MONITOR, K_WAGE, K_BUSINESS, K_PROPERTY, K_TRANSFER,
    K_EXCLUDED, K_PREVIOUS, K_DEPOSITS, K_VEHICLE, K_EXTRA_HOUSES, K_MEDICAL, K_EDUCATION,
    K_HOUSING_SAFE, K_WATER_SAFE, K_NAME, K_IDNUMBER, K_RELATION, K_BIRTH, K_SEX, K_LABOR,
    K_EMPLOYMENT, K_SCHOOL, K_SELF_CARE, K_DISABILITY, K_DISABILITY_TYPE, K_SERIOUS_ILLNESS,
    K_PENSION_INSURED, K_MEDICAL_INSURED, K_MEDICAL_COST, K_SUPPORTER, K_ELIGIBLE, K_AMOUNT,
    K_TIER, K_REASONS, K_DETAILS, K__END
};
static const char *const key_names[K__END] = {
    NULL, "id", "town", "village", "status", "monitor", "wage", "business", "property",
    "transfer", "excluded", "previous", "deposits", "vehicle", "extra_houses", "medical",
    "education", "housing_safe", "water_safe", "name", "idnumber", "relation", "birth", "sex",
    "labor", "employment", "school", "self_care", "disability", "disability_type",
    "serious_illness", "pension_insured", "medical_insured", "medical_cost", "supporter",
    "eligible", "amount", "tier", "reasons", "details",
};
/* Enum spellings follow the keys in the same table: kind k's value v is at enum_base[k] + v. */
static int enum_base[BF_ENUM__N];

typedef struct worker worker;

struct bf_engine {
    bf_engine_config cfg;
    bf_policy *pol;             /* evaluation order */
    int n_pol;
    bool *evaluated;            /* per policy: in the --only closure */
    char date_text[BF_DATE_STRLEN];
    worker *workers;
    bf_sandbox **boxes;
    int jobs;
    bf_watchdog *watchdog;
    bool *read_union;           /* [policy * n_params + param], set 0 */
    atomic_bool *cacheable;     /* track_reads: per parameter, may be cached in the Lua states */
    /* the batch being evaluated */
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    uint64_t generation;
    int busy;
    bool stopping;
    const bf_household *job_hs;
    bf_result *job_results;
    bf_result *job_scen;        /* pair evaluation: the scenario results, else NULL */
    const bool *job_changed;
    const bool *job_stored_reads;
    int job_n, job_set;
    _Atomic int job_next;
};

struct worker {
    bf_engine *e;
    int index;
    bf_sandbox *sb;
    lua_State *L;
    pthread_t thread;
    bool has_thread;
    int *eval_ref;              /* per policy: its evaluate function */
    int *ctx_ref;               /* [set * n_pol + policy]: read-only ctx */
    int *proot_ref;             /* [set * n_pol + policy]: read-only p */
    int hr_ref, hp_ref;         /* household table and its proxy */
    int marr_ref;               /* the array behind h.members */
    int rec_ref;                /* the array behind h.recorded */
    int pool_r_ref, pool_p_ref; /* member tables and their proxies, by index */
    int keys_ref;               /* interned field names and enum spellings (key_names) */
    int member_index_ref;       /* member proxy -> index */
    int slots_ref[2], ro_ref[2];/* per set: decision tables by slot, and their read-only views */
    int pool_size;              /* member tables created */
    int shown_members;          /* entries in h.members at the last household */
    int shown_recorded;
    bool *failed[2];            /* per set and slot: the decision is an error */
    bool *recorded;             /* per policy: named in the household's `recorded` list */
    int *ages;                  /* per member of the current household */
    const bf_household *h;      /* the household being evaluated */
    bool *read;                 /* [policy * n_params + param], set 0 */
    int64_t *reevaluated;       /* per policy: households evaluated again (pair evaluation) */
    bf_buf trace, params;       /* explain: print trace, parameters read */
    bf_buf err, scratch, why;   /* an evaluation's error, JSON being built, a malformed decision */
    bf_result support;          /* stored-baseline simulate: decisions evaluated only to be read */
    int params_count;
    bool *cur_reads;            /* track_reads: the household's bf_result.reads while it runs */
};

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

/* ---- loading ---- */

/* The line of the first `field =` in the source (for contract messages), or 1. */
static int field_line(const char *src, const char *field)
{
    size_t flen = strlen(field);
    int line = 1;
    for (const char *p = src; *p; p++) {
        if (*p == '\n') {
            line++;
            continue;
        }
        if (strncmp(p, field, flen) != 0)
            continue;
        if (p > src && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.'))
            continue;
        const char *q = p + flen;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '=' && q[1] != '=')
            return line;
    }
    return 1;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the NAME.lua files of dir, sorted by name. */
static int list_policy_files(const char *dir, char ***out, int *n, bf_errors *errs)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        bf_errors_add(errs, "%s: cannot open the policies folder", dir);
        return BF_EIO;
    }
    char **names = NULL;
    int count = 0, cap = 0;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        if (len < 5 || strcmp(ent->d_name + len - 4, ".lua") != 0 || ent->d_name[0] == '.')
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, sizeof *grown * (size_t)cap);
            if (!grown)
                break;
            names = grown;
        }
        names[count] = strdup(ent->d_name);
        if (names[count])
            count++;
    }
    closedir(d);
    qsort(names, (size_t)count, sizeof *names, compare_names);
    *out = names;
    *n = count;
    if (count == 0) {
        bf_errors_add(errs, "%s: no policy scripts (*.lua) found", dir);
        return BF_EINPUT;
    }
    return BF_OK;
}

/* Reads an optional string field of the table on top into *out (strdup); false if not a string. */
static bool table_string(lua_State *L, const char *field, char **out, bool required)
{
    lua_getfield(L, -1, field);
    bool ok = lua_type(L, -1) == LUA_TSTRING || (!required && lua_isnil(L, -1));
    if (ok && lua_type(L, -1) == LUA_TSTRING)
        *out = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return ok;
}

/* Requires as names while loading, resolved to indices once every policy is known. */
typedef struct pending_requires {
    char **names;
    int n;
    int line;
} pending_requires;

/* Checks the contract of the policy table on top of the stack (DESIGN.md "Policy scripts"). */
static int check_contract(lua_State *L, bf_policy *p, const char *stem, pending_requires *req,
                          bf_errors *errs)
{
    const char *f = p->display;
    int errors = 0;
    if (lua_type(L, -1) != LUA_TTABLE) {
        bf_errors_add(errs, "%s:1: the script must return a policy table, it returned a %s", f,
                      luaL_typename(L, -1));
        return 1;
    }
    char *id = NULL;
    if (!table_string(L, "id", &id, true)) {
        bf_errors_add(errs, "%s:%d: id must be a string", f, field_line(p->src, "id"));
        errors++;
    } else if (strcmp(id, stem) != 0) {
        bf_errors_add(errs, "%s:%d: id '%s' does not match the file name (expected '%s')", f,
                      field_line(p->src, "id"), id, stem);
        errors++;
    }
    free(id);
    p->id = strdup(stem);
    if (!table_string(L, "title", &p->title, true) || !p->title || !*p->title) {
        bf_errors_add(errs, "%s:%d: title must be a non-empty string", f, field_line(p->src, "title"));
        errors++;
    }
    static const char *const optional[] = {"title_en", "basis", "department"};
    char **slots[] = {&p->title_en, &p->basis, &p->department};
    for (int i = 0; i < 3; i++)
        if (!table_string(L, optional[i], slots[i], false)) {
            bf_errors_add(errs, "%s:%d: %s must be a string", f, field_line(p->src, optional[i]),
                          optional[i]);
            errors++;
        }
    lua_getfield(L, -1, "scope");
    const char *scope = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    if (strcmp(scope, "household") == 0)
        p->scope = BF_SCOPE_HOUSEHOLD;
    else if (strcmp(scope, "member") == 0)
        p->scope = BF_SCOPE_MEMBER;
    else {
        bf_errors_add(errs, "%s:%d: scope must be \"household\" or \"member\"", f,
                      field_line(p->src, "scope"));
        errors++;
    }
    lua_pop(L, 1);
    lua_getfield(L, -1, "evaluate");
    if (lua_type(L, -1) != LUA_TFUNCTION) {
        bf_errors_add(errs, "%s:%d: evaluate must be a function", f, field_line(p->src, "evaluate"));
        errors++;
    } else {
        lua_Debug ar;
        lua_getinfo(L, ">S", &ar);                   /* pops the function */
        p->eval_line = ar.linedefined;
        lua_pushnil(L);
    }
    lua_pop(L, 1);
    req->line = field_line(p->src, "requires");
    int t = lua_getfield(L, -1, "requires");
    if (t == LUA_TTABLE) {
        int n = (int)lua_rawlen(L, -1);
        req->names = calloc((size_t)(n ? n : 1), sizeof *req->names);
        for (int i = 1; req->names && i <= n; i++) {
            if (lua_rawgeti(L, -1, i) != LUA_TSTRING) {
                bf_errors_add(errs, "%s:%d: requires must list policy ids (strings)", f, req->line);
                errors++;
            } else {
                req->names[req->n++] = strdup(lua_tostring(L, -1));
            }
            lua_pop(L, 1);
        }
    } else if (t != LUA_TNIL) {
        bf_errors_add(errs, "%s:%d: requires must be a list of policy ids", f, req->line);
        errors++;
    }
    lua_pop(L, 1);
    return errors;
}

static void free_policy(bf_policy *p)
{
    free(p->id); free(p->title); free(p->title_en); free(p->basis); free(p->department);
    free(p->requires); free(p->path); free(p->display); free(p->src);
}

static int find_policy(const bf_policy *pol, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (pol[i].id && strcmp(pol[i].id, id) == 0)
            return i;
    return -1;
}

/* Depth-first topological order, visiting in file-name order; reports cycles by file. */
static int visit(bf_policy *pol, int i, int *state, int *order, int *n_order, int *stack,
                 int depth, bf_errors *errs)
{
    if (state[i] == 2)
        return 0;
    stack[depth] = i;
    if (state[i] == 1) {
        int start = depth - 1;
        while (start > 0 && stack[start] != i)
            start--;
        char path[2048] = "";
        size_t used = 0;
        for (int k = start; k <= depth && used < sizeof path - 80; k++)
            used += (size_t)snprintf(path + used, sizeof path - used, "%s%s",
                                     k > start ? " → " : "", pol[stack[k]].display);
        bf_errors_add(errs, "%s:%d: requires cycle: %s", pol[i].display,
                      field_line(pol[i].src, "requires"), path);
        return 1;
    }
    state[i] = 1;
    int errors = 0;
    for (int r = 0; r < pol[i].n_requires && !errors; r++)
        errors += visit(pol, pol[i].requires[r], state, order, n_order, stack, depth + 1, errs);
    state[i] = 2;
    order[(*n_order)++] = i;
    return errors;
}

/* Resolves names to indices (file order), then reorders the policies by requires. */
static int order_policies(bf_engine *e, pending_requires *req, bf_errors *errs)
{
    int n = e->n_pol, errors = 0;
    for (int i = 0; i < n; i++) {
        bf_policy *p = &e->pol[i];
        p->requires = calloc((size_t)(req[i].n ? req[i].n : 1), sizeof *p->requires);
        if (!p->requires)
            return 1;
        for (int r = 0; r < req[i].n; r++) {
            int j = find_policy(e->pol, n, req[i].names[r]);
            if (j < 0) {
                bf_errors_add(errs, "%s:%d: requires unknown policy '%s'", p->display, req[i].line,
                              req[i].names[r]);
                errors++;
            } else {
                p->requires[p->n_requires++] = j;
            }
        }
    }
    if (errors || n <= 0)
        return errors;
    size_t count = (size_t)n;
    int *state = calloc(count, sizeof *state), *order = calloc(count, sizeof *order);
    int *stack = calloc(count + 1, sizeof *stack), n_order = 0;
    for (int i = 0; state && order && stack && i < n && !errors; i++)
        errors += visit(e->pol, i, state, order, &n_order, stack, 0, errs);
    if (!errors && state && order && stack) {
        int *where = state;                          /* reuse: old index -> new index */
        for (int k = 0; k < n; k++)
            where[order[k]] = k;
        bf_policy *sorted = calloc((size_t)n, sizeof *sorted);
        if (sorted) {
            for (int k = 0; k < n; k++) {
                sorted[k] = e->pol[order[k]];
                for (int r = 0; r < sorted[k].n_requires; r++)
                    sorted[k].requires[r] = where[sorted[k].requires[r]];
            }
            free(e->pol);
            e->pol = sorted;
        } else {
            errors++;
        }
    }
    free(state);
    free(order);
    free(stack);
    return errors;
}

/* Marks the --only policies as reported and their requires closure as evaluated. */
static int select_policies(bf_engine *e, bf_errors *errs)
{
    e->evaluated = calloc((size_t)e->n_pol, sizeof *e->evaluated);
    if (!e->evaluated)
        return 1;
    if (!e->cfg.only) {
        for (int i = 0; i < e->n_pol; i++)
            e->evaluated[i] = e->pol[i].reported = true;
        return 0;
    }
    int errors = 0;
    for (int k = 0; k < e->cfg.n_only; k++) {
        int i = find_policy(e->pol, e->n_pol, e->cfg.only[k]);
        if (i < 0) {
            bf_errors_add(errs, "--only: no policy '%s'", e->cfg.only[k]);
            errors++;
        } else {
            e->pol[i].reported = e->evaluated[i] = true;
        }
    }
    for (int i = e->n_pol - 1; i >= 0; i--)          /* requires come earlier in the order */
        if (e->evaluated[i])
            for (int r = 0; r < e->pol[i].n_requires; r++)
                e->evaluated[e->pol[i].requires[r]] = true;
    return errors;
}

static void free_pending(pending_requires *req, int n)
{
    for (int i = 0; req && i < n; i++) {
        for (int r = 0; r < req[i].n; r++)
            free(req[i].names[r]);
        free(req[i].names);
    }
    free(req);
}

/* Reads every policy file and checks its contract in worker 0's sandbox; *req_out receives the
 * requires names per policy (file order), for order_policies. */
static int load_catalog(bf_engine *e, bf_sandbox *sb, pending_requires **req_out, bf_errors *errs)
{
    char **names;
    int n;
    int rc = list_policy_files(e->cfg.policies_dir, &names, &n, errs);
    if (rc != BF_OK) {
        for (int i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return rc;
    }
    e->pol = calloc((size_t)n, sizeof *e->pol);
    pending_requires *req = calloc((size_t)n, sizeof *req);
    int errors = (!e->pol || !req) ? 1 : 0;
    lua_State *L = bf_sandbox_state(sb);
    bf_buf err = {0};
    bool out_of_memory = !e->pol || !req;
    for (int i = 0; !out_of_memory && i < n; i++) {     /* every file, so lint reports them all */
        bf_policy *p = &e->pol[e->n_pol++];
        size_t plen = strlen(e->cfg.policies_dir) + strlen(names[i]) + 2;
        p->path = malloc(plen);
        if (p->path)
            snprintf(p->path, plen, "%s/%s", e->cfg.policies_dir, names[i]);
        p->display = strdup(p->path ? p->path : names[i]);
        p->src = p->path ? bf_read_file(p->path, &p->src_len) : NULL;
        if (!p->src) {
            bf_errors_add(errs, "%s: cannot read", p->display);
            p->id = strdup(names[i]);
            errors++;
            continue;
        }
        bf_sha256_buffer(p->src, p->src_len, p->sha256);
        char stem[256];
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(names[i]) - 4), names[i]);
        char chunk[4200];
        snprintf(chunk, sizeof chunk, "@%s", p->display);
        bf_buf_clear(&err);
        if (bf_sandbox_run_chunk(sb, p->src, p->src_len, chunk, &err) != BF_OK) {
            bf_errors_add(errs, "%s", bf_buf_str(&err));
            p->id = strdup(stem);
            errors++;
            continue;
        }
        errors += check_contract(L, p, stem, &req[i], errs);
        lua_pop(L, 1);
    }
    bf_buf_free(&err);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    *req_out = req;
    return errors ? BF_ESCRIPT : BF_OK;
}

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
    worker *w = bf_sandbox_user(L);
    bf_engine *e = w->e;
    const bf_params *ps = e->cfg.params;
    int set = (int)lua_tointeger(L, lua_upvalueindex(1));
    int pol = (int)lua_tointeger(L, lua_upvalueindex(2));
    int node = (int)lua_tointeger(L, lua_upvalueindex(3));
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
    int child = -1;
    for (int c = ps->nodes[node].first_child; key && c >= 0; c = ps->nodes[c].next_sibling)
        if (strcmp(ps->nodes[c].key, key) == 0) {
            child = c;
            break;
        }
    if (child < 0) {
        const char *path = ps->nodes[node].path;
        return luaL_error(L, "unknown parameter '%s%s%s'", path, *path ? "." : "",
                          key ? key : luaL_typename(L, 2));
    }
    int i = ps->nodes[child].param;
    if (i < 0) {
        lua_rawgeti(L, lua_upvalueindex(4), child + 1);   /* the group's proxy */
    } else {
        const bf_param_set *pset = &e->cfg.sets[set];
        if (!pset->in_force[i])
            return luaL_error(L, "parameter %s has no value in force on %s", ps->items[i].name,
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
        bf_sandbox_make_readonly(L);                 /* proxy */
        lua_rawseti(L, proxies, g + 1);
    }
    lua_rawgeti(L, proxies, 1);                      /* proxies, root */
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 1);
    return ref;
}

/* ---- what scripts see: ctx ---- */

/* The member index of argument arg (a member table or a member id); raises when it is neither. */
static int member_arg(lua_State *L, int arg, int index_table)
{
    worker *w = bf_sandbox_user(L);
    int i = -1;
    if (lua_type(L, arg) == LUA_TSTRING) {
        const char *id = lua_tostring(L, arg);
        for (int k = 0; k < w->h->n_members; k++)
            if (strcmp(w->h->members[k].id, id) == 0)
                i = k;
    } else if (lua_type(L, arg) == LUA_TTABLE) {
        lua_pushvalue(L, arg);
        if (lua_rawget(L, index_table) == LUA_TNUMBER)
            i = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    if (i < 0 || i >= w->h->n_members)
        return luaL_argerror(L, arg, "not a member of this household");
    return i;
}

/* ctx.age(m): full years on the evaluation date. Upvalue 1: member proxy -> index. */
static int ctx_age(lua_State *L)
{
    worker *w = bf_sandbox_user(L);
    lua_pushinteger(L, w->ages[member_arg(L, 1, lua_upvalueindex(1))]);
    return 1;
}

/* ctx.decision(id [, m]): a required policy's decision, read-only.
 * Upvalues: set, the calling policy, member proxy -> index, its requires (id -> policy index),
 * the set's read-only views by slot, the set's decisions by slot. */
static int ctx_decision(lua_State *L)
{
    worker *w = bf_sandbox_user(L);
    bf_engine *e = w->e;
    int set = (int)lua_tointeger(L, lua_upvalueindex(1));
    luaL_checkstring(L, 1);
    lua_pushvalue(L, 1);
    if (lua_rawget(L, lua_upvalueindex(4)) != LUA_TNUMBER) {
        const bf_policy *p = &e->pol[lua_tointeger(L, lua_upvalueindex(2))];
        return luaL_error(L, "policy '%s' is not in the requires of %s", lua_tostring(L, 1), p->id);
    }
    int j = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    int member = -1;
    if (e->pol[j].scope == BF_SCOPE_MEMBER) {
        if (lua_isnoneornil(L, 2))
            return luaL_error(L, "%s decides per member: ctx.decision(\"%s\", m)", e->pol[j].id,
                              e->pol[j].id);
        member = member_arg(L, 2, lua_upvalueindex(3));
    }
    int slot = j * SLOTS_PER_POLICY + member + 1;
    if (w->failed[set][slot])
        return luaL_error(L, "the decision of %s%s%s is an error, so this one cannot be made", e->pol[j].id,
                          member >= 0 ? " for member " : "", member >= 0 ? w->h->members[member].id : "");
    if (lua_rawgeti(L, lua_upvalueindex(5), slot) == LUA_TNIL) {   /* the view, or nil */
        lua_pop(L, 1);
        lua_rawgeti(L, lua_upvalueindex(6), slot);                 /* decision */
        bf_sandbox_push_view(L, -1);
        lua_remove(L, -2);                                         /* view */
        lua_pushvalue(L, -1);
        lua_rawseti(L, lua_upvalueindex(5), slot);                 /* ro[slot] = view */
    }
    return 1;
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
    return luaL_error(L, "unknown %s field '%s'", kind, key);
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

static void set_enum(lua_State *L, int t, int kt, int key, bf_enum_kind kind, int v)
{
    lua_rawgeti(L, kt, key);
    lua_rawgeti(L, kt, enum_base[kind] + v);
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
        bf_sandbox_make_readonly(L);                     /* ..., mp */
        lua_pushvalue(L, -1);
        lua_rawseti(L, -4, i + 1);                       /* pool_p[i+1] = mp */
        lua_pushinteger(L, i);
        lua_rawset(L, -3);                               /* index[mp] = i */
    }
    lua_pop(L, 3);
    w->pool_size = n;
}

static void push_member_fields(lua_State *L, int t, int kt, const bf_member *m)
{
    char birth[BF_DATE_STRLEN];
    bf_date_format(m->birth, birth);
    set_string(L, t, kt, K_ID, m->id);
    if (m->name[0])
        set_string(L, t, kt, K_NAME, m->name);
    else
        set_nil(L, t, kt, K_NAME);
    if (m->idnumber[0])
        set_string(L, t, kt, K_IDNUMBER, m->idnumber);
    else
        set_nil(L, t, kt, K_IDNUMBER);
    set_enum(L, t, kt, K_RELATION, BF_ENUM_RELATION, (int)m->relation);
    set_string(L, t, kt, K_BIRTH, birth);
    set_enum(L, t, kt, K_SEX, BF_ENUM_SEX, (int)m->sex);
    set_enum(L, t, kt, K_LABOR, BF_ENUM_LABOR, (int)m->labor);
    set_enum(L, t, kt, K_EMPLOYMENT, BF_ENUM_EMPLOYMENT, (int)m->employment);
    set_enum(L, t, kt, K_SCHOOL, BF_ENUM_SCHOOL, (int)m->school);
    set_enum(L, t, kt, K_SELF_CARE, BF_ENUM_SELF_CARE, (int)m->self_care);
    set_int(L, t, kt, K_DISABILITY, m->disability);
    set_enum(L, t, kt, K_DISABILITY_TYPE, BF_ENUM_DISABILITY_TYPE, (int)m->disability_type);
    set_bool(L, t, kt, K_SERIOUS_ILLNESS, m->serious_illness);
    set_bool(L, t, kt, K_PENSION_INSURED, m->pension_insured);
    set_bool(L, t, kt, K_MEDICAL_INSURED, m->medical_insured);
    set_money(L, t, kt, K_MEDICAL_COST, m->medical_cost);
    set_bool(L, t, kt, K_SUPPORTER, m->supporter);
}

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

static void push_household(worker *w, const bf_household *h)
{
    mark_recorded(w->e, h->recorded, w->recorded);
    lua_State *L = w->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->keys_ref);
    int kt = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->hr_ref);
    int t = lua_gettop(L);
    set_string(L, t, kt, K_ID, h->id);
    set_string(L, t, kt, K_TOWN, h->town);
    set_string(L, t, kt, K_VILLAGE, h->village);
    set_enum(L, t, kt, K_STATUS, BF_ENUM_STATUS, (int)h->status);
    set_enum(L, t, kt, K_MONITOR, BF_ENUM_MONITOR, (int)h->monitor);
    set_money(L, t, kt, K_WAGE, h->wage);
    set_money(L, t, kt, K_BUSINESS, h->business);
    set_money(L, t, kt, K_PROPERTY, h->property);
    set_money(L, t, kt, K_TRANSFER, h->transfer);
    set_money(L, t, kt, K_EXCLUDED, h->excluded);
    if (h->has_previous)
        set_money(L, t, kt, K_PREVIOUS, h->previous);
    else
        set_nil(L, t, kt, K_PREVIOUS);
    set_money(L, t, kt, K_DEPOSITS, h->deposits);
    set_money(L, t, kt, K_VEHICLE, h->vehicle);
    set_int(L, t, kt, K_EXTRA_HOUSES, h->extra_houses);
    set_money(L, t, kt, K_MEDICAL, h->medical);
    set_money(L, t, kt, K_EDUCATION, h->education);
    set_bool(L, t, kt, K_HOUSING_SAFE, h->housing_safe);
    set_bool(L, t, kt, K_WATER_SAFE, h->water_safe);
    lua_pop(L, 1);                                       /* hr; kt stays for the members */
    push_recorded(w, h->recorded);
    ensure_member_pool(w, h->n_members);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->marr_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->pool_r_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->pool_p_ref);    /* marr, pool_r, pool_p */
    for (int i = 0; i < h->n_members; i++) {
        lua_rawgeti(L, -2, i + 1);                       /* ..., mr */
        push_member_fields(L, lua_gettop(L), kt, &h->members[i]);
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
        bf_buf_printf(why, "details keys must be strings, found a %s key", luaL_typename(L, -2));
        return false;
    }
    size_t klen;
    d->key = lua_tolstring(L, -2, &klen);
    if (!valid_text(d->key, klen)) {
        bf_buf_puts(why, "a details key is not valid UTF-8 text");
        return false;
    }
    if (vt == LUA_TSTRING) {
        d->text = lua_tolstring(L, -1, &d->text_len);
        if (!valid_text(d->text, d->text_len)) {
            bf_buf_printf(why, "details.%s is not valid UTF-8 text", d->key);
            return false;
        }
        return true;
    }
    if (vt != LUA_TNUMBER) {
        bf_buf_printf(why, "details.%s must be a number or a string, got %s", d->key,
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
        bf_buf_printf(why, "details.%s is not a finite number", d->key);
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
                bf_buf_puts(why, "out of memory");
                ok = false;
            } else {
                if (items == small)
                    memcpy(grown, small, sizeof small);
                items = grown;
            }
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

/* Pushes t[key] without metamethods, key an interned name of the key table kt (stack: +1);
 * returns its type. */
static int raw_field(lua_State *L, int t, int kt, int key)
{
    lua_rawgeti(L, kt, key);
    return lua_rawget(L, t);
}

/* Checks the decision table at index t (DESIGN.md: eligible, amount, tier, reasons, details)
 * and fills d; reasons and details are kept as JSON for every decision (BF_TEXT_ALL), or for
 * eligible ones and those of a policy the household's records name (review needs their
 * reasons). False with the reason in why when malformed. */
static bool take_decision(lua_State *L, int t, int kt, bf_text_mode mode, bool recorded,
                          bf_result *res, bf_decision *d, bf_buf *scratch, bf_buf *why)
{
    if (lua_type(L, t) != LUA_TTABLE) {
        bf_buf_printf(why, "evaluate must return a decision table, it returned %s", luaL_typename(L, t));
        return false;
    }
    if (lua_getmetatable(L, t)) {
        lua_pop(L, 1);
        bf_buf_puts(why, "the decision must be a plain table (it has a metatable)");
        return false;
    }
    if (raw_field(L, t, kt, K_ELIGIBLE) != LUA_TBOOLEAN) {
        bf_buf_printf(why, "eligible must be true or false, got %s", luaL_typename(L, -1));
        lua_pop(L, 1);
        return false;
    }
    d->eligible = lua_toboolean(L, -1);
    bool want_text = mode == BF_TEXT_ALL || (mode == BF_TEXT_ELIGIBLE && (d->eligible || recorded));
    lua_pop(L, 1);
    int at = raw_field(L, t, kt, K_AMOUNT);
    double amount = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (at != LUA_TNUMBER || !isfinite(amount) || amount < 0) {
        bf_buf_printf(why, "amount must be a finite number of yuan ≥ 0, got %s",
                      at == LUA_TNUMBER ? "a negative or infinite number" : lua_typename(L, at));
        return false;
    }
    if (!d->eligible && amount != 0) {
        bf_buf_printf(why, "amount must be 0 when not eligible, got %.2f", amount);
        return false;
    }
    d->amount = bf_round_fen(amount);
    int tt = raw_field(L, t, kt, K_TIER);
    if (tt != LUA_TNIL && tt != LUA_TSTRING) {
        bf_buf_printf(why, "tier must be a string or nil, got %s", lua_typename(L, tt));
        lua_pop(L, 1);
        return false;
    }
    if (tt == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        if (!valid_text(s, len)) {
            bf_buf_puts(why, "tier is not valid UTF-8 text");
            lua_pop(L, 1);
            return false;
        }
        d->tier = bf_result_add_text(res, s, len);
    }
    lua_pop(L, 1);
    if (raw_field(L, t, kt, K_REASONS) != LUA_TTABLE || lua_getmetatable(L, -1)) {
        bf_buf_puts(why, "reasons must be a plain list of strings");
        lua_settop(L, t);
        return false;
    }
    int reasons = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, reasons);
    if (n == 0 && !d->eligible) {
        bf_buf_puts(why, "a decision that is not eligible needs at least one reason");
        lua_settop(L, t);
        return false;
    }
    bf_buf_clear(scratch);
    bf_buf_add(scratch, "[", 1);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, reasons, i) != LUA_TSTRING) {
            bf_buf_printf(why, "reasons[%lld] must be a string, got %s", (long long)i,
                          luaL_typename(L, -1));
            lua_settop(L, t);
            return false;
        }
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        if (!valid_text(s, len)) {
            bf_buf_printf(why, "reasons[%lld] is not valid UTF-8 text", (long long)i);
            lua_settop(L, t);
            return false;
        }
        if (want_text) {
            if (i > 1)
                bf_buf_add(scratch, ",", 1);
            bf_buf_json_string(scratch, s, len);
        }
        lua_pop(L, 1);
    }
    bf_buf_add(scratch, "]", 1);
    lua_pop(L, 1);                                       /* reasons */
    if (want_text)
        d->reasons = bf_result_add_text(res, scratch->data, scratch->len);
    int dt = raw_field(L, t, kt, K_DETAILS);
    bool ok = true;
    if (dt == LUA_TTABLE && !lua_getmetatable(L, -1)) {
        bf_buf_clear(scratch);
        ok = details_json(L, lua_gettop(L), want_text ? scratch : NULL, why);
        if (ok && want_text)
            d->details = bf_result_add_text(res, scratch->data, scratch->len);
    } else if (dt != LUA_TNIL) {
        if (dt == LUA_TTABLE)
            lua_pop(L, 1);                               /* the metatable */
        bf_buf_puts(why, "details must be a plain table of numbers and strings");
        ok = false;
    }
    lua_settop(L, t);
    return ok;
}

/* ---- evaluating ---- */

typedef struct eval_job {
    worker *w;
    const bf_household *h;
    int set;
    bf_result *res;
    /* pair evaluation only: the baseline to compare with and reuse */
    const bf_result *base;
    const bool *changed;        /* per parameter: the scenario changes it */
    int64_t *reevaluated;       /* per policy, this worker's count */
    const bool *stored_reads;   /* stored baseline: per policy, it read a changed parameter */
    int frame;                  /* stack index of the evaluation frame (push_frame) */
} eval_job;

/* The evaluation frame: what every evaluation of one household under one parameter set needs,
 * pushed once per household so that each evaluation copies stack slots instead of reading
 * the registry. */
enum { FRAME_KEYS, FRAME_MEMBERS, FRAME_H, FRAME_SLOTS, FRAME_RO, FRAME_POLICIES };
enum { FRAME_FN, FRAME_P, FRAME_CTX, FRAME_PER_POLICY };

/* Pushes the frame of set for every policy (stack: +FRAME_POLICIES + 3 per policy); returns its
 * index. */
static int push_frame(lua_State *L, worker *w, int set)
{
    bf_engine *e = w->e;
    if (!lua_checkstack(L, FRAME_POLICIES + FRAME_PER_POLICY * e->n_pol + LUA_MINSTACK))
        luaL_error(L, "out of stack space");
    int frame = lua_gettop(L) + 1;
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->keys_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->pool_p_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->hp_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->slots_ref[set]);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->ro_ref[set]);
    for (int k = 0; k < e->n_pol; k++) {
        int ci = set * e->n_pol + k;
        lua_rawgeti(L, LUA_REGISTRYINDEX, w->eval_ref[k]);
        lua_rawgeti(L, LUA_REGISTRYINDEX, w->proot_ref[ci]);
        lua_rawgeti(L, LUA_REGISTRYINDEX, w->ctx_ref[ci]);
    }
    return frame;
}

/* Marks decision d an error with message msg, named by the policy's file when msg is not. */
static void fail_decision(bf_result *res, bf_decision *d, const bf_policy *p, const char *msg)
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
static void eval_one(lua_State *L, eval_job *job, int k, int member)
{
    worker *w = job->w;
    bf_engine *e = w->e;
    const bf_policy *p = &e->pol[k];
    int f = job->frame, fk = f + FRAME_POLICIES + FRAME_PER_POLICY * k;
    lua_pushvalue(L, fk + FRAME_FN);
    int nargs = 3;
    if (member >= 0) {
        lua_rawgeti(L, f + FRAME_MEMBERS, member + 1);   /* fn, m */
        nargs = 4;
    }
    lua_pushvalue(L, f + FRAME_H);
    lua_pushvalue(L, fk + FRAME_P);
    lua_pushvalue(L, fk + FRAME_CTX);                    /* fn, [m,] h, p, ctx */
    if (e->cfg.explain) {
        bf_buf_clear(&w->trace);
        bf_buf_clear(&w->params);
        w->params_count = 0;
        bf_sandbox_set_trace(w->sb, &w->trace);
    }
    bf_buf_clear(&w->err);
    int rc = bf_sandbox_call(w->sb, nargs, 1, &w->err);
    bf_decision *d = bf_result_add(job->res, k, member);
    if (!d)
        luaL_error(L, "out of memory recording decisions");
    int slot = k * SLOTS_PER_POLICY + member + 1;
    bool ok = rc == BF_OK;
    if (ok) {
        bf_buf_clear(&w->why);
        ok = take_decision(L, lua_gettop(L), f + FRAME_KEYS, e->cfg.text, w->recorded[k], job->res, d,
                           &w->scratch, &w->why);
        if (!ok) {
            bf_buf_clear(&w->err);
            bf_buf_printf(&w->err, "%s:%d: malformed decision: %s", p->display, p->eval_line,
                          bf_buf_str(&w->why));
            fail_decision(job->res, d, p, bf_buf_str(&w->err));
            lua_pop(L, 1);
            lua_pushboolean(L, 0);                       /* the slot holds false */
        }
    } else {
        fail_decision(job->res, d, p, bf_buf_str(&w->err));
        lua_pushboolean(L, 0);                           /* the slot holds false */
    }
    w->failed[job->set][slot] = !ok;
    lua_rawseti(L, f + FRAME_SLOTS, slot);               /* slots[slot] = decision */
    lua_pushnil(L);
    lua_rawseti(L, f + FRAME_RO, slot);                  /* forget the old read-only view */
    if (e->cfg.explain) {
        bf_sandbox_set_trace(w->sb, NULL);
        if (w->params_count)
            bf_buf_add(&w->params, "}", 1);
        d->params_read = bf_result_add_text(job->res, w->params_count ? w->params.data : "{}",
                                         w->params_count ? w->params.len : 2);
        d->trace = bf_result_add_text(job->res, bf_buf_str(&w->trace), w->trace.len);
    }
}

/* The whole household, inside one protected call: pushing records can also run out of memory. */
static int eval_household(lua_State *L)
{
    eval_job *job = lua_touserdata(L, 1);
    worker *w = job->w;
    bf_engine *e = w->e;
    w->h = job->h;
    if (e->cfg.track_reads && job->set == 0) {
        bf_result *r = job->res;
        if (!r->reads && !(r->reads = calloc((size_t)e->cfg.params->n + 1, sizeof *r->reads)))
            return luaL_error(L, "out of memory recording parameter reads");
        r->n_reads = e->cfg.params->n;
        w->cur_reads = r->reads;
    }
    push_household(w, job->h);
    job->frame = push_frame(L, w, job->set);
    for (int k = 0; k < e->n_pol; k++) {
        if (!e->evaluated[k])
            continue;
        if (e->pol[k].scope == BF_SCOPE_HOUSEHOLD)
            eval_one(L, job, k, -1);
        else
            for (int i = 0; i < job->h->n_members; i++)
                eval_one(L, job, k, i);
    }
    return 0;
}

/* Runs fn (eval_household or eval_scenario) on job in one protected call. If it fails as a whole
 * (the memory cap while pushing the records), every decision unit becomes an error. */
static void run_protected(worker *w, lua_CFunction fn, eval_job *job)
{
    lua_State *L = w->L;
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, job);
    if (lua_pcall(L, 1, 0, 0) == LUA_OK)
        return;
    char msg[512];
    snprintf(msg, sizeof msg, "household could not be evaluated: %s",
             lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "memory cap exceeded");
    lua_pop(L, 1);
    lua_gc(L, LUA_GCCOLLECT, 0);
    bf_result_reset(job->res);
    bf_engine *e = w->e;
    for (int k = 0; k < e->n_pol; k++) {
        if (!e->evaluated[k])
            continue;
        int members = e->pol[k].scope == BF_SCOPE_HOUSEHOLD ? 0 : job->h->n_members;
        for (int i = e->pol[k].scope == BF_SCOPE_HOUSEHOLD ? -1 : 0; i < members; i++) {
            bf_decision *d = bf_result_add(job->res, k, i);
            if (d)
                fail_decision(job->res, d, &e->pol[k], msg);
        }
    }
}

static void evaluate_household(worker *w, const bf_household *h, int set, bf_result *res)
{
    bf_result_reset(res);
    eval_job job = {w, h, set, res, NULL, NULL, NULL, NULL, 0};
    run_protected(w, eval_household, &job);
    w->cur_reads = NULL;
}

/* ---- baseline and scenario in one pass ---- */

/* Whether policy k has read, in this worker's baseline so far, a parameter the scenario changes. */
static bool reads_changed(const worker *w, int k, const bool *changed)
{
    int np = w->e->cfg.params->n;
    for (int i = 0; i < np; i++)
        if (changed[i] && w->read[k * np + i])
            return true;
    return false;
}

/* Index of the first decision of policy k in r (decisions of a policy are adjacent), or r->n. */
static int first_of(const bf_result *r, int k, int from)
{
    while (from < r->n && r->d[from].policy != k)
        from++;
    return from;
}

static bool same_decision(const bf_result *a, const bf_decision *x, const bf_result *b,
                          const bf_decision *y)
{
    const char *ta = bf_result_text(a, x->tier), *tb = bf_result_text(b, y->tier);
    return x->eligible == y->eligible && x->failed == y->failed && x->amount == y->amount &&
           ((!ta && !tb) || (ta && tb && strcmp(ta, tb) == 0));
}

/* Copies the baseline decisions of policy k, and its Lua decision slots, into the scenario. */
static void reuse_baseline(lua_State *L, eval_job *job, int k, int from, int to)
{
    worker *w = job->w;
    for (int i = from; i < to; i++) {
        const bf_decision *b = &job->base->d[i];
        bf_decision *d = bf_result_add(job->res, k, b->member);
        if (!d)
            luaL_error(L, "out of memory recording decisions");
        *d = *b;
        d->reasons = d->details = d->error = d->params_read = d->trace = -1;
        const char *tier = bf_result_text(job->base, b->tier);
        d->tier = tier ? bf_result_add_text(job->res, tier, strlen(tier)) : -1;
        if (b->failed) {
            const char *msg = bf_result_text(job->base, b->error);
            d->error = msg ? bf_result_add_text(job->res, msg, strlen(msg)) : -1;
            job->res->errors++;
        }
        int slot = k * SLOTS_PER_POLICY + b->member + 1;
        w->failed[1][slot] = w->failed[0][slot];
        lua_rawgeti(L, LUA_REGISTRYINDEX, w->slots_ref[0]);
        lua_rawgeti(L, LUA_REGISTRYINDEX, w->slots_ref[1]);   /* s0, s1 */
        lua_rawgeti(L, -2, slot);
        lua_rawseti(L, -2, slot);                              /* s1[slot] = s0[slot] */
        lua_rawgeti(L, LUA_REGISTRYINDEX, w->ro_ref[1]);
        lua_pushnil(L);
        lua_rawseti(L, -2, slot);
        lua_pop(L, 3);
    }
}

/* Copies stored baseline decisions of policy k into the scenario (nobody reads them from Lua). */
static void copy_baseline(lua_State *L, eval_job *job, int k, int from, int to)
{
    for (int i = from; i < to; i++) {
        const bf_decision *b = &job->base->d[i];
        bf_decision *d = bf_result_add(job->res, k, b->member);
        if (!d)
            luaL_error(L, "out of memory recording decisions");
        *d = *b;
        const char *tier = bf_result_text(job->base, b->tier);
        d->tier = tier ? bf_result_add_text(job->res, tier, strlen(tier)) : -1;
        d->reasons = d->details = d->error = d->params_read = d->trace = -1;
        job->res->errors += b->failed;
    }
}

/* Stored baseline: evaluates policy j (after what it requires) under the scenario into the
 * worker's support result, so a re-evaluated policy can read it with ctx.decision. Its decisions
 * equal the baseline's: it read no changed parameter and nothing it requires changed. */
static void evaluate_support(lua_State *L, eval_job *job, int j, bool *done)
{
    if (done[j])
        return;
    bf_engine *e = job->w->e;
    for (int r = 0; r < e->pol[j].n_requires; r++)
        evaluate_support(L, job, e->pol[j].requires[r], done);
    eval_job support = *job;
    support.res = &job->w->support;
    if (e->pol[j].scope == BF_SCOPE_HOUSEHOLD)
        eval_one(L, &support, j, -1);
    else
        for (int i = 0; i < job->h->n_members; i++)
            eval_one(L, &support, j, i);
    done[j] = true;
}

/* The scenario pass of one household, after its baseline (the record tables are still pushed),
 * or against stored baseline decisions (then it pushes the household itself). */
static int eval_scenario(lua_State *L)
{
    eval_job *job = lua_touserdata(L, 1);
    worker *w = job->w;
    bf_engine *e = w->e;
    bool changed_policy[256] = {false}, done[256] = {false};
    bool stored = job->stored_reads != NULL;
    if (stored) {
        w->h = job->h;
        push_household(w, job->h);
        bf_result_reset(&w->support);
    }
    job->frame = push_frame(L, w, job->set);
    int from = 0;
    for (int k = 0; k < e->n_pol; k++) {
        if (!e->evaluated[k])
            continue;
        from = first_of(job->base, k, from);
        int to = from;
        while (to < job->base->n && job->base->d[to].policy == k)
            to++;
        bool again = stored ? job->stored_reads[k] : reads_changed(w, k, job->changed);
        for (int r = 0; r < e->pol[k].n_requires && !again; r++)
            again = changed_policy[e->pol[k].requires[r]];
        if (!again) {
            if (stored)
                copy_baseline(L, job, k, from, to);
            else
                reuse_baseline(L, job, k, from, to);
            from = to;
            continue;
        }
        for (int r = 0; stored && r < e->pol[k].n_requires; r++)
            evaluate_support(L, job, e->pol[k].requires[r], done);
        done[k] = true;
        job->reevaluated[k]++;
        int first = job->res->n;
        if (e->pol[k].scope == BF_SCOPE_HOUSEHOLD)
            eval_one(L, job, k, -1);
        else
            for (int i = 0; i < job->h->n_members; i++)
                eval_one(L, job, k, i);
        for (int i = 0; i < to - from && !changed_policy[k]; i++)
            changed_policy[k] = !same_decision(job->base, &job->base->d[from + i], job->res,
                                               &job->res->d[first + i]);
        from = to;
    }
    return 0;
}

static void evaluate_pair(worker *w, const bf_household *h, const bool *changed,
                          const bool *stored_reads, bf_result *base, bf_result *scen,
                          int64_t *reevaluated)
{
    if (!stored_reads)
        evaluate_household(w, h, 0, base);
    bf_result_reset(scen);
    eval_job job = {w, h, 1, scen, base, changed, reevaluated, stored_reads, 0};
    run_protected(w, eval_scenario, &job);
}

/* ---- worker threads ---- */

static void run_share(worker *w)
{
    bf_engine *e = w->e;
    for (;;) {
        if (e->cfg.cancel && *e->cfg.cancel)
            return;
        int start = atomic_fetch_add(&e->job_next, CHUNK);
        if (start >= e->job_n)
            return;
        int end = start + CHUNK < e->job_n ? start + CHUNK : e->job_n;
        for (int i = start; i < end; i++) {
            if (e->job_scen)
                evaluate_pair(w, &e->job_hs[i], e->job_changed, e->job_stored_reads,
                              &e->job_results[i], &e->job_scen[i], w->reevaluated);
            else
                evaluate_household(w, &e->job_hs[i], e->job_set, &e->job_results[i]);
        }
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    bf_engine *e = w->e;
    uint64_t seen = 0;
    pthread_mutex_lock(&e->mu);
    for (;;) {
        while (!e->stopping && e->generation == seen)
            pthread_cond_wait(&e->wake, &e->mu);
        if (e->stopping)
            break;
        seen = e->generation;
        pthread_mutex_unlock(&e->mu);
        run_share(w);
        pthread_mutex_lock(&e->mu);
        if (--e->busy == 0)
            pthread_cond_signal(&e->done);
    }
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

/* Hands the job set up in e to every worker thread and returns at once. */
static void start_job(bf_engine *e)
{
    atomic_store(&e->job_next, 0);
    pthread_mutex_lock(&e->mu);
    e->busy = e->jobs;
    e->generation++;
    pthread_cond_broadcast(&e->wake);
    pthread_mutex_unlock(&e->mu);
}

int bf_engine_finish(bf_engine *e)
{
    pthread_mutex_lock(&e->mu);
    while (e->busy > 0)
        pthread_cond_wait(&e->done, &e->mu);
    pthread_mutex_unlock(&e->mu);
    return e->cfg.cancel && *e->cfg.cancel ? BF_EINTERRUPTED : BF_OK;
}

int bf_engine_start(bf_engine *e, const bf_household *hs, int n, int set, bf_result *results)
{
    if (set < 0 || set >= e->cfg.n_sets)
        return BF_EUSAGE;
    e->job_hs = hs;
    e->job_n = n;
    e->job_set = set;
    e->job_results = results;
    e->job_scen = NULL;
    start_job(e);
    return BF_OK;
}

int bf_engine_evaluate(bf_engine *e, const bf_household *hs, int n, int set, bf_result *results)
{
    int rc = bf_engine_start(e, hs, n, set, results);
    return rc == BF_OK ? bf_engine_finish(e) : rc;
}

int bf_engine_start_pair(bf_engine *e, const bf_household *hs, int n, const bool *changed,
                         const bool *stored_reads, bf_result *base, bf_result *scen)
{
    if (e->cfg.n_sets != 2 || e->n_pol > 256)
        return BF_EUSAGE;
    e->job_hs = hs;
    e->job_n = n;
    e->job_set = 0;
    e->job_results = base;
    e->job_scen = scen;
    e->job_changed = changed;
    e->job_stored_reads = stored_reads;
    start_job(e);
    return BF_OK;
}

void bf_engine_take_reevaluated(bf_engine *e, int64_t *reevaluated)
{
    for (int k = 0; k < e->n_pol; k++)
        for (int i = 0; i < e->jobs; i++) {
            reevaluated[k] += e->workers[i].reevaluated[k];
            e->workers[i].reevaluated[k] = 0;
        }
}

int bf_engine_evaluate_pair(bf_engine *e, const bf_household *hs, int n, const bool *changed,
                            const bool *stored_reads, bf_result *base, bf_result *scen,
                            int64_t *reevaluated)
{
    int rc = bf_engine_start_pair(e, hs, n, changed, stored_reads, base, scen);
    if (rc != BF_OK)
        return rc;
    rc = bf_engine_finish(e);
    bf_engine_take_reevaluated(e, reevaluated);
    return rc;
}

/* ---- setting up a worker ---- */

static int new_ref_table(lua_State *L, int narr, int nrec)
{
    lua_createtable(L, narr, nrec);
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Builds the reused record tables, parameter trees and ctx of a worker (protected). */
/* Pushes the table of interned field names (1 … K__END−1) followed by every enum spelling. */
static void push_key_table(lua_State *L)
{
    lua_createtable(L, 64, 0);
    for (int k = 1; k < K__END; k++) {
        lua_pushstring(L, key_names[k]);
        lua_rawseti(L, -2, k);
    }
    int next = K__END;
    for (int kind = 0; kind < BF_ENUM__N; kind++) {
        enum_base[kind] = next;
        for (int v = 0; v < bf_enum_count((bf_enum_kind)kind); v++) {
            lua_pushstring(L, bf_enum_name((bf_enum_kind)kind, v));
            lua_rawseti(L, -2, next++);
        }
    }
}

static int setup_views(lua_State *L)
{
    worker *w = lua_touserdata(L, 1);
    bf_engine *e = w->e;
    push_key_table(L);
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
    bf_sandbox_make_readonly(L);
    lua_setfield(L, -2, "members");                      /* hr.members = proxy of marr */
    lua_createtable(L, 8, 0);                            /* index, hr, rec */
    lua_pushvalue(L, -1);
    w->rec_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    bf_sandbox_make_readonly(L);
    lua_setfield(L, -2, "recorded");
    lua_pushvalue(L, -1);
    w->hr_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    bf_sandbox_make_readonly(L);                         /* index, hp */
    w->hp_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    int slots = e->n_pol * SLOTS_PER_POLICY;
    for (int s = 0; s < e->cfg.n_sets; s++) {
        w->slots_ref[s] = new_ref_table(L, slots, 0);
        w->ro_ref[s] = new_ref_table(L, slots, 0);
        for (int k = 0; k < e->n_pol; k++) {
            int ci = s * e->n_pol + k;
            w->proot_ref[ci] = build_param_tree(L, e->cfg.params, s, k);
            lua_createtable(L, 0, 3);                    /* index, ctx */
            lua_pushstring(L, e->date_text);
            lua_setfield(L, -2, "date");
            lua_pushvalue(L, index);
            lua_pushcclosure(L, ctx_age, 1);
            lua_setfield(L, -2, "age");
            lua_pushinteger(L, s);
            lua_pushinteger(L, k);
            lua_pushvalue(L, index);
            lua_createtable(L, 0, e->pol[k].n_requires);   /* ..., requires: id -> index */
            for (int r = 0; r < e->pol[k].n_requires; r++) {
                lua_pushinteger(L, e->pol[k].requires[r]);
                lua_setfield(L, -2, e->pol[e->pol[k].requires[r]].id);
            }
            lua_rawgeti(L, LUA_REGISTRYINDEX, w->ro_ref[s]);
            lua_rawgeti(L, LUA_REGISTRYINDEX, w->slots_ref[s]);
            lua_pushcclosure(L, ctx_decision, 6);
            lua_setfield(L, -2, "decision");
            bf_sandbox_make_readonly(L);
            w->ctx_ref[ci] = luaL_ref(L, LUA_REGISTRYINDEX);
        }
    }
    lua_pop(L, 1);                                       /* index */
    return 0;
}

/* Loads every policy in evaluation order into the worker's state and builds its views. */
static int setup_worker(bf_engine *e, worker *w, bf_errors *errs)
{
    lua_State *L = w->L;
    int n_sets = e->cfg.n_sets, np = e->cfg.params->n;
    w->eval_ref = calloc((size_t)e->n_pol, sizeof *w->eval_ref);
    w->ctx_ref = calloc((size_t)(e->n_pol * n_sets), sizeof *w->ctx_ref);
    w->proot_ref = calloc((size_t)(e->n_pol * n_sets), sizeof *w->proot_ref);
    w->ages = calloc(BF_MEMBERS_MAX, sizeof *w->ages);
    w->recorded = calloc((size_t)e->n_pol, sizeof *w->recorded);
    w->reevaluated = calloc((size_t)e->n_pol, sizeof *w->reevaluated);
    w->read = calloc((size_t)(e->n_pol * (np ? np : 1)), sizeof *w->read);
    for (int s = 0; s < n_sets; s++)
        w->failed[s] = calloc((size_t)(e->n_pol * SLOTS_PER_POLICY), sizeof *w->failed[s]);
    if (!w->eval_ref || !w->ctx_ref || !w->proot_ref || !w->ages || !w->recorded ||
        !w->reevaluated || !w->read ||
        !w->failed[0] ||
        (n_sets > 1 && !w->failed[1])) {
        bf_errors_add(errs, "out of memory setting up worker %d", w->index);
        return BF_ENOMEM;
    }
    bf_buf err = {0};
    for (int k = 0; k < e->n_pol; k++) {
        char chunk[4200];
        snprintf(chunk, sizeof chunk, "@%s", e->pol[k].display);
        bf_buf_clear(&err);
        if (bf_sandbox_run_chunk(w->sb, e->pol[k].src, e->pol[k].src_len, chunk, &err) != BF_OK) {
            bf_errors_add(errs, "%s", bf_buf_str(&err));
            bf_buf_free(&err);
            return BF_ESCRIPT;
        }
        lua_getfield(L, -1, "evaluate");                 /* policy, evaluate */
        w->eval_ref[k] = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pop(L, 1);
    }
    bf_buf_free(&err);
    lua_pushcfunction(L, setup_views);
    lua_pushlightuserdata(L, w);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        bf_errors_add(errs, "cannot set up worker %d: %s", w->index, lua_tostring(L, -1));
        lua_pop(L, 1);
        return BF_ELIMIT;
    }
    return BF_OK;
}

int bf_engine_open(const bf_engine_config *cfg, bf_engine **out, bf_errors *errs)
{
    *out = NULL;
    if (!cfg->params || !cfg->sets || cfg->n_sets < 1 || cfg->n_sets > 2)
        return BF_EUSAGE;
    bf_engine *e = calloc(1, sizeof *e);
    if (!e)
        return BF_ENOMEM;
    e->cfg = *cfg;
    bf_date_format(cfg->date, e->date_text);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    e->jobs = cfg->jobs > 0 ? cfg->jobs : (cores > 0 ? (int)cores : 1);
    if (e->jobs > 64)
        e->jobs = 64;
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->wake, NULL);
    pthread_cond_init(&e->done, NULL);
    e->workers = calloc((size_t)e->jobs, sizeof *e->workers);
    e->boxes = calloc((size_t)e->jobs, sizeof *e->boxes);
    if (!e->workers || !e->boxes) {
        bf_engine_close(e);
        return BF_ENOMEM;
    }
    char lib_dir[4096], lib_prefix[4096];
    snprintf(lib_dir, sizeof lib_dir, "%s/lib", cfg->policies_dir);
    snprintf(lib_prefix, sizeof lib_prefix, "%s/lib/", cfg->policies_dir);
    bf_sandbox_config sc = {cfg->max_memory, cfg->max_instructions, lib_dir, lib_prefix, cfg->modules,
                            cfg->no_budget};
    int rc = BF_OK;
    for (int i = 0; i < e->jobs && rc == BF_OK; i++) {
        char err[512];
        worker *w = &e->workers[i];
        w->e = e;
        w->index = i;
        rc = bf_sandbox_new(&sc, &w->sb, err, sizeof err);
        if (rc != BF_OK) {
            bf_errors_add(errs, "%s", err);
            break;
        }
        w->L = bf_sandbox_state(w->sb);
        e->boxes[i] = w->sb;
        bf_sandbox_set_user(w->sb, w);
    }
    if (rc == BF_OK && !cfg->no_budget)
        rc = bf_watchdog_start(e->boxes, e->jobs, &e->watchdog);
    pending_requires *req = NULL;
    if (rc == BF_OK)
        rc = load_catalog(e, e->workers[0].sb, &req, errs);
    if (rc == BF_OK && order_policies(e, req, errs))
        rc = BF_ESCRIPT;
    free_pending(req, e->n_pol);
    if (rc == BF_OK && select_policies(e, errs))
        rc = BF_EINPUT;
    if (rc == BF_OK && !(e->cacheable = calloc((size_t)cfg->params->n + 1, sizeof *e->cacheable)))
        rc = BF_ENOMEM;
    if (rc == BF_OK && !(e->read_union = calloc((size_t)(e->n_pol * (cfg->params->n ? cfg->params->n : 1)),
                                                 sizeof *e->read_union)))
        rc = BF_ENOMEM;
    for (int i = 0; i < e->jobs && rc == BF_OK; i++)
        rc = setup_worker(e, &e->workers[i], errs);
    for (int i = 0; i < e->jobs && rc == BF_OK; i++) {
        if (pthread_create(&e->workers[i].thread, NULL, worker_main, &e->workers[i]) != 0)
            rc = BF_ENOMEM;
        else
            e->workers[i].has_thread = true;
    }
    if (rc != BF_OK) {
        bf_engine_close(e);
        return rc;
    }
    *out = e;
    return BF_OK;
}

void bf_engine_close(bf_engine *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->mu);
    e->stopping = true;
    pthread_cond_broadcast(&e->wake);
    pthread_mutex_unlock(&e->mu);
    for (int i = 0; e->workers && i < e->jobs; i++)
        if (e->workers[i].has_thread)
            pthread_join(e->workers[i].thread, NULL);
    bf_watchdog_stop(e->watchdog);
    for (int i = 0; e->workers && i < e->jobs; i++) {
        worker *w = &e->workers[i];
        bf_sandbox_free(w->sb);
        free(w->eval_ref); free(w->ctx_ref); free(w->proot_ref); free(w->ages); free(w->read);
        free(w->recorded);
        free(w->reevaluated);
        free(w->failed[0]); free(w->failed[1]);
        bf_buf_free(&w->trace); bf_buf_free(&w->err); bf_buf_free(&w->params);
        bf_buf_free(&w->scratch); bf_buf_free(&w->why);
        bf_result_free(&w->support);
    }
    for (int i = 0; i < e->n_pol; i++)
        free_policy(&e->pol[i]);
    free(e->pol);
    free(e->evaluated);
    free(e->read_union);
    free(e->cacheable);
    free(e->workers);
    free(e->boxes);
    pthread_mutex_destroy(&e->mu);
    pthread_cond_destroy(&e->wake);
    pthread_cond_destroy(&e->done);
    free(e);
}

const bf_policy *bf_engine_policies(const bf_engine *e, int *n)
{
    *n = e->n_pol;
    return e->pol;
}

bool bf_engine_evaluates(const bf_engine *e, int k)
{
    return k >= 0 && k < e->n_pol && e->evaluated[k];
}

int bf_engine_jobs(const bf_engine *e)
{
    return e->jobs;
}

void bf_engine_cache_param(bf_engine *e, int i)
{
    atomic_store_explicit(&e->cacheable[i], true, memory_order_relaxed);
}

const bool *bf_engine_params_read(bf_engine *e)
{
    int total = e->n_pol * e->cfg.params->n;
    for (int i = 0; i < e->jobs; i++)
        for (int k = 0; k < total; k++)
            e->read_union[k] = e->read_union[k] || e->workers[i].read[k];
    return e->read_union;
}

void bf_engine_stats(const bf_engine *e, bf_sandbox_stats *st)
{
    memset(st, 0, sizeof *st);
    for (int i = 0; i < e->jobs; i++) {
        bf_sandbox_stats s;
        bf_sandbox_get_stats(e->workers[i].sb, &s);
        st->calls += s.calls;
        st->counted_reruns += s.counted_reruns;
        st->memory += s.memory;
    }
}

void bf_engine_always_count(bf_engine *e, bool on)
{
    for (int i = 0; i < e->jobs; i++)
        bf_sandbox_always_count(e->workers[i].sb, on);
}
