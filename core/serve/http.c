/* http.c — the libmicrohttpd glue: starting and stopping the daemon (a pool of request threads,
 * limits on size, time and connections, TLS through GnuTLS), turning each request into a
 * bf_request for the routes and their bf_response back into HTTP, and suspending a connection
 * while the simulation it waits for runs on the queue's thread. */
#include "internal.h"
#include "auth.h"
#include "bangfu.h"
#include "i18n.h"
#include "mhd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

/* What one connection's current request keeps between the handler's calls. */
typedef struct conn_state {
    bf_buf body;
    bool too_big;                  /* the body passed BF_SERVE_MAX_BODY: answered 413 */
    bf_sim_job *job;               /* the simulation it waits for (suspended), or NULL */
    bf_request req;                /* kept for the answer after the simulation */
    char path[1024];
} conn_state;

const char *bf__req_arg(const bf_request *r, const char *name)
{
    return bf__mhd()->lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *bf__req_cookie(const bf_request *r, const char *name)
{
    return bf__mhd()->lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *bf__req_header(const bf_request *r, const char *name)
{
    return bf__mhd()->lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* The value of hex digit c, -1 when it is none. */
static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes len bytes of a form value (+ is a space, %XX a byte) into out; false when it does not
 * fit. */
static bool form_decode(const char *s, size_t len, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && i + 2 < len && hex_value(s[i + 1]) >= 0 &&
                   hex_value(s[i + 2]) >= 0) {
            c = hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]);
            i += 2;
        }
        if (o + 1 >= size)
            return false;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return true;
}

bool bf__req_form(const bf_request *r, const char *name, char *out, size_t size)
{
    size_t nlen = strlen(name);
    const char *p = r->body, *end = r->body + r->body_len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (eq && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0)
            return form_decode(eq + 1, (size_t)(stop - eq - 1), out, size);
        p = stop + 1;
    }
    return false;
}

bool bf__random_hex(char *out, size_t n)
{
    unsigned char bytes[64];
    if (n > sizeof bytes || getrandom(bytes, n, 0) != (ssize_t)n)
        return false;
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", bytes[i]);
    return true;
}

/* Headers every answer carries: nothing cached, nothing framed, nothing loaded from elsewhere. */
static void add_common_headers(struct MHD_Response *r, const bf_response *res, bool tls)
{
    const bf_mhd *m = bf__mhd();
    m->add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->type);
    m->add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    m->add_response_header(r, "X-Content-Type-Options", "nosniff");
    m->add_response_header(r, "Referrer-Policy", "no-referrer");
    m->add_response_header(r, "Content-Security-Policy",
                           "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                           "form-action 'self'; frame-ancestors 'none'");
    if (tls)
        m->add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    if (res->location[0])
        m->add_response_header(r, MHD_HTTP_HEADER_LOCATION, res->location);
    if (res->cookie[0])
        m->add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, res->cookie);
    if (res->retry_after > 0) {
        char v[24];
        snprintf(v, sizeof v, "%d", res->retry_after);
        m->add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
}

/* Sends res; its body buffer is handed over to libmicrohttpd. */
static enum MHD_Result send_response(struct MHD_Connection *c, bf_server *s, bf_response *res)
{
    size_t len = res->body.len;
    char *data = res->body.data;
    res->body.data = NULL;
    res->body.len = res->body.cap = 0;
    const bf_mhd *m = bf__mhd();
    struct MHD_Response *r = data ? m->create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE)
                                  : m->create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(data);
        return MHD_NO;
    }
    add_common_headers(r, res, s->tls);
    enum MHD_Result ok = m->queue_response(c, (unsigned)res->status, r);
    m->destroy_response(r);
    return ok;
}

static void response_init(bf_response *res)
{
    memset(res, 0, sizeof *res);
    res->status = 200;
    res->type = "text/html; charset=utf-8";
}

static void suspend_connection(void *conn)
{
    bf__mhd()->suspend_connection(conn);
}

static void resume_connection(void *conn)
{
    bf__mhd()->resume_connection(conn);
}

/* The client's address as text into out. */
static void client_address(struct MHD_Connection *c, char *out, size_t size)
{
    snprintf(out, size, "?");
    const union MHD_ConnectionInfo *ci =
        bf__mhd()->get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)size);
}

