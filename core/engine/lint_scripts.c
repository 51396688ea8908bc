/* lint_scripts.c — static checks of the policy scripts and lib modules, from their compiled form
 * (bytecode.h: Lua's own parser, nothing evaluated). Each function's instructions are walked in
 * order while every register holds what is known of its value: the household, a member, the list
 * h.members, a parameter group, ctx, a global library, a string constant. Reading a field of
 * one of those is checked against what it has; so are require, ctx.decision, globals and
 * comparisons of an enum field with a literal. A register keeps the last value written to it
 * in instruction order, which is what a local holds across its block. */
#include "internal.h"
#include "areas.h"
#include "bytecode.h"
#include "fielddoc.h"
#include "i18n.h"
#include "lint.h"
#include "bangfu.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
    V_NONE, V_ENV, V_HOUSEHOLD, V_MEMBER, V_MEMBERS, V_MEMBER_ITER, V_PARAMS, V_CTX, V_DECIDE,
    V_DECISION, V_GLOBAL_FN, V_LIB, V_STRING, V_ENUM, V_FUNCTION, V_MODULE, V_MODULE_FN,
} vkind;

/* What is known of a register's value. */
typedef struct val {
    vkind k;
    int n;              /* V_PARAMS: node; V_ENUM: bf_enum_kind; V_FUNCTION: nested proto */
    const char *s;      /* V_STRING: the text; V_GLOBAL_FN, V_LIB, V_MODULE: the name; V_ENUM:
                         * the field; V_MODULE_FN: the module */
    const char *fn;     /* V_MODULE_FN: the function's name */
    const struct bc_proto *fp;   /* V_FUNCTION: the function */
} val;

#define CALL_ARGS 8

/* What a function of the file is called with, at its first call site that passes anything known
 * (care_standard(m, p.tekun)): its parameters are walked with those values. */
typedef struct call_site {
    const struct bc_proto *fp;
    val args[CALL_ARGS];
} call_site;

#define NREG 256

/* One policy script or lib module being checked. */
typedef struct unit {
    const char *display;        /* "policies/dibao.lua" */
    const char *id;             /* policy id; NULL for a lib module */
    bool member_scope;
    char **requires;            /* the ids its requires list names */
    int n_requires;
    bool requires_known;        /* the contract could be read */
} unit;

/* The parameters a lib module's function reads (directly or in functions it defines). */
typedef struct lib_fn {
    char *module, *fn;
    bool *reads;                /* per parameter */
} lib_fn;

/* Everything the checks compare with. */
typedef struct world {
    const bf_params *params;
    char **policies;            /* policy ids (file stems) */
    int n_policies;
    char **modules;             /* lib modules, plugin modules and money */
    int n_modules;
    bf_errors *problems;
    int count;
    lib_fn *fns;                /* the lib modules' functions, once walked */
    int n_fns;
    const char *module;         /* the lib module being walked, or NULL */
    call_site *sites;           /* of the file being walked */
    int n_sites;
} world;

typedef struct walk {
    world *w;
    const unit *u;
    const bc_proto *f;
    val r[NREG];
    const val *up;              /* the function's upvalues */
    int pc;
    bool *reads;                /* per parameter: read by this function (may be NULL) */
} walk;

/* ---- suggestions ---- */

