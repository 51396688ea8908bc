/* test_layout.c — the shape of core/: no include circle between its modules, SQLite seen by
 * the store alone, and no C file over 900 lines. Each check runs on the real tree and on a small made-up tree that breaks it. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* Where the compiler looks for "X.h" after the including file's own folder (the Makefile's
 * CORE_DIRS, in its order). */
static const char *const core_dirs[] = {"", "base", "input", "store", "engine", "decisions",
                                        "report", "serve", "cli"};
#define N_DIRS (sizeof core_dirs / sizeof core_dirs[0])
#define MAX_FILES 512
#define MAX_INCLUDES 64

typedef struct source {
    char dir[32], name[64];           /* folder under core/ ("" for core itself), file name */
    char module[96];                  /* dir/name without its extension */
    bool internal;                    /* a folder's private header: its includes count for the
                                       * files that include it */
    char *text;
    int includes[MAX_INCLUDES];       /* indices of the core files it includes */
    int n_includes;
} source;

typedef struct tree {
    char root[512];                   /* the folder holding core/ */
    source files[MAX_FILES];
    int n;
} tree;

static bool is_source(const char *name)
{
    size_t n = strlen(name);
    return n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

/* Reads every .c and .h of core/ and its folders. */
static void read_tree(tree *t, const char *root)
{
    memset(t, 0, sizeof *t);
    snprintf(t->root, sizeof t->root, "%s", root);
    for (size_t k = 0; k < N_DIRS; k++) {
        char path[700];
        snprintf(path, sizeof path, "%s/core/%s", root, core_dirs[k]);
        DIR *d = opendir(path);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d)) && t->n < MAX_FILES) {
            if (!is_source(e->d_name) || strlen(e->d_name) >= sizeof t->files[0].name)
                continue;
            source *s = &t->files[t->n++];
            snprintf(s->dir, sizeof s->dir, "%s", core_dirs[k]);
            snprintf(s->name, sizeof s->name, "%.63s", e->d_name);
            snprintf(s->module, sizeof s->module, "%s/%.*s", core_dirs[k],
                     (int)strlen(e->d_name) - 2, e->d_name);
            s->internal = strcmp(s->name, "internal.h") == 0;
            char *file = bf_test_path(path, e->d_name);
            s->text = bf_test_read_file(file, NULL);
            cr_assert_not_null(s->text, "cannot read %s", file);
            free(file);
        }
        closedir(d);
    }
    cr_assert_lt(t->n, MAX_FILES, "more files in core/ than this test has room for");
}

static void free_tree(tree *t)
{
    for (int i = 0; i < t->n; i++)
        free(t->files[i].text);
}

/* The file `#include "name"` in a file of folder dir finds: its own folder first, then the
 * include path; -1 for a header outside core/ (plugin.h is in core/ and is found). */
static int resolve(const tree *t, const char *dir, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->files[i].dir, dir) == 0 && strcmp(t->files[i].name, name) == 0)
            return i;
    for (size_t k = 0; k < N_DIRS; k++)
        for (int i = 0; i < t->n; i++)
            if (strcmp(t->files[i].dir, core_dirs[k]) == 0 && strcmp(t->files[i].name, name) == 0)
                return i;
    return -1;
}

/* Fills each file's includes from its #include "..." lines. */
static void link_includes(tree *t)
{
    for (int i = 0; i < t->n; i++) {
        source *s = &t->files[i];
        for (const char *p = s->text; (p = strstr(p, "#include \"")); p++) {
            const char *name = p + strlen("#include \""), *end = strchr(name, '"');
            if (!end || end - name >= 64)
                continue;
            char header[64];
            snprintf(header, sizeof header, "%.*s", (int)(end - name), name);
            int to = resolve(t, s->dir, header);
            if (to >= 0 && s->n_includes < MAX_INCLUDES)
                s->includes[s->n_includes++] = to;
        }
    }
}

/* Module graph: module a depends on module b when a file of a includes a header of b (through
 * a folder's internal.h, which belongs to no module, its own includes count). */
typedef struct graph {
    char names[MAX_FILES][96];
    int n;
    bool edge[MAX_FILES][MAX_FILES];
} graph;

