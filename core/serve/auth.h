/* auth.h — who may look when the server is not on loopback only: the users file (bangfu
 * passwd), logins checked against yescrypt hashes (libxcrypt's crypt), failed logins slowed,
 * sessions in memory with a CSRF token each. */
#ifndef BF_SERVE_AUTH_H
#define BF_SERVE_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "internal.h"

#define BF_SESSION_COOKIE "bangfu_session"
#define BF_SESSION_SECONDS (8 * 3600)      /* a session unused this long ends */

/* Reads the users file (lines "user:role:hash", # comments); NULL with a message naming the
 * file and line when it cannot be read or a line is malformed, or it names no user. */
bf_auth *bf__auth_load(const char *path, bf_errors *errs);
/* Frees the users and every session. NULL is allowed. */
void bf__auth_free(bf_auth *a);

typedef enum { BF_LOGIN_OK, BF_LOGIN_WRONG, BF_LOGIN_WAIT, BF_LOGIN_ERROR } bf_login_result;
/* Checks a login from client. OK: a new session in *view and its token (64 hex digits) in
 * token. WRONG: unknown user or wrong password (the same answer for both), and the next try of
 * this user or from this client must wait. WAIT: an earlier failure asks to wait *retry_after
 * seconds more (the password is not even checked). */
bf_login_result bf__auth_login(bf_auth *a, const char *user, const char *password,
                               const char *client, bf_session_view *view, char token[65],
                               int *retry_after);
/* The session of token into *view; false when there is none (or it has expired). */
bool bf__auth_session(bf_auth *a, const char *token, bf_session_view *view);
/* Ends the session of token. */
void bf__auth_logout(bf_auth *a, const char *token);
/* Whether two tokens are equal, in a time that does not depend on where they differ. */
bool bf__token_equal(const char *a, const char *b);

#endif
