/* catalog.c — the policy catalog: lists the NAME.lua scripts, loads each in a sandbox, checks
 * its contract (id, title, scope, evaluate, requires), orders the policies by `requires` and
 * marks the --only selection. */
#include "internal.h"
#include "i18n.h"
#include "coverage.h"
#include "bangfu.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



/* The line of the first `field =` in the source, or 1: for contract messages only, since it
 * reads the whole source. */
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
int bf__list_lua_files(const char *dir, char ***out, int *n, bf_errors *errs)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        bf_errors_add(errs, _("%s: cannot open the policies folder"), dir);
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
    if (count > 1)
        qsort(names, (size_t)count, sizeof *names, compare_names);
    *out = names;
    *n = count;
    if (count == 0) {
        bf_errors_add(errs, _("%s: no policy scripts (*.lua) found"), dir);
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

/* Reads the optional `tiers` table ({code = "words", …}) of the policy table on top into p;
 * returns the number of errors reported. */
static int read_tiers(lua_State *L, bf_policy *p, bf_errors *errs)
{
    int t = lua_getfield(L, -1, "tiers"), errors = 0;
    if (t == LUA_TTABLE) {
        int cap = 0;
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            bool valid = lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING &&
                         *lua_tostring(L, -1);
            if (!valid) {
                bf_errors_add(errs, _("%s:%d: tiers must map each tier code to its words, e.g. "
                              "tiers = { household = \"按户保\" }"), p->display,
                              field_line(p->src, "tiers"));
                errors++;
            } else if (p->n_tiers == cap) {
                int grown = cap ? cap * 2 : 8;
                char **c = realloc(p->tier_codes, sizeof *c * (size_t)grown);
                if (c)
                    p->tier_codes = c;
                char **l = c ? realloc(p->tier_labels, sizeof *l * (size_t)grown) : NULL;
                if (l)
                    p->tier_labels = l;
                cap = c && l ? grown : cap;    /* out of memory: the rest go without words */
            }
            if (valid && p->n_tiers < cap) {
                p->tier_codes[p->n_tiers] = strdup(lua_tostring(L, -2));
                p->tier_labels[p->n_tiers] = strdup(lua_tostring(L, -1));
                if (p->tier_codes[p->n_tiers] && p->tier_labels[p->n_tiers])
                    p->n_tiers++;
                else {
                    free(p->tier_codes[p->n_tiers]);
                    free(p->tier_labels[p->n_tiers]);
                }
            }
            lua_pop(L, 1);
        }
    } else if (t != LUA_TNIL) {
        bf_errors_add(errs, _("%s:%d: tiers must be a table of tier codes and their words"),
                      p->display, field_line(p->src, "tiers"));
        errors++;
    }
    lua_pop(L, 1);
    return errors;
}

const char *bf_policy_tier_label(const bf_policy *p, const char *tier)
{
    for (int i = 0; tier && i < p->n_tiers; i++)
        if (strcmp(p->tier_codes[i], tier) == 0)
            return p->tier_labels[i];
    return NULL;
}

const char *bf_policy_tier_words(const bf_policy *p, const char *tier)
{
    const char *label = bf_policy_tier_label(p, tier);
    return label ? label : tier ? tier : "";
}

/* Requires as names while loading, resolved to indices once every policy is known. */
typedef struct pending_requires {
    char **names;
    int n;
} pending_requires;