static int module_index(graph *g, const char *name)
{
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->names[i], name) == 0)
            return i;
    snprintf(g->names[g->n], sizeof g->names[0], "%s", name);
    return g->n++;
}

static void add_edges(const tree *t, graph *g, int from, int file, int depth)
{
    const source *s = &t->files[file];
    for (int k = 0; k < s->n_includes && depth < 8; k++) {
        const source *to = &t->files[s->includes[k]];
        if (to->internal)
            add_edges(t, g, from, s->includes[k], depth + 1);
        else if (strcmp(to->module, g->names[from]) != 0)
            g->edge[from][module_index(g, to->module)] = true;
    }
}

static void build_graph(const tree *t, graph *g)
{
    memset(g, 0, sizeof *g);
    for (int i = 0; i < t->n; i++)
        if (!t->files[i].internal)
            add_edges(t, g, module_index(g, t->files[i].module), i, 0);
}

/* Depth-first search; on a circle writes it ("a -> b -> a") into out and returns true. */
static bool find_circle(const graph *g, int u, int *state, int *path, int depth, char *out,
                        size_t size)
{
    state[u] = 1;
    path[depth] = u;
    for (int v = 0; v < g->n; v++) {
        if (!g->edge[u][v])
            continue;
        if (state[v] == 1) {
            int from = depth;
            while (path[from] != v)
                from--;
            size_t len = 0;
            for (int k = from; k <= depth; k++)
                len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s -> ",
                                        g->names[path[k]]);
            snprintf(out + (len < size ? len : size - 1), len < size ? size - len : 1, "%s",
                     g->names[v]);
            return true;
        }
        if (state[v] == 0 && find_circle(g, v, state, path, depth + 1, out, size))
            return true;
    }
    state[u] = 2;
    return false;
}

/* The first include circle of the tree at root into out; false when there is none. */
static bool include_circle(const char *root, char *out, size_t size)
{
    static tree t;
    static graph g;
    read_tree(&t, root);
    cr_assert_gt(t.n, 0, "no sources under %s/core", root);
    link_includes(&t);
    build_graph(&t, &g);
    int state[MAX_FILES] = {0}, path[MAX_FILES];
    bool found = false;
    for (int u = 0; u < g.n && !found; u++)
        if (state[u] == 0)
            found = find_circle(&g, u, state, path, 0, out, size);
    free_tree(&t);
    return found;
}

/* The first file of the tree at root outside the store that mentions sqlite3 (the store's .c
 * files and its internal.h may; its public headers may not) into out; false when none. */
static bool sqlite_outside_store(const char *root, char *out, size_t size)
{
    static tree t;
    read_tree(&t, root);
    cr_assert_gt(t.n, 0, "no sources under %s/core", root);
    bool found = false;
    for (int i = 0; i < t.n && !found; i++) {
        const source *s = &t.files[i];
        bool store_private = strcmp(s->dir, "store") == 0 &&
                             (s->internal || s->name[strlen(s->name) - 1] == 'c');
        if (!store_private && strstr(s->text, "sqlite3")) {
            snprintf(out, size, "core/%s/%s", s->dir, s->name);
            found = true;
        }
    }
    free_tree(&t);
    return found;
}

#define MAX_LINES 900

/* The first C file of the tree at root longer than MAX_LINES lines into out (with its count);
 * false when none. */
static bool long_file(const char *root, char *out, size_t size)
{
    static tree t;
    read_tree(&t, root);
    cr_assert_gt(t.n, 0, "no sources under %s/core", root);
    bool found = false;
    for (int i = 0; i < t.n && !found; i++) {
        const source *s = &t.files[i];
        int lines = 0;
        for (const char *p = s->text; *p; p++)
            lines += *p == '\n';
        if (s->name[strlen(s->name) - 1] == 'c' && lines > MAX_LINES) {
            snprintf(out, size, "core/%s/%s has %d lines", s->dir, s->name, lines);
            found = true;
        }
    }
    free_tree(&t);
    return found;
}

/* A made-up tree under bf_test_dir: files given as path, text pairs (NULL-terminated). */
static char *made_up_tree(const char *first, ...)
{
    char *root = bf_test_path(bf_test_dir, "tree");
    va_list ap;
    va_start(ap, first);
    for (const char *rel = first; rel; rel = va_arg(ap, const char *)) {
        const char *text = va_arg(ap, const char *);
        char *path = bf_test_path(root, rel);
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", path);
        cr_assert_eq(system(cmd), 0);
        cr_assert_eq(bf_test_write_file(path, text, (size_t)-1), 0);
        free(path);
    }
    va_end(ap);
    return root;
}

