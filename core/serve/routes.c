/* routes.c — which function answers which request: the login, the JSON API under /api/, the
 * pages; who may ask (a session when there are users; every POST with its CSRF token); and the
 * answers every route shares (errors, JSON). Nothing here reads a file from disk: a path names
 * a route or nothing, so no path can reach outside what the server serves. */
#include "internal.h"
#include "auth.h"
#include "bangfu.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void bf__res_json(bf_response *res, int status, bf_buf *json)
{
    bf_buf_free(&res->body);
    res->body = *json;
    *json = (bf_buf){0};
    res->status = res->body.oom ? 500 : status;
    res->type = "application/json; charset=utf-8";
}

static bool is_api(const bf_request *req)
{
    return strncmp(req->path, "/api/", 5) == 0;
}

void bf__res_error(const bf_request *req, bf_response *res, int status, const char *message)
{
    bf_buf_clear(&res->body);
    res->status = status;
    if (is_api(req)) {
        res->type = "application/json; charset=utf-8";
        bf_buf_puts(&res->body, "{\"error\":");
        bf_buf_json_string(&res->body, message, strlen(message));
        bf_buf_puts(&res->body, "}\n");
        return;
    }
    res->type = "text/plain; charset=utf-8";
    bf_buf_puts(&res->body, message);
    bf_buf_puts(&res->body, "\n");
}

/* The rest of path after prefix, or NULL when it does not start with it. */
static const char *after(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 ? path + n : NULL;
}

static bool is(const bf_request *req, const char *method, const char *path)
{
    return strcmp(req->method, method) == 0 && strcmp(req->path, path) == 0;
}

static bool is_get(const bf_request *req, const char *path)
{
    return (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) &&
           strcmp(req->path, path) == 0;
}

/* GET /api/session: who is logged in and the CSRF token their POSTs carry. */
static void api_session(bf_request *req, bf_response *res)
{
    bf_buf out = {0};
    bf_buf_puts(&out, "{\"user\":");
    bf_buf_json_string(&out, req->session.user, strlen(req->session.user));
    bf_buf_puts(&out, ",\"role\":");
    bf_buf_json_string(&out, req->session.role, strlen(req->session.role));
    bf_buf_printf(&out, ",\"csrf\":\"%s\"}\n", req->session.csrf);
    bf__res_json(res, 200, &out);
}

/* The API's routes; false when none matches. */
static bool route_api(bf_request *req, bf_response *res)
{
    const char *id;
    bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    if (get && (id = after(req->path, "/api/check/")) && *id && !strchr(id, '/'))
        bf__api_check(req, res, id);
    else if (is(req, "POST", "/api/simulate"))
        bf__api_simulate(req, res);
    else if (is_get(req, "/api/params"))
        bf__api_params(req, res);
    else if (is_get(req, "/api/review"))
        bf__api_review(req, res);
    else if (is_get(req, "/api/runs"))
        bf__api_runs(req, res);
    else if (is_get(req, "/api/diff"))
        bf__api_diff(req, res);
    else if (is_get(req, "/api/session"))
        api_session(req, res);
    else
        return false;
    return true;
}

/* The pages' routes; false when none matches. */
static bool route_pages(bf_request *req, bf_response *res)
{
    const char *rest;
    bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    if (is_get(req, "/"))
        bf__page_home(req, res);
    else if (is_get(req, "/households"))
        bf__page_households(req, res);
    else if (get && (rest = after(req->path, "/household/")) && *rest && !strchr(rest, '/'))
        bf__page_household(req, res, rest);
    else if (is_get(req, "/whatif"))
        bf__page_whatif_form(req, res, NULL);
    else if (is(req, "POST", "/whatif"))
        bf__page_whatif_post(req, res);
    else if (get && (rest = after(req->path, "/whatif/")))
        bf__page_whatif_job(req, res, rest);
    else if (is_get(req, "/runs"))
        bf__page_runs(req, res);
    else if (is_get(req, "/diff"))
        bf__page_diff(req, res);
    else if (is_get(req, "/review"))
        bf__page_review(req, res);
    else if (is_get(req, "/rules"))
        bf__page_rules(req, res);
    else
        return false;
    return true;
}

