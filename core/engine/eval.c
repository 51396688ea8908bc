/* eval.c — evaluating one household: every selected policy in order inside one protected call,
 * over a frame of stack slots pushed at each entry into the household loop; and simulate's pair
 * evaluation, which re-evaluates under the scenario only what a changed parameter or decision can
 * change and reuses the baseline's decisions for the rest. */
#include "internal.h"
#include "decision_lib.h"
#include "i18n.h"
#include "bangfu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    /* the household loop (household_loop): the next decision unit, what the result held after
     * the last unit taken, and why the loop returned */
    int next_k, next_member;
    int mark_n, mark_errors;
    size_t mark_text;
    int stop;                   /* LOOP_* */
    int stop_d;                 /* LOOP_REASONS: index of the decision in res */
    int depth;                  /* the stack levels of the C function that calls evaluate */
} eval_job;

/* The evaluation frame: what every evaluation of one household under one parameter set needs,
 * pushed once per entry into the household loop (and once per household for what is evaluated
 * unit by unit) so that each evaluation copies stack slots instead of reading the registry;
 * FRAME_DKEYS holds the DK__N interned names of a decision's fields, which the intake reads. */
enum { FRAME_KEYS, FRAME_MEMBERS, FRAME_H, FRAME_SLOTS, FRAME_DKEYS,
       FRAME_POLICIES = FRAME_DKEYS + DK__N };
enum { FRAME_FN, FRAME_P, FRAME_CTX, FRAME_PER_POLICY };

/* The stack slots of a frame. */
static int frame_size(const bf_engine *e)
{
    return FRAME_POLICIES + FRAME_PER_POLICY * e->n_pol;
}

/* Stack index of policy k's entries (FRAME_FN, FRAME_P, FRAME_CTX) in the frame at f. */
static int frame_policy(const bf_engine *e, int f, int k)
{
    assert(k >= 0 && k < e->n_pol);
    return f + FRAME_POLICIES + FRAME_PER_POLICY * k;
}

/* Pushes the frame of set for every policy (stack: +frame_size); returns its index. */
static int push_frame(lua_State *L, worker *w, int set)
{
    bf_engine *e = w->e;
    assert(set >= 0 && set < e->cfg.n_sets);
    if (!lua_checkstack(L, frame_size(e) + LUA_MINSTACK))
        luaL_error(L, _("out of stack space"));
    int frame = lua_gettop(L) + 1;
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->keys_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->pool_p_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->hp_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->slots_ref[set]);
    for (int i = 0; i < DK__N; i++)
        lua_rawgeti(L, frame + FRAME_KEYS, K_ELIGIBLE + i);
    for (int k = 0; k < e->n_pol; k++) {
        int ci = set * e->n_pol + k;
        lua_rawgeti(L, LUA_REGISTRYINDEX, w->eval_ref[k]);
        lua_rawgeti(L, LUA_REGISTRYINDEX, w->proot_ref[ci]);
        lua_rawgeti(L, LUA_REGISTRYINDEX, w->ctx_ref[ci]);
    }
    assert(lua_gettop(L) == frame + frame_size(e) - 1);
    for (int k = 0; k < e->n_pol; k++)               /* each policy's entries where eval_one looks */
        assert(lua_type(L, frame_policy(e, frame, k) + FRAME_FN) == LUA_TFUNCTION);
    return frame;
}

/* The decision library may hand the evaluation of policy k for member that is about to be called
 * (by a C function at job->depth stack levels) the slot's reused table (decision_lib.c). */
static void arm_handout(const eval_job *job, int k, int member)
{
    bf_decision_handout *h = job->w->handout;
    if (!h)
        return;
    const bf_engine *e = job->w->e;
    h->depth = job->depth + 2;
    h->key = job->set * e->n_pol * SLOTS_PER_POLICY + bf__slot(e, k, member) + 1;
    h->table = NULL;
}

/* No decision library call gets a reused table until the next arm_handout. */
static void disarm_handout(worker *w)
{
    if (w->handout)
        w->handout->depth = 0;
}

/* Pushes policy k's evaluate and its arguments for member (-1: the household); returns nargs.
 * The worker notes that k is evaluated (its reads are k's), and the evaluation may take the
 * slot's reused decision table. */