/* The answer to a request whose simulation has ended (the connection was resumed). */
static enum MHD_Result answer_resumed(struct MHD_Connection *c, bf_server *s, conn_state *st)
{
    bf_response res;
    response_init(&res);
    int64_t done, total;
    int status = 500;
    bf_job_state state = bf__job_state(st->job, &done, &total, &status, &res.body);
    res.type = "application/json; charset=utf-8";
    res.status = state == BF_JOB_DONE || state == BF_JOB_FAILED ? status : 503;
    bf__job_release(st->job);
    st->job = NULL;
    return send_response(c, s, &res);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    bf_server *s = cls;
    conn_state *st = *con_cls;
    if (!st) {                                   /* the headers have arrived; the body may follow */
        if (!(st = calloc(1, sizeof *st)))
            return MHD_NO;
        *con_cls = st;
        return MHD_YES;
    }
    if (*upload_size) {                          /* a piece of the body */
        if (st->body.len + *upload_size > BF_SERVE_MAX_BODY)
            st->too_big = true;
        else
            bf_buf_add(&st->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (st->job)
        return answer_resumed(c, s, st);
    char client[INET6_ADDRSTRLEN + 1];
    client_address(c, client, sizeof client);
    snprintf(st->path, sizeof st->path, "%s", url);
    bf_request *req = &st->req;
    *req = (bf_request){.server = s, .conn = c, .method = method, .path = st->path,
                        .body = bf_buf_str(&st->body), .body_len = st->body.len, .client = client};
    bf_response res;
    response_init(&res);
    if (st->too_big || st->body.oom || strlen(url) >= sizeof st->path)
        bf__res_error(req, &res, st->too_big ? 413 : 414, _("The request is too large."));
    else
        bf__route(req, &res);
    if (res.wait_for) {                          /* answered when its simulation ends */
        st->job = res.wait_for;
        bf_buf_free(&res.body);
        if (bf__job_wait(st->job, c, suspend_connection, resume_connection))
            return MHD_YES;
        return answer_resumed(c, s, st);
    }
    enum MHD_Result ok = send_response(c, s, &res);
    bf_buf_free(&res.body);
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    conn_state *st = *con_cls;
    if (!st)
        return;
    if (st->job)
        bf__job_release(st->job);
    bf_buf_free(&st->body);
    free(st);
    *con_cls = NULL;
}

/* Resolves "ADDR:PORT" / "[ADDR]:PORT" into addr; false with a message in err. */
static bool parse_listen(const char *listen, struct sockaddr_storage *addr, socklen_t *len,
                         bf_errors *errs)
{
    char host[256];
    const char *port;
    if (listen[0] == '[') {
        const char *close = strchr(listen, ']');
        if (!close || close[1] != ':' || (size_t)(close - listen - 1) >= sizeof host)
            goto bad;
        snprintf(host, sizeof host, "%.*s", (int)(close - listen - 1), listen + 1);
        port = close + 2;
    } else {
        const char *colon = strrchr(listen, ':');
        if (!colon || (size_t)(colon - listen) >= sizeof host)
            goto bad;
        snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
        port = colon + 1;
    }
    char *end;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 0 || p > 65535 || !host[0])
        goto bad;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res;
    if (getaddrinfo(host, port, &hints, &res) != 0 || !res) {
        bf_errors_add(errs, _("--listen %s: the address %s is not known on this machine."),
                 listen, host);
        return false;
    }
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return true;
bad:
    bf_errors_add(errs, _("--listen %s: give ADDRESS:PORT, e.g. 127.0.0.1:8080 or [::1]:8080."),
             listen);
    return false;
}

static bool is_loopback(const struct sockaddr_storage *a)
{
    if (a->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)(const void *)a)->sin_addr.s_addr) >> 24) == 127;
    if (a->ss_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)(const void *)a)->sin6_addr);
    return false;
}

bool bf_serve_listen_is_loopback(const char *listen)
{
    struct sockaddr_storage a;
    socklen_t len;
    return parse_listen(listen, &a, &len, NULL) && is_loopback(&a);
}