/* The name of names nearest to s, when it is near enough to be a misspelling; else NULL. */
static const char *nearest(const char *s, const char *const *names, int n)
{
    const char *best = NULL;
    int best_d = 99;
    for (int i = 0; i < n; i++) {
        int d = bf_text_distance(s, names[i]);
        if (d >= 0 && d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    int limit = strlen(s) < 4 ? 1 : strlen(s) < 9 ? 2 : 3;
    if (best_d <= limit)
        return best;
    for (int i = 0; i < n; i++) {              /* medical_expenses: the field is medical */
        size_t len = strlen(names[i]);
        if (len >= 4 && strncmp(s, names[i], len) == 0 && s[len] == '_')
            return names[i];
    }
    return NULL;
}

/* " did you mean 'x'?" or " (it has: a, b, c)" into out. */
static void suggest(char *out, size_t size, const char *s, const char *const *names, int n)
{
    const char *near = nearest(s, names, n);
    if (near) {
        snprintf(out, size, _("; did you mean '%s'?"), near);
        return;
    }
    char list[600];
    size_t len = 0;
    list[0] = '\0';
    for (int i = 0; i < n && len + 8 < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", names[i]);
    snprintf(out, size, _(" (valid: %s)"), list);
}

static void __attribute__((format(printf, 2, 3))) problem(walk *k, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = k->f->line[k->pc];
    bf_errors_add(k->w->problems, "%s:%d: %s", k->u->display, line, msg);
    k->w->count++;
}

/* ---- what records, parameters and ctx have ---- */

/* The names of the fields a record kind has, as scripts see them (h also has members). */
static int record_fields(bf_record_kind kind, const char **out, int max)
{
    int n = 0;
    for (int i = 0; i < bf_field_count(kind) && n < max; i++)
        out[n++] = bf_field_name(kind, i);
    if (kind == BF_RECORD_HOUSEHOLD && n < max)
        out[n++] = "members";
    return n;
}

static val field_of_record(walk *k, bf_record_kind kind, const char *key)
{
    const char *names[64];
    int n = record_fields(kind, names, 64);
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], key) == 0) {
            if (strcmp(key, "members") == 0)
                return (val){V_MEMBERS, 0, NULL, NULL, NULL};
            const bf_field_doc *doc = bf_field_doc_find(kind, key);
            int e = doc ? doc->enum_kind : -1;
            return e >= 0 ? (val){V_ENUM, e, names[i], NULL, NULL} : (val){V_NONE, 0, NULL, NULL, NULL};
        }
    char hint[700];
    suggest(hint, sizeof hint, key, names, n);
    if (kind == BF_RECORD_HOUSEHOLD)
        problem(k, _("a household has no field '%s'%s"), key, hint);
    else
        problem(k, _("a member has no field '%s'%s"), key, hint);
    return (val){V_NONE, 0, NULL, NULL, NULL};
}

static val field_of_params(walk *k, int node, const char *key)
{
    const bf_params *ps = k->w->params;
    const char *names[256];
    int n = 0;
    for (int c = ps->nodes[node].first_child; c >= 0; c = ps->nodes[c].next_sibling) {
        if (strcmp(ps->nodes[c].key, key) == 0) {
            if (ps->nodes[c].param < 0)
                return (val){V_PARAMS, c, NULL, NULL, NULL};
            if (k->reads)
                k->reads[ps->nodes[c].param] = true;
            return (val){V_NONE, 0, NULL, NULL, NULL};
        }
        if (n < 256)
            names[n++] = ps->nodes[c].key;
    }
    const char *path = ps->nodes[node].path;
    char hint[1200];
    suggest(hint, sizeof hint, key, names, n);
    problem(k, _("unknown parameter 'p.%s%s%s': params.xml has no such name%s"), path, *path ? "." : "",
            key, hint);
    return (val){V_NONE, 0, NULL, NULL, NULL};
}

/* A computed name in a parameter group may read any parameter under it. */
static void read_group(walk *k, int node)
{
    const bf_params *ps = k->w->params;
    for (int c = ps->nodes[node].first_child; k->reads && c >= 0; c = ps->nodes[c].next_sibling) {
        if (ps->nodes[c].param >= 0)
            k->reads[ps->nodes[c].param] = true;
        else
            read_group(k, c);
    }
}

static val field_of(walk *k, val t, const char *key)
{
    static const char *const ctx_fields[] = {"date", "age", "decision"};
    static const char *const decision_fields[] = {"eligible", "amount", "tier", "reasons", "details"};
    char hint[300];
    switch (t.k) {
    case V_ENV:
        break;                                       /* globals: see global() */
    case V_HOUSEHOLD:
        return field_of_record(k, BF_RECORD_HOUSEHOLD, key);
    case V_MEMBER:
        return field_of_record(k, BF_RECORD_MEMBER, key);
    case V_PARAMS:
        return field_of_params(k, t.n, key);
    case V_CTX:
        if (strcmp(key, "decision") == 0)
            return (val){V_DECIDE, 0, NULL, NULL, NULL};
        if (strcmp(key, "date") == 0 || strcmp(key, "age") == 0)
            return (val){V_NONE, 0, NULL, NULL, NULL};
        suggest(hint, sizeof hint, key, ctx_fields, 3);
        problem(k, _("ctx has no field '%s'%s"), key, hint);
        break;
    case V_DECISION:
        for (int i = 0; i < 5; i++)
            if (strcmp(key, decision_fields[i]) == 0)
                return (val){V_NONE, 0, NULL, NULL, NULL};
        suggest(hint, sizeof hint, key, decision_fields, 5);
        problem(k, _("a decision has no field '%s'%s"), key, hint);
        break;
    case V_MODULE:
        return (val){V_MODULE_FN, 0, t.s, key, NULL};
    case V_LIB: {
        const char *names[64];
        int n = bf__sandbox_allowed_names(t.s, names, 64);
        for (int i = 0; i < n; i++)
            if (strcmp(names[i], key) == 0)
                return (val){V_NONE, 0, NULL, NULL, NULL};
        suggest(hint, sizeof hint, key, names, n);
        problem(k, _("%s.%s is not available to policy scripts%s"), t.s, key, hint);
        break;
    }
    default:
        break;
    }
    return (val){V_NONE, 0, NULL, NULL, NULL};
}