static int push_call(lua_State *L, const eval_job *job, int k, int member)
{
    bf_engine *e = job->w->e;
    job->w->evaluating = k;
    arm_handout(job, k, member);
    int f = job->frame, fk = frame_policy(e, f, k);
    lua_pushvalue(L, fk + FRAME_FN);
    int nargs = 3;
    if (member >= 0) {
        lua_rawgeti(L, f + FRAME_MEMBERS, member + 1);   /* fn, m */
        nargs = 4;
    }
    lua_pushvalue(L, f + FRAME_H);
    lua_pushvalue(L, fk + FRAME_P);
    lua_pushvalue(L, fk + FRAME_CTX);                    /* fn, [m,] h, p, ctx */
    return nargs;
}

/* The last line of the script that a call executed: after a return, the line of the return
 * (or of the tail call) that built the decision. */
typedef struct return_probe {
    const char *source;         /* "@policies/dibao.lua" */
    int line;
} return_probe;

static void probe_line(void *ud, lua_State *L, lua_Debug *ar)
{
    return_probe *rp = ud;
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0 && strcmp(ar->source, rp->source) == 0)
        rp->line = ar->currentline;
}

/* Evaluates policy k again, watching its lines, to find the line of the return that built a
 * malformed decision (the error path only: normal evaluations are not watched). The evaluation
 * is deterministic, so it returns the same table. Falls back to the evaluate line. */
static int return_line(lua_State *L, eval_job *job, int k, int member)
{
    worker *w = job->w;
    const bf_policy *p = &w->e->pol[k];
    char source[4200];
    snprintf(source, sizeof source, "@%s", p->display);
    return_probe rp = {source, -1};
    bf__sandbox_set_trace(w->sb, NULL);
    bf__sandbox_observe_lines(w->sb, probe_line, &rp);
    job->depth = bf__stack_depth(L);
    int nargs = push_call(L, job, k, member);
    if (bf__sandbox_call(w->sb, nargs, 1, NULL) == BF_OK)
        lua_pop(L, 1);
    else
        rp.line = -1;
    disarm_handout(w);
    bf__sandbox_observe_lines(w->sb, NULL, NULL);
    return rp.line > 0 ? rp.line : p->eval_line;
}

/* The decision's reasons function (the decision table on top), called in a protected call under
 * the budget, time limit and memory cap; its list is checked as a list given directly, and kept
 * unless nothing is kept (BF_TEXT_NONE). False with the message, naming script and line, in
 * w->err: an error inside it is reported as an error in evaluate is; a list that is not one
 * names the line where the function was written.
 *
 * Parameters and ctx.date read inside it are tallied as evaluate's are (w->read, the run's
 * per-household reads, date_read): only decisions whose reasons are kept call it, and a re-run
 * that takes a stored decision over must know what its stored reasons read. Simulate does not
 * need them — reasons never change eligible, amount or tier —; a function that is not called
 * reads nothing, and nothing of it is kept that could go stale. explain (check, BF_TEXT_ALL)
 * calls it inside the evaluation's window, so its reads and prints are listed with evaluate's. */
static bool call_reasons(lua_State *L, eval_job *job, bf_decision *d)
{
    worker *w = job->w;
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->keys_ref);
    lua_rawgeti(L, -1, K_REASONS);
    lua_remove(L, -2);                                   /* decision, "reasons" */
    lua_rawget(L, -2);                                   /* decision, fn */
    lua_pushvalue(L, -1);                                /* decision, fn, fn */
    w->evaluating = d->policy;
    disarm_handout(w);
    bf_errors_free(&w->err);
    if (bf__sandbox_call_once(w->sb, 0, 1, &w->err) != BF_OK) {
        lua_pop(L, 1);
        return false;
    }
    bf_buf_clear(&w->why);                               /* decision, fn, list */
    bool ok = bf__take_reasons(L, lua_gettop(L), true, d->eligible, w->e->cfg.text != BF_TEXT_NONE,
                               job->res, d, &w->scratch, &w->why);
    if (!ok) {
        lua_Debug ar;
        lua_pushvalue(L, -2);
        lua_getinfo(L, ">S", &ar);
        const char *file = ar.source[0] == '@' ? ar.source + 1 : w->e->pol[d->policy].display;
        int line = ar.source[0] == '@' ? ar.linedefined : w->e->pol[d->policy].eval_line;
        bf_errors_add(&w->err, _("%s:%d: malformed decision: %s"), file, line, bf_buf_str(&w->why));
    }
    lua_pop(L, 2);                                       /* decision */
    return ok;
}

