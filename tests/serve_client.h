/* serve_client.h — for the tests of bangfu serve: the real server started as a process on a
 * free loopback port, and a small HTTP/1.1 client (no library) to ask it. */
#ifndef BF_TEST_SERVE_CLIENT_H
#define BF_TEST_SERVE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct bf_test_server {
    pid_t pid;
    int port;
    char *out_path, *err_path;       /* its standard output and error, in bf_test_dir */
} bf_test_server;

/* Starts `bangfu serve --listen 127.0.0.1:0 ARGS…` (NULL-terminated) and waits until it says
 * where it listens; the test fails when it does not within 30 s. */
void bf_test_server_start(bf_test_server *s, ...) __attribute__((sentinel));
/* Sends sig (SIGTERM, SIGINT), waits for the process; its exit status (128 + signal when it
 * was killed), and its standard error into *err (malloc'd) when err is not NULL. */
int bf_test_server_stop(bf_test_server *s, int sig, char **err);

typedef struct bf_test_http {
    int status;                      /* 0 when no answer came */
    char *headers;                   /* the header lines as sent */
    char *body;
    size_t body_len;
} bf_test_http;

/* One request (Connection: close): method, path as sent, extra header lines ("Name: value\r\n"
 * each, or NULL), a body (NULL: none). Returns the status. */
int bf_test_http_ask(bf_test_http *r, int port, const char *method, const char *path,
                     const char *headers, const char *body);
/* A header's value in an answer (malloc'd), NULL when absent. */
char *bf_test_http_header(const bf_test_http *r, const char *name);
/* Frees an answer. */
void bf_test_http_free(bf_test_http *r);

#endif