TestSuite(layout, .init = bf_test_dir_setup, .fini = bf_test_dir_teardown);

Test(layout, core_has_no_include_circle)
{
    char circle[2048] = "";
    cr_expect_not(include_circle(BF_SOURCE_DIR, circle, sizeof circle), "include circle: %s",
                  circle);
}

Test(layout, an_include_circle_is_found)
{
    /* input/a.c uses b.h, input/b.c uses a.h: a -> b -> a; c.c includes a.h and is no circle */
    char *root = made_up_tree("core/input/a.h", "#include \"household.h\"\n",
                              "core/input/a.c", "#include \"a.h\"\n#include \"b.h\"\n",
                              "core/input/b.h", "int b(void);\n",
                              "core/input/b.c", "#include \"b.h\"\n#include \"a.h\"\n",
                              "core/store/c.c", "#include \"a.h\"\n", NULL);
    char circle[2048] = "";
    cr_assert(include_circle(root, circle, sizeof circle));
    cr_expect(strcmp(circle, "input/a -> input/b -> input/a") == 0 ||
              strcmp(circle, "input/b -> input/a -> input/b") == 0, "%s", circle);
    free(root);
}

Test(layout, a_circle_through_an_internal_header_is_found)
{
    /* engine/x.c includes internal.h, which includes y.h; y.c includes x.h */
    char *root = made_up_tree("core/engine/internal.h", "#include \"y.h\"\n",
                              "core/engine/x.h", "int x(void);\n",
                              "core/engine/x.c", "#include \"internal.h\"\n",
                              "core/engine/y.h", "int y(void);\n",
                              "core/engine/y.c", "#include \"y.h\"\n#include \"x.h\"\n", NULL);
    char circle[2048] = "";
    cr_expect(include_circle(root, circle, sizeof circle), "no circle found");
    free(root);
}

Test(layout, only_the_store_sees_sqlite)
{
    char file[256] = "";
    cr_expect_not(sqlite_outside_store(BF_SOURCE_DIR, file, sizeof file),
                  "%s mentions sqlite3 outside the store's own files", file);
}

Test(layout, sqlite_outside_the_store_is_found)
{
    char *root = made_up_tree("core/store/internal.h", "#include <sqlite3.h>\n",
                              "core/store/store.c", "sqlite3 *db;\n",
                              "core/store/store.h", "int bf_store_open(void);\n", NULL);
    char file[256] = "";
    cr_expect_not(sqlite_outside_store(root, file, sizeof file), "%s", file);
    free(root);
    root = made_up_tree("core/store/store.h", "typedef struct sqlite3 sqlite3;\n", NULL);
    cr_expect(sqlite_outside_store(root, file, sizeof file));
    cr_expect_str_eq(file, "core/store/store.h");
    free(root);
    root = made_up_tree("core/store/store.h", "int x;\n", "core/input/import.c",
                        "#include <sqlite3.h>\n", NULL);
    cr_expect(sqlite_outside_store(root, file, sizeof file));
    cr_expect_str_eq(file, "core/input/import.c");
    free(root);
}

Test(layout, no_c_file_over_900_lines)
{
    char file[256] = "";
    cr_expect_not(long_file(BF_SOURCE_DIR, file, sizeof file), "%s", file);
}

Test(layout, a_long_file_is_found)
{
    char text[MAX_LINES + 2];
    memset(text, '\n', sizeof text - 1);
    text[sizeof text - 1] = '\0';                   /* 901 lines */
    char *root = made_up_tree("core/input/short.c", text + 1, "core/input/long.h", text, NULL);
    char file[256] = "";
    cr_expect_not(long_file(root, file, sizeof file), "%s: 900 lines, and a header", file);
    free(root);
    root = made_up_tree("core/input/long.c", text, NULL);
    cr_expect(long_file(root, file, sizeof file));
    cr_expect_str_eq(file, "core/input/long.c has 901 lines");
    free(root);
}