static val global(walk *k, const char *name)
{
    const char *names[64];
    int n = bf__sandbox_allowed_names(NULL, names, 64);
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) {
            if (!strcmp(name, "ipairs") || !strcmp(name, "pairs") || !strcmp(name, "require"))
                return (val){V_GLOBAL_FN, 0, names[i], NULL, NULL};
            if (!strcmp(name, "string") || !strcmp(name, "table") || !strcmp(name, "math") ||
                !strcmp(name, "utf8"))
                return (val){V_LIB, 0, names[i], NULL, NULL};
            return (val){V_NONE, 0, NULL, NULL, NULL};
        }
    char hint[700];
    suggest(hint, sizeof hint, name, names, n);
    problem(k, _("unknown global '%s': policy scripts see only the sandbox's functions and "
                 "libraries (a local declared later, or a misspelt name?)%s"), name, hint);
    return (val){V_NONE, 0, NULL, NULL, NULL};
}

/* ---- calls ---- */

static bool listed(char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return true;
    return false;
}

static void check_require(walk *k, const char *name)
{
    if (listed(k->w->modules, k->w->n_modules, name))
        return;
    char hint[700];
    suggest(hint, sizeof hint, name, (const char *const *)k->w->modules, k->w->n_modules);
    problem(k, _("require \"%s\": no such module in lib/, the plugins or the host%s"), name, hint);
}

static void check_decision(walk *k, const char *id)
{
    const unit *u = k->u;
    if (!listed(k->w->policies, k->w->n_policies, id)) {
        char hint[700];
        suggest(hint, sizeof hint, id, (const char *const *)k->w->policies, k->w->n_policies);
        problem(k, _("ctx.decision(\"%s\"): there is no policy '%s'%s"), id, id, hint);
    } else if (u->id && u->requires_known && !listed(u->requires, u->n_requires, id))
        problem(k, _("ctx.decision(\"%s\"): '%s' is not in the requires of %s; add it there "
                     "(requires = { \"%s\" }) so that it is evaluated first"), id, id, u->id, id);
}

/* A call of a lib module's function that passes p: it reads what that function reads. */
static void add_lib_reads(walk *k, val fn, int a, int b)
{
    bool passes_p = false;
    for (int r = a + 1; r < NREG && (b == 0 ? r < a + 8 : r < a + b); r++)
        passes_p |= k->r[r].k == V_PARAMS;
    if (!passes_p)
        return;
    for (int i = 0; i < k->w->n_fns; i++) {
        const lib_fn *lf = &k->w->fns[i];
        if (strcmp(lf->module, fn.s) == 0 && strcmp(lf->fn, fn.fn) == 0)
            for (int p = 0; p < k->w->params->n; p++)
                k->reads[p] |= lf->reads[p];
    }
}

static void note_call_site(walk *k, const bc_proto *fp, int a, int b)
{
    world *w = k->w;
    for (int i = 0; i < w->n_sites; i++)
        if (w->sites[i].fp == fp)
            return;
    call_site site = {fp, {{V_NONE, 0, NULL, NULL, NULL}}};
    bool known = false;
    for (int r = 0; r < CALL_ARGS && a + 1 + r < NREG && (b == 0 || r < b - 1); r++) {
        val v = k->r[a + 1 + r];
        if (v.k == V_HOUSEHOLD || v.k == V_MEMBER || v.k == V_PARAMS || v.k == V_CTX ||
            v.k == V_MEMBERS) {
            site.args[r] = v;
            known = true;
        }
    }
    call_site *grown = known ? realloc(w->sites, sizeof *grown * (size_t)(w->n_sites + 1)) : NULL;
    if (grown) {
        w->sites = grown;
        w->sites[w->n_sites++] = site;
    }
}