/* Reads the certificate and key for TLS; false with a message. */
static bool read_tls_files(bf_server *s, bf_errors *errs)
{
    const char *cert = s->cfg.cert_file, *key = s->cfg.key_file;
    if (!cert && !key)
        return true;
    if (!cert || !key) {
        bf_errors_add(errs, _("HTTPS needs both --cert FILE and --key FILE."));
        return false;
    }
    if (bf__mhd()->is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        bf_errors_add(errs, _("this libmicrohttpd was built without TLS: HTTPS is not available."));
        return false;
    }
    size_t n;
    if (!(s->cert_pem = bf_read_file(cert, &n)) || !(s->key_pem = bf_read_file(key, &n))) {
        bf_errors_add(errs, _("cannot read %s: %s"), s->cert_pem ? key : cert, strerror(errno));
        return false;
    }
    s->tls = true;
    return true;
}

static int default_threads(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 2 ? 4 : cores > 16 ? 32 : (int)cores * 2;
}

/* Starts the daemon on addr; false with a message. */
static bool start_daemon(bf_server *s, struct sockaddr_storage *addr, bf_errors *errs)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    if (addr->ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (s->tls)
        flags |= MHD_USE_TLS;
    unsigned threads = (unsigned)(s->cfg.threads > 0 ? s->cfg.threads : default_threads());
    struct MHD_OptionItem tls_opts[] = {
        {s->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, s->key_pem},
        {MHD_OPTION_END, 0, NULL},
    };
    s->daemon = bf__mhd()->start_daemon(
        flags, 0, NULL, NULL, on_request, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)BF_SERVE_TIMEOUT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)128,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_ARRAY, tls_opts,
        MHD_OPTION_END);
    if (!s->daemon) {
        bf_errors_add(errs, _("cannot listen on %s (in use, not this machine's address, or a "
                                "bad certificate or key)."), s->cfg.listen);
        return false;
    }
    const union MHD_DaemonInfo *info = bf__mhd()->get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    return true;
}

int bf_serve_start(const bf_serve_config *cfg, bf_server **out, bf_errors *errs)
{
    *out = NULL;
    struct sockaddr_storage addr;
    socklen_t len;
    if (!parse_listen(cfg->listen, &addr, &len, errs))
        return BF_EUSAGE;
    if (!is_loopback(&addr) && !cfg->users_file) {
        bf_errors_add(errs, _("%s is not a loopback address: anyone on the network could read "
                                "the households. Give --users FILE (made with bangfu passwd) so "
                                "that only its users can log in, or listen on 127.0.0.1."),
                 cfg->listen);
        return BF_EUSAGE;
    }
    if (!bf__mhd_open(errs))
        return BF_EUSAGE;
    bf_server *s = calloc(1, sizeof *s);
    if (!s) {
        bf_errors_add(errs, _("out of memory"));
        return BF_ENOMEM;
    }
    s->cfg = *cfg;
    pthread_mutex_init(&s->lookups_lock, NULL);
    pthread_mutex_init(&s->audit_lock, NULL);
    int rc = BF_EUSAGE;
    if (!bf__random_hex(s->anon_csrf, 32))
        bf_errors_add(errs, _("the system gave no random numbers for the session tokens."));
    else if (cfg->users_file && !(s->auth = bf__auth_load(cfg->users_file, errs)))
        ;
    else if (bf__audit_open(s, errs) != BF_OK)
        ;
    else if (!read_tls_files(s, errs))
        ;
    else if (!(s->queue = bf__queue_start(s)))
        bf_errors_add(errs, _("out of memory"));
    else if (start_daemon(s, &addr, errs))
        rc = BF_OK;
    if (rc != BF_OK) {
        bf_serve_stop(s);
        return rc;
    }
    *out = s;
    return BF_OK;
}

int bf_serve_port(const bf_server *s)
{
    return s->port;
}

bool bf_serve_tls(const bf_server *s)
{
    return s->tls;
}

void bf_serve_stop(bf_server *s)
{
    if (!s)
        return;
    s->stopping = 1;
    if (s->queue)                    /* answers every waiting request before the daemon stops */
        bf__queue_close(s->queue);
    if (s->daemon)
        bf__mhd()->stop_daemon(s->daemon);
    bf__queue_free(s->queue);
    bf__lookups_free(s);
    bf__audit_close(s);
    bf__auth_free(s->auth);
    free(s->cert_pem);
    free(s->key_pem);
    pthread_mutex_destroy(&s->lookups_lock);
    pthread_mutex_destroy(&s->audit_lock);
    free(s);
}
