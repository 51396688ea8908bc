/* serve.h — `bangfu serve`: the same questions as the command line, answered over HTTP
 * (libmicrohttpd): JSON under /api/ that is byte for byte the CLI's --format json, and
 * server-rendered pages for staff who do not use a terminal. Read-only: nothing a request does
 * changes households, runs or policies; only who looked at which household is written down. */
#ifndef BF_SERVE_H
#define BF_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "params.h"
#include "sandbox.h"

typedef struct bf_serve_config {
    const char *db;                  /* the SQLite database (opened read-only per thread) */
    const char *policies_dir;        /* the policy scripts, params.xml, areas.xml */
    const bf_params *params;         /* params.xml, loaded by the caller (borrowed) */
    const bf_lua_module *modules;    /* the plugins' Lua modules (borrowed); may be NULL */
    const char *listen;              /* "ADDR:PORT" ("[ADDR]:PORT" for IPv6); port 0: any free */
    const char *users_file;          /* users and password hashes (bangfu passwd); NULL: none */
    const char *cert_file, *key_file;/* PEM files for HTTPS; both NULL: plain HTTP */
    int threads;                     /* request threads (0: a default from the cores) */
    int sim_jobs;                    /* worker threads of one simulation (0: the cores) */
} bf_serve_config;

typedef struct bf_server bf_server;

/* Whether the listen address is loopback (127.0.0.0/8, ::1 or a name resolving to one of
 * them); false also when it cannot be parsed. */
bool bf_serve_listen_is_loopback(const char *listen);
/* Starts serving in background threads. BF_OK and *out, or an error with a message in errs
 * (an address that cannot be parsed or bound, a non-loopback address without users, a
 * missing certificate, an unreadable users file). */
int bf_serve_start(const bf_serve_config *cfg, bf_server **out, bf_errors *errs);
/* The port it listens on (the one chosen when the configuration asked for port 0). */
int bf_serve_port(const bf_server *s);
/* Whether it speaks HTTPS. */
bool bf_serve_tls(const bf_server *s);
/* Stops: cancels a running simulation, answers the requests waiting for one, closes every
 * connection, joins every thread and frees everything. NULL is allowed. */
void bf_serve_stop(bf_server *s);

/* The roles a user may have: viewer (every page and answer) and auditor (also who looked at
 * which household). */
bool bf__serve_role_known(const char *role);
/* Sets user's password hash (yescrypt, a fresh salt) and role in the users file at path,
 * creating it (mode 0600) or replacing the user's line; the file is written whole to a
 * temporary file and renamed, so a failure leaves it as it was. BF_OK, or an error with a
 * message in errs (a bad user name, a password shorter than 8 characters, a file that cannot
 * be read or written). */
int bf_serve_passwd(const char *path, const char *user, const char *role, const char *password,
                    bf_errors *errs);

#endif