/* CALL A B C: checks require, ctx.decision and ipairs(h.members); sets the results. */
static void call(walk *k, uint32_t i)
{
    int a = bc_a(i), c = bc_c(i);
    val fn = k->r[a], arg = a + 1 < NREG ? k->r[a + 1] : (val){V_NONE, 0, NULL, NULL, NULL};
    val result = {V_NONE, 0, NULL, NULL, NULL};
    if (fn.k == V_GLOBAL_FN && strcmp(fn.s, "require") == 0 && arg.k == V_STRING) {
        check_require(k, arg.s);
        result = (val){V_MODULE, 0, arg.s, NULL, NULL};
    } else if (fn.k == V_MODULE_FN && k->reads)
        add_lib_reads(k, fn, a, bc_b(i));
    else if (fn.k == V_FUNCTION && fn.fp)
        note_call_site(k, fn.fp, a, bc_b(i));
    else if (fn.k == V_DECIDE && arg.k == V_STRING) {
        check_decision(k, arg.s);
        result = (val){V_DECISION, 0, NULL, NULL, NULL};
    } else if (fn.k == V_GLOBAL_FN && arg.k == V_MEMBERS)
        result = (val){V_MEMBER_ITER, 0, NULL, NULL, NULL};    /* ipairs(h.members), pairs(h.members) */
    for (int r = a; r < NREG; r++)                  /* the call's frame and temporaries */
        k->r[r] = (val){V_NONE, 0, NULL, NULL, NULL};
    if (c != 1)
        k->r[a] = result;
}

/* EQK / EQ: an enum field compared with a text it can never hold. */
static void compare(walk *k, val x, val y)
{
    if (x.k != V_ENUM) {
        val t = x;
        x = y;
        y = t;
    }
    if (x.k != V_ENUM || y.k != V_STRING)
        return;
    if (bf_enum_parse((bf_enum_kind)x.n, y.s) >= 0)
        return;
    char allowed[300];
    snprintf(allowed, sizeof allowed, "%s", bf_enum_allowed((bf_enum_kind)x.n));
    for (char *c = allowed; (c = strchr(c, '|'));)
        *c = '/';
    problem(k, _("the field %s is never \"%s\": its values are %s"), x.s, y.s, allowed);
}

/* ---- the walk ---- */

static const char *kstring(const bc_proto *f, int idx)
{
    return idx >= 0 && idx < f->n_k && f->k[idx].type == BC_K_STRING ? f->k[idx].s : NULL;
}

static val kval(const bc_proto *f, int idx)
{
    const char *s = kstring(f, idx);
    return s ? (val){V_STRING, 0, s, NULL, NULL} : (val){V_NONE, 0, NULL, NULL, NULL};
}

static void walk_function(world *w, const unit *u, const bc_proto *f, const val *up,
                          const val *args, bool is_main, bool *reads);

/* The values of a closure's upvalues, from the enclosing function's registers and upvalues. */
static void closure_upvalues(const walk *k, const bc_proto *child, val *out)
{
    for (int i = 0; i < child->n_up && i < NREG; i++) {
        const bc_upvalue *uv = &child->up[i];
        out[i] = uv->instack ? k->r[uv->idx] : (uv->idx < k->f->n_up ? k->up[uv->idx]
                                                                       : (val){V_NONE, 0, NULL, NULL, NULL});
    }
}

/* A nested function's parameters, by the names the scripts use: h, m, p, ctx. */
static void named_args(const bc_proto *f, val *args)
{
    for (int i = 0; i < f->numparams && i < NREG; i++) {
        const char *name = bf__bc_local_name(f, i, 0);
        args[i] = (val){V_NONE, 0, NULL, NULL, NULL};
        if (!name)
            continue;
        if (!strcmp(name, "h") || !strcmp(name, "household"))
            args[i] = (val){V_HOUSEHOLD, 0, NULL, NULL, NULL};
        else if (!strcmp(name, "m") || !strcmp(name, "member"))
            args[i] = (val){V_MEMBER, 0, NULL, NULL, NULL};
        else if (!strcmp(name, "p") || !strcmp(name, "params"))
            args[i] = (val){V_PARAMS, 0, NULL, NULL, NULL};
        else if (!strcmp(name, "ctx"))
            args[i] = (val){V_CTX, 0, NULL, NULL, NULL};
    }
}