/* The read-only view of slot's decision (ctx.decision) no longer shows it: the slot is about to
 * hold another decision, to which the view is pointed when a script next asks for it. */
static void forget_view(worker *w, int set, int slot)
{
    w->viewed[set][slot] = false;
}

static void eval_one(lua_State *L, eval_job *job, int k, int member)
{
    worker *w = job->w;
    bf_engine *e = w->e;
    const bf_policy *p = &e->pol[k];
    int f = job->frame;
    int top = lua_gettop(L);
    assert(top >= f + frame_size(e) - 1 && member < job->h->n_members);
    job->depth = bf__stack_depth(L);
    int nargs = push_call(L, job, k, member);
    if (e->cfg.explain) {
        bf_buf_clear(&w->trace);
        bf_buf_clear(&w->params);
        w->params_count = 0;
        bf__sandbox_set_trace(w->sb, &w->trace);
    }
    bf_errors_free(&w->err);
    int rc = bf__sandbox_call(w->sb, nargs, 1, &w->err);
    disarm_handout(w);
    bf_decision *d = bf_result_add(job->res, k, member);
    if (!d)
        luaL_error(L, _("out of memory recording decisions"));
    int slot = bf__slot(e, k, member);
    bool ok = rc == BF_OK;
    if (ok) {
        bf_buf_clear(&w->why);
        bool deferred;
        ok = bf__take_decision(L, lua_gettop(L), f + FRAME_DKEYS, e->cfg.text, w->recorded[k],
                               w->handout, job->res, d, &w->scratch, &w->why, &deferred);
        if (ok && deferred && !call_reasons(L, job, d)) {
            lua_pop(L, 1);
            bf__fail_decision(job->res, d, p, bf_errors_first(&w->err));
            lua_pushboolean(L, 0);                       /* the slot holds false */
            ok = false;
        } else if (!ok) {
            lua_pop(L, 1);
            bf_errors_free(&w->err);
            bf_errors_add(&w->err, _("%s:%d: malformed decision: %s"), p->display,
                          return_line(L, job, k, member), bf_buf_str(&w->why));
            if (e->cfg.explain)
                bf__sandbox_set_trace(w->sb, &w->trace);
            bf__fail_decision(job->res, d, p, bf_errors_first(&w->err));
            lua_pushboolean(L, 0);                       /* the slot holds false */
        }
    } else {
        bf__fail_decision(job->res, d, p, bf_errors_first(&w->err));
        lua_pushboolean(L, 0);                           /* the slot holds false */
    }
    w->failed[job->set][slot] = !ok;
    lua_rawseti(L, f + FRAME_SLOTS, slot);               /* slots[slot] = decision */
    forget_view(w, job->set, slot);
    if (e->cfg.explain) {
        bf__sandbox_set_trace(w->sb, NULL);
        if (w->params_count)
            bf_buf_add(&w->params, "}", 1);
        d->params_read = bf_result_add_text(job->res, w->params_count ? w->params.data : "{}",
                                         w->params_count ? w->params.len : 2);
        d->trace = bf_result_add_text(job->res, bf_buf_str(&w->trace), w->trace.len);
    }
    assert(lua_gettop(L) == top);
}

/* ---- the household loop ---- */

/* The household loop: one protected call evaluates every decision unit of the household (each
 * policy, each member of a member-scope one) in turn, instead of one protected call per unit —
 * the protected call, the copies of the function and arguments kept for a re-run, the clock and
 * the watchdog's bookkeeping were most of what a trivial evaluation cost.
 *
 * It is a C function registered in the state, not a Lua chunk: the host must take each decision
 * (bf__take_decision) before the next unit runs, because a later policy reads it through
 * ctx.decision and must see it failed when it is malformed; from C the loop calls evaluate with
 * lua_call and checks the decision in place, with the same code as one evaluation alone, and a
 * script can neither see nor call the loop (nothing of it is in the globals).
 *
 * The loop stops, and the host takes over, when a unit's evaluation fails in any way (an error,
 * the instruction budget, the time limit, the memory cap, a decision that is malformed): that
 * unit is evaluated again alone (eval_one), which gives exactly the error decision one protected
 * call gives, and the loop goes on after it. It also returns after a decision whose deferred
 * reasons are kept: they are called alone (call_reasons, counted, never re-run) before the next
 * unit, as eval_one does. A watchdog abort makes the sandbox run the loop again counted, from the
 * unit that was running: bf__sandbox_next_evaluation then starts each unit's count and clock
 * anew. What a failed unit read before it failed (parameters, ctx.date) it reads again when
 * evaluated alone, in the same order: the reads recorded are the same. Explain and coverage,
 * which watch each evaluation, evaluate unit by unit. */