/* Checks the contract of the policy table on top of the stack (README, Policy scripts; policies/README.md). */
static int check_contract(lua_State *L, bf_policy *p, const char *stem, pending_requires *req,
                          bf_errors *errs)
{
    const char *f = p->display;
    int errors = 0;
    if (lua_type(L, -1) != LUA_TTABLE) {
        bf_errors_add(errs, _("%s:1: the script must return a policy table, it returned a %s"), f,
                      luaL_typename(L, -1));
        return 1;
    }
    char *id = NULL;
    if (!table_string(L, "id", &id, true)) {
        bf_errors_add(errs, _("%s:%d: id must be a string"), f, field_line(p->src, "id"));
        errors++;
    } else if (strcmp(id, stem) != 0) {
        bf_errors_add(errs, _("%s:%d: id '%s' does not match the file name (expected '%s')"), f,
                      field_line(p->src, "id"), id, stem);
        errors++;
    }
    free(id);
    p->id = strdup(stem);
    if (!table_string(L, "title", &p->title, true) || !p->title || !*p->title) {
        bf_errors_add(errs, _("%s:%d: title must be a non-empty string"), f, field_line(p->src, "title"));
        errors++;
    }
    static const char *const optional[] = {"title_en", "basis", "department"};
    char **slots[] = {&p->title_en, &p->basis, &p->department};
    for (int i = 0; i < 3; i++)
        if (!table_string(L, optional[i], slots[i], false)) {
            bf_errors_add(errs, _("%s:%d: %s must be a string"), f, field_line(p->src, optional[i]),
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
        bf_errors_add(errs, _("%s:%d: scope must be \"household\" or \"member\""), f,
                      field_line(p->src, "scope"));
        errors++;
    }
    lua_pop(L, 1);
    lua_getfield(L, -1, "evaluate");
    if (lua_type(L, -1) != LUA_TFUNCTION) {
        bf_errors_add(errs, _("%s:%d: evaluate must be a function"), f, field_line(p->src, "evaluate"));
        errors++;
    } else {
        lua_Debug ar;
        lua_getinfo(L, ">S", &ar);                   /* pops the function */
        p->eval_line = ar.linedefined;
        lua_pushnil(L);
    }
    lua_pop(L, 1);
    errors += read_tiers(L, p, errs);
    int t = lua_getfield(L, -1, "requires");
    if (t == LUA_TTABLE) {
        int n = (int)lua_rawlen(L, -1);
        req->names = calloc((size_t)(n ? n : 1), sizeof *req->names);
        for (int i = 1; req->names && i <= n; i++) {
            if (lua_rawgeti(L, -1, i) != LUA_TSTRING) {
                bf_errors_add(errs, _("%s:%d: requires must list policy ids (strings)"), f,
                              field_line(p->src, "requires"));
                errors++;
            } else {
                req->names[req->n++] = strdup(lua_tostring(L, -1));
            }
            lua_pop(L, 1);
        }
    } else if (t != LUA_TNIL) {
        bf_errors_add(errs, _("%s:%d: requires must be a list of policy ids"), f,
                      field_line(p->src, "requires"));
        errors++;
    }
    lua_pop(L, 1);
    return errors;
}

static void free_policy(bf_policy *p)
{
    free(p->id); free(p->title); free(p->title_en); free(p->basis); free(p->department);
    free(p->requires); free(p->path); free(p->display); free(p->src);
    for (int i = 0; i < p->n_tiers; i++) {
        free(p->tier_codes[i]);
        free(p->tier_labels[i]);
    }
    free(p->tier_codes); free(p->tier_labels);
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
        bf_errors_add(errs, _("%s:%d: requires cycle: %s"), pol[i].display,
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
/* Turns each policy's requires names into indices; an unknown name is an error. */
static int resolve_requires(bf_engine *e, pending_requires *req, bf_errors *errs)
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
                bf_errors_add(errs, _("%s:%d: requires unknown policy '%s'"), p->display,
                              field_line(p->src, "requires"), req[i].names[r]);
                errors++;
            } else {
                p->requires[p->n_requires++] = j;
            }
        }
    }
    return errors;
}

static int order_policies(bf_engine *e, pending_requires *req, bf_errors *errs)
{
    int n = e->n_pol, errors = resolve_requires(e, req, errs);
    if (errors || n <= 0)
        return errors;
    size_t count = (size_t)n;
    int *state = calloc(count, sizeof *state), *order = calloc(count, sizeof *order);
    int *stack = calloc(count + 1, sizeof *stack), n_order = 0;
    for (int i = 0; state && order && stack && i < n && !errors; i++)
        errors += visit(e->pol, i, state, order, &n_order, stack, 0, errs);
    if (!errors && state && order && stack) {
        assert(n_order == n);                        /* every policy placed once */
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
            bf_errors_add(errs, _("--only: no policy '%s'"), e->cfg.only[k]);
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

/* Registry key: a table of the policy tables the catalog got from running each script in worker
 * 0's state, by the script's display name, so that setting up worker 0 need not run them again. */
static char kept_key;

/* Pops the policy table on top into the kept tables under display (stack: -1). */
static void keep_policy_table(lua_State *L, const char *display)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kept_key) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &kept_key);
    }                                                /* policy, kept */
    lua_insert(L, -2);                               /* kept, policy */
    lua_setfield(L, -2, display);                    /* kept */
    lua_pop(L, 1);
}