/* evaluate's parameters by position: (h, p, ctx), or (m, h, p, ctx) for member scope. */
static void evaluate_args(const unit *u, val *args)
{
    int n = 0;
    if (u->member_scope)
        args[n++] = (val){V_MEMBER, 0, NULL, NULL, NULL};
    args[n++] = (val){V_HOUSEHOLD, 0, NULL, NULL, NULL};
    args[n++] = (val){V_PARAMS, 0, NULL, NULL, NULL};
    args[n++] = (val){V_CTX, 0, NULL, NULL, NULL};
}

static bool is_env(const walk *k, int upvalue)
{
    return upvalue < k->f->n_up && k->up[upvalue].k == V_ENV;
}

/* One instruction: checks what it reads and sets what it writes. */
static void step(walk *k, uint32_t i, const char **child_name)
{
    const bc_proto *f = k->f;
    int a = bc_a(i), b = bc_b(i), c = bc_c(i);
    val none = {V_NONE, 0, NULL, NULL, NULL};
    switch (bc_op_of(i)) {
    case BC_MOVE: k->r[a] = k->r[b]; break;
    case BC_LOADK: k->r[a] = kval(f, bc_bx(i)); break;
    case BC_GETUPVAL: k->r[a] = b < f->n_up ? k->up[b] : none; break;
    case BC_GETTABUP: {
        const char *key = kstring(f, c);
        k->r[a] = !key ? none : is_env(k, b) ? global(k, key)
                                              : field_of(k, b < f->n_up ? k->up[b] : none, key);
        break;
    }
    case BC_GETFIELD: {
        const char *key = kstring(f, c);
        k->r[a] = key ? field_of(k, k->r[b], key) : none;
        break;
    }
    case BC_GETTABLE: {
        val t = k->r[b], key = k->r[c];
        if (t.k == V_MEMBERS)
            k->r[a] = (val){V_MEMBER, 0, NULL, NULL, NULL};
        else if (t.k == V_PARAMS && key.k != V_STRING) {
            read_group(k, t.n);                      /* p.education[school]: any of the group */
            k->r[a] = none;
        } else
            k->r[a] = key.k == V_STRING ? field_of(k, t, key.s) : none;
        break;
    }
    case BC_GETI: k->r[a] = k->r[b].k == V_MEMBERS ? (val){V_MEMBER, 0, NULL, NULL, NULL} : none; break;
    case BC_SELF: {
        val t = k->r[b];
        const char *key = bc_k(i) ? kstring(f, c) : (k->r[c].k == V_STRING ? k->r[c].s : NULL);
        if (a + 1 < NREG)
            k->r[a + 1] = t;
        k->r[a] = key && t.k != V_STRING ? field_of(k, t, key) : none;
        break;
    }
    case BC_SETTABUP:
        if (is_env(k, a) && kstring(f, b))
            problem(k, _("assignment to global '%s': policy scripts cannot create globals; "
                         "declare it local"), kstring(f, b));
        break;
    case BC_SETFIELD:
        if (k->r[a].k == V_PARAMS)
            problem(k, _("assignment to field '%s' of a read-only parameter group"),
                    kstring(f, b) ? kstring(f, b) : "?");
        else if (k->r[a].k == V_HOUSEHOLD || k->r[a].k == V_MEMBER)
            problem(k, _("assignment to field '%s' of a read-only record"),
                    kstring(f, b) ? kstring(f, b) : "?");
        else if (kstring(f, b) && !bc_k(i) && k->r[c].k == V_FUNCTION && k->r[c].n < f->n_p)
            child_name[k->r[c].n] = kstring(f, b);  /* evaluate = function, M.name = function */
        break;
    case BC_EQK: compare(k, k->r[a], kval(f, b)); break;
    case BC_EQ: compare(k, k->r[a], k->r[b]); break;
    case BC_CALL: call(k, i); break;
    case BC_TAILCALL: call(k, i); break;
    case BC_TFORPREP:                                /* the loop variables, before the body */
        if (a + 5 < NREG) {
            k->r[a + 4] = none;
            k->r[a + 5] = k->r[a].k == V_MEMBER_ITER ? (val){V_MEMBER, 0, NULL, NULL, NULL} : none;
        }
        break;
    case BC_TFORCALL: case BC_TFORLOOP: case BC_FORLOOP: case BC_JMP: case BC_RETURN:
    case BC_RETURN0: case BC_RETURN1: case BC_SETTABLE: case BC_SETI: case BC_SETUPVAL:
    case BC_SETLIST: case BC_MMBIN: case BC_MMBINI: case BC_MMBINK: case BC_CLOSE: case BC_TBC:
    case BC_LT: case BC_LE: case BC_EQI: case BC_LTI: case BC_LEI: case BC_GTI: case BC_GEI:
    case BC_TEST: case BC_EXTRAARG: case BC_VARARGPREP:
        break;
    case BC_FORPREP:
        if (a + 3 < NREG)
            k->r[a + 3] = none;
        break;
    case BC_TESTSET: k->r[a] = k->r[b]; break;
    case BC_LOADNIL:
        for (int r = a; r <= a + b && r < NREG; r++)
            k->r[r] = none;
        break;
    case BC_CLOSURE:
        k->r[a] = (val){V_FUNCTION, bc_bx(i), NULL, NULL, bc_bx(i) < f->n_p ? &f->p[bc_bx(i)] : NULL};
        break;
    default: k->r[a] = none; break;                 /* arithmetic, tables, vararg: plain values */
    }
}

