/* auth.c — users, logins and sessions of bangfu serve. A users file line is "user:role:hash"
 * with a yescrypt hash made by bangfu passwd (libxcrypt's crypt, as Debian hashes login
 * passwords). A failed login makes the next try of that user, and from that client, wait 1 s,
 * then 2, 4, … up to 60 s; an unknown user costs the same hashing as a known one. Sessions live
 * in memory: a restart logs everyone out. */
#include "auth.h"
#include "bangfu.h"
#include "i18n.h"
#include "progress.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_USERS 1024
#define MAX_SESSIONS 1024
#define MAX_FAILURES 256
#define MAX_WAIT 60

typedef struct user {
    char name[64], role[16];
    char *hash;
} user;

typedef struct session {
    char token[65];
    bf_session_view view;
    double last_seen;                /* bf_now() */
} session;

typedef struct failure {
    char key[128];                   /* "u:NAME" or "c:ADDRESS" */
    int count;
    double until;                    /* no try before this bf_now() */
} failure;

struct bf_auth {
    user *users;
    int n_users;
    pthread_mutex_t lock;            /* sessions and failures */
    session sessions[MAX_SESSIONS];
    failure failures[MAX_FAILURES];
    char dummy_hash[CRYPT_OUTPUT_SIZE];   /* checked for an unknown user */
};

bool bf__token_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char diff = la != lb;
    for (size_t i = 0; i < la && i < lb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0 && la > 0;
}

/* Parses one line "user:role:hash" into u; false when it is malformed. */
static bool parse_user(char *line, user *u)
{
    char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2 || c1 == line || c1 - line >= (long)sizeof u->name ||
        c2 - c1 - 1 >= (long)sizeof u->role || c2[1] != '$')
        return false;
    snprintf(u->name, sizeof u->name, "%.*s", (int)(c1 - line), line);
    snprintf(u->role, sizeof u->role, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
    return (u->hash = strdup(c2 + 1)) != NULL;
}

bf_auth *bf__auth_load(const char *path, bf_errors *errs)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        bf_errors_add(errs, _("--users %s: %s"), path, strerror(errno));
        return NULL;
    }
    bf_auth *a = calloc(1, sizeof *a);
    if (a)
        a->users = calloc(MAX_USERS, sizeof *a->users);
    bool ok = a && a->users;
    char line[1024];
    for (int no = 1; ok && fgets(line, sizeof line, f); no++) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        if (a->n_users == MAX_USERS || !parse_user(line, &a->users[a->n_users])) {
            bf_errors_add(errs, _("%s:%d: not a line of bangfu passwd (user:role:hash)"), path, no);
            ok = false;
        } else {
            a->n_users++;
        }
    }
    fclose(f);
    if (ok && a->n_users == 0) {
        bf_errors_add(errs, _("%s names no user: add one with bangfu passwd USER --users %s"),
                 path, path);
        ok = false;
    }
    struct crypt_data *cd = ok ? calloc(1, sizeof *cd) : NULL;
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    const char *h = cd && crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt)
                        ? crypt_rn("not a password", salt, cd, sizeof *cd) : NULL;
    if (ok && (!h || h[0] == '*')) {
        bf_errors_add(errs, _("this system's crypt cannot make yescrypt hashes"));
        ok = false;
    }
    if (ok) {
        snprintf(a->dummy_hash, sizeof a->dummy_hash, "%s", h);
        pthread_mutex_init(&a->lock, NULL);
    }
    free(cd);
    if (!ok && a) {
        for (int i = 0; i < a->n_users; i++)
            free(a->users[i].hash);
        free(a->users);
        free(a);
        a = NULL;
    }
    return a;
}

