/* plugins.c — loading plugins with dlopen and keeping a registry of what they provide. */
#include "plugins.h"
#include "i18n.h"
#include "bangfu.h"
#include "sink.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void host_log(const char *plugin, const char *message)
{
    fprintf(stderr, _("bangfu: plugin %s: %s\n"), plugin ? plugin : "?", message ? message : "");
}

const bf_host bf_plugin_host = {
    .abi = BF_PLUGIN_ABI,
    .version = BF_VERSION,
    .log = host_log,
    .household_begin = bf_sink_household_begin,
    .household_set = bf_sink_household_set,
    .member_begin = bf_sink_member_begin,
    .member_set = bf_sink_member_set,
    .household_end = bf_sink_household_end,
    .error = bf_sink_error,
    .member_error = bf_sink_member_error,
    .household_cell = bf_sink_household_cell,
    .member_cell = bf_sink_member_cell,
    .size = sizeof(bf_host),
    .plugin_size = sizeof(bf_plugin),     /* load_one hands init a zeroed bf_plugin of this size */
};

typedef struct loaded {
    void *handle;
    char *file;
    bf_plugin info;
} loaded;

struct bf_plugins {
    loaded *items;
    int n;
    bf_lua_module *modules;    /* all plugins' Lua modules, {NULL, NULL}-terminated */
};

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the NAME.so files of dir, sorted; a missing folder gives none. */
static char **list_plugin_files(const char *dir, int *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = NULL;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        if (len < 4 || strcmp(ent->d_name + len - 3, ".so") != 0 || ent->d_name[0] == '.')
            continue;
        char **grown = realloc(names, sizeof *grown * (size_t)(*n + 1));
        if (!grown)
            break;
        names = grown;
        size_t plen = strlen(dir) + len + 2;
        if ((names[*n] = malloc(plen)))
            snprintf(names[(*n)++], plen, "%s/%s", dir, ent->d_name);
    }
    closedir(d);
    if (*n)
        qsort(names, (size_t)*n, sizeof *names, compare_names);
    return names;
}

/* The next space-separated word of *s (its length in *len), advancing *s; NULL at the end. */
static const char *next_word(const char **s, size_t *len)
{
    const char *p = *s ? *s : "";
    while (*p == ' ')
        p++;
    *len = strcspn(p, " ");
    *s = p + *len;
    return *len ? p : NULL;
}

/* True when two space-separated extension lists share one. */
static bool extensions_overlap(const char *a, const char *b)
{
    size_t alen, blen;
    for (const char *x = next_word(&a, &alen); x; x = next_word(&a, &alen)) {
        const char *rest = b;
        for (const char *y = next_word(&rest, &blen); y; y = next_word(&rest, &blen))
            if (alen == blen && strncmp(x, y, alen) == 0)
                return true;
    }
    return false;
}

/* What of info clashes with plugin o (already loaded): written into what; false when nothing. */
static bool clashes_with(const bf_plugin *o, const bf_plugin *info, char *what, size_t size)
{
    if (strcmp(o->name, info->name) == 0) {
        snprintf(what, size, _("the plugin name '%s'"), info->name);
        return true;
    }
    for (const bf_writer *w = info->writers; w && w->format; w++)
        for (const bf_writer *ow = o->writers; ow && ow->format; ow++)
            if (strcmp(w->format, ow->format) == 0) {
                snprintf(what, size, _("the writer format '%s'"), w->format);
                return true;
            }
    for (const bf_reader_format *r = info->readers; r && r->format; r++)
        for (const bf_reader_format *or = o->readers; or && or->format; or++)
            if (strcmp(r->format, or->format) == 0 ||
                extensions_overlap(r->extensions, or->extensions)) {
                snprintf(what, size, _("the reader format '%s' (%s)"), r->format,
                         r->extensions ? r->extensions : "");
                return true;
            }
    for (const bf_lua_module_def *m = info->modules; m && m->name; m++)
        for (const bf_lua_module_def *om = o->modules; om && om->name; om++)
            if (strcmp(m->name, om->name) == 0) {
                snprintf(what, size, _("the Lua module '%s'"), m->name);
                return true;
            }
    return false;
}

/* The file of the loaded plugin that already provides a name, format or module of info, with
 * what clashes in what; NULL when none. */
static const char *clash(const bf_plugins *p, const bf_plugin *info, char *what, size_t size)
{
    for (int i = 0; i < p->n; i++)
        if (clashes_with(&p->items[i].info, info, what, size))
            return p->items[i].file;
    return NULL;
}

/* Why a plugin's self-description cannot be used, or NULL when it can. */
static const char *incomplete(const bf_plugin *info)
{
    if (!info->name || !*info->name)
        return "it gives no name";
    for (const bf_reader_format *r = info->readers; r && r->format; r++)
        if (!r->read || !r->extensions)
            return "a reader has no read function or no extensions";
    for (const bf_writer *w = info->writers; w && w->format; w++)
        if (!w->open || !w->write || !w->close)
            return "a writer lacks its open, write or close function";
    for (const bf_lua_module_def *m = info->modules; m && m->name; m++)
        if (!m->open)
            return "a Lua module has no open function";
    return NULL;
}

