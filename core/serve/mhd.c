/* mhd.c — libmicrohttpd opened with dlopen on the first server start (see mhd.h for why). */
#include "mhd.h"
#include "i18n.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The library's file name (its soname), found by the Makefile from the installed library. */
#ifndef BF_MHD_SONAME
#define BF_MHD_SONAME "libmicrohttpd.so.12"
#endif

static bf_mhd functions;
static const bf_mhd *opened;       /* &functions once every one was found */
static char failure[512];          /* why it could not be opened, else "" */
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Sets *slot to the library's function name; false (with failure set) when it has none. */
static bool find(void *lib, const char *name, void *slot)
{
    void *fn = dlsym(lib, name);
    if (!fn) {
        snprintf(failure, sizeof failure, _("bangfu serve cannot use %s: it has no function %s."),
                 BF_MHD_SONAME, name);
        return false;
    }
    memcpy(slot, &fn, sizeof fn);    /* a data pointer into a function pointer (POSIX allows it) */
    return true;
}

static void open_library(void)
{
    void *lib = dlopen(BF_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, _("bangfu serve needs libmicrohttpd, which cannot be "
                                            "opened: %s"), why ? why : BF_MHD_SONAME);
        return;
    }
    bf_mhd *f = &functions;
    bool ok = find(lib, "MHD_start_daemon", &f->start_daemon) &&
              find(lib, "MHD_stop_daemon", &f->stop_daemon) &&
              find(lib, "MHD_get_daemon_info", &f->get_daemon_info) &&
              find(lib, "MHD_is_feature_supported", &f->is_feature_supported) &&
              find(lib, "MHD_lookup_connection_value", &f->lookup_connection_value) &&
              find(lib, "MHD_get_connection_info", &f->get_connection_info) &&
              find(lib, "MHD_suspend_connection", &f->suspend_connection) &&
              find(lib, "MHD_resume_connection", &f->resume_connection) &&
              find(lib, "MHD_create_response_from_buffer", &f->create_response_from_buffer) &&
              find(lib, "MHD_add_response_header", &f->add_response_header) &&
              find(lib, "MHD_queue_response", &f->queue_response) &&
              find(lib, "MHD_destroy_response", &f->destroy_response);
    if (ok)
        opened = f;
    else
        dlclose(lib);
}

const bf_mhd *bf__mhd_open(bf_errors *errs)
{
    pthread_once(&once, open_library);
    if (!opened)
        bf_errors_add(errs, "%s", failure);
    return opened;
}

const bf_mhd *bf__mhd(void)
{
    return opened;
}