void bf__auth_free(bf_auth *a)
{
    if (!a)
        return;
    for (int i = 0; i < a->n_users; i++)
        free(a->users[i].hash);
    free(a->users);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

/* The failure record of key (created when create), NULL when none; under a->lock. */
static failure *failure_of(bf_auth *a, const char *key, bool create)
{
    failure *oldest = &a->failures[0];
    for (int i = 0; i < MAX_FAILURES; i++) {
        if (strcmp(a->failures[i].key, key) == 0)
            return &a->failures[i];
        if (a->failures[i].until < oldest->until)
            oldest = &a->failures[i];
    }
    if (!create)
        return NULL;
    memset(oldest, 0, sizeof *oldest);
    snprintf(oldest->key, sizeof oldest->key, "%s", key);
    return oldest;
}

/* Seconds the user or client must still wait; under a->lock. */
static int wait_left(bf_auth *a, const char *keys[2])
{
    double now = bf_now(), left = 0;
    for (int k = 0; k < 2; k++) {
        failure *f = failure_of(a, keys[k], false);
        if (f && f->until - now > left)
            left = f->until - now;
    }
    return left > 0 ? (int)left + 1 : 0;
}

/* Records a failure of both keys: the next try waits 1, 2, 4, … up to MAX_WAIT seconds. */
static int record_failure(bf_auth *a, const char *keys[2])
{
    int wait = 1;
    for (int k = 0; k < 2; k++) {
        failure *f = failure_of(a, keys[k], true);
        f->count++;
        int w = f->count >= 7 ? MAX_WAIT : 1 << (f->count - 1);
        f->until = bf_now() + w;
        if (w > wait)
            wait = w;
    }
    return wait;
}

/* A new session for u in a free (or the least recently used) slot; under a->lock. */
static bool new_session(bf_auth *a, const user *u, bf_session_view *view, char token[65])
{
    session *slot = &a->sessions[0];
    for (int i = 0; i < MAX_SESSIONS && slot->token[0]; i++)
        if (!a->sessions[i].token[0] || a->sessions[i].last_seen < slot->last_seen)
            slot = &a->sessions[i];
    session s = {.last_seen = bf_now()};
    if (!bf__random_hex(s.token, 32) || !bf__random_hex(s.view.csrf, 32))
        return false;
    snprintf(s.view.user, sizeof s.view.user, "%s", u->name);
    snprintf(s.view.role, sizeof s.view.role, "%s", u->role);
    *slot = s;
    *view = s.view;
    memcpy(token, s.token, 65);
    return true;
}

bf_login_result bf__auth_login(bf_auth *a, const char *name, const char *password,
                               const char *client, bf_session_view *view, char token[65],
                               int *retry_after)
{
    char ukey[128], ckey[128];
    snprintf(ukey, sizeof ukey, "u:%.100s", name);
    snprintf(ckey, sizeof ckey, "c:%.100s", client);
    const char *keys[2] = {ukey, ckey};
    pthread_mutex_lock(&a->lock);
    *retry_after = wait_left(a, keys);
    pthread_mutex_unlock(&a->lock);
    if (*retry_after > 0)
        return BF_LOGIN_WAIT;
    const user *u = NULL;
    for (int i = 0; i < a->n_users && !u; i++)
        if (strcmp(a->users[i].name, name) == 0)
            u = &a->users[i];
    struct crypt_data *cd = calloc(1, sizeof *cd);
    if (!cd)
        return BF_LOGIN_ERROR;
    const char *want = u ? u->hash : a->dummy_hash;
    const char *got = crypt_rn(password, want, cd, sizeof *cd);
    bool right = u && got && got[0] != '*' && bf__token_equal(got, want);
    free(cd);
    pthread_mutex_lock(&a->lock);
    bf_login_result result = BF_LOGIN_OK;
    if (!right) {
        *retry_after = record_failure(a, keys);
        result = BF_LOGIN_WRONG;
    } else {
        for (int k = 0; k < 2; k++) {
            failure *f = failure_of(a, keys[k], false);
            if (f)
                memset(f, 0, sizeof *f);
        }
        if (!new_session(a, u, view, token))
            result = BF_LOGIN_ERROR;
    }
    pthread_mutex_unlock(&a->lock);
    return result;
}

bool bf__auth_session(bf_auth *a, const char *token, bf_session_view *view)
{
    if (!token || strlen(token) != 64)
        return false;
    bool found = false;
    double now = bf_now();
    pthread_mutex_lock(&a->lock);
    for (int i = 0; i < MAX_SESSIONS && !found; i++) {
        session *s = &a->sessions[i];
        if (!s->token[0] || !bf__token_equal(s->token, token))
            continue;
        if (now - s->last_seen > BF_SESSION_SECONDS) {
            memset(s, 0, sizeof *s);
            break;
        }
        s->last_seen = now;
        *view = s->view;
        found = true;
    }
    pthread_mutex_unlock(&a->lock);
    return found;
}

void bf__auth_logout(bf_auth *a, const char *token)
{
    if (!token)
        return;
    pthread_mutex_lock(&a->lock);
    for (int i = 0; i < MAX_SESSIONS; i++)
        if (a->sessions[i].token[0] && bf__token_equal(a->sessions[i].token, token))
            memset(&a->sessions[i], 0, sizeof a->sessions[i]);
    pthread_mutex_unlock(&a->lock);
}
