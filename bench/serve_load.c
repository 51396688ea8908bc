/* serve_load.c — the load bench of bangfu serve (make bench): CLIENTS threads, each on its own
 * keep-alive connection, ask GET /api/check/H%09d?date=D for random households of a generated
 * county for SECONDS, and the latencies are reported: count, errors (anything but 200, or a
 * connection that failed), p50, p99, max. Plain sockets and HTTP/1.1: no library.
 *   serve_load PORT HOUSEHOLDS CLIENTS SECONDS DATE */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct client {
    int port, households, seconds;
    const char *date;
    unsigned seed;
    double *lat;                     /* milliseconds of each answer */
    long n, cap, errors;
} client;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Reads one answer on a keep-alive connection; its status, or -1 when the connection failed. */
static int read_answer(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    char *end = NULL;
    while (!(end = len ? memmem(buf, len, "\r\n\r\n", 4) : NULL)) {
        ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        buf[len] = '\0';
    }
    const char *cl = strcasestr(buf, "\r\nContent-Length:");
    if (!cl || cl > end)
        return -1;
    size_t body = (size_t)strtoul(cl + 17, NULL, 10), have = len - (size_t)(end + 4 - buf);
    while (have < body) {                    /* the rest of the body, read and dropped */
        ssize_t n = recv(fd, buf, cap - 1 < body - have ? cap - 1 : body - have, 0);
        if (n <= 0)
            return -1;
        have += (size_t)n;
    }
    return atoi(buf + 9);
}

static void *run_client(void *arg)
{
    client *c = arg;
    static __thread char buf[1 << 16];
    int fd = connect_to(c->port);
    double stop = now() + c->seconds;
    while (now() < stop) {
        if (fd < 0 && (fd = connect_to(c->port)) < 0) {
            c->errors++;
            usleep(10000);
            continue;
        }
        char req[256];
        int id = 1 + (int)(rand_r(&c->seed) % (unsigned)c->households);
        int len = snprintf(req, sizeof req, "GET /api/check/H%09d?date=%s HTTP/1.1\r\n"
                           "Host: 127.0.0.1\r\n\r\n", id, c->date);
        double t0 = now();
        int status = send(fd, req, (size_t)len, MSG_NOSIGNAL) == len ? read_answer(fd, buf, sizeof buf) : -1;
        double ms = (now() - t0) * 1000;
        if (status != 200) {
            c->errors++;
            close(fd);
            fd = -1;
            continue;
        }
        if (c->n == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 4096;
            c->lat = realloc(c->lat, sizeof *c->lat * (size_t)c->cap);
            if (!c->lat)
                abort();
        }
        c->lat[c->n++] = ms;
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: serve_load PORT HOUSEHOLDS CLIENTS SECONDS DATE\n");
        return 2;
    }
    int port = atoi(argv[1]), households = atoi(argv[2]), clients = atoi(argv[3]);
    int seconds = atoi(argv[4]);
    if (port <= 0 || households <= 0 || clients <= 0 || clients > 1024 || seconds <= 0) {
        fprintf(stderr, "serve_load: bad arguments\n");
        return 2;
    }
    client *cs = calloc((size_t)clients, sizeof *cs);
    pthread_t *th = calloc((size_t)clients, sizeof *th);
    if (!cs || !th)
        return 1;
    for (int i = 0; i < clients; i++) {
        cs[i] = (client){port, households, seconds, argv[5], 1234u + (unsigned)i, NULL, 0, 0, 0};
        if (pthread_create(&th[i], NULL, run_client, &cs[i]) != 0)
            return 1;
    }
    long total = 0, errors = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(th[i], NULL);
        total += cs[i].n;
        errors += cs[i].errors;
    }
    double *all = malloc(sizeof *all * (size_t)(total ? total : 1));
    long k = 0;
    for (int i = 0; i < clients; i++) {
        memcpy(all + k, cs[i].lat, sizeof *all * (size_t)cs[i].n);
        k += cs[i].n;
        free(cs[i].lat);
    }
    qsort(all, (size_t)total, sizeof *all, by_value);
    double p50 = total ? all[total / 2] : 0, p99 = total ? all[(long)((double)total * 0.99)] : 0;
    double max = total ? all[total - 1] : 0;
    printf("{\"clients\":%d,\"seconds\":%d,\"answers\":%ld,\"per_second\":%.0f,\"errors\":%ld,"
           "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}\n", clients, seconds, total,
           (double)total / seconds, errors, p50, p99, max);
    free(all);
    free(cs);
    free(th);
    return 0;
}
