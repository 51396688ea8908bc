/* serve_client.c — the server under test as a process, and a small HTTP/1.1 client. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "serve_client.h"

/* The port in the server's first line ("… at http://127.0.0.1:PORT/ …"), 0 while not there. */
static int port_said(const char *path)
{
    char *text = bf_test_read_file(path, NULL);
    const char *at = text ? strstr(text, "://127.0.0.1:") : NULL;
    int port = at ? atoi(at + strlen("://127.0.0.1:")) : 0;
    free(text);
    return port;
}

void bf_test_server_start(bf_test_server *s, ...)
{
    const char *argv[64] = {BF_TEST_BANGFU, "serve", "--listen", "127.0.0.1:0"};
    int n = 4;
    va_list ap;
    va_start(ap, s);
    for (const char *a; (a = va_arg(ap, const char *)) && n < 62;)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    memset(s, 0, sizeof *s);
    static int started;
    char name[64];
    snprintf(name, sizeof name, "serve-%d.out", started);
    s->out_path = bf_test_path(bf_test_dir, name);
    snprintf(name, sizeof name, "serve-%d.err", started++);
    s->err_path = bf_test_path(bf_test_dir, name);
    s->pid = fork();
    cr_assert_geq(s->pid, 0);
    if (s->pid == 0) {
        int out = open(s->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(s->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = open("/dev/null", O_RDONLY);
        if (out < 0 || err < 0 || in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(126);
        setenv("LC_ALL", bf_test_locale, 1);
        unsetenv("LANGUAGE");
        alarm(600);                          /* a server the test forgot cannot outlive it long */
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    for (int tries = 0; tries < 300 && !s->port; tries++) {
        int ws;
        if (waitpid(s->pid, &ws, WNOHANG) == s->pid) {
            char *err = bf_test_read_file(s->err_path, NULL);
            cr_assert_fail("bangfu serve ended at once: %s", err ? err : "");
        }
        s->port = port_said(s->out_path);
        if (!s->port)
            usleep(100 * 1000);
    }
    cr_assert_gt(s->port, 0, "bangfu serve did not say where it listens");
}

int bf_test_server_stop(bf_test_server *s, int sig, char **err)
{
    kill(s->pid, sig);
    int ws, status = -1;
    while (waitpid(s->pid, &ws, 0) < 0 && errno == EINTR)
        ;
    status = WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : -1;
    if (err)
        *err = bf_test_read_file(s->err_path, NULL);
    free(s->out_path);
    free(s->err_path);
    memset(s, 0, sizeof *s);
    return status;
}

/* Sends all of len bytes; false on an error. */
static bool send_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Decodes a chunked body in place; its new length. */
static size_t unchunk(char *body, size_t len)
{
    size_t in = 0, out = 0;
    while (in < len) {
        char *end;
        unsigned long size = strtoul(body + in, &end, 16);
        char *line_end = strstr(end, "\r\n");
        if (!line_end || size == 0)
            break;
        in = (size_t)(line_end - body) + 2;
        if (in + size > len)
            size = len - in;
        memmove(body + out, body + in, size);
        out += size;
        in += size + 2;
    }
    body[out] = '\0';
    return out;
}

int bf_test_http_ask(bf_test_http *r, int port, const char *method, const char *path,
                     const char *headers, const char *body)
{
    memset(r, 0, sizeof *r);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct timeval tv = {120, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0, "connect: %s", strerror(errno));
    char head[4096];
    snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s"
             "Content-Length: %zu\r\n\r\n", method, path, port, headers ? headers : "",
             body ? strlen(body) : 0);
    bool sent = send_all(fd, head, strlen(head)) && (!body || send_all(fd, body, strlen(body)));
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    ssize_t n;
    while (sent && (n = recv(fd, buf + len, cap - len - 1, 0)) > 0) {
        len += (size_t)n;
        if (cap - len < 4096) {
            buf = realloc(buf, cap *= 2);
            cr_assert_not_null(buf);
        }
    }
    close(fd);
    buf[len] = '\0';
    char *split = strstr(buf, "\r\n\r\n");
    if (strncmp(buf, "HTTP/1.", 7) != 0 || !split) {
        free(buf);
        r->headers = strdup("");
        r->body = strdup("");
        return 0;
    }
    r->status = atoi(buf + 9);
    *split = '\0';
    r->headers = strdup(buf);
    r->body_len = len - (size_t)(split + 4 - buf);
    r->body = malloc(r->body_len + 1);
    memcpy(r->body, split + 4, r->body_len);
    r->body[r->body_len] = '\0';
    free(buf);
    char *te = bf_test_http_header(r, "Transfer-Encoding");
    if (te && strcasecmp(te, "chunked") == 0)
        r->body_len = unchunk(r->body, r->body_len);
    free(te);
    return r->status;
}

char *bf_test_http_header(const bf_test_http *r, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = strstr(r->headers, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;
        if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
            const char *v = h + n + 1;
            while (*v == ' ')
                v++;
            const char *end = strstr(v, "\r\n");
            return strndup(v, end ? (size_t)(end - v) : strlen(v));
        }
    }
    return NULL;
}

void bf_test_http_free(bf_test_http *r)
{
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof *r);
}