/* POST /login: a session cookie and back to the start page, or the form again. */
static void login(bf_request *req, bf_response *res)
{
    bf_server *s = req->server;
    char user[128] = "", password[512] = "", token[65];
    bf__req_form(req, "user", user, sizeof user);
    bf__req_form(req, "password", password, sizeof password);
    int wait = 0;
    bf_login_result r = bf__auth_login(s->auth, user, password, req->client, &req->session, token,
                                       &wait);
    explicit_bzero(password, sizeof password);
    if (r == BF_LOGIN_OK) {
        snprintf(res->cookie, sizeof res->cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict; "
                 "Max-Age=%d%s", BF_SESSION_COOKIE, token, BF_SESSION_SECONDS,
                 s->tls ? "; Secure" : "");
        snprintf(res->location, sizeof res->location, "/");
        res->status = 303;
        res->type = "text/plain; charset=utf-8";
        return;
    }
    char msg[300];
    if (r == BF_LOGIN_WAIT)
        snprintf(msg, sizeof msg, P_("Too many failed logins: wait %d second, then try again.",
                                     "Too many failed logins: wait %d seconds, then try again.",
                                     wait), wait);
    else if (r == BF_LOGIN_WRONG)
        snprintf(msg, sizeof msg, P_("Wrong user name or password. The next try must wait %d second.",
                                     "Wrong user name or password. The next try must wait %d "
                                     "seconds.", wait), wait);
    else
        snprintf(msg, sizeof msg, _("The login could not be checked; try again."));
    bf__page_login(req, res, r == BF_LOGIN_WAIT ? 429 : r == BF_LOGIN_WRONG ? 401 : 500, msg);
    res->retry_after = wait;
}

/* POST /logout: the session ends, the cookie is cleared. */
static void logout(bf_request *req, bf_response *res)
{
    bf__auth_logout(req->server->auth, bf__req_cookie(req, BF_SESSION_COOKIE));
    snprintf(res->cookie, sizeof res->cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             BF_SESSION_COOKIE, req->server->tls ? "; Secure" : "");
    snprintf(res->location, sizeof res->location, "/login");
    res->status = 303;
    res->type = "text/plain; charset=utf-8";
}

/* Whether a POST may go on: it carries the session's CSRF token (form field csrf or header
 * X-CSRF-Token). Without users a JSON POST to the API needs none: no page of another site can
 * send application/json here without a preflight this server never grants. */
static bool csrf_ok(const bf_request *req)
{
    if (strcmp(req->method, "POST") != 0)
        return true;
    const char *type = bf__req_header(req, "Content-Type");
    if (!req->server->auth && is_api(req) && type &&
        strncasecmp(type, "application/json", 16) == 0)
        return true;
    char form[80] = "";
    const char *header = bf__req_header(req, "X-CSRF-Token");
    if (header)
        return bf__token_equal(header, req->session.csrf);
    return bf__req_form(req, "csrf", form, sizeof form) && bf__token_equal(form, req->session.csrf);
}

void bf__route(bf_request *req, bf_response *res)
{
    bf_server *s = req->server;
    if (!s->auth) {                              /* loopback without users: anyone here */
        req->has_session = true;
        snprintf(req->session.csrf, sizeof req->session.csrf, "%s", s->anon_csrf);
    } else if (is_get(req, "/login")) {
        bf__page_login(req, res, 200, NULL);
        return;
    } else if (is(req, "POST", "/login")) {
        login(req, res);
        return;
    } else {
        req->has_session = bf__auth_session(s->auth, bf__req_cookie(req, BF_SESSION_COOKIE),
                                            &req->session);
    }
    if (!req->has_session) {                     /* 401 for every page and answer but the login */
        if (is_api(req))
            bf__res_error(req, res, 401, _("Log in first: POST /login with user and password."));
        else
            bf__page_login(req, res, 401, NULL);
        return;
    }
    if (!csrf_ok(req)) {
        bf__res_error(req, res, 403, _("This form has expired or did not come from this server: "
                                       "reload the page and send it again."));
        return;
    }
    if (s->auth && is(req, "POST", "/logout"))
        logout(req, res);
    else if (!(is_api(req) ? route_api(req, res) : route_pages(req, res)))
        bf__res_error(req, res, 404, _("There is no such page or API."));
}