/* The reads of lib function fn of the module being walked (created on first use). */
static bool *lib_reads(world *w, const char *fn)
{
    lib_fn *grown = realloc(w->fns, sizeof *grown * (size_t)(w->n_fns + 1));
    if (!grown)
        return NULL;
    w->fns = grown;
    lib_fn *lf = &w->fns[w->n_fns];
    lf->module = strdup(w->module);
    lf->fn = strdup(fn);
    lf->reads = calloc((size_t)w->params->n + 1, sizeof *lf->reads);
    if (!lf->module || !lf->fn || !lf->reads) {
        free(lf->module);
        free(lf->fn);
        free(lf->reads);
        return NULL;
    }
    w->n_fns++;
    return lf->reads;
}

/* Walks f's instructions, then its nested functions with the upvalues they captured: evaluate
 * with its parameters by position, a lib module's functions each with reads of their own. */
static void walk_function(world *w, const unit *u, const bc_proto *f, const val *up,
                          const val *args, bool is_main, bool *reads)
{
    walk *k = calloc(1, sizeof *k);
    const char **child_name = calloc((size_t)f->n_p + 1, sizeof *child_name);
    val **child_up = calloc((size_t)f->n_p + 1, sizeof *child_up);
    if (!k || !child_name || !child_up) {
        free(k);
        free(child_name);
        free(child_up);
        return;
    }
    k->w = w;
    k->u = u;
    k->f = f;
    k->up = up;
    k->reads = reads;
    for (int i = 0; i < f->numparams && i < NREG; i++)
        k->r[i] = args[i];
    for (k->pc = 0; k->pc < f->n_code; k->pc++) {
        uint32_t i = f->code[k->pc];
        if (bc_op_of(i) == BC_CLOSURE && bc_bx(i) < f->n_p && !child_up[bc_bx(i)]) {
            const bc_proto *child = &f->p[bc_bx(i)];
            if ((child_up[bc_bx(i)] = calloc((size_t)child->n_up + 1, sizeof(val))))
                closure_upvalues(k, child, child_up[bc_bx(i)]);
        }
        step(k, i, child_name);
    }
    for (int p = 0; p < f->n_p; p++) {
        val cargs[NREG];
        bool evaluate = is_main && u->id && child_name[p] && !strcmp(child_name[p], "evaluate");
        if (evaluate)
            evaluate_args(u, cargs);
        else
            named_args(&f->p[p], cargs);
        for (int s = 0; !evaluate && s < w->n_sites; s++)
            if (w->sites[s].fp == &f->p[p])
                for (int r = 0; r < CALL_ARGS && r < f->p[p].numparams; r++)
                    if (w->sites[s].args[r].k != V_NONE)
                        cargs[r] = w->sites[s].args[r];
        bool *sink = reads;
        if (is_main && w->module && child_name[p])
            sink = lib_reads(w, child_name[p]);
        val empty[1] = {{V_NONE, 0, NULL, NULL, NULL}};
        walk_function(w, u, &f->p[p], child_up[p] ? child_up[p] : empty, cargs, false, sink);
        free(child_up[p]);
    }
    free(child_up);
    free(child_name);
    free(k);
}

