/* coverage.c — executable lines from the compiled script, executed lines from the line hook. */
#include "coverage.h"
#include "bangfu.h"
#include "bytecode.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cov_file {
    char *display;
    char *source;            /* "@" + display: what lua_getinfo reports */
    int n_lines;             /* lines 1..n_lines */
    bool *executable, *executed;
} cov_file;

struct bf_coverage {
    cov_file *files;
    int n;
    const char *last_source; /* the last source seen by the hook, and its file (-1: not ours) */
    int last_file;
};

bf_coverage *bf_coverage_new(void)
{
    bf_coverage *c = calloc(1, sizeof *c);
    if (c)
        c->last_file = -1;
    return c;
}

void bf_coverage_free(bf_coverage *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++) {
        free(c->files[i].display);
        free(c->files[i].source);
        free(c->files[i].executable);
        free(c->files[i].executed);
    }
    free(c->files);
    free(c);
}

static int highest_line(const bc_proto *f)
{
    int max = f->lastlinedefined;
    for (int pc = 0; pc < f->n_code; pc++)
        if (f->line[pc] > max)
            max = f->line[pc];
    for (int i = 0; i < f->n_p; i++) {
        int m = highest_line(&f->p[i]);
        if (m > max)
            max = m;
    }
    return max;
}

/* Marks the lines of f's instructions (and of its nested functions) executable. Not counted:
 * a vararg function's VARARGPREP (the hook never reports it) and a function's final return at
 * its `end`, which no case reaches when every path returns before it. */
static void mark_executable(const bc_proto *f, bool *executable, int n_lines)
{
    int last = f->n_code - 1;
    bool final_return = f->linedefined > 0 && last >= 0 &&
                        (bc_op_of(f->code[last]) == BC_RETURN0 || bc_op_of(f->code[last]) == BC_RETURN);
    for (int pc = 0; pc < f->n_code; pc++) {
        if (pc == 0 && f->is_vararg && bc_op_of(f->code[0]) == BC_VARARGPREP)
            continue;
        if (pc == last && final_return)
            continue;
        int line = f->line[pc];
        if (line >= 1 && line <= n_lines)
            executable[line] = true;
    }
    for (int i = 0; i < f->n_p; i++)
        mark_executable(&f->p[i], executable, n_lines);
}

int bf__coverage_add_script(bf_coverage *c, const char *display, const char *src, size_t len,
                            bf_errors *errs)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->files[i].display, display) == 0)
            return BF_OK;
    size_t slen = strlen(display) + 2;
    char *source = malloc(slen);
    if (!source)
        return BF_ENOMEM;
    snprintf(source, slen, "@%s", display);
    bc_proto main;
    int rc = bf__bc_compile(src, len, source, &main, errs);
    if (rc != BF_OK) {
        free(source);
        return rc;
    }
    cov_file *grown = realloc(c->files, sizeof *grown * (size_t)(c->n + 1));
    if (grown)
        c->files = grown;                    /* the old block is gone either way */
    int n_lines = highest_line(&main);
    cov_file f = {strdup(display), source, n_lines, calloc((size_t)n_lines + 2, sizeof(bool)),
                  calloc((size_t)n_lines + 2, sizeof(bool))};
    if (!grown || !f.display || !f.executable || !f.executed) {
        free(f.display);
        free(f.source);
        free(f.executable);
        free(f.executed);
        bf__bc_proto_free(&main);
        bf_errors_add(errs, _("out of memory"));
        return BF_ENOMEM;
    }
    mark_executable(&main, f.executable, n_lines);
    bf__bc_proto_free(&main);
    c->files[c->n++] = f;
    c->last_source = NULL;
    return BF_OK;
}

void bf__coverage_observe(void *ud, lua_State *L, lua_Debug *ar)
{
    bf_coverage *c = ud;
    if (ar->event != LUA_HOOKLINE || !lua_getinfo(L, "S", ar))
        return;
    if (ar->source != c->last_source) {      /* the same chunk keeps the same string */
        c->last_source = ar->source;
        c->last_file = -1;
        for (int i = 0; i < c->n; i++)
            if (strcmp(ar->source, c->files[i].source) == 0)
                c->last_file = i;
    }
    if (c->last_file < 0)
        return;
    cov_file *f = &c->files[c->last_file];
    if (ar->currentline >= 1 && ar->currentline <= f->n_lines)
        f->executed[ar->currentline] = true;
}

int bf_coverage_count(const bf_coverage *c)
{
    return c->n;
}

void bf_coverage_file_at(const bf_coverage *c, int i, bf_coverage_file *out)
{
    const cov_file *f = &c->files[i];
    out->display = f->display;
    out->executable = out->executed = out->unexpected = 0;
    for (int line = 1; line <= f->n_lines; line++) {
        out->executable += f->executable[line];
        out->executed += f->executable[line] && f->executed[line];
        out->unexpected += !f->executable[line] && f->executed[line];
    }
    out->percent = out->executable ? 100.0 * out->executed / out->executable : 100.0;
}

int bf_coverage_missed(const bf_coverage *c, int i, int **ranges)
{
    const cov_file *f = &c->files[i];
    int n = 0, cap = 8;
    int *r = malloc(sizeof *r * (size_t)cap * 2);
    if (!r)
        return -1;
    /* a range runs over missed lines and the lines between them that hold no instruction */
    for (int line = 1; line <= f->n_lines; line++) {
        if (!f->executable[line] || f->executed[line])
            continue;
        if (n > 0 && r[2 * n - 1] < line) {
            bool only_gap = true;
            for (int g = r[2 * n - 1] + 1; g < line; g++)
                only_gap &= !f->executable[g];
            if (only_gap) {
                r[2 * n - 1] = line;
                continue;
            }
        }
        if (n == cap) {
            cap *= 2;
            int *grown = realloc(r, sizeof *r * (size_t)cap * 2);
            if (!grown) {
                free(r);
                return -1;
            }
            r = grown;
        }
        r[2 * n] = r[2 * n + 1] = line;
        n++;
    }
    *ranges = r;
    return n;
}