int bf__catalog_push_policy(bf_engine *e, bf_sandbox *sb, int k, bf_errors *errs)
{
    lua_State *L = bf__sandbox_state(sb);
    const bf_policy *p = &e->pol[k];
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kept_key) == LUA_TTABLE) {
        if (lua_getfield(L, -1, p->display) == LUA_TTABLE) {   /* kept, policy */
            lua_pushnil(L);
            lua_setfield(L, -3, p->display);         /* taken: a table serves one worker */
            lua_remove(L, -2);                       /* policy */
            return BF_OK;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    char chunk[4200];
    snprintf(chunk, sizeof chunk, "@%s", p->display);
    return bf__sandbox_run_chunk(sb, p->src, p->src_len, chunk, errs);
}

/* Reads every policy file and checks its contract in worker 0's sandbox; *req_out receives the
 * requires names per policy (file order), for order_policies. */
static int load_catalog(bf_engine *e, bf_sandbox *sb, pending_requires **req_out, bf_errors *errs)
{
    char **names;
    int n;
    int rc = bf__list_lua_files(e->cfg.policies_dir, &names, &n, errs);
    if (rc != BF_OK) {
        for (int i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return rc;
    }
    e->pol = calloc((size_t)n, sizeof *e->pol);
    pending_requires *req = calloc((size_t)n, sizeof *req);
    int errors = (!e->pol || !req) ? 1 : 0;
    lua_State *L = bf__sandbox_state(sb);
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
            bf_errors_add(errs, _("%s: cannot read"), p->display);
            p->id = strdup(names[i]);
            errors++;
            continue;
        }
        if (e->cfg.coverage) {              /* a script that does not compile is reported below */
            bf__coverage_add_script(e->cfg.coverage, p->display, p->src, p->src_len, NULL);
        }
        char stem[256];
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(names[i]) - 4), names[i]);
        char chunk[4200];
        snprintf(chunk, sizeof chunk, "@%s", p->display);
        if (bf__sandbox_run_chunk(sb, p->src, p->src_len, chunk, errs) != BF_OK) {
            p->id = strdup(stem);
            errors++;
            continue;
        }
        errors += check_contract(L, p, stem, &req[i], errs);
        keep_policy_table(L, p->display);
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    *req_out = req;
    return errors ? BF_ESCRIPT : BF_OK;
}

/* Reads the modules of policies_dir/lib for the audit record (hashed only when a run asks). A
 * folder without one is no error: scripts that require nothing need none, and a require of a
 * missing module fails where it is made. */
static int read_lib_files(bf_engine *e)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/lib", e->cfg.policies_dir);
    char **names = NULL;
    int n = 0;
    bf_errors ignored;
    bf_errors_init(&ignored, 1);
    bf__list_lua_files(dir, &names, &n, &ignored);
    bf_errors_free(&ignored);
    int rc = BF_OK;
    e->libs = n ? calloc((size_t)n, sizeof *e->libs) : NULL;
    if (n && !e->libs)
        rc = BF_ENOMEM;
    for (int i = 0; i < n && rc == BF_OK; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len;
        char *src = bf_read_file(path, &len);
        bf_lib_file *f = &e->libs[e->n_libs];
        size_t klen = strlen(names[i]) + 5;
        f->name = malloc(klen);
        if (!src || !f->name) {
            free(src);
            free(f->name);
            f->name = NULL;
            continue;                   /* unreadable: require reports it when a script asks */
        }
        snprintf(f->name, klen, "lib/%s", names[i]);
        f->src = src;
        f->len = len;
        e->n_libs++;
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int bf__catalog_load(bf_engine *e, bf_sandbox *sb, bf_errors *errs)
{
    pending_requires *req = NULL;
    int rc = load_catalog(e, sb, &req, errs);
    if (rc == BF_OK && read_lib_files(e) != BF_OK)
        rc = BF_ENOMEM;
    if (rc == BF_OK && order_policies(e, req, errs))
        rc = BF_ESCRIPT;
    else if (rc == BF_ESCRIPT && req)
        resolve_requires(e, req, errs);            /* lint: every problem in one pass */
    free_pending(req, e->n_pol);
    if (rc == BF_OK && select_policies(e, errs))
        rc = BF_EINPUT;
    return rc;
}

void bf__catalog_free(bf_engine *e)
{
    for (int i = 0; i < e->n_pol; i++)
        free_policy(&e->pol[i]);
    free(e->pol);
    free(e->evaluated);
    for (int i = 0; i < e->n_libs; i++) {
        free(e->libs[i].name);
        free(e->libs[i].src);
    }
    free(e->libs);
}

const bf_policy *bf_engine_policies(const bf_engine *e, int *n)
{
    *n = e->n_pol;
    return e->pol;
}

const bf_lib_file *bf_engine_lib_files(const bf_engine *e, int *n)
{
    *n = e->n_libs;
    return e->libs;
}

bool bf_engine_evaluates(const bf_engine *e, int k)
{
    return k >= 0 && k < e->n_pol && e->evaluated[k];
}

