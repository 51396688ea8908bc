/* bytecode.c — decodes Lua 5.4's binary chunk format (ldump.c / lundump.c of Lua 5.4.0–5.4.6):
 * header, then each function: source, lines, sizes, code, constants, upvalues, nested
 * functions, debug information (line deltas, absolute lines, locals, upvalue names). */
#include "bytecode.h"
#include "bangfu.h"
#include "i18n.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What lua_dump writes, gathered in one buffer. */
typedef struct dump_buf {
    unsigned char *data;
    size_t len, cap;
} dump_buf;

static int collect(lua_State *L, const void *p, size_t sz, void *ud)
{
    (void)L;
    dump_buf *b = ud;
    if (b->len + sz > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + sz)
            cap *= 2;
        unsigned char *grown = realloc(b->data, cap);
        if (!grown)
            return 1;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, sz);
    b->len += sz;
    return 0;
}

/* A reading position in the dump; `bad` once anything was out of bounds or absurd. */
typedef struct reader {
    const unsigned char *p, *end;
    bool bad;
} reader;

static int read_byte(reader *r)
{
    if (r->p >= r->end) {
        r->bad = true;
        return 0;
    }
    return *r->p++;
}

/* A size: 7 bits per byte, most significant first, the last byte marked by 0x80 (dumpSize). */
static size_t read_size(reader *r)
{
    size_t x = 0;
    for (int n = 0; n < 10; n++) {
        int b = read_byte(r);
        x = (x << 7) | (size_t)(b & 0x7f);
        if (b & 0x80)
            return x;
    }
    r->bad = true;
    return 0;
}

/* A count of items that must each take at least one byte: guards the allocations. */
static int read_count(reader *r)
{
    size_t n = read_size(r);
    if (n > (size_t)(r->end - r->p) || n > 100000000) {
        r->bad = true;
        return 0;
    }
    return (int)n;
}

static void read_raw(reader *r, void *out, size_t n)
{
    if ((size_t)(r->end - r->p) < n) {
        r->bad = true;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p, n);
    r->p += n;
}

/* A string: size + 1 (0 for none), then its bytes; *len receives its length. */
static char *read_string(reader *r, size_t *len)
{
    size_t size = read_size(r);
    if (len)
        *len = 0;
    if (size == 0 || r->bad)
        return NULL;
    size--;
    if ((size_t)(r->end - r->p) < size) {
        r->bad = true;
        return NULL;
    }
    char *s = malloc(size + 1);
    if (!s) {
        r->bad = true;
        return NULL;
    }
    memcpy(s, r->p, size);
    s[size] = '\0';
    r->p += size;
    if (len)
        *len = size;
    return s;
}

static void read_function(reader *r, bc_proto *f, int depth);

static void read_constants(reader *r, bc_proto *f)
{
    f->n_k = read_count(r);
    f->k = calloc((size_t)f->n_k + 1, sizeof *f->k);
    if (!f->k) {
        r->bad = true;
        f->n_k = 0;
        return;
    }
    for (int i = 0; i < f->n_k && !r->bad; i++) {
        bc_constant *k = &f->k[i];
        int tag = read_byte(r);
        switch (tag) {                   /* makevariant(type, variant) of lobject.h */
        case 0x00: k->type = BC_K_NIL; break;
        case 0x01: k->type = BC_K_FALSE; break;
        case 0x11: k->type = BC_K_TRUE; break;
        case 0x03: k->type = BC_K_INT; read_raw(r, &k->i, sizeof k->i); break;
        case 0x13: k->type = BC_K_FLOAT; read_raw(r, &k->n, sizeof k->n); break;
        case 0x04: case 0x14:
            k->type = BC_K_STRING;
            k->s = read_string(r, &k->len);
            if (!k->s)
                k->s = strdup("");
            break;
        default: r->bad = true;
        }
    }
}

/* Fills f->line from the line deltas and the absolute lines (ldebug.c, nextline). */
static void compute_lines(reader *r, bc_proto *f, const signed char *delta, int n_delta,
                          const int (*abs)[2], int n_abs)
{
    f->line = calloc((size_t)f->n_code + 1, sizeof *f->line);
    if (!f->line) {
        r->bad = true;
        return;
    }
    if (n_delta != f->n_code) {          /* stripped: no lines */
        for (int pc = 0; pc < f->n_code; pc++)
            f->line[pc] = -1;
        return;
    }
    int line = f->linedefined;
    for (int pc = 0; pc < f->n_code; pc++) {
        if (delta[pc] != -0x80)
            line += delta[pc];
        else {
            for (int a = 0; a < n_abs; a++)
                if (abs[a][0] == pc)
                    line = abs[a][1];
        }
        f->line[pc] = line;
    }
}

static void read_debug(reader *r, bc_proto *f)
{
    int n_delta = read_count(r);
    signed char *delta = malloc((size_t)n_delta + 1);
    if (delta)
        read_raw(r, delta, (size_t)n_delta);
    int n_abs = read_count(r);
    int (*abs)[2] = calloc((size_t)n_abs + 1, sizeof *abs);
    for (int i = 0; abs && i < n_abs && !r->bad; i++) {
        abs[i][0] = (int)read_size(r);
        abs[i][1] = (int)read_size(r);
    }
    if (!delta || !abs)
        r->bad = true;
    else
        compute_lines(r, f, delta, n_delta, (const int (*)[2])abs, n_abs);
    free(delta);
    free(abs);
    f->n_loc = read_count(r);
    f->loc = calloc((size_t)f->n_loc + 1, sizeof *f->loc);
    if (!f->loc) {
        r->bad = true;
        f->n_loc = 0;
    }
    for (int i = 0; i < f->n_loc && !r->bad; i++) {
        f->loc[i].name = read_string(r, NULL);
        f->loc[i].startpc = (int)read_size(r);
        f->loc[i].endpc = (int)read_size(r);
    }
    int n_names = read_count(r);
    for (int i = 0; i < n_names && !r->bad; i++) {
        char *name = read_string(r, NULL);
        if (i < f->n_up)
            f->up[i].name = name;
        else
            free(name);
    }
}

