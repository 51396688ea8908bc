/* errors.c — the bounded error list and bf_strerror. */
#include "errors.h"
#include "bangfu.h"
#include "buf.h"
#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In the user's language: it is shown to people, after "nothing imported" and the like. */
const char *bf_strerror(int code)
{
    switch (code) {
    case BF_OK: return _("success");
    case BF_EINPUT: return _("invalid input");
    case BF_ESCRIPT: return _("policy script error");
    case BF_ESTORE: return _("database error");
    case BF_ENOMEM: return _("out of memory");
    case BF_EIO: return _("input/output error");
    case BF_ENOTFOUND: return _("not found");
    case BF_EVERSION: return _("version mismatch");
    case BF_EINTERRUPTED: return _("interrupted");
    case BF_ELIMIT: return _("limit exceeded");
    case BF_EUSAGE: return _("usage error");
    case BF_ECHANGED: return _("the households changed while being read");
    default: return _("unknown error");
    }
}

void bf_errors_init(bf_errors *e, int max)
{
    e->msgs = NULL;
    e->count = 0;
    e->max = max;
    e->dropped = 0;
}

static void add_v(bf_errors *e, const char *fmt, va_list args)
{
    if (!e)
        return;
    if (e->count >= e->max) {
        e->dropped++;
        return;
    }
    va_list ap;
    va_copy(ap, args);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = len >= 0 ? malloc((size_t)len + 1) : NULL;
    char **grown = msg ? realloc(e->msgs, sizeof *e->msgs * (size_t)(e->count + 1)) : NULL;
    if (!grown) {               /* out of memory: still count it */
        free(msg);
        e->dropped++;
        return;
    }
    e->msgs = grown;
    va_copy(ap, args);
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    va_end(ap);
    /* an id or a script's text may carry terminal escapes: every message is shown visible */
    bf_buf shown = {0};
    bf_buf_visible(&shown, msg, (size_t)len);
    if (!shown.oom && shown.len != (size_t)len) {
        free(msg);
        msg = strdup(bf_buf_str(&shown));
    }
    bf_buf_free(&shown);
    if (!msg) {
        e->dropped++;
        return;
    }
    e->msgs[e->count++] = msg;
}

void bf_errors_add(bf_errors *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_v(e, fmt, ap);
    va_end(ap);
}

int bf_errors_fail(bf_errors *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_v(e, fmt, ap);
    va_end(ap);
    return code;
}

bool bf_errors_full(const bf_errors *e)
{
    return e->count >= e->max;
}

int bf_errors_total(const bf_errors *e)
{
    return e->count + e->dropped;
}

const char *bf_errors_first(const bf_errors *e)
{
    return e->count > 0 ? e->msgs[0] : "";
}

void bf_errors_free(bf_errors *e)
{
    for (int i = 0; i < e->count; i++)
        free(e->msgs[i]);
    free(e->msgs);
    bf_errors_init(e, e->max);
}
