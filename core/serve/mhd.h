/* mhd.h — the libmicrohttpd functions http.c calls, reached through dlopen when a server starts
 * instead of being linked into the program: linked, libmicrohttpd and the TLS stack it brings
 * (GnuTLS, nettle, gmp, p11-kit and more, a dozen libraries) were loaded and relocated at every
 * start of every command, about 5 ms of each `bangfu check`. Private to core/serve. */
#ifndef BF_SERVE_MHD_H
#define BF_SERVE_MHD_H

#include <microhttpd.h>

#include "errors.h"

/* The functions, with the types of microhttpd.h. */
typedef struct bf_mhd {
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_get_daemon_info) *get_daemon_info;
    __typeof__(MHD_is_feature_supported) *is_feature_supported;
    __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
    __typeof__(MHD_get_connection_info) *get_connection_info;
    __typeof__(MHD_suspend_connection) *suspend_connection;
    __typeof__(MHD_resume_connection) *resume_connection;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_destroy_response) *destroy_response;
} bf_mhd;

/* The library's functions, opened on the first call (any thread; the library stays loaded);
 * NULL with a message in errs when it cannot be opened or lacks one of them. */
const bf_mhd *bf__mhd_open(bf_errors *errs);
/* The functions once bf__mhd_open has succeeded (what a running server calls), else NULL. */
const bf_mhd *bf__mhd(void);

#endif
