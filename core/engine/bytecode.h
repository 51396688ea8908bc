/* bytecode.h — Lua 5.4's compiled form of a script, read back: the chunk is compiled by Lua's
 * own parser (luaL_loadbuffer, nothing runs) and dumped (lua_dump), and the binary chunk is
 * decoded into its function prototypes with their instructions, constants, upvalues, locals
 * and the source line of every instruction. Coverage and lint's static checks read it. */
#ifndef BF_BYTECODE_H
#define BF_BYTECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "errors.h"

/* The opcodes of Lua 5.4 (lopcodes.h), in their order. */
typedef enum {
    BC_MOVE, BC_LOADI, BC_LOADF, BC_LOADK, BC_LOADKX, BC_LOADFALSE, BC_LFALSESKIP, BC_LOADTRUE,
    BC_LOADNIL, BC_GETUPVAL, BC_SETUPVAL, BC_GETTABUP, BC_GETTABLE, BC_GETI, BC_GETFIELD,
    BC_SETTABUP, BC_SETTABLE, BC_SETI, BC_SETFIELD, BC_NEWTABLE, BC_SELF, BC_ADDI, BC_ADDK,
    BC_SUBK, BC_MULK, BC_MODK, BC_POWK, BC_DIVK, BC_IDIVK, BC_BANDK, BC_BORK, BC_BXORK, BC_SHRI,
    BC_SHLI, BC_ADD, BC_SUB, BC_MUL, BC_MOD, BC_POW, BC_DIV, BC_IDIV, BC_BAND, BC_BOR, BC_BXOR,
    BC_SHL, BC_SHR, BC_MMBIN, BC_MMBINI, BC_MMBINK, BC_UNM, BC_BNOT, BC_NOT, BC_LEN, BC_CONCAT,
    BC_CLOSE, BC_TBC, BC_JMP, BC_EQ, BC_LT, BC_LE, BC_EQK, BC_EQI, BC_LTI, BC_LEI, BC_GTI,
    BC_GEI, BC_TEST, BC_TESTSET, BC_CALL, BC_TAILCALL, BC_RETURN, BC_RETURN0, BC_RETURN1,
    BC_FORLOOP, BC_FORPREP, BC_TFORPREP, BC_TFORCALL, BC_TFORLOOP, BC_SETLIST, BC_CLOSURE,
    BC_VARARG, BC_VARARGPREP, BC_EXTRAARG, BC__COUNT
} bc_op;

/* Fields of an instruction (lopcodes.h: op 7 bits, A 8, k 1, B 8, C 8; Bx 17, sJ 25). */
static inline int bc_op_of(uint32_t i) { return (int)(i & 0x7f); }
static inline int bc_a(uint32_t i) { return (int)((i >> 7) & 0xff); }
static inline int bc_k(uint32_t i) { return (int)((i >> 15) & 1); }
static inline int bc_b(uint32_t i) { return (int)((i >> 16) & 0xff); }
static inline int bc_c(uint32_t i) { return (int)((i >> 24) & 0xff); }
static inline int bc_bx(uint32_t i) { return (int)(i >> 15); }
static inline int bc_sbx(uint32_t i) { return (int)(i >> 15) - 0xffff; }
static inline int bc_sj(uint32_t i) { return (int)(i >> 7) - 0xffffff; }
static inline int bc_sc(uint32_t i) { return bc_c(i) - 0x7f; }
static inline int bc_sb(uint32_t i) { return bc_b(i) - 0x7f; }

typedef enum { BC_K_NIL, BC_K_FALSE, BC_K_TRUE, BC_K_INT, BC_K_FLOAT, BC_K_STRING } bc_ktype;

typedef struct bc_constant {
    bc_ktype type;
    long long i;
    double n;
    char *s;               /* BC_K_STRING: NUL-terminated copy (may hold NULs: len) */
    size_t len;
} bc_constant;

typedef struct bc_upvalue {
    bool instack;          /* the enclosing function's register idx, else its upvalue idx */
    int idx;
    char *name;            /* may be NULL */
} bc_upvalue;

typedef struct bc_local {
    char *name;
    int startpc, endpc;    /* active for startpc <= pc < endpc */
} bc_local;

typedef struct bc_proto {
    int linedefined, lastlinedefined;   /* 0 for the main chunk */
    int numparams;
    bool is_vararg;
    int n_code;
    uint32_t *code;
    int *line;             /* per instruction, its source line */
    int n_k;
    bc_constant *k;
    int n_up;
    bc_upvalue *up;
    int n_p;
    struct bc_proto *p;    /* nested functions, in the order of their CLOSURE Bx */
    int n_loc;
    bc_local *loc;
} bc_proto;

/* Compiles src (chunkname "@file.lua" for messages) with Lua's own parser, without running it,
 * and decodes the result into *out. BF_OK; BF_ESCRIPT with Lua's syntax error in errs; BF_EINPUT
 * when the dumped form is not the 5.4 format this decoder reads. */
int bf__bc_compile(const char *src, size_t len, const char *chunkname, bc_proto *out,
               bf_errors *errs);
/* Decodes the Lua function on top of L's stack (left there) into *out, as bf__bc_compile does;
 * chunkname names the file in messages. */
int bf__bc_decode_top(lua_State *L, const char *chunkname, bc_proto *out, bf_errors *errs);
/* Frees what bc_compile allocated in p (and its nested functions). */
void bf__bc_proto_free(bc_proto *p);
/* The name of the local in register reg at instruction pc, or NULL. */
const char *bf__bc_local_name(const bc_proto *p, int reg, int pc);

#endif
