/* routes.c — which function answers which request: the JSON API under /api/, the pages, the
 * login; and the answers every route shares (errors, JSON). Nothing here reads a file from
 * disk: a path names a route or nothing, so no path can reach outside what the server serves. */
#include "internal.h"
#include "bangfu.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>

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

/* The API's routes; false when none matches. */
static bool route_api(bf_request *req, bf_response *res)
{
    const char *id;
    bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    if (get && (id = after(req->path, "/api/check/")) && *id && !strchr(id, '/'))
        bf__api_check(req, res, id);
    else if (is(req, "POST", "/api/simulate"))
        bf__api_simulate(req, res);
    else if (get && strcmp(req->path, "/api/params") == 0)
        bf__api_params(req, res);
    else if (get && strcmp(req->path, "/api/review") == 0)
        bf__api_review(req, res);
    else if (get && strcmp(req->path, "/api/runs") == 0)
        bf__api_runs(req, res);
    else if (get && strcmp(req->path, "/api/diff") == 0)
        bf__api_diff(req, res);
    else
        return false;
    return true;
}

void bf__route(bf_request *req, bf_response *res)
{
    req->has_session = true;
    snprintf(req->session.csrf, sizeof req->session.csrf, "%s", req->server->anon_csrf);
    if (is_api(req)) {
        if (!route_api(req, res))
            bf__res_error(req, res, 404, _("There is no such page or API."));
        return;
    }
    bf__res_error(req, res, 404, _("There is no such page or API."));
}