static void read_function(reader *r, bc_proto *f, int depth)
{
    if (depth > 200) {
        r->bad = true;
        return;
    }
    free(read_string(r, NULL));          /* source: the chunk name we gave */
    f->linedefined = (int)read_size(r);
    f->lastlinedefined = (int)read_size(r);
    f->numparams = read_byte(r);
    f->is_vararg = read_byte(r) != 0;
    read_byte(r);                        /* maxstacksize */
    f->n_code = read_count(r);
    f->code = calloc((size_t)f->n_code + 1, sizeof *f->code);
    if (!f->code) {
        r->bad = true;
        f->n_code = 0;
        return;
    }
    read_raw(r, f->code, (size_t)f->n_code * sizeof *f->code);
    read_constants(r, f);
    f->n_up = read_count(r);
    f->up = calloc((size_t)f->n_up + 1, sizeof *f->up);
    if (!f->up) {
        r->bad = true;
        f->n_up = 0;
    }
    for (int i = 0; i < f->n_up && !r->bad; i++) {
        f->up[i].instack = read_byte(r) != 0;
        f->up[i].idx = read_byte(r);
        read_byte(r);                    /* kind */
    }
    f->n_p = read_count(r);
    f->p = calloc((size_t)f->n_p + 1, sizeof *f->p);
    if (!f->p) {
        r->bad = true;
        f->n_p = 0;
    }
    for (int i = 0; i < f->n_p && !r->bad; i++)
        read_function(r, &f->p[i], depth + 1);
    if (!r->bad)
        read_debug(r, f);
}

/* The header of lundump.c checkHeader: signature, version 5.4, format 0, the conversion
 * data, and this machine's sizes of Instruction, lua_Integer and lua_Number. */
static bool read_header(reader *r)
{
    static const unsigned char head[] = {0x1b, 'L', 'u', 'a', 0x54, 0,
                                         0x19, 0x93, '\r', '\n', 0x1a, '\n', 4, 8, 8};
    unsigned char got[sizeof head];
    read_raw(r, got, sizeof got);
    if (r->bad || memcmp(got, head, sizeof head) != 0)
        return false;
    long long i;
    double n;
    read_raw(r, &i, sizeof i);
    read_raw(r, &n, sizeof n);
    read_byte(r);                        /* upvalues of the main function */
    return !r->bad && i == 0x5678 && n == 370.5;
}

int bf__bc_decode_top(lua_State *L, const char *chunkname, bc_proto *out, bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    const char *file = chunkname[0] == '@' ? chunkname + 1 : chunkname;
    dump_buf b = {0};
    if (lua_dump(L, collect, &b, 0) != 0) {
        free(b.data);
        bf_errors_add(errs, "%s", _("out of memory"));
        return BF_ENOMEM;
    }
    int rc = BF_OK;
    reader r = {b.data, b.data + b.len, false};
    if (!read_header(&r)) {
        bf_errors_add(errs, _("%s: the compiled form is not Lua 5.4's binary chunk format"), file);
        rc = BF_EINPUT;
    } else {
        read_function(&r, out, 0);
        if (r.bad) {
            bf_errors_add(errs, _("%s: cannot decode the compiled form"), file);
            bf__bc_proto_free(out);
            rc = BF_EINPUT;
        }
    }
    free(b.data);
    return rc;
}

int bf__bc_compile(const char *src, size_t len, const char *chunkname, bc_proto *out,
                   bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    lua_State *L = luaL_newstate();
    if (!L) {
        bf_errors_add(errs, "%s", _("out of memory"));
        return BF_ENOMEM;
    }
    int rc;
    if (luaL_loadbufferx(L, src, len, chunkname, "t") != LUA_OK) {
        bf_errors_add(errs, "%s", lua_tostring(L, -1));
        rc = BF_ESCRIPT;
    } else {
        rc = bf__bc_decode_top(L, chunkname, out, errs);
    }
    lua_close(L);
    return rc;
}

void bf__bc_proto_free(bc_proto *f)
{
    if (!f)
        return;
    free(f->code);
    free(f->line);
    for (int i = 0; f->k && i < f->n_k; i++)
        free(f->k[i].s);
    free(f->k);
    for (int i = 0; f->up && i < f->n_up; i++)
        free(f->up[i].name);
    free(f->up);
    for (int i = 0; f->p && i < f->n_p; i++)
        bf__bc_proto_free(&f->p[i]);
    free(f->p);
    for (int i = 0; f->loc && i < f->n_loc; i++)
        free(f->loc[i].name);
    free(f->loc);
    memset(f, 0, sizeof *f);
}

/* lfunc.c luaF_getlocalname: the n-th local active at pc lives in register n - 1. */
const char *bf__bc_local_name(const bc_proto *f, int reg, int pc)
{
    int n = reg + 1;
    for (int i = 0; i < f->n_loc && f->loc[i].startpc <= pc; i++) {
        if (pc < f->loc[i].endpc) {
            n--;
            if (n == 0)
                return f->loc[i].name;
        }
    }
    return NULL;
}