enum { LOOP_DONE, LOOP_REASONS, LOOP_FAILED };

/* Advances (k, member) to the next decision unit of household h (start with k = -1); k becomes
 * e->n_pol past the last. */
static void advance(const bf_engine *e, const bf_household *h, int *k, int *member)
{
    if (*k >= 0 && e->pol[*k].scope == BF_SCOPE_MEMBER && *member + 1 < h->n_members) {
        (*member)++;
        return;
    }
    for ((*k)++; *k < e->n_pol; (*k)++) {
        if (!e->evaluated[*k])
            continue;
        if (e->pol[*k].scope == BF_SCOPE_HOUSEHOLD) {
            *member = -1;
            return;
        }
        if (h->n_members > 0) {
            *member = 0;
            return;
        }
    }
}

/* Notes what the result holds after the last unit taken. */
static void mark_result(eval_job *job)
{
    job->mark_n = job->res->n;
    job->mark_errors = job->res->errors;
    job->mark_text = job->res->text.len;
}

/* Forgets what the result took since mark_result: of a unit whose evaluation failed. */
static void rollback_result(eval_job *job)
{
    bf_result *r = job->res;
    r->n = job->mark_n;
    r->errors = job->mark_errors;
    r->text.len = job->mark_text;
    if (r->text.data)
        r->text.data[r->text.len] = '\0';
}

/* The loop (argument 1: the job), called by bf__sandbox_call from job->next_k on. */
static int household_loop(lua_State *L)
{
    eval_job *job = lua_touserdata(L, 1);
    worker *w = job->w;
    bf_engine *e = w->e;
    rollback_result(job);                /* a counted re-run: what the aborted unit had taken */
    int f = job->frame = push_frame(L, w, job->set);
    int top = lua_gettop(L);
    job->depth = bf__stack_depth(L);
    while (job->next_k < e->n_pol) {
        int k = job->next_k, member = job->next_member;
        bf__sandbox_next_evaluation(w->sb);
        lua_call(L, push_call(L, job, k, member), 1);    /* decision */
        disarm_handout(w);
        int di = job->res->n;
        bf_decision *d = bf_result_add(job->res, k, member);
        if (!d)
            return luaL_error(L, _("out of memory recording decisions"));
        bool deferred;
        bf_buf_clear(&w->why);
        if (!bf__take_decision(L, top + 1, f + FRAME_DKEYS, e->cfg.text, w->recorded[k],
                               w->handout, job->res, d, &w->scratch, &w->why, &deferred)) {
            job->stop = LOOP_FAILED;     /* evaluated alone, which finds the line of the return */
            return 0;
        }
        int slot = bf__slot(e, k, member);
        w->failed[job->set][slot] = false;
        lua_rawseti(L, f + FRAME_SLOTS, slot);           /* slots[slot] = decision */
        forget_view(w, job->set, slot);
        advance(e, job->h, &job->next_k, &job->next_member);
        mark_result(job);
        if (deferred) {
            job->stop = LOOP_REASONS;
            job->stop_d = di;
            return 0;
        }
    }
    job->stop = LOOP_DONE;
    return 0;
}

/* Calls the kept deferred reasons of decision job->stop_d, which the loop left in its slot; a
 * failure makes it an error decision, as in eval_one. Needs no frame: the slots table comes
 * from the registry. */
static void finish_reasons(lua_State *L, eval_job *job)
{
    worker *w = job->w;
    bf_decision *d = &job->res->d[job->stop_d];
    int slot = bf__slot(w->e, d->policy, d->member);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->slots_ref[job->set]);
    lua_rawgeti(L, -1, slot);                            /* slots, decision */
    if (!call_reasons(L, job, d)) {
        bf__fail_decision(job->res, d, &w->e->pol[d->policy], bf_errors_first(&w->err));
        w->failed[job->set][slot] = true;
        lua_pushboolean(L, 0);
        lua_rawseti(L, -3, slot);                        /* the slot holds false */
    }
    lua_pop(L, 2);
    mark_result(job);
}

/* Every unit of the household through the loop, each failed unit alone. The loop pushes its own
 * frame at each entry; a unit evaluated alone needs one here, pushed when the first one fails
 * (stack: +frame_size then, else unchanged). */