/* Loads one file; on any problem reports it and returns false (the handle is closed). */
static bool load_one(bf_plugins *p, const char *file, bf_errors *errs)
{
    void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        size_t flen = strlen(file);
        if (why && strncmp(why, file, flen) == 0 && strncmp(why + flen, ": ", 2) == 0)
            why += flen + 2;                          /* dlerror repeats the file name */
        bf_errors_add(errs, _("%s: skipped: not a loadable shared object (%s)"), file,
                      why ? why : "dlopen failed");
        return false;
    }
    const int *abi = dlsym(h, BF_PLUGIN_ABI_SYMBOL);     /* optional: checked before any code runs */
    if (abi && *abi != BF_PLUGIN_ABI) {
        bf_errors_add(errs, _("%s: skipped: built for plugin ABI %d, this bangfu has ABI %d"), file,
                      *abi, BF_PLUGIN_ABI);
        dlclose(h);
        return false;
    }
    bf_plugin_init_fn init;
    *(void **)&init = dlsym(h, BF_PLUGIN_INIT_SYMBOL);   /* object to function pointer, POSIX-style */
    if (!init) {
        bf_errors_add(errs, _("%s: skipped: no %s function: not a bangfu plugin"), file,
                      BF_PLUGIN_INIT_SYMBOL);
        dlclose(h);
        return false;
    }
    bf_plugin info;
    memset(&info, 0, sizeof info);
    int rc = init(&bf_plugin_host, &info);
    const char *why = NULL;
    char msg[1024], what[256];
    if (rc != 0) {
        snprintf(msg, sizeof msg, _("its %s returned %d (it refused to load)"), BF_PLUGIN_INIT_SYMBOL, rc);
        why = msg;
    } else if (info.abi != BF_PLUGIN_ABI) {
        snprintf(msg, sizeof msg, _("built for plugin ABI %d, this bangfu has ABI %d"), info.abi,
                 BF_PLUGIN_ABI);
        why = msg;
    } else if ((why = incomplete(&info))) {
        /* why says it */
    } else {
        const char *other = clash(p, &info, what, sizeof what);
        if (other) {
            snprintf(msg, sizeof msg, _("plugin '%s' clashes with %s: both provide %s"), info.name,
                     other, what);
            why = msg;
        }
    }
    if (why) {
        bf_errors_add(errs, _("%s: skipped: %s"), file, why);
        dlclose(h);
        return false;
    }
    loaded *grown = realloc(p->items, sizeof *grown * (size_t)(p->n + 1));
    if (!grown || !(grown[p->n].file = strdup(file))) {
        if (grown)
            p->items = grown;
        dlclose(h);
        return false;
    }
    p->items = grown;
    p->items[p->n].handle = h;
    p->items[p->n].info = info;
    p->n++;
    return true;
}

static int collect_modules(bf_plugins *p)
{
    int count = 0;
    for (int i = 0; i < p->n; i++)
        for (const bf_lua_module_def *m = p->items[i].info.modules; m && m->name; m++)
            count++;
    p->modules = calloc((size_t)count + 1, sizeof *p->modules);
    if (!p->modules)
        return BF_ENOMEM;
    int k = 0;
    for (int i = 0; i < p->n; i++)
        for (const bf_lua_module_def *m = p->items[i].info.modules; m && m->name; m++)
            p->modules[k++] = (bf_lua_module){m->name, m->open};
    return BF_OK;
}

int bf_plugins_load(const char *dir, bf_plugins **out, bf_errors *errs)
{
    *out = NULL;
    bf_plugins *p = calloc(1, sizeof *p);
    if (!p)
        return BF_ENOMEM;
    int n;
    char **files = list_plugin_files(dir, &n);
    for (int i = 0; i < n; i++) {
        load_one(p, files[i], errs);
        free(files[i]);
    }
    free(files);
    if (collect_modules(p) != BF_OK) {
        bf_plugins_free(p);
        return BF_ENOMEM;
    }
    *out = p;
    return BF_OK;
}

void bf_plugins_free(bf_plugins *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++) {
        dlclose(p->items[i].handle);
        free(p->items[i].file);
    }
    free(p->items);
    free(p->modules);
    free(p);
}

int bf_plugins_count(const bf_plugins *p)
{
    return p ? p->n : 0;
}

const bf_plugin *bf_plugins_get(const bf_plugins *p, int i, const char **file)
{
    if (!p || i < 0 || i >= p->n)
        return NULL;
    if (file)
        *file = p->items[i].file;
    return &p->items[i].info;
}

const bf_writer *bf_plugins_writer(const bf_plugins *p, const char *format)
{
    for (int i = 0; p && i < p->n; i++)
        for (const bf_writer *w = p->items[i].info.writers; w && w->format; w++)
            if (strcmp(w->format, format) == 0)
                return w;
    return NULL;
}

/* True when path ends with one of the space-separated extensions. */
static bool has_extension(const char *path, const char *extensions)
{
    size_t plen = strlen(path);
    for (const char *e = extensions; e && *e;) {
        while (*e == ' ')
            e++;
        size_t len = strcspn(e, " ");
        if (len && plen >= len && strncasecmp(path + plen - len, e, len) == 0)
            return true;
        e += len;
    }
    return false;
}

const bf_reader_format *bf_plugins_reader(const bf_plugins *p, const char *format, const char *path)
{
    for (int i = 0; p && i < p->n; i++)
        for (const bf_reader_format *r = p->items[i].info.readers; r && r->format; r++)
            if (format ? strcmp(r->format, format) == 0 : (path && has_extension(path, r->extensions)))
                return r;
    return NULL;
}

const bf_lua_module *bf_plugins_lua_modules(const bf_plugins *p)
{
    return p ? p->modules : NULL;
}