/* ---- the files ---- */

/* Reads a policy's id, scope and requires by running its chunk's top level in a sandbox (no
 * evaluation); false when it does not load. */
static bool read_contract(bf_sandbox *sb, const char *display, const char *src, size_t len, unit *u)
{
    lua_State *L = bf__sandbox_state(sb);
    char chunk[4200];
    snprintf(chunk, sizeof chunk, "@%s", display);
    int rc = bf__sandbox_run_chunk(sb, src, len, chunk, NULL);   /* reported by the load */
    if (rc != BF_OK)
        return false;
    if (lua_type(L, -1) == LUA_TTABLE) {
        lua_getfield(L, -1, "scope");
        u->member_scope = lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "member") == 0;
        lua_pop(L, 1);
        lua_getfield(L, -1, "requires");
        int n = lua_type(L, -1) == LUA_TTABLE ? (int)lua_rawlen(L, -1) : 0;
        u->requires = calloc((size_t)n + 1, sizeof *u->requires);
        for (int i = 1; u->requires && i <= n; i++) {
            if (lua_rawgeti(L, -1, i) == LUA_TSTRING)
                u->requires[u->n_requires++] = strdup(lua_tostring(L, -1));
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        u->requires_known = u->requires != NULL;
    }
    lua_pop(L, 1);
    return true;
}

/* The line of a "file:line: message" problem of file display. */
static long problem_line(const char *msg, size_t prefix)
{
    return strtol(msg + prefix, NULL, 10);
}

static size_t sort_prefix;

static int compare_problems(const void *a, const void *b)
{
    long la = problem_line(*(char *const *)a, sort_prefix);
    long lb = problem_line(*(char *const *)b, sort_prefix);
    return la < lb ? -1 : la > lb;
}

/* Moves a file's problems into the world's list in line order, each distinct one once. */
static void flush_problems(world *w, bf_errors *mine, const char *display)
{
    sort_prefix = strlen(display) + 1;
    if (mine->count > 1)
        qsort(mine->msgs, (size_t)mine->count, sizeof *mine->msgs, compare_problems);
    for (int i = 0; i < mine->count; i++) {
        if (i && strcmp(mine->msgs[i], mine->msgs[i - 1]) == 0) {
            w->count--;
            continue;
        }
        bf_errors_add(w->problems, "%s", mine->msgs[i]);
    }
}

static void lint_file(world *w, bf_sandbox *sb, const char *display, const char *id, bool *reads)
{
    size_t len;
    char *src = bf_read_file(display, &len);
    if (!src)
        return;                                     /* lint's loading reports it */
    unit u = {display, id, false, NULL, 0, false};
    if (id)
        read_contract(sb, display, src, len, &u);
    bc_proto main;
    char chunk[4200];
    snprintf(chunk, sizeof chunk, "@%s", display);
    if (bf__bc_compile(src, len, chunk, &main, NULL) == BF_OK) {   /* loading reports errors */
        val env[1] = {{V_ENV, 0, NULL, NULL, NULL}};
        bf_errors mine, *all = w->problems;
        bf_errors_init(&mine, 1000);
        w->problems = &mine;
        /* a first pass finds what the file's own functions are called with */
        const char *module = w->module;
        int count = w->count;
        int n_fns = w->n_fns;
        w->module = NULL;
        walk_function(w, &u, &main, env, NULL, true, NULL);
        bf_errors_free(&mine);
        bf_errors_init(&mine, 1000);
        w->count = count;
        w->module = module;
        assert(w->n_fns == n_fns);
        walk_function(w, &u, &main, env, NULL, true, reads);
        free(w->sites);
        w->sites = NULL;
        w->n_sites = 0;
        w->problems = all;
        flush_problems(w, &mine, display);
        bf_errors_free(&mine);
        bf__bc_proto_free(&main);
    }                                               /* a syntax error: lint's loading reports it */
    for (int i = 0; i < u.n_requires; i++)
        free(u.requires[i]);
    free(u.requires);
    free(src);
}