static void evaluate_looped(lua_State *L, eval_job *job)
{
    worker *w = job->w;
    bf_engine *e = w->e;
    int frame = 0;                                       /* none yet */
    job->next_k = -1;
    advance(e, job->h, &job->next_k, &job->next_member);
    mark_result(job);
    while (job->next_k < e->n_pol) {
        lua_pushcfunction(L, household_loop);
        lua_pushlightuserdata(L, job);
        bf_errors_free(&w->err);
        int rc = bf__sandbox_call(w->sb, 1, 0, &w->err);
        disarm_handout(w);                               /* after an error inside the loop */
        job->frame = frame;
        if (rc == BF_OK && job->stop == LOOP_DONE)
            return;
        if (rc == BF_OK && job->stop == LOOP_REASONS) {
            finish_reasons(L, job);
            continue;
        }
        rollback_result(job);
        if (!frame)
            frame = job->frame = push_frame(L, w, job->set);
        eval_one(L, job, job->next_k, job->next_member);
        advance(e, job->h, &job->next_k, &job->next_member);
        mark_result(job);
    }
}

/* A pair evaluation's baseline notes anew what each policy reads of the decisions it requires
 * (worker.decision_reads), for the scenario pass of the same household. */
static void forget_decision_reads(lua_State *L, worker *w)
{
    size_t n = (size_t)w->e->n_pol * (size_t)w->e->n_pol;
    if (!w->decision_reads && !(w->decision_reads = malloc(n)))
        luaL_error(L, _("out of memory recording decisions"));
    memset(w->decision_reads, 0, n);
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
            return luaL_error(L, _("out of memory recording parameter reads"));
        r->n_reads = e->cfg.params->n;
        w->cur_reads = r->reads;
    }
    if (job->set == 0 && e->cfg.n_sets > 1)
        forget_decision_reads(L, w);
    bf__push_household(w, job->h);
    if (!e->cfg.explain && !e->cfg.coverage && !e->cfg.no_household_loop) {
        evaluate_looped(L, job);
    } else {
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
        assert(lua_gettop(L) == job->frame + frame_size(e) - 1);
    }
    return 0;
}

/* Runs fn (eval_household or eval_scenario) on job in one protected call. If it fails as a whole
 * (the memory cap while pushing the records), every decision unit becomes an error. */
static void run_protected(worker *w, lua_CFunction fn, eval_job *job)
{
    lua_State *L = w->L;
    int top = lua_gettop(L);
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, job);
    if (lua_pcall(L, 1, 0, 0) == LUA_OK) {
        assert(lua_gettop(L) == top);                /* nothing left behind between households */
        return;
    }
    char msg[512];
    snprintf(msg, sizeof msg, _("household could not be evaluated: %s"),
             lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : _("memory cap exceeded"));
    lua_pop(L, 1);
    assert(lua_gettop(L) == top);
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
                bf__fail_decision(job->res, d, &e->pol[k], msg);
        }
    }
}

