/* runlog.c — every stored run and what differs between two runs: the scripts (by the sha256 the
 * runs recorded), the parameter values, the households imported in between. */
#include "runlog.h"
#include "bangfu.h"
#include "i18n.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

/* A script's name as runs are compared: the file name, "lib/NAME" for a shared library, so a
 * run made with another --policies folder compares file by file. */
static const char *script_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return path;
    const char *name = slash + 1;
    if (slash - path >= 3 && strncmp(slash - 3, "lib", 3) == 0 &&
        (slash - path == 3 || slash[-4] == '/'))
        return slash - 3;
    return name;
}

/* Replaces every key of ps by its script name (in place: the name is a suffix of the key). */
static void keys_to_script_names(bf_json_pairs *ps)
{
    for (int i = 0; i < ps->n; i++) {
        const char *name = script_name(ps->p[i].key);
        memmove(ps->p[i].key, name, strlen(name) + 1);
    }
}

static int add_script(bf_run_changes *c, const char *name)
{
    char **grown = realloc(c->scripts, sizeof *grown * (size_t)(c->n_scripts + 1));
    if (!grown)
        return BF_ENOMEM;
    c->scripts = grown;
    if (!(c->scripts[c->n_scripts] = strdup(name)))
        return BF_ENOMEM;
    c->n_scripts++;
    return BF_OK;
}

static int add_param(bf_run_changes *c, const char *name, const char *before, const char *after)
{
    bf_param_change *grown = realloc(c->params, sizeof *grown * (size_t)(c->n_params + 1));
    if (!grown)
        return BF_ENOMEM;
    c->params = grown;
    bf_param_change *p = &c->params[c->n_params];
    p->name = strdup(name);
    p->before = before ? strdup(before) : NULL;
    p->after = after ? strdup(after) : NULL;
    c->n_params++;
    return !p->name || (before && !p->before) || (after && !p->after) ? BF_ENOMEM : BF_OK;
}

/* The members of two JSON objects that differ: in b with another value or not in a, then in a
 * only; each passed to add (as a script when params is false). */
static int compare_objects(const bf_json_pairs *a, const bf_json_pairs *b, bool params,
                           bf_run_changes *c)
{
    int rc = BF_OK;
    for (int i = 0; rc == BF_OK && i < b->n; i++) {
        int j = bf_json_pairs_find(a, b->p[i].key, i);
        if (j >= 0 && strcmp(a->p[j].value, b->p[i].value) == 0)
            continue;
        rc = params ? add_param(c, b->p[i].key, j >= 0 ? a->p[j].value : NULL, b->p[i].value)
                    : add_script(c, b->p[i].key);
    }
    for (int i = 0; rc == BF_OK && i < a->n; i++)
        if (bf_json_pairs_find(b, a->p[i].key, i) < 0)
            rc = params ? add_param(c, a->p[i].key, a->p[i].value, NULL)
                        : add_script(c, a->p[i].key);
    return rc;
}

/* Compares the JSON objects before and after (file hashes, or parameter values). */
static int compare_json(const char *before, const char *after, bool params, bf_run_changes *c)
{
    bf_json_pairs a = {0}, b = {0};
    int rc = bf_json_pairs_read(before, &a);
    if (rc == BF_OK)
        rc = bf_json_pairs_read(after, &b);
    if (rc == BF_OK && !params) {
        keys_to_script_names(&a);
        keys_to_script_names(&b);
    }
    if (rc == BF_OK)
        rc = compare_objects(&a, &b, params, c);
    bf_json_pairs_free(&a);
    bf_json_pairs_free(&b);
    return rc;
}

int bf__runlog_compare(bf_store *s, const bf_stored_run *before, const bf_stored_run *after,
                      bf_run_changes *out, bf_errors *errs)
{
    memset(out, 0, sizeof *out);
    out->date_moved = strcmp(before->eval_date, after->eval_date) != 0;
    int rc = compare_json(before->file_hashes, after->file_hashes, false, out);
    if (rc == BF_OK)
        rc = compare_json(before->parameters, after->parameters, true, out);
    if (rc != BF_OK) {
        bf__run_changes_free(out);
        /* the store wrote these texts: unreadable means a damaged database */
        return rc == BF_ENOMEM
                   ? bf_errors_fail(errs, rc, _("%s: comparing two runs: out of memory"),
                                    bf_store_path(s))
                   : bf_errors_fail(errs, rc, _("%s: comparing two runs: a run's file hashes or "
                                                "parameters are not a JSON object"),
                                    bf_store_path(s));
    }
    out->versions_known = before->households_version >= 0 && after->households_version >= 0;
    if (!out->versions_known)
        return BF_OK;
    int64_t lo = before->households_version, hi = after->households_version;
    rc = bf_store_versions_between(s, lo < hi ? lo : hi, lo < hi ? hi : lo, &out->households_added,
                                   &out->households_reimported, errs);
    if (rc != BF_OK)
        bf__run_changes_free(out);
    return rc;
}

void bf__run_changes_free(bf_run_changes *c)
{
    for (int i = 0; i < c->n_scripts; i++)
        free(c->scripts[i]);
    free(c->scripts);
    for (int i = 0; i < c->n_params; i++) {
        free(c->params[i].name);
        free(c->params[i].before);
        free(c->params[i].after);
    }
    free(c->params);
    memset(c, 0, sizeof *c);
}

/* Reads run id into e with its policies, compared with prev (NULL for the first run). */
static int load_entry(bf_store *s, int64_t id, const bf_run_entry *prev, bf_run_entry *e,
                      bf_errors *errs)
{
    memset(e, 0, sizeof *e);
    int rc = bf_store_run_get(s, id, &e->run, errs);
    if (rc == BF_OK)
        rc = bf_store_run_policies(s, id, &e->policies, &e->n_policies, errs);
    if (rc == BF_OK && prev) {
        e->previous = prev->run.id;
        rc = bf__runlog_compare(s, &prev->run, &e->run, &e->changes, errs);
    }
    return rc;
}

int bf_runlog_list(bf_store *s, bf_run_entry **out, int *n, bf_errors *errs)
{
    *out = NULL;
    *n = 0;
    int64_t *ids;
    int count;
    int rc = bf_store_run_ids(s, &ids, &count, errs);
    if (rc != BF_OK)
        return rc;
    bf_run_entry *entries = count ? calloc((size_t)count, sizeof *entries) : NULL;
    if (count && !entries) {
        free(ids);
        return bf_errors_fail(errs, BF_ENOMEM, _("%s: listing the runs: out of memory"),
                              bf_store_path(s));
    }
    int done = 0;
    for (; rc == BF_OK && done < count; done++)
        rc = load_entry(s, ids[done], done ? &entries[done - 1] : NULL, &entries[done], errs);
    free(ids);
    if (rc != BF_OK) {
        bf_runlog_free(entries, done);
        return rc;
    }
    *out = entries;
    *n = count;
    return BF_OK;
}

void bf_runlog_free(bf_run_entry *e, int n)
{
    for (int i = 0; e && i < n; i++) {
        bf_stored_run_free(&e[i].run);
        bf_stored_policies_free(e[i].policies, e[i].n_policies);
        bf__run_changes_free(&e[i].changes);
    }
    free(e);
}