static char *stem_of(const char *name)
{
    size_t n = strlen(name);
    return strndup(name, n > 4 ? n - 4 : n);
}

static void add_name(char ***list, int *n, const char *name)
{
    char **grown = realloc(*list, sizeof *grown * (size_t)(*n + 1));
    if (!grown)
        return;
    *list = grown;
    if ((grown[*n] = strdup(name)))
        (*n)++;
}

static void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Walks every lib module (recording what each function reads), then every policy script;
 * reads, when not NULL, receives per policy (file order) the parameters it reads. */
static int lint_all(const char *dir, const bf_params *params, const bf_lua_module *modules,
                    bf_errors *problems, bf_lint_reads *reads)
{
    world w = {.params = params, .problems = problems};
    char **files = NULL, **libs = NULL;
    int n_files = 0, n_libs = 0;
    bf_errors ignored;
    bf_errors_init(&ignored, 1);
    char lib_dir[4096];
    snprintf(lib_dir, sizeof lib_dir, "%s/lib", dir);
    bf__list_lua_files(dir, &files, &n_files, &ignored);   /* lint's loading reports problems */
    bf__list_lua_files(lib_dir, &libs, &n_libs, &ignored);
    bf_errors_free(&ignored);
    for (int i = 0; i < n_files; i++) {
        char *stem = stem_of(files[i]);
        add_name(&w.policies, &w.n_policies, stem ? stem : "");
        free(stem);
    }
    for (int i = 0; i < n_libs; i++) {
        char *stem = stem_of(libs[i]);
        if (stem)
            add_name(&w.modules, &w.n_modules, stem);
        free(stem);
    }
    for (int i = 0; modules && modules[i].name; i++)
        add_name(&w.modules, &w.n_modules, modules[i].name);
    add_name(&w.modules, &w.n_modules, "money");
    add_name(&w.modules, &w.n_modules, "decision_host");
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "%s/", lib_dir);
    bf_sandbox_config sc = {0, 0, lib_dir, prefix, modules, true, 0};
    bf_sandbox *sb = NULL;
    bf__sandbox_new(&sc, &sb, NULL);
    char path[8400];
    for (int i = 0; i < n_libs; i++) {
        snprintf(path, sizeof path, "%s/%s", lib_dir, libs[i]);
        char *stem = stem_of(libs[i]);
        w.module = stem;
        if (stem)
            lint_file(&w, sb, path, NULL, NULL);
        w.module = NULL;
        free(stem);
    }
    if (reads) {
        memset(reads, 0, sizeof *reads);
        reads->n_params = params->n;
        reads->read = calloc((size_t)w.n_policies * (size_t)params->n + 1, sizeof *reads->read);
        reads->policies = calloc((size_t)w.n_policies + 1, sizeof *reads->policies);
    }
    for (int i = 0; i < w.n_policies; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        bool *row = reads && reads->read ? reads->read + (size_t)i * (size_t)params->n : NULL;
        lint_file(&w, sb, path, sb ? w.policies[i] : NULL, row);
        if (reads && reads->policies && (reads->policies[reads->n] = strdup(w.policies[i])))
            reads->n++;
    }
    bf__sandbox_free(sb);
    for (int i = 0; i < w.n_fns; i++) {
        free(w.fns[i].module);
        free(w.fns[i].fn);
        free(w.fns[i].reads);
    }
    free(w.fns);
    free_names(files, n_files);
    free_names(libs, n_libs);
    free_names(w.policies, w.n_policies);
    free_names(w.modules, w.n_modules);
    return w.count;
}

int bf_lint_scripts(const char *dir, const bf_params *params, const bf_lua_module *modules,
                    bf_errors *problems)
{
    return lint_all(dir, params, modules, problems, NULL);
}

int bf_lint_param_reads(const char *dir, const bf_params *params, const bf_lua_module *modules,
                        bf_lint_reads *out)
{
    bf_errors ignored;
    bf_errors_init(&ignored, 0);
    lint_all(dir, params, modules, &ignored, out);
    bf_errors_free(&ignored);
    return out->read && out->policies ? BF_OK : BF_ENOMEM;
}

void bf_lint_reads_free(bf_lint_reads *r)
{
    free_names(r->policies, r->n);
    free(r->read);
    memset(r, 0, sizeof *r);
}