void bf__evaluate_household(worker *w, const bf_household *h, int set, bf_result *res)
{
    bf_result_reset(res);
    eval_job job = {.w = w, .h = h, .set = set, .res = res};
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

/* What differs between two decisions of one unit, as the DECISION_READ_* a reader must have read
 * to see it; 0 for the same decision. A failure that comes or goes reaches whoever called
 * ctx.decision, and any difference whoever read anything else of it. */
static int decision_changes(const bf_result *a, const bf_decision *x, const bf_result *b,
                            const bf_decision *y)
{
    const char *ta = bf_result_text(a, x->tier), *tb = bf_result_text(b, y->tier);
    bool same_tier = (!ta && !tb) || (ta && tb && strcmp(ta, tb) == 0);
    int bits = (x->eligible != y->eligible ? DECISION_READ_ELIGIBLE : 0) |
               (x->amount != y->amount ? DECISION_READ_AMOUNT : 0) |
               (same_tier ? 0 : DECISION_READ_TIER);
    if (x->failed != y->failed)
        bits |= DECISION_READ_CALL | DECISION_READ_ELIGIBLE | DECISION_READ_AMOUNT | DECISION_READ_TIER;
    return bits ? bits | DECISION_READ_OTHER : 0;
}

/* Copies the baseline decisions of policy k, and its Lua decision slots, into the scenario. */
static void reuse_baseline(lua_State *L, eval_job *job, int k, int from, int to)
{
    worker *w = job->w;
    for (int i = from; i < to; i++) {
        const bf_decision *b = &job->base->d[i];
        bf_decision *d = bf_result_add(job->res, k, b->member);
        if (!d)
            luaL_error(L, _("out of memory recording decisions"));
        *d = *b;
        d->reasons = d->details = d->error = d->params_read = d->trace = -1;
        const char *tier = bf_result_text(job->base, b->tier);
        d->tier = tier ? bf_result_add_text(job->res, tier, strlen(tier)) : -1;
        if (b->failed) {
            const char *msg = bf_result_text(job->base, b->error);
            d->error = msg ? bf_result_add_text(job->res, msg, strlen(msg)) : -1;
            job->res->errors++;
        }
        int slot = bf__slot(w->e, k, b->member);
        w->failed[1][slot] = w->failed[0][slot];
        lua_rawgeti(L, LUA_REGISTRYINDEX, w->slots_ref[0]);
        lua_rawgeti(L, LUA_REGISTRYINDEX, w->slots_ref[1]);   /* s0, s1 */
        lua_rawgeti(L, -2, slot);
        lua_rawseti(L, -2, slot);                              /* s1[slot] = s0[slot] */
        forget_view(w, 1, slot);
        lua_pop(L, 2);                                         /* nothing */
    }
}

/* Copies stored baseline decisions of policy k into the scenario (nobody reads them from Lua). */
static void copy_baseline(lua_State *L, eval_job *job, int k, int from, int to)
{
    for (int i = from; i < to; i++) {
        const bf_decision *b = &job->base->d[i];
        bf_decision *d = bf_result_add(job->res, k, b->member);
        if (!d)
            luaL_error(L, _("out of memory recording decisions"));
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
    unsigned char changed_policy[256] = {0};         /* decision_changes of its units */
    bool done[256] = {false};
    assert(e->n_pol <= 256);                         /* bf_engine_start_pair refuses more */
    bool stored = job->stored_reads != NULL;
    if (stored) {
        w->h = job->h;
        bf__push_household(w, job->h);
        bf_result_reset(&w->support);
    }
    job->frame = push_frame(L, w, job->set);
    /* what each policy read of the decisions it requires is known from this household's own
     * baseline when that ran without an error (a time limit or the memory cap stops an evaluation
     * wherever it happens to be) */
    bool reads_known = !stored && w->decision_reads && job->base->errors == 0;
    int from = 0;
    for (int k = 0; k < e->n_pol; k++) {
        if (!e->evaluated[k])
            continue;
        from = first_of(job->base, k, from);
        int to = from;
        while (to < job->base->n && job->base->d[to].policy == k)
            to++;
        bool read_changed = stored ? job->stored_reads[k] : reads_changed(w, k, job->changed);
        bool again = read_changed;                   /* counted as evaluated again */
        bool needed = read_changed;                  /* evaluated again */
        for (int r = 0; r < e->pol[k].n_requires; r++) {
            int j = e->pol[k].requires[r];
            again = again || changed_policy[j];
            /* with its own baseline, only when a decision it requires changed in what it read of
             * it in this household's baseline: an evaluation is deterministic, so with the same
             * values read it decides as in the baseline */
            needed = needed || (reads_known ? changed_policy[j] & w->decision_reads[k * e->n_pol + j]
                                            : changed_policy[j]);
        }
        if (again && !needed)
            job->reevaluated[k]++;                   /* counted as before: the same decision */
        if (!needed) {
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
        /* one scenario decision per baseline decision, unit for unit (both in member order) */
        assert(job->res->n - first == to - from);
        for (int i = 0; i < to - from; i++)
            changed_policy[k] |= (unsigned char)decision_changes(job->base, &job->base->d[from + i],
                                                                 job->res, &job->res->d[first + i]);
        from = to;
    }
    return 0;
}

void bf__evaluate_pair(worker *w, const bf_household *h, const bool *changed,
                       const bool *stored_reads, bf_result *base, bf_result *scen,
                       int64_t *reevaluated)
{
    if (!stored_reads)
        bf__evaluate_household(w, h, 0, base);
    bf_result_reset(scen);
    eval_job job = {.w = w, .h = h, .set = 1, .res = scen, .base = base, .changed = changed,
                    .reevaluated = reevaluated, .stored_reads = stored_reads};
    run_protected(w, eval_scenario, &job);
}

